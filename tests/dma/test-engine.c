/*
 * tests/dma/test-engine.c - Check tests of the DMA engine (dma/engine.h)
 * over a bare port: a memory space with RAM at 0 (1 MiB), a hole at
 * 1 MiB (4 KiB), RAM again above it (1 MiB) and 64 KiB of RAM straddling
 * 4 GiB, and one Gen3 x8 link (MPS 256, MRRS 512) whose directions carry no
 * DLLPs, so expected times are sums of bus_link_tlp_ps() terms.
 *
 * Covers: byte-exact transfers across pages with unaligned ends; the
 * MPS/MRRS/4 KiB/RCB splitting table; write and read timing by hand and
 * against bus/link.h's closed forms; the tag limit bounding read
 * bandwidth; two engines halving each other's bandwidth; Bus Master Enable
 * off and cleared; the 32-bit address limit; a hole mid-transfer (partial
 * completion, Received Master Abort; a posted write dropped and counted);
 * the IOMMU (translation, fault); the re-entrancy guards; statistics and
 * the trace; the fast path equals the per-TLP reference to the picosecond
 * on randomized transfers, alone and contending.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "bus/fault.h"
#include "bus/link.h"
#include "dma/engine.h"
#include "dma/iommu.h"
#include "dma/port.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/tlm-memory.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define RAM0 UINT64_C(0)
#define HOLE MIB
#define RAM1 (MIB + 4 * KIB)
#define RAMHI (4 * GIB - 32 * KIB)
#define MEM_PS SIM_NS(80)

struct fix {
	struct sim_kernel k;
	struct bus_decode dec;
	struct tlm_memory ram0, ram1, ramhi;
	struct bus_link_cfg lc;
	struct bus_link_dir up, down;
	struct dma_port port;
	struct dma_engine e;
	struct pci_cfg cfg;
};

static struct fix F;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now, const char *msg)
{
	unsigned *n = opaque;

	(void)sev;
	(void)now;
	(void)msg;
	if (n)
		(*n)++;
}

static unsigned reports;

static void fix_init(struct fix *f, const struct bus_link_cfg *lc)
{
	struct sim_kernel_config kc;

	memset(f, 0, sizeof(*f));
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	kc.report_opaque = &reports;
	ck_assert_int_eq(sim_kernel_init(&f->k, &kc), 0);
	ck_assert_int_eq(bus_decode_init(&f->dec), 0);
	ck_assert_int_eq(tlm_memory_init(&f->ram0, MIB, 0, 0), 0);
	ck_assert_int_eq(tlm_memory_init(&f->ram1, MIB, 0, 0), 0);
	ck_assert_int_eq(tlm_memory_init(&f->ramhi, 64 * KIB, 0, 0), 0);
	ck_assert_int_eq(bus_decode_map_target(&f->dec, RAM0, MIB, 0, tlm_memory_target(&f->ram0),
					       "ram0", NULL), 0);
	ck_assert_int_eq(bus_decode_map_target(&f->dec, RAM1, MIB, 0, tlm_memory_target(&f->ram1),
					       "ram1", NULL), 0);
	ck_assert_int_eq(bus_decode_map_target(&f->dec, RAMHI, 64 * KIB, 0,
					       tlm_memory_target(&f->ramhi), "ramhi", NULL), 0);
	if (lc)
		f->lc = *lc;
	else
		bus_link_cfg_default(&f->lc);
	ck_assert_int_eq(bus_link_dir_init(&f->up, &f->lc, 0), 0);
	ck_assert_int_eq(bus_link_dir_init(&f->down, &f->lc, 0), 0);
	ck_assert_int_eq(dma_port_init(&f->port, &f->dec, &f->up, &f->down, &f->lc), 0);
	f->port.mem_ps = MEM_PS;
}

static void engine_up(struct fix *f, unsigned channels, unsigned tags, bool per_tlp)
{
	struct dma_engine_cfg c = { .channels = channels, .tags = tags, .per_tlp = per_tlp };

	ck_assert_int_eq(dma_engine_init(&f->e, &f->k, &f->port, &c), 0);
}

static void fix_fini(struct fix *f)
{
	dma_engine_destroy(&f->e);
	bus_decode_destroy(&f->dec);
	tlm_memory_destroy(&f->ram0);
	tlm_memory_destroy(&f->ram1);
	tlm_memory_destroy(&f->ramhi);
	sim_kernel_destroy(&f->k);
}

static void setup(void)
{
	fix_init(&F, NULL);
	engine_up(&F, 2, 32, false);
}

static void teardown(void)
{
	fix_fini(&F);
}

/* One transfer's outcome, as the callback saw it. */
struct got {
	int calls;
	struct dma_result r;
	sim_time_t at_ps;
	struct sim_kernel *k;
};

static void done_cb(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct got *g = opaque;

	(void)ch;
	g->calls++;
	g->r = *r;
	g->at_ps = sim_now(g->k);
}

static struct dma_result run1(struct fix *f, unsigned chn, enum dma_dir dir,
			      const struct dma_sg *sg, unsigned n, void *buf)
{
	struct got g = { .k = &f->k };

	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&f->e, chn), dir, sg, n, buf,
					   done_cb, &g), 0);
	sim_run(&f->k);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_uint_eq(g.at_ps, g.r.end_ps);
	return g.r;
}

static sim_time_t occ(const struct bus_link_cfg *lc, uint32_t wire)
{
	sim_time_t ps;

	ck_assert_int_eq(bus_link_tlp_ps(lc, 0, wire, &ps), 0);
	return ps;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* ---- data ---- */

START_TEST(write_bytes_exact)
{
	/* Unaligned starts and ends, page crossings, three elements. */
	static const struct dma_sg sg[] = {
		{ 0x0ffd, 5000 }, { 0x8003, 1 }, { 0x20ff1, 9000 },
	};
	uint8_t src[14001], back[16 * KIB];
	struct dma_result r;
	size_t off = 0;

	fill(src, sizeof(src), 7);
	r = run1(&F, 0, DMA_DIR_WRITE, sg, 3, src);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.bytes_done, sizeof(src));
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(memcmp(F.ram0.data + sg[i].addr, src + off, sg[i].len), 0);
		/* Neighbours untouched. */
		ck_assert_uint_eq(F.ram0.data[sg[i].addr - 1], 0);
		ck_assert_uint_eq(F.ram0.data[sg[i].addr + sg[i].len], 0);
		off += sg[i].len;
	}
	/* And back, by reads, into a fresh buffer. */
	memset(back, 0xaa, sizeof(back));
	r = run1(&F, 1, DMA_DIR_READ, sg, 3, back);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.bytes_done, sizeof(src));
	ck_assert_int_eq(memcmp(back, src, sizeof(src)), 0);
	ck_assert_uint_eq(back[sizeof(src)], 0xaa);
}
END_TEST

