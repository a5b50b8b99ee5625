/*
 * tests/model/test-regs.c - Check tests of the reference device's BAR0
 * registers and commands against ../shared/spec/refdev.md: sections
 * "Registers (BAR0)", "Commands (CMD)", "Errors", "SRAM window (BAR2)"
 * and "Timing parameters" (command latency, CHECKSUM at 4 GB/s).
 */
#include "refdev-test.h"

/* "Registers (BAR0)": ID reads 0x70110100; reserved offsets and CMD read
 * 0; writes to read-only registers and reserved offsets are ignored. */
START_TEST(test_id_and_reserved)
{
	struct rt t;

	rt_up(&t, NULL);
	ck_assert_uint_eq(rd(&t, REFDEV_ID), 0x70110100u);
	ck_assert_uint_eq(rd(&t, REFDEV_CMD), 0);
	for (uint32_t off = 0x1c; off < 0x1000; off += 4) {
		if (off == REFDEV_CMD || off == REFDEV_ARG || off == REFDEV_RESULT ||
		    (off >= REFDEV_DMA_TABLE_LO && off <= REFDEV_DMA_BYTES))
			continue;
		wr(&t, off, 0xffffffffu);
		ck_assert_uint_eq(rd(&t, off), 0);
	}
	wr(&t, REFDEV_ID, 0);
	wr(&t, REFDEV_STATUS, 0xffffffffu);
	wr(&t, REFDEV_INT_COUNT, 5);
	wr(&t, REFDEV_RESULT, 5);
	wr(&t, REFDEV_DMA_BYTES, 5);
	ck_assert_uint_eq(rd(&t, REFDEV_ID), REFDEV_ID_VALUE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_COUNT), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
	ck_assert_uint_eq(t.dev.stats.errors[REFDEV_ERR_ACCESS], 0);
	rt_down(&t);
}
END_TEST

/* "Registers (BAR0)": the RW registers keep what is written; reset values. */
START_TEST(test_rw_registers)
{
	struct rt t;
	static const uint32_t rw[] = { REFDEV_ARG, REFDEV_DMA_TABLE_LO, REFDEV_DMA_TABLE_HI,
				       REFDEV_DMA_OFFSET, REFDEV_DMA_LENGTH,
				       REFDEV_DMA_DEV_OFFSET, REFDEV_MSIX_VEC };

	rt_up(&t, NULL);
	ck_assert_uint_eq(rd(&t, REFDEV_MSIX_VEC), 0x03020100u);
	ck_assert_uint_eq(rd(&t, REFDEV_CTRL), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_MASK), 0);
	for (unsigned i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		wr(&t, rw[i], 0xa5a50000u + i);
		ck_assert_uint_eq(rd(&t, rw[i]), 0xa5a50000u + i);
	}
	wr(&t, REFDEV_INT_MASK, 0xffffffffu);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_MASK), REFDEV_INT_ALL);
	wr(&t, REFDEV_CTRL, 0xfffffffeu);
	ck_assert_uint_eq(rd(&t, REFDEV_CTRL), REFDEV_CTRL_INT_EN | REFDEV_CTRL_DMA64);
	rt_down(&t);
}
END_TEST

/* "Registers (BAR0)": only aligned 32-bit accesses; any other is dropped
 * (a read returns 0xFFFFFFFF) and reported with code ACCESS. */
