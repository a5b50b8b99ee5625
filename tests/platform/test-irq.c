/*
 * tests/platform/test-irq.c - Check tests of interrupts attached to a
 * built machine (platform/irq.h).
 *
 * The machine: RAM below 3 GiB, ECAM at 0xe0000000; ep0 on the root bus
 * (device 0, its own Gen3 x8 link, MSI with 4 vectors); a PCI bridge br0
 * at root device 1 with four functions behind it on devices 0..3 whose
 * Interrupt Pins (A, D, C, B) all swizzle to INTA# of root device 1
 * (Bridge 1.2 §9.1), so with the default routing all four share input
 * 16 + (1 + 1 - 1) mod 4 = 17 and share br0's link. Covers: routing and
 * sharing through the bridge; one function deasserting while others hold
 * the line; re-delivery after EOI; an MSI and an INTx assertion both
 * ordered behind a DMA write of the same function (never before the write
 * has crossed the link); configuration writes through ECAM reaching both
 * the machine's and irq/'s hooks; a DMA write into the MSI window raising
 * an interrupt; MSI-X programmed through ep0's BAR with the table's
 * access rules; attach errors; detach giving the hooks back in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "bus/caps.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "irq/msix.h"
#include "irq/route.h"
#include "platform/access.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define ECAM_BASE UINT64_C(0xe0000000)
#define MEM32_BASE UINT64_C(0xc0000000)
#define SHARED_INPUT 17u
#define EP0_INPUT 16u
#define CARRIES PLATFORM_LINK_CARRIES

struct tdev {
	struct pci_cfg cfg;
	uint32_t msi;
	uint32_t msix;
	struct irq_msix x;
};

static enum bus_decode_status tdev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0x1234;
	return BUS_DECODE_OK;
}

static enum bus_decode_status tdev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops tdev_ops = {
	.read = tdev_read, .write = tdev_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

/* ep0's BAR0: the MSI-X Table at 0, the PBA at 0x2000, a register at
 * 0x3000 (its own 4 KiB page, PCI 3.0 §6.8.2). Accepts every size and
 * alignment so the table's own rules apply (irq/msix.h). */
#define EP0_BAR_BYTES (16 * KIB)
#define EP0_PBA 0x2000u
#define EP0_CSR 0x3000u
#define EP0_ENTRIES 8u

static enum bus_decode_status ep0_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct tdev *t = opaque;

	if (off < EP0_PBA)
		return irq_msix_table_read(&t->x, off, size, val);
	if (off < EP0_CSR)
		return irq_msix_pba_read(&t->x, off - EP0_PBA, size, val);
	*val = 0x1234;
	return BUS_DECODE_OK;
}

static enum bus_decode_status ep0_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct tdev *t = opaque;

	if (off < EP0_PBA)
		return irq_msix_table_write(&t->x, off, size, val);
	if (off < EP0_CSR)
		return irq_msix_pba_write(&t->x, off - EP0_PBA, size, val);
	return BUS_DECODE_OK;
}

static const struct bus_region_ops ep0_ops = {
	.read = ep0_read, .write = ep0_write, .valid_sizes = 0, .unaligned = true,
};

static struct tdev ep0, sh[4];
static struct platform_bar_ops bars[5];
static struct platform_device_desc devices[5];
static const struct bus_mem_range ram[] = { { 0, 3 * GIB } };
static const struct platform_bridge_desc bridges[] = {
	{ .name = "br0", .device = 1, .vendor_id = 0x8086, .device_id = 0x244e },
};
static const char *const sh_names[4] = { "sh0", "sh1", "sh2", "sh3" };
/* Pin of device D behind the bridge so that it lands on root INTA#:
 * (D + P - 1) mod 4 == 0. */
static const unsigned sh_pin[4] = { 1, 4, 3, 2 };

