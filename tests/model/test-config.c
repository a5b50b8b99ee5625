/*
 * tests/model/test-config.c - Check tests of the reference device's
 * configuration space against ../shared/spec/refdev.md, section
 * "Configuration space": IDs, class, Interrupt Pin, the BARs (sized as an
 * OS does, Linux's __pci_read_base sequence), the capabilities (PM, PCI
 * Express endpoint with MPS 512 and the link parameters, MSI with 8
 * messages / 64-bit / per-vector masking, MSI-X with 8 entries in BAR4),
 * the MSI-X-absent variant and refused parameters.
 */
#include "refdev-test.h"

/* Linux's sizing: save, write all ones, read, restore. */
static uint32_t size_mask(struct rt *t, uint32_t off)
{
	uint32_t save = rt_cfg_read(t, off, 4), v;

	rt_cfg_write(t, off, 4, 0xffffffffu);
	v = rt_cfg_read(t, off, 4);
	rt_cfg_write(t, off, 4, save);
	return v;
}

START_TEST(test_ids_and_class)
{
	struct rt t;

	rt_up(&t, NULL);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_VENDOR_ID, 2), 0x1234);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_DEVICE_ID, 2), 0x7011);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_REVISION_ID, 1), 0x01);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_REVISION_ID, 4) >> 8, 0xff0000);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_SUBSYS_VENDOR_ID, 2), 0x1234);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_SUBSYS_ID, 2), 0x0001);
	ck_assert_uint_eq(rt_cfg_read(&t, PCI_CFG_INTERRUPT_PIN, 1), 1);
	rt_down(&t);
}
END_TEST

START_TEST(test_bars)
{
	struct rt t;
	uint32_t cmd;

	rt_up(&t, NULL);
	cmd = rt_cfg_read(&t, PCI_CFG_COMMAND, 2);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd & ~(unsigned)PCI_CMD_MEMORY);
	/* BAR0: 4 KiB, 32-bit, non-prefetchable. */
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0), 0xfffff000u);
	/* BAR2/3: 1 MiB, 64-bit, prefetchable. */
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 8),
			  0xfff00000u | PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 12), 0xffffffffu);
	/* BAR4: 4 KiB, 32-bit, non-prefetchable. */
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 16), 0xfffff000u);
	/* BAR1 and BAR5 unimplemented. */
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 4), 0);
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 20), 0);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd);
	/* The machine placed them: BAR2 in the 64-bit prefetchable window. */
	ck_assert_uint_ge(t.bar2, UINT64_C(0x800000000));
	ck_assert_uint_eq(rd(&t, REFDEV_ID), REFDEV_ID_VALUE);
	rt_down(&t);
}
END_TEST

/* The device decodes its BARs only while Memory Space Enable is 1. */
START_TEST(test_memory_space_gates)
{
	struct rt t;
	uint32_t cmd;

	rt_up(&t, NULL);
	cmd = rt_cfg_read(&t, PCI_CFG_COMMAND, 2);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd & ~(unsigned)PCI_CMD_MEMORY);
	ck_assert_uint_eq(rd(&t, REFDEV_ID), 0xffffffffu);
	ck_assert_uint_eq(t.dev.stats.errors[REFDEV_ERR_ACCESS], 0); /* never reached */
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2, cmd);
	ck_assert_uint_eq(rd(&t, REFDEV_ID), REFDEV_ID_VALUE);
	rt_down(&t);
}
END_TEST

