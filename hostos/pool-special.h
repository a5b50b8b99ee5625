/*
 * hostos/pool-special.h - Special Pool's guard-page allocator
 * (hostos/pool-special.c), for hostos/pool.c. Not installed.
 */
#ifndef PCISIM_HOSTOS_POOL_SPECIAL_H
#define PCISIM_HOSTOS_POOL_SPECIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/hostmem.h"

struct pool_special;

enum hostos_special_hit {
	HOSTOS_SPECIAL_NONE = 0,    /* not special pool, or a live page */
	HOSTOS_SPECIAL_BEYOND = 1,  /* a guard page or a page never handed out */
	HOSTOS_SPECIAL_FREED = 2,   /* the page of a freed block */
};

/* Guarded allocations: frames from @mem with @frame_flags; the block at
 * the end of its (last) data page, or the start of its (first) one with
 * @start_mode. NULL: no host memory. */
struct pool_special *hostos_special_create(struct bus_mem *mem, unsigned frame_flags,
					   bool start_mode);
void hostos_special_destroy(struct pool_special *s);

/* A block of @bytes (> 0), zeroed or filled with the fresh byte: up to a
 * page in a shared arena's data page, above in an arena of its own (its
 * data pages between two guard pages); NULL when no page can be had. */
void *hostos_special_alloc(struct pool_special *s, size_t bytes, bool zero);

/* Free the block at @va: 0, or the first byte of its page's pattern the
 * driver overwrote (then nothing is freed). */
uintptr_t hostos_special_free(struct pool_special *s, uintptr_t va);

/* @va is inside special pool; its bus address (0 if not). */
bool hostos_special_owns(const struct pool_special *s, uintptr_t va);
uint64_t hostos_special_pa(const struct pool_special *s, uintptr_t va);

/* The frames of the data pages [@va, @va + @len) spans, one per page,
 * into @frames, when the range lies in one block's data pages (live or
 * not); false otherwise. */
bool hostos_special_span(const struct pool_special *s, uintptr_t va, size_t len,
			 uint64_t *frames);

/* What a fault at @addr hit. Async-signal safe (reads only). */
enum hostos_special_hit hostos_special_classify(const struct pool_special *s, uintptr_t addr);

#endif /* PCISIM_HOSTOS_POOL_SPECIAL_H */
