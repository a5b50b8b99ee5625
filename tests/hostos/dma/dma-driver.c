/*
 * tests/hostos/dma/dma-driver.c - the MDL and DMA tests' driver: plain WDM
 * code (it also compiles against mingw-w64's DDK headers), a function per
 * scenario, each run as a host OS thread. What it sees goes to dma_obs;
 * what it needs (its PDO, the description, a device stand-in) comes in
 * dma_in.
 */
#include <ntddk.h>

#include "dma-driver-internal.h"
#include "dma-driver.h"

#define TAG 'amDT'

struct dma_in dma_in;
struct dma_obs dma_obs;

/* ---- helpers ---- */

static UCHAR pattern(ULONG i)
{
	return (UCHAR)(i * 7 + 3);
}

static PUCHAR buffer(ULONG bytes)
{
	PUCHAR p = ExAllocatePool2(dma_in.paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED,
				   bytes + dma_in.offset, TAG);
	ULONG i;

	if (!p)
		return NULL;
	for (i = 0; i < bytes; i++)
		p[dma_in.offset + i] = pattern(i);
	return p;
}

/* An MDL over @bytes at @va, locked (paged) or built (nonpaged). */
static PMDL describe(PVOID va, ULONG bytes)
{
	PMDL m = IoAllocateMdl(va, bytes, FALSE, FALSE, NULL);

	if (!m)
		return NULL;
	if (dma_in.paged)
		MmProbeAndLockPages(m, KernelMode, IoModifyAccess);
	else
		MmBuildMdlForNonPagedPool(m);
	return m;
}

static void undescribe(PMDL m)
{
	if (m->MdlFlags & MDL_PAGES_LOCKED)
		MmUnlockPages(m);
	IoFreeMdl(m);
}

static PDMA_ADAPTER adapter(void)
{
	DEVICE_DESCRIPTION dd;
	ULONG n = 0;
	PDMA_ADAPTER a;

	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = (ULONG)dma_in.version;
	dd.Master = TRUE;
	dd.ScatterGather = dma_in.sg ? TRUE : FALSE;
	dd.Dma32BitAddresses = TRUE;
	dd.Dma64BitAddresses = dma_in.dma64 ? TRUE : FALSE;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = dma_in.max_length;
	a = IoGetDmaAdapter((PDEVICE_OBJECT)dma_in.pdo, &dd, &n);
	dma_obs.adapter = a;
	dma_obs.map_regs = n;
	return a;
}

static void device(const uint64_t *addr, const uint32_t *len, unsigned n, int to_device)
{
	if (dma_in.device)
		dma_in.device(dma_in.opaque, addr, len, n, to_device);
}

/* ---- MDLs ---- */

void mdl_basic(void *arg)
{
	PUCHAR p;
	PMDL m;
	PPFN_NUMBER pfn;
	ULONG i;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4 * PAGE_SIZE, TAG);
	if (!p)
		return;
	m = IoAllocateMdl(p + 100, 9000, FALSE, FALSE, NULL);
	if (!m)
		return;
	dma_obs.mdl = m;
	dma_obs.va = p + 100;
	dma_obs.ok[0] = MmGetMdlVirtualAddress(m) == p + 100;
	dma_obs.byte_count = MmGetMdlByteCount(m);
	dma_obs.byte_offset = MmGetMdlByteOffset(m);
	dma_obs.ok[1] = MmGetMdlBaseVa(m) == PAGE_ALIGN(p + 100);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmBuildMdlForNonPagedPool(m);
	dma_obs.flags[1] = (USHORT)m->MdlFlags;
	dma_obs.ok[2] = m->MappedSystemVa == p + 100;
	dma_obs.ok[3] = MmGetSystemAddressForMdlSafe(m, NormalPagePriority) == p + 100;
	dma_obs.n_pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(p + 100, 9000);
	pfn = MmGetMdlPfnArray(m);
	for (i = 0; i < dma_obs.n_pages; i++) {
		dma_obs.pfn[i] = pfn[i];
		dma_obs.pa[i] = (ULONG64)MmGetPhysicalAddress((PUCHAR)PAGE_ALIGN(p + 100) +
							      (SIZE_T)i * PAGE_SIZE).QuadPart;
	}
	dma_obs.ok[4] = m->Size == (CSHORT)(sizeof(MDL) + dma_obs.n_pages * sizeof(PFN_NUMBER));
	IoFreeMdl(m);
	ExFreePoolWithTag(p, TAG);
}

