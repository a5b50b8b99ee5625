/*
 * sim/kernel-internal.h - what kernel.c, proc.c and heap.c share. Private
 * to sim/; nothing outside sim/ may include it.
 */
#ifndef PCISIM_SIM_KERNEL_INTERNAL_H
#define PCISIM_SIM_KERNEL_INTERNAL_H

#include "sim/coro-internal.h"
#include "sim/kernel.h"

enum { SIM_EV_NONE = 0, SIM_EV_DELTA = 1, SIM_EV_TIMED = 2 };

/* For the few helpers of the scheduler's inner loop, where a call's
 * prologue would cost as much as the work. */
#if defined(__GNUC__)
#define SIM_HOT_INLINE static inline __attribute__((always_inline))
#define SIM_LIKELY(x) __builtin_expect(!!(x), 1)
#define SIM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SIM_HOT_INLINE static inline
#define SIM_LIKELY(x) (x)
#define SIM_UNLIKELY(x) (x)
#endif

/* One timed notification. The key (when, seq) sits inline so comparisons
 * never touch the event; an entry is stale when the event has since been
 * cancelled or moved (its pending/seq no longer match), and is dropped when
 * it reaches the top or at the next compaction. */
struct sim_heap_entry {
	sim_time_t when;
	uint64_t seq;
	struct sim_event *ev;
};

/* Dynamic sensitivity of one process: the waiter nodes of its current wait
 * (index n_ev is the timeout, when armed) and what woke it. */
struct sim_dynwait {
	struct sim_waiter *w;
	uint32_t n;       /* waiter nodes in use (events, plus the timeout) */
	uint32_t cap;
	uint32_t n_ev;    /* events in the wait; the timeout, if any, is w[n_ev] */
	int fired;        /* index of the waiter that woke the process */
	uint8_t active;   /* a dynamic wait is registered */
	uint8_t has_timeout;
	struct sim_event timeout;
};

/* A thread's coroutine and what the scheduler must do with it. */
struct sim_thread_ctx {
	struct sim_coro coro;
	sim_cleanup_fn cleanup;
	void *cleanup_opaque;
	uint8_t zombie;       /* waiting for the scheduler to run its cleanup */
	uint8_t reset_after;  /* respawn once the cleanup ran */
};

/* heap.c */
int sim_heap_grow(struct sim_kernel *k);
void sim_heap_sift_up(struct sim_heap_entry *h, uint32_t i, struct sim_heap_entry e);
void sim_heap_sift_down_root(struct sim_kernel *k);

/* Remove the top entry. */
SIM_HOT_INLINE void sim_heap_pop(struct sim_kernel *k)
{
	k->heap[0].ev->refs--;
	if (--k->heap_len > 0)
		sim_heap_sift_down_root(k);
}
void sim_heap_purge_event(struct sim_kernel *k, const struct sim_event *ev);
void sim_heap_compact(struct sim_kernel *k);

static inline int sim_heap_entry_live(const struct sim_heap_entry *e)
{
	return e->ev->pending == SIM_EV_TIMED && e->ev->seq == e->seq;
}

SIM_HOT_INLINE int sim_heap_push(struct sim_kernel *k, sim_time_t when, uint64_t seq, struct sim_event *ev)
{
	struct sim_heap_entry e = { when, seq, ev };

	if (k->heap_len == k->heap_cap) {
		int err = sim_heap_grow(k);

		if (err)
			return err;
	}
	sim_heap_sift_up(k->heap, k->heap_len++, e);
	ev->refs++;
	return SIM_OK;
}

/* kernel.c */
void sim_runq_grow(struct sim_kernel *k);

/* Append to the runnable queue; it grows (or aborts when host memory is
 * gone: nothing sensible can continue) but never drops an entry. */
SIM_HOT_INLINE void sim_runq_push(struct sim_kernel *k, uintptr_t item)
{
	if (SIM_UNLIKELY(k->runq_tail - k->runq_head == k->runq_cap))
		sim_runq_grow(k);
	k->runq[k->runq_tail++ & (k->runq_cap - 1)] = item;
}

void sim_runq_forget(struct sim_kernel *k, uintptr_t item);
void sim_kernel_set_error(struct sim_kernel *k, int err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
void sim_tls_set(void *context);

/* proc.c */
SIM_HOT_INLINE void sim_proc_make_runnable(struct sim_proc *p)
{
	p->state = SIM_PROC_RUNNABLE;
	if (!p->queued) {
		p->queued = 1;
		sim_runq_push(p->k, (uintptr_t)p | 1u);
	}
}

/* Static sensitivity: a waiting process wakes unless a dynamic wait masks
 * it. */
SIM_HOT_INLINE void sim_proc_trigger_static(struct sim_event *ev)
{
	if (ev->sens.cap == 0) {
		struct sim_proc *p = ev->sens.u.one;

		if (p->state == SIM_PROC_WAITING && !(p->dyn && p->dyn->active))
			sim_proc_make_runnable(p);
		return;
	}
	for (uint32_t i = 0; i < ev->sens.n; i++) {
		struct sim_proc *p = ev->sens.u.many[i];

		if (p->state == SIM_PROC_WAITING && !(p->dyn && p->dyn->active))
			sim_proc_make_runnable(p);
	}
}

void sim_proc_wake_waiters(struct sim_event *ev);
void sim_proc_resume_thread(struct sim_kernel *k, struct sim_proc *p);
void sim_proc_reap_zombies(struct sim_kernel *k);
void sim_proc_drop_sensitivity(struct sim_event *ev);
void sim_proc_destroy_all(struct sim_kernel *k);

#endif /* PCISIM_SIM_KERNEL_INTERNAL_H */
