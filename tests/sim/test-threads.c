/*
 * tests/sim/test-threads.c - Check tests of thread processes (sim/proc.c,
 * sim/coro.c) against the contract of sim/kernel.h and IEEE 1666-2011.
 *
 * Covered: waiting for a time (0 = one delta), for an event, for an event
 * with a timeout (the event wins a tie in the same delta), for any of
 * several events, and on the static sensitivity; the SIM_ERR_STATE of a
 * wait outside a running thread; termination; dont_initialize; kill (of a
 * waiting, a runnable and the running thread; cleanups run exactly once and
 * on the scheduler's stack), reset, sim_proc_destroy and sim_kernel_destroy
 * of live threads; deep recursion inside a thread's stack and the guard
 * page below it; a chain of 1000 threads; floating-point state across
 * switches; sim_proc_set_context()/sim_context_current() and
 * sim_current_proc(). The same file is also built against the ucontext
 * coroutine backend (test-sim-threads-ucontext).
 */
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/time.h"

/* Stack size given to most threads of these tests. */
#define STACK_BYTES ((size_t)64 * 1024)

/* ---- the kernel of each test (a checked fixture: one per test) ---- */

static struct sim_kernel kern;
static int kern_live;
static int n_reports;

/* API misuse is reported as a warning; count them instead of printing. */
static void quiet_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
	n_reports++;
}

static void reset_state(void);

/* Events made with ev_init() in the current test; the teardown destroys
 * them (sim_event_destroy() drops their sensitivity lists) before the
 * kernel. A test that destroys the kernel itself forgets them. */
#define MAX_TEST_EVENTS 1100

static struct sim_event *test_events[MAX_TEST_EVENTS];
static int n_test_events;

static void ev_init(struct sim_event *ev, const char *name, sim_event_fn fn, void *opaque)
{
	sim_event_init(&kern, ev, name, fn, opaque);
	for (int i = 0; i < n_test_events; i++) {
		if (test_events[i] == ev)
			return;
	}
	ck_assert_int_lt(n_test_events, MAX_TEST_EVENTS);
	test_events[n_test_events++] = ev;
}

static void kern_setup(void)
{
	reset_state();
	n_test_events = 0;
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	cfg.report = quiet_report;
	ck_assert_int_eq(sim_kernel_init(&kern, &cfg), SIM_OK);
	kern_live = 1;
	n_reports = 0;
}

static void kern_teardown(void)
{
	if (kern_live) {
		for (int i = 0; i < n_test_events; i++)
			sim_event_destroy(test_events[i]);
		sim_kernel_destroy(&kern);
	}
	n_test_events = 0;
	kern_live = 0;
}

/* Destroy the kernel in the middle of a test, its events left alone. */
static void kern_down(void)
{
	sim_kernel_destroy(&kern);
	n_test_events = 0;
	kern_live = 0;
}

/* ---- recording what a thread saw ---- */

#define REC_MAX 32

struct rec {
	int n;
	sim_time_t t[REC_MAX]; /* simulated time */
	uint64_t d[REC_MAX];   /* delta cycles completed so far */
	int r[REC_MAX];        /* a return value */
};

static void rec_add(struct rec *r, int ret)
{
	if (r->n < REC_MAX) {
		r->t[r->n] = sim_now(&kern);
		r->d[r->n] = kern.stats.deltas;
		r->r[r->n] = ret;
	}
	r->n++;
}

static uintptr_t frame_addr(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

/* True when @addr lies in the stack of a thread whose body recorded
 * @thread_frame near the top of its STACK_BYTES stack. */
static int on_thread_stack(uintptr_t addr, uintptr_t thread_frame)
{
	return addr <= thread_frame + 4096 && addr + STACK_BYTES + 16384 >= thread_frame;
}

/* ---- cleanups ---- */

#define MAX_CLEAN 8

static int clean_calls[MAX_CLEAN];
static uintptr_t clean_frame[MAX_CLEAN];
static struct sim_proc *clean_proc[MAX_CLEAN];

/* The opaque is the slot index cast to a pointer. */
static void cleanup_fn(struct sim_proc *p, void *opaque)
{
	int i = (int)(intptr_t)opaque;

	clean_calls[i]++;
	clean_frame[i] = frame_addr();
	clean_proc[i] = p;
}

static void set_cleanup(struct sim_proc *p, int slot)
{
	ck_assert_int_eq(sim_thread_set_cleanup(p, cleanup_fn, (void *)(intptr_t)slot), SIM_OK);
}

/* ========================================================================
 * Waiting for a time
 * ======================================================================== */

static struct rec rec_a, rec_b;

static void wait_time_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, 0);
	rec_add(r, sim_wait_time(&kern, SIM_NS(10)));
	rec_add(r, sim_wait_time(&kern, 0));
	rec_add(r, sim_wait_time(&kern, 0));
	rec_add(r, sim_wait_time(&kern, SIM_PS(5)));
}

START_TEST(test_wait_time)
{
	static struct sim_proc t;

	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", wait_time_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 5);
	ck_assert_uint_eq(rec_a.t[0], 0);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(10));
	ck_assert_int_eq(rec_a.r[1], 0);
	/* A wait of 0 is exactly one delta cycle at the same time. */
	ck_assert_uint_eq(rec_a.t[2], SIM_NS(10));
	ck_assert_uint_eq(rec_a.d[2], rec_a.d[1] + 1);
	ck_assert_int_eq(rec_a.r[2], 0);
	ck_assert_uint_eq(rec_a.t[3], SIM_NS(10));
	ck_assert_uint_eq(rec_a.d[3], rec_a.d[2] + 1);
	ck_assert_uint_eq(rec_a.t[4], SIM_NS(10) + 5);
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(10) + 5);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* Two threads each waiting 0 four times: every wait is one delta cycle
 * and the two stay in step, delta by delta, without time moving. */
static void wait_zero_body(void *opaque)
{
	struct rec *r = opaque;

	for (int i = 0; i < 4; i++) {
		rec_add(r, 0);
		sim_wait_time(&kern, 0);
	}
}

START_TEST(test_wait_time_zero_is_one_delta)
{
	static struct sim_proc a, b;

	ck_assert_int_eq(sim_thread_init(&kern, &a, "a", wait_zero_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &b, "b", wait_zero_body, &rec_b, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 4);
	ck_assert_int_eq(rec_b.n, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(rec_a.t[i], 0);
		ck_assert_uint_eq(rec_a.d[i], (uint64_t)i);
		ck_assert_uint_eq(rec_b.d[i], (uint64_t)i);
	}
	ck_assert_uint_eq(sim_now(&kern), 0);
	ck_assert_uint_eq(kern.stats.time_steps, 0);
	/* Four deltas of work plus the last wake-up delta. */
	ck_assert_uint_eq(kern.stats.deltas, 5);
}
END_TEST

/* ========================================================================
 * Waiting for events
 * ======================================================================== */

static struct sim_event ev_a, ev_b, ev_c;

static void wait_event_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, sim_wait_event(&kern, &ev_a)); /* timed notification at 7 ns */
	rec_add(r, sim_wait_event(&kern, &ev_a)); /* delta notification by a method */
	rec_add(r, sim_wait_event(&kern, &ev_a)); /* immediate notification by a method */
}

static int poke_count;

/* Sensitive to ev_b: the first activation delta-notifies ev_a, the
 * second notifies it immediately. */
