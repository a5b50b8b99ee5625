/*
 * tests/sim/test-notify.c - Check tests of IEEE 1666 event notification and
 * method sensitivity in the kernel (sim/kernel.h).
 *
 * The rules of IEEE 1666-2011 5.10.8 for sim_notify() and
 * sim_notify_immediate(): one pending notification per event, the earlier
 * one survives (timed 10 then 5 fires at 5; 5 then 10 fires at 5; a delta
 * notification beats any timed one; a timed one after a delta one is
 * ignored; an equal time keeps the existing sequence), overflow changes
 * nothing; an immediate notification cancels pending delta and timed ones
 * and makes sensitive processes runnable in the same evaluate phase (seen
 * through the delta counter of sim_kernel_stats()), including processes
 * that already ran in that phase but never the running process itself.
 * Also: static sensitivity of methods, SIM_PROC_DONT_INITIALIZE, and
 * next_trigger (sim_next_trigger_event/time/any) overriding the static
 * sensitivity for one activation (IEEE 1666-2011 5.2.16), with its errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim-test.h"

#include "sim/kernel.h"

/* ---- helpers ---- */


/* One activation: who, when, in which delta cycle. */
struct rec {
	int id;
	sim_time_t t;
	uint64_t delta;
};

struct log {
	struct rec r[256];
	size_t n;
};

static void log_add(struct log *log, struct sim_kernel *k, int id)
{
	ck_assert_uint_lt(log->n, sizeof(log->r) / sizeof(log->r[0]));
	log->r[log->n].id = id;
	log->r[log->n].t = sim_now(k);
	log->r[log->n].delta = sim_kernel_stats(k)->deltas;
	log->n++;
}

/* Assert that entry @i of @log is (@id, @t, @delta). */
#define CHECK_REC(log, i, id_, t_, delta_)                        \
	do {                                                      \
		ck_assert_uint_gt((log).n, (size_t)(i));          \
		ck_assert_int_eq((log).r[(i)].id, (id_));         \
		ck_assert_uint_eq((log).r[(i)].t, (t_));          \
		ck_assert_uint_eq((log).r[(i)].delta, (delta_));  \
	} while (0)

/* An event whose callback logs. */
struct tev {
	struct sim_event ev;
	int id;
	struct log *log;
};

static void tev_cb(struct sim_kernel *k, void *opaque)
{
	struct tev *e = opaque;

	log_add(e->log, k, e->id);
}

static void tev_init(struct sim_kernel *k, struct tev *e, int id, struct log *log)
{
	e->id = id;
	e->log = log;
	sim_event_init(k, &e->ev, "tev", tev_cb, e);
}

/* A method that logs each activation, then runs an optional body. */
struct tproc {
	struct sim_proc p;
	struct sim_kernel *k;
	int id;
	int runs;
	struct log *log;
	void (*body)(struct tproc *self);
	struct sim_event *ev[3];
	int rc[4]; /* return codes seen by bodies */
};

static void tproc_fn(void *opaque)
{
	struct tproc *m = opaque;

	m->runs++;
	log_add(m->log, m->k, m->id);
	if (m->body)
		m->body(m);
}

static void tproc_init(struct sim_kernel *k, struct tproc *m, int id, struct log *log,
		       void (*body)(struct tproc *), unsigned flags)
{
	memset(m, 0, sizeof(*m));
	m->k = k;
	m->id = id;
	m->log = log;
	m->body = body;
	ck_assert_int_eq(sim_method_init(k, &m->p, "tproc", tproc_fn, m, flags), SIM_OK);
}

/* A script: at given times, delta-notify given events (from a callback). */
struct step {
	sim_time_t t;
	struct sim_event *ev;
};

struct script {
	struct sim_event tick;
	const struct step *steps;
	size_t n, i;
};

static void script_cb(struct sim_kernel *k, void *opaque)
{
	struct script *s = opaque;

	while (s->i < s->n && s->steps[s->i].t == sim_now(k)) {
		ck_assert_int_eq(sim_notify(s->steps[s->i].ev, 0), SIM_OK);
		s->i++;
	}
	if (s->i < s->n)
		ck_assert_int_eq(sim_event_schedule_at(&s->tick, s->steps[s->i].t), SIM_OK);
}

