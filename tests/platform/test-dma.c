/*
 * tests/platform/test-dma.c - Check tests of the DMA glue (platform/dma.h):
 * a dma/ engine on the port of a function of a built machine.
 *
 * The machine is test-access.c's: RAM below 3 GiB, ep0 on the root bus
 * (Gen3 x8), a root port rp0 (Gen4 x4) with ep1 behind it. Covers: the
 * port's link, MPS/MRRS and requester ID; bytes land in host memory; an
 * engine's write takes exactly as long as platform_dma_write() (the same
 * TLPs on the same link); Bus Master Enable through configuration space;
 * a read of nothing sets Received Master Abort; a Completer Abort sets
 * Signaled and Received Target Abort; DMA into the function's
 * own BAR is refused (re-entrancy guard); a CPU MMIO read queues behind
 * the engine's traffic on the shared link.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus/fault.h"
#include "dma/engine.h"
#include "platform/dma.h"
#include "sim/kernel.h"
#include "platform/access.h"
#include "platform/machine.h"

#include "access-fixture.h"

static struct sim_kernel K;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now;
	(void)msg;
}

static void kinit(void)
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	ck_assert_int_eq(sim_kernel_init(&K, &kc), 0);
}

struct got {
	int calls;
	struct dma_result r;
};

static void done_cb(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct got *g = opaque;

	(void)ch;
	g->calls++;
	g->r = *r;
}

static struct dma_result run1(struct dma_engine *e, enum dma_dir dir, uint64_t addr, void *buf,
			      uint32_t len)
{
	struct dma_sg sg = { addr, len };
	struct got g = { 0 };

	ck_assert_int_eq(dma_channel_start(dma_engine_channel(e, 0), dir, &sg, 1, buf, done_cb, &g),
			 0);
	sim_run(&K);
	ck_assert_int_eq(g.calls, 1);
	return g.r;
}

START_TEST(test_port_fields)
{
	struct platform_machine *m = make();
	struct dma_port p;

	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_ptr_eq(p.up, &platform_fn_link(m, 0, 0, 0)->up);
	ck_assert_ptr_eq(p.down, &platform_fn_link(m, 0, 0, 0)->down);
	ck_assert_ptr_eq(p.mem, platform_decode(m));
	ck_assert_uint_eq(p.link.gen, 3);
	ck_assert_uint_eq(p.link.mps_bytes, 256);
	ck_assert_uint_eq(p.link.mrrs_bytes, 512);
	ck_assert_uint_eq(p.requester_id, 0x0000);
	ck_assert_uint_eq(p.n_own, 1);
	ck_assert_int_eq(platform_dma_port(m, 1, 0, 0, &p), 0);
	ck_assert_uint_eq(p.requester_id, 0x0100);
	ck_assert_uint_eq(p.link.gen, 4);
	ck_assert_ptr_eq(p.up, &platform_fn_link(m, 0, 1, 0)->up);
	ck_assert_int_eq(platform_dma_port(m, 0, 9, 0, &p), SIM_ERR_INVALID);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_write_matches_access)
{
	/* The same 8 KiB write by the engine and by platform_dma_write() on
	 * two identical machines ends at the same picosecond. */
	static uint8_t buf[8192], back[8192];
	struct platform_machine *m = make(), *m2 = make();
	struct dma_port p;
	struct dma_engine e;
	struct dma_result r;
	sim_time_t done = 0;

	kinit();
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	set_master(m, 0, 0, true);
	set_master(m2, 0, 0, true);
	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_int_eq(dma_engine_init(&e, &K, &p, NULL), 0);
	r = run1(&e, DMA_DIR_WRITE, 0x100000, buf, sizeof(buf));
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_int_eq(bus_mem_read(platform_mem(m), 0x100000, back, sizeof(back)), 0);
	ck_assert_int_eq(memcmp(back, buf, sizeof(buf)), 0);
	ck_assert_int_eq(platform_dma_write(m2, 0, 0, 0, 0x100000, buf, sizeof(buf), 0, &done, NULL),
			 0);
	ck_assert_uint_eq(r.end_ps - r.start_ps, done);
	dma_engine_destroy(&e);
	sim_kernel_destroy(&K);
	platform_machine_destroy(m);
	platform_machine_destroy(m2);
}
END_TEST

