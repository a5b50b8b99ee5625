/*
 * sim/tlm.c - the out-of-line half of sim/tlm.h: names of statuses, the
 * general case of executing a payload against a byte array (byte enables,
 * streaming), debug transport against a byte array, and the DMI
 * invalidation listener lists of targets.
 */
#include "sim/tlm.h"

#include <assert.h>

const char *tlm_response_name(enum tlm_response r)
{
	switch (r) {
	case TLM_OK:
		return "OK";
	case TLM_INCOMPLETE:
		return "INCOMPLETE";
	case TLM_GENERIC_ERROR:
		return "GENERIC_ERROR";
	case TLM_ADDRESS_ERROR:
		return "ADDRESS_ERROR";
	case TLM_COMMAND_ERROR:
		return "COMMAND_ERROR";
	case TLM_BURST_ERROR:
		return "BURST_ERROR";
	case TLM_BYTE_ENABLE_ERROR:
		return "BYTE_ENABLE_ERROR";
	}
	return "UNKNOWN";
}

const char *tlm_command_name(enum tlm_command c)
{
	switch (c) {
	case TLM_CMD_READ:
		return "READ";
	case TLM_CMD_WRITE:
		return "WRITE";
	case TLM_CMD_IGNORE:
		return "IGNORE";
	}
	return "UNKNOWN";
}

static bool command_known(enum tlm_command c)
{
	return c == TLM_CMD_READ || c == TLM_CMD_WRITE || c == TLM_CMD_IGNORE;
}

#if defined(__GNUC__)
/* Out of line, so that a target's fast path stays a leaf function with no
 * frame to set up (link-time optimisation would otherwise inline it). */
__attribute__((noinline, cold))
#endif
enum tlm_response tlm_buffer_transport_slow(struct tlm_payload *p, uint8_t *buf, uint64_t size)
{
	const enum tlm_command cmd = p->command;
	const uint64_t a = p->address;
	const uint32_t len = p->length;
	/* A zero-length or ignore probe still names an address: treat it as
	 * one byte so that it is refused outside the target, as a real access
	 * would be. */
	const uint32_t width = tlm_payload_span(p);
	const uint64_t span = width ? width : 1;

	if (!command_known(cmd))
		return p->response = TLM_COMMAND_ERROR;
	if (a >= size || span > size - a)
		return p->response = TLM_ADDRESS_ERROR;
	if (cmd == TLM_CMD_IGNORE)
		return p->response = TLM_OK;
	if (len == 0)
		return p->response = TLM_BURST_ERROR;
	if (p->byte_enable != NULL && p->byte_enable_length == 0)
		return p->response = TLM_BYTE_ENABLE_ERROR;
	if (p->data == NULL)
		return p->response = TLM_GENERIC_ERROR;

	uint8_t *t = buf + a;
	uint8_t *d = p->data;

	if (p->byte_enable == NULL) {
		/* Streaming without enables: each beat of `width` bytes goes to
		 * the same target bytes; on a write the last beat wins. */
		for (uint32_t i = 0; i < len; i += width) {
			uint32_t n = len - i < width ? len - i : width;

			if (cmd == TLM_CMD_READ)
				memmove(d + i, t, n);
			else
				memmove(t, d + i, n);
		}
	} else {
		/* The enable pattern follows the data index, not the target
		 * address: with streaming the two wrap independently. */
		const uint8_t *be = p->byte_enable;
		const uint32_t be_len = p->byte_enable_length;
		uint32_t bi = 0, ti = 0;

		for (uint32_t i = 0; i < len; i++) {
			if (be[bi] != TLM_BYTE_DISABLED) {
				if (cmd == TLM_CMD_READ)
					d[i] = t[ti];
				else
					t[ti] = d[i];
			}
			if (++bi == be_len)
				bi = 0;
			if (++ti == width)
				ti = 0;
		}
	}
	return p->response = TLM_OK;
}

