/*
 * tests/hostos/dma/test-partial.c - cmocka tests of partial MDLs
 * (hostos-semantics.md §6.3; the IoBuildPartialMdl, MmPrepareMdlForReuse
 * and IoFreeMdl pages): the target's fields, flags and PFNs for a range
 * and for Length 0 (to the end), a nonpaged or mapped source's system
 * address shared, an unmapped source's partial mapped on its own and that
 * mapping released by MmPrepareMdlForReuse, by a rebuild and by IoFreeMdl,
 * a 64 KiB transfer cut into partials whose scatter/gather lists hold the
 * driver's bytes, and the misuse codes (0xC4/0xB4, 0xB5, 0xA, the mock's
 * HOSTOS_MDL_BAD_PARTIAL, and a checked build's ASSERT in
 * MmPrepareMdlForReuse of a mapped MDL that is not partial).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/hostmem.h"
#include "hostos/devices.h"
#include "hostos/dma-internal.h"
#include "hostos/dma.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/test-cmocka.h"
#include "partial-driver.h"
#include "sim/kernel.h"

#define MIB (UINT64_C(1) << 20)
#define PAGE 4096u

/* WDK values the harness (not a Windows translation unit) needs. */
#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_WRITE_OPERATION 0x0080
#define MDL_PARENT_MAPPED_SYSTEM_VA 0x0100
#define HIGH_LEVEL 15

