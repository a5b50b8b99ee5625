/*
 * tests/sim/test-signal.c - Check tests of signals (sim/signal.h).
 *
 * Covers: widths 1..64 mask the initial and written values, other widths
 * are refused with SIM_ERR_INVALID; a write is visible only after the
 * update phase; the change counter counts committed changes only; observers
 * (a method statically sensitive to the value-changed event and a thread
 * waiting on it) run only when the value really changes; destroying a
 * signal with a pending update request or a pending value-changed
 * notification leaves the other signals and the kernel intact (run under
 * ASan); and the VCD trace hook records the initial values and each change
 * at the simulated time of its update phase, read back from a file written
 * in a private mkdtemp directory.
 */
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "sim-test.h"

#include "sim/kernel.h"
#include "sim/signal.h"
#include "sim/vcd.h"

/* ---- helpers ---- */


/* Commit the writes made outside a run (one run to completion). */
static void settle(struct sim_kernel *k)
{
	enum sim_stop_reason r = sim_run(k);

	ck_assert_int_eq(r, SIM_STOP_FINISHED);
}

/* ---- widths ---- */

START_TEST(test_width_masking)
{
	const unsigned w = (unsigned)_i;
	const uint64_t mask = w == 64 ? UINT64_MAX : (UINT64_C(1) << w) - 1;
	const uint64_t pattern = UINT64_C(0xA5C3F00F12345678);
	struct sim_kernel k;
	struct sim_signal s;

	kinit(&k);
	ck_assert_int_eq(sim_signal_init(&k, &s, "s", w, UINT64_MAX), SIM_OK);
	ck_assert_uint_eq(s.width, w);
	ck_assert_uint_eq(s.mask, mask);
	ck_assert_uint_eq(sim_signal_read(&s), mask);
	ck_assert_uint_eq(sim_signal_change_count(&s), 0);

	sim_signal_write(&s, 0);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s), 0);
	sim_signal_write(&s, pattern);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s), pattern & mask);
	sim_signal_write(&s, UINT64_MAX);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s), mask);
	if (w < 64) {
		/* Only bits above the width: the value written is 0. */
		sim_signal_write(&s, ~mask);
		settle(&k);
		ck_assert_uint_eq(sim_signal_read(&s), 0);
		ck_assert_uint_eq(sim_signal_change_count(&s), (pattern & mask) == 0 ? 3 : 4);
	}
	sim_signal_destroy(&s);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_invalid_widths)
{
	static const unsigned widths[] = { 0, 65, 128, 1000, UINT_MAX };
	struct sim_kernel k;

	kinit(&k);
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct sim_signal s;

		ck_assert_int_eq(sim_signal_init(&k, &s, "bad", widths[i], 0), SIM_ERR_INVALID);
	}
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- update semantics and the change counter ---- */

struct vis_model {
	struct sim_kernel *k;
	struct sim_signal s;
	struct sim_proc p;
	int runs;
	uint64_t seen[2];
	uint64_t deltas[2];
};

static void vis_method(void *opaque)
{
	struct vis_model *m = opaque;

	m->deltas[m->runs] = sim_kernel_stats(m->k)->deltas;
	if (m->runs++ == 0) {
		sim_signal_write(&m->s, 0xBEEF);
		/* Not even the writer sees it in this delta. */
		m->seen[0] = sim_signal_read(&m->s);
		ck_assert_int_eq(sim_next_trigger_time(m->k, 0), SIM_OK);
	} else {
		m->seen[1] = sim_signal_read(&m->s);
	}
}

