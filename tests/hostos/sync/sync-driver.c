/*
 * tests/hostos/sync/sync-driver.c - the test driver of timers, events,
 * waits, mutexes, time, work items and system threads: plain WDM code (it
 * also compiles against mingw-w64's DDK headers), one function per
 * scenario, each run by the harness (test-sync.c) as a host OS thread.
 */
#include <ntddk.h>

#include "sync-driver.h"

struct sync_obs sync_obs;

#define MS(n) ((LONGLONG)(n) * -10000LL) /* a relative due time of n ms */

static KEVENT ev_a, ev_b, ev_c, ev_d, ev_done;
static KMUTEX mtx_a, mtx_b;
static FAST_MUTEX fmx;
static KSEMAPHORE sem;
static KTIMER tmr;
static KDPC tdpc, ldpc;
static DEVICE_OBJECT dev;
static ULONG_PTR item_buf[64];

static LONGLONG now100(void)
{
	return KeQueryPerformanceCounter(NULL).QuadPart;
}

static NTSTATUS wait_for(PVOID object, LONGLONG timeout)
{
	LARGE_INTEGER t;

	t.QuadPart = timeout;
	return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, &t);
}

static NTSTATUS wait_forever(PVOID object)
{
	return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, NULL);
}

static VOID delay_ms(LONG ms)
{
	LARGE_INTEGER t;

	t.QuadPart = MS(ms);
	KeDelayExecutionThread(KernelMode, FALSE, &t);
}

/* A system thread, its object referenced (the handle closed at once). */
static PVOID start(PKSTART_ROUTINE fn, PVOID ctx)
{
	HANDLE h;
	PVOID obj = NULL;

	if (!NT_SUCCESS(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, fn, ctx)))
		return NULL;
	if (NT_SUCCESS(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, &obj,
						 NULL)))
		ZwClose(h);
	return obj;
}

static VOID join(PVOID obj)
{
	wait_forever(obj);
	ObDereferenceObject(obj);
}

/* ---- events ---- */

static VOID waiter_a(PVOID ctx)
{
	wait_forever(&ev_a);
	sync_obs.order[sync_obs.woken++ & 7] = (int)(ULONG_PTR)ctx;
}

void sync_event_notification(void *arg)
{
	PVOID th[3];

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	for (int i = 0; i < 3; i++)
		th[i] = start(waiter_a, (PVOID)(ULONG_PTR)i);
	delay_ms(1);
	sync_obs.value[0] = sync_obs.woken;
	sync_obs.value[1] = KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
	delay_ms(1);
	sync_obs.value[2] = sync_obs.woken;
	sync_obs.value[3] = KeReadStateEvent(&ev_a);
	sync_obs.value[4] = KeResetEvent(&ev_a);
	sync_obs.value[5] = KeReadStateEvent(&ev_a);
	for (int i = 0; i < 3; i++)
		join(th[i]);
	sync_obs.done = 1;
}

void sync_event_synchronization(void *arg)
{
	PVOID th[3];

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, SynchronizationEvent, FALSE);
	for (int i = 0; i < 3; i++)
		th[i] = start(waiter_a, (PVOID)(ULONG_PTR)i);
	delay_ms(1);
	for (int i = 0; i < 3; i++) {
		KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
		delay_ms(1);
		sync_obs.value[i] = sync_obs.woken;
		sync_obs.value[4 + i] = KeReadStateEvent(&ev_a);
	}
	/* No waiter: it stays set until one wait consumes it. */
	KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
	sync_obs.value[8] = KeReadStateEvent(&ev_a);
	sync_obs.status[0] = wait_for(&ev_a, 0);
	sync_obs.value[9] = KeReadStateEvent(&ev_a);
	sync_obs.status[1] = wait_for(&ev_a, 0);
	KeClearEvent(&ev_a);
	for (int i = 0; i < 3; i++)
		join(th[i]);
	sync_obs.done = 1;
}

void sync_set_event_wait(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.value[0] = KeSetEvent(&ev_a, IO_NO_INCREMENT, TRUE);
	sync_obs.value[1] = KeGetCurrentIrql();
	sync_obs.status[0] = wait_forever(&ev_a);
	sync_obs.value[2] = KeGetCurrentIrql();
	sync_obs.done = 1;
}

