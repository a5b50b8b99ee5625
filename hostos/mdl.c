/*
 * hostos/mdl.c - memory descriptor lists (spec §6.3): IoAllocateMdl,
 * IoFreeMdl, MmBuildMdlForNonPagedPool, MmProbeAndLockPages,
 * MmUnlockPages, MmMapLockedPagesSpecifyCache, MmUnmapLockedPages, with
 * the verifier's MDL checks (0xC4/0x70..0x7F, 0x82, 0xB0..0xB8), always
 * made, partial MDLs (hostos/mdl-partial.c) included. A PFN array holds
 * the machine's physical frame numbers, and a system mapping is another
 * host view of the same frames (bus_mem_map_frames()), so the bytes are
 * the same whichever way they are reached.
 */
#include <wdm.h>

#include <stdlib.h>
#include <string.h>

#include "bus/hostmem.h"
#include "hostos/dma-internal.h"
#include "hostos/os-internal.h"
#include "hostos/pool-internal.h"

#define MDL_MAX_LENGTH (0x80000000u - PAGE_SIZE) /* Windows 7 and later */

/* ---- state ---- */

struct hostos_dma *hostos_dma_state(struct hostos *os)
{
	if (!os->dma) {
		os->dma = calloc(1, sizeof(*os->dma));
		if (os->dma)
			os->dma->os = os;
	}
	return os->dma;
}

void hostos_dma_stats(const struct hostos *os, struct hostos_dma_stats *out)
{
	if (os && os->dma)
		*out = os->dma->stats;
	else
		memset(out, 0, sizeof(*out));
}

void hostos_dma_set_irp_hook(struct hostos *os, hostos_irp_mdl_fn fn)
{
	struct hostos_dma *d = hostos_dma_state(os);

	if (d)
		d->irp_mdl = fn;
}

static struct hostos_mdl_rec *rec_find(struct hostos_dma *d, const void *mdl)
{
	for (uint32_t i = d->n_mdls; i-- > 0;)
		if (d->mdls[i].mdl == mdl)
			return &d->mdls[i];
	return NULL;
}

static struct hostos_mdl_rec *rec_get(struct hostos_dma *d, void *mdl, const void *site)
{
	struct hostos_mdl_rec *r = rec_find(d, mdl);

	if (r)
		return r;
	if (d->n_mdls == d->cap_mdls) {
		uint32_t cap = d->cap_mdls ? d->cap_mdls * 2 : 32;
		struct hostos_mdl_rec *v = realloc(d->mdls, cap * sizeof(*v));

		if (!v)
			return NULL;
		d->mdls = v;
		d->cap_mdls = cap;
	}
	r = &d->mdls[d->n_mdls++];
	memset(r, 0, sizeof(*r));
	r->mdl = mdl;
	r->site = site;
	return r;
}

/* Drop the record once it holds nothing. */
static void rec_settle(struct hostos_dma *d, struct hostos_mdl_rec *r)
{
	if (r->allocated || r->locked || r->map_base)
		return;
	memmove(r, r + 1, (size_t)(d->mdls + d->n_mdls - (r + 1)) * sizeof(*r));
	d->n_mdls--;
}

size_t hostos_dma_live_mdls(const struct hostos *os, struct hostos_live_mdl *out, size_t max)
{
	const struct hostos_dma *d = os ? os->dma : NULL;

	if (!d)
		return 0;
	for (uint32_t i = 0; i < d->n_mdls && i < max; i++) {
		const struct hostos_mdl_rec *r = &d->mdls[i];

		/* Never through r->mdl: the driver may have freed its own. */
		out[i] = (struct hostos_live_mdl){
			r->mdl, r->allocated, r->locked,
			r->map_base ? (uint8_t *)r->map_base + r->map_offset : NULL, r->pages, r->site,
		};
	}
	return d->n_mdls;
}

