/*
 * dma/engine.h - the bus-master DMA engine a device model embeds: channels
 * that work through scatter-gather lists in either direction over a
 * struct dma_port (dma/port.h), on a simulation kernel, with PCIe-accurate
 * timing from the link model of bus/link.h.
 *
 * Requests are split as hardware splits them (PCIe Base 2.2.2, 2.2.7,
 * 2.3.1.1): memory writes carry at most MPS bytes, memory reads ask for at
 * most MRRS bytes, and no request crosses a 4 KiB boundary; a read is
 * answered by completions that end on Read Completion Boundaries (or carry
 * up to MPS bytes when rcb_bytes is BUS_LINK_RCB_MPS), MPS bytes at most.
 * The engine keeps at most @tags reads outstanding over all its channels
 * (a tag is held from the read's issue until its last completion has
 * left); a channel issues its next
 * request when the previous one has left the link (and, for a read, a tag
 * is free), so several channels, engines or devices sharing a link
 * interleave TLP by TLP on its FIFO directions.
 *
 * Timing of one transfer (times in ps, the link directions of the port):
 * - a MWr is offered upstream when the channel's previous request has
 *   left; the transfer is done when the last MWr has left plus the port's
 *   mem_ps (the data has landed);
 * - a MRd is offered upstream likewise, once a tag is free; its
 *   completions are offered downstream, all at once, when the MRd has left
 *   plus the completer latency (dma_port.latency or mem_ps), after those of
 *   the channel's earlier reads (completions of one requester come back in
 *   request order); the tag is free when its last completion has left; the
 *   transfer is done when the last completion has left;
 * - the completion callback runs at that time, in a kernel event; the
 *   engine never raises an interrupt (the device model decides).
 * Fast and exact: a channel does not need one kernel event per TLP. When it
 * runs, it computes every TLP it would offer before the kernel's next
 * pending activity (sim_next_activity_time()), since nothing else can
 * offer a TLP to the link before then, and schedules one event to go on.
 * With nothing else pending a whole transfer costs two events, and one
 * when the completion callback starts the channel again (the new transfer
 * goes on in the callback's event once it returns, when nothing else is
 * due at that time, which is what its own event would have done); with
 * several requesters the result is the same, to the picosecond, as with
 * one event per TLP (struct dma_engine_cfg.per_tlp, the reference mode).
 *
 * Data really moves, through the port's memory space (TLM b_transport),
 * functionally at the time the channel issues the request that starts a
 * contiguous run (loosely timed: a run of requests in one scatter-gather
 * element, one IOMMU mapping and below the address limit moves in one
 * access; when that access fails, each request is performed alone so the
 * failing one is known exactly).
 *
 * Errors. Every transfer ends with a struct dma_result: bytes done (from
 * the start of the list, all of them good), the device address of the
 * failing request and the kind of error:
 * - Bus Master Enable off: dma_channel_start() refuses (SIM_ERR_STATE,
 *   counted); cleared during a transfer: DMA_ERR_BUS_MASTER, the request is
 *   not issued (PCI 3.0 §6.2.2);
 * - a request reaching past the port's address limit: DMA_ERR_ADDR_LIMIT,
 *   never issued (a device-internal error);
 * - an IOMMU fault: DMA_ERR_IOMMU, never issued;
 * - a read completed Unsupported Request (also: nothing decodes) or
 *   Completer Abort: DMA_ERR_UR / DMA_ERR_CA, and the requester's Status
 *   Received Master Abort / Received Target Abort (PCI 3.0 §6.2.3); a
 *   completion timeout fault: DMA_ERR_TIMEOUT when the timeout expires; a
 *   poisoned completion: DMA_ERR_POISONED (PCIe Base 2.7.2). No request
 *   after the failing one is issued;
 * - a posted write to nothing, or refused: dropped by the root complex,
 *   counted (dma_port.writes_dropped, dma_result.writes_dropped) and
 *   reported; the device sees success and the transfer goes on (a write
 *   a fault poisons is delivered, bad data and all, and not counted);
 * - re-entrancy: see dma/port.h. Also, the engine's API refuses (with
 *   SIM_ERR_BUSY, counted in reentry_refused) to be called from inside one
 *   of its own data accesses (a register model reached by the engine's DMA
 *   calling back into it), so no channel changes under its own feet.
 *
 * Statistics per transfer (dma_result) and per channel (dma_channel_stats:
 * bytes, TLPs, busy time, a log2 histogram of transfer latencies), and
 * spans in a Chrome trace (sim/ctrace.h) when one is given.
 *
 * Not thread-safe; one kernel. Include as "dma/engine.h"; depends on bus/
 * and sim/ only.
 */
#ifndef PCISIM_DMA_ENGINE_H
#define PCISIM_DMA_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dma/port.h"
#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/time.h"

struct sim_ctrace;
struct dma_engine;
struct dma_channel;