static void tdev_init(struct tdev *t, uint16_t did, unsigned pin)
{
	memset(t, 0, sizeof(*t));
	ck_assert_int_eq(pci_cfg_init_type0(&t->cfg, 0x1b36, did, 0xff0000, 1, 0x1b36, did,
					    (uint8_t)pin), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&t->cfg, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
}

static struct platform_machine *make(void)
{
	struct platform_desc d = { 0 };
	struct platform_machine *m = NULL;

	struct pci_cap_msix_layout ml = {
		.table_size = EP0_ENTRIES, .table_bir = 0, .table_offset = 0,
		.pba_bir = 0, .pba_offset = EP0_PBA,
	};

	memset(&ep0, 0, sizeof(ep0));
	ck_assert_int_eq(pci_cfg_init_type0(&ep0.cfg, 0x1b36, 1, 0xff0000, 1, 0x1b36, 1, 1),
			 SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&ep0.cfg, 0, PCI_BAR_MEM32, EP0_BAR_BYTES, false), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msi(&ep0.cfg, 4, false, false, 0, &ep0.msi), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msix(&ep0.cfg, &ml, 0, &ep0.msix), SIM_OK);
	ck_assert_int_eq(irq_msix_init(&ep0.x, EP0_ENTRIES), SIM_OK);
	memset(bars, 0, sizeof(bars));
	bars[0].ops[0] = &ep0_ops;
	bars[0].opaque[0] = &ep0;
	devices[0] = (struct platform_device_desc){ .name = "ep0", .cfg = &ep0.cfg,
						    .bars = &bars[0] };
	for (unsigned i = 0; i < 4; i++) {
		tdev_init(&sh[i], (uint16_t)(2 + i), sh_pin[i]);
		bars[1 + i].ops[0] = &tdev_ops;
		devices[1 + i] = (struct platform_device_desc){
			.name = sh_names[i], .parent = "br0", .device = i, .cfg = &sh[i].cfg,
			.bars = &bars[1 + i],
		};
	}
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ MEM32_BASE, 512 * MIB };
	d.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	d.ecam_base = ECAM_BASE;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.bridges = bridges;
	d.n_bridges = 1;
	d.devices = devices;
	d.n_devices = 5;
	ck_assert_msg(platform_machine_build(&m, &d) == SIM_OK, "build: %s",
		      platform_build_error());
	return m;
}

struct rec {
	unsigned n;
	unsigned vector[32];
	struct irq_delivery d[32];
};

static void rec_deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
			const struct irq_delivery *d)
{
	struct rec *r = opaque;

	(void)c;
	(void)cpu;
	if (r->n < 32) {
		r->vector[r->n] = vector;
		r->d[r->n] = *d;
	}
	r->n++;
}

static const struct irq_sink_ops rec_ops = { .deliver = rec_deliver };

struct world {
	struct sim_kernel k;
	struct platform_machine *m;
	struct platform_irq *pi;
	struct irq_ctrl *c;
	struct rec rec;
};

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void world_up(struct world *w)
{
	struct sim_kernel_config kc;

	memset(w, 0, sizeof(*w));
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	ck_assert_int_eq(sim_kernel_init(&w->k, &kc), SIM_OK);
	w->m = make();
	ck_assert_int_eq(platform_irq_attach(&w->pi, w->m, &w->k, NULL), SIM_OK);
	ck_assert_int_eq(irq_fn_set_msix(platform_irq_fn(w->pi, 0, 0, 0), &ep0.x), SIM_OK);
	w->c = platform_irq_ctrl(w->pi);
	ck_assert_int_eq(irq_ctrl_set_sink(w->c, 0, &rec_ops, &w->rec), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(w->c, SHARED_INPUT, IRQ_TRIGGER_LEVEL, 0x41, 0),
			 SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(w->c, EP0_INPUT, IRQ_TRIGGER_LEVEL, 0x40, 0), SIM_OK);
}

static void world_down(struct world *w)
{
	platform_irq_detach(w->pi);
	platform_machine_destroy(w->m);
	irq_msix_destroy(&ep0.x);
	sim_kernel_destroy(&w->k);
}

static void cfg_write(struct world *w, unsigned b, unsigned d, uint32_t off, uint32_t len,
		      uint32_t v)
{
	ck_assert_int_eq(platform_cfg_write(w->m, b, d, 0, off, len, v), SIM_OK);
}

static uint32_t cfg_read(struct world *w, unsigned b, unsigned d, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(platform_cfg_read(w->m, b, d, 0, off, len, &v), SIM_OK);
	return v;
}

static sim_time_t occ(const struct platform_link *l, uint32_t bytes)
{
	sim_time_t ps = 0;

	ck_assert_int_eq(bus_link_tlp_ps(&l->cfg, CARRIES, bytes, &ps), SIM_OK);
	return ps;
}

#define INTX_BYTES (BUS_LINK_HDR4_BYTES + BUS_LINK_FRAMING_BYTES)

