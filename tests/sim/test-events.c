/*
 * tests/sim/test-events.c - Check tests of the raw event layer of the kernel
 * (sim/kernel.h): events with callbacks, moved unconditionally by
 * sim_event_schedule() / sim_event_schedule_at() and removed by
 * sim_event_cancel().
 *
 * What is checked: events due at the same time run in scheduling order, and
 * a rescheduled event takes a new place at the back of its time; cancel in
 * every state (idle, delta-pending, timed-pending, already triggered, after
 * firing, twice, then rescheduled); sim_event_pending() / sim_event_when();
 * schedule_at() in the past and delays that pass SIM_TIME_MAX are refused
 * with an error text and schedule nothing; a periodic timer under
 * sim_run_until(); 100,000 pending events with pseudo-random times (and
 * random moves and cancels) fire in (time, sequence) order; destroying an
 * event that is pending, that has stale queue entries, or whose callback is
 * already queued is clean (run under ASan); sim_next_activity_time().
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim-test.h"

#include "sim/kernel.h"
#include "sim/random.h"

/* ---- helpers ---- */


/* One callback run: which event, at what time, in which delta cycle. */
struct rec {
	int id;
	sim_time_t t;
	uint64_t delta;
};

struct log {
	struct rec r[512];
	size_t n;
};

/* An event that logs its callbacks. */
struct tev {
	struct sim_event ev;
	int id;
	struct log *log;
	void (*extra)(struct sim_kernel *k, struct tev *self); /* runs after logging */
	void *user;
};

static void tev_cb(struct sim_kernel *k, void *opaque)
{
	struct tev *e = opaque;

	ck_assert_uint_lt(e->log->n, sizeof(e->log->r) / sizeof(e->log->r[0]));
	e->log->r[e->log->n].id = e->id;
	e->log->r[e->log->n].t = sim_now(k);
	e->log->r[e->log->n].delta = sim_kernel_stats(k)->deltas;
	e->log->n++;
	if (e->extra)
		e->extra(k, e);
}

static void tev_init(struct sim_kernel *k, struct tev *e, int id, struct log *log)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->log = log;
	sim_event_init(k, &e->ev, "tev", tev_cb, e);
}

/* ---- equal times run in scheduling order ---- */

enum sched_mode { MODE_DELAY, MODE_AT, MODE_DELTA, N_MODES };

START_TEST(test_same_time_scheduling_order)
{
	enum { N = 100 };
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev *ev = calloc(N, sizeof(*ev));
	int order[N];
	const sim_time_t t = _i == MODE_DELTA ? 0 : SIM_NS(5);

	ck_assert_ptr_nonnull(ev);
	kinit(&k);
	for (int i = 0; i < N; i++)
		tev_init(&k, &ev[i], i, &log);
	/* A scrambled but known order: 37 is coprime with 100. */
	for (int i = 0; i < N; i++) {
		int id = (i * 37 + 11) % N;

		order[i] = id;
		if (_i == MODE_DELAY)
			ck_assert_int_eq(sim_event_schedule(&ev[id].ev, t), SIM_OK);
		else if (_i == MODE_AT)
			ck_assert_int_eq(sim_event_schedule_at(&ev[id].ev, t), SIM_OK);
		else
			ck_assert_int_eq(sim_event_schedule(&ev[id].ev, 0), SIM_OK);
	}
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, N);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(log.r[i].id, order[i]);
		ck_assert_uint_eq(log.r[i].t, t);
		/* All in one evaluate phase. */
		ck_assert_uint_eq(log.r[i].delta, log.r[0].delta);
	}
	ck_assert_uint_eq(sim_kernel_stats(&k)->callbacks_run, N);
	ck_assert_uint_eq(sim_kernel_stats(&k)->events_triggered, N);
	sim_kernel_destroy(&k);
	free(ev);
}
END_TEST

