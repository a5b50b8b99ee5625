/*
 * tests/hostos/verifier/verifier-driver.c - the verifier tests' driver:
 * plain WDM code (it also compiles against mingw-w64's DDK headers), a
 * function per scenario, each run as a host OS thread (or, sw_connect, as
 * a device's start routine).
 */
#include <ntddk.h>

#include "verifier-driver.h"

#define TAG 'reVT'
#define LA_TAG 'kLaL'

struct ver_obs ver_obs;

static NPAGED_LOOKASIDE_LIST la;
static PAGED_LOOKASIDE_LIST pla;
static LOOKASIDE_LIST_EX lx;

static void counters(PGENERAL_LOOKASIDE L, unsigned at)
{
	ver_obs.value[at + 0] = L->TotalAllocates;
	ver_obs.value[at + 1] = L->AllocateMisses;
	ver_obs.value[at + 2] = L->TotalFrees;
	ver_obs.value[at + 3] = L->FreeMisses;
}

/* ---- lookaside lists ---- */

void la_npaged_keep(void *arg)
{
	PUCHAR q;
	int i;

	UNREFERENCED_PARAMETER(arg);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	for (i = 0; i < 6; i++)
		ver_obs.p[i] = ExAllocateFromNPagedLookasideList(&la);
	for (i = 0; i < 6; i++)
		ExFreeToNPagedLookasideList(&la, ver_obs.p[i]);
	counters(&la.L, 0);
	ver_obs.value[4] = la.L.Depth;
	ver_obs.value[5] = (unsigned long)la.L.Type;
	ver_obs.value[6] = la.L.Size;
	ver_obs.value[7] = la.L.Tag;
	ver_obs.byte[0] = ((PUCHAR)ver_obs.p[0])[0]; /* cached: the freed byte */
	q = ExAllocateFromNPagedLookasideList(&la);  /* a hit: the last given back */
	ver_obs.p[6] = q;
	ver_obs.byte[1] = q[0];                       /* handed out again: the fresh byte */
	counters(&la.L, 8);
	ExFreeToNPagedLookasideList(&la, q);
	ver_obs.done = 1;
}

void la_npaged_cycle(void *arg)
{
	PVOID p[3];
	int i;

	UNREFERENCED_PARAMETER(arg);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, POOL_NX_ALLOCATION, 24, LA_TAG, 0);
	ver_obs.value[0] = (unsigned long)la.L.Type;
	for (i = 0; i < 3; i++)
		p[i] = ExAllocateFromNPagedLookasideList(&la);
	for (i = 0; i < 3; i++)
		ExFreeToNPagedLookasideList(&la, p[i]);
	ExDeleteNPagedLookasideList(&la);
	ver_obs.done = 1;
}

void la_paged(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ExInitializePagedLookasideList(&pla, NULL, NULL, 0, 100, 'gPaL', 0);
	ver_obs.value[0] = (unsigned long)pla.L.Type;
	ver_obs.p[0] = ExAllocateFromPagedLookasideList(&pla);
	ver_obs.p[1] = ExAllocateFromPagedLookasideList(&pla);
	ExFreeToPagedLookasideList(&pla, ver_obs.p[1]);
	ExDeletePagedLookasideList(&pla);
	/* p[0] stays allocated: paged pool with the list's tag. */
	ver_obs.done = 1;
}

static PVOID NTAPI ex_alloc(POOL_TYPE type, SIZE_T bytes, ULONG tag, PLOOKASIDE_LIST_EX list)
{
	UNREFERENCED_PARAMETER(list);
	ver_obs.calls_alloc++;
	return ExAllocatePoolWithTag(type, bytes, tag);
}

static VOID NTAPI ex_free(PVOID p, PLOOKASIDE_LIST_EX list)
{
	UNREFERENCED_PARAMETER(list);
	ver_obs.calls_free++;
	ExFreePool(p);
}

