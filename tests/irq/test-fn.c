/*
 * tests/irq/test-fn.c - Check tests of a function's interrupt logic
 * (irq/fn.h) on a controller with its MSI window in a decoder and a PCIe
 * link direction toward the root: Assert_INTx/Deassert_INTx messages and
 * their timing; Interrupt Disable and Status.Interrupt Status; MSI and
 * MSI-X Enable turning INTx off; MSI with MME = MMC and MME < MMC
 * (including 1), data aliasing; per-vector masking and pending, with and
 * without the capability; no message while Bus Master Enable is 0 and
 * what happens when it returns; MSI-X Function Mask, entry masks and PBA;
 * messages queued FIFO behind earlier posted writes; bad programming
 * reported (message beyond the allocation, address outside the window,
 * INTx without a pin); the configuration hooks given back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "bus/config.h"
#include "bus/decode.h"
#include "bus/link.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "irq/msix.h"
#include "sim/kernel.h"

#include "irq-test.h"

#define RID 0x0100u     /* 01:00.0 */
#define INPUT 16u
#define INTX_VEC 0x41u
#define CARRIES (BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC)
#define MSI_ADDR 0xfee00000u

struct fx {
	struct sim_kernel k;
	struct reports rep;
	struct irq_ctrl c;
	struct rec rec;
	struct bus_decode d;
	struct bus_link_cfg lc;
	struct bus_link_dir up;
	struct pci_cfg cfg;
	uint32_t msi;          /* MSI capability offset, 0 if none */
	bool addr64;
	uint32_t msix;         /* MSI-X capability offset, 0 if none */
	struct irq_msix x;
	struct irq_fn fn;
};

static struct fx F;

/* A function with INTx pin @pin, an MSI capability of @vectors (0: none)
 * and an MSI-X table of @entries (0: none). */
static void fx_up(unsigned pin, unsigned vectors, bool addr64, bool maskbit, unsigned entries)
{
	struct fx *f = &F;
	struct irq_fn_config fc = { 0 };

	memset(f, 0, sizeof(*f));
	kernel_up(&f->k, &f->rep);
	ck_assert_int_eq(irq_ctrl_init(&f->c, &f->k, NULL), SIM_OK);
	rec_init(&f->rec);
	ck_assert_int_eq(irq_ctrl_set_sink(&f->c, 0, &rec_ops, &f->rec), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(&f->c, INPUT, IRQ_TRIGGER_LEVEL, INTX_VEC, 0), SIM_OK);
	ck_assert_int_eq(bus_decode_init(&f->d), SIM_OK);
	ck_assert_int_eq(irq_ctrl_map(&f->c, &f->d, 1), SIM_OK);
	bus_link_cfg_default(&f->lc);
	ck_assert_int_eq(bus_link_dir_init(&f->up, &f->lc, CARRIES), SIM_OK);
	ck_assert_int_eq(pci_cfg_init_type0(&f->cfg, 0x1b36, 0x10, 0xff0000, 1, 0x1b36, 0x10, pin),
			 SIM_OK);
	f->addr64 = addr64;
	if (vectors)
		ck_assert_int_eq(pci_cap_add_msi(&f->cfg, vectors, addr64, maskbit, 0, &f->msi),
				 SIM_OK);
	if (entries) {
		struct pci_cap_msix_layout l = {
			.table_size = entries, .table_bir = 0, .table_offset = 0,
			.pba_bir = 0, .pba_offset = 0x2000,
		};

		ck_assert_int_eq(pci_cfg_add_bar(&f->cfg, 0, PCI_BAR_MEM32, 16384, false), SIM_OK);
		ck_assert_int_eq(pci_cap_add_msix(&f->cfg, &l, 0, &f->msix), SIM_OK);
		ck_assert_int_eq(irq_msix_init(&f->x, entries), SIM_OK);
	}
	fc.name = "ep";
	fc.cfg = &f->cfg;
	fc.requester_id = RID;
	fc.ctrl = &f->c;
	fc.input = INPUT;
	fc.up = &f->up;
	fc.link = &f->lc;
	ck_assert_int_eq(irq_fn_init(&f->fn, &f->k, &fc), SIM_OK);
	if (entries)
		ck_assert_int_eq(irq_fn_set_msix(&f->fn, &f->x), SIM_OK);
}