START_TEST(test_write_visible_after_update)
{
	struct sim_kernel k;
	struct vis_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	m->k = &k;
	sim_signal_init(&k, &m->s, "s", 16, 0x1234);
	ck_assert_uint_eq(sim_signal_read(&m->s), 0x1234);

	/* Written during elaboration: pending until the run's first update. */
	sim_signal_write(&m->s, 0x4321);
	ck_assert_uint_eq(sim_signal_read(&m->s), 0x1234);
	ck_assert_uint_eq(m->s.next, 0x4321);
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 0);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&m->s), 0x4321);
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 1);

	/* Written in delta n, read in delta n + 1. */
	sim_method_init(&k, &m->p, "p", vis_method, m, 0);
	settle(&k);
	ck_assert_int_eq(m->runs, 2);
	ck_assert_uint_eq(m->seen[0], 0x4321);
	ck_assert_uint_eq(m->seen[1], 0xBEEF);
	ck_assert_uint_eq(m->deltas[1], m->deltas[0] + 1);
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 2);
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

START_TEST(test_change_counter)
{
	struct sim_kernel k;
	struct sim_signal s;

	kinit(&k);
	sim_signal_init(&k, &s, "s", 8, 0);
	sim_signal_write(&s, 0); /* same value */
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 0);
	sim_signal_write(&s, 5);
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 1);
	sim_signal_write(&s, 5);
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 1);
	/* Away and back within one delta: no change. */
	sim_signal_write(&s, 6);
	sim_signal_write(&s, 5);
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 1);
	/* Equal after truncation to 8 bits: no change. */
	sim_signal_write(&s, 0x105);
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 1);
	ck_assert_uint_eq(sim_signal_read(&s), 5);
	/* Several writes, one commit: one change. */
	sim_signal_write(&s, 1);
	sim_signal_write(&s, 2);
	sim_signal_write(&s, 7);
	settle(&k);
	ck_assert_uint_eq(sim_signal_change_count(&s), 2);
	ck_assert_uint_eq(sim_signal_read(&s), 7);
	sim_signal_destroy(&s);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- observers ---- */

struct obs_model {
	struct sim_kernel *k;
	struct sim_signal s;
	struct sim_event drv;
	struct sim_proc method, thread;
	const uint64_t *values;
	size_t nvalues, next;
	sim_time_t method_times[16];
	size_t n_method;
	sim_time_t thread_times[16];
	uint64_t thread_values[16];
	size_t n_thread;
};

static void obs_drv_cb(struct sim_kernel *k, void *opaque)
{
	struct obs_model *m = opaque;

	(void)k;
	sim_signal_write(&m->s, m->values[m->next++]);
	if (m->next < m->nvalues)
		ck_assert_int_eq(sim_event_schedule(&m->drv, SIM_NS(1)), SIM_OK);
}

static void obs_method(void *opaque)
{
	struct obs_model *m = opaque;

	ck_assert_uint_lt(m->n_method, 16);
	m->method_times[m->n_method++] = sim_now(m->k);
}

static void obs_thread(void *opaque)
{
	struct obs_model *m = opaque;

	for (;;) {
		ck_assert_int_eq(sim_wait_event(m->k, sim_signal_changed(&m->s)), SIM_OK);
		ck_assert_uint_lt(m->n_thread, 16);
		m->thread_times[m->n_thread] = sim_now(m->k);
		m->thread_values[m->n_thread++] = sim_signal_read(&m->s);
	}
}

