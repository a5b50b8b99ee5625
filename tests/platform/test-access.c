/*
 * tests/platform/test-access.c - Check tests of timed MMIO and DMA over the
 * machine's links (platform/access.h).
 *
 * The machine: RAM below 3 GiB, ECAM at 0xe0000000, an endpoint ep0 on the
 * root bus (its own link, Gen3 x8 by default) and a root port rp0 (Gen4 x4)
 * with ep1 behind it. Covers: the MMIO read round trip equals the sum
 * computed by hand from bus/link.h (wire bytes, occupancy, completer
 * latency); back-to-back reads queue on the link; a posted write's arrival;
 * RAM latency; master abort (all ones, host bridge latency); a completion
 * timeout fault's delay; DMA reads and writes of RAM split into TLPs;
 * a DMA read to nothing sets Received Master Abort; a posted DMA write to
 * nothing is logged by the root complex and leaves the requester alone; a
 * Completer Abort sets Signaled and Received Target Abort; Bus Master
 * Enable off refuses; a bad link width fails the build; a link trains to
 * the speed and width both ends support, and Link Status says so; errors
 * are logged where PCI and PCIe put them (Status, Device Status, AER) on
 * the requester or the completer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/caps.h"
#include "bus/fault.h"
#include "platform/access.h"
#include "platform/machine.h"

#include "access-fixture.h"

/* Occupancy of @bytes on a direction of @l. */
static sim_time_t occ(const struct platform_link *l, uint32_t bytes)
{
	sim_time_t ps = 0;

	ck_assert_uint_gt(bytes, 0);
	ck_assert_int_eq(bus_link_tlp_ps(&l->cfg, PLATFORM_LINK_CARRIES, bytes, &ps), SIM_OK);
	ck_assert_uint_gt(ps, 0);
	return ps;
}

