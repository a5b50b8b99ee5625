/*
 * platform/hostos.h - a mock Windows kernel (hostos/) attached to a built
 * machine with its interrupts (platform/irq.h): what Windows' PnP manager,
 * PCI bus driver and HAL do at boot.
 *
 * For every device function the enumeration found (bridges excepted) the
 * attach creates a physical device object (hostos/devices.h) with its
 * BARs as memory or port resources and its interrupt resources as the OS
 * assigns them: the line its INTx pin routes to, or messages from its MSI
 * capability when the INF settings given here say MSISupported (with the
 * count policy and MessageNumberLimit of hostos/devices.h). It then
 * programs the hardware to match: each used controller input as a level
 * input with the OS's vector and target CPU, and each MSI capability's
 * Message Address, Message Data and Multiple Message Enable, with MSI
 * Enable set (through configuration writes, as the PCI bus driver makes
 * them). The OS is installed as every CPU's interrupt sink; an end of
 * interrupt goes to the controller (irq_ctrl_eoi()) after the ISR chain.
 *
 * A function with MSI-X gets MSI-X even when it also has MSI (as Windows
 * does): MSI-X Enable with Function Mask set, each granted table entry
 * written through the decoder (untimed, as at boot) and unmasked, then
 * Function Mask cleared. The device model must have attached its table
 * (irq_fn_set_msix()) and decode it in its BAR.
 *
 * The OS's pool comes from the machine's memory (hostos_attach_memory(),
 * frames as config's pool_flags say) and its CPUs' register and port
 * accesses (MmMapIoSpace, READ_REGISTER_*, READ_PORT_*) go through the
 * machine's decoder with link timing (hostos_attach_bus() on
 * platform_mmio_read/write and platform_io_read/write), unless the harness
 * attached its own memory or bus to the OS before.
 *
 * Drivers: hostos_driver_load() (hostos/io.h) matches them by the IDs the
 * attach read from each function's configuration space (vendor, device,
 * class, revision, subsystem), which the OS's bus driver also reads and
 * writes for BUS_INTERFACE_STANDARD. A function the machine loses
 * (platform_remove_function(), platform_remove_slot(), a fault
 * injection) is surprise-removed in the OS (hostos_pnp_surprise_remove()),
 * as a hot-plug controller would report it. The interim start,
 * hostos_device_start() on platform_hostos_device(), still works.
 *
 * Order: build the machine, attach interrupts, create the host OS, attach
 * it; detach in reverse (platform_hostos_detach() before
 * platform_irq_detach(), hostos_destroy() after the detach).
 *
 * Include as "platform/hostos.h".
 */
#ifndef PCISIM_PLATFORM_HOSTOS_H
#define PCISIM_PLATFORM_HOSTOS_H

#include <stdbool.h>
#include <stddef.h>

#include "hostos/devices.h"
#include "hostos/os.h"
#include "platform/irq.h"
#include "platform/machine.h"

struct platform_hostos; /* opaque */

/**
 * struct platform_hostos_inf - a function's INF interrupt settings
 * (Interrupt Management\MessageSignaledInterruptProperties).
 * @bus, @device, @function: which function.
 * @msi_supported: MSISupported = 1.
 * @message_number_limit: MessageNumberLimit; 0: none.
 */
struct platform_hostos_inf {
	unsigned bus, device, function;
	bool msi_supported;
	unsigned message_number_limit;
};

/**
 * struct platform_hostos_config - optional settings.
 * @inf, @n_inf: INF settings per function; a function not listed has no
 *	MSISupported (line interrupts only, Windows' default).
 * @pool_flags: hostos_attach_memory()'s flags for the OS's pool (0: the
 *	default frames; BUS_MEM_ALLOC_SCATTERED, BUS_MEM_ALLOC_ABOVE_4G).
 */
struct platform_hostos_config {
	const struct platform_hostos_inf *inf;
	size_t n_inf;
	unsigned pool_flags;
};

/**
 * platform_hostos_attach() - the PDOs, resources, controller programming
 * and sinks described above.
 * @cfg: may be NULL.
 * Return: 0; SIM_ERR_INVALID (NULL argument, a CPU the controller lacks,
 * bad pool_flags); SIM_ERR_NOMEM; what hostos_device_create() returns.
 */
int platform_hostos_attach(struct platform_hostos **out, struct platform_machine *m,
			   struct platform_irq *pi, struct hostos *os,
			   const struct platform_hostos_config *cfg);

/** platform_hostos_detach() - remove the sinks and the OS's controller
 * ops. The PDOs stay the OS's. NULL is ignored. */
void platform_hostos_detach(struct platform_hostos *ph);

/** platform_hostos_device() - the PDO's device of the function at
 * @bus:@device.@function, or NULL. */
struct hostos_device *platform_hostos_device(struct platform_hostos *ph, unsigned bus,
					     unsigned device, unsigned function);

#endif /* PCISIM_PLATFORM_HOSTOS_H */
