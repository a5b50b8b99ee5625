/*
 * tests/hostos/sync/mingw-extra-sync.h - force-included only in the
 * mingw-w64 syntax check of sync-driver.c (check-mingw.py): the project's
 * mingw-extra.h, and what the sync test driver uses that mingw-w64's DDK
 * lacks, declared as the WDK declares it.
 */
#ifndef PCISIM_TESTS_MINGW_EXTRA_SYNC_H
#define PCISIM_TESTS_MINGW_EXTRA_SYNC_H

#include "../compile/mingw-extra.h"

/* Windows 8 and later; mingw-w64's DDK does not declare it. The DDK
 * header first (force-included before the source's own #include; its
 * guard makes that one a no-op). */
#include <ntddk.h>
NTKERNELAPI VOID NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);

#endif /* PCISIM_TESTS_MINGW_EXTRA_SYNC_H */
