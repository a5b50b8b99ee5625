/*
 * bench/dma-bench.c - the DMA engine workload of pcisim-bench (dma/engine.h
 * over platform/dma.h), next to bench/systemc/dma.cpp.
 *
 * A one-endpoint machine (Gen3 x8, MPS 256, MRRS 512); the endpoint's
 * engine moves @total bytes from a 64 MiB device-side buffer into a 64 MiB
 * buffer of host memory, as back-to-back 4 KiB scatter-gather transfers
 * (one element each, the next started from the completion callback),
 * wrapping over both buffers: full link timing (16 MWr of 256 bytes per
 * transfer on the link's FIFO) and a real copy through the memory
 * decoder. The host buffer is written once before timing (its frames
 * backed) and reused; only sim_run() is timed; afterwards every byte of the
 * host buffer, the transfer count and the simulated time (checked against
 * the link's closed form) are verified.
 *
 * In the same run, a plain memcpy() of 4 KiB blocks over a 64 MiB working
 * set (source and destination, as the DMA has) moving the same @total
 * bytes gives the baseline of dma_sim_vs_memcpy. The two alternate in
 * slices of one pass over the buffers (64 MiB: the simulation is stopped
 * from the completion callback and resumed), each timed alone, so that
 * both see the same machine: on this shared machine the memory bandwidth
 * moves by a third within seconds, and a baseline measured once before
 * the simulation made the ratio swing from 0.4 to 1.2. Both copies
 * do the same memory traffic: the same source blocks, in the same order,
 * into 64 MiB of destination, and the same relative alignment. Every
 * buffer is page-aligned, as host memory's frames are: a malloc()ed
 * buffer starts 16 bytes into a page, which left the baseline copying
 * between equally misaligned buffers and the simulation from a misaligned
 * source into page-aligned frames, whose split loads cost the simulated
 * copy several per cent (measured: a 4 KiB memcpy with source and
 * destination 16 bytes apart runs 5-10 % slower than with both aligned).
 */
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/config.h"
#include "bus/hostmem.h"
#include "bus/link.h"
#include "dma/engine.h"
#include "platform/access.h"
#include "platform/dma.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#define DB_BUF_BYTES (UINT64_C(64) << 20)
#define DB_XFER 4096u
#define DB_HOST_BASE (UINT64_C(16) << 20)
#define DB_ALIGN 4096u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* CPU time of the process, seconds: for the diagnostic line, which shows
 * what the run cost when other processes take turns on the cores. */
static double db_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const struct bus_mem_range db_ram[] = { { 0, UINT64_C(128) << 20 } };

struct db_state {
	struct sim_kernel *k;
	struct dma_sg sg;
	uint8_t *dev;
	uint64_t total, done, off;
	uint64_t transfers, errors;
};

static void db_next(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct db_state *s = opaque;

	if (r->status != DMA_OK)
		s->errors++;
	s->transfers++;
	s->done += DB_XFER;
	s->off = (s->off + DB_XFER) % DB_BUF_BYTES;
	if (s->done >= s->total)
		return;
	if (s->off == 0)
		sim_stop(s->k); /* a slice ends: the memcpy baseline's turn */
	s->sg.addr = DB_HOST_BASE + s->off;
	if (dma_channel_start(ch, DMA_DIR_WRITE, &s->sg, 1, s->dev + s->off, db_next, s) != 0)
		s->errors++;
}

/* memcpy of 4 KiB blocks from @src to @dst, @bytes from the start of both
 * (one slice, at most the buffers' size): seconds. */
static double db_memcpy_slice(const uint8_t *src, uint8_t *dst, uint64_t bytes)
{
	double t0 = bench_now();

	for (uint64_t off = 0; off < bytes; off += DB_XFER)
		memcpy(dst + off, src + off, DB_XFER);
	return bench_now() - t0;
}

/* Keep the baseline's copies observable. */
static void db_memcpy_use(const uint8_t *dst)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < DB_BUF_BYTES; i += 4096)
		sum += dst[i];
	if (sum == UINT64_MAX)
		fprintf(stderr, "#\n");
}

static int db_machine(struct platform_machine **m, struct pci_cfg *cfg)
{
	struct platform_device_desc dev = { 0 };
	struct platform_desc d = { 0 };

	if (pci_cfg_init_type0(cfg, 0x1b36, 0x0002, 0xff0000, 1, 0x1b36, 0x0002, 1) != 0)
		return -1;
	dev.name = "ep0";
	dev.cfg = cfg;
	d.ram = db_ram;
	d.n_ram = 1;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), UINT64_C(0x10000000) };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &dev;
	d.n_devices = 1;
	if (platform_machine_build(m, &d) != 0)
		return -1;
	return platform_cfg_write(*m, 0, 0, 0, PCI_CFG_COMMAND, 2,
				  PCI_CMD_MEMORY | PCI_CMD_MASTER) == 0 ? 0 : -1;
}

