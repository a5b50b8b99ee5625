/*
 * hostos/pool.c - the pool (spec §6.1): arenas of simulated physical
 * frames mapped for the driver, blocks handed out by a bitmap of 16-byte
 * units, every allocation tracked, and the misuse checks with their bug
 * check codes (hostos/pool.h).
 */
#include <wdm.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hostos/fault-internal.h"
#include "hostos/guard-internal.h"
#include "hostos/pool-special.h"
#include "hostos/dma-internal.h"
#include "hostos/os-internal.h"
#include "hostos/pool-internal.h"
#include "hostos/pool.h"
#include "hostos/sweep-internal.h"

#define UNIT 16u
#define PAGE 4096u
#define UNITS_PER_PAGE (PAGE / UNIT)
#define WORDS_PER_PAGE (UNITS_PER_PAGE / 64u)
#define ARENA_PAGES 256u            /* 1 MiB of pool per arena */
#define SHARED_MAX_PAGES 64u        /* larger blocks get an arena of their own */
#define NONE UINT32_MAX
#define SPECIAL (UINT32_MAX - 1)    /* a record's arena: Special Pool's */
#define SLACK_BYTE 0x6Bu            /* a block's last 16-byte unit, past its end */

struct pool_arena {
	uint8_t *va;
	uint64_t *frames;
	size_t pages;
	uint64_t *used;             /* a bit per 16-byte unit */
	bool dedicated;             /* one block, gone with it */
	bool paged;                 /* guarded paged pool (Force IRQL Checking) */
	uint32_t *locks;            /* paged: MDL locks per page, once one is made */
	size_t n_locked;            /* pages with locks: they stay accessible */
};

struct pool_rec {
	uintptr_t va;
	size_t bytes, units;
	uint32_t tag;
	unsigned type;
	const void *site;
	uint32_t arena;
	bool live;
	uint32_t prev, next;        /* the live list, allocation order */
};

struct hostos_pool {
	struct bus_mem *mem;
	unsigned frame_flags;
	struct pool_arena *arenas;
	uint32_t n_arenas, cap_arenas;
	struct pool_rec *recs;
	uint32_t n_recs, cap_recs;
	uint32_t *index;            /* va hash: slot -> record + 1 */
	uint32_t index_cap;
	uint32_t head, tail;
	struct hostos_pool_stats stats;
	struct hostos *os;
	struct pool_special *special; /* Special Pool on: its allocator */
	bool paged_guard;           /* Force IRQL Checking's paged arenas on */
};

/* Special Pool and the guarded paged pool, as the configuration asks
 * and the host allows. */
static void verify_setup(struct hostos *os, struct hostos_pool *p)
{
	const struct hostos_config *c = &os->cfg;
	bool sp = (c->verifier & HOSTOS_VERIFY_SPECIAL_POOL) && c->special_pool;
	bool pg = (c->verifier & HOSTOS_VERIFY_FORCE_IRQL) && c->paged_guard;

	if ((sp || pg) && hostos_guard_install() != SIM_OK) {
		hostos_warn(os, "guard pages are not available on this host: no Special Pool, no "
				"guarded paged pool");
		return;
	}
	if (sp)
		p->special = hostos_special_create(p->mem, p->frame_flags,
						   c->special_pool == HOSTOS_SPECIAL_POOL_START);
	p->paged_guard = pg;
	/* Paged arenas start accessible; closed at the first raise to
	 * DISPATCH_LEVEL. */
	os->paged_open = pg;
}

/* ---- attach, destroy, queries ---- */

int hostos_attach_memory(struct hostos *os, struct bus_mem *mem, unsigned flags)
{
	struct hostos_pool *p;

	if (!os || !mem || (flags & ~(unsigned)(BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE |
						BUS_MEM_ALLOC_BELOW_4G | BUS_MEM_ALLOC_ABOVE_4G)))
		return SIM_ERR_INVALID;
	if (os->pool)
		return SIM_ERR_STATE;
	p = calloc(1, sizeof(*p));
	if (!p)
		return SIM_ERR_NOMEM;
	p->mem = mem;
	p->frame_flags = flags;
	p->head = p->tail = NONE;
	p->os = os;
	verify_setup(os, p);
	os->pool = p;
	return SIM_OK;
}

static void arena_release(struct hostos_pool *p, struct pool_arena *a)
{
	if (a->va) {
		(void)bus_mem_unmap(p->mem, a->va);
		(void)bus_mem_free_frames(p->mem, a->frames, a->pages);
	}
	free(a->frames);
	free(a->used);
	free(a->locks);
	memset(a, 0, sizeof(*a));
}

