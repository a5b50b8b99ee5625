/*
 * sim/heap.c - the timed notification queue: an array-based 4-ary min-heap
 * ordered by (time, sequence), with the keys inline.
 *
 * Four children share one or two cache lines, so a sift-down touches about
 * half the lines a binary heap would. Cancelled or moved notifications are
 * not searched for: their entries go stale (see sim_heap_entry_live()) and
 * are dropped when they surface, or all at once when they outnumber the
 * live ones.
 */
#include "sim/kernel-internal.h"

#include <stdlib.h>

static inline int entry_before(const struct sim_heap_entry *a, const struct sim_heap_entry *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

void sim_heap_sift_up(struct sim_heap_entry *h, uint32_t i, struct sim_heap_entry e)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 4;

		if (!entry_before(&e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
}

static void sift_down(struct sim_heap_entry *h, uint32_t len, uint32_t i, struct sim_heap_entry e)
{
	for (;;) {
		uint32_t first = 4 * i + 1, best, end;

		if (first >= len)
			break;
		best = first;
		end = first + 4 < len ? first + 4 : len;
		for (uint32_t c = first + 1; c < end; c++) {
			if (entry_before(&h[c], &h[best]))
				best = c;
		}
		if (!entry_before(&h[best], &e))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = e;
}

int sim_heap_grow(struct sim_kernel *k)
{
	uint32_t cap;
	struct sim_heap_entry *h;

	/* Stale entries are cheaper to drop than to make room for. */
	if (k->heap_stale > k->heap_len / 2) {
		sim_heap_compact(k);
		if (k->heap_len < k->heap_cap)
			return SIM_OK;
	}
	cap = k->heap_cap ? k->heap_cap * 2 : 64;
	if (cap <= k->heap_cap)
		return SIM_ERR_NOMEM;
	h = realloc(k->heap, (size_t)cap * sizeof(*h));
	if (!h)
		return SIM_ERR_NOMEM;
	k->heap = h;
	k->heap_cap = cap;
	return SIM_OK;
}

void sim_heap_sift_down_root(struct sim_kernel *k)
{
	sift_down(k->heap, k->heap_len, 0, k->heap[k->heap_len]);
}

static void heapify(struct sim_kernel *k)
{
	if (k->heap_len < 2)
		return;
	for (uint32_t i = (k->heap_len - 2) / 4 + 1; i-- > 0;)
		sift_down(k->heap, k->heap_len, i, k->heap[i]);
}

void sim_heap_compact(struct sim_kernel *k)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < k->heap_len; i++) {
		if (sim_heap_entry_live(&k->heap[i]))
			k->heap[j++] = k->heap[i];
		else
			k->heap[i].ev->refs--;
	}
	k->heap_len = j;
	k->heap_stale = 0;
	heapify(k);
}

void sim_heap_purge_event(struct sim_kernel *k, const struct sim_event *ev)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < k->heap_len; i++) {
		if (k->heap[i].ev != ev)
			k->heap[j++] = k->heap[i];
		else if (!sim_heap_entry_live(&k->heap[i]) && k->heap_stale > 0)
			k->heap_stale--;
	}
	k->heap_len = j;
	heapify(k);
}
