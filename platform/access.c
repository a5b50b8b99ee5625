/*
 * platform/access.c - timed MMIO and DMA over the machine's PCIe links,
 * with the PCI Status bit semantics of requesters and completers. See
 * platform/access.h for the timing rules.
 */
#include "platform/access.h"
#include "platform/machine-internal.h"

#include <string.h>

#include "bus/caps.h"
#include "bus/config.h"

#define ADDR32_LIMIT UINT64_C(0xffffffff)
#define PAGE_4K UINT64_C(4096)

/* ---- links ---- */

/* Max Link Speed and Maximum Link Width of @c, or false when it has no
 * link (no PCI Express capability, or an integrated endpoint). */
static bool link_caps(const struct pci_cfg *c, unsigned *gen, unsigned *width)
{
	uint32_t exp = pci_cap_find(c, PCI_CAP_ID_EXP), cap;

	if (!exp)
		return false;
	cap = pci_cfg_get_u32(c, exp + PCI_EXP_LNKCAP);
	if (!(cap & PCI_EXP_LNKCAP_SLS))
		return false;
	*gen = cap & PCI_EXP_LNKCAP_SLS;
	*width = (cap & PCI_EXP_LNKCAP_MLW) >> 4;
	return true;
}

/* The widest link width the timing model knows, not above @w. */
static unsigned model_width(unsigned w)
{
	unsigned m = 16;

	while (m > w && m > 1)
		m >>= 1;
	return m;
}

/*
 * PCIe 4.0 §4.2.6: a link trains to the highest speed and the widest width
 * both of its ends support. Here the ends are the root complex side (the
 * description's gen and width) and the function on the root bus (a device,
 * or a root port: then the functions on its secondary bus, the device at
 * the far end). The result goes to the timing model and to Link Status.
 */
static void link_train(struct platform_machine *m, struct platform_fn *port)
{
	struct bus_link_cfg *cfg = &port->link.cfg;
	unsigned gen, width;

	for (size_t i = 0; i < m->n_fns; i++) {
		struct platform_fn *f = &m->fns[i];

		if ((f != port && f->parent != port) || !link_caps(f->cfg, &gen, &width))
			continue;
		if (gen < cfg->gen)
			cfg->gen = gen;
		if (width && width < cfg->width)
			cfg->width = model_width(width);
	}
	for (size_t i = 0; i < m->n_fns; i++) {
		struct platform_fn *f = &m->fns[i];

		if ((f == port || f->parent == port) && link_caps(f->cfg, &gen, &width))
			(void)pci_cap_express_set_link(f->cfg, (enum pci_link_speed)cfg->gen,
						       cfg->width);
	}
}

int platform_links_init(struct platform_machine *m)
{
	m->timing.ram_ps = PLATFORM_RAM_PS_DEFAULT;
	m->timing.master_abort_ps = PLATFORM_MASTER_ABORT_PS_DEFAULT;
	for (size_t i = 0; i < m->n_fns; i++) {
		struct platform_fn *f = &m->fns[i];
		struct platform_link *l = &f->link;
		const struct bus_topo_result *r = bus_topo_fn_result(f->tfn);

		f->port = f;
		while (f->port->parent)
			f->port = f->port->parent;
		if (f->parent)
			continue;
		bus_link_cfg_default(&l->cfg);
		if (f->link_gen)
			l->cfg.gen = f->link_gen;
		if (f->link_width)
			l->cfg.width = f->link_width;
		if (r && r->mps_bytes)
			l->cfg.mps_bytes = r->mps_bytes;
		if (r && r->mrrs_bytes)
			l->cfg.mrrs_bytes = r->mrrs_bytes;
		if (bus_link_cfg_check(&l->cfg) == SIM_OK)
			link_train(m, f);
		if (bus_link_dir_init(&l->down, &l->cfg, PLATFORM_LINK_CARRIES) != SIM_OK ||
		    bus_link_dir_init(&l->up, &l->cfg, PLATFORM_LINK_CARRIES) != SIM_OK) {
			platform_set_build_error("%s: bad link (Gen%u x%u)", f->name, l->cfg.gen,
						 l->cfg.width);
			return SIM_ERR_INVALID;
		}
		f->has_link = true;
	}
	return SIM_OK;
}

/* ---- who answered ---- */

