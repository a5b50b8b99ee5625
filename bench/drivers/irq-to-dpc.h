/*
 * bench/drivers/irq-to-dpc.h - the driver side of the
 * hostos_interrupt_to_dpc workload (plain C types: the benchmark is not a
 * Windows translation unit).
 */
#ifndef PCISIM_BENCH_IRQ_TO_DPC_H
#define PCISIM_BENCH_IRQ_TO_DPC_H

#include <stdint.h>

/* The start routine (NTSTATUS (PDEVICE_OBJECT, PCM_RESOURCE_LIST,
 * PCM_RESOURCE_LIST)), converted as hostos_start_routine: connects the
 * device's messages with IoConnectInterruptEx. */
extern void (*const bench_irq_start)(void);

/* Events the DPC signalled so far, and how many to go for. */
extern uint64_t bench_irq_signalled, bench_irq_target;

/* Benchmark side: the device's next interrupt (an MSI), asked for by the
 * DPC as a driver would write a doorbell to start the next request. */
void bench_irq_next(void);

#endif /* PCISIM_BENCH_IRQ_TO_DPC_H */
