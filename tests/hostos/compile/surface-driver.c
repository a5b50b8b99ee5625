/*
 * tests/hostos/compile/surface-driver.c - a WDM driver source that uses
 * every type, macro and routine of pcisim's <wdm.h>/<ntddk.h>, written as
 * driver code is written for Windows.
 *
 * It is compiled twice and never run: in the build against hostos/include
 * with the driver flags (an object in a static library, so the core
 * routines it calls need not exist yet), and by check-mingw.py with
 * x86_64-w64-mingw32-gcc -fsyntax-only against mingw-w64's DDK headers,
 * which shows that the source is valid Windows driver code. Nothing here
 * may depend on pcisim: a construct that only compiles against our
 * headers is a bug in the headers.
 */
#include <ntddk.h>
#include <wdm.h>

#include <stdarg.h>

/* A pool tag, as drivers spell them (needs -Wno-multichar). */
#define SURF_TAG 'fruS'
#define SURF_MAX_PENDING 8

typedef struct _SURF_REQUEST {
	LIST_ENTRY Link;
	SINGLE_LIST_ENTRY FreeLink;
	ULONG Id;
	ULONG_PTR Cookie;
} SURF_REQUEST, *PSURF_REQUEST;

typedef struct _SURF_EXTENSION {
	PDEVICE_OBJECT Self;
	KSPIN_LOCK CounterLock;
	ULONG Counter;
	KSPIN_LOCK QueueLock;
	LIST_ENTRY Pending;
	SINGLE_LIST_ENTRY FreeList;
	SURF_REQUEST Requests[SURF_MAX_PENDING];
	KDPC CustomDpc;
	KDPC ThreadedDpc;
	volatile LONG InterruptCount;
	volatile LONG Flags;
	volatile LONG64 BytesMoved;
	volatile LONG64 Generation;
	PVOID volatile LastContext;
	UNICODE_STRING Name;
	ANSI_STRING AnsiName;
	PHYSICAL_ADDRESS RegisterBase;
	LARGE_INTEGER Stamp;
	ULARGE_INTEGER Total;
	GUID InterfaceGuid;
	PROCESSOR_NUMBER LastCpu;
	KAFFINITY Affinity;
	KPRIORITY Priority;
	KDPC_IMPORTANCE Importance;
	KDPC_WATCHDOG_INFORMATION Watchdog;
	CSHORT Kind;
	CCHAR TargetCpu;
	BOOLEAN Started;
	HANDLE Handle;
	SIZE_T Size;
	SSIZE_T Delta;
	LONG_PTR Offset;
	ULONGLONG Ticks;
	LONGLONG Signed;
	USHORT Port;
	UCHAR Revision;
	CHAR Letter;
	SHORT Temperature;
	WCHAR Wide;
	__int64 Legacy;
} SURF_EXTENSION, *PSURF_EXTENSION;

C_ASSERT(sizeof(ULONG) == 4);
C_ASSERT(sizeof(ULONG_PTR) == sizeof(PVOID));

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SurfUnload;
DRIVER_ADD_DEVICE SurfAddDevice;
DRIVER_DISPATCH SurfDispatch;
DRIVER_STARTIO SurfStartIo;
KSERVICE_ROUTINE SurfIsr;
IO_DPC_ROUTINE SurfDpcForIsr;
KDEFERRED_ROUTINE SurfCustomDpc;
KDEFERRED_ROUTINE SurfThreadedDpc;
DRIVER_CONTROL SurfAdapterControl;

/* Driver helpers: declared, as a driver built with warnings declares them. */
VOID SurfStartDevice(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PCWSTR Name);
ULONG SurfLog(_In_ ULONG Level, _In_z_ _Printf_format_string_ PCSTR Format, ...);
NTSTATUS SurfCheckStrings(VOID);
VOID SurfUseIrql(_Inout_ PSURF_EXTENSION Extension);
ULONG SurfDrain(_Inout_ PSURF_EXTENSION Extension);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, SurfUnload)
#endif
#pragma alloc_text(PAGE, SurfAddDevice)

/* vKdPrintEx / vDbgPrintEx behind a driver's own variadic logger. */
ULONG SurfLog(_In_ ULONG Level, _In_z_ _Printf_format_string_ PCSTR Format, ...)
{
	va_list args;
	ULONG status;

	va_start(args, Format);
#if DBG
	vKdPrintEx((DPFLTR_IHVDRIVER_ID, Level, Format, args));
	status = (ULONG)STATUS_SUCCESS;
#else
	status = vDbgPrintEx(DPFLTR_IHVDRIVER_ID, Level, Format, args);
#endif
	va_end(args);
	return status;
}

