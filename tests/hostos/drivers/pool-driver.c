/*
 * tests/hostos/drivers/pool-driver.c - the pool tests' driver: plain WDM
 * code (it also compiles against mingw-w64's DDK headers), a function per
 * scenario, each run as a host OS thread.
 */
#include <ntddk.h>

#include "pool-driver.h"

#define TAG 'tseT'

struct pool_obs pool_obs;

void pool_basic(void *arg)
{
	UCHAR *a, *b, *c;

	UNREFERENCED_PARAMETER(arg);
	a = ExAllocatePoolWithTag(NonPagedPoolNx, 100, TAG);
	b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 * 4096 + 10, TAG);
	c = ExAllocatePool2(POOL_FLAG_NON_PAGED, 3000, TAG);
	pool_obs.p[0] = a;
	pool_obs.p[1] = b;
	pool_obs.p[2] = c;
	if (!a || !b || !c)
		return;
	pool_obs.first[0] = a[0];  /* ExAllocatePoolWithTag: not zeroed */
	pool_obs.first[1] = b[0];  /* ExAllocatePool2: zeroed */
	pool_obs.pa[1][0] = (uint64_t)MmGetPhysicalAddress(b).QuadPart;
	pool_obs.pa[1][1] = (uint64_t)MmGetPhysicalAddress(b + 4096).QuadPart;
	pool_obs.pa[2][0] = (uint64_t)MmGetPhysicalAddress(c).QuadPart;
	RtlFillMemory(c, 3000, 0x5A);
	ExFreePoolWithTag(a, TAG);
	pool_obs.first[2] = a[0];  /* freed pool reads the freed pattern */
	ExFreePool(b);
	pool_obs.ok[0] = MmGetPhysicalAddress(&pool_obs).QuadPart == 0; /* not pool */
}

void pool2_refusals(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	pool_obs.ok[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, 0) == NULL;
	pool_obs.ok[1] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED1, 8, TAG) == NULL;
	pool_obs.ok[2] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 8, TAG) == NULL;
	pool_obs.ok[3] = ExAllocatePool2(POOL_FLAG_UNINITIALIZED, 8, TAG) == NULL;
	/* An unknown optional flag is ignored. */
	pool_obs.p[0] = ExAllocatePool2(POOL_FLAG_PAGED | 0x400000000ULL, 8, TAG);
	pool_obs.ok[4] = pool_obs.p[0] != NULL;
	if (pool_obs.p[0])
		ExFreePoolWithTag(pool_obs.p[0], TAG);
}

void pool_tracking(void *arg)
{
	PVOID x;

	UNREFERENCED_PARAMETER(arg);
	pool_obs.p[0] = ExAllocatePoolWithTag(NonPagedPoolNx, 10, '1gaT');
	x = ExAllocatePoolWithTag(PagedPool, 20, '2gaT');
	pool_obs.p[1] = ExAllocatePool2(POOL_FLAG_PAGED, 30, '3gaT');
	ExFreePoolWithTag(x, '2gaT');
}

void pool_zero_bytes(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)ExAllocatePoolWithTag(NonPagedPoolNx, 0, TAG);
}

void pool_paged_at_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	(void)ExAllocatePoolWithTag(PagedPool, 64, TAG);
	KeLowerIrql(old);
}

void pool_nonpaged_above_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	old = KeRaiseIrqlToSynchLevel();
	(void)ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG);
	KeLowerIrql(old);
}

void pool_double_free(void *arg)
{
	PVOID x;

	UNREFERENCED_PARAMETER(arg);
	x = ExAllocatePoolWithTag(NonPagedPoolNx, 64, TAG);
	pool_obs.freed = x;
	ExFreePoolWithTag(x, TAG);
	ExFreePoolWithTag(x, TAG);
}

void pool_wrong_tag(void *arg)
{
	PVOID x;

	UNREFERENCED_PARAMETER(arg);
	x = ExAllocatePoolWithTag(NonPagedPoolNx, 64, TAG);
	pool_obs.freed = x;
	ExFreePoolWithTag(x, 'gnrW');
}

void pool_inside_block(void *arg)
{
	UCHAR *x;

	UNREFERENCED_PARAMETER(arg);
	x = ExAllocatePoolWithTag(NonPagedPoolNx, 64, TAG);
	pool_obs.freed = x + 16;
	ExFreePool(x + 16);
}

void pool_tag_zero(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)ExAllocatePoolWithTag(NonPagedPoolNx, 8, 0);
}

void pool_tag_big(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)ExAllocatePoolWithTag(NonPagedPoolNx, 8, ' GIB');
}

void pool_tag_blank(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)ExAllocatePoolWithTag(NonPagedPoolNx, 8, '  - ');
}

void pool_must_succeed(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	(void)ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, TAG);
}

void pool_free_paged_at_dispatch(void *arg)
{
	PVOID x;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	x = ExAllocatePoolWithTag(PagedPool, 8, TAG);
	pool_obs.freed = x;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	ExFreePoolWithTag(x, TAG);
	KeLowerIrql(old);
}
