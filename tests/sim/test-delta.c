/*
 * tests/sim/test-delta.c - Check tests of delta-cycle semantics (IEEE
 * 1666-2011 4.2.1) with golden traces, as SystemC's own regression tests do.
 *
 * Each test builds a small model of methods, signals and update requests;
 * every activation appends a line "<time> <delta> <who>: <what>" to a
 * buffer (time from sim_time_format(), delta from sim_kernel_stats()), and
 * the buffer is compared byte for byte with a golden string. The goldens
 * were written by hand from the IEEE 1666 rules, not copied from a run:
 * a signal written in delta n is read in delta n+1 (the writer still reads
 * the old value); the last write in a delta wins; writing the current value
 * notifies nothing; update requests run once per delta, in the order of
 * their first request; delta notifications made in the update phase
 * trigger in the next delta; and the initialization phase (4.2.1.1) runs
 * the update and delta notification phases before the first evaluation.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim-test.h"

#include "sim/kernel.h"
#include "sim/signal.h"

/* ---- helpers ---- */


/* The trace buffer of a model. */
struct trace {
	struct sim_kernel *k;
	char buf[4096];
	size_t len;
};

static void trace_line(struct trace *tr, const char *who, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void trace_line(struct trace *tr, const char *who, const char *fmt, ...)
{
	char t[32];
	va_list ap;
	int n;

	sim_time_format(sim_now(tr->k), t, sizeof(t));
	n = snprintf(tr->buf + tr->len, sizeof(tr->buf) - tr->len, "%s %" PRIu64 " %s: ", t,
		     sim_kernel_stats(tr->k)->deltas, who);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_lt(tr->len + (size_t)n, sizeof(tr->buf));
	tr->len += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(tr->buf + tr->len, sizeof(tr->buf) - tr->len, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	ck_assert_uint_lt(tr->len + (size_t)n + 1, sizeof(tr->buf));
	tr->len += (size_t)n;
	tr->buf[tr->len++] = '\n';
	tr->buf[tr->len] = '\0';
}

static void trace_init(struct trace *tr, struct sim_kernel *k)
{
	tr->k = k;
	tr->len = 0;
	tr->buf[0] = '\0';
}

/* ---- model 1: two methods exchanging values ---- */

struct pingpong {
	struct trace tr;
	struct sim_signal a, b;
	struct sim_proc ping, pong;
};

static void ping_fn(void *opaque)
{
	struct pingpong *m = opaque;
	uint64_t b = sim_signal_read(&m->b);

	if (b < 4) {
		sim_signal_write(&m->a, b + 1);
		/* The write is not visible yet, even to the writer. */
		trace_line(&m->tr, "ping", "b=%" PRIu64 " -> a=%" PRIu64 " (a still %" PRIu64 ")", b, b + 1,
			   sim_signal_read(&m->a));
	} else {
		trace_line(&m->tr, "ping", "b=%" PRIu64 " done", b);
	}
}

static void pong_fn(void *opaque)
{
	struct pingpong *m = opaque;
	uint64_t a = sim_signal_read(&m->a);

	sim_signal_write(&m->b, a + 1);
	trace_line(&m->tr, "pong", "a=%" PRIu64 " -> b=%" PRIu64 " (b still %" PRIu64 ")", a, a + 1,
		   sim_signal_read(&m->b));
}

START_TEST(test_ping_pong)
{
	static const char golden[] =
		"0 s 0 ping: b=0 -> a=1 (a still 0)\n"
		"0 s 1 pong: a=1 -> b=2 (b still 0)\n"
		"0 s 2 ping: b=2 -> a=3 (a still 1)\n"
		"0 s 3 pong: a=3 -> b=4 (b still 2)\n"
		"0 s 4 ping: b=4 done\n";
	struct sim_kernel k;
	struct pingpong *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	ck_assert_int_eq(sim_signal_init(&k, &m->a, "a", 8, 0), SIM_OK);
	ck_assert_int_eq(sim_signal_init(&k, &m->b, "b", 8, 0), SIM_OK);
	ck_assert_int_eq(sim_method_init(&k, &m->ping, "ping", ping_fn, m, 0), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m->ping, sim_signal_changed(&m->b)), SIM_OK);
	ck_assert_int_eq(sim_method_init(&k, &m->pong, "pong", pong_fn, m, SIM_PROC_DONT_INITIALIZE), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m->pong, sim_signal_changed(&m->a)), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 5);
	ck_assert_uint_eq(sim_now(&k), 0);
	ck_assert_uint_eq(sim_signal_read(&m->a), 3);
	ck_assert_uint_eq(sim_signal_read(&m->b), 4);
	sim_signal_destroy(&m->a);
	sim_signal_destroy(&m->b);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- model 2: a chain of three signals, driven at 10, 20, 30 ns ---- */

struct chain {
	struct trace tr;
	struct sim_signal s1, s2, s3;
	struct sim_proc c12, c23, mon;
	struct sim_event drv;
	const uint64_t *values;
	size_t nvalues, next;
};

static void chain_drv_cb(struct sim_kernel *k, void *opaque)
{
	struct chain *m = opaque;
	uint64_t v = m->values[m->next++];

	(void)k;
	sim_signal_write(&m->s1, v);
	trace_line(&m->tr, "drv", "write s1=%" PRIu64, v);
	if (m->next < m->nvalues)
		ck_assert_int_eq(sim_event_schedule(&m->drv, SIM_NS(10)), SIM_OK);
}

static void chain_c12(void *opaque)
{
	struct chain *m = opaque;

	sim_signal_write(&m->s2, sim_signal_read(&m->s1));
	trace_line(&m->tr, "c12", "s1=%" PRIu64 " -> s2", sim_signal_read(&m->s1));
}

static void chain_c23(void *opaque)
{
	struct chain *m = opaque;

	sim_signal_write(&m->s3, sim_signal_read(&m->s2));
	trace_line(&m->tr, "c23", "s2=%" PRIu64 " -> s3", sim_signal_read(&m->s2));
}

static void chain_mon(void *opaque)
{
	struct chain *m = opaque;

	trace_line(&m->tr, "mon", "s1=%" PRIu64 " s2=%" PRIu64 " s3=%" PRIu64, sim_signal_read(&m->s1),
		   sim_signal_read(&m->s2), sim_signal_read(&m->s3));
}

START_TEST(test_signal_chain)
{
	/* Nothing is runnable at 0 s, so the first delta cycle is at 10 ns.
	 * The value moves one signal per delta; writing the value s1 already
	 * has (7 at 30 ns) changes nothing downstream. */
	static const char golden[] =
		"10 ns 0 drv: write s1=5\n"
		"10 ns 1 c12: s1=5 -> s2\n"
		"10 ns 2 c23: s2=5 -> s3\n"
		"10 ns 3 mon: s1=5 s2=5 s3=5\n"
		"20 ns 4 drv: write s1=7\n"
		"20 ns 5 c12: s1=7 -> s2\n"
		"20 ns 6 c23: s2=7 -> s3\n"
		"20 ns 7 mon: s1=7 s2=7 s3=7\n"
		"30 ns 8 drv: write s1=7\n";
	static const uint64_t values[] = { 5, 7, 7 };
	struct sim_kernel k;
	struct chain *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	m->values = values;
	m->nvalues = 3;
	sim_signal_init(&k, &m->s1, "s1", 16, 0);
	sim_signal_init(&k, &m->s2, "s2", 16, 0);
	sim_signal_init(&k, &m->s3, "s3", 16, 0);
	sim_method_init(&k, &m->c12, "c12", chain_c12, m, SIM_PROC_DONT_INITIALIZE);
	sim_method_init(&k, &m->c23, "c23", chain_c23, m, SIM_PROC_DONT_INITIALIZE);
	sim_method_init(&k, &m->mon, "mon", chain_mon, m, SIM_PROC_DONT_INITIALIZE);
	ck_assert_int_eq(sim_sensitive(&m->c12, sim_signal_changed(&m->s1)), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m->c23, sim_signal_changed(&m->s2)), SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m->mon, sim_signal_changed(&m->s3)), SIM_OK);
	sim_event_init(&k, &m->drv, "drv", chain_drv_cb, m);
	sim_event_schedule(&m->drv, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 9);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(30));
	ck_assert_uint_eq(sim_signal_change_count(&m->s1), 2);
	ck_assert_uint_eq(sim_signal_change_count(&m->s3), 2);
	sim_event_destroy(&m->drv);
	sim_signal_destroy(&m->s1);
	sim_signal_destroy(&m->s2);
	sim_signal_destroy(&m->s3);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- model 3: several writes in one delta ---- */

