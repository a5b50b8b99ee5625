/*
 * platform/inject.h - function-level faults at a chosen simulated time:
 * surprise removal of a function or a whole slot, and a function forced
 * into D3hot (or back to D0), for testing how a driver copes when its
 * device vanishes or powers down under it. Address-range faults (UR, CA,
 * poisoned data, completion timeouts) are bus/fault.h's, scheduled with
 * bus_fault_schedule(); these act on the machine's topology and
 * configuration space instead.
 *
 * Each injection is an intrusive timer (no allocation) that fires in the
 * evaluate phase of the first delta cycle at its time and records what it
 * did. Include as "platform/inject.h".
 */
#ifndef PCISIM_PLATFORM_INJECT_H
#define PCISIM_PLATFORM_INJECT_H

#include <stdbool.h>

#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/time.h"

struct platform_machine;

/** enum platform_inject_kind - what an injection does. */
enum platform_inject_kind {
	/** platform_remove_function() of bus:device.function. */
	PLATFORM_INJECT_REMOVE_FUNCTION = 0,
	/** platform_remove_slot() of bus:device (the function is ignored). */
	PLATFORM_INJECT_REMOVE_SLOT = 1,
	/** PowerState D3hot written to the function's PM capability, as a
	 * configuration write (the machine's hooks run: decoding stops). */
	PLATFORM_INJECT_D3HOT = 2,
	/** PowerState D0 written likewise (a soft reset follows when the
	 * function has No_Soft_Reset clear, PCI PM 1.2 §5.4.1). */
	PLATFORM_INJECT_D0 = 3,
};

/**
 * struct platform_inject - one scheduled injection; storage owned by the
 * caller, set up by platform_inject_schedule().
 * @fired: it fired and tried to act.
 * @err: 0 when it acted; SIM_ERR_INVALID when the target was not there
 *	(no such function, already removed), SIM_ERR_STATE for a power
 *	injection on a function without a PM capability.
 * @fired_ps: the simulated time it fired at.
 */
struct platform_inject {
	/* read-only */
	bool fired;
	int err;
	sim_time_t fired_ps;
	/* private */
	struct sim_event ev;
	struct platform_machine *m;
	enum platform_inject_kind kind;
	unsigned bus, device, function;
};

/**
 * platform_inject_schedule() - act on bus:device.function of @m when @k
 * reaches @at_ps.
 * @inj: initialised here; must not be pending (one used before must have
 *	been released with platform_inject_destroy()).
 * @m: must outlive the pending injection.
 * Return: 0; SIM_ERR_INVALID (NULL argument, unknown @kind, bus > 255,
 * device > 31 or function > 7, @at_ps in the past); SIM_ERR_OVERFLOW
 * (SIM_TIME_MAX). Whether the target exists is checked when it fires.
 */
int platform_inject_schedule(struct platform_inject *inj, struct platform_machine *m,
			     struct sim_kernel *k, sim_time_t at_ps, enum platform_inject_kind kind,
			     unsigned bus, unsigned device, unsigned function);

/** platform_inject_cancel() - withdraw an injection that has not fired.
 * Return: true if it was pending. */
bool platform_inject_cancel(struct platform_inject *inj);

/** platform_inject_destroy() - cancel @inj and release its event, before
 * its memory goes away (unless its kernel is destroyed first). */
void platform_inject_destroy(struct platform_inject *inj);

/** platform_inject_kind_name() - "remove-function", "remove-slot",
 * "d3hot", "d0"; "unknown" otherwise. */
const char *platform_inject_kind_name(enum platform_inject_kind kind);

#endif /* PCISIM_PLATFORM_INJECT_H */
