/*
 * bus/config.h - the configuration space of one PCI / PCI Express function,
 * held as data: the register bytes, a write mask and a write-1-to-clear mask,
 * 4 KiB long (the PCI-compatible 256 bytes plus the PCIe extended space).
 *
 * A configuration write from the bus changes only the bits its wmask allows,
 * clears the bits its w1cmask allows and the writer sets, then calls the
 * function's write hook so the device model can act (remap BARs after a BAR
 * or Command write, change power state, ...). A read returns the bytes; a
 * read hook may refresh them first. Everything a register does therefore
 * follows from its masks, and BAR sizing falls out of wmask = ~(size - 1).
 * The device model itself changes read-only and status bits with the
 * pci_cfg_set_*() helpers, which bypass the masks.
 *
 * Register layouts and bit positions follow the PCI Local Bus Specification
 * 3.0 (PCI 3.0), the PCI-to-PCI Bridge Architecture Specification 1.2
 * (Bridge 1.2) and the PCI Express Base Specification 4.0 (PCIe 4.0), cited
 * by section. Capability lists are built with bus/caps.h.
 *
 * Include as "bus/config.h". Depends on libc and sim/error.h only.
 */
#ifndef PCISIM_BUS_CONFIG_H
#define PCISIM_BUS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

/** Size of the PCI-compatible configuration space (PCI 3.0 §6.1). */
#define PCI_CFG_SPACE_SIZE 0x100u
/** Size of a PCI Express function's configuration space (PCIe 4.0 §7.2). */
#define PCI_CFG_EXP_SPACE_SIZE 0x1000u

/* ---- Header registers common to type 0 and type 1 (PCI 3.0 §6.1, §6.2) ---- */
#define PCI_CFG_VENDOR_ID 0x00       /* 16 bits, RO */
#define PCI_CFG_DEVICE_ID 0x02       /* 16 bits, RO */
#define PCI_CFG_COMMAND 0x04         /* 16 bits, see PCI_CMD_* */
#define PCI_CFG_STATUS 0x06          /* 16 bits, see PCI_STS_* */
#define PCI_CFG_REVISION_ID 0x08     /* 8 bits, RO */
#define PCI_CFG_CLASS_PROG 0x09      /* class code: programming interface */
#define PCI_CFG_CLASS_SUB 0x0a       /* class code: sub-class */
#define PCI_CFG_CLASS_BASE 0x0b      /* class code: base class */
#define PCI_CFG_CACHE_LINE_SIZE 0x0c /* 8 bits, RW */
#define PCI_CFG_LATENCY_TIMER 0x0d   /* 8 bits, RW (RO 0 on PCIe) */
#define PCI_CFG_HEADER_TYPE 0x0e     /* 8 bits, RO; bit 7 multi-function */
#define PCI_CFG_BIST 0x0f            /* 8 bits, RO 0 (BIST not implemented) */
#define PCI_CFG_BAR0 0x10            /* Base Address registers, 4 bytes each */
#define PCI_CFG_CAP_PTR 0x34         /* Capabilities Pointer, RO */
#define PCI_CFG_INTERRUPT_LINE 0x3c  /* 8 bits, RW (scratch for software) */
#define PCI_CFG_INTERRUPT_PIN 0x3d   /* 8 bits, RO: 0 none, 1..4 INTA#..INTD# */

/* ---- Type 0 only (PCI 3.0 §6.1) ---- */
#define PCI_CFG_CARDBUS_CIS 0x28     /* RO 0 */
#define PCI_CFG_SUBSYS_VENDOR_ID 0x2c /* 16 bits, RO */
#define PCI_CFG_SUBSYS_ID 0x2e       /* 16 bits, RO */
#define PCI_CFG_ROM_ADDRESS 0x30     /* Expansion ROM BAR (PCI 3.0 §6.2.5.2) */
#define PCI_CFG_MIN_GNT 0x3e         /* RO 0 */
#define PCI_CFG_MAX_LAT 0x3f         /* RO 0 */

