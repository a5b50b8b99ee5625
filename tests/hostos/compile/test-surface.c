/*
 * tests/hostos/compile/test-surface.c - the Windows compile model at run
 * time: built like a driver (<wdm.h>, -fshort-wchar), it checks the LLP64
 * types, 16-bit wide literals, NTSTATUS, the list helpers, the
 * Interlocked routines, the Rtl string and memory routines and DbgPrint
 * formatting against what the WDK documents.
 *
 * DbgPrint's output is caught by wrapping hostos_debug_output() (the link
 * uses -Wl,--wrap=hostos_debug_output), so each message is seen exactly as
 * the library hands it to the host OS. Nothing here calls a core routine.
 */
#include <wdm.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* ------------------------------------------------------------------ */
/* DbgPrint capture                                                    */
/* ------------------------------------------------------------------ */

static struct {
	char text[1024];
	size_t len;
	uint32_t component;
	uint32_t level;
	int calls;
} captured;

void __wrap_hostos_debug_output(uint32_t component, uint32_t level,
				const char *text, size_t len);

void __wrap_hostos_debug_output(uint32_t component, uint32_t level,
				const char *text, size_t len)
{
	assert_true(len < sizeof(captured.text));
	memcpy(captured.text, text, len);
	captured.text[len] = 0;
	captured.len = len;
	captured.component = component;
	captured.level = level;
	captured.calls++;
}

static void reset_capture(void)
{
	memset(&captured, 0, sizeof(captured));
}

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

static void test_llp64_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(CHAR), 1);
	assert_int_equal(sizeof(UCHAR), 1);
	assert_int_equal(sizeof(SHORT), 2);
	assert_int_equal(sizeof(USHORT), 2);
	assert_int_equal(sizeof(LONG), 4);
	assert_int_equal(sizeof(ULONG), 4);
	assert_int_equal(sizeof(LONGLONG), 8);
	assert_int_equal(sizeof(ULONGLONG), 8);
	assert_int_equal(sizeof(LONG_PTR), 8);
	assert_int_equal(sizeof(ULONG_PTR), 8);
	assert_int_equal(sizeof(SIZE_T), 8);
	assert_int_equal(sizeof(SSIZE_T), 8);
	assert_int_equal(sizeof(PVOID), 8);
	assert_int_equal(sizeof(HANDLE), 8);
	assert_int_equal(sizeof(BOOLEAN), 1);
	assert_int_equal(sizeof(NTSTATUS), 4);
	assert_int_equal(sizeof(KIRQL), 1);
	assert_int_equal(sizeof(KAFFINITY), 8);
	assert_int_equal(sizeof(KSPIN_LOCK), 8);
	assert_int_equal(sizeof(LARGE_INTEGER), 8);
	assert_int_equal(sizeof(PHYSICAL_ADDRESS), 8);
	assert_int_equal(sizeof(GUID), 16);
	assert_int_equal(sizeof(LIST_ENTRY), 16);
	assert_int_equal(sizeof(PROCESSOR_NUMBER), 4);
	/* Signedness as on Windows. */
	assert_true((LONG)-1 < 0);
	assert_true((ULONG)-1 > 0);
	assert_true((LONG_PTR)-1 < 0);
	assert_true((ULONG_PTR)-1 > 0);
	assert_int_equal((ULONG)MAXULONG, 0xFFFFFFFFu);
	assert_int_equal(MAXLONG, 0x7FFFFFFF);
}

