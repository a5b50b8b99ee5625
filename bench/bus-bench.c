/*
 * bench/bus-bench.c - the bus decoder workloads of pcisim-bench
 * (bus/decode.h); no SystemC peer. Both map 1,000 regions of 4 KiB at a
 * 64 KiB stride (the BARs of a large machine), built untimed:
 * - bus_decode: bus_decode_find() at LCG(42)-random addresses inside random
 *   regions, so the last-hit cache rarely helps and the binary search is
 *   measured; every answer (region id and offset) is checked;
 * - bus_mmio_read_decode: 4-byte bus_decode_read() calls to a register
 *   region (a status register polled at LCG-random aligned offsets), the
 *   whole path of an MMIO read: lookup, rules, model call; the sum of the
 *   values read is checked against the model's.
 * - bus_mmio_read: the same reads as CPU round trips through a small
 *   machine (platform_machine_build(): one endpoint on the root bus, its
 *   BAR0 the register file) with platform_mmio_read(): decoder, region
 *   owner lookup and the link timing (MRd down, completer latency, CplD
 *   up); each read is issued when the previous one is done, so every round
 *   trip takes the same simulated time, which is checked too.
 */
#include "bench/bench.h"

#include <stdio.h>
#include <string.h>

#include "bus/decode.h"
#include "platform/access.h"
#include "platform/machine.h"

#define BUS_BENCH_REGIONS 1000u
#define BUS_BENCH_BASE UINT64_C(0xe0000000)
#define BUS_BENCH_STRIDE UINT64_C(0x10000)
#define BUS_BENCH_SIZE UINT64_C(0x1000)
#define BUS_BENCH_REG_BASE UINT64_C(0xd0000000)
#define BUS_BENCH_REG_WORDS 64u

/* A register file whose words read as their own offset times 3. */
static enum bus_decode_status bb_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	uint64_t *reads = opaque;

	(void)size;
	(*reads)++;
	*val = off * 3;
	return BUS_DECODE_OK;
}

static enum bus_decode_status bb_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque, (void)off, (void)size, (void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops bb_ops = {
	.read = bb_read,
	.write = bb_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
};

static int bb_setup(struct bus_decode *d, uint32_t *ids, uint64_t *reads)
{
	if (bus_decode_init(d) != SIM_OK)
		return -1;
	for (unsigned i = 0; i < BUS_BENCH_REGIONS; i++) {
		if (bus_decode_map(d, BUS_BENCH_BASE + i * BUS_BENCH_STRIDE, BUS_BENCH_SIZE, 0, &bb_ops, reads,
				   "bar", &ids[i]) != SIM_OK)
			return -1;
	}
	return bus_decode_map(d, BUS_BENCH_REG_BASE, BUS_BENCH_REG_WORDS * 4, 0, &bb_ops, reads, "regs",
			      &ids[BUS_BENCH_REGIONS]) == SIM_OK ? 0 : -1;
}

int bench_bus_decode(uint64_t n, double *rate)
{
	static uint32_t ids[BUS_BENCH_REGIONS + 1];
	struct bench_lcg rng = { 42 };
	struct bus_decode d;
	uint64_t reads = 0, good = 0;
	double t0, dt;

	if (bb_setup(&d, ids, &reads) != 0) {
		fprintf(stderr, "bus_decode: FAIL: setup\n");
		bus_decode_destroy(&d);
		return -1;
	}
	t0 = bench_now();
	for (uint64_t i = 0; i < n; i++) {
		uint32_t r = bench_lcg_next(&rng);
		uint32_t idx = r % BUS_BENCH_REGIONS;
		uint64_t want_off = (r >> 10) & (BUS_BENCH_SIZE - 1), off = ~want_off;
		uint64_t a = BUS_BENCH_BASE + idx * BUS_BENCH_STRIDE + want_off;

		good += bus_decode_find(&d, a, &off) == ids[idx] && off == want_off;
	}
	dt = bench_now() - t0;
	bus_decode_destroy(&d);
	if (good != n) {
		fprintf(stderr, "bus_decode: FAIL: %llu of %llu lookups right\n", (unsigned long long)good,
			(unsigned long long)n);
		return -1;
	}
	*rate = (double)n / dt;
	return 0;
}

int bench_bus_mmio_read(uint64_t n, double *rate)
{
	static uint32_t ids[BUS_BENCH_REGIONS + 1];
	struct bench_lcg rng = { 42 };
	struct bus_decode d;
	uint64_t reads = 0, sum = 0, want = 0;
	double t0, dt;
	int bad = 0;

	if (bb_setup(&d, ids, &reads) != 0) {
		fprintf(stderr, "bus_mmio_read_decode: FAIL: setup\n");
		bus_decode_destroy(&d);
		return -1;
	}
	t0 = bench_now();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t off = (uint64_t)(bench_lcg_next(&rng) % BUS_BENCH_REG_WORDS) * 4, v;

		bad |= bus_decode_read(&d, BUS_BENCH_REG_BASE + off, 4, &v, NULL);
		sum += v;
		want += off * 3;
	}
	dt = bench_now() - t0;
	if (bad != 0 || sum != want || reads != n || d.stats.completed != n) {
		fprintf(stderr, "bus_mmio_read_decode: FAIL: sum %llu want %llu, %llu model reads of %llu\n",
			(unsigned long long)sum, (unsigned long long)want, (unsigned long long)reads,
			(unsigned long long)n);
		bus_decode_destroy(&d);
		return -1;
	}
	bus_decode_destroy(&d);
	*rate = (double)n / dt;
	return 0;
}

