/*
 * hostos/dma-adapter-internal.h - the adapter object behind a driver's
 * PDMA_ADAPTER and what hangs from it (common buffers, map register sets,
 * scatter/gather lists), shared by hostos/dma-adapter.c and dma-sg.c.
 * Includes <wdm.h>: only for the files that implement Windows routines.
 * Not installed.
 */
#ifndef PCISIM_HOSTOS_DMA_ADAPTER_INTERNAL_H
#define PCISIM_HOSTOS_DMA_ADAPTER_INTERNAL_H

#include <wdm.h>

#include <stdbool.h>
#include <stdint.h>

#include "hostos/dma-internal.h"
#include "hostos/os-internal.h"

/* How one page piece of a transfer reaches the device. */
enum dma_seg_kind {
	DMA_SEG_DIRECT = 0,   /* logical = physical */
	DMA_SEG_BOUNCE = 1,   /* through a frame below the device's limit */
	DMA_SEG_IOMMU = 2,    /* through an I/O virtual page of the device's IOMMU */
};

/* One piece of a transfer, within one page of the driver's buffer. */
struct dma_seg {
	uint64_t logical;     /* what the device is given */
	uint64_t pa;          /* the driver's bytes */
	uint64_t aux;         /* BOUNCE: the bounce frame; IOMMU: the IOVA page */
	uint32_t len;
	uint8_t kind;
};

/* One MapTransfer until its flush. */
struct dma_xfer {
	PMDL mdl;
	uintptr_t va;
	uint32_t len;
	bool write;           /* to the device */
	struct dma_seg *segs;
	uint32_t n_segs;
};

/* An AllocateAdapterChannel or Get/BuildScatterGatherList(Ex) whose
 * callback waits until the channel or enough map registers are free. */
struct dma_wait {
	bool list;            /* AdapterListControl; else AdapterControl */
	ULONG n;              /* map registers it needs */
	PDEVICE_OBJECT dev;
	PVOID ctx;
	PDRIVER_CONTROL control;
	PDRIVER_LIST_CONTROL list_control;
	PMDL mdl;             /* lists: the transfer, as the driver gave it */
	PVOID va;
	ULONG len;
	BOOLEAN write;
	PVOID buf;            /* BuildScatterGatherList's space; NULL: the OS's */
	ULONG buf_len;
	const char *routine;
	PVOID transfer;       /* an ...Ex request's DMA transfer context, by which
			       * CancelAdapterChannel finds it; NULL: none */
};

#define DMA_MRB_MAGIC 0x4d524253u /* "MRBS" */

/* A set of map registers: what AdapterControl's MapRegisterBase points at. */
struct hostos_mrb {
	uint32_t magic;
	struct hostos_adapter *ad;
	ULONG count;
	uint32_t used;        /* registers (pages) mapped now */
	struct dma_xfer *xfers;
	uint32_t n_xfers, cap_xfers;
};

/* A scatter/gather list handed out and not yet put: one block with its
 * pieces after it, then the list when the OS allocated it. */
struct hostos_sg {
	PSCATTER_GATHER_LIST list;
	bool own_list;        /* allocated by the OS (GetScatterGatherList) */
	bool write;
	struct dma_seg *segs;
	uint32_t n_segs;
	uintptr_t va;         /* the transfer's first byte, as the driver gave it */
	PMDL built;           /* BuildMdlFromScatterGatherList's MDL of the bounce
			       * frames, freed with the list; NULL: none */
};

struct hostos_cbuf {
	uint8_t *va;          /* the driver's address (after the guard page) */
	uint8_t *map_base;
	uint64_t first_frame; /* the guard page; the buffer is the next frames */
	uint32_t length;
	uint32_t pages;       /* frames in all, guards included */
	uint64_t logical;
	uint64_t iova;        /* 0: no IOMMU */
	uint32_t data_pages;
};

