/*
 * dma/ring.c - the descriptor ring (dma/ring.h): fetch, data, write-back,
 * one channel transfer each, chained by the channel's completion callback.
 */
#include "dma/ring.h"

#include <string.h>

enum { PH_IDLE, PH_FETCH, PH_DATA, PH_WB };

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void dma_desc_encode(const struct dma_desc *d, uint8_t out[DMA_DESC_BYTES])
{
	put_le(out, d->addr, 8);
	put_le(out + 8, d->len, 4);
	put_le(out + 12, d->flags, 2);
	put_le(out + 14, d->status, 2);
}

void dma_desc_decode(const uint8_t in[DMA_DESC_BYTES], struct dma_desc *d)
{
	d->addr = get_le(in, 8);
	d->len = (uint32_t)get_le(in + 8, 4);
	d->flags = (uint16_t)get_le(in + 12, 2);
	d->status = (uint16_t)get_le(in + 14, 2);
}

int dma_ring_init(struct dma_ring *r, struct dma_channel *ch, uint64_t base, uint32_t size,
		  dma_ring_buf_fn buf, dma_ring_done_fn done, void *opaque)
{
	if (!r || !ch || size == 0 || !buf ||
	    base > UINT64_MAX - ((uint64_t)size * DMA_DESC_BYTES - 1))
		return SIM_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	r->ch = ch;
	r->base = base;
	r->size = size;
	r->buf = buf;
	r->done = done;
	r->opaque = opaque;
	return SIM_OK;
}

static void ring_cb(void *opaque, struct dma_channel *ch, const struct dma_result *res);

static uint64_t desc_addr(const struct dma_ring *r, uint32_t i)
{
	return r->base + (uint64_t)i * DMA_DESC_BYTES;
}

static int fetch(struct dma_ring *r)
{
	r->phase = PH_FETCH;
	r->sg = (struct dma_sg){ desc_addr(r, r->head), DMA_DESC_BYTES };
	return dma_channel_start(r->ch, DMA_DIR_READ, &r->sg, 1, r->raw, ring_cb, r);
}

static void stop(struct dma_ring *r, const struct dma_result *res)
{
	r->stopped = true;
	r->phase = PH_IDLE;
	r->last_error = *res;
	if (r->done)
		r->done(r->opaque, r->head, NULL, res);
}

/* Write the status back: len, flags, status at offset 8. */
static void write_back(struct dma_ring *r, uint32_t bytes, uint16_t status)
{
	struct dma_result fake = { 0 };

	r->cur.len = bytes;
	r->cur.status = status;
	put_le(r->wb, bytes, 4);
	put_le(r->wb + 4, r->cur.flags, 2);
	put_le(r->wb + 6, status, 2);
	r->phase = PH_WB;
	r->sg = (struct dma_sg){ desc_addr(r, r->head) + 8, 8 };
	if (dma_channel_start(r->ch, DMA_DIR_WRITE, &r->sg, 1, r->wb, ring_cb, r) != 0) {
		fake.status = DMA_ERR_BUS_MASTER;
		fake.fail_addr = r->sg.addr;
		stop(r, &fake);
	}
}

static void next(struct dma_ring *r)
{
	struct dma_result fake = { 0 };

	r->head = (r->head + 1) % r->size;
	r->phase = PH_IDLE;
	if (r->head != r->tail && !r->stopped && fetch(r) != 0) {
		fake.status = DMA_ERR_BUS_MASTER;
		fake.fail_addr = desc_addr(r, r->head);
		stop(r, &fake);
	}
}

static void ring_cb(void *opaque, struct dma_channel *ch, const struct dma_result *res)
{
	struct dma_ring *r = opaque;
	uint8_t *buf;

	(void)ch;
	switch (r->phase) {
	case PH_FETCH:
		if (res->status != DMA_OK) {
			stop(r, res);
			return;
		}
		dma_desc_decode(r->raw, &r->cur);
		memset(&r->data_res, 0, sizeof(r->data_res));
		buf = r->cur.len ? r->buf(r->opaque, r->head, &r->cur) : NULL;
		if (!buf) {
			r->data_res.status = DMA_OK;
			r->errors++;
			write_back(r, 0, DMA_DESC_ST_DONE | DMA_DESC_ST_INVALID);
			return;
		}
		r->phase = PH_DATA;
		r->sg = (struct dma_sg){ r->cur.addr, r->cur.len };
		if (dma_channel_start(r->ch,
				      r->cur.flags & DMA_DESC_F_WRITE ? DMA_DIR_WRITE : DMA_DIR_READ,
				      &r->sg, 1, buf, ring_cb, r) != 0) {
			/* An address range that wraps, or Bus Master Enable off. */
			r->errors++;
			write_back(r, 0, DMA_DESC_ST_DONE | DMA_DESC_ST_INVALID);
		}
		return;
	case PH_DATA:
		r->data_res = *res;
		if (res->status != DMA_OK)
			r->errors++;
		write_back(r, (uint32_t)res->bytes_done,
			   (uint16_t)(DMA_DESC_ST_DONE | ((unsigned)res->status & DMA_DESC_ST_CODE_MASK)));
		return;
	case PH_WB:
		if (res->status != DMA_OK) {
			stop(r, res);
			return;
		}
		r->completed++;
		if (r->data_res.status != DMA_OK)
			r->last_error = r->data_res;
		if (r->done)
			r->done(r->opaque, r->head, &r->cur, &r->data_res);
		next(r);
		return;
	default:
		return;
	}
}

int dma_ring_doorbell(struct dma_ring *r, uint32_t tail)
{
	int rc;

	if (!r)
		return SIM_ERR_INVALID;
	if (tail >= r->size) {
		r->bad_doorbells++;
		return SIM_ERR_INVALID;
	}
	if (r->stopped)
		return SIM_ERR_STATE;
	if (r->ch->e->engaged) {
		/* Rung by a register model inside one of the engine's own
		 * accesses: refused like any other re-entry (dma/engine.h). */
		r->ch->e->reentry_refused++;
		return SIM_ERR_BUSY;
	}
	r->tail = tail;
	if (r->phase != PH_IDLE || r->head == r->tail)
		return SIM_OK;
	rc = fetch(r);
	if (rc)
		r->phase = PH_IDLE;
	return rc;
}

int dma_ring_reset(struct dma_ring *r)
{
	if (!r)
		return SIM_ERR_INVALID;
	if (r->phase != PH_IDLE)
		return SIM_ERR_BUSY;
	r->head = r->tail = 0;
	r->stopped = false;
	return SIM_OK;
}