/* ---- splitting (PCIe Base 2.2.2 MPS, 2.2.7 MRRS and 4 KiB, 2.3.1.1 RCB) ---- */

struct split_case {
	uint64_t addr;
	uint32_t len;
	uint32_t mps, mrrs, rcb;
	uint64_t mwr, mrd, cpl;
};

static const struct split_case split_cases[] = {
	/* 4 KiB aligned, MPS 256: 16 MWr; MRRS 512: 8 MRd, each answered by
	 * 2 CplD of MPS when RCB is "MPS". */
	{ 0, 4096, 256, 512, BUS_LINK_RCB_MPS, 16, 8, 16 },
	/* RCB 64: each 512-byte read answered by 8 completions. */
	{ 0, 4096, 256, 512, 64, 16, 8, 64 },
	/* Crossing 4 KiB: 128 + 128 bytes either side. */
	{ 0xf80, 256, 256, 512, BUS_LINK_RCB_MPS, 2, 2, 2 },
	/* Unaligned inside a page: request sizes follow from the start;
	 * completions of "RCB = MPS" end on 128-byte boundaries: 112, 128, 16. */
	{ 0x10, 256, 128, 512, BUS_LINK_RCB_MPS, 2, 1, 3 },
	/* RCB 64 from 0x20: 32 to the first boundary, 7 x 64, then 32. */
	{ 0x20, 512, 256, 512, 64, 2, 1, 9 },
	/* A read crossing 4 KiB splits even under MRRS. */
	{ 0xf00, 512, 256, 512, BUS_LINK_RCB_MPS, 2, 2, 2 },
	/* MRRS 128 below MPS 256. */
	{ 0, 1024, 256, 128, BUS_LINK_RCB_MPS, 4, 8, 8 },
	/* One byte. */
	{ 0x123, 1, 256, 512, 64, 1, 1, 1 },
	/* MPS 128, RCB 128, 1 KiB: 8, 2, 8. */
	{ 0, 1024, 128, 512, 128, 8, 2, 8 },
	/* 64 KiB with MRRS 4096, MPS 512: 128 MWr, 16 MRd, 128 CplD. */
	{ 0x10000, 65536, 512, 4096, BUS_LINK_RCB_MPS, 128, 16, 128 },
};

START_TEST(split_table)
{
	const struct split_case *c = &split_cases[_i];
	struct bus_link_cfg lc;
	static uint8_t buf[65536];
	struct dma_sg sg = { c->addr, c->len };
	struct dma_result r;

	teardown();
	bus_link_cfg_default(&lc);
	lc.mps_bytes = c->mps;
	lc.mrrs_bytes = c->mrrs;
	lc.rcb_bytes = c->rcb;
	fix_init(&F, &lc);
	engine_up(&F, 1, 32, false);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.tlps, c->mwr);
	ck_assert_uint_eq(r.cpl_tlps, 0);
	ck_assert_uint_eq(F.up.tlps, c->mwr);
	r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.tlps, c->mrd);
	ck_assert_uint_eq(r.cpl_tlps, c->cpl);
	ck_assert_uint_eq(F.down.tlps, c->cpl);
}
END_TEST

/* ---- timing ---- */

START_TEST(write_timing)
{
	static uint8_t buf[4096];
	struct dma_sg sg = { 0, 4096 };
	struct dma_result r;
	sim_time_t t0 = SIM_NS(1000), closed, one;

	sim_run_until(&F.k, t0);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	/* 16 back-to-back MWr of 256 bytes (12-byte header, 8 framing), then
	 * the memory's landing time. */
	one = occ(&F.lc, 256 + 12 + 8);
	ck_assert_uint_eq(r.start_ps, t0);
	ck_assert_uint_eq(r.end_ps, t0 + 16 * one + MEM_PS);
	ck_assert_int_eq(bus_link_write_ps(&F.lc, 4096, &closed), 0);
	ck_assert_uint_eq(r.end_ps - t0 - MEM_PS, closed);
	ck_assert_uint_eq(F.up.busy_ps, closed);
}
END_TEST

START_TEST(read_timing_one_tag)
{
	/* One tag: each 512-byte read waits for the previous one's last
	 * completion: MRd + latency + 2 CplD of 256, 8 times over. */
	static uint8_t buf[4096];
	struct dma_sg sg = { 0, 4096 };
	struct dma_result r;
	sim_time_t rtt;

	teardown();
	fix_init(&F, NULL);
	engine_up(&F, 1, 1, false);
	r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
	rtt = occ(&F.lc, 12 + 8) + MEM_PS + 2 * occ(&F.lc, 12 + 256 + 8);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.end_ps - r.start_ps, 8 * rtt);
}
END_TEST

START_TEST(tags_shared_by_channels)
{
	/* One tag for the function (PCIe Base 2.2.6.2: the Tag identifies an
	 * outstanding request of the requester): two channels' reads take
	 * turns, so both together take as long as 16 round trips. */
	static uint8_t b0[4096], b1[4096];
	struct dma_sg s0 = { 0, 4096 }, s1 = { 0x8000, 4096 };
	struct got g0 = { .k = &F.k }, g1 = { .k = &F.k };
	sim_time_t rtt;

	teardown();
	fix_init(&F, NULL);
	engine_up(&F, 2, 1, false);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_READ, &s0, 1, b0,
					   done_cb, &g0), 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 1), DMA_DIR_READ, &s1, 1, b1,
					   done_cb, &g1), 0);
	sim_run(&F.k);
	ck_assert_int_eq(g0.calls + g1.calls, 2);
	ck_assert_int_eq(g0.r.status, DMA_OK);
	ck_assert_int_eq(g1.r.status, DMA_OK);
	rtt = occ(&F.lc, 12 + 8) + MEM_PS + 2 * occ(&F.lc, 12 + 256 + 8);
	ck_assert_uint_eq(g0.r.end_ps > g1.r.end_ps ? g0.r.end_ps : g1.r.end_ps, 16 * rtt);
	ck_assert_int_eq(memcmp(b1, F.ram0.data + 0x8000, 4096), 0);
}
END_TEST

