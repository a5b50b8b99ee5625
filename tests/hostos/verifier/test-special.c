/*
 * tests/hostos/verifier/test-special.c - cmocka tests of Special Pool
 * (guard pages: an overrun, an underrun in START mode and a use after free
 * stopped at the access with 0xD6 / 0xD5 and their parameters; a write in
 * a block's slack found at free, 0xC1/0x24) and of Force IRQL Checking's
 * guarded paged pool (a touch at DISPATCH_LEVEL is 0xD1; below it the pool
 * opens again), with the configuration that turns each on; and a plain
 * dereference of mapped device memory reported through the same fault
 * path (HOSTOS_MMIO_PLAIN_ACCESS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"

static struct vm vm;

static void run(void (*fn)(void *), enum hostos_special_pool sp, bool paged_guard)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.special_pool = sp;
	c.paged_guard = paged_guard;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, fn, NULL, 0);
}

static void test_fine(void **state)
{
	(void)state;
	run(sp_fine, HOSTOS_SPECIAL_POOL_END, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	for (unsigned i = 0; i < 7; i++)
		assert_int_not_equal(ver_obs.value[i], 0); /* a bus address for each */
	/* Up to a page: the block ends at its page's end (16-byte rounding). */
	assert_int_equal(((uintptr_t)ver_obs.p[0] + 16) % 4096, 0);
	assert_int_equal(((uintptr_t)ver_obs.p[3] + 112) % 4096, 0);
	assert_int_equal((uintptr_t)ver_obs.p[5] % 4096, 0);
	assert_int_equal(hostos_unload_sweep(vm.os, NULL), 0);
	vm_destroy(&vm);
}

