/*
 * irq/ctrl.c - the interrupt controller (irq/ctrl.h): wired-OR inputs with
 * their sources, level and edge delivery, EOI, the MSI window as a decoder
 * region, counters and tracing.
 */
#include "irq/ctrl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/ctrace.h"
#include "sim/vcd.h"

/* x86 MSI data: delivery mode, bits 10:8 (Intel SDM vol. 3, MSI data
 * register format). */
#define MSI_DATA_VECTOR 0xffu
#define MSI_DATA_MODE_SHIFT 8
#define MSI_DATA_MODE_MASK 0x7u
#define MSI_MODE_FIXED 0u
#define MSI_MODE_LOWEST 1u
/* x86 MSI address: destination ID, bits 19:12. */
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_DEST_MASK 0xffu

void irq_ctrl_config_default(struct irq_ctrl_config *cfg)
{
	cfg->n_inputs = IRQ_INPUTS_DEFAULT;
	cfg->n_cpus = 1;
	cfg->msi_base = IRQ_MSI_BASE_DEFAULT;
	cfg->msi_size = IRQ_MSI_SIZE_DEFAULT;
}

static void recheck_fn(struct sim_kernel *k, void *opaque);

int irq_ctrl_init(struct irq_ctrl *c, struct sim_kernel *k, const struct irq_ctrl_config *cfg)
{
	struct irq_ctrl_config def;

	if (!c || !k)
		return SIM_ERR_INVALID;
	if (!cfg) {
		irq_ctrl_config_default(&def);
		cfg = &def;
	}
	if (cfg->n_inputs < 1 || cfg->n_inputs > IRQ_INPUTS_MAX || cfg->n_cpus < 1 ||
	    cfg->n_cpus > IRQ_CPUS_MAX || cfg->msi_size == 0 || cfg->msi_size % 4 ||
	    cfg->msi_base % 4 || cfg->msi_base > UINT64_MAX - (cfg->msi_size - 1))
		return SIM_ERR_INVALID;
	memset(c, 0, sizeof(*c));
	c->in = calloc(cfg->n_inputs, sizeof(*c->in));
	c->cpus = calloc(cfg->n_cpus, sizeof(*c->cpus));
	if (!c->in || !c->cpus) {
		free(c->in);
		free(c->cpus);
		memset(c, 0, sizeof(*c));
		return SIM_ERR_NOMEM;
	}
	for (unsigned i = 0; i < cfg->n_inputs; i++)
		c->in[i].masked = true;
	c->k = k;
	c->cfg = *cfg;
	c->requester = IRQ_REQUESTER_UNKNOWN;
	sim_event_init(k, &c->recheck, "irq.recheck", recheck_fn, c);
	return SIM_OK;
}

void irq_ctrl_destroy(struct irq_ctrl *c)
{
	if (!c || !c->k)
		return;
	irq_ctrl_unmap(c);
	sim_event_destroy(&c->recheck);
	for (unsigned i = 0; i < c->cfg.n_inputs; i++)
		free(c->in[i].src);
	free(c->in);
	free(c->cpus);
	memset(c, 0, sizeof(*c));
}

/* ---- tracing ---- */

static void trace_input(struct irq_ctrl *c, unsigned input, uint32_t source, const char *what)
{
	const struct sim_ctrace_arg a[] = {
		SIM_CTRACE_ARG_U64("input", input),
		SIM_CTRACE_ARG_HEX("source", source),
		SIM_CTRACE_ARG_U64("level", c->in[input].nsrc > 0),
	};

	sim_ctrace_instant_args(c->ct, c->tr_inputs, what, sim_now(c->k), a, 3);
}

static void trace_level(struct irq_ctrl *c, unsigned input)
{
	if (c->vcd)
		sim_vcd_change(c->vcd, c->in[input].vcd_id, sim_now(c->k), c->in[input].nsrc > 0);
}

int irq_ctrl_set_vcd(struct irq_ctrl *c, struct sim_vcd *v)
{
	char name[24];
	int rc;

	if (!c)
		return SIM_ERR_INVALID;
	if (!v) {
		c->vcd = NULL;
		return SIM_OK;
	}
	for (unsigned i = 0; i < c->cfg.n_inputs; i++) {
		snprintf(name, sizeof(name), "in%u", i);
		rc = sim_vcd_add_var(v, "irq", name, 1, c->in[i].nsrc > 0, &c->in[i].vcd_id);
		if (rc)
			return rc;
	}
	c->vcd = v;
	return SIM_OK;
}

