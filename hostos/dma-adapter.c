/*
 * hostos/dma-adapter.c - DMA adapters (spec §7.1, §7.3): IoGetDmaAdapter,
 * PutDmaAdapter, AllocateCommonBuffer / FreeCommonBuffer with guard bytes,
 * GetDmaAlignment, ReadDmaCounter, the per-device IOMMU and its IOVA
 * window, the checks every adapter routine starts with, and the queries
 * of hostos/dma-internal.h. Transfers are in hostos/dma-sg.c.
 */
#include "hostos/dma-adapter-internal.h"

#include <ntddk.h>

#include <stdlib.h>
#include <string.h>

#include "bus/hostmem.h"
#include "dma/iommu.h"
#include "hostos/fault-internal.h"
#include "hostos/interrupt-internal.h"
#include "hostos/pool-internal.h"

#define GUARD_TAG "DmaVrfy0"   /* Driver Verifier's tag around common buffers */
#define IOVA_PAGES (uint32_t)(HOSTOS_DMA_IOVA_BYTES / PAGE_SIZE)

/* ---- devices and their IOMMU ---- */

struct hostos_dma_dev *hostos_dma_dev(struct hostos_dma *d, const void *pdo, bool create)
{
	struct hostos_dma_dev *v;

	for (uint32_t i = 0; i < d->n_devs; i++)
		if (d->devs[i]->pdo == pdo)
			return d->devs[i];
	if (!create)
		return NULL;
	if (d->n_devs == d->cap_devs) {
		uint32_t cap = d->cap_devs ? d->cap_devs * 2 : 8;
		struct hostos_dma_dev **nv = realloc(d->devs, cap * sizeof(*nv));

		if (!nv)
			return NULL;
		d->devs = nv;
		d->cap_devs = cap;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->pdo = pdo;
	d->devs[d->n_devs++] = v;
	return v;
}

int hostos_device_set_iommu(struct hostos_device *dev, struct dma_iommu *iommu)
{
	struct hostos_dma *d;
	struct hostos_dma_dev *v;

	if (!dev)
		return SIM_ERR_INVALID;
	d = hostos_dma_state(((struct hostos_device *)dev)->os);
	v = d ? hostos_dma_dev(d, hostos_device_pdo(dev), true) : NULL;
	if (!v)
		return SIM_ERR_NOMEM;
	if (iommu && !v->iova_used) {
		v->iova_used = calloc(IOVA_PAGES / 64, sizeof(uint64_t));
		if (!v->iova_used)
			return SIM_ERR_NOMEM;
	}
	v->iommu = iommu;
	v->faults_seen = iommu ? iommu->faults : 0;
	return SIM_OK;
}

static bool iova_busy(const struct hostos_dma_dev *v, uint32_t p)
{
	return v->iova_used[p / 64] >> (p % 64) & 1;
}

static void iova_mark(struct hostos_dma_dev *v, uint32_t p, uint32_t n, bool used)
{
	for (uint32_t k = p; k < p + n; k++) {
		if (used)
			v->iova_used[k / 64] |= UINT64_C(1) << (k % 64);
		else
			v->iova_used[k / 64] &= ~(UINT64_C(1) << (k % 64));
	}
}

uint64_t hostos_dma_iova_alloc(struct hostos_dma_dev *v, uint32_t n)
{
	/* First fit from a cursor that moves on, so a page freed now is not
	 * handed out again at once: a device still using a stale address
	 * faults instead of reaching someone else's buffer. */
	for (uint32_t tries = 0; tries < 2; tries++) {
		uint32_t run = 0;

		for (uint32_t p = tries ? 0 : v->iova_cursor; p < IOVA_PAGES; p++) {
			run = iova_busy(v, p) ? 0 : run + 1;
			if (run == n) {
				uint32_t first = p + 1 - n;

				iova_mark(v, first, n, true);
				v->iova_cursor = (p + 1) % IOVA_PAGES;
				return HOSTOS_DMA_IOVA_BASE + (uint64_t)first * PAGE_SIZE;
			}
		}
	}
	return 0;
}

void hostos_dma_iova_free(struct hostos_dma_dev *v, uint64_t iova, uint32_t n)
{
	iova_mark(v, (uint32_t)((iova - HOSTOS_DMA_IOVA_BASE) / PAGE_SIZE), n, false);
}

/* ---- the entry checks ---- */

static struct hostos_adapter *adapter_find(struct hostos_dma *d, const void *a)
{
	for (uint32_t i = d->n_adapters; i-- > 0;)
		if (&d->adapters[i]->a == a)
			return d->adapters[i];
	return NULL;
}

struct hostos_thread *hostos_dma_enter(PDMA_ADAPTER a, const char *routine, const void *fn)
{
	struct hostos_thread *t = hostos_self(routine);
	struct hostos_dma *d = t->os->dma;
	struct hostos_adapter *ad;
	struct dma_iommu_fault f;