void mdl_lock_map(void *arg)
{
	PUCHAR p, sys;
	PMDL m;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePool2(POOL_FLAG_PAGED, 3 * PAGE_SIZE, TAG);
	if (!p)
		return;
	m = IoAllocateMdl(p + 8, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!m)
		return;
	dma_obs.mdl = m;
	MmProbeAndLockPages(m, KernelMode, IoWriteAccess);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	dma_obs.pfn[0] = MmGetMdlPfnArray(m)[0];
	dma_obs.pa[0] = (ULONG64)MmGetPhysicalAddress(p).QuadPart;
	sys = MmGetSystemAddressForMdlSafe(m, NormalPagePriority | MdlMappingNoExecute);
	dma_obs.sys = sys;
	dma_obs.flags[1] = (USHORT)m->MdlFlags;
	if (!sys)
		return;
	dma_obs.ok[0] = sys != p + 8 && BYTE_OFFSET(sys) == 8;
	/* Two views of the same frames. */
	sys[0] = 0x5A;
	sys[PAGE_SIZE + 1] = 0x6B;
	p[8 + 2] = 0x7C;
	dma_obs.ok[1] = p[8] == 0x5A && p[8 + PAGE_SIZE + 1] == 0x6B && sys[2] == 0x7C;
	dma_obs.ok[2] = MmGetSystemAddressForMdlSafe(m, NormalPagePriority) == sys;
	MmUnmapLockedPages(sys, m);
	dma_obs.flags[2] = (USHORT)m->MdlFlags;
	/* Map again, and let the unlock release the mapping. */
	sys = MmMapLockedPagesSpecifyCache(m, KernelMode, MmCached, NULL, FALSE, HighPagePriority);
	dma_obs.ok[3] = sys != NULL;
	MmUnlockPages(m);
	dma_obs.flags[3] = (USHORT)m->MdlFlags;
	dma_obs.ok[4] = m->MappedSystemVa == NULL;
	IoFreeMdl(m);
	ExFreePoolWithTag(p, TAG);
}

/* IoAllocateMdl with an IRP goes to the I/O manager's hook. */
void mdl_irp(void *arg)
{
	PMDL m1, m2;
	PUCHAR p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG);

	UNREFERENCED_PARAMETER(arg);
	if (!p)
		return;
	m1 = IoAllocateMdl(p, 50, FALSE, FALSE, (PIRP)dma_in.opaque);
	m2 = IoAllocateMdl(p + 50, 50, TRUE, FALSE, (PIRP)dma_in.opaque);
	dma_obs.mdl = m1;
	dma_obs.mdl2 = m2;
	if (m1)
		IoFreeMdl(m1);
	if (m2)
		IoFreeMdl(m2);
	ExFreePoolWithTag(p, TAG);
}

void mdl_chain(void *arg)
{
	PUCHAR a, b;
	PMDL m1, m2;

	UNREFERENCED_PARAMETER(arg);
	a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG);
	b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 200, TAG);
	if (!a || !b)
		return;
	m1 = IoAllocateMdl(a, 100, FALSE, FALSE, NULL);
	m2 = IoAllocateMdl(b, 200, TRUE, FALSE, NULL);
	if (!m1 || !m2)
		return;
	/* No IRP: the caller chains them itself. */
	m1->Next = m2;
	dma_obs.ok[0] = m2->Next == NULL;
	IoFreeMdl(m1);
	IoFreeMdl(m2);
	ExFreePoolWithTag(a, TAG);
	ExFreePoolWithTag(b, TAG);
}

static PMDL bad_mdl(BOOLEAN paged)
{
	PUCHAR p = ExAllocatePool2(paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED, 2 * PAGE_SIZE,
				   TAG);
	PMDL m = p ? IoAllocateMdl(p, 2 * PAGE_SIZE, FALSE, FALSE, NULL) : NULL;

	dma_obs.mdl = m;
	dma_obs.va = p;
	return m;
}

void mdl_bad_probe_irql(void *arg)
{
	PMDL m = bad_mdl(FALSE);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(HIGH_LEVEL, &old);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	KeLowerIrql(old);
}

void mdl_bad_probe_twice(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
}

void mdl_bad_probe_nonpaged(void *arg)
{
	PMDL m = bad_mdl(FALSE);

	UNREFERENCED_PARAMETER(arg);
	MmBuildMdlForNonPagedPool(m);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
}

void mdl_bad_unlock_unlocked(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmUnlockPages(m);
}

void mdl_bad_unlock_nonpaged(void *arg)
{
	PMDL m = bad_mdl(FALSE);

	UNREFERENCED_PARAMETER(arg);
	MmBuildMdlForNonPagedPool(m);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmUnlockPages(m);
}

void mdl_bad_build_paged(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmBuildMdlForNonPagedPool(m);
}

void mdl_bad_map_bugcheck_flag(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	(void)MmMapLockedPagesSpecifyCache(m, KernelMode, MmCached, NULL, TRUE, NormalPagePriority);
}

