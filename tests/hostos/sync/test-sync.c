/*
 * tests/hostos/sync/test-sync.c - cmocka tests of timers, events, waits,
 * mutexes, time, work items and system threads (hostos-semantics.md §5,
 * §1.5, §2.4), each running a scenario of the test driver
 * (sync-driver.c) as a host OS thread. Times are in 100 ns units; the
 * default clock tick is 156250 (15.625 ms).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostos/os.h"
#include "hostos/seeds.h"
#include "hostos/test-cmocka.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sync-driver.h"

#define STATUS_TIMEOUT 0x102
#define TICK 156250
#define BOOT_SYSTEM_TIME 133485408000000000LL

static struct sim_kernel kern;
static struct hostos *os;
static bool booted; /* kern is initialised */

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static struct hostos_config config(unsigned cpus, uint32_t verifier)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.cpus = cpus;
	c.verifier = verifier;
	return c;
}

/* Run @fn on CPU 0 of a fresh machine; the machine stays for the checks. */
static void run_cfg(void (*fn)(void *), const struct hostos_config *cfg)
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	booted = true;
	assert_int_equal(hostos_create(&os, &kern, cfg), SIM_OK);
	memset(&sync_obs, 0, sizeof(sync_obs));
	assert_int_equal(hostos_thread_start(os, "scenario", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void run(void (*fn)(void *))
{
	run_cfg(fn, NULL);
}

static int teardown(void **state)
{
	(void)state;
	hostos_destroy(os);
	os = NULL;
	if (booted)
		sim_kernel_destroy(&kern);
	booted = false;
	return 0;
}

static void finished(void)
{
	hostos_assert_no_bugcheck(os);
	assert_int_equal(sync_obs.done, 1);
}

/* ---- events ---- */

static void test_event_notification(void **state)
{
	(void)state;
	run(sync_event_notification);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.value[1], 0); /* KeSetEvent: previous state */
	assert_int_equal(sync_obs.value[2], 3); /* every waiter */
	assert_int_equal(sync_obs.value[3], 1); /* stays signalled */
	assert_int_equal(sync_obs.value[4], 1);
	assert_int_equal(sync_obs.value[5], 0);
}

static void test_event_synchronization(void **state)
{
	(void)state;
	run(sync_event_synchronization);
	finished();
	/* One waiter per set, in the order they began to wait. */
	assert_int_equal(sync_obs.value[0], 1);
	assert_int_equal(sync_obs.value[1], 2);
	assert_int_equal(sync_obs.value[2], 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sync_obs.order[i], i);
		assert_int_equal(sync_obs.value[4 + i], 0); /* reset by the wait */
	}
	assert_int_equal(sync_obs.value[8], 1);
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.value[9], 0);
	assert_int_equal(sync_obs.status[1], STATUS_TIMEOUT);
}

static void test_set_event_wait(void **state)
{
	(void)state;
	run(sync_set_event_wait);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.value[1], 2); /* returns at DISPATCH_LEVEL */
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.value[2], 0); /* the wait lowered it */
}

static void test_wait_any_all(void **state)
{
	(void)state;
	run(sync_wait_any_all);
	finished();
	assert_int_equal(sync_obs.status[0], 1); /* STATUS_WAIT_1 */
	assert_int_equal(sync_obs.value[0], 0);  /* auto-reset */
	assert_int_equal(sync_obs.status[1], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.status[2], 0);
	assert_int_equal(sync_obs.time[0], 20000); /* 2 ms until the other thread set it */
	assert_int_equal(sync_obs.value[1], 1);
	assert_int_equal(sync_obs.value[2], 0);
	assert_int_equal(sync_obs.status[3], 0);
	assert_true(sync_obs.addr[0] != 0);
	assert_int_equal(sync_obs.status[4], 2); /* ev_a cleared, ev_b consumed: ev_c */
}

static void test_timeouts(void **state)
{
	(void)state;
	run(sync_timeouts);
	finished();
	assert_int_equal(sync_obs.status[0], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.time[0], 100000); /* exact: 10 ms */
	assert_int_equal(sync_obs.status[1], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.time[1], 0);
	assert_int_equal(sync_obs.status[2], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.time[2], 50000); /* absolute: 5 ms on */
	assert_int_equal(sync_obs.time[3], 10000);
}

