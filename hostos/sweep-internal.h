/*
 * hostos/sweep-internal.h - how each module tells the unload sweep
 * (hostos/sweep.c) what is still live. A module adds a function of type
 * hostos_sweep_fn that calls hostos_sweep_add() once per leftover, and one
 * line to the table in hostos/sweep.c (the order of that table is the
 * order of the report, and the first leftover gives the bug check).
 * Not installed.
 */
#ifndef PCISIM_HOSTOS_SWEEP_INTERNAL_H
#define PCISIM_HOSTOS_SWEEP_INTERNAL_H

#include <stdint.h>

#include "hostos/sweep.h"

struct hostos;
struct hostos_sweep;

/* Record one leftover with the bug check it gives. */
void hostos_sweep_add(struct hostos_sweep *s, enum hostos_leftover_kind kind, uint64_t addr,
		      uint32_t code, uint64_t p1, uint64_t p2, uint64_t p3, uint64_t p4,
		      const char *what, ...) __attribute__((format(printf, 9, 10)));

typedef void (*hostos_sweep_fn)(struct hostos *os, struct hostos_sweep *s);

/* The modules' sweeps (in hostos/sweep.c's table). */
void hostos_timer_sweep(struct hostos *os, struct hostos_sweep *s);     /* timer.c */
void hostos_dpc_sweep(struct hostos *os, struct hostos_sweep *s);       /* timer.c */
void hostos_workitem_sweep(struct hostos *os, struct hostos_sweep *s);  /* workitem.c */
void hostos_systhread_sweep(struct hostos *os, struct hostos_sweep *s); /* systhread.c */
void hostos_lookaside_sweep(struct hostos *os, struct hostos_sweep *s); /* lookaside.c */
void hostos_intr_sweep(struct hostos *os, struct hostos_sweep *s);      /* interrupt-connect.c */
void hostos_mmio_sweep(struct hostos *os, struct hostos_sweep *s);      /* mmio.c */
void hostos_dma_sweep(struct hostos *os, struct hostos_sweep *s);       /* dma-sweep.c */
void hostos_pool_sweep(struct hostos *os, struct hostos_sweep *s);      /* pool.c */

/* P3/P4 of 0xC7 for an object at @addr: the pool block holding it. */
void hostos_sweep_range(const struct hostos *os, uint64_t addr, uint64_t *start, uint64_t *end);

#endif /* PCISIM_HOSTOS_SWEEP_INTERNAL_H */
