/*
 * tests/hostos/dma/test-mdl.c - cmocka tests of MDLs (hostos-semantics.md
 * §6.3): the MDL fields and macros, the PFN array holding the machine's
 * frames of pool memory, a locked MDL's system mapping being the same
 * bytes, chaining by Next, and every misuse with its code and parameters
 * (0xC4/0x70, 0x76, 0x78, 0x79, 0x7C, 0x7D, 0x7F, 0x82, 0xB0, 0xB2, 0xB3,
 * 0xB6, 0xB8; 0x1E for a probe of memory the machine lacks; the mock's
 * HOSTOS_MDL_BAD_FREE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/hostmem.h"
#include "dma-driver.h"
#include "hostos/dma-internal.h"
#include "hostos/dma.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"

#define MIB (UINT64_C(1) << 20)

/* WDK values the harness (not a Windows translation unit) needs. */
#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_PARTIAL 0x0010
#define MDL_WRITE_OPERATION 0x0080

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

static void run(void (*fn)(void *))
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
	assert_int_equal(hostos_create(&os, &kern, &c), SIM_OK);
	assert_int_equal(hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_SCATTERED), SIM_OK);
	memset(&dma_obs, 0, sizeof(dma_obs));
	memset(&dma_in, 0, sizeof(dma_in));
	assert_int_equal(hostos_thread_start(os, "mdl", fn, NULL, 0, NULL), SIM_OK);
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
	struct hostos_dma_stats st;

	(void)state;
	run(mdl_basic);
	hostos_assert_no_bugcheck(os);
	assert_true(dma_obs.ok[0]);
	assert_int_equal(dma_obs.byte_count, 9000);
	assert_int_equal(dma_obs.byte_offset, 100);
	assert_true(dma_obs.ok[1]);
	assert_int_equal(dma_obs.flags[0], 0);
	assert_int_equal(dma_obs.flags[1], MDL_SOURCE_IS_NONPAGED_POOL);
	assert_true(dma_obs.ok[2]);
	assert_true(dma_obs.ok[3]);
	assert_true(dma_obs.ok[4]);
	/* 100 + 9000 bytes span 3 pages; the PFNs are the pool's frames,
	 * scattered (no two adjacent). */
	assert_int_equal(dma_obs.n_pages, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(dma_obs.pfn[i], dma_obs.pa[i] >> 12);
	}
	assert_int_not_equal(dma_obs.pfn[1], dma_obs.pfn[0] + 1);
	hostos_dma_stats(os, &st);
	assert_int_equal(st.mdls_allocated, 1);
	assert_int_equal(st.mdls_freed, 1);
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();
}

