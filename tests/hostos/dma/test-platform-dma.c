/*
 * tests/hostos/dma/test-platform-dma.c - the DMA of a device on a built
 * machine: the test driver's scatter/gather lists handed to the
 * function's real bus-master engine (dma/engine.h on platform/dma.h's
 * port: its link, Bus Master Enable, completer latency), which reads and
 * writes host memory in simulated time while the driver waits. A 32-bit
 * device with pool above 4 GiB goes through bounce buffers; with an IOMMU
 * the port translates through the same stage the OS maps, and an engine
 * request outside the live list faults there (DMA_ERR_IOMMU) and is
 * reported to the driver as 0xE6/0x26.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/config.h"
#include "dma-driver.h"
#include "dma/engine.h"
#include "dma/iommu.h"
#include "hostos/devices.h"
#include "hostos/dma.h"
#include "hostos/os.h"
#include "hostos/test-cmocka.h"
#include "platform/dma.h"
#include "platform/hostos.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define PAGE 4096u
#define DEV 3u

static struct pci_cfg cfg;
static struct platform_bar_ops bars;
static struct platform_device_desc devices[1];
static const struct bus_mem_range ram[] = { { 0, 1 * GIB }, { 4 * GIB, 1 * GIB } };

static enum bus_decode_status ep_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0;
	return BUS_DECODE_OK;
}

static enum bus_decode_status ep_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops ep_ops = {
	.read = ep_read, .write = ep_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

static struct sim_kernel kern;
static struct platform_machine *mach;
static struct platform_irq *pirq;
static struct hostos *os;
static struct platform_hostos *ph;
static struct dma_port port;
static struct dma_engine eng;
static struct dma_iommu iommu;
static bool with_iommu, fault_outside;
static struct dma_sg sgv[DMA_OBS_MAX + 1];
static uint8_t devbuf[128 * 1024];
static struct dma_result last;
static bool reading;             /* the transfer under way reads host memory */
static unsigned read_bad;        /* bytes the engine read that differ from the driver's */
static uint64_t read_bytes;      /* bytes the engine read */

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint8_t pattern2(uint32_t i)
{
	return (uint8_t)(0xC0 ^ i);
}

static void done_fn(void *opaque, struct dma_channel *ch, const struct dma_result *r)
{
	(void)opaque;
	(void)ch;
	last = *r;
	if (reading)
		read_bytes += r->bytes_done;
	if (reading)
		for (uint32_t i = 0; i < r->bytes_done && i < dma_in.length; i++)
			read_bad += devbuf[i] != pattern(i);
	dma_in.done = 1;
}

/* The driver's device stand-in: program the engine with the list. */
static void device_cb(void *opaque, const uint64_t *addr, const uint32_t *len, unsigned n,
		      int to_device)
{
	uint32_t total = 0;

	(void)opaque;
	for (unsigned i = 0; i < n; i++) {
		sgv[i] = (struct dma_sg){ addr[i], len[i] };
		total += len[i];
	}
	if (fault_outside)  /* a page the OS never mapped */
		sgv[n++] = (struct dma_sg){ (addr[0] & ~(uint64_t)(PAGE - 1)) + 512 * KIB, 4 };
	if (!to_device)
		for (uint32_t i = 0; i < total; i++)
			devbuf[i] = pattern2(i);
	dma_in.done = 0;
	reading = to_device;
	memset(devbuf, 0, to_device ? sizeof(devbuf) : 0);
	assert_int_equal(dma_channel_start(dma_engine_channel(&eng, 0),
					   to_device ? DMA_DIR_READ : DMA_DIR_WRITE, sgv, n, devbuf,
					   done_fn, NULL),
			 SIM_OK);
}

