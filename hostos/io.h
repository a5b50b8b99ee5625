/*
 * hostos/io.h - the I/O manager of the mock Windows kernel as the harness
 * sees it: loading a WDM driver (DriverEntry with its registry path, then
 * AddDevice and IRP_MN_START_DEVICE for every enumerated function whose
 * hardware ID it matches), the Plug and Play events of a device (stop,
 * orderly and surprise removal), unloading, and the registry the harness
 * fills before a driver reads it.
 *
 * The driver-side routines are in <wdm.h> (hostos/include/wdm-io.h), the
 * application side (CreateFile, ReadFile, DeviceIoControl...) in
 * hostos/include/win32.h. Names and paths here are ASCII.
 *
 * Threads. hostos_driver_load(), hostos_pnp_*() and hostos_driver_unload()
 * do what the PnP manager does in a system thread, so they run driver
 * code: call them from a host OS thread at PASSIVE_LEVEL (the scenario's
 * own thread, usually). hostos_pnp_surprise_remove() may also be called
 * from a kernel event callback (a fault injection): it then starts a host
 * OS thread of its own. The registry functions work anywhere.
 *
 * Include as "hostos/io.h". Not thread-safe (one host thread drives a
 * kernel and its host OS).
 */
#ifndef PCISIM_HOSTOS_IO_H
#define PCISIM_HOSTOS_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostos/devices.h"
#include "hostos/os.h"

struct hostos_driver; /* opaque; hostos_driver_load() */

/**
 * struct hostos_hwid - one hardware ID an INF lists, as a match on the
 * function's identity: PCI\VEN_v&DEV_d, or a class (PCI\CC_cc).
 * @vendor, @device: 0xFFFF matches any.
 * @class_code, @class_mask: matches when (class_code of the function &
 *	@class_mask) == @class_code; @class_mask 0 ignores the class.
 */
struct hostos_hwid {
	uint16_t vendor, device;
	uint32_t class_code, class_mask;
};
#define HOSTOS_HWID_ANY 0xFFFFu

/** typedef hostos_driver_entry - a driver's DriverEntry, whose real
 * signature in driver code is NTSTATUS DriverEntry(PDRIVER_OBJECT,
 * PUNICODE_STRING); pass it as HOSTOS_DRIVER_ENTRY(DriverEntry). */
typedef void (*hostos_driver_entry)(void);
#define HOSTOS_DRIVER_ENTRY(fn) ((hostos_driver_entry)(fn))

/** enum hostos_driver_role - where a PnP driver sits in a device's stack
 * (the INF's service, UpperFilters or LowerFilters). */
enum hostos_driver_role {
	HOSTOS_DRIVER_FUNCTION = 0,
	HOSTOS_DRIVER_UPPER_FILTER = 1,
	HOSTOS_DRIVER_LOWER_FILTER = 2,
};

/**
 * struct hostos_driver_desc - a driver to load.
 * @service: its service name (at most 47 characters): the key
 *	\Registry\Machine\System\CurrentControlSet\Services\<service> (the
 *	RegistryPath DriverEntry gets) and the object name \Driver\<service>.
 * @entry: its DriverEntry.
 * @ids, @n_ids: the hardware IDs it is installed for; none: a legacy
 *	(non-PnP) driver that creates its own devices in DriverEntry.
 * @role: function driver (default) or filter. A filter is loaded (its
 *	DriverEntry runs) at once but attaches only when a function driver
 *	loaded later builds a matching device's stack: AddDevice of the lower
 *	filters, the function driver, the upper filters, in load order
 *	within each, then IRP_MN_START_DEVICE, as the PnP manager does.
 */
struct hostos_driver_desc {
	const char *service;
	hostos_driver_entry entry;
	const struct hostos_hwid *ids;
	size_t n_ids;
	enum hostos_driver_role role;
};