void hostos_pool_destroy(struct hostos *os)
{
	struct hostos_pool *p = os->pool;

	if (!p)
		return;
	for (uint32_t i = 0; i < p->n_arenas; i++)
		arena_release(p, &p->arenas[i]);
	hostos_special_destroy(p->special);
	os->paged_open = false;
	free(p->arenas);
	free(p->recs);
	free(p->index);
	free(p);
	os->pool = NULL;
}

void hostos_pool_stats(const struct hostos *os, struct hostos_pool_stats *out)
{
	if (os && os->pool)
		*out = os->pool->stats;
	else
		memset(out, 0, sizeof(*out));
}

/* The bus address of @va, or 0 when it is not pool. */
static uint64_t pa_of(const struct hostos_pool *p, uintptr_t va)
{
	for (uint32_t i = 0; i < p->n_arenas; i++) {
		const struct pool_arena *a = &p->arenas[i];
		uintptr_t base = (uintptr_t)a->va;

		if (a->va && va >= base && va - base < a->pages * PAGE)
			return a->frames[(va - base) / PAGE] + (va - base) % PAGE;
	}
	return hostos_special_pa(p->special, va);
}

size_t hostos_pool_live(const struct hostos *os, struct hostos_pool_block *out, size_t max)
{
	const struct hostos_pool *p = os ? os->pool : NULL;
	size_t n = 0;

	if (!p)
		return 0;
	for (uint32_t i = p->head; i != NONE; i = p->recs[i].next, n++) {
		const struct pool_rec *r = &p->recs[i];

		if (n < max)
			out[n] = (struct hostos_pool_block){ (void *)r->va, pa_of(p, r->va), r->bytes,
							     r->tag, r->type, r->site };
	}
	return n;
}

/* ---- records: a hash from address to record, kept for freed blocks
 * too until their address is handed out again (double frees). ---- */