static void script_start(struct sim_kernel *k, struct script *s, const struct step *steps, size_t n)
{
	s->steps = steps;
	s->n = n;
	s->i = 0;
	sim_event_init(k, &s->tick, "script", script_cb, s);
	ck_assert_int_eq(sim_event_schedule_at(&s->tick, steps[0].t), SIM_OK);
}

/* ---- 5.10.8: the earlier notification survives ---- */

START_TEST(test_timed_10_then_5)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e;

	kinit(&k);
	tev_init(&k, &e, 1, &log);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(10)), SIM_OK);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(5)), SIM_OK);
	ck_assert(sim_event_pending(&e.ev));
	ck_assert_uint_eq(sim_event_when(&e.ev), SIM_NS(5));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(5));
	/* The 10 ns notification is gone: time ends at 5 ns. */
	ck_assert_uint_eq(sim_now(&k), SIM_NS(5));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_timed_5_then_10)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e;

	kinit(&k);
	tev_init(&k, &e, 1, &log);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(5)), SIM_OK);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(10)), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&e.ev), SIM_NS(5));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(5));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(5));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_equal_time_keeps_sequence)
{
	/* Unlike sim_event_schedule(), notifying again at the same time keeps
	 * the existing notification and its place among equal times. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev a, b;

	kinit(&k);
	tev_init(&k, &a, 1, &log);
	tev_init(&k, &b, 2, &log);
	sim_notify(&a.ev, SIM_NS(10));
	sim_notify(&b.ev, SIM_NS(10));
	ck_assert_int_eq(sim_notify(&a.ev, SIM_NS(10)), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 2);

	/* The same with delta notifications. */
	log.n = 0;
	sim_notify(&a.ev, 0);
	sim_notify(&b.ev, 0);
	ck_assert_int_eq(sim_notify(&a.ev, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_int_eq(log.r[1].id, 2);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_delta_beats_timed)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e;

	kinit(&k);
	tev_init(&k, &e, 1, &log);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(1)), SIM_STOP_TIME);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(10)), SIM_OK);
	ck_assert_int_eq(sim_notify(&e.ev, 0), SIM_OK);
	ck_assert(sim_event_pending(&e.ev));
	ck_assert_uint_eq(sim_event_when(&e.ev), SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(1));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(1));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_timed_after_delta_ignored)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e;

	kinit(&k);
	tev_init(&k, &e, 1, &log);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(1)), SIM_STOP_TIME);
	ck_assert_int_eq(sim_notify(&e.ev, 0), SIM_OK);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(10)), SIM_OK);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_PS(1)), SIM_OK);
	ck_assert_uint_eq(sim_event_when(&e.ev), SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(1));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(1));
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_notify_overflow_changes_nothing)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e, f;

	kinit(&k);
	tev_init(&k, &e, 1, &log);
	tev_init(&k, &f, 2, &log);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(1)), SIM_STOP_TIME);
	ck_assert_int_eq(sim_notify(&e.ev, SIM_NS(10)), SIM_OK);
	ck_assert_str_eq(sim_kernel_last_error(&k), "");
	ck_assert_int_eq(sim_notify(&e.ev, SIM_TIME_MAX), SIM_ERR_OVERFLOW);
	ck_assert_uint_gt(strlen(sim_kernel_last_error(&k)), 0);
	ck_assert(sim_event_pending(&e.ev));
	ck_assert_uint_eq(sim_event_when(&e.ev), SIM_NS(11));
	ck_assert_int_eq(sim_notify(&f.ev, SIM_TIME_MAX - SIM_NS(1) + 1), SIM_ERR_OVERFLOW);
	ck_assert(!sim_event_pending(&f.ev));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_int_eq(log.r[0].id, 1);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(11));
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- immediate notification ---- */

/* Driver bodies: make a notification pending on ev[0], then notify it
 * immediately; rc[0] records the delta count seen by the driver. */
static void body_delta_then_immediate(struct tproc *m)
{
	m->rc[0] = (int)sim_kernel_stats(m->k)->deltas;
	ck_assert_int_eq(sim_notify(m->ev[0], 0), SIM_OK);
	ck_assert(sim_event_pending(m->ev[0]));
	sim_notify_immediate(m->ev[0]);
	ck_assert(!sim_event_pending(m->ev[0]));
}

