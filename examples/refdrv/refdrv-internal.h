/*
 * examples/refdrv/refdrv-internal.h - the reference driver's device
 * extension and the routines its files share. Windows code: include after
 * <wdm.h>.
 */
#ifndef REFDRV_INTERNAL_H
#define REFDRV_INTERNAL_H

#include "refdev-hw.h"
#include "refdrv.h"

#define REFDRV_TAG 'vdfR'

/* Seeded bugs, for tests that expect the verifier or the device to catch
 * them (built only in tests/refdrv): 1 the line-based ISR never clears
 * INT_STATUS, 2 a spin lock taken with the DPC-level routine at
 * PASSIVE_LEVEL, 3 pool allocated in AddDevice and never freed, 4 the
 * adapter asked for 64-bit DMA while CTRL.DMA64 stays 0. 0: the driver as
 * it should be. */
#ifndef REFDRV_SEEDED_BUG
#define REFDRV_SEEDED_BUG 0
#endif
/* Page-table entries for the largest transfer starting anywhere in a page. */
#define REFDRV_TABLE_ENTRIES (REFDRV_MAX_TRANSFER / REFDEV_HW_PAGE + 1)
/* The longest a DPC polls for completions (registry InterruptModerationUs):
 * Microsoft's guidance keeps a DPC under 100 microseconds. */
#define REFDRV_MODERATION_MAX_US 100UL
/* The causes that end a command: masked while a DPC polls for them. */
#define INT_COMPLETION (INT_CMD_DONE | INT_DMA_DONE | INT_ERROR)

typedef struct _REFDRV_EXT {
	PDEVICE_OBJECT Self;
	PDEVICE_OBJECT Pdo;
	PDEVICE_OBJECT Lower;
	ULONG Instance;
	UNICODE_STRING LinkName;
	WCHAR LinkBuffer[32];

	/* Set by the PnP path only (PASSIVE_LEVEL, one IRP at a time). */
	BOOLEAN Started;
	BOOLEAN Removed;          /* surprise removal or remove: no hardware */
	PULONG Regs;              /* BAR0, MmMapIoSpace */
	ULONG RegsLength;
	PHYSICAL_ADDRESS RegsBus;
	ULONG SramBytes;
	BOOLEAN Dma64;
	ULONG ModerationUs;       /* registry InterruptModerationUs; 0: off */

	/* Interrupts. */
	ULONG Mode;               /* REFDRV_MODE_* */
	ULONG ConnectVersion;     /* what IoConnectInterruptEx connected */
	PKINTERRUPT LineInterrupt;
	PIO_INTERRUPT_MESSAGE_INFO MessageTable;
	ULONG MessageCount;
	ULONG IsrStatus;          /* causes the ISRs took: under the interrupt lock */

	/* DMA. */
	PDMA_ADAPTER Adapter;
	ULONG MapRegisters;
	PULONGLONG Table;         /* the page table: a common buffer */
	PHYSICAL_ADDRESS TableLogical;
	ULONG TableBytes;
	PSCATTER_GATHER_LIST Sg;  /* the running DMA's list: StartIo/DPC */
	BOOLEAN SgToDevice;

	/* Command registers, the pending timer request, INT_MASK while
	 * moderating and who polls: under Lock. */
	KSPIN_LOCK Lock;
	PIRP TimerIrp;
	LONG Pollers;             /* DPCs polling now (moderate.c) */
	BOOLEAN Stopping;         /* the interrupt is going away: stop polling */

	/* Counters for IOCTL_REFDRV_INFO (interlocked). */
	LONG Interrupts;
	LONG Dpcs;
	LONG Errors;
	LONG StrayTimers;
	LONG Polled;              /* completions found by polling */
} REFDRV_EXT, *PREFDRV_EXT;

static __inline ULONG RefdrvRead(PREFDRV_EXT Ext, ULONG Offset)
{
	return READ_REGISTER_ULONG(&Ext->Regs[Offset / sizeof(ULONG)]);
}

static __inline VOID RefdrvWrite(PREFDRV_EXT Ext, ULONG Offset, ULONG Value)
{
	WRITE_REGISTER_ULONG(&Ext->Regs[Offset / sizeof(ULONG)], Value);
}

/* refdrv.c */
extern ULONG RefdrvInstances;

/* pnp.c */
DRIVER_DISPATCH RefdrvDispatchPnp;
DRIVER_DISPATCH RefdrvDispatchPower;
DRIVER_DISPATCH RefdrvDispatchPassDown;

/* io.c */
DRIVER_DISPATCH RefdrvDispatchCreateClose;
DRIVER_DISPATCH RefdrvDispatchReadWrite;
DRIVER_DISPATCH RefdrvDispatchDeviceControl;
DRIVER_STARTIO RefdrvStartIo;
VOID RefdrvCompleteCurrent(PREFDRV_EXT Ext, NTSTATUS Status, ULONG_PTR Information);
VOID RefdrvFailAllRequests(PREFDRV_EXT Ext, NTSTATUS Status);
PIRP RefdrvTakeTimerIrp(PREFDRV_EXT Ext);

/* intr.c */
NTSTATUS RefdrvConnectInterrupts(PREFDRV_EXT Ext);
VOID RefdrvDisconnectInterrupts(PREFDRV_EXT Ext);
IO_DPC_ROUTINE RefdrvDpcForIsr;
VOID RefdrvHandleCauses(PREFDRV_EXT Ext, ULONG Causes);
BOOLEAN RefdrvPollCauses(PREFDRV_EXT Ext, PULONG Causes);

/* moderate.c */
VOID RefdrvModerate(PREFDRV_EXT Ext);

/* dma.c */
NTSTATUS RefdrvDmaStart(PREFDRV_EXT Ext);
VOID RefdrvDmaStop(PREFDRV_EXT Ext);
NTSTATUS RefdrvDmaBegin(PREFDRV_EXT Ext, PIRP Irp, PMDL Mdl, ULONG Length, ULONG DeviceOffset,
			BOOLEAN ToDevice);
VOID RefdrvDmaEnd(PREFDRV_EXT Ext);

#endif /* REFDRV_INTERNAL_H */