void la_ex(void *arg)
{
	PVOID a, b;

	UNREFERENCED_PARAMETER(arg);
	ver_obs.status = ExInitializeLookasideListEx(&lx, ex_alloc, ex_free, NonPagedPoolNx, 0, 64,
						     'xEaL', 0);
	ver_obs.value[0] = (unsigned long)lx.L.Type;
	a = ExAllocateFromLookasideListEx(&lx);
	b = ExAllocateFromLookasideListEx(&lx);
	ExFreeToLookasideListEx(&lx, a);
	ExFreeToLookasideListEx(&lx, b);
	ver_obs.value[1] = (unsigned long)ver_obs.calls_free; /* 0: both cached */
	ExFlushLookasideListEx(&lx);
	ver_obs.value[2] = (unsigned long)ver_obs.calls_free; /* 2 */
	a = ExAllocateFromLookasideListEx(&lx);               /* a miss again */
	ExFreeToLookasideListEx(&lx, a);
	ExDeleteLookasideListEx(&lx);
	ver_obs.value[3] = (unsigned long)ver_obs.calls_alloc; /* 3 */
	ver_obs.value[4] = (unsigned long)ver_obs.calls_free;  /* 3 */
	ver_obs.done = 1;
}

void la_ex_bad_flags(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ver_obs.value[0] = (unsigned long)ExInitializeLookasideListEx(
		&lx, NULL, NULL, NonPagedPoolNx,
		EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE, 64,
		'xEaL', 0);
	ver_obs.value[1] = (unsigned long)ExInitializeLookasideListEx(&lx, NULL, NULL,
								      NonPagedPoolNx, 0x4, 64,
								      'xEaL', 0);
	ver_obs.value[2] = (unsigned long)ExInitializeLookasideListEx(
		&lx, NULL, NULL, NonPagedPoolNx, EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL, 64,
		'xEaL', 0);
	ExDeleteLookasideListEx(&lx);
	ver_obs.done = 1;
}

static PVOID NTAPI my_alloc(POOL_TYPE type, SIZE_T bytes, ULONG tag)
{
	UNREFERENCED_PARAMETER(tag);
	ver_obs.calls_alloc++;
	return ExAllocatePoolWithTag(type, bytes, 'mtsC');
}

static VOID NTAPI my_free(PVOID p)
{
	ver_obs.calls_free++;
	ExFreePoolWithTag(p, 'mtsC');
}

void la_custom(void *arg)
{
	PVOID p[5];
	int i;

	UNREFERENCED_PARAMETER(arg);
	ExInitializeNPagedLookasideList(&la, my_alloc, my_free, 0, 48, LA_TAG, 0);
	ver_obs.value[0] = la.L.Allocate == my_alloc && la.L.Free == my_free;
	for (i = 0; i < 5; i++)
		p[i] = ExAllocateFromNPagedLookasideList(&la);
	for (i = 0; i < 5; i++)
		ExFreeToNPagedLookasideList(&la, p[i]);
	ver_obs.value[1] = (unsigned long)ver_obs.calls_alloc; /* 5 */
	ver_obs.value[2] = (unsigned long)ver_obs.calls_free;  /* 1: four cached */
	ExDeleteNPagedLookasideList(&la);
	ver_obs.value[3] = (unsigned long)ver_obs.calls_free;  /* 5 */
	ver_obs.done = 1;
}

void la_bad_reinit(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)&la;
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ver_obs.done = 1;
}

void la_bad_delete_uninit(void *arg)
{
	static NPAGED_LOOKASIDE_LIST never;

	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)&never;
	ExDeleteNPagedLookasideList(&never);
	ver_obs.done = 1;
}

void la_bad_alloc_uninit(void *arg)
{
	static NPAGED_LOOKASIDE_LIST never;

	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)&never;
	ver_obs.p[0] = ExAllocateFromNPagedLookasideList(&never);
	ver_obs.done = 1;
}

void la_bad_small(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)&la;
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 4, LA_TAG, 0);
	ver_obs.done = 1;
}

void la_bad_free_holding(void *arg)
{
	PNPAGED_LOOKASIDE_LIST l;

	UNREFERENCED_PARAMETER(arg);
	/* A page: page-aligned, so the list's cache alignment holds. */
	l = ExAllocatePoolWithTag(NonPagedPoolNx, 4096, TAG);
	if (!l)
		return;
	ver_obs.addr[0] = (uintptr_t)l;
	ExInitializeNPagedLookasideList(l, NULL, NULL, 0, 32, LA_TAG, 0);
	ExFreePoolWithTag(l, TAG);
	ver_obs.done = 1;
}

