/*
 * bus/caps.c - capability list builders and walkers over a struct pci_cfg.
 *
 * Space is accounted in DWORDs (struct pci_cfg used_dw): the header's 16
 * DWORDs are claimed by pci_cfg_init_*(), each capability claims the
 * DWORDs it spans, so an overlap is detected before anything is written.
 */
#include "bus/caps.h"

#include <string.h>

/* Most capabilities that fit in 0x40..0xff (4 bytes each). */
#define CAP_WALK_MAX 48
/* Most extended capabilities that fit in 0x100..0xfff. */
#define EXT_WALK_MAX ((PCI_CFG_EXP_SPACE_SIZE - PCI_CFG_SPACE_SIZE) / 4)

/* ---- space accounting ---- */

static bool dw_used(const struct pci_cfg *c, uint32_t dw)
{
	return c->used_dw[dw / 32] & (UINT32_C(1) << (dw % 32));
}

static bool range_free(const struct pci_cfg *c, uint32_t off, uint32_t size)
{
	for (uint32_t dw = off / 4; dw < (off + size + 3) / 4; dw++)
		if (dw_used(c, dw))
			return false;
	return true;
}

static void claim(struct pci_cfg *c, uint32_t off, uint32_t size)
{
	for (uint32_t dw = off / 4; dw < (off + size + 3) / 4; dw++)
		c->used_dw[dw / 32] |= UINT32_C(1) << (dw % 32);
}

/* Choose where a structure of @size bytes goes in [@lo, @hi). */
static int place(const struct pci_cfg *c, uint32_t lo, uint32_t hi, uint32_t size,
		 uint32_t offset, uint32_t *out)
{
	if (offset) {
		/* Capabilities are DWORD-aligned (PCI 3.0 §6.7; PCIe 4.0 §7.6.3). */
		if (offset % 4 || offset < lo || offset >= hi || size > hi - offset)
			return SIM_ERR_INVALID;
		if (!range_free(c, offset, size))
			return SIM_ERR_BUSY;
		*out = offset;
		return SIM_OK;
	}
	for (uint32_t o = lo; o + size <= hi; o += 4) {
		if (range_free(c, o, size)) {
			*out = o;
			return SIM_OK;
		}
	}
	return SIM_ERR_LIMIT;
}

/* ---- PCI capability list (PCI 3.0 §6.7) ---- */

static uint32_t cap_tail(const struct pci_cfg *c)
{
	uint32_t off = c->val[PCI_CFG_CAP_PTR] & 0xfc, last = 0;

	for (int n = 0; off && n < CAP_WALK_MAX; n++) {
		last = off;
		off = c->val[off + 1] & 0xfc;
	}
	return last;
}

static int cap_alloc(struct pci_cfg *c, uint8_t cap_id, uint32_t size, uint32_t offset,
		     uint32_t *out)
{
	uint32_t tail, at;
	int err;

	if (!c || size < 2 || size > PCI_CFG_SPACE_SIZE - 0x40)
		return SIM_ERR_INVALID;
	err = place(c, 0x40, PCI_CFG_SPACE_SIZE, size, offset, &at);
	if (err)
		return err;
	tail = cap_tail(c);
	claim(c, at, size);
	memset(c->val + at, 0, (size + 3) & ~3u);
	memset(c->wmask + at, 0, (size + 3) & ~3u);
	memset(c->w1cmask + at, 0, (size + 3) & ~3u);
	c->val[at] = cap_id;
	c->val[at + 1] = 0;
	if (tail)
		c->val[tail + 1] = (uint8_t)at;
	else
		c->val[PCI_CFG_CAP_PTR] = (uint8_t)at;
	/* Status.Capabilities List says the pointer is valid (PCI 3.0 §6.2.3). */
	pci_cfg_set_status_bits(c, PCI_STS_CAP_LIST);
	*out = at;
	return SIM_OK;
}

int pci_cap_add(struct pci_cfg *c, uint8_t cap_id, uint32_t size_bytes, uint32_t offset,
		uint32_t *off_out)
{
	uint32_t at;
	int err = cap_alloc(c, cap_id, size_bytes, offset, &at);

	if (!err && off_out)
		*off_out = at;
	return err;
}

uint32_t pci_cap_find(const struct pci_cfg *c, uint8_t cap_id)
{
	uint32_t off;

	if (!c || !(pci_cfg_get_u16(c, PCI_CFG_STATUS) & PCI_STS_CAP_LIST))
		return 0;
	/* Bits 1:0 of the pointers are reserved (PCI 3.0 §6.7). */
	off = c->val[PCI_CFG_CAP_PTR] & 0xfc;
	for (int n = 0; off >= 0x40 && n < CAP_WALK_MAX; n++) {
		if (c->val[off] == cap_id)
			return off;
		off = c->val[off + 1] & 0xfc;
	}
	return 0;
}