int irq_ctrl_set_ctrace(struct irq_ctrl *c, struct sim_ctrace *t)
{
	char name[24];
	int rc;

	if (!c)
		return SIM_ERR_INVALID;
	c->ct = NULL;
	if (!t)
		return SIM_OK;
	rc = sim_ctrace_track(t, "irq", "inputs", &c->tr_inputs);
	if (!rc)
		rc = sim_ctrace_track(t, "irq", "msi", &c->tr_msi);
	for (unsigned i = 0; !rc && i < c->cfg.n_cpus; i++) {
		snprintf(name, sizeof(name), "cpu%u", i);
		rc = sim_ctrace_track(t, "irq", name, &c->cpus[i].track);
	}
	if (!rc)
		c->ct = t;
	return rc;
}

/* ---- delivery ---- */

/* Hand @vector to @cpu's sink. Return: false when it has none. */
static bool deliver(struct irq_ctrl *c, unsigned cpu, unsigned vector, const struct irq_delivery *d)
{
	struct irq_cpu *p = &c->cpus[cpu];

	if (!p->ops) {
		c->stats.undelivered++;
		sim_report(c->k, SIM_SEV_WARNING,
			   "irq: vector %u for cpu %u (%s %u) not delivered: no interrupt sink",
			   vector, cpu, d->cause == IRQ_CAUSE_MSI ? "message from" : "input",
			   d->cause == IRQ_CAUSE_MSI ? d->requester : d->input);
		return false;
	}
	c->stats.deliveries++;
	c->vec_count[vector]++;
	if (c->ct) {
		const struct sim_ctrace_arg a[] = {
			SIM_CTRACE_ARG_U64("vector", vector),
			SIM_CTRACE_ARG_STR("cause", d->cause == IRQ_CAUSE_MSI ? "msi" : "input"),
			SIM_CTRACE_ARG_I64("input",
					   d->input == IRQ_NO_INPUT ? -1 : (int64_t)d->input),
			SIM_CTRACE_ARG_U64("redelivery", d->redelivery),
		};

		sim_ctrace_instant_args(c->ct, p->track, "deliver", d->t_ps, a, 4);
	}
	p->ops->deliver(p->opaque, c, cpu, vector, d);
	return true;
}

/* Deliver input @i if its state asks for it (level: asserted, unmasked,
 * not in service). */
static void input_try(struct irq_ctrl *c, unsigned i, bool redelivery)
{
	struct irq_input *in = &c->in[i];
	struct irq_delivery d = {
		.cause = IRQ_CAUSE_INPUT, .input = i, .requester = IRQ_REQUESTER_UNKNOWN,
		.redelivery = redelivery, .t_ps = sim_now(c->k),
	};

	if (in->trigger != IRQ_TRIGGER_LEVEL || in->masked || in->in_service || in->nsrc == 0)
		return;
	if (!c->cpus[in->cpu].ops) {
		in->st.undelivered++;
		c->stats.undelivered++;
		return;
	}
	in->in_service = true;
	in->st.deliveries++;
	if (redelivery)
		in->st.redeliveries++;
	deliver(c, in->cpu, in->vector, &d);
}

static void recheck_fn(struct sim_kernel *k, void *opaque)
{
	struct irq_ctrl *c = opaque;

	(void)k;
	c->recheck_any = false;
	for (unsigned i = 0; i < c->cfg.n_inputs; i++) {
		if (!c->in[i].recheck)
			continue;
		c->in[i].recheck = false;
		input_try(c, i, true);
	}
}

static void schedule_recheck(struct irq_ctrl *c, unsigned i)
{
	c->in[i].recheck = true;
	if (!c->recheck_any) {
		c->recheck_any = true;
		sim_notify(&c->recheck, 0);
	}
}

/* ---- inputs ---- */

static bool input_ok(const struct irq_ctrl *c, unsigned input)
{
	return c && c->in && input < c->cfg.n_inputs;
}

int irq_ctrl_set_input(struct irq_ctrl *c, unsigned input, enum irq_trigger trigger,
		       unsigned vector, unsigned cpu)
{
	struct irq_input *in;

	if (!input_ok(c, input) || (trigger != IRQ_TRIGGER_LEVEL && trigger != IRQ_TRIGGER_EDGE) ||
	    vector < IRQ_VECTOR_MIN || vector >= IRQ_VECTORS || cpu >= c->cfg.n_cpus)
		return SIM_ERR_INVALID;
	in = &c->in[input];
	in->trigger = (uint8_t)trigger;
	in->vector = (uint8_t)vector;
	in->cpu = cpu;
	in->masked = false;
	in->in_service = false;
	if (trigger == IRQ_TRIGGER_LEVEL && in->nsrc)
		schedule_recheck(c, input);
	return SIM_OK;
}

