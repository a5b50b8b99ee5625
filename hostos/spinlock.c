/*
 * hostos/spinlock.c - spin locks as the mock kernel tracks them (spec §2):
 * a side table keyed by the lock's address (owners are never stored in
 * the driver's KSPIN_LOCK word), the IRQL and ownership rules with their
 * bug checks, contention between CPUs, and Deadlock Detection's
 * lock-order graph (spec §2.4).
 */
#include "hostos/os-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_FOUND UINT32_MAX

const char *hostos_lock_api_name(enum hostos_lock_api api)
{
	switch (api) {
	case HOSTOS_LOCK_RAISE: return "KeAcquireSpinLock";
	case HOSTOS_LOCK_DPC: return "KeAcquireSpinLockAtDpcLevel";
	case HOSTOS_LOCK_QUEUED: return "KeAcquireInStackQueuedSpinLock";
	case HOSTOS_LOCK_QUEUED_DPC: return "KeAcquireInStackQueuedSpinLockAtDpcLevel";
	case HOSTOS_LOCK_INTERRUPT: return "KeAcquireInterruptSpinLock";
	}
	return "unknown";
}

static bool queued(enum hostos_lock_api api)
{
	return api == HOSTOS_LOCK_QUEUED || api == HOSTOS_LOCK_QUEUED_DPC;
}

/* ---- the table ---- */

static uint32_t slot_of(uintptr_t addr, uint32_t cap)
{
	uint64_t h = (uint64_t)addr * UINT64_C(0x9e3779b97f4a7c15);

	return (uint32_t)(h >> 40) & (cap - 1);
}

static uint32_t lock_find(struct hostos *os, uintptr_t addr)
{
	uint32_t last = os->last_lock;

	/* Hot paths take and release the same lock over and over. */
	if (last < os->n_locks && os->locks[last]->addr == addr)
		return last;
	if (!os->index_cap)
		return NOT_FOUND;
	for (uint32_t s = slot_of(addr, os->index_cap);; s = (s + 1) & (os->index_cap - 1)) {
		uint32_t v = os->lock_index[s];

		if (!v)
			return NOT_FOUND;
		if (os->locks[v - 1]->addr == addr) {
			os->last_lock = v - 1;
			return v - 1;
		}
	}
}

static bool index_grow(struct hostos *os)
{
	uint32_t cap = os->index_cap ? os->index_cap * 2 : 64;
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return false;
	for (uint32_t i = 0; i < os->n_locks; i++) {
		uint32_t s = slot_of(os->locks[i]->addr, cap);

		while (idx[s])
			s = (s + 1) & (cap - 1);
		idx[s] = i + 1;
	}
	free(os->lock_index);
	os->lock_index = idx;
	os->index_cap = cap;
	return true;
}

