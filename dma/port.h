/*
 * dma/port.h - a function's bus-master port: everything a DMA engine needs
 * to know about the requester it runs in and the fabric above it, so that
 * dma/ stays below platform/ (which fills one from a built machine:
 * platform/dma.h).
 *
 * A port names the requester's configuration space (Command.Bus Master
 * Enable gates every request, PCI 3.0 §6.2.2; Status.Received Master Abort
 * and Received Target Abort record failed read completions, §6.2.3), the
 * memory space it masters into (a struct bus_decode, used through its TLM
 * face), the two directions of its link (shared with every other function
 * behind the same root port: that is how requesters contend), the link's
 * MPS, MRRS and RCB, the completer latency of what it reads, its requester
 * ID, its address width and an optional IOMMU stage (dma/iommu.h).
 *
 * Re-entrancy (the lesson of QEMU's CVE-2021-3750 and CVE-2023-0330): a
 * port may list the decoder regions of its own function (its BARs). A DMA
 * request that would land in one of them is never delivered: it completes
 * as an Unsupported Request (a read ends its transfer, a posted write is
 * dropped), is counted in @reentry_refused and reported. A device can thus
 * never be entered through its own registers by its own DMA, whatever the
 * guest programs.
 *
 * Not thread-safe. Include as "dma/port.h"; depends on bus/ and sim/ only.
 */
#ifndef PCISIM_DMA_PORT_H
#define PCISIM_DMA_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/decode.h"
#include "bus/link.h"
#include "sim/error.h"
#include "sim/time.h"

struct pci_cfg;
struct dma_iommu;

/** Maximum number of own regions a port lists for the re-entrancy guard. */
#define DMA_PORT_MAX_OWN_REGIONS 8u

/**
 * struct dma_port_ops - what the fabric around the requester knows better
 * than the engine; both optional, taking the port's @ops_opaque.
 * @latency: how long the completer of a read takes, from the request's
 *	arrival to its first completion leaving, given what the decoder said
 *	(@r: which region answered), in ps. NULL: the port's @mem_ps.
 * @completer_abort: a request completed Completer Abort (@r says where);
 *	the completer's side effects, e.g. its Status.Signaled Target Abort
 *	(PCI 3.0 §6.2.3). NULL: nothing.
 */
struct dma_port_ops {
	sim_time_t (*latency)(void *opaque, const struct bus_decode_result *r);
	void (*completer_abort)(void *opaque, const struct bus_decode_result *r);
};

/**
 * struct dma_port - one requester's view of the fabric. Fill it with
 * dma_port_init(), then set the optional fields.
 * @cfg: the requester's configuration space, or NULL (no Bus Master Enable
 *	gate, no Status bits: a bare engine in a unit test).
 * @mem: the memory space requests go to (bus addresses = host physical).
 * @up: device to root complex: MRd and MWr requests. Shared.
 * @down: root complex to device: completions. Shared.
 * @link: MPS, MRRS, RCB, ECRC and profile of the link (addr64 is ignored:
 *	each request carries a 4 DW header exactly when its address is at or
 *	above 4 GiB, PCIe Base 2.2.4.1).
 * @mem_ps: completer latency of a read when @ops has no latency; the time
 *	a posted write takes to land after its last TLP left (both ps).
 * @ops, @ops_opaque: optional hooks (struct dma_port_ops); @ops must
 *	outlive the port.
 * @requester_id: bus << 8 | device << 3 | function, carried in payloads.
 * @addr_bits: 32..64: the highest address the device can put on the bus
 *	is 2^@addr_bits - 1.
 * @iommu: optional translation of device addresses (NULL: identity).
 * @own_regions, @n_own: decoder region ids of the requester's own BARs
 *	(see the re-entrancy rule above).
 * @writes_dropped, @last_dropped_addr, @reads_failed, @reentry_refused:
 *	read-only counters: posted writes the fabric dropped (UR/CA) and the
 *	last one's address, reads completed with an error, requests refused
 *	by the re-entrancy guard.
 */
struct dma_port {
	struct pci_cfg *cfg;
	struct bus_decode *mem;
	struct bus_link_dir *up;
	struct bus_link_dir *down;
	struct bus_link_cfg link;
	sim_time_t mem_ps;
	const struct dma_port_ops *ops;
	void *ops_opaque;
	uint16_t requester_id;
	unsigned addr_bits;
	struct dma_iommu *iommu;
	uint32_t own_regions[DMA_PORT_MAX_OWN_REGIONS];
	unsigned n_own;
	/* read-only */
	uint64_t writes_dropped;
	uint64_t last_dropped_addr;
	uint64_t reads_failed;
	uint64_t reentry_refused;
};

/**
 * dma_port_init() - a port with no configuration space, 64 address bits,
 * no IOMMU, @mem_ps of 80 ns and requester id 0.
 * @p: the port (storage owned by the caller).
 * @mem: memory space; must outlive @p.
 * @up, @down: initialised link directions (bus_link_dir_init()); must
 *	outlive @p; may be the same object only in a test of nothing but
 *	writes.
 * @link: a valid link configuration (bus_link_cfg_check()); copied.
 * Return: SIM_OK, or SIM_ERR_INVALID (NULL argument, bad @link; @p is then
 * untouched).
 */
int dma_port_init(struct dma_port *p, struct bus_decode *mem, struct bus_link_dir *up,
		  struct bus_link_dir *down, const struct bus_link_cfg *link);

/**
 * dma_port_bus_master() - true when the requester may issue requests:
 * Command.Bus Master Enable is set, or the port has no configuration space.
 */
bool dma_port_bus_master(const struct dma_port *p);

/**
 * dma_port_add_own_region() - list decoder region @id as one of the
 * requester's own (re-entrancy guard).
 * Return: SIM_OK; SIM_ERR_INVALID for id 0; SIM_ERR_LIMIT when
 * DMA_PORT_MAX_OWN_REGIONS are listed.
 */
int dma_port_add_own_region(struct dma_port *p, uint32_t id);

/** dma_port_addr_limit() - the highest address the device can emit. */
static inline uint64_t dma_port_addr_limit(const struct dma_port *p)
{
	return p->addr_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << p->addr_bits) - 1;
}

#endif /* PCISIM_DMA_PORT_H */
