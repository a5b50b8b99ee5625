/*
 * bus/decode.h - the address decoder of a PCI bus: one address space
 * (memory; an I/O space is another instance of the same type) made of
 * regions, each either a register model behind a static const ops table
 * (struct bus_region_ops, in the manner of QEMU's MemoryRegionOps) or a
 * TLM target (host memory, a router) mapped with its own TLM ops.
 *
 * Regions may overlap: where they do, the region of higher priority is the
 * one that decodes (a BAR over a window, say). Two enabled regions of equal
 * priority must not overlap: the call that would make them is refused with
 * SIM_ERR_INVALID and changes nothing. A disabled region (Memory Space
 * Enable off, bus_decode_enable()) decodes nothing and takes part in no
 * overlap check, so BARs may sit at the same reset address while disabled.
 *
 * Every map, unmap, move and enable rebuilds a sorted array of
 * non-overlapping "effective" intervals, each owned by one region; a lookup
 * is a check of the last interval hit and then a binary search, O(log n).
 *
 * Access rules (the PCI bus's, enforced here so models need not):
 * - an access to no region is a master abort: a read completes with all
 *   ones for its size, a write vanishes; the result says Unsupported
 *   Request with master_abort set, and it is counted;
 * - an access is decoded by its first byte; if any later byte belongs to
 *   another region, or to nothing (a hole, the end of a region), the whole
 *   access is refused as one access by the region of its first byte: a
 *   rule violation (reads return all ones, writes change nothing);
 * - an access whose size the region does not accept, or that is misaligned
 *   (offset within the region not a multiple of the size) when the region
 *   does not allow that, is a rule violation too; it never reaches the
 *   model;
 * - a valid access wider than what the model implements is split by the
 *   core into accesses of the implemented size at ascending offsets, little
 *   endian: piece i carries bits 8*impl*i .. 8*impl*(i+1)-1 of the value.
 * Rule violations complete with the region's refusal status (Completer
 * Abort unless the ops table asks for Unsupported Request).
 *
 * Not thread-safe: one simulation thread owns a struct bus_decode. Include
 * from bus/ and the layers above; depends on sim/ headers and libc.
 */
#ifndef PCISIM_BUS_DECODE_H
#define PCISIM_BUS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim/error.h"
#include "sim/tlm.h"

struct sim_ctrace;
struct sim_kernel;

/**
 * enum bus_decode_status - how a bus access completed (PCIe Base Specification
 * 2.2.9, Completion Status), as a region's model answers it and as the
 * decoder reports it.
 */
enum bus_decode_status {
	BUS_DECODE_OK = 0, /**< Successful Completion */
	BUS_DECODE_UR = 1, /**< Unsupported Request; also a master abort (no decoder claimed it) */
	BUS_DECODE_CA = 2, /**< Completer Abort: the completer refused a request it decodes */
};

/* Access sizes accepted by a region, as a bit mask: each bit's value is the
 * size in bytes it stands for, so (mask & size) tests a size. */
#define BUS_DECODE_SIZE_1 1u
#define BUS_DECODE_SIZE_2 2u
#define BUS_DECODE_SIZE_4 4u
#define BUS_DECODE_SIZE_8 8u
#define BUS_DECODE_SIZES_ALL (BUS_DECODE_SIZE_1 | BUS_DECODE_SIZE_2 | BUS_DECODE_SIZE_4 | BUS_DECODE_SIZE_8)

/**
 * struct bus_region_ops - a register model's callbacks and access rules; a
 * static const table, every callback taking the opaque pointer given to
 * bus_decode_map().
 *
 * @read: required. Read @size bytes (1, 2, 4 or 8, as the rules allow) at
 *     byte @offset of the region into *@val (little endian: the byte at
 *     @offset is bits 0..7). Bits above @size bytes are ignored. Return the
 *     completion status; on anything but BUS_DECODE_OK the reader sees all ones.
 * @write: required. Write the low @size bytes of @val at @offset. Return
 *     the completion status.
 * @valid_sizes: the access sizes the region accepts (BUS_DECODE_SIZE_* bits); 0
 *     means all of them. Others are rule violations.
 * @unaligned: true when an access need not be aligned to its size (the
 *     alignment checked is that of the offset within the region).
 * @impl_size: the widest access the callbacks implement (1, 2, 4 or 8); a
 *     valid access wider than this is split by the core. 0: no splitting.
 * @refuse_ur: rule violations complete with Unsupported Request instead of
 *     the default Completer Abort.
 */
