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
 *
 * A block above a page gets an arena of its own: guard, n data pages,
 * guard, the block ending at the end of the last data page (START: from
 * the start of the first), the same checks at the access and at free.
 * Freed, the arena waits inaccessible in a quarantine of its own (up to
 * QUARANTINE data pages, oldest first out); then it is ready for the next
 * block of its size (still inaccessible, so a late use after free is
 * still 0xD5), which saves mapping new frames; past READY_MAX data pages
 * of ready arenas, the oldest one's mapping and frames go back to the
 * memory.
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
#define READY_MAX 256u               /* data pages of large arenas kept for reuse */

enum slot_state { SLOT_UNUSED = 0, SLOT_LIVE = 1, SLOT_FREED = 2 };

struct sp_arena {
	uint8_t *va;
	uint64_t *frames;                /* 2 * SLOTS + 1 */
	uint8_t state[SLOTS];
	size_t bytes[SLOTS];             /* live: as requested */
	unsigned next_unused;
};

/* A block above a page and its own arena. */
struct sp_large {
	uint8_t *va;                     /* guard, data pages, guard */
	uint64_t *frames;                /* pages + 2 */
	size_t pages;                    /* data pages */
	size_t bytes;                    /* as requested */
	uint8_t *block;
	enum { LARGE_LIVE, LARGE_QUARANTINED, LARGE_READY } state;
	uint64_t seq;                    /* when it entered its state: oldest first */
};

