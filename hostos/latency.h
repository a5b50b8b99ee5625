/*
 * hostos/latency.h - how long interrupt work takes, in simulated time: each
 * ISR call (entry to return), each DPC run, and each interrupt's delivery to
 * the start of a DPC its ISR queued (the ISR-to-DPC path a driver's
 * latency depends on). Kept from hostos_create() on, in histograms with
 * 1/8-octave buckets (values within 12.5%; minimum, maximum and mean are
 * exact).
 *
 * Include as "hostos/latency.h".
 */
#ifndef PCISIM_HOSTOS_LATENCY_H
#define PCISIM_HOSTOS_LATENCY_H

#include <stdint.h>

#include "hostos/os.h"
#include "sim/time.h"

/**
 * struct hostos_latency_summary - one kind of sample.
 * @count: samples.
 * @min_ps, @max_ps, @mean_ps: exact.
 * @p50_ps, @p90_ps, @p99_ps: the upper edge of the bucket holding that
 *	rank (at most 12.5% above the sample), clamped to @max_ps.
 */
struct hostos_latency_summary {
	uint64_t count;
	sim_time_t min_ps, max_ps, mean_ps;
	sim_time_t p50_ps, p90_ps, p99_ps;
};

/**
 * struct hostos_latency_stats - the three kinds.
 * @isr: ISR calls.
 * @dpc: DPC runs (every DPC, timer DPCs included).
 * @irq_to_dpc: delivery of an interrupt to the start of a DPC queued by an
 *	ISR it ran (IoRequestDpc, KeInsertQueueDpc from the ISR); a DPC queued
 *	twice before it runs counts once, from the first.
 * @unmatched: DPCs queued from ISRs whose start was not measured (more than
 *	256 queued at once).
 */
struct hostos_latency_stats {
	struct hostos_latency_summary isr, dpc, irq_to_dpc;
	uint64_t unmatched;
};

/** hostos_latency_stats() - the summaries so far (all zero when none). */
void hostos_latency_stats(const struct hostos *os, struct hostos_latency_stats *out);

#endif /* PCISIM_HOSTOS_LATENCY_H */
