/*
 * tests/platform/test-machine.c - Check tests of the machine builder
 * (platform/machine.h).
 *
 * The machine: RAM below 3 GiB and above 4 GiB, ECAM at 0xe0000000, two
 * endpoints of a tiny test model (BAR0: a 4 KiB register block with an ID,
 * a scratch and a write counter; a PM capability), one on the root bus and
 * one behind a root port. Covers: BARs assigned and reachable at the
 * enumerated address; host memory reachable in both ranges; ECAM reads the
 * vendor IDs and refuses bad sizes; Memory Space Enable off master-aborts
 * and on restores; the Linux BAR sizing sequence, with decode left on and
 * with it off, never leaves a stale or bogus mapping (also with a window
 * that contains the sizing pattern); a BAR moved moves its
 * region, and one moved outside the windows stops decoding; D3hot turns
 * decoding off and D0 back on; overlapping BARs resolved by priority; the
 * model's own config hook still runs and gets its ops back at destroy;
 * surprise removal of a function and of a slot (a bridge with a device
 * below); bridge forwarding: a BAR behind a root port stops decoding when
 * the port's Memory Space is cleared or its memory window moved, closed
 * or shrunk past the BAR, and decodes again (at its current address) when
 * restored; the prefetchable window forwards too; the same through two
 * levels of bridges, and a root port in D3hot; build errors leave the models' ops alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "platform/machine.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define ECAM_BASE UINT64_C(0xe0000000)
#define MEM32_BASE UINT64_C(0xc0000000)
#define MEM32_SIZE (512 * MIB)
#define TDEV_ID 0x7e570001u
#define TDEV_VENDOR 0x1b36
#define BRIDGE_VENDOR 0x8086

/* ---- the test model: BAR0 = ID (RO), scratch (RW), write counter (RO) ---- */

struct tdev {
	struct pci_cfg cfg;
	uint32_t pm_off;
	uint32_t scratch;
	uint32_t writes;
	unsigned cfg_writes; /* calls of the model's own config write hook */
};

static enum bus_decode_status tdev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct tdev *t = opaque;

	switch (off) {
	case 0x0: *val = TDEV_ID; break;
	case 0x4: *val = t->scratch; break;
	case 0x8: *val = t->writes; break;
	default: *val = 0; break;
	}
	return BUS_DECODE_OK;
}

static enum bus_decode_status tdev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct tdev *t = opaque;

	t->writes++;
	if (off == 0x4)
		t->scratch = (uint32_t)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops tdev_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
};

static void tdev_cfg_write(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			   uint32_t old_val, uint32_t new_val)
{
	((struct tdev *)opaque)->cfg_writes++;
}

static const struct pci_cfg_ops tdev_cfg_ops = { .write_hook = tdev_cfg_write };

static void tdev_init(struct tdev *t, uint16_t did)
{
	memset(t, 0, sizeof(*t));
	ck_assert_int_eq(pci_cfg_init_type0(&t->cfg, TDEV_VENDOR, did, 0xff0000, 1, TDEV_VENDOR,
					    did, 1), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&t->cfg, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cap_add_pm(&t->cfg, 0, true, 0, &t->pm_off), SIM_OK);
	pci_cfg_set_ops(&t->cfg, &tdev_cfg_ops, t);
}

/* ---- the machine ---- */

static struct tdev dev0, dev1;
static struct platform_bar_ops bars0, bars1;
static const struct bus_mem_range ram[] = {
	{ 0, 3 * GIB },
	{ 4 * GIB, 1 * GIB },
};
static const struct platform_bridge_desc bridges[] = {
	{ .name = "rp0", .parent = NULL, .device = 1, .function = 0,
	  .vendor_id = BRIDGE_VENDOR, .device_id = 0x1234,
	  .flags = PCI_CFG_BRIDGE_PREF | PCI_CFG_BRIDGE_PREF64, .mps_supported_bytes = 256 },
};
static struct platform_device_desc devices[2];

static struct platform_desc make_desc(void)
{
	struct platform_desc d = { 0 };