	if (!a)
		hostos_bugcheck(t, 0xE6, 0x19, 0, 0, 0, "%s with a NULL DMA adapter", routine);
	ad = d ? adapter_find(d, a) : NULL;
	if (!ad)
		hostos_bugcheck(t, HOSTOS_DMA_BAD_OBJECT, (uintptr_t)a, (uintptr_t)fn, 0, 0,
				"%s with %p, which IoGetDmaAdapter never returned", routine,
				(void *)a);
	if (ad->put)
		hostos_bugcheck(t, 0xE6, 0x18, (uintptr_t)a, 0, 0,
				"%s on an adapter released already (PutDmaAdapter)", routine);
	if (ad->dev && ad->dev->iommu && ad->dev->iommu->faults != ad->dev->faults_seen) {
		ad->dev->faults_seen = ad->dev->iommu->faults;
		if (!dma_iommu_last_fault(ad->dev->iommu, 0, &f))
			memset(&f, 0, sizeof(f));
		hostos_bugcheck(t, 0xE6, 0x26, (uintptr_t)ad->pdo, f.dev_addr, (uint64_t)f.kind,
				"the IOMMU stopped a DMA %s at device address 0x%llx outside a live "
				"mapping (%s; noticed at %s)", f.write ? "write" : "read",
				(unsigned long long)f.dev_addr,
				f.kind == DMA_IOMMU_FAULT_PERM ? "wrong direction" : "unmapped",
				routine);
	}
	hostos_sched_point(t);
	return t;
}

void hostos_dma_irql_eq(struct hostos_thread *t, uint8_t irql, const char *routine)
{
	if (hostos_dma_verified(t->os) && t->cpu->irql != irql)
		hostos_bugcheck(t, 0xE6, 0x13, 1, irql, t->cpu->irql, "%s at IRQL %u; it needs %u",
				routine, t->cpu->irql, irql);
}

void hostos_dma_irql_max(struct hostos_thread *t, uint8_t irql, const char *routine)
{
	if (hostos_dma_verified(t->os) && t->cpu->irql > irql)
		hostos_bugcheck(t, 0xE6, 0x13, 2, irql, t->cpu->irql,
				"%s at IRQL %u; at most %u is allowed", routine, t->cpu->irql, irql);
}

/* ---- common buffers ---- */

static void guard_fill(uint8_t *p, size_t n, size_t phase)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)GUARD_TAG[(phase + i) % 8];
}

/* The first byte of @n at @p that is not the tag, or n. */
static size_t guard_check(const uint8_t *p, size_t n, size_t phase)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)GUARD_TAG[(phase + i) % 8])
			return i;
	return n;
}

static bool frames_fit(const uint64_t *frames, uint32_t pages, uint64_t limit)
{
	/* Never across a 4 GiB boundary (a device's address counter may
	 * wrap at 32 bits), never above what the device reaches. */
	return (frames[0] >> 32) == ((frames[pages - 1] + PAGE_SIZE - 1) >> 32) &&
	       frames[pages - 1] + PAGE_SIZE - 1 <= limit;
}

static bool alloc_contig(struct bus_mem *mem, uint32_t pages, uint64_t limit, uint64_t *frames)
{
	unsigned zone = limit < UINT64_MAX ? BUS_MEM_ALLOC_BELOW_4G : 0;

	if (bus_mem_alloc_frames(mem, pages, BUS_MEM_ALLOC_CONTIGUOUS | zone, frames) != SIM_OK)
		return false;
	if (frames_fit(frames, pages, limit))
		return true;
	(void)bus_mem_free_frames(mem, frames, pages);
	if (bus_mem_alloc_frames(mem, pages, BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_BELOW_4G,
				 frames) != SIM_OK)
		return false;
	if (frames_fit(frames, pages, limit))
		return true;
	(void)bus_mem_free_frames(mem, frames, pages);
	return false;
}

