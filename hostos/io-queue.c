/*
 * hostos/io-queue.c - the classic StartIo model: device queues
 * (KeInitializeDeviceQueue, KeInsertDeviceQueue, KeRemoveDeviceQueue,
 * KeRemoveEntryDeviceQueue, at DISPATCH_LEVEL under the queue's spin
 * lock), IoStartPacket and IoStartNextPacket (StartIo called at
 * DISPATCH_LEVEL with DEVICE_OBJECT.CurrentIrp set), and the one-second
 * IoTimer (IoInitializeTimer, IoStartTimer, IoStopTimer): one periodic
 * KTIMER of the instance whose DPC calls every started device timer, armed
 * only while one is started, so an idle OS has no clock events.
 */
#include "hostos/io-internal.h"

#include <string.h>

/* ---- device queues ---- */

VOID KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
	DeviceQueue->Type = 0x14; /* DeviceQueueObject */
	DeviceQueue->Size = sizeof(KDEVICE_QUEUE);
	InitializeListHead(&DeviceQueue->DeviceListHead);
	KeInitializeSpinLock(&DeviceQueue->Lock);
	DeviceQueue->Busy = FALSE;
}

static void at_dispatch(struct hostos_thread *t, const char *routine)
{
	if (t->cpu->irql != HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xA, 0, t->cpu->irql, 0, 0,
				"%s called at IRQL %u (DISPATCH_LEVEL required)", routine, t->cpu->irql);
}

BOOLEAN KeInsertDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
	struct hostos_thread *t = hostos_self("KeInsertDeviceQueue");
	BOOLEAN inserted;

	at_dispatch(t, "KeInsertDeviceQueue");
	KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
	if (!DeviceQueue->Busy) {
		DeviceQueue->Busy = TRUE;
		DeviceQueueEntry->Inserted = FALSE;
		inserted = FALSE;
	} else {
		InsertTailList(&DeviceQueue->DeviceListHead, &DeviceQueueEntry->DeviceListEntry);
		DeviceQueueEntry->Inserted = TRUE;
		inserted = TRUE;
	}
	KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
	return inserted;
}

BOOLEAN KeInsertByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
				 ULONG SortKey)
{
	struct hostos_thread *t = hostos_self("KeInsertByKeyDeviceQueue");
	BOOLEAN inserted;

	at_dispatch(t, "KeInsertByKeyDeviceQueue");
	KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
	DeviceQueueEntry->SortKey = SortKey;
	if (!DeviceQueue->Busy) {
		DeviceQueue->Busy = TRUE;
		DeviceQueueEntry->Inserted = FALSE;
		inserted = FALSE;
	} else {
		PLIST_ENTRY e = DeviceQueue->DeviceListHead.Flink;

		/* ascending keys; equal keys keep their arrival order */
		while (e != &DeviceQueue->DeviceListHead &&
		       CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry)->SortKey <= SortKey)
			e = e->Flink;
		InsertTailList(e, &DeviceQueueEntry->DeviceListEntry);
		DeviceQueueEntry->Inserted = TRUE;
		inserted = TRUE;
	}
	KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
	return inserted;
}

PKDEVICE_QUEUE_ENTRY KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, ULONG SortKey)
{
	struct hostos_thread *t = hostos_self("KeRemoveByKeyDeviceQueue");
	PKDEVICE_QUEUE_ENTRY found = NULL;

	at_dispatch(t, "KeRemoveByKeyDeviceQueue");
	KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
	if (IsListEmpty(&DeviceQueue->DeviceListHead)) {
		DeviceQueue->Busy = FALSE;
	} else {
		/* the first with a key >= SortKey; none: the first of all */
		for (PLIST_ENTRY e = DeviceQueue->DeviceListHead.Flink;
		     e != &DeviceQueue->DeviceListHead; e = e->Flink) {
			PKDEVICE_QUEUE_ENTRY q = CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry);

			if (q->SortKey >= SortKey) {
				found = q;
				break;
			}
		}
		if (!found)
			found = CONTAINING_RECORD(DeviceQueue->DeviceListHead.Flink, KDEVICE_QUEUE_ENTRY,
						  DeviceListEntry);
		RemoveEntryList(&found->DeviceListEntry);
		found->Inserted = FALSE;
	}
	KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
	return found;
}

PKDEVICE_QUEUE_ENTRY KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
	struct hostos_thread *t = hostos_self("KeRemoveDeviceQueue");
	PKDEVICE_QUEUE_ENTRY e = NULL;

	at_dispatch(t, "KeRemoveDeviceQueue");
	KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
	if (IsListEmpty(&DeviceQueue->DeviceListHead)) {
		DeviceQueue->Busy = FALSE;
	} else {
		e = CONTAINING_RECORD(RemoveHeadList(&DeviceQueue->DeviceListHead),
				      KDEVICE_QUEUE_ENTRY, DeviceListEntry);
		e->Inserted = FALSE;
	}
	KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
	return e;
}

BOOLEAN KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
	struct hostos_thread *t = hostos_self("KeRemoveEntryDeviceQueue");
	BOOLEAN was;

	at_dispatch(t, "KeRemoveEntryDeviceQueue");
	KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
	was = DeviceQueueEntry->Inserted;
	if (was) {
		RemoveEntryList(&DeviceQueueEntry->DeviceListEntry);
		DeviceQueueEntry->Inserted = FALSE;
	}
	KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
	return was;
}

/* ---- StartIo ---- */

