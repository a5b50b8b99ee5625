/*
 * platform/inject.c - function-level faults at a chosen simulated time
 * (platform/inject.h).
 */
#include "platform/inject.h"

#include <string.h>

#include "bus/caps.h"
#include "platform/machine.h"

static int set_power(struct platform_inject *inj, enum pci_power_state state)
{
	struct bus_topo_fn *tfn;
	uint32_t pm, ctl;
	int rc;

	if (!platform_fn_present(inj->m, inj->bus, inj->device, inj->function))
		return SIM_ERR_INVALID;
	tfn = bus_topo_lookup(platform_topo(inj->m), inj->bus, inj->device, inj->function);
	pm = tfn ? pci_cap_find(bus_topo_fn_cfg(tfn), PCI_CAP_ID_PM) : 0;
	if (!pm)
		return SIM_ERR_STATE;
	/* Read-modify-write, as software does, so PME_En and the other
	 * bits stay as they are. */
	rc = platform_cfg_read(inj->m, inj->bus, inj->device, inj->function, pm + PCI_PM_CTRL, 2,
			       &ctl);
	if (rc)
		return rc;
	ctl = (ctl & ~(uint32_t)PCI_PM_CTRL_STATE_MASK) | (uint32_t)state;
	return platform_cfg_write(inj->m, inj->bus, inj->device, inj->function, pm + PCI_PM_CTRL,
				  2, ctl);
}

static void inject_fire(struct sim_kernel *k, void *opaque)
{
	struct platform_inject *inj = opaque;

	inj->fired = true;
	inj->fired_ps = sim_now(k);
	switch (inj->kind) {
	case PLATFORM_INJECT_REMOVE_FUNCTION:
		inj->err = platform_fn_present(inj->m, inj->bus, inj->device, inj->function)
				   ? platform_remove_function(inj->m, inj->bus, inj->device,
							      inj->function)
				   : SIM_ERR_INVALID;
		break;
	case PLATFORM_INJECT_REMOVE_SLOT:
		inj->err = platform_remove_slot(inj->m, inj->bus, inj->device);
		break;
	case PLATFORM_INJECT_D3HOT:
		inj->err = set_power(inj, PCI_D3HOT);
		break;
	case PLATFORM_INJECT_D0:
		inj->err = set_power(inj, PCI_D0);
		break;
	}
	if (inj->err != SIM_OK)
		sim_report(k, SIM_SEV_WARNING, "injection %s at %02x:%02x.%u failed: %s",
			   platform_inject_kind_name(inj->kind), inj->bus, inj->device,
			   inj->function, sim_strerror(inj->err));
}

int platform_inject_schedule(struct platform_inject *inj, struct platform_machine *m,
			     struct sim_kernel *k, sim_time_t at_ps, enum platform_inject_kind kind,
			     unsigned bus, unsigned device, unsigned function)
{
	if (!inj)
		return SIM_ERR_INVALID;
	memset(inj, 0, sizeof(*inj));
	sim_event_init(k, &inj->ev, "platform_inject", inject_fire, inj);
	if (!m || !k || (unsigned)kind > PLATFORM_INJECT_D0 || bus > 255 || device > 31 ||
	    function > 7)
		return SIM_ERR_INVALID;
	inj->m = m;
	inj->kind = kind;
	inj->bus = bus;
	inj->device = device;
	inj->function = function;
	return sim_event_schedule_at(&inj->ev, at_ps);
}

bool platform_inject_cancel(struct platform_inject *inj)
{
	return inj && sim_event_cancel(&inj->ev);
}

void platform_inject_destroy(struct platform_inject *inj)
{
	if (inj)
		sim_event_destroy(&inj->ev);
}

const char *platform_inject_kind_name(enum platform_inject_kind kind)
{
	switch (kind) {
	case PLATFORM_INJECT_REMOVE_FUNCTION: return "remove-function";
	case PLATFORM_INJECT_REMOVE_SLOT: return "remove-slot";
	case PLATFORM_INJECT_D3HOT: return "d3hot";
	case PLATFORM_INJECT_D0: return "d0";
	}
	return "unknown";
}
