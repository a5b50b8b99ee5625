/*
 * hostos/interrupt.c - interrupt delivery and dispatch (spec §4.3, §4.4):
 * pending vectors per CPU, the ISR chain of a vector walked at its DIRQL
 * with each object's lock held, end of interrupt, storm detection, the
 * ISR checks (0xC4/0x111, time), and the mock-only checks of who claims.
 */
#include "hostos/interrupt-internal.h"
#include "hostos/latency-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the instance's state ---- */

static void eoi_fire(struct sim_kernel *k, void *opaque);

struct hostos_intr *hostos_intr_get(struct hostos *os)
{
	struct hostos_intr *in = os->intr;

	if (in)
		return in;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->pending = calloc(os->cfg.cpus, sizeof(*in->pending));
	if (!in->pending) {
		free(in);
		return NULL;
	}
	in->os = os;
	in->next_vector = HOSTOS_VECTOR_FIRST;
	in->devices_tail = &in->devices;
	sim_event_init(os->k, &in->eoi_ev, "hostos.eoi", eoi_fire, in);
	os->intr = in;
	return in;
}

void hostos_intr_destroy(struct hostos *os)
{
	struct hostos_intr *in = os->intr;

	if (!in)
		return;
	sim_event_destroy(&in->eoi_ev);
	for (struct hostos_device *d = in->devices, *n; d; d = n) {
		n = d->next;
		free(d->msg);
		free(d->raw);
		free(d->translated);
		free(d);
	}
	for (struct _KINTERRUPT *o = in->objects, *n; o; o = n) {
		n = o->all_next;
		free(o);
	}
	for (struct hostos_msg_conn *c = in->conns, *n; c; c = n) {
		n = c->next;
		free(c->table);
		free(c);
	}
	free(in->eoiq);
	free(in->pending);
	free(in);
	os->intr = NULL;
}

int hostos_set_irq_ops(struct hostos *os, const struct hostos_irq_ops *ops, void *opaque)
{
	struct hostos_intr *in;

	if (!os || (ops && !ops->eoi))
		return SIM_ERR_INVALID;
	in = hostos_intr_get(os);
	if (!in)
		return SIM_ERR_NOMEM;
	in->ops = ops;
	in->opaque = ops ? opaque : NULL;
	return SIM_OK;
}

void hostos_interrupt_stats(const struct hostos *os, struct hostos_intr_stats *out)
{
	if (os && os->intr)
		*out = os->intr->st;
	else
		memset(out, 0, sizeof(*out));
}

void hostos_intr_link(struct hostos_intr *in, struct _KINTERRUPT *obj)
{
	struct _KINTERRUPT **p = &in->vec[obj->vector].chain;

	while (*p)
		p = &(*p)->next;
	obj->next = NULL;
	*p = obj;
}

void hostos_intr_unlink(struct hostos_intr *in, struct _KINTERRUPT *obj)
{
	for (struct _KINTERRUPT **p = &in->vec[obj->vector].chain; *p; p = &(*p)->next)
		if (*p == obj) {
			*p = obj->next;
			return;
		}
}

/* ---- end of interrupt ---- */

static void eoi_now(struct hostos_intr *in, unsigned cpu, unsigned vector)
{
	in->st.eois++;
	if (in->ops)
		in->ops->eoi(in->opaque, cpu, vector);
}

static void eoi_fire(struct sim_kernel *k, void *opaque)
{
	struct hostos_intr *in = opaque;
	sim_time_t now = sim_now(k);

	while (in->eoi_len && in->eoiq[in->eoi_head].at_ps <= now) {
		struct hostos_eoi e = in->eoiq[in->eoi_head];

		in->eoi_head = (in->eoi_head + 1) % in->eoi_cap;
		in->eoi_len--;
		eoi_now(in, e.cpu, e.vector);
	}
	if (in->eoi_len)
		sim_event_schedule_at(&in->eoi_ev, in->eoiq[in->eoi_head].at_ps);
}

/* A level input's EOI waits eoi_delay_ps (the clearing write's way to the
 * device and the Deassert_INTx's way back); the delay is one constant, so
 * the ring stays in time order. */
