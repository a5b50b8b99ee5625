/*
 * tests/dma/test-ring.c - Check tests of the descriptor ring (dma/ring.h)
 * on a bare port: 1 MiB of RAM at 0, nothing above it.
 *
 * Covers: descriptor encoding; descriptors fetched, data moved both ways,
 * status and bytes written back (flags and address untouched) before the
 * callback, in ring order; wrap-around; a failed data transfer written
 * back with its code and the ring going on; a zero-length descriptor; a
 * descriptor fetch from nothing stopping the ring, and reset; bad
 * doorbells; Bus Master Enable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "bus/link.h"
#include "dma/engine.h"
#include "dma/ring.h"
#include "sim/kernel.h"
#include "sim/tlm-memory.h"

#define MIB (UINT64_C(1) << 20)
#define RING UINT64_C(0x10000)

static struct sim_kernel K;
static struct bus_decode D;
static struct tlm_memory M;
static struct bus_link_cfg LC;
static struct bus_link_dir UP, DOWN;
static struct dma_port P;
static struct dma_engine E;
static struct dma_ring R;

static uint8_t devbuf[8][8192];
static uint32_t order[16];
static unsigned norder;
static bool saw_done_in_memory;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now, const char *msg)
{
	(void)opaque, (void)sev, (void)now, (void)msg;
}

static uint8_t *buf_fn(void *opaque, uint32_t index, const struct dma_desc *d)
{
	(void)opaque;
	return d->len <= sizeof(devbuf[0]) ? devbuf[index % 8] : NULL;
}

static void done_fn(void *opaque, uint32_t index, const struct dma_desc *d,
		    const struct dma_result *r)
{
	(void)opaque;
	(void)r;
	if (norder < 16)
		order[norder++] = index;
	if (d) {
		/* The status is in host memory when the device reports. */
		uint16_t st = (uint16_t)(M.data[RING + index * 16 + 14] |
					 M.data[RING + index * 16 + 15] << 8);

		saw_done_in_memory = (st & DMA_DESC_ST_DONE) != 0;
	}
}

static void put_desc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags)
{
	struct dma_desc d = { addr, len, flags, 0 };

	dma_desc_encode(&d, M.data + RING + i * 16);
}

static struct dma_desc get_desc(uint32_t i)
{
	struct dma_desc d;

	dma_desc_decode(M.data + RING + i * 16, &d);
	return d;
}

static void setup(void)
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	ck_assert_int_eq(sim_kernel_init(&K, &kc), 0);
	ck_assert_int_eq(bus_decode_init(&D), 0);
	ck_assert_int_eq(tlm_memory_init(&M, MIB, 0, 0), 0);
	ck_assert_int_eq(bus_decode_map_target(&D, 0, MIB, 0, tlm_memory_target(&M), "ram", NULL),
			 0);
	bus_link_cfg_default(&LC);
	ck_assert_int_eq(bus_link_dir_init(&UP, &LC, 0), 0);
	ck_assert_int_eq(bus_link_dir_init(&DOWN, &LC, 0), 0);
	ck_assert_int_eq(dma_port_init(&P, &D, &UP, &DOWN, &LC), 0);
	ck_assert_int_eq(dma_engine_init(&E, &K, &P, NULL), 0);
	ck_assert_int_eq(dma_ring_init(&R, dma_engine_channel(&E, 0), RING, 4, buf_fn, done_fn, NULL),
			 0);
	norder = 0;
	memset(devbuf, 0, sizeof(devbuf));
}

