/*
 * tests/bus/test-caps.c - Check tests of capability lists (bus/caps.h).
 *
 * Covers, asserted against PCI 3.0 §6.7-6.8, PM 1.2 §3.2 and PCIe 4.0
 * §7.5.3, §7.6, §7.8.4: list linkage (Capabilities List bit, pointer at
 * 0x34, next pointers in creation order, DWORD alignment, IDs and pointers
 * read-only), walking finds every capability and survives a looped list;
 * builder refusals (misaligned, header, overlap, past 0xff / 0xfff, no room,
 * extended capability on conventional PCI) leave the space unchanged; PM
 * PowerState RW with unsupported states discarded and PME bits; MSI in its
 * four layouts; MSI-X encoding and the 4 KiB placement rule; the PCI
 * Express capability's registers; the extended list at 0x100; AER RW1C
 * status, masks, severity defaults and First Error Pointer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bus-test.h"

#include "bus/caps.h"

/* ---- helpers ---- */

static void init0(struct pci_cfg *c)
{
	ck_assert_int_eq(pci_cfg_init_type0(c, 0x1234, 0x5678, 0x010802, 0, 0x1234, 1, 1),
			 SIM_OK);
}

static const struct pci_cap_exp_params ep_gen3x4 = {
	.type = PCI_EXP_TYPE_ENDPOINT,
	.mps_supported_bytes = 256,
	.max_speed = PCI_LINK_8GT,
	.max_width = 4,
	.ext_tag = true,
};

static uint32_t add_exp(struct pci_cfg *c, const struct pci_cap_exp_params *p)
{
	uint32_t at = 0;

	ck_assert_int_eq(pci_cap_add_express(c, p, 0, &at), SIM_OK);
	return at;
}

/* The list as software walks it, through bus reads only. */
static unsigned walk(struct pci_cfg *c, uint32_t *offs, uint8_t *ids, unsigned max)
{
	unsigned n = 0;
	uint32_t off;

	if (!(rd(c, PCI_CFG_STATUS, 2) & PCI_STS_CAP_LIST))
		return 0;
	off = rd(c, PCI_CFG_CAP_PTR, 1) & 0xfc;
	while (off && n < max) {
		offs[n] = off;
		ids[n] = (uint8_t)rd(c, off, 1);
		n++;
		off = rd(c, off + 1, 1) & 0xfc;
	}
	return n;
}

/* ---- linkage ---- */

START_TEST(test_empty_lists)
{
	struct pci_cfg c;

	init0(&c);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_CAP_LIST, 0);
	ck_assert_uint_eq(rd(&c, PCI_CFG_CAP_PTR, 1), 0);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_PM), 0);
	ck_assert_uint_eq(pci_cap_find_ext(&c, PCI_EXT_CAP_ID_AER), 0);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D0);
	/* A PCIe function without extended capabilities reads 0 at 0x100
	 * (PCIe 4.0 §7.6.3). */
	add_exp(&c, &ep_gen3x4);
	ck_assert_uint_eq(rd(&c, 0x100, 4), 0);
	ck_assert_uint_eq(pci_cap_find_ext(&c, PCI_EXT_CAP_ID_AER), 0);
}
END_TEST

START_TEST(test_linkage_auto)
{
	struct pci_cfg c;
	uint32_t pm, msi, msix, exp, offs[16];
	uint8_t ids[16];
	const struct pci_cap_msix_layout ml = {
		.table_size = 8, .table_bir = 0, .table_offset = 0x2000,
		.pba_bir = 0, .pba_offset = 0x3000,
	};

	init0(&c);
	ck_assert_int_eq(pci_cfg_add_bar(&c, 0, PCI_BAR_MEM64, 0x4000, false), SIM_OK);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, false, 0, &pm), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msi(&c, 4, true, true, 0, &msi), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msix(&c, &ml, 0, &msix), SIM_OK);
	exp = add_exp(&c, &ep_gen3x4);

	/* Status.Capabilities List set, pointer at 0x34 to the first. */
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_CAP_LIST, PCI_STS_CAP_LIST);
	ck_assert_uint_eq(rd(&c, PCI_CFG_CAP_PTR, 1), pm);
	ck_assert_uint_eq(walk(&c, offs, ids, 16), 4);
	ck_assert_uint_eq(offs[0], pm);
	ck_assert_uint_eq(offs[1], msi);
	ck_assert_uint_eq(offs[2], msix);
	ck_assert_uint_eq(offs[3], exp);
	ck_assert_uint_eq(ids[0], PCI_CAP_ID_PM);
	ck_assert_uint_eq(ids[1], PCI_CAP_ID_MSI);
	ck_assert_uint_eq(ids[2], PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(ids[3], PCI_CAP_ID_EXP);
	/* Packed from 0x40 without overlap: PM 8, MSI-64+mask 0x18, MSI-X 12. */
	ck_assert_uint_eq(pm, 0x40);
	ck_assert_uint_eq(msi, 0x48);
	ck_assert_uint_eq(msix, 0x60);
	ck_assert_uint_eq(exp, 0x6c);
	ck_assert_uint_eq(exp + PCI_EXP_SIZEOF, 0xa8);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(offs[i] % 4, 0);
		ck_assert_uint_ge(offs[i], 0x40);
	}
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_PM), pm);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_MSI), msi);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_MSIX), msix);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_EXP), exp);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_VENDOR), 0);
	/* IDs, next pointers, the pointer at 0x34 and the status bit are
	 * read-only to software. */
	for (unsigned i = 0; i < 4; i++)
		assert_ro(&c, offs[i], 2, ids[i] | (i < 3 ? offs[i + 1] << 8 : 0));
	assert_ro(&c, PCI_CFG_CAP_PTR, 1, pm);
	wr(&c, PCI_CFG_STATUS, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_CAP_LIST, PCI_STS_CAP_LIST);
}
END_TEST

