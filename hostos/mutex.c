/*
 * hostos/mutex.c - KMUTEX (acquired through KeWait*, hostos/wait.c) and
 * FAST_MUTEX, with Deadlock Detection (spec §2.4): both kinds join the
 * spin locks' lock-order graph (hostos/spinlock.c), keyed by address, so
 * a cycle through any mix of spin locks, mutexes and fast mutexes is
 * 0xC4/0x1001 before anything deadlocks. A thread's owned mutexes are a
 * list in its host OS thread (mutex_lock[]), in acquire order.
 *
 * Mock choices: the owner is the host OS thread (OwnerThread and Owner
 * hold its address, an opaque PKTHREAD). Mutexes are not checked for
 * release order (0x1003 is reported for spin locks only) and no APCs
 * exist, so the APC disabling of a held mutex changes nothing.
 */
#include "hostos/sync-internal.h"

void hostos_mutex_owned(struct hostos_thread *t, uint32_t li)
{
	/* Beyond HOSTOS_MAX_HELD the order is simply not tracked. */
	if (t->n_mutex < HOSTOS_MAX_HELD)
		t->mutex_lock[t->n_mutex++] = li;
}

void hostos_mutex_dropped(struct hostos_thread *t, uint32_t li)
{
	for (unsigned i = t->n_mutex; i-- > 0;)
		if (t->mutex_lock[i] == li) {
			for (unsigned j = i; j + 1 < t->n_mutex; j++)
				t->mutex_lock[j] = t->mutex_lock[j + 1];
			t->n_mutex--;
			return;
		}
}

/* A release by a thread that does not own the lock: the verifier's
 * 0x1007 (never acquired) or 0x1004 (owned by another thread). */
static void not_owner(struct hostos_thread *t, PVOID lock, PVOID owner, const char *routine)
{
	if (t->os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK) {
		if (!owner)
			hostos_bugcheck(t, 0xC4, 0x1007, (uint64_t)(uintptr_t)lock, 0, 0,
					"%s of a mutex nobody owns", routine);
		hostos_bugcheck(t, 0xC4, 0x1004, (uint64_t)(uintptr_t)lock,
				(uint64_t)(uintptr_t)owner, (uint64_t)(uintptr_t)t,
				"%s by a thread that does not own the mutex (P3: the owner, P4: "
				"this thread)",
				routine);
	}
}

/* ---- KMUTEX ---- */

VOID KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
	struct hostos_thread *t = hostos_self("KeInitializeMutex");

	(void)Level;
	Mutex->Header.Lock = 0;
	Mutex->Header.Type = HOSTOS_OBJ_MUTANT;
	Mutex->Header.Size = (UCHAR)(sizeof(KMUTEX) / sizeof(LONG));
	Mutex->Header.SignalState = 1;
	Mutex->Header.WaitListHead.Flink = Mutex->Header.WaitListHead.Blink =
		&Mutex->Header.WaitListHead;
	Mutex->MutantListEntry.Flink = Mutex->MutantListEntry.Blink = NULL;
	Mutex->OwnerThread = NULL;
	Mutex->Abandoned = FALSE;
	Mutex->ApcDisable = 1;
	(void)hostos_lock_record(t, (uintptr_t)Mutex);
}

LONG KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
	struct hostos_thread *t = hostos_self("KeReleaseMutex");
	LONG old = Mutex->Header.SignalState;

	if (Mutex->OwnerThread != (PKTHREAD)(void *)t) {
		not_owner(t, Mutex, Mutex->OwnerThread, "KeReleaseMutex");
		/* Windows raises STATUS_MUTANT_NOT_OWNED: unhandled in a
		 * driver, bug check 0x1E (P2: the mutex, the mock's
		 * faulting "address"). */
		hostos_bugcheck(t, 0x1E, (uint64_t)(uint32_t)STATUS_MUTANT_NOT_OWNED,
				(uint64_t)(uintptr_t)Mutex, 0, 0,
				"KeReleaseMutex of a mutex this thread does not own");
	}
	Mutex->Header.SignalState = old + 1;
	if (Mutex->Header.SignalState == 1) {
		Mutex->OwnerThread = NULL;
		hostos_mutex_dropped(t, hostos_lock_record(t, (uintptr_t)Mutex));
		hostos_sync_wake(t->os);
	}
	if (Wait) {
		struct hostos_waiter *w = hostos_waiter_of(t);

		w->wait_irql = hostos_raise(t, HOSTOS_DISPATCH, "KeReleaseMutex");
		w->wait_next = true;
	} else {
		hostos_sched_point(t);
	}
	return old;
}

