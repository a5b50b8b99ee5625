/*
 * tests/hostos/interrupt/test-interrupt.c - cmocka tests of device objects
 * and interrupt objects (hostos/devices.h, spec §4): resources and the
 * message count policy, the three IoConnectInterruptEx forms and
 * IoConnectInterrupt, shared level lines (claim order, redelivery), a
 * storm, message-based connects (4 messages, the one-message fallback,
 * the fallback to the line), the interrupt spin lock and
 * KeSynchronizeExecution against an ISR running on another CPU, nesting
 * by DIRQL, DPCs after the ISR, and every misuse with its code.
 *
 * The interrupt controller is a fake in this file (struct fake): level
 * inputs with in-service until EOI and redelivery while asserted, as
 * irq/ctrl.h has them, and devices whose "interrupt pending" register the
 * driver reads and clears through intr_hw_pending() / intr_hw_ack().
 * tests/hostos/interrupt/test-platform-intr.c runs a driver on the real
 * controller and machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/intr-driver.h"
#include "hostos/devices.h"
#include "hostos/latency.h"
#include "hostos/os.h"
#include "hostos/seeds.h"
#include "hostos/test-cmocka.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"

#define STATUS_SUCCESS 0
#define STATUS_INVALID_PARAMETER ((int32_t)0xC000000D)
#define STATUS_INVALID_DEVICE_REQUEST ((int32_t)0xC0000010)
#define STATUS_INVALID_PARAMETER_1 ((int32_t)0xC00000EF)
#define STATUS_INVALID_PARAMETER_10 ((int32_t)0xC00000F8)
#define STATUS_NOT_FOUND ((int32_t)0xC0000225)
#define CONNECT_LINE_BASED 2u
#define CONNECT_MESSAGE_BASED 3u

/* ---- the fake controller and devices ---- */

struct hw {
	int pending;
	uint32_t line;        /* HOSTOS_NO_LINE: messages */
	uint32_t source;
	bool edge;            /* its line is edge-triggered */
	struct hostos_device *dev;
};

#define LINES 32u

static struct fake {
	struct hostos *os;
	bool in_service[LINES];
	unsigned vector[LINES], cpu[LINES];
	unsigned eois, redeliveries;
	struct hw hw[INTR_CTX];
} fk;

int intr_hw_pending(void *hw)
{
	return ((struct hw *)hw)->pending;
}

static bool line_up(uint32_t line)
{
	for (unsigned i = 0; i < INTR_CTX; i++)
		if (fk.hw[i].dev && fk.hw[i].line == line && fk.hw[i].pending)
			return true;
	return false;
}

void intr_hw_ack(void *hw)
{
	((struct hw *)hw)->pending = 0;
}

static void fake_eoi(void *opaque, unsigned cpu, unsigned vector)
{
	(void)opaque;
	fk.eois++;
	for (unsigned l = 0; l < LINES; l++)
		if (fk.in_service[l] && fk.vector[l] == vector && fk.cpu[l] == cpu) {
			fk.in_service[l] = false;
			if (line_up(l)) {
				fk.in_service[l] = true;
				fk.redeliveries++;
				hostos_interrupt_deliver(fk.os, cpu, vector, true);
			}
		}
}

static int fake_level(void *opaque, uint32_t line)
{
	(void)opaque;
	return line_up(line);
}

static int fake_source(void *opaque, uint32_t line, uint32_t source)
{
	(void)opaque;
	for (unsigned i = 0; i < INTR_CTX; i++)
		if (fk.hw[i].dev && fk.hw[i].line == line && fk.hw[i].source == source)
			return fk.hw[i].pending ? 1 : 0;
	return -1;
}

static const struct hostos_irq_ops fake_ops = {
	.eoi = fake_eoi, .line_level = fake_level, .source_asserts = fake_source,
};

/* Device @i raises its interrupt: its line (if it rises and is not in
 * service) or its message @msg. */