/* ---- extended capability list (PCIe 4.0 §7.6) ---- */

static uint32_t ext_tail(const struct pci_cfg *c)
{
	uint32_t off = PCI_CFG_SPACE_SIZE, last = 0;

	if (!dw_used(c, PCI_CFG_SPACE_SIZE / 4))
		return 0;
	for (uint32_t n = 0; off >= PCI_CFG_SPACE_SIZE && n < EXT_WALK_MAX; n++) {
		last = off;
		off = PCI_EXT_CAP_NEXT(pci_cfg_get_u32(c, off));
	}
	return last;
}

static int ext_alloc(struct pci_cfg *c, uint16_t ext_id, uint8_t version, uint32_t size,
		     uint32_t offset, uint32_t *out)
{
	uint32_t tail, at, hdr;
	int err;

	if (!c || version > 0xf || size < 4 ||
	    size > PCI_CFG_EXP_SPACE_SIZE - PCI_CFG_SPACE_SIZE)
		return SIM_ERR_INVALID;
	if (!c->express)
		return SIM_ERR_STATE;
	tail = ext_tail(c);
	/* The list starts at 0x100 (PCIe 4.0 §7.6.3): the first one goes there. */
	if (!tail) {
		if (offset && offset != PCI_CFG_SPACE_SIZE)
			return SIM_ERR_INVALID;
		offset = PCI_CFG_SPACE_SIZE;
	}
	err = place(c, PCI_CFG_SPACE_SIZE, PCI_CFG_EXP_SPACE_SIZE, size, offset, &at);
	if (err)
		return err;
	claim(c, at, size);
	memset(c->val + at, 0, (size + 3) & ~3u);
	memset(c->wmask + at, 0, (size + 3) & ~3u);
	memset(c->w1cmask + at, 0, (size + 3) & ~3u);
	pci_cfg_set_u32(c, at, (uint32_t)ext_id | (uint32_t)version << 16);
	if (tail) {
		hdr = pci_cfg_get_u32(c, tail);
		pci_cfg_set_u32(c, tail, (hdr & 0x000fffffu) | at << 20);
	}
	*out = at;
	return SIM_OK;
}

int pci_cap_add_ext(struct pci_cfg *c, uint16_t ext_id, uint8_t version, uint32_t size_bytes,
		    uint32_t offset, uint32_t *off_out)
{
	uint32_t at;
	int err = ext_alloc(c, ext_id, version, size_bytes, offset, &at);

	if (!err && off_out)
		*off_out = at;
	return err;
}

uint32_t pci_cap_find_ext(const struct pci_cfg *c, uint16_t ext_id)
{
	uint32_t off = PCI_CFG_SPACE_SIZE, h;

	if (!c || !c->express)
		return 0;
	for (uint32_t n = 0; off >= PCI_CFG_SPACE_SIZE && n < EXT_WALK_MAX; n++) {
		h = pci_cfg_get_u32(c, off);
		/* An all-zero header at 0x100 means no extended capabilities. */
		if (h == 0)
			return 0;
		if (PCI_EXT_CAP_ID(h) == ext_id)
			return off;
		off = PCI_EXT_CAP_NEXT(h);
	}
	return 0;
}

/* ---- Power Management ---- */

/* PowerState writes: refuse unsupported states; reset on D3hot -> D0. */
static void pm_fixup(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t old_val)
{
	uint32_t pm = pci_cap_find(c, PCI_CAP_ID_PM);
	uint32_t ctl, pmc;
	unsigned state, old_state;

	if (!pm || !pci_cfg_touches(off, len, pm + PCI_PM_CTRL, 1))
		return;
	ctl = pm + PCI_PM_CTRL;
	pmc = pci_cfg_get_u16(c, pm + PCI_PM_PMC);
	state = c->val[ctl] & PCI_PM_CTRL_STATE_MASK;
	old_state = (old_val >> (8 * (ctl - off))) & PCI_PM_CTRL_STATE_MASK;
	/* PM 1.2 §3.2.4: a write of an unsupported optional state completes
	 * normally but the data is discarded and no state change occurs. */
	if ((state == PCI_D1 && !(pmc & PCI_PM_PMC_D1)) ||
	    (state == PCI_D2 && !(pmc & PCI_PM_PMC_D2))) {
		c->val[ctl] = (uint8_t)((c->val[ctl] & ~PCI_PM_CTRL_STATE_MASK) | old_state);
		return;
	}
	/* PM 1.2 §5.4.1: without No_Soft_Reset, D3hot -> D0 is an internal
	 * reset to D0uninitialized. */
	if (old_state == PCI_D3HOT && state == PCI_D0 &&
	    !(pci_cfg_get_u16(c, ctl) & PCI_PM_CTRL_NO_SOFT_RESET))
		(void)pci_cfg_reset(c, PCI_RESET_SOFT);
}