static uint32_t slot_of(uintptr_t va, uint32_t cap)
{
	return (uint32_t)(((uint64_t)va * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & (cap - 1);
}

static uint32_t rec_find(const struct hostos_pool *p, uintptr_t va)
{
	if (!p->index_cap)
		return NONE;
	for (uint32_t s = slot_of(va, p->index_cap);; s = (s + 1) & (p->index_cap - 1)) {
		uint32_t v = p->index[s];

		if (!v)
			return NONE;
		if (p->recs[v - 1].va == va)
			return v - 1;
	}
}

static bool index_put(uint32_t *index, uint32_t cap, uintptr_t va, uint32_t rec)
{
	uint32_t s = slot_of(va, cap);

	while (index[s])
		s = (s + 1) & (cap - 1);
	index[s] = rec + 1;
	return true;
}

/* A record for @va: the freed one at that address, or a new one. */
static uint32_t rec_for(struct hostos_pool *p, uintptr_t va)
{
	uint32_t i = rec_find(p, va);

	if (i != NONE)
		return i;
	if ((p->n_recs + 1) * 2 > p->index_cap) {
		uint32_t cap = p->index_cap ? p->index_cap * 2 : 256;
		uint32_t *idx = calloc(cap, sizeof(*idx));

		if (!idx)
			return NONE;
		for (uint32_t k = 0; k < p->n_recs; k++)
			index_put(idx, cap, p->recs[k].va, k);
		free(p->index);
		p->index = idx;
		p->index_cap = cap;
	}
	if (p->n_recs == p->cap_recs) {
		uint32_t cap = p->cap_recs ? p->cap_recs * 2 : 128;
		struct pool_rec *v = realloc(p->recs, cap * sizeof(*v));

		if (!v)
			return NONE;
		p->recs = v;
		p->cap_recs = cap;
	}
	memset(&p->recs[p->n_recs], 0, sizeof(p->recs[0]));
	p->recs[p->n_recs].va = va;
	index_put(p->index, p->index_cap, va, p->n_recs);
	return p->n_recs++;
}

static void live_link(struct hostos_pool *p, uint32_t i)
{
	struct pool_rec *r = &p->recs[i];

	r->prev = p->tail;
	r->next = NONE;
	if (p->tail != NONE)
		p->recs[p->tail].next = i;
	else
		p->head = i;
	p->tail = i;
}

static void live_unlink(struct hostos_pool *p, uint32_t i)
{
	struct pool_rec *r = &p->recs[i];

	if (r->prev != NONE)
		p->recs[r->prev].next = r->next;
	else
		p->head = r->next;
	if (r->next != NONE)
		p->recs[r->next].prev = r->prev;
	else
		p->tail = r->prev;
}

/* ---- arenas and the unit bitmap ---- */

static bool unit_used(const struct pool_arena *a, size_t u)
{
	return a->used[u / 64] >> (u % 64) & 1;
}

static void units_mark(struct pool_arena *a, size_t u, size_t n, bool used)
{
	for (size_t k = u; k < u + n; k++) {
		if (used)
			a->used[k / 64] |= UINT64_C(1) << (k % 64);
		else
			a->used[k / 64] &= ~(UINT64_C(1) << (k % 64));
	}
}

static bool page_free(const struct pool_arena *a, size_t pg)
{
	for (size_t w = 0; w < WORDS_PER_PAGE; w++)
		if (a->used[pg * WORDS_PER_PAGE + w])
			return false;
	return true;
}

static uint32_t arena_new(struct hostos_pool *p, size_t pages, bool dedicated, bool paged)
{
	struct pool_arena a = { 0 };
	void *va;

	if (p->n_arenas == p->cap_arenas) {
		uint32_t cap = p->cap_arenas ? p->cap_arenas * 2 : 8;
		struct pool_arena *v = realloc(p->arenas, cap * sizeof(*v));

		if (!v)
			return NONE;
		p->arenas = v;
		p->cap_arenas = cap;
	}
	a.frames = malloc(pages * sizeof(*a.frames));
	a.used = calloc(pages * WORDS_PER_PAGE, sizeof(*a.used));
	if (!a.frames || !a.used ||
	    bus_mem_alloc_frames(p->mem, pages, p->frame_flags, a.frames) != SIM_OK) {
		free(a.frames);
		free(a.used);
		return NONE;
	}
	if (bus_mem_map_frames(p->mem, a.frames, pages, &va) != SIM_OK) {
		(void)bus_mem_free_frames(p->mem, a.frames, pages);
		free(a.frames);
		free(a.used);
		return NONE;
	}
	a.va = va;
	a.pages = pages;
	a.dedicated = dedicated;
	a.paged = paged;
	if (paged && !p->os->paged_open)
		mprotect(a.va, pages * PAGE, PROT_NONE);
	p->arenas[p->n_arenas] = a;
	p->stats.arenas++;
	return p->n_arenas++;
}

/* A block of @units units in arena @a: within one page when below a page
 * (the WDK never lets those cross), else @pages whole free pages. Its first
 * unit, or SIZE_MAX. */
static size_t arena_fit(const struct pool_arena *a, size_t units, size_t pages)
{
	if (a->dedicated)
		return SIZE_MAX;
	if (pages) {
		for (size_t pg = 0, run = 0; pg < a->pages; pg++) {
			run = page_free(a, pg) ? run + 1 : 0;
			if (run == pages)
				return (pg + 1 - pages) * UNITS_PER_PAGE;
		}
		return SIZE_MAX;
	}
	for (size_t pg = 0; pg < a->pages; pg++) {
		size_t run = 0;

		for (size_t u = pg * UNITS_PER_PAGE; u < (pg + 1) * UNITS_PER_PAGE; u++) {
			run = unit_used(a, u) ? 0 : run + 1;
			if (run == units)
				return u + 1 - units;
		}
	}
	return SIZE_MAX;
}

/* Where a block of @bytes goes: its arena and first unit; guarded paged
 * pool (@paged) and the rest never share an arena. */
static bool place(struct hostos_pool *p, size_t bytes, bool paged, uint32_t *arena, size_t *unit)
{
	size_t units = (bytes + UNIT - 1) / UNIT;
	size_t pages = bytes >= PAGE ? (bytes + PAGE - 1) / PAGE : 0;
	uint32_t i;

	if (pages > SHARED_MAX_PAGES) {
		i = arena_new(p, pages, true, paged);
		if (i == NONE)
			return false;
		*arena = i;
		*unit = 0;
		return true;
	}
	for (i = 0; i < p->n_arenas; i++) {
		size_t u = p->arenas[i].paged == paged ? arena_fit(&p->arenas[i], units, pages)
						       : SIZE_MAX;

		if (u != SIZE_MAX) {
			*arena = i;
			*unit = u;
			return true;
		}
	}
	i = arena_new(p, ARENA_PAGES, false, paged);
	if (i == NONE)
		return false;
	*arena = i;
	*unit = arena_fit(&p->arenas[i], units, pages);
	return *unit != SIZE_MAX;
}

/* ---- Force IRQL Checking: the guarded paged arenas ---- */

/* Closing leaves the pages an MDL locked accessible: they are resident,
 * and touching them at DISPATCH_LEVEL is legal (spec §6.3). */
static void paged_protect(struct hostos_pool *p, int prot)
{
	for (uint32_t i = 0; i < p->n_arenas; i++) {
		struct pool_arena *a = &p->arenas[i];

		if (!a->paged || !a->va)
			continue;
		if (prot != PROT_NONE || !a->n_locked) {
			mprotect(a->va, a->pages * PAGE, prot);
			continue;
		}
		for (size_t pg = 0, run = 0; pg <= a->pages; pg++) {
			if (pg < a->pages && !a->locks[pg]) {
				run++;
				continue;
			}
			if (run)
				mprotect(a->va + (pg - run) * PAGE, run * PAGE, PROT_NONE);
			run = 0;
		}
	}
}

static void paged_open(struct hostos_pool *p)
{
	if (p->paged_guard && !p->os->paged_open) {
		paged_protect(p, PROT_READ | PROT_WRITE);
		p->os->paged_open = true;
	}
}

void hostos_pool_paged_close(struct hostos *os)
{
	struct hostos_pool *p = os->pool;

	os->paged_open = false;
	if (p && p->paged_guard)
		paged_protect(p, PROT_NONE);
}

static uint32_t arena_of(const struct hostos_pool *p, uintptr_t va);

bool hostos_pool_lock_paged(struct hostos *os, const void *va, size_t len, bool lock)
{
	struct hostos_pool *p = os ? os->pool : NULL;
	uintptr_t v = (uintptr_t)va;
	struct pool_arena *a;
	uint32_t ai;

	if (!p || !p->paged_guard || len == 0 || v + len - 1 < v)
		return false;
	ai = arena_of(p, v);
	if (ai == NONE || !p->arenas[ai].paged ||
	    v + len - 1 - (uintptr_t)p->arenas[ai].va >= p->arenas[ai].pages * PAGE)
		return false;
	a = &p->arenas[ai];
	if (!a->locks) {
		a->locks = lock ? calloc(a->pages, sizeof(*a->locks)) : NULL;
		if (!a->locks)
			return false;
	}
	for (size_t pg = (v - (uintptr_t)a->va) / PAGE; pg <= (v + len - 1 - (uintptr_t)a->va) / PAGE;
	     pg++) {
		/* No lock to take back: the block was freed and its arena
		 * given to another while the MDL was locked. */
		if (!lock && !a->locks[pg])
			continue;
		if (lock ? a->locks[pg]++ : --a->locks[pg])
			continue;
		/* The page's first lock, or its last unlock: while the arena
		 * is closed, it opens, or closes, alone. */
		a->n_locked += lock ? 1 : (size_t)-1;
		if (!os->paged_open)
			mprotect(a->va + pg * PAGE, PAGE, lock ? PROT_READ | PROT_WRITE : PROT_NONE);
	}
	return true;
}

static bool in_paged_arena(const struct hostos_pool *p, uintptr_t va)
{
	for (uint32_t i = 0; i < p->n_arenas; i++) {
		uintptr_t base = (uintptr_t)p->arenas[i].va;

		if (p->arenas[i].paged && p->arenas[i].va && va >= base &&
		    va - base < p->arenas[i].pages * PAGE)
			return true;
	}
	return false;
}

/* ---- faults in guarded pool (hostos/guard.c calls, in its handler) ---- */

enum hostos_fault_verdict hostos_pool_fault(struct hostos_thread *t,
					    const struct hostos_fault_info *fi)
{
	struct hostos_pool *p = t->os->pool;
	enum hostos_special_hit hit;

	if (!p)
		return HOSTOS_FAULT_NOT_OURS;
	if (p->paged_guard && in_paged_arena(p, fi->addr)) {
		/* Open already: not a fault of ours (retrying would loop). */
		if (t->os->paged_open)
			return HOSTOS_FAULT_NOT_OURS;
		if (t->cpu->irql < HOSTOS_DISPATCH) {
			paged_open(p);
			return HOSTOS_FAULT_RETRY;
		}
		t->os->fault_pending.code = 0xD1;
		t->os->fault_pending.p[0] = fi->addr;
		t->os->fault_pending.p[1] = t->cpu->irql;
		t->os->fault_pending.p[2] = fi->write;
		t->os->fault_pending.p[3] = fi->ip;
		return HOSTOS_FAULT_BUGCHECK;
	}
	hit = hostos_special_classify(p->special, fi->addr);
	if (hit == HOSTOS_SPECIAL_NONE)
		return HOSTOS_FAULT_NOT_OURS;
	t->os->fault_pending.code = hit == HOSTOS_SPECIAL_FREED ? 0xD5 : 0xD6;
	t->os->fault_pending.p[0] = fi->addr;
	t->os->fault_pending.p[1] = fi->write;
	t->os->fault_pending.p[2] = fi->ip;
	t->os->fault_pending.p[3] = 0;
	return HOSTOS_FAULT_BUGCHECK;
}

/* ---- the checks ---- */

static bool paged_type(unsigned type)
{
	/* PagedPool, PagedPoolCacheAligned and their session forms. */
	return (type & ~(unsigned)32) == PagedPool || (type & ~(unsigned)32) == PagedPoolCacheAligned;
}

static bool must_succeed(unsigned type)
{
	unsigned base = type & ~(unsigned)32;

	return base == NonPagedPoolMustSucceed || base == NonPagedPoolCacheAlignedMustS;
}

/* 0xC2's tag rules (spec §6.1): not 0, not "BIG", not without a letter or
 * a digit. */
static void tag_check(struct hostos_thread *t, uint32_t tag, const char *routine)
{
	bool alnum = false;

	if (tag == 0)
		hostos_bugcheck(t, 0xC2, 0x9B, 0, 0, 0, "%s with tag 0", routine);
	if ((tag & 0xffffff) == 0x474942) /* "BIG" */
		hostos_bugcheck(t, 0xC2, 0x9C, tag, 0, 0, "%s with the reserved tag \"BIG\"",
				routine);
	for (unsigned k = 0; k < 4; k++) {
		unsigned ch = tag >> (8 * k) & 0xff;

		alnum |= (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= 'a' && ch <= 'z');
	}
	if (!alnum)
		hostos_bugcheck(t, 0xC2, 0x9D, tag, 0, 0,
				"%s with tag 0x%08X, which has no letter or digit", routine, tag);
}

static bool verified(const struct hostos *os)
{
	return os->cfg.verifier != 0;
}

/* The allocation checks (spec §6.1 table): the verifier's 0xC4 codes,
 * BAD_POOL_CALLER's without it. */
static void alloc_checks(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			 const char *routine)
{
	uint8_t irql = t->cpu->irql;
	bool v = verified(t->os);

	if (must_succeed(type)) {
		if (v)
			hostos_bugcheck(t, 0xC4, 0x03, irql, type, bytes,
					"%s of must-succeed pool (type %u)", routine, type);
		hostos_bugcheck(t, 0xC2, 0x9A, type, bytes, tag,
				"%s of must-succeed pool (type %u)", routine, type);
	}
	if (bytes == 0) {
		if (v)
			hostos_bugcheck(t, 0xC4, 0x00, irql, type, 0, "%s of zero bytes", routine);
		hostos_bugcheck(t, 0xC2, 0x00, 0, type, tag, "%s of zero bytes", routine);
	}
	if (paged_type(type) ? irql > HOSTOS_APC : irql > HOSTOS_DISPATCH) {
		if (v)
			hostos_bugcheck(t, 0xC4, paged_type(type) ? 0x01 : 0x02, irql, type, bytes,
					"%s of %s pool at IRQL %u", routine,
					paged_type(type) ? "paged" : "nonpaged", irql);
		hostos_bugcheck(t, 0xC2, 0x08, irql, type, bytes, "%s of %s pool at IRQL %u",
				routine, paged_type(type) ? "paged" : "nonpaged", irql);
	}
}

_Noreturn void hostos_pool_bad_free(struct hostos_thread *t, uintptr_t va, const char *routine)
{
	struct hostos_pool *p = t->os->pool;

	/* Never handed out: not pool at all, or inside a block. */
	if (verified(t->os))
		hostos_bugcheck(t, 0xC4, 0x10, va, 0, 0, "%s of 0x%llx, which no allocation returned%s",
				routine, (unsigned long long)va,
				p && arena_of(p, va) != NONE ? " (it is inside pool)" : "");
	hostos_bugcheck(t, 0xC2, 0x99, va, 0, 0, "%s of 0x%llx, which no allocation returned",
			routine, (unsigned long long)va);
}

_Noreturn void hostos_pool_double_free(struct hostos_thread *t, uintptr_t va, uint32_t tag,
				       const char *routine)
{
	if (verified(t->os))
		hostos_bugcheck(t, 0xC4, 0x13, 0, va, tag, "%s of 0x%llx, freed already (tag 0x%08X)",
				routine, (unsigned long long)va, tag);
	hostos_bugcheck(t, 0xC2, 0x07, 0, tag, va, "%s of 0x%llx, freed already (tag 0x%08X)",
			routine, (unsigned long long)va, tag);
}

void hostos_pool_free_irql_check(struct hostos_thread *t, unsigned type, uintptr_t va,
				 const char *routine)
{
	uint8_t irql = t->cpu->irql;

	if (paged_type(type) ? irql > HOSTOS_APC : irql > HOSTOS_DISPATCH) {
		if (verified(t->os))
			hostos_bugcheck(t, 0xC4, paged_type(type) ? 0x11 : 0x12, irql, type, va,
					"%s of %s pool at IRQL %u", routine,
					paged_type(type) ? "paged" : "nonpaged", irql);
		hostos_bugcheck(t, 0xC2, 0x09, irql, type, va, "%s of %s pool at IRQL %u", routine,
				paged_type(type) ? "paged" : "nonpaged", irql);
	}
}

void hostos_pool_alloc_checks(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			      const char *routine)
{
	alloc_checks(t, type, bytes, tag, routine);
}

bool hostos_pool_is_live(const struct hostos *os, uintptr_t va, size_t *bytes, uint32_t *tag)
{
	const struct hostos_pool *p = os->pool;
	uint32_t ri = p ? rec_find(p, va) : NONE;

	if (ri == NONE || !p->recs[ri].live)
		return false;
	if (bytes)
		*bytes = p->recs[ri].bytes;
	if (tag)
		*tag = p->recs[ri].tag;
	return true;
}

bool hostos_pool_block_of(const struct hostos *os, uintptr_t addr, uintptr_t *start,
			  size_t *bytes)
{
	const struct hostos_pool *p = os ? os->pool : NULL;

	if (!p)
		return false;
	for (uint32_t i = p->head; i != NONE; i = p->recs[i].next) {
		const struct pool_rec *r = &p->recs[i];

		if (addr >= r->va && addr - r->va < r->bytes) {
			*start = r->va;
			*bytes = r->bytes;
			return true;
		}
	}
	return false;
}

/* ---- allocate and free ---- */

static void *pool_alloc(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			bool zero, const void *site)
{
	struct hostos_pool *p = t->os->pool;
	uint32_t arena, ri;
	size_t unit;
	uint8_t *va;
	bool guarded;

	hostos_sched_point(t);
	if (!p) {
		hostos_warn(t->os, "pool allocation with no memory attached (hostos_attach_memory())");
		return NULL;
	}
	if (hostos_fault_check(t->os, HOSTOS_FAULT_POOL, site)) {
		p->stats.failed++;
		return NULL;
	}
	guarded = p->paged_guard && paged_type(type);
	/* Special Pool's pages are never guarded by IRQL: with both options,
	 * paged blocks above a page keep Force IRQL Checking's arenas. */
	va = p->special && !(guarded && bytes > PAGE)
		     ? hostos_special_alloc(p->special, bytes, zero)
		     : NULL;
	if (va) {
		arena = SPECIAL;
		goto record;
	}
	if (!place(p, bytes, guarded, &arena, &unit)) {
		p->stats.failed++;
		return NULL;
	}
	if (guarded)
		paged_open(p);
	va = p->arenas[arena].va + unit * UNIT;
	memset(va, zero ? 0 : HOSTOS_POOL_FRESH_BYTE, bytes);
	/* Pool Tracking checks at free that nothing wrote past the end. */
	memset(va + bytes, SLACK_BYTE, (bytes + UNIT - 1) / UNIT * UNIT - bytes);
record:
	ri = rec_for(p, (uintptr_t)va);
	if (ri == NONE) {
		if (arena == SPECIAL)
			(void)hostos_special_free(p->special, (uintptr_t)va);
		else if (p->arenas[arena].dedicated)
			arena_release(p, &p->arenas[arena]);
		p->stats.failed++;
		return NULL;
	}
	if (arena != SPECIAL && !p->arenas[arena].dedicated)
		units_mark(&p->arenas[arena], unit, (bytes + UNIT - 1) / UNIT, true);
	p->recs[ri].bytes = bytes;
	p->recs[ri].units = (bytes + UNIT - 1) / UNIT;
	p->recs[ri].tag = tag;
	p->recs[ri].type = type;
	p->recs[ri].site = site;
	p->recs[ri].arena = arena;
	p->recs[ri].live = true;
	live_link(p, ri);
	p->stats.allocs++;
	p->stats.live++;
	p->stats.live_bytes += bytes;
	return va;
}

/* The arena holding @va, or NONE. */
static uint32_t arena_of(const struct hostos_pool *p, uintptr_t va)
{
	for (uint32_t i = 0; i < p->n_arenas; i++) {
		uintptr_t base = (uintptr_t)p->arenas[i].va;

		if (p->arenas[i].va && va >= base && va - base < p->arenas[i].pages * PAGE)
			return i;
	}
	return NONE;
}

/* Live kernel objects in a block being freed (spec §3.3, §5.1): an armed
 * timer is 0xC4/0x15 with the verifier (P2 the timer, P3 the pool type,
 * P4 the block), 0xC7 P1 = 0 without; a queued DPC 0xC7 P1 = 1 (P2 the
 * DPC, P3/P4 the block's range). Checked always: the OS would otherwise
 * run them from freed memory. */
static void objects_check(struct hostos_thread *t, const struct pool_rec *r, const char *routine)
{
	uintptr_t obj = hostos_timer_within(t->os, r->va, r->bytes);

	if (obj && verified(t->os))
		hostos_bugcheck(t, 0xC4, 0x15, obj, r->type, r->va,
				"%s of 0x%llx, which holds the armed timer 0x%llx", routine,
				(unsigned long long)r->va, (unsigned long long)obj);
	if (obj)
		hostos_bugcheck(t, 0xC7, 0, obj, r->va, r->va + r->bytes,
				"%s of 0x%llx, which holds the armed timer 0x%llx", routine,
				(unsigned long long)r->va, (unsigned long long)obj);
	obj = hostos_dpc_within(t->os, r->va, r->bytes);
	if (obj)
		hostos_bugcheck(t, 0xC7, 1, obj, r->va, r->va + r->bytes,
				"%s of 0x%llx, which holds the queued DPC 0x%llx", routine,
				(unsigned long long)r->va, (unsigned long long)obj);
}

/* Pool Tracking: a write past the end, within the block's last 16-byte
 * unit, found at free (0xC4/0x51: P2 the block, P3 the first byte
 * written past the end, P4 the bytes charged). */
static void slack_check(struct hostos_thread *t, const struct pool_rec *r, const char *routine)
{
	const uint8_t *b = (const uint8_t *)r->va;

	if (!(t->os->cfg.verifier & HOSTOS_VERIFY_POOL_TRACKING))
		return;
	for (size_t i = r->bytes; i < r->units * UNIT; i++)
		if (b[i] != SLACK_BYTE)
			hostos_bugcheck(t, 0xC4, 0x51, r->va, r->va + i, r->units * UNIT,
					"%s of 0x%llx: the byte at +%zu, past the %zu bytes allocated, "
					"was written",
					routine, (unsigned long long)r->va, i, r->bytes);
}

static void pool_free(struct hostos_thread *t, void *ptr, uint32_t tag, bool check_tag,
		      const char *routine)
{
	struct hostos_pool *p = t->os->pool;
	uintptr_t va = (uintptr_t)ptr;
	uint32_t ri = p ? rec_find(p, va) : NONE;
	bool v = verified(t->os);
	struct pool_rec *r;

	if (ri == NONE)
		hostos_pool_bad_free(t, va, routine);
	r = &p->recs[ri];
	if (!r->live)
		hostos_pool_double_free(t, va, r->tag, routine);
	hostos_pool_free_irql_check(t, r->type, va, routine);
	objects_check(t, r, routine);
	if (t->os->lookaside && v) {
		uintptr_t la = hostos_lookaside_within(t->os, va, r->bytes);

		if (la)
			hostos_bugcheck(t, 0xC4, 0xCC, la, va, r->bytes,
					"%s of 0x%llx, which holds the live lookaside list 0x%llx",
					routine, (unsigned long long)va, (unsigned long long)la);
	}
	if (check_tag && tag != r->tag)
		hostos_bugcheck(t, 0xC2, 0x0A, va, r->tag, tag,
				"%s of 0x%llx with tag 0x%08X; it was allocated with 0x%08X",
				routine, (unsigned long long)va, tag, r->tag);
	if (r->arena == SPECIAL) {
		uintptr_t bad = hostos_special_free(p->special, va);

		if (bad)
			hostos_bugcheck(t, 0xC1, va, bad, 0, 0x24,
					"%s of 0x%llx: the byte at 0x%llx after the %zu bytes allocated "
					"was overwritten",
					routine, (unsigned long long)va, (unsigned long long)bad,
					r->bytes);
	} else {
		if (p->arenas[r->arena].paged)
			paged_open(p);
		slack_check(t, r, routine);
		memset(ptr, HOSTOS_POOL_FREED_BYTE, r->bytes);
	}
	r->live = false;
	live_unlink(p, ri);
	p->stats.frees++;
	p->stats.live--;
	p->stats.live_bytes -= r->bytes;
	if (r->arena == SPECIAL)
		;
	else if (p->arenas[r->arena].dedicated)
		arena_release(p, &p->arenas[r->arena]);
	else
		units_mark(&p->arenas[r->arena], (va - (uintptr_t)p->arenas[r->arena].va) / UNIT,
			   r->units, false);
	hostos_sched_point(t);
}

/* ---- the routines ---- */

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	struct hostos_thread *t = hostos_self("ExAllocatePoolWithTag");

	alloc_checks(t, (unsigned)PoolType, NumberOfBytes, Tag, "ExAllocatePoolWithTag");
	tag_check(t, Tag, "ExAllocatePoolWithTag");
	return pool_alloc(t, (unsigned)PoolType, NumberOfBytes, Tag, false,
			  __builtin_return_address(0));
}

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	struct hostos_thread *t = hostos_self("ExAllocatePool2");
	const POOL_FLAGS known = POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED |
				 POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE |
				 POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED;
	POOL_FLAGS kind = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE |
				   POOL_FLAG_PAGED);
	unsigned type = Flags & POOL_FLAG_PAGED ? PagedPool : NonPagedPool;

	/* Documented failures, not bug checks: tag 0, an unknown required
	 * flag (optional ones are ignored), and no single pool kind. */
	if (Tag == 0 || (Flags & (POOL_FLAG_OPTIONAL_START - 1) & ~known) ||
	    (kind & (kind - 1)) || kind == 0) {
		hostos_sched_point(t);
		return NULL;
	}
	alloc_checks(t, type, NumberOfBytes, Tag, "ExAllocatePool2");
	return pool_alloc(t, type, NumberOfBytes, Tag, !(Flags & POOL_FLAG_UNINITIALIZED),
			  __builtin_return_address(0));
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	pool_free(hostos_self("ExFreePoolWithTag"), P, Tag, true, "ExFreePoolWithTag");
}

