/*
 * tests/sim/test-run.c - Check tests of run control (sim/kernel.c) against
 * sim/kernel.h and IEEE 1666-2011 section 4.2.1.
 *
 * Covered: sim_run() to starvation; sim_run_until() (events at the end time
 * included, later ones left pending, time set to the end even when idle, a
 * past end time refused); sim_run_while() and when its condition is
 * checked; sim_step_delta() and sim_step_time(); sim_stop() from a method
 * (nothing of the interrupted evaluate phase lost) and from a thread;
 * sim_halt() from a method, a callback and a thread; the runaway delta
 * guard and its report; re-entrant runs; the statistics counters of a
 * small model; custom report functions; configuration checks; and the
 * names of the stop reasons.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/signal.h"
#include "sim/time.h"

#define STACK_BYTES ((size_t)64 * 1024)

/* ---- captured reports ---- */

#define MAX_REPORTS 16

struct report {
	enum sim_severity sev;
	sim_time_t now_ps;
	char msg[256];
};

static struct report reports[MAX_REPORTS];
static int n_reports;

static void capture_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	if (n_reports < MAX_REPORTS) {
		reports[n_reports].sev = sev;
		reports[n_reports].now_ps = now_ps;
		snprintf(reports[n_reports].msg, sizeof(reports[n_reports].msg), "%s", msg);
	}
	n_reports++;
}

/* The first captured report of severity @sev whose text contains @part. */
static const struct report *find_report(enum sim_severity sev, const char *part)
{
	for (int i = 0; i < n_reports && i < MAX_REPORTS; i++) {
		if (reports[i].sev == sev && strstr(reports[i].msg, part))
			return &reports[i];
	}
	return NULL;
}

/* ---- the kernel of each test ---- */

static struct sim_kernel kern;
static int kern_live;

static void reset_state(void);

static void kern_up_with(uint64_t max_deltas)
{
	struct sim_kernel_config cfg;

	reset_state();
	sim_kernel_config_default(&cfg);
	cfg.report = capture_report;
	cfg.report_opaque = &kern;
	cfg.max_deltas = max_deltas;
	ck_assert_int_eq(sim_kernel_init(&kern, &cfg), SIM_OK);
	kern_live = 1;
}

static void kern_setup(void)
{
	kern_up_with(1000000);
}

static void kern_teardown(void)
{
	if (kern_live)
		sim_kernel_destroy(&kern);
	kern_live = 0;
}

/* Re-create the kernel with another delta limit. */
static void kern_redo(uint64_t max_deltas)
{
	kern_teardown();
	kern_up_with(max_deltas);
}

/* ---- small building blocks ---- */

/* A log of who ran when: "name@ps/deltas" entries. */
static char trace[4096];

static void trace_add(const char *who)
{
	size_t n = strlen(trace);

	snprintf(trace + n, sizeof(trace) - n, "%s@%llu/%llu ", who, (unsigned long long)sim_now(&kern),
		 (unsigned long long)kern.stats.deltas);
}

/* A timer callback: logs its name. */
static void log_callback(struct sim_kernel *kk, void *opaque)
{
	(void)kk;
	trace_add(opaque);
}

/* A method that logs its name (the opaque). */
static void log_method(void *opaque)
{
	trace_add(opaque);
}

/* A method that delta-notifies ev_self while its counter is below the
 * limit: a chain of delta cycles. */
static struct sim_event ev_self;
static int chain_runs, chain_limit;

static void chain_method(void *opaque)
{
	(void)opaque;
	chain_runs++;
	if (chain_runs < chain_limit)
		sim_notify(&ev_self, 0);
}

/* ========================================================================
 * sim_run
 * ======================================================================== */

START_TEST(test_run_empty)
{
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&kern), 0);
	ck_assert_uint_eq(kern.stats.deltas, 0);
	ck_assert_uint_eq(sim_next_activity_time(&kern), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
}
END_TEST

START_TEST(test_run_to_starvation)
{
	static struct sim_event a, b;

	sim_event_init(&kern, &a, "a", log_callback, "a");
	sim_event_init(&kern, &b, "b", log_callback, "b");
	ck_assert_int_eq(sim_event_schedule(&a, SIM_NS(10)), SIM_OK);
	ck_assert_int_eq(sim_event_schedule(&b, SIM_NS(3)), SIM_OK);
	ck_assert_uint_eq(sim_next_activity_time(&kern), SIM_NS(3));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_str_eq(trace, "b@3000/0 a@10000/1 ");
	/* Time stays at the last activity. */
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
	ck_assert_uint_eq(sim_next_activity_time(&kern), SIM_TIME_MAX);
	ck_assert(!sim_kernel_halted(&kern));
}
END_TEST

