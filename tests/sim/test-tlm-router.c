/*
 * tests/sim/test-tlm-router.c - Check tests of the address decoder of
 * sim/tlm-router.h: decoding, base stripping and restoring, refusals,
 * debug transport, DMI through the router and the translation of DMI
 * invalidations back to the initiator. The layout is the transport
 * benchmark's: four 64 KiB memories at 0x0, 0x10000, 0x20000, 0x30000.
 * Needs no kernel.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/random.h"
#include "sim/tlm-memory.h"
#include "sim/tlm-router.h"
#include "sim/tlm.h"

#define NT 4
#define WIN 0x10000u
#define LAT_PS 10000u
#define PER_BYTE_PS 125u

static struct tlm_memory mem[NT];
static struct tlm_router rt;

static void setup(void)
{
	ck_assert_int_eq(tlm_router_init(&rt), SIM_OK);
	for (unsigned i = 0; i < NT; i++) {
		ck_assert_int_eq(tlm_memory_init(&mem[i], WIN, LAT_PS, PER_BYTE_PS), SIM_OK);
		ck_assert_int_eq(tlm_router_map(&rt, (uint64_t)i * WIN, WIN, tlm_memory_target(&mem[i])),
				 SIM_OK);
	}
}

static void teardown(void)
{
	tlm_router_destroy(&rt);
	for (unsigned i = 0; i < NT; i++)
		tlm_memory_destroy(&mem[i]);
}

/* One b_transport through @t; returns the status, adds to *@delay. */
static enum tlm_response xfer(struct tlm_target *t, enum tlm_command cmd, uint64_t addr,
			      void *data, uint32_t len, sim_time_t *delay)
{
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, cmd, addr, data, len);
	tlm_b_transport(t, &p, delay);
	ck_assert_uint_eq(p.address, addr); /* restored on the way back */
	return p.response;
}

/* An initiator's record of invalidations. */
#define MAX_INV 16
struct initiator {
	struct tlm_dmi_listener l;
	int n;
	uint64_t start[MAX_INV], end[MAX_INV];
};

static void initiator_invalidate(void *opaque, uint64_t start, uint64_t end)
{
	struct initiator *in = opaque;

	ck_assert_int_lt(in->n, MAX_INV);
	in->start[in->n] = start;
	in->end[in->n] = end;
	in->n++;
}

static void initiator_attach(struct initiator *in, struct tlm_target *t)
{
	memset(in, 0, sizeof(*in));
	tlm_dmi_listener_init(&in->l, initiator_invalidate, in);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &in->l), SIM_OK);
}

static void initiator_detach(struct initiator *in)
{
	if (tlm_dmi_listener_target(&in->l) != NULL)
		ck_assert_int_eq(tlm_target_remove_dmi_listener(tlm_dmi_listener_target(&in->l), &in->l),
				 SIM_OK);
}

/* ------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------ */

START_TEST(decode_strips_and_restores_base)
{
	struct tlm_target *up = tlm_router_target(&rt);

	for (unsigned i = 0; i < NT; i++) {
		uint32_t v = 0x11111111u * (i + 1), r = 0;
		uint64_t a = (uint64_t)i * WIN + 0x10;
		sim_time_t d = 0;

		ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, a, &v, 4, &d), TLM_OK);
		ck_assert_mem_eq(mem[i].data + 0x10, &v, 4); /* the target saw 0x10 */
		ck_assert_int_eq(xfer(up, TLM_CMD_READ, a, &r, 4, &d), TLM_OK);
		ck_assert_uint_eq(r, v);
		/* The router adds no time of its own. */
		ck_assert_uint_eq(d, 2 * (LAT_PS + 4 * PER_BYTE_PS));
	}
	ck_assert_uint_eq(rt.decode_errors, 0);
	/* The last and first bytes of adjacent windows go to their own targets. */
	uint8_t b = 0xaa;
	sim_time_t d = 0;
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, WIN - 1, &b, 1, &d), TLM_OK);
	b = 0xbb;
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, WIN, &b, 1, &d), TLM_OK);
	ck_assert_uint_eq(mem[0].data[WIN - 1], 0xaa);
	ck_assert_uint_eq(mem[1].data[0], 0xbb);
}
END_TEST

