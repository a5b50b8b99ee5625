/*
 * bus/caps.h - capability lists of a configuration space (bus/config.h):
 * builders for the PCI capability list (0x40..0xff, PCI 3.0 §6.7) and the
 * PCI Express extended capability list (0x100..0xfff, PCIe 4.0 §7.6), and
 * walkers that find a capability by ID.
 *
 * The builders keep the lists well formed: the Capabilities List status
 * bit and the Capabilities Pointer are set with the first capability, each
 * new capability is appended to the end of its list (next pointer of the
 * previous one), every capability starts DWORD-aligned, and a builder whose
 * structure would overlap the header or another capability, or run past
 * 0xff / 0xfff, fails without changing anything. IDs and next pointers are
 * read-only to the bus.
 *
 * Every builder takes @offset: 0 places the capability at the lowest free
 * DWORD-aligned place that fits; otherwise it is the place asked for. The
 * chosen offset is stored in *@off_out when @off_out is not NULL. Errors:
 * SIM_ERR_INVALID (bad arguments, misaligned or out-of-range @offset),
 * SIM_ERR_BUSY (@offset overlaps something), SIM_ERR_LIMIT (no free room),
 * SIM_ERR_STATE (an extended capability on a function without a PCI
 * Express capability).
 *
 * Include as "bus/caps.h". Depends on bus/config.h.
 */
#ifndef PCISIM_BUS_CAPS_H
#define PCISIM_BUS_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/config.h"

/* Capability IDs (PCI Code and ID Assignment Specification). */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11
/* Extended capability IDs. */
#define PCI_EXT_CAP_ID_AER 0x0001

/* Offsets inside the PCI Power Management capability (PCI Bus Power
 * Management Interface Specification 1.2 (PM 1.2) §3.2). */
#define PCI_PM_PMC 0x02            /* 16 bits, RO */
#define PCI_PM_PMC_VERSION_1_2 0x0003 /* bits 2:0 */
#define PCI_PM_PMC_D1 0x0200       /* bit 9: D1 supported */
#define PCI_PM_PMC_D2 0x0400       /* bit 10: D2 supported */
#define PCI_PM_PMC_PME_MASK 0xf800 /* bits 15:11: PME# from D0,D1,D2,D3hot,D3cold */
#define PCI_PM_CTRL 0x04           /* PMCSR, 16 bits (PM 1.2 §3.2.4) */
#define PCI_PM_CTRL_STATE_MASK 0x0003 /* bits 1:0 PowerState, RW */
#define PCI_PM_CTRL_NO_SOFT_RESET 0x0008 /* bit 3 (PCIe 4.0 §7.5.2.2), RO */
#define PCI_PM_CTRL_PME_ENABLE 0x0100 /* bit 8, RW when PME# is supported */
#define PCI_PM_CTRL_PME_STATUS 0x8000 /* bit 15, RW1C */
#define PCI_PM_SIZEOF 8

/** enum pci_power_state - PMCSR PowerState values (PM 1.2 §3.2.4). */
enum pci_power_state {
	PCI_D0 = 0,
	PCI_D1 = 1,
	PCI_D2 = 2,
	PCI_D3HOT = 3,
};

/* MSI capability (PCI 3.0 §6.8.1). Offsets of the data, mask and pending
 * registers depend on 64-bit addressing: see pci_cap_msi_reg_*(). */
#define PCI_MSI_FLAGS 0x02          /* Message Control, 16 bits */
#define PCI_MSI_FLAGS_ENABLE 0x0001 /* bit 0, RW */
#define PCI_MSI_FLAGS_MMC 0x000e    /* bits 3:1 Multiple Message Capable, RO */
#define PCI_MSI_FLAGS_MME 0x0070    /* bits 6:4 Multiple Message Enable, RW */
#define PCI_MSI_FLAGS_64BIT 0x0080  /* bit 7, RO */
#define PCI_MSI_FLAGS_MASKBIT 0x0100 /* bit 8 per-vector masking capable, RO */
#define PCI_MSI_ADDRESS_LO 0x04     /* bits 1:0 RO 0 */
#define PCI_MSI_ADDRESS_HI 0x08     /* 64-bit only */