static void hw_raise(unsigned i, unsigned msg)
{
	struct hw *h = &fk.hw[i];
	struct hostos_intr_resource r;

	h->pending = 1;
	if (hostos_device_messages(h->dev)) {
		assert_int_equal(hostos_device_message(h->dev, msg, &r), SIM_OK);
		hostos_interrupt_deliver(fk.os, r.cpu, r.vector, false);
		return;
	}
	if (hostos_device_line(h->dev, &r) != SIM_OK)
		return;
	if (h->edge) { /* every rise is delivered, no EOI needed */
		hostos_interrupt_deliver(fk.os, r.cpu, r.vector, false);
		return;
	}
	if (fk.in_service[h->line])
		return;
	fk.in_service[h->line] = true;
	fk.vector[h->line] = r.vector;
	fk.cpu[h->line] = r.cpu;
	hostos_interrupt_deliver(fk.os, r.cpu, r.vector, false);
}

/* Timed raises: an event per raise. */
struct fire {
	struct sim_event ev;
	unsigned dev, msg;
	unsigned vector;      /* non-zero: deliver this vector on CPU 0 instead */
};

#define FIRES 8
static struct fire fires[FIRES];
static unsigned n_fires;

static void fire_fn(struct sim_kernel *k, void *opaque)
{
	struct fire *f = opaque;

	(void)k;
	if (f->vector)
		hostos_interrupt_deliver(fk.os, 0, f->vector, false);
	else
		hw_raise(f->dev, f->msg);
}

static struct sim_kernel kern;
static struct hostos *os;

static void at(sim_time_t when, unsigned dev, unsigned msg, unsigned vector)
{
	struct fire *f = &fires[n_fires++];

	f->dev = dev;
	f->msg = msg;
	f->vector = vector;
	sim_event_init(&kern, &f->ev, "test.fire", fire_fn, f);
	assert_int_equal(sim_event_schedule_at(&f->ev, when), SIM_OK);
}

/* ---- machines ---- */

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
	memset(&fk, 0, sizeof(fk));
	memset(&intr_obs, 0, sizeof(intr_obs));
	fk.os = os;
	n_fires = 0;
	assert_int_equal(hostos_set_irq_ops(os, &fake_ops, NULL), SIM_OK);
}

static void shutdown(void)
{
	hostos_destroy(os);
	os = NULL;
	for (unsigned i = 0; i < n_fires; i++)
		sim_event_destroy(&fires[i].ev);
	sim_kernel_destroy(&kern);
}

static struct hostos_config config(unsigned cpus, bool strict)
{
	struct hostos_config c;

	hostos_config_default(&c);
	c.cpus = cpus;
	c.strict = strict;
	return c;
}

/* Device @i: on @line (or none) with @msgs MSI messages capable. */
static void device(unsigned i, uint32_t line, enum hostos_msg_kind kind, unsigned capable,
		   bool msi_supported, unsigned limit)
{
	struct hostos_device_desc d = {
		.name = "dev", .bus = 1, .device = i, .function = 0, .line = line,
		.msg = kind, .msg_capable = capable, .msi_supported = msi_supported,
		.message_number_limit = limit,
		.ranges = { { .start = 0xc0000000u + 0x10000u * i, .length = 0x1000 } },
		.n_ranges = 1,
	};

	assert_int_equal(hostos_device_create(os, &d, &fk.hw[i].dev), SIM_OK);
	fk.hw[i].line = line;
	fk.hw[i].source = hostos_device_source(fk.hw[i].dev);
}

/* Device @i on edge-triggered input @line. */
static void edge_device(unsigned i, uint32_t line)
{
	struct hostos_device_desc d = {
		.name = "edge", .bus = 1, .device = i, .line = line, .line_edge = true,
	};

	assert_int_equal(hostos_device_create(os, &d, &fk.hw[i].dev), SIM_OK);
	fk.hw[i].line = line;
	fk.hw[i].edge = true;
	fk.hw[i].source = hostos_device_source(fk.hw[i].dev);
}

/* Bind context @i to device @i and start it on CPU @cpu. */
static void start(unsigned i, enum intr_connect how, unsigned flags, unsigned stall_us,
		  unsigned cpu)
{
	intr_bind((int)i, hostos_device_pdo(fk.hw[i].dev), &fk.hw[i], how, flags, stall_us);
	assert_int_equal(hostos_device_start(fk.hw[i].dev, HOSTOS_START_ROUTINE(intr_start), cpu,
					     NULL),
			 SIM_OK);
}

static struct hostos_intr_stats stats(void)
{
	struct hostos_intr_stats s;

	hostos_interrupt_stats(os, &s);
	return s;
}

/* ---- resources ---- */

