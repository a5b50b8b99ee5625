/*
 * platform/dma.c - a function's DMA port over the machine (platform/dma.h).
 */
#include "platform/dma.h"
#include "platform/machine-internal.h"

#include "bus/config.h"

/* The completer latency of a target, as platform/access.c times it. */
static sim_time_t target_latency(void *opaque, const struct bus_decode_result *r)
{
	struct platform_machine *m = opaque;
	struct platform_fn *f;

	if (r->master_abort || r->region == 0)
		return m->timing.master_abort_ps;
	/* RAM first: the common target, and a short list. */
	for (size_t i = 0; i < m->n_ram; i++)
		if (m->ram[i].region == r->region)
			return m->timing.ram_ps;
	f = platform_region_owner(m, r->region);
	return f ? f->completer_ps : m->timing.ram_ps;
}

/* A function of the machine that aborts a request signals and logs it as
 * platform/access.c's completers do (PCI 3.0 §6.2.3, PCIe 4.0 §6.2). */
static void target_abort(void *opaque, const struct bus_decode_result *r)
{
	struct platform_fn *f = r->master_abort ? NULL : platform_region_owner(opaque, r->region);

	platform_completer_logs(f, false, r);
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
	/* Its memory-space regions: BARs and ROM; I/O BARs live in another
	 * decoder, which DMA never reaches. */
	for (unsigned b = 0; b < PLATFORM_SLOTS; b++)
		if (f->region[b] && !f->io_space[b])
			dma_port_add_own_region(out, f->region[b]);
	return SIM_OK;
}
