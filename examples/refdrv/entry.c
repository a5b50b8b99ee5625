/*
 * examples/refdrv/entry.c - the reference driver's DriverEntry, converted
 * for hostos_driver_load() (hostos/io.h), for the harnesses that load it
 * (the command, tests/refdrv): Windows code, built with the driver.
 */
#include <wdm.h>

#include "refdrv-entry.h"

DRIVER_INITIALIZE DriverEntry;

void (*const refdrv_entry)(void) = (void (*)(void))DriverEntry;
