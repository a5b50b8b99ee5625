/*
 * hostos/seeds.c - running a test body under many seeds (hostos/seeds.h).
 */
#include "hostos/seeds.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int hostos_for_seeds(uint64_t first, unsigned count, hostos_seed_fn fn, void *arg,
		     uint64_t *failed_seed)
{
	const char *env = getenv("PCISIM_SEED");
	int rc;

	if (failed_seed)
		*failed_seed = 0;
	if (env && *env) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(env, &end, 0);
		if (errno == 0 && *end == '\0') {
			first = v;
			count = 1;
		}
	}
	for (unsigned i = 0; i < count; i++) {
		uint64_t seed = first + i;

		rc = fn(seed, arg);
		if (rc) {
			if (failed_seed)
				*failed_seed = seed;
			fprintf(stderr, "pcisim: seed %" PRIu64 " failed; replay with PCISIM_SEED=%" PRIu64 "\n",
				seed, seed);
			return rc;
		}
	}
	return 0;
}
