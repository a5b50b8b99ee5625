/*
 * tests/model/test-edu.c - Check tests of the edu device model
 * (model/edu.h) against its specification, QEMU docs/specs/edu.rst ("PCI
 * specs", "MMIO area spec", "IRQ controller", "DMA controller"), in a
 * machine: the device on the root bus with its link, interrupts attached
 * (INTA# routed to input 16, vector 0x40; MSI vector 0x50 on CPU 0) and
 * its bus-master port.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "irq/ctrl.h"
#include "irq/sink.h"
#include "model/edu.h"
#include "platform/dma.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define INPUT 16u
#define VEC_INTX 0x40u
#define VEC_MSI 0x50u

struct world {
	struct sim_kernel k;
	struct edu dev;
	struct platform_bar_ops bars;
	struct platform_machine *m;
	struct platform_irq *pi;
	struct dma_port port;
	struct irq_simple_sink sink;
	uint64_t bar0;
	unsigned warnings;
};

static void count_warnings(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	struct world *w = opaque;

	(void)now_ps;
	(void)msg;
	if (sev == SIM_SEV_WARNING)
		w->warnings++;
}

static const struct bus_mem_range ram[] = { { 0, 1 * GIB } };

static void up(struct world *w, const struct edu_config *conf)
{
	struct sim_kernel_config kc;
	struct platform_device_desc dev = { 0 };
	struct platform_desc d = { 0 };

	memset(w, 0, sizeof(*w));
	sim_kernel_config_default(&kc);
	kc.report = count_warnings;
	kc.report_opaque = w;
	ck_assert_int_eq(sim_kernel_init(&w->k, &kc), SIM_OK);
	ck_assert_int_eq(edu_init(&w->dev, &w->k, conf), SIM_OK);
	w->bars.ops[0] = edu_bar_ops(&w->dev, 0, &w->bars.opaque[0]);
	dev.name = "edu";
	dev.device = 0;
	dev.cfg = edu_cfg(&w->dev);
	dev.bars = &w->bars;
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ 0xc0000000u, 512 * MIB };
	d.ecam_base = 0xe0000000u;
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &dev;
	d.n_devices = 1;
	ck_assert_msg(platform_machine_build(&w->m, &d) == SIM_OK, "%s", platform_build_error());
	ck_assert_int_eq(platform_irq_attach(&w->pi, w->m, &w->k, NULL), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(platform_irq_ctrl(w->pi), INPUT, IRQ_TRIGGER_LEVEL,
					    VEC_INTX, 0), SIM_OK);
	ck_assert_int_eq(irq_simple_sink_init(&w->sink, &w->k, false, 0), SIM_OK);
	ck_assert_int_eq(irq_simple_sink_install(&w->sink, platform_irq_ctrl(w->pi), 0), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(w->m, 0, 0, 0, PCI_CFG_COMMAND, 2,
					    PCI_CMD_MEMORY | PCI_CMD_MASTER), SIM_OK);
	ck_assert_int_eq(platform_dma_port(w->m, 0, 0, 0, &w->port), SIM_OK);
	ck_assert_int_eq(edu_connect_irq(&w->dev, platform_irq_fn(w->pi, 0, 0, 0)), SIM_OK);
	ck_assert_int_eq(edu_connect_dma(&w->dev, &w->port), SIM_OK);
	w->bar0 = platform_fn_result(w->m, 0, 0, 0)->res[0].base;
}

static void down(struct world *w)
{
	edu_disconnect(&w->dev);
	irq_simple_sink_destroy(&w->sink);
	platform_irq_detach(w->pi);
	platform_machine_destroy(w->m);
	edu_destroy(&w->dev);
	sim_kernel_destroy(&w->k);
}

static uint64_t rd(struct world *w, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	ck_assert_int_eq(bus_decode_read(platform_decode(w->m), w->bar0 + off, size, &v, NULL), 0);
	return v;
}

static void wr(struct world *w, uint64_t off, unsigned size, uint64_t v)
{
	ck_assert_int_eq(bus_decode_write(platform_decode(w->m), w->bar0 + off, size, v, NULL), 0);
}

static bool line(struct world *w)
{
	return irq_ctrl_input_level(platform_irq_ctrl(w->pi), INPUT);
}

/* "PCI specs": 1234:11e8, Region 0 of 1 MB; MSI and INTx supported. */
START_TEST(test_config_space)
{
	struct world w;
	const struct bus_topo_result *r;
	struct pci_cap_msi_state msi;

	up(&w, NULL);
	ck_assert_uint_eq(pci_cfg_get_u16(&w.dev.cfg, PCI_CFG_VENDOR_ID), 0x1234);
	ck_assert_uint_eq(pci_cfg_get_u16(&w.dev.cfg, PCI_CFG_DEVICE_ID), 0x11e8);
	r = platform_fn_result(w.m, 0, 0, 0);
	ck_assert_uint_eq(r->n_res, 1);
	ck_assert_uint_eq(r->res[0].size_bytes, MIB);
	ck_assert_uint_eq(pci_cfg_get_u8(&w.dev.cfg, PCI_CFG_INTERRUPT_PIN), 1);
	ck_assert_int_eq(pci_cap_msi_get(&w.dev.cfg, &msi), SIM_OK);
	ck_assert(!msi.enabled);
	down(&w);
}
END_TEST

