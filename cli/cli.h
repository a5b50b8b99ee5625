/*
 * cli/cli.h - the subcommands of the `pcisim` command.
 *
 * cli/main.c parses nothing but the subcommand's name and hands the rest of
 * the command line to one of the functions below, each in its own file
 * (cli/demo.c, ...). Private to cli/; not installed.
 */
#ifndef PCISIM_CLI_CLI_H
#define PCISIM_CLI_CLI_H

/*
 * Every subcommand has this shape, so that cli/main.c can keep them all in
 * one table; adding a subcommand is one prototype here, one file, and one
 * table entry in cli/main.c.
 */

/**
 * cli_demo() - `pcisim demo [options]`: the main job.
 * @argc: number of entries in @argv (at least 1).
 * @argv: argv[0] is "demo"; the subcommand's own options follow, as given
 *        on the command line (getopt-style parsing may start at argv[1]).
 *
 * Should accept --help (print its usage on stdout, return 0); `pcisim help
 * demo` relies on it. Errors go to stderr.
 *
 * Return: the process exit code: 0 on success, 2 for a usage error, 1 for
 * any other failure.
 */
int cli_demo(int argc, char **argv);

/** cli_kernel_demo() - `pcisim kernel-demo`: the kernel alone, a
 * producer/consumer model (cli/kernel-demo.c). */
int cli_kernel_demo(int argc, char **argv);

/** cli_link() - `pcisim link [options]`: the PCIe link throughput model (cli/link.c). */
int cli_link(int argc, char **argv);

/** cli_dma() - `pcisim dma [options]`: the DMA engine throughput sweep (cli/dma.c). */
int cli_dma(int argc, char **argv);

/** cli_run() - `pcisim run SCENARIO`: one scenario file (cli/run.c). */
int cli_run(int argc, char **argv);

/** cli_sweep() - `pcisim sweep SCENARIO --vary ...`: a parameter sweep (cli/sweep.c). */
int cli_sweep(int argc, char **argv);

#endif /* PCISIM_CLI_CLI_H */
