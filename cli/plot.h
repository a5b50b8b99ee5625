/*
 * cli/plot.h - an SVG plot of achieved DMA throughput against transfer
 * size (cli/workload.h's rows), beside the link's bound: log2 size axis,
 * linear Gb/s axis, one solid line per direction and a dashed line for
 * its bound. Plain SVG 1.1, deterministic bytes. Private to cli/.
 */
#ifndef PCISIM_CLI_PLOT_H
#define PCISIM_CLI_PLOT_H

#include "cli/workload.h"

/**
 * plot_throughput_svg() - write the plot of @r to @path, titled @title.
 * Return: 0, or -1 (cannot write; errno set).
 */
int plot_throughput_svg(const char *path, const char *title, const struct wl_result *r);

#endif /* PCISIM_CLI_PLOT_H */