static void fx_down(void)
{
	ck_assert_int_eq(irq_fn_destroy(&F.fn), SIM_OK);
	if (F.msix)
		irq_msix_destroy(&F.x);
	irq_ctrl_destroy(&F.c);
	bus_decode_destroy(&F.d);
	sim_kernel_destroy(&F.k);
}

static void cw(uint32_t off, uint32_t len, uint32_t v)
{
	ck_assert_int_eq(pci_cfg_write(&F.cfg, off, len, v), SIM_OK);
}

static uint32_t cr(uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(pci_cfg_read(&F.cfg, off, len, &v), SIM_OK);
	return v;
}

static void cmd_set(uint16_t bits, bool on)
{
	uint32_t v = cr(PCI_CFG_COMMAND, 2);

	cw(PCI_CFG_COMMAND, 2, on ? v | bits : v & ~(uint32_t)bits);
}

static uint32_t msi_data_off(void)
{
	return F.msi + (F.addr64 ? 0x0c : 0x08);
}

static uint32_t msi_mask_off(void)
{
	return F.msi + (F.addr64 ? 0x10 : 0x0c);
}

/* Program MSI as an OS would (PCI 3.0 §6.8.1): address, data, MME, enable. */
static void msi_program(uint64_t addr, uint16_t data, unsigned mme_log2, bool enable)
{
	cw(F.msi + PCI_MSI_ADDRESS_LO, 4, (uint32_t)addr);
	if (F.addr64)
		cw(F.msi + PCI_MSI_ADDRESS_HI, 4, (uint32_t)(addr >> 32));
	cw(msi_data_off(), 2, data);
	cw(F.msi + PCI_MSI_FLAGS, 2, mme_log2 << 4 | (enable ? PCI_MSI_FLAGS_ENABLE : 0));
}

static sim_time_t occ(uint32_t bytes)
{
	sim_time_t ps = 0;

	ck_assert_int_eq(bus_link_tlp_ps(&F.lc, CARRIES, bytes, &ps), SIM_OK);
	return ps;
}

/* An Assert_INTx/Deassert_INTx Msg: 4 DW header, no data, + framing. */
#define INTX_BYTES (BUS_LINK_HDR4_BYTES + BUS_LINK_FRAMING_BYTES)

START_TEST(test_intx_message_timing)
{
	fx_up(1, 0, false, false, 0);
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	/* Status.Interrupt Status reflects the pending condition (PCI 3.0 §6.2.3). */
	ck_assert(cr(PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	ck_assert(irq_fn_intx_wire(&F.fn));
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 1);
	/* The message has not arrived: the input is still low. */
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK); /* no new message */
	ck_assert_uint_eq(F.fn.stats.intx_msgs, 1);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_uint_eq(F.rec.n, 1);
	ck_assert_uint_eq(F.rec.vector[0], INTX_VEC);
	ck_assert_uint_eq(F.rec.d[0].t_ps, occ(INTX_BYTES));
	{
		uint32_t src = 0;

		ck_assert_int_eq(irq_ctrl_input_sources(&F.c, INPUT, &src, 1), 1);
		ck_assert_uint_eq(src, RID);
	}
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, false), SIM_OK);
	ck_assert(!(cr(PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT));
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_uint_eq(sim_now(&F.k), 2 * occ(INTX_BYTES));
	ck_assert_uint_eq(F.fn.stats.intx_msgs, 2);
	ck_assert_uint_eq(F.up.tlps, 2);
	fx_down();
}
END_TEST

/* PCI 3.0 §6.2.2 bit 10 / PCIe 4.0 §2.2.8.1: Interrupt Disable deasserts
 * the virtual wire at once; Interrupt Status is unaffected (§6.2.3). */
START_TEST(test_interrupt_disable)
{
	fx_up(2, 0, false, false, 0);
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	cmd_set(PCI_CMD_INTX_DISABLE, true);
	ck_assert(!irq_fn_intx_wire(&F.fn));
	ck_assert(cr(PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	/* While disabled, the condition changes nothing on the wire. */
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, false), SIM_OK);
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	ck_assert_uint_eq(F.fn.stats.intx_msgs, 2);
	/* Enabling again with the condition pending asserts it again. */
	cmd_set(PCI_CMD_INTX_DISABLE, false);
	ck_assert(irq_fn_intx_wire(&F.fn));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_uint_eq(F.fn.stats.intx_msgs, 3);
	fx_down();
}
END_TEST