START_TEST(test_links_from_description)
{
	struct platform_machine *m = make();
	const struct platform_link *l0 = platform_fn_link(m, 0, 0, 0);
	const struct platform_link *lrp = platform_fn_link(m, 0, 1, 0);

	ck_assert_ptr_nonnull(l0);
	ck_assert_uint_eq(l0->cfg.gen, 3);
	ck_assert_uint_eq(l0->cfg.width, 8);
	ck_assert_uint_eq(lrp->cfg.gen, 4);
	ck_assert_uint_eq(lrp->cfg.width, 4);
	/* ep1, behind rp0, uses the root port's link. */
	ck_assert_ptr_eq(platform_fn_link(m, 1, 0, 0), lrp);
	ck_assert_ptr_null(platform_fn_link(m, 0, 5, 0));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_mmio_read_round_trip)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	const struct platform_link *lrp = platform_fn_link(m, 0, 1, 0);
	struct bus_decode_result res;
	sim_time_t done = 0, want;
	uint64_t v = 0;

	want = NOW + occ(l, bus_link_mrd_wire_bytes(&l->cfg)) + PLATFORM_COMPLETER_PS_DEFAULT +
	       occ(l, bus_link_cpld_wire_bytes(&l->cfg, 4));
	/* 12-byte header + 8 framing for the MRd; + 4 data for the CplD. */
	ck_assert_uint_eq(bus_link_mrd_wire_bytes(&l->cfg), 20);
	ck_assert_uint_eq(bus_link_cpld_wire_bytes(&l->cfg, 4), 24);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert_uint_eq(v, TDEV_ID);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(done, want);
	ck_assert_uint_eq(l->down.tlps, 1);
	ck_assert_uint_eq(l->up.tlps, 1);

	/* ep1 behind the Gen4 x4 root port, with its own completer latency;
	 * issued later, so the link is idle. */
	want = SIM_US(10) + occ(lrp, 20) + SIM_NS(250) + occ(lrp, 24);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 1, 0), 4, SIM_US(10), &v, &done, NULL),
			 SIM_OK);
	ck_assert_uint_eq(v, TDEV_ID);
	ck_assert_uint_eq(done, want);
	/* A changed completer latency. */
	ck_assert_int_eq(platform_set_completer_latency(m, 0, 0, 0, SIM_NS(7)), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, SIM_US(20), &v, &done, NULL),
			 SIM_OK);
	ck_assert_uint_eq(done, SIM_US(20) + occ(l, 20) + SIM_NS(7) + occ(l, 24));
	ck_assert_int_eq(platform_set_completer_latency(m, 9, 0, 0, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 3, NOW, &v, &done, NULL),
			 SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_back_to_back_reads_queue)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	sim_time_t a = occ(l, 20), c = occ(l, 24), L = PLATFORM_COMPLETER_PS_DEFAULT;
	sim_time_t d1 = 0, d2 = 0, d3 = 0;
	uint64_t v;

	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, NOW, &v, &d1, NULL), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, NOW, &v, &d2, NULL), SIM_OK);
	ck_assert_uint_eq(d1, NOW + a + L + c);
	/* The second MRd waits for the first on the downstream direction; its
	 * CplD may wait for the first CplD upstream. */
	ck_assert_uint_eq(d2, NOW + a + L + (a > c ? a : c) + c);
	ck_assert_uint_gt(d2, d1);
	ck_assert_uint_eq(l->down.free_at_ps, NOW + 2 * a);
	/* A posted write issued at NOW queues behind both MRds. */
	ck_assert_int_eq(platform_mmio_write(m, bar0_of(m, 0, 0) + 4, 4, 1, NOW, &d3, NULL),
			 SIM_OK);
	ck_assert_uint_eq(d3, NOW + 2 * a + occ(l, bus_link_mwr_wire_bytes(&l->cfg, 4)));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_posted_write_arrival)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	struct bus_decode_result res;
	sim_time_t arrive = 0;

	ck_assert_uint_eq(bus_link_mwr_wire_bytes(&l->cfg, 4), 24);
	ck_assert_int_eq(platform_mmio_write(m, bar0_of(m, 0, 0) + 4, 4, 0xabcd, NOW, &arrive,
					     &res), SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(dev0.scratch, 0xabcd);
	ck_assert_uint_eq(arrive, NOW + occ(l, 24));
	ck_assert_uint_eq(l->up.tlps, 0); /* posted: nothing comes back */
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_ram_latency)
{
	struct platform_machine *m = make();
	struct platform_timing t;
	sim_time_t done = 0;
	uint64_t v = 0;

	platform_timing(m, &t);
	ck_assert_uint_eq(t.ram_ps, PLATFORM_RAM_PS_DEFAULT);
	ck_assert_int_eq(platform_mmio_write(m, 0x1000, 8, 0x1122334455667788u, NOW, &done, NULL),
			 SIM_OK);
	ck_assert_uint_eq(done, NOW + PLATFORM_RAM_PS_DEFAULT);
	t.ram_ps = SIM_NS(55);
	ck_assert_int_eq(platform_set_timing(m, &t), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, 0x1000, 8, NOW, &v, &done, NULL), SIM_OK);
	ck_assert_uint_eq(v, 0x1122334455667788u);
	ck_assert_uint_eq(done, NOW + SIM_NS(55));
	/* The ECAM window costs the same: the root complex answers. */
	ck_assert_int_eq(platform_mmio_read(m, ECAM_BASE, 2, NOW, &v, &done, NULL), SIM_OK);
	ck_assert_uint_eq(v, TDEV_VENDOR);
	ck_assert_uint_eq(done, NOW + SIM_NS(55));
	ck_assert_uint_eq(platform_fn_link(m, 0, 0, 0)->down.tlps, 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_master_abort)
{
	struct platform_machine *m = make();
	struct platform_timing t;
	struct bus_decode_result res;
	sim_time_t done = 0;
	uint64_t v = 0;

	ck_assert_int_eq(platform_mmio_read(m, NOTHING, 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(done, NOW + PLATFORM_MASTER_ABORT_PS_DEFAULT);
	platform_timing(m, &t);
	t.master_abort_ps = SIM_NS(3);
	ck_assert_int_eq(platform_set_timing(m, &t), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, NOTHING, 2, NOW, &v, &done, &res), SIM_OK);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_uint_eq(done, NOW + SIM_NS(3));
	ck_assert_int_eq(platform_mmio_write(m, NOTHING, 4, 0, NOW, &done, &res), SIM_OK);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(done, NOW + SIM_NS(3));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_completion_timeout_fault)
{
	struct platform_machine *m = make();
	struct bus_decode *d = platform_decode(m);
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	struct bus_decode_result res;
	sim_time_t done = 0;
	uint64_t v = 0;

	ck_assert_int_eq(bus_fault_set_timeout(d, SIM_US(50)), SIM_OK);
	ck_assert_int_eq(bus_fault_add(d, bar0_of(m, 0, 0), 4 * KIB, BUS_FAULT_COMPLETION_TIMEOUT,
				       NULL), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert(res.timeout);
	ck_assert_uint_eq(v, 0xffffffffu);
	/* The request went out; no completion came back. */
	ck_assert_uint_eq(done, NOW + occ(l, 20) + SIM_US(50));
	ck_assert_uint_eq(l->up.tlps, 0);
	/* Over nothing: the timeout alone. */
	ck_assert_int_eq(bus_fault_add(d, NOTHING, 4 * KIB, BUS_FAULT_COMPLETION_TIMEOUT, NULL),
			 SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, NOTHING, 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert(res.timeout);
	ck_assert_uint_eq(done, NOW + SIM_US(50));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_dma_ram)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	struct platform_dma_stats s;
	struct bus_decode_result res;
	static uint8_t out[1024], in[1024];
	sim_time_t done = 0, mwr, mrd, cpl, ram_ps = PLATFORM_RAM_PS_DEFAULT;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 1);
	set_master(m, 0, 0, true);
	ck_assert_uint_eq(l->cfg.mps_bytes, 256);
	ck_assert_uint_eq(l->cfg.mrrs_bytes, 512);
	/* 1 KiB from a 4 KiB boundary: four 256-byte MWrs upstream. */
	mwr = occ(l, bus_link_mwr_wire_bytes(&l->cfg, 256));
	ck_assert_int_eq(platform_dma_write(m, 0, 0, 0, 0x10000, out, sizeof(out), NOW, &done,
					    &res), SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_OK);
	ck_assert_uint_eq(done, NOW + 4 * mwr + ram_ps);
	ck_assert_uint_eq(l->up.tlps, 4);
	/* Read it back: two 512-byte MRds; each answered after the RAM latency
	 * by two 256-byte CplDs; the second pair queues behind the first. */
	mrd = occ(l, bus_link_mrd_wire_bytes(&l->cfg));
	cpl = occ(l, bus_link_cpld_wire_bytes(&l->cfg, 256));
	ck_assert_uint_gt(2 * cpl, mrd);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x10000, in, sizeof(in), SIM_US(100), &done,
					   &res), SIM_OK);
	ck_assert_int_eq(memcmp(in, out, sizeof(in)), 0);
	ck_assert_uint_eq(done, SIM_US(100) + mrd + ram_ps + 4 * cpl);
	ck_assert_uint_eq(l->down.tlps, 4);
	ck_assert_uint_eq(l->up.tlps, 6);
	/* 8 bytes across a 4 KiB boundary: two MRds, two CplDs. */
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x10ffc, in, 8, SIM_US(200), &done, NULL),
			 SIM_OK);
	ck_assert_uint_eq(l->up.tlps, 8);
	ck_assert_uint_eq(l->down.tlps, 6);
	cpl = occ(l, bus_link_cpld_wire_bytes(&l->cfg, 4));
	ck_assert_uint_eq(done, SIM_US(200) + mrd + ram_ps + (mrd > cpl ? mrd : cpl) + cpl);
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.reads, 2);
	ck_assert_uint_eq(s.writes, 1);
	ck_assert_uint_eq(s.bytes_read, 1032);
	ck_assert_uint_eq(s.bytes_written, 1024);
	ck_assert_uint_eq(s.read_ur + s.write_ur + s.read_ca + s.write_ca + s.refused, 0);
	/* Bad arguments. */
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0, in, 0, NOW, &done, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(platform_dma_read(m, 0, 7, 0, 0, in, 4, NOW, &done, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, UINT64_MAX, in, 4, NOW, &done, NULL),
			 SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_dma_read_to_nothing)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	struct platform_dma_stats s;
	struct bus_decode_result res;
	uint8_t buf[16];
	sim_time_t done = 0;

	set_master(m, 0, 0, true);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, 0);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, NOTHING, buf, sizeof(buf), NOW, &done, &res),
			 SIM_OK);
	ck_assert(res.master_abort);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xff);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, PCI_STS_REC_MASTER_ABORT);
	/* The UR completion comes back without data after the host bridge's
	 * latency. */
	ck_assert_uint_eq(done, NOW + occ(l, 20) + PLATFORM_MASTER_ABORT_PS_DEFAULT +
				occ(l, bus_link_cpld_wire_bytes(&l->cfg, 0)));
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.read_ur, 1);
	ck_assert_uint_eq(s.write_ur, 0);
	/* RW1C: software clears it. */
	ck_assert_int_eq(platform_cfg_write(m, 0, 0, 0, PCI_CFG_STATUS, 2, PCI_STS_REC_MASTER_ABORT),
			 SIM_OK);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, 0);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_dma_write_to_nothing)
{
	struct platform_machine *m = make();
	const struct platform_link *l = platform_fn_link(m, 0, 0, 0);
	struct platform_dma_stats s;
	struct bus_decode_result res;
	uint8_t buf[16] = { 1, 2, 3 };
	sim_time_t done = 0;

	set_master(m, 0, 0, true);
	ck_assert_int_eq(platform_dma_write(m, 0, 0, 0, NOTHING + 0x40, buf, sizeof(buf), NOW,
					    &done, &res), SIM_OK);
	ck_assert(res.master_abort);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, 0);
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.write_ur, 1);
	ck_assert_uint_eq(s.last_ur_addr, NOTHING + 0x40);
	ck_assert_uint_eq(s.read_ur, 0);
	ck_assert_uint_eq(s.writes, 1);
	ck_assert_uint_eq(s.bytes_written, 0);
	/* Dropped when it reaches the root complex. */
	ck_assert_uint_eq(done, NOW + occ(l, bus_link_mwr_wire_bytes(&l->cfg, 16)));
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_completer_abort)
{
	struct platform_machine *m = make();
	struct bus_decode *d = platform_decode(m);
	struct platform_dma_stats s;
	struct bus_decode_result res;
	uint32_t word = 0;
	sim_time_t done = 0;

	set_master(m, 0, 0, true);
	ck_assert_int_eq(bus_fault_add(d, bar0_of(m, 1, 0), 4 * KIB, BUS_FAULT_COMPLETER_ABORT,
				       NULL), SIM_OK);
	/* ep0 reads a register of ep1 (peer to peer): ep1 aborts it. */
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, bar0_of(m, 1, 0), &word, 4, NOW, &done,
					   &res), SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(word, 0xffffffffu);
	ck_assert_uint_eq(status_of(&dev1) & PCI_STS_ERRORS, PCI_STS_SIG_TARGET_ABORT);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, PCI_STS_REC_TARGET_ABORT);
	/* A posted write aborted: the completer signals, the requester hears
	 * nothing. */
	ck_assert_int_eq(platform_cfg_write(m, 1, 0, 0, PCI_CFG_STATUS, 2, PCI_STS_ERRORS), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(m, 0, 0, 0, PCI_CFG_STATUS, 2, PCI_STS_ERRORS), SIM_OK);
	ck_assert_int_eq(platform_dma_write(m, 0, 0, 0, bar0_of(m, 1, 0) + 4, &word, 4, NOW, &done,
					    &res), SIM_OK);
	ck_assert_int_eq(res.status, BUS_DECODE_CA);
	ck_assert_uint_eq(status_of(&dev1) & PCI_STS_ERRORS, PCI_STS_SIG_TARGET_ABORT);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, 0);
	/* A CA over RAM: no function completes it, only the requester hears. */
	ck_assert_int_eq(bus_fault_add(d, 0x20000, 4 * KIB, BUS_FAULT_COMPLETER_ABORT, NULL),
			 SIM_OK);
	ck_assert_int_eq(platform_cfg_write(m, 1, 0, 0, PCI_CFG_STATUS, 2, PCI_STS_ERRORS), SIM_OK);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x20000, &word, 4, NOW, &done, &res),
			 SIM_OK);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, PCI_STS_REC_TARGET_ABORT);
	ck_assert_uint_eq(status_of(&dev1) & PCI_STS_ERRORS, 0);
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.read_ca, 2);
	ck_assert_uint_eq(s.write_ca, 1);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_bus_master_off_refused)
{
	struct platform_machine *m = make();
	struct bus_decode *d = platform_decode(m);
	struct platform_dma_stats s;
	uint8_t buf[8] = { 0 };
	uint64_t accesses = d->stats.accesses;
	sim_time_t done = 0;

	/* The enumeration leaves Bus Master off, as Linux does. */
	ck_assert_int_eq(platform_dma_write(m, 0, 0, 0, 0x1000, buf, 8, NOW, &done, NULL),
			 SIM_ERR_STATE);
	ck_assert_int_eq(platform_dma_read(m, 1, 0, 0, 0x1000, buf, 8, NOW, &done, NULL),
			 SIM_ERR_STATE);
	ck_assert_uint_eq(d->stats.accesses, accesses);
	ck_assert_uint_eq(platform_fn_link(m, 0, 0, 0)->up.tlps, 0);
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.refused, 2);
	ck_assert_uint_eq(s.reads + s.writes, 0);
	/* On, then off again. */
	set_master(m, 1, 0, true);
	ck_assert_int_eq(platform_dma_read(m, 1, 0, 0, 0x1000, buf, 8, NOW, &done, NULL), SIM_OK);
	set_master(m, 1, 0, false);
	ck_assert_int_eq(platform_dma_read(m, 1, 0, 0, 0x1000, buf, 8, NOW, &done, NULL),
			 SIM_ERR_STATE);
	platform_dma_stats(m, &s);
	ck_assert_uint_eq(s.refused, 3);
	ck_assert_uint_eq(s.reads, 1);
	/* A removed requester issues nothing. */
	set_master(m, 0, 0, true);
	ck_assert_int_eq(platform_remove_function(m, 0, 0, 0), SIM_OK);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x1000, buf, 8, NOW, &done, NULL),
			 SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_bad_link_refused)
{
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;

	devices[0].link_width = 3;
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_ERR_INVALID);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(platform_build_error(), "ep0"));
	devices[0].link_width = 0;
	devices[0].link_gen = 6;
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_ERR_INVALID);
	devices[0].link_gen = 1;
	devices[0].link_width = 1;
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_OK);
	ck_assert_uint_eq(platform_fn_link(m, 0, 0, 0)->cfg.gen, 1);
	platform_machine_destroy(m);
}
END_TEST

