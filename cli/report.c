/*
 * cli/report.c - results as a table, CSV and JSON (cli/report.h).
 */
#include <string.h>

#include "cli/report.h"

static const char *dir_name(enum scen_dir d)
{
	return d == SCEN_DIR_WRITE ? "write" : "read";
}

/* The workload device's driver moderation (0: off, or no driver). */
static unsigned moderation_us(const struct scenario *sc)
{
	for (unsigned i = 0; i < sc->n_nodes; i++)
		if (!strcmp(sc->nodes[i].name, sc->device))
			return sc->nodes[i].moderation_us;
	return 0;
}

static double per_request(const struct wl_row *w, uint64_t n)
{
	return w->transfers ? (double)n / w->transfers : 0.0;
}

static double per_second(const struct wl_row *w, uint64_t n)
{
	return w->elapsed_ps ? (double)n / ((double)w->elapsed_ps / 1e12) : 0.0;
}

void report_table(FILE *out, const struct scenario *sc, const struct wl_result *r)
{
	fprintf(out,
		"%s: refdev '%s' at %02x:%02x.0, BAR0 0x%llx; link Gen%u x%u, MPS %u, MRRS %u;"
		" %s buffer%s; %u transfer(s) per size\n",
		sc->name, sc->device, r->bus, r->slot, (unsigned long long)r->bar0, r->gen,
		r->width, r->mps, r->mrrs, sc->buffer_high ? "above-4-GiB" : "below-4-GiB",
		sc->offset ? " (unaligned)" : "", sc->count);
	if (!strcmp(sc->driver, "refdrv") && moderation_us(sc))
		fprintf(out, "  through the reference driver, %u request(s) outstanding; interrupt "
			     "moderation: its DPC polls up to %u us\n",
			sc->queue, moderation_us(sc));
	else if (!strcmp(sc->driver, "refdrv"))
		fprintf(out, "  through the reference driver, %u request(s) outstanding; interrupt "
			     "moderation off\n",
			sc->queue);
	fprintf(out, "  %-5s %9s %12s %12s %7s %10s %10s %10s %10s %7s  %s\n", "dir", "size (B)",
		"achieved Gb/s", "bound Gb/s", "ratio", "lat mean", "lat p50", "lat p99", "lat max",
		"irq/req", "data");
	for (unsigned i = 0; i < r->n_rows; i++) {
		const struct wl_row *w = &r->rows[i];

		fprintf(out,
			"  %-5s %9llu %12.3f %12.3f %7.3f %8.2fus %8.2fus %8.2fus %8.2fus %7.3f  %s\n",
			dir_name(w->dir), (unsigned long long)w->size, w->gbps, w->bound_gbps,
			w->bound_gbps > 0 ? w->gbps / w->bound_gbps : 0.0, w->lat_mean_us,
			w->lat_p50_us, w->lat_p99_us, w->lat_max_us,
			per_request(w, w->interrupts),
			w->errors ? "ERRORS" : w->verified ? "verified" : "WRONG");
	}
	fprintf(out, "  %llu interrupt message(s); simulated time %.3f us\n",
		(unsigned long long)r->messages, (double)r->end_ps / 1e6);
}

void report_csv_header(FILE *out, const struct report_keys *keys)
{
	for (unsigned i = 0; keys && i < keys->n; i++)
		fprintf(out, "%s,", keys->names[i]);
	fputs("scenario,gen,width,mps,mrrs,cpus,seed,buffer,offset,direction,size,transfers,"
	      "errors,bytes,elapsed_us,achieved_gbps,bound_gbps,ratio,lat_mean_us,lat_p50_us,"
	      "lat_p99_us,lat_max_us,verified,queue,moderation_us,interrupts,irq_per_request,"
	      "irq_per_sec,isrs,dpcs\n",
	      out);
}

