/*
 * tests/bus/test-decode.c - Check tests of the PCI bus address decoder
 * (bus/decode.h): lookups against a brute-force reference over random
 * maps, unmaps, moves and enables; priorities and the refusal of equal
 * priority overlaps; Memory Space Enable; master aborts (all ones for
 * every size, writes vanishing); Unsupported Request and Completer Abort
 * from a model; the access rules (sizes, alignment, splitting into the
 * implemented size with little endian byte lanes, crossing accesses); the
 * counters; the TLM face; host memory (bus/hostmem.h) mapped as a region.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "bus/decode.h"
#include "bus/hostmem.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"

/* ---- a register model: 64 bytes, a log of the calls it saw ---- */

struct regs {
	uint8_t mem[64];
	unsigned calls;
	uint64_t call_off[16];
	unsigned call_size[16];
	uint64_t ca_offset; /* accesses here answer Completer Abort */
	uint64_t ur_offset; /* ... and here Unsupported Request */
};

static void regs_reset(struct regs *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < sizeof(r->mem); i++)
		r->mem[i] = (uint8_t)(0x10 + i);
	r->ca_offset = r->ur_offset = UINT64_MAX;
}

static enum bus_decode_status regs_check(struct regs *r, uint64_t off, unsigned size)
{
	if (r->calls < 16) {
		r->call_off[r->calls] = off;
		r->call_size[r->calls] = size;
	}
	r->calls++;
	if (off == r->ca_offset)
		return BUS_DECODE_CA;
	if (off == r->ur_offset)
		return BUS_DECODE_UR;
	ck_assert_uint_le(off + size, sizeof(r->mem));
	return BUS_DECODE_OK;
}

static enum bus_decode_status regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct regs *r = opaque;
	enum bus_decode_status st = regs_check(r, off, size);
	uint64_t v = 0;

	if (st != BUS_DECODE_OK) {
		*val = 0x1234; /* the core must not pass this on */
		return st;
	}
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)r->mem[off + i] << (8 * i);
	/* Garbage above the access size, which the core must mask. */
	*val = v | (size < 8 ? UINT64_C(0xdead) << (8 * size) : 0);
	return st;
}

static enum bus_decode_status regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct regs *r = opaque;
	enum bus_decode_status st = regs_check(r, off, size);

	if (st != BUS_DECODE_OK)
		return st;
	if (size < 8)
		ck_assert_uint_eq(val >> (8 * size), 0);
	for (unsigned i = 0; i < size; i++)
		r->mem[off + i] = (uint8_t)(val >> (8 * i));
	return st;
}

static const struct bus_region_ops regs_any_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = 0, /* all */
	.unaligned = true,
};

static const struct bus_region_ops regs_dword_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
};

static const struct bus_region_ops regs_dword_ur_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
	.unaligned = false,
	.refuse_ur = true,
};

static const struct bus_region_ops regs_aligned_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = BUS_DECODE_SIZES_ALL,
	.unaligned = false,
};

static const struct bus_region_ops regs_impl2_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = BUS_DECODE_SIZES_ALL,
	.unaligned = false,
	.impl_size = 2,
};

static const struct bus_region_ops regs_impl4_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = BUS_DECODE_SIZE_4 | BUS_DECODE_SIZE_8,
	.unaligned = false,
	.impl_size = 4,
};

/* A model that must never be called. */
static enum bus_decode_status never_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque, (void)off, (void)size, (void)val;
	ck_abort_msg("model called");
	return BUS_DECODE_OK;
}

static enum bus_decode_status never_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque, (void)off, (void)size, (void)val;
	ck_abort_msg("model called");
	return BUS_DECODE_OK;
}

static const struct bus_region_ops never_ops = {
	.read = never_read,
	.write = never_write,
};

static void check_sum(const struct bus_decode *d)
{
	const struct bus_decode_stats *s = &d->stats;

	ck_assert_uint_eq(s->accesses, s->reads + s->writes);
	ck_assert_uint_eq(s->accesses, s->completed + s->master_aborts + s->unsupported +
					       s->completer_aborts + s->rule_violations);
}

/* ---- lookup against a brute-force reference ---- */

struct ref_region {
	uint64_t base, size;
	int prio;
	bool enabled, alive;
	uint32_t id;
};

#define REF_MAX 64
#define REF_SPACE UINT64_C(0x40000)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: the test's own stream, independent of the library. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static uint32_t ref_find(const struct ref_region *r, unsigned n, uint64_t a, uint64_t *off)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++) {
		if (!r[i].alive || !r[i].enabled || a < r[i].base || a - r[i].base >= r[i].size)
			continue;
		ck_assert_msg(best < 0 || r[best].prio != r[i].prio, "reference holds an equal overlap");
		if (best < 0 || r[i].prio > r[best].prio)
			best = (int)i;
	}
	if (best < 0)
		return 0;
	*off = a - r[best].base;
	return r[best].id;
}

static bool ref_conflict(const struct ref_region *r, unsigned n, int self, uint64_t base,
			 uint64_t size, int prio)
{
	for (unsigned i = 0; i < n; i++) {
		if ((int)i == self || !r[i].alive || !r[i].enabled || r[i].prio != prio)
			continue;
		if (r[i].base < base + size && base < r[i].base + r[i].size)
			return true;
	}
	return false;
}

