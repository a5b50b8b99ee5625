/*
 * bench/kernel-bench.c - the kernel workloads of pcisim-bench, the C
 * counterparts of bench/systemc/{timed-events,pending,pingpong}.cpp: one
 * method re-notifying its own event 1 ns later (timed events), 100,000
 * methods each re-notifying its own event at a random delay of 1..1024 ns
 * (a large pending queue), and two threads handing control back and forth
 * through two events (thread switches). Each builds its kernel and
 * processes untimed, times only the run that does the work, and checks the
 * event count and the final simulated time before it reports a rate.
 */
#include "bench/bench.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/kernel.h"

/* ------------------------------------------------------------------------
 * Timed events: one method, statically sensitive to its own event
 * ------------------------------------------------------------------------ */

struct ticker {
	struct sim_event ev;
	struct sim_proc proc;
	uint64_t n;
	uint64_t fired;
	bool started; /* the initialisation run is not an event */
	int err;
};

static void ticker_fire(void *opaque)
{
	struct ticker *t = opaque;

	if (t->started)
		t->fired++;
	t->started = true;
	if (t->fired < t->n)
		t->err |= sim_notify(&t->ev, SIM_NS(1));
}

int bench_timed_events(uint64_t n, double *rate)
{
	struct sim_kernel k;
	struct ticker t = { .n = n };
	enum sim_stop_reason why;
	double t0, dt;
	int ok;

	if (sim_kernel_init(&k, NULL) != SIM_OK)
		return -1;
	sim_event_init(&k, &t.ev, "tick", NULL, NULL);
	if (sim_method_init(&k, &t.proc, "ticker", ticker_fire, &t, 0) != SIM_OK ||
	    sim_sensitive(&t.proc, &t.ev) != SIM_OK) {
		sim_kernel_destroy(&k);
		return -1;
	}
	t0 = bench_now();
	why = sim_run(&k);
	dt = bench_now() - t0;
	ok = why == SIM_STOP_FINISHED && t.err == 0 && t.fired == n && sim_now(&k) == SIM_NS(n);
	if (!ok)
		fprintf(stderr, "kernel_timed_events: FAIL: stop=%s fired=%llu of %llu, now=%llu ps\n",
			sim_stop_reason_name(why), (unsigned long long)t.fired, (unsigned long long)n,
			(unsigned long long)sim_now(&k));
	sim_kernel_destroy(&k);
	if (!ok)
		return -1;
	*rate = (double)n / dt;
	return 0;
}

/* ------------------------------------------------------------------------
 * Pending queue: many methods, each with one event always pending
 * ------------------------------------------------------------------------ */

/* One process of the workload: a method and the event it is sensitive to. */
struct pend_node {
	struct sim_proc proc;
	struct sim_event ev;
};

struct pend_state {
	struct sim_kernel *k;
	struct bench_lcg rng;
	uint64_t n;
	uint64_t fired;
	int err;
};

/* The nodes carry no pointer back to the state, so the 100,000 of them stay
 * as small as the kernel's objects allow; one workload runs at a time. */
static struct pend_state *pend_cur;

/* 1..1024 ns, as the peer's table of precomputed sc_time values. */
static inline sim_time_t pend_delay(struct pend_state *s)
{
	return SIM_NS((bench_lcg_next(&s->rng) & 1023u) + 1u);
}

static void pend_fire(void *opaque)
{
	struct pend_node *node = opaque;
	struct pend_state *s = pend_cur;

	if (s->fired >= s->n)
		return; /* left over in the delta cycle that stopped */
	if (++s->fired == s->n) {
		sim_stop(s->k);
		return;
	}
	s->err |= sim_notify(&node->ev, pend_delay(s));
}