VOID ExFreePool(PVOID P)
{
	pool_free(hostos_self("ExFreePool"), P, 0, false, "ExFreePool");
}

PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress)
{
	struct hostos_thread *t = hostos_self("MmGetPhysicalAddress");
	PHYSICAL_ADDRESS pa;

	pa.QuadPart = t->os->pool ? (LONGLONG)pa_of(t->os->pool, (uintptr_t)BaseAddress) : 0;
	if (!pa.QuadPart) {
		/* common buffers, mapped MDLs and user buffers: their frames */
		uint64_t frame;
		bool paged;

		if (hostos_dma_va_frames(t->os, BaseAddress, 1, &frame, &paged))
			pa.QuadPart = (LONGLONG)(frame + ((uintptr_t)BaseAddress & 0xfffu));
	}
	return pa;
}

/* ---- for MDLs and DMA (hostos/pool-internal.h) ---- */

struct bus_mem *hostos_pool_mem(const struct hostos *os)
{
	return os && os->pool ? os->pool->mem : NULL;
}

bool hostos_pool_span(const struct hostos *os, const void *va, size_t len, uint64_t *frames,
		      int *pool_type)
{
	const struct hostos_pool *p = os ? os->pool : NULL;
	uintptr_t v = (uintptr_t)va, first, last;
	const struct pool_arena *a;
	uint32_t ai;

	if (!p || len == 0 || v + len - 1 < v)
		return false;
	ai = arena_of(p, v);
	if (ai == NONE) {
		if (!hostos_special_span(p->special, v, len, frames))
			return false;
	} else {
		a = &p->arenas[ai];
		first = (v - (uintptr_t)a->va) / PAGE;
		if (v + len - 1 < v || v + len - 1 - (uintptr_t)a->va >= a->pages * PAGE)
			return false;
		last = (v + len - 1 - (uintptr_t)a->va) / PAGE;
		for (uintptr_t pg = first; pg <= last; pg++)
			frames[pg - first] = a->frames[pg];
	}
	*pool_type = -1;
	for (uint32_t i = p->head; i != NONE; i = p->recs[i].next) {
		const struct pool_rec *r = &p->recs[i];

		if (v >= r->va && v - r->va < r->bytes) {
			*pool_type = (int)r->type;
			break;
		}
	}
	return true;
}

