/*
 * tests/hostos/interrupt/test-platform-intr.c - cmocka tests of a host OS
 * attached to a built machine (platform/hostos.h): a PDO per function,
 * the controller input and the MSI capability programmed with the OS's
 * assignment, the OS as the CPUs' sink, and the test driver
 * (drivers/intr-driver.c) serving real INTx and MSI messages that cross
 * the link, with end of interrupt and redelivery from irq/ctrl.h.
 *
 * The machine: three endpoints on the root bus, ep0 (device 0, MSI with 4
 * vectors, INTA#), ep1 (device 4, INTA#) and ep2 (device 8, INTA#); with
 * the default routing all three pins reach input 16 + (D + 1 - 1) mod 4 =
 * 16. ep3 (device 12) has MSI and MSI-X (4 entries, in BAR 2), so the OS
 * gives it MSI-X. Only ep0's and ep3's INFs say MSISupported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus/caps.h"
#include "bus/hostmem.h"
#include "drivers/intr-driver.h"
#include "../drivers/mmio-driver.h"
#include "hostos/devices.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/test-cmocka.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "irq/msix.h"
#include "platform/hostos.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define INPUT 16u

/* ---- device models: a config space, a BAR, an interrupt condition ---- */

struct ep {
	struct pci_cfg cfg;
	uint32_t msi;
	struct irq_fn *fn;   /* set after the attach */
	int pending;         /* the device's interrupt status */
	bool uses_msi;
	uint32_t msix;       /* ep3: the MSI-X capability */
	struct irq_msix x;   /* ep3: its table and PBA */
	uint64_t wrote_off, wrote_val; /* the last BAR 0 write */
};

#define N_EPS 4
#define MSIX_PBA 0x800u
static struct ep eps[N_EPS];
static const unsigned ep_dev[N_EPS] = { 0, 4, 8, 12 };

int intr_hw_pending(void *hw)
{
	return ((struct ep *)hw)->pending;
}

/* The driver's clearing write: the condition drops and, for INTx, the
 * Deassert_INTx message leaves for the root. */
void intr_hw_ack(void *hw)
{
	struct ep *e = hw;

	e->pending = 0;
	if (!e->uses_msi)
		irq_fn_set_intx(e->fn, false);
}

/* BAR 0 register n reads 0xA0000000 | device << 8 | n. */
static enum bus_decode_status ep_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct ep *e = opaque;

	(void)size;
	*val = 0xA0000000u | (unsigned)ep_dev[e - eps] << 8 | (unsigned)(off / 4);
	return BUS_DECODE_OK;
}

static enum bus_decode_status ep_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ep *e = opaque;

	(void)size;
	e->wrote_off = off;
	e->wrote_val = val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops ep_ops = {
	.read = ep_read, .write = ep_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

/* ep3's BAR 2: the MSI-X table at 0, the PBA at MSIX_PBA (irq/msix.h
 * applies their access rules). */
static enum bus_decode_status msix_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct ep *e = opaque;

	if (off < MSIX_PBA)
		return irq_msix_table_read(&e->x, off, size, val);
	return irq_msix_pba_read(&e->x, off - MSIX_PBA, size, val);
}

static enum bus_decode_status msix_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ep *e = opaque;

	if (off < MSIX_PBA)
		return irq_msix_table_write(&e->x, off, size, val);
	return irq_msix_pba_write(&e->x, off - MSIX_PBA, size, val);
}

static const struct bus_region_ops msix_ops = {
	.read = msix_read, .write = msix_write, .valid_sizes = 0, .unaligned = true,
};

static struct platform_bar_ops bars[N_EPS];
static struct platform_device_desc devices[N_EPS];
static const struct bus_mem_range ram[] = { { 0, 3 * GIB } };
static const char *const names[N_EPS] = { "ep0", "ep1", "ep2", "ep3" };

static struct platform_machine *make(void)
{
	struct platform_desc d = { 0 };
	struct platform_machine *m = NULL;

	const struct pci_cap_msix_layout ml = {
		.table_size = 4, .table_bir = 2, .table_offset = 0,
		.pba_bir = 2, .pba_offset = MSIX_PBA,
	};

