/*
 * tests/hostos/io/drivers/io-driver.h - the test WDM driver of the I/O
 * manager tests ("iodrv"): its I/O control codes, what it records for the
 * harness, and its DriverEntry. Plain C types only: the harness and the
 * application side are not Windows driver translation units (the codes
 * use CTL_CODE of whichever of <wdm.h> or win32.h came first).
 */
#ifndef PCISIM_TESTS_HOSTOS_IO_DRIVER_H
#define PCISIM_TESTS_HOSTOS_IO_DRIVER_H

#include <stdint.h>

#define IODRV_TYPE 0x8000u
/* out[i] = in[i] + 1, Information = min(in, out) bytes, by each method */
#define IOCTL_IODRV_ECHO_BUFFERED CTL_CODE(IODRV_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IODRV_ECHO_NEITHER CTL_CODE(IODRV_TYPE, 0x801, METHOD_NEITHER, FILE_ANY_ACCESS)
/* METHOD_OUT_DIRECT: the output MDL's buffer = input + 1; METHOD_IN_DIRECT:
 * the (output) MDL's buffer copied into the device memory at 0 */
#define IOCTL_IODRV_OUT_DIRECT CTL_CODE(IODRV_TYPE, 0x802, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_IODRV_IN_DIRECT CTL_CODE(IODRV_TYPE, 0x803, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
/* the inverted call: pended in a cancel-safe queue until the device
 * interrupts; the DPC completes it with the interrupt count (a ULONG) */
#define IOCTL_IODRV_WAIT CTL_CODE(IODRV_TYPE, 0x810, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* the classic model: IoStartPacket with a cancel routine; StartIo starts
 * the "transfer", the next interrupt's DPC completes it (a ULONG: its
 * sequence number) and starts the next packet */
#define IOCTL_IODRV_QUEUE CTL_CODE(IODRV_TYPE, 0x811, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* as IOCTL_IODRV_QUEUE, with the input ULONG as IoStartPacket's sort key */
#define IOCTL_IODRV_QUEUE_KEYED CTL_CODE(IODRV_TYPE, 0x812, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* struct iodrv_info */
#define IOCTL_IODRV_INFO CTL_CODE(IODRV_TYPE, 0x820, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* a request of the driver's own down its stack, both ways
 * (IoBuildDeviceIoControlRequest + event; IoAllocateIrp + completion
 * routine + IoFreeIrp): out two LONG statuses the PDO returned */
#define IOCTL_IODRV_FORWARD CTL_CODE(IODRV_TYPE, 0x830, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* requests of its own: an IoAllocateIrp IRP sent down twice with
 * IoReuseIrp between (out: two LONG statuses), then an
 * IoBuildSynchronousFsdRequest read of its own memory (out: 8 bytes of it
 * from offset 8, after the statuses) */
#define IOCTL_IODRV_REUSE CTL_CODE(IODRV_TYPE, 0x831, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* a rule violation chosen by the input ULONG (enum iodrv_bug) */
#define IOCTL_IODRV_BUG CTL_CODE(IODRV_TYPE, 0x8F0, METHOD_BUFFERED, FILE_ANY_ACCESS)

enum iodrv_bug {
	IODRV_BUG_DOUBLE_COMPLETE = 1,
	IODRV_BUG_PENDING_UNMARKED = 2,
	IODRV_BUG_MARKED_NOT_PENDING = 3,
	IODRV_BUG_COMPLETE_PENDING = 4,
	IODRV_BUG_COMPLETE_CANCEL_SET = 5,
	IODRV_BUG_RETURN_RAISED = 6,
	IODRV_BUG_NOT_COMPLETED = 7,
	IODRV_BUG_COMPLETE_HIGH_IRQL = 8,
	IODRV_BUG_FREE_IN_USE = 9,
	IODRV_BUG_COMPLETION_IRQL = 10,
	IODRV_BUG_STATUS_AFTER_COMPLETE = 11,
	IODRV_BUG_CREATE_AT_DISPATCH = 12,
};

struct iodrv_info {
	uint32_t mem_count, port_count, int_count, msg_count;
	uint32_t bus, address;
	uint32_t reg_param, dev_param;
	uint32_t started;
	uint32_t raw_int_count;
	uint32_t cfg_id;         /* config dword 0 by BUS_INTERFACE_STANDARD */
	uint32_t msi_supported;  /* the hardware key's MSISupported (+1: 0 absent) */
};

/* What the driver saw (the harness reads it). */
struct iodrv_obs {
	int entry_calls, add_calls, unload_calls;
	int starts, stops, query_stops, cancel_stops, query_removes, removes, surprises;
	int creates, cleanups, closes;
	int isr_calls, dpcs, startio_calls, cancels, timer_ticks, power_irps;
	int start_irql, startio_irql, cancel_irql, timer_irql;
	int32_t connect_status;
	char regpath[128];
	/* registry knobs read in DriverEntry / AddDevice */
	uint32_t bug_keep_init, bug_no_delete, direct_io;
	/* direct requests: the MDL's byte count and first physical page */
	uint32_t mdl_bytes;
	uint64_t mdl_pfn;
	/* DriverEntry's enumeration of Parameters (RtlQueryRegistryValues
	 * with no value name): calls, the names comma-separated (REG_SZ as
	 * NAME=STRING), the sum of the DWORDs */
	int reg_values;
	char reg_names[64];
	uint32_t reg_sum;
};
extern struct iodrv_obs iodrv_obs;

/* DriverEntry (NTSTATUS (PDRIVER_OBJECT, PUNICODE_STRING)), converted as
 * hostos_driver_entry. */
extern void (*const iodrv_entry)(void);

#endif /* PCISIM_TESTS_HOSTOS_IO_DRIVER_H */