int irq_ctrl_mask(struct irq_ctrl *c, unsigned input, bool masked)
{
	struct irq_input *in;

	if (!input_ok(c, input))
		return SIM_ERR_INVALID;
	in = &c->in[input];
	if (!masked && in->vector < IRQ_VECTOR_MIN)
		return SIM_ERR_INVALID;
	if (in->masked && !masked && in->trigger == IRQ_TRIGGER_LEVEL && in->nsrc)
		schedule_recheck(c, input);
	in->masked = masked;
	return SIM_OK;
}

int irq_ctrl_set_sink(struct irq_ctrl *c, unsigned cpu, const struct irq_sink_ops *ops,
		      void *opaque)
{
	if (!c || !c->cpus || cpu >= c->cfg.n_cpus || (ops && !ops->deliver))
		return SIM_ERR_INVALID;
	c->cpus[cpu].ops = ops;
	c->cpus[cpu].opaque = opaque;
	if (ops)
		for (unsigned i = 0; i < c->cfg.n_inputs; i++)
			if (c->in[i].cpu == cpu && c->in[i].nsrc && !c->in[i].in_service)
				schedule_recheck(c, i);
	return SIM_OK;
}

static int find_src(const struct irq_input *in, uint32_t source)
{
	for (uint32_t j = 0; j < in->nsrc; j++)
		if (in->src[j] == source)
			return (int)j;
	return -1;
}

int irq_ctrl_input_set(struct irq_ctrl *c, unsigned input, uint32_t source, bool asserted)
{
	struct irq_input *in;
	int j;

	if (!input_ok(c, input))
		return SIM_ERR_INVALID;
	in = &c->in[input];
	j = find_src(in, source);
	if (asserted == (j >= 0)) {
		in->st.duplicates++;
		return SIM_OK;
	}
	if (asserted) {
		if (in->nsrc == in->capsrc) {
			uint32_t cap = in->capsrc ? 2 * in->capsrc : 4;
			uint32_t *p = realloc(in->src, cap * sizeof(*p));

			if (!p)
				return SIM_ERR_NOMEM;
			in->src = p;
			in->capsrc = cap;
		}
		in->src[in->nsrc++] = source;
		in->st.asserts++;
	} else {
		/* Keep the rest in order of assertion. */
		memmove(&in->src[j], &in->src[j + 1],
			(in->nsrc - (uint32_t)j - 1) * sizeof(*in->src));
		in->nsrc--;
		in->st.deasserts++;
	}
	if (c->ct)
		trace_input(c, input, source, asserted ? "assert" : "deassert");
	if (asserted && in->nsrc == 1) {
		in->st.rises++;
		trace_level(c, input);
		if (in->trigger == IRQ_TRIGGER_EDGE) {
			struct irq_delivery d = {
				.cause = IRQ_CAUSE_INPUT, .input = input,
				.requester = IRQ_REQUESTER_UNKNOWN, .t_ps = sim_now(c->k),
			};

			if (in->masked || in->vector < IRQ_VECTOR_MIN) {
				in->st.masked_edges++;
			} else if (deliver(c, in->cpu, in->vector, &d)) {
				in->st.deliveries++;
			} else {
				in->st.undelivered++;
			}
		} else {
			input_try(c, input, false);
		}
	} else if (!asserted && in->nsrc == 0) {
		in->st.falls++;
		trace_level(c, input);
	}
	return SIM_OK;
}

bool irq_ctrl_input_level(const struct irq_ctrl *c, unsigned input)
{
	return input_ok(c, input) && c->in[input].nsrc > 0;
}

int irq_ctrl_input_sources(const struct irq_ctrl *c, unsigned input, uint32_t *out, unsigned max)
{
	const struct irq_input *in;

	if (!input_ok(c, input) || (max && !out))
		return SIM_ERR_INVALID;
	in = &c->in[input];
	for (uint32_t j = 0; j < in->nsrc && j < max; j++)
		out[j] = in->src[j];
	return (int)in->nsrc;
}

int irq_ctrl_input_stats(const struct irq_ctrl *c, unsigned input, struct irq_input_stats *out)
{
	if (!input_ok(c, input) || !out)
		return SIM_ERR_INVALID;
	*out = c->in[input].st;
	return SIM_OK;
}

bool irq_ctrl_input_in_service(const struct irq_ctrl *c, unsigned input)
{
	return input_ok(c, input) && c->in[input].in_service;
}

int irq_ctrl_eoi(struct irq_ctrl *c, unsigned cpu, unsigned vector)
{
	int n = 0;

	if (!c || !c->cpus || cpu >= c->cfg.n_cpus || vector >= IRQ_VECTORS)
		return SIM_ERR_INVALID;
	c->stats.eois++;
	SIM_CTRACE(c->ct, sim_ctrace_instant, c->cpus[cpu].track, "eoi", sim_now(c->k));
	for (unsigned i = 0; i < c->cfg.n_inputs; i++) {
		struct irq_input *in = &c->in[i];

		if (!in->in_service || in->cpu != cpu || in->vector != vector)
			continue;
		in->in_service = false;
		n++;
		if (in->nsrc)
			schedule_recheck(c, i);
	}
	if (n == 0)
		c->stats.eoi_unmatched++;
	return n;
}

