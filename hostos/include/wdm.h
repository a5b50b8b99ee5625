/*
 * hostos/include/wdm.h - the Windows kernel surface a WDM driver includes
 * as <wdm.h>, for driver code that runs on pcisim's mock host OS.
 *
 * A driver translation unit includes this header exactly as it would the
 * WDK's and compiles unchanged, as long as it uses only what is declared
 * here. Everything else the WDK has is missing on purpose: a routine the
 * mock does not implement is a compile error (an undeclared identifier),
 * never a silent stub. README.md ("The Windows compile model") lists what
 * exists.
 *
 * Names, types, values, signatures and structure layouts are those of the
 * Windows Driver Kit for x64 (documented on Microsoft's WDK reference
 * pages; undocumented layouts follow the public DDK headers of mingw-w64
 * and ReactOS, checked by tests/hostos/compile). The declarations and
 * comments are pcisim's own.
 *
 * Compile model (driver translation units only):
 *   - Windows' LLP64 types: LONG and ULONG are 32-bit, pointers and
 *     ULONG_PTR 64-bit, so LONG is `int` here, not `long`.
 *   - WCHAR is a 16-bit `unsigned short`; L"" literals need
 *     `-fshort-wchar` so that they are 16-bit too. The library behind
 *     this header is built without that flag and never uses wchar_t.
 *   - Flags: -fshort-wchar -Wno-multichar -Wno-unknown-pragmas
 *     -Werror=implicit-function-declaration (Meson: hostos_driver_args;
 *     pkg-config: pcisim-driver).
 *   - SAL and __drv annotations are defined away.
 *   - __try/__except/__finally compile, but no exception is ever caught:
 *     the __try block runs, the __except block never runs and its filter
 *     is never evaluated, the __finally block runs after the __try block
 *     when that falls through (not after a return, break or goto out of
 *     it). __leave is not supported and is a compile error.
 *   - DBG defaults to 1 (a checked build): ASSERT, NT_ASSERT, PAGED_CODE
 *     and KdPrint are active. Define DBG=0 for the free-build forms.
 *
 * Routines marked "core" are implemented by the mock kernel (the .c files
 * of hostos/, beside include/) and may only be called from driver code
 * running on a host OS thread; the others (Rtl*, Dbg*, Interlocked*, the
 * list helpers while the lists are sound) work anywhere.
 */
#ifndef PCISIM_HOSTOS_WDM_H
#define PCISIM_HOSTOS_WDM_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#ifndef DBG
#define DBG 1
#endif

/* x64, as the WDK's build environment defines for an amd64 target. */
#ifndef _AMD64_
#define _AMD64_ 1
#endif
#ifndef _WIN64
#define _WIN64 1
#endif

/* ------------------------------------------------------------------ */
/* Calling conventions and declaration specifiers (all x64 no-ops)     */
/* ------------------------------------------------------------------ */

#define NTAPI
#define NTAPI_INLINE
#define NTSYSAPI
#define NTSYSCALLAPI
#define NTKERNELAPI
#define NTHALAPI
#define FASTCALL
#define __cdecl
#define __stdcall
#define __fastcall
#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define UNALIGNED
#define RESTRICTED_POINTER
#define POINTER_ALIGNMENT
#define DECLSPEC_IMPORT
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define DECLSPEC_SELECTANY __attribute__((weak))
#define FORCEINLINE static inline __attribute__((always_inline))
#define __forceinline inline __attribute__((always_inline))
#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif
#define __int64 long long
#define __int32 int
#define __int16 short
#define __int8 char

/* ------------------------------------------------------------------ */
/* SAL 2 and __drv annotations: defined away                           */
/* ------------------------------------------------------------------ */

