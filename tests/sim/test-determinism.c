/*
 * tests/sim/test-determinism.c - Check tests that a simulation is a pure
 * function of its seed (sim/kernel.c, sim/proc.c, sim/random.c).
 *
 * A randomized model (methods and threads drawing delays and targets from
 * per-component streams made by sim_rng_derive(cfg.seed, name)) writes a
 * text trace of every activation: time, delta cycles so far, process id.
 * Two runs with one seed must give byte-identical traces; another seed a
 * different one; extra draws in one component's stream must leave every
 * other component's sequence of draws alone. A tiny model's trace with
 * seed 1 is pinned as a golden string.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/random.h"
#include "sim/time.h"

#define STACK_BYTES ((size_t)64 * 1024)
#define MAX_COMPS 64
#define MAX_EVENTS 32

/* ---- a growing text buffer ---- */

struct text {
	char *s;
	size_t len, cap;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void text_printf(struct text *t, const char *fmt, ...);

static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? room : 0, fmt, ap);
		va_end(ap);
		/* No ck_assert on this hot path: each one costs a write to the
		 * test runner's pipe. */
		if (n < 0)
			abort();
		if (t->s && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n + 1;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
}

static void text_free(struct text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

static const char *text_str(const struct text *t)
{
	return t->s ? t->s : "";
}

/* ---- the model ---- */

struct model;

struct comp {
	char name[24];
	struct sim_rng rng;
	struct sim_proc proc;
	struct model *m;
	int id;
	int extra_draws;   /* draws thrown away at each activation */
	struct text draws; /* this component's own sequence of draws */
};

struct model {
	struct sim_kernel k;
	int n_methods, n_threads, n_events;
	sim_time_t end_ps;
	struct sim_event ev[MAX_EVENTS];
	struct comp c[MAX_COMPS];
	struct text log;
	int errors;        /* kernel calls that failed */
};

static uint64_t draw_below(struct comp *c, uint64_t bound)
{
	uint64_t v = sim_rng_below(&c->rng, bound);

	text_printf(&c->draws, "%" PRIu64 " ", v);
	return v;
}

static void log_activation(struct comp *c, int result)
{
	struct sim_kernel *k = &c->m->k;

	text_printf(&c->m->log, "%" PRIu64 " %" PRIu64 " p%d", sim_now(k), sim_kernel_stats(k)->deltas, c->id);
	if (result != INT32_MIN)
		text_printf(&c->m->log, " r%d", result);
	text_printf(&c->m->log, "\n");
}

static void waste_draws(struct comp *c)
{
	for (int i = 0; i < c->extra_draws; i++)
		(void)sim_rng_next(&c->rng);
}

/* A method: notify one random event, by delta notification one time in
 * four, else after 1..50 ns. */
static void model_method(void *opaque)
{
	struct comp *c = opaque;
	struct model *m = c->m;
	uint64_t kind, target, delay;

	log_activation(c, INT32_MIN);
	waste_draws(c);
	kind = draw_below(c, 4);
	target = draw_below(c, (uint64_t)m->n_events);
	delay = kind == 0 ? 0 : SIM_NS(1 + draw_below(c, 50));
	if (sim_notify(&m->ev[target], delay) != SIM_OK)
		m->errors++;
}

/* A thread: wait in one of three ways, then notify a random event. The
 * pattern of draws does not depend on what happened in the wait, so the
 * stream alone decides it. */
static void model_thread(void *opaque)
{
	struct comp *c = opaque;
	struct model *m = c->m;
	struct sim_kernel *k = &m->k;

	while (sim_now(k) < m->end_ps) {
		uint64_t kind, a, b, t;
		int r;

		waste_draws(c);
		kind = draw_below(c, 3);
		a = draw_below(c, (uint64_t)m->n_events);
		b = draw_below(c, (uint64_t)m->n_events);
		t = SIM_NS(1 + draw_below(c, 100));
		if (kind == 0) {
			r = sim_wait_time(k, t);
		} else if (kind == 1) {
			r = sim_wait_event_timeout(k, &m->ev[a], t);
		} else {
			struct sim_event *evs[2] = { &m->ev[a], &m->ev[b] };

			r = sim_wait_any_timeout(k, evs, 2, t);
		}
		if (r < 0)
			m->errors++;
		log_activation(c, r);
		a = draw_below(c, (uint64_t)m->n_events);
		t = draw_below(c, 4) == 0 ? 0 : SIM_NS(1 + draw_below(c, 30));
		if (sim_notify(&m->ev[a], t) != SIM_OK)
			m->errors++;
	}
}

/* Build a model of @n_methods methods and @n_threads threads over
 * @n_events events; component @extra_comp (-1: none) wastes one draw per
 * activation. */
static struct model *model_new(uint64_t seed, int n_methods, int n_threads, int n_events, sim_time_t end_ps,
			       int extra_comp)
{
	struct model *m = calloc(1, sizeof(*m));
	struct sim_kernel_config cfg;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_le(n_methods + n_threads, MAX_COMPS);
	ck_assert_int_le(n_events, MAX_EVENTS);
	m->n_methods = n_methods;
	m->n_threads = n_threads;
	m->n_events = n_events;
	m->end_ps = end_ps;
	sim_kernel_config_default(&cfg);
	cfg.seed = seed;
	ck_assert_int_eq(sim_kernel_init(&m->k, &cfg), SIM_OK);
	for (int i = 0; i < n_events; i++)
		sim_event_init(&m->k, &m->ev[i], "ev", NULL, NULL);
	for (int i = 0; i < n_methods + n_threads; i++) {
		struct comp *c = &m->c[i];
		int is_thread = i >= n_methods;

		c->m = m;
		c->id = i;
		c->extra_draws = i == extra_comp;
		snprintf(c->name, sizeof(c->name), "%s%d", is_thread ? "thread" : "method", i);
		/* The documented way to get a component's stream. */
		sim_rng_derive(&c->rng, m->k.cfg.seed, c->name);
		if (is_thread) {
			ck_assert_int_eq(sim_thread_init(&m->k, &c->proc, c->name, model_thread, c, STACK_BYTES, 0),
					 SIM_OK);
		} else {
			ck_assert_int_eq(sim_method_init(&m->k, &c->proc, c->name, model_method, c, 0), SIM_OK);
			ck_assert_int_eq(sim_sensitive(&c->proc, &m->ev[i % n_events]), SIM_OK);
			if (i % 3 == 0)
				ck_assert_int_eq(sim_sensitive(&c->proc, &m->ev[(i * 7 + 1) % n_events]), SIM_OK);
		}
	}
	return m;
}

static void model_run(struct model *m)
{
	ck_assert_int_eq(sim_run_until(&m->k, m->end_ps), SIM_STOP_TIME);
	ck_assert(!sim_kernel_halted(&m->k));
	ck_assert_int_eq(m->errors, 0);
}

static void model_free(struct model *m)
{
	for (int i = 0; i < m->n_events; i++)
		sim_event_destroy(&m->ev[i]);
	sim_kernel_destroy(&m->k);
	for (int i = 0; i < MAX_COMPS; i++)
		text_free(&m->c[i].draws);
	text_free(&m->log);
	free(m);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Run the big model once and return its trace (caller frees). */
static char *big_trace(uint64_t seed)
{
	struct model *m = model_new(seed, 50, 10, 20, SIM_US(1), -1);
	char *s;

	model_run(m);
	s = strdup(text_str(&m->log));
	ck_assert_ptr_nonnull(s);
	model_free(m);
	return s;
}

/* ======================================================================== */

START_TEST(test_same_seed_same_trace)
{
	char *a = big_trace(42);
	char *b = big_trace(42);

	/* A model busy enough to mean something. */
	ck_assert_uint_gt(count_lines(a), 2000);
	ck_assert_uint_eq(strlen(a), strlen(b));
	ck_assert(memcmp(a, b, strlen(a)) == 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_other_seed_other_trace)
{
	char *a = big_trace(42);
	char *b = big_trace(43);

	ck_assert_uint_gt(count_lines(b), 2000);
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
}
END_TEST

/* True when one of @a and @b is a prefix of the other. */
static int prefix_related(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return memcmp(a, b, la < lb ? la : lb) == 0;
}

START_TEST(test_streams_are_independent)
{
	struct model *a = model_new(7, 50, 10, 20, SIM_US(1), -1);
	struct model *b = model_new(7, 50, 10, 20, SIM_US(1), 7);
	struct model *c = model_new(7, 50, 10, 20, SIM_US(1), 55); /* a thread */
	int long_prefixes = 0;

	model_run(a);
	model_run(b);
	model_run(c);
	/* The extra draws changed what happened... */
	ck_assert_str_ne(text_str(&a->log), text_str(&b->log));
	ck_assert_str_ne(text_str(&a->log), text_str(&c->log));
	ck_assert(!prefix_related(text_str(&a->c[7].draws), text_str(&b->c[7].draws)));
	ck_assert(!prefix_related(text_str(&a->c[55].draws), text_str(&c->c[55].draws)));
	/* ...but every other component drew the same numbers in the same
	 * order, as far as each run went. */
	for (int i = 0; i < 60; i++) {
		const char *da = text_str(&a->c[i].draws);

		if (i != 7) {
			ck_assert_msg(prefix_related(da, text_str(&b->c[i].draws)), "component %d", i);
			if (strlen(da) > 40 && strlen(text_str(&b->c[i].draws)) > 40)
				long_prefixes++;
		}
		if (i != 55)
			ck_assert_msg(prefix_related(da, text_str(&c->c[i].draws)), "component %d", i);
	}
	ck_assert_int_gt(long_prefixes, 50);
	/* And a component's stream depends only on the seed and its name. */
	{
		struct sim_rng r1, r2;

		sim_rng_derive(&r1, 7, "method3");
		sim_rng_derive(&r2, a->k.cfg.seed, a->c[3].name);
		for (int i = 0; i < 8; i++)
			ck_assert_uint_eq(sim_rng_next(&r1), sim_rng_next(&r2));
	}
	model_free(a);
	model_free(b);
	model_free(c);
}
END_TEST

/* Seed 1, two methods and one thread over two events, 200 ns. Each line:
 * time in ps, delta cycles completed, process id, and for the thread the
 * wait's result. Changing it means every seeded run changes: only do so
 * on purpose. */
static const char golden[] =
	"0 0 p0\n"
	"0 0 p1\n"
	"0 1 p0\n"
	"0 1 p1\n"
	"26000 2 p0\n"
	"26000 2 p1\n"
	"33000 3 p0\n"
	"33000 3 p1\n"
	"55000 4 p2 r0\n"
	"55000 5 p0\n"
	"79000 6 p0\n"
	"79000 6 p1\n"
	"79000 7 p0\n"
	"79000 7 p1\n"
	"89000 8 p0\n"
	"89000 8 p1\n"
	"92000 9 p0\n"
	"94000 10 p2 r0\n"
	"94000 11 p0\n"
	"94000 11 p1\n"
	"94000 11 p2 r1\n"
	"96000 12 p0\n"
	"96000 12 p2 r0\n"
	"101000 13 p0\n"
	"101000 13 p1\n"
	"101000 13 p2 r1\n"
	"126000 14 p0\n"
	"126000 14 p1\n"
	"126000 14 p2 r0\n"
	"126000 15 p0\n"
	"126000 15 p2 r1\n"
	"126000 16 p0\n"
	"126000 16 p1\n"
	"126000 17 p0\n"
	"126000 17 p1\n"
	"126000 18 p0\n"
	"126000 18 p2 r1\n"
	"138000 19 p0\n"
	"138000 20 p0\n"
	"144000 21 p0\n"
	"144000 21 p1\n"
	"144000 21 p2 r1\n"
	"151000 22 p0\n"
	"176000 23 p0\n"
	"176000 23 p1\n"
	"178000 24 p0\n"
	"187000 25 p0\n"
	"187000 25 p1\n";

START_TEST(test_golden_trace)
{
	struct model *m = model_new(1, 2, 1, 2, SIM_NS(200), -1);

	model_run(m);
	if (strcmp(text_str(&m->log), golden) != 0)
		fprintf(stderr, "golden trace differs; got:\n%s", text_str(&m->log));
	ck_assert_str_eq(text_str(&m->log), golden);
	model_free(m);
}
END_TEST

static Suite *determinism_suite(void)
{
	Suite *s = suite_create("sim:determinism");
	TCase *tc = tcase_create("determinism");

	tcase_add_test(tc, test_same_seed_same_trace);
	tcase_add_test(tc, test_other_seed_other_trace);
	tcase_add_test(tc, test_streams_are_independent);
	tcase_add_test(tc, test_golden_trace);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(determinism_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
