/*
 * sim/tlm-memory.c - the memory target of sim/tlm-memory.h.
 */
#include "sim/tlm-memory.h"

#include <stdlib.h>

static void memory_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct tlm_memory *m = opaque;

	if (tlm_buffer_transport(p, m->data, m->size_bytes) == TLM_OK) {
		p->dmi_allowed = m->dmi_enabled;
		if (p->command != TLM_CMD_IGNORE)
			tlm_delay_add(delay_ps, tlm_memory_latency(m, p->length));
	}
}

static uint32_t memory_transport_dbg(void *opaque, struct tlm_payload *p)
{
	struct tlm_memory *m = opaque;

	return tlm_buffer_transport_dbg(p, m->data, m->size_bytes);
}

static bool memory_get_dmi(void *opaque, struct tlm_payload *p, struct tlm_dmi *dmi)
{
	struct tlm_memory *m = opaque;

	if (p->address >= m->size_bytes) {
		/* Nothing of ours there: refuse only the addresses beyond us. */
		dmi->start = m->size_bytes;
		dmi->end = UINT64_MAX;
		return false;
	}
	dmi->start = 0;
	dmi->end = m->size_bytes - 1;
	if (!m->dmi_enabled)
		return false;
	dmi->ptr = m->data;
	dmi->access = TLM_DMI_READ_WRITE;
	dmi->read_latency_ps = m->dmi_latency_ps;
	dmi->write_latency_ps = m->dmi_latency_ps;
	return true;
}

static const struct tlm_target_ops memory_ops = {
	.b_transport = memory_b_transport,
	.transport_dbg = memory_transport_dbg,
	.get_dmi = memory_get_dmi,
};

int tlm_memory_init(struct tlm_memory *m, uint64_t size_bytes, sim_time_t latency_ps,
		    sim_time_t per_byte_ps)
{
	if (m == NULL)
		return SIM_ERR_INVALID;
	/* A failed init leaves something tlm_memory_destroy() accepts. */
	m->data = NULL;
	m->size_bytes = 0;
	if (size_bytes == 0 || size_bytes > SIZE_MAX)
		return SIM_ERR_INVALID;
	/* Bounding the largest possible sum here keeps the per-transaction
	 * latency arithmetic free of overflow checks. */
	if (per_byte_ps > (SIM_TIME_MAX - latency_ps) / UINT32_MAX)
		return SIM_ERR_INVALID;
	m->data = calloc(1, (size_t)size_bytes);
	if (m->data == NULL)
		return SIM_ERR_NOMEM;
	m->size_bytes = size_bytes;
	m->latency_ps = latency_ps;
	m->per_byte_ps = per_byte_ps;
	m->dmi_access_bytes = TLM_MEMORY_DMI_ACCESS_BYTES;
	m->dmi_latency_ps = tlm_memory_latency(m, m->dmi_access_bytes);
	m->dmi_enabled = true;
	tlm_target_init(&m->target, &memory_ops, m);
	return SIM_OK;
}

void tlm_memory_destroy(struct tlm_memory *m)
{
	if (m == NULL || m->data == NULL)
		return;
	tlm_target_invalidate_dmi(&m->target, 0, m->size_bytes - 1);
	tlm_target_destroy(&m->target);
	free(m->data);
	m->data = NULL;
	m->size_bytes = 0;
}

int tlm_memory_set_dmi_access_bytes(struct tlm_memory *m, uint32_t bytes)
{
	if (m == NULL || bytes == 0)
		return SIM_ERR_INVALID;
	m->dmi_access_bytes = bytes;
	m->dmi_latency_ps = tlm_memory_latency(m, bytes);
	return SIM_OK;
}

void tlm_memory_set_dmi_enabled(struct tlm_memory *m, bool enabled)
{
	bool was = m->dmi_enabled;

	m->dmi_enabled = enabled;
	if (was && !enabled)
		tlm_target_invalidate_dmi(&m->target, 0, m->size_bytes - 1);
}

void tlm_memory_invalidate_dmi(struct tlm_memory *m, uint64_t start, uint64_t end)
{
	tlm_target_invalidate_dmi(&m->target, start, end);
}