static void test_wide_literals(void **state)
{
	static const WCHAR ab[] = L"ab";
	PCWSTR p = L"\u00e9\U0001F600";

	(void)state;
	assert_int_equal(sizeof(WCHAR), 2);
	assert_int_equal(sizeof(L"ab"), 6);
	assert_int_equal(sizeof(L"ab"[0]), 2);
	assert_int_equal(sizeof(ab), 3 * sizeof(WCHAR));
	assert_int_equal(ab[0], 'a');
	assert_int_equal(ab[1], 'b');
	assert_int_equal(ab[2], 0);
	/* UTF-16: one unit for U+00E9, a surrogate pair for U+1F600. */
	assert_int_equal(p[0], 0x00E9);
	assert_int_equal(p[1], 0xD83D);
	assert_int_equal(p[2], 0xDE00);
	assert_int_equal(p[3], 0);
	assert_int_equal(L'A', 0x41);
}

static void test_string_layouts(void **state)
{
	(void)state;
	assert_int_equal(sizeof(UNICODE_STRING), 16);
	assert_int_equal(offsetof(UNICODE_STRING, Length), 0);
	assert_int_equal(offsetof(UNICODE_STRING, MaximumLength), 2);
	assert_int_equal(offsetof(UNICODE_STRING, Buffer), 8);
	assert_int_equal(sizeof(ANSI_STRING), 16);
	assert_int_equal(FIELD_OFFSET(ANSI_STRING, Buffer), 8);
	/* The x64 KDPC is 64 bytes; DEVICE_OBJECT holds its own KDPC. */
	assert_int_equal(sizeof(KDPC), 64);
	assert_int_equal(sizeof(KLOCK_QUEUE_HANDLE), 24);
	assert_int_equal(RTL_FIELD_SIZE(DEVICE_OBJECT, Dpc), sizeof(KDPC));
	assert_int_equal(RTL_NUMBER_OF(((DRIVER_OBJECT *)0)->MajorFunction),
			 IRP_MJ_MAXIMUM_FUNCTION + 1);
}

static void test_ntstatus(void **state)
{
	(void)state;
	assert_int_equal(STATUS_SUCCESS, 0);
	assert_int_equal((ULONG)STATUS_UNSUCCESSFUL, 0xC0000001u);
	assert_int_equal((ULONG)STATUS_PENDING, 0x103u);
	assert_int_equal((ULONG)STATUS_TIMEOUT, 0x102u);
	assert_int_equal((ULONG)STATUS_INSUFFICIENT_RESOURCES, 0xC000009Au);
	assert_int_equal((ULONG)STATUS_INVALID_PARAMETER, 0xC000000Du);
	assert_int_equal((ULONG)STATUS_CANCELLED, 0xC0000120u);
	assert_true(STATUS_UNSUCCESSFUL < 0);
	assert_true(NT_SUCCESS(STATUS_SUCCESS));
	assert_true(NT_SUCCESS(STATUS_PENDING));
	assert_true(NT_SUCCESS(STATUS_TIMEOUT));
	assert_false(NT_SUCCESS(STATUS_UNSUCCESSFUL));
	assert_false(NT_SUCCESS(STATUS_BUFFER_OVERFLOW));
	assert_true(NT_WARNING(STATUS_BUFFER_OVERFLOW));
	assert_true(NT_WARNING(STATUS_DEVICE_BUSY));
	assert_true(NT_ERROR(STATUS_INVALID_DEVICE_REQUEST));
	assert_false(NT_ERROR(STATUS_SUCCESS));
	assert_true(NT_INFORMATION(0x40000000));
	assert_false(NT_INFORMATION(STATUS_SUCCESS));
}

static void test_irql_constants(void **state)
{
	(void)state;
	assert_int_equal(PASSIVE_LEVEL, 0);
	assert_int_equal(APC_LEVEL, 1);
	assert_int_equal(DISPATCH_LEVEL, 2);
	assert_int_equal(CMCI_LEVEL, 5);
	assert_int_equal(SYNCH_LEVEL, 12);
	assert_int_equal(CLOCK_LEVEL, 13);
	assert_int_equal(IPI_LEVEL, 14);
	assert_int_equal(POWER_LEVEL, 14);
	assert_int_equal(PROFILE_LEVEL, 15);
	assert_int_equal(HIGH_LEVEL, 15);
	assert_int_equal(MAXIMUM_PROCESSORS, 64);
	assert_int_equal(LowImportance, 0);
	assert_int_equal(MediumHighImportance, 3);
}

