/*
 * sim/tlm-memory.h - a memory target for the transport of sim/tlm.h: a
 * zero-filled byte array with a fixed latency plus a per-byte latency,
 * blocking and debug transport, and DMI over the whole array.
 *
 * Local addresses run from 0 to size - 1; map it behind a router
 * (sim/tlm-router.h) to place it elsewhere. This is the memory the
 * transport benchmarks use (10 ns + 125 ps/byte in the SystemC peer), and a
 * plain RAM for tests. Include from any layer; libc only.
 */
#ifndef PCISIM_SIM_TLM_MEMORY_H
#define PCISIM_SIM_TLM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/tlm.h"

/** Default DMI access granularity, bytes: a 32-bit word, as the peer model. */
#define TLM_MEMORY_DMI_ACCESS_BYTES 4u

/**
 * struct tlm_memory - the memory target. Initialise with tlm_memory_init().
 *
 * Timing: a read or write of n data bytes (the data length, whatever the
 * byte enables and streaming width) annotates latency_ps + per_byte_ps * n.
 * An ignore command and a refused transaction annotate nothing. DMI grants
 * carry the latency of one access of dmi_access_bytes bytes, the same for
 * read and write: an initiator using DMI adds that per access of that size.
 */
struct tlm_memory {
	struct tlm_target target;   /**< bind initiators or routers to this */
	/* read-only */
	uint8_t *data;              /**< backing store, size_bytes bytes, zeroed at init */
	uint64_t size_bytes;
	sim_time_t latency_ps;      /**< per access */
	sim_time_t per_byte_ps;     /**< per data byte */
	sim_time_t dmi_latency_ps;  /**< latency announced in DMI grants */
	uint32_t dmi_access_bytes;  /**< access size dmi_latency_ps is computed for */
	bool dmi_enabled;           /**< grants DMI and sets the DMI hint */
};

/**
 * tlm_memory_init() - allocate a zeroed memory of @size_bytes.
 * @m: storage owned by the caller.
 * @size_bytes: bytes, > 0 and addressable on the host.
 * @latency_ps: fixed latency of every read or write, ps.
 * @per_byte_ps: added per data byte, ps.
 *
 * DMI starts enabled with a granularity of TLM_MEMORY_DMI_ACCESS_BYTES.
 * Return: 0; SIM_ERR_INVALID for a NULL @m, a size of 0 or beyond the host's
 * address space, or latencies whose largest sum (4 GiB - 1 bytes) would pass
 * SIM_TIME_MAX; SIM_ERR_NOMEM. On error @m holds nothing, and
 * tlm_memory_destroy() on it does nothing.
 */
int tlm_memory_init(struct tlm_memory *m, uint64_t size_bytes, sim_time_t latency_ps,
		    sim_time_t per_byte_ps);

/**
 * tlm_memory_destroy() - withdraw every DMI grant (listeners are told
 * 0 .. size - 1), detach the listeners and free the backing store. @m may
 * be initialised again afterwards.
 */
void tlm_memory_destroy(struct tlm_memory *m);

/** tlm_memory_target() - the target to bind initiators and routers to. */
static inline struct tlm_target *tlm_memory_target(struct tlm_memory *m)
{
	return &m->target;
}

/**
 * tlm_memory_latency() - the latency annotated for a read or write of
 * @bytes data bytes, ps.
 */
static inline sim_time_t tlm_memory_latency(const struct tlm_memory *m, uint32_t bytes)
{
	return m->latency_ps + m->per_byte_ps * bytes;
}

/**
 * tlm_memory_set_dmi_access_bytes() - set the access size DMI latencies are
 * computed for. Grants already handed out keep their latency.
 * Return: 0, or SIM_ERR_INVALID for 0 bytes.
 */
int tlm_memory_set_dmi_access_bytes(struct tlm_memory *m, uint32_t bytes);

/**
 * tlm_memory_set_dmi_enabled() - grant DMI (and set the DMI hint) or not.
 * Disabling withdraws the grants already given (listeners are told
 * 0 .. size - 1); later requests are refused for the whole memory.
 */
void tlm_memory_set_dmi_enabled(struct tlm_memory *m, bool enabled);

/**
 * tlm_memory_invalidate_dmi() - withdraw the DMI grants overlapping
 * @start..@end (inclusive, local addresses), e.g. before a test changes what
 * those bytes mean. Initiators may ask again afterwards and will be granted
 * again if DMI is still enabled.
 */
void tlm_memory_invalidate_dmi(struct tlm_memory *m, uint64_t start, uint64_t end);

#endif /* PCISIM_SIM_TLM_MEMORY_H */