static PVOID common_alloc(struct hostos_thread *t, struct hostos_adapter *ad, ULONG Length,
			  PPHYSICAL_ADDRESS LogicalAddress, uint64_t limit)
{
	struct bus_mem *mem = hostos_pool_mem(t->os);
	struct hostos_cbuf cb = { 0 };
	uint32_t slack;
	uint64_t *frames;
	void *base;

	if (!LogicalAddress || Length == 0 || !mem || Length > 0x7FFFFFFFu)
		return NULL;
	cb.length = Length;
	cb.data_pages = (Length + PAGE_SIZE - 1) / PAGE_SIZE;
	slack = cb.data_pages * PAGE_SIZE - Length;
	cb.pages = 1 + cb.data_pages + (slack < 8 ? 1 : 0);
	frames = malloc(cb.pages * sizeof(*frames));
	if (!frames)
		return NULL;
	if (!alloc_contig(mem, cb.pages, ad->dev && ad->dev->iommu ? UINT64_MAX : limit, frames)) {
		free(frames);
		return NULL;
	}
	if (bus_mem_map_frames(mem, frames, cb.pages, &base) != SIM_OK) {
		(void)bus_mem_free_frames(mem, frames, cb.pages);
		free(frames);
		return NULL;
	}
	cb.first_frame = frames[0];
	free(frames);
	cb.map_base = base;
	cb.va = cb.map_base + PAGE_SIZE;
	guard_fill(cb.map_base, PAGE_SIZE, 0);
	memset(cb.va, 0, Length);
	guard_fill(cb.va + Length, (size_t)(cb.pages - 1) * PAGE_SIZE - Length, Length);
	cb.logical = cb.first_frame + PAGE_SIZE;
	if (ad->dev && ad->dev->iommu) {
		cb.iova = hostos_dma_iova_alloc(ad->dev, cb.data_pages);
		if (cb.iova && cb.iova + (uint64_t)cb.data_pages * PAGE_SIZE - 1 > limit) {
			hostos_dma_iova_free(ad->dev, cb.iova, cb.data_pages);
			cb.iova = 0;
		}
		if (!cb.iova ||
		    dma_iommu_map(ad->dev->iommu, cb.iova, cb.first_frame + PAGE_SIZE,
				  (uint64_t)cb.data_pages * PAGE_SIZE,
				  DMA_IOMMU_READ | DMA_IOMMU_WRITE) != SIM_OK) {
			if (cb.iova)
				hostos_dma_iova_free(ad->dev, cb.iova, cb.data_pages);
			goto fail;
		}
		cb.logical = cb.iova;
		t->os->dma->stats.iommu_maps += cb.data_pages;
	}
	if (ad->n_cbufs == ad->cap_cbufs) {
		uint32_t cap = ad->cap_cbufs ? ad->cap_cbufs * 2 : 8;
		struct hostos_cbuf *v = realloc(ad->cbufs, cap * sizeof(*v));

		if (!v)
			goto fail_iommu;
		ad->cbufs = v;
		ad->cap_cbufs = cap;
	}
	ad->cbufs[ad->n_cbufs++] = cb;
	t->os->dma->stats.common_buffers++;
	LogicalAddress->QuadPart = (LONGLONG)cb.logical;
	return cb.va;
fail_iommu:
	if (cb.iova) {
		(void)dma_iommu_unmap(ad->dev->iommu, cb.iova, (uint64_t)cb.data_pages * PAGE_SIZE);
		hostos_dma_iova_free(ad->dev, cb.iova, cb.data_pages);
	}
fail:
	(void)bus_mem_unmap(mem, cb.map_base);
	for (uint32_t i = 0; i < cb.pages; i++) {
		uint64_t f = cb.first_frame + (uint64_t)i * PAGE_SIZE;

		(void)bus_mem_free_frames(mem, &f, 1);
	}
	return NULL;
}

static PVOID NTAPI allocate_common_buffer(PDMA_ADAPTER a, ULONG Length,
					  PPHYSICAL_ADDRESS LogicalAddress, BOOLEAN CacheEnabled)
{
	struct hostos_thread *t = hostos_dma_enter(a, "AllocateCommonBuffer",
						   (const void *)allocate_common_buffer);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;

	(void)CacheEnabled; /* x64 DMA is cache-coherent: always cached */
	hostos_dma_irql_eq(t, HOSTOS_PASSIVE, "AllocateCommonBuffer");
	if (hostos_fault_check(t->os, HOSTOS_FAULT_COMMON_BUFFER, __builtin_return_address(0)))
		return NULL;
	return common_alloc(t, ad, Length, LogicalAddress, ad->limit);
}