/* MSI-X capability (PCI 3.0 §6.8.2). */
#define PCI_MSIX_FLAGS 0x02          /* Message Control, 16 bits */
#define PCI_MSIX_FLAGS_QSIZE 0x07ff  /* bits 10:0 Table Size (N-1), RO */
#define PCI_MSIX_FLAGS_MASKALL 0x4000 /* bit 14 Function Mask, RW */
#define PCI_MSIX_FLAGS_ENABLE 0x8000 /* bit 15 MSI-X Enable, RW */
#define PCI_MSIX_TABLE 0x04          /* Table Offset (31:3) / BIR (2:0), RO */
#define PCI_MSIX_PBA 0x08            /* PBA Offset (31:3) / BIR (2:0), RO */
#define PCI_MSIX_SIZEOF 12
#define PCI_MSIX_ENTRY_SIZE 16       /* bytes per table entry */

/* PCI Express capability (PCIe 4.0 §7.5.3). */
#define PCI_EXP_FLAGS 0x02           /* PCI Express Capabilities (§7.5.3.2) */
#define PCI_EXP_FLAGS_TYPE_SHIFT 4   /* bits 7:4 Device/Port Type */
#define PCI_EXP_DEVCAP 0x04          /* Device Capabilities (§7.5.3.3) */
#define PCI_EXP_DEVCAP_PAYLOAD 0x00000007 /* bits 2:0 Max_Payload_Size Supported */
#define PCI_EXP_DEVCAP_EXT_TAG 0x00000020 /* bit 5 Extended Tag Field Supported */
#define PCI_EXP_DEVCAP_RBER 0x00008000 /* bit 15 Role-Based Error Reporting */
#define PCI_EXP_DEVCAP_FLR 0x10000000 /* bit 28 Function Level Reset Capability */
#define PCI_EXP_DEVCTL 0x08          /* Device Control (§7.5.3.4) */
#define PCI_EXP_DEVCTL_CERE 0x0001   /* Correctable Error Reporting Enable */
#define PCI_EXP_DEVCTL_NFERE 0x0002  /* Non-Fatal Error Reporting Enable */
#define PCI_EXP_DEVCTL_FERE 0x0004   /* Fatal Error Reporting Enable */
#define PCI_EXP_DEVCTL_URRE 0x0008   /* Unsupported Request Reporting Enable */
#define PCI_EXP_DEVCTL_RELAX_EN 0x0010 /* Enable Relaxed Ordering (default 1) */
#define PCI_EXP_DEVCTL_PAYLOAD 0x00e0 /* bits 7:5 Max_Payload_Size */
#define PCI_EXP_DEVCTL_EXT_TAG 0x0100 /* Extended Tag Field Enable */
#define PCI_EXP_DEVCTL_NOSNOOP_EN 0x0800 /* Enable No Snoop (default 1) */
#define PCI_EXP_DEVCTL_READRQ 0x7000 /* bits 14:12 Max_Read_Request_Size */
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000 /* bit 15 Initiate Function Level Reset (reads 0) */
#define PCI_EXP_DEVSTA 0x0a          /* Device Status (§7.5.3.5) */
#define PCI_EXP_DEVSTA_CED 0x0001    /* Correctable Error Detected, RW1C */
#define PCI_EXP_DEVSTA_NFED 0x0002   /* Non-Fatal Error Detected, RW1C */
#define PCI_EXP_DEVSTA_FED 0x0004    /* Fatal Error Detected, RW1C */
#define PCI_EXP_DEVSTA_URD 0x0008    /* Unsupported Request Detected, RW1C */
#define PCI_EXP_LNKCAP 0x0c          /* Link Capabilities (§7.5.3.6) */
#define PCI_EXP_LNKCAP_SLS 0x0000000f /* bits 3:0 Max Link Speed */
#define PCI_EXP_LNKCAP_MLW 0x000003f0 /* bits 9:4 Maximum Link Width */
#define PCI_EXP_LNKCTL 0x10          /* Link Control (§7.5.3.7) */
#define PCI_EXP_LNKCTL_ASPM 0x0003   /* bits 1:0 ASPM Control, RW */
#define PCI_EXP_LNKCTL_RCB 0x0008    /* Read Completion Boundary */
#define PCI_EXP_LNKCTL_CCC 0x0040    /* Common Clock Configuration, RW */
#define PCI_EXP_LNKCTL_ES 0x0080     /* Extended Synch, RW */
#define PCI_EXP_LNKSTA 0x12          /* Link Status (§7.5.3.8) */
#define PCI_EXP_LNKSTA_CLS 0x000f    /* bits 3:0 Current Link Speed, RO */
#define PCI_EXP_LNKSTA_NLW 0x03f0    /* bits 9:4 Negotiated Link Width, RO */
#define PCI_EXP_LNKSTA_DLLLA 0x2000  /* bit 13 Data Link Layer Link Active, RO */
#define PCI_EXP_LNKSTA_LBMS 0x4000   /* bit 14 Link Bandwidth Mgmt Status, RW1C */
#define PCI_EXP_LNKSTA_LABS 0x8000   /* bit 15 Link Autonomous BW Status, RW1C */
#define PCI_EXP_DEVCAP2 0x24         /* Device Capabilities 2 (§7.5.3.15) */
#define PCI_EXP_DEVCTL2 0x28         /* Device Control 2 (§7.5.3.16) */
#define PCI_EXP_LNKCAP2 0x2c         /* Link Capabilities 2 (§7.5.3.18) */
#define PCI_EXP_LNKCAP2_SLS 0x000000fe /* bits 7:1 Supported Link Speeds Vector */
#define PCI_EXP_LNKCTL2 0x30         /* Link Control 2 (§7.5.3.19) */
#define PCI_EXP_LNKCTL2_TLS 0x000f   /* bits 3:0 Target Link Speed, RW */
#define PCI_EXP_LNKSTA2 0x32         /* Link Status 2 (§7.5.3.20) */
#define PCI_EXP_SIZEOF 0x3c          /* version 2 structure, all ports */