struct writes {
	struct trace tr;
	struct sim_kernel *k;
	struct sim_signal s;
	struct sim_proc w, r;
	int runs;
};

static void writes_w(void *opaque)
{
	struct writes *m = opaque;

	switch (++m->runs) {
	case 1:
		sim_signal_write(&m->s, 1);
		sim_signal_write(&m->s, 2);
		trace_line(&m->tr, "w", "write 1, write 2, read %" PRIu64, sim_signal_read(&m->s));
		ck_assert_int_eq(sim_next_trigger_time(m->k, SIM_NS(5)), SIM_OK);
		break;
	case 2:
		/* Ends on the value it already has: no change at all. */
		sim_signal_write(&m->s, 3);
		sim_signal_write(&m->s, 2);
		trace_line(&m->tr, "w", "write 3, write 2, read %" PRIu64, sim_signal_read(&m->s));
		ck_assert_int_eq(sim_next_trigger_time(m->k, SIM_NS(5)), SIM_OK);
		break;
	default:
		sim_signal_write(&m->s, 9);
		trace_line(&m->tr, "w", "write 9, read %" PRIu64, sim_signal_read(&m->s));
		break;
	}
}

static void writes_r(void *opaque)
{
	struct writes *m = opaque;

	trace_line(&m->tr, "r", "s=%" PRIu64 " changes=%" PRIu64, sim_signal_read(&m->s),
		   sim_signal_change_count(&m->s));
}