/* PCI 3.0 §6.8.1.3 / §6.8.2.3: with MSI or MSI-X enabled the function
 * must not use INTx. */
START_TEST(test_msi_enable_turns_intx_off)
{
	fx_up(1, 1, false, false, 4);
	cmd_set(PCI_CMD_MASTER, true);
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	msi_program(MSI_ADDR, 0x60, 0, true);
	ck_assert(!irq_fn_intx_wire(&F.fn));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	ck_assert(cr(PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	/* MSI off: back to INTx. */
	cw(F.msi + PCI_MSI_FLAGS, 2, 0);
	ck_assert(irq_fn_intx_wire(&F.fn));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	/* MSI-X Enable does the same. */
	cw(F.msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	ck_assert(!irq_fn_intx_wire(&F.fn));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_uint_eq(F.fn.stats.intx_msgs, 4);
	fx_down();
}
END_TEST

/* PCI 3.0 §6.8.1.3 and §6.8.1.6: with MME = MMC every message 0..n-1 is
 * sent as Message Data with its low log2(n) bits replaced by the number. */
START_TEST(test_msi_mme_equals_mmc)
{
	fx_up(0, 4, false, false, 0);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x40, 2, true);
	for (unsigned n = 0; n < 4; n++)
		ck_assert_int_eq(irq_fn_msi_signal(&F.fn, n), SIM_OK);
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 4);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 4);
	for (unsigned n = 0; n < 4; n++) {
		ck_assert_uint_eq(F.rec.vector[n], 0x40 + n);
		ck_assert_uint_eq(F.rec.d[n].requester, RID);
		ck_assert_uint_eq(F.rec.d[n].data, 0x40 + n);
	}
	/* Back to back on the link: each one MWr (3 DW header, 4 bytes data). */
	ck_assert_uint_eq(F.rec.d[3].t_ps, 4 * occ(bus_link_mwr_wire_bytes(&F.lc, 4)));
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 4), SIM_ERR_INVALID);
	ck_assert_uint_eq(F.fn.stats.msi_sent, 4);
	ck_assert_uint_eq(F.fn.stats.bad_vector, 1);
	fx_down();
}
END_TEST

START_TEST(test_msi_mme_below_mmc)
{
	fx_up(0, 8, true, false, 0);
	cmd_set(PCI_CMD_MASTER, true);
	/* 2 of 8 allocated: only bit 0 is replaced; message 2 is a device bug. */
	msi_program(MSI_ADDR, 0x50, 1, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 1), SIM_OK);
	F.rep.warnings = 0;
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 2), SIM_ERR_INVALID);
	ck_assert_uint_eq(F.rep.warnings, 1);
	ck_assert_ptr_nonnull(strstr(F.rep.last, "device bug"));
	ck_assert_ptr_nonnull(strstr(F.rep.last, "2 allocated"));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 1);
	ck_assert_uint_eq(F.rec.vector[0], 0x51);
	/* One message (MME 0): the data goes out unchanged, only n = 0. */
	msi_program(MSI_ADDR, 0x53, 0, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.rec.vector[1], 0x53);
	ck_assert_uint_eq(F.fn.stats.bad_vector, 2);
	fx_down();
}
END_TEST

/* §6.8.1.6: the function modifies the low bits of Message Data whatever
 * software left there, so a base with those bits set aliases. */
START_TEST(test_msi_data_aliasing)
{
	fx_up(0, 4, false, false, 0);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x47, 2, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 1), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 3), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 3);
	ck_assert_uint_eq(F.rec.vector[0], 0x44);
	ck_assert_uint_eq(F.rec.vector[1], 0x45);
	ck_assert_uint_eq(F.rec.vector[2], 0x47);
	/* An MME above MMC is software's error (§6.8.1.3): no more than MMC
	 * messages exist, so message 4 is still refused. */
	msi_program(MSI_ADDR, 0x40, 5, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 3), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 4), SIM_ERR_INVALID);
	/* ...and that programming is reported, once. */
	ck_assert_uint_eq(F.fn.stats.bad_programming, 1);
	fx_down();
}
END_TEST

/* §6.8.1.7-8: a masked vector sets its Pending bit instead of sending;
 * clearing the Mask bit sends it and clears Pending. */