START_TEST(tags_bound_read_bandwidth)
{
	/* Bandwidth grows with tags until the link is the limit (latency
	 * bound vs bandwidth bound). */
	static uint8_t buf[256 * KIB];
	struct dma_sg sg = { 0, 256 * KIB };
	double gbps[4];
	static const unsigned tags[] = { 1, 2, 8, 64 };
	sim_time_t cpl;

	for (unsigned i = 0; i < 4; i++) {
		struct dma_result r;

		teardown();
		fix_init(&F, NULL);
		engine_up(&F, 1, tags[i], false);
		r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
		ck_assert_int_eq(r.status, DMA_OK);
		gbps[i] = dma_result_gbps(&r);
		if (i == 3) {
			/* Enough tags: the completion direction is busy all
			 * the time but the first request and latency. */
			cpl = 1024 * occ(&F.lc, 12 + 256 + 8);
			ck_assert_uint_eq(F.down.busy_ps, cpl);
			ck_assert_uint_eq(r.end_ps - r.start_ps,
					  occ(&F.lc, 12 + 8) + MEM_PS + cpl);
		}
	}
	ck_assert(gbps[1] > 1.2 * gbps[0]);
	ck_assert(gbps[2] >= gbps[1]);
	ck_assert(gbps[3] >= gbps[2]);
	ck_assert(gbps[3] > 1.5 * gbps[0]);
}
END_TEST

/* Two engines, one link: each gets half. */
START_TEST(two_engines_halve)
{
	static uint8_t b0[256 * KIB], b1[256 * KIB];
	struct dma_sg s0 = { 0, 256 * KIB }, s1 = { RAM1, 256 * KIB };
	struct dma_port p2;
	struct dma_engine e2;
	struct got g0 = { .k = &F.k }, g1 = { .k = &F.k };
	struct dma_result alone;
	double ratio;

	alone = run1(&F, 0, DMA_DIR_WRITE, &s0, 1, b0);
	p2 = F.port;
	ck_assert_int_eq(dma_engine_init(&e2, &F.k, &p2, NULL), 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_WRITE, &s0, 1, b0,
					   done_cb, &g0), 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&e2, 0), DMA_DIR_WRITE, &s1, 1, b1,
					   done_cb, &g1), 0);
	sim_run(&F.k);
	ck_assert_int_eq(g0.calls + g1.calls, 2);
	ratio = (double)(g0.r.end_ps - g0.r.start_ps) / (double)(alone.end_ps - alone.start_ps);
	ck_assert_msg(ratio > 1.95 && ratio < 2.05, "ratio %f", ratio);
	ratio = (double)(g1.r.end_ps - g1.r.start_ps) / (double)(alone.end_ps - alone.start_ps);
	ck_assert_msg(ratio > 1.95 && ratio < 2.05, "ratio %f", ratio);
	/* Reads too: the completions share the downstream direction. */
	alone = run1(&F, 0, DMA_DIR_READ, &s0, 1, b0);
	g0.calls = g1.calls = 0;
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_READ, &s0, 1, b0,
					   done_cb, &g0), 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&e2, 0), DMA_DIR_READ, &s1, 1, b1,
					   done_cb, &g1), 0);
	sim_run(&F.k);
	ck_assert_int_eq(g0.calls + g1.calls, 2);
	ratio = (double)(g0.r.end_ps - g0.r.start_ps) / (double)(alone.end_ps - alone.start_ps);
	ck_assert_msg(ratio > 1.9 && ratio < 2.1, "read ratio %f", ratio);
	ratio = (double)(g1.r.end_ps - g1.r.start_ps) / (double)(alone.end_ps - alone.start_ps);
	ck_assert_msg(ratio > 1.9 && ratio < 2.1, "read ratio %f", ratio);
	dma_engine_destroy(&e2);
}
END_TEST

/* ---- errors ---- */

static void with_cfg(struct fix *f, bool master)
{
	ck_assert_int_eq(pci_cfg_init_type0(&f->cfg, 0x1b36, 0x11, 0xff0000, 1, 0x1b36, 0x11, 1),
			 0);
	pci_cfg_set_u16(&f->cfg, PCI_CFG_COMMAND, master ? PCI_CMD_MASTER : 0);
	f->port.cfg = &f->cfg;
}

START_TEST(bus_master_off)
{
	/* PCI 3.0 §6.2.2: with Bus Master Enable clear the function issues no
	 * memory request. */
	static uint8_t buf[64];
	struct dma_sg sg = { 0x100, 64 };

	with_cfg(&F, false);
	memset(buf, 0x5a, sizeof(buf));
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_WRITE, &sg, 1, buf,
					   NULL, NULL), SIM_ERR_STATE);
	sim_run(&F.k);
	ck_assert_uint_eq(F.e.refused, 1);
	ck_assert_uint_eq(F.up.tlps, 0);
	ck_assert_uint_eq(F.ram0.data[0x100], 0);
}
END_TEST

static void clear_master(struct sim_kernel *k, void *opaque)
{
	(void)k;
	pci_cfg_set_u16(opaque, PCI_CFG_COMMAND, 0);
}