START_TEST(lookup_matches_reference)
{
	struct ref_region ref[REF_MAX];
	struct bus_decode d;
	unsigned n = 0, checked = 0, refused = 0;

	rng_state = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)_i;
	memset(ref, 0, sizeof(ref));
	ck_assert_int_eq(bus_decode_init(&d), 0);
	for (unsigned step = 0; step < 1500; step++) {
		unsigned op = (unsigned)(rnd() % 10), i = n ? (unsigned)(rnd() % n) : 0;

		if (op < 4 && n < REF_MAX) {
			uint64_t base = rnd() % REF_SPACE, size = 1 + rnd() % 0x3000;
			int prio = (int)(rnd() % 4);
			bool bad = ref_conflict(ref, n, -1, base, size, prio);
			uint32_t id = 0;
			int err = bus_decode_map(&d, base, size, prio, &never_ops, NULL, "r", &id);

			ck_assert_int_eq(err, bad ? SIM_ERR_INVALID : 0);
			refused += bad;
			if (!bad) {
				ck_assert_uint_ne(id, 0);
				ref[n++] = (struct ref_region){ base, size, prio, true, true, id };
			}
		} else if (op < 5 && n > 0 && ref[i].alive) {
			ck_assert_int_eq(bus_decode_unmap(&d, ref[i].id), 0);
			ck_assert_int_eq(bus_decode_unmap(&d, ref[i].id), SIM_ERR_INVALID);
			ref[i].alive = false;
		} else if (op < 7 && n > 0 && ref[i].alive) {
			uint64_t nb = rnd() % REF_SPACE;
			bool bad = ref[i].enabled && ref_conflict(ref, n, (int)i, nb, ref[i].size, ref[i].prio);

			ck_assert_int_eq(bus_decode_move(&d, ref[i].id, nb), bad ? SIM_ERR_INVALID : 0);
			refused += bad;
			if (!bad)
				ref[i].base = nb;
		} else if (n > 0 && ref[i].alive) {
			bool en = !ref[i].enabled;
			bool bad = en && ref_conflict(ref, n, (int)i, ref[i].base, ref[i].size, ref[i].prio);

			ck_assert_int_eq(bus_decode_enable(&d, ref[i].id, en), bad ? SIM_ERR_INVALID : 0);
			refused += bad;
			if (!bad)
				ref[i].enabled = en;
		}
		for (unsigned k = 0; k < 8; k++) {
			/* Random addresses, and the edges of a random region. */
			uint64_t a = rnd() % (REF_SPACE + 0x4000), off = 0, roff = 0;
			uint32_t want, got;

			if (k >= 6 && n > 0) {
				struct ref_region *e = &ref[rnd() % n];

				a = k == 6 ? e->base + e->size : e->base + e->size - 1;
				if (rnd() & 1)
					a = e->base - (e->base ? 1 : 0);
			}
			want = ref_find(ref, n, a, &roff);
			got = bus_decode_find(&d, a, &off);
			ck_assert_msg(got == want, "step %u addr %#llx: got %u want %u", step,
				      (unsigned long long)a, got, want);
			if (want)
				ck_assert_uint_eq(off, roff);
			checked++;
		}
	}
	ck_assert_uint_ge(checked, 10000);
	ck_assert_uint_gt(refused, 0);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- priorities, overlaps, enable, move ---- */

