/*
 * dma/engine.c - the DMA engine (dma/engine.h). A channel is a little
 * discrete-event machine with two kinds of action: issue the next request
 * (when the previous one has left and, for a read, a tag is free) and
 * answer the oldest outstanding read (its completions go downstream). Each
 * kernel activation runs actions in time order while they fall before the
 * kernel's next activity (one action only in the per-TLP reference mode),
 * then schedules the channel's event at the next action's time.
 */
#include "dma/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"
#include "bus/config.h"
#include "dma/iommu.h"
#include "sim/ctrace.h"
#include "sim/tlm.h"

#define PAGE_4K UINT64_C(4096)
#define ADDR32_LIMIT UINT64_C(0xffffffff)
#define MAX_CHANNELS 64u
#define DEFAULT_TAGS 32u

enum action { ACT_NONE, ACT_ISSUE, ACT_CPL };

const char *dma_status_name(enum dma_status s)
{
	switch (s) {
	case DMA_OK: return "ok";
	case DMA_ERR_BUS_MASTER: return "bus-master";
	case DMA_ERR_ADDR_LIMIT: return "addr-limit";
	case DMA_ERR_IOMMU: return "iommu";
	case DMA_ERR_UR: return "ur";
	case DMA_ERR_CA: return "ca";
	case DMA_ERR_TIMEOUT: return "timeout";
	case DMA_ERR_POISONED: return "poisoned";
	case DMA_ERR_ABORTED: return "aborted";
	}
	return "unknown";
}

double dma_result_gbps(const struct dma_result *r)
{
	if (!r || r->end_ps <= r->start_ps)
		return 0.0;
	/* bits per ps * 1000 = Gb/s */
	return (double)r->bytes_done * 8.0 * 1000.0 / (double)(r->end_ps - r->start_ps);
}