static void teardown(void)
{
	dma_engine_destroy(&E);
	bus_decode_destroy(&D);
	tlm_memory_destroy(&M);
	sim_kernel_destroy(&K);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

START_TEST(desc_encoding)
{
	struct dma_desc d = { 0x1122334455667788ull, 0x99aabbcc, 0xddee, 0xff01 }, e;
	uint8_t raw[16];
	static const uint8_t want[16] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
					  0xcc, 0xbb, 0xaa, 0x99, 0xee, 0xdd, 0x01, 0xff };

	dma_desc_encode(&d, raw);
	ck_assert_int_eq(memcmp(raw, want, 16), 0);
	dma_desc_decode(raw, &e);
	ck_assert_uint_eq(e.addr, d.addr);
	ck_assert_uint_eq(e.len, d.len);
	ck_assert_uint_eq(e.flags, d.flags);
	ck_assert_uint_eq(e.status, d.status);
}
END_TEST

START_TEST(ring_moves_and_writes_back)
{
	struct dma_desc d;

	fill(devbuf[0], 1000, 1);
	fill(M.data + 0x30001, 3000, 2);
	fill(devbuf[2], 4096, 3);
	put_desc(0, 0x20000, 1000, DMA_DESC_F_WRITE | DMA_DESC_F_IRQ);
	put_desc(1, 0x30001, 3000, 0);
	put_desc(2, 0x40ff0, 4096, DMA_DESC_F_WRITE);
	ck_assert_int_eq(dma_ring_doorbell(&R, 3), 0);
	sim_run(&K);
	ck_assert_uint_eq(R.completed, 3);
	ck_assert_uint_eq(R.head, 3);
	ck_assert_uint_eq(norder, 3);
	ck_assert_uint_eq(order[0], 0);
	ck_assert_uint_eq(order[1], 1);
	ck_assert_uint_eq(order[2], 2);
	ck_assert(saw_done_in_memory);
	ck_assert_int_eq(memcmp(M.data + 0x20000, devbuf[0], 1000), 0);
	ck_assert_int_eq(memcmp(devbuf[1], M.data + 0x30001, 3000), 0);
	ck_assert_int_eq(memcmp(M.data + 0x40ff0, devbuf[2], 4096), 0);
	d = get_desc(0);
	ck_assert_uint_eq(d.addr, 0x20000);
	ck_assert_uint_eq(d.len, 1000);
	ck_assert_uint_eq(d.flags, DMA_DESC_F_WRITE | DMA_DESC_F_IRQ);
	ck_assert_uint_eq(d.status, DMA_DESC_ST_DONE);
	d = get_desc(2);
	ck_assert_uint_eq(d.status, DMA_DESC_ST_DONE);
	ck_assert_uint_eq(d.len, 4096);
	/* Descriptor 3 was never given: untouched. */
	d = get_desc(3);
	ck_assert_uint_eq(d.status, 0);
	/* Fetch (1 MRd), data, write-back (1 MWr) per descriptor. */
	ck_assert_uint_eq(E.ch[0].stats.transfers, 9);
}
END_TEST

START_TEST(ring_wraps)
{
	put_desc(0, 0x20000, 100, DMA_DESC_F_WRITE);
	put_desc(1, 0x20100, 100, DMA_DESC_F_WRITE);
	put_desc(2, 0x20200, 100, DMA_DESC_F_WRITE);
	ck_assert_int_eq(dma_ring_doorbell(&R, 3), 0);
	sim_run(&K);
	/* The driver reuses slot 0 after 3: tail wraps to 1. */
	put_desc(3, 0x20300, 100, DMA_DESC_F_WRITE);
	put_desc(0, 0x20400, 100, DMA_DESC_F_WRITE);
	fill(devbuf[3], 100, 9);
	fill(devbuf[0], 100, 7);
	ck_assert_int_eq(dma_ring_doorbell(&R, 1), 0);
	sim_run(&K);
	ck_assert_uint_eq(norder, 5);
	ck_assert_uint_eq(order[3], 3);
	ck_assert_uint_eq(order[4], 0);
	ck_assert_uint_eq(R.head, 1);
	ck_assert_uint_eq(R.completed, 5);
	ck_assert_int_eq(memcmp(M.data + 0x20300, devbuf[3], 100), 0);
	ck_assert_int_eq(memcmp(M.data + 0x20400, devbuf[0], 100), 0);
	ck_assert_uint_eq(get_desc(0).status, DMA_DESC_ST_DONE);
}
END_TEST

