/*
 * tests/hostos/drivers/core-driver.c - the host OS core's test driver:
 * plain WDM code (it also compiles against mingw-w64's DDK headers), one
 * function per scenario, each run by the harness as a host OS thread.
 */
#include <ntddk.h>

#include "core-driver.h"

struct core_obs core_obs;

static KSPIN_LOCK lock_a, lock_b, lock_c;
static KDPC dpcs[4];
static KDPC self_dpc;
static int requeues;

static VOID record_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	if (core_obs.dpc_runs < 8)
		core_obs.dpc_order[core_obs.dpc_runs] = (int)(ULONG_PTR)Context;
	core_obs.dpc_runs++;
	core_obs.dpc_cpu = (int)KeGetCurrentProcessorNumber();
	core_obs.arg1 = (uintptr_t)Arg1;
	core_obs.arg2 = (uintptr_t)Arg2;
	core_obs.irql[7] = KeGetCurrentIrql();
}

/* ---- positive ---- */

void core_irql_basic(void *arg)
{
	KIRQL old, old2;

	UNREFERENCED_PARAMETER(arg);
	core_obs.irql[0] = KeGetCurrentIrql();
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	core_obs.irql[1] = KeGetCurrentIrql();
	core_obs.irql[2] = old;
	KeRaiseIrql(DISPATCH_LEVEL, &old2); /* to the same level: allowed */
	core_obs.irql[3] = old2;
	KeLowerIrql(old2);
	KeLowerIrql(old);
	old = KeRaiseIrqlToDpcLevel();
	core_obs.irql[4] = KeGetCurrentIrql();
	KeLowerIrql(old);
	old = KeRaiseIrqlToSynchLevel();
	core_obs.irql[5] = KeGetCurrentIrql();
	KeLowerIrql(old);
	core_obs.irql[6] = KeGetCurrentIrql();
}

void core_spin_basic(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.ok[0] = KeTestSpinLock(&lock_a);
	KeAcquireSpinLock(&lock_a, &old);
	core_obs.irql[0] = KeGetCurrentIrql();
	core_obs.irql[1] = old;
	core_obs.ok[1] = !KeTestSpinLock(&lock_a);
	KeReleaseSpinLock(&lock_a, old);
	core_obs.irql[2] = KeGetCurrentIrql();
	old = KeAcquireSpinLockRaiseToDpc(&lock_a);
	KeReleaseSpinLock(&lock_a, old);
	/* The DPC-level forms, under a raise. */
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeAcquireSpinLockAtDpcLevel(&lock_a);
	core_obs.irql[3] = KeGetCurrentIrql();
	KeReleaseSpinLockFromDpcLevel(&lock_a);
	core_obs.ok[2] = KeTryToAcquireSpinLockAtDpcLevel(&lock_a);
	KeReleaseSpinLockFromDpcLevel(&lock_a);
	KeLowerIrql(old);
	core_obs.irql[4] = KeGetCurrentIrql();
	core_obs.ok[3] = KeTestSpinLock(&lock_a);
}

void core_queued_basic(void *arg)
{
	KLOCK_QUEUE_HANDLE h, h2;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_b);
	KeInitializeSpinLock(&lock_c);
	KeAcquireInStackQueuedSpinLock(&lock_b, &h);
	core_obs.irql[0] = KeGetCurrentIrql();
	core_obs.irql[1] = h.OldIrql;
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_c, &h2);
	core_obs.ok[0] = !KeTestSpinLock(&lock_c);
	KeReleaseInStackQueuedSpinLockFromDpcLevel(&h2);
	KeReleaseInStackQueuedSpinLock(&h);
	core_obs.irql[2] = KeGetCurrentIrql();
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_b, &h);
	core_obs.irql[3] = h.OldIrql;
	KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
	KeLowerIrql(old);
	core_obs.ok[1] = KeTestSpinLock(&lock_b);
}

