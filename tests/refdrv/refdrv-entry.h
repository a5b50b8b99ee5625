/*
 * tests/refdrv/refdrv-entry.h - the reference driver's DriverEntry as the
 * harness passes it to hostos_driver_load() (tests/refdrv/entry.c, built
 * with the driver flags, converts it).
 */
#ifndef PCISIM_TESTS_REFDRV_ENTRY_H
#define PCISIM_TESTS_REFDRV_ENTRY_H

extern void (*const refdrv_entry)(void);

#endif /* PCISIM_TESTS_REFDRV_ENTRY_H */
