/*
 * hostos/dpc.c - Deferred Procedure Calls (spec §3): the KDPC routines,
 * per-CPU queues, when a queue drains, and DpcForIsr's KeInsertQueueDpc
 * underneath IoRequestDpc.
 *
 * Queue state lives in the driver's KDPC as Windows keeps it: DpcData is
 * non-NULL exactly while the DPC is queued (it points at the CPU), Number
 * is the target processor plus MAXIMUM_PROCESSORS once
 * KeSetTargetProcessorDpc was called (0: the current CPU). The per-CPU
 * queue itself is a ring of KDPC pointers in the CPU, not a list through
 * DpcListEntry, so a driver that scribbles over a queued KDPC's list
 * entry does not corrupt the OS's state.
 */
#include <wdm.h>

#include <stdlib.h>
#include <string.h>

#include "hostos/latency-internal.h"
#include "hostos/os-internal.h"

/* Object types of the KDPC Type field (ReactOS and Wine use these). */
#define DPC_OBJECT 0x13
#define THREADED_DPC_OBJECT 0x18
/* ReactOS KiMaximumDpcQueueDepth: a queue this deep drains even when it
 * holds only Low importance DPCs. */
#define MAX_DPC_QUEUE_DEPTH 4u

static struct hostos_cpu *target_of(struct hostos_thread *t, const KDPC *dpc)
{
	if (dpc->Number >= MAXIMUM_PROCESSORS)
		return &t->os->cpus[dpc->Number - MAXIMUM_PROCESSORS];
	return t->cpu;
}

bool hostos_dpc_ready(const struct hostos_cpu *cpu)
{
	if (!cpu->dpcq_len)
		return false;
	/* A clock tick (hostos/timer.c) runs Low importance ones too. */
	return cpu->dpcq_urgent || cpu->flush || cpu->tick ||
	       cpu->dpcq_len >= MAX_DPC_QUEUE_DEPTH || cpu->os->cfg.dpc_mode == HOSTOS_DPC_EAGER;
}

/* ---- the ring ---- */

static bool ring_grow(struct hostos_cpu *cpu)
{
	unsigned cap = cpu->dpcq_cap ? cpu->dpcq_cap * 2 : 16;
	void **v = malloc(cap * sizeof(*v));

	if (!v)
		return false;
	for (unsigned i = 0; i < cpu->dpcq_len; i++)
		v[i] = cpu->dpcq[(cpu->dpcq_head + i) % cpu->dpcq_cap];
	free(cpu->dpcq);
	cpu->dpcq = v;
	cpu->dpcq_cap = cap;
	cpu->dpcq_head = 0;
	return true;
}

static void ring_push(struct hostos_cpu *cpu, KDPC *dpc, bool front)
{
	if (front) {
		cpu->dpcq_head = (cpu->dpcq_head + cpu->dpcq_cap - 1) % cpu->dpcq_cap;
		cpu->dpcq[cpu->dpcq_head] = dpc;
	} else {
		cpu->dpcq[(cpu->dpcq_head + cpu->dpcq_len) % cpu->dpcq_cap] = dpc;
	}
	cpu->dpcq_len++;
	if (dpc->Importance != LowImportance)
		cpu->dpcq_urgent++;
}

static KDPC *ring_pop(struct hostos_cpu *cpu)
{
	KDPC *dpc = cpu->dpcq[cpu->dpcq_head];

	cpu->dpcq_head = (cpu->dpcq_head + 1) % cpu->dpcq_cap;
	cpu->dpcq_len--;
	if (dpc->Importance != LowImportance)
		cpu->dpcq_urgent--;
	return dpc;
}