/* ---- Type 1 only (Bridge 1.2 §3.2) ---- */
#define PCI_CFG_PRIMARY_BUS 0x18     /* 8 bits, RW */
#define PCI_CFG_SECONDARY_BUS 0x19   /* 8 bits, RW */
#define PCI_CFG_SUBORDINATE_BUS 0x1a /* 8 bits, RW */
#define PCI_CFG_SEC_LATENCY_TIMER 0x1b /* 8 bits, RW (RO 0 on PCIe) */
#define PCI_CFG_IO_BASE 0x1c         /* 8 bits: 7:4 RW = addr 15:12, 3:0 RO */
#define PCI_CFG_IO_LIMIT 0x1d        /* 8 bits: as I/O Base */
#define PCI_CFG_SEC_STATUS 0x1e      /* 16 bits, see PCI_STS_* */
#define PCI_CFG_MEMORY_BASE 0x20     /* 16 bits: 15:4 RW = addr 31:20 */
#define PCI_CFG_MEMORY_LIMIT 0x22    /* 16 bits: as Memory Base */
#define PCI_CFG_PREF_BASE 0x24       /* 16 bits: 15:4 RW, 3:0 RO (1 = 64-bit) */
#define PCI_CFG_PREF_LIMIT 0x26      /* 16 bits: as Prefetchable Base */
#define PCI_CFG_PREF_BASE_UPPER 0x28 /* 32 bits, RW when 64-bit */
#define PCI_CFG_PREF_LIMIT_UPPER 0x2c /* 32 bits, RW when 64-bit */
#define PCI_CFG_IO_BASE_UPPER 0x30   /* 16 bits, RW when 32-bit I/O */
#define PCI_CFG_IO_LIMIT_UPPER 0x32  /* 16 bits, RW when 32-bit I/O */
#define PCI_CFG_ROM_ADDRESS1 0x38    /* Expansion ROM BAR of a bridge */
#define PCI_CFG_BRIDGE_CONTROL 0x3e  /* 16 bits, see PCI_BCTL_* */

/* Header Type register (PCI 3.0 §6.2.1). */
#define PCI_HEADER_TYPE_NORMAL 0x00
#define PCI_HEADER_TYPE_BRIDGE 0x01
#define PCI_HEADER_TYPE_MULTIFUNCTION 0x80

/* Command register bits (PCI 3.0 §6.2.2). Other bits read 0. */
#define PCI_CMD_IO 0x0001            /* I/O Space enable */
#define PCI_CMD_MEMORY 0x0002        /* Memory Space enable */
#define PCI_CMD_MASTER 0x0004        /* Bus Master enable */
#define PCI_CMD_PARITY 0x0040        /* Parity Error Response */
#define PCI_CMD_SERR 0x0100          /* SERR# Enable */
#define PCI_CMD_INTX_DISABLE 0x0400  /* Interrupt Disable */
/** The Command bits this model implements as RW. */
#define PCI_CMD_WRITABLE (PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | \
			  PCI_CMD_PARITY | PCI_CMD_SERR | PCI_CMD_INTX_DISABLE)

/* Status register bits (PCI 3.0 §6.2.3); Secondary Status (Bridge 1.2
 * §3.2.5) uses the same positions, with bit 14 meaning Received System
 * Error and without bits 3 and 4. */
#define PCI_STS_INTERRUPT 0x0008     /* Interrupt Status, RO */
#define PCI_STS_CAP_LIST 0x0010      /* Capabilities List, RO */
#define PCI_STS_MASTER_PARITY 0x0100 /* Master Data Parity Error, RW1C */
#define PCI_STS_SIG_TARGET_ABORT 0x0800 /* Signaled Target Abort, RW1C */
#define PCI_STS_REC_TARGET_ABORT 0x1000 /* Received Target Abort, RW1C */
#define PCI_STS_REC_MASTER_ABORT 0x2000 /* Received Master Abort, RW1C */
#define PCI_STS_SIG_SYSTEM_ERROR 0x4000 /* Signaled System Error, RW1C */
#define PCI_STS_DETECTED_PARITY 0x8000  /* Detected Parity Error, RW1C */
/** The RW1C error bits of the Status and Secondary Status registers. */
#define PCI_STS_ERRORS (PCI_STS_MASTER_PARITY | PCI_STS_SIG_TARGET_ABORT | \
			PCI_STS_REC_TARGET_ABORT | PCI_STS_REC_MASTER_ABORT | \
			PCI_STS_SIG_SYSTEM_ERROR | PCI_STS_DETECTED_PARITY)

