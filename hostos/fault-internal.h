/*
 * hostos/fault-internal.h - the check every allocation path of the host
 * OS makes (hostos/fault.c). Cheap when no fault was asked for: one load
 * and a branch. Not installed.
 */
#ifndef PCISIM_HOSTOS_FAULT_INTERNAL_H
#define PCISIM_HOSTOS_FAULT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hostos/fault.h"
#include "hostos/os-internal.h"

struct hostos_fault;

/* The slow part: count, record the site, decide (Low Resources
 * Simulation included). */
bool hostos_fault_hit(struct hostos *os, enum hostos_fault_kind kind, const void *site);

/*
 * hostos_fault_check() - whether the allocation of @kind that the code at
 * @site asks for now must be refused. Call once per allocation the driver
 * asks for (not for the host OS's own bookkeeping).
 */
static inline bool hostos_fault_check(struct hostos *os, enum hostos_fault_kind kind,
				      const void *site)
{
	return (os->fault || (os->cfg.verifier & HOSTOS_VERIFY_LOW_RESOURCES)) &&
	       hostos_fault_hit(os, kind, site);
}

/*
 * hostos_fault_map_registers() - what the adapter code grants when a
 * driver's device needs @wanted map registers: @wanted, or less when the
 * harness asked for fewer (hostos_fault_set_map_registers()).
 */
uint32_t hostos_fault_map_registers(const struct hostos *os, uint32_t wanted);

/* Free the state; hostos_destroy(). */
void hostos_fault_destroy(struct hostos *os);

#endif /* PCISIM_HOSTOS_FAULT_INTERNAL_H */
