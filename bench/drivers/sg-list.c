/*
 * bench/drivers/sg-list.c - the driver side of hostos_sg_list: plain WDM
 * code, as a driver with a scatter/gather bus master maps each request.
 */
#include <wdm.h>

#include "sg-list.h"

#define LENGTH (64 * 1024)

static VOID NTAPI list_control(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	*(PSCATTER_GATHER_LIST *)ctx = sg;
}

void bench_sg_lists(void *arg)
{
	struct bench_sg_args *b = arg;
	DEVICE_DESCRIPTION dd;
	PDMA_ADAPTER a;
	PVOID buf;
	PMDL m;
	ULONG regs;
	KIRQL old;
	uint64_t i;

	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = DEVICE_DESCRIPTION_VERSION2;
	dd.Master = TRUE;
	dd.ScatterGather = TRUE;
	dd.Dma32BitAddresses = TRUE;
	dd.Dma64BitAddresses = TRUE;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = LENGTH;
	a = IoGetDmaAdapter((PDEVICE_OBJECT)b->pdo, &dd, &regs);
	buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, LENGTH, 'hcnB');
	if (!a || !buf)
		return;
	m = IoAllocateMdl(buf, LENGTH, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	for (i = 0; i < b->n; i++) {
		PSCATTER_GATHER_LIST sg = NULL;

		if (!NT_SUCCESS(a->DmaOperations->GetScatterGatherList(
			    a, (PDEVICE_OBJECT)b->pdo, m, MmGetMdlVirtualAddress(m), LENGTH,
			    list_control, &sg, TRUE)) || !sg)
			break;
		b->elements = sg->NumberOfElements;
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	}
	b->done = i;
	KeLowerIrql(old);
	IoFreeMdl(m);
	ExFreePoolWithTag(buf, 'hcnB');
	a->DmaOperations->PutDmaAdapter(a);
}
