/*
 * cli/link.c - `pcisim link`: the PCIe link throughput model of bus/link.h
 * from the command line. For each --size it prints the steady-state DMA
 * write and read throughput (payload Gb/s), as a table with the link's raw
 * and TLP-layer bandwidth, or as CSV; --compare puts the spec and
 * pcie-bench profiles side by side. Pure computation: no kernel, no files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/link.h"
#include "cli/cli.h"
#include "cli/args.h"

#define LINK_MAX_SIZES 64u
#define LINK_MAX_SIZE_BYTES (UINT64_C(1) << 30) /* 1 GiB: plenty for one DMA */

static void usage(FILE *out)
{
	fputs("usage: pcisim link [options] --size S[,S...]\n"
	      "\n"
	      "Steady-state DMA throughput of one PCIe link (payload Gb/s, 10^9 bit/s):\n"
	      "back-to-back writes (posted, <= MPS per TLP) and reads (requests <= MRRS,\n"
	      "completions at RCB or MPS), unlimited tags and credits, buffers 4 KiB-aligned.\n"
	      "\n"
	      "options:\n"
	      "  --gen G          1..5 (2.5, 5, 8, 16, 32 GT/s per lane; default 3)\n"
	      "  --width W        lanes: 1, 2, 4, 8, 16 (default 8)\n"
	      "  --mps M          Max_Payload_Size, 128..4096 (default 256)\n"
	      "  --mrrs R         Max_Read_Request_Size, 128..4096 (default 512)\n"
	      "  --rcb 64|128|mps completions cut at the RCB, or up to MPS (default mps)\n"
	      "  --addr64         memory requests with 64-bit addresses (4 DW headers)\n"
	      "  --ecrc           every TLP carries an ECRC digest\n"
	      "  --profile P      spec (default) or pcie-bench (the published model)\n"
	      "  --compare        both profiles side by side (ignores --profile)\n"
	      "  --size S[,S...]  transfer sizes in bytes, 1..1073741824 (required)\n"
	      "  --csv            CSV: gen,width,mps,mrrs,size,write_gbps,read_gbps\n"
	      "  -h, --help       show this text\n", out);
}


static const char *profile_name(enum bus_link_profile p)
{
	return p == BUS_LINK_PCIE_BENCH ? "pcie-bench" : "spec";
}

static void print_header(const struct bus_link_cfg *c)
{
	unsigned gts = bus_link_gts_x10(c->gen);

	printf("PCIe Gen%u x%u (%u.%u GT/s, %s), MPS %u, MRRS %u, RCB ", c->gen, c->width, gts / 10, gts % 10,
	       c->gen <= 2 ? "8b/10b" : "128b/130b", (unsigned)c->mps_bytes, (unsigned)c->mrrs_bytes);
	if (c->rcb_bytes == BUS_LINK_RCB_MPS)
		printf("mps");
	else
		printf("%u", (unsigned)c->rcb_bytes);
	printf(", %s addresses%s\n", c->addr64 ? "64-bit" : "32-bit", c->ecrc ? ", ECRC" : "");
}

/* Raw and TLP-layer bandwidth of one profile, one block of lines. */
static void print_bandwidth(const struct bus_link_cfg *c)
{
	printf("  %-10s raw %8.3f Gb/s per direction; TLP layer %8.3f Gb/s one way, %8.3f Gb/s"
	       " both ways busy\n",
	       profile_name(c->profile), bus_link_raw_gbps(c), bus_link_tlp_gbps(c, 0),
	       bus_link_tlp_gbps(c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC));
}