uint64_t irq_ctrl_vector_count(const struct irq_ctrl *c, unsigned vector)
{
	return c && vector < IRQ_VECTORS ? c->vec_count[vector] : 0;
}

/* ---- the MSI window ---- */

static enum bus_decode_status msi_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct irq_ctrl *c = opaque;

	(void)size;
	c->stats.msi_reads++;
	sim_report(c->k, SIM_SEV_WARNING,
		   "irq: read of the MSI window at 0x%llx: Unsupported Request",
		   (unsigned long long)(c->cfg.msi_base + offset));
	*val = ~UINT64_C(0);
	return BUS_DECODE_UR;
}

static void msi_refuse(struct irq_ctrl *c, uint64_t addr, uint32_t data, const char *why)
{
	c->stats.msi_refused++;
	sim_report(c->k, SIM_SEV_WARNING,
		   "irq: message 0x%llx <- 0x%08x from requester 0x%x refused: %s",
		   (unsigned long long)addr, (unsigned)data, (unsigned)c->requester, why);
	if (c->ct) {
		const struct sim_ctrace_arg a[] = {
			SIM_CTRACE_ARG_HEX("address", addr),
			SIM_CTRACE_ARG_HEX("data", data),
			SIM_CTRACE_ARG_STR("why", why),
		};

		sim_ctrace_instant_args(c->ct, c->tr_msi, "msi refused", sim_now(c->k), a, 3);
	}
}

static enum bus_decode_status msi_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct irq_ctrl *c = opaque;
	uint64_t addr = c->cfg.msi_base + offset;
	uint32_t data = (uint32_t)val;
	unsigned vector = data & MSI_DATA_VECTOR;
	unsigned mode = (data >> MSI_DATA_MODE_SHIFT) & MSI_DATA_MODE_MASK;
	unsigned cpu = (unsigned)((addr >> MSI_ADDR_DEST_SHIFT) & MSI_ADDR_DEST_MASK);
	struct irq_delivery d = {
		.cause = IRQ_CAUSE_MSI, .input = IRQ_NO_INPUT, .requester = c->requester,
		.address = addr, .data = data, .t_ps = sim_now(c->k),
	};

	(void)size;
	c->stats.msi_writes++;
	if (c->ct) {
		const struct sim_ctrace_arg a[] = {
			SIM_CTRACE_ARG_HEX("address", addr),
			SIM_CTRACE_ARG_HEX("data", data),
			SIM_CTRACE_ARG_HEX("requester", c->requester),
		};

		sim_ctrace_instant_args(c->ct, c->tr_msi, "msi", d.t_ps, a, 3);
	}
	/* A posted write has no completion to refuse it with: the root
	 * complex drops it and says so. */
	if (vector < IRQ_VECTOR_MIN)
		msi_refuse(c, addr, data, "reserved vector");
	else if (mode != MSI_MODE_FIXED && mode != MSI_MODE_LOWEST)
		msi_refuse(c, addr, data, "unsupported delivery mode");
	else if (cpu >= c->cfg.n_cpus)
		msi_refuse(c, addr, data, "no such destination CPU");
	else if (deliver(c, cpu, vector, &d))
		c->stats.msi_delivered++;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops msi_ops = {
	.read = msi_read,
	.write = msi_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
	.impl_size = 4,
	.refuse_ur = true,
};

int irq_ctrl_map(struct irq_ctrl *c, struct bus_decode *d, int priority)
{
	int rc;

	if (!c || !c->k || !d)
		return SIM_ERR_INVALID;
	if (c->decode)
		return SIM_ERR_STATE;
	rc = bus_decode_map(d, c->cfg.msi_base, c->cfg.msi_size, priority, &msi_ops, c, "msi",
			    &c->region);
	if (rc)
		return rc;
	c->decode = d;
	return SIM_OK;
}

void irq_ctrl_unmap(struct irq_ctrl *c)
{
	if (!c || !c->decode)
		return;
	bus_decode_unmap(c->decode, c->region);
	c->decode = NULL;
	c->region = 0;
}

uint32_t irq_ctrl_msi_region(const struct irq_ctrl *c)
{
	return c ? c->region : 0;
}

bool irq_ctrl_in_window(const struct irq_ctrl *c, uint64_t addr)
{
	return c && addr >= c->cfg.msi_base && addr - c->cfg.msi_base <= c->cfg.msi_size - 4;
}

void irq_ctrl_set_requester(struct irq_ctrl *c, uint32_t requester)
{
	if (c)
		c->requester = requester;
}