/* The ISR: claims the interrupt, counts it, hands the work to the DpcForIsr. */
_Use_decl_annotations_
BOOLEAN SurfIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
	PDEVICE_OBJECT device = (PDEVICE_OBJECT)ServiceContext;
	PSURF_EXTENSION ext = (PSURF_EXTENSION)device->DeviceExtension;

	UNREFERENCED_PARAMETER(Interrupt);
	if (!ext->Started)
		return FALSE;
	InterlockedIncrement(&ext->InterruptCount);
	InterlockedOr(&ext->Flags, 0x1);
	IoRequestDpc(device, NULL, ext);
	return TRUE;
}

/* DpcForIsr: at DISPATCH_LEVEL, takes the counter lock without raising. */
_Use_decl_annotations_
VOID SurfDpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
	PSURF_EXTENSION ext = (PSURF_EXTENSION)Context;
	KDPC_WATCHDOG_INFORMATION watchdog;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Irp);
	DBG_UNREFERENCED_PARAMETER(DeviceObject);
	NT_ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
	ASSERT(DeviceObject == ext->Self);

	KeAcquireSpinLockAtDpcLevel(&ext->CounterLock);
	ext->Counter++;
	KeReleaseSpinLockFromDpcLevel(&ext->CounterLock);

	if (KeTryToAcquireSpinLockAtDpcLevel(&ext->CounterLock)) {
		ext->Counter += 0;
		KeReleaseSpinLockFromDpcLevel(&ext->CounterLock);
	}
	if (NT_SUCCESS(KeQueryDpcWatchdogInformation(&watchdog)) &&
	    watchdog.DpcTimeLimit != 0)
		ext->Watchdog = watchdog;
	InterlockedAnd(&ext->Flags, ~0x1);
	(void)InterlockedExchangeAdd64(&ext->BytesMoved, 512);
	KdPrint(("surf: DPC on CPU %lu, %ld interrupts\n",
		 KeGetCurrentProcessorNumber(), ext->InterruptCount));
}

/* A custom DPC: re-queues itself once, using the queued spin lock. */
_Use_decl_annotations_
VOID SurfCustomDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
		   PVOID SystemArgument2)
{
	PSURF_EXTENSION ext = (PSURF_EXTENSION)DeferredContext;
	KLOCK_QUEUE_HANDLE handle;
	ULONG_PTR pass = (ULONG_PTR)SystemArgument1;

	UNREFERENCED_PARAMETER(SystemArgument2);
	KeAcquireInStackQueuedSpinLockAtDpcLevel(&ext->QueueLock, &handle);
	if (!IsListEmpty(&ext->Pending)) {
		PLIST_ENTRY entry = RemoveHeadList(&ext->Pending);
		PSURF_REQUEST req = CONTAINING_RECORD(entry, SURF_REQUEST, Link);

		PushEntryList(&ext->FreeList, &req->FreeLink);
	}
	KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
	if (pass == 0)
		(void)KeInsertQueueDpc(Dpc, (PVOID)(ULONG_PTR)1, NULL);
}

_Use_decl_annotations_
VOID SurfThreadedDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1,
		     PVOID SystemArgument2)
{
	PSURF_EXTENSION ext = (PSURF_EXTENSION)DeferredContext;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(SystemArgument1);
	UNREFERENCED_PARAMETER(SystemArgument2);
	(void)InterlockedExchangePointer(&ext->LastContext, DeferredContext);
	(void)InterlockedCompareExchangePointer(&ext->LastContext, NULL, ext);
}

/* The spin-lock-protected counter, in every acquire form. */
VOID SurfUseIrql(_Inout_ PSURF_EXTENSION Extension)
{
	KIRQL old;
	KIRQL older;
	KLOCK_QUEUE_HANDLE handle;

	KeAcquireSpinLock(&Extension->CounterLock, &old);
	Extension->Counter++;
	KeReleaseSpinLock(&Extension->CounterLock, old);

	old = KeAcquireSpinLockRaiseToDpc(&Extension->CounterLock);
	Extension->Counter++;
	KeReleaseSpinLock(&Extension->CounterLock, old);

	KeAcquireInStackQueuedSpinLock(&Extension->QueueLock, &handle);
	Extension->Counter++;
	KeReleaseInStackQueuedSpinLock(&handle);

	KeRaiseIrql(DISPATCH_LEVEL, &old);
	KeAcquireSpinLockAtDpcLevel(&Extension->CounterLock);
	Extension->Counter++;
	KeReleaseSpinLockFromDpcLevel(&Extension->CounterLock);
	KeLowerIrql(old);

	old = KeRaiseIrqlToDpcLevel();
	if (!KeTestSpinLock(&Extension->CounterLock))
		Extension->Counter += 0;
	KeLowerIrql(old);

	old = KeRaiseIrqlToSynchLevel();
	KeRaiseIrql(HIGH_LEVEL, &older);
	KeLowerIrql(older);
	KeLowerIrql(old);

	if (KeGetCurrentIrql() > DISPATCH_LEVEL)
		KeBugCheckEx(0xE2, 0, 0, 0, 0);
	KeStallExecutionProcessor(10);
}

