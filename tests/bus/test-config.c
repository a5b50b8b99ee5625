/*
 * tests/bus/test-config.c - Check tests of configuration space as data
 * (bus/config.h).
 *
 * Covers, asserted against PCI 3.0 §6.1-6.2, Bridge 1.2 §3.2 and PCIe 4.0
 * §7.5.1: every type 0 and type 1 header field's read-only / RW / RW1C
 * behaviour through bus accesses; device-side setters; Interrupt Status
 * against Interrupt Disable; refused accesses (bad size, misaligned, past
 * 0xfff) change nothing and run no hook; a plain PCI function's space above
 * 0xff reads 0 and ignores writes; hooks see the access with old and new
 * values and the raw written value; the Linux __pci_read_base BAR sizing
 * sequence for every BAR kind and size class, with decode disabled and left
 * enabled, and for all BARs in one window; expansion ROM sizing and
 * decoding; BAR declaration refusals; bridge window decoding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus-test.h"

#include "bus/config.h"

#define VID 0x1b36
#define DID 0x0011
#define CLASS 0x020000 /* Ethernet controller */
#define REV 0x02
#define SSVID 0x1af4
#define SSID 0x1100

/* ---- helpers ---- */

static void init0(struct pci_cfg *c)
{
	ck_assert_int_eq(pci_cfg_init_type0(c, VID, DID, CLASS, REV, SSVID, SSID, 1), SIM_OK);
}

static void init1(struct pci_cfg *c, unsigned flags)
{
	ck_assert_int_eq(pci_cfg_init_type1(c, 0x8086, 0x1234, 0x060400, 1, 1, flags), SIM_OK);
}

/* ---- type 0 header ---- */

START_TEST(test_type0_ids_read_only)
{
	struct pci_cfg c;

	init0(&c);
	assert_ro(&c, PCI_CFG_VENDOR_ID, 2, VID);
	assert_ro(&c, PCI_CFG_DEVICE_ID, 2, DID);
	assert_ro(&c, PCI_CFG_REVISION_ID, 1, REV);
	assert_ro(&c, PCI_CFG_CLASS_PROG, 1, CLASS & 0xff);
	assert_ro(&c, PCI_CFG_CLASS_SUB, 1, (CLASS >> 8) & 0xff);
	assert_ro(&c, PCI_CFG_CLASS_BASE, 1, CLASS >> 16);
	assert_ro(&c, 0x08, 4, (uint32_t)CLASS << 8 | REV);
	assert_ro(&c, PCI_CFG_HEADER_TYPE, 1, 0x00);
	assert_ro(&c, PCI_CFG_BIST, 1, 0);
	assert_ro(&c, PCI_CFG_CARDBUS_CIS, 4, 0);
	assert_ro(&c, PCI_CFG_SUBSYS_VENDOR_ID, 2, SSVID);
	assert_ro(&c, PCI_CFG_SUBSYS_ID, 2, SSID);
	assert_ro(&c, PCI_CFG_CAP_PTR, 1, 0);
	assert_ro(&c, 0x35, 1, 0); /* reserved */
	assert_ro(&c, 0x38, 4, 0); /* reserved */
	assert_ro(&c, PCI_CFG_INTERRUPT_PIN, 1, 1);
	assert_ro(&c, PCI_CFG_MIN_GNT, 1, 0);
	assert_ro(&c, PCI_CFG_MAX_LAT, 1, 0);
	/* No BAR or ROM declared: they read 0 even after writing ones. */
	for (uint32_t off = PCI_CFG_BAR0; off < PCI_CFG_BAR0 + 24; off += 4)
		assert_ro(&c, off, 4, 0);
	assert_ro(&c, PCI_CFG_ROM_ADDRESS, 4, 0);
	/* The whole device-specific area reads 0 and ignores writes. */
	for (uint32_t off = 0x40; off < PCI_CFG_SPACE_SIZE; off += 4)
		assert_ro(&c, off, 4, 0);
}
END_TEST

START_TEST(test_type0_dword_id_read)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert_uint_eq(rd(&c, 0, 4), (uint32_t)DID << 16 | VID);
	ck_assert_uint_eq(rd(&c, 0x2c, 4), (uint32_t)SSID << 16 | SSVID);
	ck_assert_uint_eq(rd(&c, 0, 1), VID & 0xff);
	ck_assert_uint_eq(rd(&c, 1, 1), VID >> 8);
	ck_assert_uint_eq(rd(&c, 0x3c, 4), 0x00000100u); /* pin 1, line 0 */
}
END_TEST

START_TEST(test_command_bits)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), 0);
	/* PCI 3.0 §6.2.2: I/O (0), Memory (1), Bus Master (2), Parity Error
	 * Response (6), SERR# (8), Interrupt Disable (10) implemented; the
	 * optional bits 3, 4, 5, 7, 9 and reserved 11..15 read 0. */
	assert_rw(&c, PCI_CFG_COMMAND, 2, 0x0547, 0);
	wr(&c, PCI_CFG_COMMAND, 2, 0x0001);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), 0x0001);
	wr(&c, PCI_CFG_COMMAND, 1, 0x06);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), 0x0006);
	wr(&c, PCI_CFG_COMMAND + 1, 1, 0xff);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), 0x0506);
}
END_TEST

START_TEST(test_status_rw1c)
{
	struct pci_cfg c;
	const uint16_t errs = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

	init0(&c);
	ck_assert_uint_eq(PCI_STS_ERRORS, errs);
	/* Nothing is set at reset; writes of ones set nothing. */
	assert_ro(&c, PCI_CFG_STATUS, 2, 0);
	pci_cfg_set_status_bits(&c, errs | PCI_STS_INTERRUPT | PCI_STS_CAP_LIST);
	/* Writing 0 changes nothing. */
	wr(&c, PCI_CFG_STATUS, 2, 0);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2), errs | 0x0018);
	/* Each error bit is cleared by writing 1 to it alone. */
	uint16_t left = errs | 0x0018;
	for (unsigned b = 0; b < 16; b++) {
		if (!(errs & (1u << b)))
			continue;
		wr(&c, PCI_CFG_STATUS, 2, 1u << b);
		left &= (uint16_t)~(1u << b);
		ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2), left);
	}
	/* Interrupt Status (3) and Capabilities List (4) are read-only. */
	wr(&c, PCI_CFG_STATUS, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2), 0x0018);
	/* A byte write to the high byte clears only there. */
	pci_cfg_set_status_bits(&c, errs);
	wr(&c, PCI_CFG_STATUS + 1, 1, 0x20); /* Received Master Abort */
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2), (errs & ~0x2000) | 0x0018);
}
END_TEST