/* ------------------------------------------------------------------ */
/* Macros, SEH spelling                                                */
/* ------------------------------------------------------------------ */

struct outer {
	int a;
	LIST_ENTRY link;
	char tail[3];
};

static void test_macros(void **state)
{
	struct outer o;
	int arr[7];
	int *present = &o.a;
	int *absent = NULL;

	(void)state;
	assert_ptr_equal(CONTAINING_RECORD(&o.link, struct outer, link), &o);
	assert_int_equal(FIELD_OFFSET(struct outer, link), offsetof(struct outer, link));
	assert_int_equal(RTL_NUMBER_OF(arr), 7);
	assert_int_equal(ARRAYSIZE(arr), 7);
	assert_true(ARGUMENT_PRESENT(present));
	assert_false(ARGUMENT_PRESENT(absent));
	assert_int_equal(min(3, 4), 3);
	assert_int_equal(max(3, 4), 4);
	/* True assertions call nothing (a false one is test-surface-os.c's). */
	ASSERT(RTL_NUMBER_OF(arr) == 7);
	NT_ASSERT(1);
	NT_ASSERTMSG("true", 1);
	ASSERTMSG("true", 1);
	assert_true(NT_VERIFY(2 > 1));
	assert_true(NT_VERIFYMSG("true", 1));
	UNREFERENCED_PARAMETER(arr);
}

static void test_seh_spelling(void **state)
{
	int tried = 0, handled = 0, finally_ran = 0, loops = 0;

	(void)state;
	__try {
		tried = 1;
	} __except (EXCEPTION_EXECUTE_HANDLER) {
		handled = 1;
	}
	assert_int_equal(tried, 1);
	assert_int_equal(handled, 0);

	__try {
		tried = 2;
	} __finally {
		finally_ran = 1;
	}
	assert_int_equal(tried, 2);
	assert_int_equal(finally_ran, 1);

	/* break and continue inside __try keep their C meaning. */
	for (int i = 0; i < 5; i++) {
		__try {
			if (i == 1)
				continue;
			if (i == 3)
				break;
			loops++;
		} __except (EXCEPTION_CONTINUE_SEARCH) {
			handled = 1;
		}
	}
	assert_int_equal(loops, 2);
	assert_int_equal(handled, 0);
}

/* ------------------------------------------------------------------ */
/* Lists                                                               */
/* ------------------------------------------------------------------ */

struct item {
	LIST_ENTRY link;
	SINGLE_LIST_ENTRY slink;
	int value;
};

static int list_values(PLIST_ENTRY head, int *out, int max_n)
{
	int n = 0;

	for (PLIST_ENTRY e = head->Flink; e != head && n < max_n; e = e->Flink) {
		assert_ptr_equal(e->Flink->Blink, e);
		out[n++] = CONTAINING_RECORD(e, struct item, link)->value;
	}
	return n;
}

static void test_list_entry(void **state)
{
	LIST_ENTRY head;
	struct item it[4];
	int v[8];

	(void)state;
	for (int i = 0; i < 4; i++)
		it[i].value = i;
	InitializeListHead(&head);
	assert_true(IsListEmpty(&head));
	assert_ptr_equal(head.Flink, &head);
	assert_ptr_equal(head.Blink, &head);

	InsertTailList(&head, &it[1].link);
	InsertTailList(&head, &it[2].link);
	InsertHeadList(&head, &it[0].link);
	InsertTailList(&head, &it[3].link);
	assert_false(IsListEmpty(&head));
	assert_int_equal(list_values(&head, v, 8), 4);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 2);
	assert_int_equal(v[3], 3);

	assert_ptr_equal(RemoveHeadList(&head), &it[0].link);
	assert_ptr_equal(RemoveTailList(&head), &it[3].link);
	/* RemoveEntryList: TRUE once the list is empty afterwards. */
	assert_false(RemoveEntryList(&it[1].link));
	assert_int_equal(list_values(&head, v, 8), 1);
	assert_int_equal(v[0], 2);
	assert_true(RemoveEntryList(&it[2].link));
	assert_true(IsListEmpty(&head));
	/* On an empty list the head comes back. */
	assert_ptr_equal(RemoveHeadList(&head), &head);
	assert_ptr_equal(RemoveTailList(&head), &head);
	assert_true(IsListEmpty(&head));
}

