/*
 * model/edu.c - QEMU's educational device, from its specification
 * (model/edu.h).
 */
#include "model/edu.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bus/caps.h"

#define DEFAULT_DMA_MASK ((UINT64_C(1) << 28) - 1)
#define ALL_ONES UINT64_MAX

void edu_config_default(struct edu_config *c)
{
	c->dma_mask = DEFAULT_DMA_MASK;
	c->fact_ps = SIM_US(1);
	c->cmd_ps = SIM_NS(100);
}

/* ---- interrupts ---- */

static bool msi_on(const struct edu *d)
{
	struct pci_cap_msi_state s;

	return pci_cap_msi_get(&d->cfg, &s) == SIM_OK && s.enabled;
}

/* The line follows the status; MSI sends once per raise of new bits. */
static void irq_update(struct edu *d, bool new_bits)
{
	if (!d->irq)
		return;
	irq_fn_set_intx(d->irq, d->irq_status != 0);
	if (new_bits && msi_on(d))
		irq_fn_msi_signal(d->irq, 0);
}

static void raise(struct edu *d, uint32_t bits)
{
	bool fresh = (bits & ~d->irq_status) != 0;

	d->stats.raises++;
	d->irq_status |= bits;
	irq_update(d, fresh);
}

static void guest_error(struct edu *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A driver's programming error: counted and reported, never acted on. */
static void guest_error(struct edu *d, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	d->stats.guest_errors++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_report(d->k, SIM_SEV_WARNING, "edu: %s", msg);
}

/* ---- factorial ---- */

/* n! modulo 2^32: from 34 on, 34! already holds 2^32 as a factor. */
static uint32_t factorial32(uint32_t n)
{
	uint32_t r = 1;

	if (n >= 34)
		return 0;
	for (uint32_t i = 2; i <= n; i++)
		r *= i;
	return r;
}

static void fact_done(struct sim_kernel *k, void *opaque)
{
	struct edu *d = opaque;

	(void)k;
	d->factorial = factorial32(d->factorial);
	d->status &= ~EDU_STATUS_COMPUTING;
	d->stats.factorials++;
	if (d->status & EDU_STATUS_IRQ_FACT)
		raise(d, EDU_IRQ_FACT);
}

/* ---- DMA ---- */

static void dma_finish(struct edu *d)
{
	d->dma_cmd &= ~(uint64_t)EDU_DMA_START;
	if (d->dma_cmd & EDU_DMA_IRQ)
		raise(d, EDU_IRQ_DMA);
}

static void dma_done(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct edu *d = opaque;

	(void)ch;
	if (r->status == DMA_OK) {
		d->stats.dmas++;
		d->stats.dma_bytes += r->bytes_done;
	} else {
		d->stats.dma_failed++;
		sim_report(d->k, SIM_SEV_WARNING,
			   "edu: DMA ended with %s after %llu bytes at 0x%llx",
			   dma_status_name(r->status), (unsigned long long)r->bytes_done,
			   (unsigned long long)r->fail_addr);
	}
	dma_finish(d);
}

/* The programmed transfer, checked: the device side inside the buffer,
 * the host side below the DMA mask. Where it starts in the buffer. */
static bool dma_check(struct edu *d, uint64_t *buf_off, uint64_t *host)
{
	bool to_ram = d->dma_cmd & EDU_DMA_TO_RAM;
	uint64_t dev = to_ram ? d->dma_src : d->dma_dst;
	uint64_t h = to_ram ? d->dma_dst : d->dma_src;
	uint64_t n = d->dma_count;

	if (n == 0 || n > EDU_BUF_BYTES || dev < EDU_BUF_ADDR ||
	    dev - EDU_BUF_ADDR > EDU_BUF_BYTES - n) {
		guest_error(d, "DMA device range 0x%llx + %llu is outside the buffer",
			    (unsigned long long)dev, (unsigned long long)n);
		return false;
	}
	if (h > d->conf.dma_mask || d->conf.dma_mask - h < n - 1) {
		guest_error(d, "DMA host range 0x%llx + %llu is beyond the DMA mask 0x%llx",
			    (unsigned long long)h, (unsigned long long)n,
			    (unsigned long long)d->conf.dma_mask);
		return false;
	}
	*buf_off = dev - EDU_BUF_ADDR;
	*host = h;
	return true;
}

static void dma_begin(struct sim_kernel *k, void *opaque)
{
	struct edu *d = opaque;
	uint64_t off, host;
	int rc;

	(void)k;
	if (!d->dma_ok || !dma_check(d, &off, &host)) {
		if (!d->dma_ok)
			guest_error(d, "DMA command with no bus-master port");
		dma_finish(d);
		return;
	}
	d->sg = (struct dma_sg){ host, (uint32_t)d->dma_count };
	rc = dma_channel_start(dma_engine_channel(&d->dma, 0),
			       d->dma_cmd & EDU_DMA_TO_RAM ? DMA_DIR_WRITE : DMA_DIR_READ, &d->sg,
			       1, d->buf + off, dma_done, d);
	if (rc == SIM_ERR_STATE) {
		/* Bus Master Enable is 0: the device may issue nothing. */
		d->stats.dma_failed++;
		sim_report(d->k, SIM_SEV_WARNING,
			   "edu: DMA not started: Bus Master Enable is 0");
		dma_finish(d);
	} else if (rc) {
		guest_error(d, "DMA could not start: %s", sim_strerror(rc));
		dma_finish(d);
	}
}

/* ---- registers ---- */

static bool size_ok(uint64_t off, unsigned size)
{
	return size == 4 || (size == 8 && off >= EDU_REG_DMA_SRC);
}

/* The 64-bit DMA register at @off's 8-byte slot, or NULL. */
static uint64_t *dma_reg(struct edu *d, uint64_t off)
{
	switch (off & ~UINT64_C(7)) {
	case EDU_REG_DMA_SRC: return &d->dma_src;
	case EDU_REG_DMA_DST: return &d->dma_dst;
	case EDU_REG_DMA_COUNT: return &d->dma_count;
	case EDU_REG_DMA_CMD: return &d->dma_cmd;
	}
	return NULL;
}

static enum bus_decode_status edu_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct edu *d = opaque;
	uint64_t *r;

	if (!size_ok(off, size)) {
		guest_error(d, "read of %u bytes at 0x%llx refused", size, (unsigned long long)off);
		*val = ALL_ONES;
		return BUS_DECODE_OK;
	}
	switch (off) {
	case EDU_REG_ID: *val = EDU_ID_VALUE; return BUS_DECODE_OK;
	case EDU_REG_LIVENESS: *val = (uint32_t)~d->liveness; return BUS_DECODE_OK;
	case EDU_REG_FACTORIAL: *val = d->factorial; return BUS_DECODE_OK;
	case EDU_REG_STATUS: *val = d->status; return BUS_DECODE_OK;
	case EDU_REG_IRQ_STATUS: *val = d->irq_status; return BUS_DECODE_OK;
	}
	r = dma_reg(d, off);
	if (!r) {
		*val = ALL_ONES; /* nothing there */
		return BUS_DECODE_OK;
	}
	*val = size == 8 ? *r : (uint32_t)(*r >> (off & 4 ? 32 : 0));
	return BUS_DECODE_OK;
}

