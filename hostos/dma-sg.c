/*
 * hostos/dma-sg.c - transfers through an adapter (spec §7.3, §7.4): the
 * pieces a transfer is cut into and their logical addresses (used by the
 * packet DMA of dma-map.c too), and the scatter/gather lists:
 * GetScatterGatherList / PutScatterGatherList, CalculateScatterGatherList,
 * BuildScatterGatherList, with DMA Verification's 0xE6 checks on them.
 *
 * A transfer is cut into pieces, one per page of the driver's buffer (the
 * MDL chain's PFN arrays). Each piece reaches the device directly (its
 * physical address), through a bounce frame below 4 GiB when a byte of it
 * lies above the device's address width (copied to the frame at map time
 * for a transfer to the device, back at flush time for one from it), or
 * through an I/O virtual page of the device's IOMMU. Every piece uses one
 * map register. Elements of a list merge where the logical addresses run
 * on.
 */
#include "hostos/dma-adapter-internal.h"

#include <stdlib.h>
#include <string.h>

#include "bus/hostmem.h"
#include "dma/iommu.h"
#include "hostos/fault-internal.h"
#include "hostos/pool-internal.h"

/* ---- moving bytes between frames (bounce) ---- */

static void copy_pa(struct hostos_adapter *ad, uint64_t dst, uint64_t src, uint32_t len)
{
	struct bus_mem *mem = hostos_pool_mem(ad->os);
	size_t a1, a2;
	void *d, *s;

	if (!mem)
		return;
	d = bus_mem_host_ptr(mem, dst, &a1);
	s = bus_mem_host_ptr(mem, src, &a2);
	/* A piece never crosses a page: both pointers cover it. */
	if (d && s && a1 >= len && a2 >= len)
		memcpy(d, s, len);
	ad->os->dma->stats.bounced_bytes += len;
}

/* ---- building the pieces ---- */

static uint64_t pa_of(PMDL m, size_t off)
{
	size_t at = m->ByteOffset + off;

	return ((uint64_t)MmGetMdlPfnArray(m)[at >> PAGE_SHIFT] << PAGE_SHIFT) | (at & (PAGE_SIZE - 1));
}

static void mdl_usable(struct hostos_thread *t, PMDL m)
{
	if (!(m->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL)) &&
	    hostos_dma_verified(t->os))
		hostos_bugcheck(t, 0xE6, 0x0E, (uintptr_t)m, 0, 0,
				"DMA on MDL %p, whose pages are neither locked nor nonpaged pool",
				(void *)m);
}

/* Room for @n pieces in @ad's scratch array. */
static bool scratch_room(struct hostos_adapter *ad, uint32_t n)
{
	uint32_t cap = ad->cap_scratch ? ad->cap_scratch : 64;
	struct dma_seg *v;

	if (n <= ad->cap_scratch)
		return true;
	while (cap < n)
		cap *= 2;
	v = realloc(ad->scratch, cap * sizeof(*v));
	if (!v)
		return false;
	ad->scratch = v;
	ad->cap_scratch = cap;
	return true;
}

/*
 * Cut [@va, @va + @len) of the chain from @m (@va inside @m) into pieces,
 * one per page, into @ad's scratch array, with the checks on the way
 * (0xE6/0x1B or 0x1F, 0x21, 0x24, 0x0E; 0xC4/0x89). @list: for the
 * scatter/gather list routines, whose CurrentVa outside the first MDL is
 * an invalid DMA buffer (0x1F, P2 1 before it, 2 past it); MapTransfer's
 * is an address not in the MDL (0x1B). The adapter owns the scratch
 * array, so a bug check here leaves nothing allocated behind. Returns how
 * many pieces; 0 with *@st set when the chain is too short (without the
 * verifier) or the host is out of memory.
 */
