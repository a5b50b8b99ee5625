/*
 * examples/refdrv/io.c - requests: create/close, read/write and the
 * IOCTLs, checked and queued in the classic StartIo model (the device runs
 * one command at a time), cancellable while queued; TIMER requests wait
 * beside the queue for the device's timer interrupt (an inverted call).
 */
#include <wdm.h>

#include "refdrv-internal.h"

static DRIVER_CANCEL RefdrvCancelQueued;
static DRIVER_CANCEL RefdrvCancelTimer;

static NTSTATUS RefdrvComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

NTSTATUS RefdrvDispatchCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	return RefdrvComplete(Irp, STATUS_SUCCESS, 0);
}

/* Cancel of a request in the device queue or current in StartIo before
 * StartIo took it: called holding the cancel spin lock. */
static VOID RefdrvCancelQueued(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	if (Irp == DeviceObject->CurrentIrp) {
		IoReleaseCancelSpinLock(Irp->CancelIrql);
		IoStartNextPacket(DeviceObject, TRUE);
	} else {
		KeRemoveEntryDeviceQueue(&DeviceObject->DeviceQueue,
					 &Irp->Tail.Overlay.DeviceQueueEntry);
		IoReleaseCancelSpinLock(Irp->CancelIrql);
	}
	RefdrvComplete(Irp, STATUS_CANCELLED, 0);
}

static NTSTATUS RefdrvQueue(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	IoMarkIrpPending(Irp);
	IoStartPacket(DeviceObject, Irp, NULL, RefdrvCancelQueued);
	return STATUS_PENDING;
}

NTSTATUS RefdrvDispatchReadWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
	ULONG length = sp->MajorFunction == IRP_MJ_READ ? sp->Parameters.Read.Length
							 : sp->Parameters.Write.Length;
	LONGLONG offset = sp->MajorFunction == IRP_MJ_READ
				  ? sp->Parameters.Read.ByteOffset.QuadPart
				  : sp->Parameters.Write.ByteOffset.QuadPart;

	if (!ext->Started)
		return RefdrvComplete(Irp, STATUS_DEVICE_NOT_READY, 0);
	if (length == 0)
		return RefdrvComplete(Irp, STATUS_SUCCESS, 0);
	if (length > REFDRV_MAX_TRANSFER || offset < 0 || !Irp->MdlAddress)
		return RefdrvComplete(Irp, STATUS_INVALID_PARAMETER, 0);
	if ((ULONGLONG)offset + length > ext->SramBytes)
		return RefdrvComplete(Irp, STATUS_END_OF_FILE, 0);
	return RefdrvQueue(DeviceObject, Irp);
}

/* A TIMER request waits in Ext->TimerIrp: cancel takes it back. */
static VOID RefdrvCancelTimer(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	KIRQL old;

	IoReleaseCancelSpinLock(Irp->CancelIrql);
	KeAcquireSpinLock(&ext->Lock, &old);
	if (ext->TimerIrp == Irp)
		ext->TimerIrp = NULL;
	KeReleaseSpinLock(&ext->Lock, old);
	RefdrvComplete(Irp, STATUS_CANCELLED, 0);
}

static NTSTATUS RefdrvStartTimer(PREFDRV_EXT Ext, PIRP Irp, ULONG Microseconds)
{
	KIRQL old;

#if REFDRV_SEEDED_BUG == 2
	/* Seeded bug (tests only): the DPC-level form at PASSIVE_LEVEL. */
	KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
	old = PASSIVE_LEVEL;
#else
	KeAcquireSpinLock(&Ext->Lock, &old);
#endif
	if (!Ext->Started || Ext->TimerIrp) {
		KeReleaseSpinLock(&Ext->Lock, old);
		return RefdrvComplete(Irp, Ext->Started ? STATUS_DEVICE_BUSY : STATUS_DEVICE_NOT_READY,
				      0);
	}
	IoMarkIrpPending(Irp);
	IoSetCancelRoutine(Irp, RefdrvCancelTimer);
	if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL)) {
		/* Cancelled before the routine was set: finish it here. */
		KeReleaseSpinLock(&Ext->Lock, old);
		RefdrvComplete(Irp, STATUS_CANCELLED, 0);
		return STATUS_PENDING;
	}
	Ext->TimerIrp = Irp;
	/* ARG and CMD are shared with StartIo's commands: under the lock. */
	RefdrvWrite(Ext, REG_ARG, Microseconds);
	RefdrvWrite(Ext, REG_CMD, CMD_TIMER);
	KeReleaseSpinLock(&Ext->Lock, old);
	return STATUS_PENDING;
}