/* PCIe 4.0 §6.6.2: a write of 1 to Initiate Function Level Reset (a bit
 * that always reads 0, so only the written value tells) resets the
 * function, if it is FLR capable. */
static void flr_fixup(struct pci_cfg *c, uint32_t off, uint32_t len)
{
	uint32_t exp = pci_cap_find(c, PCI_CAP_ID_EXP), hi;

	if (!exp || !pci_cfg_touches(off, len, exp + PCI_EXP_DEVCTL + 1, 1))
		return;
	hi = exp + PCI_EXP_DEVCTL + 1;
	if (!((c->bus_written >> (8 * (hi - off))) & (PCI_EXP_DEVCTL_BCR_FLR >> 8)))
		return;
	if (pci_cfg_get_u32(c, exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR)
		(void)pci_cfg_reset(c, PCI_RESET_FLR);
}

/* Semantics the masks cannot express, run after each bus write. */
static void caps_fixup(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t old_val)
{
	pm_fixup(c, off, len, old_val);
	flr_fixup(c, off, len);
}

int pci_cap_add_pm(struct pci_cfg *c, uint16_t pmc_flags, bool no_soft_reset,
		   uint32_t offset, uint32_t *off_out)
{
	uint32_t at;
	uint16_t wm = PCI_PM_CTRL_STATE_MASK;
	int err;

	if (!c || (pmc_flags & ~(PCI_PM_PMC_D1 | PCI_PM_PMC_D2 | PCI_PM_PMC_PME_MASK)))
		return SIM_ERR_INVALID;
	if (pci_cap_find(c, PCI_CAP_ID_PM))
		return SIM_ERR_BUSY;
	err = cap_alloc(c, PCI_CAP_ID_PM, PCI_PM_SIZEOF, offset, &at);
	if (err)
		return err;
	/* PMC: version 011b = PM 1.2 (PM 1.2 §3.2.3). */
	pci_cfg_set_u16(c, at + PCI_PM_PMC, pmc_flags | PCI_PM_PMC_VERSION_1_2);
	pci_cfg_set_u16(c, at + PCI_PM_CTRL, no_soft_reset ? PCI_PM_CTRL_NO_SOFT_RESET : 0);
	/* PME_En and PME_Status are implemented only with PME# support. */
	if (pmc_flags & PCI_PM_PMC_PME_MASK) {
		wm |= PCI_PM_CTRL_PME_ENABLE;
		pci_cfg_set_mask(c, at + PCI_PM_CTRL, 2, wm, PCI_PM_CTRL_PME_STATUS);
	} else {
		pci_cfg_set_mask(c, at + PCI_PM_CTRL, 2, wm, 0);
	}
	c->cap_fixup = caps_fixup;
	if (off_out)
		*off_out = at;
	return SIM_OK;
}

enum pci_power_state pci_cap_pm_state(const struct pci_cfg *c)
{
	uint32_t pm = pci_cap_find(c, PCI_CAP_ID_PM);

	if (!pm)
		return PCI_D0;
	return (enum pci_power_state)(c->val[pm + PCI_PM_CTRL] & PCI_PM_CTRL_STATE_MASK);
}

/* ---- MSI ---- */

/* Register offsets inside the MSI capability (PCI 3.0 §6.8.1, Figure 6-9). */
static uint32_t msi_data_reg(uint16_t flags)
{
	return (flags & PCI_MSI_FLAGS_64BIT) ? 0x0c : 0x08;
}

static uint32_t msi_mask_reg(uint16_t flags)
{
	return (flags & PCI_MSI_FLAGS_64BIT) ? 0x10 : 0x0c;
}

static unsigned log2u(uint64_t x)
{
	unsigned n = 0;

	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

int pci_cap_add_msi(struct pci_cfg *c, unsigned vectors, bool addr64, bool per_vector_mask,
		    uint32_t offset, uint32_t *off_out)
{
	uint16_t flags;
	uint32_t at, size;
	int err;

	if (!c || vectors == 0 || vectors > 32 || (vectors & (vectors - 1)))
		return SIM_ERR_INVALID;
	if (pci_cap_find(c, PCI_CAP_ID_MSI))
		return SIM_ERR_BUSY;
	flags = (uint16_t)(log2u(vectors) << 1);
	if (addr64)
		flags |= PCI_MSI_FLAGS_64BIT;
	if (per_vector_mask)
		flags |= PCI_MSI_FLAGS_MASKBIT;
	size = msi_data_reg(flags) + (per_vector_mask ? 12 : 2);
	err = cap_alloc(c, PCI_CAP_ID_MSI, size, offset, &at);
	if (err)
		return err;
	pci_cfg_set_u16(c, at + PCI_MSI_FLAGS, flags);
	pci_cfg_set_mask(c, at + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_MME, 0);
	/* Message Address bits 1:0 are reserved, read 0 (DWORD aligned). */
	pci_cfg_set_mask(c, at + PCI_MSI_ADDRESS_LO, 4, 0xfffffffcu, 0);
	if (addr64)
		pci_cfg_set_mask(c, at + PCI_MSI_ADDRESS_HI, 4, 0xffffffffu, 0);
	/* Message Data is 16 bits; the upper half of its DWORD (Extended
	 * Message Data, optional in PCIe 4.0 §7.7.1) reads 0. */
	pci_cfg_set_mask(c, at + msi_data_reg(flags), 2, 0xffff, 0);
	if (per_vector_mask) {
		/* Mask Bits for unallocatable vectors are reserved (§6.8.1.7);
		 * Pending Bits are read-only (§6.8.1.8). */
		uint32_t m = vectors == 32 ? 0xffffffffu : (UINT32_C(1) << vectors) - 1;

		pci_cfg_set_mask(c, at + msi_mask_reg(flags), 4, m, 0);
	}
	if (off_out)
		*off_out = at;
	return SIM_OK;
}

int pci_cap_msi_get(const struct pci_cfg *c, struct pci_cap_msi_state *out)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_MSI);
	uint16_t flags;
	unsigned mmc, mme;

	if (!at || !out)
		return SIM_ERR_INVALID;
	flags = pci_cfg_get_u16(c, at + PCI_MSI_FLAGS);
	mmc = (flags & PCI_MSI_FLAGS_MMC) >> 1;
	mme = (flags & PCI_MSI_FLAGS_MME) >> 4;
	/* Software must not enable more than it may (§6.8.1.3); a larger MME
	 * is undefined, and this model allocates no more than MMC. */
	out->mme_over_mmc = mme > mmc;
	if (mme > mmc)
		mme = mmc;
	out->enabled = flags & PCI_MSI_FLAGS_ENABLE;
	out->vectors = 1u << mme;
	out->address = pci_cfg_get_u32(c, at + PCI_MSI_ADDRESS_LO);
	if (flags & PCI_MSI_FLAGS_64BIT)
		out->address |= (uint64_t)pci_cfg_get_u32(c, at + PCI_MSI_ADDRESS_HI) << 32;
	out->data = pci_cfg_get_u16(c, at + msi_data_reg(flags));
	out->mask = out->pending = 0;
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		out->mask = pci_cfg_get_u32(c, at + msi_mask_reg(flags));
		out->pending = pci_cfg_get_u32(c, at + msi_mask_reg(flags) + 4);
	}
	return SIM_OK;
}