START_TEST(bus_master_cleared_mid_transfer)
{
	static uint8_t buf[64 * KIB];
	struct dma_sg sg = { 0, 64 * KIB };
	struct sim_event ev;
	struct got g = { .k = &F.k };

	with_cfg(&F, true);
	sim_event_init(&F.k, &ev, "clr", clear_master, &F.cfg);
	sim_event_schedule(&ev, SIM_NS(500));
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_READ, &sg, 1, buf,
					   done_cb, &g), 0);
	sim_run(&F.k);
	ck_assert_int_eq(g.r.status, DMA_ERR_BUS_MASTER);
	ck_assert(g.r.bytes_done > 0 && g.r.bytes_done < 64 * KIB);
	ck_assert_uint_eq(g.r.fail_addr, g.r.bytes_done);
	ck_assert_uint_eq(g.r.tlps * 512, g.r.bytes_done);
	sim_event_destroy(&ev);
}
END_TEST

START_TEST(addr_limit_32)
{
	/* A 32-bit device: the request that would reach 4 GiB is never issued. */
	static uint8_t buf[16 * KIB];
	struct dma_sg sg = { 4 * GIB - 8 * KIB, 16 * KIB };
	struct dma_result r;

	F.port.addr_bits = 32;
	fill(buf, sizeof(buf), 3);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_ERR_ADDR_LIMIT);
	ck_assert_uint_eq(r.bytes_done, 8 * KIB);
	ck_assert_uint_eq(r.fail_addr, 4 * GIB);
	ck_assert_uint_eq(r.tlps, 32);
	ck_assert_int_eq(memcmp(F.ramhi.data + 24 * KIB, buf, 8 * KIB), 0);
	ck_assert_uint_eq(F.ramhi.data[32 * KIB], 0);
	/* With 64 bits the same transfer goes through, with 4 DW headers above 4 GiB. */
	F.port.addr_bits = 64;
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_int_eq(memcmp(F.ramhi.data + 24 * KIB, buf, 16 * KIB), 0);
}
END_TEST

START_TEST(hole_read_partial)
{
	/* PCIe Base 2.3.2, PCI 3.0 §6.2.3: a read completed UR ends the
	 * transfer and sets Received Master Abort. */
	static uint8_t buf[16 * KIB];
	struct dma_sg sg = { HOLE - 6 * KIB, 16 * KIB };
	struct dma_result r;

	with_cfg(&F, true);
	fill(F.ram0.data + MIB - 6 * KIB, 6 * KIB, 9);
	r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_ERR_UR);
	ck_assert_uint_eq(r.bytes_done, 6 * KIB);
	ck_assert_uint_eq(r.fail_addr, HOLE);
	ck_assert_int_eq(memcmp(buf, F.ram0.data + MIB - 6 * KIB, 6 * KIB), 0);
	ck_assert(pci_cfg_get_u16(&F.cfg, PCI_CFG_STATUS) & PCI_STS_REC_MASTER_ABORT);
	ck_assert_uint_eq(F.port.reads_failed, 1);
	/* 12 good reads and the failing one; no request after it. */
	ck_assert_uint_eq(r.tlps, 13);
}
END_TEST

START_TEST(hole_write_dropped)
{
	/* A posted write to nothing: dropped by the root complex, logged; the
	 * device sees success and goes on past the hole. */
	static uint8_t buf[12 * KIB];
	struct dma_sg sg = { HOLE - 4 * KIB, 12 * KIB };
	struct dma_result r;

	with_cfg(&F, true);
	fill(buf, sizeof(buf), 11);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.bytes_done, 12 * KIB);
	ck_assert_uint_eq(r.writes_dropped, 16);
	ck_assert_uint_eq(F.port.writes_dropped, 16);
	ck_assert_uint_eq(F.port.last_dropped_addr, HOLE + 4 * KIB - 256);
	ck_assert_int_eq(memcmp(F.ram0.data + MIB - 4 * KIB, buf, 4 * KIB), 0);
	ck_assert_int_eq(memcmp(F.ram1.data, buf + 8 * KIB, 4 * KIB), 0);
	ck_assert_uint_eq(pci_cfg_get_u16(&F.cfg, PCI_CFG_STATUS) &
			  (PCI_STS_REC_MASTER_ABORT | PCI_STS_REC_TARGET_ABORT), 0);
}
END_TEST

START_TEST(read_faults)
{
	/* PCIe Base 2.3.2 / PCI 3.0 §6.2.3: a Completer Abort ends the read and
	 * sets Received Target Abort; a poisoned completion (2.7.2) and a
	 * completion timeout (2.8) end it too, the timeout when it expires. */
	static uint8_t buf[8 * KIB];
	struct dma_sg sg = { 0x40000, 8 * KIB };
	struct dma_result r;
	uint32_t id;
	static const struct { enum bus_fault_kind k; enum dma_status st; } cases[] = {
		{ BUS_FAULT_COMPLETER_ABORT, DMA_ERR_CA },
		{ BUS_FAULT_POISONED, DMA_ERR_POISONED },
		{ BUS_FAULT_COMPLETION_TIMEOUT, DMA_ERR_TIMEOUT },
		{ BUS_FAULT_UNSUPPORTED_REQUEST, DMA_ERR_UR },
	};

	with_cfg(&F, true);
	ck_assert_int_eq(bus_fault_set_timeout(&F.dec, SIM_US(50)), 0);
	for (unsigned i = 0; i < 4; i++) {
		sim_time_t t0 = sim_now(&F.k);

		ck_assert_int_eq(bus_fault_add(&F.dec, 0x41000, 4 * KIB, cases[i].k, &id), 0);
		r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
		ck_assert_int_eq(r.status, cases[i].st);
		ck_assert_uint_eq(r.bytes_done, 4 * KIB);
		ck_assert_uint_eq(r.fail_addr, 0x41000);
		if (cases[i].k == BUS_FAULT_COMPLETION_TIMEOUT)
			ck_assert_uint_ge(r.end_ps - t0, SIM_US(50));
		else
			ck_assert_uint_lt(r.end_ps - t0, SIM_US(5));
		ck_assert_int_eq(bus_fault_remove(&F.dec, id), 0);
	}
	ck_assert(pci_cfg_get_u16(&F.cfg, PCI_CFG_STATUS) & PCI_STS_REC_TARGET_ABORT);
	ck_assert(pci_cfg_get_u16(&F.cfg, PCI_CFG_STATUS) & PCI_STS_REC_MASTER_ABORT);
	/* The poisoned completion: Detected Parity Error (PCI 3.0 §6.2.3). */
	ck_assert(pci_cfg_get_u16(&F.cfg, PCI_CFG_STATUS) & PCI_STS_DETECTED_PARITY);
}
END_TEST

