/*
 * tests/bus/bus-test.h - helpers the bus/ test programs share: register
 * accesses that must succeed, and the checks that a register is read-only
 * or read-write as the specification says. Each test program is one
 * translation unit; everything here is static.
 */
#ifndef PCISIM_TESTS_BUS_TEST_H
#define PCISIM_TESTS_BUS_TEST_H

#include <check.h>
#include <stdint.h>

#include "bus/config.h"
#include "sim/error.h"

static inline uint32_t rd(struct pci_cfg *c, uint32_t off, uint32_t len)
{
	uint32_t v = 0xdeadbeef;

	ck_assert_int_eq(pci_cfg_read(c, off, len, &v), SIM_OK);
	return v;
}

static inline void wr(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t v)
{
	ck_assert_int_eq(pci_cfg_write(c, off, len, v), SIM_OK);
}

/* A register is read-only when writing all ones and all zeros leaves it. */
static inline void assert_ro(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t expect)
{
	ck_assert_uint_eq(rd(c, off, len), expect);
	wr(c, off, len, 0xffffffffu);
	ck_assert_uint_eq(rd(c, off, len), expect);
	wr(c, off, len, 0);
	ck_assert_uint_eq(rd(c, off, len), expect);
}

/* A register whose bits in @mask are RW and others read @fixed. */
static inline void assert_rw(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t mask,
			     uint32_t fixed)
{
	const uint32_t all = len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;

	wr(c, off, len, all);
	ck_assert_uint_eq(rd(c, off, len), mask | fixed);
	wr(c, off, len, 0);
	ck_assert_uint_eq(rd(c, off, len), fixed);
	wr(c, off, len, 0xa5a5a5a5u & all);
	ck_assert_uint_eq(rd(c, off, len), (0xa5a5a5a5u & mask) | fixed);
	wr(c, off, len, 0);
}

#endif /* PCISIM_TESTS_BUS_TEST_H */