	tdev_init(&dev0, 0x0001);
	tdev_init(&dev1, 0x0002);
	memset(&bars0, 0, sizeof(bars0));
	memset(&bars1, 0, sizeof(bars1));
	bars0.ops[0] = &tdev_ops;
	bars0.opaque[0] = &dev0;
	bars1.ops[0] = &tdev_ops;
	bars1.opaque[0] = &dev1;
	devices[0] = (struct platform_device_desc){ .name = "ep0", .cfg = &dev0.cfg,
						    .bars = &bars0 };
	devices[1] = (struct platform_device_desc){ .name = "ep1", .parent = "rp0",
						    .cfg = &dev1.cfg, .bars = &bars1 };
	d.ram = ram;
	d.n_ram = 2;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, MEM32_SIZE };
	d.pref64 = (struct bus_topo_window){ 64 * GIB, 4 * GIB };
	d.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	d.ecam_base = ECAM_BASE;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.bridges = bridges;
	d.n_bridges = 1;
	d.devices = devices;
	d.n_devices = 2;
	return d;
}

static struct platform_machine *make(void)
{
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;

	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "build: %s",
		      platform_build_error());
	ck_assert_ptr_nonnull(m);
	return m;
}

/* Where the machine under test has its ECAM window. */
static uint64_t ecam_base = ECAM_BASE;

static uint64_t ecam_addr(unsigned b, unsigned d, unsigned f, uint32_t off)
{
	return ecam_base + ((uint64_t)b << 20 | (uint64_t)d << 15 | (uint64_t)f << 12 | off);
}

