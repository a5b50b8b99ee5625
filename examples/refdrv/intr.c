/*
 * examples/refdrv/intr.c - the interrupt: connected message-based with a
 * line-based fallback; ISRs that only take the device's causes (read and
 * clear INT_STATUS) and queue the DPC; the DPC, which finishes requests.
 */
#include <wdm.h>

#include "refdrv-internal.h"

static KSERVICE_ROUTINE RefdrvIsr;
static KMESSAGE_SERVICE_ROUTINE RefdrvMessageIsr;
static KSYNCHRONIZE_ROUTINE RefdrvTakeStatus;

/* Take the causes the device shows: clear them at the device (INT_STATUS
 * is write-1-to-clear) and remember them for the DPC. Runs holding the
 * interrupt spin lock. Return: the causes taken. */
static ULONG RefdrvTakeCauses(PREFDRV_EXT Ext, ULONG Wanted)
{
	ULONG causes = RefdrvRead(Ext, REG_INT_STATUS);

	if (causes == 0xFFFFFFFFUL) /* the device is gone */
		return 0;
	causes &= Wanted;
	if (!causes)
		return 0;
#if REFDRV_SEEDED_BUG == 1
	/* Seeded bug (tests only): on the line the causes are never cleared,
	 * so INTA# stays asserted and the interrupt comes back at once. */
	if (Ext->Mode != REFDRV_MODE_LINE)
#endif
	RefdrvWrite(Ext, REG_INT_STATUS, causes);
	Ext->IsrStatus |= causes;
	return causes;
}

/* Line-based: the line may be shared, so claim only what is ours. */
static BOOLEAN RefdrvIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)ServiceContext;

	UNREFERENCED_PARAMETER(Interrupt);
	if (!RefdrvTakeCauses(ext, INT_ALL))
		return FALSE;
	InterlockedIncrement(&ext->Interrupts);
	IoRequestDpc(ext->Self, NULL, NULL);
	return TRUE;
}

/* Message-based: with a message per cause, MessageID is the cause's bit;
 * with one message every cause comes through message 0. A message is
 * never shared: claim it even when an earlier message already took its
 * cause (the device's write and ours crossed). */
static BOOLEAN RefdrvMessageIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageID)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)ServiceContext;
	ULONG wanted = ext->Mode == REFDRV_MODE_MSI_MULTI && MessageID < 4 ? 1UL << MessageID
									  : INT_ALL;

	UNREFERENCED_PARAMETER(Interrupt);
	if (RefdrvTakeCauses(ext, wanted)) {
		InterlockedIncrement(&ext->Interrupts);
		IoRequestDpc(ext->Self, NULL, NULL);
	}
	return TRUE;
}

NTSTATUS RefdrvConnectInterrupts(PREFDRV_EXT Ext)
{
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	NTSTATUS status;

	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_MESSAGE_BASED;
	p.MessageBased.PhysicalDeviceObject = Ext->Pdo;
	p.MessageBased.ConnectionContext.InterruptMessageTable = &Ext->MessageTable;
	p.MessageBased.MessageServiceRoutine = RefdrvMessageIsr;
	p.MessageBased.ServiceContext = Ext;
	p.MessageBased.FallBackServiceRoutine = RefdrvIsr;
	status = IoConnectInterruptEx(&p);
	if (!NT_SUCCESS(status))
		return status;
	Ext->ConnectVersion = p.Version;
	if (p.Version == CONNECT_LINE_BASED) {
		/* No messages: the union now holds the line's object. */
		Ext->LineInterrupt = (PKINTERRUPT)Ext->MessageTable;
		Ext->MessageTable = NULL;
		Ext->Mode = REFDRV_MODE_LINE;
		Ext->MessageCount = 0;
	} else {
		Ext->MessageCount = Ext->MessageTable->MessageCount;
		Ext->Mode = Ext->MessageCount >= 4 ? REFDRV_MODE_MSI_MULTI : REFDRV_MODE_MSI_SINGLE;
	}
	return STATUS_SUCCESS;
}

VOID RefdrvDisconnectInterrupts(PREFDRV_EXT Ext)
{
	IO_DISCONNECT_INTERRUPT_PARAMETERS p;

	if (!Ext->ConnectVersion)
		return;
	RtlZeroMemory(&p, sizeof(p));
	p.Version = Ext->ConnectVersion;
	if (Ext->ConnectVersion == CONNECT_LINE_BASED)
		p.ConnectionContext.InterruptObject = Ext->LineInterrupt;
	else
		p.ConnectionContext.InterruptMessageTable = Ext->MessageTable;
	IoDisconnectInterruptEx(&p);
	Ext->ConnectVersion = 0;
	Ext->LineInterrupt = NULL;
	Ext->MessageTable = NULL;
}

/* The object whose spin lock guards IsrStatus: the line's, or (one lock
 * serves every message of the table) message 0's. */
static PKINTERRUPT RefdrvSyncObject(PREFDRV_EXT Ext)
{
	return Ext->LineInterrupt ? Ext->LineInterrupt
				  : Ext->MessageTable->MessageInfo[0].InterruptObject;
}

typedef struct _REFDRV_TAKE {
	PREFDRV_EXT Ext;
	ULONG Status;
} REFDRV_TAKE;

static BOOLEAN RefdrvTakeStatus(PVOID Context)
{
	REFDRV_TAKE *t = (REFDRV_TAKE *)Context;

	t->Status = t->Ext->IsrStatus;
	t->Ext->IsrStatus = 0;
	return TRUE;
}