static void poke_method(void *opaque)
{
	(void)opaque;
	poke_count++;
	if (poke_count == 1)
		sim_notify(&ev_a, 0);
	else if (poke_count == 2)
		sim_notify_immediate(&ev_a);
}

START_TEST(test_wait_event)
{
	static struct sim_proc t, m;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", wait_event_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", poke_method, NULL, SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_b), SIM_OK);
	ck_assert_int_eq(sim_notify(&ev_a, SIM_NS(7)), SIM_OK);
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(7)), SIM_STOP_TIME);
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(7));
	ck_assert_int_eq(rec_a.r[0], 0);

	/* Delta notification: the thread runs one delta after the method. */
	ck_assert_int_eq(sim_notify(&ev_b, SIM_NS(3)), SIM_OK);
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(10)), SIM_STOP_TIME);
	ck_assert_int_eq(poke_count, 1);
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(10));
	{
		uint64_t d_before = kern.stats.deltas;

		/* Immediate notification: the thread runs in the method's own
		 * evaluate phase, so the delta count as the thread sees it is
		 * the one before that single delta completes. */
		ck_assert_int_eq(sim_notify(&ev_b, SIM_NS(5)), SIM_OK);
		ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
		ck_assert_int_eq(poke_count, 2);
		ck_assert_int_eq(rec_a.n, 3);
		ck_assert_uint_eq(rec_a.t[2], SIM_NS(15));
		ck_assert_uint_eq(rec_a.d[2], d_before);
		ck_assert_uint_eq(kern.stats.deltas, d_before + 1);
	}
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* sim_wait_event_timeout(): the event first, then a timeout, then a wait
 * that must not be woken by the stale timeout of the first. */
static void timeout_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, sim_wait_event_timeout(&kern, &ev_a, SIM_NS(10))); /* ev_a at 5 ns */
	rec_add(r, sim_wait_event_timeout(&kern, &ev_a, SIM_NS(10))); /* times out at 15 ns */
	rec_add(r, sim_wait_event(&kern, &ev_b));                     /* ev_b at 40 ns */
}

START_TEST(test_wait_event_timeout)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", timeout_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	sim_notify(&ev_a, SIM_NS(5));
	sim_notify(&ev_b, SIM_NS(40));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(30)), SIM_STOP_TIME);
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_int_eq(rec_a.r[0], 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(5));
	ck_assert_int_eq(rec_a.r[1], 0);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(15));
	/* ev_a after the timeout wakes nobody. */
	sim_notify(&ev_a, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 3);
	ck_assert_uint_eq(rec_a.t[2], SIM_NS(40));
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* Tie at the same time, the event notified before the thread waits. */
static void tie_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, sim_wait_event_timeout(&kern, &ev_a, SIM_NS(10)));
}

START_TEST(test_wait_event_timeout_tie_event_scheduled_first)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	sim_notify(&ev_a, SIM_NS(10));
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", tie_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(10));
	ck_assert_int_eq(rec_a.r[0], 1);
}
END_TEST

/* A method created after the thread notifies ev_a for the very time the
 * thread's timeout falls on: the timeout was scheduled first, yet both
 * happen in the same delta and kernel.h says the event wins. */
static void late_notify_method(void *opaque)
{
	sim_time_t delay = *(const sim_time_t *)opaque;

	sim_notify(&ev_a, delay);
}

START_TEST(test_wait_event_timeout_tie_timeout_scheduled_first)
{
	static struct sim_proc t, m;
	sim_time_t delay = SIM_NS(10);

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", tie_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", late_notify_method, &delay, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(10));
	ck_assert_int_eq(rec_a.r[0], 1);
}
END_TEST

/* The same tie one delta ahead: a timeout of 0 (the next delta) and a
 * delta notification of the event made later in the same evaluate phase. */
static void tie_delta_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, sim_wait_event_timeout(&kern, &ev_a, 0));
}

START_TEST(test_wait_event_timeout_tie_in_delta)
{
	static struct sim_proc t, m;
	sim_time_t delay = 0;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", tie_delta_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", late_notify_method, &delay, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], 0);
	ck_assert_uint_eq(rec_a.d[0], 1);
	ck_assert_int_eq(rec_a.r[0], 1);
}
END_TEST

static void immediate_a_method(void *opaque);

/* The same tie through an immediate notification: at 10 ns a method that
 * became runnable before the thread (its event was scheduled first) notifies
 * ev_a immediately, in the evaluate phase of the delta in which the
 * thread's timeout triggered; the thread has not run yet. Both happened in
 * that one delta cycle, so the event wins here too. */
START_TEST(test_wait_event_timeout_tie_immediate)
{
	static struct sim_proc t, m;
	static struct sim_event go;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&go, "go", NULL, NULL);
	sim_notify(&go, SIM_NS(10));
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", immediate_a_method, NULL, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &go), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", tie_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(10));
	ck_assert_int_eq(rec_a.r[0], 1);
}
END_TEST

/* sim_wait_any(): returns the index of the event that woke the thread. */
static void any_body(void *opaque)
{
	struct rec *r = opaque;
	struct sim_event *evs[3] = { &ev_a, &ev_b, &ev_c };

	rec_add(r, sim_wait_any(&kern, evs, 3)); /* ev_c at 5 ns */
	rec_add(r, sim_wait_any(&kern, evs, 3)); /* ev_a and ev_b at 10 ns, ev_b first */
	rec_add(r, sim_wait_any(&kern, evs, 3)); /* ev_a immediately, by a method at 20 ns */
	rec_add(r, sim_wait_any_timeout(&kern, evs, 3, SIM_NS(10))); /* ev_b at 25 ns */
	rec_add(r, sim_wait_any_timeout(&kern, evs, 3, SIM_NS(10))); /* timeout at 35 ns */
	rec_add(r, sim_wait_any(&kern, evs, 0));
	rec_add(r, sim_wait_any_timeout(&kern, evs, 0, SIM_NS(1)));
	/* A single event through the list API. */
	rec_add(r, sim_wait_any(&kern, &evs[2], 1)); /* ev_c at 50 ns */
}

static void immediate_a_method(void *opaque)
{
	(void)opaque;
	sim_notify_immediate(&ev_a);
}

START_TEST(test_wait_any)
{
	static struct sim_proc t, m;
	static struct sim_event go;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ev_init(&ev_c, "c", NULL, NULL);
	ev_init(&go, "go", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", any_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", immediate_a_method, NULL, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &go), SIM_OK);
	sim_notify(&ev_c, SIM_NS(5));
	sim_notify(&ev_b, SIM_NS(10));
	sim_notify(&ev_a, SIM_NS(10));
	sim_notify(&go, SIM_NS(20));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(21)), SIM_STOP_TIME);
	sim_notify(&ev_b, SIM_NS(4));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(49)), SIM_STOP_TIME);
	sim_notify(&ev_c, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);

	ck_assert_int_eq(rec_a.n, 8);
	ck_assert_int_eq(rec_a.r[0], 2);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(5));
	ck_assert_int_eq(rec_a.r[1], 1);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(10));
	ck_assert_int_eq(rec_a.r[2], 0);
	ck_assert_uint_eq(rec_a.t[2], SIM_NS(20));
	ck_assert_int_eq(rec_a.r[3], 1);
	ck_assert_uint_eq(rec_a.t[3], SIM_NS(25));
	ck_assert_int_eq(rec_a.r[4], 3); /* n on timeout */
	ck_assert_uint_eq(rec_a.t[4], SIM_NS(35));
	ck_assert_int_eq(rec_a.r[5], SIM_ERR_INVALID);
	ck_assert_int_eq(rec_a.r[6], SIM_ERR_INVALID);
	ck_assert_uint_eq(rec_a.t[6], SIM_NS(35));
	ck_assert_int_eq(rec_a.r[7], 0);
	ck_assert_uint_eq(rec_a.t[7], SIM_NS(50));
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* ========================================================================
 * Static sensitivity
 * ======================================================================== */

