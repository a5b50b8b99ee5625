/*
 * bus/topo.h - the PCI / PCI Express topology of one root complex: a host
 * bridge with bus 0, up to 32 devices of up to 8 functions on each bus,
 * PCI-to-PCI bridges (type 1 headers) whose secondary side is a child bus,
 * configuration access routed as hardware routes Type 0 / Type 1
 * configuration cycles, ECAM address decoding, the swizzled root interrupt
 * pin of every function, and an enumerator that does what firmware and the
 * OS do (bus numbering, BAR sizing and assignment, bridge windows, Max
 * Payload Size and Max Read Request Size, Command enables).
 *
 * A function is a struct pci_cfg (bus/config.h) owned by its device model;
 * the topology only points at it, and the caller keeps it alive until
 * bus_topo_destroy(). Every access the topology or the enumerator makes to
 * a function goes through pci_cfg_read() / pci_cfg_write(), so the device
 * model's hooks see it as they would see the bus.
 *
 * Specifications cited: PCI Local Bus 3.0 (PCI 3.0), PCI-to-PCI Bridge
 * Architecture 1.2 (Bridge 1.2), PCI Express Base 4.0 (PCIe 4.0).
 *
 * Include as "bus/topo.h". Depends on bus/config.h, bus/caps.h, sim/error.h.
 */
#ifndef PCISIM_BUS_TOPO_H
#define PCISIM_BUS_TOPO_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/config.h"

/** Longest function name kept, terminating NUL included (longer is cut). */
#define BUS_TOPO_NAME_MAX 32
/** Devices per bus (PCI 3.0 §3.2.2.3.1: AD[15:11] of a Type 1 cycle). */
#define BUS_TOPO_DEVICES 32
/** Functions per device (PCI 3.0 §6.2.1). */
#define BUS_TOPO_FUNCTIONS 8
/** Size of the ECAM region of buses 0..255 (PCIe 4.0 §7.2.2): 256 MiB. */
#define BUS_TOPO_ECAM_SIZE (UINT64_C(1) << 28)

struct bus_topo;     /* the root complex; opaque */
struct bus_topo_bus; /* one bus; opaque */
struct bus_topo_fn;  /* one attached function; opaque */

/** struct bus_topo_window - an address range of the platform, [base, base + size). */
struct bus_topo_window {
	uint64_t base;
	uint64_t size_bytes; /**< 0: the platform has no such window */
};

/**
 * struct bus_topo_platform - what the platform (firmware, ACPI _CRS of the
 * host bridge) gives the enumerator.
 * @mem32: non-prefetchable memory window; must end at or below 4 GiB, since
 *	a bridge's Memory Base/Limit window is 32-bit (Bridge 1.2 §3.2.5.8).
 * @pref64: prefetchable memory window for 64-bit prefetchable BARs; may lie
 *	above 4 GiB. A 64-bit prefetchable BAR falls back to @mem32 when this
 *	window is empty or a bridge on its path cannot forward it (no
 *	prefetchable window, or a 32-bit one while @pref64 ends above 4 GiB).
 *	32-bit prefetchable BARs always go to @mem32 (allowed: PCI 3.0
 *	§6.2.5.1 lets a prefetchable BAR be mapped non-prefetchable).
 * @io: I/O window; must end at or below 4 GiB (64 KiB for bridges with
 *	16-bit I/O decode only).
 * @mps_cap_bytes: largest Max Payload Size the root complex accepts,
 *	128..4096, power of two.
 * @mrrs_bytes: Max Read Request Size for every PCI Express function,
 *	128..4096, power of two.
 * @enable_memory: set Command.Memory Space on functions with a memory BAR
 *	and on every bridge.
 * @enable_io: set Command.I/O Space on functions with an I/O BAR and on
 *	every bridge.
 * @enable_master: set Command.Bus Master on every function.
 */
struct bus_topo_platform {
	struct bus_topo_window mem32;
	struct bus_topo_window pref64;
	struct bus_topo_window io;
	unsigned mps_cap_bytes;
	unsigned mrrs_bytes;
	bool enable_memory;
	bool enable_io;
	bool enable_master;
};

/** The @bar index of an Expansion ROM resource (PCI 3.0 §6.2.5.2). */
#define BUS_TOPO_ROM_BAR 6u
/** Resources per function: six BARs and the Expansion ROM. */
#define BUS_TOPO_MAX_RES 7u