void mdl_bad_map_twice(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	(void)MmMapLockedPagesSpecifyCache(m, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	(void)MmMapLockedPagesSpecifyCache(m, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
}

void mdl_bad_map_unlocked(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	(void)MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
}

void mdl_bad_unmap_unmapped(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	MmUnmapLockedPages(dma_obs.va, m);
}

void mdl_bad_free_mapped(void *arg)
{
	PMDL m = bad_mdl(TRUE);

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	(void)MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
	dma_obs.flags[0] = (USHORT)m->MdlFlags;
	IoFreeMdl(m);
}

void mdl_bad_free_twice(void *arg)
{
	PMDL m = bad_mdl(FALSE);

	UNREFERENCED_PARAMETER(arg);
	IoFreeMdl(m);
	IoFreeMdl(m);
}

static UCHAR not_memory[2 * PAGE_SIZE];

void mdl_bad_probe_not_memory(void *arg)
{
	PMDL m = IoAllocateMdl(not_memory, 100, FALSE, FALSE, NULL);

	UNREFERENCED_PARAMETER(arg);
	dma_obs.mdl = m;
	dma_obs.va = not_memory;
	MmProbeAndLockPages(m, KernelMode, IoWriteAccess);
}

void mdl_bad_unlock_irql(void *arg)
{
	PMDL m = bad_mdl(TRUE);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	KeRaiseIrql(HIGH_LEVEL, &old);
	MmUnlockPages(m);
	KeLowerIrql(old);
}

void mdl_bad_map_irql(void *arg)
{
	PMDL m = bad_mdl(TRUE);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	KeRaiseIrql(HIGH_LEVEL, &old);
	(void)MmMapLockedPagesSpecifyCache(m, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
	KeLowerIrql(old);
}

void mdl_bad_unmap_irql(void *arg)
{
	PMDL m = bad_mdl(TRUE);
	KIRQL old;
	PVOID sys;

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	sys = MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
	dma_obs.sys = sys;
	KeRaiseIrql(HIGH_LEVEL, &old);
	MmUnmapLockedPages(sys, m);
	KeLowerIrql(old);
}

/* ---- DMA ---- */

void dma_get_adapter(void *arg)
{
	PDMA_ADAPTER a;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	if (!a)
		return;
	dma_obs.ok[0] = a->Version == 1 && a->Size == sizeof(DMA_ADAPTER);
	dma_obs.status[0] = a->DmaOperations->Size;
	dma_obs.ok[1] = a->DmaOperations->GetDmaAlignment(a) >= 1;
	a->DmaOperations->PutDmaAdapter(a);
}

void dma_common_buffer(void *arg)
{
	PDMA_ADAPTER a;
	PHYSICAL_ADDRESS la;
	PUCHAR va;
	ULONG i, len = dma_in.length;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	if (!a)
		return;
	va = a->DmaOperations->AllocateCommonBuffer(a, len, &la, FALSE);
	dma_obs.va = va;
	dma_obs.logical = (ULONG64)la.QuadPart;
	if (va) {
		for (i = 0; i < len; i++)
			va[i] = pattern(i);
		{
			uint64_t addr = (uint64_t)la.QuadPart;
			uint32_t bytes = len;

			device(&addr, &bytes, 1, 1);
		}
		/* An MDL over a common buffer: its PFNs are the buffer's frames. */
		{
			PMDL m = IoAllocateMdl(va, len, FALSE, FALSE, NULL);

			if (m) {
				MmBuildMdlForNonPagedPool(m);
				dma_obs.pfn[0] = MmGetMdlPfnArray(m)[0];
				IoFreeMdl(m);
				dma_obs.pa[0] = (ULONG64)MmGetPhysicalAddress(va + 5).QuadPart;
			}
		}
		a->DmaOperations->FreeCommonBuffer(a, len, la, va, FALSE);
	}
	a->DmaOperations->PutDmaAdapter(a);
}

static VOID NTAPI list_control(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	*(PSCATTER_GATHER_LIST *)ctx = sg;
}

static void record(PSCATTER_GATHER_LIST sg)
{
	ULONG i;

	dma_obs.list = sg;
	dma_obs.n_elem = sg->NumberOfElements;
	for (i = 0; i < sg->NumberOfElements && i < DMA_OBS_MAX; i++) {
		dma_obs.elem_addr[i] = (uint64_t)sg->Elements[i].Address.QuadPart;
		dma_obs.elem_len[i] = sg->Elements[i].Length;
	}
}

/* To the device, then from it, through scatter/gather lists. */
void dma_sg_list(void *arg)
{
	PDMA_ADAPTER a;
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p, va;
	PMDL m;
	KIRQL old;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	p = buffer(dma_in.length);
	if (!a || !p)
		return;
	va = p + dma_in.offset;
	m = describe(va, dma_in.length);
	if (!m)
		return;
	dma_obs.mdl = m;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	st = a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						    MmGetMdlVirtualAddress(m), dma_in.length,
						    list_control, &sg, TRUE);
	dma_obs.status[0] = (ULONG)st;
	if (NT_SUCCESS(st) && sg) {
		record(sg);
		device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 1);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
		sg = NULL;
		st = a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
							    MmGetMdlVirtualAddress(m),
							    dma_in.length, list_control, &sg, FALSE);
		dma_obs.status[1] = (ULONG)st;
		if (NT_SUCCESS(st) && sg) {
			record(sg);
			device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 0);
			RtlCopyMemory(dma_obs.before_put, va, 16);
			a->DmaOperations->PutScatterGatherList(a, sg, FALSE);
			RtlCopyMemory(dma_obs.after_put, va, 16);
		}
	}
	KeLowerIrql(old);
	undescribe(m);
	ExFreePoolWithTag(p, TAG);
	a->DmaOperations->PutDmaAdapter(a);
}