/** enum pci_exp_type - Device/Port Type (PCIe 4.0 §7.5.3.2). */
enum pci_exp_type {
	PCI_EXP_TYPE_ENDPOINT = 0x0,
	PCI_EXP_TYPE_LEG_END = 0x1,
	PCI_EXP_TYPE_ROOT_PORT = 0x4,
	PCI_EXP_TYPE_UPSTREAM = 0x5,
	PCI_EXP_TYPE_DOWNSTREAM = 0x6,
	PCI_EXP_TYPE_PCI_BRIDGE = 0x7,
	PCI_EXP_TYPE_PCIE_BRIDGE = 0x8,
	PCI_EXP_TYPE_RC_END = 0x9,
	PCI_EXP_TYPE_RC_EC = 0xa,
};

/** enum pci_link_speed - Link speeds as encoded in Max / Current Link Speed
 * (values index the Supported Link Speeds Vector, PCIe 4.0 §7.5.3.18). */
enum pci_link_speed {
	PCI_LINK_2_5GT = 1, /**< Gen1 */
	PCI_LINK_5GT = 2,   /**< Gen2 */
	PCI_LINK_8GT = 3,   /**< Gen3 */
	PCI_LINK_16GT = 4,  /**< Gen4 */
	PCI_LINK_32GT = 5,  /**< Gen5 */
};

/* Extended capability header (PCIe 4.0 §7.6.3): 15:0 ID, 19:16 version,
 * 31:20 next offset. */
#define PCI_EXT_CAP_ID(h) ((h) & 0xffffu)
#define PCI_EXT_CAP_VER(h) (((h) >> 16) & 0xfu)
#define PCI_EXT_CAP_NEXT(h) (((h) >> 20) & 0xffcu)