static void static_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, 0);
	for (int i = 0; i < 3; i++)
		rec_add(r, sim_wait(&kern)); /* ev_a 5 ns, ev_b 8 ns, ev_a 12 ns */
	/* A dynamic wait masks the static sensitivity (IEEE 1666 5.2.11):
	 * ev_a at 15 ns does not wake the thread, ev_c at 20 ns does. */
	rec_add(r, sim_wait_event(&kern, &ev_c));
	rec_add(r, sim_wait(&kern)); /* ev_b at 25 ns */
}

START_TEST(test_wait_static)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ev_init(&ev_c, "c", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", static_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&t, &ev_a), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&t, &ev_b), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&t, &ev_b), SIM_OK); /* duplicate: ignored */
	sim_notify(&ev_a, SIM_NS(5));
	sim_notify(&ev_b, SIM_NS(8));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(10)), SIM_STOP_TIME);
	sim_notify(&ev_a, SIM_NS(2));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(13)), SIM_STOP_TIME);
	sim_notify(&ev_a, SIM_NS(2));
	sim_notify(&ev_c, SIM_NS(7));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(21)), SIM_STOP_TIME);
	sim_notify(&ev_b, SIM_NS(4));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);

	ck_assert_int_eq(rec_a.n, 6);
	ck_assert_uint_eq(rec_a.t[0], 0);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(5));
	ck_assert_uint_eq(rec_a.t[2], SIM_NS(8));
	ck_assert_uint_eq(rec_a.t[3], SIM_NS(12));
	ck_assert_uint_eq(rec_a.t[4], SIM_NS(20));
	ck_assert_uint_eq(rec_a.t[5], SIM_NS(25));
	for (int i = 1; i < 6; i++)
		ck_assert_int_eq(rec_a.r[i], 0);
}
END_TEST

/* ========================================================================
 * Waiting where it is not allowed
 * ======================================================================== */

static int wait_errors[6];
static int wait_errors_done;

static void try_all_waits(void)
{
	struct sim_event *evs[1] = { &ev_a };

	wait_errors[0] = sim_wait(&kern);
	wait_errors[1] = sim_wait_time(&kern, SIM_NS(1));
	wait_errors[2] = sim_wait_event(&kern, &ev_a);
	wait_errors[3] = sim_wait_event_timeout(&kern, &ev_a, SIM_NS(1));
	wait_errors[4] = sim_wait_any(&kern, evs, 1);
	wait_errors[5] = sim_wait_any_timeout(&kern, evs, 1, SIM_NS(1));
	wait_errors_done++;
}

static void check_all_state_errors(void)
{
	ck_assert_int_eq(wait_errors_done, 1);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(wait_errors[i], SIM_ERR_STATE);
	memset(wait_errors, 0, sizeof(wait_errors));
	wait_errors_done = 0;
}

static void waiting_method(void *opaque)
{
	(void)opaque;
	try_all_waits();
}

static void waiting_callback(struct sim_kernel *kk, void *opaque)
{
	(void)kk;
	(void)opaque;
	try_all_waits();
}

START_TEST(test_wait_errors)
{
	static struct sim_proc m;
	static struct sim_event cb;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&cb, "cb", waiting_callback, NULL);

	/* Outside any run (elaboration). */
	try_all_waits();
	check_all_state_errors();

	/* From a method. */
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", waiting_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	check_all_state_errors();

	/* From an event callback. */
	ck_assert_int_eq(sim_event_schedule(&cb, SIM_NS(1)), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	check_all_state_errors();

	/* After the run. */
	try_all_waits();
	check_all_state_errors();
	ck_assert_int_gt(n_reports, 0);
	ck_assert_str_ne(sim_kernel_last_error(&kern), "");
}
END_TEST

/* A running thread of another kernel is not a running thread of this one. */
static struct sim_kernel kern2;

static void other_kernel_body(void *opaque)
{
	(void)opaque;
	try_all_waits();
	/* Its own kernel lets it wait. */
	rec_add(&rec_a, sim_wait_time(&kern2, SIM_NS(3)));
}

START_TEST(test_wait_on_other_kernel)
{
	struct sim_kernel_config cfg;
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	sim_kernel_config_default(&cfg);
	cfg.report = quiet_report;
	ck_assert_int_eq(sim_kernel_init(&kern2, &cfg), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern2, &t, "t2", other_kernel_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern2), SIM_STOP_FINISHED);
	check_all_state_errors();
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_int_eq(rec_a.r[0], 0);
	ck_assert_uint_eq(sim_now(&kern2), SIM_NS(3));
	ck_assert_uint_eq(sim_now(&kern), 0);
	sim_kernel_destroy(&kern2);
}
END_TEST

/* ========================================================================
 * Termination and dont_initialize
 * ======================================================================== */

static int body_runs;

static void count_and_return_body(void *opaque)
{
	(void)opaque;
	body_runs++;
}

START_TEST(test_thread_returns_terminated)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", count_and_return_body, NULL, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_sensitive(&t, &ev_a), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(body_runs, 1);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
	/* Its static sensitivity no longer starts it. */
	for (int i = 1; i <= 3; i++) {
		sim_notify(&ev_a, SIM_NS(i));
		ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	}
	sim_notify_immediate(&ev_a);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(body_runs, 1);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
	ck_assert_uint_eq(kern.stats.threads_resumed, 1);
	/* A normal return is not a kill: no cleanup, and kill is refused. */
	ck_assert_int_eq(clean_calls[0], 0);
	ck_assert_int_eq(sim_proc_kill(&t), SIM_ERR_STATE);
	ck_assert_int_eq(clean_calls[0], 0);
}
END_TEST

static void dont_init_body(void *opaque)
{
	struct rec *r = opaque;

	rec_add(r, 0);
	rec_add(r, sim_wait(&kern));
}

START_TEST(test_dont_initialize)
{
	static struct sim_proc t1, t2, t3;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t1, "t1", dont_init_body, &rec_a, STACK_BYTES,
					 SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&t1, &ev_a), SIM_OK);
	/* No sensitivity at all: it never runs. */
	ck_assert_int_eq(sim_thread_init(&kern, &t2, "t2", count_and_return_body, NULL, STACK_BYTES,
					 SIM_PROC_DONT_INITIALIZE), SIM_OK);
	/* Without the flag a thread runs at time 0. */
	ck_assert_int_eq(sim_thread_init(&kern, &t3, "t3", dont_init_body, &rec_b, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&t3, &ev_a), SIM_OK);
	ck_assert(sim_proc_state(&t1) == SIM_PROC_READY || sim_proc_state(&t1) == SIM_PROC_WAITING);

	sim_notify(&ev_a, SIM_NS(5));
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(4)), SIM_STOP_TIME);
	ck_assert_int_eq(rec_a.n, 0);
	ck_assert_int_eq(rec_b.n, 1);
	ck_assert_uint_eq(rec_b.t[0], 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	/* t1 started from the top of its body when ev_a triggered. */
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(5));
	ck_assert_int_eq(rec_b.n, 2);
	ck_assert_uint_eq(rec_b.t[1], SIM_NS(5));
	sim_notify(&ev_a, SIM_NS(5));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(10));
	ck_assert_int_eq(body_runs, 0);
	ck_assert(sim_proc_state(&t2) == SIM_PROC_READY || sim_proc_state(&t2) == SIM_PROC_WAITING);
}
END_TEST

