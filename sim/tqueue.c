/*
 * sim/tqueue.c - the timed notification queue: a radix heap keyed on time,
 * with sequence order among equal times.
 *
 * Simulated time never goes back, so the queue only has to be monotone:
 * every key pushed is later than the last one taken out. A radix heap
 * (Ahuja, Mehlhorn, Orlin and Tarjan, 1990) uses that: an entry sits in
 * bucket b, the position of the highest bit in which its time differs from
 * the last time taken out (bucket 0: equal). Taking the minimum empties the
 * lowest non-empty bucket into lower ones; an entry moves at most 64 times
 * and, with delays spread over a few decades, a handful. Every move is a
 * sequential copy of a 24-byte entry: no pointer chasing, no comparison
 * branches, which is what 100k pending events need (a binary heap there
 * spends its time in cache misses and mispredicted comparisons).
 *
 * Bucket 0 holds the entries due at the current minimum time, sorted by
 * sequence number and consumed from the front. Cancelled or moved
 * notifications are not searched for: their entries go stale (see
 * sim_tq_entry_live()) and are dropped when they reach the front, or all
 * at once when they outnumber the live ones.
 */
#include "sim/kernel-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* Buckets take turns holding most of the queue. Large bucket arrays are
 * mapped directly, so that releasing one gives its pages back at once:
 * from malloc's heap they would stay resident, and the queue's footprint
 * would grow to the sum of every bucket's high-water mark. One released
 * array is kept aside for the next bucket that grows large: mapping a fresh
 * one each time would fault in and zero every page again. */
#define TQ_MAP_BYTES ((size_t)64 * 1024)
#define TQ_SCRATCH SIM_TQ_BUCKETS      /* sim_tq_rebase() and sorting */
#define TQ_SPARE (SIM_TQ_BUCKETS + 1)  /* the array kept aside */

static void bucket_release(struct sim_tq_bucket *b)
{
	size_t bytes = (size_t)b->cap * sizeof(*b->e);

	if (b->e) {
		if (bytes >= TQ_MAP_BYTES)
			munmap(b->e, bytes);
		else
			free(b->e);
	}
	b->e = NULL;
	b->cap = 0;
	b->len = 0;
}

/* Give up @b's array: keep it aside if it is large and larger than the one
 * kept already, else release it. */
static void bucket_retire(struct sim_kernel *k, struct sim_tq_bucket *b)
{
	struct sim_tq_bucket *spare = &k->tq[TQ_SPARE];

	if ((size_t)b->cap * sizeof(*b->e) >= TQ_MAP_BYTES && b->cap > spare->cap) {
		bucket_release(spare);
		*spare = *b;
		spare->len = 0;
		b->e = NULL;
		b->cap = 0;
		b->len = 0;
		return;
	}
	bucket_release(b);
}

int sim_tq_bucket_grow(struct sim_kernel *k, struct sim_tq_bucket *b)
{
	struct sim_tq_bucket *spare = &k->tq[TQ_SPARE];
	uint32_t cap = b->cap ? b->cap * 2 : 16;
	size_t bytes = (size_t)cap * sizeof(*b->e);
	struct sim_tq_entry *e;

	if (cap <= b->cap)
		return SIM_ERR_NOMEM;
	if (bytes < TQ_MAP_BYTES) {
		e = realloc(b->e, bytes);
		if (!e)
			return SIM_ERR_NOMEM;
	} else {
		/* A much larger spare would sit mostly unused in this bucket. */
		if (b != spare && spare->cap >= cap && spare->cap <= 2 * cap) {
			e = spare->e;
			cap = spare->cap;
			spare->e = NULL;
			spare->cap = 0;
		} else {
			void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				return SIM_ERR_NOMEM;
			e = m;
		}
		if (b->len)
			memcpy(e, b->e, (size_t)b->len * sizeof(*e));
		{
			uint32_t len = b->len;

			bucket_release(b);
			b->len = len;
		}
	}
	b->e = e;
	b->cap = cap;
	return SIM_OK;
}

