/*
 * model/refdev.c - the reference device (model/refdev.h), one file as a
 * QEMU device model is: configuration space, the three BARs' ops, the
 * command engine, page-table DMA over the dma/ engine, and the interrupt
 * logic that turns INT_STATUS into INTx levels, MSI and MSI-X messages
 * through irq/fn. Section names in comments are those of
 * ../shared/spec/refdev.md.
 */
#include "model/refdev.h"

#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"

#define GIB4 (UINT64_C(1) << 32)
#define MIN_SRAM_BYTES (UINT64_C(4) << 10)
#define MAX_SRAM_BYTES (UINT64_C(64) << 20)
#define CRC_POLY 0xedb88320u /* IEEE 802.3, reflected */

static const char *const err_names[REFDEV_ERR_COUNT] = {
	"none", "BUSY", "BAD_CMD", "DMA_RANGE", "DMA_ABORT", "DMA_ADDR32", "ACCESS",
};

const char *refdev_err_name(unsigned code)
{
	return code < REFDEV_ERR_COUNT ? err_names[code] : "?";
}

void refdev_config_default(struct refdev_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "refdev";
	cfg->sram_bytes = UINT64_C(1) << 20;
	cfg->msix = true;
	cfg->link_gen = 3;
	cfg->link_width = 8;
	cfg->cmd_latency_ps = SIM_NS(500);
	cfg->checksum_mb_per_s = 4000;
	cfg->outstanding_reads = 32;
	cfg->host_read_latency_ps = SIM_NS(600);
}

/* ---- CRC-32 (spec "Commands": zlib's crc32()) ---------------------------- */

static void crc_table_init(uint32_t *t)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int b = 0; b < 8; b++)
			c = c & 1 ? CRC_POLY ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
}

