/*
 * tests/bus/test-reset.c - Check tests of function resets (bus/config.h
 * pci_cfg_reset(), and the resets bus/caps.c triggers).
 *
 * Asserted against PCIe 4.0 §6.6.1-6.6.2 (conventional reset and Function
 * Level Reset: what FLR keeps), §7.5.3.3-4 (FLR Capability, Initiate FLR
 * reads 0), §7.8.4 (AER registers are sticky) and PCI PM 1.2 §5.4.1
 * (D3hot -> D0 with No_Soft_Reset 0 is an internal reset; with it set,
 * nothing is lost).
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "bus-test.h"

#include "bus/caps.h"

struct model {
	struct pci_cfg cfg;
	uint32_t pm, exp, msi, aer;
	unsigned resets;
	enum pci_reset_kind last;
};

static void model_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	struct model *m = opaque;

	ck_assert_ptr_eq(c, &m->cfg);
	m->resets++;
	m->last = kind;
}

static const struct pci_cfg_ops model_ops = { .reset = model_reset };

static void model_init(struct model *m, bool flr, bool no_soft_reset)
{
	struct pci_cap_exp_params p = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.mps_supported_bytes = 512,
		.max_speed = PCI_LINK_8GT,
		.max_width = 8,
		.flr = flr,
	};

	memset(m, 0, sizeof(*m));
	ck_assert_int_eq(pci_cfg_init_type0(&m->cfg, 0x1b36, 0x11, 0xff0000, 1, 0x1b36, 0x11, 1),
			 SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&m->cfg, 0, PCI_BAR_MEM64, 16384, true), SIM_OK);
	ck_assert_int_eq(pci_cap_add_pm(&m->cfg, 0, no_soft_reset, 0, &m->pm), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msi(&m->cfg, 4, true, true, 0, &m->msi), SIM_OK);
	ck_assert_int_eq(pci_cap_add_express(&m->cfg, &p, 0, &m->exp), SIM_OK);
	ck_assert_int_eq(pci_cap_add_aer(&m->cfg, 0, &m->aer), SIM_OK);
	pci_cfg_set_ops(&m->cfg, &model_ops, m);
}

/* What software programs after enumeration. */
static void program(struct model *m)
{
	struct pci_cfg *c = &m->cfg;

	wr(c, PCI_CFG_BAR0, 4, 0xfe000000u);
	wr(c, PCI_CFG_BAR0 + 4, 4, 0x1);
	wr(c, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	wr(c, PCI_CFG_INTERRUPT_LINE, 1, 11);
	wr(c, m->msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u);
	wr(c, m->msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | 2u << 4);
	/* MPS 256 (001b), MRRS 1024 (011b), ASPM L1 and Common Clock. */
	wr(c, m->exp + PCI_EXP_DEVCTL, 2, 1u << 5 | 3u << 12);
	wr(c, m->exp + PCI_EXP_LNKCTL, 2, 0x2 | PCI_EXP_LNKCTL_CCC);
	ck_assert_int_eq(pci_cap_aer_report(c, true, PCI_ERR_UNC_POISON_TLP, NULL), SIM_OK);
}

static void assert_header_reset(struct model *m)
{
	struct pci_cfg *c = &m->cfg;

	ck_assert_uint_eq(rd(c, PCI_CFG_COMMAND, 2), 0);
	ck_assert_uint_eq(rd(c, PCI_CFG_BAR0, 4), PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
	ck_assert_uint_eq(rd(c, PCI_CFG_BAR0 + 4, 4), 0);
	ck_assert_uint_eq(rd(c, PCI_CFG_INTERRUPT_LINE, 1), 0);
	ck_assert_uint_eq(rd(c, m->msi + PCI_MSI_FLAGS, 2) & (PCI_MSI_FLAGS_ENABLE |
							      PCI_MSI_FLAGS_MME), 0);
	ck_assert_uint_eq(rd(c, m->msi + PCI_MSI_ADDRESS_LO, 4), 0);
	/* Read-only contents are what the model built. */
	ck_assert_uint_eq(rd(c, PCI_CFG_VENDOR_ID, 2), 0x1b36);
	ck_assert_uint_eq(rd(c, m->msi + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_MMC, 2u << 1);
}

START_TEST(test_flr_resets_and_keeps_link_fields)
{
	struct model m;
	struct pci_cfg *c = &m.cfg;
	uint32_t devctl;

	model_init(&m, true, true);
	ck_assert(rd(c, m.exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	program(&m);
	devctl = rd(c, m.exp + PCI_EXP_DEVCTL, 2);
	wr(c, m.exp + PCI_EXP_DEVCTL, 2, devctl | PCI_EXP_DEVCTL_BCR_FLR);
	ck_assert_uint_eq(m.resets, 1);
	ck_assert_int_eq(m.last, PCI_RESET_FLR);
	assert_header_reset(&m);
	/* §6.6.2: Max_Payload_Size and Link Control survive; MRRS does not
	 * (back to 512); Initiate FLR reads 0. */
	devctl = rd(c, m.exp + PCI_EXP_DEVCTL, 2);
	ck_assert_uint_eq(devctl & PCI_EXP_DEVCTL_PAYLOAD, 1u << 5);
	ck_assert_uint_eq(devctl & PCI_EXP_DEVCTL_READRQ, 2u << 12);
	ck_assert_uint_eq(devctl & PCI_EXP_DEVCTL_BCR_FLR, 0);
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_LNKCTL, 2), 0x2 | PCI_EXP_LNKCTL_CCC);
	/* §7.8.4: AER status is sticky. */
	ck_assert_uint_eq(rd(c, m.aer + PCI_ERR_UNCOR_STATUS, 4), PCI_ERR_UNC_POISON_TLP);
}
END_TEST

START_TEST(test_flr_byte_write_and_not_capable)
{
	struct model m;
	struct pci_cfg *c = &m.cfg;

	/* A one-byte write of the upper half of Device Control works too. */
	model_init(&m, true, true);
	program(&m);
	wr(c, m.exp + PCI_EXP_DEVCTL + 1, 1, PCI_EXP_DEVCTL_BCR_FLR >> 8);
	ck_assert_uint_eq(m.resets, 1);
	assert_header_reset(&m);

	/* Without FLR Capability the bit does nothing (it reads 0 anyway). */
	model_init(&m, false, true);
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR, 0);
	program(&m);
	wr(c, m.exp + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR | 1u << 5);
	ck_assert_uint_eq(m.resets, 0);
	ck_assert_uint_eq(rd(c, PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
}
END_TEST

START_TEST(test_d3hot_to_d0_soft_reset)
{
	struct model m;
	struct pci_cfg *c = &m.cfg;

	model_init(&m, false, false);
	program(&m);
	wr(c, m.pm + PCI_PM_CTRL, 2, PCI_D3HOT);
	ck_assert_uint_eq(m.resets, 0);
	ck_assert_uint_eq(rd(c, PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
	wr(c, m.pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(m.resets, 1);
	ck_assert_int_eq(m.last, PCI_RESET_SOFT);
	assert_header_reset(&m);
	ck_assert_int_eq(pci_cap_pm_state(c), PCI_D0);
	/* D0 -> D0 is no transition. */
	wr(c, m.pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(m.resets, 1);
}
END_TEST

START_TEST(test_d3hot_to_d0_no_soft_reset)
{
	struct model m;
	struct pci_cfg *c = &m.cfg;

	model_init(&m, false, true);
	program(&m);
	wr(c, m.pm + PCI_PM_CTRL, 2, PCI_D3HOT);
	wr(c, m.pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(m.resets, 0);
	ck_assert_uint_eq(rd(c, PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ck_assert_uint_eq(rd(c, PCI_CFG_BAR0, 4), 0xfe000000u | PCI_BAR_MEM_TYPE_64 |
						    PCI_BAR_MEM_PREFETCH);
}
END_TEST

START_TEST(test_hot_reset_keeps_sticky_only)
{
	struct model m;
	struct pci_cfg *c = &m.cfg;

	model_init(&m, false, true);
	program(&m);
	ck_assert_int_eq(pci_cfg_reset(c, PCI_RESET_HOT), SIM_OK);
	ck_assert_int_eq(m.last, PCI_RESET_HOT);
	assert_header_reset(&m);
	/* A conventional reset takes MPS and Link Control back too. */
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_PAYLOAD, 0);
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_LNKCTL, 2), 0);
	ck_assert_uint_eq(rd(c, m.aer + PCI_ERR_UNCOR_STATUS, 4), PCI_ERR_UNC_POISON_TLP);
	/* The trained link (hardware state) stays; RW1C still works after. */
	ck_assert_int_eq(pci_cap_express_set_link(c, PCI_LINK_5GT, 4), SIM_OK);
	ck_assert_int_eq(pci_cfg_reset(c, PCI_RESET_HOT), SIM_OK);
	ck_assert_uint_eq(rd(c, m.exp + PCI_EXP_LNKSTA, 2) & 0x3ff, PCI_LINK_5GT | 4u << 4);
	wr(c, m.aer + PCI_ERR_UNCOR_STATUS, 4, PCI_ERR_UNC_POISON_TLP);
	ck_assert_uint_eq(rd(c, m.aer + PCI_ERR_UNCOR_STATUS, 4), 0);
}
END_TEST

START_TEST(test_reset_arguments)
{
	struct model m;

	model_init(&m, false, true);
	ck_assert_int_eq(pci_cfg_reset(NULL, PCI_RESET_HOT), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_reset(&m.cfg, (enum pci_reset_kind)7), SIM_ERR_INVALID);
	ck_assert_uint_eq(m.resets, 0);
	/* Before any bus write the space is its own default. */
	ck_assert_int_eq(pci_cfg_reset(&m.cfg, PCI_RESET_HOT), SIM_OK);
	ck_assert_uint_eq(rd(&m.cfg, PCI_CFG_VENDOR_ID, 2), 0x1b36);
	ck_assert_int_eq(pci_cfg_set_keep(&m.cfg, 0xffe, 4, 1, true), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_set_keep(NULL, 0, 4, 1, true), SIM_ERR_INVALID);
}
END_TEST

static Suite *reset_suite(void)
{
	Suite *s = suite_create("bus:reset");
	TCase *tc = tcase_create("reset");

	tcase_add_test(tc, test_flr_resets_and_keeps_link_fields);
	tcase_add_test(tc, test_flr_byte_write_and_not_capable);
	tcase_add_test(tc, test_d3hot_to_d0_soft_reset);
	tcase_add_test(tc, test_d3hot_to_d0_no_soft_reset);
	tcase_add_test(tc, test_hot_reset_keeps_sticky_only);
	tcase_add_test(tc, test_reset_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reset_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
