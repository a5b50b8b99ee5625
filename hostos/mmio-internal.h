/*
 * hostos/mmio-internal.h - what the core needs of the device mappings
 * (hostos/mmio.c). Not installed.
 */
#ifndef PCISIM_HOSTOS_MMIO_INTERNAL_H
#define PCISIM_HOSTOS_MMIO_INTERNAL_H

struct hostos;

/* Release every mapping; after every thread is gone. */
void hostos_mmio_destroy(struct hostos *os);

#endif /* PCISIM_HOSTOS_MMIO_INTERNAL_H */
