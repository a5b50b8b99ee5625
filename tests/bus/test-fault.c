/*
 * tests/bus/test-fault.c - Check tests of fault injection into the bus
 * address decoder (bus/fault.h): every fault kind on reads and writes of
 * 1, 2, 4 and 8 bytes over a register region that records writes; faults
 * over regions and holes; the latest of overlapping faults winning;
 * removal restoring what lies underneath; the counters and per-fault hits;
 * the completion timeout; the TLM face (register and host memory
 * regions); faults added by a timer at a chosen simulated time while
 * processes run, and timers cancelled before their time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/decode.h"
#include "bus/fault.h"
#include "bus/hostmem.h"
#include "sim/kernel.h"
#include "sim/tlm.h"

#define REG_BASE UINT64_C(0x1000)
#define RAM_BASE UINT64_C(0x100000)

/* ---- a register model: 64 bytes, counting the calls it saw ---- */

struct regs {
	uint8_t mem[64];
	unsigned reads;
	unsigned writes;
};

static void regs_reset(struct regs *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < sizeof(r->mem); i++)
		r->mem[i] = (uint8_t)(0x10 + i);
}

static enum bus_decode_status regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct regs *r = opaque;
	uint64_t v = 0;

	r->reads++;
	ck_assert_uint_le(off + size, sizeof(r->mem));
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)r->mem[off + i] << (8 * i);
	*val = v;
	return BUS_DECODE_OK;
}

static enum bus_decode_status regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct regs *r = opaque;

	r->writes++;
	ck_assert_uint_le(off + size, sizeof(r->mem));
	for (unsigned i = 0; i < size; i++)
		r->mem[off + i] = (uint8_t)(val >> (8 * i));
	return BUS_DECODE_OK;
}

static const struct bus_region_ops regs_ops = {
	.read = regs_read,
	.write = regs_write,
	.valid_sizes = 0, /* all */
	.unaligned = true,
};

/* What the regs read at @off for @size bytes without faults. */
static uint64_t regs_value(const struct regs *r, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)r->mem[off + i] << (8 * i);
	return v;
}

static uint64_t ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

/* The outcomes add up to the accesses (bus/decode.h). */
static void check_outcomes(const struct bus_decode *d)
{
	const struct bus_decode_stats *s = &d->stats;

	ck_assert_uint_eq(s->completed + s->master_aborts + s->unsupported + s->completer_aborts +
				  s->rule_violations + s->timeouts,
			  s->accesses);
	ck_assert_uint_eq(s->reads + s->writes, s->accesses);
}

static void setup_regs(struct bus_decode *d, struct regs *r, uint32_t *id)
{
	regs_reset(r);
	ck_assert_int_eq(bus_decode_init(d), 0);
	ck_assert_int_eq(bus_decode_map(d, REG_BASE, sizeof(r->mem), 0, &regs_ops, r, "regs", id), 0);
}

/* ---- each kind, reads and writes of every size ---- */

