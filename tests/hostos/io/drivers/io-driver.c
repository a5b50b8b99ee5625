/*
 * tests/hostos/io/drivers/io-driver.c - "iodrv", a small but complete WDM
 * function driver, written as for Windows: DriverEntry (registry
 * parameters), AddDevice (a named FDO, a symbolic link, attached to the
 * PDO), PnP (start forwarded first and finished on the way up with the
 * raw and translated resources, stop, removal passed down last,
 * surprise removal failing everything outstanding), power passed down,
 * buffered reads and writes of a 256-byte memory, IOCTLs by
 * METHOD_BUFFERED and METHOD_NEITHER, the inverted call through a
 * cancel-safe queue completed from the DPC of its MSI, the classic StartIo
 * model with a cancel routine, an IoTimer, requests of its own down the
 * stack, and a menu of I/O rule violations. Built with the driver flags
 * and syntax-checked against mingw-w64's DDK.
 */
#include <wdm.h>
#include <wdmguid.h>

#include "io-driver.h"

struct iodrv_obs iodrv_obs;

typedef struct _DEVICE_EXTENSION {
	PDEVICE_OBJECT Self;
	PDEVICE_OBJECT Lower;
	PDEVICE_OBJECT Pdo;
	UNICODE_STRING Link;
	WCHAR LinkBuffer[32];
	UNICODE_STRING Interface;
	IO_CSQ Csq;
	LIST_ENTRY Waiters;
	KSPIN_LOCK WaitersLock;
	PKINTERRUPT Interrupt;
	UCHAR Memory[256];
	struct iodrv_info Info;
	LONG Interrupts;
	ULONG Sequence;
	BOOLEAN Started;
	BOOLEAN Gone;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

static ULONG RegParam;

/* Its device interface class. */
static const GUID GUID_DEVINTERFACE_IODRV = {
	0x5d3a7e21, 0x6c1b, 0x4f0e, { 0x9a, 0x44, 0x1e, 0x27, 0x80, 0x63, 0xb5, 0x0c }
};

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD IodrvUnload;
static DRIVER_ADD_DEVICE IodrvAddDevice;
static DRIVER_DISPATCH IodrvCreateClose;
static DRIVER_DISPATCH IodrvReadWrite;
static DRIVER_DISPATCH IodrvDeviceControl;
static DRIVER_DISPATCH IodrvPnp;
static DRIVER_DISPATCH IodrvPower;
static DRIVER_STARTIO IodrvStartIo;
static DRIVER_CANCEL IodrvCancelQueued;
static KSERVICE_ROUTINE IodrvIsr;
static IO_DPC_ROUTINE IodrvDpc;
static IO_TIMER_ROUTINE IodrvTimer;

static NTSTATUS Complete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

/* ---- the cancel-safe queue of waiting IOCTLs ---- */

static VOID NTAPI CsqInsert(PIO_CSQ Csq, PIRP Irp)
{
	PDEVICE_EXTENSION x = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);

	InsertTailList(&x->Waiters, &Irp->Tail.Overlay.ListEntry);
}

static VOID NTAPI CsqRemove(PIO_CSQ Csq, PIRP Irp)
{
	UNREFERENCED_PARAMETER(Csq);
	RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* PeekContext: a FILE_OBJECT to match, or NULL for any. */
static PIRP NTAPI CsqPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
	PDEVICE_EXTENSION x = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);
	PLIST_ENTRY e = Irp ? Irp->Tail.Overlay.ListEntry.Flink : x->Waiters.Flink;

	for (; e != &x->Waiters; e = e->Flink) {
		PIRP i = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);

		if (!PeekContext || IoGetCurrentIrpStackLocation(i)->FileObject == PeekContext)
			return i;
	}
	return NULL;
}

static VOID NTAPI CsqAcquire(PIO_CSQ Csq, PKIRQL Irql)
{
	PDEVICE_EXTENSION x = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);

	KeAcquireSpinLock(&x->WaitersLock, Irql);
}

static VOID NTAPI CsqRelease(PIO_CSQ Csq, KIRQL Irql)
{
	PDEVICE_EXTENSION x = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);

	KeReleaseSpinLock(&x->WaitersLock, Irql);
}

static VOID NTAPI CsqCompleteCanceled(PIO_CSQ Csq, PIRP Irp)
{
	UNREFERENCED_PARAMETER(Csq);
	iodrv_obs.cancels++;
	Complete(Irp, STATUS_CANCELLED, 0);
}

/* Every waiting IRP (of @FileObject, or all) completed with @Status. */
static VOID DrainWaiters(PDEVICE_EXTENSION x, PFILE_OBJECT FileObject, NTSTATUS Status)
{
	PIRP irp;

	while ((irp = IoCsqRemoveNextIrp(&x->Csq, FileObject)) != NULL)
		Complete(irp, Status, 0);
}

