/*
 * sim/tlm.h - transaction-level transport in the manner of IEEE 1666-2011
 * (TLM-2.0): the generic payload, the target interface (blocking transport
 * with an annotated delay, debug transport, direct memory interface) and DMI
 * invalidation.
 *
 * A target is a const ops table plus an opaque pointer, embedded in the
 * model that implements it (struct tlm_target). Initiators hold a pointer to
 * the target they are bound to and call it through the static inline helpers
 * below, so one transaction costs one indirect call per component on its
 * path. Nothing here allocates per transaction; the payload, the DMI
 * descriptor and the invalidation listeners are all owned by the caller.
 *
 * The transport is loosely timed: b_transport never waits, it adds the
 * target's latency to the caller's local time offset (*delay_ps), which a
 * quantum keeper (sim/quantum.h) turns into simulated time. Include from any
 * layer; depends on sim/time.h, sim/error.h and libc only.
 */
#ifndef PCISIM_SIM_TLM_H
#define PCISIM_SIM_TLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim/error.h"
#include "sim/time.h"

/* ------------------------------------------------------------------------
 * The generic payload (IEEE 1666-2011 chapter 14)
 * ------------------------------------------------------------------------ */

/** enum tlm_command - what a transaction asks for; values as IEEE 1666. */
enum tlm_command {
	TLM_CMD_READ = 0,   /**< copy target bytes into the data array */
	TLM_CMD_WRITE = 1,  /**< copy the data array into the target */
	TLM_CMD_IGNORE = 2, /**< move no data; a probe of routing and address */
};

/**
 * enum tlm_response - response status; values as IEEE 1666. Positive is
 * success, zero is "not executed", negative is an error.
 */
enum tlm_response {
	TLM_OK = 1,
	TLM_INCOMPLETE = 0,         /**< set by the initiator; no target saw it */
	TLM_GENERIC_ERROR = -1,     /**< failed for a reason no other code names */
	TLM_ADDRESS_ERROR = -2,     /**< no target, or outside the target's range */
	TLM_COMMAND_ERROR = -3,     /**< the target does not do this command */
	TLM_BURST_ERROR = -4,       /**< this data length or streaming width is refused */
	TLM_BYTE_ENABLE_ERROR = -5, /**< the byte enables are refused */
};

/* Byte enable values (IEEE 1666-2011 14.14). The standard defines only these
 * two; this library treats any non-zero byte as enabled. */
#define TLM_BYTE_DISABLED 0x00u
#define TLM_BYTE_ENABLED 0xffu

/**
 * struct tlm_payload - one memory-mapped transaction, owned by the initiator
 * and reusable from one transaction to the next.
 *
 * Data array index i refers to target address @address + i, or, when
 * streaming (0 < @streaming_width < @length), to @address + i % width: the
 * address wraps back every @streaming_width bytes (a FIFO register). When
 * @byte_enable is not NULL, data byte i is transferred only if
 * byte_enable[i % byte_enable_length] is non-zero; a disabled byte is neither
 * written to the target nor, on a read, stored into the data array.
 *
 * Targets and interconnect may modify @address while they hold the payload
 * (a router strips the window base) but restore it before returning; they
 * set @response and may set @dmi_allowed. Everything else belongs to the
 * initiator.
 */
struct tlm_payload {
	uint64_t address;               /**< target address of data byte 0 */
	uint8_t *data;                  /**< @length bytes, owned by the initiator */
	const uint8_t *byte_enable;     /**< NULL: every byte enabled */
	uint32_t length;                /**< bytes in @data, > 0 for read and write */
	uint32_t byte_enable_length;    /**< bytes in @byte_enable, > 0 when it is set */
	uint32_t streaming_width;       /**< 0 or >= @length: no streaming */
	uint32_t requester_id;          /**< who asks (a PCI requester id upstream) */
	enum tlm_command command;
	enum tlm_response response;
	bool dmi_allowed;               /**< hint set by the target: ask for DMI */
};

/**
 * tlm_payload_init() - reset every attribute to the standard's defaults:
 * ignore command, address 0, no data, no byte enables, no streaming,
 * requester 0, TLM_INCOMPLETE, no DMI hint.
 * @p: the payload.
 */
static inline void tlm_payload_init(struct tlm_payload *p)
{
	memset(p, 0, sizeof(*p));
	p->command = TLM_CMD_IGNORE;
	p->response = TLM_INCOMPLETE;
}

