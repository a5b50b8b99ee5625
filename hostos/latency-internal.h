/*
 * hostos/latency-internal.h - the hooks of hostos/latency.c: interrupt.c
 * reports each ISR call, dpc.c each DPC queued from an ISR and each DPC
 * run. Not installed.
 */
#ifndef PCISIM_HOSTOS_LATENCY_INTERNAL_H
#define PCISIM_HOSTOS_LATENCY_INTERNAL_H

#include "sim/time.h"

struct hostos;

/* An ISR ran for @ran_ps. */
void hostos_latency_isr(struct hostos *os, sim_time_t ran_ps);
/* An ISR queued @dpc while dispatching the interrupt delivered at @irq_ps. */
void hostos_latency_dpc_queued(struct hostos *os, const void *dpc, sim_time_t irq_ps);
/* @dpc started at @start_ps and ran for @ran_ps. */
void hostos_latency_dpc_ran(struct hostos *os, const void *dpc, sim_time_t start_ps,
			    sim_time_t ran_ps);
/* hostos_destroy(). */
void hostos_latency_destroy(struct hostos *os);

#endif /* PCISIM_HOSTOS_LATENCY_INTERNAL_H */
