/*
 * tests/bus/test-link.c - Check tests of the PCIe link timing model
 * (bus/link.h).
 *
 * Every expected figure is computed here by hand from the profile's
 * formula, independently of bus/link.c, with the arithmetic in comments:
 * raw bandwidth after line coding; wire bytes of MWr, MRd and CplD with 3
 * and 4 DW headers and ECRC; the rate of a direction as an exact fraction
 * (SKP, Ack and UpdateFC shares, spec vs pcie-bench); DMA write throughput
 * for MPS 128/256 at 64 B..4 KiB; read throughput with RCB 64, 128 and MPS,
 * and with MRRS below MPS (where the two profiles part); the rounding of
 * occupancy up to whole picoseconds; the per-TLP sum (by hand, and through
 * the FIFO server) equal to the closed form across a sweep of
 * configurations; the server's FIFO behaviour and refusals; the issue's
 * grid against an independent re-implementation of the pcie-bench model;
 * flow-control credits limiting a stream to a slow receiver's pace, and a
 * tag limit making a read stream latency-bound.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "bus/link.h"

/* ---- helpers ---- */

static struct bus_link_cfg cfg_of(unsigned gen, unsigned width, uint32_t mps, uint32_t mrrs, uint32_t rcb,
				  bool addr64, enum bus_link_profile profile)
{
	struct bus_link_cfg c;

	bus_link_cfg_default(&c);
	c.gen = gen;
	c.width = width;
	c.mps_bytes = mps;
	c.mrrs_bytes = mrrs;
	c.rcb_bytes = rcb;
	c.addr64 = addr64;
	c.profile = profile;
	return c;
}

/* Relative comparison: the model's doubles against the hand formula's. */
#define ck_assert_gbps(got, want)                                                                  \
	do {                                                                                       \
		double g_ = (got), w_ = (want);                                                    \
		ck_assert_msg(fabs(g_ - w_) <= 1e-9 * fabs(w_), "%s = %.12f, want %.12f", #got, g_, w_); \
	} while (0)

/* Raw Gb/s by hand: GT/s * lanes * coding. */
#define RAW_GEN3_X8 (8.0 * 8 * 128.0 / 130.0) /* 63.0153846... */

/* pcie-bench TLP_bw, Gen3 x8, MPS 256: Ack_Limit = FC_Guide = 203, so
 * raw * (1 - 8/203 - 8/203 - 4/1538) = 57.88476562... */
#define PB_TLP_GEN3_X8_256 (RAW_GEN3_X8 * (1.0 - 16.0 / 203.0 - 4.0 / 1538.0))
/* ... and MPS 128: interval 163. */
#define PB_TLP_GEN3_X8_128 (RAW_GEN3_X8 * (1.0 - 16.0 / 163.0 - 4.0 / 1538.0))

/* ---- configuration ---- */

START_TEST(test_cfg_check)
{
	struct bus_link_cfg c;

	bus_link_cfg_default(&c);
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_OK);
	ck_assert_uint_eq(c.gen, 3);
	ck_assert_uint_eq(c.width, 8);
	ck_assert_uint_eq(c.mps_bytes, 256);
	ck_assert_uint_eq(c.mrrs_bytes, 512);
	ck_assert_uint_eq(c.rcb_bytes, BUS_LINK_RCB_MPS);
	ck_assert(!c.addr64);
	ck_assert_int_eq(c.profile, BUS_LINK_SPEC);
	ck_assert_int_eq(bus_link_cfg_check(NULL), SIM_ERR_INVALID);

	c.gen = 0;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.gen = 6;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.gen = 5;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_OK);
	c.width = 3;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.width = 32; /* x32 was dropped from the spec; not modelled */
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.width = 16;
	c.mps_bytes = 64;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.mps_bytes = 8192;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.mps_bytes = 384;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.mps_bytes = 4096;
	c.mrrs_bytes = 100;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.mrrs_bytes = 128;
	c.rcb_bytes = 256;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.rcb_bytes = 64;
	c.profile = (enum bus_link_profile)7;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_ERR_INVALID);
	c.profile = BUS_LINK_PCIE_BENCH;
	ck_assert_int_eq(bus_link_cfg_check(&c), SIM_OK);

	/* Everything that takes a configuration refuses a bad one. */
	c.gen = 9;
	ck_assert_uint_eq(bus_link_mwr_wire_bytes(&c, 64), 0);
	ck_assert(bus_link_raw_gbps(&c) == 0.0);
	ck_assert(bus_link_write_gbps(&c, 64) == 0.0);
	ck_assert(bus_link_read_gbps(&c, 64) == 0.0);
}
END_TEST

/* ---- raw bandwidth ---- */

START_TEST(test_raw_gbps)
{
	struct bus_link_cfg c;

	/* Gen1 x1: 2.5 GT/s * 8/10 = 2 Gb/s. */
	c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);
	ck_assert_gbps(bus_link_raw_gbps(&c), 2.0);
	/* Gen2 x4: 5 * 4 * 8/10 = 16 Gb/s. */
	c = cfg_of(2, 4, 128, 128, 0, false, BUS_LINK_SPEC);
	ck_assert_gbps(bus_link_raw_gbps(&c), 16.0);
	/* Gen3 x8: 8 * 8 * 128/130 = 63.0154 Gb/s ("63.0"). */
	c = cfg_of(3, 8, 256, 512, 0, false, BUS_LINK_SPEC);
	ck_assert_gbps(bus_link_raw_gbps(&c), RAW_GEN3_X8);
	ck_assert(fabs(bus_link_raw_gbps(&c) - 63.0) < 0.02);
	/* Gen4 x16: 16 * 16 * 128/130 = 252.06; Gen5 x16 twice that. */
	c = cfg_of(4, 16, 256, 512, 0, false, BUS_LINK_PCIE_BENCH);
	ck_assert_gbps(bus_link_raw_gbps(&c), 16.0 * 16 * 128.0 / 130.0);
	c.gen = 5;
	ck_assert_gbps(bus_link_raw_gbps(&c), 32.0 * 16 * 128.0 / 130.0);
	ck_assert_uint_eq(bus_link_gts_x10(1), 25);
	ck_assert_uint_eq(bus_link_gts_x10(5), 320);
	ck_assert_uint_eq(bus_link_gts_x10(0), 0);
}
END_TEST

/* ---- wire bytes ---- */

START_TEST(test_wire_bytes)
{
	struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 0, false, BUS_LINK_SPEC);
	int p;

	for (p = 0; p < 2; p++) {
		c.profile = (enum bus_link_profile)p;
		c.addr64 = false;
		c.ecrc = false;
		/* MWr, 3 DW: 8 framing + 12 header + 64 data = 84. */
		ck_assert_uint_eq(bus_link_mwr_wire_bytes(&c, 64), 84);
		/* MRd, 3 DW: 8 + 12 = 20. CplD: 8 + 12 + 256 = 276. */
		ck_assert_uint_eq(bus_link_mrd_wire_bytes(&c), 20);
		ck_assert_uint_eq(bus_link_cpld_wire_bytes(&c, 256), 276);
		/* 4 DW: MWr 8 + 16 + 64 = 88 (pcie-bench: DLLP_Hdr 8 + TLP_Hdr 4
		 * + 12 = 24 of overhead); MRd 24; CplD unchanged (always 3 DW). */
		c.addr64 = true;
		ck_assert_uint_eq(bus_link_mwr_wire_bytes(&c, 64), 88);
		ck_assert_uint_eq(bus_link_mrd_wire_bytes(&c), 24);
		ck_assert_uint_eq(bus_link_cpld_wire_bytes(&c, 256), 276);
		/* ECRC: + 4 on every TLP. */
		c.ecrc = true;
		ck_assert_uint_eq(bus_link_mwr_wire_bytes(&c, 64), 92);
		ck_assert_uint_eq(bus_link_mrd_wire_bytes(&c), 28);
		ck_assert_uint_eq(bus_link_cpld_wire_bytes(&c, 256), 280);
	}
	/* Gen1 framing is also 8: STP 1 + sequence 2 + LCRC 4 + END 1. */
	c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);
	ck_assert_uint_eq(bus_link_mwr_wire_bytes(&c, 128), 8 + 12 + 128);
}
END_TEST

