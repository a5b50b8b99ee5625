/*
 * hostos/io-user.c - hostos/include/win32.h: the application routines on
 * top of hostos/io-file.c, with Windows' handle and OVERLAPPED rules and
 * the NTSTATUS to Win32 error mapping of the statuses drivers commonly
 * return.
 */
#include "hostos/include/win32.h"
#include "hostos/io-user-internal.h"

#define NT_PENDING 0x00000103
#define NT_SUCCESS_(s) ((int32_t)(s) >= 0)

static DWORD dos_error(int32_t st)
{
	switch ((uint32_t)st) {
	case 0x00000000: return ERROR_SUCCESS;
	case 0x00000103: return ERROR_IO_PENDING;
	case 0x80000005: return ERROR_MORE_DATA;          /* STATUS_BUFFER_OVERFLOW */
	case 0xC0000001: return ERROR_GEN_FAILURE;        /* STATUS_UNSUCCESSFUL */
	case 0xC0000002: return ERROR_INVALID_FUNCTION;   /* STATUS_NOT_IMPLEMENTED */
	case 0xC0000008: return ERROR_INVALID_HANDLE;
	case 0xC000000D: return ERROR_INVALID_PARAMETER;
	case 0xC000000E: return ERROR_FILE_NOT_FOUND;     /* STATUS_NO_SUCH_DEVICE */
	case 0xC0000010: return ERROR_INVALID_FUNCTION;   /* STATUS_INVALID_DEVICE_REQUEST */
	case 0xC0000011: return ERROR_HANDLE_EOF;
	case 0xC0000022: return ERROR_ACCESS_DENIED;
	case 0xC0000023: return ERROR_INSUFFICIENT_BUFFER;
	case 0xC0000033: return ERROR_INVALID_NAME;
	case 0xC0000034: return ERROR_FILE_NOT_FOUND;     /* STATUS_OBJECT_NAME_NOT_FOUND */
	case 0xC0000056: return ERROR_ACCESS_DENIED;      /* STATUS_DELETE_PENDING */
	case 0xC000009A: return 1450;                     /* ERROR_NO_SYSTEM_RESOURCES */
	case 0xC000009D: return ERROR_NOT_READY;          /* STATUS_DEVICE_NOT_CONNECTED */
	case 0xC00000A3: return ERROR_NOT_READY;
	case 0xC00000B5: return ERROR_SEM_TIMEOUT;        /* STATUS_IO_TIMEOUT */
	case 0xC00000BB: return ERROR_NOT_SUPPORTED;
	case 0xC0000120: return ERROR_OPERATION_ABORTED;  /* STATUS_CANCELLED */
	case 0xC0000184: return ERROR_BAD_COMMAND;        /* STATUS_INVALID_DEVICE_STATE */
	case 0xC0000185: return ERROR_IO_DEVICE;
	case 0xC0000206: return 1784;                     /* ERROR_INVALID_USER_BUFFER */
	case 0xC0000225: return ERROR_NOT_FOUND;
	case 0xC00002B6: return 1617;                     /* STATUS_DEVICE_REMOVED: ERROR_DEVICE_REMOVED */
	case 0x80000011: return ERROR_BUSY;               /* STATUS_DEVICE_BUSY */
	default: return ERROR_MR_MID_NOT_FOUND;
	}
}

static void set_error(DWORD e)
{
	*hostos_last_error() = e;
}

DWORD GetLastError(void)
{
	return *hostos_last_error();
}

void SetLastError(DWORD dwErrCode)
{
	set_error(dwErrCode);
}

