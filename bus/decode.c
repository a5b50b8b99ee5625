/*
 * bus/decode.c - the PCI bus address decoder of bus/decode.h: regions in
 * slots, the effective interval table rebuilt by a sweep on every change,
 * the access rules, the faults of bus/fault.h on the access path, and the
 * TLM face.
 */
#include "bus/decode.h"
#include "bus/fault.h"

#include <stdlib.h>
#include <string.h>

#include "sim/ctrace.h"
#include "sim/kernel.h"

struct bus_decode_region {
	uint64_t base;
	uint64_t last_off;                 /* size - 1: a region may end at UINT64_MAX */
	const struct bus_region_ops *ops;
	void *opaque;
	struct tlm_target *tgt;            /* non-NULL: a TLM target region */
	int priority;
	uint32_t id;                       /* 0: a free slot */
	bool enabled;
	char name[32];
};

struct bus_decode_interval {
	uint64_t start;
	uint64_t last;                     /* inclusive */
	uint32_t region;                   /* slot index */
};

const char *bus_decode_status_name(enum bus_decode_status s)
{
	switch (s) {
	case BUS_DECODE_OK:
		return "OK";
	case BUS_DECODE_UR:
		return "UR";
	case BUS_DECODE_CA:
		return "CA";
	}
	return "UNKNOWN";
}

/* All ones of @size bytes: what a master-aborted or refused read returns. */
static inline uint64_t size_mask(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static inline bool size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ------------------------------------------------------------------------
 * TLM target regions: the target behind a register-style ops table, so the
 * access path has one shape. The opaque pointer is the struct tlm_target.
 * ------------------------------------------------------------------------ */

static enum bus_decode_status status_of_response(enum tlm_response r)
{
	if (tlm_response_ok(r))
		return BUS_DECODE_OK;
	/* Nothing at that address of the target (a hole in host memory) is
	 * what Unsupported Request means; anything else is a refusal. */
	return r == TLM_ADDRESS_ERROR ? BUS_DECODE_UR : BUS_DECODE_CA;
}

static enum bus_decode_status target_read(void *opaque, uint64_t offset, unsigned size,
					  uint64_t *val)
{
	struct tlm_payload p;
	uint8_t buf[8] = { 0 };
	sim_time_t delay = 0; /* bus_decode_read() is untimed */
	uint64_t v = 0;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, offset, buf, size);
	tlm_b_transport(opaque, &p, &delay);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	*val = v;
	return status_of_response(p.response);
}

static enum bus_decode_status target_write(void *opaque, uint64_t offset, unsigned size,
					   uint64_t val)
{
	struct tlm_payload p;
	uint8_t buf[8];
	sim_time_t delay = 0;

	for (unsigned i = 0; i < size; i++)
		buf[i] = (uint8_t)(val >> (8 * i));
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, offset, buf, size);
	tlm_b_transport(opaque, &p, &delay);
	return status_of_response(p.response);
}

static const struct bus_region_ops target_region_ops = {
	.read = target_read,
	.write = target_write,
	.valid_sizes = BUS_DECODE_SIZES_ALL,
	.unaligned = true,
	.impl_size = 0,
};

/* ------------------------------------------------------------------------
 * Lookup
 * ------------------------------------------------------------------------ */

static const struct bus_decode_interval *lookup(struct bus_decode *d, uint64_t a)
{
	const struct bus_decode_interval *iv, *base = d->iv;
	uint32_t n = d->niv;

	/* Device drivers poll one register, DMA streams through one buffer:
	 * the interval hit last is the likeliest next. */
	if (d->last_hit < n) {
		iv = &base[d->last_hit];
		if (a >= iv->start && a <= iv->last)
			return iv;
	}
	if (n == 0)
		return NULL;
	/* The last interval starting at or below @a. Branch-free halving (a
	 * conditional move per level): with random addresses a branchy search
	 * mispredicts about half its steps, which costs more than the search. */
	while (n > 1) {
		uint32_t half = n / 2;

		base = base[half].start <= a ? base + half : base;
		n -= half;
	}
	if (a < base->start || a > base->last)
		return NULL;
	d->last_hit = (uint32_t)(base - d->iv);
	return base;
}

