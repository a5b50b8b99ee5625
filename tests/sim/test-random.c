/*
 * tests/sim/test-random.c - Check tests of the deterministic random streams
 * (sim/random.h).
 *
 * Known answers for splitmix64 seeding and xoshiro256** come from outside
 * the implementation (see the comment above the tables). The rest checks
 * the stream contract: the same (seed, name) gives the same sequence,
 * different names or seeds give different ones, a draw in one stream does
 * not move another; and the derived helpers: sim_rng_below() stays in range
 * at 0, 1 and UINT64_MAX, is roughly uniform (chi-square) and free of modulo
 * bias, sim_rng_range() handles its edges, sim_rng_unit() lies in [0, 1)
 * with 53-bit resolution.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sim/random.h"

/*
 * Known answers. They were produced once by a tiny reference written in
 * Python 3 straight from the published definitions (Vigna's splitmix64.c
 * and Blackman & Vigna's xoshiro256starstar.c, version 1.0), independent of
 * sim/random.c:
 *
 *   M = (1 << 64) - 1
 *   def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
 *   def splitmix(x):
 *       while True:
 *           x = (x + 0x9e3779b97f4a7c15) & M
 *           z = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M
 *           z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
 *           yield z ^ (z >> 31)
 *   def xoshiro(s):
 *       while True:
 *           r = (rotl((s[1] * 5) & M, 7) * 9) & M
 *           t = (s[1] << 17) & M
 *           s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
 *           s[2] ^= t; s[3] = rotl(s[3], 45)
 *           yield r
 *   # seed -> state: four splitmix outputs; then eight xoshiro outputs.
 *
 * The reference was cross-checked against two published vectors: the first
 * splitmix64 output for seed 0 is 0xe220a8397b1dcdaf, and xoshiro256** from
 * the state {1, 2, 3, 4} gives 11520, 0, 1509978240, ... (the table below,
 * as in the test suites of other xoshiro ports).
 */
static const uint64_t kat_state_1234[10] = {
	UINT64_C(11520),
	UINT64_C(0),
	UINT64_C(1509978240),
	UINT64_C(1215971899390074240),
	UINT64_C(1216172134540287360),
	UINT64_C(607988272756665600),
	UINT64_C(16172922978634559625),
	UINT64_C(8476171486693032832),
	UINT64_C(10595114339597558777),
	UINT64_C(2904607092377533576),
};

static const struct {
	uint64_t seed;
	uint64_t state[4];
	uint64_t out[8];
} kat_seeds[] = {
	{ UINT64_C(0),
	  { UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4), UINT64_C(0x06c45d188009454f),
	    UINT64_C(0xf88bb8a8724c81ec) },
	  { UINT64_C(0x99ec5f36cb75f2b4), UINT64_C(0xbf6e1f784956452a), UINT64_C(0x1a5f849d4933e6e0),
	    UINT64_C(0x6aa594f1262d2d2c), UINT64_C(0xbba5ad4a1f842e59), UINT64_C(0xffef8375d9ebcaca),
	    UINT64_C(0x6c160deed2f54c98), UINT64_C(0x8920ad648fc30a3f) } },
	{ UINT64_C(1),
	  { UINT64_C(0x910a2dec89025cc1), UINT64_C(0xbeeb8da1658eec67), UINT64_C(0xf893a2eefb32555e),
	    UINT64_C(0x71c18690ee42c90b) },
	  { UINT64_C(0xb3f2af6d0fc710c5), UINT64_C(0x853b559647364cea), UINT64_C(0x92f89756082a4514),
	    UINT64_C(0x642e1c7bc266a3a7), UINT64_C(0xb27a48e29a233673), UINT64_C(0x24c123126ffda722),
	    UINT64_C(0x123004ef8df510e6), UINT64_C(0x61954dcc47b1e89d) } },
	{ UINT64_C(0xdeadbeefcafef00d),
	  { UINT64_C(0x901d4f652fb472cb), UINT64_C(0xa7ce246440f74527), UINT64_C(0x19b40bbbb9380d34),
	    UINT64_C(0xe7a86dc5be618392) },
	  { UINT64_C(0x9e32cfb5bb93eebb), UINT64_C(0x16006bd9d4ac0014), UINT64_C(0x8ada5d6d34b6538e),
	    UINT64_C(0x7c327ca32346a238), UINT64_C(0xc43a6d6a3492ced2), UINT64_C(0xdb639ecb036a9c04),
	    UINT64_C(0xc5a4b301c52fcfa4), UINT64_C(0xbcc5e0efaa8ded95) } },
};