/* ---- WaitAny / WaitAll ---- */

static VOID set_b_later(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	delay_ms(2);
	KeSetEvent(&ev_b, IO_NO_INCREMENT, FALSE);
}

void sync_wait_any_all(void *arg)
{
	PVOID two[2] = { &ev_a, &ev_b };
	PVOID four[4] = { &ev_a, &ev_b, &ev_c, &ev_d };
	KWAIT_BLOCK blocks[4];
	LARGE_INTEGER t;
	PVOID th;
	LONGLONG t0;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	KeInitializeEvent(&ev_b, SynchronizationEvent, TRUE);
	KeInitializeEvent(&ev_c, NotificationEvent, TRUE);
	KeInitializeEvent(&ev_d, NotificationEvent, TRUE);
	sync_obs.status[0] =
		KeWaitForMultipleObjects(2, two, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
	sync_obs.value[0] = KeReadStateEvent(&ev_b);
	t.QuadPart = MS(1);
	KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
	sync_obs.status[1] =
		KeWaitForMultipleObjects(2, two, WaitAll, Executive, KernelMode, FALSE, &t, NULL);
	/* WaitAll blocks until the other thread sets the second one. */
	th = start(set_b_later, NULL);
	t0 = now100();
	sync_obs.status[2] =
		KeWaitForMultipleObjects(2, two, WaitAll, Executive, KernelMode, FALSE, NULL, NULL);
	sync_obs.time[0] = now100() - t0;
	sync_obs.value[1] = KeReadStateEvent(&ev_a);
	sync_obs.value[2] = KeReadStateEvent(&ev_b);
	KeSetEvent(&ev_b, IO_NO_INCREMENT, FALSE);
	sync_obs.status[3] = KeWaitForMultipleObjects(4, four, WaitAll, Executive, KernelMode, FALSE,
						      NULL, blocks);
	sync_obs.addr[0] = (uintptr_t)blocks[3].Object;
	KeClearEvent(&ev_a);
	sync_obs.status[4] = KeWaitForMultipleObjects(4, four, WaitAny, Executive, KernelMode, FALSE,
						      NULL, blocks);
	join(th);
	sync_obs.done = 1;
}

/* ---- timeouts and delays ---- */

void sync_timeouts(void *arg)
{
	LARGE_INTEGER abs;
	LONGLONG t0;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	t0 = now100();
	sync_obs.status[0] = wait_for(&ev_a, MS(10));
	sync_obs.time[0] = now100() - t0;
	t0 = now100();
	sync_obs.status[1] = wait_for(&ev_a, 0);
	sync_obs.time[1] = now100() - t0;
	KeQuerySystemTimePrecise(&abs);
	t0 = now100();
	sync_obs.status[2] = wait_for(&ev_a, abs.QuadPart + 50000);
	sync_obs.time[2] = now100() - t0;
	t0 = now100();
	delay_ms(1);
	sync_obs.time[3] = now100() - t0;
	sync_obs.done = 1;
}

/* ---- timers ---- */

static VOID timer_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	sync_obs.dpc_runs++;
	sync_obs.dpc_irql = KeGetCurrentIrql();
	sync_obs.dpc_cpu = (int)KeGetCurrentProcessorNumber();
	sync_obs.time[sync_obs.dpc_runs & 7] = now100();
	KeSetEvent(&ev_done, IO_NO_INCREMENT, FALSE);
}

void sync_timer_oneshot(void *arg)
{
	LARGE_INTEGER due;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_done, NotificationEvent, FALSE);
	KeInitializeTimer(&tmr);
	KeInitializeDpc(&tdpc, timer_dpc, NULL);
	due.QuadPart = MS(20);
	sync_obs.value[0] = KeSetTimer(&tmr, due, &tdpc);
	sync_obs.value[1] = KeSetTimer(&tmr, due, &tdpc); /* armed: TRUE */
	sync_obs.value[2] = KeReadStateTimer(&tmr);
	sync_obs.status[0] = wait_forever(&tmr);
	sync_obs.time[0] = now100();
	sync_obs.value[3] = KeReadStateTimer(&tmr);
	sync_obs.value[4] = KeCancelTimer(&tmr); /* expired: FALSE */
	sync_obs.value[5] = sync_obs.dpc_runs;
	/* Armed and cancelled before it expires: no DPC. */
	KeSetTimer(&tmr, due, &tdpc);
	sync_obs.value[6] = KeCancelTimer(&tmr);
	delay_ms(50);
	sync_obs.value[7] = sync_obs.dpc_runs;
	sync_obs.done = 1;
}