/* ---- timers ---- */

static void test_timer_oneshot(void **state)
{
	(void)state;
	run(sync_timer_oneshot);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.value[1], 1);
	assert_int_equal(sync_obs.value[2], 0);
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.time[0], 2 * TICK); /* 20 ms: the second tick */
	assert_int_equal(sync_obs.value[3], 1);
	assert_int_equal(sync_obs.value[4], 0);
	assert_int_equal(sync_obs.value[5], 1);
	assert_int_equal(sync_obs.dpc_irql, 2);
	assert_int_equal(sync_obs.dpc_cpu, 0);
	assert_int_equal(sync_obs.value[6], 1);
	assert_int_equal(sync_obs.value[7], 1); /* the cancelled one never ran */
}

static void test_timer_periodic_cancel(void **state)
{
	(void)state;
	run(sync_timer_periodic_cancel);
	finished();
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.value[0], 1); /* KeCancelTimer: TRUE */
	assert_int_equal(sync_obs.value[1], 3); /* nothing after the cancel */
	assert_int_equal(sync_obs.dpc_irql, 2);
	/* Due 10 ms, then 10 ms after each expiry, each on a tick. */
	assert_int_equal(sync_obs.time[0], TICK);
	assert_int_equal(sync_obs.time[1], 2 * TICK);
	assert_int_equal(sync_obs.time[2], 3 * TICK);
}

static void test_timer_sync_type(void **state)
{
	(void)state;
	run(sync_timer_sync_type);
	finished();
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.status[1], 0);
	assert_int_equal(sync_obs.value[1], 1);
	assert_int_equal(sync_obs.status[2], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.status[3], 0);
}

static void test_timer_target_cpu(void **state)
{
	struct hostos_config c = config(2, HOSTOS_VERIFY_STANDARD);

	(void)state;
	run_cfg(sync_timer_target_cpu, &c);
	finished();
	assert_int_equal(sync_obs.dpc_runs, 1);
	assert_int_equal(sync_obs.dpc_cpu, 1);
}

static void test_low_dpc_tick(void **state)
{
	(void)state;
	run(sync_low_dpc_tick);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.value[1], 1);
	assert_int_equal(sync_obs.time[0], TICK);
	assert_int_equal(sync_obs.dpc_runs, 2);
	assert_int_equal(sync_obs.time[1], 2 * TICK);
	assert_int_equal(sim_now(&kern), SIM_NS(100) * 2 * TICK);
}

/* ---- mutexes, semaphores ---- */

static void test_mutex(void **state)
{
	(void)state;
	run(sync_mutex);
	finished();
	assert_int_equal(sync_obs.value[0], 1);
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.status[1], 0);
	assert_int_equal(sync_obs.value[1], -1);
	assert_int_equal(sync_obs.value[2], 0);
	assert_int_equal(sync_obs.value[3], -1);
	assert_int_equal(sync_obs.value[4], 0);
	assert_int_equal(sync_obs.value[5], 0);
	assert_int_equal(sync_obs.value[6], 1);
	assert_int_equal(sync_obs.status[8], 0);
	assert_int_equal(sync_obs.value[8], 0);
	assert_int_equal(sync_obs.value[7], 1);
}

static void test_fast_mutex(void **state)
{
	(void)state;
	run(sync_fast_mutex);
	finished();
	assert_int_equal(sync_obs.value[0], 1); /* APC_LEVEL while held */
	assert_int_equal(sync_obs.value[8], 0); /* the try failed */
	assert_int_equal(sync_obs.value[1], 0);
	assert_int_equal(sync_obs.value[2], 0);
	assert_int_equal(sync_obs.value[3], 1);
	assert_int_equal(sync_obs.value[9], 1);
	assert_int_equal(sync_obs.value[4], 1);
}

/* Two threads blocking at APC_LEVEL on one CPU: each keeps its own IRQL
 * and raise record, so the strict lower check holds for both. */
static void test_fast_mutex_strict(void **state)
{
	struct hostos_config c = config(1, HOSTOS_VERIFY_STANDARD);

	(void)state;
	c.strict = true;
	run_cfg(sync_fast_mutex, &c);
	finished();
	assert_int_equal(sync_obs.value[3], 1);
}

