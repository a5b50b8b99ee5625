/*
 * tests/hostos/io/drivers/io-legacy.h - "iolegacy", a legacy (non-PnP)
 * driver: DriverEntry creates its device and symbolic link, DriverUnload
 * deletes them. Plain C types only.
 */
#ifndef PCISIM_TESTS_HOSTOS_IO_LEGACY_H
#define PCISIM_TESTS_HOSTOS_IO_LEGACY_H

struct iolegacy_obs {
	int entry_calls, unload_calls, creates, closes, controls;
	unsigned flags_after_entry;   /* DEVICE_OBJECT.Flags seen by the first create */
};
extern struct iolegacy_obs iolegacy_obs;

/* DriverEntry, converted as hostos_driver_entry. */
extern void (*const iolegacy_entry)(void);

#endif /* PCISIM_TESTS_HOSTOS_IO_LEGACY_H */