uint32_t refdev_crc32(const struct refdev *d, uint32_t crc, const uint8_t *buf, uint64_t len)
{
	uint32_t c = crc ^ 0xffffffffu;

	for (uint64_t i = 0; i < len; i++)
		c = d->crc_table[(c ^ buf[i]) & 0xffu] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- interrupts (spec "Interrupts") -------------------------------------- */

static bool bus_master(const struct refdev *d)
{
	return (pci_cfg_get_u16(&d->cfg, PCI_CFG_COMMAND) & PCI_CMD_MASTER) != 0;
}

static bool msix_enabled(const struct refdev *d)
{
	return d->have_msix &&
	       (pci_cfg_get_u16(&d->cfg, d->cap_msix + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE);
}

/* MSI messages granted, 0 when MSI is off. */
static unsigned msi_vectors(const struct refdev *d)
{
	struct pci_cap_msi_state s;

	if (pci_cap_msi_get(&d->cfg, &s) != SIM_OK || !s.enabled)
		return 0;
	return s.vectors;
}

/* The MSI-X entry of cause @c: MSIX_VEC's byte, entry 0 beyond the table. */
static unsigned msix_entry_of(const struct refdev *d, unsigned c)
{
	unsigned e = (d->msix_vec >> (8 * c)) & 0xffu;

	return e < REFDEV_MSIX_ENTRIES ? e : 0;
}

/* The MSI message of cause @c: the cause vector with 4 or more messages,
 * else message 0 (STATUS.SINGLE_MSG). */
static unsigned msi_msg_of(unsigned vectors, unsigned c)
{
	return vectors >= 4 ? c : 0;
}

static uint64_t raw_int_count(const struct refdev *d)
{
	const struct irq_fn *f = d->fn;

	if (!f)
		return 0;
	/* Each change of the wire is one message and the wire starts
	 * deasserted, so the rises are half of the messages, rounded up
	 * while the wire is asserted. */
	return (f->stats.intx_msgs + (irq_fn_intx_wire(f) ? 1 : 0)) / 2 + f->stats.msi_sent +
	       f->stats.msix_sent;
}

/* Send cause @c's message, or hold it while Bus Master Enable is 0
 * ("With Bus Master Enable 0 no message is sent; a cause still set when
 * it becomes 1 is signalled then"). INTx is a level, not a message. */
static void signal_cause(struct refdev *d, unsigned c)
{
	unsigned vectors;

	if (!d->fn)
		return;
	if (msix_enabled(d)) {
		if (!bus_master(d)) {
			d->held |= 1u << c;
			return;
		}
		(void)irq_fn_msix_signal(d->fn, msix_entry_of(d, c));
		return;
	}
	vectors = msi_vectors(d);
	if (vectors == 0)
		return;
	if (!bus_master(d)) {
		d->held |= 1u << c;
		return;
	}
	(void)irq_fn_msi_signal(d->fn, msi_msg_of(vectors, c));
}

/* Re-evaluate after any change of INT_STATUS, INT_MASK or CTRL.INT_EN: a
 * cause is signalled when INT_STATUS & INT_MASK & INT_EN goes from 0 to 1;
 * INTA# follows (INT_STATUS & INT_MASK) != 0 with INT_EN as a level. */
static void update_irq(struct refdev *d)
{
	uint32_t eff = d->int_status & d->int_mask &
		       ((d->ctrl & REFDEV_CTRL_INT_EN) ? REFDEV_INT_ALL : 0);
	uint32_t rising = eff & ~d->eff_last;
	bool level = eff != 0;

	d->eff_last = eff;
	if (d->fn && level != d->intx_level) {
		d->intx_level = level;
		(void)irq_fn_set_intx(d->fn, level);
	}
	for (unsigned c = 0; c < 4; c++)
		if (rising & (1u << c))
			signal_cause(d, c);
}

/* Causes @cleared went away: withdraw their pending messages ("clearing
 * the cause's INT_STATUS bit while it is pending withdraws it"), unless a
 * cause still set shares the message (single-message MSI, a shared MSI-X
 * entry). */
static void withdraw(struct refdev *d, uint32_t cleared)
{
	struct pci_cap_msi_state s;
	bool msi = pci_cap_msi_get(&d->cfg, &s) == SIM_OK;
	unsigned vectors = msi && s.enabled ? s.vectors : 0;

	d->held &= ~cleared;
	for (unsigned c = 0; c < 4; c++) {
		if (!(cleared & (1u << c)))
			continue;
		if (msi) {
			unsigned v = msi_msg_of(vectors, c);
			bool shared = false;

			for (unsigned o = 0; o < 4; o++)
				if ((d->int_status & (1u << o)) && msi_msg_of(vectors, o) == v)
					shared = true;
			if (!shared && (s.pending & (1u << v)))
				(void)pci_cap_msi_set_pending(&d->cfg, v, false);
		}
		if (d->have_msix) {
			unsigned e = msix_entry_of(d, c);
			bool shared = false;

			for (unsigned o = 0; o < 4; o++)
				if ((d->int_status & (1u << o)) && msix_entry_of(d, o) == e)
					shared = true;
			if (!shared)
				(void)irq_msix_set_pending(&d->msix, e, false);
		}
	}
}

static void set_cause(struct refdev *d, uint32_t bits)
{
	sim_time_t now = sim_now(d->k);

	/* "When a cause is set and cleared in the same instant, set wins":
	 * remember what was set now and has not been read yet. */
	if (now != d->fresh_ps) {
		d->fresh = 0;
		d->fresh_ps = now;
	}
	d->fresh |= bits;
	d->int_status |= bits;
	update_irq(d);
}

/* spec "Errors": STATUS.ERROR, the code in STATUS 15:8, INT_STATUS.ERROR. */
static void raise_error(struct refdev *d, enum refdev_err code, const char *why)
{
	d->error = true;
	d->err_code = (uint8_t)code;
	d->stats.errors[code]++;
	sim_report(d->k, SIM_SEV_WARNING, "%s: guest error %s: %s", d->conf.name,
		   refdev_err_name(code), why);
	set_cause(d, REFDEV_INT_ERROR);
}

/* ---- DMA through the page table (spec "DMA through the page table") ----- */

static void dma_done(void *opaque, struct dma_channel *ch, const struct dma_result *r);
static void dma_advance(struct refdev *d);

static uint8_t map_dma_status(enum dma_status s)
{
	/* An address past the port's address bits is the 32-bit rule seen by
	 * the engine; every failed request is an abort for the driver (a
	 * cleared Bus Master Enable, an IOMMU fault, UR, CA, timeouts). */
	return s == DMA_ERR_ADDR_LIMIT ? REFDEV_ERR_DMA_ADDR32 : REFDEV_ERR_DMA_ABORT;
}

/* Byte position, in the transfer, where page @p's data starts. */
static uint64_t page_data_pos(const struct refdev_dma *x, uint64_t p)
{
	return p == 0 ? 0 : (REFDEV_PAGE_BYTES - x->offset) + (p - 1) * REFDEV_PAGE_BYTES;
}

static void dma_finish(struct refdev *d)
{
	struct refdev_dma *x = &d->dma;

	x->active = false;
	d->dma_bytes = (uint32_t)x->bytes_done;
	d->stats.dma_bytes += x->bytes_done;
	d->busy = false;
	if (x->err)
		raise_error(d, (enum refdev_err)x->err, x->write ? "DMA_WRITE" : "DMA_READ");
	else
		set_cause(d, REFDEV_INT_DMA_DONE);
}

static void dma_fail(struct refdev_dma *x, uint8_t code)
{
	if (!x->err)
		x->err = code;
	x->stop = true;
}

static void dma_start_fetch(struct refdev *d)
{
	struct refdev_dma *x = &d->dma;
	uint64_t n = x->pages - x->next_entry;
	uint64_t per_read = d->port.link.mrrs_bytes / 8;
	uint64_t addr;

	if (n > REFDEV_TABLE_FETCH_MAX)
		n = REFDEV_TABLE_FETCH_MAX;
	if (n > per_read)
		n = per_read;
	if (x->table > UINT64_MAX - x->next_entry * 8 ||
	    x->table + x->next_entry * 8 > UINT64_MAX - (n * 8 - 1)) {
		dma_fail(x, REFDEV_ERR_DMA_RANGE);
		return;
	}
	addr = x->table + x->next_entry * 8;
	if (!x->dma64) {
		if (addr >= GIB4) {
			dma_fail(x, REFDEV_ERR_DMA_ADDR32);
			return;
		}
		/* Fetch what lies below 4 GiB; the next fetch fails. */
		if (addr + n * 8 > GIB4)
			n = (GIB4 - addr) / 8;
	}
	x->fetch_sg.addr = addr;
	x->fetch_sg.len = (uint32_t)(n * 8);
	x->fetch_n = (unsigned)n;
	if (dma_channel_start(dma_engine_channel(&d->eng, 0), DMA_DIR_READ, &x->fetch_sg, 1,
			      x->fetch_raw, dma_done, d) != SIM_OK) {
		dma_fail(x, REFDEV_ERR_DMA_ABORT);
		return;
	}
	x->fetch_busy = true;
	x->next_entry += n;
	d->stats.table_fetches++;
}

/* Turn the entries just fetched (starting at entry @first) into the next
 * block of data elements; an entry that is not page-aligned, or (DMA64 0)
 * at or above 4 GiB, ends the transfer at that page. */
static void dma_parse(struct refdev *d, uint64_t first)
{
	struct refdev_dma *x = &d->dma;
	struct refdev_block *b = &x->next;

	memset(b, 0, sizeof(*b));
	for (unsigned j = 0; j < x->fetch_n; j++) {
		const uint8_t *e = x->fetch_raw + 8 * j;
		uint64_t a = 0;
		uint64_t p = first + j;
		uint64_t pos = page_data_pos(x, p);
		uint64_t start = p == 0 ? x->offset : 0;
		uint64_t len = REFDEV_PAGE_BYTES - start;

		for (int i = 7; i >= 0; i--)
			a = a << 8 | e[i];
		if (a & (REFDEV_PAGE_BYTES - 1)) {
			b->err = REFDEV_ERR_DMA_RANGE;
			break;
		}
		if (!x->dma64 && a >= GIB4) {
			b->err = REFDEV_ERR_DMA_ADDR32;
			break;
		}
		if (len > x->length - pos)
			len = x->length - pos;
		a += start;
		if (b->n && b->sg[b->n - 1].addr + b->sg[b->n - 1].len == a)
			b->sg[b->n - 1].len += (uint32_t)len; /* contiguous pages: one element */
		else
			b->sg[b->n++] = (struct dma_sg){ a, (uint32_t)len };
		b->bytes += len;
	}
	if (b->err)
		x->stop = true;
	x->ready = true;
}

static void dma_advance(struct refdev *d)
{
	struct refdev_dma *x = &d->dma;

	if (!x->active || x->draining)
		return;
	if (x->err)
		x->ready = false;
	if (!x->data_busy && x->ready) {
		x->run = x->next;
		x->ready = false;
		x->block_start = x->bytes_done;
		if (x->run.n == 0) {
			dma_fail(x, x->run.err);
		} else if (dma_channel_start(dma_engine_channel(&d->eng, 1),
					     x->write ? DMA_DIR_WRITE : DMA_DIR_READ, x->run.sg,
					     x->run.n, d->sram + x->dev_offset + x->block_start,
					     dma_done, d) != SIM_OK) {
			dma_fail(x, REFDEV_ERR_DMA_ABORT);
		} else {
			x->data_busy = true;
		}
	}
	/* Fetch the next block while this one's data moves. */
	if (!x->fetch_busy && !x->ready && !x->stop && x->next_entry < x->pages)
		dma_start_fetch(d);
	if (!x->fetch_busy && !x->data_busy && !x->ready && (x->stop || x->next_entry >= x->pages))
		dma_finish(d);
}

static void dma_done(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct refdev *d = opaque;
	struct refdev_dma *x = &d->dma;

	if (ch->id == 0)
		x->fetch_busy = false;
	else
		x->data_busy = false;
	if (x->draining) {
		/* Reset: the completions are discarded; BUSY falls once the
		 * requests already issued are done. */
		if (!x->fetch_busy && !x->data_busy) {
			x->draining = false;
			x->active = false;
			d->busy = false;
		}
		return;
	}
	if (ch->id == 0) {
		if (r->status != DMA_OK)
			dma_fail(x, map_dma_status(r->status));
		else if (!x->err)
			dma_parse(d, x->next_entry - x->fetch_n);
	} else if (r->status != DMA_OK) {
		/* Data errors come before any later page's: they win. */
		x->bytes_done += r->bytes_done;
		x->err = map_dma_status(r->status);
		x->stop = true;
	} else {
		x->bytes_done += x->run.bytes;
		if (x->run.err) {
			x->err = x->run.err;
			x->stop = true;
		}
	}
	d->dma_bytes = (uint32_t)x->bytes_done;
	dma_advance(d);
}

/* The command latency has passed: check and start (spec "DMA through the
 * page table": the checks come before anything moves). */
static void dma_run(struct refdev *d)
{
	struct refdev_dma *x = &d->dma;

	x->bytes_done = 0;
	x->err = 0;
	x->stop = false;
	x->ready = x->fetch_busy = x->data_busy = false;
	x->next_entry = 0;
	x->active = true;
	if (x->length == 0 || x->offset > REFDEV_PAGE_BYTES - 1 ||
	    (uint64_t)x->dev_offset + x->length > d->conf.sram_bytes || (x->table & 7)) {
		x->err = REFDEV_ERR_DMA_RANGE;
		dma_finish(d);
		return;
	}
	if (!d->dma_connected) {
		x->err = REFDEV_ERR_DMA_ABORT;
		dma_finish(d);
		return;
	}
	x->pages = ((uint64_t)x->offset + x->length + REFDEV_PAGE_BYTES - 1) / REFDEV_PAGE_BYTES;
	dma_advance(d);
}

/* ---- commands (spec "Commands (CMD)") ------------------------------------ */

static void complete(struct refdev *d, uint32_t cause)
{
	d->busy = false;
	set_cause(d, cause);
}

static void cmd_event(struct sim_kernel *k, void *opaque)
{
	struct refdev *d = opaque;

	(void)k;
	switch (d->cmd) {
	case REFDEV_CMD_ECHO:
		d->result = ~d->cmd_arg;
		complete(d, REFDEV_INT_CMD_DONE);
		break;
	case REFDEV_CMD_CHECKSUM:
		if (d->cmd_phase == 0) {
			uint64_t t_ps;

			if ((uint64_t)d->ck_offset + d->ck_length > d->conf.sram_bytes) {
				d->busy = false;
				raise_error(d, REFDEV_ERR_DMA_RANGE, "CHECKSUM range");
				break;
			}
			/* The SRAM is read as the command starts; the result is
			 * visible when the time at 4 GB/s has passed. */
			d->cmd_arg = refdev_crc32(d, 0, d->sram + d->ck_offset, d->ck_length);
			t_ps = ((uint64_t)d->ck_length * UINT64_C(1000000) +
				d->conf.checksum_mb_per_s - 1) / d->conf.checksum_mb_per_s;
			if (t_ps > 0) {
				d->cmd_phase = 1;
				(void)sim_event_schedule(&d->cmd_ev, t_ps);
				break;
			}
		}
		d->result = d->cmd_arg;
		complete(d, REFDEV_INT_CMD_DONE);
		break;
	case REFDEV_CMD_DMA_READ:
	case REFDEV_CMD_DMA_WRITE:
		dma_run(d);
		break;
	default:
		break;
	}
}

static void timer_event(struct sim_kernel *k, void *opaque)
{
	(void)k;
	set_cause(opaque, REFDEV_INT_TIMER);
}

static void write_cmd(struct refdev *d, uint32_t v)
{
	if (v == REFDEV_CMD_TIMER) {
		/* Not BUSY, may overlap other commands; replaces a pending one. */
		d->error = false;
		d->err_code = 0;
		d->stats.commands++;
		(void)sim_event_schedule(&d->timer_ev,
					 d->conf.cmd_latency_ps + SIM_US((uint64_t)d->arg));
		return;
	}
	if (d->busy) {
		raise_error(d, REFDEV_ERR_BUSY, "command while busy");
		return;
	}
	if (v < REFDEV_CMD_ECHO || v > REFDEV_CMD_CHECKSUM) {
		raise_error(d, REFDEV_ERR_BAD_CMD, "unknown command");
		return;
	}
	d->error = false;
	d->err_code = 0;
	d->busy = true;
	d->stats.commands++;
	d->cmd = v;
	d->cmd_arg = d->arg;
	d->cmd_phase = 0;
	/* The registers and MPS/MRRS are taken as the command starts. */
	d->ck_offset = d->dma_dev_offset;
	d->ck_length = d->dma_length;
	if (v == REFDEV_CMD_DMA_READ || v == REFDEV_CMD_DMA_WRITE) {
		struct refdev_dma *x = &d->dma;

		x->write = v == REFDEV_CMD_DMA_WRITE;
		x->dma64 = (d->ctrl & REFDEV_CTRL_DMA64) != 0;
		x->table = (uint64_t)d->table_hi << 32 | d->table_lo;
		x->offset = d->dma_offset;
		x->length = d->dma_length;
		x->dev_offset = d->dma_dev_offset;
		d->dma_bytes = 0;
		if (d->dma_connected) {
			d->port.link.mps_bytes = pci_cap_express_mps_bytes(&d->cfg);
			d->port.link.mrrs_bytes = pci_cap_express_mrrs_bytes(&d->cfg);
		}
	}
	(void)sim_event_schedule(&d->cmd_ev, d->conf.cmd_latency_ps);
}

/* ---- reset (spec "Reset") ------------------------------------------------- */

static void device_reset(struct refdev *d, bool function_reset)
{
	struct refdev_dma *x = &d->dma;

	d->stats.resets++;
	(void)sim_event_cancel(&d->cmd_ev);
	(void)sim_event_cancel(&d->timer_ev);
	if (x->active && (x->fetch_busy || x->data_busy)) {
		/* Stop issuing; what was issued drains (dma_done()). */
		x->draining = true;
		for (unsigned i = 0; i < 2; i++) {
			struct dma_channel *ch = dma_engine_channel(&d->eng, i);

			if (ch && ch->active)
				(void)dma_channel_abort(ch);
		}
	} else {
		x->active = false;
	}
	d->busy = x->draining;
	d->ctrl = 0;
	d->int_status = 0;
	d->int_mask = 0;
	d->msix_vec = REFDEV_MSIX_VEC_RESET;
	d->arg = d->result = 0;
	d->table_lo = d->table_hi = 0;
	d->dma_offset = d->dma_length = d->dma_dev_offset = d->dma_bytes = 0;
	d->error = false;
	d->err_code = 0;
	d->eff_last = 0;
	d->held = 0;
	d->fresh = 0;
	if (d->fn && d->intx_level)
		(void)irq_fn_set_intx(d->fn, false);
	d->intx_level = false;
	/* The device's pending messages go; no interrupt is raised. */
	for (unsigned v = 0; v < REFDEV_MSI_VECTORS; v++)
		(void)pci_cap_msi_set_pending(&d->cfg, v, false);
	if (d->have_msix) {
		for (unsigned e = 0; e < REFDEV_MSIX_ENTRIES; e++) {
			(void)irq_msix_set_pending(&d->msix, e, false);
			if (function_reset) {
				/* A function reset returns the table to its
				 * reset state: masked, zero (PCI 3.0 §6.8.2.9). */
				uint64_t base = (uint64_t)e * IRQ_MSIX_ENTRY_BYTES;

				(void)irq_msix_table_write(&d->msix, base, 8, 0);
				(void)irq_msix_table_write(&d->msix, base + 8, 8,
							   (uint64_t)IRQ_MSIX_CTRL_MASKED << 32);
			}
		}
	}
	d->bme_last = bus_master(d);
	d->count_base = raw_int_count(d);
}

static void cfg_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	(void)c;
	(void)kind;
	/* FLR, a conventional reset and the D3hot -> D0 soft reset all reset
	 * the device; the configuration space is already at its defaults. */
	device_reset(opaque, true);
}

static void cfg_write(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
		      uint32_t old_val, uint32_t new_val)
{
	struct refdev *d = opaque;
	bool bme = bus_master(d);

	(void)c;
	(void)off;
	(void)len;
	(void)old_val;
	(void)new_val;
	if (bme && !d->bme_last) {
		/* Bus Master Enable came back: send what waited for it, for
		 * causes still set. */
		uint32_t h = d->held & d->eff_last;

		d->bme_last = true;
		d->held = 0;
		for (unsigned ci = 0; ci < 4; ci++)
			if (h & (1u << ci))
				signal_cause(d, ci);
		return;
	}
	d->bme_last = bme;
}

static const struct pci_cfg_ops refdev_cfg_ops = {
	.write_hook = cfg_write,
	.reset = cfg_reset,
};

/* ---- BAR0: registers (spec "Registers (BAR0)") --------------------------- */

static uint32_t reg_read(struct refdev *d, uint64_t off)
{
	switch (off) {
	case REFDEV_ID:
		return REFDEV_ID_VALUE;
	case REFDEV_CTRL:
		return d->ctrl;
	case REFDEV_STATUS: {
		unsigned v = msi_vectors(d);

		return (d->busy ? REFDEV_STATUS_BUSY : 0) |
		       (v != 0 && v < 4 && !msix_enabled(d) ? REFDEV_STATUS_SINGLE_MSG : 0) |
		       (d->error ? REFDEV_STATUS_ERROR : 0) |
		       (uint32_t)d->err_code << REFDEV_STATUS_CODE_SHIFT;
	}
	case REFDEV_INT_STATUS:
		d->fresh = 0; /* seen: a clear in this instant may clear it */
		return d->int_status;
	case REFDEV_INT_MASK:
		return d->int_mask;
	case REFDEV_INT_COUNT:
		return (uint32_t)(raw_int_count(d) - d->count_base);
	case REFDEV_MSIX_VEC:
		return d->msix_vec;
	case REFDEV_ARG:
		return d->arg;
	case REFDEV_RESULT:
		return d->result;
	case REFDEV_DMA_TABLE_LO:
		return d->table_lo;
	case REFDEV_DMA_TABLE_HI:
		return d->table_hi;
	case REFDEV_DMA_OFFSET:
		return d->dma_offset;
	case REFDEV_DMA_LENGTH:
		return d->dma_length;
	case REFDEV_DMA_DEV_OFFSET:
		return d->dma_dev_offset;
	case REFDEV_DMA_BYTES:
		return d->dma_bytes;
	default:
		return 0; /* CMD and reserved offsets */
	}
}

static void reg_write(struct refdev *d, uint64_t off, uint32_t v)
{
	switch (off) {
	case REFDEV_CTRL:
		if (v & REFDEV_CTRL_RESET) {
			device_reset(d, false);
			return;
		}
		d->ctrl = v & (REFDEV_CTRL_INT_EN | REFDEV_CTRL_DMA64);
		update_irq(d);
		return;
	case REFDEV_INT_STATUS: {
		uint32_t clr = v & d->int_status;

		if (sim_now(d->k) == d->fresh_ps)
			clr &= ~d->fresh; /* set wins */
		d->int_status &= ~clr;
		withdraw(d, clr);
		update_irq(d);
		return;
	}
	case REFDEV_INT_MASK:
		d->int_mask = v & REFDEV_INT_ALL;
		update_irq(d);
		return;
	case REFDEV_MSIX_VEC:
		d->msix_vec = v;
		return;
	case REFDEV_CMD:
		write_cmd(d, v);
		return;
	case REFDEV_ARG:
		d->arg = v;
		return;
	case REFDEV_DMA_TABLE_LO:
		d->table_lo = v;
		return;
	case REFDEV_DMA_TABLE_HI:
		d->table_hi = v;
		return;
	case REFDEV_DMA_OFFSET:
		d->dma_offset = v;
		return;
	case REFDEV_DMA_LENGTH:
		d->dma_length = v;
		return;
	case REFDEV_DMA_DEV_OFFSET:
		d->dma_dev_offset = v;
		return;
	default:
		return; /* read-only and reserved: ignored */
	}
}

static enum bus_decode_status regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct refdev *d = opaque;

	if (size != 4 || (off & 3) || off >= REFDEV_REGS_BYTES) {
		*val = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
		raise_error(d, REFDEV_ERR_ACCESS, "BAR0 read not an aligned 32-bit access");
		return BUS_DECODE_OK;
	}
	*val = reg_read(d, off);
	return BUS_DECODE_OK;
}

