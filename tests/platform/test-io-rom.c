/*
 * tests/platform/test-io-rom.c - Check tests of the machine's I/O address
 * space and Expansion ROMs (platform/machine.h, platform/access.h).
 *
 * The machine: one endpoint on the root bus and one behind a root port
 * with an I/O window; each has BAR0 = 4 KiB of memory, BAR1 = 32 bytes of
 * I/O ports (a scratch register at port offset 4) and a 64 KiB Expansion
 * ROM whose image is shorter than the ROM. Rules checked:
 * - PCI 3.0 §6.2.5.1: an I/O BAR decodes in I/O space while Command.I/O
 *   Space is set; the enumerator assigns it from the io window.
 * - Bridge 1.2 §3.2.5.6 and §4.1: a bridge forwards I/O only with its
 *   Command.I/O Space set and the port inside its I/O Base/Limit window.
 * - PCIe 4.0 §2.2.7: I/O writes are non-posted: both directions cost a
 *   round trip (request down, completer latency, completion up).
 * - PCI 3.0 §6.2.5.2: the Expansion ROM decodes only with ROM Enable and
 *   Command.Memory Space both set; sizing by writing the address mask;
 *   the enumerator assigns it (mem32 window) and leaves ROM Enable clear.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "bus/link.h"
#include "platform/access.h"
#include "platform/machine.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define ECAM_BASE UINT64_C(0xe0000000)
#define MEM32_BASE UINT64_C(0xc0000000)
#define IO_BASE 0x1000u
#define IO_SIZE 0xf000u
#define ROM_SIZE (64 * 1024u)
#define IO_SCRATCH 4u

struct iodev {
	struct pci_cfg cfg;
	uint32_t scratch;
	unsigned io_writes;
};

static enum bus_decode_status mem_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0x600d600d;
	return BUS_DECODE_OK;
}

static enum bus_decode_status mem_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static enum bus_decode_status io_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct iodev *d = opaque;

	(void)size;
	*val = off == IO_SCRATCH ? d->scratch : 0x10 + off;
	return BUS_DECODE_OK;
}

static enum bus_decode_status io_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct iodev *d = opaque;

	(void)size;
	d->io_writes++;
	if (off == IO_SCRATCH)
		d->scratch = (uint32_t)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops mem_ops = {
	.read = mem_read, .write = mem_write, .valid_sizes = BUS_DECODE_SIZE_4,
};
static const struct bus_region_ops io_ops = {
	.read = io_read,
	.write = io_write,
	.valid_sizes = BUS_DECODE_SIZE_1 | BUS_DECODE_SIZE_2 | BUS_DECODE_SIZE_4,
};

static struct iodev dev0, dev1;
static struct platform_bar_ops bars0, bars1;
static uint8_t rom_image[100];
static const struct bus_mem_range ram[] = { { 0, 1 * GIB } };
static const struct platform_bridge_desc bridges[] = {
	{ .name = "rp0", .device = 1, .vendor_id = 0x8086, .device_id = 0x1234,
	  .flags = PCI_CFG_BRIDGE_IO, .mps_supported_bytes = 256 },
};
static struct platform_device_desc devices[2];

static void iodev_init(struct iodev *d, struct platform_bar_ops *b, uint16_t did)
{
	memset(d, 0, sizeof(*d));
	ck_assert_int_eq(pci_cfg_init_type0(&d->cfg, 0x1b36, did, 0xff0000, 1, 0x1b36, did, 1),
			 SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&d->cfg, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&d->cfg, 1, PCI_BAR_IO, 32, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_rom(&d->cfg, ROM_SIZE), SIM_OK);
	ck_assert_int_eq(pci_cap_add_pm(&d->cfg, 0, true, 0, NULL), SIM_OK);
	memset(b, 0, sizeof(*b));
	b->ops[0] = &mem_ops;
	b->opaque[0] = d;
	b->ops[1] = &io_ops;
	b->opaque[1] = d;
}

static struct platform_machine *make(void)
{
	struct platform_desc d = { 0 };
	struct platform_machine *m = NULL;

	for (unsigned i = 0; i < sizeof(rom_image); i++)
		rom_image[i] = (uint8_t)(0x55 + i);
	rom_image[0] = 0x55; /* the PCI ROM signature 0xaa55, little-endian */
	rom_image[1] = 0xaa;
	iodev_init(&dev0, &bars0, 1);
	iodev_init(&dev1, &bars1, 2);
	devices[0] = (struct platform_device_desc){ .name = "ep0", .device = 2, .cfg = &dev0.cfg,
						    .bars = &bars0, .rom_image = rom_image,
						    .rom_image_bytes = sizeof(rom_image) };
	devices[1] = (struct platform_device_desc){ .name = "ep1", .parent = "rp0",
						    .cfg = &dev1.cfg, .bars = &bars1 };
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, 512 * MIB };
	d.io = (struct bus_topo_window){ IO_BASE, IO_SIZE };
	d.ecam_base = ECAM_BASE;
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