/* Two MDLs chained: one list covers both. */
void dma_sg_chain(void *arg)
{
	PDMA_ADAPTER a;
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p, q;
	PMDL m1, m2;
	KIRQL old;
	ULONG half = dma_in.length / 2, i;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, half + 16, TAG);
	q = ExAllocatePool2(POOL_FLAG_NON_PAGED, dma_in.length - half + 16, TAG);
	if (!a || !p || !q)
		return;
	for (i = 0; i < dma_in.length; i++) {
		if (i < half)
			p[8 + i] = pattern(i);
		else
			q[4 + i - half] = pattern(i);
	}
	m1 = describe(p + 8, half);
	m2 = describe(q + 4, dma_in.length - half);
	if (!m1 || !m2)
		return;
	m1->Next = m2;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m1, MmGetMdlVirtualAddress(m1), dma_in.length,
		list_control, &sg, TRUE);
	if (sg) {
		record(sg);
		device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 1);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	}
	KeLowerIrql(old);
	m1->Next = NULL;
	undescribe(m1);
	undescribe(m2);
	ExFreePoolWithTag(p, TAG);
	ExFreePoolWithTag(q, TAG);
	a->DmaOperations->PutDmaAdapter(a);
}

void dma_build_sg(void *arg)
{
	PDMA_ADAPTER a;
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p, space;
	PMDL m;
	KIRQL old;
	ULONG size = 0, nregs = 0;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	p = buffer(dma_in.length);
	if (!a || !p)
		return;
	m = describe(p + dma_in.offset, dma_in.length);
	if (!m)
		return;
	dma_obs.status[0] = (ULONG)a->DmaOperations->CalculateScatterGatherList(
		a, m, MmGetMdlVirtualAddress(m), dma_in.length, &size, &nregs);
	dma_obs.size = size;
	dma_obs.nregs = nregs;
	space = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, TAG);
	if (!space)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[1] = (ULONG)a->DmaOperations->BuildScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, MmGetMdlVirtualAddress(m), dma_in.length,
		list_control, &sg, TRUE, space, size - 1);
	dma_obs.status[2] = (ULONG)a->DmaOperations->BuildScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, MmGetMdlVirtualAddress(m), dma_in.length,
		list_control, &sg, TRUE, space, size);
	dma_obs.ok[0] = sg == (PSCATTER_GATHER_LIST)space;
	if (sg) {
		record(sg);
		device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 1);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	}
	KeLowerIrql(old);
	ExFreePoolWithTag(space, TAG);
	undescribe(m);
	ExFreePoolWithTag(p, TAG);
	a->DmaOperations->PutDmaAdapter(a);
}

/* Packet DMA: AdapterControl maps the transfer with MapTransfer. */
struct packet {
	PDMA_ADAPTER a;
	PMDL m;
	BOOLEAN write;
	PVOID mrb;
	IO_ALLOCATION_ACTION action;
};

/* A packet transfer of @bytes of a fresh buffer (returned): the adapter,
 * the buffer's MDL, what AdapterControl returns and the direction. */
static PUCHAR packet_init(struct packet *pk, ULONG bytes, IO_ALLOCATION_ACTION action,
			  BOOLEAN write)
{
	PUCHAR p;

	RtlZeroMemory(pk, sizeof(*pk));
	pk->a = adapter();
	p = buffer(bytes);
	pk->m = describe(p, bytes);
	pk->action = action;
	pk->write = write;
	return p;
}

static IO_ALLOCATION_ACTION NTAPI adapter_control(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb,
						  PVOID ctx)
{
	struct packet *pk = ctx;
	PUCHAR cur = MmGetMdlVirtualAddress(pk->m);
	ULONG left = MmGetMdlByteCount(pk->m);

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	pk->mrb = mrb;
	dma_obs.mrb = mrb;
	dma_obs.n_elem = 0;
	while (left && dma_obs.n_elem < DMA_OBS_MAX) {
		ULONG l = left;
		PHYSICAL_ADDRESS la = pk->a->DmaOperations->MapTransfer(pk->a, pk->m, mrb, cur, &l,
									pk->write);

		if (l == 0)
			break;
		dma_obs.elem_addr[dma_obs.n_elem] = (uint64_t)la.QuadPart;
		dma_obs.elem_len[dma_obs.n_elem++] = l;
		cur += l;
		left -= l;
	}
	return pk->action;
}

static ULONG regs_for(PMDL m)
{
	return ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(m), MmGetMdlByteCount(m));
}

static void packet(struct packet *pk, BOOLEAN flush)
{
	KIRQL old;
	PUCHAR va = MmGetMdlVirtualAddress(pk->m);

	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[pk->write ? 0 : 1] = (ULONG)pk->a->DmaOperations->AllocateAdapterChannel(
		pk->a, (PDEVICE_OBJECT)dma_in.pdo, regs_for(pk->m), adapter_control, pk);
	device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, pk->write);
	if (!pk->write)
		RtlCopyMemory(dma_obs.before_put, va, 16);
	if (flush)
		dma_obs.ok[pk->write ? 0 : 1] = pk->a->DmaOperations->FlushAdapterBuffers(
			pk->a, pk->m, pk->mrb, va, MmGetMdlByteCount(pk->m), pk->write);
	pk->a->DmaOperations->FreeMapRegisters(pk->a, pk->mrb, regs_for(pk->m));
	if (!pk->write)
		RtlCopyMemory(dma_obs.after_put, va, 16);
	KeLowerIrql(old);
}

