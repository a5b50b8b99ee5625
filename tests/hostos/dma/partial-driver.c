/*
 * tests/hostos/dma/partial-driver.c - the partial MDL tests' driver:
 * plain WDM code (it also compiles against mingw-w64's DDK headers), a
 * function per scenario, each run as a host OS thread. The scenarios build
 * partial MDLs with IoBuildPartialMdl over nonpaged, locked and mapped
 * sources, map them, prepare them for reuse, cut a DMA transfer into
 * partials (one scatter/gather list each, the pattern drivers use to split
 * a request), and make the mistakes the verifier reports.
 */
#include <wdm.h>

#include "partial-driver.h"

#define TAG 'trPT'

struct pm_in pm_in;
struct pm_obs pm_obs;

static void snap(PMDL m)
{
	struct pm_mdl *s;
	ULONG i;

	if (pm_obs.n >= PM_MAX)
		return;
	s = &pm_obs.m[pm_obs.n++];
	s->flags = (uint16_t)m->MdlFlags;
	s->byte_count = MmGetMdlByteCount(m);
	s->byte_offset = MmGetMdlByteOffset(m);
	s->start_va = (uintptr_t)m->StartVa;
	s->mapped_va = (uintptr_t)m->MappedSystemVa;
	s->n_pfn = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(m), MmGetMdlByteCount(m));
	for (i = 0; i < s->n_pfn && i < 8; i++)
		s->pfn[i] = MmGetMdlPfnArray(m)[i];
}

/* @pages of pool filled with the pattern. */
static PUCHAR buffer(ULONG pages, BOOLEAN paged)
{
	PUCHAR p = ExAllocatePool2(paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED,
				   (SIZE_T)pages * PAGE_SIZE, TAG);
	ULONG i;

	if (p)
		for (i = 0; i < pages * PAGE_SIZE; i++)
			p[i] = pm_pattern(i);
	return p;
}

/* An MDL over @len bytes at @va, locked for write (paged) or built for
 * nonpaged pool; the source's PFNs recorded. */
static PMDL source(PUCHAR va, ULONG len, BOOLEAN paged)
{
	PMDL m = IoAllocateMdl(va, len, FALSE, FALSE, NULL);
	ULONG i, n;

	if (!m)
		return NULL;
	if (paged)
		MmProbeAndLockPages(m, KernelMode, IoWriteAccess);
	else
		MmBuildMdlForNonPagedPool(m);
	n = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len);
	for (i = 0; i < n && i < 32; i++)
		pm_obs.src_pfn[i] = MmGetMdlPfnArray(m)[i];
	pm_obs.src = (uintptr_t)m;
	pm_obs.buf = (uintptr_t)va;
	return m;
}

static PMDL target(PUCHAR va, ULONG len)
{
	PMDL m = IoAllocateMdl(va, len, FALSE, FALSE, NULL);

	pm_obs.target = (uintptr_t)m;
	return m;
}

void pm_nonpaged(void *arg)
{
	PUCHAR p, buf;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(6, FALSE);
	if (!p)
		return;
	buf = p + 100;
	src = source(buf, 20000, FALSE);
	tgt = target(buf, 20000);
	if (!src || !tgt)
		return;
	IoBuildPartialMdl(src, tgt, buf + 5000, 6000);
	snap(tgt);
	pm_obs.m[0].sys = (uintptr_t)MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	MmPrepareMdlForReuse(tgt);           /* nothing of its own to release */
	IoBuildPartialMdl(src, tgt, buf + 9000, 0);  /* to the end */
	snap(tgt);
	pm_obs.m[1].sys = (uintptr_t)MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	IoFreeMdl(tgt);
	IoFreeMdl(src);
	ExFreePoolWithTag(p, TAG);
	pm_obs.done = 1;
}

void pm_mapped_source(void *arg)
{
	PUCHAR p, buf, sys;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(4, TRUE);
	if (!p)
		return;
	buf = p + 50;
	src = source(buf, 12000, TRUE);
	tgt = target(buf, 12000);
	if (!src || !tgt)
		return;
	sys = MmGetSystemAddressForMdlSafe(src, NormalPagePriority);
	if (!sys)
		return;
	snap(src);
	pm_obs.m[0].sys = (uintptr_t)sys;
	IoBuildPartialMdl(src, tgt, buf + 4000, 5000);
	snap(tgt);
	sys = MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	pm_obs.m[1].sys = (uintptr_t)sys;
	if (!sys)
		return;
	pm_obs.seen[0] = sys[0];
	MmPrepareMdlForReuse(tgt);           /* the mapping is the source's: kept */
	snap(tgt);
	pm_obs.seen[1] = *(volatile UCHAR *)MmGetSystemAddressForMdlSafe(src, NormalPagePriority);
	IoFreeMdl(tgt);                      /* not 0xB8: the mapping is not its own */
	MmUnlockPages(src);
	IoFreeMdl(src);
	ExFreePoolWithTag(p, TAG);
	pm_obs.done = 1;
}

