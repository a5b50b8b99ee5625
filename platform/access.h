/*
 * platform/access.h - timed accesses to a machine (platform/machine.h):
 * CPU MMIO reads and writes and device-initiated (DMA) requests, performed
 * functionally through the machine's decoder at the call and timed over
 * the PCIe links of bus/link.h, TLM loosely-timed style: nothing waits, the
 * caller is told when the access completes and moves its own clock.
 *
 * Links. Every function on the root bus (a device, or a root port bridge)
 * has a link to the root complex: a struct bus_link_cfg from
 * bus_link_cfg_default() with the description's generation and width, and
 * MPS/MRRS from the enumeration result when the function has a PCI Express
 * capability (else the defaults, 256/512); two FIFO servers, downstream
 * (root complex to device) and upstream. Both directions carry the Ack and
 * UpdateFC DLLPs of the traffic going the other way
 * (PLATFORM_LINK_CARRIES), since MMIO and DMA flow both ways. A function
 * below a bridge uses its root port's link; switch internal latency and
 * the links below a root port are not modelled in this version.
 * Memory requests to addresses at or above 4 GiB carry 4 DW headers.
 *
 * Timing rules (now = the caller's time, all in ps):
 * - MMIO read of a device register: the MRd crosses the downstream
 *   direction from now (queued behind earlier TLPs), the device answers
 *   after its completer latency (platform_set_completer_latency(), default
 *   PLATFORM_COMPLETER_PS_DEFAULT), the CplD of the read's size (a Cpl
 *   without data when the device answers UR/CA) crosses the upstream
 *   direction: done is when its last byte has left.
 * - MMIO write to a device (posted): the MWr crosses the downstream
 *   direction; the CPU is free at now, arrive is when the device has it.
 * - Host memory, the ECAM window and any region that belongs to no
 *   function cross no link: done (arrive) = now + timing.ram_ps.
 * - Nothing decodes (master abort): the host bridge answers all ones, or
 *   drops the write, at now + timing.master_abort_ps; no link.
 * - A completion timeout fault (bus/fault.h): no completion comes; done is
 *   when the request has left + the decoder's completion timeout (or now +
 *   the timeout when no link is crossed).
 * - DMA (the requester's link): reads issue MRds upstream of at most MRRS
 *   bytes, never crossing 4 KiB, all at now; each is answered after the
 *   target's latency (RAM: ram_ps; a device: its completer latency;
 *   nothing: master_abort_ps) by CplDs downstream that end on RCB (or MPS
 *   when rcb_bytes is BUS_LINK_RCB_MPS) boundaries, at most MPS bytes each,
 *   or by one Cpl without data on an error; done is when the last has
 *   left. Writes issue MWrs upstream of at most MPS bytes, never crossing
 *   4 KiB; done is when the last has left, + ram_ps when it goes to RAM.
 *   A peer-to-peer request crosses only the requester's link.
 *
 * Status bits of DMA (PCI 3.0 §6.2.3, PCIe 4.0 §7.5.1.1.4):
 * - Bus Master Enable off on the requester: the request is not issued
 *   (SIM_ERR_STATE, counted in refused). Bridges' Bus Master Enable above
 *   the requester is not checked (as machine.h: bridge Command registers
 *   do not gate forwarding).
 * - A read completed with Unsupported Request (nothing decodes, or the
 *   completer answers UR): the requester's Received Master Abort.
 * - A posted write to nothing, or answered UR: dropped and logged by the
 *   root complex (write_ur, last_ur_addr); the requester is untouched.
 * - Completer Abort: the completer's Signaled Target Abort when it is a
 *   function of the machine (read or write), and for a read the
 *   requester's Received Target Abort.
 * - Completion timeouts and poisoned completions are counted only (no
 *   Status bit; AER is not modelled).
 *
 * Not thread-safe, like the machine. Include as "platform/access.h".
 */
#ifndef PCISIM_PLATFORM_ACCESS_H
#define PCISIM_PLATFORM_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "bus/decode.h"
#include "bus/link.h"
#include "sim/error.h"
#include "sim/time.h"

struct platform_machine;

/** The DLLPs each link direction carries besides its TLPs. */
#define PLATFORM_LINK_CARRIES (BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC)
/** Default latency of host memory (and the ECAM window): 80 ns. */
#define PLATFORM_RAM_PS_DEFAULT SIM_NS(80)
/** Default latency of the host bridge's master abort: 20 ns. */
#define PLATFORM_MASTER_ABORT_PS_DEFAULT SIM_NS(20)

/**
 * struct platform_link - one root-bus function's link. Read-only for
 * callers (platform_fn_link()).
 * @cfg: its configuration.
 * @down: root complex to device; @up: device to root complex.
 */
struct platform_link {
	struct bus_link_cfg cfg;
	struct bus_link_dir down;
	struct bus_link_dir up;
};

/**
 * struct platform_timing - the latencies that cross no link.
 * @ram_ps: host memory, ECAM and regions of no function.
 * @master_abort_ps: the host bridge's answer when nothing decodes.
 */
struct platform_timing {
	sim_time_t ram_ps;
	sim_time_t master_abort_ps;
};

/**
 * struct platform_dma_stats - DMA counters since the build.
 * @reads, @writes: requests issued (refused ones not counted).
 * @bytes_read, @bytes_written: bytes of those completed successfully.
 * @refused: not issued: Bus Master Enable off.
 * @read_ur: reads completed UR (master aborts included).
 * @write_ur: posted writes dropped as UR by the root complex.
 * @last_ur_addr: the address of the latest of them (0 if none).
 * @read_ca, @write_ca: requests a completer aborted.
 * @timeouts: requests hit by a completion timeout fault.
 * @poisoned: requests flagged poisoned.
 */
