/*
 * cli/args.c - arguments of the subcommands: numbers, SECTION.KEY=VALUE,
 * output directories (cli/args.h).
 */
#include "cli/args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One number at @s, ending at *@end; the caller says what may follow. */
static int parse_one(const char *s, char **end, uint64_t *out)
{
	int base = 10;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return -1;
	}
	errno = 0;
	v = strtoull(s, end, base);
	if (errno != 0)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v;

	if (parse_one(s, &end, &v) != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int cli_parse_sizes(const char *arg, uint64_t *sizes, unsigned max_n, uint64_t max_size,
		    unsigned *n)
{
	const char *p = arg;

	*n = 0;
	for (;;) {
		char *end;
		uint64_t v;

		if (*n >= max_n || parse_one(p, &end, &v) != 0 || v == 0 || v > max_size ||
		    (*end != ',' && *end != '\0'))
			return -1;
		sizes[(*n)++] = v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

int cli_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

int cli_split_key(const char *arg, char *section, char *key, unsigned len, const char **value)
{
	const char *eq = strchr(arg, '=');
	const char *dot = NULL;

	if (!eq)
		return -1;
	for (const char *p = arg; p < eq; p++)
		if (*p == '.')
			dot = p;
	if (!dot || dot == arg || dot + 1 == eq || (unsigned)(dot - arg) >= len ||
	    (unsigned)(eq - dot - 1) >= len)
		return -1;
	memcpy(section, arg, (size_t)(dot - arg));
	section[dot - arg] = 0;
	memcpy(key, dot + 1, (size_t)(eq - dot - 1));
	key[eq - dot - 1] = 0;
	*value = eq + 1;
	return 0;
}
