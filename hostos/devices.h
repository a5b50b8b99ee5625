/*
 * hostos/devices.h - device objects and interrupts of the mock Windows
 * kernel, as the harness (or platform/hostos.h) sees them: the OS's view
 * of an interrupt controller, the physical device object (PDO) of each
 * enumerated function with the resources the OS assigned it, and the
 * interim way to start a driver's device until the I/O manager exists.
 *
 * Interrupt controller. The OS does not include irq/: whoever wires it to
 * a controller (platform/hostos.c does, for irq/ctrl.h) installs a struct
 * hostos_irq_ops (end of interrupt, and what the controller knows about
 * who asserts a line, for the mock-only checks) and calls
 * hostos_interrupt_deliver() for every (vector, CPU) the controller
 * delivers. A delivered vector becomes pending on that CPU at its DIRQL
 * and runs, nested on the CPU's current thread (or its idle context), at
 * the CPU's next scheduling point where the IRQL is below the DIRQL.
 *
 * Resource policy (what Windows' PnP manager and HAL decide; the mock's
 * choices, documented in README.md "Interrupts and device objects"):
 * - vectors are handed out upward from HOSTOS_VECTOR_FIRST (0x50) as
 *   devices are created, one per controller input (devices on one input
 *   share its vector) and one per message; an MSI block is contiguous and
 *   aligned to its size, as the Message Data low bits demand. DIRQL =
 *   vector / 16, the x64 HAL's mapping, so device IRQLs are 5..12;
 * - lines and MSI target CPU 0, MSI-X message n CPU n % cpus;
 * - messages are granted when the device has MSI or MSI-X and the INF
 *   says MSISupported: the capability's count, cut to MessageNumberLimit
 *   (MSI: rounded down to a power of two); a request the OS cannot give
 *   (MSI above 16, above hostos_config.interrupt_messages_max, or no room
 *   for the vectors) gets exactly one message. A device with messages gets
 *   no line interrupt resource, as on Windows.
 *
 * Include as "hostos/devices.h". Not thread-safe (one host thread drives a
 * kernel and its host OS).
 */
#ifndef PCISIM_HOSTOS_DEVICES_H
#define PCISIM_HOSTOS_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "hostos/os.h"

struct hostos_device; /* opaque; hostos_device_create() */

/** No controller input ("the function has no INTx pin, or it is unrouted"). */
#define HOSTOS_NO_LINE UINT32_MAX
/** The first vector the OS assigns to devices, and the last + 1. */
#define HOSTOS_VECTOR_FIRST 0x50u
#define HOSTOS_VECTOR_END 0xD0u
/** x86 MSI address: the destination CPU goes in bits 19:12. */
#define HOSTOS_MSI_ADDRESS 0xFEE00000u

/** The mock's stop codes for its ISR checks (strict mode; warnings
 * otherwise). P1: the ISR, P2: its context, P3: the interrupt object,
 * P4: the vector. */
#define HOSTOS_ISR_FALSE_CLAIM 0xA55E0003u /* returned TRUE, its device did not assert */
#define HOSTOS_ISR_MISSED 0xA55E0004u      /* returned FALSE while its device asserted */

/**
 * struct hostos_irq_ops - the interrupt controller as the OS uses it.
 * @eoi: end of interrupt for @vector on @cpu (required).
 * @line_level: whether input @line is asserted now: 1, 0, or -1 when the
 *	controller cannot tell (optional).
 * @source_asserts: whether the function with source id @source (its
 *	Requester ID) asserts input @line now: 1, 0 or -1 (optional; without
 *	it the mock-only ISR checks are skipped).
 */
struct hostos_irq_ops {
	void (*eoi)(void *opaque, unsigned cpu, unsigned vector);
	int (*line_level)(void *opaque, uint32_t line);
	int (*source_asserts)(void *opaque, uint32_t line, uint32_t source);
};