/* The StartIo queue and its current packet, failed (surprise removal). */
static VOID DrainStartIo(PDEVICE_OBJECT Dev, NTSTATUS Status)
{
	KIRQL old, ci;
	PKDEVICE_QUEUE_ENTRY e;
	PIRP irp;

	KeRaiseIrql(DISPATCH_LEVEL, &old);
	IoAcquireCancelSpinLock(&ci);
	irp = Dev->CurrentIrp;
	if (irp && IoSetCancelRoutine(irp, NULL))
		Dev->CurrentIrp = NULL;
	else
		irp = NULL;
	IoReleaseCancelSpinLock(ci);
	if (irp)
		Complete(irp, Status, 0);
	for (;;) {
		IoAcquireCancelSpinLock(&ci);
		e = KeRemoveDeviceQueue(&Dev->DeviceQueue);
		irp = e ? CONTAINING_RECORD(e, IRP, Tail.Overlay.DeviceQueueEntry) : NULL;
		if (irp && !IoSetCancelRoutine(irp, NULL))
			irp = NULL; /* its cancel routine runs */
		IoReleaseCancelSpinLock(ci);
		if (!e)
			break;
		if (irp)
			Complete(irp, Status, 0);
	}
	KeLowerIrql(old);
}

/* ---- interrupt, DPC, StartIo, timer ---- */

static BOOLEAN NTAPI IodrvIsr(PKINTERRUPT Interrupt, PVOID Context)
{
	PDEVICE_EXTENSION x = Context;

	UNREFERENCED_PARAMETER(Interrupt);
	iodrv_obs.isr_calls++;
	InterlockedIncrement(&x->Interrupts);
	IoRequestDpc(x->Self, NULL, NULL);
	return TRUE;
}

static VOID NTAPI IodrvDpc(PKDPC Dpc, PDEVICE_OBJECT Dev, PIRP Unused, PVOID Context)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;
	PIRP irp;
	KIRQL ci;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Unused);
	UNREFERENCED_PARAMETER(Context);
	iodrv_obs.dpcs++;
	/* the StartIo transfer in progress is done */
	IoAcquireCancelSpinLock(&ci);
	irp = Dev->CurrentIrp;
	if (irp && !IoSetCancelRoutine(irp, NULL))
		irp = NULL; /* being cancelled: the cancel routine finishes it */
	IoReleaseCancelSpinLock(ci);
	if (irp) {
		*(PULONG)irp->AssociatedIrp.SystemBuffer = ++x->Sequence;
		Complete(irp, STATUS_SUCCESS, sizeof(ULONG));
		IoStartNextPacket(Dev, TRUE);
	}
	/* the inverted call: one waiter learns of the interrupt */
	irp = IoCsqRemoveNextIrp(&x->Csq, NULL);
	if (irp) {
		*(PULONG)irp->AssociatedIrp.SystemBuffer = (ULONG)x->Interrupts;
		Complete(irp, STATUS_SUCCESS, sizeof(ULONG));
	}
}

static VOID NTAPI IodrvStartIo(PDEVICE_OBJECT Dev, PIRP Irp)
{
	UNREFERENCED_PARAMETER(Dev);
	UNREFERENCED_PARAMETER(Irp);
	/* the transfer would be programmed here; the interrupt ends it */
	iodrv_obs.startio_calls++;
	iodrv_obs.startio_irql = KeGetCurrentIrql();
}

/* The classic cancel routine of a StartIo driver. */
static VOID NTAPI IodrvCancelQueued(PDEVICE_OBJECT Dev, PIRP Irp)
{
	iodrv_obs.cancels++;
	iodrv_obs.cancel_irql = KeGetCurrentIrql();
	if (Irp == Dev->CurrentIrp) {
		IoReleaseCancelSpinLock(Irp->CancelIrql);
		Complete(Irp, STATUS_CANCELLED, 0);
		IoStartNextPacket(Dev, TRUE);
		return;
	}
	KeRemoveEntryDeviceQueue(&Dev->DeviceQueue, &Irp->Tail.Overlay.DeviceQueueEntry);
	IoReleaseCancelSpinLock(Irp->CancelIrql);
	Complete(Irp, STATUS_CANCELLED, 0);
}

static VOID NTAPI IodrvTimer(PDEVICE_OBJECT Dev, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dev);
	UNREFERENCED_PARAMETER(Context);
	iodrv_obs.timer_ticks++;
	iodrv_obs.timer_irql = KeGetCurrentIrql();
}

/* ---- load, add, unload ---- */

