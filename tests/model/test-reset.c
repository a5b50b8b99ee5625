/*
 * tests/model/test-reset.c - Check tests of the reference device's resets
 * against ../shared/spec/refdev.md, section "Reset" (and CTRL.RESET of
 * "Registers (BAR0)"): CTRL.RESET and a function-level reset (PCIe FLR
 * through Device Control, i.e. pci_cfg_reset() reaching the model's reset
 * hook) stop new requests, let what was issued drain with BUSY held,
 * cancel a pending TIMER, clear every BAR0 register, deassert INTA#,
 * clear pending MSI / MSI-X messages, keep SRAM (and, for CTRL.RESET,
 * configuration space) and raise no interrupt.
 */
#include "refdev-test.h"

#define TABLE UINT64_C(0x10000)

static void big_dma(struct rt *t, uint32_t cmd, unsigned pages)
{
	for (unsigned i = 0; i < pages; i++)
		hm_write64(t, TABLE + 8 * i, 16 * MIB + (uint64_t)i * 4096);
	wr(t, REFDEV_DMA_TABLE_LO, (uint32_t)TABLE);
	wr(t, REFDEV_DMA_LENGTH, pages * 4096);
	wr(t, REFDEV_DMA_OFFSET, 0);
	wr(t, REFDEV_CMD, cmd);
}

static void flr(struct rt *t)
{
	uint32_t devctl = rt_cfg_read(t, t->dev.cap_exp + PCI_EXP_DEVCTL, 2);

	rt_cfg_write(t, t->dev.cap_exp + PCI_EXP_DEVCTL, 2, devctl | PCI_EXP_DEVCTL_BCR_FLR);
}

/* Reset in the middle of a DMA: no new request, BUSY until the requests
 * already issued are done, then 0; no interrupt; DMA_BYTES cleared. */
START_TEST(test_reset_during_dma)
{
	struct rt t;

	for (unsigned dir = 0; dir < 2; dir++) {
		uint32_t cmd = dir ? REFDEV_CMD_DMA_WRITE : REFDEV_CMD_DMA_READ;
		struct dma_channel *ch;
		struct refdev_config c;
		uint64_t tlps;

		/* The engine's reference mode issues request by request, so
		 * "issued before the reset" is exact (the fast path has
		 * computed the requests up to its next event already). */
		refdev_config_default(&c);
		c.per_tlp = true;
		rt_up(&t, &c);
		rt_msi_enable(&t, 3);
		wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
		wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
		ch = dma_engine_channel(refdev_engine(&t.dev), 1);
		big_dma(&t, cmd, 256);
		rt_run_until(&t, SIM_US(20)); /* about a sixth of the transfer */
		ck_assert(ch->active);
		wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET);
		ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_BUSY);
		ck_assert_uint_eq(rd(&t, REFDEV_DMA_LENGTH), 0);
		ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
		/* A command now is refused: still busy. */
		wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
		ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_BUSY);
		rt_ack(&t);
		wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
		rt_run(&t);
		ck_assert_msg(sim_now(&t.k) < SIM_US(30), "%s drained at %llu ps",
			      dir ? "write" : "read", (unsigned long long)sim_now(&t.k));
		ck_assert_uint_eq(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_BUSY, 0);
		ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 1], 0);
		tlps = ch->stats.tlps;
		ck_assert_uint_lt(tlps, 256 * 4096 / 256);
		/* The device works again. */
		wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
		big_dma(&t, cmd, 2);
		rt_run(&t);
		ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
		ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 8192);
		rt_down(&t);
	}
}
END_TEST

/* Reset cancels a pending TIMER and a command waiting for its latency. */
START_TEST(test_reset_cancels)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 10);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	rt_run_until(&t, SIM_NS(100));
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	rt_run(&t);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), 0);
	ck_assert_uint_eq(sim_now(&t.k), SIM_NS(100));
	rt_down(&t);
}
END_TEST

/* Reset deasserts INTA#, clears INT_COUNT, raises no interrupt, keeps
 * SRAM and configuration space. */
START_TEST(test_reset_intx)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cmd(&t, REFDEV_CMD_ECHO);
	ck_assert(irq_fn_intx_wire(t.fn));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	refdev_sram(&t.dev)[100] = 0x5a;
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	ck_assert(!irq_ctrl_input_level(t.c, RT_INTX_INPUT));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	ck_assert_uint_eq(refdev_sram(&t.dev)[100], 0x5a);
	ck_assert(rt_cfg_read(&t, PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER);
	/* INT_COUNT counts again from 0. */
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cmd(&t, REFDEV_CMD_ECHO);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	rt_down(&t);
}
END_TEST