static PVOID NTAPI allocate_common_buffer_ex(PDMA_ADAPTER a, PPHYSICAL_ADDRESS MaximumAddress,
					     ULONG Length, PPHYSICAL_ADDRESS LogicalAddress,
					     BOOLEAN CacheEnabled, NODE_REQUIREMENT PreferredNode)
{
	struct hostos_thread *t = hostos_dma_enter(a, "AllocateCommonBufferEx",
						   (const void *)allocate_common_buffer_ex);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	uint64_t limit = ad->limit;

	(void)CacheEnabled;
	(void)PreferredNode; /* one NUMA node */
	hostos_dma_irql_eq(t, HOSTOS_PASSIVE, "AllocateCommonBufferEx");
	if (hostos_fault_check(t->os, HOSTOS_FAULT_COMMON_BUFFER, __builtin_return_address(0)))
		return NULL;
	if (MaximumAddress && (uint64_t)MaximumAddress->QuadPart < limit)
		limit = (uint64_t)MaximumAddress->QuadPart;
	return common_alloc(t, ad, Length, LogicalAddress, limit);
}

static NTSTATUS NTAPI get_dma_adapter_info(PDMA_ADAPTER a, PDMA_ADAPTER_INFO info)
{
	struct hostos_thread *t = hostos_dma_enter(a, "GetDmaAdapterInfo",
						   (const void *)get_dma_adapter_info);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "GetDmaAdapterInfo");
	if (!info || info->Version != DMA_ADAPTER_INFO_VERSION1)
		return STATUS_INVALID_PARAMETER;
	info->V1.ReadDmaCounterAvailable = FALSE;
	info->V1.ScatterGatherLimit = ad->max_regs;
	info->V1.DmaAddressWidth = ad->addr_bits;
	info->V1.Flags = 0;
	info->V1.MinimumTransferUnit = 1;
	return STATUS_SUCCESS;
}

/* 0xE6/0x0F when a device or the driver wrote over the guard bytes. */
static void cbuf_guards(struct hostos_thread *t, const struct hostos_cbuf *cb, const char *when)
{
	size_t after = (size_t)(cb->pages - 1) * PAGE_SIZE - cb->length;
	size_t at;

	if (!hostos_dma_verified(t->os))
		return;
	at = guard_check(cb->map_base, PAGE_SIZE, 0);
	if (at != PAGE_SIZE)
		hostos_bugcheck(t, 0xE6, 0x0F, 1, cb->length, (uintptr_t)cb->va,
				"the guard before common buffer %p (%u bytes) was overwritten, %zu "
				"bytes before it (found at %s)", (void *)cb->va, cb->length,
				PAGE_SIZE - at, when);
	at = guard_check(cb->va + cb->length, after, cb->length);
	if (at != after)
		hostos_bugcheck(t, 0xE6, 0x0F, 2, cb->length, (uintptr_t)cb->va,
				"the guard after common buffer %p (%u bytes) was overwritten at "
				"byte %zu past its end (found at %s)", (void *)cb->va, cb->length,
				at, when);
}

static void cbuf_release(struct hostos_adapter *ad, struct hostos_cbuf *cb)
{
	struct bus_mem *mem = hostos_pool_mem(ad->os);

	if (cb->iova) {
		(void)dma_iommu_unmap(ad->dev->iommu, cb->iova, (uint64_t)cb->data_pages * PAGE_SIZE);
		hostos_dma_iova_free(ad->dev, cb->iova, cb->data_pages);
	}
	if (!mem)
		return;
	(void)bus_mem_unmap(mem, cb->map_base);
	for (uint32_t i = 0; i < cb->pages; i++) {
		uint64_t f = cb->first_frame + (uint64_t)i * PAGE_SIZE;

		(void)bus_mem_free_frames(mem, &f, 1);
	}
}