/* A new record for @addr; NOT_FOUND when out of host memory. */
static uint32_t lock_add(struct hostos *os, uintptr_t addr)
{
	struct hostos_lock *l;
	uint32_t s;

	if ((os->n_locks + 1) * 2 > os->index_cap && !index_grow(os))
		return NOT_FOUND;
	if (os->n_locks == os->cap_locks) {
		uint32_t cap = os->cap_locks ? os->cap_locks * 2 : 32;
		struct hostos_lock **v = realloc(os->locks, cap * sizeof(*v));

		if (!v)
			return NOT_FOUND;
		os->locks = v;
		os->cap_locks = cap;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NOT_FOUND;
	l->addr = addr;
	l->id = os->n_locks + 1;
	l->owner_cpu = -1;
	sim_event_init(os->k, &l->released, "hostos.spinlock.released", NULL, NULL);
	os->locks[os->n_locks] = l;
	for (s = slot_of(addr, os->index_cap); os->lock_index[s]; s = (s + 1) & (os->index_cap - 1))
		;
	os->lock_index[s] = os->n_locks + 1;
	return os->n_locks++;
}

void hostos_locks_destroy(struct hostos *os)
{
	for (uint32_t i = 0; i < os->n_locks; i++) {
		sim_event_destroy(&os->locks[i]->released);
		free(os->locks[i]->after);
		free(os->locks[i]);
	}
	free(os->locks);
	free(os->lock_index);
	os->locks = NULL;
	os->lock_index = NULL;
	os->n_locks = os->cap_locks = os->index_cap = 0;
}

static _Noreturn void out_of_memory(struct hostos_thread *t, uintptr_t addr)
{
	/* The verifier cannot track the lock: stop rather than miss a bug.
	 * 0x1D NO_SPIN_LOCK_AVAILABLE has no documented parameters; the
	 * mock passes the lock. */
	hostos_bugcheck(t, 0x1D, addr, 0, 0, 0, "the host ran out of memory tracking spin locks");
}

void hostos_spin_init(struct hostos_thread *t, uintptr_t addr)
{
	struct hostos *os = t->os;
	uint32_t i = lock_find(os, addr);

	if (i == NOT_FOUND) {
		i = lock_add(os, addr);
		if (i == NOT_FOUND)
			out_of_memory(t, addr);
	} else if (os->locks[i]->owner_cpu >= 0 && (os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK)) {
		hostos_bugcheck(t, 0xC4, 0x1005, addr, 0, 0,
				"KeInitializeSpinLock on spin lock#%u while CPU %d holds it",
				os->locks[i]->id, os->locks[i]->owner_cpu);
	}
	/* Memory reused for a new lock starts a new life: no API history
	 * (its place in the lock order stays: the address is the key). */
	os->locks[i]->initialized = true;
	os->locks[i]->used_plain = os->locks[i]->used_queued = false;
}

/* ---- Deadlock Detection: the lock-order graph ---- */

static bool has_edge(const struct hostos_lock *from, uint32_t to)
{
	for (uint32_t i = 0; i < from->n_after; i++)
		if (from->after[i] == to)
			return true;
	return false;
}

static bool add_edge(struct hostos_lock *from, uint32_t to)
{
	if (from->n_after == from->cap_after) {
		uint32_t cap = from->cap_after ? from->cap_after * 2 : 4;
		uint32_t *v = realloc(from->after, cap * sizeof(*v));

		if (!v)
			return false;
		from->after = v;
		from->cap_after = cap;
	}
	from->after[from->n_after++] = to;
	return true;
}

/* Depth-first from @at looking for @goal; on success @path holds the
 * lock indexes from @at to @goal and the return is their count. */
static unsigned find_path(struct hostos *os, uint32_t at, uint32_t goal, uint32_t *path,
			  unsigned depth, unsigned max)
{
	struct hostos_lock *l = os->locks[at];

	if (depth >= max || l->visit == os->dfs_gen)
		return 0;
	l->visit = os->dfs_gen;
	path[depth] = at;
	if (at == goal)
		return depth + 1;
	for (uint32_t i = 0; i < l->n_after; i++) {
		unsigned n = find_path(os, l->after[i], goal, path, depth + 1, max);

		if (n)
			return n;
	}
	return 0;
}

/*
 * Taking lock @li while the CPU holds others adds an edge held -> li for
 * each; a new edge that closes a cycle is a lock hierarchy violation,
 * reported before any deadlock happens (0xC4/0x1001), with the whole
 * cycle.
 */
static void order_edge(struct hostos_thread *t, uint32_t hi, uint32_t li)
{
	struct hostos *os = t->os;
	uint32_t path[32];

	{
		unsigned n;

		if (hi == li || has_edge(os->locks[hi], li))
			return;
		os->dfs_gen++;
		n = find_path(os, li, hi, path, 0, 32);
		if (n) {
			char cyc[200];
			int len = snprintf(cyc, sizeof(cyc), "lock#%u", os->locks[hi]->id);

			for (unsigned k = 0; k < n && len > 0 && (size_t)len < sizeof(cyc); k++)
				len += snprintf(cyc + len, sizeof(cyc) - (size_t)len, " -> lock#%u",
						os->locks[path[k]]->id);
			hostos_bugcheck(t, 0xC4, 0x1001, os->locks[li]->addr, 0, 0,
					"lock hierarchy violation: taking lock#%u while holding lock#%u "
					"closes the cycle %s",
					os->locks[li]->id, os->locks[hi]->id, cyc);
		}
		if (!add_edge(os->locks[hi], li))
			out_of_memory(t, os->locks[li]->addr);
	}
}

/* Mutexes a thread owns count only in its own context: a DPC running on
 * its stack (at a scheduling point) does not hold them. */
static bool owns_mutexes(const struct hostos_thread *t)
{
	return t->n_mutex && t->frame &&
	       (t->frame->kind == HOSTOS_CTX_THREAD || t->frame->kind == HOSTOS_CTX_WORK_ITEM);
}

static void order_check(struct hostos_thread *t, uint32_t li)
{
	struct hostos_cpu *cpu = t->cpu;

	if (owns_mutexes(t))
		for (unsigned h = 0; h < t->n_mutex; h++)
			order_edge(t, t->mutex_lock[h], li);
	for (unsigned h = 0; h < cpu->n_held; h++)
		order_edge(t, cpu->held[h].lock, li);
}

uint32_t hostos_lock_record(struct hostos_thread *t, uintptr_t addr)
{
	uint32_t i = lock_find(t->os, addr);

	if (i == NOT_FOUND)
		i = lock_add(t->os, addr);
	if (i == NOT_FOUND)
		out_of_memory(t, addr);
	t->os->locks[i]->initialized = true;
	return i;
}

void hostos_lock_order_check(struct hostos_thread *t, uint32_t li)
{
	if (t->os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK)
		order_check(t, li);
}

/* ---- acquire and release ---- */

static void set_irql(struct hostos_thread *t, uint8_t irql)
{
	struct hostos_cpu *cpu = t->cpu;
	uint8_t old = cpu->irql;

	cpu->irql = irql;
	hostos_irql_changed(t, old, irql);
	if (irql < HOSTOS_DISPATCH && old >= HOSTOS_DISPATCH)
		hostos_sched_point(t);
}

static uint32_t lookup_for_use(struct hostos_thread *t, uintptr_t addr, const char *routine)
{
	struct hostos *os = t->os;
	uint32_t i = lock_find(os, addr);

	if (i != NOT_FOUND && os->locks[i]->initialized)
		return i;
	if (os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK)
		hostos_bugcheck(t, 0xC4, 0x1002, addr, 0, 0,
				"%s on a spin lock never passed to KeInitializeSpinLock", routine);
	if (i == NOT_FOUND)
		i = lock_add(os, addr);
	if (i == NOT_FOUND)
		out_of_memory(t, addr);
	os->locks[i]->initialized = true;
	return i;
}

/* The queued and ordinary forms must not meet on one lock (spec §2.2). */
static void api_check(struct hostos_thread *t, struct hostos_lock *l, enum hostos_lock_api api,
		      bool release, const char *routine)
{
	bool q = queued(api);

	if ((t->os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK) && (q ? l->used_plain : l->used_queued))
		hostos_bugcheck(t, 0xC4, release ? 0x1009 : 0x1008, l->addr, 0, 0,
				"%s on spin lock#%u, which is also used as %s spin lock", routine,
				l->id, q ? "an ordinary" : "an in-stack queued");
	if (q)
		l->used_queued = true;
	else
		l->used_plain = true;
}

/*
 * The common case of a driver's hot path, checked in one go: the last lock
 * looked up, initialised, used only the ordinary way, free, taken with
 * KeAcquireSpinLock at or below DISPATCH_LEVEL while no other lock is held
 * (so no lock-order edge can appear). Everything else takes the full path.
 */
static bool acquire_fast(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			 uint8_t *old_out)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	uint32_t li = os->last_lock;
	struct hostos_lock *l;
	uint8_t old = cpu->irql;

	if (api != HOSTOS_LOCK_RAISE || old > HOSTOS_DISPATCH || cpu->n_held || t->n_mutex ||
	    li >= os->n_locks)
		return false;
	l = os->locks[li];
	if (l->addr != addr || !l->initialized || !l->used_plain || l->used_queued ||
	    l->owner_cpu >= 0)
		return false;
	cpu->irql = HOSTOS_DISPATCH;
	if (old < HOSTOS_DISPATCH) {
		cpu->dispatch_since_ps = sim_now(os->k);
		hostos_raised_to_dispatch(os);
	}
	l->owner_cpu = (int)cpu->index;
	l->owner = t;
	l->api = api;
	l->old_irql = old;
	cpu->held[0].lock = li;
	cpu->held[0].api = api;
	cpu->held[0].handle = NULL;
	cpu->n_held = 1;
	*old_out = old;
	return true;
}

