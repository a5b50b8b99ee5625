/*
 * cli/demo.c - `pcisim demo`, the main job: the life of a device. It
 * builds the default system (platform/system.h: the reference device on a
 * Gen3 x8 link, 2 CPUs, RAM below and above 4 GiB, the mock Windows
 * kernel with the standard verifier flags), loads the reference driver
 * (examples/refdrv/) by its hardware ID, and acts as the application: it
 * asks the driver how it connected its interrupt, runs ECHO, CHECKSUM and
 * the TIMER inverted call, then a sweep of DMA transfer sizes in both
 * directions through DeviceIoControl with direct I/O (every byte checked),
 * and removes the device. It prints the enumeration, the interrupt mode,
 * the achieved throughput beside the link's bound, interrupt and DPC
 * counts and times (ISR, DPC, interrupt-to-DPC percentiles) and the
 * verifier's verdict (bug checks, and the unload sweep: nothing left), and
 * writes a CSV, an SVG plot, a VCD and a Perfetto trace. Same seed, same
 * bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/link.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/plot.h"
#include "cli/report.h"
#include "cli/scenario.h"
#include "cli/workload.h"
#include "examples/refdrv/refdrv-entry.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/latency.h"
#include "hostos/os.h"
#include "hostos/sweep.h"
#include "irq/ctrl.h"
#include "platform/access.h"
#include "platform/system.h"
#include "sim/ctrace.h"
#include "sim/vcd.h"

#include "examples/refdrv/refdrv.h"

#define DEMO_MAX_SIZE (1024u * 1024u)

static const uint64_t demo_sizes[] = { 4096, 16384, 65536, 262144, 1048576 };
#define DEMO_N_SIZES (sizeof(demo_sizes) / sizeof(demo_sizes[0]))

struct demo {
	struct platform_system *s;
	struct hostos *os;
	struct sim_kernel *k;
	struct refdev *dev;
	struct scenario sc;        /* the demo as a scenario: for the CSV and plot */
	struct wl_result res;
	unsigned count;
	bool quiet, json;
	/* what the application saw */
	int32_t load_status;
	REFDRV_INFO info;
	ULONG echo, crc;
	sim_time_t timer_ps;
	const char *failed;        /* the first thing that went wrong */
	/* traces */
	struct sim_vcd vcd;
	struct sim_ctrace ct;
	uint32_t v_busy, v_size, v_dir, tr_app;
};

static void usage(FILE *out)
{
	fputs("usage: pcisim demo [options]\n"
	      "\n"
	      "The reference device and its driver at work: the machine is built and\n"
	      "enumerated, the mock Windows kernel loads the reference driver, which\n"
	      "connects its interrupt (MSI-X, a message per cause) and maps a page table\n"
	      "in a common buffer; an application thread runs ECHO, CHECKSUM, the TIMER\n"
	      "inverted call and a sweep of DMA sizes both ways; then the device is\n"
	      "removed and the verifier looks for anything left behind. Writes DIR/demo.csv,\n"
	      "demo.svg (throughput against size), demo.vcd (GTKWave) and demo.json\n"
	      "(https://ui.perfetto.dev).\n"
	      "\n"
	      "options:\n"
	      "  --count N    transfers per size and direction (default 8)\n"
	      "  --seed N     the seed (default 1): same seed, same output files\n"
	      "  --out DIR    where the files go (default pcisim-out)\n"
	      "  --quiet      print only the result lines\n"
	      "  --json       one JSON object on stdout (the sweep's rows) instead of the report\n"
	      "  -h, --help   show this text\n"
	      "\n"
	      "exit status: 0 done and verified, 1 a failure or a verifier finding, 2 usage\n",
	      out);
}

#define DEMO_CHECK(d, c)                               \
	do {                                           \
		if (!(c) && !(d)->failed)              \
			(d)->failed = #c;              \
	} while (0)

static bool ioctl(HANDLE h, DWORD code, void *in, DWORD n_in, void *out, DWORD n_out, DWORD *got)
{
	DWORD dummy;

	return DeviceIoControl(h, code, in, n_in, out, n_out, got ? got : &dummy, NULL) != 0;
}

static uint8_t pattern(size_t i, unsigned salt)
{
	return (uint8_t)(i * 131u + (i >> 11) * 5u + salt * 17u + 1u);
}

