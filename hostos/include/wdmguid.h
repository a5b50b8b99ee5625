/*
 * hostos/include/wdmguid.h - the GUIDs of <wdmguid.h> a driver on the mock
 * uses: GUID_BUS_INTERFACE_STANDARD (IRP_MN_QUERY_INTERFACE). Each is a
 * static constant of the including translation unit, so <initguid.h> is
 * not needed (and does not exist here).
 */
#ifndef PCISIM_HOSTOS_WDMGUID_H
#define PCISIM_HOSTOS_WDMGUID_H

#include "wdm.h"

static const GUID GUID_BUS_INTERFACE_STANDARD __attribute__((unused)) = {
	0x496b8280, 0x6f25, 0x11d0, { 0xbe, 0xaf, 0x08, 0x00, 0x2b, 0xe2, 0x09, 0x2f }
};

#endif /* PCISIM_HOSTOS_WDMGUID_H */