/* The function whose BAR or ROM is region @id of the memory (or, with
 * @io, the I/O) decoder, or NULL (RAM, ECAM, nothing, a region mapped by
 * someone else). */
static struct platform_fn *space_owner(struct platform_machine *m, bool io, uint32_t id)
{
	if (id == 0)
		return NULL;
	for (size_t i = 0; i < m->n_fns; i++)
		for (unsigned b = 0; b < PLATFORM_SLOTS; b++)
			if (m->fns[i].region[b] == id && m->fns[i].io_space[b] == io)
				return &m->fns[i];
	return NULL;
}

struct platform_fn *platform_region_owner(struct platform_machine *m, uint32_t id)
{
	return space_owner(m, false, id);
}

static struct platform_fn *region_owner(struct platform_machine *m, uint32_t id)
{
	return space_owner(m, false, id);
}

static bool is_ram(const struct platform_machine *m, uint32_t id)
{
	for (size_t i = 0; i < m->n_ram; i++)
		if (m->ram[i].region == id)
			return true;
	return false;
}

/* Nothing decoded it: a master abort, or a fault over nothing. */
static bool nobody(const struct bus_decode_result *r)
{
	return r->master_abort || r->region == 0;
}

/* The link configuration for a request at @addr over @f's link. */
static struct bus_link_cfg req_cfg(const struct platform_link *l, uint64_t addr)
{
	struct bus_link_cfg c = l->cfg;

	c.addr64 = addr > ADDR32_LIMIT;
	return c;
}

static int add_time(sim_time_t a, sim_time_t b, sim_time_t *out)
{
	return sim_time_add(a, b, out) ? SIM_OK : SIM_ERR_OVERFLOW;
}

/* ---- error logging (PCI 3.0 §6.2.3, PCIe 4.0 §6.2) ---- */

/*
 * What the completer @cpl (a function's BAR; NULL for RAM, the ECAM or
 * nothing, where the root complex would log) records about the request
 * it answered: an Unsupported Request or Completer Abort it signalled, a
 * poisoned write it received.
 */
void platform_completer_logs(struct platform_fn *cpl, bool write, const struct bus_decode_result *r)
{
	if (!cpl || r->timeout)
		return;
	if (write && r->poisoned) {
		pci_cfg_set_status_bits(cpl->cfg, PCI_STS_DETECTED_PARITY);
		(void)pci_cap_error_detected(cpl->cfg, PCI_ERR_UNC_POISON_TLP, NULL);
	}
	if (r->status == BUS_DECODE_CA) {
		pci_cfg_set_status_bits(cpl->cfg, PCI_STS_SIG_TARGET_ABORT);
		(void)pci_cap_error_detected(cpl->cfg, PCI_ERR_UNC_COMP_ABORT, NULL);
	} else if (r->status == BUS_DECODE_UR && !r->master_abort) {
		(void)pci_cap_error_detected(cpl->cfg, PCI_ERR_UNC_UNSUP, NULL);
	}
}

/*
 * What the requester @rq records about the completion of its read: a
 * poisoned completion (Detected Parity Error always, Master Data Parity
 * Error with Parity Error Response on, PCI 3.0 §6.2.3), a completion that
 * never came (Completion Timeout, PCIe 4.0 §2.8), a UR or CA completion
 * (Received Master Abort / Received Target Abort).
 */
static void requester_logs(struct platform_fn *rq, const struct bus_decode_result *r)
{
	enum pci_read_end end = PCI_READ_OK;

	if (r->timeout)
		end = PCI_READ_TIMEOUT;
	else if (r->status == BUS_DECODE_UR)
		end = PCI_READ_UR;
	else if (r->status == BUS_DECODE_CA)
		end = PCI_READ_CA;
	else if (r->poisoned)
		end = PCI_READ_POISONED;
	(void)pci_cap_read_completion(rq->cfg, end);
}

/* ---- MMIO ---- */

int platform_mmio_read(struct platform_machine *m, uint64_t addr, unsigned size,
		       sim_time_t now_ps, uint64_t *val, sim_time_t *done_ps,
		       struct bus_decode_result *res)
{
	struct bus_decode_result r;
	struct platform_fn *f;
	struct platform_link *l;
	struct bus_link_cfg c;
	sim_time_t t;
	int rc;