START_TEST(test_reschedule_goes_last)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b, c;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	tev_init(&k, &c, 3, &log);
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(10));
	sim_event_schedule(&c.ev, SIM_NS(10));
	/* Same time again: a new sequence number puts A after B and C. */
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_NS(10)), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.r[0].id, 2);
	ck_assert_int_eq(log.r[1].id, 3);
	ck_assert_int_eq(log.r[2].id, 1);

	/* The same for delta notifications and for schedule_at. */
	log.n = 0;
	sim_event_schedule(&a.ev, 0);
	sim_event_schedule(&b.ev, 0);
	sim_event_schedule(&c.ev, 0);
	ck_assert_int_eq(sim_event_schedule_at(&b.ev, sim_now(&k)), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 3);
	ck_assert_int_eq(log.r[2].id, 2);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_reschedule_moves_time)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b, c;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	tev_init(&k, &c, 3, &log);
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(20));
	sim_event_schedule(&c.ev, 0);
	/* Later, earlier, and from delta to timed: each fires once, at its
	 * new time only. */
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_NS(30)), SIM_OK);
	ck_assert_int_eq(sim_event_schedule_at(&b.ev, SIM_NS(5)), SIM_OK);
	ck_assert_int_eq(sim_event_schedule(&c.ev, SIM_NS(7)), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(30));
	ck_assert_uint_eq(sim_event_when(&b.ev), SIM_NS(5));
	ck_assert_uint_eq(sim_event_when(&c.ev), SIM_NS(7));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.r[0].id, 2);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(5));
	ck_assert_int_eq(log.r[1].id, 3);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(7));
	ck_assert_int_eq(log.r[2].id, 1);
	ck_assert_uint_eq(log.r[2].t, SIM_NS(30));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(30));
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- cancel in every state ---- */

