/*
 * hostos/dma.h - MDLs and WDM DMA of the mock Windows kernel as the
 * harness sees them: how the OS learns about a device's DMA, the mock's
 * own stop codes for these routines, and counters.
 *
 * How the OS learns a device's DMA (Windows' HAL learns the same from the
 * PDO, the DEVICE_DESCRIPTION and the platform's DMA remapping tables):
 * - the memory devices master into is the one hostos_attach_memory()
 *   attached (pool, common buffers and bounce buffers are its frames, and
 *   a logical address without an IOMMU is a physical address in it);
 * - the address width is the driver's DEVICE_DESCRIPTION: Dma64BitAddresses
 *   gives 64 bits, otherwise 32 (a PCI bus master is assumed to have at
 *   least 32). A buffer byte above the width is bounced: the OS copies it
 *   to a frame below 4 GiB at map time (to the device) and back at flush
 *   time (from the device), as map registers do;
 * - optionally a translation stage per device (hostos_device_set_iommu()),
 *   the same struct dma_iommu the device's bus-master port translates
 *   through (dma/port.h: port->iommu). Then every logical address the OS
 *   hands out is an I/O virtual address it maps in that stage for exactly
 *   the life of the mapping (a scatter/gather list, a MapTransfer until its
 *   flush, a common buffer until its free), with read permission for a
 *   transfer to the device and write permission for one from it (both for
 *   common buffers); a device access outside a live mapping faults in the
 *   stage and the OS reports it as 0xE6/0x26 at the driver's next DMA
 *   routine (P2 = the PDO, P3 = the device address, P4 = the fault kind,
 *   enum dma_iommu_fault_kind). No bouncing is needed then.
 *
 * Include as "hostos/dma.h".
 */
#ifndef PCISIM_HOSTOS_DMA_H
#define PCISIM_HOSTOS_DMA_H

#include <stddef.h>
#include <stdint.h>

#include "hostos/devices.h"
#include "hostos/os.h"

struct dma_iommu;

/** Mock stop code: IoFreeMdl of an MDL IoAllocateMdl did not return (or
 * freed already). P1 = the MDL. */
#define HOSTOS_MDL_BAD_FREE 0xA55E0010u
/** Mock stop code: a DMA routine got an object the OS never handed out or
 * arguments that do not match it (FreeCommonBuffer with another length or
 * logical address, an adapter pointer IoGetDmaAdapter never returned).
 * P1 = the object, P2 = the routine's address, P3/P4 = what was expected
 * and what was passed where it applies. */
#define HOSTOS_DMA_BAD_OBJECT 0xA55E0011u
/** Mock stop code: IoBuildPartialMdl asked for what it cannot build
 * (Windows documents no code; the subrange must be a proper subrange of
 * the source, and the target large enough). P1 = why: 1 the range is not
 * inside the source's buffer (P4 = VirtualAddress), 2 the target MDL has
 * room for fewer PFNs than the range spans pages (P4 = the pages needed);
 * P2 = the source MDL, P3 = the target MDL. */
#define HOSTOS_MDL_BAD_PARTIAL 0xA55E0013u

/** DMA Verification: the adapters one device may hold without putting
 * them; IoGetDmaAdapter for one more is 0xE6/0x11 (P2 the count it would
 * reach, P3 the newest adapter). A driver needs one or two; more means one
 * is got per start or per request and never put. */
#define HOSTOS_DMA_MAX_ADAPTERS 16u

/** First I/O virtual address the OS hands out through an IOMMU, and the
 * size of that window (below 4 GiB, so 32-bit devices reach it). */
#define HOSTOS_DMA_IOVA_BASE UINT64_C(0x10000000)
#define HOSTOS_DMA_IOVA_BYTES UINT64_C(0x10000000)

/**
 * hostos_device_set_iommu() - route the DMA of @d's adapters through
 * @iommu (initialised, outliving the OS or the next call; NULL removes
 * it). Before the driver calls IoGetDmaAdapter.
 * Return: 0, SIM_ERR_INVALID (NULL @d), SIM_ERR_NOMEM.
 */
int hostos_device_set_iommu(struct hostos_device *d, struct dma_iommu *iommu);

/**
 * hostos_user_buffer_alloc() - @bytes of the machine's memory standing for
 * an application's buffer (what a direct-I/O request's MDL describes, or
 * a buffer a test hands a driver to lock): frames as @flags say
 * (bus_mem_alloc_flags; 0: BUS_MEM_ALLOC_SCATTERED), zeroed, mapped at one
 * host address that the harness, the I/O manager and driver code may use;
 * MmProbeAndLockPages finds its frames. Owned by @os until
 * hostos_user_buffer_free() or hostos_destroy(). Any thread.
 * Return: the address, or NULL (no memory attached, bytes 0, out of frames
 * or host memory).
 */
void *hostos_user_buffer_alloc(struct hostos *os, size_t bytes, unsigned flags);

/** hostos_user_buffer_free() - release one. Return: 0, or SIM_ERR_INVALID
 * when @va is not a live user buffer. */
int hostos_user_buffer_free(struct hostos *os, void *va);

/** struct hostos_dma_stats - counters of an instance's MDL and DMA use. */
struct hostos_dma_stats {
	uint64_t mdls_allocated, mdls_freed;
	uint64_t adapters, adapters_put;
	uint64_t common_buffers, common_buffers_freed;
	uint64_t sg_lists, sg_lists_put;
	uint64_t map_transfers, flushes;
	uint64_t bounced_bytes;       /**< copied through bounce buffers, both ways */
	uint64_t iommu_maps;          /**< pages mapped in a device's IOMMU */
	uint64_t deferred;            /**< callbacks that waited for the adapter's channel
				       *   or map registers */
};

/** hostos_dma_stats() - the counters (zero before any use). */
void hostos_dma_stats(const struct hostos *os, struct hostos_dma_stats *out);

#endif /* PCISIM_HOSTOS_DMA_H */