static void write_dma_reg(struct edu *d, uint64_t *r, uint64_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		*r = val;
	else if (off & 4)
		*r = (*r & UINT64_C(0xffffffff)) | val << 32;
	else
		*r = (*r & ~UINT64_C(0xffffffff)) | (uint32_t)val;
}

static enum bus_decode_status edu_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct edu *d = opaque;
	uint64_t *r;
	bool was_running = d->dma_cmd & EDU_DMA_START;

	if (!size_ok(off, size)) {
		guest_error(d, "write of %u bytes at 0x%llx refused", size, (unsigned long long)off);
		return BUS_DECODE_OK;
	}
	switch (off) {
	case EDU_REG_LIVENESS:
		d->liveness = (uint32_t)val;
		return BUS_DECODE_OK;
	case EDU_REG_FACTORIAL:
		if (d->status & EDU_STATUS_COMPUTING) {
			guest_error(d, "factorial written while computing");
			return BUS_DECODE_OK;
		}
		d->factorial = (uint32_t)val;
		d->status |= EDU_STATUS_COMPUTING;
		sim_event_schedule(&d->fact_ev, d->conf.fact_ps);
		return BUS_DECODE_OK;
	case EDU_REG_STATUS:
		d->status = (d->status & EDU_STATUS_COMPUTING) |
			    ((uint32_t)val & EDU_STATUS_IRQ_FACT);
		return BUS_DECODE_OK;
	case EDU_REG_IRQ_RAISE:
		raise(d, (uint32_t)val);
		return BUS_DECODE_OK;
	case EDU_REG_IRQ_ACK:
		d->irq_status &= ~(uint32_t)val;
		irq_update(d, false);
		return BUS_DECODE_OK;
	case EDU_REG_ID:
	case EDU_REG_IRQ_STATUS:
		guest_error(d, "write to read-only register 0x%llx", (unsigned long long)off);
		return BUS_DECODE_OK;
	}
	r = dma_reg(d, off);
	if (!r)
		return BUS_DECODE_OK; /* nothing there */
	if (r == &d->dma_cmd && was_running) {
		guest_error(d, "DMA command 0x%llx written while a transfer runs",
			    (unsigned long long)val);
		return BUS_DECODE_OK;
	}
	write_dma_reg(d, r, off, size, val);
	if (r == &d->dma_cmd && (d->dma_cmd & EDU_DMA_START)) {
		sim_event_schedule(&d->dma_ev, d->conf.cmd_ps);
	}
	return BUS_DECODE_OK;
}