START_TEST(test_command_status_dword)
{
	struct pci_cfg c;

	init0(&c);
	pci_cfg_set_status_bits(&c, PCI_STS_REC_MASTER_ABORT | PCI_STS_SIG_TARGET_ABORT);
	/* The classic read-modify-write of the dword at 0x04 writes back the
	 * status it read, clearing what was set (PCI 3.0 §6.2.3). */
	uint32_t v = rd(&c, PCI_CFG_COMMAND, 4);
	ck_assert_uint_eq(v, (uint32_t)(PCI_STS_REC_MASTER_ABORT | PCI_STS_SIG_TARGET_ABORT) << 16);
	wr(&c, PCI_CFG_COMMAND, 4, v | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 4), PCI_CMD_MEMORY | PCI_CMD_MASTER);
}
END_TEST

START_TEST(test_misc_rw_registers)
{
	struct pci_cfg c;

	init0(&c);
	assert_rw(&c, PCI_CFG_CACHE_LINE_SIZE, 1, 0xff, 0);
	assert_rw(&c, PCI_CFG_LATENCY_TIMER, 1, 0xff, 0);
	assert_rw(&c, PCI_CFG_INTERRUPT_LINE, 1, 0xff, 0);
	/* A dword write at 0x0c: CLS and LT change, header type and BIST don't. */
	wr(&c, 0x0c, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, 0x0c, 4), 0x0000ffff);
	/* A dword write at 0x3c: line changes, pin / Min_Gnt / Max_Lat don't. */
	wr(&c, 0x3c, 4, 0xffffff0b);
	ck_assert_uint_eq(rd(&c, 0x3c, 4), 0x0000010b);
}
END_TEST

START_TEST(test_multifunction)
{
	struct pci_cfg c, b;

	init0(&c);
	pci_cfg_set_multifunction(&c, true);
	assert_ro(&c, PCI_CFG_HEADER_TYPE, 1, 0x80);
	pci_cfg_set_multifunction(&c, false);
	assert_ro(&c, PCI_CFG_HEADER_TYPE, 1, 0x00);
	init1(&b, 0);
	pci_cfg_set_multifunction(&b, true);
	assert_ro(&b, PCI_CFG_HEADER_TYPE, 1, 0x81);
}
END_TEST

START_TEST(test_intx_status_and_disable)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert(!pci_cfg_intx_asserted(&c));
	ck_assert(pci_cfg_set_intx(&c, true));
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT, PCI_STS_INTERRUPT);
	/* Interrupt Disable masks the pin, not the status (PCI 3.0 §6.2.2-3). */
	wr(&c, PCI_CFG_COMMAND, 2, PCI_CMD_INTX_DISABLE);
	ck_assert(!pci_cfg_intx_asserted(&c));
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_INTERRUPT, PCI_STS_INTERRUPT);
	wr(&c, PCI_CFG_COMMAND, 2, 0);
	ck_assert(pci_cfg_intx_asserted(&c));
	/* Software cannot clear Interrupt Status; only the device can. */
	wr(&c, PCI_CFG_STATUS, 2, 0xffff);
	ck_assert(pci_cfg_intx_asserted(&c));
	ck_assert(!pci_cfg_set_intx(&c, false));
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2), 0);
}
END_TEST

