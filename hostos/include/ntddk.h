/*
 * hostos/include/ntddk.h - <ntddk.h> for drivers on pcisim's mock host OS.
 *
 * On Windows, ntddk.h is wdm.h plus the routines and types of non-WDM
 * kernel drivers. The mock supports none of those extras yet, so this
 * header is <wdm.h> under the other name: a driver that includes
 * <ntddk.h> gets exactly the surface wdm.h documents, and anything
 * ntddk-only is a compile error.
 */
#ifndef PCISIM_HOSTOS_NTDDK_H
#define PCISIM_HOSTOS_NTDDK_H

#include <wdm.h>

#endif /* PCISIM_HOSTOS_NTDDK_H */
