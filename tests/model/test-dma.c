/*
 * tests/model/test-dma.c - Check tests of the reference device's DMA
 * against ../shared/spec/refdev.md, sections "DMA through the page table",
 * "Commands (CMD)" (DMA_READ, DMA_WRITE), "Errors" (DMA_RANGE, DMA_ABORT,
 * DMA_ADDR32) and "Timing parameters" (outstanding reads, host memory read
 * latency, transfers timed by the PCI Express link model): scattered pages
 * named by a page table in host memory, unaligned DMA_OFFSET, byte-exact
 * data both ways, DMA_BYTES, range checks, unaligned and 32-bit entries, a
 * read of a hole (DMA_ABORT) and a write to one (completes; the bus logs
 * it), MPS and MRRS sampled from Device Control, throughput against the
 * link's bound.
 */
#include "refdev-test.h"

#include "bus/fault.h"

#define TABLE UINT64_C(0x10000)
#define FILL 0xee

static uint8_t pattern(uint64_t i, unsigned salt)
{
	return (uint8_t)(i * 131u + (i >> 8) * 7u + salt);
}

/* Page @i of the data: scattered, not in order, none adjacent. */
static uint64_t scattered_page(unsigned i)
{
	return UINT64_C(0x400000) + (uint64_t)((i * 37u) % 211u) * 0x3000u;
}

/* Fill the table at @table with @n entries and the pages with FILL. */
static void put_table(struct rt *t, uint64_t table, const uint64_t *pages, unsigned n)
{
	static uint8_t fill[4096];

	memset(fill, FILL, sizeof(fill));
	for (unsigned i = 0; i < n; i++) {
		hm_write64(t, table + 8 * i, pages[i]);
		if (pages[i] < 3 * GIB || (pages[i] >= RT_HIGH_RAM && pages[i] < RT_HIGH_RAM + 16 * MIB))
			hm_write(t, pages[i] & ~UINT64_C(0xfff), fill, sizeof(fill));
	}
}

static void program(struct rt *t, uint64_t table, uint32_t offset, uint32_t length,
		    uint32_t dev_off)
{
	wr(t, REFDEV_DMA_TABLE_LO, (uint32_t)table);
	wr(t, REFDEV_DMA_TABLE_HI, (uint32_t)(table >> 32));
	wr(t, REFDEV_DMA_OFFSET, offset);
	wr(t, REFDEV_DMA_LENGTH, length);
	wr(t, REFDEV_DMA_DEV_OFFSET, dev_off);
}

/* The host pages hold SRAM[dev_off, +done) at their places, and FILL
 * everywhere else in the pages. */
static void check_host(struct rt *t, const uint64_t *pages, unsigned n, uint32_t offset,
		       uint32_t length, uint32_t dev_off, uint64_t done)
{
	static uint8_t page[4096], want[4096];
	const uint8_t *sram = refdev_sram(&t->dev);
	uint64_t pos = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t start = i == 0 ? offset : 0;

		hm_read(t, pages[i], page, sizeof(page));
		for (uint64_t b = 0; b < 4096; b++) {
			uint64_t p = pos + (b - start);
			bool in = b >= start && p < length && p < done;

			want[b] = in ? sram[dev_off + p] : FILL;
		}
		for (uint64_t b = 0; memcmp(page, want, sizeof(page)) && b < 4096; b++)
			ck_assert_msg(page[b] == want[b], "page %u byte %llu", i,
				      (unsigned long long)b);
		pos += 4096 - start;
	}
}

static void fill_sram(struct rt *t, unsigned salt)
{
	uint8_t *s = refdev_sram(&t->dev);

	for (uint64_t i = 0; i < t->dev.conf.sram_bytes; i++)
		s[i] = pattern(i, salt);
}

/* "DMA through the page table": DMA_WRITE from SRAM to scattered host
 * pages, starting DMA_OFFSET bytes into the page of entry 0, byte exact;
 * DMA_BYTES = DMA_LENGTH; DMA_DONE. */
