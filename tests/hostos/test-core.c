/*
 * tests/hostos/test-core.c - cmocka tests of the host OS core: IRQL, spin
 * locks, DPCs, processors, stalls, the watchdog, bug checks and schedule
 * exploration, each running a scenario of the test driver
 * (drivers/core-driver.c) as a host OS thread. Expected bug check codes
 * and parameters are those of hostos-semantics.md §1-§3 (Windows
 * documentation: Bug Check 0xC4 parameter table, 0xF, 0x10, 0x4A, 0xC7,
 * 0xC8, 0x133; the DDI rules named there).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "drivers/core-driver.h"
#include "hostos/os.h"
#include "hostos/seeds.h"
#include "hostos/test-cmocka.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"

static struct sim_kernel kern;
static struct hostos *os;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void boot(const struct hostos_config *cfg)
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, cfg), SIM_OK);
	memset(&core_obs, 0, sizeof(core_obs));
}

static void shutdown(void)
{
	hostos_destroy(os);
	os = NULL;
	sim_kernel_destroy(&kern);
}

/* Run @fn as a thread on CPU 0 of a fresh machine with @cfg (NULL:
 * defaults); the machine stays up for the checks, shutdown() after. */
static void run(void (*fn)(void *), void *arg, const struct hostos_config *cfg)
{
	boot(cfg);
	assert_int_equal(hostos_thread_start(os, "scenario", fn, arg, 0, NULL), SIM_OK);
	hostos_run(os);
}

static struct hostos_config cpus(unsigned n)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.cpus = n;
	return c;
}

/* ---- positive ---- */

static void test_irql_basic(void **state)
{
	(void)state;
	run(core_irql_basic, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.irql[0], 0);
	assert_int_equal(core_obs.irql[1], 2);
	assert_int_equal(core_obs.irql[2], 0);
	assert_int_equal(core_obs.irql[3], 2);
	assert_int_equal(core_obs.irql[4], 2);
	assert_int_equal(core_obs.irql[5], 12); /* SYNCH_LEVEL on x64 */
	assert_int_equal(core_obs.irql[6], 0);
	shutdown();
}