/* ========================================================================
 * sim_run_until
 * ======================================================================== */

START_TEST(test_run_until)
{
	static struct sim_event a, b, c;
	static struct sim_proc m;

	sim_event_init(&kern, &a, "a", log_callback, "a");
	sim_event_init(&kern, &b, "b", log_callback, "b");
	sim_event_init(&kern, &c, "c", log_callback, "c");
	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	chain_limit = 3;
	ck_assert_int_eq(sim_method_init(&kern, &m, "chain", chain_method, NULL, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);
	sim_event_schedule(&a, SIM_NS(5));
	sim_event_schedule(&b, SIM_NS(10));
	sim_event_schedule(&c, SIM_NS(15));
	/* Delta cycles at exactly the end time belong to the run as well. */
	sim_notify(&ev_self, SIM_NS(10));

	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(10)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
	ck_assert_str_eq(trace, "a@5000/0 b@10000/1 ");
	ck_assert_int_eq(chain_runs, 3);
	ck_assert(!sim_event_pending(&a));
	ck_assert(!sim_event_pending(&b));
	ck_assert(sim_event_pending(&c));
	ck_assert_uint_eq(sim_event_when(&c), SIM_NS(15));
	ck_assert_uint_eq(sim_next_activity_time(&kern), SIM_NS(15));

	/* Nothing due by 12 ns: time still moves to 12 ns. */
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(12)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(12));
	ck_assert_str_eq(trace, "a@5000/0 b@10000/1 ");
	/* The same time again is allowed and does nothing. */
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(12)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(12));

	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_str_eq(trace, "a@5000/0 b@10000/1 c@15000/4 ");
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(15));
}
END_TEST

START_TEST(test_run_until_idle_sets_time)
{
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(100)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(100));
	ck_assert_uint_eq(kern.stats.deltas, 0);
	ck_assert_int_eq(sim_run_until(&kern, SIM_US(7)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), SIM_US(7));
}
END_TEST

START_TEST(test_run_until_past)
{
	static struct sim_event a;

	sim_event_init(&kern, &a, "a", log_callback, "a");
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(100)), SIM_STOP_TIME);
	sim_event_schedule(&a, SIM_NS(1));
	ck_assert_str_eq(sim_kernel_last_error(&kern), "");
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(50)), SIM_STOP_ERROR);
	ck_assert_str_ne(sim_kernel_last_error(&kern), "");
	/* Nothing ran and time did not move. */
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(100));
	ck_assert_str_eq(trace, "");
	ck_assert(sim_event_pending(&a));
}
END_TEST

/* ========================================================================
 * sim_run_while
 * ======================================================================== */

static int cond_calls;
static uint64_t cond_stop_at; /* stats.deltas at which to stop */

static bool cond_fn(struct sim_kernel *kk, void *opaque)
{
	ck_assert_ptr_eq(opaque, &cond_calls);
	cond_calls++;
	return kk->stats.deltas < cond_stop_at;
}

