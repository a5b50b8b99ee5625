/*
 * hostos/code-name.c - a driver routine's address as the trace shows it:
 * the module's file name and the offset into it ("pcisim+0x1c2f0"), which
 * stay the same from run to run where the address itself moves with
 * address-space layout randomisation. The same seed must give the same
 * trace, byte for byte.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "hostos/os-internal.h"

void hostos_code_name(const void *addr, char *buf, size_t len)
{
	Dl_info info;

	if (addr && dladdr(addr, &info) && info.dli_fname && info.dli_fbase) {
		const char *base = strrchr(info.dli_fname, '/');

		snprintf(buf, len, "%s+0x%llx", base ? base + 1 : info.dli_fname,
			 (unsigned long long)((uintptr_t)addr - (uintptr_t)info.dli_fbase));
	} else {
		snprintf(buf, len, "0x%llx", (unsigned long long)(uintptr_t)addr);
	}
}
