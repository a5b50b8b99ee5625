/*
 * bench/drivers/spin-pair.h - the driver side of the hostos_spinlock_pair
 * workload (plain C types: the benchmark is not a Windows translation
 * unit).
 */
#ifndef PCISIM_BENCH_SPIN_PAIR_H
#define PCISIM_BENCH_SPIN_PAIR_H

#include <stdint.h>

/* Host OS thread body: *(uint64_t *)arg pairs of KeAcquireSpinLock and
 * KeReleaseSpinLock on one lock; the count is written back as done. */
void bench_spin_pairs(void *arg);

#endif /* PCISIM_BENCH_SPIN_PAIR_H */