static enum bus_decode_status regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct refdev *d = opaque;

	if (size != 4 || (off & 3) || off >= REFDEV_REGS_BYTES) {
		raise_error(d, REFDEV_ERR_ACCESS, "BAR0 write not an aligned 32-bit access");
		return BUS_DECODE_OK;
	}
	reg_write(d, off, (uint32_t)val);
	return BUS_DECODE_OK;
}

/* Every size and alignment reaches the model, which answers ACCESS itself
 * instead of letting the decoder refuse. */
static const struct bus_region_ops refdev_regs_ops = {
	.read = regs_read, .write = regs_write, .valid_sizes = 0, .unaligned = true,
};

/* ---- BAR2: SRAM (spec "SRAM window (BAR2)") ------------------------------ */

static enum bus_decode_status sram_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct refdev *d = opaque;
	uint64_t v = 0;

	for (unsigned i = size; i-- > 0;)
		v = v << 8 | d->sram[off + i];
	*val = v;
	return BUS_DECODE_OK;
}

static enum bus_decode_status sram_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct refdev *d = opaque;

	for (unsigned i = 0; i < size; i++)
		d->sram[off + i] = (uint8_t)(val >> (8 * i));
	return BUS_DECODE_OK;
}

static const struct bus_region_ops refdev_sram_ops = {
	.read = sram_read, .write = sram_write, .valid_sizes = BUS_DECODE_SIZES_ALL,
	.unaligned = false,
};

