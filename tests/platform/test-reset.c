/*
 * tests/platform/test-reset.c - Check tests of function resets in a
 * machine (platform/machine.h): a Function Level Reset and a D3hot -> D0
 * soft reset turn the function's decoding off (its BARs and Command are
 * back to 0: PCIe 4.0 §6.6.2, PCI PM 1.2 §5.4.1) and reach the model's own
 * reset hook through the machine's; a Secondary Bus Reset (Bridge 1.2
 * §3.2.5.18) resets every function below the bridge, and only those, when
 * the bit is set (not again while it stays set).
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "platform/machine.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define REG 0x5a5a0001u

struct rdev {
	struct pci_cfg cfg;
	uint32_t exp, pm;
	unsigned resets;
	enum pci_reset_kind last;
};

static enum bus_decode_status rdev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = REG;
	return BUS_DECODE_OK;
}

static enum bus_decode_status rdev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
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

static void rdev_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
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

static void rdev_init(struct rdev *d, struct platform_bar_ops *b, uint16_t did)
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

static struct platform_machine *make(void)
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

static uint64_t bar0_of(struct platform_machine *m, unsigned b, unsigned d)
{
	return platform_fn_result(m, b, d, 0)->res[0].base;
}

static bool decodes(struct platform_machine *m, uint64_t addr)
{
	uint64_t v = 0;
	struct bus_decode_result r;

	ck_assert_int_eq(bus_decode_read(platform_decode(m), addr, 4, &v, &r), 0);
	return !r.master_abort && v == REG;
}

static void cfg_wr(struct platform_machine *m, unsigned b, unsigned d, uint32_t off,
		   unsigned len, uint32_t val)
{
	ck_assert_int_eq(platform_cfg_write(m, b, d, 0, off, len, val), SIM_OK);
}

static uint32_t cfg_rd(struct platform_machine *m, unsigned b, unsigned d, uint32_t off,
		       unsigned len)
{
	uint32_t v;

	ck_assert_int_eq(platform_cfg_read(m, b, d, 0, off, len, &v), SIM_OK);
	return v;
}

START_TEST(test_flr_stops_decoding)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);

	ck_assert(decodes(m, bar));
	cfg_wr(m, 0, 2, dev0.exp + PCI_EXP_DEVCTL, 2,
	       cfg_rd(m, 0, 2, dev0.exp + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_BCR_FLR);
	ck_assert_uint_eq(dev0.resets, 1);
	ck_assert_int_eq(dev0.last, PCI_RESET_FLR);
	ck_assert_uint_eq(cfg_rd(m, 0, 2, PCI_CFG_COMMAND, 2), 0);
	ck_assert(!decodes(m, bar));
	/* Software restores the function: it decodes again. */
	cfg_wr(m, 0, 2, PCI_CFG_BAR0, 4, (uint32_t)bar);
	cfg_wr(m, 0, 2, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert(decodes(m, bar));
	/* The other device never noticed. */
	ck_assert_uint_eq(dev1.resets, 0);
	ck_assert(decodes(m, bar0_of(m, 1, 0)));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_soft_reset_from_d3hot)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);

	cfg_wr(m, 0, 2, dev0.pm + PCI_PM_CTRL, 2, PCI_D3HOT);
	ck_assert(!decodes(m, bar));
	cfg_wr(m, 0, 2, dev0.pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(dev0.resets, 1);
	ck_assert_int_eq(dev0.last, PCI_RESET_SOFT);
	/* D0uninitialized: back in D0, but with nothing programmed. */
	ck_assert(!decodes(m, bar));
	ck_assert_uint_eq(cfg_rd(m, 0, 2, PCI_CFG_BAR0, 4), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_secondary_bus_reset)
{
	struct platform_machine *m = make();
	uint64_t below = bar0_of(m, 1, 0), root = bar0_of(m, 0, 2);
	uint32_t bctl = cfg_rd(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2);

	ck_assert(decodes(m, below));
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	ck_assert_uint_eq(dev1.resets, 1);
	ck_assert_int_eq(dev1.last, PCI_RESET_HOT);
	ck_assert_uint_eq(dev0.resets, 0);
	ck_assert(!decodes(m, below));
	ck_assert(decodes(m, root));
	/* Held: no second reset; released: none either. */
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl);
	ck_assert_uint_eq(dev1.resets, 1);
	/* The bridge itself is not reset by its own Secondary Bus Reset. */
	ck_assert_uint_eq(cfg_rd(m, 0, 1, PCI_CFG_SECONDARY_BUS, 1), 1);
	/* Restored by software, it decodes again; a second pulse resets again. */
	cfg_wr(m, 1, 0, PCI_CFG_BAR0, 4, (uint32_t)below);
	cfg_wr(m, 1, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert(decodes(m, below));
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	ck_assert_uint_eq(dev1.resets, 2);
	platform_machine_destroy(m);
}
END_TEST

static Suite *reset_suite(void)
{
	Suite *s = suite_create("platform:reset");
	TCase *tc = tcase_create("reset");

	tcase_add_test(tc, test_flr_stops_decoding);
	tcase_add_test(tc, test_soft_reset_from_d3hot);
	tcase_add_test(tc, test_secondary_bus_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reset_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
