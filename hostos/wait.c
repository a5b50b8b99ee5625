/*
 * hostos/wait.c - blocking waits (spec §5.3, §1.5): KeWaitForSingleObject,
 * KeWaitForMultipleObjects, KeDelayExecutionThread, the waiter records,
 * satisfying waits when objects become signalled, and the deadlock probe.
 *
 * A wait that is not satisfied at once releases the CPU (hostos_block():
 * another thread or the CPU's idle context runs there) and the simulation
 * goes on - devices, timers, DPCs, other threads - until an object is
 * signalled or the timeout passes. Timeouts are exact (not rounded to the
 * clock tick, unlike timers). No APCs exist, so Alertable and WaitMode
 * change nothing and STATUS_ALERTED / STATUS_USER_APC never come back.
 *
 * Deadlocks (mock-only): while some thread waits without a timeout, a
 * probe event follows the kernel's activity; when nothing is runnable and
 * nothing timed is pending (sim_next_activity_time() is SIM_TIME_MAX),
 * no wait can ever be satisfied, and the first such waiter stops the
 * machine with HOSTOS_WAIT_DEADLOCK instead of the run ending with its
 * threads silently stuck. An armed timer counts as activity (its DPC
 * could signal), so a deadlock behind a periodic timer is not reported.
 */
#include "hostos/sync-internal.h"

#include <stdlib.h>
#include <string.h>

static void probe_fn(struct sim_kernel *k, void *opaque);

/* ---- the state ---- */

struct hostos_sync *hostos_sync_of(struct hostos_thread *t)
{
	struct hostos *os = t->os;
	struct hostos_sync *s = os->sync;

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		hostos_bugcheck(t, 0x1D, 0, 0, 0, 0, "the host ran out of memory for wait state");
	s->os = os;
	sim_event_init(os->k, &s->probe, "hostos.wait.probe", probe_fn, s);
	sim_event_init(os->k, &s->work, "hostos.work.queued", NULL, NULL);
	hostos_timers_init(s);
	os->sync = s;
	return s;
}

static void timeout_fn(struct sim_kernel *k, void *opaque);

struct hostos_waiter *hostos_waiter_of(struct hostos_thread *t)
{
	struct hostos_sync *s;
	struct hostos_waiter *w = t->sync;

	if (w)
		return w;
	s = hostos_sync_of(t);
	w = calloc(1, sizeof(*w));
	if (!w)
		hostos_bugcheck(t, 0x1D, 0, 0, 0, 0, "the host ran out of memory for wait state");
	w->t = t;
	w->s = s;
	/* The events live in the heap, not on the thread's stack: a thread
	 * killed while it waits must not leave the kernel a dangling event. */
	sim_event_init(t->os->k, &w->wake, "hostos.wait.wake", NULL, NULL);
	sim_event_init(t->os->k, &w->timeout, "hostos.wait.timeout", timeout_fn, w);
	w->all_next = s->all;
	s->all = w;
	t->sync = w;
	return w;
}

void hostos_sync_destroy(struct hostos *os)
{
	struct hostos_sync *s = os->sync;
	struct hostos_waiter *w, *next;

	if (!s)
		return;
	hostos_timers_destroy(s);
	hostos_workitems_destroy(s);
	hostos_systhreads_destroy(s);
	for (w = s->all; w; w = next) {
		next = w->all_next;
		sim_event_destroy(&w->wake);
		sim_event_destroy(&w->timeout);
		free(w);
	}
	sim_event_destroy(&s->probe);
	sim_event_destroy(&s->work);
	free(s);
	os->sync = NULL;
}

/* ---- objects ---- */

static DISPATCHER_HEADER *hdr(PVOID object)
{
	return object;
}

static bool signalled(PVOID object, struct hostos_thread *t)
{
	DISPATCHER_HEADER *h = hdr(object);

	if (h->Type == HOSTOS_OBJ_MUTANT)
		return h->SignalState > 0 || ((PKMUTANT)object)->OwnerThread == (PKTHREAD)(void *)t;
	return h->SignalState > 0;
}