START_TEST(test_run_while)
{
	static struct sim_proc m;

	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	chain_limit = 1000;
	ck_assert_int_eq(sim_method_init(&kern, &m, "chain", chain_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);

	/* False at once: nothing runs. */
	cond_stop_at = 0;
	ck_assert_int_eq(sim_run_while(&kern, cond_fn, &cond_calls), SIM_STOP_CONDITION);
	ck_assert_int_eq(cond_calls, 1);
	ck_assert_int_eq(chain_runs, 0);
	ck_assert_uint_eq(kern.stats.deltas, 0);

	/* Checked before the first delta and after each one. */
	cond_calls = 0;
	cond_stop_at = 5;
	ck_assert_int_eq(sim_run_while(&kern, cond_fn, &cond_calls), SIM_STOP_CONDITION);
	ck_assert_uint_eq(kern.stats.deltas, 5);
	ck_assert_int_eq(chain_runs, 5);
	ck_assert_int_eq(cond_calls, 6);

	/* A run that finishes first returns FINISHED. */
	chain_limit = 8;
	cond_calls = 0;
	cond_stop_at = 1000;
	ck_assert_int_eq(sim_run_while(&kern, cond_fn, &cond_calls), SIM_STOP_FINISHED);
	ck_assert_int_eq(chain_runs, 8);
	ck_assert_uint_eq(kern.stats.deltas, 8);
	ck_assert_int_eq(cond_calls, 4);
}
END_TEST

/* ========================================================================
 * Stepping
 * ======================================================================== */

START_TEST(test_step_delta)
{
	static struct sim_proc m;
	static struct sim_event late;

	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	sim_event_init(&kern, &late, "late", log_callback, "late");
	chain_limit = 3;
	ck_assert_int_eq(sim_method_init(&kern, &m, "chain", chain_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);
	sim_event_schedule(&late, SIM_NS(10));

	for (int i = 1; i <= 3; i++) {
		ck_assert_int_eq(sim_step_delta(&kern), SIM_STOP_STEP);
		ck_assert_uint_eq(kern.stats.deltas, (uint64_t)i);
		ck_assert_int_eq(chain_runs, i);
		ck_assert_uint_eq(sim_now(&kern), 0);
		ck_assert_uint_eq(kern.stats.methods_run, (uint64_t)i);
	}
	/* Nothing due now: time advances first, then one delta. */
	ck_assert_uint_eq(sim_next_activity_time(&kern), SIM_NS(10));
	ck_assert_int_eq(sim_step_delta(&kern), SIM_STOP_STEP);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
	ck_assert_uint_eq(kern.stats.deltas, 4);
	ck_assert_str_eq(trace, "late@10000/3 ");
	/* Nothing left at all. */
	ck_assert_int_eq(sim_step_delta(&kern), SIM_STOP_FINISHED);
	ck_assert_uint_eq(kern.stats.deltas, 4);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
}
END_TEST

START_TEST(test_step_time)
{
	static struct sim_proc m;

	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	chain_limit = 3;
	ck_assert_int_eq(sim_method_init(&kern, &m, "chain", chain_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);

	/* Work due now: every delta at time 0. */
	ck_assert_int_eq(sim_step_time(&kern), SIM_STOP_STEP);
	ck_assert_uint_eq(sim_now(&kern), 0);
	ck_assert_uint_eq(kern.stats.deltas, 3);
	ck_assert_int_eq(chain_runs, 3);

	/* Then the next time step, with its two deltas. */
	chain_limit = 5;
	sim_notify(&ev_self, SIM_NS(10));
	sim_notify(&ev_self, SIM_NS(20)); /* the earlier notification survives */
	ck_assert_int_eq(sim_step_time(&kern), SIM_STOP_STEP);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
	ck_assert_uint_eq(kern.stats.deltas, 5);
	ck_assert_int_eq(chain_runs, 5);
	ck_assert_uint_eq(kern.stats.time_steps, 1);
	ck_assert_int_eq(sim_step_time(&kern), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
}
END_TEST

/* ========================================================================
 * sim_stop
 * ======================================================================== */

static void stopping_method(void *opaque)
{
	trace_add(opaque);
	sim_stop(&kern);
}

START_TEST(test_stop_from_method)
{
	static struct sim_proc m1, m2, m3;
	static struct sim_event after;

	sim_event_init(&kern, &after, "after", log_callback, "after");
	sim_event_schedule(&after, SIM_NS(5));
	ck_assert_int_eq(sim_method_init(&kern, &m1, "m1", stopping_method, "m1", 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m2, "m2", log_method, "m2", 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m3, "m3", log_method, "m3", 0), SIM_OK);

	ck_assert_int_eq(sim_run(&kern), SIM_STOP_REQUESTED);
	ck_assert_str_eq(trace, "m1@0/0 ");
	ck_assert_uint_eq(sim_now(&kern), 0);
	ck_assert_uint_eq(kern.stats.methods_run, 1);
	ck_assert(!sim_kernel_halted(&kern));
	ck_assert_uint_eq(sim_next_activity_time(&kern), 0);

	/* The rest of the evaluate phase runs in the next run, once each and
	 * in the same delta cycle. */
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_str_eq(trace, "m1@0/0 m2@0/0 m3@0/0 after@5000/1 ");
	ck_assert_uint_eq(kern.stats.methods_run, 3);
	ck_assert_uint_eq(kern.stats.deltas, 2);
}
END_TEST

static void stop_callback(struct sim_kernel *kk, void *opaque)
{
	trace_add(opaque);
	sim_stop(kk);
}

START_TEST(test_stop_from_callback)
{
	static struct sim_event a, b;

	sim_event_init(&kern, &a, "a", stop_callback, "a");
	sim_event_init(&kern, &b, "b", log_callback, "b");
	sim_event_schedule(&a, SIM_NS(5));
	sim_event_schedule(&b, SIM_NS(5));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_REQUESTED);
	ck_assert_str_eq(trace, "a@5000/0 ");
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_str_eq(trace, "a@5000/0 b@5000/0 ");
}
END_TEST

static int thread_mark;

static void stopping_thread(void *opaque)
{
	(void)opaque;
	trace_add("t");
	sim_stop(&kern);
	/* sim_stop() returns: the thread goes on until it yields. */
	thread_mark = 1;
	sim_wait_time(&kern, SIM_NS(10));
	thread_mark = 2;
	trace_add("t");
}

START_TEST(test_stop_from_thread)
{
	static struct sim_proc t, m;

	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", stopping_thread, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", log_method, "m", 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_REQUESTED);
	ck_assert_int_eq(thread_mark, 1);
	ck_assert_str_eq(trace, "t@0/0 ");
	ck_assert_uint_eq(sim_now(&kern), 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(thread_mark, 2);
	ck_assert_str_eq(trace, "t@0/0 m@0/0 t@10000/1 ");
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10));
}
END_TEST

/* ========================================================================
 * sim_halt
 * ======================================================================== */

static int halt_returned;

static void halting_method(void *opaque)
{
	(void)opaque;
	trace_add("h");
	sim_halt(&kern, 42);
	halt_returned = 1; /* from a method the call returns */
}

/* Check that a halted kernel refuses every kind of run and runs nothing. */
static void check_stays_halted(int code)
{
	size_t len = strlen(trace);
	sim_time_t now = sim_now(&kern);
	struct sim_stats st = kern.stats;

	ck_assert(sim_kernel_halted(&kern));
	ck_assert_int_eq(sim_kernel_halt_code(&kern), code);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_run_until(&kern, now + SIM_NS(100)), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_step_delta(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_step_time(&kern), SIM_STOP_ERROR);
	cond_stop_at = 1000000;
	ck_assert_int_eq(sim_run_while(&kern, cond_fn, &cond_calls), SIM_STOP_ERROR);
	ck_assert_uint_eq(strlen(trace), len);
	ck_assert_uint_eq(sim_now(&kern), now);
	ck_assert_uint_eq(kern.stats.deltas, st.deltas);
	ck_assert_uint_eq(kern.stats.methods_run, st.methods_run);
	ck_assert_uint_eq(kern.stats.threads_resumed, st.threads_resumed);
	ck_assert_uint_eq(kern.stats.events_triggered, st.events_triggered);
	ck_assert(sim_kernel_halted(&kern));
	ck_assert_int_eq(sim_kernel_halt_code(&kern), code);
}

START_TEST(test_halt_from_method)
{
	static struct sim_proc m;
	static struct sim_event go, later;

	sim_event_init(&kern, &go, "go", NULL, NULL);
	sim_event_init(&kern, &later, "later", log_callback, "later");
	ck_assert_int_eq(sim_method_init(&kern, &m, "halter", halting_method, NULL, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &go), SIM_OK);
	sim_notify(&go, SIM_NS(5));
	sim_event_schedule(&later, SIM_NS(50));
	ck_assert(!sim_kernel_halted(&kern));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(halt_returned, 1);
	ck_assert_str_eq(trace, "h@5000/0 ");
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(5));
	check_stays_halted(42);
	ck_assert(sim_event_pending(&later));
}
END_TEST