void pm_own_mapping(void *arg)
{
	PUCHAR p, buf, sys;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(4, TRUE);
	if (!p)
		return;
	buf = p + 50;
	src = source(buf, 12000, TRUE);
	tgt = target(buf, 12000);
	if (!src || !tgt)
		return;
	IoBuildPartialMdl(src, tgt, buf + 4000, 5000);
	snap(tgt);                                           /* 0 */
	sys = MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	if (!sys)
		return;
	snap(tgt);                                           /* 1 */
	pm_obs.m[1].sys = (uintptr_t)sys;
	pm_obs.seen[0] = sys[0];
	sys[1] = 0xEE;                                       /* the same bytes */
	pm_obs.seen[1] = buf[4001];
	MmPrepareMdlForReuse(tgt);
	snap(tgt);                                           /* 2 */
	IoBuildPartialMdl(src, tgt, buf + 8000, 0);
	sys = MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	if (!sys)
		return;
	snap(tgt);                                           /* 3 */
	pm_obs.m[3].sys = (uintptr_t)sys;
	pm_obs.seen[2] = sys[0];
	/* built again without MmPrepareMdlForReuse: its mapping goes (a
	 * warning), then mapped and freed with a mapping of its own */
	IoBuildPartialMdl(src, tgt, buf, 100);
	snap(tgt);                                           /* 4 */
	sys = MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority);
	if (!sys)
		return;
	pm_obs.seen[3] = sys[99];
	IoFreeMdl(tgt);
	MmUnlockPages(src);
	IoFreeMdl(src);
	ExFreePoolWithTag(p, TAG);
	pm_obs.done = 1;
}

static VOID NTAPI list_control(PDEVICE_OBJECT dev, PIRP irp, PSCATTER_GATHER_LIST sg, PVOID ctx)
{
	UNREFERENCED_PARAMETER(dev);
	UNREFERENCED_PARAMETER(irp);
	*(PSCATTER_GATHER_LIST *)ctx = sg;
}

#define DMA_LEN 65536u
#define CHUNK 24576u

/* A 64 KiB transfer of paged, locked memory cut into partial MDLs of
 * 24 KiB (the last one "to the end"), one scatter/gather list each. */
void pm_dma_chunks(void *arg)
{
	DEVICE_DESCRIPTION dd;
	PDMA_ADAPTER a;
	PUCHAR p, buf;
	PMDL src, tgt;
	ULONG nregs = 0, off, i;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	RtlZeroMemory(&dd, sizeof(dd));
	dd.Version = DEVICE_DESCRIPTION_VERSION2;
	dd.Master = TRUE;
	dd.ScatterGather = TRUE;
	dd.Dma32BitAddresses = TRUE;
	dd.Dma64BitAddresses = TRUE;
	dd.InterfaceType = PCIBus;
	dd.MaximumLength = CHUNK;
	a = IoGetDmaAdapter((PDEVICE_OBJECT)pm_in.pdo, &dd, &nregs);
	p = buffer(DMA_LEN / PAGE_SIZE + 1, TRUE);
	if (!a || !p)
		return;
	buf = p + 300;
	src = source(buf, DMA_LEN, TRUE);
	tgt = target(buf, DMA_LEN);
	if (!src || !tgt)
		return;
	for (off = 0; off < DMA_LEN && pm_obs.chunks < 8; off += CHUNK) {
		PSCATTER_GATHER_LIST sg = NULL;
		unsigned c = pm_obs.chunks++;
		NTSTATUS st;

		IoBuildPartialMdl(src, tgt, buf + off, off + CHUNK >= DMA_LEN ? 0 : CHUNK);
		pm_obs.chunk_off[c] = 300 + off;
		pm_obs.chunk_len[c] = MmGetMdlByteCount(tgt);
		KeRaiseIrql(DISPATCH_LEVEL, &old);
		st = a->DmaOperations->GetScatterGatherList(a, (PDEVICE_OBJECT)pm_in.pdo, tgt,
							    MmGetMdlVirtualAddress(tgt),
							    MmGetMdlByteCount(tgt), list_control,
							    &sg, TRUE);
		pm_obs.status[c] = (ULONG)st;
		if (NT_SUCCESS(st) && sg) {
			pm_obs.n_elem[c] = sg->NumberOfElements;
			for (i = 0; i < sg->NumberOfElements && i < PM_ELEMS; i++) {
				pm_obs.elem_addr[c][i] = (uint64_t)sg->Elements[i].Address.QuadPart;
				pm_obs.elem_len[c][i] = sg->Elements[i].Length;
			}
			if (pm_in.device)
				pm_in.device(c, pm_obs.elem_addr[c], pm_obs.elem_len[c],
					     pm_obs.n_elem[c]);
			a->DmaOperations->PutScatterGatherList(a, sg, TRUE);
		}
		KeLowerIrql(old);
		MmPrepareMdlForReuse(tgt);
	}
	IoFreeMdl(tgt);
	MmUnlockPages(src);
	IoFreeMdl(src);
	a->DmaOperations->PutDmaAdapter(a);
	ExFreePoolWithTag(p, TAG);
	pm_obs.done = 1;
}