START_TEST(test_linkage_explicit_order)
{
	struct pci_cfg c;
	uint32_t offs[8], at;
	uint8_t ids[8];

	init0(&c);
	ck_assert_int_eq(pci_cap_add(&c, PCI_CAP_ID_VENDOR, 8, 0xc0, &at), SIM_OK);
	ck_assert_uint_eq(at, 0xc0);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, false, 0x50, &at), SIM_OK);
	ck_assert_int_eq(pci_cap_add(&c, 0x0d, 8, 0, &at), SIM_OK);
	ck_assert_uint_eq(at, 0x40); /* first free place */
	/* Creation order, whatever the placement. */
	ck_assert_uint_eq(walk(&c, offs, ids, 8), 3);
	ck_assert_uint_eq(offs[0], 0xc0);
	ck_assert_uint_eq(offs[1], 0x50);
	ck_assert_uint_eq(offs[2], 0x40);
	ck_assert_uint_eq(rd(&c, 0x41, 1), 0); /* end of list */
	ck_assert_uint_eq(pci_cap_find(&c, 0x0d), 0x40);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_PM), 0x50);
	/* A generic capability's body is read-only 0 until shaped. */
	assert_ro(&c, 0xc4, 4, 0);
}
END_TEST

START_TEST(test_builder_refusals)
{
	struct pci_cfg c, copy;
	uint32_t at = 0x77;

	init0(&c);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, false, 0x40, &at), SIM_OK);
	ck_assert_uint_eq(at, 0x40);
	at = 0x77;
	memcpy(&copy, &c, sizeof(c));
	/* Misaligned, inside the header, overlapping, past 0xff. */
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0x62, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0x3c, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0x10, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0x44, &at), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cap_add_msi(&c, 1, false, false, 0x3c, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_msi(&c, 1, true, true, 0xf0, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_express(&c, &ep_gen3x4, 0xc8, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 8, 0xfc, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0x100, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 1, 0, &at), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add(&c, 9, 193, 0, &at), SIM_ERR_INVALID);
	/* The same capability twice. */
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, false, 0, &at), SIM_ERR_BUSY);
	/* Extended capabilities need a PCI Express function. */
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x0b, 1, 8, 0, &at), SIM_ERR_STATE);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &at), SIM_ERR_STATE);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	ck_assert_uint_eq(at, 0x77);
	/* The last DWORD fits. */
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0xfc, &at), SIM_OK);
	ck_assert_uint_eq(pci_cap_find(&c, 9), 0xfc);
}
END_TEST

START_TEST(test_builder_full)
{
	struct pci_cfg c, copy;
	uint32_t at;

	init0(&c);
	/* 0x40..0xff is 192 bytes: one capability can take it all. */
	ck_assert_int_eq(pci_cap_add(&c, 9, 192, 0, &at), SIM_OK);
	ck_assert_uint_eq(at, 0x40);
	memcpy(&copy, &c, sizeof(c));
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0, &at), SIM_ERR_LIMIT);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, false, 0, &at), SIM_ERR_LIMIT);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);

	/* 48 four-byte capabilities fill it too, all found. */
	init0(&c);
	for (unsigned i = 0; i < 48; i++) {
		ck_assert_int_eq(pci_cap_add(&c, (uint8_t)(0x80 + i), 4, 0, &at), SIM_OK);
		ck_assert_uint_eq(at, 0x40 + 4 * i);
	}
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0, &at), SIM_ERR_LIMIT);
	for (unsigned i = 0; i < 48; i++)
		ck_assert_uint_eq(pci_cap_find(&c, (uint8_t)(0x80 + i)), 0x40 + 4 * i);
}
END_TEST

START_TEST(test_walk_survives_loop)
{
	struct pci_cfg c;
	uint32_t a, b;

	init0(&c);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0, &a), SIM_OK);
	ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0, &b), SIM_OK);
	/* A device model corrupting its own list must not hang the walker. */
	pci_cfg_set_u8(&c, b + 1, (uint8_t)a);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_MSI), 0);
	add_exp(&c, &ep_gen3x4);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x0b, 1, 8, 0, &a), SIM_OK);
	pci_cfg_set_u32(&c, 0x100, 0x1000000b); /* next -> itself */
	ck_assert_uint_eq(pci_cap_find_ext(&c, PCI_EXT_CAP_ID_AER), 0);
}
END_TEST

/* ---- Power Management ---- */

START_TEST(test_pm_d0_d3hot)
{
	struct pci_cfg c;
	uint32_t pm;

	init0(&c);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0, true, 0, &pm), SIM_OK);
	/* PMC: version 011b, no D1/D2/PME; read-only (PM 1.2 §3.2.3). */
	assert_ro(&c, pm + PCI_PM_PMC, 2, 0x0003);
	/* PMCSR: D0 at reset, No_Soft_Reset reported, PME bits absent. */
	ck_assert_uint_eq(rd(&c, pm + PCI_PM_CTRL, 2), PCI_PM_CTRL_NO_SOFT_RESET);
	wr(&c, pm + PCI_PM_CTRL, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, pm + PCI_PM_CTRL, 2), PCI_PM_CTRL_NO_SOFT_RESET | 3);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D3HOT);
	wr(&c, pm + PCI_PM_CTRL, 2, 0);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D0);
	/* D1 and D2 are not supported: the write is discarded (PM 1.2 §3.2.4). */
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_D1);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D0);
	wr(&c, pm + PCI_PM_CTRL, 1, PCI_D3HOT);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D3HOT);
	wr(&c, pm + PCI_PM_CTRL, 4, PCI_D2);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D3HOT);
	/* PMCSR_BSE and Data read 0. */
	assert_ro(&c, pm + 6, 2, 0);
}
END_TEST

