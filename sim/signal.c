/*
 * sim/signal.c - signals with IEEE 1666 sc_signal semantics.
 */
#include "sim/signal.h"

#include <string.h>

#include "sim/vcd.h"

static void signal_update(struct sim_kernel *k, void *opaque)
{
	struct sim_signal *s = opaque;

	if (s->next == s->cur)
		return;
	s->cur = s->next;
	s->changes++;
	if (s->vcd)
		sim_vcd_change(s->vcd, s->vcd_id, k->now_ps, s->cur);
	/* The change is seen by observers in the next delta cycle. */
	sim_notify(&s->changed, 0);
}

int sim_signal_init(struct sim_kernel *k, struct sim_signal *s, const char *name,
		    unsigned width_bits, uint64_t initial)
{
	if (!k || !s || width_bits == 0 || width_bits > 64)
		return SIM_ERR_INVALID;
	memset(s, 0, sizeof(*s));
	s->k = k;
	s->name = name;
	s->width = width_bits;
	s->mask = width_bits == 64 ? UINT64_MAX : (UINT64_C(1) << width_bits) - 1;
	s->cur = s->next = initial & s->mask;
	sim_event_init(k, &s->changed, name, NULL, NULL);
	sim_update_init(&s->upd, signal_update, s);
	return SIM_OK;
}

void sim_signal_destroy(struct sim_signal *s)
{
	struct sim_update **u;

	if (!s || !s->k)
		return;
	if (s->upd.requested) {
		/* Unlink the pending update request. */
		for (u = &s->k->upd_head; *u; u = &(*u)->next) {
			if (*u == &s->upd) {
				*u = s->upd.next;
				if (s->k->upd_tail == &s->upd.next)
					s->k->upd_tail = u;
				break;
			}
		}
	}
	sim_event_destroy(&s->changed);
	s->vcd = NULL;
	s->k = NULL;
}

void sim_signal_write(struct sim_signal *s, uint64_t value)
{
	if (!s || !s->k)
		return; /* destroyed, or never initialised */
	s->next = value & s->mask;
	sim_request_update(s->k, &s->upd);
}

int sim_signal_trace(struct sim_signal *s, struct sim_vcd *vcd, const char *scope)
{
	int err;

	if (!s || !s->k || !vcd)
		return SIM_ERR_INVALID;
	err = sim_vcd_add_var(vcd, scope, s->name ? s->name : "signal", s->width, s->cur, &s->vcd_id);
	if (err)
		return err;
	s->vcd = vcd;
	return SIM_OK;
}