/** struct bus_topo_resource - one BAR as the enumerator assigned it. */
struct bus_topo_resource {
	unsigned bar;           /**< BAR index 0..5 (lower register of a 64-bit
				 *   BAR), or BUS_TOPO_ROM_BAR */
	enum pci_bar_kind kind; /**< as sized: MEM32, MEM64 or IO */
	uint64_t base;          /**< naturally aligned to @size_bytes */
	uint64_t size_bytes;
	bool prefetchable;      /**< the BAR's Prefetchable bit */
	enum pci_bridge_window window; /**< the platform window it was taken from */
};

/** struct bus_topo_bridge_range - one bridge window, inclusive. */
struct bus_topo_bridge_range {
	bool open;      /**< false: programmed closed (base > limit) */
	uint64_t base;  /**< valid when @open */
	uint64_t limit; /**< valid when @open */
};

/**
 * struct bus_topo_result - what the enumerator found and programmed for one
 * function (bus_topo_fn_result()). Valid after a successful
 * bus_topo_enumerate(); @found false for a function the scan did not reach
 * (e.g. function 1..7 of a device without function 0).
 * @bus, @device, @function: the address the function answered at.
 * @res, @n_res: assigned BARs in BAR order, then the Expansion ROM (if any)
 *	as @bar BUS_TOPO_ROM_BAR, kind PCI_BAR_MEM32.
 * @primary, @secondary, @subordinate: bus numbers of a bridge.
 * @windows: a bridge's windows, indexed by enum pci_bridge_window.
 * @root_pin: swizzled INTx pin at the root bus (1..4), 0 when the function
 *	has no Interrupt Pin; @root_device: the root-bus device it enters on.
 * @mps_bytes, @mrrs_bytes: programmed Max Payload / Read Request Size; 0
 *	for a function without a PCI Express capability.
 */
struct bus_topo_result {
	bool found;
	unsigned bus, device, function;
	const char *name;
	struct bus_topo_resource res[BUS_TOPO_MAX_RES];
	unsigned n_res;
	bool is_bridge;
	unsigned primary, secondary, subordinate;
	struct bus_topo_bridge_range windows[3];
	unsigned root_pin;
	unsigned root_device;
	unsigned mps_bytes;
	unsigned mrrs_bytes;
};

/**
 * bus_topo_create() - a root complex with an empty bus 0.
 * @out: receives the topology; free it with bus_topo_destroy().
 * Return: 0, SIM_ERR_INVALID (NULL @out), SIM_ERR_NOMEM.
 */
int bus_topo_create(struct bus_topo **out);

/** bus_topo_destroy() - free @t and its buses (not the pci_cfg of the
 * functions, which belong to their models). NULL is ignored. */
void bus_topo_destroy(struct bus_topo *t);

/** bus_topo_root_bus() - bus 0, below the host bridge. */
struct bus_topo_bus *bus_topo_root_bus(struct bus_topo *t);

/**
 * bus_topo_attach() - plug function @function of device @device on @bus.
 * @cfg: the function's configuration space, initialised (type 0 or type
 *	1); owned by the caller, must outlive @t. A type 1 header
 *	(pci_cfg_init_type1()) gets a new child bus: bus_topo_secondary().
 * @name: label used in results and error messages (copied, cut to
 *	BUS_TOPO_NAME_MAX - 1 characters); NULL means "".
 * @out: receives the function handle (owned by @t); may be NULL.
 *
 * The topology owns the multi-function bit of Header Type (PCI 3.0
 * §6.2.1): function 0 gets it whenever any of functions 1..7 of the device
 * is attached, and loses it otherwise. Functions cannot be detached.
 *
 * Return: 0; SIM_ERR_INVALID (NULL @t, @bus or @cfg, @device > 31,
 * @function > 7); SIM_ERR_BUSY (slot taken); SIM_ERR_NOMEM.
 */
int bus_topo_attach(struct bus_topo *t, struct bus_topo_bus *bus, unsigned device,
		    unsigned function, struct pci_cfg *cfg, const char *name,
		    struct bus_topo_fn **out);

/** bus_topo_secondary() - the bus on the secondary side of bridge @fn, or
 * NULL when @fn is not a type 1 function. */
struct bus_topo_bus *bus_topo_secondary(const struct bus_topo_fn *fn);

/** bus_topo_fn_cfg() - the configuration space @fn was attached with. */
struct pci_cfg *bus_topo_fn_cfg(const struct bus_topo_fn *fn);