double dma_channel_gbps(const struct dma_channel_stats *s)
{
	if (!s || s->busy_ps == 0)
		return 0.0;
	return (double)s->bytes * 8.0 * 1000.0 / (double)s->busy_ps;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static sim_time_t max_t(sim_time_t a, sim_time_t b)
{
	return a > b ? a : b;
}

static uint64_t to_boundary(uint64_t a, uint64_t unit)
{
	return unit - (a & (unit - 1));
}

static void ch_event(struct sim_kernel *k, void *opaque);

/* ---- setup ---- */

int dma_engine_init(struct dma_engine *e, struct sim_kernel *k, struct dma_port *port,
		    const struct dma_engine_cfg *cfg)
{
	struct dma_engine_cfg c = { 0 };
	struct bus_link_cfg lc;

	if (!e || !k || !port || !port->mem || !port->up || !port->down)
		return SIM_ERR_INVALID;
	if (cfg)
		c = *cfg;
	if (c.channels == 0)
		c.channels = 1;
	if (c.tags == 0)
		c.tags = DEFAULT_TAGS;
	if (!c.name)
		c.name = "dma";
	if (c.channels > MAX_CHANNELS || c.tags > BUS_LINK_MAX_TAGS ||
	    bus_link_cfg_check(&port->link) != SIM_OK || port->addr_bits < 32 ||
	    port->addr_bits > 64)
		return SIM_ERR_INVALID;
	memset(e, 0, sizeof(*e));
	e->k = k;
	e->port = port;
	e->cfg = c;
	lc = port->link;
	for (int a64 = 0; a64 < 2; a64++) {
		lc.addr64 = a64 != 0;
		e->mwr_ovh[a64] = bus_link_mwr_wire_bytes(&lc, 0);
		e->mrd_bytes[a64] = bus_link_mrd_wire_bytes(&lc);
	}
	e->cpl_ovh = bus_link_cpld_wire_bytes(&lc, 0);
	e->ch = calloc(c.channels, sizeof(*e->ch));
	e->tagq = calloc(c.tags, sizeof(*e->tagq));
	if (!e->ch || !e->tagq) {
		free(e->ch);
		free(e->tagq);
		e->ch = NULL;
		return SIM_ERR_NOMEM;
	}
	for (unsigned i = 0; i < c.channels; i++) {
		struct dma_channel *ch = &e->ch[i];

		ch->e = e;
		ch->id = i;
		ch->ord = calloc(c.tags, sizeof(*ch->ord));
		if (!ch->ord) {
			for (unsigned j = 0; j <= i; j++) {
				free(e->ch[j].ord);
				if (j < i)
					sim_event_destroy(&e->ch[j].ev);
			}
			free(e->ch);
			free(e->tagq);
			e->ch = NULL;
			return SIM_ERR_NOMEM;
		}
		sim_event_init(k, &ch->ev, c.name, ch_event, ch);
		if (c.trace) {
			char tn[16];
			int rc;

			snprintf(tn, sizeof(tn), "ch%u", i);
			rc = sim_ctrace_track(c.trace, c.name, tn, &ch->trace_track);
			if (rc) {
				/* Leave a consistent engine to destroy. */
				e->cfg.channels = i + 1;
				dma_engine_destroy(e);
				return rc;
			}
		}
	}
	return SIM_OK;
}

void dma_engine_destroy(struct dma_engine *e)
{
	if (!e || !e->ch)
		return;
	for (unsigned i = 0; i < e->cfg.channels; i++) {
		sim_event_destroy(&e->ch[i].ev);
		free(e->ch[i].ord);
	}
	free(e->ch);
	free(e->tagq);
	e->tagq = NULL;
	e->ch = NULL;
}

struct dma_channel *dma_engine_channel(struct dma_engine *e, unsigned i)
{
	return e && e->ch && i < e->cfg.channels ? &e->ch[i] : NULL;
}

/* ---- starting and stopping ---- */

/* A call into the API from inside one of our own data accesses. */
static bool reentered(struct dma_engine *e)
{
	if (!e->engaged)
		return false;
	e->reentry_refused++;
	e->port->reentry_refused++;
	sim_report(e->k, SIM_SEV_WARNING, "%s: re-entered from inside its own DMA access; refused",
		   e->cfg.name);
	return true;
}

int dma_channel_start(struct dma_channel *ch, enum dma_dir dir, const struct dma_sg *sg,
		      unsigned nsg, void *buf, dma_done_fn fn, void *opaque)
{
	struct dma_engine *e;
	sim_time_t now;

	if (!ch || !sg || nsg == 0 || !buf || (dir != DMA_DIR_READ && dir != DMA_DIR_WRITE))
		return SIM_ERR_INVALID;
	for (unsigned i = 0; i < nsg; i++)
		if (sg[i].len == 0 || sg[i].addr > UINT64_MAX - (sg[i].len - 1))
			return SIM_ERR_INVALID;
	e = ch->e;
	if (reentered(e))
		return SIM_ERR_BUSY;
	if (ch->active)
		return SIM_ERR_BUSY;
	if (!dma_port_bus_master(e->port)) {
		e->refused++;
		return SIM_ERR_STATE;
	}
	now = sim_now(e->k);
	ch->active = true;
	ch->finishing = false;
	ch->stop_issue = false;
	ch->dir = dir;
	ch->sg = sg;
	ch->nsg = nsg;
	ch->si = 0;
	ch->soff = 0;
	ch->buf = buf;
	ch->boff = 0;
	ch->fn = fn;
	ch->opaque = opaque;
	memset(&ch->res, 0, sizeof(ch->res));
	ch->res.start_ps = now;
	ch->pending_err = DMA_OK;
	ch->pending_addr = 0;
	ch->good_bytes = 0;
	ch->next_issue_ps = now;
	ch->last_cpl_ps = now;
	ch->last_done_ps = now;
	ch->ord_head = ch->ord_count = 0;
	ch->tag_wait = false;
	ch->run_end = 0;
	ch->run_delta = 0;
	ch->run_ok = false;
	ch->run_lat_ps = 0;
	/* From its own completion callback, ch_event() may go on at once
	 * when the callback has returned (see go_on()). */
	ch->restarted = ch->in_done;
	/* The next delta: a start from a register model's callback never
	 * issues anything inside that callback. */
	return sim_event_schedule(&ch->ev, 0);
}

/* Stop issuing and remember the first error. */
static void fail(struct dma_channel *ch, enum dma_status st, uint64_t addr)
{
	ch->stop_issue = true;
	if (ch->pending_err == DMA_OK) {
		ch->pending_err = st;
		ch->pending_addr = addr;
	}
}

int dma_channel_abort(struct dma_channel *ch)
{
	if (!ch)
		return SIM_ERR_INVALID;
	if (reentered(ch->e))
		return SIM_ERR_BUSY;
	if (!ch->active || ch->finishing)
		return SIM_ERR_STATE;
	fail(ch, DMA_ERR_ABORTED, 0);
	if (ch->tag_wait) {
		/* Asleep for a tag: wake up to end. */
		ch->tag_wait = false;
		return sim_event_schedule(&ch->ev, 0);
	}
	return SIM_OK;
}

/* ---- data ---- */

/* The completer latency of a read answered as @r says. */
static sim_time_t latency(const struct dma_port *p, const struct bus_decode_result *r)
{
	return p->ops && p->ops->latency ? p->ops->latency(p->ops_opaque, r) : p->mem_ps;
}

static bool own_region(const struct dma_port *p, uint64_t haddr)
{
	uint32_t id;

	if (p->n_own == 0)
		return false;
	id = bus_decode_find(p->mem, haddr, NULL);
	for (unsigned i = 0; i < p->n_own; i++)
		if (id != 0 && p->own_regions[i] == id)
			return true;
	return false;
}

/*
 * Move @len bytes between host address @haddr and @data through the memory
 * space. Returns the status the request completes with; *@r what the
 * decoder said.
 */
static enum dma_status access(struct dma_engine *e, bool write, uint64_t haddr, uint8_t *data,
			      uint32_t len, struct bus_decode_result *r)
{
	struct dma_port *p = e->port;
	struct tlm_payload pl;
	sim_time_t ignored = 0;

	if (own_region(p, haddr)) {
		p->reentry_refused++;
		sim_report(e->k, SIM_SEV_WARNING,
			   "%s: DMA %s at 0x%llx targets the requester's own registers; refused as UR",
			   e->cfg.name, write ? "write" : "read", (unsigned long long)haddr);
		memset(r, 0, sizeof(*r));
		r->status = BUS_DECODE_UR;
		if (!write)
			memset(data, 0xff, len);
		return DMA_ERR_UR;
	}
	tlm_payload_init(&pl);
	tlm_payload_setup(&pl, write ? TLM_CMD_WRITE : TLM_CMD_READ, haddr, data, len);
	pl.requester_id = p->requester_id;
	e->engaged++;
	/* Untimed: the link model below replaces the target's annotation. */
	tlm_b_transport(bus_decode_target(p->mem), &pl, &ignored);
	e->engaged--;
	*r = p->mem->last;
	if (r->status == BUS_DECODE_CA && !r->timeout && p->ops && p->ops->completer_abort)
		p->ops->completer_abort(p->ops_opaque, r);
	if (r->timeout)
		return DMA_ERR_TIMEOUT;
	if (r->status == BUS_DECODE_CA)
		return DMA_ERR_CA;
	if (r->status != BUS_DECODE_OK)
		return DMA_ERR_UR;
	/* Before the response: a poisoned access answers an error on the TLM
	 * face but completed (bus/fault.h). */
	if (r->poisoned)
		return DMA_ERR_POISONED;
	return pl.response == TLM_OK ? DMA_OK : DMA_ERR_UR;
}

/* ---- actions ---- */

/* The time of the next action and its kind. */
static enum action next_action(const struct dma_channel *ch, sim_time_t *t)
{
	const struct dma_engine *e = ch->e;
	enum action a = ACT_NONE;
	sim_time_t best = SIM_TIME_MAX;

	if (ch->ord_count) {
		best = max_t(ch->ord[ch->ord_head].ready_ps, ch->last_cpl_ps);
		a = ACT_CPL;
	}
	if (!ch->stop_issue && ch->si < ch->nsg) {
		sim_time_t ti = ch->next_issue_ps;
		bool ok = true;

		if (ch->dir == DMA_DIR_READ) {
			/* The function's tags: held from a read's issue until its
			 * last completion has left, shared by every channel. */
			unsigned in_use = e->tags_out + e->tagq_count;

			if (in_use >= e->cfg.tags) {
				unsigned need = in_use - e->cfg.tags + 1;

				if (need > e->tagq_count)
					ok = false; /* waits for completions */
				else
					ti = max_t(ti, e->tagq[(e->tagq_head + need - 1) %
							       e->cfg.tags]);
			}
		}
		/* A completion due at the same time goes first: it may free a tag. */
		if (ok && ti < best) {
			best = ti;
			a = ACT_ISSUE;
		}
	}
	*t = best;
	return a;
}

/* Set up the data run that starts at device address @a (see engine.h). */
static enum dma_status new_run(struct dma_channel *ch, uint64_t a, uint32_t n, uint64_t *haddr)
{
	struct dma_engine *e = ch->e;
	struct dma_port *p = e->port;
	bool write = ch->dir == DMA_DIR_WRITE;
	uint64_t h = a, run = ch->sg[ch->si].len - ch->soff;
	uint64_t limit = dma_port_addr_limit(p);
	struct bus_decode_result r;

	if (p->iommu) {
		uint64_t rb;

		if (dma_iommu_translate(p->iommu, a, n, write, &h, &rb) != SIM_OK)
			return DMA_ERR_IOMMU;
		run = min_u64(run, rb);
	}
	if (limit - a < run - 1)
		run = limit - a + 1; /* the request past the limit fails on its own */
	ch->run_end = a + run;
	ch->run_delta = h - a;
	ch->run_ok = false;
	*haddr = h;
	if (run > n && access(e, write, h, ch->buf + ch->boff, (uint32_t)run, &r) == DMA_OK) {
		ch->run_ok = true;
		/* Only a read waits for the completer; a write lands after
		 * mem_ps. */
		ch->run_lat_ps = write ? 0 : latency(p, &r);
	}
	return DMA_OK;
}

static void report_drop(struct dma_channel *ch, uint64_t addr, enum dma_status st)
{
	struct dma_port *p = ch->e->port;

	p->writes_dropped++;
	p->last_dropped_addr = addr;
	ch->res.writes_dropped++;
	sim_report(ch->e->k, SIM_SEV_WARNING,
		   "%s: posted write to 0x%llx dropped by the fabric (%s); the device sees success",
		   ch->e->cfg.name, (unsigned long long)addr, dma_status_name(st));
}

/*
 * The MWr of a write run whose data has moved, from the current offset:
 * the first at @t, each next one when the one before has left, while it is
 * offered before @horizon (nothing else can offer a TLP to the link or
 * touch Bus Master Enable, the IOMMU or the address map before then, so
 * the checks of issue() would all pass), to the end of the element, of the
 * run, or of one side of 4 GiB (the header size changes there). Exactly
 * what one call of issue() per TLP would do. Runs of MPS-aligned full-size
 * TLPs (none crosses 4 KiB: MPS divides it) go in one burst, summed in
 * closed form: the same picoseconds as one by one.
 */
static int write_run(struct dma_channel *ch, sim_time_t t, sim_time_t horizon)
{
	struct dma_engine *e = ch->e;
	struct dma_port *p = e->port;
	const struct dma_sg *el = &ch->sg[ch->si];
	const uint64_t mps = p->link.mps_bytes;
	/* MPS is a power of two (PCIe 7.5.3.4): shifts, not divisions. */
	const unsigned mps_log2 = (unsigned)__builtin_ctzll(mps);
	uint64_t a = el->addr + ch->soff, moved = 0, tlps = 0;
	const bool high = a > ADDR32_LIMIT;
	const uint32_t ovh = e->mwr_ovh[high];
	sim_time_t at = t, done;
	int rc;

	for (;;) {
		uint64_t left = el->len - ch->soff - moved, full, n;

		full = (a & (mps - 1)) ? 0 : min_u64(left, ch->run_end - a) >> mps_log2;
		if (!high && full)
			full = min_u64(full, ((ADDR32_LIMIT - a) >> mps_log2) + 1);
		if (full >= 2) {
			uint64_t sent;

			/* Packet 0 always goes: the first at @t, or one
			 * offered before the horizon. */
			rc = bus_link_dir_send_burst(p->up, at, ovh + (uint32_t)mps, full, horizon,
						     &sent, &done);
			if (rc)
				break;
			n = sent * mps;
			tlps += sent;
		} else {
			n = min_u64(min_u64(left, to_boundary(a, PAGE_4K)), mps);
			rc = bus_link_dir_send(p->up, at, ovh + (uint32_t)n, &done);
			if (rc)
				break;
			tlps++;
		}
		at = done;
		moved += n;
		a += n;
		if (moved == el->len - ch->soff || at >= horizon || a >= ch->run_end ||
		    (a > ADDR32_LIMIT) != high)
			break;
	}
	/* What went before an error counts, as one by one. */
	if (tlps) {
		ch->res.tlps += tlps;
		ch->next_issue_ps = at;
		ch->good_bytes += moved;
		ch->boff += moved;
		ch->soff += moved;
		if (!sim_time_add(at, p->mem_ps, &done))
			return SIM_ERR_OVERFLOW;
		ch->last_done_ps = max_t(ch->last_done_ps, done);
	}
	return rc;
}

static int issue(struct dma_channel *ch, sim_time_t t, sim_time_t horizon)
{
	struct dma_engine *e = ch->e;
	struct dma_port *p = e->port;
	const struct dma_sg *el = &ch->sg[ch->si];
	uint64_t a = el->addr + ch->soff, h;
	bool write = ch->dir == DMA_DIR_WRITE;
	uint64_t n = min_u64(el->len - ch->soff, to_boundary(a, PAGE_4K));
	enum dma_status st = DMA_OK;
	struct bus_decode_result r;
	sim_time_t lat, done;
	int rc;

	n = min_u64(n, write ? p->link.mps_bytes : p->link.mrrs_bytes);
	/* Drop the tags that are free by now. */
	while (e->tagq_count && e->tagq[e->tagq_head] <= t) {
		e->tagq_head = (e->tagq_head + 1) % e->cfg.tags;
		e->tagq_count--;
	}
	if (!dma_port_bus_master(p)) {
		fail(ch, DMA_ERR_BUS_MASTER, a);
		ch->last_done_ps = max_t(ch->last_done_ps, t);
		return SIM_OK;
	}
	if (a > dma_port_addr_limit(p) - (n - 1)) {
		fail(ch, DMA_ERR_ADDR_LIMIT, a);
		ch->last_done_ps = max_t(ch->last_done_ps, t);
		return SIM_OK;
	}
	if (ch->run_end == 0 || a >= ch->run_end) {
		st = new_run(ch, a, (uint32_t)n, &h);
		if (st != DMA_OK) {
			fail(ch, st, a);
			ch->last_done_ps = max_t(ch->last_done_ps, t);
			return SIM_OK;
		}
	} else {
		h = a + ch->run_delta;
	}
	if (write && ch->run_ok) {
		rc = write_run(ch, t, horizon);
		if (rc)
			return rc;
	} else {
		if (ch->run_ok) {
			lat = ch->run_lat_ps;
		} else {
			st = access(e, write, h, ch->buf + ch->boff, (uint32_t)n, &r);
			lat = r.timeout ? r.delay_ps : latency(p, &r);
		}
		rc = bus_link_dir_send(p->up, t,
				       write ? e->mwr_ovh[a > ADDR32_LIMIT] + (uint32_t)n
					     : e->mrd_bytes[a > ADDR32_LIMIT],
				       &done);
		if (rc)
			return rc;
		ch->res.tlps++;
		ch->next_issue_ps = done;
		if (write) {
			/* A poisoned write was delivered, bad data and all. */
			if (st != DMA_OK && st != DMA_ERR_POISONED)
				report_drop(ch, a, st);
			ch->good_bytes += n;
			if (!sim_time_add(done, p->mem_ps, &done))
				return SIM_ERR_OVERFLOW;
			ch->last_done_ps = max_t(ch->last_done_ps, done);
		} else {
			struct dma_ord *o = &ch->ord[(ch->ord_head + ch->ord_count) % e->cfg.tags];

			if (!sim_time_add(done, lat, &o->ready_ps))
				return SIM_ERR_OVERFLOW;
			o->bytes = (uint32_t)n;
			o->haddr = h;
			o->status = (uint8_t)st;
			o->timeout = st == DMA_ERR_TIMEOUT;
			ch->ord_count++;
			e->tags_out++;
			if (st != DMA_OK)
				fail(ch, st, a);
			else
				ch->good_bytes += n;
		}
		ch->boff += n;
		ch->soff += n;
	}
	if (ch->soff == el->len) {
		ch->si++;
		ch->soff = 0;
		ch->run_end = 0;
	}
	return SIM_OK;
}

static int complete(struct dma_channel *ch, sim_time_t t)
{
	struct dma_engine *e = ch->e;
	struct dma_port *p = e->port;
	struct dma_ord *o = &ch->ord[ch->ord_head];
	sim_time_t done = t;
	int rc;

	ch->ord_head = (ch->ord_head + 1) % e->cfg.tags;
	ch->ord_count--;
	e->tags_out--;
	ch->last_cpl_ps = t;
	if (o->timeout) {
		/* No completion: the tag stays lost until the transfer ends. */
		if (p->cfg)
			(void)pci_cap_read_completion(p->cfg, PCI_READ_TIMEOUT);
	} else if (o->status == DMA_OK || o->status == DMA_ERR_POISONED) {
		if (o->status == DMA_ERR_POISONED && p->cfg)
			(void)pci_cap_read_completion(p->cfg, PCI_READ_POISONED);
		uint32_t unit = p->link.rcb_bytes == BUS_LINK_RCB_MPS ? p->link.mps_bytes
								       : p->link.rcb_bytes;
		uint64_t ca = o->haddr, left = o->bytes;

		while (left) {
			/* Completions end on RCB boundaries, MPS at most (PCIe 2.3.1.1). */
			uint64_t n = min_u64(min_u64(left, to_boundary(ca, unit)), p->link.mps_bytes);

			rc = bus_link_dir_send(p->down, t, e->cpl_ovh + (uint32_t)n, &done);
			if (rc)
				return rc;
			ch->res.cpl_tlps++;
			ca += n;
			left -= n;
		}
	} else {
		/* One completion without data carries the error status. */
		rc = bus_link_dir_send(p->down, t, e->cpl_ovh, &done);
		if (rc)
			return rc;
		ch->res.cpl_tlps++;
		p->reads_failed++;
		if (p->cfg)
			(void)pci_cap_read_completion(p->cfg, o->status == DMA_ERR_CA ? PCI_READ_CA
										 : PCI_READ_UR);
	}
	ch->last_done_ps = max_t(ch->last_done_ps, done);
	e->tagq[(e->tagq_head + e->tagq_count) % e->cfg.tags] = done;
	e->tagq_count++;
	/* Channels asleep for want of a tag try again when this one is free;
	 * the caller's batch must stop there too (e->wake_ps). */
	for (unsigned i = 0; i < e->cfg.channels; i++) {
		struct dma_channel *c = &e->ch[i];

		if (c->tag_wait) {
			c->tag_wait = false;
			sim_event_schedule_at(&c->ev, done);
			if (done < e->wake_ps)
				e->wake_ps = done;
		}
	}
	return SIM_OK;
}

/* ---- the channel's event ---- */

static void finish(struct dma_channel *ch)
{
	struct dma_engine *e = ch->e;
	struct dma_result r = ch->res;
	sim_time_t lat_ns;
	unsigned b = 0;

	ch->active = false;
	ch->finishing = false;
	ch->stats.transfers++;
	if (r.status != DMA_OK)
		ch->stats.errors++;
	ch->stats.bytes += r.bytes_done;
	ch->stats.tlps += r.tlps;
	ch->stats.cpl_tlps += r.cpl_tlps;
	ch->stats.busy_ps += r.end_ps - r.start_ps;
	lat_ns = (r.end_ps - r.start_ps) / 1000;
	/* Bucket floor(log2(ns)), 0 below 2 ns, capped at the last one. */
	if (lat_ns >= 2) {
		b = 63u - (unsigned)__builtin_clzll(lat_ns);
		if (b > DMA_LAT_BUCKETS - 1)
			b = DMA_LAT_BUCKETS - 1;
	}
	ch->stats.lat_hist[b]++;
	if (e->cfg.trace) {
		const struct sim_ctrace_arg args[] = {
			SIM_CTRACE_ARG_U64("bytes", r.bytes_done),
			SIM_CTRACE_ARG_U64("tlps", r.tlps),
			SIM_CTRACE_ARG_STR("status", dma_status_name(r.status)),
			SIM_CTRACE_ARG_HEX("fail_addr", r.fail_addr),
		};

		sim_ctrace_complete_args(e->cfg.trace, ch->trace_track,
					 ch->dir == DMA_DIR_READ ? "dma read" : "dma write",
					 r.start_ps, r.end_ps - r.start_ps, args,
					 sizeof(args) / sizeof(args[0]));
	}
	if (ch->fn)
		ch->fn(ch->opaque, ch, &r);
}

static void stopped(struct dma_channel *ch, int rc)
{
	/* Only time overflow gets here: end the transfer where it stands. */
	sim_report(ch->e->k, SIM_SEV_ERROR, "%s: channel %u: %s", ch->e->cfg.name, ch->id,
		   sim_strerror(rc));
	ch->stop_issue = true;
	ch->e->tags_out -= ch->ord_count;
	ch->ord_count = 0;
	if (ch->pending_err == DMA_OK)
		ch->pending_err = DMA_ERR_ABORTED;
}

static void end_transfer(struct dma_channel *ch)
{
	sim_time_t now = sim_now(ch->e->k), end = max_t(ch->last_done_ps, now);

	ch->res.status = ch->pending_err;
	ch->res.fail_addr = ch->pending_addr;
	ch->res.bytes_done = ch->pending_err == DMA_OK ? ch->boff : ch->good_bytes;
	ch->res.end_ps = end;
	ch->finishing = true;
	sim_event_schedule_at(&ch->ev, end);
}

/*
 * End the transfer with its callback; true when the callback started the
 * channel again and the new transfer may go on in this event at once. It
 * may when its start's event is the only thing due now
 * (sim_event_due_alone()): that event would run alone in the next delta
 * and see the same kernel. Otherwise the event stays where the start put
 * it, in order with whatever else the callback scheduled. A transfer that
 * took no time never goes on here, so a callback restarting failing
 * transfers forever still meets the kernel's runaway-delta guard.
 */
static bool go_on(struct dma_channel *ch, sim_time_t now, sim_time_t *horizon)
{
	struct dma_engine *e = ch->e;
	bool took_time = ch->res.start_ps < now;

	ch->in_done = true;
	ch->restarted = false;
	finish(ch);
	ch->in_done = false;
	if (!ch->restarted)
		return false;
	ch->restarted = false;
	if (e->cfg.per_tlp || !took_time || !ch->active || ch->finishing ||
	    !sim_event_due_alone(&ch->ev))
		return false;
	sim_event_cancel(&ch->ev);
	*horizon = sim_next_activity_time(e->k);
	return true;
}

static void ch_event(struct sim_kernel *k, void *opaque)
{
	struct dma_channel *ch = opaque;
	struct dma_engine *e = ch->e;
	sim_time_t now = sim_now(k), horizon, t;
	bool first = true;

	if (!ch->active)
		return;
	if (ch->finishing) {
		if (!go_on(ch, now, &horizon))
			return;
	} else {
		horizon = e->cfg.per_tlp ? now : sim_next_activity_time(k);
	}
	for (;;) {
		enum action a = next_action(ch, &t);
		int rc;

		if (a == ACT_NONE) {
			if (!ch->stop_issue && ch->si < ch->nsg) {
				/* Every tag is held by other channels' reads. */
				ch->tag_wait = true;
				return;
			}
			end_transfer(ch);
			return;
		}
		if (t < now)
			t = now; /* cannot happen: actions are never in the past */
		if (!first ? (e->cfg.per_tlp || t >= horizon) : t > now) {
			sim_event_schedule_at(&ch->ev, t);
			return;
		}
		first = false;
		e->wake_ps = SIM_TIME_MAX;
		rc = a == ACT_ISSUE ? issue(ch, t, e->cfg.per_tlp ? t : horizon) : complete(ch, t);
		if (e->wake_ps < horizon)
			horizon = e->wake_ps;
		if (rc) {
			stopped(ch, rc);
			end_transfer(ch);
			return;
		}
	}
}
