/*
 * platform/hostos.c - a host OS attached to a built machine
 * (platform/hostos.h): PDOs from the enumeration, the controller and MSI
 * capabilities programmed with the OS's assignment, the OS as every CPU's
 * interrupt sink. Reads the machine's private state (machine-internal.h)
 * for its function list; changes nothing in it.
 */
#include "platform/hostos.h"

#include "hostos/io.h"
#include "platform/machine-internal.h"

#include "bus/caps.h"
#include "hostos/mmio.h"
#include "hostos/pool.h"
#include "platform/access.h"

#include <stdlib.h>
#include <string.h>

struct ph_fn {
	unsigned bus, device, function;
	struct hostos_device *dev;
	struct platform_machine *m;
};

struct platform_hostos {
	struct platform_machine *m;
	struct platform_irq *pi;
	struct irq_ctrl *c;
	struct hostos *os;
	unsigned n_sinks;
	struct ph_fn *fns;
	size_t n_fns;
};

/* ---- the CPUs' accesses: MMIO and I/O through the machine's decoder ---- */

static int ph_mem_read(void *opaque, uint64_t pa, unsigned size, sim_time_t now_ps, uint64_t *val,
		       sim_time_t *done_ps)
{
	return platform_mmio_read(opaque, pa, size, now_ps, val, done_ps, NULL);
}

static int ph_mem_write(void *opaque, uint64_t pa, unsigned size, uint64_t val, sim_time_t now_ps,
			sim_time_t *arrive_ps)
{
	return platform_mmio_write(opaque, pa, size, val, now_ps, arrive_ps, NULL);
}

static int ph_io_read(void *opaque, uint32_t port, unsigned size, sim_time_t now_ps, uint32_t *val,
		      sim_time_t *done_ps)
{
	return platform_io_read(opaque, port, size, now_ps, val, done_ps, NULL);
}

static int ph_io_write(void *opaque, uint32_t port, unsigned size, uint32_t val, sim_time_t now_ps,
		       sim_time_t *done_ps)
{
	return platform_io_write(opaque, port, size, val, now_ps, done_ps, NULL);
}

static const struct hostos_bus_ops ph_bus_ops = {
	.mem_read = ph_mem_read,
	.mem_write = ph_mem_write,
	.io_read = ph_io_read,
	.io_write = ph_io_write,
};

/* The machine's memory and bus, unless the harness attached its own first
 * (SIM_ERR_STATE: its choice stands). */
static int attach_memory_and_bus(struct platform_machine *m, struct hostos *os,
				 const struct platform_hostos_config *cfg)
{
	int rc = hostos_attach_memory(os, platform_mem(m), cfg ? cfg->pool_flags : 0);

	if (rc != SIM_OK && rc != SIM_ERR_STATE)
		return rc;
	rc = hostos_attach_bus(os, &ph_bus_ops, m);
	return rc == SIM_ERR_STATE ? SIM_OK : rc;
}

/* ---- the OS's view of the controller ---- */

static void ph_eoi(void *opaque, unsigned cpu, unsigned vector)
{
	struct platform_hostos *ph = opaque;

	irq_ctrl_eoi(ph->c, cpu, vector);
}

static int ph_line_level(void *opaque, uint32_t line)
{
	struct platform_hostos *ph = opaque;

	return irq_ctrl_input_level(ph->c, line) ? 1 : 0;
}

static int ph_source_asserts(void *opaque, uint32_t line, uint32_t source)
{
	struct platform_hostos *ph = opaque;
	uint32_t src[32];
	int n = irq_ctrl_input_sources(ph->c, line, src, 32);

	if (n < 0 || n > 32)
		return -1;
	for (int i = 0; i < n; i++)
		if (src[i] == source)
			return 1;
	return 0;
}

static const struct hostos_irq_ops ph_ops = {
	.eoi = ph_eoi, .line_level = ph_line_level, .source_asserts = ph_source_asserts,
};

/* The controller's sink: a delivery becomes pending in the OS. */
static void ph_deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
		       const struct irq_delivery *d)
{
	struct platform_hostos *ph = opaque;

	(void)c;
	hostos_interrupt_deliver(ph->os, cpu, vector, d->redelivery);
}

static const struct irq_sink_ops ph_sink = { .deliver = ph_deliver };

/* ---- the functions ---- */

