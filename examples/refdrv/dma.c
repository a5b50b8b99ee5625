/*
 * examples/refdrv/dma.c - DMA through the DMA adapter: the page table in a
 * common buffer, the caller's buffer (an MDL) turned into a
 * scatter/gather list, the list written into the page table as the device
 * wants it (4 KiB pages, the data's offset in the first).
 */
#include <wdm.h>

#include "refdrv-internal.h"

static DRIVER_LIST_CONTROL RefdrvDmaExecute;

NTSTATUS RefdrvDmaStart(PREFDRV_EXT Ext)
{
	DEVICE_DESCRIPTION dd;
	ULONG mapRegisters = 0;

	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = DEVICE_DESCRIPTION_VERSION2;
	dd.Master = TRUE;
	dd.ScatterGather = TRUE;
	dd.Dma32BitAddresses = TRUE;
	dd.Dma64BitAddresses = Ext->Dma64;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = REFDRV_MAX_TRANSFER;
	Ext->Adapter = IoGetDmaAdapter(Ext->Pdo, &dd, &mapRegisters);
	if (!Ext->Adapter)
		return STATUS_INSUFFICIENT_RESOURCES;
	Ext->MapRegisters = mapRegisters;
	/* The device reads the table from wherever the adapter says it can
	 * reach it; the table is small and lives as long as the start. */
	Ext->TableBytes = REFDRV_TABLE_ENTRIES * sizeof(ULONGLONG);
	Ext->Table = (PULONGLONG)Ext->Adapter->DmaOperations->AllocateCommonBuffer(
		Ext->Adapter, Ext->TableBytes, &Ext->TableLogical, FALSE);
	if (!Ext->Table) {
		RefdrvDmaStop(Ext);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	return STATUS_SUCCESS;
}

VOID RefdrvDmaStop(PREFDRV_EXT Ext)
{
	if (!Ext->Adapter)
		return;
	if (Ext->Table)
		Ext->Adapter->DmaOperations->FreeCommonBuffer(Ext->Adapter, Ext->TableBytes,
							       Ext->TableLogical, Ext->Table, FALSE);
	Ext->Table = NULL;
	Ext->Adapter->DmaOperations->PutDmaAdapter(Ext->Adapter);
	Ext->Adapter = NULL;
}

/* The list is ready (DISPATCH_LEVEL): fill the page table, start the
 * command. Each element after the first must start on a page and each
 * before the last end on one, which the adapter's lists for a locked
 * buffer always do. */
static VOID RefdrvDmaExecute(PDEVICE_OBJECT DeviceObject, PIRP Irp, PSCATTER_GATHER_LIST Sg,
			     PVOID Context)
{
	PREFDRV_EXT ext = (PREFDRV_EXT)DeviceObject->DeviceExtension;
	ULONG deviceOffset = (ULONG)(ULONG_PTR)Context;
	ULONG i, n = 0, length = 0, firstOffset = 0;

	UNREFERENCED_PARAMETER(Irp);
	ext->Sg = Sg;
	for (i = 0; i < Sg->NumberOfElements; i++) {
		ULONGLONG a = (ULONGLONG)Sg->Elements[i].Address.QuadPart;
		ULONGLONG end = a + Sg->Elements[i].Length;
		ULONGLONG page;

		if (i == 0)
			firstOffset = (ULONG)(a & (REFDEV_HW_PAGE - 1));
		else if (a & (REFDEV_HW_PAGE - 1))
			break;
		if (i + 1 < Sg->NumberOfElements && (end & (REFDEV_HW_PAGE - 1)))
			break;
		for (page = a & ~(ULONGLONG)(REFDEV_HW_PAGE - 1); page < end && n < REFDRV_TABLE_ENTRIES;
		     page += REFDEV_HW_PAGE)
			ext->Table[n++] = page;
		length += Sg->Elements[i].Length;
	}
	if (i < Sg->NumberOfElements) {
		KdPrint(("refdrv%lu: a scatter/gather list the page table cannot describe\n",
			 ext->Instance));
		RefdrvDmaEnd(ext);
		RefdrvCompleteCurrent(ext, STATUS_INVALID_PARAMETER, 0);
		return;
	}
	KeAcquireSpinLockAtDpcLevel(&ext->Lock);
	RefdrvWrite(ext, REG_DMA_TABLE_LO, ext->TableLogical.LowPart);
	RefdrvWrite(ext, REG_DMA_TABLE_HI, (ULONG)ext->TableLogical.HighPart);
	RefdrvWrite(ext, REG_DMA_OFFSET, firstOffset);
	RefdrvWrite(ext, REG_DMA_LENGTH, length);
	RefdrvWrite(ext, REG_DMA_DEV_OFFSET, deviceOffset);
	RefdrvWrite(ext, REG_CMD, ext->SgToDevice ? CMD_DMA_READ : CMD_DMA_WRITE);
	KeReleaseSpinLockFromDpcLevel(&ext->Lock);
}

NTSTATUS RefdrvDmaBegin(PREFDRV_EXT Ext, PIRP Irp, PMDL Mdl, ULONG Length, ULONG DeviceOffset,
			BOOLEAN ToDevice)
{
	UNREFERENCED_PARAMETER(Irp);
	Ext->SgToDevice = ToDevice;
	return Ext->Adapter->DmaOperations->GetScatterGatherList(
		Ext->Adapter, Ext->Self, Mdl, MmGetMdlVirtualAddress(Mdl), Length, RefdrvDmaExecute,
		(PVOID)(ULONG_PTR)DeviceOffset, ToDevice);
}

/* The running DMA is over: give the list (and its map registers) back;
 * for a transfer from the device this also copies bounced data home. */
VOID RefdrvDmaEnd(PREFDRV_EXT Ext)
{
	if (!Ext->Sg)
		return;
	Ext->Adapter->DmaOperations->PutScatterGatherList(Ext->Adapter, Ext->Sg, Ext->SgToDevice);
	Ext->Sg = NULL;
}
