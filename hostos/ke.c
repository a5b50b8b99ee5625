/*
 * hostos/ke.c - the Windows kernel routines of IRQL, spin locks, the
 * processor, stalls and bug checks (spec §1-§3), as thin edges over the
 * core: they find the calling thread, convert Windows types and pass a
 * scheduling point.
 */
#include <wdm.h>

#include <stdio.h>

#include "hostos/os-internal.h"

/* ---- IRQL (spec §1.2) ---- */

KIRQL KeGetCurrentIrql(VOID)
{
	struct hostos_thread *t = hostos_self("KeGetCurrentIrql");

	hostos_sched_point(t);
	return t->cpu->irql;
}

KIRQL KfRaiseIrql(KIRQL NewIrql)
{
	struct hostos_thread *t = hostos_self("KeRaiseIrql");

	return hostos_raise(t, NewIrql, "KeRaiseIrql");
}

VOID KeLowerIrql(KIRQL NewIrql)
{
	hostos_lower(hostos_self("KeLowerIrql"), NewIrql, "KeLowerIrql");
}

KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
	return hostos_raise(hostos_self("KeRaiseIrqlToDpcLevel"), DISPATCH_LEVEL,
			    "KeRaiseIrqlToDpcLevel");
}

KIRQL KeRaiseIrqlToSynchLevel(VOID)
{
	return hostos_raise(hostos_self("KeRaiseIrqlToSynchLevel"), SYNCH_LEVEL,
			    "KeRaiseIrqlToSynchLevel");
}

/* ---- spin locks (spec §2) ---- */

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
	struct hostos_thread *t = hostos_self("KeInitializeSpinLock");

	*SpinLock = 0;
	hostos_spin_init(t, (uintptr_t)SpinLock);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
	return hostos_spin_acquire(hostos_self("KeAcquireSpinLock"), (uintptr_t)SpinLock,
				   HOSTOS_LOCK_RAISE, NULL, "KeAcquireSpinLock");
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
	hostos_spin_release(hostos_self("KeReleaseSpinLock"), (uintptr_t)SpinLock,
			    HOSTOS_LOCK_RAISE, NULL, NewIrql, "KeReleaseSpinLock");
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
	(void)hostos_spin_acquire(hostos_self("KeAcquireSpinLockAtDpcLevel"), (uintptr_t)SpinLock,
				  HOSTOS_LOCK_DPC, NULL, "KeAcquireSpinLockAtDpcLevel");
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
	struct hostos_thread *t = hostos_self("KeReleaseSpinLockFromDpcLevel");

	hostos_spin_release(t, (uintptr_t)SpinLock, HOSTOS_LOCK_DPC, NULL, t->cpu->irql,
			    "KeReleaseSpinLockFromDpcLevel");
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
	return hostos_spin_try(hostos_self("KeTryToAcquireSpinLockAtDpcLevel"),
			       (uintptr_t)SpinLock, "KeTryToAcquireSpinLockAtDpcLevel")
		       ? TRUE
		       : FALSE;
}

BOOLEAN KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
	struct hostos_thread *t = hostos_self("KeTestSpinLock");

	hostos_sched_point(t);
	return hostos_spin_test(t, (uintptr_t)SpinLock) ? TRUE : FALSE;
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
	struct hostos_thread *t = hostos_self("KeAcquireInStackQueuedSpinLock");

	LockHandle->LockQueue.Next = NULL;
	LockHandle->LockQueue.Lock = SpinLock;
	LockHandle->OldIrql = hostos_spin_acquire(t, (uintptr_t)SpinLock, HOSTOS_LOCK_QUEUED,
						  LockHandle, "KeAcquireInStackQueuedSpinLock");
}

/* The lock a queued release names: the one its handle was acquired with
 * (the driver may have overwritten the handle's Lock field). */
static uintptr_t queued_lock(struct hostos_thread *t, PKLOCK_QUEUE_HANDLE h, const char *routine)
{
	uintptr_t lock = hostos_spin_queued_lock(t, h);

	if (lock)
		return lock;
	/* Not a handle this CPU acquired with: the release reports the
	 * lock it names as not held, or taken with the ordinary API. */
	if (h->LockQueue.Lock)
		return (uintptr_t)h->LockQueue.Lock;
	hostos_bugcheck(t, 0x10, (uint64_t)(uintptr_t)h, 0, 0, 0,
			"%s with a lock handle no acquire filled", routine);
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
	struct hostos_thread *t = hostos_self("KeReleaseInStackQueuedSpinLock");
	uintptr_t lock = queued_lock(t, LockHandle, "KeReleaseInStackQueuedSpinLock");

	hostos_spin_release(t, lock, HOSTOS_LOCK_QUEUED, LockHandle, LockHandle->OldIrql,
			    "KeReleaseInStackQueuedSpinLock");
}

VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
					      PKLOCK_QUEUE_HANDLE LockHandle)
{
	struct hostos_thread *t = hostos_self("KeAcquireInStackQueuedSpinLockAtDpcLevel");

	LockHandle->LockQueue.Next = NULL;
	LockHandle->LockQueue.Lock = SpinLock;
	LockHandle->OldIrql = hostos_spin_acquire(t, (uintptr_t)SpinLock,
						  HOSTOS_LOCK_QUEUED_DPC, LockHandle,
						  "KeAcquireInStackQueuedSpinLockAtDpcLevel");
}

VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
	struct hostos_thread *t = hostos_self("KeReleaseInStackQueuedSpinLockFromDpcLevel");
	uintptr_t lock = queued_lock(t, LockHandle, "KeReleaseInStackQueuedSpinLockFromDpcLevel");

	hostos_spin_release(t, lock, HOSTOS_LOCK_QUEUED_DPC, LockHandle, t->cpu->irql,
			    "KeReleaseInStackQueuedSpinLockFromDpcLevel");
}

/* ---- the processor ---- */

ULONG KeGetCurrentProcessorNumber(VOID)
{
	return hostos_self("KeGetCurrentProcessorNumber")->cpu->index;
}

ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
	struct hostos_thread *t = hostos_self("KeGetCurrentProcessorNumberEx");

	if (ProcNumber) {
		ProcNumber->Group = 0;
		ProcNumber->Number = (UCHAR)t->cpu->index;
		ProcNumber->Reserved = 0;
	}
	return t->cpu->index;
}

ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
	struct hostos_thread *t = hostos_self("KeQueryActiveProcessorCount");
	unsigned n = t->os->cfg.cpus;

	if (ActiveProcessors)
		*ActiveProcessors = n >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << n) - 1;
	return n;
}

VOID KeStallExecutionProcessor(ULONG MicroSeconds)
{
	struct hostos_thread *t = hostos_self("KeStallExecutionProcessor");

	hostos_busy(t, SIM_US((sim_time_t)MicroSeconds));
	hostos_sched_point(t);
}

NTSTATUS KeQueryDpcWatchdogInformation(PKDPC_WATCHDOG_INFORMATION WatchdogInformation)
{
	struct hostos_thread *t = hostos_self("KeQueryDpcWatchdogInformation");
	const struct hostos_config *c = &t->os->cfg;
	struct hostos_cpu *cpu = t->cpu;
	sim_time_t now = sim_now(t->os->k);
	sim_time_t in_dpc = 0;

	/* Only meaningful in a DPC or at DISPATCH_LEVEL and above (spec
	 * §3.4). The mock's counts are microseconds of simulated time. */
	if (cpu->irql < DISPATCH_LEVEL)
		return STATUS_UNSUCCESSFUL;
	for (struct hostos_frame *f = t->frame; f; f = f->outer)
		if (f->kind == HOSTOS_CTX_DPC || f->kind == HOSTOS_CTX_TIMER_DPC) {
			in_dpc = now - f->start_ps;
			break;
		}
	WatchdogInformation->DpcTimeLimit = (ULONG)(c->dpc_limit_ps / SIM_US(1));
	WatchdogInformation->DpcTimeCount =
		c->dpc_limit_ps > in_dpc ? (ULONG)((c->dpc_limit_ps - in_dpc) / SIM_US(1)) : 0;
	WatchdogInformation->DpcWatchdogLimit = (ULONG)(c->dispatch_limit_ps / SIM_US(1));
	WatchdogInformation->DpcWatchdogCount =
		c->dispatch_limit_ps > now - cpu->dispatch_since_ps
			? (ULONG)((c->dispatch_limit_ps - (now - cpu->dispatch_since_ps)) /
				  SIM_US(1))
			: 0;
	WatchdogInformation->Reserved = 0;
	return STATUS_SUCCESS;
}

/* ---- bug checks and assertions ---- */

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
		  ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
		  ULONG_PTR BugCheckParameter4)
{
	hostos_bugcheck(hostos_self("KeBugCheckEx"), BugCheckCode, BugCheckParameter1,
			BugCheckParameter2, BugCheckParameter3, BugCheckParameter4,
			"the driver called KeBugCheckEx");
}

VOID KeBugCheck(ULONG BugCheckCode)
{
	hostos_bugcheck(hostos_self("KeBugCheck"), BugCheckCode, 0, 0, 0, 0,
			"the driver called KeBugCheck");
}

/*
 * A failed ASSERT breaks into the kernel debugger on a checked build;
 * here it stops the machine like a bug check, with the mock's code
 * HOSTOS_ASSERTION_FAILED, so the test fails with the expression.
 */
VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
	       PSTR MutableMessage)
{
	hostos_bugcheck(hostos_self("RtlAssert"), HOSTOS_ASSERTION_FAILED,
			(uint64_t)(uintptr_t)VoidFailedAssertion, (uint64_t)(uintptr_t)VoidFileName,
			LineNumber, (uint64_t)(uintptr_t)MutableMessage,
			"ASSERT(%s) failed at %s:%lu%s%s", (const char *)VoidFailedAssertion,
			(const char *)VoidFileName, (unsigned long)LineNumber,
			MutableMessage ? ": " : "", MutableMessage ? MutableMessage : "");
}