uint32_t bus_decode_find(struct bus_decode *d, uint64_t addr, uint64_t *offset)
{
	const struct bus_decode_interval *iv;
	const struct bus_decode_region *r;

	if (d == NULL)
		return 0;
	iv = lookup(d, addr);
	if (iv == NULL)
		return 0;
	r = &d->regions[iv->region];
	if (offset)
		*offset = addr - r->base;
	return r->id;
}

/* ------------------------------------------------------------------------
 * Rebuilding the effective intervals
 * ------------------------------------------------------------------------ */

struct sweep_item {
	uint64_t base, last;
	int priority;
	uint32_t slot;
};

static int cmp_item_base(const void *a, const void *b)
{
	const struct sweep_item *x = a, *y = b;

	return (x->base > y->base) - (x->base < y->base);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Max-heap of indices into the sweep items, by priority. */
static void heap_push(uint32_t *h, uint32_t *n, const struct sweep_item *it, uint32_t v)
{
	uint32_t i = (*n)++;

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (it[h[parent]].priority >= it[v].priority)
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = v;
}

static void heap_pop(uint32_t *h, uint32_t *n, const struct sweep_item *it)
{
	uint32_t m = --(*n), v = h[m], i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= m)
			break;
		if (c + 1 < m && it[h[c + 1]].priority > it[h[c]].priority)
			c++;
		if (it[h[c]].priority <= it[v].priority)
			break;
		h[i] = h[c];
		i = c;
	}
	if (m > 0)
		h[i] = v;
}

/*
 * Sweep the boundaries (every enabled region's first byte and the byte
 * after its last) in ascending order, keeping the regions that have started
 * in a priority heap; regions that ended are dropped lazily when they reach
 * the top. Between two boundaries the set of covering regions is constant,
 * so the top of the heap owns the whole stretch. O(n log n).
 * Builds into new storage and swaps only on success, so a failed
 * allocation leaves the old table in force.
 */
static int rebuild(struct bus_decode *d)
{
	struct sweep_item *it;
	uint64_t *b;
	uint32_t *heap, n = 0, nb = 0, nh = 0, k = 0, niv = 0;
	struct bus_decode_interval *iv;
	size_t need;

	for (uint32_t i = 0; i < d->nregions; i++)
		n += d->regions[i].id != 0 && d->regions[i].enabled;
	need = (size_t)n * (sizeof(*it) + 2 * sizeof(*b) + sizeof(*heap)) + 1;
	if (need > d->scratch_bytes) {
		void *s = realloc(d->scratch, need);

		if (s == NULL)
			return SIM_ERR_NOMEM;
		d->scratch = s;
		d->scratch_bytes = need;
	}
	it = d->scratch;
	b = (uint64_t *)(it + n);
	heap = (uint32_t *)(b + 2 * (size_t)n);
	for (uint32_t i = 0, j = 0; i < d->nregions; i++) {
		const struct bus_decode_region *r = &d->regions[i];

		if (r->id == 0 || !r->enabled)
			continue;
		it[j] = (struct sweep_item){ r->base, r->base + r->last_off, r->priority, i };
		b[nb++] = r->base;
		if (it[j].last != UINT64_MAX)
			b[nb++] = it[j].last + 1;
		j++;
	}
	qsort(it, n, sizeof(*it), cmp_item_base);
	qsort(b, nb, sizeof(*b), cmp_u64);
	iv = malloc(((size_t)nb + 1) * sizeof(*iv));
	if (iv == NULL)
		return SIM_ERR_NOMEM;
	for (uint32_t j = 0; j < nb; j++) {
		uint64_t p = b[j], end;
		uint32_t owner;

		if (j > 0 && p == b[j - 1])
			continue;
		while (k < n && it[k].base <= p)
			heap_push(heap, &nh, it, k++);
		while (nh > 0 && it[heap[0]].last < p)
			heap_pop(heap, &nh, it);
		if (nh == 0)
			continue;
		end = UINT64_MAX;
		for (uint32_t q = j + 1; q < nb; q++) {
			if (b[q] != p) {
				end = b[q] - 1;
				break;
			}
		}
		owner = it[heap[0]].slot;
		if (niv > 0 && iv[niv - 1].region == owner && iv[niv - 1].last + 1 == p) {
			iv[niv - 1].last = end;
		} else {
			iv[niv++] = (struct bus_decode_interval){ p, end, owner };
		}
	}
	free(d->iv);
	d->iv = iv;
	d->niv = niv;
	d->cap_iv = nb + 1;
	d->last_hit = 0;
	return SIM_OK;
}

