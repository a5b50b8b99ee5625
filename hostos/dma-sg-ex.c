/*
 * hostos/dma-sg-ex.c - the version 3 (Windows 8) list routines of an
 * adapter: InitializeDmaTransferContext, GetScatterGatherListEx,
 * BuildScatterGatherListEx and GetDmaTransferInfo. They describe a
 * transfer by an MDL chain and a byte Offset from the start of its first
 * buffer (not by CurrentVa), and take a transfer context the driver
 * initialised; otherwise they are Get/BuildScatterGatherList (dma-sg.c):
 * the same checks, list, map registers and waiting, except that with
 * DMA_SYNCHRONOUS_CALLBACK, or without a callback, they never wait.
 */
#include "hostos/dma-adapter-internal.h"

#include <string.h>

#define TRANSFER_CONTEXT_MAGIC 0x31435444u /* "DTC1" */

NTSTATUS NTAPI hostos_dma_init_transfer_context(PDMA_ADAPTER a, PVOID ctx)
{
	struct hostos_thread *t = hostos_dma_enter(a, "InitializeDmaTransferContext",
						   (const void *)hostos_dma_init_transfer_context);
	uint32_t magic = TRANSFER_CONTEXT_MAGIC;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "InitializeDmaTransferContext");
	if (!ctx)
		return STATUS_INVALID_PARAMETER;
	memset(ctx, 0, DMA_TRANSFER_CONTEXT_SIZE_V1);
	memcpy(ctx, &magic, sizeof(magic));
	return STATUS_SUCCESS;
}

bool hostos_dma_transfer_ok(PVOID transfer)
{
	uint32_t magic = 0;

	if (transfer)
		memcpy(&magic, transfer, sizeof(magic));
	return magic == TRANSFER_CONTEXT_MAGIC;
}

bool hostos_dma_seek(PMDL *mdl, ULONGLONG *offset)
{
	while (*mdl && *offset >= (*mdl)->ByteCount) {
		*offset -= (*mdl)->ByteCount;
		*mdl = (*mdl)->Next;
	}
	return *mdl != NULL;
}

/* Get and Build (@buf non-NULL): a list of [@offset, +@len) of the chain. */
static NTSTATUS list_ex(struct hostos_thread *t, struct hostos_adapter *ad, PDEVICE_OBJECT dev,
			PVOID ctx, PMDL mdl, ULONGLONG offset, ULONG len, ULONG flags,
			PDRIVER_LIST_CONTROL routine, PVOID context, BOOLEAN write, PVOID buf,
			ULONG buf_len, PDMA_COMPLETION_ROUTINE done, PSCATTER_GATHER_LIST *out,
			const char *name, const void *site)
{
	uint8_t irql = t->cpu->irql;
	NTSTATUS st;

	hostos_dma_irql_max(t, HOSTOS_DISPATCH, name);
	if (!hostos_dma_transfer_ok(ctx) || !mdl || (!routine && !out))
		return STATUS_INVALID_PARAMETER;
	if (done)
		hostos_warn(t->os, "%s: a DmaCompletionRoutine is for system DMA; a bus master's is "
				   "never called", name);
	if (!hostos_dma_seek(&mdl, &offset))
		return STATUS_BUFFER_TOO_SMALL;
	/* The list is made at DISPATCH_LEVEL, as GetScatterGatherList's. */
	if (irql < HOSTOS_DISPATCH)
		hostos_raise(t, HOSTOS_DISPATCH, name);
	st = hostos_dma_sg_request(t, ad, dev, mdl, (uint8_t *)MmGetMdlVirtualAddress(mdl) + offset,
				   len, write, buf, buf_len, routine, context,
				   routine && !(flags & DMA_SYNCHRONOUS_CALLBACK), ctx, name, site,
				   out);
	if (irql < HOSTOS_DISPATCH)
		hostos_lower(t, irql, name);
	return st;
}