/* One row: @count requests of @size bytes one way, timed from the first
 * request to the last completion, the last one's bytes checked. */
static void sweep_row(struct demo *d, HANDLE h, struct wl_row *r, uint8_t *buf, uint8_t *back)
{
	REFDRV_RANGE range = { .DeviceOffset = 0, .Length = 0 };
	bool to_device = r->dir == SCEN_DIR_READ; /* the device reads host memory */
	DWORD code = to_device ? IOCTL_REFDRV_DMA_TO_DEVICE : IOCTL_REFDRV_DMA_FROM_DEVICE;
	const uint8_t *sram = refdev_sram(d->dev);
	unsigned salt = (unsigned)(r->size >> 10) + (to_device ? 1u : 2u);
	sim_time_t t0 = sim_now(d->k), t;
	struct wl_irq_mark start;
	char name[48];

	if (to_device) {
		for (size_t i = 0; i < r->size; i++)
			buf[i] = pattern(i, salt);
	} else {
		for (size_t i = 0; i < r->size; i++)
			refdev_sram(d->dev)[i] = pattern(i, salt);
		memset(back, 0xEE, r->size);
	}
	snprintf(name, sizeof(name), "%s %llu B", to_device ? "DMA to device" : "DMA from device",
		 (unsigned long long)r->size);
	sim_vcd_change(&d->vcd, d->v_size, t0, r->size);
	sim_vcd_change(&d->vcd, d->v_dir, t0, to_device ? 1 : 2);
	double lat_us[1000];

	workload_irq_mark(d->os, &start);
	for (unsigned n = 0; n < d->count; n++) {
		DWORD got = 0;

		t = sim_now(d->k);
		sim_vcd_change(&d->vcd, d->v_busy, t, 1);
		if (!ioctl(h, code, &range, sizeof(range), to_device ? buf : back, (DWORD)r->size,
			   &got)) {
			r->errors++;
			DEMO_CHECK(d, !"a DMA request failed");
		}
		r->bytes += got;
		lat_us[r->transfers++] = (double)(sim_now(d->k) - t) / 1e6;
		sim_vcd_change(&d->vcd, d->v_busy, sim_now(d->k), 0);
		sim_ctrace_complete(&d->ct, d->tr_app, name, t, sim_now(d->k) - t);
	}
	workload_row_finish(r, sim_now(d->k) - t0, lat_us);
	workload_irq_row(d->os, &start, r);
	r->verified = r->errors == 0 && memcmp(sram, to_device ? buf : back, r->size) == 0;
	DEMO_CHECK(d, r->verified);
}

/* The application: a host OS thread at PASSIVE_LEVEL. */
static void app(void *arg)
{
	struct demo *d = arg;
	const struct hostos_hwid ids[] = { { 0x1234, 0x7011, 0, 0 } };
	const struct hostos_driver_desc drv = {
		.service = "refdrv", .entry = refdrv_entry, .ids = ids, .n_ids = 1,
	};
	static const char check[] = "123456789";
	REFDRV_RANGE cr = { .DeviceOffset = 0x1000, .Length = 9 };
	uint8_t *buf = aligned_alloc(4096, DEMO_MAX_SIZE), *back = aligned_alloc(4096, DEMO_MAX_SIZE);
	ULONG v;
	sim_time_t t;
	HANDLE h;

	d->load_status = hostos_driver_load(d->os, &drv, NULL);
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	DEMO_CHECK(d, d->load_status == 0 && h != INVALID_HANDLE_VALUE && buf && back);
	if (d->load_status != 0 || h == INVALID_HANDLE_VALUE || !buf || !back) {
		free(buf);
		free(back);
		return;
	}
	DEMO_CHECK(d, ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &d->info, sizeof(d->info), NULL));
	v = 0x12345678;
	DEMO_CHECK(d, ioctl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &d->echo, sizeof(d->echo), NULL));
	memcpy(refdev_sram(d->dev) + cr.DeviceOffset, check, 9);
	DEMO_CHECK(d, ioctl(h, IOCTL_REFDRV_CHECKSUM, &cr, sizeof(cr), &d->crc, sizeof(d->crc), NULL));
	v = 100; /* us */
	t = sim_now(d->k);
	DEMO_CHECK(d, ioctl(h, IOCTL_REFDRV_TIMER, &v, sizeof(v), &v, sizeof(v), NULL));
	d->timer_ps = sim_now(d->k) - t;
	sim_ctrace_complete(&d->ct, d->tr_app, "TIMER 100 us (inverted call)", t, d->timer_ps);
	for (unsigned i = 0; i < d->res.n_rows; i++)
		sweep_row(d, h, &d->res.rows[i], buf, back);
	DEMO_CHECK(d, ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &d->info, sizeof(d->info), NULL));
	CloseHandle(h);
	DEMO_CHECK(d, hostos_pnp_remove(platform_system_pdo_device(d->s, 0)) == 0);
	free(buf);
	free(back);
}

