/*
 * cli/workload.h - running a scenario's workload (cli/scenario.h) on the
 * system it describes, and what it measured. Private to cli/.
 *
 * With driver = none the harness is the driver, on bare metal: it puts
 * the data pages (scattered 4 KiB frames, below or above 4 GiB) and their
 * page table in host memory, programs the reference device's registers
 * through timed MMIO, gives it one MSI, and on each DMA_DONE message reads
 * and clears INT_STATUS and starts the next transfer at once. A size's
 * throughput is its bytes over the time from its first CMD write to its
 * last DMA_DONE message, so it includes the command latency, the page
 * table fetches and the interrupt; the bound beside it is the link's
 * steady state (bus/link.h), which has none of those.
 */
#ifndef PCISIM_CLI_WORKLOAD_H
#define PCISIM_CLI_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/scenario.h"
#include "sim/time.h"

/** struct wl_row - one size in one direction. */
struct wl_row {
	enum scen_dir dir;            /* SCEN_DIR_WRITE or SCEN_DIR_READ */
	uint64_t size;                /* bytes per transfer */
	unsigned transfers;           /* completed */
	unsigned errors;              /* ended with ERROR */
	uint64_t bytes;               /* moved (DMA_BYTES summed) */
	sim_time_t elapsed_ps;        /* first CMD write to last DMA_DONE */
	double gbps;                  /* payload Gb/s, 10^9 bit/s */
	double bound_gbps;            /* the link's steady state */
	double lat_mean_us, lat_p50_us, lat_p99_us, lat_max_us; /* CMD write to message */
	bool verified;                /* the last transfer's bytes matched */
	/* Interrupt work during the row: interrupts delivered to the CPUs
	 * (messages or line assertions taken), ISRs called, DPCs run. On
	 * bare metal the harness's handler is the ISR and there is no DPC. */
	uint64_t interrupts, isrs, dpcs;
};

/** struct wl_result - the run. */
struct wl_result {
	struct wl_row rows[2 * SCEN_MAX_SIZES];
	unsigned n_rows;
	unsigned gen, width, mps, mrrs;  /* the workload device's trained link */
	uint64_t bar0;                    /* where its registers are */
	unsigned bus, slot;
	uint64_t messages;                /* interrupts taken */
	sim_time_t end_ps;                /* simulated time at the end */
	char vcd_path[2 * SCEN_PATH_MAX + 8], trace_path[2 * SCEN_PATH_MAX + 8];
};

/**
 * workload_run() - build the system, run every size in each direction,
 * verify the bytes, write the VCD and trace files the scenario asks for
 * (in its output dir, named after it; the directory must exist).
 * @err: the reason on failure.
 * Return: 0; -1 when the system cannot be built, a file cannot be written,
 * or the simulation stops before every transfer ended.
 */
int workload_run(const struct scenario *sc, struct wl_result *out, char *err, unsigned err_len);

/**
 * workload_row_finish() - fill @r's elapsed time, throughput and latency
 * figures from @elapsed_ps and the latencies of its @r->transfers
 * transfers in @lat_us (microseconds; sorted in place).
 */
void workload_row_finish(struct wl_row *r, sim_time_t elapsed_ps, double *lat_us);

struct hostos;

/** struct wl_irq_mark - the host OS's interrupt counters at a row's start. */
struct wl_irq_mark {
	uint64_t interrupts, isrs, dpcs;
};

/** workload_irq_mark() - take @os's counters now. */
void workload_irq_mark(struct hostos *os, struct wl_irq_mark *m);

/** workload_irq_row() - @r's interrupts, ISRs and DPCs: @os's counters
 * now less those at @start. */
void workload_irq_row(struct hostos *os, const struct wl_irq_mark *start, struct wl_row *r);

#endif /* PCISIM_CLI_WORKLOAD_H */