START_TEST(test_four_functions_share_one_input)
{
	struct world w;
	const struct platform_link *l;
	uint32_t src[8];

	world_up(&w);
	l = platform_fn_link(w.m, 1, 0, 0);
	ck_assert_ptr_nonnull(l);
	for (unsigned i = 0; i < 4; i++) {
		struct irq_fn *f = platform_irq_fn(w.pi, 1, i, 0);

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(irq_fn_input(f), SHARED_INPUT);
		ck_assert_uint_eq(irq_fn_requester_id(f), 0x100u | i << 3);
	}
	ck_assert_uint_eq(irq_fn_input(platform_irq_fn(w.pi, 0, 0, 0)), EP0_INPUT);
	ck_assert_ptr_null(platform_irq_fn(w.pi, 0, 1, 0)); /* the bridge */
	ck_assert_ptr_null(platform_irq_fn(w.pi, 0, 7, 0));
	ck_assert_uint_eq(irq_route_lookup(platform_irq_route(w.pi), 1, 1), SHARED_INPUT);

	/* All four assert at 0: their messages queue on br0's link. */
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(irq_fn_set_intx(platform_irq_fn(w.pi, 1, i, 0), true), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&w.k), 4 * occ(l, INTX_BYTES));
	ck_assert_int_eq(irq_ctrl_input_sources(w.c, SHARED_INPUT, src, 8), 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(src[i], 0x100u | i << 3);
	/* One level, one delivery, on the first arrival. */
	ck_assert_uint_eq(w.rec.n, 1);
	ck_assert_uint_eq(w.rec.vector[0], 0x41);
	ck_assert_uint_eq(w.rec.d[0].t_ps, occ(l, INTX_BYTES));
	/* Function 1 is serviced and deasserts; the others hold the line. */
	ck_assert_int_eq(irq_fn_set_intx(platform_irq_fn(w.pi, 1, 1, 0), false), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(w.c, SHARED_INPUT));
	ck_assert_int_eq(irq_ctrl_input_sources(w.c, SHARED_INPUT, src, 8), 3);
	ck_assert_uint_eq(src[0], 0x100u);
	ck_assert_uint_eq(src[1], 0x110u);
	ck_assert_uint_eq(src[2], 0x118u);
	/* EOI with the line still up: delivered again. */
	ck_assert_int_eq(irq_ctrl_eoi(w.c, 0, 0x41), 1);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 2);
	ck_assert(w.rec.d[1].redelivery);
	/* Everyone deasserts, then EOI: quiet. */
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(irq_fn_set_intx(platform_irq_fn(w.pi, 1, i, 0), false), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(w.c, SHARED_INPUT));
	ck_assert_int_eq(irq_ctrl_eoi(w.c, 0, 0x41), 1);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 2);
	world_down(&w);
}
END_TEST

/* Bridge 1.2 §3.2.5.18, PCIe 4.0 §6.6.1: a Secondary Bus Reset resets the
 * functions below the bridge; their interrupt condition (Interrupt Status)
 * goes with it, so the shared line drops. The reset reaches irq/ through
 * the hooks it interposed. */
START_TEST(test_secondary_bus_reset_drops_intx)
{
	struct world w;
	uint32_t src[8];

	world_up(&w);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(irq_fn_set_intx(platform_irq_fn(w.pi, 1, i, 0), true), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(w.c, SHARED_INPUT));
	cfg_write(&w, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, PCI_BCTL_BUS_RESET);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(sh[i].cfg.val[PCI_CFG_STATUS] & PCI_STS_INTERRUPT, 0);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(w.c, SHARED_INPUT));
	ck_assert_int_eq(irq_ctrl_input_sources(w.c, SHARED_INPUT, src, 8), 0);
	world_down(&w);
}
END_TEST

/* PCIe 4.0 §2.4.1: a posted request (an MSI, an Assert_INTx message) does
 * not pass an earlier posted request of the same function: the interrupt
 * arrives only after the DMA data it announces has crossed the link. */