static uint32_t cfg_rd(struct platform_machine *m, unsigned b, unsigned d, unsigned f,
		       uint32_t off, unsigned len)
{
	uint64_t v = 0;
	struct bus_decode_result res;

	ck_assert_int_eq(bus_decode_read(platform_decode(m), ecam_addr(b, d, f, off), len, &v, &res),
			 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	return (uint32_t)v;
}

static void cfg_wr(struct platform_machine *m, unsigned b, unsigned d, unsigned f, uint32_t off,
		   unsigned len, uint32_t val)
{
	struct bus_decode_result res;

	ck_assert_int_eq(bus_decode_write(platform_decode(m), ecam_addr(b, d, f, off), len, val,
					  &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
}

/* A 32-bit MMIO read; *@ma tells whether it master-aborted. */
static uint32_t mmio_rd(struct platform_machine *m, uint64_t addr, bool *ma)
{
	uint64_t v = 0;
	struct bus_decode_result res;

	ck_assert_int_eq(bus_decode_read(platform_decode(m), addr, 4, &v, &res), 0);
	if (ma)
		*ma = res.master_abort;
	return (uint32_t)v;
}

static uint64_t bar0_of(struct platform_machine *m, unsigned b, unsigned d)
{
	const struct bus_topo_result *r = platform_fn_result(m, b, d, 0);

	ck_assert_ptr_nonnull(r);
	ck_assert(r->found);
	ck_assert_uint_eq(r->n_res, 1);
	ck_assert_uint_eq(r->res[0].bar, 0);
	ck_assert_uint_eq(r->res[0].size_bytes, 4 * KIB);
	return r->res[0].base;
}

static void assert_decodes(struct platform_machine *m, uint64_t addr)
{
	bool ma = true;

	ck_assert_uint_eq(mmio_rd(m, addr, &ma), TDEV_ID);
	ck_assert(!ma);
}

static void assert_aborts(struct platform_machine *m, uint64_t addr)
{
	bool ma = false;

	ck_assert_uint_eq(mmio_rd(m, addr, &ma), 0xffffffffu);
	ck_assert(ma);
}

/* ---- tests ---- */

START_TEST(test_build_assigns_and_maps_bars)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);
	const struct bus_topo_result *rp = platform_fn_result(m, 0, 1, 0);
	struct bus_decode *d = platform_decode(m);
	uint64_t v = 0;

	ck_assert(rp && rp->is_bridge);
	ck_assert_uint_eq(rp->secondary, 1);
	ck_assert(a0 >= MEM32_BASE && a0 + 4 * KIB <= MEM32_BASE + MEM32_SIZE);
	ck_assert(a1 >= MEM32_BASE && a1 + 4 * KIB <= MEM32_BASE + MEM32_SIZE);
	ck_assert(a0 != a1);
	assert_decodes(m, a0);
	assert_decodes(m, a1);
	/* Each region reaches its own model. */
	ck_assert_int_eq(bus_decode_write(d, a0 + 4, 4, 0x11111111, NULL), 0);
	ck_assert_int_eq(bus_decode_write(d, a1 + 4, 4, 0x22222222, NULL), 0);
	ck_assert_uint_eq(dev0.scratch, 0x11111111);
	ck_assert_uint_eq(dev1.scratch, 0x22222222);
	ck_assert_int_eq(bus_decode_read(d, a1 + 8, 4, &v, NULL), 0);
	ck_assert_uint_eq(v, 1);
	/* Memory Space set by the enumerator, Bus Master left to the driver. */
	ck_assert_uint_eq(cfg_rd(m, 0, 0, 0, PCI_CFG_COMMAND, 2) & (PCI_CMD_MEMORY | PCI_CMD_MASTER),
			  PCI_CMD_MEMORY);
	ck_assert_ptr_null(platform_fn_result(m, 0, 7, 0));
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	ck_assert_str_eq(platform_last_error(m), "");
	ck_assert_ptr_nonnull(platform_topo(m));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_host_memory_reachable)
{
	struct platform_machine *m = make();
	struct bus_decode *d = platform_decode(m);
	uint64_t v = 0;
	uint32_t w = 0;

	ck_assert_int_eq(bus_decode_write(d, 0x1000, 8, UINT64_C(0x0123456789abcdef), NULL), 0);
	ck_assert_int_eq(bus_decode_read(d, 0x1000, 8, &v, NULL), 0);
	ck_assert_uint_eq(v, UINT64_C(0x0123456789abcdef));
	ck_assert_int_eq(bus_decode_write(d, 4 * GIB + 0x2004, 4, 0xcafef00d, NULL), 0);
	/* Seen at the same physical address in host memory: no offset slip. */
	ck_assert_int_eq(bus_mem_read(platform_mem(m), 4 * GIB + 0x2004, &w, 4), 0);
	ck_assert_uint_eq(w, 0xcafef00d);
	w = 0x5a5a5a5a;
	ck_assert_int_eq(bus_mem_write(platform_mem(m), 3 * GIB - 4, &w, 4), 0);
	ck_assert_uint_eq(mmio_rd(m, 3 * GIB - 4, NULL), 0x5a5a5a5a);
	/* An unassigned part of the MMIO window is nobody's. */
	assert_aborts(m, MEM32_BASE + MEM32_SIZE - 4 * KIB);
	/* So is the hole above the ECAM window up to 4 GiB. */
	assert_aborts(m, ECAM_BASE + BUS_TOPO_ECAM_SIZE);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_ecam_reads_ids)
{
	struct platform_machine *m = make();
	struct bus_decode_result res;
	uint64_t v = 0;
	uint32_t c = 0;

	ck_assert_uint_eq(cfg_rd(m, 0, 0, 0, PCI_CFG_VENDOR_ID, 2), TDEV_VENDOR);
	ck_assert_uint_eq(cfg_rd(m, 0, 1, 0, PCI_CFG_VENDOR_ID, 2), BRIDGE_VENDOR);
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 4), TDEV_VENDOR | 0x2u << 16);
	ck_assert_uint_eq(cfg_rd(m, 0, 0, 0, PCI_CFG_DEVICE_ID, 1), 0x01);
	/* Absent function: master abort in config space, all ones. */
	ck_assert_uint_eq(cfg_rd(m, 0, 5, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(m, 2, 0, 0, PCI_CFG_VENDOR_ID, 4), 0xffffffffu);
	/* ECAM rules: 8-byte and misaligned accesses are refused by the decoder. */
	ck_assert_int_eq(bus_decode_read(platform_decode(m), ecam_addr(0, 0, 0, 0), 8, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_int_eq(bus_decode_read(platform_decode(m), ecam_addr(0, 0, 0, 2), 4, &v, &res), 0);
	ck_assert(res.violation);
	/* platform_cfg_read() agrees with the window. */
	ck_assert_int_eq(platform_cfg_read(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 2, &c), 0);
	ck_assert_uint_eq(c, TDEV_VENDOR);
	ck_assert_int_eq(platform_cfg_read(m, 0, 0, 0, 1, 2, &c), SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_memory_space_enable)
{
	struct platform_machine *m = make();
	uint64_t a1 = bar0_of(m, 1, 0);
	uint32_t cmd = cfg_rd(m, 1, 0, 0, PCI_CFG_COMMAND, 2);

	cfg_wr(m, 1, 0, 0, PCI_CFG_COMMAND, 2, cmd & ~PCI_CMD_MEMORY);
	assert_aborts(m, a1);
	/* A write to the disabled BAR vanishes. */
	ck_assert_int_eq(bus_decode_write(platform_decode(m), a1 + 4, 4, 0x99, NULL), 0);
	ck_assert_uint_eq(dev1.scratch, 0);
	ck_assert_uint_eq(dev1.writes, 0);
	/* The other device is not affected. */
	assert_decodes(m, bar0_of(m, 0, 0));
	cfg_wr(m, 1, 0, 0, PCI_CFG_COMMAND, 2, cmd | PCI_CMD_MEMORY);
	assert_decodes(m, a1);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

/* drivers/pci/probe.c __pci_read_base: save, write ~0, read, restore. */
static void linux_size_bar0(struct platform_machine *m, unsigned b, unsigned d, uint64_t old,
			    bool decode_off)
{
	uint32_t cmd = cfg_rd(m, b, d, 0, PCI_CFG_COMMAND, 2);
	uint32_t saved, sz;

	if (decode_off)
		cfg_wr(m, b, d, 0, PCI_CFG_COMMAND, 2, cmd & ~PCI_CMD_MEMORY);
	saved = cfg_rd(m, b, d, 0, PCI_CFG_BAR0, 4);
	ck_assert_uint_eq(saved, (uint32_t)old);
	cfg_wr(m, b, d, 0, PCI_CFG_BAR0, 4, 0xffffffffu);
	/* Mid-sizing: the BAR is not mapped at the old address nor at the
	 * sizing pattern, even with Memory Space on. */
	assert_aborts(m, old);
	assert_aborts(m, 0xfffff000u);
	sz = cfg_rd(m, b, d, 0, PCI_CFG_BAR0, 4);
	ck_assert_uint_eq(sz, 0xfffff000u);
	ck_assert_uint_eq(~(sz & PCI_BAR_MEM_MASK) + 1, 4 * KIB);
	cfg_wr(m, b, d, 0, PCI_CFG_BAR0, 4, saved);
	if (decode_off) {
		assert_aborts(m, old);
		cfg_wr(m, b, d, 0, PCI_CFG_COMMAND, 2, cmd);
	}
	assert_decodes(m, old);
}

START_TEST(test_bar_sizing_sequence)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);

	linux_size_bar0(m, 0, 0, a0, false);
	linux_size_bar0(m, 1, 0, a1, false);
	linux_size_bar0(m, 1, 0, a1, true);
	assert_decodes(m, a0);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

/* A mem32 window reaching 4 GiB contains the sizing pattern 0xfffff000:
 * only the sizing rule keeps the BAR from decoding there. */
START_TEST(test_sizing_pattern_inside_window)
{
	static const struct bus_mem_range low_ram[] = { { 0, 2 * GIB }, { 4 * GIB, 1 * GIB } };
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;
	uint64_t a0;

	d.ram = low_ram;
	d.ecam_base = 2 * GIB;
	ecam_base = d.ecam_base;
	d.mem32 = (struct bus_topo_window){ 3 * GIB, 1 * GIB };
	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "%s", platform_build_error());
	a0 = bar0_of(m, 0, 0);
	assert_decodes(m, a0);
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, 0xffffffffu);
	assert_aborts(m, 0xfffff000u);
	assert_aborts(m, a0);
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)a0);
	assert_decodes(m, a0);
	/* The address just below the pattern is a real assignment. */
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, 0xffffe000u);
	assert_decodes(m, 0xffffe000u);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_bar_move)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0);
	uint64_t to = MEM32_BASE + 256 * MIB;
	uint64_t v = 0;

	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)to);
	assert_aborts(m, a0);
	assert_decodes(m, to);
	ck_assert_int_eq(bus_decode_write(platform_decode(m), to + 4, 4, 0xabcd, NULL), 0);
	ck_assert_uint_eq(dev0.scratch, 0xabcd);
	/* Into RAM, outside every window: the BAR does not decode there, RAM
	 * shows through, and nothing is mapped at the previous place. */
	ck_assert_int_eq(bus_decode_write(platform_decode(m), 16 * MIB, 4, 0x600d, NULL), 0);
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)(16 * MIB));
	ck_assert_int_eq(bus_decode_read(platform_decode(m), 16 * MIB, 4, &v, NULL), 0);
	ck_assert_uint_eq(v, 0x600d);
	assert_aborts(m, to);
	/* Back inside a window: decodes again. */
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)a0);
	assert_decodes(m, a0);
	/* Address 0 never decodes. */
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, 0);
	assert_aborts(m, a0);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_overlap_resolved_by_priority)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);
	uint64_t other = MEM32_BASE + 128 * MIB;

	/* ep1 onto ep0's address: both enabled, ep0 (listed first) wins.
	 * The root port above ep1 must forward a0 too: its memory window
	 * opened over the whole mem32 window. */
	cfg_wr(m, 0, 1, 0, PCI_CFG_MEMORY_BASE, 2, (uint32_t)(MEM32_BASE >> 16) & 0xfff0);
	cfg_wr(m, 0, 1, 0, PCI_CFG_MEMORY_LIMIT, 2,
	       (uint32_t)((MEM32_BASE + MEM32_SIZE - 1) >> 16) & 0xfff0);
	cfg_wr(m, 1, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)a0);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	ck_assert_int_eq(bus_decode_write(platform_decode(m), a0 + 4, 4, 0x77, NULL), 0);
	ck_assert_uint_eq(dev0.scratch, 0x77);
	ck_assert_uint_eq(dev1.scratch, 0);
	assert_aborts(m, a1);
	/* ep0 moves away: ep1 shows through. */
	cfg_wr(m, 0, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)other);
	ck_assert_int_eq(bus_decode_write(platform_decode(m), a0 + 4, 4, 0x88, NULL), 0);
	ck_assert_uint_eq(dev1.scratch, 0x88);
	assert_decodes(m, other);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_d3hot_turns_decoding_off)
{
	struct platform_machine *m = make();
	uint64_t a1 = bar0_of(m, 1, 0);
	uint32_t pmcsr = dev1.pm_off + PCI_PM_CTRL;

	cfg_wr(m, 1, 0, 0, pmcsr, 2, PCI_D3HOT);
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, pmcsr, 2) & PCI_PM_CTRL_STATE_MASK, PCI_D3HOT);
	assert_aborts(m, a1);
	/* Config space still answers in D3hot (PM 1.2 §5.3.1), Memory Space
	 * still set: it is the power state that gates. */
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), TDEV_VENDOR);
	ck_assert(cfg_rd(m, 1, 0, 0, PCI_CFG_COMMAND, 2) & PCI_CMD_MEMORY);
	cfg_wr(m, 1, 0, 0, pmcsr, 2, PCI_D0);
	assert_decodes(m, a1);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_model_hook_chained_and_restored)
{
	struct platform_machine *m = make();
	unsigned before = dev0.cfg_writes;

	ck_assert_ptr_ne(dev0.cfg.ops, &tdev_cfg_ops); /* the machine hooked it */
	cfg_wr(m, 0, 0, 0, PCI_CFG_INTERRUPT_LINE, 1, 5);
	ck_assert_uint_eq(dev0.cfg_writes, before + 1);
	platform_machine_destroy(m);
	ck_assert_ptr_eq(dev0.cfg.ops, &tdev_cfg_ops);
	ck_assert_ptr_eq(dev0.cfg.opaque, &dev0);
	ck_assert_int_eq(pci_cfg_write(&dev0.cfg, PCI_CFG_INTERRUPT_LINE, 1, 6), 0);
	ck_assert_uint_eq(dev0.cfg_writes, before + 2);
}
END_TEST