START_TEST(each_kind_reads_and_writes)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	const enum bus_fault_kind kind = (enum bus_fault_kind)_i;
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint32_t rid, fid;
	uint64_t v, hits = 0;

	setup_regs(&d, &r, &rid);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, kind, &fid), 0);
	ck_assert_uint_ne(fid, 0);
	for (unsigned i = 0; i < 4; i++) {
		const unsigned size = sizes[i];
		const uint64_t off = 8;
		uint8_t before[64];

		/* Read. */
		v = 0x5a;
		ck_assert_int_eq(bus_decode_read(&d, REG_BASE + off, size, &v, &res), 0);
		hits++;
		ck_assert_uint_eq(v, ones(size));
		ck_assert_uint_eq(r.reads, 0); /* no kind calls the model on a read */
		ck_assert_uint_eq(res.fault, fid);
		ck_assert(!res.violation);
		switch (kind) {
		case BUS_FAULT_UNSUPPORTED_REQUEST:
		case BUS_FAULT_COMPLETER_ABORT:
			ck_assert_int_eq(res.status, kind == BUS_FAULT_COMPLETER_ABORT ? BUS_DECODE_CA
											: BUS_DECODE_UR);
			ck_assert(!res.master_abort && !res.poisoned && !res.timeout);
			ck_assert_uint_eq(res.region, rid);
			ck_assert_uint_eq(res.offset, off);
			ck_assert_uint_eq(res.delay_ps, 0);
			break;
		case BUS_FAULT_POISONED:
			ck_assert_int_eq(res.status, BUS_DECODE_OK);
			ck_assert(res.poisoned && !res.timeout && !res.master_abort);
			ck_assert_uint_eq(res.region, rid);
			break;
		case BUS_FAULT_COMPLETION_TIMEOUT:
			ck_assert_int_eq(res.status, BUS_DECODE_UR);
			ck_assert(res.timeout && !res.poisoned && !res.master_abort);
			ck_assert_uint_eq(res.delay_ps, BUS_FAULT_TIMEOUT_DEFAULT_PS);
			ck_assert_uint_eq(res.delay_ps, SIM_MS(50));
			break;
		case BUS_FAULT_SURPRISE_REMOVAL:
			ck_assert_int_eq(res.status, BUS_DECODE_UR);
			ck_assert(res.master_abort && !res.poisoned && !res.timeout);
			ck_assert_uint_eq(res.region, 0);
			break;
		}

		/* Write. */
		memcpy(before, r.mem, sizeof(before));
		ck_assert_int_eq(bus_decode_write(&d, REG_BASE + off, size,
						  UINT64_C(0xa1a2a3a4a5a6a7a8), &res), 0);
		hits++;
		ck_assert_uint_eq(res.fault, fid);
		if (kind == BUS_FAULT_POISONED) {
			/* Delivered, flagged. */
			ck_assert_uint_eq(r.writes, i + 1);
			ck_assert_uint_eq(regs_value(&r, off, size),
					  UINT64_C(0xa1a2a3a4a5a6a7a8) & ones(size));
			ck_assert_int_eq(res.status, BUS_DECODE_OK);
			ck_assert(res.poisoned);
			ck_assert_uint_eq(res.region, rid);
		} else {
			/* Dropped. */
			ck_assert_uint_eq(r.writes, 0);
			ck_assert_mem_eq(r.mem, before, sizeof(before));
			ck_assert(!res.poisoned);
			ck_assert_int_ne(res.status, BUS_DECODE_OK);
			ck_assert_int_eq(res.status, kind == BUS_FAULT_COMPLETER_ABORT ? BUS_DECODE_CA
										      : BUS_DECODE_UR);
			ck_assert_int_eq(res.timeout, kind == BUS_FAULT_COMPLETION_TIMEOUT);
			ck_assert_int_eq(res.master_abort, kind == BUS_FAULT_SURPRISE_REMOVAL);
			ck_assert_uint_eq(res.delay_ps, 0); /* a posted write waits for nothing */
		}
		ck_assert_uint_eq(bus_fault_hits(&d, fid), hits);
	}
	check_outcomes(&d);
	ck_assert_uint_eq(d.stats.fault_hits, hits);
	ck_assert_uint_eq(d.stats.accesses, hits);
	bus_decode_destroy(&d);
}
END_TEST