START_TEST(test_interrupts_ordered_behind_dma_write)
{
	struct world w;
	const struct platform_link *l;
	struct platform_timing t;
	static uint8_t buf[4096];
	uint8_t back[16];
	sim_time_t done = 0, link_done;
	struct irq_fn *f;

	world_up(&w);
	l = platform_fn_link(w.m, 0, 0, 0);
	f = platform_irq_fn(w.pi, 0, 0, 0);
	platform_timing(w.m, &t);
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2,
		  cfg_read(&w, 0, 0, PCI_CFG_COMMAND, 2) | PCI_CMD_MASTER);
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u);
	cfg_write(&w, 0, 0, ep0.msi + 0x08, 2, 0x60);
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_FLAGS, 2, 2 << 4 | PCI_MSI_FLAGS_ENABLE);

	ck_assert_int_eq(sim_run_until(&w.k, SIM_US(1)), SIM_STOP_TIME);
	memset(buf, 0xa5, sizeof(buf));
	ck_assert_int_eq(platform_dma_write(w.m, 0, 0, 0, 0x100000, buf, sizeof(buf),
					    sim_now(&w.k), &done, NULL), SIM_OK);
	link_done = done - t.ram_ps;      /* the last MWr has left the link */
	ck_assert_uint_eq(l->up.free_at_ps, link_done);
	ck_assert_int_eq(irq_fn_msi_signal(f, 2), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 1);
	ck_assert_uint_eq(w.rec.vector[0], 0x62);
	ck_assert_uint_eq(w.rec.d[0].requester, 0x0000);
	ck_assert_uint_ge(w.rec.d[0].t_ps, link_done);
	ck_assert_uint_eq(w.rec.d[0].t_ps, link_done + occ(l, bus_link_mwr_wire_bytes(&l->cfg, 4)));
	/* The data is there when the handler would look. */
	ck_assert_int_eq(bus_mem_read(platform_mem(w.m), 0x100000 + 4080, back, 16), SIM_OK);
	ck_assert_uint_eq(back[15], 0xa5);

	/* INTx the same way: MSI off, DMA, then assert. */
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_FLAGS, 2, 0);
	ck_assert_int_eq(platform_dma_write(w.m, 0, 0, 0, 0x200000, buf, sizeof(buf),
					    sim_now(&w.k), &done, NULL), SIM_OK);
	link_done = done - t.ram_ps;
	ck_assert_int_eq(irq_fn_set_intx(f, true), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 2);
	ck_assert_uint_eq(w.rec.vector[1], 0x40);
	ck_assert_uint_ge(w.rec.d[1].t_ps, link_done);
	ck_assert_uint_eq(w.rec.d[1].t_ps, link_done + occ(l, INTX_BYTES));
	world_down(&w);
}
END_TEST

/* ECAM writes reach the machine's hooks (decoding) and irq/'s (INTx)
 * alike; Bus Master Enable 0 holds an MSI until it is set again. */
