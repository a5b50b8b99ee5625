/*
 * hostos/fault.h - fault injection: make the host OS refuse allocations a
 * driver asks for, so its error paths run. Three ways: fail the Nth
 * allocation of a kind, fail the first allocation made from one call site
 * (the code address that called the allocating routine, as Pool Tracking
 * records it), and hostos_for_fault_sites(), which runs a test body once
 * cleanly to discover every site, then once more per site with that site
 * failing, until each error path has been taken. A refused allocation is
 * what the routine documents for running out of resources (ExAllocatePool*
 * returns NULL, a lookaside list miss returns NULL, ...).
 *
 * Kinds: pool (ExAllocatePool2, ExAllocatePoolWithTag, and the lookaside
 * lists' allocations, which are pool), common buffers
 * (AllocateCommonBuffer(Ex)) and map registers (the scatter/gather list
 * routines and AllocateAdapterChannel).
 * "Grant fewer map registers" is a setting the adapter code reads
 * (hostos_fault_set_map_registers()).
 *
 * Include as "hostos/fault.h". Not thread-safe, like the rest of hostos/.
 */
#ifndef PCISIM_HOSTOS_FAULT_H
#define PCISIM_HOSTOS_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostos/os.h"

/** What kind of allocation a fault hits. */
enum hostos_fault_kind {
	/** Pool: ExAllocatePool2, ExAllocatePoolWithTag, lookaside misses. */
	HOSTOS_FAULT_POOL = 0,
	/** AllocateCommonBuffer(Ex) of a DMA adapter. */
	HOSTOS_FAULT_COMMON_BUFFER = 1,
	/** Map registers: AllocateAdapterChannel, GetScatterGatherList(Ex),
	 * BuildScatterGatherList. */
	HOSTOS_FAULT_MAP_REGISTERS = 2,
};
/** Number of kinds. */
#define HOSTOS_FAULT_KINDS 3u
/** A mask of every kind, for hostos_for_fault_sites(). */
#define HOSTOS_FAULT_ALL ((1u << HOSTOS_FAULT_KINDS) - 1u)

/** hostos_fault_kind_name() - "pool", "common-buffer", "map-registers". */
const char *hostos_fault_kind_name(enum hostos_fault_kind kind);

/**
 * hostos_fault_fail_nth() - refuse the @nth allocation of @kind counted
 * from this call (1: the next one). Once; a later call replaces it.
 * @nth: 0 cancels.
 * Return: 0; SIM_ERR_INVALID (NULL @os, bad @kind); SIM_ERR_NOMEM.
 */
int hostos_fault_fail_nth(struct hostos *os, enum hostos_fault_kind kind, uint64_t nth);

/**
 * hostos_fault_fail_site() - refuse the next allocation of @kind made from
 * the code address @site (struct hostos_pool_block's @site, or
 * struct hostos_fault_site's), once. A later call replaces it; NULL
 * cancels.
 * Return: 0; SIM_ERR_INVALID (NULL @os, bad @kind); SIM_ERR_NOMEM.
 */
int hostos_fault_fail_site(struct hostos *os, enum hostos_fault_kind kind, const void *site);

/** struct hostos_fault_site - one allocating call site seen so far. */
struct hostos_fault_site {
	enum hostos_fault_kind kind;
	const void *site;        /**< the code address that called the allocator */
	uint64_t calls;          /**< allocations it asked for (refused ones included) */
};

/** struct hostos_fault_stats - counted since the first hostos_fault_* call. */
struct hostos_fault_stats {
	uint64_t attempts[HOSTOS_FAULT_KINDS]; /**< allocations asked for */
	uint64_t injected[HOSTOS_FAULT_KINDS]; /**< of those, refused by injection */
};

/**
 * hostos_fault_record() - start recording allocation sites (and counting):
 * after this, hostos_fault_sites() lists each distinct (kind, site) in the
 * order first seen. hostos_fault_fail_*() start counting too.
 * Return: 0; SIM_ERR_INVALID (NULL @os); SIM_ERR_NOMEM.
 */
