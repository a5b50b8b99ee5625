/*
 * cli/sweep.c - `pcisim sweep SCENARIO --vary KEY=V1,V2 ...`: the cross
 * product of the varied keys, each point a run of the scenario, as CSV
 * (or JSON lines). `--shard I/N` runs the I-th of N contiguous slices of
 * the points, so independent jobs (GNU parallel, a Slurm array) cover a
 * large sweep and their outputs, concatenated in shard order, equal the
 * unsharded output (only shard 1 writes the CSV header).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "cli/scenario.h"
#include "cli/workload.h"

#define SWEEP_MAX_VARY 8u
#define SWEEP_MAX_VALUES 64u

struct vary {
	char arg[256];         /* "SECTION.KEY" */
	char section[SCEN_NAME_MAX], key[SCEN_NAME_MAX];
	char buf[512];         /* the values, NUL-separated */
	const char *values[SWEEP_MAX_VALUES];
	unsigned n;
};

static void usage(FILE *out)
{
	fputs("usage: pcisim sweep SCENARIO.ini --vary SECTION.KEY=V1,V2,... [options]\n"
	      "\n"
	      "Run a scenario once per point of the cross product of the varied keys (the\n"
	      "last --vary changes fastest) and print a CSV line per transfer size and\n"
	      "direction of each run, the varied keys first. Traces and per-run files are\n"
	      "not written. A progress bar goes to stderr on a terminal.\n"
	      "\n"
	      "options:\n"
	      "  --vary SECTION.KEY=V1,V2,...  values for one key (up to 8 keys, 64 values;\n"
	      "                                 workload.sizes is already per row)\n"
	      "  --set SECTION.KEY=VALUE       change one key for every point\n"
	      "  --shard I/N                   run only the I-th of N equal slices (1 <= I <= N)\n"
	      "  --out FILE                    write to FILE instead of stdout\n"
	      "  --json                        one JSON object per point instead of CSV\n"
	      "  --quiet                       no progress bar\n"
	      "  -h, --help                    show this text\n"
	      "\n"
	      "exit status: 0 done, 1 a run failed or moved wrong data, 2 usage or\n"
	      "scenario error\n",
	      out);
}

