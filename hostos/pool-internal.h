/*
 * hostos/pool-internal.h - what the core and the other parts of hostos/
 * need of the pool (hostos/pool.c). Not installed.
 */
#ifndef PCISIM_HOSTOS_POOL_INTERNAL_H
#define PCISIM_HOSTOS_POOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hostos;
struct bus_mem;

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

#endif /* PCISIM_HOSTOS_POOL_INTERNAL_H */
