/*
 * sim/outfile.h - a buffered output file that remembers its first error,
 * the common part of the trace writers (sim/vcd.h, sim/ctrace.h).
 *
 * Writes collect in a private 64 KiB buffer that stdio receives in whole
 * blocks, so the per-record cost is a memcpy, not a locked stdio call.
 * Write functions return nothing: the first error is kept and returned by
 * sim_outfile_close(). Libc only.
 */
#ifndef PCISIM_SIM_OUTFILE_H
#define PCISIM_SIM_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/** struct sim_outfile - one file being written. Fields are private. */
struct sim_outfile {
	/* private */
	FILE *f;
	char *buf;  /* output not yet passed to f (NULL: unbuffered) */
	size_t len; /* bytes used in buf */
	int error;  /* first error remembered, 0 if none */
};

/**
 * sim_outfile_open() - create (truncate) @path for writing.
 * Return: 0, or SIM_ERR_IO (then @o is closed and may be opened again). A
 * buffer that cannot be allocated only costs speed.
 */
int sim_outfile_open(struct sim_outfile *o, const char *path);

/** sim_outfile_is_open() - true between a successful open and the close. */
static inline int sim_outfile_is_open(const struct sim_outfile *o)
{
	return o->f != NULL;
}

/** sim_outfile_write() - append @len bytes; a failure is remembered. */
void sim_outfile_write(struct sim_outfile *o, const char *buf, size_t len);

/** sim_outfile_puts() - append a NUL-terminated string. */
void sim_outfile_puts(struct sim_outfile *o, const char *s);

/** sim_outfile_fail() - remember @err unless an earlier error is kept. */
void sim_outfile_fail(struct sim_outfile *o, int err);

/** sim_outfile_error() - the first error remembered, 0 if none. */
static inline int sim_outfile_error(const struct sim_outfile *o)
{
	return o->error;
}

/**
 * sim_outfile_close() - flush, close, free the buffer. Safe on a closed
 * file (returns 0).
 * Return: the first error remembered since the open (SIM_ERR_IO for a
 * failed write, flush or close), or 0.
 */
int sim_outfile_close(struct sim_outfile *o);

#endif /* PCISIM_SIM_OUTFILE_H */