void la_bad_paged_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	ExInitializePagedLookasideList(&pla, NULL, NULL, 0, 100, 'gPaL', 0);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	ver_obs.p[0] = ExAllocateFromPagedLookasideList(&pla);
	KeLowerIrql(old);
	ver_obs.done = 1;
}

void la_bad_free_paged_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	ExInitializePagedLookasideList(&pla, NULL, NULL, 0, 100, 'gPaL', 0);
	ver_obs.p[0] = ExAllocateFromPagedLookasideList(&pla);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	ExFreeToPagedLookasideList(&pla, ver_obs.p[0]);
	KeLowerIrql(old);
	ver_obs.done = 1;
}

void la_bad_double_free(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ver_obs.p[0] = ExAllocateFromNPagedLookasideList(&la);
	ExFreeToNPagedLookasideList(&la, ver_obs.p[0]);
	ExFreeToNPagedLookasideList(&la, ver_obs.p[0]);
	ver_obs.done = 1;
}

void la_bad_foreign(void *arg)
{
	ULONG64 local[8];

	UNREFERENCED_PARAMETER(arg);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ver_obs.addr[0] = (uintptr_t)local;
	ExFreeToNPagedLookasideList(&la, local);
	ver_obs.done = 1;
}

void la_bad_init_irql(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)ExInitializePagedLookasideList;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	ExInitializePagedLookasideList(&pla, NULL, NULL, 0, 100, 'gPaL', 0);
	KeLowerIrql(old);
	ver_obs.done = 1;
}

/* ---- fault injection: a driver that allocates at four sites ---- */

struct fi_dev {
	PVOID a, b, c, e;
	NPAGED_LOOKASIDE_LIST la;
};

static struct fi_dev fi;

static NTSTATUS fi_start(struct fi_dev *d, int leak)
{
	d->a = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'AteF');
	if (!d->a)
		return STATUS_INSUFFICIENT_RESOURCES;
	d->b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 128, 'BteF');
	if (!d->b) {
		ExFreePoolWithTag(d->a, 'AteF');
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	ExInitializeNPagedLookasideList(&d->la, NULL, NULL, POOL_NX_ALLOCATION, 32, 'LteF', 0);
	d->e = ExAllocateFromNPagedLookasideList(&d->la);
	if (!d->e) {
		ExDeleteNPagedLookasideList(&d->la);
		ExFreePoolWithTag(d->b, 'BteF');
		if (!leak)
			ExFreePoolWithTag(d->a, 'AteF');
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	d->c = ExAllocatePool2(POOL_FLAG_PAGED, 256, 'CteF');
	if (!d->c) {
		ExFreeToNPagedLookasideList(&d->la, d->e);
		ExDeleteNPagedLookasideList(&d->la);
		ExFreePoolWithTag(d->b, 'BteF');
		ExFreePoolWithTag(d->a, 'AteF');
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	return STATUS_SUCCESS;
}

static void fi_stop(struct fi_dev *d)
{
	ExFreePoolWithTag(d->c, 'CteF');
	ExFreeToNPagedLookasideList(&d->la, d->e);
	ExDeleteNPagedLookasideList(&d->la);
	ExFreePoolWithTag(d->b, 'BteF');
	ExFreePoolWithTag(d->a, 'AteF');
}

void fi_start_stop(void *arg)
{
	NTSTATUS st;

	RtlZeroMemory(&fi, sizeof(fi));
	st = fi_start(&fi, arg != NULL);
	ver_obs.status = st;
	if (NT_SUCCESS(st))
		fi_stop(&fi);
	ver_obs.done = 1;
}

/* ---- the unload sweep ---- */

static DEVICE_OBJECT dev;
static KTIMER timer;
static KDPC dpc;
static KSPIN_LOCK lock;

static VOID dpc_routine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg1);
	UNREFERENCED_PARAMETER(Arg2);
}

