/*
 * platform/machine-internal.h - the machine's private state, shared by
 * platform/machine.c (building, decode sync, removal) and
 * platform/access.c (timed accesses, DMA). Not installed; nothing outside
 * platform/ includes it.
 */
#ifndef PCISIM_PLATFORM_MACHINE_INTERNAL_H
#define PCISIM_PLATFORM_MACHINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/access.h"
#include "platform/machine.h"
#include "sim/tlm.h"

/*
 * One RAM range as a TLM target. The decoder hands a TLM target region the
 * offset within the region, while host memory wants physical addresses, so
 * this adds the range's base back on the way down and restores it on the
 * way up. No DMI: the decoder does not offer it anyway.
 */
struct platform_ram_window {
	struct tlm_target target;
	struct bus_mem *mem;
	uint64_t base;
	uint32_t region;                  /* its decoder id */
};

/* Decodable things per function: the six BARs, then the Expansion ROM. */
#define PLATFORM_ROM_SLOT PLATFORM_BARS
#define PLATFORM_SLOTS (PLATFORM_BARS + 1)

/* One bridge or device function of the machine. */
struct platform_fn {
	struct platform_machine *m;
	char name[BUS_TOPO_NAME_MAX];
	struct bus_topo_fn *tfn;
	struct pci_cfg *cfg;
	struct pci_cfg *own_cfg;          /* bridges: the machine's Type 1 space */
	struct platform_fn *parent;       /* NULL on the root bus */
	bool is_bridge;
	bool sbr_held;                    /* a bridge's Secondary Bus Reset, last seen */
	bool hooked;                      /* our ops installed; dev_* to give back
	                                   * (a bridge's dev_ops are NULL) */
	const struct pci_cfg_ops *dev_ops;
	void *dev_opaque;
	unsigned index;                   /* device order: the BAR priority rank */
	struct platform_bar_ops bars;
	uint32_t region[PLATFORM_SLOTS];  /* decoder id, 0 when never mapped */
	bool io_space[PLATFORM_SLOTS];    /* region[i] is in the I/O decoder */
	bool enabled[PLATFORM_SLOTS];
	uint64_t base[PLATFORM_SLOTS];    /* where region[i] sits now */
	bool removal_told;                /* the remove listener heard of it */
	const uint8_t *rom_image;         /* the description's; not owned */
	size_t rom_bytes;
	/* timing (platform/access.c) */
	unsigned link_gen, link_width;    /* from the description; 0: default */
	sim_time_t completer_ps;          /* its answer to a read, once the request is in */
	struct platform_fn *port;         /* its root-bus ancestor (itself on the root bus) */
	bool has_link;                    /* on the root bus: owns @link */
	struct platform_link link;
};

struct platform_machine {
	struct bus_mem mem;
	bool mem_ok;
	struct bus_decode decode;
	bool decode_ok;
	struct bus_decode io_decode;      /* the I/O address space */
	bool io_decode_ok;
	struct bus_topo *topo;
	struct platform_ram_window *ram;
	size_t n_ram;
	size_t n_ram_targets;             /* adapters initialised */
	struct platform_fn *fns;          /* bridges first, then devices */
	size_t n_fns;
	uint64_t ecam_base;
	struct bus_topo_window mem32, pref64, io_win;
	unsigned removed;
	unsigned sync_failures;
	char error[160];
	/* timing and DMA (platform/access.c) */
	struct platform_timing timing;
	struct platform_dma_stats dma;
	/* platform_set_remove_listener() */
	platform_removed_fn on_removed;
	void *on_removed_opaque;
};

/* The function whose BAR or ROM is memory decoder region @id, or NULL
 * (RAM, ECAM, nothing, a region mapped by someone else). */
struct platform_fn *platform_region_owner(struct platform_machine *m, uint32_t id);

/* What completer @cpl (NULL: none, the root complex's business) records
 * about the request it answered (@r): a Completer Abort or Unsupported
 * Request it signalled, a poisoned write it received (Status, Device
 * Status, AER). */
void platform_completer_logs(struct platform_fn *cpl, bool write,
			     const struct bus_decode_result *r);

/* Set up the link of every root-bus function and the timing defaults;
 * after a successful enumeration. Return: 0 or SIM_ERR_INVALID (a bad
 * link configuration; the build error says which). */
int platform_links_init(struct platform_machine *m);

/* Removed itself or below a removed bridge. */
bool platform_fn_gone(const struct platform_fn *f);

/* The function at @bus:@device.@function, or NULL. */
struct platform_fn *platform_fn_at(struct platform_machine *m, unsigned bus, unsigned device,
				   unsigned function);

/* Record why the build failed (platform_build_error()). */
void platform_set_build_error(const char *fmt, ...);

#endif /* PCISIM_PLATFORM_MACHINE_INTERNAL_H */