static void eoi_later(struct hostos_thread *t, struct hostos_intr *in, unsigned cpu,
		      unsigned vector)
{
	sim_time_t delay = t->os->cfg.eoi_delay_ps;

	if (!delay) {
		eoi_now(in, cpu, vector);
		return;
	}
	if (in->eoi_len == in->eoi_cap) {
		unsigned cap = in->eoi_cap ? in->eoi_cap * 2 : 16;
		struct hostos_eoi *q = malloc(cap * sizeof(*q));

		if (!q) {
			eoi_now(in, cpu, vector); /* early rather than never */
			return;
		}
		for (unsigned i = 0; i < in->eoi_len; i++)
			q[i] = in->eoiq[(in->eoi_head + i) % in->eoi_cap];
		free(in->eoiq);
		in->eoiq = q;
		in->eoi_cap = cap;
		in->eoi_head = 0;
	}
	in->eoiq[(in->eoi_head + in->eoi_len) % in->eoi_cap] =
		(struct hostos_eoi){ sim_now(t->os->k) + delay, cpu, vector };
	in->eoi_len++;
	if (!sim_event_pending(&in->eoi_ev))
		sim_event_schedule_at(&in->eoi_ev, in->eoiq[in->eoi_head].at_ps);
}

/* ---- delivery ---- */

static int highest_pending(const uint64_t p[4])
{
	for (int w = 3; w >= 0; w--)
		if (p[w])
			return w * 64 + 63 - __builtin_clzll(p[w]);
	return -1;
}

static void update_top(struct hostos_intr *in, struct hostos_cpu *cpu)
{
	int v = highest_pending(in->pending[cpu->index]);

	/* The highest vector has the highest DIRQL (DIRQL = vector / 16). */
	cpu->intr_top = v < 0 ? 0 : in->vec[v].irql;
}

int hostos_interrupt_deliver(struct hostos *os, unsigned cpu, unsigned vector, bool redelivery)
{
	struct hostos_intr *in;
	uint64_t *p, bit;

	if (!os || cpu >= os->cfg.cpus || vector >= 256 || vector < 16)
		return SIM_ERR_INVALID;
	in = hostos_intr_get(os);
	if (!in)
		return SIM_ERR_NOMEM;
	if (os->stopped)
		return SIM_OK;
	in->st.deliveries++;
	if (!in->vec[vector].irql) {
		/* Never assigned nor connected: vector / 16 as the HAL maps
		 * it, kept within the device levels 3..12. */
		unsigned l = vector >> 4;

		in->vec[vector].irql = (uint8_t)(l < 3 ? 3 : l > HOSTOS_SYNCH ? HOSTOS_SYNCH : l);
	}
	p = &in->pending[cpu][vector / 64];
	bit = UINT64_C(1) << (vector % 64);
	if (*p & bit) {
		in->st.merged++;
		return SIM_OK;
	}
	*p |= bit;
	in->vec[vector].redelivered = redelivery;
	in->vec[vector].delivered_ps = sim_now(os->k);
	update_top(in, &os->cpus[cpu]);
	/* The CPU notices at its next scheduling point, or now if it waits
	 * (busy, spinning, idle). */
	sim_notify(&os->cpus[cpu].kick, 0);
	return SIM_OK;
}

/* ---- dispatch ---- */

/* Whether @obj's device asserts its line now: 1, 0, -1 unknown. */
static int device_asserts(struct hostos_intr *in, const struct _KINTERRUPT *obj,
			  const struct hostos_vec *vc)
{
	if (!obj->dev || !vc->line || !in->ops || !in->ops->source_asserts)
		return -1;
	return in->ops->source_asserts(in->opaque, vc->input, obj->dev->source);
}

static void mock_finding(struct hostos_thread *t, struct hostos_intr *in,
			 const struct _KINTERRUPT *obj, uint32_t code, const char *what)
{
	const void *isr = obj->isr ? (const void *)(uintptr_t)obj->isr
				   : (const void *)(uintptr_t)obj->msg_isr;

	if (code == HOSTOS_ISR_FALSE_CLAIM)
		in->st.false_claims++;
	else
		in->st.missed++;
	if (t->os->cfg.strict)
		hostos_bugcheck(t, code, (uint64_t)(uintptr_t)isr, (uint64_t)(uintptr_t)obj->context,
				(uint64_t)(uintptr_t)obj, obj->vector,
				"the ISR of vector 0x%X %s (mock-only check)", obj->vector, what);
	hostos_warn(t->os, "the ISR %p of vector 0x%X %s (mock-only check)", isr, obj->vector,
		    what);
}