static void test_semaphore(void **state)
{
	(void)state;
	run(sync_semaphore);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.value[1], 1);
	assert_int_equal(sync_obs.value[2], 2);
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.status[1], 0);
	assert_int_equal(sync_obs.status[2], STATUS_TIMEOUT);
	assert_int_equal(sync_obs.value[3], 0);
}

/* ---- time ---- */

static void test_time_default(void **state)
{
	(void)state;
	run(sync_time);
	finished();
	assert_int_equal(sync_obs.value[0], TICK);
	assert_int_equal(sync_obs.time[0], 6);            /* 100 ms / 15.625 ms */
	assert_int_equal(sync_obs.time[1], 6 * TICK);     /* as of the last tick */
	assert_int_equal(sync_obs.time[2], BOOT_SYSTEM_TIME + 6 * TICK);
	assert_int_equal(sync_obs.time[3], BOOT_SYSTEM_TIME + 1000000);
	assert_int_equal(sync_obs.time[4], 1000000);
	assert_int_equal(sync_obs.time[5], 10000000);
}

static void test_time_increment_config(void **state)
{
	struct hostos_config c = config(1, HOSTOS_VERIFY_STANDARD);

	(void)state;
	c.time_increment = 100000;
	run_cfg(sync_time, &c);
	finished();
	assert_int_equal(sync_obs.value[0], 100000);
	assert_int_equal(sync_obs.time[0], 10);
	assert_int_equal(sync_obs.time[1], 1000000);
}

static void test_config_rejects_zero_increment(void **state)
{
	struct hostos_config c = config(1, HOSTOS_VERIFY_STANDARD);
	struct sim_kernel_config kc;

	(void)state;
	c.time_increment = 0;
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	booted = true;
	assert_int_equal(hostos_create(&os, &kern, &c), SIM_ERR_INVALID);
}

/* ---- work items, system threads ---- */

static void test_work_items(void **state)
{
	(void)state;
	run(sync_work_items);
	finished();
	assert_int_equal(sync_obs.value[0], 0);
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.value[1], 2); /* it queued itself once */
	assert_int_equal(sync_obs.work_irql, 0);
	assert_int_equal(sync_obs.value[10], 1);
	assert_int_equal(sync_obs.value[2], 1);
	assert_int_equal(sync_obs.status[1], 0);
	assert_int_equal(sync_obs.work_runs, 2);
	assert_int_equal(sync_obs.status[2], 0);
	assert_int_equal(sync_obs.value[11], 1);
}

static void test_work_items_two_cpus(void **state)
{
	struct hostos_config c = config(2, HOSTOS_VERIFY_STANDARD);

	(void)state;
	run_cfg(sync_work_items, &c);
	finished();
	assert_int_equal(sync_obs.value[1], 2);
}

static void test_work_from_dpc(void **state)
{
	struct hostos_config c = config(2, HOSTOS_VERIFY_STANDARD);

	(void)state;
	run(sync_work_from_dpc);
	finished();
	assert_int_equal(sync_obs.dpc_irql, 2);
	assert_int_equal(sync_obs.work_runs, 1);
	assert_int_equal(sync_obs.work_irql, 0);
	assert_int_equal(sync_obs.time[0], TICK);
	assert_int_equal(sync_obs.time[1], TICK);
	teardown(NULL);
	run_cfg(sync_work_from_dpc, &c);
	finished();
	assert_int_equal(sync_obs.work_runs, 1);
}

static void test_system_thread(void **state)
{
	(void)state;
	run(sync_system_thread);
	finished();
	assert_int_equal(sync_obs.status[0], 0);
	assert_int_equal(sync_obs.status[1], 0);
	assert_int_equal(sync_obs.status[2], 0);
	assert_int_equal(sync_obs.status[3], (long)(int32_t)0xC0000008); /* STATUS_INVALID_HANDLE */
	assert_int_equal(sync_obs.status[4], 0);
	assert_int_equal(sync_obs.time[0], 30000);
	assert_int_equal(sync_obs.status[5], 0);
	assert_int_equal(sync_obs.status[6], (long)(int32_t)0xC0000008);
	assert_int_equal(sync_obs.status[7], (long)(int32_t)0xC000000D);
	assert_int_equal(sync_obs.value[0], 1);
	assert_int_equal(sync_obs.value[1], 0); /* PsTerminateSystemThread did not return */
}

