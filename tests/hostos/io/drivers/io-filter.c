/*
 * tests/hostos/io/drivers/io-filter.c - "iofilt", an upper filter: a
 * nameless device object attached on top of the stack in AddDevice,
 * copying the flags and type of what it attaches to, passing every IRP
 * down (IoSkipCurrentIrpStackLocation), device controls with a
 * completion routine that propagates the pending state as the rules
 * require, removal passed down then detached and deleted, power with
 * PoStartNextPowerIrp. Windows code, built with the driver flags.
 */
#include <wdm.h>

#include "io-driver.h"
#include "io-filter.h"

struct iofilt_obs iofilt_obs;
int iofilt_bug;

typedef struct _FILTER_EXTENSION {
	PDEVICE_OBJECT Lower;
} FILTER_EXTENSION, *PFILTER_EXTENSION;

/* Not named DriverEntry: it is linked into one program with iodrv. */
static DRIVER_INITIALIZE FiltDriverEntry;
static DRIVER_ADD_DEVICE FiltAddDevice;
static DRIVER_UNLOAD FiltUnload;
static DRIVER_DISPATCH FiltPass;
static DRIVER_DISPATCH FiltControl;
static DRIVER_DISPATCH FiltPnp;
static DRIVER_DISPATCH FiltPower;
static IO_COMPLETION_ROUTINE FiltControlDone;

static NTSTATUS NTAPI FiltPass(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PFILTER_EXTENSION x = Dev->DeviceExtension;

	iofilt_obs.irps[IoGetCurrentIrpStackLocation(Irp)->MajorFunction]++;
	IoSkipCurrentIrpStackLocation(Irp);
	return IoCallDriver(x->Lower, Irp);
}

static NTSTATUS NTAPI FiltControlDone(PDEVICE_OBJECT Dev, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dev);
	UNREFERENCED_PARAMETER(Context);
	iofilt_obs.completions++;
	if (Irp->PendingReturned) {
		iofilt_obs.pending_seen++;
		IoMarkIrpPending(Irp);
	}
	return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS NTAPI FiltControl(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PFILTER_EXTENSION x = Dev->DeviceExtension;

	iofilt_obs.irps[IRP_MJ_DEVICE_CONTROL]++;
	IoCopyCurrentIrpStackLocationToNext(Irp);
	IoSetCompletionRoutine(Irp, FiltControlDone, NULL, TRUE, TRUE, TRUE);
	return IoCallDriver(x->Lower, Irp);
}

static NTSTATUS NTAPI FiltPnp(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PFILTER_EXTENSION x = Dev->DeviceExtension;
	PDEVICE_OBJECT lower = x->Lower;
	UCHAR minor = IoGetCurrentIrpStackLocation(Irp)->MinorFunction;
	NTSTATUS st;

	iofilt_obs.irps[IRP_MJ_PNP]++;
	IoSkipCurrentIrpStackLocation(Irp);
	st = IoCallDriver(lower, Irp);
	if (minor == IRP_MN_REMOVE_DEVICE) {
		iofilt_obs.removes++;
		IoDetachDevice(lower);
		IoDeleteDevice(Dev);
	}
	return st;
}

static NTSTATUS NTAPI FiltPower(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PFILTER_EXTENSION x = Dev->DeviceExtension;

	iofilt_obs.irps[IRP_MJ_POWER]++;
	PoStartNextPowerIrp(Irp);
	IoSkipCurrentIrpStackLocation(Irp);
	return PoCallDriver(x->Lower, Irp);
}

static NTSTATUS NTAPI FiltAddDevice(PDRIVER_OBJECT Driver, PDEVICE_OBJECT Pdo)
{
	PDEVICE_OBJECT dev;
	PFILTER_EXTENSION x;
	NTSTATUS st;

	iofilt_obs.add_calls++;
	iofilt_obs.add_order = iodrv_obs.add_calls;
	/* created with another type: the filter must take the one below */
	st = IoCreateDevice(Driver, sizeof(FILTER_EXTENSION), NULL, FILE_DEVICE_CONTROLLER, 0, FALSE,
			    &dev);
	if (!NT_SUCCESS(st))
		return st;
	x = dev->DeviceExtension;
	x->Lower = IoAttachDeviceToDeviceStack(dev, Pdo);
	if (!x->Lower) {
		IoDeleteDevice(dev);
		return STATUS_NO_SUCH_DEVICE;
	}
	dev->Flags |= x->Lower->Flags & (DO_POWER_PAGABLE |
					 (iofilt_bug == 1 ? 0 : DO_BUFFERED_IO | DO_DIRECT_IO));
	if (iofilt_bug == 3)
		dev->Flags |= DO_BUFFERED_IO | DO_DIRECT_IO;
	if (iofilt_bug != 2)
		dev->DeviceType = x->Lower->DeviceType;
	dev->Characteristics = x->Lower->Characteristics;
	iofilt_obs.stack_size = dev->StackSize;
	dev->Flags &= ~DO_DEVICE_INITIALIZING;
	return STATUS_SUCCESS;
}

static VOID NTAPI FiltUnload(PDRIVER_OBJECT Driver)
{
	UNREFERENCED_PARAMETER(Driver);
	iofilt_obs.unload_calls++;
}

static NTSTATUS NTAPI FiltDriverEntry(PDRIVER_OBJECT Driver, PUNICODE_STRING RegistryPath)
{
	ULONG i;

	UNREFERENCED_PARAMETER(RegistryPath);
	iofilt_obs.entry_calls++;
	for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
		Driver->MajorFunction[i] = FiltPass;
	Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = FiltControl;
	Driver->MajorFunction[IRP_MJ_PNP] = FiltPnp;
	Driver->MajorFunction[IRP_MJ_POWER] = FiltPower;
	Driver->DriverExtension->AddDevice = FiltAddDevice;
	Driver->DriverUnload = FiltUnload;
	return STATUS_SUCCESS;
}

void (*const iofilt_entry)(void) = (void (*)(void))FiltDriverEntry;