/* ---- BAR4: MSI-X Table and PBA (spec "Interrupts", MSI-X) ---------------- */

static enum bus_decode_status msix_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct refdev *d = opaque;

	if (off < REFDEV_MSIX_PBA)
		return irq_msix_table_read(&d->msix, off, size, val);
	return irq_msix_pba_read(&d->msix, off - REFDEV_MSIX_PBA, size, val);
}

static enum bus_decode_status msix_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct refdev *d = opaque;

	if (off < REFDEV_MSIX_PBA)
		return irq_msix_table_write(&d->msix, off, size, val);
	return irq_msix_pba_write(&d->msix, off - REFDEV_MSIX_PBA, size, val);
}

/* irq/msix.h applies the table's access rules: let every access through. */
static const struct bus_region_ops refdev_msix_ops = {
	.read = msix_read, .write = msix_write, .valid_sizes = 0, .unaligned = true,
};

/* ---- the port's hooks ----------------------------------------------------- */

static sim_time_t port_latency(void *opaque, const struct bus_decode_result *r)
{
	struct refdev *d = opaque;

	if (d->conf.host_read_latency_ps && !r->master_abort)
		return d->conf.host_read_latency_ps;
	if (d->orig_ops && d->orig_ops->latency)
		return d->orig_ops->latency(d->orig_opaque, r);
	return d->orig_mem_ps;
}