struct pool_special {
	struct bus_mem *mem;
	unsigned frame_flags;
	bool start_mode;
	struct sp_arena *arenas;
	uint32_t n, cap;
	uint32_t *quar;                  /* ring of arena << 8 | slot, oldest first */
	uint32_t quar_head, quar_len, quar_cap;
	struct sp_large *large;          /* allocation order */
	uint32_t n_large, cap_large;
	size_t large_pages[3];           /* data pages of large arenas, by state */
	uint64_t seq;
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

static void large_release(struct pool_special *s, struct sp_large *l)
{
	(void)bus_mem_unmap(s->mem, l->va);
	(void)bus_mem_free_frames(s->mem, l->frames, l->pages + 2);
	free(l->frames);
}

void hostos_special_destroy(struct pool_special *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->n_large; i++)
		large_release(s, &s->large[i]);
	free(s->large);
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

/* The block's place in its arena, the pattern around it, its bytes. */
static void *large_fill(struct sp_large *l, size_t bytes, bool start_mode, bool zero)
{
	size_t rounded = (bytes + 15) / 16 * 16;
	uint8_t *data = l->va + PAGE;

	l->bytes = bytes;
	l->block = start_mode ? data : data + l->pages * PAGE - rounded;
	memset(data, PATTERN, l->pages * PAGE);
	memset(l->block, zero ? 0 : HOSTOS_POOL_FRESH_BYTE, bytes);
	return l->block;
}

/* The oldest large arena in @state, or UINT32_MAX. */
static uint32_t large_oldest(const struct pool_special *s, int state, size_t pages)
{
	uint32_t old = UINT32_MAX;

	for (uint32_t i = 0; i < s->n_large; i++)
		if ((int)s->large[i].state == state && (!pages || s->large[i].pages == pages) &&
		    (old == UINT32_MAX || s->large[i].seq < s->large[old].seq))
			old = i;
	return old;
}

/* A block above a page: a ready arena of its size, or a new one. */
static void *large_alloc(struct pool_special *s, size_t bytes, bool zero)
{
	size_t rounded = (bytes + 15) / 16 * 16;
	struct sp_large l = { .pages = (rounded + PAGE - 1) / PAGE, .state = LARGE_LIVE };
	uint32_t i = large_oldest(s, LARGE_READY, l.pages);
	uint8_t *data;
	void *va;

	if (i != UINT32_MAX &&
	    mprotect(s->large[i].va + PAGE, l.pages * PAGE, PROT_READ | PROT_WRITE) == 0) {
		s->large_pages[LARGE_READY] -= l.pages;
		s->large_pages[LARGE_LIVE] += l.pages;
		s->large[i].state = LARGE_LIVE;
		return large_fill(&s->large[i], bytes, s->start_mode, zero);
	}
	if (s->n_large == s->cap_large) {
		uint32_t cap = s->cap_large ? s->cap_large * 2 : 8;
		struct sp_large *v = realloc(s->large, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->large = v;
		s->cap_large = cap;
	}
	l.frames = malloc((l.pages + 2) * sizeof(*l.frames));
	if (!l.frames ||
	    bus_mem_alloc_frames(s->mem, l.pages + 2, s->frame_flags, l.frames) != SIM_OK) {
		free(l.frames);
		return NULL;
	}
	if (bus_mem_map_frames(s->mem, l.frames, l.pages + 2, &va) != SIM_OK) {
		(void)bus_mem_free_frames(s->mem, l.frames, l.pages + 2);
		free(l.frames);
		return NULL;
	}
	l.va = va;
	data = l.va + PAGE;
	mprotect(l.va, PAGE, PROT_NONE);
	mprotect(data + l.pages * PAGE, PAGE, PROT_NONE);
	s->large_pages[LARGE_LIVE] += l.pages;
	s->large[s->n_large] = l;
	return large_fill(&s->large[s->n_large++], bytes, s->start_mode, zero);
}

/* The large arena holding @va, or NULL. */
static struct sp_large *large_of(const struct pool_special *s, uintptr_t va)
{
	for (uint32_t i = 0; i < s->n_large; i++) {
		uintptr_t base = (uintptr_t)s->large[i].va;

		if (va >= base && va - base < (s->large[i].pages + 2) * PAGE)
			return &s->large[i];
	}
	return NULL;
}

/* Past the quarantine's size the oldest freed arenas become ready for
 * reuse; past READY_MAX the oldest ready ones go back to the memory. */
static void large_trim(struct pool_special *s)
{
	uint32_t old;

	while (s->large_pages[LARGE_QUARANTINED] > QUARANTINE &&
	       (old = large_oldest(s, LARGE_QUARANTINED, 0)) != UINT32_MAX) {
		s->large_pages[LARGE_QUARANTINED] -= s->large[old].pages;
		s->large_pages[LARGE_READY] += s->large[old].pages;
		s->large[old].state = LARGE_READY;
		s->large[old].seq = ++s->seq;
	}
	while (s->large_pages[LARGE_READY] > READY_MAX &&
	       (old = large_oldest(s, LARGE_READY, 0)) != UINT32_MAX) {
		s->large_pages[LARGE_READY] -= s->large[old].pages;
		large_release(s, &s->large[old]);
		memmove(&s->large[old], &s->large[old + 1],
			(s->n_large - old - 1) * sizeof(s->large[0]));
		s->n_large--;
	}
}

static uintptr_t large_free(struct pool_special *s, struct sp_large *l, uintptr_t va)
{
	uint8_t *data = l->va + PAGE, *end = data + l->pages * PAGE;

	if (va != (uintptr_t)l->block || l->state != LARGE_LIVE)
		return 0;
	/* The pattern before the block (END mode) and after it. */
	for (uint8_t *b = data; b < l->block; b++)
		if (*b != PATTERN)
			return (uintptr_t)b;
	for (uint8_t *b = l->block + l->bytes; b < end; b++)
		if (*b != PATTERN)
			return (uintptr_t)b;
	memset(data, HOSTOS_POOL_FREED_BYTE, l->pages * PAGE);
	mprotect(data, l->pages * PAGE, PROT_NONE);
	l->state = LARGE_QUARANTINED;
	l->seq = ++s->seq;
	s->large_pages[LARGE_LIVE] -= l->pages;
	s->large_pages[LARGE_QUARANTINED] += l->pages;
	large_trim(s);
	return 0;
}

void *hostos_special_alloc(struct pool_special *s, size_t bytes, bool zero)
{
	uint32_t arena;
	unsigned slot;
	uint8_t *page, *va;

	if (bytes > PAGE)
		return large_alloc(s, bytes, zero);
	if (bytes == 0 || !take_slot(s, &arena, &slot))
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

	return s && (locate(s, va, &a, &slot, &guard) || large_of(s, va));
}

uint64_t hostos_special_pa(const struct pool_special *s, uintptr_t va)
{
	const struct sp_large *l = s ? large_of(s, va) : NULL;

	if (l)
		return l->frames[(va - (uintptr_t)l->va) / PAGE] + (va - (uintptr_t)l->va) % PAGE;
	for (uint32_t i = 0; s && i < s->n; i++) {
		uintptr_t base = (uintptr_t)s->arenas[i].va;

		if (va >= base && va - base < (2 * SLOTS + 1) * (size_t)PAGE)
			return s->arenas[i].frames[(va - base) / PAGE] + (va - base) % PAGE;
	}
	return 0;
}

bool hostos_special_span(const struct pool_special *s, uintptr_t va, size_t len,
			 uint64_t *frames)
{
	const struct sp_large *l = s ? large_of(s, va) : NULL;
	uint32_t arena;
	unsigned slot;
	bool guard;
	uintptr_t base;

	if (!s || len == 0 || va + len - 1 < va)
		return false;
	if (l) {
		uintptr_t data = (uintptr_t)l->va + PAGE;

		if (va < data || va + len - 1 - data >= l->pages * PAGE)
			return false;
		for (size_t pg = (va - data) / PAGE; pg <= (va + len - 1 - data) / PAGE; pg++)
			*frames++ = l->frames[pg + 1];
		return true;
	}
	if (!locate(s, va, &arena, &slot, &guard) || guard)
		return false;
	base = (uintptr_t)page_of(s, arena, slot);
	if (va + len - 1 - base >= PAGE)
		return false;
	frames[0] = s->arenas[arena].frames[2 * (size_t)slot + 1];
	return true;
}

uintptr_t hostos_special_free(struct pool_special *s, uintptr_t va)
{
	uint32_t arena;
	unsigned slot;
	bool guard;
	uint8_t *page, *end;
	uintptr_t bad = 0;
	struct sp_large *l = large_of(s, va);

	if (l)
		return large_free(s, l, va);
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
	const struct sp_large *l = s ? large_of(s, addr) : NULL;

	if (l) {
		size_t pg = (addr - (uintptr_t)l->va) / PAGE;

		if (pg == 0 || pg == l->pages + 1)
			return HOSTOS_SPECIAL_BEYOND;
		return l->state != LARGE_LIVE ? HOSTOS_SPECIAL_FREED : HOSTOS_SPECIAL_NONE;
	}
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
