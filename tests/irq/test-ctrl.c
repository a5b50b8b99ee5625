/*
 * tests/irq/test-ctrl.c - Check tests of the interrupt controller
 * (irq/ctrl.h), the routing table (irq/route.h) and the simple sink
 * (irq/sink.h): the default x86 routing; wired-OR inputs with their
 * sources (one source deasserting while another holds the line); level
 * delivery with in-service and re-delivery after EOI, never re-entering
 * the sink; edge inputs; masking; a CPU without a sink; the MSI window in
 * a decoder (x86 address/data decode, Requester ID, refused messages
 * reported, reads answered UR, access sizes); per-vector and per-input
 * counters; VCD and Chrome traces, byte-identical across runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "bus/decode.h"
#include "irq/ctrl.h"
#include "irq/route.h"
#include "irq/sink.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/vcd.h"

#include "irq-test.h"

#define SRC_A 0x0100u /* 01:00.0 */
#define SRC_B 0x0108u /* 01:01.0 */
#define SRC_C 0x0110u

struct fixture {
	struct sim_kernel k;
	struct reports rep;
	struct irq_ctrl c;
	struct rec rec;
};

static void up(struct fixture *f, unsigned cpus)
{
	struct irq_ctrl_config cfg;

	kernel_up(&f->k, &f->rep);
	irq_ctrl_config_default(&cfg);
	cfg.n_cpus = cpus;
	ck_assert_int_eq(irq_ctrl_init(&f->c, &f->k, &cfg), SIM_OK);
	rec_init(&f->rec);
	for (unsigned i = 0; i < cpus; i++)
		ck_assert_int_eq(irq_ctrl_set_sink(&f->c, i, &rec_ops, &f->rec), SIM_OK);
}

static void down(struct fixture *f)
{
	irq_ctrl_destroy(&f->c);
	sim_kernel_destroy(&f->k);
}

START_TEST(test_route_default)
{
	struct irq_route r;

	/* The classic table rotates like a bridge (Bridge 1.2 §9.1):
	 * device D pin P -> 16 + (D + P - 1) mod 4. */
	irq_route_init_default(&r, IRQ_ROUTE_DEFAULT_BASE);
	ck_assert_uint_eq(irq_route_lookup(&r, 0, 1), 16);
	ck_assert_uint_eq(irq_route_lookup(&r, 0, 4), 19);
	ck_assert_uint_eq(irq_route_lookup(&r, 1, 1), 17);
	ck_assert_uint_eq(irq_route_lookup(&r, 3, 2), 16);
	ck_assert_uint_eq(irq_route_lookup(&r, 31, 4), 16 + (31 + 3) % 4);
	/* Pin 0 is "no INTx"; out-of-range numbers route nowhere. */
	ck_assert_uint_eq(irq_route_lookup(&r, 0, 0), IRQ_ROUTE_NONE);
	ck_assert_uint_eq(irq_route_lookup(&r, 32, 1), IRQ_ROUTE_NONE);
	ck_assert_uint_eq(irq_route_lookup(&r, 0, 5), IRQ_ROUTE_NONE);
	ck_assert_int_eq(irq_route_set(&r, 2, 3, 7), SIM_OK);
	ck_assert_uint_eq(irq_route_lookup(&r, 2, 3), 7);
	ck_assert_int_eq(irq_route_set(&r, 32, 1, 7), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_route_set(&r, 0, 0, 7), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_route_set(NULL, 0, 1, 7), SIM_ERR_INVALID);
	irq_route_init_none(&r);
	ck_assert_uint_eq(irq_route_lookup(&r, 0, 1), IRQ_ROUTE_NONE);
}
END_TEST

