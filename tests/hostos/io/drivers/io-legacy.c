/*
 * tests/hostos/io/drivers/io-legacy.c - "iolegacy", a legacy driver in the
 * NT 4 style of the classic model: its device and its \DosDevices link are
 * made in DriverEntry (DO_DEVICE_INITIALIZING is the I/O manager's to
 * clear then), requests are completed in the dispatch routines, and
 * DriverUnload deletes the link and the device. Windows code, built with
 * the driver flags.
 */
#include <wdm.h>

#include "io-legacy.h"

struct iolegacy_obs iolegacy_obs;

static DRIVER_INITIALIZE LegacyEntry;
static DRIVER_UNLOAD LegacyUnload;
static DRIVER_DISPATCH LegacyDispatch;

static UNICODE_STRING LegacyLink = RTL_CONSTANT_STRING(L"\\??\\IoLegacy");

static NTSTATUS NTAPI LegacyDispatch(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	ULONG_PTR info = 0;

	switch (sl->MajorFunction) {
	case IRP_MJ_CREATE:
		if (!iolegacy_obs.creates++)
			iolegacy_obs.flags_after_entry = Dev->Flags;
		break;
	case IRP_MJ_CLOSE:
		iolegacy_obs.closes++;
		break;
	case IRP_MJ_DEVICE_CONTROL:
		iolegacy_obs.controls++;
		info = sl->Parameters.DeviceIoControl.OutputBufferLength;
		RtlFillMemory(Irp->UserBuffer, info, 0x5A);
		break;
	default:
		break;
	}
	Irp->IoStatus.Status = STATUS_SUCCESS;
	Irp->IoStatus.Information = info;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return STATUS_SUCCESS;
}

static VOID NTAPI LegacyUnload(PDRIVER_OBJECT Driver)
{
	iolegacy_obs.unload_calls++;
	IoDeleteSymbolicLink(&LegacyLink);
	IoDeleteDevice(Driver->DeviceObject);
}

static NTSTATUS NTAPI LegacyEntry(PDRIVER_OBJECT Driver, PUNICODE_STRING RegistryPath)
{
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\IoLegacy");
	PDEVICE_OBJECT dev;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(RegistryPath);
	iolegacy_obs.entry_calls++;
	st = IoCreateDevice(Driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, TRUE, &dev);
	if (!NT_SUCCESS(st))
		return st;
	st = IoCreateSymbolicLink(&LegacyLink, &name);
	if (!NT_SUCCESS(st)) {
		IoDeleteDevice(dev);
		return st;
	}
	Driver->MajorFunction[IRP_MJ_CREATE] = LegacyDispatch;
	Driver->MajorFunction[IRP_MJ_CLOSE] = LegacyDispatch;
	Driver->MajorFunction[IRP_MJ_CLEANUP] = LegacyDispatch;
	Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = LegacyDispatch;
	Driver->DriverUnload = LegacyUnload;
	return STATUS_SUCCESS;
}

void (*const iolegacy_entry)(void) = (void (*)(void))LegacyEntry;