static VOID work_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Context);
}

void sw_clean(void *arg)
{
	LARGE_INTEGER due;
	PVOID p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 32, TAG);
	ExFreePoolWithTag(p, TAG);
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	p = ExAllocateFromNPagedLookasideList(&la);
	ExFreeToNPagedLookasideList(&la, p);
	ExDeleteNPagedLookasideList(&la);
	KeInitializeTimer(&timer);
	due.QuadPart = -10000000LL;
	KeSetTimer(&timer, due, NULL);
	KeCancelTimer(&timer);
	ver_obs.done = 1;
}

/* Armed for 10 s, in pool: 0xC7 names the pool block as the range. */
void sw_timer(void *arg)
{
	LARGE_INTEGER due;
	PKTIMER t;

	UNREFERENCED_PARAMETER(arg);
	t = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KTIMER), 'rmiT');
	if (!t)
		return;
	ver_obs.addr[0] = (uintptr_t)t;
	ver_obs.value[0] = sizeof(KTIMER);
	KeInitializeTimer(t);
	due.QuadPart = -100000000LL;
	KeSetTimer(t, due, NULL);
	ver_obs.done = 1;
}

/* A Low importance DPC waits for the clock's next tick (15.6 ms away). */
void sw_dpc(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeInitializeDpc(&dpc, dpc_routine, NULL);
	KeSetImportanceDpc(&dpc, LowImportance);
	ver_obs.addr[0] = (uintptr_t)&dpc;
	KeInsertQueueDpc(&dpc, NULL, NULL);
	ver_obs.done = 1;
}

/* Queued while this thread keeps the only CPU (the run ends first). */
void sw_work_item(void *arg)
{
	PIO_WORKITEM item;

	UNREFERENCED_PARAMETER(arg);
	item = IoAllocateWorkItem(&dev);
	if (!item)
		return;
	ver_obs.addr[0] = (uintptr_t)item;
	ver_obs.addr[1] = (uintptr_t)work_routine;
	IoQueueWorkItem(item, work_routine, DelayedWorkQueue, NULL);
	ver_obs.done = 1;
	KeStallExecutionProcessor(5000);
}

void sw_lookaside(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ver_obs.addr[0] = (uintptr_t)&la;
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ver_obs.done = 1;
}

void sw_mapping(void *arg)
{
	PHYSICAL_ADDRESS pa;

	UNREFERENCED_PARAMETER(arg);
	pa.QuadPart = 0xF0000000LL;
	ver_obs.p[0] = MmMapIoSpace(pa, 0x100, MmNonCached);
	ver_obs.addr[0] = (uintptr_t)ver_obs.p[0];
	ver_obs.done = 1;
}

void sw_pool(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ver_obs.p[0] = ExAllocatePoolWithTag(NonPagedPoolNx, 24, '1kaL');
	ver_obs.p[1] = ExAllocatePool2(POOL_FLAG_PAGED, 48, '2kaL');
	ver_obs.p[2] = ExAllocatePool2(POOL_FLAG_PAGED, 48, '3kaL');
	ExFreePoolWithTag(ver_obs.p[2], '3kaL');
	ver_obs.done = 1;
}

void sw_all(void *arg)
{
	LARGE_INTEGER due;
	PHYSICAL_ADDRESS pa;
	PIO_WORKITEM item;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeTimer(&timer);
	due.QuadPart = -100000000LL;
	KeSetTimer(&timer, due, NULL);
	ver_obs.addr[0] = (uintptr_t)&timer;
	KeInitializeDpc(&dpc, dpc_routine, NULL);
	KeSetImportanceDpc(&dpc, LowImportance);
	KeInsertQueueDpc(&dpc, NULL, NULL);
	ver_obs.addr[1] = (uintptr_t)&dpc;
	item = IoAllocateWorkItem(&dev);
	ver_obs.addr[2] = (uintptr_t)item;
	ExInitializeNPagedLookasideList(&la, NULL, NULL, 0, 40, LA_TAG, 0);
	ver_obs.addr[3] = (uintptr_t)&la;
	pa.QuadPart = 0xF0000000LL;
	ver_obs.addr[4] = (uintptr_t)MmMapIoSpace(pa, 0x100, MmNonCached);
	ver_obs.p[0] = ExAllocatePoolWithTag(NonPagedPoolNx, 24, '1kaL');
	if (item)
		IoQueueWorkItem(item, work_routine, DelayedWorkQueue, NULL);
	ver_obs.done = 1;
	KeStallExecutionProcessor(5000);
}