START_TEST(test_msi_mask_and_pending)
{
	fx_up(0, 4, true, true, 0);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x60, 2, true);
	cw(msi_mask_off(), 4, 0x4);            /* mask vector 2 */
	ck_assert_uint_eq(cr(msi_mask_off(), 4), 0x4);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 2), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 2), SIM_OK); /* merges */
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 1), SIM_OK);
	ck_assert_uint_eq(cr(msi_mask_off() + 4, 4), 0x4);  /* Pending bit 2 */
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 1);
	ck_assert_uint_eq(F.rec.vector[0], 0x61);
	ck_assert_uint_eq(F.fn.stats.masked, 2);
	/* Pending bits are read-only to software. */
	cw(msi_mask_off() + 4, 4, 0);
	ck_assert_uint_eq(cr(msi_mask_off() + 4, 4), 0x4);
	cw(msi_mask_off(), 4, 0);              /* unmask: sent once */
	ck_assert_uint_eq(cr(msi_mask_off() + 4, 4), 0);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.rec.vector[1], 0x62);
	ck_assert_uint_eq(F.fn.stats.msi_sent, 2);
	fx_down();
}
END_TEST

START_TEST(test_msi_without_mask_capability)
{
	struct pci_cap_msi_state s;

	fx_up(0, 4, false, false, 0);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x60, 2, true);
	/* No Mask or Pending registers: the capability ends at Message Data. */
	ck_assert_int_eq(pci_cap_msi_set_pending(&F.cfg, 0, true), SIM_ERR_INVALID);
	cw(msi_mask_off(), 4, 0xf);
	ck_assert_int_eq(pci_cap_msi_get(&F.cfg, &s), SIM_OK);
	ck_assert_uint_eq(s.mask, 0);
	for (unsigned n = 0; n < 4; n++)
		ck_assert_int_eq(irq_fn_msi_signal(&F.fn, n), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 4);
	ck_assert_uint_eq(F.fn.stats.masked, 0);
	fx_down();
}
END_TEST

/* PCIe 4.0 §7.5.1.1.3: with Bus Master Enable 0 a function issues no
 * memory request, so no MSI/MSI-X; here the message is held and sent when
 * Bus Master Enable returns. */
START_TEST(test_no_message_without_bus_master)
{
	fx_up(0, 2, false, true, 0);
	msi_program(MSI_ADDR, 0x70, 1, true);
	ck_assert(!(cr(PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER));
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 1), SIM_OK);
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 0);
	ck_assert_int_eq(sim_run_until(&F.k, SIM_US(1)), SIM_STOP_TIME);
	ck_assert_uint_eq(F.rec.n, 0);
	ck_assert_uint_eq(F.up.tlps, 0);
	ck_assert_uint_eq(F.fn.stats.held, 3);
	/* Held messages of one vector merge; vector 1 gets masked meanwhile
	 * and becomes Pending instead. */
	cw(msi_mask_off(), 4, 0x2);
	cmd_set(PCI_CMD_MASTER, true);
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 1);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 1);
	ck_assert_uint_eq(F.rec.vector[0], 0x70);
	ck_assert_uint_eq(F.rec.d[0].t_ps, SIM_US(1) + occ(bus_link_mwr_wire_bytes(&F.lc, 4)));
	ck_assert_uint_eq(cr(msi_mask_off() + 4, 4), 0x2);
	cw(msi_mask_off(), 4, 0);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.rec.vector[1], 0x71);
	/* Held, then MSI disabled: dropped. */
	cmd_set(PCI_CMD_MASTER, false);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	cw(F.msi + PCI_MSI_FLAGS, 2, 1 << 4);
	cmd_set(PCI_CMD_MASTER, true);
	cw(F.msi + PCI_MSI_FLAGS, 2, 1 << 4 | PCI_MSI_FLAGS_ENABLE);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.fn.stats.held_dropped, 1);
	fx_down();
}
END_TEST

struct ram {
	uint32_t last;
	unsigned writes;
};

static enum bus_decode_status ram_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0;
	return BUS_DECODE_OK;
}

static enum bus_decode_status ram_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ram *r = opaque;

	(void)off;
	(void)size;
	r->last = (uint32_t)val;
	r->writes++;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops ram_ops = { .read = ram_read, .write = ram_write };

/* An address outside the window is written as the memory write it is
 * (it lands in whatever decodes it) and reported; so is one to nothing. */
