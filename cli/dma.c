/*
 * cli/dma.c - `pcisim dma`: a sweep of the DMA engine (dma/engine.h) over
 * one simulated PCIe link. For each --size it runs back-to-back transfers
 * of that size on --channels channels (sharing --tags outstanding reads)
 * against host memory with a fixed completer latency, and
 * prints the achieved payload throughput beside the link's steady-state
 * bound (bus_link_write_gbps() / bus_link_read_gbps(): unlimited tags and
 * credits, no latency). The link directions carry the DLLPs the bound
 * assumes (spec profile: none on a write's data direction; Acks on a
 * read's request direction, Acks and UpdateFCs on its completion
 * direction), so large transfers with enough tags reach the bound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/decode.h"
#include "bus/link.h"
#include "cli/cli.h"
#include "cli/args.h"
#include "dma/engine.h"
#include "sim/kernel.h"
#include "sim/tlm-memory.h"

#define DMA_CLI_MAX_SIZES 64u
#define DMA_CLI_MAX_SIZE (UINT64_C(4) << 20)
#define DMA_CLI_MEM (UINT64_C(16) << 20)
#define DMA_CLI_MIN_BYTES (UINT64_C(4) << 20) /* moved per size and channel, at least */
#define DMA_CLI_MAX_CHANNELS 16u

static void usage(FILE *out)
{
	fputs("usage: pcisim dma [options]\n"
	      "\n"
	      "Sweep of the simulated DMA engine over one PCIe link: achieved payload\n"
	      "throughput (Gb/s, 10^9 bit/s) of back-to-back transfers next to the\n"
	      "link's steady-state bound (pcisim link).\n"
	      "\n"
	      "options:\n"
	      "  --gen G          1..5 (default 3)\n"
	      "  --width W        lanes: 1, 2, 4, 8, 16 (default 8)\n"
	      "  --mps M          Max_Payload_Size, 128..4096 (default 256)\n"
	      "  --mrrs R         Max_Read_Request_Size, 128..4096 (default 512)\n"
	      "  --tags T         outstanding reads, shared by the channels, 1..256 (default 32)\n"
	      "  --channels C     channels working at once, 1..16 (default 1)\n"
	      "  --latency-ns L   completer latency of host memory (default 80)\n"
	      "  --dir read|write the device reads or writes host memory (default write)\n"
	      "  --size S[,S...]  transfer sizes in bytes, 1..4194304\n"
	      "                   (default 64,128,...,1048576)\n"
	      "  --csv            CSV: gen,width,mps,mrrs,tags,dir,size,achieved_gbps,bound_gbps\n"
	      "  -h, --help       show this text\n",
	      out);
}


/* One channel's loop of transfers. */
struct sweep_ch {
	struct dma_channel *ch;
	struct dma_sg sg;
	uint8_t *buf;
	uint64_t base, span, stride, left, bytes;
	int errors;
	enum dma_dir dir;
};

static void sweep_next(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	struct sweep_ch *s = opaque;

	if (r->status != DMA_OK)
		s->errors++;
	s->bytes += r->bytes_done;
	if (--s->left == 0)
		return;
	s->sg.addr = s->base + (s->sg.addr - s->base + s->stride) % s->span;
	if (dma_channel_start(ch, s->dir, &s->sg, 1, s->buf, sweep_next, s) != 0)
		s->errors++;
}

/* Achieved Gb/s for one size; negative on failure. */
static double sweep_one(const struct bus_link_cfg *c, enum dma_dir dir, unsigned tags,
			unsigned channels, sim_time_t lat_ps, uint64_t size)
{
	struct sim_kernel k;
	struct sim_kernel_config kc;
	struct bus_decode dec;
	struct tlm_memory mem;
	struct bus_link_dir up, down;
	struct dma_port port;
	struct dma_engine e;
	struct dma_engine_cfg ec = { .channels = channels, .tags = tags, .name = "sweep" };
	struct sweep_ch sc[DMA_CLI_MAX_CHANNELS];
	uint64_t stride = (size + 4095) & ~UINT64_C(4095), per = DMA_CLI_MEM / channels;
	uint64_t count = DMA_CLI_MIN_BYTES / size, bytes = 0;
	double gbps = -1.0;
	int errors = 0;

	if (count < 16)
		count = 16;
	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) != 0)
		return -1.0;
	if (bus_decode_init(&dec) != 0 || tlm_memory_init(&mem, DMA_CLI_MEM, 0, 0) != 0) {
		sim_kernel_destroy(&k);
		return -1.0;
	}
	if (bus_decode_map_target(&dec, 0, DMA_CLI_MEM, 0, tlm_memory_target(&mem), "ram", NULL) ||
	    bus_link_dir_init(&up, c, dir == DMA_DIR_READ ? BUS_LINK_CARRIES_ACKS : 0) ||
	    bus_link_dir_init(&down, c, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC) ||
	    dma_port_init(&port, &dec, &up, &down, c))
		goto out;
	port.mem_ps = lat_ps;
	if (dma_engine_init(&e, &k, &port, &ec) != 0)
		goto out;
	for (unsigned i = 0; i < channels; i++) {
		struct sweep_ch *s = &sc[i];

		memset(s, 0, sizeof(*s));
		s->ch = dma_engine_channel(&e, i);
		s->dir = dir;
		s->base = per * i;
		s->stride = stride;
		s->span = per / stride * stride;
		s->left = count;
		s->buf = calloc(1, size);
		s->sg = (struct dma_sg){ s->base, (uint32_t)size };
		if (!s->buf || s->span == 0 ||
		    dma_channel_start(s->ch, dir, &s->sg, 1, s->buf, sweep_next, s) != 0)
			s->errors++;
	}
	sim_run(&k);
	for (unsigned i = 0; i < channels; i++) {
		errors += sc[i].errors;
		bytes += sc[i].bytes;
		free(sc[i].buf);
	}
	if (!errors && sim_now(&k) > 0)
		gbps = (double)bytes * 8.0 * 1000.0 / (double)sim_now(&k);
	dma_engine_destroy(&e);