uint8_t hostos_spin_acquire(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			    const void *handle, const char *routine)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	uint8_t old = cpu->irql;
	bool raising = api == HOSTOS_LOCK_RAISE || api == HOSTOS_LOCK_QUEUED;
	struct hostos_lock *l;
	uint32_t li;

	if (acquire_fast(t, addr, api, &old))
		return old;

	if (raising && old > HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x42, old, addr, 0,
				"%s at IRQL %u, above DISPATCH_LEVEL", routine, old);
	if (!raising && old < HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x40, old, addr, 0,
				"%s at IRQL %u, below DISPATCH_LEVEL", routine, old);
	li = lookup_for_use(t, addr, routine);
	l = os->locks[li];
	api_check(t, l, api, false, routine);
	if (l->owner_cpu == (int)cpu->index)
		hostos_bugcheck(t, 0xF, addr, 0, 0, 0,
				"%s on spin lock#%u, which this CPU already holds (taken with %s)",
				routine, l->id, hostos_lock_api_name(l->api));
	if (cpu->n_held == HOSTOS_MAX_HELD)
		hostos_bugcheck(t, 0x1D, addr, 0, 0, 0, "%s: more than %u spin locks held at once",
				routine, HOSTOS_MAX_HELD);
	if ((cpu->n_held || owns_mutexes(t)) && (os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK))
		order_check(t, li);
	if (raising)
		set_irql(t, HOSTOS_DISPATCH);
	/* Held by another CPU: spin, with time passing, until it is free. */
	while (l->owner_cpu >= 0)
		hostos_busy_until(t, &l->released);
	l->owner_cpu = (int)cpu->index;
	l->owner = t;
	l->api = api;
	l->old_irql = old;
	cpu->held[cpu->n_held].lock = li;
	cpu->held[cpu->n_held].api = api;
	cpu->held[cpu->n_held].handle = handle;
	cpu->n_held++;
	return old;
}

