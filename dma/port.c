/*
 * dma/port.c - the bus-master port (dma/port.h): defaults, the Bus Master
 * Enable gate, the requester's own regions.
 */
#include "dma/port.h"

#include <string.h>

#include "bus/config.h"

int dma_port_init(struct dma_port *p, struct bus_decode *mem, struct bus_link_dir *up,
		  struct bus_link_dir *down, const struct bus_link_cfg *link)
{
	if (!p || !mem || !up || !down || !link || bus_link_cfg_check(link) != SIM_OK)
		return SIM_ERR_INVALID;
	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->up = up;
	p->down = down;
	p->link = *link;
	p->mem_ps = SIM_NS(80);
	p->addr_bits = 64;
	return SIM_OK;
}

bool dma_port_bus_master(const struct dma_port *p)
{
	return !p->cfg || (pci_cfg_get_u16(p->cfg, PCI_CFG_COMMAND) & PCI_CMD_MASTER) != 0;
}

int dma_port_add_own_region(struct dma_port *p, uint32_t id)
{
	if (!p || id == 0)
		return SIM_ERR_INVALID;
	if (p->n_own >= DMA_PORT_MAX_OWN_REGIONS)
		return SIM_ERR_LIMIT;
	p->own_regions[p->n_own++] = id;
	return SIM_OK;
}
