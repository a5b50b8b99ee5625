/*
 * bench/main.c - pcisim-bench: runs the workloads of bench/kernel-bench.c
 * and bench/tlm-bench.c and prints one line per figure, "name value unit".
 * When the build found SystemC, the equivalent SystemC programs of
 * bench/systemc/ (their directory is compiled in as BENCH_SYSTEMC_DIR) run
 * in the same invocation, interleaved with ours (ours, theirs, ours,
 * theirs, ... one pair per repetition), and each figure gets two more
 * lines: "<name>_systemc value unit" and "<name>_vs_systemc ratio x". The
 * ratio is ours / SystemC for rates, and SystemC / ours for the peak RSS,
 * so that bigger is better for every ratio. Every value is the median of
 * the repetitions.
 *
 * Our workloads run in this process, except the 100k-process one: it runs
 * in a child (this executable again, with --child-pending) so that the
 * child's peak RSS, reported by wait4() as getrusage(RUSAGE_CHILDREN) would
 * report it for that one child, is the workload's and nothing else's. The
 * SystemC programs always run as children (posix_spawn), with
 * SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1; their result line is read from their
 * stdout, their diagnostics pass through to stderr. Progress and every
 * individual measurement go to stderr as "# ..." lines.
 *
 * Usage: pcisim-bench [--reps N] [--quick] [--no-systemc] [--list] [FIGURE...]
 * Exit status: 0; 1 when a workload failed its own check; 2 on bad usage.
 */
#include "bench/bench.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------------
 * Workloads and figures
 * ------------------------------------------------------------------------ */

/* Sizes of the workloads; the full ones are the peer programs' (about 1-2 s
 * per run for SystemC on the reference machine). */
struct sizes {
	uint64_t timed_n;     /* timed events */
	uint32_t pend_procs;  /* processes, each with one pending event */
	uint64_t pend_n;      /* events processed with them */
	uint64_t pp_n;        /* ping-pong round trips (2 switches each) */
	uint64_t bt_n;        /* transactions by b_transport */
	uint64_t dmi_n;       /* transactions by DMI */
	uint64_t bus_n;       /* bus decoder lookups, and MMIO reads */
	uint64_t dma_bytes;   /* bytes the DMA engine moves */
	uint64_t spin_n;      /* spin lock acquire/release pairs */
	uint64_t irq_n;       /* interrupts, MSI to DPC */
	uint64_t io_n;        /* DeviceIoControl round trips */
	uint64_t sg_n;        /* scatter/gather lists got and put */
};

static const struct sizes full_sizes = {
	.timed_n = 40000000,
	.pend_procs = 100000,
	.pend_n = 1000000,
	.pp_n = 10000000,
	.bt_n = 80000000,
	.dmi_n = 300000000,
	.bus_n = 50000000,
	.dma_bytes = UINT64_C(1) << 30,
	.spin_n = 100000000,
	.irq_n = 5000000,
	.io_n = 10000000,
	.sg_n = 2000000,
};

/* --quick: a smoke test of every path, a fraction of a second each. */
static const struct sizes quick_sizes = {
	.timed_n = 200000,
	.pend_procs = 10000,
	.pend_n = 100000,
	.pp_n = 100000,
	.bt_n = 400000,
	.dmi_n = 2000000,
	.bus_n = 200000,
	.dma_bytes = UINT64_C(16) << 20,
	.spin_n = 500000,
	.irq_n = 20000,
	.io_n = 20000,
	.sg_n = 20000,
};

enum workload {
	W_TIMED,
	W_PENDING,
	W_PP_DELTA,
	W_PP_TIMED,
	W_PP_IMMEDIATE,
	W_BT,
	W_DMI,
	W_BUS_DECODE,    /* no SystemC peer */
	W_BUS_MMIO_READ, /* no SystemC peer */
	W_BUS_MMIO_LINK, /* no SystemC peer */
	W_DMA,
	W_HOSTOS_SPIN, /* no peer: the closest tools run on Windows only */
	W_HOSTOS_IRQ,  /* no peer */
	W_HOSTOS_IO,   /* no peer */
	W_HOSTOS_SG,   /* no peer */
	W_COUNT
};

/* What a measurement yields. */
enum metric {
	M_RATE = 0, /* per second of wall time; bigger is better */
	M_RSS = 1,  /* peak resident set, bytes; smaller is better */
	M_VS_MEMCPY = 2, /* a ratio the workload measures itself; no SystemC counterpart */
	M_RTF = 3,  /* simulated seconds per wall second; no SystemC counterpart */
	M_COUNT
};

