/*
 * tests/hostos/drivers/core-driver.h - the test driver of the host OS
 * core's tests: scenarios that run as host OS threads, each a body of
 * plain driver code (core-driver.c, built as Windows code), and what they
 * observed. Plain C types only: the harness is not a Windows translation
 * unit.
 */
#ifndef PCISIM_TESTS_HOSTOS_CORE_DRIVER_H
#define PCISIM_TESTS_HOSTOS_CORE_DRIVER_H

#include <stdint.h>

/* What a scenario saw; zeroed by the harness before each run. */
struct core_obs {
	int irql[8];            /* IRQLs read at numbered points */
	int ok[8];              /* checks the driver code made itself */
	int dpc_runs;           /* DPC routine calls */
	int dpc_order[8];       /* which DPC (by its context) ran n-th */
	int dpc_cpu;            /* processor the last DPC ran on */
	uintptr_t arg1, arg2;   /* SystemArgument1/2 the last DPC got */
	int cpus;
	uint64_t affinity;
	uintptr_t lock_a, lock_b, lock_c; /* addresses, for bug check params */
	uintptr_t dpc_addr;
	int shared;             /* the racy scenario's variable */
	int saw_stale;          /* the racy reader saw the old value */
};

extern struct core_obs core_obs;

/* Positive scenarios. */
void core_irql_basic(void *arg);
void core_spin_basic(void *arg);
void core_queued_basic(void *arg);
void core_dpc_basic(void *arg);
void core_dpc_importance(void *arg);
void core_dpc_low_and_flush(void *arg);
void core_dpc_requeue(void *arg);
void core_dpc_remove(void *arg);
void core_dpc_target(void *arg);
void core_processor(void *arg);
void core_stall(void *arg);
void core_dpc_long(void *arg);
void core_race_writer(void *arg);
void core_race_reader(void *arg);
void core_spin_contend_a(void *arg);
void core_spin_contend_b(void *arg);
void core_debug_print(void *arg);
void core_endless(void *arg);

/* Misuse scenarios: each ends in a bug check. */
void core_bad_raise(void *arg);
void core_bad_lower(void *arg);
void core_lower_in_dpc(void *arg);
void core_strict_lower(void *arg);
void core_recursive_acquire(void *arg);
void core_release_not_held(void *arg);
void core_double_release(void *arg);
void core_atdpc_at_passive(void *arg);
void core_fromdpc_at_passive(void *arg);
void core_acquire_above_dispatch(void *arg);
void core_wrong_release_routine(void *arg);
void core_wrong_old_irql(void *arg);
void core_mixed_queued(void *arg);
void core_uninitialized(void *arg);
void core_held_at_dpc_return(void *arg);
void core_dpc_returns_raised(void *arg);
void core_thread_returns_raised(void *arg);
void core_deadlock_two(void *arg);
void core_deadlock_three(void *arg);
void core_out_of_order(void *arg);
void core_bugcheck_thread(void *arg);
void core_bugcheck_dpc(void *arg);
void core_bugcheck_nested(void *arg);
void core_assert_fails(void *arg);
void core_bad_target(void *arg);
void core_flush_at_dispatch(void *arg);
void core_dispatch_too_long(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_CORE_DRIVER_H */
