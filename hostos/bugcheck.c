/*
 * hostos/bugcheck.c - bug check names (hostos/os.h): every code the
 * specification names, with its documented name.
 */
#include "hostos/os.h"

#include <stddef.h>

static const struct {
	uint32_t code;
	const char *name;
} names[] = {
	{ 0x1, "APC_INDEX_MISMATCH" },
	{ 0x8, "IRQL_NOT_DISPATCH_LEVEL" },
	{ 0x9, "IRQL_NOT_GREATER_OR_EQUAL" },
	{ 0xA, "IRQL_NOT_LESS_OR_EQUAL" },
	{ 0xC, "MAXIMUM_WAIT_OBJECTS_EXCEEDED" },
	{ 0xF, "SPIN_LOCK_ALREADY_OWNED" },
	{ 0x10, "SPIN_LOCK_NOT_OWNED" },
	{ 0x19, "BAD_POOL_HEADER" },
	{ 0x1D, "NO_SPIN_LOCK_AVAILABLE" },
	{ 0x1E, "KMODE_EXCEPTION_NOT_HANDLED" }, /* mutex/semaphore release misuse */
	{ 0x35, "NO_MORE_IRP_STACK_LOCATIONS" },
	{ 0x44, "MULTIPLE_IRP_COMPLETE_REQUESTS" },
	{ 0x45, "INSUFFICIENT_SYSTEM_MAP_REGS" },
	{ 0x4A, "IRQL_GT_ZERO_AT_SYSTEM_SERVICE" },
	{ 0x50, "PAGE_FAULT_IN_NONPAGED_AREA" },
	{ 0x76, "PROCESS_HAS_LOCKED_PAGES" },
	{ 0x81, "SPIN_LOCK_INIT_FAILURE" },
	{ 0x96, "INVALID_WORK_QUEUE_ITEM" },
	{ 0x9C, "MACHINE_CHECK_EXCEPTION" },
	{ 0xB8, "ATTEMPTED_SWITCH_FROM_DPC" },
	{ 0xC1, "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION" },
	{ 0xC2, "BAD_POOL_CALLER" },
	{ 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION" },
	{ 0xC5, "DRIVER_CORRUPTED_EXPOOL" },
	{ 0xC7, "TIMER_OR_DPC_INVALID" },
	{ 0xC8, "IRQL_UNEXPECTED_VALUE" },
	{ 0xC9, "DRIVER_VERIFIER_IOMANAGER_VIOLATION" },
	{ 0xCB, "DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS" },
	{ 0xCC, "PAGE_FAULT_IN_FREED_SPECIAL_POOL" },
	{ 0xCD, "PAGE_FAULT_BEYOND_END_OF_ALLOCATION" },
	{ 0xCE, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS" },
	{ 0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL" },
	{ 0xD5, "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL" },
	{ 0xD6, "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION" },
	{ 0xE1, "WORKER_THREAD_RETURNED_AT_BAD_IRQL" },
	{ 0xE4, "WORKER_INVALID" },
	{ 0xE6, "DRIVER_VERIFIER_DMA_VIOLATION" },
	{ 0xF2, "HARDWARE_INTERRUPT_STORM" },
	{ 0xF6, "PCI_VERIFIER_DETECTED_VIOLATION" },
	{ 0x101, "CLOCK_WATCHDOG_TIMEOUT" },
	{ 0x102, "DPC_WATCHDOG_TIMEOUT" },
	{ 0x10D, "WDF_VIOLATION" },
	{ 0x133, "DPC_WATCHDOG_VIOLATION" },
	{ 0x139, "KERNEL_SECURITY_CHECK_FAILURE" },
	{ 0x13B, "PASSIVE_INTERRUPT_ERROR" },
	{ 0x1C4, "DRIVER_VERIFIER_DETECTED_VIOLATION_LIVEDUMP" },
	{ 0x1DC, "DMA_COMMON_BUFFER_VECTOR_ERROR" },
	{ 0xA55E0001, "ASSERTION_FAILED" }, /* the mock's, for RtlAssert */
	{ 0xA55E0002, "WAIT_DEADLOCK" },    /* the mock's: hostos/wait.c */
	{ 0xA55E0003, "ISR_FALSE_CLAIM" },  /* the mock's: hostos/interrupt.c */
	{ 0xA55E0004, "ISR_MISSED" },       /* the mock's: hostos/interrupt.c */
	{ 0xA55E0005, "UNLOAD_LEFTOVER" },  /* the mock's: hostos/sweep.c */
	{ 0xA55E0006, "MMIO_PLAIN_ACCESS" }, /* the mock's: hostos/mmio.c */
	{ 0xA55E0010, "MDL_BAD_FREE" },     /* the mock's: hostos/mdl.c */
	{ 0xA55E0011, "DMA_BAD_OBJECT" },   /* the mock's: hostos/dma-adapter.c */
	{ 0xA55E0012, "COMPLETION_IRQL" },  /* the mock's: hostos/io-irp.c */
	{ 0xA55E0013, "MDL_BAD_PARTIAL" },  /* the mock's: hostos/mdl-partial.c */
};

const char *hostos_bugcheck_name(uint32_t code)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "UNKNOWN";
}