START_TEST(test_observers_only_on_change)
{
	/* A 1-bit signal written at 1..6 ns with 1, 1, 0, 2, 3, 0: after
	 * truncation 1, 1, 0, 0, 1, 0, so it changes at 1, 3, 5 and 6 ns. */
	static const uint64_t values[] = { 1, 1, 0, 2, 3, 0 };
	struct sim_kernel k;
	struct obs_model *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	kinit(&k);
	m->k = &k;
	m->values = values;
	m->nvalues = sizeof(values) / sizeof(values[0]);
	sim_signal_init(&k, &m->s, "wire", 1, 0);
	sim_event_init(&k, &m->drv, "drv", obs_drv_cb, m);
	sim_event_schedule(&m->drv, SIM_NS(1));
	ck_assert_int_eq(sim_method_init(&k, &m->method, "obs_m", obs_method, m, SIM_PROC_DONT_INITIALIZE),
			 SIM_OK);
	ck_assert_int_eq(sim_sensitive(&m->method, sim_signal_changed(&m->s)), SIM_OK);
	ck_assert_int_eq(sim_thread_init(&k, &m->thread, "obs_t", obs_thread, m, 0, 0), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(6));
	ck_assert_uint_eq(sim_signal_change_count(&m->s), 4);
	ck_assert_uint_eq(m->n_method, 4);
	ck_assert_uint_eq(m->method_times[0], SIM_NS(1));
	ck_assert_uint_eq(m->method_times[1], SIM_NS(3));
	ck_assert_uint_eq(m->method_times[2], SIM_NS(5));
	ck_assert_uint_eq(m->method_times[3], SIM_NS(6));
	ck_assert_uint_eq(m->n_thread, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(m->thread_times[i], m->method_times[i]);
	ck_assert_uint_eq(m->thread_values[0], 1);
	ck_assert_uint_eq(m->thread_values[1], 0);
	ck_assert_uint_eq(m->thread_values[2], 1);
	ck_assert_uint_eq(m->thread_values[3], 0);
	sim_event_destroy(&m->drv);
	sim_signal_destroy(&m->s);
	sim_kernel_destroy(&k);
	free(m);
}
END_TEST

/* ---- destroy ---- */

START_TEST(test_destroy_with_pending_update)
{
	struct sim_kernel k;
	struct sim_signal s1, s3, s4;
	struct sim_signal *s2 = malloc(sizeof(*s2));

	ck_assert_ptr_nonnull(s2);
	kinit(&k);
	sim_signal_init(&k, &s1, "s1", 8, 0);
	sim_signal_init(&k, s2, "s2", 8, 0);
	sim_signal_init(&k, &s3, "s3", 8, 0);
	sim_signal_init(&k, &s4, "s4", 8, 0);

	/* In the middle of the update list. */
	sim_signal_write(&s1, 1);
	sim_signal_write(s2, 2);
	sim_signal_write(&s3, 3);
	sim_signal_destroy(s2);
	memset(s2, 0xEE, sizeof(*s2));
	free(s2);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s1), 1);
	ck_assert_uint_eq(sim_signal_read(&s3), 3);

	/* At the tail: a later request must still be linked in. */
	sim_signal_write(&s1, 11);
	sim_signal_write(&s3, 13);
	sim_signal_destroy(&s3);
	sim_signal_write(&s4, 14);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s1), 11);
	ck_assert_uint_eq(sim_signal_read(&s3), 3);
	ck_assert_uint_eq(sim_signal_read(&s4), 14);

	/* At the head, and as the only request. */
	sim_signal_write(&s1, 21);
	sim_signal_write(&s4, 24);
	sim_signal_destroy(&s1);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s1), 11);
	ck_assert_uint_eq(sim_signal_read(&s4), 24);
	sim_signal_write(&s4, 34);
	sim_signal_destroy(&s4);
	ck_assert_uint_eq(sim_next_activity_time(&k), SIM_TIME_MAX);
	settle(&k);
	ck_assert_uint_eq(sim_signal_read(&s4), 24);
	sim_kernel_destroy(&k);
}
END_TEST

struct destroy_model {
	struct sim_kernel *k;
	struct sim_signal *s;
	struct sim_update killer;
	struct sim_proc writer, observer;
	int observed;
};

static void killer_update(struct sim_kernel *k, void *opaque)
{
	struct destroy_model *m = opaque;

	(void)k;
	/* s committed just before (its request came first), so its
	 * value-changed notification is pending now. */
	ck_assert(sim_event_pending(sim_signal_changed(m->s)));
	sim_signal_destroy(m->s);
	memset(m->s, 0xEE, sizeof(*m->s));
	free(m->s);
	m->s = NULL;
}

static void destroy_writer(void *opaque)
{
	struct destroy_model *m = opaque;

	sim_signal_write(m->s, 1);
	sim_request_update(m->k, &m->killer);
}

static void destroy_observer(void *opaque)
{
	struct destroy_model *m = opaque;

	m->observed++;
}

