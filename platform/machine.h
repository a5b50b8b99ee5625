/*
 * platform/machine.h - the machine builder: from a small description
 * (struct platform_desc) it assembles host memory, a PCI topology with its
 * bridges and devices, and the memory address decoder the CPU side sees,
 * then enumerates the hierarchy as firmware would and maps every assigned
 * memory BAR with the region ops of the device model behind it. Tests,
 * examples, benchmarks and the command build their machines here, so they
 * all build the same thing; later layers (interrupts, DMA, the OS) extend
 * the description.
 *
 * Decoding follows the hardware state. The machine hooks the configuration
 * space of every function, bridges included, so a write from software (a
 * driver, a test) that changes a BAR, Command.Memory Space Enable or the
 * PM PowerState of a function, or the Command, a memory window or the
 * PowerState of a bridge, moves, enables or disables the decoder regions
 * concerned at once. The rule, checked after every configuration write to
 * the function or to any bridge above it, is:
 *
 *   a memory BAR with region ops decodes exactly while the function is
 *   present (not surprise-removed, itself or a bridge above it),
 *   Command.Memory Space is set (PCI 3.0 §6.2.2), PowerState is D0 (PCI
 *   PM 1.2 §5.3.1: memory decode is off in D3hot; D1/D2 count as off too),
 *   the BAR's address is non-zero, its low 32 address bits are not all
 *   ones (the sizing pattern: a BAR being sized is never an assignment),
 *   [address, address + size) lies inside the platform's mem32 or pref64
 *   window, and every bridge on the path from the root bus forwards it
 *   (Bridge 1.2 §4.1): the bridge's Command.Memory Space is set, its
 *   PowerState is D0, and the range lies wholly inside its memory window
 *   or its prefetchable window (pci_cfg_bridge_window(): open, base <=
 *   limit). A bridge compares addresses only, so either window forwards
 *   any memory BAR, prefetchable or not.
 *
 * I/O BARs follow the same rule in a second decoder, the I/O address
 * space (platform_io_decode()), with Command.I/O Space for Memory Space,
 * the platform's io window, and each bridge's Command.I/O Space and I/O
 * window (Bridge 1.2 §3.2.5.6). The Expansion ROM (pci_cfg_add_rom())
 * decodes in the memory space under the same rule, with ROM Enable and
 * Command.Memory Space both set (PCI 3.0 §6.2.5.2); the machine serves it
 * from the description's image (struct platform_device_desc). The
 * enumerator assigns the ROM an address and leaves ROM Enable clear.
 *
 * A region that stops decoding is disabled in the decoder, not left at a
 * stale address; when it decodes again it is first moved to the BAR's
 * current address. Where software makes two BARs overlap (a guest's
 * mistake: PCI leaves it undefined) the decoder resolves it by priority:
 * every BAR has its own, higher for functions listed earlier in the
 * description and for lower BAR indexes, so the earlier one decodes the
 * overlap and nothing is refused. Priorities, highest first: the ECAM
 * window, the BARs, RAM.
 *
 * Not in this version: Bridge Control (VGA Enable, ISA Enable) and
 * subtractive decode are not modelled; a bridge's own BARs are not mapped;
 * no simulation kernel is involved (everything here is
 * untimed and kernel-independent).
 *
 * Not thread-safe: one simulation thread owns a machine. Include as
 * "platform/machine.h"; depends on bus/ and sim/ headers and libc.
 */
#ifndef PCISIM_PLATFORM_MACHINE_H
#define PCISIM_PLATFORM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "bus/hostmem.h"
#include "bus/topo.h"
#include "sim/error.h"
#include "sim/time.h"

/** Base Address registers of a type 0 header (PCI 3.0 §6.2.5.1). */
#define PLATFORM_BARS 6
/** Decoder priority of host memory: the lowest, so any BAR over RAM wins. */
#define PLATFORM_PRIO_RAM 0
/** Decoder priority of the ECAM window: the highest, the root complex
 * claims configuration accesses before anything else. */
#define PLATFORM_PRIO_ECAM 0x40000000
/** Decoder priority of BAR 0 of the first function of the description;
 * the n-th BAR overall (function-major) gets PLATFORM_PRIO_BAR_TOP - n. */