/* Faults cover holes and partial accesses; a fault covering any byte acts. */
START_TEST(precedence_over_regions)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r, hi;
	uint32_t rid, hid, fid;
	uint64_t v;

	setup_regs(&d, &r, &rid);
	regs_reset(&hi);
	/* A higher priority region over part of the low one. */
	ck_assert_int_eq(bus_decode_map(&d, REG_BASE + 0x20, 16, 5, &regs_ops, &hi, "hi", &hid), 0);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE + 0x20, 8, BUS_FAULT_COMPLETER_ABORT, &fid), 0);

	/* Over the higher priority region: the fault answers. */
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x24, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_uint_eq(res.region, hid);
	ck_assert_uint_eq(res.offset, 4);
	ck_assert_uint_eq(hi.reads, 0);
	/* Next to the fault: the regions underneath as ever. */
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x28, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(res.fault, 0);
	ck_assert_uint_eq(res.region, hid);
	ck_assert_uint_eq(v, regs_value(&hi, 8, 4));
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x1c, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(res.region, rid);
	ck_assert_uint_eq(v, regs_value(&r, 0x1c, 4));
	/* An access whose last byte only is in the fault: the fault acts. */
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x1c, 8, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(res.fault, fid);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(bus_decode_write(&d, REG_BASE + 0x1f, 2, 0, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(r.writes + hi.writes, 0);

	/* A fault over a hole answers instead of the master abort. */
	ck_assert_int_eq(bus_fault_add(&d, 0x9000, 0x100, BUS_FAULT_UNSUPPORTED_REQUEST, NULL), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0x9010, 2, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert(!res.master_abort);
	ck_assert_uint_eq(res.region, 0);
	ck_assert_uint_eq(v, 0xffff);
	/* A fault at the very top of the address space. */
	ck_assert_int_eq(bus_fault_add(&d, UINT64_MAX - 3, 4, BUS_FAULT_POISONED, &fid), 0);
	ck_assert_int_eq(bus_decode_read(&d, UINT64_MAX, 1, &v, &res), 0);
	ck_assert(res.poisoned);
	ck_assert_uint_eq(res.fault, fid);
	check_outcomes(&d);
	ck_assert_uint_eq(d.stats.master_aborts, 0);
	bus_decode_destroy(&d);
}
END_TEST

/* Overlapping faults: the one added latest wins; removal uncovers the rest. */
START_TEST(overlap_latest_wins)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint32_t rid, ca, ur, gone;
	uint64_t v;

	setup_regs(&d, &r, &rid);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, BUS_FAULT_COMPLETER_ABORT, &ca), 0);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE + 0x10, 0x10, BUS_FAULT_UNSUPPORTED_REQUEST, &ur), 0);
	ck_assert_uint_gt(ur, ca);
	ck_assert_uint_eq(bus_fault_count(&d), 2);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	ck_assert_uint_eq(res.fault, ur);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(res.fault, ca);
	/* Spanning both: the latest covering any byte. */
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0xc, 8, &v, &res), 0);
	ck_assert_uint_eq(res.fault, ur);

	/* A surprise removal over everything, then gone again. */
	ck_assert_int_eq(bus_fault_add(&d, 0, UINT64_MAX, BUS_FAULT_SURPRISE_REMOVAL, &gone), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(res.fault, gone);
	ck_assert_int_eq(bus_fault_remove(&d, gone), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert_uint_eq(res.fault, ur);

	/* Removing the later one uncovers the earlier. */
	ck_assert_int_eq(bus_fault_remove(&d, ur), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(res.fault, ca);
	/* Re-adding the UR makes it the latest again. */
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE + 0x10, 0x10, BUS_FAULT_UNSUPPORTED_REQUEST, &ur), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_UR);
	/* And a CA added after it wins over it. */
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE + 0x10, 1, BUS_FAULT_COMPLETER_ABORT, &ca), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x10, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(res.fault, ca);
	ck_assert_uint_eq(r.reads, 0);
	bus_decode_destroy(&d);
}
END_TEST