START_TEST(decode_uses_table_for_aligned_windows)
{
	uint64_t off = 0;

	/* Four aligned 64 KiB windows fit a four-entry table. */
	ck_assert_ptr_nonnull(rt.lut);
	ck_assert_uint_eq(rt.lut_len, 4);
	ck_assert_ptr_eq(tlm_router_find(&rt, 0x3fffc, &off), tlm_memory_target(&mem[3]));
	ck_assert_uint_eq(off, 0xfffc);
	ck_assert_ptr_eq(tlm_router_find(&rt, 0, NULL), tlm_memory_target(&mem[0]));
	ck_assert_ptr_null(tlm_router_find(&rt, 0x40000, NULL));
	ck_assert_ptr_null(tlm_router_find(&rt, UINT64_MAX, NULL));
}
END_TEST

START_TEST(unmapped_is_address_error)
{
	struct tlm_target *up = tlm_router_target(&rt);
	uint32_t v = 0;
	sim_time_t d = 123;
	struct tlm_payload p;

	ck_assert_int_eq(xfer(up, TLM_CMD_READ, 0x40000, &v, 4, &d), TLM_ADDRESS_ERROR);
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, 0xffffffff00000000ull, &v, 4, &d),
			 TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(d, 123);
	ck_assert_uint_eq(rt.decode_errors, 2);
	/* An ignore probe finds out the same way. */
	tlm_payload_init(&p);
	p.address = 0x50000;
	tlm_b_transport(up, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	p.address = 0x30000;
	tlm_b_transport(up, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(d, 123);
}
END_TEST

START_TEST(crossing_a_window_end_is_refused)
{
	struct tlm_target *up = tlm_router_target(&rt);
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	sim_time_t d = 0;

	/* Not split across two targets: refused, nothing written. */
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, WIN - 4, buf, 8, &d), TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(mem[0].data[WIN - 4], 0);
	ck_assert_uint_eq(mem[1].data[0], 0);
	ck_assert_uint_eq(rt.decode_errors, 1);

	/* A window smaller than its target does not expose the rest. */
	struct tlm_memory big;
	ck_assert_int_eq(tlm_memory_init(&big, 0x10000, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&rt, 0x100000, 0x1000, tlm_memory_target(&big)), SIM_OK);
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, 0x100ffc, buf, 4, &d), TLM_OK);
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, 0x100ffe, buf, 4, &d), TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(big.data[0x1000], 0);
	/* A streaming burst only needs its width inside. */
	struct tlm_payload p;
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x100ffe, buf, 8);
	tlm_payload_set_streaming_width(&p, 2);
	tlm_b_transport(up, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(big.data[0xffe], 7);
	ck_assert_uint_eq(big.data[0xfff], 8);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x100000), SIM_OK);
	tlm_memory_destroy(&big);
}
END_TEST