START_TEST(test_capabilities)
{
	struct rt t;
	struct refdev_config c;
	uint32_t pm, exp, msi, msix, v;

	refdev_config_default(&c);
	c.link_gen = 4;
	c.link_width = 4;
	rt_up(&t, &c);
	pm = pci_cap_find(refdev_cfg(&t.dev), PCI_CAP_ID_PM);
	exp = pci_cap_find(refdev_cfg(&t.dev), PCI_CAP_ID_EXP);
	msi = pci_cap_find(refdev_cfg(&t.dev), PCI_CAP_ID_MSI);
	msix = pci_cap_find(refdev_cfg(&t.dev), PCI_CAP_ID_MSIX);
	ck_assert_uint_ne(pm, 0);
	ck_assert_uint_ne(exp, 0);
	ck_assert_uint_ne(msi, 0);
	ck_assert_uint_ne(msix, 0);
	ck_assert(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_CAP_LIST);
	/* PCI Express: endpoint, MPS supported 512 (encoding 2), FLR. */
	v = rt_cfg_read(&t, exp + PCI_EXP_FLAGS, 2);
	ck_assert_uint_eq((v >> PCI_EXP_FLAGS_TYPE_SHIFT) & 0xf, PCI_EXP_TYPE_ENDPOINT);
	v = rt_cfg_read(&t, exp + PCI_EXP_DEVCAP, 4);
	ck_assert_uint_eq(v & PCI_EXP_DEVCAP_PAYLOAD, 2);
	ck_assert(v & PCI_EXP_DEVCAP_FLR);
	/* Link: the model parameters (Gen4 x4 here). */
	v = rt_cfg_read(&t, exp + PCI_EXP_LNKCAP, 4);
	ck_assert_uint_eq(v & PCI_EXP_LNKCAP_SLS, 4);
	ck_assert_uint_eq((v & PCI_EXP_LNKCAP_MLW) >> 4, 4);
	/* MSI: 64-bit, per-vector masking, Multiple Message Capable 011b. */
	v = rt_cfg_read(&t, msi + PCI_MSI_FLAGS, 2);
	ck_assert(v & PCI_MSI_FLAGS_64BIT);
	ck_assert(v & PCI_MSI_FLAGS_MASKBIT);
	ck_assert_uint_eq((v & PCI_MSI_FLAGS_MMC) >> 1, 3);
	/* MSI-X: 8 entries, Table BIR 4 offset 0, PBA BIR 4 offset 0x800. */
	v = rt_cfg_read(&t, msix + PCI_MSIX_FLAGS, 2);
	ck_assert_uint_eq(v & PCI_MSIX_FLAGS_QSIZE, 7);
	ck_assert_uint_eq(rt_cfg_read(&t, msix + PCI_MSIX_TABLE, 4), 4);
	ck_assert_uint_eq(rt_cfg_read(&t, msix + PCI_MSIX_PBA, 4), 0x800u | 4);
	rt_down(&t);
}
END_TEST

/* MSI-X is a model parameter: absent, there is no capability and no BAR4. */
START_TEST(test_no_msix)
{
	struct rt t;
	struct refdev_config c;
	void *op;

	refdev_config_default(&c);
	c.msix = false;
	c.sram_bytes = 64 * KIB;
	rt_up(&t, &c);
	ck_assert_uint_eq(pci_cap_find(refdev_cfg(&t.dev), PCI_CAP_ID_MSIX), 0);
	ck_assert_ptr_null(refdev_bar_ops(&t.dev, 4, &op));
	ck_assert_ptr_null(op);
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 16), 0);
	ck_assert_uint_eq(size_mask(&t, PCI_CFG_BAR0 + 8) & 0xfffffff0u, 0xffff0000u);
	rt_down(&t);
}
END_TEST

/* SRAM size: a power of two, 4 KiB to 64 MiB. */
START_TEST(test_bad_parameters)
{
	struct sim_kernel k;
	struct refdev d;
	struct refdev_config c;
	static const uint64_t bad[] = { 0, 2048, 3 * MIB, 128 * MIB };

	ck_assert_int_eq(sim_kernel_init(&k, NULL), SIM_OK);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		refdev_config_default(&c);
		c.sram_bytes = bad[i];
		ck_assert_int_eq(refdev_init(&d, &k, &c), SIM_ERR_INVALID);
	}
	refdev_config_default(&c);
	c.link_gen = 6;
	ck_assert_int_eq(refdev_init(&d, &k, &c), SIM_ERR_INVALID);
	refdev_config_default(&c);
	c.outstanding_reads = 0;
	ck_assert_int_eq(refdev_init(&d, &k, &c), SIM_ERR_INVALID);
	ck_assert_int_eq(refdev_init(NULL, &k, NULL), SIM_ERR_INVALID);
	refdev_config_default(&c);
	c.sram_bytes = 4 * KIB;
	ck_assert_int_eq(refdev_init(&d, &k, &c), SIM_OK);
	refdev_destroy(&d);
	c.sram_bytes = 64 * MIB;
	ck_assert_int_eq(refdev_init(&d, &k, &c), SIM_OK);
	refdev_destroy(&d);
	refdev_destroy(NULL);
	sim_kernel_destroy(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model:config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_ids_and_class);
	tcase_add_test(tc, test_bars);
	tcase_add_test(tc, test_memory_space_gates);
	tcase_add_test(tc, test_capabilities);
	tcase_add_test(tc, test_no_msix);
	tcase_add_test(tc, test_bad_parameters);
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