static void packet_scenario(BOOLEAN flush)
{
	struct packet pk;
	PUCHAR p;

	RtlZeroMemory(&pk, sizeof(pk));
	pk.a = adapter();
	p = buffer(dma_in.length);
	if (!pk.a || !p)
		return;
	pk.m = describe(p + dma_in.offset, dma_in.length);
	if (!pk.m)
		return;
	dma_obs.mdl = pk.m;
	pk.action = DeallocateObjectKeepRegisters;
	pk.write = TRUE;
	packet(&pk, TRUE);
	pk.write = FALSE;
	packet(&pk, flush);
	undescribe(pk.m);
	ExFreePoolWithTag(p, TAG);
	pk.a->DmaOperations->PutDmaAdapter(pk.a);
}

void dma_packet(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	packet_scenario(TRUE);
}

void dma_packet_no_flush(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	packet_scenario(FALSE);
}

static IO_ALLOCATION_ACTION NTAPI release_control(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb,
						  PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	((struct packet *)ctx)->mrb = mrb;
	return DeallocateObject;
}

void dma_channel_keep(void *arg)
{
	struct packet pk;
	PUCHAR p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	RtlZeroMemory(&pk, sizeof(pk));
	pk.a = adapter();
	p = buffer(dma_in.length);
	if (!pk.a || !p)
		return;
	pk.m = describe(p, dma_in.length);
	if (!pk.m)
		return;
	pk.action = KeepObject;
	pk.write = TRUE;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)pk.a->DmaOperations->AllocateAdapterChannel(
		pk.a, (PDEVICE_OBJECT)dma_in.pdo, regs_for(pk.m), adapter_control, &pk);
	dma_obs.ok[0] = pk.a->DmaOperations->FlushAdapterBuffers(
		pk.a, pk.m, pk.mrb, MmGetMdlVirtualAddress(pk.m), dma_in.length, TRUE);
	pk.a->DmaOperations->FreeAdapterChannel(pk.a);
	pk.mrb = NULL;
	dma_obs.status[1] = (ULONG)pk.a->DmaOperations->AllocateAdapterChannel(
		pk.a, (PDEVICE_OBJECT)dma_in.pdo, 0, release_control, &pk);
	dma_obs.ok[1] = pk.mrb != NULL;
	KeLowerIrql(old);
	undescribe(pk.m);
	ExFreePoolWithTag(p, TAG);
	pk.a->DmaOperations->PutDmaAdapter(pk.a);
}

/* ---- DMA misuse ---- */

void dma_bad_put_with_common(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PHYSICAL_ADDRESS la;

	UNREFERENCED_PARAMETER(arg);
	dma_obs.va = a->DmaOperations->AllocateCommonBuffer(a, 100, &la, TRUE);
	a->DmaOperations->PutDmaAdapter(a);
}

void dma_bad_put_with_sg(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = describe(p, dma_in.length);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						     MmGetMdlVirtualAddress(m), dma_in.length,
						     list_control, &sg, TRUE);
	a->DmaOperations->PutDmaAdapter(a);
	KeLowerIrql(old);
}

void dma_bad_put_with_regs(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	(void)packet_init(&pk, dma_in.length, DeallocateObjectKeepRegisters, TRUE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo,
							  regs_for(pk.m), adapter_control, &pk);
	(void)pk.a->DmaOperations->FlushAdapterBuffers(pk.a, pk.m, pk.mrb,
						       MmGetMdlVirtualAddress(pk.m), dma_in.length,
						       TRUE);
	pk.a->DmaOperations->PutDmaAdapter(pk.a);
	KeLowerIrql(old);
}

void dma_bad_put_twice(void *arg)
{
	PDMA_ADAPTER a = adapter();

	UNREFERENCED_PARAMETER(arg);
	a->DmaOperations->PutDmaAdapter(a);
	a->DmaOperations->PutDmaAdapter(a);
}

void dma_bad_free_common_twice(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PHYSICAL_ADDRESS la;
	PVOID va;

	UNREFERENCED_PARAMETER(arg);
	va = a->DmaOperations->AllocateCommonBuffer(a, 5000, &la, TRUE);
	a->DmaOperations->FreeCommonBuffer(a, 5000, la, va, TRUE);
	a->DmaOperations->FreeCommonBuffer(a, 5000, la, va, TRUE);
}

void dma_bad_common_overrun(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PHYSICAL_ADDRESS la;
	PUCHAR va;

	UNREFERENCED_PARAMETER(arg);
	va = a->DmaOperations->AllocateCommonBuffer(a, 1000, &la, TRUE);
	dma_obs.va = va;
	va[1000 + 3] = 0; /* past the end */
	a->DmaOperations->FreeCommonBuffer(a, 1000, la, va, TRUE);
}