struct hostos_adapter {
	DMA_ADAPTER a;        /* first: the driver's PDMA_ADAPTER */
	DMA_OPERATIONS ops;   /* its own copy of the table */
	struct hostos *os;
	PDEVICE_OBJECT pdo;
	struct hostos_dma_dev *dev;
	unsigned addr_bits;
	uint64_t limit;       /* highest address the device can emit */
	bool scatter_gather;
	ULONG max_regs;
	bool put;
	const void *site;
	struct hostos_cbuf *cbufs;
	uint32_t n_cbufs, cap_cbufs;
	unsigned channels;    /* 0 or 1 */
	struct hostos_mrb *channel_mrb; /* kept by KeepObject */
	bool needs_regs;      /* transfers take map registers from a file of
			       * max_regs (the device cannot reach all RAM, or
			       * has no scatter/gather) */
	ULONG regs_used;      /* of that file, held by channels and lists */
	struct dma_wait *waits; /* requests waiting for the channel or registers, oldest first */
	uint32_t n_waits, cap_waits;
	bool serving;         /* the waits are being served (no nesting) */
	struct hostos_mrb **mrbs;
	uint32_t n_mrbs, cap_mrbs;
	struct hostos_sg **sgs;
	uint32_t n_sgs, cap_sgs;
	uint64_t sg_allocated, sg_freed;
	struct dma_seg *scratch;  /* where a transfer is cut into pieces */
	uint32_t cap_scratch;
};

/* The checks every adapter routine starts with: a NULL adapter (0xE6/0x19),
 * one the OS never returned (HOSTOS_DMA_BAD_OBJECT), one put already
 * (0xE6/0x18), an IOMMU fault since the last call (0xE6/0x26); then a
 * scheduling point. Returns the thread. */
struct hostos_thread *hostos_dma_enter(PDMA_ADAPTER a, const char *routine, const void *fn);

/* DMA Verification's IRQL rules (0xE6/0x13): exactly @irql, or at most. */
void hostos_dma_irql_eq(struct hostos_thread *t, uint8_t irql, const char *routine);
void hostos_dma_irql_max(struct hostos_thread *t, uint8_t irql, const char *routine);

/* DMA Verification is on. */
static inline bool hostos_dma_verified(const struct hostos *os)
{
	return (os->cfg.verifier & HOSTOS_VERIFY_DMA) != 0;
}

/* @n consecutive pages of the device's IOVA window; 0 when full. */
uint64_t hostos_dma_iova_alloc(struct hostos_dma_dev *dev, uint32_t n);
void hostos_dma_iova_free(struct hostos_dma_dev *dev, uint64_t iova, uint32_t n);

/* The routines of the table (dma-sg.c, dma-map.c; the version 3 ones in
 * dma-sg-ex.c). */
NTSTATUS NTAPI hostos_dma_allocate_adapter_channel(PDMA_ADAPTER a, PDEVICE_OBJECT dev, ULONG n,
						   PDRIVER_CONTROL routine, PVOID ctx);
BOOLEAN NTAPI hostos_dma_flush_adapter_buffers(PDMA_ADAPTER a, PMDL mdl, PVOID mrb, PVOID va,
					       ULONG len, BOOLEAN write);
VOID NTAPI hostos_dma_free_adapter_channel(PDMA_ADAPTER a);
VOID NTAPI hostos_dma_free_map_registers(PDMA_ADAPTER a, PVOID mrb, ULONG n);
PHYSICAL_ADDRESS NTAPI hostos_dma_map_transfer(PDMA_ADAPTER a, PMDL mdl, PVOID mrb, PVOID va,
					       PULONG len, BOOLEAN write);
NTSTATUS NTAPI hostos_dma_get_sg_list(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PMDL mdl, PVOID va,
				      ULONG len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
				      BOOLEAN write);
