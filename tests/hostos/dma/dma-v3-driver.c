/*
 * tests/hostos/dma/dma-v3-driver.c - the DMA version 3 scenarios (Windows
 * 8's DEVICE_DESCRIPTION_VERSION3 and DMA_OPERATIONS members). WDM code,
 * but not syntax-checked against mingw-w64: its DDK has neither the
 * version 3 fields of DEVICE_DESCRIPTION nor those of DMA_OPERATIONS.
 */
#include <wdm.h>

#include "dma-driver.h"

static VOID NTAPI v3_list_control(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg,
				  PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	*(PSCATTER_GATHER_LIST *)ctx = sg;
}

/* A version 3 scatter/gather bus-master adapter of the harness's device,
 * @width address bits, transfers of up to @max_length bytes (recorded in
 * dma_obs.adapter). */
static PDMA_ADAPTER v3_adapter(ULONG width, ULONG max_length, PULONG n)
{
	DEVICE_DESCRIPTION dd;
	PDMA_ADAPTER a;

	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = DEVICE_DESCRIPTION_VERSION3;
	dd.Master = TRUE;
	dd.ScatterGather = TRUE;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = max_length;
	dd.DmaAddressWidth = width;
	a = IoGetDmaAdapter((PDEVICE_OBJECT)dma_in.pdo, &dd, n);
	dma_obs.adapter = a;
	return a;
}

void dma_v3(void *arg)
{
	DMA_ADAPTER_INFO info;
	PHYSICAL_ADDRESS max, la;
	UCHAR ctx[DMA_TRANSFER_CONTEXT_SIZE_V1];
	PSCATTER_GATHER_LIST sg = NULL;
	PDMA_ADAPTER a;
	PUCHAR p, cb;
	PMDL m;
	ULONG n = 0, i;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = v3_adapter((ULONG)dma_in.version, dma_in.max_length, &n);
	dma_obs.map_regs = n;
	if (!a)
		return;
	dma_obs.status[0] = a->DmaOperations->Size;
	info.Version = DMA_ADAPTER_INFO_VERSION1;
	dma_obs.status[1] = (ULONG)a->DmaOperations->GetDmaAdapterInfo(a, &info);
	dma_obs.status[2] = info.V1.DmaAddressWidth;
	dma_obs.status[3] = info.V1.ScatterGatherLimit;
	/* A common buffer below 16 MiB. */
	max.QuadPart = 0xFFFFFF;
	cb = a->DmaOperations->AllocateCommonBufferEx(a, &max, 3000, &la, TRUE, MM_ANY_NODE_OK);
	dma_obs.va = cb;
	dma_obs.logical = (uint64_t)la.QuadPart;
	if (cb)
		a->DmaOperations->FreeCommonBuffer(a, 3000, la, cb, TRUE);
	/* A list of a 2-MDL chain from an offset inside the second MDL's
	 * predecessor, without a callback. */
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, dma_in.length + 64, 'v3mD');
	if (!p)
		return;
	for (i = 0; i < dma_in.length; i++)
		p[i] = (UCHAR)(i * 7 + 3);
	m = IoAllocateMdl(p, dma_in.length, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	dma_obs.status[4] = (ULONG)a->DmaOperations->InitializeDmaTransferContext(a, ctx);
	dma_obs.status[5] = (ULONG)a->DmaOperations->GetScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, m, 0, dma_in.length, DMA_SYNCHRONOUS_CALLBACK,
		NULL, NULL, TRUE, NULL, NULL, &sg);
	if (sg) {
		dma_obs.n_elem = sg->NumberOfElements;
		for (i = 0; i < sg->NumberOfElements && i < DMA_OBS_MAX; i++) {
			dma_obs.elem_addr[i] = (uint64_t)sg->Elements[i].Address.QuadPart;
			dma_obs.elem_len[i] = sg->Elements[i].Length;
		}
		if (dma_in.device)
			dma_in.device(dma_in.opaque, dma_obs.elem_addr, dma_obs.elem_len,
				      dma_obs.n_elem, 1);
		KeRaiseIrql(DISPATCH_LEVEL, &old);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
		KeLowerIrql(old);
	}
	/* With a callback, from an offset. */
	sg = NULL;
	(void)a->DmaOperations->InitializeDmaTransferContext(a, ctx);
	dma_obs.status[6] = (ULONG)a->DmaOperations->GetScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, m, 100, 200, 0, v3_list_control, &sg, TRUE, NULL,
		NULL, NULL);
	dma_obs.ok[0] = sg != NULL && sg->Elements[0].Length + (sg->NumberOfElements > 1 ?
								sg->Elements[1].Length : 0) == 200;
	if (sg) {
		KeRaiseIrql(DISPATCH_LEVEL, &old);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
		KeLowerIrql(old);
	}
	IoFreeMdl(m);
	ExFreePoolWithTag(p, 'v3mD');
	a->DmaOperations->PutDmaAdapter(a);
}