/* Drains the pending list from the tail and refills the free list. */
ULONG SurfDrain(_Inout_ PSURF_EXTENSION Extension)
{
	ULONG drained = 0;
	PSINGLE_LIST_ENTRY free;

	while (!IsListEmpty(&Extension->Pending)) {
		PLIST_ENTRY entry = RemoveTailList(&Extension->Pending);

		PushEntryList(&Extension->FreeList,
			      &CONTAINING_RECORD(entry, SURF_REQUEST, Link)->FreeLink);
		drained++;
	}
	free = PopEntryList(&Extension->FreeList);
	if (free != NULL) {
		PSURF_REQUEST req = CONTAINING_RECORD(free, SURF_REQUEST, FreeLink);

		InsertTailList(&Extension->Pending, &req->Link);
		InsertHeadList(&Extension->Pending, &Extension->Requests[0].Link);
		if (RemoveEntryList(&req->Link))
			drained++;
		(void)RemoveEntryList(&Extension->Requests[0].Link);
	}
	return drained;
}

NTSTATUS SurfCheckStrings(VOID)
{
	DECLARE_CONST_UNICODE_STRING(constName, L"\\Device\\Surf0");
	DECLARE_UNICODE_STRING_SIZE(copy, 32);
	UNICODE_STRING literal = RTL_CONSTANT_STRING(L"\\Device\\Surf0");
	ANSI_STRING ansiLiteral = RTL_CONSTANT_STRING("surf");
	UNICODE_STRING name;
	ANSI_STRING ansi;
	STRING narrow;
	WCHAR upper;

	RtlInitUnicodeString(&name, L"\\Device\\Surf0");
	RtlInitAnsiString(&ansi, "surf");
	RtlInitString(&narrow, "surf");
	RtlCopyUnicodeString(&copy, &name);
	if (!RtlEqualUnicodeString(&copy, &constName, FALSE) ||
	    RtlCompareUnicodeString(&literal, &name, TRUE) != 0)
		return STATUS_UNSUCCESSFUL;
	upper = RtlUpcaseUnicodeChar(L'a');
	if (upper != L'A' || ansi.Length != ansiLiteral.Length ||
	    narrow.MaximumLength != ansi.MaximumLength)
		return STATUS_INTERNAL_ERROR;
	DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "surf: %wZ %Z %ws %c\n",
		   &name, &ansi, name.Buffer, (char)upper);
	KdPrintEx((DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL, "surf: %hs\n", "ok"));
	return STATUS_SUCCESS;
}

/* The interim start path (until the I/O manager): the harness hands over
 * the device object. */
VOID SurfStartDevice(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PCWSTR Name)
{
	PSURF_EXTENSION ext = (PSURF_EXTENSION)DeviceObject->DeviceExtension;
	UCHAR pattern[16];
	UCHAR copy[16];
	ULONG cpus;
	ULONG i;
	KAFFINITY active = 0;

	PAGED_CODE();
	RtlZeroMemory(ext, sizeof(*ext));
	ext->Self = DeviceObject;
	KeInitializeSpinLock(&ext->CounterLock);
	KeInitializeSpinLock(&ext->QueueLock);
	InitializeListHead(&ext->Pending);
	ext->FreeList.Next = NULL;
	for (i = 0; i < ARRAYSIZE(ext->Requests); i++) {
		ext->Requests[i].Id = i;
		ext->Requests[i].Cookie = SURF_TAG;
		InsertTailList(&ext->Pending, &ext->Requests[i].Link);
	}
	if (ARGUMENT_PRESENT(Name))
		RtlInitUnicodeString(&ext->Name, Name);

	IoInitializeDpcRequest(DeviceObject, SurfDpcForIsr);
	KeInitializeDpc(&ext->CustomDpc, SurfCustomDpc, ext);
	KeSetImportanceDpc(&ext->CustomDpc, HighImportance);
	cpus = KeQueryActiveProcessorCount(&active);
	ext->Affinity = active;
	ext->LastCpu.Group = ALL_PROCESSOR_GROUPS & 0;
	ext->TargetCpu = (CCHAR)(cpus - 1);
	KeSetTargetProcessorDpc(&ext->CustomDpc, ext->TargetCpu);
	KeInitializeThreadedDpc(&ext->ThreadedDpc, SurfThreadedDpc, ext);
	(void)KeGetCurrentProcessorNumberEx(&ext->LastCpu);

	RtlFillMemory(pattern, sizeof(pattern), 0xA5);
	RtlCopyMemory(copy, pattern, sizeof(copy));
	RtlMoveMemory(copy + 1, copy, sizeof(copy) - 1);
	if (!RtlEqualMemory(copy, pattern, sizeof(copy)) ||
	    RtlCompareMemory(copy, pattern, sizeof(copy)) != sizeof(copy))
		KeBugCheck(0xDEAD);
	ext->RegisterBase.QuadPart = 0xF0000000LL;
	ext->Stamp.LowPart = ext->RegisterBase.u.LowPart;
	ext->Stamp.HighPart = ext->RegisterBase.HighPart;
	ext->Total.QuadPart = (ULONGLONG)ext->Stamp.QuadPart;
	ext->InterfaceGuid.Data1 = 0x12345678;
	ext->Size = RTL_NUMBER_OF(pattern);
	ext->Offset = FIELD_OFFSET(SURF_EXTENSION, Counter);
	ext->Legacy = (__int64)ext->Offset;
	ext->Kind = (CSHORT)DeviceObject->Type;
	ext->Wide = UNICODE_NULL;
	(void)InterlockedExchange(&ext->InterruptCount, 0);
	(void)InterlockedCompareExchange(&ext->Flags, 0, 0);
	(void)InterlockedIncrement64(&ext->Generation);
	(void)InterlockedDecrement64(&ext->Generation);
	(void)InterlockedExchange64(&ext->Generation, 2);
	(void)InterlockedCompareExchange64(&ext->Generation, 3, 2);
	(void)InterlockedOr64(&ext->Generation, 4);
	(void)InterlockedAnd64(&ext->Generation, 7);
	(void)InterlockedDecrement(&ext->InterruptCount);
	(void)InterlockedExchangeAdd(&ext->InterruptCount, 1);
	KeMemoryBarrier();
	ext->Started = NT_VERIFY(ext->Self != NULL);

	if (KeInsertQueueDpc(&ext->CustomDpc, NULL, NULL))
		(void)KeRemoveQueueDpc(&ext->CustomDpc);
	SurfLog(DPFLTR_ERROR_LEVEL, "surf: started %p with %lu CPUs, tag %08lx\n",
		(PVOID)DeviceObject, cpus, (ULONG)SURF_TAG);
	DbgPrint("surf: %d requests\n", (int)ARRAYSIZE(ext->Requests));
}