static struct sim_kernel kern;
static struct bus_mem mem;
static struct hostos *os;
static struct hostos_device *dev;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void run(void (*fn)(void *), int arg)
{
	static const struct bus_mem_range ram[] = { { 0, 64 * MIB } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct hostos_device_desc dd = { .name = "dma", .bus = 1, .line = HOSTOS_NO_LINE };
	struct sim_kernel_config kc;
	struct hostos_config c;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(bus_mem_init(&mem, &mc), SIM_OK);
	hostos_config_default(&c);
	assert_int_equal(hostos_create(&os, &kern, &c), SIM_OK);
	assert_int_equal(hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_SCATTERED), SIM_OK);
	assert_int_equal(hostos_device_create(os, &dd, &dev), SIM_OK);
	memset(&pm_obs, 0, sizeof(pm_obs));
	pm_in.pdo = hostos_device_pdo(dev);
	pm_in.arg = arg;
	assert_int_equal(hostos_thread_start(os, "partial", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void shutdown(void)
{
	hostos_destroy(os);
	bus_mem_destroy(&mem);
	sim_kernel_destroy(&kern);
}

/* The target's PFNs are the source's from page @first on. */
static void pfns_from(const struct pm_mdl *m, unsigned first, unsigned pages)
{
	assert_int_equal(m->n_pfn, pages);
	for (unsigned i = 0; i < pages; i++)
		assert_int_equal(m->pfn[i], pm_obs.src_pfn[first + i]);
}

static void test_nonpaged(void **state)
{
	const struct pm_mdl *m = pm_obs.m;

	(void)state;
	run(pm_nonpaged, 0);
	hostos_assert_no_bugcheck(os);
	assert_true(pm_obs.done);
	/* 6000 bytes at +5000 of a buffer at page offset 100: pages 1-2 */
	assert_int_equal(m[0].flags, MDL_PARTIAL | MDL_SOURCE_IS_NONPAGED_POOL);
	assert_int_equal(m[0].byte_count, 6000);
	assert_int_equal(m[0].byte_offset, (100 + 5000) % PAGE);
	assert_int_equal(m[0].start_va, (pm_obs.buf + 5000) & ~(uintptr_t)(PAGE - 1));
	pfns_from(&m[0], 1, 2);
	/* the nonpaged source's address: the buffer itself */
	assert_int_equal(m[0].mapped_va, pm_obs.buf + 5000);
	assert_int_equal(m[0].sys, pm_obs.buf + 5000);
	/* Length 0: from +9000 to the end (11000 bytes, pages 2-4) */
	assert_int_equal(m[1].byte_count, 11000);
	assert_int_equal(m[1].byte_offset, (100 + 9000) % PAGE);
	pfns_from(&m[1], 2, 3);
	assert_int_equal(m[1].sys, pm_obs.buf + 9000);
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();
}

static void test_mapped_source(void **state)
{
	const struct pm_mdl *m = pm_obs.m;
	const uint16_t locked = MDL_PAGES_LOCKED | MDL_WRITE_OPERATION;

	(void)state;
	run(pm_mapped_source, 0);
	hostos_assert_no_bugcheck(os);
	assert_true(pm_obs.done);
	assert_int_equal(m[0].flags, locked | MDL_MAPPED_TO_SYSTEM_VA);
	/* the partial shares the source's mapping */
	assert_int_equal(m[1].flags, MDL_PARTIAL | locked | MDL_MAPPED_TO_SYSTEM_VA |
					     MDL_PARENT_MAPPED_SYSTEM_VA);
	assert_int_equal(m[1].mapped_va, m[0].sys + 4000);
	assert_int_equal(m[1].sys, m[0].sys + 4000);
	assert_int_not_equal(m[1].sys, pm_obs.buf + 4000);   /* the mapping, not the buffer */
	assert_int_equal(pm_obs.seen[0], pm_pattern(50 + 4000));
	pfns_from(&m[1], 0, 3);       /* bytes 4050..9049 of the pool: pages 0-2 */
	/* MmPrepareMdlForReuse leaves it, and the source's mapping, alone */
	assert_int_equal(m[2].flags, m[1].flags);
	assert_int_equal(pm_obs.seen[1], pm_pattern(50));
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();
}

static void test_own_mapping(void **state)
{
	const struct pm_mdl *m = pm_obs.m;
	const uint16_t partial = MDL_PARTIAL | MDL_PAGES_LOCKED | MDL_WRITE_OPERATION;
	unsigned warnings;

	(void)state;
	run(pm_own_mapping, 0);
	hostos_assert_no_bugcheck(os);
	assert_true(pm_obs.done);
	assert_int_equal(m[0].flags, partial);
	assert_int_equal(m[0].mapped_va, 0);
	/* MmGetSystemAddressForMdlSafe maps the partial itself */
	assert_int_equal(m[1].flags,
			 partial | MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);
	assert_int_equal(m[1].mapped_va, m[1].sys);
	assert_int_not_equal(m[1].sys, pm_obs.buf + 4000);
	assert_int_equal(m[1].sys % PAGE, (50 + 4000) % PAGE);
	assert_int_equal(pm_obs.seen[0], pm_pattern(50 + 4000));
	assert_int_equal(pm_obs.seen[1], 0xEE);              /* written through it */
	/* MmPrepareMdlForReuse released it */
	assert_int_equal(m[2].flags, partial);
	assert_int_equal(m[2].mapped_va, 0);
	/* built again to the end and mapped */
	assert_int_equal(m[3].byte_count, 12000 - 8000);
	assert_int_equal(pm_obs.seen[2], pm_pattern(50 + 8000));
	/* rebuilt while mapped: the mapping went, with a warning */
	assert_int_equal(m[4].flags, partial);
	assert_int_equal(m[4].byte_count, 100);
	assert_int_equal(pm_obs.seen[3], pm_pattern(50 + 99));
	warnings = hostos_warnings(os);
	assert_int_equal(warnings, 1);
	/* IoFreeMdl released the last mapping: nothing is left */
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();
}

/* The device stand-in: reads each element of chunk @c's live list from
 * the machine's memory and compares with the driver's bytes. */
static struct {
	uint32_t bytes[8], bad[8];
} dev_seen;

static void device_reads(unsigned c, const uint64_t *addr, const uint32_t *len, unsigned n)
{
	static uint8_t buf[PAGE];
	uint32_t at = pm_obs.chunk_off[c];

	for (unsigned e = 0; e < n && c < 8; e++) {
		uint64_t a = addr[e];
		uint32_t left = len[e];

		while (left) {
			uint32_t k = PAGE - (uint32_t)(a % PAGE);

			if (k > left)
				k = left;
			assert_int_equal(bus_mem_read(&mem, a, buf, k), SIM_OK);
			for (uint32_t i = 0; i < k; i++)
				dev_seen.bad[c] += buf[i] != pm_pattern(at + i);
			a += k;
			at += k;
			left -= k;
			dev_seen.bytes[c] += k;
		}
	}
}

/* The split-a-request pattern: 64 KiB in partials of 24 KiB, each with a
 * scatter/gather list; the device's view of each list is the driver's
 * bytes of that chunk. */
static void test_dma_chunks(void **state)
{
	(void)state;
	memset(&dev_seen, 0, sizeof(dev_seen));
	pm_in.device = device_reads;
	run(pm_dma_chunks, 0);
	pm_in.device = NULL;
	hostos_assert_no_bugcheck(os);
	assert_true(pm_obs.done);
	assert_int_equal(pm_obs.chunks, 3);
	assert_int_equal(pm_obs.chunk_len[0], 24576);
	assert_int_equal(pm_obs.chunk_len[1], 24576);
	assert_int_equal(pm_obs.chunk_len[2], 65536 - 2 * 24576);
	for (unsigned c = 0; c < 3; c++) {
		assert_int_equal(pm_obs.status[c], 0);
		assert_true(pm_obs.n_elem[c] >= 1 && pm_obs.n_elem[c] <= 7);
		assert_int_equal(dev_seen.bytes[c], pm_obs.chunk_len[c]);
		assert_int_equal(dev_seen.bad[c], 0);
	}
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();
}

static void test_bad_unlock(void **state)
{
	(void)state;
	run(pm_bad_unlock, 0);
	hostos_assert_bugcheck(os, 0xC4, 0xB4, pm_obs.target, pm_obs.m[0].flags, MDL_PARTIAL);
	assert_false(pm_obs.done);
	shutdown();
}

static void test_bad_unmap(void **state)
{
	(void)state;
	/* a partial sharing its source's mapping */
	run(pm_bad_unmap, 0);
	assert_true(pm_obs.m[0].flags & MDL_PARENT_MAPPED_SYSTEM_VA);
	hostos_assert_bugcheck(os, 0xC4, 0xB5, pm_obs.target, pm_obs.m[0].flags, MDL_PARTIAL);
	shutdown();
	/* a partial not mapped at all */
	run(pm_bad_unmap, 1);
	assert_int_equal(pm_obs.m[0].flags & MDL_MAPPED_TO_SYSTEM_VA, 0);
	hostos_assert_bugcheck(os, 0xC4, 0xB5, pm_obs.target, pm_obs.m[0].flags, MDL_PARTIAL);
	shutdown();
}

static void test_bad_range(void **state)
{
	(void)state;
	run(pm_bad_range, 0);        /* one byte before the source */
	hostos_assert_bugcheck(os, HOSTOS_MDL_BAD_PARTIAL, 1, pm_obs.src, pm_obs.target,
			       pm_obs.buf - 1);
	shutdown();
	run(pm_bad_range, 1);        /* one byte past its end */
	hostos_assert_bugcheck(os, HOSTOS_MDL_BAD_PARTIAL, 1, pm_obs.src, pm_obs.target,
			       pm_obs.buf + 9000);
	shutdown();
	run(pm_bad_range, 2);        /* Length 0 at its end: nothing left */
	hostos_assert_bugcheck(os, HOSTOS_MDL_BAD_PARTIAL, 1, pm_obs.src, pm_obs.target,
			       pm_obs.buf + 10000);
	shutdown();
	run(pm_bad_range, 3);        /* above DISPATCH_LEVEL */
	hostos_assert_bugcheck(os, 0xA, HOSTOS_ANY, HIGH_LEVEL, 0, 0);
	shutdown();
}

static void test_bad_small_target(void **state)
{
	(void)state;
	run(pm_bad_small_target, 0);
	/* 9000 bytes at page offset 200 span 3 pages; the target has room
	 * for one */
	hostos_assert_bugcheck(os, HOSTOS_MDL_BAD_PARTIAL, 2, pm_obs.src, pm_obs.target, 3);
	shutdown();
}

/* The driver is a checked build (DBG=1): the macro's ASSERT that a
 * mapped MDL it is given is partial fails, HOSTOS_ASSERTION_FAILED. */
static void test_bad_prepare(void **state)
{
	(void)state;
	run(pm_bad_prepare, 0);
	assert_true(pm_obs.m[0].flags & MDL_MAPPED_TO_SYSTEM_VA);
	hostos_assert_bugcheck(os, HOSTOS_ASSERTION_FAILED, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY,
			       HOSTOS_ANY);
	assert_false(pm_obs.done);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonpaged),
		cmocka_unit_test(test_mapped_source),
		cmocka_unit_test(test_own_mapping),
		cmocka_unit_test(test_dma_chunks),
		cmocka_unit_test(test_bad_unlock),
		cmocka_unit_test(test_bad_unmap),
		cmocka_unit_test(test_bad_range),
		cmocka_unit_test(test_bad_small_target),
		cmocka_unit_test(test_bad_prepare),
	};

	return cmocka_run_group_tests_name("hostos:partial-mdl", tests, NULL, NULL);
}
