/*
 * hostos/mdl-partial.c - IoBuildPartialMdl (spec §6.3): a target MDL over
 * a subrange of a source MDL's buffer, the split-a-transfer pattern.
 *
 * The target takes the source's PFNs for the pages of the range and the
 * source's state: locked (MDL_PAGES_LOCKED), built for nonpaged pool
 * (MDL_SOURCE_IS_NONPAGED_POOL, MappedSystemVa inside the source's) or
 * mapped (MDL_MAPPED_TO_SYSTEM_VA with MDL_PARENT_MAPPED_SYSTEM_VA,
 * MappedSystemVa inside the source's mapping), so MmGetSystemAddressFor-
 * MdlSafe returns an address in the source's view, and DMA accepts the
 * target as it accepts the source. A target of an unmapped source gets a
 * mapping of its own when the driver asks for one (MDL_PARTIAL_HAS_BEEN_
 * MAPPED, hostos/mdl.c), which MmPrepareMdlForReuse or IoFreeMdl release.
 * The target owns no lock: MmUnlockPages of it is 0xC4/0xB4 (mdl.c).
 */
#include <wdm.h>

#include <string.h>

#include "hostos/dma.h"
#include "hostos/os-internal.h"

/* What the target inherits of the source's flags. */
#define INHERITED                                                                        \
	(MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_MAPPED_TO_SYSTEM_VA |      \
	 MDL_WRITE_OPERATION | MDL_IO_PAGE_READ | MDL_IO_SPACE)

VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
	struct hostos_thread *t = hostos_self("IoBuildPartialMdl");
	uintptr_t va = (uintptr_t)VirtualAddress, src, end;
	size_t len, pages, first, room;
	CSHORT keep;

	hostos_sched_point(t);
	if (!SourceMdl || !TargetMdl)
		hostos_bugcheck(t, 0x50, 0, 0, (uintptr_t)__builtin_return_address(0), 0,
				"IoBuildPartialMdl with a NULL MDL");
	if (t->cpu->irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xA, (uintptr_t)IoBuildPartialMdl, t->cpu->irql, 0, 0,
				"IoBuildPartialMdl at IRQL %u", t->cpu->irql);
	src = (uintptr_t)MmGetMdlVirtualAddress(SourceMdl);
	end = src + SourceMdl->ByteCount;
	len = Length ? Length : end - va;
	if (va < src || va >= end || len > end - va)
		hostos_bugcheck(t, HOSTOS_MDL_BAD_PARTIAL, 1, (uintptr_t)SourceMdl,
				(uintptr_t)TargetMdl, va,
				"IoBuildPartialMdl of %u bytes at %p, not inside the source MDL's "
				"%u bytes at %p", (unsigned)Length, VirtualAddress,
				(unsigned)SourceMdl->ByteCount, (void *)src);
	pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, len);
	/* Size tells the target's room, unless a buffer above ~16 MiB
	 * wrapped the CSHORT (then nothing can be told). */
	room = TargetMdl->Size <= 0 ? SIZE_MAX
	       : TargetMdl->Size < (CSHORT)sizeof(MDL)
		       ? 0
		       : ((size_t)TargetMdl->Size - sizeof(MDL)) / sizeof(PFN_NUMBER);
	if (pages > room)
		hostos_bugcheck(t, HOSTOS_MDL_BAD_PARTIAL, 2, (uintptr_t)SourceMdl,
				(uintptr_t)TargetMdl, pages,
				"IoBuildPartialMdl of %zu pages into an MDL with room for %zu",
				pages, room);
	if (TargetMdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED) {
		/* Windows leaks the old mapping's system PTEs; the mock
		 * releases it and says so. */
		hostos_warn(t->os, "IoBuildPartialMdl into a partial MDL still mapped at %p: call "
				   "MmPrepareMdlForReuse first (the mapping leaks on Windows)",
			    TargetMdl->MappedSystemVa);
		MmUnmapLockedPages(TargetMdl->MappedSystemVa, TargetMdl);
	}
	first = (size_t)(((uintptr_t)PAGE_ALIGN(VirtualAddress) - (uintptr_t)SourceMdl->StartVa) >>
			 PAGE_SHIFT);
	memmove(MmGetMdlPfnArray(TargetMdl), MmGetMdlPfnArray(SourceMdl) + first,
		pages * sizeof(PFN_NUMBER));
	keep = TargetMdl->MdlFlags & (MDL_ALLOCATED_FIXED_SIZE | MDL_ALLOCATED_MUST_SUCCEED);
	TargetMdl->MdlFlags = keep | (SourceMdl->MdlFlags & INHERITED) | MDL_PARTIAL;
	if (SourceMdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
		TargetMdl->MdlFlags |= MDL_PARENT_MAPPED_SYSTEM_VA;
	TargetMdl->MappedSystemVa =
		SourceMdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)
			? (PUCHAR)SourceMdl->MappedSystemVa + (va - src)
			: NULL;
	TargetMdl->Process = SourceMdl->Process;
	TargetMdl->StartVa = PAGE_ALIGN(VirtualAddress);
	TargetMdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
	TargetMdl->ByteCount = (ULONG)len;
}