static int parse_vary(struct vary *v, const char *arg)
{
	const char *value;
	char *save = NULL;

	if (cli_split_key(arg, v->section, v->key, sizeof(v->section), &value) ||
	    strlen(value) >= sizeof(v->buf) || !strcmp(v->key, "sizes"))
		return -1;
	{
		size_t ls = strlen(v->section), lk = strlen(v->key);

		memcpy(v->arg, v->section, ls);
		v->arg[ls] = '.';
		memcpy(v->arg + ls + 1, v->key, lk + 1);
	}
	memcpy(v->buf, value, strlen(value) + 1);
	v->n = 0;
	for (char *t = strtok_r(v->buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (v->n == SWEEP_MAX_VALUES)
			return -1;
		v->values[v->n++] = t;
	}
	return v->n ? 0 : -1;
}

static int parse_shard(const char *s, unsigned *i, unsigned *n)
{
	unsigned a, b;
	char tail;

	if (sscanf(s, "%u/%u%c", &a, &b, &tail) != 2 || b == 0 || a == 0 || a > b)
		return -1;
	*i = a;
	*n = b;
	return 0;
}

static void progress(unsigned done, unsigned total)
{
	unsigned w = 40, fill = total ? done * w / total : w;

	fputc('\r', stderr);
	fputc('[', stderr);
	for (unsigned i = 0; i < w; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %u/%u", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cli_sweep(int argc, char **argv)
{
	struct vary vary[SWEEP_MAX_VARY];
	unsigned n_vary = 0, shard = 1, shards = 1;
	const char *path = NULL, *out_path = NULL, *sets[32];
	unsigned n_sets = 0;
	bool json = false, quiet = false;
	char err[SCEN_ERR_MAX + SCEN_PATH_MAX];
	struct scenario base;
	uint64_t total = 1, first, last;
	FILE *out = stdout;
	int status = 0;

	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];
		const char *val = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(o, "--json")) {
			json = true;
			continue;
		} else if (!strcmp(o, "--quiet")) {
			quiet = true;
			continue;
		} else if (!strcmp(o, "--vary") && val && n_vary < SWEEP_MAX_VARY &&
			   !parse_vary(&vary[n_vary], val)) {
			n_vary++;
		} else if (!strcmp(o, "--set") && val && n_sets < 32) {
			sets[n_sets++] = val;
		} else if (!strcmp(o, "--shard") && val && !parse_shard(val, &shard, &shards)) {
			/* parsed */
		} else if (!strcmp(o, "--out") && val) {
			out_path = val;
		} else if (o[0] != '-' && !path) {
			path = o;
			continue;
		} else {
			fprintf(stderr, "pcisim sweep: bad option or value: '%s%s%s'\n\n", o,
				val ? " " : "", val ? val : "");
			usage(stderr);
			return 2;
		}
		a++;
	}
	if (!path) {
		fprintf(stderr, "pcisim sweep: which scenario? (an .ini file)\n\n");
		usage(stderr);
		return 2;
	}
	if (scenario_load(&base, path, err, sizeof(err))) {
		fprintf(stderr, "pcisim sweep: %s\n", err);
		return 2;
	}
	for (unsigned i = 0; i < n_sets; i++) {
		char section[SCEN_NAME_MAX], key[SCEN_NAME_MAX];
		const char *value;

		if (cli_split_key(sets[i], section, key, sizeof(section), &value) ||
		    scenario_set(&base, section, key, value, err, sizeof(err))) {
			fprintf(stderr, "pcisim sweep: --set %s: %s\n", sets[i], err);
			return 2;
		}
	}
	base.vcd = base.trace = base.csv = base.svg = false;
	/* Every value must be acceptable before anything runs. */
	for (unsigned v = 0; v < n_vary; v++) {
		for (unsigned j = 0; j < vary[v].n; j++) {
			struct scenario t = base;

			if (scenario_set(&t, vary[v].section, vary[v].key, vary[v].values[j], err,
					 sizeof(err))) {
				fprintf(stderr, "pcisim sweep: --vary %s: %s\n", vary[v].arg, err);
				return 2;
			}
		}
		total *= vary[v].n;
	}
	first = total * (shard - 1) / shards;
	last = total * shard / shards;
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			fprintf(stderr, "pcisim sweep: %s: %s\n", out_path, strerror(errno));
			return 1;
		}
	}
	if (!json && shard == 1) {
		struct report_keys keys = { .n = n_vary };

		for (unsigned v = 0; v < n_vary; v++)
			keys.names[v] = vary[v].arg;
		report_csv_header(out, &keys);
	}
	quiet = quiet || !isatty(STDERR_FILENO);
	for (uint64_t p = first; p < last; p++) {
		struct scenario sc = base;
		struct report_keys keys = { .n = n_vary };
		struct wl_result res;
		uint64_t rest = p;

		for (unsigned v = n_vary; v-- > 0;) {
			const char *value = vary[v].values[rest % vary[v].n];

			rest /= vary[v].n;
			keys.names[v] = vary[v].arg;
			keys.values[v] = value;
			(void)scenario_set(&sc, vary[v].section, vary[v].key, value, err, sizeof(err));
		}
		if (scenario_check(&sc, err, sizeof(err)) ||
		    workload_run(&sc, &res, err, sizeof(err))) {
			fprintf(stderr, "%spcisim sweep: point %llu: %s\n", quiet ? "" : "\n",
				(unsigned long long)p + 1, err);
			status = 1;
		} else {
			if (json)
				report_json(out, &sc, &res, &keys);
			else
				report_csv_rows(out, &sc, &res, &keys);
			if (report_failed(&res))
				status = 1;
		}
		if (!quiet)
			progress((unsigned)(p - first + 1), (unsigned)(last - first));
	}
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "pcisim sweep: %s: a write failed\n", out_path);
		return 1;
	}
	return status;
}
