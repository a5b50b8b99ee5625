/*
 * sim/tqueue.c - the timed notification queue: a radix heap keyed on time,
 * with sequence order among equal times.
 *
 * Simulated time never goes back, so the queue only has to be monotone:
 * every key pushed is later than the last one taken out. A radix heap
 * (Ahuja, Mehlhorn, Orlin and Tarjan, 1990) uses that: an entry sits in
 * bucket b, the position of the highest bit in which its time differs from
 * the base, the last minimum taken out (bucket 0: equal). Taking the
 * minimum empties the lowest non-empty bucket into lower ones; an entry
 * moves at most 64 times and, with delays spread over a few decades, a
 * handful. Every move is a sequential copy of a 24-byte entry: no pointer
 * chasing, no comparison branches, which is what 100k pending events need
 * (a binary heap there spends its time in cache misses and mispredicted
 * comparisons).
 *
 * Buckets 1..64 are lists of 4 KiB chunks from a free list, so memory
 * follows the number of entries and a move never reallocates or faults in
 * fresh pages. Bucket 0 holds the entries due at the base, sorted by
 * sequence number and consumed from the front. Cancelled or moved
 * notifications are not searched for: their entries go stale (see
 * sim_tq_entry_live()) and are dropped when they reach the front, or all
 * at once when they outnumber the live ones.
 */
#include "sim/kernel-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	/* Called where an entry is already in flight and cannot be handed
	 * back: losing it silently would be worse than stopping. */
	fprintf(stderr, "pcisim: out of memory in the timed queue\n");
	abort();
}

static inline unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned n = 0;

	while (!(x & 1u)) {
		n++;
		x >>= 1;
	}
	return n;
#endif
}

int sim_tq_init(struct sim_kernel *k)
{
	k->tq = calloc(1, sizeof(*k->tq));
	if (!k->tq)
		return SIM_ERR_NOMEM;
	/* Bucket 0 always has room for one entry: the inline push into an
	 * empty queue relies on it. */
	k->tq->b0 = malloc(16 * sizeof(*k->tq->b0));
	if (!k->tq->b0) {
		free(k->tq);
		k->tq = NULL;
		return SIM_ERR_NOMEM;
	}
	k->tq->b0_cap = 16;
	return SIM_OK;
}

static void chunks_free(struct sim_tq_chunk *c)
{
	while (c) {
		struct sim_tq_chunk *next = c->next;

		free(c);
		c = next;
	}
}

void sim_tq_destroy(struct sim_kernel *k)
{
	struct sim_tq *q = k->tq;

	if (!q)
		return;
	for (unsigned b = 1; b < SIM_TQ_BUCKETS; b++)
		chunks_free(q->head[b]);
	chunks_free(q->free);
	free(q->b0);
	free(q->scratch);
	free(q);
	k->tq = NULL;
}

/* A new empty chunk at the tail of bucket @b; NULL when memory is out. */
static struct sim_tq_chunk *chunk_append(struct sim_tq *q, unsigned b)
{
	struct sim_tq_chunk *c = q->free;

	if (c)
		q->free = c->next;
	else if (!(c = malloc(sizeof(*c))))
		return NULL;
	c->next = NULL;
	c->len = 0;
	if (q->tail[b])
		q->tail[b]->next = c;
	else
		q->head[b] = c;
	q->tail[b] = c;
	return c;
}

/* Detach bucket @b's chunks; the caller returns them to the free list. */
static struct sim_tq_chunk *bucket_take(struct sim_kernel *k, unsigned b)
{
	struct sim_tq_chunk *c = k->tq->head[b];

	k->tq->head[b] = k->tq->tail[b] = NULL;
	k->tq_nonempty &= ~(UINT64_C(1) << (b - 1));
	return c;
}

static void chunk_release(struct sim_tq *q, struct sim_tq_chunk *c)
{
	c->next = q->free;
	q->free = c;
}

static int b0_reserve(struct sim_tq *q, uint32_t n)
{
	if (n > q->b0_cap) {
		uint32_t cap = q->b0_cap ? q->b0_cap : 16;
		struct sim_tq_entry *e;

		while (cap < n)
			cap *= 2;
		e = realloc(q->b0, (size_t)cap * sizeof(*e));
		if (!e)
			return SIM_ERR_NOMEM;
		q->b0 = e;
		q->b0_cap = cap;
	}
	return SIM_OK;
}

