/*
 * tests/hostos/verifier/test-lookaside.c - cmocka tests of the lookaside
 * lists (nonpaged, paged, LOOKASIDE_LIST_EX): the counters Windows keeps
 * in the structure, the cache (Depth 4, LIFO, poisoned while cached),
 * entries being pool tracked with the list's tag and type, the driver's
 * own allocate and free routines, and each misuse with its code and
 * parameters (hostos/lookaside.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "hostos/test-cmocka.h"

#define LA_TAG 0x6B4C614Cu /* 'kLaL' */
#define PAGED 1u
#define NONPAGED_NX 512u

static struct vm vm;

static void run(void (*fn)(void *), bool verifier)
{
	struct hostos_config c;

	hostos_config_default(&c);
	if (!verifier)
		c.verifier = 0;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, fn, NULL, 0);
}

static void test_npaged_counters_and_cache(void **state)
{
	struct hostos_pool_block b[8];
	size_t n;

	(void)state;
	run(la_npaged_keep, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	/* Six misses, six frees of which two found the cache (Depth 4) full. */
	assert_int_equal(ver_obs.value[0], 6);
	assert_int_equal(ver_obs.value[1], 6);
	assert_int_equal(ver_obs.value[2], 6);
	assert_int_equal(ver_obs.value[3], 2);
	assert_int_equal(ver_obs.value[4], 4);
	assert_int_equal(ver_obs.value[5], 0); /* NonPagedPool */
	assert_int_equal(ver_obs.value[6], 40);
	assert_int_equal(ver_obs.value[7], LA_TAG);
	assert_int_equal(ver_obs.byte[0], HOSTOS_POOL_FREED_BYTE);
	/* A hit: the entry given back last, handed out uninitialised. */
	assert_ptr_equal(ver_obs.p[6], ver_obs.p[3]);
	assert_int_equal(ver_obs.byte[1], HOSTOS_POOL_FRESH_BYTE);
	assert_int_equal(ver_obs.value[8], 7);
	assert_int_equal(ver_obs.value[9], 6);
	assert_int_equal(ver_obs.value[10], 6);
	/* The four cached entries are live pool, tracked with the tag. */
	n = hostos_pool_live(vm.os, b, 8);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(b[i].tag, LA_TAG);
		assert_int_equal(b[i].bytes, 40);
		assert_int_equal(b[i].pool_type, 0);
		assert_ptr_equal(b[i].site, b[0].site); /* one call site in the driver */
		assert_ptr_equal(b[i].va, ver_obs.p[i]);
	}
	vm_destroy(&vm);
}

