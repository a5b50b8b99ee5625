/*
 * sim/quantum.c - the out-of-line part of the quantum keeper of
 * sim/quantum.h: sync point computation and synchronisation.
 */
#include "sim/quantum.h"

#include "sim/error.h"

/* The first multiple of the quantum strictly after @now: a thread that
 * syncs exactly on a boundary gets a whole quantum before the next one.
 * With no quantum, the next sync point is now itself. */
static sim_time_t next_sync_point(sim_time_t now, sim_time_t quantum)
{
	sim_time_t base;

	if (quantum == 0)
		return now;
	base = now - now % quantum;
	return quantum > SIM_TIME_MAX - base ? SIM_TIME_MAX : base + quantum;
}

/* Compute the next sync point from sim_now() and the budget that goes
 * with it. */
static void plan_sync(struct tlm_qk *qk)
{
	qk->base_ps = sim_now(qk->k);
	qk->next_sync_ps = next_sync_point(qk->base_ps, qk->quantum_ps);
	qk->budget_ps = qk->next_sync_ps - qk->base_ps;
}

int tlm_qk_init(struct tlm_qk *qk, struct sim_kernel *k, sim_time_t quantum_ps)
{
	if (qk == NULL || k == NULL)
		return SIM_ERR_INVALID;
	qk->k = k;
	qk->quantum_ps = quantum_ps;
	qk->local_ps = 0;
	plan_sync(qk);
	return SIM_OK;
}

void tlm_qk_set_quantum(struct tlm_qk *qk, sim_time_t quantum_ps)
{
	qk->quantum_ps = quantum_ps;
	plan_sync(qk);
}

void tlm_qk_reset(struct tlm_qk *qk)
{
	qk->local_ps = 0;
	plan_sync(qk);
}

int tlm_qk_sync(struct tlm_qk *qk)
{
	int err = sim_wait_time(qk->k, qk->local_ps);

	if (err != SIM_OK)
		return err;
	tlm_qk_reset(qk);
	return SIM_OK;
}