/* ------------------------------------------------------------------------
 * Regions
 * ------------------------------------------------------------------------ */

static struct bus_decode_region *region_of(const struct bus_decode *d, uint32_t id)
{
	if (d == NULL || id == 0)
		return NULL;
	for (uint32_t i = 0; i < d->nregions; i++) {
		if (d->regions[i].id == id)
			return &d->regions[i];
	}
	return NULL;
}

/* True when [base, base + last_off] would overlap an enabled region of the
 * same priority other than @self: the ambiguity this decoder refuses. */
static bool equal_priority_overlap(const struct bus_decode *d, const struct bus_decode_region *self,
				   uint64_t base, uint64_t last_off, int priority)
{
	uint64_t last = base + last_off;

	for (uint32_t i = 0; i < d->nregions; i++) {
		const struct bus_decode_region *r = &d->regions[i];

		if (r == self || r->id == 0 || !r->enabled || r->priority != priority)
			continue;
		if (r->base <= last && base <= r->base + r->last_off)
			return true;
	}
	return false;
}

static bool ops_ok(const struct bus_region_ops *ops)
{
	unsigned impl = ops->impl_size;

	return ops->read != NULL && ops->write != NULL &&
	       (ops->valid_sizes & ~BUS_DECODE_SIZES_ALL) == 0 && (impl == 0 || size_ok(impl));
}

static int map_region(struct bus_decode *d, uint64_t base, uint64_t size, int priority,
		      const struct bus_region_ops *ops, void *opaque, struct tlm_target *tgt,
		      const char *name, uint32_t *id_out)
{
	struct bus_decode_region *r = NULL;
	uint32_t slot;
	int err;

	if (d == NULL || ops == NULL || !ops_ok(ops) || size == 0 || size - 1 > UINT64_MAX - base)
		return SIM_ERR_INVALID;
	if (equal_priority_overlap(d, NULL, base, size - 1, priority))
		return SIM_ERR_INVALID;
	if (d->next_id == UINT32_MAX)
		return SIM_ERR_LIMIT;
	for (slot = 0; slot < d->nregions; slot++) {
		if (d->regions[slot].id == 0)
			break;
	}
	if (slot == d->nregions) {
		if (d->nregions == d->cap_regions) {
			uint32_t cap = d->cap_regions ? 2 * d->cap_regions : 16;
			struct bus_decode_region *nr = realloc(d->regions, (size_t)cap * sizeof(*nr));

			if (nr == NULL)
				return SIM_ERR_NOMEM;
			d->regions = nr;
			d->cap_regions = cap;
		}
		d->nregions++;
	}
	r = &d->regions[slot];
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->last_off = size - 1;
	r->ops = ops;
	r->opaque = opaque;
	r->tgt = tgt;
	r->priority = priority;
	r->enabled = true;
	r->id = d->next_id + 1;
	if (name) {
		strncpy(r->name, name, sizeof(r->name) - 1);
		r->name[sizeof(r->name) - 1] = '\0';
	}
	err = rebuild(d);
	if (err != SIM_OK) {
		r->id = 0;
		if (slot == d->nregions - 1)
			d->nregions--;
		return err;
	}
	d->next_id++;
	if (id_out)
		*id_out = r->id;
	return SIM_OK;
}

int bus_decode_map(struct bus_decode *d, uint64_t base, uint64_t size, int priority,
		   const struct bus_region_ops *ops, void *opaque, const char *name,
		   uint32_t *id_out)
{
	return map_region(d, base, size, priority, ops, opaque, NULL, name, id_out);
}

int bus_decode_map_target(struct bus_decode *d, uint64_t base, uint64_t size, int priority,
			  struct tlm_target *t, const char *name, uint32_t *id_out)
{
	if (t == NULL || t->ops == NULL || t->ops->b_transport == NULL)
		return SIM_ERR_INVALID;
	return map_region(d, base, size, priority, &target_region_ops, t, t, name, id_out);
}

