/*
 * tests/hostos/verifier/layout-gen.c - prints, as C11 static assertions,
 * the sizes, field offsets and constant values of the lookaside surface
 * (hostos/include/wdm-lookaside.h) as pcisim's <wdm.h> has them;
 * tests/hostos/interrupt/check-layout.py compiles the output with
 * mingw-w64 against its DDK, so any difference fails. Built with the
 * driver flags.
 */
#include <wdm.h>

#include <stddef.h>
#include <stdio.h>

#define SIZE(t) printf("_Static_assert(sizeof(" #t ") == %zu, \"sizeof " #t "\");\n", sizeof(t))
#define ALIGN(t) printf("_Static_assert(_Alignof(" #t ") == %zu, \"alignof " #t "\");\n", \
			_Alignof(t))
#define OFF(t, f)                                                                          \
	printf("_Static_assert(offsetof(" #t ", " #f ") == %zu, \"offset " #t "." #f "\");\n", \
	       offsetof(t, f))
#define VAL(c) printf("_Static_assert((long long)(" #c ") == %lldLL, \"value " #c "\");\n", \
		      (long long)(c))

#define GENERAL(t)                        \
	do {                              \
		SIZE(t);                  \
		ALIGN(t);                 \
		OFF(t, ListHead);         \
		OFF(t, SingleListHead);   \
		OFF(t, Depth);            \
		OFF(t, MaximumDepth);     \
		OFF(t, TotalAllocates);   \
		OFF(t, AllocateMisses);   \
		OFF(t, AllocateHits);     \
		OFF(t, TotalFrees);       \
		OFF(t, FreeMisses);       \
		OFF(t, FreeHits);         \
		OFF(t, Type);             \
		OFF(t, Tag);              \
		OFF(t, Size);             \
		OFF(t, AllocateEx);       \
		OFF(t, Allocate);         \
		OFF(t, FreeEx);           \
		OFF(t, Free);             \
		OFF(t, ListEntry);        \
		OFF(t, LastTotalAllocates); \
		OFF(t, LastAllocateMisses); \
		OFF(t, LastAllocateHits); \
		OFF(t, Future);           \
	} while (0)

int main(void)
{
	printf("#include <wdm.h>\n#include <stddef.h>\n");
	SIZE(SLIST_ENTRY);
	ALIGN(SLIST_ENTRY);
	SIZE(SLIST_HEADER);
	ALIGN(SLIST_HEADER);
	OFF(SLIST_HEADER, Alignment);
	OFF(SLIST_HEADER, Region);
	GENERAL(GENERAL_LOOKASIDE);
	GENERAL(GENERAL_LOOKASIDE_POOL);
	SIZE(NPAGED_LOOKASIDE_LIST);
	ALIGN(NPAGED_LOOKASIDE_LIST);
	OFF(NPAGED_LOOKASIDE_LIST, L);
	SIZE(PAGED_LOOKASIDE_LIST);
	ALIGN(PAGED_LOOKASIDE_LIST);
	SIZE(LOOKASIDE_LIST_EX);
	ALIGN(LOOKASIDE_LIST_EX);
	OFF(LOOKASIDE_LIST_EX, L.Size);
	VAL(LOOKASIDE_MINIMUM_BLOCK_SIZE);
	VAL(EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL);
	VAL(EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE);
	VAL(EX_MAXIMUM_LOOKASIDE_DEPTH_BASE);
	VAL(EX_MAXIMUM_LOOKASIDE_DEPTH_LIMIT);
	VAL(POOL_QUOTA_FAIL_INSTEAD_OF_RAISE);
	VAL(POOL_RAISE_IF_ALLOCATION_FAILURE);
	VAL(POOL_COLD_ALLOCATION);
	VAL(POOL_NX_ALLOCATION);
	VAL(STATUS_INVALID_PARAMETER_5);
	return 0;
}
