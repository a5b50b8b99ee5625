/*
 * hostos/include/wdm-interrupt.h - part of <wdm.h>: device objects of
 * enumerated functions, their resources (CM_RESOURCE_LIST), and interrupt
 * objects. Include <wdm.h>, not this file.
 */
#ifndef PCISIM_HOSTOS_WDM_INTERRUPT_H
#define PCISIM_HOSTOS_WDM_INTERRUPT_H

#endif /* PCISIM_HOSTOS_WDM_INTERRUPT_H */