START_TEST(map_refuses_overlaps_and_bad_windows)
{
	struct tlm_memory m;
	struct tlm_target *t;

	ck_assert_int_eq(tlm_memory_init(&m, 0x1000, 0, 0), SIM_OK);
	t = tlm_memory_target(&m);
	/* Windows are [0, 0x40000). */
	ck_assert_int_eq(tlm_router_map(&rt, 0x0, 0x1000, t), SIM_ERR_INVALID);      /* same base */
	ck_assert_int_eq(tlm_router_map(&rt, 0x18000, 0x1000, t), SIM_ERR_INVALID);  /* inside */
	ck_assert_int_eq(tlm_router_map(&rt, 0x3f000, 0x2000, t), SIM_ERR_INVALID);  /* tail */
	ck_assert_int_eq(tlm_router_map(&rt, 0x3ffff, 0x10, t), SIM_ERR_INVALID);    /* last byte */
	ck_assert_int_eq(tlm_router_map(&rt, 0x0, 0x100000, t), SIM_ERR_INVALID);    /* covers all */
	ck_assert_int_eq(tlm_router_map(&rt, 0x50000, 0, t), SIM_ERR_INVALID);       /* empty */
	ck_assert_int_eq(tlm_router_map(&rt, UINT64_MAX, 2, t), SIM_ERR_INVALID);    /* wraps */
	ck_assert_int_eq(tlm_router_map(&rt, 0x50000, 0x1000, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_router_map(NULL, 0x50000, 0x1000, t), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_router_map(&rt, 0x50000, 0x1000, tlm_router_target(&rt)),
			 SIM_ERR_INVALID);
	ck_assert_uint_eq(rt.nwin, NT);
	/* Refusals registered nothing with the target. */
	ck_assert_ptr_null(m.target.lhead);

	/* Touching but not overlapping is fine, on both sides, and the very
	 * top of the address space can be mapped. */
	ck_assert_int_eq(tlm_router_map(&rt, 0x40000, 0x1000, t), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&rt, UINT64_MAX - 0xfff, 0x1000, t), SIM_OK);
	ck_assert_ptr_eq(tlm_router_find(&rt, UINT64_MAX, NULL), t);
	ck_assert_ptr_eq(tlm_router_find(&rt, 0x40fff, NULL), t);
	ck_assert_ptr_null(tlm_router_find(&rt, 0x41000, NULL));
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x40000), SIM_OK);
	ck_assert_int_eq(tlm_router_unmap(&rt, UINT64_MAX - 0xfff), SIM_OK);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x40000), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x10), SIM_ERR_INVALID); /* not a base */
	ck_assert_ptr_null(m.target.lhead);
	tlm_memory_destroy(&m);
}
END_TEST

/* Brute force: the window containing @a, from the router's own array. */
static struct tlm_target *linear_find(const struct tlm_router *r, uint64_t a)
{
	for (uint32_t i = 0; i < r->nwin; i++) {
		if (a >= r->win[i].base && a - r->win[i].base <= r->win[i].last_off)
			return r->win[i].target;
	}
	return NULL;
}

/* Random layouts, table or search, agree with the brute force, including
 * at every window edge. */
static void check_decode_against_linear(struct tlm_router *r, struct sim_rng *rng)
{
	for (uint32_t i = 0; i < r->nwin; i++) {
		uint64_t b = r->win[i].base, l = b + r->win[i].last_off;
		uint64_t probes[4] = { b, l, b - 1, l + 1 };

		for (unsigned j = 0; j < 4; j++)
			ck_assert_ptr_eq(tlm_router_find(r, probes[j], NULL), linear_find(r, probes[j]));
	}
	for (unsigned n = 0; n < 500; n++) {
		uint64_t a = sim_rng_below(rng, 0x400000);

		ck_assert_ptr_eq(tlm_router_find(r, a, NULL), linear_find(r, a));
	}
}

START_TEST(decode_random_layouts)
{
	struct tlm_memory m;
	struct sim_rng rng;

	sim_rng_seed(&rng, 7);
	ck_assert_int_eq(tlm_memory_init(&m, 16, 0, 0), SIM_OK);
	for (unsigned layout = 0; layout < 20; layout++) {
		struct tlm_router r;
		bool table = layout % 2 == 0;

		ck_assert_int_eq(tlm_router_init(&r), SIM_OK);
		/* Even layouts: 4 KiB aligned in 4 MiB (a table); odd: byte
		 * granular (a search). Mapped in random order. */
		for (unsigned w = 0; w < 40; w++) {
			uint64_t base, size;

			if (table) {
				base = sim_rng_below(&rng, 1024) << 12;
				size = (1 + sim_rng_below(&rng, 16)) << 12;
			} else {
				base = sim_rng_below(&rng, 0x400000);
				size = 1 + sim_rng_below(&rng, 0x10000);
			}
			int err = tlm_router_map(&r, base, size, tlm_memory_target(&m));
			ck_assert(err == SIM_OK || err == SIM_ERR_INVALID);
		}
		ck_assert_uint_gt(r.nwin, 0);
		for (uint32_t i = 1; i < r.nwin; i++)
			ck_assert_uint_gt(r.win[i].base, r.win[i - 1].base + r.win[i - 1].last_off);
		if (table)
			ck_assert_ptr_nonnull(r.lut);
		check_decode_against_linear(&r, &rng);
		/* Remove every other window and check again. */
		uint64_t bases[64];
		uint32_t nb = 0;
		for (uint32_t i = 0; i < r.nwin; i += 2)
			bases[nb++] = r.win[i].base;
		for (uint32_t i = 0; i < nb; i++)
			ck_assert_int_eq(tlm_router_unmap(&r, bases[i]), SIM_OK);
		check_decode_against_linear(&r, &rng);
		tlm_router_destroy(&r);
	}
	ck_assert_ptr_null(m.target.lhead);
	tlm_memory_destroy(&m);
}
END_TEST

