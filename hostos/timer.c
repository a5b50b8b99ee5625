/*
 * hostos/timer.c - KTIMER and the clock tick (spec §5.1).
 *
 * The clock ticks every KeQueryTimeIncrement (struct hostos_config
 * .time_increment), at whole multiples of it since boot, and only while a
 * timer is armed or a Low importance DPC waits for a tick (dpc.c calls
 * hostos_clock_needed()): a machine without either has no clock events.
 * A tick (an event callback, outside any thread) marks every CPU with
 * queued DPCs so that Low importance ones run too, and when a timer is due
 * queues the clock's own DPC on CPU 0 (High importance). That DPC expires
 * the due timers as ReactOS's KiTimerExpiration does: each leaves the
 * armed list (a periodic one is re-armed Period ms from now), becomes
 * signalled and releases its waiters; then the timers' DPCs are called
 * directly on CPU 0 as timer DPCs (HOSTOS_CTX_TIMER_DPC), with
 * SystemArgument1/2 the low and high half of the system time, or queued
 * on their target processor when KeSetTargetProcessorDpc named another.
 *
 * The armed timers are the OS's own list (the KTIMER's DueTime, Period and
 * Dpc are filled in as Windows fills them, but never read back), so a
 * driver scribbling over a KTIMER cannot corrupt the OS. A timer expires
 * on the first tick at or after its due time; a relative time within a
 * tick therefore fires at the next tick.
 */
#include "hostos/sync-internal.h"
#include "hostos/pool-internal.h"
#include "hostos/sweep-internal.h"

#include <stdlib.h>
#include <string.h>

static void tick_fn(struct sim_kernel *k, void *opaque);
static VOID expire_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2);

void hostos_timers_init(struct hostos_sync *s)
{
	sim_event_init(s->os->k, &s->tick, "hostos.clock.tick", tick_fn, s);
	memset(&s->expire_dpc, 0, sizeof(s->expire_dpc));
	s->expire_dpc.Type = 0x13;
	s->expire_dpc.Importance = HighImportance;
	s->expire_dpc.DeferredRoutine = expire_dpc;
	s->expire_dpc.DeferredContext = s;
}

void hostos_timers_destroy(struct hostos_sync *s)
{
	sim_event_destroy(&s->tick);
	free(s->armed);
	free(s->expiring);
}

/* ---- the armed list ---- */

static int find_armed(const struct hostos_sync *s, PKTIMER timer)
{
	for (unsigned i = 0; i < s->n_armed; i++)
		if (s->armed[i].timer == timer)
			return (int)i;
	return -1;
}

static void remove_armed(struct hostos_sync *s, unsigned i)
{
	memmove(&s->armed[i], &s->armed[i + 1], (s->n_armed - i - 1) * sizeof(s->armed[0]));
	s->n_armed--;
}

/* The next tick after @t: at a tick boundary itself, that tick has been
 * (the clock interrupt came first). */
static sim_time_t tick_after(const struct hostos *os, sim_time_t t)
{
	sim_time_t inc = hostos_tick_ps(os);

	return (t / inc + 1) * inc;
}

static void start_tick(struct hostos_sync *s)
{
	if (s->ticking)
		return;
	s->ticking = true;
	sim_event_schedule_at(&s->tick, tick_after(s->os, sim_now(s->os->k)));
}

void hostos_clock_needed(struct hostos_thread *t)
{
	start_tick(hostos_sync_of(t));
}

static void tick_fn(struct sim_kernel *k, void *opaque)
{
	struct hostos_sync *s = opaque;
	struct hostos *os = s->os;
	sim_time_t now = sim_now(k);
	bool due = false;

	for (unsigned i = 0; i < os->cfg.cpus; i++) {
		struct hostos_cpu *cpu = &os->cpus[i];

		if (!cpu->dpcq_len)
			continue;
		/* Stays set until the CPU drains: a CPU at DISPATCH_LEVEL
		 * now runs them when it drops below. */
		cpu->tick = true;
		sim_notify(&cpu->kick, 0);
	}
	for (unsigned i = 0; i < s->n_armed && !due; i++)
		due = s->armed[i].due_ps <= now;
	if (due)
		(void)hostos_dpc_insert(&os->cpus[0], &s->expire_dpc, NULL, NULL);
	/* A queued Low DPC asks again when it is queued (hostos_dpc_ready()
	 * false), so only armed timers keep the clock going. */
	if (s->n_armed)
		sim_event_schedule(&s->tick, hostos_tick_ps(os));
	else
		s->ticking = false;
}

