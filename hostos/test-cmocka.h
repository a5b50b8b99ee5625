/*
 * hostos/test-cmocka.h - the cmocka adapter: a bug check becomes a failed
 * test, reported from the test's own stack with the bug check's full
 * report; a test may also expect a given bug check. Include after nothing
 * in particular: it includes what cmocka needs before <cmocka.h>.
 *
 *	hostos_assert_no_bugcheck(os);
 *	hostos_assert_bugcheck(os, 0xC4, 0x30, HOSTOS_ANY, HOSTOS_ANY, 0);
 */
#ifndef PCISIM_HOSTOS_TEST_CMOCKA_H
#define PCISIM_HOSTOS_TEST_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hostos/os.h"
#include "hostos/test-common.h"

static inline void hostos_cm_no_bugcheck_(const struct hostos *os, const char *file, int line)
{
	const struct hostos_bugcheck *b = hostos_last_bugcheck(os);

	if (b) {
		print_error("unexpected bug check\n%s\n", b->report);
		_fail(file, line);
	}
}

static inline void hostos_cm_bugcheck_(const struct hostos *os, uint32_t code, uint64_t p1,
				       uint64_t p2, uint64_t p3, uint64_t p4, const char *file,
				       int line)
{
	char why[2048];

	if (!hostos_bugcheck_matches_(os, code, p1, p2, p3, p4, why, sizeof(why))) {
		print_error("%s\n", why);
		_fail(file, line);
	}
}

/** hostos_assert_no_bugcheck() - fail the test if a bug check stopped @os. */
#define hostos_assert_no_bugcheck(os) hostos_cm_no_bugcheck_((os), __FILE__, __LINE__)

/** hostos_assert_bugcheck() - fail unless @os stopped with @code and the
 * four parameters (HOSTOS_ANY matches any value). */
#define hostos_assert_bugcheck(os, code, p1, p2, p3, p4) \
	hostos_cm_bugcheck_((os), (code), (p1), (p2), (p3), (p4), __FILE__, __LINE__)

#endif /* PCISIM_HOSTOS_TEST_CMOCKA_H */
