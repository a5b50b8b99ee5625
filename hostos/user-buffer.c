/*
 * hostos/user-buffer.c - buffers of the machine's memory that stand for
 * an application's (hostos/dma.h): what a direct-I/O request's MDL
 * describes, so MmProbeAndLockPages finds their frames.
 */
#include <stdlib.h>
#include <string.h>

#include "bus/hostmem.h"
#include "hostos/dma-internal.h"
#include "hostos/os-internal.h"
#include "hostos/pool-internal.h"

#define PAGE BUS_MEM_FRAME_BYTES

void *hostos_user_buffer_alloc(struct hostos *os, size_t bytes, unsigned flags)
{
	struct hostos_dma *d = os ? hostos_dma_state(os) : NULL;
	struct bus_mem *mem = os ? hostos_pool_mem(os) : NULL;
	struct hostos_user_buf u = { 0 };
	void *va;

	if (!d || !mem || bytes == 0 || bytes > (SIZE_MAX - PAGE))
		return NULL;
	if (!flags)
		flags = BUS_MEM_ALLOC_SCATTERED;
	u.pages = (bytes + PAGE - 1) / PAGE;
	u.frames = malloc(u.pages * sizeof(*u.frames));
	if (!u.frames)
		return NULL;
	if (bus_mem_alloc_frames(mem, u.pages, flags, u.frames) != SIM_OK) {
		free(u.frames);
		return NULL;
	}
	if (bus_mem_map_frames(mem, u.frames, u.pages, &va) != SIM_OK)
		goto fail;
	if (d->n_user == d->cap_user) {
		uint32_t cap = d->cap_user ? d->cap_user * 2 : 8;
		struct hostos_user_buf *v = realloc(d->user, cap * sizeof(*v));

		if (!v) {
			(void)bus_mem_unmap(mem, va);
			goto fail;
		}
		d->user = v;
		d->cap_user = cap;
	}
	u.va = va;
	memset(va, 0, u.pages * PAGE);
	d->user[d->n_user++] = u;
	return va;
fail:
	(void)bus_mem_free_frames(mem, u.frames, u.pages);
	free(u.frames);
	return NULL;
}

static void user_release(struct bus_mem *mem, struct hostos_user_buf *u)
{
	if (mem) {
		(void)bus_mem_unmap(mem, u->va);
		(void)bus_mem_free_frames(mem, u->frames, u->pages);
	}
	free(u->frames);
}

int hostos_user_buffer_free(struct hostos *os, void *va)
{
	struct hostos_dma *d = os ? os->dma : NULL;

	for (uint32_t i = 0; d && i < d->n_user; i++)
		if (d->user[i].va == va) {
			user_release(hostos_pool_mem(os), &d->user[i]);
			d->user[i] = d->user[--d->n_user];
			return SIM_OK;
		}
	return SIM_ERR_INVALID;
}

bool hostos_dma_user_frames(struct hostos *os, const void *va, size_t len, uint64_t *frames)
{
	const struct hostos_dma *d = os->dma;
	uintptr_t v = (uintptr_t)va;

	for (uint32_t i = 0; d && i < d->n_user; i++) {
		const struct hostos_user_buf *u = &d->user[i];
		uintptr_t b = (uintptr_t)u->va;
		size_t span = u->pages * PAGE;

		if (v >= b && v - b < span && len <= span - (v - b)) {
			size_t first = (v - b) / PAGE, last = (v - b + len - 1) / PAGE;

			for (size_t p = first; p <= last; p++)
				frames[p - first] = u->frames[p];
			return true;
		}
	}
	return false;
}

void hostos_dma_user_destroy(struct hostos_dma *d)
{
	struct bus_mem *mem = hostos_pool_mem(d->os);

	for (uint32_t i = 0; i < d->n_user; i++)
		user_release(mem, &d->user[i]);
	free(d->user);
	d->user = NULL;
	d->n_user = d->cap_user = 0;
}