static VOID periodic_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	sync_obs.time[sync_obs.dpc_runs & 7] = now100();
	sync_obs.dpc_runs++;
	sync_obs.dpc_irql = KeGetCurrentIrql();
	if (sync_obs.dpc_runs == 3) {
		/* A periodic timer is always in the queue: TRUE. */
		sync_obs.value[0] = KeCancelTimer(&tmr);
		KeSetEvent(&ev_done, IO_NO_INCREMENT, FALSE);
	}
}

void sync_timer_periodic_cancel(void *arg)
{
	LARGE_INTEGER due;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_done, NotificationEvent, FALSE);
	KeInitializeTimerEx(&tmr, NotificationTimer);
	KeInitializeDpc(&tdpc, periodic_dpc, NULL);
	due.QuadPart = MS(10);
	KeSetTimerEx(&tmr, due, 10, &tdpc);
	sync_obs.status[0] = wait_forever(&ev_done);
	delay_ms(100);
	sync_obs.value[1] = sync_obs.dpc_runs;
	sync_obs.done = 1;
}

void sync_timer_sync_type(void *arg)
{
	LARGE_INTEGER due;
	KTIMER n;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeTimerEx(&tmr, SynchronizationTimer);
	KeInitializeTimerEx(&n, NotificationTimer);
	due.QuadPart = MS(1);
	KeSetTimer(&tmr, due, NULL);
	KeSetTimer(&n, due, NULL);
	sync_obs.status[0] = wait_forever(&tmr);
	sync_obs.value[0] = KeReadStateTimer(&tmr); /* consumed by the wait */
	sync_obs.status[1] = wait_forever(&n);
	sync_obs.value[1] = KeReadStateTimer(&n);   /* stays signalled */
	sync_obs.status[2] = wait_for(&tmr, 0);
	sync_obs.status[3] = wait_for(&n, 0);
	sync_obs.done = 1;
}

void sync_timer_target_cpu(void *arg)
{
	LARGE_INTEGER due;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_done, NotificationEvent, FALSE);
	KeInitializeTimer(&tmr);
	KeInitializeDpc(&tdpc, timer_dpc, NULL);
	KeSetTargetProcessorDpc(&tdpc, 1);
	due.QuadPart = MS(5);
	KeSetTimer(&tmr, due, &tdpc);
	sync_obs.status[0] = wait_forever(&ev_done);
	sync_obs.done = 1;
}

static VOID low_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	sync_obs.time[sync_obs.dpc_runs & 7] = now100();
	sync_obs.dpc_runs++;
}

void sync_low_dpc_tick(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&ldpc, low_dpc, NULL);
	KeSetImportanceDpc(&ldpc, LowImportance);
	KeInsertQueueDpc(&ldpc, NULL, NULL);
	delay_ms(5);
	sync_obs.value[0] = sync_obs.dpc_runs; /* a lone Low one waits... */
	delay_ms(20);
	sync_obs.value[1] = sync_obs.dpc_runs; /* ...for the tick at 15.625 ms */
	/* Queued as the thread ends: the idle context runs it at the next
	 * tick, and then the clock stops. */
	KeInsertQueueDpc(&ldpc, NULL, NULL);
	sync_obs.done = 1;
}

/* ---- mutexes and semaphores ---- */

static VOID mutex_taker(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	sync_obs.status[8] = wait_forever(&mtx_a);
	sync_obs.woken++;
	sync_obs.value[8] = KeReadStateMutex(&mtx_a);
	KeReleaseMutex(&mtx_a, FALSE);
}

void sync_mutex(void *arg)
{
	PVOID th;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	sync_obs.value[0] = KeReadStateMutex(&mtx_a);
	sync_obs.status[0] = wait_forever(&mtx_a);
	sync_obs.status[1] = wait_forever(&mtx_a); /* recursive */
	sync_obs.value[1] = KeReadStateMutex(&mtx_a);
	th = start(mutex_taker, NULL);
	delay_ms(1);
	sync_obs.value[2] = sync_obs.woken;
	sync_obs.value[3] = KeReleaseMutex(&mtx_a, FALSE);
	delay_ms(1);
	sync_obs.value[4] = sync_obs.woken; /* still owned once */
	sync_obs.value[5] = KeReleaseMutex(&mtx_a, FALSE);
	join(th);
	sync_obs.value[6] = sync_obs.woken;
	sync_obs.value[7] = KeReadStateMutex(&mtx_a);
	sync_obs.done = 1;
}