START_TEST(test_destroy_with_pending_notification)
{
	struct sim_kernel k;
	struct destroy_model m;

	memset(&m, 0, sizeof(m));
	kinit(&k);
	m.k = &k;
	m.s = malloc(sizeof(*m.s));
	ck_assert_ptr_nonnull(m.s);
	sim_signal_init(&k, m.s, "s", 8, 0);
	sim_update_init(&m.killer, killer_update, &m);
	sim_method_init(&k, &m.writer, "writer", destroy_writer, &m, 0);
	sim_method_init(&k, &m.observer, "observer", destroy_observer, &m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m.observer, sim_signal_changed(m.s));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_ptr_null(m.s);
	ck_assert_int_eq(m.observed, 0);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_destroy_observed_signal)
{
	/* A signal with a statically sensitive method goes away; the method
	 * outlives it and the kernel is destroyed cleanly afterwards. */
	struct sim_kernel k;
	struct destroy_model m;
	struct sim_signal other;

	memset(&m, 0, sizeof(m));
	kinit(&k);
	m.k = &k;
	m.s = malloc(sizeof(*m.s));
	ck_assert_ptr_nonnull(m.s);
	sim_signal_init(&k, m.s, "s", 8, 0);
	sim_signal_init(&k, &other, "other", 8, 0);
	sim_method_init(&k, &m.observer, "observer", destroy_observer, &m, SIM_PROC_DONT_INITIALIZE);
	sim_sensitive(&m.observer, sim_signal_changed(m.s));
	sim_sensitive(&m.observer, sim_signal_changed(&other));
	sim_signal_write(m.s, 1);
	settle(&k);
	ck_assert_int_eq(m.observed, 1);
	sim_signal_destroy(m.s);
	free(m.s);
	m.s = NULL;
	/* Still sensitive to the other one. */
	sim_signal_write(&other, 1);
	settle(&k);
	ck_assert_int_eq(m.observed, 2);
	sim_signal_destroy(&other);
	sim_kernel_destroy(&k);
}
END_TEST

/* ---- VCD tracing ---- */


/* A minimal VCD reader: the declared variables (scope.name by code) and
 * the value changes, each as "time scope.name value" on its own line, in
 * file order; the dump section's initial values get time 0. */
struct vcd_read {
	char names[8][128];
	char codes[8][8];
	unsigned widths[8];
	unsigned nvars;
	char changes[2048];
	sim_time_t last_time;
};

static const char *vcd_name_of(const struct vcd_read *r, const char *code)
{
	for (unsigned i = 0; i < r->nvars; i++) {
		if (strcmp(r->codes[i], code) == 0)
			return r->names[i];
	}
	ck_abort_msg("unknown VCD identifier code '%s'", code);
	return NULL;
}

static void vcd_add_change(struct vcd_read *r, const char *code, uint64_t value)
{
	size_t len = strlen(r->changes);

	snprintf(r->changes + len, sizeof(r->changes) - len, "%" PRIu64 " %s %" PRIu64 "\n", r->last_time,
		 vcd_name_of(r, code), value);
}