/* Call one ISR at its SynchronizeIrql holding its lock, in an ISR frame:
 * the spec §4.3 sequence, with the §1.6 checks on return. */
static bool call_isr(struct hostos_thread *t, struct hostos_intr *in, struct _KINTERRUPT *obj)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	const void *isr = obj->isr ? (const void *)(uintptr_t)obj->isr
				   : (const void *)(uintptr_t)obj->msg_isr;
	uint8_t vec_irql = cpu->irql, in_irql;
	struct hostos_frame f;
	sim_time_t ran;
	BOOLEAN r;

	if (obj->sync_irql > cpu->irql)
		cpu->irql = obj->sync_irql;
	in_irql = cpu->irql;
	hostos_spin_acquire(t, (uintptr_t)obj->lock, HOSTOS_LOCK_INTERRUPT, obj, "the ISR dispatch");
	hostos_frame_enter(t, &f, HOSTOS_CTX_ISR, isr);
	if (obj->msg_isr)
		r = obj->msg_isr(obj, obj->context, obj->message_id);
	else
		r = obj->isr(obj, obj->context);
	if (cpu->irql != in_irql)
		hostos_bugcheck(t, 0xC4, 0x111, (uint64_t)(uintptr_t)isr, in_irql, cpu->irql,
				"the ISR of vector 0x%X returned at IRQL %u; it was called at %u",
				obj->vector, cpu->irql, in_irql);
	hostos_frame_leave(t, &f);
	hostos_spin_release(t, (uintptr_t)obj->lock, HOSTOS_LOCK_INTERRUPT, obj, in_irql,
			    "the ISR dispatch");
	cpu->irql = vec_irql;
	in->st.isr_calls++;
	if (r)
		in->st.claimed++;
	ran = sim_now(os->k) - f.start_ps;
	hostos_latency_isr(os, ran);
	if (os->trace) {
		char name[96];
		const struct sim_ctrace_arg args[] = {
			SIM_CTRACE_ARG_STR("routine", name),
			SIM_CTRACE_ARG_U64("vector", obj->vector),
			SIM_CTRACE_ARG_U64("claimed", r ? 1 : 0),
		};

		hostos_code_name(isr, name, sizeof(name));
		sim_ctrace_complete_args(os->trace, os->cpu_track[cpu->index], "ISR", f.start_ps,
					 ran, args, 3);
	}
	if (os->cfg.isr_warn_ps && ran > os->cfg.isr_warn_ps) {
		in->st.isr_slow++;
		hostos_warn(os, "an ISR ran for %llu ns on CPU %u (guidance: at most %llu ns)",
			    (unsigned long long)(ran / SIM_NS(1)), cpu->index,
			    (unsigned long long)(os->cfg.isr_warn_ps / SIM_NS(1)));
	}
	return r != FALSE;
}

static unsigned chain_length(const struct hostos_vec *vc)
{
	unsigned n = 0;

	for (const struct _KINTERRUPT *o = vc->chain; o; o = o->next)
		n++;
	return n;
}

static _Noreturn void storm(struct hostos_thread *t, const struct hostos_vec *vc, unsigned v)
{
	const struct _KINTERRUPT *o = vc->claim ? vc->claim : vc->chain;
	const void *isr = !o ? NULL
			  : o->isr ? (const void *)(uintptr_t)o->isr
				   : (const void *)(uintptr_t)o->msg_isr;
	unsigned n = chain_length(vc);

	hostos_bugcheck(t, 0xF2, (uint64_t)(uintptr_t)isr, o ? (uint64_t)(uintptr_t)o->context : 0,
			(uint64_t)(uintptr_t)o, n > 1 ? 2 : 1,
			"vector 0x%X stayed asserted through %u ISR passes in a row that %s",
			v, vc->streak,
			vc->claim ? "the same ISR claimed" : "no ISR claimed");
}

/* Storm bookkeeping at the start of a dispatch (spec §4.4 mock rule): a
 * redelivery means the last pass ended with the line still asserted. */
static void storm_check(struct hostos_thread *t, struct hostos_vec *vc, unsigned v)
{
	if (!vc->redelivered)
		vc->streak = 0;
	else if (!vc->claim || vc->claim == vc->prev_claim || !vc->streak)
		vc->streak++;
	else
		vc->streak = 1;
	if (t->os->cfg.storm_passes && vc->streak >= t->os->cfg.storm_passes)
		storm(t, vc, v);
}