NTSTATUS NTAPI hostos_dma_get_sg_list_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID ctx, PMDL mdl,
					 ULONGLONG offset, ULONG len, ULONG flags,
					 PDRIVER_LIST_CONTROL routine, PVOID context, BOOLEAN write,
					 PDMA_COMPLETION_ROUTINE done, PVOID done_ctx,
					 PSCATTER_GATHER_LIST *out)
{
	struct hostos_thread *t = hostos_dma_enter(a, "GetScatterGatherListEx",
						   (const void *)hostos_dma_get_sg_list_ex);

	(void)done_ctx;
	return list_ex(t, (struct hostos_adapter *)a, dev, ctx, mdl, offset, len, flags, routine,
		       context, write, NULL, 0, done, out, "GetScatterGatherListEx",
		       __builtin_return_address(0));
}

NTSTATUS NTAPI hostos_dma_build_sg_list_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID ctx, PMDL mdl,
					   ULONGLONG offset, ULONG len, ULONG flags,
					   PDRIVER_LIST_CONTROL routine, PVOID context,
					   BOOLEAN write, PVOID buf, ULONG buf_len,
					   PDMA_COMPLETION_ROUTINE done, PVOID done_ctx, PVOID out)
{
	struct hostos_thread *t = hostos_dma_enter(a, "BuildScatterGatherListEx",
						   (const void *)hostos_dma_build_sg_list_ex);

	(void)done_ctx;
	if (!buf)
		return STATUS_INVALID_PARAMETER;
	return list_ex(t, (struct hostos_adapter *)a, dev, ctx, mdl, offset, len, flags, routine,
		       context, write, buf, buf_len, done, out, "BuildScatterGatherListEx",
		       __builtin_return_address(0));
}

/*
 * What a list of the transfer needs, without making it: map registers
 * (one per page piece where the adapter uses them, else none), its
 * elements (the physically contiguous runs for a transfer that goes
 * direct; one through an IOMMU or for a device without scatter/gather;
 * a piece each when bounced, as bounce frames need not be adjacent: an
 * upper bound) and the buffer BuildScatterGatherListEx wants, which is
 * CalculateScatterGatherList's size. Version 2 adds the pages.
 */
NTSTATUS NTAPI hostos_dma_get_transfer_info(PDMA_ADAPTER a, PMDL mdl, ULONGLONG offset, ULONG len,
					    BOOLEAN write_only, PDMA_TRANSFER_INFO info)
{
	struct hostos_thread *t = hostos_dma_enter(a, "GetDmaTransferInfo",
						   (const void *)hostos_dma_get_transfer_info);
	struct hostos_adapter *ad = (struct hostos_adapter *)a;
	NTSTATUS st = STATUS_BUFFER_TOO_SMALL;
	uint32_t n, elements = 1;
	bool bounce = false;

	(void)write_only; /* the mock copies what the direction needs either way */
	hostos_dma_irql_max(t, HOSTOS_DISPATCH, "GetDmaTransferInfo");
	if (!info || !mdl ||
	    (info->Version != DMA_TRANSFER_INFO_VERSION1 && info->Version != DMA_TRANSFER_INFO_VERSION2))
		return STATUS_INVALID_PARAMETER;
	if (!hostos_dma_seek(&mdl, &offset))
		return STATUS_BUFFER_TOO_SMALL;
	n = hostos_dma_cut(t, ad, mdl, (uintptr_t)MmGetMdlVirtualAddress(mdl) + (uintptr_t)offset,
			   len, true, "GetDmaTransferInfo", &st);
	if (n == 0)
		return st;
	for (uint32_t i = 0; i < n; i++) {
		const struct dma_seg *s = &ad->scratch[i];

		bounce |= s->pa + s->len - 1 > ad->limit ||
			  (!ad->scatter_gather && i && s[-1].pa + s[-1].len != s->pa);
		elements += i && s[-1].pa + s[-1].len != s->pa;
	}
	if (ad->dev && ad->dev->iommu)
		elements = 1;
	else if (bounce)
		elements = ad->scatter_gather ? n : 1;
	info->V1.MapRegisterCount = ad->needs_regs ? n : 0;
	info->V1.ScatterGatherElementCount = elements;
	info->V1.ScatterGatherListSize = (ULONG)hostos_dma_list_bytes(n);
	if (info->Version == DMA_TRANSFER_INFO_VERSION2)
		info->V2.LogicalPageCount = n;
	return STATUS_SUCCESS;
}
