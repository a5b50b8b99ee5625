/*
 * hostos/include/wdm-dma.h - part of <wdm.h>: memory descriptor lists
 * (IoAllocateMdl, MmBuildMdlForNonPagedPool, MmProbeAndLockPages, the
 * system-address mapping of an MDL) and WDM DMA (IoGetDmaAdapter, the
 * DMA_ADAPTER and its DMA_OPERATIONS, versions 1 to 3). Types, values and
 * layouts are the WDK's for x64; tests/hostos/dma/check-layout.py compares
 * them with mingw-w64's DDK. Include <wdm.h>, not this file.
 *
 * An MDL's PFN array holds the simulated physical frame numbers of its
 * pages (pool lives in the machine's memory: hostos/pool.h), so a device
 * reaching PFN << PAGE_SHIFT sees the bytes the driver wrote.
 */
#ifndef PCISIM_HOSTOS_WDM_DMA_H
#define PCISIM_HOSTOS_WDM_DMA_H

/* ---- pages ---- */

#define PAGE_SIZE 0x1000
#define PAGE_SHIFT 12L

#define BYTE_OFFSET(Va) ((ULONG)((ULONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define BYTES_TO_PAGES(Size) (((Size) >> PAGE_SHIFT) + (((Size) & (PAGE_SIZE - 1)) != 0))
#define PAGE_ALIGN(Va) ((PVOID)((ULONG_PTR)(Va) & ~(PAGE_SIZE - 1)))
#define ROUND_TO_PAGES(Size) (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(_Va, _Size)                                    \
	((ULONG)((((ULONG_PTR)(_Va) & (PAGE_SIZE - 1)) + (_Size) + (PAGE_SIZE - 1)) >> \
		 PAGE_SHIFT))
#define COMPUTE_PAGES_SPANNED(Va, Size) ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)

typedef ULONG PFN_COUNT;
typedef LONG_PTR SPFN_NUMBER, *PSPFN_NUMBER;
typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;

/* ---- MDLs (spec §6.3) ---- */

struct _EPROCESS;

/* Followed in memory by its PFN array (MmGetMdlPfnArray), one entry per
 * page the buffer spans. */
typedef struct _MDL {
	struct _MDL *Next;
	CSHORT Size;
	CSHORT MdlFlags;
	struct _EPROCESS *Process;
	PVOID MappedSystemVa;
	PVOID StartVa;
	ULONG ByteCount;
	ULONG ByteOffset;
} MDL, *PMDL;
typedef MDL *PMDLX;

#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE 0x0008
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ 0x0040
#define MDL_WRITE_OPERATION 0x0080
#define MDL_PARENT_MAPPED_SYSTEM_VA 0x0100
#define MDL_FREE_EXTRA_PTES 0x0200
#define MDL_DESCRIBES_AWE 0x0400
#define MDL_IO_SPACE 0x0800
#define MDL_NETWORK_HEADER 0x1000
#define MDL_MAPPING_CAN_FAIL 0x2000
#define MDL_ALLOCATED_MUST_SUCCEED 0x4000
#define MDL_INTERNAL 0x8000

typedef enum _LOCK_OPERATION { IoReadAccess, IoWriteAccess, IoModifyAccess } LOCK_OPERATION;

typedef enum _MM_PAGE_PRIORITY {
	LowPagePriority,
	NormalPagePriority = 16,
	HighPagePriority = 32
} MM_PAGE_PRIORITY;
/* ORed into the priority of MmGetSystemAddressForMdlSafe (Windows 8+). */
#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000

#define MmGetMdlVirtualAddress(_Mdl) ((PVOID)((PCHAR)((_Mdl)->StartVa) + (_Mdl)->ByteOffset))
#define MmGetMdlByteCount(_Mdl) ((_Mdl)->ByteCount)
#define MmGetMdlByteOffset(_Mdl) ((_Mdl)->ByteOffset)
#define MmGetMdlBaseVa(Mdl) ((Mdl)->StartVa)
#define MmGetMdlPfnArray(_Mdl) ((PPFN_NUMBER)((_Mdl) + 1))