static VOID NTAPI free_common_buffer(PDMA_ADAPTER a, ULONG Length,
				     PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
				     BOOLEAN CacheEnabled)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FreeCommonBuffer",
						   (const void *)free_common_buffer);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_cbuf *cb = NULL;

	(void)CacheEnabled;
	hostos_dma_irql_eq(t, HOSTOS_PASSIVE, "FreeCommonBuffer");
	for (uint32_t i = 0; i < ad->n_cbufs; i++)
		if (ad->cbufs[i].va == VirtualAddress)
			cb = &ad->cbufs[i];
	if (!cb) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x03, 1, 0, 0,
					"FreeCommonBuffer of %p, which is not a live common buffer "
					"of this adapter (freed already?)", VirtualAddress);
		hostos_warn(t->os, "FreeCommonBuffer of %p, which is not a live common buffer "
				   "(ignored)", VirtualAddress);
		return;
	}
	if (Length != cb->length)
		hostos_bugcheck(t, HOSTOS_DMA_BAD_OBJECT, (uintptr_t)VirtualAddress,
				(uintptr_t)free_common_buffer, cb->length, Length,
				"FreeCommonBuffer of %p with Length %u; it was allocated with %u",
				VirtualAddress, Length, cb->length);
	if ((uint64_t)LogicalAddress.QuadPart != cb->logical)
		hostos_bugcheck(t, HOSTOS_DMA_BAD_OBJECT, (uintptr_t)VirtualAddress,
				(uintptr_t)free_common_buffer, cb->logical,
				(uint64_t)LogicalAddress.QuadPart,
				"FreeCommonBuffer of %p with logical address 0x%llx; it is 0x%llx",
				VirtualAddress, (unsigned long long)LogicalAddress.QuadPart,
				(unsigned long long)cb->logical);
	cbuf_guards(t, cb, "FreeCommonBuffer");
	cbuf_release(ad, cb);
	*cb = ad->cbufs[--ad->n_cbufs];
	t->os->dma->stats.common_buffers_freed++;
}

bool hostos_dma_common_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames)
{
	const struct hostos_dma *d = os->dma;
	uintptr_t v = (uintptr_t)va;

	if (!d)
		return false;
	for (uint32_t i = 0; i < d->n_adapters; i++) {
		const struct hostos_adapter *ad = d->adapters[i];

		for (uint32_t k = 0; k < ad->n_cbufs; k++) {
			const struct hostos_cbuf *cb = &ad->cbufs[k];
			uintptr_t b = (uintptr_t)cb->va;
			size_t span = (size_t)cb->data_pages * PAGE_SIZE;

			if (v >= b && v - b < span && len <= span - (v - b)) {
				size_t first = (v - b) / PAGE_SIZE;
				size_t last = (v - b + len - 1) / PAGE_SIZE;

				for (size_t p = first; p <= last; p++)
					frames[p - first] = cb->first_frame + (p + 1) * PAGE_SIZE;
				return true;
			}
		}
	}
	return false;
}

/* ---- the rest of the table ---- */

static ULONG NTAPI get_dma_alignment(PDMA_ADAPTER a)
{
	(void)hostos_dma_enter(a, "GetDmaAlignment", (const void *)get_dma_alignment);
	return 1; /* no alignment requirement beyond the device's own */
}

static ULONG NTAPI read_dma_counter(PDMA_ADAPTER a)
{
	(void)hostos_dma_enter(a, "ReadDmaCounter", (const void *)read_dma_counter);
	return 0; /* system DMA only; bus masters have no counter */
}

/* The MDL of the bytes the device really sees: the original MDL when the
 * list is the driver's own pages (or an IOMMU's window onto them), else a
 * new MDL over the bounce frames, the system's (freed by
 * PutScatterGatherList). Documented as reserved for system use. */
static NTSTATUS NTAPI build_mdl_from_sg_list(PDMA_ADAPTER a, PSCATTER_GATHER_LIST sg, PMDL mdl,
					     PMDL *target)
{
	struct hostos_thread *t = hostos_dma_enter(a, "BuildMdlFromScatterGatherList",
						   (const void *)build_mdl_from_sg_list);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_sg *s = NULL;
	uint64_t len = 0;
	PPFN_NUMBER pfn;
	PMDL m;

	(void)t;
	if (target)
		*target = NULL;
	if (!mdl || !target)
		return STATUS_INVALID_PARAMETER;
	for (uint32_t i = ad->n_sgs; i-- > 0;)
		if (ad->sgs[i]->list == sg) {
			s = ad->sgs[i];
			break;
		}
	if (!s)
		return STATUS_INVALID_PARAMETER;
	if (s->n_segs == 0 || s->segs[0].kind != DMA_SEG_BOUNCE) {
		*target = mdl;
		return STATUS_SUCCESS;
	}
	if (s->built)
		return STATUS_NONE_MAPPED;
	for (uint32_t i = 0; i < s->n_segs; i++)
		len += s->segs[i].len;
	/* One piece per page of the transfer (the list is cut at pages). */
	if (len > UINT32_MAX ||
	    ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)s->va, (ULONG)len) != s->n_segs)
		return STATUS_INSUFFICIENT_RESOURCES;
	m = IoAllocateMdl((PVOID)s->va, (ULONG)len, FALSE, FALSE, NULL);
	if (!m)
		return STATUS_INSUFFICIENT_RESOURCES;
	pfn = MmGetMdlPfnArray(m);
	for (uint32_t i = 0; i < s->n_segs; i++)
		pfn[i] = (PFN_NUMBER)(s->segs[i].aux >> PAGE_SHIFT);
	m->MdlFlags |= MDL_PAGES_LOCKED;
	s->built = m;
	*target = m;
	return STATUS_SUCCESS;
}