int pci_cap_msi_set_pending(struct pci_cfg *c, unsigned vector, bool pending)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_MSI), reg, v;
	uint16_t flags;

	if (!at)
		return SIM_ERR_INVALID;
	flags = pci_cfg_get_u16(c, at + PCI_MSI_FLAGS);
	if (!(flags & PCI_MSI_FLAGS_MASKBIT) || vector >= (1u << ((flags & PCI_MSI_FLAGS_MMC) >> 1)))
		return SIM_ERR_INVALID;
	reg = at + msi_mask_reg(flags) + 4;
	v = pci_cfg_get_u32(c, reg);
	v = pending ? v | UINT32_C(1) << vector : v & ~(UINT32_C(1) << vector);
	return pci_cfg_set_u32(c, reg, v);
}

/* ---- MSI-X ---- */

static bool msix_bar_ok(const struct pci_cfg *c, unsigned bir)
{
	/* BIR 6 and 7 are reserved; the BAR must be an implemented memory BAR
	 * (for a 64-bit one, its lower register) (PCI 3.0 §6.8.2.4). */
	return bir < 6 && c->bars[bir].size_bytes && c->bars[bir].kind != PCI_BAR_IO;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Whether two byte ranges touch a common naturally aligned 4 KiB range. */
static bool share_4k(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return (a >> 12) <= ((b + blen - 1) >> 12) && (b >> 12) <= ((a + alen - 1) >> 12);
}

int pci_cap_add_msix(struct pci_cfg *c, const struct pci_cap_msix_layout *l,
		     uint32_t offset, uint32_t *off_out)
{
	uint64_t tlen, plen;
	uint32_t at;
	int err;

	if (!c || !l || l->table_size < 1 || l->table_size > 2048)
		return SIM_ERR_INVALID;
	if (pci_cap_find(c, PCI_CAP_ID_MSIX))
		return SIM_ERR_BUSY;
	if (!msix_bar_ok(c, l->table_bir) || !msix_bar_ok(c, l->pba_bir))
		return SIM_ERR_INVALID;
	/* Offsets are QWORD aligned: their low 3 bits hold the BIR (§6.8.2.4-5). */
	if (l->table_offset % 8 || l->pba_offset % 8)
		return SIM_ERR_INVALID;
	tlen = (uint64_t)l->table_size * PCI_MSIX_ENTRY_SIZE;
	plen = ((uint64_t)l->table_size + 63) / 64 * 8;
	if (l->table_offset + tlen > c->bars[l->table_bir].size_bytes ||
	    l->pba_offset + plen > c->bars[l->pba_bir].size_bytes)
		return SIM_ERR_INVALID;
	/* Table and PBA may share a 4 KiB range but must not overlap (§6.8.2). */
	if (l->table_bir == l->pba_bir &&
	    ranges_overlap(l->table_offset, tlen, l->pba_offset, plen))
		return SIM_ERR_INVALID;
	/* Other registers in the same BARs must not share any naturally
	 * aligned 4 KiB range with either structure (§6.8.2). */
	for (size_t i = 0; i < l->n_others; i++) {
		const struct pci_cap_msix_region *r = &l->others[i];

		if (!r->size_bytes || r->bir >= 6 || !c->bars[r->bir].size_bytes ||
		    r->offset + r->size_bytes > c->bars[r->bir].size_bytes)
			return SIM_ERR_INVALID;
		if (r->bir == l->table_bir &&
		    share_4k(r->offset, r->size_bytes, l->table_offset, tlen))
			return SIM_ERR_INVALID;
		if (r->bir == l->pba_bir && share_4k(r->offset, r->size_bytes, l->pba_offset, plen))
			return SIM_ERR_INVALID;
	}
	err = cap_alloc(c, PCI_CAP_ID_MSIX, PCI_MSIX_SIZEOF, offset, &at);
	if (err)
		return err;
	pci_cfg_set_u16(c, at + PCI_MSIX_FLAGS, (uint16_t)(l->table_size - 1));
	pci_cfg_set_mask(c, at + PCI_MSIX_FLAGS, 2,
			 PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE, 0);
	pci_cfg_set_u32(c, at + PCI_MSIX_TABLE, l->table_offset | l->table_bir);
	pci_cfg_set_u32(c, at + PCI_MSIX_PBA, l->pba_offset | l->pba_bir);
	if (off_out)
		*off_out = at;
	return SIM_OK;
}

/* ---- PCI Express capability ---- */

static bool exp_has_link(enum pci_exp_type t)
{
	return t != PCI_EXP_TYPE_RC_END && t != PCI_EXP_TYPE_RC_EC;
}

static bool width_ok(unsigned w)
{
	return w == 1 || w == 2 || w == 4 || w == 8 || w == 12 || w == 16 || w == 32;
}

int pci_cap_add_express(struct pci_cfg *c, const struct pci_cap_exp_params *p,
			uint32_t offset, uint32_t *off_out)
{
	uint32_t at, devcap;
	uint16_t devctl_w, lnkctl_w;
	bool link;
	int err;

	if (!c || !p)
		return SIM_ERR_INVALID;
	switch (p->type) {
	case PCI_EXP_TYPE_ENDPOINT: case PCI_EXP_TYPE_LEG_END: case PCI_EXP_TYPE_ROOT_PORT:
	case PCI_EXP_TYPE_UPSTREAM: case PCI_EXP_TYPE_DOWNSTREAM: case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_PCIE_BRIDGE: case PCI_EXP_TYPE_RC_END: case PCI_EXP_TYPE_RC_EC:
		break;
	default:
		return SIM_ERR_INVALID;
	}
	link = exp_has_link(p->type);
	if (p->mps_supported_bytes < 128 || p->mps_supported_bytes > 4096 ||
	    (p->mps_supported_bytes & (p->mps_supported_bytes - 1)))
		return SIM_ERR_INVALID;
	if (link && (p->max_speed < PCI_LINK_2_5GT || p->max_speed > PCI_LINK_32GT ||
		     !width_ok(p->max_width)))
		return SIM_ERR_INVALID;
	if (pci_cap_find(c, PCI_CAP_ID_EXP))
		return SIM_ERR_BUSY;
	err = cap_alloc(c, PCI_CAP_ID_EXP, PCI_EXP_SIZEOF, offset, &at);
	if (err)
		return err;

	/* PCI Express Capabilities (§7.5.3.2): version 2h, Device/Port Type. */
	pci_cfg_set_u16(c, at + PCI_EXP_FLAGS,
			(uint16_t)(0x2 | (unsigned)p->type << PCI_EXP_FLAGS_TYPE_SHIFT));
	/* Device Capabilities (§7.5.3.3): MPS Supported is log2(bytes / 128);
	 * Role-Based Error Reporting must be 1 (since PCIe 1.1). */
	devcap = log2u(p->mps_supported_bytes / 128) | PCI_EXP_DEVCAP_RBER;
	if (p->ext_tag)
		devcap |= PCI_EXP_DEVCAP_EXT_TAG;
	if (p->flr && p->type == PCI_EXP_TYPE_ENDPOINT)
		devcap |= PCI_EXP_DEVCAP_FLR;
	pci_cfg_set_u32(c, at + PCI_EXP_DEVCAP, devcap);
	/* Device Control (§7.5.3.4): defaults Relaxed Ordering and No Snoop
	 * enabled, MPS 000b (128 bytes), MRRS 010b (512 bytes). Phantom
	 * Functions and Aux Power PM are not implemented (read 0); Initiate
	 * FLR reads 0 and acts in flr_fixup(). FLR keeps Max_Payload_Size
	 * (§6.6.2). */
	pci_cfg_set_u16(c, at + PCI_EXP_DEVCTL,
			PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | (2u << 12));
	devctl_w = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE |
		   PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD |
		   PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ;
	if (p->ext_tag)
		devctl_w |= PCI_EXP_DEVCTL_EXT_TAG;
	pci_cfg_set_mask(c, at + PCI_EXP_DEVCTL, 2, devctl_w, 0);
	pci_cfg_set_keep(c, at + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_PAYLOAD, false);
	c->cap_fixup = caps_fixup;
	/* Device Status (§7.5.3.5): the four error-detected bits are RW1C. */
	pci_cfg_set_mask(c, at + PCI_EXP_DEVSTA, 2, 0,
			 PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED |
			 PCI_EXP_DEVSTA_URD);

	if (link) {
		bool dport = p->type == PCI_EXP_TYPE_ROOT_PORT ||
			     p->type == PCI_EXP_TYPE_DOWNSTREAM;
		uint32_t lnkcap = (uint32_t)p->max_speed | p->max_width << 4;

		/* Link Bandwidth Notification Capability (bit 21) is
		 * required of Downstream Ports supporting > 2.5 GT/s; this
		 * model gives it to all Downstream Ports (§7.5.3.6). */
		if (dport)
			lnkcap |= 1u << 21;
		pci_cfg_set_u32(c, at + PCI_EXP_LNKCAP, lnkcap);
		/* Link Control (§7.5.3.7): ASPM Control, Common Clock and
		 * Extended Synch RW; RCB RW except on Root Ports, where it is
		 * a read-only report of the port's own boundary. */
		lnkctl_w = PCI_EXP_LNKCTL_ASPM | PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES;
		if (p->type != PCI_EXP_TYPE_ROOT_PORT)
			lnkctl_w |= PCI_EXP_LNKCTL_RCB;
		pci_cfg_set_mask(c, at + PCI_EXP_LNKCTL, 2, lnkctl_w, 0);
		/* §6.6.2: FLR leaves the link's configuration alone. */
		pci_cfg_set_keep(c, at + PCI_EXP_LNKCTL, 2, 0xffff, false);
		/* Link Status (§7.5.3.8): trained at the maximum until the
		 * link model says otherwise; the bandwidth status bits are
		 * RW1C where Link Bandwidth Notification exists. */
		pci_cfg_set_u16(c, at + PCI_EXP_LNKSTA,
				(uint16_t)(p->max_speed | p->max_width << 4));
		pci_cfg_set_mask(c, at + PCI_EXP_LNKSTA, 2, 0,
				 dport ? PCI_EXP_LNKSTA_LBMS | PCI_EXP_LNKSTA_LABS : 0);
		/* The trained speed and width are the link's state, which a
		 * function reset does not retrain. */
		pci_cfg_set_keep(c, at + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW,
				 true);
		/* Link Capabilities 2 (§7.5.3.18): Supported Link Speeds Vector
		 * bit n (n = 1..) is speed encoding n; all up to the maximum. */
		pci_cfg_set_u32(c, at + PCI_EXP_LNKCAP2,
				((UINT32_C(1) << p->max_speed) - 1) << 1);
		/* Link Control 2 (§7.5.3.19): Target Link Speed defaults to the
		 * highest supported speed. */
		pci_cfg_set_u16(c, at + PCI_EXP_LNKCTL2, (uint16_t)p->max_speed);
		pci_cfg_set_mask(c, at + PCI_EXP_LNKCTL2, 2, PCI_EXP_LNKCTL2_TLS, 0);
	}

	/* The function is now PCI Express: its extended space is live, and
	 * the latency timers are hardwired to 0 (§7.5.1.1.8, §7.5.1.3). */
	c->express = true;
	c->val[PCI_CFG_LATENCY_TIMER] = 0;
	c->wmask[PCI_CFG_LATENCY_TIMER] = 0;
	if (c->layout == PCI_HEADER_TYPE_BRIDGE) {
		c->val[PCI_CFG_SEC_LATENCY_TIMER] = 0;
		c->wmask[PCI_CFG_SEC_LATENCY_TIMER] = 0;
	}
	if (off_out)
		*off_out = at;
	return SIM_OK;
}

unsigned pci_cap_express_mps_bytes(const struct pci_cfg *c)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_EXP);
	unsigned v;

	if (!at)
		return 128;
	v = (pci_cfg_get_u16(c, at + PCI_EXP_DEVCTL) & PCI_EXP_DEVCTL_PAYLOAD) >> 5;
	/* 110b and 111b are reserved; they act as the smallest size here. */
	return v <= 5 ? 128u << v : 128u;
}

