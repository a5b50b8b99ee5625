/*
 * tests/hostos/verifier/test-fault.c - cmocka tests of fault injection
 * (hostos/fault.h): failing the Nth pool allocation, failing one call
 * site found by recording, the one-run-per-site helper over a small
 * driver whose start allocates at four sites (every site's failure
 * handled: no bug check, STATUS_INSUFFICIENT_RESOURCES, nothing left for
 * the unload sweep), the same helper finding the one error path of a
 * leaky variant and replaying it, and the map register limit the DMA
 * adapters read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "harness.h"
#include "hostos/fault-internal.h"
#include "hostos/fault.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"

#define STATUS_INSUFFICIENT_RESOURCES ((long)(int32_t)0xC000009Au)

static struct vm vm;

static void start(void)
{
	assert_int_equal(vm_init(&vm, NULL), 0);
}

static void test_fail_nth(void **state)
{
	struct hostos_fault_stats st;

	(void)state;
	start();
	assert_int_equal(hostos_fault_fail_nth(vm.os, HOSTOS_FAULT_POOL, 2), 0);
	vm_run(&vm, fi_start_stop, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.status, STATUS_INSUFFICIENT_RESOURCES);
	hostos_fault_stats(vm.os, &st);
	assert_int_equal(st.attempts[HOSTOS_FAULT_POOL], 2);
	assert_int_equal(st.injected[HOSTOS_FAULT_POOL], 1);
	assert_int_equal(hostos_unload_sweep(vm.os, NULL), 0);
	vm_destroy(&vm);
	/* A bad kind is refused. */
	start();
	assert_int_equal(hostos_fault_fail_nth(vm.os, (enum hostos_fault_kind)7, 1), SIM_ERR_INVALID);
	assert_int_equal(hostos_fault_fail_nth(NULL, HOSTOS_FAULT_POOL, 1), SIM_ERR_INVALID);
	vm_destroy(&vm);
}

static void test_fail_site(void **state)
{
	struct hostos_fault_site s[8];
	struct hostos_fault_stats st;
	size_t n;

	(void)state;
	/* A clean run records the four sites, first seen first. */
	start();
	assert_int_equal(hostos_fault_record(vm.os), 0);
	vm_run(&vm, fi_start_stop, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.status, 0);
	n = hostos_fault_sites(vm.os, s, 8);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s[i].kind, HOSTOS_FAULT_POOL);
		assert_int_equal(s[i].calls, 1);
		for (size_t j = 0; j < i; j++)
			assert_ptr_not_equal(s[i].site, s[j].site);
	}
	vm_destroy(&vm);
	/* Failing the last site: the first three succeed, then are undone. */
	start();
	assert_int_equal(hostos_fault_fail_site(vm.os, HOSTOS_FAULT_POOL, s[3].site), 0);
	vm_run(&vm, fi_start_stop, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(ver_obs.status, STATUS_INSUFFICIENT_RESOURCES);
	hostos_fault_stats(vm.os, &st);
	assert_int_equal(st.attempts[HOSTOS_FAULT_POOL], 4);
	assert_int_equal(st.injected[HOSTOS_FAULT_POOL], 1);
	assert_int_equal(hostos_unload_sweep(vm.os, NULL), 0);
	vm_destroy(&vm);
}

/* One run of the per-site helper: the driver must handle the failure. */
static int body(struct hostos_fault_plan *plan, void *arg)
{
	int rc = 0;

	if (vm_init(&vm, NULL) || hostos_fault_use_plan(vm.os, plan))
		return 9;
	vm_run(&vm, fi_start_stop, arg, 0);
	if (hostos_bugchecked(vm.os))
		rc = 1;
	else if (!ver_obs.done)
		rc = 2;
	else if (hostos_fault_plan_injected(plan) ? ver_obs.status != STATUS_INSUFFICIENT_RESOURCES
						  : ver_obs.status != 0)
		rc = 3;
	else if (hostos_unload_sweep(vm.os, NULL) != 0)
		rc = 4;
	vm_destroy(&vm);
	return rc;
}

static void test_every_site_handled(void **state)
{
	struct hostos_fault_sweep_result r;

	(void)state;
	assert_int_equal(hostos_for_fault_sites(HOSTOS_FAULT_ALL, 0, body, NULL, &r), 0);
	assert_int_equal(r.runs, 5);      /* the discovering run and one per site */
	assert_int_equal(r.sites, 4);
	assert_int_equal(r.injected, 4);
	assert_int_equal(r.failed_run, -1);
}

