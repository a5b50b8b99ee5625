/*
 * hostos/event.c - events and semaphores (spec §5.2): initialisation,
 * set, reset, release, read. Waiting on them is hostos/wait.c.
 */
#include "hostos/sync-internal.h"

static void init_header(DISPATCHER_HEADER *h, UCHAR type, UCHAR size, LONG state)
{
	h->Lock = 0;
	h->Type = type;
	h->Size = size;
	h->SignalState = state;
	/* An empty list, as Windows leaves it: the waiters are the OS's. */
	h->WaitListHead.Flink = h->WaitListHead.Blink = &h->WaitListHead;
}

/* Above DISPATCH_LEVEL an event may not be set (spec §5.2). */
static void set_irql_check(struct hostos_thread *t, PVOID object, const char *routine)
{
	uint8_t irql = t->cpu->irql;

	if (irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x80, irql, (uint64_t)(uintptr_t)object, 0,
				"%s at IRQL %u, above DISPATCH_LEVEL", routine, irql);
}

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
	(void)hostos_self("KeInitializeEvent");
	init_header(&Event->Header,
		    Type == SynchronizationEvent ? HOSTOS_OBJ_EVENT_SYNC : HOSTOS_OBJ_EVENT_NOTIFY,
		    (UCHAR)(sizeof(KEVENT) / sizeof(LONG)), State ? 1 : 0);
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
	struct hostos_thread *t = hostos_self("KeSetEvent");
	LONG old = Event->Header.SignalState;

	(void)Increment;
	set_irql_check(t, Event, "KeSetEvent");
	/* DDI rule IrqlKeSetEvent: with Wait = TRUE the caller must be at
	 * APC_LEVEL or below (the KeWait* that follows must be legal). */
	if (Wait && t->cpu->irql > HOSTOS_APC && (t->os->cfg.verifier & HOSTOS_VERIFY_DDI))
		hostos_bugcheck(t, 0xC4, 0x00020016, t->cpu->irql, (uint64_t)(uintptr_t)Event, 0,
				"KeSetEvent with Wait = TRUE at IRQL %u, above APC_LEVEL (DDI rule "
				"IrqlKeSetEvent)",
				t->cpu->irql);
	Event->Header.SignalState = 1;
	hostos_sync_wake(t->os);
	if (Wait) {
		/* Returns at DISPATCH_LEVEL; the KeWait* that must follow
		 * lowers back (hostos/wait.c). */
		struct hostos_waiter *w = hostos_waiter_of(t);

		w->wait_irql = hostos_raise(t, HOSTOS_DISPATCH, "KeSetEvent");
		w->wait_next = true;
	} else {
		hostos_sched_point(t);
	}
	return old;
}

LONG KeResetEvent(PRKEVENT Event)
{
	struct hostos_thread *t = hostos_self("KeResetEvent");
	LONG old = Event->Header.SignalState;

	set_irql_check(t, Event, "KeResetEvent");
	Event->Header.SignalState = 0;
	hostos_sched_point(t);
	return old;
}

VOID KeClearEvent(PRKEVENT Event)
{
	struct hostos_thread *t = hostos_self("KeClearEvent");

	set_irql_check(t, Event, "KeClearEvent");
	Event->Header.SignalState = 0;
	hostos_sched_point(t);
}

LONG KeReadStateEvent(PRKEVENT Event)
{
	struct hostos_thread *t = hostos_self("KeReadStateEvent");

	hostos_sched_point(t);
	return Event->Header.SignalState;
}

/* ---- semaphores ---- */

VOID KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
	(void)hostos_self("KeInitializeSemaphore");
	init_header(&Semaphore->Header, HOSTOS_OBJ_SEMAPHORE,
		    (UCHAR)(sizeof(KSEMAPHORE) / sizeof(LONG)), Count);
	Semaphore->Limit = Limit;
}

LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment,
			BOOLEAN Wait)
{
	struct hostos_thread *t = hostos_self("KeReleaseSemaphore");
	LONG old = Semaphore->Header.SignalState;

	(void)Increment;
	set_irql_check(t, Semaphore, "KeReleaseSemaphore");
	/* Windows raises STATUS_SEMAPHORE_LIMIT_EXCEEDED; unhandled in a
	 * driver that is bug check 0x1E (P1: the exception code, P2: the
	 * semaphore, as the mock's faulting "address"). */
	if (Adjustment <= 0 || old > Semaphore->Limit - Adjustment)
		hostos_bugcheck(t, 0x1E, (uint64_t)(uint32_t)STATUS_SEMAPHORE_LIMIT_EXCEEDED,
				(uint64_t)(uintptr_t)Semaphore, (uint64_t)(int64_t)Adjustment,
				(uint64_t)(int64_t)Semaphore->Limit,
				"KeReleaseSemaphore by %ld past its limit %ld (count %ld)",
				(long)Adjustment, (long)Semaphore->Limit, (long)old);
	Semaphore->Header.SignalState = old + Adjustment;
	hostos_sync_wake(t->os);
	if (Wait) {
		struct hostos_waiter *w = hostos_waiter_of(t);

		w->wait_irql = hostos_raise(t, HOSTOS_DISPATCH, "KeReleaseSemaphore");
		w->wait_next = true;
	} else {
		hostos_sched_point(t);
	}
	return old;
}

LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
	struct hostos_thread *t = hostos_self("KeReadStateSemaphore");

	hostos_sched_point(t);
	return Semaphore->Header.SignalState;
}
