/*
 * hostos/seeds.h - running one test body under many schedules: each seed
 * perturbs the host OS's schedule reproducibly (struct hostos_config
 * @seed), so an interleaving bug that only some orders expose is found by
 * trying K seeds, and replayed by giving the failing one back.
 */
#ifndef PCISIM_HOSTOS_SEEDS_H
#define PCISIM_HOSTOS_SEEDS_H

#include <stdint.h>

/** typedef hostos_seed_fn - one run under @seed: build the machine with
 * that seed, run it, return 0 when it passed, anything else when not. */
typedef int (*hostos_seed_fn)(uint64_t seed, void *arg);

/**
 * hostos_for_seeds() - run @fn for seeds @first .. @first + @count - 1,
 * stopping at the first failure, which is printed to stderr with the way
 * to replay it. When the environment variable PCISIM_SEED holds a number,
 * only that seed runs (the replay).
 * @failed_seed: optional; receives the failing seed (0 when none failed).
 * Return: 0 when every run passed, else what the failing run returned.
 */
int hostos_for_seeds(uint64_t first, unsigned count, hostos_seed_fn fn, void *arg,
		     uint64_t *failed_seed);

#endif /* PCISIM_HOSTOS_SEEDS_H */
