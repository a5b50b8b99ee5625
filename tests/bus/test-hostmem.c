/*
 * tests/bus/test-hostmem.c - Check tests of simulated host physical memory
 * (bus/hostmem.h): the layout and its holes, frames backed on first touch
 * and the cap on them, access across frames, contiguous mappings of
 * scattered frames (the same bytes seen both ways), the frame allocator,
 * and the TLM target (blocking, debug and DMI), whose results are compared
 * with sim/tlm.h's reference transport on a flat buffer. Every failing
 * call is checked to leave everything as it was. Needs no kernel.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/hostmem.h"
#include "sim/error.h"
#include "sim/tlm.h"

#define FB BUS_MEM_FRAME_BYTES
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
/* 10 ns + 125 ps/byte, as the sim/ memory target's tests. */
#define LAT_PS 10000u
#define PER_BYTE_PS 125u

/* The usual layout: 2 MiB low (512 frames), a hole, 2 MiB at 4 GiB. */
#define A_BASE UINT64_C(0)
#define A_SIZE (2 * MIB)
#define B_BASE (4 * GIB)
#define B_SIZE (2 * MIB)
#define CAP_FRAMES 64u

static const struct bus_mem_range two_ranges[] = {
	{ B_BASE, B_SIZE }, /* out of order on purpose */
	{ A_BASE, A_SIZE },
};

static struct bus_mem mem;

static struct bus_mem_config config(uint64_t cap_frames, uint64_t seed)
{
	struct bus_mem_config c;

	memset(&c, 0, sizeof(c));
	c.ranges = two_ranges;
	c.n_ranges = 2;
	c.max_backed_bytes = cap_frames * FB;
	c.latency_ps = LAT_PS;
	c.per_byte_ps = PER_BYTE_PS;
	c.seed = seed;
	return c;
}

static void mem_setup(void)
{
	struct bus_mem_config c = config(CAP_FRAMES, 1);

	ck_assert_int_eq(bus_mem_init(&mem, &c), SIM_OK);
}

static void mem_teardown(void)
{
	bus_mem_destroy(&mem);
}

static void fill_pattern(uint8_t *p, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + salt + (i >> 8));
}

/* Whether host address @va lies in any mapping of this process: read from
 * /proc/self/maps, which unlike probing the address with a system call is
 * quiet under valgrind. */
static bool host_va_mapped(const void *va)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi, a = (unsigned long long)(uintptr_t)va;
	char line[512];
	bool found = false;

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && a >= lo && a < hi)
			found = true;
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------------
 * Layout, holes, backing
 * ------------------------------------------------------------------------ */

START_TEST(init_errors)
{
	struct bus_mem m;
	struct bus_mem_config c = config(CAP_FRAMES, 0);
	struct bus_mem_range bad[2];

	ck_assert_int_eq(bus_mem_init(NULL, &c), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_init(&m, NULL), SIM_ERR_INVALID);
	ck_assert_str_ne(bus_mem_last_error(&m), "");
	bus_mem_destroy(&m); /* a failed init leaves nothing to destroy */

	c.n_ranges = 0;
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	c.n_ranges = 1;
	c.ranges = bad;
	bad[0] = (struct bus_mem_range){ 0x800, FB };
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	bad[0] = (struct bus_mem_range){ 0, FB + 1 };
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	bad[0] = (struct bus_mem_range){ FB, 0 };
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	bad[0] = (struct bus_mem_range){ UINT64_MAX - FB + 1, FB };
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	c.n_ranges = 2;
	bad[0] = (struct bus_mem_range){ 4 * FB, 4 * FB };
	bad[1] = (struct bus_mem_range){ 0, 5 * FB };
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(bus_mem_last_error(&m), "overlap"));
	bus_mem_destroy(&m);

	c = config(CAP_FRAMES, 0);
	c.max_backed_bytes = FB + 1;
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
	c = config(CAP_FRAMES, 0);
	c.per_byte_ps = SIM_TIME_MAX / 2;
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_ERR_INVALID);
}
END_TEST

START_TEST(touching_ranges_merge)
{
	struct bus_mem m;
	static const struct bus_mem_range rs[] = { { 2 * FB, FB }, { 0, 2 * FB }, { 8 * FB, FB } };
	struct bus_mem_config c = { .ranges = rs, .n_ranges = 3 };
	uint8_t in[16], out[16];

	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	ck_assert_uint_eq(m.ram_bytes, 4 * FB);
	ck_assert_uint_eq(m.max_backed_frames, 4); /* cap 0: the whole RAM */
	ck_assert(bus_mem_is_ram(&m, 0, 3 * FB));
	ck_assert(!bus_mem_is_ram(&m, 0, 3 * FB + 1));
	ck_assert(bus_mem_is_ram(&m, 8 * FB, 0));
	ck_assert(!bus_mem_is_ram(&m, 9 * FB, 1));
	fill_pattern(in, sizeof(in), 3);
	/* Across the seam of two given ranges: one range now. */
	ck_assert_int_eq(bus_mem_write(&m, 2 * FB - 8, in, 16), SIM_OK);
	ck_assert_int_eq(bus_mem_read(&m, 2 * FB - 8, out, 16), SIM_OK);
	ck_assert_mem_eq(in, out, 16);
	bus_mem_destroy(&m);
	bus_mem_destroy(&m); /* twice is harmless */
	/* The storage may be initialised again. */
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	bus_mem_destroy(&m);
}
END_TEST