	if (!m || !val || !done_ps)
		return SIM_ERR_INVALID;
	rc = bus_decode_read(&m->decode, addr, size, val, &r);
	if (rc)
		return rc;
	if (res)
		*res = r;
	f = nobody(&r) ? NULL : region_owner(m, r.region);
	platform_completer_logs(f, false, &r);
	if (!f) {
		sim_time_t lat = nobody(&r) ? m->timing.master_abort_ps : m->timing.ram_ps;

		return add_time(now_ps, r.timeout ? r.delay_ps : lat, done_ps);
	}
	l = &f->port->link;
	c = req_cfg(l, addr);
	rc = bus_link_dir_send(&l->down, now_ps, bus_link_mrd_wire_bytes(&c), &t);
	if (rc)
		return rc;
	if (r.timeout)
		return add_time(t, r.delay_ps, done_ps);
	rc = add_time(t, f->completer_ps, &t);
	if (rc)
		return rc;
	rc = bus_link_dir_send(&l->up, t,
			       bus_link_cpld_wire_bytes(&c, r.status == BUS_DECODE_OK ? size : 0),
			       &t);
	if (rc)
		return rc;
	*done_ps = t;
	return SIM_OK;
}

int platform_mmio_write(struct platform_machine *m, uint64_t addr, unsigned size, uint64_t val,
			sim_time_t now_ps, sim_time_t *arrive_ps, struct bus_decode_result *res)
{
	struct bus_decode_result r;
	struct platform_fn *f;
	struct platform_link *l;
	struct bus_link_cfg c;
	int rc;

	if (!m || !arrive_ps)
		return SIM_ERR_INVALID;
	rc = bus_decode_write(&m->decode, addr, size, val, &r);
	if (rc)
		return rc;
	if (res)
		*res = r;
	f = nobody(&r) ? NULL : region_owner(m, r.region);
	platform_completer_logs(f, true, &r);
	if (!f)
		return add_time(now_ps, nobody(&r) ? m->timing.master_abort_ps : m->timing.ram_ps,
				arrive_ps);
	l = &f->port->link;
	c = req_cfg(l, addr);
	return bus_link_dir_send(&l->down, now_ps, bus_link_mwr_wire_bytes(&c, size), arrive_ps);
}

/* ---- I/O ---- */

/*
 * PCIe 4.0 §2.2.7, §2.2.9: IORd and IOWr are both non-posted, 3 DW
 * headers, one DW of data at most; the completion of an IORd carries the
 * DW (CplD), that of an IOWr none (Cpl). So both directions cost a round
 * trip, unlike a memory write.
 */
static int io_access(struct platform_machine *m, bool write, uint32_t port, unsigned size,
		     uint64_t *val, sim_time_t now_ps, sim_time_t *done_ps,
		     struct bus_decode_result *res)
{
	struct bus_decode_result r;
	struct platform_fn *f;
	struct platform_link *l;
	struct bus_link_cfg c;
	sim_time_t t;
	bool ok;
	int rc;

	if (!m || !val || !done_ps || (size != 1 && size != 2 && size != 4))
		return SIM_ERR_INVALID;
	rc = write ? bus_decode_write(&m->io_decode, port, size, *val, &r)
		   : bus_decode_read(&m->io_decode, port, size, val, &r);
	if (rc)
		return rc;
	if (res)
		*res = r;
	f = nobody(&r) ? NULL : space_owner(m, true, r.region);
	platform_completer_logs(f, write, &r);
	if (!f)
		return add_time(now_ps, r.timeout ? r.delay_ps : m->timing.master_abort_ps,
				done_ps);
	l = &f->port->link;
	c = l->cfg;
	c.addr64 = false;
	rc = bus_link_dir_send(&l->down, now_ps,
			       write ? bus_link_mwr_wire_bytes(&c, 4) : bus_link_mrd_wire_bytes(&c),
			       &t);
	if (rc)
		return rc;
	if (r.timeout)
		return add_time(t, r.delay_ps, done_ps);
	rc = add_time(t, f->completer_ps, &t);
	if (rc)
		return rc;
	ok = r.status == BUS_DECODE_OK;
	rc = bus_link_dir_send(&l->up, t, bus_link_cpld_wire_bytes(&c, !write && ok ? 4 : 0), &t);
	if (rc)
		return rc;
	*done_ps = t;
	return SIM_OK;
}

