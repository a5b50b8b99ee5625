/*
 * tests/hostos/dma/test-dma.c - cmocka tests of WDM DMA
 * (hostos-semantics.md §7): IoGetDmaAdapter and its tables, common
 * buffers a 32-bit device reaches, scatter/gather lists whose addresses a
 * device reads the driver's exact bytes at (bus_mem_read, or through the
 * IOMMU), above and below 4 GiB, unaligned, paged, chained; a 32-bit
 * device with a buffer above 4 GiB through bounce buffers (the driver
 * sees the device's data only after the flush; without it the data is
 * wrong, and the verifier says 0xE6/0x0D); packet DMA with MapTransfer;
 * an IOMMU fault for an access outside a live mapping; and each misuse
 * with its 0xE6 subcode and parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/hostmem.h"
#include "dma-driver.h"
#include "dma/iommu.h"
#include "hostos/devices.h"
#include "hostos/dma-internal.h"
#include "hostos/dma.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"

#define MIB (UINT64_C(1) << 20)
#define G4 (UINT64_C(1) << 32)
#define PAGE 4096u
#define STATUS_SUCCESS 0u
#define STATUS_BUFFER_TOO_SMALL 0xC0000023u
#define STATUS_INSUFFICIENT_RESOURCES 0xC000009Au

static struct sim_kernel kern;
static struct bus_mem mem;
static struct hostos *os;
static struct hostos_device *dev;
static struct dma_iommu iommu;
static bool with_iommu;
static void (*prepare)(void);  /* run() calls it before the driver thread starts */

/* What the device stand-in saw. */
static struct {
	unsigned calls;
	unsigned bad_bytes;      /* bytes that differed from the driver's */
	uint64_t bytes;          /* bytes moved */
	uint64_t highest;        /* highest device address used */
	uint64_t fault_at;       /* dma_iommu_fault: the address tried */
	bool fault_outside;
} seen;

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint8_t pattern2(uint32_t i)
{
	return (uint8_t)(0xC0 ^ i);
}

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

/* A device access of @len bytes at device address @a, through the IOMMU
 * when there is one, a page at a time. */
static void dev_access(uint64_t a, uint8_t *buf, uint32_t len, bool write)
{
	while (len) {
		uint32_t n = PAGE - (uint32_t)(a % PAGE);
		uint64_t pa = a;

		if (n > len)
			n = len;
		if (with_iommu)
			assert_int_equal(dma_iommu_translate(&iommu, a, n, write, &pa, NULL), SIM_OK);
		if (write)
			assert_int_equal(bus_mem_write(&mem, pa, buf, n), SIM_OK);
		else
			assert_int_equal(bus_mem_read(&mem, pa, buf, n), SIM_OK);
		a += n;
		buf += n;
		len -= n;
	}
}

static void device_cb(void *opaque, const uint64_t *addr, const uint32_t *len, unsigned n,
		      int to_device)
{
	static uint8_t buf[256 * 1024];
	uint32_t at = 0;

	(void)opaque;
	seen.calls++;
	for (unsigned e = 0; e < n; e++) {
		assert_true(len[e] <= sizeof(buf));
		if (addr[e] + len[e] - 1 > seen.highest)
			seen.highest = addr[e] + len[e] - 1;
		if (to_device) {
			dev_access(addr[e], buf, len[e], false);
			for (uint32_t i = 0; i < len[e]; i++)
				seen.bad_bytes += buf[i] != pattern(at + i);
		} else {
			for (uint32_t i = 0; i < len[e]; i++)
				buf[i] = pattern2(at + i);
			dev_access(addr[e], buf, len[e], true);
		}
		at += len[e];
	}
	seen.bytes += at;
	if (seen.fault_outside && to_device) {
		uint64_t pa;

		/* A page past the list: no live mapping there. */
		seen.fault_at = (addr[n - 1] + len[n - 1] + PAGE) & ~(uint64_t)(PAGE - 1);
		assert_int_equal(dma_iommu_translate(&iommu, seen.fault_at, 4, false, &pa, NULL),
				 SIM_ERR_STATE);
	}
}

struct setup {
	unsigned pool_flags;
	bool verifier;
	bool iommu;
	bool special;    /* Special Pool on: each allocation on pages of its own */
};