VOID NTAPI hostos_dma_put_sg_list(PDMA_ADAPTER a, PSCATTER_GATHER_LIST sg, BOOLEAN write);
NTSTATUS NTAPI hostos_dma_calculate_sg_list(PDMA_ADAPTER a, PMDL mdl, PVOID va, ULONG len,
					    PULONG size, PULONG n_regs);
NTSTATUS NTAPI hostos_dma_init_transfer_context(PDMA_ADAPTER a, PVOID ctx);
NTSTATUS NTAPI hostos_dma_get_transfer_info(PDMA_ADAPTER a, PMDL mdl, ULONGLONG offset, ULONG len,
					    BOOLEAN write_only, PDMA_TRANSFER_INFO info);
NTSTATUS NTAPI hostos_dma_build_sg_list_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID ctx, PMDL mdl,
					   ULONGLONG offset, ULONG len, ULONG flags,
					   PDRIVER_LIST_CONTROL routine, PVOID context,
					   BOOLEAN write, PVOID buf, ULONG buf_len,
					   PDMA_COMPLETION_ROUTINE done, PVOID done_ctx, PVOID out);
NTSTATUS NTAPI hostos_dma_allocate_adapter_channel_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev,
						      PVOID transfer, ULONG n, ULONG flags,
						      PDRIVER_CONTROL routine, PVOID ctx,
						      PVOID *base);
BOOLEAN NTAPI hostos_dma_cancel_adapter_channel(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID transfer);
VOID NTAPI hostos_dma_free_adapter_object(PDMA_ADAPTER a, IO_ALLOCATION_ACTION action);
NTSTATUS NTAPI hostos_dma_map_transfer_ex(PDMA_ADAPTER a, PVOID mrb, PMDL mdl, ULONGLONG offset,
					  ULONG dev_offset, PULONG len, BOOLEAN write,
					  PSCATTER_GATHER_LIST sg, ULONG sg_len,
					  PDMA_COMPLETION_ROUTINE done, PVOID done_ctx);
NTSTATUS NTAPI hostos_dma_flush_adapter_buffers_ex(PDMA_ADAPTER a, PMDL mdl, PVOID mrb,
						   ULONGLONG offset, ULONG len, BOOLEAN write);
NTSTATUS NTAPI hostos_dma_get_sg_list_ex(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PVOID ctx, PMDL mdl,
					 ULONGLONG offset, ULONG len, ULONG flags,
					 PDRIVER_LIST_CONTROL routine, PVOID context, BOOLEAN write,
					 PDMA_COMPLETION_ROUTINE done, PVOID done_ctx,
					 PSCATTER_GATHER_LIST *out);
NTSTATUS NTAPI hostos_dma_build_sg_list(PDMA_ADAPTER a, PDEVICE_OBJECT dev, PMDL mdl, PVOID va,
					ULONG len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
					BOOLEAN write, PVOID buf, ULONG buf_len);

/* Waiting requests (dma-wait.c). must_wait: a request of @n registers
 * (for the channel when @channel) cannot run now, or others wait before
 * it. wait_add queues a copy (false: out of memory). waiting counts the
 * queued channel requests (@channels) or list requests. cancel_channel
 * drops the oldest queued channel request (false: none). serve grants
 * what fits, oldest first, at DISPATCH_LEVEL; called by every routine
 * that frees the channel or map registers. wait_cancel drops the request
 * of a DMA transfer context (false: none waits). */
bool hostos_dma_must_wait(const struct hostos_adapter *ad, bool channel, ULONG n);
bool hostos_dma_wait_add(struct hostos_adapter *ad, const struct dma_wait *w);
unsigned hostos_dma_waiting(const struct hostos_adapter *ad, bool channels);
bool hostos_dma_wait_cancel_channel(struct hostos_adapter *ad);
bool hostos_dma_wait_cancel(struct hostos_adapter *ad, PVOID transfer);
void hostos_dma_serve(struct hostos_thread *t, struct hostos_adapter *ad);