/* Removing faults restores the region; argument errors change nothing. */
START_TEST(removal_restores_region)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	struct bus_fault_info info;
	uint32_t rid, fid, other;
	uint64_t v;

	setup_regs(&d, &r, &rid);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, BUS_FAULT_COMPLETION_TIMEOUT, &fid), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 4, 4, &v, &res), 0);
	ck_assert(res.timeout);
	ck_assert(d.last.timeout);
	ck_assert_int_eq(bus_fault_remove(&d, fid), 0);
	ck_assert_uint_eq(bus_fault_count(&d), 0);
	/* The result of the latest access no longer names the fault. */
	ck_assert(!d.last.timeout);
	ck_assert_uint_eq(d.last.fault, 0);
	ck_assert_uint_eq(d.last.delay_ps, 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 4, 4, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert(!res.timeout && !res.poisoned);
	ck_assert_uint_eq(res.fault, 0);
	ck_assert_uint_eq(v, regs_value(&r, 4, 4));
	ck_assert_int_eq(bus_decode_write(&d, REG_BASE + 4, 4, 0xcafe, &res), 0);
	ck_assert_uint_eq(regs_value(&r, 4, 4), 0xcafe);
	/* Gone for good: unknown id. */
	ck_assert_int_eq(bus_fault_remove(&d, fid), SIM_ERR_INVALID);
	ck_assert_uint_eq(bus_fault_hits(&d, fid), 0);
	ck_assert_int_eq(bus_fault_info(&d, fid, &info), SIM_ERR_INVALID);

	/* Argument errors. */
	ck_assert_int_eq(bus_fault_add(NULL, 0, 1, BUS_FAULT_POISONED, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_add(&d, 0, 0, BUS_FAULT_POISONED, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_add(&d, UINT64_MAX, 2, BUS_FAULT_POISONED, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_add(&d, 0, 1, (enum bus_fault_kind)BUS_FAULT_KINDS, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_remove(&d, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_remove(NULL, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_fault_set_timeout(&d, 0), SIM_ERR_INVALID);
	ck_assert_uint_eq(bus_fault_count(&d), 0);

	/* Ids are not reused; remove_all clears everything. */
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 1, BUS_FAULT_POISONED, &other), 0);
	ck_assert_uint_gt(other, fid);
	ck_assert_int_eq(bus_fault_info(&d, other, &info), 0);
	ck_assert_uint_eq(info.base, REG_BASE);
	ck_assert_uint_eq(info.size, 1);
	ck_assert_int_eq(info.kind, BUS_FAULT_POISONED);
	ck_assert_uint_eq(info.activated_ps, SIM_TIME_MAX);
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, BUS_FAULT_SURPRISE_REMOVAL, NULL), 0);
	bus_fault_remove_all(&d);
	ck_assert_uint_eq(bus_fault_count(&d), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE, 8, &v, &res), 0);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(v, regs_value(&r, 0, 8));
	ck_assert_str_eq(bus_fault_kind_name(BUS_FAULT_COMPLETION_TIMEOUT), "TIMEOUT");
	ck_assert_str_eq(bus_fault_kind_name((enum bus_fault_kind)99), "UNKNOWN");
	bus_decode_destroy(&d);
}
END_TEST

/* Counters: per fault, and the decoder's. */
START_TEST(counters_and_hits)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint32_t rid, f[BUS_FAULT_KINDS];
	uint64_t v;

	setup_regs(&d, &r, &rid);
	/* Five disjoint faults of 8 bytes, one per kind. */
	for (unsigned k = 0; k < BUS_FAULT_KINDS; k++)
		ck_assert_int_eq(bus_fault_add(&d, REG_BASE + 8 * k, 8, (enum bus_fault_kind)k, &f[k]), 0);
	for (unsigned k = 0; k < BUS_FAULT_KINDS; k++) {
		for (unsigned n = 0; n <= k; n++)
			ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 8 * k, 4, &v, NULL), 0);
		ck_assert_int_eq(bus_decode_write(&d, REG_BASE + 8 * k + 4, 4, 1, NULL), 0);
	}
	/* Three plain accesses beside the faults. */
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE + 0x30, 4, &v, &res), 0);
	ck_assert_uint_eq(res.fault, 0);
	ck_assert_int_eq(bus_decode_write(&d, REG_BASE + 0x30, 4, 7, NULL), 0);
	ck_assert_int_eq(bus_decode_read(&d, 0x8000, 4, &v, NULL), 0); /* master abort */
	for (unsigned k = 0; k < BUS_FAULT_KINDS; k++)
		ck_assert_uint_eq(bus_fault_hits(&d, f[k]), k + 2);
	ck_assert_uint_eq(d.stats.accesses, 15 + 5 + 3);
	ck_assert_uint_eq(d.stats.fault_hits, 20);
	ck_assert_uint_eq(d.stats.reads, 15 + 2);
	ck_assert_uint_eq(d.stats.writes, 5 + 1);
	/* UR: 2, CA: 3, poisoned: 3 reads + 1 write completed, timeout: 5,
	 * removal: 6 master aborts, plus the plain ones. */
	ck_assert_uint_eq(d.stats.unsupported, 2);
	ck_assert_uint_eq(d.stats.completer_aborts, 3);
	ck_assert_uint_eq(d.stats.poisoned, 4);
	ck_assert_uint_eq(d.stats.timeouts, 5);
	ck_assert_uint_eq(d.stats.master_aborts, 6 + 1);
	ck_assert_uint_eq(d.stats.completed, 4 + 2);
	ck_assert_uint_eq(d.stats.rule_violations, 0);
	check_outcomes(&d);
	ck_assert_uint_eq(r.writes, 2); /* the poisoned write and the plain one */
	bus_decode_reset_stats(&d);
	ck_assert_uint_eq(d.stats.fault_hits, 0);
	ck_assert_uint_eq(bus_fault_hits(&d, f[0]), 2); /* per fault: not reset */
	bus_decode_destroy(&d);
}
END_TEST