static bool serves_cpu(const struct _KINTERRUPT *obj, unsigned cpu)
{
	return obj->connected && !obj->passive && (cpu >= 64 || (obj->affinity >> cpu) & 1);
}

/* A level input: in connection order, stop at the first claim. */
static const struct _KINTERRUPT *walk_level(struct hostos_thread *t, struct hostos_intr *in,
					    struct hostos_vec *vc)
{
	struct _KINTERRUPT *declined[16];
	unsigned n_declined = 0;

	for (struct _KINTERRUPT *o = vc->chain; o; o = o->next) {
		int asserted;

		if (!serves_cpu(o, t->cpu->index))
			continue;
		asserted = device_asserts(in, o, vc);
		if (call_isr(t, in, o)) {
			if (asserted == 0)
				mock_finding(t, in, o, HOSTOS_ISR_FALSE_CLAIM,
					     "claimed an interrupt its device did not assert");
			return o;
		}
		if (asserted == 1 && n_declined < 16)
			declined[n_declined++] = o;
	}
	/* Nobody claimed: an ISR whose device asserts missed its own. */
	for (unsigned i = 0; i < n_declined; i++)
		mock_finding(t, in, declined[i], HOSTOS_ISR_MISSED,
			     "declined while its device asserted and no ISR claimed");
	return NULL;
}

/* An edge input or a message: loop over the chain until a whole pass
 * claims nothing, so edges that came meanwhile are not lost. A chain that
 * keeps claiming for storm_passes passes is a storm too. */
static const struct _KINTERRUPT *walk_edge(struct hostos_thread *t, struct hostos_intr *in,
					   struct hostos_vec *vc, unsigned v)
{
	const struct _KINTERRUPT *last = NULL;
	bool any = true;
	unsigned passes = 0;

	while (any) {
		any = false;
		for (struct _KINTERRUPT *o = vc->chain; o; o = o->next) {
			if (!serves_cpu(o, t->cpu->index))
				continue;
			if (call_isr(t, in, o)) {
				any = true;
				last = o;
			}
		}
		/* One ISR alone (a message, an unshared edge) claimed once: a
		 * second pass would only ask it again for nothing. */
		if (any && vc->chain && !vc->chain->next)
			break;
		if (any && t->os->cfg.storm_passes && ++passes >= t->os->cfg.storm_passes) {
			vc->claim = last;
			vc->streak = passes;
			storm(t, vc, v);
		}
	}
	return last;
}

static void dispatch(struct hostos_thread *t, struct hostos_intr *in, unsigned v)
{
	struct hostos_cpu *cpu = t->cpu;
	struct hostos_vec *vc = &in->vec[v];
	uint8_t old = cpu->irql;
	const struct _KINTERRUPT *claim;
	sim_time_t saved_irq_ps;

	cpu->irql = vc->irql;
	if (old < HOSTOS_DISPATCH) {
		cpu->dispatch_since_ps = sim_now(t->os->k);
		hostos_raised_to_dispatch(t->os);
	}
	saved_irq_ps = cpu->irq_ps;
	cpu->irq_ps = vc->delivered_ps;
	in->st.dispatches++;
	if (!vc->edge)
		storm_check(t, vc, v);
	if (!vc->chain)
		in->st.unexpected++;
	claim = vc->edge ? walk_edge(t, in, vc, v) : walk_level(t, in, vc);
	vc->prev_claim = vc->claim;
	vc->claim = claim;
	/* Only a level input waits for its EOI (the I/O APIC's Remote IRR);
	 * for an edge input or a message the controller's EOI changes
	 * nothing, so it is counted and not sent. */
	if (vc->edge)
		in->st.eois++;
	else
		eoi_later(t, in, cpu->index, v);
	cpu->irq_ps = saved_irq_ps;
	cpu->irql = old;
}

void hostos_intr_run(struct hostos_thread *t)
{
	struct hostos *os = t->os;
	struct hostos_intr *in = os->intr;
	struct hostos_cpu *cpu = t->cpu;

	if (!in) {
		cpu->intr_top = 0;
		return;
	}
	while (cpu->intr_top > cpu->irql && !os->stopped) {
		uint64_t *p = in->pending[cpu->index];
		int v = highest_pending(p);

		p[v / 64] &= ~(UINT64_C(1) << (v % 64));
		update_top(in, cpu);
		dispatch(t, in, (unsigned)v);
	}
}