START_TEST(holes_refused)
{
	uint8_t buf[64], keep[64];
	size_t avail = 123;

	memset(buf, 0xaa, sizeof(buf));
	memcpy(keep, buf, sizeof(buf));
	/* In the hole, straddling into it from below and from above, past the
	 * top of RAM, and wrapping around 2^64. */
	ck_assert_int_eq(bus_mem_read(&mem, A_BASE + A_SIZE, buf, 4), SIM_ERR_INVALID);
	ck_assert_str_ne(bus_mem_last_error(&mem), "");
	ck_assert_int_eq(bus_mem_read(&mem, A_BASE + A_SIZE - 4, buf, 8), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE - 4, buf, 8), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + B_SIZE - 1, buf, 2), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_read(&mem, UINT64_MAX - 1, buf, 8), SIM_ERR_INVALID);
	ck_assert_mem_eq(buf, keep, sizeof(buf));

	ck_assert_int_eq(bus_mem_write(&mem, A_BASE + A_SIZE - 4, buf, 8), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_write(&mem, B_BASE - 1, buf, 2), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_write(&mem, 3 * GIB, buf, 1), SIM_ERR_INVALID);
	ck_assert_uint_eq(mem.backed_frames, 0);
	ck_assert(!bus_mem_frame_is_backed(&mem, A_BASE + A_SIZE - FB));
	ck_assert(!bus_mem_frame_is_backed(&mem, B_BASE));

	ck_assert_ptr_null(bus_mem_host_ptr(&mem, 3 * GIB, &avail));
	ck_assert_uint_eq(avail, 123);
	/* Zero-length accesses move nothing and are fine anywhere. */
	ck_assert_int_eq(bus_mem_read(&mem, 3 * GIB, NULL, 0), SIM_OK);
	ck_assert_int_eq(bus_mem_read(&mem, 0, NULL, 4), SIM_ERR_INVALID);
}
END_TEST

START_TEST(frames_zero_on_demand)
{
	uint8_t buf[FB];
	size_t avail = 0;

	memset(buf, 0x55, sizeof(buf));
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + 5 * FB, buf, FB), SIM_OK);
	for (size_t i = 0; i < FB; i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_uint_eq(mem.backed_frames, 0); /* reading backs nothing */

	ck_assert_int_eq(bus_mem_write(&mem, B_BASE + 5 * FB + 10, "x", 1), SIM_OK);
	ck_assert_uint_eq(mem.backed_frames, 1);
	ck_assert(bus_mem_frame_is_backed(&mem, B_BASE + 5 * FB));
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + 5 * FB, buf, FB), SIM_OK);
	for (size_t i = 0; i < FB; i++)
		ck_assert_uint_eq(buf[i], i == 10 ? 'x' : 0);

	uint8_t *p = bus_mem_host_ptr(&mem, 7 * FB + 100, &avail);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(avail, FB - 100);
	ck_assert_uint_eq(mem.backed_frames, 2);
	for (size_t i = 0; i < avail; i++)
		ck_assert_uint_eq(p[i], 0);
	p[0] = 0x42;
	p[avail - 1] = 0x43;
	ck_assert_int_eq(bus_mem_read(&mem, 7 * FB + 100, buf, 1), SIM_OK);
	ck_assert_uint_eq(buf[0], 0x42);
	ck_assert_int_eq(bus_mem_read(&mem, 8 * FB - 1, buf, 1), SIM_OK);
	ck_assert_uint_eq(buf[0], 0x43);
	ck_assert_ptr_eq(bus_mem_host_ptr(&mem, 7 * FB + 100, NULL), p);
}
END_TEST

START_TEST(cap_on_backed_frames)
{
	uint8_t b = 1, two[2] = { 7, 8 }, out[2];

	/* Fill the cap with frames from both ranges. */
	for (unsigned i = 0; i < CAP_FRAMES; i++) {
		uint64_t a = (i % 2 ? B_BASE : A_BASE) + (uint64_t)i * 3 * FB;

		ck_assert_int_eq(bus_mem_write(&mem, a, &b, 1), SIM_OK);
	}
	ck_assert_uint_eq(mem.backed_frames, CAP_FRAMES);
	ck_assert_int_eq(bus_mem_write(&mem, A_BASE + 400 * FB, &b, 1), SIM_ERR_NOMEM);
	ck_assert_ptr_nonnull(strstr(bus_mem_last_error(&mem), "cap"));
	ck_assert_ptr_null(bus_mem_host_ptr(&mem, A_BASE + 400 * FB, NULL));
	ck_assert_uint_eq(mem.backed_frames, CAP_FRAMES);
	ck_assert(!bus_mem_frame_is_backed(&mem, A_BASE + 400 * FB));
	/* Backed frames stay writable; unbacked ones stay readable (zeros). */
	ck_assert_int_eq(bus_mem_write(&mem, A_BASE + 1, &b, 1), SIM_OK);
	ck_assert_int_eq(bus_mem_read(&mem, A_BASE + 400 * FB, out, 2), SIM_OK);
	ck_assert_uint_eq(out[0] | out[1], 0);
	/* A write over a backed and an unbacked frame: all or nothing. */
	ck_assert_int_eq(bus_mem_write(&mem, A_BASE + FB - 1, two, 2), SIM_ERR_NOMEM);
	ck_assert_int_eq(bus_mem_read(&mem, A_BASE + FB - 1, out, 2), SIM_OK);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(mem.backed_frames, CAP_FRAMES);
}
END_TEST

START_TEST(large_layout_small_cap)
{
	/* 64 GiB of RAM in three ranges with an MMIO hole: the memory costs
	 * only what is backed. */
	static const struct bus_mem_range rs[] = {
		{ 0, 3 * GIB }, { 4 * GIB, 61 * GIB }, { 128 * GIB, GIB } };
	struct bus_mem_config c = { .ranges = rs, .n_ranges = 3, .max_backed_bytes = MIB };
	struct bus_mem m;
	uint64_t v = 0x1122334455667788u, w = 0;

	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	ck_assert_uint_eq(m.ram_bytes, 65 * GIB);
	ck_assert_uint_eq(m.max_backed_frames, MIB / FB);
	for (uint64_t i = 0; i < MIB / FB; i++)
		ck_assert_int_eq(bus_mem_write(&m, 4 * GIB + i * 97 * MIB, &v, 8), SIM_OK);
	ck_assert_int_eq(bus_mem_write(&m, 128 * GIB, &v, 8), SIM_ERR_NOMEM);
	ck_assert_int_eq(bus_mem_read(&m, 4 * GIB + 200 * 97 * MIB, &w, 8), SIM_OK);
	ck_assert_uint_eq(w, v);
	ck_assert_int_eq(bus_mem_read(&m, 3 * GIB, &w, 8), SIM_ERR_INVALID);
	bus_mem_destroy(&m);
}
END_TEST