int bus_decode_unmap(struct bus_decode *d, uint32_t id)
{
	struct bus_decode_region *r = region_of(d, id);
	int err;

	if (r == NULL)
		return SIM_ERR_INVALID;
	r->id = 0;
	err = rebuild(d);
	if (err != SIM_OK) {
		/* Removing a region must not fail: without the memory for a new
		 * table, the old one with the region's intervals dropped is a
		 * correct table (they decode to nothing). */
		uint32_t slot = (uint32_t)(r - d->regions), j = 0;

		for (uint32_t i = 0; i < d->niv; i++) {
			if (d->iv[i].region != slot)
				d->iv[j++] = d->iv[i];
		}
		d->niv = j;
		d->last_hit = 0;
	}
	while (d->nregions > 0 && d->regions[d->nregions - 1].id == 0)
		d->nregions--;
	return SIM_OK;
}

int bus_decode_move(struct bus_decode *d, uint32_t id, uint64_t new_base)
{
	struct bus_decode_region *r = region_of(d, id);
	uint64_t old;
	int err;

	if (r == NULL || r->last_off > UINT64_MAX - new_base)
		return SIM_ERR_INVALID;
	if (r->enabled && equal_priority_overlap(d, r, new_base, r->last_off, r->priority))
		return SIM_ERR_INVALID;
	old = r->base;
	r->base = new_base;
	err = rebuild(d);
	if (err != SIM_OK)
		r->base = old;
	return err;
}

int bus_decode_enable(struct bus_decode *d, uint32_t id, bool enable)
{
	struct bus_decode_region *r = region_of(d, id);
	int err;

	if (r == NULL)
		return SIM_ERR_INVALID;
	if (r->enabled == enable)
		return SIM_OK;
	if (enable && equal_priority_overlap(d, r, r->base, r->last_off, r->priority))
		return SIM_ERR_INVALID;
	r->enabled = enable;
	err = rebuild(d);
	if (err != SIM_OK)
		r->enabled = !enable;
	return err;
}

const char *bus_decode_region_name(const struct bus_decode *d, uint32_t id)
{
	const struct bus_decode_region *r = region_of(d, id);

	return r ? r->name : NULL;
}

/* ------------------------------------------------------------------------
 * Accesses
 * ------------------------------------------------------------------------ */

static void count_status(struct bus_decode *d, enum bus_decode_status st)
{
	switch (st) {
	case BUS_DECODE_OK:
		d->stats.completed++;
		break;
	case BUS_DECODE_UR:
		d->stats.unsupported++;
		break;
	case BUS_DECODE_CA:
		d->stats.completer_aborts++;
		break;
	}
}

static void count_master_abort(struct bus_decode *d)
{
	struct bus_decode_result *res = &d->last;

	res->status = BUS_DECODE_UR;
	res->master_abort = true;
	res->violation = false;
	res->region = 0;
	res->offset = 0;
	d->stats.master_aborts++;
}

static void count_violation(struct bus_decode *d, const struct bus_decode_region *r)
{
	d->last.status = r->ops->refuse_ur ? BUS_DECODE_UR : BUS_DECODE_CA;
	d->last.violation = true;
	d->stats.rule_violations++;
}

/* Every access counts once, as a read or a write, whatever its outcome. */
static void count_access(struct bus_decode *d, bool is_write)
{
	d->stats.accesses++;
	if (is_write)
		d->stats.writes++;
	else
		d->stats.reads++;
}

/* One access of @size bytes at @addr: the value in *@val (writes) or into
 * it (reads). The outcome is left in d->last and counted. */