uint32_t hostos_dma_cut(struct hostos_thread *t, struct hostos_adapter *ad, PMDL m, uintptr_t va,
		       uint32_t len, bool list, const char *routine, NTSTATUS *st)
{
	struct bus_mem *mem = hostos_pool_mem(t->os);
	uintptr_t base = (uintptr_t)MmGetMdlVirtualAddress(m);
	size_t off;
	uint32_t n = 0, left = len;

	if (len == 0 && hostos_dma_verified(t->os))
		hostos_bugcheck(t, 0xE6, 0x21, 0, 0, 0, "%s of a zero-length buffer", routine);
	if (list && (va < base || va - base >= m->ByteCount))
		hostos_bugcheck(t, 0xE6, 0x1F, va < base ? 1 : 2, va, (uintptr_t)m,
				"%s at %p, %s MDL %p (%p, %u bytes)", routine, (void *)va,
				va < base ? "before the first" : "past the end of the first",
				(void *)m, (void *)base, m->ByteCount);
	if (va < base || va - base >= m->ByteCount)
		hostos_bugcheck(t, 0xE6, 0x1B, va, (uintptr_t)m, 0,
				"%s at %p, which is not inside MDL %p (%p, %u bytes)", routine,
				(void *)va, (void *)m, (void *)base, m->ByteCount);
	off = va - base;
	mdl_usable(t, m);
	*st = STATUS_BUFFER_TOO_SMALL;
	while (left) {
		size_t in_page = PAGE_SIZE - ((m->ByteOffset + off) & (PAGE_SIZE - 1));
		uint32_t piece = (uint32_t)(left < in_page ? left : in_page);
		uint64_t pa;

		if (off == m->ByteCount) {
			m = m->Next;
			off = 0;
			if (!m) {
				if (hostos_dma_verified(t->os))
					hostos_bugcheck(t, 0xE6, 0x24, left, 0, 0,
							"%s of %u bytes: the MDL chain ends %u bytes "
							"short", routine, len, left);
				return 0;
			}
			mdl_usable(t, m);
			continue;
		}
		if (piece > m->ByteCount - off)
			piece = (uint32_t)(m->ByteCount - off);
		pa = pa_of(m, off);
		if (!(m->MdlFlags & MDL_IO_SPACE) && mem && !bus_mem_is_ram(mem, pa, piece)) {
			PPFN_NUMBER e = &MmGetMdlPfnArray(m)[(m->ByteOffset + off) >> PAGE_SHIFT];

			hostos_bugcheck(t, 0xC4, 0x89, (uintptr_t)m, (uintptr_t)e, *e,
					"MDL %p, not marked I/O space, holds frame 0x%llx, which is "
					"not memory (%s)", (void *)m, (unsigned long long)*e, routine);
		}
		if (!scratch_room(ad, n + 1)) {
			*st = STATUS_INSUFFICIENT_RESOURCES;
			return 0;
		}
		ad->scratch[n++] = (struct dma_seg){ .pa = pa, .len = piece };
		off += piece;
		left -= piece;
	}
	return n;
}

/*
 * Give each piece its logical address: direct, bounced or through the
 * IOMMU. @contig: the logical range must be one run (a device without
 * scatter/gather, MapTransfer of a bounced buffer). False when bounce
 * frames or IOVA space ran out (nothing is left mapped then).
 */
