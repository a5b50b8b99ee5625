/*
 * hostos/dma-internal.h - MDL and DMA state shared by hostos/mdl.c,
 * dma-adapter.c and dma-sg.c, and the queries another part of hostos/
 * (the unload sweep, the I/O manager) uses to find what a driver left
 * behind. Not installed.
 *
 * The queries, each returning how many there are and copying up to @max
 * into @out (in creation order):
 * - hostos_dma_live_mdls(): MDLs IoAllocateMdl returned and IoFreeMdl has
 *   not freed, and MDLs the driver built itself that are still locked or
 *   mapped (with what each still holds);
 * - hostos_dma_live_adapters(): adapters not yet put, with their counts of
 *   common buffers, adapter channels, map register sets and SG lists, and
 *   the bytes MapTransfer mapped that no flush ended yet (what the I/O
 *   manager checks when a driver completes an IRP: 0xE6/0x0D);
 * - hostos_dma_live_common_buffers(): common buffers not freed.
 * Each may be called from any context (no bug check, no scheduling).
 */
#ifndef PCISIM_HOSTOS_DMA_INTERNAL_H
#define PCISIM_HOSTOS_DMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostos/dma.h"

struct hostos;
struct hostos_thread;

/** struct hostos_live_mdl - one MDL the OS still tracks. */
struct hostos_live_mdl {
	void *mdl;                /**< the PMDL */
	bool allocated;           /**< by IoAllocateMdl, not yet IoFreeMdl'd */
	bool locked;              /**< MmProbeAndLockPages without MmUnlockPages */
	void *mapped_va;          /**< MmMapLockedPagesSpecifyCache's address, or NULL */
	size_t pages;             /**< pages it spans */
	const void *site;         /**< the code address that allocated, locked or mapped it */
};

/** struct hostos_live_adapter - one adapter not yet put. */
struct hostos_live_adapter {
	void *adapter;            /**< the PDMA_ADAPTER */
	void *pdo;                /**< the device it serves */
	unsigned common_buffers, channels, map_register_sets, sg_lists;
	uint64_t unflushed_bytes; /**< mapped by MapTransfer, not yet flushed (for
				       0xE6/0x0D when the IRP completes) */
};

/** struct hostos_live_common_buffer - one common buffer not yet freed. */
struct hostos_live_common_buffer {
	void *adapter;
	void *va;
	uint64_t logical;
	uint32_t length;
};

size_t hostos_dma_live_mdls(const struct hostos *os, struct hostos_live_mdl *out, size_t max);
size_t hostos_dma_live_adapters(const struct hostos *os, struct hostos_live_adapter *out,
				size_t max);
size_t hostos_dma_live_common_buffers(const struct hostos *os,
				      struct hostos_live_common_buffer *out, size_t max);

/*
 * IoCompleteRequest's check (DMA Verification): completing an IRP whose
 * buffer (@mdl, the IRP's MdlAddress chain; NULL: none) MapTransfer
 * mapped and no flush has ended yet is 0xE6/0x0D (P2 the bytes mapped,
 * P3 the registers' bytes). Does nothing otherwise.
 */
void hostos_dma_check_complete(struct hostos_thread *t, void *mdl);

/*
 * The I/O manager's hook for IoAllocateMdl with an IRP (IRP is not
 * defined here): @secondary FALSE makes @mdl the IRP's MdlAddress, TRUE
 * appends it to that chain. Without a hook such an MDL is not attached
 * (a warning).
 */
typedef void (*hostos_irp_mdl_fn)(void *irp, void *mdl, bool secondary);
void hostos_dma_set_irp_hook(struct hostos *os, hostos_irp_mdl_fn fn);

/* Free everything (mappings, bounce frames, records); hostos_destroy(),
 * after every thread is gone. */
void hostos_dma_destroy(struct hostos *os);

/* ---- shared between mdl.c, dma-adapter.c and dma-sg.c ---- */

struct hostos_adapter;
struct dma_iommu;

struct hostos_mdl_rec {
	void *mdl;
	bool allocated, locked;
	bool paged_lock;          /* the lock counts against guarded paged pool */
	void *map_base;           /* bus_mem_map_frames() address, or NULL */
	uint32_t map_offset;      /* the MDL's ByteOffset when mapped */
	size_t pages;
	const void *site;
};

struct hostos_dma_dev {
	const void *pdo;
	struct dma_iommu *iommu;
	uint64_t faults_seen;     /* iommu->faults already reported */
	uint64_t *iova_used;      /* a bit per page of the IOVA window */
	uint32_t iova_cursor;
};

struct hostos_user_buf {
	void *va;
	uint64_t *frames;
	size_t pages;
};

struct hostos_dma {
	struct hostos *os;
	struct hostos_mdl_rec *mdls;
	uint32_t n_mdls, cap_mdls;
	struct hostos_dma_dev **devs;      /* records do not move: adapters point at them */
	uint32_t n_devs, cap_devs;
	struct hostos_adapter **adapters;   /* every adapter ever, put ones included */
	uint32_t n_adapters, cap_adapters;
	struct hostos_dma_stats stats;
	hostos_irp_mdl_fn irp_mdl;
	struct hostos_user_buf *user;      /* hostos_user_buffer_alloc() (user-buffer.c) */
	uint32_t n_user, cap_user;
};

/* The instance's state, created on first use; NULL only when the host is
 * out of memory. */
struct hostos_dma *hostos_dma_state(struct hostos *os);

/* The per-device record of @pdo (created when @create), or NULL. */
struct hostos_dma_dev *hostos_dma_dev(struct hostos_dma *d, const void *pdo, bool create);

/* The physical frames of @len bytes at @va (one per page): pool, or a
 * common buffer, or a user buffer. *@paged: the bytes are paged pool. False:
 * not memory the machine has. */
bool hostos_dma_va_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames,
			  bool *paged);

/* Common buffers' frames, for hostos_dma_va_frames() (dma-adapter.c). */
bool hostos_dma_common_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames);

/* User buffers' frames (user-buffer.c), for hostos_dma_va_frames(), and
 * their part of destroy. */
bool hostos_dma_user_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames);
void hostos_dma_user_destroy(struct hostos_dma *d);

/* The adapter part of destroy (dma-adapter.c). */
void hostos_dma_adapters_destroy(struct hostos_dma *d);

#endif /* PCISIM_HOSTOS_DMA_INTERNAL_H */