START_TEST(test_write_scattered)
{
	struct rt t;
	uint64_t pages[5];
	const uint32_t off = 0x123, len = (4096 - 0x123) + 3 * 4096 + 100, dev = 0x777;

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 5; i++)
		pages[i] = scattered_page(i);
	put_table(&t, TABLE, pages, 5);
	fill_sram(&t, 1);
	program(&t, TABLE, off, len, dev);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), len);
	check_host(&t, pages, 5, off, len, dev, len);
	ck_assert_uint_eq(t.dev.stats.table_fetches, 1);
	rt_down(&t);
}
END_TEST

/* DMA_READ: host pages into SRAM, byte exact; nothing else in SRAM
 * changes. */
START_TEST(test_read_scattered)
{
	struct rt t;
	uint64_t pages[3];
	const uint32_t off = 4095, len = 1 + 4096 + 17, dev = 0x3001;
	uint8_t *sram;
	uint64_t pos = 0;

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 3; i++)
		pages[i] = scattered_page(10 + i);
	put_table(&t, TABLE, pages, 3);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t b[4096];

		for (unsigned j = 0; j < 4096; j++)
			b[j] = pattern(i * 4096 + j, 9);
		hm_write(&t, pages[i], b, sizeof(b));
	}
	fill_sram(&t, 3);
	program(&t, TABLE, off, len, dev);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), len);
	sram = refdev_sram(&t.dev);
	for (unsigned i = 0; i < 3; i++) {
		unsigned start = i == 0 ? off : 0;

		for (unsigned j = start; j < 4096 && pos < len; j++, pos++)
			ck_assert_uint_eq(sram[dev + pos], pattern(i * 4096 + j, 9));
	}
	ck_assert_uint_eq(sram[dev - 1], pattern(dev - 1, 3));
	ck_assert_uint_eq(sram[dev + len], pattern(dev + len, 3));
	rt_down(&t);
}
END_TEST

/* Many pages: the table is fetched as needed, in reads of up to MRRS (64
 * entries at MRRS 512; 16 at 128, sampled from Device Control when the
 * command starts). Both directions, byte exact. */
START_TEST(test_many_pages_and_mrrs)
{
	struct rt t;
	static uint64_t pages[200];
	const uint32_t len = 200 * 4096 - 5 - 300, off = 5;
	uint32_t devctl;

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 200; i++)
		pages[i] = scattered_page(i);
	put_table(&t, TABLE, pages, 200);
	fill_sram(&t, 5);
	program(&t, TABLE, off, len, 0);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), len);
	check_host(&t, pages, 200, off, len, 0, len);
	ck_assert_uint_eq(t.dev.stats.table_fetches, 4); /* 64 + 64 + 64 + 8 */

	/* MRRS 128: 16 entries per fetch. */
	devctl = rt_cfg_read(&t, t.dev.cap_exp + PCI_EXP_DEVCTL, 2);
	rt_cfg_write(&t, t.dev.cap_exp + PCI_EXP_DEVCTL, 2,
		     (devctl & ~(unsigned)PCI_EXP_DEVCTL_READRQ) | 0u << 12);
	rt_ack(&t);
	memset(refdev_sram(&t.dev), 0, MIB);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	ck_assert_uint_eq(t.dev.stats.table_fetches, 4 + 13);
	/* What was written comes back. */
	for (uint64_t i = 0; i < len; i++)
		if (refdev_sram(&t.dev)[i] != pattern(i, 5))
			ck_abort_msg("SRAM byte %llu", (unsigned long long)i);
	rt_down(&t);
}
END_TEST

/* "DMA through the page table": DMA_LENGTH != 0, DMA_OFFSET <= 4095,
 * DMA_DEV_OFFSET + DMA_LENGTH <= SRAM size (64-bit), the table 8-byte
 * aligned; DMA_RANGE otherwise and nothing moves. */