int sim_tq_init(struct sim_kernel *k)
{
	/* Past the buckets: scratch space, and the array kept aside. */
	k->tq = calloc(SIM_TQ_BUCKETS + 2, sizeof(*k->tq));
	return k->tq ? SIM_OK : SIM_ERR_NOMEM;
}

void sim_tq_destroy(struct sim_kernel *k)
{
	if (!k->tq)
		return;
	for (unsigned b = 0; b <= TQ_SPARE; b++)
		bucket_release(&k->tq[b]);
	free(k->tq);
	k->tq = NULL;
}

/* Bucket 0 was refilled in bucket order; restore sequence order. Equal
 * times are rare in most models (one entry), and a bucket filled by pushes
 * alone is already in order; otherwise a merge sort through the scratch
 * bucket (no comparison callback, no allocation per call). */
static void sort_front(struct sim_kernel *k, struct sim_tq_bucket *b0)
{
	struct sim_tq_bucket *tmp = &k->tq[TQ_SCRATCH];
	struct sim_tq_entry *a, *t;
	uint32_t n = b0->len, i;

	for (i = 1; i < n && b0->e[i - 1].seq < b0->e[i].seq; i++)
		;
	if (i >= n)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct sim_tq_entry x = b0->e[i];
			uint32_t j = i;

			while (j > 0 && b0->e[j - 1].seq > x.seq) {
				b0->e[j] = b0->e[j - 1];
				j--;
			}
			b0->e[j] = x;
		}
		return;
	}
	while (tmp->cap < n) {
		if (sim_tq_bucket_grow(k, tmp) != SIM_OK) {
			fprintf(stderr, "pcisim: out of memory in the timed queue\n");
			abort();
		}
	}
	a = b0->e;
	t = tmp->e;
	for (uint32_t w = 1; w < n; w *= 2) {
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
		struct sim_tq_entry *sw = a;

		a = t;
		t = sw;
	}
	if (a != b0->e)
		memcpy(b0->e, a, (size_t)n * sizeof(*a));
}

/* Refill bucket 0 from the lowest non-empty bucket. Returns 0 when the
 * queue is empty. Entries are moved whatever their liveness: checking
 * would touch every event. */
int sim_tq_refill(struct sim_kernel *k)
{
	struct sim_tq_bucket *b0 = &k->tq[0];
	struct sim_tq_bucket *src;
	sim_time_t min;
	unsigned i;

	b0->len = 0;
	k->tq_b0_pos = 0;
	if (!k->tq_nonempty)
		return 0;
	i = lowest_bit(k->tq_nonempty) + 1;
	src = &k->tq[i];
	if (src->len == 1) {
		/* The common case with few events pending. */
		if (b0->cap == 0 && sim_tq_bucket_grow(k, b0) != SIM_OK) {
			fprintf(stderr, "pcisim: out of memory in the timed queue\n");
			abort();
		}
		b0->e[0] = src->e[0];
		b0->len = 1;
		k->tq_last = src->e[0].when;
		src->len = 0;
		k->tq_nonempty &= ~(UINT64_C(1) << (i - 1));
		return 1;
	}
	min = src->e[0].when;
	for (uint32_t j = 1; j < src->len; j++) {
		if (src->e[j].when < min)
			min = src->e[j].when;
	}
	k->tq_last = min;
	k->tq_nonempty &= ~(UINT64_C(1) << (i - 1));
	for (uint32_t j = 0; j < src->len; j++) {
		const struct sim_tq_entry *e = &src->e[j];
		unsigned nb = sim_tq_bit_length(e->when ^ min);
		struct sim_tq_bucket *dst = &k->tq[nb];

		/* Every destination bucket is below i, so never src. */
		if (dst->len == dst->cap && sim_tq_bucket_grow(k, dst) != SIM_OK) {
			fprintf(stderr, "pcisim: out of memory in the timed queue\n");
			abort();
		}
		dst->e[dst->len++] = *e;
		if (nb)
			k->tq_nonempty |= UINT64_C(1) << (nb - 1);
	}
	src->len = 0;
	if ((size_t)src->cap * sizeof(*src->e) >= TQ_MAP_BYTES)
		bucket_retire(k, src);
	sort_front(k, b0);
	return 1;
}