/* ---- rates and occupancy ---- */

START_TEST(test_rate_gen1_x1)
{
	struct bus_link_cfg c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);
	struct bus_link_rate r;
	sim_time_t ps;

	/* Spec, one way: a byte is a 10-bit symbol at 2.5 GT/s = 4000 ps;
	 * SKP takes 4 of every 1538 symbol times, so a TLP byte takes
	 * 4000 / (1 - 4/1538) = 4000 * 1538 / 1534 = 3076000 / 767 ps. */
	ck_assert_int_eq(bus_link_rate_get(&c, 0, &r), SIM_OK);
	ck_assert_uint_eq(r.ps_num, 3076000);
	ck_assert_uint_eq(r.ps_den, 767);
	/* An 84-byte TLP: 84 * 3076000 / 767 = 336876.14 -> 336877 ps. */
	ck_assert_int_eq(bus_link_tlp_ps(&c, 0, 84, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 336877);
	/* TLP-layer bandwidth: 2 * 1534/1538 Gb/s. */
	ck_assert_gbps(bus_link_tlp_gbps(&c, 0), 2.0 * 1534.0 / 1538.0);

	/* Spec, carrying Acks and UpdateFCs at the x1, MPS 128 interval of 237
	 * symbol times: 8 + 8 symbol times of every 237 on x1. */
	ck_assert_gbps(bus_link_tlp_gbps(&c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC),
		       2.0 * (1.0 - 4.0 / 1538.0 - 16.0 / 237.0));
	/* pcie-bench charges the same on x1 whatever the flags: on x1 its
	 * 8 / Ack_Limit is right. */
	c.profile = BUS_LINK_PCIE_BENCH;
	ck_assert_gbps(bus_link_tlp_gbps(&c, 0), 2.0 * (1.0 - 4.0 / 1538.0 - 16.0 / 237.0));
	ck_assert_gbps(bus_link_tlp_gbps(&c, BUS_LINK_CARRIES_ACKS), bus_link_tlp_gbps(&c, 0));
}
END_TEST