/** bus_topo_fn_name() - the name @fn was attached with. */
const char *bus_topo_fn_name(const struct bus_topo_fn *fn);

/**
 * bus_topo_lookup() - the function that a configuration cycle to
 * @bus:@device.@function reaches now, routed as bus_topo_cfg_read() routes
 * by bus numbers; a removed function is still returned (it is not present:
 * bus_topo_fn_present()).
 * Return: the function, or NULL (absent, unreachable, bad numbers).
 */
struct bus_topo_fn *bus_topo_lookup(const struct bus_topo *t, unsigned bus, unsigned device,
				    unsigned function);

/**
 * bus_topo_remove_function() - surprise removal (PCIe 4.0 §6.7.3) of the
 * function bus_topo_lookup() finds at @bus:@device.@function: from now on
 * it answers no configuration cycle (bus_topo_cfg_read() and
 * bus_topo_ecam_read() return all ones, writes are dropped, as for an
 * empty slot), and when it is a bridge neither does anything below it.
 * Its struct bus_topo_fn, its pci_cfg (untouched) and its enumeration
 * result stay; bus_topo_lookup() still finds it (bus_topo_fn_present()
 * tells). Removal is final: there is no re-insertion. The next
 * bus_topo_enumerate() does not find it.
 * Return: 0; SIM_ERR_INVALID (NULL @t, no function there, or it is gone
 * already).
 */
int bus_topo_remove_function(struct bus_topo *t, unsigned bus, unsigned device,
			     unsigned function);

/**
 * bus_topo_remove_slot() - bus_topo_remove_function() of every present
 * function of @bus:@device (a card pulled from its slot).
 * Return: 0; SIM_ERR_INVALID when no present function answers there.
 */
int bus_topo_remove_slot(struct bus_topo *t, unsigned bus, unsigned device);

/** bus_topo_fn_present() - @fn has not been removed, nor has any bridge
 * above it. NULL is not present. */
bool bus_topo_fn_present(const struct bus_topo_fn *fn);

/**
 * bus_topo_cfg_read() - a configuration read issued by the host bridge.
 * @bus: 0..255; @device: 0..31; @function: 0..7.
 * @off: register offset 0..0xfff, naturally aligned to @len (1, 2 or 4).
 * @out: receives the value.
 *
 * Routing (Bridge 1.2 §3.1.2.1, PCI 3.0 §3.2.2.3): bus 0 is the root bus;
 * any other number is forwarded, from the root bus down, only by a bridge
 * whose Secondary..Subordinate range contains it (the first such bridge in
 * device/function order), and turned into a Type 0 cycle on the bus whose
 * number equals that bridge's Secondary Bus Number. Before bus numbers are
 * programmed only bus 0 is reachable. A removed function (and everything
 * below a removed bridge) claims nothing. A cycle nobody claims is a master
 * abort: the read returns all ones (PCI 3.0 §6.1: Vendor ID 0xFFFF).
 *
 * Return: 0 (also on master abort), or SIM_ERR_INVALID for a malformed
 * request (numbers out of range, bad @len, misaligned, NULL); *@out is not
 * written then.
 */
int bus_topo_cfg_read(struct bus_topo *t, unsigned bus, unsigned device, unsigned function,
		      uint32_t off, uint32_t len, uint32_t *out);

/**
 * bus_topo_cfg_write() - a configuration write, routed as
 * bus_topo_cfg_read(); a write nobody claims is dropped.
 * Return: 0 (also when dropped), or SIM_ERR_INVALID as for the read.
 */
int bus_topo_cfg_write(struct bus_topo *t, unsigned bus, unsigned device, unsigned function,
		       uint32_t off, uint32_t len, uint32_t val);

/**
 * bus_topo_ecam_read() - a read at byte @ecam_offset of the ECAM region
 * (PCIe 4.0 §7.2.2: bus << 20 | device << 15 | function << 12 | register),
 * routed as bus_topo_cfg_read().
 * Return: 0, or SIM_ERR_INVALID (@ecam_offset at or past
 * BUS_TOPO_ECAM_SIZE, bad @len, misaligned).
 */
int bus_topo_ecam_read(struct bus_topo *t, uint64_t ecam_offset, uint32_t len, uint32_t *out);

/** bus_topo_ecam_write() - as bus_topo_ecam_read(), for a write. */
int bus_topo_ecam_write(struct bus_topo *t, uint64_t ecam_offset, uint32_t len, uint32_t val);

