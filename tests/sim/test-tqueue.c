/*
 * tests/sim/test-tqueue.c - the timed queue against a reference model.
 *
 * Random schedules, reschedules, cancellations and destructions of raw
 * events, with runs that stop at random times (a stop before the next due
 * time followed by an earlier schedule exercises the queue's rebase), must
 * fire every surviving notification once, in (time, scheduling order),
 * exactly as a sorted reference list says. Seeds and sizes are varied;
 * the long variant is in the slow suite.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel.h"
#include "sim/random.h"

struct model {
	struct sim_kernel k;
	struct sim_event *ev;
	int *alive;          /* event initialised and not destroyed */
	sim_time_t *when;    /* reference: pending time, or SIM_TIME_MAX */
	uint64_t *order;     /* reference: scheduling order of the pending one */
	uint64_t next_order;
	unsigned n;
	/* what fired, in order */
	unsigned *fired_id;
	sim_time_t *fired_time;
	size_t nfired, capfired;
};

static void on_fire(struct sim_kernel *k, void *opaque)
{
	struct sim_event *ev = opaque;
	struct model *m = (struct model *)((char *)k - offsetof(struct model, k));

	if (m->nfired == m->capfired) {
		m->capfired = m->capfired ? m->capfired * 2 : 1024;
		m->fired_id = realloc(m->fired_id, m->capfired * sizeof(*m->fired_id));
		m->fired_time = realloc(m->fired_time, m->capfired * sizeof(*m->fired_time));
		ck_assert_ptr_nonnull(m->fired_id);
		ck_assert_ptr_nonnull(m->fired_time);
	}
	m->fired_id[m->nfired] = (unsigned)(ev - m->ev);
	m->fired_time[m->nfired++] = sim_now(k);
}

/* Expected firings up to @end: pending ones sorted by (when, order). */
struct expect {
	sim_time_t when;
	uint64_t order;
	unsigned id;
};

static int expect_cmp(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void check_run(struct model *m, sim_time_t end)
{
	struct expect *e = malloc(m->n * sizeof(*e));
	size_t ne = 0;
	enum sim_stop_reason why;

	ck_assert_ptr_nonnull(e);
	for (unsigned i = 0; i < m->n; i++) {
		if (m->alive[i] && m->when[i] <= end) {
			e[ne].when = m->when[i];
			e[ne].order = m->order[i];
			e[ne++].id = i;
		}
	}
	qsort(e, ne, sizeof(*e), expect_cmp);
	m->nfired = 0;
	why = sim_run_until(&m->k, end);
	ck_assert_int_eq(why, SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&m->k), end);
	ck_assert_uint_eq(m->nfired, ne);
	for (size_t i = 0; i < ne; i++) {
		ck_assert_uint_eq(m->fired_id[i], e[i].id);
		ck_assert_uint_eq(m->fired_time[i], e[i].when);
		m->when[e[i].id] = SIM_TIME_MAX;
	}
	free(e);
}