NTSTATUS RefdrvDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
	ULONG in = sp->Parameters.DeviceIoControl.InputBufferLength;
	ULONG out = sp->Parameters.DeviceIoControl.OutputBufferLength;
	PVOID buffer = Irp->AssociatedIrp.SystemBuffer;

	if (!ext->Started)
		return RefdrvComplete(Irp, STATUS_DEVICE_NOT_READY, 0);
	switch (sp->Parameters.DeviceIoControl.IoControlCode) {
	case IOCTL_REFDRV_ECHO:
		if (in < sizeof(ULONG) || out < sizeof(ULONG))
			return RefdrvComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		return RefdrvQueue(DeviceObject, Irp);
	case IOCTL_REFDRV_CHECKSUM: {
		PREFDRV_RANGE r = (PREFDRV_RANGE)buffer;

		if (in < sizeof(REFDRV_RANGE) || out < sizeof(ULONG))
			return RefdrvComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		if (r->Length == 0 || (ULONGLONG)r->DeviceOffset + r->Length > ext->SramBytes)
			return RefdrvComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		return RefdrvQueue(DeviceObject, Irp);
	}
	case IOCTL_REFDRV_TIMER:
		if (in < sizeof(ULONG) || out < sizeof(ULONG))
			return RefdrvComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		return RefdrvStartTimer(ext, Irp, *(PULONG)buffer);
	case IOCTL_REFDRV_DMA_TO_DEVICE:
	case IOCTL_REFDRV_DMA_FROM_DEVICE: {
		PREFDRV_RANGE r = (PREFDRV_RANGE)buffer;

		if (in < sizeof(ULONG))
			return RefdrvComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		if (out == 0 || !Irp->MdlAddress)
			return RefdrvComplete(Irp, STATUS_SUCCESS, 0);
		if (out > REFDRV_MAX_TRANSFER ||
		    (ULONGLONG)r->DeviceOffset + out > ext->SramBytes)
			return RefdrvComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		return RefdrvQueue(DeviceObject, Irp);
	}
	case IOCTL_REFDRV_INFO: {
		PREFDRV_INFO info = (PREFDRV_INFO)buffer;

		if (out < sizeof(REFDRV_INFO))
			return RefdrvComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		RtlZeroMemory(info, sizeof(*info));
		info->Mode = ext->Mode;
		info->MessageCount = ext->MessageCount;
		info->SramBytes = ext->SramBytes;
		info->Dma64 = ext->Dma64;
		info->Interrupts = (ULONG)ext->Interrupts;
		info->Dpcs = (ULONG)ext->Dpcs;
		info->Errors = (ULONG)ext->Errors;
		info->MapRegisters = ext->MapRegisters;
		info->Bar0 = ext->RegsBus.QuadPart;
		info->ModerationUs = ext->ModerationUs;
		info->Polled = (ULONG)ext->Polled;
		return RefdrvComplete(Irp, STATUS_SUCCESS, sizeof(REFDRV_INFO));
	}
	default:
		return RefdrvComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

/* The device is idle: start the next request's command (DISPATCH_LEVEL). */
VOID RefdrvStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
	NTSTATUS status = STATUS_SUCCESS;
	KIRQL cancelIrql;

	IoAcquireCancelSpinLock(&cancelIrql);
	if (Irp != DeviceObject->CurrentIrp || Irp->Cancel) {
		/* The cancel routine has it (and starts the next one). */
		IoReleaseCancelSpinLock(cancelIrql);
		return;
	}
	IoSetCancelRoutine(Irp, NULL);
	IoReleaseCancelSpinLock(cancelIrql);
	if (!ext->Started) {
		RefdrvCompleteCurrent(ext, ext->Removed ? STATUS_DELETE_PENDING
							: STATUS_DEVICE_NOT_READY, 0);
		return;
	}

	switch (sp->MajorFunction) {
	case IRP_MJ_READ:
		status = RefdrvDmaBegin(ext, Irp, Irp->MdlAddress, sp->Parameters.Read.Length,
					(ULONG)sp->Parameters.Read.ByteOffset.QuadPart, FALSE);
		break;
	case IRP_MJ_WRITE:
		status = RefdrvDmaBegin(ext, Irp, Irp->MdlAddress, sp->Parameters.Write.Length,
					(ULONG)sp->Parameters.Write.ByteOffset.QuadPart, TRUE);
		break;
	case IRP_MJ_DEVICE_CONTROL: {
		PVOID buffer = Irp->AssociatedIrp.SystemBuffer;
		ULONG code = sp->Parameters.DeviceIoControl.IoControlCode;

		if (code == IOCTL_REFDRV_DMA_TO_DEVICE || code == IOCTL_REFDRV_DMA_FROM_DEVICE) {
			status = RefdrvDmaBegin(ext, Irp, Irp->MdlAddress,
						sp->Parameters.DeviceIoControl.OutputBufferLength,
						((PREFDRV_RANGE)buffer)->DeviceOffset,
						code == IOCTL_REFDRV_DMA_TO_DEVICE);
		} else {
			KeAcquireSpinLockAtDpcLevel(&ext->Lock);
			if (code == IOCTL_REFDRV_ECHO) {
				RefdrvWrite(ext, REG_ARG, *(PULONG)buffer);
				RefdrvWrite(ext, REG_CMD, CMD_ECHO);
			} else {
				RefdrvWrite(ext, REG_DMA_DEV_OFFSET,
					    ((PREFDRV_RANGE)buffer)->DeviceOffset);
				RefdrvWrite(ext, REG_DMA_LENGTH, ((PREFDRV_RANGE)buffer)->Length);
				RefdrvWrite(ext, REG_CMD, CMD_CHECKSUM);
			}
			KeReleaseSpinLockFromDpcLevel(&ext->Lock);
		}
		break;
	}
	default:
		status = STATUS_INVALID_DEVICE_REQUEST;
		break;
	}
	if (!NT_SUCCESS(status))
		RefdrvCompleteCurrent(ext, status, 0);
}

