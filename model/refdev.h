/*
 * model/refdev.h - the reference device (refdev), exactly as
 * ../shared/spec/refdev.md specifies it: a PCI Express endpoint with MMIO
 * registers (BAR0), an SRAM window (BAR2/3), the MSI-X Table and PBA
 * (BAR4), INTx / multi-message MSI with the single-message fallback /
 * MSI-X with a programmable cause-to-entry map, and bus-master DMA driven
 * by a page table in host memory.
 *
 * The model owns its configuration space (struct pci_cfg, built by
 * refdev_init() with every field and capability the specification lists,
 * and its own struct pci_cfg_ops: the reset hook that makes FLR reset the
 * device, and a write hook for Bus Master Enable). It serves its BARs with
 * const struct bus_region_ops tables (refdev_bar_ops()). It never reaches
 * a platform: whoever builds the machine (platform/, a test, the command)
 * hands it
 * - its interrupt function (struct irq_fn of irq/fn.h), with
 *   refdev_connect_irq(), which also attaches the MSI-X table;
 * - its bus-master port (struct dma_port of dma/port.h), with
 *   refdev_connect_dma(), which copies it and embeds a dma/ engine on it.
 *
 * Order of life (each layer hooks the configuration space over the
 * previous one, last in first out):
 *   refdev_init() -> build the machine with refdev_cfg() and the BAR ops ->
 *   attach interrupts -> refdev_connect_irq() -> refdev_connect_dma() ->
 *   ... run ... -> refdev_disconnect() -> detach interrupts -> destroy the
 *   machine -> refdev_destroy().
 *
 * Driver mistakes (bad MMIO sizes, commands while busy, bad DMA ranges)
 * never crash: the device reports them through STATUS/INT_STATUS as the
 * specification says, counts them (struct refdev_stats) and writes a
 * warning through sim_report().
 *
 * Not thread-safe; one kernel. Include as "model/refdev.h"; depends on
 * bus/, irq/, dma/ and sim/ headers only.
 */
#ifndef PCISIM_MODEL_REFDEV_H
#define PCISIM_MODEL_REFDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "dma/engine.h"
#include "dma/port.h"
#include "irq/fn.h"
#include "irq/msix.h"
#include "sim/kernel.h"
#include "sim/time.h"

/* Configuration space (spec "Configuration space"). */
#define REFDEV_VENDOR_ID 0x1234u
#define REFDEV_DEVICE_ID 0x7011u
#define REFDEV_REVISION 0x01u
#define REFDEV_CLASS 0xff0000u
#define REFDEV_SUBSYS_VENDOR_ID 0x1234u
#define REFDEV_SUBSYS_ID 0x0001u
#define REFDEV_BAR_REGS 0u      /**< registers, 4 KiB, 32-bit */
#define REFDEV_BAR_SRAM 2u      /**< SRAM, 64-bit prefetchable (BAR2/BAR3) */
#define REFDEV_BAR_MSIX 4u      /**< MSI-X Table (0x000) and PBA (0x800), 4 KiB */
#define REFDEV_REGS_BYTES 4096u
#define REFDEV_MSIX_BYTES 4096u
#define REFDEV_MSIX_PBA 0x800u
#define REFDEV_MSIX_ENTRIES 8u
#define REFDEV_MSI_VECTORS 8u
#define REFDEV_MPS_SUPPORTED_BYTES 512u

/* Registers of BAR0 (spec "Registers (BAR0)"): byte offsets. */
#define REFDEV_ID 0x00
#define REFDEV_CTRL 0x04
#define REFDEV_STATUS 0x08
#define REFDEV_INT_STATUS 0x0c
#define REFDEV_INT_MASK 0x10
#define REFDEV_INT_COUNT 0x14
#define REFDEV_MSIX_VEC 0x18
#define REFDEV_CMD 0x20
#define REFDEV_ARG 0x24
#define REFDEV_RESULT 0x28
#define REFDEV_DMA_TABLE_LO 0x30
#define REFDEV_DMA_TABLE_HI 0x34
#define REFDEV_DMA_OFFSET 0x38
#define REFDEV_DMA_LENGTH 0x3c
#define REFDEV_DMA_DEV_OFFSET 0x40
#define REFDEV_DMA_BYTES 0x44

