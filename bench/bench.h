/*
 * bench/bench.h - what the parts of pcisim-bench share: the workload
 * functions (one per SystemC peer program, same sizes, delays and timing
 * rules), the fixed-seed generator they draw addresses and delays from, and
 * a monotonic clock. Each workload builds its model untimed, times only the
 * simulation run, checks its own result and returns 0, or prints why it
 * failed to stderr and returns -1.
 */
#ifndef PCISIM_BENCH_BENCH_H
#define PCISIM_BENCH_BENCH_H

#include <stdint.h>

/*
 * The 64-bit LCG of the peer programs (Knuth's MMIX constants); the high
 * half of the state is the output, as in the peers' bench.h, so both sides
 * draw the same sequence from the same seed.
 */
struct bench_lcg {
	uint64_t s;
};

static inline uint32_t bench_lcg_next(struct bench_lcg *g)
{
	g->s = g->s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (uint32_t)(g->s >> 32);
}

/* Monotonic wall clock, seconds. */
double bench_now(void);

/* The ping-pong notification kinds (the peer's delta, timed and immediate modes). */
enum bench_pingpong_mode {
	BENCH_PP_DELTA = 0,
	BENCH_PP_TIMED = 1,
	BENCH_PP_IMMEDIATE = 2,
};

/*
 * Workloads of bench/kernel-bench.c. @rate receives the figure: events per
 * second or thread switches per second of the timed run.
 */
int bench_timed_events(uint64_t n, double *rate);
int bench_pending(uint32_t procs, uint64_t n, double *rate);
int bench_pingpong(enum bench_pingpong_mode mode, uint64_t round_trips, double *rate);

/*
 * Workload of bench/tlm-bench.c: @n 4-byte transactions (alternating write
 * and read-back) through a router to four memories, by b_transport, or by
 * DMI once granted when @use_dmi is set. @rate: transactions per second.
 */
int bench_tlm(int use_dmi, uint64_t n, double *rate);

/*
 * Workloads of bench/bus-bench.c (no SystemC peer), 1,000 regions mapped:
 * @n bus_decode_find() lookups at random addresses, or @n 4-byte
 * bus_decode_read() calls to a register region. @rate: calls per second.
 */
int bench_bus_decode(uint64_t n, double *rate);
int bench_bus_mmio_read(uint64_t n, double *rate);

/*
 * Workload of bench/bus-bench.c (no SystemC peer): @n 4-byte
 * platform_mmio_read() round trips to a device register of a one-device
 * machine (decoder + link timing). @rate: round trips per second.
 */
int bench_bus_mmio_read_link(uint64_t n, double *rate);

/*
 * Workload of bench/dma-bench.c (peer: bench/systemc/dma.cpp): one DMA
 * engine writes @total bytes into host memory in 4 KiB transfers. @rate:
 * bytes per second of wall time; @vs_memcpy: @rate over memcpy's of 4 KiB
 * blocks on the same working set; @rtf: simulated over wall seconds.
 */
int bench_dma(uint64_t total, double *rate, double *vs_memcpy, double *rtf);

/*
 * Workload of bench/hostos-bench.c (no peer): @n KeAcquireSpinLock +
 * KeReleaseSpinLock pairs by a driver thread of the mock host OS with the
 * standard verifier flags. @rate: pairs per second.
 */
int bench_hostos_spinlock_pair(uint64_t n, double *rate);

/*
 * Workload of bench/hostos-irq-bench.c (no peer): @n interrupts, each a
 * device MSI across its link -> the driver's ISR -> its DpcForIsr -> a
 * KEVENT signalled, on a built machine with the standard verifier flags.
 * @rate: events signalled per second.
 */
int bench_hostos_interrupt_to_dpc(uint64_t n, double *rate);

/*
 * Workload of bench/hostos-io-bench.c (no peer): @n synchronous
 * DeviceIoControl round trips (METHOD_BUFFERED, 16 bytes each way) from an
 * application thread through the I/O manager to a WDM driver that
 * completes them in its dispatch routine, with the standard verifier
 * flags. *@rate: round trips per second of wall time. Return: 0, or -1.
 */
int bench_hostos_ioctl_roundtrip(uint64_t n, double *rate);

/*
 * Workload of bench/hostos-dma-bench.c (no peer): @n GetScatterGatherList
 * + PutScatterGatherList pairs for a 64 KiB nonpaged buffer (16 scattered
 * pages) through a 64-bit scatter/gather adapter, standard verifier flags.
 * @rate: pairs per second.
 */
int bench_hostos_sg_list(uint64_t n, double *rate);

#endif /* PCISIM_BENCH_BENCH_H */