_Use_decl_annotations_
IO_ALLOCATION_ACTION SurfAdapterControl(PDEVICE_OBJECT DeviceObject, PIRP Irp,
					PVOID MapRegisterBase, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	UNREFERENCED_PARAMETER(MapRegisterBase);
	UNREFERENCED_PARAMETER(Context);
	return DeallocateObjectKeepRegisters;
}

_Use_decl_annotations_
VOID SurfStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	UNREFERENCED_PARAMETER(Irp);
	DBG_UNREFERENCED_PARAMETER(DeviceObject);
	ASSERTMSG("no current IRP", DeviceObject->CurrentIrp == NULL);
}

_Use_decl_annotations_
NTSTATUS SurfDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	return STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_
NTSTATUS SurfAddDevice(PDRIVER_OBJECT DriverObject,
		       PDEVICE_OBJECT PhysicalDeviceObject)
{
	PAGED_CODE();
	UNREFERENCED_PARAMETER(DriverObject);
	UNREFERENCED_PARAMETER(PhysicalDeviceObject);
	return STATUS_NOT_IMPLEMENTED;
}

_Use_decl_annotations_
VOID SurfUnload(PDRIVER_OBJECT DriverObject)
{
	PDEVICE_OBJECT device = DriverObject->DeviceObject;

	PAGED_CODE();
	while (device != NULL) {
		PSURF_EXTENSION ext = (PSURF_EXTENSION)device->DeviceExtension;

		if (ext != NULL) {
			(void)KeRemoveQueueDpc(&device->Dpc);
			(void)SurfDrain(ext);
		}
		device = device->NextDevice;
	}
	KeFlushQueuedDpcs();
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	NTSTATUS status = STATUS_SUCCESS;
	ULONG i;

	DBG_UNREFERENCED_PARAMETER(RegistryPath);
	KdPrint(("surf: DriverEntry %wZ\n", RegistryPath));
	for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
		DriverObject->MajorFunction[i] = SurfDispatch;
	DriverObject->DriverUnload = SurfUnload;
	DriverObject->DriverStartIo = SurfStartIo;
	DriverObject->DriverExtension->AddDevice = SurfAddDevice;

	__try {
		status = SurfCheckStrings();
	} __except (EXCEPTION_EXECUTE_HANDLER) {
		status = GetExceptionCode();
	}
	__try {
		if (NT_ERROR(status)) {
			KdPrint(("surf: strings failed: 0x%08X\n", status));
		}
	} __finally {
		DbgPrint("surf: DriverEntry returns %d\n", (int)NT_SUCCESS(status));
	}
	return status;
}

/* ------------------------------------------------------------------ */
/* The rest of the surface, as drivers use it in tables and helpers    */
/* ------------------------------------------------------------------ */

/* A debug helper drivers keep: the name of a status code. */
typedef struct _SURF_NAMED_STATUS {
	NTSTATUS Status;
	PCSTR Name;
} SURF_NAMED_STATUS;