static BOOLEAN sw_isr(PKINTERRUPT Interrupt, PVOID Context)
{
	UNREFERENCED_PARAMETER(Interrupt);
	UNREFERENCED_PARAMETER(Context);
	return FALSE;
}

long sw_connect(void *pdo, void *raw, void *translated)
{
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	static PKINTERRUPT obj;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(raw);
	UNREFERENCED_PARAMETER(translated);
	KeInitializeSpinLock(&lock);
	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_LINE_BASED;
	p.LineBased.PhysicalDeviceObject = (PDEVICE_OBJECT)pdo;
	p.LineBased.InterruptObject = &obj;
	p.LineBased.ServiceRoutine = sw_isr;
	p.LineBased.ServiceContext = NULL;
	st = IoConnectInterruptEx(&p);
	ver_obs.addr[5] = (uintptr_t)obj;
	ver_obs.addr[6] = (uintptr_t)sw_isr;
	return st;
}

/* ---- Special Pool ---- */

void sp_fine(void *arg)
{
	static const SIZE_T sizes[] = { 1, 15, 16, 100, 4000, 4096, 5000 };
	unsigned i;

	UNREFERENCED_PARAMETER(arg);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		PUCHAR p = ExAllocatePoolWithTag(NonPagedPoolNx, sizes[i], TAG);

		if (!p)
			return;
		ver_obs.p[i] = p;
		RtlFillMemory(p, sizes[i], 0x5A);
		ver_obs.value[i] = (unsigned long)MmGetPhysicalAddress(p + sizes[i] - 1).QuadPart;
		ExFreePoolWithTag(p, TAG);
	}
	ver_obs.done = 1;
}

void sp_overrun_read(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	ver_obs.byte[0] = p[99];
	ver_obs.byte[1] = p[111];           /* slack up to the 16-byte unit: no fault */
	ver_obs.byte[2] = p[112];           /* the guard page */
	ver_obs.done = 1;
}

void sp_overrun_write(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	p[64] = 1;
	ver_obs.done = 1;
}

void sp_use_after_free(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	ExFreePoolWithTag((PVOID)p, TAG);
	ver_obs.byte[0] = p[10];
	ver_obs.done = 1;
}

void sp_slack_corrupt(void *arg)
{
	PUCHAR p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	p[104] = 0;
	ExFreePoolWithTag(p, TAG);
	ver_obs.done = 1;
}

void sp_underrun(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	ver_obs.byte[0] = p[0];
	ver_obs.byte[1] = p[-1];
	ver_obs.done = 1;
}

/* ---- Special Pool above a page ---- */

/* Sizes above a page written to their last byte, with the bus address of
 * their first and last bytes; MDLs over a 10000-byte and a 100-byte block. */
void sp_large_fine(void *arg)
{
	static const SIZE_T sizes[] = { 4097, 8192, 10000, 12288, 70000 };
	PPFN_NUMBER pfn;
	PMDL m;
	PUCHAR p;
	unsigned i;

	UNREFERENCED_PARAMETER(arg);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = ExAllocatePoolWithTag(NonPagedPoolNx, sizes[i], TAG);
		if (!p)
			return;
		ver_obs.p[i] = p;
		RtlFillMemory(p, sizes[i], 0x5A);
		ver_obs.value[2 * i] = (unsigned long)MmGetPhysicalAddress(p).QuadPart;
		ver_obs.value[2 * i + 1] =
			(unsigned long)MmGetPhysicalAddress(p + sizes[i] - 1).QuadPart;
		ExFreePoolWithTag(p, TAG);
	}
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 10000, TAG);
	if (!p)
		return;
	m = IoAllocateMdl(p, 10000, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	pfn = MmGetMdlPfnArray(m);
	for (i = 0; i < 3; i++)
		ver_obs.byte[i] = (UCHAR)((ULONG64)pfn[i] ==
			(ULONG64)MmGetPhysicalAddress((PUCHAR)PAGE_ALIGN(p) + i * PAGE_SIZE).QuadPart >> PAGE_SHIFT);
	IoFreeMdl(m);
	ExFreePoolWithTag(p, TAG);
	/* and over a block of one page */
	p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG);
	m = p ? IoAllocateMdl(p, 100, FALSE, FALSE, NULL) : NULL;
	if (!m)
		return;
	MmBuildMdlForNonPagedPool(m);
	ver_obs.byte[3] = (UCHAR)((ULONG64)MmGetMdlPfnArray(m)[0] ==
		(ULONG64)MmGetPhysicalAddress(p).QuadPart >> PAGE_SHIFT);
	IoFreeMdl(m);
	ExFreePoolWithTag(p, TAG);
	ver_obs.done = 1;
}