/**
 * tlm_payload_setup() - prepare @p for a plain transaction, the attributes
 * an initiator must set before each b_transport: command, address, data,
 * length, no byte enables, no streaming (width = @length), no DMI hint,
 * TLM_INCOMPLETE. @p->requester_id is left as it is.
 * @p: the payload.
 * @cmd: command.
 * @address: target address of @data[0].
 * @data: the data array, @length bytes; owned by the caller.
 * @length: bytes.
 */
static inline void tlm_payload_setup(struct tlm_payload *p, enum tlm_command cmd, uint64_t address,
				     uint8_t *data, uint32_t length)
{
	p->command = cmd;
	p->address = address;
	p->data = data;
	p->length = length;
	p->byte_enable = NULL;
	p->byte_enable_length = 0;
	p->streaming_width = length;
	p->dmi_allowed = false;
	p->response = TLM_INCOMPLETE;
}

/**
 * tlm_payload_set_byte_enable() - attach a byte enable pattern.
 * @p: the payload.
 * @be: @len enable bytes (0x00 disabled, 0xff enabled), repeated over the
 *      data when shorter than it; NULL to enable every byte. Owned by the
 *      caller, must stay valid during the transaction.
 * @len: bytes in @be; must be > 0 when @be is not NULL.
 */
static inline void tlm_payload_set_byte_enable(struct tlm_payload *p, const uint8_t *be,
					       uint32_t len)
{
	p->byte_enable = be;
	p->byte_enable_length = be ? len : 0;
}

/**
 * tlm_payload_set_streaming_width() - make a streaming transaction.
 * @p: the payload.
 * @width: bytes after which the address wraps back to @p->address; 0 or a
 *         value >= @p->length means no streaming.
 */
static inline void tlm_payload_set_streaming_width(struct tlm_payload *p, uint32_t width)
{
	p->streaming_width = width;
}

/**
 * tlm_payload_span() - bytes of target address space the transaction
 * touches: the streaming width when streaming, else the data length.
 * @p: the payload.
 */
static inline uint32_t tlm_payload_span(const struct tlm_payload *p)
{
	uint32_t w = p->streaming_width;

	return (w != 0 && w < p->length) ? w : p->length;
}

/** tlm_response_ok() - true for TLM_OK (IEEE 1666 is_response_ok()). */
static inline bool tlm_response_ok(enum tlm_response r)
{
	return (int)r > 0;
}

/** tlm_response_is_error() - true for the negative (error) statuses. */
static inline bool tlm_response_is_error(enum tlm_response r)
{
	return (int)r < 0;
}

/** tlm_payload_ok() - true when @p completed with TLM_OK. */
static inline bool tlm_payload_ok(const struct tlm_payload *p)
{
	return tlm_response_ok(p->response);
}

/**
 * tlm_response_name() - the status as text for reports: "OK",
 * "INCOMPLETE", "GENERIC_ERROR", "ADDRESS_ERROR", "COMMAND_ERROR",
 * "BURST_ERROR", "BYTE_ENABLE_ERROR".
 * @r: the status; any value is accepted.
 * Return: a static string; "UNKNOWN" for values not listed.
 */
const char *tlm_response_name(enum tlm_response r);

/** tlm_command_name() - "READ", "WRITE", "IGNORE" or "UNKNOWN"; static string. */
const char *tlm_command_name(enum tlm_command c);

/**
 * tlm_delay_add() - add @latency_ps to the annotated delay *@delay_ps,
 * saturating at SIM_TIME_MAX instead of wrapping (a later wait on the
 * saturated value then reports SIM_ERR_OVERFLOW).
 */
static inline void tlm_delay_add(sim_time_t *delay_ps, sim_time_t latency_ps)
{
	sim_time_t d = *delay_ps;

	*delay_ps = latency_ps > SIM_TIME_MAX - d ? SIM_TIME_MAX : d + latency_ps;
}

/* ------------------------------------------------------------------------
 * Executing a payload against a flat byte array
 *
 * The part of a memory-like target that every such target repeats: checks,
 * byte enables, streaming, copy. A RAM, a register file or host memory only
 * add their latency and side effects around it.
 * ------------------------------------------------------------------------ */

/**
 * tlm_copy_bytes() - copy @len bytes from @src to @dst; they may overlap.
 *
 * Word-sized accesses dominate register and memory traffic; with a constant
 * size the compiler turns them into a load and a store instead of a libc
 * call, which is most of the cost of a 4-byte transaction.
 */