START_TEST(test_init_refusals)
{
	struct pci_cfg c;

	memset(&c, 0x5a, sizeof(c));
	ck_assert_int_eq(pci_cfg_init_type0(NULL, 1, 2, 0, 0, 0, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type0(&c, 1, 2, 0x1000000, 0, 0, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type0(&c, 1, 2, 0, 0, 0, 0, 5), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type1(&c, 1, 2, 0, 0, 5, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type1(&c, 1, 2, 0, 0, 0, 0x10), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type1(&c, 1, 2, 0, 0, 0, PCI_CFG_BRIDGE_IO32),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_init_type1(&c, 1, 2, 0, 0, 0, PCI_CFG_BRIDGE_PREF64),
			 SIM_ERR_INVALID);
	ck_assert_uint_eq(c.val[0], 0x5a); /* untouched */
	for (uint8_t pin = 0; pin <= 4; pin++) {
		ck_assert_int_eq(pci_cfg_init_type0(&c, 1, 2, 0xffffff, 0, 0, 0, pin), SIM_OK);
		ck_assert_uint_eq(rd(&c, PCI_CFG_INTERRUPT_PIN, 1), pin);
	}
}
END_TEST

/* ---- accessors ---- */

static unsigned hook_calls;
static uint32_t hook_off, hook_len, hook_old, hook_new, hook_written;

static void count_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
		       uint32_t old_val, uint32_t new_val)
{
	ck_assert_ptr_eq(opaque, &hook_calls);
	hook_calls++;
	hook_off = off;
	hook_len = len;
	hook_old = old_val;
	hook_new = new_val;
	hook_written = c->bus_written;
	/* The hook sees the space already updated. */
	ck_assert_uint_eq(pci_cfg_get_u8(c, off), new_val & 0xff);
}

static unsigned read_calls;

static void refresh_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len)
{
	(void)opaque;
	(void)len;
	read_calls++;
	/* A live register at 0x40, refreshed before each read of it. */
	if (pci_cfg_touches(off, len, 0x40, 4))
		pci_cfg_set_u32(c, 0x40, 0x1000 + read_calls);
}

static const struct pci_cfg_ops test_ops = {
	.write_hook = count_hook,
	.read_hook = refresh_hook,
};

/* The ops installed are the ops read back (a wrapping layer relies on it). */
START_TEST(test_get_ops)
{
	struct pci_cfg c;
	void *opaque = (void *)1;

	init0(&c);
	ck_assert_ptr_null(pci_cfg_get_ops(&c, &opaque));
	ck_assert_ptr_null(opaque);
	pci_cfg_set_ops(&c, &test_ops, &hook_calls);
	ck_assert_ptr_eq(pci_cfg_get_ops(&c, &opaque), &test_ops);
	ck_assert_ptr_eq(opaque, &hook_calls);
	ck_assert_ptr_eq(pci_cfg_get_ops(&c, NULL), &test_ops);
}
END_TEST

START_TEST(test_bad_accesses_refused)
{
	static const uint32_t bad[][2] = {
		{ 0, 0 }, { 0, 3 }, { 0, 8 }, { 1, 2 }, { 3, 2 }, { 2, 4 }, { 5, 4 },
		{ 0x3e, 4 }, { 0x1000, 1 }, { 0x1000, 4 }, { 0xfff, 2 }, { 0xffe, 4 },
		{ 0xffffffff, 1 }, { 0xfffffffc, 4 },
	};
	struct pci_cfg c, copy;
	uint32_t v;

	init0(&c);
	pci_cfg_set_ops(&c, &test_ops, &hook_calls);
	hook_calls = read_calls = 0;
	memcpy(&copy, &c, sizeof(c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0x12345678;
		ck_assert_int_eq(pci_cfg_read(&c, bad[i][0], bad[i][1], &v), SIM_ERR_INVALID);
		ck_assert_uint_eq(v, 0x12345678);
		ck_assert_int_eq(pci_cfg_write(&c, bad[i][0], bad[i][1], 0xffffffff),
				 SIM_ERR_INVALID);
	}
	ck_assert_int_eq(pci_cfg_read(&c, 0, 4, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_read(NULL, 0, 4, &v), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_write(NULL, 0, 4, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	ck_assert_uint_eq(hook_calls, 0);
	ck_assert_uint_eq(read_calls, 0);
	/* The last byte, word and dword are valid accesses. */
	ck_assert_int_eq(pci_cfg_read(&c, 0xfff, 1, &v), SIM_OK);
	ck_assert_int_eq(pci_cfg_read(&c, 0xffe, 2, &v), SIM_OK);
	ck_assert_int_eq(pci_cfg_read(&c, 0xffc, 4, &v), SIM_OK);
	/* Device-side setters refuse the same way. */
	ck_assert_int_eq(pci_cfg_set_u16(&c, 1, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_set_u32(&c, 2, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_set_u8(&c, 0x1000, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_set_mask(&c, 0x40, 4, 0x1, 0x1), SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_plain_pci_has_no_extended_space)
{
	struct pci_cfg c;

	init0(&c);
	pci_cfg_set_ops(&c, &test_ops, &hook_calls);
	/* Even with bytes and masks there, a conventional function's space
	 * ends at 0xff: reads give 0 and writes are dropped. */
	pci_cfg_set_u32(&c, 0x100, 0x12345678);
	pci_cfg_set_mask(&c, 0x104, 4, 0xffffffff, 0);
	hook_calls = read_calls = 0;
	for (uint32_t off = PCI_CFG_SPACE_SIZE; off < PCI_CFG_EXP_SPACE_SIZE; off += 4)
		ck_assert_uint_eq(rd(&c, off, 4), 0);
	wr(&c, 0x104, 4, 0xffffffff);
	ck_assert_uint_eq(pci_cfg_get_u32(&c, 0x104), 0);
	ck_assert_uint_eq(rd(&c, 0xfff, 1), 0);
	ck_assert_uint_eq(hook_calls, 0);
	ck_assert_uint_eq(read_calls, 0);
}
END_TEST

START_TEST(test_hooks)
{
	struct pci_cfg c;

	init0(&c);
	pci_cfg_set_ops(&c, &test_ops, &hook_calls);
	hook_calls = 0;
	pci_cfg_set_status_bits(&c, PCI_STS_REC_MASTER_ABORT);
	/* A 32-bit write at 0x04: old and new after the masks. */
	wr(&c, PCI_CFG_COMMAND, 4, 0xffffffff);
	ck_assert_uint_eq(hook_calls, 1);
	ck_assert_uint_eq(hook_off, 4);
	ck_assert_uint_eq(hook_len, 4);
	ck_assert_uint_eq(hook_old, (uint32_t)PCI_STS_REC_MASTER_ABORT << 16);
	ck_assert_uint_eq(hook_new, 0x0547);
	ck_assert_uint_eq(hook_written, 0xffffffff);
	/* A write to a read-only register still reaches the hook. */
	wr(&c, PCI_CFG_VENDOR_ID, 2, 0xabcd);
	ck_assert_uint_eq(hook_calls, 2);
	ck_assert_uint_eq(hook_old, VID);
	ck_assert_uint_eq(hook_new, VID);
	ck_assert_uint_eq(hook_written, 0xabcd);
	/* Byte write: old/new/written limited to the access. */
	wr(&c, PCI_CFG_INTERRUPT_LINE, 1, 0xffff0a);
	ck_assert_uint_eq(hook_len, 1);
	ck_assert_uint_eq(hook_old, 0);
	ck_assert_uint_eq(hook_new, 0x0a);
	ck_assert_uint_eq(hook_written, 0x0a);
	/* The read hook refreshes a live register before it is read. */
	read_calls = 0;
	ck_assert_uint_eq(rd(&c, 0x40, 4), 0x1001);
	ck_assert_uint_eq(rd(&c, 0x42, 2), 0x0000);
	ck_assert_uint_eq(rd(&c, 0x40, 1), 0x03);
	ck_assert_uint_eq(read_calls, 3);
	/* Without ops nothing is called. */
	pci_cfg_set_ops(&c, NULL, NULL);
	wr(&c, PCI_CFG_COMMAND, 2, 0);
	ck_assert_uint_eq(hook_calls, 3);
}
END_TEST

/* A model remaps its BARs when Command or a BAR changes. */
static unsigned remaps;

static void remap_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
		       uint32_t old_val, uint32_t new_val)
{
	(void)opaque;
	(void)c;
	if (old_val != new_val && (pci_cfg_touches(off, len, PCI_CFG_COMMAND, 2) ||
				   pci_cfg_touches(off, len, PCI_CFG_BAR0, 24) ||
				   pci_cfg_touches(off, len, PCI_CFG_ROM_ADDRESS, 4)))
		remaps++;
}

static const struct pci_cfg_ops remap_ops = { .write_hook = remap_hook };

START_TEST(test_hook_remap_pattern)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 4096, false), SIM_OK);
	pci_cfg_set_ops(&c, &remap_ops, NULL);
	remaps = 0;
	wr(&c, PCI_CFG_BAR0, 4, 0xfebf0000);
	wr(&c, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	wr(&c, PCI_CFG_INTERRUPT_LINE, 1, 11);
	wr(&c, PCI_CFG_BAR0 + 4, 4, 0xffffffff); /* unimplemented BAR1 */
	ck_assert_uint_eq(remaps, 2);
}
END_TEST

/* ---- BARs: the Linux sizing sequence ---- */

/* The flags Linux's decode_bar() derives from a BAR's low bits. */
struct sized_bar {
	uint64_t size;
	uint64_t base;
	bool io, mem64, prefetch;
};

/* pci_size(): the lowest set address bit of the read-back is the size. */
static uint64_t linux_pci_size(uint64_t base, uint64_t maxbase, uint64_t mask)
{
	uint64_t size = maxbase & mask;

	if (!size)
		return 0;
	size = size & ~(size - 1);
	if (base == maxbase && ((base | (size - 1)) & mask) != mask)
		return 0;
	return size;
}

/*
 * __pci_read_base() for the BAR at @pos (or the ROM when @rom): save the
 * Command register and clear I/O and Memory decode (unless
 * @mmio_always_on), save the BAR, write ones (the ROM mask for a ROM),
 * read, restore; a 64-bit BAR's upper half the same way; then restore
 * Command. @decoding_seen records whether any BAR decoded in between.
 */
static struct sized_bar linux_read_base(struct pci_cfg *c, uint32_t pos, bool rom,
					bool mmio_always_on, bool *decoding_seen)
{
	struct sized_bar r = { 0 };
	uint32_t l, sz, mask = rom ? PCI_ROM_ADDRESS_MASK : 0xffffffffu;
	uint64_t l64, sz64, mask64;
	uint16_t orig_cmd = 0;

	if (!mmio_always_on) {
		orig_cmd = (uint16_t)rd(c, PCI_CFG_COMMAND, 2);
		if (orig_cmd & (PCI_CMD_IO | PCI_CMD_MEMORY))
			wr(c, PCI_CFG_COMMAND, 2, orig_cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	}
	l = rd(c, pos, 4);
	wr(c, pos, 4, l | mask);
	sz = rd(c, pos, 4);
	if (decoding_seen) {
		struct pci_cfg_bar_info bi;

		for (unsigned i = 0; i < 6; i++)
			if (pci_cfg_bar_info(c, i, &bi) == SIM_OK && bi.decoding)
				*decoding_seen = true;
	}
	wr(c, pos, 4, l);
	if (sz == 0xffffffffu)
		sz = 0;
	if (!rom) {
		r.io = l & PCI_BAR_SPACE_IO;
		if (r.io) {
			l64 = l & PCI_BAR_IO_MASK;
			sz64 = sz & PCI_BAR_IO_MASK;
			mask64 = PCI_BAR_IO_MASK & 0xffffu; /* x86 IO_SPACE_LIMIT */
		} else {
			r.mem64 = (l & 0x6) == PCI_BAR_MEM_TYPE_64;
			r.prefetch = l & PCI_BAR_MEM_PREFETCH;
			l64 = l & PCI_BAR_MEM_MASK;
			sz64 = sz & PCI_BAR_MEM_MASK;
			mask64 = PCI_BAR_MEM_MASK;
		}
	} else {
		l64 = l & PCI_ROM_ADDRESS_MASK;
		sz64 = sz & PCI_ROM_ADDRESS_MASK;
		mask64 = PCI_ROM_ADDRESS_MASK;
	}
	if (r.mem64) {
		l = rd(c, pos + 4, 4);
		wr(c, pos + 4, 4, 0xffffffffu);
		sz = rd(c, pos + 4, 4);
		wr(c, pos + 4, 4, l);
		l64 |= (uint64_t)l << 32;
		sz64 |= (uint64_t)sz << 32;
		mask64 |= UINT64_C(0xffffffff) << 32;
	}
	if (!mmio_always_on && (orig_cmd & (PCI_CMD_IO | PCI_CMD_MEMORY)))
		wr(c, PCI_CFG_COMMAND, 2, orig_cmd);
	r.base = l64;
	r.size = sz64 ? linux_pci_size(l64, sz64, mask64) : 0;
	return r;
}

struct bar_case {
	enum pci_bar_kind kind;
	uint64_t size;
	bool prefetch;
	uint64_t addr; /* a base aligned to size */
};

static const struct bar_case bar_cases[] = {
	{ PCI_BAR_MEM32, 16, false, 0xfebff010 },
	{ PCI_BAR_MEM32, 4096, false, 0xfebf1000 },
	{ PCI_BAR_MEM32, 1u << 20, true, 0xe0100000 },
	{ PCI_BAR_MEM32, UINT64_C(1) << 31, false, 0x80000000 },
	{ PCI_BAR_MEM64, 16, false, UINT64_C(0x00000001fe000010) },
	{ PCI_BAR_MEM64, 1u << 14, true, UINT64_C(0x0000000fe0004000) },
	{ PCI_BAR_MEM64, UINT64_C(1) << 32, true, UINT64_C(0x0000004100000000) },
	{ PCI_BAR_MEM64, UINT64_C(1) << 33, false, UINT64_C(0x0000000600000000) },
	{ PCI_BAR_MEM64, UINT64_C(1) << 40, true, UINT64_C(0x0000810000000000) },
	{ PCI_BAR_MEM64, UINT64_C(1) << 63, true, UINT64_C(0x8000000000000000) },
	{ PCI_BAR_IO, 4, false, 0xc004 },
	{ PCI_BAR_IO, 32, false, 0xc020 },
	{ PCI_BAR_IO, 256, false, 0xd000 },
};

static void check_sizing(const struct bar_case *bc, unsigned index, bool always_on)
{
	struct pci_cfg c;
	struct pci_cfg_bar_info bi;
	struct sized_bar r;
	uint32_t pos = PCI_CFG_BAR0 + 4 * index;
	uint16_t cmd = bc->kind == PCI_BAR_IO ? PCI_CMD_IO : PCI_CMD_MEMORY;
	bool seen = false;
	uint64_t addr;

	init0(&c);
	ck_assert_int_eq(pci_cfg_add_bar(&c, index, bc->kind, bc->size, bc->prefetch), SIM_OK);

	/* Firmware-style: unprogrammed BAR, decode off. */
	r = linux_read_base(&c, pos, false, always_on, NULL);
	ck_assert_uint_eq(r.size, bc->size);
	ck_assert_uint_eq(r.base, 0);
	ck_assert(r.io == (bc->kind == PCI_BAR_IO));
	ck_assert(r.mem64 == (bc->kind == PCI_BAR_MEM64));
	ck_assert(r.prefetch == bc->prefetch);

	/* Program, enable decode, size again: same answer, nothing lost. */
	wr(&c, pos, 4, (uint32_t)bc->addr);
	if (bc->kind == PCI_BAR_MEM64)
		wr(&c, pos + 4, 4, (uint32_t)(bc->addr >> 32));
	wr(&c, PCI_CFG_COMMAND, 2, cmd | PCI_CMD_MASTER);
	r = linux_read_base(&c, pos, false, always_on, &seen);
	ck_assert_uint_eq(r.size, bc->size);
	ck_assert_uint_eq(r.base, bc->addr);
	/* Decode is off during the window unless the caller left it on. */
	ck_assert(seen == always_on);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), cmd | PCI_CMD_MASTER);
	ck_assert_int_eq(pci_cfg_bar_address(&c, index, &addr), SIM_OK);
	ck_assert_uint_eq(addr, bc->addr);
	ck_assert_int_eq(pci_cfg_bar_info(&c, index, &bi), SIM_OK);
	ck_assert_uint_eq(bi.size_bytes, bc->size);
	ck_assert_uint_eq(bi.address, bc->addr);
	ck_assert(bi.decoding);
	ck_assert(bi.kind == bc->kind);
	ck_assert(bi.prefetchable == bc->prefetch);
	/* The type bits read back whatever was written. */
	wr(&c, pos, 4, 0);
	ck_assert_uint_eq(rd(&c, pos, 4) & (bc->kind == PCI_BAR_IO ? 0x3u : 0xfu),
			  bc->kind == PCI_BAR_IO ? 1u :
			  (bc->kind == PCI_BAR_MEM64 ? 4u : 0u) | (bc->prefetch ? 8u : 0u));
}

START_TEST(test_bar_sizing_decode_disabled)
{
	const struct bar_case *bc = &bar_cases[_i];
	/* Every index the kind allows. */
	for (unsigned idx = 0; idx < (bc->kind == PCI_BAR_MEM64 ? 5u : 6u); idx++)
		check_sizing(bc, idx, false);
}
END_TEST

START_TEST(test_bar_sizing_decode_left_on)
{
	const struct bar_case *bc = &bar_cases[_i];

	check_sizing(bc, bc->kind == PCI_BAR_MEM64 ? 4 : 5, true);
}
END_TEST

START_TEST(test_bar_address_bits_below_size_read_zero)
{
	struct pci_cfg c;
	uint64_t a;

	init0(&c);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 4096, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 1, PCI_BAR_IO, 32, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 2, PCI_BAR_MEM64, UINT64_C(1) << 33, true), SIM_OK);
	wr(&c, 0x10, 4, 0xfebc1234);
	ck_assert_uint_eq(rd(&c, 0x10, 4), 0xfebc1000);
	wr(&c, 0x14, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, 0x14, 4), 0xffffffe1);
	wr(&c, 0x14, 4, 0x0000c03f);
	ck_assert_uint_eq(rd(&c, 0x14, 4), 0x0000c021);
	/* An 8 GiB BAR: the whole low dword is below the size. */
	wr(&c, 0x18, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, 0x18, 4), 0x0000000c);
	wr(&c, 0x1c, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, 0x1c, 4), 0xfffffffe);
	ck_assert_int_eq(pci_cfg_bar_address(&c, 2, &a), SIM_OK);
	ck_assert_uint_eq(a, UINT64_C(0xfffffffe00000000));
	/* Byte-wide BAR writes obey the same masks. */
	wr(&c, 0x11, 1, 0xff);
	ck_assert_uint_eq(rd(&c, 0x10, 4), 0xfebcf000);
	/* The upper register and unimplemented BARs have no address. */
	ck_assert_int_eq(pci_cfg_bar_address(&c, 3, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_bar_address(&c, 4, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_bar_address(&c, 6, &a), SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_all_bars_one_window)
{
	struct pci_cfg c;
	uint32_t saved[6], sz[6];
	struct pci_cfg_bar_info bi;
	const uint64_t base0 = UINT64_C(0x0000004000000000);

	init0(&c);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM64, 1u << 16, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 2, PCI_BAR_MEM32, 1u << 12, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 3, PCI_BAR_IO, 64, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 4, PCI_BAR_MEM64, UINT64_C(1) << 34, true), SIM_OK);
	wr(&c, 0x10, 4, (uint32_t)base0);
	wr(&c, 0x14, 4, (uint32_t)(base0 >> 32));
	wr(&c, 0x18, 4, 0xfe000000);
	wr(&c, 0x1c, 4, 0xe040);
	wr(&c, 0x20, 4, 0);
	wr(&c, 0x24, 4, 0x8);
	wr(&c, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);

	/* Decode off once; every register saved, written with ones and read
	 * back before any is restored. */
	uint16_t cmd = (uint16_t)rd(&c, PCI_CFG_COMMAND, 2);
	wr(&c, PCI_CFG_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (unsigned i = 0; i < 6; i++) {
		saved[i] = rd(&c, PCI_CFG_BAR0 + 4 * i, 4);
		wr(&c, PCI_CFG_BAR0 + 4 * i, 4, 0xffffffff);
	}
	for (unsigned i = 0; i < 6; i++) {
		sz[i] = rd(&c, PCI_CFG_BAR0 + 4 * i, 4);
		ck_assert_int_eq(pci_cfg_bar_info(&c, i == 1 || i == 5 ? i - 1 : i, &bi), SIM_OK);
		ck_assert(!bi.decoding);
	}
	for (unsigned i = 0; i < 6; i++)
		wr(&c, PCI_CFG_BAR0 + 4 * i, 4, saved[i]);
	wr(&c, PCI_CFG_COMMAND, 2, cmd);

	ck_assert_uint_eq(saved[0], (uint32_t)base0 | 0x4);
	ck_assert_uint_eq(saved[1], base0 >> 32);
	ck_assert_uint_eq(saved[5], 8);
	ck_assert_uint_eq(sz[0], 0xffff0004);
	ck_assert_uint_eq(sz[1], 0xffffffff);
	ck_assert_uint_eq(sz[2], 0xfffff000);
	ck_assert_uint_eq(sz[3], 0xffffffc1);
	ck_assert_uint_eq(sz[4], 0x0000000c);
	ck_assert_uint_eq(sz[5], 0xfffffffc);
	ck_assert_uint_eq(linux_pci_size(base0, (uint64_t)sz[1] << 32 | (sz[0] & ~0xfu),
					 UINT64_MAX << 4), 1u << 16);
	ck_assert_uint_eq(linux_pci_size(0xfe000000, sz[2] & ~0xfu, 0xfffffff0), 1u << 12);
	ck_assert_uint_eq(linux_pci_size(0xe040, sz[3] & 0xfffc, 0xfffc), 64);
	ck_assert_uint_eq(linux_pci_size(UINT64_C(0x800000000), (uint64_t)sz[5] << 32 |
					 (sz[4] & ~0xfu), UINT64_MAX << 4),
			  UINT64_C(1) << 34);
	/* Everything is back as programmed. */
	ck_assert_uint_eq(rd(&c, 0x18, 4), 0xfe000000);
	ck_assert_uint_eq(rd(&c, 0x1c, 4), 0xe041);
	ck_assert_uint_eq(rd(&c, PCI_CFG_COMMAND, 2), 0x7);
	ck_assert_int_eq(pci_cfg_bar_info(&c, 4, &bi), SIM_OK);
	ck_assert_uint_eq(bi.address, UINT64_C(0x800000000));
	ck_assert(bi.decoding);
	ck_assert_int_eq(pci_cfg_bar_info(&c, 3, &bi), SIM_OK);
	ck_assert_uint_eq(bi.address, 0xe040);
}
END_TEST

START_TEST(test_unimplemented_bar_sizes_zero)
{
	struct pci_cfg c;
	struct sized_bar r;

	init0(&c);
	for (uint32_t pos = PCI_CFG_BAR0; pos < PCI_CFG_BAR0 + 24; pos += 4) {
		r = linux_read_base(&c, pos, false, false, NULL);
		ck_assert_uint_eq(r.size, 0);
	}
	r = linux_read_base(&c, PCI_CFG_ROM_ADDRESS, true, false, NULL);
	ck_assert_uint_eq(r.size, 0);
}
END_TEST

START_TEST(test_bar_refusals)
{
	struct pci_cfg c, b, copy;

	init0(&c);
	init1(&b, 0);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 0, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 8, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 24, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, UINT64_C(1) << 32, false),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM64, 8, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_IO, 2, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_IO, 512, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_IO, 12, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_IO, 16, true), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 6, PCI_BAR_MEM32, 16, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 5, PCI_BAR_MEM64, 16, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, (enum pci_bar_kind)7, 16, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&b, 2, PCI_BAR_MEM32, 16, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&b, 1, PCI_BAR_MEM64, 16, false), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_bar(&b, 0, PCI_BAR_MEM64, 16, false), SIM_OK);
	/* Occupied registers. */
	ck_assert_int_eq(pci_cfg_add_bar(&c, 1, PCI_BAR_MEM64, 4096, false), SIM_OK);
	memcpy(&copy, &c, sizeof(c));
	ck_assert_int_eq(pci_cfg_add_bar(&c, 1, PCI_BAR_MEM32, 16, false), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 2, PCI_BAR_MEM32, 16, false), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM64, 16, false), SIM_ERR_BUSY);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM32, 16, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 3, PCI_BAR_MEM64, 16, false), SIM_OK);
}
END_TEST

