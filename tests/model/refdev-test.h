/*
 * tests/model/refdev-test.h - the machine the refdev test programs share:
 * one reference device (model/refdev.h) on the root bus at device 0 (its
 * own link, Gen3 x8 unless the config says otherwise), RAM below 3 GiB and
 * 16 MiB at 4 GiB, interrupts attached (platform/irq.h: INTA# of device 0
 * routes to input 16, programmed level-triggered to vector 0x30; a
 * recording sink on CPU 0), the device's DMA port (platform/dma.h), Memory
 * Space on (the enumeration) and Bus Master on (as a driver would).
 * Everything is static: each test program is one translation unit.
 */
#ifndef PCISIM_TESTS_MODEL_REFDEV_TEST_H
#define PCISIM_TESTS_MODEL_REFDEV_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "bus/hostmem.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "model/refdev.h"
#include "platform/access.h"
#include "platform/dma.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define RT_INTX_INPUT 16u
#define RT_INTX_VECTOR 0x30u
#define RT_MSI_ADDR 0xfee00000u
#define RT_MSI_DATA 0x40u   /* MSI vectors 0x40.. */
#define RT_MSIX_DATA 0x60u  /* MSI-X entry n: vector 0x60 + n */
#define RT_HIGH_RAM (4 * GIB)

struct rt {
	struct sim_kernel k;
	struct refdev dev;
	struct platform_machine *m;
	struct platform_irq *pi;
	struct irq_fn *fn;
	struct irq_ctrl *c;
	struct dma_port port;
	struct platform_bar_ops bars;
	struct platform_device_desc dd;
	uint64_t bar0, bar2, bar4;
	unsigned reports;
	/* deliveries per vector, and the time of the latest */
	unsigned count[256];
	sim_time_t last_ps[256];
	unsigned deliveries;
};

static const struct bus_mem_range rt_ram[] = { { 0, 3 * GIB }, { RT_HIGH_RAM, 16 * MIB } };

static void rt_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	struct rt *t = opaque;

	(void)sev;
	(void)now_ps;
	(void)msg;
	t->reports++;
}

static void rt_deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
		       const struct irq_delivery *d)
{
	struct rt *t = opaque;

	(void)c;
	(void)cpu;
	t->count[vector & 0xff]++;
	t->last_ps[vector & 0xff] = d->t_ps;
	t->deliveries++;
}

static const struct irq_sink_ops rt_sink_ops = { .deliver = rt_deliver };

static inline void rt_cfg_write(struct rt *t, uint32_t off, uint32_t len, uint32_t v)
{
	ck_assert_int_eq(platform_cfg_write(t->m, 0, 0, 0, off, len, v), SIM_OK);
}

static inline uint32_t rt_cfg_read(struct rt *t, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(platform_cfg_read(t->m, 0, 0, 0, off, len, &v), SIM_OK);
	return v;
}

