/*
 * hostos/include/wdm-lookaside.h - part of <wdm.h>: lookaside lists
 * (ExInitializeNPagedLookasideList and friends, the paged forms and the
 * LOOKASIDE_LIST_EX routines), with the WDK's x64 layouts (checked against
 * mingw-w64's DDK). The routines are the OS's (hostos/lookaside.c), not
 * inline: the host OS keeps each list's cached entries itself, checks the
 * IRQL and the list's state, and its allocations are pool, tracked with
 * the list's tag. Include <wdm.h>, not this file.
 */
#ifndef PCISIM_HOSTOS_WDM_LOOKASIDE_H
#define PCISIM_HOSTOS_WDM_LOOKASIDE_H

/* Pool type modifiers (ORed into a POOL_TYPE, or a lookaside's Flags). */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16
#define POOL_COLD_ALLOCATION 256
#define POOL_NX_ALLOCATION 512

#ifndef STATUS_INVALID_PARAMETER_5
#define STATUS_INVALID_PARAMETER_5 ((NTSTATUS)0xC00000F3L)
#endif

typedef struct DECLSPEC_ALIGN(16) _SLIST_ENTRY {
	struct _SLIST_ENTRY *Next;
} SLIST_ENTRY, *PSLIST_ENTRY;

typedef union DECLSPEC_ALIGN(16) _SLIST_HEADER {
	struct {
		ULONGLONG Alignment;
		ULONGLONG Region;
	};
	struct {
		ULONGLONG Depth : 16;
		ULONGLONG Sequence : 48;
		ULONGLONG HeaderType : 1;
		ULONGLONG Reserved : 3;
		ULONGLONG NextEntry : 60;
	} HeaderX64;
} SLIST_HEADER, *PSLIST_HEADER;

typedef struct _LOOKASIDE_LIST_EX *PLOOKASIDE_LIST_EX;

typedef PVOID NTAPI ALLOCATE_FUNCTION(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
typedef ALLOCATE_FUNCTION *PALLOCATE_FUNCTION;
typedef VOID NTAPI FREE_FUNCTION(PVOID Buffer);
typedef FREE_FUNCTION *PFREE_FUNCTION;
typedef PVOID NTAPI ALLOCATE_FUNCTION_EX(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
					 PLOOKASIDE_LIST_EX Lookaside);
typedef ALLOCATE_FUNCTION_EX *PALLOCATE_FUNCTION_EX;
typedef VOID NTAPI FREE_FUNCTION_EX(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside);
typedef FREE_FUNCTION_EX *PFREE_FUNCTION_EX;

/* The common part of every lookaside list. The OS fills it at
 * initialisation and keeps the counters as Windows does; Depth is the
 * number of entries it caches at most (4 here, fixed). */
#define HOSTOS_GENERAL_LOOKASIDE_LAYOUT \
	union {                         \
		SLIST_HEADER ListHead;  \
		SINGLE_LIST_ENTRY SingleListHead; \
	};                              \
	USHORT Depth;                   \
	USHORT MaximumDepth;            \
	ULONG TotalAllocates;           \
	union {                         \
		ULONG AllocateMisses;   \
		ULONG AllocateHits;     \
	};                              \
	ULONG TotalFrees;               \
	union {                         \
		ULONG FreeMisses;       \
		ULONG FreeHits;         \
	};                              \
	POOL_TYPE Type;                 \
	ULONG Tag;                      \
	ULONG Size;                     \
	union {                         \
		PALLOCATE_FUNCTION_EX AllocateEx; \
		PALLOCATE_FUNCTION Allocate; \
	};                              \
	union {                         \
		PFREE_FUNCTION_EX FreeEx; \
		PFREE_FUNCTION Free;    \
	};                              \
	LIST_ENTRY ListEntry;           \
	ULONG LastTotalAllocates;       \
	union {                         \
		ULONG LastAllocateMisses; \
		ULONG LastAllocateHits; \
	};                              \
	ULONG Future[2];

typedef struct DECLSPEC_CACHEALIGN _GENERAL_LOOKASIDE {
	HOSTOS_GENERAL_LOOKASIDE_LAYOUT
} GENERAL_LOOKASIDE, *PGENERAL_LOOKASIDE;

typedef struct _GENERAL_LOOKASIDE_POOL {
	HOSTOS_GENERAL_LOOKASIDE_LAYOUT
} GENERAL_LOOKASIDE_POOL, *PGENERAL_LOOKASIDE_POOL;

typedef struct _PAGED_LOOKASIDE_LIST {
	GENERAL_LOOKASIDE L;
} PAGED_LOOKASIDE_LIST, *PPAGED_LOOKASIDE_LIST;

typedef struct DECLSPEC_CACHEALIGN _NPAGED_LOOKASIDE_LIST {
	GENERAL_LOOKASIDE L;
} NPAGED_LOOKASIDE_LIST, *PNPAGED_LOOKASIDE_LIST;

typedef struct _LOOKASIDE_LIST_EX {
	GENERAL_LOOKASIDE_POOL L;
} LOOKASIDE_LIST_EX;

/* Smallest entry: the free list links entries through their first bytes. */
#define LOOKASIDE_MINIMUM_BLOCK_SIZE (RTL_SIZEOF_THROUGH_FIELD(SLIST_ENTRY, Next))

#define EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL 0x00000001UL
#define EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE 0x00000002UL
#define EX_MAXIMUM_LOOKASIDE_DEPTH_BASE 256
#define EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT 1024

/* At most DISPATCH_LEVEL. Allocate/Free NULL: ExAllocatePoolWithTag and
 * ExFreePool. Flags: POOL_NX_ALLOCATION, POOL_RAISE_IF_ALLOCATION_FAILURE
 * (accepted; a failure still returns NULL). Depth: ignored (reserved). */
NTKERNELAPI VOID NTAPI ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
						       PALLOCATE_FUNCTION Allocate,
						       PFREE_FUNCTION Free, ULONG Flags,
						       SIZE_T Size, ULONG Tag, USHORT Depth);
NTKERNELAPI VOID NTAPI ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
/* An entry of the list's Size, from its cache or its Allocate routine;
 * NULL when that fails. At most DISPATCH_LEVEL. */
NTKERNELAPI PVOID NTAPI ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
NTKERNELAPI VOID NTAPI ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
						   PVOID Entry);
/* The paged forms: at most APC_LEVEL, entries from paged pool. */
NTKERNELAPI VOID NTAPI ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
						      PALLOCATE_FUNCTION Allocate,
						      PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size,
						      ULONG Tag, USHORT Depth);
NTKERNELAPI VOID NTAPI ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside);
NTKERNELAPI PVOID NTAPI ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside);
NTKERNELAPI VOID NTAPI ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
						  PVOID Entry);
/* STATUS_SUCCESS, or STATUS_INVALID_PARAMETER_5 for unknown Flags or both
 * EX_LOOKASIDE_LIST_EX_FLAGS_*. At most DISPATCH_LEVEL (a paged PoolType:
 * at most APC_LEVEL). */
NTKERNELAPI NTSTATUS NTAPI ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside,
						       PALLOCATE_FUNCTION_EX Allocate,
						       PFREE_FUNCTION_EX Free, POOL_TYPE PoolType,
						       ULONG Flags, SIZE_T Size, ULONG Tag,
						       USHORT Depth);
NTKERNELAPI VOID NTAPI ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
/* Frees every cached entry. */
NTKERNELAPI VOID NTAPI ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
NTKERNELAPI PVOID NTAPI ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
NTKERNELAPI VOID NTAPI ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry);

#endif /* PCISIM_HOSTOS_WDM_LOOKASIDE_H */