static void do_access(struct bus_decode *d, bool is_write, uint64_t addr, unsigned size,
		      uint64_t *val)
{
	const uint64_t mask = size_mask(size);
	const struct bus_decode_interval *iv;
	const struct bus_decode_region *r;
	const struct bus_region_ops *ops;
	struct bus_decode_result saved;
	enum bus_decode_status st;
	unsigned valid, impl;
	uint64_t off;

	count_access(d, is_write);
	iv = lookup(d, addr);
	if (iv == NULL) {
		/* Master abort (PCI Local Bus 3.0, 3.3.3.1; a UR completion in
		 * PCIe, 2.3.1): a read completes with all ones, a write is
		 * dropped. */
		count_master_abort(d);
		if (!is_write)
			*val = mask;
		return;
	}
	r = &d->regions[iv->region];
	ops = r->ops;
	off = addr - r->base;
	d->last.region = r->id;
	d->last.offset = off;
	d->last.master_abort = false;
	d->last.violation = false;
	valid = ops->valid_sizes ? ops->valid_sizes : BUS_DECODE_SIZES_ALL;
	/* One access has one completer: bytes beyond the first byte's interval
	 * belong to another region or to nothing, so the whole access is
	 * refused rather than torn between completers. */
	if (size - 1 > iv->last - addr || (valid & size) == 0 ||
	    (!ops->unaligned && (off & (size - 1)) != 0)) {
		count_violation(d, r);
		if (!is_write)
			*val = mask;
		return;
	}
	impl = ops->impl_size;
	/* A model may make bus accesses of its own from inside its callback
	 * (a register write that fetches a descriptor, an MSI whose delivery
	 * reads a register): those overwrite d->last, which must describe
	 * this access when it returns. */
	saved = d->last;
	if (impl == 0 || size <= impl) {
		if (is_write) {
			st = ops->write(r->opaque, off, size, *val & mask);
		} else {
			uint64_t v = 0;

			st = ops->read(r->opaque, off, size, &v);
			*val = v & mask;
		}
	} else {
		/* Split into the implemented size, little endian: piece i is
		 * the bytes at offset + i * impl, value bits from 8 * impl * i. */
		const uint64_t imask = size_mask(impl);
		uint64_t acc = 0;

		st = BUS_DECODE_OK;
		for (unsigned i = 0; i < size / impl && st == BUS_DECODE_OK; i++) {
			unsigned shift = 8 * impl * i;

			if (is_write) {
				st = ops->write(r->opaque, off + (uint64_t)i * impl, impl,
						(*val >> shift) & imask);
			} else {
				uint64_t v = 0;

				st = ops->read(r->opaque, off + (uint64_t)i * impl, impl, &v);
				acc |= (v & imask) << shift;
			}
		}
		if (!is_write)
			*val = acc;
	}
	if ((unsigned)st > BUS_DECODE_CA)
		st = BUS_DECODE_CA; /* a model's nonsense status is a refusal */
	if (st != BUS_DECODE_OK && !is_write)
		*val = mask;
	d->last = saved;
	d->last.status = st;
	count_status(d, st);
}

/* ------------------------------------------------------------------------
 * Faults (bus/fault.h): consulted only while the decoder has any, so the
 * access path without faults pays one branch.
 * ------------------------------------------------------------------------ */

/* The fault acting on @addr .. @addr + @len_m1 (the latest added of those
 * covering any of its bytes), or NULL. */
static struct bus_fault *fault_match(struct bus_decode *d, uint64_t addr, uint64_t len_m1)
{
	uint64_t last = len_m1 > UINT64_MAX - addr ? UINT64_MAX : addr + len_m1;

	for (uint32_t i = d->nfaults; i-- > 0;) {
		struct bus_fault *f = &d->faults[i];

		if (f->base <= last && addr <= f->last)
			return f;
	}
	return NULL;
}

/* While faults exist, every access starts with the result's fault fields
 * clear (without faults nothing sets them: bus_fault_remove() clears them
 * when the last one goes). */
static void fault_reset_last(struct bus_decode *d)
{
	d->last.poisoned = false;
	d->last.timeout = false;
	d->last.fault = 0;
	d->last.delay_ps = 0;
}

static void fault_count_hit(struct bus_decode *d, struct bus_fault *f)
{
	f->hits++;
	d->stats.fault_hits++;
	d->last.fault = f->id;
}

/* Complete an access that fault @f refuses (every kind but a poisoned
 * write): the result and the counters; the caller returns the all ones of
 * a read. */
