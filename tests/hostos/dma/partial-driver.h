/*
 * tests/hostos/dma/partial-driver.h - the partial MDL tests' driver side
 * (partial-driver.c, Windows code) and what it observed; plain C types.
 */
#ifndef PCISIM_TESTS_HOSTOS_PARTIAL_DRIVER_H
#define PCISIM_TESTS_HOSTOS_PARTIAL_DRIVER_H

#include <stdint.h>

#define PM_MAX 8       /* MDL snapshots */
#define PM_ELEMS 64    /* SG elements kept */

/* Set by the harness before a run. */
struct pm_in {
	void *pdo;      /* the device's PDO (pm_dma_chunks) */
	int arg;        /* which variant of a scenario */
	/* pm_dma_chunks: a device stand-in run while each list is live,
	 * with the list's elements and chunk @c */
	void (*device)(unsigned c, const uint64_t *addr, const uint32_t *len, unsigned n);
};

/* An MDL as the driver saw it at one point. */
struct pm_mdl {
	uint16_t flags;
	uint32_t byte_count, byte_offset;
	uintptr_t start_va, mapped_va, sys;   /* sys: MmGetSystemAddressForMdlSafe */
	uint64_t pfn[8];
	unsigned n_pfn;
};

struct pm_obs {
	uintptr_t buf, src, target;           /* the buffer and the two MDLs */
	uint64_t src_pfn[32];                 /* the source's PFNs */
	struct pm_mdl m[PM_MAX];
	unsigned n;                           /* snapshots taken */
	unsigned char seen[4];                /* bytes read through mappings */
	/* pm_dma_chunks: each chunk's list */
	unsigned chunks;
	uint32_t chunk_len[8];
	uint32_t chunk_off[8];                /* from the buffer's start */
	unsigned n_elem[8];
	uint64_t elem_addr[8][PM_ELEMS];
	uint32_t elem_len[8][PM_ELEMS];
	uint32_t status[8];
	int done;
};

extern struct pm_in pm_in;
extern struct pm_obs pm_obs;

/* The buffer's byte i is this (set before each scenario's MDLs). */
static inline unsigned char pm_pattern(uint32_t i)
{
	return (unsigned char)(i * 13 + 5);
}

void pm_nonpaged(void *arg);        /* partials of an MDL built for nonpaged pool */
void pm_mapped_source(void *arg);   /* a locked, mapped source: the mapping shared */
void pm_own_mapping(void *arg);     /* a locked, unmapped source: the partial mapped */
void pm_dma_chunks(void *arg);      /* a 64 KiB transfer cut in partials, each a list */
/* Misuse; pm_in.arg picks the case where there are several. */
void pm_bad_unlock(void *arg);      /* MmUnlockPages of a partial: 0xC4/0xB4 */
void pm_bad_unmap(void *arg);       /* arg 0 shared mapping, 1 none: 0xC4/0xB5 */
void pm_bad_range(void *arg);       /* arg 0 before, 1 past the end, 2 at the end with 0,
                                       3 a fine range at HIGH_LEVEL (0xA) */
void pm_bad_small_target(void *arg);
void pm_bad_prepare(void *arg);     /* MmPrepareMdlForReuse of a mapped, not partial MDL */

#endif /* PCISIM_TESTS_HOSTOS_PARTIAL_DRIVER_H */