HANDLE CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
		   LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
		   DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	int32_t st;
	void *f;

	(void)dwShareMode;
	(void)lpSecurityAttributes;
	(void)hTemplateFile;
	if (dwCreationDisposition != OPEN_EXISTING) {
		/* devices are opened, never created */
		set_error(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	f = hostos_file_open(lpFileName, (dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED) != 0,
			     (dwDesiredAccess & GENERIC_READ) != 0,
			     (dwDesiredAccess & GENERIC_WRITE) != 0, &st);
	if (!f) {
		set_error(dos_error(st));
		return INVALID_HANDLE_VALUE;
	}
	set_error(ERROR_SUCCESS);
	return f;
}

BOOL CloseHandle(HANDLE hObject)
{
	if (hostos_uevent_valid(hObject)) {
		hostos_uevent_close(hObject);
		return TRUE;
	}
	if (!hostos_file_valid(hObject)) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	hostos_file_close(hObject);
	return TRUE;
}

/* One request: synchronous on a synchronous handle, else overlapped
 * (which then needs an OVERLAPPED, as on Windows). */
static BOOL request(HANDLE h, struct hostos_uio *u, LPDWORD done, LPOVERLAPPED ov)
{
	int kind = hostos_file_kind(h);
	uint64_t info = 0;
	int32_t st;

	if (kind < 0) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (kind) {
		if (!ov) {
			set_error(ERROR_INVALID_PARAMETER);
			return FALSE;
		}
		if (ov->hEvent && !hostos_uevent_valid(ov->hEvent)) {
			set_error(ERROR_INVALID_HANDLE);
			return FALSE;
		}
		u->async = true;
		u->ov_status = (uint64_t *)&ov->Internal;
		u->ov_info = (uint64_t *)&ov->InternalHigh;
		u->ov_event = ov->hEvent;
		u->offset = (uint64_t)ov->OffsetHigh << 32 | ov->Offset;
		if (ov->hEvent)
			hostos_uevent_set(ov->hEvent, 0);
	} else if (ov) {
		u->offset = (uint64_t)ov->OffsetHigh << 32 | ov->Offset;
	}
	st = hostos_file_io(h, u, &info);
	if (st == NT_PENDING && u->async) {
		if (done)
			*done = 0;
		set_error(ERROR_IO_PENDING);
		return FALSE;
	}
	if (done)
		*done = (DWORD)info;
	if (!NT_SUCCESS_(st) || (uint32_t)st == 0x80000005u) {
		set_error(dos_error(st));
		return FALSE;
	}
	set_error(ERROR_SUCCESS);
	return TRUE;
}

BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
	      LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
	struct hostos_uio u = { .major = 0x03, .out = lpBuffer, .out_len = nNumberOfBytesToRead };

	return request(hFile, &u, lpNumberOfBytesRead, lpOverlapped);
}

BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
	       LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
	struct hostos_uio u = { .major = 0x04, .in = (void *)(uintptr_t)lpBuffer,
				.in_len = nNumberOfBytesToWrite };

	return request(hFile, &u, lpNumberOfBytesWritten, lpOverlapped);
}

BOOL DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer,
		     DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
		     LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped)
{
	struct hostos_uio u = { .major = 0x0e, .code = dwIoControlCode, .in = lpInBuffer,
				.in_len = nInBufferSize, .out = lpOutBuffer,
				.out_len = nOutBufferSize };

	return request(hDevice, &u, lpBytesReturned, lpOverlapped);
}

BOOL GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
			 LPDWORD lpNumberOfBytesTransferred, BOOL bWait)
{
	int32_t st;

	if (!lpOverlapped || !hostos_file_valid(hFile)) {
		set_error(lpOverlapped ? ERROR_INVALID_HANDLE : ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if ((int32_t)lpOverlapped->Internal == NT_PENDING) {
		if (!bWait) {
			set_error(ERROR_IO_INCOMPLETE);
			return FALSE;
		}
		if (lpOverlapped->hEvent)
			hostos_uevent_wait(lpOverlapped->hEvent, INFINITE);
		else
			hostos_file_wait(hFile, (const volatile uint64_t *)&lpOverlapped->Internal);
		if ((int32_t)lpOverlapped->Internal == NT_PENDING) {
			/* the event was set by something else */
			set_error(ERROR_IO_INCOMPLETE);
			return FALSE;
		}
	}
	st = (int32_t)lpOverlapped->Internal;
	if (lpNumberOfBytesTransferred)
		*lpNumberOfBytesTransferred = (DWORD)lpOverlapped->InternalHigh;
	if (!NT_SUCCESS_(st) || (uint32_t)st == 0x80000005u) {
		set_error(dos_error(st));
		return FALSE;
	}
	set_error(ERROR_SUCCESS);
	return TRUE;
}

BOOL CancelIo(HANDLE hFile)
{
	if (!hostos_file_valid(hFile)) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	hostos_file_cancel(hFile, NULL);
	return TRUE;
}

BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped)
{
	if (!hostos_file_valid(hFile)) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (!hostos_file_cancel(hFile, lpOverlapped ? (const uint64_t *)&lpOverlapped->Internal
						    : NULL)) {
		set_error(ERROR_NOT_FOUND);
		return FALSE;
	}
	return TRUE;
}

HANDLE CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
		    BOOL bInitialState, LPCSTR lpName)
{
	void *e;

	(void)lpEventAttributes;
	(void)lpName;
	e = hostos_uevent_create(bManualReset != 0, bInitialState != 0);
	if (!e)
		set_error(ERROR_NOT_ENOUGH_MEMORY);
	return e;
}

BOOL SetEvent(HANDLE hEvent)
{
	if (!hostos_uevent_valid(hEvent)) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	hostos_uevent_set(hEvent, 1);
	return TRUE;
}

BOOL ResetEvent(HANDLE hEvent)
{
	if (!hostos_uevent_valid(hEvent)) {
		set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	hostos_uevent_set(hEvent, 0);
	return TRUE;
}

DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	int r = hostos_uevent_wait(hHandle, dwMilliseconds);

	if (r < 0) {
		set_error(ERROR_INVALID_HANDLE);
		return WAIT_FAILED;
	}
	return r ? WAIT_TIMEOUT : WAIT_OBJECT_0;
}
