/*
 * bus/fault.h - fault injection into a bus address decoder (bus/decode.h),
 * for testing device drivers against the errors a real bus produces:
 * Unsupported Request and Completer Abort completions, poisoned data,
 * completion timeouts and surprise removal, on chosen address ranges, at
 * once or at a chosen simulated time.
 *
 * A fault covers @base .. @base + @size - 1 of one decoder and takes
 * precedence over whatever regions lie underneath: an access any byte of
 * which falls in a fault's range is acted on by that fault (for the TLM
 * face, any byte of the payload's span). Faults may overlap; where they
 * do, the fault added latest wins (a fault added by a timer counts as
 * added when the timer fires). Removing a fault restores what was
 * underneath, region or fault.
 *
 * What each kind does (reads, writes; the result's fields as in struct
 * bus_decode_result, the outcome counted as in struct bus_decode_stats):
 * - BUS_FAULT_UNSUPPORTED_REQUEST: as a device answering UR: a read
 *   completes with all ones, a write is dropped; status BUS_DECODE_UR.
 *   TLM face: TLM_ADDRESS_ERROR.
 * - BUS_FAULT_COMPLETER_ABORT: as a device answering CA: a read completes
 *   with all ones, a write is dropped; status BUS_DECODE_CA. TLM face:
 *   TLM_GENERIC_ERROR.
 * - BUS_FAULT_POISONED: a read completes (status BUS_DECODE_OK, counted as
 *   completed) with poisoned set and the value all ones: the data of a
 *   poisoned completion must not be used, and all ones is what a root
 *   complex hands software for it; the region's model is not called (no
 *   read side effect happens). A write is delivered to whatever decodes
 *   it, as without the fault, and flagged poisoned. TLM face (reads and
 *   writes): TLM_GENERIC_ERROR, unless the write failed on its own (then
 *   the response of that failure).
 * - BUS_FAULT_COMPLETION_TIMEOUT: no completion ever comes: a read
 *   completes with all ones, status BUS_DECODE_UR, timeout set and
 *   delay_ps the decoder's completion timeout (bus_fault_set_timeout(),
 *   50 ms by default: the PCIe range A is 50 us .. 10 ms, B 10 .. 250 ms);
 *   a write is posted and vanishes (status BUS_DECODE_UR, timeout set,
 *   delay_ps 0: a posted write waits for nothing). Counted in timeouts.
 *   TLM face: TLM_ADDRESS_ERROR, and a read's delay is annotated with the
 *   timeout.
 * - BUS_FAULT_SURPRISE_REMOVAL: as if nothing decoded the range: a master
 *   abort (reads all ones, writes vanish, status BUS_DECODE_UR with
 *   master_abort set, region 0). TLM face: TLM_ADDRESS_ERROR; an ignore
 *   command answers TLM_ADDRESS_ERROR and transport_dbg moves 0 bytes
 *   (for the other kinds those two see the regions underneath).
 * No fault kind calls a model except a poisoned write. For the kinds other
 * than surprise removal, the result's region and offset name the region
 * underneath the first byte (0 if none).
 *
 * Every access a fault acts on counts once in the fault's hits
 * (bus_fault_hits()) and in the decoder's stats.fault_hits; the result's
 * fault field names it.
 *
 * Cost: while a decoder has no fault, its access path takes one extra
 * branch; with faults, each access scans them (they are meant to be few).
 *
 * Not thread-safe, like the decoder. Include from bus/ and the layers
 * above; depends on bus/decode.h, sim/ headers and libc.
 */
#ifndef PCISIM_BUS_FAULT_H
#define PCISIM_BUS_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/decode.h"
#include "sim/error.h"
#include "sim/kernel.h"
#include "sim/time.h"

/** enum bus_fault_kind - what a fault does to the accesses it covers. */
enum bus_fault_kind {
	BUS_FAULT_UNSUPPORTED_REQUEST = 0, /**< UR completion, all ones, writes dropped */
	BUS_FAULT_COMPLETER_ABORT = 1,     /**< CA completion, all ones, writes dropped */
	BUS_FAULT_POISONED = 2,            /**< data poisoned: reads all ones, writes delivered */
	BUS_FAULT_COMPLETION_TIMEOUT = 3,  /**< no completion: all ones after the timeout */
	BUS_FAULT_SURPRISE_REMOVAL = 4,    /**< nothing decodes: master abort */
};

/** Number of fault kinds. */
#define BUS_FAULT_KINDS 5

/** Default completion timeout of a decoder: 50 ms, in ps. */
#define BUS_FAULT_TIMEOUT_DEFAULT_PS SIM_MS(50)

/* One fault range of a decoder (private: for bus/ only). */
struct bus_fault {
	uint64_t base;
	uint64_t last;              /* inclusive */
	uint64_t hits;
	sim_time_t activated_ps;    /* SIM_TIME_MAX: added directly, not by a timer */
	enum bus_fault_kind kind;
	uint32_t id;
};

/**
 * struct bus_fault_info - what bus_fault_info() reports of one fault.
 * @base: first address covered.
 * @size: bytes covered.
 * @kind: what it does.
 * @hits: accesses it acted on.
 * @activated_ps: simulated time at which a timer added it; SIM_TIME_MAX
 *     when it was added by bus_fault_add() (the decoder keeps no time).
 */
struct bus_fault_info {
	uint64_t base;
	uint64_t size;
	enum bus_fault_kind kind;
	uint64_t hits;
	sim_time_t activated_ps;
};