static void test_resources_line(void **state)
{
	struct hostos_config c = config(2, false);
	struct hostos_intr_resource r;

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	device(1, 17, HOSTOS_MSG_MSI, 4, false, 0); /* MSI, but the INF does not say so */
	start(0, INTR_LINE_BASED, 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(hostos_device_status(fk.hw[0].dev), STATUS_SUCCESS);
	/* one vector for the shared input, DIRQL = vector / 16 */
	assert_int_equal(hostos_device_line(fk.hw[0].dev, &r), SIM_OK);
	assert_int_equal(r.vector, HOSTOS_VECTOR_FIRST);
	assert_int_equal(r.irql, HOSTOS_VECTOR_FIRST >> 4);
	assert_int_equal(hostos_device_messages(fk.hw[1].dev), 0);
	assert_int_equal(hostos_device_line(fk.hw[1].dev, &r), SIM_OK);
	assert_int_equal(r.vector, HOSTOS_VECTOR_FIRST);
	/* what the start routine read */
	assert_int_equal(intr_obs.c[0].n_res, 2);
	assert_int_equal(intr_obs.c[0].mem_count, 1);
	assert_true(intr_obs.c[0].mem_start == 0xc0000000u);
	assert_int_equal(intr_obs.c[0].int_flags, 0);  /* LEVEL_SENSITIVE */
	assert_int_equal(intr_obs.c[0].int_share, 3);  /* CmResourceShareShared */
	assert_int_equal(intr_obs.c[0].raw_level, 17); /* the input */
	assert_int_equal(intr_obs.c[0].raw_vector, 17);
	assert_int_equal(intr_obs.c[0].tr_level, 5);
	assert_int_equal(intr_obs.c[0].tr_vector, HOSTOS_VECTOR_FIRST);
	assert_true(intr_obs.c[0].tr_affinity == 1);
	assert_int_equal(intr_obs.c[0].version, CONNECT_LINE_BASED);
	assert_true(hostos_thread_done(NULL) == false);
	shutdown();
}

static void test_resources_msi_policy(void **state)
{
	struct hostos_config c = config(1, false);
	struct hostos_intr_resource r0, r3;

	(void)state;
	c.interrupt_messages_max = 8;
	boot(&c);
	device(0, 16, HOSTOS_MSG_MSI, 4, true, 0);   /* 4 granted */
	device(1, 16, HOSTOS_MSG_MSI, 16, true, 0);  /* above the OS's 8: one */
	device(2, 16, HOSTOS_MSG_MSI, 32, true, 0);  /* MSI above 16: one */
	device(3, 16, HOSTOS_MSG_MSI, 32, true, 6);  /* MessageNumberLimit 6 -> 4 */
	assert_int_equal(hostos_device_messages(fk.hw[0].dev), 4);
	assert_int_equal(hostos_device_messages(fk.hw[1].dev), 1);
	assert_int_equal(hostos_device_messages(fk.hw[2].dev), 1);
	assert_int_equal(hostos_device_messages(fk.hw[3].dev), 4);
	/* an MSI block: contiguous, aligned, one address, data + n */
	assert_int_equal(hostos_device_message(fk.hw[0].dev, 0, &r0), SIM_OK);
	assert_int_equal(hostos_device_message(fk.hw[0].dev, 3, &r3), SIM_OK);
	assert_int_equal(r0.vector % 4, 0);
	assert_int_equal(r3.vector, r0.vector + 3);
	assert_true(r0.address == r3.address && r0.address == HOSTOS_MSI_ADDRESS);
	assert_int_equal(r3.data, r0.data + 3);
	assert_int_equal(hostos_device_message(fk.hw[0].dev, 4, &r3), SIM_ERR_INVALID);
	/* messages, so no line */
	assert_int_equal(hostos_device_line(fk.hw[0].dev, &r3), SIM_ERR_STATE);
	shutdown();
}

static void test_resources_msix_spread(void **state)
{
	struct hostos_config c = config(2, false);
	struct hostos_intr_resource r;

	(void)state;
	boot(&c);
	device(0, HOSTOS_NO_LINE, HOSTOS_MSG_MSIX, 3, true, 0);
	assert_int_equal(hostos_device_messages(fk.hw[0].dev), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(hostos_device_message(fk.hw[0].dev, i, &r), SIM_OK);
		assert_int_equal(r.cpu, i % 2);
		assert_true(r.address == (HOSTOS_MSI_ADDRESS | (uint64_t)(i % 2) << 12));
	}
	shutdown();
}

static void test_device_create_errors(void **state)
{
	struct hostos_device_desc d = { .line = HOSTOS_NO_LINE, .device = 32 };
	struct hostos_device *dev;

	(void)state;
	boot(NULL);
	assert_int_equal(hostos_device_create(os, &d, &dev), SIM_ERR_INVALID);
	d.device = 0;
	d.msg = HOSTOS_MSG_MSI;
	d.msg_capable = 64;
	assert_int_equal(hostos_device_create(os, &d, &dev), SIM_ERR_INVALID);
	assert_int_equal(hostos_device_create(NULL, &d, &dev), SIM_ERR_INVALID);
	assert_int_equal(hostos_set_irq_ops(os, &(struct hostos_irq_ops){ 0 }, NULL),
			 SIM_ERR_INVALID);
	assert_int_equal(hostos_interrupt_deliver(os, 1, 0x50, false), SIM_ERR_INVALID);
	assert_int_equal(hostos_interrupt_deliver(os, 0, 3, false), SIM_ERR_INVALID);
	shutdown();
}

/* ---- shared level lines ---- */

static void two_on_a_line(unsigned flags0, unsigned flags1, const struct hostos_config *c)
{
	boot(c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	device(1, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, flags0, 0, 0);
	start(1, INTR_CLASSIC, flags1, 0, 0);
}

static void test_shared_claim_order(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	two_on_a_line(0, 0, &c);
	at(SIM_US(10), 1, 0, 0);  /* device 1: 0 declines, 1 claims */
	at(SIM_US(20), 0, 0, 0);  /* device 0: 0 claims, 1 not asked */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[1].version, 0); /* IoConnectInterrupt */
	assert_int_equal(intr_obs.n_order, 3);
	assert_int_equal(intr_obs.order[0], 0);
	assert_int_equal(intr_obs.order[1], 1);
	assert_int_equal(intr_obs.order[2], 0);
	assert_int_equal(intr_obs.c[0].claims, 1);
	assert_int_equal(intr_obs.c[1].claims, 1);
	assert_int_equal(intr_obs.c[0].dpcs, 1);
	assert_int_equal(intr_obs.c[1].dpcs, 1);
	assert_int_equal(intr_obs.c[0].isr_irql, 5);
	assert_int_equal(intr_obs.c[0].dpc_irql, 2);
	assert_int_equal(fk.redeliveries, 0);
	assert_int_equal(fk.eois, 2);
	shutdown();
}

static void test_shared_redelivery(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	two_on_a_line(0, 0, &c);
	at(SIM_US(10), 0, 0, 0);
	at(SIM_US(10), 1, 0, 0);  /* both: 0 claims; EOI; again: 0 declines, 1 claims */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.n_order, 3);
	assert_int_equal(intr_obs.order[0], 0);
	assert_int_equal(intr_obs.order[1], 0);
	assert_int_equal(intr_obs.order[2], 1);
	assert_int_equal(fk.redeliveries, 1);
	assert_int_equal(stats().dispatches, 2);
	assert_int_equal(stats().claimed, 2);
	shutdown();
}