bool hostos_dma_va_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames,
			  bool *paged)
{
	int type;

	if (hostos_pool_span(os, va, len, frames, &type)) {
		/* PagedPool, PagedPoolCacheAligned and their session forms */
		*paged = type >= 0 && ((type & ~32) == PagedPool || (type & ~32) == PagedPoolCacheAligned);
		return true;
	}
	*paged = false;
	return hostos_dma_common_frames(os, va, len, frames) ||
	       hostos_dma_user_frames(os, va, len, frames);
}

/* The MDL's pages as frames into its PFN array; false: not memory. */
static bool fill_pfns(struct hostos *os, PMDL m, bool *paged)
{
	PPFN_NUMBER pfn = MmGetMdlPfnArray(m);
	size_t pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(m), m->ByteCount);

	if (m->ByteCount == 0)
		return true;
	if (!hostos_dma_va_frames(os, MmGetMdlVirtualAddress(m), m->ByteCount, (uint64_t *)pfn,
				  paged))
		return false;
	for (size_t i = 0; i < pages; i++)
		pfn[i] >>= PAGE_SHIFT;
	return true;
}

/* A NULL MDL is a driver's NULL dereference: 0x50 at address 0 (P2 0,
 * a read; P3 the caller), as the access would fault on Windows. A macro,
 * so the caller is the routine's. */
#define mdl_not_null(t, m, routine)                                                          \
	do {                                                                                 \
		if (!(m))                                                                    \
			hostos_bugcheck((t), 0x50, 0, 0,                                     \
					(uintptr_t)__builtin_return_address(0), 0,           \
					"%s with a NULL MDL", (routine));                    \
	} while (0)

static void unmap(struct hostos *os, PMDL m, struct hostos_mdl_rec *r);

/* ---- the routines ---- */

PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
		   BOOLEAN ChargeQuota, PIRP Irp)
{
	struct hostos_thread *t = hostos_self("IoAllocateMdl");
	struct hostos_dma *d = hostos_dma_state(t->os);
	struct hostos_mdl_rec *r;
	size_t pages, bytes;
	PMDL m;

	(void)ChargeQuota;
	hostos_sched_point(t);
	if (!d || Length == 0 || Length > MDL_MAX_LENGTH)
		return NULL;
	pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, Length);
	bytes = sizeof(MDL) + pages * sizeof(PFN_NUMBER);
	m = calloc(1, bytes);
	if (!m)
		return NULL;
	r = rec_get(d, m, __builtin_return_address(0));
	if (!r) {
		free(m);
		return NULL;
	}
	r->allocated = true;
	r->pages = pages;
	/* Size is a CSHORT: a buffer over ~16 MiB wraps it, as on Windows. */
	m->Size = (CSHORT)bytes;
	m->StartVa = PAGE_ALIGN(VirtualAddress);
	m->ByteOffset = BYTE_OFFSET(VirtualAddress);
	m->ByteCount = Length;
	d->stats.mdls_allocated++;
	if (Irp) {
		if (d->irp_mdl)
			d->irp_mdl(Irp, m, SecondaryBuffer != FALSE);
		else
			hostos_warn(t->os, "IoAllocateMdl with an IRP before the I/O manager models "
					   "IRPs: the MDL is not attached to it");
	}
	return m;
}

VOID IoFreeMdl(PMDL Mdl)
{
	struct hostos_thread *t = hostos_self("IoFreeMdl");
	struct hostos_dma *d = hostos_dma_state(t->os);
	struct hostos_mdl_rec *r = d ? rec_find(d, Mdl) : NULL;

	hostos_sched_point(t);
	if (!r || !r->allocated)
		hostos_bugcheck(t, HOSTOS_MDL_BAD_FREE, (uintptr_t)Mdl, 0, 0, 0,
				"IoFreeMdl of %p, which IoAllocateMdl did not return or which "
				"is freed already", (void *)Mdl);
	/* A partial MDL's own mapping goes with it (documented); one it
	 * shares with its source stays the source's. */
	if (Mdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED)
		unmap(t->os, Mdl, r);
	if ((Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) &&
	    !(Mdl->MdlFlags & (MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)))
		hostos_bugcheck(t, 0xC4, 0xB8, (uintptr_t)Mdl, (uint16_t)Mdl->MdlFlags, 0,
				"IoFreeMdl of an MDL whose pages are still mapped at %p",
				Mdl->MappedSystemVa);
	if (r->locked)
		hostos_warn(t->os, "IoFreeMdl of a locked MDL: its pages stay locked (unlock "
				   "first; Windows reports the leak as 0xCB or 0x76)");
	r->allocated = false;
	r->locked = false;
	rec_settle(d, r);
	d->stats.mdls_freed++;
	memset(Mdl, 0xDD, sizeof(MDL));
	free(Mdl);
}