/* The assigned resource of BAR @bar (BUS_TOPO_ROM_BAR for the ROM). */
static const struct bus_topo_resource *res_of(struct platform_machine *m, unsigned b,
					      unsigned d, unsigned bar)
{
	const struct bus_topo_result *r = platform_fn_result(m, b, d, 0);

	ck_assert_ptr_nonnull(r);
	for (unsigned k = 0; k < r->n_res; k++)
		if (r->res[k].bar == bar)
			return &r->res[k];
	ck_abort_msg("no resource for BAR %u", bar);
	return NULL;
}

static uint32_t io_rd(struct platform_machine *m, uint32_t port, unsigned size, bool *ma)
{
	uint32_t v = 0;
	sim_time_t done;
	struct bus_decode_result r;

	ck_assert_int_eq(platform_io_read(m, port, size, 0, &v, &done, &r), SIM_OK);
	if (ma)
		*ma = r.master_abort;
	return v;
}

static void io_wr(struct platform_machine *m, uint32_t port, unsigned size, uint32_t val)
{
	sim_time_t done;

	ck_assert_int_eq(platform_io_write(m, port, size, val, 0, &done, NULL), SIM_OK);
}

static uint16_t cmd_of(struct platform_machine *m, unsigned b, unsigned d)
{
	uint32_t v;

	ck_assert_int_eq(platform_cfg_read(m, b, d, 0, PCI_CFG_COMMAND, 2, &v), SIM_OK);
	return (uint16_t)v;
}

static void set_cmd(struct platform_machine *m, unsigned b, unsigned d, uint16_t v)
{
	ck_assert_int_eq(platform_cfg_write(m, b, d, 0, PCI_CFG_COMMAND, 2, v), SIM_OK);
}

static uint32_t mem_rd(struct platform_machine *m, uint64_t addr, unsigned size, bool *ma)
{
	uint64_t v = 0;
	struct bus_decode_result r;

	ck_assert_int_eq(bus_decode_read(platform_decode(m), addr, size, &v, &r), 0);
	if (ma)
		*ma = r.master_abort;
	return (uint32_t)v;
}

/* ---- I/O space ---- */

