/*
 * sim/tlm-router.h - an address decoder for the transport of sim/tlm.h:
 * one upstream target, several downstream targets each mapped at a window
 * [base, base + size - 1] of the upstream address space.
 *
 * A transaction inside a window reaches that window's target with the base
 * stripped (the target sees offsets from 0) and comes back with its address
 * restored; anything else is answered TLM_ADDRESS_ERROR by the router. DMI
 * grants come back translated to upstream addresses and clipped to the
 * window; invalidations from a downstream target go to the router's own
 * listeners, translated the same way. Windows may be mapped and unmapped at
 * any time outside a transaction.
 *
 * Decoding allocates nothing: when the windows are aligned to a common
 * power of two and close together (the usual case: a handful of regions of
 * 64 KiB), a table indexed by the address's high bits finds the window in
 * one lookup; otherwise a binary search over the sorted windows, with the
 * last hit tried first. Include from any layer; libc only.
 */
#ifndef PCISIM_SIM_TLM_ROUTER_H
#define PCISIM_SIM_TLM_ROUTER_H

#include <stdint.h>

#include "sim/tlm.h"

/* Largest decode table, in entries (pointers); beyond it, binary search. */
#define TLM_ROUTER_LUT_MAX 4096u

struct tlm_router_port; /* private: a window's registration downstream */

/* private: one window, kept sorted by base */
struct tlm_router_window {
	uint64_t base;
	uint64_t last_off;           /* size - 1 */
	/* The target's b_transport and opaque, copied at map time: the hot
	 * path then reads one cache line instead of chasing the ops table. */
	void (*b_transport)(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps);
	void *opaque;
	struct tlm_target *target;
	struct tlm_router_port *port;
};

/**
 * struct tlm_router - the decoder. Initialise with tlm_router_init(),
 * release with tlm_router_destroy().
 */
struct tlm_router {
	struct tlm_target target;        /**< bind initiators to this */
	/* read-only */
	uint64_t decode_errors;          /**< transactions refused: no window, or
					      crossing a window's end */
	/* private */
	struct tlm_router_window *win;   /* sorted by base, no overlaps */
	uint32_t nwin, capwin;
	uint32_t last_hit;               /* search fallback: index tried first */
	unsigned lut_shift;              /* decode table granule: 2^lut_shift bytes */
	uint64_t lut_base;               /* address of lut[0] */
	uint32_t lut_len;
	struct tlm_router_window **lut;  /* NULL: use the search */
};

/**
 * tlm_router_init() - an empty router: every address is unmapped.
 * @r: storage owned by the caller.
 * Return: 0, or SIM_ERR_INVALID for a NULL @r.
 */
int tlm_router_init(struct tlm_router *r);

/**
 * tlm_router_destroy() - tell the router's listeners that every window's
 * grants are withdrawn, unregister from the downstream targets, detach the
 * router's listeners and free the windows. The targets are not touched
 * otherwise. @r may be initialised again afterwards.
 */
void tlm_router_destroy(struct tlm_router *r);

/** tlm_router_target() - the upstream target, to bind initiators to. */
static inline struct tlm_target *tlm_router_target(struct tlm_router *r)
{
	return &r->target;
}

/**
 * tlm_router_map() - route @base .. @base + @size - 1 to @t, whose local
 * addresses 0 .. @size - 1 it becomes.
 * @r: the router.
 * @base: first upstream address of the window.
 * @size: bytes, > 0; the window must not pass UINT64_MAX.
 * @t: the target; must stay valid until unmapped or the router is
 *     destroyed. The same target may be mapped in several windows (aliases).
 *
 * Registers a DMI listener with @t (allocated here, as the window is), so
 * @t's invalidations reach the router's listeners. Mapping a router into
 * itself is refused; longer cycles are the caller's bug.
 * Return: 0; SIM_ERR_INVALID for a NULL argument, a size of 0, a window
 * passing UINT64_MAX, @t being @r's own target, or an overlap with a window
 * already mapped (nothing changes); SIM_ERR_NOMEM.
 */
int tlm_router_map(struct tlm_router *r, uint64_t base, uint64_t size, struct tlm_target *t);

/**
 * tlm_router_unmap() - remove the window starting at @base. The router's
 * listeners are told that DMI grants over the window are withdrawn
 * (upstream addresses), after the window is gone.
 * Return: 0, or SIM_ERR_INVALID if no window starts at @base.
 */
int tlm_router_unmap(struct tlm_router *r, uint64_t base);

/**
 * tlm_router_find() - the target that @addr decodes to, as a transaction
 * would; no side effects.
 * @offset: when not NULL and a window matches, receives @addr - base.
 * Return: the target, or NULL when @addr is unmapped.
 */
struct tlm_target *tlm_router_find(struct tlm_router *r, uint64_t addr, uint64_t *offset);

#endif /* PCISIM_SIM_TLM_ROUTER_H */