START_TEST(test_config_checked)
{
	struct sim_kernel k;
	struct reports rep;
	struct irq_ctrl c;
	struct irq_ctrl_config cfg;

	kernel_up(&k, &rep);
	irq_ctrl_config_default(&cfg);
	ck_assert_uint_eq(cfg.n_inputs, 24);
	ck_assert_uint_eq(cfg.msi_base, 0xfee00000u);
	ck_assert_uint_eq(cfg.msi_size, 0x100000u);
	cfg.n_inputs = 0;
	ck_assert_int_eq(irq_ctrl_init(&c, &k, &cfg), SIM_ERR_INVALID);
	irq_ctrl_config_default(&cfg);
	cfg.n_cpus = IRQ_CPUS_MAX + 1;
	ck_assert_int_eq(irq_ctrl_init(&c, &k, &cfg), SIM_ERR_INVALID);
	irq_ctrl_config_default(&cfg);
	cfg.msi_size = 2;
	ck_assert_int_eq(irq_ctrl_init(&c, &k, &cfg), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_init(NULL, &k, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_init(&c, &k, NULL), SIM_OK);
	/* Programming is checked: reserved vectors, CPUs, inputs. */
	ck_assert_int_eq(irq_ctrl_set_input(&c, 16, IRQ_TRIGGER_LEVEL, 15, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 16, IRQ_TRIGGER_LEVEL, 256, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 16, IRQ_TRIGGER_LEVEL, 0x30, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 24, IRQ_TRIGGER_LEVEL, 0x30, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 16, (enum irq_trigger)7, 0x30, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_mask(&c, 16, false), SIM_ERR_INVALID); /* unprogrammed */
	ck_assert_int_eq(irq_ctrl_input_set(&c, 24, SRC_A, true), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_input_sources(&c, 24, NULL, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_eoi(&c, 1, 0x30), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_ctrl_set_sink(&c, 1, &rec_ops, NULL), SIM_ERR_INVALID);
	irq_ctrl_destroy(&c);
	irq_ctrl_destroy(&c); /* twice is harmless */
	sim_kernel_destroy(&k);
}
END_TEST

/* PCI 3.0 §2.2.6: INTx# is wire-ORed; one function releasing the line
 * must not drop another's assertion. */
START_TEST(test_wired_or_sources)
{
	struct fixture f;
	struct irq_input_stats st;
	uint32_t src[4];

	up(&f, 1);
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 16, IRQ_TRIGGER_LEVEL, 0x41, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_A, true), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_B, true), SIM_OK);
	ck_assert(irq_ctrl_input_level(&f.c, 16));
	ck_assert_int_eq(irq_ctrl_input_sources(&f.c, 16, src, 4), 2);
	ck_assert_uint_eq(src[0], SRC_A);
	ck_assert_uint_eq(src[1], SRC_B);
	/* Delivered once, on the rise; then in service. */
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_uint_eq(f.rec.vector[0], 0x41);
	ck_assert_uint_eq(f.rec.d[0].input, 16);
	ck_assert_int_eq(f.rec.d[0].cause, IRQ_CAUSE_INPUT);
	ck_assert(!f.rec.d[0].redelivery);
	ck_assert(irq_ctrl_input_in_service(&f.c, 16));
	/* A repeated assertion is level state, not a new edge. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_A, true), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_sources(&f.c, 16, NULL, 0), 2);
	/* A deasserts while B holds the line. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_A, false), SIM_OK);
	ck_assert(irq_ctrl_input_level(&f.c, 16));
	ck_assert_int_eq(irq_ctrl_input_sources(&f.c, 16, src, 4), 1);
	ck_assert_uint_eq(src[0], SRC_B);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_C, false), SIM_OK); /* not asserting */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_B, false), SIM_OK);
	ck_assert(!irq_ctrl_input_level(&f.c, 16));
	ck_assert_int_eq(irq_ctrl_input_sources(&f.c, 16, src, 4), 0);
	ck_assert_int_eq(irq_ctrl_input_stats(&f.c, 16, &st), SIM_OK);
	ck_assert_uint_eq(st.asserts, 2);
	ck_assert_uint_eq(st.deasserts, 2);
	ck_assert_uint_eq(st.duplicates, 2);
	ck_assert_uint_eq(st.rises, 1);
	ck_assert_uint_eq(st.falls, 1);
	ck_assert_uint_eq(st.deliveries, 1);
	ck_assert_uint_eq(irq_ctrl_vector_count(&f.c, 0x41), 1);
	down(&f);
}
END_TEST

/* A level input still asserted at EOI is delivered again (the I/O APIC's
 * Remote IRR); one released before EOI is not. */