static void test_append_tail_list(void **state)
{
	LIST_ENTRY head;
	struct item it[4];
	PLIST_ENTRY second;
	int v[8];

	(void)state;
	for (int i = 0; i < 4; i++)
		it[i].value = i;
	InitializeListHead(&head);
	InsertTailList(&head, &it[0].link);
	InsertTailList(&head, &it[1].link);
	/* A headless circular list 2 <-> 3. */
	second = &it[2].link;
	InitializeListHead(second);
	InsertTailList(second, &it[3].link);
	AppendTailList(&head, second);
	assert_int_equal(list_values(&head, v, 8), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i);
	assert_ptr_equal(head.Blink, &it[3].link);
}

static void test_single_list(void **state)
{
	SINGLE_LIST_ENTRY head;
	struct item it[3];

	(void)state;
	head.Next = NULL;
	assert_null(PopEntryList(&head));
	for (int i = 0; i < 3; i++) {
		it[i].value = i;
		PushEntryList(&head, &it[i].slink);
	}
	/* Last in, first out. */
	assert_ptr_equal(PopEntryList(&head), &it[2].slink);
	assert_ptr_equal(PopEntryList(&head), &it[1].slink);
	assert_ptr_equal(PopEntryList(&head), &it[0].slink);
	assert_null(PopEntryList(&head));
	assert_null(head.Next);
}

/* ------------------------------------------------------------------ */
/* Interlocked                                                         */
/* ------------------------------------------------------------------ */

static void test_interlocked(void **state)
{
	volatile LONG l = 5;
	volatile LONG64 q = 0x100000000LL;
	int a = 1, b = 2;
	PVOID volatile p = &a;

	(void)state;
	/* Increment, Decrement, Add: the new value. */
	assert_int_equal(InterlockedIncrement(&l), 6);
	assert_int_equal(InterlockedDecrement(&l), 5);
	assert_int_equal(InterlockedAdd(&l, 10), 15);
	/* The others: the value before. */
	assert_int_equal(InterlockedExchangeAdd(&l, -5), 15);
	assert_int_equal(l, 10);
	assert_int_equal(InterlockedExchange(&l, 3), 10);
	assert_int_equal(InterlockedCompareExchange(&l, 7, 4), 3); /* no swap */
	assert_int_equal(l, 3);
	assert_int_equal(InterlockedCompareExchange(&l, 7, 3), 3); /* swap */
	assert_int_equal(l, 7);
	assert_int_equal(InterlockedOr(&l, 0x10), 7);
	assert_int_equal(InterlockedAnd(&l, 0x13), 0x17);
	assert_int_equal(InterlockedXor(&l, 0x1), 0x13);
	assert_int_equal(l, 0x12);
	l = 0x7FFFFFFF;
	assert_int_equal(InterlockedIncrement(&l), (LONG)0x80000000); /* wraps */

	assert_true(InterlockedIncrement64(&q) == 0x100000001LL);
	assert_true(InterlockedDecrement64(&q) == 0x100000000LL);
	assert_true(InterlockedAdd64(&q, 1) == 0x100000001LL);
	assert_true(InterlockedExchangeAdd64(&q, 1) == 0x100000001LL);
	assert_true(InterlockedExchange64(&q, 5) == 0x100000002LL);
	assert_true(InterlockedCompareExchange64(&q, 9, 4) == 5);
	assert_true(InterlockedCompareExchange64(&q, 9, 5) == 5);
	assert_true(q == 9);
	assert_true(InterlockedOr64(&q, 0x100000000LL) == 9);
	assert_true(InterlockedAnd64(&q, 0x100000001LL) == 0x100000009LL);
	assert_true(InterlockedXor64(&q, 1) == 0x100000001LL);
	assert_true(q == 0x100000000LL);

	assert_ptr_equal(InterlockedExchangePointer(&p, &b), &a);
	assert_ptr_equal(p, &b);
	assert_ptr_equal(InterlockedCompareExchangePointer(&p, NULL, &a), &b);
	assert_ptr_equal(p, &b);
	assert_ptr_equal(InterlockedCompareExchangePointer(&p, NULL, &b), &b);
	assert_null(p);
	KeMemoryBarrier();
	KeMemoryBarrierWithoutFence();
}