#define SURF_STATUS(s) { s, #s }
static const SURF_NAMED_STATUS SurfStatusNames[] = {
	SURF_STATUS(STATUS_SUCCESS), SURF_STATUS(STATUS_WAIT_0),
	SURF_STATUS(STATUS_WAIT_1), SURF_STATUS(STATUS_WAIT_2),
	SURF_STATUS(STATUS_WAIT_3), SURF_STATUS(STATUS_WAIT_63),
	SURF_STATUS(STATUS_ABANDONED), SURF_STATUS(STATUS_ABANDONED_WAIT_0),
	SURF_STATUS(STATUS_USER_APC), SURF_STATUS(STATUS_KERNEL_APC),
	SURF_STATUS(STATUS_ALERTED), SURF_STATUS(STATUS_TIMEOUT),
	SURF_STATUS(STATUS_PENDING), SURF_STATUS(STATUS_REPARSE),
	SURF_STATUS(STATUS_MORE_ENTRIES), SURF_STATUS(STATUS_CONTINUE_COMPLETION),
	SURF_STATUS(STATUS_GUARD_PAGE_VIOLATION),
	SURF_STATUS(STATUS_DATATYPE_MISALIGNMENT), SURF_STATUS(STATUS_BREAKPOINT),
	SURF_STATUS(STATUS_BUFFER_OVERFLOW), SURF_STATUS(STATUS_DEVICE_BUSY),
	SURF_STATUS(STATUS_NO_MORE_ENTRIES), SURF_STATUS(STATUS_UNSUCCESSFUL),
	SURF_STATUS(STATUS_NOT_IMPLEMENTED), SURF_STATUS(STATUS_INVALID_INFO_CLASS),
	SURF_STATUS(STATUS_INFO_LENGTH_MISMATCH),
	SURF_STATUS(STATUS_ACCESS_VIOLATION), SURF_STATUS(STATUS_INVALID_HANDLE),
	SURF_STATUS(STATUS_INVALID_PARAMETER), SURF_STATUS(STATUS_NO_SUCH_DEVICE),
	SURF_STATUS(STATUS_INVALID_DEVICE_REQUEST), SURF_STATUS(STATUS_END_OF_FILE),
	SURF_STATUS(STATUS_MORE_PROCESSING_REQUIRED), SURF_STATUS(STATUS_NO_MEMORY),
	SURF_STATUS(STATUS_ILLEGAL_INSTRUCTION), SURF_STATUS(STATUS_ACCESS_DENIED),
	SURF_STATUS(STATUS_BUFFER_TOO_SMALL), SURF_STATUS(STATUS_OBJECT_NAME_INVALID),
	SURF_STATUS(STATUS_OBJECT_NAME_NOT_FOUND),
	SURF_STATUS(STATUS_OBJECT_NAME_COLLISION), SURF_STATUS(STATUS_DELETE_PENDING),
	SURF_STATUS(STATUS_REVISION_MISMATCH), SURF_STATUS(STATUS_INTEGER_OVERFLOW),
	SURF_STATUS(STATUS_INSUFFICIENT_RESOURCES),
	SURF_STATUS(STATUS_DEVICE_DATA_ERROR), SURF_STATUS(STATUS_DEVICE_NOT_CONNECTED),
	SURF_STATUS(STATUS_DEVICE_NOT_READY), SURF_STATUS(STATUS_IO_TIMEOUT),
	SURF_STATUS(STATUS_NOT_SUPPORTED), SURF_STATUS(STATUS_DEVICE_DOES_NOT_EXIST),
	SURF_STATUS(STATUS_INTERNAL_ERROR), SURF_STATUS(STATUS_INVALID_USER_BUFFER),
	SURF_STATUS(STATUS_INVALID_PARAMETER_1), SURF_STATUS(STATUS_INVALID_PARAMETER_2),
	SURF_STATUS(STATUS_INVALID_PARAMETER_3), SURF_STATUS(STATUS_NAME_TOO_LONG),
	SURF_STATUS(STATUS_CANCELLED), SURF_STATUS(STATUS_INVALID_ADDRESS),
	SURF_STATUS(STATUS_DEVICE_CONFIGURATION_ERROR),
	SURF_STATUS(STATUS_INVALID_DEVICE_STATE), SURF_STATUS(STATUS_IO_DEVICE_ERROR),
	SURF_STATUS(STATUS_INVALID_BUFFER_SIZE), SURF_STATUS(STATUS_RETRY),
	SURF_STATUS(STATUS_NOT_FOUND), SURF_STATUS(STATUS_REQUEST_ABORTED),
	SURF_STATUS(STATUS_DEVICE_REMOVED),
};

