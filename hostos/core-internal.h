/*
 * hostos/core-internal.h - what the parts of hostos/ share with its core
 * (the simulated CPUs and the current machine). Not installed.
 */
#ifndef PCISIM_HOSTOS_CORE_INTERNAL_H
#define PCISIM_HOSTOS_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * hostos_debug_output() - one finished line of driver debug output
 * (DbgPrint, DbgPrintEx, KdPrint), @len bytes at @text, not necessarily
 * NUL-terminated; @component and @level as DbgPrintEx got them (DbgPrint
 * passes DPFLTR_DEFAULT_ID and DPFLTR_INFO_LEVEL). It goes to the current
 * machine's trace and, when the machine asks for it (or when no machine
 * is current), to stderr.
 */
void hostos_debug_output(uint32_t component, uint32_t level, const char *text,
			 size_t len);

#endif /* PCISIM_HOSTOS_CORE_INTERNAL_H */