bool hostos_dma_assign(struct hostos_adapter *ad, struct dma_seg *segs, uint32_t n, bool write,
		       bool contig)
{
	struct bus_mem *mem = hostos_pool_mem(ad->os);
	struct hostos_dma *d = ad->os->dma;
	uint32_t bounce = 0;
	uint64_t *frames = NULL;

	if (ad->dev && ad->dev->iommu) {
		uint64_t iova = hostos_dma_iova_alloc(ad->dev, n);

		if (iova && iova + (uint64_t)n * PAGE_SIZE - 1 > ad->limit) {
			hostos_dma_iova_free(ad->dev, iova, n);
			iova = 0;
		}
		if (!iova)
			return false;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t page = iova + (uint64_t)i * PAGE_SIZE;

			if (dma_iommu_map(ad->dev->iommu, page, segs[i].pa & ~(uint64_t)(PAGE_SIZE - 1),
					  PAGE_SIZE, write ? DMA_IOMMU_READ : DMA_IOMMU_WRITE) != SIM_OK) {
				hostos_dma_segs_release(ad, segs, i, !write, false);
				hostos_dma_iova_free(ad->dev, page, n - i);
				return false;
			}
			segs[i].kind = DMA_SEG_IOMMU;
			segs[i].aux = page;
			segs[i].logical = page | (segs[i].pa & (PAGE_SIZE - 1));
		}
		d->stats.iommu_maps += n;
		return true;
	}
	for (uint32_t i = 0; i < n; i++) {
		bool above = segs[i].pa + segs[i].len - 1 > ad->limit;
		bool breaks = contig && i > 0 &&
			      segs[i - 1].pa + segs[i - 1].len != segs[i].pa;

		if (above || breaks) {
			bounce = n;   /* one bounced piece: bounce them all */
			break;
		}
	}
	if (!bounce) {
		for (uint32_t i = 0; i < n; i++) {
			segs[i].kind = DMA_SEG_DIRECT;
			segs[i].logical = segs[i].pa;
		}
		return true;
	}
	frames = malloc(n * sizeof(*frames));
	if (!frames || !mem ||
	    bus_mem_alloc_frames(mem, n, BUS_MEM_ALLOC_BELOW_4G | (contig ? BUS_MEM_ALLOC_CONTIGUOUS : 0),
				 frames) != SIM_OK) {
		free(frames);
		return false;
	}
	/* A device narrower than 32 bits may not reach every frame below
	 * 4 GiB. */
	for (uint32_t i = 0; i < n; i++)
		if (frames[i] + PAGE_SIZE - 1 > ad->limit) {
			(void)bus_mem_free_frames(mem, frames, n);
			free(frames);
			return false;
		}
	for (uint32_t i = 0; i < n; i++) {
		segs[i].kind = DMA_SEG_BOUNCE;
		segs[i].aux = frames[i];
		segs[i].logical = frames[i] | (segs[i].pa & (PAGE_SIZE - 1));
		if (write)
			copy_pa(ad, segs[i].logical, segs[i].pa, segs[i].len);
	}
	free(frames);
	return true;
}

/* After assign() failed with nothing held: with DMA Verification, @n
 * contiguous bounce frames not to be had is 0xE6/0x00 with P2 = 2 (P3
 * frames needed, P4 the longest free run below 4 GiB). */
void hostos_dma_contig_short(struct hostos_thread *t, const struct hostos_adapter *ad, uint32_t n,
			     bool contig, const char *routine)
{
	struct bus_mem *mem = hostos_pool_mem(t->os);
	uint64_t run;

	if (!contig || n < 2 || !mem || (ad->dev && ad->dev->iommu) || !hostos_dma_verified(t->os))
		return;
	run = bus_mem_largest_free_run(mem, BUS_MEM_ALLOC_BELOW_4G);
	if (run < n)
		hostos_bugcheck(t, 0xE6, 0x00, 2, n, run,
				"%s: out of contiguous map registers: %u needed below 4 GiB, the "
				"longest free run is %llu", routine, n, (unsigned long long)run);
}

void hostos_dma_segs_release(struct hostos_adapter *ad, struct dma_seg *segs, uint32_t n,
			     bool from_device, bool copy_back)
{
	struct bus_mem *mem = hostos_pool_mem(ad->os);

	for (uint32_t i = 0; i < n; i++) {
		struct dma_seg *s = &segs[i];

		if (s->kind == DMA_SEG_BOUNCE) {
			if (from_device && copy_back)
				copy_pa(ad, s->pa, s->logical, s->len);
			if (mem)
				(void)bus_mem_free_frames(mem, &s->aux, 1);
		} else if (s->kind == DMA_SEG_IOMMU && ad->dev && ad->dev->iommu) {
			(void)dma_iommu_unmap(ad->dev->iommu, s->aux, PAGE_SIZE);
			hostos_dma_iova_free(ad->dev, s->aux, 1);
		}
		s->kind = DMA_SEG_DIRECT;
	}
}