/* An MDL built with IoAllocateMdl (or MmInitializeMdl on storage of
 * sizeof(MDL) + a PFN_NUMBER per spanned page), for @Length bytes at
 * @VirtualAddress (<= DISPATCH_LEVEL). Returns NULL when Length is 0 or
 * more than 2 GiB - PAGE_SIZE (Windows 7 and later). With a non-NULL Irp
 * the MDL becomes Irp->MdlAddress (SecondaryBuffer FALSE) or the end of
 * its chain (TRUE), once the I/O manager defines the IRP. */
NTKERNELAPI PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
				     BOOLEAN ChargeQuota, PIRP Irp);
/* Frees one MDL (not its chain); unlock and unmap it first. */
NTKERNELAPI VOID NTAPI IoFreeMdl(PMDL Mdl);
/* Fills the PFN array of an MDL over nonpaged memory; sets
 * MDL_SOURCE_IS_NONPAGED_POOL and MappedSystemVa. */
NTKERNELAPI VOID NTAPI MmBuildMdlForNonPagedPool(PMDLX MemoryDescriptorList);
/* Locks the pages and fills the PFN array. On memory the machine does not
 * have (not pool, not a common buffer), Windows raises an exception; the
 * mock's __except never runs, so this is bug check 0x1E
 * KMODE_EXCEPTION_NOT_HANDLED (P1 = STATUS_ACCESS_VIOLATION). */
NTKERNELAPI VOID NTAPI MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
					   LOCK_OPERATION Operation);
/* Unlocks, and releases any system mapping of, a locked MDL. */
NTKERNELAPI VOID NTAPI MmUnlockPages(PMDL MemoryDescriptorList);
/* Maps a locked MDL's pages at a new system address (the same frames,
 * another view). KernelMode only; NULL on failure. */
NTKERNELAPI PVOID NTAPI MmMapLockedPagesSpecifyCache(PMDLX MemoryDescriptorList,
						     KPROCESSOR_MODE AccessMode,
						     MEMORY_CACHING_TYPE CacheType,
						     PVOID BaseAddress, ULONG BugCheckOnFailure,
						     MM_PAGE_PRIORITY Priority);
/* Removes the mapping MmMapLockedPagesSpecifyCache made. A partial MDL
 * with no mapping of its own (MDL_PARTIAL_HAS_BEEN_MAPPED clear) is
 * 0xC4/0xB5. */
NTKERNELAPI VOID NTAPI MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList);
/* Makes @TargetMdl (room for the pages of the range) describe
 * [@VirtualAddress, @VirtualAddress + @Length) of the buffer @SourceMdl
 * describes (@Length 0: to its end): MDL_PARTIAL, the source's PFNs of
 * those pages, its lock and its mapping (a mapped or nonpaged source's
 * partial shares the source's system address; otherwise
 * MmGetSystemAddressForMdlSafe maps the partial itself, to be released by
 * MmPrepareMdlForReuse or IoFreeMdl). Lock the source first. A range not
 * inside the source, or a target too small, is the mock's
 * HOSTOS_MDL_BAD_PARTIAL (hostos/dma.h). <= DISPATCH_LEVEL. */
NTKERNELAPI VOID NTAPI IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
					 ULONG Length);

#define MmGetSystemAddressForMdlSafe(_Mdl, _Priority)                                     \
	(((_Mdl)->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))     \
		 ? (_Mdl)->MappedSystemVa                                                 \
		 : (PVOID)MmMapLockedPagesSpecifyCache((_Mdl), KernelMode, MmCached, NULL, \
						       FALSE, (MM_PAGE_PRIORITY)(_Priority)))

#define MmInitializeMdl(_MemoryDescriptorList, _BaseVa, _Length)                           \
	{                                                                                  \
		(_MemoryDescriptorList)->Next = (PMDL)NULL;                                \
		(_MemoryDescriptorList)->Size =                                            \
			(CSHORT)(sizeof(MDL) + (sizeof(PFN_NUMBER) *                       \
						ADDRESS_AND_SIZE_TO_SPAN_PAGES(_BaseVa, _Length))); \
		(_MemoryDescriptorList)->MdlFlags = 0;                                     \
		(_MemoryDescriptorList)->StartVa = (PVOID)PAGE_ALIGN(_BaseVa);             \
		(_MemoryDescriptorList)->ByteOffset = BYTE_OFFSET(_BaseVa);                \
		(_MemoryDescriptorList)->ByteCount = (ULONG)_Length;                       \
	}