START_TEST(read_write_across_frames)
{
	enum { N = 3 * FB + 100 };
	static uint8_t in[N], out[N];
	uint8_t edge[3];

	fill_pattern(in, N, 11);
	ck_assert_int_eq(bus_mem_write(&mem, B_BASE + FB - 7, in, N), SIM_OK);
	ck_assert_uint_eq(mem.backed_frames, 5);
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + FB - 7, out, N), SIM_OK);
	ck_assert_mem_eq(in, out, N);
	/* Reads at other offsets and lengths see the same bytes. */
	for (size_t off = 0; off < N; off += 1021) {
		size_t len = N - off < 4099 ? N - off : 4099;

		memset(out, 0, len);
		ck_assert_int_eq(bus_mem_read(&mem, B_BASE + FB - 7 + off, out, len), SIM_OK);
		ck_assert_mem_eq(in + off, out, len);
	}
	/* The bytes around the write are untouched zeros. */
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + FB - 8, edge, 2), SIM_OK);
	ck_assert_uint_eq(edge[0], 0);
	ck_assert_uint_eq(edge[1], in[0]);
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + FB - 7 + N - 1, edge, 2), SIM_OK);
	ck_assert_uint_eq(edge[0], in[N - 1]);
	ck_assert_uint_eq(edge[1], 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * Contiguous mappings
 * ------------------------------------------------------------------------ */

START_TEST(map_scattered_frames_alias)
{
	/* Out of order, across both ranges, one never touched before. */
	const uint64_t frames[] = { A_BASE + 5 * FB, B_BASE + 3 * FB, A_BASE + FB, A_BASE + 9 * FB,
				    B_BASE + 100 * FB };
	const size_t n = sizeof(frames) / sizeof(frames[0]);
	uint8_t page[FB], got[FB];
	uint8_t *va = NULL;

	for (size_t i = 0; i + 1 < n; i++) {
		fill_pattern(page, FB, (unsigned)i);
		ck_assert_int_eq(bus_mem_write(&mem, frames[i], page, FB), SIM_OK);
	}
	ck_assert_uint_eq(mem.backed_frames, n - 1);
	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, n, (void **)&va), SIM_OK);
	ck_assert_ptr_nonnull(va);
	ck_assert_uint_eq(mem.backed_frames, n); /* mapping backs the last one */

	/* Physical writes are seen through the mapping... */
	for (size_t i = 0; i + 1 < n; i++) {
		fill_pattern(page, FB, (unsigned)i);
		ck_assert_mem_eq(va + i * FB, page, FB);
	}
	for (size_t i = 0; i < FB; i++)
		ck_assert_uint_eq(va[(n - 1) * FB + i], 0);

	/* ...and writes through the mapping, across page seams, are seen by
	 * physical address, through host pointers and through the target. */
	fill_pattern(va + FB - 50, 3 * FB, 99);
	fill_pattern(page, FB, 99); /* the pattern's first FB bytes */
	ck_assert_int_eq(bus_mem_read(&mem, frames[0] + FB - 50, got, 50), SIM_OK);
	ck_assert_mem_eq(got, page, 50);
	ck_assert_int_eq(bus_mem_read(&mem, frames[1], got, FB), SIM_OK);
	ck_assert_mem_eq(got, va + FB, FB);
	ck_assert_mem_eq(bus_mem_host_ptr(&mem, frames[2], NULL), va + 2 * FB, FB);
	ck_assert_int_eq(bus_mem_read(&mem, frames[3], got, FB), SIM_OK);
	ck_assert_mem_eq(got, va + 3 * FB, FB);

	/* Physical writes after mapping are seen at once, no copy. */
	ck_assert_int_eq(bus_mem_write(&mem, frames[4] + 17, "abc", 3), SIM_OK);
	ck_assert_mem_eq(va + 4 * FB + 17, "abc", 3);
	ck_assert_int_eq(bus_mem_unmap(&mem, va), SIM_OK);
}
END_TEST

START_TEST(map_driver_buffer_from_allocator)
{
	/* The driver's case: a 64 KiB buffer whose frames are scattered and
	 * shuffled for the device, contiguous for the driver. */
	enum { N = 16 };
	uint64_t frames[N];
	static uint8_t buf[N * FB];
	uint8_t *va = NULL, got[FB];

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, N, BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
					      frames), SIM_OK);
	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, N, (void **)&va), SIM_OK);
	fill_pattern(buf, sizeof(buf), 5);
	memcpy(va, buf, sizeof(buf));
	for (size_t i = 0; i < N; i++) {
		ck_assert_int_eq(bus_mem_read(&mem, frames[i], got, FB), SIM_OK);
		ck_assert_mem_eq(got, buf + i * FB, FB);
	}
	/* The device writes each frame; the driver sees one buffer. */
	for (size_t i = 0; i < N; i++) {
		memset(got, (int)(i + 1), FB);
		ck_assert_int_eq(bus_mem_write(&mem, frames[i], got, FB), SIM_OK);
	}
	for (size_t i = 0; i < N * FB; i += 997)
		ck_assert_uint_eq(va[i], i / FB + 1);
	ck_assert_int_eq(bus_mem_unmap(&mem, va), SIM_OK);
	ck_assert_int_eq(bus_mem_free_frames(&mem, frames, N), SIM_OK);
}
END_TEST