/* Reset clears the device's pending MSI and MSI-X messages; the MSI-X
 * table itself and MSI's programming (configuration space) stay. */
START_TEST(test_reset_pending)
{
	struct rt t;
	struct pci_cap_msi_state s;
	uint32_t mask_reg;

	rt_up(&t, NULL);
	mask_reg = t.dev.cap_msi + 0x10;
	rt_msi_enable(&t, 3);
	rt_cfg_write(&t, mask_reg, 4, 0xff);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cmd(&t, REFDEV_CMD_ECHO);
	ck_assert_int_eq(pci_cap_msi_get(refdev_cfg(&t.dev), &s), SIM_OK);
	ck_assert_uint_eq(s.pending, 1);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET);
	ck_assert_int_eq(pci_cap_msi_get(refdev_cfg(&t.dev), &s), SIM_OK);
	ck_assert_uint_eq(s.pending, 0);
	ck_assert(s.enabled);
	rt_cfg_write(&t, mask_reg, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.deliveries, 0);

	/* MSI-X */
	for (unsigned e = 0; e < REFDEV_MSIX_ENTRIES; e++)
		rt_msix_entry(&t, e);
	rt_msix_enable(&t);
	rt_mmio_wr(&t, t.bar4 + 12, 4, 1);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cmd(&t, REFDEV_CMD_ECHO);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 8), 1);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 8), 0);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 8, 4), RT_MSIX_DATA); /* kept */
	rt_mmio_wr(&t, t.bar4 + 12, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.deliveries, 0);
	rt_down(&t);
}
END_TEST

/* FLR (Device Control, Initiate Function Level Reset) resets the device
 * through its reset hook: registers, INTA#, a DMA in flight, a timer; the
 * configuration space returns to its defaults (Bus Master off) and the
 * MSI-X table to masked entries; SRAM stays. */
START_TEST(test_flr)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cmd(&t, REFDEV_CMD_ECHO);
	ck_assert(irq_fn_intx_wire(t.fn));
	rt_msix_entry(&t, 0);
	refdev_sram(&t.dev)[7] = 0x77;
	wr(&t, REFDEV_ARG, 100);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	big_dma(&t, REFDEV_CMD_DMA_WRITE, 64);
	rt_run_until(&t, sim_now(&t.k) + SIM_US(3));
	flr(&t);
	ck_assert_uint_eq(t.dev.stats.resets, 1);
	ck_assert(!(rt_cfg_read(&t, PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER));
	ck_assert_uint_eq(rd(&t, REFDEV_CTRL), 0xffffffffu); /* no decoding now */
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, 0);
	rt_cfg_write(&t, PCI_CFG_BAR0, 4, (uint32_t)t.bar0);
	rt_cfg_write(&t, PCI_CFG_BAR0 + 8, 4, (uint32_t)t.bar2);
	rt_cfg_write(&t, PCI_CFG_BAR0 + 12, 4, (uint32_t)(t.bar2 >> 32));
	rt_cfg_write(&t, PCI_CFG_BAR0 + 16, 4, (uint32_t)t.bar4);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert_uint_eq(rd(&t, REFDEV_CTRL), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_MASK), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_TABLE_LO), 0);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 12, 4), 1); /* masked again */
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 8, 4), 0);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar2 + 7, 1), 0x77);
	rt_down(&t);
}
END_TEST

/* A conventional reset (pci_cfg_reset(HOT)) and the D3hot -> D0 soft
 * reset reset the device as well. */
START_TEST(test_hot_reset)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 5);
	ck_assert_int_eq(pci_cfg_reset(refdev_cfg(&t.dev), PCI_RESET_HOT), SIM_OK);
	ck_assert_uint_eq(t.dev.stats.resets, 1);
	ck_assert_uint_eq(t.dev.arg, 0);
	/* D3hot -> D0 with No_Soft_Reset 0 (PM 1.2 §5.4.1) resets it too. */
	rt_cfg_write(&t, t.dev.cap_pm + PCI_PM_CTRL, 2, PCI_D3HOT);
	rt_cfg_write(&t, t.dev.cap_pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(t.dev.stats.resets, 2);
	rt_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model:reset");
	TCase *tc = tcase_create("reset");

	tcase_add_test(tc, test_reset_during_dma);
	tcase_add_test(tc, test_reset_cancels);
	tcase_add_test(tc, test_reset_intx);
	tcase_add_test(tc, test_reset_pending);
	tcase_add_test(tc, test_flr);
	tcase_add_test(tc, test_hot_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