VOID MmBuildMdlForNonPagedPool(PMDLX MemoryDescriptorList)
{
	struct hostos_thread *t = hostos_self("MmBuildMdlForNonPagedPool");
	PMDL m = MemoryDescriptorList;
	bool paged;

	hostos_sched_point(t);
	mdl_not_null(t, m, "MmBuildMdlForNonPagedPool");
	if (!fill_pfns(t->os, m, &paged))
		hostos_bugcheck(t, 0x50, (uintptr_t)MmGetMdlVirtualAddress(m), 0,
				(uintptr_t)__builtin_return_address(0), 0,
				"MmBuildMdlForNonPagedPool of %p, which is not memory of the "
				"machine (not pool, not a common buffer)", MmGetMdlVirtualAddress(m));
	if (paged)
		hostos_bugcheck(t, 0xC4, 0x7F, t->cpu->irql, (uintptr_t)m, (uint16_t)m->MdlFlags,
				"MmBuildMdlForNonPagedPool on paged pool at %p",
				MmGetMdlVirtualAddress(m));
	m->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
	m->MappedSystemVa = MmGetMdlVirtualAddress(m);
}

VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
			 LOCK_OPERATION Operation)
{
	struct hostos_thread *t = hostos_self("MmProbeAndLockPages");
	struct hostos_dma *d = hostos_dma_state(t->os);
	const CSHORT wrong = MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
			     MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL;
	PMDL m = MemoryDescriptorList;
	struct hostos_mdl_rec *r;
	bool paged;

	hostos_sched_point(t);
	mdl_not_null(t, m, "MmProbeAndLockPages");
	if (t->cpu->irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x70, t->cpu->irql, (uintptr_t)m, (uint64_t)AccessMode,
				"MmProbeAndLockPages at IRQL %u", t->cpu->irql);
	if (m->MdlFlags & wrong)
		hostos_bugcheck(t, 0xC4, 0xB0, (uintptr_t)m, (uint16_t)m->MdlFlags,
				(uint16_t)(m->MdlFlags & wrong),
				"MmProbeAndLockPages of an MDL with flags 0x%x (locked already, "
				"built for nonpaged pool, mapped or partial)",
				(unsigned)(uint16_t)m->MdlFlags);
	if (!fill_pfns(t->os, m, &paged))
		/* Windows raises STATUS_ACCESS_VIOLATION for the caller's
		 * __except; the mock's never runs, so the exception is not
		 * handled: 0x1E (P3: 1 for a write access, P4: the address). */
		hostos_bugcheck(t, 0x1E, 0xC0000005u, (uintptr_t)MmProbeAndLockPages,
				Operation != IoReadAccess, (uintptr_t)MmGetMdlVirtualAddress(m),
				"MmProbeAndLockPages of %p, which is not memory of the machine: "
				"the access violation it raises is not handled (the mock's "
				"__except never runs)", MmGetMdlVirtualAddress(m));
	r = d ? rec_get(d, m, __builtin_return_address(0)) : NULL;
	if (r) {
		r->locked = true;
		r->pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(m), m->ByteCount);
		/* Locked pages are resident: legal at DISPATCH_LEVEL. */
		r->paged_lock = paged && hostos_pool_lock_paged(t->os, MmGetMdlVirtualAddress(m),
								m->ByteCount, true);
	}
	m->MdlFlags |= MDL_PAGES_LOCKED;
	if (Operation != IoReadAccess)
		m->MdlFlags |= MDL_WRITE_OPERATION;
}