/* "MMIO area spec": identification, liveness, the access sizes. */
START_TEST(test_registers)
{
	struct world w;

	up(&w, NULL);
	ck_assert_uint_eq(rd(&w, EDU_REG_ID, 4), 0x010000edu);
	wr(&w, EDU_REG_LIVENESS, 4, 0x12345678);
	ck_assert_uint_eq(rd(&w, EDU_REG_LIVENESS, 4), (uint32_t)~0x12345678u);
	/* Below 0x80 only 4-byte accesses: an 8-byte one reads all ones. */
	ck_assert_uint_eq(rd(&w, EDU_REG_ID, 8), UINT64_MAX);
	wr(&w, EDU_REG_FACTORIAL, 8, 3);
	ck_assert_uint_eq(rd(&w, EDU_REG_STATUS, 4), 0); /* nothing started */
	ck_assert_uint_eq(edu_stats(&w.dev)->guest_errors, 2);
	/* From 0x80, 4 and 8: the 64-bit DMA registers by halves or whole. */
	wr(&w, EDU_REG_DMA_SRC, 8, UINT64_C(0x1122334455667788));
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_SRC, 4), 0x55667788);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_SRC + 4, 4), 0x11223344);
	wr(&w, EDU_REG_DMA_SRC + 4, 4, 0);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_SRC, 8), 0x55667788);
	/* Read-only registers: written, unchanged, reported. */
	wr(&w, EDU_REG_ID, 4, 0);
	ck_assert_uint_eq(rd(&w, EDU_REG_ID, 4), 0x010000edu);
	ck_assert_uint_eq(edu_stats(&w.dev)->guest_errors, 3);
	down(&w);
}
END_TEST

/* "0x08 factorial computation", status bits 0x01 and 0x80. */
START_TEST(test_factorial)
{
	struct world w;

	up(&w, NULL);
	wr(&w, EDU_REG_FACTORIAL, 4, 5);
	ck_assert_uint_eq(rd(&w, EDU_REG_STATUS, 4) & EDU_STATUS_COMPUTING, EDU_STATUS_COMPUTING);
	sim_run(&w.k);
	ck_assert_uint_eq(sim_now(&w.k), SIM_US(1));
	ck_assert_uint_eq(rd(&w, EDU_REG_FACTORIAL, 4), 120);
	ck_assert_uint_eq(rd(&w, EDU_REG_STATUS, 4), 0);
	ck_assert(!line(&w)); /* no interrupt asked */
	/* With 0x80: the computation raises an interrupt. 13! wraps. */
	wr(&w, EDU_REG_STATUS, 4, EDU_STATUS_IRQ_FACT | EDU_STATUS_COMPUTING);
	ck_assert_uint_eq(rd(&w, EDU_REG_STATUS, 4), EDU_STATUS_IRQ_FACT); /* 0x01 is RO */
	wr(&w, EDU_REG_FACTORIAL, 4, 13);
	sim_run(&w.k);
	ck_assert_uint_eq(rd(&w, EDU_REG_FACTORIAL, 4), (uint32_t)UINT64_C(6227020800));
	ck_assert_uint_eq(rd(&w, EDU_REG_IRQ_STATUS, 4), EDU_IRQ_FACT);
	ck_assert(line(&w));
	ck_assert_uint_eq(w.sink.count[VEC_INTX], 1);
	wr(&w, EDU_REG_FACTORIAL, 4, 40);
	sim_run(&w.k);
	ck_assert_uint_eq(rd(&w, EDU_REG_FACTORIAL, 4), 0);
	down(&w);
}
END_TEST