static void run(void (*fn)(void *), struct setup s)
{
	static const struct bus_mem_range ram[] = { { 0, 64 * MIB }, { G4, 64 * MIB } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 2 };
	struct hostos_device_desc dd = { .name = "dma", .bus = 1, .line = HOSTOS_NO_LINE };
	struct sim_kernel_config kc;
	struct hostos_config c;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(bus_mem_init(&mem, &mc), SIM_OK);
	hostos_config_default(&c);
	if (!s.verifier)
		c.verifier = 0;
	if (s.special)
		c.special_pool = HOSTOS_SPECIAL_POOL_END;
	assert_int_equal(hostos_create(&os, &kern, &c), SIM_OK);
	assert_int_equal(hostos_attach_memory(os, &mem, s.pool_flags | BUS_MEM_ALLOC_SCATTERED),
			 SIM_OK);
	assert_int_equal(hostos_device_create(os, &dd, &dev), SIM_OK);
	with_iommu = s.iommu;
	if (s.iommu) {
		assert_int_equal(dma_iommu_init(&iommu), SIM_OK);
		assert_int_equal(hostos_device_set_iommu(dev, &iommu), SIM_OK);
	}
	memset(&dma_obs, 0, sizeof(dma_obs));
	dma_in.pdo = hostos_device_pdo(dev);
	dma_in.device = device_cb;
	if (prepare)
		prepare();
	assert_int_equal(hostos_thread_start(os, "dma", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void shutdown(void)
{
	hostos_destroy(os);
	if (with_iommu)
		dma_iommu_destroy(&iommu);
	bus_mem_destroy(&mem);
	sim_kernel_destroy(&kern);
	memset(&seen, 0, sizeof(seen));
	memset(&dma_in, 0, sizeof(dma_in));
	prepare = NULL;
}

/* dma_in for a 64 KiB transfer of a scatter/gather device. */
static void in(int dma64, uint32_t length, uint32_t offset)
{
	memset(&dma_in, 0, sizeof(dma_in));
	dma_in.version = 2;
	dma_in.sg = 1;
	dma_in.dma64 = dma64;
	dma_in.max_length = 256 * 1024;
	dma_in.length = length;
	dma_in.offset = offset;
}

static const struct setup ABOVE = { BUS_MEM_ALLOC_ABOVE_4G, true, false, false };
static const struct setup BELOW = { BUS_MEM_ALLOC_BELOW_4G, true, false, false };

/* ---- adapters ---- */

static void test_adapter_tables(void **state)
{
	(void)state;
	in(1, 0, 0);
	dma_in.max_length = 64 * 1024;
	run(dma_get_adapter, BELOW);
	hostos_assert_no_bugcheck(os);
	assert_non_null(dma_obs.adapter);
	assert_int_equal(dma_obs.map_regs, 17); /* BYTES_TO_PAGES(64 KiB) + 1 */
	assert_true(dma_obs.ok[0]);
	assert_true(dma_obs.ok[1]);
	assert_int_equal(dma_obs.status[0], 128); /* version 2: the whole table */
	assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
	shutdown();

	in(1, 0, 0);
	dma_in.version = 0;
	dma_in.max_length = 5000;
	run(dma_get_adapter, BELOW);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.map_regs, 3);
	assert_int_equal(dma_obs.status[0], 104); /* version 1: up to PutScatterGatherList */
	shutdown();

	in(1, 0, 0);
	dma_in.version = 3; /* DmaAddressWidth 0: refused */
	run(dma_get_adapter, BELOW);
	hostos_assert_no_bugcheck(os);
	assert_null(dma_obs.adapter);
	shutdown();
}

/* Version 3: DmaAddressWidth honoured (a 32-bit device and pool above
 * 4 GiB: bounced), GetDmaAdapterInfo, AllocateCommonBufferEx under a
 * maximum address, InitializeDmaTransferContext, GetScatterGatherListEx
 * with and without a callback. */
static void test_v3(void **state)
{
	(void)state;
	in(0, 5 * PAGE, 0);
	dma_in.version = 32;
	dma_in.max_length = 64 * 1024;
	run(dma_v3, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_non_null(dma_obs.adapter);
	assert_int_equal(dma_obs.map_regs, 17);
	assert_int_equal(dma_obs.status[0], 8 + 28 * 8); /* the version 3 table */
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[2], 32);
	assert_int_equal(dma_obs.status[3], 17);
	assert_non_null(dma_obs.va);
	assert_true(dma_obs.logical + 3000 <= 0x1000000);
	assert_int_equal(dma_obs.status[4], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[5], STATUS_SUCCESS);
	assert_true(dma_obs.n_elem >= 1);
	assert_true(seen.highest < G4);
	assert_int_equal(seen.bad_bytes, 0);
	assert_int_equal(dma_obs.status[6], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	shutdown();
}

/* GetDmaTransferInfo and BuildScatterGatherListEx: the size the query
 * gives is what the build needs (one byte less: STATUS_BUFFER_TOO_SMALL),
 * the list is built in the caller's buffer, its elements are no more than
 * the query said and carry the driver's exact bytes. A 64-bit device
 * takes no map registers; a 32-bit one with pool above 4 GiB one per page
 * (and is bounced). */
static void test_v3_build_ex(void **state)
{
	static const struct { int width; struct setup s; unsigned regs; } cases[] = {
		{ 64, { BUS_MEM_ALLOC_ABOVE_4G, true, false, false }, 0 },
		{ 32, { BUS_MEM_ALLOC_ABOVE_4G, true, false, false }, 5 },
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint64_t total = 0;

		in(0, 0, 0);
		dma_in.version = cases[i].width;
		run(dma_v3_build_ex, cases[i].s);
		hostos_assert_no_bugcheck(os);
		assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
		assert_int_equal(dma_obs.nregs, cases[i].regs);
		assert_int_equal(dma_obs.status[4], 5);   /* LogicalPageCount: the pages spanned */
		assert_true(dma_obs.n_elem >= 1 && dma_obs.n_elem <= 5);
		/* a SCATTER_GATHER_LIST (16 bytes of header) and its elements (24 each) */
		assert_true(dma_obs.size >= 16 + 24 * dma_obs.n_elem);
		assert_int_equal(dma_obs.status[1], STATUS_BUFFER_TOO_SMALL);
		assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
		assert_true(dma_obs.ok[0]);
		assert_true(dma_obs.built_elem >= 1 && dma_obs.built_elem <= dma_obs.n_elem);
		for (unsigned e = 0; e < dma_obs.built_elem; e++)
			total += dma_obs.elem_len[e];
		assert_int_equal(total, 5 * PAGE - 200);
		assert_int_equal(seen.bad_bytes, 0);
		if (cases[i].width == 32)
			assert_true(seen.highest < G4);
		assert_int_equal(dma_obs.status[3], STATUS_SUCCESS);
		assert_true(dma_obs.ok[1]);
		assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
		shutdown();
	}
}

/* AllocateAdapterChannelEx (at once with DMA_SYNCHRONOUS_CALLBACK and no
 * routine, or failing; waiting without it), CancelAdapterChannel of a
 * waiting channel and of a waiting GetScatterGatherListEx (TRUE once,
 * their routines never run), FreeAdapterObject keeping the registers or
 * not (spec §7.3 and the WDK's version 3 routines). */
static void test_v3_channel_ex(void **state)
{
	(void)state;
	in(0, 0, 0);
	run(dma_v3_channel_ex, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
	for (int i = 0; i <= 6; i++)
		assert_true(dma_obs.ok[i]);
	assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
	shutdown();
}

/* MapTransferEx and FlushAdapterBuffersEx on registers from
 * AllocateAdapterChannelEx, bounced: the list in the caller's buffer
 * covers the whole range below 4 GiB, and what the device writes reaches
 * the driver's buffer at the flush, not before;
 * a list buffer one byte short is STATUS_BUFFER_TOO_SMALL with nothing
 * mapped. */
static void test_v3_map_ex(void **state)
{
	uint64_t total = 0;

	(void)state;
	in(0, 0, 0);
	run(dma_v3_map_ex, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[3], STATUS_BUFFER_TOO_SMALL);
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	assert_int_equal(dma_obs.size, 3 * PAGE - 200);
	for (unsigned e = 0; e < dma_obs.n_elem; e++)
		total += dma_obs.elem_len[e];
	assert_int_equal(total, 3 * PAGE - 200);
	assert_true(seen.highest < G4);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(dma_obs.before_put[i], pattern(i));
		assert_int_equal(dma_obs.after_put[i], pattern2(i));
	}
	assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
	assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
	shutdown();
}

/* ---- common buffers ---- */

static void test_common_buffer_32(void **state)
{
	(void)state;
	in(0, 5000, 0);
	run(dma_common_buffer, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_non_null(dma_obs.va);
	assert_int_equal((uintptr_t)dma_obs.va % PAGE, 0);
	assert_int_equal(dma_obs.logical % PAGE, 0);
	assert_true(dma_obs.logical + 5000 <= G4); /* the device reaches it */
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.bad_bytes, 0);      /* the device sees the driver's bytes */
	assert_int_equal(dma_obs.pfn[0], dma_obs.logical >> 12); /* MDL over it */
	/* MmGetPhysicalAddress of a common buffer: its frame, not 0 */
	assert_int_equal(dma_obs.pa[0], dma_obs.logical + 5);
	assert_int_equal(hostos_dma_live_common_buffers(os, NULL, 0), 0);
	shutdown();
}

/* The unload sweep finds an adapter never put, its common buffer and an
 * MDL: the adapter first (the mock's leftover code, P1 = 3), the common
 * buffer as PutDmaAdapter would report it (0xE6/0x07), the MDL (P1 = 4). */
static void test_sweep_dma_leftovers(void **state)
{
	struct hostos_unload_report rep;
	bool adapter = false, common = false, mdl = false;

	(void)state;
	run(dma_leave_behind, BELOW);
	hostos_assert_no_bugcheck(os);
	assert_non_null(dma_obs.va);
	assert_true(hostos_unload_sweep(os, &rep) != 0);
	for (size_t i = 0; i < rep.kept; i++) {
		const struct hostos_leftover *l = &rep.item[i];

		if (l->kind == HOSTOS_LEFT_ADAPTER) {
			adapter = true;
			assert_int_equal(l->code, HOSTOS_UNLOAD_LEFTOVER);
			assert_int_equal(l->p[0], 3);
		} else if (l->kind == HOSTOS_LEFT_COMMON_BUFFER) {
			common = true;
			assert_int_equal(l->code, 0xE6);
			assert_int_equal(l->p[0], 0x07);
			assert_int_equal(l->p[2], 1);
			assert_ptr_equal((void *)(uintptr_t)l->addr, dma_obs.va);
		} else if (l->kind == HOSTOS_LEFT_MDL) {
			mdl = true;
			assert_int_equal(l->code, HOSTOS_UNLOAD_LEFTOVER);
			assert_int_equal(l->p[0], 4);
			assert_int_equal(l->p[3], 1);
		}
	}
	assert_true(adapter && common && mdl);
	hostos_assert_bugcheck(os, HOSTOS_UNLOAD_LEFTOVER, 3, HOSTOS_ANY, HOSTOS_ANY, 0);
	shutdown();
}

static void test_common_buffer_iommu(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.iommu = true;
	in(1, 3 * PAGE, 0);
	run(dma_common_buffer, s);
	hostos_assert_no_bugcheck(os);
	assert_true(dma_obs.logical >= HOSTOS_DMA_IOVA_BASE &&
		    dma_obs.logical < HOSTOS_DMA_IOVA_BASE + HOSTOS_DMA_IOVA_BYTES);
	assert_int_equal(seen.bad_bytes, 0);
	shutdown();
}

/* ---- scatter/gather ---- */

static void check_list(uint32_t length)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < dma_obs.n_elem; i++)
		total += dma_obs.elem_len[i];
	assert_int_equal(total, length);
}

static void test_sg_64_above(void **state)
{
	struct hostos_dma_stats st;

	(void)state;
	in(1, 64 * 1024, 100);
	run(dma_sg_list, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	check_list(64 * 1024);
	/* Scattered pages: more than one element, all above 4 GiB. */
	assert_true(dma_obs.n_elem > 1 && dma_obs.n_elem <= 17);
	for (unsigned i = 0; i < dma_obs.n_elem; i++)
		assert_true(dma_obs.elem_addr[i] >= G4);
	assert_int_equal(dma_obs.elem_addr[0] % PAGE, 100);
	assert_int_equal(seen.bad_bytes, 0);
	/* From the device: no bounce, the bytes are there before the put. */
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(dma_obs.before_put[i], pattern2(i));
		assert_int_equal(dma_obs.after_put[i], pattern2(i));
	}
	hostos_dma_stats(os, &st);
	assert_int_equal(st.bounced_bytes, 0);
	assert_int_equal(st.sg_lists, 2);
	assert_int_equal(st.sg_lists_put, 2);
	shutdown();
}

static void test_sg_32_below(void **state)
{
	struct hostos_dma_stats st;

	(void)state;
	in(0, 40000, 0);
	run(dma_sg_list, BELOW);
	hostos_assert_no_bugcheck(os);
	check_list(40000);
	assert_true(seen.highest < G4);
	assert_int_equal(seen.bad_bytes, 0);
	hostos_dma_stats(os, &st);
	assert_int_equal(st.bounced_bytes, 0);
	shutdown();
}

/* A buffer from Special Pool (one page, ending at the page's end) is
 * described, listed and read by the device like any pool: its frame is
 * the special page's. */
static void test_sg_special_pool(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.special = true;
	in(1, 3000, 0);
	run(dma_sg_list, s);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	check_list(3000);
	assert_int_equal(dma_obs.elem_addr[0] % PAGE, PAGE - 3008); /* the block ends the page */
	assert_int_equal(seen.bad_bytes, 0);
	shutdown();
}

/* A 32-bit device and a buffer above 4 GiB: bounce buffers. */
static void test_sg_32_above_bounce(void **state)
{
	struct hostos_dma_stats st;

	(void)state;
	in(0, 64 * 1024, 24);
	run(dma_sg_list, ABOVE);
	hostos_assert_no_bugcheck(os);
	check_list(64 * 1024);
	assert_true(seen.highest < G4);
	assert_int_equal(seen.bad_bytes, 0);        /* copied at map time */
	for (unsigned i = 0; i < 16; i++) {
		/* Before PutScatterGatherList the driver still sees its old
		 * bytes: the device wrote into the bounce frames. */
		assert_int_equal(dma_obs.before_put[i], pattern(i));
		assert_int_equal(dma_obs.after_put[i], pattern2(i));
	}
	hostos_dma_stats(os, &st);
	assert_int_equal(st.bounced_bytes, 2 * 64 * 1024);
	shutdown();
}

/* BuildMdlFromScatterGatherList: for a list bounced below 4 GiB, a new MDL
 * over the bounce frames whose bytes are the data the device reads; a
 * second call STATUS_NONE_MAPPED; NULL OriginalMdl STATUS_INVALID_PARAMETER;
 * the MDL goes with PutScatterGatherList. Not bounced: the original MDL. */
static void test_build_mdl_from_sg(void **state)
{
	(void)state;
	in(0, 3 * 4096, 100);
	run(dma_build_mdl, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], 0);
	assert_int_equal(dma_obs.status[1], 0);
	assert_non_null(dma_obs.mdl2);
	assert_ptr_not_equal(dma_obs.mdl2, dma_obs.mdl);
	assert_true((dma_obs.pfn[0] << 12) < G4);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(dma_obs.before_put[i], pattern(i));
	assert_int_equal(dma_obs.status[2], 0xC0000073u); /* STATUS_NONE_MAPPED */
	assert_int_equal(dma_obs.status[3], 0xC000000Du); /* STATUS_INVALID_PARAMETER */
	assert_int_equal(hostos_dma_live_mdls(os, NULL, 0), 0);
	shutdown();

	in(0, 3 * 4096, 100);
	run(dma_build_mdl, BELOW);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[1], 0);
	assert_ptr_equal(dma_obs.mdl2, dma_obs.mdl);
	assert_int_equal(dma_obs.status[2], 0);
	shutdown();
}

