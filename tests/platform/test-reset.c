/*
 * tests/platform/test-reset.c - Check tests of function resets in a
 * machine (platform/machine.h): a Function Level Reset and a D3hot -> D0
 * soft reset turn the function's decoding off (its BARs and Command are
 * back to 0: PCIe 4.0 §6.6.2, PCI PM 1.2 §5.4.1) and reach the model's own
 * reset hook through the machine's; a Secondary Bus Reset (Bridge 1.2
 * §3.2.5.18) resets every function below the bridge, and only those, when
 * the bit is set (not again while it stays set).
 */
#include "platform-test.h"

START_TEST(test_flr_stops_decoding)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);

	ck_assert(decodes(m, bar));
	cfg_wr(m, 0, 2, dev0.exp + PCI_EXP_DEVCTL, 2,
	       cfg_rd(m, 0, 2, dev0.exp + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_BCR_FLR);
	ck_assert_uint_eq(dev0.resets, 1);
	ck_assert_int_eq(dev0.last, PCI_RESET_FLR);
	ck_assert_uint_eq(cfg_rd(m, 0, 2, PCI_CFG_COMMAND, 2), 0);
	ck_assert(!decodes(m, bar));
	/* Software restores the function: it decodes again. */
	cfg_wr(m, 0, 2, PCI_CFG_BAR0, 4, (uint32_t)bar);
	cfg_wr(m, 0, 2, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert(decodes(m, bar));
	/* The other device never noticed. */
	ck_assert_uint_eq(dev1.resets, 0);
	ck_assert(decodes(m, bar0_of(m, 1, 0)));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_soft_reset_from_d3hot)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);

	cfg_wr(m, 0, 2, dev0.pm + PCI_PM_CTRL, 2, PCI_D3HOT);
	ck_assert(!decodes(m, bar));
	cfg_wr(m, 0, 2, dev0.pm + PCI_PM_CTRL, 2, PCI_D0);
	ck_assert_uint_eq(dev0.resets, 1);
	ck_assert_int_eq(dev0.last, PCI_RESET_SOFT);
	/* D0uninitialized: back in D0, but with nothing programmed. */
	ck_assert(!decodes(m, bar));
	ck_assert_uint_eq(cfg_rd(m, 0, 2, PCI_CFG_BAR0, 4), 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_secondary_bus_reset)
{
	struct platform_machine *m = make();
	uint64_t below = bar0_of(m, 1, 0), root = bar0_of(m, 0, 2);
	uint32_t bctl = cfg_rd(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2);

	ck_assert(decodes(m, below));
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	ck_assert_uint_eq(dev1.resets, 1);
	ck_assert_int_eq(dev1.last, PCI_RESET_HOT);
	ck_assert_uint_eq(dev0.resets, 0);
	ck_assert(!decodes(m, below));
	ck_assert(decodes(m, root));
	/* Held: no second reset; released: none either. */
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl);
	ck_assert_uint_eq(dev1.resets, 1);
	/* The bridge itself is not reset by its own Secondary Bus Reset. */
	ck_assert_uint_eq(cfg_rd(m, 0, 1, PCI_CFG_SECONDARY_BUS, 1), 1);
	/* Restored by software, it decodes again; a second pulse resets again. */
	cfg_wr(m, 1, 0, PCI_CFG_BAR0, 4, (uint32_t)below);
	cfg_wr(m, 1, 0, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert(decodes(m, below));
	cfg_wr(m, 0, 1, PCI_CFG_BRIDGE_CONTROL, 2, bctl | PCI_BCTL_BUS_RESET);
	ck_assert_uint_eq(dev1.resets, 2);
	platform_machine_destroy(m);
}
END_TEST

static Suite *reset_suite(void)
{
	Suite *s = suite_create("platform:reset");
	TCase *tc = tcase_create("reset");

	tcase_add_test(tc, test_flr_stops_decoding);
	tcase_add_test(tc, test_soft_reset_from_d3hot);
	tcase_add_test(tc, test_secondary_bus_reset);
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