START_TEST(test_pm_d1_d2_and_pme)
{
	struct pci_cfg c;
	uint32_t pm;
	const uint16_t pme = 0x8000 | 0x0800; /* PME# from D3cold and D0 */

	init0(&c);
	ck_assert_int_eq(pci_cap_add_pm(&c, PCI_PM_PMC_D1 | PCI_PM_PMC_D2 | pme, false, 0, &pm),
			 SIM_OK);
	assert_ro(&c, pm + PCI_PM_PMC, 2, 0x0003 | 0x0600 | pme);
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_D1);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D1);
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_D2);
	ck_assert_uint_eq(pci_cap_pm_state(&c), PCI_D2);
	/* PME_En RW, No_Soft_Reset clear. */
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_ENABLE);
	ck_assert_uint_eq(rd(&c, pm + PCI_PM_CTRL, 2), PCI_PM_CTRL_PME_ENABLE);
	/* PME_Status RW1C, set by the function. */
	pci_cfg_set_u16(&c, pm + PCI_PM_CTRL, PCI_PM_CTRL_PME_STATUS | PCI_PM_CTRL_PME_ENABLE);
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_ENABLE);
	ck_assert_uint_eq(rd(&c, pm + PCI_PM_CTRL, 2),
			  PCI_PM_CTRL_PME_STATUS | PCI_PM_CTRL_PME_ENABLE);
	wr(&c, pm + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_STATUS);
	ck_assert_uint_eq(rd(&c, pm + PCI_PM_CTRL, 2), 0);
	ck_assert_int_eq(pci_cap_add_pm(&c, 0x0001, false, 0, NULL), SIM_ERR_INVALID);
}
END_TEST

/* ---- MSI ---- */

START_TEST(test_msi_layouts)
{
	/* _i: bit 0 = 64-bit, bit 1 = per-vector masking. */
	const bool a64 = _i & 1, pvm = _i & 2;
	/* PCI 3.0 §6.8.1 Figure 6-9: data at 8 or 0xc, mask at 0xc or 0x10. */
	const uint32_t data = a64 ? 0x0c : 0x08, mask = a64 ? 0x10 : 0x0c;
	const uint32_t size = pvm ? mask + 8 : data + 4; /* DWORD rounded */

	for (unsigned n = 1; n <= 32; n <<= 1) {
		struct pci_cfg c;
		struct pci_cap_msi_state st;
		uint32_t at, next;
		unsigned log2n = 0;

		while ((1u << log2n) < n)
			log2n++;
		init0(&c);
		ck_assert_int_eq(pci_cap_add_msi(&c, n, a64, pvm, 0, &at), SIM_OK);
		ck_assert_int_eq(pci_cap_add(&c, 9, 4, 0, &next), SIM_OK);
		ck_assert_uint_eq(next, at + size);
		/* Message Control: MMC (3:1), 64-bit (7), per-vector masking
		 * (8) read-only; Enable (0) and MME (6:4) RW. */
		const uint16_t ro = (uint16_t)(log2n << 1 | (a64 ? 0x80 : 0) | (pvm ? 0x100 : 0));
		assert_rw(&c, at + PCI_MSI_FLAGS, 2, 0x0071, ro);
		/* Address: bits 1:0 read 0. */
		assert_rw(&c, at + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc, 0);
		if (a64)
			assert_rw(&c, at + PCI_MSI_ADDRESS_HI, 4, 0xffffffff, 0);
		/* Data: 16 bits RW, the upper half of the DWORD reads 0. */
		assert_rw(&c, at + data, 4, 0x0000ffff, 0);
		if (pvm) {
			const uint32_t vm = n == 32 ? 0xffffffffu : (1u << n) - 1;

			assert_rw(&c, at + mask, 4, vm, 0);
			assert_ro(&c, at + mask + 4, 4, 0);
			ck_assert_int_eq(pci_cap_msi_set_pending(&c, n - 1, true), SIM_OK);
			ck_assert_int_eq(pci_cap_msi_set_pending(&c, n, true), SIM_ERR_INVALID);
			assert_ro(&c, at + mask + 4, 4, 1u << (n - 1));
		} else {
			ck_assert_int_eq(pci_cap_msi_set_pending(&c, 0, true), SIM_ERR_INVALID);
		}
		/* Programmed state. */
		wr(&c, at + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
		if (a64)
			wr(&c, at + PCI_MSI_ADDRESS_HI, 4, 0x1);
		wr(&c, at + data, 2, 0x4041);
		wr(&c, at + PCI_MSI_FLAGS, 2, (uint16_t)(log2n << 4 | 1));
		if (pvm)
			wr(&c, at + mask, 4, 1);
		ck_assert_int_eq(pci_cap_msi_get(&c, &st), SIM_OK);
		ck_assert(st.enabled);
		ck_assert_uint_eq(st.vectors, n);
		ck_assert_uint_eq(st.address, a64 ? UINT64_C(0x1fee00000) : 0xfee00000);
		ck_assert_uint_eq(st.data, 0x4041);
		ck_assert_uint_eq(st.mask, pvm ? 1 : 0);
		ck_assert_uint_eq(st.pending, pvm ? 1u << (n - 1) : 0);
		ck_assert(!st.mme_over_mmc);
		/* MME above MMC (PCI 3.0 §6.8.1.3 forbids it): MMC messages,
		 * and the state says software asked for more. */
		if (n < 32) {
			wr(&c, at + PCI_MSI_FLAGS, 2, (uint16_t)((log2n + 1) << 4 | 1));
			ck_assert_int_eq(pci_cap_msi_get(&c, &st), SIM_OK);
			ck_assert_uint_eq(st.vectors, n);
			ck_assert(st.mme_over_mmc);
		}
	}
}
END_TEST

START_TEST(test_msi_refusals)
{
	struct pci_cfg c;
	struct pci_cap_msi_state st;

	init0(&c);
	ck_assert_int_eq(pci_cap_msi_get(&c, &st), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_msi(&c, 0, false, false, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_msi(&c, 3, false, false, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_msi(&c, 64, false, false, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_msi(&c, 2, false, false, 0, NULL), SIM_OK);
	ck_assert_int_eq(pci_cap_add_msi(&c, 2, false, false, 0, NULL), SIM_ERR_BUSY);
}
END_TEST

/* ---- MSI-X ---- */

static void msix_dev(struct pci_cfg *c)
{
	init0(c);
	ck_assert_int_eq(pci_cfg_add_bar(c, 0, PCI_BAR_MEM64, 0x10000, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(c, 2, PCI_BAR_MEM32, 0x4000, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(c, 3, PCI_BAR_IO, 64, false), SIM_OK);
	ck_assert_int_eq(pci_cfg_add_bar(c, 4, PCI_BAR_MEM32, 16, false), SIM_OK);
}

START_TEST(test_msix_registers)
{
	struct pci_cfg c;
	uint32_t at;
	const struct pci_cap_msix_layout l = {
		.table_size = 2048, .table_bir = 0, .table_offset = 0x8000,
		.pba_bir = 2, .pba_offset = 0x100,
	};

	msix_dev(&c);
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, &at), SIM_OK);
	/* Table Size N-1 (10:0) RO; Function Mask (14), Enable (15) RW. */
	assert_rw(&c, at + PCI_MSIX_FLAGS, 2, 0xc000, 2047);
	assert_ro(&c, at + PCI_MSIX_TABLE, 4, 0x8000 | 0);
	assert_ro(&c, at + PCI_MSIX_PBA, 4, 0x100 | 2);
	ck_assert_uint_eq(pci_cap_find(&c, PCI_CAP_ID_MSIX), at);
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, NULL), SIM_ERR_BUSY);
}
END_TEST

START_TEST(test_msix_table_and_pba_may_share_4k)
{
	struct pci_cfg c;
	/* 4 entries (64 bytes) at 0x1000, PBA right after at 0x1040: same
	 * 4 KiB range, no overlap - allowed. CSRs at 0..0xfff and 0x2000+. */
	const struct pci_cap_msix_region csr[] = {
		{ .bir = 0, .offset = 0, .size_bytes = 0x1000 },
		{ .bir = 0, .offset = 0x2000, .size_bytes = 0xe000 },
		{ .bir = 2, .offset = 0x1000, .size_bytes = 0x10 }, /* other BAR */
	};
	const struct pci_cap_msix_layout l = {
		.table_size = 4, .table_bir = 0, .table_offset = 0x1000,
		.pba_bir = 0, .pba_offset = 0x1040, .others = csr, .n_others = 3,
	};

	msix_dev(&c);
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, NULL), SIM_OK);
}
END_TEST

