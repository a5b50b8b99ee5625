/*
 * hostos/include/wdm-sync.h - part of <wdm.h>: timers, events, waits,
 * mutexes, time, work items and system threads. Include <wdm.h>, not this
 * file.
 */
#ifndef PCISIM_HOSTOS_WDM_SYNC_H
#define PCISIM_HOSTOS_WDM_SYNC_H

#endif /* PCISIM_HOSTOS_WDM_SYNC_H */