/** ID register value: device ID in 31:16, major 1, minor 0. */
#define REFDEV_ID_VALUE 0x70110100u
#define REFDEV_CTRL_RESET 0x1u
#define REFDEV_CTRL_INT_EN 0x2u
#define REFDEV_CTRL_DMA64 0x4u
#define REFDEV_STATUS_BUSY 0x1u
#define REFDEV_STATUS_SINGLE_MSG 0x2u
#define REFDEV_STATUS_ERROR 0x4u
#define REFDEV_STATUS_CODE_SHIFT 8
#define REFDEV_STATUS_CODE_MASK 0xff00u
/* INT_STATUS / INT_MASK bits; bit n is also the cause's MSI vector. */
#define REFDEV_INT_CMD_DONE 0x1u
#define REFDEV_INT_DMA_DONE 0x2u
#define REFDEV_INT_ERROR 0x4u
#define REFDEV_INT_TIMER 0x8u
#define REFDEV_INT_ALL 0xfu
#define REFDEV_MSIX_VEC_RESET 0x03020100u

/** enum refdev_cmd - CMD codes (spec "Commands (CMD)"). */
enum refdev_cmd {
	REFDEV_CMD_ECHO = 0x01,
	REFDEV_CMD_DMA_READ = 0x02,
	REFDEV_CMD_DMA_WRITE = 0x03,
	REFDEV_CMD_CHECKSUM = 0x04,
	REFDEV_CMD_TIMER = 0x05,
};

/** enum refdev_err - error codes in STATUS bits 15:8 (spec "Errors"). */
enum refdev_err {
	REFDEV_ERR_NONE = 0,
	REFDEV_ERR_BUSY = 1,
	REFDEV_ERR_BAD_CMD = 2,
	REFDEV_ERR_DMA_RANGE = 3,
	REFDEV_ERR_DMA_ABORT = 4,
	REFDEV_ERR_DMA_ADDR32 = 5,
	REFDEV_ERR_ACCESS = 6,
	REFDEV_ERR_COUNT = 7,
};

/** Page size of the page table (4 KiB pages). */
#define REFDEV_PAGE_BYTES 4096u
/** Most page table entries one fetch asks for. */
#define REFDEV_TABLE_FETCH_MAX 64u

/**
 * struct refdev_config - the model parameters (spec "Timing parameters" and
 * "Configuration space"); refdev_config_default() fills the defaults.
 * @name: for reports; NULL is "refdev". Must outlive the device.
 * @sram_bytes: SRAM size: a power of two, 4 KiB .. 64 MiB (default 1 MiB).
 * @msix: MSI-X present (capability and BAR4; default true).
 * @link_gen: Max Link Speed advertised, 1..5 (default 3). The machine's
 *	link should be described with the same (platform_device_desc).
 * @link_width: Maximum Link Width: 1, 2, 4, 8, 12, 16 or 32 (default 8).
 * @cmd_latency_ps: command latency, before every command (500 ns).
 * @checksum_mb_per_s: CHECKSUM throughput in 10^6 bytes/s (4000: 4 GB/s).
 * @outstanding_reads: read requests the DMA engine keeps outstanding,
 *	page-table fetches included, 1..256 (32).
 * @host_read_latency_ps: completer latency of every read the device makes
 *	that something decodes (600 ns); 0 keeps the port's own latency.
 * @per_tlp: the dma/ engine's reference mode (one event per TLP; same
 *	times), for tests.
 */
struct refdev_config {
	const char *name;
	uint64_t sram_bytes;
	bool msix;
	unsigned link_gen;
	unsigned link_width;
	sim_time_t cmd_latency_ps;
	uint64_t checksum_mb_per_s;
	unsigned outstanding_reads;
	sim_time_t host_read_latency_ps;
	bool per_tlp;
};