static void port_completer_abort(void *opaque, const struct bus_decode_result *r)
{
	struct refdev *d = opaque;

	if (d->orig_ops && d->orig_ops->completer_abort)
		d->orig_ops->completer_abort(d->orig_opaque, r);
}

static const struct dma_port_ops refdev_port_ops = {
	.latency = port_latency,
	.completer_abort = port_completer_abort,
};

/* ---- life ------------------------------------------------------------------ */

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int build_cfg(struct refdev *d)
{
	struct pci_cfg *c = &d->cfg;
	struct pci_cap_exp_params ep = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.mps_supported_bytes = REFDEV_MPS_SUPPORTED_BYTES,
		.max_speed = (enum pci_link_speed)d->conf.link_gen,
		.max_width = d->conf.link_width,
		.ext_tag = false,
		.flr = true,
	};
	int rc;

	rc = pci_cfg_init_type0(c, REFDEV_VENDOR_ID, REFDEV_DEVICE_ID, REFDEV_CLASS,
				REFDEV_REVISION, REFDEV_SUBSYS_VENDOR_ID, REFDEV_SUBSYS_ID, 1);
	if (rc == SIM_OK)
		rc = pci_cfg_add_bar(c, REFDEV_BAR_REGS, PCI_BAR_MEM32, REFDEV_REGS_BYTES, false);
	if (rc == SIM_OK)
		rc = pci_cfg_add_bar(c, REFDEV_BAR_SRAM, PCI_BAR_MEM64, d->conf.sram_bytes, true);
	if (rc == SIM_OK && d->conf.msix)
		rc = pci_cfg_add_bar(c, REFDEV_BAR_MSIX, PCI_BAR_MEM32, REFDEV_MSIX_BYTES, false);
	if (rc == SIM_OK)
		rc = pci_cap_add_pm(c, 0, false, 0, &d->cap_pm);
	if (rc == SIM_OK)
		rc = pci_cap_add_express(c, &ep, 0, &d->cap_exp);
	if (rc == SIM_OK)
		rc = pci_cap_add_msi(c, REFDEV_MSI_VECTORS, true, true, 0, &d->cap_msi);
	if (rc == SIM_OK && d->conf.msix) {
		struct pci_cap_msix_layout l = {
			.table_size = REFDEV_MSIX_ENTRIES,
			.table_bir = REFDEV_BAR_MSIX,
			.table_offset = 0,
			.pba_bir = REFDEV_BAR_MSIX,
			.pba_offset = REFDEV_MSIX_PBA,
		};

		rc = pci_cap_add_msix(c, &l, 0, &d->cap_msix);
	}
	return rc;
}