/* Each value of Parameters, for the enumeration in DriverEntry. */
static NTSTATUS NTAPI CountValue(PWSTR ValueName, ULONG ValueType, PVOID ValueData,
				 ULONG ValueLength, PVOID Context, PVOID EntryContext)
{
	size_t at = 0;
	ULONG i;

	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(EntryContext);
	while (iodrv_obs.reg_names[at])
		at++;
	if (at && at + 1 < sizeof(iodrv_obs.reg_names))
		iodrv_obs.reg_names[at++] = ',';
	for (i = 0; ValueName[i] && at + 1 < sizeof(iodrv_obs.reg_names); i++)
		iodrv_obs.reg_names[at++] = (char)ValueName[i];
	if (ValueType == REG_SZ && at + 1 < sizeof(iodrv_obs.reg_names))
		iodrv_obs.reg_names[at++] = '=';
	for (i = 0; ValueType == REG_SZ && i < ValueLength / sizeof(WCHAR) &&
		    ((PWCHAR)ValueData)[i] && at + 1 < sizeof(iodrv_obs.reg_names); i++)
		iodrv_obs.reg_names[at++] = (char)((PWCHAR)ValueData)[i];
	iodrv_obs.reg_names[at] = 0;
	if (ValueType == REG_DWORD && ValueLength == sizeof(ULONG))
		iodrv_obs.reg_sum += *(PULONG)ValueData;
	iodrv_obs.reg_values++;
	return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	RTL_QUERY_REGISTRY_TABLE q[3];
	ULONG def = 7;
	NTSTATUS st;
	USHORT i;

	iodrv_obs.entry_calls++;
	for (i = 0; i < RegistryPath->Length / 2 && i < sizeof(iodrv_obs.regpath) - 1; i++)
		iodrv_obs.regpath[i] = (char)RegistryPath->Buffer[i];
	iodrv_obs.regpath[i] = 0;

	/* Parameters\BufferSize, 7 when absent */
	RtlZeroMemory(q, sizeof(q));
	q[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
	q[0].Name = L"Parameters";
	q[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
	q[1].Name = L"BufferSize";
	q[1].EntryContext = &RegParam;
	q[1].DefaultType = REG_DWORD;
	q[1].DefaultData = &def;
	q[1].DefaultLength = sizeof(ULONG);
	st = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, RegistryPath->Buffer, q, NULL, NULL);
	if (!NT_SUCCESS(st))
		RegParam = def;
	/* every value of Parameters (a NULL Name enumerates them) */
	RtlZeroMemory(q, sizeof(q));
	q[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
	q[0].Name = L"Parameters";
	q[1].QueryRoutine = CountValue;
	(void)RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, RegistryPath->Buffer, q, NULL, NULL);

	DriverObject->DriverUnload = IodrvUnload;
	DriverObject->DriverExtension->AddDevice = IodrvAddDevice;
	DriverObject->DriverStartIo = IodrvStartIo;
	DriverObject->MajorFunction[IRP_MJ_CREATE] = IodrvCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLOSE] = IodrvCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLEANUP] = IodrvCreateClose;
	DriverObject->MajorFunction[IRP_MJ_READ] = IodrvReadWrite;
	DriverObject->MajorFunction[IRP_MJ_WRITE] = IodrvReadWrite;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = IodrvDeviceControl;
	DriverObject->MajorFunction[IRP_MJ_PNP] = IodrvPnp;
	DriverObject->MajorFunction[IRP_MJ_POWER] = IodrvPower;
	return STATUS_SUCCESS;
}

void (*const iodrv_entry)(void) = (void (*)(void))DriverEntry;

static VOID NTAPI IodrvUnload(PDRIVER_OBJECT DriverObject)
{
	UNREFERENCED_PARAMETER(DriverObject);
	iodrv_obs.unload_calls++;
}

