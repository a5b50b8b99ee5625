/*
 * hostos/latency.c - ISR, DPC and interrupt-to-DPC times
 * (hostos/latency.h), fed by interrupt.c and dpc.c.
 */
#include <stdlib.h>
#include <string.h>

#include "hostos/latency-internal.h"
#include "hostos/latency.h"
#include "hostos/os-internal.h"

/* Values 0..15 have a bucket each; above, 8 buckets per power of two. */
#define SUB 8u
#define BUCKETS (16u + 60u * SUB)
#define PEND 256u /* DPCs queued from ISRs and not yet run, tracked at once */

struct hist {
	uint64_t count, sum, min, max;
	uint32_t b[BUCKETS];
};

struct pend {
	const void *dpc;  /* NULL: free slot */
	sim_time_t irq_ps;
};

struct hostos_latency {
	struct hist isr, dpc, irq_to_dpc;
	struct pend pend[PEND];
	uint64_t unmatched;
};

static unsigned bucket(uint64_t v)
{
	unsigned e;

	if (v < 16)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v); /* 4..63 */
	return 16u + (e - 4u) * SUB + (unsigned)((v >> (e - 3u)) & (SUB - 1u));
}

/* The largest value of bucket @i. */
static uint64_t bucket_top(unsigned i)
{
	unsigned e, sub;

	if (i < 16)
		return i;
	e = (i - 16u) / SUB + 4u;
	sub = (i - 16u) % SUB;
	return ((uint64_t)(SUB + sub + 1u) << (e - 3u)) - 1u;
}

static void add(struct hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->b[bucket(v)]++;
}

static struct hostos_latency *get(struct hostos *os)
{
	if (!os->latency)
		os->latency = calloc(1, sizeof(*os->latency));
	return os->latency;
}

void hostos_latency_isr(struct hostos *os, sim_time_t ran_ps)
{
	struct hostos_latency *l = get(os);

	if (l)
		add(&l->isr, ran_ps);
}

static struct pend *find(struct hostos_latency *l, const void *dpc, bool take_free)
{
	unsigned h = (unsigned)(((uintptr_t)dpc >> 4) * 2654435761u) % PEND;

	for (unsigned i = 0; i < PEND; i++) {
		struct pend *p = &l->pend[(h + i) % PEND];

		if (p->dpc == dpc || (take_free && !p->dpc))
			return p;
		if (!p->dpc && !take_free)
			return NULL;
	}
	return NULL;
}

void hostos_latency_dpc_queued(struct hostos *os, const void *dpc, sim_time_t irq_ps)
{
	struct hostos_latency *l = get(os);
	struct pend *p;

	if (!l)
		return;
	p = find(l, dpc, false);
	if (p)
		return; /* queued again before it ran: the first interrupt counts */
	p = find(l, dpc, true);
	if (!p) {
		l->unmatched++;
		return;
	}
	p->dpc = dpc;
	p->irq_ps = irq_ps;
}

void hostos_latency_dpc_ran(struct hostos *os, const void *dpc, sim_time_t start_ps,
			    sim_time_t ran_ps)
{
	struct hostos_latency *l = get(os);
	struct pend *p;

	if (!l)
		return;
	add(&l->dpc, ran_ps);
	p = find(l, dpc, false);
	if (!p)
		return;
	add(&l->irq_to_dpc, start_ps - p->irq_ps);
	/* Removing from linear probing: put back the rest of the run. */
	p->dpc = NULL;
	for (unsigned i = (unsigned)(p - l->pend + 1) % PEND; l->pend[i].dpc; i = (i + 1) % PEND) {
		struct pend moved = l->pend[i];

		l->pend[i].dpc = NULL;
		*find(l, moved.dpc, true) = moved;
	}
}

void hostos_latency_destroy(struct hostos *os)
{
	free(os->latency);
	os->latency = NULL;
}

static void summarize(const struct hist *h, struct hostos_latency_summary *s)
{
	const double q[3] = { 0.50, 0.90, 0.99 };
	sim_time_t *out[3] = { &s->p50_ps, &s->p90_ps, &s->p99_ps };

	memset(s, 0, sizeof(*s));
	if (!h->count)
		return;
	s->count = h->count;
	s->min_ps = h->min;
	s->max_ps = h->max;
	s->mean_ps = h->sum / h->count;
	for (unsigned k = 0; k < 3; k++) {
		uint64_t rank = (uint64_t)(q[k] * (double)h->count + 0.999999);
		uint64_t seen = 0;

		if (rank == 0)
			rank = 1;
		for (unsigned i = 0; i < BUCKETS; i++) {
			seen += h->b[i];
			if (seen >= rank) {
				uint64_t top = bucket_top(i);

				*out[k] = top < h->max ? top : h->max;
				break;
			}
		}
	}
}

void hostos_latency_stats(const struct hostos *os, struct hostos_latency_stats *out)
{
	const struct hostos_latency *l = os ? os->latency : NULL;

	memset(out, 0, sizeof(*out));
	if (!l)
		return;
	summarize(&l->isr, &out->isr);
	summarize(&l->dpc, &out->dpc);
	summarize(&l->irq_to_dpc, &out->irq_to_dpc);
	out->unmatched = l->unmatched;
}
