/*
 * sim/random.c - xoshiro256** streams seeded through splitmix64.
 *
 * Both algorithms are public domain designs by Sebastiano Vigna (splitmix64
 * after Steele, Lea and Flood); this is a fresh implementation of the
 * published recurrences.
 */
#include "sim/random.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	/* splitmix64 never yields four zero words in a row, so the state is
	 * never the all-zero fixed point of xoshiro. */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

void sim_rng_derive(struct sim_rng *r, uint64_t root_seed, const char *name)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a offset basis */
	uint64_t x;

	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	/* One splitmix64 round on the root before mixing in the name, so that
	 * seeds differing in one bit give unrelated streams for every name. */
	x = root_seed;
	sim_rng_seed(r, splitmix64(&x) ^ h);
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* The high 64 bits of a 64x64-bit product, without a 128-bit type. */
static uint64_t mul_hi(uint64_t a, uint64_t b, uint64_t *lo)
{
	uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
	uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
	uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
	uint64_t mid = (p0 >> 32) + (p1 & 0xffffffffu) + (p2 & 0xffffffffu);

	*lo = (mid << 32) | (p0 & 0xffffffffu);
	return p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

uint64_t sim_rng_below(struct sim_rng *r, uint64_t bound)
{
	uint64_t lo, hi;

	if (bound == 0)
		return 0;
	hi = mul_hi(sim_rng_next(r), bound, &lo);
	if (lo < bound) {
		/* Reject the few products that would make low values likelier. */
		uint64_t threshold = (0 - bound) % bound;

		while (lo < threshold)
			hi = mul_hi(sim_rng_next(r), bound, &lo);
	}
	return hi;
}

uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return lo;
	if (lo == 0 && hi == UINT64_MAX)
		return sim_rng_next(r);
	return lo + sim_rng_below(r, hi - lo + 1);
}

double sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