static void halting_callback(struct sim_kernel *kk, void *opaque)
{
	(void)opaque;
	sim_halt(kk, -77);
	halt_returned = 1;
}

START_TEST(test_halt_from_callback)
{
	static struct sim_event h, later;

	sim_event_init(&kern, &h, "h", halting_callback, NULL);
	sim_event_init(&kern, &later, "later", log_callback, "later");
	sim_event_schedule(&h, SIM_NS(5));
	sim_event_schedule(&later, SIM_NS(6));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(halt_returned, 1);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(5));
	check_stays_halted(-77);
}
END_TEST

static int halt_cleanups;
static uintptr_t halt_thread_frame, halt_cleanup_frame;

static void halt_cleanup(struct sim_proc *p, void *opaque)
{
	(void)p;
	(void)opaque;
	halt_cleanups++;
	halt_cleanup_frame = (uintptr_t)__builtin_frame_address(0);
}

static void halting_thread(void *opaque)
{
	(void)opaque;
	halt_thread_frame = (uintptr_t)__builtin_frame_address(0);
	sim_wait_time(&kern, SIM_NS(3));
	trace_add("t");
	sim_halt(&kern, 7);
	halt_returned = 1; /* never: from a thread the call does not return */
}

START_TEST(test_halt_from_thread)
{
	static struct sim_proc t;
	static struct sim_event later;

	sim_event_init(&kern, &later, "later", log_callback, "later");
	sim_event_schedule(&later, SIM_NS(30));
	ck_assert_int_eq(sim_thread_init(&kern, &t, "halter", halting_thread, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_set_cleanup(&t, halt_cleanup, NULL), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(halt_returned, 0);
	ck_assert_int_eq(halt_cleanups, 1);
	/* The cleanup ran on the scheduler's stack, not the thread's. */
	ck_assert(halt_cleanup_frame > halt_thread_frame + 4096 ||
		  halt_cleanup_frame + STACK_BYTES + 16384 < halt_thread_frame);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_KILLED);
	ck_assert_str_eq(trace, "t@3000/1 ");
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(3));
	check_stays_halted(7);
	ck_assert_int_eq(halt_cleanups, 1);
	kern_teardown();
	ck_assert_int_eq(halt_cleanups, 1);
}
END_TEST