unsigned pci_cap_express_mrrs_bytes(const struct pci_cfg *c)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_EXP);
	unsigned v;

	if (!at)
		return 512;
	v = (pci_cfg_get_u16(c, at + PCI_EXP_DEVCTL) & PCI_EXP_DEVCTL_READRQ) >> 12;
	return v <= 5 ? 128u << v : 128u;
}

int pci_cap_express_set_link(struct pci_cfg *c, enum pci_link_speed speed, unsigned width)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_EXP), lnkcap;
	uint16_t sta;

	if (!at)
		return SIM_ERR_INVALID;
	lnkcap = pci_cfg_get_u32(c, at + PCI_EXP_LNKCAP);
	if (!lnkcap || speed < PCI_LINK_2_5GT || (uint32_t)speed > (lnkcap & PCI_EXP_LNKCAP_SLS) ||
	    !width_ok(width) || width > ((lnkcap & PCI_EXP_LNKCAP_MLW) >> 4))
		return SIM_ERR_INVALID;
	sta = pci_cfg_get_u16(c, at + PCI_EXP_LNKSTA);
	sta = (uint16_t)((sta & ~(PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW)) |
			 (unsigned)speed | width << 4);
	return pci_cfg_set_u16(c, at + PCI_EXP_LNKSTA, sta);
}