/* Advanced Error Reporting (PCIe 4.0 §7.8.4). */
#define PCI_ERR_UNCOR_STATUS 0x04   /* RW1CS */
#define PCI_ERR_UNCOR_MASK 0x08     /* RWS */
#define PCI_ERR_UNCOR_SEVER 0x0c    /* RWS */
#define PCI_ERR_COR_STATUS 0x10     /* RW1CS */
#define PCI_ERR_COR_MASK 0x14       /* RWS */
#define PCI_ERR_CAP 0x18            /* Advanced Error Capabilities and Control */
#define PCI_ERR_CAP_FEP 0x0000001f  /* bits 4:0 First Error Pointer, ROS */
#define PCI_ERR_HEADER_LOG 0x1c     /* 4 DWORDs, RO */
#define PCI_ERR_ROOT_COMMAND 0x2c   /* Root Ports and RCECs only */
#define PCI_ERR_ROOT_STATUS 0x30
#define PCI_ERR_ROOT_ERR_SRC 0x34
/* Uncorrectable error bits implemented (§7.8.4.2): Data Link Protocol (4),
 * Surprise Down (5), Poisoned TLP (12), Flow Control Protocol (13),
 * Completion Timeout (14), Completer Abort (15), Unexpected Completion (16),
 * Receiver Overflow (17), Malformed TLP (18), ECRC (19), Unsupported
 * Request (20), ACS Violation (21), Uncorrectable Internal Error (22). */
#define PCI_ERR_UNC_DLP 0x00000010
#define PCI_ERR_UNC_SURPDN 0x00000020
#define PCI_ERR_UNC_POISON_TLP 0x00001000
#define PCI_ERR_UNC_FCP 0x00002000
#define PCI_ERR_UNC_COMP_TIME 0x00004000
#define PCI_ERR_UNC_COMP_ABORT 0x00008000
#define PCI_ERR_UNC_UNX_COMP 0x00010000
#define PCI_ERR_UNC_RX_OVER 0x00020000
#define PCI_ERR_UNC_MALF_TLP 0x00040000
#define PCI_ERR_UNC_ECRC 0x00080000
#define PCI_ERR_UNC_UNSUP 0x00100000
#define PCI_ERR_UNC_ACSV 0x00200000
#define PCI_ERR_UNC_INTN 0x00400000
#define PCI_ERR_UNC_ALL 0x007ff030u
/* Default Uncorrectable Error Severity (§7.8.4.4): DLP, Surprise Down, FCP,
 * Receiver Overflow, Malformed TLP, Internal Error are fatal. */
#define PCI_ERR_UNC_SEVER_DEFAULT 0x00462030u
/* Correctable error bits (§7.8.4.5): Receiver Error (0), Bad TLP (6), Bad
 * DLLP (7), REPLAY_NUM Rollover (8), Replay Timer Timeout (12), Advisory
 * Non-Fatal (13), Corrected Internal (14), Header Log Overflow (15). */
#define PCI_ERR_COR_RCVR 0x00000001
#define PCI_ERR_COR_BAD_TLP 0x00000040
#define PCI_ERR_COR_BAD_DLLP 0x00000080
#define PCI_ERR_COR_REP_ROLL 0x00000100
#define PCI_ERR_COR_REP_TIMER 0x00001000
#define PCI_ERR_COR_ADV_NFAT 0x00002000
#define PCI_ERR_COR_INTERNAL 0x00004000
#define PCI_ERR_COR_LOG_OVER 0x00008000
#define PCI_ERR_COR_ALL 0x0000f1c1u
/* Default Correctable Error Mask (§7.8.4.6): bits 13, 14, 15 masked. */
#define PCI_ERR_COR_MASK_DEFAULT 0x0000e000u

/* ---- generic builders and walkers ---- */

/**
 * pci_cap_add() - append a capability with ID @cap_id and @size_bytes bytes
 * (2..192, the ID and next-pointer bytes included) to the PCI capability
 * list. The body is zero and read-only; the caller shapes it with
 * pci_cfg_set_*() and pci_cfg_set_mask().
 * Return: 0 or an error listed at the top of this file.
 */
int pci_cap_add(struct pci_cfg *c, uint8_t cap_id, uint32_t size_bytes, uint32_t offset,
		uint32_t *off_out);

/**
 * pci_cap_add_ext() - append an extended capability (PCIe 4.0 §7.6.3) with
 * @ext_id, @version (0..15) and @size_bytes (4..0xf00) to the list at 0x100.
 * The first extended capability is always at 0x100 (@offset 0 or 0x100).
 * Return: 0 or an error listed at the top of this file.
 */
int pci_cap_add_ext(struct pci_cfg *c, uint16_t ext_id, uint8_t version, uint32_t size_bytes,
		    uint32_t offset, uint32_t *off_out);