/* The completion timeout is the decoder's, and settable. */
START_TEST(timeout_configurable)
{
	struct bus_decode d;
	struct bus_decode_result res;
	struct regs r;
	uint32_t rid;
	uint64_t v;

	setup_regs(&d, &r, &rid);
	ck_assert_uint_eq(bus_fault_timeout(&d), SIM_MS(50));
	ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, BUS_FAULT_COMPLETION_TIMEOUT, NULL), 0);
	ck_assert_int_eq(bus_fault_set_timeout(&d, SIM_US(50)), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE, 2, &v, &res), 0);
	ck_assert_uint_eq(res.delay_ps, SIM_US(50));
	ck_assert_uint_eq(v, 0xffff);
	bus_decode_destroy(&d);
	/* init brings the default back */
	ck_assert_int_eq(bus_decode_init(&d), 0);
	ck_assert_uint_eq(bus_fault_timeout(&d), BUS_FAULT_TIMEOUT_DEFAULT_PS);
	bus_decode_destroy(&d);
}
END_TEST

/* ---- the TLM face ---- */

static enum tlm_response face_io(struct bus_decode *d, enum tlm_command cmd, uint64_t addr,
				 uint8_t *buf, uint32_t len, sim_time_t *delay)
{
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, cmd, addr, buf, len);
	tlm_b_transport(bus_decode_target(d), &p, delay);
	return p.response;
}