/* ---- bus_mmio_read: through a machine and its link ---- */

static struct pci_cfg bb_cfg;
static const struct bus_mem_range bb_ram[] = { { 0, UINT64_C(1) << 30 } };

static int bb_machine(struct platform_machine **m, uint64_t *reads, uint64_t *bar)
{
	static struct platform_bar_ops bars;
	struct platform_device_desc dev = { 0 };
	struct platform_desc d = { 0 };
	const struct bus_topo_result *r;

	if (pci_cfg_init_type0(&bb_cfg, 0x1b36, 0x0001, 0xff0000, 1, 0x1b36, 0x0001, 1) != 0 ||
	    pci_cfg_add_bar(&bb_cfg, 0, PCI_BAR_MEM32, 4096, false) != 0)
		return -1;
	memset(&bars, 0, sizeof(bars));
	bars.ops[0] = &bb_ops;
	bars.opaque[0] = reads;
	dev.name = "ep0";
	dev.cfg = &bb_cfg;
	dev.bars = &bars;
	d.ram = bb_ram;
	d.n_ram = 1;
	d.max_backed_bytes = UINT64_C(1) << 20;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), UINT64_C(0x10000000) };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &dev;
	d.n_devices = 1;
	if (platform_machine_build(m, &d) != 0)
		return -1;
	r = platform_fn_result(*m, 0, 0, 0);
	if (!r || r->n_res < 1)
		return -1;
	*bar = r->res[0].base;
	return 0;
}

int bench_bus_mmio_read_link(uint64_t n, double *rate)
{
	struct bench_lcg rng = { 42 };
	struct platform_machine *m = NULL;
	uint64_t reads = 0, sum = 0, want = 0, bar = 0;
	sim_time_t now = 0, first = 0;
	double t0, dt;
	int bad = 0;

	if (n == 0 || bb_machine(&m, &reads, &bar) != 0) {
		fprintf(stderr, "bus_mmio_read: FAIL: setup: %s\n", platform_build_error());
		platform_machine_destroy(m);
		return -1;
	}
	t0 = bench_now();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t off = (uint64_t)(bench_lcg_next(&rng) % BUS_BENCH_REG_WORDS) * 4, v;

		bad |= platform_mmio_read(m, bar + off, 4, now, &v, &now, NULL);
		if (i == 0)
			first = now;
		sum += v;
		want += off * 3;
	}
	dt = bench_now() - t0;
	if (bad != 0 || sum != want || reads != n || now != first * n) {
		fprintf(stderr, "bus_mmio_read: FAIL: sum %llu want %llu, %llu model reads of %llu, "
			"end %llu ps, round trip %llu ps\n",
			(unsigned long long)sum, (unsigned long long)want, (unsigned long long)reads,
			(unsigned long long)n, (unsigned long long)now, (unsigned long long)first);
		platform_machine_destroy(m);
		return -1;
	}
	platform_machine_destroy(m);
	*rate = (double)n / dt;
	return 0;
}