START_TEST(test_msix_refusals)
{
	struct pci_cfg c, copy;
	struct pci_cap_msix_layout l;
	const struct pci_cap_msix_layout ok = {
		.table_size = 64, .table_bir = 0, .table_offset = 0x2000,
		.pba_bir = 0, .pba_offset = 0x3000,
	};
	struct pci_cap_msix_region csr;

	msix_dev(&c);
	memcpy(&copy, &c, sizeof(c));
#define REFUSE(stmt) do { l = ok; stmt; \
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, NULL), SIM_ERR_INVALID); } while (0)
	REFUSE(l.table_size = 0);
	REFUSE(l.table_size = 2049);
	/* Table and PBA overlap: 64 entries = 0x400 bytes from 0x2000. */
	REFUSE(l.pba_offset = 0x23f8);
	REFUSE(l.pba_offset = 0x2000);
	REFUSE((l.table_offset = 0x3000, l.pba_offset = 0x2ff8, l.table_size = 128));
	/* A CSR sharing the table's 4 KiB range, even without overlap. */
	csr = (struct pci_cap_msix_region){ .bir = 0, .offset = 0x2800, .size_bytes = 4 };
	REFUSE((l.others = &csr, l.n_others = 1));
	/* A CSR sharing the PBA's 4 KiB range. */
	csr = (struct pci_cap_msix_region){ .bir = 0, .offset = 0x3ffc, .size_bytes = 4 };
	REFUSE((l.others = &csr, l.n_others = 1));
	/* A CSR block spanning across the table's range. */
	csr = (struct pci_cap_msix_region){ .bir = 0, .offset = 0x1000, .size_bytes = 0x1004 };
	REFUSE((l.others = &csr, l.n_others = 1));
	/* A region outside its BAR or in no BAR. */
	csr = (struct pci_cap_msix_region){ .bir = 1, .offset = 0, .size_bytes = 4 };
	REFUSE((l.others = &csr, l.n_others = 1));
	csr = (struct pci_cap_msix_region){ .bir = 2, .offset = 0x3ffc, .size_bytes = 8 };
	REFUSE((l.others = &csr, l.n_others = 1));
	/* BIR: reserved, I/O, upper half of a 64-bit BAR, unimplemented. */
	REFUSE(l.table_bir = 6);
	REFUSE(l.pba_bir = 7);
	REFUSE(l.table_bir = 3);
	REFUSE(l.pba_bir = 1);
	REFUSE(l.table_bir = 5);
	/* Offsets QWORD aligned; structures inside their BAR. */
	REFUSE(l.table_offset = 0x2004);
	REFUSE(l.pba_offset = 0x3004);
	REFUSE((l.table_bir = 4, l.table_offset = 0, l.table_size = 2));
	REFUSE((l.pba_bir = 4, l.pba_offset = 0x10));
	REFUSE(l.table_offset = 0xfc00 + 8);
#undef REFUSE
	ck_assert_int_eq(pci_cap_add_msix(&c, NULL, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	/* The neighbours of the refused cases are fine. */
	csr = (struct pci_cap_msix_region){ .bir = 0, .offset = 0x4000, .size_bytes = 0x100 };
	l = ok;
	l.pba_offset = 0x2400;
	l.others = &csr;
	l.n_others = 1;
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, NULL), SIM_OK);
	/* A 16-byte BAR holds exactly one entry; its 8-byte PBA elsewhere. */
	msix_dev(&c);
	l = ok;
	l.table_bir = 4;
	l.table_offset = 0;
	l.table_size = 1;
	ck_assert_int_eq(pci_cap_add_msix(&c, &l, 0, NULL), SIM_OK);
}
END_TEST

