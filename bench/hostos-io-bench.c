/*
 * bench/hostos-io-bench.c - the hostos_ioctl_roundtrip workload of
 * pcisim-bench (no peer): an application thread's synchronous
 * DeviceIoControl (win32.h, METHOD_BUFFERED, 16 bytes in and out) through
 * the I/O manager to a WDM function driver above its PDO, which completes
 * it in the dispatch routine; the output is copied back. Each round trip
 * is an IRP allocated, sent (IoCallDriver with its checks), completed
 * (IoCompleteRequest), finished for the caller and freed, with the
 * standard verifier flags. Timed inside the application thread, after the
 * driver is loaded and the handle open.
 */
#include "bench/bench.h"

#include <stdio.h>
#include <string.h>

#include "bench/drivers/ioctl-echo.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "sim/kernel.h"

struct io_run {
	uint64_t n, done;
	double t0, t1;
	struct hostos *os;
	struct hostos_device *dev;
	int err;
};

static void app(void *arg)
{
	static const struct hostos_hwid ids[] = { { 0x1AF4, 0x1000, 0, 0 } };
	struct hostos_driver_desc dd = { .service = "benchecho",
					 .entry = HOSTOS_DRIVER_ENTRY(bench_echo_entry),
					 .ids = ids, .n_ids = 1 };
	struct io_run *r = arg;
	unsigned char in[16], out[16];
	DWORD got;
	HANDLE h;

	if (hostos_driver_load(r->os, &dd, NULL) != 0) {
		r->err = 1;
		return;
	}
	h = CreateFile("\\\\.\\BenchEcho", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
		       0, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		r->err = 2;
		return;
	}
	memset(in, 0x5A, sizeof(in));
	r->t0 = bench_now();
	for (uint64_t i = 0; i < r->n; i++) {
		if (!DeviceIoControl(h, IOCTL_BENCH_ECHO, in, sizeof(in), out, sizeof(out), &got,
				     NULL) ||
		    got != sizeof(out))
			break;
		r->done++;
	}
	r->t1 = bench_now();
	CloseHandle(h);
	if (hostos_pnp_remove(r->dev) != 0)
		r->err = 3;
}

int bench_hostos_ioctl_roundtrip(uint64_t n, double *rate)
{
	struct hostos_device_desc d = {
		.name = "echo", .bus = 1, .line = HOSTOS_NO_LINE,
		.vendor_id = 0x1AF4, .device_id = 0x1000,
	};
	struct sim_kernel k;
	struct sim_kernel_config kc;
	struct hostos *os;
	struct io_run r = { .n = n };
	int rc = -1;

	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) != SIM_OK)
		return -1;
	if (hostos_create(&os, &k, NULL) != SIM_OK)
		goto out_kernel;
	r.os = os;
	if (hostos_device_create(os, &d, &r.dev) != SIM_OK ||
	    hostos_thread_start(os, "app", app, &r, 0, NULL) != SIM_OK)
		goto out;
	hostos_run(os);
	if (hostos_bugchecked(os) || r.err || r.done != n) {
		fprintf(stderr, "hostos_ioctl_roundtrip: %s (step %d, %llu done)\n",
			hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report : "failed", r.err,
			(unsigned long long)r.done);
		goto out;
	}
	*rate = (double)n / (r.t1 - r.t0);
	rc = 0;
out:
	hostos_destroy(os);
out_kernel:
	sim_kernel_destroy(&k);
	return rc;
}