void dma_bad_sg_twice(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = describe(p, dma_in.length);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						     MmGetMdlVirtualAddress(m), dma_in.length,
						     list_control, &sg, TRUE);
	a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	KeLowerIrql(old);
}

void dma_bad_sg_irql(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = describe(p, dma_in.length);

	UNREFERENCED_PARAMETER(arg);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						     MmGetMdlVirtualAddress(m), dma_in.length,
						     list_control, &sg, TRUE);
}

void dma_bad_common_irql(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PHYSICAL_ADDRESS la;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->AllocateCommonBuffer(a, 100, &la, TRUE);
	KeLowerIrql(old);
}

void dma_bad_channel_twice(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	(void)packet_init(&pk, dma_in.length, KeepObject, TRUE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo,
							  regs_for(pk.m), adapter_control, &pk);
	dma_obs.status[0] = (ULONG)pk.a->DmaOperations->AllocateAdapterChannel(
		pk.a, (PDEVICE_OBJECT)dma_in.pdo, regs_for(pk.m), adapter_control, &pk);
	KeLowerIrql(old);
}

void dma_bad_too_many_regs(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	RtlZeroMemory(&pk, sizeof(pk));
	pk.a = adapter();
	pk.action = DeallocateObject;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)pk.a->DmaOperations->AllocateAdapterChannel(
		pk.a, (PDEVICE_OBJECT)dma_in.pdo, dma_obs.map_regs + 1, adapter_control, &pk);
	dma_obs.ok[0] = pk.mrb == NULL; /* AdapterControl not called */
	KeLowerIrql(old);
	pk.a->DmaOperations->PutDmaAdapter(pk.a);
}

void dma_bad_free_regs_twice(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	(void)packet_init(&pk, dma_in.length, DeallocateObjectKeepRegisters, TRUE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo,
							  regs_for(pk.m), adapter_control, &pk);
	(void)pk.a->DmaOperations->FlushAdapterBuffers(pk.a, pk.m, pk.mrb,
						       MmGetMdlVirtualAddress(pk.m), dma_in.length,
						       TRUE);
	pk.a->DmaOperations->FreeMapRegisters(pk.a, pk.mrb, regs_for(pk.m));
	pk.a->DmaOperations->FreeMapRegisters(pk.a, pk.mrb, regs_for(pk.m));
	KeLowerIrql(old);
}

void dma_bad_free_channel(void *arg)
{
	PDMA_ADAPTER a = adapter();
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	a->DmaOperations->FreeAdapterChannel(a);
	KeLowerIrql(old);
}

static IO_ALLOCATION_ACTION NTAPI overuse_control(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb,
						  PVOID ctx)
{
	struct packet *pk = ctx;
	ULONG l = 3 * PAGE_SIZE;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	(void)pk->a->DmaOperations->MapTransfer(pk->a, pk->m, mrb, MmGetMdlVirtualAddress(pk->m),
						&l, TRUE);
	return DeallocateObjectKeepRegisters;
}

void dma_bad_map_overuse(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	(void)packet_init(&pk, 3 * PAGE_SIZE, (IO_ALLOCATION_ACTION)0, FALSE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo, 1,
							  overuse_control, &pk);
	KeLowerIrql(old);
}

static IO_ALLOCATION_ACTION NTAPI no_map_control(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb,
						 PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	((struct packet *)ctx)->mrb = mrb;
	dma_obs.mrb = mrb;
	return DeallocateObjectKeepRegisters;
}

void dma_bad_flush_unmapped(void *arg)
{
	struct packet pk;
	PUCHAR p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = packet_init(&pk, dma_in.length, (IO_ALLOCATION_ACTION)0, FALSE);
	dma_obs.mdl = pk.m;
	dma_obs.va = p;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo, 2,
							  no_map_control, &pk);
	(void)pk.a->DmaOperations->FlushAdapterBuffers(pk.a, pk.m, pk.mrb, p, dma_in.length, TRUE);
	KeLowerIrql(old);
}

void dma_bad_unlocked_mdl(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = IoAllocateMdl(p, dma_in.length, FALSE, FALSE, NULL);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	dma_obs.mdl = m;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m, p,
						     dma_in.length, list_control, &sg, TRUE);
	KeLowerIrql(old);
}

void dma_bad_va_outside(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = describe(p, dma_in.length);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	dma_obs.mdl = m;
	dma_obs.va = p + dma_in.length;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m,
						     p + dma_in.length, 16, list_control, &sg,
						     TRUE);
	KeLowerIrql(old);
}

void dma_bad_version(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)adapter();
}

void dma_sg_short_chain(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(dma_in.length);
	PMDL m = describe(p, dma_in.length);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, p, dma_in.length + 100, list_control, &sg, TRUE);
	KeLowerIrql(old);
}

/* The device touches an address outside the live list: the IOMMU faults
 * and the next DMA routine reports it. */
void dma_iommu_fault(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	dma_sg_list(arg);
}