#define N_KAT_SEEDS (sizeof(kat_seeds) / sizeof(kat_seeds[0]))

/* Check records the location of every assertion it evaluates (a write to
 * its message channel), so loops over many draws count failures with plain
 * conditions and assert once at the end. */
#define EXPECT(bad, cond) ((bad) += !(cond))

/* ---- known answers ---- */

START_TEST(test_kat_xoshiro_from_state)
{
	struct sim_rng r = { { 1, 2, 3, 4 } };

	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(sim_rng_next(&r), kat_state_1234[i]);
}
END_TEST

START_TEST(test_kat_seed_state)
{
	struct sim_rng r;

	/* The state is exactly the first four splitmix64 outputs. */
	sim_rng_seed(&r, kat_seeds[_i].seed);
	for (int j = 0; j < 4; j++)
		ck_assert_uint_eq(r.s[j], kat_seeds[_i].state[j]);
}
END_TEST

START_TEST(test_kat_seed_outputs)
{
	struct sim_rng r;

	sim_rng_seed(&r, kat_seeds[_i].seed);
	for (int j = 0; j < 8; j++)
		ck_assert_uint_eq(sim_rng_next(&r), kat_seeds[_i].out[j]);
}
END_TEST

/* ---- streams ---- */

START_TEST(test_seed_repeatable)
{
	struct sim_rng a, b;
	unsigned bad = 0;

	sim_rng_seed(&a, 42);
	sim_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		EXPECT(bad, sim_rng_next(&a) == sim_rng_next(&b));
	ck_assert_uint_eq(bad, 0);
	sim_rng_seed(&b, 43);
	sim_rng_seed(&a, 42);
	ck_assert_uint_ne(sim_rng_next(&a), sim_rng_next(&b));
}
END_TEST

START_TEST(test_derive_same_args_same_stream)
{
	struct sim_rng a, b;
	char *name = malloc(16);
	unsigned bad = 0;

	/* Only the text counts, not where it is stored. */
	ck_assert_ptr_nonnull(name);
	strcpy(name, "pcie.dma0");
	sim_rng_derive(&a, 7, "pcie.dma0");
	sim_rng_derive(&b, 7, name);
	for (int i = 0; i < 1000; i++)
		EXPECT(bad, sim_rng_next(&a) == sim_rng_next(&b));
	ck_assert_uint_eq(bad, 0);
	free(name);
}
END_TEST

START_TEST(test_derive_names_differ)
{
	static const char *const names[] = {
		"", "a", "b", "ab", "ba", "cpu0", "cpu1", "dma", "dma ", "DMA", "cpu00",
	};
	const size_t n = sizeof(names) / sizeof(names[0]);
	uint64_t first[sizeof(names) / sizeof(names[0])][4];

	for (size_t i = 0; i < n; i++) {
		struct sim_rng r;

		sim_rng_derive(&r, 1, names[i]);
		for (int j = 0; j < 4; j++)
			first[i][j] = sim_rng_next(&r);
	}
	/* No two names share their first draws (or any one of them). */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			for (int x = 0; x < 4; x++) {
				for (int y = 0; y < 4; y++)
					ck_assert_uint_ne(first[i][x], first[j][y]);
			}
		}
	}
}
END_TEST

START_TEST(test_derive_seeds_differ)
{
	struct sim_rng a, b;

	/* Root seeds one bit apart give unrelated streams for the same name. */
	for (int bit = 0; bit < 64; bit++) {
		uint64_t s0 = UINT64_C(0x0123456789abcdef);
		uint64_t s1 = s0 ^ (UINT64_C(1) << bit);
		int same = 0;

		sim_rng_derive(&a, s0, "dev");
		sim_rng_derive(&b, s1, "dev");
		for (int i = 0; i < 16; i++)
			same += sim_rng_next(&a) == sim_rng_next(&b);
		ck_assert_int_eq(same, 0);
	}
	/* And a derived stream is not simply the root's own stream. */
	sim_rng_derive(&a, 5, "x");
	sim_rng_seed(&b, 5);
	ck_assert_uint_ne(sim_rng_next(&a), sim_rng_next(&b));
}
END_TEST

