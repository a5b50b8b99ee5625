/*
 * tests/hostos/verifier/harness.h - the machine the verifier tests run a
 * scenario on: a kernel, 64 MiB of simulated memory (pool, scattered
 * frames), a host OS with the given configuration and a bus that answers
 * nothing (for MmMapIoSpace). Static functions for the test files of this
 * folder.
 */
#ifndef PCISIM_TESTS_HOSTOS_VERIFIER_HARNESS_H
#define PCISIM_TESTS_HOSTOS_VERIFIER_HARNESS_H

#include <stdbool.h>
#include <string.h>

#include "bus/hostmem.h"
#include "hostos/mmio.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "sim/kernel.h"
#include "verifier-driver.h"

#define MIB (UINT64_C(1) << 20)

struct vm {
	struct sim_kernel kern;
	struct bus_mem mem;
	struct hostos *os;
};

static inline void vm_quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static inline int vm_bus_read(void *opaque, uint64_t pa, unsigned size, sim_time_t now_ps, uint64_t *val,
		       sim_time_t *done_ps)
{
	(void)opaque;
	(void)pa;
	(void)size;
	*val = ~UINT64_C(0);
	*done_ps = now_ps;
	return 0;
}

static inline int vm_bus_write(void *opaque, uint64_t pa, unsigned size, uint64_t val, sim_time_t now_ps,
			sim_time_t *arrive_ps)
{
	(void)opaque;
	(void)pa;
	(void)size;
	(void)val;
	*arrive_ps = now_ps;
	return 0;
}

static const struct hostos_bus_ops vm_bus = {
	.mem_read = vm_bus_read,
	.mem_write = vm_bus_write,
};

/* Build the machine; @cfg NULL: the defaults. 0 on success. */
static inline int vm_init(struct vm *vm, const struct hostos_config *cfg)
{
	static const struct bus_mem_range ram[] = { { 0, 64 * MIB } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct sim_kernel_config kc;

	memset(vm, 0, sizeof(*vm));
	sim_kernel_config_default(&kc);
	kc.report = vm_quiet;
	if (sim_kernel_init(&vm->kern, &kc) != SIM_OK || bus_mem_init(&vm->mem, &mc) != SIM_OK ||
	    hostos_create(&vm->os, &vm->kern, cfg) != SIM_OK ||
	    hostos_attach_memory(vm->os, &vm->mem, BUS_MEM_ALLOC_SCATTERED) != SIM_OK ||
	    hostos_attach_bus(vm->os, &vm_bus, NULL) != SIM_OK)
		return -1;
	memset(&ver_obs, 0, sizeof(ver_obs));
	return 0;
}

static inline void vm_destroy(struct vm *vm)
{
	hostos_destroy(vm->os);
	bus_mem_destroy(&vm->mem);
	sim_kernel_destroy(&vm->kern);
}

/* Run @fn(@arg) as a thread on CPU 0 until nothing is left, or until
 * @until_ps of simulated time when non-zero. */
static inline void vm_run(struct vm *vm, void (*fn)(void *), void *arg, sim_time_t until_ps)
{
	hostos_thread_start(vm->os, "scenario", fn, arg, 0, NULL);
	if (until_ps)
		sim_run_until(&vm->kern, until_ps);
	else
		hostos_run(vm->os);
}

#endif /* PCISIM_TESTS_HOSTOS_VERIFIER_HARNESS_H */