static void test_storm(void **state)
{
	struct hostos_config c = config(1, false);

	(void)state;
	c.storm_passes = 20;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_NO_ACK, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	/* the same ISR claims while the line stays up: P4 = 1, not chained */
	hostos_assert_bugcheck(os, 0xF2, intr_isr_address(), intr_ctx_address(0), intr_object(0),
			       1);
	assert_true(fk.redeliveries >= 19);
	shutdown();
}

static void test_storm_chained_false_claim(void **state)
{
	struct hostos_config c = config(1, false);

	(void)state;
	c.storm_passes = 20;
	two_on_a_line(INTR_ALWAYS, 0, &c);
	at(SIM_US(10), 1, 0, 0);  /* 0 claims what is 1's, every time */
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xF2, intr_isr_address(), intr_ctx_address(0), intr_object(0),
			       2);
	assert_true(stats().false_claims >= 19); /* warnings, not strict */
	assert_true(hostos_warnings(os) >= 19);
	shutdown();
}

static void test_false_claim_strict(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	two_on_a_line(INTR_ALWAYS, 0, &c);
	at(SIM_US(10), 1, 0, 0);
	hostos_run(os);
	hostos_assert_bugcheck(os, HOSTOS_ISR_FALSE_CLAIM, intr_isr_address(), intr_ctx_address(0),
			       intr_object(0), HOSTOS_VECTOR_FIRST);
	shutdown();
}

