/*
 * bench/drivers/ioctl-echo.c - the driver of hostos_ioctl_roundtrip
 * (Windows code, built with the driver flags): a function driver attached
 * above its PDO, a named device and a symbolic link, and a device control
 * dispatch routine that completes every request at once.
 */
#include <wdm.h>

#include "ioctl-echo.h"

typedef struct _ECHO_EXTENSION {
	PDEVICE_OBJECT Lower;
	UNICODE_STRING Link;
} ECHO_EXTENSION, *PECHO_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE EchoAddDevice;
static DRIVER_DISPATCH EchoCreateClose;
static DRIVER_DISPATCH EchoControl;
static DRIVER_DISPATCH EchoPnp;

static NTSTATUS NTAPI EchoCreateClose(PDEVICE_OBJECT Dev, PIRP Irp)
{
	UNREFERENCED_PARAMETER(Dev);
	Irp->IoStatus.Status = STATUS_SUCCESS;
	Irp->IoStatus.Information = 0;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return STATUS_SUCCESS;
}

static NTSTATUS NTAPI EchoControl(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	ULONG in = sl->Parameters.DeviceIoControl.InputBufferLength;
	ULONG out = sl->Parameters.DeviceIoControl.OutputBufferLength;
	NTSTATUS st = STATUS_SUCCESS;

	UNREFERENCED_PARAMETER(Dev);
	/* METHOD_BUFFERED: the input is already where the output goes */
	if (sl->Parameters.DeviceIoControl.IoControlCode != IOCTL_BENCH_ECHO)
		st = STATUS_INVALID_DEVICE_REQUEST;
	Irp->IoStatus.Status = st;
	Irp->IoStatus.Information = NT_SUCCESS(st) ? min(in, out) : 0;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return st;
}

static NTSTATUS NTAPI EchoPnp(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PECHO_EXTENSION x = Dev->DeviceExtension;
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	PDEVICE_OBJECT lower = x->Lower;
	UCHAR minor = sl->MinorFunction; /* the IRP is not ours after IoCallDriver */
	NTSTATUS st;

	if (sl->MinorFunction == IRP_MN_START_DEVICE || sl->MinorFunction == IRP_MN_REMOVE_DEVICE ||
	    sl->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE)
		Irp->IoStatus.Status = STATUS_SUCCESS;
	if (sl->MinorFunction == IRP_MN_REMOVE_DEVICE)
		IoDeleteSymbolicLink(&x->Link);
	IoSkipCurrentIrpStackLocation(Irp);
	st = IoCallDriver(lower, Irp);
	if (minor == IRP_MN_REMOVE_DEVICE) {
		IoDetachDevice(lower);
		IoDeleteDevice(Dev);
	}
	return st;
}

static NTSTATUS NTAPI EchoAddDevice(PDRIVER_OBJECT Driver, PDEVICE_OBJECT Pdo)
{
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\BenchEcho");
	UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\BenchEcho");
	PDEVICE_OBJECT dev;
	PECHO_EXTENSION x;
	NTSTATUS st;

	st = IoCreateDevice(Driver, sizeof(ECHO_EXTENSION), &name, FILE_DEVICE_UNKNOWN, 0, FALSE,
			    &dev);
	if (!NT_SUCCESS(st))
		return st;
	x = dev->DeviceExtension;
	x->Link = link;
	st = IoCreateSymbolicLink(&x->Link, &name);
	if (!NT_SUCCESS(st)) {
		IoDeleteDevice(dev);
		return st;
	}
	x->Lower = IoAttachDeviceToDeviceStack(dev, Pdo);
	dev->Flags |= DO_BUFFERED_IO;
	dev->Flags &= ~DO_DEVICE_INITIALIZING;
	return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT Driver, PUNICODE_STRING RegistryPath)
{
	UNREFERENCED_PARAMETER(RegistryPath);
	Driver->DriverExtension->AddDevice = EchoAddDevice;
	Driver->MajorFunction[IRP_MJ_CREATE] = EchoCreateClose;
	Driver->MajorFunction[IRP_MJ_CLOSE] = EchoCreateClose;
	Driver->MajorFunction[IRP_MJ_CLEANUP] = EchoCreateClose;
	Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = EchoControl;
	Driver->MajorFunction[IRP_MJ_PNP] = EchoPnp;
	return STATUS_SUCCESS;
}

void (*const bench_echo_entry)(void) = (void (*)(void))DriverEntry;
