/*
 * hostos/debug-print.c - DbgPrint, DbgPrintEx and vDbgPrintEx of the
 * Windows surface (<wdm.h>): the kernel's format language, formatted here
 * and handed to hostos_debug_output() (hostos/core-internal.h) as one
 * message per call.
 *
 * The format language is that of the Windows kernel's printf family under
 * LLP64: "l" means 32 bits, "I64"/"ll" 64 bits, "I" pointer-sized, "ws",
 * "S" and "ls" take a 16-bit PCWSTR, "Z" a PANSI_STRING and "wZ" a
 * PUNICODE_STRING; "%p" prints 16 upper-case hex digits. wdm.h lists what
 * is supported. Numbers are formatted by the host's snprintf once the
 * argument is read with its Windows size.
 *
 * Built without -fshort-wchar: wide strings are WCHAR (unsigned short)
 * arrays, converted to UTF-8 here; wchar_t is never used.
 */
#include <wdm.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hostos/core-internal.h"

/* What one call transmits at most; the rest is lost, as on Windows. */
#define DBGPRINT_MAX_BYTES 512u

struct dbg_out {
	char buf[DBGPRINT_MAX_BYTES];
	size_t len;
};

static void out_bytes(struct dbg_out *o, const char *s, size_t n)
{
	size_t room = sizeof(o->buf) - o->len;

	if (n > room)
		n = room;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_pad(struct dbg_out *o, char c, size_t n)
{
	while (n-- > 0 && o->len < sizeof(o->buf))
		o->buf[o->len++] = c;
}

/* Appends code point @cp as UTF-8 to @dst (room for 4 bytes), returns the
 * number of bytes. */
static size_t utf8_encode(uint32_t cp, char *dst)
{
	if (cp < 0x80) {
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		dst[0] = (char)(0xC0 | (cp >> 6));
		dst[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		dst[0] = (char)(0xE0 | (cp >> 12));
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		dst[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	dst[0] = (char)(0xF0 | (cp >> 18));
	dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	dst[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * A string field: @units code units of @narrow (8-bit) or @wide (16-bit,
 * UTF-16, converted to UTF-8), at most @precision of them when it is
 * >= 0, padded with spaces to @width characters.
 */
static void out_string(struct dbg_out *o, const char *narrow, const WCHAR *wide,
		       size_t units, int width, int precision, bool left)
{
	char tmp[4 * DBGPRINT_MAX_BYTES];
	size_t tlen = 0;
	size_t chars = 0;

	if (precision >= 0 && (size_t)precision < units)
		units = (size_t)precision;
	for (size_t i = 0; i < units && tlen + 4 <= sizeof(tmp); i++) {
		if (narrow != NULL) {
			tmp[tlen++] = narrow[i];
		} else {
			uint32_t cp = wide[i];

			if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < units &&
			    wide[i + 1] >= 0xDC00 && wide[i + 1] < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (uint32_t)(wide[i + 1] - 0xDC00);
				i++;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD; /* a lone surrogate */
			}
			tlen += utf8_encode(cp, tmp + tlen);
		}
		chars++;
	}
	if (!left && width > 0 && (size_t)width > chars)
		out_pad(o, ' ', (size_t)width - chars);
	out_bytes(o, tmp, tlen);
	if (left && width > 0 && (size_t)width > chars)
		out_pad(o, ' ', (size_t)width - chars);
}

static void out_cstring(struct dbg_out *o, const char *s, int width,
			int precision, bool left)
{
	size_t n = 0;

	if (s == NULL)
		s = "(null)";
	while (s[n] != 0 && (precision < 0 || n < (size_t)precision))
		n++;
	out_string(o, s, NULL, n, width, precision, left);
}

static void out_wstring(struct dbg_out *o, const WCHAR *s, int width,
			int precision, bool left)
{
	size_t n = 0;

	if (s == NULL) {
		out_cstring(o, NULL, width, precision, left);
		return;
	}
	while (s[n] != 0 && (precision < 0 || n < (size_t)precision))
		n++;
	out_string(o, NULL, s, n, width, precision, left);
}

enum dbg_size {
	SIZE_DEFAULT, /* int */
	SIZE_HH,      /* char */
	SIZE_H,       /* short; narrow for c, s, C, S, Z */
	SIZE_L,       /* 32-bit (LONG); wide for c, s */
	SIZE_LL,      /* 64-bit */
	SIZE_W,       /* wide for c, s, Z; no effect on numbers */
};

/* Bounds a width or precision so one field stays inside the buffers. */
static int clamp_field(int v)
{
	return v > (int)DBGPRINT_MAX_BYTES ? (int)DBGPRINT_MAX_BYTES : v;
}

/* Formats @fmt into @o, reading arguments from @ap. */
static void format(struct dbg_out *o, const char *fmt, va_list ap)
{
	const char *p = fmt;

	while (*p != 0 && o->len < sizeof(o->buf)) {
		const char *start;
		char flags[8];
		size_t nflags = 0;
		int width = -1;
		int precision = -1;
		enum dbg_size size = SIZE_DEFAULT;
		bool left;
		char conv;

		if (*p != '%') {
			const char *q = p;

			while (*q != 0 && *q != '%')
				q++;
			out_bytes(o, p, (size_t)(q - p));
			p = q;
			continue;
		}
		start = p++;
		while (*p != 0 && strchr("-+ #0", *p) != NULL) {
			if (nflags < sizeof(flags) - 1 && memchr(flags, *p, nflags) == NULL)
				flags[nflags++] = *p;
			p++;
		}
		flags[nflags] = 0;
		left = memchr(flags, '-', nflags) != NULL;
		if (*p == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			p++;
		} else {
			while (*p >= '0' && *p <= '9') {
				width = (width < 0 ? 0 : width) * 10 + (*p - '0');
				if (width > (int)DBGPRINT_MAX_BYTES)
					width = (int)DBGPRINT_MAX_BYTES;
				p++;
			}
		}
		width = clamp_field(width);
		if (*p == '.') {
			p++;
			precision = 0;
			if (*p == '*') {
				precision = va_arg(ap, int);
				p++;
			} else {
				while (*p >= '0' && *p <= '9') {
					precision = precision * 10 + (*p - '0');
					if (precision > (int)DBGPRINT_MAX_BYTES)
						precision = (int)DBGPRINT_MAX_BYTES;
					p++;
				}
			}
			precision = clamp_field(precision);
		}
		if (p[0] == 'h' && p[1] == 'h') {
			size = SIZE_HH;
			p += 2;
		} else if (p[0] == 'h') {
			size = SIZE_H;
			p++;
		} else if (p[0] == 'l' && p[1] == 'l') {
			size = SIZE_LL;
			p += 2;
		} else if (p[0] == 'l' || p[0] == 'L') {
			size = SIZE_L;
			p++;
		} else if (p[0] == 'w') {
			size = SIZE_W;
			p++;
		} else if (p[0] == 'I' && p[1] == '6' && p[2] == '4') {
			size = SIZE_LL;
			p += 3;
		} else if (p[0] == 'I' && p[1] == '3' && p[2] == '2') {
			size = SIZE_L;
			p += 3;
		} else if (p[0] == 'I' || p[0] == 'z' || p[0] == 't' || p[0] == 'j') {
			size = SIZE_LL; /* pointer-sized on x64 */
			p++;
		}
		conv = *p;
		if (conv == 0) {
			out_bytes(o, start, (size_t)(p - start));
			break;
		}
		p++;

		switch (conv) {
		case '%':
			out_bytes(o, "%", 1);
			break;
		case 'd':
		case 'i':
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			char spec[48];
			char tmp[2 * DBGPRINT_MAX_BYTES + 8];
			bool is_signed = conv == 'd' || conv == 'i';
			long long sv = 0;
			unsigned long long uv = 0;
			int n;

			switch (size) {
			case SIZE_LL:
				if (is_signed)
					sv = va_arg(ap, long long);
				else
					uv = va_arg(ap, unsigned long long);
				break;
			case SIZE_H:
				if (is_signed)
					sv = (short)va_arg(ap, int);
				else
					uv = (unsigned short)va_arg(ap, unsigned int);
				break;
			case SIZE_HH:
				if (is_signed)
					sv = (signed char)va_arg(ap, int);
				else
					uv = (unsigned char)va_arg(ap, unsigned int);
				break;
			default: /* int, and l: LONG/ULONG are 32-bit */
				if (is_signed)
					sv = va_arg(ap, int);
				else
					uv = va_arg(ap, unsigned int);
				break;
			}
			if (precision >= 0)
				snprintf(spec, sizeof(spec), "%%%s%d.%dll%c", flags,
					 width < 0 ? 0 : width, precision, conv);
			else if (width >= 0)
				snprintf(spec, sizeof(spec), "%%%s%dll%c", flags, width,
					 conv);
			else
				snprintf(spec, sizeof(spec), "%%%sll%c", flags, conv);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			if (is_signed)
				n = snprintf(tmp, sizeof(tmp), spec, sv);
			else
				n = snprintf(tmp, sizeof(tmp), spec, uv);
#pragma GCC diagnostic pop
			if (n > 0)
				out_bytes(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n
									  : sizeof(tmp) - 1);
			break;
		}
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A': {
			char spec[48];
			char tmp[2 * DBGPRINT_MAX_BYTES + 8];
			double v = va_arg(ap, double);
			int n;

			if (precision >= 0)
				snprintf(spec, sizeof(spec), "%%%s%d.%d%c", flags,
					 width < 0 ? 0 : width, precision, conv);
			else if (width >= 0)
				snprintf(spec, sizeof(spec), "%%%s%d%c", flags, width, conv);
			else
				snprintf(spec, sizeof(spec), "%%%s%c", flags, conv);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			n = snprintf(tmp, sizeof(tmp), spec, v);
#pragma GCC diagnostic pop
			if (n > 0)
				out_bytes(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n
									  : sizeof(tmp) - 1);
			break;
		}
		case 'p': {
			char tmp[24];
			uintptr_t v = (uintptr_t)va_arg(ap, void *);

			snprintf(tmp, sizeof(tmp), "%016llX", (unsigned long long)v);
			out_string(o, tmp, NULL, 16, width, -1, left);
			break;
		}
		case 'c':
		case 'C': {
			bool wide = conv == 'C' ? size != SIZE_H
						: (size == SIZE_L || size == SIZE_W);
			int v = va_arg(ap, int);

			if (wide) {
				WCHAR w = (WCHAR)v;

				out_string(o, NULL, &w, 1, width, -1, left);
			} else {
				char c = (char)v;

				out_string(o, &c, NULL, 1, width, -1, left);
			}
			break;
		}
		case 's':
		case 'S': {
			bool wide = conv == 'S' ? size != SIZE_H
						: (size == SIZE_L || size == SIZE_W);

			if (wide)
				out_wstring(o, va_arg(ap, const WCHAR *), width, precision,
					    left);
			else
				out_cstring(o, va_arg(ap, const char *), width, precision,
					    left);
			break;
		}
		case 'Z':
			if (size == SIZE_W || size == SIZE_L) {
				PCUNICODE_STRING us = va_arg(ap, PCUNICODE_STRING);

				if (us == NULL || us->Buffer == NULL)
					out_cstring(o, NULL, width, precision, left);
				else
					out_string(o, NULL, us->Buffer,
						   us->Length / sizeof(WCHAR), width,
						   precision, left);
			} else {
				PCANSI_STRING as = va_arg(ap, PCANSI_STRING);

				if (as == NULL || as->Buffer == NULL)
					out_cstring(o, NULL, width, precision, left);
				else
					out_string(o, as->Buffer, NULL, as->Length, width,
						   precision, left);
			}
			break;
		default:
			/* %n and anything unknown: printed as written. */
			out_bytes(o, start, (size_t)(p - start));
			break;
		}
	}
}

ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format,
			va_list arglist)
{
	struct dbg_out o;
	va_list ap;

	o.len = 0;
	va_copy(ap, arglist);
	if (Format != NULL)
		format(&o, Format, ap);
	va_end(ap);
	hostos_debug_output(ComponentId, Level, o.buf, o.len);
	return (ULONG)STATUS_SUCCESS;
}

ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
	va_list ap;
	ULONG status;

	va_start(ap, Format);
	status = vDbgPrintEx(ComponentId, Level, Format, ap);
	va_end(ap);
	return status;
}

ULONG __cdecl DbgPrint(PCSTR Format, ...)
{
	va_list ap;
	ULONG status;

	va_start(ap, Format);
	status = vDbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, Format, ap);
	va_end(ap);
	return status;
}