/* Bridge Control bits (Bridge 1.2 §3.2.5). Bits 7..15 read 0: fast
 * back-to-back and the discard timers are not implemented (they do not
 * apply to PCI Express). */
#define PCI_BCTL_PARITY 0x0001       /* Parity Error Response Enable */
#define PCI_BCTL_SERR 0x0002         /* SERR# Enable */
#define PCI_BCTL_ISA 0x0004          /* ISA Enable */
#define PCI_BCTL_VGA 0x0008          /* VGA Enable */
#define PCI_BCTL_VGA16 0x0010        /* VGA 16-bit decode */
#define PCI_BCTL_MASTER_ABORT 0x0020 /* Master-Abort Mode */
#define PCI_BCTL_BUS_RESET 0x0040    /* Secondary Bus Reset */
#define PCI_BCTL_WRITABLE 0x007f

/* Base Address register low bits (PCI 3.0 §6.2.5.1). */
#define PCI_BAR_SPACE_IO 0x1         /* bit 0: 1 = I/O, 0 = memory */
#define PCI_BAR_MEM_TYPE_64 0x4      /* bits 2:1 = 10b: 64-bit memory */
#define PCI_BAR_MEM_PREFETCH 0x8     /* bit 3: prefetchable */
#define PCI_BAR_MEM_MASK 0xfffffff0u /* address bits of a memory BAR */
#define PCI_BAR_IO_MASK 0xfffffffcu  /* address bits of an I/O BAR */
/* Expansion ROM BAR (PCI 3.0 §6.2.5.2): bit 0 enable, 31:11 address. */
#define PCI_ROM_ENABLE 0x1
#define PCI_ROM_ADDRESS_MASK 0xfffff800u

/* Flags of pci_cfg_init_type1(): which windows the bridge implements
 * (Bridge 1.2 §3.2.5). The non-prefetchable memory
 * window is mandatory and always present. */
#define PCI_CFG_BRIDGE_IO 0x1        /* I/O window implemented */
#define PCI_CFG_BRIDGE_IO32 0x2      /* ... with 32-bit I/O addressing */
#define PCI_CFG_BRIDGE_PREF 0x4      /* prefetchable memory window */
#define PCI_CFG_BRIDGE_PREF64 0x8    /* ... with 64-bit addressing */

/** enum pci_bar_kind - what a Base Address register decodes. */
enum pci_bar_kind {
	PCI_BAR_MEM32, /**< 32-bit memory space, one register */
	PCI_BAR_MEM64, /**< 64-bit memory space, two registers */
	PCI_BAR_IO,    /**< I/O space */
};

/** enum pci_bridge_window - the address windows of a type 1 header. */
enum pci_bridge_window {
	PCI_WINDOW_IO,   /**< I/O Base/Limit (+ upper 16 bits) */
	PCI_WINDOW_MEM,  /**< Memory Base/Limit */
	PCI_WINDOW_PREF, /**< Prefetchable Base/Limit (+ upper 32 bits) */
};

struct pci_cfg;

/**
 * enum pci_reset_kind - what reset a function (pci_cfg_reset()).
 * @PCI_RESET_HOT: conventional reset: a Secondary Bus Reset of the bridge
 *	above, a Hot Reset or a Fundamental Reset (PCIe 4.0 §6.6.1). Every
 *	register returns to its default except sticky ones.
 * @PCI_RESET_FLR: Function Level Reset (PCIe 4.0 §6.6.2): as HOT, but the
 *	link-related fields the specification lists keep their values
 *	(Max_Payload_Size, Link Control; see pci_cfg_set_keep()).
 * @PCI_RESET_SOFT: the internal reset of a PowerState change D3hot -> D0
 *	when No_Soft_Reset is 0 (PCI PM 1.2 §5.4.1, the function goes to
 *	D0uninitialized); preserves what FLR preserves.
 */
