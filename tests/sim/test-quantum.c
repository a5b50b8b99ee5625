/*
 * tests/sim/test-quantum.c - Check tests of the quantum keeper of
 * sim/quantum.h: sync points on multiples of the quantum, need_sync at the
 * boundary, local time reset by a sync, and decoupled threads (blocking
 * transport and DMI through a router, as in the transport benchmark) whose
 * simulated time ends up exactly the sum of the annotated delays.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/quantum.h"
#include "sim/tlm-memory.h"
#include "sim/tlm-router.h"
#include "sim/tlm.h"

#define Q_PS SIM_US(1)

static struct sim_kernel kern;
static int reports;

/* Kernel reports are expected from the misuse tests: count, don't print. */
static void count_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
	reports++;
}

static void kern_setup(void)
{
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	cfg.report = count_report;
	reports = 0;
	ck_assert_int_eq(sim_kernel_init(&kern, &cfg), SIM_OK);
}

static void kern_teardown(void)
{
	sim_kernel_destroy(&kern);
}

/* Move the kernel's time to @t with nothing scheduled. */
static void advance_to(sim_time_t t)
{
	ck_assert_int_eq(sim_run_until(&kern, t), SIM_STOP_TIME);
	ck_assert_uint_eq(sim_now(&kern), t);
}

/* ------------------------------------------------------------------------
 * The keeper on its own
 * ------------------------------------------------------------------------ */

START_TEST(init_state)
{
	struct tlm_qk qk;

	ck_assert_int_eq(tlm_qk_init(NULL, &kern, Q_PS), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_qk_init(&qk, NULL, Q_PS), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	ck_assert_uint_eq(tlm_qk_quantum(&qk), Q_PS);
	ck_assert_uint_eq(tlm_qk_local_time(&qk), 0);
	ck_assert_uint_eq(tlm_qk_current_time(&qk), 0);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), Q_PS);
	ck_assert(!tlm_qk_need_sync(&qk));
}
END_TEST

START_TEST(need_sync_at_the_boundary)
{
	struct tlm_qk qk;

	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	tlm_qk_inc(&qk, Q_PS - 1);
	ck_assert(!tlm_qk_need_sync(&qk));
	tlm_qk_inc(&qk, 1);
	ck_assert_uint_eq(tlm_qk_local_time(&qk), Q_PS);
	ck_assert(tlm_qk_need_sync(&qk)); /* reaching the point is enough */
	tlm_qk_set(&qk, 5);
	ck_assert_uint_eq(tlm_qk_local_time(&qk), 5);
	ck_assert(!tlm_qk_need_sync(&qk));

	/* From a time that is not a multiple, the boundary is still the grid's. */
	advance_to(SIM_NS(300));
	tlm_qk_reset(&qk);
	ck_assert_uint_eq(tlm_qk_local_time(&qk), 0);
	ck_assert_uint_eq(tlm_qk_current_time(&qk), SIM_NS(300));
	tlm_qk_set(&qk, SIM_NS(699) + 999);
	ck_assert(!tlm_qk_need_sync(&qk));
	tlm_qk_inc(&qk, 1);
	ck_assert_uint_eq(tlm_qk_current_time(&qk), Q_PS);
	ck_assert(tlm_qk_need_sync(&qk));
}
END_TEST

START_TEST(sync_points_on_multiples)
{
	static const sim_time_t times[] = {
		0, 1, SIM_NS(300), Q_PS - 1, Q_PS, Q_PS + 1, SIM_US(7) + 123, SIM_MS(3),
	};
	struct tlm_qk qk;

	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		sim_time_t now, next;

		advance_to(times[i]);
		now = sim_now(&kern);
		tlm_qk_set(&qk, 77);
		tlm_qk_reset(&qk);
		next = tlm_qk_next_sync_point(&qk);
		ck_assert_uint_eq(tlm_qk_local_time(&qk), 0);
		ck_assert_uint_eq(next % Q_PS, 0);
		/* strictly after now, at most one quantum away */
		ck_assert_uint_gt(next, now);
		ck_assert_uint_le(next - now, Q_PS);
	}
	/* On a boundary the next point is a whole quantum away. */
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), SIM_MS(3) + Q_PS);
}
END_TEST

START_TEST(set_quantum_recomputes)
{
	struct tlm_qk qk;

	advance_to(SIM_NS(2500));
	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), SIM_US(3));
	tlm_qk_inc(&qk, 40);
	tlm_qk_set_quantum(&qk, SIM_NS(100));
	ck_assert_uint_eq(tlm_qk_quantum(&qk), SIM_NS(100));
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), SIM_NS(2600));
	ck_assert_uint_eq(tlm_qk_local_time(&qk), 40); /* kept */
}
END_TEST

