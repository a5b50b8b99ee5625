/*
 * hostos/sweep.h - the unload sweep: after a driver's Unload (or whenever
 * the harness considers the driver gone), list everything it left behind
 * and stop the machine with the bug check the first leftover gives, as
 * Driver Verifier's unload checks do.
 *
 * What is looked for, in this order, and the bug check of each:
 *   timer still armed        0xC7 TIMER_OR_DPC_INVALID, P1 = 0, P2 = the
 *                            KTIMER, P3/P4 = the pool block holding it
 *                            (start, end) or 0, 0
 *   DPC still queued         0xC7, P1 = 1, P2 = the KDPC, P3/P4 as above
 *   work item still queued   0xCE DRIVER_UNLOADED_WITHOUT_CANCELLING_
 *                            PENDING_OPERATIONS, P1 = the work item (the
 *                            memory the worker will reference), P2 = 0
 *                            (read), P3 = its routine (the code that will
 *                            run), P4 = 0
 *   system thread still running (PsCreateSystemThread's, not ended)
 *                            0xCE, P1 = the thread object, P2 = 0, P3 =
 *                            its start routine, P4 = 0
 *   lookaside list not deleted  0xCE, P1 = the list, P2 = P3 = P4 = 0
 *   interrupt still connected   HOSTOS_UNLOAD_LEFTOVER (mock-only: Windows
 *                            names no code), P1 = 1, P2 = the interrupt
 *                            object, P3 = its ISR, P4 = its vector
 *   MmMapIoSpace mapping still mapped  HOSTOS_UNLOAD_LEFTOVER, P1 = 2,
 *                            P2 = the mapped address, P3 = the physical
 *                            address, P4 = the bytes
 *   pool still allocated     0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION,
 *                            P1 = 0x62, P2 = 0 (the driver's name: none
 *                            here), P3 = 0, P4 = the number of live
 *                            allocations (one entry per allocation in the
 *                            report; the bug check once) - with Pool
 *                            Tracking only, as documented.
 * Windows' Verifier gives 0xC7 for every undeleted item at unload, whose
 * documented parameters name only timers and DPCs; work items, threads
 * and lookaside lists take 0xCE's, the code Windows gives when the item is
 * reached later. The DMA kinds (hostos/dma-sweep.c): an adapter never
 * put, HOSTOS_UNLOAD_LEFTOVER with P1 = 3 (P2 the adapter, P3 its PDO);
 * what it still holds as PutDmaAdapter reports it (0xE6/0x07 per common
 * buffer with P2 the adapter and P3 its count, 0x08 channels, 0x09 map
 * registers, 0x0A scatter/gather lists); an MDL still allocated, locked or
 * mapped, HOSTOS_UNLOAD_LEFTOVER with P1 = 4 (P2 the MDL, P3 the code that
 * made it, P4 its pages).
 *
 * Include as "hostos/sweep.h".
 */
#ifndef PCISIM_HOSTOS_SWEEP_H
#define PCISIM_HOSTOS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "hostos/os.h"

/** The mock's stop code for a leftover Windows names no code for (an
 * interrupt still connected, a mapping still mapped): P1 says which. */
#define HOSTOS_UNLOAD_LEFTOVER 0xA55E0005u

/** What a driver left behind. */
enum hostos_leftover_kind {
	HOSTOS_LEFT_TIMER = 0,
	HOSTOS_LEFT_DPC = 1,
	HOSTOS_LEFT_WORK_ITEM = 2,
	HOSTOS_LEFT_LOOKASIDE = 3,
	HOSTOS_LEFT_INTERRUPT = 4,
	HOSTOS_LEFT_MAPPING = 5,
	HOSTOS_LEFT_POOL = 6,
	/* Reserved for the DMA modules. */
	HOSTOS_LEFT_ADAPTER = 7,
	HOSTOS_LEFT_COMMON_BUFFER = 8,
	HOSTOS_LEFT_MDL = 9,
	HOSTOS_LEFT_MAP_REGISTERS = 10,
	HOSTOS_LEFT_THREAD = 11,
};

/** hostos_leftover_name() - "timer", "dpc", "work-item", ... */
const char *hostos_leftover_name(enum hostos_leftover_kind kind);

/** struct hostos_leftover - one thing left behind. */
struct hostos_leftover {
	enum hostos_leftover_kind kind;
	uint64_t addr;            /**< the object (driver's address) */
	uint32_t code;            /**< the bug check it gives */
	uint64_t p[4];            /**< and its parameters */
	char what[128];           /**< one sentence */
};

/** Leftovers a report keeps in full (the count goes on). */
#define HOSTOS_SWEEP_MAX 64u

/** struct hostos_unload_report - what hostos_unload_sweep() found. */
struct hostos_unload_report {
	size_t count;                             /**< leftovers found */
	size_t kept;                              /**< of those, in @item */
	struct hostos_leftover item[HOSTOS_SWEEP_MAX];
};

/**
 * hostos_unload_sweep() - find what the driver left behind (see above),
 * into @report (optional), and, with any verifier bit set and a leftover
 * found, stop @os with the first leftover's bug check (the pool's only
 * with Pool Tracking), as a stop reported by hostos_last_bugcheck(). Call
 * from the harness after the run that unloaded the driver returned, or
 * from a host OS thread (the bug check then ends that thread). A machine
 * stopped already is swept but not stopped again.
 * Return: the number of leftovers; SIM_ERR_INVALID (< 0) for NULL @os.
 */
long hostos_unload_sweep(struct hostos *os, struct hostos_unload_report *report);

#endif /* PCISIM_HOSTOS_SWEEP_H */
