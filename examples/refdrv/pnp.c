/*
 * examples/refdrv/pnp.c - PnP and power: IRP_MN_START_DEVICE (pass down
 * first, start on the way up), stop, surprise removal and removal (stop
 * the hardware, pass down last), everything else passed down.
 */
#include <wdm.h>

#include "refdrv-internal.h"

static IO_COMPLETION_ROUTINE RefdrvStartCompletion;

static NTSTATUS RefdrvStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	/* The IRP is ours again: finish it in the dispatch routine. */
	KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
	return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Pass the IRP down and wait for the lower drivers to finish it. */
static NTSTATUS RefdrvForwardAndWait(PREFDRV_EXT Ext, PIRP Irp)
{
	KEVENT done;
	NTSTATUS status;

	KeInitializeEvent(&done, NotificationEvent, FALSE);
	IoCopyCurrentIrpStackLocationToNext(Irp);
	IoSetCompletionRoutine(Irp, RefdrvStartCompletion, &done, TRUE, TRUE, TRUE);
	status = IoCallDriver(Ext->Lower, Irp);
	if (status == STATUS_PENDING) {
		KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
		status = Irp->IoStatus.Status;
	}
	return status;
}

/* The driver's own parameters, REG_DWORD values of the device's hardware
 * key: Dma64 (default 1) says whether the device may be given addresses
 * above 4 GiB; InterruptModerationUs (default 0, off) how long a DPC
 * polls for completions before interrupts resume (moderate.c). */
static ULONG RefdrvReadDword(HANDLE Key, PCWSTR Name, ULONG Default)
{
	UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
	PKEY_VALUE_PARTIAL_INFORMATION info = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;
	UNICODE_STRING value;
	ULONG got;

	RtlInitUnicodeString(&value, Name);
	if (NT_SUCCESS(ZwQueryValueKey(Key, &value, KeyValuePartialInformation, info, sizeof(buffer),
				       &got)) &&
	    info->Type == REG_DWORD && info->DataLength == sizeof(ULONG))
		return *(PULONG)info->Data;
	return Default;
}

static VOID RefdrvReadParameters(PREFDRV_EXT Ext)
{
	HANDLE key;

	Ext->Dma64 = TRUE;
	Ext->ModerationUs = 0;
	if (!NT_SUCCESS(IoOpenDeviceRegistryKey(Ext->Pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key)))
		return;
	Ext->Dma64 = RefdrvReadDword(key, L"Dma64", 1) != 0;
	Ext->ModerationUs = RefdrvReadDword(key, L"InterruptModerationUs", 0);
	if (Ext->ModerationUs > REFDRV_MODERATION_MAX_US)
		Ext->ModerationUs = REFDRV_MODERATION_MAX_US;
	ZwClose(key);
}

static VOID RefdrvStopHardware(PREFDRV_EXT Ext)
{
	KIRQL old;

	/* A DPC polling the device (moderate.c) stops before the interrupt
	 * object it synchronizes with is disconnected, and leaves INT_MASK
	 * to this path. */
	KeAcquireSpinLock(&Ext->Lock, &old);
	Ext->Stopping = TRUE;
	KeReleaseSpinLock(&Ext->Lock, old);
	if (Ext->Regs && !Ext->Removed) {
		/* No more interrupts, then a device reset: nothing in flight. */
		RefdrvWrite(Ext, REG_CTRL, 0);
		RefdrvWrite(Ext, REG_INT_MASK, 0);
		RefdrvWrite(Ext, REG_CTRL, CTRL_RESET);
	}
	RefdrvDisconnectInterrupts(Ext);
	/* A DPC queued before the disconnect may still be running. */
	KeFlushQueuedDpcs();
	KeAcquireSpinLock(&Ext->Lock, &old);
	Ext->Started = FALSE;
	KeReleaseSpinLock(&Ext->Lock, old);
	RefdrvFailAllRequests(Ext, STATUS_DELETE_PENDING);
	RefdrvDmaStop(Ext);
	if (Ext->Regs) {
		MmUnmapIoSpace(Ext->Regs, Ext->RegsLength);
		Ext->Regs = NULL;
	}
}

