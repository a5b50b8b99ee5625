/*
 * bench/hostos-bench.c - the host OS workloads of pcisim-bench (no SystemC
 * peer: the closest tools run only on Windows).
 */
#include "bench/bench.h"

#include <stdio.h>

#include "bench/drivers/spin-pair.h"
#include "hostos/os.h"
#include "sim/kernel.h"

int bench_hostos_spinlock_pair(uint64_t n, double *rate)
{
	struct sim_kernel k;
	struct sim_kernel_config kc;
	struct hostos *os;
	uint64_t count = n;
	double t0, t1;
	int rc = -1;

	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) != SIM_OK)
		return -1;
	/* The standard verifier set, as the benchmark asks: IRQL checks,
	 * the lock table and Deadlock Detection all run on every pair. */
	if (hostos_create(&os, &k, NULL) != SIM_OK)
		goto out_kernel;
	if (hostos_thread_start(os, "spin", bench_spin_pairs, &count, 0, NULL) != SIM_OK)
		goto out;
	t0 = bench_now();
	hostos_run(os);
	t1 = bench_now();
	if (hostos_bugchecked(os) || count != n) {
		fprintf(stderr, "hostos_spinlock_pair: %s\n",
			hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report : "wrong count");
		goto out;
	}
	*rate = (double)n / (t1 - t0);
	rc = 0;
out:
	hostos_destroy(os);
out_kernel:
	sim_kernel_destroy(&k);
	return rc;
}