void *hostos_pool_alloc_at(struct hostos_thread *t, unsigned type, size_t bytes, uint32_t tag,
			   const void *site, const char *routine)
{
	alloc_checks(t, type, bytes, tag, routine);
	tag_check(t, tag, routine);
	return pool_alloc(t, type, bytes, tag, false, site);
}

void hostos_pool_free_at(struct hostos_thread *t, void *p, const char *routine)
{
	pool_free(t, p, 0, false, routine);
}

/* ---- the unload sweep (hostos/sweep.h): pool still allocated ---- */

void hostos_pool_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	const struct hostos_pool *p = os->pool;

	if (!p)
		return;
	for (uint32_t i = p->head; i != NONE; i = p->recs[i].next) {
		const struct pool_rec *r = &p->recs[i];
		char tag[5];

		for (unsigned k = 0; k < 4; k++) {
			unsigned ch = r->tag >> (8 * k) & 0xff;

			tag[k] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
		}
		tag[4] = 0;
		hostos_sweep_add(sw, HOSTOS_LEFT_POOL, r->va, 0xC4, 0x62, 0, 0, p->stats.live,
				 "%zu bytes of %s pool tagged '%s' (0x%08X), allocated by code at %p, "
				 "not freed",
				 r->bytes, paged_type(r->type) ? "paged" : "nonpaged", tag, r->tag,
				 r->site);
	}
}
