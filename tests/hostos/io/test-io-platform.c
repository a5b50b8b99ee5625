/*
 * tests/hostos/io/test-io-platform.c - the I/O manager on a built machine
 * (platform/hostos.h): the test driver (drivers/io-driver.c) is matched by
 * the IDs in the function's configuration space, started with the
 * resources the platform assigned (its BAR and its MSI), reads its
 * configuration through BUS_INTERFACE_STANDARD, and is surprise-removed
 * by a fault injection (platform/inject.h) while an application's
 * request is pending: the PnP manager hears of the removal from the
 * machine, sends IRP_MN_SURPRISE_REMOVAL, the request fails, and the last
 * close brings IRP_MN_REMOVE_DEVICE and the unload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus/caps.h"
#include "bus/config.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "hostos/test-cmocka.h"
#include "platform/hostos.h"
#include "platform/inject.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

#include "drivers/io-driver.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

static enum bus_decode_status reg_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0;
	return BUS_DECODE_OK;
}

static enum bus_decode_status reg_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops reg_ops = {
	.read = reg_read, .write = reg_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

static struct sim_kernel kern;
static struct platform_machine *mach;
static struct platform_irq *pirq;
static struct hostos *os;
static struct platform_hostos *ph;
static struct pci_cfg cfg;
static struct platform_inject inj;
static struct hostos_driver *drv;
static int fail_line;
static struct iodrv_info seen;
static uint64_t ov_status;

#define CHECK(c)                              \
	do {                                  \
		if (!(c) && !fail_line)       \
			fail_line = __LINE__; \
	} while (0)

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

static void up(void)
{
	static const struct bus_mem_range ram[] = { { 0, 1 * GIB } };
	static const struct platform_hostos_inf inf[] = {
		{ .bus = 0, .device = 2, .function = 0, .msi_supported = true },
	};
	struct platform_hostos_config pc = { .inf = inf, .n_inf = 1 };
	static struct platform_bar_ops bars;
	static struct platform_device_desc dd;
	struct platform_desc d = { 0 };
	struct sim_kernel_config kc;

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(pci_cfg_init_type0(&cfg, 0x1234, 0x5678, 0xff0000, 1, 0x1234, 1, 1),
			 SIM_OK);
	assert_int_equal(pci_cfg_add_bar(&cfg, 0, PCI_BAR_MEM32, 4096, false), SIM_OK);
	assert_int_equal(pci_cap_add_msi(&cfg, 1, true, false, 0, NULL), SIM_OK);
	bars = (struct platform_bar_ops){ .ops = { &reg_ops } };
	dd = (struct platform_device_desc){ .name = "iodev", .device = 2, .cfg = &cfg,
					    .bars = &bars };
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = 16 * MIB;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), 512 * MIB };
	d.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &dd;
	d.n_devices = 1;
	assert_int_equal(platform_machine_build(&mach, &d), SIM_OK);
	assert_int_equal(platform_irq_attach(&pirq, mach, &kern, NULL), SIM_OK);
	assert_int_equal(hostos_create(&os, &kern, NULL), SIM_OK);
	assert_int_equal(platform_hostos_attach(&ph, mach, pirq, os, &pc), SIM_OK);
	memset(&iodrv_obs, 0, sizeof(iodrv_obs));
	fail_line = 0;
}

static void down(void)
{
	platform_inject_destroy(&inj);
	platform_hostos_detach(ph);
	hostos_destroy(os);
	platform_irq_detach(pirq);
	platform_machine_destroy(mach);
	sim_kernel_destroy(&kern);
}

static void sc_removed_under_io(void *arg)
{
	static const struct hostos_hwid ids[] = { { 0x1234, 0x5678, 0, 0 } };
	struct hostos_driver_desc dd = { .service = "iodrv",
					 .entry = HOSTOS_DRIVER_ENTRY(iodrv_entry),
					 .ids = ids, .n_ids = 1 };
	OVERLAPPED ov;
	uint32_t v;
	DWORD n;
	HANDLE h;

	(void)arg;
	CHECK(hostos_driver_load(os, &dd, &drv) == 0);
	h = CreateFile("\\\\.\\IoDrv0", GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED,
		       NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	memset(&ov, 0, sizeof(ov));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_INFO, NULL, 0, &seen, sizeof(seen), &n, &ov));
	/* the card is pulled in 50 us; this request waits for an interrupt */
	CHECK(platform_inject_schedule(&inj, mach, &kern, sim_now(&kern) + SIM_US(50),
				       PLATFORM_INJECT_REMOVE_FUNCTION, 0, 2, 0) == SIM_OK);
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, sizeof(v), &n, &ov));
	CHECK(GetLastError() == ERROR_IO_PENDING);
	CHECK(!GetOverlappedResult(h, &ov, &n, TRUE));
	ov_status = ov.Internal;
	CHECK(iodrv_obs.surprises == 1 && iodrv_obs.removes == 0);
	CloseHandle(h);
	CHECK(iodrv_obs.removes == 1);
	CHECK(!hostos_driver_loaded(drv));
}

static void test_surprise_removal_by_the_bus(void **state)
{
	(void)state;
	up();
	assert_int_equal(hostos_thread_start(os, "app", sc_removed_under_io, NULL, 0, NULL),
			 SIM_OK);
	sim_run_until(&kern, SIM_MS(100000));
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_true(inj.fired);
	assert_int_equal(inj.err, 0);
	assert_int_equal(ov_status, 0xC000000E); /* STATUS_NO_SUCH_DEVICE */
	/* what the driver got at start, from the machine */
	assert_int_equal(seen.started, 1);
	assert_int_equal(seen.mem_count, 1);
	assert_int_equal(seen.msg_count, 1);
	assert_int_equal(seen.bus, 0);
	assert_int_equal(seen.address, 2u << 16);
	assert_int_equal(seen.cfg_id, 0x56781234);
	assert_int_equal(iodrv_obs.connect_status, 0);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_surprise_removal_by_the_bus),
	};

	return cmocka_run_group_tests_name("hostos:io-platform", tests, NULL, NULL);
}