static VOID fast_taker(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	sync_obs.value[8] = ExTryToAcquireFastMutex(&fmx);
	ExAcquireFastMutex(&fmx);
	sync_obs.woken++;
	sync_obs.value[9] = KeGetCurrentIrql();
	ExReleaseFastMutex(&fmx);
}

void sync_fast_mutex(void *arg)
{
	PVOID th;

	UNREFERENCED_PARAMETER(arg);
	ExInitializeFastMutex(&fmx);
	ExAcquireFastMutex(&fmx);
	sync_obs.value[0] = KeGetCurrentIrql();
	th = start(fast_taker, NULL);
	delay_ms(1);
	sync_obs.value[1] = sync_obs.woken;
	ExReleaseFastMutex(&fmx);
	sync_obs.value[2] = KeGetCurrentIrql();
	join(th);
	sync_obs.value[3] = sync_obs.woken;
	sync_obs.value[4] = ExTryToAcquireFastMutex(&fmx);
	ExReleaseFastMutex(&fmx);
	sync_obs.done = 1;
}

void sync_semaphore(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeSemaphore(&sem, 0, 2);
	sync_obs.value[0] = KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 1, FALSE);
	sync_obs.value[1] = KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 1, FALSE);
	sync_obs.value[2] = KeReadStateSemaphore(&sem);
	sync_obs.status[0] = wait_forever(&sem);
	sync_obs.status[1] = wait_forever(&sem);
	sync_obs.status[2] = wait_for(&sem, MS(1));
	sync_obs.value[3] = KeReadStateSemaphore(&sem);
	sync_obs.done = 1;
}

/* ---- time ---- */

void sync_time(void *arg)
{
	LARGE_INTEGER a, b, freq;

	UNREFERENCED_PARAMETER(arg);
	sync_obs.value[0] = (long)KeQueryTimeIncrement();
	delay_ms(100);
	KeQueryTickCount(&a);
	sync_obs.time[0] = a.QuadPart;
	sync_obs.time[1] = (int64_t)KeQueryInterruptTime();
	KeQuerySystemTime(&a);
	KeQuerySystemTimePrecise(&b);
	sync_obs.time[2] = a.QuadPart;
	sync_obs.time[3] = b.QuadPart;
	sync_obs.time[4] = KeQueryPerformanceCounter(&freq).QuadPart;
	sync_obs.time[5] = freq.QuadPart;
	sync_obs.done = 1;
}

/* ---- work items ---- */

static VOID work_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	PIO_WORKITEM item = Context;

	sync_obs.work_runs++;
	sync_obs.work_irql = KeGetCurrentIrql();
	sync_obs.value[10] = DeviceObject == &dev;
	/* Dequeued before the call: it may queue itself again. */
	if (sync_obs.work_runs == 1)
		IoQueueWorkItem(item, work_routine, DelayedWorkQueue, item);
	else
		KeSetEvent(&ev_done, IO_NO_INCREMENT, FALSE);
}

static VOID work_free_self(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	IoFreeWorkItem((PIO_WORKITEM)Context);
	sync_obs.value[11] = 1;
	KeSetEvent(&ev_done, IO_NO_INCREMENT, FALSE);
}

void sync_work_items(void *arg)
{
	PIO_WORKITEM item, own = (PIO_WORKITEM)item_buf;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_done, SynchronizationEvent, FALSE);
	item = IoAllocateWorkItem(&dev);
	IoQueueWorkItem(item, work_routine, DelayedWorkQueue, item);
	sync_obs.value[0] = sync_obs.work_runs; /* not yet: the worker needs the CPU */
	sync_obs.status[0] = wait_forever(&ev_done);
	sync_obs.value[1] = sync_obs.work_runs;
	IoFreeWorkItem(item);
	/* Driver-owned storage. */
	sync_obs.value[2] = IoSizeofWorkItem() <= sizeof(item_buf);
	IoInitializeWorkItem(&dev, own);
	sync_obs.work_runs = 0;
	IoQueueWorkItem(own, work_routine, CriticalWorkQueue, own);
	sync_obs.status[1] = wait_forever(&ev_done);
	IoUninitializeWorkItem(own);
	/* A routine may free its own item. */
	item = IoAllocateWorkItem(&dev);
	IoQueueWorkItem(item, work_free_self, DelayedWorkQueue, item);
	sync_obs.status[2] = wait_forever(&ev_done);
	sync_obs.done = 1;
}