static void test_lock_map(void **state)
{
	(void)state;
	run(mdl_lock_map);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.flags[0], MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
	assert_int_equal(dma_obs.pfn[0], dma_obs.pa[0] >> 12);
	assert_non_null(dma_obs.sys);
	assert_int_equal(dma_obs.flags[1],
			 MDL_PAGES_LOCKED | MDL_WRITE_OPERATION | MDL_MAPPED_TO_SYSTEM_VA);
	for (unsigned i = 0; i < 5; i++)
		assert_true(dma_obs.ok[i]);
	assert_int_equal(dma_obs.flags[2], MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
	assert_int_equal(dma_obs.flags[3], 0);
	shutdown();
}

static void test_chain(void **state)
{
	(void)state;
	run(mdl_chain);
	hostos_assert_no_bugcheck(os);
	assert_true(dma_obs.ok[0]);
	shutdown();
}

/* A leak the unload sweep would find: what the query reports. */
static void test_live_query(void **state)
{
	struct hostos_live_mdl l[4];

	(void)state;
	run(mdl_bad_unmap_unmapped); /* stops with the MDL allocated and locked */
	assert_int_equal(hostos_dma_live_mdls(os, l, 4), 1);
	assert_ptr_equal(l[0].mdl, dma_obs.mdl);
	assert_true(l[0].allocated);
	assert_true(l[0].locked);
	assert_null(l[0].mapped_va);
	assert_int_equal(l[0].pages, 2);
	shutdown();
}

#define MISUSE(name, fn, ...)                                  \
	static void name(void **state)                          \
	{                                                       \
		(void)state;                                    \
		run(fn);                                        \
		hostos_assert_bugcheck(os, __VA_ARGS__);        \
		shutdown();                                     \
	}

#define MDL ((uintptr_t)dma_obs.mdl)
#define FLAGS ((uint64_t)dma_obs.flags[0])

MISUSE(test_probe_irql, mdl_bad_probe_irql, 0xC4, 0x70, 15, MDL, 0)
MISUSE(test_probe_twice, mdl_bad_probe_twice, 0xC4, 0xB0, MDL, FLAGS, MDL_PAGES_LOCKED)
MISUSE(test_probe_nonpaged, mdl_bad_probe_nonpaged, 0xC4, 0xB0, MDL, FLAGS,
       MDL_SOURCE_IS_NONPAGED_POOL)
MISUSE(test_unlock_unlocked, mdl_bad_unlock_unlocked, 0xC4, 0x7C, MDL, FLAGS, 0)
MISUSE(test_unlock_nonpaged, mdl_bad_unlock_nonpaged, 0xC4, 0x7D, MDL, FLAGS, 0)
MISUSE(test_build_paged, mdl_bad_build_paged, 0xC4, 0x7F, 0, MDL, FLAGS)
MISUSE(test_map_bugcheck_flag, mdl_bad_map_bugcheck_flag, 0xC4, 0x82, MDL, FLAGS, 0)
MISUSE(test_map_twice, mdl_bad_map_twice, 0xC4, 0xB2, MDL, FLAGS, MDL_MAPPED_TO_SYSTEM_VA)
MISUSE(test_map_unlocked, mdl_bad_map_unlocked, 0xC4, 0xB3, MDL, FLAGS,
       MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)
MISUSE(test_unmap_unmapped, mdl_bad_unmap_unmapped, 0xC4, 0xB6, MDL, FLAGS,
       (uintptr_t)dma_obs.va)
MISUSE(test_free_mapped, mdl_bad_free_mapped, 0xC4, 0xB8, MDL, FLAGS, 0)
MISUSE(test_free_twice, mdl_bad_free_twice, HOSTOS_MDL_BAD_FREE, MDL, 0, 0, 0)
MISUSE(test_probe_not_memory, mdl_bad_probe_not_memory, 0x1E, 0xC0000005u, HOSTOS_ANY, 1,
       (uintptr_t)dma_obs.va)
MISUSE(test_unlock_irql, mdl_bad_unlock_irql, 0xC4, 0x78, 15, MDL, 0)
MISUSE(test_map_irql, mdl_bad_map_irql, 0xC4, 0x76, 15, MDL, 0)
MISUSE(test_unmap_irql, mdl_bad_unmap_irql, 0xC4, 0x79, 15, (uintptr_t)dma_obs.sys, MDL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_lock_map),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_live_query),
		cmocka_unit_test(test_probe_irql),
		cmocka_unit_test(test_probe_twice),
		cmocka_unit_test(test_probe_nonpaged),
		cmocka_unit_test(test_unlock_unlocked),
		cmocka_unit_test(test_unlock_nonpaged),
		cmocka_unit_test(test_build_paged),
		cmocka_unit_test(test_map_bugcheck_flag),
		cmocka_unit_test(test_map_twice),
		cmocka_unit_test(test_map_unlocked),
		cmocka_unit_test(test_unmap_unmapped),
		cmocka_unit_test(test_free_mapped),
		cmocka_unit_test(test_free_twice),
		cmocka_unit_test(test_probe_not_memory),
		cmocka_unit_test(test_unlock_irql),
		cmocka_unit_test(test_map_irql),
		cmocka_unit_test(test_unmap_irql),
	};

	return cmocka_run_group_tests_name("hostos:mdl", tests, NULL, NULL);
}
