/*
 * tests/sim/sim-test.h - fixtures the sim/ test programs share: a scratch
 * directory made and removed by the parent process (an unchecked fixture,
 * so it is cleaned up even when a test fails), paths inside it, and
 * reading a file back whole. Each test program is one translation unit;
 * everything here is static.
 */
#ifndef PCISIM_TESTS_SIM_TEST_H
#define PCISIM_TESTS_SIM_TEST_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/kernel.h"

/* Reports of refused calls are expected in tests of misuse: count them,
 * print nothing. */
static inline unsigned *quiet_reports(void)
{
	static unsigned n;

	return &n;
}

static inline void quiet_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
	(*quiet_reports())++;
}

/* A kernel with default settings but quiet_report() for its reports. */
static inline void kinit(struct sim_kernel *k)
{
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	cfg.report = quiet_report;
	ck_assert_int_eq(sim_kernel_init(k, &cfg), SIM_OK);
}

/* The scratch directory of this test program. */
static inline char *tmp_dir(void)
{
	static char dir[64];

	return dir;
}

static inline void tmp_setup(void)
{
	strcpy(tmp_dir(), "/tmp/pcisim-test-XXXXXX");
	if (!mkdtemp(tmp_dir()))
		abort();
}

static inline void tmp_teardown(void)
{
	DIR *d = opendir(tmp_dir());
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp_dir(), e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmp_dir());
}

/* A path inside the scratch directory; the buffer is the caller's. */
static inline const char *tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmp_dir(), name);
	return buf;
}

/* The whole file as a NUL-terminated string (its length in *len if @len is
 * not NULL); the caller frees it. */
static inline char *slurp_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

#endif /* PCISIM_TESTS_SIM_TEST_H */
