/*
 * hostos/dma-map.c - packet DMA through an adapter (spec §7.3, §7.4):
 * AllocateAdapterChannel with its AdapterControl, map register sets,
 * MapTransfer, FlushAdapterBuffers, FreeMapRegisters, FreeAdapterChannel,
 * DMA Verification's checks on them, and IoCompleteRequest's check of a
 * buffer still mapped. A map register set is what AdapterControl's
 * MapRegisterBase points at; each MapTransfer maps one run of the driver's
 * buffer through it (the pieces, their logical addresses and bounce
 * frames made by dma-sg.c) until a flush ends every transfer it maps.
 */
#include "hostos/dma-adapter-internal.h"

#include <stdlib.h>
#include <string.h>

#include "hostos/fault-internal.h"

/* ---- adapter channels and map registers ---- */

static struct hostos_mrb *mrb_find(struct hostos_adapter *ad, const void *p)
{
	for (uint32_t i = ad->n_mrbs; i-- > 0;)
		if (ad->mrbs[i] == p)
			return ad->mrbs[i];
	return NULL;
}

static struct hostos_mrb *mrb_new(struct hostos_adapter *ad, ULONG n)
{
	struct hostos_mrb *m;

	if (ad->n_mrbs == ad->cap_mrbs) {
		uint32_t cap = ad->cap_mrbs ? ad->cap_mrbs * 2 : 8;
		struct hostos_mrb **v = realloc(ad->mrbs, cap * sizeof(*v));

		if (!v)
			return NULL;
		ad->mrbs = v;
		ad->cap_mrbs = cap;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->magic = DMA_MRB_MAGIC;
	m->ad = ad;
	m->count = n;
	ad->mrbs[ad->n_mrbs++] = m;
	if (ad->needs_regs)
		ad->regs_used += n;
	return m;
}

void hostos_dma_mrb_free(struct hostos_adapter *ad, struct hostos_mrb *m)
{
	for (uint32_t i = 0; i < ad->n_mrbs; i++)
		if (ad->mrbs[i] == m) {
			ad->mrbs[i] = ad->mrbs[--ad->n_mrbs];
			break;
		}
	for (uint32_t i = 0; i < m->n_xfers; i++) {
		hostos_dma_segs_release(ad, m->xfers[i].segs, m->xfers[i].n_segs, !m->xfers[i].write,
					false);
		free(m->xfers[i].segs);
	}
	free(m->xfers);
	if (ad->needs_regs)
		ad->regs_used -= m->count;
	m->magic = 0;
	free(m);
}

/* Freeing registers that still map a transfer (not flushed): 0xE6/0x0D
 * with the verifier; without it the bounced data is lost, as it would be. */
static void mrb_release(struct hostos_thread *t, struct hostos_adapter *ad, struct hostos_mrb *m,
			const char *routine)
{
	if (m->n_xfers && hostos_dma_verified(t->os)) {
		uint64_t bytes = 0;

		for (uint32_t i = 0; i < m->n_xfers; i++)
			bytes += m->xfers[i].len;
		hostos_bugcheck(t, 0xE6, 0x0D, bytes, (uint64_t)m->count * PAGE_SIZE, 0,
				"%s while %llu mapped bytes were never flushed "
				"(FlushAdapterBuffers)", routine, (unsigned long long)bytes);
	}
	hostos_dma_mrb_free(ad, m);
}

void hostos_dma_run_control(struct hostos_thread *t, struct hostos_adapter *ad, PDEVICE_OBJECT dev,
			    ULONG n, PDRIVER_CONTROL routine, PVOID ctx)
{
	struct hostos_mrb *m = mrb_new(ad, n);
	struct hostos_frame f;
	IO_ALLOCATION_ACTION act;

	if (!m)
		hostos_bugcheck(t, 0x45, 0, 0, 0, 0,
				"AllocateAdapterChannel: the host ran out of memory for map registers");
	ad->channels = 1;
	hostos_frame_enter(t, &f, HOSTOS_CTX_DPC, (const void *)routine);
	act = routine(dev, dev ? dev->CurrentIrp : NULL, m, ctx);
	hostos_dma_callback_irql(t, &f, "AdapterControl");
	hostos_frame_leave(t, &f);
	switch (act) {
	case KeepObject:
		ad->channel_mrb = m;
		return;
	case DeallocateObjectKeepRegisters:
		break;
	default:
		if (act != DeallocateObject)
			hostos_warn(t->os, "AdapterControl returned %d, not an IO_ALLOCATION_ACTION "
					   "(taken as DeallocateObject)", (int)act);
		if (m->n_xfers && hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x10, m->n_xfers, 0, 0,
					"AdapterControl returned DeallocateObject with %u transfer(s) "
					"still mapped (use DeallocateObjectKeepRegisters)",
					m->n_xfers);
		hostos_dma_mrb_free(ad, m);
		break;
	}
	ad->channels = 0;
	hostos_dma_serve(t, ad); /* the channel, and maybe registers, are free */
}

/* What a channel request is checked for before it is granted or waits:
 * fault injection at @site, more registers than the adapter has (0xE6/
 * 0x15), a second channel (0x0B). False: STATUS_INSUFFICIENT_RESOURCES. */
static bool channel_checks(struct hostos_thread *t, struct hostos_adapter *ad, ULONG n,
			   const char *routine, const void *site)
{
	if (hostos_fault_check(t->os, HOSTOS_FAULT_MAP_REGISTERS, site))
		return false;
	if (n > ad->max_regs) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x15, n, ad->max_regs, 0,
					"%s for %u map registers; the adapter allows %u", routine, n,
					ad->max_regs);
		return false;
	}
	if ((ad->channels || hostos_dma_waiting(ad, true)) && hostos_dma_verified(t->os))
		hostos_bugcheck(t, 0xE6, 0x0B, ad->channels + hostos_dma_waiting(ad, true), 0, 0,
				"%s while this adapter's channel is %s (one at a time)", routine,
				ad->channels ? "held" : "asked for already");
	return true;
}