START_TEST(decode_sparse_windows_use_search)
{
	struct tlm_memory a, b, c;
	struct tlm_router r;

	ck_assert_int_eq(tlm_memory_init(&a, 0x100, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_memory_init(&b, 0x1000, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_memory_init(&c, 0x10000, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_router_init(&r), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&r, 1ull << 40, 0x10000, tlm_memory_target(&c)), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&r, 0x1000, 0x1000, tlm_memory_target(&b)), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&r, 0, 0x100, tlm_memory_target(&a)), SIM_OK);
	ck_assert_ptr_null(r.lut);

	uint32_t v = 0xcafef00d, out = 0;
	sim_time_t d = 0;
	ck_assert_int_eq(xfer(tlm_router_target(&r), TLM_CMD_WRITE, (1ull << 40) + 0x20, &v, 4, &d),
			 TLM_OK);
	ck_assert_mem_eq(c.data + 0x20, &v, 4);
	ck_assert_int_eq(xfer(tlm_router_target(&r), TLM_CMD_READ, (1ull << 40) + 0x20, &out, 4, &d),
			 TLM_OK);
	ck_assert_uint_eq(out, v);
	ck_assert_int_eq(xfer(tlm_router_target(&r), TLM_CMD_WRITE, 0x1ffc, &v, 4, &d), TLM_OK);
	ck_assert_mem_eq(b.data + 0xffc, &v, 4);
	ck_assert_int_eq(xfer(tlm_router_target(&r), TLM_CMD_WRITE, 0x100, &v, 4, &d),
			 TLM_ADDRESS_ERROR);
	ck_assert_int_eq(xfer(tlm_router_target(&r), TLM_CMD_WRITE, 0xfc, &v, 4, &d), TLM_OK);
	ck_assert_mem_eq(a.data + 0xfc, &v, 4);
	tlm_router_destroy(&r);
	tlm_memory_destroy(&a);
	tlm_memory_destroy(&b);
	tlm_memory_destroy(&c);
}
END_TEST

START_TEST(debug_transport_through_router)
{
	struct tlm_target *up = tlm_router_target(&rt);
	uint8_t buf[8];
	struct tlm_payload p;

	for (unsigned i = 0; i < 8; i++) {
		mem[0].data[WIN - 8 + i] = (uint8_t)(0x10 + i);
		mem[1].data[i] = (uint8_t)(0x20 + i);
	}
	memset(buf, 0, sizeof(buf));
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, WIN - 4, buf, 8);
	/* Stops at the end of the window rather than spanning two targets. */
	ck_assert_uint_eq(tlm_transport_dbg(up, &p), 4);
	ck_assert_uint_eq(p.address, WIN - 4);
	ck_assert_uint_eq(p.length, 8);
	ck_assert_uint_eq(buf[0], 0x14);
	ck_assert_uint_eq(buf[3], 0x17);
	ck_assert_uint_eq(buf[4], 0);
	p.address = WIN;
	ck_assert_uint_eq(tlm_transport_dbg(up, &p), 8);
	ck_assert_uint_eq(buf[0], 0x20);
	p.address = 0x40000;
	ck_assert_uint_eq(tlm_transport_dbg(up, &p), 0);
	ck_assert_uint_eq(rt.decode_errors, 0); /* debug accesses are not counted */
}
END_TEST

/* ------------------------------------------------------------------------
 * DMI
 * ------------------------------------------------------------------------ */