/**
 * hostos_driver_load() - load a driver: create its DRIVER_OBJECT, call
 * DriverEntry at PASSIVE_LEVEL, then for each enumerated function (in
 * creation order) that no driver owns yet and that matches one of its
 * IDs: AddDevice(DriverObject, PDO) and, when that succeeded,
 * IRP_MN_START_DEVICE down the new stack with the PDO's raw and
 * translated resources (a failed start is followed by
 * IRP_MN_REMOVE_DEVICE, as the PnP manager does). From a host OS thread.
 * Filters (@role) stop after DriverEntry (see struct hostos_driver_desc).
 * @out: optional; the driver, owned by the OS.
 * Return: DriverEntry's NTSTATUS (an error leaves nothing loaded);
 * 0xC000000D (STATUS_INVALID_PARAMETER) for a bad @desc;
 * 0xC000009A (STATUS_INSUFFICIENT_RESOURCES) out of memory.
 */
int32_t hostos_driver_load(struct hostos *os, const struct hostos_driver_desc *desc,
			   struct hostos_driver **out);

/** hostos_driver_object() - its DRIVER_OBJECT (a PDRIVER_OBJECT). */
void *hostos_driver_object(struct hostos_driver *drv);

/** hostos_driver_loaded() - DriverEntry succeeded and it has not been
 * unloaded. */
bool hostos_driver_loaded(const struct hostos_driver *drv);

/**
 * hostos_driver_unload() - call DriverUnload (when set) and forget the
 * driver. A PnP driver is unloaded by the OS itself after the
 * IRP_MN_REMOVE_DEVICE of its last device; this is for legacy drivers
 * and for a PnP driver that has no devices left. From a host OS thread.
 * Return: 0 (STATUS_SUCCESS); 0xC0000184 (STATUS_INVALID_DEVICE_STATE)
 * while it still has a device of a PnP stack, or when not loaded.
 */
int32_t hostos_driver_unload(struct hostos_driver *drv);

/** hostos_device_started() - @dev's stack was started and is neither
 * stopped nor removed. */
bool hostos_device_started(const struct hostos_device *dev);

/** hostos_device_fdo() - the top of @dev's device stack (a
 * PDEVICE_OBJECT), the PDO itself when no driver is attached. */
void *hostos_device_fdo(struct hostos_device *dev);

/**
 * hostos_pnp_stop() - rebalance @dev: IRP_MN_QUERY_STOP_DEVICE, then
 * IRP_MN_STOP_DEVICE and IRP_MN_START_DEVICE again with the same
 * resources; a failed query is followed by IRP_MN_CANCEL_STOP_DEVICE.
 * From a host OS thread. Return: the NTSTATUS of the query or the start.
 */
int32_t hostos_pnp_stop(struct hostos_device *dev);

/**
 * hostos_pnp_remove() - orderly removal: IRP_MN_QUERY_REMOVE_DEVICE,
 * then IRP_MN_REMOVE_DEVICE (or IRP_MN_CANCEL_REMOVE_DEVICE when the
 * query fails). The PnP manager vetoes the removal while a handle to the
 * stack is open (STATUS_ACCESS_DENIED 0xC0000022, no IRP sent). After the
 * remove, every PnP driver of the stack (function driver and filters)
 * with no device object left is unloaded.
 * From a host OS thread. Return: the NTSTATUS of the query or remove.
 */
int32_t hostos_pnp_remove(struct hostos_device *dev);

/**
 * hostos_pnp_surprise_remove() - the device is gone (a surprise removal
 * on the bus): IRP_MN_SURPRISE_REMOVAL now, IRP_MN_REMOVE_DEVICE once the
 * last handle to the stack is closed (at once if none is open). From a
 * host OS thread, or from a kernel callback (a thread "pnp" is started).
 * Return: the NTSTATUS of the surprise removal; STATUS_PENDING
 * (0x103) when it was handed to a new thread.
 */
int32_t hostos_pnp_surprise_remove(struct hostos_device *dev);

/** The mock's stop code for a completion routine that returns at another
 * IRQL than IoCompleteRequest called it at (Windows documents no code for
 * it), with I/O Verification. P1: the routine, P2: the IRP, P3: the IRQL
 * before, P4: after. */
#define HOSTOS_COMPLETION_IRQL 0xA55E0012u