int pci_cap_express_set_devsta(struct pci_cfg *c, uint16_t bits)
{
	uint32_t at = pci_cap_find(c, PCI_CAP_ID_EXP);

	if (!at || (bits & ~0x000fu))
		return SIM_ERR_INVALID;
	return pci_cfg_set_u16(c, at + PCI_EXP_DEVSTA,
			       pci_cfg_get_u16(c, at + PCI_EXP_DEVSTA) | bits);
}

/* ---- AER ---- */

int pci_cap_add_aer(struct pci_cfg *c, uint32_t offset, uint32_t *off_out)
{
	uint32_t exp, at, size = 0x2c;
	unsigned type;
	int err;

	if (!c)
		return SIM_ERR_INVALID;
	exp = pci_cap_find(c, PCI_CAP_ID_EXP);
	if (!exp)
		return SIM_ERR_STATE;
	if (pci_cap_find_ext(c, PCI_EXT_CAP_ID_AER))
		return SIM_ERR_BUSY;
	type = (pci_cfg_get_u16(c, exp + PCI_EXP_FLAGS) >> PCI_EXP_FLAGS_TYPE_SHIFT) & 0xf;
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_RC_EC)
		size = 0x38;
	err = ext_alloc(c, PCI_EXT_CAP_ID_AER, 2, size, offset, &at);
	if (err)
		return err;
	pci_cfg_set_mask(c, at + PCI_ERR_UNCOR_STATUS, 4, 0, PCI_ERR_UNC_ALL);
	pci_cfg_set_mask(c, at + PCI_ERR_UNCOR_MASK, 4, PCI_ERR_UNC_ALL, 0);
	pci_cfg_set_u32(c, at + PCI_ERR_UNCOR_SEVER, PCI_ERR_UNC_SEVER_DEFAULT);
	pci_cfg_set_mask(c, at + PCI_ERR_UNCOR_SEVER, 4, PCI_ERR_UNC_ALL, 0);
	pci_cfg_set_mask(c, at + PCI_ERR_COR_STATUS, 4, 0, PCI_ERR_COR_ALL);
	pci_cfg_set_u32(c, at + PCI_ERR_COR_MASK, PCI_ERR_COR_MASK_DEFAULT);
	pci_cfg_set_mask(c, at + PCI_ERR_COR_MASK, 4, PCI_ERR_COR_ALL, 0);
	/* §7.8.4: the status, mask and severity registers (RW1CS, RWS), the
	 * First Error Pointer (ROS) and the Header Log are sticky: they
	 * survive every reset but a cold one, so software finds the error
	 * after resetting the function. */
	for (uint32_t r = PCI_ERR_UNCOR_STATUS; r < PCI_ERR_HEADER_LOG + 16; r += 4)
		pci_cfg_set_keep(c, at + r, 4, 0xffffffffu, true);
	/* ECRC and multiple header recording are not implemented: the
	 * capabilities/control register is read-only (FEP, §7.8.4.7). */
	if (size == 0x38) {
		/* Root Error Command bits 2:0 RW, Root Error Status bits 6:0
		 * RW1C (§7.8.4.9-10); Error Source Identification RO. */
		pci_cfg_set_mask(c, at + PCI_ERR_ROOT_COMMAND, 4, 0x7, 0);
		pci_cfg_set_mask(c, at + PCI_ERR_ROOT_STATUS, 4, 0, 0x7f);
	}
	if (off_out)
		*off_out = at;
	return SIM_OK;
}

