/*
 * sim/ctrace.h - a Chrome trace-event JSON writer: spans, instants and
 * counters on named tracks, for ui.perfetto.dev and chrome://tracing.
 *
 * The file is the "JSON Object Format" of the Trace Event Format,
 * {"traceEvents":[...],"displayTimeUnit":"ns"}, one event per line. Events
 * are streamed out as they come through a 64 KiB buffer (nothing else is
 * kept in memory but the track table) and the array is closed by
 * sim_ctrace_close(); a file that was never closed is truncated JSON. Output depends only on the calls made (no dates,
 * no host pointers, no floating point), so equal runs give equal files.
 *
 * Times are given in ps and written in the format's unit, microseconds,
 * exactly: 1234567 ps is "1.234567". Viewers keep nanoseconds at best.
 *
 * Tracing is off by default at the cost of one branch: a component holds a
 * struct sim_ctrace pointer that is NULL when tracing is off and tests it
 * before each call, e.g.
 *
 *	if (dev->trace)
 *		sim_ctrace_instant(dev->trace, dev->track, "doorbell", now_ps);
 *
 * or with SIM_CTRACE(dev->trace, sim_ctrace_instant, dev->track, ...), which
 * expands to the same test. Arguments are then not evaluated when tracing
 * is off.
 *
 * Event functions return nothing: misuse (an unknown track, a NULL name)
 * and write errors are remembered, the event is dropped, and the first
 * error is returned by sim_ctrace_close(). A NULL or unopened writer is
 * ignored. Not thread-safe; libc only.
 */
#ifndef PCISIM_SIM_CTRACE_H
#define PCISIM_SIM_CTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/outfile.h"
#include "sim/time.h"

/**
 * SIM_CTRACE() - call a sim_ctrace_*() event function if tracing is on.
 * @tr: a struct sim_ctrace pointer, NULL when tracing is off; evaluated
 *      twice, so pass a plain variable or field.
 * @fn: the function, e.g. sim_ctrace_instant.
 *
 * The remaining arguments follow @tr in @fn's parameter list; they are not
 * evaluated when @tr is NULL.
 */
#define SIM_CTRACE(tr, fn, ...)                 \
	do {                                    \
		if (tr)                         \
			fn((tr), __VA_ARGS__);  \
	} while (0)

/** struct sim_ctrace - one trace file being written. Fields are private. */
struct sim_ctrace {
	/* private */
	struct sim_outfile out; /* the file, its buffer and first error */
	struct sim_ctrace_track_info *tracks;
	uint32_t ntracks, captracks;
	uint32_t nprocs; /* distinct process names so far; pids are 1..nprocs */
	int nevents;     /* nonzero once an event is written (comma needed) */
};

/** enum sim_ctrace_arg_kind - how struct sim_ctrace_arg's value is written. */
enum sim_ctrace_arg_kind {
	SIM_CTRACE_ARG_U64, /**< .u64 as a JSON number, e.g. 64 */
	SIM_CTRACE_ARG_I64, /**< .i64 as a JSON number, e.g. -3 */
	SIM_CTRACE_ARG_HEX, /**< .u64 as a JSON string, e.g. "0x1000" */
	SIM_CTRACE_ARG_STR, /**< .str as a JSON string, escaped; NULL is null */
};

/**
 * struct sim_ctrace_arg - one key/value member of an event's "args".
 * @key: the member name; escaped on output. Must not be NULL.
 * @kind: which of the value fields is used.
 *
 * Build them with the SIM_CTRACE_ARG_*() initializers below. JSON readers
 * keep numbers as doubles: above 2^53 use SIM_CTRACE_ARG_HEX to stay exact.
 * Nothing is retained after the call; keys should be distinct.
 */
struct sim_ctrace_arg {
	const char *key;
	enum sim_ctrace_arg_kind kind;
	union {
		uint64_t u64;
		int64_t i64;
		const char *str;
	} v;
};

/* Initializers for arrays of struct sim_ctrace_arg, e.g.
 *	const struct sim_ctrace_arg a[] = { SIM_CTRACE_ARG_HEX("addr", addr),
 *					    SIM_CTRACE_ARG_U64("len", len) };
 */
#define SIM_CTRACE_ARG_U64(k, x) { .key = (k), .kind = SIM_CTRACE_ARG_U64, .v.u64 = (x) }
#define SIM_CTRACE_ARG_I64(k, x) { .key = (k), .kind = SIM_CTRACE_ARG_I64, .v.i64 = (x) }
#define SIM_CTRACE_ARG_HEX(k, x) { .key = (k), .kind = SIM_CTRACE_ARG_HEX, .v.u64 = (x) }
#define SIM_CTRACE_ARG_STR(k, x) { .key = (k), .kind = SIM_CTRACE_ARG_STR, .v.str = (x) }

