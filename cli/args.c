/*
 * cli/args.c - number arguments of the subcommands (cli/args.h).
 */
#include "cli/args.h"

#include <errno.h>
#include <stdlib.h>

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