START_TEST(test_rate_gen3_x8)
{
	struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 0, false, BUS_LINK_SPEC);
	struct bus_link_rate r;

	/* Spec, one way: 8.125 bits per byte over 8 lanes at 8 GT/s =
	 * 8.125 / 64 ns = 8125/64 ps; / (1 - 1/375) -> 8125 * 375 / (64 * 374)
	 * = 3046875 / 23936 ps per byte. */
	ck_assert_int_eq(bus_link_rate_get(&c, 0, &r), SIM_OK);
	ck_assert_uint_eq(r.ps_num, 3046875);
	ck_assert_uint_eq(r.ps_den, 23936);
	ck_assert_gbps(bus_link_tlp_gbps(&c, 0), RAW_GEN3_X8 * 374.0 / 375.0); /* 62.847 */
	/* Carrying Acks and UpdateFCs: 8/8 symbol time of every 203 each. */
	ck_assert_gbps(bus_link_tlp_gbps(&c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC),
		       RAW_GEN3_X8 * (1.0 - 1.0 / 375.0 - 2.0 / 203.0)); /* 62.227 */
	/* pcie-bench: 57.885, whatever the flags. */
	c.profile = BUS_LINK_PCIE_BENCH;
	ck_assert_gbps(bus_link_tlp_gbps(&c, 0), PB_TLP_GEN3_X8_256);
	ck_assert_gbps(bus_link_tlp_gbps(&c, 3), PB_TLP_GEN3_X8_256);
	ck_assert(fabs(PB_TLP_GEN3_X8_256 - 57.88) < 0.005);
	/* Gen4 uses the Gen3 intervals, at twice the raw rate. */
	c.gen = 4;
	ck_assert_gbps(bus_link_tlp_gbps(&c, 0), 2 * PB_TLP_GEN3_X8_256);
	ck_assert_int_eq(bus_link_rate_get(&c, 4, &r), SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_occupancy_rounding)
{
	/* Gen3 x8 without overheads: 8125/64 ps per byte. */
	const struct bus_link_rate r = { 8125, 64 };
	sim_time_t ps;

	/* 64 bytes: exactly 8125 ps, no rounding. */
	ck_assert_int_eq(bus_link_rate_ps(&r, 64, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 8125);
	/* 8 bytes: 1015.625 -> 1016 (up, not to nearest... */
	ck_assert_int_eq(bus_link_rate_ps(&r, 8, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 1016);
	/* ... 1 byte: 126.95 -> 127; 65 bytes: 8251.95 -> 8252. */
	ck_assert_int_eq(bus_link_rate_ps(&r, 1, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 127);
	ck_assert_int_eq(bus_link_rate_ps(&r, 65, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 8252);
	/* 63 bytes: 7998.05 -> 7999 (up even when just above). */
	ck_assert_int_eq(bus_link_rate_ps(&r, 63, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 7999);
	/* Rounding is per packet, never across packets: three 8-byte packets
	 * take 3 * 1016 = 3048 ps, one 24-byte packet 3046.875 -> 3047 ps. */
	ck_assert_int_eq(bus_link_rate_ps(&r, 24, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 3047);

	ck_assert_int_eq(bus_link_rate_ps(&r, 0, &ps), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_rate_ps(&r, BUS_LINK_MAX_WIRE_BYTES + 1, &ps), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_rate_ps(&r, BUS_LINK_MAX_WIRE_BYTES, &ps), SIM_OK);
	ck_assert_uint_eq(ps, 8125u * 128); /* 8192 * 8125 / 64 */
	ck_assert_int_eq(bus_link_rate_ps(NULL, 8, &ps), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_rate_ps(&r, 8, NULL), SIM_ERR_INVALID);
	{
		const struct bus_link_rate zero_den = { 1, 0 }, huge = { UINT64_MAX / 2, 1 };

		ck_assert_int_eq(bus_link_rate_ps(&zero_den, 8, &ps), SIM_ERR_INVALID);
		ck_assert_int_eq(bus_link_rate_ps(&huge, 8, &ps), SIM_ERR_INVALID);
	}
}
END_TEST

/* ---- DMA writes ---- */

/* Sizes 64 B .. 4 KiB, and the two MPS values of the brief. */
static const uint32_t sizes[] = { 64, 128, 256, 512, 1024, 1500, 2048, 4096 };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

START_TEST(test_write_pcie_bench)
{
	/* mem_bw.write(): eff = TLP_bw * size / (ceil(size / MPS) * 24 + size)
	 * with 64-bit addresses (MWr overhead 8 + 4 + 12 = 24), 20 with 32-bit. */
	for (int a = 0; a < 2; a++) {
		for (int m = 0; m < 2; m++) {
			uint32_t mps = m ? 256 : 128;
			double tlp = m ? PB_TLP_GEN3_X8_256 : PB_TLP_GEN3_X8_128;
			unsigned hdr = a ? 24 : 20;
			struct bus_link_cfg c = cfg_of(3, 8, mps, 512, 0, a != 0, BUS_LINK_PCIE_BENCH);

			for (size_t i = 0; i < N_SIZES; i++) {
				uint32_t s = sizes[i];
				unsigned n = (s + mps - 1) / mps;

				ck_assert_gbps(bus_link_write_gbps(&c, s), tlp * s / (n * hdr + s));
			}
		}
	}
	/* Spot values: MPS 256, 64-bit, 64 B: 57.8848 * 64 / 88 = 42.098;
	 * 1500 B: 6 TLPs, 57.8848 * 1500 / 1644 = 52.81. */
	{
		struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 0, true, BUS_LINK_PCIE_BENCH);

		ck_assert(fabs(bus_link_write_gbps(&c, 64) - 42.098) < 0.001);
		ck_assert(fabs(bus_link_write_gbps(&c, 1500) - 52.815) < 0.001);
	}
}
END_TEST

START_TEST(test_write_spec)
{
	/* Spec, Gen3 x8: the data direction carries no DLLPs, only SKPs:
	 * eff = 63.0154 * 374/375 * size / (ceil(size / MPS) * (8 + hdr) + size). */
	for (int a = 0; a < 2; a++) {
		for (int m = 0; m < 2; m++) {
			uint32_t mps = m ? 256 : 128;
			unsigned ovh = a ? 24 : 20;
			struct bus_link_cfg c = cfg_of(3, 8, mps, 512, 0, a != 0, BUS_LINK_SPEC);

			for (size_t i = 0; i < N_SIZES; i++) {
				uint32_t s = sizes[i];
				unsigned n = (s + mps - 1) / mps;

				ck_assert_gbps(bus_link_write_gbps(&c, s),
					       RAW_GEN3_X8 * 374.0 / 375.0 * s / (n * ovh + s));
			}
		}
	}
	/* Gen1 x1, MPS 128, 32-bit, 100 B: 2 * 1534/1538 * 100 / 120 = 1.6623. */
	{
		struct bus_link_cfg c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);

		ck_assert_gbps(bus_link_write_gbps(&c, 100), 2.0 * 1534.0 / 1538.0 * 100.0 / 120.0);
		/* 129 B: a full 128 and a 1-byte TLP: 2 * 1534/1538 * 129 / 169. */
		ck_assert_gbps(bus_link_write_gbps(&c, 129), 2.0 * 1534.0 / 1538.0 * 129.0 / 169.0);
	}
	{
		struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 0, false, BUS_LINK_SPEC);
		sim_time_t ps;

		ck_assert(bus_link_write_gbps(&c, 0) == 0.0);
		ck_assert_int_eq(bus_link_write_ps(&c, 0, &ps), SIM_ERR_INVALID);
		ck_assert_int_eq(bus_link_write_ps(&c, 64, NULL), SIM_ERR_INVALID);
		/* Overflow of the sum is reported, not wrapped. */
		ck_assert_int_eq(bus_link_write_ps(&c, UINT64_MAX, &ps), SIM_ERR_OVERFLOW);
	}
}
END_TEST

/* ---- DMA reads ---- */

START_TEST(test_read_rcb)
{
	/* Spec, Gen3 x8, MPS 256, MRRS 512, 32-bit: the completion direction
	 * carries Acks and UpdateFC-NPs for the requests, so its rate is
	 * raw * (1 - 1/375 - 2/203) = 62.2265; one 512 B request is answered by
	 * RCB 64:  8 CplD of 64 + 20 = 672 bytes -> 62.2265 * 512/672 = 47.411
	 * RCB 128: 4 CplD of 148       = 592 bytes -> 53.818
	 * MPS:     2 CplD of 276       = 552 bytes -> 57.717
	 * The request direction (20 bytes per 512) is never the bottleneck. */
	const double cpl_rate = RAW_GEN3_X8 * (1.0 - 1.0 / 375.0 - 2.0 / 203.0);
	struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 64, false, BUS_LINK_SPEC);
	sim_time_t req_ps, cpl_ps;

	ck_assert_gbps(bus_link_read_gbps(&c, 512), cpl_rate * 512 / 672);
	ck_assert(fabs(bus_link_read_gbps(&c, 512) - 47.411) < 0.001);
	c.rcb_bytes = 128;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), cpl_rate * 512 / 592);
	c.rcb_bytes = BUS_LINK_RCB_MPS;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), cpl_rate * 512 / 552);
	/* 4 DW headers grow the requests only: 24 bytes, same completions. */
	c.addr64 = true;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), cpl_rate * 512 / 552);
	ck_assert_int_eq(bus_link_read_ps(&c, 512, &req_ps, &cpl_ps), SIM_OK);
	ck_assert_uint_lt(req_ps, cpl_ps);
	/* 1500 B: 3 requests (512, 512, 476); completions 2 + 2 + 2 (256 +
	 * 220): 1500 + 6 * 20 = 1620 bytes. */
	ck_assert_gbps(bus_link_read_gbps(&c, 1500), cpl_rate * 1500 / 1620);

	/* pcie-bench: ceil(size / MPS) completions of 20 B overhead, or
	 * ceil(size / RCB) with rcb_chunks; MRd 24 B (64-bit);
	 * eff = TLP_bw * size / max(requests, completions). */
	c.profile = BUS_LINK_PCIE_BENCH;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), PB_TLP_GEN3_X8_256 * 512 / 552);
	c.rcb_bytes = 64;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), PB_TLP_GEN3_X8_256 * 512 / 672);
	c.rcb_bytes = 128;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), PB_TLP_GEN3_X8_256 * 512 / 592);
	/* 64 B: 1 CplD of 84 vs 1 MRd of 24: 57.8848 * 64/84 = 44.103. */
	c.rcb_bytes = BUS_LINK_RCB_MPS;
	ck_assert_gbps(bus_link_read_gbps(&c, 64), PB_TLP_GEN3_X8_256 * 64 / 84);
	ck_assert(bus_link_read_gbps(&c, 0) == 0.0);
	ck_assert_int_eq(bus_link_read_ps(&c, 0, &req_ps, &cpl_ps), SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_read_mrrs_below_mps)
{
	/* MPS 512, MRRS 128, 512 B read, Gen3 x8, 32-bit.
	 * Spec: 4 requests of 128 B, each answered by one 148-byte CplD:
	 * 592 bytes; rate raw * (1 - 1/375 - 2/182) (interval 182 at MPS 512).
	 * pcie-bench: ceil(512 / 512) = 1 CplD of 532 bytes; its TLP_bw at MPS
	 * 512 is raw * (1 - 16/182 - 4/1538). */
	struct bus_link_cfg c = cfg_of(3, 8, 512, 128, 0, false, BUS_LINK_SPEC);

	ck_assert_gbps(bus_link_read_gbps(&c, 512), RAW_GEN3_X8 * (1.0 - 1.0 / 375.0 - 2.0 / 182.0) * 512 / 592);
	c.profile = BUS_LINK_PCIE_BENCH;
	ck_assert_gbps(bus_link_read_gbps(&c, 512), RAW_GEN3_X8 * (1.0 - 16.0 / 182.0 - 4.0 / 1538.0) * 512 / 532);
}
END_TEST

/* ---- per-TLP sum, closed form, server ---- */