/* Elements of a list: pieces merged where logical addresses run on. */
uint32_t hostos_dma_merge(const struct dma_seg *segs, uint32_t n, PSCATTER_GATHER_LIST sg)
{
	uint32_t e = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (e && (uint64_t)sg->Elements[e - 1].Address.QuadPart + sg->Elements[e - 1].Length ==
				 segs[i].logical) {
			sg->Elements[e - 1].Length += segs[i].len;
			continue;
		}
		sg->Elements[e].Address.QuadPart = (LONGLONG)segs[i].logical;
		sg->Elements[e].Length = segs[i].len;
		sg->Elements[e].Reserved = 0;
		e++;
	}
	sg->NumberOfElements = e;
	sg->Reserved = 0;
	return e;
}

/* ---- scatter/gather lists ---- */

/* DMA Verification: a callback that returns at another IRQL than it ran
 * at is 0xE6/0x14 (no details), before the generic check of
 * hostos_frame_leave() would name it. */
void hostos_dma_callback_irql(struct hostos_thread *t, const struct hostos_frame *f,
			      const char *what)
{
	if (t->cpu->irql != f->irql_entry && hostos_dma_verified(t->os))
		hostos_bugcheck(t, 0xE6, 0x14, 0, 0, 0, "%s returned at IRQL %u; it ran at %u", what,
				t->cpu->irql, f->irql_entry);
}

static void call_list_control(struct hostos_thread *t, PDRIVER_LIST_CONTROL routine,
			      PDEVICE_OBJECT dev, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	struct hostos_frame f;

	/* AdapterListControl runs at DISPATCH_LEVEL, checked on return like
	 * a DPC (spec §1.6). */
	hostos_frame_enter(t, &f, HOSTOS_CTX_DPC, (const void *)routine);
	routine(dev, dev ? dev->CurrentIrp : NULL, sg, ctx);
	hostos_dma_callback_irql(t, &f, "AdapterListControl");
	hostos_frame_leave(t, &f);
}

size_t hostos_dma_list_bytes(uint32_t elements)
{
	return sizeof(SCATTER_GATHER_LIST) +
	       (elements ? elements - 1 : 0) * sizeof(SCATTER_GATHER_ELEMENT);
}

/* The checks Get and Build make at the call: the pieces cut into the
 * scratch array, their count in *@n, or a status. @site: the driver's
 * call, for fault injection of its map registers. */
static NTSTATUS sg_check(struct hostos_thread *t, struct hostos_adapter *ad, PMDL mdl, PVOID va,
			 ULONG len, PVOID buf, ULONG buf_len, const char *routine,
			 const void *site, uint32_t *n)
{
	NTSTATUS st;

	hostos_dma_irql_eq(t, HOSTOS_DISPATCH, routine);
	if (!mdl)
		return STATUS_INVALID_PARAMETER;
	*n = hostos_dma_cut(t, ad, mdl, (uintptr_t)va, len, true, routine, &st);
	if (*n == 0)
		return st;
	if (*n > ad->max_regs || hostos_fault_check(t->os, HOSTOS_FAULT_MAP_REGISTERS, site))
		return STATUS_INSUFFICIENT_RESOURCES;
	if (buf && buf_len < hostos_dma_list_bytes(*n))
		return STATUS_BUFFER_TOO_SMALL;
	return STATUS_SUCCESS;
}