/* ========================================================================
 * The runaway delta guard
 * ======================================================================== */

START_TEST(test_runaway_deltas)
{
	static struct sim_proc m;

	kern_redo(100);
	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	chain_limit = 1 << 30; /* forever */
	ck_assert_int_eq(sim_method_init(&kern, &m, "spinner_proc", chain_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert(sim_kernel_halted(&kern));
	ck_assert_int_eq(sim_kernel_halt_code(&kern), SIM_ERR_LIMIT);
	ck_assert_uint_ge(kern.stats.deltas, 100);
	ck_assert_uint_le(kern.stats.deltas, 101);
	ck_assert_uint_eq(sim_now(&kern), 0);
	/* The error report names the process that kept it going. */
	ck_assert_ptr_nonnull(find_report(SIM_SEV_ERROR, "spinner_proc"));
	ck_assert_ptr_nonnull(strstr(sim_kernel_last_error(&kern), "spinner_proc"));
	check_stays_halted(SIM_ERR_LIMIT);
}
END_TEST

/* The limit is per time step: 60 deltas at each of many times is fine. */
static void burst_method(void *opaque)
{
	(void)opaque;
	chain_runs++;
	if (chain_runs % 60 != 0)
		sim_notify(&ev_self, 0);
	else if (chain_runs < 600)
		sim_notify(&ev_self, SIM_NS(1));
}

START_TEST(test_runaway_limit_is_per_time_step)
{
	static struct sim_proc m;

	kern_redo(100);
	sim_event_init(&kern, &ev_self, "self", NULL, NULL);
	ck_assert_int_eq(sim_method_init(&kern, &m, "burst", burst_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_self), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert(!sim_kernel_halted(&kern));
	ck_assert_int_eq(chain_runs, 600);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(9));
	ck_assert_uint_eq(kern.stats.deltas, 600);
	ck_assert_int_eq(n_reports, 0);
}
END_TEST

/* A thread that spins with wait_time(0) is caught the same way. */
static void spinning_thread(void *opaque)
{
	(void)opaque;
	for (;;)
		sim_wait_time(&kern, 0);
}

START_TEST(test_runaway_thread)
{
	static struct sim_proc t;

	kern_redo(100);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "spinning_thread", spinning_thread, NULL, STACK_BYTES, 0),
			 SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_kernel_halt_code(&kern), SIM_ERR_LIMIT);
	ck_assert_ptr_nonnull(find_report(SIM_SEV_ERROR, "spinning_thread"));
}
END_TEST

/* ========================================================================
 * Runs from inside a run
 * ======================================================================== */

static enum sim_stop_reason inner[5];
static int inner_done;

static bool always(struct sim_kernel *kk, void *opaque)
{
	(void)kk;
	(void)opaque;
	return true;
}

