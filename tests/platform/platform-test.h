/*
 * tests/platform/platform-test.h - the small machine some platform/ test
 * programs share: a register model (BAR0: 4 KiB whose every word reads
 * PTEST_REG; a PM capability with No_Soft_Reset clear; a PCI Express
 * capability with FLR; a reset hook that counts), ep0 on the root bus at
 * device 2, and ep1 behind root port rp0 (device 1). Each test program is
 * one translation unit; everything here is static (models: struct rdev,
 * dev0 and dev1; the machine: make()).
 */
#ifndef PCISIM_TESTS_PLATFORM_TEST_H
#define PCISIM_TESTS_PLATFORM_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "platform/machine.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define PTEST_REG 0x5a5a0001u

struct rdev {
	struct pci_cfg cfg;
	uint32_t exp, pm;
	unsigned resets;
	enum pci_reset_kind last;
};

static inline enum bus_decode_status rdev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = PTEST_REG;
	return BUS_DECODE_OK;
}

static inline enum bus_decode_status rdev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops rdev_ops = {
	.read = rdev_read, .write = rdev_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

static inline void rdev_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	struct rdev *d = opaque;

	(void)c;
	d->resets++;
	d->last = kind;
}

static const struct pci_cfg_ops rdev_cfg_ops = { .reset = rdev_reset };

static struct rdev dev0, dev1;
static struct platform_bar_ops bars0, bars1;
static const struct bus_mem_range ram[] = { { 0, 1 * GIB } };
static const struct platform_bridge_desc bridges[] = {
	{ .name = "rp0", .device = 1, .vendor_id = 0x8086, .device_id = 0x1234,
	  .mps_supported_bytes = 256 },
};
static struct platform_device_desc devices[2];

static inline void rdev_init(struct rdev *d, struct platform_bar_ops *b, uint16_t did)
{
	struct pci_cap_exp_params p = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.mps_supported_bytes = 256,
		.max_speed = PCI_LINK_8GT,
		.max_width = 8,
		.flr = true,
	};

	memset(d, 0, sizeof(*d));
	ck_assert_int_eq(pci_cfg_init_type0(&d->cfg, 0x1b36, did, 0xff0000, 1, 0x1b36, did, 1),
			 SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&d->cfg, 0, PCI_BAR_MEM32, 4096, false), SIM_OK);
	ck_assert_int_eq(pci_cap_add_pm(&d->cfg, 0, false, 0, &d->pm), SIM_OK);
	ck_assert_int_eq(pci_cap_add_express(&d->cfg, &p, 0, &d->exp), SIM_OK);
	pci_cfg_set_ops(&d->cfg, &rdev_cfg_ops, d);
	memset(b, 0, sizeof(*b));
	b->ops[0] = &rdev_ops;
	b->opaque[0] = d;
}

static inline struct platform_machine *make(void)
{
	struct platform_desc d = { 0 };
	struct platform_machine *m = NULL;

	rdev_init(&dev0, &bars0, 1);
	rdev_init(&dev1, &bars1, 2);
	devices[0] = (struct platform_device_desc){ .name = "ep0", .device = 2, .cfg = &dev0.cfg,
						    .bars = &bars0 };
	devices[1] = (struct platform_device_desc){ .name = "ep1", .parent = "rp0",
						    .cfg = &dev1.cfg, .bars = &bars1 };
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ 0xc0000000u, 512 * MIB };
	d.ecam_base = 0xe0000000u;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.bridges = bridges;
	d.n_bridges = 1;
	d.devices = devices;
	d.n_devices = 2;
	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "build: %s",
		      platform_build_error());
	return m;
}

static inline uint64_t bar0_of(struct platform_machine *m, unsigned b, unsigned d)
{
	return platform_fn_result(m, b, d, 0)->res[0].base;
}

static inline bool decodes(struct platform_machine *m, uint64_t addr)
{
	uint64_t v = 0;
	struct bus_decode_result r;

	ck_assert_int_eq(bus_decode_read(platform_decode(m), addr, 4, &v, &r), 0);
	return !r.master_abort && v == PTEST_REG;
}

static inline void cfg_wr(struct platform_machine *m, unsigned b, unsigned d, uint32_t off,
		   unsigned len, uint32_t val)
{
	ck_assert_int_eq(platform_cfg_write(m, b, d, 0, off, len, val), SIM_OK);
}

static inline uint32_t cfg_rd(struct platform_machine *m, unsigned b, unsigned d, uint32_t off,
		       unsigned len)
{
	uint32_t v;

	ck_assert_int_eq(platform_cfg_read(m, b, d, 0, off, len, &v), SIM_OK);
	return v;
}

#endif /* PCISIM_TESTS_PLATFORM_TEST_H */
