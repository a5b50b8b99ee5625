/*
 * platform/system.h - a whole simulated system from one description: the
 * kernel, host memory below and above 4 GiB, the PCI Express hierarchy
 * (bridges, slots), the device models of model/ (the reference device and
 * QEMU's edu device) connected to their interrupt logic and bus-master
 * ports, the interrupt controller with N CPUs, and optionally the mock
 * Windows kernel (hostos/) attached with a PDO per device and the INF
 * interrupt settings of each. What the command, the examples and the
 * driver tests build, so they build the same thing.
 *
 * The default machine (platform_system_desc zeroed, one device added):
 * 1 CPU, 2 GiB of RAM at 0, none above 4 GiB, the 32-bit MMIO window at
 * 0xC0000000 (512 MiB), ECAM at 0xE0000000, a 64-bit prefetchable window
 * at 1 TiB (64 GiB), I/O ports 0x1000-0xFFFF, MPS capped at 256 and MRRS
 * 512, every device on the root bus, the OS attached.
 *
 * Order of life: platform_system_build() ... run (sim_kernel_run(),
 * hostos_run()) ... platform_system_destroy(). Not thread-safe; one
 * system per kernel.
 *
 * Include as "platform/system.h".
 */
#ifndef PCISIM_PLATFORM_SYSTEM_H
#define PCISIM_PLATFORM_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostos/devices.h"
#include "hostos/os.h"
#include "model/edu.h"
#include "model/refdev.h"
#include "platform/hostos.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

struct platform_system; /* opaque */

/** enum platform_model - the device models a system can hold. */
enum platform_model {
	PLATFORM_MODEL_REFDEV = 1, /**< model/refdev.h */
	PLATFORM_MODEL_EDU = 2,    /**< model/edu.h */
};

/**
 * struct platform_system_device - one device.
 * @model: which model.
 * @name: unique among the devices and bridges; NULL: "refdev<i>" or
 *	"edu<i>" with i its index in the description. Must outlive the build.
 * @parent: the bridge it sits behind (a platform_bridge_desc name); NULL:
 *	the root bus.
 * @device: its device number on that bus (0..31); function 0.
 * @refdev, @edu: the model's configuration (for @model); NULL: defaults.
 *	Copied. A refdev's link generation and width describe its link.
 * @msi_supported, @message_number_limit: its INF's interrupt settings
 *	(platform/hostos.h); without MSISupported it gets its INTx line.
 */
struct platform_system_device {
	enum platform_model model;
	const char *name;
	const char *parent;
	unsigned device;
	const struct refdev_config *refdev;
	const struct edu_config *edu;
	bool msi_supported;
	unsigned message_number_limit;
};

/**
 * struct platform_system_desc - the system; zero fields take the defaults
 * above.
 * @cpus: simulated CPUs (controller targets and OS CPUs), 1..HOSTOS_MAX_CPUS.
 * @ram_low_bytes: RAM from 0, a multiple of 4 KiB, at most 3 GiB (the MMIO
 *	windows start there).
 * @ram_high_bytes: RAM from 4 GiB, a multiple of 4 KiB, at most 64 GiB.
 * @max_backed_bytes: host memory that may back touched frames (0: 1 GiB).
 * @mps_cap_bytes, @mrrs_bytes: platform_desc's.
 * @bridges, @n_bridges: PCI-PCI bridges (platform/machine.h).
 * @devices, @n_devices: the devices, 1..PLATFORM_SYSTEM_MAX_DEVICES.
 * @kernel: the kernel's configuration; NULL: sim_kernel_config_default().
 * @no_os: build no host OS: the harness drives the devices itself (MMIO
 *	through platform/access.h, its own irq_sink_ops on the controller).
 * @os: the host OS's configuration; NULL: hostos_config_default(). Its
 *	cpus is replaced by @cpus.
 * @pool_flags: platform_hostos_config's (where the OS's pool lives).
 */
struct platform_system_desc {
	unsigned cpus;
	uint64_t ram_low_bytes;
	uint64_t ram_high_bytes;
	uint64_t max_backed_bytes;
	unsigned mps_cap_bytes;
	unsigned mrrs_bytes;
	const struct platform_bridge_desc *bridges;
	size_t n_bridges;
	const struct platform_system_device *devices;
	size_t n_devices;
	const struct sim_kernel_config *kernel;
	bool no_os;
	const struct hostos_config *os;
	unsigned pool_flags;
};

#define PLATFORM_SYSTEM_MAX_DEVICES 32u
/** Where the 64-bit prefetchable window starts (1 TiB) and its size. */
#define PLATFORM_SYSTEM_PREF64_BASE (UINT64_C(1) << 40)
#define PLATFORM_SYSTEM_PREF64_BYTES (UINT64_C(64) << 30)

/**
 * platform_system_build() - build it all.
 * @out: receives the system; release it with platform_system_destroy().
 * Return: 0; SIM_ERR_INVALID (NULL argument, a bad count, size or model,
 * an unknown parent, two devices in one slot: the reason is in
 * platform_system_error()); SIM_ERR_NOMEM; what a layer's build returns
 * (platform_system_error() names the layer). On error *@out is NULL and
 * nothing is left allocated.
 */
int platform_system_build(struct platform_system **out, const struct platform_system_desc *desc);

/** platform_system_error() - why the last failed build of this thread
 * failed; "" when none failed. Static storage of the thread. */
const char *platform_system_error(void);

/** platform_system_destroy() - everything, in the reverse order of the
 * build. NULL is ignored. */
void platform_system_destroy(struct platform_system *s);

/* Parts, owned by the system. */
struct sim_kernel *platform_system_kernel(struct platform_system *s);
struct platform_machine *platform_system_machine(struct platform_system *s);
struct platform_irq *platform_system_irq(struct platform_system *s);
/** NULL with no_os. */
struct hostos *platform_system_os(struct platform_system *s);
/** NULL with no_os. */
struct platform_hostos *platform_system_hostos(struct platform_system *s);

/** platform_system_refdev() - device @i of the description when it is a
 * refdev, else NULL. */
struct refdev *platform_system_refdev(struct platform_system *s, size_t i);
/** platform_system_edu() - device @i when it is an edu, else NULL. */
struct edu *platform_system_edu(struct platform_system *s, size_t i);
/** platform_system_fn() - device @i's interrupt logic, or NULL. */
struct irq_fn *platform_system_fn(struct platform_system *s, size_t i);
/** platform_system_pdo_device() - device @i's PDO (hostos/devices.h), or
 * NULL (no OS, or @i out of range). */
struct hostos_device *platform_system_pdo_device(struct platform_system *s, size_t i);
/** platform_system_bus_of() - the bus number the enumeration gave device
 * @i's bus; -1 when @i is out of range. */
int platform_system_bus_of(struct platform_system *s, size_t i);

#endif /* PCISIM_PLATFORM_SYSTEM_H */
