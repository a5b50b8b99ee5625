/*
 * tests/hostos/compile/test-surface-os.c - the parts of <wdm.h> that end
 * in the host OS core, run as host OS threads (cmocka): the list helpers'
 * integrity checks (bug check 0x139 KERNEL_SECURITY_CHECK_FAILURE, P1 = 3
 * FAST_FAIL_CORRUPT_LIST_ENTRY, as the WDK's helpers fail fast since
 * Windows 8), ASSERT/NT_ASSERT through RtlAssert, PAGED_CODE above
 * APC_LEVEL, and __try/__except that never runs its filter. The driver
 * code is in surface-scenarios.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostos/os.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"
#include "surface-scenarios.h"

static struct sim_kernel kern;
static struct hostos *os;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void run(void (*fn)(void *))
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	surface_reached_end = 0;
	assert_int_equal(hostos_thread_start(os, "surface", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static int teardown(void **state)
{
	(void)state;
	if (os != NULL) {
		hostos_destroy(os);
		os = NULL;
		sim_kernel_destroy(&kern);
	}
	return 0;
}

static void expect_list_failure(void (*fn)(void *))
{
	run(fn);
	hostos_assert_bugcheck(os, 0x139, 3, 0, 0, 0);
	assert_int_equal(surface_reached_end, 0);
}

static void test_list_ok(void **state)
{
	(void)state;
	run(surface_list_ok);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(surface_reached_end, 1);
}

static void test_list_corrupt_insert_tail(void **state)
{
	(void)state;
	expect_list_failure(surface_list_corrupt_insert_tail);
}

static void test_list_corrupt_insert_head(void **state)
{
	(void)state;
	expect_list_failure(surface_list_corrupt_insert_head);
}

static void test_list_corrupt_remove_entry(void **state)
{
	(void)state;
	expect_list_failure(surface_list_corrupt_remove_entry);
}

static void test_list_corrupt_remove_head(void **state)
{
	(void)state;
	expect_list_failure(surface_list_corrupt_remove_head);
}

static void test_list_corrupt_remove_tail(void **state)
{
	(void)state;
	expect_list_failure(surface_list_corrupt_remove_tail);
}

static void test_assert_true(void **state)
{
	(void)state;
	run(surface_assert_true);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(surface_reached_end, 1);
}

static void test_assert_false(void **state)
{
	const struct hostos_bugcheck *b;

	(void)state;
	run(surface_assert_false);
	/* RtlAssert(expression, file, line, NULL) */
	hostos_assert_bugcheck(os, HOSTOS_ASSERTION_FAILED, HOSTOS_ANY, HOSTOS_ANY,
			       HOSTOS_ANY, 0);
	b = hostos_last_bugcheck(os);
	assert_string_equal((const char *)(uintptr_t)b->p[0], "two == 3");
	assert_non_null(strstr((const char *)(uintptr_t)b->p[1], "surface-scenarios.c"));
	assert_int_equal(surface_reached_end, 0);
}

static void test_assertmsg_false(void **state)
{
	const struct hostos_bugcheck *b;

	(void)state;
	run(surface_assertmsg_false);
	hostos_assert_bugcheck(os, HOSTOS_ASSERTION_FAILED, HOSTOS_ANY, HOSTOS_ANY,
			       HOSTOS_ANY, HOSTOS_ANY);
	b = hostos_last_bugcheck(os);
	assert_string_equal((const char *)(uintptr_t)b->p[3], "must not be NULL");
	assert_int_equal(surface_reached_end, 0);
}

static void test_paged_code_passive(void **state)
{
	(void)state;
	run(surface_paged_code_passive);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(surface_reached_end, 1);
}

static void test_paged_code_dispatch(void **state)
{
	(void)state;
	run(surface_paged_code_dispatch);
	hostos_assert_bugcheck(os, HOSTOS_ASSERTION_FAILED, HOSTOS_ANY, HOSTOS_ANY,
			       HOSTOS_ANY, HOSTOS_ANY);
	assert_int_equal(surface_reached_end, 0);
}

static void test_try_except(void **state)
{
	(void)state;
	run(surface_try_except);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(surface_reached_end, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_list_ok, teardown),
		cmocka_unit_test_teardown(test_list_corrupt_insert_tail, teardown),
		cmocka_unit_test_teardown(test_list_corrupt_insert_head, teardown),
		cmocka_unit_test_teardown(test_list_corrupt_remove_entry, teardown),
		cmocka_unit_test_teardown(test_list_corrupt_remove_head, teardown),
		cmocka_unit_test_teardown(test_list_corrupt_remove_tail, teardown),
		cmocka_unit_test_teardown(test_assert_true, teardown),
		cmocka_unit_test_teardown(test_assert_false, teardown),
		cmocka_unit_test_teardown(test_assertmsg_false, teardown),
		cmocka_unit_test_teardown(test_paged_code_passive, teardown),
		cmocka_unit_test_teardown(test_paged_code_dispatch, teardown),
		cmocka_unit_test_teardown(test_try_except, teardown),
	};

	return cmocka_run_group_tests_name("hostos:surface-os", tests, NULL, NULL);
}