/* Timer DPCs and work items are spans of the CPU's track. */
static void test_trace(void **state)
{
	char path[] = "/tmp/pcisim-hostos-sync-trace-XXXXXX";
	struct sim_kernel_config kc;
	struct sim_ctrace tr;
	char buf[16384];
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	booted = true;
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	memset(&sync_obs, 0, sizeof(sync_obs));
	assert_int_equal(sim_ctrace_open(&tr, path), SIM_OK);
	assert_int_equal(hostos_set_ctrace(os, &tr), SIM_OK);
	assert_int_equal(hostos_thread_start(os, "scenario", sync_work_from_dpc, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	finished();
	assert_int_equal(sim_ctrace_close(&tr), SIM_OK);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "\"timer DPC\""));
	assert_non_null(strstr(buf, "\"work item\""));
}

/* ---- perturbed schedules ---- */

static void (*const seeded[])(void *) = {
	sync_event_notification, sync_event_synchronization, sync_wait_any_all,
	sync_timer_periodic_cancel, sync_mutex, sync_fast_mutex, sync_semaphore,
	sync_work_items, sync_work_from_dpc, sync_system_thread,
};

/* Every scenario above, on two CPUs, completes without a bug check
 * whichever order ready threads take their CPUs in. */
static int seeded_once(uint64_t seed, void *arg)
{
	struct hostos_config c = config(2, HOSTOS_VERIFY_STANDARD);
	int bad = 0;

	(void)arg;
	c.seed = seed;
	for (size_t i = 0; i < sizeof(seeded) / sizeof(seeded[0]) && !bad; i++) {
		run_cfg(seeded[i], &c);
		if (hostos_bugchecked(os) || !sync_obs.done) {
			fprintf(stderr, "scenario %zu: %s\n", i,
				hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report
						      : "did not finish");
			bad = 1;
		}
		teardown(NULL);
	}
	return bad;
}

static void test_seeds(void **state)
{
	uint64_t failed;

	(void)state;
	assert_int_equal(hostos_for_seeds(1, 24, seeded_once, NULL, &failed), 0);
}

/* ---- misuse ---- */

static void test_bad_wait_high(void **state)
{
	(void)state;
	run(sync_bad_wait_high);
	hostos_assert_bugcheck(os, 0xC4, 0x120, 15, sync_obs.addr[0], sync_obs.addr[1]);
}

static void test_bad_wait_dispatch_forever(void **state)
{
	(void)state;
	run(sync_bad_wait_dispatch_forever);
	hostos_assert_bugcheck(os, 0xC4, 0x121, 2, sync_obs.addr[0], 0);
}

static void test_bad_wait_dispatch_timeout(void **state)
{
	(void)state;
	run(sync_bad_wait_dispatch_timeout);
	assert_int_equal(sync_obs.status[0], STATUS_TIMEOUT);
	hostos_assert_bugcheck(os, 0xC4, 0x122, 2, sync_obs.addr[0], sync_obs.addr[1]);
}

static void test_bad_wait_in_dpc(void **state)
{
	struct hostos_config c = config(1, 0);

	(void)state;
	run_cfg(sync_bad_wait_in_dpc, &c);
	assert_int_equal(sync_obs.status[0], STATUS_TIMEOUT);
	hostos_assert_bugcheck(os, 0xB8, HOSTOS_ANY, 0, HOSTOS_ANY, 0);
	assert_string_equal(hostos_last_bugcheck(os)->context, "dpc");
}

static void test_bad_wait_in_dpc_verifier(void **state)
{
	(void)state;
	run(sync_bad_wait_in_dpc);
	hostos_assert_bugcheck(os, 0xC4, 0x121, 2, HOSTOS_ANY, 0);
}

static void test_bad_wait_count(void **state)
{
	(void)state;
	run(sync_bad_wait_count);
	hostos_assert_bugcheck(os, 0xC, 4, 0, 0, 0);
}