/* A DWORD of the device's hardware key, 0 when absent. */
static ULONG DeviceParam(PDEVICE_OBJECT Pdo, PCWSTR Name)
{
	UCHAR buf[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
	PKEY_VALUE_PARTIAL_INFORMATION p = (PKEY_VALUE_PARTIAL_INFORMATION)buf;
	UNICODE_STRING name;
	HANDLE key;
	ULONG len, v = 0;

	if (!NT_SUCCESS(IoOpenDeviceRegistryKey(Pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key)))
		return 0;
	RtlInitUnicodeString(&name, Name);
	if (NT_SUCCESS(ZwQueryValueKey(key, &name, KeyValuePartialInformation, p, sizeof(buf),
				       &len)) &&
	    p->Type == REG_DWORD && p->DataLength == sizeof(ULONG))
		RtlCopyMemory(&v, p->Data, sizeof(ULONG));
	ZwClose(key);
	return v;
}

/* MSISupported of the INF's interrupt settings under the hardware key,
 * + 1 (0: absent): a key opened relative to another. */
static ULONG MsiSupported(PDEVICE_OBJECT Pdo)
{
	UNICODE_STRING sub = RTL_CONSTANT_STRING(
		L"Interrupt Management\\MessageSignaledInterruptProperties");
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"MSISupported");
	UCHAR buf[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
	PKEY_VALUE_PARTIAL_INFORMATION p = (PKEY_VALUE_PARTIAL_INFORMATION)buf;
	OBJECT_ATTRIBUTES oa;
	HANDLE key, msi;
	ULONG len, v = 0;

	if (!NT_SUCCESS(IoOpenDeviceRegistryKey(Pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key)))
		return 0;
	InitializeObjectAttributes(&oa, &sub, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, key, NULL);
	if (NT_SUCCESS(ZwOpenKey(&msi, KEY_READ, &oa))) {
		if (NT_SUCCESS(ZwQueryValueKey(msi, &name, KeyValuePartialInformation, p,
					       sizeof(buf), &len)) &&
		    p->Type == REG_DWORD)
			v = *(PULONG)p->Data + 1;
		ZwClose(msi);
	}
	ZwClose(key);
	return v;
}

static NTSTATUS NTAPI IodrvAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\IoDrv0");
	PDEVICE_OBJECT dev;
	PDEVICE_EXTENSION x;
	NTSTATUS st;

	iodrv_obs.add_calls++;
	st = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &name, FILE_DEVICE_UNKNOWN,
			    FILE_DEVICE_SECURE_OPEN, FALSE, &dev);
	if (!NT_SUCCESS(st))
		return st;
	x = dev->DeviceExtension;
	x->Self = dev;
	x->Pdo = Pdo;
	x->Info.reg_param = RegParam;
	x->Info.dev_param = DeviceParam(Pdo, L"Knob");
	x->Info.msi_supported = MsiSupported(Pdo);
	iodrv_obs.bug_keep_init = DeviceParam(Pdo, L"BugKeepInit");
	iodrv_obs.bug_no_delete = DeviceParam(Pdo, L"BugNoDelete");
	iodrv_obs.direct_io = DeviceParam(Pdo, L"DirectIo");
	RtlCopyMemory(x->LinkBuffer, L"\\DosDevices\\IoDrv0", sizeof(L"\\DosDevices\\IoDrv0"));
	RtlInitUnicodeString(&x->Link, x->LinkBuffer);
	st = IoCreateSymbolicLink(&x->Link, &name);
	if (!NT_SUCCESS(st)) {
		IoDeleteDevice(dev);
		return st;
	}
	if (!NT_SUCCESS(IoRegisterDeviceInterface(Pdo, &GUID_DEVINTERFACE_IODRV, NULL,
						  &x->Interface)))
		x->Interface.Buffer = NULL;
	InitializeListHead(&x->Waiters);
	KeInitializeSpinLock(&x->WaitersLock);
	IoCsqInitialize(&x->Csq, CsqInsert, CsqRemove, CsqPeek, CsqAcquire, CsqRelease,
			CsqCompleteCanceled);
	IoInitializeDpcRequest(dev, IodrvDpc);
	IoInitializeTimer(dev, IodrvTimer, x);
	x->Lower = IoAttachDeviceToDeviceStack(dev, Pdo);
	if (!x->Lower) {
		IoDeleteSymbolicLink(&x->Link);
		IoDeleteDevice(dev);
		return STATUS_NO_SUCH_DEVICE;
	}
	dev->Flags |= (iodrv_obs.direct_io ? DO_DIRECT_IO : DO_BUFFERED_IO) |
		      (x->Lower->Flags & DO_POWER_PAGABLE);
	if (!iodrv_obs.bug_keep_init)
		dev->Flags &= ~DO_DEVICE_INITIALIZING;
	return STATUS_SUCCESS;
}

/* ---- PnP ---- */

static NTSTATUS NTAPI OnTheWayUp(PDEVICE_OBJECT Dev, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dev);
	if (Irp->PendingReturned)
		KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
	return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Pass down and wait for the lower drivers (start, on the way up). */
static NTSTATUS ForwardAndWait(PDEVICE_EXTENSION x, PIRP Irp)
{
	KEVENT done;
	NTSTATUS st;

	KeInitializeEvent(&done, NotificationEvent, FALSE);
	IoCopyCurrentIrpStackLocationToNext(Irp);
	IoSetCompletionRoutine(Irp, OnTheWayUp, &done, TRUE, TRUE, TRUE);
	st = IoCallDriver(x->Lower, Irp);
	if (st == STATUS_PENDING) {
		KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
		st = Irp->IoStatus.Status;
	}
	return st;
}

/* Configuration dword 0 through the bus driver's BUS_INTERFACE_STANDARD,
 * asked for with an IRP_MN_QUERY_INTERFACE of the driver's own. */
