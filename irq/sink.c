/*
 * irq/sink.c - the simple interrupt sink (irq/sink.h).
 */
#include "irq/sink.h"

#include <stdlib.h>
#include <string.h>

static void eoi_fn(struct sim_kernel *k, void *opaque)
{
	struct irq_simple_sink *s = opaque;

	while (s->q_len && s->q[s->q_head].at_ps <= sim_now(k)) {
		struct irq_simple_eoi e = s->q[s->q_head];

		s->q_head = (s->q_head + 1) % s->q_cap;
		s->q_len--;
		if (s->c)
			irq_ctrl_eoi(s->c, e.cpu, e.vector);
	}
	if (s->q_len && !sim_event_pending(&s->ev))
		sim_event_schedule_at(&s->ev, s->q[s->q_head].at_ps);
}

static void queue_eoi(struct irq_simple_sink *s, unsigned cpu, unsigned vector)
{
	sim_time_t at;

	if (!sim_time_add(sim_now(s->k), s->eoi_delay_ps, &at))
		return;
	if (s->q_len == s->q_cap) {
		uint32_t cap = s->q_cap ? 2 * s->q_cap : 8;
		struct irq_simple_eoi *q = malloc(cap * sizeof(*q));

		if (!q) {
			/* Better an EOI early than a line stuck in service. */
			irq_ctrl_eoi(s->c, cpu, vector);
			return;
		}
		for (uint32_t i = 0; i < s->q_len; i++)
			q[i] = s->q[(s->q_head + i) % s->q_cap];
		free(s->q);
		s->q = q;
		s->q_cap = cap;
		s->q_head = 0;
	}
	s->q[(s->q_head + s->q_len) % s->q_cap] = (struct irq_simple_eoi){
		.at_ps = at, .cpu = (uint16_t)cpu, .vector = (uint8_t)vector,
	};
	s->q_len++;
	if (!sim_event_pending(&s->ev))
		sim_event_schedule_at(&s->ev, s->q[s->q_head].at_ps);
}

static void simple_deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
			   const struct irq_delivery *d)
{
	struct irq_simple_sink *s = opaque;

	s->c = c;
	s->count[vector]++;
	s->last = *d;
	s->last_vector = vector;
	s->last_cpu = cpu;
	if (s->h[vector].fn)
		s->h[vector].fn(s->h[vector].opaque, c, cpu, vector, d);
	else
		s->unhandled++;
	if (s->auto_eoi)
		queue_eoi(s, cpu, vector);
}

const struct irq_sink_ops irq_simple_sink_ops = {
	.deliver = simple_deliver,
};

int irq_simple_sink_init(struct irq_simple_sink *s, struct sim_kernel *k, bool auto_eoi,
			 sim_time_t eoi_delay_ps)
{
	if (!s || !k)
		return SIM_ERR_INVALID;
	memset(s, 0, sizeof(*s));
	s->k = k;
	s->auto_eoi = auto_eoi;
	s->eoi_delay_ps = eoi_delay_ps;
	sim_event_init(k, &s->ev, "irq.sink.eoi", eoi_fn, s);
	return SIM_OK;
}

void irq_simple_sink_destroy(struct irq_simple_sink *s)
{
	if (!s || !s->k)
		return;
	sim_event_destroy(&s->ev);
	free(s->q);
	memset(s, 0, sizeof(*s));
}

int irq_simple_sink_set(struct irq_simple_sink *s, unsigned vector, irq_simple_fn fn,
			void *opaque)
{
	if (!s || vector >= IRQ_VECTORS)
		return SIM_ERR_INVALID;
	s->h[vector].fn = fn;
	s->h[vector].opaque = opaque;
	return SIM_OK;
}

int irq_simple_sink_install(struct irq_simple_sink *s, struct irq_ctrl *c, unsigned cpu)
{
	if (!s)
		return SIM_ERR_INVALID;
	s->c = c;
	return irq_ctrl_set_sink(c, cpu, &irq_simple_sink_ops, s);
}
