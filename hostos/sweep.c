/*
 * hostos/sweep.c - the unload sweep (hostos/sweep.h): asks every module
 * for its leftovers, in the order of the table below, and stops the
 * machine with the first one's bug check.
 */
#include "hostos/sweep-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hostos/os-internal.h"
#include "hostos/pool-internal.h"

struct hostos_sweep {
	struct hostos_unload_report *rep;
	struct hostos_leftover first;   /* the first that gives a bug check */
	bool have_first;
	bool pool_tracking, verifier;
};

/* The modules, in report order. A new kind: one line here. */
static const hostos_sweep_fn sweeps[] = {
	hostos_timer_sweep,
	hostos_dpc_sweep,
	hostos_workitem_sweep,
	hostos_systhread_sweep,
	hostos_lookaside_sweep,
	hostos_intr_sweep,
	hostos_mmio_sweep,
	hostos_dma_sweep,
	hostos_pool_sweep,
};

const char *hostos_leftover_name(enum hostos_leftover_kind kind)
{
	switch (kind) {
	case HOSTOS_LEFT_TIMER: return "timer";
	case HOSTOS_LEFT_DPC: return "dpc";
	case HOSTOS_LEFT_WORK_ITEM: return "work-item";
	case HOSTOS_LEFT_LOOKASIDE: return "lookaside";
	case HOSTOS_LEFT_INTERRUPT: return "interrupt";
	case HOSTOS_LEFT_MAPPING: return "mapping";
	case HOSTOS_LEFT_POOL: return "pool";
	case HOSTOS_LEFT_ADAPTER: return "adapter";
	case HOSTOS_LEFT_COMMON_BUFFER: return "common-buffer";
	case HOSTOS_LEFT_MDL: return "mdl";
	case HOSTOS_LEFT_MAP_REGISTERS: return "map-registers";
	case HOSTOS_LEFT_THREAD: return "thread";
	}
	return "unknown";
}

void hostos_sweep_add(struct hostos_sweep *s, enum hostos_leftover_kind kind, uint64_t addr,
		      uint32_t code, uint64_t p1, uint64_t p2, uint64_t p3, uint64_t p4,
		      const char *what, ...)
{
	struct hostos_leftover l = { kind, addr, code, { p1, p2, p3, p4 }, "" };
	va_list ap;

	va_start(ap, what);
	vsnprintf(l.what, sizeof(l.what), what, ap);
	va_end(ap);
	if (s->rep->kept < HOSTOS_SWEEP_MAX)
		s->rep->item[s->rep->kept++] = l;
	s->rep->count++;
	/* Pool leaks are Pool Tracking's finding; the rest the verifier's. */
	if (!s->have_first && s->verifier && (kind != HOSTOS_LEFT_POOL || s->pool_tracking)) {
		s->first = l;
		s->have_first = true;
	}
}

void hostos_sweep_range(const struct hostos *os, uint64_t addr, uint64_t *start, uint64_t *end)
{
	uintptr_t b;
	size_t n;

	if (hostos_pool_block_of(os, (uintptr_t)addr, &b, &n)) {
		*start = b;
		*end = b + n;
	} else {
		*start = *end = 0;
	}
}

long hostos_unload_sweep(struct hostos *os, struct hostos_unload_report *report)
{
	struct hostos_unload_report local;
	struct hostos_sweep s = { 0 };
	struct hostos_thread *t;

	if (!os)
		return SIM_ERR_INVALID;
	s.rep = report ? report : &local;
	memset(s.rep, 0, sizeof(*s.rep));
	s.verifier = os->cfg.verifier != 0;
	s.pool_tracking = (os->cfg.verifier & HOSTOS_VERIFY_POOL_TRACKING) != 0;
	for (size_t i = 0; i < sizeof(sweeps) / sizeof(sweeps[0]); i++)
		sweeps[i](os, &s);
	if (s.have_first && !os->stopped) {
		const struct hostos_leftover *l = &s.first;

		t = hostos_self_or_null();
		if (t && t->os == os)
			hostos_bugcheck(t, l->code, l->p[0], l->p[1], l->p[2], l->p[3],
					"unload sweep: %s (%zu leftovers)", l->what, s.rep->count);
		hostos_bugcheck_outside(os, l->code, l->p[0], l->p[1], l->p[2], l->p[3],
					"unload sweep: %s (%zu leftovers)", l->what, s.rep->count);
	}
	return (long)s.rep->count;
}