START_TEST(map_repeated_frame_and_unmap)
{
	const uint64_t frames[] = { B_BASE + 2 * FB, B_BASE + 2 * FB };
	uint8_t *va = NULL, v = 0;
	int dummy;

	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, 2, (void **)&va), SIM_OK);
	ck_assert(host_va_mapped(va) && host_va_mapped(va + 2 * FB - 1));
	ck_assert_uint_eq(mem.backed_frames, 1);
	/* Two views of one frame: through plain pointers the compiler may
	 * assume va[5] and va[FB + 5] differ and reorder the load. */
	((volatile uint8_t *)va)[5] = 0x77;
	ck_assert_uint_eq(((volatile uint8_t *)va)[FB + 5], 0x77);
	ck_assert_int_eq(bus_mem_unmap(&mem, va), SIM_OK);
	/* Gone from the host's address space; the frame keeps its bytes. */
	ck_assert(!host_va_mapped(va));
	ck_assert_int_eq(bus_mem_read(&mem, frames[0] + 5, &v, 1), SIM_OK);
	ck_assert_uint_eq(v, 0x77);
	ck_assert_uint_eq(mem.backed_frames, 1);
	ck_assert_int_eq(bus_mem_unmap(&mem, va), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_unmap(&mem, &dummy), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_unmap(&mem, NULL), SIM_ERR_INVALID);
}
END_TEST

START_TEST(map_errors_change_nothing)
{
	uint64_t frames[3] = { A_BASE, A_BASE + FB, A_BASE + 2 * FB };
	void *va = (void *)&frames; /* a sentinel: must stay */
	struct bus_mem m;
	struct bus_mem_config c = config(2, 0);

	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, 0, &va), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_map_frames(&mem, NULL, 1, &va), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, 1, NULL), SIM_ERR_INVALID);
	frames[1] = A_BASE + FB + 8;
	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, 3, &va), SIM_ERR_INVALID);
	frames[1] = A_BASE + A_SIZE; /* the hole */
	ck_assert_int_eq(bus_mem_map_frames(&mem, frames, 3, &va), SIM_ERR_INVALID);
	ck_assert_ptr_eq(va, (void *)&frames);
	ck_assert_uint_eq(mem.backed_frames, 0);
	ck_assert_ptr_null(mem.mappings);

	/* Three frames to back against a cap of two: none backed. */
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	frames[1] = A_BASE + FB;
	ck_assert_int_eq(bus_mem_write(&m, frames[1], "q", 1), SIM_OK);
	ck_assert_int_eq(bus_mem_map_frames(&m, frames, 3, &va), SIM_ERR_NOMEM);
	ck_assert_ptr_eq(va, (void *)&frames);
	ck_assert_uint_eq(m.backed_frames, 1);
	ck_assert(!bus_mem_frame_is_backed(&m, frames[0]));
	ck_assert(!bus_mem_frame_is_backed(&m, frames[2]));
	/* Two frames, one backed already, one new: fits. */
	ck_assert_int_eq(bus_mem_map_frames(&m, frames, 2, &va), SIM_OK);
	ck_assert_uint_eq(((uint8_t *)va)[FB], 'q');
	bus_mem_destroy(&m); /* unmaps what the test left mapped */
}
END_TEST

/* ------------------------------------------------------------------------
 * The frame allocator
 * ------------------------------------------------------------------------ */

static bool any_adjacent(const uint64_t *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (f[i] + FB == f[j])
				return true;
	return false;
}

START_TEST(alloc_contiguous_and_zones)
{
	uint64_t f[512];
	const uint64_t a_frames = A_SIZE / FB;

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 4, BUS_MEM_ALLOC_CONTIGUOUS, f), SIM_OK);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(f[i], A_BASE + i * FB);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 2, BUS_MEM_ALLOC_CONTIGUOUS, f), SIM_OK);
	ck_assert_uint_eq(f[0], A_BASE + 4 * FB);
	ck_assert_uint_eq(f[1], A_BASE + 5 * FB);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 3, BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_ABOVE_4G,
					      f), SIM_OK);
	ck_assert_uint_eq(f[0], B_BASE);
	ck_assert_uint_eq(f[2], B_BASE + 2 * FB);
	ck_assert_uint_eq(mem.allocated_frames, 9);
	ck_assert(bus_mem_frame_is_allocated(&mem, A_BASE + 5 * FB + 3));
	ck_assert(!bus_mem_frame_is_allocated(&mem, A_BASE + 6 * FB));
	ck_assert_uint_eq(mem.backed_frames, 0); /* allocation backs nothing */

	/* A hole punched in the low run is too small for two frames. */
	uint64_t one = A_BASE + 2 * FB;

	ck_assert_int_eq(bus_mem_free_frames(&mem, &one, 1), SIM_OK);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 2, BUS_MEM_ALLOC_CONTIGUOUS, f), SIM_OK);
	ck_assert_uint_eq(f[0], A_BASE + 6 * FB);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_CONTIGUOUS, f), SIM_OK);
	ck_assert_uint_eq(f[0], A_BASE + 2 * FB);

	/* Exhaust below 4 GiB: the rest of range A in one run. */
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, (size_t)a_frames - 8,
					      BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_BELOW_4G, f), SIM_OK);
	ck_assert_uint_eq(f[0], A_BASE + 8 * FB);
	ck_assert_uint_eq(f[a_frames - 9], A_BASE + A_SIZE - FB);
	uint64_t before = mem.allocated_frames;

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_BELOW_4G, f), SIM_ERR_NOMEM);
	ck_assert_ptr_nonnull(strstr(bus_mem_last_error(&mem), "below 4 GiB"));
	/* Anywhere: comes from above 4 GiB. */
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, 0, f), SIM_OK);
	ck_assert_uint_eq(f[0], B_BASE + 3 * FB);
	ck_assert_uint_eq(mem.allocated_frames, before + 1);
	/* Too large a run above: nothing half-allocated. */
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, (size_t)(B_SIZE / FB), BUS_MEM_ALLOC_CONTIGUOUS, f),
			 SIM_ERR_NOMEM);
	ck_assert_uint_eq(mem.allocated_frames, before + 1);
	ck_assert(!bus_mem_frame_is_allocated(&mem, B_BASE + 4 * FB));
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 2, BUS_MEM_ALLOC_CONTIGUOUS, f), SIM_OK);
	ck_assert_uint_eq(f[0], B_BASE + 4 * FB);
}
END_TEST

