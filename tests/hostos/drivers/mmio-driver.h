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
};

extern struct mmio_obs mmio_obs;

void mmio_basic(void *arg);
void mmio_read_outside(void *arg);
void mmio_write_outside(void *arg);
void mmio_after_unmap(void *arg);
void mmio_map_above_dispatch(void *arg);
void mmio_unmap_at_dispatch(void *arg);
void mmio_unmap_unknown(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_MMIO_DRIVER_H */