/* ========================================================================
 * Kill
 * ======================================================================== */

static uintptr_t thread_frame[4];
static int resumed[4];
static int killer_saw_calls = -1;
static int killer_saw_state = -1;
static int killer_ret = 1;
static uintptr_t killer_frame;
static int killer_resumed;

/* Slot i (the opaque) waits on ev_a. */
static void victim_body(void *opaque)
{
	int i = (int)(intptr_t)opaque;

	thread_frame[i] = frame_addr();
	sim_wait_event(&kern, &ev_a);
	resumed[i]++;
}

START_TEST(test_kill_waiting_from_outside)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "victim", victim_body, (void *)0, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);
	ck_assert_uint_ne(thread_frame[0], 0);

	ck_assert_int_eq(sim_proc_kill(&t), SIM_OK);
	/* Outside a run the cleanup has run by the time kill returns. */
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_ptr_eq(clean_proc[0], &t);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert(!on_thread_stack(frame_addr(), thread_frame[0])); /* the check itself works */
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_KILLED);

	/* Never resumed, cleanup never again. */
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_int_eq(sim_proc_kill(&t), SIM_ERR_STATE);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_KILLED);
	kern_down();
	ck_assert_int_eq(clean_calls[0], 1);
}
END_TEST

static struct sim_proc *kill_target;

static void killer_body(void *opaque)
{
	(void)opaque;
	killer_frame = frame_addr();
	killer_ret = sim_proc_kill(kill_target);
	/* Still on this thread's stack: the cleanup must wait. */
	killer_saw_calls = clean_calls[0];
	killer_saw_state = (int)sim_proc_state(kill_target);
	sim_wait_time(&kern, SIM_NS(1));
	killer_resumed = 1;
}

START_TEST(test_kill_from_thread)
{
	static struct sim_proc v, kt;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &v, "victim", victim_body, (void *)0, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&v, 0);
	ck_assert_int_eq(sim_thread_init(&kern, &kt, "killer", killer_body, NULL, STACK_BYTES,
					 SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ev_init(&ev_b, "b", NULL, NULL);
	ck_assert_int_eq(sim_sensitive(&kt, &ev_b), SIM_OK);
	kill_target = &v;
	sim_notify(&ev_b, SIM_NS(2));
	sim_notify(&ev_a, SIM_NS(5));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);

	ck_assert_int_eq(killer_ret, SIM_OK);
	ck_assert_int_eq(killer_saw_calls, 0);
	ck_assert_int_eq(killer_saw_state, SIM_PROC_KILLED);
	ck_assert_int_eq(killer_resumed, 1);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_ptr_eq(clean_proc[0], &v);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert(!on_thread_stack(clean_frame[0], killer_frame));
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(sim_proc_state(&v), SIM_PROC_KILLED);
}
END_TEST

static void kill_method(void *opaque)
{
	killer_ret = sim_proc_kill(opaque);
}

START_TEST(test_kill_from_method)
{
	static struct sim_proc v, m;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &v, "victim", victim_body, (void *)0, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&v, 0);
	ck_assert_int_eq(sim_method_init(&kern, &m, "killer", kill_method, &v, SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_b), SIM_OK);
	sim_notify(&ev_b, SIM_NS(2));
	sim_notify(&ev_a, SIM_NS(2)); /* same time: too late for the victim */
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(killer_ret, SIM_OK);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(sim_proc_state(&v), SIM_PROC_KILLED);
}
END_TEST

/* A thread made runnable by its timeout is killed before it runs, and
 * the event it also waited for then triggers in that same delta: the
 * thread stays dead and its cleanup runs once. */
static void timeout_victim_body(void *opaque)
{
	(void)opaque;
	thread_frame[0] = frame_addr();
	sim_wait_event_timeout(&kern, &ev_a, SIM_NS(10));
	resumed[0]++;
}

static void kill_then_notify_method(void *opaque)
{
	killer_ret = sim_proc_kill(opaque);
	sim_notify_immediate(&ev_a);
}

START_TEST(test_kill_after_timeout_before_run)
{
	static struct sim_proc v, m;
	static struct sim_event go;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&go, "go", NULL, NULL);
	sim_notify(&go, SIM_NS(10)); /* before the thread's timeout: m runs first */
	ck_assert_int_eq(sim_method_init(&kern, &m, "killer", kill_then_notify_method, &v, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &go), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &v, "victim", timeout_victim_body, NULL, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&v, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(killer_ret, SIM_OK);
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_int_eq(sim_proc_state(&v), SIM_PROC_KILLED);
	/* Nothing of the old wait is left behind. */
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(sim_proc_reset(&v), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(resumed[0], 1); /* restarted, timed out 10 ns later */
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(21));
	ck_assert_int_eq(clean_calls[0], 1);
}
END_TEST

/* The killer runs first in the initial evaluate phase; the victim is
 * runnable behind it and must never start. */
START_TEST(test_kill_runnable)
{
	static struct sim_proc kt, v;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &kt, "killer", killer_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &v, "victim", victim_body, (void *)0, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&v, 0);
	kill_target = &v;
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(killer_ret, SIM_OK);
	ck_assert_int_eq(killer_saw_calls, 0);
	ck_assert_uint_eq(thread_frame[0], 0); /* never started */
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert(!on_thread_stack(clean_frame[0], killer_frame));
	ck_assert_int_eq(sim_proc_state(&v), SIM_PROC_KILLED);
	ck_assert_uint_eq(kern.stats.threads_resumed, 2); /* killer twice */
}
END_TEST

/* Killing itself: the call does not return. */
static int self_kill_returned;
static int self_kill_ret;
static struct sim_proc *self_kill_cur;

static void self_kill_body(void *opaque)
{
	struct sim_proc *self = opaque;

	thread_frame[0] = frame_addr();
	sim_wait_time(&kern, SIM_NS(1));
	self_kill_cur = sim_current_proc(&kern);
	self_kill_ret = sim_proc_kill(self);
	self_kill_returned = 1;
}

static void later_body(void *opaque)
{
	struct rec *r = opaque;

	sim_wait_time(&kern, SIM_NS(5));
	rec_add(r, 0);
}