START_TEST(tlm_face_responses)
{
	static const struct bus_mem_range ram = { 0, 64 * 1024 };
	static const enum tlm_response want[BUS_FAULT_KINDS] = {
		[BUS_FAULT_UNSUPPORTED_REQUEST] = TLM_ADDRESS_ERROR,
		[BUS_FAULT_COMPLETER_ABORT] = TLM_GENERIC_ERROR,
		[BUS_FAULT_POISONED] = TLM_GENERIC_ERROR,
		[BUS_FAULT_COMPLETION_TIMEOUT] = TLM_ADDRESS_ERROR,
		[BUS_FAULT_SURPRISE_REMOVAL] = TLM_ADDRESS_ERROR,
	};
	struct bus_mem_config cfg;
	struct bus_mem m;
	struct bus_decode d;
	struct regs r;
	struct tlm_payload p;
	uint32_t rid, fid;
	uint8_t buf[128], back[64];
	sim_time_t delay;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ranges = &ram;
	cfg.n_ranges = 1;
	ck_assert_int_eq(bus_mem_init(&m, &cfg), 0);
	setup_regs(&d, &r, &rid);
	ck_assert_int_eq(bus_decode_map_target(&d, RAM_BASE, 64 * 1024, 0, bus_mem_target(&m), "ram", NULL), 0);

	for (unsigned k = 0; k < BUS_FAULT_KINDS; k++) {
		const enum bus_fault_kind kind = (enum bus_fault_kind)k;
		const sim_time_t t0 = SIM_NS(7);
		const sim_time_t wait = kind == BUS_FAULT_COMPLETION_TIMEOUT ? SIM_MS(50) : 0;
		uint32_t fram;

		regs_reset(&r);
		ck_assert_int_eq(bus_mem_write(&m, 0x100, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
		ck_assert_int_eq(bus_fault_add(&d, REG_BASE, 64, kind, &fid), 0);
		ck_assert_int_eq(bus_fault_add(&d, RAM_BASE + 0x100, 16, kind, &fram), 0);

		/* A register read and write. */
		memset(buf, 0x11, sizeof(buf));
		delay = t0;
		ck_assert_int_eq(face_io(&d, TLM_CMD_READ, REG_BASE + 4, buf, 4, &delay), want[k]);
		ck_assert_uint_eq(buf[0], 0xff);
		ck_assert_uint_eq(buf[3], 0xff);
		ck_assert_uint_eq(buf[4], 0x11);
		ck_assert_uint_eq(delay, t0 + wait);
		ck_assert_uint_eq(d.last.fault, fid);
		memset(buf, 0x77, 4);
		delay = t0;
		ck_assert_int_eq(face_io(&d, TLM_CMD_WRITE, REG_BASE + 4, buf, 4, &delay), want[k]);
		ck_assert_uint_eq(delay, t0); /* a posted write waits for nothing */
		ck_assert_uint_eq(r.writes, kind == BUS_FAULT_POISONED);
		ck_assert_uint_eq(regs_value(&r, 4, 4), kind == BUS_FAULT_POISONED ? 0x77777777u : 0x17161514u);
		ck_assert_uint_eq(r.reads, 0);

		/* A burst into host memory overlapping the fault by one byte. */
		memset(buf, 0x11, sizeof(buf));
		delay = 0;
		ck_assert_int_eq(face_io(&d, TLM_CMD_READ, RAM_BASE + 0xc0, buf, 0x41, &delay), want[k]);
		for (unsigned i = 0; i < 0x41; i++)
			ck_assert_msg(buf[i] == 0xff, "byte %u", i);
		ck_assert_uint_eq(delay, wait);
		memset(buf, 0x5a, sizeof(buf));
		ck_assert_int_eq(face_io(&d, TLM_CMD_WRITE, RAM_BASE + 0x100, buf, 8, &delay), want[k]);
		ck_assert_int_eq(bus_mem_read(&m, 0x100, back, 8), 0);
		ck_assert_uint_eq(back[0], kind == BUS_FAULT_POISONED ? 0x5a : 0x01);
		ck_assert_uint_eq(back[7], kind == BUS_FAULT_POISONED ? 0x5a : 0x08);
		ck_assert_int_eq(d.last.poisoned, kind == BUS_FAULT_POISONED);
		ck_assert_uint_eq(bus_fault_hits(&d, fram), 2);
		ck_assert_uint_eq(bus_fault_hits(&d, fid), 2);

		/* Beside the fault, host memory as ever. */
		ck_assert_int_eq(face_io(&d, TLM_CMD_READ, RAM_BASE + 0x110, buf, 4, &delay), TLM_OK);
		ck_assert_uint_eq(d.last.fault, 0);

		/* Ignore and debug transport see only a removal. */
		tlm_payload_init(&p);
		tlm_payload_setup(&p, TLM_CMD_IGNORE, REG_BASE, buf, 4);
		tlm_b_transport(bus_decode_target(&d), &p, &delay);
		ck_assert_int_eq(p.response,
				 kind == BUS_FAULT_SURPRISE_REMOVAL ? TLM_ADDRESS_ERROR : TLM_OK);
		tlm_payload_setup(&p, TLM_CMD_READ, RAM_BASE + 0x100, buf, 8);
		ck_assert_uint_eq(tlm_transport_dbg(bus_decode_target(&d), &p),
				  kind == BUS_FAULT_SURPRISE_REMOVAL ? 0 : 8);
		check_outcomes(&d);

		ck_assert_int_eq(bus_fault_remove(&d, fid), 0);
		ck_assert_int_eq(bus_fault_remove(&d, fram), 0);
		ck_assert_int_eq(face_io(&d, TLM_CMD_READ, REG_BASE + 4, buf, 4, &delay), TLM_OK);
	}
	bus_decode_destroy(&d);
	bus_mem_destroy(&m);
}
END_TEST

/* ---- injection at a chosen simulated time ---- */

struct probe {
	struct sim_kernel *k;
	struct bus_decode *d;
	struct bus_fault_timer *t;
	unsigned n;
	sim_time_t at[8];
	uint64_t val[8];
	struct bus_decode_result res[8];
	bool cancel_at_1us;
};

static void probe_read(struct probe *pr)
{
	ck_assert_uint_lt(pr->n, 8);
	pr->at[pr->n] = sim_now(pr->k);
	ck_assert_int_eq(bus_decode_read(pr->d, REG_BASE + 8, 4, &pr->val[pr->n], &pr->res[pr->n]), 0);
	pr->n++;
}

/* A thread: reads at 0, 4 us, 5 us (the time of the injection) and 6 us. */
static void probe_thread(void *opaque)
{
	struct probe *pr = opaque;

	probe_read(pr);
	ck_assert_int_eq(sim_wait_time(pr->k, SIM_US(4)), 0);
	probe_read(pr);
	ck_assert_int_eq(sim_wait_time(pr->k, SIM_US(1)), 0);
	probe_read(pr);
	ck_assert_int_eq(sim_wait_time(pr->k, SIM_US(1)), 0);
	probe_read(pr);
}

/* A method: reads every microsecond up to 7 us; may cancel the timer at 1 us. */
static void probe_method(void *opaque)
{
	struct probe *pr = opaque;

	if (pr->cancel_at_1us && sim_now(pr->k) == SIM_US(1))
		ck_assert(bus_fault_timer_cancel(pr->t));
	probe_read(pr);
	if (sim_now(pr->k) < SIM_US(7))
		ck_assert_int_eq(sim_next_trigger_time(pr->k, SIM_US(1)), 0);
}

static void kernel_up(struct sim_kernel *k)
{
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	ck_assert_int_eq(sim_kernel_init(k, &cfg), SIM_OK);
}

START_TEST(scheduled_injection_thread)
{
	struct sim_kernel k;
	struct sim_proc thr;
	struct bus_decode d;
	struct bus_fault_timer t;
	struct bus_fault_info info;
	struct probe pr;
	struct regs r;
	uint32_t rid;

	kernel_up(&k);
	setup_regs(&d, &r, &rid);
	memset(&pr, 0, sizeof(pr));
	pr.k = &k;
	pr.d = &d;
	/* Scheduled before the thread first waits: at 5 us it fires first. */
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_US(5), REG_BASE, 64,
					    BUS_FAULT_SURPRISE_REMOVAL, &t), 0);
	ck_assert(bus_fault_timer_pending(&t));
	ck_assert(!t.fired);
	ck_assert_int_eq(sim_thread_init(&k, &thr, "probe", probe_thread, &pr, 0, 0), 0);
	sim_run_until(&k, SIM_US(10));
	ck_assert_uint_eq(pr.n, 4);
	ck_assert_uint_eq(pr.at[0], 0);
	ck_assert_uint_eq(pr.at[1], SIM_US(4));
	ck_assert_uint_eq(pr.at[2], SIM_US(5));
	ck_assert_uint_eq(pr.at[3], SIM_US(6));
	/* Before: the register. */
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(pr.res[i].status, BUS_DECODE_OK);
		ck_assert_uint_eq(pr.val[i], regs_value(&r, 8, 4));
	}
	/* From the time on: removed. */
	for (unsigned i = 2; i < 4; i++) {
		ck_assert(pr.res[i].master_abort);
		ck_assert_uint_eq(pr.res[i].fault, t.id);
		ck_assert_uint_eq(pr.val[i], 0xffffffffu);
	}
	ck_assert(t.fired);
	ck_assert_int_eq(t.err, 0);
	ck_assert_uint_ne(t.id, 0);
	ck_assert_uint_eq(t.fired_ps, SIM_US(5));
	ck_assert(!bus_fault_timer_pending(&t));
	ck_assert(!bus_fault_timer_cancel(&t)); /* too late: the fault stays */
	ck_assert_int_eq(bus_fault_info(&d, t.id, &info), 0);
	ck_assert_uint_eq(info.activated_ps, SIM_US(5));
	ck_assert_uint_eq(info.hits, 2);
	ck_assert_uint_eq(info.size, 64);
	ck_assert_int_eq(info.kind, BUS_FAULT_SURPRISE_REMOVAL);

	/* A time in the past is refused; the timer can be used again. */
	bus_fault_timer_destroy(&t);
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_US(1), REG_BASE, 64,
					    BUS_FAULT_POISONED, &t), SIM_ERR_INVALID);
	ck_assert(!bus_fault_timer_pending(&t));
	bus_fault_timer_destroy(&t);
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_US(20), REG_BASE, 0,
					    BUS_FAULT_POISONED, &t), SIM_ERR_INVALID);
	bus_fault_timer_destroy(&t);
	ck_assert_int_eq(bus_fault_schedule(NULL, &k, SIM_US(20), REG_BASE, 1,
					    BUS_FAULT_POISONED, &t), SIM_ERR_INVALID);
	bus_fault_timer_destroy(&t);
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_US(20), REG_BASE, 1,
					    BUS_FAULT_POISONED, &t), 0);
	sim_run_until(&k, SIM_US(30));
	ck_assert(t.fired);
	ck_assert_uint_eq(t.fired_ps, SIM_US(20));
	ck_assert_uint_eq(bus_fault_count(&d), 2);
	bus_fault_timer_destroy(&t);
	sim_kernel_destroy(&k);
	bus_decode_destroy(&d);
}
END_TEST

