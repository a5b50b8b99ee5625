/*
 * sim/quantum.h - the quantum keeper of TLM-2.0 temporal decoupling (IEEE
 * 1666-2011 section 16.2, tlm_quantumkeeper), for threads of the kernel in
 * sim/kernel.h.
 *
 * A decoupled thread runs ahead of simulated time: it keeps a local time
 * offset, to which blocking transport adds each target's latency, and only
 * yields to the kernel (waits for the offset) once its local time reaches
 * the next sync point. Sync points are the multiples of the quantum: the
 * next one is computed from the kernel's time at reset and after each sync,
 * so every decoupled thread with the same quantum meets the others on the
 * same grid. A quantum of 0 asks for a sync after every step.
 *
 * There is no global quantum (no global state): each keeper is given its
 * quantum. The hot functions are inline; none allocates. Include where
 * sim/kernel.h may be included.
 */
#ifndef PCISIM_SIM_QUANTUM_H
#define PCISIM_SIM_QUANTUM_H

#include <stdbool.h>

#include "sim/kernel.h"
#include "sim/time.h"

/**
 * struct tlm_qk - a quantum keeper, owned by one thread (usually a local
 * or a field of the initiator). Initialise with tlm_qk_init().
 */
struct tlm_qk {
	/* private */
	struct sim_kernel *k;
	sim_time_t quantum_ps;
	sim_time_t local_ps;      /* offset ahead of sim_now() */
	sim_time_t next_sync_ps;  /* absolute; a multiple of the quantum */
	sim_time_t base_ps;       /* sim_now() when next_sync_ps was computed */
	sim_time_t budget_ps;     /* next_sync_ps - base_ps: local time allowed */
};

/**
 * tlm_qk_init() - set up @qk on kernel @k with @quantum_ps, local time 0 and
 * the first sync point computed from sim_now(@k).
 * Return: 0, or SIM_ERR_INVALID for a NULL argument.
 */
int tlm_qk_init(struct tlm_qk *qk, struct sim_kernel *k, sim_time_t quantum_ps);

/**
 * tlm_qk_set_quantum() - change the quantum, ps, and recompute the next
 * sync point from sim_now(); the local time is kept.
 */
void tlm_qk_set_quantum(struct tlm_qk *qk, sim_time_t quantum_ps);

/**
 * tlm_qk_reset() - drop the local time (set it to 0) and recompute the next
 * sync point from sim_now(), as after a sync; no waiting. For the start of
 * a thread, or after it has synchronised by other means.
 */
void tlm_qk_reset(struct tlm_qk *qk);

/**
 * tlm_qk_sync() - wait for the local time, from the thread that owns @qk
 * (sim_wait_time(), even for a local time of 0: one delta cycle, letting
 * other processes run), then reset the local time to 0 and compute the next
 * sync point from the new sim_now().
 * Return: 0; or the error of sim_wait_time() (SIM_ERR_STATE outside a
 * thread, SIM_ERR_OVERFLOW), in which case @qk is left unchanged.
 */
int tlm_qk_sync(struct tlm_qk *qk);

/** tlm_qk_quantum() - the quantum, ps. */
static inline sim_time_t tlm_qk_quantum(const struct tlm_qk *qk)
{
	return qk->quantum_ps;
}

/** tlm_qk_local_time() - the offset ahead of sim_now(), ps. */
static inline sim_time_t tlm_qk_local_time(const struct tlm_qk *qk)
{
	return qk->local_ps;
}

/**
 * tlm_qk_set() - set the local time offset, ps; typically to the delay a
 * b_transport annotated on a copy of tlm_qk_local_time().
 */
static inline void tlm_qk_set(struct tlm_qk *qk, sim_time_t local_ps)
{
	qk->local_ps = local_ps;
}

/**
 * tlm_qk_inc() - add @delay_ps to the local time, saturating at
 * SIM_TIME_MAX (a later sync then reports SIM_ERR_OVERFLOW).
 */
static inline void tlm_qk_inc(struct tlm_qk *qk, sim_time_t delay_ps)
{
	sim_time_t l = qk->local_ps;

#if defined(__GNUC__)
	/* One add and a carry test: this runs once per transaction. */
	if (__builtin_add_overflow(l, delay_ps, &qk->local_ps))
		qk->local_ps = SIM_TIME_MAX;
#else
	qk->local_ps = delay_ps > SIM_TIME_MAX - l ? SIM_TIME_MAX : l + delay_ps;
#endif
}

/**
 * tlm_qk_current_time() - the thread's own notion of now: sim_now() plus
 * the local time, ps (saturating at SIM_TIME_MAX).
 */
static inline sim_time_t tlm_qk_current_time(const struct tlm_qk *qk)
{
	sim_time_t now = sim_now(qk->k), l = qk->local_ps;

	return l > SIM_TIME_MAX - now ? SIM_TIME_MAX : now + l;
}

/** tlm_qk_next_sync_point() - the absolute time of the next sync point, ps. */
static inline sim_time_t tlm_qk_next_sync_point(const struct tlm_qk *qk)
{
	return qk->next_sync_ps;
}

/**
 * tlm_qk_need_sync() - true once the current time (sim_now() + local time)
 * has reached the next sync point: time to call tlm_qk_sync().
 */
static inline bool tlm_qk_need_sync(const struct tlm_qk *qk)
{
	/* While simulated time has not moved since the sync point was
	 * computed (the usual case: the thread runs ahead without waiting),
	 * the test is one comparison of the local time with its budget. */
	if (sim_now(qk->k) == qk->base_ps)
		return qk->local_ps >= qk->budget_ps;
	return tlm_qk_current_time(qk) >= qk->next_sync_ps;
}

#endif /* PCISIM_SIM_QUANTUM_H */