/* A 10000-byte block (three pages), read one byte past its end. */
void sp_large_overrun(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 10000, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	if (!p)
		return;
	p[0] = 1;
	p[9999] = 2;                        /* its last byte: fine */
	ver_obs.byte[0] = p[10000];
	ver_obs.done = 1;
}

/* Freed, then read in its second page (+5000). */
void sp_large_use_after_free(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 10000, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	if (!p)
		return;
	ExFreePoolWithTag((PVOID)p, TAG);
	ver_obs.byte[0] = p[5000];
	ver_obs.done = 1;
}

/* START mode: read one byte before a 10000-byte block. */
void sp_large_underrun(void *arg)
{
	volatile UCHAR *p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 10000, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	if (!p)
		return;
	ver_obs.byte[0] = p[0];
	ver_obs.byte[1] = p[-1];
	ver_obs.done = 1;
}

/* A write into the pattern after the block, in its last page: END mode
 * (@arg NULL) a 10001-byte block written at +10005 (the rounding slack),
 * START mode (@arg set) a 10000-byte block written at +11000. */
void sp_large_tail_corrupt(void *arg)
{
	SIZE_T bytes = arg ? 10000 : 10001;
	PUCHAR p;

	p = ExAllocatePoolWithTag(NonPagedPoolNx, bytes, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	if (!p)
		return;
	RtlFillMemory(p, bytes, 0x11);
	p[arg ? 11000 : 10005] = 0;
	ExFreePoolWithTag(p, TAG);
	ver_obs.done = 1;
}

/* Blocks allocated and freed: 3000 of 2 to 9 pages (sizes repeat: ready
 * arenas are reused), then 700 of 2 to 251 pages (sizes repeat only after
 * 250: arenas must go back to the memory). value[0] counts the blocks that
 * did not end at a page's end (in END mode: not from Special Pool). */
void sp_large_cycles(void *arg)
{
	unsigned i;

	UNREFERENCED_PARAMETER(arg);
	for (i = 0; i < 3700; i++) {
		SIZE_T pages = i < 3000 ? i % 8 : (i - 3000) % 250;
		SIZE_T bytes = 4097 + pages * 4096 + i % 100;
		PUCHAR p = ExAllocatePool2(POOL_FLAG_NON_PAGED, bytes, TAG);

		if (!p)
			return;
		p[0] = 1;
		p[bytes - 1] = 2;
		ver_obs.value[0] += ((uintptr_t)p + (bytes + 15) / 16 * 16) % PAGE_SIZE != 0;
		ExFreePoolWithTag(p, TAG);
	}
	ver_obs.done = 1;
}

/* ---- Force IRQL Checking ---- */

void fi_paged_passive(void *arg)
{
	PUCHAR p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePool2(POOL_FLAG_PAGED, 64, TAG);
	if (!p)
		return;
	p[0] = 7;
	KeRaiseIrql(DISPATCH_LEVEL, &old);  /* closes the paged arena */
	KeLowerIrql(old);
	ver_obs.byte[0] = p[0];             /* opened again, below DISPATCH_LEVEL */
	KeRaiseIrql(APC_LEVEL, &old);
	p[1] = 8;                           /* APC_LEVEL may touch paged memory */
	KeLowerIrql(old);
	ver_obs.byte[1] = p[1];
	ExFreePoolWithTag(p, TAG);
	ver_obs.done = 1;
}

/* @arg set: a 10000-byte block, not 64 bytes. */
void fi_paged_dispatch(void *arg)
{
	volatile UCHAR *p;
	KIRQL old;

	p = ExAllocatePool2(POOL_FLAG_PAGED, arg ? 10000 : 64, TAG);
	if (!p)
		return;
	ver_obs.addr[0] = (uintptr_t)p;
	p[0] = 7;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	ver_obs.byte[0] = p[3];
	KeLowerIrql(old);
	ver_obs.done = 1;
}

void fi_paged_raise_again(void *arg)
{
	volatile UCHAR *p;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePool2(POOL_FLAG_PAGED, 64, TAG);
	if (!p)
		return;
	ver_obs.addr[0] = (uintptr_t)p;
	/* Never touched below DISPATCH_LEVEL after the allocation: a spin
	 * lock raises, then the write faults. */
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &old);
	p[5] = 1;
	KeReleaseSpinLock(&lock, old);
	ver_obs.done = 1;
}