static VOID NTAPI put_dma_adapter(PDMA_ADAPTER a)
{
	struct hostos_thread *t = hostos_dma_enter(a, "PutDmaAdapter", (const void *)put_dma_adapter);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "PutDmaAdapter");
	if (hostos_dma_verified(t->os)) {
		unsigned regs = 0;

		for (uint32_t i = 0; i < ad->n_cbufs; i++)
			cbuf_guards(t, &ad->cbufs[i], "PutDmaAdapter");
		for (uint32_t i = 0; i < ad->n_mrbs; i++)
			regs += ad->mrbs[i]->count;
		if (ad->n_cbufs)
			hostos_bugcheck(t, 0xE6, 0x07, (uintptr_t)a, ad->n_cbufs, 0,
					"PutDmaAdapter with %u common buffer(s) still allocated",
					ad->n_cbufs);
		if (ad->channels || ad->n_waits)
			hostos_bugcheck(t, 0xE6, 0x08, (uintptr_t)a, ad->channels + ad->n_waits, 0,
					"PutDmaAdapter with %s", ad->channels
					? "an adapter channel still allocated"
					: "a channel or list request still waiting for map registers");
		if (ad->n_mrbs)
			hostos_bugcheck(t, 0xE6, 0x09, (uintptr_t)a, regs, 0,
					"PutDmaAdapter with %u map register(s) still allocated", regs);
		if (ad->n_sgs)
			hostos_bugcheck(t, 0xE6, 0x0A, (uintptr_t)a, ad->n_sgs, 0,
					"PutDmaAdapter with %u scatter/gather list(s) not put",
					ad->n_sgs);
	}
	/* Without the verifier what is left stays allocated (the unload
	 * sweep finds it); the adapter is dead for the driver either way,
	 * and callbacks still waiting never run. */
	if (ad->n_waits)
		hostos_warn(t->os, "PutDmaAdapter with %u request(s) still waiting for the channel "
				   "or map registers: their callbacks never run", ad->n_waits);
	ad->put = true;
	t->os->dma->stats.adapters_put++;
}

static const DMA_OPERATIONS ops_template = {
	.Size = sizeof(DMA_OPERATIONS),
	.PutDmaAdapter = put_dma_adapter,
	.AllocateCommonBuffer = allocate_common_buffer,
	.FreeCommonBuffer = free_common_buffer,
	.AllocateAdapterChannel = hostos_dma_allocate_adapter_channel,
	.FlushAdapterBuffers = hostos_dma_flush_adapter_buffers,
	.FreeAdapterChannel = hostos_dma_free_adapter_channel,
	.FreeMapRegisters = hostos_dma_free_map_registers,
	.MapTransfer = hostos_dma_map_transfer,
	.GetDmaAlignment = get_dma_alignment,
	.ReadDmaCounter = read_dma_counter,
	.GetScatterGatherList = hostos_dma_get_sg_list,
	.PutScatterGatherList = hostos_dma_put_sg_list,
	.CalculateScatterGatherList = hostos_dma_calculate_sg_list,
	.BuildScatterGatherList = hostos_dma_build_sg_list,
	.BuildMdlFromScatterGatherList = build_mdl_from_sg_list,
	.GetDmaAdapterInfo = get_dma_adapter_info,
	.GetDmaTransferInfo = hostos_dma_get_transfer_info,
	.InitializeDmaTransferContext = hostos_dma_init_transfer_context,
	.AllocateCommonBufferEx = allocate_common_buffer_ex,
	.AllocateAdapterChannelEx = hostos_dma_allocate_adapter_channel_ex,
	.CancelAdapterChannel = hostos_dma_cancel_adapter_channel,
	.MapTransferEx = hostos_dma_map_transfer_ex,
	.GetScatterGatherListEx = hostos_dma_get_sg_list_ex,
	.BuildScatterGatherListEx = hostos_dma_build_sg_list_ex,
	.FlushAdapterBuffersEx = hostos_dma_flush_adapter_buffers_ex,
	.FreeAdapterObject = hostos_dma_free_adapter_object,
};

/* DMA Verification: a device holding more than HOSTOS_DMA_MAX_ADAPTERS
 * adapters not put is a driver that gets one per start or per request and
 * never puts it: 0xE6/0x11, P2 the count, P3 the newest. */
