/*
 * irq/route.h - INTx routing at the root: which interrupt controller input
 * each (root-bus device, root pin) pair drives. This is the role of an
 * ACPI _PRT (ACPI 6.x §6.2.13) or of the chipset's PIRQ routing: the
 * topology (bus/topo.h, bus_topo_root_pin()) folds every function's
 * Interrupt Pin through the bridges above it (Bridge 1.2 §9.1) onto a pin
 * of a device on bus 0, and this table maps that pair to an input of the
 * interrupt controller (irq/ctrl.h). Many functions therefore share one
 * input, as on real machines.
 *
 * A plain value type: no allocation, no kernel. Include as "irq/route.h";
 * depends on sim/error.h and libc.
 */
#ifndef PCISIM_IRQ_ROUTE_H
#define PCISIM_IRQ_ROUTE_H

#include <stdint.h>

#include "sim/error.h"

/** Devices on the root bus (PCI 3.0 §3.2.2.3.1). */
#define IRQ_ROUTE_DEVICES 32
/** INTx pins: INTA#..INTD# are pins 1..4 (PCI 3.0 §6.2.4). */
#define IRQ_ROUTE_PINS 4
/** An entry that routes nowhere (and what irq_route_lookup() reports). */
#define IRQ_ROUTE_NONE UINT32_MAX
/** First input of the default table: GSI 16, the first PCI input of an
 * x86 I/O APIC (0..15 are the legacy ISA interrupts). */
#define IRQ_ROUTE_DEFAULT_BASE 16u

/**
 * struct irq_route - the routing table.
 * @input: controller input for [root device][root pin - 1], or
 *	IRQ_ROUTE_NONE.
 */
struct irq_route {
	uint32_t input[IRQ_ROUTE_DEVICES][IRQ_ROUTE_PINS];
};

/**
 * irq_route_init_default() - the classic x86 table: device D's pin P
 * (1..4) drives input @base + (D + P - 1) mod 4, the same rotation the
 * bridges apply, so four slots spread over four inputs and every input is
 * shared by every fourth (device, pin).
 * @r: the table; must not be NULL.
 * @base: the first of the four inputs (IRQ_ROUTE_DEFAULT_BASE: 16..19).
 */
void irq_route_init_default(struct irq_route *r, uint32_t base);

/** irq_route_init_none() - a table where nothing is routed. */
void irq_route_init_none(struct irq_route *r);

/**
 * irq_route_set() - route root device @device's pin @pin to @input.
 * @pin: 1..4. @input: any input number, or IRQ_ROUTE_NONE to unroute.
 * Return: 0, or SIM_ERR_INVALID (NULL, @device > 31, @pin not 1..4).
 */
int irq_route_set(struct irq_route *r, unsigned device, unsigned pin, uint32_t input);

/**
 * irq_route_lookup() - the input root device @device's pin @pin drives.
 * Return: the input, or IRQ_ROUTE_NONE (unrouted, pin 0 = no INTx, or
 * numbers out of range; a NULL @r too).
 */
uint32_t irq_route_lookup(const struct irq_route *r, unsigned device, unsigned pin);

#endif /* PCISIM_IRQ_ROUTE_H */
