/*
 * tests/platform/access-fixture.h - the machine the timed-access tests
 * share (test-access.c, test-dma.c): RAM below 3 GiB, ECAM at 0xe0000000,
 * an endpoint ep0 on the root bus (its own link, Gen3 x8 by default) and a
 * root port rp0 (Gen4 x4) with ep1 behind it (completer latency 250 ns);
 * both endpoints serve BAR0 = 4 KiB with an ID (RO) and a scratch (RW).
 * Each test program is one translation unit; everything here is static.
 */
#ifndef PCISIM_TESTS_PLATFORM_ACCESS_FIXTURE_H
#define PCISIM_TESTS_PLATFORM_ACCESS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "platform/access.h"
#include "platform/machine.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define ECAM_BASE UINT64_C(0xe0000000)
#define MEM32_BASE UINT64_C(0xc0000000)
#define MEM32_SIZE (512 * MIB)
#define NOTHING (MEM32_BASE + 256 * MIB) /* inside the window, no BAR there */
#define TDEV_ID 0x7e570001u
#define TDEV_VENDOR 0x1b36
#define NOW SIM_NS(1000)

/* ---- the test model: BAR0 = ID (RO), scratch (RW) ---- */

struct tdev {
	struct pci_cfg cfg;
	uint32_t scratch;
};

static inline enum bus_decode_status tdev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct tdev *t = opaque;

	(void)size;
	*val = off == 0 ? TDEV_ID : off == 4 ? t->scratch : 0;
	return BUS_DECODE_OK;
}

static inline enum bus_decode_status tdev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct tdev *t = opaque;

	(void)size;
	if (off == 4)
		t->scratch = (uint32_t)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops tdev_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
};

static struct tdev dev0, dev1;
static struct platform_bar_ops bars0, bars1;
static const struct bus_mem_range ram[] = { { 0, 3 * GIB } };
static const struct platform_bridge_desc bridges[] = {
	{ .name = "rp0", .parent = NULL, .device = 1, .function = 0, .vendor_id = 0x8086,
	  .device_id = 0x1234, .flags = 0, .mps_supported_bytes = 256, .link_gen = 4,
	  .link_width = 4 },
};
static struct platform_device_desc devices[2];

static inline void tdev_init(struct tdev *t, uint16_t did)
{
	memset(t, 0, sizeof(*t));
	ck_assert_int_eq(pci_cfg_init_type0(&t->cfg, TDEV_VENDOR, did, 0xff0000, 1, TDEV_VENDOR,
					    did, 1), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&t->cfg, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
}

static inline struct platform_desc make_desc(void)
{
	struct platform_desc d = { 0 };

	tdev_init(&dev0, 1);
	tdev_init(&dev1, 2);
	memset(&bars0, 0, sizeof(bars0));
	memset(&bars1, 0, sizeof(bars1));
	bars0.ops[0] = &tdev_ops;
	bars0.opaque[0] = &dev0;
	bars1.ops[0] = &tdev_ops;
	bars1.opaque[0] = &dev1;
	devices[0] = (struct platform_device_desc){ .name = "ep0", .cfg = &dev0.cfg,
						    .bars = &bars0 };
	devices[1] = (struct platform_device_desc){ .name = "ep1", .parent = "rp0",
						    .cfg = &dev1.cfg, .bars = &bars1,
						    .completer_ps = SIM_NS(250) };
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, MEM32_SIZE };
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

static inline struct platform_machine *make(void)
{
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;

	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "build: %s",
		      platform_build_error());
	return m;
}

static inline uint64_t bar0_of(struct platform_machine *m, unsigned b, unsigned d)
{
	const struct bus_topo_result *r = platform_fn_result(m, b, d, 0);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_ge(r->n_res, 1);
	return r->res[0].base;
}

static inline void set_master(struct platform_machine *m, unsigned b, unsigned d, bool on)
{
	uint32_t cmd = 0;

	ck_assert_int_eq(platform_cfg_read(m, b, d, 0, PCI_CFG_COMMAND, 2, &cmd), SIM_OK);
	cmd = on ? cmd | PCI_CMD_MASTER : cmd & ~(uint32_t)PCI_CMD_MASTER;
	ck_assert_int_eq(platform_cfg_write(m, b, d, 0, PCI_CFG_COMMAND, 2, cmd), SIM_OK);
}

static inline uint16_t status_of(struct tdev *t)
{
	return pci_cfg_get_u16(&t->cfg, PCI_CFG_STATUS);
}

#endif /* PCISIM_TESTS_PLATFORM_ACCESS_FIXTURE_H */
