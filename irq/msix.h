/*
 * irq/msix.h - the storage of an MSI-X Table and Pending Bit Array (PCI
 * 3.0 §6.8.2; PCIe 4.0 §7.7.2) with their access rules, for a device
 * model's BAR ops to forward into.
 *
 * The table has 1..2048 entries of 16 bytes: Message Address (DW0; bits
 * 1:0 read 0, §6.8.2.6), Message Upper Address (DW1), Message Data (DW2)
 * and Vector Control (DW3; bit 0 Mask Bit, the rest reserved and read 0,
 * §6.8.2.9). Every entry comes out of reset masked with the other fields
 * 0 (§6.8.2.9: the Mask Bit's default is 1). The PBA has one bit per
 * entry in QWORDs (ceil(n / 64) of them) and is read-only: writes are
 * ignored (§6.8.2.10 allows them to be ignored). Only the function sets
 * and clears pending bits (irq_msix_set_pending(); irq/fn.h does it).
 *
 * Access rules (§6.8.2: "software must use aligned full DWORD or aligned
 * full QWORD transactions"): aligned 4- and 8-byte reads and writes take
 * effect (an 8-byte access covers two DWORDs, little endian); any other
 * size or alignment is ignored and reads as all ones, and is counted in
 * @bad_accesses. Offsets past the structure read all ones and drop
 * writes, also counted. The BAR ops of the model must therefore accept
 * every size and alignment in the ranges they forward (struct
 * bus_region_ops: valid_sizes 0, unaligned true) so that the decoder does
 * not refuse first.
 *
 * A write that clears an entry's Mask Bit calls the unmask listener
 * (irq_msix_set_listener()), which is how a pending message fires on
 * unmask. Include as "irq/msix.h"; depends on bus/decode.h (for the
 * completion status type) and sim/error.h.
 */
#ifndef PCISIM_IRQ_MSIX_H
#define PCISIM_IRQ_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/decode.h"
#include "sim/error.h"

/** Most MSI-X entries a function has (Table Size is 11 bits, N-1). */
#define IRQ_MSIX_MAX_ENTRIES 2048u
/** Bytes per table entry. */
#define IRQ_MSIX_ENTRY_BYTES 16u
/** Vector Control: Mask Bit. */
#define IRQ_MSIX_CTRL_MASKED 0x1u

/** typedef irq_msix_unmask_fn - entry @entry's Mask Bit went from 1 to 0. */
typedef void (*irq_msix_unmask_fn)(void *opaque, unsigned entry);

/**
 * struct irq_msix - one function's MSI-X Table and PBA. Initialise with
 * irq_msix_init(), release with irq_msix_destroy().
 */
struct irq_msix {
	/* read-only */
	unsigned n_entries;
	uint64_t bad_accesses; /**< ignored accesses (size, alignment, range) */
	/* private */
	uint32_t *table;       /* 4 DWORDs per entry */
	uint64_t *pba;
	irq_msix_unmask_fn unmask;
	void *unmask_opaque;
};

/**
 * irq_msix_init() - a table of @n_entries (1..2048) masked entries and a
 * clear PBA.
 * Return: 0, SIM_ERR_INVALID, SIM_ERR_NOMEM.
 */
int irq_msix_init(struct irq_msix *x, unsigned n_entries);

/** irq_msix_destroy() - free the storage. NULL is ignored. */
void irq_msix_destroy(struct irq_msix *x);

/** irq_msix_table_bytes() - the table's size in bytes (16 per entry). */
uint64_t irq_msix_table_bytes(const struct irq_msix *x);
/** irq_msix_pba_bytes() - the PBA's size in bytes (8 per 64 entries). */
uint64_t irq_msix_pba_bytes(const struct irq_msix *x);

/**
 * irq_msix_table_read() - a read of @size bytes at byte @offset of the
 * table, as a struct bus_region_ops read callback would do it.
 * Return: BUS_DECODE_OK always (an ignored access reads all ones).
 */
enum bus_decode_status irq_msix_table_read(struct irq_msix *x, uint64_t offset, unsigned size,
					   uint64_t *val);
/** irq_msix_table_write() - a write into the table; see the rules above. */
enum bus_decode_status irq_msix_table_write(struct irq_msix *x, uint64_t offset, unsigned size,
					    uint64_t val);
/** irq_msix_pba_read() - a read of the PBA. */
enum bus_decode_status irq_msix_pba_read(struct irq_msix *x, uint64_t offset, unsigned size,
					 uint64_t *val);
/** irq_msix_pba_write() - a write to the PBA: ignored (read-only). */
enum bus_decode_status irq_msix_pba_write(struct irq_msix *x, uint64_t offset, unsigned size,
					  uint64_t val);

/**
 * irq_msix_entry() - entry @entry as software programmed it.
 * Any out pointer may be NULL.
 * Return: 0, or SIM_ERR_INVALID (@entry out of range).
 */
int irq_msix_entry(const struct irq_msix *x, unsigned entry, uint64_t *address, uint32_t *data,
		   bool *masked);

/** irq_msix_pending() - PBA bit @entry (false when out of range). */
bool irq_msix_pending(const struct irq_msix *x, unsigned entry);

/** irq_msix_set_pending() - the function sets or clears PBA bit @entry.
 * Return: 0, or SIM_ERR_INVALID. */
int irq_msix_set_pending(struct irq_msix *x, unsigned entry, bool pending);

/** irq_msix_set_listener() - who hears about entries being unmasked
 * (one listener; NULL removes it). */
void irq_msix_set_listener(struct irq_msix *x, irq_msix_unmask_fn fn, void *opaque);

#endif /* PCISIM_IRQ_MSIX_H */