/** refdev_config_default() - the defaults listed in struct refdev_config. */
void refdev_config_default(struct refdev_config *cfg);

/**
 * struct refdev_stats - counters since refdev_init() (resets do not clear
 * them).
 * @errors: errors raised, per code (index enum refdev_err).
 * @commands: commands accepted (TIMER included).
 * @dma_bytes: bytes moved by DMA commands (data only).
 * @table_fetches: page-table reads issued (each up to MRRS, 64 entries).
 * @resets: device resets (CTRL.RESET and configuration-space resets).
 * Ignored MSI-X table accesses are counted by the table (irq_msix).
 */
struct refdev_stats {
	uint64_t errors[REFDEV_ERR_COUNT];
	uint64_t commands;
	uint64_t dma_bytes;
	uint64_t table_fetches;
	uint64_t resets;
};

/* One block of page-table entries on its way to the data channel
 * (private). */
struct refdev_block {
	struct dma_sg sg[REFDEV_TABLE_FETCH_MAX];
	unsigned n;            /* elements (contiguous pages merged) */
	uint64_t bytes;        /* data bytes of the block */
	uint8_t err;           /* an entry stopped the transfer after it */
};

/* The DMA command in progress (private). */
struct refdev_dma {
	bool active;           /* a DMA command runs */
	bool draining;         /* reset: waiting for the engine to go idle */
	bool write;            /* DMA_WRITE (else DMA_READ) */
	bool dma64;
	uint64_t table;
	uint32_t offset, length, dev_offset;
	uint64_t pages;        /* table entries the transfer needs */
	uint64_t next_entry;   /* next entry to fetch */
	uint64_t bytes_done;   /* data bytes of the blocks finished */
	uint64_t block_start;  /* data offset where the running block starts */
	uint8_t err;           /* the error that ends it (first by position) */
	bool stop;             /* no further fetch */
	bool fetch_busy, data_busy, ready;
	unsigned fetch_n;      /* entries asked for */
	struct dma_sg fetch_sg;
	uint8_t fetch_raw[REFDEV_TABLE_FETCH_MAX * 8];
	struct refdev_block next; /* parsed, waiting for the data channel */
	struct refdev_block run;  /* on the data channel */
};

/**
 * struct refdev - one reference device. Initialise with refdev_init(),
 * release with refdev_destroy().
 */
struct refdev {
	/* the configuration space comes first, as QEMU's models embed their
	 * PCI parent */
	struct pci_cfg cfg;
	/* read-only */
	struct refdev_stats stats;
	uint32_t cap_pm, cap_exp, cap_msi, cap_msix; /**< capability offsets */
	/* private */
	struct sim_kernel *k;
	struct refdev_config conf;
	uint8_t *sram;
	struct irq_msix msix;
	bool have_msix;
	struct irq_fn *fn;
	bool dma_connected;
	struct dma_port port;      /* our copy of the harness's port */
	struct dma_port_ops port_ops;
	const struct dma_port_ops *orig_ops;
	void *orig_opaque;
	sim_time_t orig_mem_ps;
	struct dma_engine eng;
	/* registers */
	uint32_t ctrl, int_status, int_mask, msix_vec;
	uint32_t arg, result;
	uint32_t table_lo, table_hi, dma_offset, dma_length, dma_dev_offset, dma_bytes;
	bool busy, error;
	uint8_t err_code;
	/* interrupts */
	uint32_t eff_last;         /* INT_STATUS & INT_MASK & INT_EN as last seen */
	uint32_t held;             /* causes signalled while Bus Master Enable was 0 */
	bool intx_level;           /* as last given to the irq_fn */
	bool bme_last;
	uint32_t fresh;            /* causes set at @fresh_ps, not read since */
	sim_time_t fresh_ps;
	uint64_t count_base;       /* INT_COUNT = raw count - base */
	/* commands */
	uint32_t cmd;              /* the command the event runs */
	uint32_t cmd_arg;
	uint32_t ck_offset, ck_length;
	uint8_t cmd_phase;
	struct sim_event cmd_ev;
	struct sim_event timer_ev;
	uint32_t crc_table[256];
	struct refdev_dma dma;
};