static void body_timed_then_immediate(struct tproc *m)
{
	ck_assert_int_eq(sim_notify(m->ev[0], SIM_NS(10)), SIM_OK);
	sim_notify_immediate(m->ev[0]);
	ck_assert(!sim_event_pending(m->ev[0]));
	ck_assert_uint_eq(sim_event_when(m->ev[0]), SIM_TIME_MAX);
}

START_TEST(test_immediate_cancels_delta)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc drv, obs;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tproc_init(&k, &drv, 1, &log, body_delta_then_immediate, 0);
	drv.ev[0] = &e;
	tproc_init(&k, &obs, 2, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	ck_assert_int_eq(sim_sensitive(&obs.p, &e), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	/* The observer ran in the driver's evaluate phase (same delta count),
	 * and only once: the delta notification was cancelled. */
	ck_assert_uint_eq(log.n, 2);
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 2, 0, 0);
	ck_assert_int_eq(obs.runs, 1);
	/* One delta cycle only: nothing was left for a second one. */
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 1);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_immediate_cancels_timed)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc drv, obs;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tproc_init(&k, &drv, 1, &log, body_timed_then_immediate, 0);
	drv.ev[0] = &e;
	tproc_init(&k, &obs, 2, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	ck_assert_int_eq(sim_sensitive(&obs.p, &e), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 2, 0, 0);
	/* Nothing at 10 ns: time never advanced. */
	ck_assert_uint_eq(sim_now(&k), 0);
	ck_assert_uint_eq(sim_kernel_stats(&k)->time_steps, 0);
	sim_kernel_destroy(&k);
}
END_TEST

static void body_immediate_ev0(struct tproc *m)
{
	sim_notify_immediate(m->ev[0]);
}