static void up(bool iommu_on)
{
	struct sim_kernel_config kc;
	struct platform_desc d = { 0 };
	struct platform_hostos_config pc = { .pool_flags = BUS_MEM_ALLOC_ABOVE_4G |
							   BUS_MEM_ALLOC_SCATTERED };
	struct hostos_device *dev;
	uint32_t cmd;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(pci_cfg_init_type0(&cfg, 0x1b36, 0x30, 0xff0000, 1, 0x1b36, 1, 1), SIM_OK);
	assert_int_equal(pci_cfg_add_bar(&cfg, 0, PCI_BAR_MEM32, 4 * KIB, false), SIM_OK);
	bars.ops[0] = &ep_ops;
	devices[0] = (struct platform_device_desc){ .name = "dmadev", .device = DEV, .cfg = &cfg,
						    .bars = &bars };
	d.ram = ram;
	d.n_ram = 2;
	d.max_backed_bytes = 64 * MIB;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), 512 * MIB };
	d.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = devices;
	d.n_devices = 1;
	assert_int_equal(platform_machine_build(&mach, &d), SIM_OK);
	assert_int_equal(platform_irq_attach(&pirq, mach, &kern, NULL), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	assert_int_equal(platform_hostos_attach(&ph, mach, pirq, os, &pc), SIM_OK);
	/* Bus Master Enable, as the driver's start would set it. */
	assert_int_equal(platform_cfg_read(mach, 0, DEV, 0, PCI_CFG_COMMAND, 2, &cmd), SIM_OK);
	assert_int_equal(platform_cfg_write(mach, 0, DEV, 0, PCI_CFG_COMMAND, 2,
					    cmd | PCI_CMD_MASTER | PCI_CMD_MEMORY),
			 SIM_OK);
	assert_int_equal(platform_dma_port(mach, 0, DEV, 0, &port), SIM_OK);
	dev = platform_hostos_device(ph, 0, DEV, 0);
	assert_non_null(dev);
	with_iommu = iommu_on;
	if (iommu_on) {
		assert_int_equal(dma_iommu_init(&iommu), SIM_OK);
		port.iommu = &iommu;
		assert_int_equal(hostos_device_set_iommu(dev, &iommu), SIM_OK);
	}
	port.addr_bits = 32; /* the device's address counter */
	assert_int_equal(dma_engine_init(&eng, &kern, &port, NULL), SIM_OK);
	memset(&dma_in, 0, sizeof(dma_in));
	memset(&dma_obs, 0, sizeof(dma_obs));
	memset(&last, 0, sizeof(last));
	read_bad = 0;
	read_bytes = 0;
	dma_in.pdo = hostos_device_pdo(dev);
	dma_in.device = device_cb;
	dma_in.version = 2;
	dma_in.sg = 1;
	dma_in.dma64 = 0;
	dma_in.max_length = 128 * 1024;
}

static void down(void)
{
	dma_engine_destroy(&eng);
	platform_hostos_detach(ph);
	hostos_destroy(os);
	if (with_iommu)
		dma_iommu_destroy(&iommu);
	platform_irq_detach(pirq);
	platform_machine_destroy(mach);
	sim_kernel_destroy(&kern);
	fault_outside = false;
}

static void run(void)
{
	assert_int_equal(hostos_thread_start(os, "drv", dma_roundtrip, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}

static void check_roundtrip(void)
{
	hostos_assert_no_bugcheck(os);
	assert_int_equal(dma_obs.status[0], 0);
	assert_int_equal(dma_obs.status[1], 0);
	/* The engine read exactly the driver's bytes... */
	assert_int_equal(read_bytes, dma_in.length);
	assert_int_equal(read_bad, 0);
	assert_int_equal(last.status, DMA_OK);
	assert_int_equal(last.bytes_done, dma_in.length);
	/* ...and what it wrote is in the driver's buffer after the put. */
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(dma_obs.after_put[i], pattern2(i));
	assert_true(sim_now(&kern) > 0); /* the transfers took simulated time */
}

/* A 32-bit device, pool above 4 GiB: bounce buffers below 4 GiB. */
static void test_bounce(void **state)
{
	(void)state;
	up(false);
	dma_in.length = 64 * KIB;
	dma_in.offset = 100;
	run();
	check_roundtrip();
	for (unsigned i = 0; i < dma_obs.n_elem; i++)
		assert_true(dma_obs.elem_addr[i] + dma_obs.elem_len[i] <= 4 * GIB);
	/* Before the put the device's data was only in the bounce frames. */
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(dma_obs.before_put[i], pattern(i));
	down();
}

/* The same device behind an IOMMU: no bounce, one element. */
static void test_iommu(void **state)
{
	(void)state;
	up(true);
	dma_in.length = 64 * KIB;
	dma_in.offset = 8;
	run();
	check_roundtrip();
	assert_int_equal(dma_obs.n_elem, 1);
	assert_true(dma_obs.elem_addr[0] >= HOSTOS_DMA_IOVA_BASE);
	assert_int_equal(dma_obs.before_put[0], pattern2(0));
	assert_int_equal(iommu.faults, 0);
	down();
}

/* The engine reaches outside the live list: the IOMMU stops it and the
 * driver's next DMA routine reports 0xE6/0x26. */
static void test_iommu_fault(void **state)
{
	(void)state;
	up(true);
	dma_in.length = 2 * PAGE;
	fault_outside = true;
	run();
	assert_int_equal(last.status, DMA_ERR_IOMMU);
	hostos_assert_bugcheck(os, 0xE6, 0x26, (uintptr_t)dma_in.pdo, last.fail_addr,
			       DMA_IOMMU_FAULT_UNMAPPED);
	down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounce),
		cmocka_unit_test(test_iommu),
		cmocka_unit_test(test_iommu_fault),
	};

	return cmocka_run_group_tests_name("hostos:dma-platform", tests, NULL, NULL);
}