static void test_sg_unaligned_paged(void **state)
{
	(void)state;
	in(1, 10001, 4095);
	dma_in.paged = 1;
	run(dma_sg_list, ABOVE);
	hostos_assert_no_bugcheck(os);
	check_list(10001);
	assert_int_equal(seen.bad_bytes, 0);
	assert_int_equal(dma_obs.after_put[0], pattern2(0));
	shutdown();
}

static void test_sg_chain(void **state)
{
	(void)state;
	in(1, 20000, 0);
	run(dma_sg_chain, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	check_list(20000);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.bad_bytes, 0);
	shutdown();
}

static void test_sg_too_many_pages(void **state)
{
	(void)state;
	in(1, 64 * 1024, 0);
	dma_in.max_length = PAGE; /* 2 map registers */
	run(dma_sg_list, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(seen.calls, 0);
	shutdown();
}

static void test_build_sg(void **state)
{
	(void)state;
	in(1, 3 * PAGE, 8);
	run(dma_build_sg, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.nregs, 4);
	assert_int_equal(dma_obs.size, 16 + 4 * 24);
	assert_int_equal(dma_obs.status[1], STATUS_BUFFER_TOO_SMALL);
	assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	assert_int_equal(seen.bad_bytes, 0);
	shutdown();
}

/* No scatter/gather: one element, contiguous (bounced). */
static void test_sg_device_without_sg(void **state)
{
	(void)state;
	in(1, 5 * PAGE, 0);
	dma_in.sg = 0;
	run(dma_sg_list, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.n_elem, 1);
	assert_int_equal(dma_obs.elem_len[0], 5 * PAGE);
	assert_int_equal(seen.bad_bytes, 0);
	assert_int_equal(dma_obs.after_put[3], pattern2(3));
	shutdown();
}

static void test_sg_iommu(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.iommu = true;
	in(0, 64 * 1024, 100);
	run(dma_sg_list, s);
	hostos_assert_no_bugcheck(os);
	/* One element: consecutive I/O virtual pages, in the window. */
	assert_int_equal(dma_obs.n_elem, 1);
	assert_true(dma_obs.elem_addr[0] >= HOSTOS_DMA_IOVA_BASE);
	assert_int_equal(seen.bad_bytes, 0);
	assert_int_equal(dma_obs.before_put[0], pattern2(0)); /* no bounce */
	assert_int_equal(iommu.faults, 0);
	shutdown();
}

static void test_iommu_fault(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.iommu = true;
	in(1, 2 * PAGE, 0);
	seen.fault_outside = true;
	run(dma_iommu_fault, s);
	hostos_assert_bugcheck(os, 0xE6, 0x26, (uintptr_t)dma_in.pdo, seen.fault_at,
			       DMA_IOMMU_FAULT_UNMAPPED);
	shutdown();
}

/* ---- packet DMA (MapTransfer) ---- */

static void test_packet_bounce(void **state)
{
	struct hostos_dma_stats st;

	(void)state;
	in(0, 3 * PAGE + 500, 300);
	run(dma_packet, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	assert_true(dma_obs.ok[1]);
	assert_true(seen.highest < G4);
	assert_int_equal(seen.bad_bytes, 0);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(dma_obs.before_put[i], pattern(i));  /* before the flush */
		assert_int_equal(dma_obs.after_put[i], pattern2(i));  /* after it */
	}
	hostos_dma_stats(os, &st);
	assert_true(st.map_transfers >= 2);
	assert_int_equal(st.flushes, 2);
	shutdown();
}

static void test_packet_direct(void **state)
{
	(void)state;
	in(1, 3 * PAGE, 0);
	run(dma_packet, ABOVE);
	hostos_assert_no_bugcheck(os);
	/* Scattered pages: MapTransfer maps one contiguous run per call. */
	assert_true(dma_obs.n_elem >= 2);
	assert_int_equal(seen.bad_bytes, 0);
	assert_int_equal(dma_obs.before_put[0], pattern2(0));
	shutdown();
}

/* The flush missing, verifier off: the driver never sees the data. */
static void test_packet_no_flush_wrong_data(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.verifier = false;
	in(0, 2 * PAGE, 0);
	run(dma_packet_no_flush, s);
	hostos_assert_no_bugcheck(os);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(dma_obs.after_put[i], pattern(i));
	shutdown();
}

static void test_packet_no_flush_verified(void **state)
{
	(void)state;
	in(0, 2 * PAGE, 0);
	struct hostos_live_adapter a;

	run(dma_packet_no_flush, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x0D, 2 * PAGE, 2 * PAGE, 0);
	/* what the I/O manager would see at IoCompleteRequest */
	assert_int_equal(hostos_dma_live_adapters(os, &a, 1), 1);
	assert_int_equal(a.unflushed_bytes, 2 * PAGE);
	assert_int_equal(a.map_register_sets, 1);
	shutdown();
}

static void test_channel_keep(void **state)
{
	(void)state;
	in(1, PAGE, 0);
	run(dma_channel_keep, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	assert_true(dma_obs.ok[1]);
	shutdown();
}

static void test_too_many_regs_status(void **state)
{
	struct setup s = ABOVE;

	(void)state;
	s.verifier = false;
	in(1, PAGE, 0);
	run(dma_bad_too_many_regs, s);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_INSUFFICIENT_RESOURCES);
	assert_true(dma_obs.ok[0]);
	shutdown();
}

/* ---- misuse (DMA Verification) ---- */

#define MISUSE(name, fn, len, ...)                             \
	static void name(void **state)                          \
	{                                                       \
		(void)state;                                    \
		in(1, (len), 0);                                \
		run(fn, ABOVE);                                 \
		hostos_assert_bugcheck(os, __VA_ARGS__);        \
		shutdown();                                     \
	}

#define ADAPTER ((uintptr_t)dma_obs.adapter)

MISUSE(test_put_with_common, dma_bad_put_with_common, PAGE, 0xE6, 0x07, ADAPTER, 1, 0)
MISUSE(test_put_with_sg, dma_bad_put_with_sg, PAGE, 0xE6, 0x0A, ADAPTER, 1, 0)
MISUSE(test_put_with_regs, dma_bad_put_with_regs, 2 * PAGE, 0xE6, 0x09, ADAPTER, 2, 0)
MISUSE(test_put_twice, dma_bad_put_twice, PAGE, 0xE6, 0x18, ADAPTER, 0, 0)
MISUSE(test_free_common_twice, dma_bad_free_common_twice, PAGE, 0xE6, 0x03, 1, 0, 0)
MISUSE(test_common_overrun, dma_bad_common_overrun, PAGE, 0xE6, 0x0F, 2, 1000,
       (uintptr_t)dma_obs.va)
MISUSE(test_sg_twice, dma_bad_sg_twice, PAGE, 0xE6, 0x06, 1, 2, 0)
MISUSE(test_sg_irql, dma_bad_sg_irql, PAGE, 0xE6, 0x13, 1, 2, 0)
MISUSE(test_common_irql, dma_bad_common_irql, PAGE, 0xE6, 0x13, 1, 0, 2)
MISUSE(test_channel_twice, dma_bad_channel_twice, PAGE, 0xE6, 0x0B, 1, 0, 0)
MISUSE(test_too_many_regs, dma_bad_too_many_regs, PAGE, 0xE6, 0x15, 66, 65, 0)
MISUSE(test_free_regs_twice, dma_bad_free_regs_twice, 2 * PAGE, 0xE6, 0x05, 2, 0, 0)
MISUSE(test_free_channel, dma_bad_free_channel, PAGE, 0xE6, 0x04, 1, 0, 0)
MISUSE(test_map_overuse, dma_bad_map_overuse, PAGE, 0xE6, 0x0C, 3, 1, 0)
MISUSE(test_flush_unmapped, dma_bad_flush_unmapped, PAGE, 0xE6, 0x20, (uintptr_t)dma_obs.mrb,
       (uintptr_t)dma_obs.va, (uintptr_t)dma_obs.mdl)
MISUSE(test_unlocked_mdl, dma_bad_unlocked_mdl, PAGE, 0xE6, 0x0E, (uintptr_t)dma_obs.mdl, 0, 0)
/* GetScatterGatherList at CurrentVa past the first MDL: an invalid DMA
 * buffer, 0x1F with P2 = 2 (P3/P4 the address and the MDL). */
MISUSE(test_va_outside, dma_bad_va_outside, PAGE, 0xE6, 0x1F, 2, (uintptr_t)dma_obs.va,
       (uintptr_t)dma_obs.mdl)
MISUSE(test_short_chain, dma_sg_short_chain, PAGE, 0xE6, 0x24, 100, 0, 0)
MISUSE(test_dealloc_mapped, dma_bad_dealloc_mapped, PAGE, 0xE6, 0x10, 1, 0, 0)
MISUSE(test_flush_bad_base, dma_bad_flush_bad_base, PAGE, 0xE6, 0x16, (uintptr_t)dma_obs.mrb, 0,
       0)
MISUSE(test_null_adapter, dma_bad_null_adapter, PAGE, 0xE6, 0x19, 0, 0, 0)
MISUSE(test_zero_length, dma_bad_zero_length, PAGE, 0xE6, 0x21, 0, 0, 0)
/* 0x00, P2 = 1: P3 = bytes left in the MDL from CurrentVa, P4 = asked. */
MISUSE(test_flush_too_long, dma_bad_flush_too_long, PAGE, 0xE6, 0x00, 1, PAGE - 96, PAGE)
/* 0x1D: P2/P3 = first and last byte, P4 = the earlier mapping's address. */
MISUSE(test_map_twice, dma_bad_map_twice, PAGE, 0xE6, 0x1D, (uintptr_t)dma_obs.va + 50,
       (uintptr_t)dma_obs.va + 149, dma_obs.logical)
/* 0xC4/0x89: P2 = the MDL, P3 = the PFN entry, P4 = the PFN. */
MISUSE(test_pfn_not_memory, dma_bad_pfn, PAGE, 0xC4, 0x89, (uintptr_t)dma_obs.mdl,
       (uintptr_t)dma_obs.va, 0x200000)

static void test_bad_version(void **state)
{
	(void)state;
	in(1, 0, 0);
	dma_in.version = 7;
	run(dma_bad_version, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x25, 7, 0, 0);
	shutdown();
}

/* ---- waiting for map registers and the channel ---- */

static const struct setup ABOVE_PLAIN = { BUS_MEM_ALLOC_ABOVE_4G, false, false, false };

/* A 32-bit device with 5 map registers (16 KiB), pool above 4 GiB: every
 * transfer takes registers; @sg: scatter/gather. */
static void in_short(int sg)
{
	in(0, 0, 0);
	dma_in.sg = sg;
	dma_in.max_length = 4 * PAGE;
}

static uint64_t deferred(void)
{
	struct hostos_dma_stats st;

	hostos_dma_stats(os, &st);
	return st.deferred;
}

/* spec §7.3: GetScatterGatherList returns STATUS_SUCCESS and calls
 * AdapterListControl "at once, or when resources free up"; requests are
 * granted in arrival order, inside the call that frees the registers.
 * The same with and without DMA Verification. */
static void test_wait_lists(void **state)
{
	const struct setup *setups[] = { &ABOVE, &ABOVE_PLAIN };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		in_short(1);
		run(dma_wait_lists, *setups[i]);
		hostos_assert_no_bugcheck(os);
		assert_int_equal(dma_obs.map_regs, 5);
		assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
		assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
		assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
		assert_true(dma_obs.ok[0]); /* B and C wait, C behind B though it fits */
		assert_true(dma_obs.ok[1]); /* both granted inside the put of A, B first */
		assert_true(dma_obs.ok[2]); /* B bounced below 4 GiB */
		assert_int_equal(deferred(), 2);
		assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
		shutdown();
	}
}