struct v3_waiter {
	PSCATTER_GATHER_LIST sg;
	int ran;
};

static VOID NTAPI v3_note(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	struct v3_waiter *w = ctx;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	w->sg = sg;
	w->ran = 1;
}

/*
 * GetScatterGatherListEx when map registers run short (a 32-bit device,
 * 5 registers, 4-page buffers above 4 GiB): the first list at once
 * (status[0]); with DMA_SYNCHRONOUS_CALLBACK the second fails
 * (status[1]); without it the second waits (status[2]) and its callback
 * runs inside the first list's put (ok[0]: not before, ok[1]: during).
 */
void dma_v3_wait(void *arg)
{
	UCHAR c1[DMA_TRANSFER_CONTEXT_SIZE_V1], c2[DMA_TRANSFER_CONTEXT_SIZE_V1];
	struct v3_waiter wa = { 0 }, wb = { 0 };
	PDMA_ADAPTER a;
	PUCHAR p;
	PMDL ma, mb;
	ULONG n = 0;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = v3_adapter(32, 4 * PAGE_SIZE, &n);
	dma_obs.map_regs = n;
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8 * PAGE_SIZE, 'v3mD');
	if (!a || !p)
		return;
	ma = IoAllocateMdl(p, 4 * PAGE_SIZE, FALSE, FALSE, NULL);
	mb = IoAllocateMdl(p + 4 * PAGE_SIZE, 4 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!ma || !mb)
		return;
	MmBuildMdlForNonPagedPool(ma);
	MmBuildMdlForNonPagedPool(mb);
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c1);
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c2);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c1, ma, 0, 4 * PAGE_SIZE, 0, v3_note, &wa, TRUE, NULL,
		NULL, NULL);
	dma_obs.status[1] = (ULONG)a->DmaOperations->GetScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c2, mb, 0, 4 * PAGE_SIZE, DMA_SYNCHRONOUS_CALLBACK,
		v3_note, &wb, TRUE, NULL, NULL, NULL);
	dma_obs.status[2] = (ULONG)a->DmaOperations->GetScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c2, mb, 0, 4 * PAGE_SIZE, 0, v3_note, &wb, TRUE, NULL,
		NULL, NULL);
	dma_obs.ok[0] = wa.ran && !wb.ran;
	if (wa.sg)
		a->DmaOperations->PutScatterGatherList(a, wa.sg, TRUE);
	dma_obs.ok[1] = wb.ran;
	if (wb.sg)
		a->DmaOperations->PutScatterGatherList(a, wb.sg, TRUE);
	KeLowerIrql(old);
	IoFreeMdl(ma);
	IoFreeMdl(mb);
	ExFreePoolWithTag(p, 'v3mD');
	a->DmaOperations->PutDmaAdapter(a);
}