START_TEST(test_cancel_idle)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	ck_assert(!sim_event_cancel(&a.ev));
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 0);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_delta_pending)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	ck_assert_int_eq(sim_event_schedule(&a.ev, 0), SIM_OK);
	ck_assert_int_eq(sim_event_schedule(&b.ev, 0), SIM_OK);
	ck_assert(sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), 0);
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.r[0].id, 2);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancelled_delta_leaves_nothing_to_do)
{
	/* Once the only delta notification is cancelled, nothing is pending:
	 * no activity is due (kernel.h, sim_next_activity_time), a step has
	 * nothing to do (sim_step_delta returns SIM_STOP_FINISHED) and no
	 * delta cycle happens (IEEE 1666-2011 4.2.1: a delta cycle starts only
	 * when a process or a notification is ready). */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	sim_event_schedule(&a.ev, 0);
	ck_assert_uint_eq(sim_next_activity_time(&k), 0);
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_step_delta(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 0);
	ck_assert_uint_eq(log.n, 0);

	/* The same after several moves within the delta list. */
	sim_event_schedule(&a.ev, 0);
	sim_event_schedule(&a.ev, 0);
	sim_event_schedule_at(&a.ev, 0);
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	/* A delta notification moved to a later time is not due now. */
	sim_event_schedule(&a.ev, 0);
	sim_event_schedule(&a.ev, SIM_NS(4));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(4));
	/* And one rescheduled in the delta list still fires once. */
	sim_event_schedule(&a.ev, 0);
	sim_event_schedule(&a.ev, 0);
	ck_assert_uint_eq(sim_next_activity_time(&k), 0);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, 0);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_immediate_over_delta_leaves_nothing_to_do)
{
	/* An immediate notification replaces a pending delta one; for an
	 * event with no callback and no process, nothing is left to do. */
	struct sim_kernel k;
	struct sim_event e;

	kinit(&k);
	sim_event_init(&k, &e, "pure", NULL, NULL);
	ck_assert_int_eq(sim_notify(&e, 0), SIM_OK);
	sim_notify_immediate(&e);
	ck_assert(!sim_event_pending(&e));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_step_delta(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 0);
	sim_event_destroy(&e);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_destroyed_queued_callback_leaves_nothing_to_do)
{
	/* The same for a callback made runnable (by an immediate notification
	 * during elaboration) whose event is then destroyed. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	sim_notify_immediate(&a.ev);
	ck_assert_uint_eq(sim_next_activity_time(&k), 0);
	sim_event_destroy(&a.ev);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_step_delta(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 0);
	ck_assert_uint_eq(log.n, 0);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_timed_pending)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(20));
	ck_assert(sim_event_pending(&b.ev));
	ck_assert_uint_eq(sim_event_when(&b.ev), SIM_NS(20));
	ck_assert(sim_event_cancel(&b.ev));
	ck_assert(!sim_event_pending(&b.ev));
	ck_assert_uint_eq(sim_event_when(&b.ev), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.r[0].id, 1);
	/* Time does not advance to a cancelled notification. */
	ck_assert_uint_eq(sim_now(&k), SIM_NS(10));
	ck_assert_uint_eq(sim_kernel_stats(&k)->time_steps, 1);

	/* Cancelling the only timed notification: time stays where it is. */
	sim_event_schedule(&a.ev, SIM_NS(5));
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(10));
	ck_assert_uint_eq(log.n, 1);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_after_firing)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	sim_event_schedule(&a.ev, SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert(!sim_event_cancel(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_then_reschedule)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(10));
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_NS(10)), SIM_OK);
	/* Cancel, then schedule elsewhere; twice. */
	ck_assert(sim_event_cancel(&b.ev));
	ck_assert_int_eq(sim_event_schedule(&b.ev, SIM_NS(20)), SIM_OK);
	ck_assert(sim_event_cancel(&b.ev));
	ck_assert_int_eq(sim_event_schedule(&b.ev, SIM_NS(15)), SIM_OK);
	ck_assert(sim_event_pending(&b.ev));
	ck_assert_uint_eq(sim_event_when(&b.ev), SIM_NS(15));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(10));
	ck_assert_int_eq(log.r[1].id, 2);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(15));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_twice)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	sim_event_schedule(&a.ev, SIM_NS(3));
	sim_event_schedule(&b.ev, 0);
	ck_assert(sim_event_cancel(&a.ev));
	ck_assert(!sim_event_cancel(&a.ev));
	ck_assert(sim_event_cancel(&b.ev));
	ck_assert(!sim_event_cancel(&b.ev));
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert(!sim_event_pending(&b.ev));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 0);
	sim_kernel_destroy(&k);
}
END_TEST

/* A schedules B for the next delta; X, due at the same time as A but later
 * in sequence, cancels it before it triggers. */
static void extra_schedule_user_delta(struct sim_kernel *k, struct tev *self)
{
	(void)k;
	ck_assert_int_eq(sim_event_schedule(self->user, 0), SIM_OK);
}

static void extra_cancel_user(struct sim_kernel *k, struct tev *self)
{
	(void)k;
	*(int *)((struct tev *)self->user)->user = sim_event_cancel(&((struct tev *)self->user)->ev);
}