START_TEST(dmi_through_router_is_translated_and_usable)
{
	struct tlm_target *up = tlm_router_target(&rt);
	struct tlm_payload p;
	struct tlm_dmi dmi;
	uint32_t v = 0x5a5a1234, r = 0;
	sim_time_t d = 0;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x20010, (uint8_t *)&v, 4);
	tlm_b_transport(up, &p, &d);
	ck_assert(p.dmi_allowed); /* the hint comes back through the router */

	ck_assert(tlm_get_dmi(up, &p, &dmi));
	ck_assert_uint_eq(p.address, 0x20010);
	ck_assert_uint_eq(dmi.start, 0x20000);
	ck_assert_uint_eq(dmi.end, 0x2ffff);
	ck_assert_ptr_eq(dmi.ptr, mem[2].data);
	ck_assert(tlm_dmi_read_allowed(&dmi) && tlm_dmi_write_allowed(&dmi));
	ck_assert_uint_eq(dmi.read_latency_ps, LAT_PS + 4 * PER_BYTE_PS);
	ck_assert_uint_eq(dmi.write_latency_ps, LAT_PS + 4 * PER_BYTE_PS);

	/* Write through the pointer, read back with b_transport. */
	v = 0x89abcdef;
	ck_assert(tlm_dmi_covers(&dmi, 0x2fffc, 4));
	ck_assert(!tlm_dmi_covers(&dmi, 0x2fffd, 4));
	memcpy(tlm_dmi_ptr(&dmi, 0x2fffc), &v, 4);
	ck_assert_int_eq(xfer(up, TLM_CMD_READ, 0x2fffc, &r, 4, &d), TLM_OK);
	ck_assert_uint_eq(r, v);
	/* And the other way round. */
	v = 0x01020304;
	ck_assert_int_eq(xfer(up, TLM_CMD_WRITE, 0x20100, &v, 4, &d), TLM_OK);
	ck_assert_mem_eq(tlm_dmi_ptr(&dmi, 0x20100), &v, 4);
}
END_TEST

START_TEST(dmi_clipped_to_window)
{
	struct tlm_memory big;
	struct tlm_payload p;
	struct tlm_dmi dmi;

	ck_assert_int_eq(tlm_memory_init(&big, 0x10000, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&rt, 0x100000, 0x1000, tlm_memory_target(&big)), SIM_OK);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 0x100800, NULL, 0);
	ck_assert(tlm_get_dmi(tlm_router_target(&rt), &p, &dmi));
	ck_assert_uint_eq(dmi.start, 0x100000);
	ck_assert_uint_eq(dmi.end, 0x100fff);
	ck_assert_ptr_eq(dmi.ptr, big.data);
	/* Refusals are translated and clipped too. */
	tlm_memory_set_dmi_enabled(&big, false);
	ck_assert(!tlm_get_dmi(tlm_router_target(&rt), &p, &dmi));
	ck_assert_ptr_null(dmi.ptr);
	ck_assert_uint_eq(dmi.start, 0x100000);
	ck_assert_uint_eq(dmi.end, 0x100fff);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x100000), SIM_OK);
	tlm_memory_destroy(&big);
}
END_TEST

START_TEST(dmi_refused_over_holes)
{
	struct tlm_payload p;
	struct tlm_dmi dmi;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 0x40000, NULL, 0);
	ck_assert(!tlm_get_dmi(tlm_router_target(&rt), &p, &dmi));
	ck_assert_ptr_null(dmi.ptr);
	ck_assert_uint_eq(dmi.start, 0x40000);
	ck_assert_uint_eq(dmi.end, UINT64_MAX);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x10000), SIM_OK);
	p.address = 0x18000;
	ck_assert(!tlm_get_dmi(tlm_router_target(&rt), &p, &dmi));
	ck_assert_uint_eq(dmi.start, 0x10000);
	ck_assert_uint_eq(dmi.end, 0x1ffff);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0), SIM_OK);
	p.address = 0x0;
	ck_assert(!tlm_get_dmi(tlm_router_target(&rt), &p, &dmi));
	ck_assert_uint_eq(dmi.start, 0);
	ck_assert_uint_eq(dmi.end, 0x1ffff);
}
END_TEST

