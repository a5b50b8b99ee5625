/*
 * hostos/io-cancel.c - cancellation: the system cancel spin lock
 * (IoAcquireCancelSpinLock / IoReleaseCancelSpinLock, a KSPIN_LOCK of the
 * instance, so the lock checks and Deadlock Detection see it), IoCancelIrp,
 * and the cancel-safe queue (IoCsqInitialize, IoCsqInsertIrp,
 * IoCsqRemoveIrp, IoCsqRemoveNextIrp) with the documented races handled:
 * an IRP cancelled while it is being inserted is taken out again and
 * completed through CsqCompleteCanceledIrp; an IRP whose cancel routine
 * already runs is skipped by the removal routines (its cancel routine
 * takes it out, under the queue's lock).
 *
 * A queued IRP keeps its queue (or its IO_CSQ_IRP_CONTEXT) in
 * Tail.Overlay.DriverContext[3], as the WDK's implementation documents.
 */
#include "hostos/io-internal.h"

static PKSPIN_LOCK cancel_lock(struct hostos_io *io)
{
	if (!io->cancel_lock_init) {
		KeInitializeSpinLock(&io->cancel_lock);
		io->cancel_lock_init = true;
	}
	return &io->cancel_lock;
}

VOID IoAcquireCancelSpinLock(PKIRQL Irql)
{
	struct hostos_thread *t = hostos_self("IoAcquireCancelSpinLock");

	KeAcquireSpinLock(cancel_lock(hostos_io_get(t->os)), Irql);
}

VOID IoReleaseCancelSpinLock(KIRQL Irql)
{
	struct hostos_thread *t = hostos_self("IoReleaseCancelSpinLock");

	KeReleaseSpinLock(cancel_lock(hostos_io_get(t->os)), Irql);
}

BOOLEAN IoCancelIrp(PIRP Irp)
{
	struct hostos_thread *t = hostos_self("IoCancelIrp");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_irp *h = Irp ? hostos_irp_of(Irp) : NULL;
	PDRIVER_CANCEL routine;
	PDEVICE_OBJECT dev = NULL;
	KIRQL irql;

	if (!h || h->magic != HOSTOS_IRP_MAGIC || h->state != HOSTOS_IRP_ACTIVE)
		return FALSE;
	IoAcquireCancelSpinLock(&irql);
	Irp->Cancel = TRUE;
	routine = IoSetCancelRoutine(Irp, NULL);
	if (!routine) {
		IoReleaseCancelSpinLock(irql);
		return FALSE;
	}
	Irp->CancelIrql = irql;
	if (Irp->CurrentLocation <= Irp->StackCount)
		dev = IoGetCurrentIrpStackLocation(Irp)->DeviceObject;
	io->st.cancels++;
	routine(dev, Irp);
	return TRUE;
}

/* ---- cancel-safe queues ---- */

static PIO_CSQ csq_of(PIRP irp)
{
	PVOID p = irp->Tail.Overlay.DriverContext[3];

	if (p && ((PIO_CSQ_IRP_CONTEXT)p)->Type == IO_TYPE_CSQ_IRP_CONTEXT)
		return ((PIO_CSQ_IRP_CONTEXT)p)->Csq;
	return p;
}

static VOID NTAPI csq_cancel(PDEVICE_OBJECT dev, PIRP irp)
{
	PIO_CSQ csq = csq_of(irp);
	PVOID p = irp->Tail.Overlay.DriverContext[3];
	KIRQL irql;

	(void)dev;
	IoReleaseCancelSpinLock(irp->CancelIrql);
	csq->CsqAcquireLock(csq, &irql);
	csq->CsqRemoveIrp(csq, irp);
	if (p && ((PIO_CSQ_IRP_CONTEXT)p)->Type == IO_TYPE_CSQ_IRP_CONTEXT)
		((PIO_CSQ_IRP_CONTEXT)p)->Irp = NULL;
	irp->Tail.Overlay.DriverContext[3] = NULL;
	csq->CsqReleaseLock(csq, irql);
	csq->CsqCompleteCanceledIrp(csq, irp);
}

NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp,
			 PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
			 PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
			 PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
	struct hostos_thread *t = hostos_self("IoCsqInitialize");

	hostos_sched_point(t);
	if (!Csq)
		return STATUS_INVALID_PARAMETER;
	Csq->Type = IO_TYPE_CSQ;
	Csq->CsqInsertIrp = CsqInsertIrp;
	Csq->CsqRemoveIrp = CsqRemoveIrp;
	Csq->CsqPeekNextIrp = CsqPeekNextIrp;
	Csq->CsqAcquireLock = CsqAcquireLock;
	Csq->CsqReleaseLock = CsqReleaseLock;
	Csq->CsqCompleteCanceledIrp = CsqCompleteCanceledIrp;
	Csq->ReservePointer = NULL;
	return STATUS_SUCCESS;
}

VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
	struct hostos_thread *t = hostos_self("IoCsqInsertIrp");
	KIRQL irql;

	hostos_sched_point(t);
	Csq->CsqAcquireLock(Csq, &irql);
	if (Context) {
		Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
		Context->Irp = Irp;
		Context->Csq = Csq;
		Irp->Tail.Overlay.DriverContext[3] = Context;
	} else {
		Irp->Tail.Overlay.DriverContext[3] = Csq;
	}
	Csq->CsqInsertIrp(Csq, Irp);
	IoMarkIrpPending(Irp);
	(void)IoSetCancelRoutine(Irp, csq_cancel);
	if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL)) {
		/* cancelled before the routine was set: nobody else will
		 * take it out */
		Csq->CsqRemoveIrp(Csq, Irp);
		if (Context)
			Context->Irp = NULL;
		Irp->Tail.Overlay.DriverContext[3] = NULL;
		Csq->CsqReleaseLock(Csq, irql);
		Csq->CsqCompleteCanceledIrp(Csq, Irp);
		return;
	}
	Csq->CsqReleaseLock(Csq, irql);
}

PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
	struct hostos_thread *t = hostos_self("IoCsqRemoveIrp");
	PIRP irp;
	KIRQL irql;

	hostos_sched_point(t);
	if (!Context)
		return NULL;
	Csq->CsqAcquireLock(Csq, &irql);
	irp = Context->Irp;
	if (irp && IoSetCancelRoutine(irp, NULL)) {
		Csq->CsqRemoveIrp(Csq, irp);
		Context->Irp = NULL;
		irp->Tail.Overlay.DriverContext[3] = NULL;
	} else {
		irp = NULL;
	}
	Csq->CsqReleaseLock(Csq, irql);
	return irp;
}

PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
	struct hostos_thread *t = hostos_self("IoCsqRemoveNextIrp");
	PIRP irp;
	KIRQL irql;

	hostos_sched_point(t);
	Csq->CsqAcquireLock(Csq, &irql);
	irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext);
	while (irp) {
		if (IoSetCancelRoutine(irp, NULL)) {
			PVOID p = irp->Tail.Overlay.DriverContext[3];

			Csq->CsqRemoveIrp(Csq, irp);
			if (p && ((PIO_CSQ_IRP_CONTEXT)p)->Type == IO_TYPE_CSQ_IRP_CONTEXT)
				((PIO_CSQ_IRP_CONTEXT)p)->Irp = NULL;
			irp->Tail.Overlay.DriverContext[3] = NULL;
			break;
		}
		/* its cancel routine runs: it will take it out */
		irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext);
	}
	Csq->CsqReleaseLock(Csq, irql);
	return irp;
}