/* Occupancy of one packet on a direction, failing the test on error. */
static sim_time_t occ(const struct bus_link_cfg *c, unsigned carries, uint32_t wire)
{
	sim_time_t ps = 0;

	ck_assert_int_eq(bus_link_tlp_ps(c, carries, wire, &ps), SIM_OK);
	return ps;
}

/* The same from a rate computed once (the sweep sends ~10^6 packets). */
static sim_time_t occ_r(const struct bus_link_rate *r, uint32_t wire)
{
	sim_time_t ps = 0;

	if (bus_link_rate_ps(r, wire, &ps) != SIM_OK)
		ck_abort_msg("bus_link_rate_ps(%u) failed", wire);
	return ps;
}

/* Enumerate a write's TLPs one by one: occupancy summed by hand and through
 * a server fed back to back at time 0; both must equal bus_link_write_ps(). */
static void check_write_sum(const struct bus_link_cfg *c, uint64_t size)
{
	struct bus_link_dir d;
	sim_time_t sum = 0, done = 0, closed = 0;
	uint64_t off, n = 0, wire_sum = 0;
	double gbps, rounded;

	struct bus_link_rate r;

	ck_assert_int_eq(bus_link_rate_get(c, 0, &r), SIM_OK);
	ck_assert_int_eq(bus_link_dir_init(&d, c, 0), SIM_OK);
	for (off = 0; off < size; off += c->mps_bytes) {
		uint32_t len = (uint32_t)(size - off < c->mps_bytes ? size - off : c->mps_bytes);
		uint32_t wire = bus_link_mwr_wire_bytes(c, len);

		sum += occ_r(&r, wire);
		wire_sum += wire;
		if (bus_link_dir_send(&d, 0, wire, &done) != SIM_OK)
			ck_abort_msg("send failed");
		n++;
	}
	ck_assert_int_eq(bus_link_write_ps(c, size, &closed), SIM_OK);
	ck_assert_uint_eq(sum, closed);
	ck_assert_uint_eq(done, closed);
	ck_assert_uint_eq(d.busy_ps, closed);
	ck_assert_uint_eq(d.tlps, n);
	ck_assert_uint_eq(d.wire_bytes, wire_sum);
	/* The exact rate and the rounded one differ by under 1 ps per TLP. */
	gbps = bus_link_write_gbps(c, size);
	rounded = (double)size * 8000.0 / (double)closed;
	ck_assert(rounded <= gbps * (1 + 1e-12));
	ck_assert(rounded >= (double)size * 8000.0 / ((double)size * 8000.0 / gbps + (double)n) * (1 - 1e-12));
}

/* The same for a read: requests on one direction, completions (as the
 * profile cuts them) on the other. */
static void check_read_sum(const struct bus_link_cfg *c, uint64_t size)
{
	const unsigned req_carries = BUS_LINK_CARRIES_ACKS;
	const unsigned cpl_carries = BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC;
	struct bus_link_dir req, cpl;
	sim_time_t req_sum = 0, cpl_sum = 0, req_done = 0, cpl_done = 0, req_closed, cpl_closed;
	uint32_t chunk = c->rcb_bytes == BUS_LINK_RCB_MPS ? c->mps_bytes : c->rcb_bytes;
	uint64_t off;
	struct bus_link_rate rr, rc;

	ck_assert_int_eq(bus_link_rate_get(c, req_carries, &rr), SIM_OK);
	ck_assert_int_eq(bus_link_rate_get(c, cpl_carries, &rc), SIM_OK);
	ck_assert_uint_eq(occ_r(&rr, 100), occ(c, req_carries, 100));
	ck_assert_uint_eq(occ_r(&rc, 100), occ(c, cpl_carries, 100));
	ck_assert_int_eq(bus_link_dir_init(&req, c, req_carries), SIM_OK);
	ck_assert_int_eq(bus_link_dir_init(&cpl, c, cpl_carries), SIM_OK);
	for (off = 0; off < size; off += c->mrrs_bytes) {
		uint64_t rlen = size - off < c->mrrs_bytes ? size - off : c->mrrs_bytes;
		uint32_t mrd = bus_link_mrd_wire_bytes(c);

		req_sum += occ_r(&rr, mrd);
		if (bus_link_dir_send(&req, 0, mrd, &req_done) != SIM_OK)
			ck_abort_msg("send failed");
		if (c->profile != BUS_LINK_SPEC)
			continue;
		for (uint64_t o = 0; o < rlen; o += chunk) {
			uint32_t len = (uint32_t)(rlen - o < chunk ? rlen - o : chunk);
			uint32_t w = bus_link_cpld_wire_bytes(c, len);

			cpl_sum += occ_r(&rc, w);
			if (bus_link_dir_send(&cpl, 0, w, &cpl_done) != SIM_OK)
				ck_abort_msg("send failed");
		}
	}
	if (c->profile == BUS_LINK_PCIE_BENCH) {
		/* The whole transfer cut at MPS (or RCB), ignoring MRRS. */
		for (off = 0; off < size; off += chunk) {
			uint32_t len = (uint32_t)(size - off < chunk ? size - off : chunk);
			uint32_t w = bus_link_cpld_wire_bytes(c, len);

			cpl_sum += occ_r(&rc, w);
			if (bus_link_dir_send(&cpl, 0, w, &cpl_done) != SIM_OK)
				ck_abort_msg("send failed");
		}
	}
	ck_assert_int_eq(bus_link_read_ps(c, size, &req_closed, &cpl_closed), SIM_OK);
	ck_assert_uint_eq(req_sum, req_closed);
	ck_assert_uint_eq(cpl_sum, cpl_closed);
	ck_assert_uint_eq(req_done, req_closed);
	ck_assert_uint_eq(cpl_done, cpl_closed);
}

START_TEST(test_sum_equals_closed_form)
{
	static const unsigned widths[] = { 1, 2, 4, 8, 16 };
	static const uint32_t rcbs[] = { BUS_LINK_RCB_MPS, 64, 128 };
	static const uint64_t odd_sizes[] = { 1, 63, 64, 65, 127, 129, 1500, 4095, 4096, 9000, 65537 };
	unsigned checked = 0;

	for (unsigned gen = 1; gen <= 5; gen++)
		for (size_t w = 0; w < 5; w++)
			for (uint32_t mps = 128; mps <= 4096; mps *= 4) /* 128, 512, 2048 */
				for (uint32_t mrrs = 128; mrrs <= 4096; mrrs *= 8) /* 128, 1024 */
					for (size_t r = 0; r < 3; r++)
						for (int p = 0; p < 2; p++)
							for (size_t s = 0; s < sizeof(odd_sizes) / sizeof(odd_sizes[0]); s++) {
								struct bus_link_cfg c =
									cfg_of(gen, widths[w], mps, mrrs, rcbs[r], (s & 1) != 0,
									       (enum bus_link_profile)p);

								c.ecrc = (s % 3) == 0;
								check_write_sum(&c, odd_sizes[s]);
								check_read_sum(&c, odd_sizes[s]);
								checked++;
							}
	ck_assert_uint_eq(checked, 5u * 5 * 3 * 2 * 3 * 2 * 11);
}
END_TEST