	for (unsigned i = 0; i < N_EPS; i++) {
		memset(&eps[i], 0, sizeof(eps[i]));
		assert_int_equal(pci_cfg_init_type0(&eps[i].cfg, 0x1b36, (uint16_t)(0x10 + i),
						    0xff0000, 1, 0x1b36, 1, 1),
				 SIM_OK);
		assert_int_equal(pci_cfg_add_bar(&eps[i].cfg, 0, PCI_BAR_MEM32, 4 * KIB, false),
				 SIM_OK);
		bars[i].ops[0] = &ep_ops;
		bars[i].opaque[0] = &eps[i];
		devices[i] = (struct platform_device_desc){ .name = names[i], .device = ep_dev[i],
							    .cfg = &eps[i].cfg, .bars = &bars[i] };
	}
	assert_int_equal(pci_cap_add_msi(&eps[0].cfg, 4, true, false, 0, &eps[0].msi), SIM_OK);
	assert_int_equal(pci_cfg_add_bar(&eps[3].cfg, 2, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	assert_int_equal(pci_cap_add_msi(&eps[3].cfg, 4, true, false, 0, &eps[3].msi), SIM_OK);
	assert_int_equal(pci_cap_add_msix(&eps[3].cfg, &ml, 0, &eps[3].msix), SIM_OK);
	assert_int_equal(irq_msix_init(&eps[3].x, 4), SIM_OK);
	bars[3].ops[2] = &msix_ops;
	bars[3].opaque[2] = &eps[3];
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), 512 * MIB };
	d.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = devices;
	d.n_devices = N_EPS;
	assert_int_equal(platform_machine_build(&m, &d), SIM_OK);
	return m;
}

/* ---- the world ---- */

static struct sim_kernel kern;
static struct platform_machine *mach;
static struct platform_irq *pirq;
static struct hostos *os;
static struct platform_hostos *ph;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void up(unsigned storm_passes)
{
	struct sim_kernel_config kc;
	struct hostos_config hc;
	static const struct platform_hostos_inf inf[] = {
		{ .bus = 0, .device = 0, .function = 0, .msi_supported = true },
		{ .bus = 0, .device = 12, .function = 0, .msi_supported = true },
	};
	struct platform_hostos_config pc = { .inf = inf, .n_inf = 2 };

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	mach = make();
	assert_int_equal(platform_irq_attach(&pirq, mach, &kern, NULL), SIM_OK);
	hostos_config_default(&hc);
	hc.strict = true;
	if (storm_passes)
		hc.storm_passes = storm_passes;
	assert_int_equal(hostos_create(&os, &kern, &hc), SIM_OK);
	assert_int_equal(irq_fn_set_msix(platform_irq_fn(pirq, 0, 12, 0), &eps[3].x), SIM_OK);
	assert_int_equal(platform_hostos_attach(&ph, mach, pirq, os, &pc), SIM_OK);
	for (unsigned i = 0; i < N_EPS; i++) {
		eps[i].fn = platform_irq_fn(pirq, 0, ep_dev[i], 0);
		eps[i].uses_msi = i == 0 || i == 3;
	}
	memset(&intr_obs, 0, sizeof(intr_obs));
}

static void down(void)
{
	platform_hostos_detach(ph);
	hostos_destroy(os);
	platform_irq_detach(pirq);
	platform_machine_destroy(mach);
	irq_msix_destroy(&eps[3].x);
	sim_kernel_destroy(&kern);
}

static struct hostos_device *dev(unsigned i)
{
	return platform_hostos_device(ph, 0, ep_dev[i], 0);
}

static void start(unsigned i, enum intr_connect how, unsigned flags)
{
	intr_bind((int)i, hostos_device_pdo(dev(i)), &eps[i], how, flags, 0);
	assert_int_equal(hostos_device_start(dev(i), HOSTOS_START_ROUTINE(intr_start), 0, NULL),
			 SIM_OK);
}

/* Timed device activity: an event per action. */
struct act {
	struct sim_event ev;
	unsigned ep;
	int msg;              /* -1: INTx */
};

static struct act acts[4];
static unsigned n_acts;