START_TEST(test_range_checks)
{
	struct rt t;
	uint64_t pages[2] = { scattered_page(0), scattered_page(1) };
	static const struct { uint64_t table; uint32_t off, len, dev; } bad[] = {
		{ TABLE, 0, 0, 0 },
		{ TABLE, 4096, 100, 0 },
		{ TABLE, 0, 100, (uint32_t)MIB - 99 },
		{ TABLE, 0, 0xffffffffu, 0x100 },
		{ TABLE + 4, 0, 100, 0 },
		{ TABLE + 1, 0, 100, 0 },
	};

	rt_up(&t, NULL);
	put_table(&t, TABLE, pages, 2);
	fill_sram(&t, 2);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (unsigned w = 0; w < 2; w++) {
			sim_time_t t0 = sim_now(&t.k);

			program(&t, bad[i].table, bad[i].off, bad[i].len, bad[i].dev);
			rt_cmd(&t, w ? REFDEV_CMD_DMA_WRITE : REFDEV_CMD_DMA_READ);
			ck_assert_uint_eq(sim_now(&t.k) - t0, SIM_NS(500));
			ck_assert_uint_eq(rd(&t, REFDEV_STATUS),
					  REFDEV_STATUS_ERROR | REFDEV_ERR_DMA_RANGE << 8);
			ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_ERROR);
			ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
			rt_ack(&t);
		}
	}
	check_host(&t, pages, 2, 0, 8192, 0, 0);
	ck_assert_uint_eq(t.dev.stats.table_fetches, 0);
	/* The largest valid one: offset 4095, up to the end of SRAM. */
	program(&t, TABLE, 4095, 2, (uint32_t)MIB - 2);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	check_host(&t, pages, 2, 4095, 2, (uint32_t)MIB - 2, 2);
	rt_down(&t);
}
END_TEST

/* "DMA through the page table": an entry whose low 12 bits are not zero
 * stops the transfer at that page with DMA_RANGE; DMA_BYTES says how far
 * it got. */
START_TEST(test_unaligned_entry)
{
	struct rt t;
	uint64_t pages[4];
	const uint32_t off = 0x10, len = 4 * 4096 - 0x10;

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 4; i++)
		pages[i] = scattered_page(20 + i);
	put_table(&t, TABLE, pages, 4);
	hm_write64(&t, TABLE + 16, pages[2] | 0x10); /* entry 2 */
	fill_sram(&t, 4);
	program(&t, TABLE, off, len, 0);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_ERROR | REFDEV_ERR_DMA_RANGE << 8);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_ERROR);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), (4096 - off) + 4096);
	check_host(&t, pages, 4, off, len, 0, (4096 - off) + 4096);
	/* Entry 0 bad: nothing moves. */
	hm_write64(&t, TABLE, pages[0] | 0x800);
	rt_ack(&t);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_RANGE);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
	rt_down(&t);
}
END_TEST

/* "Errors" DMA_ADDR32: an entry at or above 4 GiB while CTRL.DMA64 is 0
 * stops the transfer there; with DMA64 = 1 the same table works (RAM at
 * 4 GiB). A table at or above 4 GiB with DMA64 = 0 moves nothing. */
START_TEST(test_addr32)
{
	struct rt t;
	uint64_t pages[3] = { scattered_page(0), RT_HIGH_RAM + 0x5000, scattered_page(2) };
	const uint32_t len = 3 * 4096;

	rt_up(&t, NULL);
	put_table(&t, TABLE, pages, 3);
	fill_sram(&t, 6);
	program(&t, TABLE, 0, len, 0);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_ERROR | REFDEV_ERR_DMA_ADDR32 << 8);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 4096);
	check_host(&t, pages, 3, 0, len, 0, 4096);

	rt_ack(&t);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_DMA64);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	check_host(&t, pages, 3, 0, len, 0, len);

	/* The table itself above 4 GiB. */
	put_table(&t, RT_HIGH_RAM, pages, 1);
	program(&t, RT_HIGH_RAM, 0, 100, 0);
	wr(&t, REFDEV_CTRL, 0);
	rt_ack(&t);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_ADDR32);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
	ck_assert_uint_eq(t.dev.stats.table_fetches, 2);
	wr(&t, REFDEV_CTRL, REFDEV_CTRL_DMA64);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rt_err_code(&t), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 100);
	rt_down(&t);
}
END_TEST