/* Where @li is in the CPU's held list, or -1. */
static int held_at(const struct hostos_cpu *cpu, uint32_t li)
{
	for (int i = (int)cpu->n_held - 1; i >= 0; i--)
		if (cpu->held[i].lock == li)
			return i;
	return -1;
}

/* The release matching acquire_fast(): the only lock held, released with
 * KeReleaseSpinLock to the IRQL its acquire saved. */
static bool release_fast(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			 uint8_t new_irql)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	struct hostos_lock *l;

	if (api != HOSTOS_LOCK_RAISE || cpu->irql != HOSTOS_DISPATCH || cpu->n_held != 1)
		return false;
	l = os->locks[cpu->held[0].lock];
	if (l->addr != addr || l->api != HOSTOS_LOCK_RAISE || new_irql != l->old_irql)
		return false;
	cpu->n_held = 0;
	l->owner_cpu = -1;
	l->owner = NULL;
	if (os->cfg.cpus > 1)
		sim_notify(&l->released, 0);
	cpu->irql = new_irql;
	if (new_irql < HOSTOS_DISPATCH)
		hostos_sched_point(t);
	return true;
}

void hostos_spin_release(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			 const void *handle, uint8_t new_irql, const char *routine)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	uint32_t li;
	struct hostos_lock *l;
	int at;

	if (release_fast(t, addr, api, new_irql))
		return;
	li = lock_find(os, addr);
	l = li == NOT_FOUND ? NULL : os->locks[li];

	/* An interrupt lock is held at its object's SynchronizeIrql. */
	if (cpu->irql != HOSTOS_DISPATCH && api != HOSTOS_LOCK_INTERRUPT)
		hostos_bugcheck(t, 0xC4, queued(api) ? 0x36 : api == HOSTOS_LOCK_RAISE ? 0x32 : 0x41,
				cpu->irql, addr, l ? l->old_irql : 0,
				"%s at IRQL %u, not DISPATCH_LEVEL (often a double release)", routine,
				cpu->irql);
	at = l ? held_at(cpu, li) : -1;
	if (!l || l->owner_cpu != (int)cpu->index || at < 0) {
		if (os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK)
			hostos_bugcheck(t, 0xC4, 0x1007, addr, 0, 0,
					"%s of a spin lock this CPU does not hold", routine);
		hostos_bugcheck(t, 0x10, addr, 0, 0, 0, "%s of a spin lock this CPU does not hold",
				routine);
	}
	api_check(t, l, api, true, routine);
	if (l->api == HOSTOS_LOCK_RAISE && api == HOSTOS_LOCK_DPC)
		hostos_bugcheck(t, 0xC4, 0x00020015, addr, l->old_irql, cpu->irql,
				"%s of spin lock#%u taken with KeAcquireSpinLock: IRQL %u would never "
				"be restored",
				routine, l->id, l->old_irql);
	if (api == HOSTOS_LOCK_RAISE && l->api == HOSTOS_LOCK_RAISE && new_irql != l->old_irql)
		hostos_bugcheck(t, 0xC4, 0x00020015, addr, l->old_irql, new_irql,
				"%s of spin lock#%u with NewIrql %u; its acquire saved %u (DDI rule "
				"IrqlKeReleaseSpinLock)",
				routine, l->id, new_irql, l->old_irql);
	if (api == HOSTOS_LOCK_RAISE && l->api != HOSTOS_LOCK_RAISE && new_irql != cpu->irql)
		hostos_bugcheck(t, 0xC4, 0x00020015, addr, cpu->irql, new_irql,
				"%s of spin lock#%u, taken without raising, to IRQL %u", routine,
				l->id, new_irql);
	if (at != (int)cpu->n_held - 1 && (os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK))
		hostos_bugcheck(t, 0xC4, 0x1003, addr, os->locks[cpu->held[cpu->n_held - 1].lock]->addr,
				0,
				"spin lock#%u released before lock#%u, which was taken after it",
				l->id, os->locks[cpu->held[cpu->n_held - 1].lock]->id);
	cpu->n_held--;
	if ((unsigned)at != cpu->n_held)
		memmove(&cpu->held[at], &cpu->held[at + 1],
			(cpu->n_held - (unsigned)at) * sizeof(cpu->held[0]));
	l->owner_cpu = -1;
	l->owner = NULL;
	if (os->cfg.cpus > 1)
		sim_notify(&l->released, 0);
	(void)handle;
	if (api == HOSTOS_LOCK_RAISE || api == HOSTOS_LOCK_QUEUED)
		set_irql(t, new_irql);
}

