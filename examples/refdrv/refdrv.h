/*
 * examples/refdrv/refdrv.h - the reference driver's interface to
 * applications: device names and IOCTL codes. Include it after <wdm.h>
 * (driver side) or after pcisim's <win32.h> / Windows' <winioctl.h>
 * (application side): both define CTL_CODE and the METHOD_ and FILE_
 * constants it uses.
 */
#ifndef REFDRV_H
#define REFDRV_H

/* The Nth device is \Device\Refdrv<N>, reachable as \\.\Refdrv<N>. */
#define REFDRV_DEVICE_NAME_PREFIX L"\\Device\\Refdrv"
#define REFDRV_LINK_NAME_PREFIX L"\\DosDevices\\Refdrv"

/* Largest transfer of one request, in bytes (the page table's size). */
#define REFDRV_MAX_TRANSFER (1024UL * 1024UL)

/* ECHO: in ULONG, out ULONG = ~in (the device computes it). */
#define IOCTL_REFDRV_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* CHECKSUM: in REFDRV_RANGE, out ULONG = CRC-32 of that SRAM range. */
#define IOCTL_REFDRV_CHECKSUM \
	CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* TIMER: in ULONG microseconds; pends until the device's timer interrupt
 * (an inverted call); out ULONG = the device's interrupt count then. */
#define IOCTL_REFDRV_TIMER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* DMA to the device: in REFDRV_RANGE (DeviceOffset; Length ignored), the
 * output buffer (direct I/O) is the data the device reads. */
#define IOCTL_REFDRV_DMA_TO_DEVICE \
	CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
/* DMA from the device: in REFDRV_RANGE (DeviceOffset), the output buffer
 * (direct I/O) receives SRAM from DeviceOffset. */
#define IOCTL_REFDRV_DMA_FROM_DEVICE \
	CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
/* INFO: out REFDRV_INFO. */
#define IOCTL_REFDRV_INFO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x805, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _REFDRV_RANGE {
	ULONG DeviceOffset; /* bytes into SRAM */
	ULONG Length;       /* bytes (CHECKSUM) */
} REFDRV_RANGE, *PREFDRV_RANGE;

/* How the driver connected its interrupt. */
#define REFDRV_MODE_LINE 1        /* INTx, possibly shared */
#define REFDRV_MODE_MSI_SINGLE 2  /* one message for every cause */
#define REFDRV_MODE_MSI_MULTI 3   /* a message per cause */

typedef struct _REFDRV_INFO {
	ULONG Mode;              /* REFDRV_MODE_* */
	ULONG MessageCount;      /* messages connected, 0 for a line */
	ULONG SramBytes;         /* BAR2's length */
	ULONG Dma64;             /* the device may use addresses above 4 GiB */
	ULONG Interrupts;        /* ISR calls that claimed */
	ULONG Dpcs;              /* DPC runs */
	ULONG Errors;            /* device errors seen */
	ULONG MapRegisters;      /* granted by the DMA adapter */
	LONGLONG Bar0;           /* bus address of the registers */
	ULONG ModerationUs;      /* registry InterruptModerationUs in effect, 0: off */
	ULONG Polled;            /* completions found by polling, not interrupts */
} REFDRV_INFO, *PREFDRV_INFO;

#endif /* REFDRV_H */