#define PLATFORM_PRIO_BAR_TOP 0x20000000
/** Default completer latency of a device (struct platform_device_desc):
 * 100 ns from a read request's arrival to its completion leaving. */
#define PLATFORM_COMPLETER_PS_DEFAULT SIM_NS(100)

struct platform_machine; /* opaque; platform_machine_build() */

/**
 * struct platform_bar_ops - the registers a device model serves behind its
 * memory BARs: @ops[i] and @opaque[i] for BAR i (the lower register of a
 * 64-bit BAR). A NULL @ops[i] leaves BAR i unmapped (the model serves
 * nothing there: accesses master-abort). The tables must outlive the
 * machine; this struct itself is copied.
 */
struct platform_bar_ops {
	const struct bus_region_ops *ops[PLATFORM_BARS];
	void *opaque[PLATFORM_BARS];
};

/**
 * struct platform_bridge_desc - a PCI-to-PCI bridge the machine creates;
 * its Type 1 configuration space is built and owned by the machine.
 * @name: unique among bridges and devices; devices and bridges refer to it
 *	as their @parent. Copied; at most BUS_TOPO_NAME_MAX - 1 characters.
 * @parent: NULL for the root bus, else the name of a bridge listed before
 *	this one.
 * @device, @function: where it sits on its parent's secondary bus.
 * @vendor_id, @device_id: its IDs.
 * @flags: PCI_CFG_BRIDGE_* windows it implements (memory always).
 * @mps_supported_bytes: 0 for a plain PCI bridge; else it gets a PCI
 *	Express capability (a root port on the root bus, a downstream port
 *	below another bridge) with this Max_Payload_Size Supported.
 * @link_gen, @link_width: on the root bus, the PCIe link from the root
 *	complex to this port (platform/access.h): generation 1..5 and lanes
 *	1, 2, 4, 8 or 16; 0 takes bus_link_cfg_default()'s (Gen3, x8). Every
 *	function below the bridge uses this link. Ignored below a bridge.
 * @pm: give it a PCI Power Management capability (PM 1.2 §3.2; D0 and
 *	D3hot only, No_Soft_Reset set), so software can put it in D3hot,
 *	where it forwards no memory transaction to anything below it.
 */
struct platform_bridge_desc {
	const char *name;
	const char *parent;
	unsigned device, function;
	uint16_t vendor_id, device_id;
	unsigned flags;
	unsigned mps_supported_bytes;
	unsigned link_gen, link_width;
	bool pm;
};

/**
 * struct platform_device_desc - a device function to attach.
 * @name: unique among bridges and devices; copied; length as for bridges.
 * @parent: NULL for the root bus, else the name of a listed bridge.
 * @device, @function: where it sits.
 * @cfg: its configuration space, initialised with BARs and capabilities,
 *	owned by the device model; must outlive the machine. The machine
 *	takes over its hooks: it installs its own struct pci_cfg_ops and
 *	calls the ones the model installed with pci_cfg_set_ops() before the
 *	build first (so the model sees every access as before), then updates
 *	decoding. The model must not call pci_cfg_set_ops() again while the
 *	machine lives; platform_machine_destroy() puts its ops back.
 * @bars: the model's BAR registers; NULL when it serves none.
 * @link_gen, @link_width: as for a bridge, for a device on the root bus
 *	(its own link); ignored below a bridge (the root port's link is used).
 * @completer_ps: how long the device takes to answer a read once the
 *	request is in (platform/access.h); 0: PLATFORM_COMPLETER_PS_DEFAULT.
 * @rom_image, @rom_image_bytes: the contents of the Expansion ROM the
 *	model declared with pci_cfg_add_rom(), served by the machine
 *	(reads only; bytes past the image read 0xff, writes change nothing).
 *	Not copied: must outlive the machine. NULL and 0 for a ROM of all
 *	0xff (or none).
 */
struct platform_device_desc {
	const char *name;
	const char *parent;
	unsigned device, function;
	struct pci_cfg *cfg;
	const struct platform_bar_ops *bars;
	unsigned link_gen, link_width;
	sim_time_t completer_ps;
	const void *rom_image;
	size_t rom_image_bytes;
};