bool hostos_spin_try(struct hostos_thread *t, uintptr_t addr, const char *routine)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	struct hostos_lock *l;
	uint32_t li;

	if (cpu->irql != HOSTOS_DISPATCH)
		hostos_bugcheck(t, 0xC4, 0x40, cpu->irql, addr, 0,
				"%s at IRQL %u, not DISPATCH_LEVEL", routine, cpu->irql);
	li = lookup_for_use(t, addr, routine);
	l = os->locks[li];
	if (l->owner_cpu == (int)cpu->index)
		hostos_bugcheck(t, 0xF, addr, 0, 0, 0,
				"%s on spin lock#%u, which this CPU already holds", routine, l->id);
	if (l->owner_cpu >= 0)
		return false;
	hostos_spin_acquire(t, addr, HOSTOS_LOCK_DPC, NULL, routine);
	return true;
}

bool hostos_spin_test(struct hostos_thread *t, uintptr_t addr)
{
	uint32_t li = lock_find(t->os, addr);

	return li == NOT_FOUND || t->os->locks[li]->owner_cpu < 0;
}

uintptr_t hostos_spin_queued_lock(struct hostos_thread *t, const void *handle)
{
	struct hostos_cpu *cpu = t->cpu;

	for (int i = (int)cpu->n_held - 1; i >= 0; i--)
		if (cpu->held[i].handle == handle && queued(cpu->held[i].api))
			return t->os->locks[cpu->held[i].lock]->addr;
	return 0;
}
