/*
 * tests/model/test-irq.c - Check tests of the reference device's
 * interrupts against ../shared/spec/refdev.md, section "Interrupts" (and
 * INT_COUNT, MSIX_VEC, STATUS.SINGLE_MSG of "Registers (BAR0)"): INTx
 * level semantics and the rising-edge rule (enable after set), MSI with 4+
 * messages (message = cause vector) and fewer (SINGLE_MSG, message 0),
 * masking, Pending and its withdrawal when the cause is cleared, MSI-X
 * through MSIX_VEC (an entry beyond the table uses entry 0) with entry
 * masks and Function Mask, Bus Master Enable 0 holding messages.
 */
#include "refdev-test.h"

#define MSI_MASK_REG 0x10    /* 64-bit MSI with per-vector masking */

static void echo(struct rt *t)
{
	rt_cmd(t, REFDEV_CMD_ECHO);
}

static void raise_timer(struct rt *t)
{
	wr(t, REFDEV_ARG, 0);
	rt_cmd(t, REFDEV_CMD_TIMER);
}

static uint32_t msi_pending(struct rt *t)
{
	struct pci_cap_msi_state s;

	ck_assert_int_eq(pci_cap_msi_get(refdev_cfg(&t->dev), &s), SIM_OK);
	return s.pending;
}

/* INTx: INTA# asserted while (INT_STATUS & INT_MASK) != 0 and INT_EN = 1,
 * until the driver clears the bits (level); INT_COUNT counts rises. */
START_TEST(test_intx_level)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_CMD_DONE);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	echo(&t);
	ck_assert(irq_fn_intx_wire(t.fn));
	ck_assert(irq_ctrl_input_level(t.c, RT_INTX_INPUT));
	ck_assert_uint_eq(t.count[RT_INTX_VECTOR], 1);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	ck_assert(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	/* A second cause of the same kind keeps the level: no new rise. */
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_CMD_DONE | REFDEV_INT_TIMER);
	raise_timer(&t);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	/* Clearing one keeps it asserted; clearing both drops it. */
	(void)rd(&t, REFDEV_INT_STATUS);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_CMD_DONE);
	rt_run(&t);
	ck_assert(irq_ctrl_input_level(t.c, RT_INTX_INPUT));
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_TIMER);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	ck_assert(!irq_ctrl_input_level(t.c, RT_INTX_INPUT));
	ck_assert(!(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	rt_down(&t);
}
END_TEST

/* Rising-edge rule: a cause already set is signalled when it becomes
 * enabled (INT_MASK or INT_EN written); INT_EN = 0 deasserts. */
START_TEST(test_intx_enable_after_set)
{
	struct rt t;

	rt_up(&t, NULL);
	echo(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_CMD_DONE);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn)); /* INT_EN still 0 */
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_run(&t);
	ck_assert(irq_fn_intx_wire(t.fn));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	wr(&t, REFDEV_CTRL, 0);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_run(&t);
	ck_assert(irq_fn_intx_wire(t.fn));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 2);
	/* Interrupt Disable gates the wire (the count is after gating). */
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2,
		     rt_cfg_read(&t, PCI_CFG_COMMAND, 2) | PCI_CMD_INTX_DISABLE);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	ck_assert(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2,
		     rt_cfg_read(&t, PCI_CFG_COMMAND, 2) & ~(unsigned)PCI_CMD_INTX_DISABLE);
	rt_run(&t);
	ck_assert(irq_fn_intx_wire(t.fn));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 3);
	/* Masking the cause drops the level. */
	wr(&t, REFDEV_INT_MASK, 0);
	rt_run(&t);
	ck_assert(!irq_fn_intx_wire(t.fn));
	rt_down(&t);
}
END_TEST

/* MSI with 8 (and 4) messages: message number = cause vector (CMD_DONE 0,
 * DMA_DONE 1, ERROR 2, TIMER 3); SINGLE_MSG 0; no INTx. */
START_TEST(test_msi_multi)
{
	struct rt t;

	for (unsigned mme = 2; mme <= 3; mme++) {
		rt_up(&t, NULL);
		rt_msi_enable(&t, mme);
		wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
		wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
		ck_assert(!(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_SINGLE_MSG));
		echo(&t);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 0], 1);
		wr(&t, REFDEV_CMD, 0x77); /* BAD_CMD: ERROR */
		rt_run(&t);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 2], 1);
		raise_timer(&t);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 3], 1);
		wr(&t, REFDEV_DMA_LENGTH, 0); /* DMA_RANGE: ERROR again, still set */
		rt_cmd(&t, REFDEV_CMD_DMA_READ);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 2], 1);
		ck_assert_uint_eq(t.deliveries, 3);
		ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 3);
		ck_assert(!irq_fn_intx_wire(t.fn));
		ck_assert_uint_eq(t.count[RT_INTX_VECTOR], 0);
		/* Cleared, set again: a new message. */
		(void)rd(&t, REFDEV_INT_STATUS);
		wr(&t, REFDEV_INT_STATUS, REFDEV_INT_ALL);
		echo(&t);
		ck_assert_uint_eq(t.count[RT_MSI_DATA + 0], 2);
		/* DMA_DONE is message 1. */
		{
			uint64_t page = 0x200000;

			hm_write64(&t, 0x10000, page);
			wr(&t, REFDEV_DMA_TABLE_LO, 0x10000);
			wr(&t, REFDEV_DMA_LENGTH, 64);
			rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
			ck_assert_uint_eq(t.count[RT_MSI_DATA + 1], 1);
		}
		ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 5);
		rt_down(&t);
	}
}
END_TEST