/** enum dma_dir - the direction of a transfer. */
enum dma_dir {
	DMA_DIR_READ = 0,  /**< the device reads host memory (MRd, CplD) */
	DMA_DIR_WRITE = 1, /**< the device writes host memory (MWr) */
};

/** enum dma_status - how a transfer ended. */
enum dma_status {
	DMA_OK = 0,
	DMA_ERR_BUS_MASTER = 1, /**< Bus Master Enable was cleared */
	DMA_ERR_ADDR_LIMIT = 2, /**< an address beyond the device's address bits */
	DMA_ERR_IOMMU = 3,      /**< the IOMMU refused the translation */
	DMA_ERR_UR = 4,         /**< a read completed Unsupported Request */
	DMA_ERR_CA = 5,         /**< a read completed Completer Abort */
	DMA_ERR_TIMEOUT = 6,    /**< a read's completion never came */
	DMA_ERR_POISONED = 7,   /**< a read's completion carried poisoned data */
	DMA_ERR_ABORTED = 8,    /**< dma_channel_abort() */
};

/** dma_status_name() - "ok", "bus-master", ... Static string. */
const char *dma_status_name(enum dma_status s);

/** struct dma_sg - one scatter-gather element: @len (> 0) bytes at device address @addr. */
struct dma_sg {
	uint64_t addr;
	uint32_t len;
};

/**
 * struct dma_result - how one transfer went.
 * @status: DMA_OK or the error that ended it.
 * @bytes_done: bytes from the start of the list moved successfully (all
 *	of them on DMA_OK; dropped posted writes count as done, as the device
 *	cannot tell).
 * @fail_addr: device address of the failing request; 0 on DMA_OK.
 * @start_ps, @end_ps: start (dma_channel_start()) and end (callback) times.
 * @tlps: requests issued (MRd or MWr); @cpl_tlps: completions received.
 * @writes_dropped: posted writes the fabric dropped.
 */
struct dma_result {
	enum dma_status status;
	uint64_t bytes_done;
	uint64_t fail_addr;
	sim_time_t start_ps, end_ps;
	uint64_t tlps, cpl_tlps;
	uint64_t writes_dropped;
};

/** dma_result_gbps() - achieved payload bandwidth of @r in Gb/s (0 for no time). */
double dma_result_gbps(const struct dma_result *r);

/**
 * typedef dma_done_fn - a transfer ended; runs in a kernel event at
 * @r->end_ps. The channel is idle again: the callback may start it anew.
 * @r is valid during the call only.
 */
typedef void (*dma_done_fn)(void *opaque, struct dma_channel *ch, const struct dma_result *r);

/** Buckets of the latency histogram: bucket i counts latencies in [2^i, 2^(i+1)) ns (0: < 2 ns). */
#define DMA_LAT_BUCKETS 32u

/**
 * struct dma_channel_stats - totals of a channel since init.
 * @transfers, @errors: transfers ended, and those not DMA_OK.
 * @bytes: bytes done; @tlps, @cpl_tlps: as dma_result.
 * @busy_ps: sum of transfer durations.
 * @lat_hist: transfer latencies (end - start), log2 buckets of ns.
 */
struct dma_channel_stats {
	uint64_t transfers, errors;
	uint64_t bytes;
	uint64_t tlps, cpl_tlps;
	sim_time_t busy_ps;
	uint64_t lat_hist[DMA_LAT_BUCKETS];
};

/** One outstanding read (private). */
struct dma_ord {
	sim_time_t ready_ps;   /* its completions may start */
	uint32_t bytes;        /* data asked for */
	uint64_t haddr;        /* host address (RCB alignment) */
	uint8_t status;        /* enum dma_status of its completion */
	bool timeout;          /* no completion: the transfer ends at ready_ps */
};

/**
 * struct dma_channel - one channel; owned by its engine.
 */
struct dma_channel {
	/* read-only */
	struct dma_engine *e;
	unsigned id;
	bool active;                    /**< a transfer is in progress */
	struct dma_channel_stats stats;
	/* private: the transfer */
	struct sim_event ev;
	bool finishing;                 /* all done; ev fires at res.end_ps */
	bool stop_issue;                /* an error: no further request */
	enum dma_dir dir;
	const struct dma_sg *sg;
	unsigned nsg, si;               /* element list, current element */
	uint64_t soff;                  /* offset in the current element */
	uint8_t *buf;                   /* device-side data */
	uint64_t boff;                  /* bytes issued so far */
	dma_done_fn fn;
	void *opaque;
	struct dma_result res;
	enum dma_status pending_err;    /* error to report once outstanding reads are in */
	uint64_t pending_addr;
	uint64_t good_bytes;            /* bytes of requests issued before the error */
	sim_time_t next_issue_ps;       /* the previous request has left */
	sim_time_t last_cpl_ps;         /* completions come in order */
	sim_time_t last_done_ps;        /* latest TLP end of this transfer */
	sim_time_t write_land_ps;       /* a write's latency to land */
	/* outstanding reads */
	struct dma_ord *ord;            /* ring of @tags */
	unsigned ord_head, ord_count;
	bool tag_wait;                  /* asleep: every tag held by other channels */
	/* the current data run (see the file comment) */
	uint64_t run_end;               /* device address where it ends */
	uint64_t run_delta;             /* host = device + delta within it */
	bool run_ok;                    /* moved at once */
	sim_time_t run_lat_ps;
	uint32_t trace_track;
	/* a start from the channel's own completion callback */
	bool in_done;                   /* the callback is running */
	bool restarted;                 /* it started the channel again */
};