/* Remove the system mapping of @m. */
static void unmap(struct hostos *os, PMDL m, struct hostos_mdl_rec *r)
{
	struct bus_mem *mem = hostos_pool_mem(os);
	void *base = r && r->map_base ? r->map_base : PAGE_ALIGN(m->MappedSystemVa);

	if (mem)
		(void)bus_mem_unmap(mem, base);
	if (r)
		r->map_base = NULL;
	m->MdlFlags &= ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);
	m->MappedSystemVa = NULL;
}

VOID MmUnlockPages(PMDL MemoryDescriptorList)
{
	struct hostos_thread *t = hostos_self("MmUnlockPages");
	struct hostos_dma *d = hostos_dma_state(t->os);
	PMDL m = MemoryDescriptorList;
	struct hostos_mdl_rec *r;

	hostos_sched_point(t);
	mdl_not_null(t, m, "MmUnlockPages");
	if (t->cpu->irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x78, t->cpu->irql, (uintptr_t)m, 0,
				"MmUnlockPages at IRQL %u", t->cpu->irql);
	/* First: a partial MDL shows its source's lock and kind, not its own. */
	if (m->MdlFlags & MDL_PARTIAL)
		hostos_bugcheck(t, 0xC4, 0xB4, (uintptr_t)m, (uint16_t)m->MdlFlags, MDL_PARTIAL,
				"MmUnlockPages of a partial MDL (IoBuildPartialMdl): unlock its "
				"source");
	if (m->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)
		hostos_bugcheck(t, 0xC4, 0x7D, (uintptr_t)m, (uint16_t)m->MdlFlags, 0,
				"MmUnlockPages of an MDL built for nonpaged pool");
	if (!(m->MdlFlags & MDL_PAGES_LOCKED))
		hostos_bugcheck(t, 0xC4, 0x7C, (uintptr_t)m, (uint16_t)m->MdlFlags, 0,
				"MmUnlockPages of an MDL whose pages were never locked");
	r = d ? rec_find(d, m) : NULL;
	if (m->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
		unmap(t->os, m, r);
	m->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
	if (r) {
		if (r->paged_lock)
			(void)hostos_pool_lock_paged(t->os, MmGetMdlVirtualAddress(m), m->ByteCount,
						     false);
		r->paged_lock = false;
		r->locked = false;
		rec_settle(d, r);
	}
}

PVOID MmMapLockedPagesSpecifyCache(PMDLX MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
				   MEMORY_CACHING_TYPE CacheType, PVOID BaseAddress,
				   ULONG BugCheckOnFailure, MM_PAGE_PRIORITY Priority)
{
	struct hostos_thread *t = hostos_self("MmMapLockedPagesSpecifyCache");
	struct hostos_dma *d = hostos_dma_state(t->os);
	struct bus_mem *mem = hostos_pool_mem(t->os);
	const CSHORT mapped = MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL;
	PMDL m = MemoryDescriptorList;
	struct hostos_mdl_rec *r;
	uint64_t *frames;
	size_t pages;
	void *base;

	(void)CacheType;
	(void)BaseAddress;
	(void)Priority;
	hostos_sched_point(t);
	mdl_not_null(t, m, "MmMapLockedPagesSpecifyCache");
	if (AccessMode == KernelMode ? t->cpu->irql > HOSTOS_DISPATCH : t->cpu->irql > HOSTOS_APC)
		hostos_bugcheck(t, 0xC4, AccessMode == KernelMode ? 0x76 : 0x77, t->cpu->irql,
				(uintptr_t)m, (uint64_t)AccessMode,
				"MmMapLockedPagesSpecifyCache (%s mode) at IRQL %u",
				AccessMode == KernelMode ? "kernel" : "user", t->cpu->irql);
	if (BugCheckOnFailure)
		hostos_bugcheck(t, 0xC4, 0x82, (uintptr_t)m, (uint16_t)m->MdlFlags, 0,
				"MmMapLockedPagesSpecifyCache with BugCheckOnFailure TRUE");
	if (m->MdlFlags & mapped)
		hostos_bugcheck(t, 0xC4, 0xB2, (uintptr_t)m, (uint16_t)m->MdlFlags,
				(uint16_t)(m->MdlFlags & mapped),
				"MmMapLockedPagesSpecifyCache of an MDL that is mapped already");
	if (!(m->MdlFlags & (MDL_PAGES_LOCKED | MDL_PARTIAL)))
		hostos_bugcheck(t, 0xC4, 0xB3, (uintptr_t)m, (uint16_t)m->MdlFlags,
				MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL,
				"MmMapLockedPagesSpecifyCache of an MDL whose pages are not locked");
	if (AccessMode != KernelMode) {
		hostos_warn(t->os, "MmMapLockedPagesSpecifyCache into user space: the mock has "
				   "no user address space (NULL)");
		return NULL;
	}
	pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(m), m->ByteCount);
	if (!mem || !d || pages == 0)
		return NULL;
	frames = malloc(pages * sizeof(*frames));
	if (!frames)
		return NULL;
	for (size_t i = 0; i < pages; i++)
		frames[i] = (uint64_t)MmGetMdlPfnArray(m)[i] << PAGE_SHIFT;
	if (bus_mem_map_frames(mem, frames, pages, &base) != SIM_OK) {
		free(frames);
		return NULL;
	}
	free(frames);
	r = rec_get(d, m, __builtin_return_address(0));
	if (!r) {
		(void)bus_mem_unmap(mem, base);
		return NULL;
	}
	r->map_base = base;
	r->map_offset = m->ByteOffset;
	r->pages = pages;
	m->MappedSystemVa = (uint8_t *)base + m->ByteOffset;
	m->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
	if (m->MdlFlags & MDL_PARTIAL)
		m->MdlFlags |= MDL_PARTIAL_HAS_BEEN_MAPPED;  /* its own, not its source's */
	return m->MappedSystemVa;
}