START_TEST(test_server_fifo)
{
	struct bus_link_cfg c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);
	struct bus_link_dir d;
	sim_time_t done = 0, t84 = 336877, t20;

	/* 20 bytes: 20 * 3076000 / 767 = 80208.6 -> 80209 ps. */
	t20 = 80209;
	ck_assert_uint_eq(occ(&c, 0, 20), t20);
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 0), SIM_OK);
	ck_assert_uint_eq(d.free_at_ps, 0);

	/* Idle: starts at once. */
	ck_assert_int_eq(bus_link_dir_send(&d, 1000, 84, &done), SIM_OK);
	ck_assert_uint_eq(done, 1000 + t84);
	/* Offered while busy: waits for the previous one, in order. */
	ck_assert_int_eq(bus_link_dir_send(&d, 2000, 20, &done), SIM_OK);
	ck_assert_uint_eq(done, 1000 + t84 + t20);
	/* Offered "earlier" than the last offer (another producer): still
	 * behind everything accepted so far. */
	ck_assert_int_eq(bus_link_dir_send(&d, 0, 20, &done), SIM_OK);
	ck_assert_uint_eq(done, 1000 + t84 + 2 * t20);
	/* After an idle gap: starts at its own time; the gap is not busy. */
	ck_assert_int_eq(bus_link_dir_send(&d, SIM_US(10), BUS_LINK_DLLP_BYTES, NULL), SIM_OK);
	ck_assert_uint_eq(d.free_at_ps, SIM_US(10) + occ(&c, 0, 8));
	ck_assert_uint_eq(d.busy_ps, t84 + 2 * t20 + occ(&c, 0, 8));
	ck_assert_uint_eq(d.tlps, 4);
	ck_assert_uint_eq(d.wire_bytes, 84 + 20 + 20 + 8);
	/* Exactly at free_at: no gap, no overlap. */
	ck_assert_int_eq(bus_link_dir_send(&d, d.free_at_ps, 84, &done), SIM_OK);
	ck_assert_uint_eq(done, SIM_US(10) + occ(&c, 0, 8) + t84);
}
END_TEST

/* A burst is exactly the back-to-back sends it stands for: same number of
 * packets before @until, same end, same counters, to the picosecond. */
START_TEST(test_server_burst_equals_sends)
{
	uint64_t x = 12345;

	for (unsigned round = 0; round < 2000; round++) {
		struct bus_link_cfg c;
		struct bus_link_dir a, b;
		sim_time_t t, until, done_a = 0, done_b = 0, offer;
		uint32_t wire;
		uint64_t count, sent = 0, n = 0;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		bus_link_cfg_default(&c);
		c.gen = 1 + (unsigned)(x >> 60) % 5;
		c.width = 1u << ((x >> 50) % 5);
		ck_assert_int_eq(bus_link_dir_init(&a, &c, (unsigned)(x >> 40) % 4), SIM_OK);
		b = a;
		/* Some earlier traffic, so the direction may be busy. */
		t = (x >> 20) % 5000;
		ck_assert_int_eq(bus_link_dir_send(&a, t, 100, NULL), SIM_OK);
		ck_assert_int_eq(bus_link_dir_send(&b, t, 100, NULL), SIM_OK);
		t = (x >> 8) % 8000;
		wire = 24 + (uint32_t)((x >> 30) % 4096);
		count = 1 + (x >> 12) % 40;
		until = (x & 1) ? SIM_TIME_MAX : t + (x >> 16) % 60000;
		ck_assert_int_eq(bus_link_dir_send_burst(&a, t, wire, count, until, &sent, &done_a),
				 SIM_OK);
		for (offer = t; n < count && (n == 0 || offer < until); n++) {
			ck_assert_int_eq(bus_link_dir_send(&b, offer, wire, &done_b), SIM_OK);
			offer = done_b;
		}
		ck_assert_uint_eq(sent, n);
		ck_assert_uint_eq(done_a, done_b);
		ck_assert_mem_eq(&a, &b, sizeof(a));
	}
}
END_TEST

START_TEST(test_server_burst_refusals)
{
	struct bus_link_cfg c;
	struct bus_link_dir d, saved;
	uint64_t sent = 7;

	bus_link_cfg_default(&c);
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 0), SIM_OK);
	ck_assert_int_eq(bus_link_dir_send_burst(NULL, 0, 64, 1, SIM_TIME_MAX, &sent, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 64, 0, SIM_TIME_MAX, &sent, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 64, 1, SIM_TIME_MAX, NULL, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 0, 1, SIM_TIME_MAX, &sent, NULL),
			 SIM_ERR_INVALID);
	ck_assert_uint_eq(sent, 7);
	saved = d;
	ck_assert_int_eq(bus_link_dir_send_burst(&d, SIM_TIME_MAX - 10, 64, 3, SIM_TIME_MAX,
						 &sent, NULL), SIM_ERR_OVERFLOW);
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 64, UINT64_MAX, SIM_TIME_MAX, &sent, NULL),
			 SIM_ERR_OVERFLOW);
	ck_assert_mem_eq(&d, &saved, sizeof(d));
	/* The wire-byte counter would wrap. */
	d.wire_bytes = UINT64_MAX - 100;
	saved = d;
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 64, 2, SIM_TIME_MAX, &sent, NULL),
			 SIM_ERR_OVERFLOW);
	ck_assert_mem_eq(&d, &saved, sizeof(d));
}
END_TEST

/* A count whose whole span would overflow, before a near horizon: only the
 * packets offered before it go, no overflow. */
START_TEST(test_server_burst_huge_count)
{
	struct bus_link_cfg c;
	struct bus_link_dir d, one;
	sim_time_t occ, done;
	uint64_t sent = 0;

	bus_link_cfg_default(&c);
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 0), SIM_OK);
	one = d;
	ck_assert_int_eq(bus_link_dir_send(&one, 0, 64, &occ), SIM_OK);
	ck_assert_int_eq(bus_link_dir_send_burst(&d, 0, 64, UINT64_MAX, 100 * occ + 1, &sent, &done),
			 SIM_OK);
	ck_assert_uint_eq(sent, 101);
	ck_assert_uint_eq(done, 101 * occ);
	ck_assert_uint_eq(d.tlps, 101);
	ck_assert_uint_eq(d.wire_bytes, 101 * 64);
}
END_TEST

START_TEST(test_server_refusals)
{
	struct bus_link_cfg c = cfg_of(3, 16, 256, 512, 0, false, BUS_LINK_SPEC);
	struct bus_link_dir d, saved;
	sim_time_t done = 42;

	ck_assert_int_eq(bus_link_dir_init(NULL, &c, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 8), SIM_ERR_INVALID);
	c.width = 5;
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 0), SIM_ERR_INVALID);
	c.width = 16;
	ck_assert_int_eq(bus_link_dir_init(&d, &c, 0), SIM_OK);

	ck_assert_int_eq(bus_link_dir_send(NULL, 0, 64, &done), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_send(&d, 0, 0, &done), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_dir_send(&d, 0, BUS_LINK_MAX_WIRE_BYTES + 1, &done), SIM_ERR_INVALID);
	ck_assert_uint_eq(done, 42);
	/* Near the end of time: refused, and the direction is unchanged. */
	ck_assert_int_eq(bus_link_dir_send(&d, SIM_TIME_MAX - 10, 64, &done), SIM_ERR_OVERFLOW);
	ck_assert_int_eq(bus_link_dir_send(&d, 5, 276, &done), SIM_OK);
	saved = d;
	ck_assert_int_eq(bus_link_dir_send(&d, SIM_TIME_MAX, 8, &done), SIM_ERR_OVERFLOW);
	ck_assert_mem_eq(&d, &saved, sizeof(d));
}
END_TEST

/* ---- the grid: pcie-bench mode against the published model ---- */

/*
 * An independent re-implementation of pcie-bench's model
 * (github.com/pcie-bench/pcie-model, model/pcie.py and model/mem_bw.py),
 * in double precision and in the model's own order of operations, for
 * Gen1-3, x1-x16, MPS 128-512. Nothing here is shared with bus/link.c.
 */

