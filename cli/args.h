/*
 * cli/args.h - number arguments of the `pcisim` subcommands, parsed the
 * same way everywhere. Private to cli/.
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

#endif /* PCISIM_CLI_ARGS_H */