/*
 * GetDmaTransferInfo (version 2) of 5 pages less 200 bytes at offset 100
 * of a nonpaged buffer (status[0]; nregs: MapRegisterCount, n_elem
 * before the build: its element count, size: the list size, status[4]:
 * LogicalPageCount), then BuildScatterGatherListEx into a buffer of that
 * size less one byte (status[1]), of that size without a callback
 * (status[2]; the list, read by the device stand-in, in elem_* and
 * built_elem; ok[0]:
 * the list is in the caller's buffer) and with one (status[3]; ok[1]: the
 * callback got the list in the buffer). dma_in.version is the width.
 */
void dma_v3_build_ex(void *arg)
{
	DMA_TRANSFER_INFO info;
	UCHAR ctx[DMA_TRANSFER_CONTEXT_SIZE_V1];
	PSCATTER_GATHER_LIST sg = NULL;
	PDMA_ADAPTER a;
	PUCHAR p, buf;
	PMDL m;
	ULONG n = 0, i, len = 5 * PAGE_SIZE - 200;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = v3_adapter((ULONG)dma_in.version, 64 * 1024, &n);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 5 * PAGE_SIZE, 'v3mD');
	if (!a || !p)
		return;
	for (i = 0; i < len; i++)
		p[100 + i] = (UCHAR)(i * 7 + 3);
	m = IoAllocateMdl(p, 5 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	RtlZeroMemory(&info, sizeof(info));
	info.Version = DMA_TRANSFER_INFO_VERSION2;
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetDmaTransferInfo(a, m, 100, len, TRUE, &info);
	dma_obs.nregs = info.V2.MapRegisterCount;
	dma_obs.n_elem = info.V2.ScatterGatherElementCount;
	dma_obs.size = info.V2.ScatterGatherListSize;
	dma_obs.status[4] = info.V2.LogicalPageCount;
	buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, info.V2.ScatterGatherListSize, 'v3mD');
	if (!buf)
		return;
	(void)a->DmaOperations->InitializeDmaTransferContext(a, ctx);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[1] = (ULONG)a->DmaOperations->BuildScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, m, 100, len, 0, NULL, NULL, TRUE, buf,
		info.V2.ScatterGatherListSize - 1, NULL, NULL, &sg);
	dma_obs.status[2] = (ULONG)a->DmaOperations->BuildScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, m, 100, len, 0, NULL, NULL, TRUE, buf,
		info.V2.ScatterGatherListSize, NULL, NULL, &sg);
	if (sg) {
		dma_obs.ok[0] = (PUCHAR)sg == buf;
		dma_obs.list = sg;
		for (i = 0; i < sg->NumberOfElements && i < DMA_OBS_MAX; i++) {
			dma_obs.elem_addr[i] = (uint64_t)sg->Elements[i].Address.QuadPart;
			dma_obs.elem_len[i] = sg->Elements[i].Length;
		}
		dma_obs.built_elem = sg->NumberOfElements;
		if (dma_in.device)
			dma_in.device(dma_in.opaque, dma_obs.elem_addr, dma_obs.elem_len,
				      sg->NumberOfElements, 1);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	}
	sg = NULL;
	(void)a->DmaOperations->InitializeDmaTransferContext(a, ctx);
	dma_obs.status[3] = (ULONG)a->DmaOperations->BuildScatterGatherListEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, m, 100, len, 0, v3_list_control, &sg, TRUE, buf,
		info.V2.ScatterGatherListSize, NULL, NULL, NULL);
	dma_obs.ok[1] = (PUCHAR)sg == buf;
	if (sg)
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	KeLowerIrql(old);
	IoFreeMdl(m);
	ExFreePoolWithTag(buf, 'v3mD');
	ExFreePoolWithTag(p, 'v3mD');
	a->DmaOperations->PutDmaAdapter(a);
}

static IO_ALLOCATION_ACTION NTAPI v3_keep(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb, PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	UNREFERENCED_PARAMETER(mrb);
	*(int *)ctx = 1;
	return KeepObject;
}

