/*
 * tests/irq/test-msix.c - Check tests of the MSI-X Table and PBA storage
 * (irq/msix.h) against PCI 3.0 §6.8.2: entry layout and reset values,
 * reserved bits, aligned DWORD and QWORD accesses, every other access
 * ignored and read as all ones, the read-only PBA, the unmask listener,
 * and the size limits.
 */
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "irq/msix.h"

static uint64_t rt(struct irq_msix *x, uint64_t off, unsigned size)
{
	uint64_t v = 0x5a5a;

	ck_assert_int_eq(irq_msix_table_read(x, off, size, &v), BUS_DECODE_OK);
	return v;
}

static void wt(struct irq_msix *x, uint64_t off, unsigned size, uint64_t v)
{
	ck_assert_int_eq(irq_msix_table_write(x, off, size, v), BUS_DECODE_OK);
}

static uint64_t rp(struct irq_msix *x, uint64_t off, unsigned size)
{
	uint64_t v = 0x5a5a;

	ck_assert_int_eq(irq_msix_pba_read(x, off, size, &v), BUS_DECODE_OK);
	return v;
}

START_TEST(test_sizes_and_reset)
{
	struct irq_msix x;

	ck_assert_int_eq(irq_msix_init(&x, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_msix_init(&x, 2049), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_msix_init(&x, 2048), SIM_OK);
	ck_assert_uint_eq(irq_msix_table_bytes(&x), 2048 * 16);
	ck_assert_uint_eq(irq_msix_pba_bytes(&x), 256);
	irq_msix_destroy(&x);
	ck_assert_int_eq(irq_msix_init(&x, 65), SIM_OK);
	ck_assert_uint_eq(irq_msix_pba_bytes(&x), 16); /* two QWORDs */
	/* §6.8.2.9: every entry's Mask Bit is 1 after reset. */
	for (unsigned i = 0; i < 65; i++) {
		bool masked = false;

		ck_assert_int_eq(irq_msix_entry(&x, i, NULL, NULL, &masked), SIM_OK);
		ck_assert(masked);
		ck_assert_uint_eq(rt(&x, i * 16 + 12, 4), 1);
	}
	ck_assert_int_eq(irq_msix_entry(&x, 65, NULL, NULL, NULL), SIM_ERR_INVALID);
	irq_msix_destroy(&x);
	irq_msix_destroy(NULL);
}
END_TEST

START_TEST(test_entry_fields)
{
	struct irq_msix x;
	uint64_t addr = 0;
	uint32_t data = 0;
	bool masked = true;

	ck_assert_int_eq(irq_msix_init(&x, 4), SIM_OK);
	/* Message Address is DWORD aligned: bits 1:0 read 0 (§6.8.2.6). */
	wt(&x, 0x10, 4, 0xfee01003u);
	ck_assert_uint_eq(rt(&x, 0x10, 4), 0xfee01000u);
	wt(&x, 0x14, 4, 0x12345678u);
	wt(&x, 0x18, 4, 0xdeadbeefu);
	/* Vector Control bits 31:1 are reserved, read 0 (§6.8.2.9). */
	wt(&x, 0x1c, 4, 0xfffffffeu);
	ck_assert_uint_eq(rt(&x, 0x1c, 4), 0);
	ck_assert_int_eq(irq_msix_entry(&x, 1, &addr, &data, &masked), SIM_OK);
	ck_assert_uint_eq(addr, UINT64_C(0x12345678fee01000));
	ck_assert_uint_eq(data, 0xdeadbeefu);
	ck_assert(!masked);
	/* QWORD accesses: address as one 64-bit value, data + control. */
	ck_assert_uint_eq(rt(&x, 0x10, 8), UINT64_C(0x12345678fee01000));
	ck_assert_uint_eq(rt(&x, 0x18, 8), UINT64_C(0x00000000deadbeef));
	wt(&x, 0x20, 8, UINT64_C(0x00000001fee02000));
	wt(&x, 0x28, 8, UINT64_C(0x0000000100000041));
	ck_assert_int_eq(irq_msix_entry(&x, 2, &addr, &data, &masked), SIM_OK);
	ck_assert_uint_eq(addr, UINT64_C(0x1fee02000));
	ck_assert_uint_eq(data, 0x41);
	ck_assert(masked);
	ck_assert_uint_eq(x.bad_accesses, 0);
	irq_msix_destroy(&x);
}
END_TEST

/* §6.8.2: software uses aligned full DWORD or QWORD accesses; anything
 * else is ignored here and reads as all ones. */
START_TEST(test_bad_accesses_ignored)
{
	struct irq_msix x;

	ck_assert_int_eq(irq_msix_init(&x, 2), SIM_OK);
	wt(&x, 0x00, 4, 0xfee00000u);
	wt(&x, 0x08, 4, 0x00000031u);
	/* 8- and 16-bit reads: all ones of their size. */
	ck_assert_uint_eq(rt(&x, 0x08, 1), 0xff);
	ck_assert_uint_eq(rt(&x, 0x08, 2), 0xffff);
	/* 8- and 16-bit writes: no effect. */
	wt(&x, 0x08, 1, 0x00);
	wt(&x, 0x08, 2, 0x0000);
	wt(&x, 0x0c, 1, 0x00); /* would unmask */
	ck_assert_uint_eq(rt(&x, 0x08, 4), 0x31);
	ck_assert_uint_eq(rt(&x, 0x0c, 4), 1);
	/* Unaligned DWORD, QWORD on a DWORD boundary: ignored. */
	ck_assert_uint_eq(rt(&x, 0x02, 4), 0xffffffffu);
	wt(&x, 0x02, 4, 0);
	ck_assert_uint_eq(rt(&x, 0x04, 8), ~UINT64_C(0));
	wt(&x, 0x04, 8, 0);
	ck_assert_uint_eq(rt(&x, 0x00, 4), 0xfee00000u);
	/* Past the table. */
	ck_assert_uint_eq(rt(&x, 0x20, 4), 0xffffffffu);
	wt(&x, 0x20, 4, 0);
	ck_assert_uint_eq(rt(&x, 0x1c, 8), ~UINT64_C(0)); /* runs past the end */
	ck_assert_uint_eq(x.bad_accesses, 12);
	/* The PBA follows the same rules. */
	ck_assert_uint_eq(rp(&x, 0x00, 2), 0xffff);
	ck_assert_uint_eq(rp(&x, 0x08, 4), 0xffffffffu);
	ck_assert_uint_eq(x.bad_accesses, 14);
	irq_msix_destroy(&x);
}
END_TEST

START_TEST(test_pba_read_only)
{
	struct irq_msix x;

	ck_assert_int_eq(irq_msix_init(&x, 100), SIM_OK);
	ck_assert_uint_eq(rp(&x, 0, 8), 0);
	ck_assert_int_eq(irq_msix_set_pending(&x, 1, true), SIM_OK);
	ck_assert_int_eq(irq_msix_set_pending(&x, 33, true), SIM_OK);
	ck_assert_int_eq(irq_msix_set_pending(&x, 64, true), SIM_OK);
	ck_assert_int_eq(irq_msix_set_pending(&x, 100, true), SIM_ERR_INVALID);
	ck_assert(irq_msix_pending(&x, 33));
	ck_assert(!irq_msix_pending(&x, 32));
	ck_assert_uint_eq(rp(&x, 0, 8), (UINT64_C(1) << 33) | 2);
	ck_assert_uint_eq(rp(&x, 0, 4), 2);
	ck_assert_uint_eq(rp(&x, 4, 4), 2);
	ck_assert_uint_eq(rp(&x, 8, 8), 1);
	/* Pending bits are read-only to software (§6.8.2.10). */
	ck_assert_int_eq(irq_msix_pba_write(&x, 0, 8, 0), BUS_DECODE_OK);
	ck_assert_int_eq(irq_msix_pba_write(&x, 0, 4, 0xffffffffu), BUS_DECODE_OK);
	ck_assert_uint_eq(rp(&x, 0, 8), (UINT64_C(1) << 33) | 2);
	ck_assert_int_eq(irq_msix_set_pending(&x, 33, false), SIM_OK);
	ck_assert_uint_eq(rp(&x, 0, 8), 2);
	irq_msix_destroy(&x);
}
END_TEST

static unsigned unmasks, last_unmasked;

static void on_unmask(void *opaque, unsigned entry)
{
	(void)opaque;
	unmasks++;
	last_unmasked = entry;
}

START_TEST(test_unmask_listener)
{
	struct irq_msix x;

	ck_assert_int_eq(irq_msix_init(&x, 8), SIM_OK);
	irq_msix_set_listener(&x, on_unmask, NULL);
	unmasks = 0;
	wt(&x, 5 * 16 + 12, 4, 1);       /* still masked: nothing */
	ck_assert_uint_eq(unmasks, 0);
	wt(&x, 5 * 16 + 12, 4, 0);       /* 1 -> 0 */
	ck_assert_uint_eq(unmasks, 1);
	ck_assert_uint_eq(last_unmasked, 5);
	wt(&x, 5 * 16 + 12, 4, 0);       /* 0 -> 0 */
	ck_assert_uint_eq(unmasks, 1);
	wt(&x, 6 * 16 + 8, 8, 0x0000000000000077u); /* data + unmask in one QWORD */
	ck_assert_uint_eq(unmasks, 2);
	ck_assert_uint_eq(last_unmasked, 6);
	irq_msix_set_listener(&x, NULL, NULL);
	wt(&x, 7 * 16 + 12, 4, 0);
	ck_assert_uint_eq(unmasks, 2);
	irq_msix_destroy(&x);
}
END_TEST

static Suite *msix_suite(void)
{
	Suite *s = suite_create("irq:msix");
	TCase *tc = tcase_create("msix");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sizes_and_reset);
	tcase_add_test(tc, test_entry_fields);
	tcase_add_test(tc, test_bad_accesses_ignored);
	tcase_add_test(tc, test_pba_read_only);
	tcase_add_test(tc, test_unmask_listener);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(msix_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
