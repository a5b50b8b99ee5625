/*
 * bench/drivers/spin-pair.c - the driver code of the hostos_spinlock_pair
 * workload: what a driver's hot path does around a shared counter.
 */
#include <wdm.h>

#include "spin-pair.h"

static KSPIN_LOCK lock;
static volatile ULONG64 counter;

void bench_spin_pairs(void *arg)
{
	ULONG64 *n = arg;
	KIRQL old;

	KeInitializeSpinLock(&lock);
	counter = 0;
	for (ULONG64 i = 0; i < *n; i++) {
		KeAcquireSpinLock(&lock, &old);
		counter = counter + 1;
		KeReleaseSpinLock(&lock, old);
	}
	*n = counter;
}
