/*
 * cli/args.h - arguments of the `pcisim` subcommands (numbers, SECTION.KEY=VALUE
 * settings, output directories), handled the same way everywhere. Private to cli/.
 */
#ifndef PCISIM_CLI_ARGS_H
#define PCISIM_CLI_ARGS_H

#include <stdint.h>

/**
 * cli_parse_u64() - @s as an unsigned number: decimal, or hexadecimal with
 * a 0x prefix; the whole string, no sign, no blanks.
 * Return: 0, or -1 (then *@out is unchanged).
 */
int cli_parse_u64(const char *s, uint64_t *out);

/**
 * cli_parse_sizes() - a comma-separated list such as "64,128,1500" into
 * @sizes: at most @max_n entries, each 1..@max_size, no empty entry.
 * @n: receives how many.
 * Return: 0, or -1.
 */
int cli_parse_sizes(const char *arg, uint64_t *sizes, unsigned max_n, uint64_t max_size,
		    unsigned *n);

/**
 * cli_mkdirs() - create directory @path and its missing parents (mode
 * 0777 before the umask), as mkdir -p.
 * Return: 0, or -1 with errno set.
 */
int cli_mkdirs(const char *path);

/**
 * cli_split_key() - "SECTION.KEY=VALUE" (the key after the last dot
 * before '='): copies SECTION and KEY into @section and @key (each
 * @len bytes) and points *@value into @arg.
 * Return: 0, or -1 (no '=', no dot, an empty part, too long).
 */
int cli_split_key(const char *arg, char *section, char *key, unsigned len, const char **value);

#endif /* PCISIM_CLI_ARGS_H */
