/*
 * sim/kernel-internal.h - what kernel.c, proc.c and tqueue.c share. Private
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

/* One timed notification. The key (when, seq) sits inline so ordering
 * never touches the event; an entry is stale when the event has since been
 * cancelled or moved (its pending/seq no longer match). */
struct sim_tq_entry {
	sim_time_t when;
	uint64_t seq;
	struct sim_event *ev;
};

/* The radix queue's storage (tqueue.c). Buckets 1..64 are lists of
 * fixed-size chunks drawn from a free list, so the queue's memory follows
 * the number of entries and moving entries never reallocates; bucket 0 is
 * an array, sorted by sequence and consumed from the front. */
#define SIM_TQ_BUCKETS 65 /* bit lengths 0..64 */
#define SIM_TQ_CHUNK 170  /* entries per chunk: about 4 KiB */

struct sim_tq_chunk {
	struct sim_tq_chunk *next;
	uint32_t len;
	struct sim_tq_entry e[SIM_TQ_CHUNK];
};

struct sim_tq {
	struct sim_tq_entry *b0;       /* due at tq_last, in sequence order */
	uint32_t b0_len, b0_cap;
	struct sim_tq_chunk *head[SIM_TQ_BUCKETS], *tail[SIM_TQ_BUCKETS];
	struct sim_tq_chunk *free;     /* chunks to reuse */
	struct sim_tq_entry *scratch;  /* for sorting and rebasing */
	uint32_t scratch_cap;
};

