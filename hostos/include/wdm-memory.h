/*
 * hostos/include/wdm-memory.h - part of <wdm.h>: pool (ExAllocatePool2,
 * ExAllocatePoolWithTag, ExFreePool(WithTag)) and MmGetPhysicalAddress.
 * Pool lives in the machine's simulated physical memory: a buffer is
 * contiguous to the driver, its pages scattered for devices. Include
 * <wdm.h>, not this file.
 */
#ifndef PCISIM_HOSTOS_WDM_MEMORY_H
#define PCISIM_HOSTOS_WDM_MEMORY_H

/* Pool types (the WDK's values). */
typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	NonPagedPoolExecute = NonPagedPool,
	PagedPool = 1,
	NonPagedPoolMustSucceed = 2,
	DontUseThisType = 3,
	NonPagedPoolCacheAligned = 4,
	PagedPoolCacheAligned = 5,
	NonPagedPoolCacheAlignedMustS = 6,
	MaxPoolType = 7,
	NonPagedPoolBase = 0,
	NonPagedPoolBaseMustSucceed = 2,
	NonPagedPoolBaseCacheAligned = 4,
	NonPagedPoolBaseCacheAlignedMustS = 6,
	NonPagedPoolSession = 32,
	PagedPoolSession = 33,
	NonPagedPoolMustSucceedSession = 34,
	DontUseThisTypeSession = 35,
	NonPagedPoolCacheAlignedSession = 36,
	PagedPoolCacheAlignedSession = 37,
	NonPagedPoolCacheAlignedMustSSession = 38,
	NonPagedPoolNx = 512,
	NonPagedPoolNxCacheAligned = 516,
	NonPagedPoolSessionNx = 544,
} POOL_TYPE;

/* ExAllocatePool2 flags: the required range is 0x1..0x80000000, the
 * optional one from 0x100000000. */
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_SESSION 0x0000000000000004ULL
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL
#define POOL_FLAG_RESERVED1 0x0000000000000010ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
#define POOL_FLAG_RESERVED2 0x0000000000000200ULL
#define POOL_FLAG_RESERVED3 0x0000000000000400ULL
#define POOL_FLAG_REQUIRED_START 0x0000000000000001ULL
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ULL
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ULL
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ULL

/* At most DISPATCH_LEVEL (paged pool: APC_LEVEL). NULL on failure; the
 * memory is uninitialised (the mock fills it with 0xA5). */
NTKERNELAPI PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
					      ULONG Tag);
/* Zeroed unless POOL_FLAG_UNINITIALIZED; NULL on failure, for Tag 0 and
 * for an unknown required flag. */
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag);
NTKERNELAPI VOID NTAPI ExFreePool(PVOID P);

/* The physical (bus) address of a byte of pool; 0 for anything else. */
NTKERNELAPI PHYSICAL_ADDRESS NTAPI MmGetPhysicalAddress(PVOID BaseAddress);

/* ---- device memory and registers (spec §6.2) ---- */

typedef enum _MEMORY_CACHING_TYPE {
	MmNonCached = FALSE,
	MmCached = TRUE,
	MmWriteCombined = 2,
	MmHardwareCoherentCached = 3,
	MmNonCachedUnordered = 4,
	MmUSWCCached = 5,
	MmMaximumCacheType = 6,
} MEMORY_CACHING_TYPE;

/* A translated CmResourceTypeMemory range as a driver pointer, which only
 * the register routines may use; NULL on failure. At most DISPATCH_LEVEL. */
NTKERNELAPI PVOID NTAPI MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
				     MEMORY_CACHING_TYPE CacheType);
/* @Protect: PAGE_READWRITE or PAGE_READONLY, with PAGE_NOCACHE or
 * PAGE_WRITECOMBINE. */
NTKERNELAPI PVOID NTAPI MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
				       ULONG Protect);
NTKERNELAPI VOID NTAPI MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes);

#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_NOCACHE 0x200
#define PAGE_WRITECOMBINE 0x400

/* Each is one CPU access through the bus: a read blocks the processor for
 * its round trip, a write is posted. Legal at any IRQL. */
NTKERNELAPI UCHAR NTAPI READ_REGISTER_UCHAR(volatile UCHAR *Register);
NTKERNELAPI USHORT NTAPI READ_REGISTER_USHORT(volatile USHORT *Register);
NTKERNELAPI ULONG NTAPI READ_REGISTER_ULONG(volatile ULONG *Register);
NTKERNELAPI ULONG64 NTAPI READ_REGISTER_ULONG64(volatile ULONG64 *Register);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value);
/* Count accesses of the same register into or out of Buffer. */
NTKERNELAPI VOID NTAPI READ_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer,
						  ULONG Count);
NTKERNELAPI VOID NTAPI READ_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer,
						   ULONG Count);
NTKERNELAPI VOID NTAPI READ_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer,
						  ULONG Count);
NTKERNELAPI VOID NTAPI READ_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register,
						    PULONG64 Buffer, ULONG Count);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer,
						   ULONG Count);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer,
						    ULONG Count);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer,
						   ULONG Count);
NTKERNELAPI VOID NTAPI WRITE_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register,
						     PULONG64 Buffer, ULONG Count);

/* I/O space: the port number is the translated CmResourceTypePort start
 * plus the register's offset, passed as a pointer as on x86. Reads and
 * writes are both non-posted: the processor waits for each. */
NTHALAPI UCHAR NTAPI READ_PORT_UCHAR(PUCHAR Port);
NTHALAPI USHORT NTAPI READ_PORT_USHORT(PUSHORT Port);
NTHALAPI ULONG NTAPI READ_PORT_ULONG(PULONG Port);
NTHALAPI VOID NTAPI WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value);
NTHALAPI VOID NTAPI WRITE_PORT_USHORT(PUSHORT Port, USHORT Value);
NTHALAPI VOID NTAPI WRITE_PORT_ULONG(PULONG Port, ULONG Value);
NTHALAPI VOID NTAPI READ_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID NTAPI READ_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID NTAPI READ_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);
NTHALAPI VOID NTAPI WRITE_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID NTAPI WRITE_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID NTAPI WRITE_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);

#endif /* PCISIM_HOSTOS_WDM_MEMORY_H */