void report_csv_rows(FILE *out, const struct scenario *sc, const struct wl_result *r,
		     const struct report_keys *keys)
{
	for (unsigned i = 0; i < r->n_rows; i++) {
		const struct wl_row *w = &r->rows[i];

		for (unsigned k = 0; keys && k < keys->n; k++)
			fprintf(out, "%s,", keys->values[k]);
		fprintf(out,
			"%s,%u,%u,%u,%u,%u,%llu,%s,%u,%s,%llu,%u,%u,%llu,%.6f,%.3f,%.3f,%.4f,%.3f,"
			"%.3f,%.3f,%.3f,%d,%u,%u,%llu,%.4f,%.0f,%llu,%llu\n",
			sc->name, r->gen, r->width, r->mps, r->mrrs, sc->cpus,
			(unsigned long long)sc->seed, sc->buffer_high ? "high" : "low", sc->offset,
			dir_name(w->dir), (unsigned long long)w->size, w->transfers, w->errors,
			(unsigned long long)w->bytes, (double)w->elapsed_ps / 1e6, w->gbps,
			w->bound_gbps, w->bound_gbps > 0 ? w->gbps / w->bound_gbps : 0.0,
			w->lat_mean_us, w->lat_p50_us, w->lat_p99_us, w->lat_max_us,
			w->verified ? 1 : 0, sc->queue, moderation_us(sc),
			(unsigned long long)w->interrupts, per_request(w, w->interrupts),
			per_second(w, w->interrupts), (unsigned long long)w->isrs,
			(unsigned long long)w->dpcs);
	}
}

/* Names and values here are the scenario's own: section names and keys
 * are restricted to [A-Za-z0-9_-], values to what the parser accepted;
 * only the scenario name (a file name) may need escaping. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void report_json(FILE *out, const struct scenario *sc, const struct wl_result *r,
		 const struct report_keys *keys)
{
	fputs("{\"scenario\":", out);
	json_str(out, sc->name);
	fprintf(out, ",\"link\":{\"gen\":%u,\"width\":%u,\"mps\":%u,\"mrrs\":%u},\"cpus\":%u,"
		     "\"seed\":%llu,\"buffer\":\"%s\",\"offset\":%u,\"messages\":%llu,"
		     "\"queue\":%u,\"moderation_us\":%u",
		r->gen, r->width, r->mps, r->mrrs, sc->cpus, (unsigned long long)sc->seed,
		sc->buffer_high ? "high" : "low", sc->offset, (unsigned long long)r->messages,
		sc->queue, moderation_us(sc));
	if (keys && keys->n) {
		fputs(",\"set\":{", out);
		for (unsigned k = 0; k < keys->n; k++) {
			fputs(k ? "," : "", out);
			json_str(out, keys->names[k]);
			fputc(':', out);
			json_str(out, keys->values[k]);
		}
		fputc('}', out);
	}
	fputs(",\"rows\":[", out);
	for (unsigned i = 0; i < r->n_rows; i++) {
		const struct wl_row *w = &r->rows[i];

		fprintf(out,
			"%s{\"direction\":\"%s\",\"size\":%llu,\"transfers\":%u,\"errors\":%u,"
			"\"bytes\":%llu,\"elapsed_us\":%.6f,\"achieved_gbps\":%.3f,"
			"\"bound_gbps\":%.3f,\"lat_mean_us\":%.3f,\"lat_p50_us\":%.3f,"
			"\"lat_p99_us\":%.3f,\"lat_max_us\":%.3f,\"interrupts\":%llu,"
			"\"irq_per_request\":%.4f,\"irq_per_sec\":%.0f,\"isrs\":%llu,\"dpcs\":%llu,"
			"\"verified\":%s}",
			i ? "," : "", dir_name(w->dir), (unsigned long long)w->size, w->transfers,
			w->errors, (unsigned long long)w->bytes, (double)w->elapsed_ps / 1e6, w->gbps,
			w->bound_gbps, w->lat_mean_us, w->lat_p50_us, w->lat_p99_us, w->lat_max_us,
			(unsigned long long)w->interrupts, per_request(w, w->interrupts),
			per_second(w, w->interrupts), (unsigned long long)w->isrs,
			(unsigned long long)w->dpcs, w->verified ? "true" : "false");
	}
	fputs("]}\n", out);
}

int report_failed(const struct wl_result *r)
{
	for (unsigned i = 0; i < r->n_rows; i++)
		if (r->rows[i].errors || !r->rows[i].verified)
			return 1;
	return 0;
}
