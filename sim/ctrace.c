/*
 * sim/ctrace.c - the Chrome trace-event JSON writer declared in
 * sim/ctrace.h.
 *
 * Every event is one line, {"ph":...,"pid":...,"tid":...,"ts":...,...},
 * with members always in the same order, so the bytes depend only on the
 * calls. Strings are escaped per RFC 8259 section 7; times are printed from
 * integers. Libc only.
 */
#include "sim/ctrace.h"

#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

/** struct sim_ctrace_track_info - one track (private to this file). */
struct sim_ctrace_track_info {
	char *process; /* owned */
	char *thread;  /* owned */
	uint32_t pid, tid;
	uint32_t depth; /* spans begun and not yet ended */
};

static void ct_fail(struct sim_ctrace *t, int err)
{
	sim_outfile_fail(&t->out, err);
}

static void ct_write(struct sim_ctrace *t, const char *buf, size_t len)
{
	sim_outfile_write(&t->out, buf, len);
}

static void ct_puts(struct sim_ctrace *t, const char *s)
{
	ct_write(t, s, strlen(s));
}

/* Format @x in decimal into the bytes just before @end; returns the first digit. */
static char *ct_u64_dec(uint64_t x, char *end)
{
	char *p = end;

	do {
		*--p = (char)('0' + x % 10u);
		x /= 10u;
	} while (x != 0);
	return p;
}

static void ct_put_u64(struct sim_ctrace *t, uint64_t x)
{
	char buf[20];
	char *p = ct_u64_dec(x, buf + sizeof(buf));

	ct_write(t, p, (size_t)(buf + sizeof(buf) - p));
}

static void ct_put_i64(struct sim_ctrace *t, int64_t x)
{
	if (x < 0) {
		ct_write(t, "-", 1);
		/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
		ct_put_u64(t, (uint64_t)0 - (uint64_t)x);
	} else {
		ct_put_u64(t, (uint64_t)x);
	}
}

/* A time in ps as microseconds with exactly six decimals: 1234567 ->
 * 1.234567. Integer arithmetic only, so the text is exact and stable. */
static void ct_put_us(struct sim_ctrace *t, sim_time_t ps)
{
	char buf[28];
	char *end = buf + sizeof(buf);
	uint64_t frac = ps % 1000000u;
	char *p;
	int i;

	p = end;
	for (i = 0; i < 6; i++) {
		*--p = (char)('0' + frac % 10u);
		frac /= 10u;
	}
	*--p = '.';
	p = ct_u64_dec(ps / 1000000u, p);
	ct_write(t, p, (size_t)(end - p));
}

static void ct_put_hex(struct sim_ctrace *t, uint64_t x)
{
	static const char digits[] = "0123456789abcdef";
	char buf[20];
	char *end = buf + sizeof(buf);
	char *p = end;

	*--p = '"';
	do {
		*--p = digits[x & 0xfu];
		x >>= 4;
	} while (x != 0);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	ct_write(t, p, (size_t)(end - p));
}

/* Length of the well-formed UTF-8 sequence at @s (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t ct_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* The NUL terminator fails this test, so reads stop at the string's end. */
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Write @s as a JSON string: quotes and backslashes escaped, control
 * characters as \u00XX, malformed UTF-8 bytes as \ufffd each. */
static void ct_put_str(struct sim_ctrace *t, const char *str)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *run = s;

	ct_write(t, "\"", 1);
	while (*s) {
		unsigned char c = *s;
		size_t n = 1;
		char esc[6];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0x80) {
			n = ct_utf8_len(s);
			if (n) {
				s += n;
				continue;
			}
			n = 1;
		}
		ct_write(t, (const char *)run, (size_t)(s - run));
		if (c == '"') {
			ct_write(t, "\\\"", 2);
		} else if (c == '\\') {
			ct_write(t, "\\\\", 2);
		} else if (c < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = digits[c >> 4];
			esc[5] = digits[c & 0xfu];
			ct_write(t, esc, 6);
		} else {
			ct_write(t, "\\ufffd", 6);
		}
		s += n;
		run = s;
	}
	ct_write(t, (const char *)run, (size_t)(s - run));
	ct_write(t, "\"", 1);
}

/* Start an event: separator, then {"ph":"<ph>","pid":P,"tid":T */
static void ct_event_head(struct sim_ctrace *t, const struct sim_ctrace_track_info *tr, char ph)
{
	char head[16];

	ct_puts(t, t->nevents ? ",\n{\"ph\":\"" : "\n{\"ph\":\"");
	t->nevents = 1;
	head[0] = ph;
	memcpy(head + 1, "\",\"pid\":", 8);
	ct_write(t, head, 9);
	ct_put_u64(t, tr->pid);
	ct_puts(t, ",\"tid\":");
	ct_put_u64(t, tr->tid);
}