/* Before a partial MDL is built again: releases the mapping it made of
 * its own (MDL_PARTIAL_HAS_BEEN_MAPPED); a shared one stays the source's.
 * A statement, as in the WDK. */
#define MmPrepareMdlForReuse(_Mdl)                                                         \
	{                                                                                  \
		if ((_Mdl)->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED) {                       \
			ASSERT((_Mdl)->MdlFlags & MDL_PARTIAL);                             \
			MmUnmapLockedPages((_Mdl)->MappedSystemVa, (_Mdl));                 \
		} else if (!((_Mdl)->MdlFlags & MDL_PARTIAL)) {                             \
			ASSERT(!((_Mdl)->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA));              \
		}                                                                          \
	}

/* Caches are coherent with DMA on x64: nothing to do (the WDK's macro). */
#define KeFlushIoBuffers(_Mdl, _ReadOperation, _DmaOperation)

/* ---- DMA (spec §7) ---- */

typedef enum _DMA_WIDTH {
	Width8Bits,
	Width16Bits,
	Width32Bits,
	Width64Bits,
	WidthNoWrap,
	MaximumDmaWidth
} DMA_WIDTH, *PDMA_WIDTH;

typedef enum _DMA_SPEED {
	Compatible,
	TypeA,
	TypeB,
	TypeC,
	TypeF,
	MaximumDmaSpeed
} DMA_SPEED, *PDMA_SPEED;

/* BuildMdlFromScatterGatherList called twice on a bounced list. */
#define STATUS_NONE_MAPPED ((NTSTATUS)0xC0000073L)

#define DEVICE_DESCRIPTION_VERSION 0x0000
#define DEVICE_DESCRIPTION_VERSION1 0x0001
#define DEVICE_DESCRIPTION_VERSION2 0x0002
#define DEVICE_DESCRIPTION_VERSION3 0x0003

/* Zero it, then fill it in. The last four fields are VERSION3's
 * (DmaAddressWidth 1..64 replaces Dma32BitAddresses/Dma64BitAddresses). */
typedef struct _DEVICE_DESCRIPTION {
	ULONG Version;
	BOOLEAN Master;
	BOOLEAN ScatterGather;
	BOOLEAN DemandMode;
	BOOLEAN AutoInitialize;
	BOOLEAN Dma32BitAddresses;
	BOOLEAN IgnoreCount;
	BOOLEAN Reserved1;
	BOOLEAN Dma64BitAddresses;
	ULONG BusNumber;
	ULONG DmaChannel;
	INTERFACE_TYPE InterfaceType;
	DMA_WIDTH DmaWidth;
	DMA_SPEED DmaSpeed;
	ULONG MaximumLength;
	ULONG DmaPort;
	ULONG DmaAddressWidth;
	ULONG DmaControllerInstance;
	ULONG DmaRequestLine;
	PHYSICAL_ADDRESS DeviceAddress;
} DEVICE_DESCRIPTION, *PDEVICE_DESCRIPTION;

typedef struct _SCATTER_GATHER_ELEMENT {
	PHYSICAL_ADDRESS Address;
	ULONG Length;
	ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

typedef struct _SCATTER_GATHER_LIST {
	ULONG NumberOfElements;
	ULONG_PTR Reserved;
	SCATTER_GATHER_ELEMENT Elements[1];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

typedef struct _DMA_ADAPTER {
	USHORT Version;
	USHORT Size;
	struct _DMA_OPERATIONS *DmaOperations;
} DMA_ADAPTER, *PDMA_ADAPTER;

/* A WDM driver's PADAPTER_OBJECT is its DMA_ADAPTER (wdm.h). */
typedef struct _DMA_ADAPTER *PADAPTER_OBJECT;

typedef enum {
	DmaComplete,
	DmaAborted,
	DmaError,
	DmaCancelled,
} DMA_COMPLETION_STATUS;

typedef VOID NTAPI DRIVER_LIST_CONTROL(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp,
				       struct _SCATTER_GATHER_LIST *ScatterGather, PVOID Context);
typedef DRIVER_LIST_CONTROL *PDRIVER_LIST_CONTROL;

typedef VOID(NTAPI *PPUT_DMA_ADAPTER)(PDMA_ADAPTER DmaAdapter);
typedef PVOID(NTAPI *PALLOCATE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length,
					      PPHYSICAL_ADDRESS LogicalAddress,
					      BOOLEAN CacheEnabled);
typedef VOID(NTAPI *PFREE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length,
					 PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
					 BOOLEAN CacheEnabled);
typedef NTSTATUS(NTAPI *PALLOCATE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter,
						   PDEVICE_OBJECT DeviceObject,
						   ULONG NumberOfMapRegisters,
						   PDRIVER_CONTROL ExecutionRoutine, PVOID Context);
typedef BOOLEAN(NTAPI *PFLUSH_ADAPTER_BUFFERS)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					       PVOID MapRegisterBase, PVOID CurrentVa,
					       ULONG Length, BOOLEAN WriteToDevice);
typedef VOID(NTAPI *PFREE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter);
typedef VOID(NTAPI *PFREE_MAP_REGISTERS)(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase,
					 ULONG NumberOfMapRegisters);
typedef PHYSICAL_ADDRESS(NTAPI *PMAP_TRANSFER)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					       PVOID MapRegisterBase, PVOID CurrentVa,
					       PULONG Length, BOOLEAN WriteToDevice);
