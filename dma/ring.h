/*
 * dma/ring.h - a descriptor ring in host memory, worked through by one
 * channel of a DMA engine (dma/engine.h), as NICs and storage controllers
 * do: the driver fills descriptors and writes the tail doorbell; the device
 * fetches each descriptor at its head by a DMA read, moves the data it
 * describes, writes the completion status back into the descriptor by a
 * DMA write, reports the completion by callback and advances its head,
 * wrapping at the end of the ring, until head reaches tail.
 *
 * Descriptor format (DMA_DESC_BYTES = 16 bytes, little endian, at
 * base + index * 16):
 *   0  u64 addr    device address of the buffer
 *   8  u32 len     bytes to move (driver); bytes done (written back)
 *  12  u16 flags   DMA_DESC_F_*, left as the driver wrote them
 *  14  u16 status  0 from the driver; written back: DMA_DESC_ST_DONE | the
 *                  enum dma_status of the data transfer (DMA_DESC_ST_INVALID
 *                  for a descriptor of length 0)
 * The write-back is one 8-byte write at offset 8 (len, flags, status), made
 * after the data transfer has ended, so a driver that sees DONE sees the
 * data (posted writes from one requester stay in order, PCIe Base 2.4.1).
 *
 * head == tail means the ring is empty, so a driver gives at most @size - 1
 * descriptors at a time. Descriptors are handled one at a time (no
 * prefetch): fetch, data, write-back.
 *
 * Errors. A data transfer that fails is written back with its status and
 * bytes done, and the ring goes on. A descriptor fetch or status write-back
 * that fails stops the ring (@stopped; @last_error says why; the callback
 * gets a NULL descriptor): the device cannot trust its own view any more;
 * dma_ring_reset() starts again at index 0.
 *
 * Not thread-safe. Include as "dma/ring.h"; depends on dma/engine.h.
 */
#ifndef PCISIM_DMA_RING_H
#define PCISIM_DMA_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "dma/engine.h"

/** Size of a descriptor in host memory, bytes. */
#define DMA_DESC_BYTES 16u
/** flags: the device writes host memory (else it reads host memory). */
#define DMA_DESC_F_WRITE 0x0001u
/** flags: the driver asks for an interrupt; passed to the callback, which decides. */
#define DMA_DESC_F_IRQ 0x0002u
/** status: the device is done with the descriptor. */
#define DMA_DESC_ST_DONE 0x8000u
/** status: the descriptor was malformed (length 0); nothing moved. */
#define DMA_DESC_ST_INVALID 0x00ffu
/** status: the low byte holds the error code. */
#define DMA_DESC_ST_CODE_MASK 0x00ffu

/** struct dma_desc - a descriptor, decoded. */
struct dma_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t status;
};

/** dma_desc_encode() - the 16 bytes of @d in host memory order. */
void dma_desc_encode(const struct dma_desc *d, uint8_t out[DMA_DESC_BYTES]);

/** dma_desc_decode() - @d from its 16 bytes. */
void dma_desc_decode(const uint8_t in[DMA_DESC_BYTES], struct dma_desc *d);

/**
 * typedef dma_ring_buf_fn - the device-side memory for descriptor @index:
 * @d->len bytes the data is read into or written from; valid until the
 * descriptor completes. NULL refuses it (written back DMA_DESC_ST_INVALID).
 */
typedef uint8_t *(*dma_ring_buf_fn)(void *opaque, uint32_t index, const struct dma_desc *d);

/**
 * typedef dma_ring_done_fn - descriptor @index is complete and its status
 * written back (@d as written back, @r the data transfer's result), or the
 * ring stopped (@d NULL, @r the failed fetch or write-back).
 */
typedef void (*dma_ring_done_fn)(void *opaque, uint32_t index, const struct dma_desc *d,
				 const struct dma_result *r);

/**
 * struct dma_ring - one ring on one channel. Initialise with
 * dma_ring_init(); it needs no destroy (it owns no memory), but its
 * channel must be idle before the ring goes away.
 */
struct dma_ring {
	/* read-only */
	uint64_t base;          /**< device address of descriptor 0 */
	uint32_t size;          /**< descriptors */
	uint32_t head, tail;    /**< next to process; first the driver has not given */
	bool stopped;           /**< a fetch or write-back failed */
	uint64_t completed;     /**< descriptors completed */
	uint64_t errors;        /**< of those, not DMA_OK */
	uint64_t bad_doorbells; /**< doorbell values refused (>= size) */
	struct dma_result last_error;
	/* private */
	struct dma_channel *ch;
	dma_ring_buf_fn buf;
	dma_ring_done_fn done;
	void *opaque;
	uint8_t phase;          /* enum in ring.c */
	uint8_t raw[DMA_DESC_BYTES];
	uint8_t wb[8];
	struct dma_desc cur;
	struct dma_sg sg;
	struct dma_result data_res;
};

/**
 * dma_ring_init() - a ring of @size descriptors at device address @base,
 * head = tail = 0, worked by @ch (idle; used by nothing else).
 * Return: 0, or SIM_ERR_INVALID (NULL, @size 0, a ring that wraps the
 * address space, @buf NULL).
 */
int dma_ring_init(struct dma_ring *r, struct dma_channel *ch, uint64_t base, uint32_t size,
		  dma_ring_buf_fn buf, dma_ring_done_fn done, void *opaque);

/**
 * dma_ring_doorbell() - the driver's write of the tail register.
 * @tail: the index after the last descriptor it gives, < @size.
 * Return: 0; SIM_ERR_INVALID for @tail >= @size (counted in bad_doorbells,
 * ignored); SIM_ERR_STATE when stopped; SIM_ERR_BUSY from inside one of the
 * engine's own data accesses (dma/engine.h).
 */
int dma_ring_doorbell(struct dma_ring *r, uint32_t tail);

/**
 * dma_ring_reset() - back to head = tail = 0, not stopped. Only while
 * idle. Return: 0 or SIM_ERR_BUSY.
 */
int dma_ring_reset(struct dma_ring *r);

#endif /* PCISIM_DMA_RING_H */