int pci_cap_aer_report(struct pci_cfg *c, bool uncorrectable, uint32_t bits,
		       const uint32_t *header_log)
{
	uint32_t at = pci_cap_find_ext(c, PCI_EXT_CAP_ID_AER), sts, cap, mask, fresh;

	if (!at || !bits)
		return SIM_ERR_INVALID;
	if (!uncorrectable) {
		if (bits & ~PCI_ERR_COR_ALL)
			return SIM_ERR_INVALID;
		sts = pci_cfg_get_u32(c, at + PCI_ERR_COR_STATUS);
		return pci_cfg_set_u32(c, at + PCI_ERR_COR_STATUS, sts | bits);
	}
	if (bits & ~PCI_ERR_UNC_ALL)
		return SIM_ERR_INVALID;
	sts = pci_cfg_get_u32(c, at + PCI_ERR_UNCOR_STATUS);
	cap = pci_cfg_get_u32(c, at + PCI_ERR_CAP);
	mask = pci_cfg_get_u32(c, at + PCI_ERR_UNCOR_MASK);
	/* Status bits are set whatever the mask; only an unmasked error
	 * updates the First Error Pointer and the Header Log, and only when
	 * the error the pointer names has been cleared (§7.8.4.2, §7.8.4.7). */
	fresh = bits & ~mask;
	if (fresh && !(sts & (UINT32_C(1) << (cap & PCI_ERR_CAP_FEP)))) {
		unsigned fep = 0;

		while (!(fresh & (UINT32_C(1) << fep)))
			fep++;
		pci_cfg_set_u32(c, at + PCI_ERR_CAP, (cap & ~PCI_ERR_CAP_FEP) | fep);
		for (unsigned i = 0; i < 4; i++)
			pci_cfg_set_u32(c, at + PCI_ERR_HEADER_LOG + 4 * i,
					header_log ? header_log[i] : 0);
	}
	return pci_cfg_set_u32(c, at + PCI_ERR_UNCOR_STATUS, sts | bits);
}

