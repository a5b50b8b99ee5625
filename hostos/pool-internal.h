/*
 * hostos/pool-internal.h - what the core, the lookaside lists, the unload
 * sweep, MDLs and DMA need of the pool (hostos/pool.c). Not installed.
 */
#ifndef PCISIM_HOSTOS_POOL_INTERNAL_H
#define PCISIM_HOSTOS_POOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hostos;
struct bus_mem;
struct hostos_thread;

/* Unmap and free every arena; after every thread is gone. */
void hostos_pool_destroy(struct hostos *os);

/* The memory hostos_attach_memory() attached, or NULL. */
struct bus_mem *hostos_pool_mem(const struct hostos *os);

/*
 * The physical frames of the pool pages [@va, @va + @len) spans, into
 * @frames (one per page, in order), when the whole range lies in one
 * arena (mapped pool, live or not); *@pool_type is the POOL_TYPE of the
 * live block holding @va, or -1 when @va is in no live block. MDLs use it
 * to fill their PFN arrays. Return: false when the range is not pool.
 */
bool hostos_pool_span(const struct hostos *os, const void *va, size_t len, uint64_t *frames,
		      int *pool_type);
/*
 * Force IRQL Checking's exemption of locked pages: count one MDL lock
 * (@lock) or unlock of the guarded paged pool pages [@va, @va + @len)
 * spans. A page with a lock stays accessible when the paged arenas close
 * at DISPATCH_LEVEL; nested locks of several MDLs are counted. Return:
 * true when the range lies in a guarded paged arena (then counted; an
 * unlock must follow with the same range), false when it does not.
 */
bool hostos_pool_lock_paged(struct hostos *os, const void *va, size_t len, bool lock);

/* An allocation on a driver's behalf, as ExAllocatePoolWithTag with the
 * same checks (IRQL, size, tag) and fault injection, recorded as made by
 * @site; uninitialised (the fresh byte). NULL when it fails. */
void *hostos_pool_alloc_at(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			   const void *site, const char *routine);

/* ExFreePool of @p on a driver's behalf, with its checks. */
void hostos_pool_free_at(struct hostos_thread *t, void *p, const char *routine);

/* The allocation checks of ExAllocatePoolWithTag (IRQL, zero bytes,
 * must-succeed) and the IRQL check of a free of @va from pool @type. */
void hostos_pool_alloc_checks(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			      const char *routine);
void hostos_pool_free_irql_check(struct hostos_thread *t, unsigned type, uintptr_t va,
				 const char *routine);

/* The bad-free report of an address no allocation returned (0xC4/0x10 or
 * 0xC2/0x99) and of a block freed already (0xC4/0x13 or 0xC2/0x07). */
_Noreturn void hostos_pool_bad_free(struct hostos_thread *t, uintptr_t va, const char *routine);
_Noreturn void hostos_pool_double_free(struct hostos_thread *t, uintptr_t va, uint32_t tag,
				       const char *routine);

/* Whether @va starts a live allocation; its size and tag then. */
bool hostos_pool_is_live(const struct hostos *os, uintptr_t va, size_t *bytes, uint32_t *tag);

/* The live allocation holding @addr: true with its start and size. */
bool hostos_pool_block_of(const struct hostos *os, uintptr_t addr, uintptr_t *start,
			  size_t *bytes);

/* ---- timer.c, for the pool: an armed timer, a queued DPC inside
 * [@start, @start + @bytes), or 0 ---- */
uintptr_t hostos_timer_within(const struct hostos *os, uintptr_t start, size_t bytes);
uintptr_t hostos_dpc_within(const struct hostos *os, uintptr_t start, size_t bytes);

/* ---- lookaside.c, for the pool ---- */

/* A live lookaside list inside [@start, @start + @bytes), or 0. */
uintptr_t hostos_lookaside_within(const struct hostos *os, uintptr_t start, size_t bytes);

/* Free the lists' records; hostos_destroy(). */
void hostos_lookaside_destroy(struct hostos *os);

#endif /* PCISIM_HOSTOS_POOL_INTERNAL_H */
