/*
 * cli/scenario.c - scenario files (cli/scenario.h): libinih reads the
 * lines, scenario_set() checks and stores each key.
 */
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/scenario.h"
#include "hostos/os.h"

#define KIB UINT64_C(1024)
#define GIB (KIB * KIB * KIB)

void scenario_init(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "scenario");
	sc->cpus = 1;
	sc->ram_low = 2 * GIB;
	sc->mps = 256;
	sc->mrrs = 512;
	sc->seed = 1;
	snprintf(sc->driver, sizeof(sc->driver), "none");
	sc->dir = SCEN_DIR_BOTH;
	sc->sizes[0] = 4 * KIB;
	sc->sizes[1] = 64 * KIB;
	sc->sizes[2] = KIB * KIB;
	sc->n_sizes = 3;
	sc->count = 8;
	sc->queue = 1;
	snprintf(sc->out_dir, sizeof(sc->out_dir), "pcisim-out");
	sc->csv = sc->vcd = sc->trace = sc->svg = true;
	sc->verifier_flags = HOSTOS_VERIFY_STANDARD;
}

static int err_at(char *err, unsigned len, const char *section, const char *key, const char *fmt,
		  ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (err && len)
		snprintf(err, len, "[%s] %s: %s", section, key, why);
	return -1;
}