#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(s)
#define _In_reads_opt_(s)
#define _In_reads_bytes_(s)
#define _In_reads_bytes_opt_(s)
#define _In_reads_z_(s)
#define _In_reads_or_z_(s)
#define _In_range_(l, h)
#define _In_defensive_(a)
#define _Out_
#define _Out_opt_
#define _Out_z_
#define _Out_writes_(s)
#define _Out_writes_opt_(s)
#define _Out_writes_bytes_(s)
#define _Out_writes_bytes_opt_(s)
#define _Out_writes_to_(s, c)
#define _Out_writes_to_opt_(s, c)
#define _Out_writes_bytes_to_(s, c)
#define _Out_writes_bytes_to_opt_(s, c)
#define _Out_writes_all_(s)
#define _Out_writes_bytes_all_(s)
#define _Out_writes_z_(s)
#define _Out_range_(l, h)
#define _Out_defensive_(a)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(s)
#define _Inout_updates_opt_(s)
#define _Inout_updates_bytes_(s)
#define _Inout_updates_bytes_opt_(s)
#define _Inout_updates_z_(s)
#define _Inout_defensive_(a)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_nullonfailure_
#define _Outptr_result_buffer_(s)
#define _Outptr_result_bytebuffer_(s)
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_in_range_(l, h)
#define _Deref_out_range_(l, h)
#define _Ret_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_z_
#define _Ret_range_(l, h)
#define _Ret_writes_(s)
#define _Ret_writes_bytes_(s)
#define _Ret_writes_maybenull_(s)
#define _Ret_writes_bytes_maybenull_(s)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Return_type_success_(e)
#define _Success_(e)
#define _Check_return_
#define _Must_inspect_result_
#define _Always_(a)
#define _On_failure_(a)
#define _When_(c, a)
#define _At_(t, a)
#define _At_buffer_(t, i, b, a)
#define _Pre_
#define _Post_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_valid_
#define _Pre_invalid_
#define _Pre_satisfies_(e)
#define _Pre_defensive_
#define _Post_notnull_
#define _Post_maybenull_
#define _Post_valid_
#define _Post_invalid_
#define _Post_satisfies_(e)
#define _Post_defensive_
#define _Post_writable_byte_size_(s)
#define _Post_equal_to_(e)
#define _Field_size_(s)
#define _Field_size_opt_(s)
#define _Field_size_bytes_(s)
#define _Field_size_bytes_opt_(s)
#define _Field_size_part_(s, c)
#define _Field_size_bytes_part_(s, c)
#define _Field_range_(l, h)
#define _Field_z_
#define _Struct_size_bytes_(s)
#define _Readable_bytes_(s)
#define _Writable_bytes_(s)
#define _Readable_elements_(s)
#define _Writable_elements_(s)
#define _Null_
#define _Notnull_
#define _Maybenull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Const_
#define _Literal_
#define _Notliteral_
#define _Points_to_data_
#define _Strict_type_match_
#define _Reserved_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Printf_format_string_
#define _Analysis_assume_(e)
#define _Analysis_mode_(m)
#define _Analysis_noreturn_
#define _Use_decl_annotations_
#define _Function_class_(x)
#define _Dispatch_type_(x)
#define _Unreferenced_parameter_
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_requires_same_
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, o)
#define _IRQL_restores_global_(k, o)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _IRQL_always_function_max_(i)
#define _IRQL_always_function_min_(i)
#define _Kernel_clear_do_init_(y)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_requires_resource_held_(k)
#define _Kernel_requires_resource_not_held_(k)
#define _Kernel_acquires_resource_(k)
#define _Kernel_releases_resource_(k)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Requires_no_locks_held_
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Acquires_shared_lock_(l)
#define _Releases_shared_lock_(l)
#define _Guarded_by_(l)
#define _Write_guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _Has_lock_kind_(k)
#define _Has_lock_level_(n)
#define _Create_lock_level_(n)
#define _Lock_level_order_(a, b)
#define _Post_same_lock_(a, b)
#define _No_competing_thread_
#define _Benign_race_begin_
#define _Benign_race_end_
#define _Lock_kind_spin_lock_
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_arg(e, a)
#define __drv_at(e, a)
#define __drv_when(c, a)
#define __drv_in(a)
#define __drv_out(a)
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_setsIRQL(i)
#define __drv_raisesIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(k, o)
#define __drv_restoresIRQLGlobal(k, o)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_maxFunctionIRQL(i)
#define __drv_minFunctionIRQL(i)
#define __drv_dispatchType(k)
#define __drv_dispatchType_other
#define __drv_functionClass(x)
#define __drv_acquiresResource(k)
#define __drv_releasesResource(k)
#define __drv_mustHold(k)
#define __drv_neverHold(k)
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_inTry
#define __drv_clearDoInit(b)
#define __drv_reportError(s)
#define __drv_preferredFunction(f, r)
#define __drv_isObjectPointer
#define __drv_strictType(t, m)
#define __drv_strictTypeMatch(m)
#define __drv_valueIs(l)
#define __drv_constant
#define __drv_nonConstant
#define __drv_formatString(k)
#define __drv_floatSaved
#define __drv_floatRestored
#define __drv_floatUsed
/* Older (SAL 1) spellings still found in driver samples. */
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __in_bcount(s)
#define __in_bcount_opt(s)
#define __in_ecount(s)
#define __in_ecount_opt(s)
#define __out_bcount(s)
#define __out_bcount_opt(s)
#define __out_ecount(s)
#define __out_ecount_opt(s)
#define __inout_bcount(s)
#define __inout_ecount(s)
#define __deref_out
#define __deref_out_opt
#define __checkReturn
#define __callback
#define __reserved
#define __nullterminated
#define __field_bcount(s)
#define __field_ecount(s)

/* ------------------------------------------------------------------ */
/* Basic types (LLP64)                                                 */
/* ------------------------------------------------------------------ */

#define VOID void
typedef void *PVOID;
typedef char CHAR, *PCHAR, *PCH, *LPCH, *PSTR, *LPSTR, *PSZ, CCHAR;
typedef const char *PCCH, *LPCCH, *PCSTR, *LPCSTR, *PCSZ;
typedef unsigned char UCHAR, *PUCHAR;
typedef short SHORT, *PSHORT, CSHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef int LONG, *PLONG, LONG32, *PLONG32, INT32, *PINT32;
typedef unsigned int ULONG, *PULONG, ULONG32, *PULONG32, UINT32, *PUINT32,
	CLONG, *PCLONG;
typedef int INT;
typedef long long LONGLONG, *PLONGLONG, LONG64, *PLONG64, INT64, *PINT64;
typedef unsigned long long ULONGLONG, *PULONGLONG, ULONG64, *PULONG64,
	UINT64, *PUINT64, DWORD64, *PDWORD64;
typedef long long LONG_PTR, *PLONG_PTR, INT_PTR, *PINT_PTR, SSIZE_T,
	*PSSIZE_T;
typedef unsigned long long ULONG_PTR, *PULONG_PTR, UINT_PTR, *PUINT_PTR,
	SIZE_T, *PSIZE_T, DWORD_PTR, *PDWORD_PTR;
typedef unsigned char BOOLEAN, *PBOOLEAN;
typedef ULONG LOGICAL, *PLOGICAL;
/* 16-bit, as on Windows; never wchar_t (see the top of this file). */
typedef unsigned short WCHAR, *PWCHAR, *PWCH, *LPWCH, *PWSTR, *LPWSTR;
typedef const unsigned short *PCWCH, *LPCWCH, *PCWSTR, *LPCWSTR;
typedef void *HANDLE, **PHANDLE;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef LONG KPRIORITY;
typedef UCHAR KIRQL, *PKIRQL;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;
typedef CCHAR KPROCESSOR_MODE;
typedef PVOID PSECURITY_DESCRIPTOR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define UNICODE_NULL ((WCHAR)0)
#define ANSI_NULL ((CHAR)0)

#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffff
#define MAXLONGLONG (0x7fffffffffffffffLL)
#define MAXULONG_PTR (~((ULONG_PTR)0))
#define MAXLONG_PTR ((LONG_PTR)(MAXULONG_PTR >> 1))
#define MINLONG_PTR (~MAXLONG_PTR)

typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	struct {
		ULONG LowPart;
		ULONG HighPart;
	};
	struct {
		ULONG LowPart;
		ULONG HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _GUID {
	ULONG Data1;
	USHORT Data2;
	USHORT Data3;
	UCHAR Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *LPCGUID;

/* ------------------------------------------------------------------ */
/* General macros                                                      */
/* ------------------------------------------------------------------ */

#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) \
	(FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define CONTAINING_RECORD(address, type, field) \
	((type *)((PCHAR)(address) - (ULONG_PTR)(&((type *)0)->field)))
#define ARGUMENT_PRESENT(ArgumentPointer) ((CHAR *)((ULONG_PTR)(ArgumentPointer)) != (CHAR *)NULL)
#define RTL_NUMBER_OF(a) (sizeof(a) / sizeof((a)[0]))
#define RTL_NUMBER_OF_V1(a) RTL_NUMBER_OF(a)
#define RTL_NUMBER_OF_V2(a) RTL_NUMBER_OF(a)
#define ARRAYSIZE(a) RTL_NUMBER_OF(a)
#define _ARRAYSIZE(a) RTL_NUMBER_OF(a)
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define C_ASSERT(e) _Static_assert(e, #e)
#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

/* ------------------------------------------------------------------ */
/* Structured exception handling: spelled, never catching              */
/* ------------------------------------------------------------------ */

/* Exception filter results (excpt.h). */
#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

/*
 * `__try { A } __except (filter) { B }` runs A; B never runs and filter is
 * never evaluated (there are no exceptions to catch: a fault in A is a
 * crash, as a fault at DISPATCH_LEVEL is on Windows). The if/else shape
 * keeps break and continue inside A meaning what they mean in C; the
 * filter may contain top-level commas, as with MSVC's keyword.
 * `__try { A } __finally { B }` runs A, then B when A falls through.
 * __leave would need a jump target these macros cannot name, so it is an
 * error rather than a different statement.
 */
#define __try if (1)
#define __except(...) else if (((void)(__VA_ARGS__)), 0)
#define __finally
#define __leave __leave_is_not_supported_by_pcisim_hostos
/* Only meaningful inside a filter or an __except block, which never run. */
#define GetExceptionCode() ((NTSTATUS)0)

/* ------------------------------------------------------------------ */
/* NTSTATUS                                                            */
/* ------------------------------------------------------------------ */

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status) ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status) ((((ULONG)(Status)) >> 30) == 3)

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_WAIT_0 ((NTSTATUS)0x00000000L)
#define STATUS_WAIT_1 ((NTSTATUS)0x00000001L)
#define STATUS_WAIT_2 ((NTSTATUS)0x00000002L)
#define STATUS_WAIT_3 ((NTSTATUS)0x00000003L)
#define STATUS_WAIT_63 ((NTSTATUS)0x0000003FL)
#define STATUS_ABANDONED ((NTSTATUS)0x00000080L)
#define STATUS_ABANDONED_WAIT_0 ((NTSTATUS)0x00000080L)
#define STATUS_USER_APC ((NTSTATUS)0x000000C0L)
#define STATUS_KERNEL_APC ((NTSTATUS)0x00000100L)
#define STATUS_ALERTED ((NTSTATUS)0x00000101L)
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102L)
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#define STATUS_REPARSE ((NTSTATUS)0x00000104L)
#define STATUS_MORE_ENTRIES ((NTSTATUS)0x00000105L)
#define STATUS_CONTINUE_COMPLETION STATUS_SUCCESS
#define STATUS_GUARD_PAGE_VIOLATION ((NTSTATUS)0x80000001L)
#define STATUS_DATATYPE_MISALIGNMENT ((NTSTATUS)0x80000002L)
#define STATUS_BREAKPOINT ((NTSTATUS)0x80000003L)
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)0x80000005L)
#define STATUS_DEVICE_BUSY ((NTSTATUS)0x80000011L)
#define STATUS_NO_MORE_ENTRIES ((NTSTATUS)0x8000001AL)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_INFO_CLASS ((NTSTATUS)0xC0000003L)
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#define STATUS_ACCESS_VIOLATION ((NTSTATUS)0xC0000005L)
#define STATUS_INVALID_HANDLE ((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_NO_SUCH_DEVICE ((NTSTATUS)0xC000000EL)
#define STATUS_INVALID_DEVICE_REQUEST ((NTSTATUS)0xC0000010L)
#define STATUS_END_OF_FILE ((NTSTATUS)0xC0000011L)
#define STATUS_MORE_PROCESSING_REQUIRED ((NTSTATUS)0xC0000016L)
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#define STATUS_ILLEGAL_INSTRUCTION ((NTSTATUS)0xC000001DL)
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#define STATUS_OBJECT_NAME_INVALID ((NTSTATUS)0xC0000033L)
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define STATUS_OBJECT_NAME_COLLISION ((NTSTATUS)0xC0000035L)
#define STATUS_DELETE_PENDING ((NTSTATUS)0xC0000056L)
#define STATUS_REVISION_MISMATCH ((NTSTATUS)0xC0000059L)
#define STATUS_INTEGER_OVERFLOW ((NTSTATUS)0xC0000095L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_DEVICE_DATA_ERROR ((NTSTATUS)0xC000009CL)
#define STATUS_DEVICE_NOT_CONNECTED ((NTSTATUS)0xC000009DL)
#define STATUS_DEVICE_NOT_READY ((NTSTATUS)0xC00000A3L)
#define STATUS_IO_TIMEOUT ((NTSTATUS)0xC00000B5L)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_DEVICE_DOES_NOT_EXIST ((NTSTATUS)0xC00000C0L)
#define STATUS_INTERNAL_ERROR ((NTSTATUS)0xC00000E5L)
#define STATUS_INVALID_USER_BUFFER ((NTSTATUS)0xC00000E8L)
#define STATUS_INVALID_PARAMETER_1 ((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2 ((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3 ((NTSTATUS)0xC00000F1L)
#define STATUS_NAME_TOO_LONG ((NTSTATUS)0xC0000106L)
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#define STATUS_INVALID_ADDRESS ((NTSTATUS)0xC0000141L)
#define STATUS_DEVICE_CONFIGURATION_ERROR ((NTSTATUS)0xC0000182L)
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)
#define STATUS_IO_DEVICE_ERROR ((NTSTATUS)0xC0000185L)
#define STATUS_INVALID_BUFFER_SIZE ((NTSTATUS)0xC0000206L)
#define STATUS_RETRY ((NTSTATUS)0xC000022DL)
#define STATUS_NOT_FOUND ((NTSTATUS)0xC0000225L)
#define STATUS_REQUEST_ABORTED ((NTSTATUS)0xC0000240L)
#define STATUS_DEVICE_REMOVED ((NTSTATUS)0xC00002B6L)

