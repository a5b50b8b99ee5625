/*
 * hostos/pool-internal.h - what the core needs of the pool (hostos/pool.c).
 * Not installed.
 */
#ifndef PCISIM_HOSTOS_POOL_INTERNAL_H
#define PCISIM_HOSTOS_POOL_INTERNAL_H

struct hostos;

/* Unmap and free every arena; after every thread is gone. */
void hostos_pool_destroy(struct hostos *os);

#endif /* PCISIM_HOSTOS_POOL_INTERNAL_H */