/**
 * hostos_pnp_set_power() - IRP_MJ_POWER IRP_MN_SET_POWER of device power
 * state D@d_state (1 = D0 ... 4 = D3, DEVICE_POWER_STATE's values) down
 * @dev's started stack, as the power manager sends it; the OS's bus
 * driver records it (hostos_device_power()). The OS itself sends D0 after
 * each successful start and D3 before an orderly removal. No system power
 * states and no wait-wake. From a host OS thread.
 * Return: the IRP's NTSTATUS; STATUS_INVALID_DEVICE_STATE when not
 * started or a bad state.
 */
int32_t hostos_pnp_set_power(struct hostos_device *dev, unsigned d_state);

/** hostos_device_power() - the device power state the bus driver last
 * set (1 = D0 ... 4 = D3); D0 before any. */
unsigned hostos_device_power(const struct hostos_device *dev);

/**
 * hostos_device_interface() - the path of @dev's @index-th enabled device
 * interface (IoRegisterDeviceInterface + IoSetDeviceInterfaceState), as
 * SetupDi gives it to an application for CreateFile:
 * "\\?\PCI#VEN_vvvv&DEV_dddd#b_d_f#{guid}[\ref]".
 * Return: 0; SIM_ERR_STATE when there is no such interface;
 * SIM_ERR_LIMIT (@n too small); SIM_ERR_INVALID.
 */
int hostos_device_interface(struct hostos_device *dev, unsigned index, char *buf, size_t n);

/* ---- registry ---- */

/**
 * hostos_reg_set() - set value @name (NULL or "": the default value) of
 * the key at @path (e.g. "\\Registry\\Machine\\System\\CurrentControlSet
 * \\Services\\refdev\\Parameters"; keys are created as needed, names
 * compare case-insensitively) to @bytes bytes of @data, of registry type
 * @type (REG_DWORD 4, REG_SZ 1 with UTF-16 data, REG_BINARY 3, ...).
 * Return: 0, SIM_ERR_INVALID, SIM_ERR_NOMEM.
 */
int hostos_reg_set(struct hostos *os, const char *path, const char *name, uint32_t type,
		   const void *data, size_t bytes);
/** hostos_reg_set_dword() - a REG_DWORD value. */
int hostos_reg_set_dword(struct hostos *os, const char *path, const char *name, uint32_t value);
/** hostos_reg_set_sz() - a REG_SZ value from ASCII @value. */
int hostos_reg_set_sz(struct hostos *os, const char *path, const char *name, const char *value);

/**
 * hostos_device_reg_path() - where IoOpenDeviceRegistryKey(@which) of
 * @dev's PDO opens: PLUGPLAY_REGKEY_DEVICE (1), the hardware key
 * "\\Registry\\Machine\\System\\CurrentControlSet\\Enum\\PCI\\VEN_vvvv&
 * DEV_dddd\\b_d_f\\Device Parameters"; PLUGPLAY_REGKEY_DRIVER (2), the
 * software key "...\\Control\\Class\\<service>\\<instance>" of the driver
 * that owns it (instance 0000 before one does).
 * Return: 0, SIM_ERR_INVALID, SIM_ERR_LIMIT (@n too small).
 */
int hostos_device_reg_path(struct hostos_device *dev, unsigned which, char *buf, size_t n);

/* ---- counters ---- */

/** struct hostos_io_stats - what the I/O manager did so far. */
struct hostos_io_stats {
	uint64_t irps_allocated;    /**< IRP records made (reused ones not counted) */
	uint64_t irps_live;         /**< allocated and not freed now */
	uint64_t calls;             /**< IoCallDriver */
	uint64_t completions;       /**< IoCompleteRequest */
	uint64_t pending;           /**< dispatch routines that returned STATUS_PENDING */
	uint64_t cancels;           /**< IoCancelIrp that found a cancel routine */
	uint64_t timer_calls;       /**< IoTimer routines called */
};

/** hostos_io_stats() - the counters (zero before any I/O). */
void hostos_io_stats(const struct hostos *os, struct hostos_io_stats *out);

#endif /* PCISIM_HOSTOS_IO_H */