static void test_bad_wait_too_many(void **state)
{
	(void)state;
	run(sync_bad_wait_too_many);
	hostos_assert_bugcheck(os, 0xC, 65, sync_obs.addr[0], 0, 0);
}

static void test_bad_set_event_high(void **state)
{
	(void)state;
	run(sync_bad_set_event_high);
	hostos_assert_bugcheck(os, 0xC4, 0x80, 15, sync_obs.addr[0], 0);
}

static void test_bad_set_event_wait_dispatch(void **state)
{
	(void)state;
	run(sync_bad_set_event_wait_dispatch);
	assert_int_equal(sync_obs.value[0], 0);
	hostos_assert_bugcheck(os, 0xC4, 0x00020016, 2, sync_obs.addr[0], 0);
}

static void test_deadlock_event(void **state)
{
	(void)state;
	run(sync_deadlock_event);
	hostos_assert_bugcheck(os, HOSTOS_WAIT_DEADLOCK, sync_obs.addr[0], 1, 1, 0);
	assert_int_equal(sync_obs.done, 0);
	assert_string_equal(hostos_last_bugcheck(os)->name, "WAIT_DEADLOCK");
}

static void test_deadlock_abba(void **state)
{
	struct hostos_config c = config(1, 0);

	(void)state;
	run_cfg(sync_deadlock_abba, &c);
	/* Three threads wait forever: the scenario (on thread 1) and the
	 * two that each hold the mutex the other wants. */
	hostos_assert_bugcheck(os, HOSTOS_WAIT_DEADLOCK, sync_obs.addr[0], 1, 3, 0);
}

static void test_deadlock_abba_verifier(void **state)
{
	(void)state;
	run(sync_deadlock_abba);
	/* Deadlock Detection sees the cycle when the second thread waits. */
	hostos_assert_bugcheck(os, 0xC4, 0x1001, HOSTOS_ANY, 0, 0);
}

static void test_bad_mutex_order(void **state)
{
	(void)state;
	run(sync_bad_mutex_order);
	hostos_assert_bugcheck(os, 0xC4, 0x1001, sync_obs.addr[0], 0, 0);
}

static void test_bad_mutex_release_unowned(void **state)
{
	(void)state;
	run(sync_bad_mutex_release_unowned);
	hostos_assert_bugcheck(os, 0xC4, 0x1007, sync_obs.addr[0], 0, 0);
}

static void test_bad_mutex_release_unowned_noverifier(void **state)
{
	struct hostos_config c = config(1, 0);

	(void)state;
	run_cfg(sync_bad_mutex_release_unowned, &c);
	hostos_assert_bugcheck(os, 0x1E, 0xC0000046, sync_obs.addr[0], 0, 0);
}

static void test_bad_mutex_release_other(void **state)
{
	(void)state;
	run(sync_bad_mutex_release_other);
	hostos_assert_bugcheck(os, 0xC4, 0x1004, sync_obs.addr[0], HOSTOS_ANY, HOSTOS_ANY);
}

static void test_bad_fast_mutex_recursive(void **state)
{
	(void)state;
	run(sync_bad_fast_mutex_recursive);
	hostos_assert_bugcheck(os, 0xC4, 0x1000, sync_obs.addr[0], 0, 0);
}

static void test_fast_mutex_recursive_noverifier(void **state)
{
	struct hostos_config c = config(1, 0);

	(void)state;
	run_cfg(sync_bad_fast_mutex_recursive, &c);
	/* It waits for itself: the deadlock probe reports it. */
	hostos_assert_bugcheck(os, HOSTOS_WAIT_DEADLOCK, HOSTOS_ANY, 1, 1, 0);
}

static void test_bad_mixed_order(void **state)
{
	(void)state;
	run(sync_bad_mutex_spin_order);
	hostos_assert_bugcheck(os, 0xC4, 0x1001, sync_obs.addr[0], 0, 0);
}

static void test_bad_semaphore_limit(void **state)
{
	(void)state;
	run(sync_bad_semaphore_limit);
	hostos_assert_bugcheck(os, 0x1E, 0xC0000047, sync_obs.addr[0], 2, 1);
}

