/*
 * tests/hostos/dma/dma-wait-driver.c - scenarios where the driver's
 * AdapterControl or AdapterListControl has to wait for map registers or
 * the channel, and the DMA Verification codes around them (0xE6/0x00
 * P2 2, 0x08, 0x0D at IoCompleteRequest, 0x11, 0x14, 0x1B, 0x1E, 0x1F,
 * 0x23). WDM code; it also
 * compiles against mingw-w64's DDK. The harness sets dma_in (a 32-bit
 * device and pool above 4 GiB, so every transfer takes map registers)
 * and reads dma_obs.
 */
#include <ntddk.h>

#include "dma-driver-internal.h"
#include "dma-driver.h"

#define TAG 'awDT'

/* When each callback ran: 0 not yet, else its place in the order. */
static LONG seq;

struct waiter {
	PSCATTER_GATHER_LIST sg;
	PVOID mrb;
	LONG order;
};

static VOID NTAPI note_list(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	struct waiter *w = ctx;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	w->sg = sg;
	w->order = ++seq;
}

static IO_ALLOCATION_ACTION NTAPI note_channel(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb, PVOID ctx)
{
	struct waiter *w = ctx;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	w->mrb = mrb;
	w->order = ++seq;
	return DeallocateObjectKeepRegisters;
}

/* A locked or built buffer of @pages pages and its MDL. */
static PMDL page_buffer(ULONG pages)
{
	PUCHAR p = dma_drv_buffer(pages * PAGE_SIZE);

	return p ? dma_drv_describe(p, pages * PAGE_SIZE) : NULL;
}

static void drop_buffer(PMDL m)
{
	PVOID p = MmGetMdlVirtualAddress(m);

	dma_drv_undescribe(m);
	ExFreePool(p);
}

static NTSTATUS get_list(PDMA_ADAPTER a, PMDL m, struct waiter *w)
{
	return a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						      MmGetMdlVirtualAddress(m),
						      MmGetMdlByteCount(m), note_list, w, TRUE);
}

/*
 * With 5 map registers: list A (4 pages) at once; B (4) waits; C (1)
 * would fit but waits behind B. Putting A grants B, then C, inside the
 * put. ok[0]: A ran, B and C not; ok[1]: B then C after the put; ok[2]:
 * B's elements are below 4 GiB (bounced). status[0..2]: the three calls.
 */
void dma_wait_lists(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL ma = page_buffer(4), mb = page_buffer(4), mc = page_buffer(1);
	struct waiter wa = { 0 }, wb = { 0 }, wc = { 0 };
	KIRQL old;
	ULONG i;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !ma || !mb || !mc)
		return;
	seq = 0;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (uint32_t)get_list(a, ma, &wa);
	dma_obs.status[1] = (uint32_t)get_list(a, mb, &wb);
	dma_obs.status[2] = (uint32_t)get_list(a, mc, &wc);
	dma_obs.ok[0] = wa.order == 1 && wb.order == 0 && wc.order == 0;
	a->DmaOperations->PutScatterGatherList(a, wa.sg, TRUE);
	dma_obs.ok[1] = wb.order == 2 && wc.order == 3;
	if (wb.sg) {
		dma_obs.ok[2] = 1;
		for (i = 0; i < wb.sg->NumberOfElements; i++)
			dma_obs.ok[2] &= (ULONG64)wb.sg->Elements[i].Address.QuadPart +
						 wb.sg->Elements[i].Length <= 0x100000000ULL;
		a->DmaOperations->PutScatterGatherList(a, wb.sg, TRUE);
	}
	if (wc.sg)
		a->DmaOperations->PutScatterGatherList(a, wc.sg, TRUE);
	KeLowerIrql(old);
	a->DmaOperations->PutDmaAdapter(a);
	drop_buffer(ma);
	drop_buffer(mb);
	drop_buffer(mc);
}

/*
 * A device without scatter/gather: a channel of 3 registers kept after
 * AdapterControl (DeallocateObjectKeepRegisters), then a second of 3 that
 * waits for them; FreeMapRegisters of the first grants the second inside
 * the call. ok[0]: the second waits; ok[1]: it ran during the free.
 */
void dma_wait_channel(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	struct waiter c1 = { 0 }, c2 = { 0 };
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a)
		return;
	seq = 0;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (uint32_t)a->DmaOperations->AllocateAdapterChannel(
		a, (PDEVICE_OBJECT)dma_in.pdo, 3, note_channel, &c1);
	dma_obs.status[1] = (uint32_t)a->DmaOperations->AllocateAdapterChannel(
		a, (PDEVICE_OBJECT)dma_in.pdo, 3, note_channel, &c2);
	dma_obs.ok[0] = c1.order == 1 && c2.order == 0;
	a->DmaOperations->FreeMapRegisters(a, c1.mrb, 3);
	dma_obs.ok[1] = c2.order == 2;
	if (c2.mrb)
		a->DmaOperations->FreeMapRegisters(a, c2.mrb, 3);
	KeLowerIrql(old);
	a->DmaOperations->PutDmaAdapter(a);
}

/* The second channel of dma_wait_channel freed before it was granted:
 * 0xE6/0x23; without the verifier the request is withdrawn (ok[0]: its
 * AdapterControl did not run, not even when the first's registers are
 * freed). */