/**
 * sim_ctrace_open() - create (truncate) @path and write the start of the
 * trace.
 * @t: the writer; its previous contents are ignored.
 * @path: the file to write.
 *
 * Return: 0, SIM_ERR_INVALID (NULL argument) or SIM_ERR_IO (cannot open or
 * write; @t is then left closed and may be opened again).
 */
int sim_ctrace_open(struct sim_ctrace *t, const char *path);

/**
 * sim_ctrace_track() - get the track for a (process, thread) name pair.
 * @t: an open writer.
 * @process_name: the group shown as a process; copied.
 * @thread_name: the row inside it shown as a thread; copied.
 * @track_out: receives the handle to pass to the event functions.
 *
 * The first use of a process name assigns it the next pid (1, 2, ...) and
 * writes its "process_name" metadata event; the first use of a pair assigns
 * it the next tid (1, 2, ... over the whole file, so tids never repeat
 * across processes) and writes its "thread_name" event. Asking again for a
 * known pair returns the same track and writes nothing. Names are any
 * strings; they are escaped (invalid UTF-8 becomes U+FFFD).
 *
 * Return: 0, SIM_ERR_INVALID (NULL argument), SIM_ERR_STATE (not open),
 * SIM_ERR_NOMEM, or SIM_ERR_IO (a write failed; also remembered).
 */
int sim_ctrace_track(struct sim_ctrace *t, const char *process_name, const char *thread_name,
		     uint32_t *track_out);

/**
 * sim_ctrace_begin() - open a span on @track ("B" event).
 * @t: the writer, or NULL (ignored).
 * @track: from sim_ctrace_track().
 * @name: the span's label; escaped, not retained.
 * @t_ps: start time, ps.
 *
 * Spans on one track nest: each sim_ctrace_end() closes the innermost open
 * one. Spans still open at sim_ctrace_close() stay open (viewers show them
 * as unfinished).
 */
void sim_ctrace_begin(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps);

/**
 * sim_ctrace_begin_args() - sim_ctrace_begin() with an "args" object.
 * @args: @nargs members written in order; may be NULL when @nargs is 0.
 * @nargs: number of members.
 */
void sim_ctrace_begin_args(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps,
			   const struct sim_ctrace_arg *args, size_t nargs);

/**
 * sim_ctrace_end() - close the innermost open span on @track ("E" event).
 * @t_ps: end time, ps; should not be before the span's start.
 *
 * Without an open span the event is dropped and SIM_ERR_STATE remembered,
 * so the file never holds an unmatched end.
 */
void sim_ctrace_end(struct sim_ctrace *t, uint32_t track, sim_time_t t_ps);

/**
 * sim_ctrace_complete() - a whole span whose length is known ("X" event).
 * @name: the span's label; escaped, not retained.
 * @start_ps: start time, ps.
 * @dur_ps: duration, ps (0 is allowed).
 */
void sim_ctrace_complete(struct sim_ctrace *t, uint32_t track, const char *name,
			 sim_time_t start_ps, sim_time_t dur_ps);

/** sim_ctrace_complete_args() - sim_ctrace_complete() with an "args" object. */
void sim_ctrace_complete_args(struct sim_ctrace *t, uint32_t track, const char *name,
			      sim_time_t start_ps, sim_time_t dur_ps,
			      const struct sim_ctrace_arg *args, size_t nargs);

/**
 * sim_ctrace_instant() - a point event on @track ("i" event, thread scope).
 * @name: the event's label; escaped, not retained.
 * @t_ps: time, ps.
 */
void sim_ctrace_instant(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps);

/** sim_ctrace_instant_args() - sim_ctrace_instant() with an "args" object. */
void sim_ctrace_instant_args(struct sim_ctrace *t, uint32_t track, const char *name,
			     sim_time_t t_ps, const struct sim_ctrace_arg *args, size_t nargs);

/**
 * sim_ctrace_counter() - a counter sample ("C" event, args {"value": v}).
 * @track: from sim_ctrace_track(); counters belong to the track's process,
 *         where @name identifies the series (viewers ignore the thread).
 * @name: the counter's name; escaped, not retained.
 * @t_ps: time of the sample, ps; the value holds until the next sample.
 * @value: the sample; exact in viewers up to 2^53 in magnitude.
 */
void sim_ctrace_counter(struct sim_ctrace *t, uint32_t track, const char *name, sim_time_t t_ps,
			int64_t value);

/**
 * sim_ctrace_close() - end the JSON, flush and close the file, free the
 * track table. Safe on a writer that failed to open, and twice.
 *
 * Return: 0, or the first error remembered since sim_ctrace_open():
 * SIM_ERR_IO (a write failed), SIM_ERR_INVALID (an event named an unknown
 * track or had a NULL name or key), SIM_ERR_STATE (an end without a begin).
 * The file is valid JSON in every case but SIM_ERR_IO.
 */
int sim_ctrace_close(struct sim_ctrace *t);

#endif /* PCISIM_SIM_CTRACE_H */
