/*
 * examples/refdrv/refdrv-entry.h - the reference driver's DriverEntry as a
 * harness passes it to hostos_driver_load(): HOSTOS_DRIVER_ENTRY's type
 * (examples/refdrv/entry.c converts it). Plain C, for the harness side.
 */
#ifndef PCISIM_EXAMPLES_REFDRV_ENTRY_H
#define PCISIM_EXAMPLES_REFDRV_ENTRY_H

extern void (*const refdrv_entry)(void);

#endif /* PCISIM_EXAMPLES_REFDRV_ENTRY_H */