/* "4096", "4K", "64K", "1M", "2G": bytes. */
static int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, mul = 1;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'K': case 'k': mul = KIB; break;
	case 'M': case 'm': mul = KIB * KIB; break;
	case 'G': case 'g': mul = GIB; break;
	default: break;
	}
	if (mul > 1)
		num[n - 1] = 0;
	if (cli_parse_u64(num, &v) || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_range(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v;

	if (cli_parse_u64(s, &v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static bool pow2_between(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

static int copy_name(char *dst, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= SCEN_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '_' || v[i] == '-'))
			return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

static int set_machine(struct scenario *sc, const char *key, const char *v, char *err,
		       unsigned len)
{
	uint64_t x;

	if (!strcmp(key, "cpus")) {
		if (parse_range(v, 1, 64, &x))
			return err_at(err, len, "machine", key, "'%s': 1..64", v);
		sc->cpus = (unsigned)x;
	} else if (!strcmp(key, "ram_low")) {
		if (parse_size(v, &x) || x < 64 * KIB * KIB || x > 3 * GIB || x % 4096)
			return err_at(err, len, "machine", key,
				      "'%s': 64M..3G, a multiple of 4K", v);
		sc->ram_low = x;
	} else if (!strcmp(key, "ram_high")) {
		if (parse_size(v, &x) || x > 64 * GIB || x % 4096)
			return err_at(err, len, "machine", key, "'%s': 0..64G, a multiple of 4K", v);
		sc->ram_high = x;
	} else if (!strcmp(key, "mps") || !strcmp(key, "mrrs")) {
		if (parse_size(v, &x) || !pow2_between(x, 128, 4096))
			return err_at(err, len, "machine", key, "'%s': 128, 256, ... 4096", v);
		*(!strcmp(key, "mps") ? &sc->mps : &sc->mrrs) = (unsigned)x;
	} else if (!strcmp(key, "seed")) {
		if (cli_parse_u64(v, &x))
			return err_at(err, len, "machine", key, "'%s': a number", v);
		sc->seed = x;
	} else {
		return err_at(err, len, "machine", key, "unknown key");
	}
	return 0;
}

static int parse_sizes(struct scenario *sc, const char *v)
{
	char buf[512], *save = NULL;
	unsigned n = 0;

	if (strlen(v) >= sizeof(buf))
		return -1;
	memcpy(buf, v, strlen(v) + 1);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t x;

		while (*t == ' ')
			t++;
		if (n == SCEN_MAX_SIZES || parse_size(t, &x) || x == 0 || x > 1024 * KIB)
			return -1;
		sc->sizes[n++] = x;
	}
	if (n == 0)
		return -1;
	sc->n_sizes = n;
	return 0;
}

static int set_workload(struct scenario *sc, const char *key, const char *v, char *err,
			unsigned len)
{
	uint64_t x;

	if (!strcmp(key, "device")) {
		if (copy_name(sc->device, v))
			return err_at(err, len, "workload", key, "'%s': a section name", v);
	} else if (!strcmp(key, "driver")) {
		/* "none": the harness programs the device itself (bare metal);
		 * "refdrv": an application, through the reference driver. */
		if (strcmp(v, "none") && strcmp(v, "refdrv"))
			return err_at(err, len, "workload", key, "'%s': none or refdrv", v);
		snprintf(sc->driver, sizeof(sc->driver), "%s", v);
	} else if (!strcmp(key, "direction")) {
		if (!strcmp(v, "write"))
			sc->dir = SCEN_DIR_WRITE;
		else if (!strcmp(v, "read"))
			sc->dir = SCEN_DIR_READ;
		else if (!strcmp(v, "both"))
			sc->dir = SCEN_DIR_BOTH;
		else
			return err_at(err, len, "workload", key, "'%s': write, read or both", v);
	} else if (!strcmp(key, "sizes")) {
		if (parse_sizes(sc, v))
			return err_at(err, len, "workload", key,
				      "'%s': up to %u sizes of 1..1M, comma-separated", v,
				      SCEN_MAX_SIZES);
	} else if (!strcmp(key, "count")) {
		if (parse_range(v, 1, 100000, &x))
			return err_at(err, len, "workload", key, "'%s': 1..100000", v);
		sc->count = (unsigned)x;
	} else if (!strcmp(key, "queue")) {
		/* requests the application keeps outstanding (overlapped I/O) */
		if (parse_range(v, 1, SCEN_MAX_QUEUE, &x))
			return err_at(err, len, "workload", key, "'%s': 1..%u", v, SCEN_MAX_QUEUE);
		sc->queue = (unsigned)x;
	} else if (!strcmp(key, "buffer")) {
		if (strcmp(v, "low") && strcmp(v, "high"))
			return err_at(err, len, "workload", key, "'%s': low or high", v);
		sc->buffer_high = !strcmp(v, "high");
	} else if (!strcmp(key, "offset")) {
		if (parse_range(v, 0, 4095, &x))
			return err_at(err, len, "workload", key, "'%s': 0..4095", v);
		sc->offset = (unsigned)x;
	} else {
		return err_at(err, len, "workload", key, "unknown key");
	}
	return 0;
}

static int set_output(struct scenario *sc, const char *key, const char *v, char *err,
		      unsigned len)
{
	bool b;

	if (!strcmp(key, "dir")) {
		if (!v[0] || strlen(v) >= sizeof(sc->out_dir))
			return err_at(err, len, "output", key, "'%s': a directory", v);
		snprintf(sc->out_dir, sizeof(sc->out_dir), "%s", v);
		return 0;
	}
	if (strcmp(key, "csv") && strcmp(key, "vcd") && strcmp(key, "trace") && strcmp(key, "svg"))
		return err_at(err, len, "output", key, "unknown key");
	if (parse_bool(v, &b))
		return err_at(err, len, "output", key, "'%s': yes or no", v);
	*(!strcmp(key, "csv")	? &sc->csv
	  : !strcmp(key, "vcd") ? &sc->vcd
	  : !strcmp(key, "svg") ? &sc->svg
				: &sc->trace) = b;
	return 0;
}

static struct scen_node *node(struct scenario *sc, const char *name, bool create)
{
	for (unsigned i = 0; i < sc->n_nodes; i++)
		if (!strcmp(sc->nodes[i].name, name))
			return &sc->nodes[i];
	if (!create || sc->n_nodes == SCEN_MAX_NODES)
		return NULL;
	struct scen_node *n = &sc->nodes[sc->n_nodes];

	memset(n, 0, sizeof(*n));
	if (copy_name(n->name, name))
		return NULL;
	n->msix = -1;
	n->host_read_latency_ns = UINT64_MAX;
	n->cmd_latency_ns = UINT64_MAX;
	sc->n_nodes++;
	return n;
}

static int set_node(struct scenario *sc, const char *section, const char *key, const char *v,
		    char *err, unsigned len)
{
	struct scen_node *n = node(sc, section, true);
	uint64_t x;
	bool b;

	if (!n)
		return err_at(err, len, section, key,
			      "at most %u devices and bridges, named with letters, digits, _ and -",
			      SCEN_MAX_NODES);
	if (!strcmp(key, "model")) {
		if (!strcmp(v, "refdev"))
			n->model = SCEN_REFDEV;
		else if (!strcmp(v, "edu"))
			n->model = SCEN_EDU;
		else if (!strcmp(v, "bridge"))
			n->model = SCEN_BRIDGE;
		else
			return err_at(err, len, section, key, "'%s': refdev, edu or bridge", v);
	} else if (!strcmp(key, "slot")) {
		if (parse_range(v, 0, 31, &x))
			return err_at(err, len, section, key, "'%s': 0..31", v);
		n->slot = (unsigned)x;
	} else if (!strcmp(key, "parent")) {
		if (copy_name(n->parent, v))
			return err_at(err, len, section, key, "'%s': a bridge's section name", v);
	} else if (!strcmp(key, "gen")) {
		if (parse_range(v, 1, 5, &x))
			return err_at(err, len, section, key, "'%s': 1..5", v);
		n->gen = (unsigned)x;
	} else if (!strcmp(key, "width")) {
		if (parse_range(v, 1, 16, &x) || (x & (x - 1)))
			return err_at(err, len, section, key, "'%s': 1, 2, 4, 8 or 16", v);
		n->width = (unsigned)x;
	} else if (!strcmp(key, "link")) {
		/* "gen4x4": generation and width in one value, for sweeps that
		 * compare links of equal raw bandwidth */
		unsigned g, wd;
		char tail;

		if (sscanf(v, "gen%ux%u%c", &g, &wd, &tail) != 2 || g < 1 || g > 5 || wd < 1 ||
		    wd > 16 || (wd & (wd - 1)))
			return err_at(err, len, section, key, "'%s': genGxW, e.g. gen3x8", v);
		n->gen = g;
		n->width = wd;
	} else if (!strcmp(key, "sram")) {
		if (parse_size(v, &x) || !pow2_between(x, 4 * KIB, 64 * KIB * KIB))
			return err_at(err, len, section, key, "'%s': a power of two, 4K..64M", v);
		n->sram_bytes = x;
	} else if (!strcmp(key, "msix")) {
		if (parse_bool(v, &b))
			return err_at(err, len, section, key, "'%s': yes or no", v);
		n->msix = b;
	} else if (!strcmp(key, "outstanding_reads")) {
		if (parse_range(v, 1, 256, &x))
			return err_at(err, len, section, key, "'%s': 1..256", v);
		n->outstanding_reads = (unsigned)x;
	} else if (!strcmp(key, "host_read_latency_ns") || !strcmp(key, "cmd_latency_ns")) {
		if (parse_range(v, 0, 1000000000, &x))
			return err_at(err, len, section, key, "'%s': 0..10^9 ns", v);
		*(!strcmp(key, "cmd_latency_ns") ? &n->cmd_latency_ns : &n->host_read_latency_ns) = x;
	} else if (!strcmp(key, "msi")) {
		if (parse_bool(v, &n->msi))
			return err_at(err, len, section, key, "'%s': yes or no", v);
	} else if (!strcmp(key, "message_limit")) {
		if (parse_range(v, 0, 2048, &x))
			return err_at(err, len, section, key, "'%s': 0..2048", v);
		n->message_limit = (unsigned)x;
	} else if (!strcmp(key, "moderation_us")) {
		/* the driver caps it at 100 us, Microsoft's bound on a DPC */
		if (parse_range(v, 0, 100, &x))
			return err_at(err, len, section, key, "'%s': 0..100 us (0: off)", v);
		n->moderation_us = (unsigned)x;
	} else {
		return err_at(err, len, section, key, "unknown key");
	}
	return 0;
}

/* The OS's Driver Verifier settings; they matter with driver = refdrv. */
static int set_verifier(struct scenario *sc, const char *key, const char *v, char *err,
			unsigned len)
{
	static const char *const placement[] = { "off", "end", "start" };
	uint64_t x;

	if (!strcmp(key, "flags")) {
		if (!strcmp(v, "standard"))
			x = HOSTOS_VERIFY_STANDARD;
		else if (!strcmp(v, "none"))
			x = 0;
		else if (cli_parse_u64(v, &x) || x > UINT32_MAX)
			return err_at(err, len, "verifier", key,
				      "'%s': standard, none or verifier.exe's /flags value", v);
		sc->verifier_flags = (uint32_t)x;
	} else if (!strcmp(key, "special_pool")) {
		unsigned i = 0;

		while (i < 3 && strcmp(v, placement[i]))
			i++;
		if (i == 3)
			return err_at(err, len, "verifier", key, "'%s': off, end or start", v);
		sc->special_pool = i;
	} else if (!strcmp(key, "paged_guard")) {
		if (parse_bool(v, &sc->paged_guard))
			return err_at(err, len, "verifier", key, "'%s': yes or no", v);
	} else {
		return err_at(err, len, "verifier", key, "unknown key");
	}
	return 0;
}

int scenario_set(struct scenario *sc, const char *section, const char *key, const char *value,
		 char *err, unsigned err_len)
{
	if (!strcmp(section, "machine"))
		return set_machine(sc, key, value, err, err_len);
	if (!strcmp(section, "workload"))
		return set_workload(sc, key, value, err, err_len);
	if (!strcmp(section, "output"))
		return set_output(sc, key, value, err, err_len);
	if (!strcmp(section, "verifier"))
		return set_verifier(sc, key, value, err, err_len);
	if (!section[0])
		return err_at(err, err_len, "", key, "a key outside any section");
	return set_node(sc, section, key, value, err, err_len);
}

int scenario_check(const struct scenario *sc, char *err, unsigned err_len)
{
	const struct scen_node *dev = NULL;

	for (unsigned i = 0; i < sc->n_nodes; i++) {
		const struct scen_node *n = &sc->nodes[i];

		if (n->model == SCEN_NONE)
			return err_at(err, err_len, n->name, "model", "missing");
		if (n->model != SCEN_REFDEV &&
		    (n->sram_bytes || n->msix >= 0 || n->outstanding_reads ||
		     n->host_read_latency_ns != UINT64_MAX || n->cmd_latency_ns != UINT64_MAX ||
		     n->moderation_us))
			return err_at(err, err_len, n->name, "model",
				      "sram, msix, outstanding_reads, the latencies and "
				      "moderation_us are refdev's");
		if (n->moderation_us && strcmp(sc->driver, "refdrv"))
			return err_at(err, err_len, n->name, "moderation_us",
				      "a policy of the reference driver: needs [workload] "
				      "driver = refdrv");
		if (n->parent[0]) {
			const struct scen_node *p = NULL;

			for (unsigned j = 0; j < sc->n_nodes; j++)
				if (!strcmp(sc->nodes[j].name, n->parent))
					p = &sc->nodes[j];
			if (!p || p->model != SCEN_BRIDGE)
				return err_at(err, err_len, n->name, "parent",
					      "'%s' is not a bridge section", n->parent);
		}
		for (unsigned j = 0; j < i; j++)
			if (sc->nodes[j].slot == n->slot &&
			    !strcmp(sc->nodes[j].parent, n->parent))
				return err_at(err, err_len, n->name, "slot",
					      "%u is %s's already", n->slot, sc->nodes[j].name);
		if (!strcmp(n->name, sc->device))
			dev = n;
	}
	if (!sc->device[0])
		return err_at(err, err_len, "workload", "device", "missing");
	if (!dev || dev->model != SCEN_REFDEV)
		return err_at(err, err_len, "workload", "device", "'%s' is not a refdev section",
			      sc->device);
	if ((sc->verifier_flags != HOSTOS_VERIFY_STANDARD || sc->special_pool || sc->paged_guard) &&
	    strcmp(sc->driver, "refdrv"))
		return err_at(err, err_len, "verifier", "flags",
			      "the verifier watches a driver: needs [workload] driver = refdrv");
	if (sc->queue > 1 && strcmp(sc->driver, "refdrv"))
		return err_at(err, err_len, "workload", "queue",
			      "the bare-metal harness runs one transfer at a time: needs "
			      "driver = refdrv");
	if (sc->buffer_high && sc->ram_high < 2 * KIB * KIB * 2)
		return err_at(err, err_len, "workload", "buffer",
			      "high needs [machine] ram_high of 4M or more");
	return 0;
}

struct load_ctx {
	struct scenario *sc;
	FILE *f;
	int line;          /* lines read so far: the one being handled */
	int failed_line;   /* where a key was refused, 0: none */
	char why[SCEN_ERR_MAX];
};

/* fgets for inih that counts lines, so a refused key knows its line. */
static char *read_line(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	char *r = fgets(str, num, c->f);

	if (r)
		c->line++;
	return r;
}

static int on_line(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;

	if (!name) /* a section with no key yet (inih with INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	if (c->failed_line) /* keep the first error's reason */
		return 1;
	if (scenario_set(c->sc, section, name, value, c->why, sizeof(c->why))) {
		c->failed_line = c->line;
		return 0;
	}
	return 1;
}

int scenario_load(struct scenario *sc, const char *path, char *err, unsigned err_len)
{
	struct load_ctx c = { .sc = sc };
	const char *base = strrchr(path, '/');
	size_t n;
	int line;

	scenario_init(sc);
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	if (n && n < sizeof(sc->name)) {
		memcpy(sc->name, base, n);
		sc->name[n] = 0;
	}
	c.f = fopen(path, "r");
	if (!c.f) {
		snprintf(err, err_len, "%s: cannot read the file", path);
		return -1;
	}
	line = ini_parse_stream(read_line, &c, on_line, &c);
	fclose(c.f);
	if (line > 0) {
		snprintf(err, err_len, "%s:%d: %s", path, line,
			 line == c.failed_line ? c.why
					       : "not a [section], a key = value or a ; comment");
		return -1;
	}
	if (scenario_check(sc, c.why, sizeof(c.why))) {
		snprintf(err, err_len, "%s: %s", path, c.why);
		return -1;
	}
	return 0;
}