static void fault_refuse(struct bus_decode *d, struct bus_fault *f, bool is_write, uint64_t addr)
{
	const struct bus_decode_interval *iv;
	const struct bus_decode_region *r;

	count_access(d, is_write);
	fault_count_hit(d, f);
	if (f->kind == BUS_FAULT_SURPRISE_REMOVAL) {
		count_master_abort(d);
		return;
	}
	iv = lookup(d, addr);
	r = iv ? &d->regions[iv->region] : NULL;
	d->last.region = r ? r->id : 0;
	d->last.offset = r ? addr - r->base : 0;
	d->last.master_abort = false;
	d->last.violation = false;
	switch (f->kind) {
	case BUS_FAULT_UNSUPPORTED_REQUEST:
		d->last.status = BUS_DECODE_UR;
		d->stats.unsupported++;
		break;
	case BUS_FAULT_COMPLETER_ABORT:
		d->last.status = BUS_DECODE_CA;
		d->stats.completer_aborts++;
		break;
	case BUS_FAULT_POISONED: /* a read: it completes, with bad data */
		d->last.status = BUS_DECODE_OK;
		d->last.poisoned = true;
		d->stats.completed++;
		d->stats.poisoned++;
		break;
	case BUS_FAULT_COMPLETION_TIMEOUT:
		/* No completion: the requester gives up after its timeout; a
		 * posted write never waited. */
		d->last.status = BUS_DECODE_UR;
		d->last.timeout = true;
		d->last.delay_ps = is_write ? 0 : d->fault_timeout_ps;
		d->stats.timeouts++;
		break;
	case BUS_FAULT_SURPRISE_REMOVAL:
		break;
	}
}

/* bus_decode_read()/_write() with faults defined: true when a fault took
 * the access (done, counted); false when none covers it. */
static bool fault_access(struct bus_decode *d, bool is_write, uint64_t addr, unsigned size,
			 uint64_t *val)
{
	struct bus_fault *f;

	fault_reset_last(d);
	f = fault_match(d, addr, size - 1);
	if (f == NULL)
		return false;
	if (f->kind == BUS_FAULT_POISONED && is_write) {
		/* Delivered with its data, as without the fault; flagged. */
		do_access(d, true, addr, size, val);
		fault_count_hit(d, f);
		d->last.poisoned = true;
		d->stats.poisoned++;
		return true;
	}
	fault_refuse(d, f, is_write, addr);
	if (!is_write)
		*val = size_mask(size);
	return true;
}

void bus_decode_set_trace(struct bus_decode *d, struct sim_ctrace *trace, uint32_t track,
			  const struct sim_kernel *clock)
{
	if (d == NULL)
		return;
	d->trace = trace;
	d->trace_track = track;
	d->trace_clock = clock;
}

/* The latest access, if it did not simply complete, as a trace event. */
static void trace_outcome(struct bus_decode *d, uint64_t addr, uint64_t len, bool is_write)
{
	const struct bus_decode_result *r = &d->last;
	const char *what;

	if (r->status == BUS_DECODE_OK && !r->poisoned)
		return;
	if (r->master_abort)
		what = "master abort";
	else if (r->timeout)
		what = "completion timeout";
	else if (r->poisoned)
		what = "poisoned";
	else if (r->violation)
		what = "refused access";
	else
		what = bus_decode_status_name(r->status);
	{
		struct sim_ctrace_arg args[] = {
			SIM_CTRACE_ARG_HEX("addr", addr),
			SIM_CTRACE_ARG_U64("len", len),
			SIM_CTRACE_ARG_STR("dir", is_write ? "write" : "read"),
			SIM_CTRACE_ARG_STR("region", r->region ? bus_decode_region_name(d, r->region) : NULL),
			SIM_CTRACE_ARG_STR("status", bus_decode_status_name(r->status)),
		};

		sim_ctrace_instant_args(d->trace, d->trace_track, what,
					d->trace_clock ? sim_now(d->trace_clock) : 0, args,
					sizeof(args) / sizeof(args[0]));
	}
}

int bus_decode_read(struct bus_decode *d, uint64_t addr, unsigned size, uint64_t *val,
		    struct bus_decode_result *res)
{
	if (d == NULL || val == NULL || !size_ok(size))
		return SIM_ERR_INVALID;
	if (d->nfaults == 0 || !fault_access(d, false, addr, size, val))
		do_access(d, false, addr, size, val);
	if (d->trace)
		trace_outcome(d, addr, size, false);
	if (res)
		*res = d->last;
	return SIM_OK;
}

int bus_decode_write(struct bus_decode *d, uint64_t addr, unsigned size, uint64_t val,
		     struct bus_decode_result *res)
{
	if (d == NULL || !size_ok(size))
		return SIM_ERR_INVALID;
	if (d->nfaults == 0 || !fault_access(d, true, addr, size, &val))
		do_access(d, true, addr, size, &val);
	if (d->trace)
		trace_outcome(d, addr, size, true);
	if (res)
		*res = d->last;
	return SIM_OK;
}

/* ------------------------------------------------------------------------
 * The TLM face
 * ------------------------------------------------------------------------ */