/* ---- PCI Express capability ---- */

START_TEST(test_express_registers)
{
	struct pci_cfg c;
	uint32_t at;

	init0(&c);
	at = add_exp(&c, &ep_gen3x4);
	ck_assert(c.express);
	/* PCI Express Capabilities: version 2, endpoint (0). */
	assert_ro(&c, at + PCI_EXP_FLAGS, 2, 0x0002);
	/* Device Capabilities: MPS supported 001b (256), Extended Tag,
	 * Role-Based Error Reporting. */
	assert_ro(&c, at + PCI_EXP_DEVCAP, 4, 0x1 | 0x20 | 0x8000);
	/* Device Control defaults: RO (4) and No Snoop (11) enabled, MPS 128,
	 * MRRS 512 (§7.5.3.4). */
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_DEVCTL, 2), 0x2810);
	ck_assert_uint_eq(pci_cap_express_mps_bytes(&c), 128);
	ck_assert_uint_eq(pci_cap_express_mrrs_bytes(&c), 512);
	/* RW: 0-3 error enables, 4, 7:5, 8 (ext tag), 11, 14:12. Phantom (9),
	 * Aux PM (10), FLR / bridge retry (15) read 0. */
	assert_rw(&c, at + PCI_EXP_DEVCTL, 2, 0x79ff, 0);
	wr(&c, at + PCI_EXP_DEVCTL, 2, 1u << 5 | 5u << 12);
	ck_assert_uint_eq(pci_cap_express_mps_bytes(&c), 256);
	ck_assert_uint_eq(pci_cap_express_mrrs_bytes(&c), 4096);
	wr(&c, at + PCI_EXP_DEVCTL, 2, 0);
	ck_assert_uint_eq(pci_cap_express_mps_bytes(&c), 128);
	ck_assert_uint_eq(pci_cap_express_mrrs_bytes(&c), 128);
	/* Device Status: bits 3:0 RW1C. */
	assert_ro(&c, at + PCI_EXP_DEVSTA, 2, 0);
	ck_assert_int_eq(pci_cap_express_set_devsta(&c, 0xf), SIM_OK);
	ck_assert_int_eq(pci_cap_express_set_devsta(&c, 0x10), SIM_ERR_INVALID);
	wr(&c, at + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_URD);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_DEVSTA, 2), 0x7);
	wr(&c, at + PCI_EXP_DEVSTA, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_DEVSTA, 2), 0);
	/* Link Capabilities: speed 3 (8 GT/s) in 3:0, width 4 in 9:4. */
	assert_ro(&c, at + PCI_EXP_LNKCAP, 4, 0x3 | 4u << 4);
	/* Link Control: ASPM (1:0), RCB (3), CCC (6), ES (7) RW. */
	assert_rw(&c, at + PCI_EXP_LNKCTL, 2, 0x00cb, 0);
	/* Link Status: trained at max, read-only; endpoint has no LBMS/LABS. */
	pci_cfg_set_u16(&c, at + PCI_EXP_LNKSTA, 0xc000 | 0x43);
	wr(&c, at + PCI_EXP_LNKSTA, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKSTA, 2), 0xc043);
	/* Link Capabilities 2: 2.5, 5, 8 GT/s in bits 1..3; Target Link Speed. */
	assert_ro(&c, at + PCI_EXP_LNKCAP2, 4, 0x0000000e);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKCTL2, 2), 3);
	assert_rw(&c, at + PCI_EXP_LNKCTL2, 2, 0x000f, 0);
	/* Slot and root registers of an endpoint read 0. */
	for (uint32_t o = 0x14; o < 0x24; o += 4)
		assert_ro(&c, at + o, 4, 0);
	/* PCIe hardwires the Latency Timer to 0 (PCIe 4.0 §7.5.1.1.8). */
	assert_ro(&c, PCI_CFG_LATENCY_TIMER, 1, 0);
	assert_rw(&c, PCI_CFG_CACHE_LINE_SIZE, 1, 0xff, 0);
}
END_TEST

START_TEST(test_express_link_speeds_widths)
{
	static const unsigned widths[] = { 1, 2, 4, 8, 12, 16 };

	for (unsigned s = PCI_LINK_2_5GT; s <= PCI_LINK_32GT; s++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			struct pci_cfg c;
			struct pci_cap_exp_params p = ep_gen3x4;
			uint32_t at;

			p.max_speed = (enum pci_link_speed)s;
			p.max_width = widths[w];
			init0(&c);
			at = add_exp(&c, &p);
			ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKCAP, 4) & 0x3ff,
					  s | widths[w] << 4);
			ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKSTA, 2) & 0x3ff,
					  s | widths[w] << 4);
			ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKCAP2, 4),
					  ((1u << s) - 1) << 1);
			/* The link trains narrower and slower. */
			ck_assert_int_eq(pci_cap_express_set_link(&c, PCI_LINK_2_5GT, 1), SIM_OK);
			ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKSTA, 2) & 0x3ff, 0x011);
			/* Never beyond its capabilities. */
			ck_assert_int_eq(pci_cap_express_set_link(&c, (enum pci_link_speed)(s + 1),
								  1), SIM_ERR_INVALID);
			ck_assert_int_eq(pci_cap_express_set_link(&c, PCI_LINK_2_5GT,
								  widths[w] * 2), SIM_ERR_INVALID);
			ck_assert_int_eq(pci_cap_express_set_link(&c, PCI_LINK_2_5GT, 3),
					 SIM_ERR_INVALID);
		}
	}
}
END_TEST