START_TEST(alloc_scattered_and_shuffled)
{
	uint64_t f[16], g[16], sorted[16];
	struct bus_mem m2, m3;
	struct bus_mem_config c = config(CAP_FRAMES, 1);
	struct bus_mem_config c3 = config(CAP_FRAMES, 2);

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 8, BUS_MEM_ALLOC_SCATTERED, f), SIM_OK);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(f[i], A_BASE + 2 * i * FB);
	ck_assert(!any_adjacent(f, 8));
	/* Around frames taken already: still no two adjacent. */
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 8, BUS_MEM_ALLOC_SCATTERED, f), SIM_OK);
	ck_assert_uint_eq(f[0], A_BASE + FB);
	ck_assert(!any_adjacent(f, 8));
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 4, BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_ABOVE_4G,
					      f), SIM_OK);
	ck_assert_uint_eq(f[3], B_BASE + 6 * FB);

	/* Shuffled: the same set as unshuffled, in an order the seed fixes. */
	ck_assert_int_eq(bus_mem_init(&m2, &c), SIM_OK);
	ck_assert_int_eq(bus_mem_init(&m3, &c3), SIM_OK);
	ck_assert_int_eq(bus_mem_alloc_frames(&m2, 16, BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
					      f), SIM_OK);
	ck_assert_int_eq(bus_mem_alloc_frames(&m3, 16, BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
					      g), SIM_OK);
	ck_assert(!any_adjacent(f, 16));
	ck_assert(memcmp(f, g, sizeof(f)) != 0);
	for (unsigned i = 0; i < 16; i++)
		sorted[i] = A_BASE + 2 * i * FB;
	for (unsigned i = 0; i < 16; i++) {
		unsigned hits = 0;

		for (unsigned j = 0; j < 16; j++)
			hits += f[j] == sorted[i];
		ck_assert_uint_eq(hits, 1);
	}
	bool ascending = true;

	for (unsigned i = 1; i < 16; i++)
		ascending = ascending && f[i] > f[i - 1];
	ck_assert(!ascending);
	bus_mem_destroy(&m2);
	bus_mem_destroy(&m3);

	/* Same seed, same calls: same order. */
	ck_assert_int_eq(bus_mem_init(&m2, &c), SIM_OK);
	ck_assert_int_eq(bus_mem_alloc_frames(&m2, 16, BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
					      g), SIM_OK);
	ck_assert_mem_eq(f, g, sizeof(f));
	bus_mem_destroy(&m2);
}
END_TEST

/* One fixed sequence of calls; returns the frames it got, in order. */
static void alloc_script(struct bus_mem *m, uint64_t *out, size_t *n_out)
{
	static const unsigned flags[] = {
		BUS_MEM_ALLOC_CONTIGUOUS,
		BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE,
		BUS_MEM_ALLOC_ABOVE_4G,
		BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE | BUS_MEM_ALLOC_BELOW_4G,
		BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_ABOVE_4G,
	};
	size_t n = 0;

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			size_t k = 3 + (i + round) % 5;

			ck_assert_int_eq(bus_mem_alloc_frames(m, k, flags[i], out + n), SIM_OK);
			n += k;
		}
		/* Free every third frame handed out so far that is still ours. */
		for (size_t j = round; j < n; j += 3) {
			if (bus_mem_frame_is_allocated(m, out[j]))
				ck_assert_int_eq(bus_mem_free_frames(m, &out[j], 1), SIM_OK);
		}
	}
	*n_out = n;
}

START_TEST(alloc_deterministic)
{
	uint64_t f[256], g[256];
	size_t nf, ng;
	struct bus_mem m2;
	struct bus_mem_config c = config(CAP_FRAMES, 1);

	alloc_script(&mem, f, &nf);
	ck_assert_int_eq(bus_mem_init(&m2, &c), SIM_OK);
	alloc_script(&m2, g, &ng);
	ck_assert_uint_eq(nf, ng);
	ck_assert_mem_eq(f, g, nf * sizeof(f[0]));
	ck_assert_uint_eq(mem.allocated_frames, m2.allocated_frames);
	bus_mem_destroy(&m2);
}
END_TEST

START_TEST(alloc_and_free_errors)
{
	static uint64_t many[513];
	uint64_t f[4], keep[4];

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 0, 0, f), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_SCATTERED,
					      f), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_BELOW_4G | BUS_MEM_ALLOC_ABOVE_4G,
					      f), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_SHUFFLE, f), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, 1u << 20, f), SIM_ERR_INVALID);
	/* More scattered frames than fit: 256 fit in each range, 512 in all. */
	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 513, BUS_MEM_ALLOC_SCATTERED, many), SIM_ERR_NOMEM);
	ck_assert_uint_eq(mem.allocated_frames, 0);
	ck_assert(!bus_mem_frame_is_allocated(&mem, A_BASE));

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 4, 0, f), SIM_OK);
	memcpy(keep, f, sizeof(f));
	/* Not allocated, misaligned, a hole, listed twice: nothing freed. */
	uint64_t bad[3] = { f[0], A_BASE + 100 * FB, f[1] };

	ck_assert_int_eq(bus_mem_free_frames(&mem, bad, 3), SIM_ERR_INVALID);
	bad[1] = f[2] + 1;
	ck_assert_int_eq(bus_mem_free_frames(&mem, bad, 3), SIM_ERR_INVALID);
	bad[1] = 3 * GIB;
	ck_assert_int_eq(bus_mem_free_frames(&mem, bad, 3), SIM_ERR_INVALID);
	bad[1] = f[0];
	ck_assert_int_eq(bus_mem_free_frames(&mem, bad, 3), SIM_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(bus_mem_last_error(&mem), "twice"));
	ck_assert_uint_eq(mem.allocated_frames, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert(bus_mem_frame_is_allocated(&mem, keep[i]));
	ck_assert_int_eq(bus_mem_free_frames(&mem, NULL, 0), SIM_OK);
	ck_assert_int_eq(bus_mem_free_frames(&mem, f, 4), SIM_OK);
	ck_assert_uint_eq(mem.allocated_frames, 0);
	/* Freed twice. */
	ck_assert_int_eq(bus_mem_free_frames(&mem, f, 1), SIM_ERR_INVALID);
}
END_TEST

