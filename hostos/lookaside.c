/*
 * hostos/lookaside.c - lookaside lists (hostos/include/wdm-lookaside.h):
 * the nonpaged, paged and LOOKASIDE_LIST_EX forms. The OS keeps a record
 * per list, keyed by its address, holding the list's state and its cached
 * entries (Windows links them through the entries' first bytes; here the
 * entries stay untouched apart from the freed-pool poison, so a driver
 * that writes to an entry it gave back is not hidden by a link). The
 * counters in the driver's structure are kept as Windows keeps them.
 *
 * Policies: Depth (entries cached) is 4 and MaximumDepth 256, fixed (the
 * Depth argument is reserved); entries come from the list's Allocate
 * routine or, by default, from pool with the list's type and tag,
 * recorded as allocated by the code that called ExAllocateFrom...; a
 * cached entry is handed out again filled with the fresh-pool byte.
 *
 * Checks (the 0xC4 subcodes with the verifier): initialised twice 0xCA
 * (P2 list), deleted or used uninitialised 0xCB (P2 list; used: the mock
 * extends the documented "delete"), an entry size below
 * LOOKASIDE_MINIMUM_BLOCK_SIZE 0xCD (P2 list, P3 size, P4 minimum),
 * freeing pool holding a live list 0xCC (hostos/pool.c; P2 list, P3 block,
 * P4 its size); allocating from or freeing to a list at a bad IRQL is
 * the pool's allocate/free IRQL misuse (0xC4/0x01, 0x02, 0x11, 0x12, or
 * 0xC2/0x08, 0x09 without the verifier); an entry given back twice is a
 * double free (0xC4/0x13, 0xC2/0x07), one the list never gave out (with the
 * default allocator) a bad free (0xC4/0x10, 0xC2/0x99); initialising or
 * deleting at a bad IRQL is 0xA (P1 the routine, P2 the IRQL).
 */
#include <wdm.h>

#include <stdlib.h>
#include <string.h>

#include "hostos/os-internal.h"
#include "hostos/pool-internal.h"
#include "hostos/pool.h"
#include "hostos/sweep-internal.h"

#define CACHE_DEPTH 4u
#define MAX_DEPTH 256u

enum la_kind { LA_NPAGED, LA_PAGED, LA_EX };

struct la_rec {
	uintptr_t addr;
	enum la_kind kind;
	bool live;
	bool own_alloc, own_free;       /* the driver's routines */
	void *cache[CACHE_DEPTH];
	unsigned n_cache;
};

struct hostos_lookaside {
	struct la_rec *v;
	size_t n, cap;
};

static const char *const init_name[] = { "ExInitializeNPagedLookasideList",
					  "ExInitializePagedLookasideList",
					  "ExInitializeLookasideListEx" };

/* The routines, for 0xA's P1. */
static const void *const init_fn[] = { (const void *)(uintptr_t)ExInitializeNPagedLookasideList,
				       (const void *)(uintptr_t)ExInitializePagedLookasideList,
				       (const void *)(uintptr_t)ExInitializeLookasideListEx };

void hostos_lookaside_destroy(struct hostos *os)
{
	if (!os->lookaside)
		return;
	free(os->lookaside->v);
	free(os->lookaside);
	os->lookaside = NULL;
}

static struct la_rec *find(const struct hostos *os, uintptr_t addr)
{
	const struct hostos_lookaside *l = os->lookaside;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].addr == addr)
			return &l->v[i];
	return NULL;
}

uintptr_t hostos_lookaside_within(const struct hostos *os, uintptr_t start, size_t bytes)
{
	const struct hostos_lookaside *l = os->lookaside;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].live && l->v[i].addr >= start && l->v[i].addr - start < bytes)
			return l->v[i].addr;
	return 0;
}

void hostos_lookaside_sweep(struct hostos *os, struct hostos_sweep *s)
{
	const struct hostos_lookaside *l = os->lookaside;

	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].live)
			hostos_sweep_add(s, HOSTOS_LEFT_LOOKASIDE, l->v[i].addr, 0xCE, l->v[i].addr,
					 0, 0, 0,
					 "lookaside list 0x%llx not deleted (%u entries cached)",
					 (unsigned long long)l->v[i].addr, l->v[i].n_cache);
}

