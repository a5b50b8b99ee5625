/*
 * cli/main.c - entry point of the `pcisim` command.
 *
 * It only dispatches: `pcisim <command> [options]` looks <command> up in the
 * table below and hands it the rest of the command line, with argv[0] set to
 * the command's name. The commands themselves live in their own files and are
 * declared in cli/cli.h. Besides the table: --help/-h/help and --version.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef PCISIM_VERSION
#error "PCISIM_VERSION is defined by cli/meson.build from the project version"
#endif

struct cli_command {
	const char *name;
	const char *summary; /* one line for the usage text */
	int (*fn)(int argc, char **argv);
};

/* In the order they are listed by --help. */
static const struct cli_command commands[] = {
	{ "demo", "the reference device and driver at work, with traces (the main job)", cli_demo },
	{ "kernel-demo", "the simulation kernel alone: a producer/consumer model", cli_kernel_demo },
	{ "link", "PCIe link throughput model", cli_link },
	{ "dma", "DMA engine throughput sweep", cli_dma },
	{ "run", "run a scenario file (machine, devices, workload)", cli_run },
	{ "sweep", "run a scenario over the cross product of parameter values", cli_sweep },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: pcisim <command> [options]\n"
	      "       pcisim help <command>\n"
	      "       pcisim --version\n"
	      "\n"
	      "commands:\n", out);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-10s %s\n", "help", "show this text, or a command's own help");
	fputs("\n"
	      "options:\n"
	      "  -h, --help   show this text\n"
	      "  --version    print the version and exit\n", out);
}

static const struct cli_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown(const char *name)
{
	fprintf(stderr, "pcisim: unknown %s '%s'\n\n",
		name[0] == '-' ? "option" : "command", name);
	usage(stderr);
	return 2;
}

/* The exit code must say so when the output was lost (full disk, closed
 * pipe), or scripts that capture it would read a truncated result as good. */
static int finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("pcisim: writing output");
		return code == 0 ? 1 : code;
	}
	return code;
}

int main(int argc, char **argv)
{
	static char help_flag[] = "--help";
	const struct cli_command *cmd;
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	name = argv[1];

	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		char *sub_argv[3];

		if (strcmp(name, "help") != 0 || argc < 3) {
			usage(stdout);
			return finish(0);
		}
		cmd = find_command(argv[2]);
		if (cmd == NULL)
			return unknown(argv[2]);
		sub_argv[0] = argv[2];
		sub_argv[1] = help_flag;
		sub_argv[2] = NULL;
		return finish(cmd->fn(2, sub_argv));
	}
	if (strcmp(name, "--version") == 0) {
		printf("pcisim %s\n", PCISIM_VERSION);
		return finish(0);
	}

	cmd = find_command(name);
	if (cmd == NULL)
		return unknown(name);
	/* The command sees itself as argv[0], as if it were its own program. */
	return finish(cmd->fn(argc - 1, argv + 1));
}