/* ---- misuse ---- */

void pm_bad_unlock(void *arg)
{
	PUCHAR p;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(2, TRUE);
	src = p ? source(p, 5000, TRUE) : NULL;
	tgt = p ? target(p, 5000) : NULL;
	if (!src || !tgt)
		return;
	IoBuildPartialMdl(src, tgt, p + 10, 100);
	snap(tgt);
	MmUnlockPages(tgt);
	pm_obs.done = 1;
}

void pm_bad_unmap(void *arg)
{
	PUCHAR p, sys;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(2, TRUE);
	src = p ? source(p, 5000, TRUE) : NULL;
	tgt = p ? target(p, 5000) : NULL;
	if (!src || !tgt)
		return;
	if (pm_in.arg == 0 && !MmGetSystemAddressForMdlSafe(src, NormalPagePriority))
		return;
	IoBuildPartialMdl(src, tgt, p + 10, 100);
	snap(tgt);
	sys = pm_in.arg == 0 ? (PUCHAR)MmGetSystemAddressForMdlSafe(tgt, NormalPagePriority)
			     : p + 10;
	pm_obs.m[0].sys = (uintptr_t)sys;
	MmUnmapLockedPages(sys, tgt);
	pm_obs.done = 1;
}

void pm_bad_range(void *arg)
{
	PUCHAR p, buf;
	PMDL src, tgt;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(4, FALSE);
	if (!p)
		return;
	buf = p + 100;
	src = source(buf, 10000, FALSE);
	tgt = target(buf, 10000);
	if (!src || !tgt)
		return;
	switch (pm_in.arg) {
	case 0:
		IoBuildPartialMdl(src, tgt, buf - 1, 10);
		break;
	case 1:
		IoBuildPartialMdl(src, tgt, buf + 9000, 1001);
		break;
	case 2:
		IoBuildPartialMdl(src, tgt, buf + 10000, 0);
		break;
	default:
		KeRaiseIrql(HIGH_LEVEL, &old);
		IoBuildPartialMdl(src, tgt, buf, 10);
		KeLowerIrql(old);
		break;
	}
	pm_obs.done = 1;
}

void pm_bad_small_target(void *arg)
{
	PUCHAR p, buf;
	PMDL src, tgt;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(4, FALSE);
	if (!p)
		return;
	buf = p + 100;
	src = source(buf, 10000, FALSE);
	tgt = target(buf, 100);               /* room for one page */
	if (!src || !tgt)
		return;
	IoBuildPartialMdl(src, tgt, buf + 100, 9000);
	pm_obs.done = 1;
}

/* MmPrepareMdlForReuse of an MDL that is mapped and not partial: not
 * released (documented); a checked build's ASSERT fails. */
void pm_bad_prepare(void *arg)
{
	PUCHAR p;
	PMDL src;

	UNREFERENCED_PARAMETER(arg);
	p = buffer(2, TRUE);
	src = p ? source(p, 5000, TRUE) : NULL;
	if (!src || !MmGetSystemAddressForMdlSafe(src, NormalPagePriority))
		return;
	snap(src);
	MmPrepareMdlForReuse(src);
	pm_obs.done = 1;
}