uint32_t tlm_buffer_transport_dbg(struct tlm_payload *p, uint8_t *buf, uint64_t size)
{
	const uint64_t a = p->address;
	uint32_t n;

	if ((p->command != TLM_CMD_READ && p->command != TLM_CMD_WRITE) || p->data == NULL ||
	    a >= size)
		return 0;
	n = (uint64_t)p->length <= size - a ? p->length : (uint32_t)(size - a);
	if (p->command == TLM_CMD_READ)
		memmove(p->data, buf + a, n);
	else
		memmove(buf + a, p->data, n);
	return n;
}

/* ------------------------------------------------------------------------
 * Targets and DMI listeners
 * ------------------------------------------------------------------------ */

/* One invalidation walking a target's listener list. Walks nest (a callback
 * may invalidate again), so they form a stack; removing a listener moves
 * every walk that was about to visit it past it. */
struct tlm_dmi_iter {
	struct tlm_dmi_listener *next;
	struct tlm_dmi_iter *outer;
};

void tlm_target_init(struct tlm_target *t, const struct tlm_target_ops *ops, void *opaque)
{
	assert(t != NULL && ops != NULL && ops->b_transport != NULL);
	t->ops = ops;
	t->opaque = opaque;
	t->lhead = NULL;
	t->ltail = NULL;
	t->iters = NULL;
	t->lgen = 0;
}

static void unlink_listener(struct tlm_target *t, struct tlm_dmi_listener *l)
{
	for (struct tlm_dmi_iter *it = t->iters; it != NULL; it = it->outer) {
		if (it->next == l)
			it->next = l->next;
	}
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		t->lhead = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	else
		t->ltail = l->prev;
	l->prev = NULL;
	l->next = NULL;
	l->target = NULL;
}

void tlm_target_destroy(struct tlm_target *t)
{
	if (t == NULL)
		return;
	while (t->lhead != NULL)
		unlink_listener(t, t->lhead);
}

void tlm_dmi_listener_init(struct tlm_dmi_listener *l, tlm_dmi_invalidate_fn fn, void *opaque)
{
	assert(l != NULL);
	l->invalidate = fn;
	l->opaque = opaque;
	l->start = 0;
	l->end = UINT64_MAX;
	l->target = NULL;
	l->prev = NULL;
	l->next = NULL;
	l->gen = 0;
}

int tlm_target_add_dmi_listener(struct tlm_target *t, struct tlm_dmi_listener *l)
{
	if (t == NULL || l == NULL || l->invalidate == NULL || l->start > l->end)
		return SIM_ERR_INVALID;
	if (l->target != NULL)
		return SIM_ERR_BUSY;
	l->target = t;
	l->gen = ++t->lgen;
	l->next = NULL;
	l->prev = t->ltail;
	if (t->ltail != NULL)
		t->ltail->next = l;
	else
		t->lhead = l;
	t->ltail = l;
	return SIM_OK;
}

int tlm_target_remove_dmi_listener(struct tlm_target *t, struct tlm_dmi_listener *l)
{
	if (t == NULL || l == NULL || l->target != t)
		return SIM_ERR_INVALID;
	unlink_listener(t, l);
	return SIM_OK;
}

void tlm_target_invalidate_dmi(struct tlm_target *t, uint64_t start, uint64_t end)
{
	struct tlm_dmi_iter it;
	/* Listeners registered by the callbacks of this very invalidation
	 * asked for their grant after it began: they are not told. */
	const uint64_t gen = t->lgen;

	if (start > end)
		return;
	it.next = t->lhead;
	it.outer = t->iters;
	t->iters = &it;
	while (it.next != NULL) {
		struct tlm_dmi_listener *l = it.next;

		it.next = l->next;
		if (l->gen <= gen && l->start <= end && start <= l->end)
			l->invalidate(l->opaque, start, end);
	}
	t->iters = it.outer;
}