static void reentrant_method(void *opaque)
{
	(void)opaque;
	inner[0] = sim_run(&kern);
	inner[1] = sim_run_until(&kern, SIM_NS(100));
	inner[2] = sim_run_while(&kern, always, NULL);
	inner[3] = sim_step_delta(&kern);
	inner[4] = sim_step_time(&kern);
	inner_done++;
	trace_add("m");
}

static void reentrant_thread(void *opaque)
{
	reentrant_method(opaque);
	sim_wait_time(&kern, SIM_NS(1));
	reentrant_method(opaque);
}

START_TEST(test_run_inside_run)
{
	static struct sim_proc m, t;
	static struct sim_event later;

	sim_event_init(&kern, &later, "later", log_callback, "later");
	sim_event_schedule(&later, SIM_NS(50));
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", reentrant_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", reentrant_thread, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(inner_done, 3);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(inner[i], SIM_STOP_ERROR);
	/* The outer run went on undisturbed. */
	ck_assert_str_eq(trace, "m@0/0 m@0/0 m@1000/1 later@50000/2 ");
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(50));
	ck_assert(!sim_kernel_halted(&kern));
}
END_TEST

/* ========================================================================
 * Statistics
 * ======================================================================== */

static struct sim_event ev_stat;
static int stat_runs;

static void stat_method(void *opaque)
{
	(void)opaque;
	stat_runs++;
	if (stat_runs < 3)
		sim_notify(&ev_stat, SIM_NS(10));
}

static void stat_thread(void *opaque)
{
	(void)opaque;
	sim_wait_event(&kern, &ev_stat);
	sim_wait_event(&kern, &ev_stat);
}

static void nop_callback(struct sim_kernel *kk, void *opaque)
{
	(void)kk;
	(void)opaque;
}

START_TEST(test_statistics)
{
	static struct sim_proc m, t;
	static struct sim_event tick;
	const struct sim_stats *st = sim_kernel_stats(&kern);

	/*
	 * t=0:  delta 1: m runs (notifies ev_stat at 10 ns), t runs and waits.
	 * t=5:  tick's callback (1 event), delta 2.
	 * t=10: ev_stat (event 2), delta 3: m (notifies at 20 ns), t resumes.
	 * t=20: ev_stat (event 3), delta 4: m, t resumes and returns.
	 */
	sim_event_init(&kern, &ev_stat, "stat", NULL, NULL);
	sim_event_init(&kern, &tick, "tick", nop_callback, NULL);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", stat_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_stat), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", stat_thread, NULL, STACK_BYTES, 0), SIM_OK);
	sim_event_schedule(&tick, SIM_NS(5));
	ck_assert_uint_eq(st->deltas, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(20));
	ck_assert_uint_eq(st->events_triggered, 3);
	ck_assert_uint_eq(st->callbacks_run, 1);
	ck_assert_uint_eq(st->methods_run, 3);
	ck_assert_uint_eq(st->threads_resumed, 3);
	ck_assert_uint_eq(st->deltas, 4);
	ck_assert_uint_eq(st->time_steps, 3);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
	/* Counters run on across runs. */
	sim_event_schedule(&tick, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_uint_eq(st->events_triggered, 4);
	ck_assert_uint_eq(st->callbacks_run, 2);
	ck_assert_uint_eq(st->deltas, 5);
	ck_assert_uint_eq(st->time_steps, 4);
}
END_TEST

/* ========================================================================
 * Reports and configuration
 * ======================================================================== */

static void reporting_method(void *opaque)
{
	(void)opaque;
	sim_report(&kern, SIM_SEV_INFO, "info %d", 1);
	sim_report(&kern, SIM_SEV_WARNING, "warning %s", "two");
	sim_report(&kern, SIM_SEV_ERROR, "error %c", '3');
}