static void act_fn(struct sim_kernel *k, void *opaque)
{
	struct act *a = opaque;
	struct ep *e = &eps[a->ep];

	(void)k;
	e->pending = 1;
	if (a->msg < 0)
		assert_int_equal(irq_fn_set_intx(e->fn, true), SIM_OK);
	else if (e->msix)
		assert_int_equal(irq_fn_msix_signal(e->fn, (unsigned)a->msg), SIM_OK);
	else
		assert_int_equal(irq_fn_msi_signal(e->fn, (unsigned)a->msg), SIM_OK);
}

static void at(sim_time_t when, unsigned ep, int msg)
{
	struct act *a = &acts[n_acts++];

	a->ep = ep;
	a->msg = msg;
	sim_event_init(&kern, &a->ev, "test.act", act_fn, a);
	assert_int_equal(sim_event_schedule_at(&a->ev, when), SIM_OK);
}

static void acts_done(void)
{
	for (unsigned i = 0; i < n_acts; i++)
		sim_event_destroy(&acts[i].ev);
	n_acts = 0;
}

/* ---- tests ---- */

static void test_pdos_and_programming(void **state)
{
	struct hostos_intr_resource r0, r1, r2;
	struct pci_cap_msi_state ms;

	(void)state;
	up(0);
	for (unsigned i = 0; i < 3; i++)
		assert_non_null(dev(i));
	assert_null(platform_hostos_device(ph, 0, 1, 0));
	assert_int_equal(hostos_device_source(dev(1)), 4u << 3);
	/* ep0: four messages, programmed, MSI enabled and bus mastering on */
	assert_int_equal(hostos_device_messages(dev(0)), 4);
	assert_int_equal(hostos_device_message(dev(0), 0, &r0), SIM_OK);
	assert_int_equal(pci_cap_msi_get(&eps[0].cfg, &ms), SIM_OK);
	assert_true(ms.enabled);
	assert_int_equal(ms.vectors, 4);
	assert_true(ms.address == r0.address);
	assert_int_equal(ms.data, r0.data);
	/* ep1 and ep2 share input 16 and its vector */
	assert_int_equal(hostos_device_line(dev(1), &r1), SIM_OK);
	assert_int_equal(hostos_device_line(dev(2), &r2), SIM_OK);
	assert_int_equal(r1.vector, r2.vector);
	assert_int_equal(irq_fn_input(eps[1].fn), INPUT);
	down();
}

static void test_shared_intx(void **state)
{
	(void)state;
	up(0);
	start(1, INTR_LINE_BASED, 0);
	start(2, INTR_CLASSIC, 0);
	at(SIM_US(10), 2, -1); /* ep1 declines, ep2 claims */
	at(SIM_US(30), 1, -1);
	at(SIM_US(30), 2, -1); /* both: ep1 claims; after the EOI, ep2 */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[1].connect_status, 0);
	assert_int_equal(intr_obs.c[2].connect_status, 0);
	assert_int_equal(intr_obs.c[1].raw_level, INPUT);
	assert_int_equal(intr_obs.n_order, 5);
	assert_int_equal(intr_obs.order[0], 1);
	assert_int_equal(intr_obs.order[1], 2);
	assert_int_equal(intr_obs.order[2], 1);
	assert_int_equal(intr_obs.order[3], 1);
	assert_int_equal(intr_obs.order[4], 2);
	assert_int_equal(intr_obs.c[1].dpcs, 1);
	assert_int_equal(intr_obs.c[2].dpcs, 2);
	assert_false(irq_ctrl_input_level(platform_irq_ctrl(pirq), INPUT));
	acts_done();
	down();
}

static void test_msi(void **state)
{
	(void)state;
	up(0);
	start(0, INTR_MESSAGE_BASED, 0);
	at(SIM_US(10), 0, 3);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].message_count, 4);
	assert_int_equal(intr_obs.c[0].raw_count, 4);
	assert_int_equal(intr_obs.c[0].isr_calls, 1);
	assert_int_equal(intr_obs.c[0].msg_ids[0], 3);
	assert_int_equal(intr_obs.c[0].dpcs, 1);
	acts_done();
	down();
}