/* An MDL the driver built itself whose PFN is not memory. */
void dma_bad_pfn(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	struct {
		MDL mdl;
		PFN_NUMBER pfn[1];
	} s;
	PVOID va = (PVOID)(ULONG_PTR)0x10000000;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	MmInitializeMdl(&s.mdl, va, 100);
	s.mdl.MdlFlags |= MDL_PAGES_LOCKED;
	s.pfn[0] = 0x200000; /* 8 GiB: no RAM there */
	dma_obs.mdl = &s.mdl;
	dma_obs.va = &s.pfn[0];
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, &s.mdl, va, 100,
						     list_control, &sg, TRUE);
	KeLowerIrql(old);
}

/* AdapterControl maps, then returns DeallocateObject: registers freed
 * while still mapped. */
void dma_bad_dealloc_mapped(void *arg)
{
	struct packet pk;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	(void)packet_init(&pk, PAGE_SIZE, DeallocateObject, TRUE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo, 1,
							  adapter_control, &pk);
	KeLowerIrql(old);
}

void dma_bad_flush_bad_base(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PUCHAR p = buffer(PAGE_SIZE);
	PMDL m = describe(p, PAGE_SIZE);

	UNREFERENCED_PARAMETER(arg);
	dma_obs.mrb = &dma_obs;
	(void)a->DmaOperations->FlushAdapterBuffers(a, m, &dma_obs, p, PAGE_SIZE, TRUE);
}

void dma_bad_null_adapter(void *arg)
{
	PDMA_ADAPTER a = adapter();

	UNREFERENCED_PARAMETER(arg);
	a->DmaOperations->PutDmaAdapter(NULL);
}

void dma_bad_zero_length(void *arg)
{
	PDMA_ADAPTER a = adapter();
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p = buffer(PAGE_SIZE);
	PMDL m = describe(p, PAGE_SIZE);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)dma_in.pdo, m, p, 0,
						     list_control, &sg, TRUE);
	KeLowerIrql(old);
}

static IO_ALLOCATION_ACTION NTAPI twice_control(PDEVICE_OBJECT dev, PIRP irp, PVOID mrb,
						PVOID ctx)
{
	struct packet *pk = ctx;
	ULONG l = 100;

	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	dma_obs.logical = (uint64_t)pk->a->DmaOperations->MapTransfer(
		pk->a, pk->m, mrb, MmGetMdlVirtualAddress(pk->m), &l, TRUE).QuadPart;
	l = 100;
	(void)pk->a->DmaOperations->MapTransfer(pk->a, pk->m, mrb,
						(PUCHAR)MmGetMdlVirtualAddress(pk->m) + 50, &l,
						TRUE);
	return DeallocateObjectKeepRegisters;
}

/* The same bytes mapped by two MapTransfers at once. */
void dma_bad_map_twice(void *arg)
{
	struct packet pk;
	PUCHAR p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = packet_init(&pk, PAGE_SIZE, (IO_ALLOCATION_ACTION)0, FALSE);
	dma_obs.va = p;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo, 2,
							  twice_control, &pk);
	KeLowerIrql(old);
}

/* Wait at PASSIVE_LEVEL until the device stand-in says it is done. */
static void wait_device(void)
{
	LARGE_INTEGER d;
	ULONG spins = 0;

	d.QuadPart = -100; /* 10 us */
	while (!dma_in.done && ++spins < 100000)
		(void)KeDelayExecutionThread(KernelMode, FALSE, &d);
}

/* To the device, then from it, each with the list outstanding while the
 * device's DMA engine runs in simulated time. */
void dma_roundtrip(void *arg)
{
	PDMA_ADAPTER a;
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p, va;
	PMDL m;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	p = buffer(dma_in.length);
	if (!a || !p)
		return;
	va = p + dma_in.offset;
	m = describe(va, dma_in.length);
	if (!m)
		return;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, va, dma_in.length, list_control, &sg, TRUE);
	KeLowerIrql(old);
	if (!sg)
		return;
	record(sg);
	device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 1);
	wait_device();
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	sg = NULL;
	dma_obs.status[1] = (ULONG)a->DmaOperations->GetScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, va, dma_in.length, list_control, &sg, FALSE);
	KeLowerIrql(old);
	if (!sg)
		return;
	record(sg);
	device(dma_obs.elem_addr, dma_obs.elem_len, dma_obs.n_elem, 0);
	wait_device();
	RtlCopyMemory(dma_obs.before_put, va, 16);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	a->DmaOperations->PutScatterGatherList(a, sg, FALSE);
	KeLowerIrql(old);
	RtlCopyMemory(dma_obs.after_put, va, 16);
	dma_obs.ok[0] = RtlCompareMemory(va, va, dma_in.length) == dma_in.length;
	undescribe(m);
	ExFreePoolWithTag(p, TAG);
	a->DmaOperations->PutDmaAdapter(a);
}

void mdl_bad_null(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	MmBuildMdlForNonPagedPool(NULL);
}

/* User-mode mappings: NULL at PASSIVE_LEVEL (no user space here), 0x77
 * above APC_LEVEL. */