/* ---- Force IRQL Checking and pages an MDL locked ---- */

static KDPC touch_dpc;

/* Reads the byte at Arg1 at DISPATCH_LEVEL; counts its runs. */
static VOID touch_routine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(Context);
	UNREFERENCED_PARAMETER(Arg2);
	ver_obs.addr[7] = (uintptr_t)Arg1;
	ver_obs.byte[3] = *(volatile UCHAR *)Arg1;
	ver_obs.value[15]++;
}

/* A DPC (run at once: queued below DISPATCH_LEVEL) reads @p. */
static void touch_in_dpc(PUCHAR p)
{
	KeInsertQueueDpc(&touch_dpc, p, NULL);
}

/*
 * Paged pool locked by MDLs, touched from a DPC. @arg: 0 one MDL over a
 * 3000-byte block: the block and the MDL's system address read in the
 * DPC, then unlocked and read again (0xD1 at +1). 1: two MDLs over the
 * same block, unlocked one after the other, read after each (0xD1 after
 * the second). 2: a two-page block, an MDL locking its first page only,
 * the second page read (0xD1 at +4196).
 */
void fi_paged_locked_dpc(void *arg)
{
	SIZE_T bytes = arg == (void *)2 ? 8192 : 3000;
	PMDL m, m2 = NULL;
	PUCHAR p, sys;

	p = ExAllocatePool2(POOL_FLAG_PAGED, bytes, TAG);
	ver_obs.addr[0] = (uintptr_t)p;
	if (!p)
		return;
	RtlFillMemory(p, bytes, 0x3C);
	KeInitializeDpc(&touch_dpc, touch_routine, NULL);
	m = IoAllocateMdl(p, arg == (void *)2 ? 4096 : (ULONG)bytes, FALSE, FALSE, NULL);
	if (!m)
		return;
	MmProbeAndLockPages(m, KernelMode, IoWriteAccess);
	if (arg == (void *)1) {
		m2 = IoAllocateMdl(p + 100, 200, FALSE, FALSE, NULL);
		if (!m2)
			return;
		MmProbeAndLockPages(m2, KernelMode, IoReadAccess);
	}
	sys = MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
	if (!sys)
		return;
	ver_obs.addr[1] = (uintptr_t)sys;
	if (arg == (void *)2) {
		touch_in_dpc(p + 4095);             /* locked: fine */
		ver_obs.value[0] = ver_obs.value[15];
		touch_in_dpc(p + 4196);             /* not locked: 0xD1 */
		return;
	}
	touch_in_dpc(p + 1);
	touch_in_dpc(p + bytes - 1);
	touch_in_dpc(sys + 2);
	ver_obs.value[0] = ver_obs.value[15];
	ver_obs.byte[0] = ver_obs.byte[3];
	if (m2) {
		MmUnlockPages(m2);                  /* m still locks the page */
		touch_in_dpc(p + 1);
		ver_obs.value[1] = ver_obs.value[15];
	}
	MmUnlockPages(m);
	ver_obs.value[2] = ver_obs.value[15];
	touch_in_dpc(p + 1);                     /* paged again: 0xD1 */
	ver_obs.done = 1;
}

