/*
 * tests/hostos/verifier/test-fault-slow.c - the one-run-per-site helper
 * under every verifier option this folder has at once (Special Pool,
 * guarded paged pool) on two CPUs and under 16 perturbed schedules
 * (hostos_for_seeds()): every allocation site of the small driver fails
 * once per schedule, and each failure is handled (no bug check,
 * STATUS_INSUFFICIENT_RESOURCES, nothing left for the unload sweep).
 * 80 runs, a tenth of a second: in the default suite after all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "hostos/fault.h"
#include "hostos/seeds.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"

#define STATUS_INSUFFICIENT_RESOURCES ((long)(int32_t)0xC000009Au)

static struct vm vm;
static uint64_t seed_now;
static unsigned total_runs;

static int body(struct hostos_fault_plan *plan, void *arg)
{
	struct hostos_config c;
	int rc = 0;

	(void)arg;
	hostos_config_default(&c);
	c.cpus = 2;
	c.seed = seed_now;
	c.special_pool = HOSTOS_SPECIAL_POOL_END;
	c.paged_guard = true;
	if (vm_init(&vm, &c) || hostos_fault_use_plan(vm.os, plan))
		return 9;
	hostos_thread_start(vm.os, "scenario", fi_start_stop, NULL, 1, NULL);
	hostos_run(vm.os);
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
	total_runs++;
	return rc;
}

static int one_seed(uint64_t seed, void *arg)
{
	struct hostos_fault_sweep_result r;
	int rc;

	(void)arg;
	seed_now = seed;
	rc = hostos_for_fault_sites(HOSTOS_FAULT_ALL, 0, body, NULL, &r);
	if (!rc && (r.sites != 4 || r.injected != 4))
		rc = 5;
	return rc;
}

static void test_sites_under_seeds(void **state)
{
	(void)state;
	assert_int_equal(hostos_for_seeds(1, 16, one_seed, NULL, NULL), 0);
	assert_int_equal(total_runs, 16 * 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites_under_seeds),
	};

	return cmocka_run_group_tests_name("hostos:fault-slow", tests, NULL, NULL);
}