/**
 * struct platform_desc - a machine. Zero-initialise and fill in; read
 * during platform_machine_build() only (names and ops tables excepted, see
 * above).
 * @ram, @n_ram: RAM ranges of host memory (struct bus_mem_range rules:
 *	4 KiB aligned, not overlapping), e.g. [0, 3 GiB) and [4 GiB, 6 GiB).
 * @max_backed_bytes: cap on RAM backed at once; 0: the whole RAM.
 * @mem32, @pref64, @io: the enumerator's windows (struct bus_topo_platform).
 *	They must not overlap RAM or the ECAM window.
 * @ecam_base: bus address of the 256 MiB ECAM window (buses 0..255),
 *	aligned to 256 MiB (PCIe 4.0 §7.2.2).
 * @mps_cap_bytes, @mrrs_bytes: as struct bus_topo_platform.
 * @bridges, @n_bridges: bridges, parents before children.
 * @devices, @n_devices: endpoint functions.
 *
 * The enumeration enables Memory Space and I/O Space; Bus Master is left
 * to the driver, as Linux does (pci_set_master()).
 */
struct platform_desc {
	const struct bus_mem_range *ram;
	size_t n_ram;
	uint64_t max_backed_bytes;
	struct bus_topo_window mem32;
	struct bus_topo_window pref64;
	struct bus_topo_window io;
	uint64_t ecam_base;
	unsigned mps_cap_bytes;
	unsigned mrrs_bytes;
	const struct platform_bridge_desc *bridges;
	size_t n_bridges;
	const struct platform_device_desc *devices;
	size_t n_devices;
};

/**
 * platform_machine_build() - build the machine @desc describes: host memory
 * (its RAM ranges mapped in the decoder as TLM target regions), the ECAM
 * window (a register region: 1, 2 or 4 byte accesses, naturally aligned,
 * routed by bus_topo_ecam_read()/_write()), the topology with the bridges
 * and devices, the enumeration, and every assigned BAR that has
 * region ops, and every ROM, mapped per the rule of this file's opening comment.
 * @out: receives the machine; release it with platform_machine_destroy().
 * @desc: the description.
 *
 * Return: 0; SIM_ERR_INVALID (NULL argument, no RAM, a misaligned ECAM
 * base, a NULL @cfg, a bridge or device with a duplicate or empty name, an
 * unknown parent, a bad bridge flag, overlapping RAM/ECAM/windows);
 * SIM_ERR_BUSY (a slot taken twice);
 * SIM_ERR_LIMIT (enumeration ran out of a window); SIM_ERR_NOMEM; SIM_ERR_IO
 * (host memory could not be reserved); SIM_ERR_INVALID too for a link
 * generation or width out of range. On error *@out is NULL, every
 * device's ops are as they were and the reason is in
 * platform_build_error().
 */
int platform_machine_build(struct platform_machine **out, const struct platform_desc *desc);

/** platform_build_error() - why the last failed platform_machine_build()
 * of this thread failed; "" when none failed. Static storage of the
 * thread. */
const char *platform_build_error(void);

/**
 * platform_machine_destroy() - unmap everything, give every device its own
 * configuration ops back, free the bridges' configuration spaces, the
 * topology, the decoder and host memory. Device models (their pci_cfg and
 * region opaques) are the caller's and stay. NULL is ignored.
 */
void platform_machine_destroy(struct platform_machine *m);

/** platform_decode() - the memory address space (bus addresses): what a
 * CPU model or a test reads and writes. Owned by @m. */
struct bus_decode *platform_decode(struct platform_machine *m);

/** platform_io_decode() - the I/O address space (32-bit port addresses;
 * the platform's io window): I/O BARs as mapped by the rule above. Owned
 * by @m. Timed accesses: platform_io_read()/_write() (platform/access.h). */
struct bus_decode *platform_io_decode(struct platform_machine *m);

/** platform_mem() - host memory. Owned by @m. */
struct bus_mem *platform_mem(struct platform_machine *m);

