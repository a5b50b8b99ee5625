/*
 * hostos/rtl.c - the run-time library routines of the Windows surface
 * (<wdm.h>) that need nothing of the mock kernel: counted strings and
 * RtlCompareMemory. Behaviour as the WDK documents it; see wdm.h for each.
 *
 * Built without -fshort-wchar: WCHAR is unsigned short and wchar_t is
 * never used here.
 */
#include <wdm.h>

/* The longest byte counts RtlInit*String store (the largest even USHORT
 * minus the terminator for UNICODE_STRING; MAXUSHORT minus it for
 * ANSI_STRING). */
#define MAX_UNICODE_LENGTH_BYTES 0xFFFCu
#define MAX_ANSI_LENGTH_BYTES 0xFFFEu

VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString,
				PCWSTR SourceString)
{
	size_t n = 0;

	DestinationString->Buffer = (PWSTR)SourceString;
	if (SourceString == NULL) {
		DestinationString->Length = 0;
		DestinationString->MaximumLength = 0;
		return;
	}
	while (SourceString[n] != 0 && n * sizeof(WCHAR) < MAX_UNICODE_LENGTH_BYTES)
		n++;
	DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
	DestinationString->MaximumLength =
		(USHORT)(DestinationString->Length + sizeof(WCHAR));
}

VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
	size_t n = 0;

	DestinationString->Buffer = (PCHAR)SourceString;
	if (SourceString == NULL) {
		DestinationString->Length = 0;
		DestinationString->MaximumLength = 0;
		return;
	}
	while (SourceString[n] != 0 && n < MAX_ANSI_LENGTH_BYTES)
		n++;
	DestinationString->Length = (USHORT)n;
	DestinationString->MaximumLength = (USHORT)(n + 1);
}

VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
	RtlInitAnsiString(DestinationString, SourceString);
}

VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
				PCUNICODE_STRING SourceString)
{
	USHORT len;

	if (SourceString == NULL) {
		DestinationString->Length = 0;
		return;
	}
	len = SourceString->Length;
	if (len > DestinationString->MaximumLength)
		len = DestinationString->MaximumLength;
	len = (USHORT)(len & ~1u); /* whole characters */
	if (len != 0)
		memmove(DestinationString->Buffer, SourceString->Buffer, len);
	DestinationString->Length = len;
	if ((size_t)len + sizeof(WCHAR) <= DestinationString->MaximumLength)
		DestinationString->Buffer[len / sizeof(WCHAR)] = UNICODE_NULL;
}

WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
	WCHAR c = SourceCharacter;

	if (c >= 'a' && c <= 'z')
		return (WCHAR)(c - ('a' - 'A'));
	/* Latin-1: U+00E0-U+00FE but U+00F7 (the division sign) map down by
	 * 0x20; U+00FF maps to U+0178; U+00B5 (micro) to U+039C. */
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return (WCHAR)(c - 0x20);
	if (c == 0xFF)
		return 0x178;
	if (c == 0xB5)
		return 0x39C;
	return c;
}

static WCHAR fold(WCHAR c, BOOLEAN case_insensitive)
{
	return case_insensitive ? RtlUpcaseUnicodeChar(c) : c;
}

LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1,
				   PCUNICODE_STRING String2,
				   BOOLEAN CaseInSensitive)
{
	size_t n1 = String1->Length / sizeof(WCHAR);
	size_t n2 = String2->Length / sizeof(WCHAR);
	size_t n = n1 < n2 ? n1 : n2;

	for (size_t i = 0; i < n; i++) {
		WCHAR a = fold(String1->Buffer[i], CaseInSensitive);
		WCHAR b = fold(String2->Buffer[i], CaseInSensitive);

		if (a != b)
			return (LONG)a - (LONG)b;
	}
	return (LONG)String1->Length - (LONG)String2->Length;
}

BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1,
				    PCUNICODE_STRING String2,
				    BOOLEAN CaseInSensitive)
{
	if (String1->Length != String2->Length)
		return FALSE;
	return RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0
		       ? TRUE
		       : FALSE;
}

SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2,
			      SIZE_T Length)
{
	const UCHAR *a = Source1;
	const UCHAR *b = Source2;
	SIZE_T i = 0;

	while (i < Length && a[i] == b[i])
		i++;
	return i;
}