START_TEST(test_config_writes_reach_both_layers)
{
	struct world w;
	const struct bus_topo_result *r;
	struct irq_fn *f;
	uint64_t v = 0;
	sim_time_t done;
	struct bus_decode_result res;

	world_up(&w);
	f = platform_irq_fn(w.pi, 0, 0, 0);
	r = platform_fn_result(w.m, 0, 0, 0);
	ck_assert_int_eq(irq_fn_set_intx(f, true), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(w.c, EP0_INPUT));
	/* Interrupt Disable and Memory Space off in one write. */
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_INTX_DISABLE);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(w.c, EP0_INPUT));
	ck_assert(cfg_read(&w, 0, 0, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	ck_assert_int_eq(platform_mmio_read(w.m, r->res[0].base + EP0_CSR, 4, 0, &v, &done, &res),
			 SIM_OK);
	ck_assert(res.master_abort);
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert_int_eq(platform_mmio_read(w.m, r->res[0].base + EP0_CSR, 4, 0, &v, &done, &res),
			 SIM_OK);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(irq_ctrl_input_level(w.c, EP0_INPUT));
	/* MSI with Bus Master off: nothing, until Bus Master Enable. */
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u);
	cfg_write(&w, 0, 0, ep0.msi + 0x08, 2, 0x70);
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	ck_assert_int_eq(irq_fn_msi_signal(f, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert(!irq_ctrl_input_level(w.c, EP0_INPUT));
	ck_assert_uint_eq(irq_ctrl_vector_count(w.c, 0x70), 0);
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(irq_ctrl_vector_count(w.c, 0x70), 1);
	world_down(&w);
}
END_TEST

/* A DMA engine may raise an MSI itself by writing the window (a device
 * model with its own message logic); the CPU side's read is UR. */
START_TEST(test_window_in_machine_decoder)
{
	struct world w;
	uint32_t msg = 0x0000004a;
	sim_time_t done = 0;
	uint64_t v = 0;
	struct bus_decode_result res;

	world_up(&w);
	cfg_write(&w, 1, 2, PCI_CFG_COMMAND, 2, PCI_CMD_MASTER);
	ck_assert_int_eq(platform_dma_write(w.m, 1, 2, 0, 0xfee00000u, &msg, 4, 0, &done, &res),
			 SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(w.rec.n, 1);
	ck_assert_uint_eq(w.rec.vector[0], 0x4a);
	ck_assert_uint_eq(w.rec.d[0].requester, IRQ_REQUESTER_UNKNOWN);
	ck_assert_int_eq(platform_mmio_read(w.m, 0xfee00000u, 4, 0, &v, &done, &res), SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert_uint_eq(w.c->stats.msi_reads, 1);
	world_down(&w);
}
END_TEST

START_TEST(test_attach_errors_and_detach_order)
{
	struct sim_kernel k;
	struct platform_machine *m;
	struct platform_irq *pi = NULL;
	struct platform_irq_config pc = { 0 };
	struct irq_ctrl_config cc;
	struct irq_route route;
	const struct pci_cfg_ops *ops;
	void *opaque = NULL;

	ck_assert_int_eq(sim_kernel_init(&k, NULL), SIM_OK);
	m = make();
	ck_assert_int_eq(platform_irq_attach(NULL, m, &k, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(platform_irq_attach(&pi, NULL, &k, NULL), SIM_ERR_INVALID);
	ck_assert_ptr_null(pi);
	/* A route to an input the controller does not have. */
	irq_ctrl_config_default(&cc);
	cc.n_inputs = 8;
	pc.ctrl = &cc;
	ck_assert_int_eq(platform_irq_attach(&pi, m, &k, &pc), SIM_ERR_INVALID);
	ck_assert_ptr_null(pi);
	/* Nothing stays hooked after a failure: the machine's ops are back. */
	ops = pci_cfg_get_ops(&ep0.cfg, &opaque);
	ck_assert_ptr_nonnull(ops);
	/* A custom table: everything on input 3. */
	irq_route_init_none(&route);
	for (unsigned d = 0; d < IRQ_ROUTE_DEVICES; d++)
		for (unsigned p = 1; p <= 4; p++)
			irq_route_set(&route, d, p, 3);
	pc.route = &route;
	ck_assert_int_eq(platform_irq_attach(&pi, m, &k, &pc), SIM_OK);
	ck_assert_uint_eq(irq_fn_input(platform_irq_fn(pi, 0, 0, 0)), 3);
	ck_assert_uint_eq(irq_fn_input(platform_irq_fn(pi, 1, 3, 0)), 3);
	ck_assert_ptr_ne(pci_cfg_get_ops(&ep0.cfg, NULL), ops);
	platform_irq_detach(pi);
	/* Detach gives the machine its hooks back; destroy gives the model
	 * its own (none here). */
	ck_assert_ptr_eq(pci_cfg_get_ops(&ep0.cfg, NULL), ops);
	platform_machine_destroy(m);
	irq_msix_destroy(&ep0.x);
	ck_assert_ptr_null(pci_cfg_get_ops(&ep0.cfg, NULL));
	ck_assert_ptr_null(pci_cfg_get_ops(&sh[3].cfg, NULL));
	sim_kernel_destroy(&k);
}
END_TEST

static uint64_t mmio_rd(struct world *w, uint64_t addr, unsigned size)
{
	uint64_t v = 0;
	sim_time_t done = 0;

	ck_assert_int_eq(platform_mmio_read(w->m, addr, size, 0, &v, &done, NULL), SIM_OK);
	return v;
}

static void mmio_wr(struct world *w, uint64_t addr, unsigned size, uint64_t v)
{
	sim_time_t done = 0;

	ck_assert_int_eq(platform_mmio_write(w->m, addr, size, v, 0, &done, NULL), SIM_OK);
}

/* MSI-X programmed by CPU writes through the machine's decoder (PCI 3.0
 * §6.8.2): DWORD/QWORD accesses work, 8/16-bit and unaligned ones are
 * ignored and read all ones, the PBA is read-only, a masked entry is
 * pending until unmasked. */
START_TEST(test_msix_through_bar)
{
	struct world w;
	struct irq_fn *f;
	uint64_t base;

	world_up(&w);
	f = platform_irq_fn(w.pi, 0, 0, 0);
	base = platform_fn_result(w.m, 0, 0, 0)->res[0].base;
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	cfg_write(&w, 0, 0, ep0.msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	/* Entry 1: address, data, unmask. */
	mmio_wr(&w, base + 0x10, 8, 0xfee00000u);
	mmio_wr(&w, base + 0x18, 4, 0x77);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x1c, 4), 1); /* masked from reset */
	mmio_wr(&w, base + 0x1c, 4, 0);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x10, 8), 0xfee00000u);
	/* 8- and 16-bit and unaligned accesses: ignored, all ones. */
	mmio_wr(&w, base + 0x18, 2, 0x0000);
	mmio_wr(&w, base + 0x18, 1, 0x00);
	mmio_wr(&w, base + 0x1a, 4, 0);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x18, 2), 0xffff);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x18, 1), 0xff);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x12, 4), 0xffffffffu);
	ck_assert_uint_eq(mmio_rd(&w, base + 0x14, 8), ~UINT64_C(0));
	ck_assert_uint_eq(mmio_rd(&w, base + 0x18, 4), 0x77);
	ck_assert_uint_eq(ep0.x.bad_accesses, 7);
	ck_assert_int_eq(irq_fn_msix_signal(f, 1), SIM_OK);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 1);
	ck_assert_uint_eq(w.rec.vector[0], 0x77);
	ck_assert_uint_eq(w.rec.d[0].requester, 0x0000);
	/* Mask with a QWORD write of data + control; signal; PBA bit 1. */
	mmio_wr(&w, base + 0x18, 8, UINT64_C(0x0000000100000077));
	ck_assert_int_eq(irq_fn_msix_signal(f, 1), SIM_OK);
	ck_assert_uint_eq(mmio_rd(&w, base + EP0_PBA, 8), 2);
	mmio_wr(&w, base + EP0_PBA, 8, 0);                 /* read-only */
	ck_assert_uint_eq(mmio_rd(&w, base + EP0_PBA, 4), 2);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 1);
	mmio_wr(&w, base + 0x1c, 4, 0);                    /* unmask: fires */
	ck_assert_uint_eq(mmio_rd(&w, base + EP0_PBA, 8), 0);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(w.rec.n, 2);
	ck_assert_uint_eq(w.rec.vector[1], 0x77);
	world_down(&w);
}
END_TEST