START_TEST(test_access_rules)
{
	struct rt t;
	static const struct { uint32_t off; unsigned size; } bad[] = {
		{ 0x24, 1 }, { 0x24, 2 }, { 0x24, 8 }, { 0x25, 4 }, { 0x26, 2 }, { 0x22, 4 },
	};

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 0x12345678u);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t all = bad[i].size == 8 ? UINT64_MAX
						: (UINT64_C(1) << (8 * bad[i].size)) - 1;

		ck_assert_uint_eq(rt_mmio_rd(&t, t.bar0 + bad[i].off, bad[i].size), all);
		ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_ACCESS);
		ck_assert(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_ERROR);
		ck_assert(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_ERROR);
		wr(&t, REFDEV_INT_STATUS, REFDEV_INT_ERROR);
		rt_mmio_wr(&t, t.bar0 + bad[i].off, bad[i].size, 0);
		ck_assert_uint_eq(rd(&t, REFDEV_ARG), 0x12345678u); /* dropped */
	}
	ck_assert_uint_eq(t.dev.stats.errors[REFDEV_ERR_ACCESS], 12);
	/* A CMD write of the wrong size starts nothing. */
	rt_mmio_wr(&t, t.bar0 + REFDEV_CMD, 2, REFDEV_CMD_ECHO);
	rt_run(&t);
	ck_assert_uint_eq(t.dev.stats.commands, 0);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), 0);
	rt_down(&t);
}
END_TEST

/* "Commands": ECHO sets RESULT = ~ARG after the command latency (500 ns),
 * BUSY meanwhile, CMD_DONE on completion. */
START_TEST(test_echo)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 0x0f0f1234u);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	ck_assert(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_BUSY);
	rt_run_until(&t, SIM_NS(500) - 1);
	ck_assert(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_BUSY);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), 0);
	rt_run_until(&t, SIM_NS(500));
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), ~0x0f0f1234u);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_CMD_DONE);
	/* RW1C */
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_CMD_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	rt_down(&t);
}
END_TEST

/* "Commands": CHECKSUM is zlib's crc32(0, buf, len): 0xCBF43926 for
 * "123456789"; it takes the command latency plus DMA_LENGTH / 4 GB/s. */
START_TEST(test_checksum)
{
	struct rt t;
	static const char s[] = "123456789";
	const uint32_t at = 0x1001; /* any byte offset */

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 9; i++)
		rt_mmio_wr(&t, t.bar2 + at + i, 1, (uint8_t)s[i]);
	wr(&t, REFDEV_DMA_DEV_OFFSET, at);
	wr(&t, REFDEV_DMA_LENGTH, 9);
	rt_cmd(&t, REFDEV_CMD_CHECKSUM);
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), 0xcbf43926u);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_CMD_DONE);
	/* 9 bytes at 4 GB/s: 2.25 ns, rounded up to the picosecond. */
	ck_assert_uint_eq(sim_now(&t.k), SIM_NS(500) + 2250);

	/* 1 MiB (the whole SRAM): 500 ns + 262144 ns. */
	{
		uint8_t *sram = refdev_sram(&t.dev);
		sim_time_t t0;

		for (unsigned i = 0; i < MIB; i++)
			sram[i] = (uint8_t)(i * 7 + 3);
		wr(&t, REFDEV_DMA_DEV_OFFSET, 0);
		wr(&t, REFDEV_DMA_LENGTH, (uint32_t)MIB);
		t0 = sim_now(&t.k);
		wr(&t, REFDEV_CMD, REFDEV_CMD_CHECKSUM);
		rt_run_until(&t, t0 + SIM_NS(500) + SIM_NS(262144) - 1);
		ck_assert(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_BUSY);
		rt_run(&t);
		ck_assert_uint_eq(sim_now(&t.k) - t0, SIM_NS(500) + SIM_NS(262144));
		ck_assert_uint_eq(rd(&t, REFDEV_RESULT), refdev_crc32(&t.dev, 0, sram, MIB));
	}

	/* Range: DMA_DEV_OFFSET + DMA_LENGTH > SRAM size (64-bit sum). */
	wr(&t, REFDEV_DMA_DEV_OFFSET, 0xffffff00u);
	wr(&t, REFDEV_DMA_LENGTH, 0x200);
	rt_cmd(&t, REFDEV_CMD_CHECKSUM);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_RANGE);
	ck_assert(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_ERROR);
	ck_assert(!(rd(&t, REFDEV_STATUS) & REFDEV_STATUS_BUSY));
	wr(&t, REFDEV_DMA_DEV_OFFSET, (uint32_t)MIB - 8);
	wr(&t, REFDEV_DMA_LENGTH, 9);
	rt_cmd(&t, REFDEV_CMD_CHECKSUM);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_RANGE);
	rt_down(&t);
}
END_TEST