START_TEST(test_immediate_runs_callback_same_phase)
{
	/* A callback event notified immediately runs in the same evaluate
	 * phase, after the notifying process. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev cb;
	struct tproc drv;

	kinit(&k);
	tev_init(&k, &cb, 9, &log);
	tproc_init(&k, &drv, 1, &log, body_immediate_ev0, 0);
	drv.ev[0] = &cb.ev;
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 9, 0, 0);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 1);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_immediate_reruns_process_that_already_ran)
{
	/* P2 runs first (created first), then P1 notifies e immediately: P2,
	 * which is sensitive to e and waiting again, runs a second time in the
	 * same evaluate phase. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc p2, p1;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tproc_init(&k, &p2, 2, &log, NULL, 0);
	ck_assert_int_eq(sim_sensitive(&p2.p, &e), SIM_OK);
	tproc_init(&k, &p1, 1, &log, body_immediate_ev0, 0);
	p1.ev[0] = &e;
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 3);
	CHECK_REC(log, 0, 2, 0, 0);
	CHECK_REC(log, 1, 1, 0, 0);
	CHECK_REC(log, 2, 2, 0, 0);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 1);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_immediate_during_elaboration)
{
	/* Called before the run: the sensitive process and the callback run
	 * in the first evaluate phase. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tev cb;
	struct tproc obs;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tev_init(&k, &cb, 9, &log);
	tproc_init(&k, &obs, 2, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	ck_assert_int_eq(sim_sensitive(&obs.p, &e), SIM_OK);
	sim_notify(&e, SIM_NS(3));
	sim_notify_immediate(&e);
	ck_assert(!sim_event_pending(&e));
	sim_notify_immediate(&cb.ev);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	CHECK_REC(log, 0, 2, 0, 0);
	CHECK_REC(log, 1, 9, 0, 0);
	ck_assert_int_eq(obs.runs, 1);
	ck_assert_uint_eq(sim_now(&k), 0);
	sim_kernel_destroy(&k);
}
END_TEST

static void body_self_immediate_once(struct tproc *m)
{
	if (m->runs == 1)
		sim_notify_immediate(m->ev[0]);
}

static void body_self_delta_once(struct tproc *m)
{
	if (m->runs == 1)
		ck_assert_int_eq(sim_notify(m->ev[0], 0), SIM_OK);
}

START_TEST(test_self_immediate_not_rerun)
{
	/* A running process is not made runnable by its own immediate
	 * notification; a delta notification of its own does re-run it. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2;
	struct tproc imm, del;

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	tproc_init(&k, &imm, 1, &log, body_self_immediate_once, 0);
	imm.ev[0] = &e1;
	ck_assert_int_eq(sim_sensitive(&imm.p, &e1), SIM_OK);
	tproc_init(&k, &del, 2, &log, body_self_delta_once, 0);
	del.ev[0] = &e2;
	ck_assert_int_eq(sim_sensitive(&del.p, &e2), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(imm.runs, 1);
	ck_assert_int_eq(del.runs, 2);
	ck_assert_uint_eq(log.n, 3);
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 2, 0, 0);
	CHECK_REC(log, 2, 2, 0, 1);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- static sensitivity and initialisation ---- */

START_TEST(test_static_sensitivity)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2;
	struct tproc m;
	struct script sc;
	const struct step steps[] = {
		{ SIM_NS(5), &e1 },
		{ SIM_NS(7), &e2 },
		{ SIM_NS(9), &e1 },
		/* Both in the same delta: one activation. */
		{ SIM_NS(20), &e1 },
		{ SIM_NS(20), &e2 },
	};

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	tproc_init(&k, &m, 1, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	ck_assert_int_eq(sim_sensitive(&m.p, &e1), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m.p, &e2), SIM_OK);
	/* A duplicate is ignored (still one activation per trigger). */
	ck_assert_int_eq(sim_sensitive(&m.p, &e1), SIM_OK);
	script_start(&k, &sc, steps, sizeof(steps) / sizeof(steps[0]));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.runs, 4);
	ck_assert_uint_eq(log.r[0].t, SIM_NS(5));
	ck_assert_uint_eq(log.r[1].t, SIM_NS(7));
	ck_assert_uint_eq(log.r[2].t, SIM_NS(9));
	ck_assert_uint_eq(log.r[3].t, SIM_NS(20));
	ck_assert_uint_eq(sim_kernel_stats(&k)->methods_run, 4);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_many_processes_on_one_event)
{
	/* Several processes statically sensitive to one event all run, once
	 * each, whenever it triggers. */
	enum { N = 6 };
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc m[N];

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	for (int i = 0; i < N; i++) {
		tproc_init(&k, &m[i], i, &log, NULL, SIM_PROC_DONT_INITIALIZE);
		ck_assert_int_eq(sim_sensitive(&m[i].p, &e), SIM_OK);
	}
	sim_notify(&e, SIM_NS(5));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	sim_notify(&e, SIM_NS(5));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(m[i].runs, 2);
	ck_assert_uint_eq(log.n, 2 * N);
	/* The owner releases the event (and with it its sensitivity list). */
	sim_event_destroy(&e);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_one_process_on_many_events)
{
	/* One process statically sensitive to several events runs for each of
	 * them, and the events themselves keep working (notification times
	 * and order intact). */
	enum { N = 5 };
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tev e[N];
	struct tproc m;

	kinit(&k);
	for (int i = 0; i < N; i++)
		tev_init(&k, &e[i], 100 + i, &log);
	tproc_init(&k, &m, 1, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(sim_sensitive(&m.p, &e[i].ev), SIM_OK);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(sim_notify(&e[i].ev, SIM_NS(10) * (sim_time_t)(N - i)), SIM_OK);
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(sim_event_when(&e[i].ev), SIM_NS(10) * (sim_time_t)(N - i));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.runs, N);
	ck_assert_uint_eq(log.n, 2 * N);
	for (int i = 0; i < N; i++) {
		/* At each time: the event's callback, then the process (the
		 * callback became runnable first). */
		CHECK_REC(log, 2 * (size_t)i, 100 + N - 1 - i, SIM_NS(10) * (sim_time_t)(i + 1), (uint64_t)i);
		CHECK_REC(log, 2 * (size_t)i + 1, 1, SIM_NS(10) * (sim_time_t)(i + 1), (uint64_t)i);
	}
	for (int i = 0; i < N; i++)
		sim_event_destroy(&e[i].ev);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_runnable_order_follows_trigger_order)
{
	/* Processes run in the order they became runnable: e2 is notified for
	 * 5 ns before e1, so P2 runs before P1 although created after it. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2;
	struct tproc p1, p2;

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	tproc_init(&k, &p1, 1, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	tproc_init(&k, &p2, 2, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&p1.p, &e1);
	sim_sensitive(&p2.p, &e2);
	sim_notify(&e2, SIM_NS(5));
	sim_notify(&e1, SIM_NS(5));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(log.n, 2);
	CHECK_REC(log, 0, 2, SIM_NS(5), 0);
	CHECK_REC(log, 1, 1, SIM_NS(5), 0);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_dont_initialize)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc m1, m2, m3, m4;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tproc_init(&k, &m1, 1, &log, NULL, 0);
	tproc_init(&k, &m2, 2, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	tproc_init(&k, &m3, 3, &log, NULL, 0);
	tproc_init(&k, &m4, 4, &log, NULL, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m3.p, &e);
	sim_sensitive(&m4.p, &e);
	sim_notify(&e, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	/* Initialised methods run once at the start, in creation order;
	 * the others wait for their sensitivity. */
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 3, 0, 0);
	ck_assert_int_eq(m1.runs, 1);
	ck_assert_int_eq(m2.runs, 0);
	ck_assert_int_eq(m3.runs, 2);
	ck_assert_int_eq(m4.runs, 1);
	ck_assert_uint_eq(log.n, 4);
	ck_assert_uint_eq(log.r[2].t, SIM_NS(10));
	ck_assert_uint_eq(log.r[3].t, SIM_NS(10));
	ck_assert_uint_eq(sim_kernel_stats(&k)->methods_run, 4);
	ck_assert_int_eq(sim_proc_state(&m1.p), SIM_PROC_WAITING);
	ck_assert_int_eq(sim_proc_state(&m2.p), SIM_PROC_WAITING);
	sim_event_destroy(&e);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- next_trigger ---- */

