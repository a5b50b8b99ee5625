/*
 * tests/bus/test-topo.c - Check tests of the PCI topology (bus/topo.h).
 *
 * Covers: reads of absent or unreachable functions return all ones and
 * writes to them vanish; malformed requests are refused; the multi-function
 * bit follows the attached functions; Type 1 routing through bridges
 * before bus numbers exist, after programming them by hand, and after
 * enumeration (and stops when a Subordinate number is lowered); ECAM and
 * direct access agree for reads and writes; the Bridge 1.2 §9.1 swizzle
 * through two bridges, checked against values worked out by hand; the
 * enumeration of a tree (bus 0 with 2 endpoints, a bridge with 2
 * endpoints, a bridge under a bridge with 1 endpoint): bus numbers, BARs
 * naturally aligned, inside their windows and disjoint, bridge windows
 * equal to the granular hull of everything below, MPS the minimum along
 * the path, MRRS and Command; idempotence; running out of a window names
 * the function and leaves every configuration space as it was; an I/O BAR
 * behind a bridge without an I/O window; surprise removal of a function
 * (direct and ECAM reads all ones, writes vanish, lookup and result kept)
 * and of a slot holding a bridge (everything below gone, a new
 * enumeration does not find it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "bus/topo.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* ---- fixtures ---- */

static void endpoint(struct pci_cfg *c, uint16_t did, uint8_t pin, unsigned mps_sup)
{
	ck_assert_int_eq(pci_cfg_init_type0(c, 0x1b36, did, 0x020000, 1, 0x1af4, did, pin),
			 SIM_OK);
	if (mps_sup) {
		struct pci_cap_exp_params p = { PCI_EXP_TYPE_ENDPOINT, mps_sup, PCI_LINK_8GT, 4,
						 false, false };

		ck_assert_int_eq(pci_cap_add_express(c, &p, 0, NULL), SIM_OK);
	}
}

static void bridge(struct pci_cfg *c, uint16_t did, enum pci_exp_type type, unsigned mps_sup,
		   unsigned flags)
{
	ck_assert_int_eq(pci_cfg_init_type1(c, 0x8086, did, 0x060400, 1, 1, flags), SIM_OK);
	if (mps_sup) {
		struct pci_cap_exp_params p = { type, mps_sup, PCI_LINK_8GT, 4, false, false };

		ck_assert_int_eq(pci_cap_add_express(c, &p, 0, NULL), SIM_OK);
	}
}

#define ALL_WINDOWS (PCI_CFG_BRIDGE_IO | PCI_CFG_BRIDGE_IO32 | PCI_CFG_BRIDGE_PREF | \
		     PCI_CFG_BRIDGE_PREF64)

/*
 * The tree of the brief:
 *   bus 0: ep0 (00.0), ep1 (01.0), rp1 (02.0), rp2 (03.0)
 *   below rp1: ep2 (00.0), ep3 (01.0)
 *   below rp2: sw (00.0, a switch downstream port), below it ep4 (00.0)
 */
enum { EP0, EP1, RP1, RP2, EP2, EP3, SW, EP4, NFN };

struct tree {
	struct bus_topo *t;
	struct pci_cfg cfg[NFN];
	struct bus_topo_fn *fn[NFN];
};

static struct tree tr; /* large: static, one per forked test */

static const char *const tree_names[NFN] = { "ep0", "ep1", "rp1", "rp2",
					     "ep2", "ep3", "sw", "ep4" };

static void build_tree(void)
{
	struct pci_cfg *c = tr.cfg;
	struct bus_topo_bus *b0;

	ck_assert_int_eq(bus_topo_create(&tr.t), SIM_OK);
	b0 = bus_topo_root_bus(tr.t);

	endpoint(&c[EP0], 0x10, 1, 2048);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP0], 0, PCI_BAR_MEM32, 64 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP0], 2, PCI_BAR_MEM64, 16 * MIB, true), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP0], 4, PCI_BAR_IO, 256, false), SIM_OK);

	endpoint(&c[EP1], 0x11, 2, 0); /* conventional PCI: no MPS */
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP1], 0, PCI_BAR_MEM32, 1 * MIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP1], 1, PCI_BAR_IO, 32, false), SIM_OK);

	bridge(&c[RP1], 0x20, PCI_EXP_TYPE_ROOT_PORT, 512, ALL_WINDOWS);
	bridge(&c[RP2], 0x21, PCI_EXP_TYPE_ROOT_PORT, 256, ALL_WINDOWS);

	endpoint(&c[EP2], 0x12, 1, 1024);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP2], 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP2], 2, PCI_BAR_MEM64, 2 * MIB, true), SIM_OK);

	endpoint(&c[EP3], 0x13, 3, 128);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP3], 0, PCI_BAR_MEM32, 256 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP3], 1, PCI_BAR_IO, 64, false), SIM_OK);

	bridge(&c[SW], 0x22, PCI_EXP_TYPE_DOWNSTREAM, 512, ALL_WINDOWS);
	/* the switch port also has a BAR of its own, on its primary bus */
	ck_assert_int_eq(pci_cfg_add_bar(&c[SW], 0, PCI_BAR_MEM32, 16 * KIB, false), SIM_OK);

	endpoint(&c[EP4], 0x14, 4, 1024);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP4], 0, PCI_BAR_MEM64, 8 * KIB, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP4], 2, PCI_BAR_MEM64, 64 * MIB, true), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c[EP4], 4, PCI_BAR_IO, 16, false), SIM_OK);

	ck_assert_int_eq(bus_topo_attach(tr.t, b0, 0, 0, &c[EP0], "ep0", &tr.fn[EP0]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, b0, 1, 0, &c[EP1], "ep1", &tr.fn[EP1]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, b0, 2, 0, &c[RP1], "rp1", &tr.fn[RP1]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, b0, 3, 0, &c[RP2], "rp2", &tr.fn[RP2]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, bus_topo_secondary(tr.fn[RP1]), 0, 0, &c[EP2],
					 "ep2", &tr.fn[EP2]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, bus_topo_secondary(tr.fn[RP1]), 1, 0, &c[EP3],
					 "ep3", &tr.fn[EP3]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, bus_topo_secondary(tr.fn[RP2]), 0, 0, &c[SW],
					 "sw", &tr.fn[SW]), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(tr.t, bus_topo_secondary(tr.fn[SW]), 0, 0, &c[EP4],
					 "ep4", &tr.fn[EP4]), SIM_OK);
}