static bool paged_type(unsigned type)
{
	unsigned base = type & ~(unsigned)(32 | POOL_NX_ALLOCATION);

	return base == PagedPool || base == PagedPoolCacheAligned;
}

/* Default allocator and free routine: what the structure shows when the
 * driver gave none (the OS calls the pool directly, to keep the site). */
static PVOID NTAPI default_alloc(POOL_TYPE type, SIZE_T bytes, ULONG tag)
{
	return ExAllocatePoolWithTag(type, bytes, tag);
}

static VOID NTAPI default_free(PVOID p)
{
	ExFreePool(p);
}

static PVOID NTAPI default_alloc_ex(POOL_TYPE type, SIZE_T bytes, ULONG tag,
				    PLOOKASIDE_LIST_EX list)
{
	(void)list;
	return ExAllocatePoolWithTag(type, bytes, tag);
}

static VOID NTAPI default_free_ex(PVOID p, PLOOKASIDE_LIST_EX list)
{
	(void)list;
	ExFreePool(p);
}

static void init(struct hostos_thread *t, PGENERAL_LOOKASIDE_POOL L, enum la_kind kind,
		 bool own_alloc, bool own_free, POOL_TYPE type, SIZE_T size, ULONG tag)
{
	struct hostos *os = t->os;
	uintptr_t addr = (uintptr_t)L;
	struct hostos_lookaside *l;
	struct la_rec *r;
	uint8_t max_irql = kind == LA_PAGED || paged_type(type) ? HOSTOS_APC : HOSTOS_DISPATCH;

	if (t->cpu->irql > max_irql)
		hostos_bugcheck(t, 0xA, (uint64_t)(uintptr_t)init_fn[kind], t->cpu->irql, 0, 0,
				"%s at IRQL %u", init_name[kind], t->cpu->irql);
	r = find(os, addr);
	if (r && r->live && os->cfg.verifier)
		hostos_bugcheck(t, 0xC4, 0xCA, addr, 0, 0,
				"%s of the lookaside list 0x%llx, initialised already",
				init_name[kind], (unsigned long long)addr);
	if (size < LOOKASIDE_MINIMUM_BLOCK_SIZE && os->cfg.verifier)
		hostos_bugcheck(t, 0xC4, 0xCD, addr, size, LOOKASIDE_MINIMUM_BLOCK_SIZE,
				"%s with entries of %zu bytes, below the minimum of %zu",
				init_name[kind], (size_t)size, (size_t)LOOKASIDE_MINIMUM_BLOCK_SIZE);
	if (!r) {
		if (!os->lookaside && !(os->lookaside = calloc(1, sizeof(*os->lookaside))))
			hostos_bugcheck(t, 0xC4, 0xCA, addr, 0, 0, "host out of memory");
		l = os->lookaside;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct la_rec *v = realloc(l->v, cap * sizeof(*v));

			if (!v)
				hostos_bugcheck(t, 0xC4, 0xCA, addr, 0, 0, "host out of memory");
			l->v = v;
			l->cap = cap;
		}
		r = &l->v[l->n++];
	}
	*r = (struct la_rec){ .addr = addr, .kind = kind, .live = true, .own_alloc = own_alloc,
			      .own_free = own_free };
	memset(L, 0, sizeof(*L));
	L->Depth = CACHE_DEPTH;
	L->MaximumDepth = MAX_DEPTH;
	L->Type = type;
	L->Tag = tag;
	L->Size = (ULONG)size;
	L->ListEntry.Flink = L->ListEntry.Blink = &L->ListEntry;
	hostos_sched_point(t);
}

/* The live record of the list at @L, or 0xC4/0xCB. */
static struct la_rec *live(struct hostos_thread *t, PGENERAL_LOOKASIDE_POOL L, const char *routine)
{
	struct la_rec *r = find(t->os, (uintptr_t)L);

	if (!r || !r->live)
		hostos_bugcheck(t, 0xC4, 0xCB, (uint64_t)(uintptr_t)L, 0, 0,
				"%s of the lookaside list 0x%llx, which is not initialised%s", routine,
				(unsigned long long)(uintptr_t)L, r ? " (deleted)" : "");
	return r;
}

