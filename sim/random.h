/*
 * sim/random.h - deterministic random streams.
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018), seeded through
 * splitmix64 so that any 64-bit seed gives a well-mixed state. Each
 * component draws from its own stream derived from the kernel's seed and a
 * stable name: adding a draw in one component never reshuffles another, and
 * the same seed gives the same numbers on every host and build.
 */
#ifndef PCISIM_SIM_RANDOM_H
#define PCISIM_SIM_RANDOM_H

#include <stdint.h>

/** struct sim_rng - one stream. Copying it copies the stream. */
struct sim_rng {
	uint64_t s[4];
};

/** sim_rng_seed() - start a stream from a 64-bit seed (splitmix64 expansion). */
void sim_rng_seed(struct sim_rng *r, uint64_t seed);

/**
 * sim_rng_derive() - start the stream of component @name under @root_seed.
 * The stream depends only on the two arguments (a 64-bit FNV-1a hash of
 * @name mixed with @root_seed). @name must not be NULL.
 */
void sim_rng_derive(struct sim_rng *r, uint64_t root_seed, const char *name);

/** sim_rng_next() - the next 64 random bits. */
uint64_t sim_rng_next(struct sim_rng *r);

/**
 * sim_rng_below() - a uniform integer in [0, @bound), without modulo bias
 * (Lemire's multiply-and-reject). A @bound of 0 returns 0.
 */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t bound);

/** sim_rng_range() - a uniform integer in [@lo, @hi]; @lo > @hi returns @lo. */
uint64_t sim_rng_range(struct sim_rng *r, uint64_t lo, uint64_t hi);

/** sim_rng_unit() - a uniform double in [0, 1) with 53 random bits. */
double sim_rng_unit(struct sim_rng *r);

#endif /* PCISIM_SIM_RANDOM_H */