static const struct bus_region_ops bar0_ops = {
	.read = edu_read,
	.write = edu_write,
	.valid_sizes = BUS_DECODE_SIZE_4 | BUS_DECODE_SIZE_8,
	.unaligned = false,
	.impl_size = 0,
	.refuse_ur = false,
};

/* ---- reset ---- */

/* A conventional reset (a Secondary Bus Reset above it): registers and
 * work in flight go; the buffer keeps its bytes. */
static void edu_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	struct edu *d = opaque;

	(void)c;
	(void)kind;
	sim_event_cancel(&d->fact_ev);
	sim_event_cancel(&d->dma_ev);
	if (d->dma_ok)
		(void)dma_channel_abort(dma_engine_channel(&d->dma, 0));
	d->liveness = d->factorial = d->status = d->irq_status = 0;
	d->dma_src = d->dma_dst = d->dma_count = d->dma_cmd = 0;
	irq_update(d, false);
}

static const struct pci_cfg_ops cfg_ops = { .reset = edu_reset };

/* ---- life cycle ---- */

int edu_init(struct edu *d, struct sim_kernel *k, const struct edu_config *conf)
{
	int rc;

	if (!d || !k)
		return SIM_ERR_INVALID;
	memset(d, 0, sizeof(*d));
	if (conf)
		d->conf = *conf;
	else
		edu_config_default(&d->conf);
	if (d->conf.dma_mask < 0xfff)
		return SIM_ERR_INVALID;
	rc = pci_cfg_init_type0(&d->cfg, EDU_VENDOR_ID, EDU_DEVICE_ID, 0xff0000, 0x10,
				0x1af4, 0x1100, 1);
	if (!rc)
		rc = pci_cfg_add_bar(&d->cfg, 0, PCI_BAR_MEM32, EDU_BAR0_BYTES, false);
	if (!rc)
		rc = pci_cap_add_msi(&d->cfg, 1, true, false, 0, &d->msi_off);
	if (rc)
		return rc;
	pci_cfg_set_ops(&d->cfg, &cfg_ops, d);
	d->k = k;
	sim_event_init(k, &d->fact_ev, "edu.factorial", fact_done, d);
	sim_event_init(k, &d->dma_ev, "edu.dma", dma_begin, d);
	return SIM_OK;
}

int edu_connect_irq(struct edu *d, struct irq_fn *fn)
{
	if (!d)
		return SIM_ERR_INVALID;
	d->irq = fn;
	return SIM_OK;
}

int edu_connect_dma(struct edu *d, struct dma_port *port)
{
	int rc;

	if (!d || !port)
		return SIM_ERR_INVALID;
	if (d->dma_ok)
		return SIM_ERR_BUSY;
	rc = dma_engine_init(&d->dma, d->k, port, NULL);
	if (rc)
		return rc;
	d->dma_ok = true;
	return SIM_OK;
}

void edu_disconnect(struct edu *d)
{
	if (!d)
		return;
	sim_event_cancel(&d->fact_ev);
	sim_event_cancel(&d->dma_ev);
	if (d->dma_ok)
		dma_engine_destroy(&d->dma);
	d->dma_ok = false;
	d->irq = NULL;
}

void edu_destroy(struct edu *d)
{
	if (!d || !d->k)
		return;
	edu_disconnect(d);
	sim_event_destroy(&d->fact_ev);
	sim_event_destroy(&d->dma_ev);
	d->k = NULL;
}

struct pci_cfg *edu_cfg(struct edu *d)
{
	return &d->cfg;
}

const struct bus_region_ops *edu_bar_ops(struct edu *d, unsigned bar, void **opaque)
{
	if (bar != 0)
		return NULL;
	if (opaque)
		*opaque = d;
	return &bar0_ops;
}

const struct edu_stats *edu_stats(const struct edu *d)
{
	return &d->stats;
}
