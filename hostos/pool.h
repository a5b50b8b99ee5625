/*
 * hostos/pool.h - the host OS's pool as the harness sees it: where its
 * memory comes from, and Pool Tracking's view of what is allocated.
 *
 * Pool lives in the machine's simulated physical memory (bus/hostmem.h):
 * the host OS takes arenas of frames from the frame allocator (scattered:
 * no two physically adjacent, so a driver whose DMA assumes contiguous
 * pages fails as on a real machine), maps each at one contiguous host
 * address for the driver, and hands out blocks of them. A block is 16-byte
 * aligned; a request of a page or more is page-aligned; a request below a
 * page never crosses a page boundary (the WDK's rules). MmGetPhysicalAddress
 * translates a pool address to the bus address devices use.
 *
 * Every live allocation is tracked with its size, tag, pool type and the
 * code address that allocated it (Pool Tracking), in allocation order.
 * Include as "hostos/pool.h".
 */
#ifndef PCISIM_HOSTOS_POOL_H
#define PCISIM_HOSTOS_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "bus/hostmem.h"
#include "hostos/os.h"

/** Byte fresh uninitialised pool is filled with. */
#define HOSTOS_POOL_FRESH_BYTE 0xA5
/** Byte freed pool is filled with (a use after free reads it). */
#define HOSTOS_POOL_FREED_BYTE 0xDD

/**
 * hostos_attach_memory() - the memory pool comes from: @mem must outlive
 * @os. Before any allocation; once.
 * @flags: bus_mem_alloc_flags for the arenas' frames: 0 for the default,
 *	BUS_MEM_ALLOC_SCATTERED (BUS_MEM_ALLOC_ABOVE_4G to put pool above
 *	4 GiB, as a 64-bit machine's often is).
 * Return: 0, SIM_ERR_INVALID (NULL argument, bad flags), SIM_ERR_STATE
 * (attached already).
 */
int hostos_attach_memory(struct hostos *os, struct bus_mem *mem, unsigned flags);

/** struct hostos_pool_block - one live allocation (Pool Tracking). */
struct hostos_pool_block {
	void *va;              /**< the driver's address */
	uint64_t pa;           /**< the bus address of its first byte */
	size_t bytes;          /**< as requested */
	uint32_t tag;          /**< the 4-character tag, as passed */
	unsigned pool_type;    /**< POOL_TYPE (ExAllocatePool2: NonPagedPool or PagedPool) */
	const void *site;      /**< the code address that allocated it */
};

/** struct hostos_pool_stats - counters since attach. */
struct hostos_pool_stats {
	uint64_t allocs, frees, failed;
	uint64_t live, live_bytes;
	uint64_t arenas;       /**< arenas of frames taken so far */
};

/** hostos_pool_stats() - the counters (all zero before attach). */
void hostos_pool_stats(const struct hostos *os, struct hostos_pool_stats *out);

/**
 * hostos_pool_live() - the live allocations in allocation order: up to
 * @max into @out. Return: how many are live (may exceed @max).
 */
size_t hostos_pool_live(const struct hostos *os, struct hostos_pool_block *out, size_t max);

#endif /* PCISIM_HOSTOS_POOL_H */