enum pci_reset_kind {
	PCI_RESET_HOT = 0,
	PCI_RESET_FLR = 1,
	PCI_RESET_SOFT = 2,
};

/**
 * struct pci_cfg_ops - device-model callbacks of a configuration space.
 * Either pointer may be NULL.
 * @write_hook: called after every accepted bus write (pci_cfg_write()), once
 *	the masks have been applied, even when no bit changed. @off and @len
 *	are the access; @old_val and @new_val the @len-byte little-endian value
 *	at @off before and after. Typical use: remap BARs when the write
 *	touched Command or a BAR (pci_cfg_touches()), react to a power-state
 *	change. The written value itself is in @c->bus_written. The hook may
 *	change the space with pci_cfg_set_*().
 * @read_hook: called before the bytes of an accepted bus read are taken, so
 *	a model may refresh a register (with pci_cfg_set_*()) that reflects
 *	live state. The read returns the bytes after the hook.
 * @reset: called by pci_cfg_reset() once the registers hold their reset
 *	values, so the model resets its own state (registers behind its BARs,
 *	queues, pending interrupts) as the reset @kind requires. When the
 *	reset came from a bus write (Initiate FLR, PowerState D3hot -> D0),
 *	@write_hook follows for that write.
 */
struct pci_cfg_ops {
	void (*write_hook)(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			   uint32_t old_val, uint32_t new_val);
	void (*read_hook)(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len);
	void (*reset)(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind);
};

/** struct pci_cfg_bar - what was declared for one Base Address register. */
struct pci_cfg_bar {
	uint64_t size_bytes;   /**< 0 when not implemented */
	enum pci_bar_kind kind;
	bool prefetchable;
	bool upper_half;       /**< the upper register of a 64-bit BAR */
};

/**
 * struct pci_cfg_bar_info - a BAR as a decoder needs it (pci_cfg_bar_info()).
 * @address: the programmed base, aligned to @size_bytes.
 * @decoding: the Command register enables the BAR's space (I/O Space or
 *	Memory Space). Power state (pci_cap_pm_state()) is not considered.
 */
struct pci_cfg_bar_info {
	enum pci_bar_kind kind;
	uint64_t size_bytes;
	uint64_t address;
	bool prefetchable;
	bool decoding;
};

/**
 * struct pci_cfg - configuration space of one function; embed it in the
 * device model. Initialise with pci_cfg_init_type0() or _type1().
 */
struct pci_cfg {
	/* read-only: change through pci_cfg_write() and pci_cfg_set_*() */
	uint8_t val[PCI_CFG_EXP_SPACE_SIZE];     /**< register bytes */
	uint8_t wmask[PCI_CFG_EXP_SPACE_SIZE];   /**< 1 = bus-writable bit */
	uint8_t w1cmask[PCI_CFG_EXP_SPACE_SIZE]; /**< 1 = write-1-to-clear bit */
	bool express;          /**< has a PCI Express capability: 0x100+ live */
	/** The raw value of the bus write being processed (before masks);
	 * valid inside write_hook, for bits that act on a write of 1 and read
	 * 0 (e.g. Initiate Function Level Reset, Retrain Link). */
	uint32_t bus_written;
	uint8_t layout;        /**< PCI_HEADER_TYPE_NORMAL or _BRIDGE */
	struct pci_cfg_bar bars[6];
	uint32_t rom_size_bytes; /**< 0 when there is no expansion ROM */
	/* private */
	const struct pci_cfg_ops *ops;
	void *opaque;
	/* DWORDs already claimed by the header or a capability (bus/caps.c). */
	uint32_t used_dw[PCI_CFG_EXP_SPACE_SIZE / 4 / 32];
	/* Capability-specific write semantics that masks cannot express
	 * (set by bus/caps.c), run before the write hook. */
	void (*cap_fixup)(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t old_val);
	/* Reset values: @val as it was before the first bus write (the
	 * device model builds the space first, then software programs it). */
	bool defaults_taken;
	uint8_t defaults[PCI_CFG_EXP_SPACE_SIZE];
	uint8_t keep_all[PCI_CFG_EXP_SPACE_SIZE]; /* bits no reset changes (sticky) */
	uint8_t keep_flr[PCI_CFG_EXP_SPACE_SIZE]; /* bits FLR and soft reset keep */
};