/* Every message is traced from the sender's side (a span from send to
 * effect) and at the controller (the arrival, the delivery). */
START_TEST(test_trace_messages)
{
	struct world w;
	struct sim_ctrace t;
	char path[64];
	char *buf;
	FILE *fp;
	size_t n;
	struct irq_fn *f;

	snprintf(path, sizeof(path), "/tmp/platform-irq-%d.json", (int)getpid());
	world_up(&w);
	f = platform_irq_fn(w.pi, 0, 0, 0);
	ck_assert_int_eq(sim_ctrace_open(&t, path), SIM_OK);
	ck_assert_int_eq(platform_irq_set_ctrace(w.pi, &t), SIM_OK);
	ck_assert_int_eq(irq_fn_set_intx(f, true), SIM_OK);
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u);
	cfg_write(&w, 0, 0, ep0.msi + 0x08, 2, 0x60);
	cfg_write(&w, 0, 0, ep0.msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	ck_assert_int_eq(irq_fn_msi_signal(f, 0), SIM_OK); /* Bus Master off: held */
	cfg_write(&w, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ck_assert_int_eq(sim_run(&w.k), SIM_STOP_FINISHED);
	ck_assert_int_eq(platform_irq_set_ctrace(w.pi, NULL), SIM_OK);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	buf = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(buf);
	fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, (1 << 16) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	ck_assert_ptr_nonnull(strstr(buf, "\"ep0 00:00.0\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"sh3 01:03.0\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"Assert_INTx\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"Deassert_INTx\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"held\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"MSI\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"msi\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"deliver\""));
	free(buf);
	unlink(path);
	world_down(&w);
}
END_TEST

static Suite *irq_suite(void)
{
	Suite *s = suite_create("platform:irq");
	TCase *tc = tcase_create("irq");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_four_functions_share_one_input);
	tcase_add_test(tc, test_secondary_bus_reset_drops_intx);
	tcase_add_test(tc, test_interrupts_ordered_behind_dma_write);
	tcase_add_test(tc, test_config_writes_reach_both_layers);
	tcase_add_test(tc, test_window_in_machine_decoder);
	tcase_add_test(tc, test_msix_through_bar);
	tcase_add_test(tc, test_trace_messages);
	tcase_add_test(tc, test_attach_errors_and_detach_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(irq_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
