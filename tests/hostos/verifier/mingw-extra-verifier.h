/*
 * tests/hostos/verifier/mingw-extra-verifier.h - force-included only in
 * the mingw-w64 checks of this folder (check-mingw.py, check-layout.py):
 * the project's mingw-extra.h, and what the verifier test driver uses that
 * mingw-w64's DDK lacks, with the WDK's value.
 */
#ifndef PCISIM_TESTS_MINGW_EXTRA_VERIFIER_H
#define PCISIM_TESTS_MINGW_EXTRA_VERIFIER_H

#include "../compile/mingw-extra.h"

/* Windows 8 and later: nonpaged, no-execute entries for a lookaside list. */
#ifndef POOL_NX_ALLOCATION
#define POOL_NX_ALLOCATION 512
#endif

#endif /* PCISIM_TESTS_MINGW_EXTRA_VERIFIER_H */