START_TEST(test_last_write_wins_and_same_value)
{
	static const char golden[] =
		"0 s 0 w: write 1, write 2, read 0\n"
		"0 s 1 r: s=2 changes=1\n"
		"5 ns 2 w: write 3, write 2, read 2\n"
		"10 ns 3 w: write 9, read 2\n"
		"10 ns 4 r: s=9 changes=2\n";
	struct sim_kernel k;
	struct writes *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	m->k = &k;
	sim_signal_init(&k, &m->s, "s", 8, 0);
	sim_method_init(&k, &m->w, "w", writes_w, m, 0);
	sim_method_init(&k, &m->r, "r", writes_r, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->r, sim_signal_changed(&m->s));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 5);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(10));
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

struct two_writers {
	struct trace tr;
	struct sim_signal s;
	struct sim_proc p1, p2, r;
};

static void tw_p1(void *opaque)
{
	struct two_writers *m = opaque;

	sim_signal_write(&m->s, 1);
	trace_line(&m->tr, "p1", "write 1");
}

static void tw_p2(void *opaque)
{
	struct two_writers *m = opaque;

	sim_signal_write(&m->s, 2);
	trace_line(&m->tr, "p2", "write 2");
}

static void tw_r(void *opaque)
{
	struct two_writers *m = opaque;

	trace_line(&m->tr, "r", "s=%" PRIu64, sim_signal_read(&m->s));
}

START_TEST(test_two_writers_last_wins)
{
	/* Two processes write in the same delta: the later write wins, and
	 * the signal commits (and notifies) once. */
	static const char golden[] =
		"0 s 0 p1: write 1\n"
		"0 s 0 p2: write 2\n"
		"0 s 1 r: s=2\n";
	struct sim_kernel k;
	struct two_writers *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	sim_signal_init(&k, &m->s, "s", 8, 0);
	sim_method_init(&k, &m->p1, "p1", tw_p1, m, 0);
	sim_method_init(&k, &m->p2, "p2", tw_p2, m, 0);
	sim_method_init(&k, &m->r, "r", tw_r, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->r, sim_signal_changed(&m->s));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 1);
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- model 4: update requests ---- */

struct upd_model;

struct chan {
	struct sim_update u;
	const char *name;
	struct upd_model *m;
	struct sim_event *notify; /* delta-notified from the update, or NULL */
};

struct upd_model {
	struct trace tr;
	struct sim_kernel *k;
	struct chan u1, u2, u3;
	struct sim_event e, e2;
	struct sim_proc a, b;
};