static inline void tlm_copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t len)
{
	switch (len) {
	case 4:
		memmove(dst, src, 4);
		break;
	case 8:
		memmove(dst, src, 8);
		break;
	default:
		memmove(dst, src, len);
		break;
	}
}

/**
 * tlm_buffer_transport_slow() - the general case of tlm_buffer_transport().
 * Same contract; call tlm_buffer_transport() instead.
 */
enum tlm_response tlm_buffer_transport_slow(struct tlm_payload *p, uint8_t *buf, uint64_t size);

/**
 * tlm_buffer_transport() - execute @p against @buf, a target whose local
 * addresses are 0 .. @size - 1, and set @p->response.
 * @p: the payload; @p->address is an offset into @buf.
 * @buf: the target's bytes.
 * @size: bytes in @buf.
 *
 * Honours byte enables (pattern repeated, disabled bytes untouched on both
 * sides) and streaming width. Checks, in this order:
 * - a command other than read, write, ignore: TLM_COMMAND_ERROR;
 * - any byte of the span (tlm_payload_span(), at least 1 byte) outside
 *   @buf: TLM_ADDRESS_ERROR, also for the ignore command;
 * - ignore: TLM_OK, nothing moved;
 * - a data length of 0: TLM_BURST_ERROR;
 * - byte enables with a byte_enable_length of 0: TLM_BYTE_ENABLE_ERROR;
 * - a NULL data array: TLM_GENERIC_ERROR.
 * On any error nothing is moved. Never touches time or @p->dmi_allowed.
 * Overlap of @p->data and @buf is allowed.
 *
 * The plain case (no byte enables, no streaming, in range) is inline: one
 * range check and a copy (a load and a store for 4 and 8 bytes).
 * Return: the status stored in @p->response.
 */
static inline enum tlm_response tlm_buffer_transport(struct tlm_payload *p, uint8_t *buf,
						     uint64_t size)
{
	uint64_t a = p->address;
	uint32_t len = p->length;

	if (p->byte_enable == NULL && (p->streaming_width == 0 || p->streaming_width >= len) &&
	    len != 0 && a < size && len <= size - a && p->data != NULL) {
		if (p->command == TLM_CMD_READ) {
			tlm_copy_bytes(p->data, buf + a, len);
			return p->response = TLM_OK;
		}
		if (p->command == TLM_CMD_WRITE) {
			tlm_copy_bytes(buf + a, p->data, len);
			return p->response = TLM_OK;
		}
	}
	return tlm_buffer_transport_slow(p, buf, size);
}

/**
 * tlm_buffer_transport_dbg() - debug transport against @buf (as
 * tlm_buffer_transport()). Copies @p->length contiguous bytes, clipped at
 * the end of @buf; byte enables, streaming width, the response status and
 * the DMI hint are ignored and left alone.
 * Return: bytes copied; 0 for the ignore command, an unknown command, an
 * address outside @buf or a NULL data array.
 */
uint32_t tlm_buffer_transport_dbg(struct tlm_payload *p, uint8_t *buf, uint64_t size);

/* ------------------------------------------------------------------------
 * Direct memory interface
 * ------------------------------------------------------------------------ */

/** Access granted by a DMI descriptor (bit mask). */
enum tlm_dmi_access {
	TLM_DMI_NONE = 0,
	TLM_DMI_READ = 1u << 0,
	TLM_DMI_WRITE = 1u << 1,
	TLM_DMI_READ_WRITE = TLM_DMI_READ | TLM_DMI_WRITE,
};

/**
 * struct tlm_dmi - a direct memory region, as a target grants it.
 *
 * Address @start of the target's address space (as the initiator sees it:
 * translated by every router on the way back) is host byte @ptr[0]; @end is
 * inclusive. Latencies are per access of the granularity the granting
 * target documents. When get_dmi returns false, @start..@end is the range in
 * which DMI is refused (and @ptr is NULL): no point asking there again.
 */
struct tlm_dmi {
	uint8_t *ptr;                 /**< host address of @start; owned by the target */
	uint64_t start;               /**< first address, inclusive */
	uint64_t end;                 /**< last address, inclusive */
	sim_time_t read_latency_ps;   /**< per read access, ps */
	sim_time_t write_latency_ps;  /**< per write access, ps */
	unsigned access;              /**< enum tlm_dmi_access bits */
};

/**
 * tlm_dmi_init() - reset to "nothing granted" over the whole address space:
 * NULL pointer, 0 .. UINT64_MAX, no access, zero latencies.
 */