/* ---- a plain dereference of mapped device memory ---- */

void mm_plain_access(void *arg)
{
	PHYSICAL_ADDRESS pa;
	volatile ULONG *regs;

	pa.QuadPart = 0xF0000000LL;
	regs = MmMapIoSpace(pa, 0x100, MmNonCached);
	ver_obs.addr[0] = (uintptr_t)regs;
	if (!regs)
		return;
	ver_obs.value[0] = READ_REGISTER_ULONG(regs);  /* through the bus: fine */
	if (arg)
		regs[2] = 1;                              /* a plain write */
	else
		ver_obs.value[1] = regs[1];               /* a plain read */
	ver_obs.done = 1;
}

void mm_after_unmap(void *arg)
{
	PHYSICAL_ADDRESS pa;
	volatile ULONG *regs;

	UNREFERENCED_PARAMETER(arg);
	pa.QuadPart = 0xF0000000LL;
	regs = MmMapIoSpace(pa, 0x100, MmNonCached);
	ver_obs.addr[0] = (uintptr_t)regs;
	if (!regs)
		return;
	MmUnmapIoSpace((PVOID)regs, 0x100);
	ver_obs.value[0] = regs[3];
	ver_obs.done = 1;
}

/* Pool holding an armed timer, or a queued DPC, freed. */
void pf_timer(void *arg)
{
	LARGE_INTEGER due;
	PKTIMER t;

	UNREFERENCED_PARAMETER(arg);
	t = ExAllocatePoolWithTag(NonPagedPoolNx, 64 + sizeof(KTIMER), 'rmiT');
	if (!t)
		return;
	ver_obs.addr[0] = (uintptr_t)t;
	KeInitializeTimer(t);
	due.QuadPart = -100000000LL;
	KeSetTimer(t, due, NULL);
	ExFreePoolWithTag(t, 'rmiT');
	ver_obs.done = 1;
}

void pf_dpc(void *arg)
{
	PUCHAR block;
	PKDPC d;

	UNREFERENCED_PARAMETER(arg);
	block = ExAllocatePoolWithTag(NonPagedPoolNx, 32 + sizeof(KDPC), 'cpDT');
	if (!block)
		return;
	d = (PKDPC)(block + 32);
	ver_obs.addr[0] = (uintptr_t)block;
	ver_obs.addr[1] = (uintptr_t)d;
	ver_obs.value[0] = 32 + sizeof(KDPC);
	KeInitializeDpc(d, dpc_routine, NULL);
	KeSetImportanceDpc(d, LowImportance);
	KeInsertQueueDpc(d, NULL, NULL);
	ExFreePoolWithTag(block, 'cpDT');
	ver_obs.done = 1;
}

/* A system thread that waits a second: still running at 1 ms. */
static VOID sleeper(PVOID Context)
{
	LARGE_INTEGER d;

	UNREFERENCED_PARAMETER(Context);
	d.QuadPart = -10000000LL;
	KeDelayExecutionThread(KernelMode, FALSE, &d);
	PsTerminateSystemThread(STATUS_SUCCESS);
}

void sw_thread(void *arg)
{
	HANDLE h;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(arg);
	st = PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, sleeper, NULL);
	ver_obs.status = st;
	ver_obs.addr[0] = (uintptr_t)h;
	ver_obs.addr[1] = (uintptr_t)sleeper;
	if (NT_SUCCESS(st))
		ZwClose(h);
	ver_obs.done = 1;
}

/* Pool Tracking: a write just past the end, inside the last 16-byte unit. */
void pt_overrun(void *arg)
{
	PUCHAR p;

	UNREFERENCED_PARAMETER(arg);
	p = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	if (!p)
		return;
	ver_obs.addr[0] = (uintptr_t)p;
	p[101] = 0;
	ExFreePoolWithTag(p, TAG);
	ver_obs.done = 1;
}
