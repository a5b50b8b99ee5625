/*
 * tests/hostos/io/drivers/io-filter.h - "iofilt", an upper filter driver
 * for the I/O manager tests: it attaches above iodrv's FDO and passes
 * everything down, counting. Plain C types only.
 */
#ifndef PCISIM_TESTS_HOSTOS_IO_FILTER_H
#define PCISIM_TESTS_HOSTOS_IO_FILTER_H

struct iofilt_obs {
	int entry_calls, add_calls, unload_calls, removes;
	int irps[28];          /* by major function */
	int completions;       /* device control completion routine calls */
	int pending_seen;      /* of those, with PendingReturned */
	int stack_size;        /* its device object's StackSize */
	int add_order;         /* iodrv_obs.add_calls when its AddDevice ran */
};
extern struct iofilt_obs iofilt_obs;

/* A mistake its AddDevice makes: 1 does not copy the transfer flags, 2
 * does not copy DeviceType, 3 sets both DO_BUFFERED_IO and DO_DIRECT_IO;
 * 0 none. */
extern int iofilt_bug;

/* DriverEntry, converted as hostos_driver_entry. */
extern void (*const iofilt_entry)(void);

#endif /* PCISIM_TESTS_HOSTOS_IO_FILTER_H */