NTSTATUS NTAPI hostos_dma_allocate_adapter_channel(PDMA_ADAPTER a, PDEVICE_OBJECT dev, ULONG n,
						   PDRIVER_CONTROL routine, PVOID ctx)
{
	struct hostos_thread *t = hostos_dma_enter(a, "AllocateAdapterChannel",
						   (const void *)hostos_dma_allocate_adapter_channel);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;

	hostos_dma_irql_eq(t, HOSTOS_DISPATCH, "AllocateAdapterChannel");
	if (!routine)
		return STATUS_INVALID_PARAMETER;
	if (!channel_checks(t, ad, n, "AllocateAdapterChannel", __builtin_return_address(0)))
		return STATUS_INSUFFICIENT_RESOURCES;
	if (hostos_dma_must_wait(ad, true, n)) {
		/* AdapterControl runs when the channel and the registers are
		 * free: from the call that frees them. */
		struct dma_wait w = { .list = false, .n = n, .dev = dev, .ctx = ctx,
				      .control = routine, .routine = "AllocateAdapterChannel" };

		return hostos_dma_wait_add(ad, &w) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	hostos_dma_run_control(t, ad, dev, n, routine, ctx);
	return STATUS_SUCCESS;
}

/* FreeAdapterChannel, or FreeAdapterObject with its action: the channel
 * goes, its map registers too unless @keep_regs (then they are a set the
 * driver frees with FreeMapRegisters), and waiting requests may run. */
static void channel_free(struct hostos_thread *t, struct hostos_adapter *ad, bool keep_regs,
			 const char *routine)
{
	/* A channel asked for and not granted yet: freeing it assumes an
	 * AdapterControl that has not run. */
	if (!ad->channels && hostos_dma_waiting(ad, true)) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x23, 0, 0, 0,
					"%s of a channel still waiting to be granted (its "
					"AdapterControl has not run)", routine);
		hostos_warn(t->os, "%s of a channel still waiting to be granted: the request is "
				   "withdrawn, its AdapterControl never runs", routine);
		hostos_dma_wait_cancel_channel(ad);
		return;
	}
	if (!ad->channels || !ad->channel_mrb) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x04, 1, 0, 0,
					"%s with no channel held (AdapterControl did not return "
					"KeepObject)", routine);
		hostos_warn(t->os, "%s with no channel held (ignored)", routine);
		return;
	}
	if (!keep_regs)
		mrb_release(t, ad, ad->channel_mrb, routine);
	ad->channel_mrb = NULL;
	ad->channels = 0;
	hostos_dma_serve(t, ad);
}

