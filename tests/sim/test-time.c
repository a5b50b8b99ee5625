/*
 * tests/sim/test-time.c - Check tests of simulated time (sim/time.h) and of
 * the shared error strings (sim/error.h).
 *
 * Covers the unit macros (the argument is converted before scaling, so no
 * int overflow and correct precedence), sim_time_add() refusing to wrap at
 * exactly the SIM_TIME_MAX boundary and leaving its output untouched when it
 * refuses, sim_time_format() choosing the largest exact unit for values from
 * 0 to SIM_TIME_MAX and behaving like snprintf when the buffer is short, and
 * sim_strerror() for every listed code and for unknown ones.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/error.h"
#include "sim/time.h"

/* ---- unit macros ---- */

START_TEST(test_unit_macros)
{
	ck_assert_uint_eq(SIM_PS(7), 7);
	ck_assert_uint_eq(SIM_NS(3), 3000);
	ck_assert_uint_eq(SIM_US(12), UINT64_C(12000000));
	ck_assert_uint_eq(SIM_MS(2), UINT64_C(2000000000));
	ck_assert_uint_eq(SIM_SEC(5), UINT64_C(5000000000000));
	ck_assert_uint_eq(SIM_NS(0), 0);
	ck_assert_uint_eq(SIM_SEC(1), SIM_MS(1000));
	ck_assert_uint_eq(SIM_MS(1), SIM_US(1000));
	ck_assert_uint_eq(SIM_US(1), SIM_NS(1000));
	ck_assert_uint_eq(SIM_NS(1), SIM_PS(1000));
}
END_TEST

START_TEST(test_unit_macros_convert_first)
{
	int n = 3000000; /* 3e6 s = 3e18 ps: fits in 64 bits, not in int */
	unsigned u = 4000000000u;

	ck_assert_uint_eq(SIM_SEC(n), UINT64_C(3000000000000000000));
	ck_assert_uint_eq(SIM_NS(u), UINT64_C(4000000000000));
	/* The argument is one operand: 1 + 2 ns is 3 ns, not 1 ps + 2 ns. */
	ck_assert_uint_eq(SIM_NS(1 + 2), 3000);
	ck_assert_uint_eq(SIM_US(2 * 3), UINT64_C(6000000));
	/* Results have the type sim_time_t. */
	ck_assert_uint_eq(sizeof(SIM_NS(1)), sizeof(sim_time_t));
	ck_assert_uint_eq(sizeof(SIM_PS((char)1)), sizeof(sim_time_t));
}
END_TEST

/* ---- sim_time_add ---- */

START_TEST(test_add_fits)
{
	sim_time_t out = 99;

	ck_assert(sim_time_add(1, 2, &out));
	ck_assert_uint_eq(out, 3);
	ck_assert(sim_time_add(0, 0, &out));
	ck_assert_uint_eq(out, 0);
	ck_assert(sim_time_add(SIM_NS(3), SIM_US(1), &out));
	ck_assert_uint_eq(out, UINT64_C(1003000));
}
END_TEST

START_TEST(test_add_boundary)
{
	const sim_time_t half = UINT64_C(1) << 63;
	sim_time_t out;

	/* Exactly SIM_TIME_MAX fits, from either side. */
	out = 0;
	ck_assert(sim_time_add(SIM_TIME_MAX - 1, 1, &out));
	ck_assert_uint_eq(out, SIM_TIME_MAX);
	out = 0;
	ck_assert(sim_time_add(1, SIM_TIME_MAX - 1, &out));
	ck_assert_uint_eq(out, SIM_TIME_MAX);
	out = 0;
	ck_assert(sim_time_add(SIM_TIME_MAX, 0, &out));
	ck_assert_uint_eq(out, SIM_TIME_MAX);
	out = 0;
	ck_assert(sim_time_add(0, SIM_TIME_MAX, &out));
	ck_assert_uint_eq(out, SIM_TIME_MAX);
	out = 0;
	ck_assert(sim_time_add(half, half - 1, &out));
	ck_assert_uint_eq(out, SIM_TIME_MAX);

	/* One more is refused, and the output is left as it was. */
	out = 1234;
	ck_assert(!sim_time_add(SIM_TIME_MAX, 1, &out));
	ck_assert_uint_eq(out, 1234);
	ck_assert(!sim_time_add(1, SIM_TIME_MAX, &out));
	ck_assert_uint_eq(out, 1234);
	ck_assert(!sim_time_add(half, half, &out));
	ck_assert_uint_eq(out, 1234);
	ck_assert(!sim_time_add(SIM_TIME_MAX, SIM_TIME_MAX, &out));
	ck_assert_uint_eq(out, 1234);
	ck_assert(!sim_time_add(SIM_TIME_MAX - SIM_NS(1) + 1, SIM_NS(1), &out));
	ck_assert_uint_eq(out, 1234);
}
END_TEST

/* ---- sim_time_format ---- */