/* "Commands": TIMER fires ARG microseconds after the command latency (ARG
 * 0: at once), does not set BUSY, may overlap other commands; a new TIMER
 * replaces a pending one. */
START_TEST(test_timer)
{
	struct rt t;
	sim_time_t t0;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 3);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	/* Overlaps an ECHO. */
	wr(&t, REFDEV_ARG, 1);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	rt_run_until(&t, SIM_NS(500));
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_CMD_DONE);
	rt_run_until(&t, SIM_NS(500) + SIM_US(3) - 1);
	ck_assert(!(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER));
	rt_run(&t);
	ck_assert_uint_eq(sim_now(&t.k), SIM_NS(500) + SIM_US(3));
	ck_assert(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_ALL);

	/* Replace: a 10 us timer, then a 2 us one 1 us later: one fire, at the
	 * second's time. */
	t0 = sim_now(&t.k);
	wr(&t, REFDEV_ARG, 10);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	rt_run_until(&t, t0 + SIM_US(1));
	wr(&t, REFDEV_ARG, 2);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	rt_run_until(&t, t0 + SIM_US(1) + SIM_NS(500) + SIM_US(2) - 1);
	ck_assert(!(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER));
	rt_run_until(&t, t0 + SIM_US(1) + SIM_NS(500) + SIM_US(2));
	ck_assert(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER);
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_TIMER);
	rt_run(&t);
	ck_assert(!(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER)); /* the 10 us one is gone */

	/* ARG 0: at once after the command latency. */
	t0 = sim_now(&t.k);
	wr(&t, REFDEV_ARG, 0);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	rt_run(&t);
	ck_assert_uint_eq(sim_now(&t.k) - t0, SIM_NS(500));
	ck_assert(rd(&t, REFDEV_INT_STATUS) & REFDEV_INT_TIMER);

	/* Accepted while another command keeps BUSY set. */
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_ALL);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	wr(&t, REFDEV_CMD, REFDEV_CMD_TIMER);
	ck_assert_uint_eq(rt_err_code(&t), 0);
	rt_run(&t);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_CMD_DONE | REFDEV_INT_TIMER);
	rt_down(&t);
}
END_TEST

/* "Commands" and "Errors": a command while BUSY is not started and raises
 * BUSY, the running one unaffected; an unknown code raises BAD_CMD; an
 * accepted command clears STATUS.ERROR and its code. */
START_TEST(test_busy_and_bad_cmd)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 7);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	wr(&t, REFDEV_ARG, 9);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS),
			  REFDEV_STATUS_BUSY | REFDEV_STATUS_ERROR | REFDEV_ERR_BUSY << 8);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_ERROR);
	rt_run(&t);
	ck_assert_uint_eq(sim_now(&t.k), SIM_NS(500));
	ck_assert_uint_eq(rd(&t, REFDEV_RESULT), ~7u); /* the first one's ARG */
	/* The error stays until an accepted command. */
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_ERROR | REFDEV_ERR_BUSY << 8);
	for (uint32_t code = 0; code < 0x10; code++) {
		if (code >= REFDEV_CMD_ECHO && code <= REFDEV_CMD_TIMER)
			continue;
		wr(&t, REFDEV_CMD, code);
		ck_assert_uint_eq(rd(&t, REFDEV_STATUS),
				  REFDEV_STATUS_ERROR | REFDEV_ERR_BAD_CMD << 8);
	}
	wr(&t, REFDEV_CMD, 0x101);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_BAD_CMD);
	ck_assert_uint_eq(t.dev.stats.errors[REFDEV_ERR_BAD_CMD], 12);
	rt_run(&t);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_BUSY);
	rt_run(&t);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	rt_down(&t);
}
END_TEST