/**
 * pci_cap_find() - walk the PCI capability list from the Capabilities
 * Pointer. Return: the offset of the first capability with @cap_id, or 0
 * when absent (also when the list is empty, or loops: the walk stops after
 * 48 entries, the most that fit).
 */
uint32_t pci_cap_find(const struct pci_cfg *c, uint8_t cap_id);

/**
 * pci_cap_find_ext() - walk the extended list from 0x100 (only on a PCI
 * Express function). Return: offset of the first @ext_id, or 0.
 */
uint32_t pci_cap_find_ext(const struct pci_cfg *c, uint16_t ext_id);

/* ---- Power Management (PM 1.2 §3.2; PCIe 4.0 §7.5.2) ---- */

/**
 * pci_cap_add_pm() - add the PCI Power Management capability, version 1.2.
 * @pmc_flags: PCI_PM_PMC_D1, _D2 and PME support bits (PCI_PM_PMC_PME_MASK)
 *	to advertise; the version is filled in.
 * @no_soft_reset: PMCSR bit 3; when false, a PowerState write taking the
 *	function from D3hot to D0 resets it (pci_cfg_reset() with
 *	PCI_RESET_SOFT: PCI PM 1.2 §5.4.1, D0uninitialized).
 *
 * PowerState is RW; a write of an unsupported state (D1 or D2 not
 * advertised) is discarded and the state stays as it was (PM 1.2 §3.2.4).
 * PME_En is RW and PME_Status RW1C when any PME support bit is set, else
 * both read 0.
 */
int pci_cap_add_pm(struct pci_cfg *c, uint16_t pmc_flags, bool no_soft_reset,
		   uint32_t offset, uint32_t *off_out);

/** pci_cap_pm_state() - PowerState of the function; PCI_D0 when it has no
 * Power Management capability. */
enum pci_power_state pci_cap_pm_state(const struct pci_cfg *c);

/* ---- MSI (PCI 3.0 §6.8.1; PCIe 4.0 §7.7.1) ---- */

/**
 * pci_cap_add_msi() - add an MSI capability.
 * @vectors: Multiple Message Capable: 1, 2, 4, 8, 16 or 32.
 * @addr64: 64-bit Message Address (Message Upper Address register).
 * @per_vector_mask: Mask Bits (RW for the @vectors low bits) and Pending
 *	Bits (RO to software; pci_cap_msi_set_pending()).
 *
 * MSI Enable, MME, Message Address (31:2) and Message Data (15:0) are RW.
 */
int pci_cap_add_msi(struct pci_cfg *c, unsigned vectors, bool addr64, bool per_vector_mask,
		    uint32_t offset, uint32_t *off_out);

/**
 * struct pci_cap_msi_state - MSI as software has programmed it.
 * @vectors: allocated vectors, 1 << MME.
 */
struct pci_cap_msi_state {
	bool enabled;
	unsigned vectors;
	uint64_t address;
	uint16_t data;
	uint32_t mask;    /**< 0 without per-vector masking */
	uint32_t pending;
	bool mme_over_mmc; /**< software enabled more messages than capable
			    *   (PCI 3.0 §6.8.1.3 forbids it); @vectors is
			    *   then what MMC allows */
};

/** pci_cap_msi_get() - read the MSI programming. Return: 0, or
 * SIM_ERR_INVALID when the function has no MSI capability. */
int pci_cap_msi_get(const struct pci_cfg *c, struct pci_cap_msi_state *out);

/** pci_cap_msi_set_pending() - set or clear Pending bit @vector. Return: 0,
 * or SIM_ERR_INVALID (no MSI, no per-vector masking, vector too large). */
int pci_cap_msi_set_pending(struct pci_cfg *c, unsigned vector, bool pending);

/* ---- MSI-X (PCI 3.0 §6.8.2; PCIe 4.0 §7.7.2) ---- */

/** struct pci_cap_msix_region - other registers a BAR holds (e.g. CSRs). */
struct pci_cap_msix_region {
	unsigned bir;         /**< BAR index 0..5 */
	uint64_t offset;      /**< from the BAR's base */
	uint64_t size_bytes;
};