/** platform_topo() - the topology. Owned by @m. Removal is recorded in
 * the topology (bus_topo_remove_function()), so configuration accesses
 * made straight through it (bus_topo_cfg_read()) see a surprise-removed
 * function as the ECAM window does: all ones, writes dropped. Writes made
 * through it reach the machine's hooks as any other. */
struct bus_topo *platform_topo(struct platform_machine *m);

/**
 * platform_fn_result() - what the enumeration assigned to the function at
 * @bus:@device.@function (struct bus_topo_result: BARs, bus numbers,
 * windows). Owned by the topology; a removed function keeps its result.
 * Return: the result, or NULL when no function answers there.
 */
const struct bus_topo_result *platform_fn_result(struct platform_machine *m, unsigned bus,
						 unsigned device, unsigned function);

/**
 * platform_cfg_read() - a configuration read as the ECAM window performs
 * it: routed by the topology, all ones from an absent or removed function.
 * @off, @len, @out: as bus_topo_cfg_read().
 * Return: 0, or SIM_ERR_INVALID for a malformed request.
 */
int platform_cfg_read(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, uint32_t off, uint32_t len, uint32_t *out);

/** platform_cfg_write() - as platform_cfg_read(), for a write; a write to
 * an absent or removed function vanishes. */
int platform_cfg_write(struct platform_machine *m, unsigned bus, unsigned device,
		       unsigned function, uint32_t off, uint32_t len, uint32_t val);

/**
 * platform_remove_function() - surprise removal (PCIe 4.0 §6.7.3) of the
 * function at @bus:@device.@function and, when it is a bridge, of
 * everything below it: its decoder regions are unmapped (memory reads
 * master-abort to all ones, writes vanish) and its configuration space, as
 * seen through the ECAM window and platform_cfg_read(), reads all ones.
 * The removal is made in the topology (bus_topo_remove_function()), so
 * every configuration path sees it: the ECAM window, platform_cfg_read()
 * and bus_topo_cfg_read() on platform_topo(). The function's pci_cfg is
 * untouched and the enumeration result stays (platform_removed_count(),
 * platform_fn_present()).
 * Return: 0; SIM_ERR_INVALID when no function answers there or it was
 * removed already.
 */
int platform_remove_function(struct platform_machine *m, unsigned bus, unsigned device,
			     unsigned function);

/**
 * platform_remove_slot() - surprise removal of every present function of
 * @bus:@device (a card pulled from its slot), as platform_remove_function()
 * (bus_topo_remove_slot()).
 * Return: 0; SIM_ERR_INVALID when no present function answers there.
 */
int platform_remove_slot(struct platform_machine *m, unsigned bus, unsigned device);

/**
 * typedef platform_removed_fn - told of each function (bridges excepted)
 * that platform_remove_function() or platform_remove_slot() removed, once,
 * after its regions are unmapped: what a hot-plug controller's presence
 * detect tells the OS (platform/hostos.c turns it into a surprise
 * removal).
 */
typedef void (*platform_removed_fn)(void *opaque, unsigned bus, unsigned device,
				    unsigned function);

/** platform_set_remove_listener() - install @fn (NULL removes it); one
 * listener per machine. Return: 0, SIM_ERR_INVALID (NULL @m). */
int platform_set_remove_listener(struct platform_machine *m, platform_removed_fn fn,
				 void *opaque);

/** platform_fn_present() - a function answers at @bus:@device.@function
 * and has not been removed (itself or a bridge above it). */
bool platform_fn_present(struct platform_machine *m, unsigned bus, unsigned device,
			 unsigned function);

/** platform_removed_count() - functions removed so far (those below a
 * removed bridge included). */
unsigned platform_removed_count(const struct platform_machine *m);

/**
 * platform_sync_failures() - decoder updates that failed (out of memory
 * while mapping a region) since the build; the function's region stays
 * as it was. 0 in a healthy run; platform_last_error() says which.
 */
unsigned platform_sync_failures(const struct platform_machine *m);

/** platform_last_error() - the last failed decoder update, "" if none. */
const char *platform_last_error(const struct platform_machine *m);

#endif /* PCISIM_PLATFORM_MACHINE_H */