static const struct {
	sim_time_t t;
	const char *text;
} format_cases[] = {
	{ 0, "0 s" },
	{ 1, "1 ps" },
	{ 999, "999 ps" },
	{ 1500, "1500 ps" },
	{ SIM_NS(3), "3 ns" },
	{ SIM_NS(1001), "1001 ns" },
	{ SIM_US(12), "12 us" },
	{ SIM_US(1) + 1, "1000001 ps" },
	{ SIM_MS(2500), "2500 ms" },
	{ SIM_SEC(5), "5 s" },
	{ SIM_SEC(1), "1 s" },
	{ SIM_MS(1000), "1 s" },
	{ SIM_SEC(86400), "86400 s" },
	/* Near the top of the range. */
	{ SIM_TIME_MAX, "18446744073709551615 ps" },
	{ SIM_TIME_MAX - 615, "18446744073709551 ns" },
	{ UINT64_C(18446744073709000000), "18446744073709 us" },
	{ UINT64_C(18446744073000000000), "18446744073 ms" },
	{ UINT64_C(18446744000000000000), "18446744 s" },
};

START_TEST(test_format_table)
{
	const size_t n = sizeof(format_cases) / sizeof(format_cases[0]);

	ck_assert_uint_lt((size_t)_i, n);
	{
		char buf[32];
		int r;

		memset(buf, 'x', sizeof(buf));
		r = sim_time_format(format_cases[_i].t, buf, sizeof(buf));
		ck_assert_str_eq(buf, format_cases[_i].text);
		ck_assert_int_eq(r, (int)strlen(format_cases[_i].text));
	}
}
END_TEST

START_TEST(test_format_32_is_enough)
{
	/* The longest text fits in 32 bytes with its NUL. */
	char buf[32];
	int r = sim_time_format(SIM_TIME_MAX, buf, sizeof(buf));

	ck_assert_int_gt(r, 0);
	ck_assert_int_lt(r, 32);
	/* Every power of ten and its neighbours fit too. */
	for (sim_time_t t = 1; t <= SIM_TIME_MAX / 10; t *= 10) {
		r = sim_time_format(t - 1, buf, sizeof(buf));
		ck_assert_int_lt(r, 32);
		ck_assert_int_eq(r, (int)strlen(buf));
		r = sim_time_format(t + 1, buf, sizeof(buf));
		ck_assert_int_lt(r, 32);
		ck_assert_int_eq(r, (int)strlen(buf));
	}
}
END_TEST

START_TEST(test_format_truncated)
{
	char buf[8];

	/* "1500 ps" needs 7 characters; with 4 bytes the text is cut and
	 * still terminated, and the full length is returned. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(sim_time_format(1500, buf, 4), 7);
	ck_assert_str_eq(buf, "150");
	ck_assert_int_eq(buf[4], 'x'); /* nothing written past len */

	/* Exactly one byte short. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(sim_time_format(1500, buf, 7), 7);
	ck_assert_str_eq(buf, "1500 p");

	/* Exactly enough. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(sim_time_format(1500, buf, 8), 7);
	ck_assert_str_eq(buf, "1500 ps");

	/* One byte: only the terminator. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(sim_time_format(SIM_NS(3), buf, 1), 4);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'x');

	/* Zero bytes: nothing written at all, length still returned. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(sim_time_format(SIM_TIME_MAX, buf, 0), 23);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_int_eq(sim_time_format(0, NULL, 0), 3);
}
END_TEST

START_TEST(test_format_deterministic)
{
	char a[32], b[32];

	/* The same value gives the same text every time. */
	for (sim_time_t t = 0; t < 5000; t += 7) {
		sim_time_format(t * 1000, a, sizeof(a));
		sim_time_format(t * 1000, b, sizeof(b));
		ck_assert_str_eq(a, b);
	}
}
END_TEST

/* ---- sim_strerror ---- */

START_TEST(test_strerror_known)
{
	static const int codes[] = {
		SIM_OK,		SIM_ERR_INVALID, SIM_ERR_OVERFLOW, SIM_ERR_STATE,
		SIM_ERR_NOMEM, SIM_ERR_IO,      SIM_ERR_LIMIT,    SIM_ERR_BUSY,
	};
	const size_t n = sizeof(codes) / sizeof(codes[0]);
	const char *unknown = sim_strerror(12345);

	for (size_t i = 0; i < n; i++) {
		const char *s = sim_strerror(codes[i]);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_gt(strlen(s), 0);
		ck_assert_str_ne(s, unknown);
		/* Each code has its own text. */
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(s, sim_strerror(codes[j]));
		/* Static: the same pointer contents on a second call. */
		ck_assert_str_eq(s, sim_strerror(codes[i]));
	}
}
END_TEST

START_TEST(test_strerror_unknown)
{
	static const int codes[] = { 1, 2, 12345, -8, -100, INT_MIN, INT_MAX };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		ck_assert_str_eq(sim_strerror(codes[i]), "unknown error");
}
END_TEST

static Suite *time_suite(void)
{
	Suite *s = suite_create("sim:time");
	TCase *tc = tcase_create("time");
	TCase *te = tcase_create("strerror");

	tcase_add_test(tc, test_unit_macros);
	tcase_add_test(tc, test_unit_macros_convert_first);
	tcase_add_test(tc, test_add_fits);
	tcase_add_test(tc, test_add_boundary);
	tcase_add_loop_test(tc, test_format_table, 0,
			    (int)(sizeof(format_cases) / sizeof(format_cases[0])));
	tcase_add_test(tc, test_format_32_is_enough);
	tcase_add_test(tc, test_format_truncated);
	tcase_add_test(tc, test_format_deterministic);
	suite_add_tcase(s, tc);
	tcase_add_test(te, test_strerror_known);
	tcase_add_test(te, test_strerror_unknown);
	suite_add_tcase(s, te);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(time_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