VOID IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key,
		   PDRIVER_CANCEL CancelFunction)
{
	struct hostos_thread *t = hostos_self("IoStartPacket");
	KIRQL old, ci = DISPATCH_LEVEL;
	BOOLEAN inserted;

	hostos_sched_point(t);
	old = KeRaiseIrqlToDpcLevel();
	if (CancelFunction) {
		IoAcquireCancelSpinLock(&ci);
		(void)IoSetCancelRoutine(Irp, CancelFunction);
		if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL)) {
			/* cancelled before it was queued */
			Irp->CancelIrql = ci;
			CancelFunction(DeviceObject, Irp);
			KeLowerIrql(old);
			return;
		}
	}
	inserted = Key ? KeInsertByKeyDeviceQueue(&DeviceObject->DeviceQueue,
						  &Irp->Tail.Overlay.DeviceQueueEntry, *Key)
		       : KeInsertDeviceQueue(&DeviceObject->DeviceQueue,
					     &Irp->Tail.Overlay.DeviceQueueEntry);
	if (!inserted)
		DeviceObject->CurrentIrp = Irp;
	if (CancelFunction)
		IoReleaseCancelSpinLock(ci);
	if (!inserted)
		DeviceObject->DriverObject->DriverStartIo(DeviceObject, Irp);
	KeLowerIrql(old);
}

static void start_next(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, const ULONG *key);

VOID IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable)
{
	start_next(DeviceObject, Cancelable, NULL);
}

VOID IoStartNextPacketByKey(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, ULONG Key)
{
	start_next(DeviceObject, Cancelable, &Key);
}

static void start_next(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable, const ULONG *key)
{
	struct hostos_thread *t = hostos_self("IoStartNextPacket");
	PKDEVICE_QUEUE_ENTRY e;
	KIRQL old, ci = DISPATCH_LEVEL;
	PIRP irp = NULL;

	hostos_sched_point(t);
	old = KeRaiseIrqlToDpcLevel();
	if (Cancelable)
		IoAcquireCancelSpinLock(&ci);
	DeviceObject->CurrentIrp = NULL;
	e = key ? KeRemoveByKeyDeviceQueue(&DeviceObject->DeviceQueue, *key)
		: KeRemoveDeviceQueue(&DeviceObject->DeviceQueue);
	if (e) {
		irp = CONTAINING_RECORD(e, IRP, Tail.Overlay.DeviceQueueEntry);
		DeviceObject->CurrentIrp = irp;
	}
	if (Cancelable)
		IoReleaseCancelSpinLock(ci);
	if (irp)
		DeviceObject->DriverObject->DriverStartIo(DeviceObject, irp);
	KeLowerIrql(old);
}

/* ---- the IoTimer ---- */

static VOID NTAPI io_timer_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
	struct hostos_io *io = ctx;

	(void)dpc;
	(void)a1;
	(void)a2;
	for (struct hostos_devobj *d = io->devobjs; d; d = d->all_next)
		if (d->timer_on && !d->deleted) {
			io->st.timer_calls++;
			d->timer_routine(d->dev, d->timer_context);
		}
}

static void io_timer_update(struct hostos_io *io)
{
	bool any = false;

	for (struct hostos_devobj *d = io->devobjs; d; d = d->all_next)
		any |= d->timer_on && !d->deleted;
	if (any && !io->io_timer_armed) {
		LARGE_INTEGER due;

		if (!io->io_timer_dpc.DeferredRoutine) {
			KeInitializeTimer(&io->io_timer);
			KeInitializeDpc(&io->io_timer_dpc, io_timer_dpc, io);
		}
		due.QuadPart = -10000000LL; /* one second */
		KeSetTimerEx(&io->io_timer, due, 1000, &io->io_timer_dpc);
		io->io_timer_armed = true;
	} else if (!any && io->io_timer_armed) {
		KeCancelTimer(&io->io_timer);
		io->io_timer_armed = false;
	}
}

void hostos_io_timers_stop(struct hostos_io *io, struct hostos_devobj *d)
{
	if (d->timer_on) {
		d->timer_on = false;
		io_timer_update(io);
	}
}

NTSTATUS IoInitializeTimer(PDEVICE_OBJECT DeviceObject, PIO_TIMER_ROUTINE TimerRoutine,
			   PVOID Context)
{
	struct hostos_thread *t = hostos_self("IoInitializeTimer");
	struct hostos_devobj *d = hostos_devobj_of(hostos_io_get(t->os), DeviceObject);

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000E, "IoInitializeTimer", DeviceObject);
	if (!d || !TimerRoutine)
		return STATUS_INVALID_PARAMETER;
	if (d->timer_init && hostos_io_verify(t))
		hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x0A, (uint64_t)(uintptr_t)DeviceObject, 0, 0,
				"IoInitializeTimer of a device object whose timer is already initialized");
	d->timer_init = true;
	d->timer_routine = TimerRoutine;
	d->timer_context = Context;
	DeviceObject->Timer = (PIO_TIMER)d;
	return STATUS_SUCCESS;
}

VOID IoStartTimer(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoStartTimer");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *d = hostos_devobj_of(io, DeviceObject);

	hostos_sched_point(t);
	if (!d || !d->timer_init || d->timer_on)
		return;
	d->timer_on = true;
	io_timer_update(io);
}

VOID IoStopTimer(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoStopTimer");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *d = hostos_devobj_of(io, DeviceObject);

	hostos_sched_point(t);
	if (d)
		hostos_io_timers_stop(io, d);
}