void core_dpc_basic(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], record_dpc, (PVOID)1);
	/* At PASSIVE_LEVEL the DPC runs before the insert returns. */
	core_obs.ok[0] = KeInsertQueueDpc(&dpcs[0], (PVOID)0x11, (PVOID)0x22);
	core_obs.irql[0] = core_obs.dpc_runs;
	/* At DISPATCH_LEVEL it waits for the lower. */
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	core_obs.ok[1] = KeInsertQueueDpc(&dpcs[0], (PVOID)0x33, (PVOID)0x44);
	/* Queued already: FALSE, and the arguments stay. */
	core_obs.ok[2] = !KeInsertQueueDpc(&dpcs[0], (PVOID)0x55, (PVOID)0x66);
	core_obs.irql[1] = core_obs.dpc_runs;
	KeLowerIrql(old);
	core_obs.irql[2] = core_obs.dpc_runs;
}

void core_dpc_importance(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	for (int i = 0; i < 3; i++)
		KeInitializeDpc(&dpcs[i], record_dpc, (PVOID)(ULONG_PTR)(i + 1));
	KeSetImportanceDpc(&dpcs[2], HighImportance);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
	KeInsertQueueDpc(&dpcs[1], NULL, NULL);
	KeInsertQueueDpc(&dpcs[2], NULL, NULL); /* High: to the head */
	KeLowerIrql(old);
}

void core_dpc_low_and_flush(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], record_dpc, (PVOID)1);
	KeSetImportanceDpc(&dpcs[0], LowImportance);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
	KeLowerIrql(old);
	/* A lone Low importance DPC waits (queue depth 1 < 4)... */
	core_obs.irql[0] = core_obs.dpc_runs;
	/* ...until a flush. */
	KeFlushQueuedDpcs();
	core_obs.irql[1] = core_obs.dpc_runs;
}

static VOID requeue_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	core_obs.dpc_runs++;
	/* Dequeued before the call: queueing itself again succeeds. */
	if (++requeues < 3)
		core_obs.ok[requeues] = KeInsertQueueDpc(Dpc, NULL, NULL);
}

void core_dpc_requeue(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	requeues = 0;
	KeInitializeDpc(&self_dpc, requeue_dpc, NULL);
	KeInsertQueueDpc(&self_dpc, NULL, NULL);
}

void core_dpc_remove(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], record_dpc, (PVOID)1);
	core_obs.ok[0] = !KeRemoveQueueDpc(&dpcs[0]); /* not queued */
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
	core_obs.ok[1] = KeRemoveQueueDpc(&dpcs[0]);
	core_obs.ok[2] = !KeRemoveQueueDpc(&dpcs[0]);
	KeLowerIrql(old);
	/* It can be queued again afterwards. */
	core_obs.ok[3] = KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

void core_dpc_target(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], record_dpc, (PVOID)1);
	KeSetTargetProcessorDpc(&dpcs[0], 1);
	core_obs.ok[0] = KeInsertQueueDpc(&dpcs[0], NULL, NULL);
	/* It runs on CPU 1 (idle), not here: nothing ran on this CPU yet. */
	core_obs.irql[0] = core_obs.dpc_runs;
	KeFlushQueuedDpcs();
	core_obs.irql[1] = core_obs.dpc_runs;
}

void core_processor(void *arg)
{
	KAFFINITY aff = 0;
	PROCESSOR_NUMBER pn;

	UNREFERENCED_PARAMETER(arg);
	core_obs.cpus = (int)KeQueryActiveProcessorCount(&aff);
	core_obs.affinity = aff;
	core_obs.irql[0] = (int)KeGetCurrentProcessorNumber();
	core_obs.irql[1] = (int)KeGetCurrentProcessorNumberEx(&pn);
	core_obs.irql[2] = pn.Number;
	core_obs.irql[3] = pn.Group;
}

void core_stall(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeStallExecutionProcessor(10);
}

static VOID long_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeStallExecutionProcessor((ULONG)(ULONG_PTR)Context);
	core_obs.dpc_runs++;
}