START_TEST(test_cancel_from_callback)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b, x, y, z;
	int cancelled = -1, cancelled_z = -1;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	tev_init(&k, &x, 3, &log);
	tev_init(&k, &y, 4, &log);
	tev_init(&k, &z, 5, &log);
	a.extra = extra_schedule_user_delta;
	a.user = &b.ev;
	x.extra = extra_cancel_user;
	x.user = &b;
	b.user = &cancelled;
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&x.ev, SIM_NS(10));
	/* Y at 10 ns cancels Z, which is due at 20 ns. */
	y.extra = extra_cancel_user;
	y.user = &z;
	z.user = &cancelled_z;
	sim_event_schedule(&y.ev, SIM_NS(10));
	sim_event_schedule(&z.ev, SIM_NS(20));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(cancelled, 1);
	ck_assert_int_eq(cancelled_z, 1);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 3);
	ck_assert_int_eq(log.r[2].id, 4);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(10));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_cancel_too_late_same_time)
{
	/* Everything due at one time triggers in the timed notification phase,
	 * before any callback runs (IEEE 1666-2011 4.2.1.5): when A cancels B,
	 * due at the same time, B is no longer pending and still runs. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;
	int cancelled = -1;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	a.extra = extra_cancel_user;
	a.user = &b;
	b.user = &cancelled;
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(cancelled, 0);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 2);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- pending / when ---- */

START_TEST(test_pending_and_when)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	sim_event_schedule(&a.ev, SIM_NS(10));
	ck_assert(sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(50));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(5)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(5));
	/* Still pending, same absolute time. */
	ck_assert(sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(10));
	/* A delay counts from now. */
	sim_event_schedule(&a.ev, SIM_NS(3));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(8));
	/* A delta notification is due now. */
	sim_event_schedule(&a.ev, 0);
	ck_assert(sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(5));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(20)), SIM_STOP_TIME);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(5));
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	ck_assert(sim_event_pending(&b.ev));
	ck_assert_uint_eq(sim_event_when(&b.ev), SIM_NS(50));
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- refused schedules ---- */

START_TEST(test_schedule_at_past)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(10)), SIM_STOP_TIME);
	ck_assert_str_eq(sim_kernel_last_error(&k), "");
	ck_assert_int_eq(sim_event_schedule_at(&a.ev, SIM_NS(5)), SIM_ERR_INVALID);
	ck_assert_uint_gt(strlen(sim_kernel_last_error(&k)), 0);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_int_eq(sim_event_schedule_at(&a.ev, SIM_NS(10) - 1), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_event_schedule_at(&a.ev, 0), SIM_ERR_INVALID);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 0);

	/* Now is allowed: the next delta cycle. */
	ck_assert_int_eq(sim_event_schedule_at(&a.ev, SIM_NS(10)), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(10));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_schedule_overflow)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;
	const sim_time_t now = SIM_NS(1);

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	ck_assert_int_eq(sim_run_until(&k, now), SIM_STOP_TIME);
	ck_assert_str_eq(sim_kernel_last_error(&k), "");
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_TIME_MAX), SIM_ERR_OVERFLOW);
	ck_assert_uint_gt(strlen(sim_kernel_last_error(&k)), 0);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX);
	/* The first delay that passes SIM_TIME_MAX. */
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_TIME_MAX - now + 1), SIM_ERR_OVERFLOW);
	ck_assert(!sim_event_pending(&a.ev));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 0);
	ck_assert_uint_eq(sim_now(&k), now);

	/* Far, but representable. */
	ck_assert_int_eq(sim_event_schedule(&a.ev, SIM_TIME_MAX - now - 1), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&a.ev), SIM_TIME_MAX - 1);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX - 1);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_TIME_MAX - 1);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- a periodic timer ---- */

static void extra_periodic(struct sim_kernel *k, struct tev *self)
{
	(void)k;
	ck_assert_int_eq(sim_event_schedule(&self->ev, SIM_NS(10)), SIM_OK);
}

START_TEST(test_periodic_timer)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev tick;

	kinit(&k);
	tev_init(&k, &tick, 7, &log);
	tick.extra = extra_periodic;
	sim_event_schedule(&tick.ev, SIM_NS(10));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(95)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(95));
	ck_assert_uint_eq(log.n, 9);
	for (size_t i = 0; i < log.n; i++)
		ck_assert_uint_eq(log.r[i].t, SIM_NS(10) * (i + 1));
	ck_assert(sim_event_pending(&tick.ev));
	ck_assert_uint_eq(sim_event_when(&tick.ev), SIM_NS(100));
	/* The end time is inclusive. */
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(100)), SIM_STOP_TIME);
	ck_assert_uint_eq(log.n, 10);
	ck_assert_uint_eq(log.r[9].t, SIM_NS(100));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(100));
	ck_assert_uint_eq(sim_event_when(&tick.ev), SIM_NS(110));
	/* Run to a time between ticks, then on. */
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(1000)), SIM_STOP_TIME);
	ck_assert_uint_eq(log.n, 100);
	ck_assert_uint_eq(sim_kernel_stats(&k)->callbacks_run, 100);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- many events: (time, sequence) order ---- */