int bench_pending(uint32_t procs, uint64_t n, double *rate)
{
	struct sim_kernel k;
	struct pend_state s = { .k = &k, .rng = { 12345 }, .n = n };
	struct pend_node *nodes;
	enum sim_stop_reason why;
	double t0, dt;
	int ok = 1;

	nodes = calloc(procs, sizeof(*nodes));
	if (!nodes || sim_kernel_init(&k, NULL) != SIM_OK) {
		free(nodes);
		return -1;
	}
	pend_cur = &s;
	for (uint32_t i = 0; i < procs && ok; i++) {
		struct pend_node *node = &nodes[i];

		sim_event_init(&k, &node->ev, NULL, NULL, NULL);
		ok = sim_method_init(&k, &node->proc, NULL, pend_fire, node, SIM_PROC_DONT_INITIALIZE) ==
			     SIM_OK &&
		     sim_sensitive(&node->proc, &node->ev) == SIM_OK;
	}
	/* The first notifications, in process order (the peer's
	 * start_of_simulation), are elaboration: not timed. */
	for (uint32_t i = 0; i < procs && ok; i++)
		ok = sim_notify(&nodes[i].ev, pend_delay(&s)) == SIM_OK;
	if (!ok) {
		fprintf(stderr, "kernel_pending: FAIL: setup: %s\n", sim_kernel_last_error(&k));
		sim_kernel_destroy(&k);
		free(nodes);
		return -1;
	}
	t0 = bench_now();
	why = sim_run(&k);
	dt = bench_now() - t0;
	ok = why == SIM_STOP_REQUESTED && s.err == 0 && s.fired == n;
	if (!ok)
		fprintf(stderr, "kernel_pending: FAIL: stop=%s fired=%llu of %llu\n", sim_stop_reason_name(why),
			(unsigned long long)s.fired, (unsigned long long)n);
	else
		fprintf(stderr, "# kernel_pending: procs=%u n=%llu wall=%.3fs sim=%llu ps\n", procs,
			(unsigned long long)n, dt, (unsigned long long)sim_now(&k));
	sim_kernel_destroy(&k);
	free(nodes);
	pend_cur = NULL;
	if (!ok)
		return -1;
	*rate = (double)n / dt;
	return 0;
}

/* ------------------------------------------------------------------------
 * Thread switches: two threads ping-pong through two events
 * ------------------------------------------------------------------------ */

struct pingpong {
	struct sim_kernel *k;
	struct sim_event ping, pong;
	struct sim_proc a, b;
	enum bench_pingpong_mode mode;
	uint64_t n;
	uint64_t switches; /* one per return from a wait on ping or pong */
	int err;
};

static inline void pp_kick(struct pingpong *s, struct sim_event *ev)
{
	switch (s->mode) {
	case BENCH_PP_DELTA:
		s->err |= sim_notify(ev, 0);
		break;
	case BENCH_PP_TIMED:
		s->err |= sim_notify(ev, SIM_NS(1));
		break;
	case BENCH_PP_IMMEDIATE:
		sim_notify_immediate(ev);
		break;
	}
}

static void pp_a(void *opaque)
{
	struct pingpong *s = opaque;

	/* One delta first, so that b is surely waiting on ping. */
	s->err |= sim_wait_time(s->k, 0);
	for (uint64_t i = 0; i < s->n; i++) {
		pp_kick(s, &s->ping);
		s->err |= sim_wait_event(s->k, &s->pong);
		s->switches++;
	}
}

static void pp_b(void *opaque)
{
	struct pingpong *s = opaque;

	for (;;) {
		if (sim_wait_event(s->k, &s->ping) != SIM_OK) {
			s->err = 1;
			return;
		}
		s->switches++;
		pp_kick(s, &s->pong);
	}
}

int bench_pingpong(enum bench_pingpong_mode mode, uint64_t round_trips, double *rate)
{
	static const char *const names[] = { "delta", "timed", "immediate" };
	struct sim_kernel k;
	struct sim_kernel_config cfg;
	struct pingpong s = { .k = &k, .mode = mode, .n = round_trips };
	enum sim_stop_reason why;
	sim_time_t end = mode == BENCH_PP_TIMED ? SIM_NS(2 * round_trips) : 0;
	double t0, dt;
	int ok;

	sim_kernel_config_default(&cfg);
	/* Delta mode runs 2n delta cycles at time 0 by design. */
	cfg.max_deltas = UINT64_MAX;
	if (sim_kernel_init(&k, &cfg) != SIM_OK)
		return -1;
	sim_event_init(&k, &s.ping, "ping", NULL, NULL);
	sim_event_init(&k, &s.pong, "pong", NULL, NULL);
	if (sim_thread_init(&k, &s.a, "a", pp_a, &s, 0, 0) != SIM_OK ||
	    sim_thread_init(&k, &s.b, "b", pp_b, &s, 0, 0) != SIM_OK) {
		fprintf(stderr, "kernel_thread_switch: FAIL: %s\n", sim_kernel_last_error(&k));
		sim_kernel_destroy(&k);
		return -1;
	}
	t0 = bench_now();
	why = sim_run(&k);
	dt = bench_now() - t0;
	ok = why == SIM_STOP_FINISHED && s.err == 0 && s.switches == 2 * round_trips && sim_now(&k) == end;
	if (!ok)
		fprintf(stderr, "kernel_thread_switch (%s): FAIL: stop=%s switches=%llu of %llu, now=%llu ps\n",
			names[mode], sim_stop_reason_name(why), (unsigned long long)s.switches,
			(unsigned long long)(2 * round_trips), (unsigned long long)sim_now(&k));
	sim_kernel_destroy(&k);
	if (!ok)
		return -1;
	*rate = (double)s.switches / dt;
	return 0;
}