START_TEST(iommu_translate_and_fault)
{
	static uint8_t buf[12 * KIB];
	struct dma_iommu mmu;
	struct dma_iommu_fault fl;
	struct dma_sg sg = { 0x10000000, 12 * KIB };
	struct dma_result r;

	ck_assert_int_eq(dma_iommu_init(&mmu), 0);
	/* Device pages 0x10000000.. -> host 0x5000 and 0x9000 (scattered). */
	ck_assert_int_eq(dma_iommu_map(&mmu, 0x10000000, 0x5000, 4 * KIB, DMA_IOMMU_WRITE), 0);
	ck_assert_int_eq(dma_iommu_map(&mmu, 0x10001000, 0x9000, 4 * KIB,
				       DMA_IOMMU_READ | DMA_IOMMU_WRITE), 0);
	ck_assert_int_eq(dma_iommu_map(&mmu, 0x10001000, 0x9000, 4 * KIB, DMA_IOMMU_READ),
			 SIM_ERR_INVALID);
	F.port.iommu = &mmu;
	fill(buf, sizeof(buf), 5);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_ERR_IOMMU);
	ck_assert_uint_eq(r.bytes_done, 8 * KIB);
	ck_assert_uint_eq(r.fail_addr, 0x10002000);
	ck_assert_int_eq(memcmp(F.ram0.data + 0x5000, buf, 4 * KIB), 0);
	ck_assert_int_eq(memcmp(F.ram0.data + 0x9000, buf + 4 * KIB, 4 * KIB), 0);
	ck_assert_uint_eq(mmu.faults, 1);
	ck_assert(dma_iommu_last_fault(&mmu, 0, &fl));
	ck_assert_uint_eq(fl.dev_addr, 0x10002000);
	ck_assert_int_eq(fl.kind, DMA_IOMMU_FAULT_UNMAPPED);
	ck_assert(fl.write);
	/* Reading through a write-only mapping is a permission fault. */
	r = run1(&F, 0, DMA_DIR_READ, &sg, 1, buf);
	ck_assert_int_eq(r.status, DMA_ERR_IOMMU);
	ck_assert_uint_eq(r.bytes_done, 0);
	ck_assert(dma_iommu_last_fault(&mmu, 0, &fl));
	ck_assert_int_eq(fl.kind, DMA_IOMMU_FAULT_PERM);
	ck_assert_int_eq(dma_iommu_unmap(&mmu, 0x10000000, 4 * KIB), 0);
	ck_assert_int_eq(dma_iommu_unmap(&mmu, 0x10000000, 4 * KIB), SIM_ERR_INVALID);
	dma_iommu_destroy(&mmu);
}
END_TEST

/* ---- re-entrancy (QEMU CVE-2021-3750, CVE-2023-0330) ---- */

struct regdev {
	uint32_t doorbell;
	unsigned writes;
	struct dma_channel *ch;
	int start_rc;
	struct dma_sg sg;
	uint8_t buf[4];
};

static enum bus_decode_status reg_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct regdev *d = opaque;

	(void)off;
	(void)size;
	*val = d->doorbell;
	return BUS_DECODE_OK;
}

static enum bus_decode_status reg_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct regdev *d = opaque;

	(void)off;
	(void)size;
	d->doorbell = (uint32_t)val;
	d->writes++;
	/* A doorbell that starts DMA: reached by the engine's own DMA. */
	if (d->ch)
		d->start_rc = dma_channel_start(d->ch, DMA_DIR_WRITE, &d->sg, 1, d->buf, NULL,
						NULL);
	return BUS_DECODE_OK;
}

static const struct bus_region_ops reg_ops = {
	.read = reg_read,
	.write = reg_write,
	.valid_sizes = BUS_DECODE_SIZE_4,
};

START_TEST(reentry_own_registers)
{
	struct regdev d = { 0 };
	uint32_t id;
	uint32_t v = 0x1234;
	struct dma_sg sg = { 0x80000000, 4 };
	struct dma_result r;

	ck_assert_int_eq(bus_decode_map(&F.dec, 0x80000000, 4096, 10, &reg_ops, &d, "bar0", &id),
			 0);
	ck_assert_int_eq(dma_port_add_own_region(&F.port, id), 0);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, &v);
	ck_assert_int_eq(r.status, DMA_OK); /* posted: the device cannot tell */
	ck_assert_uint_eq(r.writes_dropped, 1);
	ck_assert_uint_eq(d.writes, 0);
	ck_assert_uint_eq(F.port.reentry_refused, 1);
	r = run1(&F, 0, DMA_DIR_READ, &sg, 1, &v);
	ck_assert_int_eq(r.status, DMA_ERR_UR);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_uint_eq(F.port.reentry_refused, 2);
}
END_TEST

START_TEST(reentry_api_from_access)
{
	/* Not listed as own: the write reaches the register, whose callback
	 * calls back into the engine: refused, the engine unharmed. */
	struct regdev d = { 0 };
	uint32_t v = 1;
	struct dma_sg sg = { 0x80000000, 4 };
	struct dma_result r;

	d.ch = dma_engine_channel(&F.e, 1);
	d.sg = (struct dma_sg){ 0x100, 4 };
	ck_assert_int_eq(bus_decode_map(&F.dec, 0x80000000, 4096, 10, &reg_ops, &d, "bar0", NULL),
			 0);
	r = run1(&F, 0, DMA_DIR_WRITE, &sg, 1, &v);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(d.writes, 1);
	ck_assert_int_eq(d.start_rc, SIM_ERR_BUSY);
	ck_assert_uint_eq(F.e.reentry_refused, 1);
	ck_assert(!dma_engine_channel(&F.e, 1)->active);
}
END_TEST

/* ---- statistics and trace ---- */