static void test_storm(void **state)
{
	(void)state;
	up(30);
	start(1, INTR_LINE_BASED, INTR_NO_ACK);
	at(SIM_US(10), 1, -1);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xF2, intr_isr_address(), intr_ctx_address(1), intr_object(1),
			       1);
	acts_done();
	down();
}

/* ep3 offers MSI and MSI-X: the OS takes MSI-X (as Windows does), writes
 * each granted entry and enables it with Function Mask clear; MSI stays
 * off. A message-based connect gets 4 messages and entry 2 reaches its
 * ISR as MessageID 2. */
static void test_msix(void **state)
{
	struct pci_cap_msi_state ms;
	uint32_t ctl = 0;

	(void)state;
	up(0);
	assert_int_equal(hostos_device_messages(dev(3)), 4);
	assert_int_equal(pci_cfg_read(&eps[3].cfg, eps[3].msix + PCI_MSIX_FLAGS, 2, &ctl), SIM_OK);
	assert_true(ctl & PCI_MSIX_FLAGS_ENABLE);
	assert_false(ctl & PCI_MSIX_FLAGS_MASKALL);
	assert_int_equal(pci_cap_msi_get(&eps[3].cfg, &ms), SIM_OK);
	assert_false(ms.enabled);
	for (unsigned i = 0; i < 4; i++) {
		struct hostos_intr_resource r;
		uint64_t addr = 0;
		uint32_t data = 0;
		bool masked = true;

		assert_int_equal(hostos_device_message(dev(3), i, &r), SIM_OK);
		assert_int_equal(irq_msix_entry(&eps[3].x, i, &addr, &data, &masked), SIM_OK);
		assert_true(addr == r.address);
		assert_int_equal(data, r.data);
		assert_false(masked);
	}
	start(3, INTR_MESSAGE_BASED, 0);
	at(SIM_US(10), 3, 2);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[3].message_count, 4);
	assert_int_equal(intr_obs.c[3].isr_calls, 1);
	assert_int_equal(intr_obs.c[3].msg_ids[0], 2);
	assert_int_equal(intr_obs.c[3].dpcs, 1);
	acts_done();
	down();
}

/* The OS's register routines reach the device through the machine's
 * decoder, and its pool is the machine's memory. */
static void test_registers_and_pool(void **state)
{
	struct hostos_pool_block b;
	uint32_t bar;

	(void)state;
	up(0);
	memset(&mmio_obs, 0, sizeof(mmio_obs));
	assert_int_equal(hostos_device_start(dev(1), HOSTOS_START_ROUTINE(mmio_start), 0, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(hostos_device_status(dev(1)), 0);
	assert_int_equal(pci_cfg_read(&eps[1].cfg, 0x10, 4, &bar), SIM_OK);
	assert_true(mmio_obs.bar_pa == (bar & ~0xfu));
	assert_int_equal(mmio_obs.bar_len, 4 * KIB);
	assert_int_equal(mmio_obs.bar_reg1, 0xA0000000u | 4u << 8 | 1u);
	assert_int_equal(eps[1].wrote_off, 8);
	assert_int_equal(eps[1].wrote_val, 0xA0000000u | 4u << 8 | 2u);
	assert_int_equal(hostos_pool_live(os, &b, 1), 1);
	assert_ptr_equal(b.va, mmio_obs.buf);
	assert_true(b.pa + b.bytes <= 3 * GIB); /* in the machine's RAM */
	{
		/* the driver's view and the machine's memory are one: what a
		 * device would DMA from b.pa is what the driver wrote */
		uint8_t back[64];

		memset(b.va, 0x5c, 64);
		assert_int_equal(bus_mem_read(platform_mem(mach), b.pa, back, sizeof(back)), SIM_OK);
		for (size_t i = 0; i < sizeof(back); i++)
			assert_int_equal(back[i], 0x5c);
	}
	down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdos_and_programming),
		cmocka_unit_test(test_shared_intx),
		cmocka_unit_test(test_msi),
		cmocka_unit_test(test_storm),
		cmocka_unit_test(test_msix),
		cmocka_unit_test(test_registers_and_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