VOID NTAPI hostos_dma_free_adapter_channel(PDMA_ADAPTER a)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FreeAdapterChannel",
						   (const void *)hostos_dma_free_adapter_channel);

	hostos_dma_irql_eq(t, HOSTOS_DISPATCH, "FreeAdapterChannel");
	channel_free(t, (struct hostos_adapter *)a, false, "FreeAdapterChannel");
}

VOID NTAPI hostos_dma_free_map_registers(PDMA_ADAPTER a, PVOID mrb, ULONG n)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FreeMapRegisters",
						   (const void *)hostos_dma_free_map_registers);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_mrb *m = mrb_find(ad, mrb);

	hostos_dma_irql_eq(t, HOSTOS_DISPATCH, "FreeMapRegisters");
	if (!m || m == ad->channel_mrb || n > m->count) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x05, m && m != ad->channel_mrb ? n - m->count : n,
					0, 0,
					"FreeMapRegisters of %u register(s) at %p, %s", n, mrb,
					!m ? "which are not allocated (freed already?)"
					   : m == ad->channel_mrb ? "which belong to the held channel"
								  : "more than were allocated");
		hostos_warn(t->os, "FreeMapRegisters of registers not allocated (ignored)");
		return;
	}
	mrb_release(t, ad, m, "FreeMapRegisters");
	hostos_dma_serve(t, ad);
}

/*
 * Version 3: AllocateAdapterChannelEx is AllocateAdapterChannel with a DMA
 * transfer context (by which CancelAdapterChannel withdraws it while it
 * waits) and DMA_SYNCHRONOUS_CALLBACK (fail rather than wait; then the
 * routine may be NULL and the channel and registers are the caller's at
 * once, *MapRegisterBase, until FreeAdapterObject). It may be called up
 * to DISPATCH_LEVEL; AdapterControl runs at DISPATCH_LEVEL.
 */
NTSTATUS NTAPI hostos_dma_allocate_adapter_channel_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev,
						      PVOID transfer, ULONG n, ULONG flags,
						      PDRIVER_CONTROL routine, PVOID ctx,
						      PVOID *base)
{
	struct hostos_thread *t = hostos_dma_enter(a, "AllocateAdapterChannelEx",
						   (const void *)hostos_dma_allocate_adapter_channel_ex);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	bool sync = (flags & DMA_SYNCHRONOUS_CALLBACK) != 0;
	uint8_t irql = t->cpu->irql;
	struct hostos_mrb *m;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "AllocateAdapterChannelEx");
	if (!hostos_dma_transfer_ok(transfer) || (!routine && !(sync && base)))
		return STATUS_INVALID_PARAMETER;
	if (!channel_checks(t, ad, n, "AllocateAdapterChannelEx", __builtin_return_address(0)))
		return STATUS_INSUFFICIENT_RESOURCES;
	if (hostos_dma_must_wait(ad, true, n)) {
		struct dma_wait w = { .list = false, .n = n, .dev = dev, .ctx = ctx,
				      .control = routine, .routine = "AllocateAdapterChannelEx",
				      .transfer = transfer };

		if (sync)
			return STATUS_INSUFFICIENT_RESOURCES;
		return hostos_dma_wait_add(ad, &w) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	if (!routine) {
		m = mrb_new(ad, n);
		if (!m)
			return STATUS_INSUFFICIENT_RESOURCES;
		ad->channels = 1;
		ad->channel_mrb = m;
		*base = m;
		return STATUS_SUCCESS;
	}
	if (irql < HOSTOS_DISPATCH)
		hostos_raise(t, HOSTOS_DISPATCH, "AllocateAdapterChannelEx");
	hostos_dma_run_control(t, ad, dev, n, routine, ctx);
	if (irql < HOSTOS_DISPATCH)
		hostos_lower(t, irql, "AllocateAdapterChannelEx");
	return STATUS_SUCCESS;
}

BOOLEAN NTAPI hostos_dma_cancel_adapter_channel(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID transfer)
{
	struct hostos_thread *t = hostos_dma_enter(a, "CancelAdapterChannel",
						   (const void *)hostos_dma_cancel_adapter_channel);

	(void)dev;
	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "CancelAdapterChannel");
	return hostos_dma_wait_cancel((struct hostos_adapter *)a, transfer) ? TRUE : FALSE;
}