static const struct platform_hostos_inf *inf_of(const struct platform_hostos_config *cfg,
						const struct bus_topo_result *r)
{
	for (size_t i = 0; cfg && i < cfg->n_inf; i++)
		if (cfg->inf[i].bus == r->bus && cfg->inf[i].device == r->device &&
		    cfg->inf[i].function == r->function)
			return &cfg->inf[i];
	return NULL;
}

/* Program MSI as the PCI bus driver does: address, data, the enabled
 * count (log2), then MSI Enable. */
static void program_msi(struct platform_machine *m, const struct bus_topo_result *r, uint32_t cap,
			const struct hostos_device *dev)
{
	struct hostos_intr_resource res;
	uint32_t ctl = 0;
	unsigned n = hostos_device_messages(dev), mme = 0;

	hostos_device_message(dev, 0, &res);
	while ((1u << mme) < n)
		mme++;
	platform_cfg_read(m, r->bus, r->device, r->function, cap + PCI_MSI_FLAGS, 2, &ctl);
	platform_cfg_write(m, r->bus, r->device, r->function, cap + PCI_MSI_ADDRESS_LO, 4,
			   (uint32_t)res.address);
	if (ctl & PCI_MSI_FLAGS_64BIT) {
		platform_cfg_write(m, r->bus, r->device, r->function, cap + PCI_MSI_ADDRESS_HI, 4,
				   (uint32_t)(res.address >> 32));
		platform_cfg_write(m, r->bus, r->device, r->function, cap + 0x0c, 2, res.data);
	} else {
		platform_cfg_write(m, r->bus, r->device, r->function, cap + 0x08, 2, res.data);
	}
	ctl = (ctl & ~(uint32_t)PCI_MSI_FLAGS_MME) | mme << 4 | PCI_MSI_FLAGS_ENABLE;
	platform_cfg_write(m, r->bus, r->device, r->function, cap + PCI_MSI_FLAGS, 2, ctl);
	/* A message is a memory write: without Bus Master Enable the
	 * function holds it (irq/fn.h). The bus driver turns it on for a
	 * function it gave messages. */
	platform_cfg_read(m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2, &ctl);
	platform_cfg_write(m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2,
			   ctl | PCI_CMD_MASTER);
}

/* The bus address of BAR @bir of the function, or 0 (not assigned). */
static uint64_t bar_base(const struct bus_topo_result *r, unsigned bir)
{
	for (unsigned i = 0; i < r->n_res; i++)
		if (r->res[i].bar == bir && r->res[i].kind != PCI_BAR_IO)
			return r->res[i].base;
	return 0;
}

/* Program MSI-X as the PCI bus driver does: MSI-X Enable with Function
 * Mask set, so nothing is sent from a half-written table; each granted
 * entry's address and data, then its Vector Control Mask bit cleared;
 * then Function Mask cleared. Entries past the grant keep the Mask bit
 * they have from reset. The table is in a memory BAR, written through the
 * decoder untimed, as the configuration writes are (boot time). */