static void body_nt_event_first(struct tproc *m)
{
	if (m->runs == 1)
		m->rc[0] = sim_next_trigger_event(m->k, m->ev[0]);
}

START_TEST(test_next_trigger_event)
{
	/* Static: e1. The first activation asks for e2: e1 at 1 ns is ignored,
	 * e2 at 2 ns runs it; then static sensitivity is back: e1 at 3 ns runs
	 * it, e2 at 4 ns does not. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2;
	struct tproc m;
	struct script sc;
	const struct step steps[] = {
		{ SIM_NS(1), &e1 },
		{ SIM_NS(2), &e2 },
		{ SIM_NS(3), &e1 },
		{ SIM_NS(4), &e2 },
	};

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	tproc_init(&k, &m, 1, &log, body_nt_event_first, 0);
	m.ev[0] = &e2;
	sim_sensitive(&m.p, &e1);
	script_start(&k, &sc, steps, sizeof(steps) / sizeof(steps[0]));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.rc[0], SIM_OK);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_uint_eq(log.r[0].t, 0);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(2));
	ck_assert_uint_eq(log.r[2].t, SIM_NS(3));
	ck_assert_uint_eq(sim_now(&k), SIM_NS(4));
	sim_kernel_destroy(&k);
}
END_TEST

static void body_nt_time_first(struct tproc *m)
{
	if (m->runs == 1)
		m->rc[0] = sim_next_trigger_time(m->k, SIM_NS(5));
}

START_TEST(test_next_trigger_time)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1;
	struct tproc m;
	struct script sc;
	const struct step steps[] = {
		{ SIM_NS(1), &e1 },
		{ SIM_NS(7), &e1 },
	};

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	tproc_init(&k, &m, 1, &log, body_nt_time_first, 0);
	sim_sensitive(&m.p, &e1);
	script_start(&k, &sc, steps, sizeof(steps) / sizeof(steps[0]));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.rc[0], SIM_OK);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_uint_eq(log.r[0].t, 0);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(5));
	ck_assert_uint_eq(log.r[2].t, SIM_NS(7));
	sim_kernel_destroy(&k);
}
END_TEST

static void body_nt_any_first(struct tproc *m)
{
	if (m->runs == 1) {
		struct sim_event *const evs[2] = { m->ev[0], m->ev[1] };

		m->rc[0] = sim_next_trigger_any(m->k, evs, 2);
	}
}

START_TEST(test_next_trigger_any)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2, e3;
	struct tproc m;
	struct script sc;
	const struct step steps[] = {
		{ SIM_NS(1), &e1 }, /* static, overridden: ignored */
		{ SIM_NS(2), &e3 }, /* one of the pair: runs */
		{ SIM_NS(3), &e2 }, /* pair no longer armed: ignored */
		{ SIM_NS(4), &e1 }, /* static again: runs */
	};

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	sim_event_init(&k, &e3, "e3", NULL, NULL);
	tproc_init(&k, &m, 1, &log, body_nt_any_first, 0);
	m.ev[0] = &e2;
	m.ev[1] = &e3;
	sim_sensitive(&m.p, &e1);
	script_start(&k, &sc, steps, sizeof(steps) / sizeof(steps[0]));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.rc[0], SIM_OK);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_uint_eq(log.r[0].t, 0);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(2));
	ck_assert_uint_eq(log.r[2].t, SIM_NS(4));
	sim_kernel_destroy(&k);
}
END_TEST