/* A 64-bit scatter/gather device needs no map registers: nothing waits. */
static void test_no_wait_64(void **state)
{
	(void)state;
	in_short(1);
	dma_in.dma64 = 1;
	run(dma_wait_lists, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_false(dma_obs.ok[0]); /* all three ran at once */
	assert_int_equal(deferred(), 0);
	shutdown();
}

/* AllocateAdapterChannel waits for map registers another channel kept
 * (DeallocateObjectKeepRegisters) and runs inside FreeMapRegisters. */
static void test_wait_channel(void **state)
{
	(void)state;
	in_short(0);
	run(dma_wait_channel, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	assert_true(dma_obs.ok[1]);
	assert_int_equal(deferred(), 1);
	shutdown();
}

/* DMA_SYNCHRONOUS_CALLBACK: the callback at once or a failure. */
static void test_v3_wait(void **state)
{
	(void)state;
	in_short(1);
	run(dma_v3_wait, ABOVE);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_SUCCESS);
	assert_int_equal(dma_obs.status[1], STATUS_INSUFFICIENT_RESOURCES);
	assert_int_equal(dma_obs.status[2], STATUS_SUCCESS);
	assert_true(dma_obs.ok[0]);
	assert_true(dma_obs.ok[1]);
	shutdown();
}

/* 0xE6/0x23: FreeAdapterChannel of a channel not granted yet. */
static void test_free_waiting_channel(void **state)
{
	(void)state;
	in_short(0);
	run(dma_bad_free_waiting_channel, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x23, 0, 0, 0);
	shutdown();
	in_short(0);
	run(dma_bad_free_waiting_channel, ABOVE_PLAIN);
	hostos_assert_no_bugcheck(os);
	assert_true(dma_obs.ok[0]);
	assert_true(hostos_warnings(os) > 0);
	assert_int_equal(hostos_dma_live_adapters(os, NULL, 0), 0);
	shutdown();
}

/* 0xE6/0x08: PutDmaAdapter with a request still waiting (P3 = 1). */
static void test_put_waiting(void **state)
{
	(void)state;
	in_short(1);
	run(dma_bad_put_waiting, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x08, (uintptr_t)dma_obs.adapter, 1, 0);
	shutdown();
	/* without the verifier: a warning, and the waiting callback never runs */
	in_short(1);
	run(dma_bad_put_waiting, ABOVE_PLAIN);
	hostos_assert_no_bugcheck(os);
	assert_true(hostos_warnings(os) > 0);
	shutdown();
}

/* 0xE6/0x14: an AdapterListControl returning at another IRQL. */
static void test_callback_irql(void **state)
{
	(void)state;
	in_short(1);
	run(dma_bad_callback_irql, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x14, 0, 0, 0);
	shutdown();
}

/* 0xE6/0x1E: the obsolete HalGetAdapter; NULL without the verifier. */
static void test_hal_get_adapter(void **state)
{
	(void)state;
	in_short(1);
	run(dma_hal_get_adapter, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x1E, 0, 0, 0);
	shutdown();
	in_short(1);
	run(dma_hal_get_adapter, ABOVE_PLAIN);
	hostos_assert_no_bugcheck(os);
	assert_true(dma_obs.ok[0]);
	shutdown();
}

/* 0xE6/0x11: one adapter more than HOSTOS_DMA_MAX_ADAPTERS on a device
 * (P2 the count it would reach, P3 the newest adapter). */
static void test_many_adapters(void **state)
{
	(void)state;
	in_short(1);
	run(dma_bad_many_adapters, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x11, HOSTOS_DMA_MAX_ADAPTERS + 1,
			       (uintptr_t)dma_obs.adapter, 0);
	shutdown();
}

/* Every frame below 4 GiB in use but every other one: no two free frames
 * are adjacent. */
static void fragment_low(void)
{
	static uint64_t frames[16384];
	size_t n = 0;

	while (n < 16384 && bus_mem_alloc_frames(&mem, 1, BUS_MEM_ALLOC_BELOW_4G, &frames[n]) == 0)
		n++;
	for (size_t i = 0; i < n; i += 2)
		assert_int_equal(bus_mem_free_frames(&mem, &frames[i], 1), SIM_OK);
	assert_int_equal(bus_mem_largest_free_run(&mem, BUS_MEM_ALLOC_BELOW_4G), 1);
}

/* A device without scatter/gather needs its bounce frames contiguous:
 * none to be had is 0xE6/0x00 with P2 = 2 (P3 needed, P4 the longest
 * run) with the verifier, STATUS_INSUFFICIENT_RESOURCES without. */
static void test_contig_short(void **state)
{
	(void)state;
	in_short(0);
	prepare = fragment_low;
	run(dma_contig_short, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x00, 2, 2, 1);
	shutdown();
	in_short(0);
	prepare = fragment_low;
	run(dma_contig_short, ABOVE_PLAIN);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], STATUS_INSUFFICIENT_RESOURCES);
	shutdown();
}

