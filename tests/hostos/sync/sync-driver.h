/*
 * tests/hostos/sync/sync-driver.h - the test driver of timers, events,
 * waits, mutexes, time, work items and system threads: scenarios that run
 * as host OS threads (sync-driver.c, built as Windows code) and what they
 * observed. Plain C types only: the harness is not a Windows translation
 * unit.
 */
#ifndef PCISIM_TESTS_HOSTOS_SYNC_DRIVER_H
#define PCISIM_TESTS_HOSTOS_SYNC_DRIVER_H

#include <stdint.h>

/* What a scenario saw; zeroed by the harness before each run. */
struct sync_obs {
	long status[16];        /* NTSTATUS values, at numbered points */
	long value[16];         /* other numbers: states, counts, IRQLs */
	int64_t time[8];        /* times (100 ns units) at numbered points */
	int order[8];           /* which waiter woke n-th */
	int woken;              /* waiters woken so far */
	int dpc_runs;
	int dpc_irql, dpc_cpu;
	int work_runs, work_irql;
	uintptr_t addr[4];      /* objects, for bug check parameters */
	int done;               /* the scenario reached its end */
};

extern struct sync_obs sync_obs;

/* Positive scenarios. */
void sync_event_notification(void *arg);
void sync_event_synchronization(void *arg);
void sync_set_event_wait(void *arg);
void sync_wait_any_all(void *arg);
void sync_timeouts(void *arg);
void sync_timer_oneshot(void *arg);
void sync_timer_periodic_cancel(void *arg);
void sync_timer_sync_type(void *arg);
void sync_timer_target_cpu(void *arg);
void sync_low_dpc_tick(void *arg);
void sync_mutex(void *arg);
void sync_fast_mutex(void *arg);
void sync_semaphore(void *arg);
void sync_time(void *arg);
void sync_work_items(void *arg);
void sync_work_from_dpc(void *arg);
void sync_system_thread(void *arg);

/* Misuse: each ends in the bug check its test expects. */
void sync_bad_wait_high(void *arg);
void sync_bad_wait_dispatch_forever(void *arg);
void sync_bad_wait_dispatch_timeout(void *arg);
void sync_bad_wait_in_dpc(void *arg);
void sync_bad_wait_count(void *arg);
void sync_bad_wait_too_many(void *arg);
void sync_bad_set_event_high(void *arg);
void sync_bad_set_event_wait_dispatch(void *arg);
void sync_deadlock_event(void *arg);
void sync_deadlock_abba(void *arg);
void sync_bad_mutex_order(void *arg);
void sync_bad_mutex_release_unowned(void *arg);
void sync_bad_mutex_release_other(void *arg);
void sync_bad_fast_mutex_recursive(void *arg);
void sync_bad_mutex_spin_order(void *arg);
void sync_bad_semaphore_limit(void *arg);
void sync_bad_work_queued_twice(void *arg);
void sync_bad_work_free_queued(void *arg);
void sync_bad_work_uninit_queued(void *arg);
void sync_bad_work_null_object(void *arg);
void sync_bad_work_null_routine(void *arg);
void sync_bad_work_reinit_queued(void *arg);
void sync_bad_work_irql(void *arg);
void sync_bad_work_mutex(void *arg);
void sync_bad_thread_exit_mutex(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_SYNC_DRIVER_H */