/* ------------------------------------------------------------------ */
/* Rtl                                                                 */
/* ------------------------------------------------------------------ */

static void test_memory(void **state)
{
	UCHAR a[8], b[8];

	(void)state;
	RtlFillMemory(a, sizeof(a), 0x5A);
	for (size_t i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], 0x5A);
	RtlCopyMemory(b, a, sizeof(b));
	assert_true(RtlEqualMemory(a, b, sizeof(a)));
	assert_int_equal(RtlCompareMemory(a, b, sizeof(a)), 8);
	b[5] = 0;
	assert_false(RtlEqualMemory(a, b, sizeof(a)));
	/* The count of equal bytes before the first difference. */
	assert_int_equal(RtlCompareMemory(a, b, sizeof(a)), 5);
	assert_int_equal(RtlCompareMemory(a, b, 3), 3);
	assert_int_equal(RtlCompareMemory(a, b, 0), 0);
	RtlZeroMemory(a, 4);
	assert_int_equal(a[3], 0);
	assert_int_equal(a[4], 0x5A);
	for (UCHAR i = 0; i < 8; i++)
		a[i] = i;
	RtlMoveMemory(a + 1, a, 6); /* overlapping */
	assert_int_equal(a[0], 0);
	assert_int_equal(a[1], 0);
	assert_int_equal(a[6], 5);
	assert_int_equal(a[7], 7);
	RtlSecureZeroMemory(b, sizeof(b));
	assert_int_equal(b[0], 0);
	assert_int_equal(b[7], 0);
}

static void test_init_unicode_string(void **state)
{
	UNICODE_STRING s;
	static WCHAR long_buf[40000];

	(void)state;
	RtlInitUnicodeString(&s, L"Surf0");
	/* Lengths in bytes: 5 characters, plus the terminator for Maximum. */
	assert_int_equal(s.Length, 10);
	assert_int_equal(s.MaximumLength, 12);
	assert_int_equal(s.Buffer[0], 'S');
	RtlInitUnicodeString(&s, L"");
	assert_int_equal(s.Length, 0);
	assert_int_equal(s.MaximumLength, 2);
	RtlInitUnicodeString(&s, NULL);
	assert_int_equal(s.Length, 0);
	assert_int_equal(s.MaximumLength, 0);
	assert_null(s.Buffer);
	/* Longer than a USHORT byte count holds: cut. */
	for (size_t i = 0; i < RTL_NUMBER_OF(long_buf) - 1; i++)
		long_buf[i] = 'x';
	RtlInitUnicodeString(&s, long_buf);
	assert_int_equal(s.Length, 0xFFFC);
	assert_int_equal(s.MaximumLength, 0xFFFE);
}