/*
 * The version 3 channel routines with 5 map registers (a 32-bit device,
 * pool above 4 GiB). ok[0]: AllocateAdapterChannelEx with
 * DMA_SYNCHRONOUS_CALLBACK and no routine gives 4 registers at once, which
 * MapTransfer and FlushAdapterBuffers use; FreeAdapterObject keeping the
 * registers frees the channel. status[1]: the same for 4 more fails (1
 * free). ok[1]: without the flag it waits (status[2]); ok[2]:
 * CancelAdapterChannel withdraws it (TRUE), ok[3]: a second time FALSE;
 * ok[4]: freeing the registers does not run the cancelled routine. ok[5]:
 * a GetScatterGatherListEx waiting behind the kept registers is cancelled
 * the same way. ok[6]: then AllocateAdapterChannelEx runs its routine at
 * once (KeepObject), and FreeAdapterObject(DeallocateObject) ends it.
 */
void dma_v3_channel_ex(void *arg)
{
	UCHAR c1[DMA_TRANSFER_CONTEXT_SIZE_V1], c2[DMA_TRANSFER_CONTEXT_SIZE_V1];
	UCHAR c3[DMA_TRANSFER_CONTEXT_SIZE_V1];
	PVOID base = NULL, base2 = NULL;
	PSCATTER_GATHER_LIST sg = NULL;
	PDMA_ADAPTER a;
	PUCHAR p;
	PMDL m;
	ULONG n = 0, len = PAGE_SIZE;
	int ran = 0;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = v3_adapter(32, 4 * PAGE_SIZE, &n);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4 * PAGE_SIZE, 'v3mD');
	if (!a || !p)
		return;
	m = IoAllocateMdl(p, 4 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c1);
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c2);
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c3);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->AllocateAdapterChannelEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c1, 4, DMA_SYNCHRONOUS_CALLBACK, NULL, NULL, &base);
	dma_obs.ok[0] = base != NULL;
	if (!base) {
		KeLowerIrql(old);
		return;
	}
	(void)a->DmaOperations->MapTransfer(a, m, base, p, &len, TRUE);
	dma_obs.ok[0] &= len == PAGE_SIZE;
	dma_obs.ok[0] &= a->DmaOperations->FlushAdapterBuffers(a, m, base, p, len, TRUE);
	a->DmaOperations->FreeAdapterObject(a, DeallocateObjectKeepRegisters);
	dma_obs.status[1] = (ULONG)a->DmaOperations->AllocateAdapterChannelEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c2, 4, DMA_SYNCHRONOUS_CALLBACK, NULL, NULL, &base2);
	dma_obs.status[2] = (ULONG)a->DmaOperations->AllocateAdapterChannelEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, c2, 4, 0, v3_keep, &ran, NULL);
	dma_obs.ok[1] = !ran;
	dma_obs.ok[2] = a->DmaOperations->CancelAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, c2);
	dma_obs.ok[3] = !a->DmaOperations->CancelAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, c2);
	(void)a->DmaOperations->GetScatterGatherListEx(a, (PDEVICE_OBJECT)dma_in.pdo, c3, m, 0,
						       4 * PAGE_SIZE, 0, v3_list_control, &sg,
						       TRUE, NULL, NULL, NULL);
	dma_obs.ok[5] = sg == NULL &&
			a->DmaOperations->CancelAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, c3);
	a->DmaOperations->FreeMapRegisters(a, base, 4);
	dma_obs.ok[4] = !ran && sg == NULL;
	(void)a->DmaOperations->InitializeDmaTransferContext(a, c2);
	(void)a->DmaOperations->AllocateAdapterChannelEx(a, (PDEVICE_OBJECT)dma_in.pdo, c2, 4, 0,
							 v3_keep, &ran, NULL);
	dma_obs.ok[6] = ran;
	a->DmaOperations->FreeAdapterObject(a, DeallocateObject);
	KeLowerIrql(old);
	IoFreeMdl(m);
	ExFreePoolWithTag(p, 'v3mD');
	a->DmaOperations->PutDmaAdapter(a);
}

