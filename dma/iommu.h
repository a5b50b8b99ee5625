/*
 * dma/iommu.h - an address translation stage between the device addresses
 * a DMA engine emits and host physical addresses: page-granular (4 KiB)
 * mappings with read and write permissions, and recorded faults. The host
 * OS uses it for map registers and for bounce buffering of devices with
 * fewer address bits than the machine.
 *
 * A translation of an unmapped page, or a write (read) through a mapping
 * without write (read) permission, is a fault: it is counted, the latest
 * DMA_IOMMU_FAULT_LOG faults are kept in order, and the request is never
 * issued (the engine ends the transfer with DMA_ERR_IOMMU). Mappings never
 * overlap; lookups are a cached binary search over a sorted array.
 *
 * Not thread-safe. Include as "dma/iommu.h"; depends on sim/ and libc.
 */
#ifndef PCISIM_DMA_IOMMU_H
#define PCISIM_DMA_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

/** The translation granule, bytes. */
#define DMA_IOMMU_PAGE_BYTES 4096u
/** Faults remembered (the latest ones). */
#define DMA_IOMMU_FAULT_LOG 16u

/** Permissions of a mapping (bit mask). */
#define DMA_IOMMU_READ 1u  /**< the device may read host memory through it */
#define DMA_IOMMU_WRITE 2u /**< the device may write host memory through it */

/** enum dma_iommu_fault_kind - why a translation failed. */
enum dma_iommu_fault_kind {
	DMA_IOMMU_FAULT_UNMAPPED = 1, /**< no mapping covers the address */
	DMA_IOMMU_FAULT_PERM = 2,     /**< mapped, but not for this direction */
};

/**
 * struct dma_iommu_fault - one recorded fault.
 * @dev_addr: the device address of the request.
 * @write: the request was a write to host memory.
 * @kind: why.
 */
struct dma_iommu_fault {
	uint64_t dev_addr;
	bool write;
	enum dma_iommu_fault_kind kind;
};

struct dma_iommu_map; /* private: one mapping */

/**
 * struct dma_iommu - a translation table. Initialise with
 * dma_iommu_init(), release with dma_iommu_destroy().
 */
struct dma_iommu {
	/* read-only */
	uint64_t translations; /**< successful translations */
	uint64_t faults;       /**< failed ones */
	/* private */
	struct dma_iommu_map *maps; /* sorted by device address, disjoint */
	uint32_t n, cap;
	uint32_t last;              /* index of the last hit */
	struct dma_iommu_fault log[DMA_IOMMU_FAULT_LOG];
	uint32_t log_next;          /* faults ever recorded, mod nothing */
};

/** dma_iommu_init() - an empty table: every translation faults. Return: 0 or SIM_ERR_INVALID. */
int dma_iommu_init(struct dma_iommu *m);

/** dma_iommu_destroy() - free the table; @m may be initialised again. */
void dma_iommu_destroy(struct dma_iommu *m);

/**
 * dma_iommu_map() - map device addresses [@dev_addr, @dev_addr + @size) to
 * host physical [@phys_addr, ...).
 * @dev_addr, @phys_addr, @size: multiples of DMA_IOMMU_PAGE_BYTES, @size > 0,
 *	neither range wrapping.
 * @perm: DMA_IOMMU_READ | DMA_IOMMU_WRITE, not 0.
 * Return: 0; SIM_ERR_INVALID (alignment, size, permissions, or an overlap
 * with an existing mapping: nothing changes); SIM_ERR_NOMEM.
 */
int dma_iommu_map(struct dma_iommu *m, uint64_t dev_addr, uint64_t phys_addr, uint64_t size,
		  unsigned perm);

/**
 * dma_iommu_unmap() - remove the mapping that starts at @dev_addr and has
 * exactly @size bytes (as mapped).
 * Return: 0, or SIM_ERR_INVALID when there is no such mapping.
 */
int dma_iommu_unmap(struct dma_iommu *m, uint64_t dev_addr, uint64_t size);

/**
 * dma_iommu_translate() - translate a request of @len bytes at @dev_addr
 * that does not cross a page boundary (the engine never emits one).
 * @write: the request writes host memory.
 * @phys: receives the host physical address on success.
 * @run_bytes: when not NULL, receives how many bytes from @dev_addr stay
 *	contiguous in both spaces with the same permissions (at least the
 *	rest of the page), so a caller may move a longer run at once.
 * Return: 0; SIM_ERR_STATE on a fault (recorded); SIM_ERR_INVALID for a
 * NULL argument, @len 0 or a page crossing (not recorded).
 */
int dma_iommu_translate(struct dma_iommu *m, uint64_t dev_addr, uint32_t len, bool write,
			uint64_t *phys, uint64_t *run_bytes);

/**
 * dma_iommu_last_fault() - the @i-th latest recorded fault (0 = latest).
 * Return: true and *@out filled, or false when fewer were recorded.
 */
bool dma_iommu_last_fault(const struct dma_iommu *m, unsigned i, struct dma_iommu_fault *out);

#endif /* PCISIM_DMA_IOMMU_H */