out:
	bus_decode_destroy(&dec);
	tlm_memory_destroy(&mem);
	sim_kernel_destroy(&k);
	return gbps;
}

int cli_dma(int argc, char **argv)
{
	struct bus_link_cfg c;
	uint64_t sizes[DMA_CLI_MAX_SIZES], v, lat_ns = 80;
	unsigned n_sizes = 0, tags = 32, channels = 1;
	enum dma_dir dir = DMA_DIR_WRITE;
	int csv = 0;

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
		} else if (!strcmp(o, "--tags") && val && !cli_parse_u64(val, &v) && v >= 1 && v <= 256) {
			tags = (unsigned)v;
		} else if (!strcmp(o, "--channels") && val && !cli_parse_u64(val, &v) && v >= 1 &&
			   v <= DMA_CLI_MAX_CHANNELS) {
			channels = (unsigned)v;
		} else if (!strcmp(o, "--latency-ns") && val && !cli_parse_u64(val, &v) && v <= 1000000) {
			lat_ns = v;
		} else if (!strcmp(o, "--dir") && val && (!strcmp(val, "read") || !strcmp(val, "write"))) {
			dir = !strcmp(val, "read") ? DMA_DIR_READ : DMA_DIR_WRITE;
		} else if (!strcmp(o, "--size") && val && !cli_parse_sizes(val, sizes, DMA_CLI_MAX_SIZES, DMA_CLI_MAX_SIZE, &n_sizes)) {
			/* parsed */
		} else if (!strcmp(o, "--csv")) {
			csv = 1;
			continue;
		} else {
			fprintf(stderr, "pcisim dma: bad option or value: '%s%s%s'\n\n", o,
				val ? " " : "", val ? val : "");
			usage(stderr);
			return 2;
		}
		a++;
	}
	if (bus_link_cfg_check(&c) != SIM_OK) {
		fprintf(stderr, "pcisim dma: invalid link: width must be 1, 2, 4, 8 or 16, MPS and MRRS"
				" a power of two from 128 to 4096\n");
		return 2;
	}
	if (n_sizes == 0)
		for (uint64_t s = 64; s <= (UINT64_C(1) << 20); s *= 2)
			sizes[n_sizes++] = s;
	if (csv) {
		printf("gen,width,mps,mrrs,tags,dir,size,achieved_gbps,bound_gbps\n");
	} else {
		printf("PCIe Gen%u x%u, MPS %u, MRRS %u, %u tag(s), %u channel(s), latency %llu ns,"
		       " device %ss host memory\n",
		       c.gen, c.width, (unsigned)c.mps_bytes, (unsigned)c.mrrs_bytes, tags, channels,
		       (unsigned long long)lat_ns, dir == DMA_DIR_READ ? "read" : "write");
		printf("  %10s  %14s  %11s  %6s\n", "size (B)", "achieved Gb/s", "bound Gb/s", "ratio");
	}
	for (unsigned i = 0; i < n_sizes; i++) {
		double got = sweep_one(&c, dir, tags, channels, SIM_NS(lat_ns), sizes[i]);
		double bound = dir == DMA_DIR_READ ? bus_link_read_gbps(&c, sizes[i])
						   : bus_link_write_gbps(&c, sizes[i]);

		if (got < 0) {
			fprintf(stderr, "pcisim dma: the simulation of %llu-byte transfers failed\n",
				(unsigned long long)sizes[i]);
			return 1;
		}
		if (csv)
			printf("%u,%u,%u,%u,%u,%s,%llu,%.3f,%.3f\n", c.gen, c.width,
			       (unsigned)c.mps_bytes, (unsigned)c.mrrs_bytes, tags,
			       dir == DMA_DIR_READ ? "read" : "write", (unsigned long long)sizes[i], got,
			       bound);
		else
			printf("  %10llu  %14.3f  %11.3f  %6.3f\n", (unsigned long long)sizes[i], got,
			       bound, bound > 0 ? got / bound : 0.0);
	}
	return 0;
}