/**
 * pci_cfg_init_type0() - initialise @c as a type 0 (endpoint) header.
 * @vendor: Vendor ID; @device: Device ID.
 * @class_code: 24-bit class code (base class << 16 | sub-class << 8 |
 *	programming interface).
 * @revision: Revision ID.
 * @subsys_vendor: Subsystem Vendor ID; @subsys_id: Subsystem ID.
 * @interrupt_pin: 0 (no INTx) or 1..4 for INTA#..INTD#.
 *
 * Every field gets its PCI 3.0 §6.2 semantics; no BAR, ROM, capability or
 * ops yet. The function is plain PCI until bus/caps.h adds a PCI Express
 * capability.
 *
 * Return: 0, or SIM_ERR_INVALID (NULL @c, @class_code over 24 bits,
 * @interrupt_pin over 4); @c is left untouched on error.
 */
int pci_cfg_init_type0(struct pci_cfg *c, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		       uint16_t subsys_id, uint8_t interrupt_pin);

/**
 * pci_cfg_init_type1() - initialise @c as a type 1 (PCI-to-PCI bridge) header.
 * @vendor, @device, @class_code, @revision, @interrupt_pin: as for type 0.
 * @flags: PCI_CFG_BRIDGE_* - which optional windows exist. Absent windows
 *	read 0 and ignore writes; the I/O and prefetchable windows' low four
 *	bits report 16/32-bit and 32/64-bit addressing (Bridge 1.2 §3.2.5).
 *
 * Bus numbers, Secondary Latency Timer, the windows and Bridge Control
 * (PCI_BCTL_WRITABLE) are RW; Secondary Status has RW1C error bits.
 *
 * Return: 0, or SIM_ERR_INVALID (as for type 0, or unknown @flags, or IO32
 * without IO, PREF64 without PREF).
 */
int pci_cfg_init_type1(struct pci_cfg *c, uint16_t vendor, uint16_t device,
		       uint32_t class_code, uint8_t revision, uint8_t interrupt_pin,
		       unsigned flags);

/**
 * pci_cfg_set_ops() - install the device model's callbacks.
 * @ops: static table (not copied; must outlive @c), or NULL for none.
 * @opaque: passed to every callback.
 */
void pci_cfg_set_ops(struct pci_cfg *c, const struct pci_cfg_ops *ops, void *opaque);

/**
 * pci_cfg_get_ops() - the callbacks installed with pci_cfg_set_ops().
 * @opaque_out: receives their opaque pointer; may be NULL.
 *
 * For a layer that wraps the device model's hooks with its own (the
 * machine builder keeps decoding in sync with BAR and Command writes) and
 * must call the model's first.
 * Return: the ops table, or NULL when none is installed.
 */
const struct pci_cfg_ops *pci_cfg_get_ops(const struct pci_cfg *c, void **opaque_out);

/**
 * pci_cfg_set_multifunction() - set or clear the multi-function bit (bit 7)
 * of Header Type (PCI 3.0 §6.2.1); read-only to the bus.
 */
void pci_cfg_set_multifunction(struct pci_cfg *c, bool multifunction);

/**
 * pci_cfg_read() - a configuration read from the bus.
 * @off: byte offset, 0..0xfff, naturally aligned to @len.
 * @len: 1, 2 or 4 bytes.
 * @out: receives the little-endian value. Offsets 0x100 and up read 0 on a
 *	function without a PCI Express capability, as does any unimplemented
 *	register.
 *
 * Return: 0, or SIM_ERR_INVALID (bad @len, misaligned, past 0xfff, NULL);
 * on error *@out is not written and no hook runs.
 */
int pci_cfg_read(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t *out);