/* A timer's DPC queues a work item (the usual way to get from DISPATCH_LEVEL
 * to PASSIVE_LEVEL); the worker starts from that DPC. */
static PIO_WORKITEM dpc_item;

static VOID work_from_dpc_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Context);
	sync_obs.work_runs++;
	sync_obs.work_irql = KeGetCurrentIrql();
	sync_obs.time[1] = now100();
	KeSetEvent(&ev_done, IO_NO_INCREMENT, FALSE);
}

static VOID queueing_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	sync_obs.dpc_irql = KeGetCurrentIrql();
	sync_obs.time[0] = now100();
	IoQueueWorkItem(dpc_item, work_from_dpc_routine, DelayedWorkQueue, NULL);
}

void sync_work_from_dpc(void *arg)
{
	LARGE_INTEGER due;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_done, NotificationEvent, FALSE);
	dpc_item = IoAllocateWorkItem(&dev);
	KeInitializeTimer(&tmr);
	KeInitializeDpc(&tdpc, queueing_dpc, NULL);
	due.QuadPart = MS(1);
	KeSetTimer(&tmr, due, &tdpc);
	sync_obs.status[0] = wait_forever(&ev_done);
	IoFreeWorkItem(dpc_item);
	sync_obs.done = 1;
}

/* ---- system threads ---- */

static VOID ending_thread(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	delay_ms(3);
	sync_obs.value[0] = KeGetCurrentIrql() == PASSIVE_LEVEL;
	PsTerminateSystemThread(STATUS_SUCCESS);
	sync_obs.value[1] = 99; /* never */
}

void sync_system_thread(void *arg)
{
	HANDLE h;
	PVOID obj = NULL;
	CLIENT_ID cid;
	LONGLONG t0 = now100();

	UNREFERENCED_PARAMETER(arg);
	sync_obs.status[0] = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, &cid,
						  ending_thread, NULL);
	sync_obs.status[1] =
		ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, &obj, NULL);
	sync_obs.status[2] = ZwClose(h);
	sync_obs.status[3] = ZwClose(h); /* closed already */
	sync_obs.status[4] = wait_forever(obj);
	sync_obs.time[0] = now100() - t0;
	sync_obs.status[5] = wait_for(obj, 0); /* stays signalled */
	ObDereferenceObject(obj);
	sync_obs.status[6] = ObReferenceObjectByHandle((HANDLE)&dev, SYNCHRONIZE, NULL,
						       KernelMode, &obj, NULL);
	sync_obs.status[7] = PsTerminateSystemThread(STATUS_SUCCESS); /* not a system thread */
	sync_obs.done = 1;
}

/* ---- misuse ---- */

void sync_bad_wait_high(void *arg)
{
	KIRQL old;
	LARGE_INTEGER zero;

	UNREFERENCED_PARAMETER(arg);
	zero.QuadPart = 0;
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	sync_obs.addr[1] = (uintptr_t)&zero;
	KeRaiseIrql(HIGH_LEVEL, &old);
	KeWaitForSingleObject(&ev_a, Executive, KernelMode, FALSE, &zero);
	KeLowerIrql(old);
}

void sync_bad_wait_dispatch_forever(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, TRUE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	/* Signalled, yet the rule is about the call. */
	wait_forever(&ev_a);
	KeLowerIrql(old);
}

void sync_bad_wait_dispatch_timeout(void *arg)
{
	KIRQL old;
	LARGE_INTEGER t;

	UNREFERENCED_PARAMETER(arg);
	t.QuadPart = MS(1);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	sync_obs.addr[1] = (uintptr_t)&t;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	/* A zero timeout polls and is allowed. */
	sync_obs.status[0] = wait_for(&ev_a, 0);
	KeWaitForSingleObject(&ev_a, Executive, KernelMode, FALSE, &t);
	KeLowerIrql(old);
}