static bool ring_remove(struct hostos_cpu *cpu, KDPC *dpc)
{
	for (unsigned i = 0; i < cpu->dpcq_len; i++) {
		unsigned at = (cpu->dpcq_head + i) % cpu->dpcq_cap;

		if (cpu->dpcq[at] != dpc)
			continue;
		for (unsigned j = i; j + 1 < cpu->dpcq_len; j++)
			cpu->dpcq[(cpu->dpcq_head + j) % cpu->dpcq_cap] =
				cpu->dpcq[(cpu->dpcq_head + j + 1) % cpu->dpcq_cap];
		cpu->dpcq_len--;
		if (dpc->Importance != LowImportance)
			cpu->dpcq_urgent--;
		return true;
	}
	return false;
}

/* ---- running them ---- */

static void run_one(struct hostos_thread *t, KDPC *dpc)
{
	struct hostos *os = t->os;
	struct hostos_frame f;
	sim_time_t ran;

	/* Dequeued before the call, so the routine may queue it again. */
	dpc->DpcData = NULL;
	hostos_frame_enter(t, &f, HOSTOS_CTX_DPC, (const void *)(uintptr_t)dpc->DeferredRoutine);
	dpc->DeferredRoutine(dpc, dpc->DeferredContext, dpc->SystemArgument1,
			     dpc->SystemArgument2);
	hostos_frame_leave(t, &f);
	ran = sim_now(os->k) - f.start_ps;
	hostos_latency_dpc_ran(os, dpc, f.start_ps, ran);
	if (os->trace) {
		char name[96];
		const struct sim_ctrace_arg args[] = {
			SIM_CTRACE_ARG_STR("routine", name),
		};

		hostos_code_name((const void *)(uintptr_t)dpc->DeferredRoutine, name, sizeof(name));

		sim_ctrace_complete_args(os->trace, os->cpu_track[t->cpu->index], "DPC",
					 f.start_ps, ran, args, 1);
	}
	if (os->cfg.dpc_warn_ps && ran > os->cfg.dpc_warn_ps)
		hostos_warn(os, "a DPC ran for %llu ns on CPU %u (guidance: at most %llu ns)",
			    (unsigned long long)(ran / SIM_NS(1)), t->cpu->index,
			    (unsigned long long)(os->cfg.dpc_warn_ps / SIM_NS(1)));
}

void hostos_dpc_drain(struct hostos_thread *t)
{
	struct hostos_cpu *cpu = t->cpu;
	uint8_t old = cpu->irql;

	if (cpu->draining || old >= HOSTOS_DISPATCH || !hostos_dpc_ready(cpu))
		return;
	cpu->draining = true;
	cpu->irql = HOSTOS_DISPATCH;
	hostos_irql_changed(t, old, HOSTOS_DISPATCH);
	/* Until the queue is empty, DPCs queued meanwhile included (spec
	 * §3.2, "Running"). */
	while (cpu->dpcq_len)
		run_one(t, ring_pop(cpu));
	cpu->irql = old;
	hostos_irql_changed(t, HOSTOS_DISPATCH, old);
	cpu->draining = false;
	cpu->flush = false;
	cpu->tick = false;
	sim_notify(&t->os->dpc_done, 0);
}

/* The clock tick's insert: no current thread, so the CPU is told with
 * its kick event, as another CPU's DPC is. */
bool hostos_dpc_insert(struct hostos_cpu *cpu, void *dpc, void *arg1, void *arg2)
{
	KDPC *d = dpc;

	if (d->DpcData || (cpu->dpcq_len == cpu->dpcq_cap && !ring_grow(cpu)))
		return false;
	d->SystemArgument1 = arg1;
	d->SystemArgument2 = arg2;
	d->DpcData = cpu;
	ring_push(cpu, d, d->Importance == HighImportance);
	if (hostos_dpc_ready(cpu))
		sim_notify(&cpu->kick, 0);
	return true;
}

/* ---- the routines ---- */

VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
	memset(Dpc, 0, sizeof(*Dpc));
	Dpc->Type = DPC_OBJECT;
	Dpc->Importance = MediumImportance;
	Dpc->DeferredRoutine = DeferredRoutine;
	Dpc->DeferredContext = DeferredContext;
}

