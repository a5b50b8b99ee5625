/*
 * cli/scenario.h - a scenario: the machine, its devices and bridges, the
 * workload and the outputs, read from an INI file (Debian's libinih does
 * the parsing) and changed key by key by `pcisim sweep --set`. Private to
 * cli/.
 *
 * The format (README "Scenarios"):
 *   [machine]   cpus, ram_low, ram_high, mps, mrrs, seed
 *   [NAME]      a device or bridge: model = refdev | edu | bridge; slot,
 *               parent; gen, width (or link = gen3x8); refdev: sram, msix,
 *               outstanding_reads,
 *               host_read_latency_ns, cmd_latency_ns; msi,
 *               message_limit (its INF); moderation_us (the reference
 *               driver's registry InterruptModerationUs); bridge: gen, width
 *   [workload]  device, driver, direction, sizes, count, queue, buffer,
 *               offset
 *   [output]    dir, csv, vcd, trace, svg
 * Sizes take K, M and G suffixes (powers of 1024); booleans are
 * yes/no/true/false/1/0.
 */
#ifndef PCISIM_CLI_SCENARIO_H
#define PCISIM_CLI_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#define SCEN_MAX_NODES 16u
#define SCEN_MAX_SIZES 32u
#define SCEN_NAME_MAX 24u
#define SCEN_PATH_MAX 256u
#define SCEN_ERR_MAX 256u
#define SCEN_MAX_QUEUE 64u

enum scen_model { SCEN_NONE = 0, SCEN_REFDEV, SCEN_EDU, SCEN_BRIDGE };
enum scen_dir { SCEN_DIR_WRITE = 1, SCEN_DIR_READ = 2, SCEN_DIR_BOTH = 3 };

/** struct scen_node - a device or bridge section. Zero: the default. */
struct scen_node {
	char name[SCEN_NAME_MAX];
	char parent[SCEN_NAME_MAX];
	enum scen_model model;
	unsigned slot;
	unsigned gen, width;               /* 0: the model's default */
	uint64_t sram_bytes;               /* refdev; 0: default */
	int msix;                          /* refdev; -1: default */
	unsigned outstanding_reads;        /* refdev; 0: default */
	uint64_t host_read_latency_ns;     /* refdev; UINT64_MAX: default */
	uint64_t cmd_latency_ns;           /* refdev; UINT64_MAX: default */
	bool msi;                          /* INF MSISupported */
	unsigned message_limit;            /* INF MessageNumberLimit */
	unsigned moderation_us;            /* refdev; registry InterruptModerationUs, 0: off */
};

/** struct scenario - everything; scenario_init() sets the defaults. */
struct scenario {
	char name[SCEN_PATH_MAX];          /* the file's base name without .ini */
	unsigned cpus;
	uint64_t ram_low, ram_high;
	unsigned mps, mrrs;
	uint64_t seed;
	struct scen_node nodes[SCEN_MAX_NODES];
	unsigned n_nodes;
	char device[SCEN_NAME_MAX];        /* the workload's device */
	char driver[SCEN_NAME_MAX];        /* "none": the harness drives the device */
	enum scen_dir dir;
	uint64_t sizes[SCEN_MAX_SIZES];
	unsigned n_sizes;
	unsigned count;                    /* transfers per size and direction */
	unsigned queue;                    /* requests outstanding at once (driver = refdrv) */
	bool buffer_high;                  /* host pages above 4 GiB */
	unsigned offset;                   /* of the data in its first page */
	char out_dir[SCEN_PATH_MAX];
	bool csv, vcd, trace, svg;
	/* [verifier], for driver = refdrv: Driver Verifier's flags (verifier.exe
	 * /flags values, HOSTOS_VERIFY_*), Special Pool's placement (0 off, 1
	 * block at the page's end, 2 at its start), Force IRQL Checking's
	 * inaccessible paged pool. */
	uint32_t verifier_flags;
	unsigned special_pool;
	bool paged_guard;
};

/** scenario_init() - the defaults: one CPU, 2 GiB, MPS 256, MRRS 512, seed
 * 1, no devices, write and read of 4K/64K/1M, 8 transfers each, one at a
 * time, low buffer, offset 0, outputs to pcisim-out, all on; the standard
 * verifier flags without Special Pool or the paged pool guard. */
void scenario_init(struct scenario *sc);

/**
 * scenario_load() - read @path into @sc (initialised first).
 * @err: receives "PATH:LINE: [section] key: reason" on failure.
 * Return: 0, or -1 (the file cannot be read, a line is malformed, a key
 * is unknown or its value out of range, or the whole is inconsistent).
 */
int scenario_load(struct scenario *sc, const char *path, char *err, unsigned err_len);

/**
 * scenario_set() - one key as an INI line would set it: @section "machine",
 * "workload", "output", "verifier" or a node's name (a new node when
 * unknown).
 * @err: receives "[section] key: reason".
 * Return: 0 or -1.
 */
int scenario_set(struct scenario *sc, const char *section, const char *key, const char *value,
		 char *err, unsigned err_len);

/** scenario_check() - the whole: a workload device that exists and is a
 * refdev, parents that are bridges, unique slots, a queue and moderation
 * only with driver = refdrv. Return: 0 or -1 (@err). */
int scenario_check(const struct scenario *sc, char *err, unsigned err_len);

#endif /* PCISIM_CLI_SCENARIO_H */