/**
 * bus_fault_add() - make @base .. @base + @size - 1 of @d faulty, at once.
 * @d: the decoder.
 * @base: first bus address covered.
 * @size: bytes, > 0; @base + @size - 1 must not pass UINT64_MAX.
 * @kind: what the fault does.
 * @id_out: receives the fault's id (never 0; not reused within the life
 *     of @d); may be NULL.
 * Return: 0; SIM_ERR_INVALID for a NULL @d, an unknown @kind, an empty or
 * wrapping range; SIM_ERR_LIMIT when ids ran out; SIM_ERR_NOMEM. On error
 * nothing changes.
 */
int bus_fault_add(struct bus_decode *d, uint64_t base, uint64_t size, enum bus_fault_kind kind,
		  uint32_t *id_out);

/**
 * bus_fault_remove() - remove fault @id; accesses see what lies underneath
 * again once this returns.
 * Return: 0, or SIM_ERR_INVALID when @d has no fault of that id.
 */
int bus_fault_remove(struct bus_decode *d, uint32_t id);

/** bus_fault_remove_all() - remove every fault of @d (NULL: nothing). */
void bus_fault_remove_all(struct bus_decode *d);

/**
 * bus_fault_hits() - how many accesses fault @id acted on since it was
 * added.
 * Return: the count; 0 for an unknown id.
 */
uint64_t bus_fault_hits(const struct bus_decode *d, uint32_t id);

/**
 * bus_fault_info() - what fault @id is and did.
 * Return: 0, or SIM_ERR_INVALID for an unknown id or a NULL @out.
 */
int bus_fault_info(const struct bus_decode *d, uint32_t id, struct bus_fault_info *out);

/** bus_fault_count() - how many faults @d has (0 for NULL). */
static inline uint32_t bus_fault_count(const struct bus_decode *d)
{
	return d ? d->nfaults : 0;
}

/**
 * bus_fault_set_timeout() - the delay after which a read hit by a
 * completion timeout fault completes with all ones (the requester's
 * Completion Timeout, PCIe Base Specification 2.8); applies to accesses
 * from now on, for every completion timeout fault of @d.
 * @timeout_ps: > 0.
 * Return: 0, or SIM_ERR_INVALID for a NULL @d or a 0 timeout.
 */
int bus_fault_set_timeout(struct bus_decode *d, sim_time_t timeout_ps);

/** bus_fault_timeout() - the completion timeout of @d, in ps. */
static inline sim_time_t bus_fault_timeout(const struct bus_decode *d)
{
	return d->fault_timeout_ps;
}

/** bus_fault_kind_name() - "UR", "CA", "POISONED", "TIMEOUT", "REMOVAL"; "UNKNOWN" otherwise. */
const char *bus_fault_kind_name(enum bus_fault_kind kind);

/**
 * struct bus_fault_timer - a fault to add at a chosen simulated time.
 * Storage owned by the caller; set up by bus_fault_schedule().
 *
 * @fired: the timer fired and tried to add the fault.
 * @err: what bus_fault_add() returned when it fired (0 on success).
 * @id: the id of the fault added (0 until then, or on failure).
 * @fired_ps: the simulated time at which it fired.
 */
struct bus_fault_timer {
	/* read-only */
	bool fired;
	int err;
	uint32_t id;
	sim_time_t fired_ps;
	/* private */
	struct sim_event ev;
	struct bus_decode *d;
	uint64_t base;
	uint64_t size;
	enum bus_fault_kind kind;
};

/**
 * bus_fault_schedule() - add a fault to @d when @k reaches @at_ps, from
 * the event callback of a timed notification (so before the processes
 * triggered at that time run, if they were triggered after the call; in
 * any case in the evaluate phase of the first delta cycle at @at_ps, in
 * the order of scheduling among notifications due then).
 * @d: the decoder; must outlive the timer's pending notification.
 * @k: the kernel whose time counts.
 * @at_ps: the time, >= now (now: the next delta cycle).
 * @base, @size, @kind: as bus_fault_add(); checked now.
 * @t: the timer, initialised here; must not be pending, and one used
 *     before must have been released with bus_fault_timer_destroy().
 *
 * When it fires, the timer's @fired, @err, @id and @fired_ps record the
 * activation, and the fault's activated_ps (bus_fault_info()) is the time.
 * Release the timer with bus_fault_timer_destroy() before its memory goes
 * away, unless @k is destroyed first.
 * Return: 0; SIM_ERR_INVALID for a NULL argument, a bad range or kind, or
 * an @at_ps in the past; SIM_ERR_OVERFLOW for SIM_TIME_MAX. On error the
 * timer is left initialised and not pending.
 */
int bus_fault_schedule(struct bus_decode *d, struct sim_kernel *k, sim_time_t at_ps,
		       uint64_t base, uint64_t size, enum bus_fault_kind kind,
		       struct bus_fault_timer *t);

/**
 * bus_fault_timer_cancel() - withdraw a scheduled fault that has not been
 * added yet. A fault the timer already added stays (bus_fault_remove()).
 * Return: true if the timer was pending.
 */
bool bus_fault_timer_cancel(struct bus_fault_timer *t);

/** bus_fault_timer_pending() - true while the timer has yet to fire. */
static inline bool bus_fault_timer_pending(const struct bus_fault_timer *t)
{
	return sim_event_pending(&t->ev);
}

/**
 * bus_fault_timer_destroy() - cancel @t and release its event; the timer
 * may then be scheduled again or its memory freed.
 */
void bus_fault_timer_destroy(struct bus_fault_timer *t);

#endif /* PCISIM_BUS_FAULT_H */