static unsigned inval_count;
static uint64_t inval_start, inval_end;

static void on_invalidate(void *opaque, uint64_t start, uint64_t end)
{
	(void)opaque;
	inval_count++;
	inval_start = start;
	inval_end = end;
}

START_TEST(free_discards_and_busy_when_mapped)
{
	uint64_t f[2];
	uint8_t *va = NULL, b = 0;
	struct tlm_dmi_listener l;

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 2, BUS_MEM_ALLOC_SCATTERED, f), SIM_OK);
	ck_assert_int_eq(bus_mem_write(&mem, f[0] + 9, "z", 1), SIM_OK);
	ck_assert_int_eq(bus_mem_map_frames(&mem, &f[1], 1, (void **)&va), SIM_OK);
	ck_assert_uint_eq(mem.backed_frames, 2);
	ck_assert_int_eq(bus_mem_free_frames(&mem, f, 2), SIM_ERR_BUSY);
	ck_assert(bus_mem_frame_is_allocated(&mem, f[0]));
	ck_assert_uint_eq(mem.backed_frames, 2);
	ck_assert_int_eq(bus_mem_unmap(&mem, va), SIM_OK);

	tlm_dmi_listener_init(&l, on_invalidate, NULL);
	ck_assert_int_eq(tlm_target_add_dmi_listener(bus_mem_target(&mem), &l), SIM_OK);
	inval_count = 0;
	ck_assert_int_eq(bus_mem_free_frames(&mem, f, 1), SIM_OK);
	ck_assert_uint_eq(inval_count, 1);
	ck_assert_uint_eq(inval_start, f[0]);
	ck_assert_uint_eq(inval_end, f[0] + FB - 1);
	ck_assert_uint_eq(mem.backed_frames, 1);
	ck_assert(!bus_mem_frame_is_backed(&mem, f[0]));
	/* Reallocated, it reads as a fresh frame. */
	uint64_t again;

	ck_assert_int_eq(bus_mem_alloc_frames(&mem, 1, 0, &again), SIM_OK);
	ck_assert_uint_eq(again, f[0]);
	ck_assert_int_eq(bus_mem_write(&mem, again, "w", 1), SIM_OK);
	ck_assert_int_eq(bus_mem_read(&mem, again + 9, &b, 1), SIM_OK);
	ck_assert_uint_eq(b, 0);
	ck_assert_int_eq(tlm_target_remove_dmi_listener(bus_mem_target(&mem), &l), SIM_OK);
}
END_TEST

/* ------------------------------------------------------------------------
 * The TLM target
 * ------------------------------------------------------------------------ */

START_TEST(tlm_read_write_and_latency)
{
	struct tlm_target *t = bus_mem_target(&mem);
	struct tlm_payload p;
	uint8_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, r[8] = { 0 };
	sim_time_t d = 5;

	tlm_payload_init(&p);
	/* Crossing a frame boundary. */
	tlm_payload_setup(&p, TLM_CMD_WRITE, B_BASE + FB - 3, w, 8);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert(p.dmi_allowed);
	ck_assert_uint_eq(p.address, B_BASE + FB - 3);
	ck_assert_uint_eq(d, 5 + LAT_PS + 8 * PER_BYTE_PS);
	ck_assert_int_eq(bus_mem_read(&mem, B_BASE + FB - 3, r, 8), SIM_OK);
	ck_assert_mem_eq(r, w, 8);
	/* Within one frame, 4 bytes. */
	memset(r, 0, sizeof(r));
	tlm_payload_setup(&p, TLM_CMD_READ, B_BASE + FB + 1, r, 4);
	d = 0;
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(p.address, B_BASE + FB + 1);
	ck_assert_uint_eq(d, LAT_PS + 4 * PER_BYTE_PS);
	ck_assert_mem_eq(r, w + 4, 4);
	/* A read of a frame never written: zeros, nothing backed. */
	uint64_t backed = mem.backed_frames;

	memset(r, 0xee, sizeof(r));
	tlm_payload_setup(&p, TLM_CMD_READ, A_BASE + 33 * FB - 4, r, 8);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(r[i], 0);
	tlm_payload_setup(&p, TLM_CMD_READ, A_BASE + 40 * FB, r, 8);
	tlm_b_transport(t, &p, &d);
	ck_assert_uint_eq(mem.backed_frames, backed);
}
END_TEST

/* Run the same payload against the memory at address 0 and against a flat
 * buffer through sim/tlm.h's reference transport: same bytes, same status. */
static void compare_with_reference(struct tlm_payload *proto, uint8_t *ref, size_t ref_len)
{
	static uint8_t d1[3 * FB], d2[3 * FB], got[3 * FB];
	struct tlm_payload p1 = *proto, p2 = *proto;
	sim_time_t delay = 0;

	memcpy(d1, proto->data, proto->length);
	memcpy(d2, proto->data, proto->length);
	p1.data = d1;
	p2.data = d2;
	tlm_b_transport(bus_mem_target(&mem), &p1, &delay);
	tlm_buffer_transport_slow(&p2, ref, ref_len);
	ck_assert_int_eq(p1.response, p2.response);
	ck_assert_mem_eq(d1, d2, proto->length);
	ck_assert_int_eq(bus_mem_read(&mem, 0, got, ref_len), SIM_OK);
	ck_assert_mem_eq(got, ref, ref_len);
}