struct big_ev {
	struct sim_event ev;
	uint32_t idx;
};

struct big_ctx {
	sim_time_t *when;
	uint64_t *seq;
	uint8_t *live;
	uint32_t *fired;
	uint32_t nfired;
	int bad_time; /* index + 1 of an event that fired at the wrong time */
};

static struct big_ctx *big_ctx;

static void big_cb(struct sim_kernel *k, void *opaque)
{
	struct big_ev *e = opaque;

	if (sim_now(k) != big_ctx->when[e->idx] || !big_ctx->live[e->idx])
		big_ctx->bad_time = (int)e->idx + 1;
	big_ctx->live[e->idx] = 0;
	big_ctx->fired[big_ctx->nfired++] = e->idx;
}

START_TEST(test_many_random_events)
{
	enum { N = 100000, MOVES = 30000 };
	struct sim_kernel k;
	struct sim_rng rng;
	struct big_ev *ev = calloc(N, sizeof(*ev));
	struct big_ctx ctx;
	uint64_t seq = 0;
	uint32_t nlive = N;
	/* Plain counters in the loops: a Check assertion per item would cost
	 * more than the kernel work being tested. */
	unsigned bad = 0;

	ctx.when = calloc(N, sizeof(*ctx.when));
	ctx.seq = calloc(N, sizeof(*ctx.seq));
	ctx.live = calloc(N, sizeof(*ctx.live));
	ctx.fired = calloc(N, sizeof(*ctx.fired));
	ctx.nfired = 0;
	ctx.bad_time = 0;
	ck_assert(ev && ctx.when && ctx.seq && ctx.live && ctx.fired);
	big_ctx = &ctx;
	kinit(&k);
	sim_rng_derive(&rng, 1, "test-many-random-events");
	/* Times in [1 ns, 2 ns]: about 50 events share each picosecond. */
	for (uint32_t i = 0; i < N; i++) {
		ev[i].idx = i;
		sim_event_init(&k, &ev[i].ev, "big", big_cb, &ev[i]);
		ctx.when[i] = sim_rng_range(&rng, SIM_NS(1), SIM_NS(2));
		ctx.seq[i] = seq++;
		ctx.live[i] = 1;
		bad += sim_event_schedule_at(&ev[i].ev, ctx.when[i]) != SIM_OK;
	}
	ck_assert_uint_eq(bad, 0);
	/* Move or cancel some: the moved ones take a new sequence number. */
	for (uint32_t m = 0; m < MOVES; m++) {
		uint32_t i = (uint32_t)sim_rng_below(&rng, N);

		if (sim_rng_below(&rng, 10) == 0) {
			bad += sim_event_cancel(&ev[i].ev) != (ctx.live[i] != 0);
			nlive -= ctx.live[i];
			ctx.live[i] = 0;
		} else {
			ctx.when[i] = sim_rng_range(&rng, SIM_NS(1), SIM_NS(2));
			ctx.seq[i] = seq++;
			nlive += !ctx.live[i];
			ctx.live[i] = 1;
			bad += sim_event_schedule(&ev[i].ev, ctx.when[i]) != SIM_OK;
		}
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(ctx.bad_time, 0);
	ck_assert_uint_eq(ctx.nfired, nlive);
	/* Strictly increasing (time, sequence): so each live event fired once,
	 * in exactly the order of the sorted keys. */
	for (uint32_t j = 1; j < ctx.nfired; j++) {
		uint32_t a = ctx.fired[j - 1], b = ctx.fired[j];

		if (ctx.when[a] > ctx.when[b] || (ctx.when[a] == ctx.when[b] && ctx.seq[a] >= ctx.seq[b])) {
			ck_abort_msg("out of order at %u: event %u (t %" PRIu64 ", seq %" PRIu64
				     ") before event %u (t %" PRIu64 ", seq %" PRIu64 ")",
				     j, a, ctx.when[a], ctx.seq[a], b, ctx.when[b], ctx.seq[b]);
		}
	}
	for (uint32_t i = 0; i < N; i++)
		bad += ctx.live[i] != 0;
	ck_assert_uint_eq(bad, 0);
	sim_kernel_destroy(&k);
	free(ev);
	free(ctx.when);
	free(ctx.seq);
	free(ctx.live);
	free(ctx.fired);
}
END_TEST

/* ---- destroy ---- */

START_TEST(test_destroy_pending)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a;
	struct tev *b = malloc(sizeof(*b)), *c = malloc(sizeof(*c));

	ck_assert(b && c);
	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, b, 2, &log);
	tev_init(&k, c, 3, &log);
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b->ev, SIM_NS(10));
	sim_event_schedule(&c->ev, 0);
	sim_event_destroy(&b->ev);
	sim_event_destroy(&c->ev);
	/* The memory goes away: the kernel must not touch it again. */
	free(b);
	free(c);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.r[0].id, 1);
	/* The queue still works afterwards. */
	sim_event_schedule(&a.ev, SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(11));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_destroy_with_stale_entries)
{
	enum { NOTHERS = 64 };
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev others[NOTHERS];
	struct sim_rng rng;

	kinit(&k);
	sim_rng_seed(&rng, 4);
	for (int i = 0; i < NOTHERS; i++) {
		tev_init(&k, &others[i], i, &log);
		sim_event_schedule(&others[i].ev, SIM_NS(100) + (sim_time_t)i);
	}
	/* Several events leave many stale entries in the timed queue and the
	 * delta list, then are destroyed and freed while some of them are
	 * still pending. */
	for (int round = 0; round < 8; round++) {
		struct tev *x = malloc(sizeof(*x));

		ck_assert_ptr_nonnull(x);
		tev_init(&k, x, 1000 + round, &log);
		for (int i = 0; i < 1000; i++) {
			switch (sim_rng_below(&rng, 4)) {
			case 0:
				sim_event_cancel(&x->ev);
				break;
			case 1:
				sim_event_schedule(&x->ev, 0);
				break;
			default:
				sim_event_schedule(&x->ev, sim_rng_range(&rng, 1, SIM_NS(200)));
				break;
			}
		}
		if (round & 1)
			sim_event_cancel(&x->ev);
		sim_event_destroy(&x->ev);
		ck_assert(!sim_event_pending(&x->ev));
		memset(x, 0xEE, sizeof(*x));
		free(x);
		/* More traffic after each destroy, to make the queue grow,
		 * compact and sift over whatever the destroy left. */
		for (int i = 0; i < NOTHERS; i += 3)
			sim_event_schedule(&others[i].ev, SIM_NS(100) + (sim_time_t)i);
	}
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, NOTHERS);
	for (int i = 0; i < NOTHERS; i++) {
		ck_assert_int_eq(log.r[i].id, i);
		ck_assert_uint_eq(log.r[i].t, SIM_NS(100) + (sim_time_t)i);
	}
	sim_kernel_destroy(&k);
}
END_TEST

