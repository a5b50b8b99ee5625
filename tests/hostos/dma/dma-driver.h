/*
 * tests/hostos/dma/dma-driver.h - the MDL and DMA tests' driver side
 * (dma-driver.c, Windows code) and what it observed; plain C types.
 */
#ifndef PCISIM_TESTS_HOSTOS_DMA_DRIVER_H
#define PCISIM_TESTS_HOSTOS_DMA_DRIVER_H

#include <stdint.h>

#define DMA_OBS_MAX 64

/* Set by the harness before a run; read by the scenarios. */
struct dma_in {
	void *pdo;             /* the device's PDO */
	int dma64;             /* DEVICE_DESCRIPTION.Dma64BitAddresses */
	int sg;                /* ScatterGather */
	int version;           /* DEVICE_DESCRIPTION.Version */
	uint32_t max_length;   /* MaximumLength */
	uint32_t length;       /* transfer length */
	uint32_t offset;       /* buffer offset into its allocation */
	int paged;             /* the buffer comes from paged pool */
	/* a device stand-in the harness runs between map and flush (from
	 * the driver thread, like a device doing its DMA at that moment) */
	void (*device)(void *opaque, const uint64_t *addr, const uint32_t *len, unsigned n,
		       int to_device);
	void *opaque;
	volatile int done;     /* the device stand-in finished (dma_roundtrip waits) */
};

struct dma_obs {
	void *mdl, *mdl2, *va, *sys, *adapter, *mrb, *list;
	uint32_t byte_count, byte_offset;
	uint16_t flags[4];
	uint64_t pfn[DMA_OBS_MAX];
	uint64_t pa[DMA_OBS_MAX];        /* MmGetPhysicalAddress of each page */
	unsigned n_pages;
	uint32_t map_regs;
	uint64_t logical;                /* common buffer */
	uint32_t status[8];
	unsigned n_elem;
	uint64_t elem_addr[DMA_OBS_MAX];
	uint32_t elem_len[DMA_OBS_MAX];
	uint8_t before_put[16];          /* buffer bytes read before the flush */
	uint8_t after_put[16];
	int ok[8];
	uint32_t size, nregs;            /* CalculateScatterGatherList */
	unsigned built_elem;             /* elements of a list built after a size query */
	int action;                      /* AdapterControl's return */
};

extern struct dma_in dma_in;
extern struct dma_obs dma_obs;

/* MDLs */
void mdl_basic(void *arg);
void mdl_lock_map(void *arg);
void mdl_chain(void *arg);
void mdl_user_buffer(void *arg);
void mdl_irp(void *arg);
void mdl_bad_probe_irql(void *arg);
void mdl_bad_probe_twice(void *arg);
void mdl_bad_probe_nonpaged(void *arg);
void mdl_bad_unlock_unlocked(void *arg);
void mdl_bad_unlock_nonpaged(void *arg);
void mdl_bad_build_paged(void *arg);
void mdl_bad_map_bugcheck_flag(void *arg);
void mdl_bad_map_twice(void *arg);
void mdl_bad_map_unlocked(void *arg);
void mdl_bad_unmap_unmapped(void *arg);
void mdl_bad_free_mapped(void *arg);
void mdl_bad_free_twice(void *arg);
void mdl_bad_probe_not_memory(void *arg);
void mdl_bad_unlock_irql(void *arg);
void mdl_bad_map_irql(void *arg);
void mdl_bad_unmap_irql(void *arg);
void mdl_bad_null(void *arg);
void mdl_bad_map_user_irql(void *arg);

/* DMA */
void dma_get_adapter(void *arg);
void dma_common_buffer(void *arg);
void dma_sg_list(void *arg);
void dma_sg_chain(void *arg);
void dma_build_sg(void *arg);
void dma_packet(void *arg);
void dma_packet_no_flush(void *arg);
void dma_channel_keep(void *arg);
void dma_bad_put_with_common(void *arg);
void dma_bad_put_with_sg(void *arg);
void dma_bad_put_with_regs(void *arg);
void dma_bad_put_twice(void *arg);
void dma_bad_free_common_twice(void *arg);
void dma_bad_common_overrun(void *arg);
void dma_bad_sg_twice(void *arg);
void dma_bad_sg_irql(void *arg);
void dma_bad_common_irql(void *arg);
void dma_bad_channel_twice(void *arg);
void dma_bad_too_many_regs(void *arg);
void dma_bad_free_regs_twice(void *arg);
void dma_bad_free_channel(void *arg);
void dma_bad_map_overuse(void *arg);
void dma_bad_flush_unmapped(void *arg);
void dma_bad_unlocked_mdl(void *arg);
void dma_bad_va_outside(void *arg);
void dma_bad_version(void *arg);
void dma_sg_short_chain(void *arg);
void dma_leave_behind(void *arg);
void dma_build_mdl(void *arg);
void dma_iommu_fault(void *arg);
void dma_bad_pfn(void *arg);
void dma_bad_dealloc_mapped(void *arg);
void dma_bad_flush_bad_base(void *arg);
void dma_bad_null_adapter(void *arg);
void dma_bad_zero_length(void *arg);
void dma_bad_map_twice(void *arg);
void dma_bad_flush_too_long(void *arg);

/* A device that does its DMA later in simulated time: the driver waits
 * (KeDelayExecutionThread) until dma_in.done between list and put. */
void dma_roundtrip(void *arg);

/* dma-v3-driver.c: dma_in.version is the DmaAddressWidth there */
void dma_v3(void *arg);
void dma_v3_wait(void *arg);
void dma_v3_build_ex(void *arg);
void dma_v3_channel_ex(void *arg);
void dma_v3_map_ex(void *arg);

/* dma-wait-driver.c: callbacks that wait for map registers or the
 * channel, and the 0xE6 codes around them */
void dma_wait_lists(void *arg);
void dma_wait_channel(void *arg);
void dma_bad_free_waiting_channel(void *arg);
void dma_bad_put_waiting(void *arg);
void dma_bad_callback_irql(void *arg);
void dma_hal_get_adapter(void *arg);
void dma_bad_many_adapters(void *arg);
void dma_contig_short(void *arg);
void dma_bad_va_before(void *arg);
void dma_bad_map_outside(void *arg);
void dma_bad_complete_unflushed(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_DMA_DRIVER_H */