static void body_nt_last_call_wins(struct tproc *m)
{
	if (m->runs == 1) {
		m->rc[0] = sim_next_trigger_event(m->k, m->ev[0]);
		m->rc[1] = sim_next_trigger_time(m->k, SIM_NS(5));
	}
}

START_TEST(test_next_trigger_last_call_wins)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e1, e2;
	struct tproc m;
	struct script sc;
	const struct step steps[] = {
		{ SIM_NS(2), &e2 },
		{ SIM_NS(6), &e1 },
	};

	kinit(&k);
	sim_event_init(&k, &e1, "e1", NULL, NULL);
	sim_event_init(&k, &e2, "e2", NULL, NULL);
	tproc_init(&k, &m, 1, &log, body_nt_last_call_wins, 0);
	m.ev[0] = &e2;
	sim_sensitive(&m.p, &e1);
	script_start(&k, &sc, steps, sizeof(steps) / sizeof(steps[0]));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.rc[0], SIM_OK);
	ck_assert_int_eq(m.rc[1], SIM_OK);
	ck_assert_uint_eq(log.n, 3);
	ck_assert_uint_eq(log.r[0].t, 0);
	ck_assert_uint_eq(log.r[1].t, SIM_NS(5));
	ck_assert_uint_eq(log.r[2].t, SIM_NS(6));
	sim_kernel_destroy(&k);
}
END_TEST

static void body_nt_zero_twice(struct tproc *m)
{
	if (m->runs < 3)
		m->rc[m->runs] = sim_next_trigger_time(m->k, 0);
}

START_TEST(test_next_trigger_time_zero)
{
	/* next_trigger(SC_ZERO_TIME): the next delta cycle. With no static
	 * sensitivity, the method stops once it sets no next trigger. */
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct tproc m;

	kinit(&k);
	tproc_init(&k, &m, 1, &log, body_nt_zero_twice, 0);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.rc[1], SIM_OK);
	ck_assert_int_eq(m.rc[2], SIM_OK);
	ck_assert_int_eq(m.runs, 3);
	CHECK_REC(log, 0, 1, 0, 0);
	CHECK_REC(log, 1, 1, 0, 1);
	CHECK_REC(log, 2, 1, 0, 2);
	ck_assert_uint_eq(sim_now(&k), 0);
	sim_kernel_destroy(&k);
}
END_TEST

static void body_nt_bad_args(struct tproc *m)
{
	struct sim_event *const evs[1] = { m->ev[0] };

	m->rc[0] = sim_next_trigger_any(m->k, evs, 0);
	m->rc[1] = sim_next_trigger_time(m->k, SIM_TIME_MAX);
}

