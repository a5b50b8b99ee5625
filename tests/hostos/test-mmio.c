/*
 * tests/hostos/test-mmio.c - cmocka tests of device mappings and register
 * access (hostos/mmio.h, MmMapIoSpace, READ/WRITE_REGISTER_*, _PORT_*)
 * against hostos-semantics.md §6.2: every access goes through the bus ops
 * (never into a model), a read costs its round trip on the CPU, a write is
 * posted, ports are non-posted both ways; an access outside every live
 * mapping is PAGE_FAULT_IN_NONPAGED_AREA (0x50, P2 0 read or 2 write);
 * mapping above DISPATCH_LEVEL is 0xC4/0x73, unmapping above APC_LEVEL
 * 0xC4/0x7B with the verifier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/mmio-driver.h"
#include "hostos/mmio.h"
#include "hostos/os.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"

#define READ_PS SIM_NS(200)
#define WRITE_PS SIM_NS(50)
#define PORT_PS SIM_NS(300)

/* A tiny device behind the fake bus. */
struct fake {
	uint8_t regs[64];
	uint32_t fifo;
	uint8_t ports[8];
	unsigned reads, writes, io;
};

static int fake_mem_read(void *opaque, uint64_t pa, unsigned size, sim_time_t now_ps,
			 uint64_t *val, sim_time_t *done_ps)
{
	struct fake *f = opaque;
	uint64_t v = 0;

	f->reads++;
	*done_ps = now_ps + READ_PS;
	if (pa < MMIO_DEV_PA || pa + size > MMIO_DEV_PA + 64) {
		*val = UINT64_MAX; /* nobody there: a master abort */
		return SIM_OK;
	}
	if (pa == MMIO_DEV_PA + 0x3c) {
		*val = f->fifo++;
		return SIM_OK;
	}
	memcpy(&v, f->regs + (pa - MMIO_DEV_PA), size);
	*val = v;
	return SIM_OK;
}

static int fake_mem_write(void *opaque, uint64_t pa, unsigned size, uint64_t val,
			  sim_time_t now_ps, sim_time_t *arrive_ps)
{
	struct fake *f = opaque;

	f->writes++;
	*arrive_ps = now_ps + WRITE_PS;
	if (pa >= MMIO_DEV_PA && pa + size <= MMIO_DEV_PA + 64)
		memcpy(f->regs + (pa - MMIO_DEV_PA), &val, size);
	return SIM_OK;
}

static int fake_io_read(void *opaque, uint32_t port, unsigned size, sim_time_t now_ps,
			uint32_t *val, sim_time_t *done_ps)
{
	struct fake *f = opaque;
	uint32_t v = 0;

	f->io++;
	*done_ps = now_ps + PORT_PS;
	if (port < MMIO_DEV_PORT || port + size > MMIO_DEV_PORT + 8) {
		*val = UINT32_MAX;
		return SIM_OK;
	}
	memcpy(&v, f->ports + (port - MMIO_DEV_PORT), size);
	*val = v;
	return SIM_OK;
}

static int fake_io_write(void *opaque, uint32_t port, unsigned size, uint32_t val,
			 sim_time_t now_ps, sim_time_t *done_ps)
{
	struct fake *f = opaque;

	f->io++;
	*done_ps = now_ps + PORT_PS;
	if (port >= MMIO_DEV_PORT && port + size <= MMIO_DEV_PORT + 8)
		memcpy(f->ports + (port - MMIO_DEV_PORT), &val, size);
	return SIM_OK;
}

static const struct hostos_bus_ops fake_ops = {
	.mem_read = fake_mem_read,
	.mem_write = fake_mem_write,
	.io_read = fake_io_read,
	.io_write = fake_io_write,
};

static struct sim_kernel kern;
static struct hostos *os;
static struct fake dev;

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void run(void (*fn)(void *))
{
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	memset(&dev, 0, sizeof(dev));
	dev.ports[4] = 0x11;
	dev.ports[5] = 0x22;
	dev.ports[6] = 0x33;
	dev.ports[7] = 0x44;
	assert_int_equal(hostos_attach_bus(os, &fake_ops, &dev), SIM_OK);
	memset(&mmio_obs, 0, sizeof(mmio_obs));
	assert_int_equal(hostos_thread_start(os, "mmio", fn, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void shutdown(void)
{
	hostos_destroy(os);
	sim_kernel_destroy(&kern);
}

static void test_registers_and_ports(void **state)
{
	(void)state;
	run(mmio_basic);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(mmio_obs.val[0], 0x12345678);
	assert_int_equal(mmio_obs.val[1], 0xAB);
	assert_int_equal(mmio_obs.val[2], 0xBEEF);
	assert_int_equal(mmio_obs.val64, 0x1122334455667788ULL);
	/* A _BUFFER_ read is Count reads of the one register. */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(mmio_obs.fifo[i], i);
	assert_int_equal(mmio_obs.port8, 0x5A);
	assert_int_equal(mmio_obs.port32, 0x44332211);
	assert_int_equal(dev.reads, 8);
	assert_int_equal(dev.writes, 4);
	assert_int_equal(dev.io, 3);
	/* Reads and port accesses cost the CPU their round trip; posted
	 * writes cost it nothing. */
	assert_int_equal(sim_now(&kern), 8 * READ_PS + 3 * PORT_PS);
	shutdown();
}

static void test_outside_a_mapping(void **state)
{
	(void)state;
	run(mmio_read_outside);
	hostos_assert_bugcheck(os, 0x50, mmio_obs.va, 0, HOSTOS_ANY, 0);
	assert_int_equal(dev.reads, 0); /* never reached the bus */
	shutdown();
	run(mmio_write_outside);
	hostos_assert_bugcheck(os, 0x50, mmio_obs.va, 2, HOSTOS_ANY, 0);
	assert_int_equal(dev.writes, 0);
	shutdown();
	run(mmio_after_unmap);
	hostos_assert_bugcheck(os, 0x50, mmio_obs.va, 0, HOSTOS_ANY, 0);
	shutdown();
	run(mmio_unmap_unknown);
	hostos_assert_bugcheck(os, 0x50, mmio_obs.va, 0, HOSTOS_ANY, 0);
	shutdown();
}

static void test_irql_rules(void **state)
{
	(void)state;
	run(mmio_map_above_dispatch);
	hostos_assert_bugcheck(os, 0xC4, 0x73, 12, MMIO_DEV_PA, 64);
	shutdown();
	run(mmio_unmap_at_dispatch);
	hostos_assert_bugcheck(os, 0xC4, 0x7B, 2, mmio_obs.va, 64);
	shutdown();
}

static void test_attach_arguments(void **state)
{
	struct hostos_bus_ops none = { 0 };
	struct sim_kernel_config kc;

	(void)state;
	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	assert_int_equal(hostos_attach_bus(NULL, &fake_ops, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_attach_bus(os, NULL, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_attach_bus(os, &none, NULL), SIM_ERR_INVALID);
	assert_int_equal(hostos_attach_bus(os, &fake_ops, &dev), SIM_OK);
	assert_int_equal(hostos_attach_bus(os, &fake_ops, &dev), SIM_ERR_STATE);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers_and_ports),
		cmocka_unit_test(test_outside_a_mapping),
		cmocka_unit_test(test_irql_rules),
		cmocka_unit_test(test_attach_arguments),
	};

	return cmocka_run_group_tests_name("hostos:mmio", tests, NULL, NULL);
}