/* A failed read gives the initiator all ones in every enabled byte. */
static void fill_ones(struct tlm_payload *p)
{
	if (p->command != TLM_CMD_READ || p->data == NULL)
		return;
	for (uint32_t i = 0; i < p->length; i++) {
		if (p->byte_enable == NULL || p->byte_enable_length == 0 ||
		    p->byte_enable[i % p->byte_enable_length] != TLM_BYTE_DISABLED)
			p->data[i] = 0xff;
	}
}

static enum tlm_response response_of(const struct bus_decode_result *res)
{
	if (res->status == BUS_DECODE_OK)
		return TLM_OK;
	if (res->master_abort || res->status == BUS_DECODE_UR)
		return TLM_ADDRESS_ERROR;
	return TLM_GENERIC_ERROR;
}

static void face_target_region(struct bus_decode *d, const struct bus_decode_interval *iv,
			       const struct bus_decode_region *r, struct tlm_payload *p,
			       sim_time_t *delay_ps)
{
	const uint64_t a = p->address;
	uint32_t span = tlm_payload_span(p);

	if (span == 0 || span - 1 > iv->last - a) {
		count_violation(d, r);
		fill_ones(p);
		p->response = span == 0 ? TLM_BURST_ERROR : TLM_GENERIC_ERROR;
		return;
	}
	struct bus_decode_result saved = d->last;

	p->address = a - r->base;
	/* The target may make bus accesses of its own (as a register model
	 * may, see do_access()): they must not become this access's result. */
	tlm_b_transport(r->tgt, p, delay_ps);
	p->address = a;
	d->last = saved;
	d->last.status = status_of_response(p->response);
	count_status(d, d->last.status);
	if (!tlm_response_ok(p->response))
		fill_ones(p);
}

/* A read or write through the face, faults aside. */
static void face_access(struct bus_decode *d, struct tlm_payload *p, sim_time_t *delay_ps)
{
	const uint64_t a = p->address;
	const struct bus_decode_interval *iv;
	const struct bus_decode_region *r;
	uint32_t len = p->length;
	uint64_t v = 0;

	iv = lookup(d, a);
	if (iv == NULL || d->regions[iv->region].tgt == NULL) {
		/* Register regions and nothing: one plain access, or refused. */
		bool plain = p->byte_enable == NULL && size_ok(len) && p->data != NULL &&
			     (p->streaming_width == 0 || p->streaming_width >= len);

		if (!plain && iv != NULL) {
			r = &d->regions[iv->region];
			count_access(d, p->command == TLM_CMD_WRITE);
			d->last.region = r->id;
			d->last.offset = a - r->base;
			d->last.master_abort = false;
			count_violation(d, r);
			fill_ones(p);
			p->response = p->byte_enable ? TLM_BYTE_ENABLE_ERROR : TLM_BURST_ERROR;
			return;
		}
		if (!plain) {
			/* A burst to nothing is still one master abort. */
			count_access(d, p->command == TLM_CMD_WRITE);
			count_master_abort(d);
			fill_ones(p);
			p->response = TLM_ADDRESS_ERROR;
			return;
		}
		if (p->command == TLM_CMD_WRITE) {
			for (uint32_t i = 0; i < len; i++)
				v |= (uint64_t)p->data[i] << (8 * i);
		}
		do_access(d, p->command == TLM_CMD_WRITE, a, len, &v);
		if (p->command == TLM_CMD_READ) {
			for (uint32_t i = 0; i < len; i++)
				p->data[i] = (uint8_t)(v >> (8 * i));
		}
		p->response = response_of(&d->last);
		return;
	}
	r = &d->regions[iv->region];
	count_access(d, p->command == TLM_CMD_WRITE);
	d->last.region = r->id;
	d->last.offset = a - r->base;
	d->last.master_abort = false;
	d->last.violation = false;
	face_target_region(d, iv, r, p, delay_ps);
}

/* True when the latest fault covering the byte at @a is a surprise removal:
 * then nothing decodes @a. */
static bool fault_removed(struct bus_decode *d, uint64_t a)
{
	const struct bus_fault *f;

	if (d->nfaults == 0)
		return false;
	f = fault_match(d, a, 0);
	return f != NULL && f->kind == BUS_FAULT_SURPRISE_REMOVAL;
}