/* One delta notification; stale when the event's seq moved on. */
struct sim_delta_entry {
	struct sim_event *ev;
	uint64_t seq;
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

/* tqueue.c */
int sim_tq_init(struct sim_kernel *k);
void sim_tq_destroy(struct sim_kernel *k);
int sim_tq_push_slow(struct sim_kernel *k, sim_time_t when, uint64_t seq, struct sim_event *ev);
int sim_tq_refill(struct sim_kernel *k);
void sim_tq_compact(struct sim_kernel *k);
void sim_tq_purge_event(struct sim_kernel *k, const struct sim_event *ev);

static inline int sim_tq_entry_live(const struct sim_tq_entry *e)
{
	return e->ev->pending == SIM_EV_TIMED && e->ev->seq == e->seq;
}

static inline unsigned sim_tq_bit_length(uint64_t x)
{
#if defined(__GNUC__)
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
#else
	unsigned n = 0;

	while (x) {
		n++;
		x >>= 1;
	}
	return n;
#endif
}

/* Queue a timed notification; @when is later than now. The fast path
 * appends to the tail chunk of a bucket above 0; everything else (an empty
 * queue, bucket 0, a full chunk, a time below the base) is in tqueue.c. */
SIM_HOT_INLINE int sim_tq_push(struct sim_kernel *k, sim_time_t when, uint64_t seq, struct sim_event *ev)
{
	struct sim_tq_chunk *c;
	unsigned b;

	if (k->tq_len == 0) {
		/* An empty queue takes the new time as its base, which puts
		 * the entry straight at the front: the common case of a model
		 * with one timer pending at a time. */
		struct sim_tq *q = k->tq;

		k->tq_last = when;
		k->tq_b0_pos = 0;
		q->b0[0].when = when;
		q->b0[0].seq = seq;
		q->b0[0].ev = ev;
		q->b0_len = 1;
		k->tq_len = 1;
		ev->refs++;
		return SIM_OK;
	}
	if (SIM_LIKELY(k->tq_len != 0 && when > k->tq_last)) {
		b = sim_tq_bit_length(when ^ k->tq_last);
		c = k->tq->tail[b];
		if (SIM_LIKELY(c && c->len < SIM_TQ_CHUNK)) {
			c->e[c->len].when = when;
			c->e[c->len].seq = seq;
			c->e[c->len++].ev = ev;
			k->tq_nonempty |= UINT64_C(1) << (b - 1);
			k->tq_len++;
			ev->refs++;
			return SIM_OK;
		}
	}
	return sim_tq_push_slow(k, when, seq, ev);
}

/* The next live entry due at the base (bucket 0), dropping stale ones on
 * the way; NULL when none is left at that time. Unlike sim_tq_top() it
 * never moves the base forward. */
SIM_HOT_INLINE struct sim_tq_entry *sim_tq_front(struct sim_kernel *k)
{
	struct sim_tq *q = k->tq;

	while (k->tq_b0_pos < q->b0_len) {
		struct sim_tq_entry *e = &q->b0[k->tq_b0_pos];

#if defined(__GNUC__)
		/* Many notifications due at once (thousands of processes on
		 * one clock) each touch an event nobody touched for a while:
		 * ask for the next ones' cache lines early. */
		if (k->tq_b0_pos + 4 < q->b0_len)
			__builtin_prefetch(e[4].ev);
#endif
		if (SIM_LIKELY(sim_tq_entry_live(e)))
			return e;
		e->ev->refs--;
		k->tq_stale--;
		k->tq_len--;
		k->tq_b0_pos++;
	}
	return NULL;
}

/* The earliest live entry; NULL if none. */
SIM_HOT_INLINE struct sim_tq_entry *sim_tq_top(struct sim_kernel *k)
{
	for (;;) {
		struct sim_tq_entry *e = sim_tq_front(k);

		if (e)
			return e;
		if (k->tq_len == 0 || !sim_tq_refill(k))
			return NULL;
	}
}

/* Remove the entry sim_tq_top() returned. */
SIM_HOT_INLINE void sim_tq_pop(struct sim_kernel *k)
{
	k->tq->b0[k->tq_b0_pos++].ev->refs--;
	k->tq_len--;
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
struct sim_proc *sim_handoff_target(struct sim_kernel *k, struct sim_proc *self);

/* Private bits of sim_proc.flags, above the public enum sim_proc_flags. */
#define SIM_PROC_F_THREAD 0x40u /* a thread, not a method */
#define SIM_PROC_F_QUEUED 0x80u /* in the runnable queue */

static inline int sim_proc_is_thread(const struct sim_proc *p)
{
	return (p->flags & SIM_PROC_F_THREAD) != 0;
}

/* proc.c */
SIM_HOT_INLINE void sim_proc_make_runnable(struct sim_proc *p)
{
	p->state = SIM_PROC_RUNNABLE;
	if (!(p->flags & SIM_PROC_F_QUEUED)) {
		p->flags |= SIM_PROC_F_QUEUED;
		sim_runq_push(p->k, (uintptr_t)p | 1u);
	}
}

/* Static sensitivity: a waiting process wakes unless a dynamic wait masks
 * it. */
SIM_HOT_INLINE void sim_proc_trigger_static(struct sim_event *ev)
{
	if (ev->nsens == 1) {
		struct sim_proc *p = ev->sens.one;

		if (p->state == SIM_PROC_WAITING && !(p->dyn && p->dyn->active))
			sim_proc_make_runnable(p);
		return;
	}
	for (uint32_t i = 0; i < ev->nsens; i++) {
		struct sim_proc *p = ev->sens.many[i];

		if (p->state == SIM_PROC_WAITING && !(p->dyn && p->dyn->active))
			sim_proc_make_runnable(p);
	}
}

void sim_proc_wake_waiters(struct sim_event *ev);

/* Unlink the one waiter of @ev, whose process waits on @ev alone, and
 * record that @ev woke it; the caller decides how the process runs. */
SIM_HOT_INLINE void sim_proc_take_lone_waiter(struct sim_event *ev)
{
	struct sim_waiter *w = ev->waiters;
	struct sim_dynwait *d = w->proc->dyn;

	ev->waiters = NULL;
	w->next = w->prev = NULL;
	d->fired = 0;
	d->n = 0;
	d->n_ev = 0;
	d->has_timeout = 0;
	d->active = 0;
}

/* The common case of one process waiting on @ev alone (no other event, no
 * timeout): wake it without the general walk of sim_proc_wake_waiters().
 * Returns 0 when that walk is needed. */
SIM_HOT_INLINE int sim_proc_wake_single(struct sim_event *ev)
{
	struct sim_waiter *w = ev->waiters;
	struct sim_proc *p = w->proc;
	struct sim_dynwait *d = p->dyn;

	if (w->next || p->state != SIM_PROC_WAITING || d->n != 1)
		return 0;
	sim_proc_take_lone_waiter(ev);
	sim_proc_make_runnable(p);
	return 1;
}
void sim_proc_resume_thread(struct sim_kernel *k, struct sim_proc *p);
void sim_proc_reap_zombies(struct sim_kernel *k);
void sim_proc_drop_sensitivity(struct sim_event *ev);
void sim_proc_destroy_all(struct sim_kernel *k);

#endif /* PCISIM_SIM_KERNEL_INTERNAL_H */
