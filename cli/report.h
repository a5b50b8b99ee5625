/*
 * cli/report.h - printing a workload's results (cli/workload.h): a table
 * for people, CSV rows and JSON for programs. Private to cli/.
 */
#ifndef PCISIM_CLI_REPORT_H
#define PCISIM_CLI_REPORT_H

#include <stdio.h>

#include "cli/scenario.h"
#include "cli/workload.h"

/** A sweep's own columns before the standard ones: names and values. */
struct report_keys {
	const char *names[8];
	const char *values[8];
	unsigned n;
};

/** report_table() - the human-readable table of @r. */
void report_table(FILE *out, const struct scenario *sc, const struct wl_result *r);

/** report_csv_header() - the CSV header line, @keys' names first. */
void report_csv_header(FILE *out, const struct report_keys *keys);

/** report_csv_rows() - a CSV line per row of @r, @keys' values first. */
void report_csv_rows(FILE *out, const struct scenario *sc, const struct wl_result *r,
		     const struct report_keys *keys);

/** report_json() - one JSON object (one line) with the scenario's
 * settings, @keys and the rows. */
void report_json(FILE *out, const struct scenario *sc, const struct wl_result *r,
		 const struct report_keys *keys);

/** report_failed() - 1 when any row had errors or failed verification. */
int report_failed(const struct wl_result *r);

#endif /* PCISIM_CLI_REPORT_H */