static inline void tlm_dmi_init(struct tlm_dmi *d)
{
	d->ptr = NULL;
	d->start = 0;
	d->end = UINT64_MAX;
	d->read_latency_ps = 0;
	d->write_latency_ps = 0;
	d->access = TLM_DMI_NONE;
}

/** tlm_dmi_read_allowed() - the region may be read through its pointer. */
static inline bool tlm_dmi_read_allowed(const struct tlm_dmi *d)
{
	return (d->access & TLM_DMI_READ) != 0 && d->ptr != NULL;
}

/** tlm_dmi_write_allowed() - the region may be written through its pointer. */
static inline bool tlm_dmi_write_allowed(const struct tlm_dmi *d)
{
	return (d->access & TLM_DMI_WRITE) != 0 && d->ptr != NULL;
}

/**
 * tlm_dmi_covers() - true when the @len bytes at @addr all lie in the
 * region (a @len of 0 counts as 1 byte).
 */
static inline bool tlm_dmi_covers(const struct tlm_dmi *d, uint64_t addr, uint32_t len)
{
	uint64_t n = len ? len : 1;

	return addr >= d->start && addr <= d->end && n - 1 <= d->end - addr;
}

/**
 * tlm_dmi_ptr() - the host address of @addr, which the caller has checked
 * with tlm_dmi_covers().
 */
static inline uint8_t *tlm_dmi_ptr(const struct tlm_dmi *d, uint64_t addr)
{
	return d->ptr + (addr - d->start);
}

/* ------------------------------------------------------------------------
 * The target interface
 * ------------------------------------------------------------------------ */

/**
 * struct tlm_target_ops - what a target implements; a static const table.
 * @b_transport: required. Execute @p, set @p->response, and add the
 *     target's latency to *@delay_ps (ps, relative to the initiator's local
 *     time). Must not wait, must not keep @p after returning. May set
 *     @p->dmi_allowed.
 * @transport_dbg: optional (NULL: nothing transferred). Execute @p with no
 *     effect on time and no side effect beyond the data; return the bytes
 *     transferred, which may be fewer than @p->length.
 * @get_dmi: optional (NULL: never granted). @dmi arrives reset by
 *     tlm_dmi_init(); @p->command and @p->address say what the initiator
 *     wants. Fill @dmi and return true to grant, or return false, setting
 *     @dmi's range to where DMI is refused if it knows better than "all".
 */
struct tlm_target_ops {
	void (*b_transport)(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps);
	uint32_t (*transport_dbg)(void *opaque, struct tlm_payload *p);
	bool (*get_dmi)(void *opaque, struct tlm_payload *p, struct tlm_dmi *dmi);
};

struct tlm_dmi_listener;
struct tlm_dmi_iter; /* private: a walk of the listener list in progress */

/**
 * struct tlm_target - a bindable target: ops, the implementation's opaque
 * pointer, and the initiators to tell when a DMI grant is withdrawn.
 * Embedded in the model; initialise with tlm_target_init().
 */
struct tlm_target {
	/* read-only after tlm_target_init() */
	const struct tlm_target_ops *ops;
	void *opaque;
	/* private */
	struct tlm_dmi_listener *lhead, *ltail; /* in order of registration */
	struct tlm_dmi_iter *iters;             /* invalidations in progress */
	uint64_t lgen;                          /* registrations so far */
};

/**
 * tlm_target_init() - make @t a target implemented by @ops on @opaque.
 * @t: storage owned by the model.
 * @ops: the ops table; @ops->b_transport must not be NULL. Must outlive @t.
 * @opaque: passed to every op.
 * A NULL @ops or b_transport is a simulator bug (assert).
 */
void tlm_target_init(struct tlm_target *t, const struct tlm_target_ops *ops, void *opaque);

/**
 * tlm_target_destroy() - detach every DMI listener still registered (they
 * become unregistered, as after tlm_target_remove_dmi_listener(); no
 * callback runs). Call before the target's memory goes away, and not from
 * inside one of @t's own invalidation callbacks.
 */
void tlm_target_destroy(struct tlm_target *t);

/**
 * tlm_b_transport() - blocking transport: execute @p at @t, adding the
 * latency to *@delay_ps. See struct tlm_target_ops.
 */
static inline void tlm_b_transport(struct tlm_target *t, struct tlm_payload *p,
				   sim_time_t *delay_ps)
{
	t->ops->b_transport(t->opaque, p, delay_ps);
}

/**
 * tlm_transport_dbg() - debug transport: no time, no side effects.
 * Return: bytes transferred; 0 when @t has no debug transport.
 */