VOID NTAPI hostos_dma_free_adapter_object(PDMA_ADAPTER a, IO_ALLOCATION_ACTION action)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FreeAdapterObject",
						   (const void *)hostos_dma_free_adapter_object);

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "FreeAdapterObject");
	if (action != DeallocateObject && action != DeallocateObjectKeepRegisters) {
		hostos_warn(t->os, "FreeAdapterObject with action %d: DeallocateObject or "
				   "DeallocateObjectKeepRegisters (ignored)", (int)action);
		return;
	}
	channel_free(t, (struct hostos_adapter *)a, action == DeallocateObjectKeepRegisters,
		     "FreeAdapterObject");
}

/* The map register set @mrb of @ad, with 0xE6/0x16 for anything else. */
static struct hostos_mrb *mrb_check(struct hostos_thread *t, struct hostos_adapter *ad,
				    PVOID mrb, const char *routine)
{
	struct hostos_mrb *m = mrb_find(ad, mrb);

	if (!m)
		hostos_bugcheck(t, 0xE6, 0x16, (uintptr_t)mrb, 0, 0,
				"%s with map register base %p, which is not allocated", routine,
				mrb);
	return m;
}

/*
 * Map [@va, @va + *@len) of @mdl's chain through the set @m: one logical
 * run (@whole false, MapTransfer: for a scatter/gather device without an
 * IOMMU as much as is physically contiguous already, the driver calls
 * again for the rest; otherwise all of it, contiguous), or every piece
 * (@whole, MapTransferEx: contiguous only for a device without
 * scatter/gather). *@len becomes the bytes mapped (0: none). Returns the
 * transfer recorded, or NULL.
 */
static const struct dma_xfer *map_range(struct hostos_thread *t, struct hostos_adapter *ad,
					struct hostos_mrb *m, PMDL mdl, PVOID va, PULONG len,
					BOOLEAN write, bool whole, const char *routine)
{
	struct dma_xfer x = { 0 };
	NTSTATUS st;
	uint32_t n, keep;
	bool contig = !whole || !ad->scatter_gather;

	n = hostos_dma_cut(t, ad, mdl, (uintptr_t)va, *len, false, routine, &st);
	if (n + m->used > m->count) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x0C, n + m->used, m->count, 0,
					"%s of %u bytes needs %u map registers; %u were allocated",
					routine, *len, n + m->used, m->count);
		n = m->count - m->used; /* map what fits */
	}
	*len = 0;
	if (n == 0)
		return NULL;
	x.segs = malloc(n * sizeof(*x.segs));
	if (!x.segs)
		return NULL;
	memcpy(x.segs, ad->scratch, n * sizeof(*x.segs));
	keep = n;
	if (!whole && ad->scatter_gather && !(ad->dev && ad->dev->iommu)) {
		keep = 1;
		while (keep < n && x.segs[keep - 1].pa + x.segs[keep - 1].len == x.segs[keep].pa)
			keep++;
	}
	/* 0xE6/0x1D: a range of this MDL some map registers map already. */
	if (hostos_dma_verified(t->os)) {
		uintptr_t lo = (uintptr_t)va, hi = lo;

		for (uint32_t i = 0; i < keep; i++)
			hi += x.segs[i].len;
		for (uint32_t r = 0; r < ad->n_mrbs; r++)
			for (uint32_t i = 0; i < ad->mrbs[r]->n_xfers; i++) {
				const struct dma_xfer *o = &ad->mrbs[r]->xfers[i];

				if (o->mdl == mdl && o->va < hi && lo < o->va + o->len) {
					free(x.segs);
					hostos_bugcheck(t, 0xE6, 0x1D, lo, hi - 1,
							o->segs[0].logical,
							"%s of %p..%p of MDL %p, which is mapped "
							"already (at 0x%llx)", routine, (void *)lo,
							(void *)(hi - 1), (void *)mdl,
							(unsigned long long)o->segs[0].logical);
				}
			}
	}
	if (!hostos_dma_assign(ad, x.segs, keep, write != FALSE, contig)) {
		free(x.segs);
		hostos_dma_contig_short(t, ad, keep, contig, routine);
		return NULL;
	}
	if (m->n_xfers == m->cap_xfers) {
		uint32_t cap = m->cap_xfers ? m->cap_xfers * 2 : 4;
		struct dma_xfer *v = realloc(m->xfers, cap * sizeof(*v));

		if (!v) {
			hostos_dma_segs_release(ad, x.segs, keep, false, false);
			free(x.segs);
			return NULL;
		}
		m->xfers = v;
		m->cap_xfers = cap;
	}
	x.mdl = mdl;
	x.va = (uintptr_t)va;
	x.write = write != FALSE;
	x.n_segs = keep;
	for (uint32_t i = 0; i < keep; i++)
		x.len += x.segs[i].len;
	m->xfers[m->n_xfers] = x;
	m->used += keep;
	t->os->dma->stats.map_transfers++;
	*len = x.len;
	return &m->xfers[m->n_xfers++];
}

