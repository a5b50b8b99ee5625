/*
 * hostos/include/win32.h - the application's side of the mock Windows:
 * what a test (or the command) calls, acting as a user-mode program, to
 * talk to a driver through its symbolic link: CreateFile, ReadFile,
 * WriteFile, DeviceIoControl, CloseHandle, synchronous or overlapped
 * (OVERLAPPED with an event, GetOverlappedResult, CancelIo, CancelIoEx),
 * events (CreateEvent, SetEvent, ResetEvent, WaitForSingleObject) and
 * GetLastError. Never include it in driver code, nor together with
 * <wdm.h>: the two are different worlds (as windows.h and wdm.h are).
 *
 * Every routine here must be called from a host OS thread at
 * PASSIVE_LEVEL (hostos_thread_start()): it is the application's thread,
 * and a synchronous request blocks it until the driver completes the IRP
 * (the simulation goes on meanwhile). Names are ANSI (the A forms; the
 * plain names are those); an application's C file needs no special
 * compile flags. Types and values are those of the Windows SDK for x64.
 *
 * Error codes: a failing call returns FALSE (or INVALID_HANDLE_VALUE) and
 * sets the thread's last error, mapped from the NTSTATUS as Windows maps
 * it (RtlNtStatusToDosError) for the statuses drivers commonly return;
 * others map to ERROR_MR_MID_NOT_FOUND (317).
 */
#ifndef PCISIM_HOSTOS_WIN32_H
#define PCISIM_HOSTOS_WIN32_H

#include <stddef.h>
#include <stdint.h>

#ifndef PCISIM_HOSTOS_WDM_H
typedef void *HANDLE, *PVOID, *LPVOID;
typedef unsigned long long ULONG_PTR;
#endif
typedef const void *LPCVOID;
typedef unsigned int DWORD, *LPDWORD;
typedef int BOOL;
typedef const char *LPCSTR;
/* The SDK's base types for interface headers shared with a driver (an
 * IOCTL's structures): LLP64, ULONG and LONG are 32-bit. */
#ifndef PCISIM_HOSTOS_WDM_H
typedef unsigned int ULONG, *PULONG;
typedef int LONG;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
#endif
typedef struct _SECURITY_ATTRIBUTES *LPSECURITY_ATTRIBUTES;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Members as the SDK has them: Internal is the NTSTATUS (STATUS_PENDING
 * while in progress), InternalHigh the bytes transferred. */
typedef struct _OVERLAPPED {
	ULONG_PTR Internal;
	ULONG_PTR InternalHigh;
	union {
		struct {
			DWORD Offset;
			DWORD OffsetHigh;
		};
		PVOID Pointer;
	};
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0x00000000u
#define WAIT_TIMEOUT 0x00000102u
#define WAIT_FAILED 0xFFFFFFFFu

#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define OPEN_EXISTING 3
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_FLAG_OVERLAPPED 0x40000000

/* winioctl.h */
#ifndef CTL_CODE
#define CTL_CODE(DeviceType, Function, Method, Access) \
	(((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define METHOD_BUFFERED 0
#define METHOD_IN_DIRECT 1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER 3
#define FILE_ANY_ACCESS 0
#define FILE_READ_ACCESS 0x0001
#define FILE_WRITE_ACCESS 0x0002
#define FILE_DEVICE_UNKNOWN 0x00000022
#endif

#define ERROR_SUCCESS 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_NOT_READY 21
#define ERROR_GEN_FAILURE 31
#define ERROR_HANDLE_EOF 38
#define ERROR_NOT_SUPPORTED 50
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_NAME 123
#define ERROR_BUSY 170
#define ERROR_MORE_DATA 234
#define ERROR_MR_MID_NOT_FOUND 317
#define ERROR_BAD_COMMAND 22
#define ERROR_SEM_TIMEOUT 121
#define ERROR_NO_SUCH_DEVICE 433
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_DEVICE_NOT_CONNECTED 1167
#define ERROR_NOT_FOUND 1168
#define ERROR_IO_DEVICE 1117

HANDLE CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
		   LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
		   DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
#define CreateFile CreateFileA
BOOL CloseHandle(HANDLE hObject);
BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
	      LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
	       LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
BOOL DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer,
		     DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
		     LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped);
BOOL GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
			 LPDWORD lpNumberOfBytesTransferred, BOOL bWait);
BOOL CancelIo(HANDLE hFile);
BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
HANDLE CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
		    BOOL bInitialState, LPCSTR lpName);
#define CreateEvent CreateEventA
BOOL SetEvent(HANDLE hEvent);
BOOL ResetEvent(HANDLE hEvent);
DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD GetLastError(void);
void SetLastError(DWORD dwErrCode);

#endif /* PCISIM_HOSTOS_WIN32_H */