/**
 * struct pci_cap_msix_layout - where the MSI-X structures live.
 * @table_size: entries, 1..2048.
 * @table_bir, @table_offset: BAR and QWORD-aligned offset of the table.
 * @pba_bir, @pba_offset: BAR and QWORD-aligned offset of the PBA
 *	(ceil(table_size / 64) QWORDs).
 * @others, @n_others: the other registers (CSRs) of those BARs.
 */
struct pci_cap_msix_layout {
	unsigned table_size;
	unsigned table_bir;
	uint32_t table_offset;
	unsigned pba_bir;
	uint32_t pba_offset;
	const struct pci_cap_msix_region *others;
	size_t n_others;
};

/**
 * pci_cap_add_msix() - add an MSI-X capability.
 *
 * Rules checked (PCI 3.0 §6.8.2, repeated in PCIe 4.0 §7.7.2): the BIRs
 * name implemented memory BARs (for a 64-bit BAR, its lower register);
 * offsets are QWORD-aligned; the table (16 bytes per entry) and the PBA
 * lie inside their BARs; the table and the PBA do not overlap each other
 * (they may share a naturally aligned 4 KiB range); and no region in
 * @others shares a naturally aligned 4 KiB range with the table or the PBA
 * ("locations used in the other address space must not share any
 * naturally aligned 4-KB address range with one where either MSI-X
 * structure resides"). BARs must therefore be declared first. A violation
 * is SIM_ERR_INVALID. Function Mask and MSI-X Enable are RW.
 */
int pci_cap_add_msix(struct pci_cfg *c, const struct pci_cap_msix_layout *l,
		     uint32_t offset, uint32_t *off_out);

/* ---- PCI Express capability (PCIe 4.0 §7.5.3) ---- */

/**
 * struct pci_cap_exp_params - what the PCI Express capability advertises.
 * @type: Device/Port Type.
 * @mps_supported_bytes: Max_Payload_Size Supported, 128..4096 (power of 2).
 * @max_speed: Max Link Speed (the Supported Link Speeds Vector gets every
 *	speed up to it).
 * @max_width: Maximum Link Width: 1, 2, 4, 8, 12, 16 or 32 lanes.
 * @ext_tag: Extended Tag Field Supported (and Enable RW).
 * @flr: Function Level Reset Capability (endpoints): a write of 1 to
 *	Device Control bit 15 resets the function (pci_cfg_reset() with
 *	PCI_RESET_FLR); the bit reads 0 (PCIe 4.0 §7.5.3.4, §6.6.2).
 *
 * Root Complex Integrated Endpoints and Event Collectors have no link:
 * their link registers read 0 and @max_speed/@max_width are ignored.
 */
struct pci_cap_exp_params {
	enum pci_exp_type type;
	unsigned mps_supported_bytes;
	enum pci_link_speed max_speed;
	unsigned max_width;
	bool ext_tag;
	bool flr;
};

/**
 * pci_cap_add_express() - add a version 2 PCI Express capability and make
 * the function a PCI Express one: the extended space 0x100..0xfff becomes
 * live and the Latency Timer(s) read 0 (PCIe 4.0 §7.5.1.1.8 and, for
 * the Secondary Latency Timer, §7.5.1.3: "does not apply to PCI Express"). Device Control defaults per §7.5.3.4: Relaxed Ordering
 * and No Snoop enabled, MPS 128 bytes, MRRS 512 bytes; the error reporting
 * enables, MPS, MRRS, Extended Tag (if supported) are RW. Device Status
 * error bits are RW1C. Link Status reports the maximum speed and width
 * until pci_cap_express_set_link().
 */
int pci_cap_add_express(struct pci_cfg *c, const struct pci_cap_exp_params *p,
			uint32_t offset, uint32_t *off_out);

/** pci_cap_express_mps_bytes() - Device Control Max_Payload_Size, in bytes
 * (128..4096); 128 without a PCI Express capability. */
unsigned pci_cap_express_mps_bytes(const struct pci_cfg *c);

/** pci_cap_express_mrrs_bytes() - Device Control Max_Read_Request_Size, in
 * bytes (128..4096); 512 without a PCI Express capability. */