/* The side effects of a satisfied wait on @object for @t. */
static void acquire(PVOID object, struct hostos_thread *t)
{
	DISPATCHER_HEADER *h = hdr(object);

	switch (h->Type) {
	case HOSTOS_OBJ_EVENT_SYNC:
	case HOSTOS_OBJ_TIMER_SYNC:
		h->SignalState = 0;
		break;
	case HOSTOS_OBJ_SEMAPHORE:
		h->SignalState--;
		break;
	case HOSTOS_OBJ_MUTANT: {
		PKMUTANT m = object;

		/* Recursive: SignalState goes 1 (free), 0, -1, ... */
		if (m->OwnerThread != (PKTHREAD)(void *)t) {
			m->OwnerThread = (PKTHREAD)(void *)t;
			hostos_mutex_owned(t, hostos_lock_record(t, (uintptr_t)object));
		}
		h->SignalState--;
		break;
	}
	default:
		break; /* notification events and timers, threads: stay signalled */
	}
}

/* The index that satisfies the wait (0 for WaitAll), side effects done;
 * -1 if it cannot be satisfied now. */
static int try_satisfy(struct hostos_thread *t, PVOID *objects, unsigned n, WAIT_TYPE type)
{
	if (!n)
		return -1;
	if (type == WaitAny) {
		for (unsigned i = 0; i < n; i++)
			if (signalled(objects[i], t)) {
				acquire(objects[i], t);
				return (int)i;
			}
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		if (!signalled(objects[i], t))
			return -1;
	for (unsigned i = 0; i < n; i++)
		acquire(objects[i], t);
	return 0;
}

/* ---- the waiter queue ---- */

static void unlink_waiter(struct hostos_waiter *w)
{
	struct hostos_sync *s = w->s;

	if (w->prev)
		w->prev->next = w->next;
	else
		s->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		s->tail = w->prev;
	w->prev = w->next = NULL;
	w->waiting = false;
	sim_event_cancel(&w->timeout);
}

void hostos_sync_wake(struct hostos *os)
{
	struct hostos_sync *s = os->sync;
	struct hostos_waiter *w, *next;

	if (!s)
		return;
	/* FIFO: a synchronization event set once releases the longest
	 * waiting thread, and only that one. */
	for (w = s->head; w; w = next) {
		int r;

		next = w->next;
		r = try_satisfy(w->t, w->objects, w->count, w->type);
		if (r < 0)
			continue;
		w->result = r;
		unlink_waiter(w);
		sim_notify(&w->wake, 0);
	}
}

static void timeout_fn(struct sim_kernel *k, void *opaque)
{
	struct hostos_waiter *w = opaque;

	(void)k;
	if (!w->waiting)
		return;
	w->timed_out = true;
	unlink_waiter(w);
	sim_notify(&w->wake, 0);
}

/* The deadlock probe: runs again whenever the kernel has something to
 * do, until nothing is left while a wait without a timeout blocks. */
static void probe_fn(struct sim_kernel *k, void *opaque)
{
	struct hostos_sync *s = opaque;
	sim_time_t next, now = sim_now(k);

	if (!s->n_forever)
		return;
	next = sim_next_activity_time(k);
	if (next == SIM_TIME_MAX) {
		for (struct hostos_waiter *w = s->head; w; w = w->next)
			if (w->forever) {
				w->deadlock = true;
				unlink_waiter(w);
				sim_notify(&w->wake, 0);
				return;
			}
		return;
	}
	sim_notify(&s->probe, next > now ? next - now : 0);
}

/* ---- the wait ---- */

static bool dpc_like(const struct hostos_thread *t)
{
	enum hostos_ctx_kind k = t->frame ? t->frame->kind : HOSTOS_CTX_THREAD;

	return t->is_idle || k == HOSTOS_CTX_DPC || k == HOSTOS_CTX_TIMER_DPC || k == HOSTOS_CTX_ISR ||
	       k == HOSTOS_CTX_IDLE;
}

/* IRQL rules of §1.5: the verifier's 0xC4 subcodes when Force IRQL
 * Checking or DDI compliance checking is on. */
static void irql_rules(struct hostos_thread *t, uint8_t irql, PVOID first, PLARGE_INTEGER timeout,
		       bool poll, const char *routine)
{
	uint32_t v = t->os->cfg.verifier;

	if (!(v & (HOSTOS_VERIFY_FORCE_IRQL | HOSTOS_VERIFY_DDI)))
		return;
	/* P2 is the IRQL itself (the spec's table says "address of the
	 * IRQL value"; the value is what a report needs). */
	if (irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x120, irql, (uint64_t)(uintptr_t)first,
				(uint64_t)(uintptr_t)timeout, "%s at IRQL %u, above DISPATCH_LEVEL",
				routine, irql);
	if (irql == HOSTOS_DISPATCH && !timeout)
		hostos_bugcheck(t, 0xC4, 0x121, irql, (uint64_t)(uintptr_t)first, 0,
				"%s at DISPATCH_LEVEL without a timeout", routine);
	if (irql == HOSTOS_DISPATCH && !poll)
		hostos_bugcheck(t, 0xC4, 0x122, irql, (uint64_t)(uintptr_t)first,
				(uint64_t)(uintptr_t)timeout,
				"%s at DISPATCH_LEVEL with a non-zero timeout", routine);
}

NTSTATUS hostos_wait(struct hostos_thread *t, ULONG count, PVOID *objects, WAIT_TYPE type,
		     PLARGE_INTEGER timeout, const char *routine)
{
	struct hostos_waiter *w = hostos_waiter_of(t);
	struct hostos_sync *s = w->s;
	struct hostos *os = t->os;
	bool poll = timeout && timeout->QuadPart == 0;
	PVOID first = count ? objects[0] : NULL;
	uint8_t irql;
	int r;

	if (w->wait_next) {
		/* KeSetEvent(Wait = TRUE) left the IRQL raised for us. */
		w->wait_next = false;
		hostos_lower(t, w->wait_irql, routine);
	} else {
		hostos_sched_point(t);
	}
	irql = t->cpu->irql;
	irql_rules(t, irql, first, timeout, poll, routine);
	/* Mutexes this thread may come to own join the lock order now,
	 * before any deadlock can happen (spec §2.4). */
	for (unsigned i = 0; i < count; i++)
		if (hdr(objects[i])->Type == HOSTOS_OBJ_MUTANT &&
		    ((PKMUTANT)objects[i])->OwnerThread != (PKTHREAD)(void *)t)
			hostos_lock_order_check(t, hostos_lock_record(t, (uintptr_t)objects[i]));
	r = try_satisfy(t, objects, count, type);
	if (r >= 0)
		return STATUS_WAIT_0 + r;
	if (poll)
		return count ? STATUS_TIMEOUT : STATUS_SUCCESS;
	if (dpc_like(t))
		hostos_bugcheck(t, 0xB8, (uint64_t)(uintptr_t)t, 0, (uint64_t)(uintptr_t)&w, 0,
				"%s would block in a %s (P1: the thread, P2: no thread to switch "
				"to, P3: a stack address)",
				routine, hostos_ctx_name(t->frame->kind));
	if (irql >= HOSTOS_DISPATCH)
		/* Without the verifier: Windows would switch threads at a
		 * raised IRQL and crash later; the mock stops here. */
		hostos_bugcheck(t, 0xA, (uint64_t)(uintptr_t)first, irql, 0,
				(uint64_t)(uintptr_t)hostos_wait,
				"%s would block at IRQL %u", routine, irql);

	if (count)
		memcpy(w->objects, objects, count * sizeof(objects[0]));
	w->count = count;
	w->type = type;
	w->timed_out = w->deadlock = false;
	w->waiting = true;
	w->prev = s->tail;
	w->next = NULL;
	if (s->tail)
		s->tail->next = w;
	else
		s->head = w;
	s->tail = w;
	if (timeout) {
		sim_time_t due = hostos_due_ps(os, timeout->QuadPart);

		sim_event_schedule_at(&w->timeout, due);
	} else {
		w->forever = true;
		s->n_forever++;
		sim_notify(&s->probe, 0);
	}
	/* IRQL belongs to the thread while it blocks (a waiter at APC_LEVEL
	 * holding a fast mutex): the CPU goes to the next one at PASSIVE and
	 * the waiter gets its own back, with its raises for the strict
	 * lower check. */
	w->n_raised = t->cpu->n_raised;
	memcpy(w->raised, t->cpu->raised, sizeof(w->raised));
	t->cpu->n_raised = 0;
	t->cpu->irql = HOSTOS_PASSIVE;
	while (w->waiting)
		hostos_block(t, &w->wake);
	t->cpu->irql = irql;
	t->cpu->n_raised = w->n_raised;
	memcpy(t->cpu->raised, w->raised, sizeof(w->raised));
	if (w->forever) {
		w->forever = false;
		s->n_forever--;
	}
	if (w->deadlock)
		hostos_bugcheck(t, HOSTOS_WAIT_DEADLOCK, (uint64_t)(uintptr_t)first, count,
				s->n_forever + 1, 0,
				"deadlock: %s can never be satisfied (nothing runnable, no timed "
				"activity left)",
				routine);
	if (w->timed_out)
		return count ? STATUS_TIMEOUT : STATUS_SUCCESS;
	return STATUS_WAIT_0 + w->result;
}

/* ---- the routines ---- */

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
			       BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
	struct hostos_thread *t = hostos_self("KeWaitForSingleObject");

	(void)WaitReason;
	(void)WaitMode;
	(void)Alertable;
	return hostos_wait(t, 1, &Object, WaitAny, Timeout, "KeWaitForSingleObject");
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType,
				  KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
				  BOOLEAN Alertable, PLARGE_INTEGER Timeout,
				  PKWAIT_BLOCK WaitBlockArray)
{
	struct hostos_thread *t = hostos_self("KeWaitForMultipleObjects");

	(void)WaitReason;
	(void)WaitMode;
	(void)Alertable;
	/* 0xC has no documented parameters; the mock passes the count and
	 * the wait block array. */
	if (Count > MAXIMUM_WAIT_OBJECTS || (Count > THREAD_WAIT_OBJECTS && !WaitBlockArray))
		hostos_bugcheck(t, 0xC, Count, (uint64_t)(uintptr_t)WaitBlockArray, 0, 0,
				"KeWaitForMultipleObjects for %lu objects %s", (unsigned long)Count,
				Count > MAXIMUM_WAIT_OBJECTS ? "(more than MAXIMUM_WAIT_OBJECTS)"
							     : "without a wait block array");
	if (WaitBlockArray)
		for (ULONG i = 0; i < Count; i++) {
			/* What Windows would link in; drivers only own the
			 * storage. */
			memset(&WaitBlockArray[i], 0, sizeof(WaitBlockArray[i]));
			WaitBlockArray[i].Object = Object[i];
			WaitBlockArray[i].Thread = (PKTHREAD)(void *)t;
			WaitBlockArray[i].WaitKey = (USHORT)i;
			WaitBlockArray[i].WaitType = (UCHAR)WaitType;
		}
	if (WaitType != WaitAll && WaitType != WaitAny)
		WaitType = WaitAny;
	return hostos_wait(t, Count, Object, WaitType, Timeout, "KeWaitForMultipleObjects");
}

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
				PLARGE_INTEGER Interval)
{
	struct hostos_thread *t = hostos_self("KeDelayExecutionThread");
	LARGE_INTEGER zero = { .QuadPart = 0 };

	(void)WaitMode;
	(void)Alertable;
	return hostos_wait(t, 0, NULL, WaitAny, Interval ? Interval : &zero,
			   "KeDelayExecutionThread");
}