START_TEST(test_msi_outside_window_reported)
{
	struct ram ram = { 0 };

	fx_up(0, 1, true, false, 0);
	ck_assert_int_eq(bus_decode_map(&F.d, 0x10000, 0x1000, 0, &ram_ops, &ram, "ram", NULL),
			 SIM_OK);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(0x10040, 0x33, 0, true);
	F.rep.warnings = 0;
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(ram.writes, 1);
	ck_assert_uint_eq(ram.last, 0x33);
	ck_assert_uint_eq(F.rec.n, 0);
	ck_assert_uint_eq(F.fn.stats.outside_window, 1);
	ck_assert_uint_eq(F.rep.warnings, 1);
	ck_assert_ptr_nonnull(strstr(F.rep.last, "outside the interrupt window"));
	ck_assert_ptr_nonnull(strstr(F.rep.last, "ep"));
	/* Above 4 GiB, to nothing: a 4 DW header on the link, a master abort. */
	msi_program(UINT64_C(0x100000000), 0x33, 0, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.fn.stats.outside_window, 2);
	ck_assert_uint_eq(F.fn.stats.write_errors, 1);
	ck_assert_uint_eq(F.rep.warnings, 3);
	{
		struct bus_link_cfg c64 = F.lc;

		c64.addr64 = true;
		ck_assert_uint_eq(F.up.wire_bytes, bus_link_mwr_wire_bytes(&F.lc, 4) +
						   bus_link_mwr_wire_bytes(&c64, 4));
	}
	fx_down();
}
END_TEST

static void msix_entry(unsigned n, uint64_t addr, uint32_t data, bool masked)
{
	irq_msix_table_write(&F.x, n * 16, 8, addr);
	irq_msix_table_write(&F.x, n * 16 + 8, 4, data);
	irq_msix_table_write(&F.x, n * 16 + 12, 4, masked ? 1 : 0);
}

/* PCI 3.0 §6.8.2.3, .9, .10: Function Mask and the entry's Mask Bit keep
 * a message pending in the PBA; it is sent when both are clear. */
START_TEST(test_msix_masks_and_pba)
{
	fx_up(1, 0, false, false, 8);
	cmd_set(PCI_CMD_MASTER, true);
	/* Not enabled yet: refused. */
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 0), SIM_ERR_STATE);
	cw(F.msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	msix_entry(3, MSI_ADDR, 0x93, false);
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 3), SIM_OK);
	ck_assert(irq_msix_pending(&F.x, 3));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 0);
	/* Function Mask off: the pending entry fires, its PBA bit clears. */
	cw(F.msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	ck_assert(!irq_msix_pending(&F.x, 3));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 1);
	ck_assert_uint_eq(F.rec.vector[0], 0x93);
	/* Entry 5 is masked from reset: pending, then fires on unmask. */
	irq_msix_table_write(&F.x, 5 * 16, 4, MSI_ADDR);
	irq_msix_table_write(&F.x, 5 * 16 + 8, 4, 0x95);
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 5), SIM_OK);
	{
		uint64_t pba = 0;

		irq_msix_pba_read(&F.x, 0, 8, &pba);
		ck_assert_uint_eq(pba, 1u << 5);
	}
	irq_msix_table_write(&F.x, 5 * 16 + 12, 4, 0);
	ck_assert(!irq_msix_pending(&F.x, 5));
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.rec.vector[1], 0x95);
	ck_assert_uint_eq(F.fn.stats.msix_sent, 2);
	ck_assert_uint_eq(F.fn.stats.masked, 2);
	/* Unmasking with nothing pending sends nothing. */
	irq_msix_table_write(&F.x, 5 * 16 + 12, 4, 1);
	irq_msix_table_write(&F.x, 5 * 16 + 12, 4, 0);
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 0);
	/* Beyond the table: a device bug, reported. */
	F.rep.warnings = 0;
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 8), SIM_ERR_INVALID);
	ck_assert_uint_eq(F.rep.warnings, 1);
	ck_assert_ptr_nonnull(strstr(F.rep.last, "MSI-X entry 8"));
	/* Bus Master off: held, then sent when it comes back. */
	cmd_set(PCI_CMD_MASTER, false);
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 3), SIM_OK);
	ck_assert_uint_eq(irq_fn_in_flight(&F.fn), 0);
	cmd_set(PCI_CMD_MASTER, true);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 3);
	/* A table of the wrong size is refused. */
	{
		struct irq_msix y;

		ck_assert_int_eq(irq_msix_init(&y, 4), SIM_OK);
		ck_assert_int_eq(irq_fn_set_msix(&F.fn, &y), SIM_ERR_INVALID);
		irq_msix_destroy(&y);
	}
	fx_down();
}
END_TEST