/* The clock's DPC on CPU 0: expire what is due, then call the DPCs. */
static VOID expire_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	struct hostos_sync *s = Context;
	struct hostos_thread *t = hostos_self("KiTimerExpiration");
	struct hostos *os = s->os;
	sim_time_t now = sim_now(os->k);
	ULONGLONG st = hostos_system_time(os, false);
	unsigned n = 0;

	(void)Dpc;
	(void)Arg1;
	(void)Arg2;
	if (s->cap_expiring < s->n_armed) {
		struct hostos_armed *v = realloc(s->expiring, s->n_armed * sizeof(*v));

		if (!v)
			hostos_bugcheck(t, 0xC7, 0, 0, 0, 0, "the host ran out of memory expiring timers");
		s->expiring = v;
		s->cap_expiring = s->n_armed;
	}
	for (unsigned i = 0; i < s->n_armed;) {
		struct hostos_armed *a = &s->armed[i];

		if (a->due_ps > now) {
			i++;
			continue;
		}
		s->expiring[n++] = *a;
		a->timer->Header.SignalState = 1;
		if (a->period_ps) {
			a->due_ps = now + a->period_ps;
			a->timer->DueTime.QuadPart = a->due_ps / HOSTOS_100NS;
			i++;
		} else {
			remove_armed(s, i);
		}
	}
	hostos_sync_wake(os);
	for (unsigned i = 0; i < n; i++) {
		PKDPC d = s->expiring[i].dpc;
		struct hostos_frame f;

		if (!d)
			continue;
		if (d->Number >= MAXIMUM_PROCESSORS &&
		    (unsigned)(d->Number - MAXIMUM_PROCESSORS) != t->cpu->index) {
			KeInsertQueueDpc(d, (PVOID)(ULONG_PTR)(ULONG)st, (PVOID)(ULONG_PTR)(st >> 32));
			continue;
		}
		hostos_frame_enter(t, &f, HOSTOS_CTX_TIMER_DPC,
				   (const void *)(uintptr_t)d->DeferredRoutine);
		d->DeferredRoutine(d, d->DeferredContext, (PVOID)(ULONG_PTR)(ULONG)st,
				   (PVOID)(ULONG_PTR)(st >> 32));
		hostos_frame_leave(t, &f);
		if (os->trace) {
			char name[96];
			const struct sim_ctrace_arg args[] = {
				SIM_CTRACE_ARG_STR("routine", name),
			};

			hostos_code_name((const void *)(uintptr_t)d->DeferredRoutine, name,
					 sizeof(name));
			sim_ctrace_complete_args(os->trace, os->cpu_track[t->cpu->index],
						 "timer DPC", f.start_ps, sim_now(os->k) - f.start_ps,
						 args, 1);
		}
	}
}

/* ---- the routines ---- */

VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
	struct hostos_thread *t = hostos_self("KeInitializeTimerEx");
	struct hostos_sync *s = t->os->sync;
	int i = s ? find_armed(s, Timer) : -1;

	/* Re-initialising an armed timer: Windows would corrupt its timer
	 * table; the mock forgets the old arming instead. */
	if (i >= 0)
		remove_armed(s, (unsigned)i);
	memset(Timer, 0, sizeof(*Timer));
	Timer->Header.Type =
		Type == SynchronizationTimer ? HOSTOS_OBJ_TIMER_SYNC : HOSTOS_OBJ_TIMER_NOTIFY;
	Timer->Header.Size = (UCHAR)(sizeof(KTIMER) / sizeof(LONG));
	Timer->Header.WaitListHead.Flink = Timer->Header.WaitListHead.Blink =
		&Timer->Header.WaitListHead;
}

VOID KeInitializeTimer(PKTIMER Timer)
{
	KeInitializeTimerEx(Timer, NotificationTimer);
}

BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
	struct hostos_thread *t = hostos_self("KeSetTimerEx");
	struct hostos_sync *s = hostos_sync_of(t);
	int i = find_armed(s, Timer);
	struct hostos_armed *a;

	hostos_sched_point(t);
	if (i < 0) {
		if (s->n_armed == s->cap_armed) {
			unsigned cap = s->cap_armed ? s->cap_armed * 2 : 8;
			struct hostos_armed *v = realloc(s->armed, cap * sizeof(*v));

			if (!v)
				hostos_bugcheck(t, 0xC7, 0, (uint64_t)(uintptr_t)Timer, 0, 0,
						"the host ran out of memory arming a timer");
			s->armed = v;
			s->cap_armed = cap;
		}
		a = &s->armed[s->n_armed++];
	} else {
		/* Armed already: cancelled implicitly, at the end again. */
		struct hostos_armed keep = s->armed[i];

		remove_armed(s, (unsigned)i);
		s->armed[s->n_armed++] = keep;
		a = &s->armed[s->n_armed - 1];
	}
	a->timer = Timer;
	a->due_ps = hostos_due_ps(t->os, DueTime.QuadPart);
	a->period_ps = Period > 0 ? SIM_MS((sim_time_t)Period) : 0;
	a->dpc = Dpc;
	Timer->Header.SignalState = 0;
	Timer->DueTime.QuadPart = a->due_ps / HOSTOS_100NS;
	Timer->Period = Period > 0 ? (ULONG)Period : 0;
	Timer->Dpc = Dpc;
	Timer->Processor = 0;
	start_tick(s);
	return i >= 0 ? TRUE : FALSE;
}

BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
	return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

BOOLEAN KeCancelTimer(PKTIMER Timer)
{
	struct hostos_thread *t = hostos_self("KeCancelTimer");
	struct hostos_sync *s = t->os->sync;
	int i = s ? find_armed(s, Timer) : -1;

	hostos_sched_point(t);
	/* A DPC already queued or running is not cancelled (spec §5.1). */
	if (i < 0)
		return FALSE;
	remove_armed(s, (unsigned)i);
	return TRUE;
}

BOOLEAN KeReadStateTimer(PKTIMER Timer)
{
	hostos_sched_point(hostos_self("KeReadStateTimer"));
	return Timer->Header.SignalState ? TRUE : FALSE;
}

/* ---- the unload sweep (hostos/sweep.h): armed timers, queued DPCs ---- */

void hostos_timer_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	const struct hostos_sync *s = os->sync;

	for (unsigned i = 0; s && i < s->n_armed; i++) {
		uint64_t a = (uint64_t)(uintptr_t)s->armed[i].timer, b, e;

		hostos_sweep_range(os, a, &b, &e);
		hostos_sweep_add(sw, HOSTOS_LEFT_TIMER, a, 0xC7, 0, a, b, e,
				 "timer 0x%llx still armed%s", (unsigned long long)a,
				 s->armed[i].period_ps ? " (periodic)" : "");
	}
}

void hostos_dpc_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	const void *clock = os->sync ? (const void *)&os->sync->expire_dpc : NULL;

	for (unsigned c = 0; c < os->cfg.cpus; c++) {
		const struct hostos_cpu *cpu = &os->cpus[c];

		for (unsigned i = 0; i < cpu->dpcq_len; i++) {
			const KDPC *d = cpu->dpcq[(cpu->dpcq_head + i) % cpu->dpcq_cap];
			uint64_t a = (uint64_t)(uintptr_t)d, b, e;

			if ((const void *)d == clock)
				continue; /* the OS's own */
			hostos_sweep_range(os, a, &b, &e);
			hostos_sweep_add(sw, HOSTOS_LEFT_DPC, a, 0xC7, 1, a, b, e,
					 "DPC 0x%llx (routine %p) still queued on CPU %u",
					 (unsigned long long)a, (void *)(uintptr_t)d->DeferredRoutine,
					 c);
		}
	}
}

/* ---- for the pool (hostos/pool-internal.h): objects in freed memory ---- */

uintptr_t hostos_timer_within(const struct hostos *os, uintptr_t start, size_t bytes)
{
	const struct hostos_sync *s = os->sync;

	for (unsigned i = 0; s && i < s->n_armed; i++) {
		uintptr_t a = (uintptr_t)s->armed[i].timer;

		if (a >= start && a - start < bytes)
			return a;
	}
	return 0;
}

uintptr_t hostos_dpc_within(const struct hostos *os, uintptr_t start, size_t bytes)
{
	for (unsigned c = 0; c < os->cfg.cpus; c++) {
		const struct hostos_cpu *cpu = &os->cpus[c];

		for (unsigned i = 0; i < cpu->dpcq_len; i++) {
			uintptr_t a = (uintptr_t)cpu->dpcq[(cpu->dpcq_head + i) % cpu->dpcq_cap];

			if (a >= start && a - start < bytes)
				return a;
		}
	}
	return 0;
}