START_TEST(test_kill_self)
{
	static struct sim_proc s, o;

	ck_assert_int_eq(sim_thread_init(&kern, &s, "self", self_kill_body, &s, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&s, 0);
	ck_assert_int_eq(sim_thread_init(&kern, &o, "other", later_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(self_kill_returned, 0);
	ck_assert_int_eq(self_kill_ret, 1); /* never assigned */
	ck_assert_ptr_eq(self_kill_cur, &s);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_ptr_eq(clean_proc[0], &s);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert_int_eq(sim_proc_state(&s), SIM_PROC_KILLED);
	/* The run went on for the others. */
	ck_assert_int_eq(rec_a.n, 1);
	ck_assert_uint_eq(rec_a.t[0], SIM_NS(5));
	ck_assert_int_eq(sim_proc_kill(&s), SIM_ERR_STATE);
	ck_assert_int_eq(clean_calls[0], 1);
}
END_TEST

static int method_runs;

static void counting_method(void *opaque)
{
	(void)opaque;
	method_runs++;
}

START_TEST(test_kill_method)
{
	static struct sim_proc m;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", counting_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_a), SIM_OK);
	ck_assert_int_eq(sim_thread_set_cleanup(&m, cleanup_fn, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(method_runs, 1);
	ck_assert_int_eq(sim_proc_kill(&m), SIM_OK);
	ck_assert_int_eq(sim_proc_state(&m), SIM_PROC_KILLED);
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(method_runs, 1);
	ck_assert_int_eq(sim_proc_kill(&m), SIM_ERR_STATE);
	/* Reset brings a method back: it runs in the next evaluate phase. */
	ck_assert_int_eq(sim_proc_reset(&m), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(method_runs, 2);
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(method_runs, 3);
}
END_TEST

/* ========================================================================
 * Reset
 * ======================================================================== */

static int starts, afters;

static void restartable_body(void *opaque)
{
	struct rec *r = opaque;

	starts++;
	thread_frame[0] = frame_addr();
	if (r)
		rec_add(r, 0);
	sim_wait_event(&kern, &ev_a);
	afters++;
}

START_TEST(test_reset_waiting)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", restartable_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(3)), SIM_STOP_TIME);
	ck_assert_int_eq(starts, 1);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);

	ck_assert_int_eq(sim_proc_reset(&t), SIM_OK);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_RUNNABLE);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	/* From the top again, at the time of the reset. */
	ck_assert_int_eq(starts, 2);
	ck_assert_int_eq(afters, 0);
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(3));
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);
	ck_assert_int_eq(clean_calls[0], 1);
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(afters, 1);
	ck_assert_int_eq(starts, 2);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
	ck_assert_int_eq(clean_calls[0], 1);
}
END_TEST

static void reset_method(void *opaque)
{
	killer_ret = sim_proc_reset(opaque);
}

START_TEST(test_reset_during_run)
{
	static struct sim_proc t, m;

	ev_init(&ev_a, "a", NULL, NULL);
	ev_init(&ev_b, "b", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", restartable_body, &rec_a, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_method_init(&kern, &m, "resetter", reset_method, &t, SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m, &ev_b), SIM_OK);
	sim_notify(&ev_b, SIM_NS(7));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(killer_ret, SIM_OK);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_int_eq(starts, 2);
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_uint_eq(rec_a.t[0], 0);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(7));
	ck_assert_int_eq(afters, 0);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);
}
END_TEST

START_TEST(test_reset_terminated)
{
	static struct sim_proc t;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", restartable_body, NULL, STACK_BYTES, 0), SIM_OK);
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
	ck_assert_int_eq(starts, 1);
	ck_assert_int_eq(afters, 1);

	ck_assert_int_eq(sim_proc_reset(&t), SIM_OK);
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(starts, 2);
	ck_assert_int_eq(afters, 2);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);

	/* A killed thread restarts the same way. */
	ck_assert_int_eq(sim_proc_reset(&t), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(starts, 3);
	ck_assert_int_eq(sim_proc_kill(&t), SIM_OK);
	ck_assert_int_eq(sim_proc_reset(&t), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(starts, 4);
	ck_assert_int_eq(afters, 2);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);
}
END_TEST

static int self_reset_returned;

static void self_reset_body(void *opaque)
{
	struct sim_proc *self = opaque;

	starts++;
	thread_frame[0] = frame_addr();
	rec_add(&rec_a, 0);
	if (starts == 1) {
		sim_wait_time(&kern, SIM_NS(2));
		sim_proc_reset(self);
		self_reset_returned = 1;
	}
	sim_wait_time(&kern, SIM_NS(1));
	afters++;
}

START_TEST(test_reset_self)
{
	static struct sim_proc t;

	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", self_reset_body, &t, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(self_reset_returned, 0);
	ck_assert_int_eq(starts, 2);
	ck_assert_int_eq(afters, 1);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert_int_eq(rec_a.n, 2);
	ck_assert_uint_eq(rec_a.t[1], SIM_NS(2));
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(3));
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* ========================================================================
 * sim_proc_destroy() and sim_kernel_destroy() of live threads
 * ======================================================================== */

static int destroy_self_ret = 1;

static void destroy_self_body(void *opaque)
{
	destroy_self_ret = sim_proc_destroy(opaque);
	sim_wait_event(&kern, &ev_a);
	resumed[0]++;
}