/* Put @e where it belongs relative to the current base (never below it). */
static int place(struct sim_kernel *k, const struct sim_tq_entry *e)
{
	struct sim_tq *q = k->tq;
	unsigned b = sim_tq_bit_length(e->when ^ k->tq_last);
	struct sim_tq_chunk *c;

	if (b == 0) {
		if (b0_reserve(q, q->b0_len + 1) != SIM_OK)
			return SIM_ERR_NOMEM;
		q->b0[q->b0_len++] = *e;
		return SIM_OK;
	}
	c = q->tail[b];
	if (!c || c->len == SIM_TQ_CHUNK) {
		c = chunk_append(q, b);
		if (!c)
			return SIM_ERR_NOMEM;
	}
	c->e[c->len++] = *e;
	k->tq_nonempty |= UINT64_C(1) << (b - 1);
	return SIM_OK;
}

/* Bucket 0 was refilled in bucket order; restore sequence order. Equal
 * times are rare in most models (one entry), and a bucket filled by pushes
 * alone is already in order; otherwise a merge sort through the scratch
 * array (no comparison callback, no allocation once it is big enough). */
static void sort_front(struct sim_kernel *k)
{
	struct sim_tq *q = k->tq;
	struct sim_tq_entry *a = q->b0 + k->tq_b0_pos, *t;
	uint32_t n = q->b0_len - k->tq_b0_pos, i;

	for (i = 1; i < n && a[i - 1].seq < a[i].seq; i++)
		;
	if (i >= n)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct sim_tq_entry x = a[i];
			uint32_t j = i;

			while (j > 0 && a[j - 1].seq > x.seq) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	if (n > q->scratch_cap) {
		t = realloc(q->scratch, (size_t)n * sizeof(*t));
		if (!t)
			out_of_memory();
		q->scratch = t;
		q->scratch_cap = n;
	}
	t = q->scratch;
	for (uint32_t w = 1; w < n; w *= 2) {
		struct sim_tq_entry *sw;

		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t x = lo, y = mid, o = lo;

			while (x < mid && y < hi)
				t[o++] = a[x].seq < a[y].seq ? a[x++] : a[y++];
			while (x < mid)
				t[o++] = a[x++];
			while (y < hi)
				t[o++] = a[y++];
		}
		sw = a;
		a = t;
		t = sw;
	}
	if (a != q->b0 + k->tq_b0_pos)
		memcpy(q->b0 + k->tq_b0_pos, a, (size_t)n * sizeof(*a));
}

/* A peek (sim_tq_top() without a pop) moves the base to the next due
 * time; a run that then stopped earlier lets a notification be pushed
 * below it. Lower the base to @base (at most every queued time): only the
 * buckets whose range changes are redistributed, usually a handful of
 * entries near the front. */
static void rebase(struct sim_kernel *k, sim_time_t base)
{
	struct sim_tq *q = k->tq;
	unsigned h = sim_tq_bit_length(k->tq_last ^ base);
	uint32_t n = q->b0_len - k->tq_b0_pos, m = 0;

	/* Count first so the scratch array is sized once. */
	for (unsigned b = 1; b <= h && b < SIM_TQ_BUCKETS; b++) {
		for (struct sim_tq_chunk *c = q->head[b]; c; c = c->next)
			n += c->len;
	}
	if (n > q->scratch_cap) {
		struct sim_tq_entry *t = realloc(q->scratch, (size_t)n * sizeof(*t));

		if (!t)
			out_of_memory();
		q->scratch = t;
		q->scratch_cap = n;
	}
	for (uint32_t i = k->tq_b0_pos; i < q->b0_len; i++)
		q->scratch[m++] = q->b0[i];
	q->b0_len = 0;
	k->tq_b0_pos = 0;
	for (unsigned b = 1; b <= h && b < SIM_TQ_BUCKETS; b++) {
		struct sim_tq_chunk *c = q->head[b] ? bucket_take(k, b) : NULL;

		while (c) {
			struct sim_tq_chunk *next = c->next;

			memcpy(q->scratch + m, c->e, (size_t)c->len * sizeof(*c->e));
			m += c->len;
			chunk_release(q, c);
			c = next;
		}
	}
	k->tq_last = base;
	for (uint32_t i = 0; i < m; i++) {
		if (place(k, &q->scratch[i]) != SIM_OK)
			out_of_memory();
	}
	sort_front(k);
}

int sim_tq_push_slow(struct sim_kernel *k, sim_time_t when, uint64_t seq, struct sim_event *ev)
{
	struct sim_tq *q = k->tq;
	struct sim_tq_entry e = { when, seq, ev };
	int err;

	if (k->tq_len == 0) {
		/* An empty queue may take any base up to the new time; starting
		 * at it puts the entry straight at the front. */
		k->tq_last = when;
		q->b0_len = 0;
		k->tq_b0_pos = 0;
	} else if (when < k->tq_last) {
		rebase(k, k->now_ps);
	} else if (k->tq_stale > k->tq_len / 2 && k->tq_len > 64) {
		/* Chunks fill up faster than the front drops stale entries. */
		sim_tq_compact(k);
		if (k->tq_len == 0) {
			k->tq_last = when;
			q->b0_len = 0;
			k->tq_b0_pos = 0;
		}
	}
	/* Bucket 0 holds times equal to the base in sequence order; a new
	 * entry has the highest sequence so far and belongs at its end. */
	err = place(k, &e);
	if (err)
		return err;
	k->tq_len++;
	ev->refs++;
	return SIM_OK;
}