/* "SRAM window (BAR2)": aligned 1, 2, 4 and 8-byte accesses, little endian. */
START_TEST(test_sram_window)
{
	struct rt t;
	struct bus_decode_result r;
	uint64_t v;

	rt_up(&t, NULL);
	rt_mmio_wr(&t, t.bar2 + 0x100, 8, UINT64_C(0x0807060504030201));
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar2 + 0x100, 1), 0x01);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar2 + 0x102, 2), 0x0403);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar2 + 0x104, 4), 0x08070605);
	ck_assert_uint_eq(refdev_sram(&t.dev)[0x107], 0x08);
	rt_mmio_wr(&t, t.bar2 + MIB - 8, 8, UINT64_MAX);
	ck_assert_uint_eq(rt_mmio_rd(&t, t.bar2 + MIB - 8, 8), UINT64_MAX);
	/* Unaligned: refused by the window's rules. */
	ck_assert_int_eq(bus_decode_read(platform_decode(t.m), t.bar2 + 0x101, 4, &v, &r), 0);
	ck_assert(r.status != BUS_DECODE_OK);
	rt_down(&t);
}
END_TEST

/* "Registers (BAR0)" CTRL.RESET: reads back 0, the other bits of that
 * write are ignored, registers return to their reset values. */
START_TEST(test_ctrl_reset)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_ARG, 5);
	wr(&t, REFDEV_INT_MASK, 0xf);
	wr(&t, REFDEV_MSIX_VEC, 0x07070707u);
	wr(&t, REFDEV_DMA_LENGTH, 77);
	wr(&t, REFDEV_CMD, 0x99); /* BAD_CMD */
	refdev_sram(&t.dev)[5] = 0x42;
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_RESET | REFDEV_CTRL_INT_EN | REFDEV_CTRL_DMA64);
	ck_assert_uint_eq(rd(&t, REFDEV_CTRL), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_ARG), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_MASK), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_MSIX_VEC), REFDEV_MSIX_VEC_RESET);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_LENGTH), 0);
	ck_assert_uint_eq(refdev_sram(&t.dev)[5], 0x42); /* SRAM kept */
	ck_assert(rt_cfg_read(&t, PCI_CFG_COMMAND, 2) & PCI_CMD_MASTER); /* config kept */
	rt_down(&t);
}
END_TEST

/* "Timing parameters": the command latency and CHECKSUM rate are model
 * parameters. */
START_TEST(test_timing_parameters)
{
	struct rt t;
	struct refdev_config c;

	refdev_config_default(&c);
	c.cmd_latency_ps = SIM_NS(100);
	c.checksum_mb_per_s = 1000; /* 1 GB/s: 1 ns per byte */
	rt_up(&t, &c);
	wr(&t, REFDEV_DMA_LENGTH, 1000);
	rt_cmd(&t, REFDEV_CMD_CHECKSUM);
	ck_assert_uint_eq(sim_now(&t.k), SIM_NS(100) + SIM_NS(1000));
	rt_down(&t);
}
END_TEST

/* "Interrupts": when a cause is set and cleared in the same instant, set
 * wins (a clear of a bit software has not read yet, in the instant it was
 * set, leaves it set). */
START_TEST(test_set_wins)
{
	struct rt t;

	rt_up(&t, NULL);
	wr(&t, REFDEV_CMD, REFDEV_CMD_ECHO);
	rt_run(&t);
	/* Set at 500 ns, not read: a blind clear in the same instant loses. */
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_ALL);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_CMD_DONE);
	/* Once read, the clear works in that instant too. */
	wr(&t, REFDEV_INT_STATUS, REFDEV_INT_CMD_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), 0);
	rt_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model:regs");
	TCase *tc = tcase_create("regs");

	tcase_add_test(tc, test_id_and_reserved);
	tcase_add_test(tc, test_rw_registers);
	tcase_add_test(tc, test_access_rules);
	tcase_add_test(tc, test_echo);
	tcase_add_test(tc, test_checksum);
	tcase_add_test(tc, test_timer);
	tcase_add_test(tc, test_busy_and_bad_cmd);
	tcase_add_test(tc, test_sram_window);
	tcase_add_test(tc, test_ctrl_reset);
	tcase_add_test(tc, test_timing_parameters);
	tcase_add_test(tc, test_set_wins);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