struct workload_def {
	const char *rate_name; /* the figure of its rate; also the result line's name */
	const char *sc_exe;    /* SystemC program, in the SystemC directory; NULL: none */
	const char *sc_mode;   /* its first argument, or NULL */
};

static const struct workload_def workloads[W_COUNT] = {
	[W_TIMED] = { "kernel_timed_events", "systemc-timed-events", NULL },
	[W_PENDING] = { "kernel_pending_100k", "systemc-pending", NULL },
	[W_PP_DELTA] = { "kernel_thread_switch", "systemc-pingpong", "delta" },
	[W_PP_TIMED] = { "kernel_thread_switch_timed", "systemc-pingpong", "timed" },
	[W_PP_IMMEDIATE] = { "kernel_thread_switch_immediate", "systemc-pingpong", "immediate" },
	[W_BT] = { "tlm_b_transport", "systemc-tlm", "bt" },
	[W_DMI] = { "tlm_dmi", "systemc-tlm", "dmi" },
	[W_BUS_DECODE] = { "bus_decode", NULL, NULL },
	[W_BUS_MMIO_READ] = { "bus_mmio_read_decode", NULL, NULL },
	[W_BUS_MMIO_LINK] = { "bus_mmio_read", NULL, NULL },
	[W_DMA] = { "dma_sim_throughput", "systemc-dma", NULL },
	[W_HOSTOS_SPIN] = { "hostos_spinlock_pair", NULL, NULL },
	[W_HOSTOS_IRQ] = { "hostos_interrupt_to_dpc", NULL, NULL },
	[W_HOSTOS_IO] = { "hostos_ioctl_roundtrip", NULL, NULL },
	[W_HOSTOS_SG] = { "hostos_sg_list", NULL, NULL },
};

struct figure {
	const char *name;
	const char *unit;
	enum workload w;
	enum metric m;
};

/* The ratio line of a figure: "<name>_vs_systemc", except where an issue
 * named the figure otherwise. */
static void print_ratio_name(const char *name)
{
	if (strcmp(name, "dma_sim_throughput") == 0)
		fputs("dma_sim_vs_systemc", stdout);
	else
		printf("%s_vs_systemc", name);
}

static const struct figure figures[] = {
	{ "kernel_timed_events", "events/s", W_TIMED, M_RATE },
	{ "kernel_pending_100k", "events/s", W_PENDING, M_RATE },
	{ "kernel_pending_100k_peak_rss", "bytes", W_PENDING, M_RSS },
	{ "kernel_thread_switch", "switches/s", W_PP_DELTA, M_RATE },
	{ "kernel_thread_switch_timed", "switches/s", W_PP_TIMED, M_RATE },
	{ "kernel_thread_switch_immediate", "switches/s", W_PP_IMMEDIATE, M_RATE },
	{ "tlm_b_transport", "transactions/s", W_BT, M_RATE },
	{ "tlm_dmi", "transactions/s", W_DMI, M_RATE },
	{ "bus_decode", "lookups/s", W_BUS_DECODE, M_RATE },
	{ "bus_mmio_read_decode", "reads/s", W_BUS_MMIO_READ, M_RATE },
	{ "bus_mmio_read", "round trips/s", W_BUS_MMIO_LINK, M_RATE },
	{ "dma_sim_throughput", "bytes/s", W_DMA, M_RATE },
	{ "dma_sim_vs_memcpy", "x", W_DMA, M_VS_MEMCPY },
	{ "dma_realtime_factor", "x", W_DMA, M_RTF },
	{ "hostos_spinlock_pair", "pairs/s", W_HOSTOS_SPIN, M_RATE },
	{ "hostos_interrupt_to_dpc", "events/s", W_HOSTOS_IRQ, M_RATE },
	{ "hostos_ioctl_roundtrip", "round trips/s", W_HOSTOS_IO, M_RATE },
	{ "hostos_sg_list", "lists/s", W_HOSTOS_SG, M_RATE },
};

#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

/* One run of a workload: v[M_RATE], and v[M_RSS] when measured (else 0). */
struct sample {
	double v[M_COUNT];
};

/* ------------------------------------------------------------------------
 * Child processes
 * ------------------------------------------------------------------------ */

/* This executable, for the child that measures the pending workload. */
static char self_exe[PATH_MAX] = "/proc/self/exe";

/* Where the SystemC programs are; NULL when there are none. */
static const char *systemc_dir;

