/*
 * hostos/test-check.h - the Check adapter: a bug check becomes a failed
 * test, reported from the test's own stack with the bug check's full
 * report; a test may also expect a given bug check.
 *
 *	hostos_ck_assert_no_bugcheck(os);
 *	hostos_ck_assert_bugcheck(os, 0xF, HOSTOS_ANY, 0, 0, 0);
 */
#ifndef PCISIM_HOSTOS_TEST_CHECK_H
#define PCISIM_HOSTOS_TEST_CHECK_H

#include <stdint.h>

#include <check.h>

#include "hostos/os.h"
#include "hostos/test-common.h"

/** hostos_ck_assert_no_bugcheck() - fail the test if a bug check stopped @os. */
#define hostos_ck_assert_no_bugcheck(os)                                                   \
	ck_assert_msg(!hostos_bugchecked(os), "unexpected bug check\n%s",                  \
		      hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report : "")

/** hostos_ck_assert_bugcheck() - fail unless @os stopped with @code and
 * the four parameters (HOSTOS_ANY matches any value). */
#define hostos_ck_assert_bugcheck(os, code, p1, p2, p3, p4)                                \
	do {                                                                               \
		char hostos_why_[2048];                                                     \
		ck_assert_msg(hostos_bugcheck_matches_((os), (code), (p1), (p2), (p3), (p4), \
						       hostos_why_, sizeof(hostos_why_)),  \
			      "%s", hostos_why_);                                          \
	} while (0)

#endif /* PCISIM_HOSTOS_TEST_CHECK_H */