/* MSI granted fewer than 4 messages: STATUS.SINGLE_MSG = 1 and every cause
 * uses message 0; the driver reads INT_STATUS to tell them apart. */
START_TEST(test_msi_single)
{
	struct rt t;

	for (unsigned mme = 0; mme <= 1; mme++) {
		rt_up(&t, NULL);
		ck_assert(!(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_SINGLE_MSG));
		rt_msi_enable(&t, mme);
		ck_assert(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_SINGLE_MSG);
		wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
		wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
		echo(&t);
		raise_timer(&t);
		wr(&t, REFDEV_CMD, 0x77);
		rt_run(&t);
		ck_assert_uint_eq(t.count[RT_MSI_DATA], 3);
		ck_assert_uint_eq(t.deliveries, 3);
		ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS),
				  REFDEV_INT_CMD_DONE | REFDEV_INT_TIMER | REFDEV_INT_ERROR);
		ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 3);
		rt_down(&t);
	}
}
END_TEST

/* MSI masking: a masked vector's message sets its Pending bit and is sent
 * when unmasked; clearing the cause while pending withdraws it. */
START_TEST(test_msi_mask_pending)
{
	struct rt t;
	uint32_t mask_reg;

	rt_up(&t, NULL);
	mask_reg = t.dev.cap_msi + MSI_MASK_REG;
	rt_msi_enable(&t, 3);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cfg_write(&t, mask_reg, 4, 0x1); /* vector 0 (CMD_DONE) masked */
	echo(&t);
	ck_assert_uint_eq(t.deliveries, 0);
	ck_assert_uint_eq(msi_pending(&t), 0x1);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 0);
	rt_cfg_write(&t, mask_reg, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSI_DATA], 1);
	ck_assert_uint_eq(msi_pending(&t), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);

	/* Pending, then the cause is cleared: withdrawn, nothing on unmask. */
	rt_ack(&t);
	rt_cfg_write(&t, mask_reg, 4, 0x9); /* vectors 0 and 3 */
	echo(&t);
	raise_timer(&t);
	ck_assert_uint_eq(msi_pending(&t), 0x9);
	(void)rd(&t, REFDEV_INT_STATUS);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_CMD_DONE);
	ck_assert_uint_eq(msi_pending(&t), 0x8);
	rt_cfg_write(&t, mask_reg, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSI_DATA], 1);
	ck_assert_uint_eq(t.count[RT_MSI_DATA + 3], 1);
	rt_down(&t);
}
END_TEST

/* Single-message MSI: a pending message 0 is withdrawn only when no cause
 * that uses it is left set. */
START_TEST(test_msi_single_withdraw)
{
	struct rt t;
	uint32_t mask_reg;

	rt_up(&t, NULL);
	mask_reg = t.dev.cap_msi + MSI_MASK_REG;
	rt_msi_enable(&t, 0);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_cfg_write(&t, mask_reg, 4, 0x1);
	echo(&t);
	raise_timer(&t);
	ck_assert_uint_eq(msi_pending(&t), 1);
	(void)rd(&t, REFDEV_INT_STATUS);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_CMD_DONE);
	ck_assert_uint_eq(msi_pending(&t), 1); /* TIMER still set */
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_TIMER);
	ck_assert_uint_eq(msi_pending(&t), 0);
	rt_cfg_write(&t, mask_reg, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.deliveries, 0);
	rt_down(&t);
}
END_TEST

/* MSI-X: the entry of each cause comes from MSIX_VEC (reset value: cause
 * c uses entry c); an entry number beyond the table uses entry 0. */
START_TEST(test_msix_vec)
{
	struct rt t;

	rt_up(&t, NULL);
	for (unsigned e = 0; e < REFDEV_MSIX_ENTRIES; e++)
		rt_msix_entry(&t, e);
	rt_msix_enable(&t);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	echo(&t);
	raise_timer(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 0], 1);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 3], 1);
	ck_assert(!irq_fn_intx_wire(t.fn));
	rt_ack(&t);
	/* CMD_DONE -> 5, DMA_DONE -> 8 (beyond: 0), ERROR -> 0xff (0), TIMER -> 7 */
	wr(&t, REFDEV_MSIX_VEC, 0x07ff0805u);
	echo(&t);
	raise_timer(&t);
	wr(&t, REFDEV_CMD, 0x99);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 5], 1);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 7], 1);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 0], 2);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 5);
	ck_assert_uint_eq(t.fn->stats.msix_sent, 5);
	rt_down(&t);
}
END_TEST