/* Shared by the list routines of dma-sg.c and dma-sg-ex.c: the pieces of
 * a transfer cut into the adapter's scratch array with the buffer checks
 * (0 with *@st when it cannot be); a list's size for @elements; and a
 * list request made (checks, then the list and its callback now, or the
 * request queued when @may_wait; without a callback the list goes to
 * *@out). @site: the driver's call, for fault injection. */
uint32_t hostos_dma_cut(struct hostos_thread *t, struct hostos_adapter *ad, PMDL m, uintptr_t va,
		       uint32_t len, bool list, const char *routine, NTSTATUS *st);
size_t hostos_dma_list_bytes(uint32_t elements);

/* The elements of a list: the pieces merged where logical addresses run
 * on (dma-sg.c); returns how many. */
uint32_t hostos_dma_merge(const struct dma_seg *segs, uint32_t n, PSCATTER_GATHER_LIST sg);

/* The MDL of the chain from *@mdl that holds byte *@offset, and the offset
 * inside it; false when the chain is shorter (dma-sg-ex.c). */
bool hostos_dma_seek(PMDL *mdl, ULONGLONG *offset);

/* Give each of @n pieces its logical address: direct, bounced (copied to
 * the frame when @write, to the device) or through the IOMMU; @contig: as
 * one logical run. False when bounce frames or IOVA space ran out
 * (nothing left mapped); contig_short then raises 0xE6/0x00 P2 = 2 when
 * that was for want of contiguous frames (DMA Verification). */
bool hostos_dma_assign(struct hostos_adapter *ad, struct dma_seg *segs, uint32_t n, bool write,
		       bool contig);
void hostos_dma_contig_short(struct hostos_thread *t, const struct hostos_adapter *ad, uint32_t n,
			     bool contig, const char *routine);

/* After an AdapterControl or AdapterListControl returned: 0xE6/0x14 when
 * at another IRQL than it ran at (DMA Verification). */
void hostos_dma_callback_irql(struct hostos_thread *t, const struct hostos_frame *f,
			      const char *what);

/* A channel and @n map registers for @routine now (dma-map.c): its
 * AdapterControl runs and what it returns decides what stays held. */
void hostos_dma_run_control(struct hostos_thread *t, struct hostos_adapter *ad, PDEVICE_OBJECT dev,
			    ULONG n, PDRIVER_CONTROL routine, PVOID ctx);
NTSTATUS hostos_dma_sg_request(struct hostos_thread *t, struct hostos_adapter *ad,
			       PDEVICE_OBJECT dev, PMDL mdl, PVOID va, ULONG len, BOOLEAN write,
			       PVOID buf, ULONG buf_len, PDRIVER_LIST_CONTROL routine, PVOID ctx,
			       bool may_wait, PVOID transfer, const char *name, const void *site,
			       PSCATTER_GATHER_LIST *out);

/* A DMA transfer context InitializeDmaTransferContext filled (dma-sg-ex.c). */
bool hostos_dma_transfer_ok(PVOID transfer);

/* Run one waiting request now that it fits: AdapterControl with new map
 * registers, or the list built and AdapterListControl called (dma-sg.c). */
void hostos_dma_grant(struct hostos_thread *t, struct hostos_adapter *ad,
		      const struct dma_wait *w);

/* Release what a map register set or an SG list still maps (dma-sg.c):
 * @copy_back copies bounced data from the device into the driver's pages
 * (a flush); without it the bounce frames are dropped as they are. */
void hostos_dma_segs_release(struct hostos_adapter *ad, struct dma_seg *segs, uint32_t n,
			     bool from_device, bool copy_back);
void hostos_dma_mrb_free(struct hostos_adapter *ad, struct hostos_mrb *m);
void hostos_dma_sg_free(struct hostos_adapter *ad, struct hostos_sg *s);

#endif /* PCISIM_HOSTOS_DMA_ADAPTER_INTERNAL_H */