START_TEST(zero_quantum_always_syncs)
{
	struct tlm_qk qk;

	advance_to(SIM_NS(10));
	ck_assert_int_eq(tlm_qk_init(&qk, &kern, 0), SIM_OK);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), SIM_NS(10));
	ck_assert(tlm_qk_need_sync(&qk));
	tlm_qk_inc(&qk, 1);
	ck_assert(tlm_qk_need_sync(&qk));
}
END_TEST

START_TEST(saturation)
{
	struct tlm_qk qk;

	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	tlm_qk_set(&qk, SIM_TIME_MAX - 5);
	tlm_qk_inc(&qk, 10);
	ck_assert_uint_eq(tlm_qk_local_time(&qk), SIM_TIME_MAX);
	advance_to(100);
	ck_assert_uint_eq(tlm_qk_current_time(&qk), SIM_TIME_MAX);
	ck_assert(tlm_qk_need_sync(&qk));
	/* The last sync point before the end of time saturates too. */
	tlm_qk_set_quantum(&qk, SIM_TIME_MAX - 50);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), SIM_TIME_MAX - 50);
}
END_TEST

START_TEST(sync_outside_a_thread_fails)
{
	struct tlm_qk qk;

	ck_assert_int_eq(tlm_qk_init(&qk, &kern, Q_PS), SIM_OK);
	tlm_qk_inc(&qk, Q_PS + 5);
	ck_assert_int_eq(tlm_qk_sync(&qk), SIM_ERR_STATE);
	ck_assert_int_eq(reports, 1);
	/* Nothing changed. */
	ck_assert_uint_eq(tlm_qk_local_time(&qk), Q_PS + 5);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&qk), Q_PS);
	ck_assert_uint_eq(sim_now(&kern), 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * Decoupled threads
 * ------------------------------------------------------------------------ */

#define NT 4
#define SHIFT 16
#define LAT_PS 10000u
#define PER_BYTE_PS 125u

/* The benchmark's initiator: alternating 4-byte write / read-back pairs to
 * pseudo-random aligned addresses behind the router. Failures are counted
 * here and checked on the test's own stack after the run. */
struct cpu {
	struct sim_kernel *k;
	struct tlm_target *bus;
	struct tlm_qk qk;
	struct tlm_dmi_listener listener;
	struct tlm_dmi dmi[NT];
	bool dmi_ok[NT];
	bool use_dmi;
	long n;                 /* transactions */
	long invalidate_at;     /* transaction index at which to revoke target 1, or -1 */
	struct tlm_memory *revoke;
	/* results */
	sim_time_t sum_ps;      /* every latency annotated, summed independently */
	long syncs, b_transports, dmi_hits, invalidations;
	int errors;
	sim_time_t end_ps;
};

static void cpu_invalidate(void *opaque, uint64_t start, uint64_t end)
{
	struct cpu *c = opaque;

	c->invalidations++;
	for (unsigned i = 0; i < NT; i++) {
		if (c->dmi_ok[i] && c->dmi[i].start <= end && start <= c->dmi[i].end)
			c->dmi_ok[i] = false;
	}
}

static void cpu_check(struct cpu *c, bool cond)
{
	if (!cond)
		c->errors++;
}

static uint32_t cpu_access(struct cpu *c, struct tlm_payload *p, bool write, uint64_t addr,
			   uint32_t val)
{
	unsigned idx = (unsigned)(addr >> SHIFT);

	if (c->use_dmi && c->dmi_ok[idx]) {
		uint8_t *ptr = tlm_dmi_ptr(&c->dmi[idx], addr);

		if (write) {
			memcpy(ptr, &val, 4);
			tlm_qk_inc(&c->qk, c->dmi[idx].write_latency_ps);
			c->sum_ps += c->dmi[idx].write_latency_ps;
		} else {
			memcpy(&val, ptr, 4);
			tlm_qk_inc(&c->qk, c->dmi[idx].read_latency_ps);
			c->sum_ps += c->dmi[idx].read_latency_ps;
		}
		c->dmi_hits++;
	} else {
		sim_time_t before = tlm_qk_local_time(&c->qk), d = before;

		tlm_payload_setup(p, write ? TLM_CMD_WRITE : TLM_CMD_READ, addr, (uint8_t *)&val, 4);
		tlm_b_transport(c->bus, p, &d);
		tlm_qk_set(&c->qk, d);
		c->sum_ps += d - before;
		c->b_transports++;
		cpu_check(c, tlm_payload_ok(p));
		if (c->use_dmi && p->dmi_allowed) {
			c->dmi_ok[idx] = tlm_get_dmi(c->bus, p, &c->dmi[idx]) &&
					 tlm_dmi_read_allowed(&c->dmi[idx]) &&
					 tlm_dmi_write_allowed(&c->dmi[idx]) &&
					 tlm_dmi_covers(&c->dmi[idx], addr, 4);
		}
	}
	if (tlm_qk_need_sync(&c->qk)) {
		sim_time_t point = tlm_qk_next_sync_point(&c->qk);

		cpu_check(c, tlm_qk_sync(&c->qk) == SIM_OK);
		c->syncs++;
		/* The kernel caught up with everything annotated so far. */
		cpu_check(c, sim_now(c->k) == c->sum_ps);
		cpu_check(c, sim_now(c->k) >= point);
		cpu_check(c, tlm_qk_local_time(&c->qk) == 0);
		cpu_check(c, tlm_qk_next_sync_point(&c->qk) % tlm_qk_quantum(&c->qk) == 0);
		cpu_check(c, tlm_qk_next_sync_point(&c->qk) > sim_now(c->k));
	}
	return write ? 0 : val;
}

static void cpu_thread(void *opaque)
{
	struct cpu *c = opaque;
	struct tlm_payload p;
	uint32_t lcg = 42;

	tlm_payload_init(&p);
	tlm_qk_reset(&c->qk);
	for (long i = 0; i + 1 < c->n; i += 2) {
		uint32_t r, v = (uint32_t)i ^ 0x5a5a5a5au;
		uint64_t addr;

		if (i == c->invalidate_at)
			tlm_memory_invalidate_dmi(c->revoke, 0, 0xffff);
		lcg = lcg * 1664525u + 1013904223u;
		r = lcg;
		addr = ((uint64_t)(r % NT) << SHIFT) | ((r >> 8) & ((1u << SHIFT) - 4));
		cpu_access(c, &p, true, addr, v);
		cpu_check(c, cpu_access(c, &p, false, addr, 0) == v);
	}
	cpu_check(c, tlm_qk_sync(&c->qk) == SIM_OK);
	c->end_ps = sim_now(c->k);
	cpu_check(c, c->end_ps == c->sum_ps);
}

static struct tlm_memory mems[NT];
static struct tlm_router bus;

static void run_cpu(struct cpu *c, bool use_dmi, long n, long invalidate_at)
{
	struct sim_proc thread;

	ck_assert_int_eq(tlm_router_init(&bus), SIM_OK);
	for (unsigned i = 0; i < NT; i++) {
		ck_assert_int_eq(tlm_memory_init(&mems[i], 1u << SHIFT, LAT_PS, PER_BYTE_PS), SIM_OK);
		ck_assert_int_eq(tlm_router_map(&bus, (uint64_t)i << SHIFT, 1u << SHIFT,
						tlm_memory_target(&mems[i])),
				 SIM_OK);
	}
	memset(c, 0, sizeof(*c));
	c->k = &kern;
	c->bus = tlm_router_target(&bus);
	c->use_dmi = use_dmi;
	c->n = n;
	c->invalidate_at = invalidate_at;
	c->revoke = &mems[1];
	ck_assert_int_eq(tlm_qk_init(&c->qk, &kern, Q_PS), SIM_OK);
	tlm_dmi_listener_init(&c->listener, cpu_invalidate, c);
	ck_assert_int_eq(tlm_target_add_dmi_listener(c->bus, &c->listener), SIM_OK);

	ck_assert_int_eq(sim_thread_init(&kern, &thread, "cpu", cpu_thread, c, 0, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(sim_proc_state(&thread), SIM_PROC_TERMINATED);
	ck_assert_int_eq(sim_proc_destroy(&thread), SIM_OK);

	ck_assert_int_eq(tlm_target_remove_dmi_listener(c->bus, &c->listener), SIM_OK);
	tlm_router_destroy(&bus);
	for (unsigned i = 0; i < NT; i++)
		tlm_memory_destroy(&mems[i]);
}

START_TEST(thread_time_is_sum_of_delays_bt)
{
	struct cpu c;
	const long n = 10000;

	run_cpu(&c, false, n, -1);
	ck_assert_int_eq(c.errors, 0);
	ck_assert_int_eq(reports, 0);
	ck_assert_uint_eq(c.b_transports, n);
	/* Every 4-byte access annotates 10 ns + 4 * 125 ps. */
	ck_assert_uint_eq(c.sum_ps, (sim_time_t)n * (LAT_PS + 4 * PER_BYTE_PS));
	ck_assert_uint_eq(c.end_ps, c.sum_ps);
	ck_assert_uint_eq(sim_now(&kern), c.sum_ps);
	/* One sync per quantum boundary crossed (increments < quantum). */
	ck_assert_uint_eq(c.syncs, c.sum_ps / Q_PS);
}
END_TEST

START_TEST(thread_time_is_sum_of_delays_dmi)
{
	struct cpu c;
	const long n = 10000;

	run_cpu(&c, true, n, -1);
	ck_assert_int_eq(c.errors, 0);
	/* One b_transport per target, then DMI; same latency per access. */
	ck_assert_uint_eq(c.b_transports, NT);
	ck_assert_uint_eq(c.dmi_hits, n - NT);
	ck_assert_uint_eq(c.sum_ps, (sim_time_t)n * (LAT_PS + 4 * PER_BYTE_PS));
	ck_assert_uint_eq(sim_now(&kern), c.sum_ps);
	ck_assert_uint_eq(c.syncs, c.sum_ps / Q_PS);
	/* Destroying the memories at the end told the initiator nothing: it
	 * had unregistered first. */
	ck_assert_uint_eq(c.invalidations, 0);
}
END_TEST

START_TEST(thread_dmi_revoked_midway)
{
	struct cpu c;
	const long n = 10000;

	run_cpu(&c, true, n, n / 2);
	ck_assert_int_eq(c.errors, 0);
	ck_assert_uint_eq(c.invalidations, 1);
	/* The revoked target is asked again once: one more b_transport. */
	ck_assert_uint_eq(c.b_transports, NT + 1);
	ck_assert_uint_eq(sim_now(&kern), c.sum_ps);
	ck_assert_uint_eq(sim_now(&kern), (sim_time_t)n * (LAT_PS + 4 * PER_BYTE_PS));
}
END_TEST

/* A sync with nothing accumulated still yields for one delta cycle. */
struct zero_sync {
	struct tlm_qk qk;
	int err;
	sim_time_t before, after;
	uint64_t deltas_before, deltas_after;
};

static void zero_sync_thread(void *opaque)
{
	struct zero_sync *z = opaque;

	z->err = sim_wait_time(&kern, SIM_NS(250));
	if (z->err)
		return;
	tlm_qk_reset(&z->qk);
	z->before = sim_now(&kern);
	z->deltas_before = sim_kernel_stats(&kern)->deltas;
	z->err = tlm_qk_sync(&z->qk);
	z->after = sim_now(&kern);
	z->deltas_after = sim_kernel_stats(&kern)->deltas;
}

START_TEST(thread_zero_sync_is_a_delta)
{
	struct zero_sync z;
	struct sim_proc thread;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(tlm_qk_init(&z.qk, &kern, Q_PS), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&kern, &thread, "z", zero_sync_thread, &z, 0, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&kern), SIM_STOP_FINISHED);
	ck_assert_int_eq(z.err, SIM_OK);
	ck_assert_uint_eq(z.before, SIM_NS(250));
	ck_assert_uint_eq(z.after, SIM_NS(250));
	ck_assert_uint_gt(z.deltas_after, z.deltas_before);
	ck_assert_uint_eq(tlm_qk_next_sync_point(&z.qk), Q_PS);
	ck_assert_int_eq(sim_proc_destroy(&thread), SIM_OK);
}
END_TEST

static Suite *quantum_suite(void)
{
	Suite *s = suite_create("sim:quantum");
	TCase *tc = tcase_create("keeper");

	tcase_add_checked_fixture(tc, kern_setup, kern_teardown);
	tcase_add_test(tc, init_state);
	tcase_add_test(tc, need_sync_at_the_boundary);
	tcase_add_test(tc, sync_points_on_multiples);
	tcase_add_test(tc, set_quantum_recomputes);
	tcase_add_test(tc, zero_quantum_always_syncs);
	tcase_add_test(tc, saturation);
	tcase_add_test(tc, sync_outside_a_thread_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_checked_fixture(tc, kern_setup, kern_teardown);
	tcase_add_test(tc, thread_time_is_sum_of_delays_bt);
	tcase_add_test(tc, thread_time_is_sum_of_delays_dmi);
	tcase_add_test(tc, thread_dmi_revoked_midway);
	tcase_add_test(tc, thread_zero_sync_is_a_delta);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(quantum_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