/* ... and of each major function, for logging IRPs. */
static PCSTR const SurfMajorNames[IRP_MJ_MAXIMUM_FUNCTION + 1] = {
	[IRP_MJ_CREATE] = "CREATE",
	[IRP_MJ_CREATE_NAMED_PIPE] = "CREATE_NAMED_PIPE",
	[IRP_MJ_CLOSE] = "CLOSE",
	[IRP_MJ_READ] = "READ",
	[IRP_MJ_WRITE] = "WRITE",
	[IRP_MJ_QUERY_INFORMATION] = "QUERY_INFORMATION",
	[IRP_MJ_SET_INFORMATION] = "SET_INFORMATION",
	[IRP_MJ_QUERY_EA] = "QUERY_EA",
	[IRP_MJ_SET_EA] = "SET_EA",
	[IRP_MJ_FLUSH_BUFFERS] = "FLUSH_BUFFERS",
	[IRP_MJ_QUERY_VOLUME_INFORMATION] = "QUERY_VOLUME_INFORMATION",
	[IRP_MJ_SET_VOLUME_INFORMATION] = "SET_VOLUME_INFORMATION",
	[IRP_MJ_DIRECTORY_CONTROL] = "DIRECTORY_CONTROL",
	[IRP_MJ_FILE_SYSTEM_CONTROL] = "FILE_SYSTEM_CONTROL",
	[IRP_MJ_DEVICE_CONTROL] = "DEVICE_CONTROL",
	[IRP_MJ_INTERNAL_DEVICE_CONTROL] = "INTERNAL_DEVICE_CONTROL",
	[IRP_MJ_SHUTDOWN] = "SHUTDOWN",
	[IRP_MJ_LOCK_CONTROL] = "LOCK_CONTROL",
	[IRP_MJ_CLEANUP] = "CLEANUP",
	[IRP_MJ_CREATE_MAILSLOT] = "CREATE_MAILSLOT",
	[IRP_MJ_QUERY_SECURITY] = "QUERY_SECURITY",
	[IRP_MJ_SET_SECURITY] = "SET_SECURITY",
	[IRP_MJ_POWER] = "POWER",
	[IRP_MJ_SYSTEM_CONTROL] = "SYSTEM_CONTROL",
	[IRP_MJ_DEVICE_CHANGE] = "DEVICE_CHANGE",
	[IRP_MJ_QUERY_QUOTA] = "QUERY_QUOTA",
	[IRP_MJ_SET_QUOTA] = "SET_QUOTA",
	[IRP_MJ_PNP] = "PNP",
};

/* Every scalar and pointer type, as a driver's state might hold them. */
typedef struct _SURF_ALL_TYPES {
	CLONG ClongValue;
	PCLONG PClong;
	INT IntValue;
	INT32 Int32;
	PINT32 PInt32;
	INT64 Int64;
	PINT64 PInt64;
	INT_PTR IntPtr;
	PINT_PTR PIntPtr;
	UINT32 Uint32;
	PUINT32 PUint32;
	UINT64 Uint64;
	PUINT64 PUint64;
	UINT_PTR UintPtr;
	PUINT_PTR PUintPtr;
	LONG32 Long32;
	PLONG32 PLong32;
	ULONG32 Ulong32;
	PULONG32 PUlong32;
	ULONG64 Ulong64;
	PULONG64 PUlong64;
	DWORD64 Dword64;
	PDWORD64 PDword64;
	DWORD_PTR DwordPtr;
	PDWORD_PTR PDwordPtr;
	LOGICAL Logical;
	PLOGICAL PLogical;
	KPROCESSOR_MODE Mode;
	DEVICE_TYPE DeviceType;
	PBOOLEAN PBoolean;
	PCHAR PChar;
	PCH PCh;
	PCCH PCCh;
	LPCH LpCh;
	LPCCH LpCCh;
	PSTR PStr;
	LPSTR LpStr;
	PSZ PSz;
	PCSZ PCSz;
	LPCSTR LpCStr;
	PUCHAR PUchar;
	PSHORT PShort;
	PUSHORT PUshort;
	PLONG PLong;
	PULONG PUlong;
	PLONG64 PLong64;
	PLONGLONG PLongLong;
	PULONGLONG PUlongLong;
	PLONG_PTR PLongPtr;
	PULONG_PTR PUlongPtr;
	PSIZE_T PSizeT;
	PSSIZE_T PSsizeT;
	PWCHAR PWchar;
	PWCH PWch;
	PCWCH PCWch;
	LPWCH LpWch;
	LPCWCH LpCWch;
	PWSTR PWstr;
	LPWSTR LpWstr;
	LPCWSTR LpCWstr;
	PHANDLE PHandle;
	PNTSTATUS PStatus;
	PKIRQL PIrql;
	PKAFFINITY PAffinity;
	PKSPIN_LOCK PSpinLock;
	PPHYSICAL_ADDRESS PPhysical;
	PLARGE_INTEGER PLarge;
	PULARGE_INTEGER PUlarge;
	PGUID PGuid;
	LPGUID LpGuid;
	LPCGUID LpCGuid;
	PUNICODE_STRING PUnicode;
	PCUNICODE_STRING PCUnicode;
	PSTRING PString;
	PCSTRING PCString;
	PANSI_STRING PAnsi;
	PCANSI_STRING PCAnsi;
	OEM_STRING Oem;
	POEM_STRING POem;
	PCOEM_STRING PCOem;
	PLIST_ENTRY PList;
	PRLIST_ENTRY PrList;
	PSINGLE_LIST_ENTRY PSingle;
	PPROCESSOR_NUMBER PProcessor;
	KSPIN_LOCK_QUEUE LockQueue;
	PKSPIN_LOCK_QUEUE PLockQueue;
	PKLOCK_QUEUE_HANDLE PLockHandle;
	PKDPC PDpc;
	PRKDPC PrDpc;
	PKDEFERRED_ROUTINE DeferredRoutine;
	PKDPC_WATCHDOG_INFORMATION PWatchdog;
	DISPATCHER_HEADER Header;
	PDISPATCHER_HEADER PHeader;
	KEVENT Event;
	PKEVENT PEvent;
	PRKEVENT PrEvent;
	KDEVICE_QUEUE DeviceQueue;
	PKDEVICE_QUEUE PDeviceQueue;
	KDEVICE_QUEUE_ENTRY DeviceQueueEntry;
	PKDEVICE_QUEUE_ENTRY PDeviceQueueEntry;
	WAIT_CONTEXT_BLOCK Wcb;
	PWAIT_CONTEXT_BLOCK PWcb;
	PDEVICE_OBJECT PDevice;
	PDRIVER_OBJECT PDriver;
	DRIVER_EXTENSION DriverExtension;
	PDRIVER_EXTENSION PDriverExtension;
	PDRIVER_INITIALIZE DriverInit;
	PDRIVER_UNLOAD DriverUnload;
	PDRIVER_ADD_DEVICE AddDevice;
	PDRIVER_DISPATCH Dispatch;
	PDRIVER_STARTIO StartIo;
	PDRIVER_CONTROL Control;
	IO_ALLOCATION_ACTION Action;
	PIO_ALLOCATION_ACTION PAction;
	PKSERVICE_ROUTINE Isr;
	PIO_DPC_ROUTINE DpcForIsr;
	PKINTERRUPT Interrupt;
	PIRP Irp;
	PIO_TIMER Timer;
	PVPB Vpb;
	PDEVOBJ_EXTENSION DevobjExtension;
	PFAST_IO_DISPATCH FastIo;
	PSECURITY_DESCRIPTOR Security;
	DPFLTR_TYPE Component;
	UCHAR DECLSPEC_ALIGN(16) Aligned[16];
	KSPIN_LOCK DECLSPEC_CACHEALIGN HotLock;
	WCHAR UNALIGNED *Unaligned;
	PVOID POINTER_ALIGNMENT Spare;
} SURF_ALL_TYPES, *PSURF_ALL_TYPES;