static int program_msix(struct platform_machine *m, const struct bus_topo_result *r, uint32_t cap,
			const struct hostos_device *dev)
{
	struct bus_decode *dec = platform_decode(m);
	uint32_t ctl = 0, tbl = 0, cmd = 0;
	uint64_t base;

	platform_cfg_read(m, r->bus, r->device, r->function, cap + PCI_MSIX_FLAGS, 2, &ctl);
	platform_cfg_read(m, r->bus, r->device, r->function, cap + PCI_MSIX_TABLE, 4, &tbl);
	base = bar_base(r, tbl & 7u);
	if (!base)
		return SIM_ERR_INVALID;
	base += tbl & ~7u;
	platform_cfg_read(m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2, &cmd);
	platform_cfg_write(m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2,
			   cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ctl |= PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	platform_cfg_write(m, r->bus, r->device, r->function, cap + PCI_MSIX_FLAGS, 2, ctl);
	for (unsigned i = 0; i < hostos_device_messages(dev); i++) {
		struct hostos_intr_resource res;
		uint64_t e = base + (uint64_t)i * PCI_MSIX_ENTRY_SIZE;

		hostos_device_message(dev, i, &res);
		(void)bus_decode_write(dec, e, 4, (uint32_t)res.address, NULL);
		(void)bus_decode_write(dec, e + 4, 4, (uint32_t)(res.address >> 32), NULL);
		(void)bus_decode_write(dec, e + 8, 4, res.data, NULL);
		(void)bus_decode_write(dec, e + 12, 4, 0, NULL);
	}
	ctl &= ~(uint32_t)PCI_MSIX_FLAGS_MASKALL;
	platform_cfg_write(m, r->bus, r->device, r->function, cap + PCI_MSIX_FLAGS, 2, ctl);
	return SIM_OK;
}

/* A function left the bus (surprise removal, a fault injection): the PnP
 * manager learns it as from a hot-plug controller and sends
 * IRP_MN_SURPRISE_REMOVAL down its stack (hostos/io.h). */
static void ph_removed(void *opaque, unsigned bus, unsigned device, unsigned function)
{
	struct platform_hostos *ph = opaque;

	for (size_t i = 0; i < ph->n_fns; i++)
		if (ph->fns[i].bus == bus && ph->fns[i].device == device &&
		    ph->fns[i].function == function)
			(void)hostos_pnp_surprise_remove(ph->fns[i].dev);
}

/* Configuration space for the OS's bus driver (BUS_INTERFACE_STANDARD). */
static int ph_cfg_read(void *opaque, unsigned off, unsigned len, uint32_t *out)
{
	struct ph_fn *p = opaque;

	return platform_cfg_read(p->m, p->bus, p->device, p->function, off, len, out);
}

static int ph_cfg_write(void *opaque, unsigned off, unsigned len, uint32_t val)
{
	struct ph_fn *p = opaque;

	return platform_cfg_write(p->m, p->bus, p->device, p->function, off, len, val);
}

static int add_fn(struct platform_hostos *ph, struct platform_fn *f,
		  const struct platform_hostos_config *cfg)
{
	const struct bus_topo_result *r = bus_topo_fn_result(f->tfn);
	const struct platform_hostos_inf *inf;
	struct irq_fn *irqf;
	struct hostos_device_desc d = { 0 };
	struct hostos_intr_resource line;
	uint32_t msi, msix, ctl = 0;
	int rc;

	if (!r || !r->found)
		return SIM_OK;
	irqf = platform_irq_fn(ph->pi, r->bus, r->device, r->function);
	inf = inf_of(cfg, r);
	d.name = f->name;
	d.bus = r->bus;
	d.device = r->device;
	d.function = r->function;
	d.line = irqf && irq_fn_input(irqf) != IRQ_FN_NO_INPUT ? irq_fn_input(irqf)
							      : HOSTOS_NO_LINE;
	msi = pci_cap_find(f->cfg, PCI_CAP_ID_MSI);
	msix = pci_cap_find(f->cfg, PCI_CAP_ID_MSIX);
	if (msix) {
		/* Windows uses MSI-X on a device that offers both */
		platform_cfg_read(ph->m, r->bus, r->device, r->function, msix + PCI_MSIX_FLAGS, 2,
				  &ctl);
		d.msg = HOSTOS_MSG_MSIX;
		d.msg_capable = (ctl & PCI_MSIX_FLAGS_QSIZE) + 1;
	} else if (msi) {
		platform_cfg_read(ph->m, r->bus, r->device, r->function, msi + PCI_MSI_FLAGS, 2,
				  &ctl);
		d.msg = HOSTOS_MSG_MSI;
		d.msg_capable = 1u << ((ctl & PCI_MSI_FLAGS_MMC) >> 1);
	}
	d.msi_supported = inf && inf->msi_supported;
	d.message_number_limit = inf ? inf->message_number_limit : 0;
	for (unsigned i = 0; i < r->n_res && d.n_ranges < 6; i++) {
		if (r->res[i].bar == BUS_TOPO_ROM_BAR)
			continue;
		d.ranges[d.n_ranges++] = (struct hostos_range){
			.start = r->res[i].base, .length = r->res[i].size_bytes,
			.io = r->res[i].kind == PCI_BAR_IO, .prefetchable = r->res[i].prefetchable,
		};
	}
	/* its identity, for the hardware IDs drivers are matched by */
	{
		uint32_t v = 0;

		platform_cfg_read(ph->m, r->bus, r->device, r->function, 0x00, 4, &v);
		d.vendor_id = (uint16_t)v;
		d.device_id = (uint16_t)(v >> 16);
		platform_cfg_read(ph->m, r->bus, r->device, r->function, 0x08, 4, &v);
		d.revision = (uint8_t)v;
		d.class_code = v >> 8;
		platform_cfg_read(ph->m, r->bus, r->device, r->function, 0x2C, 4, &v);
		d.subsys_vendor_id = (uint16_t)v;
		d.subsys_id = (uint16_t)(v >> 16);
	}
	ph->fns[ph->n_fns].m = ph->m;
	ph->fns[ph->n_fns].bus = r->bus;
	ph->fns[ph->n_fns].device = r->device;
	ph->fns[ph->n_fns].function = r->function;
	d.cfg_read = ph_cfg_read;
	d.cfg_write = ph_cfg_write;
	d.cfg_opaque = &ph->fns[ph->n_fns];
	rc = hostos_device_create(ph->os, &d, &ph->fns[ph->n_fns].dev);
	if (rc)
		return rc;
	if (hostos_device_messages(ph->fns[ph->n_fns].dev) && msix) {
		rc = program_msix(ph->m, r, msix, ph->fns[ph->n_fns].dev);
		if (rc)
			return rc;
	} else if (hostos_device_messages(ph->fns[ph->n_fns].dev)) {
		program_msi(ph->m, r, msi, ph->fns[ph->n_fns].dev);
	} else if (hostos_device_line(ph->fns[ph->n_fns].dev, &line) == SIM_OK &&
		 irq_ctrl_set_input(ph->c, d.line, IRQ_TRIGGER_LEVEL, line.vector, line.cpu)) {
		return SIM_ERR_INVALID;
	}
	/* The PCI bus driver turns on decoding and bus mastering for a
	 * device it hands to a function driver, whatever its interrupt. */
	platform_cfg_read(ph->m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2, &ctl);
	platform_cfg_write(ph->m, r->bus, r->device, r->function, PCI_CFG_COMMAND, 2,
			   ctl | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ph->n_fns++;
	return SIM_OK;
}

int platform_hostos_attach(struct platform_hostos **out, struct platform_machine *m,
			   struct platform_irq *pi, struct hostos *os,
			   const struct platform_hostos_config *cfg)
{
	struct platform_hostos *ph;
	int rc;

	if (!out)
		return SIM_ERR_INVALID;
	*out = NULL;
	if (!m || !pi || !os)
		return SIM_ERR_INVALID;
	ph = calloc(1, sizeof(*ph));
	if (!ph)
		return SIM_ERR_NOMEM;
	ph->m = m;
	ph->pi = pi;
	ph->c = platform_irq_ctrl(pi);
	ph->os = os;
	if (hostos_cpu_count(os) > ph->c->cfg.n_cpus) {
		free(ph);
		return SIM_ERR_INVALID;
	}
	ph->fns = calloc(m->n_fns ? m->n_fns : 1, sizeof(*ph->fns));
	rc = ph->fns ? attach_memory_and_bus(m, os, cfg) : SIM_ERR_NOMEM;
	if (rc == SIM_OK)
		rc = hostos_set_irq_ops(os, &ph_ops, ph);
	for (size_t i = 0; rc == SIM_OK && i < m->n_fns; i++)
		if (!m->fns[i].is_bridge)
			rc = add_fn(ph, &m->fns[i], cfg);
	for (unsigned c = 0; rc == SIM_OK && c < hostos_cpu_count(os); c++) {
		rc = irq_ctrl_set_sink(ph->c, c, &ph_sink, ph);
		if (rc == SIM_OK)
			ph->n_sinks++;
	}
	if (rc == SIM_OK)
		rc = platform_set_remove_listener(m, ph_removed, ph);
	if (rc) {
		platform_hostos_detach(ph);
		return rc;
	}
	*out = ph;
	return SIM_OK;
}

void platform_hostos_detach(struct platform_hostos *ph)
{
	if (!ph)
		return;
	for (unsigned c = 0; c < ph->n_sinks; c++)
		irq_ctrl_set_sink(ph->c, c, NULL, NULL);
	hostos_set_irq_ops(ph->os, NULL, NULL);
	platform_set_remove_listener(ph->m, NULL, NULL);
	free(ph->fns);
	free(ph);
}

struct hostos_device *platform_hostos_device(struct platform_hostos *ph, unsigned bus,
					     unsigned device, unsigned function)
{
	for (size_t i = 0; ph && i < ph->n_fns; i++)
		if (ph->fns[i].bus == bus && ph->fns[i].device == device &&
		    ph->fns[i].function == function)
			return ph->fns[i].dev;
	return NULL;
}