LONG KeReadStateMutex(PRKMUTEX Mutex)
{
	hostos_sched_point(hostos_self("KeReadStateMutex"));
	return Mutex->Header.SignalState;
}

/* ---- FAST_MUTEX: Count 1 free, 0 owned, below 0 owned with waiters on
 * its synchronization event (the Windows scheme) ---- */

VOID ExInitializeFastMutex(PFAST_MUTEX FastMutex)
{
	struct hostos_thread *t = hostos_self("ExInitializeFastMutex");

	FastMutex->Count = 1;
	FastMutex->Owner = NULL;
	FastMutex->Contention = 0;
	FastMutex->OldIrql = 0;
	KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, FALSE);
	(void)hostos_lock_record(t, (uintptr_t)FastMutex);
}

VOID ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
	struct hostos_thread *t = hostos_self("ExAcquireFastMutex");
	uint32_t li = hostos_lock_record(t, (uintptr_t)FastMutex);
	uint8_t old;

	/* Fast mutexes are not recursive: the thread would wait for itself
	 * forever (without the verifier the deadlock probe reports it). */
	if (FastMutex->Owner == (PKTHREAD)(void *)t &&
	    (t->os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK))
		hostos_bugcheck(t, 0xC4, 0x1000, (uint64_t)(uintptr_t)FastMutex, 0, 0,
				"ExAcquireFastMutex of a fast mutex this thread owns already");
	hostos_lock_order_check(t, li);
	old = hostos_raise(t, HOSTOS_APC, "ExAcquireFastMutex");
	if (--FastMutex->Count != 0) {
		PVOID ev = &FastMutex->Event;

		FastMutex->Contention++;
		(void)hostos_wait(t, 1, &ev, WaitAny, NULL, "ExAcquireFastMutex");
	}
	FastMutex->Owner = (PKTHREAD)(void *)t;
	FastMutex->OldIrql = old;
	hostos_mutex_owned(t, li);
}

BOOLEAN ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
	struct hostos_thread *t = hostos_self("ExTryToAcquireFastMutex");
	uint8_t old;

	hostos_sched_point(t);
	if (FastMutex->Count != 1)
		return FALSE;
	old = hostos_raise(t, HOSTOS_APC, "ExTryToAcquireFastMutex");
	FastMutex->Count = 0;
	FastMutex->Owner = (PKTHREAD)(void *)t;
	FastMutex->OldIrql = old;
	hostos_mutex_owned(t, hostos_lock_record(t, (uintptr_t)FastMutex));
	return TRUE;
}

VOID ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
	struct hostos_thread *t = hostos_self("ExReleaseFastMutex");
	uint8_t old = (uint8_t)FastMutex->OldIrql;

	if (FastMutex->Owner != (PKTHREAD)(void *)t)
		not_owner(t, FastMutex, FastMutex->Owner, "ExReleaseFastMutex");
	FastMutex->Owner = NULL;
	hostos_mutex_dropped(t, hostos_lock_record(t, (uintptr_t)FastMutex));
	if (++FastMutex->Count != 1) {
		/* A waiter: hand over through the synchronization event. */
		FastMutex->Event.Header.SignalState = 1;
		hostos_sync_wake(t->os);
	}
	hostos_lower(t, old, "ExReleaseFastMutex");
}