static void test_init_ansi_string(void **state)
{
	ANSI_STRING a;
	STRING s;

	(void)state;
	RtlInitAnsiString(&a, "surf");
	assert_int_equal(a.Length, 4);
	assert_int_equal(a.MaximumLength, 5);
	RtlInitAnsiString(&a, NULL);
	assert_int_equal(a.Length, 0);
	assert_int_equal(a.MaximumLength, 0);
	assert_null(a.Buffer);
	RtlInitString(&s, "ab");
	assert_int_equal(s.Length, 2);
	assert_int_equal(s.MaximumLength, 3);
}

static void test_constant_strings(void **state)
{
	UNICODE_STRING u = RTL_CONSTANT_STRING(L"abc");
	ANSI_STRING a = RTL_CONSTANT_STRING("abcd");
	DECLARE_CONST_UNICODE_STRING(c, L"xy");
	DECLARE_UNICODE_STRING_SIZE(d, 10);

	(void)state;
	assert_int_equal(u.Length, 6);
	assert_int_equal(u.MaximumLength, 8);
	assert_int_equal(a.Length, 4);
	assert_int_equal(a.MaximumLength, 5);
	assert_int_equal(c.Length, 4);
	assert_int_equal(c.MaximumLength, 6);
	assert_int_equal(c.Buffer[1], 'y');
	assert_int_equal(d.Length, 0);
	assert_int_equal(d.MaximumLength, 20);
	assert_non_null(d.Buffer);
}

static void test_copy_unicode_string(void **state)
{
	UNICODE_STRING src = RTL_CONSTANT_STRING(L"abcdef");
	WCHAR buf[8];
	UNICODE_STRING dst = { 0, sizeof(buf), buf };

	(void)state;
	memset(buf, 0xFF, sizeof(buf));
	RtlCopyUnicodeString(&dst, &src);
	assert_int_equal(dst.Length, 12);
	assert_int_equal(buf[5], 'f');
	assert_int_equal(buf[6], 0); /* terminated, room was left */
	/* A shorter destination: cut to its MaximumLength. */
	dst.MaximumLength = 6;
	RtlCopyUnicodeString(&dst, &src);
	assert_int_equal(dst.Length, 6);
	RtlCopyUnicodeString(&dst, NULL);
	assert_int_equal(dst.Length, 0);
}

static void test_compare_unicode_strings(void **state)
{
	UNICODE_STRING a = RTL_CONSTANT_STRING(L"Device");
	UNICODE_STRING b = RTL_CONSTANT_STRING(L"dEVICE");
	UNICODE_STRING c = RTL_CONSTANT_STRING(L"Devices");
	UNICODE_STRING d = RTL_CONSTANT_STRING(L"Devicf");
	UNICODE_STRING e = RTL_CONSTANT_STRING(L"\u00e9t\u00e9");
	UNICODE_STRING f = RTL_CONSTANT_STRING(L"\u00c9T\u00c9");

	(void)state;
	assert_true(RtlEqualUnicodeString(&a, &a, FALSE));
	assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
	assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
	assert_false(RtlEqualUnicodeString(&a, &c, TRUE));
	assert_true(RtlEqualUnicodeString(&e, &f, TRUE));
	assert_int_equal(RtlCompareUnicodeString(&a, &b, TRUE), 0);
	assert_true(RtlCompareUnicodeString(&a, &b, FALSE) < 0); /* 'D' < 'd' */
	assert_true(RtlCompareUnicodeString(&a, &c, FALSE) < 0); /* prefix */
	assert_true(RtlCompareUnicodeString(&c, &a, FALSE) > 0);
	assert_true(RtlCompareUnicodeString(&a, &d, TRUE) < 0);
	assert_int_equal(RtlUpcaseUnicodeChar(L'q'), L'Q');
	assert_int_equal(RtlUpcaseUnicodeChar(L'Q'), L'Q');
	assert_int_equal(RtlUpcaseUnicodeChar(L'1'), L'1');
	assert_int_equal(RtlUpcaseUnicodeChar(0x00FF), 0x0178);
	assert_int_equal(RtlUpcaseUnicodeChar(0x00F7), 0x00F7);
}