/* Messages are posted TLPs on the function's upstream direction: FIFO
 * behind the posted writes sent before them (PCIe 4.0 §2.4.1, posted
 * requests do not pass posted requests), so they arrive after the data. */
START_TEST(test_messages_queue_behind_posted_writes)
{
	sim_time_t dma_done = 0, t;
	uint32_t mwr = 0;

	fx_up(1, 1, false, false, 0);
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x58, 0, false);
	/* 4 KiB of DMA write data first: 16 MWr of 256 bytes at time 0. */
	for (unsigned i = 0; i < 16; i++) {
		mwr = bus_link_mwr_wire_bytes(&F.lc, 256);
		ck_assert_int_eq(bus_link_dir_send(&F.up, 0, mwr, &dma_done), SIM_OK);
	}
	ck_assert_uint_eq(dma_done, 16 * occ(mwr));
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 1);
	t = F.rec.d[0].t_ps;
	ck_assert_uint_eq(t, dma_done + occ(INTX_BYTES));
	/* The same for an MSI signalled while the link is busy again. */
	for (unsigned i = 0; i < 16; i++)
		ck_assert_int_eq(bus_link_dir_send(&F.up, sim_now(&F.k), mwr, &dma_done), SIM_OK);
	cw(F.msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	/* Enabling MSI sent a Deassert_INTx first, then comes the MSI. */
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.rec.n, 2);
	ck_assert_uint_eq(F.rec.vector[1], 0x58);
	ck_assert_uint_eq(F.rec.d[1].t_ps,
			  dma_done + occ(INTX_BYTES) + occ(bus_link_mwr_wire_bytes(&F.lc, 4)));
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	fx_down();
}
END_TEST

START_TEST(test_bad_programming_reported)
{
	fx_up(0, 1, false, false, 0);
	/* No Interrupt Pin: a model asserting INTx is buggy. */
	F.rep.warnings = 0;
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_ERR_STATE);
	ck_assert_uint_eq(F.rep.warnings, 1);
	ck_assert_ptr_nonnull(strstr(F.rep.last, "Interrupt Pin"));
	/* MSI not enabled: refused, counted (the model should fall back). */
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_ERR_STATE);
	ck_assert_int_eq(irq_fn_msix_signal(&F.fn, 0), SIM_ERR_STATE);
	ck_assert_uint_eq(F.fn.stats.not_enabled, 2);
	/* A vector below 16 is refused by the controller, and reported. */
	cmd_set(PCI_CMD_MASTER, true);
	msi_program(MSI_ADDR, 0x05, 0, true);
	ck_assert_int_eq(irq_fn_msi_signal(&F.fn, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(F.c.stats.msi_refused, 1);
	ck_assert_ptr_nonnull(strstr(F.rep.last, "reserved vector"));
	ck_assert_uint_eq(F.rec.n, 0);
	/* A bad configuration is refused. */
	{
		struct irq_fn g;
		struct irq_fn_config fc = { .cfg = &F.cfg, .ctrl = &F.c, .up = &F.up };

		ck_assert_int_eq(irq_fn_init(&g, &F.k, &fc), SIM_ERR_INVALID); /* up, no link */
		fc.up = NULL;
		fc.ctrl = NULL;
		ck_assert_int_eq(irq_fn_init(&g, &F.k, &fc), SIM_ERR_INVALID);
	}
	fx_down();
}
END_TEST

/* A pin that routes nowhere: the messages still cross the link, and are
 * dropped (counted) at the root. */
START_TEST(test_unrouted_pin)
{
	struct irq_fn g;
	struct irq_fn_config fc = { 0 };

	fx_up(1, 0, false, false, 0);
	ck_assert_int_eq(irq_fn_destroy(&F.fn), SIM_OK);
	fc.cfg = &F.cfg;
	fc.ctrl = &F.c;
	fc.input = IRQ_FN_NO_INPUT;
	fc.requester_id = RID;
	fc.up = &F.up;
	fc.link = &F.lc;
	ck_assert_int_eq(irq_fn_init(&g, &F.k, &fc), SIM_OK);
	ck_assert_uint_eq(irq_fn_input(&g), IRQ_FN_NO_INPUT);
	ck_assert_int_eq(irq_fn_set_intx(&g, true), SIM_OK);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(g.stats.intx_unrouted, 1);
	ck_assert_uint_eq(F.up.tlps, 1);
	ck_assert_uint_eq(F.rec.n, 0);
	ck_assert_int_eq(irq_fn_destroy(&g), SIM_OK);
	ck_assert_int_eq(irq_fn_init(&F.fn, &F.k, &fc), SIM_OK);
	fx_down();
}
END_TEST

static unsigned model_writes;

static void model_write_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			     uint32_t old_val, uint32_t new_val)
{
	(void)opaque;
	(void)c;
	(void)off;
	(void)len;
	(void)old_val;
	(void)new_val;
	model_writes++;
}