START_TEST(invalidation_reaches_initiator_translated)
{
	struct initiator in;

	initiator_attach(&in, tlm_router_target(&rt));
	tlm_memory_invalidate_dmi(&mem[2], 0x100, 0x1ff);
	ck_assert_int_eq(in.n, 1);
	ck_assert_uint_eq(in.start[0], 0x20100);
	ck_assert_uint_eq(in.end[0], 0x201ff);
	/* A range running past the window is clipped to it. */
	tlm_memory_invalidate_dmi(&mem[3], 0xff00, UINT64_MAX);
	ck_assert_int_eq(in.n, 2);
	ck_assert_uint_eq(in.start[1], 0x3ff00);
	ck_assert_uint_eq(in.end[1], 0x3ffff);
	/* Disabling DMI withdraws the whole memory. */
	tlm_memory_set_dmi_enabled(&mem[0], false);
	ck_assert_int_eq(in.n, 3);
	ck_assert_uint_eq(in.start[2], 0);
	ck_assert_uint_eq(in.end[2], 0xffff);
	initiator_detach(&in);
}
END_TEST

START_TEST(invalidation_outside_a_small_window_is_not_forwarded)
{
	struct tlm_memory big;
	struct initiator in;

	ck_assert_int_eq(tlm_memory_init(&big, 0x10000, 0, 0), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&rt, 0x100000, 0x1000, tlm_memory_target(&big)), SIM_OK);
	initiator_attach(&in, tlm_router_target(&rt));
	tlm_memory_invalidate_dmi(&big, 0x2000, 0x3000);
	ck_assert_int_eq(in.n, 0);
	tlm_memory_invalidate_dmi(&big, 0x800, 0x1800);
	ck_assert_int_eq(in.n, 1);
	ck_assert_uint_eq(in.start[0], 0x100800);
	ck_assert_uint_eq(in.end[0], 0x100fff);
	initiator_detach(&in);
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x100000), SIM_OK);
	tlm_memory_destroy(&big);
}
END_TEST

START_TEST(unmap_invalidates_and_disconnects)
{
	struct initiator in;
	uint32_t v = 1;
	sim_time_t d = 0;

	initiator_attach(&in, tlm_router_target(&rt));
	ck_assert_int_eq(tlm_router_unmap(&rt, 0x20000), SIM_OK);
	ck_assert_int_eq(in.n, 1);
	ck_assert_uint_eq(in.start[0], 0x20000);
	ck_assert_uint_eq(in.end[0], 0x2ffff);
	ck_assert_int_eq(xfer(tlm_router_target(&rt), TLM_CMD_WRITE, 0x20000, &v, 4, &d),
			 TLM_ADDRESS_ERROR);
	/* The memory no longer reaches the router's listeners. */
	ck_assert_ptr_null(mem[2].target.lhead);
	tlm_memory_invalidate_dmi(&mem[2], 0, 0xffff);
	ck_assert_int_eq(in.n, 1);
	/* Map it again somewhere else: invalidations follow the new base. */
	ck_assert_int_eq(tlm_router_map(&rt, 0x80000, WIN, tlm_memory_target(&mem[2])), SIM_OK);
	tlm_memory_invalidate_dmi(&mem[2], 4, 7);
	ck_assert_int_eq(in.n, 2);
	ck_assert_uint_eq(in.start[1], 0x80004);
	ck_assert_uint_eq(in.end[1], 0x80007);
	initiator_detach(&in);
}
END_TEST

START_TEST(aliased_target_invalidates_every_alias)
{
	struct initiator in;

	ck_assert_int_eq(tlm_router_map(&rt, 0x90000, WIN, tlm_memory_target(&mem[1])), SIM_OK);
	initiator_attach(&in, tlm_router_target(&rt));
	tlm_memory_invalidate_dmi(&mem[1], 0x10, 0x1f);
	ck_assert_int_eq(in.n, 2);
	ck_assert_uint_eq(in.start[0], 0x10010); /* in mapping order */
	ck_assert_uint_eq(in.start[1], 0x90010);
	initiator_detach(&in);
}
END_TEST