/* Build everything; @cfg NULL for the defaults. */
static inline void rt_up(struct rt *t, const struct refdev_config *cfg)
{
	struct sim_kernel_config kc;
	struct platform_desc d = { 0 };
	const struct bus_topo_result *r;
	void *op;

	memset(t, 0, sizeof(*t));
	sim_kernel_config_default(&kc);
	kc.report = rt_report;
	kc.report_opaque = t;
	ck_assert_int_eq(sim_kernel_init(&t->k, &kc), SIM_OK);
	ck_assert_int_eq(refdev_init(&t->dev, &t->k, cfg), SIM_OK);
	for (unsigned b = 0; b < PLATFORM_BARS; b++) {
		t->bars.ops[b] = refdev_bar_ops(&t->dev, b, &op);
		t->bars.opaque[b] = op;
	}
	t->dd = (struct platform_device_desc){
		.name = "refdev", .device = 0, .cfg = refdev_cfg(&t->dev), .bars = &t->bars,
		.link_gen = t->dev.conf.link_gen, .link_width = t->dev.conf.link_width,
	};
	d.ram = rt_ram;
	d.n_ram = 2;
	d.max_backed_bytes = 256 * MIB;
	d.mem32 = (struct bus_topo_window){ 0xc0000000u, 512 * MIB };
	d.pref64 = (struct bus_topo_window){ UINT64_C(0x800000000), 4 * GIB };
	d.ecam_base = 0xe0000000u;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &t->dd;
	d.n_devices = 1;
	ck_assert_msg(platform_machine_build(&t->m, &d) == SIM_OK, "build: %s",
		      platform_build_error());
	ck_assert_int_eq(platform_irq_attach(&t->pi, t->m, &t->k, NULL), SIM_OK);
	t->fn = platform_irq_fn(t->pi, 0, 0, 0);
	ck_assert_ptr_nonnull(t->fn);
	t->c = platform_irq_ctrl(t->pi);
	ck_assert_int_eq(irq_ctrl_set_sink(t->c, 0, &rt_sink_ops, t), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(t->c, RT_INTX_INPUT, IRQ_TRIGGER_LEVEL,
					    RT_INTX_VECTOR, 0), SIM_OK);
	ck_assert_int_eq(refdev_connect_irq(&t->dev, t->fn), SIM_OK);
	ck_assert_int_eq(platform_dma_port(t->m, 0, 0, 0, &t->port), SIM_OK);
	ck_assert_int_eq(refdev_connect_dma(&t->dev, &t->port), SIM_OK);
	r = platform_fn_result(t->m, 0, 0, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pci_cfg_bar_address(refdev_cfg(&t->dev), 0, &t->bar0), SIM_OK);
	ck_assert_int_eq(pci_cfg_bar_address(refdev_cfg(&t->dev), 2, &t->bar2), SIM_OK);
	if (t->dev.conf.msix)
		ck_assert_int_eq(pci_cfg_bar_address(refdev_cfg(&t->dev), 4, &t->bar4), SIM_OK);
	rt_cfg_write(t, PCI_CFG_COMMAND, 2,
		     rt_cfg_read(t, PCI_CFG_COMMAND, 2) | PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

static inline void rt_down(struct rt *t)
{
	refdev_disconnect(&t->dev);
	platform_irq_detach(t->pi);
	platform_machine_destroy(t->m);
	refdev_destroy(&t->dev);
	sim_kernel_destroy(&t->k);
}

/* Untimed MMIO at the current simulated time. */
static inline uint64_t rt_mmio_rd(struct rt *t, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	ck_assert_int_eq(bus_decode_read(platform_decode(t->m), addr, size, &v, NULL), SIM_OK);
	return v;
}

static inline void rt_mmio_wr(struct rt *t, uint64_t addr, unsigned size, uint64_t v)
{
	ck_assert_int_eq(bus_decode_write(platform_decode(t->m), addr, size, v, NULL), SIM_OK);
}

static inline uint32_t rd(struct rt *t, uint32_t off)
{
	return (uint32_t)rt_mmio_rd(t, t->bar0 + off, 4);
}

static inline void wr(struct rt *t, uint32_t off, uint32_t v)
{
	rt_mmio_wr(t, t->bar0 + off, 4, v);
}

static inline void rt_run(struct rt *t)
{
	ck_assert_int_eq(sim_run(&t->k), SIM_STOP_FINISHED);
}

static inline void rt_run_until(struct rt *t, sim_time_t at_ps)
{
	enum sim_stop_reason r = sim_run_until(&t->k, at_ps);

	ck_assert(r == SIM_STOP_TIME || r == SIM_STOP_FINISHED);
}

static inline void hm_write(struct rt *t, uint64_t addr, const void *buf, size_t len)
{
	ck_assert_int_eq(bus_mem_write(platform_mem(t->m), addr, buf, len), SIM_OK);
}

static inline void hm_read(struct rt *t, uint64_t addr, void *buf, size_t len)
{
	ck_assert_int_eq(bus_mem_read(platform_mem(t->m), addr, buf, len), SIM_OK);
}

static inline void hm_write64(struct rt *t, uint64_t addr, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	hm_write(t, addr, b, 8);
}

/* Program MSI: address, data RT_MSI_DATA, Multiple Message Enable @mme
 * (2^mme messages), enabled. */
static inline void rt_msi_enable(struct rt *t, unsigned mme)
{
	uint32_t cap = t->dev.cap_msi;

	rt_cfg_write(t, cap + PCI_MSI_ADDRESS_LO, 4, RT_MSI_ADDR);
	rt_cfg_write(t, cap + PCI_MSI_ADDRESS_HI, 4, 0);
	rt_cfg_write(t, cap + 0x0c, 2, RT_MSI_DATA); /* 64-bit layout: data at 0x0c */
	rt_cfg_write(t, cap + PCI_MSI_FLAGS, 2, (mme << 4) | PCI_MSI_FLAGS_ENABLE);
}

/* Program MSI-X entry @e (vector RT_MSIX_DATA + e), unmasked. */
static inline void rt_msix_entry(struct rt *t, unsigned e)
{
	uint64_t base = t->bar4 + (uint64_t)e * 16;

	rt_mmio_wr(t, base, 4, RT_MSI_ADDR);
	rt_mmio_wr(t, base + 4, 4, 0);
	rt_mmio_wr(t, base + 8, 4, RT_MSIX_DATA + e);
	rt_mmio_wr(t, base + 12, 4, 0);
}

static inline void rt_msix_enable(struct rt *t)
{
	rt_cfg_write(t, t->dev.cap_msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
}

/* Start command @cmd now and run until nothing is left. */
static inline void rt_cmd(struct rt *t, uint32_t cmd)
{
	wr(t, REFDEV_CMD, cmd);
	rt_run(t);
}

/* What a driver does: read INT_STATUS, write back what it saw. */
static inline void rt_ack(struct rt *t)
{
	wr(t, REFDEV_INT_STATUS, rd(t, REFDEV_INT_STATUS));
}

static inline unsigned rt_err_code(struct rt *t)
{
	return (rd(t, REFDEV_STATUS) & REFDEV_STATUS_CODE_MASK) >> REFDEV_STATUS_CODE_SHIFT;
}

#endif /* PCISIM_TESTS_MODEL_REFDEV_TEST_H */