int refdev_init(struct refdev *d, struct sim_kernel *k, const struct refdev_config *cfg)
{
	struct refdev_config conf;
	int rc;

	if (!d || !k)
		return SIM_ERR_INVALID;
	if (cfg)
		conf = *cfg;
	else
		refdev_config_default(&conf);
	if (!conf.name)
		conf.name = "refdev";
	if (!pow2(conf.sram_bytes) || conf.sram_bytes < MIN_SRAM_BYTES ||
	    conf.sram_bytes > MAX_SRAM_BYTES || conf.link_gen < 1 || conf.link_gen > 5 ||
	    conf.checksum_mb_per_s == 0 || conf.outstanding_reads < 1 ||
	    conf.outstanding_reads > 256)
		return SIM_ERR_INVALID;
	memset(d, 0, sizeof(*d));
	d->conf = conf;
	rc = build_cfg(d);
	if (rc != SIM_OK)
		return rc;
	d->sram = calloc(1, (size_t)conf.sram_bytes);
	if (!d->sram)
		return SIM_ERR_NOMEM;
	if (conf.msix) {
		rc = irq_msix_init(&d->msix, REFDEV_MSIX_ENTRIES);
		if (rc != SIM_OK) {
			free(d->sram);
			d->sram = NULL;
			return rc;
		}
		d->have_msix = true;
	}
	crc_table_init(d->crc_table);
	/* Set last: refdev_destroy() takes a NULL kernel for "nothing to
	 * release". */
	d->k = k;
	sim_event_init(k, &d->cmd_ev, "refdev.cmd", cmd_event, d);
	sim_event_init(k, &d->timer_ev, "refdev.timer", timer_event, d);
	pci_cfg_set_ops(&d->cfg, &refdev_cfg_ops, d);
	d->msix_vec = REFDEV_MSIX_VEC_RESET;
	return SIM_OK;
}