/* MSI-X masking (entry Mask Bit and Function Mask) with the PBA, and the
 * withdrawal when the cause is cleared; the table's access rules. */
START_TEST(test_msix_mask_pending)
{
	struct rt t;
	uint64_t pba;

	rt_up(&t, NULL);
	for (unsigned e = 0; e < REFDEV_MSIX_ENTRIES; e++)
		rt_msix_entry(&t, e);
	rt_msix_enable(&t);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	rt_mmio_wr(&t, t.bar4 + 0 * 16 + 12, 4, 1); /* entry 0 masked */
	echo(&t);
	ck_assert_uint_eq(t.deliveries, 0);
	pba = rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 8);
	ck_assert_uint_eq(pba, 1);
	rt_mmio_wr(&t, t.bar4 + 0 * 16 + 12, 4, 0);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA], 1);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 8), 0);

	/* Function Mask: pending, then withdrawn by clearing the cause. */
	rt_cfg_write(&t, t.dev.cap_msix + PCI_MSIX_FLAGS, 2,
		     PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	raise_timer(&t);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 4), 0x8);
	(void)rd(&t, REFDEV_INT_STATUS);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_TIMER);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + REFDEV_MSIX_PBA, 4), 0);
	rt_msix_enable(&t);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA + 3], 0);

	/* Table and PBA: aligned 32/64-bit only; others ignored, read all ones. */
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 8, 4), RT_MSIX_DATA);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 8, 2), 0xffff);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 9, 4), 0xffffffffu);
	rt_mmio_wr(&t, t.bar4 + 8, 1, 0x11);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 8, 4), RT_MSIX_DATA);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar4 + 0, 8), RT_MSI_ADDR);
	ck_assert_uint_eq(t.dev.stats.errors[REFDEV_ERR_ACCESS], 0);
	rt_down(&t);
}
END_TEST

/* With Bus Master Enable 0 no message is sent; a cause still set when it
 * becomes 1 is signalled then (and one cleared meanwhile is not). */
START_TEST(test_bus_master_holds)
{
	struct rt t;
	uint32_t cmd;

	rt_up(&t, NULL);
	rt_msi_enable(&t, 3);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	cmd = rt_cfg_read(&t, PCI_CFG_COMMAND, 2);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd & ~(unsigned)PCI_CMD_MASTER);
	echo(&t);
	raise_timer(&t);
	ck_assert_uint_eq(t.deliveries, 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 0);
	(void)rd(&t, REFDEV_INT_STATUS);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_TIMER);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSI_DATA + 0], 1);
	ck_assert_uint_eq(t.count[RT_MSI_DATA + 3], 0);
	ck_assert_uint_eq(t.deliveries, 1);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 1);
	/* MSI-X the same way. */
	rt_ack(&t);
	for (unsigned e = 0; e < REFDEV_MSIX_ENTRIES; e++)
		rt_msix_entry(&t, e);
	rt_msix_enable(&t);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd & ~(unsigned)PCI_CMD_MASTER);
	echo(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA], 0);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd);
	rt_run(&t);
	ck_assert_uint_eq(t.count[RT_MSIX_DATA], 1);
	rt_down(&t);
}
END_TEST

/* The DMA_DONE message travels behind the device's posted writes: it is
 * delivered after the last write of the transfer has crossed the link. */
START_TEST(test_msi_after_dma_writes)
{
	struct rt t;

	rt_up(&t, NULL);
	rt_msi_enable(&t, 3);
	wr(&t, REFDEV_INT_MASK, REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_INT_EN);
	hm_write64(&t, 0x10000, 0x200000);
	hm_write64(&t, 0x10008, 0x300000);
	wr(&t, REFDEV_DMA_TABLE_LO, 0x10000);
	wr(&t, REFDEV_DMA_LENGTH, 8192);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(t.count[RT_MSI_DATA + 1], 1);
	/* Latency, the table read (600 ns), 8 KiB at under 8 GB/s. */
	ck_assert_uint_gt(t.last_ps[RT_MSI_DATA + 1], SIM_NS(500) + SIM_NS(600) + SIM_NS(1024));
	ck_assert_uint_le(t.last_ps[RT_MSI_DATA + 1], sim_now(&t.k));
	rt_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model:irq");
	TCase *tc = tcase_create("irq");

	tcase_add_test(tc, test_intx_level);
	tcase_add_test(tc, test_intx_enable_after_set);
	tcase_add_test(tc, test_msi_multi);
	tcase_add_test(tc, test_msi_single);
	tcase_add_test(tc, test_msi_mask_pending);
	tcase_add_test(tc, test_msi_single_withdraw);
	tcase_add_test(tc, test_msix_vec);
	tcase_add_test(tc, test_msix_mask_pending);
	tcase_add_test(tc, test_bus_master_holds);
	tcase_add_test(tc, test_msi_after_dma_writes);
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