static NTSTATUS RefdrvErrorStatus(ULONG Code)
{
	switch (Code) {
	case ERR_BUSY:
		return STATUS_DEVICE_BUSY;
	case ERR_BAD_CMD:
		return STATUS_INVALID_DEVICE_REQUEST;
	case ERR_DMA_RANGE:
		return STATUS_INVALID_PARAMETER;
	case ERR_DMA_ABORT:
		return STATUS_DEVICE_DATA_ERROR;
	case ERR_DMA_ADDR32:
		return STATUS_DEVICE_CONFIGURATION_ERROR;
	default:
		return STATUS_IO_DEVICE_ERROR;
	}
}

/* The command StartIo started has ended (CMD_DONE, DMA_DONE or ERROR). */
static VOID RefdrvFinishCommand(PREFDRV_EXT Ext, ULONG Causes)
{
	PIRP irp = Ext->Self->CurrentIrp;
	PIO_STACK_LOCATION sp;
	ULONG status;

	status = RefdrvRead(Ext, REG_STATUS);
	if (Causes & INT_ERROR) {
		InterlockedIncrement(&Ext->Errors);
		KdPrint(("refdrv%lu: device error %lu\n", Ext->Instance, STATUS_CODE(status)));
	}
	/* An error while the command still runs (a bad register access) is
	 * not its end. */
	if (!irp || (!(Causes & (INT_CMD_DONE | INT_DMA_DONE)) && (status & STATUS_BUSY_BIT)))
		return;
	sp = IoGetCurrentIrpStackLocation(irp);
	if (sp->MajorFunction != IRP_MJ_DEVICE_CONTROL ||
	    sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_REFDRV_DMA_TO_DEVICE ||
	    sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_REFDRV_DMA_FROM_DEVICE) {
		ULONG bytes = RefdrvRead(Ext, REG_DMA_BYTES);

		RefdrvDmaEnd(Ext);
		RefdrvCompleteCurrent(Ext, (Causes & INT_ERROR) ? RefdrvErrorStatus(STATUS_CODE(status))
								 : STATUS_SUCCESS,
				      bytes);
		return;
	}
	if (Causes & INT_ERROR) {
		RefdrvCompleteCurrent(Ext, RefdrvErrorStatus(STATUS_CODE(status)), 0);
		return;
	}
	*(PULONG)irp->AssociatedIrp.SystemBuffer = RefdrvRead(Ext, REG_RESULT);
	RefdrvCompleteCurrent(Ext, STATUS_SUCCESS, sizeof(ULONG));
}

/* What the ISRs (or a poll) took: the TIMER request and the command. */
VOID RefdrvHandleCauses(PREFDRV_EXT Ext, ULONG Causes)
{
	PIRP timer;

	if (Causes & INT_TIMER) {
		timer = RefdrvTakeTimerIrp(Ext);
		if (timer) {
			*(PULONG)timer->AssociatedIrp.SystemBuffer = RefdrvRead(Ext, REG_INT_COUNT);
			timer->IoStatus.Status = STATUS_SUCCESS;
			timer->IoStatus.Information = sizeof(ULONG);
			IoCompleteRequest(timer, IO_NO_INCREMENT);
		} else {
			InterlockedIncrement(&Ext->StrayTimers);
		}
	}
	if (Causes & INT_COMPLETION)
		RefdrvFinishCommand(Ext, Causes);
}

/* A poll does what the ISR does (take and clear the device's causes) and
 * what the DPC does (take what the ISRs kept), in one pass under the
 * interrupt lock, so a cause an ISR took in between is not lost. */
static BOOLEAN RefdrvPollStatus(PVOID Context)
{
	REFDRV_TAKE *t = (REFDRV_TAKE *)Context;

	RefdrvTakeCauses(t->Ext, INT_ALL);
	return RefdrvTakeStatus(Context);
}

/* Poll the device once (DISPATCH_LEVEL). Ext->Lock orders the poll
 * against the stop path, which sets Stopping under it before the
 * interrupt object goes. Return: FALSE when stopping (nothing taken). */
BOOLEAN RefdrvPollCauses(PREFDRV_EXT Ext, PULONG Causes)
{
	REFDRV_TAKE take;
	BOOLEAN live;

	take.Ext = Ext;
	take.Status = 0;
	KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
	live = !Ext->Stopping && Ext->ConnectVersion != 0;
	if (live)
		KeSynchronizeExecution(RefdrvSyncObject(Ext), RefdrvPollStatus, &take);
	KeReleaseSpinLockFromDpcLevel(&Ext->Lock);
	*Causes = take.Status;
	return live;
}

VOID RefdrvDpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	REFDRV_TAKE take;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Irp);
	UNREFERENCED_PARAMETER(Context);
	InterlockedIncrement(&ext->Dpcs);
	if (!ext->ConnectVersion)
		return;
	take.Ext = ext;
	take.Status = 0;
	KeSynchronizeExecution(RefdrvSyncObject(ext), RefdrvTakeStatus, &take);
	RefdrvHandleCauses(ext, take.Status);
	/* Moderation: an interrupt for the first completion, then polling
	 * for the next ones while requests keep the device busy. */
	if (ext->ModerationUs && (take.Status & INT_COMPLETION))
		RefdrvModerate(ext);
}