unsigned pci_cap_express_mrrs_bytes(const struct pci_cfg *c);

/**
 * pci_cap_express_set_link() - the link model reports the trained link
 * in Link Status (read-only to software).
 * @speed: not above Max Link Speed; @width: not above Maximum Link Width.
 * Return: 0, or SIM_ERR_INVALID (no link, or beyond the capabilities).
 */
int pci_cap_express_set_link(struct pci_cfg *c, enum pci_link_speed speed, unsigned width);

/** pci_cap_express_set_devsta() - the function reports errors in Device
 * Status (PCI_EXP_DEVSTA_* bits). Return: 0, or SIM_ERR_INVALID. */
int pci_cap_express_set_devsta(struct pci_cfg *c, uint16_t bits);

/* ---- Advanced Error Reporting (PCIe 4.0 §7.8.4) ---- */

/**
 * pci_cap_add_aer() - add the AER extended capability (version 2) on a PCI
 * Express function. Status registers RW1C for the implemented bits
 * (PCI_ERR_UNC_ALL, PCI_ERR_COR_ALL); Mask and Severity RW with their
 * defaults. Root Ports and Root Complex Event Collectors also get Root
 * Error Command/Status/Source (0x38 bytes in all, else 0x2c).
 */
int pci_cap_add_aer(struct pci_cfg *c, uint32_t offset, uint32_t *off_out);

/**
 * pci_cap_aer_report() - the function detected errors: set @bits in the
 * Uncorrectable (@uncorrectable) or Correctable Error Status register. For
 * an uncorrectable error with no error already pending at the First Error
 * Pointer, the pointer is set to the lowest new bit and @header_log (4
 * DWORDs, may be NULL) is recorded (§7.8.4.7-8).
 * Return: 0, or SIM_ERR_INVALID (no AER, unimplemented bits).
 */
int pci_cap_aer_report(struct pci_cfg *c, bool uncorrectable, uint32_t bits,
		       const uint32_t *header_log);

/**
 * pci_cap_error_detected() - the function detected one uncorrectable error
 * (@aer_bit, one PCI_ERR_UNC_* bit) and logs it as PCIe 4.0 §6.2.5 and
 * Figure 6-2 say: the bit in the AER Uncorrectable Error Status (with the
 * First Error Pointer and @header_log, pci_cap_aer_report()) when the
 * function has AER; in Device Status, Fatal or Non-Fatal Error Detected by
 * the bit's severity (AER Uncorrectable Error Severity, else the
 * specification's default), plus Unsupported Request Detected for
 * PCI_ERR_UNC_UNSUP. Device Status bits are set whatever the AER mask.
 * Functions without a PCI Express capability log nothing here (their
 * Status register bits are the caller's business).
 * Return: 0, or SIM_ERR_INVALID (NULL @c, not exactly one implemented bit).
 */
int pci_cap_error_detected(struct pci_cfg *c, uint32_t aer_bit, const uint32_t *header_log);

/** How a requester's read request ended, as it sees it
 * (pci_cap_read_completion()). */
enum pci_read_end {
	PCI_READ_OK = 0,        /**< successful completion */
	PCI_READ_POISONED = 1,  /**< completion with poisoned data */
	PCI_READ_UR = 2,        /**< Unsupported Request completion */
	PCI_READ_CA = 3,        /**< Completer Abort completion */
	PCI_READ_TIMEOUT = 4,   /**< no completion came */
};

/**
 * pci_cap_read_completion() - what the requester @c records about the end
 * of its read request: poisoned data sets Detected Parity Error, and
 * Master Data Parity Error with Parity Error Response on (PCI 3.0 §6.2.3),
 * and is the Poisoned TLP error; a UR or CA completion sets Received
 * Master Abort or Received Target Abort; a completion that never came is
 * the Completion Timeout error (PCIe 4.0 §2.8); errors are logged as
 * pci_cap_error_detected() does. PCI_READ_OK records nothing.
 * Return: 0, or SIM_ERR_INVALID (NULL @c, unknown @end).
 */
int pci_cap_read_completion(struct pci_cfg *c, enum pci_read_end end);

#endif /* PCISIM_BUS_CAPS_H */