static const struct bus_topo_platform plat = {
	.mem32 = { 0xc0000000u, 256 * MIB },
	.pref64 = { UINT64_C(0x8000000000), 4 * GIB },
	.io = { 0x1000, 0xf000 },
	.mps_cap_bytes = 1024,
	.mrrs_bytes = 1024,
	.enable_memory = true,
	.enable_io = true,
	.enable_master = true,
};

static uint32_t crd(struct bus_topo *t, unsigned b, unsigned d, unsigned f, uint32_t off,
		    uint32_t len)
{
	uint32_t v = 0x5a5a5a5a;

	ck_assert_int_eq(bus_topo_cfg_read(t, b, d, f, off, len, &v), SIM_OK);
	return v;
}

static void cwr(struct bus_topo *t, unsigned b, unsigned d, unsigned f, uint32_t off,
		uint32_t len, uint32_t v)
{
	ck_assert_int_eq(bus_topo_cfg_write(t, b, d, f, off, len, v), SIM_OK);
}

/* ---- absent functions, refusals ---- */

START_TEST(test_absent_reads_all_ones)
{
	struct bus_topo *t;
	struct pci_cfg c;
	uint32_t v;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	endpoint(&c, 0x10, 1, 0);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 4, 0, &c, "ep", NULL), SIM_OK);

	ck_assert_uint_eq(crd(t, 0, 4, 0, PCI_CFG_VENDOR_ID, 2), 0x1b36);
	/* a device that is not there, every size */
	ck_assert_uint_eq(crd(t, 0, 5, 0, 0, 4), 0xffffffffu);
	ck_assert_uint_eq(crd(t, 0, 5, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(t, 0, 5, 0, PCI_CFG_HEADER_TYPE, 1), 0xff);
	/* another function of the present device */
	ck_assert_uint_eq(crd(t, 0, 4, 1, 0, 4), 0xffffffffu);
	/* buses nothing forwards to */
	for (unsigned b = 1; b < 256; b++)
		ck_assert_uint_eq(crd(t, b, 4, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	/* extended space of an absent function */
	ck_assert_uint_eq(crd(t, 0, 31, 7, 0xffc, 4), 0xffffffffu);

	/* writes to nothing vanish; the present function is unchanged */
	cwr(t, 0, 5, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	cwr(t, 7, 4, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert_uint_eq(crd(t, 0, 4, 0, PCI_CFG_COMMAND, 2), 0);
	ck_assert_uint_eq(crd(t, 0, 5, 0, PCI_CFG_COMMAND, 2), 0xffff);

	/* malformed requests are refused and *out is left alone */
	v = 0x1234;
	ck_assert_int_eq(bus_topo_cfg_read(t, 256, 0, 0, 0, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 32, 0, 0, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 0, 8, 0, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 4, 0, 2, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 4, 0, 0, 3, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 4, 0, 0x1000, 1, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 5, 0, 1, 2, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_cfg_read(t, 0, 4, 0, 0, 4, NULL), SIM_ERR_INVALID);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert_int_eq(bus_topo_cfg_write(t, 0, 4, 0, PCI_CFG_COMMAND, 4, 0), SIM_OK);
	ck_assert_int_eq(bus_topo_cfg_write(t, 0, 4, 0, PCI_CFG_COMMAND + 1, 2, 0x0202),
			 SIM_ERR_INVALID);
	ck_assert_uint_eq(crd(t, 0, 4, 0, PCI_CFG_COMMAND, 2), 0);

	/* attach refusals */
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 4, 0, &c, "x", NULL),
			 SIM_ERR_BUSY);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 32, 0, &c, "x", NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 0, 8, &c, "x", NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_attach(t, NULL, 0, 0, &c, "x", NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 0, 0, NULL, "x", NULL),
			 SIM_ERR_INVALID);
	bus_topo_destroy(t);
}
END_TEST

START_TEST(test_multifunction_bit)
{
	static struct pci_cfg c[4];
	struct bus_topo *t;
	struct bus_topo_bus *b0;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	b0 = bus_topo_root_bus(t);
	for (unsigned i = 0; i < 4; i++)
		endpoint(&c[i], (uint16_t)(0x30 + i), 1, 0);

	/* single-function device: bit 7 clear */
	ck_assert_int_eq(bus_topo_attach(t, b0, 1, 0, &c[0], "a.0", NULL), SIM_OK);
	ck_assert_uint_eq(crd(t, 0, 1, 0, PCI_CFG_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	/* a second function sets it on function 0 */
	ck_assert_uint_eq(crd(t, 0, 1, 5, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_int_eq(bus_topo_attach(t, b0, 1, 5, &c[1], "a.5", NULL), SIM_OK);
	ck_assert_uint_eq(crd(t, 0, 1, 0, PCI_CFG_HEADER_TYPE, 1),
			  PCI_HEADER_TYPE_MULTIFUNCTION | PCI_HEADER_TYPE_NORMAL);
	ck_assert_uint_eq(crd(t, 0, 1, 5, PCI_CFG_DEVICE_ID, 2), 0x31);

	/* function 0 attached after another one: set as well */
	ck_assert_int_eq(bus_topo_attach(t, b0, 2, 3, &c[2], "b.3", NULL), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, b0, 2, 0, &c[3], "b.0", NULL), SIM_OK);
	ck_assert_uint_eq(crd(t, 0, 2, 0, PCI_CFG_HEADER_TYPE, 1) & 0x80, 0x80);

	/* the enumerator therefore finds all four */
	ck_assert_int_eq(bus_topo_enumerate(t, &plat), SIM_OK);
	ck_assert_uint_eq(bus_topo_fn_count(t), 4);
	ck_assert_str_eq(bus_topo_fn_name(bus_topo_fn_at(t, 0)), "a.0");
	ck_assert_str_eq(bus_topo_fn_name(bus_topo_fn_at(t, 1)), "a.5");
	ck_assert_str_eq(bus_topo_fn_name(bus_topo_fn_at(t, 2)), "b.0");
	ck_assert_str_eq(bus_topo_fn_name(bus_topo_fn_at(t, 3)), "b.3");
	bus_topo_destroy(t);
}
END_TEST

/* ---- routing ---- */

START_TEST(test_routing_by_hand)
{
	build_tree();
	/* before bus numbers: only bus 0 answers */
	ck_assert_uint_eq(crd(tr.t, 0, 2, 0, PCI_CFG_DEVICE_ID, 2), 0x20);
	for (unsigned b = 1; b < 256; b++)
		ck_assert_uint_eq(crd(tr.t, b, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);

	/* rp2: secondary 5, subordinate 5: bus 5 is sw's bus, bus 6 is not
	 * forwarded yet */
	cwr(tr.t, 0, 3, 0, PCI_CFG_SECONDARY_BUS, 1, 5);
	cwr(tr.t, 0, 3, 0, PCI_CFG_SUBORDINATE_BUS, 1, 5);
	ck_assert_uint_eq(crd(tr.t, 5, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x22);
	ck_assert_ptr_eq(bus_topo_lookup(tr.t, 5, 0, 0), tr.fn[SW]);
	ck_assert_uint_eq(crd(tr.t, 6, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	/* sw: secondary 6 but rp2 does not forward 6 until its subordinate
	 * covers it (Bridge 1.2 §3.2.5.5) */
	cwr(tr.t, 5, 0, 0, PCI_CFG_SECONDARY_BUS, 1, 6);
	cwr(tr.t, 5, 0, 0, PCI_CFG_SUBORDINATE_BUS, 1, 6);
	ck_assert_uint_eq(crd(tr.t, 6, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	cwr(tr.t, 0, 3, 0, PCI_CFG_SUBORDINATE_BUS, 1, 6);
	ck_assert_uint_eq(crd(tr.t, 6, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x14);
	ck_assert_ptr_eq(bus_topo_lookup(tr.t, 6, 0, 0), tr.fn[EP4]);
	/* a device on a secondary bus is not on bus 0 and vice versa */
	ck_assert_uint_eq(crd(tr.t, 6, 2, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(tr.t, 5, 3, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	/* rp1 still unnumbered: its endpoints unreachable */
	ck_assert_ptr_null(bus_topo_lookup(tr.t, 1, 0, 0));
	bus_topo_destroy(tr.t);
}
END_TEST

START_TEST(test_routing_after_enumeration)
{
	build_tree();
	ck_assert_uint_eq(crd(tr.t, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert_uint_eq(crd(tr.t, 1, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x12);
	ck_assert_uint_eq(crd(tr.t, 1, 1, 0, PCI_CFG_DEVICE_ID, 2), 0x13);
	ck_assert_uint_eq(crd(tr.t, 2, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x22);
	ck_assert_uint_eq(crd(tr.t, 3, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x14);
	ck_assert_uint_eq(crd(tr.t, 4, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	/* lowering rp2's subordinate cuts bus 3 off */
	cwr(tr.t, 0, 3, 0, PCI_CFG_SUBORDINATE_BUS, 1, 2);
	ck_assert_uint_eq(crd(tr.t, 3, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(tr.t, 2, 0, 0, PCI_CFG_DEVICE_ID, 2), 0x22);
	bus_topo_destroy(tr.t);
}
END_TEST

/* ---- ECAM ---- */

static uint64_t ecam(unsigned b, unsigned d, unsigned f, uint32_t reg)
{
	return (uint64_t)b << 20 | (uint64_t)d << 15 | (uint64_t)f << 12 | reg;
}

START_TEST(test_ecam_agrees_with_direct)
{
	static const uint32_t lens[] = { 1, 2, 4 };
	uint32_t v;

	build_tree();
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	for (unsigned b = 0; b < 5; b++)
		for (unsigned d = 0; d < 32; d += (d < 3 ? 1 : 28))
			for (unsigned f = 0; f < 8; f++)
				for (uint32_t reg = 0; reg < 0x1000; reg += (reg < 0x40 ? 1 : 0x24))
					for (unsigned li = 0; li < 3; li++) {
						uint32_t len = lens[li], a = 0, e = 0;

						if (reg % len)
							continue;
						ck_assert_int_eq(bus_topo_cfg_read(tr.t, b, d, f, reg,
										   len, &a), SIM_OK);
						ck_assert_int_eq(bus_topo_ecam_read(tr.t,
										    ecam(b, d, f, reg),
										    len, &e), SIM_OK);
						ck_assert_uint_eq(a, e);
					}
	/* a write through ECAM is seen directly, and the reverse */
	ck_assert_int_eq(bus_topo_ecam_write(tr.t, ecam(3, 0, 0, PCI_CFG_INTERRUPT_LINE), 1, 0x2b),
			 SIM_OK);
	ck_assert_uint_eq(crd(tr.t, 3, 0, 0, PCI_CFG_INTERRUPT_LINE, 1), 0x2b);
	cwr(tr.t, 1, 1, 0, PCI_CFG_CACHE_LINE_SIZE, 1, 0x10);
	ck_assert_int_eq(bus_topo_ecam_read(tr.t, ecam(1, 1, 0, PCI_CFG_CACHE_LINE_SIZE), 1, &v),
			 SIM_OK);
	ck_assert_uint_eq(v, 0x10);
	/* the ECAM region is 256 MiB; misaligned or oversized is refused */
	ck_assert_int_eq(bus_topo_ecam_read(tr.t, BUS_TOPO_ECAM_SIZE, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_ecam_read(tr.t, ecam(0, 0, 0, 2), 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_ecam_read(tr.t, ecam(255, 31, 7, 0xffc), 4, &v), SIM_OK);
	ck_assert_uint_eq(v, 0xffffffffu);
	bus_topo_destroy(tr.t);
}
END_TEST

/* ---- surprise removal ---- */

START_TEST(test_remove_function_reads_all_ones)
{
	uint32_t v = 0;
	uint16_t cmd;

	build_tree();
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert(bus_topo_fn_present(tr.fn[EP2]));
	ck_assert_int_eq(bus_topo_remove_function(tr.t, 1, 0, 0), SIM_OK);
	ck_assert(!bus_topo_fn_present(tr.fn[EP2]));
	ck_assert(bus_topo_fn_present(tr.fn[EP3]));
	/* Direct and ECAM reads: nobody answers. */
	ck_assert_uint_eq(crd(tr.t, 1, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(tr.t, 1, 0, 0, PCI_CFG_COMMAND, 1), 0xff);
	ck_assert_uint_eq(crd(tr.t, 1, 0, 0, PCI_CFG_BAR0, 4), 0xffffffffu);
	ck_assert_int_eq(bus_topo_ecam_read(tr.t, ecam(1, 0, 0, PCI_CFG_VENDOR_ID), 4, &v), SIM_OK);
	ck_assert_uint_eq(v, 0xffffffffu);
	/* Writes vanish: its space is untouched. */
	cmd = pci_cfg_get_u16(&tr.cfg[EP2], PCI_CFG_COMMAND);
	ck_assert(cmd & PCI_CMD_MEMORY);
	cwr(tr.t, 1, 0, 0, PCI_CFG_COMMAND, 2, 0);
	ck_assert_int_eq(bus_topo_ecam_write(tr.t, ecam(1, 0, 0, PCI_CFG_COMMAND), 2, 0), SIM_OK);
	ck_assert_uint_eq(pci_cfg_get_u16(&tr.cfg[EP2], PCI_CFG_COMMAND), cmd);
	/* Malformed requests are still refused, not answered. */
	ck_assert_int_eq(bus_topo_cfg_read(tr.t, 1, 0, 0, 1, 2, &v), SIM_ERR_INVALID);
	/* Still found by lookup, result kept; its neighbour answers. */
	ck_assert_ptr_eq(bus_topo_lookup(tr.t, 1, 0, 0), tr.fn[EP2]);
	ck_assert(bus_topo_fn_result(tr.fn[EP2])->found);
	ck_assert_uint_eq(crd(tr.t, 1, 1, 0, PCI_CFG_DEVICE_ID, 2), 0x13);
	ck_assert_int_eq(bus_topo_remove_function(tr.t, 1, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_remove_function(tr.t, 0, 9, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_remove_function(NULL, 0, 0, 0), SIM_ERR_INVALID);
	ck_assert(!bus_topo_fn_present(NULL));
	bus_topo_destroy(tr.t);
}
END_TEST

START_TEST(test_remove_slot_takes_bridge_subtree)
{
	build_tree();
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert_uint_eq(bus_topo_fn_count(tr.t), NFN);
	/* rp2 (0:3) with sw (bus 2) and ep4 (bus 3) below it. */
	ck_assert_int_eq(bus_topo_remove_slot(tr.t, 0, 3), SIM_OK);
	ck_assert(!bus_topo_fn_present(tr.fn[RP2]));
	ck_assert(!bus_topo_fn_present(tr.fn[SW]));
	ck_assert(!bus_topo_fn_present(tr.fn[EP4]));
	ck_assert(bus_topo_fn_present(tr.fn[RP1]));
	ck_assert_uint_eq(crd(tr.t, 0, 3, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(tr.t, 2, 0, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert_uint_eq(crd(tr.t, 3, 0, 0, PCI_CFG_VENDOR_ID, 4), 0xffffffffu);
	ck_assert_int_eq(bus_topo_remove_function(tr.t, 3, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_remove_slot(tr.t, 0, 3), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_remove_slot(tr.t, 0, 9), SIM_ERR_INVALID);
	ck_assert_uint_eq(crd(tr.t, 0, 2, 0, PCI_CFG_DEVICE_ID, 2), 0x20);
	/* A new enumeration does not find what was removed. */
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert_uint_eq(bus_topo_fn_count(tr.t), NFN - 3);
	for (unsigned i = 0; i < bus_topo_fn_count(tr.t); i++)
		ck_assert(bus_topo_fn_present(bus_topo_fn_at(tr.t, i)));
	bus_topo_destroy(tr.t);
}
END_TEST

/* ---- swizzle ---- */

START_TEST(test_swizzle_two_bridges)
{
	static struct pci_cfg a, bb, ep[4], ep0;
	struct bus_topo *t;
	struct bus_topo_fn *fa, *fb, *fe[4], *f0;
	unsigned rd;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	bridge(&a, 1, PCI_EXP_TYPE_ROOT_PORT, 0, 0);
	bridge(&bb, 2, PCI_EXP_TYPE_DOWNSTREAM, 0, 0);
	/* bridge A at device 2 of bus 0, bridge B at device 3 below A */
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 2, 0, &a, "A", &fa), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fa), 3, 0, &bb, "B", &fb), SIM_OK);
	/* below B: device 5, functions 0..3 with pins INTA#..INTD# */
	for (unsigned i = 0; i < 4; i++) {
		endpoint(&ep[i], (uint16_t)(0x40 + i), (uint8_t)(i + 1), 0);
		ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fb), 5, i, &ep[i], "e",
						 &fe[i]), SIM_OK);
	}
	/* By hand, pin' = ((D + pin - 1) mod 4) + 1 (Bridge 1.2 §9.1):
	 *   INTA(1) at dev 5: at B ((5+1-1)%4)+1 = 2; at A (dev 3) ((3+2-1)%4)+1 = 1
	 *   INTB(2): at B ((5+2-1)%4)+1 = 3; at A ((3+3-1)%4)+1 = 2
	 *   INTC(3): at B ((5+3-1)%4)+1 = 4; at A ((3+4-1)%4)+1 = 3
	 *   INTD(4): at B ((5+4-1)%4)+1 = 1; at A ((3+1-1)%4)+1 = 4 */
	static const unsigned want[4] = { 1, 2, 3, 4 };

	for (unsigned i = 0; i < 4; i++) {
		rd = 99;
		ck_assert_uint_eq(bus_topo_root_pin(fe[i], &rd), want[i]);
		ck_assert_uint_eq(rd, 2);
	}
	/* device 0 below B: at B identity; at A (dev 3): INTA -> ((3+1-1)%4)+1 = 4 */
	endpoint(&ep0, 0x50, 1, 0);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fb), 0, 0, &ep0, "z", &f0), SIM_OK);
	ck_assert_uint_eq(bus_topo_root_pin(f0, NULL), 4);
	/* the bridges' own pins: B (INTA at dev 3 below A) -> 4; A on bus 0 -> 1 */
	ck_assert_uint_eq(bus_topo_root_pin(fb, &rd), 4);
	ck_assert_uint_eq(rd, 2);
	ck_assert_uint_eq(bus_topo_root_pin(fa, &rd), 1);
	ck_assert_uint_eq(rd, 2);
	bus_topo_destroy(t);
}
END_TEST

START_TEST(test_swizzle_no_pin)
{
	static struct pci_cfg a, e;
	struct bus_topo *t;
	struct bus_topo_fn *fa, *fe;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	bridge(&a, 1, PCI_EXP_TYPE_ROOT_PORT, 0, 0);
	endpoint(&e, 2, 0, 0);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 7, 0, &a, "A", &fa), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fa), 6, 0, &e, "e", &fe), SIM_OK);
	ck_assert_uint_eq(bus_topo_root_pin(fe, NULL), 0);
	bus_topo_destroy(t);
}
END_TEST

/* ---- enumeration ---- */

static bool in_window(const struct bus_topo_resource *r)
{
	const struct bus_topo_window *w = r->window == PCI_WINDOW_IO ? &plat.io :
					  r->window == PCI_WINDOW_MEM ? &plat.mem32 : &plat.pref64;

	return r->base >= w->base && r->base + r->size_bytes <= w->base + w->size_bytes;
}

/* Is function @i below bridge @br (at any depth)? */
static bool below(unsigned i, unsigned br)
{
	static const int parent[NFN] = { -1, -1, -1, -1, RP1, RP1, RP2, SW };

	for (int p = parent[i]; p >= 0; p = parent[p])
		if ((unsigned)p == br)
			return true;
	return false;
}

START_TEST(test_enumerate_tree)
{
	static const unsigned bars[NFN] = { 3, 2, 0, 0, 2, 2, 1, 3 };
	static const unsigned want_mps[NFN] = { 1024, 0, 512, 256, 512, 128, 256, 256 };
	static const unsigned want_bus[NFN] = { 0, 0, 0, 0, 1, 1, 2, 3 };
	const struct bus_topo_result *r[NFN];

	build_tree();
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert_str_eq(bus_topo_last_error(tr.t), "");
	ck_assert_uint_eq(bus_topo_fn_count(tr.t), NFN);
	/* depth-first scan order */
	static const unsigned order[NFN] = { EP0, EP1, RP1, RP2, EP2, EP3, SW, EP4 };
	for (unsigned i = 0; i < NFN; i++)
		ck_assert_ptr_eq(bus_topo_fn_at(tr.t, i), tr.fn[order[i]]);
	ck_assert_ptr_null(bus_topo_fn_at(tr.t, NFN));

	for (unsigned i = 0; i < NFN; i++) {
		r[i] = bus_topo_fn_result(tr.fn[i]);
		ck_assert(r[i]->found);
		ck_assert_str_eq(r[i]->name, tree_names[i]);
		ck_assert_uint_eq(r[i]->bus, want_bus[i]);
		ck_assert_uint_eq(r[i]->n_res, bars[i]);
		ck_assert_uint_eq(r[i]->mps_bytes, want_mps[i]);
		ck_assert_uint_eq(pci_cap_express_mps_bytes(&tr.cfg[i]),
				  want_mps[i] ? want_mps[i] : 128);
		ck_assert_uint_eq(r[i]->mrrs_bytes, want_mps[i] ? 1024 : 0);
		if (want_mps[i])
			ck_assert_uint_eq(pci_cap_express_mrrs_bytes(&tr.cfg[i]), 1024);
		ck_assert_uint_eq(pci_cfg_get_u16(&tr.cfg[i], PCI_CFG_COMMAND) & PCI_CMD_MASTER,
				  PCI_CMD_MASTER);
	}
	ck_assert_uint_eq(r[EP0]->device, 0);
	ck_assert_uint_eq(r[EP3]->device, 1);

	/* bus numbers, in the results and in the registers */
	ck_assert_uint_eq(r[RP1]->primary, 0);
	ck_assert_uint_eq(r[RP1]->secondary, 1);
	ck_assert_uint_eq(r[RP1]->subordinate, 1);
	ck_assert_uint_eq(r[RP2]->primary, 0);
	ck_assert_uint_eq(r[RP2]->secondary, 2);
	ck_assert_uint_eq(r[RP2]->subordinate, 3);
	ck_assert_uint_eq(r[SW]->primary, 2);
	ck_assert_uint_eq(r[SW]->secondary, 3);
	ck_assert_uint_eq(r[SW]->subordinate, 3);
	ck_assert_uint_eq(crd(tr.t, 0, 3, 0, PCI_CFG_PRIMARY_BUS, 4) & 0xffffff, 0x030200);
	ck_assert_uint_eq(crd(tr.t, 2, 0, 0, PCI_CFG_PRIMARY_BUS, 4) & 0xffffff, 0x030302);
	ck_assert_uint_eq(crd(tr.t, 0, 2, 0, PCI_CFG_PRIMARY_BUS, 4) & 0xffffff, 0x010100);

	/* swizzled pins in the results (Bridge 1.2 §9.1): ep3 (dev 1,
	 * INTC) behind rp1 (dev 2): ((1 + 3 - 1) % 4) + 1 = 4, entering bus
	 * 0 at device 2. ep4 (dev 0, INTD) behind sw (dev 0): ((0 + 4 - 1)
	 * % 4) + 1 = 4; behind rp2 the device is sw's, 0: 4 again, entering
	 * bus 0 at device 3. ep1 sits on bus 0: its own pin, INTB. */
	ck_assert_uint_eq(r[EP3]->root_pin, 4);
	ck_assert_uint_eq(r[EP3]->root_device, 2);
	ck_assert_uint_eq(r[EP4]->root_pin, 4);
	ck_assert_uint_eq(r[EP4]->root_device, 3);
	ck_assert_uint_eq(r[EP1]->root_pin, 2);
	ck_assert_uint_eq(r[EP1]->root_device, 1);

	/* BARs: naturally aligned, in their windows, programmed, disjoint */
	for (unsigned i = 0; i < NFN; i++)
		for (unsigned k = 0; k < r[i]->n_res; k++) {
			const struct bus_topo_resource *a = &r[i]->res[k];
			struct pci_cfg_bar_info info;

			ck_assert_uint_eq(a->base % a->size_bytes, 0);
			ck_assert(in_window(a));
			ck_assert_int_eq(pci_cfg_bar_info(&tr.cfg[i], a->bar, &info), SIM_OK);
			ck_assert_uint_eq(info.address, a->base);
			ck_assert_uint_eq(info.size_bytes, a->size_bytes);
			ck_assert_int_eq(info.kind, a->kind);
			ck_assert_int_eq(info.prefetchable, a->prefetchable);
			ck_assert(info.decoding);
			/* 64-bit prefetchable BARs go to the 64-bit window */
			ck_assert_int_eq(a->window == PCI_WINDOW_PREF,
					 a->kind == PCI_BAR_MEM64 && a->prefetchable);
			for (unsigned j = 0; j < NFN; j++)
				for (unsigned m = 0; m < r[j]->n_res; m++) {
					const struct bus_topo_resource *b = &r[j]->res[m];

					if ((i == j && k == m) || a->window != b->window)
						continue;
					ck_assert(a->base + a->size_bytes <= b->base ||
						  b->base + b->size_bytes <= a->base);
				}
		}
	ck_assert_uint_eq(r[EP4]->res[1].size_bytes, 64 * MIB);
	ck_assert_uint_eq(r[EP4]->res[0].kind, PCI_BAR_MEM64);
	ck_assert_uint_eq(r[EP4]->res[0].window, PCI_WINDOW_MEM);
	ck_assert_uint_eq(r[EP0]->res[2].size_bytes, 256);

	/* Bridge windows: exactly the 1 MiB (4 KiB for I/O) hull of all
	 * resources below, read back from the registers; closed when none. */
	static const unsigned brs[3] = { RP1, RP2, SW };
	for (unsigned bi = 0; bi < 3; bi++) {
		unsigned br = brs[bi];

		for (unsigned w = 0; w < 3; w++) {
			uint64_t gran = w == PCI_WINDOW_IO ? 4 * KIB : MIB;
			uint64_t lo = UINT64_MAX, hi = 0, base, limit;
			int open;

			for (unsigned i = 0; i < NFN; i++) {
				if (!below(i, br))
					continue;
				for (unsigned k = 0; k < r[i]->n_res; k++) {
					const struct bus_topo_resource *a = &r[i]->res[k];

					if (a->window != w)
						continue;
					if (a->base < lo)
						lo = a->base;
					if (a->base + a->size_bytes > hi)
						hi = a->base + a->size_bytes;
				}
			}
			open = pci_cfg_bridge_window(&tr.cfg[br], (enum pci_bridge_window)w, &base,
						     &limit);
			ck_assert_int_eq(open, lo != UINT64_MAX);
			ck_assert_int_eq(r[br]->windows[w].open, lo != UINT64_MAX);
			if (lo == UINT64_MAX)
				continue;
			ck_assert_uint_eq(base, lo & ~(gran - 1));
			ck_assert_uint_eq(limit, ((hi + gran - 1) & ~(gran - 1)) - 1);
			ck_assert_uint_eq(r[br]->windows[w].base, base);
			ck_assert_uint_eq(r[br]->windows[w].limit, limit);
		}
		/* and memory/I/O decoding is on for the bridges */
		ck_assert_uint_eq(pci_cfg_get_u16(&tr.cfg[br], PCI_CFG_COMMAND) &
				  (PCI_CMD_MEMORY | PCI_CMD_IO), PCI_CMD_MEMORY | PCI_CMD_IO);
	}
	/* rp1 has I/O below it (ep3), so its I/O window is open; nothing
	 * below rp1 is 32-bit-only prefetchable, ep2's 2 MiB is in PREF */
	ck_assert(r[RP1]->windows[PCI_WINDOW_IO].open);
	ck_assert(r[RP1]->windows[PCI_WINDOW_PREF].open);
	ck_assert_uint_ge(r[RP1]->windows[PCI_WINDOW_PREF].base, plat.pref64.base);
	bus_topo_destroy(tr.t);
}
END_TEST

START_TEST(test_enumerate_closes_unused_windows)
{
	static struct pci_cfg br, ep;
	struct bus_topo *t;
	struct bus_topo_fn *fb, *fe;
	uint64_t b, l;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	bridge(&br, 1, PCI_EXP_TYPE_ROOT_PORT, 256, ALL_WINDOWS);
	endpoint(&ep, 2, 1, 256);
	ck_assert_int_eq(pci_cfg_add_bar(&ep, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 0, 0, &br, "rp", &fb), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fb), 0, 0, &ep, "ep", &fe),
			 SIM_OK);
	/* firmware left junk windows open */
	ck_assert_int_eq(pci_cfg_write(&br, PCI_CFG_IO_BASE, 1, 0x10), SIM_OK);
	ck_assert_int_eq(pci_cfg_write(&br, PCI_CFG_IO_LIMIT, 1, 0x20), SIM_OK);
	ck_assert_int_eq(pci_cfg_write(&br, PCI_CFG_PREF_BASE, 2, 0x10), SIM_OK);
	ck_assert_int_eq(pci_cfg_write(&br, PCI_CFG_PREF_LIMIT, 2, 0x20), SIM_OK);
	ck_assert_int_eq(bus_topo_enumerate(t, &plat), SIM_OK);
	ck_assert_int_eq(pci_cfg_bridge_window(&br, PCI_WINDOW_IO, &b, &l), 0);
	ck_assert_int_eq(pci_cfg_bridge_window(&br, PCI_WINDOW_PREF, &b, &l), 0);
	ck_assert_int_eq(pci_cfg_bridge_window(&br, PCI_WINDOW_MEM, &b, &l), 1);
	ck_assert_uint_eq(b, plat.mem32.base);
	ck_assert_uint_eq(l, plat.mem32.base + MIB - 1);
	ck_assert_uint_eq(bus_topo_fn_result(fe)->res[0].base, plat.mem32.base);
	bus_topo_destroy(t);
}
END_TEST

START_TEST(test_enumerate_idempotent)
{
	static uint8_t snap[NFN][PCI_CFG_EXP_SPACE_SIZE];
	static struct bus_topo_result first[NFN];

	build_tree();
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	for (unsigned i = 0; i < NFN; i++) {
		memcpy(snap[i], tr.cfg[i].val, sizeof(snap[i]));
		/* memcpy, not assignment: padding is compared too */
		memcpy(&first[i], bus_topo_fn_result(tr.fn[i]), sizeof(first[i]));
	}
	/* software plays with the devices in between */
	cwr(tr.t, 0, 0, 0, PCI_CFG_BAR0, 4, 0xffffffffu);
	cwr(tr.t, 0, 3, 0, PCI_CFG_SECONDARY_BUS, 1, 9);
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	for (unsigned i = 0; i < NFN; i++) {
		ck_assert_mem_eq(tr.cfg[i].val, snap[i], sizeof(snap[i]));
		ck_assert_mem_eq(bus_topo_fn_result(tr.fn[i]), &first[i], sizeof(first[i]));
	}
	bus_topo_destroy(tr.t);
}
END_TEST

START_TEST(test_out_of_space_names_function)
{
	static uint8_t snap[NFN][PCI_CFG_EXP_SPACE_SIZE];
	struct bus_topo_platform small = plat;

	build_tree();
	/* 64 MiB of prefetchable space cannot hold ep4's 64 MiB plus ep0's
	 * 16 MiB and ep2's 2 MiB; ep4's window sorts first (largest
	 * alignment), so ep0 is the BAR that crosses the end. */
	small.pref64.size_bytes = 64 * MIB;
	/* bus numbers programmed by an earlier boot must come back too */
	ck_assert_int_eq(pci_cfg_write(&tr.cfg[RP1], PCI_CFG_SECONDARY_BUS, 1, 7), SIM_OK);
	for (unsigned i = 0; i < NFN; i++)
		memcpy(snap[i], tr.cfg[i].val, sizeof(snap[i]));
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &small), SIM_ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(bus_topo_last_error(tr.t), "00:00.0 (ep0)"));
	ck_assert_ptr_nonnull(strstr(bus_topo_last_error(tr.t), "prefetchable"));
	for (unsigned i = 0; i < NFN; i++) {
		ck_assert_mem_eq(tr.cfg[i].val, snap[i], sizeof(snap[i]));
		ck_assert(!bus_topo_fn_result(tr.fn[i])->found);
	}
	ck_assert_uint_eq(bus_topo_fn_count(tr.t), 0);

	/* a BAR too large for the 32-bit window, deep in the tree */
	small = plat;
	small.mem32.size_bytes = 2 * MIB;
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &small), SIM_ERR_LIMIT);
	/* Layout of bus 0, largest alignment first: ep1 (1 MiB), rp1's
	 * window (1 MiB), rp2's (2 MiB: sw's 1 MiB window and sw's own
	 * BAR), ep0. rp2's window starts at the end of the 2 MiB window and
	 * its first BAR is ep4's, behind sw. */
	ck_assert_ptr_nonnull(strstr(bus_topo_last_error(tr.t), "03:00.0 (ep4)"));
	for (unsigned i = 0; i < NFN; i++)
		ck_assert_mem_eq(tr.cfg[i].val, snap[i], sizeof(snap[i]));

	/* afterwards the good platform still works, and clears the message */
	ck_assert_int_eq(bus_topo_enumerate(tr.t, &plat), SIM_OK);
	ck_assert_str_eq(bus_topo_last_error(tr.t), "");
	bus_topo_destroy(tr.t);
}
END_TEST

START_TEST(test_io_behind_bridge_without_io_window)
{
	static struct pci_cfg br, ep;
	struct bus_topo *t;
	struct bus_topo_fn *fb;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	bridge(&br, 1, PCI_EXP_TYPE_ROOT_PORT, 0, 0); /* memory window only */
	endpoint(&ep, 2, 1, 0);
	ck_assert_int_eq(pci_cfg_add_bar(&ep, 3, PCI_BAR_IO, 8, false), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_root_bus(t), 4, 0, &br, "rp", &fb), SIM_OK);
	ck_assert_int_eq(bus_topo_attach(t, bus_topo_secondary(fb), 0, 0, &ep, "uart", NULL),
			 SIM_OK);
	ck_assert_int_eq(bus_topo_enumerate(t, &plat), SIM_ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(bus_topo_last_error(t), "01:00.0 (uart): BAR 3"));
	ck_assert_uint_eq(pci_cfg_get_u8(&br, PCI_CFG_SECONDARY_BUS), 0);
	bus_topo_destroy(t);
}
END_TEST

START_TEST(test_enumerate_refuses_bad_platform)
{
	struct bus_topo *t;
	struct bus_topo_platform p = plat;

	ck_assert_int_eq(bus_topo_create(&t), SIM_OK);
	p.mps_cap_bytes = 100;
	ck_assert_int_eq(bus_topo_enumerate(t, &p), SIM_ERR_INVALID);
	p = plat;
	p.mrrs_bytes = 8192;
	ck_assert_int_eq(bus_topo_enumerate(t, &p), SIM_ERR_INVALID);
	p = plat;
	p.mem32.base = 0xfff00000u;
	ck_assert_int_eq(bus_topo_enumerate(t, &p), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_enumerate(NULL, &plat), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_enumerate(t, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_topo_enumerate(t, &plat), SIM_OK); /* empty bus 0 */
	ck_assert_uint_eq(bus_topo_fn_count(t), 0);
	bus_topo_destroy(t);
}
END_TEST

static Suite *topo_suite(void)
{
	Suite *s = suite_create("bus:topo");
	TCase *t;

	t = tcase_create("access");
	tcase_add_test(t, test_absent_reads_all_ones);
	tcase_add_test(t, test_multifunction_bit);
	tcase_add_test(t, test_routing_by_hand);
	tcase_add_test(t, test_routing_after_enumeration);
	tcase_add_test(t, test_ecam_agrees_with_direct);
	suite_add_tcase(s, t);

	t = tcase_create("remove");
	tcase_add_test(t, test_remove_function_reads_all_ones);
	tcase_add_test(t, test_remove_slot_takes_bridge_subtree);
	suite_add_tcase(s, t);

	t = tcase_create("swizzle");
	tcase_add_test(t, test_swizzle_two_bridges);
	tcase_add_test(t, test_swizzle_no_pin);
	suite_add_tcase(s, t);

	t = tcase_create("enumerate");
	tcase_add_test(t, test_enumerate_tree);
	tcase_add_test(t, test_enumerate_closes_unused_windows);
	tcase_add_test(t, test_enumerate_idempotent);
	tcase_add_test(t, test_out_of_space_names_function);
	tcase_add_test(t, test_io_behind_bridge_without_io_window);
	tcase_add_test(t, test_enumerate_refuses_bad_platform);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(topo_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