static void test_npaged_delete_frees(void **state)
{
	(void)state;
	run(la_npaged_cycle, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(ver_obs.value[0], NONPAGED_NX); /* POOL_NX_ALLOCATION */
	assert_int_equal(hostos_pool_live(vm.os, NULL, 0), 0);
	vm_destroy(&vm);
}

static void test_paged(void **state)
{
	struct hostos_pool_block b[2];

	(void)state;
	run(la_paged, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(ver_obs.value[0], PAGED);
	assert_int_equal(hostos_pool_live(vm.os, b, 2), 1);
	assert_ptr_equal(b[0].va, ver_obs.p[0]);
	assert_int_equal(b[0].pool_type, PAGED);
	assert_int_equal(b[0].tag, 0x6750614Cu); /* 'gPaL' */
	vm_destroy(&vm);
}

static void test_ex(void **state)
{
	(void)state;
	run(la_ex, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(ver_obs.status, 0);
	assert_int_equal(ver_obs.value[0], NONPAGED_NX);
	assert_int_equal(ver_obs.value[1], 0); /* both cached */
	assert_int_equal(ver_obs.value[2], 2); /* flushed through the driver's routine */
	assert_int_equal(ver_obs.value[3], 3);
	assert_int_equal(ver_obs.value[4], 3);
	assert_int_equal(hostos_pool_live(vm.os, NULL, 0), 0);
	vm_destroy(&vm);
}

static void test_ex_bad_flags(void **state)
{
	(void)state;
	run(la_ex_bad_flags, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.value[0], (unsigned long)(long)(int32_t)0xC00000F3u); /* STATUS_INVALID_PARAMETER_5 */
	assert_int_equal(ver_obs.value[1], (unsigned long)(long)(int32_t)0xC00000F3u);
	assert_int_equal(ver_obs.value[2], 0);
	vm_destroy(&vm);
}

static void test_custom_routines(void **state)
{
	struct hostos_pool_block b[1];

	(void)state;
	run(la_custom, true);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.value[0], 1);
	assert_int_equal(ver_obs.value[1], 5);
	assert_int_equal(ver_obs.value[2], 1);
	assert_int_equal(ver_obs.value[3], 5);
	assert_int_equal(hostos_pool_live(vm.os, b, 1), 0);
	vm_destroy(&vm);
}

/* ---- misuse ---- */

static void test_bad_reinit(void **state)
{
	(void)state;
	run(la_bad_reinit, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0xCA, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
	/* Without the verifier: initialised again, silently. */
	run(la_bad_reinit, false);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
}

static void test_bad_delete_uninit(void **state)
{
	(void)state;
	run(la_bad_delete_uninit, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0xCB, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
	run(la_bad_alloc_uninit, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0xCB, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
}

static void test_bad_small(void **state)
{
	(void)state;
	run(la_bad_small, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0xCD, ver_obs.addr[0], 4, 8);
	vm_destroy(&vm);
}

static void test_bad_free_holding(void **state)
{
	(void)state;
	run(la_bad_free_holding, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0xCC, ver_obs.addr[0], ver_obs.addr[0], 4096);
	vm_destroy(&vm);
}

static void test_bad_irql(void **state)
{
	(void)state;
	run(la_bad_paged_dispatch, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0x01, 2, PAGED, 100);
	vm_destroy(&vm);
	run(la_bad_paged_dispatch, false);
	hostos_assert_bugcheck(vm.os, 0xC2, 0x08, 2, PAGED, 100);
	vm_destroy(&vm);
	run(la_bad_free_paged_dispatch, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0x11, 2, PAGED, (uintptr_t)ver_obs.p[0]);
	vm_destroy(&vm);
	run(la_bad_init_irql, true);
	hostos_assert_bugcheck(vm.os, 0xA, ver_obs.addr[0], 2, 0, 0);
	vm_destroy(&vm);
}

static void test_bad_double_free(void **state)
{
	(void)state;
	run(la_bad_double_free, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0x13, 0, (uintptr_t)ver_obs.p[0], LA_TAG);
	vm_destroy(&vm);
	run(la_bad_double_free, false);
	hostos_assert_bugcheck(vm.os, 0xC2, 0x07, 0, LA_TAG, (uintptr_t)ver_obs.p[0]);
	vm_destroy(&vm);
}

static void test_bad_foreign(void **state)
{
	(void)state;
	run(la_bad_foreign, true);
	hostos_assert_bugcheck(vm.os, 0xC4, 0x10, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npaged_counters_and_cache),
		cmocka_unit_test(test_npaged_delete_frees),
		cmocka_unit_test(test_paged),
		cmocka_unit_test(test_ex),
		cmocka_unit_test(test_ex_bad_flags),
		cmocka_unit_test(test_custom_routines),
		cmocka_unit_test(test_bad_reinit),
		cmocka_unit_test(test_bad_delete_uninit),
		cmocka_unit_test(test_bad_small),
		cmocka_unit_test(test_bad_free_holding),
		cmocka_unit_test(test_bad_irql),
		cmocka_unit_test(test_bad_double_free),
		cmocka_unit_test(test_bad_foreign),
	};

	return cmocka_run_group_tests_name("hostos:lookaside", tests, NULL, NULL);
}