START_TEST(tlm_byte_enables_and_streaming_match_reference)
{
	static uint8_t ref[3 * FB], data[3 * FB];
	static const uint8_t be3[3] = { TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED };
	static const uint8_t be1[1] = { TLM_BYTE_DISABLED };
	struct tlm_payload p;
	static const uint64_t addrs[] = { 0, 10, FB - 5, FB - 1, 2 * FB - 100 };
	static const uint32_t lens[] = { 1, 4, 8, 13, 300, FB + 7 };
	static const uint32_t widths[] = { 0, 1, 3, 6, 64 };

	/* Start from the same non-zero contents. */
	fill_pattern(ref, sizeof(ref), 1);
	ck_assert_int_eq(bus_mem_write(&mem, 0, ref, sizeof(ref)), SIM_OK);
	for (unsigned salt = 0, ai = 0; ai < sizeof(addrs) / sizeof(addrs[0]); ai++) {
		for (unsigned li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			for (unsigned wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
				for (unsigned bi = 0; bi < 3; bi++) {
					for (int cmd = TLM_CMD_READ; cmd <= TLM_CMD_WRITE; cmd++) {
						fill_pattern(data, lens[li], 50 + salt++);
						tlm_payload_init(&p);
						tlm_payload_setup(&p, (enum tlm_command)cmd, addrs[ai], data,
								  lens[li]);
						tlm_payload_set_streaming_width(&p, widths[wi]);
						if (bi == 1)
							tlm_payload_set_byte_enable(&p, be3, 3);
						if (bi == 2)
							tlm_payload_set_byte_enable(&p, be1, 1);
						compare_with_reference(&p, ref, sizeof(ref));
					}
				}
			}
		}
	}
}
END_TEST

START_TEST(tlm_errors_change_nothing)
{
	struct tlm_target *t = bus_mem_target(&mem);
	struct tlm_payload p;
	uint8_t data[16], keep[16];
	sim_time_t d = 0;
	struct bus_mem m;
	struct bus_mem_config c = config(1, 0);

	fill_pattern(data, sizeof(data), 4);
	memcpy(keep, data, sizeof(data));
	tlm_payload_init(&p);
	/* In the hole, straddling into it, streaming into it. */
	tlm_payload_setup(&p, TLM_CMD_WRITE, 3 * GIB, data, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	tlm_payload_setup(&p, TLM_CMD_READ, A_BASE + A_SIZE - 2, data, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	tlm_payload_setup(&p, TLM_CMD_WRITE, B_BASE + B_SIZE - 4, data, 16);
	tlm_payload_set_streaming_width(&p, 8);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 3 * GIB, data, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(d, 0);
	ck_assert_mem_eq(data, keep, sizeof(data));
	ck_assert_uint_eq(mem.backed_frames, 0);

	/* The checks of sim/tlm.h, in its order. */
	tlm_payload_setup(&p, (enum tlm_command)7, 0, data, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_COMMAND_ERROR);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 0, data, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, data, 0);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_BURST_ERROR);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, data, 4);
	p.byte_enable = data;
	p.byte_enable_length = 0;
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_BYTE_ENABLE_ERROR);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, NULL, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_GENERIC_ERROR);
	ck_assert_uint_eq(d, 0);
	ck_assert_uint_eq(mem.backed_frames, 0);

	/* A write needing two frames against a cap of one. */
	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	ck_assert_int_eq(bus_mem_write(&m, 0, "a", 1), SIM_OK);
	tlm_payload_setup(&p, TLM_CMD_WRITE, FB - 2, data, 4);
	tlm_b_transport(bus_mem_target(&m), &p, &d);
	ck_assert_int_eq(p.response, TLM_GENERIC_ERROR);
	ck_assert_uint_eq(d, 0);
	ck_assert_uint_eq(m.backed_frames, 1);
	ck_assert_int_eq(bus_mem_read(&m, FB - 2, data, 4), SIM_OK);
	ck_assert_uint_eq(data[0] | data[1] | data[2] | data[3], 0);
	bus_mem_destroy(&m);
}
END_TEST

START_TEST(tlm_debug_transport)
{
	struct tlm_target *t = bus_mem_target(&mem);
	struct tlm_payload p;
	static uint8_t in[10000], out[10000];

	fill_pattern(in, sizeof(in), 8);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, B_BASE + 123, in, sizeof(in));
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), sizeof(in));
	tlm_payload_setup(&p, TLM_CMD_READ, B_BASE + 123, out, sizeof(out));
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), sizeof(out));
	ck_assert_mem_eq(in, out, sizeof(in));
	ck_assert_int_eq(p.response, TLM_INCOMPLETE); /* left alone */
	/* Clipped at the end of the range; nothing in a hole. */
	tlm_payload_setup(&p, TLM_CMD_READ, A_BASE + A_SIZE - 4, out, 16);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 4);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 3 * GIB, in, 16);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 0);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, B_BASE, in, 16);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 0);
}
END_TEST