typedef ULONG(NTAPI *PGET_DMA_ALIGNMENT)(PDMA_ADAPTER DmaAdapter);
typedef ULONG(NTAPI *PREAD_DMA_COUNTER)(PDMA_ADAPTER DmaAdapter);
typedef NTSTATUS(NTAPI *PGET_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
						  PDEVICE_OBJECT DeviceObject, PMDL Mdl,
						  PVOID CurrentVa, ULONG Length,
						  PDRIVER_LIST_CONTROL ExecutionRoutine,
						  PVOID Context, BOOLEAN WriteToDevice);
typedef VOID(NTAPI *PPUT_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
					      PSCATTER_GATHER_LIST ScatterGather,
					      BOOLEAN WriteToDevice);
typedef NTSTATUS(NTAPI *PCALCULATE_SCATTER_GATHER_LIST_SIZE)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
							     PVOID CurrentVa, ULONG Length,
							     PULONG ScatterGatherListSize,
							     PULONG pNumberOfMapRegisters);
typedef NTSTATUS(NTAPI *PBUILD_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
						    PDEVICE_OBJECT DeviceObject, PMDL Mdl,
						    PVOID CurrentVa, ULONG Length,
						    PDRIVER_LIST_CONTROL ExecutionRoutine,
						    PVOID Context, BOOLEAN WriteToDevice,
						    PVOID ScatterGatherBuffer,
						    ULONG ScatterGatherLength);
typedef NTSTATUS(NTAPI *PBUILD_MDL_FROM_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
							     PSCATTER_GATHER_LIST ScatterGather,
							     PMDL OriginalMdl, PMDL *TargetMdl);

/* ---- version 3 (Windows 8) ---- */

#define DMA_ADAPTER_INFO_VERSION1 1

typedef struct _DMA_ADAPTER_INFO_V1 {
	ULONG ReadDmaCounterAvailable;
	ULONG ScatterGatherLimit;
	ULONG DmaAddressWidth;
	ULONG Flags;
	ULONG MinimumTransferUnit;
} DMA_ADAPTER_INFO_V1, *PDMA_ADAPTER_INFO_V1;

/* Set Version to DMA_ADAPTER_INFO_VERSION1 before GetDmaAdapterInfo. */
typedef struct _DMA_ADAPTER_INFO {
	ULONG Version;
	union {
		DMA_ADAPTER_INFO_V1 V1;
	};
} DMA_ADAPTER_INFO, *PDMA_ADAPTER_INFO;

/* Storage for a transfer context: InitializeDmaTransferContext fills it. */
#define DMA_TRANSFER_CONTEXT_VERSION1 1
#define DMA_TRANSFER_CONTEXT_SIZE_V1 128

/* Flags of AllocateAdapterChannelEx and Get/BuildScatterGatherListEx: the
 * callback runs before the call returns, or the call fails (it never waits
 * for map registers or the channel). */
#define DMA_SYNCHRONOUS_CALLBACK 0x01

/* What GetDmaTransferInfo reports of a transfer; set Version first. */
#define DMA_TRANSFER_INFO_VERSION1 1
#define DMA_TRANSFER_INFO_VERSION2 2