/* ------------------------------------------------------------------ */
/* Counted strings                                                     */
/* ------------------------------------------------------------------ */

/* Length and MaximumLength count bytes, not characters; Buffer need not
 * be NUL-terminated. */
typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
	USHORT Length;
	USHORT MaximumLength;
	PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING, OEM_STRING, *POEM_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING, *PCOEM_STRING;

/* An initializer for a counted string over a literal ("..." or L"..."):
 * Length excludes the terminating NUL, MaximumLength includes it. */
#define RTL_CONSTANT_STRING(s) \
	{ (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (void *)(s) }
#define DECLARE_CONST_UNICODE_STRING(_var, _string)                      \
	const WCHAR _var##_buffer[] = _string;                             \
	const UNICODE_STRING _var = { sizeof(_string) - sizeof(WCHAR),     \
				      sizeof(_string), (PWCH)_var##_buffer }
#define DECLARE_UNICODE_STRING_SIZE(_var, _size) \
	WCHAR _var##_buffer[_size];              \
	UNICODE_STRING _var = { 0, (_size) * sizeof(WCHAR), _var##_buffer }

/* Length = number of characters before the NUL times 2, MaximumLength =
 * Length + 2; a NULL source gives 0, 0 and a NULL Buffer. A source longer
 * than 32765 characters is cut to Length 0xFFFC. Any IRQL for a resident
 * string. */
NTSYSAPI VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString,
					   PCWSTR SourceString);
/* Length = strlen, MaximumLength = Length + 1; NULL gives 0, 0, NULL. A
 * source longer than 65534 bytes is cut to Length 0xFFFE. */
NTSYSAPI VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString,
					PCSZ SourceString);
NTSYSAPI VOID NTAPI RtlInitString(PSTRING DestinationString,
				    PCSZ SourceString);
/* Copies min(Source->Length, Destination->MaximumLength) bytes and sets
 * Destination->Length; NUL-terminates when room is left. A NULL source
 * sets Destination->Length to 0. */
NTSYSAPI VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
					   PCUNICODE_STRING SourceString);
/* TRUE when both strings have the same length and characters.
 * CaseInSensitive compares upper-cased characters; the mock's upper-case
 * mapping covers ASCII and Latin-1 (U+0000-U+00FF) only, other characters
 * compare as they are. */
NTSYSAPI BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1,
					       PCUNICODE_STRING String2,
					       BOOLEAN CaseInSensitive);
/* < 0, 0 or > 0 as String1 sorts before, equal to or after String2 (by
 * code unit, then by length); same case mapping as RtlEqualUnicodeString. */
NTSYSAPI LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1,
					      PCUNICODE_STRING String2,
					      BOOLEAN CaseInSensitive);
/* The upper-case form of one character (ASCII and Latin-1 only, see
 * RtlEqualUnicodeString). */
NTSYSAPI WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

#define RtlEqualMemory(Destination, Source, Length) \
	(!memcmp((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) \
	memmove((Destination), (Source), (Length))
#define RtlCopyMemory(Destination, Source, Length) \
	memcpy((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) \
	memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlSecureZeroMemory(Destination, Length) \
	RtlSecureZeroMemory_((Destination), (Length))
FORCEINLINE PVOID RtlSecureZeroMemory_(PVOID ptr, SIZE_T cnt)
{
	volatile char *p = (volatile char *)ptr;

	while (cnt--)
		*p++ = 0;
	return ptr;
}
/* The number of bytes, from the start, that are equal in both blocks
 * (Length when all are). Any IRQL for resident memory. */
NTSYSAPI SIZE_T NTAPI RtlCompareMemory(const VOID *Source1,
				       const VOID *Source2, SIZE_T Length);

/* ------------------------------------------------------------------ */
/* Doubly and singly linked lists                                      */
/* ------------------------------------------------------------------ */

typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *RESTRICTED_POINTER PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
	struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

/*
 * The WDK's inline helpers. As in the WDK since Windows 8, Insert* and
 * Remove* first check that the neighbouring links point back where they
 * should; a corrupted list is a fail-fast, which in kernel mode is bug
 * check 0x139 KERNEL_SECURITY_CHECK_FAILURE with P1 = 3
 * (FAST_FAIL_CORRUPT_LIST_ENTRY; P2 and P3, the trap frame and exception
 * record, are 0 here). Defining NO_KERNEL_LIST_ENTRY_CHECKS before
 * including this header turns the checks off, as in the WDK.
 * RemoveEntryList returns TRUE when the list is empty afterwards;
 * RemoveHeadList and RemoveTailList on an empty list return the head.
 */
#define KERNEL_SECURITY_CHECK_FAILURE 0x139
#define FAST_FAIL_CORRUPT_LIST_ENTRY 3

/* Core: declared here for the list checks (see KeBugCheckEx below). */
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI KeBugCheckEx(ULONG BugCheckCode,
						       ULONG_PTR BugCheckParameter1,
						       ULONG_PTR BugCheckParameter2,
						       ULONG_PTR BugCheckParameter3,
						       ULONG_PTR BugCheckParameter4);

#ifdef NO_KERNEL_LIST_ENTRY_CHECKS
#define HOSTOS_LIST_CHECK_(corrupt) ((void)0)
#else
#define HOSTOS_LIST_CHECK_(corrupt)                                          \
	do {                                                                 \
		if (corrupt)                                                 \
			KeBugCheckEx(KERNEL_SECURITY_CHECK_FAILURE,          \
				     FAST_FAIL_CORRUPT_LIST_ENTRY, 0, 0, 0); \
	} while (0)
#endif

FORCEINLINE VOID InitializeListHead(PLIST_ENTRY ListHead)
{
	ListHead->Flink = ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
	return (BOOLEAN)(ListHead->Flink == ListHead);
}

FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
	PLIST_ENTRY Flink = Entry->Flink;
	PLIST_ENTRY Blink = Entry->Blink;

	HOSTOS_LIST_CHECK_(Flink->Blink != Entry || Blink->Flink != Entry);
	Blink->Flink = Flink;
	Flink->Blink = Blink;
	return (BOOLEAN)(Flink == Blink);
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY Entry = ListHead->Flink;
	PLIST_ENTRY Flink = Entry->Flink;

	HOSTOS_LIST_CHECK_(Entry->Blink != ListHead || Flink->Blink != Entry);
	ListHead->Flink = Flink;
	Flink->Blink = ListHead;
	return Entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY Entry = ListHead->Blink;
	PLIST_ENTRY Blink = Entry->Blink;

	HOSTOS_LIST_CHECK_(Entry->Flink != ListHead || Blink->Flink != Entry);
	ListHead->Blink = Blink;
	Blink->Flink = ListHead;
	return Entry;
}

FORCEINLINE VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY Blink = ListHead->Blink;

	HOSTOS_LIST_CHECK_(Blink->Flink != ListHead);
	Entry->Flink = ListHead;
	Entry->Blink = Blink;
	Blink->Flink = Entry;
	ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY Flink = ListHead->Flink;

	HOSTOS_LIST_CHECK_(Flink->Blink != ListHead);
	Entry->Flink = Flink;
	Entry->Blink = ListHead;
	Flink->Blink = Entry;
	ListHead->Flink = Entry;
}

/* Links the list ListToAppend (whose first entry it points to; it has no
 * separate head) in at the tail of ListHead. Not checked, as in the WDK. */
FORCEINLINE VOID AppendTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListToAppend)
{
	PLIST_ENTRY ListEnd = ListHead->Blink;

	ListHead->Blink->Flink = ListToAppend;
	ListHead->Blink = ListToAppend->Blink;
	ListToAppend->Blink->Flink = ListHead;
	ListToAppend->Blink = ListEnd;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead)
{
	PSINGLE_LIST_ENTRY FirstEntry = ListHead->Next;

	if (FirstEntry != NULL)
		ListHead->Next = FirstEntry->Next;
	return FirstEntry;
}