START_TEST(priorities_and_overlaps)
{
	struct bus_decode d;
	uint32_t win, bar, other, id;
	uint64_t off;

	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x10000, 0x10000, 0, &never_ops, NULL, "window", &win), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x14000, 0x1000, 1, &never_ops, NULL, "bar", &bar), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x13fff, &off), win);
	ck_assert_uint_eq(off, 0x3fff);
	ck_assert_uint_eq(bus_decode_find(&d, 0x14000, &off), bar);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x14fff, &off), bar);
	ck_assert_uint_eq(off, 0xfff);
	ck_assert_uint_eq(bus_decode_find(&d, 0x15000, &off), win);
	ck_assert_uint_eq(off, 0x5000);
	ck_assert_uint_eq(bus_decode_find(&d, 0x20000, NULL), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0xffff, NULL), 0);
	ck_assert_str_eq(bus_decode_region_name(&d, bar), "bar");

	/* Equal priority: overlap refused (also partially, also of one byte),
	 * touching is fine. */
	ck_assert_int_eq(bus_decode_map(&d, 0x1ffff, 0x10, 0, &never_ops, NULL, "x", &id), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_map(&d, 0x14800, 0x100, 1, &never_ops, NULL, "x", &id), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_map(&d, 0x20000, 0x1000, 0, &never_ops, NULL, "next", &other), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x20000, NULL), other);
	ck_assert_uint_eq(bus_decode_find(&d, 0x1ffff, NULL), win);

	/* Higher still wins over both. */
	ck_assert_int_eq(bus_decode_map(&d, 0x14800, 0x100, 5, &never_ops, NULL, "top", &id), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x14800, NULL), id);
	ck_assert_uint_eq(bus_decode_find(&d, 0x147ff, NULL), bar);
	ck_assert_uint_eq(bus_decode_find(&d, 0x14900, NULL), bar);

	/* Move of a BAR: the old place falls back to the window. */
	ck_assert_int_eq(bus_decode_move(&d, bar, 0x18000), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x14000, NULL), win);
	ck_assert_uint_eq(bus_decode_find(&d, 0x18000, &off), bar);
	ck_assert_uint_eq(off, 0);
	/* Onto an equal priority region (top is 5, other BARs are 1): a second
	 * BAR of priority 1 refuses to be moved over the first. */
	ck_assert_int_eq(bus_decode_map(&d, 0x30000, 0x1000, 1, &never_ops, NULL, "bar2", &id), 0);
	ck_assert_int_eq(bus_decode_move(&d, id, 0x18800), SIM_ERR_INVALID);
	ck_assert_uint_eq(bus_decode_find(&d, 0x30000, NULL), id);
	/* A disabled one may sit over it, but not be enabled there. */
	ck_assert_int_eq(bus_decode_enable(&d, id, false), 0);
	ck_assert_int_eq(bus_decode_move(&d, id, 0x18800), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x18800, NULL), bar);
	ck_assert_int_eq(bus_decode_enable(&d, id, true), SIM_ERR_INVALID);
	ck_assert_uint_eq(bus_decode_find(&d, 0x18800, NULL), bar);

	/* Moves that wrap, unknown ids. */
	ck_assert_int_eq(bus_decode_move(&d, bar, UINT64_MAX - 0x10), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_move(&d, 9999, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_enable(&d, 9999, true), SIM_ERR_INVALID);
	ck_assert_ptr_null(bus_decode_region_name(&d, 9999));
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(map_argument_errors)
{
	struct bus_decode d;
	struct bus_region_ops bad = regs_any_ops;
	uint32_t id = 77;

	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0, 0, 0, &regs_any_ops, NULL, "z", &id), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_map(&d, UINT64_MAX, 2, 0, &regs_any_ops, NULL, "w", &id), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_map(&d, 0, 1, 0, NULL, NULL, "n", &id), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_map(NULL, 0, 1, 0, &regs_any_ops, NULL, "n", &id), SIM_ERR_INVALID);
	bad.impl_size = 3;
	ck_assert_int_eq(bus_decode_map(&d, 0, 1, 0, &bad, NULL, "i", &id), SIM_ERR_INVALID);
	bad = regs_any_ops;
	bad.valid_sizes = 16;
	ck_assert_int_eq(bus_decode_map(&d, 0, 1, 0, &bad, NULL, "v", &id), SIM_ERR_INVALID);
	bad = regs_any_ops;
	bad.write = NULL;
	ck_assert_int_eq(bus_decode_map(&d, 0, 1, 0, &bad, NULL, "v", &id), SIM_ERR_INVALID);
	ck_assert_uint_eq(id, 77);
	ck_assert_uint_eq(d.niv, 0);
	/* The top byte of the space can be mapped. */
	ck_assert_int_eq(bus_decode_map(&d, UINT64_MAX - 7, 8, 0, &regs_any_ops, NULL, NULL, &id), 0);
	ck_assert_uint_eq(bus_decode_find(&d, UINT64_MAX, NULL), id);
	ck_assert_uint_eq(bus_decode_find(&d, UINT64_MAX - 8, NULL), 0);
	ck_assert_str_eq(bus_decode_region_name(&d, id), "");
	ck_assert_int_eq(bus_decode_unmap(&d, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_read(&d, 0, 3, &(uint64_t){ 0 }, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_read(&d, 0, 4, NULL, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_decode_write(&d, 0, 16, 0, NULL), SIM_ERR_INVALID);
	ck_assert_uint_eq(d.stats.accesses, 0);
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(memory_space_disable)
{
	struct bus_decode d;
	struct regs r;
	struct bus_decode_result res;
	uint64_t v;
	uint32_t id;

	regs_reset(&r);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0xfe000000, 64, 0, &regs_any_ops, &r, "bar0", &id), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0xfe000000, 4, &v, &res), 0);
	ck_assert_uint_eq(v, 0x13121110);
	ck_assert_int_eq(bus_decode_enable(&d, id, false), 0);
	ck_assert_int_eq(bus_decode_enable(&d, id, false), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0xfe000000, NULL), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0xfe000000, 4, &v, &res), 0);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_int_eq(bus_decode_write(&d, 0xfe000000, 4, 0, &res), 0);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(r.mem[0], 0x10);
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_int_eq(bus_decode_enable(&d, id, true), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0xfe000000, 1, &v, &res), 0);
	ck_assert_uint_eq(v, 0x10);
	ck_assert_uint_eq(d.stats.master_aborts, 2);
	check_sum(&d);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- master abort ---- */