/* Old-style (pre-SAL) declarations, as older samples write them. */
EXTERN_C ULONG NTAPI SurfOldStyle(IN PVOID Context, OUT PULONG Value OPTIONAL,
				  IN CONST UCHAR *Data);
ULONG FASTCALL SurfFast(IN ULONG Value);
FORCEINLINE ULONG SurfTwice(ULONG Value)
{
	return Value * 2;
}

ULONG NTAPI SurfOldStyle(IN PVOID Context, OUT PULONG Value OPTIONAL,
			 IN CONST UCHAR *Data)
{
	PLIST_ENTRY RESTRICTED_POINTER entry = (PLIST_ENTRY)Context;

	if (ARGUMENT_PRESENT(Value))
		*Value = SurfTwice(Data[0]);
	return entry != NULL ? IRP_MJ_PNP_POWER : 0;
}

ULONG FASTCALL SurfFast(IN ULONG Value)
{
	return SurfTwice(Value);
}

/* Device setup flags and constants of the Windows model. */
VOID SurfSetFlags(_Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ PSURF_ALL_TYPES All);
DECLSPEC_NOINLINE ULONG SurfMaxima(VOID);
PCSTR SurfStatusName(_In_ NTSTATUS Status);
PCSTR SurfMajorName(_In_ UCHAR Major);
KIRQL SurfLevel(_In_ ULONG Index);
DECLSPEC_NORETURN VOID SurfDie(_In_ ULONG Code);

PCSTR SurfStatusName(_In_ NTSTATUS Status)
{
	ULONG i;

	for (i = 0; i < RTL_NUMBER_OF_V2(SurfStatusNames); i++)
		if (SurfStatusNames[i].Status == Status)
			return SurfStatusNames[i].Name;
	if (NT_INFORMATION(Status))
		return "information";
	return NT_WARNING(Status) ? "warning" : "error";
}

PCSTR SurfMajorName(_In_ UCHAR Major)
{
	return Major < RTL_NUMBER_OF_V1(SurfMajorNames) ? SurfMajorNames[Major]
							 : "?";
}