/** dma_channel_gbps() - payload Gb/s of @s over its busy time (0 when never busy). */
double dma_channel_gbps(const struct dma_channel_stats *s);

/**
 * struct dma_engine_cfg - settings; zero means the default.
 * @channels: 1..64 (default 1).
 * @tags: outstanding reads of the function, shared by its channels,
 *	1..256 (default 32): the Tag field's budget (PCIe Base 2.2.6.2).
 * @per_tlp: reference mode: one kernel event per TLP (and per read's
 *	completions) instead of the fast path; same times.
 * @trace: Chrome trace to draw each transfer in as a span on a track per
 *	channel (process @name, thread "chN"), or NULL. Must outlive the
 *	engine.
 * @name: for reports and traces; must outlive the engine. NULL: "dma".
 */
struct dma_engine_cfg {
	unsigned channels;
	unsigned tags;
	bool per_tlp;
	struct sim_ctrace *trace;
	const char *name;
};

/**
 * struct dma_engine - channels over one port. Initialise with
 * dma_engine_init(), release with dma_engine_destroy().
 */
struct dma_engine {
	/* read-only */
	struct sim_kernel *k;
	struct dma_port *port;
	struct dma_engine_cfg cfg;
	uint64_t refused;          /**< starts refused: Bus Master Enable off */
	uint64_t reentry_refused;  /**< API calls refused from inside a data access */
	/* private */
	struct dma_channel *ch;
	unsigned engaged;          /* inside a data access of ours */
	unsigned tags_out;         /* reads issued, not yet answered (all channels) */
	sim_time_t *tagq;          /* ring of free times of answered reads, ascending */
	unsigned tagq_head, tagq_count;
	sim_time_t wake_ps;        /* earliest wake-up of a sleeping channel in this action */
	uint32_t mwr_ovh[2];       /* wire bytes of a MWr besides its payload, [addr64] */
	uint32_t mrd_bytes[2];     /* wire bytes of a MRd, [addr64] */
	uint32_t cpl_ovh;          /* wire bytes of a completion besides its data */
};

/**
 * dma_engine_init() - an engine with @cfg->channels idle channels.
 * @e: storage owned by the caller.
 * @k: the kernel; must outlive @e.
 * @port: the bus-master port; must outlive @e.
 * @cfg: settings, copied; NULL for the defaults.
 * Return: 0; SIM_ERR_INVALID (NULL, a setting out of range); SIM_ERR_NOMEM;
 * a sim_ctrace_track() error.
 */
int dma_engine_init(struct dma_engine *e, struct sim_kernel *k, struct dma_port *port,
		    const struct dma_engine_cfg *cfg);

/**
 * dma_engine_destroy() - cancel every transfer (no callback runs) and free
 * the engine. Not from inside one of its callbacks.
 */
void dma_engine_destroy(struct dma_engine *e);

/** dma_engine_channel() - channel @i, or NULL when out of range. */
struct dma_channel *dma_engine_channel(struct dma_engine *e, unsigned i);

/**
 * dma_channel_start() - start a transfer on an idle channel; the first
 * request goes out in the next delta cycle.
 * @ch: the channel.
 * @dir: DMA_DIR_READ (host memory into @buf) or DMA_DIR_WRITE (@buf into
 *	host memory).
 * @sg, @nsg: the elements, in order; each len > 0. The array must stay
 *	valid and unchanged until the callback.
 * @buf: device-side data, the sum of the lengths in bytes; must stay valid
 *	until the callback.
 * @fn, @opaque: the completion callback (may be NULL).
 * Return: 0; SIM_ERR_INVALID (NULL, empty list, an element of length 0 or
 * wrapping); SIM_ERR_BUSY (the channel is active, or the call comes from
 * inside one of the engine's data accesses); SIM_ERR_STATE (Bus Master
 * Enable off: nothing issued, counted in refused).
 */
int dma_channel_start(struct dma_channel *ch, enum dma_dir dir, const struct dma_sg *sg,
		      unsigned nsg, void *buf, dma_done_fn fn, void *opaque);

/**
 * dma_channel_abort() - stop issuing requests; the transfer ends with
 * DMA_ERR_ABORTED once the reads already outstanding are answered.
 * Return: 0; SIM_ERR_STATE when idle; SIM_ERR_BUSY from inside a data access.
 */
int dma_channel_abort(struct dma_channel *ch);

#endif /* PCISIM_DMA_ENGINE_H */
