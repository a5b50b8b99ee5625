/*
 * hostos/fault.c - fault injection (hostos/fault.h): the per-instance
 * counters and sites, the check the allocation paths make
 * (hostos/fault-internal.h), and the one-run-per-site helper.
 */
#include "hostos/fault-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct site_list {
	struct hostos_fault_site *v;
	size_t n, cap;
};

struct hostos_fault_plan {
	unsigned kinds;
	struct site_list sites;     /* every run's, first seen first */
	long target;                /* index into sites; -1: none */
	bool injected;
};

struct hostos_fault {
	struct hostos_fault_stats st;
	struct sim_rng low;                  /* Low Resources Simulation's draws */
	struct site_list sites;
	uint64_t nth_left[HOSTOS_FAULT_KINDS]; /* countdown; 0: none */
	const void *site_target[HOSTOS_FAULT_KINDS];
	uint32_t map_regs_max;
	struct hostos_fault_plan *plan;
};

const char *hostos_fault_kind_name(enum hostos_fault_kind kind)
{
	switch (kind) {
	case HOSTOS_FAULT_POOL: return "pool";
	case HOSTOS_FAULT_COMMON_BUFFER: return "common-buffer";
	case HOSTOS_FAULT_MAP_REGISTERS: return "map-registers";
	}
	return "unknown";
}

static struct hostos_fault *state(struct hostos *os)
{
	if (!os->fault) {
		os->fault = calloc(1, sizeof(*os->fault));
		/* Its own stream: its draws never change the schedule's. */
		if (os->fault)
			sim_rng_derive(&os->fault->low, os->cfg.seed, "hostos-low-resources");
	}
	return os->fault;
}

/* Low Resources Simulation: a random failure, past the delay. */
static bool low_resources(struct hostos *os, struct hostos_fault *f)
{
	const struct hostos_config *c = &os->cfg;

	if (!(c->verifier & HOSTOS_VERIFY_LOW_RESOURCES) || sim_now(os->k) < c->low_resources_delay_ps)
		return false;
	return sim_rng_below(&f->low, 10000) < c->low_resources_per_10000;
}

void hostos_fault_destroy(struct hostos *os)
{
	if (!os->fault)
		return;
	free(os->fault->sites.v);
	free(os->fault);
	os->fault = NULL;
}

/* The entry of (@kind, @site) in @l, added if new; NULL when out of memory. */
static struct hostos_fault_site *site_of(struct site_list *l, enum hostos_fault_kind kind,
					 const void *site)
{
	for (size_t i = l->n; i-- > 0;)
		if (l->v[i].site == site && l->v[i].kind == kind)
			return &l->v[i];
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct hostos_fault_site *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (struct hostos_fault_site){ kind, site, 0 };
	return &l->v[l->n++];
}

bool hostos_fault_hit(struct hostos *os, enum hostos_fault_kind kind, const void *site)
{
	struct hostos_fault *f = state(os);
	struct hostos_fault_site *s;
	struct hostos_fault_plan *p;
	bool fail = false;

	if (!f)
		return false;
	s = site_of(&f->sites, kind, site);
	p = f->plan;

	f->st.attempts[kind]++;
	if (s)
		s->calls++;
	if (f->nth_left[kind] && --f->nth_left[kind] == 0)
		fail = true;
	if (f->site_target[kind] == site) {
		f->site_target[kind] = NULL;
		fail = true;
	}
	if (p && (p->kinds >> kind & 1u)) {
		struct hostos_fault_site *ps = site_of(&p->sites, kind, site);

		if (ps)
			ps->calls++;
		if (p->target >= 0 && !p->injected && p->sites.v[p->target].site == site &&
		    p->sites.v[p->target].kind == kind) {
			p->injected = true;
			fail = true;
		}
	}
	if (!fail && low_resources(os, f))
		fail = true;
	if (fail)
		f->st.injected[kind]++;
	return fail;
}

int hostos_fault_fail_nth(struct hostos *os, enum hostos_fault_kind kind, uint64_t nth)
{
	if (!os || (unsigned)kind >= HOSTOS_FAULT_KINDS)
		return SIM_ERR_INVALID;
	if (!state(os))
		return SIM_ERR_NOMEM;
	os->fault->nth_left[kind] = nth;
	return SIM_OK;
}