/*
 * The version 3 packet path, a 32-bit device with pool above 4 GiB (so
 * bounced): AllocateAdapterChannelEx for the registers GetDmaTransferInfo
 * counts (status[0]), MapTransferEx of 3 pages less 200 bytes at offset
 * 100 from the device into a list of GetDmaTransferInfo's size (status[1];
 * elements in elem_*, n_elem), the device stand-in writes its pattern
 * there, the first bytes before (before_put) and after
 * (after_put) FlushAdapterBuffersEx (status[2]), FreeAdapterObject.
 * status[3]: MapTransferEx into a list one byte too small.
 */
void dma_v3_map_ex(void *arg)
{
	DMA_TRANSFER_INFO info;
	UCHAR ctx[DMA_TRANSFER_CONTEXT_SIZE_V1];
	PSCATTER_GATHER_LIST sg;
	PVOID base = NULL;
	PDMA_ADAPTER a;
	PUCHAR p;
	PMDL m;
	ULONG n = 0, i, len = 3 * PAGE_SIZE - 200, got;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = v3_adapter(32, 4 * PAGE_SIZE, &n);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 3 * PAGE_SIZE, 'v3mD');
	if (!a || !p)
		return;
	for (i = 0; i < len; i++)
		p[100 + i] = (UCHAR)(i * 7 + 3);
	m = IoAllocateMdl(p, 3 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	RtlZeroMemory(&info, sizeof(info));
	info.Version = DMA_TRANSFER_INFO_VERSION1;
	if (a->DmaOperations->GetDmaTransferInfo(a, m, 100, len, FALSE, &info) != STATUS_SUCCESS)
		return;
	sg = ExAllocatePool2(POOL_FLAG_NON_PAGED, info.V1.ScatterGatherListSize, 'v3mD');
	if (!sg)
		return;
	(void)a->DmaOperations->InitializeDmaTransferContext(a, ctx);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->AllocateAdapterChannelEx(
		a, (PDEVICE_OBJECT)dma_in.pdo, ctx, info.V1.MapRegisterCount,
		DMA_SYNCHRONOUS_CALLBACK, NULL, NULL, &base);
	if (!base) {
		KeLowerIrql(old);
		return;
	}
	got = len;
	dma_obs.status[3] = (ULONG)a->DmaOperations->MapTransferEx(
		a, base, m, 100, 0, &got, FALSE, sg, info.V1.ScatterGatherListSize - 1, NULL, NULL);
	got = len;
	dma_obs.status[1] = (ULONG)a->DmaOperations->MapTransferEx(
		a, base, m, 100, 0, &got, FALSE, sg, info.V1.ScatterGatherListSize, NULL, NULL);
	dma_obs.size = got;
	dma_obs.n_elem = sg->NumberOfElements;
	for (i = 0; i < sg->NumberOfElements && i < DMA_OBS_MAX; i++) {
		dma_obs.elem_addr[i] = (uint64_t)sg->Elements[i].Address.QuadPart;
		dma_obs.elem_len[i] = sg->Elements[i].Length;
	}
	if (dma_in.device)
		dma_in.device(dma_in.opaque, dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 0);
	RtlCopyMemory(dma_obs.before_put, p + 100, 16);
	dma_obs.status[2] = (ULONG)a->DmaOperations->FlushAdapterBuffersEx(a, m, base, 100, got,
									    FALSE);
	RtlCopyMemory(dma_obs.after_put, p + 100, 16);
	a->DmaOperations->FreeAdapterObject(a, DeallocateObject);
	KeLowerIrql(old);
	IoFreeMdl(m);
	ExFreePoolWithTag(sg, 'v3mD');
	ExFreePoolWithTag(p, 'v3mD');
	a->DmaOperations->PutDmaAdapter(a);
}