START_TEST(scheduled_injection_method_and_cancel)
{
	struct sim_kernel k;
	struct sim_proc meth;
	struct bus_decode d;
	struct bus_fault_timer t;
	struct probe pr;
	struct regs r;
	uint32_t rid;
	const bool cancel = _i == 1;

	kernel_up(&k);
	setup_regs(&d, &r, &rid);
	memset(&pr, 0, sizeof(pr));
	pr.k = &k;
	pr.d = &d;
	pr.t = &t;
	pr.cancel_at_1us = cancel;
	ck_assert_int_eq(sim_method_init(&k, &meth, "probe", probe_method, &pr, 0), 0);
	/* Scheduled after the method's first trigger: at 3 us the method may
	 * run first, so the read at 3 us is not checked; 2 us and 4 us are. */
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_US(3), REG_BASE + 8, 4,
					    BUS_FAULT_COMPLETER_ABORT, &t), 0);
	sim_run_until(&k, SIM_US(10));
	ck_assert_uint_eq(pr.n, 8);
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_uint_eq(pr.at[i], SIM_US(i));
		if (i == 3)
			continue;
		if (i < 3 || cancel) {
			ck_assert_int_eq(pr.res[i].status, BUS_DECODE_OK);
			ck_assert_uint_eq(pr.val[i], regs_value(&r, 8, 4));
		} else {
			ck_assert_int_eq(pr.res[i].status, BUS_DECODE_CA);
			ck_assert_uint_eq(pr.val[i], 0xffffffffu);
		}
	}
	ck_assert_int_eq(t.fired, !cancel);
	ck_assert_uint_eq(bus_fault_count(&d), cancel ? 0 : 1);
	if (cancel) {
		ck_assert_uint_eq(t.id, 0);
		ck_assert_uint_eq(d.stats.fault_hits, 0);
	} else {
		ck_assert_uint_eq(t.fired_ps, SIM_US(3));
		ck_assert_uint_ge(bus_fault_hits(&d, t.id), 4);
	}
	ck_assert(!bus_fault_timer_cancel(&t));
	bus_fault_timer_destroy(&t);
	sim_kernel_destroy(&k);
	bus_decode_destroy(&d);
}
END_TEST