FORCEINLINE VOID PushEntryList(PSINGLE_LIST_ENTRY ListHead,
			       PSINGLE_LIST_ENTRY Entry)
{
	Entry->Next = ListHead->Next;
	ListHead->Next = Entry;
}

/* ------------------------------------------------------------------ */
/* Interlocked operations: full barriers, any IRQL                     */
/* ------------------------------------------------------------------ */

/* Each returns what the WDK's does: Increment, Decrement and Add the new
 * value; Exchange, CompareExchange, ExchangeAdd, Or, And and Xor the
 * value before the operation. */
FORCEINLINE LONG InterlockedIncrement(LONG volatile *Addend)
{
	return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedDecrement(LONG volatile *Addend)
{
	return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
	return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedCompareExchange(LONG volatile *Destination,
					    LONG ExChange, LONG Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return Comperand;
}
FORCEINLINE LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
	return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedAdd(LONG volatile *Addend, LONG Value)
{
	return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
	return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedIncrement64(LONG64 volatile *Addend)
{
	return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedDecrement64(LONG64 volatile *Addend)
{
	return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedExchange64(LONG64 volatile *Target,
					 LONG64 Value)
{
	return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedCompareExchange64(LONG64 volatile *Destination,
						LONG64 ExChange,
						LONG64 Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return Comperand;
}
FORCEINLINE LONG64 InterlockedExchangeAdd64(LONG64 volatile *Addend,
					    LONG64 Value)
{
	return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedAdd64(LONG64 volatile *Addend, LONG64 Value)
{
	return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedOr64(LONG64 volatile *Destination, LONG64 Value)
{
	return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedAnd64(LONG64 volatile *Destination,
				    LONG64 Value)
{
	return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedXor64(LONG64 volatile *Destination,
				    LONG64 Value)
{
	return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE PVOID InterlockedExchangePointer(PVOID volatile *Target,
					     PVOID Value)
{
	return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination,
						    PVOID Exchange,
						    PVOID Comperand)
{
	__atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return Comperand;
}

/* A full memory barrier (KeMemoryBarrier) and a compiler-only one. */
FORCEINLINE VOID KeMemoryBarrier(VOID)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#define KeMemoryBarrierWithoutFence() __atomic_signal_fence(__ATOMIC_SEQ_CST)

/* ------------------------------------------------------------------ */
/* Debug output                                                        */
/* ------------------------------------------------------------------ */

/* DbgPrintEx levels: 0-31 name one bit of the component's filter mask;
 * a value with DPFLTR_MASK set is a mask itself. */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000

/* Component ids (the DPFLTR_TYPE values drivers use; the WDK has more). */
typedef enum _DPFLTR_TYPE {
	DPFLTR_SYSTEM_ID = 0,
	DPFLTR_PCI_ID = 66,
	DPFLTR_IHVDRIVER_ID = 77,
	DPFLTR_IHVVIDEO_ID = 78,
	DPFLTR_IHVAUDIO_ID = 79,
	DPFLTR_IHVNETWORK_ID = 80,
	DPFLTR_IHVSTREAMING_ID = 81,
	DPFLTR_IHVBUS_ID = 82,
	DPFLTR_DEFAULT_ID = 101,
} DPFLTR_TYPE;

/*
 * DbgPrint(Ex) and vDbgPrintEx format as the kernel's DbgPrint does and
 * send one message of at most 512 bytes (longer output is cut, as on
 * Windows) to the machine's trace and, on request, to stderr. DbgPrint
 * uses DPFLTR_DEFAULT_ID and DPFLTR_INFO_LEVEL. Formats: flags "-+ #0",
 * width and precision (also "*"), sizes h, hh, l (32-bit, as LONG), ll,
 * I64, I32, I (pointer-sized), z, t, j, w (wide); conversions d i u o x X
 * c s, p (16 upper-case hex digits), e E f g G a A, C and wc and lc (a
 * WCHAR), S ls ws (a NUL-terminated PCWSTR), Z (a PANSI_STRING), wZ (a
 * PUNICODE_STRING), %%. Wide characters print as UTF-8; a NULL string
 * prints "(null)"; %n and unknown conversions print as written, consuming
 * no argument. Returns STATUS_SUCCESS.
 */
NTSYSAPI ULONG __cdecl DbgPrint(PCSTR Format, ...);
NTSYSAPI ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level,
				  PCSTR Format, ...);
NTSYSAPI ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level,
				 PCCH Format, va_list arglist);

/* Double parentheses, as in the WDK: KdPrint(("x=%d\n", x)). */
#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define vKdPrintEx(_x_) vDbgPrintEx _x_
#else
#define KdPrint(_x_) ((VOID)0)
#define KdPrintEx(_x_) ((VOID)0)
#define vKdPrintEx(_x_) ((VOID)0)
#endif

/* ------------------------------------------------------------------ */
/* Assertions                                                          */
/* ------------------------------------------------------------------ */

/* Core: what a failed ASSERT calls (on Windows: a break into the kernel
 * debugger). The mock reports it as the driver's failure. */
NTSYSAPI VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
			      ULONG LineNumber, PSTR MutableMessage);

#if DBG
#define ASSERT(exp) \
	((VOID)((exp) ? 0 : (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), 0)))
#define ASSERTMSG(msg, exp) \
	((VOID)((exp) ? 0 : (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), 0)))
#define NT_ASSERT(exp) ASSERT(exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define NT_VERIFY(exp) \
	((exp) ? TRUE : (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), FALSE))
#define NT_VERIFYMSG(msg, exp) \
	((exp) ? TRUE : (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE))
#else
#define ASSERT(exp) ((VOID)0)
#define ASSERTMSG(msg, exp) ((VOID)0)
#define NT_ASSERT(exp) ((VOID)0)
#define NT_ASSERTMSG(msg, exp) ((VOID)0)
#define NT_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define NT_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#endif

/* ------------------------------------------------------------------ */
/* IRQL and processors                                                 */
/* ------------------------------------------------------------------ */

#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define SYNCH_LEVEL 12
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

#define MAXIMUM_PROCESSORS 64
#define ALL_PROCESSOR_GROUPS 0xffff

typedef struct _PROCESSOR_NUMBER {
	USHORT Group;
	UCHAR Number;
	UCHAR Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;

/* Core. The current CPU's IRQL (any IRQL). */
NTKERNELAPI KIRQL NTAPI KeGetCurrentIrql(VOID);
/* Core. Raises to NewIrql (>= the current IRQL) and returns the old one. */
NTHALAPI KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql);
#define KeRaiseIrql(a, b) *(b) = KfRaiseIrql(a)
/* Core. Lowers to NewIrql, the value the matching raise returned. */
NTHALAPI VOID FASTCALL KeLowerIrql(KIRQL NewIrql);
/* Core. Raise to DISPATCH_LEVEL / SYNCH_LEVEL, returning the old IRQL. */
NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID);
NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToSynchLevel(VOID);

/* Core. The current CPU's number in its group (group 0 here). */
NTKERNELAPI ULONG NTAPI KeGetCurrentProcessorNumber(VOID);
NTKERNELAPI ULONG NTAPI KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber);
/* Core. The number of CPUs, and their mask when ActiveProcessors is not
 * NULL. */
NTKERNELAPI ULONG NTAPI KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors);

/* Core. Busy-waits MicroSeconds of simulated time (any IRQL). */
NTHALAPI VOID NTAPI KeStallExecutionProcessor(ULONG MicroSeconds);

/* Core. Stops the machine with a bug check; never returns. KeBugCheckEx
 * is declared above, with the list helpers that call it. The WDK declares
 * KeBugCheck in ntddk.h only; here wdm.h has it too, for now (the core's
 * ke.c includes <wdm.h>), so include <ntddk.h> where it is used. */
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI KeBugCheck(ULONG BugCheckCode);

/* In a checked build (DBG), an assertion that the caller runs at
 * APC_LEVEL or below, reported through RtlAssert. */
#if DBG
#define PAGED_CODE()                                                       \
	do {                                                               \
		if (KeGetCurrentIrql() > APC_LEVEL)                        \
			RtlAssert((PVOID) "KeGetCurrentIrql() <= APC_LEVEL", \
				  (PVOID)__FILE__, __LINE__,               \
				  (PSTR) "pageable code called above APC_LEVEL"); \
	} while (0)
#else
#define PAGED_CODE() ((VOID)0)
#endif
#define PAGED_CODE_LOCKED() ((VOID)0)

/* ------------------------------------------------------------------ */
/* Spin locks                                                          */
/* ------------------------------------------------------------------ */

typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
	struct _KSPIN_LOCK_QUEUE *volatile Next;
	PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

/* Belongs on the acquiring code's stack, one per acquisition. */
typedef struct _KLOCK_QUEUE_HANDLE {
	KSPIN_LOCK_QUEUE LockQueue;
	KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

/* All core. IRQL rules as documented (spec section 2). */
NTKERNELAPI VOID NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
NTKERNELAPI KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
#define KeAcquireSpinLock(SpinLock, OldIrql) \
	*(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock)
NTKERNELAPI VOID NTAPI KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
NTKERNELAPI VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock);
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
							  PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(
	PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
NTKERNELAPI VOID FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(
	PKLOCK_QUEUE_HANDLE LockHandle);

/* ------------------------------------------------------------------ */
/* DPCs                                                                */
/* ------------------------------------------------------------------ */

struct _KDPC;
typedef VOID NTAPI KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext,
				     PVOID SystemArgument1,
				     PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

typedef enum _KDPC_IMPORTANCE {
	LowImportance,
	MediumImportance,
	HighImportance,
	MediumHighImportance
} KDPC_IMPORTANCE;

#define DPC_NORMAL 0
#define DPC_THREADED 1

/* Opaque to drivers (use the Ke routines); the fields follow the x64
 * layout. DpcData is NULL while the DPC is not queued. */
typedef struct _KDPC {
	UCHAR Type;
	UCHAR Importance;
	volatile USHORT Number;
	LIST_ENTRY DpcListEntry;
	PKDEFERRED_ROUTINE DeferredRoutine;
	PVOID DeferredContext;
	PVOID SystemArgument1;
	PVOID SystemArgument2;
	volatile PVOID DpcData;
} KDPC, *PKDPC, *RESTRICTED_POINTER PRKDPC;

/* Values are dimensionless; 0 means that watchdog is disabled. */
typedef struct _KDPC_WATCHDOG_INFORMATION {
	ULONG DpcTimeLimit;
	ULONG DpcTimeCount;
	ULONG DpcWatchdogLimit;
	ULONG DpcWatchdogCount;
	ULONG Reserved;
} KDPC_WATCHDOG_INFORMATION, *PKDPC_WATCHDOG_INFORMATION;

/* All core (spec section 3). */
NTKERNELAPI VOID NTAPI KeInitializeDpc(PRKDPC Dpc,
				       PKDEFERRED_ROUTINE DeferredRoutine,
				       PVOID DeferredContext);
NTKERNELAPI VOID NTAPI KeInitializeThreadedDpc(PRKDPC Dpc,
					       PKDEFERRED_ROUTINE DeferredRoutine,
					       PVOID DeferredContext);
NTKERNELAPI BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
					   PVOID SystemArgument2);
NTKERNELAPI BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc);
NTKERNELAPI VOID NTAPI KeSetImportanceDpc(PRKDPC Dpc,
					  KDPC_IMPORTANCE Importance);
NTKERNELAPI VOID NTAPI KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number);
NTKERNELAPI VOID NTAPI KeFlushQueuedDpcs(VOID);
NTKERNELAPI NTSTATUS NTAPI KeQueryDpcWatchdogInformation(
	PKDPC_WATCHDOG_INFORMATION WatchdogInformation);

