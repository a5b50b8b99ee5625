/*
 * irq/msix.c - MSI-X Table and PBA storage with the PCI 3.0 §6.8.2 access
 * rules (irq/msix.h).
 */
#include "irq/msix.h"

#include <stdlib.h>
#include <string.h>

#define DW_ADDR_LO 0
#define DW_CTRL 3

int irq_msix_init(struct irq_msix *x, unsigned n_entries)
{
	if (!x || n_entries < 1 || n_entries > IRQ_MSIX_MAX_ENTRIES)
		return SIM_ERR_INVALID;
	memset(x, 0, sizeof(*x));
	x->table = calloc((size_t)n_entries * 4, sizeof(*x->table));
	x->pba = calloc((n_entries + 63) / 64, sizeof(*x->pba));
	if (!x->table || !x->pba) {
		free(x->table);
		free(x->pba);
		memset(x, 0, sizeof(*x));
		return SIM_ERR_NOMEM;
	}
	x->n_entries = n_entries;
	for (unsigned i = 0; i < n_entries; i++)
		x->table[i * 4 + DW_CTRL] = IRQ_MSIX_CTRL_MASKED;
	return SIM_OK;
}

void irq_msix_destroy(struct irq_msix *x)
{
	if (!x)
		return;
	free(x->table);
	free(x->pba);
	memset(x, 0, sizeof(*x));
}

uint64_t irq_msix_table_bytes(const struct irq_msix *x)
{
	return (uint64_t)x->n_entries * IRQ_MSIX_ENTRY_BYTES;
}

uint64_t irq_msix_pba_bytes(const struct irq_msix *x)
{
	return (uint64_t)(x->n_entries + 63) / 64 * 8;
}

/* An access that takes effect: 4 or 8 bytes, aligned, inside @limit. */
static bool access_ok(struct irq_msix *x, uint64_t offset, unsigned size, uint64_t limit)
{
	if ((size == 4 || size == 8) && offset % size == 0 && offset < limit &&
	    size <= limit - offset)
		return true;
	x->bad_accesses++;
	return false;
}

static uint64_t all_ones(unsigned size)
{
	return size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * size)) - 1;
}

enum bus_decode_status irq_msix_table_read(struct irq_msix *x, uint64_t offset, unsigned size,
					   uint64_t *val)
{
	uint64_t dw = offset / 4;

	if (!access_ok(x, offset, size, irq_msix_table_bytes(x))) {
		*val = all_ones(size);
		return BUS_DECODE_OK;
	}
	*val = x->table[dw];
	if (size == 8)
		*val |= (uint64_t)x->table[dw + 1] << 32;
	return BUS_DECODE_OK;
}

static void write_dw(struct irq_msix *x, uint64_t dw, uint32_t v)
{
	unsigned entry = (unsigned)(dw / 4);
	uint32_t old = x->table[dw];

	switch (dw % 4) {
	case DW_ADDR_LO:
		/* Message Address is DWORD aligned: bits 1:0 read 0. */
		x->table[dw] = v & ~UINT32_C(3);
		break;
	case DW_CTRL:
		/* Bits 31:1 are reserved (§6.8.2.9). */
		x->table[dw] = v & IRQ_MSIX_CTRL_MASKED;
		if ((old & IRQ_MSIX_CTRL_MASKED) && !(v & IRQ_MSIX_CTRL_MASKED) && x->unmask)
			x->unmask(x->unmask_opaque, entry);
		break;
	default:
		x->table[dw] = v;
	}
}

enum bus_decode_status irq_msix_table_write(struct irq_msix *x, uint64_t offset, unsigned size,
					    uint64_t val)
{
	uint64_t dw = offset / 4;

	if (!access_ok(x, offset, size, irq_msix_table_bytes(x)))
		return BUS_DECODE_OK;
	/* Low DWORD first: for a QWORD write to DW2..3 the data is in place
	 * before an unmask can fire with it. */
	write_dw(x, dw, (uint32_t)val);
	if (size == 8)
		write_dw(x, dw + 1, (uint32_t)(val >> 32));
	return BUS_DECODE_OK;
}

enum bus_decode_status irq_msix_pba_read(struct irq_msix *x, uint64_t offset, unsigned size,
					 uint64_t *val)
{
	uint64_t q;

	if (!access_ok(x, offset, size, irq_msix_pba_bytes(x))) {
		*val = all_ones(size);
		return BUS_DECODE_OK;
	}
	q = x->pba[offset / 8];
	*val = size == 8 ? q : (uint32_t)(q >> (8 * (offset % 8)));
	return BUS_DECODE_OK;
}

enum bus_decode_status irq_msix_pba_write(struct irq_msix *x, uint64_t offset, unsigned size,
					  uint64_t val)
{
	(void)val;
	/* Read-only either way; a bad access is still counted. */
	(void)access_ok(x, offset, size, irq_msix_pba_bytes(x));
	return BUS_DECODE_OK;
}

int irq_msix_entry(const struct irq_msix *x, unsigned entry, uint64_t *address, uint32_t *data,
		   bool *masked)
{
	const uint32_t *e;

	if (!x || entry >= x->n_entries)
		return SIM_ERR_INVALID;
	e = &x->table[entry * 4];
	if (address)
		*address = e[0] | (uint64_t)e[1] << 32;
	if (data)
		*data = e[2];
	if (masked)
		*masked = e[3] & IRQ_MSIX_CTRL_MASKED;
	return SIM_OK;
}

bool irq_msix_pending(const struct irq_msix *x, unsigned entry)
{
	return x && entry < x->n_entries && (x->pba[entry / 64] >> (entry % 64) & 1);
}

int irq_msix_set_pending(struct irq_msix *x, unsigned entry, bool pending)
{
	uint64_t bit;

	if (!x || entry >= x->n_entries)
		return SIM_ERR_INVALID;
	bit = UINT64_C(1) << (entry % 64);
	if (pending)
		x->pba[entry / 64] |= bit;
	else
		x->pba[entry / 64] &= ~bit;
	return SIM_OK;
}

void irq_msix_set_listener(struct irq_msix *x, irq_msix_unmask_fn fn, void *opaque)
{
	if (!x)
		return;
	x->unmask = fn;
	x->unmask_opaque = opaque;
}
