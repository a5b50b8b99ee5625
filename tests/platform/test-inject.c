/*
 * tests/platform/test-inject.c - Check tests of function-level faults at a
 * chosen simulated time (platform/inject.h): surprise removal of a
 * function and of a slot take effect exactly at their time (reads of the
 * function return all ones from then on, PCIe 4.0 §6.7 surprise down as a
 * driver sees it), D3hot turns decoding off (PCI PM 1.2 §5.3.1) and D0
 * brings the function back through its soft reset; each injection
 * records when it fired and what it did; a cancelled one never fires; bad
 * targets are reported, not acted on.
 */
#include "platform-test.h"

#include "platform/inject.h"
#include "sim/kernel.h"

static struct sim_kernel kern;
static unsigned warnings;

static void count_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)now_ps;
	(void)msg;
	if (sev == SIM_SEV_WARNING)
		warnings++;
}

static void kern_init(void)
{
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	cfg.report = count_report;
	warnings = 0;
	ck_assert_int_eq(sim_kernel_init(&kern, &cfg), SIM_OK);
}

START_TEST(test_removal_at_its_time)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 1, 0);
	struct platform_inject inj;

	kern_init();
	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(5),
						  PLATFORM_INJECT_REMOVE_FUNCTION, 1, 0, 0), SIM_OK);
	ck_assert_int_eq(sim_run_until(&kern, SIM_US(5) - 1), SIM_STOP_TIME);
	ck_assert(!inj.fired);
	ck_assert(decodes(m, bar));
	sim_run(&kern);
	ck_assert(inj.fired);
	ck_assert_int_eq(inj.err, SIM_OK);
	ck_assert_uint_eq(inj.fired_ps, SIM_US(5));
	ck_assert(!decodes(m, bar));
	ck_assert(!platform_fn_present(m, 1, 0, 0));
	ck_assert_uint_eq(cfg_rd(m, 1, 0, PCI_CFG_VENDOR_ID, 2), 0xffff);
	ck_assert(decodes(m, bar0_of(m, 0, 2)));
	platform_inject_destroy(&inj);
	sim_kernel_destroy(&kern);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_slot_removal_and_twice)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);
	struct platform_inject a, b;

	kern_init();
	ck_assert_int_eq(platform_inject_schedule(&a, m, &kern, SIM_NS(10),
						  PLATFORM_INJECT_REMOVE_SLOT, 0, 2, 0), SIM_OK);
	/* The same function again later: nothing left to remove. */
	ck_assert_int_eq(platform_inject_schedule(&b, m, &kern, SIM_NS(20),
						  PLATFORM_INJECT_REMOVE_FUNCTION, 0, 2, 0), SIM_OK);
	sim_run(&kern);
	ck_assert_int_eq(a.err, SIM_OK);
	ck_assert(!decodes(m, bar));
	ck_assert(b.fired);
	ck_assert_int_eq(b.err, SIM_ERR_INVALID);
	ck_assert_uint_eq(warnings, 1);
	ck_assert_uint_eq(platform_removed_count(m), 1);
	platform_inject_destroy(&a);
	platform_inject_destroy(&b);
	sim_kernel_destroy(&kern);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_d3hot_then_d0)
{
	struct platform_machine *m = make();
	uint64_t bar = bar0_of(m, 0, 2);
	struct platform_inject off, on;

	kern_init();
	ck_assert_int_eq(platform_inject_schedule(&off, m, &kern, SIM_US(1), PLATFORM_INJECT_D3HOT,
						  0, 2, 0), SIM_OK);
	ck_assert_int_eq(platform_inject_schedule(&on, m, &kern, SIM_US(2), PLATFORM_INJECT_D0, 0,
						  2, 0), SIM_OK);
	ck_assert_int_eq(sim_run_until(&kern, SIM_US(1)), SIM_STOP_TIME);
	ck_assert_int_eq(off.err, SIM_OK);
	ck_assert_uint_eq(cfg_rd(m, 0, 2, dev0.pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK,
			  PCI_D3HOT);
	ck_assert(!decodes(m, bar));
	ck_assert_uint_eq(dev0.resets, 0);
	sim_run(&kern);
	ck_assert_int_eq(on.err, SIM_OK);
	ck_assert_uint_eq(on.fired_ps, SIM_US(2));
	/* No_Soft_Reset is clear in this model: D0uninitialized. */
	ck_assert_uint_eq(dev0.resets, 1);
	ck_assert_int_eq(dev0.last, PCI_RESET_SOFT);
	ck_assert(!decodes(m, bar));
	platform_inject_destroy(&off);
	platform_inject_destroy(&on);
	sim_kernel_destroy(&kern);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_cancel_and_bad_arguments)
{
	struct platform_machine *m = make();
	struct platform_inject inj;

	kern_init();
	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(1),
						  PLATFORM_INJECT_REMOVE_FUNCTION, 0, 2, 0), SIM_OK);
	ck_assert(platform_inject_cancel(&inj));
	ck_assert(!platform_inject_cancel(&inj));
	sim_run(&kern);
	ck_assert(!inj.fired);
	ck_assert(platform_fn_present(m, 0, 2, 0));
	platform_inject_destroy(&inj);

	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(5),
						  (enum platform_inject_kind)9, 0, 2, 0),
			 SIM_ERR_INVALID);
	platform_inject_destroy(&inj);
	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(5), PLATFORM_INJECT_D0,
						  0, 32, 0), SIM_ERR_INVALID);
	platform_inject_destroy(&inj);
	ck_assert_int_eq(platform_inject_schedule(&inj, NULL, &kern, SIM_US(5), PLATFORM_INJECT_D0,
						  0, 2, 0), SIM_ERR_INVALID);
	platform_inject_destroy(&inj);
	ck_assert_int_eq(platform_inject_schedule(NULL, m, &kern, SIM_US(5), PLATFORM_INJECT_D0,
						  0, 2, 0), SIM_ERR_INVALID);
	/* In the past. */
	ck_assert_int_eq(sim_run_until(&kern, SIM_US(10)), SIM_STOP_TIME);
	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(5), PLATFORM_INJECT_D0,
						  0, 2, 0), SIM_ERR_INVALID);
	platform_inject_destroy(&inj);
	/* A power injection on a function that does not exist. */
	ck_assert_int_eq(platform_inject_schedule(&inj, m, &kern, SIM_US(11), PLATFORM_INJECT_D3HOT,
						  0, 9, 0), SIM_OK);
	sim_run(&kern);
	ck_assert_int_eq(inj.err, SIM_ERR_INVALID);
	platform_inject_destroy(&inj);
	ck_assert_str_eq(platform_inject_kind_name(PLATFORM_INJECT_D3HOT), "d3hot");
	ck_assert_str_eq(platform_inject_kind_name((enum platform_inject_kind)9), "unknown");
	sim_kernel_destroy(&kern);
	platform_machine_destroy(m);
}
END_TEST

static Suite *inject_suite(void)
{
	Suite *s = suite_create("platform:inject");
	TCase *tc = tcase_create("inject");

	tcase_add_test(tc, test_removal_at_its_time);
	tcase_add_test(tc, test_slot_removal_and_twice);
	tcase_add_test(tc, test_d3hot_then_d0);
	tcase_add_test(tc, test_cancel_and_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inject_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