/* "DMA through the page table": DMA_READ ends with DMA_ABORT when a read
 * completes with Unsupported Request (a hole); DMA_BYTES counts the good
 * bytes before it. A DMA_WRITE to a hole completes normally at the device;
 * the bus records the dropped writes. */
START_TEST(test_holes)
{
	struct rt t;
	const uint64_t hole = UINT64_C(0xd0000000); /* in the 32-bit window, unassigned */
	uint64_t pages[3] = { scattered_page(0), hole, scattered_page(2) };
	uint64_t aborts;

	rt_up(&t, NULL);
	put_table(&t, TABLE, pages, 3);
	program(&t, TABLE, 0, 3 * 4096, 0);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), REFDEV_STATUS_ERROR | REFDEV_ERR_DMA_ABORT << 8);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_ERROR);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 4096);
	ck_assert(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_REC_MASTER_ABORT);

	rt_ack(&t);
	fill_sram(&t, 8);
	aborts = platform_decode(t.m)->stats.master_aborts;
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rd(&t, REFDEV_STATUS), 0);
	ck_assert_uint_eq(rd(&t, REFDEV_INT_STATUS), REFDEV_INT_DMA_DONE);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 3 * 4096);
	ck_assert_uint_gt(refdev_port(&t.dev)->writes_dropped, 0);
	ck_assert_uint_eq(refdev_port(&t.dev)->last_dropped_addr & ~UINT64_C(0xfff), hole);
	/* The decoder counted the writes to nothing (16 MWr of 256 bytes). */
	ck_assert_uint_ge(platform_decode(t.m)->stats.master_aborts - aborts, 16);
	{
		uint8_t b[4096];

		hm_read(&t, pages[2], b, sizeof(b));
		ck_assert_uint_eq(b[0], refdev_sram(&t.dev)[8192]);
		ck_assert_uint_eq(b[4095], refdev_sram(&t.dev)[3 * 4096 - 1]);
	}
	rt_down(&t);
}
END_TEST

/* "DMA through the page table": a read completed with Completer Abort ends
 * DMA_READ with DMA_ABORT, in a later block too; a failed page-table fetch
 * ends it after the data of the entries already fetched (DMA_BYTES counts
 * them: errors are reported by position). */
START_TEST(test_completer_abort)
{
	struct rt t;
	static uint64_t pages[130];
	uint32_t id;

	rt_up(&t, NULL);
	for (unsigned i = 0; i < 130; i++)
		pages[i] = 16 * MIB + (uint64_t)i * 8192;
	put_table(&t, TABLE, pages, 130);
	program(&t, TABLE, 0, 130 * 4096, 0);
	ck_assert_int_eq(bus_fault_add(platform_decode(t.m), pages[100] + 512, 4,
				       BUS_FAULT_COMPLETER_ABORT, &id), SIM_OK);
	rt_cmd(&t, REFDEV_CMD_DMA_READ);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_ABORT);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 100 * 4096 + 512);
	ck_assert(rt_cfg_read(&t, PCI_CFG_STATUS, 2) & PCI_STS_REC_TARGET_ABORT);
	ck_assert_int_eq(bus_fault_remove(platform_decode(t.m), id), SIM_OK);
	rt_ack(&t);

	/* The second fetch (entries 64..127) fails. */
	ck_assert_int_eq(bus_fault_add(platform_decode(t.m), TABLE + 64 * 8, 8,
				       BUS_FAULT_UNSUPPORTED_REQUEST, &id), SIM_OK);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_ABORT);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 64 * 4096);
	rt_down(&t);
}
END_TEST

