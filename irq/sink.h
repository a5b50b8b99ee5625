/*
 * irq/sink.h - a simple interrupt sink for tests and device-model users
 * without the host OS: a callback per vector, a delivery count per
 * vector, and optionally an automatic end of interrupt some time after
 * each delivery.
 *
 * The automatic EOI stands for "the handler ran and the CPU acknowledged":
 * with it a level input whose source is still asserting is delivered
 * again (irq/ctrl.h). Choose @eoi_delay_ps no shorter than the time the
 * handler's clearing action takes to reach the line (a Deassert_INTx
 * message crossing the link), or a line that is being cleared is seen
 * still asserted and delivered again. An EOI delay of 0 acknowledges in
 * the next delta cycle; with a source that never deasserts that repeats
 * at one simulated time until the kernel's runaway-delta guard stops the
 * run, which is what an interrupt storm looks like here.
 *
 * Include as "irq/sink.h"; depends on irq/ctrl.h and sim/ headers.
 */
#ifndef PCISIM_IRQ_SINK_H
#define PCISIM_IRQ_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/ctrl.h"
#include "sim/kernel.h"

/**
 * typedef irq_simple_fn - called for a delivery of the vector it is set
 * for. @cpu, @vector, @d as struct irq_sink_ops's deliver.
 */
typedef void (*irq_simple_fn)(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
			      const struct irq_delivery *d);

/* One EOI waiting for its time (private). */
struct irq_simple_eoi {
	sim_time_t at_ps;
	uint16_t cpu;
	uint8_t vector;
};

/**
 * struct irq_simple_sink - the sink. Initialise with irq_simple_sink_init().
 */
struct irq_simple_sink {
	/* read-only */
	uint64_t count[IRQ_VECTORS]; /**< deliveries per vector */
	uint64_t unhandled;          /**< deliveries of a vector without a callback */
	struct irq_delivery last;    /**< the latest delivery */
	unsigned last_vector, last_cpu;
	/* private */
	struct sim_kernel *k;
	struct irq_ctrl *c;
	struct {
		irq_simple_fn fn;
		void *opaque;
	} h[IRQ_VECTORS];
	bool auto_eoi;
	sim_time_t eoi_delay_ps;
	struct irq_simple_eoi *q;    /* ring, in time order */
	uint32_t q_head, q_len, q_cap;
	struct sim_event ev;
};

/** The ops table of the simple sink, with the sink as opaque. */
extern const struct irq_sink_ops irq_simple_sink_ops;

/**
 * irq_simple_sink_init() - no callbacks, no counts.
 * @k: the kernel; must outlive @s.
 * @auto_eoi: acknowledge every delivery @eoi_delay_ps after it.
 * Return: 0, or SIM_ERR_INVALID.
 */
int irq_simple_sink_init(struct irq_simple_sink *s, struct sim_kernel *k, bool auto_eoi,
			 sim_time_t eoi_delay_ps);

/** irq_simple_sink_destroy() - cancel EOIs still to come and free them. */
void irq_simple_sink_destroy(struct irq_simple_sink *s);

/** irq_simple_sink_set() - the callback for @vector (NULL: count only).
 * Return: 0, or SIM_ERR_INVALID. */
int irq_simple_sink_set(struct irq_simple_sink *s, unsigned vector, irq_simple_fn fn,
			void *opaque);

/** irq_simple_sink_install() - install @s as CPU @cpu's sink on @c.
 * Return: what irq_ctrl_set_sink() returns. */
int irq_simple_sink_install(struct irq_simple_sink *s, struct irq_ctrl *c, unsigned cpu);

#endif /* PCISIM_IRQ_SINK_H */
