/*
 * tests/hostos/dma/dma-driver-internal.h - dma-driver.c's helpers for the
 * other scenario files (Windows code, after <wdm.h>): the adapter dma_in
 * describes (recorded in dma_obs), a pool buffer of dma_in.length bytes
 * filled with the test pattern, and an MDL over it, locked or built.
 */
#ifndef PCISIM_TESTS_HOSTOS_DMA_DRIVER_INTERNAL_H
#define PCISIM_TESTS_HOSTOS_DMA_DRIVER_INTERNAL_H

PVOID dma_drv_adapter(void);           /* PDMA_ADAPTER; NULL on failure */
PVOID dma_drv_buffer(ULONG bytes);     /* PUCHAR from pool */
PVOID dma_drv_describe(PVOID va, ULONG bytes); /* PMDL */
void dma_drv_undescribe(PVOID mdl);

#endif /* PCISIM_TESTS_HOSTOS_DMA_DRIVER_INTERNAL_H */
