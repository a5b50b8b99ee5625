/*
 * platform/irq.h - interrupts for a built machine (platform/machine.h):
 * an interrupt controller (irq/ctrl.h) on a simulation kernel with its MSI
 * window mapped into the machine's decoder, and the interrupt logic of
 * every device function (irq/fn.h), wired to its link toward the root
 * (the root port's upstream direction, the one platform_dma_write() uses,
 * so messages queue behind the function's DMA writes), its Requester ID,
 * and the controller input its swizzled root pin routes to (irq/route.h).
 *
 * Order: build the machine, attach interrupts, and detach them before
 * platform_machine_destroy(): each irq_fn hooks its function's
 * configuration ops on top of the machine's and gives them back on detach.
 * Bridges (root ports) get no irq_fn in this version.
 *
 * The MSI window is mapped at PLATFORM_PRIO_MSI, above every BAR: a BAR
 * that software places over it decodes nothing there, as on x86 chipsets
 * where the interrupt address range is always claimed by the host.
 *
 * Include as "platform/irq.h".
 */
#ifndef PCISIM_PLATFORM_IRQ_H
#define PCISIM_PLATFORM_IRQ_H

#include "irq/ctrl.h"
#include "irq/fn.h"
#include "irq/route.h"
#include "platform/machine.h"
#include "sim/kernel.h"

struct sim_ctrace;

/** Decoder priority of the MSI window: just below ECAM, above every BAR. */
#define PLATFORM_PRIO_MSI (PLATFORM_PRIO_ECAM - 1)

struct platform_irq; /* opaque */

/**
 * struct platform_irq_config - optional settings; NULL fields take the
 * defaults.
 * @ctrl: the controller's shape; NULL: irq_ctrl_config_default().
 * @route: the routing table, copied; NULL: irq_route_init_default() with
 *	IRQ_ROUTE_DEFAULT_BASE (inputs 16..19; the controller must have at
 *	least 20 inputs then).
 */
struct platform_irq_config {
	const struct irq_ctrl_config *ctrl;
	const struct irq_route *route;
};

/**
 * platform_irq_attach() - create the controller on @k, map its window into
 * platform_decode(@m), and one irq_fn per device function found by the
 * enumeration.
 * @out: receives the handle; release it with platform_irq_detach().
 * @cfg: may be NULL.
 * Return: 0; SIM_ERR_INVALID (NULL argument, a bad controller config, a
 * route to an input the controller does not have); SIM_ERR_NOMEM; what
 * irq_ctrl_map() returns. On error *@out is NULL and nothing stays hooked.
 */
int platform_irq_attach(struct platform_irq **out, struct platform_machine *m,
			struct sim_kernel *k, const struct platform_irq_config *cfg);

/** platform_irq_detach() - destroy every irq_fn (last created first),
 * unmap the window, destroy the controller. NULL is ignored. */
void platform_irq_detach(struct platform_irq *pi);

/** platform_irq_ctrl() - the controller. Owned by @pi. */
struct irq_ctrl *platform_irq_ctrl(struct platform_irq *pi);

/** platform_irq_fn() - the interrupt logic of the device function at
 * @bus:@device.@function, or NULL (none there, or a bridge). */
struct irq_fn *platform_irq_fn(struct platform_irq *pi, unsigned bus, unsigned device,
			       unsigned function);

/**
 * platform_irq_set_ctrace() - Chrome tracing of the controller
 * (irq_ctrl_set_ctrace()) and of every function (irq_fn_set_ctrace()),
 * tracks created in function order; NULL stops.
 * Return: 0, or the first error (tracing is then off everywhere).
 */
int platform_irq_set_ctrace(struct platform_irq *pi, struct sim_ctrace *t);

/** platform_irq_route() - the routing table in use. Owned by @pi. */
const struct irq_route *platform_irq_route(const struct platform_irq *pi);

#endif /* PCISIM_PLATFORM_IRQ_H */