static ULONG ConfigId(PDEVICE_EXTENSION x)
{
	BUS_INTERFACE_STANDARD bus;
	IO_STATUS_BLOCK iosb;
	PIO_STACK_LOCATION n;
	KEVENT ev;
	ULONG id = 0;
	PIRP irp;
	NTSTATUS st;

	KeInitializeEvent(&ev, NotificationEvent, FALSE);
	irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, x->Lower, NULL, 0, NULL, &ev, &iosb);
	if (!irp)
		return 0;
	irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
	n = IoGetNextIrpStackLocation(irp);
	n->MinorFunction = IRP_MN_QUERY_INTERFACE;
	n->Parameters.QueryInterface.InterfaceType = &GUID_BUS_INTERFACE_STANDARD;
	n->Parameters.QueryInterface.Size = sizeof(bus);
	n->Parameters.QueryInterface.Version = 1;
	n->Parameters.QueryInterface.Interface = (PINTERFACE)&bus;
	n->Parameters.QueryInterface.InterfaceSpecificData = NULL;
	st = IoCallDriver(x->Lower, irp);
	if (st == STATUS_PENDING) {
		KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
		st = iosb.Status;
	}
	if (!NT_SUCCESS(st))
		return 0;
	if (bus.GetBusData(bus.Context, PCI_WHICHSPACE_CONFIG, &id, 0, sizeof(id)) != sizeof(id))
		id = 0;
	bus.InterfaceDereference(bus.Context);
	return id;
}

