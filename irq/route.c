/*
 * irq/route.c - the INTx routing table (irq/route.h).
 */
#include "irq/route.h"

#include <stddef.h>

void irq_route_init_default(struct irq_route *r, uint32_t base)
{
	for (unsigned d = 0; d < IRQ_ROUTE_DEVICES; d++)
		for (unsigned p = 1; p <= IRQ_ROUTE_PINS; p++)
			r->input[d][p - 1] = base + (d + p - 1) % IRQ_ROUTE_PINS;
}

void irq_route_init_none(struct irq_route *r)
{
	for (unsigned d = 0; d < IRQ_ROUTE_DEVICES; d++)
		for (unsigned p = 0; p < IRQ_ROUTE_PINS; p++)
			r->input[d][p] = IRQ_ROUTE_NONE;
}

int irq_route_set(struct irq_route *r, unsigned device, unsigned pin, uint32_t input)
{
	if (!r || device >= IRQ_ROUTE_DEVICES || pin < 1 || pin > IRQ_ROUTE_PINS)
		return SIM_ERR_INVALID;
	r->input[device][pin - 1] = input;
	return SIM_OK;
}

uint32_t irq_route_lookup(const struct irq_route *r, unsigned device, unsigned pin)
{
	if (!r || device >= IRQ_ROUTE_DEVICES || pin < 1 || pin > IRQ_ROUTE_PINS)
		return IRQ_ROUTE_NONE;
	return r->input[device][pin - 1];
}