START_TEST(test_surprise_remove_function)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);
	uint32_t c = 0;

	ck_assert(platform_fn_present(m, 1, 0, 0));
	ck_assert_int_eq(platform_remove_function(m, 1, 0, 0), 0);
	ck_assert(!platform_fn_present(m, 1, 0, 0));
	ck_assert_uint_eq(platform_removed_count(m), 1);
	assert_aborts(m, a1);
	ck_assert_int_eq(bus_decode_write(platform_decode(m), a1 + 4, 4, 0x42, NULL), 0);
	ck_assert_uint_eq(dev1.writes, 0);
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_BAR0, 4), 0xffffffffu);
	ck_assert_int_eq(platform_cfg_read(m, 1, 0, 0, PCI_CFG_COMMAND, 1, &c), 0);
	ck_assert_uint_eq(c, 0xff);
	/* Config writes vanish: a driver re-enabling it changes nothing. */
	cfg_wr(m, 1, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)(MEM32_BASE + 64 * MIB));
	ck_assert_uint_eq(pci_cfg_get_u32(&dev1.cfg, PCI_CFG_BAR0), (uint32_t)a1);
	/* Even a write straight into its pci_cfg does not map it again. */
	ck_assert_int_eq(pci_cfg_write(&dev1.cfg, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY), 0);
	assert_aborts(m, a1);
	/* The rest of the machine is untouched. */
	assert_decodes(m, a0);
	ck_assert_uint_eq(cfg_rd(m, 0, 1, 0, PCI_CFG_VENDOR_ID, 2), BRIDGE_VENDOR);
	ck_assert_int_eq(platform_remove_function(m, 1, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(platform_remove_function(m, 0, 9, 0), SIM_ERR_INVALID);
	ck_assert_ptr_nonnull(platform_fn_result(m, 1, 0, 0));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_surprise_remove_slot)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);

	/* Pulling the root port's slot takes the device below with it. */
	ck_assert_int_eq(platform_remove_slot(m, 0, 1), 0);
	ck_assert_uint_eq(platform_removed_count(m), 2);
	ck_assert(!platform_fn_present(m, 0, 1, 0));
	ck_assert(!platform_fn_present(m, 1, 0, 0));
	ck_assert_uint_eq(cfg_rd(m, 0, 1, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	assert_aborts(m, a1);
	assert_decodes(m, a0);
	ck_assert_int_eq(platform_remove_slot(m, 0, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(platform_remove_slot(m, 0, 0), 0);
	ck_assert_uint_eq(platform_removed_count(m), 3);
	assert_aborts(m, a0);
	ck_assert_uint_eq(cfg_rd(m, 0, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	platform_machine_destroy(m);
}
END_TEST

/* ---- bridge forwarding ---- */

/* Program the memory window of the bridge at @b:@d to [@base, @limit]
 * (1 MiB granular; @base > @limit closes it). */
static void set_mem_window(struct platform_machine *m, unsigned b, unsigned d, uint64_t base,
			   uint64_t limit)
{
	cfg_wr(m, b, d, 0, PCI_CFG_MEMORY_BASE, 2, (uint32_t)(base >> 16) & 0xfff0);
	cfg_wr(m, b, d, 0, PCI_CFG_MEMORY_LIMIT, 2, (uint32_t)(limit >> 16) & 0xfff0);
}

static const struct bus_topo_bridge_range *mem_window_of(struct platform_machine *m, unsigned b,
							 unsigned d)
{
	const struct bus_topo_result *r = platform_fn_result(m, b, d, 0);

	ck_assert(r && r->is_bridge);
	ck_assert(r->windows[PCI_WINDOW_MEM].open);
	return &r->windows[PCI_WINDOW_MEM];
}

START_TEST(test_bridge_memory_space_gates)
{
	struct platform_machine *m = make();
	uint64_t a0 = bar0_of(m, 0, 0), a1 = bar0_of(m, 1, 0);
	uint32_t cmd = cfg_rd(m, 0, 1, 0, PCI_CFG_COMMAND, 2);

	ck_assert(cmd & PCI_CMD_MEMORY);
	/* The root port stops forwarding memory: the device below is cut
	 * off, though its own Memory Space is still on; ep0 is not. */
	cfg_wr(m, 0, 1, 0, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)PCI_CMD_MEMORY);
	assert_aborts(m, a1);
	assert_decodes(m, a0);
	ck_assert(pci_cfg_get_u16(&dev1.cfg, PCI_CFG_COMMAND) & PCI_CMD_MEMORY);
	/* Its configuration space still answers (config is not memory). */
	ck_assert_uint_eq(cfg_rd(m, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), TDEV_VENDOR);
	/* A BAR moved while the bridge is off stays off, then decodes at
	 * the new address once the bridge forwards again. */
	cfg_wr(m, 1, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)(a1 + 4 * KIB));
	assert_aborts(m, a1 + 4 * KIB);
	cfg_wr(m, 0, 1, 0, PCI_CFG_COMMAND, 2, cmd);
	assert_decodes(m, a1 + 4 * KIB);
	assert_aborts(m, a1);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_bridge_window_gates)
{
	struct platform_machine *m = make();
	uint64_t a1 = bar0_of(m, 1, 0);
	const struct bus_topo_bridge_range *w = mem_window_of(m, 0, 1);
	uint64_t wb = w->base, wl = w->limit;
	uint64_t elsewhere = MEM32_BASE + 256 * MIB;

	ck_assert(a1 >= wb && a1 + 4 * KIB - 1 <= wl);
	/* Window moved away from the BAR (Memory Space still on). */
	set_mem_window(m, 0, 1, elsewhere, elsewhere + MIB - 1);
	assert_aborts(m, a1);
	set_mem_window(m, 0, 1, wb, wl);
	assert_decodes(m, a1);
	/* Closed (base above limit). */
	set_mem_window(m, 0, 1, wb + MIB, wb);
	assert_aborts(m, a1);
	set_mem_window(m, 0, 1, wb, wl);
	assert_decodes(m, a1);
	/* The BAR moved out of the window, then the window grown to it. */
	cfg_wr(m, 1, 0, 0, PCI_CFG_BAR0, 4, (uint32_t)elsewhere);
	assert_aborts(m, elsewhere);
	set_mem_window(m, 0, 1, wb < elsewhere ? wb : elsewhere,
		       wl > elsewhere + MIB - 1 ? wl : elsewhere + MIB - 1);
	assert_decodes(m, elsewhere);
	/* Shrunk back: the BAR falls outside again. */
	set_mem_window(m, 0, 1, wb, wl);
	assert_aborts(m, elsewhere);
	/* The prefetchable window forwards too: the bridge compares
	 * addresses only. Memory window closed, pref window over it. */
	set_mem_window(m, 0, 1, MIB, 0);
	assert_aborts(m, elsewhere);
	cfg_wr(m, 0, 1, 0, PCI_CFG_PREF_BASE_UPPER, 4, 0);
	cfg_wr(m, 0, 1, 0, PCI_CFG_PREF_LIMIT_UPPER, 4, 0);
	cfg_wr(m, 0, 1, 0, PCI_CFG_PREF_BASE, 2, (uint32_t)(elsewhere >> 16) & 0xfff0);
	cfg_wr(m, 0, 1, 0, PCI_CFG_PREF_LIMIT, 2, (uint32_t)(elsewhere >> 16) & 0xfff0);
	assert_decodes(m, elsewhere);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_two_levels_of_bridges)
{
	static const struct platform_bridge_desc two[] = {
		{ .name = "rp0", .device = 1, .vendor_id = BRIDGE_VENDOR, .device_id = 0x1234,
		  .mps_supported_bytes = 256, .pm = true },
		{ .name = "sw", .parent = "rp0", .device = 0, .vendor_id = BRIDGE_VENDOR,
		  .device_id = 0x1235, .mps_supported_bytes = 256 },
	};
	struct platform_desc d = make_desc();
	struct platform_device_desc devs[2];
	struct platform_machine *m = NULL;
	uint64_t a1;
	uint64_t rb, rl, sb, sl;
	uint32_t cmd, pmcsr;

	memcpy(devs, devices, sizeof(devs));
	devs[1].parent = "sw";
	d.bridges = two;
	d.n_bridges = 2;
	d.devices = devs;
	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "%s", platform_build_error());
	a1 = bar0_of(m, 2, 0);
	rb = mem_window_of(m, 0, 1)->base;
	rl = mem_window_of(m, 0, 1)->limit;
	sb = mem_window_of(m, 1, 0)->base;
	sl = mem_window_of(m, 1, 0)->limit;
	assert_decodes(m, a1);
	/* The lower bridge's Memory Space, then the upper one's. */
	cmd = cfg_rd(m, 1, 0, 0, PCI_CFG_COMMAND, 2);
	cfg_wr(m, 1, 0, 0, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)PCI_CMD_MEMORY);
	assert_aborts(m, a1);
	cfg_wr(m, 1, 0, 0, PCI_CFG_COMMAND, 2, cmd);
	assert_decodes(m, a1);
	cmd = cfg_rd(m, 0, 1, 0, PCI_CFG_COMMAND, 2);
	cfg_wr(m, 0, 1, 0, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)PCI_CMD_MEMORY);
	assert_aborts(m, a1);
	cfg_wr(m, 0, 1, 0, PCI_CFG_COMMAND, 2, cmd);
	assert_decodes(m, a1);
	/* The upper window shrunk away while the lower one still covers the
	 * BAR: the upper bridge does not forward, nothing reaches it. */
	set_mem_window(m, 0, 1, MEM32_BASE + 256 * MIB, MEM32_BASE + 257 * MIB - 1);
	assert_aborts(m, a1);
	set_mem_window(m, 0, 1, rb, rl);
	assert_decodes(m, a1);
	set_mem_window(m, 1, 0, MEM32_BASE + 256 * MIB, MEM32_BASE + 257 * MIB - 1);
	assert_aborts(m, a1);
	set_mem_window(m, 1, 0, sb, sl);
	assert_decodes(m, a1);
	/* The root port in D3hot forwards nothing below it (PM 1.2 §5.3.1);
	 * its configuration space and the device's still answer. */
	pmcsr = pci_cap_find(bus_topo_fn_cfg(bus_topo_lookup(platform_topo(m), 0, 1, 0)),
			     PCI_CAP_ID_PM);
	ck_assert_uint_ne(pmcsr, 0);
	pmcsr += PCI_PM_CTRL;
	cfg_wr(m, 0, 1, 0, pmcsr, 2, PCI_D3HOT);
	ck_assert_uint_eq(cfg_rd(m, 0, 1, 0, pmcsr, 2) & PCI_PM_CTRL_STATE_MASK, PCI_D3HOT);
	assert_aborts(m, a1);
	ck_assert_uint_eq(cfg_rd(m, 2, 0, 0, PCI_CFG_VENDOR_ID, 2), TDEV_VENDOR);
	cfg_wr(m, 0, 1, 0, pmcsr, 2, PCI_D0);
	assert_decodes(m, a1);
	ck_assert_uint_eq(platform_sync_failures(m), 0);
	platform_machine_destroy(m);
}
END_TEST