/**
 * pci_cfg_write() - a configuration write from the bus.
 * @off, @len: as for pci_cfg_read().
 * @val: the value; bits above @len bytes are ignored.
 *
 * Each byte becomes (old & ~wmask) | (val & wmask), then the bits set in
 * both w1cmask and @val are cleared; capability fixups and the write hook
 * follow. A plain-PCI function ignores writes at 0x100 and up.
 *
 * Return: 0, or SIM_ERR_INVALID as for pci_cfg_read(); nothing changes and
 * no hook runs on error.
 */
int pci_cfg_write(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t val);

/**
 * pci_cfg_reset() - reset the function's configuration space: every byte
 * returns to its default (the value it had before the first
 * pci_cfg_write(), i.e. as the device model built it) except the bits
 * pci_cfg_set_keep() protects from @kind. Then the ops' @reset runs. BARs
 * read 0 again, Command is 0 (no decoding, no bus mastering), MSI and
 * MSI-X are disabled, PowerState is D0.
 * Return: 0, or SIM_ERR_INVALID (NULL @c, unknown @kind).
 */
int pci_cfg_reset(struct pci_cfg *c, enum pci_reset_kind kind);

/**
 * pci_cfg_set_keep() - protect @mask bits of the @len-byte register at @off
 * (1, 2 or 4, in range) from resets: from every reset when @all (sticky
 * bits, hardware state such as Link Status), else from FLR and the
 * D3hot -> D0 soft reset only (PCIe 4.0 §6.6.2's link-related fields).
 * Capability helpers call it for their registers; a model may add its own.
 * Return: 0 or SIM_ERR_INVALID.
 */
int pci_cfg_set_keep(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t mask, bool all);

/**
 * pci_cfg_set_u8() - device-side write of one byte, bypassing the masks
 * (read-only IDs, status bits, capability contents). No hook runs.
 * Return: 0, or SIM_ERR_INVALID when out of range.
 */
int pci_cfg_set_u8(struct pci_cfg *c, uint32_t off, uint8_t v);
/** pci_cfg_set_u16() - as pci_cfg_set_u8(); @off must be 2-byte aligned. */
int pci_cfg_set_u16(struct pci_cfg *c, uint32_t off, uint16_t v);
/** pci_cfg_set_u32() - as pci_cfg_set_u8(); @off must be 4-byte aligned. */
int pci_cfg_set_u32(struct pci_cfg *c, uint32_t off, uint32_t v);

/** pci_cfg_get_u8() - the byte at @off (< 0x1000), no hook, no range check. */
static inline uint8_t pci_cfg_get_u8(const struct pci_cfg *c, uint32_t off)
{
	return c->val[off];
}

/** pci_cfg_get_u16() - the little-endian 16 bits at @off, no hook. */
static inline uint16_t pci_cfg_get_u16(const struct pci_cfg *c, uint32_t off)
{
	return (uint16_t)(c->val[off] | (unsigned)c->val[off + 1] << 8);
}

/** pci_cfg_get_u32() - the little-endian 32 bits at @off, no hook. */
static inline uint32_t pci_cfg_get_u32(const struct pci_cfg *c, uint32_t off)
{
	return (uint32_t)c->val[off] | (uint32_t)c->val[off + 1] << 8 |
	       (uint32_t)c->val[off + 2] << 16 | (uint32_t)c->val[off + 3] << 24;
}

/**
 * pci_cfg_set_mask() - device-side change of the masks of @len bytes at
 * @off (1, 2 or 4 bytes, aligned) for registers the helpers do not build.
 * @wmask: bus-writable bits; @w1cmask: write-1-to-clear bits (must not
 *	overlap @wmask).
 * Return: 0, or SIM_ERR_INVALID.
 */
int pci_cfg_set_mask(struct pci_cfg *c, uint32_t off, uint32_t len, uint32_t wmask,
		     uint32_t w1cmask);

/**
 * pci_cfg_set_status_bits() - the function reports an event in Status, e.g.
 * PCI_STS_REC_MASTER_ABORT after its request got a master abort. Sets
 * @bits (read-only and RW1C ones alike); software clears the RW1C ones.
 */
void pci_cfg_set_status_bits(struct pci_cfg *c, uint16_t bits);