static void test_missed_strict(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	two_on_a_line(INTR_NEVER, 0, &c);
	at(SIM_US(10), 0, 0, 0);  /* 0 clears its device but says FALSE */
	hostos_run(os);
	hostos_assert_bugcheck(os, HOSTOS_ISR_MISSED, intr_isr_address(), intr_ctx_address(0),
			       intr_object(0), HOSTOS_VECTOR_FIRST);
	shutdown();
}

/* An edge input: the chain is walked again until a pass claims nothing,
 * so both ISRs claim in the first pass and both decline in the second. */
static void test_edge_chain_loops(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	edge_device(0, 20);
	edge_device(1, 20);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	start(1, INTR_CLASSIC, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	at(SIM_US(10), 1, 0, 0); /* merged with the first: one dispatch */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].int_flags, 1); /* LATCHED */
	assert_int_equal(intr_obs.c[0].int_share, 3); /* shared */
	assert_int_equal(intr_obs.c[1].connect_status, STATUS_SUCCESS);
	assert_int_equal(stats().dispatches, 1);
	assert_int_equal(stats().merged, 1);
	assert_int_equal(intr_obs.n_order, 4);
	assert_int_equal(intr_obs.order[0], 0);
	assert_int_equal(intr_obs.order[1], 1);
	assert_int_equal(intr_obs.order[2], 0);
	assert_int_equal(intr_obs.order[3], 1);
	assert_int_equal(fk.eois, 0); /* edges need none */
	shutdown();
}

/* An edge chain whose ISRs always claim never ends a pass empty: a storm
 * after storm_passes passes, P4 = 2 (chained). */
static void test_edge_storm(void **state)
{
	struct hostos_config c = config(1, false);

	(void)state;
	c.storm_passes = 10;
	boot(&c);
	edge_device(0, 20);
	edge_device(1, 20);
	start(0, INTR_LINE_BASED, INTR_ALWAYS, 0, 0);
	start(1, INTR_CLASSIC, 0, 0, 0);
	at(SIM_US(10), 1, 0, 0);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xF2, intr_isr_address(), intr_ctx_address(0), intr_object(0),
			       2);
	shutdown();
}

/* ---- messages ---- */

static void test_message_based_four(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 16, HOSTOS_MSG_MSI, 4, true, 0);
	start(0, INTR_MESSAGE_BASED, 0, 0, 0);
	at(SIM_US(10), 0, 2, 0);
	at(SIM_US(20), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].version, CONNECT_MESSAGE_BASED);
	assert_int_equal(intr_obs.c[0].message_count, 4);
	assert_int_equal(intr_obs.c[0].int_flags, 3); /* LATCHED | MESSAGE */
	assert_int_equal(intr_obs.c[0].raw_count, 4);
	assert_int_equal(intr_obs.c[0].unified_irql, 5);
	assert_int_equal(intr_obs.c[0].msg_vector[2], intr_obs.c[0].msg_vector[0] + 2);
	assert_int_equal(intr_obs.c[0].isr_calls, 2);
	assert_int_equal(intr_obs.c[0].msg_ids[0], 2);
	assert_int_equal(intr_obs.c[0].msg_ids[1], 0);
	assert_int_equal(intr_obs.c[0].dpcs, 2);
	shutdown();
}

static void test_message_based_one(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	c.interrupt_messages_max = 2;
	boot(&c);
	device(0, 16, HOSTOS_MSG_MSI, 4, true, 0);
	start(0, INTR_MESSAGE_BASED, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].message_count, 1);
	assert_int_equal(intr_obs.c[0].raw_count, 1);
	assert_int_equal(intr_obs.c[0].msg_ids[0], 0);
	assert_int_equal(intr_obs.c[0].dpcs, 1);
	shutdown();
}