START_TEST(test_io_bar_assigned_and_decodes)
{
	struct platform_machine *m = make();
	const struct bus_topo_resource *io0 = res_of(m, 0, 2, 1), *io1 = res_of(m, 1, 0, 1);
	bool ma = true;

	ck_assert_int_eq(io0->kind, PCI_BAR_IO);
	ck_assert_uint_eq(io0->size_bytes, 32);
	ck_assert_uint_eq(io0->base % 32, 0);
	ck_assert(io0->base >= IO_BASE && io0->base + 32 <= IO_BASE + IO_SIZE);
	ck_assert(cmd_of(m, 0, 2) & PCI_CMD_IO);
	/* Both devices answer at their own ports, to every access size. */
	io_wr(m, (uint32_t)io0->base + IO_SCRATCH, 4, 0xcafef00d);
	ck_assert_uint_eq(dev0.scratch, 0xcafef00d);
	ck_assert_uint_eq(io_rd(m, (uint32_t)io0->base + IO_SCRATCH, 4, &ma), 0xcafef00d);
	ck_assert(!ma);
	ck_assert_uint_eq(io_rd(m, (uint32_t)io1->base + 8, 1, &ma), 0x18);
	ck_assert(!ma);
	io_wr(m, (uint32_t)io1->base + IO_SCRATCH, 2, 0x1234);
	ck_assert_uint_eq(dev1.scratch, 0x1234);
	/* The memory space does not answer at I/O addresses (separate
	 * spaces), and a port nobody decodes master-aborts: all ones. */
	ck_assert_uint_eq(io_rd(m, IO_BASE + IO_SIZE - 4, 4, &ma), 0xffffffffu);
	ck_assert(ma);
	ck_assert_uint_eq(io_rd(m, IO_BASE + IO_SIZE - 4, 2, &ma), 0xffffu);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_io_space_enable_gates)
{
	struct platform_machine *m = make();
	uint32_t port = (uint32_t)res_of(m, 0, 2, 1)->base;
	uint16_t cmd = cmd_of(m, 0, 2);
	bool ma = false;

	set_cmd(m, 0, 2, cmd & ~PCI_CMD_IO);
	ck_assert_uint_eq(io_rd(m, port, 4, &ma), 0xffffffffu);
	ck_assert(ma);
	io_wr(m, port + IO_SCRATCH, 4, 7);
	ck_assert_uint_eq(dev0.io_writes, 0);
	/* Memory Space stays as it was: only I/O went off. */
	ck_assert_uint_eq(mem_rd(m, res_of(m, 0, 2, 0)->base, 4, &ma), 0x600d600d);
	ck_assert(!ma);
	set_cmd(m, 0, 2, cmd);
	io_rd(m, port, 4, &ma);
	ck_assert(!ma);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_bridge_forwards_io)
{
	struct platform_machine *m = make();
	uint32_t port = (uint32_t)res_of(m, 1, 0, 1)->base;
	const struct bus_topo_result *rp = platform_fn_result(m, 0, 1, 0);
	uint16_t cmd = cmd_of(m, 0, 1);
	bool ma = false;

	ck_assert(rp->windows[PCI_WINDOW_IO].open);
	ck_assert(port >= rp->windows[PCI_WINDOW_IO].base &&
		  port + 31 <= rp->windows[PCI_WINDOW_IO].limit);
	/* Bridge 1.2 §3.2.5.6: I/O Base and Limit in 4 KiB units. */
	ck_assert_uint_eq(rp->windows[PCI_WINDOW_IO].base % 4096, 0);
	ck_assert_uint_eq((rp->windows[PCI_WINDOW_IO].limit + 1) % 4096, 0);
	set_cmd(m, 0, 1, cmd & ~PCI_CMD_IO);
	io_rd(m, port, 4, &ma);
	ck_assert(ma);
	set_cmd(m, 0, 1, cmd);
	io_rd(m, port, 4, &ma);
	ck_assert(!ma);
	/* Close the window (base above limit): nothing forwarded. */
	ck_assert_int_eq(platform_cfg_write(m, 0, 1, 0, PCI_CFG_IO_BASE, 1, 0xf0), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(m, 0, 1, 0, PCI_CFG_IO_LIMIT, 1, 0x00), SIM_OK);
	io_rd(m, port, 4, &ma);
	ck_assert(ma);
	platform_machine_destroy(m);
}
END_TEST

/* PCIe 4.0 §2.2.7: IORd/IOWr are non-posted with 3 DW headers; a read's
 * completion carries one DW, a write's none. Both cost a round trip. */