START_TEST(master_abort_all_ones)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	static const uint64_t ones[] = { 0xff, 0xffff, 0xffffffffu, UINT64_MAX };
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint64_t v;

	regs_reset(&r);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_any_ops, &r, "regs", NULL), 0);
	for (unsigned i = 0; i < 4; i++) {
		v = 0x5a;
		ck_assert_int_eq(bus_decode_read(&d, 0x2000 + i, sizes[i], &v, &res), 0);
		ck_assert_uint_eq(v, ones[i]);
		ck_assert_int_eq(res.status, BUS_DECODE_UR);
		ck_assert(res.master_abort);
		ck_assert(!res.violation);
		ck_assert_uint_eq(res.region, 0);
		ck_assert_int_eq(bus_decode_write(&d, 0xfff - i, sizes[i], 0, &res), 0);
		ck_assert(res.master_abort);
	}
	/* The writes vanished: the model never saw any of it. */
	ck_assert_uint_eq(r.calls, 0);
	for (unsigned i = 0; i < 64; i++)
		ck_assert_uint_eq(r.mem[i], 0x10 + i);
	ck_assert_uint_eq(d.stats.master_aborts, 8);
	ck_assert_uint_eq(d.stats.reads, 4);
	ck_assert_uint_eq(d.stats.writes, 4);
	ck_assert_int_eq(d.last.status, BUS_DECODE_UR);
	check_sum(&d);
	ck_assert_str_eq(bus_decode_status_name(BUS_DECODE_UR), "UR");
	ck_assert_str_eq(bus_decode_status_name(BUS_DECODE_CA), "CA");
	ck_assert_str_eq(bus_decode_status_name(BUS_DECODE_OK), "OK");
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(completer_abort_and_ur_from_model)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint64_t v;
	uint32_t id;

	regs_reset(&r);
	r.ca_offset = 8;
	r.ur_offset = 16;
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_any_ops, &r, "regs", &id), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0x1008, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert(!res.master_abort && !res.violation);
	ck_assert_uint_eq(res.region, id);
	ck_assert_uint_eq(res.offset, 8);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_int_eq(bus_decode_write(&d, 0x1010, 2, 0xbeef, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert(!res.master_abort);
	ck_assert_int_eq(bus_decode_read(&d, 0x1010, 8, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(bus_decode_read(&d, 0x1000, 2, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(v, 0x1110);
	ck_assert_uint_eq(d.stats.completer_aborts, 1);
	ck_assert_uint_eq(d.stats.unsupported, 2);
	ck_assert_uint_eq(d.stats.completed, 1);
	ck_assert_uint_eq(d.stats.master_aborts, 0);
	ck_assert_uint_eq(r.calls, 4);
	check_sum(&d);
	bus_decode_reset_stats(&d);
	ck_assert_uint_eq(d.stats.accesses, 0);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- access rules ---- */

START_TEST(invalid_size_and_misaligned_refused)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint64_t v;

	regs_reset(&r);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_dword_ops, &r, "dw", NULL), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x2000, 64, 0, &regs_dword_ur_ops, &r, "dwur", NULL), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x3000, 64, 0, &regs_aligned_ops, &r, "al", NULL), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x4000, 64, 0, &regs_any_ops, &r, "any", NULL), 0);

	ck_assert_int_eq(bus_decode_read(&d, 0x1000, 1, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert(res.violation);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(bus_decode_read(&d, 0x1000, 8, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(bus_decode_write(&d, 0x1002, 4, 0, &res), 0); /* misaligned */
	ck_assert(res.violation);
	ck_assert_int_eq(bus_decode_write(&d, 0x2001, 2, 0, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert(res.violation && !res.master_abort);
	ck_assert_int_eq(bus_decode_read(&d, 0x3002, 4, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_int_eq(bus_decode_read(&d, 0x3006, 2, &v, &res), 0);
	ck_assert(!res.violation);
	ck_assert_uint_eq(v, 0x1716);
	ck_assert_uint_eq(r.calls, 1); /* only the valid one reached the model */
	ck_assert_int_eq(bus_decode_read(&d, 0x4003, 4, &v, &res), 0);
	ck_assert(!res.violation);
	ck_assert_uint_eq(v, 0x16151413);
	ck_assert_int_eq(bus_decode_read(&d, 0x1004, 4, &v, &res), 0);
	ck_assert_uint_eq(v, 0x17161514);
	ck_assert_uint_eq(r.calls, 3);
	for (unsigned i = 0; i < 64; i++)
		ck_assert_uint_eq(r.mem[i], 0x10 + i);
	ck_assert_uint_eq(d.stats.rule_violations, 5);
	ck_assert_uint_eq(d.stats.completed, 3);
	check_sum(&d);
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(split_into_implemented_size)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r, r4;
	uint64_t v;

	regs_reset(&r);
	regs_reset(&r4);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_impl2_ops, &r, "w16", NULL), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x2000, 64, 0, &regs_impl4_ops, &r4, "w32", NULL), 0);

	ck_assert_int_eq(bus_decode_read(&d, 0x1008, 8, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(v, UINT64_C(0x1f1e1d1c1b1a1918));
	ck_assert_uint_eq(r.calls, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(r.call_off[i], 8 + 2 * i);
		ck_assert_uint_eq(r.call_size[i], 2);
	}
	/* A narrower access than the implementation passes as it is. */
	ck_assert_int_eq(bus_decode_read(&d, 0x1001, 1, &v, &res), 0);
	ck_assert_uint_eq(v, 0x11);
	ck_assert_uint_eq(r.call_size[4], 1);

	r.calls = 0;
	ck_assert_int_eq(bus_decode_write(&d, 0x1010, 4, 0xa1b2c3d4, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(r.calls, 2);
	ck_assert_uint_eq(r.call_off[0], 0x10);
	ck_assert_uint_eq(r.call_off[1], 0x12);
	ck_assert_uint_eq(r.mem[0x10], 0xd4);
	ck_assert_uint_eq(r.mem[0x11], 0xc3);
	ck_assert_uint_eq(r.mem[0x12], 0xb2);
	ck_assert_uint_eq(r.mem[0x13], 0xa1);
	ck_assert_uint_eq(r.mem[0x14], 0x24);

	ck_assert_int_eq(bus_decode_write(&d, 0x2008, 8, UINT64_C(0x0102030405060708), &res), 0);
	ck_assert_uint_eq(r4.calls, 2);
	ck_assert_uint_eq(r4.call_off[0], 8);
	ck_assert_uint_eq(r4.call_off[1], 12);
	ck_assert_uint_eq(r4.call_size[1], 4);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(r4.mem[8 + i], 8 - i);
	ck_assert_int_eq(bus_decode_read(&d, 0x2008, 8, &v, &res), 0);
	ck_assert_uint_eq(v, UINT64_C(0x0102030405060708));

	/* A piece failing fails the access: a read gives all ones; a write
	 * keeps the pieces before the failing one. */
	r4.ca_offset = 0x14;
	ck_assert_int_eq(bus_decode_read(&d, 0x2010, 8, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(bus_decode_write(&d, 0x2010, 8, UINT64_C(0x8877665544332211), &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(r4.mem[0x10], 0x11);
	ck_assert_uint_eq(r4.mem[0x13], 0x44);
	ck_assert_uint_eq(r4.mem[0x14], 0x24);
	/* Size 2 is not valid there: refused before any split. */
	r4.calls = 0;
	ck_assert_int_eq(bus_decode_read(&d, 0x2000, 2, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_uint_eq(r4.calls, 0);
	ck_assert_uint_eq(d.stats.completer_aborts, 2);
	check_sum(&d);
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(crossing_access_refused)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs a, b, w;
	uint64_t v;
	uint32_t ida, idb;

	regs_reset(&a);
	regs_reset(&b);
	regs_reset(&w);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 16, 0, &regs_any_ops, &a, "a", &ida), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x1010, 16, 0, &regs_any_ops, &b, "b", &idb), 0);
	/* Into the next region. */
	ck_assert_int_eq(bus_decode_read(&d, 0x100e, 4, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(res.region, ida);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_int_eq(bus_decode_write(&d, 0x100c, 8, 0, &res), 0);
	ck_assert(res.violation);
	/* Into nothing. */
	ck_assert_int_eq(bus_decode_read(&d, 0x101e, 4, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_uint_eq(res.region, idb);
	/* Up to the edge is fine. */
	ck_assert_int_eq(bus_decode_read(&d, 0x100c, 4, &v, &res), 0);
	ck_assert(!res.violation);
	ck_assert_uint_eq(v, 0x1f1e1d1c);
	ck_assert_int_eq(bus_decode_read(&d, 0x1018, 8, &v, &res), 0);
	ck_assert_uint_eq(v, UINT64_C(0x1f1e1d1c1b1a1918));
	/* Into a higher priority region inside the same one. */
	ck_assert_int_eq(bus_decode_map(&d, 0x1008, 4, 3, &regs_any_ops, &w, "hi", NULL), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0x1006, 4, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_int_eq(bus_decode_read(&d, 0x100a, 4, &v, &res), 0);
	ck_assert(res.violation);
	ck_assert_int_eq(bus_decode_read(&d, 0x100c, 4, &v, &res), 0);
	ck_assert(!res.violation);
	ck_assert_uint_eq(a.calls, 2);
	ck_assert_uint_eq(b.calls, 1);
	ck_assert_uint_eq(w.calls, 0);
	ck_assert_uint_eq(d.stats.rule_violations, 5);
	check_sum(&d);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- the TLM face ---- */

START_TEST(tlm_face)
{
	struct bus_decode d;
	struct tlm_target *t;
	struct tlm_payload p;
	struct regs r;
	uint8_t buf[16];
	sim_time_t delay = 0;
	static const uint8_t be[2] = { 0xff, 0x00 };

	regs_reset(&r);
	bus_decode_init(&d);
	t = bus_decode_target(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_dword_ops, &r, "dw", NULL), 0);
	tlm_payload_init(&p);

	tlm_payload_setup(&p, TLM_CMD_READ, 0x1004, buf, 4);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(p.address, 0x1004);
	ck_assert_uint_eq(buf[0], 0x14);
	ck_assert_uint_eq(buf[3], 0x17);

	buf[0] = 0xaa, buf[1] = 0xbb, buf[2] = 0xcc, buf[3] = 0xdd;
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x1008, buf, 4);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(r.mem[8], 0xaa);
	ck_assert_uint_eq(r.mem[11], 0xdd);

	/* Nothing there: all ones, address error, a master abort. */
	memset(buf, 0, sizeof(buf));
	tlm_payload_setup(&p, TLM_CMD_READ, 0x9000, buf, 16);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_uint_eq(buf[i], 0xff);
	ck_assert(d.last.master_abort);

	/* Rule violations: wrong size, a burst, byte enables. */
	memset(buf, 0, sizeof(buf));
	tlm_payload_setup(&p, TLM_CMD_READ, 0x1000, buf, 2);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_GENERIC_ERROR);
	ck_assert_uint_eq(buf[0], 0xff);
	ck_assert_uint_eq(buf[2], 0);
	tlm_payload_setup(&p, TLM_CMD_READ, 0x1000, buf, 16);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_BURST_ERROR);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x1000, buf, 4);
	tlm_payload_set_byte_enable(&p, be, 2);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_BYTE_ENABLE_ERROR);
	ck_assert_uint_eq(r.mem[0], 0x10);

	/* Ignore probes routing, uncounted. */
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 0x1000, NULL, 0);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_OK);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 0x0, NULL, 0);
	tlm_b_transport(t, &p, &delay);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);

	/* No debug transport into register regions, no DMI. */
	tlm_payload_setup(&p, TLM_CMD_READ, 0x1000, buf, 4);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 0);
	{
		struct tlm_dmi dmi;

		ck_assert(!tlm_get_dmi(t, &p, &dmi));
	}
	ck_assert_uint_eq(delay, 0);
	ck_assert_uint_eq(d.stats.accesses, 6);
	ck_assert_uint_eq(d.stats.completed, 2);
	ck_assert_uint_eq(d.stats.master_aborts, 1);
	ck_assert_uint_eq(d.stats.rule_violations, 3);
	check_sum(&d);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- host memory as a region ---- */

#define RAM_BASE UINT64_C(0x80000000)

START_TEST(hostmem_region)
{
	static const struct bus_mem_range ram = { 0, 64 * 1024 };
	struct bus_mem_config cfg;
	struct bus_mem m;
	struct bus_decode d;
	struct bus_decode_result res;
	struct tlm_payload p;
	uint8_t buf[64], back[64];
	uint64_t v;
	uint32_t id;
	sim_time_t delay = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ranges = &ram;
	cfg.n_ranges = 1;
	cfg.latency_ps = 1000;
	ck_assert_int_eq(bus_mem_init(&m, &cfg), 0);
	bus_decode_init(&d);
	/* The region is twice the RAM: its upper half is a hole of the memory. */
	ck_assert_int_eq(bus_decode_map_target(&d, RAM_BASE, 128 * 1024, 0, bus_mem_target(&m), "ram", &id), 0);
	ck_assert_int_eq(bus_decode_map_target(&d, 0, 16, 0, NULL, "x", NULL), SIM_ERR_INVALID);

	ck_assert_int_eq(bus_decode_write(&d, RAM_BASE + 0x1003, 8, UINT64_C(0x1122334455667788), &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_int_eq(bus_mem_read(&m, 0x1003, back, 8), 0);
	ck_assert_uint_eq(back[0], 0x88);
	ck_assert_uint_eq(back[7], 0x11);
	ck_assert_int_eq(bus_mem_write(&m, 0x2000, "\x01\x02\x03\x04", 4), 0);
	ck_assert_int_eq(bus_decode_read(&d, RAM_BASE + 0x2000, 4, &v, &res), 0);
	ck_assert_uint_eq(v, 0x04030201);
	ck_assert_int_eq(bus_decode_read(&d, RAM_BASE + 0x2001, 2, &v, &res), 0);
	ck_assert_uint_eq(v, 0x0302);
	/* The memory's hole answers Unsupported Request; a read gives ones. */
	ck_assert_int_eq(bus_decode_read(&d, RAM_BASE + 0x10000, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert(!res.master_abort);
	ck_assert_uint_eq(v, 0xffffffffu);

	/* A 64-byte burst through the TLM face, with the memory's latency. */
	for (unsigned i = 0; i < 64; i++)
		buf[i] = (uint8_t)(i * 3);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, RAM_BASE + 0x3000, buf, 64);
	tlm_b_transport(bus_decode_target(&d), &p, &delay);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(p.address, RAM_BASE + 0x3000);
	ck_assert_uint_eq(delay, 1000);
	ck_assert_int_eq(bus_mem_read(&m, 0x3000, back, 64), 0);
	ck_assert_mem_eq(back, buf, 64);
	memset(back, 0, sizeof(back));
	tlm_payload_setup(&p, TLM_CMD_READ, RAM_BASE + 0x3000, back, 64);
	ck_assert_uint_eq(tlm_transport_dbg(bus_decode_target(&d), &p), 64);
	ck_assert_mem_eq(back, buf, 64);
	/* Running off the region's end is refused as one access. */
	tlm_payload_setup(&p, TLM_CMD_READ, RAM_BASE + 128 * 1024 - 32, back, 64);
	tlm_b_transport(bus_decode_target(&d), &p, &delay);
	ck_assert_int_eq(p.response, TLM_GENERIC_ERROR);
	ck_assert(d.last.violation);
	ck_assert_uint_eq(back[0], 0xff);

	/* Moved (a window reprogrammed): the old address is a master abort. */
	ck_assert_int_eq(bus_decode_move(&d, id, 0x100000000), 0);
	ck_assert_int_eq(bus_decode_read(&d, RAM_BASE + 0x2000, 4, &v, &res), 0);
	ck_assert(res.master_abort);
	ck_assert_int_eq(bus_decode_read(&d, 0x100002000, 4, &v, &res), 0);
	ck_assert_uint_eq(v, 0x04030201);
	ck_assert_int_eq(bus_decode_unmap(&d, id), 0);
	ck_assert_uint_eq(bus_decode_find(&d, 0x100002000, NULL), 0);
	ck_assert_uint_eq(d.stats.unsupported, 1);
	ck_assert_uint_eq(d.stats.rule_violations, 1);
	check_sum(&d);
	bus_decode_destroy(&d);
	bus_mem_destroy(&m);
}
END_TEST

/* ---- many regions, churn ---- */

START_TEST(thousand_regions)
{
	struct bus_decode d;
	struct regs r;
	uint64_t v, off;
	uint32_t ids[1000];

	regs_reset(&r);
	bus_decode_init(&d);
	for (unsigned i = 0; i < 1000; i++)
		ck_assert_int_eq(bus_decode_map(&d, 0x100000 + (uint64_t)i * 0x1000, 64, 0, &regs_any_ops, &r,
						"bar", &ids[i]), 0);
	ck_assert_uint_eq(d.niv, 1000);
	for (unsigned i = 0; i < 1000; i++) {
		ck_assert_uint_eq(bus_decode_find(&d, 0x100000 + (uint64_t)i * 0x1000 + 63, &off), ids[i]);
		ck_assert_uint_eq(off, 63);
		ck_assert_uint_eq(bus_decode_find(&d, 0x100000 + (uint64_t)i * 0x1000 + 64, NULL), 0);
	}
	for (unsigned i = 0; i < 1000; i += 2)
		ck_assert_int_eq(bus_decode_unmap(&d, ids[i]), 0);
	ck_assert_uint_eq(d.niv, 500);
	ck_assert_int_eq(bus_decode_read(&d, 0x100000, 4, &v, NULL), 0);
	ck_assert(d.last.master_abort);
	ck_assert_int_eq(bus_decode_read(&d, 0x101000, 4, &v, NULL), 0);
	ck_assert_uint_eq(v, 0x13121110);
	bus_decode_destroy(&d);
}
END_TEST

/* With a trace attached, every access that does not simply complete is an
 * instant event named after its outcome, stamped with the kernel's time;
 * accesses that complete leave no event. */
/* The whole of the trace file at @path (removed) in @text. */
static void slurp_trace(int fd, char *path, char *text, size_t size)
{
	FILE *f = fdopen(fd, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, size - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
}

START_TEST(failed_accesses_traced)
{
	struct bus_decode d;
	struct regs r;
	struct sim_ctrace t;
	struct sim_kernel k;
	uint32_t id, track;
	uint64_t v;
	char path[] = "/tmp/pcisim-decode-trace-XXXXXX";
	int fd = mkstemp(path);
	char text[8192];

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sim_kernel_init(&k, NULL), SIM_OK);
	ck_assert_int_eq(sim_run_until(&k, SIM_NS(7)), SIM_STOP_TIME);
	regs_reset(&r);
	r.ca_offset = 8;
	ck_assert_int_eq(bus_decode_init(&d), SIM_OK);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &regs_dword_ops, &r, "regs", &id), SIM_OK);
	ck_assert_int_eq(sim_ctrace_open(&t, path), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "bus", "decoder", &track), SIM_OK);
	bus_decode_set_trace(&d, &t, track, &k);
	ck_assert_int_eq(bus_decode_read(&d, 0x1000, 4, &v, NULL), SIM_OK);      /* OK: no event */
	ck_assert_int_eq(bus_decode_read(&d, 0x9000, 4, &v, NULL), SIM_OK);      /* master abort */
	ck_assert_int_eq(bus_decode_write(&d, 0x1008, 4, 1, NULL), SIM_OK);      /* CA */
	ck_assert_int_eq(bus_decode_read(&d, 0x1002, 2, &v, NULL), SIM_OK);      /* refused size */
	bus_decode_set_trace(&d, NULL, 0, NULL);
	ck_assert_int_eq(bus_decode_read(&d, 0x9000, 4, &v, NULL), SIM_OK);      /* off: no event */
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	slurp_trace(fd, path, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"master abort\""));
	ck_assert_ptr_nonnull(strstr(text, "\"addr\":\"0x9000\""));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"CA\""));
	ck_assert_ptr_nonnull(strstr(text, "\"region\":\"regs\""));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"refused access\""));
	ck_assert_ptr_nonnull(strstr(text, "\"ts\":0.007000"));
	/* Exactly three events: the OK access and the untraced one left none. */
	{
		unsigned events = 0;

		for (const char *q = text; (q = strstr(q, "\"ph\":\"i\"")) != NULL; q++)
			events++;
		ck_assert_uint_eq(events, 3);
	}
	bus_decode_destroy(&d);
	sim_kernel_destroy(&k);
}
END_TEST

/* A model that makes a bus access of its own from inside its write
 * callback (a doorbell that reads another region, an MSI whose delivery
 * touches a register): the outer access's result still describes the
 * outer access, with the outer model's status. */
struct nested {
	struct bus_decode *d;
	uint32_t inner_region;
	uint64_t inner_val;
};

static enum bus_decode_status nested_write(void *opaque, uint64_t off, unsigned size,
					   uint64_t val)
{
	struct nested *n = opaque;

	(void)off;
	(void)size;
	(void)val;
	/* a read that master-aborts, then one of the other region */
	ck_assert_int_eq(bus_decode_read(n->d, 0x9000, 4, &n->inner_val, NULL), 0);
	ck_assert_int_eq(bus_decode_read(n->d, 0x2000, 4, &n->inner_val, NULL), 0);
	return BUS_DECODE_CA;
}

static enum bus_decode_status nested_read(void *opaque, uint64_t off, unsigned size,
					  uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops nested_ops = {
	.read = nested_read, .write = nested_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

START_TEST(nested_access_keeps_outer_result)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct nested n = { .d = &d };
	struct regs r;
	uint32_t outer = 0;

	regs_reset(&r);
	bus_decode_init(&d);
	ck_assert_int_eq(bus_decode_map(&d, 0x1000, 64, 0, &nested_ops, &n, "doorbell", &outer), 0);
	ck_assert_int_eq(bus_decode_map(&d, 0x2000, 64, 0, &regs_any_ops, &r, "regs",
					&n.inner_region), 0);
	ck_assert_int_eq(bus_decode_write(&d, 0x1008, 4, 1, &res), 0);
	ck_assert_uint_eq(res.region, outer);
	ck_assert_uint_eq(res.offset, 8);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert(!res.master_abort);
	ck_assert_uint_eq(n.inner_val, 0x13121110u); /* the inner read did happen */
	ck_assert_uint_eq(d.stats.master_aborts, 1);
	bus_decode_destroy(&d);
}
END_TEST

/* The same through the TLM face, for a target region whose transport
 * makes a bus access of its own that master-aborts before it answers
 * with a completer abort: the face's access is traced as the target's
 * CA, not as the inner master abort. */
static void nested_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct nested *n = opaque;

	(void)delay_ps;
	ck_assert_int_eq(bus_decode_read(n->d, 0x9000, 4, &n->inner_val, NULL), 0);
	p->response = TLM_GENERIC_ERROR;
}

static const struct tlm_target_ops nested_target_ops = { .b_transport = nested_transport };

START_TEST(nested_transport_keeps_outer_result)
{
	struct bus_decode d;
	struct nested n = { .d = &d };
	struct tlm_target tgt;
	struct tlm_payload p;
	struct sim_ctrace t;
	uint32_t track, events = 0;
	uint8_t buf[4] = { 0 };
	sim_time_t delay = 0;
	char path[] = "/tmp/pcisim-decode-trace-XXXXXX";
	int fd = mkstemp(path);
	char text[8192];

	ck_assert_int_ge(fd, 0);
	tlm_target_init(&tgt, &nested_target_ops, &n);
	ck_assert_int_eq(bus_decode_init(&d), SIM_OK);
	ck_assert_int_eq(bus_decode_map_target(&d, 0x4000, 4096, 0, &tgt, "tgt", NULL), SIM_OK);
	ck_assert_int_eq(sim_ctrace_open(&t, path), SIM_OK);
	ck_assert_int_eq(sim_ctrace_track(&t, "bus", "decoder", &track), SIM_OK);
	bus_decode_set_trace(&d, &t, track, NULL);
	tlm_payload_setup(&p, TLM_CMD_READ, 0x4010, buf, sizeof(buf));
	tlm_b_transport(bus_decode_target(&d), &p, &delay);
	ck_assert_int_eq(p.response, TLM_GENERIC_ERROR);
	bus_decode_set_trace(&d, NULL, 0, NULL);
	ck_assert_int_eq(sim_ctrace_close(&t), SIM_OK);
	slurp_trace(fd, path, text, sizeof(text));
	ck_assert_uint_eq(d.stats.master_aborts, 1);
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"CA\""));
	ck_assert_ptr_nonnull(strstr(text, "\"addr\":\"0x4010\""));
	ck_assert_ptr_nonnull(strstr(text, "\"region\":\"tgt\""));
	for (const char *q = text; (q = strstr(q, "\"name\":\"master abort\"")) != NULL; q++)
		events++;
	ck_assert_uint_eq(events, 1); /* the inner read's, at 0x9000 */
	bus_decode_destroy(&d);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("bus:decode");
	TCase *tc;

	tc = tcase_create("lookup");
	tcase_add_loop_test(tc, lookup_matches_reference, 0, 4);
	tcase_add_test(tc, priorities_and_overlaps);
	tcase_add_test(tc, failed_accesses_traced);
	tcase_add_test(tc, map_argument_errors);
	tcase_add_test(tc, memory_space_disable);
	tcase_add_test(tc, thousand_regions);
	suite_add_tcase(s, tc);

	tc = tcase_create("access");
	tcase_add_test(tc, master_abort_all_ones);
	tcase_add_test(tc, completer_abort_and_ur_from_model);
	tcase_add_test(tc, invalid_size_and_misaligned_refused);
	tcase_add_test(tc, split_into_implemented_size);
	tcase_add_test(tc, crossing_access_refused);
	tcase_add_test(tc, nested_access_keeps_outer_result);
	tcase_add_test(tc, nested_transport_keeps_outer_result);
	suite_add_tcase(s, tc);

	tc = tcase_create("tlm");
	tcase_add_test(tc, tlm_face);
	tcase_add_test(tc, hostmem_region);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