/* ------------------------------------------------------------------ */
/* DbgPrint                                                            */
/* ------------------------------------------------------------------ */

#define assert_printed(expected)                                       \
	do {                                                           \
		assert_string_equal(captured.text, (expected));        \
		assert_int_equal(captured.len, strlen(expected));      \
	} while (0)

static ULONG call_vdbgprintex(ULONG component, ULONG level, PCCH format, ...)
{
	va_list ap;
	ULONG r;

	va_start(ap, format);
	r = vDbgPrintEx(component, level, format, ap);
	va_end(ap);
	return r;
}

static void test_dbgprint_basic(void **state)
{
	(void)state;
	reset_capture();
	assert_int_equal(DbgPrint("hello %d\n", 42), STATUS_SUCCESS);
	assert_int_equal(captured.calls, 1);
	assert_printed("hello 42\n");
	assert_int_equal(captured.component, DPFLTR_DEFAULT_ID);
	assert_int_equal(captured.level, DPFLTR_INFO_LEVEL);

	reset_capture();
	assert_int_equal(DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
				    "err %s", "x"),
			 STATUS_SUCCESS);
	assert_printed("err x");
	assert_int_equal(captured.component, DPFLTR_IHVDRIVER_ID);
	assert_int_equal(captured.level, DPFLTR_ERROR_LEVEL);

	reset_capture();
	call_vdbgprintex(DPFLTR_IHVBUS_ID, DPFLTR_MASK | 0x10, "v %u", 7u);
	assert_printed("v 7");
	assert_int_equal(captured.component, DPFLTR_IHVBUS_ID);
	assert_int_equal(captured.level, DPFLTR_MASK | 0x10);

	reset_capture();
	KdPrint(("kd %d%%\n", 5));
	assert_printed("kd 5%\n");
	reset_capture();
	KdPrintEx((DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL, "kdx"));
	assert_printed("kdx");
	assert_int_equal(captured.level, DPFLTR_TRACE_LEVEL);
}

static void test_dbgprint_integers(void **state)
{
	(void)state;
	reset_capture();
	DbgPrint("%d %i %u %x %X %o", -1, 2, 3u, 0xabu, 0xabu, 8u);
	assert_printed("-1 2 3 ab AB 10");
	/* l is 32-bit, as LONG and ULONG are. */
	reset_capture();
	DbgPrint("%ld %lu %lx", (LONG)-5, (ULONG)0xFFFFFFFFu, (ULONG)0xdeadbeefu);
	assert_printed("-5 4294967295 deadbeef");
	reset_capture();
	DbgPrint("%I64d %I64x %lld %llu", (LONGLONG)-1234567890123LL,
		 (ULONGLONG)0x123456789abcULL, (LONGLONG)1LL << 40,
		 (ULONGLONG)~0ULL);
	assert_printed("-1234567890123 123456789abc 1099511627776 18446744073709551615");
	reset_capture();
	DbgPrint("%Iu %Ix %zu %I32d", (SIZE_T)1 << 33, (ULONG_PTR)0xfeedULL,
		 (SIZE_T)17, (LONG)-3);
	assert_printed("8589934592 feed 17 -3");
	reset_capture();
	DbgPrint("%hd %hu %hhd %hhx", (SHORT)-2, (USHORT)65535, -1, 0x1ff);
	assert_printed("-2 65535 -1 ff");
	reset_capture();
	DbgPrint("[%5d|%-5d|%05d|%+d|% d|%.3d|%#x|%*d|%-*d|%.*d]", 42, 42, 42, 42,
		 42, 7, 255u, 4, 9, 3, 9, 2, 5);
	assert_printed("[   42|42   |00042|+42| 42|007|0xff|   9|9  |05]");
}