START_TEST(stats_and_trace)
{
	static uint8_t buf[8 * KIB];
	struct dma_sg sg = { 0, 8 * KIB };
	struct sim_ctrace tr;
	struct dma_engine e2;
	struct dma_engine_cfg c = { .trace = &tr, .name = "dev0" };
	char path[] = "/tmp/pcisim-dma-trace-XXXXXX";
	int fd = mkstemp(path);
	struct got g = { .k = &F.k };
	char text[4096];
	FILE *fp;
	size_t n;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sim_ctrace_open(&tr, path), 0);
	ck_assert_int_eq(dma_engine_init(&e2, &F.k, &F.port, &c), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(dma_channel_start(dma_engine_channel(&e2, 0), DMA_DIR_WRITE, &sg, 1,
						   buf, done_cb, &g), 0);
		sim_run(&F.k);
	}
	ck_assert_uint_eq(e2.ch[0].stats.transfers, 3);
	ck_assert_uint_eq(e2.ch[0].stats.bytes, 24 * KIB);
	ck_assert_uint_eq(e2.ch[0].stats.tlps, 96);
	ck_assert_uint_eq(e2.ch[0].stats.busy_ps, 3 * (g.r.end_ps - g.r.start_ps));
	ck_assert(dma_channel_gbps(&e2.ch[0].stats) > 0.9 * dma_result_gbps(&g.r) &&
		  dma_channel_gbps(&e2.ch[0].stats) < 1.1 * dma_result_gbps(&g.r));
	{
		uint64_t sum = 0;

		for (unsigned b = 0; b < DMA_LAT_BUCKETS; b++)
			sum += e2.ch[0].stats.lat_hist[b];
		ck_assert_uint_eq(sum, 3);
	}
	dma_engine_destroy(&e2);
	ck_assert_int_eq(sim_ctrace_close(&tr), 0);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = 0;
	fclose(fp);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(text, "dma write"));
	ck_assert_ptr_nonnull(strstr(text, "dev0"));
}
END_TEST

/* ---- fast path == per-TLP reference ---- */

struct job {
	enum dma_dir dir;
	struct dma_sg sg[3];
	unsigned nsg;
	sim_time_t at_ps;
};

struct runner {
	struct dma_channel *ch;
	const struct job *jobs;
	unsigned njobs, next;
	sim_time_t ends[64];
	uint64_t tlps[64];
	struct sim_event ev;
	uint8_t buf[3 * 20000];
};

static void runner_done(void *opaque, struct dma_channel *ch, const struct dma_result *r);

static void runner_kick(struct sim_kernel *k, void *opaque)
{
	struct runner *rn = opaque;
	const struct job *j = &rn->jobs[rn->next];

	(void)k;
	ck_assert_int_eq(dma_channel_start(rn->ch, j->dir, j->sg, j->nsg, rn->buf, runner_done, rn),
			 0);
}

static void runner_done(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct runner *rn = opaque;

	(void)ch;
	ck_assert_int_eq(r->status, DMA_OK);
	rn->ends[rn->next] = r->end_ps;
	rn->tlps[rn->next] = r->tlps + r->cpl_tlps;
	rn->next++;
	if (rn->next >= rn->njobs)
		return;
	/* No gap: every other time straight from the callback (the fast
	 * path may go on in this event), else from an event a delta later. */
	if (rn->jobs[rn->next].at_ps == 0 && rn->next % 2)
		runner_kick(NULL, rn);
	else
		sim_event_schedule(&rn->ev, rn->jobs[rn->next].at_ps);
}

static uint32_t lcg(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (uint32_t)(*s >> 32);
}

#define NJOBS 40

static void make_jobs(struct job *jobs, uint64_t seed, uint64_t base)
{
	for (unsigned i = 0; i < NJOBS; i++) {
		struct job *j = &jobs[i];

		j->dir = lcg(&seed) & 1 ? DMA_DIR_WRITE : DMA_DIR_READ;
		j->nsg = 1 + lcg(&seed) % 3;
		for (unsigned s = 0; s < j->nsg; s++) {
			j->sg[s].len = 1 + lcg(&seed) % 20000;
			/* Near 4 GiB: anywhere in the 64 KiB across it, so runs
			 * change header size in the middle. */
			j->sg[s].addr = base == RAMHI
						? RAMHI + lcg(&seed) % (64 * KIB - j->sg[s].len + 1)
						: base + lcg(&seed) % (400 * KIB);
		}
		/* Idle gaps (in ps) between a transfer and the next. */
		j->at_ps = lcg(&seed) % 4 ? lcg(&seed) % 3000000 : 0;
	}
}

/*
 * Run @n runners and record times: each on an engine of its own (own port,
 * the shared link), or with @shared on the channels of one engine (shared
 * tags).
 */
static void run_mode(bool per_tlp, unsigned n, const struct job (*jobs)[NJOBS],
		     struct runner *rn, unsigned tags, const struct bus_link_cfg *lc, bool shared)
{
	struct dma_port ports[3];
	struct dma_engine es[3];
	unsigned ne = shared ? 1 : n;

	fix_init(&F, lc);
	for (unsigned i = 0; i < ne; i++) {
		struct dma_engine_cfg c = { .tags = tags, .per_tlp = per_tlp,
					    .channels = shared ? n : 1 };

		ports[i] = F.port;
		ck_assert_int_eq(dma_engine_init(&es[i], &F.k, &ports[i], &c), 0);
	}
	for (unsigned i = 0; i < n; i++) {
		memset(&rn[i], 0, sizeof(rn[i]));
		rn[i].ch = shared ? dma_engine_channel(&es[0], i) : dma_engine_channel(&es[i], 0);
		rn[i].jobs = jobs[i];
		rn[i].njobs = NJOBS;
		sim_event_init(&F.k, &rn[i].ev, "kick", runner_kick, &rn[i]);
		sim_event_schedule(&rn[i].ev, jobs[i][0].at_ps + i * 1000);
	}
	sim_run(&F.k);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_eq(rn[i].next, NJOBS);
		sim_event_destroy(&rn[i].ev);
	}
	for (unsigned i = 0; i < ne; i++)
		dma_engine_destroy(&es[i]);
	bus_decode_destroy(&F.dec);
	tlm_memory_destroy(&F.ram0);
	tlm_memory_destroy(&F.ram1);
	tlm_memory_destroy(&F.ramhi);
	sim_kernel_destroy(&F.k);
}