START_TEST(test_level_redelivery_after_eoi)
{
	struct fixture f;
	struct irq_input_stats st;

	up(&f, 1);
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 17, IRQ_TRIGGER_LEVEL, 0x50, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 17, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 1);
	/* In service: nothing more until EOI, whatever the kernel does. */
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 1);
	/* EOI of another vector releases nothing. */
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 0, 0x51), 0);
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 0, 0x50), 1);
	ck_assert(!irq_ctrl_input_in_service(&f.c, 17));
	ck_assert_uint_eq(f.rec.n, 1); /* next delta, not in the call */
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert(f.rec.d[1].redelivery);
	ck_assert_uint_eq(f.rec.d[1].input, 17);
	/* Released, then EOI: no re-delivery. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 17, SRC_A, false), SIM_OK);
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 0, 0x50), 1);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_int_eq(irq_ctrl_input_stats(&f.c, 17, &st), SIM_OK);
	ck_assert_uint_eq(st.deliveries, 2);
	ck_assert_uint_eq(st.redeliveries, 1);
	ck_assert_uint_eq(f.c.stats.eois, 3);
	ck_assert_uint_eq(f.c.stats.eoi_unmatched, 1);
	/* A new rise is delivered at once. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 17, SRC_B, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 3);
	down(&f);
}
END_TEST

/* A sink that acknowledges from inside its deliver callback is not
 * re-entered: the re-delivery comes one delta cycle later. */
START_TEST(test_eoi_from_sink_not_reentrant)
{
	struct fixture f;

	up(&f, 1);
	f.rec.eoi_in_callback = 0x60;
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 18, IRQ_TRIGGER_LEVEL, 0x60, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 18, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_int_eq(sim_step_delta(&f.k), SIM_STOP_STEP);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_int_eq(sim_step_delta(&f.k), SIM_STOP_STEP);
	ck_assert_uint_eq(f.rec.n, 3);
	ck_assert_uint_eq(sim_now(&f.k), 0);
	f.rec.eoi_in_callback = -1;
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 18, SRC_A, false), SIM_OK);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_le(f.rec.n, 4);
	down(&f);
}
END_TEST

START_TEST(test_edge_input)
{
	struct fixture f;
	struct irq_input_stats st;

	up(&f, 1);
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 5, IRQ_TRIGGER_EDGE, 0x35, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 1);
	/* No rise while another source already holds it. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_B, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_A, false), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_B, false), SIM_OK);
	/* Edges need no EOI: every rise is delivered. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert(!irq_ctrl_input_in_service(&f.c, 5));
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_A, false), SIM_OK);
	/* A rise while masked is lost, and unmasking does not bring it back. */
	ck_assert_int_eq(irq_ctrl_mask(&f.c, 5, true), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 5, SRC_A, true), SIM_OK);
	ck_assert_int_eq(irq_ctrl_mask(&f.c, 5, false), SIM_OK);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_int_eq(irq_ctrl_input_stats(&f.c, 5, &st), SIM_OK);
	ck_assert_uint_eq(st.masked_edges, 1);
	ck_assert_uint_eq(st.rises, 3);
	ck_assert_uint_eq(irq_ctrl_vector_count(&f.c, 0x35), 2);
	down(&f);
}
END_TEST

