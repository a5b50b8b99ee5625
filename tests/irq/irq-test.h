/*
 * tests/irq/irq-test.h - helpers the irq/ test programs share: a kernel
 * whose reports are captured (so a test can check that a device or
 * software bug was reported), and a recording interrupt sink. Each test
 * program is one translation unit; everything here is static.
 */
#ifndef PCISIM_TESTS_IRQ_TEST_H
#define PCISIM_TESTS_IRQ_TEST_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "irq/ctrl.h"
#include "sim/kernel.h"

struct reports {
	unsigned warnings;
	char last[256];
};

static void capture_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	struct reports *r = opaque;

	(void)now_ps;
	if (sev >= SIM_SEV_WARNING)
		r->warnings++;
	snprintf(r->last, sizeof(r->last), "%s", msg);
}

static inline void kernel_up(struct sim_kernel *k, struct reports *r)
{
	struct sim_kernel_config cfg;

	memset(r, 0, sizeof(*r));
	sim_kernel_config_default(&cfg);
	cfg.report = capture_report;
	cfg.report_opaque = r;
	ck_assert_int_eq(sim_kernel_init(k, &cfg), SIM_OK);
}

/* A sink that records every delivery; EOIs are the test's business. */
#define REC_MAX 64
struct rec {
	unsigned n;
	unsigned cpu[REC_MAX], vector[REC_MAX];
	struct irq_delivery d[REC_MAX];
	int eoi_in_callback; /* >= 0: EOI this vector from inside deliver */
};

static void rec_deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
			const struct irq_delivery *d)
{
	struct rec *r = opaque;

	if (r->n < REC_MAX) {
		r->cpu[r->n] = cpu;
		r->vector[r->n] = vector;
		r->d[r->n] = *d;
	}
	r->n++;
	if (r->eoi_in_callback >= 0 && (unsigned)r->eoi_in_callback == vector)
		irq_ctrl_eoi(c, cpu, vector);
}

static const struct irq_sink_ops rec_ops = { .deliver = rec_deliver };

static inline void rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->eoi_in_callback = -1;
}

#endif /* PCISIM_TESTS_IRQ_TEST_H */
