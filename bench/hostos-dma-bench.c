/*
 * bench/hostos-dma-bench.c - the host OS DMA workload of pcisim-bench (no
 * peer): hostos_sg_list.
 */
#include "bench/bench.h"

#include <stdio.h>

#include "bench/drivers/sg-list.h"
#include "bus/hostmem.h"
#include "hostos/devices.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "sim/kernel.h"

int bench_hostos_sg_list(uint64_t n, double *rate)
{
	static const struct bus_mem_range ram[] = { { 0, UINT64_C(64) << 20 } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct hostos_device_desc dd = { .name = "bench", .bus = 1, .line = HOSTOS_NO_LINE };
	struct bench_sg_args args = { .n = n };
	struct sim_kernel_config kc;
	struct hostos_device *dev;
	struct sim_kernel k;
	struct bus_mem mem;
	struct hostos *os;
	double t0, t1;
	int rc = -1;

	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) != SIM_OK)
		return -1;
	if (bus_mem_init(&mem, &mc) != SIM_OK)
		goto out_kernel;
	/* The standard verifier set (DMA Verification included); pool pages
	 * scattered, so the 64 KiB buffer is 16 elements. */
	if (hostos_create(&os, &k, NULL) != SIM_OK)
		goto out_mem;
	if (hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_SCATTERED) != SIM_OK ||
	    hostos_device_create(os, &dd, &dev) != SIM_OK)
		goto out;
	args.pdo = hostos_device_pdo(dev);
	if (hostos_thread_start(os, "sg", bench_sg_lists, &args, 0, NULL) != SIM_OK)
		goto out;
	t0 = bench_now();
	hostos_run(os);
	t1 = bench_now();
	if (hostos_bugchecked(os) || args.done != n || args.elements != 16) {
		fprintf(stderr, "hostos_sg_list: %s\n",
			hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report
					      : "wrong count or list");
		goto out;
	}
	*rate = (double)n / (t1 - t0);
	rc = 0;
out:
	hostos_destroy(os);
out_mem:
	bus_mem_destroy(&mem);
out_kernel:
	sim_kernel_destroy(&k);
	return rc;
}