static inline uint32_t tlm_transport_dbg(struct tlm_target *t, struct tlm_payload *p)
{
	return t->ops->transport_dbg ? t->ops->transport_dbg(t->opaque, p) : 0;
}

/**
 * tlm_get_dmi() - ask @t for a direct memory pointer around @p->address.
 * @t: the target.
 * @p: @p->address and @p->command (read or write) say what is wanted.
 * @dmi: reset here with tlm_dmi_init(), then filled by the target.
 *
 * To keep using the region, register a struct tlm_dmi_listener with @t
 * (the same target the request went to): the grant lasts until an
 * invalidation overlapping it arrives.
 * Return: true when granted (check the access bits for the kind).
 */
static inline bool tlm_get_dmi(struct tlm_target *t, struct tlm_payload *p, struct tlm_dmi *dmi)
{
	tlm_dmi_init(dmi);
	return t->ops->get_dmi ? t->ops->get_dmi(t->opaque, p, dmi) : false;
}

/* ------------------------------------------------------------------------
 * DMI invalidation
 * ------------------------------------------------------------------------ */

/**
 * typedef tlm_dmi_invalidate_fn - told that DMI grants overlapping
 * @start..@end (inclusive, in the addresses of the target the listener is
 * registered with) are withdrawn: stop using pointers into that range.
 * @opaque: the listener's opaque pointer.
 */
typedef void (*tlm_dmi_invalidate_fn)(void *opaque, uint64_t start, uint64_t end);

/**
 * struct tlm_dmi_listener - an initiator's registration for invalidations,
 * embedded in the initiator (intrusive: registering allocates nothing).
 * Only invalidations overlapping @start..@end reach it; the callback gets
 * the invalidated range as the target announced it, not clipped.
 */
struct tlm_dmi_listener {
	/* public: set by tlm_dmi_listener_init(), may be changed while unregistered */
	tlm_dmi_invalidate_fn invalidate;
	void *opaque;
	uint64_t start, end;      /**< range of interest, inclusive */
	/* private */
	struct tlm_target *target;
	struct tlm_dmi_listener *prev, *next;
	uint64_t gen;
};

/**
 * tlm_dmi_listener_init() - prepare a listener calling @fn(@opaque, ...)
 * for invalidations anywhere (range 0 .. UINT64_MAX).
 * @l: storage owned by the initiator.
 * @fn: the callback; not NULL.
 * @opaque: passed to @fn.
 */
void tlm_dmi_listener_init(struct tlm_dmi_listener *l, tlm_dmi_invalidate_fn fn, void *opaque);

/**
 * tlm_dmi_listener_set_range() - only hear invalidations overlapping
 * @start..@end (inclusive). Allowed at any time.
 */
static inline void tlm_dmi_listener_set_range(struct tlm_dmi_listener *l, uint64_t start,
					      uint64_t end)
{
	l->start = start;
	l->end = end;
}

/** tlm_dmi_listener_target() - the target @l is registered with, or NULL. */
static inline struct tlm_target *tlm_dmi_listener_target(const struct tlm_dmi_listener *l)
{
	return l->target;
}

/**
 * tlm_target_add_dmi_listener() - register @l with @t; listeners are called
 * in registration order. @l must stay valid until removed or until @t is
 * destroyed.
 * Return: 0; SIM_ERR_INVALID for a NULL argument or callback, or @start >
 * @end; SIM_ERR_BUSY if @l is already registered (with any target).
 */
int tlm_target_add_dmi_listener(struct tlm_target *t, struct tlm_dmi_listener *l);

/**
 * tlm_target_remove_dmi_listener() - unregister @l from @t. Allowed from
 * inside an invalidation callback, for any listener; a removed listener
 * that the walk has not reached yet is not called.
 * Return: 0, or SIM_ERR_INVALID if @l is not registered with @t.
 */
int tlm_target_remove_dmi_listener(struct tlm_target *t, struct tlm_dmi_listener *l);

/**
 * tlm_target_invalidate_dmi() - withdraw DMI grants of @t overlapping
 * @start..@end (inclusive, @t's addresses): call every registered listener
 * whose range overlaps, in registration order, with (@start, @end).
 *
 * Callbacks may remove listeners, register new ones (those are not called
 * by this invalidation) and start further invalidations. A target calls
 * this before the memory behind a grant changes meaning or goes away. A
 * @start > @end does nothing.
 */
void tlm_target_invalidate_dmi(struct tlm_target *t, uint64_t start, uint64_t end);

#endif /* PCISIM_SIM_TLM_H */