/**
 * hostos_set_irq_ops() - install the controller @ops (static, outliving
 * @os or the next call); NULL removes it.
 * Return: 0, SIM_ERR_INVALID (NULL @os, @ops without @eoi), SIM_ERR_NOMEM.
 */
int hostos_set_irq_ops(struct hostos *os, const struct hostos_irq_ops *ops, void *opaque);

/**
 * hostos_interrupt_deliver() - the controller delivers @vector to @cpu
 * (from an event callback or any kernel context; not from driver code).
 * @redelivery: a level input delivered again because it stayed asserted
 *	after its end of interrupt (storm detection counts these).
 * A vector already pending on that CPU merges with it (an x86 IRR bit).
 * Return: 0, SIM_ERR_INVALID (bad CPU or vector), SIM_ERR_NOMEM.
 */
int hostos_interrupt_deliver(struct hostos *os, unsigned cpu, unsigned vector, bool redelivery);

/** enum hostos_msg_kind - the message capability of a function. */
enum hostos_msg_kind {
	HOSTOS_MSG_NONE = 0,
	HOSTOS_MSG_MSI = 1,
	HOSTOS_MSG_MSIX = 2,
};

/** struct hostos_range - a BAR as assigned: memory or I/O ports. */
struct hostos_range {
	uint64_t start, length;
	bool io;
	bool prefetchable;
};

/**
 * struct hostos_device_desc - an enumerated function, for its PDO.
 * @name: for reports; copied (at most 31 characters kept).
 * @bus, @device, @function: its location; @bus is the resource list's
 *	BusNumber and bus << 8 | device << 3 | function its source id.
 * @line: the controller input its INTx pin routes to, or HOSTOS_NO_LINE.
 * @line_edge: that input is edge-triggered (Latched); PCI INTx is level.
 * @msg: its MSI or MSI-X capability (MSI-X wins when it has both).
 * @msg_capable: messages the capability offers (MSI: Multiple Message
 *	Capable, 1..32; MSI-X: Table Size + 1, 1..2048).
 * @msi_supported: the INF's MSISupported = 1; without it no messages.
 * @message_number_limit: the INF's MessageNumberLimit; 0: none.
 * @ranges, @n_ranges: its BARs, in order (at most 6).
 * @vendor_id, @device_id, @class_code, @revision, @subsys_vendor_id,
 *	@subsys_id: its identity from configuration space (class_code: base
 *	class << 16 | subclass << 8 | programming interface), for the
 *	hardware IDs a driver is matched by (hostos/io.h) and
 *	IoGetDeviceProperty; all 0 when unknown.
 * @cfg_read, @cfg_write, @cfg_opaque: configuration space access for the
 *	bus driver's side (BUS_INTERFACE_STANDARD GetBusData/SetBusData):
 *	@len 1, 2 or 4 bytes at @off; return 0 or a SIM_ERR code. Optional
 *	(NULL: the interface reads all ones and writes nothing).
 */
struct hostos_device_desc {
	const char *name;
	unsigned bus, device, function;
	uint32_t line;
	bool line_edge;
	enum hostos_msg_kind msg;
	unsigned msg_capable;
	bool msi_supported;
	unsigned message_number_limit;
	struct hostos_range ranges[6];
	unsigned n_ranges;
	uint16_t vendor_id, device_id;
	uint32_t class_code;
	uint8_t revision;
	uint16_t subsys_vendor_id, subsys_id;
	int (*cfg_read)(void *opaque, unsigned off, unsigned len, uint32_t *out);
	int (*cfg_write)(void *opaque, unsigned off, unsigned len, uint32_t val);
	void *cfg_opaque;
};

/**
 * hostos_device_create() - the PDO of an enumerated function, with its
 * interrupt resources assigned by the policy above and its raw and
 * translated CM_RESOURCE_LISTs built. Owned by @os (freed with it).
 * Return: 0; SIM_ERR_INVALID (NULL, a bad count or range); SIM_ERR_LIMIT
 * (no vector left even for its line); SIM_ERR_NOMEM; SIM_ERR_STATE after
 * a bug check.
 */