/*
 * Threaded DPCs run as Windows runs them when threaded DPCs are disabled:
 * like ordinary ones, at DISPATCH_LEVEL (spec §3.2). A driver written for
 * threaded DPCs must cope with that anyway.
 */
VOID KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
			     PVOID DeferredContext)
{
	KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext);
	Dpc->Type = THREADED_DPC_OBJECT;
}

BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
	struct hostos_thread *t = hostos_self("KeInsertQueueDpc");
	struct hostos_cpu *cpu;

	if (Dpc->DpcData)
		return FALSE; /* queued already: the arguments stay as they were */
	cpu = target_of(t, Dpc);
	if (cpu->dpcq_len == cpu->dpcq_cap && !ring_grow(cpu))
		hostos_bugcheck(t, 0xC7, 1, (uint64_t)(uintptr_t)Dpc, 0, 0,
				"the host ran out of memory queueing a DPC");
	Dpc->SystemArgument1 = SystemArgument1;
	Dpc->SystemArgument2 = SystemArgument2;
	Dpc->DpcData = cpu;
	ring_push(cpu, Dpc, Dpc->Importance == HighImportance);
	if (t->frame && t->frame->kind == HOSTOS_CTX_ISR)
		hostos_latency_dpc_queued(t->os, Dpc, t->cpu->irq_ps);
	if (!hostos_dpc_ready(cpu)) {
		hostos_clock_needed(t); /* a Low one runs at the next tick */
		return TRUE;
	}
	if (cpu != t->cpu)
		sim_notify(&cpu->kick, 0); /* the IPI: it runs at once over there */
	else
		hostos_sched_point(t);     /* below DISPATCH_LEVEL: right now */
	return TRUE;
}

BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
	struct hostos_cpu *cpu = Dpc->DpcData;

	(void)hostos_self("KeRemoveQueueDpc");
	if (!cpu || !ring_remove(cpu, Dpc))
		return FALSE;
	Dpc->DpcData = NULL;
	return TRUE;
}

VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
	Dpc->Importance = (UCHAR)Importance;
}

VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
	struct hostos_thread *t = hostos_self("KeSetTargetProcessorDpc");

	if (Number < 0 || (unsigned)Number >= t->os->cfg.cpus)
		hostos_bugcheck(t, 0xC7, 3, (uint64_t)(uintptr_t)Dpc, (uint64_t)(int64_t)Number,
				t->os->cfg.cpus,
				"KeSetTargetProcessorDpc to processor %d of %u", Number,
				t->os->cfg.cpus);
	Dpc->Number = (USHORT)(MAXIMUM_PROCESSORS + Number);
}

VOID KeFlushQueuedDpcs(VOID)
{
	struct hostos_thread *t = hostos_self("KeFlushQueuedDpcs");
	struct hostos *os = t->os;

	/* No DDI rule names this routine; Windows documents 0xA for a
	 * routine called above the IRQL it allows (P1: the routine). */
	if (t->cpu->irql != HOSTOS_PASSIVE)
		hostos_bugcheck(t, 0xA, (uint64_t)(uintptr_t)KeFlushQueuedDpcs, t->cpu->irql, 0, 0,
				"KeFlushQueuedDpcs at IRQL %u; it may only be called at "
				"PASSIVE_LEVEL",
				t->cpu->irql);
	for (;;) {
		bool busy = false;

		for (unsigned i = 0; i < os->cfg.cpus; i++) {
			struct hostos_cpu *c = &os->cpus[i];

			if (!c->dpcq_len && !c->draining)
				continue;
			busy = true;
			c->flush = true;
			if (c == t->cpu)
				hostos_dpc_drain(t);
			else
				sim_notify(&c->kick, 0);
		}
		if (!busy)
			return;
		/* Another CPU drains (from its idle context or its thread's
		 * next scheduling point): wait for a drain to finish. */
		hostos_block(t, &os->dpc_done);
	}
}