/* "IRQ controller": raise ORs in, acknowledge clears; INTx while set. */
START_TEST(test_intx_raise_ack)
{
	struct world w;

	up(&w, NULL);
	wr(&w, EDU_REG_IRQ_RAISE, 4, 0x5);
	sim_run(&w.k);
	ck_assert_uint_eq(rd(&w, EDU_REG_IRQ_STATUS, 4), 0x5);
	ck_assert(line(&w));
	ck_assert_uint_eq(w.sink.count[VEC_INTX], 1);
	wr(&w, EDU_REG_IRQ_ACK, 4, 0x1);
	sim_run(&w.k);
	ck_assert(line(&w)); /* 0x4 still set */
	wr(&w, EDU_REG_IRQ_ACK, 4, 0x4);
	sim_run(&w.k);
	ck_assert(!line(&w));
	ck_assert_uint_eq(rd(&w, EDU_REG_IRQ_STATUS, 4), 0);
	down(&w);
}
END_TEST

/* "supports both INTx and MSI": with MSI enabled, a raise of new bits
 * sends the message; the driver still acknowledges. */
START_TEST(test_msi)
{
	struct world w;
	uint32_t m;

	up(&w, NULL);
	m = w.dev.msi_off;
	ck_assert_int_eq(platform_cfg_write(w.m, 0, 0, 0, m + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u),
			 SIM_OK);
	ck_assert_int_eq(platform_cfg_write(w.m, 0, 0, 0, m + 0x0c, 2, VEC_MSI), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(w.m, 0, 0, 0, m + PCI_MSI_FLAGS, 2,
					    PCI_MSI_FLAGS_ENABLE), SIM_OK);
	wr(&w, EDU_REG_IRQ_RAISE, 4, 0x2);
	sim_run(&w.k);
	ck_assert_uint_eq(w.sink.count[VEC_MSI], 1);
	ck_assert(!line(&w)); /* MSI enabled: no INTx */
	wr(&w, EDU_REG_IRQ_RAISE, 4, 0x2); /* nothing new: no message */
	sim_run(&w.k);
	ck_assert_uint_eq(w.sink.count[VEC_MSI], 1);
	wr(&w, EDU_REG_IRQ_ACK, 4, 0x2);
	wr(&w, EDU_REG_IRQ_RAISE, 4, 0x2);
	sim_run(&w.k);
	ck_assert_uint_eq(w.sink.count[VEC_MSI], 2);
	down(&w);
}
END_TEST

static void program_dma(struct world *w, uint64_t src, uint64_t dst, uint64_t n, uint64_t cmd)
{
	wr(w, EDU_REG_DMA_SRC, 8, src);
	wr(w, EDU_REG_DMA_DST, 8, dst);
	wr(w, EDU_REG_DMA_COUNT, 8, n);
	wr(w, EDU_REG_DMA_CMD, 8, cmd);
}

/* "DMA controller": the spec's own example, 100 bytes in and out. */
START_TEST(test_dma_round_trip)
{
	struct world w;
	struct bus_mem *mem;
	uint8_t in[100], out[100];

	up(&w, NULL);
	mem = platform_mem(w.m);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(bus_mem_write(mem, 0x123456, in, sizeof(in)), SIM_OK);
	program_dma(&w, 0x123456, EDU_BUF_ADDR, 100, EDU_DMA_START);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_CMD, 4) & EDU_DMA_START, EDU_DMA_START);
	sim_run(&w.k);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_CMD, 4) & EDU_DMA_START, 0);
	ck_assert(sim_now(&w.k) > SIM_NS(100)); /* command latency, then the link */
	ck_assert_mem_eq(w.dev.buf, in, sizeof(in));
	/* Back out, 100 bytes further, with the completion interrupt. */
	program_dma(&w, EDU_BUF_ADDR, 0x123456 + 100, 100,
		    EDU_DMA_START | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
	sim_run(&w.k);
	ck_assert_int_eq(bus_mem_read(mem, 0x123456 + 100, out, sizeof(out)), SIM_OK);
	ck_assert_mem_eq(out, in, sizeof(in));
	ck_assert_uint_eq(rd(&w, EDU_REG_IRQ_STATUS, 4), EDU_IRQ_DMA);
	ck_assert(line(&w));
	ck_assert_uint_eq(edu_stats(&w.dev)->dmas, 2);
	ck_assert_uint_eq(edu_stats(&w.dev)->dma_bytes, 200);
	down(&w);
}
END_TEST