static void *entry_alloc(struct hostos_thread *t, struct la_rec *r, PGENERAL_LOOKASIDE_POOL L,
			 const void *site, const char *routine)
{
	if (!r->own_alloc)
		return hostos_pool_alloc_at(t, (unsigned)L->Type, L->Size, L->Tag, site, routine);
	if (r->kind == LA_EX)
		return L->AllocateEx(L->Type, L->Size, L->Tag, (PLOOKASIDE_LIST_EX)L);
	return L->Allocate(L->Type, L->Size, L->Tag);
}

static void entry_free(struct hostos_thread *t, struct la_rec *r, PGENERAL_LOOKASIDE_POOL L,
		       void *p, const char *routine)
{
	if (!r->own_free)
		hostos_pool_free_at(t, p, routine);
	else if (r->kind == LA_EX)
		L->FreeEx(p, (PLOOKASIDE_LIST_EX)L);
	else
		L->Free(p);
}

static PVOID allocate(struct hostos_thread *t, PGENERAL_LOOKASIDE_POOL L, const void *site,
		      const char *routine)
{
	struct la_rec *r = live(t, L, routine);
	void *p;

	hostos_pool_alloc_checks(t, (unsigned)L->Type, L->Size, L->Tag, routine);
	L->TotalAllocates++;
	if (r->n_cache) {
		p = r->cache[--r->n_cache];
		memset(p, HOSTOS_POOL_FRESH_BYTE, L->Size);
		hostos_sched_point(t);
		return p;
	}
	L->AllocateMisses++;
	return entry_alloc(t, r, L, site, routine);
}

static void give_back(struct hostos_thread *t, PGENERAL_LOOKASIDE_POOL L, PVOID entry,
		      const char *routine)
{
	struct la_rec *r = live(t, L, routine);
	uintptr_t va = (uintptr_t)entry;

	hostos_pool_free_irql_check(t, (unsigned)L->Type, va, routine);
	if (!entry)
		hostos_pool_bad_free(t, va, routine);
	for (unsigned i = 0; i < r->n_cache; i++)
		if (r->cache[i] == entry)
			hostos_pool_double_free(t, va, L->Tag, routine);
	if (!r->own_alloc && !hostos_pool_is_live(t->os, va, NULL, NULL))
		hostos_pool_bad_free(t, va, routine);
	L->TotalFrees++;
	if (r->n_cache >= L->Depth || r->n_cache >= CACHE_DEPTH) {
		L->FreeMisses++;
		entry_free(t, r, L, entry, routine);
		return;
	}
	memset(entry, HOSTOS_POOL_FREED_BYTE, L->Size);
	r->cache[r->n_cache++] = entry;
	hostos_sched_point(t);
}

static void flush(struct hostos_thread *t, struct la_rec *r, PGENERAL_LOOKASIDE_POOL L,
		  const char *routine)
{
	while (r->n_cache) {
		void *p = r->cache[--r->n_cache];

		entry_free(t, r, L, p, routine);
		/* The driver's free routine may have run anything: find the
		 * record again (the table may have moved). */
		r = find(t->os, (uintptr_t)L);
	}
}

static void delete(struct hostos_thread *t, PGENERAL_LOOKASIDE_POOL L, bool paged,
		   const void *fn, const char *routine)
{
	struct la_rec *r = find(t->os, (uintptr_t)L);

	if (t->cpu->irql > (paged ? HOSTOS_APC : HOSTOS_DISPATCH))
		hostos_bugcheck(t, 0xA, (uint64_t)(uintptr_t)fn, t->cpu->irql, 0, 0,
				"%s at IRQL %u", routine, t->cpu->irql);
	if (!r || !r->live) {
		if (t->os->cfg.verifier)
			live(t, L, routine);
		return;
	}
	flush(t, r, L, routine);
	r = find(t->os, (uintptr_t)L);
	r->live = false;
	hostos_sched_point(t);
}

/* ---- the routines ---- */

