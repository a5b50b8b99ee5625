/*
 * cli/workload-internal.h - what the two ways of running a workload share
 * (cli/workload.c: the harness drives the device on bare metal;
 * cli/workload-driver.c: an application drives it through the reference
 * driver and the mock OS). Private to cli/.
 */
#ifndef PCISIM_CLI_WORKLOAD_INTERNAL_H
#define PCISIM_CLI_WORKLOAD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/workload.h"
#include "irq/ctrl.h"
#include "platform/system.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/vcd.h"

struct wl {
	const struct scenario *sc;
	struct wl_result *out;
	struct platform_system *s;
	struct sim_kernel *k;
	struct platform_machine *m;
	struct refdev *dev;
	struct irq_ctrl *c;
	uint64_t bar0;
	uint64_t table;               /* bus address of the page table */
	uint64_t *pages;              /* the data pages, in data order */
	size_t n_pages;
	uint8_t *scratch;             /* one transfer's bytes, for checks */
	struct sim_event kick;
	unsigned row, done_in_row;
	sim_time_t row_start_ps, t_start_ps;
	uint64_t row_messages;         /* messages before the row (bare metal) */
	double *lat_us;
	bool running, failed;
	char why[160];
	struct sim_vcd vcd;
	bool vcd_on;
	uint32_t v_busy, v_status, v_size;
	struct sim_ctrace ct;
	bool ct_on;
	uint32_t track;
	unsigned instance;             /* the driver's device number: \\\\.\\Refdrv<instance> */
	bool driver;                   /* driver = refdrv */
};

/* The data pattern of row @salt, byte @i. */
uint8_t workload_pattern(uint64_t i, unsigned salt);

/* A finished row's time, throughput and latency percentiles from
 * w->lat_us (its transfers' latencies, sorted here); @end_ps: when its
 * last transfer ended. */
void workload_row_stats(struct wl *w, struct wl_row *r, sim_time_t end_ps);

/* Run the rows through the reference driver (cli/workload-driver.c):
 * load it, run the rows from an application thread, remove the device,
 * and check that the verifier found nothing. Return: 0, or -1 with @err. */
int workload_run_driver(struct wl *w, uint64_t max_size, char *err, unsigned len);

#endif /* PCISIM_CLI_WORKLOAD_INTERNAL_H */
