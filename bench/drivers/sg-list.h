/*
 * bench/drivers/sg-list.h - the driver side of the hostos_sg_list
 * workload (plain C types: the benchmark is not a Windows translation
 * unit).
 */
#ifndef PCISIM_BENCH_SG_LIST_H
#define PCISIM_BENCH_SG_LIST_H

#include <stdint.h>

/* In: the PDO and the count; out: lists done and elements in the last. */
struct bench_sg_args {
	void *pdo;
	uint64_t n;
	uint64_t done;
	uint32_t elements;
};

/* Host OS thread body (@arg a struct bench_sg_args): a 64 KiB nonpaged
 * buffer described by an MDL, then n GetScatterGatherList +
 * PutScatterGatherList pairs at DISPATCH_LEVEL through a 64-bit
 * scatter/gather bus-master adapter. */
void bench_sg_lists(void *arg);

#endif /* PCISIM_BENCH_SG_LIST_H */