START_TEST(test_express_mps_supported)
{
	for (unsigned e = 0; e <= 5; e++) {
		struct pci_cfg c;
		struct pci_cap_exp_params p = ep_gen3x4;
		uint32_t at;

		p.mps_supported_bytes = 128u << e;
		init0(&c);
		at = add_exp(&c, &p);
		ck_assert_uint_eq(rd(&c, at + PCI_EXP_DEVCAP, 4) & 0x7, e);
	}
}
END_TEST

START_TEST(test_express_ports_and_refusals)
{
	struct pci_cfg c, copy;
	struct pci_cap_exp_params p = ep_gen3x4;
	uint32_t at;

	/* A root port on a type 1 header: type 4, LBN capable with RW1C
	 * bandwidth status bits, RCB read-only; secondary latency timer 0. */
	ck_assert_int_eq(pci_cfg_init_type1(&c, 0x8086, 1, 0x060400, 0, 1, 0), SIM_OK);
	p.type = PCI_EXP_TYPE_ROOT_PORT;
	p.ext_tag = false;
	at = add_exp(&c, &p);
	assert_ro(&c, at + PCI_EXP_FLAGS, 2, 0x0042);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_DEVCAP, 4) & 0x20, 0);
	assert_rw(&c, at + PCI_EXP_DEVCTL, 2, 0x78ff, 0);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKCAP, 4) & (1u << 21), 1u << 21);
	assert_rw(&c, at + PCI_EXP_LNKCTL, 2, 0x00c3, 0);
	pci_cfg_set_u16(&c, at + PCI_EXP_LNKSTA, 0xc000 | 0x43);
	wr(&c, at + PCI_EXP_LNKSTA, 2, 0x4000);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKSTA, 2), 0x8043);
	wr(&c, at + PCI_EXP_LNKSTA, 2, 0xffff);
	ck_assert_uint_eq(rd(&c, at + PCI_EXP_LNKSTA, 2), 0x0043);
	assert_ro(&c, PCI_CFG_SEC_LATENCY_TIMER, 1, 0);
	assert_ro(&c, PCI_CFG_LATENCY_TIMER, 1, 0);

	/* An RC integrated endpoint has no link: link registers read 0. */
	init0(&c);
	p = ep_gen3x4;
	p.type = PCI_EXP_TYPE_RC_END;
	p.max_speed = (enum pci_link_speed)0;
	p.max_width = 0;
	at = add_exp(&c, &p);
	assert_ro(&c, at + PCI_EXP_FLAGS, 2, 0x0092);
	for (uint32_t o = PCI_EXP_LNKCAP; o < PCI_EXP_SIZEOF; o += 4)
		if (o < PCI_EXP_DEVCAP2 || o >= PCI_EXP_LNKCAP2)
			assert_ro(&c, at + o, 4, 0);
	ck_assert_int_eq(pci_cap_express_set_link(&c, PCI_LINK_2_5GT, 1), SIM_ERR_INVALID);

	/* Bad parameters. */
	init0(&c);
	memcpy(&copy, &c, sizeof(c));
	p = ep_gen3x4;
	p.type = (enum pci_exp_type)2;
	ck_assert_int_eq(pci_cap_add_express(&c, &p, 0, NULL), SIM_ERR_INVALID);
	p = ep_gen3x4;
	p.mps_supported_bytes = 8192;
	ck_assert_int_eq(pci_cap_add_express(&c, &p, 0, NULL), SIM_ERR_INVALID);
	p.mps_supported_bytes = 384;
	ck_assert_int_eq(pci_cap_add_express(&c, &p, 0, NULL), SIM_ERR_INVALID);
	p = ep_gen3x4;
	p.max_speed = (enum pci_link_speed)6;
	ck_assert_int_eq(pci_cap_add_express(&c, &p, 0, NULL), SIM_ERR_INVALID);
	p = ep_gen3x4;
	p.max_width = 3;
	ck_assert_int_eq(pci_cap_add_express(&c, &p, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_express(&c, NULL, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	add_exp(&c, &ep_gen3x4);
	ck_assert_int_eq(pci_cap_add_express(&c, &ep_gen3x4, 0, NULL), SIM_ERR_BUSY);
}
END_TEST

/* ---- extended capabilities ---- */

START_TEST(test_ext_list)
{
	struct pci_cfg c, copy;
	uint32_t a, b, d;

	init0(&c);
	add_exp(&c, &ep_gen3x4);
	/* The first one is always at 0x100. */
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x0b, 1, 8, 0x200, &a), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x0b, 1, 8, 0, &a), SIM_OK);
	ck_assert_uint_eq(a, 0x100);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &b), SIM_OK);
	ck_assert_uint_eq(b, 0x108);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x03, 1, 12, 0x400, &d), SIM_OK);
	/* Headers: ID 15:0, version 19:16, next 31:20 (PCIe 4.0 §7.6.3). */
	assert_ro(&c, 0x100, 4, 0x0b | 1u << 16 | 0x108u << 20);
	assert_ro(&c, 0x108, 4, 0x01 | 2u << 16 | 0x400u << 20);
	assert_ro(&c, 0x400, 4, 0x03 | 1u << 16);
	ck_assert_uint_eq(pci_cap_find_ext(&c, 0x0b), 0x100);
	ck_assert_uint_eq(pci_cap_find_ext(&c, PCI_EXT_CAP_ID_AER), 0x108);
	ck_assert_uint_eq(pci_cap_find_ext(&c, 0x03), 0x400);
	ck_assert_uint_eq(pci_cap_find_ext(&c, 0x10), 0);
	/* Unimplemented extended space reads 0 and ignores writes. */
	assert_ro(&c, 0x800, 4, 0);
	assert_ro(&c, 0xffc, 4, 0);
	/* Refusals change nothing. */
	memcpy(&copy, &c, sizeof(c));
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0x104, &d), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0x130, &d), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0x408, &d), SIM_ERR_BUSY);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0xffc, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0x402, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0xfc, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0x1000, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 16, 8, 0, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 0xf04, 0, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 0xc00, 0, &d), SIM_ERR_LIMIT);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &d), SIM_ERR_BUSY);
	ck_assert_int_eq(memcmp(&c, &copy, sizeof(c)), 0);
	/* Auto placement fills the gap after AER, then the last DWORD. */
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x04, 1, 8, 0, &d), SIM_OK);
	ck_assert_uint_eq(d, 0x108 + 0x2c);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x05, 1, 4, 0xffc, &d), SIM_OK);
	ck_assert_uint_eq(pci_cap_find_ext(&c, 0x05), 0xffc);
	ck_assert_uint_eq(PCI_EXT_CAP_NEXT(rd(&c, 0x134, 4)), 0xffc);
}
END_TEST