/* Ack_Limits[gen][lanes][mps] (spec rev 5.0 Tables 3-7..3-9), MPS 128,
 * 256, 512, as pcie.py transcribes them. */
static const double pb_ack_limits[3][5][3] = {
	{ { 237, 416, 559 }, { 128, 217, 289 }, { 73, 118, 154 }, { 67, 107, 86 }, { 48, 72, 86 } },
	{ { 288, 467, 610 }, { 179, 268, 340 }, { 124, 169, 205 }, { 118, 158, 137 }, { 99, 123, 137 } },
	{ { 333, 512, 655 }, { 224, 313, 385 }, { 169, 214, 250 }, { 163, 203, 182 }, { 144, 168, 182 } },
};
/* FC_Guide[gen][lanes][mps] (spec Tables 2-46..2-48), its own copy. */
static const double pb_fc_guide[3][5][3] = {
	{ { 237, 416, 559 }, { 128, 217, 289 }, { 73, 118, 154 }, { 67, 107, 86 }, { 48, 72, 86 } },
	{ { 288, 467, 610 }, { 179, 268, 340 }, { 124, 169, 205 }, { 118, 158, 137 }, { 99, 123, 137 } },
	{ { 333, 512, 655 }, { 224, 313, 385 }, { 169, 214, 250 }, { 163, 203, 182 }, { 144, 168, 182 } },
};

struct pb_cfg {
	int gen, lanes_idx, mps_idx; /* gen 1..3; x1..x16 as 0..4; MPS 128..512 as 0..2 */
	double lanes, mps, mrrs;
	int addr, ecrc; /* 32 or 64; 0 or 1 */
};

/* TLP_bw: Raw - Raw * (Ack_Size / Ack_Limit + FC_Size / FC_Guide +
 * SKIP_Length / SKIP_Interval), Ack_Size = FC_Size = 8, SKIP 4 / 1538. */
static double pb_tlp_bw(const struct pb_cfg *c)
{
	static const double gts[3] = { 2.5, 5.0, 8.0 };
	double gbs = c->gen <= 2 ? (8.0 / 10.0) * gts[c->gen - 1] : (128.0 / 130.0) * gts[c->gen - 1];
	double raw = gbs * c->lanes;
	double ack = 8.0 / pb_ack_limits[c->gen - 1][c->lanes_idx][c->mps_idx];
	double fc = 8.0 / pb_fc_guide[c->gen - 1][c->lanes_idx][c->mps_idx];
	double skip = 4.0 / 1538.0;

	return raw - raw * (ack + fc + skip);
}

/* TLP_MWr_Hdr_Sz = DLLP_Hdr 8 + TLP_Hdr 4 + (8 or 12) + TLP_Dig 4 if ECRC;
 * TLP_MRd_Hdr_Sz the same; TLP_CplD_Hdr_Sz = 8 + 4 + 8 (+ 4). */
static double pb_mwr_hdr(const struct pb_cfg *c)
{
	return 8 + 4 + (c->addr == 64 ? 12 : 8) + (c->ecrc ? 4 : 0);
}

static double pb_cpld_hdr(const struct pb_cfg *c)
{
	return 8 + 4 + 8 + (c->ecrc ? 4 : 0);
}

/* mem_bw.write() with BW_Spec(TLP_bw, TLP_bw, BW_RAW): eff_bw. */
static double pb_write(const struct pb_cfg *c, double size)
{
	double num_tlps = ceil(size / c->mps);
	double raw_bytes = num_tlps * pb_mwr_hdr(c) + size;

	return size * pb_tlp_bw(c) / raw_bytes;
}

/* mem_bw.read() with BW_Spec(TLP_bw, TLP_bw, BW_RAW), rcb_chunks False:
 * eff_rx_bw, the RX direction capped by what TX can request. */
static double pb_read(const struct pb_cfg *c, double size)
{
	double tx_num = ceil(size / c->mrrs);
	double raw_tx_B = tx_num * pb_mwr_hdr(c); /* MRd header size == MWr's */
	double rx_num = ceil(size / c->mps);
	double raw_rx_B = rx_num * pb_cpld_hdr(c) + size;
	double avail_tx = pb_tlp_bw(c) * 1e9, avail_rx = pb_tlp_bw(c) * 1e9;
	double max_trans = avail_rx / (raw_rx_B * 8);
	double req_tx = max_trans * raw_tx_B * 8, req_rx;

	if (req_tx > avail_tx) {
		max_trans = avail_tx / (raw_tx_B * 8);
		req_rx = max_trans * raw_rx_B * 8;
	} else {
		req_rx = avail_rx;
	}
	return size * (req_rx / 1e9) / raw_rx_B;
}

/*
 * The requirement: in pcie-bench mode, steady-state DMA write and read
 * throughput within 1 % of the model for Gen1-3, x1-x16, MPS 128-512, MRRS
 * 512, sizes 64 B - 8 KiB. Grid: every multiple of 64 from 64 to 8192 plus
 * 65, 100, 1500, 1514, 4095, 8191, with 32/64-bit addresses and with and
 * without ECRC: 3 * 5 * 3 * 134 * 4 = 24120 configurations, each a write
 * and a read. Largest relative error found: 3.5e-16 (write and read alike:
 * the same formula in exact rationals, rounded once to double); asserted
 * at 1 % as required, and at 1e-12 to catch any drift.
 */
START_TEST(test_pcie_bench_grid)
{
	static const unsigned widths[] = { 1, 2, 4, 8, 16 };
	static const uint32_t odd[] = { 65, 100, 1500, 1514, 4095, 8191 };
	double max_err = 0.0;
	unsigned n = 0;

	for (int gen = 1; gen <= 3; gen++)
		for (int w = 0; w < 5; w++)
			for (int m = 0; m < 3; m++)
				for (int a = 0; a < 2; a++)
					for (int e = 0; e < 2; e++)
						for (uint32_t i = 0; i < 128 + 6; i++) {
							uint32_t size = i < 128 ? 64 * (i + 1) : odd[i - 128];
							struct pb_cfg pc = { gen, w, m, widths[w], 128 << m, 512,
									     a ? 64 : 32, e };
							struct bus_link_cfg c = cfg_of((unsigned)gen, widths[w],
										       128u << m, 512, BUS_LINK_RCB_MPS,
										       a != 0, BUS_LINK_PCIE_BENCH);
							double want[2], got[2];

							c.ecrc = e != 0;
							want[0] = pb_write(&pc, size);
							want[1] = pb_read(&pc, size);
							got[0] = bus_link_write_gbps(&c, size);
							got[1] = bus_link_read_gbps(&c, size);
							for (int k = 0; k < 2; k++) {
								double err = fabs(got[k] - want[k]) / want[k];

								ck_assert_msg(err <= 0.01,
									      "gen%d x%u mps %u size %u %s: %.6f vs model %.6f",
									      gen, widths[w], 128u << m, size,
									      k ? "read" : "write", got[k], want[k]);
								if (err > max_err)
									max_err = err;
							}
							n++;
						}
	ck_assert_uint_eq(n, 3u * 5 * 3 * 2 * 2 * 134);
	ck_assert_msg(max_err <= 1e-12, "max relative error %g", max_err);
	if (getenv("PCISIM_GRID_VERBOSE"))
		printf("pcie-bench grid: %u configurations, max relative error %.3g\n", n, max_err);
}
END_TEST