VOID MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
	struct hostos_thread *t = hostos_self("MmUnmapLockedPages");
	struct hostos_dma *d = hostos_dma_state(t->os);
	PMDL m = MemoryDescriptorList;
	struct hostos_mdl_rec *r;

	hostos_sched_point(t);
	mdl_not_null(t, m, "MmUnmapLockedPages");
	if (t->cpu->irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x79, t->cpu->irql, (uintptr_t)BaseAddress, (uintptr_t)m,
				"MmUnmapLockedPages at IRQL %u", t->cpu->irql);
	/* A partial MDL without a mapping of its own: unmapping would take
	 * its source's away (or nothing is mapped). */
	if ((m->MdlFlags & MDL_PARTIAL) && !(m->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED))
		hostos_bugcheck(t, 0xC4, 0xB5, (uintptr_t)m, (uint16_t)m->MdlFlags, MDL_PARTIAL,
				"MmUnmapLockedPages of a partial MDL that %s",
				m->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA
					? "shares its source's mapping (unmap the source)"
					: "has no mapping of its own");
	r = d ? rec_find(d, m) : NULL;
	if (!(m->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || !r || !r->map_base ||
	    BaseAddress != m->MappedSystemVa)
		hostos_bugcheck(t, 0xC4, 0xB6, (uintptr_t)m, (uint16_t)m->MdlFlags,
				(uintptr_t)BaseAddress,
				"MmUnmapLockedPages of %p, which is not this MDL's system mapping",
				BaseAddress);
	unmap(t->os, m, r);
	rec_settle(d, r);
}

/* ---- destroy ---- */

void hostos_dma_destroy(struct hostos *os)
{
	struct hostos_dma *d = os->dma;
	struct bus_mem *mem = hostos_pool_mem(os);

	if (!d)
		return;
	hostos_dma_adapters_destroy(d);
	hostos_dma_user_destroy(d);
	for (uint32_t i = 0; i < d->n_mdls; i++) {
		if (d->mdls[i].map_base && mem)
			(void)bus_mem_unmap(mem, d->mdls[i].map_base);
		if (d->mdls[i].allocated)
			free(d->mdls[i].mdl);
	}
	free(d->mdls);
	free(d);
	os->dma = NULL;
}
