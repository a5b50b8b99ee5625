/*
 * platform/dma.c - a function's DMA port over the machine (platform/dma.h).
 */
#include "platform/dma.h"
#include "platform/machine-internal.h"

#include "bus/config.h"

/* The function whose BAR is decoder region @id, or NULL (RAM, nothing). */
static struct platform_fn *owner(struct platform_machine *m, uint32_t id)
{
	if (id == 0)
		return NULL;
	for (size_t i = 0; i < m->n_fns; i++)
		for (unsigned b = 0; b < PLATFORM_BARS; b++)
			if (m->fns[i].region[b] == id)
				return &m->fns[i];
	return NULL;
}

/* The completer latency of a target, as platform/access.c times it. */
static sim_time_t target_latency(void *opaque, const struct bus_decode_result *r)
{
	struct platform_machine *m = opaque;
	struct platform_fn *f;

	if (r->master_abort || r->region == 0)
		return m->timing.master_abort_ps;
	f = owner(m, r->region);
	return f ? f->completer_ps : m->timing.ram_ps;
}

/* A function of the machine that aborts a request signals it (PCI 3.0 §6.2.3). */
static void target_abort(void *opaque, const struct bus_decode_result *r)
{
	struct platform_fn *f = r->master_abort ? NULL : owner(opaque, r->region);

	if (f)
		pci_cfg_set_status_bits(f->cfg, PCI_STS_SIG_TARGET_ABORT);
}

static const struct dma_port_ops machine_ops = {
	.latency = target_latency,
	.completer_abort = target_abort,
};

int platform_dma_port(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, struct dma_port *out)
{
	struct platform_fn *f;
	const struct bus_topo_result *tr;
	struct bus_link_cfg c;
	int rc;

	if (!m || !out)
		return SIM_ERR_INVALID;
	f = platform_fn_at(m, bus, device, function);
	if (!f || platform_fn_gone(f) || !f->port || !f->port->has_link)
		return SIM_ERR_INVALID;
	c = f->port->link.cfg;
	tr = bus_topo_fn_result(f->tfn);
	if (tr && tr->mps_bytes)
		c.mps_bytes = tr->mps_bytes;
	if (tr && tr->mrrs_bytes)
		c.mrrs_bytes = tr->mrrs_bytes;
	rc = dma_port_init(out, &m->decode, &f->port->link.up, &f->port->link.down, &c);
	if (rc)
		return rc;
	out->cfg = f->cfg;
	out->mem_ps = m->timing.ram_ps;
	out->ops = &machine_ops;
	out->ops_opaque = m;
	out->requester_id = (uint16_t)((bus & 0xffu) << 8 | (device & 0x1fu) << 3 | (function & 7u));
	for (unsigned b = 0; b < PLATFORM_BARS; b++)
		if (f->region[b])
			dma_port_add_own_region(out, f->region[b]);
	return SIM_OK;
}