/* Refill bucket 0 from the lowest non-empty bucket. Returns 0 when the
 * queue is empty. Entries are moved whatever their liveness: checking
 * would touch every event. */
int sim_tq_refill(struct sim_kernel *k)
{
	struct sim_tq *q = k->tq;
	struct sim_tq_chunk *src, *c;
	sim_time_t min;
	unsigned i;

	q->b0_len = 0;
	k->tq_b0_pos = 0;
	if (!k->tq_nonempty)
		return 0;
	i = lowest_bit(k->tq_nonempty) + 1;
	src = bucket_take(k, i);
	min = src->e[0].when;
	for (c = src; c; c = c->next) {
		for (uint32_t j = 0; j < c->len; j++) {
			if (c->e[j].when < min)
				min = c->e[j].when;
		}
	}
	k->tq_last = min;
	/* Every destination is below bucket i: its chunks are detached, so
	 * each one goes back to the free list as soon as it is read. */
	for (c = src; c;) {
		struct sim_tq_chunk *next = c->next;

		for (uint32_t j = 0; j < c->len; j++) {
			if (place(k, &c->e[j]) != SIM_OK)
				out_of_memory();
		}
		chunk_release(q, c);
		c = next;
	}
	sort_front(k);
	return 1;
}

/* Keep the entries of bucket @b for which @keep says so, in order. */
static uint32_t bucket_filter(struct sim_kernel *k, unsigned b, int (*keep)(const struct sim_tq_entry *, const void *),
			      const void *arg)
{
	struct sim_tq *q = k->tq;
	struct sim_tq_chunk *w = q->head[b], *c = q->head[b];
	uint32_t wl = 0, kept = 0;

	if (!c)
		return 0;
	for (; c; c = c->next) {
		for (uint32_t j = 0; j < c->len; j++) {
			if (!keep(&c->e[j], arg))
				continue;
			if (wl == SIM_TQ_CHUNK) {
				w->len = wl;
				w = w->next;
				wl = 0;
			}
			w->e[wl++] = c->e[j];
			kept++;
		}
	}
	/* The written chunks come first; what follows is now empty. */
	w->len = wl;
	c = w->next;
	w->next = NULL;
	q->tail[b] = w;
	while (c) {
		struct sim_tq_chunk *next = c->next;

		chunk_release(q, c);
		c = next;
	}
	if (kept == 0) {
		chunk_release(q, bucket_take(k, b));
	}
	return kept;
}

static uint32_t queue_filter(struct sim_kernel *k, int (*keep)(const struct sim_tq_entry *, const void *),
			     const void *arg)
{
	struct sim_tq *q = k->tq;
	uint32_t total = 0, j = 0;

	for (uint32_t i = k->tq_b0_pos; i < q->b0_len; i++) {
		if (keep(&q->b0[i], arg))
			q->b0[j++] = q->b0[i];
	}
	q->b0_len = j;
	k->tq_b0_pos = 0;
	total = j;
	for (unsigned b = 1; b < SIM_TQ_BUCKETS; b++)
		total += bucket_filter(k, b, keep, arg);
	return total;
}

static int keep_live(const struct sim_tq_entry *e, const void *arg)
{
	(void)arg;
	if (sim_tq_entry_live(e))
		return 1;
	e->ev->refs--;
	return 0;
}

void sim_tq_compact(struct sim_kernel *k)
{
	k->tq_len = queue_filter(k, keep_live, NULL);
	k->tq_stale = 0;
}

static int keep_other(const struct sim_tq_entry *e, const void *arg)
{
	return e->ev != (const struct sim_event *)arg;
}

void sim_tq_purge_event(struct sim_kernel *k, const struct sim_event *ev)
{
	uint32_t stale = 0;
	struct sim_tq *q = k->tq;

	/* The event's entries are all stale by now (it was unpended). */
	for (uint32_t i = k->tq_b0_pos; i < q->b0_len; i++)
		stale += q->b0[i].ev == ev;
	for (unsigned b = 1; b < SIM_TQ_BUCKETS; b++) {
		for (struct sim_tq_chunk *c = q->head[b]; c; c = c->next) {
			for (uint32_t j = 0; j < c->len; j++)
				stale += c->e[j].ev == ev;
		}
	}
	k->tq_len = queue_filter(k, keep_other, ev);
	k->tq_stale = k->tq_stale > stale ? k->tq_stale - stale : 0;
}