void refdev_disconnect(struct refdev *d)
{
	if (!d)
		return;
	(void)sim_event_cancel(&d->cmd_ev);
	(void)sim_event_cancel(&d->timer_ev);
	if (d->dma_connected) {
		dma_engine_destroy(&d->eng);
		d->dma_connected = false;
	}
	memset(&d->dma, 0, sizeof(d->dma));
	d->busy = false;
	if (d->fn) {
		if (d->have_msix)
			(void)irq_fn_set_msix(d->fn, NULL);
		d->fn = NULL;
	}
	d->intx_level = false;
}

void refdev_destroy(struct refdev *d)
{
	if (!d || !d->k)
		return;
	refdev_disconnect(d);
	sim_event_destroy(&d->cmd_ev);
	sim_event_destroy(&d->timer_ev);
	if (d->have_msix)
		irq_msix_destroy(&d->msix);
	free(d->sram);
	d->sram = NULL;
	d->k = NULL;
}

struct pci_cfg *refdev_cfg(struct refdev *d)
{
	return d ? &d->cfg : NULL;
}

const struct bus_region_ops *refdev_bar_ops(struct refdev *d, unsigned bar, void **opaque)
{
	const struct bus_region_ops *ops = NULL;

	if (!d)
		return NULL;
	if (bar == REFDEV_BAR_REGS)
		ops = &refdev_regs_ops;
	else if (bar == REFDEV_BAR_SRAM)
		ops = &refdev_sram_ops;
	else if (bar == REFDEV_BAR_MSIX && d->have_msix)
		ops = &refdev_msix_ops;
	if (opaque)
		*opaque = ops ? d : NULL;
	return ops;
}

