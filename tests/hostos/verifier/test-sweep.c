/*
 * tests/hostos/verifier/test-sweep.c - cmocka tests of the unload sweep
 * (hostos/sweep.h): each kind of leftover found alone with its bug check
 * and parameters, all of them together in the documented order, nothing
 * for a driver that cleaned up, and the verifier settings that decide
 * whether the sweep stops the machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "hostos/devices.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"

static struct vm vm;
static struct hostos_unload_report rep;

/* Run @fn until @until_ps (0: until idle), then sweep. */
static long sweep(void (*fn)(void *), uint32_t verifier, sim_time_t until_ps)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.verifier = verifier;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, fn, NULL, until_ps);
	hostos_assert_no_bugcheck(vm.os);
	assert_true(ver_obs.done);
	return hostos_unload_sweep(vm.os, &rep);
}

static void test_clean(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_clean, HOSTOS_VERIFY_STANDARD, 0), 0);
	assert_int_equal(rep.count, 0);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
}

static void test_timer(void **state)
{
	uint64_t t;

	(void)state;
	assert_int_equal(sweep(sw_timer, HOSTOS_VERIFY_STANDARD, SIM_MS(1)), 2);
	t = ver_obs.addr[0];
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_TIMER);
	assert_int_equal(rep.item[0].addr, t);
	assert_int_equal(rep.item[1].kind, HOSTOS_LEFT_POOL); /* the block holding it */
	/* 0xC7 P1 = 0: the timer, and the pool block it sits in. */
	hostos_assert_bugcheck(vm.os, 0xC7, 0, t, t, t + ver_obs.value[0]);
	vm_destroy(&vm);
}

static void test_dpc(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_dpc, HOSTOS_VERIFY_STANDARD, SIM_MS(1)), 1);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_DPC);
	/* Not in pool: no range. */
	hostos_assert_bugcheck(vm.os, 0xC7, 1, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
}

static void test_work_item(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_work_item, HOSTOS_VERIFY_STANDARD, SIM_MS(1)), 1);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_WORK_ITEM);
	hostos_assert_bugcheck(vm.os, 0xCE, ver_obs.addr[0], 0, ver_obs.addr[1], 0);
	vm_destroy(&vm);
}

static void test_lookaside(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_lookaside, HOSTOS_VERIFY_STANDARD, 0), 1);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_LOOKASIDE);
	hostos_assert_bugcheck(vm.os, 0xCE, ver_obs.addr[0], 0, 0, 0);
	vm_destroy(&vm);
}

static void test_mapping(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_mapping, HOSTOS_VERIFY_STANDARD, 0), 1);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_MAPPING);
	assert_non_null(ver_obs.p[0]);
	hostos_assert_bugcheck(vm.os, HOSTOS_UNLOAD_LEFTOVER, 2, ver_obs.addr[0], 0xF0000000u, 0x100);
	vm_destroy(&vm);
}

static void test_pool(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_pool, HOSTOS_VERIFY_STANDARD, 0), 2);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_POOL);
	assert_int_equal(rep.item[0].addr, (uintptr_t)ver_obs.p[0]);
	assert_int_equal(rep.item[1].addr, (uintptr_t)ver_obs.p[1]);
	assert_non_null(strstr(rep.item[0].what, "'Lak1'"));
	assert_non_null(strstr(rep.item[1].what, "paged pool tagged 'Lak2'"));
	/* 0xC4/0x62: P4 the number of allocations not freed. */
	hostos_assert_bugcheck(vm.os, 0xC4, 0x62, 0, 0, 2);
	vm_destroy(&vm);
}

static void test_pool_needs_tracking(void **state)
{
	(void)state;
	/* Found, but Pool Tracking is what turns a leak into a bug check. */
	assert_int_equal(sweep(sw_pool, HOSTOS_VERIFY_STANDARD & ~HOSTOS_VERIFY_POOL_TRACKING, 0), 2);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
	/* Without the verifier: a report, no bug check. */
	assert_int_equal(sweep(sw_lookaside, 0, 0), 1);
	hostos_assert_no_bugcheck(vm.os);
	vm_destroy(&vm);
}

static void test_interrupt(void **state)
{
	struct hostos_device_desc d = { .name = "dev", .bus = 1, .line = 3 };
	struct hostos_config c;
	struct hostos_device *dev;

	(void)state;
	hostos_config_default(&c);
	assert_int_equal(vm_init(&vm, &c), 0);
	assert_int_equal(hostos_device_create(vm.os, &d, &dev), 0);
	assert_int_equal(hostos_device_start(dev, HOSTOS_START_ROUTINE(sw_connect), 0, NULL), 0);
	hostos_run(vm.os);
	hostos_assert_no_bugcheck(vm.os);
	assert_int_equal(hostos_device_status(dev), 0);
	assert_int_equal(hostos_unload_sweep(vm.os, &rep), 1);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_INTERRUPT);
	hostos_assert_bugcheck(vm.os, HOSTOS_UNLOAD_LEFTOVER, 1, ver_obs.addr[5], ver_obs.addr[6],
			       HOSTOS_ANY);
	vm_destroy(&vm);
}

