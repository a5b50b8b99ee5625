/*
 * hostos/mmio.h - the bus the host OS's processors access devices
 * through: MmMapIoSpace and the READ/WRITE_REGISTER and _PORT routines turn
 * into the accesses of these ops (platform/ supplies them from a machine:
 * link timing, Memory Space Enable, master abort and the devices' access
 * rules all apply). The host OS never calls a device model directly.
 * Include as "hostos/mmio.h".
 */
#ifndef PCISIM_HOSTOS_MMIO_H
#define PCISIM_HOSTOS_MMIO_H

#include <stdint.h>

#include "hostos/os.h"
#include "sim/time.h"

/**
 * struct hostos_bus_ops - a CPU's accesses, TLM loosely-timed: the access
 * is made at the call, the callee says when it completes.
 * @mem_read: a @size-byte (1, 2, 4, 8) read of bus address @pa issued at
 *	@now_ps: *@val (all ones on a master abort), *@done_ps when the data
 *	is back. Return: 0 or a SIM_ERR_* (the routine then reads all ones).
 * @mem_write: a posted write; *@arrive_ps when the device has it.
 * @io_read, @io_write: I/O port accesses, both non-posted (*@done_ps when
 *	the completion is back); NULL: no I/O space (reads all ones).
 */
struct hostos_bus_ops {
	int (*mem_read)(void *opaque, uint64_t pa, unsigned size, sim_time_t now_ps, uint64_t *val,
			sim_time_t *done_ps);
	int (*mem_write)(void *opaque, uint64_t pa, unsigned size, uint64_t val, sim_time_t now_ps,
			 sim_time_t *arrive_ps);
	int (*io_read)(void *opaque, uint32_t port, unsigned size, sim_time_t now_ps, uint32_t *val,
		       sim_time_t *done_ps);
	int (*io_write)(void *opaque, uint32_t port, unsigned size, uint32_t val,
			sim_time_t now_ps, sim_time_t *done_ps);
};

/**
 * hostos_attach_bus() - the bus @os's CPUs access; @ops (and @opaque) must
 * outlive @os. Once.
 * Return: 0, SIM_ERR_INVALID (NULL @os or @ops, no mem_read/mem_write),
 * SIM_ERR_STATE (attached already).
 */
int hostos_attach_bus(struct hostos *os, const struct hostos_bus_ops *ops, void *opaque);

/** The mock's stop code for a plain dereference of a pointer MmMapIoSpace
 * returned (not through the READ_/WRITE_REGISTER_* routines; spec §6.2,
 * mock-only): P1 the address, P2 0 read / 1 write, P3 the instruction,
 * P4 the bus address it maps. */
#define HOSTOS_MMIO_PLAIN_ACCESS 0xA55E0006u

#endif /* PCISIM_HOSTOS_MMIO_H */