START_TEST(test_streams_independent)
{
	struct sim_rng a, b, b_ref;
	uint64_t expect[64];

	sim_rng_derive(&b_ref, 99, "second");
	for (int i = 0; i < 64; i++)
		expect[i] = sim_rng_next(&b_ref);

	/* Interleave: any number of draws from a leaves b's sequence alone. */
	sim_rng_derive(&a, 99, "first");
	sim_rng_derive(&b, 99, "second");
	for (int i = 0; i < 64; i++) {
		for (int j = 0; j < i % 5; j++) {
			(void)sim_rng_next(&a);
			(void)sim_rng_below(&a, 17);
			(void)sim_rng_unit(&a);
		}
		ck_assert_uint_eq(sim_rng_next(&b), expect[i]);
	}
}
END_TEST

START_TEST(test_copy_copies_stream)
{
	struct sim_rng a, b;
	unsigned bad = 0;

	sim_rng_seed(&a, 3);
	for (int i = 0; i < 10; i++)
		(void)sim_rng_next(&a);
	b = a;
	for (int i = 0; i < 100; i++)
		EXPECT(bad, sim_rng_next(&a) == sim_rng_next(&b));
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* ---- sim_rng_below ---- */

START_TEST(test_below_small_bounds)
{
	struct sim_rng r;
	int seen[7] = { 0 };
	unsigned bad = 0;

	sim_rng_seed(&r, 11);
	for (int i = 0; i < 1000; i++) {
		EXPECT(bad, sim_rng_below(&r, 0) == 0);
		EXPECT(bad, sim_rng_below(&r, 1) == 0);
		EXPECT(bad, sim_rng_below(&r, 2) <= 1);
	}
	for (int i = 0; i < 7000; i++) {
		uint64_t v = sim_rng_below(&r, 7);

		if (v >= 7)
			ck_abort_msg("draw %d out of range: %" PRIu64, i, v);
		seen[v]++;
	}
	ck_assert_uint_eq(bad, 0);
	for (int i = 0; i < 7; i++)
		ck_assert_int_gt(seen[i], 0);
}
END_TEST

START_TEST(test_below_max_bound)
{
	struct sim_rng r;
	int high = 0;
	unsigned bad = 0;

	sim_rng_seed(&r, 12);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = sim_rng_below(&r, UINT64_MAX);

		EXPECT(bad, v < UINT64_MAX);
		high += v >= (UINT64_C(1) << 63);
	}
	/* Both halves of the range are used about equally. */
	ck_assert_int_gt(high, 4500);
	ck_assert_int_lt(high, 5500);
	/* The worst case for rejection: just over half the range. */
	for (int i = 0; i < 10000; i++)
		EXPECT(bad, sim_rng_below(&r, (UINT64_C(1) << 63) + 1) <= UINT64_C(1) << 63);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(test_below_chi_square)
{
	enum { BUCKETS = 10, DRAWS = 100000 };
	struct sim_rng r;
	uint64_t count[BUCKETS] = { 0 };
	double chi2 = 0.0;
	const double expected = (double)DRAWS / BUCKETS;

	sim_rng_derive(&r, 2024, "chi-square");
	for (int i = 0; i < DRAWS; i++) {
		uint64_t v = sim_rng_below(&r, BUCKETS);

		if (v >= BUCKETS)
			ck_abort_msg("draw %d out of range: %" PRIu64, i, v);
		count[v]++;
	}
	for (int i = 0; i < BUCKETS; i++) {
		double d = (double)count[i] - expected;

		chi2 += d * d / expected;
	}
	/* 9 degrees of freedom: P(chi2 > 27.9) = 0.001; 50 is very generous
	 * yet catches gross skew (e.g. one bucket 3% off gives about 90). */
	ck_assert_double_lt(chi2, 50.0);
}
END_TEST

START_TEST(test_below_no_modulo_bias)
{
	/* With bound = 2/3 of 2^64, "next() % bound" would return values below
	 * bound/2 twice as often as the rest (a 2/3 share); an unbiased draw
	 * gives each half one half. */
	const uint64_t bound = UINT64_MAX / 3 * 2;
	struct sim_rng r;
	int low = 0;
	const int n = 60000;
	unsigned bad = 0;

	sim_rng_seed(&r, 77);
	for (int i = 0; i < n; i++) {
		uint64_t v = sim_rng_below(&r, bound);

		EXPECT(bad, v < bound);
		low += v < bound / 2;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_gt(low, n / 2 - n / 50);
	ck_assert_int_lt(low, n / 2 + n / 50);
}
END_TEST

/* ---- sim_rng_range ---- */

START_TEST(test_range_edges)
{
	struct sim_rng r;
	int seen[3] = { 0 };
	int top = 0, below_top = 0;
	unsigned bad = 0;

	sim_rng_seed(&r, 5);
	for (int i = 0; i < 1000; i++) {
		EXPECT(bad, sim_rng_range(&r, 0, 0) == 0);
		EXPECT(bad, sim_rng_range(&r, 9, 9) == 9);
		EXPECT(bad, sim_rng_range(&r, UINT64_MAX, UINT64_MAX) == UINT64_MAX);
		/* lo > hi returns lo. */
		EXPECT(bad, sim_rng_range(&r, 10, 3) == 10);
		EXPECT(bad, sim_rng_range(&r, UINT64_MAX, 0) == UINT64_MAX);
	}
	ck_assert_uint_eq(bad, 0);
	for (int i = 0; i < 3000; i++) {
		uint64_t v = sim_rng_range(&r, 5, 7);

		if (v < 5 || v > 7)
			ck_abort_msg("draw %d out of range: %" PRIu64, i, v);
		seen[v - 5]++;
	}
	for (int i = 0; i < 3; i++)
		ck_assert_int_gt(seen[i], 800);
	/* The two top values, both reachable. */
	for (int i = 0; i < 2000; i++) {
		uint64_t v = sim_rng_range(&r, UINT64_MAX - 1, UINT64_MAX);

		EXPECT(bad, v >= UINT64_MAX - 1);
		top += v == UINT64_MAX;
		below_top += v == UINT64_MAX - 1;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_gt(top, 800);
	ck_assert_int_gt(below_top, 800);
}
END_TEST

START_TEST(test_range_full)
{
	struct sim_rng r;
	int high = 0, odd = 0;
	unsigned bad = 0;

	/* [0, UINT64_MAX] covers every value: both halves, both parities. */
	sim_rng_seed(&r, 6);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = sim_rng_range(&r, 0, UINT64_MAX);

		high += v >> 63 != 0;
		odd += (int)(v & 1u);
	}
	ck_assert_int_gt(high, 4500);
	ck_assert_int_lt(high, 5500);
	ck_assert_int_gt(odd, 4500);
	ck_assert_int_lt(odd, 5500);
	/* [1, UINT64_MAX] never gives 0 (no wrap of hi - lo + 1). */
	for (int i = 0; i < 10000; i++)
		EXPECT(bad, sim_rng_range(&r, 1, UINT64_MAX) >= 1);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* ---- sim_rng_unit ---- */

START_TEST(test_unit_interval)
{
	struct sim_rng r;
	double sum = 0.0, lo = 1.0, hi = 0.0;
	const int n = 100000;
	unsigned bad = 0;

	sim_rng_seed(&r, 8);
	for (int i = 0; i < n; i++) {
		double u = sim_rng_unit(&r);
		double scaled = u * 9007199254740992.0; /* 2^53 */

		EXPECT(bad, u >= 0.0);
		EXPECT(bad, u < 1.0);
		/* 53 random bits: u is a multiple of 2^-53. */
		EXPECT(bad, scaled == (double)(uint64_t)scaled);
		sum += u;
		if (u < lo)
			lo = u;
		if (u > hi)
			hi = u;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_double_gt(sum / n, 0.49);
	ck_assert_double_lt(sum / n, 0.51);
	ck_assert_double_lt(lo, 0.001);
	ck_assert_double_gt(hi, 0.999);
}
END_TEST

static Suite *random_suite(void)
{
	Suite *s = suite_create("sim:random");
	TCase *kat = tcase_create("known-answer");
	TCase *st = tcase_create("streams");
	TCase *dr = tcase_create("draws");

	tcase_add_test(kat, test_kat_xoshiro_from_state);
	tcase_add_loop_test(kat, test_kat_seed_state, 0, (int)N_KAT_SEEDS);
	tcase_add_loop_test(kat, test_kat_seed_outputs, 0, (int)N_KAT_SEEDS);
	suite_add_tcase(s, kat);

	tcase_add_test(st, test_seed_repeatable);
	tcase_add_test(st, test_derive_same_args_same_stream);
	tcase_add_test(st, test_derive_names_differ);
	tcase_add_test(st, test_derive_seeds_differ);
	tcase_add_test(st, test_streams_independent);
	tcase_add_test(st, test_copy_copies_stream);
	suite_add_tcase(s, st);

	tcase_add_test(dr, test_below_small_bounds);
	tcase_add_test(dr, test_below_max_bound);
	tcase_add_test(dr, test_below_chi_square);
	tcase_add_test(dr, test_below_no_modulo_bias);
	tcase_add_test(dr, test_range_edges);
	tcase_add_test(dr, test_range_full);
	tcase_add_test(dr, test_unit_interval);
	suite_add_tcase(s, dr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(random_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