struct bus_region_ops {
	enum bus_decode_status (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
	enum bus_decode_status (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
	unsigned valid_sizes;
	bool unaligned;
	unsigned impl_size;
	bool refuse_ur;
};

/**
 * struct bus_decode_result - what happened to one access.
 * @status: the completion status.
 * @master_abort: no region decoded the address (then @status is BUS_DECODE_UR).
 * @violation: the core refused the access by the rules above; the model
 *     never saw it.
 * @region: the id of the region of the access's first byte; 0 on a master
 *     abort.
 * @offset: the first byte's offset within that region.
 * @poisoned: the data was poisoned by a fault (bus/fault.h): a read
 *     completed (@status BUS_DECODE_OK) but its data is bad (all ones is
 *     returned); a write was delivered with bad data (@status is what the
 *     region answered).
 * @timeout: a fault turned the access into a completion timeout: @status
 *     is BUS_DECODE_UR, a read returns all ones, nothing reached a model.
 * @fault: the id of the fault (bus/fault.h) that acted on the access; 0
 *     when none did.
 * @delay_ps: how long the requester waited for the completion that never
 *     came (a read hit by a completion timeout fault); 0 otherwise.
 *
 * The last four are zero unless a fault acted on the access.
 */
struct bus_decode_result {
	enum bus_decode_status status;
	bool master_abort;
	bool violation;
	uint32_t region;
	uint64_t offset;
	bool poisoned;
	bool timeout;
	uint32_t fault;
	sim_time_t delay_ps;
};

/**
 * struct bus_decode_stats - counters since bus_decode_init() or
 * bus_decode_reset_stats(). Every access (bus_decode_read(),
 * bus_decode_write(), a read or write through the TLM face) counts once in
 * @accesses and once in exactly one outcome, so the outcomes add up to it.
 * The outcomes are @completed, @master_aborts, @unsupported,
 * @completer_aborts, @rule_violations and @timeouts; @fault_hits and
 * @poisoned are not outcomes but counts of accesses among them.
 *
 * Accesses a fault (bus/fault.h) acts on count in the outcome they
 * complete with: Unsupported Request and Completer Abort faults in
 * @unsupported and @completer_aborts, a surprise removal in
 * @master_aborts, a completion timeout in @timeouts, a poisoned read in
 * @completed, a poisoned write in what the region answered.
 */
struct bus_decode_stats {
	uint64_t accesses;          /**< reads + writes */
	uint64_t reads;
	uint64_t writes;
	uint64_t completed;         /**< completed successfully */
	uint64_t master_aborts;     /**< to no region (or to a surprise-removed range) */
	uint64_t unsupported;       /**< Unsupported Request answered by a region's model (or a fault) */
	uint64_t completer_aborts;  /**< Completer Abort answered by a region's model (or a fault) */
	uint64_t rule_violations;   /**< refused by the core: size, alignment, crossing */
	uint64_t timeouts;          /**< completion timeouts injected by a fault */
	uint64_t fault_hits;        /**< not an outcome: accesses a fault acted on */
	uint64_t poisoned;          /**< not an outcome: accesses flagged poisoned by a fault */
};

struct bus_decode_region;   /* private: one mapped region */
struct bus_decode_interval; /* private: one effective interval */
struct bus_fault;           /* private: one fault range (bus/fault.h) */

/**
 * struct bus_decode - one address space of a PCI bus. Initialise with
 * bus_decode_init(), release with bus_decode_destroy().
 */
struct bus_decode {
	/* read-only */
	struct bus_decode_stats stats;
	struct bus_decode_result last;     /**< the result of the latest access */
	struct tlm_target target;          /**< the TLM face; see bus_decode_target() */
	/* private */
	struct bus_decode_region *regions; /* slots, in mapping order; unused slots have id 0 */
	uint32_t nregions;                 /* slots in use at the front (some may be free) */
	uint32_t cap_regions;
	struct bus_decode_interval *iv;    /* effective intervals, ascending */
	uint32_t niv;
	uint32_t cap_iv;
	uint32_t last_hit;                 /* index into iv of the latest lookup */
	uint32_t next_id;
	void *scratch;                     /* rebuild work space */
	size_t scratch_bytes;
	/* private: fault injection (bus/fault.h) */
	struct bus_fault *faults;          /* in the order added; the last wins */
	uint32_t nfaults;                  /* 0: the access path takes one branch */
	uint32_t cap_faults;
	uint32_t next_fault_id;
	sim_time_t fault_timeout_ps;       /* delay of a completion timeout */
	/* private: tracing of failed accesses (bus_decode_set_trace()) */
	struct sim_ctrace *trace;          /* NULL: off, one branch per access */
	uint32_t trace_track;
	const struct sim_kernel *trace_clock;
};

/**
 * bus_decode_init() - an empty address space: every access a master abort.
 * @d: storage owned by the caller.
 * Return: 0, or SIM_ERR_INVALID for a NULL @d.
 */
int bus_decode_init(struct bus_decode *d);

/**
 * bus_decode_destroy() - unmap everything, remove every fault and free the
 * tables. The TLM
 * face's DMI listeners are detached. @d may be initialised again.
 */
void bus_decode_destroy(struct bus_decode *d);

/**
 * bus_decode_map() - map a register model at @base .. @base + @size - 1.
 * @d: the address space.
 * @base: bus address of the region's offset 0.
 * @size: bytes, > 0; @base + @size - 1 must not pass UINT64_MAX.
 * @priority: where regions overlap, the higher priority decodes.
 * @ops: the model's callbacks and rules; must outlive the mapping.
 * @opaque: passed to every callback.
 * @name: for reports; copied (at most 31 characters kept). May be NULL.
 * @id_out: receives the region's id (never 0); may be NULL.
 *
 * The region starts enabled. Ids are not reused within the life of @d.
 * Return: 0; SIM_ERR_INVALID for a NULL @d or @ops, a NULL callback, bad
 * sizes in the rules, an empty or wrapping range, or an overlap with an
 * enabled region of the same priority; SIM_ERR_NOMEM. On error nothing
 * changes.
 */
int bus_decode_map(struct bus_decode *d, uint64_t base, uint64_t size, int priority,
		   const struct bus_region_ops *ops, void *opaque, const char *name,
		   uint32_t *id_out);

/**
 * bus_decode_map_target() - map a TLM target (host memory, say) at @base ..
 * @base + @size - 1: offset o of the region is address o of @t.
 * @t: the target; must outlive the mapping.
 * Other arguments as bus_decode_map().
 *
 * The region accepts every size and alignment and never splits. Reads and
 * writes through bus_decode_read()/_write() are untimed (the target's
 * latency is dropped); through the TLM face the payload goes to @t as it
 * is (any length, byte enables, streaming), address translated, with its
 * delay. A response of TLM_ADDRESS_ERROR counts as Unsupported Request,
 * other errors as Completer Abort.
 * Return: as bus_decode_map().
 */
int bus_decode_map_target(struct bus_decode *d, uint64_t base, uint64_t size, int priority,
			  struct tlm_target *t, const char *name, uint32_t *id_out);

/**
 * bus_decode_unmap() - remove region @id; accesses no longer reach it once
 * this returns.
 * Return: 0, or SIM_ERR_INVALID when no region has that id.
 */
int bus_decode_unmap(struct bus_decode *d, uint32_t id);

/**
 * bus_decode_move() - put region @id at @new_base, same size (a BAR
 * reprogrammed).
 * Return: 0; SIM_ERR_INVALID for an unknown id, a range that would wrap,
 * or (when enabled) an overlap with an enabled region of the same
 * priority: then the region stays where it was.
 */
int bus_decode_move(struct bus_decode *d, uint32_t id, uint64_t new_base);

/**
 * bus_decode_enable() - turn decoding of region @id on or off (Memory
 * Space Enable, PCIe Base Specification 7.5.1.1.3): while off, the region
 * decodes nothing and accesses fall to lower priority regions or to
 * nothing.
 * Return: 0; SIM_ERR_INVALID for an unknown id, or when enabling would
 * overlap an enabled region of the same priority (it stays disabled).
 */
int bus_decode_enable(struct bus_decode *d, uint32_t id, bool enable);

/**
 * bus_decode_find() - the region that decodes @addr; no side effect but
 * the lookup cache.
 * @offset: when not NULL and a region decodes @addr, receives its offset
 *     in the region.
 * Return: the region id, or 0 when nothing decodes @addr.
 */
uint32_t bus_decode_find(struct bus_decode *d, uint64_t addr, uint64_t *offset);

/**
 * bus_decode_region_name() - the name region @id was mapped with ("" if
 * none); NULL for an unknown id. Owned by @d, valid until the unmap.
 */
const char *bus_decode_region_name(const struct bus_decode *d, uint32_t id);

/**
 * bus_decode_read() - one read of @size bytes at bus address @addr.
 * @d: the address space.
 * @addr: bus address of the first byte.
 * @size: 1, 2, 4 or 8 bytes.
 * @val: receives the value, little endian, zero-extended; all ones of
 *     @size bytes on anything but success.
 * @res: receives what happened; may be NULL (d->last has it too).
 *
 * Return: 0 when the access was made, whatever its completion status (a
 * master abort or a Completer Abort is the guest's business, reported in
 * @res and the counters); SIM_ERR_INVALID for a NULL @d or @val or a bad
 * @size (the caller's bug: nothing counted).
 */
int bus_decode_read(struct bus_decode *d, uint64_t addr, unsigned size, uint64_t *val,
		    struct bus_decode_result *res);

/**
 * bus_decode_write() - one write of the low @size bytes of @val at @addr.
 * Arguments and return as bus_decode_read(). A write to nothing vanishes; a
 * refused write changes nothing; a split write that fails part way keeps
 * the pieces written before the failing one.
 */
int bus_decode_write(struct bus_decode *d, uint64_t addr, unsigned size, uint64_t val,
		     struct bus_decode_result *res);

/**
 * bus_decode_target() - the address space as a TLM target, for a CPU model
 * or a bridge to issue transactions to.
 *
 * b_transport: a read or write to a TLM target region is passed on
 * (address translated, with the caller's delay; a span running past the
 * region's effective interval is a rule violation, TLM_GENERIC_ERROR); to
 * a register region it must be one access without byte enables (else a
 * rule violation, TLM_BYTE_ENABLE_ERROR), of 1, 2, 4 or 8 bytes and not
 * streaming (else a rule violation, TLM_BURST_ERROR), executed as
 * bus_decode_read()/_write(), data bytes in address order (little
 * endian). Other responses: success TLM_OK; a master abort (any length) or
 * Unsupported Request TLM_ADDRESS_ERROR; a Completer Abort or other rule
 * violation TLM_GENERIC_ERROR; a command other than read, write, ignore
 * TLM_COMMAND_ERROR, uncounted. Whatever the response, a failed read fills the
 * enabled data bytes with all ones, which is what a CPU sees. An ignore
 * command answers TLM_OK where a region decodes, TLM_ADDRESS_ERROR
 * elsewhere, and is not counted. Annotates no latency of its own.
 * transport_dbg is passed to TLM target regions only (register reads may
 * have side effects): 0 bytes elsewhere. DMI is not offered. Faults
 * (bus/fault.h) act before all this, on the payload's span, with the
 * responses bus/fault.h gives.
 * Return: the target, embedded in @d.
 */
static inline struct tlm_target *bus_decode_target(struct bus_decode *d)
{
	return &d->target;
}

/** bus_decode_reset_stats() - zero the counters of @d. */
static inline void bus_decode_reset_stats(struct bus_decode *d)
{
	memset(&d->stats, 0, sizeof(d->stats));
}

/**
 * bus_decode_set_trace() - record every access that does not simply complete
 * (master abort, UR, CA, a refused access, a fault's poisoned data or
 * timeout) as an instant event on @track of @trace, named after the outcome,
 * with the address, size, direction and region as arguments.
 * @trace: an open Chrome trace writer (sim/ctrace.h), or NULL to stop.
 * @track: a track of @trace, from sim_ctrace_track().
 * @clock: the kernel whose time stamps the events, or NULL for time 0
 *         (the decoder itself is untimed).
 *
 * Off by default; off, it costs one branch per access. @trace and @clock
 * must outlive the decoder or a later call turning tracing off.
 */
void bus_decode_set_trace(struct bus_decode *d, struct sim_ctrace *trace, uint32_t track,
			  const struct sim_kernel *clock);

/** bus_decode_status_name() - "OK", "UR", "CA"; "UNKNOWN" otherwise. Static string. */
const char *bus_decode_status_name(enum bus_decode_status s);

#endif /* PCISIM_BUS_DECODE_H */