/* Bus Master Enable 0: no request; the command ends with DMA_ABORT. */
START_TEST(test_no_bus_master)
{
	struct rt t;
	uint64_t pages[1] = { scattered_page(0) };

	rt_up(&t, NULL);
	put_table(&t, TABLE, pages, 1);
	rt_cfg_write(&t, PCI_CFG_COMMAND, 2,
		     rt_cfg_read(&t, PCI_CFG_COMMAND, 2) & ~(unsigned)PCI_CMD_MASTER);
	program(&t, TABLE, 0, 64, 0);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(rt_err_code(&t), REFDEV_ERR_DMA_ABORT);
	ck_assert_uint_eq(rd(&t, REFDEV_DMA_BYTES), 0);
	check_host(&t, pages, 1, 0, 64, 0, 0);
	rt_down(&t);
}
END_TEST

/* "Timing parameters": MPS is sampled from Device Control when the command
 * starts: 4 KiB of writes are 16 MWr at 256, 32 at 128. */
START_TEST(test_mps_sampled)
{
	struct rt t;
	uint64_t pages[1] = { scattered_page(0) };
	struct dma_channel *ch;
	uint32_t devctl;

	rt_up(&t, NULL);
	put_table(&t, TABLE, pages, 1);
	program(&t, TABLE, 0, 4096, 0);
	ch = dma_engine_channel(refdev_engine(&t.dev), 1);
	ck_assert_uint_eq(pci_cap_express_mps_bytes(refdev_cfg(&t.dev)), 256);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(ch->stats.tlps, 16);
	devctl = rt_cfg_read(&t, t.dev.cap_exp + PCI_EXP_DEVCTL, 2);
	rt_cfg_write(&t, t.dev.cap_exp + PCI_EXP_DEVCTL, 2,
		     devctl & ~(unsigned)PCI_EXP_DEVCTL_PAYLOAD);
	rt_cmd(&t, REFDEV_CMD_DMA_WRITE);
	ck_assert_uint_eq(ch->stats.tlps, 16 + 32);
	rt_down(&t);
}
END_TEST

/* Run one DMA of @len bytes (contiguous pages from 16 MiB) and return its
 * duration from the command write. */
static sim_time_t timed_dma(struct rt *t, uint32_t cmd, uint32_t len)
{
	static uint64_t pages[256];
	unsigned n = (len + 4095) / 4096;
	sim_time_t t0 = sim_now(&t->k);

	for (unsigned i = 0; i < n; i++)
		pages[i] = 16 * MIB + (uint64_t)i * 4096;
	put_table(t, TABLE, pages, n);
	program(t, TABLE, 0, len, 0);
	rt_cmd(t, cmd);
	ck_assert_uint_eq(rd(t, REFDEV_INT_STATUS), cmd == REFDEV_CMD_DMA_WRITE ?
			  REFDEV_INT_DMA_DONE : REFDEV_INT_DMA_DONE);
	rt_ack(t);
	return sim_now(&t->k) - t0;
}

/* "Timing parameters": transfers are timed by the link model: 1 MiB both
 * ways reaches the link's steady-state bound (within 10 %, the page-table
 * fetches and the first read's latency included) and never beats it. */
START_TEST(test_throughput_bound)
{
	struct rt t;
	const struct platform_link *l;
	struct bus_link_cfg lc;
	sim_time_t w_ps, r_ps;
	double w_gbps, r_gbps, wb, rb;

	rt_up(&t, NULL);
	l = platform_fn_link(t.m, 0, 0, 0);
	lc = l->cfg;
	lc.mps_bytes = 256;
	lc.mrrs_bytes = 512;
	w_ps = timed_dma(&t, REFDEV_CMD_DMA_WRITE, (uint32_t)MIB);
	r_ps = timed_dma(&t, REFDEV_CMD_DMA_READ, (uint32_t)MIB);
	w_gbps = (double)MIB * 8 * 1000 / (double)(w_ps - SIM_NS(500));
	r_gbps = (double)MIB * 8 * 1000 / (double)(r_ps - SIM_NS(500));
	wb = bus_link_write_gbps(&lc, MIB);
	rb = bus_link_read_gbps(&lc, MIB);
	ck_assert_msg(w_gbps <= wb * 1.0001 && w_gbps >= wb * 0.9, "write %f of %f", w_gbps, wb);
	ck_assert_msg(r_gbps <= rb * 1.0001 && r_gbps >= rb * 0.85, "read %f of %f", r_gbps, rb);
	rt_down(&t);
}
END_TEST