static void live_per_device(struct hostos_thread *t, const struct hostos_dma *d, PDEVICE_OBJECT pdo)
{
	const struct hostos_adapter *newest = NULL;
	uint32_t n = 0;

	if (!hostos_dma_verified(t->os))
		return;
	for (uint32_t i = 0; i < d->n_adapters; i++)
		if (d->adapters[i]->pdo == pdo && !d->adapters[i]->put) {
			newest = d->adapters[i];
			n++;
		}
	if (n >= HOSTOS_DMA_MAX_ADAPTERS)
		hostos_bugcheck(t, 0xE6, 0x11, n + 1, (uintptr_t)&newest->a, 0,
				"IoGetDmaAdapter: device %p would hold %u adapters never put "
				"(PutDmaAdapter); the verifier allows %u", (void *)pdo, n + 1,
				HOSTOS_DMA_MAX_ADAPTERS);
}

PDMA_ADAPTER IoGetDmaAdapter(PDEVICE_OBJECT PhysicalDeviceObject,
			     PDEVICE_DESCRIPTION DeviceDescription, PULONG NumberOfMapRegisters)
{
	struct hostos_thread *t = hostos_self("IoGetDmaAdapter");
	struct hostos_dma *d = hostos_dma_state(t->os);
	PDEVICE_DESCRIPTION dd = DeviceDescription;
	struct hostos_adapter *ad;

	hostos_sched_point(t);
	hostos_dma_irql_eq(t, HOSTOS_PASSIVE, "IoGetDmaAdapter");
	if (!d || !dd || !NumberOfMapRegisters)
		return NULL;
	if (dd->Version > DEVICE_DESCRIPTION_VERSION3) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x25, dd->Version, 0, 0,
					"IoGetDmaAdapter with DEVICE_DESCRIPTION version %u",
					dd->Version);
		return NULL;
	}
	if (dd->Version == DEVICE_DESCRIPTION_VERSION3 &&
	    (dd->DmaAddressWidth < 1 || dd->DmaAddressWidth > 64)) {
		hostos_warn(t->os, "IoGetDmaAdapter: DEVICE_DESCRIPTION_VERSION3 with DmaAddressWidth "
				   "%u, not 1..64 (NULL)", dd->DmaAddressWidth);
		return NULL;
	}
	if (!dd->Master) {
		hostos_warn(t->os, "IoGetDmaAdapter for system (slave) DMA, which the mock lacks "
				   "(NULL)");
		return NULL;
	}
	if (!PhysicalDeviceObject || !hostos_device_of(t->os, PhysicalDeviceObject)) {
		hostos_warn(t->os, "IoGetDmaAdapter for %p, which is no PDO of this OS (NULL)",
			    (void *)PhysicalDeviceObject);
		return NULL;
	}
	if (!hostos_pool_mem(t->os)) {
		hostos_warn(t->os, "IoGetDmaAdapter with no memory attached (NULL)");
		return NULL;
	}
	live_per_device(t, d, PhysicalDeviceObject);
	if (d->n_adapters == d->cap_adapters) {
		uint32_t cap = d->cap_adapters ? d->cap_adapters * 2 : 8;
		struct hostos_adapter **v = realloc(d->adapters, cap * sizeof(*v));

		if (!v)
			return NULL;
		d->adapters = v;
		d->cap_adapters = cap;
	}
	ad = calloc(1, sizeof(*ad));
	if (!ad)
		return NULL;
	ad->os = t->os;
	ad->pdo = PhysicalDeviceObject;
	ad->dev = hostos_dma_dev(d, PhysicalDeviceObject, false);
	/* VERSION3's DmaAddressWidth replaces both flags; before it a PCI
	 * bus master reaches at least 32 bits (spec §7.1). */
	if (dd->Version == DEVICE_DESCRIPTION_VERSION3)
		ad->addr_bits = dd->DmaAddressWidth;
	else
		ad->addr_bits = dd->Dma64BitAddresses ? 64 : 32;
	ad->limit = ad->addr_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << ad->addr_bits) - 1;
	ad->scatter_gather = dd->ScatterGather != FALSE;
	/* what the transfer needs, or fewer when the harness asked so */
	ad->max_regs = hostos_fault_map_registers(t->os, BYTES_TO_PAGES(dd->MaximumLength) + 1);
	/* As the HAL decides: a scatter/gather device that reaches all of RAM
	 * needs no map registers, so its transfers never wait for them; any
	 * other shares max_regs among its channel and lists. */
	ad->needs_regs = !ad->scatter_gather ||
			 (ad->limit != UINT64_MAX && ad->limit + 1 < bus_mem_top(hostos_pool_mem(t->os)));
	ad->site = __builtin_return_address(0);
	ad->ops = ops_template;
	if (dd->Version < DEVICE_DESCRIPTION_VERSION2)
		ad->ops.Size = (ULONG)offsetof(DMA_OPERATIONS, CalculateScatterGatherList);
	else if (dd->Version == DEVICE_DESCRIPTION_VERSION2)
		ad->ops.Size = (ULONG)offsetof(DMA_OPERATIONS, GetDmaAdapterInfo);
	ad->a.Version = 1; /* always 1 (IoGetDmaAdapter's page) */
	ad->a.Size = sizeof(DMA_ADAPTER);
	ad->a.DmaOperations = &ad->ops;
	d->adapters[d->n_adapters++] = ad;
	d->stats.adapters++;
	*NumberOfMapRegisters = ad->max_regs;
	return &ad->a;
}

