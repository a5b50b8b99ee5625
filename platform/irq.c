/*
 * platform/irq.c - attaching irq/ to a built machine (platform/irq.h).
 * Reads the machine's private state (machine-internal.h) for each
 * function's link and topology handle; changes nothing in it.
 */
#include "platform/irq.h"
#include "platform/machine-internal.h"

#include <stdlib.h>

struct platform_irq_fn {
	unsigned bus, device, function;
	struct irq_fn fn;
};

struct platform_irq {
	struct irq_ctrl ctrl;
	bool ctrl_ok;
	struct irq_route route;
	struct platform_irq_fn *fns;
	size_t n_fns;
};

void platform_irq_detach(struct platform_irq *pi)
{
	if (!pi)
		return;
	for (size_t i = pi->n_fns; i-- > 0;)
		irq_fn_destroy(&pi->fns[i].fn);
	if (pi->ctrl_ok)
		irq_ctrl_destroy(&pi->ctrl);
	free(pi->fns);
	free(pi);
}

static int add_fn(struct platform_irq *pi, struct platform_machine *m, struct sim_kernel *k,
		  struct platform_fn *f)
{
	const struct bus_topo_result *r = bus_topo_fn_result(f->tfn);
	struct platform_irq_fn *pf = &pi->fns[pi->n_fns];
	struct irq_fn_config fc = { 0 };
	uint32_t input = IRQ_FN_NO_INPUT;
	int rc;

	if (!r || !r->found)
		return SIM_OK;
	if (r->root_pin) {
		input = irq_route_lookup(&pi->route, r->root_device, r->root_pin);
		if (input != IRQ_ROUTE_NONE && input >= pi->ctrl.cfg.n_inputs)
			return SIM_ERR_INVALID;
		if (input == IRQ_ROUTE_NONE)
			input = IRQ_FN_NO_INPUT;
	}
	fc.name = f->name;
	fc.cfg = f->cfg;
	fc.requester_id = (uint16_t)((r->bus & 0xffu) << 8 | (r->device & 0x1fu) << 3 |
				     (r->function & 7u));
	fc.ctrl = &pi->ctrl;
	fc.input = input;
	fc.decode = platform_decode(m);
	fc.up = &f->port->link.up;
	fc.link = &f->port->link.cfg;
	rc = irq_fn_init(&pf->fn, k, &fc);
	if (rc)
		return rc;
	pf->bus = r->bus;
	pf->device = r->device;
	pf->function = r->function;
	pi->n_fns++;
	return SIM_OK;
}

int platform_irq_attach(struct platform_irq **out, struct platform_machine *m,
			struct sim_kernel *k, const struct platform_irq_config *cfg)
{
	struct platform_irq *pi;
	int rc;

	if (!out)
		return SIM_ERR_INVALID;
	*out = NULL;
	if (!m || !k)
		return SIM_ERR_INVALID;
	pi = calloc(1, sizeof(*pi));
	if (!pi)
		return SIM_ERR_NOMEM;
	pi->fns = calloc(m->n_fns ? m->n_fns : 1, sizeof(*pi->fns));
	if (!pi->fns) {
		free(pi);
		return SIM_ERR_NOMEM;
	}
	if (cfg && cfg->route)
		pi->route = *cfg->route;
	else
		irq_route_init_default(&pi->route, IRQ_ROUTE_DEFAULT_BASE);
	rc = irq_ctrl_init(&pi->ctrl, k, cfg ? cfg->ctrl : NULL);
	if (rc)
		goto fail;
	pi->ctrl_ok = true;
	rc = irq_ctrl_map(&pi->ctrl, platform_decode(m), PLATFORM_PRIO_MSI);
	if (rc)
		goto fail;
	for (size_t i = 0; i < m->n_fns; i++) {
		if (m->fns[i].is_bridge)
			continue;
		rc = add_fn(pi, m, k, &m->fns[i]);
		if (rc)
			goto fail;
	}
	*out = pi;
	return SIM_OK;
fail:
	platform_irq_detach(pi);
	return rc;
}

struct irq_ctrl *platform_irq_ctrl(struct platform_irq *pi)
{
	return pi ? &pi->ctrl : NULL;
}

struct irq_fn *platform_irq_fn(struct platform_irq *pi, unsigned bus, unsigned device,
			       unsigned function)
{
	if (!pi)
		return NULL;
	for (size_t i = 0; i < pi->n_fns; i++)
		if (pi->fns[i].bus == bus && pi->fns[i].device == device &&
		    pi->fns[i].function == function)
			return &pi->fns[i].fn;
	return NULL;
}

int platform_irq_set_ctrace(struct platform_irq *pi, struct sim_ctrace *t)
{
	int rc;

	if (!pi)
		return SIM_ERR_INVALID;
	rc = irq_ctrl_set_ctrace(&pi->ctrl, t);
	for (size_t i = 0; !rc && i < pi->n_fns; i++)
		rc = irq_fn_set_ctrace(&pi->fns[i].fn, t);
	if (rc && t)
		platform_irq_set_ctrace(pi, NULL);
	return rc;
}

const struct irq_route *platform_irq_route(const struct platform_irq *pi)
{
	return pi ? &pi->route : NULL;
}
