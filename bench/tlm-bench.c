/*
 * bench/tlm-bench.c - the transport workload of pcisim-bench, the C
 * counterpart of bench/systemc/tlm.cpp: an initiator thread with a quantum
 * keeper (1 us) does alternating 4-byte write / read-back pairs at random
 * aligned addresses through a router to four 64 KiB memories (10 ns +
 * 125 ps per byte), either every access by b_transport, or, in DMI mode,
 * through the DMI pointer each memory grants after its first b_transport.
 * Only the run is timed; the read-back values, the transaction count and
 * the final simulated time (every access costs 10.5 ns) are checked.
 */
#include "bench/bench.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel.h"
#include "sim/quantum.h"
#include "sim/tlm-memory.h"
#include "sim/tlm-router.h"
#include "sim/tlm.h"

#define TLM_BENCH_TARGETS 4u
#define TLM_BENCH_SHIFT 16u /* 64 KiB per memory */
#define TLM_BENCH_LATENCY_PS 10000u
#define TLM_BENCH_PER_BYTE_PS 125u
#define TLM_BENCH_QUANTUM_PS SIM_US(1)

struct tlm_bench {
	struct sim_kernel *k;
	struct sim_proc cpu;
	struct tlm_router bus;
	struct tlm_memory mem[TLM_BENCH_TARGETS];
	struct tlm_target *port; /* what the initiator is bound to: the router */
	struct tlm_dmi dmi[TLM_BENCH_TARGETS];
	bool dmi_ok[TLM_BENCH_TARGETS];
	bool use_dmi;
	uint64_t n;
	uint64_t done, errors, dmi_hits;
	int err;
};

/* One 4-byte access; returns the value read (reads) or 0 (writes). */
static inline uint32_t tb_access(struct tlm_bench *b, struct tlm_qk *qk, struct tlm_payload *t, bool write,
				 uint64_t addr, uint32_t val)
{
	unsigned idx = (unsigned)(addr >> TLM_BENCH_SHIFT);

	if (b->use_dmi && b->dmi_ok[idx]) {
		uint8_t *p = tlm_dmi_ptr(&b->dmi[idx], addr);

		if (write) {
			memcpy(p, &val, sizeof(val));
			tlm_qk_inc(qk, b->dmi[idx].write_latency_ps);
		} else {
			memcpy(&val, p, sizeof(val));
			tlm_qk_inc(qk, b->dmi[idx].read_latency_ps);
		}
		b->dmi_hits++;
	} else {
		sim_time_t d = tlm_qk_local_time(qk);

		tlm_payload_setup(t, write ? TLM_CMD_WRITE : TLM_CMD_READ, addr, (uint8_t *)&val, sizeof(val));
		tlm_b_transport(b->port, t, &d);
		tlm_qk_set(qk, d);
		if (!tlm_payload_ok(t))
			b->errors++;
		if (b->use_dmi && t->dmi_allowed) {
			struct tlm_dmi *dmi = &b->dmi[idx];

			b->dmi_ok[idx] = tlm_get_dmi(b->port, t, dmi) && tlm_dmi_read_allowed(dmi) &&
					 tlm_dmi_write_allowed(dmi);
		}
	}
	if (tlm_qk_need_sync(qk))
		b->err |= tlm_qk_sync(qk);
	return write ? 0 : val;
}

static void tb_cpu(void *opaque)
{
	struct tlm_bench *b = opaque;
	struct tlm_qk qk;
	struct tlm_payload t;
	struct bench_lcg rng = { 42 };
	const uint32_t offset_mask = (UINT32_C(1) << TLM_BENCH_SHIFT) - 4u;

	tlm_qk_init(&qk, b->k, TLM_BENCH_QUANTUM_PS);
	tlm_payload_init(&t);
	for (uint64_t i = 0; i + 1 < b->n; i += 2) {
		uint32_t r = bench_lcg_next(&rng);
		uint64_t addr = ((uint64_t)(r % TLM_BENCH_TARGETS) << TLM_BENCH_SHIFT) | ((r >> 8) & offset_mask);
		uint32_t v = (uint32_t)i ^ UINT32_C(0x5a5a5a5a);

		tb_access(b, &qk, &t, true, addr, v);
		if (tb_access(b, &qk, &t, false, addr, 0) != v)
			b->errors++;
		b->done += 2;
	}
	b->err |= tlm_qk_sync(&qk);
}

int bench_tlm(int use_dmi, uint64_t n, double *rate)
{
	const char *name = use_dmi ? "tlm_dmi" : "tlm_b_transport";
	struct sim_kernel k;
	struct tlm_bench b;
	unsigned mapped = 0;
	enum sim_stop_reason why;
	double t0, dt = 0;
	int ok = 1;

	memset(&b, 0, sizeof(b));
	b.k = &k;
	b.use_dmi = use_dmi != 0;
	b.n = n;
	if (sim_kernel_init(&k, NULL) != SIM_OK)
		return -1;
	ok = tlm_router_init(&b.bus) == SIM_OK;
	for (; ok && mapped < TLM_BENCH_TARGETS; mapped++) {
		struct tlm_memory *m = &b.mem[mapped];

		ok = tlm_memory_init(m, UINT64_C(1) << TLM_BENCH_SHIFT, TLM_BENCH_LATENCY_PS, TLM_BENCH_PER_BYTE_PS) ==
			     SIM_OK &&
		     tlm_router_map(&b.bus, (uint64_t)mapped << TLM_BENCH_SHIFT, UINT64_C(1) << TLM_BENCH_SHIFT,
				    tlm_memory_target(m)) == SIM_OK;
	}
	b.port = tlm_router_target(&b.bus);
	ok = ok && sim_thread_init(&k, &b.cpu, "cpu", tb_cpu, &b, 0, 0) == SIM_OK;
	if (ok) {
		t0 = bench_now();
		why = sim_run(&k);
		dt = bench_now() - t0;
		/* Every access, bus or DMI, costs 10 ns + 4 * 125 ps. */
		ok = why == SIM_STOP_FINISHED && b.err == 0 && b.errors == 0 && b.done == (n & ~UINT64_C(1)) &&
		     sim_now(&k) == b.done * (TLM_BENCH_LATENCY_PS + 4 * TLM_BENCH_PER_BYTE_PS) &&
		     (!use_dmi || b.dmi_hits + TLM_BENCH_TARGETS >= b.done);
		if (!ok)
			fprintf(stderr, "%s: FAIL: stop=%s errors=%llu done=%llu of %llu dmi_hits=%llu now=%llu ps\n", name,
				sim_stop_reason_name(why), (unsigned long long)b.errors, (unsigned long long)b.done,
				(unsigned long long)n, (unsigned long long)b.dmi_hits, (unsigned long long)sim_now(&k));
	} else {
		fprintf(stderr, "%s: FAIL: setup: %s\n", name, sim_kernel_last_error(&k));
	}
	sim_kernel_destroy(&k);
	tlm_router_destroy(&b.bus);
	for (unsigned i = 0; i < mapped; i++)
		tlm_memory_destroy(&b.mem[i]);
	if (!ok)
		return -1;
	*rate = (double)b.done / dt;
	return 0;
}
