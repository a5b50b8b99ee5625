/*
 * hostos/test-common.h - what the test adapters (hostos/test-check.h,
 * hostos/test-cmocka.h) share: matching a bug check against an
 * expectation.
 */
#ifndef PCISIM_HOSTOS_TEST_COMMON_H
#define PCISIM_HOSTOS_TEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hostos/os.h"

/** A bug check parameter that matches any value. */
#define HOSTOS_ANY UINT64_C(0xA11A11A11A11A11A)

/* Whether @os stopped with @code and parameters @p1..@p4 (HOSTOS_ANY
 * matches anything); if not, @why says what happened instead. */
static inline bool hostos_bugcheck_matches_(const struct hostos *os, uint32_t code, uint64_t p1,
					    uint64_t p2, uint64_t p3, uint64_t p4, char *why,
					    size_t why_len)
{
	const struct hostos_bugcheck *b = hostos_last_bugcheck(os);
	const uint64_t want[4] = { p1, p2, p3, p4 };

	if (!b) {
		snprintf(why, why_len, "expected bug check 0x%X (%s), but none happened", code,
			 hostos_bugcheck_name(code));
		return false;
	}
	if (b->code != code) {
		snprintf(why, why_len, "expected bug check 0x%X (%s), got\n%s", code,
			 hostos_bugcheck_name(code), b->report);
		return false;
	}
	for (unsigned i = 0; i < 4; i++)
		if (want[i] != HOSTOS_ANY && want[i] != b->p[i]) {
			snprintf(why, why_len, "bug check 0x%X: P%u is 0x%llX, expected 0x%llX\n%s",
				 code, i + 1, (unsigned long long)b->p[i],
				 (unsigned long long)want[i], b->report);
			return false;
		}
	return true;
}

#endif /* PCISIM_HOSTOS_TEST_COMMON_H */