/* The list of the @n pieces in the scratch array, registered. */
static NTSTATUS sg_build(struct hostos_thread *t, struct hostos_adapter *ad, uint32_t n, PVOID va,
			 BOOLEAN write, PVOID buf, const char *routine, struct hostos_sg **out)
{
	struct hostos_sg *s;

	if (ad->n_sgs == ad->cap_sgs) {
		uint32_t cap = ad->cap_sgs ? ad->cap_sgs * 2 : 8;
		struct hostos_sg **v = realloc(ad->sgs, cap * sizeof(*v));

		if (!v)
			return STATUS_INSUFFICIENT_RESOURCES;
		ad->sgs = v;
		ad->cap_sgs = cap;
	}
	/* One block: the record, its pieces, and the list unless the
	 * caller gave the space (BuildScatterGatherList). */
	s = malloc(sizeof(*s) + n * sizeof(*s->segs) + (buf ? 0 : hostos_dma_list_bytes(n)));
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	memset(s, 0, sizeof(*s));
	s->segs = (struct dma_seg *)(s + 1);
	s->list = buf ? buf : (PSCATTER_GATHER_LIST)(s->segs + n);
	s->own_list = !buf;
	memcpy(s->segs, ad->scratch, n * sizeof(*s->segs));
	if (!hostos_dma_assign(ad, s->segs, n, write != FALSE, !ad->scatter_gather)) {
		free(s);
		hostos_dma_contig_short(t, ad, n, !ad->scatter_gather, routine);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	s->n_segs = n;
	s->va = (uintptr_t)va;
	s->write = write != FALSE;
	hostos_dma_merge(s->segs, n, s->list);
	ad->sgs[ad->n_sgs++] = s;
	ad->sg_allocated++;
	if (ad->needs_regs)
		ad->regs_used += n;
	t->os->dma->stats.sg_lists++;
	*out = s;
	return STATUS_SUCCESS;
}

/*
 * Get, Build and GetEx: the checks, then the list and its callback now,
 * or (@may_wait, with a callback) the request queued until enough map
 * registers are free, STATUS_SUCCESS either way; without a callback the
 * list goes to *@out. A request that may not wait and would have to is
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS hostos_dma_sg_request(struct hostos_thread *t, struct hostos_adapter *ad,
			       PDEVICE_OBJECT dev, PMDL mdl, PVOID va, ULONG len, BOOLEAN write,
			       PVOID buf, ULONG buf_len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
			       bool may_wait, PVOID transfer, const char *name, const void *site,
			       PSCATTER_GATHER_LIST *out)
{
	struct hostos_sg *s;
	uint32_t n = 0;
	NTSTATUS st = sg_check(t, ad, mdl, va, len, buf, buf_len, name, site, &n);

	if (st != STATUS_SUCCESS)
		return st;
	if (hostos_dma_must_wait(ad, false, n)) {
		struct dma_wait w = { .list = true, .n = n, .dev = dev, .ctx = ctx,
				      .list_control = routine, .mdl = mdl, .va = va, .len = len,
				      .write = write, .buf = buf, .buf_len = buf_len,
				      .routine = name, .transfer = transfer };

		if (!may_wait || !routine)
			return STATUS_INSUFFICIENT_RESOURCES;
		return hostos_dma_wait_add(ad, &w) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	st = sg_build(t, ad, n, va, write, buf, name, &s);
	if (st != STATUS_SUCCESS)
		return st;
	if (routine)
		call_list_control(t, routine, dev, s->list, ctx);
	else
		*out = s->list;
	return STATUS_SUCCESS;
}

NTSTATUS NTAPI hostos_dma_get_sg_list(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PMDL mdl, PVOID va,
				      ULONG len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
				      BOOLEAN write)
{
	struct hostos_thread *t = hostos_dma_enter(a, "GetScatterGatherList",
						   (const void *)hostos_dma_get_sg_list);

	if (!routine)
		return STATUS_INVALID_PARAMETER;
	return hostos_dma_sg_request(t, (struct hostos_adapter *)a, dev, mdl, va, len, write, NULL,
				     0, routine, ctx, true, NULL, "GetScatterGatherList",
				     __builtin_return_address(0), NULL);
}

NTSTATUS NTAPI hostos_dma_build_sg_list(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PMDL mdl, PVOID va,
					ULONG len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
					BOOLEAN write, PVOID buf, ULONG buf_len)
{
	struct hostos_thread *t = hostos_dma_enter(a, "BuildScatterGatherList",
						   (const void *)hostos_dma_build_sg_list);

	if (!buf || !routine)
		return STATUS_INVALID_PARAMETER;
	return hostos_dma_sg_request(t, (struct hostos_adapter *)a, dev, mdl, va, len, write, buf,
				     buf_len, routine, ctx, true, NULL, "BuildScatterGatherList",
				     __builtin_return_address(0), NULL);
}

void hostos_dma_grant(struct hostos_thread *t, struct hostos_adapter *ad, const struct dma_wait *w)
{
	struct hostos_sg *s;
	NTSTATUS st;
	uint32_t n;

	if (!w->list) {
		hostos_dma_run_control(t, ad, w->dev, w->n, w->control, w->ctx);
		return;
	}
	/* The buffer is cut again: the driver's MDL is checked as it is now. */
	n = hostos_dma_cut(t, ad, w->mdl, (uintptr_t)w->va, w->len, true, w->routine, &st);
	if (n)
		st = sg_build(t, ad, n, w->va, w->write, w->buf, w->routine, &s);
	if (!n || st != STATUS_SUCCESS) {
		hostos_warn(t->os, "%s: the waiting list could not be built when map registers freed "
				   "up (0x%08x); its AdapterListControl never runs", w->routine,
			    (unsigned)st);
		return;
	}
	call_list_control(t, w->list_control, w->dev, s->list, w->ctx);
}