/* ---- flow control and tags ---- */

/*
 * A posted write stream of @n TLPs of @payload bytes, the sender always
 * ready when the link is free, through @p's P credits; the receiver
 * processes each TLP @proc_ps after it has arrived. done[k] receives when
 * TLP k has left (= arrived: propagation is not modelled).
 */
static void fc_write_stream(const struct bus_link_cfg *c, struct bus_link_port *p, uint32_t payload,
			    sim_time_t proc_ps, unsigned n, sim_time_t *done)
{
	struct bus_link_dir d;
	uint32_t wire = bus_link_mwr_wire_bytes(c, payload);

	ck_assert_int_eq(bus_link_dir_init(&d, c, 0), SIM_OK);
	for (unsigned k = 0; k < n; k++) {
		sim_time_t st = 0;

		ck_assert_int_eq(bus_link_port_credit_start(p, BUS_LINK_FC_P, payload, d.free_at_ps, &st), SIM_OK);
		ck_assert_int_eq(bus_link_port_credit_take(p, BUS_LINK_FC_P, payload, st), SIM_OK);
		ck_assert_int_eq(bus_link_dir_send(&d, st, wire, &done[k]), SIM_OK);
		ck_assert_int_eq(bus_link_port_credit_return(p, BUS_LINK_FC_P, payload, done[k] + proc_ps), SIM_OK);
	}
}

START_TEST(test_fc_slow_receiver)
{
	/* Gen1 x1, MPS 128, 32-bit: MWr of 128 B = 148 wire bytes, occupancy
	 * o = ceil(148 * 3076000 / 767) ps. The receiver advertises 4 P
	 * headers and 32 data credits (4 x 128 / 16): 4 TLPs in flight. */
	struct bus_link_cfg c = cfg_of(1, 1, 128, 128, 0, false, BUS_LINK_SPEC);
	struct bus_link_fc_cfg fc = { { 4, 0, 0 }, { 32, 0, 0 }, SIM_US(10), 0 };
	const sim_time_t proc = SIM_NS(100), o = occ(&c, 0, 148);
	const sim_time_t r = proc + SIM_US(10); /* from arrival to credits back */
	enum { N = 44 };
	sim_time_t done[N];
	struct bus_link_port p;
	double got, want;

	ck_assert_uint_eq(o, (148 * 3076000 + 766) / 767);
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
	fc_write_stream(&c, &p, 128, proc, N, done);
	/* The first 4 go back to back; then TLP k waits for TLP k-4's credits,
	 * back r after it arrived (r = 10.1 us > 3 o, so the wait dominates):
	 * done[k] = done[k-4] + r + o. */
	for (unsigned k = 0; k < 4; k++)
		ck_assert_uint_eq(done[k], (k + 1) * o);
	for (unsigned k = 4; k < N; k++)
		ck_assert_uint_eq(done[k], done[k - 4] + r + o);
	/* Throughput: 4 x 128 bytes per r + o = 4096 bit / 10.6935 us =
	 * 0.3830 Gb/s, against the link's 2 * 1534/1538 * 128/148 = 1.725. */
	got = (N - 4) * 128 * 8000.0 / (double)(done[N - 1] - done[3]);
	want = 4 * 128 * 8000.0 / (double)(r + o);
	ck_assert_gbps(got, want);
	ck_assert(fabs(want - 0.3830) < 0.0001);
	ck_assert(got < bus_link_write_gbps(&c, 128) / 4);

	/* A fast receiver (credits back on arrival): the same 4 credits keep
	 * the link busy, done[k] = (k + 1) o. */
	fc.update_delay_ps = 0;
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
	fc_write_stream(&c, &p, 128, 0, N, done);
	for (unsigned k = 0; k < N; k++)
		ck_assert_uint_eq(done[k], (k + 1) * o);

	/* Data credits bind: 100 B payloads need ceil(100 / 16) = 7 units,
	 * 21 advertised -> 3 in flight though 8 headers are; MWr 120 wire
	 * bytes, occupancy o2; period 3 TLPs per r + o2. */
	{
		struct bus_link_fc_cfg fc2 = { { 8, 0, 0 }, { 21, 0, 0 }, SIM_US(10), 0 };
		const sim_time_t o2 = occ(&c, 0, 120);

		ck_assert_int_eq(bus_link_port_init(&p, &fc2), SIM_OK);
		fc_write_stream(&c, &p, 100, proc, N, done);
		for (unsigned k = 0; k < 3; k++)
			ck_assert_uint_eq(done[k], (k + 1) * o2);
		for (unsigned k = 3; k < N; k++)
			ck_assert_uint_eq(done[k], done[k - 3] + r + o2);
	}
}
END_TEST

START_TEST(test_fc_blocked_and_refusals)
{
	struct bus_link_fc_cfg fc = { { 2, 1, 0 }, { 8, 0, 0 }, 50, 0 }; /* delay 50 ps */
	struct bus_link_port p, saved;
	sim_time_t st = 7;

	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
	/* Two P headers: two TLPs start at once, the third is blocked until a
	 * return is made; then it starts when that return is usable. */
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_P, 64, 100, &st), SIM_OK);
	ck_assert_uint_eq(st, 100);
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 64, 100), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 64, 200), SIM_OK);
	st = 7;
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_P, 64, 300, &st), SIM_ERR_BUSY);
	ck_assert_uint_eq(st, 7);
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 64, 300), SIM_ERR_BUSY);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 64, 1000), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_P, 64, 300, &st), SIM_OK);
	ck_assert_uint_eq(st, 1050); /* processed at 1000 + UpdateFC delay 50 */
	/* Too early: refused, nothing changes. */
	saved = p;
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 64, 1049), SIM_ERR_BUSY);
	ck_assert_mem_eq(&p, &saved, sizeof(p));
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 64, 1050), SIM_OK);
	/* Not before the previous take. */
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_P, 0, 1000), SIM_ERR_INVALID);
	/* Returns: in time order, never more than is out (2 TLPs). */
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 64, 2000), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 64, 1999), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 64, 2001), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 64, 2002), SIM_ERR_INVALID);
	/* Larger than the whole advertisement (8 units = 128 B): never. */
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_P, 129, 0, &st), SIM_ERR_INVALID);
	/* NP: one header, infinite data; completions infinite: never wait. */
	ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_NP, 0, 5), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_NP, 0, 5, &st), SIM_ERR_BUSY);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(bus_link_port_credit_take(&p, BUS_LINK_FC_CPL, 4096, (sim_time_t)i), SIM_OK);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_CPL, 4096, 3), SIM_OK);
	/* Tags unlimited: always at once. */
	ck_assert_int_eq(bus_link_port_tag_start(&p, 9, &st), SIM_OK);
	ck_assert_uint_eq(st, 9);

	/* Bad arguments and configurations. */
	ck_assert_int_eq(bus_link_port_credit_start(NULL, BUS_LINK_FC_P, 0, 0, &st), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_credit_start(&p, BUS_LINK_FC_P, 0, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_credit_take(&p, (enum bus_link_fc_class)3, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_credit_return(&p, BUS_LINK_FC_P, 0, SIM_TIME_MAX), SIM_ERR_OVERFLOW);
	ck_assert_int_eq(bus_link_port_tag_start(NULL, 0, &st), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_tag_take(NULL, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_tag_release(NULL, 0), SIM_ERR_INVALID);
	saved = p;
	ck_assert_int_eq(bus_link_port_init(NULL, &fc), SIM_ERR_INVALID);
	ck_assert_int_eq(bus_link_port_init(&p, NULL), SIM_ERR_INVALID);
	fc.hdr_credits[1] = 128;
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_ERR_INVALID);
	fc.hdr_credits[1] = 0;
	fc.data_credits[1] = 4; /* finite data with infinite headers: not modelled */
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_ERR_INVALID);
	fc.data_credits[1] = 0;
	fc.data_credits[0] = 2048;
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_ERR_INVALID);
	fc.data_credits[0] = 8;
	fc.tags = 257;
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_ERR_INVALID);
	ck_assert_mem_eq(&p, &saved, sizeof(p));
}
END_TEST