/* The uncorrectable error @bit is logged in @t's AER status and Device
 * Status says Non-Fatal (or @fatal) Error Detected (PCIe 4.0 §6.2.5). */
static void assert_logged(struct tdev *t, uint32_t exp, uint32_t aer, uint32_t bit, bool fatal)
{
	uint16_t devsta = pci_cfg_get_u16(&t->cfg, exp + PCI_EXP_DEVSTA);

	ck_assert_uint_eq(pci_cfg_get_u32(&t->cfg, aer + PCI_ERR_UNCOR_STATUS), bit);
	ck_assert_uint_eq(devsta & (PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED),
			  fatal ? PCI_EXP_DEVSTA_FED : PCI_EXP_DEVSTA_NFED);
	ck_assert_uint_eq(!!(devsta & PCI_EXP_DEVSTA_URD), bit == PCI_ERR_UNC_UNSUP);
}

static void clear_logs(struct platform_machine *m, unsigned b, uint32_t exp, uint32_t aer)
{
	ck_assert_int_eq(platform_cfg_write(m, b, 0, 0, PCI_CFG_STATUS, 2, PCI_STS_ERRORS), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(m, b, 0, 0, exp + PCI_EXP_DEVSTA, 2, 0xf), SIM_OK);
	ck_assert_int_eq(platform_cfg_write(m, b, 0, 0, aer + PCI_ERR_UNCOR_STATUS, 4,
					    PCI_ERR_UNC_ALL), SIM_OK);
}