static void test_overrun(void **state)
{
	(void)state;
	run(sp_overrun_read, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xD6, ver_obs.addr[0] + 112, 0, HOSTOS_ANY, 0);
	assert_int_not_equal(hostos_last_bugcheck(vm.os)->p[2], 0);
	assert_int_equal(ver_obs.byte[0], HOSTOS_POOL_FRESH_BYTE);
	assert_false(ver_obs.done);
	vm_destroy(&vm);
	run(sp_overrun_write, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xD6, ver_obs.addr[0] + 64, 1, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

static void test_use_after_free(void **state)
{
	(void)state;
	run(sp_use_after_free, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xD5, ver_obs.addr[0] + 10, 0, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

static void test_slack_corrupt(void **state)
{
	(void)state;
	run(sp_slack_corrupt, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xC1, ver_obs.addr[0], ver_obs.addr[0] + 104, 0, 0x24);
	vm_destroy(&vm);
}

static void test_underrun_start_mode(void **state)
{
	(void)state;
	run(sp_underrun, HOSTOS_SPECIAL_POOL_START, false);
	assert_int_equal(ver_obs.addr[0] % 4096, 0);
	hostos_assert_bugcheck(vm.os, 0xD6, ver_obs.addr[0] - 1, 0, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

static void test_off_by_default(void **state)
{
	struct hostos_config c;

	(void)state;
	/* Off in the configuration, or without the verifier bit: plain pool. */
	run(sp_overrun_read, HOSTOS_SPECIAL_POOL_OFF, false);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	vm_destroy(&vm);
	hostos_config_default(&c);
	c.verifier &= ~HOSTOS_VERIFY_SPECIAL_POOL;
	c.special_pool = HOSTOS_SPECIAL_POOL_END;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, sp_use_after_free, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.byte[0], HOSTOS_POOL_FREED_BYTE);
	vm_destroy(&vm);
}

static void test_paged_below_dispatch(void **state)
{
	(void)state;
	run(fi_paged_passive, HOSTOS_SPECIAL_POOL_OFF, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(ver_obs.byte[0], 7);
	assert_int_equal(ver_obs.byte[1], 8);
	vm_destroy(&vm);
}

static void test_paged_at_dispatch(void **state)
{
	(void)state;
	run(fi_paged_dispatch, HOSTOS_SPECIAL_POOL_OFF, true);
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 3, 2, 0, HOSTOS_ANY);
	assert_int_not_equal(hostos_last_bugcheck(vm.os)->p[3], 0);
	vm_destroy(&vm);
	/* Raised by a spin lock; a write. */
	run(fi_paged_raise_again, HOSTOS_SPECIAL_POOL_OFF, true);
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 5, 2, 1, HOSTOS_ANY);
	vm_destroy(&vm);
	/* Not asked for: no fault. */
	run(fi_paged_dispatch, HOSTOS_SPECIAL_POOL_OFF, false);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
	/* With Special Pool too, a paged block above a page stays guarded. */
	{
		struct hostos_config c;

		hostos_config_default(&c);
		c.special_pool = HOSTOS_SPECIAL_POOL_END;
		c.paged_guard = true;
		assert_int_equal(vm_init(&vm, &c), 0);
		vm_run(&vm, fi_paged_dispatch, (void *)1, 0);
	}
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 3, 2, 0, HOSTOS_ANY);
	assert_int_equal(ver_obs.addr[0] % 4096, 0);   /* plain pool: page-aligned */
	vm_destroy(&vm);
}

static void test_mmio_plain_access(void **state)
{
	struct hostos_config c;

	(void)state;
	hostos_config_default(&c);
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, mm_plain_access, NULL, 0);
	assert_int_equal(ver_obs.value[0], 0xFFFFFFFFu); /* the bus answered the routine */
	hostos_assert_bugcheck(vm.os, HOSTOS_MMIO_PLAIN_ACCESS, ver_obs.addr[0] + 4, 0, HOSTOS_ANY,
			       0xF0000004u);
	vm_destroy(&vm);
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, mm_plain_access, (void *)1, 0);
	hostos_assert_bugcheck(vm.os, HOSTOS_MMIO_PLAIN_ACCESS, ver_obs.addr[0] + 8, 1, HOSTOS_ANY,
			       0xF0000008u);
	vm_destroy(&vm);
}

static void test_mmio_after_unmap(void **state)
{
	(void)state;
	assert_int_equal(vm_init(&vm, NULL), 0);
	vm_run(&vm, mm_after_unmap, NULL, 0);
	hostos_assert_bugcheck(vm.os, 0x50, ver_obs.addr[0] + 12, 0, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

/* Without Special Pool, Pool Tracking finds a write past the end within
 * the block's last 16-byte unit when the block is freed. */
static void test_tracking_overrun(void **state)
{
	struct hostos_config c;

	(void)state;
	run(pt_overrun, HOSTOS_SPECIAL_POOL_OFF, false);
	hostos_assert_bugcheck(vm.os, 0xC4, 0x51, ver_obs.addr[0], ver_obs.addr[0] + 101, 112);
	vm_destroy(&vm);
	hostos_config_default(&c);
	c.verifier &= ~HOSTOS_VERIFY_POOL_TRACKING;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, pt_overrun, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
}

/* ---- above a page: data pages of their own between guard pages ---- */

static void test_large_fine(void **state)
{
	static const size_t sizes[] = { 4097, 8192, 10000, 12288, 70000 };

	(void)state;
	run(sp_large_fine, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	for (unsigned i = 0; i < 5; i++) {
		/* END mode: the block ends at its last page's end (16-byte
		 * rounding), and every byte has a bus address. */
		assert_int_equal(((uintptr_t)ver_obs.p[i] + (sizes[i] + 15) / 16 * 16) % 4096, 0);
		assert_int_not_equal(ver_obs.value[2 * i], 0);
		assert_int_not_equal(ver_obs.value[2 * i + 1], 0);
	}
	/* An MDL over a three-page block holds the frames of its pages;
	 * over a 100-byte block, its page's. */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(ver_obs.byte[i], 1);
	vm_destroy(&vm);
	run(sp_large_fine, HOSTOS_SPECIAL_POOL_START, false);
	hostos_assert_no_bugcheck(vm.os);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal((uintptr_t)ver_obs.p[i] % 4096, 0);
	vm_destroy(&vm);
}

static void test_large_overrun(void **state)
{
	(void)state;
	run(sp_large_overrun, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xD6, ver_obs.addr[0] + 10000, 0, HOSTOS_ANY, 0);
	assert_int_not_equal(hostos_last_bugcheck(vm.os)->p[2], 0);
	assert_false(ver_obs.done);
	vm_destroy(&vm);
}

static void test_large_use_after_free(void **state)
{
	(void)state;
	run(sp_large_use_after_free, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xD5, ver_obs.addr[0] + 5000, 0, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

static void test_large_underrun_start_mode(void **state)
{
	(void)state;
	run(sp_large_underrun, HOSTOS_SPECIAL_POOL_START, false);
	assert_int_equal(ver_obs.addr[0] % 4096, 0);
	hostos_assert_bugcheck(vm.os, 0xD6, ver_obs.addr[0] - 1, 0, HOSTOS_ANY, 0);
	vm_destroy(&vm);
}

static void test_large_tail_corrupt(void **state)
{
	struct hostos_config c;

	(void)state;
	hostos_config_default(&c);
	c.special_pool = HOSTOS_SPECIAL_POOL_START;
	run(sp_large_tail_corrupt, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_bugcheck(vm.os, 0xC1, ver_obs.addr[0], ver_obs.addr[0] + 10005, 0, 0x24);
	vm_destroy(&vm);
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, sp_large_tail_corrupt, (void *)1, 0);
	hostos_assert_bugcheck(vm.os, 0xC1, ver_obs.addr[0], ver_obs.addr[0] + 11000, 0, 0x24);
	vm_destroy(&vm);
}

/* 3700 blocks of 2 to 251 pages (about 110 000 frames with their guards,
 * seven times the machine's 16 384), every one from Special Pool: freed
 * arenas are quarantined (256 data pages), then ready for a block of their
 * size (256 data pages), then their frames go back. At the end at most
 * 256 + 251 quarantined and 256 ready data pages are held, with two guard
 * frames per arena of at least two pages; after the OS, none. */
static void test_large_cycles(void **state)
{
	(void)state;
	run(sp_large_cycles, HOSTOS_SPECIAL_POOL_END, false);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(ver_obs.value[0], 0);
	assert_true(vm.mem.allocated_frames <= 2 * (256 + 251 + 256));
	hostos_destroy(vm.os);
	assert_int_equal(vm.mem.allocated_frames, 0);
	bus_mem_destroy(&vm.mem);
	sim_kernel_destroy(&vm.kern);
}

/* Paged pool an MDL locked is resident: legal at DISPATCH_LEVEL (in a
 * DPC) until MmUnlockPages, then 0xD1 again. */
static void run_locked(void *arg)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.paged_guard = true;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, fi_paged_locked_dpc, arg, 0);
}

static void test_paged_locked(void **state)
{
	(void)state;
	run_locked(NULL);
	assert_int_equal(ver_obs.value[0], 3);       /* both ends and the system address */
	assert_int_equal(ver_obs.byte[0], 0x3C);
	assert_int_equal(ver_obs.value[2], 3);
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 1, 2, 0, HOSTOS_ANY);
	assert_false(ver_obs.done);
	vm_destroy(&vm);
}

/* Two MDLs over one page: it stays locked until the second unlock. */
static void test_paged_locked_nested(void **state)
{
	(void)state;
	run_locked((void *)1);
	assert_int_equal(ver_obs.value[0], 3);
	assert_int_equal(ver_obs.value[1], 4);       /* after the first unlock */
	assert_int_equal(ver_obs.value[2], 4);
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 1, 2, 0, HOSTOS_ANY);
	vm_destroy(&vm);
}

/* Only the pages an MDL locks: the next page of the block is paged. */
static void test_paged_locked_other_page(void **state)
{
	(void)state;
	run_locked((void *)2);
	assert_int_equal(ver_obs.value[0], 1);
	hostos_assert_bugcheck(vm.os, 0xD1, ver_obs.addr[0] + 4196, 2, 0, HOSTOS_ANY);
	vm_destroy(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fine),
		cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_use_after_free),
		cmocka_unit_test(test_slack_corrupt),
		cmocka_unit_test(test_underrun_start_mode),
		cmocka_unit_test(test_off_by_default),
		cmocka_unit_test(test_paged_below_dispatch),
		cmocka_unit_test(test_paged_at_dispatch),
		cmocka_unit_test(test_paged_locked),
		cmocka_unit_test(test_paged_locked_nested),
		cmocka_unit_test(test_paged_locked_other_page),
		cmocka_unit_test(test_mmio_plain_access),
		cmocka_unit_test(test_mmio_after_unmap),
		cmocka_unit_test(test_tracking_overrun),
		cmocka_unit_test(test_large_fine),
		cmocka_unit_test(test_large_overrun),
		cmocka_unit_test(test_large_use_after_free),
		cmocka_unit_test(test_large_underrun_start_mode),
		cmocka_unit_test(test_large_tail_corrupt),
		cmocka_unit_test(test_large_cycles),
	};

	return cmocka_run_group_tests_name("hostos:special", tests, NULL, NULL);
}