static void test_message_fallback_line(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 16, HOSTOS_MSG_MSI, 4, false, 0); /* no MSISupported */
	start(0, INTR_MESSAGE_BASED, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].connect_status, STATUS_SUCCESS);
	assert_int_equal(intr_obs.c[0].version, CONNECT_LINE_BASED);
	assert_int_equal(intr_obs.c[0].message_count, 0);
	assert_int_equal(intr_obs.c[0].claims, 1);
	shutdown();
}

static void test_line_based_one_message(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	c.interrupt_messages_max = 1;
	boot(&c);
	device(0, 16, HOSTOS_MSG_MSI, 2, true, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].connect_status, STATUS_SUCCESS);
	assert_int_equal(intr_obs.c[0].claims, 1);
	shutdown();
}

static void test_fully_specified(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_FULLY, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].connect_status, STATUS_SUCCESS);
	assert_int_equal(intr_obs.c[0].claims, 1);
	shutdown();
}

/* ---- execution model ---- */

static void test_idle_cpu_runs_isr_and_dpc(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	at(SIM_US(50), 0, 0, 0); /* long after the start thread returned */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[0].claims, 1);
	assert_int_equal(intr_obs.c[0].dpcs, 1);
	shutdown();
}

static void test_dpc_waits_for_spin_lock(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	hostos_run(os);
	assert_int_equal(hostos_thread_start(os, "hold", intr_hold_scenario, NULL, 0, NULL),
			 SIM_OK);
	at(sim_now(&kern) + SIM_US(2), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	/* The ISR ran inside the stall at DISPATCH_LEVEL (DIRQL 5 > 2); its
	 * DPC only when the lock's release dropped below DISPATCH_LEVEL. */
	assert_int_equal(intr_obs.c[0].claims, 1);
	assert_int_equal(intr_obs.dpcs_before_release, 0);
	assert_int_equal(intr_obs.dpcs_after_release, 1);
	shutdown();
}

static void test_nested_by_dirql(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 10, 0);
	assert_int_equal(hostos_thread_start(os, "high", intr_nested_connect, NULL, 0, NULL),
			 SIM_OK);
	at(SIM_US(10), 0, 0, 0);
	at(SIM_US(15), 0, 0, 0x90); /* IRQL 9 during the IRQL 5 ISR's stall */
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(intr_obs.n_nested, 3);
	assert_int_equal(intr_obs.nested_order[0], 1);
	assert_int_equal(intr_obs.nested_order[1], 2);
	assert_int_equal(intr_obs.nested_order[2], 3);
	shutdown();
}

static void test_synchronize_execution_other_cpu(void **state)
{
	struct hostos_config c = config(2, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 10, 0);
	hostos_run(os);
	/* The ISR holds the interrupt lock on CPU 0 from +1 us to +11 us;
	 * CPU 1 calls KeSynchronizeExecution at +3 us and spins. */
	at(sim_now(&kern) + SIM_US(1), 0, 0, 0);
	assert_int_equal(hostos_thread_start(os, "sync", intr_sync_scenario, NULL, 1, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.sync_ran, 1);
	assert_int_equal(intr_obs.sync_saw_inside, 0);
	assert_int_equal(intr_obs.sync_saw_calls, 1);
	assert_int_equal(intr_obs.sync_irql, 5);
	shutdown();
}

/* The same race under 16 perturbed schedules. */
static int sync_under_seed(uint64_t seed, void *arg)
{
	struct hostos_config c = config(2, true);
	int bad;

	(void)arg;
	c.seed = seed;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 10, 0);
	hostos_run(os);
	at(sim_now(&kern) + SIM_US(1), 0, 0, 0);
	assert_int_equal(hostos_thread_start(os, "sync", intr_sync_scenario, NULL, 1, NULL),
			 SIM_OK);
	hostos_run(os);
	bad = hostos_bugchecked(os) || intr_obs.sync_ran != 1 || intr_obs.sync_saw_inside != 0;
	shutdown();
	return bad;
}

static void test_synchronize_execution_seeds(void **state)
{
	(void)state;
	assert_int_equal(hostos_for_seeds(1, 16, sync_under_seed, NULL, NULL), 0);
}

/* An ISR is watched like a DPC: over dpc_limit_ps it is 0x133, P1 = 0. */
static void test_isr_watchdog(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 2000, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0x133, 0, 1000, 1000, 0);
	shutdown();
}