START_TEST(test_destroy_waiting)
{
	static struct sim_proc t, t2;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", destroy_self_body, &t, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t, 0);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	/* A process cannot destroy itself. */
	ck_assert_int_eq(destroy_self_ret, SIM_ERR_STATE);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_WAITING);

	ck_assert_int_eq(sim_proc_destroy(&t), SIM_OK);
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_ptr_eq(clean_proc[0], &t);
	/* The kernel forgot it: scribble over it and trigger what it waited on. */
	memset(&t, 0xAA, sizeof(t));
	sim_notify(&ev_a, SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(resumed[0], 0);
	ck_assert_int_eq(clean_calls[0], 1);

	/* A terminated thread is destroyed without a cleanup; the storage
	 * can then hold a new thread. */
	ck_assert_int_eq(sim_thread_init(&kern, &t2, "t2", count_and_return_body, NULL, STACK_BYTES, 0), SIM_OK);
	set_cleanup(&t2, 1);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(sim_proc_destroy(&t2), SIM_OK);
	ck_assert_int_eq(clean_calls[1], 0);
	ck_assert_int_eq(sim_thread_init(&kern, &t2, "t2", count_and_return_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(body_runs, 2);
}
END_TEST

static void wait_long_body(void *opaque)
{
	int i = (int)(intptr_t)opaque;

	thread_frame[i] = frame_addr();
	sim_wait_time(&kern, SIM_US(1));
	resumed[i]++;
}

START_TEST(test_kernel_destroy_runs_cleanups)
{
	static struct sim_proc a, b, c, d;

	ev_init(&ev_a, "a", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &a, "a", victim_body, (void *)0, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &b, "b", wait_long_body, (void *)1, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &c, "c", count_and_return_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &d, "d", count_and_return_body, NULL, STACK_BYTES,
					 SIM_PROC_DONT_INITIALIZE), SIM_OK);
	set_cleanup(&a, 0);
	set_cleanup(&b, 1);
	set_cleanup(&c, 2);
	set_cleanup(&d, 3);
	ck_assert_int_eq(sim_run_until(&kern, SIM_NS(10)), SIM_STOP_TIME);
	ck_assert_int_eq(body_runs, 1);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(clean_calls[i], 0);

	kern_down();
	/* Every thread still alive was killed, once; the one that returned was not. */
	ck_assert_int_eq(clean_calls[0], 1);
	ck_assert_int_eq(clean_calls[1], 1);
	ck_assert_int_eq(clean_calls[2], 0);
	ck_assert_int_eq(clean_calls[3], 1);
	ck_assert_ptr_eq(clean_proc[0], &a);
	ck_assert_ptr_eq(clean_proc[1], &b);
	ck_assert(!on_thread_stack(clean_frame[0], thread_frame[0]));
	ck_assert(!on_thread_stack(clean_frame[1], thread_frame[1]));
	ck_assert_int_eq(resumed[0] + resumed[1], 0);
	ck_assert_int_eq(body_runs, 1);
}
END_TEST

/* sim_kernel_destroy() "forgets" events: the caller need not destroy them
 * first, so the kernel must not leave memory behind in them either. Only
 * a leak checker (LeakSanitizer, valgrind --leak-check=full) sees a
 * failure here: two processes statically sensitive to one event, and one
 * process sensitive to several events. */
/* A blocking thread may hand over straight to the one thread the
 * scheduler would run next (kernel.c). Whether it does is invisible: a
 * ping-pong run under sim_run (handover allowed) and under sim_run_while
 * with an always-true condition (the scheduler checks the condition after
 * every delta cycle, so no handover) give the same order, times and
 * counts. Both ways also mix delta and immediate notifications. */
struct hand {
	struct sim_kernel k;
	struct sim_event ping, pong;
	struct sim_proc a, b;
	char log[4096];
	size_t len;
};

static void hand_log(struct hand *h, char who, int i)
{
	int n = snprintf(h->log + h->len, sizeof(h->log) - h->len, "%c%d@%llu/%llu ", who, i,
			 (unsigned long long)sim_now(&h->k), (unsigned long long)sim_kernel_stats(&h->k)->deltas);

	ck_assert(n > 0 && (size_t)n < sizeof(h->log) - h->len);
	h->len += (size_t)n;
}

static void hand_a(void *opaque)
{
	struct hand *h = opaque;

	for (int i = 0; i < 20; i++) {
		hand_log(h, 'a', i);
		if (i % 3 == 2)
			sim_notify_immediate(&h->ping);
		else
			sim_notify(&h->ping, i % 5 == 4 ? SIM_NS(1) : 0);
		sim_wait_event(&h->k, &h->pong);
	}
}

static void hand_b(void *opaque)
{
	struct hand *h = opaque;

	for (int i = 0;; i++) {
		sim_wait_event(&h->k, &h->ping);
		hand_log(h, 'b', i);
		sim_notify(&h->pong, 0);
	}
}

static bool hand_always(struct sim_kernel *k, void *opaque)
{
	(void)k;
	(void)opaque;
	return true;
}

static void hand_run(struct hand *h, int with_condition)
{
	memset(h, 0, sizeof(*h));
	ck_assert_int_eq(sim_kernel_init(&h->k, NULL), SIM_OK);
	sim_event_init(&h->k, &h->ping, "ping", NULL, NULL);
	sim_event_init(&h->k, &h->pong, "pong", NULL, NULL);
	ck_assert_int_eq(sim_thread_init(&h->k, &h->b, "b", hand_b, h, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&h->k, &h->a, "a", hand_a, h, STACK_BYTES, 0), SIM_OK);
	if (with_condition)
		ck_assert_int_eq(sim_run_while(&h->k, hand_always, NULL), SIM_STOP_FINISHED);
	else
		ck_assert_int_eq(sim_run(&h->k), SIM_STOP_FINISHED);
}

START_TEST(test_handover_is_invisible)
{
	static struct hand direct, via_scheduler;
	const struct sim_stats *s1, *s2;

	hand_run(&direct, 0);
	hand_run(&via_scheduler, 1);
	ck_assert_str_eq(direct.log, via_scheduler.log);
	s1 = sim_kernel_stats(&direct.k);
	s2 = sim_kernel_stats(&via_scheduler.k);
	ck_assert_uint_eq(s1->deltas, s2->deltas);
	ck_assert_uint_eq(s1->threads_resumed, s2->threads_resumed);
	ck_assert_uint_eq(s1->events_triggered, s2->events_triggered);
	ck_assert_uint_eq(s1->time_steps, s2->time_steps);
	ck_assert_uint_eq(sim_now(&direct.k), sim_now(&via_scheduler.k));
	/* 20 rounds: a logs 20 times, b 20 times. */
	ck_assert_uint_eq(s1->threads_resumed, 2 + 20 + 20);
	sim_kernel_destroy(&direct.k);
	sim_kernel_destroy(&via_scheduler.k);
}
END_TEST

START_TEST(test_kernel_destroy_forgets_events)
{
	/* The events live in memory the owner frees after the kernel. */
	struct sim_event *e = calloc(3, sizeof(*e));
	static struct sim_proc m1, m2, t;

	ck_assert_ptr_nonnull(e);
	sim_event_init(&kern, &e[0], "e0", NULL, NULL);
	sim_event_init(&kern, &e[1], "e1", NULL, NULL);
	sim_event_init(&kern, &e[2], "e2", NULL, NULL);
	ck_assert_int_eq(sim_method_init(&kern, &m1, "m1", counting_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m2, "m2", counting_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", count_and_return_body, NULL, STACK_BYTES, 0), SIM_OK);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(sim_sensitive(&m1, &e[0]), SIM_OK);
		ck_assert_int_eq(sim_sensitive(&m2, &e[0]), SIM_OK);
		ck_assert_int_eq(sim_sensitive(&t, &e[0]), SIM_OK);
		ck_assert_int_eq(sim_sensitive(&m1, &e[1]), SIM_OK);
		ck_assert_int_eq(sim_sensitive(&m1, &e[2]), SIM_OK);
	}
	sim_notify(&e[0], SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	/* Each method once at start and once for e0. */
	ck_assert_int_eq(method_runs, 4);
	ck_assert_int_eq(body_runs, 1);
	sim_notify(&e[0], SIM_NS(1));
	kern_down();
	free(e);
}
END_TEST

/* ========================================================================
 * Stacks
 * ======================================================================== */

/* Recurse until the frames span @bytes below @top; returns the depth. */
static volatile int recursion_sink;

static int recurse_to(uintptr_t top, size_t bytes, int depth)
{
	volatile char buf[128];
	uintptr_t here = frame_addr();
	int r;

	memset((char *)buf, depth & 0x7f, sizeof(buf));
	if (top - here >= bytes)
		return depth;
	r = recurse_to(top, bytes, depth + 1);
	recursion_sink += buf[depth % (int)sizeof(buf)];
	return r;
}

static int deep_depth[2];

static void deep_body(void *opaque)
{
	uintptr_t top = frame_addr();

	(void)opaque;
	deep_depth[0] = recurse_to(top, 32 * 1024, 0);
	sim_wait_time(&kern, SIM_NS(1));
	deep_depth[1] = recurse_to(top, 32 * 1024, 0);
}

START_TEST(test_deep_recursion)
{
	static struct sim_proc t;

	ck_assert_int_eq(sim_thread_init(&kern, &t, "deep", deep_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_gt(deep_depth[0], 10);
	ck_assert_int_eq(deep_depth[0], deep_depth[1]);
	ck_assert_int_eq(sim_proc_state(&t), SIM_PROC_TERMINATED);
}
END_TEST

/* Under AddressSanitizer its own SIGSEGV handling takes over: not run. */
#if !defined(__SANITIZE_ADDRESS__)
static void overflow_body(void *opaque)
{
	(void)opaque;
	/* Far more than the 64 KiB stack: the guard page stops it. */
	recurse_to(frame_addr(), (size_t)16 * 1024 * 1024, 0);
}

START_TEST(test_stack_overflow_faults)
{
	static struct sim_proc t;
	struct sigaction dfl;

	/* A sanitizer's SIGSEGV handler would turn the fault into an exit;
	 * the default action is what the guard page promises. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &dfl, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &t, "overflow", overflow_body, NULL, STACK_BYTES, 0), SIM_OK);
	sim_run(&kern);
	ck_abort_msg("the stack overflow did not fault");
}
END_TEST
#endif

/* ========================================================================
 * Many threads
 * ======================================================================== */

#define CHAIN 1000
#define ROUNDS 3

static struct sim_proc chain_proc[CHAIN];
static struct sim_event chain_ev[CHAIN];
static int chain_hits[CHAIN];
static int chain_next;
static int chain_bad;

static void chain_body(void *opaque)
{
	int i = (int)(intptr_t)opaque;

	for (int r = 0; r < ROUNDS; r++) {
		sim_wait_event(&kern, &chain_ev[i]);
		if (chain_next != i)
			chain_bad++;
		chain_hits[i]++;
		chain_next = (i + 1) % CHAIN;
		/* Odd hops by delta notification, even ones after 1 ns. */
		sim_notify(&chain_ev[(i + 1) % CHAIN], (i & 1) ? 0 : SIM_NS(1));
	}
}

START_TEST(test_many_threads_chain)
{
	for (int i = 0; i < CHAIN; i++)
		ev_init(&chain_ev[i], "link", NULL, NULL);
	for (int i = 0; i < CHAIN; i++)
		ck_assert_int_eq(sim_thread_init(&kern, &chain_proc[i], "chain", chain_body, (void *)(intptr_t)i,
						 STACK_BYTES, 0), SIM_OK);
	sim_notify(&chain_ev[0], SIM_NS(1));
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(chain_bad, 0);
	for (int i = 0; i < CHAIN; i++) {
		ck_assert_int_eq(chain_hits[i], ROUNDS);
		ck_assert_int_eq(sim_proc_state(&chain_proc[i]), SIM_PROC_TERMINATED);
	}
	ck_assert_uint_eq(kern.stats.threads_resumed, (uint64_t)CHAIN * (ROUNDS + 1));
	/* 1 ns to start, then 1 ns for each even hop. */
	ck_assert_uint_eq(sim_now(&kern), SIM_NS(1) + SIM_NS(1) * (CHAIN / 2) * ROUNDS);
}
END_TEST

/* ========================================================================
 * Floating point across switches
 * ======================================================================== */

struct fp_state {
	int mode;       /* rounding mode this thread keeps */
	double start;
	double result;
	int mode_kept;  /* fegetround() was right after every switch */
	int steps;
};

static void fp_body(void *opaque)
{
	struct fp_state *s = opaque;
	double x = s->start;
	double y = s->start * 0.5;

	s->mode_kept = fesetround(s->mode) == 0;
	for (int i = 0; i < 8; i++) {
		x = x * 2.0 + 0.5;   /* exact in binary: no rounding involved */
		y = y + x * 0.25;
		sim_wait_time(&kern, (i & 1) ? 0 : SIM_NS(1));
		s->mode_kept &= fegetround() == s->mode;
		s->steps++;
	}
	s->result = x + y;
}

/* The same computation without switches. */
static double fp_expected(double start)
{
	double x = start, y = start * 0.5;

	for (int i = 0; i < 8; i++) {
		x = x * 2.0 + 0.5;
		y = y + x * 0.25;
	}
	return x + y;
}

START_TEST(test_fp_state_preserved)
{
	static struct sim_proc a, b;
	struct fp_state sa = { FE_UPWARD, 1.25, 0, 0, 0 };
	struct fp_state sb = { FE_DOWNWARD, -3.75, 0, 0, 0 };
	volatile double host = 7.125;

	ck_assert_int_eq(fegetround(), FE_TONEAREST);
	/* Each keeps its own rounding mode only when it asks to
	 * (SIM_PROC_OWN_FP_ENV); by default the environment is shared. */
	ck_assert_int_eq(sim_thread_init(&kern, &a, "a", fp_body, &sa, STACK_BYTES, SIM_PROC_OWN_FP_ENV), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &b, "b", fp_body, &sb, STACK_BYTES, SIM_PROC_OWN_FP_ENV), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(sa.steps, 8);
	ck_assert_int_eq(sb.steps, 8);
	ck_assert(sa.result == fp_expected(1.25));
	ck_assert(sb.result == fp_expected(-3.75));
	/* Each context keeps its own rounding mode (callee-saved in the
	 * System V ABI), the scheduler's included. */
	ck_assert_int_eq(sa.mode_kept, 1);
	ck_assert_int_eq(sb.mode_kept, 1);
	ck_assert_int_eq(fegetround(), FE_TONEAREST);
	ck_assert(host == 7.125);
}
END_TEST

/* Without SIM_PROC_OWN_FP_ENV the environment is the host thread's, shared
 * by every process (kernel.h): a mode set in a thread is still in force
 * when control is back in the scheduler, until someone restores it. */
static int shared_mode_seen_by_method;

static void fp_set_upward_body(void *opaque)
{
	(void)opaque;
	fesetround(FE_UPWARD);
	sim_wait_time(&kern, SIM_NS(1));
	fesetround(FE_TONEAREST);
}

static void fp_peek_method(void *opaque)
{
	(void)opaque;
	shared_mode_seen_by_method = fegetround();
}

START_TEST(test_fp_state_shared_by_default)
{
	static struct sim_proc t, m;

	ck_assert_int_eq(sim_thread_init(&kern, &t, "t", fp_set_upward_body, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", fp_peek_method, NULL, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	/* m ran after t in the first evaluate phase, while t waited. The
	 * ucontext backend always switches the environment (swapcontext). */
#ifdef PCISIM_CORO_UCONTEXT
	ck_assert_int_eq(shared_mode_seen_by_method, FE_TONEAREST);
#else
	ck_assert_int_eq(shared_mode_seen_by_method, FE_UPWARD);
#endif
	ck_assert_int_eq(fegetround(), FE_TONEAREST);
}
END_TEST

/* ========================================================================
 * Context pointer and current process
 * ======================================================================== */

static int ctx_a, ctx_b, ctx_m, ctx_x;
static void *seen_a[4], *seen_b[4], *seen_m, *seen_cb = (void *)1, *seen_x;
static struct sim_proc *cur_a, *cur_b, *cur_m, *cur_cb = (struct sim_proc *)1;

static void ctx_body_a(void *opaque)
{
	cur_a = sim_current_proc(&kern);
	seen_a[0] = sim_context_current();
	sim_wait_time(&kern, 0);
	seen_a[1] = sim_context_current();
	sim_wait_time(&kern, SIM_NS(1));
	seen_a[2] = sim_context_current();
	/* Changing it while running takes effect at once. */
	sim_proc_set_context(opaque, &ctx_x);
	seen_x = sim_context_current();
	sim_wait_time(&kern, SIM_NS(1));
	seen_a[3] = sim_context_current();
}

static void ctx_body_b(void *opaque)
{
	(void)opaque;
	cur_b = sim_current_proc(&kern);
	seen_b[0] = sim_context_current();
	sim_wait_time(&kern, 0);
	seen_b[1] = sim_context_current();
	sim_wait_time(&kern, SIM_NS(1));
	seen_b[2] = sim_context_current();
	sim_wait_time(&kern, SIM_NS(1));
	seen_b[3] = sim_context_current();
}

static void ctx_method(void *opaque)
{
	(void)opaque;
	cur_m = sim_current_proc(&kern);
	seen_m = sim_context_current();
}

static void ctx_callback(struct sim_kernel *kk, void *opaque)
{
	(void)opaque;
	cur_cb = sim_current_proc(kk);
	seen_cb = sim_context_current();
}

START_TEST(test_context_and_current_proc)
{
	static struct sim_proc a, b, m;
	static struct sim_event cb;

	ev_init(&cb, "cb", ctx_callback, NULL);
	ck_assert_int_eq(sim_thread_init(&kern, &a, "a", ctx_body_a, &a, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &b, "b", ctx_body_b, NULL, STACK_BYTES, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&kern, &m, "m", ctx_method, NULL, 0), SIM_OK);
	sim_proc_set_context(&a, &ctx_a);
	sim_proc_set_context(&b, &ctx_b);
	sim_proc_set_context(&m, &ctx_m);
	/* Elaboration: no process runs. */
	ck_assert_ptr_null(sim_context_current());
	ck_assert_ptr_null(sim_current_proc(&kern));
	sim_event_schedule(&cb, SIM_NS(1));

	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_eq(seen_a[i], &ctx_a);
		ck_assert_ptr_eq(seen_b[i], &ctx_b);
	}
	ck_assert_ptr_eq(seen_x, &ctx_x);
	ck_assert_ptr_eq(seen_a[3], &ctx_x);
	ck_assert_ptr_eq(seen_b[3], &ctx_b);
	ck_assert_ptr_eq(seen_m, &ctx_m);
	ck_assert_ptr_eq(cur_a, &a);
	ck_assert_ptr_eq(cur_b, &b);
	ck_assert_ptr_eq(cur_m, &m);
	/* An event callback runs in the scheduler, outside any process. */
	ck_assert_ptr_null(seen_cb);
	ck_assert_ptr_null(cur_cb);
	ck_assert_ptr_null(sim_context_current());
	ck_assert_ptr_null(sim_current_proc(&kern));
}
END_TEST

/* ========================================================================
 * The suite
 * ======================================================================== */

/* Every test starts from the same globals, also without a fork per test
 * (CK_FORK=no, as under valgrind). */
static void reset_state(void)
{
	n_reports = 0;
	memset(clean_calls, 0, sizeof(clean_calls));
	memset(clean_frame, 0, sizeof(clean_frame));
	memset(clean_proc, 0, sizeof(clean_proc));
	memset(&rec_a, 0, sizeof(rec_a));
	memset(&rec_b, 0, sizeof(rec_b));
	poke_count = 0;
	memset(wait_errors, 0, sizeof(wait_errors));
	wait_errors_done = 0;
	body_runs = 0;
	memset(thread_frame, 0, sizeof(thread_frame));
	memset(resumed, 0, sizeof(resumed));
	killer_saw_calls = -1;
	killer_saw_state = -1;
	killer_ret = 1;
	killer_frame = 0;
	killer_resumed = 0;
	kill_target = NULL;
	self_kill_returned = 0;
	self_kill_ret = 1;
	self_kill_cur = NULL;
	method_runs = 0;
	starts = 0;
	afters = 0;
	self_reset_returned = 0;
	destroy_self_ret = 1;
	memset(deep_depth, 0, sizeof(deep_depth));
	memset(chain_hits, 0, sizeof(chain_hits));
	chain_next = 0;
	chain_bad = 0;
	memset(seen_a, 0, sizeof(seen_a));
	memset(seen_b, 0, sizeof(seen_b));
	seen_m = NULL;
	seen_x = NULL;
	seen_cb = (void *)1;
	cur_a = cur_b = cur_m = NULL;
	cur_cb = (struct sim_proc *)1;
}

static Suite *threads_suite(int forking)
{
	Suite *s = suite_create("sim:threads");
	TCase *tc_wait = tcase_create("wait");
	TCase *tc_life = tcase_create("lifecycle");
	TCase *tc_stack = tcase_create("stack");
	TCase *tc_ctx = tcase_create("context");

	tcase_add_checked_fixture(tc_wait, kern_setup, kern_teardown);
	tcase_add_test(tc_wait, test_wait_time);
	tcase_add_test(tc_wait, test_wait_time_zero_is_one_delta);
	tcase_add_test(tc_wait, test_wait_event);
	tcase_add_test(tc_wait, test_wait_event_timeout);
	tcase_add_test(tc_wait, test_wait_event_timeout_tie_event_scheduled_first);
	tcase_add_test(tc_wait, test_wait_event_timeout_tie_timeout_scheduled_first);
	tcase_add_test(tc_wait, test_wait_event_timeout_tie_in_delta);
	tcase_add_test(tc_wait, test_wait_event_timeout_tie_immediate);
	tcase_add_test(tc_wait, test_wait_any);
	tcase_add_test(tc_wait, test_wait_static);
	tcase_add_test(tc_wait, test_wait_errors);
	tcase_add_test(tc_wait, test_wait_on_other_kernel);
	suite_add_tcase(s, tc_wait);

	tcase_add_checked_fixture(tc_life, kern_setup, kern_teardown);
	tcase_add_test(tc_life, test_thread_returns_terminated);
	tcase_add_test(tc_life, test_dont_initialize);
	tcase_add_test(tc_life, test_kill_waiting_from_outside);
	tcase_add_test(tc_life, test_kill_from_thread);
	tcase_add_test(tc_life, test_kill_from_method);
	tcase_add_test(tc_life, test_kill_runnable);
	tcase_add_test(tc_life, test_kill_after_timeout_before_run);
	tcase_add_test(tc_life, test_kill_self);
	tcase_add_test(tc_life, test_kill_method);
	tcase_add_test(tc_life, test_reset_waiting);
	tcase_add_test(tc_life, test_reset_during_run);
	tcase_add_test(tc_life, test_reset_terminated);
	tcase_add_test(tc_life, test_reset_self);
	tcase_add_test(tc_life, test_destroy_waiting);
	tcase_add_test(tc_life, test_kernel_destroy_runs_cleanups);
	tcase_add_test(tc_life, test_kernel_destroy_forgets_events);
	tcase_add_test(tc_life, test_handover_is_invisible);
	suite_add_tcase(s, tc_life);

	tcase_add_checked_fixture(tc_stack, kern_setup, kern_teardown);
	tcase_add_test(tc_stack, test_deep_recursion);
	/* The fault kills the test's process: only with a fork per test, and
	 * not under AddressSanitizer, which catches the fault itself. */
#if !defined(__SANITIZE_ADDRESS__)
	if (forking)
		tcase_add_test_raise_signal(tc_stack, test_stack_overflow_faults, SIGSEGV);
#else
	(void)forking;
#endif
	tcase_add_test(tc_stack, test_many_threads_chain);
	tcase_add_test(tc_stack, test_fp_state_preserved);
	tcase_add_test(tc_stack, test_fp_state_shared_by_default);
	suite_add_tcase(s, tc_stack);

	tcase_add_checked_fixture(tc_ctx, kern_setup, kern_teardown);
	tcase_add_test(tc_ctx, test_context_and_current_proc);
	suite_add_tcase(s, tc_ctx);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	srunner_add_suite(sr, threads_suite(srunner_fork_status(sr) != CK_NOFORK));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