static void ct_put_args(struct sim_ctrace *t, const struct sim_ctrace_arg *args, size_t nargs)
{
	size_t i;

	if (nargs == 0)
		return;
	ct_puts(t, ",\"args\":{");
	for (i = 0; i < nargs; i++) {
		const struct sim_ctrace_arg *a = &args[i];

		if (i)
			ct_write(t, ",", 1);
		ct_put_str(t, a->key);
		ct_write(t, ":", 1);
		switch (a->kind) {
		case SIM_CTRACE_ARG_U64:
			ct_put_u64(t, a->v.u64);
			break;
		case SIM_CTRACE_ARG_I64:
			ct_put_i64(t, a->v.i64);
			break;
		case SIM_CTRACE_ARG_HEX:
			ct_put_hex(t, a->v.u64);
			break;
		case SIM_CTRACE_ARG_STR:
			if (a->v.str)
				ct_put_str(t, a->v.str);
			else
				ct_puts(t, "null");
			break;
		}
	}
	ct_write(t, "}", 1);
}

/* Check an event's arguments before anything is written, so a bad call
 * leaves the file valid. Returns the track, or NULL (error remembered). */
static struct sim_ctrace_track_info *ct_check(struct sim_ctrace *t, uint32_t track,
					      const char *name, int need_name,
					      const struct sim_ctrace_arg *args, size_t nargs)
{
	size_t i;

	if (!t || !sim_outfile_is_open(&t->out))
		return NULL;
	if (track >= t->ntracks || (need_name && !name) || (nargs && !args)) {
		ct_fail(t, SIM_ERR_INVALID);
		return NULL;
	}
	for (i = 0; i < nargs; i++) {
		if (!args[i].key || (unsigned)args[i].kind > SIM_CTRACE_ARG_STR) {
			ct_fail(t, SIM_ERR_INVALID);
			return NULL;
		}
	}
	return &t->tracks[track];
}

/* Write a whole B, X or i event (dur_ps is used for X only). */
static void ct_span_event(struct sim_ctrace *t, uint32_t track, char ph, const char *name,
			  sim_time_t t_ps, sim_time_t dur_ps, const struct sim_ctrace_arg *args,
			  size_t nargs)
{
	struct sim_ctrace_track_info *tr = ct_check(t, track, name, 1, args, nargs);

	if (!tr)
		return;
	ct_event_head(t, tr, ph);
	ct_puts(t, ",\"ts\":");
	ct_put_us(t, t_ps);
	if (ph == 'X') {
		ct_puts(t, ",\"dur\":");
		ct_put_us(t, dur_ps);
	}
	ct_puts(t, ",\"name\":");
	ct_put_str(t, name);
	if (ph == 'i')
		ct_puts(t, ",\"s\":\"t\"");
	ct_put_args(t, args, nargs);
	ct_write(t, "}", 1);
	if (ph == 'B')
		tr->depth++;
}

static void ct_metadata(struct sim_ctrace *t, const struct sim_ctrace_track_info *tr,
			const char *what, const char *value)
{
	ct_event_head(t, tr, 'M');
	ct_puts(t, ",\"name\":\"");
	ct_puts(t, what);
	ct_puts(t, "\",\"args\":{\"name\":");
	ct_put_str(t, value);
	ct_puts(t, "}}");
}

int sim_ctrace_open(struct sim_ctrace *t, const char *path)
{
	if (!t || !path)
		return SIM_ERR_INVALID;
	memset(t, 0, sizeof(*t));
	if (sim_outfile_open(&t->out, path) != SIM_OK)
		return SIM_ERR_IO;
	ct_puts(t, "{\"traceEvents\":[");
	if (sim_outfile_error(&t->out)) {
		sim_outfile_close(&t->out);
		memset(t, 0, sizeof(*t));
		return SIM_ERR_IO;
	}
	return SIM_OK;
}

static char *ct_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = malloc(len);

	if (d)
		memcpy(d, s, len);
	return d;
}