/* A peek (sim_tq_top() without a pop) moved the radix base to the next
 * due time; a run that then stopped earlier lets a notification be pushed
 * below it. Lower the base to @base (at most every pending time): only
 * the buckets whose range changes are redistributed, usually a handful of
 * entries near the front. */
void sim_tq_rebase(struct sim_kernel *k, sim_time_t base)
{
	struct sim_tq_bucket *spare = &k->tq[TQ_SCRATCH];
	unsigned h = sim_tq_bit_length(k->tq_last ^ base);

	spare->len = 0;
	for (unsigned b = 0; b <= h && b < SIM_TQ_BUCKETS; b++) {
		struct sim_tq_bucket *bk = &k->tq[b];
		uint32_t from = b == 0 ? k->tq_b0_pos : 0;

		for (uint32_t i = from; i < bk->len; i++) {
			if (spare->len == spare->cap && sim_tq_bucket_grow(k, spare) != SIM_OK) {
				fprintf(stderr, "pcisim: out of memory in the timed queue\n");
				abort();
			}
			spare->e[spare->len++] = bk->e[i];
		}
		bk->len = 0;
		if (b)
			k->tq_nonempty &= ~(UINT64_C(1) << (b - 1));
	}
	k->tq_b0_pos = 0;
	k->tq_last = base;
	for (uint32_t i = 0; i < spare->len; i++) {
		const struct sim_tq_entry *e = &spare->e[i];
		unsigned nb = sim_tq_bit_length(e->when ^ base);
		struct sim_tq_bucket *dst = &k->tq[nb];

		if (dst->len == dst->cap && sim_tq_bucket_grow(k, dst) != SIM_OK) {
			fprintf(stderr, "pcisim: out of memory in the timed queue\n");
			abort();
		}
		dst->e[dst->len++] = *e;
		if (nb)
			k->tq_nonempty |= UINT64_C(1) << (nb - 1);
	}
	spare->len = 0;
	if ((size_t)spare->cap * sizeof(*spare->e) >= TQ_MAP_BYTES)
		bucket_retire(k, spare);
	sort_front(k, &k->tq[0]);
}

void sim_tq_compact(struct sim_kernel *k)
{
	uint32_t total = 0;

	for (unsigned b = 0; b < SIM_TQ_BUCKETS; b++) {
		struct sim_tq_bucket *bk = &k->tq[b];
		uint32_t from = b == 0 ? k->tq_b0_pos : 0, j = 0;

		for (uint32_t i = from; i < bk->len; i++) {
			if (sim_tq_entry_live(&bk->e[i]))
				bk->e[j++] = bk->e[i];
			else
				bk->e[i].ev->refs--;
		}
		bk->len = j;
		total += j;
		if (b == 0)
			k->tq_b0_pos = 0;
		else if (j == 0)
			k->tq_nonempty &= ~(UINT64_C(1) << (b - 1));
	}
	k->tq_len = total;
	k->tq_stale = 0;
}

void sim_tq_purge_event(struct sim_kernel *k, const struct sim_event *ev)
{
	uint32_t total = 0;

	for (unsigned b = 0; b < SIM_TQ_BUCKETS; b++) {
		struct sim_tq_bucket *bk = &k->tq[b];
		uint32_t from = b == 0 ? k->tq_b0_pos : 0, j = 0;

		for (uint32_t i = from; i < bk->len; i++) {
			if (bk->e[i].ev != ev)
				bk->e[j++] = bk->e[i];
			else if (!sim_tq_entry_live(&bk->e[i]) && k->tq_stale > 0)
				k->tq_stale--;
		}
		bk->len = j;
		total += j;
		if (b == 0)
			k->tq_b0_pos = 0;
		else if (j == 0)
			k->tq_nonempty &= ~(UINT64_C(1) << (b - 1));
	}
	k->tq_len = total;
}