static NTSTATUS RefdrvStartHardware(PREFDRV_EXT Ext, PCM_RESOURCE_LIST Raw,
				    PCM_RESOURCE_LIST Translated)
{
	PCM_PARTIAL_RESOURCE_LIST list;
	PHYSICAL_ADDRESS regs = { 0 };
	ULONG i, regsLength = 0;
	NTSTATUS status;
	KIRQL old;

	UNREFERENCED_PARAMETER(Raw);
	if (!Translated || Translated->Count < 1)
		return STATUS_DEVICE_CONFIGURATION_ERROR;
	/* BAR0 (registers) is the first memory range, BAR2 (SRAM) the
	 * prefetchable one; BAR4 holds the MSI-X table, which is the OS's. */
	list = &Translated->List[0].PartialResourceList;
	Ext->SramBytes = 0;
	for (i = 0; i < list->Count; i++) {
		PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &list->PartialDescriptors[i];

		if (d->Type != CmResourceTypeMemory)
			continue;
		if (d->Flags & CM_RESOURCE_MEMORY_PREFETCHABLE) {
			if (!Ext->SramBytes)
				Ext->SramBytes = d->u.Memory.Length;
		} else if (!regsLength) {
			regs = d->u.Memory.Start;
			regsLength = d->u.Memory.Length;
		}
	}
	if (regsLength < REFDEV_HW_REGS_BYTES || !Ext->SramBytes)
		return STATUS_DEVICE_CONFIGURATION_ERROR;
	Ext->Regs = (PULONG)MmMapIoSpace(regs, regsLength, MmNonCached);
	if (!Ext->Regs)
		return STATUS_INSUFFICIENT_RESOURCES;
	Ext->RegsLength = regsLength;
	Ext->RegsBus = regs;
	if (RefdrvRead(Ext, REG_ID) != REFDEV_HW_ID_VALUE) {
		status = STATUS_DEVICE_CONFIGURATION_ERROR;
		goto fail;
	}
	/* A known state: whatever a previous driver left running stops. */
	RefdrvWrite(Ext, REG_CTRL, CTRL_RESET);
	RefdrvReadParameters(Ext);
	Ext->Stopping = FALSE;
	status = RefdrvDmaStart(Ext);
	if (!NT_SUCCESS(status))
		goto fail;
	status = RefdrvConnectInterrupts(Ext);
	if (!NT_SUCCESS(status))
		goto fail;
	KeAcquireSpinLock(&Ext->Lock, &old);
	Ext->Started = TRUE;
	KeReleaseSpinLock(&Ext->Lock, old);
	RefdrvWrite(Ext, REG_INT_MASK, INT_ALL);
#if REFDRV_SEEDED_BUG == 4
	/* Seeded bug (tests only): the adapter was asked for 64-bit DMA, the
	 * device is never told it may use it. */
	RefdrvWrite(Ext, REG_CTRL, CTRL_INT_EN);
#else
	RefdrvWrite(Ext, REG_CTRL, CTRL_INT_EN | (Ext->Dma64 ? CTRL_DMA64 : 0));
#endif
	if (Ext->Mode != REFDRV_MODE_LINE && Ext->MessageCount < 4)
		Ext->Mode = REFDRV_MODE_MSI_SINGLE;
	KdPrint(("refdrv%lu: started, BAR0 %I64x, SRAM %lu bytes, mode %lu, %lu messages\n",
		 Ext->Instance, regs.QuadPart, Ext->SramBytes, Ext->Mode, Ext->MessageCount));
	if (Ext->ModerationUs) {
		KdPrint(("refdrv%lu: interrupt moderation, polling up to %lu us\n", Ext->Instance,
			 Ext->ModerationUs));
	}
	return STATUS_SUCCESS;
fail:
	RefdrvStopHardware(Ext);
	return status;
}

NTSTATUS RefdrvDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
	PDEVICE_OBJECT lower = ext->Lower;
	NTSTATUS status;

	PAGED_CODE();
	switch (sp->MinorFunction) {
	case IRP_MN_START_DEVICE:
		status = RefdrvForwardAndWait(ext, Irp);
		if (NT_SUCCESS(status))
			status = RefdrvStartHardware(ext, sp->Parameters.StartDevice.AllocatedResources,
						     sp->Parameters.StartDevice
							     .AllocatedResourcesTranslated);
		Irp->IoStatus.Status = status;
		IoCompleteRequest(Irp, IO_NO_INCREMENT);
		return status;

	case IRP_MN_STOP_DEVICE:
		if (ext->Started)
			RefdrvStopHardware(ext);
		break;

	case IRP_MN_SURPRISE_REMOVAL:
		/* The device is gone: reads return all ones, writes vanish. */
		ext->Removed = TRUE;
		if (ext->Started || ext->Regs)
			RefdrvStopHardware(ext);
		break;

	case IRP_MN_REMOVE_DEVICE:
		ext->Removed = TRUE;
		if (ext->Started || ext->Regs)
			RefdrvStopHardware(ext);
		IoSkipCurrentIrpStackLocation(Irp);
		Irp->IoStatus.Status = STATUS_SUCCESS;
		status = IoCallDriver(lower, Irp);
		IoDetachDevice(lower);
		IoDeleteSymbolicLink(&ext->LinkName);
		IoDeleteDevice(DeviceObject);
		return status;

	case IRP_MN_QUERY_STOP_DEVICE:
	case IRP_MN_QUERY_REMOVE_DEVICE:
	case IRP_MN_CANCEL_STOP_DEVICE:
	case IRP_MN_CANCEL_REMOVE_DEVICE:
		/* Requests fail while stopped instead of being held: nothing
		 * to prepare or undo, but the IRP must succeed on the way. */
		break;

	default:
		IoSkipCurrentIrpStackLocation(Irp);
		return IoCallDriver(lower, Irp);
	}
	Irp->IoStatus.Status = STATUS_SUCCESS;
	IoSkipCurrentIrpStackLocation(Irp);
	return IoCallDriver(lower, Irp);
}

NTSTATUS RefdrvDispatchPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;

	/* Since Windows Vista a power IRP goes down with IoCallDriver. */
	IoSkipCurrentIrpStackLocation(Irp);
	return IoCallDriver(ext->Lower, Irp);
}

NTSTATUS RefdrvDispatchPassDown(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;

	IoSkipCurrentIrpStackLocation(Irp);
	return IoCallDriver(ext->Lower, Irp);
}