PHYSICAL_ADDRESS NTAPI hostos_dma_map_transfer(PDMA_ADAPTER a, PMDL mdl, PVOID mrb, PVOID va,
					       PULONG len, BOOLEAN write)
{
	struct hostos_thread *t = hostos_dma_enter(a, "MapTransfer",
						   (const void *)hostos_dma_map_transfer);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	PHYSICAL_ADDRESS out = { .QuadPart = 0 };
	const struct dma_xfer *x;
	struct hostos_mrb *m;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "MapTransfer");
	m = mrb_check(t, ad, mrb, "MapTransfer");
	if (!mdl || !len)
		return out;
	x = map_range(t, ad, m, mdl, va, len, write, false, "MapTransfer");
	if (x)
		out.QuadPart = (LONGLONG)x->segs[0].logical;
	return out;
}

/* Version 3: every piece of [Offset, +*Length) of the chain mapped at once,
 * its list written into the caller's buffer (GetDmaTransferInfo's size). */
NTSTATUS NTAPI hostos_dma_map_transfer_ex(PDMA_ADAPTER a, PVOID mrb, PMDL mdl, ULONGLONG offset,
					  ULONG dev_offset, PULONG len, BOOLEAN write,
					  PSCATTER_GATHER_LIST sg, ULONG sg_len,
					  PDMA_COMPLETION_ROUTINE done, PVOID done_ctx)
{
	struct hostos_thread *t = hostos_dma_enter(a, "MapTransferEx",
						   (const void *)hostos_dma_map_transfer_ex);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	const struct dma_xfer *x;
	struct hostos_mrb *m;
	NTSTATUS st = STATUS_BUFFER_TOO_SMALL;
	PVOID va;
	uint32_t n;

	(void)dev_offset; /* system DMA's */
	(void)done_ctx;
	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "MapTransferEx");
	m = mrb_check(t, ad, mrb, "MapTransferEx");
	if (!mdl || !len || !sg)
		return STATUS_INVALID_PARAMETER;
	if (done)
		hostos_warn(t->os, "MapTransferEx: a DmaCompletionRoutine is for system DMA; a bus "
				   "master's is never called");
	if (!hostos_dma_seek(&mdl, &offset))
		return STATUS_BUFFER_TOO_SMALL;
	va = (uint8_t *)MmGetMdlVirtualAddress(mdl) + offset;
	/* The list must fit before anything is mapped. */
	n = hostos_dma_cut(t, ad, mdl, (uintptr_t)va, *len, false, "MapTransferEx", &st);
	if (n == 0)
		return st;
	if (sg_len < hostos_dma_list_bytes(n < m->count - m->used ? n : m->count - m->used))
		return STATUS_BUFFER_TOO_SMALL;
	x = map_range(t, ad, m, mdl, va, len, write, true, "MapTransferEx");
	if (!x)
		return STATUS_INSUFFICIENT_RESOURCES;
	hostos_dma_merge(x->segs, x->n_segs, sg);
	return STATUS_SUCCESS;
}

/* A flush of the transfer MapTransfer(Ex) started at @va of @mdl through
 * @m: false (0xE6/0x20 with the verifier) when none did. A flush ends
 * every transfer those registers map: each piece is copied back (from the
 * device) and released. */