START_TEST(test_error_logging)
{
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;
	struct bus_decode *dec;
	struct pci_cap_exp_params ep = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.mps_supported_bytes = 256,
		.max_speed = PCI_LINK_8GT,
		.max_width = 8,
	};
	struct bus_decode_result res;
	uint32_t exp0, aer0, exp1, aer1, word = 0;
	uint64_t v;
	sim_time_t done;

	ck_assert_int_eq(pci_cap_add_express(&dev0.cfg, &ep, 0, &exp0), SIM_OK);
	ck_assert_int_eq(pci_cap_add_aer(&dev0.cfg, 0, &aer0), SIM_OK);
	ck_assert_int_eq(pci_cap_add_express(&dev1.cfg, &ep, 0, &exp1), SIM_OK);
	ck_assert_int_eq(pci_cap_add_aer(&dev1.cfg, 0, &aer1), SIM_OK);
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_OK);
	dec = platform_decode(m);
	set_master(m, 0, 0, true);

	/* A poisoned completion: Detected Parity Error; Master Data Parity
	 * Error only with Parity Error Response on (PCI 3.0 §6.2.3). */
	ck_assert_int_eq(bus_fault_add(dec, 0x10000, 4 * KIB, BUS_FAULT_POISONED, NULL), SIM_OK);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x10000, &word, 4, NOW, &done, &res),
			 SIM_OK);
	ck_assert(res.poisoned);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, PCI_STS_DETECTED_PARITY);
	assert_logged(&dev0, exp0, aer0, PCI_ERR_UNC_POISON_TLP, false);
	clear_logs(m, 0, exp0, aer0);
	ck_assert_int_eq(platform_cfg_write(m, 0, 0, 0, PCI_CFG_COMMAND, 2,
					    PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_PARITY),
			 SIM_OK);
	/* Poisoned TLP made fatal in the AER severity register. */
	ck_assert_int_eq(platform_cfg_write(m, 0, 0, 0, aer0 + PCI_ERR_UNCOR_SEVER, 4,
					    PCI_ERR_UNC_SEVER_DEFAULT | PCI_ERR_UNC_POISON_TLP),
			 SIM_OK);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x10000, &word, 4, NOW, &done, &res),
			 SIM_OK);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS,
			  PCI_STS_DETECTED_PARITY | PCI_STS_MASTER_PARITY);
	assert_logged(&dev0, exp0, aer0, PCI_ERR_UNC_POISON_TLP, true);
	clear_logs(m, 0, exp0, aer0);

	/* A completion timeout is the requester's error (PCIe 4.0 §2.8). */
	ck_assert_int_eq(bus_fault_set_timeout(dec, SIM_US(50)), SIM_OK);
	ck_assert_int_eq(bus_fault_add(dec, 0x20000, 4 * KIB, BUS_FAULT_COMPLETION_TIMEOUT, NULL),
			 SIM_OK);
	ck_assert_int_eq(platform_dma_read(m, 0, 0, 0, 0x20000, &word, 4, NOW, &done, &res),
			 SIM_OK);
	ck_assert(res.timeout);
	ck_assert_uint_eq(status_of(&dev0) & PCI_STS_ERRORS, 0);
	assert_logged(&dev0, exp0, aer0, PCI_ERR_UNC_COMP_TIME, false);
	clear_logs(m, 0, exp0, aer0);

	/* The CPU's read of ep1 completed with CA: ep1 signalled it. */
	ck_assert_int_eq(bus_fault_add(dec, bar0_of(m, 1, 0), 4 * KIB, BUS_FAULT_COMPLETER_ABORT,
				       NULL), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 1, 0), 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert_uint_eq(status_of(&dev1) & PCI_STS_ERRORS, PCI_STS_SIG_TARGET_ABORT);
	assert_logged(&dev1, exp1, aer1, PCI_ERR_UNC_COMP_ABORT, false);
	clear_logs(m, 1, exp1, aer1);
	bus_fault_remove_all(dec);

	/* A posted write with poisoned data reaches ep1: ep1 detects it. */
	ck_assert_int_eq(bus_fault_add(dec, bar0_of(m, 1, 0), 4 * KIB, BUS_FAULT_POISONED, NULL),
			 SIM_OK);
	ck_assert_int_eq(platform_mmio_write(m, bar0_of(m, 1, 0) + 4, 4, 1, NOW, &done, &res),
			 SIM_OK);
	ck_assert_uint_eq(status_of(&dev1) & PCI_STS_ERRORS, PCI_STS_DETECTED_PARITY);
	assert_logged(&dev1, exp1, aer1, PCI_ERR_UNC_POISON_TLP, false);
	clear_logs(m, 1, exp1, aer1);
	bus_fault_remove_all(dec);

	/* ep1 answers UR (a fault standing for a request it does not
	 * support): Unsupported Request Detected. */
	ck_assert_int_eq(bus_fault_add(dec, bar0_of(m, 1, 0), 4 * KIB,
				       BUS_FAULT_UNSUPPORTED_REQUEST, NULL), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 1, 0), 4, NOW, &v, &done, &res), SIM_OK);
	assert_logged(&dev1, exp1, aer1, PCI_ERR_UNC_UNSUP, false);
	/* A master abort (nobody there) is logged by no function. */
	clear_logs(m, 1, exp1, aer1);
	ck_assert_int_eq(platform_mmio_read(m, NOTHING, 4, NOW, &v, &done, &res), SIM_OK);
	ck_assert_uint_eq(pci_cfg_get_u32(&dev1.cfg, aer1 + PCI_ERR_UNCOR_STATUS), 0);
	ck_assert_uint_eq(pci_cfg_get_u32(&dev0.cfg, aer0 + PCI_ERR_UNCOR_STATUS), 0);
	platform_machine_destroy(m);
}
END_TEST