int sim_ctrace_track(struct sim_ctrace *t, const char *process_name, const char *thread_name,
		     uint32_t *track_out)
{
	struct sim_ctrace_track_info *tr;
	uint32_t i, pid = 0;

	if (!t || !process_name || !thread_name || !track_out)
		return SIM_ERR_INVALID;
	if (!sim_outfile_is_open(&t->out))
		return SIM_ERR_STATE;
	/* Tracks are few and made at elaboration: a linear search will do. */
	for (i = 0; i < t->ntracks; i++) {
		tr = &t->tracks[i];
		if (strcmp(tr->process, process_name) != 0)
			continue;
		pid = tr->pid;
		if (strcmp(tr->thread, thread_name) == 0) {
			*track_out = i;
			return SIM_OK;
		}
	}
	if (t->ntracks == t->captracks) {
		uint32_t cap = t->captracks ? t->captracks * 2u : 8u;
		struct sim_ctrace_track_info *tracks;

		if (t->captracks > UINT32_MAX / 2u ||
		    (size_t)cap * sizeof(*tracks) / sizeof(*tracks) != cap)
			return SIM_ERR_NOMEM;
		tracks = realloc(t->tracks, (size_t)cap * sizeof(*tracks));
		if (!tracks)
			return SIM_ERR_NOMEM;
		t->tracks = tracks;
		t->captracks = cap;
	}
	tr = &t->tracks[t->ntracks];
	memset(tr, 0, sizeof(*tr));
	tr->process = ct_strdup(process_name);
	tr->thread = ct_strdup(thread_name);
	if (!tr->process || !tr->thread) {
		free(tr->process);
		free(tr->thread);
		return SIM_ERR_NOMEM;
	}
	tr->tid = t->ntracks + 1u;
	if (pid == 0) {
		tr->pid = ++t->nprocs;
		ct_metadata(t, tr, "process_name", process_name);
	} else {
		tr->pid = pid;
	}
	ct_metadata(t, tr, "thread_name", thread_name);
	*track_out = t->ntracks++;
	return sim_outfile_error(&t->out) == SIM_ERR_IO ? SIM_ERR_IO : SIM_OK;
}

void sim_ctrace_begin(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps)
{
	ct_span_event(t, track, 'B', name, t_ps, 0, NULL, 0);
}

void sim_ctrace_begin_args(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps,
			   const struct sim_ctrace_arg *args, size_t nargs)
{
	ct_span_event(t, track, 'B', name, t_ps, 0, args, nargs);
}

void sim_ctrace_end(struct sim_ctrace *t, uint32_t track, sim_time_t t_ps)
{
	struct sim_ctrace_track_info *tr = ct_check(t, track, NULL, 0, NULL, 0);

	if (!tr)
		return;
	if (tr->depth == 0) {
		ct_fail(t, SIM_ERR_STATE);
		return;
	}
	tr->depth--;
	ct_event_head(t, tr, 'E');
	ct_puts(t, ",\"ts\":");
	ct_put_us(t, t_ps);
	ct_write(t, "}", 1);
}

void sim_ctrace_complete(struct sim_ctrace *t, uint32_t track, const char *name,
			 sim_time_t start_ps, sim_time_t dur_ps)
{
	ct_span_event(t, track, 'X', name, start_ps, dur_ps, NULL, 0);
}

void sim_ctrace_complete_args(struct sim_ctrace *t, uint32_t track, const char *name,
			      sim_time_t start_ps, sim_time_t dur_ps,
			      const struct sim_ctrace_arg *args, size_t nargs)
{
	ct_span_event(t, track, 'X', name, start_ps, dur_ps, args, nargs);
}

void sim_ctrace_instant(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps)
{
	ct_span_event(t, track, 'i', name, t_ps, 0, NULL, 0);
}

void sim_ctrace_instant_args(struct sim_ctrace *t, uint32_t track, const char *name,
			     sim_time_t t_ps, const struct sim_ctrace_arg *args, size_t nargs)
{
	ct_span_event(t, track, 'i', name, t_ps, 0, args, nargs);
}

void sim_ctrace_counter(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps,
			int64_t value)
{
	struct sim_ctrace_track_info *tr = ct_check(t, track, name, 1, NULL, 0);

	if (!tr)
		return;
	ct_event_head(t, tr, 'C');
	ct_puts(t, ",\"ts\":");
	ct_put_us(t, t_ps);
	ct_puts(t, ",\"name\":");
	ct_put_str(t, name);
	ct_puts(t, ",\"args\":{\"value\":");
	ct_put_i64(t, value);
	ct_puts(t, "}}");
}

int sim_ctrace_close(struct sim_ctrace *t)
{
	uint32_t i;
	int err;

	if (!t || !sim_outfile_is_open(&t->out))
		return SIM_OK;
	ct_puts(t, "\n],\"displayTimeUnit\":\"ns\"}\n");
	err = sim_outfile_close(&t->out);
	for (i = 0; i < t->ntracks; i++) {
		free(t->tracks[i].process);
		free(t->tracks[i].thread);
	}
	free(t->tracks);
	/* Leave the struct closed: a second close is a no-op. */
	memset(t, 0, sizeof(*t));
	return err;
}