/* 0xE6/0x1F, P2 = 1: a list's CurrentVa before its MDL. */
static void test_va_before(void **state)
{
	(void)state;
	in_short(1);
	run(dma_bad_va_before, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x1F, 1, (uintptr_t)dma_obs.va, (uintptr_t)dma_obs.mdl);
	shutdown();
}

/* 0xE6/0x1B: MapTransfer at an address outside the MDL. */
static void test_map_outside(void **state)
{
	(void)state;
	in_short(0);
	run(dma_bad_map_outside, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x1B, (uintptr_t)dma_obs.va, (uintptr_t)dma_obs.mdl, 0);
	shutdown();
}

/* 0xE6/0x0D at IoCompleteRequest: the IRP's buffer still mapped, never
 * flushed (spec §7.4: "completing the IRP ... with mapped but unflushed
 * transfers"). */
static void test_complete_unflushed(void **state)
{
	(void)state;
	in_short(0);
	run(dma_bad_complete_unflushed, ABOVE);
	hostos_assert_bugcheck(os, 0xE6, 0x0D, PAGE, PAGE, 0);
	shutdown();
}

/* What the unload sweep would find after a leak. */
static void test_live_queries(void **state)
{
	struct hostos_live_adapter a[2];
	struct hostos_live_common_buffer cb[2];

	(void)state;
	in(1, PAGE, 0);
	run(dma_bad_put_with_common, ABOVE);
	assert_int_equal(hostos_dma_live_adapters(os, a, 2), 1);
	assert_ptr_equal(a[0].adapter, dma_obs.adapter);
	assert_ptr_equal(a[0].pdo, dma_in.pdo);
	assert_int_equal(a[0].common_buffers, 1);
	assert_int_equal(a[0].unflushed_bytes, 0);
	assert_int_equal(hostos_dma_live_common_buffers(os, cb, 2), 1);
	assert_ptr_equal(cb[0].va, dma_obs.va);
	assert_int_equal(cb[0].length, 100);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adapter_tables),
		cmocka_unit_test(test_v3),
		cmocka_unit_test(test_common_buffer_32),
		cmocka_unit_test(test_common_buffer_iommu),
		cmocka_unit_test(test_sweep_dma_leftovers),
		cmocka_unit_test(test_sg_64_above),
		cmocka_unit_test(test_sg_32_below),
		cmocka_unit_test(test_sg_32_above_bounce),
		cmocka_unit_test(test_build_mdl_from_sg),
		cmocka_unit_test(test_sg_unaligned_paged),
		cmocka_unit_test(test_sg_chain),
		cmocka_unit_test(test_sg_too_many_pages),
		cmocka_unit_test(test_build_sg),
		cmocka_unit_test(test_sg_device_without_sg),
		cmocka_unit_test(test_sg_iommu),
		cmocka_unit_test(test_iommu_fault),
		cmocka_unit_test(test_packet_bounce),
		cmocka_unit_test(test_packet_direct),
		cmocka_unit_test(test_packet_no_flush_wrong_data),
		cmocka_unit_test(test_packet_no_flush_verified),
		cmocka_unit_test(test_channel_keep),
		cmocka_unit_test(test_too_many_regs_status),
		cmocka_unit_test(test_put_with_common),
		cmocka_unit_test(test_put_with_sg),
		cmocka_unit_test(test_put_with_regs),
		cmocka_unit_test(test_put_twice),
		cmocka_unit_test(test_free_common_twice),
		cmocka_unit_test(test_common_overrun),
		cmocka_unit_test(test_sg_twice),
		cmocka_unit_test(test_sg_irql),
		cmocka_unit_test(test_common_irql),
		cmocka_unit_test(test_channel_twice),
		cmocka_unit_test(test_too_many_regs),
		cmocka_unit_test(test_free_regs_twice),
		cmocka_unit_test(test_free_channel),
		cmocka_unit_test(test_map_overuse),
		cmocka_unit_test(test_flush_unmapped),
		cmocka_unit_test(test_unlocked_mdl),
		cmocka_unit_test(test_va_outside),
		cmocka_unit_test(test_short_chain),
		cmocka_unit_test(test_dealloc_mapped),
		cmocka_unit_test(test_flush_bad_base),
		cmocka_unit_test(test_null_adapter),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_map_twice),
		cmocka_unit_test(test_flush_too_long),
		cmocka_unit_test(test_pfn_not_memory),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_sg_special_pool),
		cmocka_unit_test(test_v3_build_ex),
		cmocka_unit_test(test_v3_channel_ex),
		cmocka_unit_test(test_v3_map_ex),
		cmocka_unit_test(test_wait_lists),
		cmocka_unit_test(test_no_wait_64),
		cmocka_unit_test(test_wait_channel),
		cmocka_unit_test(test_v3_wait),
		cmocka_unit_test(test_free_waiting_channel),
		cmocka_unit_test(test_put_waiting),
		cmocka_unit_test(test_callback_irql),
		cmocka_unit_test(test_hal_get_adapter),
		cmocka_unit_test(test_many_adapters),
		cmocka_unit_test(test_contig_short),
		cmocka_unit_test(test_va_before),
		cmocka_unit_test(test_map_outside),
		cmocka_unit_test(test_complete_unflushed),
		cmocka_unit_test(test_live_queries),
	};

	return cmocka_run_group_tests_name("hostos:dma", tests, NULL, NULL);
}
