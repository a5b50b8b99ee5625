/*
 * hostos/pool-special.c - Special Pool (spec §6.1, Driver Verifier option
 * 0x1) with guard pages, for hostos/pool.c.
 *
 * A special arena is 2n + 1 pages of simulated frames mapped at one host
 * address: guard, data, guard, data, ..., guard. Each allocation of up to
 * a page gets one data page, its block placed at the page's end (rounded
 * up to 16 bytes, the pool alignment) or, in START mode, at its start; the
 * rest of the page holds a pattern checked at free. Guard pages and data
 * pages not in use are PROT_NONE: an access past the block's page (or
 * before it, in START mode) is 0xD6 DRIVER_PAGE_FAULT_BEYOND_END_OF_
 * ALLOCATION, an access to a freed block's page 0xD5 DRIVER_PAGE_FAULT_IN_
 * FREED_SPECIAL_POOL (P1 the address, P2 0 read / 1 write, P3 the
 * instruction, P4 0), caught at the access (hostos/guard.c). A write into
 * the pattern is found at free: 0xC1 SPECIAL_POOL_DETECTED_MEMORY_
 * CORRUPTION, P1 the block, P2 the first byte changed, P3 0, P4 0x24.
 * Freed pages stay inaccessible in a first-in first-out quarantine and
 * are used again only once QUARANTINE of them wait (or no new arena can
 * be had), so a late use after free is still caught.
 */
#include "hostos/pool-special.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hostos/pool.h"

#define PAGE 4096u
#define SLOTS 64u                    /* data pages per special arena */
#define QUARANTINE 256u              /* freed pages kept inaccessible */
#define PATTERN 0x5Cu                /* the rest of a block's page */

enum slot_state { SLOT_UNUSED = 0, SLOT_LIVE = 1, SLOT_FREED = 2 };

struct sp_arena {
	uint8_t *va;
	uint64_t *frames;                /* 2 * SLOTS + 1 */
	uint8_t state[SLOTS];
	size_t bytes[SLOTS];             /* live: as requested */
	unsigned next_unused;
};

struct pool_special {
	struct bus_mem *mem;
	unsigned frame_flags;
	bool start_mode;
	struct sp_arena *arenas;
	uint32_t n, cap;
	uint32_t *quar;                  /* ring of arena << 8 | slot, oldest first */
	uint32_t quar_head, quar_len, quar_cap;
};

struct pool_special *hostos_special_create(struct bus_mem *mem, unsigned frame_flags,
					   bool start_mode)
{
	struct pool_special *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->mem = mem;
	s->frame_flags = frame_flags;
	s->start_mode = start_mode;
	return s;
}

void hostos_special_destroy(struct pool_special *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->n; i++) {
		(void)bus_mem_unmap(s->mem, s->arenas[i].va);
		(void)bus_mem_free_frames(s->mem, s->arenas[i].frames, 2 * SLOTS + 1);
		free(s->arenas[i].frames);
	}
	free(s->arenas);
	free(s->quar);
	free(s);
}

static bool arena_new(struct pool_special *s)
{
	struct sp_arena a = { 0 };
	const size_t pages = 2 * SLOTS + 1;
	void *va;

	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		struct sp_arena *v = realloc(s->arenas, cap * sizeof(*v));

		if (!v)
			return false;
		s->arenas = v;
		s->cap = cap;
	}
	a.frames = malloc(pages * sizeof(*a.frames));
	if (!a.frames || bus_mem_alloc_frames(s->mem, pages, s->frame_flags, a.frames) != SIM_OK) {
		free(a.frames);
		return false;
	}
	if (bus_mem_map_frames(s->mem, a.frames, pages, &va) != SIM_OK) {
		(void)bus_mem_free_frames(s->mem, a.frames, pages);
		free(a.frames);
		return false;
	}
	a.va = va;
	/* Everything inaccessible until handed out. */
	mprotect(a.va, pages * PAGE, PROT_NONE);
	s->arenas[s->n++] = a;
	return true;
}

static uint8_t *page_of(const struct pool_special *s, uint32_t arena, unsigned slot)
{
	return s->arenas[arena].va + (2 * (size_t)slot + 1) * PAGE;
}

/* A data page to use: a never used one, else the oldest in quarantine
 * once it is full, else a new arena, else the oldest in quarantine. */
static bool take_slot(struct pool_special *s, uint32_t *arena, unsigned *slot)
{
	if (s->n && s->arenas[s->n - 1].next_unused < SLOTS) {
		*arena = s->n - 1;
		*slot = s->arenas[s->n - 1].next_unused++;
		return true;
	}
	if ((s->quar_len < QUARANTINE || !s->quar_len) && arena_new(s)) {
		*arena = s->n - 1;
		*slot = s->arenas[s->n - 1].next_unused++;
		return true;
	}
	if (!s->quar_len)
		return false;
	*arena = s->quar[s->quar_head] >> 8;
	*slot = s->quar[s->quar_head] & 0xff;
	s->quar_head = (s->quar_head + 1) % s->quar_cap;
	s->quar_len--;
	return true;
}