int platform_io_read(struct platform_machine *m, uint32_t port, unsigned size, sim_time_t now_ps,
		     uint32_t *val, sim_time_t *done_ps, struct bus_decode_result *res)
{
	uint64_t v = 0;
	int rc;

	if (!val)
		return SIM_ERR_INVALID;
	rc = io_access(m, false, port, size, &v, now_ps, done_ps, res);
	if (rc == SIM_OK)
		*val = (uint32_t)v;
	return rc;
}

int platform_io_write(struct platform_machine *m, uint32_t port, unsigned size, uint32_t val,
		      sim_time_t now_ps, sim_time_t *done_ps, struct bus_decode_result *res)
{
	uint64_t v = val;

	return io_access(m, true, port, size, &v, now_ps, done_ps, res);
}

/* ---- DMA ---- */

/* The Status bits and counters of one completed DMA request. */
static void dma_account(struct platform_machine *m, struct platform_fn *rq, bool write,
			uint64_t addr, size_t len, const struct bus_decode_result *r)
{
	struct platform_dma_stats *s = &m->dma;
	struct platform_fn *cpl = nobody(r) ? NULL : region_owner(m, r->region);

	platform_completer_logs(cpl, write, r);
	/* A posted write gets no completion: the requester learns nothing. */
	if (!write)
		requester_logs(rq, r);
	if (r->poisoned)
		s->poisoned++;
	if (r->timeout) {
		s->timeouts++;
		return;
	}
	switch (r->status) {
	case BUS_DECODE_OK:
		if (write)
			s->bytes_written += len;
		else
			s->bytes_read += len;
		break;
	case BUS_DECODE_UR:
		if (write) {
			/* Posted: the root complex (or the completer) drops it
			 * and logs it; nothing goes back to the requester. */
			s->write_ur++;
			s->last_ur_addr = addr;
		} else {
			s->read_ur++;
		}
		break;
	case BUS_DECODE_CA:
		if (write)
			s->write_ca++;
		else
			s->read_ca++;
		break;
	}
}

