/*
 * hostos/debug-output.c - where driver debug output goes
 * (hostos/core-internal.h).
 */
#include "hostos/core-internal.h"

#include <stdio.h>

void hostos_debug_output(uint32_t component, uint32_t level, const char *text,
			 size_t len)
{
	(void)component;
	(void)level;
	/* No machine yet: a driver's messages are the developer's, so they
	 * go to stderr as they came. */
	fprintf(stderr, "%.*s", (int)len, text);
}