int refdev_connect_irq(struct refdev *d, struct irq_fn *fn)
{
	int rc = SIM_OK;

	if (!d)
		return SIM_ERR_INVALID;
	if (d->fn && d->have_msix)
		(void)irq_fn_set_msix(d->fn, NULL);
	d->fn = fn;
	d->intx_level = false;
	if (fn && d->have_msix)
		rc = irq_fn_set_msix(fn, &d->msix);
	d->count_base = raw_int_count(d);
	d->bme_last = bus_master(d);
	/* A condition already holding is the new function's level. */
	d->eff_last = 0;
	if (rc == SIM_OK)
		update_irq(d);
	return rc;
}

int refdev_connect_dma(struct refdev *d, const struct dma_port *port)
{
	struct dma_engine_cfg ec = { 0 };
	int rc;

	if (!d || !port)
		return SIM_ERR_INVALID;
	if (d->dma_connected)
		return SIM_ERR_BUSY;
	d->port = *port;
	d->orig_ops = port->ops;
	d->orig_opaque = port->ops_opaque;
	d->orig_mem_ps = port->mem_ps;
	d->port.ops = &refdev_port_ops;
	d->port.ops_opaque = d;
	/* A DMA_WRITE ends when its last write has been issued (has left
	 * the link), not when it lands: BUSY and DMA_DONE follow it there. */
	d->port.mem_ps = 0;
	ec.channels = 2;
	ec.tags = d->conf.outstanding_reads;
	ec.per_tlp = d->conf.per_tlp;
	ec.name = d->conf.name;
	rc = dma_engine_init(&d->eng, d->k, &d->port, &ec);
	if (rc != SIM_OK)
		return rc;
	d->dma_connected = true;
	return SIM_OK;
}

uint8_t *refdev_sram(struct refdev *d)
{
	return d ? d->sram : NULL;
}

const struct dma_port *refdev_port(const struct refdev *d)
{
	return d && d->dma_connected ? &d->port : NULL;
}

struct dma_engine *refdev_engine(struct refdev *d)
{
	return d && d->dma_connected ? &d->eng : NULL;
}
