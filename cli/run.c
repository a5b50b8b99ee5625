/*
 * cli/run.c - `pcisim run SCENARIO`: one scenario file (cli/scenario.h)
 * run (cli/workload.h) and reported (cli/report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/plot.h"
#include "cli/report.h"
#include "cli/scenario.h"
#include "cli/workload.h"

static void usage(FILE *out)
{
	fputs("usage: pcisim run SCENARIO.ini [options]\n"
	      "\n"
	      "Run a scenario: the machine, devices and workload its INI file describes\n"
	      "(README \"Scenarios\"). Prints achieved DMA throughput beside the link's\n"
	      "bound and the latency of each transfer size; writes OUT/NAME.csv, .vcd,\n"
	      ".json (Perfetto) and .svg (a plot) as its [output] section says.\n"
	      "\n"
	      "options:\n"
	      "  --set SECTION.KEY=VALUE  change one key, as a line of the file would\n"
	      "                           (repeatable; e.g. --set machine.mps=512)\n"
	      "  --seed N                 the same as --set machine.seed=N\n"
	      "  --json                   one JSON object on stdout instead of the table\n"
	      "  --quiet                  no table\n"
	      "  -h, --help               show this text\n"
	      "\n"
	      "exit status: 0 done, 1 the simulation failed or data was wrong, 2 usage\n"
	      "or scenario error\n",
	      out);
}

/* --set and --seed on top of the file's keys. */
static int apply(struct scenario *sc, const char *arg, char *err, unsigned len)
{
	char section[SCEN_NAME_MAX], key[SCEN_NAME_MAX];
	const char *value;

	if (cli_split_key(arg, section, key, sizeof(section), &value)) {
		snprintf(err, len, "--set %s: SECTION.KEY=VALUE", arg);
		return -1;
	}
	return scenario_set(sc, section, key, value, err, len);
}

int cli_run(int argc, char **argv)
{
	struct scenario sc;
	struct wl_result res;
	const char *path = NULL;
	const char *sets[64];
	unsigned n_sets = 0;
	char err[SCEN_ERR_MAX + SCEN_PATH_MAX], seed_set[48];
	bool json = false, quiet = false;
	FILE *csv;

	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(o, "--json")) {
			json = true;
		} else if (!strcmp(o, "--quiet")) {
			quiet = true;
		} else if ((!strcmp(o, "--set") || !strcmp(o, "--seed")) && a + 1 < argc &&
			   n_sets < 64) {
			if (!strcmp(o, "--seed")) {
				snprintf(seed_set, sizeof(seed_set), "machine.seed=%s", argv[a + 1]);
				sets[n_sets++] = seed_set;
			} else {
				sets[n_sets++] = argv[a + 1];
			}
			a++;
		} else if (o[0] != '-' && !path) {
			path = o;
		} else {
			fprintf(stderr, "pcisim run: bad option or argument '%s'\n\n", o);
			usage(stderr);
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "pcisim run: which scenario? (an .ini file)\n\n");
		usage(stderr);
		return 2;
	}
	if (scenario_load(&sc, path, err, sizeof(err))) {
		fprintf(stderr, "pcisim run: %s\n", err);
		return 2;
	}
	for (unsigned i = 0; i < n_sets; i++)
		if (apply(&sc, sets[i], err, sizeof(err))) {
			fprintf(stderr, "pcisim run: %s\n", err);
			return 2;
		}
	if (scenario_check(&sc, err, sizeof(err))) {
		fprintf(stderr, "pcisim run: %s: %s\n", path, err);
		return 2;
	}
	if ((sc.csv || sc.vcd || sc.trace || sc.svg) && cli_mkdirs(sc.out_dir)) {
		fprintf(stderr, "pcisim run: %s: %s\n", sc.out_dir, strerror(errno));
		return 1;
	}
	if (workload_run(&sc, &res, err, sizeof(err))) {
		fprintf(stderr, "pcisim run: %s: %s\n", path, err);
		return 1;
	}
	if (json)
		report_json(stdout, &sc, &res, NULL);
	else if (!quiet)
		report_table(stdout, &sc, &res);
	if (sc.csv) {
		char p[SCEN_PATH_MAX * 2 + 8];

		snprintf(p, sizeof(p), "%s/%s.csv", sc.out_dir, sc.name);
		csv = fopen(p, "w");
		if (!csv) {
			fprintf(stderr, "pcisim run: %s: %s\n", p, strerror(errno));
			return 1;
		}
		report_csv_header(csv, NULL);
		report_csv_rows(csv, &sc, &res, NULL);
		if (fclose(csv)) {
			fprintf(stderr, "pcisim run: %s: a write failed\n", p);
			return 1;
		}
		if (!quiet && !json)
			printf("wrote %s\n", p);
	}
	if (sc.svg) {
		char p[SCEN_PATH_MAX * 2 + 8], title[SCEN_PATH_MAX + 64];

		snprintf(p, sizeof(p), "%s/%s.svg", sc.out_dir, sc.name);
		snprintf(title, sizeof(title), "%s: refdev DMA throughput, Gen%u x%u, MPS %u, MRRS %u",
			 sc.name, res.gen, res.width, res.mps, res.mrrs);
		if (plot_throughput_svg(p, title, &res)) {
			fprintf(stderr, "pcisim run: %s: %s\n", p, strerror(errno));
			return 1;
		}
		if (!quiet && !json)
			printf("wrote %s (throughput against size)\n", p);
	}
	if (!quiet && !json) {
		if (sc.vcd)
			printf("wrote %s (waveform: gtkwave)\n", res.vcd_path);
		if (sc.trace)
			printf("wrote %s (open in https://ui.perfetto.dev)\n", res.trace_path);
	}
	return report_failed(&res);
}