/* Everything at once: reported in the documented order, the first (the
 * timer) gives the bug check, the count covers them all. */
static void test_all(void **state)
{
	static const enum hostos_leftover_kind order[] = {
		HOSTOS_LEFT_TIMER,     HOSTOS_LEFT_DPC,     HOSTOS_LEFT_WORK_ITEM,
		HOSTOS_LEFT_LOOKASIDE, HOSTOS_LEFT_MAPPING, HOSTOS_LEFT_POOL,
	};

	(void)state;
	assert_int_equal(sweep(sw_all, HOSTOS_VERIFY_STANDARD, SIM_MS(1)), 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(rep.item[i].kind, order[i]);
	assert_int_equal(rep.item[0].addr, ver_obs.addr[0]);
	assert_int_equal(rep.item[1].addr, ver_obs.addr[1]);
	assert_int_equal(rep.item[2].addr, ver_obs.addr[2]);
	assert_int_equal(rep.item[3].addr, ver_obs.addr[3]);
	assert_int_equal(rep.item[4].addr, ver_obs.addr[4]);
	assert_int_equal(rep.item[5].addr, (uintptr_t)ver_obs.p[0]);
	hostos_assert_bugcheck(vm.os, 0xC7, 0, ver_obs.addr[0], 0, 0);
	assert_non_null(strstr(hostos_last_bugcheck(vm.os)->what, "6 leftovers"));
	/* A second sweep reports again but does not stop twice. */
	assert_int_equal(hostos_unload_sweep(vm.os, NULL), 6);
	hostos_assert_bugcheck(vm.os, 0xC7, 0, ver_obs.addr[0], 0, 0);
	vm_destroy(&vm);
	assert_string_equal(hostos_leftover_name(HOSTOS_LEFT_WORK_ITEM), "work-item");
	assert_int_equal(hostos_unload_sweep(NULL, NULL), SIM_ERR_INVALID);
}

static void test_thread(void **state)
{
	(void)state;
	assert_int_equal(sweep(sw_thread, HOSTOS_VERIFY_STANDARD, SIM_MS(1)), 1);
	assert_int_equal(ver_obs.status, 0);
	assert_int_equal(rep.item[0].kind, HOSTOS_LEFT_THREAD);
	/* The handle is the thread object's address (hostos/systhread.c). */
	hostos_assert_bugcheck(vm.os, 0xCE, ver_obs.addr[0], 0, ver_obs.addr[1], 0);
	vm_destroy(&vm);
	/* Ended by the time the run is over: nothing. */
	assert_int_equal(sweep(sw_thread, HOSTOS_VERIFY_STANDARD, 0), 0);
	vm_destroy(&vm);
}

/* The sweep called from a host OS thread (driver code unloaded, then the
 * harness's check in the same thread): the bug check ends that thread. */
static int after_sweep;

static void unload_then_sweep(void *arg)
{
	(void)arg;
	sw_lookaside(NULL);
	hostos_unload_sweep(vm.os, &rep);
	after_sweep = 1;
}

static void test_from_thread(void **state)
{
	(void)state;
	assert_int_equal(vm_init(&vm, NULL), 0);
	after_sweep = 0;
	vm_run(&vm, unload_then_sweep, NULL, 0);
	hostos_assert_bugcheck(vm.os, 0xCE, ver_obs.addr[0], 0, 0, 0);
	assert_string_equal(hostos_last_bugcheck(vm.os)->thread, "scenario");
	assert_int_equal(after_sweep, 0);
	assert_int_equal(rep.count, 1);
	vm_destroy(&vm);
}

/* Not left behind but freed with the pool holding them. */
static void test_freed_with_pool(void **state)
{
	struct hostos_config c;

	(void)state;
	hostos_config_default(&c);
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, pf_timer, NULL, SIM_MS(1));
	hostos_assert_bugcheck(vm.os, 0xC4, 0x15, ver_obs.addr[0], 512, ver_obs.addr[0]);
	vm_destroy(&vm);
	c.verifier = 0;
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, pf_timer, NULL, SIM_MS(1));
	hostos_assert_bugcheck(vm.os, 0xC7, 0, ver_obs.addr[0], ver_obs.addr[0], HOSTOS_ANY);
	vm_destroy(&vm);
	hostos_config_default(&c);
	assert_int_equal(vm_init(&vm, &c), 0);
	vm_run(&vm, pf_dpc, NULL, SIM_MS(1));
	hostos_assert_bugcheck(vm.os, 0xC7, 1, ver_obs.addr[1], ver_obs.addr[0],
			       ver_obs.addr[0] + ver_obs.value[0]);
	vm_destroy(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_dpc),
		cmocka_unit_test(test_work_item),
		cmocka_unit_test(test_lookaside),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_pool_needs_tracking),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_freed_with_pool),
		cmocka_unit_test(test_thread),
		cmocka_unit_test(test_from_thread),
	};

	return cmocka_run_group_tests_name("hostos:sweep", tests, NULL, NULL);
}