START_TEST(test_custom_report)
{
	static struct sim_proc m;
	static struct sim_event go;

	sim_event_init(&kern, &go, "go", NULL, NULL);
	ck_assert_int_eq(sim_method_init(&kern, &m, "reporter", reporting_method, NULL, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &go), SIM_OK);
	sim_notify(&go, SIM_NS(12));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(n_reports, 3);
	ck_assert_int_eq(reports[0].sev, SIM_SEV_INFO);
	ck_assert_str_eq(reports[0].msg, "info 1");
	ck_assert_int_eq(reports[1].sev, SIM_SEV_WARNING);
	ck_assert_str_eq(reports[1].msg, "warning two");
	ck_assert_int_eq(reports[2].sev, SIM_SEV_ERROR);
	ck_assert_str_eq(reports[2].msg, "error 3");
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(reports[i].now_ps, SIM_NS(12));
	/* Errors are also kept as the last error. */
	ck_assert_str_eq(sim_kernel_last_error(&kern), "error 3");
	/* Reporting does not stop anything. */
	ck_assert(!sim_kernel_halted(&kern));

	/* Outside a run, at the current time. */
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(40)), SIM_STOP_TIME);
	sim_report(&kern, SIM_SEV_WARNING, "%s", "outside");
	ck_assert_int_eq(n_reports, 4);
	ck_assert_uint_eq(reports[3].now_ps, SIM_NS(40));
	ck_assert_str_eq(reports[3].msg, "outside");
}
END_TEST

/* Bad input never crashes: NULL kernels, events of no kernel, destroyed
 * signals are refused with an error (or ignored where nothing returns). */
START_TEST(test_null_arguments_refused)
{
	struct sim_event ev;
	struct sim_signal sig;
	struct sim_update u;

	ck_assert_int_eq(sim_run(NULL), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_run_until(NULL, 10), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_run_while(NULL, NULL, NULL), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_step_delta(NULL), SIM_STOP_ERROR);
	ck_assert_int_eq(sim_step_time(NULL), SIM_STOP_ERROR);
	sim_stop(NULL);
	sim_halt(NULL, 1);
	ck_assert_int_eq(sim_kernel_init(NULL, NULL), SIM_ERR_INVALID);

	sim_event_init(NULL, &ev, "orphan", NULL, NULL);
	ck_assert_int_eq(sim_event_schedule(&ev, 10), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_event_schedule_at(&ev, 10), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_notify(&ev, 0), SIM_ERR_INVALID);
	ck_assert(!sim_event_cancel(&ev));
	ck_assert(!sim_event_cancel(NULL));
	sim_notify_immediate(&ev);
	sim_event_destroy(&ev);
	sim_event_destroy(NULL);
	ck_assert_int_eq(sim_notify(NULL, 0), SIM_ERR_INVALID);

	ck_assert_int_eq(sim_signal_init(&kern, &sig, "s", 8, 1), SIM_OK);
	sim_signal_destroy(&sig);
	sim_signal_write(&sig, 2); /* destroyed: ignored */
	ck_assert_uint_eq(sim_signal_read(&sig), 1);
	ck_assert_int_eq(sim_signal_trace(&sig, NULL, NULL), SIM_ERR_INVALID);
	sim_signal_write(NULL, 2);
	sim_signal_destroy(NULL);

	sim_update_init(&u, NULL, NULL);
	sim_request_update(NULL, &u);
	sim_request_update(&kern, NULL);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
}
END_TEST

START_TEST(test_kernel_config)
{
	struct sim_kernel_config cfg;
	struct sim_kernel k2;

	sim_kernel_config_default(&cfg);
	ck_assert_uint_eq(cfg.seed, 1);
	ck_assert_uint_eq(cfg.max_deltas, 1000000);
	ck_assert_uint_eq(cfg.thread_stack_bytes, 256 * 1024);
	ck_assert(cfg.report == NULL);

	cfg.max_deltas = 0;
	ck_assert_int_eq(sim_kernel_init(&k2, &cfg), SIM_ERR_INVALID);

	/* NULL is the default configuration. */
	ck_assert_int_eq(sim_kernel_init(&k2, NULL), SIM_OK);
	ck_assert_uint_eq(k2.cfg.seed, 1);
	ck_assert_uint_eq(k2.cfg.max_deltas, 1000000);
	ck_assert_uint_eq(sim_now(&k2), 0);
	ck_assert_str_eq(sim_kernel_last_error(&k2), "");
	ck_assert(!sim_kernel_halted(&k2));
	ck_assert_uint_eq(sim_kernel_stats(&k2)->deltas, 0);
	sim_kernel_destroy(&k2);

	/* The seed is kept as given. */
	sim_kernel_config_default(&cfg);
	cfg.seed = UINT64_C(0x123456789abcdef);
	ck_assert_int_eq(sim_kernel_init(&k2, &cfg), SIM_OK);
	ck_assert_uint_eq(k2.cfg.seed, UINT64_C(0x123456789abcdef));
	sim_kernel_destroy(&k2);
}
END_TEST