START_TEST(test_next_trigger_bad_args)
{
	struct sim_kernel k;
	struct log log = { .n = 0 };
	struct sim_event e;
	struct tproc m;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	tproc_init(&k, &m, 1, &log, body_nt_bad_args, SIM_PROC_DONT_INITIALIZE);
	m.ev[0] = &e;
	sim_sensitive(&m.p, &e);
	/* Run at 1 ns, where now + SIM_TIME_MAX overflows. */
	sim_notify(&e, SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(m.runs, 1);
	ck_assert_int_eq(m.rc[0], SIM_ERR_INVALID);
	ck_assert_int_eq(m.rc[1], SIM_ERR_OVERFLOW);
	sim_kernel_destroy(&k);
}
END_TEST

/* next_trigger from places other than a running method. */
struct outside {
	struct sim_kernel *k;
	struct sim_event *ev;
	int rc[3];
	int called;
};

static void try_next_trigger(struct outside *o)
{
	struct sim_event *const evs[1] = { o->ev };

	o->rc[0] = sim_next_trigger_event(o->k, o->ev);
	o->rc[1] = sim_next_trigger_time(o->k, SIM_NS(1));
	o->rc[2] = sim_next_trigger_any(o->k, evs, 1);
	o->called++;
}

static void cb_try_next_trigger(struct sim_kernel *k, void *opaque)
{
	(void)k;
	try_next_trigger(opaque);
}

static void thread_try_next_trigger(void *opaque)
{
	try_next_trigger(opaque);
}

START_TEST(test_next_trigger_outside_method)
{
	struct sim_kernel k;
	struct sim_event e, cb;
	struct sim_proc thr;
	struct outside o;

	kinit(&k);
	sim_event_init(&k, &e, "e", NULL, NULL);
	memset(&o, 0, sizeof(o));
	o.k = &k;
	o.ev = &e;

	/* During elaboration. */
	ck_assert_str_eq(sim_kernel_last_error(&k), "");
	try_next_trigger(&o);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(o.rc[i], SIM_ERR_STATE);
	ck_assert_uint_gt(strlen(sim_kernel_last_error(&k)), 0);

	/* From an event callback. */
	memset(o.rc, 0, sizeof(o.rc));
	sim_event_init(&k, &cb, "cb", cb_try_next_trigger, &o);
	sim_event_schedule(&cb, SIM_NS(1));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(o.called, 2);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(o.rc[i], SIM_ERR_STATE);

	/* From a thread. */
	memset(o.rc, 0, sizeof(o.rc));
	ck_assert_int_eq(sim_thread_init(&k, &thr, "thr", thread_try_next_trigger, &o, 0, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_int_eq(o.called, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(o.rc[i], SIM_ERR_STATE);
	/* Nothing was armed by the refused calls. */
	ck_assert(!sim_event_pending(&e));
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	sim_kernel_destroy(&k);
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("sim:notify");
	TCase *rules = tcase_create("rules");
	TCase *imm = tcase_create("immediate");
	TCase *sens = tcase_create("sensitivity");
	TCase *nt = tcase_create("next_trigger");

	tcase_add_test(rules, test_timed_10_then_5);
	tcase_add_test(rules, test_timed_5_then_10);
	tcase_add_test(rules, test_equal_time_keeps_sequence);
	tcase_add_test(rules, test_delta_beats_timed);
	tcase_add_test(rules, test_timed_after_delta_ignored);
	tcase_add_test(rules, test_notify_overflow_changes_nothing);
	suite_add_tcase(s, rules);

	tcase_add_test(imm, test_immediate_cancels_delta);
	tcase_add_test(imm, test_immediate_cancels_timed);
	tcase_add_test(imm, test_immediate_runs_callback_same_phase);
	tcase_add_test(imm, test_immediate_reruns_process_that_already_ran);
	tcase_add_test(imm, test_immediate_during_elaboration);
	tcase_add_test(imm, test_self_immediate_not_rerun);
	suite_add_tcase(s, imm);

	tcase_add_test(sens, test_static_sensitivity);
	tcase_add_test(sens, test_many_processes_on_one_event);
	tcase_add_test(sens, test_one_process_on_many_events);
	tcase_add_test(sens, test_runnable_order_follows_trigger_order);
	tcase_add_test(sens, test_dont_initialize);
	suite_add_tcase(s, sens);

	tcase_add_test(nt, test_next_trigger_event);
	tcase_add_test(nt, test_next_trigger_time);
	tcase_add_test(nt, test_next_trigger_any);
	tcase_add_test(nt, test_next_trigger_last_call_wins);
	tcase_add_test(nt, test_next_trigger_time_zero);
	tcase_add_test(nt, test_next_trigger_bad_args);
	tcase_add_test(nt, test_next_trigger_outside_method);
	suite_add_tcase(s, nt);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