static VOID waiting_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
	sync_obs.status[0] = wait_for(&ev_a, 0); /* a poll is fine */
	wait_forever(&ev_a);
}

void sync_bad_wait_in_dpc(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	KeInitializeDpc(&tdpc, waiting_dpc, NULL);
	KeInsertQueueDpc(&tdpc, NULL, NULL);
}

void sync_bad_wait_count(void *arg)
{
	PVOID four[4] = { &ev_a, &ev_b, &ev_c, &ev_d };

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, TRUE);
	KeInitializeEvent(&ev_b, NotificationEvent, TRUE);
	KeInitializeEvent(&ev_c, NotificationEvent, TRUE);
	KeInitializeEvent(&ev_d, NotificationEvent, TRUE);
	KeWaitForMultipleObjects(4, four, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
}

void sync_bad_wait_too_many(void *arg)
{
	static PVOID many[65];
	static KWAIT_BLOCK blocks[65];

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, TRUE);
	for (int i = 0; i < 65; i++)
		many[i] = &ev_a;
	sync_obs.addr[0] = (uintptr_t)blocks;
	KeWaitForMultipleObjects(65, many, WaitAny, Executive, KernelMode, FALSE, NULL, blocks);
}

void sync_bad_set_event_high(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	KeRaiseIrql(HIGH_LEVEL, &old);
	KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
	KeLowerIrql(old);
}

void sync_bad_set_event_wait_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	sync_obs.value[0] = KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE); /* allowed */
	KeSetEvent(&ev_a, IO_NO_INCREMENT, TRUE);
	KeLowerIrql(old);
}

void sync_deadlock_event(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&ev_a;
	wait_forever(&ev_a);
	sync_obs.done = 1;
}

static VOID abba(PVOID ctx)
{
	PVOID first = ctx ? (PVOID)&mtx_b : (PVOID)&mtx_a;
	PVOID second = ctx ? (PVOID)&mtx_a : (PVOID)&mtx_b;

	wait_forever(first);
	delay_ms(1);
	wait_forever(second);
	KeReleaseMutex(second, FALSE);
	KeReleaseMutex(first, FALSE);
}

void sync_deadlock_abba(void *arg)
{
	PVOID t1, t2;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	KeInitializeMutex(&mtx_b, 0);
	t1 = start(abba, NULL);
	t2 = start(abba, (PVOID)1);
	sync_obs.addr[0] = (uintptr_t)t1;
	join(t1);
	join(t2);
	sync_obs.done = 1;
}

void sync_bad_mutex_order(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	KeInitializeMutex(&mtx_b, 0);
	sync_obs.addr[0] = (uintptr_t)&mtx_a;
	wait_forever(&mtx_a);
	wait_forever(&mtx_b);
	KeReleaseMutex(&mtx_b, FALSE);
	KeReleaseMutex(&mtx_a, FALSE);
	/* The other order: a cycle, reported before any deadlock. */
	wait_forever(&mtx_b);
	wait_forever(&mtx_a);
}

void sync_bad_mutex_release_unowned(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	sync_obs.addr[0] = (uintptr_t)&mtx_a;
	KeReleaseMutex(&mtx_a, FALSE);
}

static VOID owner_thread(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	wait_forever(&mtx_a);
	KeSetEvent(&ev_a, IO_NO_INCREMENT, FALSE);
	wait_forever(&ev_b);
	KeReleaseMutex(&mtx_a, FALSE);
}

void sync_bad_mutex_release_other(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	KeInitializeEvent(&ev_b, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)&mtx_a;
	start(owner_thread, NULL);
	wait_forever(&ev_a);
	KeReleaseMutex(&mtx_a, FALSE);
}

void sync_bad_fast_mutex_recursive(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ExInitializeFastMutex(&fmx);
	sync_obs.addr[0] = (uintptr_t)&fmx;
	ExAcquireFastMutex(&fmx);
	ExAcquireFastMutex(&fmx);
}