PADAPTER_OBJECT NTAPI HalGetAdapter(PDEVICE_DESCRIPTION DeviceDescription,
				    PULONG NumberOfMapRegisters)
{
	struct hostos_thread *t = hostos_self("HalGetAdapter");

	(void)DeviceDescription;
	(void)NumberOfMapRegisters;
	hostos_sched_point(t);
	if (hostos_dma_verified(t->os))
		hostos_bugcheck(t, 0xE6, 0x1E, 0, 0, 0,
				"HalGetAdapter, obsolete: a WDM driver calls IoGetDmaAdapter");
	hostos_warn(t->os, "HalGetAdapter is obsolete and its description names no device object: "
			   "NULL (call IoGetDmaAdapter)");
	return NULL;
}

/* ---- queries and destroy ---- */

size_t hostos_dma_live_adapters(const struct hostos *os, struct hostos_live_adapter *out,
				size_t max)
{
	const struct hostos_dma *d = os ? os->dma : NULL;
	size_t n = 0;

	if (!d)
		return 0;
	for (uint32_t i = 0; i < d->n_adapters; i++) {
		const struct hostos_adapter *ad = d->adapters[i];

		uint64_t unflushed = 0;

		if (ad->put)
			continue;
		for (uint32_t r = 0; r < ad->n_mrbs; r++)
			for (uint32_t x = 0; x < ad->mrbs[r]->n_xfers; x++)
				unflushed += ad->mrbs[r]->xfers[x].len;
		if (n < max)
			out[n] = (struct hostos_live_adapter){ (void *)&ad->a, ad->pdo, ad->n_cbufs,
							       ad->channels + hostos_dma_waiting(ad, true),
							       ad->n_mrbs,
							       ad->n_sgs + hostos_dma_waiting(ad, false),
							       unflushed };
		n++;
	}
	return n;
}

size_t hostos_dma_live_common_buffers(const struct hostos *os,
				      struct hostos_live_common_buffer *out, size_t max)
{
	const struct hostos_dma *d = os ? os->dma : NULL;
	size_t n = 0;

	if (!d)
		return 0;
	for (uint32_t i = 0; i < d->n_adapters; i++)
		for (uint32_t k = 0; k < d->adapters[i]->n_cbufs; k++, n++)
			if (n < max)
				out[n] = (struct hostos_live_common_buffer){
					(void *)&d->adapters[i]->a, d->adapters[i]->cbufs[k].va,
					d->adapters[i]->cbufs[k].logical,
					d->adapters[i]->cbufs[k].length,
				};
	return n;
}

void hostos_dma_adapters_destroy(struct hostos_dma *d)
{
	for (uint32_t i = 0; i < d->n_adapters; i++) {
		struct hostos_adapter *ad = d->adapters[i];

		while (ad->n_sgs)
			hostos_dma_sg_free(ad, ad->sgs[ad->n_sgs - 1]);
		while (ad->n_mrbs)
			hostos_dma_mrb_free(ad, ad->mrbs[ad->n_mrbs - 1]);
		for (uint32_t k = 0; k < ad->n_cbufs; k++)
			cbuf_release(ad, &ad->cbufs[k]);
		free(ad->cbufs);
		free(ad->scratch);
		free(ad->mrbs);
		free(ad->sgs);
		free(ad->waits);
		free(ad);
	}
	free(d->adapters);
	for (uint32_t i = 0; i < d->n_devs; i++) {
		free(d->devs[i]->iova_used);
		free(d->devs[i]);
	}
	free(d->devs);
}