/* sim_proc_name(): the name given at creation, "" for none. */
static void noop_method(void *opaque)
{
	(void)opaque;
}

START_TEST(test_proc_names)
{
	static struct sim_proc named, anon;

	ck_assert_int_eq(sim_method_init(&kern, &named, "named", noop_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &anon, NULL, noop_method, NULL, 0), SIM_OK);
	ck_assert_str_eq(sim_proc_name(&named), "named");
	ck_assert_str_eq(sim_proc_name(&anon), "");
}
END_TEST

START_TEST(test_stop_reason_names)
{
	static const enum sim_stop_reason all[] = {
		SIM_STOP_FINISHED, SIM_STOP_TIME, SIM_STOP_REQUESTED,
		SIM_STOP_CONDITION, SIM_STOP_STEP, SIM_STOP_ERROR,
	};
	const size_t n = sizeof(all) / sizeof(all[0]);

	/* The two named in kernel.h. */
	ck_assert_str_eq(sim_stop_reason_name(SIM_STOP_FINISHED), "finished");
	ck_assert_str_eq(sim_stop_reason_name(SIM_STOP_TIME), "time");
	for (size_t i = 0; i < n; i++) {
		const char *a = sim_stop_reason_name(all[i]);

		ck_assert_ptr_nonnull(a);
		ck_assert_uint_gt(strlen(a), 0);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(a, sim_stop_reason_name(all[j]));
	}
	ck_assert_ptr_nonnull(sim_stop_reason_name((enum sim_stop_reason)99));
}
END_TEST

/* ========================================================================
 * The suite
 * ======================================================================== */

/* Every test starts from the same globals, also without a fork per test. */
static void reset_state(void)
{
	memset(reports, 0, sizeof(reports));
	n_reports = 0;
	trace[0] = '\0';
	chain_runs = 0;
	chain_limit = 0;
	cond_calls = 0;
	cond_stop_at = 0;
	thread_mark = 0;
	halt_returned = 0;
	halt_cleanups = 0;
	halt_thread_frame = 0;
	halt_cleanup_frame = 0;
	memset(inner, 0, sizeof(inner));
	inner_done = 0;
	stat_runs = 0;
}

static Suite *run_suite(void)
{
	Suite *s = suite_create("sim:run");
	TCase *tc_run = tcase_create("run");
	TCase *tc_stop = tcase_create("stop");
	TCase *tc_misc = tcase_create("misc");

	tcase_add_checked_fixture(tc_run, kern_setup, kern_teardown);
	tcase_add_test(tc_run, test_run_empty);
	tcase_add_test(tc_run, test_run_to_starvation);
	tcase_add_test(tc_run, test_run_until);
	tcase_add_test(tc_run, test_run_until_idle_sets_time);
	tcase_add_test(tc_run, test_run_until_past);
	tcase_add_test(tc_run, test_run_while);
	tcase_add_test(tc_run, test_step_delta);
	tcase_add_test(tc_run, test_step_time);
	suite_add_tcase(s, tc_run);

	tcase_add_checked_fixture(tc_stop, kern_setup, kern_teardown);
	tcase_add_test(tc_stop, test_stop_from_method);
	tcase_add_test(tc_stop, test_stop_from_callback);
	tcase_add_test(tc_stop, test_stop_from_thread);
	tcase_add_test(tc_stop, test_halt_from_method);
	tcase_add_test(tc_stop, test_halt_from_callback);
	tcase_add_test(tc_stop, test_halt_from_thread);
	tcase_add_test(tc_stop, test_runaway_deltas);
	tcase_add_test(tc_stop, test_runaway_limit_is_per_time_step);
	tcase_add_test(tc_stop, test_runaway_thread);
	tcase_add_test(tc_stop, test_run_inside_run);
	suite_add_tcase(s, tc_stop);

	tcase_add_checked_fixture(tc_misc, kern_setup, kern_teardown);
	tcase_add_test(tc_misc, test_statistics);
	tcase_add_test(tc_misc, test_custom_report);
	tcase_add_test(tc_misc, test_kernel_config);
	tcase_add_test(tc_misc, test_null_arguments_refused);
	tcase_add_test(tc_misc, test_stop_reason_names);
	tcase_add_test(tc_misc, test_proc_names);
	suite_add_tcase(s, tc_misc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(run_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