/* @arg: microseconds the DPC stalls. */
void core_dpc_long(void *arg)
{
	KeInitializeDpc(&dpcs[0], long_dpc, arg);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

/* Two threads on two CPUs: the reader is wrong when it runs first. */
void core_race_writer(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	core_obs.shared = 1;
}

void core_race_reader(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	if (core_obs.shared == 0)
		core_obs.saw_stale = 1;
}

/* Two CPUs take one lock: the second spins until the first releases. */
void core_spin_contend_a(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeAcquireSpinLock(&lock_a, &old);
	core_obs.shared = 1;
	KeStallExecutionProcessor(5);
	core_obs.shared = 2;
	KeReleaseSpinLock(&lock_a, old);
}

void core_spin_contend_b(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeStallExecutionProcessor(1); /* let A take it first */
	KeAcquireSpinLock(&lock_a, &old);
	core_obs.ok[0] = core_obs.shared == 2; /* A was done */
	KeReleaseSpinLock(&lock_a, old);
}

/* Debug output from a thread and from a DPC. */
void core_debug_print(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	DbgPrint("hello %d\n", 42);
	DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "from %s\n", "DbgPrintEx");
	KeInitializeDpc(&dpcs[0], record_dpc, (PVOID)1);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

/* Driver code that never calls the OS again. */
void core_endless(void *arg)
{
	volatile ULONG spin = 0;

	UNREFERENCED_PARAMETER(arg);
	for (;;)
		spin = spin + 1;
}

/* ---- misuse ---- */

void core_bad_raise(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeRaiseIrql(PASSIVE_LEVEL, &old);
}

void core_bad_lower(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeLowerIrql(DISPATCH_LEVEL);
}

static VOID lowering_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeLowerIrql(PASSIVE_LEVEL);
}

void core_lower_in_dpc(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], lowering_dpc, NULL);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

void core_strict_lower(void *arg)
{
	KIRQL a, b;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(APC_LEVEL, &a);
	KeRaiseIrql(DISPATCH_LEVEL, &b);
	KeLowerIrql(a); /* skips the matching lower to b */
}

void core_recursive_acquire(void *arg)
{
	KIRQL old, old2;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLock(&lock_a, &old);
	KeAcquireSpinLock(&lock_a, &old2);
}

void core_release_not_held(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeInitializeSpinLock(&lock_b);
	core_obs.lock_b = (uintptr_t)&lock_b;
	KeAcquireSpinLock(&lock_a, &old);
	KeReleaseSpinLock(&lock_b, old);
}

void core_double_release(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLock(&lock_a, &old);
	KeReleaseSpinLock(&lock_a, old);
	KeReleaseSpinLock(&lock_a, old);
}

void core_atdpc_at_passive(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLockAtDpcLevel(&lock_a);
}

void core_fromdpc_at_passive(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeReleaseSpinLockFromDpcLevel(&lock_a);
}

void core_acquire_above_dispatch(void *arg)
{
	KIRQL old, old2;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	old = KeRaiseIrqlToSynchLevel();
	KeAcquireSpinLock(&lock_a, &old2);
	KeLowerIrql(old);
}

void core_wrong_release_routine(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLock(&lock_a, &old);
	KeReleaseSpinLockFromDpcLevel(&lock_a);
}

void core_wrong_old_irql(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLock(&lock_a, &old);
	KeReleaseSpinLock(&lock_a, APC_LEVEL);
}

void core_mixed_queued(void *arg)
{
	KLOCK_QUEUE_HANDLE h;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireSpinLock(&lock_a, &old);
	KeReleaseSpinLock(&lock_a, old);
	KeAcquireInStackQueuedSpinLock(&lock_a, &h);
	KeReleaseInStackQueuedSpinLock(&h);
}

void core_uninitialized(void *arg)
{
	static KSPIN_LOCK never;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	core_obs.lock_a = (uintptr_t)&never;
	KeAcquireSpinLock(&never, &old);
	KeReleaseSpinLock(&never, old);
}

static VOID holding_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeAcquireSpinLockAtDpcLevel(&lock_a);
}

