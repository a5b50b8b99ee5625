/*
 * hostos/include/ntddk.h - <ntddk.h> for drivers on pcisim's mock host OS.
 *
 * On Windows, ntddk.h is wdm.h plus the routines and types of non-WDM
 * kernel drivers. The mock has one of those extras, the obsolete
 * HalGetAdapter, so that DMA Verification can report its use; otherwise
 * a driver that includes <ntddk.h> gets exactly the surface wdm.h
 * documents, and anything else ntddk-only is a compile error.
 */
#ifndef PCISIM_HOSTOS_NTDDK_H
#define PCISIM_HOSTOS_NTDDK_H

#include <wdm.h>

/*
 * HalGetAdapter - the adapter of a device named by InterfaceType and
 * BusNumber, obsolete since Windows 2000 (IoGetDmaAdapter replaces it).
 * With DMA Verification: bug check 0xE6/0x1E. Without: NULL and a
 * warning, since a description without a device object names no
 * simulated device.
 */
NTHALAPI PADAPTER_OBJECT NTAPI HalGetAdapter(PDEVICE_DESCRIPTION DeviceDescription,
					     PULONG NumberOfMapRegisters);

#endif /* PCISIM_HOSTOS_NTDDK_H */