static int build(struct demo *d, uint64_t seed)
{
	static const struct platform_system_device dev = {
		.model = PLATFORM_MODEL_REFDEV, .name = "refdev0", .device = 0, .msi_supported = true,
	};
	struct platform_system_desc desc = {
		.cpus = 2, .ram_high_bytes = UINT64_C(1) << 30, .devices = &dev, .n_devices = 1,
		.pool_flags = BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
	};
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.seed = seed;
	desc.kernel = &kc;
	if (platform_system_build(&d->s, &desc)) {
		fprintf(stderr, "pcisim demo: %s\n", platform_system_error());
		return -1;
	}
	d->os = platform_system_os(d->s);
	d->k = platform_system_kernel(d->s);
	d->dev = platform_system_refdev(d->s, 0);
	return 0;
}

static int open_traces(struct demo *d, const char *dir)
{
	char p[SCEN_PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/demo.vcd", dir);
	if (sim_vcd_open(&d->vcd, p) ||
	    sim_vcd_add_var(&d->vcd, "app", "dma_busy", 1, 0, &d->v_busy) ||
	    sim_vcd_add_var(&d->vcd, "app", "dma_size", 32, 0, &d->v_size) ||
	    sim_vcd_add_var(&d->vcd, "app", "dma_dir", 2, 0, &d->v_dir) ||
	    irq_ctrl_set_vcd(platform_irq_ctrl(platform_system_irq(d->s)), &d->vcd)) {
		fprintf(stderr, "pcisim demo: cannot write %s\n", p);
		return -1;
	}
	snprintf(p, sizeof(p), "%s/demo.json", dir);
	if (sim_ctrace_open(&d->ct, p) ||
	    sim_ctrace_track(&d->ct, "application", "requests", &d->tr_app) ||
	    hostos_set_ctrace(d->os, &d->ct) ||
	    platform_irq_set_ctrace(platform_system_irq(d->s), &d->ct)) {
		fprintf(stderr, "pcisim demo: cannot write %s\n", p);
		return -1;
	}
	return 0;
}

static void print_enumeration(const struct demo *d)
{
	struct platform_machine *m = platform_system_machine(d->s);
	const struct bus_topo_result *r = platform_fn_result(m, 0, 0, 0);
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);

	printf("machine: 2 CPUs, 2 GiB of RAM at 0 and 1 GiB at 4 GiB, the mock Windows kernel\n");
	printf("enumeration: 00:00.0 1234:7011 (the reference device), link Gen%u x%u,"
	       " MPS %u, MRRS %u\n",
	       l ? l->cfg.gen : 0, l ? l->cfg.width : 0, r ? r->mps_bytes : 0,
	       r ? r->mrrs_bytes : 0);
	for (unsigned i = 0; r && i < r->n_res; i++)
		printf("  BAR%u  %-6s 0x%012llx  %llu KiB%s\n", r->res[i].bar,
		       r->res[i].kind == PCI_BAR_IO	 ? "I/O"
		       : r->res[i].kind == PCI_BAR_MEM64 ? "mem64"
							 : "mem32",
		       (unsigned long long)r->res[i].base,
		       (unsigned long long)(r->res[i].size_bytes >> 10),
		       r->res[i].prefetchable ? " prefetchable" : "");
}

static const char *mode_name(ULONG mode)
{
	switch (mode) {
	case REFDRV_MODE_LINE: return "the INTx line";
	case REFDRV_MODE_MSI_SINGLE: return "one message for every cause";
	case REFDRV_MODE_MSI_MULTI: return "a message per cause";
	default: return "unknown";
	}
}