int cli_link(int argc, char **argv)
{
	struct bus_link_cfg c;
	uint64_t sizes[LINK_MAX_SIZES], v;
	unsigned n_sizes = 0, i;
	int csv = 0, compare = 0;

	bus_link_cfg_default(&c);
	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];
		const char *val = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(o, "--gen") && val && !cli_parse_u64(val, &v) && v >= 1 && v <= 5) {
			c.gen = (unsigned)v;
		} else if (!strcmp(o, "--width") && val && !cli_parse_u64(val, &v) && v <= 16) {
			c.width = (unsigned)v;
		} else if (!strcmp(o, "--mps") && val && !cli_parse_u64(val, &v) && v <= 4096) {
			c.mps_bytes = (uint32_t)v;
		} else if (!strcmp(o, "--mrrs") && val && !cli_parse_u64(val, &v) && v <= 4096) {
			c.mrrs_bytes = (uint32_t)v;
		} else if (!strcmp(o, "--rcb") && val && (!strcmp(val, "64") || !strcmp(val, "128") ||
							  !strcmp(val, "mps"))) {
			c.rcb_bytes = !strcmp(val, "mps") ? BUS_LINK_RCB_MPS : (uint32_t)atoi(val);
		} else if (!strcmp(o, "--profile") && val && (!strcmp(val, "spec") || !strcmp(val, "pcie-bench"))) {
			c.profile = !strcmp(val, "spec") ? BUS_LINK_SPEC : BUS_LINK_PCIE_BENCH;
		} else if (!strcmp(o, "--size") && val && !cli_parse_sizes(val, sizes, LINK_MAX_SIZES, LINK_MAX_SIZE_BYTES, &n_sizes)) {
			/* parsed into sizes[] */
		} else if (!strcmp(o, "--addr64")) {
			c.addr64 = true;
			continue;
		} else if (!strcmp(o, "--ecrc")) {
			c.ecrc = true;
			continue;
		} else if (!strcmp(o, "--csv")) {
			csv = 1;
			continue;
		} else if (!strcmp(o, "--compare")) {
			compare = 1;
			continue;
		} else {
			/* Quote the value too when the option is one that takes one. */
			int takes = !strcmp(o, "--gen") || !strcmp(o, "--width") || !strcmp(o, "--mps") ||
				    !strcmp(o, "--mrrs") || !strcmp(o, "--rcb") || !strcmp(o, "--profile") ||
				    !strcmp(o, "--size");

			fprintf(stderr, "pcisim link: bad option or value: '%s%s%s'\n\n", o, takes && val ? " " : "",
				takes && val ? val : "");
			usage(stderr);
			return 2;
		}
		a++; /* the option's value */
	}
	if (n_sizes == 0) {
		fprintf(stderr, "pcisim link: --size is required\n\n");
		usage(stderr);
		return 2;
	}
	if (bus_link_cfg_check(&c) != SIM_OK) {
		fprintf(stderr, "pcisim link: invalid link: width must be 1, 2, 4, 8 or 16, MPS and MRRS a power"
				" of two from 128 to 4096\n");
		return 2;
	}

	if (compare) {
		struct bus_link_cfg s = c, b = c;

		s.profile = BUS_LINK_SPEC;
		b.profile = BUS_LINK_PCIE_BENCH;
		if (csv) {
			printf("gen,width,mps,mrrs,size,spec_write_gbps,bench_write_gbps,spec_read_gbps,"
			       "bench_read_gbps\n");
		} else {
			print_header(&c);
			print_bandwidth(&s);
			print_bandwidth(&b);
			printf("\n  %10s  %10s %10s  %10s %10s\n", "size (B)", "write spec", "pcie-bench", "read spec",
			       "pcie-bench");
		}
		for (i = 0; i < n_sizes; i++) {
			double ws = bus_link_write_gbps(&s, sizes[i]), wb = bus_link_write_gbps(&b, sizes[i]);
			double rs = bus_link_read_gbps(&s, sizes[i]), rb = bus_link_read_gbps(&b, sizes[i]);

			if (csv)
				printf("%u,%u,%u,%u,%llu,%.3f,%.3f,%.3f,%.3f\n", c.gen, c.width, (unsigned)c.mps_bytes,
				       (unsigned)c.mrrs_bytes, (unsigned long long)sizes[i], ws, wb, rs, rb);
			else
				printf("  %10llu  %10.3f %10.3f  %10.3f %10.3f\n", (unsigned long long)sizes[i], ws, wb, rs,
				       rb);
		}
		return 0;
	}

	if (csv) {
		printf("gen,width,mps,mrrs,size,write_gbps,read_gbps\n");
	} else {
		print_header(&c);
		print_bandwidth(&c);
		printf("\n  %10s  %10s  %10s\n", "size (B)", "write Gb/s", "read Gb/s");
	}
	for (i = 0; i < n_sizes; i++) {
		double w = bus_link_write_gbps(&c, sizes[i]), r = bus_link_read_gbps(&c, sizes[i]);

		if (csv)
			printf("%u,%u,%u,%u,%llu,%.3f,%.3f\n", c.gen, c.width, (unsigned)c.mps_bytes,
			       (unsigned)c.mrrs_bytes, (unsigned long long)sizes[i], w, r);
		else
			printf("  %10llu  %10.3f  %10.3f\n", (unsigned long long)sizes[i], w, r);
	}
	return 0;
}
