/*
 * cli/kernel-demo.c - `pcisim kernel-demo`: the discrete-event kernel on
 * its own, without any device. A producer thread feeds a bounded FIFO at
 * random intervals, a consumer thread drains it with a random service time, and a method
 * raises an "interrupt" wire while the FIFO is above a watermark: threads,
 * a method, events, signals and delta cycles in one small model. It prints
 * what happened and a throughput report, and writes a VCD (GTKWave) and a
 * Chrome trace-event JSON file (ui.perfetto.dev). Same seed, same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/args.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/random.h"
#include "sim/signal.h"
#include "sim/vcd.h"

#define DEMO_FIFO_DEPTH 8u
#define DEMO_WATERMARK 6u
#define DEMO_LOG_ITEMS 5u /* items narrated on stdout; the rest only counted */
#define DEMO_LOG_IRQS 2u  /* interrupt raises narrated */

struct demo {
	struct sim_kernel k;
	/* the FIFO: item numbers and when each was queued */
	uint64_t fifo_item[DEMO_FIFO_DEPTH];
	sim_time_t fifo_time_ps[DEMO_FIFO_DEPTH];
	unsigned head, count;
	struct sim_event data;  /* an item was queued */
	struct sim_event space; /* an item was taken */
	struct sim_signal level;
	struct sim_signal irq;
	struct sim_signal done;
	struct sim_proc producer, consumer, irq_logic;
	struct sim_rng rng_producer, rng_consumer;
	/* parameters */
	uint64_t items;
	int quiet;
	/* results */
	uint64_t produced, consumed, stalls, irq_raises;
	sim_time_t latency_sum_ps, latency_max_ps;
	unsigned level_max;
	/* traces */
	struct sim_vcd vcd;
	struct sim_ctrace ct;
	struct sim_ctrace *tr; /* &ct while tracing, else NULL */
	uint32_t tr_producer, tr_consumer, tr_fifo;
};