static void extra_destroy_user(struct sim_kernel *k, struct tev *self)
{
	struct tev *victim = self->user;

	(void)k;
	sim_event_destroy(&victim->ev);
	free(victim);
}

START_TEST(test_destroy_queued_callback)
{
	/* A and B trigger together at 10 ns; A's callback destroys B and frees
	 * it before B's callback has run. B's callback must not run. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, c;
	struct tev *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(b);
	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, b, 2, &log);
	tev_init(&k, &c, 3, &log);
	a.extra = extra_destroy_user;
	a.user = b;
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&b->ev, SIM_NS(10));
	sim_event_schedule(&c.ev, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 3);
	sim_kernel_destroy(&k);
}
END_TEST

static void extra_destroy_self(struct sim_kernel *k, struct tev *self)
{
	(void)k;
	sim_event_destroy(&self->ev);
	free(self);
}

START_TEST(test_destroy_from_own_callback)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev *a = malloc(sizeof(*a));
	struct tev b;

	ck_assert_ptr_nonnull(a);
	kinit(&k);
	tev_init(&k, a, 1, &log);
	tev_init(&k, &b, 2, &log);
	a->extra = extra_destroy_self;
	sim_event_schedule(&a->ev, SIM_NS(1));
	sim_event_schedule(&b.ev, SIM_NS(2));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 2);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- delta and timed at the same time ---- */

START_TEST(test_delta_after_timed_at_same_time)
{
	/* At 10 ns, A (timed) schedules B for the next delta; C is also timed
	 * at 10 ns. A and C run in the same evaluate phase, B one delta later,
	 * all at 10 ns. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b, c;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	tev_init(&k, &c, 3, &log);
	a.extra = extra_schedule_user_delta;
	a.user = &b.ev;
	sim_event_schedule(&a.ev, SIM_NS(10));
	sim_event_schedule(&c.ev, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 3);
	ck_assert_int_eq(log.r[2].id, 2);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(log.r[i].t, SIM_NS(10));
	ck_assert_uint_eq(log.r[1].delta, log.r[0].delta);
	ck_assert_uint_eq(log.r[2].delta, log.r[0].delta + 1);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- callbacks run outside any process ---- */

static struct sim_proc *seen_proc;
static int seen_calls;

static void cb_check_context(struct sim_kernel *k, void *opaque)
{
	(void)opaque;
	seen_proc = sim_current_proc(k);
	seen_calls++;
}

START_TEST(test_callback_context)
{
	struct sim_kernel k;
	struct sim_event e;

	kinit(&k);
	sim_event_init(&k, &e, NULL, cb_check_context, NULL);
	seen_proc = (struct sim_proc *)&e; /* anything but NULL */
	sim_event_schedule(&e, SIM_PS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(seen_calls, 1);
	ck_assert_ptr_null(seen_proc);
	/* A pure notification event (no callback) can be scheduled too. */
	{
		struct sim_event pure;

		sim_event_init(&k, &pure, "pure", NULL, NULL);
		ck_assert_int_eq(sim_event_schedule(&pure, SIM_NS(1)), SIM_OK);
		ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
		ck_assert_uint_eq(sim_now(&k), SIM_NS(1) + 1);
		ck_assert_uint_eq(sim_kernel_stats(&k)->callbacks_run, 1);
		ck_assert_uint_eq(sim_kernel_stats(&k)->events_triggered, 2);
		sim_event_destroy(&pure);
	}
	sim_event_destroy(&e);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- sim_next_activity_time ---- */

static void nop_method(void *opaque)
{
	(void)opaque;
}

START_TEST(test_event_due_alone)
{
	/* kernel.h, sim_event_due_alone(): a delta notification that is the
	 * only thing due now; not with another delta notification, a timed
	 * one at this time, a runnable process or callback; never for a timed
	 * or no notification. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;
	struct sim_proc m;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	ck_assert(!sim_event_due_alone(NULL));
	ck_assert(!sim_event_due_alone(&a.ev));
	sim_event_schedule(&a.ev, SIM_NS(1));
	ck_assert(!sim_event_due_alone(&a.ev)); /* timed */
	sim_event_schedule(&a.ev, 0);
	ck_assert(sim_event_due_alone(&a.ev));
	sim_event_schedule(&b.ev, SIM_NS(2));
	ck_assert(sim_event_due_alone(&a.ev)); /* a later timed one is not due now */
	sim_event_schedule(&b.ev, 0);
	ck_assert(!sim_event_due_alone(&a.ev));
	ck_assert(!sim_event_due_alone(&b.ev));
	sim_event_cancel(&b.ev);
	ck_assert(sim_event_due_alone(&a.ev));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	/* After a run to a time, with a timed notification later. */
	sim_event_schedule_at(&b.ev, SIM_NS(9));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(6)), SIM_STOP_TIME);
	sim_event_schedule(&a.ev, 0);
	ck_assert(sim_event_due_alone(&a.ev));
	sim_event_cancel(&b.ev);
	/* A runnable process is due now too. */
	ck_assert_int_eq(sim_method_init(&k, &m, "m", nop_method, NULL, 0), SIM_OK);
	ck_assert(!sim_event_due_alone(&a.ev));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_next_activity_time)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b, c;
	struct sim_proc m;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	tev_init(&k, &c, 3, &log);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	sim_event_schedule(&a.ev, SIM_NS(10));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	sim_event_schedule(&b.ev, SIM_NS(3));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(3));
	sim_event_cancel(&b.ev);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	sim_event_schedule(&c.ev, 0);
	ck_assert_uint_eq(sim_next_activity_time(&k), 0);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(5)), SIM_STOP_TIME);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	/* A runnable process is activity now. */
	ck_assert_int_eq(sim_method_init(&k, &m, "m", nop_method, NULL, 0), SIM_OK);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(5));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(6)), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	/* So is a callback made runnable by an immediate notification. */
	sim_notify_immediate(&b.ev);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(6));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(7)), SIM_STOP_TIME);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[1].id, 2);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_NS(10));
	/* Nothing left once the last timed notification is cancelled. */
	sim_event_cancel(&a.ev);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(7));
	sim_kernel_destroy(&k);
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("sim:events");
	TCase *order = tcase_create("order");
	TCase *cancel = tcase_create("cancel");
	TCase *misc = tcase_create("schedule");
	TCase *destroy = tcase_create("destroy");
	TCase *many = tcase_create("many");

	tcase_add_loop_test(order, test_same_time_scheduling_order, 0, N_MODES);
	tcase_add_test(order, test_reschedule_goes_last);
	tcase_add_test(order, test_reschedule_moves_time);
	tcase_add_test(order, test_delta_after_timed_at_same_time);
	suite_add_tcase(s, order);

	tcase_add_test(cancel, test_cancel_idle);
	tcase_add_test(cancel, test_cancel_delta_pending);
	tcase_add_test(cancel, test_cancelled_delta_leaves_nothing_to_do);
	tcase_add_test(cancel, test_destroyed_queued_callback_leaves_nothing_to_do);
	tcase_add_test(cancel, test_immediate_over_delta_leaves_nothing_to_do);
	tcase_add_test(cancel, test_cancel_timed_pending);
	tcase_add_test(cancel, test_cancel_after_firing);
	tcase_add_test(cancel, test_cancel_then_reschedule);
	tcase_add_test(cancel, test_cancel_twice);
	tcase_add_test(cancel, test_cancel_from_callback);
	tcase_add_test(cancel, test_cancel_too_late_same_time);
	suite_add_tcase(s, cancel);

	tcase_add_test(misc, test_pending_and_when);
	tcase_add_test(misc, test_schedule_at_past);
	tcase_add_test(misc, test_schedule_overflow);
	tcase_add_test(misc, test_periodic_timer);
	tcase_add_test(misc, test_callback_context);
	tcase_add_test(misc, test_next_activity_time);
	tcase_add_test(misc, test_event_due_alone);
	suite_add_tcase(s, misc);

	tcase_add_test(destroy, test_destroy_pending);
	tcase_add_test(destroy, test_destroy_with_stale_entries);
	tcase_add_test(destroy, test_destroy_queued_callback);
	tcase_add_test(destroy, test_destroy_from_own_callback);
	suite_add_tcase(s, destroy);

	tcase_add_test(many, test_many_random_events);
	suite_add_tcase(s, many);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(events_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