static void expect_build_fails(struct platform_desc *d, int rc)
{
	struct platform_machine *m = (struct platform_machine *)d; /* must become NULL */

	ck_assert_int_eq(platform_machine_build(&m, d), rc);
	ck_assert_ptr_null(m);
	ck_assert_str_ne(platform_build_error(), "");
	/* The models' hooks are theirs again. */
	ck_assert_ptr_eq(dev0.cfg.ops, &tdev_cfg_ops);
	ck_assert_ptr_eq(dev1.cfg.ops, &tdev_cfg_ops);
}

START_TEST(test_build_errors)
{
	struct platform_desc d;
	struct platform_device_desc bad[2];
	struct platform_bridge_desc badbr[1];

	d = make_desc();
	memcpy(bad, devices, sizeof(bad));
	bad[1].parent = "nope";
	d.devices = bad;
	expect_build_fails(&d, SIM_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(platform_build_error(), "nope"));

	d = make_desc();
	memcpy(bad, devices, sizeof(bad));
	bad[1].name = "ep0";
	d.devices = bad;
	expect_build_fails(&d, SIM_ERR_INVALID);

	d = make_desc();
	memcpy(bad, devices, sizeof(bad));
	bad[1].parent = NULL; /* slot 0:0.0 taken twice */
	d.devices = bad;
	expect_build_fails(&d, SIM_ERR_BUSY);

	d = make_desc();
	d.ecam_base = ECAM_BASE + 4096;
	expect_build_fails(&d, SIM_ERR_INVALID);

	d = make_desc();
	d.mem32 = (struct bus_topo_window){ 2 * GIB, 512 * MIB }; /* over RAM */
	expect_build_fails(&d, SIM_ERR_INVALID);

	d = make_desc();
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, 4 * KIB }; /* too small */
	expect_build_fails(&d, SIM_ERR_LIMIT);

	d = make_desc();
	memcpy(badbr, bridges, sizeof(badbr));
	badbr[0].flags = 0x80; /* unknown window flag */
	d.bridges = badbr;
	expect_build_fails(&d, SIM_ERR_INVALID);

	d = make_desc();
	d.n_ram = 0;
	expect_build_fails(&d, SIM_ERR_INVALID);
	ck_assert_int_eq(platform_machine_build(NULL, &d), SIM_ERR_INVALID);
	platform_machine_destroy(NULL);
}
END_TEST

static Suite *machine_suite(void)
{
	Suite *s = suite_create("platform:machine");
	TCase *tc = tcase_create("machine");

	tcase_add_test(tc, test_build_assigns_and_maps_bars);
	tcase_add_test(tc, test_host_memory_reachable);
	tcase_add_test(tc, test_ecam_reads_ids);
	tcase_add_test(tc, test_memory_space_enable);
	tcase_add_test(tc, test_bar_sizing_sequence);
	tcase_add_test(tc, test_sizing_pattern_inside_window);
	tcase_add_test(tc, test_bar_move);
	tcase_add_test(tc, test_overlap_resolved_by_priority);
	tcase_add_test(tc, test_d3hot_turns_decoding_off);
	tcase_add_test(tc, test_model_hook_chained_and_restored);
	tcase_add_test(tc, test_surprise_remove_function);
	tcase_add_test(tc, test_surprise_remove_slot);
	tcase_add_test(tc, test_bridge_memory_space_gates);
	tcase_add_test(tc, test_bridge_window_gates);
	tcase_add_test(tc, test_two_levels_of_bridges);
	tcase_add_test(tc, test_build_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(machine_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