static void test_leak_found_and_replayed(void **state)
{
	struct hostos_fault_sweep_result r;

	(void)state;
	/* The leaky variant forgets its first block when the third
	 * allocation (the lookaside list's) fails: run 3 fails, the sweep
	 * having found the block. */
	assert_int_equal(hostos_for_fault_sites(1u << HOSTOS_FAULT_POOL, 0, body, (void *)1, &r), 4);
	assert_int_equal(r.failed_run, 3);
	assert_int_equal(r.runs, 4);
	assert_int_equal(r.failed.kind, HOSTOS_FAULT_POOL);
	assert_non_null(r.failed.site);
	/* Replay only that run. */
	setenv("PCISIM_FAULT_RUN", "3", 1);
	assert_int_equal(hostos_for_fault_sites(1u << HOSTOS_FAULT_POOL, 0, body, (void *)1, &r), 4);
	assert_int_equal(r.runs, 2);
	assert_int_equal(r.failed_run, 3);
	setenv("PCISIM_FAULT_RUN", "2", 1);
	assert_int_equal(hostos_for_fault_sites(1u << HOSTOS_FAULT_POOL, 0, body, (void *)1, &r), 0);
	assert_int_equal(r.runs, 2);
	unsetenv("PCISIM_FAULT_RUN");
	/* Kinds not asked for are not tried: no pool, no runs but the first. */
	assert_int_equal(hostos_for_fault_sites(1u << HOSTOS_FAULT_COMMON_BUFFER, 0, body, (void *)1,
						&r),
			 0);
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.sites, 0);
	/* A cap on the runs. */
	assert_int_equal(hostos_for_fault_sites(1u << HOSTOS_FAULT_POOL, 2, body, NULL, &r), 0);
	assert_int_equal(r.runs, 2);
}

static void test_map_registers(void **state)
{
	(void)state;
	start();
	assert_int_equal(hostos_fault_map_registers(vm.os, 16), 16);
	assert_int_equal(hostos_fault_set_map_registers(vm.os, 4), 0);
	assert_int_equal(hostos_fault_map_registers(vm.os, 16), 4);
	assert_int_equal(hostos_fault_map_registers(vm.os, 2), 2);
	assert_int_equal(hostos_fault_set_map_registers(vm.os, 0), 0);
	assert_int_equal(hostos_fault_map_registers(vm.os, 16), 16);
	assert_string_equal(hostos_fault_kind_name(HOSTOS_FAULT_MAP_REGISTERS), "map-registers");
	vm_destroy(&vm);
}

/* Low Resources Simulation (verifier bit 0x4): random failures, from the
 * instance's own stream (the same seed, the same failures), after the
 * delay. */
static long low_run(unsigned per_10000, uint64_t seed, sim_time_t delay_ps,
		    struct hostos_fault_stats *st)
{
	struct hostos_config c;
	long status;

	hostos_config_default(&c);
	c.verifier |= HOSTOS_VERIFY_LOW_RESOURCES;
	c.low_resources_per_10000 = per_10000;
	c.low_resources_delay_ps = delay_ps;
	c.seed = seed;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, fi_start_stop, NULL, 0);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	assert_int_equal(hostos_unload_sweep(vm.os, NULL), 0);
	hostos_fault_stats(vm.os, st);
	status = ver_obs.status;
	vm_destroy(&vm);
	return status;
}

static void test_low_resources(void **state)
{
	struct hostos_fault_stats st, st2;
	unsigned failed = 0;

	(void)state;
	assert_int_equal(low_run(10000, 0, 0, &st), STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(st.attempts[HOSTOS_FAULT_POOL], 1);
	assert_int_equal(st.injected[HOSTOS_FAULT_POOL], 1);
	/* The delay: nothing fails before it. */
	assert_int_equal(low_run(10000, 0, SIM_MS(1), &st), 0);
	assert_int_equal(st.injected[HOSTOS_FAULT_POOL], 0);
	/* Half the allocations: some seeds fail, some do not, each the same
	 * way every time. */
	for (uint64_t seed = 1; seed <= 20; seed++) {
		long a = low_run(5000, seed, 0, &st);

		assert_int_equal(low_run(5000, seed, 0, &st2), a);
		assert_int_equal(st.injected[HOSTOS_FAULT_POOL], st2.injected[HOSTOS_FAULT_POOL]);
		failed += a != 0;
	}
	assert_true(failed > 0 && failed < 20);
	/* The default probability is verifier.exe's 6 %. */
	{
		struct hostos_config c;

		hostos_config_default(&c);
		assert_int_equal(c.low_resources_per_10000, 600);
		assert_false(c.verifier & HOSTOS_VERIFY_LOW_RESOURCES);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_nth),
		cmocka_unit_test(test_fail_site),
		cmocka_unit_test(test_every_site_handled),
		cmocka_unit_test(test_leak_found_and_replayed),
		cmocka_unit_test(test_map_registers),
		cmocka_unit_test(test_low_resources),
	};

	return cmocka_run_group_tests_name("hostos:fault", tests, NULL, NULL);
}