START_TEST(tlm_dmi_grants)
{
	struct tlm_target *t = bus_mem_target(&mem);
	struct tlm_payload p;
	struct tlm_dmi dmi;
	uint8_t page[FB], v = 0;

	/* Frames written in ascending order are consecutive in the file. */
	memset(page, 0x11, sizeof(page));
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(bus_mem_write(&mem, A_BASE + i * FB, page, FB), SIM_OK);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, A_BASE + FB + 5, NULL, 0);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
	ck_assert_uint_eq(dmi.start, A_BASE);
	ck_assert_uint_eq(dmi.end, A_BASE + 4 * FB - 1);
	ck_assert(tlm_dmi_read_allowed(&dmi) && tlm_dmi_write_allowed(&dmi));
	ck_assert_uint_eq(dmi.read_latency_ps, LAT_PS + 4 * PER_BYTE_PS);
	ck_assert_uint_eq(dmi.write_latency_ps, LAT_PS + 4 * PER_BYTE_PS);
	ck_assert(tlm_dmi_covers(&dmi, A_BASE + 3 * FB, 8));
	*tlm_dmi_ptr(&dmi, A_BASE + 3 * FB + 2) = 0x99;
	ck_assert_int_eq(bus_mem_read(&mem, A_BASE + 3 * FB + 2, &v, 1), SIM_OK);
	ck_assert_uint_eq(v, 0x99);
	ck_assert_uint_eq(*tlm_dmi_ptr(&dmi, A_BASE + 2 * FB), 0x11);

	/* Frames backed out of order: the grant is the one frame. */
	ck_assert_int_eq(bus_mem_write(&mem, B_BASE + 10 * FB, "b", 1), SIM_OK);
	ck_assert_int_eq(bus_mem_write(&mem, B_BASE + 9 * FB, "a", 1), SIM_OK);
	tlm_payload_setup(&p, TLM_CMD_WRITE, B_BASE + 9 * FB, NULL, 0);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
	ck_assert_uint_eq(dmi.start, B_BASE + 9 * FB);
	ck_assert_uint_eq(dmi.end, B_BASE + 10 * FB - 1);
	ck_assert_uint_eq(dmi.ptr[0], 'a');

	/* An unbacked frame is backed to grant it. */
	uint64_t backed = mem.backed_frames;

	tlm_payload_setup(&p, TLM_CMD_READ, B_BASE + 50 * FB, NULL, 0);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
	ck_assert_uint_eq(mem.backed_frames, backed + 1);
	ck_assert_uint_eq(dmi.ptr[FB - 1], 0);

	/* In the hole: refused over the whole hole. */
	tlm_payload_setup(&p, TLM_CMD_READ, 3 * GIB, NULL, 0);
	ck_assert(!tlm_get_dmi(t, &p, &dmi));
	ck_assert_ptr_null(dmi.ptr);
	ck_assert_uint_eq(dmi.start, A_BASE + A_SIZE);
	ck_assert_uint_eq(dmi.end, B_BASE - 1);
	tlm_payload_setup(&p, TLM_CMD_READ, B_BASE + B_SIZE, NULL, 0);
	ck_assert(!tlm_get_dmi(t, &p, &dmi));
	ck_assert_uint_eq(dmi.start, B_BASE + B_SIZE);
	ck_assert_uint_eq(dmi.end, UINT64_MAX);
}
END_TEST

START_TEST(tlm_dmi_refused_at_cap)
{
	struct bus_mem m;
	struct bus_mem_config c = config(1, 0);
	struct tlm_payload p;
	struct tlm_dmi dmi;

	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	ck_assert_int_eq(bus_mem_write(&m, 0, "a", 1), SIM_OK);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 5 * FB + 1, NULL, 0);
	ck_assert(!tlm_get_dmi(bus_mem_target(&m), &p, &dmi));
	ck_assert_uint_eq(dmi.start, 5 * FB);
	ck_assert_uint_eq(dmi.end, 6 * FB - 1);
	ck_assert_uint_eq(m.backed_frames, 1);
	bus_mem_destroy(&m);
}
END_TEST

START_TEST(destroy_withdraws_dmi)
{
	struct bus_mem m;
	struct bus_mem_config c = config(4, 0);
	struct tlm_dmi_listener l;
	void *va;
	const uint64_t f = B_BASE;

	ck_assert_int_eq(bus_mem_init(&m, &c), SIM_OK);
	ck_assert_int_eq(bus_mem_map_frames(&m, &f, 1, &va), SIM_OK);
	tlm_dmi_listener_init(&l, on_invalidate, NULL);
	ck_assert_int_eq(tlm_target_add_dmi_listener(bus_mem_target(&m), &l), SIM_OK);
	inval_count = 0;
	bus_mem_destroy(&m);
	ck_assert_uint_eq(inval_count, 2); /* one per RAM range */
	ck_assert_uint_eq(inval_start, B_BASE);
	ck_assert_uint_eq(inval_end, B_BASE + B_SIZE - 1);
	ck_assert_ptr_null(tlm_dmi_listener_target(&l));
	ck_assert(!host_va_mapped(va)); /* the mapping went too */
}
END_TEST

static Suite *hostmem_suite(void)
{
	Suite *s = suite_create("bus:hostmem");
	TCase *tc = tcase_create("layout");

	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, init_errors);
	tcase_add_test(tc, touching_ranges_merge);
	tcase_add_test(tc, holes_refused);
	tcase_add_test(tc, frames_zero_on_demand);
	tcase_add_test(tc, cap_on_backed_frames);
	tcase_add_test(tc, large_layout_small_cap);
	tcase_add_test(tc, read_write_across_frames);
	suite_add_tcase(s, tc);

	tc = tcase_create("mapping");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, map_scattered_frames_alias);
	tcase_add_test(tc, map_driver_buffer_from_allocator);
	tcase_add_test(tc, map_repeated_frame_and_unmap);
	tcase_add_test(tc, map_errors_change_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("allocator");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, alloc_contiguous_and_zones);
	tcase_add_test(tc, alloc_scattered_and_shuffled);
	tcase_add_test(tc, alloc_deterministic);
	tcase_add_test(tc, alloc_and_free_errors);
	tcase_add_test(tc, free_discards_and_busy_when_mapped);
	suite_add_tcase(s, tc);

	tc = tcase_create("tlm");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, tlm_read_write_and_latency);
	tcase_add_test(tc, tlm_byte_enables_and_streaming_match_reference);
	tcase_add_test(tc, tlm_errors_change_nothing);
	tcase_add_test(tc, tlm_debug_transport);
	tcase_add_test(tc, tlm_dmi_grants);
	tcase_add_test(tc, tlm_dmi_refused_at_cap);
	tcase_add_test(tc, destroy_withdraws_dmi);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hostmem_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