/* The face's read or write with faults defined: as fault_access(), on the
 * payload's span; TLM responses as bus/fault.h says. */
static bool face_fault(struct bus_decode *d, struct tlm_payload *p, sim_time_t *delay_ps)
{
	const bool is_write = p->command == TLM_CMD_WRITE;
	uint32_t span = tlm_payload_span(p);
	struct bus_fault *f;

	fault_reset_last(d);
	f = fault_match(d, p->address, span ? span - 1 : 0);
	if (f == NULL)
		return false;
	if (f->kind == BUS_FAULT_POISONED && is_write) {
		face_access(d, p, delay_ps);
		fault_count_hit(d, f);
		d->last.poisoned = true;
		d->stats.poisoned++;
		if (tlm_response_ok(p->response))
			p->response = TLM_GENERIC_ERROR;
		return true;
	}
	fault_refuse(d, f, is_write, p->address);
	fill_ones(p);
	switch (f->kind) {
	case BUS_FAULT_COMPLETER_ABORT:
	case BUS_FAULT_POISONED:
		p->response = TLM_GENERIC_ERROR;
		break;
	case BUS_FAULT_COMPLETION_TIMEOUT:
		*delay_ps += d->last.delay_ps;
		p->response = TLM_ADDRESS_ERROR;
		break;
	case BUS_FAULT_UNSUPPORTED_REQUEST:
	case BUS_FAULT_SURPRISE_REMOVAL:
		p->response = TLM_ADDRESS_ERROR;
		break;
	}
	return true;
}

static void face_b_transport_untraced(struct bus_decode *d, struct tlm_payload *p, sim_time_t *delay_ps);

static void face_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct bus_decode *d = opaque;
	uint64_t before = d->stats.accesses;

	face_b_transport_untraced(d, p, delay_ps);
	if (d->trace && d->stats.accesses != before)
		trace_outcome(d, p->address, p->length, p->command == TLM_CMD_WRITE);
}

static void face_b_transport_untraced(struct bus_decode *d, struct tlm_payload *p, sim_time_t *delay_ps)
{
	const uint64_t a = p->address;

	if (p->command == TLM_CMD_IGNORE) {
		p->response = lookup(d, a) && !fault_removed(d, a) ? TLM_OK : TLM_ADDRESS_ERROR;
		return;
	}
	if (p->command != TLM_CMD_READ && p->command != TLM_CMD_WRITE) {
		p->response = TLM_COMMAND_ERROR;
		return;
	}
	if (d->nfaults != 0 && face_fault(d, p, delay_ps))
		return;
	face_access(d, p, delay_ps);
}

static uint32_t face_transport_dbg(void *opaque, struct tlm_payload *p)
{
	struct bus_decode *d = opaque;
	const uint64_t a = p->address;
	const struct bus_decode_interval *iv = lookup(d, a);
	const struct bus_decode_region *r;
	uint32_t len = p->length, n;

	if (iv == NULL || d->regions[iv->region].tgt == NULL || fault_removed(d, a))
		return 0;
	r = &d->regions[iv->region];
	/* Clip at the interval's end: the bytes beyond are another region's. */
	if (len != 0 && len - 1 > iv->last - a)
		p->length = (uint32_t)(iv->last - a + 1);
	p->address = a - r->base;
	n = tlm_transport_dbg(r->tgt, p);
	p->address = a;
	p->length = len;
	return n;
}

static const struct tlm_target_ops face_ops = {
	.b_transport = face_b_transport,
	.transport_dbg = face_transport_dbg,
	.get_dmi = NULL,
};

/* ------------------------------------------------------------------------
 * Life cycle
 * ------------------------------------------------------------------------ */

int bus_decode_init(struct bus_decode *d)
{
	if (d == NULL)
		return SIM_ERR_INVALID;
	memset(d, 0, sizeof(*d));
	d->fault_timeout_ps = BUS_FAULT_TIMEOUT_DEFAULT_PS;
	tlm_target_init(&d->target, &face_ops, d);
	return SIM_OK;
}

void bus_decode_destroy(struct bus_decode *d)
{
	if (d == NULL)
		return;
	if (d->target.ops != NULL)
		tlm_target_destroy(&d->target);
	free(d->regions);
	free(d->iv);
	free(d->scratch);
	free(d->faults);
	memset(d, 0, sizeof(*d));
}