/* PCIe 4.0 §4.2.6: the link trains to what both ends support, and Link
 * Status of both ends reports it. */
START_TEST(test_link_trains_to_both_ends)
{
	struct platform_desc d = make_desc();
	struct platform_machine *m = NULL;
	struct pci_cap_exp_params gen2x4 = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.mps_supported_bytes = 256,
		.max_speed = PCI_LINK_5GT,
		.max_width = 4,
	};
	uint32_t exp0, exp1, rp_exp, sta;

	ck_assert_int_eq(pci_cap_add_express(&dev0.cfg, &gen2x4, 0, &exp0), SIM_OK);
	gen2x4.max_speed = PCI_LINK_16GT;
	gen2x4.max_width = 2;
	ck_assert_int_eq(pci_cap_add_express(&dev1.cfg, &gen2x4, 0, &exp1), SIM_OK);
	ck_assert_int_eq(platform_machine_build(&m, &d), SIM_OK);
	/* ep0: its own link, Gen3 x8 offered, Gen2 x4 supported. */
	ck_assert_uint_eq(platform_fn_link(m, 0, 0, 0)->cfg.gen, 2);
	ck_assert_uint_eq(platform_fn_link(m, 0, 0, 0)->cfg.width, 4);
	ck_assert_uint_eq(pci_cfg_get_u16(&dev0.cfg, exp0 + PCI_EXP_LNKSTA) & 0x3ff,
			  PCI_LINK_5GT | 4u << 4);
	/* rp0 is Gen4 x4, ep1 Gen4 x2: x2 at Gen4, on both ends. */
	ck_assert_uint_eq(platform_fn_link(m, 0, 1, 0)->cfg.gen, 4);
	ck_assert_uint_eq(platform_fn_link(m, 0, 1, 0)->cfg.width, 2);
	ck_assert_uint_eq(pci_cfg_get_u16(&dev1.cfg, exp1 + PCI_EXP_LNKSTA) & 0x3ff,
			  PCI_LINK_16GT | 2u << 4);
	ck_assert_int_eq(platform_cfg_read(m, 0, 1, 0, PCI_CFG_CAP_PTR, 1, &rp_exp),
			 SIM_OK);
	while (rp_exp) {
		uint32_t id;

		ck_assert_int_eq(platform_cfg_read(m, 0, 1, 0, rp_exp, 1, &id), SIM_OK);
		if (id == PCI_CAP_ID_EXP)
			break;
		ck_assert_int_eq(platform_cfg_read(m, 0, 1, 0, rp_exp + 1, 1, &rp_exp), SIM_OK);
	}
	ck_assert_uint_ne(rp_exp, 0);
	ck_assert_int_eq(platform_cfg_read(m, 0, 1, 0, rp_exp + PCI_EXP_LNKSTA, 2, &sta), SIM_OK);
	ck_assert_uint_eq(sta & 0x3ff, PCI_LINK_16GT | 2u << 4);
	platform_machine_destroy(m);
}
END_TEST

static Suite *access_suite(void)
{
	Suite *s = suite_create("platform:access");
	TCase *tc = tcase_create("access");

	tcase_add_test(tc, test_links_from_description);
	tcase_add_test(tc, test_mmio_read_round_trip);
	tcase_add_test(tc, test_back_to_back_reads_queue);
	tcase_add_test(tc, test_posted_write_arrival);
	tcase_add_test(tc, test_ram_latency);
	tcase_add_test(tc, test_master_abort);
	tcase_add_test(tc, test_completion_timeout_fault);
	tcase_add_test(tc, test_dma_ram);
	tcase_add_test(tc, test_dma_read_to_nothing);
	tcase_add_test(tc, test_dma_write_to_nothing);
	tcase_add_test(tc, test_completer_abort);
	tcase_add_test(tc, test_bus_master_off_refused);
	tcase_add_test(tc, test_bad_link_refused);
	tcase_add_test(tc, test_link_trains_to_both_ends);
	tcase_add_test(tc, test_error_logging);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(access_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
