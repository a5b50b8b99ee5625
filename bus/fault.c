/*
 * bus/fault.c - the fault ranges of bus/fault.h: a small array in the
 * decoder, in the order added, and timers that add a fault at a chosen
 * simulated time. What a fault does to an access is in bus/decode.c, on
 * its access path.
 */
#include "bus/fault.h"

#include <stdlib.h>
#include <string.h>

const char *bus_fault_kind_name(enum bus_fault_kind kind)
{
	switch (kind) {
	case BUS_FAULT_UNSUPPORTED_REQUEST:
		return "UR";
	case BUS_FAULT_COMPLETER_ABORT:
		return "CA";
	case BUS_FAULT_POISONED:
		return "POISONED";
	case BUS_FAULT_COMPLETION_TIMEOUT:
		return "TIMEOUT";
	case BUS_FAULT_SURPRISE_REMOVAL:
		return "REMOVAL";
	}
	return "UNKNOWN";
}

static bool range_ok(uint64_t base, uint64_t size, enum bus_fault_kind kind)
{
	return size != 0 && size - 1 <= UINT64_MAX - base && (unsigned)kind < BUS_FAULT_KINDS;
}

static struct bus_fault *fault_of(const struct bus_decode *d, uint32_t id)
{
	if (d == NULL || id == 0)
		return NULL;
	for (uint32_t i = 0; i < d->nfaults; i++) {
		if (d->faults[i].id == id)
			return &d->faults[i];
	}
	return NULL;
}

static int add_fault(struct bus_decode *d, uint64_t base, uint64_t size, enum bus_fault_kind kind,
		     sim_time_t activated_ps, uint32_t *id_out)
{
	struct bus_fault *f;

	if (d == NULL || !range_ok(base, size, kind))
		return SIM_ERR_INVALID;
	if (d->next_fault_id == UINT32_MAX)
		return SIM_ERR_LIMIT;
	if (d->nfaults == d->cap_faults) {
		uint32_t cap = d->cap_faults ? 2 * d->cap_faults : 4;
		struct bus_fault *nf = realloc(d->faults, (size_t)cap * sizeof(*nf));

		if (nf == NULL)
			return SIM_ERR_NOMEM;
		d->faults = nf;
		d->cap_faults = cap;
	}
	f = &d->faults[d->nfaults];
	f->base = base;
	f->last = base + (size - 1);
	f->hits = 0;
	f->activated_ps = activated_ps;
	f->kind = kind;
	f->id = ++d->next_fault_id;
	/* Last: the access path sees the fault only once it is complete. */
	d->nfaults++;
	if (id_out)
		*id_out = f->id;
	return SIM_OK;
}

int bus_fault_add(struct bus_decode *d, uint64_t base, uint64_t size, enum bus_fault_kind kind,
		  uint32_t *id_out)
{
	return add_fault(d, base, size, kind, SIM_TIME_MAX, id_out);
}

/* With no fault left, the access path no longer resets the result's fault
 * fields: clear what the latest access left there. */
static void no_faults_left(struct bus_decode *d)
{
	d->last.poisoned = false;
	d->last.timeout = false;
	d->last.fault = 0;
	d->last.delay_ps = 0;
}

int bus_fault_remove(struct bus_decode *d, uint32_t id)
{
	struct bus_fault *f = fault_of(d, id);
	uint32_t i;

	if (f == NULL)
		return SIM_ERR_INVALID;
	/* Keep the order: it is the precedence among overlapping faults. */
	i = (uint32_t)(f - d->faults);
	memmove(f, f + 1, (size_t)(d->nfaults - i - 1) * sizeof(*f));
	d->nfaults--;
	if (d->nfaults == 0)
		no_faults_left(d);
	return SIM_OK;
}

void bus_fault_remove_all(struct bus_decode *d)
{
	if (d == NULL)
		return;
	d->nfaults = 0;
	no_faults_left(d);
}

uint64_t bus_fault_hits(const struct bus_decode *d, uint32_t id)
{
	const struct bus_fault *f = fault_of(d, id);

	return f ? f->hits : 0;
}

int bus_fault_info(const struct bus_decode *d, uint32_t id, struct bus_fault_info *out)
{
	const struct bus_fault *f = fault_of(d, id);

	if (f == NULL || out == NULL)
		return SIM_ERR_INVALID;
	out->base = f->base;
	out->size = f->last - f->base + 1; /* wraps to 0 for the whole space */
	out->kind = f->kind;
	out->hits = f->hits;
	out->activated_ps = f->activated_ps;
	return SIM_OK;
}

int bus_fault_set_timeout(struct bus_decode *d, sim_time_t timeout_ps)
{
	if (d == NULL || timeout_ps == 0)
		return SIM_ERR_INVALID;
	d->fault_timeout_ps = timeout_ps;
	return SIM_OK;
}

/* ------------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------------ */

static void timer_fire(struct sim_kernel *k, void *opaque)
{
	struct bus_fault_timer *t = opaque;
	sim_time_t now = sim_now(k);

	t->fired = true;
	t->fired_ps = now;
	t->err = add_fault(t->d, t->base, t->size, t->kind, now, &t->id);
	if (t->err != SIM_OK) {
		t->id = 0;
		sim_report(k, SIM_SEV_WARNING, "bus fault timer: adding a %s fault failed: %s",
			   bus_fault_kind_name(t->kind), sim_strerror(t->err));
	}
}

int bus_fault_schedule(struct bus_decode *d, struct sim_kernel *k, sim_time_t at_ps,
		       uint64_t base, uint64_t size, enum bus_fault_kind kind,
		       struct bus_fault_timer *t)
{
	if (t == NULL)
		return SIM_ERR_INVALID;
	memset(t, 0, sizeof(*t));
	sim_event_init(k, &t->ev, "bus_fault_timer", timer_fire, t);
	if (d == NULL || k == NULL || !range_ok(base, size, kind))
		return SIM_ERR_INVALID;
	t->d = d;
	t->base = base;
	t->size = size;
	t->kind = kind;
	return sim_event_schedule_at(&t->ev, at_ps);
}

bool bus_fault_timer_cancel(struct bus_fault_timer *t)
{
	return t != NULL && sim_event_cancel(&t->ev);
}

void bus_fault_timer_destroy(struct bus_fault_timer *t)
{
	if (t == NULL)
		return;
	sim_event_destroy(&t->ev);
}