void *hostos_special_alloc(struct pool_special *s, size_t bytes, bool zero)
{
	uint32_t arena;
	unsigned slot;
	uint8_t *page, *va;

	if (bytes == 0 || bytes > PAGE || !take_slot(s, &arena, &slot))
		return NULL;
	page = page_of(s, arena, slot);
	if (mprotect(page, PAGE, PROT_READ | PROT_WRITE) != 0)
		return NULL;
	s->arenas[arena].state[slot] = SLOT_LIVE;
	s->arenas[arena].bytes[slot] = bytes;
	va = s->start_mode ? page : page + PAGE - (bytes + 15) / 16 * 16;
	memset(page, PATTERN, PAGE);
	memset(va, zero ? 0 : HOSTOS_POOL_FRESH_BYTE, bytes);
	return va;
}

/* The arena and slot of the data page holding @va; false if none. */
static bool locate(const struct pool_special *s, uintptr_t va, uint32_t *arena, unsigned *slot,
		   bool *guard)
{
	for (uint32_t i = 0; i < s->n; i++) {
		uintptr_t base = (uintptr_t)s->arenas[i].va;
		size_t pg;

		if (va < base || va - base >= (2 * SLOTS + 1) * (size_t)PAGE)
			continue;
		pg = (va - base) / PAGE;
		*arena = i;
		*guard = pg % 2 == 0;
		*slot = pg % 2 ? (unsigned)((pg - 1) / 2) : 0;
		return true;
	}
	return false;
}

bool hostos_special_owns(const struct pool_special *s, uintptr_t va)
{
	uint32_t a;
	unsigned slot;
	bool guard;

	return s && locate(s, va, &a, &slot, &guard);
}

uint64_t hostos_special_pa(const struct pool_special *s, uintptr_t va)
{
	for (uint32_t i = 0; s && i < s->n; i++) {
		uintptr_t base = (uintptr_t)s->arenas[i].va;

		if (va >= base && va - base < (2 * SLOTS + 1) * (size_t)PAGE)
			return s->arenas[i].frames[(va - base) / PAGE] + (va - base) % PAGE;
	}
	return 0;
}

uintptr_t hostos_special_free(struct pool_special *s, uintptr_t va)
{
	uint32_t arena;
	unsigned slot;
	bool guard;
	uint8_t *page, *end;
	uintptr_t bad = 0;

	if (!locate(s, va, &arena, &slot, &guard) || guard)
		return 0;
	page = page_of(s, arena, slot);
	end = page + PAGE;
	/* The pattern after the block (and, at the end, the rounding slack). */
	for (uint8_t *b = (uint8_t *)va + s->arenas[arena].bytes[slot]; b < end && !bad; b++)
		if (*b != PATTERN)
			bad = (uintptr_t)b;
	for (uint8_t *b = page; b < (uint8_t *)va && !bad; b++)
		if (*b != PATTERN)
			bad = (uintptr_t)b;
	if (bad)
		return bad;
	if (s->quar_len == s->quar_cap) {
		uint32_t cap = s->quar_cap ? s->quar_cap * 2 : QUARANTINE;
		uint32_t *v = malloc(cap * sizeof(*v));

		if (!v)
			return 0; /* stays live: no harm but a lost page */
		for (uint32_t i = 0; i < s->quar_len; i++)
			v[i] = s->quar[(s->quar_head + i) % s->quar_cap];
		free(s->quar);
		s->quar = v;
		s->quar_cap = cap;
		s->quar_head = 0;
	}
	memset(page, HOSTOS_POOL_FREED_BYTE, PAGE);
	mprotect(page, PAGE, PROT_NONE);
	s->arenas[arena].state[slot] = SLOT_FREED;
	s->quar[(s->quar_head + s->quar_len) % s->quar_cap] = arena << 8 | slot;
	s->quar_len++;
	return 0;
}

enum hostos_special_hit hostos_special_classify(const struct pool_special *s, uintptr_t addr)
{
	uint32_t arena;
	unsigned slot;
	bool guard;

	if (!s || !locate(s, addr, &arena, &slot, &guard))
		return HOSTOS_SPECIAL_NONE;
	if (guard)
		return HOSTOS_SPECIAL_BEYOND;
	if (s->arenas[arena].state[slot] == SLOT_FREED)
		return HOSTOS_SPECIAL_FREED;
	if (s->arenas[arena].state[slot] == SLOT_UNUSED)
		return HOSTOS_SPECIAL_BEYOND;
	return HOSTOS_SPECIAL_NONE;      /* a live page does not fault */
}