/* ------------------------------------------------------------------ */
/* Dispatcher objects (layout only: no routines yet)                   */
/* ------------------------------------------------------------------ */

typedef struct _DISPATCHER_HEADER {
	union {
		struct {
			UCHAR Type;
			UCHAR Signalling;
			UCHAR Size;
			UCHAR DpcActive;
		};
		volatile LONG Lock;
	};
	LONG SignalState;
	LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef struct _KEVENT {
	DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *RESTRICTED_POINTER PRKEVENT;

typedef struct _KDEVICE_QUEUE_ENTRY {
	LIST_ENTRY DeviceListEntry;
	ULONG SortKey;
	BOOLEAN Inserted;
} KDEVICE_QUEUE_ENTRY, *PKDEVICE_QUEUE_ENTRY, *RESTRICTED_POINTER PRKDEVICE_QUEUE_ENTRY;

typedef struct _KDEVICE_QUEUE {
	CSHORT Type;
	CSHORT Size;
	LIST_ENTRY DeviceListHead;
	KSPIN_LOCK Lock;
	union {
		BOOLEAN Busy;
		struct {
			LONG64 Reserved : 8;
			LONG64 Hint : 56;
		};
	};
} KDEVICE_QUEUE, *PKDEVICE_QUEUE, *RESTRICTED_POINTER PRKDEVICE_QUEUE;

/* ------------------------------------------------------------------ */
/* Driver and device objects                                           */
/* ------------------------------------------------------------------ */

/* Declared for the fields and callback types that name them; none of
 * their routines exist yet. */
typedef struct _IRP IRP, *PIRP;
typedef struct _KINTERRUPT *PKINTERRUPT;
typedef struct _IO_TIMER *PIO_TIMER;
typedef struct _VPB *PVPB;
typedef struct _DEVOBJ_EXTENSION *PDEVOBJ_EXTENSION;
typedef struct _FAST_IO_DISPATCH *PFAST_IO_DISPATCH;
typedef ULONG DEVICE_TYPE;

struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;

/* An interrupt service routine: TRUE when the device interrupted. */
typedef BOOLEAN NTAPI KSERVICE_ROUTINE(struct _KINTERRUPT *Interrupt,
				       PVOID ServiceContext);
typedef KSERVICE_ROUTINE *PKSERVICE_ROUTINE;

/* A DpcForIsr: runs with (its DPC, the device object, IoRequestDpc's Irp
 * and Context). */
typedef VOID NTAPI IO_DPC_ROUTINE(PKDPC Dpc, struct _DEVICE_OBJECT *DeviceObject,
				  struct _IRP *Irp, PVOID Context);
typedef IO_DPC_ROUTINE *PIO_DPC_ROUTINE;

typedef enum _IO_ALLOCATION_ACTION {
	KeepObject = 1,
	DeallocateObject,
	DeallocateObjectKeepRegisters
} IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

typedef IO_ALLOCATION_ACTION NTAPI DRIVER_CONTROL(struct _DEVICE_OBJECT *DeviceObject,
						  struct _IRP *Irp,
						  PVOID MapRegisterBase,
						  PVOID Context);
typedef DRIVER_CONTROL *PDRIVER_CONTROL;

typedef struct _WAIT_CONTEXT_BLOCK {
	KDEVICE_QUEUE_ENTRY WaitQueueEntry;
	PDRIVER_CONTROL DeviceRoutine;
	PVOID DeviceContext;
	ULONG NumberOfMapRegisters;
	PVOID DeviceObject;
	PVOID CurrentIrp;
	PKDPC BufferChainingDpc;
} WAIT_CONTEXT_BLOCK, *PWAIT_CONTEXT_BLOCK;

/* DEVICE_OBJECT.Flags */
#define DO_VERIFY_VOLUME 0x00000002
#define DO_BUFFERED_IO 0x00000004
#define DO_EXCLUSIVE 0x00000008
#define DO_DIRECT_IO 0x00000010
#define DO_MAP_IO_BUFFER 0x00000020
#define DO_DEVICE_INITIALIZING 0x00000080
#define DO_SHUTDOWN_REGISTERED 0x00000800
#define DO_BUS_ENUMERATED_DEVICE 0x00001000
#define DO_POWER_PAGABLE 0x00002000
#define DO_POWER_INRUSH 0x00004000

/* DEVICE_OBJECT.Characteristics */
#define FILE_REMOVABLE_MEDIA 0x00000001
#define FILE_READ_ONLY_DEVICE 0x00000002
#define FILE_DEVICE_SECURE_OPEN 0x00000100
#define FILE_AUTOGENERATED_DEVICE_NAME 0x00000080
#define FILE_CHARACTERISTIC_PNP_DEVICE 0x00000800

/* DEVICE_OBJECT.DeviceType (a few of the WDK's) */
#define FILE_DEVICE_BUS_EXTENDER 0x0000002a
#define FILE_DEVICE_CONTROLLER 0x00000004
#define FILE_DEVICE_UNKNOWN 0x00000022

/* DEVICE_OBJECT.AlignmentRequirement */
#define FILE_BYTE_ALIGNMENT 0x00000000
#define FILE_WORD_ALIGNMENT 0x00000001
#define FILE_LONG_ALIGNMENT 0x00000003
#define FILE_QUAD_ALIGNMENT 0x00000007
#define FILE_OCTA_ALIGNMENT 0x0000000f
#define FILE_32_BYTE_ALIGNMENT 0x0000001f
#define FILE_64_BYTE_ALIGNMENT 0x0000003f

/* The documented public fields; the others are the system's. Dpc is the
 * device's DpcForIsr object (IoInitializeDpcRequest, IoRequestDpc). */
typedef struct _DEVICE_OBJECT {
	CSHORT Type;
	USHORT Size;
	LONG ReferenceCount;
	struct _DRIVER_OBJECT *DriverObject;
	struct _DEVICE_OBJECT *NextDevice;
	struct _DEVICE_OBJECT *AttachedDevice;
	struct _IRP *CurrentIrp;
	PIO_TIMER Timer;
	ULONG Flags;
	ULONG Characteristics;
	volatile PVPB Vpb;
	PVOID DeviceExtension;
	DEVICE_TYPE DeviceType;
	CCHAR StackSize;
	union {
		LIST_ENTRY ListEntry;
		WAIT_CONTEXT_BLOCK Wcb;
	} Queue;
	ULONG AlignmentRequirement;
	KDEVICE_QUEUE DeviceQueue;
	KDPC Dpc;
	ULONG ActiveThreadCount;
	PSECURITY_DESCRIPTOR SecurityDescriptor;
	KEVENT DeviceLock;
	USHORT SectorSize;
	USHORT Spare1;
	struct _DEVOBJ_EXTENSION *DeviceObjectExtension;
	PVOID Reserved;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

/* Major function codes: the index into DRIVER_OBJECT.MajorFunction. */
#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CREATE_NAMED_PIPE 0x01
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_READ 0x03
#define IRP_MJ_WRITE 0x04
#define IRP_MJ_QUERY_INFORMATION 0x05
#define IRP_MJ_SET_INFORMATION 0x06
#define IRP_MJ_QUERY_EA 0x07
#define IRP_MJ_SET_EA 0x08
#define IRP_MJ_FLUSH_BUFFERS 0x09
#define IRP_MJ_QUERY_VOLUME_INFORMATION 0x0a
#define IRP_MJ_SET_VOLUME_INFORMATION 0x0b
#define IRP_MJ_DIRECTORY_CONTROL 0x0c
#define IRP_MJ_FILE_SYSTEM_CONTROL 0x0d
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL 0x0f
#define IRP_MJ_SHUTDOWN 0x10
#define IRP_MJ_LOCK_CONTROL 0x11
#define IRP_MJ_CLEANUP 0x12
#define IRP_MJ_CREATE_MAILSLOT 0x13
#define IRP_MJ_QUERY_SECURITY 0x14
#define IRP_MJ_SET_SECURITY 0x15
#define IRP_MJ_POWER 0x16
#define IRP_MJ_SYSTEM_CONTROL 0x17
#define IRP_MJ_DEVICE_CHANGE 0x18
#define IRP_MJ_QUERY_QUOTA 0x19
#define IRP_MJ_SET_QUOTA 0x1a
#define IRP_MJ_PNP 0x1b
#define IRP_MJ_PNP_POWER IRP_MJ_PNP
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

typedef NTSTATUS NTAPI DRIVER_ADD_DEVICE(struct _DRIVER_OBJECT *DriverObject,
					 struct _DEVICE_OBJECT *PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;
typedef NTSTATUS NTAPI DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject,
					 PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef VOID NTAPI DRIVER_STARTIO(struct _DEVICE_OBJECT *DeviceObject,
				  struct _IRP *Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;
typedef VOID NTAPI DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef NTSTATUS NTAPI DRIVER_DISPATCH(struct _DEVICE_OBJECT *DeviceObject,
				       struct _IRP *Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;

typedef struct _DRIVER_EXTENSION {
	struct _DRIVER_OBJECT *DriverObject;
	PDRIVER_ADD_DEVICE AddDevice;
	ULONG Count;
	UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;

typedef struct _DRIVER_OBJECT {
	CSHORT Type;
	CSHORT Size;
	PDEVICE_OBJECT DeviceObject;
	ULONG Flags;
	PVOID DriverStart;
	ULONG DriverSize;
	PVOID DriverSection;
	PDRIVER_EXTENSION DriverExtension;
	UNICODE_STRING DriverName;
	PUNICODE_STRING HardwareDatabase;
	struct _FAST_IO_DISPATCH *FastIoDispatch;
	PDRIVER_INITIALIZE DriverInit;
	PDRIVER_STARTIO DriverStartIo;
	PDRIVER_UNLOAD DriverUnload;
	PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/* The DpcForIsr, as the WDK defines it: the device object's own DPC. */
FORCEINLINE VOID IoInitializeDpcRequest(PDEVICE_OBJECT DeviceObject,
					PIO_DPC_ROUTINE DpcRoutine)
{
	KeInitializeDpc(&DeviceObject->Dpc, (PKDEFERRED_ROUTINE)DpcRoutine,
			DeviceObject);
}

/* Queues the DpcForIsr (usually from the ISR); a second request before it
 * runs is dropped, as KeInsertQueueDpc drops it. */
FORCEINLINE VOID IoRequestDpc(PDEVICE_OBJECT DeviceObject, PIRP Irp,
			      PVOID Context)
{
	KeInsertQueueDpc(&DeviceObject->Dpc, Irp, Context);
}

/* The rest of the surface, by area (one header each, part of <wdm.h>). */
#include "wdm-interrupt.h"
#include "wdm-sync.h"
#include "wdm-memory.h"
#include "wdm-io.h"
#include "wdm-dma.h"
#include "wdm-lookaside.h"

#endif /* PCISIM_HOSTOS_WDM_H */