static const struct pci_cfg_ops model_ops = { .write_hook = model_write_hook };
static const struct pci_cfg_ops other_ops = { .write_hook = model_write_hook };

START_TEST(test_hooks_chained_and_restored)
{
	struct irq_fn g;
	struct irq_fn_config fc = { 0 };
	void *opaque = NULL;
	int tag;

	fx_up(1, 0, false, false, 0);
	ck_assert_int_eq(irq_fn_destroy(&F.fn), SIM_OK);
	pci_cfg_set_ops(&F.cfg, &model_ops, &tag);
	fc.cfg = &F.cfg;
	fc.ctrl = &F.c;
	fc.input = INPUT;
	fc.requester_id = RID;
	ck_assert_int_eq(irq_fn_init(&F.fn, &F.k, &fc), SIM_OK);
	/* The model still sees every write, and irq/ acts on it. */
	model_writes = 0;
	ck_assert_int_eq(irq_fn_set_intx(&F.fn, true), SIM_OK);
	cmd_set(PCI_CMD_INTX_DISABLE, true);
	ck_assert_uint_eq(model_writes, 1);
	ck_assert(!irq_fn_intx_wire(&F.fn));
	cmd_set(PCI_CMD_INTX_DISABLE, false);
	/* Without a link the message takes effect in the next delta. */
	ck_assert_int_eq(sim_step_delta(&F.k), SIM_STOP_STEP);
	ck_assert_uint_eq(sim_now(&F.k), 0);
	ck_assert(irq_ctrl_input_level(&F.c, INPUT));
	/* Destroying deasserts what it held and gives the ops back. */
	ck_assert_int_eq(irq_fn_destroy(&F.fn), SIM_OK);
	ck_assert(!irq_ctrl_input_level(&F.c, INPUT));
	ck_assert_ptr_eq(pci_cfg_get_ops(&F.cfg, &opaque), &model_ops);
	ck_assert_ptr_eq(opaque, &tag);
	/* Out of order: another layer hooked on top; reported, still unhooked. */
	ck_assert_int_eq(irq_fn_init(&g, &F.k, &fc), SIM_OK);
	pci_cfg_set_ops(&F.cfg, &other_ops, NULL);
	ck_assert_int_eq(irq_fn_destroy(&g), SIM_ERR_STATE);
	ck_assert_ptr_eq(pci_cfg_get_ops(&F.cfg, &opaque), &model_ops);
	ck_assert_int_eq(irq_fn_init(&F.fn, &F.k, &fc), SIM_OK);
	fx_down();
}
END_TEST

static Suite *fn_suite(void)
{
	Suite *s = suite_create("irq:fn");
	TCase *tc = tcase_create("fn");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_intx_message_timing);
	tcase_add_test(tc, test_interrupt_disable);
	tcase_add_test(tc, test_msi_enable_turns_intx_off);
	tcase_add_test(tc, test_msi_mme_equals_mmc);
	tcase_add_test(tc, test_msi_mme_below_mmc);
	tcase_add_test(tc, test_msi_data_aliasing);
	tcase_add_test(tc, test_msi_mask_and_pending);
	tcase_add_test(tc, test_msi_without_mask_capability);
	tcase_add_test(tc, test_no_message_without_bus_master);
	tcase_add_test(tc, test_msi_outside_window_reported);
	tcase_add_test(tc, test_msix_masks_and_pba);
	tcase_add_test(tc, test_messages_queue_behind_posted_writes);
	tcase_add_test(tc, test_bad_programming_reported);
	tcase_add_test(tc, test_hooks_chained_and_restored);
	tcase_add_test(tc, test_unrouted_pin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fn_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