static void print_latency(const char *what, const struct hostos_latency_summary *s)
{
	printf("  %-18s %6llu  mean %7.2f us  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f\n", what,
	       (unsigned long long)s->count, (double)s->mean_ps / 1e6, (double)s->p50_ps / 1e6,
	       (double)s->p90_ps / 1e6, (double)s->p99_ps / 1e6, (double)s->max_ps / 1e6);
}

static int write_results(struct demo *d, const char *dir)
{
	char p[SCEN_PATH_MAX + 16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/demo.csv", dir);
	f = fopen(p, "w");
	if (!f) {
		fprintf(stderr, "pcisim demo: %s: %s\n", p, strerror(errno));
		return -1;
	}
	report_csv_header(f, NULL);
	report_csv_rows(f, &d->sc, &d->res, NULL);
	if (fclose(f)) {
		fprintf(stderr, "pcisim demo: %s: a write failed\n", p);
		return -1;
	}
	snprintf(p, sizeof(p), "%s/demo.svg", dir);
	if (plot_throughput_svg(p, "pcisim demo: the reference driver's DMA, Gen3 x8, MPS 256",
				&d->res)) {
		fprintf(stderr, "pcisim demo: %s: %s\n", p, strerror(errno));
		return -1;
	}
	return 0;
}

/* The rows of the sweep and their bounds, as a scenario would have them. */
static void plan(struct demo *d)
{
	const struct platform_link *l =
		platform_fn_link(platform_system_machine(d->s), 0, 0, 0);
	const struct bus_topo_result *r =
		platform_fn_result(platform_system_machine(d->s), 0, 0, 0);
	struct bus_link_cfg lc = l->cfg;

	lc.mps_bytes = r->mps_bytes ? r->mps_bytes : lc.mps_bytes;
	lc.mrrs_bytes = r->mrrs_bytes ? r->mrrs_bytes : lc.mrrs_bytes;
	d->res.gen = lc.gen;
	d->res.width = lc.width;
	d->res.mps = lc.mps_bytes;
	d->res.mrrs = lc.mrrs_bytes;
	for (unsigned i = 0; i < DEMO_N_SIZES; i++)
		for (unsigned w = 0; w < 2; w++) {
			struct wl_row *row = &d->res.rows[d->res.n_rows++];

			row->dir = w ? SCEN_DIR_READ : SCEN_DIR_WRITE;
			row->size = demo_sizes[i];
			row->bound_gbps = w ? bus_link_read_gbps(&lc, row->size)
					    : bus_link_write_gbps(&lc, row->size);
		}
	scenario_init(&d->sc);
	snprintf(d->sc.name, sizeof(d->sc.name), "demo");
	snprintf(d->sc.device, sizeof(d->sc.device), "refdev0");
	snprintf(d->sc.driver, sizeof(d->sc.driver), "refdrv");
	d->sc.cpus = 2;
	d->sc.count = d->count;
}

int cli_demo(int argc, char **argv)
{
	struct demo *d = calloc(1, sizeof(*d));
	const char *dir = "pcisim-out";
	uint64_t seed = 1, v;
	struct hostos_unload_report left;
	struct hostos_latency_stats lat;
	struct hostos_intr_stats ist;
	const struct hostos_bugcheck *bc;
	sim_time_t end;
	int rc = 1;

	if (!d) {
		fprintf(stderr, "pcisim demo: out of memory\n");
		return 1;
	}
	d->count = 8;
	for (int a = 1; a < argc; a++) {
		const char *o = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			free(d);
			return 0;
		} else if (!strcmp(o, "--quiet")) {
			d->quiet = true;
			continue;
		} else if (!strcmp(o, "--json")) {
			d->json = d->quiet = true;
			continue;
		} else if (!strcmp(o, "--count") && val && !cli_parse_u64(val, &v) && v >= 1 &&
			   v <= 1000) {
			d->count = (unsigned)v;
		} else if (!strcmp(o, "--seed") && val && !cli_parse_u64(val, &v)) {
			seed = v;
		} else if (!strcmp(o, "--out") && val && val[0] && strlen(val) < SCEN_PATH_MAX) {
			dir = val;
		} else {
			fprintf(stderr, "pcisim demo: bad option or value: '%s%s%s'\n\n", o,
				val ? " " : "", val ? val : "");
			usage(stderr);
			free(d);
			return 2;
		}
		a++;
	}
	if (cli_mkdirs(dir)) {
		fprintf(stderr, "pcisim demo: %s: %s\n", dir, strerror(errno));
		free(d);
		return 1;
	}
	if (build(d, seed)) {
		free(d);
		return 1;
	}
	plan(d);
	if (open_traces(d, dir))
		goto out;
	if (!d->quiet)
		print_enumeration(d);
	if (hostos_thread_start(d->os, "application", app, d, 0, NULL)) {
		fprintf(stderr, "pcisim demo: cannot start the application thread\n");
		goto out;
	}
	hostos_run(d->os);
	bc = hostos_last_bugcheck(d->os);
	if (!bc)
		hostos_unload_sweep(d->os, &left);
	else
		memset(&left, 0, sizeof(left));
	bc = hostos_last_bugcheck(d->os);
	hostos_latency_stats(d->os, &lat);
	hostos_interrupt_stats(d->os, &ist);
	d->res.end_ps = sim_now(d->k);

	if (!d->quiet) {
		printf("driver: refdrv loaded (DriverEntry, AddDevice, IRP_MN_START_DEVICE): 0x%08X\n",
		       (unsigned)d->load_status);
		printf("interrupt: %s, %lu message(s); %lu map registers; 64-bit DMA %s\n",
		       mode_name(d->info.Mode), (unsigned long)d->info.MessageCount,
		       (unsigned long)d->info.MapRegisters, d->info.Dma64 ? "on" : "off");
		printf("commands: ECHO 0x12345678 -> 0x%08lX; CHECKSUM \"123456789\" -> 0x%08lX;"
		       " TIMER 100 us completed after %.2f us\n",
		       (unsigned long)d->echo, (unsigned long)d->crc, (double)d->timer_ps / 1e6);
		printf("DMA sweep through DeviceIoControl (direct I/O, %u request(s) per size):\n",
		       d->count);
		printf("  %-16s %9s %14s %12s %7s  %s\n", "direction", "size (B)", "achieved Gb/s",
		       "bound Gb/s", "ratio", "data");
		for (unsigned i = 0; i < d->res.n_rows; i++) {
			const struct wl_row *r = &d->res.rows[i];

			printf("  %-16s %9llu %14.3f %12.3f %7.3f  %s\n",
			       r->dir == SCEN_DIR_READ ? "to device" : "from device",
			       (unsigned long long)r->size, r->gbps, r->bound_gbps,
			       r->bound_gbps > 0 ? r->gbps / r->bound_gbps : 0.0,
			       r->errors ? "ERRORS" : r->verified ? "verified" : "WRONG");
		}
		printf("interrupts: %llu delivered, %llu ISR calls (%llu claimed), %lu DPCs by the"
		       " driver\n",
		       (unsigned long long)ist.deliveries, (unsigned long long)ist.isr_calls,
		       (unsigned long long)ist.claimed, (unsigned long)d->info.Dpcs);
		print_latency("ISR time", &lat.isr);
		print_latency("DPC time", &lat.dpc);
		print_latency("interrupt to DPC", &lat.irq_to_dpc);
	}
	d->res.messages = ist.deliveries;
	if (d->json)
		report_json(stdout, &d->sc, &d->res, NULL);
	else if (bc)
		printf("verifier: bug check 0x%X (%s)\n", (unsigned)bc->code, bc->name);
	else if (left.count)
		printf("verifier: %zu thing(s) left behind, first: %s\n", left.count,
		       left.item[0].what);
	else if (d->failed)
		printf("demo: failed: %s\n", d->failed);
	else
		printf("verifier: no violation; the device was removed and the driver unloaded with"
		       " nothing left behind\n");
	rc = bc || left.count || d->failed ? 1 : 0;
	if (write_results(d, dir))
		rc = 1;
	if (!d->json)
		printf("wrote %s/demo.csv, %s/demo.svg, %s/demo.vcd, %s/demo.json (simulated %.3f"
		       " ms)\n",
		       dir, dir, dir, dir, (double)d->res.end_ps / 1e9);
out:
	/* The traces outlive what writes into them. */
	end = sim_now(d->k);
	platform_system_destroy(d->s);
	if (sim_ctrace_close(&d->ct) || sim_vcd_close(&d->vcd, end))
		rc = 1;
	free(d);
	return rc;
}