/* Complete the request StartIo started and start the next (DISPATCH_LEVEL). */
VOID RefdrvCompleteCurrent(PREFDRV_EXT Ext, NTSTATUS Status, ULONG_PTR Information)
{
	PIRP irp = Ext->Self->CurrentIrp;

	if (!irp)
		return;
	IoStartNextPacket(Ext->Self, TRUE);
	RefdrvComplete(irp, Status, Information);
}

/* The device stopped with requests outstanding: the current one ends with
 * Status, and StartIo fails each queued one as IoStartNextPacket hands it
 * over (Started is FALSE); a waiting TIMER ends with Status too. */
VOID RefdrvFailAllRequests(PREFDRV_EXT Ext, NTSTATUS Status)
{
	KIRQL old;
	PIRP irp;

	KeRaiseIrql(DISPATCH_LEVEL, &old);
	if (Ext->Self->CurrentIrp) {
		RefdrvDmaEnd(Ext);
		RefdrvCompleteCurrent(Ext, Status, 0);
	}
	irp = RefdrvTakeTimerIrp(Ext);
	if (irp)
		RefdrvComplete(irp, Status, 0);
	KeLowerIrql(old);
}

/* The waiting TIMER request, now ours to complete, or NULL (none, or its
 * cancel routine owns it). At DISPATCH_LEVEL. */
PIRP RefdrvTakeTimerIrp(PREFDRV_EXT Ext)
{
	PIRP irp;

	KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
	irp = Ext->TimerIrp;
	Ext->TimerIrp = NULL;
	if (irp && !IoSetCancelRoutine(irp, NULL))
		irp = NULL;
	KeReleaseSpinLockFromDpcLevel(&Ext->Lock);
	return irp;
}
