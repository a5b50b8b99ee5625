/*
 * hostos/dma-wait.c - requests that wait for an adapter's channel or map
 * registers (spec §7.3): AllocateAdapterChannel behind a held channel, and
 * AllocateAdapterChannel or Get/BuildScatterGatherList(Ex) that need more
 * map registers than are free.
 *
 * Windows queues such a request and returns STATUS_SUCCESS; the driver's
 * AdapterControl or AdapterListControl runs later, at DISPATCH_LEVEL, from
 * inside the call that frees enough (FreeAdapterChannel, FreeMapRegisters,
 * PutScatterGatherList, an AdapterControl returning DeallocateObject). A
 * driver that assumes its callback ran before the request returned, or
 * that frees what it was never granted, shows its bug here and not only
 * on a machine that happened to run short.
 *
 * Requests are served strictly in arrival order: one that does not fit
 * holds back the ones behind it, and a new request waits whenever others
 * do, so none overtakes another.
 */
#include "hostos/dma-adapter-internal.h"

#include <stdlib.h>
#include <string.h>

static bool fits(const struct hostos_adapter *ad, const struct dma_wait *w)
{
	if (!w->list && ad->channels)
		return false;
	return !ad->needs_regs || ad->regs_used + w->n <= ad->max_regs;
}

bool hostos_dma_must_wait(const struct hostos_adapter *ad, bool channel, ULONG n)
{
	struct dma_wait w = { .list = !channel, .n = n };

	/* Lists that need no map registers never queue behind a channel. */
	if (!channel && !ad->needs_regs)
		return false;
	return ad->n_waits || !fits(ad, &w);
}

bool hostos_dma_wait_add(struct hostos_adapter *ad, const struct dma_wait *w)
{
	if (ad->n_waits == ad->cap_waits) {
		uint32_t cap = ad->cap_waits ? ad->cap_waits * 2 : 4;
		struct dma_wait *v = realloc(ad->waits, cap * sizeof(*v));

		if (!v)
			return false;
		ad->waits = v;
		ad->cap_waits = cap;
	}
	ad->waits[ad->n_waits++] = *w;
	ad->os->dma->stats.deferred++;
	return true;
}

unsigned hostos_dma_waiting(const struct hostos_adapter *ad, bool channels)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < ad->n_waits; i++)
		n += ad->waits[i].list != channels;
	return n;
}

bool hostos_dma_wait_cancel_channel(struct hostos_adapter *ad)
{
	for (uint32_t i = 0; i < ad->n_waits; i++)
		if (!ad->waits[i].list) {
			memmove(&ad->waits[i], &ad->waits[i + 1],
				(ad->n_waits - i - 1) * sizeof(*ad->waits));
			ad->n_waits--;
			return true;
		}
	return false;
}

bool hostos_dma_wait_cancel(struct hostos_adapter *ad, PVOID transfer)
{
	for (uint32_t i = 0; transfer && i < ad->n_waits; i++)
		if (ad->waits[i].transfer == transfer) {
			memmove(&ad->waits[i], &ad->waits[i + 1],
				(ad->n_waits - i - 1) * sizeof(*ad->waits));
			ad->n_waits--;
			return true;
		}
	return false;
}

void hostos_dma_serve(struct hostos_thread *t, struct hostos_adapter *ad)
{
	uint8_t irql = t->cpu->irql;

	/* A callback that frees resources lands here again: the loop below
	 * sees what it freed. */
	if (ad->serving || ad->put || !ad->n_waits)
		return;
	ad->serving = true;
	if (irql < HOSTOS_DISPATCH)
		hostos_raise(t, HOSTOS_DISPATCH, "a waiting DMA request");
	while (ad->n_waits && !ad->put && fits(ad, &ad->waits[0])) {
		struct dma_wait w = ad->waits[0];

		memmove(&ad->waits[0], &ad->waits[1], (ad->n_waits - 1) * sizeof(*ad->waits));
		ad->n_waits--;
		hostos_dma_grant(t, ad, &w);
	}
	if (irql < HOSTOS_DISPATCH)
		hostos_lower(t, irql, "a waiting DMA request");
	ad->serving = false;
}