START_TEST(test_masked_level_and_missing_sink)
{
	struct fixture f;
	struct irq_input_stats st;

	up(&f, 2);
	/* Unprogrammed inputs start masked: the level is kept, not delivered. */
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 20, SRC_A, true), SIM_OK);
	ck_assert(irq_ctrl_input_level(&f.c, 20));
	ck_assert_uint_eq(f.rec.n, 0);
	/* Programming unmasks it: delivered in the next delta. */
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 20, IRQ_TRIGGER_LEVEL, 0x70, 1), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 0);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_uint_eq(f.rec.cpu[0], 1);
	/* Masked while in service, EOI, unmask: delivered again on unmask.
	 * An EOI on another CPU releases nothing. */
	ck_assert_int_eq(irq_ctrl_mask(&f.c, 20, true), SIM_OK);
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 0, 0x70), 0);
	ck_assert(irq_ctrl_input_in_service(&f.c, 20));
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 1, 0x70), 1);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_int_eq(irq_ctrl_mask(&f.c, 20, false), SIM_OK);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 2);
	/* CPU 0 without a sink: the level waits, counted, until one comes. */
	ck_assert_int_eq(irq_ctrl_set_sink(&f.c, 0, NULL, NULL), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 21, IRQ_TRIGGER_LEVEL, 0x71, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 21, SRC_B, true), SIM_OK);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_int_eq(irq_ctrl_input_stats(&f.c, 21, &st), SIM_OK);
	ck_assert_uint_eq(st.undelivered, 1);
	ck_assert_int_eq(irq_ctrl_set_sink(&f.c, 0, &rec_ops, &f.rec), SIM_OK);
	ck_assert_int_eq(sim_run(&f.k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(f.rec.n, 3);
	ck_assert_uint_eq(f.rec.vector[2], 0x71);
	down(&f);
}
END_TEST

static uint64_t wr(struct bus_decode *d, uint64_t addr, unsigned size, uint64_t val,
		   struct bus_decode_result *r)
{
	ck_assert_int_eq(bus_decode_write(d, addr, size, val, r), SIM_OK);
	return 0;
}

/* x86 MSI format (Intel SDM vol. 3, Message Signalled Interrupts):
 * destination ID in address bits 19:12, vector in data bits 7:0,
 * delivery mode in data bits 10:8. */
START_TEST(test_msi_window)
{
	struct fixture f;
	struct bus_decode d;
	struct bus_decode_result r;
	uint64_t v = 0;

	up(&f, 2);
	ck_assert_int_eq(bus_decode_init(&d), SIM_OK);
	ck_assert_int_eq(irq_ctrl_map(&f.c, &d, 10), SIM_OK);
	ck_assert_int_eq(irq_ctrl_map(&f.c, &d, 10), SIM_ERR_STATE);
	ck_assert_uint_ne(irq_ctrl_msi_region(&f.c), 0);
	ck_assert(irq_ctrl_in_window(&f.c, 0xfee00000u));
	ck_assert(irq_ctrl_in_window(&f.c, 0xfeeffffcu));
	ck_assert(!irq_ctrl_in_window(&f.c, 0xfeeffffeu));
	ck_assert(!irq_ctrl_in_window(&f.c, 0xfed00000u));

	/* CPU 1, vector 0x31, fixed, with the writer's Requester ID. */
	irq_ctrl_set_requester(&f.c, SRC_A);
	wr(&d, 0xfee01000u, 4, 0x0031, &r);
	irq_ctrl_set_requester(&f.c, IRQ_REQUESTER_UNKNOWN);
	ck_assert_int_eq(r.status, BUS_DECODE_OK);
	ck_assert_uint_eq(f.rec.n, 1);
	ck_assert_uint_eq(f.rec.cpu[0], 1);
	ck_assert_uint_eq(f.rec.vector[0], 0x31);
	ck_assert_int_eq(f.rec.d[0].cause, IRQ_CAUSE_MSI);
	ck_assert_uint_eq(f.rec.d[0].requester, SRC_A);
	ck_assert_uint_eq(f.rec.d[0].address, 0xfee01000u);
	ck_assert_uint_eq(f.rec.d[0].input, IRQ_NO_INPUT);
	/* Lowest priority (001) goes to the destination too; an unknown
	 * writer is reported as such. */
	wr(&d, 0xfee00000u, 4, 0x0142, &r);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_uint_eq(f.rec.cpu[1], 0);
	ck_assert_uint_eq(f.rec.vector[1], 0x42);
	ck_assert_uint_eq(f.rec.d[1].requester, IRQ_REQUESTER_UNKNOWN);
	ck_assert_uint_eq(f.c.stats.msi_delivered, 2);

	/* Refused and reported: a reserved vector, SMI delivery mode, a CPU
	 * that does not exist. */
	f.rep.warnings = 0;
	wr(&d, 0xfee00000u, 4, 0x000f, &r);
	ck_assert_ptr_nonnull(strstr(f.rep.last, "reserved vector"));
	wr(&d, 0xfee00000u, 4, 0x0231, &r);
	ck_assert_ptr_nonnull(strstr(f.rep.last, "delivery mode"));
	wr(&d, 0xfee05000u, 4, 0x0031, &r);
	ck_assert_ptr_nonnull(strstr(f.rep.last, "CPU"));
	ck_assert_uint_eq(f.rep.warnings, 3);
	ck_assert_uint_eq(f.c.stats.msi_refused, 3);
	ck_assert_uint_eq(f.rec.n, 2);

	/* Reads of the interrupt range are Unsupported Requests. */
	ck_assert_int_eq(bus_decode_read(&d, 0xfee00000u, 4, &v, &r), SIM_OK);
	ck_assert_int_eq(r.status, BUS_DECODE_UR);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_uint_eq(f.c.stats.msi_reads, 1);
	/* A message is one aligned DWORD: other sizes and alignments are
	 * refused by the decoder (UR) and never reach the controller. */
	wr(&d, 0xfee00000u, 2, 0x0031, &r);
	ck_assert(r.violation);
	ck_assert_int_eq(r.status, BUS_DECODE_UR);
	wr(&d, 0xfee00002u, 4, 0x0031, &r);
	ck_assert(r.violation);
	ck_assert_uint_eq(f.c.stats.msi_writes, 5);
	ck_assert_uint_eq(f.rec.n, 2);
	ck_assert_uint_eq(irq_ctrl_vector_count(&f.c, 0x31), 1);
	ck_assert_uint_eq(irq_ctrl_vector_count(&f.c, 0x42), 1);

	/* No sink on the target CPU: the message is lost, counted, reported. */
	ck_assert_int_eq(irq_ctrl_set_sink(&f.c, 1, NULL, NULL), SIM_OK);
	wr(&d, 0xfee01000u, 4, 0x0031, &r);
	ck_assert_uint_eq(f.c.stats.undelivered, 1);
	ck_assert_ptr_nonnull(strstr(f.rep.last, "no interrupt sink"));

	irq_ctrl_unmap(&f.c);
	ck_assert_uint_eq(irq_ctrl_msi_region(&f.c), 0);
	wr(&d, 0xfee00000u, 4, 0x0031, &r);
	ck_assert(r.master_abort);
	bus_decode_destroy(&d);
	down(&f);
}
END_TEST

static void count_cb(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
		     const struct irq_delivery *d)
{
	unsigned *n = opaque;

	(void)c;
	(void)cpu;
	(void)vector;
	(void)d;
	(*n)++;
}

/* The simple sink: a callback per vector, an automatic EOI after a delay,
 * so a level line still asserted comes back once per delay. */
START_TEST(test_simple_sink)
{
	struct sim_kernel k;
	struct reports rep;
	struct irq_ctrl c;
	struct irq_simple_sink s;
	unsigned calls = 0;

	kernel_up(&k, &rep);
	ck_assert_int_eq(irq_ctrl_init(&c, &k, NULL), SIM_OK);
	ck_assert_int_eq(irq_simple_sink_init(&s, &k, true, SIM_NS(500)), SIM_OK);
	ck_assert_int_eq(irq_simple_sink_set(&s, 0x80, count_cb, &calls), SIM_OK);
	ck_assert_int_eq(irq_simple_sink_set(&s, 256, count_cb, &calls), SIM_ERR_INVALID);
	ck_assert_int_eq(irq_simple_sink_install(&s, &c, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 16, IRQ_TRIGGER_LEVEL, 0x80, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(&c, 17, IRQ_TRIGGER_LEVEL, 0x81, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_input_set(&c, 16, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(calls, 1);
	/* Deliveries at 0, 500, 1000, 1500, 2000 ns while held. */
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(2100)), SIM_STOP_TIME);
	ck_assert_uint_eq(calls, 5);
	ck_assert_uint_eq(s.count[0x80], 5);
	ck_assert(s.last.redelivery);
	ck_assert_int_eq(irq_ctrl_input_set(&c, 16, SRC_A, false), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	ck_assert_uint_eq(calls, 5);
	/* A vector without a callback is counted as unhandled. */
	ck_assert_int_eq(irq_ctrl_input_set(&c, 17, SRC_A, true), SIM_OK);
	ck_assert_uint_eq(s.unhandled, 1);
	ck_assert_uint_eq(s.last_vector, 0x81);
	ck_assert_int_eq(irq_ctrl_input_set(&c, 17, SRC_A, false), SIM_OK);
	ck_assert_int_eq(sim_run(&k), SIM_STOP_FINISHED);
	irq_simple_sink_destroy(&s);
	irq_ctrl_destroy(&c);
	sim_kernel_destroy(&k);
}
END_TEST

/* One scripted run with both traces on; returns the bytes of each file. */
static void traced_run(const char *vcd_path, const char *json_path)
{
	struct fixture f;
	struct sim_vcd v;
	struct sim_ctrace t;
	struct bus_decode d;
	struct bus_decode_result r;

	up(&f, 1);
	ck_assert_int_eq(sim_vcd_open(&v, vcd_path), SIM_OK);
	ck_assert_int_eq(sim_ctrace_open(&t, json_path), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_vcd(&f.c, &v), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_ctrace(&f.c, &t), SIM_OK);
	ck_assert_int_eq(bus_decode_init(&d), SIM_OK);
	ck_assert_int_eq(irq_ctrl_map(&f.c, &d, 0), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_input(&f.c, 16, IRQ_TRIGGER_LEVEL, 0x41, 0), SIM_OK);
	ck_assert_int_eq(sim_run_until(&f.k, SIM_NS(10)), SIM_STOP_TIME);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_A, true), SIM_OK);
	ck_assert_int_eq(sim_run_until(&f.k, SIM_NS(20)), SIM_STOP_TIME);
	ck_assert_int_eq(irq_ctrl_eoi(&f.c, 0, 0x41), 1);
	ck_assert_int_eq(sim_run_until(&f.k, SIM_NS(30)), SIM_STOP_TIME);
	ck_assert_int_eq(irq_ctrl_input_set(&f.c, 16, SRC_A, false), SIM_OK);
	irq_ctrl_set_requester(&f.c, SRC_B);
	wr(&d, 0xfee00000u, 4, 0x0052, &r);
	ck_assert_int_eq(sim_vcd_close(&v, SIM_NS(40)), SIM_OK);
	ck_assert_int_eq(irq_ctrl_set_ctrace(&f.c, NULL), SIM_OK);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	irq_ctrl_set_vcd(&f.c, NULL);
	bus_decode_destroy(&d);
	down(&f);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 16) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

START_TEST(test_traces_deterministic)
{
	char v1[64], j1[64], v2[64], j2[64];
	char *a, *b;

	snprintf(v1, sizeof(v1), "/tmp/irq-ctrl-%d-1.vcd", (int)getpid());
	snprintf(j1, sizeof(j1), "/tmp/irq-ctrl-%d-1.json", (int)getpid());
	snprintf(v2, sizeof(v2), "/tmp/irq-ctrl-%d-2.vcd", (int)getpid());
	snprintf(j2, sizeof(j2), "/tmp/irq-ctrl-%d-2.json", (int)getpid());
	traced_run(v1, j1);
	traced_run(v2, j2);
	a = slurp(v1);
	b = slurp(v2);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "in16"));
	ck_assert_ptr_nonnull(strstr(a, "#10000"));   /* the rise at 10 ns */
	ck_assert_ptr_nonnull(strstr(a, "#30000"));   /* the fall at 30 ns */
	free(a);
	free(b);
	a = slurp(j1);
	b = slurp(j2);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "\"assert\""));
	ck_assert_ptr_nonnull(strstr(a, "\"deassert\""));
	ck_assert_ptr_nonnull(strstr(a, "\"deliver\""));
	ck_assert_ptr_nonnull(strstr(a, "\"eoi\""));
	ck_assert_ptr_nonnull(strstr(a, "\"msi\""));
	ck_assert_ptr_nonnull(strstr(a, "\"cpu0\""));
	free(a);
	free(b);
	unlink(v1);
	unlink(v2);
	unlink(j1);
	unlink(j2);
}
END_TEST

static Suite *ctrl_suite(void)
{
	Suite *s = suite_create("irq:ctrl");
	TCase *tc = tcase_create("ctrl");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_route_default);
	tcase_add_test(tc, test_config_checked);
	tcase_add_test(tc, test_wired_or_sources);
	tcase_add_test(tc, test_level_redelivery_after_eoi);
	tcase_add_test(tc, test_eoi_from_sink_not_reentrant);
	tcase_add_test(tc, test_edge_input);
	tcase_add_test(tc, test_masked_level_and_missing_sink);
	tcase_add_test(tc, test_msi_window);
	tcase_add_test(tc, test_simple_sink);
	tcase_add_test(tc, test_traces_deterministic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctrl_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