static bool flush(struct hostos_thread *t, struct hostos_adapter *ad, struct hostos_mrb *m,
		  PMDL mdl, PVOID va, ULONG len, const char *routine)
{
	bool found = false;

	/* 0xE6/0x00, P2 = 1: a flush longer than what is left of the MDL
	 * chain from CurrentVa (P3 bytes left, P4 bytes asked). */
	if (mdl && hostos_dma_verified(t->os)) {
		uintptr_t base = (uintptr_t)MmGetMdlVirtualAddress(mdl);
		uint64_t left = 0;

		if ((uintptr_t)va >= base && (uintptr_t)va - base < mdl->ByteCount) {
			left = mdl->ByteCount - ((uintptr_t)va - base);
			for (PMDL n = mdl->Next; n; n = n->Next)
				left += n->ByteCount;
		}
		if (len > left)
			hostos_bugcheck(t, 0xE6, 0x00, 1, left, len,
					"%s of %u bytes at %p; the MDL chain has %llu from there",
					routine, len, va, (unsigned long long)left);
	}
	for (uint32_t i = 0; i < m->n_xfers; i++)
		found |= m->xfers[i].mdl == mdl && m->xfers[i].va == (uintptr_t)va;
	if (!found) {
		if (hostos_dma_verified(t->os))
			hostos_bugcheck(t, 0xE6, 0x20, (uintptr_t)m, (uintptr_t)va, (uintptr_t)mdl,
					"%s at %p of MDL %p, where no MapTransfer of these map "
					"registers started", routine, va, (void *)mdl);
		return false;
	}
	for (uint32_t i = 0; i < m->n_xfers; i++) {
		hostos_dma_segs_release(ad, m->xfers[i].segs, m->xfers[i].n_segs, !m->xfers[i].write,
					true);
		free(m->xfers[i].segs);
	}
	m->n_xfers = 0;
	m->used = 0;
	t->os->dma->stats.flushes++;
	return true;
}

BOOLEAN NTAPI hostos_dma_flush_adapter_buffers(PDMA_ADAPTER a, PMDL mdl, PVOID mrb, PVOID va,
					       ULONG len, BOOLEAN write)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FlushAdapterBuffers",
						   (const void *)hostos_dma_flush_adapter_buffers);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_mrb *m;

	(void)write;
	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "FlushAdapterBuffers");
	m = mrb_check(t, ad, mrb, "FlushAdapterBuffers");
	return flush(t, ad, m, mdl, va, len, "FlushAdapterBuffers") ? TRUE : FALSE;
}

NTSTATUS NTAPI hostos_dma_flush_adapter_buffers_ex(PDMA_ADAPTER a, PMDL mdl, PVOID mrb,
						   ULONGLONG offset, ULONG len, BOOLEAN write)
{
	struct hostos_thread *t = hostos_dma_enter(a, "FlushAdapterBuffersEx",
						   (const void *)hostos_dma_flush_adapter_buffers_ex);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	struct hostos_mrb *m;

	(void)write;
	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "FlushAdapterBuffersEx");
	m = mrb_check(t, ad, mrb, "FlushAdapterBuffersEx");
	if (!mdl || !hostos_dma_seek(&mdl, &offset))
		return STATUS_INVALID_PARAMETER;
	return flush(t, ad, m, mdl, (uint8_t *)MmGetMdlVirtualAddress(mdl) + offset, len,
		     "FlushAdapterBuffersEx")
		       ? STATUS_SUCCESS
		       : STATUS_INVALID_PARAMETER;
}

void hostos_dma_check_complete(struct hostos_thread *t, void *mdl)
{
	struct hostos_dma *d = t->os->dma;

	if (!mdl || !d || !hostos_dma_verified(t->os))
		return;
	for (uint32_t i = 0; i < d->n_adapters; i++) {
		const struct hostos_adapter *ad = d->adapters[i];

		for (uint32_t r = 0; r < ad->n_mrbs; r++) {
			const struct hostos_mrb *m = ad->mrbs[r];
			uint64_t bytes = 0;

			for (uint32_t x = 0; x < m->n_xfers; x++)
				for (PMDL c = mdl; c; c = c->Next)
					if (m->xfers[x].mdl == c)
						bytes += m->xfers[x].len;
			if (bytes)
				hostos_bugcheck(t, 0xE6, 0x0D, bytes, (uint64_t)m->count * PAGE_SIZE, 0,
						"IoCompleteRequest of an IRP whose buffer has %llu "
						"bytes mapped by MapTransfer and never flushed "
						"(FlushAdapterBuffers)", (unsigned long long)bytes);
		}
	}
}