/**
 * refdev_init() - build the device: configuration space (IDs, class,
 * Interrupt Pin A, BAR0, BAR2/3, BAR4 and MSI-X when present, Power
 * Management, PCI Express endpoint with FLR, MSI with 8 messages, 64-bit,
 * per-vector masking), SRAM (zeroed), registers at their reset values.
 * @d: storage owned by the caller.
 * @k: the kernel; must outlive @d.
 * @cfg: parameters, copied; NULL for the defaults.
 * Return: 0; SIM_ERR_INVALID (NULL, a parameter out of range);
 * SIM_ERR_NOMEM. On error nothing needs releasing.
 */
int refdev_init(struct refdev *d, struct sim_kernel *k, const struct refdev_config *cfg);

/**
 * refdev_destroy() - release the SRAM, the MSI-X table and the events;
 * disconnects first if needed. NULL is ignored.
 */
void refdev_destroy(struct refdev *d);

/** refdev_cfg() - the configuration space to give the machine builder. */
struct pci_cfg *refdev_cfg(struct refdev *d);

/**
 * refdev_bar_ops() - the region ops serving BAR @bar (0, 2 or 4 when MSI-X
 * is present); *@opaque receives the pointer to pass with them.
 * Return: the const table, or NULL for a BAR the device does not have.
 */
const struct bus_region_ops *refdev_bar_ops(struct refdev *d, unsigned bar, void **opaque);

/**
 * refdev_connect_irq() - the function's interrupt logic, created by the
 * harness on the built machine (platform_irq_fn()); attaches the MSI-X
 * table to it (irq_fn_set_msix()).
 * @fn: must outlive the connection (refdev_disconnect()); NULL: the device
 *	sends no interrupt.
 * Return: 0, or what irq_fn_set_msix() returns.
 */
int refdev_connect_irq(struct refdev *d, struct irq_fn *fn);

/**
 * refdev_connect_dma() - the function's bus-master port (platform_dma_port()
 * fills one), copied; the device wraps its latency hook with
 * @host_read_latency_ps and runs a two-channel dma/ engine on it (channel 0
 * fetches the page table, channel 1 moves data; they share the
 * outstanding-read budget). Without a port, DMA commands end with
 * DMA_ABORT.
 * Return: 0; SIM_ERR_INVALID (NULL); SIM_ERR_BUSY (already connected);
 * what dma_engine_init() returns.
 */
int refdev_connect_dma(struct refdev *d, const struct dma_port *port);

/**
 * refdev_disconnect() - cancel what runs (commands, the timer, DMA: no
 * callback runs afterwards), detach the MSI-X table from the irq_fn and
 * drop the engine. Call before the irq_fn or the machine goes.
 */
void refdev_disconnect(struct refdev *d);

/** refdev_sram() - the SRAM bytes (a back door for tests and tools). */
uint8_t *refdev_sram(struct refdev *d);

/** refdev_port() - the device's copy of its port (counters: writes the
 * fabric dropped, reads failed), or NULL when not connected. */
const struct dma_port *refdev_port(const struct refdev *d);

/** refdev_engine() - the embedded DMA engine, or NULL when not connected. */
struct dma_engine *refdev_engine(struct refdev *d);

/** refdev_crc32() - the CRC the CHECKSUM command computes (zlib's
 * crc32(@crc, @buf, @len)), with the device's table. */
uint32_t refdev_crc32(const struct refdev *d, uint32_t crc, const uint8_t *buf, uint64_t len);

/** refdev_err_name() - "BUSY", "BAD_CMD", ... for @code; "?" when unknown. */
const char *refdev_err_name(unsigned code);

#endif /* PCISIM_MODEL_REFDEV_H */