/* ---- expansion ROM ---- */

static void check_rom(struct pci_cfg *c, uint32_t reg, uint32_t size)
{
	struct sized_bar r;
	uint32_t addr, s;
	bool dec;

	ck_assert_int_eq(pci_cfg_add_rom(c, size), SIM_OK);
	r = linux_read_base(c, reg, true, false, NULL);
	ck_assert_uint_eq(r.size, size);
	/* Bits 10:1 are reserved: they read 0 whatever is written. */
	wr(c, reg, 4, 0xffffffff);
	ck_assert_uint_eq(rd(c, reg, 4), (~(size - 1) & PCI_ROM_ADDRESS_MASK) | 1);
	wr(c, reg, 4, 0xfe000000 | 0x7fe);
	ck_assert_uint_eq(rd(c, reg, 4), 0xfe000000);
	ck_assert_int_eq(pci_cfg_rom_info(c, &addr, &s, &dec), SIM_OK);
	ck_assert_uint_eq(addr, 0xfe000000);
	ck_assert_uint_eq(s, size);
	ck_assert(!dec);
	/* Decodes only with both ROM Enable and Memory Space set. */
	wr(c, reg, 4, 0xfe000001);
	ck_assert_int_eq(pci_cfg_rom_info(c, NULL, NULL, &dec), SIM_OK);
	ck_assert(!dec);
	wr(c, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
	ck_assert_int_eq(pci_cfg_rom_info(c, NULL, NULL, &dec), SIM_OK);
	ck_assert(dec);
	/* Sizing with the enable bit set keeps it (Linux writes l | mask). */
	r = linux_read_base(c, reg, true, false, NULL);
	ck_assert_uint_eq(r.size, size);
	ck_assert_uint_eq(rd(c, reg, 4), 0xfe000001);
	ck_assert_uint_eq(rd(c, PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY);
}

START_TEST(test_rom_type0)
{
	static const uint32_t sizes[] = { 2048, 4096, 1u << 16, 1u << 24 };

	for (size_t i = 0; i < 4; i++) {
		struct pci_cfg c;

		init0(&c);
		check_rom(&c, PCI_CFG_ROM_ADDRESS, sizes[i]);
		ck_assert_uint_eq(rd(&c, PCI_CFG_ROM_ADDRESS1, 4), 0);
	}
}
END_TEST

START_TEST(test_rom_type1)
{
	struct pci_cfg b;

	init1(&b, PCI_CFG_BRIDGE_IO | PCI_CFG_BRIDGE_IO32);
	check_rom(&b, PCI_CFG_ROM_ADDRESS1, 1u << 15);
	/* 0x30 is the I/O Base Upper 16 Bits there, untouched by the ROM. */
	ck_assert_uint_eq(rd(&b, 0x30, 4), 0);
}
END_TEST

START_TEST(test_rom_refusals)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert_int_eq(pci_cfg_rom_info(&c, NULL, NULL, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 1024), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 3072), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 1u << 25), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 4096), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_rom(&c, 4096), SIM_ERR_BUSY);
}
END_TEST