static void vcd_parse(char *text, struct vcd_read *r)
{
	char scope[64] = "";
	char *save = NULL;
	char *tok;

	memset(r, 0, sizeof(*r));
	for (tok = strtok_r(text, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (strcmp(tok, "$scope") == 0) {
			ck_assert_str_eq(strtok_r(NULL, " \t\r\n", &save), "module");
			snprintf(scope, sizeof(scope), "%s", strtok_r(NULL, " \t\r\n", &save));
			ck_assert_str_eq(strtok_r(NULL, " \t\r\n", &save), "$end");
		} else if (strcmp(tok, "$upscope") == 0) {
			scope[0] = '\0';
			ck_assert_str_eq(strtok_r(NULL, " \t\r\n", &save), "$end");
		} else if (strcmp(tok, "$var") == 0) {
			ck_assert_uint_lt(r->nvars, 8);
			ck_assert_str_eq(strtok_r(NULL, " \t\r\n", &save), "wire");
			r->widths[r->nvars] = (unsigned)strtoul(strtok_r(NULL, " \t\r\n", &save), NULL, 10);
			snprintf(r->codes[r->nvars], sizeof(r->codes[0]), "%s", strtok_r(NULL, " \t\r\n", &save));
			snprintf(r->names[r->nvars], sizeof(r->names[0]), "%s.%s", scope,
				 strtok_r(NULL, " \t\r\n", &save));
			ck_assert_str_eq(strtok_r(NULL, " \t\r\n", &save), "$end");
			r->nvars++;
		} else if (tok[0] == '$') {
			/* $version ... $end, $timescale ... $end, $enddefinitions
			 * $end; $dumpvars and its $end only bracket values. */
			if (strcmp(tok, "$dumpvars") == 0 || strcmp(tok, "$end") == 0 ||
			    strcmp(tok, "$enddefinitions") == 0)
				continue;
			while ((tok = strtok_r(NULL, " \t\r\n", &save)) && strcmp(tok, "$end") != 0)
				;
		} else if (tok[0] == '#') {
			r->last_time = strtoull(tok + 1, NULL, 10);
		} else if (tok[0] == 'b') {
			uint64_t v = strtoull(tok + 1, NULL, 2);

			vcd_add_change(r, strtok_r(NULL, " \t\r\n", &save), v);
		} else if (tok[0] == '0' || tok[0] == '1') {
			vcd_add_change(r, tok + 1, (uint64_t)(tok[0] - '0'));
		} else {
			ck_abort_msg("unexpected VCD token '%s'", tok);
		}
	}
}

struct vcd_model {
	struct sim_kernel *k;
	struct sim_signal clk, data, irq;
	struct sim_event drv;
	int step;
};

static void vcd_drv_cb(struct sim_kernel *k, void *opaque)
{
	struct vcd_model *m = opaque;

	(void)k;
	switch (m->step++) {
	case 0: /* 10 ns */
		sim_signal_write(&m->data, 0x5a);
		sim_signal_write(&m->clk, 1);
		break;
	case 1: /* 20 ns: the same values, nothing to record */
		sim_signal_write(&m->data, 0x5a);
		sim_signal_write(&m->clk, 1);
		break;
	case 2: /* 30 ns */
		sim_signal_write(&m->data, 3);
		sim_signal_write(&m->irq, 1);
		break;
	case 3: /* 40 ns: a glitch within one delta, a destroyed writer */
		sim_signal_write(&m->clk, 0);
		sim_signal_write(&m->data, 7);
		sim_signal_write(&m->data, 3);
		sim_signal_write(&m->irq, 0);
		sim_signal_destroy(&m->irq);
		break;
	default:
		return;
	}
	ck_assert_int_eq(sim_event_schedule(&m->drv, SIM_NS(10)), SIM_OK);
}

START_TEST(test_vcd_trace)
{
	static const char expect_changes[] =
		"0 dut.clk 0\n"
		"0 dut.data 15\n"
		"0 top.irq 0\n"
		"10000 dut.data 90\n"
		"10000 dut.clk 1\n"
		"30000 dut.data 3\n"
		"30000 top.irq 1\n"
		"40000 dut.clk 0\n";
	struct sim_kernel k;
	struct sim_vcd vcd;
	struct vcd_model m;
	struct vcd_read r;
	struct sim_signal late;
	char path[128];
	char *text;

	snprintf(path, sizeof(path), "%s/signals.vcd", tmp_dir());
	memset(&m, 0, sizeof(m));
	kinit(&k);
	m.k = &k;
	ck_assert_int_eq(sim_vcd_open(&vcd, path), SIM_OK);
	sim_signal_init(&k, &m.clk, "clk", 1, 0);
	sim_signal_init(&k, &m.data, "data", 8, 0x0f);
	sim_signal_init(&k, &m.irq, "irq", 1, 0);
	ck_assert_int_eq(sim_signal_trace(&m.clk, &vcd, "dut"), SIM_OK);
	ck_assert_int_eq(sim_signal_trace(&m.data, &vcd, "dut"), SIM_OK);
	ck_assert_int_eq(sim_signal_trace(&m.irq, &vcd, NULL), SIM_OK);
	sim_event_init(&k, &m.drv, "drv", vcd_drv_cb, &m);
	sim_event_schedule(&m.drv, SIM_NS(10));
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(sim_now(&k), SIM_NS(50));

	/* Once changes are written, no variable can be added: the error of
	 * sim_vcd_add_var() comes back. */
	sim_signal_init(&k, &late, "late", 4, 0);
	ck_assert_int_eq(sim_signal_trace(&late, &vcd, "dut"), SIM_ERR_STATE);
	sim_signal_destroy(&late);

	ck_assert_int_eq(sim_vcd_close(&vcd, SIM_NS(60)), SIM_OK);
	text = slurp_file(path, NULL);
	vcd_parse(text, &r);
	ck_assert_uint_eq(r.nvars, 3);
	ck_assert_str_eq(r.changes, expect_changes);
	ck_assert_uint_eq(r.last_time, SIM_NS(60));
	for (unsigned i = 0; i < r.nvars; i++)
		ck_assert_uint_eq(r.widths[i], strcmp(r.names[i], "dut.data") == 0 ? 8 : 1);
	free(text);
	sim_event_destroy(&m.drv);
	sim_signal_destroy(&m.clk);
	sim_signal_destroy(&m.data);
	sim_kernel_destroy(&k);
}
END_TEST

START_TEST(test_vcd_trace_current_value)
{
	/* Tracing starts from the value committed when the trace is set up,
	 * not the one given at init. */
	struct sim_kernel k;
	struct sim_vcd vcd;
	struct sim_signal s;
	struct vcd_read r;
	char path[128];
	char *text;

	snprintf(path, sizeof(path), "%s/current.vcd", tmp_dir());
	kinit(&k);
	sim_signal_init(&k, &s, "bus", 16, 1);
	sim_signal_write(&s, 0xabc);
	settle(&k);
	ck_assert_int_eq(sim_vcd_open(&vcd, path), SIM_OK);
	ck_assert_int_eq(sim_signal_trace(&s, &vcd, "m"), SIM_OK);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(1)), SIM_STOP_TIME);
	sim_signal_write(&s, 0xabd);
	settle(&k);
	ck_assert_int_eq(sim_vcd_close(&vcd, sim_now(&k)), SIM_OK);
	text = slurp_file(path, NULL);
	vcd_parse(text, &r);
	ck_assert_str_eq(r.changes, "0 m.bus 2748\n1000 m.bus 2749\n");
	free(text);
	sim_signal_destroy(&s);
	sim_kernel_destroy(&k);
}
END_TEST

static Suite *signal_suite(void)
{
	Suite *s = suite_create("sim:signal");
	TCase *w = tcase_create("width");
	TCase *u = tcase_create("update");
	TCase *d = tcase_create("destroy");
	TCase *v = tcase_create("vcd");

	tcase_add_loop_test(w, test_width_masking, 1, 65);
	tcase_add_test(w, test_invalid_widths);
	suite_add_tcase(s, w);

	tcase_add_test(u, test_write_visible_after_update);
	tcase_add_test(u, test_change_counter);
	tcase_add_test(u, test_observers_only_on_change);
	suite_add_tcase(s, u);

	tcase_add_test(d, test_destroy_with_pending_update);
	tcase_add_test(d, test_destroy_with_pending_notification);
	tcase_add_test(d, test_destroy_observed_signal);
	suite_add_tcase(s, d);

	tcase_add_unchecked_fixture(v, tmp_setup, tmp_teardown);
	tcase_add_test(v, test_vcd_trace);
	tcase_add_test(v, test_vcd_trace_current_value);
	suite_add_tcase(s, v);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(signal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
