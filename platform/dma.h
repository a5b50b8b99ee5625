/*
 * platform/dma.h - the glue between a built machine (platform/machine.h)
 * and the DMA engine of dma/: fills the bus-master port (dma/port.h) of one
 * function, so a device model's engine masters into the machine's memory
 * space over the function's real link.
 *
 * The port gets: the function's configuration space (Bus Master Enable,
 * Received Master/Target Abort); the machine's memory decoder; the
 * directions of the link of the function's root-bus ancestor (shared by
 * every function behind that root port, and with platform/access.h's timed
 * accesses, so all of them contend); that link's generation and width with
 * the MPS and MRRS the enumeration programmed into the function; a
 * completer latency per target as platform/access.h defines it (host
 * memory: timing.ram_ps, a function's BAR: its completer latency, nothing:
 * timing.master_abort_ps), read at each request; a Completer Abort from a
 * function of the machine sets its Signaled Target Abort (PCI 3.0 §6.2.3,
 * as platform/access.h); timing.ram_ps as the
 * time a posted write takes to land (copied now); the requester ID; 64
 * address bits and no IOMMU (set them afterwards); the function's mapped
 * BARs as its own regions (the re-entrancy guard of dma/port.h).
 *
 * Include as "platform/dma.h".
 */
#ifndef PCISIM_PLATFORM_DMA_H
#define PCISIM_PLATFORM_DMA_H

#include "dma/port.h"

struct platform_machine;

/**
 * platform_dma_port() - fill @out for the function at @bus:@device.@function.
 * @m: the machine; must outlive the port.
 * @out: the port (overwritten).
 * Return: 0; SIM_ERR_INVALID for a NULL argument, no such function, or a
 * removed one.
 */
int platform_dma_port(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, struct dma_port *out);

#endif /* PCISIM_PLATFORM_DMA_H */