static void run_model(uint64_t seed, unsigned n, unsigned rounds)
{
	struct model *m = calloc(1, sizeof(*m));
	struct sim_rng rng;

	ck_assert_ptr_nonnull(m);
	sim_rng_seed(&rng, seed);
	ck_assert_int_eq(sim_kernel_init(&m->k, NULL), 0);
	m->n = n;
	m->ev = calloc(n, sizeof(*m->ev));
	m->alive = calloc(n, sizeof(*m->alive));
	m->when = calloc(n, sizeof(*m->when));
	m->order = calloc(n, sizeof(*m->order));
	for (unsigned i = 0; i < n; i++) {
		sim_event_init(&m->k, &m->ev[i], "e", on_fire, &m->ev[i]);
		m->alive[i] = 1;
		m->when[i] = SIM_TIME_MAX;
	}
	for (unsigned r = 0; r < rounds; r++) {
		unsigned ops = (unsigned)sim_rng_range(&rng, 1, 2 * n);
		/* Delays from a few ps to ~1 ms, with many exact collisions. */
		unsigned span_bits = (unsigned)sim_rng_range(&rng, 2, 30);

		for (unsigned o = 0; o < ops; o++) {
			unsigned i = (unsigned)sim_rng_below(&rng, n);
			unsigned what = (unsigned)sim_rng_below(&rng, 16);

			if (!m->alive[i]) {
				sim_event_init(&m->k, &m->ev[i], "e", on_fire, &m->ev[i]);
				m->alive[i] = 1;
				m->when[i] = SIM_TIME_MAX;
			}
			if (what < 11) {
				sim_time_t d = 1 + sim_rng_below(&rng, UINT64_C(1) << span_bits);

				if (what < 3)
					d &= ~(sim_time_t)0xff; /* collide on coarse times */
				if (d == 0)
					d = 1;
				ck_assert_int_eq(sim_event_schedule(&m->ev[i], d), 0);
				m->when[i] = sim_now(&m->k) + d;
				m->order[i] = m->next_order++;
			} else if (what < 14) {
				ck_assert_int_eq(sim_event_cancel(&m->ev[i]), m->when[i] != SIM_TIME_MAX);
				m->when[i] = SIM_TIME_MAX;
			} else {
				sim_event_destroy(&m->ev[i]);
				memset(&m->ev[i], 0x5A, sizeof(m->ev[i]));
				m->alive[i] = 0;
				m->when[i] = SIM_TIME_MAX;
			}
		}
		/* Stop short of, at, or past the next due time. */
		check_run(m, sim_now(&m->k) + sim_rng_below(&rng, UINT64_C(1) << span_bits));
	}
	check_run(m, SIM_TIME_MAX - 1);
	for (unsigned i = 0; i < n; i++) {
		if (m->alive[i])
			sim_event_destroy(&m->ev[i]);
	}
	sim_kernel_destroy(&m->k);
	free(m->ev);
	free(m->alive);
	free(m->when);
	free(m->order);
	free(m->fired_id);
	free(m->fired_time);
	free(m);
}

START_TEST(test_small_models)
{
	for (uint64_t seed = 1; seed <= 40; seed++)
		run_model(seed, 1 + (unsigned)(seed % 17), 60);
}
END_TEST

START_TEST(test_medium_models)
{
	for (uint64_t seed = 100; seed < 104; seed++)
		run_model(seed, 3000, 40);
}
END_TEST

/* One event moved 100k times leaves 100k stale entries behind: the queue
 * must drop them (compaction) without losing the live ones or firing a
 * stale one. */
static unsigned storm_fired[4];

static void storm_cb(struct sim_kernel *k, void *opaque)
{
	(void)k;
	storm_fired[(uintptr_t)opaque]++;
}

START_TEST(test_reschedule_storm)
{
	struct sim_kernel k;
	struct sim_event ev[4];
	struct sim_rng rng;
	sim_time_t last = 0;

	sim_rng_seed(&rng, 7);
	ck_assert_int_eq(sim_kernel_init(&k, NULL), 0);
	for (uintptr_t i = 0; i < 4; i++)
		sim_event_init(&k, &ev[i], "storm", storm_cb, (void *)i);
	ck_assert_int_eq(sim_event_schedule(&ev[1], SIM_NS(5)), 0);
	ck_assert_int_eq(sim_event_schedule(&ev[2], SIM_US(900)), 0);
	for (unsigned i = 0; i < 100000; i++) {
		last = 1 + sim_rng_below(&rng, SIM_US(1000));
		ck_assert_int_eq(sim_event_schedule(&ev[0], last), 0);
	}
	ck_assert_uint_eq(sim_event_when(&ev[0]), last);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(storm_fired[0], 1);
	ck_assert_uint_eq(storm_fired[1], 1);
	ck_assert_uint_eq(storm_fired[2], 1);
	ck_assert_uint_eq(storm_fired[3], 0);
	for (unsigned i = 0; i < 4; i++)
		sim_event_destroy(&ev[i]);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_many_models)
{
	for (uint64_t seed = 1000; seed < 1400; seed++)
		run_model(seed, 1 + (unsigned)(seed % 2000), 30);
}
END_TEST

static Suite *tqueue_suite(int slow)
{
	Suite *s = suite_create("sim:tqueue");
	TCase *tc = tcase_create("reference");

	tcase_set_timeout(tc, slow ? 600 : 60);
	if (slow) {
		tcase_add_test(tc, test_many_models);
	} else {
		tcase_add_test(tc, test_small_models);
		tcase_add_test(tc, test_medium_models);
		tcase_add_test(tc, test_reschedule_storm);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	int slow = argc > 1 && strcmp(argv[1], "--slow") == 0;
	SRunner *sr = srunner_create(tqueue_suite(slow));
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