/**
 * bus_topo_root_pin() - the INTx pin function @fn's Interrupt Pin appears
 * on at the root bus: at each bridge the pin of device D on the secondary
 * side becomes ((D + pin - 1) mod 4) + 1 on the primary side (Bridge 1.2
 * §9.1), repeated up to bus 0. Structural: does not need enumeration.
 * @root_device: receives the device number on bus 0 the interrupt enters
 *	through (the bridge, or @fn itself on bus 0); may be NULL.
 * Return: 1..4 (INTA#..INTD#), or 0 when @fn has no Interrupt Pin.
 */
unsigned bus_topo_root_pin(const struct bus_topo_fn *fn, unsigned *root_device);

/**
 * bus_topo_enumerate() - configure the hierarchy as firmware would.
 * @plat: windows and settings; see struct bus_topo_platform.
 *
 * Steps, all through configuration cycles:
 * 1. Scan depth-first from bus 0, devices 0..31, function 0 then, when its
 *    Header Type says multi-function, functions 1..7 (PCI 3.0 §6.2.1). The
 *    bridges of a bus first get bus numbers 0 (so stale numbers cannot
 *    claim cycles), then in order Primary = this bus, Secondary = next free
 *    number, Subordinate = 0xff while the secondary side is scanned, then
 *    the highest number found below (Bridge 1.2 §3.2.5.3-5).
 * 2. Size every BAR the Linux way: Command decode off, save, write all
 *    ones, read back, restore (both halves of a 64-bit BAR).
 * 3. Lay out every bus bottom-up: its BARs and its child bridges' windows
 *    sorted by alignment (largest first, then scan order), packed at their
 *    natural alignment; a bridge window is rounded to 1 MiB (memory) or
 *    4 KiB (I/O) (Bridge 1.2 §3.2.5.6-9), so it covers exactly its
 *    children rounded to that granularity. Then place it top-down in the
 *    platform windows.
 * 4. Program BARs, bridge windows (unused ones closed, base > limit), Max
 *    Payload Size = the smallest Max_Payload_Size Supported of the
 *    PCI Express functions from the root to the function itself, capped
 *    by @plat->mps_cap_bytes (PCIe 4.0 §7.5.3.4), Max Read Request Size =
 *    @plat->mrrs_bytes, and the Command enables asked for.
 * Expansion ROMs are sized like Linux does (write the address mask with
 * ROM Enable clear, read, restore), placed in the non-prefetchable memory
 * window at their natural alignment and programmed with ROM Enable left
 * clear: software sets it while it reads the ROM (PCI 3.0 §6.2.5.2).
 * Results: bus_topo_fn_result().
 *
 * The same topology and @plat give the same assignment every time.
 *
 * On failure nothing stays half-programmed: bridges get back the bus
 * numbers they had before the call, and BARs, windows, Device Control and
 * Command are only written once the whole layout fits, so every
 * configuration space is as it was. All results are cleared. The reason,
 * naming the function as bus:device.function and its name, is in
 * bus_topo_last_error(); when several BARs fall outside a window, the
 * lowest-addressed of them is named (the one that crossed the end).
 *
 * Return: 0; SIM_ERR_INVALID (NULL, a bad @plat); SIM_ERR_LIMIT (a BAR
 * does not fit its window, an I/O BAR behind a bridge without an I/O
 * window, more than 255 buses); SIM_ERR_NOMEM.
 */
int bus_topo_enumerate(struct bus_topo *t, const struct bus_topo_platform *plat);

/** bus_topo_last_error() - message of the last failed bus_topo_enumerate(),
 * "" when the last one succeeded or none ran. Valid until the next call. */
const char *bus_topo_last_error(const struct bus_topo *t);

/** bus_topo_fn_result() - what the last enumeration did to @fn: all zero
 * before one and after a failed one. Owned by the topology. */
const struct bus_topo_result *bus_topo_fn_result(const struct bus_topo_fn *fn);

/** bus_topo_fn_count() - functions found by the last enumeration (0 after
 * a failed one); bus_topo_fn_at() gives them in scan order. */
unsigned bus_topo_fn_count(const struct bus_topo *t);

/** bus_topo_fn_at() - the @index-th function found (scan order), or NULL. */
struct bus_topo_fn *bus_topo_fn_at(const struct bus_topo *t, unsigned index);

#endif /* PCISIM_BUS_TOPO_H */
