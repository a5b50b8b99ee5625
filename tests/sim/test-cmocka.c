/*
 * tests/sim/test-cmocka.c - the cmocka harness that driver-facing tests
 * use, proven on the kernel: a model's callbacks are checked as mocks
 * (expect_value / check_expected, will_return / mock), so a test states
 * the calls it expects, with their arguments and order, before it runs the
 * simulation. The assertions are IEEE 1666 facts: a timed notification
 * runs at its time, a delta notification in the next delta at the same
 * time, equal times in scheduling order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/kernel.h"

/* The mocked "device callback": every call is checked against what the
 * test expected, and its return value says whether to re-arm. */
static int device_tick(const char *who, sim_time_t now_ps)
{
	check_expected(who);
	check_expected(now_ps);
	return (int)mock();
}

struct timer {
	struct sim_event ev;
	const char *who;
	sim_time_t period_ps;
};

static void timer_cb(struct sim_kernel *k, void *opaque)
{
	struct timer *t = opaque;

	if (device_tick(t->who, sim_now(k)))
		sim_event_schedule(&t->ev, t->period_ps);
}

static void test_periodic_timers_in_order(void **state)
{
	struct sim_kernel k;
	struct timer a = { .who = "a", .period_ps = SIM_NS(10) };
	struct timer b = { .who = "b", .period_ps = SIM_NS(5) };

	(void)state;
	assert_int_equal(sim_kernel_init(&k, NULL), SIM_OK);
	sim_event_init(&k, &a.ev, "a", timer_cb, &a);
	sim_event_init(&k, &b.ev, "b", timer_cb, &b);
	assert_int_equal(sim_event_schedule(&a.ev, SIM_NS(10)), SIM_OK);
	assert_int_equal(sim_event_schedule(&b.ev, SIM_NS(5)), SIM_OK);

	/* b at 5 ns (re-armed), then at 10 ns a before b: a was scheduled
	 * at time 0, b's re-arm only at 5 ns. */
	expect_string(device_tick, who, "b");
	expect_value(device_tick, now_ps, SIM_NS(5));
	will_return(device_tick, 1);
	expect_string(device_tick, who, "a");
	expect_value(device_tick, now_ps, SIM_NS(10));
	will_return(device_tick, 0);
	expect_string(device_tick, who, "b");
	expect_value(device_tick, now_ps, SIM_NS(10));
	will_return(device_tick, 0);

	assert_int_equal(sim_run(&k), SIM_STOP_FINISHED);
	assert_int_equal(sim_now(&k), SIM_NS(10));
	sim_kernel_destroy(&k);
}

static void test_delta_notification_same_time(void **state)
{
	struct sim_kernel k;
	struct timer a = { .who = "a", .period_ps = 0 };

	(void)state;
	assert_int_equal(sim_kernel_init(&k, NULL), SIM_OK);
	sim_event_init(&k, &a.ev, "a", timer_cb, &a);
	assert_int_equal(sim_event_schedule(&a.ev, SIM_NS(3)), SIM_OK);

	/* A re-arm with delay 0 is a delta notification: same time, next
	 * delta, so the callback sees 3 ns twice. */
	expect_string_count(device_tick, who, "a", 2);
	expect_value_count(device_tick, now_ps, SIM_NS(3), 2);
	will_return(device_tick, 1);
	will_return(device_tick, 0);

	assert_int_equal(sim_run(&k), SIM_STOP_FINISHED);
	assert_int_equal(sim_kernel_stats(&k)->time_steps, 1);
	sim_kernel_destroy(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic_timers_in_order),
		cmocka_unit_test(test_delta_notification_same_time),
	};

	return cmocka_run_group_tests_name("sim:cmocka", tests, NULL, NULL);
}