START_TEST(test_aer)
{
	struct pci_cfg c;
	uint32_t at;
	const uint32_t hdr[4] = { 0x4a000001, 0x0100000f, 0xfee00000, 0x12345678 };

	init0(&c);
	add_exp(&c, &ep_gen3x4);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &at), SIM_OK);
	ck_assert_uint_eq(at, 0x100);
	/* Defaults (§7.8.4.3-6). */
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), 0);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_MASK, 4), 0);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_SEVER, 4), 0x00462030);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_COR_STATUS, 4), 0);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_COR_MASK, 4), 0x0000e000);
	/* Status registers: software cannot set bits. */
	assert_ro(&c, at + PCI_ERR_UNCOR_STATUS, 4, 0);
	assert_ro(&c, at + PCI_ERR_COR_STATUS, 4, 0);
	/* Mask and severity RW for the implemented bits. */
	assert_rw(&c, at + PCI_ERR_UNCOR_MASK, 4, 0x007ff030, 0);
	assert_rw(&c, at + PCI_ERR_UNCOR_SEVER, 4, 0x007ff030, 0);
	assert_rw(&c, at + PCI_ERR_COR_MASK, 4, 0x0000f1c1, 0);
	assert_ro(&c, at + PCI_ERR_CAP, 4, 0);

	/* An Unsupported Request (bit 20), then a Completion Timeout (14). */
	ck_assert_int_eq(pci_cap_aer_report(&c, true, PCI_ERR_UNC_UNSUP, hdr), SIM_OK);
	ck_assert_int_eq(pci_cap_aer_report(&c, true, PCI_ERR_UNC_COMP_TIME, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), 0x00104000);
	/* First Error Pointer names the first, its header is logged. */
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_CAP, 4) & 0x1f, 20);
	for (unsigned i = 0; i < 4; i++)
		assert_ro(&c, at + PCI_ERR_HEADER_LOG + 4 * i, 4, hdr[i]);
	/* RW1C: writing 0 keeps, writing one bit clears just that one. */
	wr(&c, at + PCI_ERR_UNCOR_STATUS, 4, 0);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), 0x00104000);
	wr(&c, at + PCI_ERR_UNCOR_STATUS, 4, PCI_ERR_UNC_UNSUP);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), 0x00004000);
	/* With the pointed-to error cleared, the next one moves the pointer. */
	ck_assert_int_eq(pci_cap_aer_report(&c, true, PCI_ERR_UNC_MALF_TLP, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_CAP, 4) & 0x1f, 18);
	wr(&c, at + PCI_ERR_UNCOR_STATUS, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), 0);
	/* A masked error sets its status bit but not the pointer. */
	wr(&c, at + PCI_ERR_UNCOR_MASK, 4, PCI_ERR_UNC_POISON_TLP);
	ck_assert_int_eq(pci_cap_aer_report(&c, true, PCI_ERR_UNC_POISON_TLP, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_UNCOR_STATUS, 4), PCI_ERR_UNC_POISON_TLP);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_CAP, 4) & 0x1f, 18);

	/* Correctable: RW1C the same way. */
	ck_assert_int_eq(pci_cap_aer_report(&c, false, PCI_ERR_COR_BAD_TLP |
					    PCI_ERR_COR_RCVR, NULL), SIM_OK);
	wr(&c, at + PCI_ERR_COR_STATUS, 2, PCI_ERR_COR_RCVR);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_COR_STATUS, 4), PCI_ERR_COR_BAD_TLP);
	wr(&c, at + PCI_ERR_COR_STATUS, 1, 0xff);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_COR_STATUS, 4), 0);
	/* Unimplemented bits refused. */
	ck_assert_int_eq(pci_cap_aer_report(&c, true, 1u << 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_aer_report(&c, false, 1u << 1, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_aer_report(&c, true, 0, NULL), SIM_ERR_INVALID);
}
END_TEST

START_TEST(test_aer_root_port)
{
	struct pci_cfg c;
	struct pci_cap_exp_params p = ep_gen3x4;
	uint32_t at, next;

	ck_assert_int_eq(pci_cfg_init_type1(&c, 0x8086, 1, 0x060400, 0, 1, 0), SIM_OK);
	p.type = PCI_EXP_TYPE_ROOT_PORT;
	add_exp(&c, &p);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &at), SIM_OK);
	ck_assert_int_eq(pci_cap_add_ext(&c, 0x0b, 1, 4, 0, &next), SIM_OK);
	ck_assert_uint_eq(next, at + 0x38);
	/* Root Error Command 2:0 RW; Root Error Status 6:0 RW1C (§7.8.4.9-10). */
	assert_rw(&c, at + PCI_ERR_ROOT_COMMAND, 4, 0x7, 0);
	pci_cfg_set_u32(&c, at + PCI_ERR_ROOT_STATUS, 0x7f);
	wr(&c, at + PCI_ERR_ROOT_STATUS, 4, 0x01);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_ROOT_STATUS, 4), 0x7e);
	wr(&c, at + PCI_ERR_ROOT_STATUS, 4, 0xffffffff);
	ck_assert_uint_eq(rd(&c, at + PCI_ERR_ROOT_STATUS, 4), 0);
	assert_ro(&c, at + PCI_ERR_ROOT_ERR_SRC, 4, 0);
}
END_TEST

