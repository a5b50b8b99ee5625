/*
 * sim/tlm-router.c - the address decoder of sim/tlm-router.h.
 */
#include "sim/tlm-router.h"

#include <stdlib.h>

/* A window's registration with its downstream target. Allocated per window
 * because the listener must not move while registered, and the window
 * array does move (it stays sorted and grows). */
struct tlm_router_port {
	struct tlm_dmi_listener listener;
	struct tlm_router *r;
	uint64_t base;
	uint64_t last_off;
};

/* ------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------ */

/* Index of the first window whose base is above @a (nwin if none). */
static uint32_t upper_bound(const struct tlm_router *r, uint64_t a)
{
	uint32_t lo = 0, hi = r->nwin;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r->win[mid].base <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct tlm_router_window *decode_search(struct tlm_router *r, uint64_t a)
{
	struct tlm_router_window *w;
	uint32_t i;

	if (r->last_hit < r->nwin) {
		w = &r->win[r->last_hit];
		if (a >= w->base && a - w->base <= w->last_off)
			return w;
	}
	i = upper_bound(r, a);
	if (i == 0)
		return NULL;
	w = &r->win[i - 1];
	if (a - w->base > w->last_off)
		return NULL;
	r->last_hit = i - 1;
	return w;
}

static inline struct tlm_router_window *decode(struct tlm_router *r, uint64_t a)
{
	if (r->lut != NULL) {
		/* Below lut_base the subtraction wraps to a huge index. */
		uint64_t idx = (a - r->lut_base) >> r->lut_shift;

		return idx < r->lut_len ? r->lut[idx] : NULL;
	}
	return decode_search(r, a);
}

static unsigned ctz64(uint64_t v)
{
	unsigned n = 0;

	if (v == 0)
		return 64;
	while ((v & 1) == 0) {
		v >>= 1;
		n++;
	}
	return n;
}

/* Every window is a whole number of granules when the granule divides
 * every base and size, so one table entry never straddles two windows. */
static void rebuild_lut(struct tlm_router *r)
{
	unsigned shift = 63;
	uint64_t lo, hi, units;
	struct tlm_router_window **lut;

	free(r->lut);
	r->lut = NULL;
	r->lut_len = 0;
	r->last_hit = 0;
	if (r->nwin == 0)
		return;
	for (uint32_t i = 0; i < r->nwin; i++) {
		unsigned b = ctz64(r->win[i].base), s = ctz64(r->win[i].last_off + 1);

		if (b < shift)
			shift = b;
		if (s < shift)
			shift = s;
	}
	lo = r->win[0].base;
	hi = r->win[r->nwin - 1].base + r->win[r->nwin - 1].last_off;
	units = (hi - lo) >> shift;
	if (units >= TLM_ROUTER_LUT_MAX)
		return;
	lut = calloc((size_t)units + 1, sizeof(*lut));
	if (lut == NULL)
		return; /* the search still works, only slower */
	for (uint32_t i = 0; i < r->nwin; i++) {
		struct tlm_router_window *w = &r->win[i];
		uint64_t first = (w->base - lo) >> shift;
		uint64_t last = (w->base + w->last_off - lo) >> shift;

		for (uint64_t j = first; j <= last; j++)
			lut[j] = w;
	}
	r->lut = lut;
	r->lut_len = (uint32_t)units + 1;
	r->lut_shift = shift;
	r->lut_base = lo;
}

/* ------------------------------------------------------------------------
 * The upstream target
 * ------------------------------------------------------------------------ */

static void router_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct tlm_router *r = opaque;
	const uint64_t a = p->address;
	struct tlm_router_window *w = decode(r, a);
	uint64_t off;
	uint32_t span;

	if (w == NULL)
		goto refuse;
	off = a - w->base;
	/* A burst running off the window's end would reach bytes of the target
	 * that the window does not expose. */
	span = tlm_payload_span(p);
	if (span != 0 && span - 1 > w->last_off - off)
		goto refuse;
	p->address = off;
	w->b_transport(w->opaque, p, delay_ps);
	p->address = a;
	return;
refuse:
	r->decode_errors++;
	p->response = TLM_ADDRESS_ERROR;
}

static uint32_t router_transport_dbg(void *opaque, struct tlm_payload *p)
{
	struct tlm_router *r = opaque;
	const uint64_t a = p->address;
	const uint32_t len = p->length;
	struct tlm_router_window *w = decode(r, a);
	uint64_t off, room;
	uint32_t n;

	if (w == NULL)
		return 0;
	/* Debug transport may move fewer bytes than asked: stop at the
	 * window's end rather than split across targets. */
	off = a - w->base;
	room = w->last_off - off + 1;
	p->address = off;
	if ((uint64_t)len > room)
		p->length = (uint32_t)room;
	n = tlm_transport_dbg(w->target, p);
	p->address = a;
	p->length = len;
	return n;
}

static bool router_get_dmi(void *opaque, struct tlm_payload *p, struct tlm_dmi *dmi)
{
	struct tlm_router *r = opaque;
	const uint64_t a = p->address;
	struct tlm_router_window *w = decode(r, a);
	bool ok;

	if (w == NULL) {
		/* Refuse the whole hole around @a, so the initiator need not
		 * ask again anywhere in it. */
		uint32_t i = upper_bound(r, a);

		dmi->start = i > 0 ? r->win[i - 1].base + r->win[i - 1].last_off + 1 : 0;
		dmi->end = i < r->nwin ? r->win[i].base - 1 : UINT64_MAX;
		return false;
	}
	p->address = a - w->base;
	ok = tlm_get_dmi(w->target, p, dmi);
	p->address = a;
	/* The target's local 0 is the window's base, so its range can only
	 * stick out at the top: clip there and the pointer stays right. */
	if (dmi->start > w->last_off || dmi->end < dmi->start) {
		tlm_dmi_init(dmi);
		dmi->start = 0;
		dmi->end = w->last_off;
		ok = false;
	}
	if (dmi->end > w->last_off)
		dmi->end = w->last_off;
	dmi->start += w->base;
	dmi->end += w->base;
	return ok;
}