static void say(struct demo *d, const char *who, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void say(struct demo *d, const char *who, const char *fmt, ...)
{
	char t[32];
	va_list ap;

	if (d->quiet)
		return;
	sim_time_format(sim_now(&d->k), t, sizeof(t));
	printf("  %10s  %-9s ", t, who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void producer_body(void *opaque)
{
	struct demo *d = opaque;

	for (uint64_t i = 0; i < d->items; i++) {
		/* Inter-arrival time 20..80 ns: the consumer's 30..70 ns service
		 * keeps up on average, so the FIFO fills only in bursts. */
		sim_wait_time(&d->k, SIM_NS(sim_rng_range(&d->rng_producer, 20, 80)));
		while (d->count == DEMO_FIFO_DEPTH) {
			d->stalls++;
			if (i < DEMO_LOG_ITEMS)
				say(d, "producer", "item %" PRIu64 " waits: FIFO full (%u)", i, d->count);
			sim_wait_event(&d->k, &d->space);
		}
		unsigned slot = (d->head + d->count) % DEMO_FIFO_DEPTH;

		d->fifo_item[slot] = i;
		d->fifo_time_ps[slot] = sim_now(&d->k);
		d->count++;
		d->produced++;
		sim_signal_write(&d->level, d->count);
		sim_notify(&d->data, 0);
		if (d->tr) {
			struct sim_ctrace_arg a[] = { SIM_CTRACE_ARG_U64("item", i) };

			sim_ctrace_instant_args(d->tr, d->tr_producer, "produce", sim_now(&d->k), a, 1);
			sim_ctrace_counter(d->tr, d->tr_fifo, "fifo_level", sim_now(&d->k), d->count);
		}
		if (i < DEMO_LOG_ITEMS)
			say(d, "producer", "item %" PRIu64 " queued, FIFO level %u", i, d->count);
	}
}

static void consumer_body(void *opaque)
{
	struct demo *d = opaque;

	for (;;) {
		while (d->count == 0)
			sim_wait_event(&d->k, &d->data);

		uint64_t item = d->fifo_item[d->head];
		sim_time_t queued_ps = d->fifo_time_ps[d->head];
		sim_time_t start_ps = sim_now(&d->k);
		sim_time_t service_ps = SIM_NS(sim_rng_range(&d->rng_consumer, 30, 70));

		d->head = (d->head + 1) % DEMO_FIFO_DEPTH;
		d->count--;
		sim_signal_write(&d->level, d->count);
		sim_notify(&d->space, 0);
		if (d->tr)
			sim_ctrace_counter(d->tr, d->tr_fifo, "fifo_level", start_ps, d->count);
		sim_wait_time(&d->k, service_ps);

		sim_time_t latency_ps = sim_now(&d->k) - queued_ps;

		d->consumed++;
		d->latency_sum_ps += latency_ps;
		if (latency_ps > d->latency_max_ps)
			d->latency_max_ps = latency_ps;
		sim_signal_write(&d->done, d->consumed);
		if (d->tr) {
			struct sim_ctrace_arg a[] = { SIM_CTRACE_ARG_U64("item", item),
						      SIM_CTRACE_ARG_U64("latency_ps", latency_ps) };

			sim_ctrace_complete_args(d->tr, d->tr_consumer, "process", start_ps, service_ps, a, 2);
		}
		if (item < DEMO_LOG_ITEMS)
			say(d, "consumer", "item %" PRIu64 " done, %" PRIu64 " ns after it was queued", item,
			    latency_ps / SIM_NS(1));
		if (d->consumed == d->items)
			return;
	}
}

/* Sensitive to the level signal: it sees each committed value one delta
 * after the write, as hardware logic behind a register would. */
static void irq_logic_body(void *opaque)
{
	struct demo *d = opaque;
	uint64_t level = sim_signal_read(&d->level);
	uint64_t irq = sim_signal_read(&d->irq);

	if (level > d->level_max)
		d->level_max = (unsigned)level;
	if (!irq && level >= DEMO_WATERMARK) {
		sim_signal_write(&d->irq, 1);
		d->irq_raises++;
		if (d->irq_raises <= DEMO_LOG_IRQS)
			say(d, "irq", "watermark reached (level %" PRIu64 "): interrupt raised", level);
	} else if (irq && level == 0) {
		sim_signal_write(&d->irq, 0);
		if (d->irq_raises <= DEMO_LOG_IRQS)
			say(d, "irq", "FIFO empty (level %" PRIu64 "): interrupt lowered", level);
	}
}

static void usage(FILE *out)
{
	fputs("usage: pcisim kernel-demo [options]\n"
	      "\n"
	      "A producer/consumer model on the pcisim kernel: prints what happens and a\n"
	      "throughput report, and writes <dir>/kernel-demo.vcd (GTKWave) and <dir>/kernel-demo.json\n"
	      "(Chrome trace events; open in ui.perfetto.dev).\n"
	      "\n"
	      "options:\n"
	      "  --out DIR     where to write the traces (default: pcisim-out)\n"
	      "  --seed N      random seed (default: 1); the same seed gives the same files\n"
	      "  --items N     items to move through the FIFO (default: 10000)\n"
	      "  --no-trace    write no trace files\n"
	      "  --quiet       print only the report\n"
	      "  -h, --help    show this text\n",
	      out);
}


static int open_traces(struct demo *d, const char *dir, char *vcd_path, char *json_path, size_t len)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "pcisim kernel-demo: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(vcd_path, len, "%s/kernel-demo.vcd", dir);
	snprintf(json_path, len, "%s/kernel-demo.json", dir);
	if (sim_vcd_open(&d->vcd, vcd_path) != 0 || sim_ctrace_open(&d->ct, json_path) != 0) {
		fprintf(stderr, "pcisim kernel-demo: cannot write the traces in %s\n", dir);
		return -1;
	}
	if (sim_signal_trace(&d->level, &d->vcd, "fifo") || sim_signal_trace(&d->irq, &d->vcd, "fifo") ||
	    sim_signal_trace(&d->done, &d->vcd, "consumer") ||
	    sim_ctrace_track(&d->ct, "demo", "producer", &d->tr_producer) ||
	    sim_ctrace_track(&d->ct, "demo", "consumer", &d->tr_consumer) ||
	    sim_ctrace_track(&d->ct, "demo", "fifo", &d->tr_fifo)) {
		fprintf(stderr, "pcisim kernel-demo: cannot set up the traces\n");
		return -1;
	}
	d->tr = &d->ct;
	return 0;
}

static int build(struct demo *d, uint64_t seed)
{
	struct sim_kernel_config cfg;

	sim_kernel_config_default(&cfg);
	cfg.seed = seed;
	if (sim_kernel_init(&d->k, &cfg) != 0)
		return -1;
	sim_rng_derive(&d->rng_producer, seed, "producer");
	sim_rng_derive(&d->rng_consumer, seed, "consumer");
	sim_event_init(&d->k, &d->data, "data", NULL, NULL);
	sim_event_init(&d->k, &d->space, "space", NULL, NULL);
	if (sim_signal_init(&d->k, &d->level, "level", 8, 0) || sim_signal_init(&d->k, &d->irq, "irq", 1, 0) ||
	    sim_signal_init(&d->k, &d->done, "items_done", 32, 0))
		return -1;
	if (sim_thread_init(&d->k, &d->producer, "producer", producer_body, d, 0, 0) ||
	    sim_thread_init(&d->k, &d->consumer, "consumer", consumer_body, d, 0, 0) ||
	    sim_method_init(&d->k, &d->irq_logic, "irq_logic", irq_logic_body, d, SIM_PROC_DONT_INITIALIZE) ||
	    sim_sensitive(&d->irq_logic, sim_signal_changed(&d->level)))
		return -1;
	return 0;
}

static void report(struct demo *d, enum sim_stop_reason why)
{
	const struct sim_stats *st = sim_kernel_stats(&d->k);
	sim_time_t end_ps = sim_now(&d->k);
	char t[32];
	double us = (double)end_ps / 1e6;

	sim_time_format(end_ps, t, sizeof(t));
	printf("\nreport\n");
	printf("  run ended           %s at %s simulated\n", sim_stop_reason_name(why), t);
	printf("  items               %" PRIu64 " produced, %" PRIu64 " consumed\n", d->produced, d->consumed);
	printf("  throughput          %.2f items/us (simulated)\n", us > 0 ? (double)d->consumed / us : 0.0);
	printf("  latency             mean %.1f ns, max %.1f ns (queued to done)\n",
	       d->consumed ? (double)d->latency_sum_ps / (double)d->consumed / 1e3 : 0.0,
	       (double)d->latency_max_ps / 1e3);
	printf("  FIFO                depth %u, max level %u, producer stalls %" PRIu64 "\n", DEMO_FIFO_DEPTH,
	       d->level_max, d->stalls);
	printf("  interrupts          %" PRIu64 " raised at watermark %u\n", d->irq_raises, DEMO_WATERMARK);
	printf("  kernel              %" PRIu64 " events, %" PRIu64 " delta cycles, %" PRIu64 " time steps,\n"
	       "                      %" PRIu64 " method runs, %" PRIu64 " thread switches\n",
	       st->events_triggered, st->deltas, st->time_steps, st->methods_run, st->threads_resumed);
	printf("  host time           %.3f ms (%.1f simulated us per host ms)\n", (double)st->wall_ns / 1e6,
	       st->wall_ns ? us / ((double)st->wall_ns / 1e6) : 0.0);
}

int cli_kernel_demo(int argc, char **argv)
{
	const char *dir = "pcisim-out";
	uint64_t seed = 1, items = 10000;
	int trace = 1, quiet = 0, rc = 0;
	char vcd_path[4096], json_path[4096];
	struct demo *d;
	enum sim_stop_reason why;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--out") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &seed))
				goto bad;
		} else if (!strcmp(a, "--items") && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &items) || items == 0)
				goto bad;
		} else if (!strcmp(a, "--no-trace")) {
			trace = 0;
		} else if (!strcmp(a, "--quiet")) {
			quiet = 1;
		} else {
bad:
			fprintf(stderr, "pcisim kernel-demo: bad option or value near '%s'\n\n", a);
			usage(stderr);
			return 2;
		}
	}

	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "pcisim kernel-demo: out of memory\n");
		return 1;
	}
	d->items = items;
	d->quiet = quiet;
	if (build(d, seed) != 0) {
		fprintf(stderr, "pcisim kernel-demo: cannot build the model: %s\n", sim_kernel_last_error(&d->k));
		free(d);
		return 1;
	}
	if (trace && open_traces(d, dir, vcd_path, json_path, sizeof(vcd_path)) != 0) {
		rc = 1;
		goto out;
	}
	if (!quiet)
		printf("pcisim kernel-demo: %" PRIu64 " items through a %u-deep FIFO, seed %" PRIu64
		       " (the first %u items and %u interrupts narrated)\n\n",
		       items, DEMO_FIFO_DEPTH, seed, DEMO_LOG_ITEMS, DEMO_LOG_IRQS);
	why = sim_run(&d->k);
	if (why != SIM_STOP_FINISHED || d->consumed != items) {
		fprintf(stderr, "pcisim kernel-demo: the run ended early (%s): %s\n", sim_stop_reason_name(why),
			sim_kernel_last_error(&d->k));
		rc = 1;
	}
	report(d, why);
	if (trace) {
		int e1 = sim_vcd_close(&d->vcd, sim_now(&d->k));
		int e2 = sim_ctrace_close(&d->ct);

		if (e1 || e2) {
			fprintf(stderr, "pcisim kernel-demo: writing the traces failed\n");
			rc = 1;
		} else {
			printf("  traces              %s (GTKWave), %s (ui.perfetto.dev)\n", vcd_path, json_path);
		}
	}
out:
	sim_kernel_destroy(&d->k);
	free(d);
	return rc;
}