/*
 * Run @argv (argv[0] is the path) with stdout captured into @out (@cap
 * bytes, NUL-terminated, the rest discarded) and stderr passed through.
 * @maxrss receives the child's peak RSS in bytes. Returns 0 when the child
 * exited with status 0, else -1 (reported on stderr).
 */
static int run_child(char *const argv[], char *out, size_t cap, double *maxrss)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	size_t len = 0;
	int fds[2], status, err;
	pid_t pid;

	if (pipe(fds) != 0) {
		perror("pcisim-bench: pipe");
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err != 0) {
		close(fds[0]);
		fprintf(stderr, "pcisim-bench: cannot run %s: %s\n", argv[0], strerror(err));
		return -1;
	}
	for (;;) {
		char scratch[256];
		char *dst = len + 1 < cap ? out + len : scratch;
		size_t room = len + 1 < cap ? cap - 1 - len : sizeof(scratch);
		ssize_t r = read(fds[0], dst, room);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != scratch)
			len += (size_t)r;
	}
	out[len] = '\0';
	close(fds[0]);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("pcisim-bench: wait4");
			return -1;
		}
	}
	/* Linux reports ru_maxrss in KiB. */
	*maxrss = (double)ru.ru_maxrss * 1024.0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "pcisim-bench: %s killed by signal %d\n", argv[0], WTERMSIG(status));
		else
			fprintf(stderr, "pcisim-bench: %s failed (exit status %d)\n", argv[0], WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

/* The value of the line "@name value unit" in @out; -1 if absent. */
static int parse_result(const char *out, const char *name, double *value)
{
	size_t nl = strlen(name);
	const char *line = out;

	while (line && *line) {
		if (strncmp(line, name, nl) == 0 && line[nl] == ' ') {
			char *end;

			*value = strtod(line + nl + 1, &end);
			if (end != line + nl + 1 && *value > 0)
				return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	fprintf(stderr, "pcisim-bench: no line \"%s value unit\" in the output: %s\n", name, out);
	return -1;
}

/* Run a child that prints the rate line of workload @w: fills @s. */
static int run_rate_child(enum workload w, char *const argv[], struct sample *s)
{
	char out[4096];

	if (run_child(argv, out, sizeof(out), &s->v[M_RSS]) != 0)
		return -1;
	return parse_result(out, workloads[w].rate_name, &s->v[M_RATE]);
}

/* ------------------------------------------------------------------------
 * One run of each side
 * ------------------------------------------------------------------------ */

static int run_ours(enum workload w, const struct sizes *sz, struct sample *s)
{
	s->v[M_RSS] = 0;
	switch (w) {
	case W_TIMED:
		return bench_timed_events(sz->timed_n, &s->v[M_RATE]);
	case W_PENDING: {
		char procs[32], n[32];
		char *argv[] = { self_exe, "--child-pending", procs, n, NULL };

		snprintf(procs, sizeof(procs), "%u", (unsigned)sz->pend_procs);
		snprintf(n, sizeof(n), "%llu", (unsigned long long)sz->pend_n);
		return run_rate_child(w, argv, s);
	}
	case W_PP_DELTA:
		return bench_pingpong(BENCH_PP_DELTA, sz->pp_n, &s->v[M_RATE]);
	case W_PP_TIMED:
		return bench_pingpong(BENCH_PP_TIMED, sz->pp_n, &s->v[M_RATE]);
	case W_PP_IMMEDIATE:
		return bench_pingpong(BENCH_PP_IMMEDIATE, sz->pp_n, &s->v[M_RATE]);
	case W_BT:
		return bench_tlm(0, sz->bt_n, &s->v[M_RATE]);
	case W_DMI:
		return bench_tlm(1, sz->dmi_n, &s->v[M_RATE]);
	case W_BUS_DECODE:
		return bench_bus_decode(sz->bus_n, &s->v[M_RATE]);
	case W_BUS_MMIO_READ:
		return bench_bus_mmio_read(sz->bus_n, &s->v[M_RATE]);
	case W_BUS_MMIO_LINK:
		return bench_bus_mmio_read_link(sz->bus_n, &s->v[M_RATE]);
	case W_DMA:
		return bench_dma(sz->dma_bytes, &s->v[M_RATE], &s->v[M_VS_MEMCPY], &s->v[M_RTF]);
	case W_HOSTOS_SPIN:
		return bench_hostos_spinlock_pair(sz->spin_n, &s->v[M_RATE]);
	case W_HOSTOS_IRQ:
		return bench_hostos_interrupt_to_dpc(sz->irq_n, &s->v[M_RATE]);
	case W_HOSTOS_IO:
		return bench_hostos_ioctl_roundtrip(sz->io_n, &s->v[M_RATE]);
	case W_HOSTOS_SG:
		return bench_hostos_sg_list(sz->sg_n, &s->v[M_RATE]);
	case W_COUNT:
		break;
	}
	return -1;
}

static int run_systemc(enum workload w, const struct sizes *sz, struct sample *s)
{
	const struct workload_def *d = &workloads[w];
	char path[PATH_MAX], a1[32], a2[32];
	char *argv[5];
	int i = 0;

	snprintf(path, sizeof(path), "%s/%s", systemc_dir, d->sc_exe);
	argv[i++] = path;
	if (d->sc_mode)
		argv[i++] = (char *)d->sc_mode;
	switch (w) {
	case W_TIMED:
		snprintf(a1, sizeof(a1), "%llu", (unsigned long long)sz->timed_n);
		argv[i++] = a1;
		break;
	case W_PENDING:
		snprintf(a1, sizeof(a1), "%u", (unsigned)sz->pend_procs);
		snprintf(a2, sizeof(a2), "%llu", (unsigned long long)sz->pend_n);
		argv[i++] = a1;
		argv[i++] = a2;
		break;
	case W_PP_DELTA:
	case W_PP_TIMED:
	case W_PP_IMMEDIATE:
		snprintf(a1, sizeof(a1), "%llu", (unsigned long long)sz->pp_n);
		argv[i++] = a1;
		break;
	case W_BT:
		snprintf(a1, sizeof(a1), "%llu", (unsigned long long)sz->bt_n);
		argv[i++] = a1;
		break;
	case W_DMI:
		snprintf(a1, sizeof(a1), "%llu", (unsigned long long)sz->dmi_n);
		argv[i++] = a1;
		break;
	case W_DMA:
		snprintf(a1, sizeof(a1), "%llu", (unsigned long long)sz->dma_bytes);
		argv[i++] = a1;
		break;
	case W_BUS_DECODE:
	case W_BUS_MMIO_READ:
	case W_BUS_MMIO_LINK:
	case W_HOSTOS_SPIN:
	case W_HOSTOS_IRQ:
	case W_HOSTOS_IO:
	case W_HOSTOS_SG:
	case W_COUNT:
		return -1;
	}
	argv[i] = NULL;
	return run_rate_child(w, argv, s);
}

/* ------------------------------------------------------------------------
 * Statistics and output
 * ------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define MAX_REPS 1000u

/* Median of metric @m over @n (1..MAX_REPS) samples. */
static double median(const struct sample *s, unsigned n, enum metric m)
{
	static double v[MAX_REPS];
	double r;

	for (unsigned i = 0; i < n; i++)
		v[i] = s[i].v[m];
	qsort(v, n, sizeof(v[0]), cmp_double);
	r = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return r;
}

static void print_value(const char *name, const char *suffix, double v, const char *unit)
{
	if (strcmp(unit, "x") == 0) /* ratios need their decimals */
		printf("%s%s %.2f %s\n", name, suffix, v, unit);
	else
		printf("%s%s %.0f %s\n", name, suffix, v, unit);
}

/* ------------------------------------------------------------------------
 * Command line
 * ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pcisim-bench [--reps N] [--quick] [--no-systemc] [--list] [FIGURE...]\n"
		"  Prints \"name value unit\" per figure (median of N runs, default 3);\n"
		"  with SystemC built in, also <name>_systemc and <name>_vs_systemc\n"
		"  (ours / SystemC for rates, SystemC / ours for peak RSS).\n"
		"  --quick       small sizes, a smoke test\n"
		"  --no-systemc  only our figures\n"
		"  --list        the figure names\n");
}

/* --child-pending PROCS N: the pending workload alone, for its peak RSS. */
static int child_pending(const char *procs_s, const char *n_s)
{
	char *e1, *e2;
	unsigned long procs = strtoul(procs_s, &e1, 10);
	unsigned long long n = strtoull(n_s, &e2, 10);
	double rate;

	if (*e1 || *e2 || procs == 0 || procs > UINT32_MAX || n == 0)
		return 2;
	if (bench_pending((uint32_t)procs, n, &rate) != 0)
		return 1;
	printf("%s %.0f events/s\n", workloads[W_PENDING].rate_name, rate);
	return 0;
}

static int find_figure(const char *name)
{
	for (unsigned i = 0; i < NFIGURES; i++) {
		if (strcmp(figures[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* Sets systemc_dir when every SystemC program is there. */
static void find_systemc(void)
{
	const char *dir = getenv("PCISIM_BENCH_SYSTEMC_DIR");

#ifdef BENCH_SYSTEMC_DIR
	if (!dir || !*dir)
		dir = BENCH_SYSTEMC_DIR;
#endif
	if (!dir || !*dir)
		return;
	for (unsigned w = 0; w < W_COUNT; w++) {
		char path[PATH_MAX];

		if (workloads[w].sc_exe == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, workloads[w].sc_exe);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "# SystemC program %s missing: our figures only\n", path);
			return;
		}
	}
	systemc_dir = dir;
}

int main(int argc, char **argv)
{
	bool selected[NFIGURES] = { false }, any = false, use_systemc = true, failed = false;
	bool need[W_COUNT] = { false };
	const struct sizes *sz = &full_sizes;
	unsigned reps = 3;
	struct sample *ours, *theirs;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--child-pending") == 0 && i + 2 < argc) {
			return child_pending(argv[i + 1], argv[i + 2]);
		} else if (strcmp(a, "--list") == 0) {
			for (unsigned f = 0; f < NFIGURES; f++)
				printf("%s\n", figures[f].name);
			return 0;
		} else if (strcmp(a, "--reps") == 0 && i + 1 < argc) {
			char *end;
			unsigned long r = strtoul(argv[++i], &end, 10);

			if (*end || r == 0 || r > MAX_REPS) {
				fprintf(stderr, "pcisim-bench: --reps wants 1..1000\n");
				return 2;
			}
			reps = (unsigned)r;
		} else if (strcmp(a, "--quick") == 0) {
			sz = &quick_sizes;
		} else if (strcmp(a, "--no-systemc") == 0) {
			use_systemc = false;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-') {
			usage(stderr);
			return 2;
		} else {
			int f = find_figure(a);

			if (f < 0) {
				fprintf(stderr, "pcisim-bench: unknown figure '%s' (see --list)\n", a);
				return 2;
			}
			selected[f] = any = true;
		}
	}
	for (unsigned f = 0; f < NFIGURES; f++) {
		if (!any)
			selected[f] = true;
		if (selected[f])
			need[figures[f].w] = true;
	}

	{
		ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

		if (n > 0)
			self_exe[n] = '\0';
		else
			strcpy(self_exe, "/proc/self/exe");
	}
	if (use_systemc)
		find_systemc();
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

	ours = calloc(reps, sizeof(*ours));
	theirs = calloc(reps, sizeof(*theirs));
	if (!ours || !theirs) {
		fprintf(stderr, "pcisim-bench: out of memory\n");
		return 1;
	}
	for (unsigned w = 0; w < W_COUNT; w++) {
		const char *wname = workloads[w].rate_name;
		bool ours_ok = true, theirs_ok = systemc_dir != NULL && workloads[w].sc_exe != NULL;

		if (!need[w])
			continue;
		for (unsigned r = 0; r < reps && ours_ok; r++) {
			ours_ok = run_ours((enum workload)w, sz, &ours[r]) == 0;
			if (ours_ok)
				fprintf(stderr, "# %s rep %u/%u: pcisim %.4g\n", wname, r + 1, reps, ours[r].v[M_RATE]);
			if (theirs_ok) {
				theirs_ok = run_systemc((enum workload)w, sz, &theirs[r]) == 0;
				if (theirs_ok)
					fprintf(stderr, "# %s rep %u/%u: systemc %.4g\n", wname, r + 1, reps,
						theirs[r].v[M_RATE]);
			}
		}
		if (!ours_ok || (systemc_dir && workloads[w].sc_exe && !theirs_ok))
			failed = true;
		for (unsigned f = 0; f < NFIGURES; f++) {
			const struct figure *fig = &figures[f];
			double mo, mt;

			if (fig->w != (enum workload)w || !selected[f] || !ours_ok)
				continue;
			mo = median(ours, reps, fig->m);
			print_value(fig->name, "", mo, fig->unit);
			if (!theirs_ok || fig->m > M_RSS)
				continue;
			mt = median(theirs, reps, fig->m);
			print_value(fig->name, "_systemc", mt, fig->unit);
			/* Bigger is better: ours / SystemC for rates, SystemC /
			 * ours for memory. */
			print_ratio_name(fig->name);
			printf(" %.2f x\n", fig->m == M_RSS ? mt / mo : mo / mt);
		}
		fflush(stdout);
	}
	free(ours);
	free(theirs);
	return failed ? 1 : 0;
}