static const struct tlm_target_ops router_ops = {
	.b_transport = router_b_transport,
	.transport_dbg = router_transport_dbg,
	.get_dmi = router_get_dmi,
};

/* A downstream target withdrew grants: pass it on in upstream addresses. */
static void port_invalidate(void *opaque, uint64_t start, uint64_t end)
{
	struct tlm_router_port *port = opaque;

	/* The listener's range already limits calls to overlapping ones. */
	if (end > port->last_off)
		end = port->last_off;
	tlm_target_invalidate_dmi(&port->r->target, start + port->base, end + port->base);
}

/* ------------------------------------------------------------------------
 * Windows
 * ------------------------------------------------------------------------ */

int tlm_router_init(struct tlm_router *r)
{
	if (r == NULL)
		return SIM_ERR_INVALID;
	tlm_target_init(&r->target, &router_ops, r);
	r->decode_errors = 0;
	r->win = NULL;
	r->nwin = 0;
	r->capwin = 0;
	r->last_hit = 0;
	r->lut_shift = 0;
	r->lut_base = 0;
	r->lut_len = 0;
	r->lut = NULL;
	return SIM_OK;
}

void tlm_router_destroy(struct tlm_router *r)
{
	if (r == NULL)
		return;
	for (uint32_t i = 0; i < r->nwin; i++) {
		struct tlm_router_window *w = &r->win[i];

		tlm_target_invalidate_dmi(&r->target, w->base, w->base + w->last_off);
	}
	for (uint32_t i = 0; i < r->nwin; i++) {
		struct tlm_router_port *port = r->win[i].port;

		tlm_target_remove_dmi_listener(r->win[i].target, &port->listener);
		free(port);
	}
	tlm_target_destroy(&r->target);
	free(r->lut);
	free(r->win);
	r->lut = NULL;
	r->win = NULL;
	r->nwin = 0;
	r->capwin = 0;
	r->lut_len = 0;
}

int tlm_router_map(struct tlm_router *r, uint64_t base, uint64_t size, struct tlm_target *t)
{
	struct tlm_router_port *port;
	uint64_t last;
	uint32_t i;

	if (r == NULL || t == NULL || t == &r->target || size == 0 || size - 1 > UINT64_MAX - base)
		return SIM_ERR_INVALID;
	last = base + (size - 1);
	i = upper_bound(r, base);
	if (i > 0 && r->win[i - 1].base + r->win[i - 1].last_off >= base)
		return SIM_ERR_INVALID;
	if (i < r->nwin && r->win[i].base <= last)
		return SIM_ERR_INVALID;
	if (r->nwin == UINT32_MAX)
		return SIM_ERR_NOMEM;
	if (r->nwin == r->capwin) {
		uint32_t cap = r->capwin ? r->capwin * 2 : 4;
		struct tlm_router_window *nw;

		if (cap < r->capwin)
			cap = UINT32_MAX;
		nw = realloc(r->win, (size_t)cap * sizeof(*nw));
		if (nw == NULL)
			return SIM_ERR_NOMEM;
		r->win = nw;
		r->capwin = cap;
	}
	port = malloc(sizeof(*port));
	if (port == NULL)
		return SIM_ERR_NOMEM;
	port->r = r;
	port->base = base;
	port->last_off = size - 1;
	tlm_dmi_listener_init(&port->listener, port_invalidate, port);
	tlm_dmi_listener_set_range(&port->listener, 0, size - 1);
	if (tlm_target_add_dmi_listener(t, &port->listener) != SIM_OK) {
		free(port);
		return SIM_ERR_INVALID;
	}
	memmove(&r->win[i + 1], &r->win[i], (size_t)(r->nwin - i) * sizeof(r->win[0]));
	r->win[i].base = base;
	r->win[i].last_off = size - 1;
	r->win[i].target = t;
	r->win[i].b_transport = t->ops->b_transport;
	r->win[i].opaque = t->opaque;
	r->win[i].port = port;
	r->nwin++;
	rebuild_lut(r);
	return SIM_OK;
}

int tlm_router_unmap(struct tlm_router *r, uint64_t base)
{
	struct tlm_router_window w;
	uint32_t i;

	if (r == NULL)
		return SIM_ERR_INVALID;
	i = upper_bound(r, base);
	if (i == 0 || r->win[i - 1].base != base)
		return SIM_ERR_INVALID;
	i--;
	w = r->win[i];
	tlm_target_remove_dmi_listener(w.target, &w.port->listener);
	free(w.port);
	memmove(&r->win[i], &r->win[i + 1], (size_t)(r->nwin - i - 1) * sizeof(r->win[0]));
	r->nwin--;
	rebuild_lut(r);
	/* Told after the window is gone, so an initiator asking again from its
	 * callback is refused rather than granted the old mapping. */
	tlm_target_invalidate_dmi(&r->target, w.base, w.base + w.last_off);
	return SIM_OK;
}

struct tlm_target *tlm_router_find(struct tlm_router *r, uint64_t addr, uint64_t *offset)
{
	struct tlm_router_window *w = decode(r, addr);

	if (w == NULL)
		return NULL;
	if (offset != NULL)
		*offset = addr - w->base;
	return w->target;
}