START_TEST(data_error_written_back)
{
	struct dma_desc d;

	put_desc(0, MIB - 512, 2048, 0); /* runs off the end of RAM */
	put_desc(1, 0, 0, DMA_DESC_F_WRITE); /* zero length */
	put_desc(2, 0x20000, 16, DMA_DESC_F_WRITE);
	ck_assert_int_eq(dma_ring_doorbell(&R, 3), 0);
	sim_run(&K);
	ck_assert_uint_eq(R.completed, 3);
	ck_assert_uint_eq(R.errors, 2);
	d = get_desc(0);
	ck_assert_uint_eq(d.status, DMA_DESC_ST_DONE | DMA_ERR_UR);
	ck_assert_uint_eq(d.len, 512);
	ck_assert_uint_eq(R.last_error.fail_addr, MIB);
	d = get_desc(1);
	ck_assert_uint_eq(d.status, DMA_DESC_ST_DONE | DMA_DESC_ST_INVALID);
	ck_assert_uint_eq(get_desc(2).status, DMA_DESC_ST_DONE);
	ck_assert(!R.stopped);
}
END_TEST

START_TEST(fetch_failure_stops)
{
	struct dma_ring r2;

	ck_assert_int_eq(dma_ring_init(&r2, dma_engine_channel(&E, 0), 2 * MIB, 8, buf_fn, done_fn,
				       NULL), 0);
	ck_assert_int_eq(dma_ring_doorbell(&r2, 2), 0);
	sim_run(&K);
	ck_assert(r2.stopped);
	ck_assert_int_eq(r2.last_error.status, DMA_ERR_UR);
	ck_assert_uint_eq(r2.last_error.fail_addr, 2 * MIB);
	ck_assert_uint_eq(norder, 1);
	ck_assert_int_eq(dma_ring_doorbell(&r2, 3), SIM_ERR_STATE);
	ck_assert_int_eq(dma_ring_reset(&r2), 0);
	ck_assert(!r2.stopped);
	ck_assert_uint_eq(r2.head, 0);
}
END_TEST

START_TEST(bad_doorbell_and_bus_master)
{
	struct pci_cfg cfg;

	ck_assert_int_eq(dma_ring_doorbell(&R, 4), SIM_ERR_INVALID);
	ck_assert_uint_eq(R.bad_doorbells, 1);
	ck_assert_int_eq(dma_ring_doorbell(&R, 0), 0); /* head == tail: nothing */
	sim_run(&K);
	ck_assert_uint_eq(E.ch[0].stats.transfers, 0);
	ck_assert_int_eq(pci_cfg_init_type0(&cfg, 0x1b36, 0x11, 0xff0000, 1, 0x1b36, 0x11, 1), 0);
	P.cfg = &cfg;
	put_desc(0, 0x20000, 100, DMA_DESC_F_WRITE);
	/* PCI 3.0 §6.2.2: no fetch without Bus Master Enable. */
	ck_assert_int_eq(dma_ring_doorbell(&R, 1), SIM_ERR_STATE);
	pci_cfg_set_u16(&cfg, PCI_CFG_COMMAND, PCI_CMD_MASTER);
	ck_assert_int_eq(dma_ring_doorbell(&R, 1), 0);
	sim_run(&K);
	ck_assert_uint_eq(R.completed, 1);
}
END_TEST

static Suite *ring_suite(void)
{
	Suite *s = suite_create("dma:ring");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, desc_encoding);
	tcase_add_test(tc, ring_moves_and_writes_back);
	tcase_add_test(tc, ring_wraps);
	tcase_add_test(tc, data_error_written_back);
	tcase_add_test(tc, fetch_failure_stops);
	tcase_add_test(tc, bad_doorbell_and_bus_master);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ring_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