START_TEST(fast_equals_per_tlp)
{
	static struct job jobs[3][NJOBS];
	static struct runner fast[3], ref[3];
	bool high = _i >= 12; /* one engine, transfers across 4 GiB */
	unsigned n = high ? 1 : 1 + (unsigned)_i % 3;
	struct bus_link_cfg lc;
	unsigned tags = (_i / 3) % 2 ? 2 : 32;
	bool shared = _i >= 6 && !high;

	teardown();
	bus_link_cfg_default(&lc);
	if ((_i / 3) % 2) {
		lc.rcb_bytes = 64;
		lc.mps_bytes = 128;
	}
	for (unsigned i = 0; i < n; i++)
		make_jobs(jobs[i], 1000 + (uint64_t)_i * 7 + i, high ? RAMHI : i == 1 ? RAM1 : 0);
	run_mode(true, n, jobs, ref, tags, &lc, shared);
	run_mode(false, n, jobs, fast, tags, &lc, shared);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < NJOBS; j++) {
			ck_assert_uint_eq(fast[i].tlps[j], ref[i].tlps[j]);
			ck_assert_msg(fast[i].ends[j] == ref[i].ends[j],
				      "engine %u job %u: fast %llu, per-TLP %llu", i, j,
				      (unsigned long long)fast[i].ends[j],
				      (unsigned long long)ref[i].ends[j]);
		}
	fix_init(&F, NULL); /* for teardown */
	engine_up(&F, 1, 1, false);
}
END_TEST

START_TEST(fast_path_few_events)
{
	/* Alone, a 1 MiB write costs a handful of kernel events, not 4096. */
	static uint8_t buf[MIB];
	struct dma_sg sg = { 0, MIB };
	uint64_t before = F.k.stats.events_triggered;

	run1(&F, 0, DMA_DIR_WRITE, &sg, 1, buf);
	ck_assert_uint_le(F.k.stats.events_triggered - before, 3);
}
END_TEST

/* Back-to-back 4 KiB writes, each started from the previous one's callback. */
struct chain {
	struct dma_channel *ch;
	struct sim_kernel *k;
	struct dma_sg sg;
	uint8_t *buf;
	unsigned n, done;
	struct sim_event *other; /* notified a delta after transfer 3 ends */
	sim_time_t ends[64];
	enum dma_status st[64];
};

static void chain_done(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct chain *c = opaque;

	ck_assert_uint_eq(sim_now(c->k), r->end_ps);
	c->ends[c->done] = r->end_ps;
	c->st[c->done] = r->status;
	if (++c->done == c->n)
		return;
	if (c->other && c->done == 4)
		ck_assert_int_eq(sim_event_schedule(c->other, 0), 0);
	c->sg.addr += 4096;
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &c->sg, 1, c->buf + c->done * 4096,
					   chain_done, c), 0);
}

static void chain_run(struct fix *f, struct chain *c, unsigned n, uint8_t *buf,
		      struct sim_event *other)
{
	memset(c, 0, sizeof(*c));
	c->other = other;
	c->ch = dma_engine_channel(&f->e, 0);
	c->k = &f->k;
	c->sg = (struct dma_sg){ 0x10000, 4096 };
	c->buf = buf;
	c->n = n;
	ck_assert_int_eq(dma_channel_start(c->ch, DMA_DIR_WRITE, &c->sg, 1, buf, chain_done, c), 0);
	sim_run(&f->k);
	ck_assert_uint_eq(c->done, n);
}

static void count_event(struct sim_kernel *k, void *opaque)
{
	(void)k;
	(*(unsigned *)opaque)++;
}

START_TEST(restart_from_callback)
{
	/* Alone, each transfer started from the callback goes on in the
	 * callback's event: one kernel event per transfer, same times. */
	static uint8_t buf[64 * 4096];
	struct chain c;
	struct sim_event other;
	sim_time_t one = 16 * occ(&F.lc, 256 + 12 + 8) + MEM_PS;
	uint64_t before = F.k.stats.callbacks_run, alone;
	unsigned others = 0;

	fill(buf, sizeof(buf), 11);
	chain_run(&F, &c, 64, buf, NULL);
	/* The first start's event, then one per transfer. */
	alone = F.k.stats.callbacks_run - before;
	ck_assert_uint_eq(alone, 64 + 1);
	for (unsigned i = 0; i < 64; i++) {
		ck_assert_int_eq(c.st[i], DMA_OK);
		ck_assert_uint_eq(c.ends[i], (i + 1) * one);
	}
	ck_assert_int_eq(memcmp(F.ram0.data + 0x10000, buf, sizeof(buf)), 0);

	/* Something else due in the next delta when transfer 3 ends: the
	 * restart waits for its own event, in that delta; the times stay. */
	sim_event_init(&F.k, &other, "other", count_event, &others);
	memset(F.ram0.data + 0x10000, 0, sizeof(buf));
	before = F.k.stats.callbacks_run;
	chain_run(&F, &c, 64, buf, &other);
	ck_assert_uint_eq(others, 1);
	/* One more for the other event, one for the restart's own. */
	ck_assert_uint_eq(F.k.stats.callbacks_run - before, alone + 2);
	for (unsigned i = 0; i < 64; i++)
		ck_assert_uint_eq(c.ends[i], 64 * one + (i + 1) * one);
	ck_assert_int_eq(memcmp(F.ram0.data + 0x10000, buf, sizeof(buf)), 0);
	sim_event_destroy(&other);
}
END_TEST

START_TEST(restart_from_callback_per_tlp)
{
	/* The reference mode ends the same transfers at the same times. */
	static uint8_t buf[64 * 4096];
	struct chain c;
	sim_time_t one = 16 * occ(&F.lc, 256 + 12 + 8) + MEM_PS;

	dma_engine_destroy(&F.e);
	engine_up(&F, 1, 32, true);
	chain_run(&F, &c, 64, buf, NULL);
	for (unsigned i = 0; i < 64; i++)
		ck_assert_uint_eq(c.ends[i], (i + 1) * one);
}
END_TEST