void mdl_bad_map_user_irql(void *arg)
{
	PMDL m = bad_mdl(TRUE);
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	MmProbeAndLockPages(m, KernelMode, IoReadAccess);
	dma_obs.sys = MmMapLockedPagesSpecifyCache(m, UserMode, MmCached, NULL, FALSE,
						   NormalPagePriority);
	dma_obs.ok[0] = dma_obs.sys == NULL;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)MmMapLockedPagesSpecifyCache(m, UserMode, MmCached, NULL, FALSE, NormalPagePriority);
	KeLowerIrql(old);
}

/* A flush longer than the buffer. */
void dma_bad_flush_too_long(void *arg)
{
	struct packet pk;
	PUCHAR p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = packet_init(&pk, PAGE_SIZE, DeallocateObjectKeepRegisters, TRUE);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)pk.a->DmaOperations->AllocateAdapterChannel(pk.a, (PDEVICE_OBJECT)dma_in.pdo, 1,
							  adapter_control, &pk);
	(void)pk.a->DmaOperations->FlushAdapterBuffers(pk.a, pk.m, pk.mrb, p + 96, PAGE_SIZE, TRUE);
	KeLowerIrql(old);
}

/* Direct I/O's shape: an application buffer (dma_in.opaque, from
 * hostos_user_buffer_alloc()) probed, locked and mapped. */
void mdl_user_buffer(void *arg)
{
	PUCHAR u = dma_in.opaque, sys;
	PMDL m;

	UNREFERENCED_PARAMETER(arg);
	m = IoAllocateMdl(u + 10, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	if (!m)
		return;
	dma_obs.mdl = m;
	MmProbeAndLockPages(m, UserMode, IoWriteAccess);
	dma_obs.pfn[0] = MmGetMdlPfnArray(m)[0];
	dma_obs.pfn[1] = MmGetMdlPfnArray(m)[1];
	sys = MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
	if (sys) {
		sys[0] = 0x11;
		sys[PAGE_SIZE] = 0x22;
		dma_obs.ok[0] = u[10] == 0x11 && u[10 + PAGE_SIZE] == 0x22;
	}
	MmUnlockPages(m);
	IoFreeMdl(m);
}

/* A driver that unloads holding its adapter, a common buffer and an MDL:
 * the unload sweep's DMA leftovers. */
void dma_leave_behind(void *arg)
{
	PDMA_ADAPTER a;
	PHYSICAL_ADDRESS la;
	PVOID va;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	if (!a)
		return;
	va = a->DmaOperations->AllocateCommonBuffer(a, 4096, &la, FALSE);
	dma_obs.va = va;
	dma_obs.logical = (ULONG64)la.QuadPart;
	if (va) {
		PMDL m = IoAllocateMdl(va, 4096, FALSE, FALSE, NULL);

		if (m)
			MmBuildMdlForNonPagedPool(m);
	}
}

/* BuildMdlFromScatterGatherList on a to-device list: the MDL of the bytes
 * the device reads (the bounce frames when bounced, else the original). */
void dma_build_mdl(void *arg)
{
	PDMA_ADAPTER a;
	PSCATTER_GATHER_LIST sg = NULL;
	PUCHAR p, va;
	PMDL m, target = NULL, again = NULL;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	a = adapter();
	p = buffer(dma_in.length);
	if (!a || !p)
		return;
	va = p + dma_in.offset;
	m = describe(va, dma_in.length);
	if (!m)
		return;
	dma_obs.mdl = m;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	dma_obs.status[0] = (ULONG)a->DmaOperations->GetScatterGatherList(
		a, (PDEVICE_OBJECT)dma_in.pdo, m, MmGetMdlVirtualAddress(m), dma_in.length,
		list_control, &sg, TRUE);
	if (sg) {
		dma_obs.status[1] =
			(ULONG)a->DmaOperations->BuildMdlFromScatterGatherList(a, sg, m, &target);
		dma_obs.mdl2 = target;
		if (target) {
			PUCHAR sys = MmGetSystemAddressForMdlSafe(target, NormalPagePriority);

			dma_obs.pfn[0] = MmGetMdlPfnArray(target)[0];
			if (sys)
				RtlCopyMemory(dma_obs.before_put, sys, 16);
		}
		dma_obs.status[2] =
			(ULONG)a->DmaOperations->BuildMdlFromScatterGatherList(a, sg, m, &again);
		dma_obs.status[3] =
			(ULONG)a->DmaOperations->BuildMdlFromScatterGatherList(a, sg, NULL, &again);
		a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
	}
	KeLowerIrql(old);
	undescribe(m);
	ExFreePoolWithTag(p, TAG);
	a->DmaOperations->PutDmaAdapter(a);
}

/* ---- for the other scenario files (dma-wait-driver.c) ---- */

PVOID dma_drv_adapter(void)
{
	return adapter();
}

PVOID dma_drv_buffer(ULONG bytes)
{
	return buffer(bytes);
}

PVOID dma_drv_describe(PVOID va, ULONG bytes)
{
	return describe(va, bytes);
}

void dma_drv_undescribe(PVOID mdl)
{
	undescribe(mdl);
}