/* Out-of-range DMA is a reported guest error, never a copy. */
START_TEST(test_dma_refused)
{
	struct world w;
	struct edu_config c;
	uint8_t zero[16] = { 0 };

	up(&w, NULL);
	/* Past the end of the buffer. */
	program_dma(&w, 0x1000, EDU_BUF_ADDR + 4000, 200, EDU_DMA_START | EDU_DMA_IRQ);
	sim_run(&w.k);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_CMD, 4) & EDU_DMA_START, 0);
	ck_assert_uint_eq(rd(&w, EDU_REG_IRQ_STATUS, 4), EDU_IRQ_DMA); /* still completes */
	/* Beyond the default 28-bit DMA mask. */
	program_dma(&w, 0x10000000, EDU_BUF_ADDR, 16, EDU_DMA_START);
	sim_run(&w.k);
	ck_assert_uint_eq(edu_stats(&w.dev)->guest_errors, 2);
	ck_assert_uint_eq(edu_stats(&w.dev)->dmas, 0);
	ck_assert_mem_eq(w.dev.buf, zero, sizeof(zero));
	ck_assert_uint_eq(w.warnings, 2);
	down(&w);
	/* With a 32-bit mask the same address is fine. */
	edu_config_default(&c);
	c.dma_mask = UINT64_C(0xffffffff);
	up(&w, &c);
	program_dma(&w, 0x10000000, EDU_BUF_ADDR, 16, EDU_DMA_START);
	sim_run(&w.k);
	ck_assert_uint_eq(edu_stats(&w.dev)->dmas, 1);
	down(&w);
}
END_TEST

/* Bus Master Enable off: the bus refuses the device's requests. */
START_TEST(test_dma_without_bus_master)
{
	struct world w;

	up(&w, NULL);
	ck_assert_int_eq(platform_cfg_write(w.m, 0, 0, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY),
			 SIM_OK);
	program_dma(&w, 0x2000, EDU_BUF_ADDR, 64, EDU_DMA_START);
	sim_run(&w.k);
	ck_assert_uint_eq(edu_stats(&w.dev)->dma_failed, 1);
	ck_assert_uint_eq(rd(&w, EDU_REG_DMA_CMD, 4) & EDU_DMA_START, 0);
	down(&w);
}
END_TEST

/* A conventional reset (pci_cfg_reset(), e.g. a Secondary Bus Reset
 * above it) clears the registers and drops the line; the buffer stays. */
START_TEST(test_reset)
{
	struct world w;

	up(&w, NULL);
	w.dev.buf[0] = 0xab;
	wr(&w, EDU_REG_IRQ_RAISE, 4, 0x8);
	wr(&w, EDU_REG_FACTORIAL, 4, 4);
	sim_run(&w.k);
	ck_assert(line(&w));
	ck_assert_int_eq(pci_cfg_reset(&w.dev.cfg, PCI_RESET_HOT), SIM_OK);
	sim_run(&w.k);
	ck_assert(!line(&w));
	ck_assert_uint_eq(w.dev.irq_status, 0);
	ck_assert_uint_eq(w.dev.factorial, 0);
	ck_assert_uint_eq(w.dev.buf[0], 0xab);
	down(&w);
}
END_TEST

static Suite *edu_suite(void)
{
	Suite *s = suite_create("model:edu");
	TCase *tc = tcase_create("edu");

	tcase_add_test(tc, test_config_space);
	tcase_add_test(tc, test_registers);
	tcase_add_test(tc, test_factorial);
	tcase_add_test(tc, test_intx_raise_ack);
	tcase_add_test(tc, test_msi);
	tcase_add_test(tc, test_dma_round_trip);
	tcase_add_test(tc, test_dma_refused);
	tcase_add_test(tc, test_dma_without_bus_master);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(edu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
