/*
 * hostos/irql.c - raising and lowering a CPU's IRQL with the checks of
 * spec §1.2 (hostos/os-internal.h).
 */
#include "hostos/os-internal.h"

static bool in_dpc(const struct hostos_thread *t)
{
	return t->frame && (t->frame->kind == HOSTOS_CTX_DPC || t->frame->kind == HOSTOS_CTX_TIMER_DPC);
}

uint8_t hostos_raise(struct hostos_thread *t, uint8_t new_irql, const char *routine)
{
	struct hostos_cpu *cpu = t->cpu;
	uint8_t old = cpu->irql;

	/* Always checked, verifier or not: it costs nothing here (spec §1.2
	 * mock rule), with the Driver Verifier's parameters. */
	if (new_irql < old || new_irql > HOSTOS_HIGH)
		hostos_bugcheck(t, 0xC4, 0x30, old, new_irql, 0,
				"%s to IRQL %u from IRQL %u: a raise may not lower", routine, new_irql,
				old);
	if (cpu->n_raised < HOSTOS_RAISE_DEPTH)
		cpu->raised[cpu->n_raised] = old;
	cpu->n_raised++;
	cpu->irql = new_irql;
	hostos_irql_changed(t, old, new_irql);
	return old;
}

void hostos_lower(struct hostos_thread *t, uint8_t new_irql, const char *routine)
{
	struct hostos_cpu *cpu = t->cpu;
	uint8_t old = cpu->irql;

	if (new_irql > old)
		hostos_bugcheck(t, 0xC4, 0x31, old, new_irql, 0,
				"%s to IRQL %u from IRQL %u: a lower may not raise", routine, new_irql,
				old);
	if (new_irql < HOSTOS_DISPATCH && in_dpc(t))
		hostos_bugcheck(t, 0xC4, 0x31, old, new_irql, 1,
				"%s to IRQL %u inside a DPC routine, which runs at DISPATCH_LEVEL",
				routine, new_irql);
	if (cpu->n_raised) {
		cpu->n_raised--;
		if (t->os->cfg.strict && cpu->n_raised < HOSTOS_RAISE_DEPTH &&
		    cpu->raised[cpu->n_raised] != new_irql)
			hostos_bugcheck(t, 0xC4, 0x31, old, new_irql, 2,
					"%s to IRQL %u, but the matching raise saved IRQL %u (mock-only "
					"strict check, P4 = 2)",
					routine, new_irql, cpu->raised[cpu->n_raised]);
	} else if (t->os->cfg.strict) {
		hostos_bugcheck(t, 0xC4, 0x31, old, new_irql, 2,
				"%s to IRQL %u without a matching raise (mock-only strict check, "
				"P4 = 2)",
				routine, new_irql);
	}
	cpu->irql = new_irql;
	hostos_irql_changed(t, old, new_irql);
	if (new_irql < HOSTOS_DISPATCH)
		hostos_sched_point(t);
}