/**
 * pci_cfg_set_intx() - the function's internal interrupt condition, kept in
 * Status.Interrupt Status whatever Interrupt Disable says (PCI 3.0 §6.2.3).
 * Return: whether INTx# is asserted now (@pending and Command.Interrupt
 * Disable clear); the caller drives its pin accordingly.
 */
bool pci_cfg_set_intx(struct pci_cfg *c, bool pending);

/** pci_cfg_intx_asserted() - Interrupt Status set and Interrupt Disable clear. */
bool pci_cfg_intx_asserted(const struct pci_cfg *c);

/**
 * pci_cfg_add_bar() - declare a Base Address register (PCI 3.0 §6.2.5.1).
 * @index: 0..5 (type 0) or 0..1 (type 1); a 64-bit BAR also takes @index+1.
 * @kind: PCI_BAR_MEM32, PCI_BAR_MEM64 or PCI_BAR_IO.
 * @size_bytes: power of two; memory: 16 bytes .. 2 GiB (MEM32) or 2^63
 *	(MEM64); I/O: 4 .. 256 bytes (PCI 3.0 §6.2.5.1 caps an I/O BAR at 256).
 * @prefetchable: memory BARs only.
 *
 * The type bits are read-only, the address bits at and above log2(size)
 * RW, so writing all ones and reading back gives the size.
 *
 * Return: 0; SIM_ERR_INVALID for a bad index, kind, size or prefetchable
 * I/O; SIM_ERR_BUSY when a register is already declared.
 */
int pci_cfg_add_bar(struct pci_cfg *c, unsigned index, enum pci_bar_kind kind,
		    uint64_t size_bytes, bool prefetchable);

/**
 * pci_cfg_bar_address() - the base programmed into BAR @index.
 * @addr: receives the address with the type bits stripped (both halves of
 *	a 64-bit BAR).
 * Return: 0, or SIM_ERR_INVALID (no such BAR, or the upper half of one).
 */
int pci_cfg_bar_address(const struct pci_cfg *c, unsigned index, uint64_t *addr);

/** pci_cfg_bar_info() - kind, size, address and decode enable of BAR @index.
 * Return: 0, or SIM_ERR_INVALID as for pci_cfg_bar_address(). */
int pci_cfg_bar_info(const struct pci_cfg *c, unsigned index, struct pci_cfg_bar_info *out);

/**
 * pci_cfg_add_rom() - declare the Expansion ROM BAR (PCI 3.0 §6.2.5.2) at
 * 0x30 (type 0) or 0x38 (type 1).
 * @size_bytes: power of two, 2 KiB .. 16 MiB.
 * Return: 0, SIM_ERR_INVALID (bad size), SIM_ERR_BUSY (already declared).
 */
int pci_cfg_add_rom(struct pci_cfg *c, uint32_t size_bytes);

/**
 * pci_cfg_rom_info() - the ROM's programmed base and whether it decodes
 * (ROM Enable and Command.Memory Space both set, PCI 3.0 §6.2.5.2).
 * Any out pointer may be NULL.
 * Return: 0, or SIM_ERR_INVALID when no ROM was declared.
 */
int pci_cfg_rom_info(const struct pci_cfg *c, uint32_t *addr, uint32_t *size_bytes,
		     bool *decoding);

/**
 * pci_cfg_bridge_window() - a type 1 header's forwarding window, inclusive.
 * @base, @limit: receive the range (I/O: 4 KiB granular; memory: 1 MiB).
 * Return: 1 when the window is open (implemented and base <= limit), 0 when
 * closed or absent, SIM_ERR_INVALID for a type 0 header or a bad @w.
 */
int pci_cfg_bridge_window(const struct pci_cfg *c, enum pci_bridge_window w,
			  uint64_t *base, uint64_t *limit);

/** pci_cfg_touches() - whether access [@off, @off+@len) overlaps register
 * [@reg, @reg+@reg_len); for write hooks. */
static inline bool pci_cfg_touches(uint32_t off, uint32_t len, uint32_t reg, uint32_t reg_len)
{
	return off < reg + reg_len && reg < off + len;
}

#endif /* PCISIM_BUS_CONFIG_H */
