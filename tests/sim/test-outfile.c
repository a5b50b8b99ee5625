/*
 * tests/sim/test-outfile.c - the buffered output file: bytes arrive in
 * order whatever the sizes of the writes (small ones buffered, ones larger
 * than the buffer passed straight through), the first error is the one
 * returned, and a closed file is inert.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim-test.h"

#include "sim/error.h"
#include "sim/outfile.h"

START_TEST(test_round_trip_mixed_sizes)
{
	struct sim_outfile o;
	char path[256], *big = malloc(200 * 1024), *text;
	size_t len, want = 0;

	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < 200 * 1024; i++)
		big[i] = (char)('a' + i % 26);
	ck_assert_int_eq(sim_outfile_open(&o, tmp_path(path, sizeof(path), "mixed.txt")), SIM_OK);
	ck_assert(sim_outfile_is_open(&o));
	sim_outfile_puts(&o, "head ");
	want += 5;
	sim_outfile_write(&o, big, 70 * 1024); /* larger than the buffer */
	want += 70 * 1024;
	for (int i = 0; i < 10000; i++) {
		sim_outfile_write(&o, "xy", 2);
		want += 2;
	}
	sim_outfile_write(&o, big, 200 * 1024);
	want += 200 * 1024;
	ck_assert_int_eq(sim_outfile_error(&o), 0);
	ck_assert_int_eq(sim_outfile_close(&o), SIM_OK);
	ck_assert(!sim_outfile_is_open(&o));
	text = slurp_file(path, &len);
	ck_assert_uint_eq(len, want);
	ck_assert(memcmp(text, "head ", 5) == 0);
	ck_assert(memcmp(text + 5, big, 70 * 1024) == 0);
	ck_assert(memcmp(text + 5 + 70 * 1024, "xyxy", 4) == 0);
	ck_assert(memcmp(text + want - 200 * 1024, big, 200 * 1024) == 0);
	free(text);
	free(big);
}
END_TEST

START_TEST(test_first_error_is_kept)
{
	struct sim_outfile o;
	char block[4096];

	memset(block, 'z', sizeof(block));
	/* /dev/full takes the open and refuses every write. */
	ck_assert_int_eq(sim_outfile_open(&o, "/dev/full"), SIM_OK);
	sim_outfile_fail(&o, SIM_ERR_INVALID);
	for (int i = 0; i < 64; i++)
		sim_outfile_write(&o, block, sizeof(block));
	ck_assert_int_eq(sim_outfile_error(&o), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_outfile_close(&o), SIM_ERR_INVALID);
	ck_assert_int_eq(sim_outfile_open(&o, "/dev/full"), SIM_OK);
	for (int i = 0; i < 64; i++)
		sim_outfile_write(&o, block, sizeof(block));
	ck_assert_int_eq(sim_outfile_close(&o), SIM_ERR_IO);
}
END_TEST

START_TEST(test_open_failure_and_closed_file)
{
	struct sim_outfile o;
	char path[256];

	ck_assert_int_eq(sim_outfile_open(&o, tmp_path(path, sizeof(path), "no/such/dir/f")), SIM_ERR_IO);
	ck_assert(!sim_outfile_is_open(&o));
	ck_assert_int_eq(sim_outfile_close(&o), SIM_OK);
	ck_assert_int_eq(sim_outfile_open(&o, tmp_path(path, sizeof(path), "twice.txt")), SIM_OK);
	ck_assert_int_eq(sim_outfile_close(&o), SIM_OK);
	ck_assert_int_eq(sim_outfile_close(&o), SIM_OK);
}
END_TEST

static Suite *outfile_suite(void)
{
	Suite *s = suite_create("sim:outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_round_trip_mixed_sizes);
	tcase_add_test(tc, test_first_error_is_kept);
	tcase_add_test(tc, test_open_failure_and_closed_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