/* "Timing parameters": link generation and width are model parameters
 * (Gen1 x1 is some 30 times slower than Gen3 x8); a single outstanding
 * read makes every read wait out the 600 ns host memory latency. */
START_TEST(test_link_and_outstanding_reads)
{
	struct rt t;
	struct refdev_config c;
	sim_time_t fast, slow, one_tag;

	rt_up(&t, NULL);
	fast = timed_dma(&t, REFDEV_CMD_DMA_WRITE, 64 * 1024) - SIM_NS(500);
	rt_down(&t);
	refdev_config_default(&c);
	c.link_gen = 1;
	c.link_width = 1;
	rt_up(&t, &c);
	slow = timed_dma(&t, REFDEV_CMD_DMA_WRITE, 64 * 1024) - SIM_NS(500);
	rt_down(&t);
	ck_assert_msg(slow > 20 * fast, "gen1 x1 %llu ps, gen3 x8 %llu ps",
		      (unsigned long long)slow, (unsigned long long)fast);

	refdev_config_default(&c);
	c.outstanding_reads = 1;
	rt_up(&t, &c);
	one_tag = timed_dma(&t, REFDEV_CMD_DMA_READ, 64 * 1024);
	/* 128 reads of 512 bytes and 1 + 1 table reads, one at a time. */
	ck_assert_uint_ge(one_tag, SIM_NS(500) + (128 + 1) * SIM_NS(600));
	rt_down(&t);
}
END_TEST

/* Deterministic, and the engine's fast path agrees with its per-TLP
 * reference mode to the picosecond, page-table fetches included. */
START_TEST(test_fast_equals_per_tlp)
{
	struct rt t;
	struct refdev_config c;
	sim_time_t d[2][2];

	for (unsigned mode = 0; mode < 2; mode++) {
		refdev_config_default(&c);
		c.per_tlp = mode == 1;
		rt_up(&t, &c);
		d[mode][0] = timed_dma(&t, REFDEV_CMD_DMA_READ, 200 * 1024 + 100);
		d[mode][1] = timed_dma(&t, REFDEV_CMD_DMA_WRITE, 200 * 1024 + 100);
		rt_down(&t);
	}
	ck_assert_uint_eq(d[0][0], d[1][0]);
	ck_assert_uint_eq(d[0][1], d[1][1]);
	rt_up(&t, NULL);
	ck_assert_uint_eq(timed_dma(&t, REFDEV_CMD_DMA_READ, 200 * 1024 + 100), d[0][0]);
	rt_down(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model:dma");
	TCase *tc = tcase_create("dma");

	tcase_add_test(tc, test_write_scattered);
	tcase_add_test(tc, test_read_scattered);
	tcase_add_test(tc, test_many_pages_and_mrrs);
	tcase_add_test(tc, test_range_checks);
	tcase_add_test(tc, test_unaligned_entry);
	tcase_add_test(tc, test_addr32);
	tcase_add_test(tc, test_holes);
	tcase_add_test(tc, test_completer_abort);
	tcase_add_test(tc, test_no_bus_master);
	tcase_add_test(tc, test_mps_sampled);
	tcase_add_test(tc, test_throughput_bound);
	tcase_add_test(tc, test_link_and_outstanding_reads);
	tcase_add_test(tc, test_fast_equals_per_tlp);
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