typedef struct _DMA_TRANSFER_INFO_V1 {
	ULONG MapRegisterCount;
	ULONG ScatterGatherElementCount;
	ULONG ScatterGatherListSize;
} DMA_TRANSFER_INFO_V1, *PDMA_TRANSFER_INFO_V1;

typedef struct _DMA_TRANSFER_INFO_V2 {
	ULONG MapRegisterCount;
	ULONG ScatterGatherElementCount;
	ULONG ScatterGatherListSize;
	ULONG LogicalPageCount;
} DMA_TRANSFER_INFO_V2, *PDMA_TRANSFER_INFO_V2;

typedef struct _DMA_TRANSFER_INFO {
	ULONG Version;
	union {
		DMA_TRANSFER_INFO_V1 V1;
		DMA_TRANSFER_INFO_V2 V2;
	};
} DMA_TRANSFER_INFO, *PDMA_TRANSFER_INFO;

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK 0x80000000

typedef VOID NTAPI DMA_COMPLETION_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID CompletionContext,
					  DMA_COMPLETION_STATUS Status);
typedef DMA_COMPLETION_ROUTINE *PDMA_COMPLETION_ROUTINE;

typedef NTSTATUS(NTAPI *PGET_DMA_ADAPTER_INFO)(PDMA_ADAPTER DmaAdapter,
					       PDMA_ADAPTER_INFO AdapterInfo);
typedef NTSTATUS(NTAPI *PINITIALIZE_DMA_TRANSFER_CONTEXT)(PDMA_ADAPTER DmaAdapter,
							  PVOID DmaTransferContext);
typedef PVOID(NTAPI *PALLOCATE_COMMON_BUFFER_EX)(PDMA_ADAPTER DmaAdapter,
						 PPHYSICAL_ADDRESS MaximumAddress, ULONG Length,
						 PPHYSICAL_ADDRESS LogicalAddress,
						 BOOLEAN CacheEnabled,
						 NODE_REQUIREMENT PreferredNode);
typedef NTSTATUS(NTAPI *PGET_SCATTER_GATHER_LIST_EX)(
	PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext, PMDL Mdl,
	ULONGLONG Offset, ULONG Length, ULONG Flags, PDRIVER_LIST_CONTROL ExecutionRoutine,
	PVOID Context, BOOLEAN WriteToDevice, PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
	PVOID CompletionContext, PSCATTER_GATHER_LIST *ScatterGatherList);
typedef NTSTATUS(NTAPI *PALLOCATE_ADAPTER_CHANNEL_EX)(
	PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext,
	ULONG NumberOfMapRegisters, ULONG Flags, PDRIVER_CONTROL ExecutionRoutine,
	PVOID ExecutionContext, PVOID *MapRegisterBase);
typedef BOOLEAN(NTAPI *PCANCEL_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter,
						PDEVICE_OBJECT DeviceObject,
						PVOID DmaTransferContext);
typedef VOID(NTAPI *PFREE_ADAPTER_OBJECT)(PDMA_ADAPTER DmaAdapter,
					  IO_ALLOCATION_ACTION AllocationAction);
typedef NTSTATUS(NTAPI *PMAP_TRANSFER_EX)(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase, PMDL Mdl,
					  ULONGLONG Offset, ULONG DeviceOffset, PULONG Length,
					  BOOLEAN WriteToDevice,
					  PSCATTER_GATHER_LIST ScatterGatherBuffer,
					  ULONG ScatterGatherBufferLength,
					  PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
					  PVOID CompletionContext);
typedef NTSTATUS(NTAPI *PFLUSH_ADAPTER_BUFFERS_EX)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
						   PVOID MapRegisterBase, ULONGLONG Offset,
						   ULONG Length, BOOLEAN WriteToDevice);
typedef NTSTATUS(NTAPI *PGET_DMA_TRANSFER_INFO)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
						ULONGLONG Offset, ULONG Length,
						BOOLEAN WriteOnly,
						PDMA_TRANSFER_INFO TransferInfo);
