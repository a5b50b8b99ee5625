/*
 * tests/hostos/test-pool.c - cmocka tests of the pool (hostos/pool.h and
 * the Ex*Pool* routines) against hostos-semantics.md §6.1: alignment (16
 * bytes; a page for a page or more; below a page never across a page),
 * ExAllocatePool2 zeroing and its documented failures, Pool Tracking's
 * list, the driver and device views of pool being the same bytes, and
 * each misuse with its code and parameters (the verifier's 0xC4 and,
 * without it, 0xC2 BAD_POOL_CALLER).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/hostmem.h"
#include "drivers/pool-driver.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"

#define MIB (UINT64_C(1) << 20)
#define TAG 0x74736554u /* 'tseT' */
#define PAGED 1u
#define NONPAGED_NX 512u

static struct sim_kernel kern;
static struct bus_mem mem;
static struct hostos *os;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void run(void (*fn)(void *), bool verifier)
{
	static const struct bus_mem_range ram[] = { { 0, 64 * MIB } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct sim_kernel_config kc;
	struct hostos_config c;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(bus_mem_init(&mem, &mc), SIM_OK);
	hostos_config_default(&c);
	if (!verifier)
		c.verifier = 0;
	assert_int_equal(hostos_create(&os, &kern, &c), SIM_OK);
	assert_int_equal(hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_SCATTERED), SIM_OK);
	memset(&pool_obs, 0, sizeof(pool_obs));
	assert_int_equal(hostos_thread_start(os, "pool", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void shutdown(void)
{
	hostos_destroy(os);
	bus_mem_destroy(&mem);
	sim_kernel_destroy(&kern);
}

static void test_basic(void **state)
{
	uint8_t back[16];
	uintptr_t c;

	(void)state;
	run(pool_basic, true);
	hostos_assert_no_bugcheck(os);
	assert_non_null(pool_obs.p[0]);
	assert_int_equal((uintptr_t)pool_obs.p[0] % 16, 0);
	assert_int_equal((uintptr_t)pool_obs.p[1] % 4096, 0); /* a page or more */
	c = (uintptr_t)pool_obs.p[2];
	assert_true(c % 4096 + 3000 <= 4096);                 /* never across a page */
	assert_int_equal(pool_obs.first[0], HOSTOS_POOL_FRESH_BYTE);
	assert_int_equal(pool_obs.first[1], 0);
	assert_int_equal(pool_obs.first[2], HOSTOS_POOL_FREED_BYTE);
	/* Contiguous to the driver, scattered to the device. */
	assert_int_not_equal(pool_obs.pa[1][0], 0);
	assert_int_equal(pool_obs.pa[1][0] % 4096, 0);
	assert_int_not_equal(pool_obs.pa[1][1], pool_obs.pa[1][0] + 4096);
	assert_true(pool_obs.ok[0]);
	/* The device sees the bytes the driver wrote, at the bus address. */
	assert_int_equal(bus_mem_read(&mem, pool_obs.pa[2][0], back, sizeof(back)), SIM_OK);
	for (unsigned i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0x5A);
	shutdown();
}

static void test_pool2_refusals(void **state)
{
	(void)state;
	run(pool2_refusals, true);
	hostos_assert_no_bugcheck(os);
	for (unsigned i = 0; i < 5; i++)
		assert_true(pool_obs.ok[i]);
	shutdown();
}

static void test_tracking(void **state)
{
	struct hostos_pool_block b[4];
	struct hostos_pool_stats st;

	(void)state;
	run(pool_tracking, true);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(hostos_pool_live(os, b, 4), 2);
	assert_ptr_equal(b[0].va, pool_obs.p[0]);
	assert_int_equal(b[0].bytes, 10);
	assert_int_equal(b[0].tag, 0x31676154u); /* '1gaT' */
	assert_int_equal(b[0].pool_type, NONPAGED_NX);
	assert_ptr_equal(b[1].va, pool_obs.p[1]);
	assert_int_equal(b[1].pool_type, PAGED);
	assert_non_null(b[0].site);
	hostos_pool_stats(os, &st);
	assert_int_equal(st.allocs, 3);
	assert_int_equal(st.frees, 1);
	assert_int_equal(st.live, 2);
	assert_int_equal(st.live_bytes, 40);
	shutdown();
}

static void test_misuse_verifier(void **state)
{
	(void)state;
	run(pool_zero_bytes, true);
	hostos_assert_bugcheck(os, 0xC4, 0x00, 0, NONPAGED_NX, 0);
	shutdown();
	run(pool_paged_at_dispatch, true);
	hostos_assert_bugcheck(os, 0xC4, 0x01, 2, PAGED, 64);
	shutdown();
	run(pool_nonpaged_above_dispatch, true);
	hostos_assert_bugcheck(os, 0xC4, 0x02, 12, 0, 64);
	shutdown();
	run(pool_double_free, true);
	hostos_assert_bugcheck(os, 0xC4, 0x13, 0, (uintptr_t)pool_obs.freed, TAG);
	shutdown();
	run(pool_inside_block, true);
	hostos_assert_bugcheck(os, 0xC4, 0x10, (uintptr_t)pool_obs.freed, 0, 0);
	shutdown();
	run(pool_must_succeed, true);
	hostos_assert_bugcheck(os, 0xC4, 0x03, 0, 2, 8);
	shutdown();
	run(pool_free_paged_at_dispatch, true);
	hostos_assert_bugcheck(os, 0xC4, 0x11, 2, PAGED, (uintptr_t)pool_obs.freed);
	shutdown();
}

static void test_misuse_bad_pool_caller(void **state)
{
	(void)state;
	run(pool_zero_bytes, false);
	hostos_assert_bugcheck(os, 0xC2, 0x00, 0, NONPAGED_NX, TAG);
	shutdown();
	run(pool_paged_at_dispatch, false);
	hostos_assert_bugcheck(os, 0xC2, 0x08, 2, PAGED, 64);
	shutdown();
	run(pool_double_free, false);
	hostos_assert_bugcheck(os, 0xC2, 0x07, 0, TAG, (uintptr_t)pool_obs.freed);
	shutdown();
	run(pool_inside_block, false);
	hostos_assert_bugcheck(os, 0xC2, 0x99, (uintptr_t)pool_obs.freed, 0, 0);
	shutdown();
	run(pool_must_succeed, false);
	hostos_assert_bugcheck(os, 0xC2, 0x9A, 2, 8, TAG);
	shutdown();
	/* These are BAD_POOL_CALLER with the verifier too. */
	run(pool_wrong_tag, true);
	hostos_assert_bugcheck(os, 0xC2, 0x0A, (uintptr_t)pool_obs.freed, TAG, 0x676E7257u); /* 'gnrW' */
	shutdown();
	run(pool_tag_zero, true);
	hostos_assert_bugcheck(os, 0xC2, 0x9B, 0, 0, 0);
	shutdown();
	run(pool_tag_big, true);
	hostos_assert_bugcheck(os, 0xC2, 0x9C, 0x20474942u, 0, 0);
	shutdown();
	run(pool_tag_blank, true);
	hostos_assert_bugcheck(os, 0xC2, 0x9D, HOSTOS_ANY, 0, 0);
	shutdown();
}

static void test_attach_arguments(void **state)
{
	static const struct bus_mem_range ram[] = { { 0, 4 * MIB } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct hostos_pool_stats st;
	struct sim_kernel_config kc;

	(void)state;
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(bus_mem_init(&mem, &mc), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	assert_int_equal(hostos_attach_memory(NULL, &mem, 0), SIM_ERR_INVALID);
	assert_int_equal(hostos_attach_memory(os, NULL, 0), SIM_ERR_INVALID);
	assert_int_equal(hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_CONTIGUOUS), SIM_ERR_INVALID);
	hostos_pool_stats(os, &st);
	assert_int_equal(st.allocs, 0);
	assert_int_equal(hostos_pool_live(os, NULL, 0), 0);
	assert_int_equal(hostos_attach_memory(os, &mem, 0), SIM_OK);
	assert_int_equal(hostos_attach_memory(os, &mem, 0), SIM_ERR_STATE);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_pool2_refusals),
		cmocka_unit_test(test_tracking),
		cmocka_unit_test(test_misuse_verifier),
		cmocka_unit_test(test_misuse_bad_pool_caller),
		cmocka_unit_test(test_attach_arguments),
	};

	return cmocka_run_group_tests_name("hostos:pool", tests, NULL, NULL);
}