/* Each ISR is a span named "ISR" on its CPU's track. */
static void test_isr_trace(void **state)
{
	struct hostos_config c = config(1, true);
	struct sim_ctrace tr;
	char path[] = "/tmp/pcisim-intr-trace-XXXXXX";
	char buf[8192];
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fclose(fdopen(fd, "w"));
	memset(&tr, 0, sizeof(tr));
	assert_int_equal(sim_ctrace_open(&tr, path), SIM_OK);
	boot(&c);
	assert_int_equal(hostos_set_ctrace(os, &tr), SIM_OK);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	shutdown();
	assert_int_equal(sim_ctrace_close(&tr), SIM_OK);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	remove(path);
	assert_non_null(strstr(buf, "\"ISR\""));
	assert_non_null(strstr(buf, "\"DPC\""));
}

static void test_interrupt_spin_lock(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	hostos_run(os);
	assert_int_equal(hostos_thread_start(os, "lock", intr_lock_scenario, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.lock_old_irql, 0);
	assert_int_equal(intr_obs.lock_irql, 5);
	assert_int_equal(intr_obs.after_release_irql, 0);
	shutdown();
}

static void test_disconnect(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	device(1, 16, HOSTOS_MSG_MSI, 4, true, 0);
	device(2, 18, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	start(1, INTR_MESSAGE_BASED, 0, 0, 0);
	start(2, INTR_CLASSIC, 0, 0, 0);
	hostos_run(os);
	assert_int_equal(hostos_thread_start(os, "disc", intr_disconnect_all, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	at(sim_now(&kern) + SIM_US(1), 1, 1, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.c[1].isr_calls, 0);
	assert_int_equal(stats().unexpected, 1);
	shutdown();
}

static void test_isr_time_warning(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 30, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(stats().isr_slow, 1);
	assert_int_equal(hostos_warnings(os), 1);
	shutdown();
}

/* hostos/latency.h: an ISR that stalls 30 us measures at least 30 us (and
 * within the 12.5% bucket); the DPC it queued starts after the interrupt's
 * delivery, later than the ISR's own time. */
static void test_latency_stats(void **state)
{
	struct hostos_config c = config(1, false);
	struct hostos_latency_stats l;

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_STALL, 30, 0);
	at(SIM_US(10), 0, 0, 0);
	at(SIM_US(200), 0, 0, 0);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	hostos_latency_stats(os, &l);
	assert_int_equal(l.isr.count, 2);
	assert_true(l.isr.min_ps >= SIM_US(30));
	assert_true(l.isr.p99_ps >= l.isr.max_ps * 7 / 8 && l.isr.p99_ps <= l.isr.max_ps);
	assert_true(l.isr.mean_ps >= l.isr.min_ps && l.isr.mean_ps <= l.isr.max_ps);
	assert_int_equal(l.irq_to_dpc.count, 2);
	assert_true(l.irq_to_dpc.min_ps >= SIM_US(30)); /* after the ISR's stall */
	assert_true(l.dpc.count >= 2);
	assert_int_equal(l.unmatched, 0);
	shutdown();
}

/* ---- misuse ---- */

static void test_connect_errors(void **state)
{
	struct hostos_config c = config(1, true);

	(void)state;
	boot(&c);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	device(1, 16, HOSTOS_MSG_MSI, 4, true, 0);
	device(2, HOSTOS_NO_LINE, HOSTOS_MSG_NONE, 0, false, 0);
	for (int i = 0; i < 3; i++)
		intr_bind(i, hostos_device_pdo(fk.hw[i].dev), &fk.hw[i], INTR_LINE_BASED, 0, 0);
	assert_int_equal(hostos_thread_start(os, "errors", intr_connect_errors, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(intr_obs.status[0], STATUS_INVALID_PARAMETER_1);
	assert_int_equal(intr_obs.status[1], STATUS_INVALID_PARAMETER);
	assert_int_equal(intr_obs.status[2], STATUS_INVALID_PARAMETER_10);
	assert_int_equal(intr_obs.status[3], STATUS_INVALID_DEVICE_REQUEST);
	assert_int_equal(intr_obs.status[4], STATUS_NOT_FOUND);
	assert_int_equal(intr_obs.status[5], STATUS_INVALID_PARAMETER);
	assert_int_equal(intr_obs.status[7], STATUS_SUCCESS);
	assert_int_equal(intr_obs.status[6], STATUS_INVALID_PARAMETER);
	assert_int_equal(intr_obs.status[8], STATUS_INVALID_PARAMETER);
	assert_int_equal(intr_obs.status[9], STATUS_INVALID_PARAMETER_1);
	shutdown();
}

static void test_connect_at_dispatch(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	intr_bind(0, hostos_device_pdo(fk.hw[0].dev), &fk.hw[0], INTR_LINE_BASED, 0, 0);
	assert_int_equal(hostos_thread_start(os, "x", intr_connect_at_dispatch, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xA, HOSTOS_ANY, 2, 0, 0);
	shutdown();
}

static void test_isr_changes_irql(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_RAISE, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xC4, 0x111, intr_isr_address(), 5, 15);
	shutdown();
}

static void test_isr_returns_holding_lock(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, INTR_HOLD, 0, 0);
	at(SIM_US(10), 0, 0, 0);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xC4, 0x00040009, HOSTOS_ANY, 0, 0);
	shutdown();
}

static void test_passive_interrupt_lock(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	intr_bind(0, hostos_device_pdo(fk.hw[0].dev), &fk.hw[0], INTR_LINE_BASED, 0, 0);
	assert_int_equal(hostos_thread_start(os, "p", intr_passive_lock, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
	assert_int_equal(intr_obs.status[0], STATUS_SUCCESS);
	hostos_assert_bugcheck(os, 0x13B, 1, intr_object(3), 0, 0);
	shutdown();
}

static void test_interrupt_lock_cycle(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_LINE_BASED, 0, 0, 0);
	hostos_run(os);
	assert_int_equal(hostos_thread_start(os, "cycle", intr_lock_cycle, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0xC4, 0x1001, HOSTOS_ANY, 0, 0);
	shutdown();
}

static void test_bad_object(void **state)
{
	(void)state;
	boot(NULL);
	assert_int_equal(hostos_thread_start(os, "bad", intr_bad_object, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_bugcheck(os, 0x50, intr_ctx_address(0), 0, 0, 0);
	shutdown();
}

static void test_disconnect_twice(void **state)
{
	(void)state;
	boot(NULL);
	device(0, 17, HOSTOS_MSG_NONE, 0, false, 0);
	start(0, INTR_CLASSIC, 0, 0, 0);
	hostos_run(os);
	assert_int_equal(hostos_thread_start(os, "twice", intr_disconnect_twice, NULL, 0, NULL),
			 SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(hostos_warnings(os), 1);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resources_line),
		cmocka_unit_test(test_resources_msi_policy),
		cmocka_unit_test(test_resources_msix_spread),
		cmocka_unit_test(test_device_create_errors),
		cmocka_unit_test(test_shared_claim_order),
		cmocka_unit_test(test_shared_redelivery),
		cmocka_unit_test(test_storm),
		cmocka_unit_test(test_storm_chained_false_claim),
		cmocka_unit_test(test_false_claim_strict),
		cmocka_unit_test(test_missed_strict),
		cmocka_unit_test(test_edge_chain_loops),
		cmocka_unit_test(test_edge_storm),
		cmocka_unit_test(test_message_based_four),
		cmocka_unit_test(test_message_based_one),
		cmocka_unit_test(test_message_fallback_line),
		cmocka_unit_test(test_line_based_one_message),
		cmocka_unit_test(test_fully_specified),
		cmocka_unit_test(test_idle_cpu_runs_isr_and_dpc),
		cmocka_unit_test(test_dpc_waits_for_spin_lock),
		cmocka_unit_test(test_nested_by_dirql),
		cmocka_unit_test(test_synchronize_execution_other_cpu),
		cmocka_unit_test(test_synchronize_execution_seeds),
		cmocka_unit_test(test_isr_watchdog),
		cmocka_unit_test(test_isr_trace),
		cmocka_unit_test(test_interrupt_spin_lock),
		cmocka_unit_test(test_disconnect),
		cmocka_unit_test(test_isr_time_warning),
		cmocka_unit_test(test_latency_stats),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_connect_at_dispatch),
		cmocka_unit_test(test_isr_changes_irql),
		cmocka_unit_test(test_isr_returns_holding_lock),
		cmocka_unit_test(test_passive_interrupt_lock),
		cmocka_unit_test(test_interrupt_lock_cycle),
		cmocka_unit_test(test_bad_object),
		cmocka_unit_test(test_disconnect_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