void core_held_at_dpc_return(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeInitializeDpc(&dpcs[0], holding_dpc, NULL);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

static VOID raising_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	old = KeRaiseIrqlToSynchLevel();
	UNREFERENCED_PARAMETER(old);
}

void core_dpc_returns_raised(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], raising_dpc, NULL);
	core_obs.dpc_addr = (uintptr_t)raising_dpc;
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

void core_thread_returns_raised(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
}

void core_deadlock_two(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeInitializeSpinLock(&lock_b);
	core_obs.lock_a = (uintptr_t)&lock_a;
	core_obs.lock_b = (uintptr_t)&lock_b;
	KeAcquireSpinLock(&lock_a, &old);
	KeAcquireSpinLockAtDpcLevel(&lock_b);
	KeReleaseSpinLockFromDpcLevel(&lock_b);
	KeReleaseSpinLock(&lock_a, old);
	/* The other order, later, on another path: a cycle b -> a. */
	KeAcquireSpinLock(&lock_b, &old);
	KeAcquireSpinLockAtDpcLevel(&lock_a);
	KeReleaseSpinLockFromDpcLevel(&lock_a);
	KeReleaseSpinLock(&lock_b, old);
}

void core_deadlock_three(void *arg)
{
	KLOCK_QUEUE_HANDLE h1, h2;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeInitializeSpinLock(&lock_b);
	KeInitializeSpinLock(&lock_c);
	core_obs.lock_a = (uintptr_t)&lock_a;
	KeAcquireInStackQueuedSpinLock(&lock_a, &h1); /* a -> b */
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_b, &h2);
	KeReleaseInStackQueuedSpinLockFromDpcLevel(&h2);
	KeReleaseInStackQueuedSpinLock(&h1);
	KeAcquireInStackQueuedSpinLock(&lock_b, &h1); /* b -> c */
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_c, &h2);
	KeReleaseInStackQueuedSpinLockFromDpcLevel(&h2);
	KeReleaseInStackQueuedSpinLock(&h1);
	KeRaiseIrql(DISPATCH_LEVEL, &old); /* c -> a closes it */
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_c, &h1);
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_a, &h2);
}

void core_out_of_order(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeInitializeSpinLock(&lock_b);
	core_obs.lock_a = (uintptr_t)&lock_a;
	core_obs.lock_b = (uintptr_t)&lock_b;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeAcquireSpinLockAtDpcLevel(&lock_a);
	KeAcquireSpinLockAtDpcLevel(&lock_b);
	KeReleaseSpinLockFromDpcLevel(&lock_a); /* b was taken last */
}

void core_bugcheck_thread(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeBugCheckEx(0xE2, 1, 2, 3, 4);
}

static VOID bugcheck_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeBugCheckEx(0xE2, 5, 6, 7, 8);
}

void core_bugcheck_dpc(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], bugcheck_dpc, NULL);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
}

static VOID nesting_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	KLOCK_QUEUE_HANDLE h;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock_b, &h);
	KeBugCheckEx(0xE2, 9, 10, 11, 12);
}

/* A DPC queued under a held lock runs at its release, then takes a
 * second lock and bug checks with both contexts on the stack. */
void core_bugcheck_nested(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock_a);
	KeInitializeSpinLock(&lock_b);
	KeInitializeDpc(&dpcs[0], nesting_dpc, NULL);
	KeAcquireSpinLock(&lock_a, &old);
	KeInsertQueueDpc(&dpcs[0], NULL, NULL);
	KeReleaseSpinLock(&lock_a, old);
}

void core_assert_fails(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	NT_ASSERT(core_obs.dpc_runs == 42);
}

void core_bad_target(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpcs[0], record_dpc, NULL);
	core_obs.dpc_addr = (uintptr_t)&dpcs[0];
	KeSetTargetProcessorDpc(&dpcs[0], 5);
}

void core_flush_at_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeFlushQueuedDpcs();
	KeLowerIrql(old);
}

void core_dispatch_too_long(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	for (int i = 0; i < 20; i++)
		KeStallExecutionProcessor(1000);
	KeLowerIrql(old);
}