int hostos_device_create(struct hostos *os, const struct hostos_device_desc *desc,
			 struct hostos_device **out);

/** hostos_device_pdo() - its DEVICE_OBJECT (a PDEVICE_OBJECT for driver
 * code). */
void *hostos_device_pdo(struct hostos_device *d);

/** hostos_device_resources() - its CM_RESOURCE_LISTs (PCM_RESOURCE_LIST
 * for driver code): @translated false for the raw list. */
void *hostos_device_resources(struct hostos_device *d, bool translated);

/** struct hostos_intr_resource - one interrupt as the OS assigned it. */
struct hostos_intr_resource {
	unsigned vector;
	uint8_t irql;        /**< DIRQL */
	unsigned cpu;        /**< target */
	uint64_t address;    /**< message address (0 for a line) */
	uint32_t data;       /**< message data (0 for a line) */
};

/** hostos_device_line() - its line interrupt. Return: 0, or SIM_ERR_STATE
 * when it has none (no line, or messages instead). */
int hostos_device_line(const struct hostos_device *d, struct hostos_intr_resource *out);

/** hostos_device_messages() - messages granted (0: none). MSI messages
 * share the address of message 0, their data is its data + n. */
unsigned hostos_device_messages(const struct hostos_device *d);

/** hostos_device_message() - message @n. Return: 0, SIM_ERR_INVALID. */
int hostos_device_message(const struct hostos_device *d, unsigned n,
			  struct hostos_intr_resource *out);

/**
 * typedef hostos_start_routine - the interim start routine of a driver,
 * until the I/O manager brings DriverEntry, AddDevice and
 * IRP_MN_START_DEVICE. Its real signature, in driver code, is
 *	NTSTATUS start(PDEVICE_OBJECT Pdo, PCM_RESOURCE_LIST Raw,
 *		       PCM_RESOURCE_LIST Translated);
 * pass it converted with HOSTOS_START_ROUTINE(fn); the OS converts it
 * back before calling it.
 */
typedef void (*hostos_start_routine)(void);
#define HOSTOS_START_ROUTINE(fn) ((hostos_start_routine)(fn))

/**
 * hostos_device_start() - start a host OS thread on CPU @cpu that calls
 * @start(PDO, raw, translated) at PASSIVE_LEVEL (as IRP_MN_START_DEVICE
 * would, in a system thread); its NTSTATUS is hostos_device_status()
 * once the thread is done.
 * Return: as hostos_thread_start().
 */
int hostos_device_start(struct hostos_device *d, hostos_start_routine start, unsigned cpu,
			struct hostos_thread **out);

/** hostos_device_status() - what the start routine returned (an
 * NTSTATUS); 0x103 (STATUS_PENDING) until it has. */
int32_t hostos_device_status(const struct hostos_device *d);

/** hostos_device_source() - bus << 8 | device << 3 | function. */
uint32_t hostos_device_source(const struct hostos_device *d);

/**
 * struct hostos_intr_stats - counters of an instance's interrupts.
 * @deliveries: hostos_interrupt_deliver() calls; @merged: of those, onto
 *	a vector already pending there.
 * @dispatches: ISR chain walks; @isr_calls: ISRs called; @claimed: of
 *	those, returning TRUE.
 * @unexpected: dispatches of a vector no object is connected to.
 * @eois: ends of interrupt sent.
 * @false_claims, @missed: the mock-only findings (strict: bug checks).
 * @isr_slow: ISRs over isr_warn_ps.
 */
struct hostos_intr_stats {
	uint64_t deliveries, merged;
	uint64_t dispatches, isr_calls, claimed;
	uint64_t unexpected, eois;
	uint64_t false_claims, missed, isr_slow;
};

/** hostos_interrupt_stats() - the counters so far (zero before any
 * device or delivery). */
void hostos_interrupt_stats(const struct hostos *os, struct hostos_intr_stats *out);

#endif /* PCISIM_HOSTOS_DEVICES_H */