KIRQL SurfLevel(_In_ ULONG Index)
{
	static const KIRQL levels[] = {
		PASSIVE_LEVEL, LOW_LEVEL, APC_LEVEL, DISPATCH_LEVEL, CMCI_LEVEL,
		CLOCK_LEVEL, IPI_LEVEL, DRS_LEVEL, POWER_LEVEL, PROFILE_LEVEL,
		HIGH_LEVEL, SYNCH_LEVEL,
	};

	return Index < ARRAYSIZE(levels) ? levels[Index] : HIGH_LEVEL;
}

DECLSPEC_NOINLINE ULONG SurfMaxima(VOID)
{
	ULONG sum = 0;

	sum += (ULONG)MAXCHAR + (ULONG)MINCHAR + (ULONG)MAXSHORT + (ULONG)MINSHORT;
	sum += (ULONG)MAXLONG + (ULONG)MINLONG + (ULONG)MAXUCHAR + (ULONG)MAXUSHORT;
	sum += (ULONG)MAXULONG + (ULONG)MAXLONGLONG + (ULONG)MAXULONG_PTR;
	sum += (ULONG)MAXLONG_PTR + (ULONG)MINLONG_PTR + MAXIMUM_PROCESSORS;
	sum += (ULONG)ANSI_NULL + DPC_NORMAL + DPC_THREADED + DPFLTR_MASK;
	sum += DPFLTR_WARNING_LEVEL + KERNEL_SECURITY_CHECK_FAILURE +
	       FAST_FAIL_CORRUPT_LIST_ENTRY;
	sum += (ULONG)(EXCEPTION_CONTINUE_SEARCH + EXCEPTION_CONTINUE_EXECUTION);
	return sum;
}

DECLSPEC_NORETURN VOID SurfDie(_In_ ULONG Code)
{
	KeBugCheckEx(Code, 0, 0, 0, 0);
}

VOID SurfSetFlags(_Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ PSURF_ALL_TYPES All)
{
	LIST_ENTRY head;
	LIST_ENTRY other;
	LIST_ENTRY entry;
	volatile LONG value = 1;
	volatile LONG64 wide = 1;
	KIRQL old;

	DeviceObject->Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE | DO_BUS_ENUMERATED_DEVICE;
	DeviceObject->Flags &= ~(ULONG)(DO_DEVICE_INITIALIZING | DO_DIRECT_IO |
					DO_EXCLUSIVE | DO_MAP_IO_BUFFER |
					DO_POWER_INRUSH | DO_SHUTDOWN_REGISTERED |
					DO_VERIFY_VOLUME);
	DeviceObject->Characteristics |= FILE_DEVICE_SECURE_OPEN |
					 FILE_AUTOGENERATED_DEVICE_NAME |
					 FILE_CHARACTERISTIC_PNP_DEVICE;
	DeviceObject->Characteristics &= ~(ULONG)(FILE_REMOVABLE_MEDIA |
						  FILE_READ_ONLY_DEVICE);
	DeviceObject->DeviceType = All->DeviceType != 0 ? FILE_DEVICE_UNKNOWN
							: FILE_DEVICE_CONTROLLER;
	if (DeviceObject->DeviceType == FILE_DEVICE_BUS_EXTENDER)
		DeviceObject->AlignmentRequirement = FILE_BYTE_ALIGNMENT;
	else if (All->Logical)
		DeviceObject->AlignmentRequirement =
			All->Mode ? FILE_WORD_ALIGNMENT | FILE_LONG_ALIGNMENT
				  : FILE_QUAD_ALIGNMENT | FILE_OCTA_ALIGNMENT;
	else
		DeviceObject->AlignmentRequirement =
			All->Component ? FILE_32_BYTE_ALIGNMENT : FILE_64_BYTE_ALIGNMENT;

	All->Oem.Length = RTL_FIELD_SIZE(SURF_ALL_TYPES, Aligned);
	All->Oem.MaximumLength =
		(USHORT)RTL_SIZEOF_THROUGH_FIELD(SURF_ALL_TYPES, Aligned);
	RtlSecureZeroMemory(All->Aligned, sizeof(All->Aligned));
	All->Action = SurfAdapterControl(DeviceObject, NULL, NULL, NULL);

	InitializeListHead(&head);
	InitializeListHead(&other);
	InsertTailList(&other, &entry);
	/* AppendTailList takes the first entry of a headless list. */
	RemoveEntryList(&other);
	InitializeListHead(&entry);
	AppendTailList(&head, &entry);

	(void)InterlockedAdd(&value, 2);
	(void)InterlockedXor(&value, 1);
	(void)InterlockedAdd64(&wide, 2);
	(void)InterlockedXor64(&wide, 1);
	KeMemoryBarrierWithoutFence();
	old = KfRaiseIrql(DISPATCH_LEVEL);
	KeLowerIrql(old);
	PAGED_CODE_LOCKED();
	NT_ASSERT(NT_VERIFYMSG("device", DeviceObject != NULL));
	if (SurfMaxima() == 0)
		SurfDie(KERNEL_SECURITY_CHECK_FAILURE);
	All->Logical = (LOGICAL)min(max(value, 0), 10);
}
