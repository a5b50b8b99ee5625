/*
 * sim/outfile.c - the buffered output file of sim/outfile.h.
 */
#include "sim/outfile.h"

#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

/* Trace records are small: a large buffer turns many of them into one
 * fwrite() and one write(). */
#define OUTFILE_BUF_BYTES (64u * 1024u)

int sim_outfile_open(struct sim_outfile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->f = fopen(path, "wb");
	if (!o->f)
		return SIM_ERR_IO;
	o->buf = malloc(OUTFILE_BUF_BYTES);
	return SIM_OK;
}

void sim_outfile_fail(struct sim_outfile *o, int err)
{
	/* The first error is the cause; later ones follow from it. */
	if (o->error == 0)
		o->error = err;
}

static void outfile_flush(struct sim_outfile *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		sim_outfile_fail(o, SIM_ERR_IO);
	o->len = 0;
}

void sim_outfile_write(struct sim_outfile *o, const char *buf, size_t len)
{
	if (len > OUTFILE_BUF_BYTES - o->len || !o->buf) {
		outfile_flush(o);
		if (len > OUTFILE_BUF_BYTES || !o->buf) {
			if (len && fwrite(buf, 1, len, o->f) != len)
				sim_outfile_fail(o, SIM_ERR_IO);
			return;
		}
	}
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
}

void sim_outfile_puts(struct sim_outfile *o, const char *s)
{
	sim_outfile_write(o, s, strlen(s));
}

int sim_outfile_close(struct sim_outfile *o)
{
	int err;

	if (!o->f)
		return SIM_OK;
	outfile_flush(o);
	if (fflush(o->f) != 0 || ferror(o->f))
		sim_outfile_fail(o, SIM_ERR_IO);
	if (fclose(o->f) != 0)
		sim_outfile_fail(o, SIM_ERR_IO);
	free(o->buf);
	err = o->error;
	memset(o, 0, sizeof(*o));
	return err;
}