/* ---- type 1 header ---- */

START_TEST(test_type1_registers)
{
	struct pci_cfg b;

	init1(&b, 0);
	assert_ro(&b, PCI_CFG_HEADER_TYPE, 1, 0x01);
	assert_ro(&b, PCI_CFG_VENDOR_ID, 2, 0x8086);
	assert_ro(&b, 0x08, 4, 0x06040001);
	assert_ro(&b, PCI_CFG_INTERRUPT_PIN, 1, 1);
	assert_rw(&b, PCI_CFG_COMMAND, 2, 0x0547, 0);
	assert_rw(&b, PCI_CFG_CACHE_LINE_SIZE, 1, 0xff, 0);
	assert_rw(&b, PCI_CFG_LATENCY_TIMER, 1, 0xff, 0);
	assert_rw(&b, PCI_CFG_INTERRUPT_LINE, 1, 0xff, 0);
	/* Bus numbers and secondary latency timer RW (Bridge 1.2 §3.2.5). */
	assert_rw(&b, PCI_CFG_PRIMARY_BUS, 1, 0xff, 0);
	assert_rw(&b, PCI_CFG_SECONDARY_BUS, 1, 0xff, 0);
	assert_rw(&b, PCI_CFG_SUBORDINATE_BUS, 1, 0xff, 0);
	assert_rw(&b, PCI_CFG_SEC_LATENCY_TIMER, 1, 0xff, 0);
	wr(&b, 0x18, 4, 0x00050100);
	ck_assert_uint_eq(rd(&b, PCI_CFG_PRIMARY_BUS, 1), 0);
	ck_assert_uint_eq(rd(&b, PCI_CFG_SECONDARY_BUS, 1), 1);
	ck_assert_uint_eq(rd(&b, PCI_CFG_SUBORDINATE_BUS, 1), 5);
	/* Memory window always present: bits 15:4 RW, 3:0 read 0. */
	assert_rw(&b, PCI_CFG_MEMORY_BASE, 2, 0xfff0, 0);
	assert_rw(&b, PCI_CFG_MEMORY_LIMIT, 2, 0xfff0, 0);
	/* No I/O and no prefetchable window: read 0, ignore writes. */
	assert_ro(&b, PCI_CFG_IO_BASE, 1, 0);
	assert_ro(&b, PCI_CFG_IO_LIMIT, 1, 0);
	assert_ro(&b, PCI_CFG_IO_BASE_UPPER, 4, 0);
	assert_ro(&b, PCI_CFG_PREF_BASE, 4, 0);
	assert_ro(&b, PCI_CFG_PREF_BASE_UPPER, 4, 0);
	assert_ro(&b, PCI_CFG_PREF_LIMIT_UPPER, 4, 0);
	/* Bridge Control: bits 0..6 RW, the rest read 0. */
	assert_rw(&b, PCI_CFG_BRIDGE_CONTROL, 2, 0x007f, 0);
	/* Capabilities Pointer and ROM read 0 without them. */
	assert_ro(&b, PCI_CFG_CAP_PTR, 1, 0);
	assert_ro(&b, PCI_CFG_ROM_ADDRESS1, 4, 0);
}
END_TEST