int bench_dma(uint64_t total, double *rate, double *vs_memcpy, double *rtf)
{
	static struct pci_cfg cfg;
	struct platform_machine *m = NULL;
	struct sim_kernel k;
	struct dma_port port;
	struct dma_engine e;
	struct db_state s = { 0 };
	uint8_t *dst = NULL, *back = NULL;
	struct bench_lcg rng = { 7 };
	sim_time_t one = 0, want;
	double mc = 0, t0, dt = 0, u0, cpu = 0;
	uint64_t copied = 0;
	int bad = -1;

	total -= total % DB_XFER;
	s.total = total;
	s.dev = aligned_alloc(DB_ALIGN, DB_BUF_BYTES);
	dst = aligned_alloc(DB_ALIGN, DB_BUF_BYTES);
	back = malloc(DB_XFER);
	if (!s.dev || !dst || !back || total == 0)
		goto out;
	for (uint64_t i = 0; i < DB_BUF_BYTES; i += 4)
		*(uint32_t *)(void *)(s.dev + i) = bench_lcg_next(&rng);
	memset(dst, 1, DB_BUF_BYTES);

	if (db_machine(&m, &cfg) != 0) {
		fprintf(stderr, "dma_sim_throughput: FAIL: setup: %s\n", platform_build_error());
		goto out;
	}
	/* Back every frame of the host buffer before timing. */
	for (uint64_t off = 0; off < DB_BUF_BYTES; off += DB_XFER)
		if (bus_mem_write(platform_mem(m), DB_HOST_BASE + off, dst, DB_XFER) != 0)
			goto out_m;
	{
		/* Diagnostic: the copy alone into the same host memory, 4 KiB
		 * at a time, for the report (the floor of what the engine can
		 * reach here). */
		double c0 = bench_now();

		for (uint64_t n = 0, off = 0; n < total; n += DB_XFER) {
			if (bus_mem_write(platform_mem(m), DB_HOST_BASE + off, s.dev + off, DB_XFER) != 0)
				goto out_m;
			off = (off + DB_XFER) % DB_BUF_BYTES;
		}
		fprintf(stderr, "# dma: bus_mem_write alone %.3g B/s\n",
			(double)total / (bench_now() - c0));
	}
	if (sim_kernel_init(&k, NULL) != 0)
		goto out_m;
	s.k = &k;
	if (platform_dma_port(m, 0, 0, 0, &port) != 0 ||
	    dma_engine_init(&e, &k, &port, NULL) != 0) {
		sim_kernel_destroy(&k);
		goto out_m;
	}
	s.sg = (struct dma_sg){ DB_HOST_BASE, DB_XFER };
	if (dma_channel_start(dma_engine_channel(&e, 0), DMA_DIR_WRITE, &s.sg, 1, s.dev, db_next,
			      &s) != 0)
		goto out_k;
	/* Slices: the simulation moves one pass, then memcpy does. */
	while (copied < total) {
		uint64_t slice = min_u64(total - copied, DB_BUF_BYTES);
		enum sim_stop_reason why;

		u0 = db_cpu_now();
		t0 = bench_now();
		why = sim_run(&k);
		dt += bench_now() - t0;
		cpu += db_cpu_now() - u0;
		if (why != SIM_STOP_REQUESTED && why != SIM_STOP_FINISHED)
			goto out_k;
		mc += db_memcpy_slice(s.dev, dst, slice);
		copied += slice;
	}
	db_memcpy_use(dst);
	if (s.done != total) {
		fprintf(stderr, "dma_sim_throughput: FAIL: %llu of %llu bytes in %llu slices\n",
			(unsigned long long)s.done, (unsigned long long)total,
			(unsigned long long)(copied / DB_BUF_BYTES));
		goto out_k;
	}
	mc = (double)total / mc;

	/* Each transfer: 16 MWr of 256 bytes back to back, then the landing. */
	if (bus_link_tlp_ps(&port.link, PLATFORM_LINK_CARRIES,
			    bus_link_mwr_wire_bytes(&port.link, 256), &one) != 0)
		goto out_k;
	want = (16 * one + port.mem_ps) * (total / DB_XFER);
	if (s.errors || s.done != total || sim_now(&k) != want) {
		fprintf(stderr, "dma_sim_throughput: FAIL errors=%llu done=%llu time=%llu want=%llu\n",
			(unsigned long long)s.errors, (unsigned long long)s.done,
			(unsigned long long)sim_now(&k), (unsigned long long)want);
		goto out_k;
	}
	for (uint64_t off = 0; off < DB_BUF_BYTES && off < total; off += DB_XFER) {
		if (bus_mem_read(platform_mem(m), DB_HOST_BASE + off, back, DB_XFER) != 0 ||
		    memcmp(back, s.dev + off, DB_XFER) != 0) {
			fprintf(stderr, "dma_sim_throughput: FAIL: bytes differ at 0x%llx\n",
				(unsigned long long)off);
			goto out_k;
		}
	}
	*rate = (double)total / dt;
	*vs_memcpy = *rate / mc;
	*rtf = (double)sim_now(&k) * 1e-12 / dt;
	fprintf(stderr, "# dma: %.3f s wall, %.3f s simulated, memcpy %.3g B/s\n", dt,
		(double)sim_now(&k) * 1e-12, mc);
	fprintf(stderr,
		"# dma: per 4 KiB transfer: %.1f ns simulated, %.1f ns wall, %.1f ns CPU, "
		"memcpy %.1f ns; real-time factor by CPU time %.2f\n",
		(double)(16 * one + port.mem_ps) * 1e-3, dt * 1e9 / (double)(total / DB_XFER),
		cpu * 1e9 / (double)(total / DB_XFER), (double)DB_XFER * 1e9 / mc,
		(double)sim_now(&k) * 1e-12 / cpu);
	bad = 0;
out_k:
	dma_engine_destroy(&e);
	sim_kernel_destroy(&k);
out_m:
	platform_machine_destroy(m);
out:
	free(s.dev);
	free(dst);
	free(back);
	return bad;
}