static void chan_update(struct sim_kernel *k, void *opaque)
{
	struct chan *c = opaque;

	(void)k;
	trace_line(&c->m->tr, "update", "%s", c->name);
	if (c->notify)
		ck_assert_int_eq(sim_notify(c->notify, 0), SIM_OK);
}

static void upd_a(void *opaque)
{
	struct upd_model *m = opaque;

	sim_request_update(m->k, &m->u2.u);
	sim_request_update(m->k, &m->u1.u);
	sim_request_update(m->k, &m->u2.u);
	sim_request_update(m->k, &m->u3.u);
	sim_request_update(m->k, &m->u1.u);
	trace_line(&m->tr, "A", "request u2 u1 u2 u3 u1");
}

static void upd_b(void *opaque)
{
	struct upd_model *m = opaque;

	sim_request_update(m->k, &m->u1.u);
	sim_request_update(m->k, &m->u1.u);
	trace_line(&m->tr, "B", "e, request u1 u1");
}

static void upd_cb2(struct sim_kernel *k, void *opaque)
{
	struct upd_model *m = opaque;

	(void)k;
	trace_line(&m->tr, "cb2", "e2");
}

START_TEST(test_update_requests)
{
	/* Delta 0: A requests u2, u1, u2, u3, u1; each update runs once, in
	 * order of first request. u1's update delta-notifies e2 (a callback)
	 * and u3's notifies e (B's static sensitivity): both run in delta 1,
	 * e2's callback first as it was notified first. B requests u1 twice:
	 * one update in delta 1, whose notification runs cb2 in delta 2. */
	static const char golden[] =
		"0 s 0 A: request u2 u1 u2 u3 u1\n"
		"0 s 0 update: u2\n"
		"0 s 0 update: u1\n"
		"0 s 0 update: u3\n"
		"0 s 1 cb2: e2\n"
		"0 s 1 B: e, request u1 u1\n"
		"0 s 1 update: u1\n"
		"0 s 2 cb2: e2\n";
	struct sim_kernel k;
	struct upd_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	m->k = &k;
	sim_event_init(&k, &m->e, "e", NULL, NULL);
	sim_event_init(&k, &m->e2, "e2", upd_cb2, m);
	m->u1 = (struct chan){ .name = "u1", .m = m, .notify = &m->e2 };
	m->u2 = (struct chan){ .name = "u2", .m = m, .notify = NULL };
	m->u3 = (struct chan){ .name = "u3", .m = m, .notify = &m->e };
	sim_update_init(&m->u1.u, chan_update, &m->u1);
	sim_update_init(&m->u2.u, chan_update, &m->u2);
	sim_update_init(&m->u3.u, chan_update, &m->u3);
	sim_method_init(&k, &m->a, "A", upd_a, m, 0);
	sim_method_init(&k, &m->b, "B", upd_b, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->b, &m->e);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 3);
	sim_event_destroy(&m->e);
	sim_event_destroy(&m->e2);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- model 5: a clock and an edge counter ---- */

struct clock_model {
	struct trace tr;
	struct sim_kernel *k;
	struct sim_signal clk;
	struct sim_proc gen, cnt;
	int count;
};

static void clock_gen(void *opaque)
{
	struct clock_model *m = opaque;
	uint64_t v = sim_signal_read(&m->clk);

	sim_signal_write(&m->clk, !v);
	trace_line(&m->tr, "gen", "clk=%" PRIu64 " write %d", v, (int)!v);
	ck_assert_int_eq(sim_next_trigger_time(m->k, SIM_NS(5)), SIM_OK);
}

static void clock_cnt(void *opaque)
{
	struct clock_model *m = opaque;
	uint64_t v = sim_signal_read(&m->clk);

	if (v)
		m->count++;
	trace_line(&m->tr, "cnt", "clk=%" PRIu64 " count=%d", v, m->count);
}