static void test_bad_work_queued_twice(void **state)
{
	(void)state;
	run(sync_bad_work_queued_twice);
	hostos_assert_bugcheck(os, 0xE4, 1, sync_obs.addr[0], 1, 0);
}

static void test_bad_work_free_queued(void **state)
{
	(void)state;
	run(sync_bad_work_free_queued);
	hostos_assert_bugcheck(os, 0xE4, 2, sync_obs.addr[0], sync_obs.addr[1], 0);
}

static void test_bad_work_uninit_queued(void **state)
{
	(void)state;
	run(sync_bad_work_uninit_queued);
	hostos_assert_bugcheck(os, 0xE4, 0, sync_obs.addr[0], sync_obs.addr[0],
			       sync_obs.addr[0] + sync_obs.addr[1]);
}

static void test_bad_work_null_object(void **state)
{
	(void)state;
	run(sync_bad_work_null_object);
	hostos_assert_bugcheck(os, 0xE4, 3, 0, 0, 0);
}

static void test_bad_work_null_routine(void **state)
{
	(void)state;
	run(sync_bad_work_null_routine);
	hostos_assert_bugcheck(os, 0xE4, 7, sync_obs.addr[0], 0, 0);
}

static void test_bad_work_reinit_queued(void **state)
{
	(void)state;
	run(sync_bad_work_reinit_queued);
	hostos_assert_bugcheck(os, 0x96, sync_obs.addr[0], 1, 0, sync_obs.addr[1]);
}

static void test_bad_work_irql(void **state)
{
	(void)state;
	run(sync_bad_work_irql);
	hostos_assert_bugcheck(os, 0xE1, sync_obs.addr[1], 2, HOSTOS_ANY, sync_obs.addr[0]);
	assert_string_equal(hostos_last_bugcheck(os)->context, "work-item");
}

static void test_bad_work_mutex(void **state)
{
	(void)state;
	run(sync_bad_work_mutex);
	hostos_assert_bugcheck(os, 0x1, sync_obs.addr[0], 0, 0xFFFF, 1);
}

static void test_bad_thread_exit_mutex(void **state)
{
	(void)state;
	run(sync_bad_thread_exit_mutex);
	hostos_assert_bugcheck(os, 0xC4, 0x100A, HOSTOS_ANY, 0, 0);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_event_notification),
		T(test_event_synchronization),
		T(test_set_event_wait),
		T(test_wait_any_all),
		T(test_timeouts),
		T(test_timer_oneshot),
		T(test_timer_periodic_cancel),
		T(test_timer_sync_type),
		T(test_timer_target_cpu),
		T(test_low_dpc_tick),
		T(test_mutex),
		T(test_fast_mutex),
		T(test_fast_mutex_strict),
		T(test_semaphore),
		T(test_time_default),
		T(test_time_increment_config),
		T(test_config_rejects_zero_increment),
		T(test_work_items),
		T(test_work_items_two_cpus),
		T(test_work_from_dpc),
		T(test_system_thread),
		T(test_seeds),
		T(test_trace),
		T(test_bad_wait_high),
		T(test_bad_wait_dispatch_forever),
		T(test_bad_wait_dispatch_timeout),
		T(test_bad_wait_in_dpc),
		T(test_bad_wait_in_dpc_verifier),
		T(test_bad_wait_count),
		T(test_bad_wait_too_many),
		T(test_bad_set_event_high),
		T(test_bad_set_event_wait_dispatch),
		T(test_deadlock_event),
		T(test_deadlock_abba),
		T(test_deadlock_abba_verifier),
		T(test_bad_mutex_order),
		T(test_bad_mutex_release_unowned),
		T(test_bad_mutex_release_unowned_noverifier),
		T(test_bad_mutex_release_other),
		T(test_bad_fast_mutex_recursive),
		T(test_fast_mutex_recursive_noverifier),
		T(test_bad_mixed_order),
		T(test_bad_semaphore_limit),
		T(test_bad_work_queued_twice),
		T(test_bad_work_free_queued),
		T(test_bad_work_uninit_queued),
		T(test_bad_work_null_object),
		T(test_bad_work_null_routine),
		T(test_bad_work_reinit_queued),
		T(test_bad_work_irql),
		T(test_bad_work_mutex),
		T(test_bad_thread_exit_mutex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