int hostos_fault_fail_site(struct hostos *os, enum hostos_fault_kind kind, const void *site)
{
	if (!os || (unsigned)kind >= HOSTOS_FAULT_KINDS)
		return SIM_ERR_INVALID;
	if (!state(os))
		return SIM_ERR_NOMEM;
	os->fault->site_target[kind] = site;
	return SIM_OK;
}

int hostos_fault_record(struct hostos *os)
{
	if (!os)
		return SIM_ERR_INVALID;
	return state(os) ? SIM_OK : SIM_ERR_NOMEM;
}

size_t hostos_fault_sites(const struct hostos *os, struct hostos_fault_site *out, size_t max)
{
	const struct hostos_fault *f = os ? os->fault : NULL;

	if (!f)
		return 0;
	for (size_t i = 0; i < f->sites.n && i < max; i++)
		out[i] = f->sites.v[i];
	return f->sites.n;
}

void hostos_fault_stats(const struct hostos *os, struct hostos_fault_stats *out)
{
	if (os && os->fault)
		*out = os->fault->st;
	else
		memset(out, 0, sizeof(*out));
}

int hostos_fault_set_map_registers(struct hostos *os, uint32_t max)
{
	if (!os)
		return SIM_ERR_INVALID;
	if (!state(os))
		return SIM_ERR_NOMEM;
	os->fault->map_regs_max = max;
	return SIM_OK;
}

uint32_t hostos_fault_map_registers(const struct hostos *os, uint32_t wanted)
{
	const struct hostos_fault *f = os->fault;

	return f && f->map_regs_max && f->map_regs_max < wanted ? f->map_regs_max : wanted;
}

/* ---- one run per site ---- */

int hostos_fault_use_plan(struct hostos *os, struct hostos_fault_plan *plan)
{
	if (!os || !plan)
		return SIM_ERR_INVALID;
	if (!state(os))
		return SIM_ERR_NOMEM;
	os->fault->plan = plan;
	return SIM_OK;
}

const void *hostos_fault_plan_site(const struct hostos_fault_plan *plan,
				   enum hostos_fault_kind *kind)
{
	if (!plan || plan->target < 0)
		return NULL;
	if (kind)
		*kind = plan->sites.v[plan->target].kind;
	return plan->sites.v[plan->target].site;
}

bool hostos_fault_plan_injected(const struct hostos_fault_plan *plan)
{
	return plan && plan->injected;
}

/* PCISIM_FAULT_RUN=n: only run n is replayed (0 when unset or bad). */
static long replay_run(void)
{
	const char *env = getenv("PCISIM_FAULT_RUN");
	char *end;
	long v;

	if (!env || !*env)
		return 0;
	errno = 0;
	v = strtol(env, &end, 0);
	return errno == 0 && *end == '\0' && v > 0 ? v : 0;
}

int hostos_for_fault_sites(unsigned kinds, unsigned max_runs, hostos_fault_body body, void *arg,
			   struct hostos_fault_sweep_result *result)
{
	struct hostos_fault_sweep_result r = { 0, 0, 0, -1, { HOSTOS_FAULT_POOL, NULL, 0 } };
	struct hostos_fault_plan *plan = calloc(1, sizeof(*plan));
	long only = replay_run();
	int rc = 0;

	if (!plan)
		return SIM_ERR_NOMEM;
	if (!max_runs)
		max_runs = 1000;
	plan->kinds = kinds;
	plan->target = -1;
	rc = body(plan, arg);
	r.runs = 1;
	if (rc) {
		r.failed_run = 0;
		fprintf(stderr, "pcisim: fault-site run 0 (no fault injected) failed\n");
	}
	for (size_t i = 0; !rc && i < plan->sites.n && r.runs < max_runs; i++) {
		long run = (long)i + 1;

		if (only && run != only)
			continue;
		plan->target = (long)i;
		plan->injected = false;
		rc = body(plan, arg);
		r.runs++;
		r.injected += plan->injected;
		if (rc) {
			r.failed_run = (int)run;
			r.failed = plan->sites.v[i];
			fprintf(stderr,
				"pcisim: fault-site run %ld failed: the first %s allocation from code "
				"address %p refused; replay with PCISIM_FAULT_RUN=%ld\n",
				run, hostos_fault_kind_name(plan->sites.v[i].kind),
				plan->sites.v[i].site, run);
		}
	}
	r.sites = (unsigned)plan->sites.n;
	if (result)
		*result = r;
	free(plan->sites.v);
	free(plan);
	return rc;
}
