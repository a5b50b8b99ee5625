/*
 * bus/config.c - configuration space of one function as data: header
 * layout and masks, bus accessors, BARs and the expansion ROM.
 */
#include "bus/config.h"

#include <string.h>

/* ---- byte helpers ---- */

static void put_le(uint8_t *a, uint32_t off, uint32_t len, uint32_t v)
{
	for (uint32_t i = 0; i < len; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le(const uint8_t *a, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)a[off + i] << (8 * i);
	return v;
}

static bool access_ok(uint32_t off, uint32_t len)
{
	if (len != 1 && len != 2 && len != 4)
		return false;
	if (off % len)
		return false;
	return off < PCI_CFG_EXP_SPACE_SIZE && off + len <= PCI_CFG_EXP_SPACE_SIZE;
}

static void set_w(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t wmask)
{
	put_le(c->wmask, off, len, wmask);
}

static void set_w1c(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t w1c)
{
	put_le(c->w1cmask, off, len, w1c);
}

/* ---- initialisation ---- */

/* What both header types share (PCI 3.0 §6.2). */
static void init_common(struct pci_cfg *c, uint16_t vendor, uint16_t device,
			uint32_t class_code, uint8_t revision, uint8_t interrupt_pin,
			uint8_t layout)
{
	memset(c, 0, sizeof(*c));
	c->layout = layout;
	put_le(c->val, PCI_CFG_VENDOR_ID, 2, vendor);
	put_le(c->val, PCI_CFG_DEVICE_ID, 2, device);
	c->val[PCI_CFG_REVISION_ID] = revision;
	put_le(c->val, PCI_CFG_CLASS_PROG, 3, class_code);
	c->val[PCI_CFG_HEADER_TYPE] = layout;
	c->val[PCI_CFG_INTERRUPT_PIN] = interrupt_pin;

	/* Command: only the bits listed are implemented; Special Cycles, MWI,
	 * VGA Palette Snoop, IDSEL Stepping and Fast Back-to-Back are
	 * hardwired to 0 (all optional in PCI 3.0, all RO 0 in PCIe 4.0
	 * §7.5.1.1.3), bits 11..15 reserved. */
	set_w(c, PCI_CFG_COMMAND, 2, PCI_CMD_WRITABLE);
	/* Status: error bits RW1C, the rest read-only (PCI 3.0 §6.2.3). */
	set_w1c(c, PCI_CFG_STATUS, 2, PCI_STS_ERRORS);
	/* Cache Line Size and Latency Timer are RW (PCI 3.0 §6.2.4); adding
	 * a PCI Express capability hardwires the Latency Timer to 0. */
	c->wmask[PCI_CFG_CACHE_LINE_SIZE] = 0xff;
	c->wmask[PCI_CFG_LATENCY_TIMER] = 0xff;
	/* Interrupt Line is a scratch register for software (PCI 3.0 §6.2.4). */
	c->wmask[PCI_CFG_INTERRUPT_LINE] = 0xff;

	/* The 64-byte header is never available to capabilities. */
	c->used_dw[0] = 0xffff;
}

int pci_cfg_init_type0(struct pci_cfg *c, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		       uint16_t subsys_id, uint8_t interrupt_pin)
{
	if (!c || class_code > 0xffffff || interrupt_pin > 4)
		return SIM_ERR_INVALID;
	init_common(c, vendor, device, class_code, revision, interrupt_pin,
		    PCI_HEADER_TYPE_NORMAL);
	put_le(c->val, PCI_CFG_SUBSYS_VENDOR_ID, 2, subsys_vendor);
	put_le(c->val, PCI_CFG_SUBSYS_ID, 2, subsys_id);
	return SIM_OK;
}

int pci_cfg_init_type1(struct pci_cfg *c, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision, uint8_t interrupt_pin,
		       unsigned flags)
{
	const unsigned all = PCI_CFG_BRIDGE_IO | PCI_CFG_BRIDGE_IO32 |
			     PCI_CFG_BRIDGE_PREF | PCI_CFG_BRIDGE_PREF64;

	if (!c || class_code > 0xffffff || interrupt_pin > 4 || (flags & ~all))
		return SIM_ERR_INVALID;
	if ((flags & PCI_CFG_BRIDGE_IO32) && !(flags & PCI_CFG_BRIDGE_IO))
		return SIM_ERR_INVALID;
	if ((flags & PCI_CFG_BRIDGE_PREF64) && !(flags & PCI_CFG_BRIDGE_PREF))
		return SIM_ERR_INVALID;
	init_common(c, vendor, device, class_code, revision, interrupt_pin,
		    PCI_HEADER_TYPE_BRIDGE);

	/* Bus numbers and the secondary latency timer (Bridge 1.2 §3.2.5). */
	c->wmask[PCI_CFG_PRIMARY_BUS] = 0xff;
	c->wmask[PCI_CFG_SECONDARY_BUS] = 0xff;
	c->wmask[PCI_CFG_SUBORDINATE_BUS] = 0xff;
	c->wmask[PCI_CFG_SEC_LATENCY_TIMER] = 0xff;

	/* I/O Base/Limit (Bridge 1.2 §3.2.5): bits 7:4 are address bits
	 * 15:12, bits 3:0 read 0h (16-bit) or 1h (32-bit I/O addressing). */
	if (flags & PCI_CFG_BRIDGE_IO) {
		uint8_t cap = (flags & PCI_CFG_BRIDGE_IO32) ? 0x1 : 0x0;

		c->val[PCI_CFG_IO_BASE] = cap;
		c->val[PCI_CFG_IO_LIMIT] = cap;
		c->wmask[PCI_CFG_IO_BASE] = 0xf0;
		c->wmask[PCI_CFG_IO_LIMIT] = 0xf0;
		if (flags & PCI_CFG_BRIDGE_IO32) {
			set_w(c, PCI_CFG_IO_BASE_UPPER, 2, 0xffff);
			set_w(c, PCI_CFG_IO_LIMIT_UPPER, 2, 0xffff);
		}
	}
	/* Secondary Status: the same error bits, bit 14 being Received
	 * System Error (Bridge 1.2 §3.2.5). */
	set_w1c(c, PCI_CFG_SEC_STATUS, 2, PCI_STS_ERRORS);
	/* Memory Base/Limit (Bridge 1.2 §3.2.5): bits 15:4 = address 31:20. */
	set_w(c, PCI_CFG_MEMORY_BASE, 2, 0xfff0);
	set_w(c, PCI_CFG_MEMORY_LIMIT, 2, 0xfff0);
	/* Prefetchable Base/Limit (Bridge 1.2 §3.2.5): bits 3:0 read 0h
	 * (32-bit) or 1h (64-bit, with the upper 32 bits registers). */
	if (flags & PCI_CFG_BRIDGE_PREF) {
		uint16_t cap = (flags & PCI_CFG_BRIDGE_PREF64) ? 0x1 : 0x0;

		put_le(c->val, PCI_CFG_PREF_BASE, 2, cap);
		put_le(c->val, PCI_CFG_PREF_LIMIT, 2, cap);
		set_w(c, PCI_CFG_PREF_BASE, 2, 0xfff0);
		set_w(c, PCI_CFG_PREF_LIMIT, 2, 0xfff0);
		if (flags & PCI_CFG_BRIDGE_PREF64) {
			set_w(c, PCI_CFG_PREF_BASE_UPPER, 4, 0xffffffff);
			set_w(c, PCI_CFG_PREF_LIMIT_UPPER, 4, 0xffffffff);
		}
	}
	set_w(c, PCI_CFG_BRIDGE_CONTROL, 2, PCI_BCTL_WRITABLE);
	return SIM_OK;
}

void pci_cfg_set_ops(struct pci_cfg *c, const struct pci_cfg_ops *ops, void *opaque)
{
	c->ops = ops;
	c->opaque = opaque;
}

const struct pci_cfg_ops *pci_cfg_get_ops(const struct pci_cfg *c, void **opaque_out)
{
	if (opaque_out)
		*opaque_out = c->opaque;
	return c->ops;
}

void pci_cfg_set_multifunction(struct pci_cfg *c, bool multifunction)
{
	if (multifunction)
		c->val[PCI_CFG_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTIFUNCTION;
	else
		c->val[PCI_CFG_HEADER_TYPE] &= (uint8_t)~PCI_HEADER_TYPE_MULTIFUNCTION;
}

/* ---- bus accessors ---- */

int pci_cfg_read(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t *out)
{
	if (!c || !out || !access_ok(off, len))
		return SIM_ERR_INVALID;
	/* A conventional PCI function has no extended space; its bytes are
	 * zero anyway, but a hook must not be able to make them visible. */
	if (off >= PCI_CFG_SPACE_SIZE && !c->express) {
		*out = 0;
		return SIM_OK;
	}
	if (c->ops && c->ops->read_hook)
		c->ops->read_hook(c->opaque, c, off, len);
	*out = get_le(c->val, off, len);
	return SIM_OK;
}

int pci_cfg_write(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t val)
{
	uint32_t old_val, new_val;

	if (!c || !access_ok(off, len))
		return SIM_ERR_INVALID;
	if (off >= PCI_CFG_SPACE_SIZE && !c->express)
		return SIM_OK; /* nothing is there; the write completes normally */
	if (!c->defaults_taken) {
		memcpy(c->defaults, c->val, sizeof(c->defaults));
		c->defaults_taken = true;
	}
	old_val = get_le(c->val, off, len);
	c->bus_written = len == 4 ? val : val & ((1u << (8 * len)) - 1);
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t w = c->wmask[off + i], w1c = c->w1cmask[off + i];
		uint8_t v = (uint8_t)((c->val[off + i] & ~w) | (b & w));

		c->val[off + i] = (uint8_t)(v & ~(w1c & b));
	}
	if (c->cap_fixup)
		c->cap_fixup(c, off, len, old_val);
	new_val = get_le(c->val, off, len);
	if (c->ops && c->ops->write_hook)
		c->ops->write_hook(c->opaque, c, off, len, old_val, new_val);
	return SIM_OK;
}

/* ---- resets ---- */

int pci_cfg_reset(struct pci_cfg *c, enum pci_reset_kind kind)
{
	if (!c || (kind != PCI_RESET_HOT && kind != PCI_RESET_FLR && kind != PCI_RESET_SOFT))
		return SIM_ERR_INVALID;
	if (c->defaults_taken) {
		for (uint32_t i = 0; i < PCI_CFG_EXP_SPACE_SIZE; i++) {
			uint8_t keep = c->keep_all[i];

			if (kind != PCI_RESET_HOT)
				keep |= c->keep_flr[i];
			c->val[i] = (uint8_t)((c->val[i] & keep) | (c->defaults[i] & ~keep));
		}
	}
	if (c->ops && c->ops->reset)
		c->ops->reset(c->opaque, c, kind);
	return SIM_OK;
}

int pci_cfg_set_keep(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t mask, bool all)
{
	uint8_t *k;

	if (!c || !access_ok(off, len))
		return SIM_ERR_INVALID;
	k = all ? c->keep_all : c->keep_flr;
	for (uint32_t i = 0; i < len; i++)
		k[off + i] |= (uint8_t)(mask >> (8 * i));
	return SIM_OK;
}

/* ---- device-side helpers ---- */

int pci_cfg_set_u8(struct pci_cfg *c, uint32_t off, uint8_t v)
{
	if (!c || !access_ok(off, 1))
		return SIM_ERR_INVALID;
	c->val[off] = v;
	return SIM_OK;
}

int pci_cfg_set_u16(struct pci_cfg *c, uint32_t off, uint16_t v)
{
	if (!c || !access_ok(off, 2))
		return SIM_ERR_INVALID;
	put_le(c->val, off, 2, v);
	return SIM_OK;
}

int pci_cfg_set_u32(struct pci_cfg *c, uint32_t off, uint32_t v)
{
	if (!c || !access_ok(off, 4))
		return SIM_ERR_INVALID;
	put_le(c->val, off, 4, v);
	return SIM_OK;
}

int pci_cfg_set_mask(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t wmask,
		     uint32_t w1cmask)
{
	if (!c || !access_ok(off, len) || (wmask & w1cmask))
		return SIM_ERR_INVALID;
	set_w(c, off, len, wmask);
	set_w1c(c, off, len, w1cmask);
	return SIM_OK;
}

void pci_cfg_set_status_bits(struct pci_cfg *c, uint16_t bits)
{
	put_le(c->val, PCI_CFG_STATUS, 2, pci_cfg_get_u16(c, PCI_CFG_STATUS) | bits);
}

bool pci_cfg_set_intx(struct pci_cfg *c, bool pending)
{
	uint16_t sts = pci_cfg_get_u16(c, PCI_CFG_STATUS);

	if (pending)
		sts |= PCI_STS_INTERRUPT;
	else
		sts &= (uint16_t)~PCI_STS_INTERRUPT;
	put_le(c->val, PCI_CFG_STATUS, 2, sts);
	return pci_cfg_intx_asserted(c);
}

bool pci_cfg_intx_asserted(const struct pci_cfg *c)
{
	return (pci_cfg_get_u16(c, PCI_CFG_STATUS) & PCI_STS_INTERRUPT) &&
	       !(pci_cfg_get_u16(c, PCI_CFG_COMMAND) & PCI_CMD_INTX_DISABLE);
}

/* ---- BARs ---- */

static unsigned bar_count(const struct pci_cfg *c)
{
	return c->layout == PCI_HEADER_TYPE_BRIDGE ? 2 : 6;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int pci_cfg_add_bar(struct pci_cfg *c, unsigned index, enum pci_bar_kind kind,
		    uint64_t size_bytes, bool prefetchable)
{
	uint32_t reg, low_bits;
	uint64_t wm;

	if (!c || index >= bar_count(c) || !is_pow2(size_bytes))
		return SIM_ERR_INVALID;
	switch (kind) {
	case PCI_BAR_IO:
		if (prefetchable || size_bytes < 4 || size_bytes > 256)
			return SIM_ERR_INVALID;
		low_bits = PCI_BAR_SPACE_IO;
		break;
	case PCI_BAR_MEM32:
		if (size_bytes < 16 || size_bytes > (UINT64_C(1) << 31))
			return SIM_ERR_INVALID;
		low_bits = prefetchable ? PCI_BAR_MEM_PREFETCH : 0;
		break;
	case PCI_BAR_MEM64:
		if (size_bytes < 16 || size_bytes > (UINT64_C(1) << 63) ||
		    index + 1 >= bar_count(c))
			return SIM_ERR_INVALID;
		low_bits = PCI_BAR_MEM_TYPE_64 | (prefetchable ? PCI_BAR_MEM_PREFETCH : 0);
		break;
	default:
		return SIM_ERR_INVALID;
	}
	if (c->bars[index].size_bytes || c->bars[index].upper_half)
		return SIM_ERR_BUSY;
	if (kind == PCI_BAR_MEM64 &&
	    (c->bars[index + 1].size_bytes || c->bars[index + 1].upper_half))
		return SIM_ERR_BUSY;

	c->bars[index].size_bytes = size_bytes;
	c->bars[index].kind = kind;
	c->bars[index].prefetchable = prefetchable;
	reg = PCI_CFG_BAR0 + 4 * index;
	/* Address bits below the size are hardwired to 0 and the type bits
	 * are read-only (PCI 3.0 §6.2.5.1): the wmask alone makes the
	 * write-all-ones sizing protocol work. */
	wm = ~(size_bytes - 1);
	put_le(c->val, reg, 4, low_bits);
	set_w(c, reg, 4, (uint32_t)wm & (kind == PCI_BAR_IO ? PCI_BAR_IO_MASK : PCI_BAR_MEM_MASK));
	if (kind == PCI_BAR_MEM64) {
		c->bars[index + 1].upper_half = true;
		put_le(c->val, reg + 4, 4, 0);
		set_w(c, reg + 4, 4, (uint32_t)(wm >> 32));
	}
	return SIM_OK;
}

static int bar_lookup(const struct pci_cfg *c, unsigned index)
{
	if (!c || index >= bar_count(c) || !c->bars[index].size_bytes)
		return SIM_ERR_INVALID;
	return SIM_OK;
}

int pci_cfg_bar_address(const struct pci_cfg *c, unsigned index, uint64_t *addr)
{
	uint32_t reg;
	uint64_t a;

	if (bar_lookup(c, index) || !addr)
		return SIM_ERR_INVALID;
	reg = PCI_CFG_BAR0 + 4 * index;
	a = pci_cfg_get_u32(c, reg);
	switch (c->bars[index].kind) {
	case PCI_BAR_IO:
		a &= PCI_BAR_IO_MASK;
		break;
	case PCI_BAR_MEM64:
		a = (a & PCI_BAR_MEM_MASK) | (uint64_t)pci_cfg_get_u32(c, reg + 4) << 32;
		break;
	default:
		a &= PCI_BAR_MEM_MASK;
		break;
	}
	*addr = a;
	return SIM_OK;
}

int pci_cfg_bar_info(const struct pci_cfg *c, unsigned index, struct pci_cfg_bar_info *out)
{
	uint16_t cmd;

	if (bar_lookup(c, index) || !out)
		return SIM_ERR_INVALID;
	cmd = pci_cfg_get_u16(c, PCI_CFG_COMMAND);
	out->kind = c->bars[index].kind;
	out->size_bytes = c->bars[index].size_bytes;
	out->prefetchable = c->bars[index].prefetchable;
	out->decoding = out->kind == PCI_BAR_IO ? (cmd & PCI_CMD_IO) != 0
						: (cmd & PCI_CMD_MEMORY) != 0;
	return pci_cfg_bar_address(c, index, &out->address);
}

/* ---- expansion ROM ---- */

static uint32_t rom_reg(const struct pci_cfg *c)
{
	return c->layout == PCI_HEADER_TYPE_BRIDGE ? PCI_CFG_ROM_ADDRESS1 : PCI_CFG_ROM_ADDRESS;
}

int pci_cfg_add_rom(struct pci_cfg *c, uint32_t size_bytes)
{
	if (!c || !is_pow2(size_bytes) || size_bytes < 2048 || size_bytes > (1u << 24))
		return SIM_ERR_INVALID;
	if (c->rom_size_bytes)
		return SIM_ERR_BUSY;
	c->rom_size_bytes = size_bytes;
	/* Bits 31:11 are the address, bits 10:1 reserved (read 0), bit 0 the
	 * enable (PCI 3.0 §6.2.5.2). */
	put_le(c->val, rom_reg(c), 4, 0);
	set_w(c, rom_reg(c), 4, (~(size_bytes - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ENABLE);
	return SIM_OK;
}

int pci_cfg_rom_info(const struct pci_cfg *c, uint32_t *addr, uint32_t *size_bytes,
		     bool *decoding)
{
	uint32_t v;

	if (!c || !c->rom_size_bytes)
		return SIM_ERR_INVALID;
	v = pci_cfg_get_u32(c, rom_reg(c));
	if (addr)
		*addr = v & PCI_ROM_ADDRESS_MASK;
	if (size_bytes)
		*size_bytes = c->rom_size_bytes;
	/* The ROM decodes only when both its enable bit and Memory Space
	 * are set (PCI 3.0 §6.2.5.2). */
	if (decoding)
		*decoding = (v & PCI_ROM_ENABLE) &&
			    (pci_cfg_get_u16(c, PCI_CFG_COMMAND) & PCI_CMD_MEMORY);
	return SIM_OK;
}

/* ---- bridge windows ---- */

int pci_cfg_bridge_window(const struct pci_cfg *c, enum pci_bridge_window w,
			  uint64_t *base, uint64_t *limit)
{
	uint64_t b, l;

	if (!c || !base || !limit || c->layout != PCI_HEADER_TYPE_BRIDGE)
		return SIM_ERR_INVALID;
	switch (w) {
	case PCI_WINDOW_IO:
		/* Bridge 1.2 §3.2.5: 4 KiB granular; the limit's low 12
		 * address bits are taken as FFFh. */
		if (!c->wmask[PCI_CFG_IO_BASE])
			return 0;
		b = (uint64_t)(c->val[PCI_CFG_IO_BASE] & 0xf0) << 8;
		l = ((uint64_t)(c->val[PCI_CFG_IO_LIMIT] & 0xf0) << 8) | 0xfff;
		if (c->val[PCI_CFG_IO_BASE] & 0x1) {
			b |= (uint64_t)pci_cfg_get_u16(c, PCI_CFG_IO_BASE_UPPER) << 16;
			l |= (uint64_t)pci_cfg_get_u16(c, PCI_CFG_IO_LIMIT_UPPER) << 16;
		}
		break;
	case PCI_WINDOW_MEM:
		/* Bridge 1.2 §3.2.5: 1 MiB granular, limit low bits FFFFFh. */
		b = (uint64_t)(pci_cfg_get_u16(c, PCI_CFG_MEMORY_BASE) & 0xfff0) << 16;
		l = ((uint64_t)(pci_cfg_get_u16(c, PCI_CFG_MEMORY_LIMIT) & 0xfff0) << 16) | 0xfffff;
		break;
	case PCI_WINDOW_PREF:
		if (!c->wmask[PCI_CFG_PREF_BASE])
			return 0;
		b = (uint64_t)(pci_cfg_get_u16(c, PCI_CFG_PREF_BASE) & 0xfff0) << 16;
		l = ((uint64_t)(pci_cfg_get_u16(c, PCI_CFG_PREF_LIMIT) & 0xfff0) << 16) | 0xfffff;
		if (pci_cfg_get_u16(c, PCI_CFG_PREF_BASE) & 0x1) {
			b |= (uint64_t)pci_cfg_get_u32(c, PCI_CFG_PREF_BASE_UPPER) << 32;
			l |= (uint64_t)pci_cfg_get_u32(c, PCI_CFG_PREF_LIMIT_UPPER) << 32;
		}
		break;
	default:
		return SIM_ERR_INVALID;
	}
	*base = b;
	*limit = l;
	return b <= l ? 1 : 0;
}