START_TEST(test_bus_master_and_master_abort)
{
	/* PCI 3.0 §6.2.2 and §6.2.3. */
	static uint8_t buf[256];
	struct platform_machine *m = make();
	struct dma_port p;
	struct dma_engine e;
	struct dma_sg sg = { 0x1000, 256 };
	struct dma_result r;

	kinit();
	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_int_eq(dma_engine_init(&e, &K, &p, NULL), 0);
	ck_assert_int_eq(dma_channel_start(dma_engine_channel(&e, 0), DMA_DIR_READ, &sg, 1, buf,
					   NULL, NULL), SIM_ERR_STATE);
	set_master(m, 0, 0, true);
	r = run1(&e, DMA_DIR_READ, NOTHING, buf, sizeof(buf));
	ck_assert_int_eq(r.status, DMA_ERR_UR);
	ck_assert_uint_eq(r.fail_addr, NOTHING);
	ck_assert(status_of(&dev0) & PCI_STS_REC_MASTER_ABORT);
	dma_engine_destroy(&e);
	sim_kernel_destroy(&K);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_completer_abort)
{
	/* PCI 3.0 §6.2.3: ep1 aborts ep0's read: ep1 Signaled Target Abort,
	 * ep0 Received Target Abort. */
	struct platform_machine *m = make();
	struct dma_port p;
	struct dma_engine e;
	struct dma_result r;
	uint32_t v = 0;

	kinit();
	set_master(m, 0, 0, true);
	ck_assert_int_eq(bus_fault_add(platform_decode(m), bar0_of(m, 1, 0), 4096,
				       BUS_FAULT_COMPLETER_ABORT, NULL), 0);
	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_int_eq(dma_engine_init(&e, &K, &p, NULL), 0);
	r = run1(&e, DMA_DIR_READ, bar0_of(m, 1, 0), &v, 4);
	ck_assert_int_eq(r.status, DMA_ERR_CA);
	ck_assert(status_of(&dev1) & PCI_STS_SIG_TARGET_ABORT);
	ck_assert(status_of(&dev0) & PCI_STS_REC_TARGET_ABORT);
	ck_assert(!(status_of(&dev0) & PCI_STS_SIG_TARGET_ABORT));
	dma_engine_destroy(&e);
	sim_kernel_destroy(&K);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_own_bar_refused)
{
	/* Re-entrancy guard: ep0's DMA into its own BAR never reaches it. */
	struct platform_machine *m = make();
	struct dma_port p;
	struct dma_engine e;
	struct dma_result r;
	uint32_t v = 0xdeadbeef;

	kinit();
	set_master(m, 0, 0, true);
	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_int_eq(dma_engine_init(&e, &K, &p, NULL), 0);
	r = run1(&e, DMA_DIR_WRITE, bar0_of(m, 0, 0) + 4, &v, 4);
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_uint_eq(r.writes_dropped, 1);
	ck_assert_uint_eq(dev0.scratch, 0);
	ck_assert_uint_eq(p.reentry_refused, 1);
	/* ep1's DMA into ep0's BAR is peer-to-peer and allowed. */
	set_master(m, 1, 0, true);
	{
		struct dma_port p1;
		struct dma_engine e1;

		ck_assert_int_eq(platform_dma_port(m, 1, 0, 0, &p1), 0);
		ck_assert_int_eq(dma_engine_init(&e1, &K, &p1, NULL), 0);
		r = run1(&e1, DMA_DIR_WRITE, bar0_of(m, 0, 0) + 4, &v, 4);
		ck_assert_int_eq(r.status, DMA_OK);
		ck_assert_uint_eq(dev0.scratch, 0xdeadbeef);
		dma_engine_destroy(&e1);
	}
	dma_engine_destroy(&e);
	sim_kernel_destroy(&K);
	platform_machine_destroy(m);
}
END_TEST

START_TEST(test_mmio_waits_behind_dma)
{
	/* The engine's completions occupy the downstream direction: a CPU
	 * read of ep0 issued during them is delayed. */
	static uint8_t buf[64 * 1024];
	struct platform_machine *m = make(), *m2 = make();
	struct dma_port p;
	struct dma_engine e;
	struct dma_result r;
	sim_time_t busy_done = 0, idle_done = 0;
	uint64_t v;

	kinit();
	set_master(m, 0, 0, true);
	ck_assert_int_eq(platform_dma_port(m, 0, 0, 0, &p), 0);
	ck_assert_int_eq(dma_engine_init(&e, &K, &p, NULL), 0);
	r = run1(&e, DMA_DIR_READ, 0x200000, buf, sizeof(buf));
	ck_assert_int_eq(r.status, DMA_OK);
	ck_assert_int_eq(platform_mmio_read(m, bar0_of(m, 0, 0), 4, r.start_ps + 1000, &v,
					    &busy_done, NULL), 0);
	ck_assert_int_eq(platform_mmio_read(m2, bar0_of(m2, 0, 0), 4, r.start_ps + 1000, &v,
					    &idle_done, NULL), 0);
	ck_assert_uint_gt(busy_done, idle_done);
	dma_engine_destroy(&e);
	sim_kernel_destroy(&K);
	platform_machine_destroy(m);
	platform_machine_destroy(m2);
}
END_TEST

static Suite *dma_suite(void)
{
	Suite *s = suite_create("platform:dma");
	TCase *tc = tcase_create("dma");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_port_fields);
	tcase_add_test(tc, test_write_matches_access);
	tcase_add_test(tc, test_bus_master_and_master_abort);
	tcase_add_test(tc, test_completer_abort);
	tcase_add_test(tc, test_own_bar_refused);
	tcase_add_test(tc, test_mmio_waits_behind_dma);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dma_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