START_TEST(test_type1_secondary_status)
{
	struct pci_cfg b;

	init1(&b, 0);
	assert_ro(&b, PCI_CFG_SEC_STATUS, 2, 0);
	pci_cfg_set_u16(&b, PCI_CFG_SEC_STATUS, PCI_STS_ERRORS);
	wr(&b, PCI_CFG_SEC_STATUS, 2, 0);
	ck_assert_uint_eq(rd(&b, PCI_CFG_SEC_STATUS, 2), PCI_STS_ERRORS);
	wr(&b, PCI_CFG_SEC_STATUS, 2, 0x4000); /* Received System Error */
	ck_assert_uint_eq(rd(&b, PCI_CFG_SEC_STATUS, 2), PCI_STS_ERRORS & ~0x4000);
	/* The dword at 0x1c: I/O base/limit (absent here) + secondary status. */
	wr(&b, 0x1c, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&b, 0x1c, 4), 0);
	/* Primary status stays independent. */
	ck_assert_uint_eq(rd(&b, PCI_CFG_STATUS, 2), 0);
}
END_TEST

START_TEST(test_type1_io_window)
{
	struct pci_cfg b;
	uint64_t base, limit;

	/* 16-bit I/O: low nibble 0h, upper registers read 0. */
	init1(&b, PCI_CFG_BRIDGE_IO);
	assert_rw(&b, PCI_CFG_IO_BASE, 1, 0xf0, 0x0);
	assert_rw(&b, PCI_CFG_IO_LIMIT, 1, 0xf0, 0x0);
	assert_ro(&b, PCI_CFG_IO_BASE_UPPER, 4, 0);
	wr(&b, PCI_CFG_IO_BASE, 1, 0x20);
	wr(&b, PCI_CFG_IO_LIMIT, 1, 0x3f);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_IO, &base, &limit), 1);
	ck_assert_uint_eq(base, 0x2000);
	ck_assert_uint_eq(limit, 0x3fff);
	/* 32-bit I/O: low nibble 1h, upper 16 bits RW. */
	init1(&b, PCI_CFG_BRIDGE_IO | PCI_CFG_BRIDGE_IO32);
	assert_rw(&b, PCI_CFG_IO_BASE, 1, 0xf0, 0x1);
	assert_rw(&b, PCI_CFG_IO_LIMIT, 1, 0xf0, 0x1);
	assert_rw(&b, PCI_CFG_IO_BASE_UPPER, 2, 0xffff, 0);
	assert_rw(&b, PCI_CFG_IO_LIMIT_UPPER, 2, 0xffff, 0);
	wr(&b, PCI_CFG_IO_BASE, 1, 0x10);
	wr(&b, PCI_CFG_IO_LIMIT, 1, 0x10);
	wr(&b, PCI_CFG_IO_BASE_UPPER, 4, 0x00020001);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_IO, &base, &limit), 1);
	ck_assert_uint_eq(base, 0x11000);
	ck_assert_uint_eq(limit, 0x21fff);
	/* Base above limit: closed. */
	wr(&b, PCI_CFG_IO_BASE, 1, 0xf0);
	wr(&b, PCI_CFG_IO_BASE_UPPER, 4, 0x00000002);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_IO, &base, &limit), 0);
	/* No I/O window: absent. */
	init1(&b, 0);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_IO, &base, &limit), 0);
}
END_TEST