/* PCIe 4.0 §6.2.5: Device Status by severity, with and without AER. */
START_TEST(test_error_detected)
{
	struct pci_cfg c;
	uint32_t exp, aer;

	init0(&c);
	/* Conventional PCI: nothing to log here. */
	ck_assert_int_eq(pci_cap_error_detected(&c, PCI_ERR_UNC_POISON_TLP, NULL), SIM_OK);
	ck_assert_int_eq(pci_cap_add_express(&c, &ep_gen3x4, 0, &exp), SIM_OK);
	/* Without AER, the default severities: Malformed TLP is fatal,
	 * Completer Abort is not; UR also sets Unsupported Request Detected. */
	ck_assert_int_eq(pci_cap_error_detected(&c, PCI_ERR_UNC_MALF_TLP, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, exp + PCI_EXP_DEVSTA, 2), PCI_EXP_DEVSTA_FED);
	wr(&c, exp + PCI_EXP_DEVSTA, 2, 0xf);
	ck_assert_int_eq(pci_cap_error_detected(&c, PCI_ERR_UNC_UNSUP, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, exp + PCI_EXP_DEVSTA, 2),
			  PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_URD);
	wr(&c, exp + PCI_EXP_DEVSTA, 2, 0xf);
	/* With AER: the status bit, even when masked, and Device Status. */
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &aer), SIM_OK);
	wr(&c, aer + PCI_ERR_UNCOR_MASK, 4, PCI_ERR_UNC_COMP_ABORT);
	ck_assert_int_eq(pci_cap_error_detected(&c, PCI_ERR_UNC_COMP_ABORT, NULL), SIM_OK);
	ck_assert_uint_eq(rd(&c, aer + PCI_ERR_UNCOR_STATUS, 4), PCI_ERR_UNC_COMP_ABORT);
	ck_assert_uint_eq(rd(&c, exp + PCI_EXP_DEVSTA, 2), PCI_EXP_DEVSTA_NFED);
	/* One implemented bit at a time. */
	ck_assert_int_eq(pci_cap_error_detected(&c, 0, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_error_detected(&c, PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_ECRC, NULL),
			 SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_error_detected(&c, 1u << 31, NULL), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_error_detected(NULL, PCI_ERR_UNC_UNSUP, NULL), SIM_ERR_INVALID);
}
END_TEST

/* What a requester records at the end of a read (PCI 3.0 §6.2.3, PCIe 4.0
 * §2.8, §6.2.5). */
START_TEST(test_read_completion)
{
	struct pci_cfg c;
	uint32_t exp, aer;

	init0(&c);
	ck_assert_int_eq(pci_cap_add_express(&c, &ep_gen3x4, 0, &exp), SIM_OK);
	ck_assert_int_eq(pci_cap_add_aer(&c, 0, &aer), SIM_OK);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_OK), SIM_OK);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_ERRORS, 0);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_POISONED), SIM_OK);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_ERRORS, PCI_STS_DETECTED_PARITY);
	ck_assert_uint_eq(rd(&c, aer + PCI_ERR_UNCOR_STATUS, 4), PCI_ERR_UNC_POISON_TLP);
	wr(&c, PCI_CFG_STATUS, 2, PCI_STS_ERRORS);
	wr(&c, PCI_CFG_COMMAND, 2, PCI_CMD_PARITY);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_POISONED), SIM_OK);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) & PCI_STS_ERRORS,
			  PCI_STS_DETECTED_PARITY | PCI_STS_MASTER_PARITY);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_UR), SIM_OK);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_CA), SIM_OK);
	ck_assert_uint_eq(rd(&c, PCI_CFG_STATUS, 2) &
			  (PCI_STS_REC_MASTER_ABORT | PCI_STS_REC_TARGET_ABORT),
			  PCI_STS_REC_MASTER_ABORT | PCI_STS_REC_TARGET_ABORT);
	ck_assert_int_eq(pci_cap_read_completion(&c, PCI_READ_TIMEOUT), SIM_OK);
	ck_assert(rd(&c, aer + PCI_ERR_UNCOR_STATUS, 4) & PCI_ERR_UNC_COMP_TIME);
	ck_assert_int_eq(pci_cap_read_completion(NULL, PCI_READ_UR), SIM_ERR_INVALID);
	ck_assert_int_eq(pci_cap_read_completion(&c, (enum pci_read_end)9), SIM_ERR_INVALID);
}
END_TEST

static Suite *caps_suite(void)
{
	Suite *s = suite_create("bus:caps");
	TCase *t = tcase_create("list");

	tcase_add_test(t, test_empty_lists);
	tcase_add_test(t, test_linkage_auto);
	tcase_add_test(t, test_linkage_explicit_order);
	tcase_add_test(t, test_builder_refusals);
	tcase_add_test(t, test_builder_full);
	tcase_add_test(t, test_walk_survives_loop);
	suite_add_tcase(s, t);

	t = tcase_create("pm-msi");
	tcase_add_test(t, test_pm_d0_d3hot);
	tcase_add_test(t, test_pm_d1_d2_and_pme);
	tcase_add_loop_test(t, test_msi_layouts, 0, 4);
	tcase_add_test(t, test_msi_refusals);
	tcase_add_test(t, test_msix_registers);
	tcase_add_test(t, test_msix_table_and_pba_may_share_4k);
	tcase_add_test(t, test_msix_refusals);
	suite_add_tcase(s, t);

	t = tcase_create("express");
	tcase_add_test(t, test_express_registers);
	tcase_add_test(t, test_express_link_speeds_widths);
	tcase_add_test(t, test_express_mps_supported);
	tcase_add_test(t, test_express_ports_and_refusals);
	tcase_add_test(t, test_ext_list);
	tcase_add_test(t, test_aer);
	tcase_add_test(t, test_aer_root_port);
	tcase_add_test(t, test_error_detected);
	tcase_add_test(t, test_read_completion);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(caps_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