int hostos_fault_record(struct hostos *os);

/** hostos_fault_sites() - up to @max sites into @out, first seen first.
 * Return: how many are recorded (may exceed @max). */
size_t hostos_fault_sites(const struct hostos *os, struct hostos_fault_site *out, size_t max);

/** hostos_fault_stats() - the counters (zero before any hostos_fault_*). */
void hostos_fault_stats(const struct hostos *os, struct hostos_fault_stats *out);

/**
 * hostos_fault_set_map_registers() - grant at most @max map registers per
 * adapter (0: no limit, the default): IoGetDmaAdapter's
 * *NumberOfMapRegisters is cut to this, as when the system is short of
 * them. Read by the DMA adapter code through
 * hostos_fault_map_registers() (hostos/fault-internal.h).
 * Return: 0; SIM_ERR_INVALID (NULL @os); SIM_ERR_NOMEM.
 */
int hostos_fault_set_map_registers(struct hostos *os, uint32_t max);

/* ---- one run per site ---- */

/** A plan for one run of hostos_for_fault_sites(): which site fails in it
 * (none in the first, discovering run). Owned by the helper. */
struct hostos_fault_plan;

/**
 * hostos_fault_use_plan() - run @os under @plan: record its sites into the
 * plan and refuse the plan's site once. Call from the body of
 * hostos_for_fault_sites() after hostos_create() and before the run.
 * Return: 0; SIM_ERR_INVALID (NULL argument); SIM_ERR_NOMEM.
 */
int hostos_fault_use_plan(struct hostos *os, struct hostos_fault_plan *plan);

/** hostos_fault_plan_site() - the site @plan fails (NULL in the first run),
 * for the body's messages; @kind optional. */
const void *hostos_fault_plan_site(const struct hostos_fault_plan *plan,
				   enum hostos_fault_kind *kind);

/** hostos_fault_plan_injected() - the plan's site was reached and refused
 * in this run (a site reached only on some paths may not be). */
bool hostos_fault_plan_injected(const struct hostos_fault_plan *plan);

/** typedef hostos_fault_body - one run: build a machine, call
 * hostos_fault_use_plan(os, @plan), run the scenario, check it (a driver
 * that handles the failure must neither crash nor bug check, and must
 * still clean up), destroy the machine; return 0 when it passed. */
typedef int (*hostos_fault_body)(struct hostos_fault_plan *plan, void *arg);

/** struct hostos_fault_sweep_result - what hostos_for_fault_sites() did. */
struct hostos_fault_sweep_result {
	unsigned runs;              /**< runs made, the discovering one included */
	unsigned sites;             /**< distinct sites found (all runs) */
	unsigned injected;          /**< runs in which the planned site was refused */
	int failed_run;             /**< index of the failing run (0 discovering), -1: none */
	struct hostos_fault_site failed; /**< the site that run failed (kind, address) */
};

/**
 * hostos_for_fault_sites() - run @body once with no fault, recording every
 * allocation site of the kinds in @kinds (a mask of 1 << kind), then once
 * per site with that site's first allocation refused; sites first seen in
 * those runs (error paths that allocate) get their own runs too, up to
 * @max_runs in all (0: 1000). Stops at the first failing run, printed to
 * stderr with its index; PCISIM_FAULT_RUN=n in the environment runs only
 * the discovering run and run n (the replay).
 * @result: optional.
 * Return: 0 when every run passed, else what the failing run returned;
 * SIM_ERR_NOMEM when the host is out of memory.
 */
int hostos_for_fault_sites(unsigned kinds, unsigned max_runs, hostos_fault_body body, void *arg,
			   struct hostos_fault_sweep_result *result);

#endif /* PCISIM_HOSTOS_FAULT_H */