/*
 * A read stream: requests of @size (= MRRS) bytes, each needing a tag;
 * the completer answers @lat_ps after a request has arrived with @size /
 * MPS completions; the tag is free when the last has arrived. done[k]
 * receives that time for request k.
 */
static void tag_read_stream(const struct bus_link_cfg *c, struct bus_link_port *p, sim_time_t lat_ps,
			    unsigned n, sim_time_t *done)
{
	struct bus_link_dir req, cpl;
	uint32_t mrd = bus_link_mrd_wire_bytes(c), cpld = bus_link_cpld_wire_bytes(c, c->mps_bytes);

	ck_assert_int_eq(bus_link_dir_init(&req, c, BUS_LINK_CARRIES_ACKS), SIM_OK);
	ck_assert_int_eq(bus_link_dir_init(&cpl, c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC), SIM_OK);
	for (unsigned k = 0; k < n; k++) {
		sim_time_t st = 0, arr = 0;

		ck_assert_int_eq(bus_link_port_tag_start(p, req.free_at_ps, &st), SIM_OK);
		ck_assert_int_eq(bus_link_port_tag_take(p, st), SIM_OK);
		ck_assert_int_eq(bus_link_dir_send(&req, st, mrd, &arr), SIM_OK);
		for (uint32_t o = 0; o < c->mrrs_bytes; o += c->mps_bytes)
			ck_assert_int_eq(bus_link_dir_send(&cpl, arr + lat_ps, cpld, &done[k]), SIM_OK);
		ck_assert_int_eq(bus_link_port_tag_release(p, done[k]), SIM_OK);
	}
}

START_TEST(test_tags_latency_bound)
{
	/* Gen3 x8, MPS 256, MRRS 512, 32-bit, spec profile; 512-byte reads,
	 * completer latency 500 ns. a = occupancy of a 20-byte MRd on the
	 * request direction, t = two 276-byte CplDs on the completion
	 * direction (about 71 ns). With 4 tags the round trip a + 500 ns + t
	 * (about 573 ns) is longer than the 4 t the completions of 4 requests
	 * take, so request k + 4 goes when request k's data is in:
	 * done[k + 4] = done[k] + a + 500 ns + t, and the throughput is
	 * tags x bytes / round trip = 4 * 512 * 8 / 573 ns = 28.6 Gb/s, half
	 * of the link-bound 57.7. */
	struct bus_link_cfg c = cfg_of(3, 8, 256, 512, 0, false, BUS_LINK_SPEC);
	struct bus_link_fc_cfg fc = { { 0, 0, 0 }, { 0, 0, 0 }, 0, 4 };
	const sim_time_t lat = SIM_NS(500);
	const sim_time_t a = occ(&c, BUS_LINK_CARRIES_ACKS, 20);
	const sim_time_t t = 2 * occ(&c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC, 276);
	enum { N = 200 };
	static sim_time_t done[N];
	struct bus_link_port p;
	double got, want;

	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
	tag_read_stream(&c, &p, lat, N, done);
	ck_assert_uint_eq(done[0], a + lat + t);
	for (unsigned k = 1; k < 4; k++)
		ck_assert_uint_eq(done[k], done[0] + k * t);
	for (unsigned k = 4; k < N; k++)
		ck_assert_uint_eq(done[k], done[k - 4] + a + lat + t);
	got = (N - 4) * 512 * 8000.0 / (double)(done[N - 1] - done[3]);
	want = 4 * 512 * 8000.0 / (double)(a + lat + t);
	ck_assert_gbps(got, want);
	ck_assert(fabs(want - 28.6) < 0.1);
	ck_assert(got < 0.5 * bus_link_read_gbps(&c, 512));

	/* 64 tags cover the round trip (64 t >> 573 ns): the completion
	 * direction never idles after the first data, one request's
	 * completions every t, and the stream is link-bound again. */
	fc.tags = 64;
	ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
	tag_read_stream(&c, &p, lat, N, done);
	for (unsigned k = 1; k < N; k++)
		ck_assert_uint_eq(done[k], done[k - 1] + t);
	got = (N - 1) * 512 * 8000.0 / (double)(done[N - 1] - done[0]);
	/* Rounded per TLP: within 2 ps per 512 bytes of the exact rate. */
	ck_assert(fabs(got - bus_link_read_gbps(&c, 512)) < 1e-4 * got);

	/* Every tag held, none released: blocked. */
	{
		sim_time_t st;

		fc.tags = 1;
		ck_assert_int_eq(bus_link_port_init(&p, &fc), SIM_OK);
		ck_assert_int_eq(bus_link_port_tag_take(&p, 0), SIM_OK);
		ck_assert_int_eq(bus_link_port_tag_start(&p, 0, &st), SIM_ERR_BUSY);
		ck_assert_int_eq(bus_link_port_tag_release(&p, 77), SIM_OK);
		ck_assert_int_eq(bus_link_port_tag_release(&p, 78), SIM_ERR_INVALID);
		ck_assert_int_eq(bus_link_port_tag_start(&p, 0, &st), SIM_OK);
		ck_assert_uint_eq(st, 77);
	}
}
END_TEST

static Suite *link_suite(void)
{
	Suite *s = suite_create("bus:link");
	TCase *cfg = tcase_create("config");
	TCase *rate = tcase_create("rate");
	TCase *dma = tcase_create("dma");
	TCase *sum = tcase_create("sum");
	TCase *srv = tcase_create("server");
	TCase *fc = tcase_create("flow-control");

	tcase_add_test(cfg, test_cfg_check);
	tcase_add_test(cfg, test_raw_gbps);
	tcase_add_test(cfg, test_wire_bytes);
	suite_add_tcase(s, cfg);

	tcase_add_test(rate, test_rate_gen1_x1);
	tcase_add_test(rate, test_rate_gen3_x8);
	tcase_add_test(rate, test_occupancy_rounding);
	suite_add_tcase(s, rate);

	tcase_add_test(dma, test_write_pcie_bench);
	tcase_add_test(dma, test_write_spec);
	tcase_add_test(dma, test_read_rcb);
	tcase_add_test(dma, test_read_mrrs_below_mps);
	tcase_add_test(dma, test_pcie_bench_grid);
	suite_add_tcase(s, dma);

	tcase_set_timeout(sum, 60);
	tcase_add_test(sum, test_sum_equals_closed_form);
	suite_add_tcase(s, sum);

	tcase_add_test(srv, test_server_fifo);
	tcase_add_test(srv, test_server_refusals);
	tcase_add_test(srv, test_server_burst_equals_sends);
	tcase_add_test(srv, test_server_burst_refusals);
	tcase_add_test(srv, test_server_burst_huge_count);
	suite_add_tcase(s, srv);

	tcase_add_test(fc, test_fc_slow_receiver);
	tcase_add_test(fc, test_fc_blocked_and_refusals);
	tcase_add_test(fc, test_tags_latency_bound);
	suite_add_tcase(s, fc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(link_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