int pci_cap_error_detected(struct pci_cfg *c, uint32_t aer_bit, const uint32_t *header_log)
{
	uint32_t aer, sever;
	uint16_t devsta;

	if (!c || !aer_bit || (aer_bit & (aer_bit - 1)) || (aer_bit & ~PCI_ERR_UNC_ALL))
		return SIM_ERR_INVALID;
	if (!pci_cap_find(c, PCI_CAP_ID_EXP))
		return SIM_OK;
	aer = pci_cap_find_ext(c, PCI_EXT_CAP_ID_AER);
	if (aer) {
		(void)pci_cap_aer_report(c, true, aer_bit, header_log);
		sever = pci_cfg_get_u32(c, aer + PCI_ERR_UNCOR_SEVER);
	} else {
		sever = PCI_ERR_UNC_SEVER_DEFAULT;
	}
	devsta = sever & aer_bit ? PCI_EXP_DEVSTA_FED : PCI_EXP_DEVSTA_NFED;
	if (aer_bit == PCI_ERR_UNC_UNSUP)
		devsta |= PCI_EXP_DEVSTA_URD;
	return pci_cap_express_set_devsta(c, devsta);
}

int pci_cap_read_completion(struct pci_cfg *c, enum pci_read_end end)
{
	uint16_t bits;

	if (!c)
		return SIM_ERR_INVALID;
	switch (end) {
	case PCI_READ_OK:
		return SIM_OK;
	case PCI_READ_POISONED:
		bits = PCI_STS_DETECTED_PARITY;
		if (pci_cfg_get_u16(c, PCI_CFG_COMMAND) & PCI_CMD_PARITY)
			bits |= PCI_STS_MASTER_PARITY;
		pci_cfg_set_status_bits(c, bits);
		return pci_cap_error_detected(c, PCI_ERR_UNC_POISON_TLP, NULL);
	case PCI_READ_UR:
		pci_cfg_set_status_bits(c, PCI_STS_REC_MASTER_ABORT);
		return SIM_OK;
	case PCI_READ_CA:
		pci_cfg_set_status_bits(c, PCI_STS_REC_TARGET_ABORT);
		return SIM_OK;
	case PCI_READ_TIMEOUT:
		return pci_cap_error_detected(c, PCI_ERR_UNC_COMP_TIME, NULL);
	}
	return SIM_ERR_INVALID;
}