static void test_dbgprint_strings_and_pointers(void **state)
{
	int x;
	char expect[64];

	(void)state;
	reset_capture();
	DbgPrint("%s|%hs|%5s|%-5s|%.2s|%c|%hc", "ab", "cd", "ef", "gh", "ijk", 'z',
		 'y');
	assert_printed("ab|cd|   ef|gh   |ij|z|y");
	reset_capture();
	DbgPrint("%s", (char *)NULL);
	assert_printed("(null)");
	reset_capture();
	DbgPrint("%p", (PVOID)&x);
	snprintf(expect, sizeof(expect), "%016llX", (unsigned long long)(uintptr_t)&x);
	assert_printed(expect);
	reset_capture();
	DbgPrint("%p", (PVOID)NULL);
	assert_printed("0000000000000000");
	reset_capture();
	DbgPrint("%.2f %e", 1.5, 2.0);
	assert_printed("1.50 2.000000e+00");
	reset_capture();
	DbgPrint("100%% %q %n");
	assert_printed("100% %q %n");
}

static void test_dbgprint_wide(void **state)
{
	UNICODE_STRING u;
	UNICODE_STRING part;
	ANSI_STRING a;

	(void)state;
	RtlInitUnicodeString(&u, L"Surf\u00e9");
	reset_capture();
	DbgPrint("%ws|%ls|%S|%wZ", L"ab", L"cd", L"ef", &u);
	assert_printed("ab|cd|ef|Surf\xc3\xa9");
	/* %wZ uses Length, not a terminator. */
	part = u;
	part.Length = 4;
	reset_capture();
	DbgPrint("[%wZ]", &part);
	assert_printed("[Su]");
	RtlInitAnsiString(&a, "ansi!");
	a.Length = 4;
	reset_capture();
	DbgPrint("[%Z]", &a);
	assert_printed("[ansi]");
	reset_capture();
	DbgPrint("%C%wc%lc", (int)L'x', (int)0x00e9, (int)L'y');
	assert_printed("x\xc3\xa9y");
	reset_capture();
	DbgPrint("%ws %wZ", (PCWSTR)NULL, (PUNICODE_STRING)NULL);
	assert_printed("(null) (null)");
	reset_capture();
	DbgPrint("%ws", L"\U0001F600");
	assert_printed("\xf0\x9f\x98\x80");
	reset_capture();
	DbgPrint("[%6ws|%-4ws|%.1ws]", L"\u00e9", L"ab", L"cd");
	assert_printed("[     \xc3\xa9|ab  |c]");
}

static void test_dbgprint_limit(void **state)
{
	char big[700];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	reset_capture();
	DbgPrint("%s", big);
	/* One call transmits at most 512 bytes. */
	assert_int_equal(captured.len, 512);
	reset_capture();
	DbgPrint("%600d|", 1);
	assert_int_equal(captured.len, 512);
	reset_capture();
	DbgPrint("");
	assert_int_equal(captured.calls, 1);
	assert_int_equal(captured.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llp64_sizes),
		cmocka_unit_test(test_wide_literals),
		cmocka_unit_test(test_string_layouts),
		cmocka_unit_test(test_ntstatus),
		cmocka_unit_test(test_irql_constants),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_seh_spelling),
		cmocka_unit_test(test_list_entry),
		cmocka_unit_test(test_append_tail_list),
		cmocka_unit_test(test_single_list),
		cmocka_unit_test(test_interlocked),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_init_unicode_string),
		cmocka_unit_test(test_init_ansi_string),
		cmocka_unit_test(test_constant_strings),
		cmocka_unit_test(test_copy_unicode_string),
		cmocka_unit_test(test_compare_unicode_strings),
		cmocka_unit_test(test_dbgprint_basic),
		cmocka_unit_test(test_dbgprint_integers),
		cmocka_unit_test(test_dbgprint_strings_and_pointers),
		cmocka_unit_test(test_dbgprint_wide),
		cmocka_unit_test(test_dbgprint_limit),
	};

	return cmocka_run_group_tests_name("hostos:surface", tests, NULL, NULL);
}
