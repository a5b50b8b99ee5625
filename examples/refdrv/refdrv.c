/*
 * examples/refdrv/refdrv.c - the reference driver's entry points:
 * DriverEntry, AddDevice and Unload. A WDM function driver for the
 * reference device (pcisim's model/refdev.h, ../shared/spec/refdev.md),
 * written against <wdm.h> only, as a Windows driver author writes one.
 *
 * The other files: pnp.c (PnP and power: start, stop, remove), io.c
 * (dispatch routines, StartIo, cancellation), intr.c (connecting the
 * interrupt, the ISRs and the DPC), dma.c (the DMA adapter, the page table
 * in a common buffer, scatter/gather lists).
 */
#include <wdm.h>

#include "refdrv-internal.h"

/* Instance numbers name the devices; one counter per loaded driver image. */
ULONG RefdrvInstances;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE RefdrvAddDevice;
static DRIVER_UNLOAD RefdrvUnload;

/* Prefix followed by the decimal Instance into Buffer (Chars WCHARs). */
static VOID RefdrvMakeName(PUNICODE_STRING Name, PWCH Buffer, USHORT Chars, PCWSTR Prefix,
			   ULONG Instance)
{
	WCHAR digits[10];
	USHORT n = 0, d = 0;

	while (Prefix[n] && n < Chars - 1) {
		Buffer[n] = Prefix[n];
		n++;
	}
	do {
		digits[d++] = (WCHAR)(L'0' + Instance % 10);
		Instance /= 10;
	} while (Instance && d < 10);
	while (d && n < Chars - 1)
		Buffer[n++] = digits[--d];
	Buffer[n] = 0;
	RtlInitUnicodeString(Name, Buffer);
}

static NTSTATUS RefdrvAddDevice(PDRIVER_OBJECT Driver, PDEVICE_OBJECT Pdo)
{
	WCHAR nameBuffer[32];
	UNICODE_STRING name;
	PDEVICE_OBJECT fdo;
	PREFDRV_EXT ext;
	ULONG instance;
	NTSTATUS status;

	PAGED_CODE();
	instance = (ULONG)InterlockedIncrement((PLONG)&RefdrvInstances) - 1;
	RefdrvMakeName(&name, nameBuffer, 32, REFDRV_DEVICE_NAME_PREFIX, instance);
	status = IoCreateDevice(Driver, sizeof(REFDRV_EXT), &name, FILE_DEVICE_UNKNOWN,
				FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
	if (!NT_SUCCESS(status))
		return status;
	ext = (PREFDRV_EXT)fdo->DeviceExtension;
	RtlZeroMemory(ext, sizeof(*ext));
	ext->Self = fdo;
	ext->Pdo = Pdo;
	ext->Instance = instance;
	KeInitializeSpinLock(&ext->Lock);

	RefdrvMakeName(&ext->LinkName, ext->LinkBuffer, 32, REFDRV_LINK_NAME_PREFIX, instance);
	status = IoCreateSymbolicLink(&ext->LinkName, &name);
	if (!NT_SUCCESS(status)) {
		IoDeleteDevice(fdo);
		return status;
	}

	ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
	if (!ext->Lower) {
		IoDeleteSymbolicLink(&ext->LinkName);
		IoDeleteDevice(fdo);
		return STATUS_NO_SUCH_DEVICE;
	}
#if REFDRV_SEEDED_BUG == 3
	/* Seeded bug (tests only): pool that is never freed. */
	(void)ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'kaeL');
#endif
	IoInitializeDpcRequest(fdo, RefdrvDpcForIsr);
	/* Reads and writes move data by DMA straight from the caller's pages. */
	fdo->Flags |= DO_DIRECT_IO | DO_POWER_PAGABLE;
	fdo->Flags &= ~DO_DEVICE_INITIALIZING;
	return STATUS_SUCCESS;
}

static VOID RefdrvUnload(PDRIVER_OBJECT Driver)
{
	/* PnP removed every device before calling Unload: nothing is left. */
	UNREFERENCED_PARAMETER(Driver);
	PAGED_CODE();
	KdPrint(("refdrv: unloaded\n"));
}

NTSTATUS DriverEntry(PDRIVER_OBJECT Driver, PUNICODE_STRING RegistryPath)
{
	ULONG i;

	UNREFERENCED_PARAMETER(RegistryPath);
	RefdrvInstances = 0;
	for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
		Driver->MajorFunction[i] = RefdrvDispatchPassDown;
	Driver->MajorFunction[IRP_MJ_CREATE] = RefdrvDispatchCreateClose;
	Driver->MajorFunction[IRP_MJ_CLOSE] = RefdrvDispatchCreateClose;
	Driver->MajorFunction[IRP_MJ_CLEANUP] = RefdrvDispatchCreateClose;
	Driver->MajorFunction[IRP_MJ_READ] = RefdrvDispatchReadWrite;
	Driver->MajorFunction[IRP_MJ_WRITE] = RefdrvDispatchReadWrite;
	Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = RefdrvDispatchDeviceControl;
	Driver->MajorFunction[IRP_MJ_PNP] = RefdrvDispatchPnp;
	Driver->MajorFunction[IRP_MJ_POWER] = RefdrvDispatchPower;
	Driver->DriverExtension->AddDevice = RefdrvAddDevice;
	Driver->DriverStartIo = RefdrvStartIo;
	Driver->DriverUnload = RefdrvUnload;
	KdPrint(("refdrv: loaded\n"));
	return STATUS_SUCCESS;
}
