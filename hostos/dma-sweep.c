/*
 * hostos/dma-sweep.c - what the unload sweep (hostos/sweep.c) finds of
 * MDLs and DMA: adapters never put, common buffers never freed, scatter/
 * gather lists and map registers still held, MDLs still allocated, locked
 * or mapped. Windows checks the adapter's counters at PutDmaAdapter
 * (0xE6/0x07-0x0A); a driver that unloads without putting its adapter
 * never gets there, so the adapter itself is the mock's leftover
 * (HOSTOS_UNLOAD_LEFTOVER, P1 = 3) and what it still holds is reported
 * with the code PutDmaAdapter would give. MDLs are the mock's (P1 = 4).
 */
#include <stdlib.h>

#include "hostos/dma-internal.h"
#include "hostos/os-internal.h"
#include "hostos/sweep-internal.h"

#define SWEEP_DMA_MAX 256u

static void sweep_adapters(struct hostos *os, struct hostos_sweep *sw)
{
	struct hostos_live_adapter a[SWEEP_DMA_MAX];
	size_t n = hostos_dma_live_adapters(os, a, SWEEP_DMA_MAX);

	for (size_t i = 0; i < n && i < SWEEP_DMA_MAX; i++) {
		uint64_t ad = (uint64_t)(uintptr_t)a[i].adapter;

		hostos_sweep_add(sw, HOSTOS_LEFT_ADAPTER, ad, HOSTOS_UNLOAD_LEFTOVER, 3, ad,
				 (uint64_t)(uintptr_t)a[i].pdo, 0,
				 "DMA adapter 0x%llx (device %p) never put (PutDmaAdapter)",
				 (unsigned long long)ad, a[i].pdo);
		if (a[i].channels)
			hostos_sweep_add(sw, HOSTOS_LEFT_MAP_REGISTERS, ad, 0xE6, 0x08, ad,
					 a[i].channels, 0,
					 "adapter 0x%llx still holds %u adapter channel(s)",
					 (unsigned long long)ad, a[i].channels);
		if (a[i].map_register_sets)
			hostos_sweep_add(sw, HOSTOS_LEFT_MAP_REGISTERS, ad, 0xE6, 0x09, ad,
					 a[i].map_register_sets, 0,
					 "adapter 0x%llx still holds %u set(s) of map registers",
					 (unsigned long long)ad, a[i].map_register_sets);
		if (a[i].sg_lists)
			hostos_sweep_add(sw, HOSTOS_LEFT_MAP_REGISTERS, ad, 0xE6, 0x0A, ad,
					 a[i].sg_lists, 0,
					 "adapter 0x%llx still holds %u scatter/gather list(s)",
					 (unsigned long long)ad, a[i].sg_lists);
	}
}

static void sweep_common_buffers(struct hostos *os, struct hostos_sweep *sw)
{
	struct hostos_live_common_buffer c[SWEEP_DMA_MAX];
	size_t n = hostos_dma_live_common_buffers(os, c, SWEEP_DMA_MAX);

	for (size_t i = 0; i < n && i < SWEEP_DMA_MAX; i++) {
		size_t count = 0;

		for (size_t j = 0; j < n && j < SWEEP_DMA_MAX; j++)
			count += c[j].adapter == c[i].adapter;
		hostos_sweep_add(sw, HOSTOS_LEFT_COMMON_BUFFER, (uint64_t)(uintptr_t)c[i].va, 0xE6,
				 0x07, (uint64_t)(uintptr_t)c[i].adapter, count, 0,
				 "common buffer %p (%u bytes at logical 0x%llx) of adapter %p not freed",
				 c[i].va, (unsigned)c[i].length, (unsigned long long)c[i].logical,
				 c[i].adapter);
	}
}

static void sweep_mdls(struct hostos *os, struct hostos_sweep *sw)
{
	struct hostos_live_mdl m[SWEEP_DMA_MAX];
	size_t n = hostos_dma_live_mdls(os, m, SWEEP_DMA_MAX);

	for (size_t i = 0; i < n && i < SWEEP_DMA_MAX; i++) {
		const char *state = m[i].mapped_va ? "mapped (MmMapLockedPagesSpecifyCache)"
				    : m[i].locked  ? "locked (MmProbeAndLockPages)"
						   : "allocated (IoAllocateMdl)";

		hostos_sweep_add(sw, HOSTOS_LEFT_MDL, (uint64_t)(uintptr_t)m[i].mdl,
				 HOSTOS_UNLOAD_LEFTOVER, 4, (uint64_t)(uintptr_t)m[i].mdl,
				 (uint64_t)(uintptr_t)m[i].site, m[i].pages,
				 "MDL %p of %zu page(s) still %s, by code at %p", m[i].mdl, m[i].pages,
				 state, m[i].site);
	}
}

void hostos_dma_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	sweep_adapters(os, sw);
	sweep_common_buffers(os, sw);
	sweep_mdls(os, sw);
}