/* Bytes from @a to the next multiple of @unit (a power of two). */
static uint64_t to_boundary(uint64_t a, uint64_t unit)
{
	return unit - (a & (unit - 1));
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The TLPs of a DMA over @rq's link, from @now_ps; see access.h. */
static int dma_time(struct platform_machine *m, struct platform_fn *rq, bool write, uint64_t addr,
		    uint64_t len, const struct bus_decode_result *r, sim_time_t now_ps,
		    sim_time_t *done_ps)
{
	struct platform_link *l = &rq->port->link;
	const struct bus_topo_result *tr = bus_topo_fn_result(rq->tfn);
	struct bus_link_cfg c = req_cfg(l, addr);
	struct platform_fn *tgt = nobody(r) ? NULL : region_owner(m, r->region);
	bool ram = !nobody(r) && is_ram(m, r->region);
	sim_time_t lat, done = now_ps, t;
	uint64_t a = addr, left = len;
	int rc;

	if (tr && tr->mps_bytes)
		c.mps_bytes = tr->mps_bytes;
	if (tr && tr->mrrs_bytes)
		c.mrrs_bytes = tr->mrrs_bytes;
	lat = nobody(r) ? m->timing.master_abort_ps
			: tgt ? tgt->completer_ps : m->timing.ram_ps;
	while (left) {
		uint64_t n = min_u64(left, to_boundary(a, PAGE_4K));

		if (write) {
			n = min_u64(n, c.mps_bytes);
			rc = bus_link_dir_send(&l->up, now_ps,
					       bus_link_mwr_wire_bytes(&c, (uint32_t)n), &done);
			if (rc)
				return rc;
		} else {
			uint64_t ca = a, cleft;
			uint32_t unit = c.rcb_bytes == BUS_LINK_RCB_MPS ? c.mps_bytes : c.rcb_bytes;

			n = min_u64(n, c.mrrs_bytes);
			rc = bus_link_dir_send(&l->up, now_ps, bus_link_mrd_wire_bytes(&c), &t);
			if (rc)
				return rc;
			if (r->timeout) {
				rc = add_time(t, r->delay_ps, &t);
				if (rc)
					return rc;
				done = t > done ? t : done;
				a += n;
				left -= n;
				continue;
			}
			rc = add_time(t, lat, &t);
			if (rc)
				return rc;
			if (r->status != BUS_DECODE_OK) {
				rc = bus_link_dir_send(&l->down, t, bus_link_cpld_wire_bytes(&c, 0),
						       &done);
				if (rc)
					return rc;
			}
			for (cleft = n; r->status == BUS_DECODE_OK && cleft;) {
				/* Completions end on RCB boundaries, MPS at most. */
				uint64_t p = min_u64(min_u64(cleft, to_boundary(ca, unit)),
						     c.mps_bytes);

				rc = bus_link_dir_send(&l->down, t,
						       bus_link_cpld_wire_bytes(&c, (uint32_t)p), &done);
				if (rc)
					return rc;
				ca += p;
				cleft -= p;
			}
		}
		a += n;
		left -= n;
	}
	if (write && ram)
		return add_time(done, m->timing.ram_ps, done_ps);
	*done_ps = done;
	return SIM_OK;
}

static int dma(struct platform_machine *m, unsigned bus, unsigned device, unsigned function,
	       bool write, uint64_t addr, uint8_t *buf, size_t len, sim_time_t now_ps,
	       sim_time_t *done_ps, struct bus_decode_result *res)
{
	struct platform_fn *rq;
	struct tlm_payload p;
	struct bus_decode_result r;
	sim_time_t ignored = 0;

	if (!m || !buf || !done_ps || len == 0 || len > UINT32_MAX || addr > UINT64_MAX - (len - 1))
		return SIM_ERR_INVALID;
	rq = platform_fn_at(m, bus, device, function);
	if (!rq || platform_fn_gone(rq))
		return SIM_ERR_INVALID;
	if (!(pci_cfg_get_u16(rq->cfg, PCI_CFG_COMMAND) & PCI_CMD_MASTER)) {
		m->dma.refused++;
		return SIM_ERR_STATE;
	}
	tlm_payload_init(&p);
	p.address = addr;
	p.data = buf;
	p.length = (uint32_t)len;
	p.command = write ? TLM_CMD_WRITE : TLM_CMD_READ;
	p.requester_id = (bus & 0xffu) << 8 | (device & 0x1fu) << 3 | (function & 0x7u);
	/* Untimed here: the target's own annotation is replaced by the link
	 * model below. */
	tlm_b_transport(bus_decode_target(&m->decode), &p, &ignored);
	r = m->decode.last;
	if (res)
		*res = r;
	if (write)
		m->dma.writes++;
	else
		m->dma.reads++;
	dma_account(m, rq, write, addr, len, &r);
	return dma_time(m, rq, write, addr, len, &r, now_ps, done_ps);
}

int platform_dma_read(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, uint64_t addr, void *buf, size_t len, sim_time_t now_ps,
		      sim_time_t *done_ps, struct bus_decode_result *res)
{
	return dma(m, bus, device, function, false, addr, buf, len, now_ps, done_ps, res);
}

int platform_dma_write(struct platform_machine *m, unsigned bus, unsigned device,
		       unsigned function, uint64_t addr, const void *buf, size_t len,
		       sim_time_t now_ps, sim_time_t *done_ps, struct bus_decode_result *res)
{
	/* The payload's data pointer is not const, but a write only reads it. */
	return dma(m, bus, device, function, true, addr, (uint8_t *)(uintptr_t)buf, len, now_ps,
		   done_ps, res);
}

/* ---- settings and counters ---- */

void platform_dma_stats(const struct platform_machine *m, struct platform_dma_stats *out)
{
	*out = m->dma;
}

void platform_timing(const struct platform_machine *m, struct platform_timing *out)
{
	*out = m->timing;
}

int platform_set_timing(struct platform_machine *m, const struct platform_timing *t)
{
	if (!m || !t)
		return SIM_ERR_INVALID;
	m->timing = *t;
	return SIM_OK;
}

int platform_set_completer_latency(struct platform_machine *m, unsigned bus, unsigned device,
				   unsigned function, sim_time_t ps)
{
	struct platform_fn *f = m ? platform_fn_at(m, bus, device, function) : NULL;

	if (!f)
		return SIM_ERR_INVALID;
	f->completer_ps = ps;
	return SIM_OK;
}

const struct platform_link *platform_fn_link(struct platform_machine *m, unsigned bus,
					     unsigned device, unsigned function)
{
	struct platform_fn *f = m ? platform_fn_at(m, bus, device, function) : NULL;

	return f ? &f->port->link : NULL;
}