START_TEST(test_clock)
{
	/* A half period of 5 ns; the counter sees each edge one delta after
	 * the generator wrote it. The run ends with the 20 ns deltas done. */
	static const char golden[] =
		"0 s 0 gen: clk=0 write 1\n"
		"0 s 1 cnt: clk=1 count=1\n"
		"5 ns 2 gen: clk=1 write 0\n"
		"5 ns 3 cnt: clk=0 count=1\n"
		"10 ns 4 gen: clk=0 write 1\n"
		"10 ns 5 cnt: clk=1 count=2\n"
		"15 ns 6 gen: clk=1 write 0\n"
		"15 ns 7 cnt: clk=0 count=2\n"
		"20 ns 8 gen: clk=0 write 1\n"
		"20 ns 9 cnt: clk=1 count=3\n";
	struct sim_kernel k;
	struct clock_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	m->k = &k;
	sim_signal_init(&k, &m->clk, "clk", 1, 0);
	sim_method_init(&k, &m->gen, "gen", clock_gen, m, 0);
	sim_method_init(&k, &m->cnt, "cnt", clock_cnt, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->cnt, sim_signal_changed(&m->clk));
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(20)), SIM_STOP_TIME);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(20));
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 10);
	ck_assert_uint_eq(sim_signal_change_count(&m->clk), 5);
	sim_signal_destroy(&m->clk);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- model 6: the initialization phase (IEEE 1666-2011 4.2.1.1) ---- */

struct init_model {
	struct trace tr;
	struct sim_signal s;
	struct sim_event e;
	struct sim_proc p, o, q;
};

static void init_p(void *opaque)
{
	struct init_model *m = opaque;

	trace_line(&m->tr, "p", "s=%" PRIu64, sim_signal_read(&m->s));
}

static void init_o(void *opaque)
{
	struct init_model *m = opaque;

	trace_line(&m->tr, "o", "s=%" PRIu64, sim_signal_read(&m->s));
}

static void init_q(void *opaque)
{
	struct init_model *m = opaque;

	trace_line(&m->tr, "q", "e");
}

START_TEST(test_init_elaboration_write)
{
	/* Initialization runs the update phase first (4.2.1.1 a), so a value
	 * written during elaboration is what the initialised process reads in
	 * the first evaluation; the value change is a delta notification,
	 * triggered in the initialization's delta notification phase (c), so
	 * the observer runs in that first evaluation too, after the
	 * initialised processes (b). No delta cycle has completed yet. */
	static const char golden[] =
		"0 s 0 p: s=3\n"
		"0 s 0 o: s=3\n";
	struct sim_kernel k;
	struct init_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	sim_signal_init(&k, &m->s, "s", 8, 0);
	sim_method_init(&k, &m->p, "p", init_p, m, 0);
	sim_method_init(&k, &m->o, "o", init_o, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->o, sim_signal_changed(&m->s));
	sim_signal_write(&m->s, 3);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 1);
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

START_TEST(test_init_elaboration_delta_notify)
{
	/* A delta notification made during elaboration triggers in the
	 * initialization's delta notification phase (4.2.1.1 c): the process
	 * sensitive to it runs in the first evaluation, with the initialised
	 * ones. */
	static const char golden[] =
		"0 s 0 p: s=0\n"
		"0 s 0 q: e\n";
	struct sim_kernel k;
	struct init_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	trace_init(&m->tr, &k);
	sim_signal_init(&k, &m->s, "s", 8, 0);
	sim_event_init(&k, &m->e, "e", NULL, NULL);
	sim_method_init(&k, &m->p, "p", init_p, m, 0);
	sim_method_init(&k, &m->q, "q", init_q, m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m->q, &m->e);
	ck_assert_int_eq(sim_notify(&m->e, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_str_eq(m->tr.buf, golden);
	ck_assert_uint_eq(sim_kernel_stats(&k)->deltas, 1);
	sim_event_destroy(&m->e);
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

static Suite *delta_suite(void)
{
	Suite *s = suite_create("sim:delta");
	TCase *tc = tcase_create("golden");
	TCase *init = tcase_create("initialization");

	tcase_add_test(tc, test_ping_pong);
	tcase_add_test(tc, test_signal_chain);
	tcase_add_test(tc, test_last_write_wins_and_same_value);
	tcase_add_test(tc, test_two_writers_last_wins);
	tcase_add_test(tc, test_update_requests);
	tcase_add_test(tc, test_clock);
	suite_add_tcase(s, tc);
	tcase_add_test(init, test_init_elaboration_write);
	tcase_add_test(init, test_init_elaboration_delta_notify);
	suite_add_tcase(s, init);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(delta_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