/* A fast mutex and a mutex taken in both orders: one graph for both. */
void sync_bad_mutex_spin_order(void *arg)
{
	KIRQL old;
	KSPIN_LOCK lock;

	UNREFERENCED_PARAMETER(arg);
	ExInitializeFastMutex(&fmx);
	KeInitializeMutex(&mtx_a, 0);
	KeInitializeSpinLock(&lock);
	sync_obs.addr[0] = (uintptr_t)&fmx;
	ExAcquireFastMutex(&fmx);
	wait_forever(&mtx_a);
	KeAcquireSpinLock(&lock, &old); /* mutex -> spin lock: an edge, no cycle */
	KeReleaseSpinLock(&lock, old);
	KeReleaseMutex(&mtx_a, FALSE);
	ExReleaseFastMutex(&fmx);
	wait_forever(&mtx_a);
	ExAcquireFastMutex(&fmx);
}

void sync_bad_semaphore_limit(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeSemaphore(&sem, 0, 1);
	sync_obs.addr[0] = (uintptr_t)&sem;
	KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 2, FALSE);
}

static VOID idle_work(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Context);
}

static PIO_WORKITEM queued_item(void)
{
	PIO_WORKITEM item = IoAllocateWorkItem(&dev);

	sync_obs.addr[0] = (uintptr_t)item;
	sync_obs.addr[1] = (uintptr_t)idle_work;
	IoQueueWorkItem(item, idle_work, DelayedWorkQueue, NULL);
	return item;
}

void sync_bad_work_queued_twice(void *arg)
{
	PIO_WORKITEM item = queued_item();

	UNREFERENCED_PARAMETER(arg);
	IoQueueWorkItem(item, idle_work, DelayedWorkQueue, NULL);
}

void sync_bad_work_free_queued(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	IoFreeWorkItem(queued_item());
}

void sync_bad_work_uninit_queued(void *arg)
{
	PIO_WORKITEM own = (PIO_WORKITEM)item_buf;

	UNREFERENCED_PARAMETER(arg);
	IoInitializeWorkItem(&dev, own);
	sync_obs.addr[0] = (uintptr_t)own;
	sync_obs.addr[1] = IoSizeofWorkItem();
	IoQueueWorkItem(own, idle_work, DelayedWorkQueue, NULL);
	IoUninitializeWorkItem(own);
}

void sync_bad_work_null_object(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	IoAllocateWorkItem(NULL);
}

void sync_bad_work_null_routine(void *arg)
{
	PIO_WORKITEM item = IoAllocateWorkItem(&dev);

	UNREFERENCED_PARAMETER(arg);
	sync_obs.addr[0] = (uintptr_t)item;
	IoQueueWorkItem(item, NULL, DelayedWorkQueue, NULL);
}

void sync_bad_work_reinit_queued(void *arg)
{
	PIO_WORKITEM own = (PIO_WORKITEM)item_buf;

	UNREFERENCED_PARAMETER(arg);
	IoInitializeWorkItem(&dev, own);
	sync_obs.addr[0] = (uintptr_t)own;
	sync_obs.addr[1] = (uintptr_t)idle_work;
	IoQueueWorkItem(own, idle_work, DelayedWorkQueue, NULL);
	IoInitializeWorkItem(&dev, own);
}

static VOID raising_work(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Context);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
}

void sync_bad_work_irql(void *arg)
{
	PIO_WORKITEM item = IoAllocateWorkItem(&dev);

	UNREFERENCED_PARAMETER(arg);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)item;
	sync_obs.addr[1] = (uintptr_t)raising_work;
	IoQueueWorkItem(item, raising_work, DelayedWorkQueue, &ev_a);
	wait_forever(&ev_a);
}

static VOID mutex_work(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Context);
	wait_forever(&mtx_a);
}

void sync_bad_work_mutex(void *arg)
{
	PIO_WORKITEM item = IoAllocateWorkItem(&dev);

	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	KeInitializeEvent(&ev_a, NotificationEvent, FALSE);
	sync_obs.addr[0] = (uintptr_t)mutex_work;
	IoQueueWorkItem(item, mutex_work, DelayedWorkQueue, NULL);
	wait_forever(&ev_a);
}

static VOID mutex_keeper(PVOID ctx)
{
	UNREFERENCED_PARAMETER(ctx);
	wait_forever(&mtx_a);
}

void sync_bad_thread_exit_mutex(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeMutex(&mtx_a, 0);
	join(start(mutex_keeper, NULL));
}