typedef NTSTATUS(NTAPI *PBUILD_SCATTER_GATHER_LIST_EX)(
	PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject, PVOID DmaTransferContext, PMDL Mdl,
	ULONGLONG Offset, ULONG Length, ULONG Flags, PDRIVER_LIST_CONTROL ExecutionRoutine,
	PVOID Context, BOOLEAN WriteToDevice, PVOID ScatterGatherBuffer, ULONG ScatterGatherLength,
	PDMA_COMPLETION_ROUTINE DmaCompletionRoutine, PVOID CompletionContext,
	PVOID ScatterGatherList);

/*
 * The version 1 routines end at PutScatterGatherList, version 2 at
 * BuildMdlFromScatterGatherList, version 3 at CancelMappedTransfer (Size
 * tells which a table has; the WDK's later members are not here). Of
 * version 3 the mock has GetDmaAdapterInfo, GetDmaTransferInfo,
 * InitializeDmaTransferContext, AllocateCommonBufferEx,
 * AllocateAdapterChannelEx, CancelAdapterChannel, MapTransferEx,
 * GetScatterGatherListEx, BuildScatterGatherListEx, FlushAdapterBuffersEx
 * and FreeAdapterObject; the others are
 * untyped pointers (NULL) in their WDK places, so a driver calling one
 * does not compile, as for any routine the mock lacks.
 */
typedef struct _DMA_OPERATIONS {
	ULONG Size;
	PPUT_DMA_ADAPTER PutDmaAdapter;
	PALLOCATE_COMMON_BUFFER AllocateCommonBuffer;
	PFREE_COMMON_BUFFER FreeCommonBuffer;
	PALLOCATE_ADAPTER_CHANNEL AllocateAdapterChannel;
	PFLUSH_ADAPTER_BUFFERS FlushAdapterBuffers;
	PFREE_ADAPTER_CHANNEL FreeAdapterChannel;
	PFREE_MAP_REGISTERS FreeMapRegisters;
	PMAP_TRANSFER MapTransfer;
	PGET_DMA_ALIGNMENT GetDmaAlignment;
	PREAD_DMA_COUNTER ReadDmaCounter;
	PGET_SCATTER_GATHER_LIST GetScatterGatherList;
	PPUT_SCATTER_GATHER_LIST PutScatterGatherList;
	PCALCULATE_SCATTER_GATHER_LIST_SIZE CalculateScatterGatherList;
	PBUILD_SCATTER_GATHER_LIST BuildScatterGatherList;
	PBUILD_MDL_FROM_SCATTER_GATHER_LIST BuildMdlFromScatterGatherList;
	PGET_DMA_ADAPTER_INFO GetDmaAdapterInfo;
	PGET_DMA_TRANSFER_INFO GetDmaTransferInfo;
	PINITIALIZE_DMA_TRANSFER_CONTEXT InitializeDmaTransferContext;
	PALLOCATE_COMMON_BUFFER_EX AllocateCommonBufferEx;
	PALLOCATE_ADAPTER_CHANNEL_EX AllocateAdapterChannelEx;
	PVOID ConfigureAdapterChannel;
	PCANCEL_ADAPTER_CHANNEL CancelAdapterChannel;
	PMAP_TRANSFER_EX MapTransferEx;
	PGET_SCATTER_GATHER_LIST_EX GetScatterGatherListEx;
	PBUILD_SCATTER_GATHER_LIST_EX BuildScatterGatherListEx;
	PFLUSH_ADAPTER_BUFFERS_EX FlushAdapterBuffersEx;
	PFREE_ADAPTER_OBJECT FreeAdapterObject;
	PVOID CancelMappedTransfer;
} DMA_OPERATIONS, *PDMA_OPERATIONS;

/*
 * The bus-master adapter of @PhysicalDeviceObject (PASSIVE_LEVEL). NULL
 * for a description the mock cannot serve (system DMA, no PDO the OS
 * knows, no memory attached, a VERSION3 DmaAddressWidth outside 1..64).
 * *NumberOfMapRegisters: the most one transfer may use,
 * BYTES_TO_PAGES(MaximumLength) + 1.
 */
NTKERNELAPI PDMA_ADAPTER NTAPI IoGetDmaAdapter(PDEVICE_OBJECT PhysicalDeviceObject,
					       PDEVICE_DESCRIPTION DeviceDescription,
					       PULONG NumberOfMapRegisters);

#endif /* PCISIM_HOSTOS_WDM_DMA_H */