START_TEST(test_type1_memory_windows)
{
	struct pci_cfg b, c;
	uint64_t base, limit;

	init1(&b, PCI_CFG_BRIDGE_PREF);
	assert_rw(&b, PCI_CFG_PREF_BASE, 2, 0xfff0, 0);
	assert_rw(&b, PCI_CFG_PREF_LIMIT, 2, 0xfff0, 0);
	assert_ro(&b, PCI_CFG_PREF_BASE_UPPER, 4, 0);
	init1(&b, PCI_CFG_BRIDGE_PREF | PCI_CFG_BRIDGE_PREF64);
	assert_rw(&b, PCI_CFG_PREF_BASE, 2, 0xfff0, 1);
	assert_rw(&b, PCI_CFG_PREF_LIMIT, 2, 0xfff0, 1);
	assert_rw(&b, PCI_CFG_PREF_BASE_UPPER, 4, 0xffffffff, 0);
	assert_rw(&b, PCI_CFG_PREF_LIMIT_UPPER, 4, 0xffffffff, 0);
	/* Memory: 0xfe00_0000 .. 0xfe2f_ffff. */
	wr(&b, PCI_CFG_MEMORY_BASE, 4, 0xfe20fe00);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_MEM, &base, &limit), 1);
	ck_assert_uint_eq(base, 0xfe000000);
	ck_assert_uint_eq(limit, 0xfe2fffff);
	/* Base above limit: the window is closed. */
	wr(&b, PCI_CFG_MEMORY_BASE, 4, 0x0000fff0);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_MEM, &base, &limit), 0);
	/* Prefetchable, 64-bit: 0x40_0000_0000 .. 0x40_3fff_ffff. */
	wr(&b, PCI_CFG_PREF_BASE, 4, 0x3ff00000);
	wr(&b, PCI_CFG_PREF_BASE_UPPER, 4, 0x40);
	wr(&b, PCI_CFG_PREF_LIMIT_UPPER, 4, 0x40);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_PREF, &base, &limit), 1);
	ck_assert_uint_eq(base, UINT64_C(0x4000000000));
	ck_assert_uint_eq(limit, UINT64_C(0x403fffffff));
	init1(&b, 0);
	ck_assert_int_eq(pci_cfg_bridge_window(&b, PCI_WINDOW_PREF, &base, &limit), 0);
	init0(&c);
	ck_assert_int_eq(pci_cfg_bridge_window(&c, PCI_WINDOW_MEM, &base, &limit),
			 SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_type1_bars)
{
	struct pci_cfg b;
	struct sized_bar r;

	init1(&b, 0);
	ck_assert_int_eq(pci_cfg_add_bar(&b, 0, PCI_BAR_MEM32, 1u << 14, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(&b, 1, PCI_BAR_IO, 16, false), SIM_OK);
	r = linux_read_base(&b, 0x10, false, false, NULL);
	ck_assert_uint_eq(r.size, 1u << 14);
	r = linux_read_base(&b, 0x14, false, false, NULL);
	ck_assert_uint_eq(r.size, 16);
	ck_assert(r.io);
	/* The bus number registers right after are untouched. */
	ck_assert_uint_eq(rd(&b, 0x18, 4), 0);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("bus:config");
	TCase *t = tcase_create("header");
	const int nbar = (int)(sizeof(bar_cases) / sizeof(bar_cases[0]));

	tcase_add_test(t, test_type0_ids_read_only);
	tcase_add_test(t, test_get_ops);
	tcase_add_test(t, test_type0_dword_id_read);
	tcase_add_test(t, test_command_bits);
	tcase_add_test(t, test_status_rw1c);
	tcase_add_test(t, test_command_status_dword);
	tcase_add_test(t, test_misc_rw_registers);
	tcase_add_test(t, test_multifunction);
	tcase_add_test(t, test_intx_status_and_disable);
	tcase_add_test(t, test_init_refusals);
	suite_add_tcase(s, t);

	t = tcase_create("access");
	tcase_add_test(t, test_bad_accesses_refused);
	tcase_add_test(t, test_plain_pci_has_no_extended_space);
	tcase_add_test(t, test_hooks);
	tcase_add_test(t, test_hook_remap_pattern);
	suite_add_tcase(s, t);

	t = tcase_create("bars");
	tcase_add_loop_test(t, test_bar_sizing_decode_disabled, 0, nbar);
	tcase_add_loop_test(t, test_bar_sizing_decode_left_on, 0, nbar);
	tcase_add_test(t, test_bar_address_bits_below_size_read_zero);
	tcase_add_test(t, test_all_bars_one_window);
	tcase_add_test(t, test_unimplemented_bar_sizes_zero);
	tcase_add_test(t, test_bar_refusals);
	tcase_add_test(t, test_rom_type0);
	tcase_add_test(t, test_rom_type1);
	tcase_add_test(t, test_rom_refusals);
	suite_add_tcase(s, t);

	t = tcase_create("bridge");
	tcase_add_test(t, test_type1_registers);
	tcase_add_test(t, test_type1_secondary_status);
	tcase_add_test(t, test_type1_io_window);
	tcase_add_test(t, test_type1_memory_windows);
	tcase_add_test(t, test_type1_bars);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