struct platform_dma_stats {
	uint64_t reads, writes;
	uint64_t bytes_read, bytes_written;
	uint64_t refused;
	uint64_t read_ur, write_ur;
	uint64_t last_ur_addr;
	uint64_t read_ca, write_ca;
	uint64_t timeouts;
	uint64_t poisoned;
};

/**
 * platform_mmio_read() - a CPU read of @size bytes at bus address @addr.
 * @now_ps: when the CPU issues it.
 * @val: receives the value (all ones of @size bytes on any failure).
 * @done_ps: receives when the data is back at the CPU (rules above).
 * @res: receives the decoder's result; may be NULL.
 * Return: 0 whatever the completion status; SIM_ERR_INVALID for a NULL
 * argument or a bad @size (nothing done); SIM_ERR_OVERFLOW when the time
 * would pass SIM_TIME_MAX (the access was made, the link is unchanged).
 */
int platform_mmio_read(struct platform_machine *m, uint64_t addr, unsigned size,
		       sim_time_t now_ps, uint64_t *val, sim_time_t *done_ps,
		       struct bus_decode_result *res);

/**
 * platform_mmio_write() - a posted CPU write of the low @size bytes of
 * @val at @addr; the CPU is free at @now_ps.
 * @arrive_ps: receives when the target has it (rules above).
 * Other arguments and return as platform_mmio_read().
 */
int platform_mmio_write(struct platform_machine *m, uint64_t addr, unsigned size, uint64_t val,
			sim_time_t now_ps, sim_time_t *arrive_ps, struct bus_decode_result *res);

/**
 * platform_io_read() - a timed CPU read of @size bytes (1, 2 or 4) at I/O
 * port address @port, issued at @now_ps, through platform_io_decode().
 * @val: receives the value; all ones when nothing decodes @port (a master
 *	abort: the host bridge completes the read itself).
 * @done_ps: receives when the data is back: the IORd down the function's
 *	link, its completer latency, the CplD (4 bytes) up; for a master
 *	abort, @now_ps + the machine's master_abort_ps.
 * @res: optional; receives the decoder's result.
 * Return: 0; SIM_ERR_INVALID (NULL argument, bad @size); SIM_ERR_OVERFLOW.
 */
int platform_io_read(struct platform_machine *m, uint32_t port, unsigned size, sim_time_t now_ps,
		     uint32_t *val, sim_time_t *done_ps, struct bus_decode_result *res);

/**
 * platform_io_write() - a timed CPU write to I/O port @port. I/O writes
 * are non-posted (PCIe 4.0 §2.2.7): @done_ps receives when the completion
 * is back (IOWr down, completer latency, Cpl up), or @now_ps +
 * master_abort_ps when nothing decodes @port (the write is dropped).
 * Return: as platform_io_read().
 */
int platform_io_write(struct platform_machine *m, uint32_t port, unsigned size, uint32_t val,
		      sim_time_t now_ps, sim_time_t *done_ps, struct bus_decode_result *res);

/**
 * platform_dma_read() - the function at @bus:@device.@function reads @len
 * bytes at bus address @addr into @buf, as one transaction through the
 * decoder's TLM face (so a span over a register region must be 1, 2, 4 or
 * 8 bytes; one crossing regions is refused as a whole).
 * @len: 1 .. UINT32_MAX.
 * @now_ps: when the requester issues it.
 * @done_ps: receives when the last completion has reached it.
 * @res: receives the decoder's result; may be NULL.
 * Return: 0 when issued, whatever the completion (all ones in @buf on
 * failure; the Status bits and counters above); SIM_ERR_STATE when Bus
 * Master Enable is off (nothing issued, counted); SIM_ERR_INVALID for a
 * NULL argument, a bad length, a wrapping span, or no present function
 * there; SIM_ERR_OVERFLOW as platform_mmio_read().
 */
int platform_dma_read(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, uint64_t addr, void *buf, size_t len, sim_time_t now_ps,
		      sim_time_t *done_ps, struct bus_decode_result *res);

/** platform_dma_write() - as platform_dma_read(), a posted write of @len
 * bytes from @buf; @done_ps receives when the data is at its target. */
int platform_dma_write(struct platform_machine *m, unsigned bus, unsigned device,
		       unsigned function, uint64_t addr, const void *buf, size_t len,
		       sim_time_t now_ps, sim_time_t *done_ps, struct bus_decode_result *res);

/** platform_dma_stats() - the DMA counters of @m into @out. */
void platform_dma_stats(const struct platform_machine *m, struct platform_dma_stats *out);

/** platform_timing() - the latencies of @m into @out (defaults:
 * PLATFORM_RAM_PS_DEFAULT, PLATFORM_MASTER_ABORT_PS_DEFAULT). */
void platform_timing(const struct platform_machine *m, struct platform_timing *out);

/** platform_set_timing() - change them, for accesses from now on.
 * Return: 0, or SIM_ERR_INVALID for NULL. */
int platform_set_timing(struct platform_machine *m, const struct platform_timing *t);

/**
 * platform_set_completer_latency() - the completer latency of the function
 * at @bus:@device.@function (0 allowed).
 * Return: 0, or SIM_ERR_INVALID when no function answers there.
 */
int platform_set_completer_latency(struct platform_machine *m, unsigned bus, unsigned device,
				   unsigned function, sim_time_t ps);

/**
 * platform_fn_link() - the link the function at @bus:@device.@function
 * uses: its own on the root bus, else its root port's. Owned by @m.
 * Return: the link, or NULL when no function answers there.
 */
const struct platform_link *platform_fn_link(struct platform_machine *m, unsigned bus,
					     unsigned device, unsigned function);

#endif /* PCISIM_PLATFORM_ACCESS_H */