START_TEST(test_io_timing_is_a_round_trip)
{
	struct platform_machine *m = make();
	uint32_t port = (uint32_t)res_of(m, 0, 2, 1)->base, v;
	const struct platform_link *l = platform_fn_link(m, 0, 2, 0);
	struct bus_link_cfg c = l->cfg;
	sim_time_t done, down, up, start = SIM_US(1);

	c.addr64 = false;
	ck_assert_int_eq(platform_io_read(m, port, 4, start, &v, &done, NULL), SIM_OK);
	ck_assert_int_eq(bus_link_tlp_ps(&c, PLATFORM_LINK_CARRIES, bus_link_mrd_wire_bytes(&c),
					 &down), SIM_OK);
	ck_assert_int_eq(bus_link_tlp_ps(&c, PLATFORM_LINK_CARRIES,
					 bus_link_cpld_wire_bytes(&c, 4), &up), SIM_OK);
	ck_assert_uint_eq(done, start + down + PLATFORM_COMPLETER_PS_DEFAULT + up);

	start = SIM_US(2);
	ck_assert_int_eq(platform_io_write(m, port, 4, 1, start, &done, NULL), SIM_OK);
	ck_assert_int_eq(bus_link_tlp_ps(&c, PLATFORM_LINK_CARRIES,
					 bus_link_mwr_wire_bytes(&c, 4), &down), SIM_OK);
	ck_assert_int_eq(bus_link_tlp_ps(&c, PLATFORM_LINK_CARRIES,
					 bus_link_cpld_wire_bytes(&c, 0), &up), SIM_OK);
	ck_assert_uint_eq(done, start + down + PLATFORM_COMPLETER_PS_DEFAULT + up);

	/* Nothing there: the host bridge answers after master_abort_ps. */
	ck_assert_int_eq(platform_io_read(m, IO_BASE + IO_SIZE - 4, 4, start, &v, &done, NULL),
			 SIM_OK);
	ck_assert_uint_eq(done, start + PLATFORM_MASTER_ABORT_PS_DEFAULT);
	ck_assert_int_eq(platform_io_read(m, port, 8, start, &v, &done, NULL), SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

/* ---- Expansion ROM ---- */

START_TEST(test_rom_assigned_disabled)
{
	struct platform_machine *m = make();
	const struct bus_topo_resource *rom = res_of(m, 0, 2, BUS_TOPO_ROM_BAR);
	uint32_t reg;
	bool ma = false;

	ck_assert_int_eq(rom->kind, PCI_BAR_MEM32);
	ck_assert_uint_eq(rom->size_bytes, ROM_SIZE);
	ck_assert_uint_eq(rom->base % ROM_SIZE, 0);
	ck_assert(rom->base >= MEM32_BASE && rom->base + ROM_SIZE <= MEM32_BASE + 512 * MIB);
	ck_assert_int_eq(platform_cfg_read(m, 0, 2, 0, PCI_CFG_ROM_ADDRESS, 4, &reg), SIM_OK);
	ck_assert_uint_eq(reg, (uint32_t)rom->base); /* ROM Enable (bit 0) clear */
	mem_rd(m, rom->base, 4, &ma);
	ck_assert(ma);
	/* Sizing: write the address mask, read the size back. */
	ck_assert_int_eq(platform_cfg_write(m, 0, 2, 0, PCI_CFG_ROM_ADDRESS, 4,
					    PCI_ROM_ADDRESS_MASK), SIM_OK);
	ck_assert_int_eq(platform_cfg_read(m, 0, 2, 0, PCI_CFG_ROM_ADDRESS, 4, &reg), SIM_OK);
	ck_assert_uint_eq(reg, ~(ROM_SIZE - 1));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_rom_enable_serves_image)
{
	struct platform_machine *m = make();
	const struct bus_topo_resource *rom = res_of(m, 0, 2, BUS_TOPO_ROM_BAR);
	uint16_t cmd = cmd_of(m, 0, 2);
	struct bus_decode_result r;
	bool ma = true;

	ck_assert_int_eq(platform_cfg_write(m, 0, 2, 0, PCI_CFG_ROM_ADDRESS, 4,
					    (uint32_t)rom->base | PCI_ROM_ENABLE), SIM_OK);
	ck_assert_uint_eq(mem_rd(m, rom->base, 2, &ma), 0xaa55);
	ck_assert(!ma);
	ck_assert_uint_eq(mem_rd(m, rom->base + 8, 4, &ma),
			  (uint32_t)rom_image[8] | (uint32_t)rom_image[9] << 8 |
				  (uint32_t)rom_image[10] << 16 | (uint32_t)rom_image[11] << 24);
	/* Past the image, inside the ROM: erased bytes; across the end of
	 * the image, both. */
	ck_assert_uint_eq(mem_rd(m, rom->base + ROM_SIZE - 4, 4, &ma), 0xffffffffu);
	ck_assert(!ma);
	ck_assert_uint_eq(mem_rd(m, rom->base + sizeof(rom_image) - 1, 2, &ma),
			  0xff00u | rom_image[sizeof(rom_image) - 1]);
	/* A ROM: writes complete and change nothing. */
	ck_assert_int_eq(bus_decode_write(platform_decode(m), rom->base, 4, 0, &r), 0);
	ck_assert_int_eq(r.status, BUS_DECODE_OK);
	ck_assert_uint_eq(mem_rd(m, rom->base, 2, &ma), 0xaa55);
	/* PCI 3.0 §6.2.5.2: Memory Space off turns the ROM off too. */
	set_cmd(m, 0, 2, cmd & ~PCI_CMD_MEMORY);
	mem_rd(m, rom->base, 4, &ma);
	ck_assert(ma);
	set_cmd(m, 0, 2, cmd);
	mem_rd(m, rom->base, 4, &ma);
	ck_assert(!ma);
	/* ROM Enable off again. */
	ck_assert_int_eq(platform_cfg_write(m, 0, 2, 0, PCI_CFG_ROM_ADDRESS, 4,
					    (uint32_t)rom->base), SIM_OK);
	mem_rd(m, rom->base, 4, &ma);
	ck_assert(ma);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_rom_without_image_and_timing)
{
	struct platform_machine *m = make();
	const struct bus_topo_resource *rom = res_of(m, 1, 0, BUS_TOPO_ROM_BAR);
	uint64_t v;
	sim_time_t done;
	struct bus_decode_result r;

	ck_assert_int_eq(platform_cfg_write(m, 1, 0, 0, PCI_CFG_ROM_ADDRESS, 4,
					    (uint32_t)rom->base | PCI_ROM_ENABLE), SIM_OK);
	/* Behind the root port, through its memory window; a device's ROM
	 * answers like its BARs, over its link (not at RAM latency). */
	ck_assert_int_eq(platform_mmio_read(m, rom->base, 4, 0, &v, &done, &r), SIM_OK);
	ck_assert(!r.master_abort);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert(done > PLATFORM_COMPLETER_PS_DEFAULT);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_rom_image_size_without_image_refused)
{
	struct platform_desc d = { 0 };
	struct platform_machine *m = (struct platform_machine *)&d;

	iodev_init(&dev0, &bars0, 1);
	devices[0] = (struct platform_device_desc){ .name = "ep0", .cfg = &dev0.cfg,
						    .bars = &bars0, .rom_image_bytes = 16 };
	d.ram = ram;
	d.n_ram = 1;
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, 512 * MIB };
	d.ecam_base = ECAM_BASE;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = devices;
	d.n_devices = 1;
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_ERR_INVALID);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(platform_build_error(), "ROM"));
}
END_TEST

static Suite *io_rom_suite(void)
{
	Suite *s = suite_create("platform:io-rom");
	TCase *tc = tcase_create("io-rom");

	tcase_add_test(tc, test_io_bar_assigned_and_decodes);
	tcase_add_test(tc, test_io_space_enable_gates);
	tcase_add_test(tc, test_bridge_forwards_io);
	tcase_add_test(tc, test_io_timing_is_a_round_trip);
	tcase_add_test(tc, test_rom_assigned_disabled);
	tcase_add_test(tc, test_rom_enable_serves_image);
	tcase_add_test(tc, test_rom_without_image_and_timing);
	tcase_add_test(tc, test_rom_image_size_without_image_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(io_rom_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
