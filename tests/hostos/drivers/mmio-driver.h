/*
 * tests/hostos/drivers/mmio-driver.h - the register-access tests' driver
 * side (mmio-driver.c, Windows code); plain C types.
 */
#ifndef PCISIM_TESTS_HOSTOS_MMIO_DRIVER_H
#define PCISIM_TESTS_HOSTOS_MMIO_DRIVER_H

#include <stdint.h>

/* The fake device: 16 32-bit registers at this bus address, a FIFO
 * register at +0x3c that counts up on each read, 4 ports at this port. */
#define MMIO_DEV_PA 0xfe000000u
#define MMIO_DEV_PORT 0x1000u

struct mmio_obs {
	uint32_t val[8];
	uint64_t val64;
	uint32_t fifo[4];
	uint8_t port8;
	uint32_t port32;
	uintptr_t va;
	uint64_t bar_pa;       /* mmio_start: the memory resource it mapped */
	uint32_t bar_len;
	uint32_t bar_reg1;     /* mmio_start: register 1 as read */
	void *buf;             /* mmio_start: a 64-byte non-paged buffer */
};

extern struct mmio_obs mmio_obs;

void mmio_basic(void *arg);
void mmio_read_outside(void *arg);
void mmio_write_outside(void *arg);
void mmio_after_unmap(void *arg);
void mmio_map_above_dispatch(void *arg);
void mmio_unmap_at_dispatch(void *arg);
void mmio_unmap_unknown(void *arg);

/* A start routine (NTSTATUS (PDEVICE_OBJECT, PCM_RESOURCE_LIST,
 * PCM_RESOURCE_LIST)) as hostos_start_routine: maps the first translated
 * memory resource, reads register 1, writes it + 1 to register 2, unmaps,
 * and allocates a 64-byte non-paged buffer it keeps (mmio_obs.buf). */
extern void (*const mmio_start)(void);

#endif /* PCISIM_TESTS_HOSTOS_MMIO_DRIVER_H */