static void test_spin_basic(void **state)
{
	(void)state;
	run(core_spin_basic, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_true(core_obs.ok[0]);
	assert_int_equal(core_obs.irql[0], 2); /* KeAcquireSpinLock raises */
	assert_int_equal(core_obs.irql[1], 0); /* and returns the old IRQL */
	assert_true(core_obs.ok[1]);           /* KeTestSpinLock: busy */
	assert_int_equal(core_obs.irql[2], 0);
	assert_int_equal(core_obs.irql[3], 2);
	assert_true(core_obs.ok[2]);           /* try-acquire of a free lock */
	assert_int_equal(core_obs.irql[4], 0);
	assert_true(core_obs.ok[3]);
	shutdown();
}

static void test_queued_basic(void **state)
{
	(void)state;
	run(core_queued_basic, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.irql[0], 2);
	assert_int_equal(core_obs.irql[1], 0);
	assert_true(core_obs.ok[0]);
	assert_int_equal(core_obs.irql[2], 0);
	assert_int_equal(core_obs.irql[3], 2); /* AtDpcLevel saves DISPATCH */
	assert_true(core_obs.ok[1]);
	shutdown();
}

static void test_dpc_basic(void **state)
{
	(void)state;
	run(core_dpc_basic, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_true(core_obs.ok[0]);
	assert_int_equal(core_obs.irql[0], 1); /* ran inside the insert */
	assert_true(core_obs.ok[1]);
	assert_true(core_obs.ok[2]);           /* second insert: FALSE */
	assert_int_equal(core_obs.irql[1], 1); /* not at DISPATCH_LEVEL */
	assert_int_equal(core_obs.irql[2], 2); /* at the lower */
	assert_int_equal(core_obs.arg1, 0x33); /* the first insert's arguments */
	assert_int_equal(core_obs.arg2, 0x44);
	assert_int_equal(core_obs.irql[7], 2); /* DPCs run at DISPATCH_LEVEL */
	shutdown();
}

static void test_dpc_importance(void **state)
{
	(void)state;
	run(core_dpc_importance, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.dpc_runs, 3);
	assert_int_equal(core_obs.dpc_order[0], 3); /* High went to the head */
	assert_int_equal(core_obs.dpc_order[1], 1);
	assert_int_equal(core_obs.dpc_order[2], 2);
	shutdown();
}

static void test_dpc_low_and_flush(void **state)
{
	struct hostos_config c;

	(void)state;
	run(core_dpc_low_and_flush, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.irql[0], 0);
	assert_int_equal(core_obs.irql[1], 1);
	shutdown();
	/* Eager mode runs it at the lower. */
	hostos_config_default(&c);
	c.dpc_mode = HOSTOS_DPC_EAGER;
	run(core_dpc_low_and_flush, NULL, &c);
	assert_int_equal(core_obs.irql[0], 1);
	shutdown();
}

static void test_dpc_requeue(void **state)
{
	(void)state;
	run(core_dpc_requeue, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.dpc_runs, 3);
	assert_true(core_obs.ok[1]);
	assert_true(core_obs.ok[2]);
	shutdown();
}

static void test_dpc_remove(void **state)
{
	(void)state;
	run(core_dpc_remove, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	for (int i = 0; i < 4; i++)
		assert_true(core_obs.ok[i]);
	assert_int_equal(core_obs.dpc_runs, 1); /* only the last insert ran */
	shutdown();
}

static void test_dpc_target(void **state)
{
	struct hostos_config c = cpus(2);

	(void)state;
	run(core_dpc_target, NULL, &c);
	hostos_assert_no_bugcheck(os);
	assert_true(core_obs.ok[0]);
	assert_int_equal(core_obs.irql[0], 0);
	assert_int_equal(core_obs.irql[1], 1);
	assert_int_equal(core_obs.dpc_cpu, 1);
	shutdown();
}

static void test_processor(void **state)
{
	struct hostos_config c = cpus(3);

	(void)state;
	run(core_processor, NULL, &c);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.cpus, 3);
	assert_int_equal(core_obs.affinity, 0x7);
	assert_int_equal(core_obs.irql[0], 0);
	assert_int_equal(core_obs.irql[1], 0);
	assert_int_equal(core_obs.irql[2], 0);
	assert_int_equal(core_obs.irql[3], 0);
	shutdown();
}

static void test_stall_advances_time(void **state)
{
	(void)state;
	run(core_stall, NULL, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(sim_now(&kern), SIM_US(10));
	shutdown();
}

static void test_dpc_watchdog(void **state)
{
	(void)state;
	/* 150 us: over the 100 us guidance, a warning only. */
	run(core_dpc_long, (void *)(uintptr_t)150, NULL);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(core_obs.dpc_runs, 1);
	assert_int_equal(hostos_warnings(os), 1);
	shutdown();
	/* 2 ms: over the 1 ms limit, DPC_WATCHDOG_VIOLATION with P1 = 0,
	 * at the limit exactly. */
	run(core_dpc_long, (void *)(uintptr_t)2000, NULL);
	hostos_assert_bugcheck(os, 0x133, 0, 1000, 1000, 0);
	assert_int_equal(hostos_last_bugcheck(os)->when_ps, SIM_MS(1));
	assert_string_equal(hostos_last_bugcheck(os)->context, "dpc");
	shutdown();
}

static void test_dispatch_watchdog(void **state)
{
	(void)state;
	run(core_dispatch_too_long, NULL, NULL);
	hostos_assert_bugcheck(os, 0x133, 1, 10000, 0, 0);
	assert_int_equal(hostos_last_bugcheck(os)->when_ps, SIM_MS(10));
	shutdown();
}

static void test_spin_contention(void **state)
{
	struct hostos_config c = cpus(2);

	(void)state;
	boot(&c);
	assert_int_equal(hostos_thread_start(os, "a", core_spin_contend_a, NULL, 0, NULL), SIM_OK);
	assert_int_equal(hostos_thread_start(os, "b", core_spin_contend_b, NULL, 1, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_true(core_obs.ok[0]);
	assert_int_equal(sim_now(&kern), SIM_US(5)); /* B spun until A's release */
	shutdown();
}

static void test_trace_and_debug_output(void **state)
{
	char path[] = "/tmp/pcisim-hostos-trace-XXXXXX";
	struct sim_ctrace tr;
	char buf[8192];
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	boot(NULL);
	assert_int_equal(sim_ctrace_open(&tr, path), SIM_OK);
	assert_int_equal(hostos_set_ctrace(os, &tr), SIM_OK);
	assert_int_equal(hostos_thread_start(os, "dbg", core_debug_print, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(hostos_debug_lines(os), 2);
	assert_int_equal(sim_ctrace_close(&tr), SIM_OK);
	shutdown();
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "\"cpu0\""));
	assert_non_null(strstr(buf, "hello 42"));
	assert_non_null(strstr(buf, "from DbgPrintEx"));
	assert_non_null(strstr(buf, "\"DPC\""));
}

/* A thread that never calls the OS again is reported and the process
 * aborts, instead of hanging until the test's timeout. */
static void test_runaway_thread(void **state)
{
	struct hostos_config c;
	int status = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		hostos_config_default(&c);
		c.runaway_ms = 200;
		/* stderr stays: the report is what a developer would read */
		run(core_endless, NULL, &c);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	/* Simulated time passing through the OS is not a runaway. */
	hostos_config_default(&c);
	c.runaway_ms = 100;
	run(core_dpc_long, (void *)(uintptr_t)150, &c);
	hostos_assert_no_bugcheck(os);
	shutdown();
}

/* ---- schedule exploration ---- */

static int race_once(uint64_t seed, void *arg)
{
	struct hostos_config c = cpus(2);
	int stale;

	(void)arg;
	c.seed = seed;
	boot(&c);
	hostos_thread_start(os, "writer", core_race_writer, NULL, 0, NULL);
	hostos_thread_start(os, "reader", core_race_reader, NULL, 1, NULL);
	hostos_run(os);
	stale = core_obs.saw_stale;
	shutdown();
	return stale;
}

static void test_seeds_find_and_replay(void **state)
{
	uint64_t failed = 0;
	int first, again;

	(void)state;
	/* The default schedule runs the writer first: no bug. */
	assert_int_equal(race_once(0, NULL), 0);
	/* Some seed lets the reader go first... */
	assert_int_not_equal(hostos_for_seeds(1, 64, race_once, NULL, &failed), 0);
	assert_int_not_equal(failed, 0);
	/* ...and that seed does it every time. */
	first = race_once(failed, NULL);
	again = race_once(failed, NULL);
	assert_int_equal(first, 1);
	assert_int_equal(again, 1);
}

/* ---- misuse: the documented code and parameters ---- */

static void test_bad_raise(void **state)
{
	(void)state;
	run(core_bad_raise, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x30, 2, 0, 0);
	shutdown();
}

static void test_bad_lower(void **state)
{
	(void)state;
	run(core_bad_lower, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x31, 0, 2, 0);
	shutdown();
}

static void test_lower_in_dpc(void **state)
{
	(void)state;
	run(core_lower_in_dpc, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x31, 2, 0, 1);
	shutdown();
}

static void test_strict_lower(void **state)
{
	struct hostos_config c;

	(void)state;
	run(core_strict_lower, NULL, NULL); /* Windows does not see it */
	hostos_assert_no_bugcheck(os);
	shutdown();
	hostos_config_default(&c);
	c.strict = true;
	run(core_strict_lower, NULL, &c);
	hostos_assert_bugcheck(os, 0xC4, 0x31, 2, 0, 2);
	shutdown();
}

static void test_recursive_acquire(void **state)
{
	(void)state;
	run(core_recursive_acquire, NULL, NULL);
	hostos_assert_bugcheck(os, 0xF, core_obs.lock_a, 0, 0, 0);
	assert_int_equal(hostos_last_bugcheck(os)->locks_held, 1);
	shutdown();
}

static void test_release_not_held(void **state)
{
	struct hostos_config c;

	(void)state;
	run(core_release_not_held, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x1007, core_obs.lock_b, 0, 0);
	shutdown();
	/* Without Deadlock Detection: SPIN_LOCK_NOT_OWNED. */
	hostos_config_default(&c);
	c.verifier = 0;
	run(core_release_not_held, NULL, &c);
	hostos_assert_bugcheck(os, 0x10, core_obs.lock_b, 0, 0, 0);
	shutdown();
}

static void test_double_release(void **state)
{
	(void)state;
	run(core_double_release, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x32, 0, core_obs.lock_a, HOSTOS_ANY);
	shutdown();
}

static void test_dpc_level_apis_at_passive(void **state)
{
	(void)state;
	run(core_atdpc_at_passive, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x40, 0, core_obs.lock_a, 0);
	shutdown();
	run(core_fromdpc_at_passive, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x41, 0, core_obs.lock_a, HOSTOS_ANY);
	shutdown();
}

static void test_acquire_above_dispatch(void **state)
{
	(void)state;
	run(core_acquire_above_dispatch, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x42, 12, core_obs.lock_a, 0);
	shutdown();
}

static void test_wrong_release(void **state)
{
	(void)state;
	run(core_wrong_release_routine, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x00020015, core_obs.lock_a, 0, 2);
	shutdown();
	run(core_wrong_old_irql, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x00020015, core_obs.lock_a, 0, 1);
	shutdown();
}

static void test_mixed_queued(void **state)
{
	(void)state;
	run(core_mixed_queued, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x1008, core_obs.lock_a, 0, 0);
	shutdown();
}

static void test_uninitialized(void **state)
{
	struct hostos_config c;

	(void)state;
	run(core_uninitialized, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x1002, core_obs.lock_a, 0, 0);
	shutdown();
	hostos_config_default(&c);
	c.verifier &= ~HOSTOS_VERIFY_DEADLOCK;
	run(core_uninitialized, NULL, &c);
	hostos_assert_no_bugcheck(os);
	shutdown();
}

static void test_held_at_dpc_return(void **state)
{
	(void)state;
	run(core_held_at_dpc_return, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x00040009, core_obs.lock_a, 0, 0);
	assert_string_equal(hostos_last_bugcheck(os)->context, "dpc");
	shutdown();
}

static void test_dpc_returns_raised(void **state)
{
	(void)state;
	run(core_dpc_returns_raised, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC8, 12u << 16 | 2u << 8 | 0xD0, core_obs.dpc_addr, 0, 0);
	shutdown();
}

static void test_thread_returns_raised(void **state)
{
	(void)state;
	run(core_thread_returns_raised, NULL, NULL);
	hostos_assert_bugcheck(os, 0x4A, (uintptr_t)core_thread_returns_raised, 2, 0, 0);
	shutdown();
}

static void test_deadlock_cycles(void **state)
{
	const struct hostos_bugcheck *b;

	(void)state;
	run(core_deadlock_two, NULL, NULL);
	/* P2: the lock whose acquisition closed the cycle. */
	hostos_assert_bugcheck(os, 0xC4, 0x1001, core_obs.lock_a, 0, 0);
	b = hostos_last_bugcheck(os);
	assert_non_null(strstr(b->what, "lock#2 -> lock#1 -> lock#2"));
	shutdown();
	run(core_deadlock_three, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x1001, core_obs.lock_a, 0, 0);
	b = hostos_last_bugcheck(os);
	assert_non_null(strstr(b->what, "lock#3 -> lock#1 -> lock#2 -> lock#3"));
	shutdown();
}

static void test_out_of_order_release(void **state)
{
	(void)state;
	run(core_out_of_order, NULL, NULL);
	hostos_assert_bugcheck(os, 0xC4, 0x1003, core_obs.lock_a, core_obs.lock_b, 0);
	shutdown();
}

static void test_bugcheck_paths(void **state)
{
	const struct hostos_bugcheck *b;

	(void)state;
	run(core_bugcheck_thread, NULL, NULL);
	hostos_assert_bugcheck(os, 0xE2, 1, 2, 3, 4);
	assert_string_equal(hostos_last_bugcheck(os)->context, "thread");
	assert_int_equal(hostos_run(os), SIM_STOP_ERROR); /* stays stopped */
	assert_int_equal(hostos_thread_start(os, "late", core_stall, NULL, 0, NULL),
			 SIM_ERR_STATE);
	shutdown();
	run(core_bugcheck_dpc, NULL, NULL);
	hostos_assert_bugcheck(os, 0xE2, 5, 6, 7, 8);
	assert_string_equal(hostos_last_bugcheck(os)->context, "dpc");
	shutdown();
	run(core_bugcheck_nested, NULL, NULL);
	hostos_assert_bugcheck(os, 0xE2, 9, 10, 11, 12);
	b = hostos_last_bugcheck(os);
	assert_string_equal(b->context, "dpc");
	assert_int_equal(b->irql, 2);
	assert_int_equal(b->locks_held, 1); /* lock_b; lock_a was released */
	assert_int_equal(b->lock_ids[0], 2);
	assert_non_null(strstr(b->report, "STOP 0x000000E2"));
	shutdown();
}

static void test_assert_fails(void **state)
{
	(void)state;
	run(core_assert_fails, NULL, NULL);
	hostos_assert_bugcheck(os, HOSTOS_ASSERTION_FAILED, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY, 0);
	assert_non_null(strstr(hostos_last_bugcheck(os)->what, "core_obs.dpc_runs == 42"));
	shutdown();
}

static void test_bad_target(void **state)
{
	struct hostos_config c = cpus(2);

	(void)state;
	run(core_bad_target, NULL, &c);
	hostos_assert_bugcheck(os, 0xC7, 3, core_obs.dpc_addr, 5, 2);
	shutdown();
}

static void test_flush_at_dispatch(void **state)
{
	(void)state;
	run(core_flush_at_dispatch, NULL, NULL);
	hostos_assert_bugcheck(os, 0xA, HOSTOS_ANY, 2, 0, 0);
	shutdown();
}

static void test_create_arguments(void **state)
{
	struct hostos_config c;
	struct hostos *o = (struct hostos *)&c;
	struct sim_kernel_config kc;

	(void)state;
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	hostos_config_default(&c);
	c.cpus = 0;
	assert_int_equal(hostos_create(&o, &kern, &c), SIM_ERR_INVALID);
	assert_null(o);
	c.cpus = HOSTOS_MAX_CPUS + 1;
	assert_int_equal(hostos_create(&o, &kern, &c), SIM_ERR_INVALID);
	assert_int_equal(hostos_create(&o, NULL, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_create(NULL, &kern, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_create(&o, &kern, NULL), SIM_OK);
	assert_int_equal(hostos_cpu_count(o), 1);
	assert_int_equal(hostos_thread_start(o, "x", NULL, NULL, 0, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_thread_start(o, "x", core_stall, NULL, 1, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_charge(SIM_NS(1)), SIM_ERR_STATE); /* not a host OS thread */
	assert_string_equal(hostos_bugcheck_name(0x133), "DPC_WATCHDOG_VIOLATION");
	assert_string_equal(hostos_bugcheck_name(0x12345), "UNKNOWN");
	hostos_destroy(o);
	hostos_destroy(NULL);
	sim_kernel_destroy(&kern);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irql_basic),
		cmocka_unit_test(test_spin_basic),
		cmocka_unit_test(test_queued_basic),
		cmocka_unit_test(test_dpc_basic),
		cmocka_unit_test(test_dpc_importance),
		cmocka_unit_test(test_dpc_low_and_flush),
		cmocka_unit_test(test_dpc_requeue),
		cmocka_unit_test(test_dpc_remove),
		cmocka_unit_test(test_dpc_target),
		cmocka_unit_test(test_processor),
		cmocka_unit_test(test_stall_advances_time),
		cmocka_unit_test(test_dpc_watchdog),
		cmocka_unit_test(test_dispatch_watchdog),
		cmocka_unit_test(test_spin_contention),
		cmocka_unit_test(test_trace_and_debug_output),
		cmocka_unit_test(test_runaway_thread),
		cmocka_unit_test(test_seeds_find_and_replay),
		cmocka_unit_test(test_bad_raise),
		cmocka_unit_test(test_bad_lower),
		cmocka_unit_test(test_lower_in_dpc),
		cmocka_unit_test(test_strict_lower),
		cmocka_unit_test(test_recursive_acquire),
		cmocka_unit_test(test_release_not_held),
		cmocka_unit_test(test_double_release),
		cmocka_unit_test(test_dpc_level_apis_at_passive),
		cmocka_unit_test(test_acquire_above_dispatch),
		cmocka_unit_test(test_wrong_release),
		cmocka_unit_test(test_mixed_queued),
		cmocka_unit_test(test_uninitialized),
		cmocka_unit_test(test_held_at_dpc_return),
		cmocka_unit_test(test_dpc_returns_raised),
		cmocka_unit_test(test_thread_returns_raised),
		cmocka_unit_test(test_deadlock_cycles),
		cmocka_unit_test(test_out_of_order_release),
		cmocka_unit_test(test_bugcheck_paths),
		cmocka_unit_test(test_assert_fails),
		cmocka_unit_test(test_bad_target),
		cmocka_unit_test(test_flush_at_dispatch),
		cmocka_unit_test(test_create_arguments),
	};

	return cmocka_run_group_tests_name("hostos:core", tests, NULL, NULL);
}
