/*
 * hostos/io-user-internal.h - between the application side
 * (hostos/io-user.c, which includes hostos/include/win32.h) and the I/O
 * manager (hostos/io-file.c, which includes <wdm.h>): the two Windows
 * surfaces cannot meet in one translation unit, so they talk through
 * these plain C declarations. Not installed. Statuses are NTSTATUS
 * values as int32_t. Everything here runs on a host OS thread.
 */
#ifndef PCISIM_HOSTOS_IO_USER_INTERNAL_H
#define PCISIM_HOSTOS_IO_USER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* One read, write or device control request of an application. */
struct hostos_uio {
	uint8_t major;          /* IRP_MJ_READ, _WRITE, _DEVICE_CONTROL */
	uint32_t code;          /* the I/O control code */
	void *in;
	uint32_t in_len;
	void *out;
	uint32_t out_len;
	uint64_t offset;        /* byte offset of a read or write */
	bool async;             /* overlapped: do not wait */
	uint64_t *ov_status;    /* async: OVERLAPPED.Internal, .InternalHigh */
	uint64_t *ov_info;
	void *ov_event;         /* async: a user event to set, or NULL */
};

/* Open \\.\<link>[\<rest>]: IRP_MJ_CREATE to the top of the stack. NULL
 * with *@status the failure. */
void *hostos_file_open(const char *path, bool overlapped, bool read, bool write,
		       int32_t *status);
/* IRP_MJ_CLEANUP, a wait for the handle's requests to finish,
 * IRP_MJ_CLOSE. */
int32_t hostos_file_close(void *file);
bool hostos_file_valid(void *file);
/* -1: not an open file handle; 0: synchronous; 1: overlapped. */
int hostos_file_kind(void *file);
/* Sends the request; a synchronous one waits for its completion. Returns
 * the final status, or STATUS_PENDING (0x103) for an async request the
 * driver pended; *@info the bytes transferred when not pending. */
int32_t hostos_file_io(void *file, struct hostos_uio *u, uint64_t *info);
/* IoCancelIrp of the calling thread's requests on @file (@ov_status NULL)
 * or of the one whose OVERLAPPED.Internal is at @ov_status. Returns 0
 * when none was found. */
int hostos_file_cancel(void *file, const uint64_t *ov_status);
/* The file's own event, set at each completion (GetOverlappedResult with
 * no event in the OVERLAPPED). */
void *hostos_file_event(void *file);
/* Wait on the file's own event until *@status is no longer STATUS_PENDING
 * (GetOverlappedResult without an event in the OVERLAPPED). */
void hostos_file_wait(void *file, const volatile uint64_t *status);

/* Events of the application (CreateEvent). */
void *hostos_uevent_create(bool manual, bool initial);
bool hostos_uevent_valid(void *e);
void hostos_uevent_set(void *e, bool signalled);
/* 0: signalled; 1: timed out. @ms UINT32_MAX waits forever. */
int hostos_uevent_wait(void *e, uint32_t ms);
void hostos_uevent_close(void *e);

/* The calling thread's last error (GetLastError). */
uint32_t *hostos_last_error(void);

#endif /* PCISIM_HOSTOS_IO_USER_INTERNAL_H */