NTSTATUS NTAPI hostos_dma_calculate_sg_list(PDMA_ADAPTER a, PMDL mdl, PVOID va, ULONG len,
					    PULONG size, PULONG n_regs)
{
	struct hostos_thread *t = hostos_dma_enter(a, "CalculateScatterGatherList",
						   (const void *)hostos_dma_calculate_sg_list);
	NTSTATUS st = STATUS_BUFFER_TOO_SMALL;
	uint32_t n;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "CalculateScatterGatherList");
	if (!size)
		return STATUS_INVALID_PARAMETER;
	n = mdl ? hostos_dma_cut(t, (struct hostos_adapter *)a, mdl, (uintptr_t)va, len, true,
				 "CalculateScatterGatherList", &st)
		: ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len);
	if (n == 0)
		return st;
	*size = (ULONG)hostos_dma_list_bytes(n);
	if (n_regs)
		*n_regs = n;
	return STATUS_SUCCESS;
}

void hostos_dma_sg_free(struct hostos_adapter *ad, struct hostos_sg *s)
{
	for (uint32_t i = 0; i < ad->n_sgs; i++)
		if (ad->sgs[i] == s) {
			ad->sgs[i] = ad->sgs[--ad->n_sgs];
			break;
		}
	hostos_dma_segs_release(ad, s->segs, s->n_segs, !s->write, false);
	if (ad->needs_regs)
		ad->regs_used -= s->n_segs;
	free(s); /* the pieces and an own list are in the same block */
}

VOID NTAPI hostos_dma_put_sg_list(PDMA_ADAPTER a, PSCATTER_GATHER_LIST sg, BOOLEAN write)
{
	struct hostos_thread *t = hostos_dma_enter(a, "PutScatterGatherList",
						   (const void *)hostos_dma_put_sg_list);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_sg *s = NULL;

	hostos_dma_irql_eq(t, HOSTOS_DISPATCH, "PutScatterGatherList");
	for (uint32_t i = ad->n_sgs; i-- > 0;)
		if (ad->sgs[i]->list == sg) {
			s = ad->sgs[i];
			break;
		}
	if (!s) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x06, ad->sg_allocated, ad->sg_freed + 1, 0,
					"PutScatterGatherList of %p, which is not a live list of "
					"this adapter (put already?)", (void *)sg);
		hostos_warn(t->os, "PutScatterGatherList of %p, which is not a live list (ignored)",
			    (void *)sg);
		return;
	}
	if ((write != FALSE) != s->write)
		hostos_warn(t->os, "PutScatterGatherList with WriteToDevice %u; the list was "
				   "built with %u", write != FALSE, s->write);
	/* The system's MDL of the bounce frames goes with the list. */
	if (s->built) {
		if (s->built->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
			MmUnmapLockedPages(s->built->MappedSystemVa, s->built);
		s->built->MdlFlags &= ~MDL_PAGES_LOCKED;
		IoFreeMdl(s->built);
		s->built = NULL;
	}
	/* The flush: what the device wrote into bounce frames reaches the
	 * driver's buffer now, not before. */
	hostos_dma_segs_release(ad, s->segs, s->n_segs, !s->write, true);
	ad->sg_freed++;
	t->os->dma->stats.sg_lists_put++;
	hostos_dma_sg_free(ad, s);
	hostos_dma_serve(t, ad);
}