/* Cancelled before the run: nothing ever happens. */
START_TEST(cancel_before_run)
{
	struct sim_kernel k;
	struct bus_decode d;
	struct bus_fault_timer t;
	struct regs r;
	uint32_t rid;
	uint64_t v;

	kernel_up(&k);
	setup_regs(&d, &r, &rid);
	ck_assert_int_eq(bus_fault_schedule(&d, &k, SIM_NS(100), REG_BASE, 64,
					    BUS_FAULT_UNSUPPORTED_REQUEST, &t), 0);
	ck_assert(bus_fault_timer_cancel(&t));
	ck_assert(!bus_fault_timer_pending(&t));
	ck_assert(!bus_fault_timer_cancel(&t));
	sim_run_until(&k, SIM_US(1));
	ck_assert_uint_eq(sim_now(&k), SIM_US(1));
	ck_assert(!t.fired);
	ck_assert_uint_eq(bus_fault_count(&d), 0);
	ck_assert_int_eq(bus_decode_read(&d, REG_BASE, 4, &v, NULL), 0);
	ck_assert_uint_eq(v, regs_value(&r, 0, 4));
	bus_fault_timer_destroy(&t);
	sim_kernel_destroy(&k);
	bus_decode_destroy(&d);
}
END_TEST

static Suite *fault_suite(void)
{
	Suite *s = suite_create("bus:fault");
	TCase *tc;

	tc = tcase_create("access");
	tcase_add_loop_test(tc, each_kind_reads_and_writes, 0, BUS_FAULT_KINDS);
	tcase_add_test(tc, precedence_over_regions);
	tcase_add_test(tc, overlap_latest_wins);
	tcase_add_test(tc, removal_restores_region);
	tcase_add_test(tc, counters_and_hits);
	tcase_add_test(tc, timeout_configurable);
	suite_add_tcase(s, tc);

	tc = tcase_create("tlm");
	tcase_add_test(tc, tlm_face_responses);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedule");
	tcase_add_test(tc, scheduled_injection_thread);
	tcase_add_loop_test(tc, scheduled_injection_method_and_cancel, 0, 2);
	tcase_add_test(tc, cancel_before_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fault_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