void dma_bad_free_waiting_channel(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	struct waiter c1 = { 0 }, c2 = { 0 };
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->AllocateAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, 3,
						       note_channel, &c1);
	(void)a->DmaOperations->AllocateAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, 3,
						       note_channel, &c2);
	a->DmaOperations->FreeAdapterChannel(a);
	a->DmaOperations->FreeMapRegisters(a, c1.mrb, 3);
	dma_obs.ok[0] = c2.order == 0;
	KeLowerIrql(old);
	a->DmaOperations->PutDmaAdapter(a);
}

/* PutDmaAdapter while list B still waits (A is granted): 0xE6/0x08 with
 * P3 = 1 (the waiting request). */
void dma_bad_put_waiting(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL ma = page_buffer(4), mb = page_buffer(4);
	struct waiter wa = { 0 }, wb = { 0 };
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !ma || !mb)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)get_list(a, ma, &wa);
	(void)get_list(a, mb, &wb);
	KeLowerIrql(old);
	a->DmaOperations->PutDmaAdapter(a);
}

static VOID NTAPI raise_and_return(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg,
				   PVOID ctx)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	UNREFERENCED_PARAMETER(sg);
	UNREFERENCED_PARAMETER(ctx);
	KeRaiseIrql(HIGH_LEVEL, &old);
}

/* An AdapterListControl that returns at HIGH_LEVEL: 0xE6/0x14. */
void dma_bad_callback_irql(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL m = page_buffer(1);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !m)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						     MmGetMdlVirtualAddress(m), PAGE_SIZE,
						     raise_and_return, NULL, TRUE);
	KeLowerIrql(old);
}

/* The obsolete HalGetAdapter: 0xE6/0x1E with DMA Verification, else
 * NULL (ok[0]). */
void dma_hal_get_adapter(void *arg)
{
	DEVICE_DESCRIPTION dd;
	ULONG n = 0;

	UNREFERENCED_PARAMETER(arg);
	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = DEVICE_DESCRIPTION_VERSION;
	dd.Master = TRUE;
	dd.ScatterGather = TRUE;
	dd.Dma32BitAddresses = TRUE;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = PAGE_SIZE;
	dma_obs.ok[0] = HalGetAdapter(&dd, &n) == NULL;
}

/* An adapter got per request and never put: the 17th is 0xE6/0x11. */
void dma_bad_many_adapters(void *arg)
{
	int i;

	UNREFERENCED_PARAMETER(arg);
	for (i = 0; i < 17; i++)
		if (!dma_drv_adapter())
			return;
}

/* A list of a 2-page buffer for a device without scatter/gather, whose
 * bounce frames must be contiguous (the harness leaves none adjacent
 * below 4 GiB): status[0] (without DMA Verification). */
void dma_contig_short(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL m = page_buffer(2);
	struct waiter w = { 0 };
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !m)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (uint32_t)get_list(a, m, &w);
	if (w.sg)
		a->DmaOperations->PutScatterGatherList(a, w.sg, TRUE);
	KeLowerIrql(old);
	a->DmaOperations->PutDmaAdapter(a);
	drop_buffer(m);
}

/* GetScatterGatherList at CurrentVa one byte before the MDL: 0xE6/0x1F,
 * P2 = 1. dma_obs.va and .mdl are the address and the MDL. */
void dma_bad_va_before(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL m = page_buffer(2);
	struct waiter w = { 0 };
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !m)
		return;
	dma_obs.mdl = m;
	dma_obs.va = (PUCHAR)MmGetMdlVirtualAddress(m) - 1;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m, dma_obs.va,
						     16, note_list, &w, TRUE);
	KeLowerIrql(old);
}

static IO_ALLOCATION_ACTION NTAPI map_outside(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb, PVOID ctx)
{
	PDMA_ADAPTER a = dma_obs.adapter;
	PMDL m = ctx;
	ULONG len = 16;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	(void)a->DmaOperations->MapTransfer(a, m, mrb, dma_obs.va, &len, TRUE);
	return DeallocateObjectKeepRegisters;
}

/* MapTransfer at an address past the MDL: 0xE6/0x1B (P2 the address,
 * P3 the MDL). */
void dma_bad_map_outside(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PMDL m = page_buffer(1);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !m)
		return;
	dma_obs.mdl = m;
	dma_obs.va = (PUCHAR)MmGetMdlVirtualAddress(m) + PAGE_SIZE;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->AllocateAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, 2,
						       map_outside, m);
	KeLowerIrql(old);
}

static IO_ALLOCATION_ACTION NTAPI map_whole(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb, PVOID ctx)
{
	PDMA_ADAPTER a = dma_obs.adapter;
	PMDL m = ctx;
	ULONG len = MmGetMdlByteCount(m);

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	dma_obs.mrb = mrb;
	(void)a->DmaOperations->MapTransfer(a, m, mrb, MmGetMdlVirtualAddress(m), &len, FALSE);
	return DeallocateObjectKeepRegisters;
}

/* An IRP completed while its buffer is still mapped by MapTransfer, never
 * flushed: 0xE6/0x0D at IoCompleteRequest (P2 the bytes mapped, P3 the
 * registers' bytes). */
void dma_bad_complete_unflushed(void *arg)
{
	PDMA_ADAPTER a = dma_drv_adapter();
	PIRP irp = IoAllocateIrp(1, FALSE);
	PMDL m = page_buffer(1);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	if (!a || !irp || !m)
		return;
	irp->MdlAddress = m;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->AllocateAdapterChannel(a, (PDEVICE_OBJECT)dma_in.pdo, 1, map_whole,
						       m);
	KeLowerIrql(old);
	irp->IoStatus.Status = STATUS_SUCCESS;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
}