START_TEST(nested_routers_compose)
{
	struct tlm_router outer;
	struct initiator in;
	struct tlm_payload p;
	struct tlm_dmi dmi;
	uint32_t v = 0x600dcafe, r = 0;
	sim_time_t d = 0;
	const uint64_t base = 0x80000000ull;

	ck_assert_int_eq(tlm_router_init(&outer), SIM_OK);
	ck_assert_int_eq(tlm_router_map(&outer, base, NT * WIN, tlm_router_target(&rt)), SIM_OK);
	ck_assert_int_eq(xfer(tlm_router_target(&outer), TLM_CMD_WRITE, base + 0x20010, &v, 4, &d),
			 TLM_OK);
	ck_assert_mem_eq(mem[2].data + 0x10, &v, 4);
	ck_assert_int_eq(xfer(tlm_router_target(&outer), TLM_CMD_READ, base + 0x20010, &r, 4, &d),
			 TLM_OK);
	ck_assert_uint_eq(r, v);

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, base + 0x30004, NULL, 0);
	ck_assert(tlm_get_dmi(tlm_router_target(&outer), &p, &dmi));
	ck_assert_uint_eq(dmi.start, base + 0x30000);
	ck_assert_uint_eq(dmi.end, base + 0x3ffff);
	ck_assert_uint_eq(*tlm_dmi_ptr(&dmi, base + 0x30000), mem[3].data[0]);
	ck_assert_ptr_eq(tlm_dmi_ptr(&dmi, base + 0x30004), mem[3].data + 4);

	initiator_attach(&in, tlm_router_target(&outer));
	tlm_memory_invalidate_dmi(&mem[3], 0x100, 0x103);
	ck_assert_int_eq(in.n, 1);
	ck_assert_uint_eq(in.start[0], base + 0x30100);
	ck_assert_uint_eq(in.end[0], base + 0x30103);

	/* Destroying the outer router tells its initiators, then detaches. */
	tlm_router_destroy(&outer);
	ck_assert_int_eq(in.n, 2);
	ck_assert_uint_eq(in.start[1], base);
	ck_assert_uint_eq(in.end[1], base + NT * WIN - 1);
	ck_assert_ptr_null(tlm_dmi_listener_target(&in.l));
	ck_assert_ptr_null(rt.target.lhead);
	/* The inner router's invalidations reach nobody freed (ASan). */
	tlm_memory_invalidate_dmi(&mem[3], 0, 0xffff);
	ck_assert_int_eq(in.n, 2);
}
END_TEST

START_TEST(router_init_null)
{
	ck_assert_int_eq(tlm_router_init(NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_router_unmap(NULL, 0), SIM_ERR_INVALID);
	tlm_router_destroy(NULL);
}
END_TEST

static Suite *router_suite(void)
{
	Suite *s = suite_create("sim:tlm-router");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, decode_strips_and_restores_base);
	tcase_add_test(tc, decode_uses_table_for_aligned_windows);
	tcase_add_test(tc, unmapped_is_address_error);
	tcase_add_test(tc, crossing_a_window_end_is_refused);
	tcase_add_test(tc, map_refuses_overlaps_and_bad_windows);
	tcase_add_test(tc, decode_random_layouts);
	tcase_add_test(tc, decode_sparse_windows_use_search);
	tcase_add_test(tc, debug_transport_through_router);
	tcase_add_test(tc, router_init_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("dmi");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dmi_through_router_is_translated_and_usable);
	tcase_add_test(tc, dmi_clipped_to_window);
	tcase_add_test(tc, dmi_refused_over_holes);
	tcase_add_test(tc, invalidation_reaches_initiator_translated);
	tcase_add_test(tc, invalidation_outside_a_small_window_is_not_forwarded);
	tcase_add_test(tc, unmap_invalidates_and_disconnects);
	tcase_add_test(tc, aliased_target_invalidates_every_alias);
	tcase_add_test(tc, nested_routers_compose);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(router_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