static void refail_done(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	static const struct dma_sg sg = { 4 * GIB, 8 };
	static uint8_t b[8];
	unsigned *n = opaque;

	ck_assert_int_eq(r->status, DMA_ERR_ADDR_LIMIT);
	(*n)++;
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &sg, 1, b, refail_done, n), 0);
}

START_TEST(restart_failing_forever)
{
	/* A callback that restarts a transfer failing at once, forever, takes
	 * no simulated time: it meets the kernel's runaway-delta guard, as a
	 * start from anywhere else would, and never loops inside one event. */
	static const struct dma_sg sg = { 4 * GIB, 8 };
	static uint8_t b[8];
	struct sim_kernel_config kc;
	unsigned n = 0;

	teardown();
	memset(&F, 0, sizeof(F));
	fix_init(&F, NULL);
	sim_kernel_destroy(&F.k);
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	kc.max_deltas = 1000;
	ck_assert_int_eq(sim_kernel_init(&F.k, &kc), 0);
	engine_up(&F, 1, 32, false);
	F.port.addr_bits = 32;
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_WRITE, &sg, 1, b,
					   refail_done, &n), 0);
	ck_assert_int_eq(sim_run(&F.k), SIM_STOP_ERROR);
	ck_assert_uint_eq(sim_now(&F.k), 0);
	ck_assert_uint_gt(n, 100);
	ck_assert_uint_le(n, 1000);
}
END_TEST

/* The first transfer's callback restarts channel 0, then starts channel 1. */
struct pair {
	struct dma_engine *e;
	struct dma_sg sg0, sg1;
	uint8_t *buf;
	unsigned n0;
	struct dma_result r0, r1;
};

static void pair_done1(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	(void)ch;
	((struct pair *)opaque)->r1 = *r;
}

static void pair_done0(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct pair *pr = opaque;

	pr->r0 = *r;
	if (pr->n0++)
		return;
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &pr->sg0, 1, pr->buf, pair_done0, pr),
			 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(pr->e, 1), DMA_DIR_WRITE, &pr->sg1, 1,
					   pr->buf + 4096, pair_done1, pr), 0);
}

START_TEST(restart_keeps_order)
{
	/* Starts in one callback take effect in the order they were made:
	 * channel 0's restart goes first on the link, then the two alternate
	 * TLP by TLP; so channel 0 ends one TLP before channel 1, in both
	 * modes. */
	static uint8_t buf[2 * 4096];
	sim_time_t o = occ(&F.lc, 256 + 12 + 8), t1 = 16 * o + MEM_PS;

	for (int per_tlp = 0; per_tlp < 2; per_tlp++) {
		struct pair pr = { .sg0 = { 0x10000, 4096 }, .sg1 = { 0x20000, 4096 }, .buf = buf };

		teardown();
		setup();
		dma_engine_destroy(&F.e);
		engine_up(&F, 2, 32, per_tlp != 0);
		pr.e = &F.e;
		ck_assert_int_eq(dma_channel_start(dma_engine_channel(&F.e, 0), DMA_DIR_WRITE, &pr.sg0,
						   1, buf, pair_done0, &pr), 0);
		sim_run(&F.k);
		ck_assert_uint_eq(pr.n0, 2);
		ck_assert_uint_eq(pr.r0.start_ps, t1);
		ck_assert_uint_eq(pr.r0.end_ps, t1 + 31 * o + MEM_PS);
		ck_assert_uint_eq(pr.r1.end_ps, t1 + 32 * o + MEM_PS);
	}
}
END_TEST

START_TEST(bad_arguments)
{
	struct dma_sg sg = { 0, 0 };
	uint8_t b[4];
	struct dma_channel *ch = dma_engine_channel(&F.e, 0);

	ck_assert_ptr_null(dma_engine_channel(&F.e, 2));
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &sg, 1, b, NULL, NULL),
			 SIM_ERR_INVALID);
	sg = (struct dma_sg){ UINT64_MAX - 1, 4 };
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &sg, 1, b, NULL, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, NULL, 1, b, NULL, NULL),
			 SIM_ERR_INVALID);
	sg = (struct dma_sg){ 0, 4 };
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &sg, 1, b, NULL, NULL), 0);
	ck_assert_int_eq(dma_channel_start(ch, DMA_DIR_WRITE, &sg, 1, b, NULL, NULL),
			 SIM_ERR_BUSY);
	ck_assert_int_eq(dma_channel_abort(ch), 0);
	sim_run(&F.k);
	ck_assert(!ch->active);
	ck_assert_int_eq(dma_channel_abort(ch), SIM_ERR_STATE);
	ck_assert_int_eq(dma_port_init(NULL, &F.dec, &F.up, &F.down, &F.lc), SIM_ERR_INVALID);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("dma:engine");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, write_bytes_exact);
	tcase_add_loop_test(tc, split_table, 0, (int)(sizeof(split_cases) / sizeof(split_cases[0])));
	tcase_add_test(tc, write_timing);
	tcase_add_test(tc, read_timing_one_tag);
	tcase_add_test(tc, tags_shared_by_channels);
	tcase_add_test(tc, tags_bound_read_bandwidth);
	tcase_add_test(tc, two_engines_halve);
	tcase_add_test(tc, bus_master_off);
	tcase_add_test(tc, bus_master_cleared_mid_transfer);
	tcase_add_test(tc, addr_limit_32);
	tcase_add_test(tc, hole_read_partial);
	tcase_add_test(tc, hole_write_dropped);
	tcase_add_test(tc, read_faults);
	tcase_add_test(tc, iommu_translate_and_fault);
	tcase_add_test(tc, reentry_own_registers);
	tcase_add_test(tc, reentry_api_from_access);
	tcase_add_test(tc, stats_and_trace);
	tcase_add_loop_test(tc, fast_equals_per_tlp, 0, 14);
	tcase_add_test(tc, fast_path_few_events);
	tcase_add_test(tc, restart_from_callback);
	tcase_add_test(tc, restart_from_callback_per_tlp);
	tcase_add_test(tc, restart_failing_forever);
	tcase_add_test(tc, restart_keeps_order);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