static NTSTATUS StartDevice(PDEVICE_EXTENSION x, PIO_STACK_LOCATION sl)
{
	PCM_RESOURCE_LIST raw = sl->Parameters.StartDevice.AllocatedResources;
	PCM_RESOURCE_LIST tr = sl->Parameters.StartDevice.AllocatedResourcesTranslated;
	PCM_PARTIAL_RESOURCE_DESCRIPTOR irq = NULL;
	ULONG i, len;
	NTSTATUS st;

	iodrv_obs.start_irql = KeGetCurrentIrql();
	x->Info.mem_count = x->Info.port_count = x->Info.int_count = x->Info.msg_count = 0;
	x->Info.raw_int_count = 0;
	if (!tr || !raw)
		return STATUS_DEVICE_CONFIGURATION_ERROR;
	for (i = 0; i < tr->List[0].PartialResourceList.Count; i++) {
		PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &tr->List[0].PartialResourceList.PartialDescriptors[i];

		switch (d->Type) {
		case CmResourceTypeMemory:
			x->Info.mem_count++;
			break;
		case CmResourceTypePort:
			x->Info.port_count++;
			break;
		case CmResourceTypeInterrupt:
			x->Info.int_count++;
			if (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE)
				x->Info.msg_count++;
			if (!irq)
				irq = d;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < raw->List[0].PartialResourceList.Count; i++)
		if (raw->List[0].PartialResourceList.PartialDescriptors[i].Type ==
		    CmResourceTypeInterrupt)
			x->Info.raw_int_count++;
	x->Info.cfg_id = ConfigId(x);
	IoGetDeviceProperty(x->Pdo, DevicePropertyBusNumber, sizeof(ULONG), &x->Info.bus, &len);
	IoGetDeviceProperty(x->Pdo, DevicePropertyAddress, sizeof(ULONG), &x->Info.address, &len);
	if (irq) {
		st = IoConnectInterrupt(&x->Interrupt, IodrvIsr, x, NULL, irq->u.Interrupt.Vector,
					(KIRQL)irq->u.Interrupt.Level, (KIRQL)irq->u.Interrupt.Level,
					(irq->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched
										   : LevelSensitive,
					irq->ShareDisposition == CmResourceShareShared,
					irq->u.Interrupt.Affinity, FALSE);
		iodrv_obs.connect_status = st;
		if (!NT_SUCCESS(st))
			return st;
	}
	IoStartTimer(x->Self);
	if (x->Interface.Buffer)
		IoSetDeviceInterfaceState(&x->Interface, TRUE);
	x->Started = TRUE;
	x->Info.started = 1;
	return STATUS_SUCCESS;
}

static VOID StopDevice(PDEVICE_EXTENSION x)
{
	if (!x->Started)
		return;
	IoStopTimer(x->Self);
	if (x->Interrupt) {
		IoDisconnectInterrupt(x->Interrupt);
		x->Interrupt = NULL;
	}
	x->Started = FALSE;
	x->Info.started = 0;
}

static NTSTATUS NTAPI IodrvPnp(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	NTSTATUS st;

	switch (sl->MinorFunction) {
	case IRP_MN_START_DEVICE:
		iodrv_obs.starts++;
		st = ForwardAndWait(x, Irp);
		if (NT_SUCCESS(st))
			st = StartDevice(x, sl);
		return Complete(Irp, st, 0);
	case IRP_MN_QUERY_STOP_DEVICE:
		iodrv_obs.query_stops++;
		break;
	case IRP_MN_CANCEL_STOP_DEVICE:
		iodrv_obs.cancel_stops++;
		break;
	case IRP_MN_STOP_DEVICE:
		iodrv_obs.stops++;
		StopDevice(x);
		break;
	case IRP_MN_QUERY_REMOVE_DEVICE:
		iodrv_obs.query_removes++;
		break;
	case IRP_MN_CANCEL_REMOVE_DEVICE:
		break;
	case IRP_MN_SURPRISE_REMOVAL:
		iodrv_obs.surprises++;
		x->Gone = TRUE;
		StopDevice(x);
		DrainWaiters(x, NULL, STATUS_NO_SUCH_DEVICE);
		DrainStartIo(Dev, STATUS_NO_SUCH_DEVICE);
		IoDeleteSymbolicLink(&x->Link);
		break;
	case IRP_MN_REMOVE_DEVICE:
		iodrv_obs.removes++;
		x->Gone = TRUE;
		StopDevice(x);
		if (x->Interface.Buffer) {
			/* disabled by the PnP manager already: not found */
			IoSetDeviceInterfaceState(&x->Interface, FALSE);
			RtlFreeUnicodeString(&x->Interface);
		}
		DrainWaiters(x, NULL, STATUS_NO_SUCH_DEVICE);
		if (!iodrv_obs.surprises)
			IoDeleteSymbolicLink(&x->Link);
		Irp->IoStatus.Status = STATUS_SUCCESS;
		IoSkipCurrentIrpStackLocation(Irp);
		st = IoCallDriver(x->Lower, Irp);
		if (!iodrv_obs.bug_no_delete) {
			IoDetachDevice(x->Lower);
			IoDeleteDevice(Dev);
		}
		return st;
	default:
		IoSkipCurrentIrpStackLocation(Irp);
		return IoCallDriver(x->Lower, Irp);
	}
	Irp->IoStatus.Status = STATUS_SUCCESS;
	IoSkipCurrentIrpStackLocation(Irp);
	return IoCallDriver(x->Lower, Irp);
}

static NTSTATUS NTAPI IodrvPower(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;

	iodrv_obs.power_irps++;
	PoStartNextPowerIrp(Irp);
	IoSkipCurrentIrpStackLocation(Irp);
	return PoCallDriver(x->Lower, Irp);
}

/* ---- requests ---- */

static NTSTATUS NTAPI IodrvCreateClose(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);

	switch (sl->MajorFunction) {
	case IRP_MJ_CREATE:
		iodrv_obs.creates++;
		if (x->Gone)
			return Complete(Irp, STATUS_DELETE_PENDING, 0);
		break;
	case IRP_MJ_CLEANUP:
		iodrv_obs.cleanups++;
		DrainWaiters(x, sl->FileObject, STATUS_CANCELLED);
		break;
	default:
		iodrv_obs.closes++;
		break;
	}
	return Complete(Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI IodrvReadWrite(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	ULONG len = sl->Parameters.Read.Length;
	LONGLONG off = sl->Parameters.Read.ByteOffset.QuadPart;
	PUCHAR buf = Irp->AssociatedIrp.SystemBuffer;

	if (x->Gone)
		return Complete(Irp, STATUS_NO_SUCH_DEVICE, 0);
	if (off < 0 || off >= (LONGLONG)sizeof(x->Memory))
		return Complete(Irp, STATUS_END_OF_FILE, 0);
	if (len > sizeof(x->Memory) - (ULONG)off)
		len = sizeof(x->Memory) - (ULONG)off;
	if (Dev->Flags & DO_DIRECT_IO) {
		buf = MmGetSystemAddressForMdlSafe(Irp->MdlAddress,
						   NormalPagePriority | MdlMappingNoExecute);
		if (!buf)
			return Complete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
		iodrv_obs.mdl_bytes = MmGetMdlByteCount(Irp->MdlAddress);
	}
	if (sl->MajorFunction == IRP_MJ_READ)
		RtlCopyMemory(buf, x->Memory + off, len);
	else
		RtlCopyMemory(x->Memory + off, buf, len);
	return Complete(Irp, STATUS_SUCCESS, len);
}

static VOID Echo(PUCHAR Out, const UCHAR *In, ULONG N)
{
	ULONG i;

	/* backwards, so that in and out may be the same buffer */
	for (i = N; i-- > 0;)
		Out[i] = (UCHAR)(In[i] + 1);
}

static NTSTATUS NTAPI ForwardDone(PDEVICE_OBJECT Dev, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dev);
	*(PLONG)Context = Irp->IoStatus.Status;
	IoFreeIrp(Irp);
	return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Both ways of sending a request of the driver's own down its stack. */
static NTSTATUS Forward(PDEVICE_EXTENSION x, PLONG Out)
{
	IO_STATUS_BLOCK iosb;
	KEVENT ev;
	PIRP irp;
	NTSTATUS st;
	LONG done = 1;

	KeInitializeEvent(&ev, NotificationEvent, FALSE);
	irp = IoBuildDeviceIoControlRequest(0x12345678, x->Lower, NULL, 0, NULL, 0, TRUE, &ev,
					    &iosb);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	st = IoCallDriver(x->Lower, irp);
	if (st == STATUS_PENDING)
		KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
	Out[0] = iosb.Status;

	irp = IoAllocateIrp(x->Lower->StackSize, FALSE);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
	irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
	IoSetCompletionRoutine(irp, ForwardDone, &done, TRUE, TRUE, TRUE);
	IoCallDriver(x->Lower, irp);
	Out[1] = done;
	return STATUS_SUCCESS;
}

static NTSTATUS NTAPI KeepIt(PDEVICE_OBJECT Dev, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dev);
	*(PLONG)Context = Irp->IoStatus.Status;
	return STATUS_MORE_PROCESSING_REQUIRED;
}

/* One IRP of its own used twice (IoReuseIrp), then a synchronous read of
 * its own device through IoBuildSynchronousFsdRequest. */
static NTSTATUS Reuse(PDEVICE_OBJECT Dev, PDEVICE_EXTENSION x, PLONG Out)
{
	IO_STATUS_BLOCK iosb;
	LARGE_INTEGER off;
	KEVENT ev;
	PIRP irp;
	NTSTATUS st;

	irp = IoAllocateIrp(x->Lower->StackSize, FALSE);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (int i = 0; i < 2; i++) {
		if (i)
			IoReuseIrp(irp, STATUS_NOT_SUPPORTED);
		else
			irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
		IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
		IoSetCompletionRoutine(irp, KeepIt, &Out[i], TRUE, TRUE, TRUE);
		IoCallDriver(x->Lower, irp);
	}
	IoFreeIrp(irp);

	KeInitializeEvent(&ev, NotificationEvent, FALSE);
	off.QuadPart = 8;
	irp = IoBuildSynchronousFsdRequest(IRP_MJ_READ, Dev, &Out[2], 8, &off, &ev, &iosb);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	st = IoCallDriver(Dev, irp);
	if (st == STATUS_PENDING)
		KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
	return iosb.Status;
}

static NTSTATUS NTAPI RaiseInCompletion(PDEVICE_OBJECT Dev, PIRP Irp, PVOID Context)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(Dev);
	UNREFERENCED_PARAMETER(Irp);
	UNREFERENCED_PARAMETER(Context);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS Bug(PDEVICE_OBJECT Dev, PIRP Irp, ULONG Which)
{
	KIRQL old;

	switch (Which) {
	case IODRV_BUG_DOUBLE_COMPLETE:
		Complete(Irp, STATUS_SUCCESS, 0);
		return Complete(Irp, STATUS_SUCCESS, 0);
	case IODRV_BUG_PENDING_UNMARKED:
		return STATUS_PENDING;
	case IODRV_BUG_MARKED_NOT_PENDING:
		IoMarkIrpPending(Irp);
		return Complete(Irp, STATUS_SUCCESS, 0);
	case IODRV_BUG_COMPLETE_PENDING:
		return Complete(Irp, STATUS_PENDING, 0);
	case IODRV_BUG_COMPLETE_CANCEL_SET:
		IoSetCancelRoutine(Irp, IodrvCancelQueued);
		return Complete(Irp, STATUS_SUCCESS, 0);
	case IODRV_BUG_RETURN_RAISED:
		Complete(Irp, STATUS_SUCCESS, 0);
		KeRaiseIrql(DISPATCH_LEVEL, &old);
		return STATUS_SUCCESS;
	case IODRV_BUG_NOT_COMPLETED:
		return STATUS_SUCCESS;
	case IODRV_BUG_COMPLETE_HIGH_IRQL:
		KeRaiseIrql(HIGH_LEVEL, &old);
		Complete(Irp, STATUS_SUCCESS, 0);
		KeLowerIrql(old);
		return STATUS_SUCCESS;
	case IODRV_BUG_FREE_IN_USE: {
		PIRP mine = IoAllocateIrp(Dev->StackSize, FALSE);

		IoGetNextIrpStackLocation(mine)->MajorFunction = IRP_MJ_DEVICE_CONTROL;
		IoGetNextIrpStackLocation(mine)->Parameters.DeviceIoControl.IoControlCode =
			IOCTL_IODRV_WAIT;
		IoGetNextIrpStackLocation(mine)->Parameters.DeviceIoControl.OutputBufferLength =
			sizeof(ULONG);
		mine->AssociatedIrp.SystemBuffer = &old;
		IoCallDriver(Dev, mine); /* pended in the wait queue */
		IoFreeIrp(mine);
		return Complete(Irp, STATUS_SUCCESS, 0);
	}
	case IODRV_BUG_STATUS_AFTER_COMPLETE:
		/* the IRP is not the driver's any more */
		Irp->IoStatus.Status = STATUS_SUCCESS;
		IoCompleteRequest(Irp, IO_NO_INCREMENT);
		return Irp->IoStatus.Status;
	case IODRV_BUG_CREATE_AT_DISPATCH: {
		PDEVICE_OBJECT other;

		KeRaiseIrql(DISPATCH_LEVEL, &old);
		IoCreateDevice(Dev->DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &other);
		KeLowerIrql(old);
		return Complete(Irp, STATUS_SUCCESS, 0);
	}
	case IODRV_BUG_COMPLETION_IRQL: {
		PDEVICE_EXTENSION x = Dev->DeviceExtension;
		PIRP mine = IoAllocateIrp(x->Lower->StackSize, FALSE);

		IoGetNextIrpStackLocation(mine)->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
		IoSetCompletionRoutine(mine, RaiseInCompletion, NULL, TRUE, TRUE, TRUE);
		IoCallDriver(x->Lower, mine);
		return Complete(Irp, STATUS_SUCCESS, 0);
	}
	default:
		return Complete(Irp, STATUS_INVALID_PARAMETER, 0);
	}
}

static NTSTATUS NTAPI IodrvDeviceControl(PDEVICE_OBJECT Dev, PIRP Irp)
{
	PDEVICE_EXTENSION x = Dev->DeviceExtension;
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(Irp);
	ULONG in = sl->Parameters.DeviceIoControl.InputBufferLength;
	ULONG out = sl->Parameters.DeviceIoControl.OutputBufferLength;
	ULONG n = in < out ? in : out;
	PVOID buf = Irp->AssociatedIrp.SystemBuffer;

	if (x->Gone)
		return Complete(Irp, STATUS_NO_SUCH_DEVICE, 0);
	switch (sl->Parameters.DeviceIoControl.IoControlCode) {
	case IOCTL_IODRV_ECHO_BUFFERED:
		Echo(buf, buf, n);
		return Complete(Irp, STATUS_SUCCESS, n);
	case IOCTL_IODRV_ECHO_NEITHER:
		/* the caller's own buffers: only safe in its context */
		Echo(Irp->UserBuffer, sl->Parameters.DeviceIoControl.Type3InputBuffer, n);
		return Complete(Irp, STATUS_SUCCESS, n);
	case IOCTL_IODRV_OUT_DIRECT:
	case IOCTL_IODRV_IN_DIRECT: {
		PUCHAR m;

		if (!Irp->MdlAddress)
			return Complete(Irp, STATUS_INVALID_PARAMETER, 0);
		m = MmGetSystemAddressForMdlSafe(Irp->MdlAddress,
						 NormalPagePriority | MdlMappingNoExecute);
		if (!m)
			return Complete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
		iodrv_obs.mdl_bytes = MmGetMdlByteCount(Irp->MdlAddress);
		iodrv_obs.mdl_pfn = MmGetMdlPfnArray(Irp->MdlAddress)[0];
		if (sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_IODRV_OUT_DIRECT) {
			Echo(m, buf, n);
			return Complete(Irp, STATUS_SUCCESS, n);
		}
		RtlCopyMemory(x->Memory, m, min(out, sizeof(x->Memory)));
		return Complete(Irp, STATUS_SUCCESS, 0);
	}
	case IOCTL_IODRV_WAIT:
		if (out < sizeof(ULONG))
			return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		IoCsqInsertIrp(&x->Csq, Irp, NULL);
		return STATUS_PENDING;
	case IOCTL_IODRV_QUEUE:
	case IOCTL_IODRV_QUEUE_KEYED: {
		ULONG key = in >= sizeof(ULONG) ? *(PULONG)buf : 0;

		if (out < sizeof(ULONG))
			return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		IoMarkIrpPending(Irp);
		IoStartPacket(Dev, Irp,
			      sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_IODRV_QUEUE_KEYED
				      ? &key
				      : NULL,
			      IodrvCancelQueued);
		return STATUS_PENDING;
	}
	case IOCTL_IODRV_INFO:
		if (out < sizeof(struct iodrv_info))
			return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		RtlCopyMemory(buf, &x->Info, sizeof(struct iodrv_info));
		return Complete(Irp, STATUS_SUCCESS, sizeof(struct iodrv_info));
	case IOCTL_IODRV_FORWARD:
		if (out < 2 * sizeof(LONG))
			return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		return Complete(Irp, Forward(x, buf), 2 * sizeof(LONG));
	case IOCTL_IODRV_REUSE:
		if (out < 4 * sizeof(LONG))
			return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
		return Complete(Irp, Reuse(Dev, x, buf), 4 * sizeof(LONG));
	case IOCTL_IODRV_BUG:
		if (in < sizeof(ULONG))
			return Complete(Irp, STATUS_INVALID_PARAMETER, 0);
		return Bug(Dev, Irp, *(PULONG)buf);
	default:
		return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}