VOID ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
				     PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag,
				     USHORT Depth)
{
	struct hostos_thread *t = hostos_self("ExInitializeNPagedLookasideList");
	PGENERAL_LOOKASIDE_POOL L = (PGENERAL_LOOKASIDE_POOL)&Lookaside->L;
	POOL_TYPE type = Flags & POOL_NX_ALLOCATION ? NonPagedPoolNx : NonPagedPool;

	(void)Depth;
	init(t, L, LA_NPAGED, Allocate != NULL, Free != NULL, type, Size, Tag);
	L->Allocate = Allocate ? Allocate : default_alloc;
	L->Free = Free ? Free : default_free;
}

VOID ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
				    PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag,
				    USHORT Depth)
{
	struct hostos_thread *t = hostos_self("ExInitializePagedLookasideList");
	PGENERAL_LOOKASIDE_POOL L = (PGENERAL_LOOKASIDE_POOL)&Lookaside->L;

	(void)Flags;
	(void)Depth;
	init(t, L, LA_PAGED, Allocate != NULL, Free != NULL, PagedPool, Size, Tag);
	L->Allocate = Allocate ? Allocate : default_alloc;
	L->Free = Free ? Free : default_free;
}

NTSTATUS ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
				     PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags,
				     SIZE_T Size, ULONG Tag, USHORT Depth)
{
	struct hostos_thread *t = hostos_self("ExInitializeLookasideListEx");
	const ULONG both = EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL |
			   EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE;

	(void)Depth;
	if ((Flags & ~both) || (Flags & both) == both) {
		hostos_sched_point(t);
		return STATUS_INVALID_PARAMETER_5;
	}
	init(t, &Lookaside->L, LA_EX, Allocate != NULL, Free != NULL, PoolType, Size, Tag);
	Lookaside->L.AllocateEx = Allocate ? Allocate : default_alloc_ex;
	Lookaside->L.FreeEx = Free ? Free : default_free_ex;
	return STATUS_SUCCESS;
}

VOID ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
	delete(hostos_self("ExDeleteNPagedLookasideList"), (PGENERAL_LOOKASIDE_POOL)&Lookaside->L,
	       false, (const void *)(uintptr_t)ExDeleteNPagedLookasideList,
	       "ExDeleteNPagedLookasideList");
}

VOID ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
	delete(hostos_self("ExDeletePagedLookasideList"), (PGENERAL_LOOKASIDE_POOL)&Lookaside->L,
	       true, (const void *)(uintptr_t)ExDeletePagedLookasideList,
	       "ExDeletePagedLookasideList");
}

VOID ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
	delete(hostos_self("ExDeleteLookasideListEx"), &Lookaside->L,
	       paged_type((unsigned)Lookaside->L.Type),
	       (const void *)(uintptr_t)ExDeleteLookasideListEx, "ExDeleteLookasideListEx");
}

VOID ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
	struct hostos_thread *t = hostos_self("ExFlushLookasideListEx");
	struct la_rec *r = live(t, &Lookaside->L, "ExFlushLookasideListEx");

	flush(t, r, &Lookaside->L, "ExFlushLookasideListEx");
	hostos_sched_point(t);
}

PVOID ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
	return allocate(hostos_self("ExAllocateFromNPagedLookasideList"),
			(PGENERAL_LOOKASIDE_POOL)&Lookaside->L, __builtin_return_address(0),
			"ExAllocateFromNPagedLookasideList");
}

PVOID ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
	return allocate(hostos_self("ExAllocateFromPagedLookasideList"),
			(PGENERAL_LOOKASIDE_POOL)&Lookaside->L, __builtin_return_address(0),
			"ExAllocateFromPagedLookasideList");
}

PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
	return allocate(hostos_self("ExAllocateFromLookasideListEx"), &Lookaside->L,
			__builtin_return_address(0), "ExAllocateFromLookasideListEx");
}

VOID ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
	give_back(hostos_self("ExFreeToNPagedLookasideList"),
		  (PGENERAL_LOOKASIDE_POOL)&Lookaside->L, Entry, "ExFreeToNPagedLookasideList");
}

VOID ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
	give_back(hostos_self("ExFreeToPagedLookasideList"),
		  (PGENERAL_LOOKASIDE_POOL)&Lookaside->L, Entry, "ExFreeToPagedLookasideList");
}

VOID ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry)
{
	give_back(hostos_self("ExFreeToLookasideListEx"), &Lookaside->L, Entry,
		  "ExFreeToLookasideListEx");
}
