/*
 * bench/drivers/ioctl-echo.h - the driver side of hostos_ioctl_roundtrip:
 * a minimal PnP function driver whose device (\\.\BenchEcho) completes
 * IOCTL_BENCH_ECHO (METHOD_BUFFERED) in its dispatch routine, copying the
 * input to the output. Plain C types only.
 */
#ifndef PCISIM_BENCH_IOCTL_ECHO_H
#define PCISIM_BENCH_IOCTL_ECHO_H

#define IOCTL_BENCH_ECHO CTL_CODE(0x8000u, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* DriverEntry, converted as hostos_driver_entry. */
extern void (*const bench_echo_entry)(void);

#endif /* PCISIM_BENCH_IOCTL_ECHO_H */
