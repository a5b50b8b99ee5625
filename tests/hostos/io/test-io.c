/*
 * tests/hostos/io/test-io.c - the I/O manager with a whole WDM driver
 * (drivers/io-driver.c): loaded by hardware ID with DriverEntry's registry
 * path and parameters, started with the PDO's resources, exercised by an
 * application thread through win32.h (CreateFile, ReadFile, WriteFile,
 * DeviceIoControl by METHOD_BUFFERED and METHOD_NEITHER, synchronous and
 * overlapped, GetOverlappedResult, CancelIo), the inverted call completed
 * from the DPC of the device's MSI, StartIo with cancellation while
 * queued and while in StartIo, the IoTimer, stop and restart, orderly and
 * surprise removal with I/O outstanding, unloading, and each I/O rule
 * violation caught with its bug check code and parameters.
 *
 * Scenarios run on a host OS thread (the application); they record what
 * they see (CHECK) and the test asserts after the run, never from inside
 * a coroutine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bus/hostmem.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "hostos/pool.h"
#include "hostos/seeds.h"
#include "hostos/test-cmocka.h"
#include "sim/kernel.h"

#include "drivers/io-driver.h"
#include "drivers/io-filter.h"
#include "drivers/io-legacy.h"

#define SERVICES "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\iodrv"

static struct sim_kernel kern;
static struct bus_mem mem;
static struct hostos *os;
static struct hostos_device *dev;
static struct hostos_driver *drv;
static struct sim_event irq_ev[8];
static unsigned n_irq;
static int fail_line;
/* the machine of the multi-CPU runs: CPUs, schedule seed, the app's CPU */
static unsigned boot_cpus = 1, app_cpu;
static uint64_t boot_seed;
static int32_t bug_status;

#define CHECK(c)                                      \
	do {                                          \
		if (!(c) && !fail_line)               \
			fail_line = __LINE__;         \
	} while (0)

static const struct hostos_hwid ids[] = { { 0x1234, 0x5678, 0, 0 } };

static void no_eoi(void *opaque, unsigned cpu, unsigned vector)
{
	(void)opaque;
	(void)cpu;
	(void)vector;
}

static const struct hostos_irq_ops irq_ops = { .eoi = no_eoi };

/* The function's configuration space: vendor and device IDs, the rest 0. */
static int cfg_read(void *opaque, unsigned off, unsigned len, uint32_t *out)
{
	static const uint8_t cfg[4] = { 0x34, 0x12, 0x78, 0x56 };

	(void)opaque;
	*out = 0;
	for (unsigned i = 0; i < len; i++)
		*out |= (uint32_t)(off + i < 4 ? cfg[off + i] : 0) << (8 * i);
	return 0;
}

static void quiet(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	(void)opaque;
	(void)sev;
	(void)now_ps;
	(void)msg;
}

/* The device sends its MSI. */
static void irq_fn(struct sim_kernel *k, void *opaque)
{
	struct hostos_intr_resource r;

	(void)k;
	(void)opaque;
	if (hostos_device_message(dev, 0, &r) == SIM_OK)
		hostos_interrupt_deliver(os, r.cpu, r.vector, false);
}

/* An interrupt @us microseconds from now (from a scenario). */
static void irq_in(unsigned us)
{
	struct sim_event *e = &irq_ev[n_irq++];

	sim_event_init(&kern, e, "test.msi", irq_fn, NULL);
	sim_event_schedule(e, SIM_US(us));
}

static void boot(uint32_t verifier)
{
	/* RAM from 1 GiB: every frame number of it is >= 0x40000 */
	static const struct bus_mem_range ram[] = { { 1u << 30, 64u << 20 } };
	struct bus_mem_config mc = { .ranges = ram, .n_ranges = 1 };
	struct sim_kernel_config kc;
	struct hostos_config cfg;
	struct hostos_device_desc d = {
		.name = "iodev", .bus = 2, .device = 3, .function = 1,
		.line = HOSTOS_NO_LINE, .msg = HOSTOS_MSG_MSI, .msg_capable = 1,
		.msi_supported = true,
		.ranges = { { .start = 0xF0000000u, .length = 0x1000 } }, .n_ranges = 1,
		.vendor_id = 0x1234, .device_id = 0x5678, .class_code = 0xFF0000,
		.cfg_read = cfg_read,
	};

	sim_kernel_config_default(&kc);
	kc.report = quiet;
	assert_int_equal(sim_kernel_init(&kern, &kc), SIM_OK);
	hostos_config_default(&cfg);
	cfg.verifier = verifier;
	cfg.cpus = boot_cpus;
	cfg.seed = boot_seed;
	assert_int_equal(hostos_create(&os, &kern, &cfg), SIM_OK);
	assert_int_equal(bus_mem_init(&mem, &mc), SIM_OK);
	/* pool (and direct I/O's locked pages) in the machine's memory */
	assert_int_equal(hostos_attach_memory(os, &mem, BUS_MEM_ALLOC_SCATTERED), SIM_OK);
	assert_int_equal(hostos_set_irq_ops(os, &irq_ops, NULL), SIM_OK);
	assert_int_equal(hostos_device_create(os, &d, &dev), SIM_OK);
	memset(&iodrv_obs, 0, sizeof(iodrv_obs));
	fail_line = 0;
	n_irq = 0;
	drv = NULL;
}

static void shutdown(void)
{
	hostos_destroy(os);
	bus_mem_destroy(&mem);
	for (unsigned i = 0; i < n_irq; i++)
		sim_event_destroy(&irq_ev[i]);
	sim_kernel_destroy(&kern);
	os = NULL;
}

static void run(void (*fn)(void *))
{
	assert_int_equal(hostos_thread_start(os, "app", fn, NULL, app_cpu, NULL), SIM_OK);
	/* bounded: a device left started keeps its IoTimer ticking */
	sim_run_until(&kern, SIM_MS(100000));
}

static void load(void)
{
	struct hostos_driver_desc dd = { .service = "iodrv", .entry = HOSTOS_DRIVER_ENTRY(iodrv_entry),
					 .ids = ids, .n_ids = 1 };

	CHECK(hostos_driver_load(os, &dd, &drv) == 0);
}

static HANDLE open_dev(bool overlapped)
{
	return CreateFile("\\\\.\\IoDrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			  overlapped ? FILE_FLAG_OVERLAPPED : 0, NULL);
}

static struct iodrv_info info(HANDLE h)
{
	struct iodrv_info i;
	DWORD n = 0;

	memset(&i, 0xEE, sizeof(i));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_INFO, NULL, 0, &i, sizeof(i), &n, NULL));
	CHECK(n == sizeof(i));
	return i;
}

/* ---- loading, resources, registry, removal ---- */

static struct iodrv_info seen;

static void sc_load_remove(void *arg)
{
	HANDLE h;

	(void)arg;
	load();
	CHECK(hostos_device_started(dev));
	h = open_dev(false);
	CHECK(h != INVALID_HANDLE_VALUE);
	seen = info(h);
	CHECK(CloseHandle(h));
	/* the same device through its device interface */
	{
		char path[256];

		CHECK(hostos_device_interface(dev, 0, path, sizeof(path)) == 0);
		CHECK(!strcmp(path, "\\\\?\\PCI#VEN_1234&DEV_5678#2_3_1#"
				    "{5d3a7e21-6c1b-4f0e-9a44-1e278063b50c}"));
		CHECK(hostos_device_interface(dev, 1, path, sizeof(path)) == SIM_ERR_STATE);
		h = CreateFile(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
		CHECK(h != INVALID_HANDLE_VALUE && info(h).started == 1);
		CHECK(CloseHandle(h));
	}
	CHECK(hostos_device_power(dev) == 1); /* D0 after the start */
	CHECK(hostos_pnp_set_power(dev, 4) == 0 && hostos_device_power(dev) == 4);
	CHECK(hostos_pnp_set_power(dev, 1) == 0 && hostos_device_power(dev) == 1);
	CHECK(hostos_pnp_set_power(dev, 7) == (int32_t)0xC0000184);
	CHECK(hostos_pnp_remove(dev) == 0);
	CHECK(hostos_device_power(dev) == 4); /* D3 before the removal */
	{
		char path[256];

		CHECK(hostos_device_interface(dev, 0, path, sizeof(path)) == SIM_ERR_STATE);
	}
	CHECK(!hostos_device_started(dev));
	CHECK(!hostos_driver_loaded(drv));
	/* gone: the link went with the device */
	CHECK(open_dev(false) == INVALID_HANDLE_VALUE);
	CHECK(GetLastError() == ERROR_FILE_NOT_FOUND);
}

static void test_load_start_remove(void **state)
{
	static const uint16_t multi[] = { 'a', 'b', 0, 'c', 'd', 0, 0 };
	char path[256];
	struct hostos_io_stats st;

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	assert_int_equal(hostos_reg_set_dword(os, SERVICES "\\Parameters", "BufferSize", 4096), 0);
	assert_int_equal(hostos_reg_set_dword(os, SERVICES "\\Parameters", "Extra", 5), 0);
	assert_int_equal(hostos_reg_set(os, SERVICES "\\Parameters", "Names", 7 /* REG_MULTI_SZ */,
					multi, sizeof(multi)), 0);
	assert_int_equal(hostos_device_reg_path(dev, 1, path, sizeof(path)), 0);
	assert_string_equal(path, "\\Registry\\Machine\\System\\CurrentControlSet\\Enum\\PCI\\"
				  "VEN_1234&DEV_5678\\2_3_1\\Device Parameters");
	assert_int_equal(hostos_reg_set_dword(os, path, "Knob", 42), 0);
	run(sc_load_remove);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.entry_calls, 1);
	assert_string_equal(iodrv_obs.regpath, SERVICES);
	assert_int_equal(iodrv_obs.add_calls, 1);
	assert_int_equal(iodrv_obs.starts, 1);
	assert_int_equal(iodrv_obs.start_irql, 0);
	assert_int_equal(iodrv_obs.connect_status, 0);
	assert_int_equal(seen.started, 1);
	assert_int_equal(seen.mem_count, 1);
	assert_int_equal(seen.port_count, 0);
	assert_int_equal(seen.int_count, 1);
	assert_int_equal(seen.msg_count, 1);
	assert_int_equal(seen.raw_int_count, 1);
	assert_int_equal(seen.bus, 2);
	assert_int_equal(seen.address, 3u << 16 | 1);
	assert_int_equal(seen.reg_param, 4096);
	/* RtlQueryRegistryValues without a value name: each value, in order,
	 * a REG_MULTI_SZ a string at a time as REG_SZ */
	assert_int_equal(iodrv_obs.reg_values, 4);
	assert_string_equal(iodrv_obs.reg_names, "BufferSize,Extra,Names=ab,Names=cd");
	assert_int_equal(iodrv_obs.reg_sum, 4096 + 5);
	assert_int_equal(seen.dev_param, 42);
	assert_int_equal(seen.cfg_id, 0x56781234);
	assert_int_equal(seen.msi_supported, 1 + 1); /* MSISupported = 1 */
	/* by the symbolic link, then by the device interface */
	assert_int_equal(iodrv_obs.creates, 2);
	assert_int_equal(iodrv_obs.cleanups, 2);
	assert_int_equal(iodrv_obs.closes, 2);
	assert_int_equal(iodrv_obs.query_removes, 1);
	assert_int_equal(iodrv_obs.removes, 1);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	/* D0 after the start, D3, D0, D3 before the removal */
	assert_int_equal(iodrv_obs.power_irps, 4);
	hostos_io_stats(os, &st);
	assert_int_equal(st.irps_live, 0);
	shutdown();
}

static void sc_registry_default(void *arg)
{
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(false);
	seen = info(h);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_registry_default(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_registry_default);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(seen.reg_param, 7);
	assert_int_equal(seen.dev_param, 0);
	shutdown();
}

static void sc_no_match(void *arg)
{
	struct hostos_driver_desc dd = { .service = "iodrv", .entry = HOSTOS_DRIVER_ENTRY(iodrv_entry),
					 .ids = (const struct hostos_hwid[]){ { 0x1234, 0x9999, 0, 0 } },
					 .n_ids = 1 };

	(void)arg;
	CHECK(hostos_driver_load(os, &dd, &drv) == 0);
	CHECK(!hostos_device_started(dev));
	CHECK(hostos_device_fdo(dev) == hostos_device_pdo(dev));
	CHECK(open_dev(false) == INVALID_HANDLE_VALUE);
	CHECK(hostos_driver_unload(drv) == 0);
	CHECK(!hostos_driver_loaded(drv));
}

static void test_hardware_id_mismatch(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_no_match);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.entry_calls, 1);
	assert_int_equal(iodrv_obs.add_calls, 0);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	shutdown();
}

/* ---- a legacy driver ---- */

static void sc_legacy(void *arg)
{
	struct hostos_driver_desc dd = { .service = "iolegacy",
					 .entry = HOSTOS_DRIVER_ENTRY(iolegacy_entry) };
	struct hostos_driver *l = NULL;
	unsigned char out[8];
	DWORD n;
	HANDLE h, h2;

	(void)arg;
	CHECK(hostos_driver_load(os, &dd, &l) == 0);
	h = CreateFile("\\\\.\\IoLegacy", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	/* an exclusive device: one handle at a time */
	h2 = CreateFile("\\\\.\\IoLegacy", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	CHECK(h2 == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED);
	memset(out, 0, sizeof(out));
	CHECK(DeviceIoControl(h, CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_NEITHER, FILE_ANY_ACCESS),
			      NULL, 0, out, sizeof(out), &n, NULL));
	CHECK(n == 8 && out[0] == 0x5A && out[7] == 0x5A);
	CloseHandle(h);
	CHECK(hostos_driver_unload(l) == 0);
	CHECK(!hostos_driver_loaded(l));
	CHECK(hostos_driver_unload(l) == (int32_t)0xC0000184);
	/* its link and device went with it */
	CHECK(CreateFile("\\\\.\\IoLegacy", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
	      INVALID_HANDLE_VALUE);
}

static void test_legacy_driver(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	memset(&iolegacy_obs, 0, sizeof(iolegacy_obs));
	run(sc_legacy);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iolegacy_obs.entry_calls, 1);
	assert_int_equal(iolegacy_obs.creates, 1);
	assert_int_equal(iolegacy_obs.closes, 1);
	assert_int_equal(iolegacy_obs.controls, 1);
	assert_int_equal(iolegacy_obs.unload_calls, 1);
	/* DO_DEVICE_INITIALIZING (0x80) cleared after DriverEntry, DO_EXCLUSIVE (0x8) kept */
	assert_int_equal(iolegacy_obs.flags_after_entry & 0x88, 0x08);
	/* the PnP device was never touched */
	assert_int_equal(iodrv_obs.add_calls, 0);
	shutdown();
}

/* ---- transfers ---- */

static void sc_transfers(void *arg)
{
	unsigned char in[16], out[32], back[16];
	OVERLAPPED ov;
	DWORD n;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(false);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(0x30 + i);
	/* buffered read and write, at an offset */
	memset(&ov, 0, sizeof(ov));
	ov.Offset = 100;
	CHECK(WriteFile(h, in, sizeof(in), &n, &ov) && n == sizeof(in));
	memset(back, 0, sizeof(back));
	CHECK(ReadFile(h, back, sizeof(back), &n, &ov) && n == sizeof(back));
	CHECK(!memcmp(in, back, sizeof(in)));
	ov.Offset = 250; /* 6 bytes left */
	CHECK(ReadFile(h, back, sizeof(back), &n, &ov) && n == 6);
	ov.Offset = 300;
	CHECK(!ReadFile(h, back, sizeof(back), &n, &ov) && GetLastError() == ERROR_HANDLE_EOF);
	/* METHOD_BUFFERED and METHOD_NEITHER */
	memset(out, 0, sizeof(out));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_ECHO_BUFFERED, in, sizeof(in), out, sizeof(out), &n,
			      NULL));
	CHECK(n == sizeof(in));
	for (unsigned i = 0; i < sizeof(in); i++)
		CHECK(out[i] == in[i] + 1);
	CHECK(out[16] == 0); /* only Information bytes come back */
	memset(out, 0, sizeof(out));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_ECHO_NEITHER, in, 8, out, sizeof(out), &n, NULL));
	CHECK(n == 8 && out[7] == in[7] + 1 && out[8] == 0);
	/* an unknown code */
	CHECK(!DeviceIoControl(h, CTL_CODE(IODRV_TYPE, 0x999, METHOD_BUFFERED, FILE_ANY_ACCESS),
			       NULL, 0, NULL, 0, &n, NULL));
	CHECK(GetLastError() == ERROR_INVALID_FUNCTION);
	/* requests of the driver's own down its stack: the PDO refuses them */
	{
		int32_t st[2] = { 0, 0 };

		CHECK(DeviceIoControl(h, IOCTL_IODRV_FORWARD, NULL, 0, st, sizeof(st), &n, NULL));
		CHECK(st[0] == (int32_t)0xC0000010 && st[1] == (int32_t)0xC0000010);
	}
	/* one IRP reused; a synchronous FSD read of the driver's own memory
	 * at offset 8, compared with what ReadFile returns there */
	{
		int32_t st[4] = { 0, 0, 0, 0 };
		unsigned char want[8];

		memset(&ov, 0, sizeof(ov));
		ov.Offset = 8;
		CHECK(ReadFile(h, want, 8, &n, &ov) && n == 8);
		CHECK(DeviceIoControl(h, IOCTL_IODRV_REUSE, NULL, 0, st, sizeof(st), &n, NULL));
		CHECK(st[0] == (int32_t)0xC0000010 && st[1] == (int32_t)0xC0000010);
		CHECK(!memcmp(&st[2], want, 8));
	}
	CloseHandle(h);
	CHECK(!CloseHandle(h) && GetLastError() == ERROR_INVALID_HANDLE);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_transfers(void **state)
{
	struct hostos_io_stats st;

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_transfers);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	hostos_io_stats(os, &st);
	assert_int_equal(st.irps_live, 0);
	shutdown();
}

/* ---- direct I/O ---- */

static void sc_direct(void *arg)
{
	unsigned char in[64], out[8192], back[64];
	OVERLAPPED ov;
	DWORD n;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(false);
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(0x80 + i);
	/* reads and writes by MDL (the device is DO_DIRECT_IO) */
	memset(&ov, 0, sizeof(ov));
	ov.Offset = 8;
	CHECK(WriteFile(h, in, sizeof(in), &n, &ov) && n == sizeof(in));
	CHECK(iodrv_obs.mdl_bytes == sizeof(in));
	memset(back, 0, sizeof(back));
	CHECK(ReadFile(h, back, sizeof(back), &n, &ov) && n == sizeof(back));
	CHECK(!memcmp(in, back, sizeof(in)));
	/* METHOD_OUT_DIRECT: the output buffer, 2 pages and more, by MDL */
	memset(out, 0, sizeof(out));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_OUT_DIRECT, in, sizeof(in), out, sizeof(out), &n,
			      NULL));
	CHECK(n == sizeof(in) && out[0] == 0x81 && out[63] == 0x80 + 63 + 1 && out[64] == 0);
	CHECK(iodrv_obs.mdl_bytes == sizeof(out) && iodrv_obs.mdl_pfn >= 0x40000 &&
	      iodrv_obs.mdl_pfn < 0x44000);
	/* METHOD_IN_DIRECT: the device reads the "output" buffer */
	memset(out, 0x42, sizeof(out));
	CHECK(DeviceIoControl(h, IOCTL_IODRV_IN_DIRECT, NULL, 0, out, 16, &n, NULL) && n == 0);
	ov.Offset = 0;
	CHECK(ReadFile(h, back, 16, &n, &ov) && n == 16 && back[0] == 0x42 && back[15] == 0x42);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_direct_io(void **state)
{
	struct hostos_io_stats st;
	char path[256];

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	assert_int_equal(hostos_device_reg_path(dev, 1, path, sizeof(path)), 0);
	assert_int_equal(hostos_reg_set_dword(os, path, "DirectIo", 1), 0);
	run(sc_direct);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	hostos_io_stats(os, &st);
	assert_int_equal(st.irps_live, 0);
	shutdown();
}

/* ---- the inverted call ---- */

static uint32_t got[4];

static void sc_inverted_sync(void *arg)
{
	DWORD n = 0;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(false);
	irq_in(10);
	CHECK(DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &got[0], sizeof(got[0]), &n, NULL));
	CHECK(n == 4);
	irq_in(10);
	CHECK(DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &got[1], sizeof(got[1]), &n, NULL));
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_inverted_call_sync(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_inverted_sync);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 2);
	assert_int_equal(iodrv_obs.isr_calls, 2);
	assert_int_equal(iodrv_obs.dpcs, 2);
	shutdown();
}

static void sc_overlapped(void *arg)
{
	OVERLAPPED ov;
	uint32_t v = 0;
	DWORD n = 99;
	HANDLE h, ev;

	(void)arg;
	load();
	h = open_dev(true);
	CHECK(h != INVALID_HANDLE_VALUE);
	ev = CreateEvent(NULL, TRUE, FALSE, NULL);
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = ev;
	/* an overlapped handle needs an OVERLAPPED */
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, sizeof(v), &n, NULL));
	CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, sizeof(v), &n, &ov));
	CHECK(GetLastError() == ERROR_IO_PENDING);
	CHECK(ov.Internal == 0x103);
	CHECK(!GetOverlappedResult(h, &ov, &n, FALSE) && GetLastError() == ERROR_IO_INCOMPLETE);
	CHECK(WaitForSingleObject(ev, 5) == WAIT_TIMEOUT);
	irq_in(20);
	CHECK(WaitForSingleObject(ev, INFINITE) == WAIT_OBJECT_0);
	CHECK(GetOverlappedResult(h, &ov, &n, FALSE) && n == 4);
	CHECK(v == 1);
	/* a request the driver completes at once: TRUE, the event set too */
	ResetEvent(ev);
	CHECK(DeviceIoControl(h, IOCTL_IODRV_ECHO_BUFFERED, &v, 4, &v, 4, &n, &ov) && n == 4);
	CHECK(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0 && v == 0x01010102);
	/* CancelIo of a request waiting in the cancel-safe queue */
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, sizeof(v), &n, &ov));
	CHECK(CancelIo(h));
	CHECK(!GetOverlappedResult(h, &ov, &n, TRUE));
	CHECK(GetLastError() == ERROR_OPERATION_ABORTED);
	CHECK(ov.Internal == 0xC0000120);
	/* a waiter left behind is cancelled by the driver at cleanup */
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, sizeof(v), &n, &ov));
	CHECK(CloseHandle(h));
	CHECK(ov.Internal == 0xC0000120);
	CloseHandle(ev);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_overlapped_and_cancel(void **state)
{
	struct hostos_io_stats st;

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_overlapped);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.cancels, 1); /* CancelIo; the cleanup drained the other */
	hostos_io_stats(os, &st);
	assert_int_equal(st.irps_live, 0);
	assert_int_equal(st.cancels, 1);
	shutdown();
}

/* ---- StartIo ---- */

static void sc_startio(void *arg)
{
	OVERLAPPED ov[3];
	uint32_t v[3] = { 0, 0, 0 };
	DWORD n;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(true);
	memset(ov, 0, sizeof(ov));
	for (int i = 0; i < 3; i++)
		CHECK(!DeviceIoControl(h, IOCTL_IODRV_QUEUE, NULL, 0, &v[i], 4, &n, &ov[i]) &&
		      GetLastError() == ERROR_IO_PENDING);
	CHECK(iodrv_obs.startio_calls == 1);
	/* cancelled while queued */
	CHECK(CancelIoEx(h, &ov[1]));
	CHECK(!GetOverlappedResult(h, &ov[1], &n, TRUE) &&
	      GetLastError() == ERROR_OPERATION_ABORTED);
	/* the first finishes at the interrupt; the third starts */
	irq_in(10);
	CHECK(GetOverlappedResult(h, &ov[0], &n, TRUE) && n == 4 && v[0] == 1);
	CHECK(iodrv_obs.startio_calls == 2);
	/* cancelled while in StartIo (the device's current IRP) */
	CHECK(CancelIoEx(h, &ov[2]));
	CHECK(!GetOverlappedResult(h, &ov[2], &n, TRUE) &&
	      GetLastError() == ERROR_OPERATION_ABORTED);
	CHECK(!CancelIoEx(h, &ov[2]) && GetLastError() == ERROR_NOT_FOUND);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_startio_cancel(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_startio);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.startio_calls, 2);
	assert_int_equal(iodrv_obs.startio_irql, 2);
	assert_int_equal(iodrv_obs.cancels, 2);
	assert_int_equal(iodrv_obs.cancel_irql, 2);
	shutdown();
}

/* Sorted packets: started in key order (the first at once). */
static void sc_startio_keys(void *arg)
{
	static const uint32_t keys[4] = { 7, 5, 2, 9 };
	OVERLAPPED ov[4];
	uint32_t v[4] = { 0, 0, 0, 0 };
	DWORD n;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(true);
	memset(ov, 0, sizeof(ov));
	for (int i = 0; i < 4; i++)
		CHECK(!DeviceIoControl(h, IOCTL_IODRV_QUEUE_KEYED, (void *)&keys[i], 4, &v[i], 4, &n,
				       &ov[i]));
	for (int i = 0; i < 4; i++)
		irq_in(10 + 10 * (unsigned)i);
	for (int i = 0; i < 4; i++)
		CHECK(GetOverlappedResult(h, &ov[i], &n, TRUE) && n == 4);
	/* 7 first (the device was idle), then 2, 5, 9 */
	CHECK(v[0] == 1 && v[2] == 2 && v[1] == 3 && v[3] == 4);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
}

static void test_startio_sort_keys(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_startio_keys);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.startio_calls, 4);
	shutdown();
}

/* ---- PnP ---- */

static void sc_timer_stop_restart(void *arg)
{
	HANDLE h, ev;

	(void)arg;
	load();
	ev = CreateEvent(NULL, TRUE, FALSE, NULL);
	CHECK(WaitForSingleObject(ev, 3500) == WAIT_TIMEOUT);
	CHECK(iodrv_obs.timer_ticks == 3);
	CHECK(hostos_pnp_stop(dev) == 0);
	CHECK(hostos_device_started(dev));
	h = open_dev(false);
	seen = info(h);
	CloseHandle(h);
	/* vetoed while a handle is open */
	h = open_dev(false);
	CHECK(hostos_pnp_remove(dev) == (int32_t)0xC0000022);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(dev) == 0);
	iodrv_obs.timer_ticks = 0;
	CHECK(WaitForSingleObject(ev, 2000) == WAIT_TIMEOUT);
	CHECK(iodrv_obs.timer_ticks == 0);
	CloseHandle(ev);
}

static void test_timer_stop_restart_veto(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_timer_stop_restart);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.timer_irql, 2);
	assert_int_equal(iodrv_obs.query_stops, 1);
	assert_int_equal(iodrv_obs.stops, 1);
	assert_int_equal(iodrv_obs.starts, 2);
	assert_int_equal(seen.started, 1);
	assert_int_equal(iodrv_obs.removes, 1);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	shutdown();
}

static void sc_surprise(void *arg)
{
	OVERLAPPED ov[2];
	uint32_t v[2];
	DWORD n;
	HANDLE h;

	(void)arg;
	load();
	h = open_dev(true);
	memset(ov, 0, sizeof(ov));
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v[0], 4, &n, &ov[0]));
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_QUEUE, NULL, 0, &v[1], 4, &n, &ov[1]));
	CHECK(hostos_pnp_surprise_remove(dev) == 0);
	CHECK(iodrv_obs.surprises == 1 && iodrv_obs.removes == 0);
	CHECK(!GetOverlappedResult(h, &ov[0], &n, TRUE) && ov[0].Internal == 0xC000000E);
	CHECK(!GetOverlappedResult(h, &ov[1], &n, TRUE) && ov[1].Internal == 0xC000000E);
	/* new requests fail; no new handle */
	CHECK(!DeviceIoControl(h, IOCTL_IODRV_ECHO_BUFFERED, v, 4, v, 4, &n, &ov[0]));
	CHECK(open_dev(false) == INVALID_HANDLE_VALUE);
	/* the remove comes with the last close */
	CloseHandle(h);
	CHECK(iodrv_obs.removes == 1);
	CHECK(!hostos_driver_loaded(drv));
}

static void test_surprise_removal_outstanding(void **state)
{
	struct hostos_io_stats st;

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	run(sc_surprise);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	hostos_io_stats(os, &st);
	assert_int_equal(st.irps_live, 0);
	shutdown();
}

/* ---- an upper filter ---- */

static void sc_filter(void *arg)
{
	struct hostos_driver_desc fd = { .service = "iofilt",
					 .entry = HOSTOS_DRIVER_ENTRY(iofilt_entry), .ids = ids,
					 .n_ids = 1, .role = HOSTOS_DRIVER_UPPER_FILTER };
	struct hostos_driver *filt = NULL;
	uint32_t v = 0, in = 1;
	DWORD n;
	HANDLE h;

	(void)arg;
	CHECK(hostos_driver_load(os, &fd, &filt) == 0);
	CHECK(iofilt_obs.entry_calls == 1 && iofilt_obs.add_calls == 0);
	load();
	CHECK(iofilt_obs.add_calls == 1 && iofilt_obs.add_order == 1);
	CHECK(iofilt_obs.stack_size == 3);
	CHECK(hostos_device_fdo(dev) != hostos_device_pdo(dev));
	h = open_dev(false);
	CHECK(h != INVALID_HANDLE_VALUE);
	/* through the filter: completed at once, then pended and completed
	 * from the DPC (the filter's completion routine sees PendingReturned) */
	CHECK(DeviceIoControl(h, IOCTL_IODRV_ECHO_BUFFERED, &in, 4, &v, 4, &n, NULL) &&
	      v == 0x01010102);
	irq_in(10);
	CHECK(DeviceIoControl(h, IOCTL_IODRV_WAIT, NULL, 0, &v, 4, &n, NULL) && v == 1);
	CHECK(iofilt_obs.completions == 2 && iofilt_obs.pending_seen == 1);
	CloseHandle(h);
	CHECK(hostos_driver_unload(filt) == (int32_t)0xC0000184); /* still in a stack */
	CHECK(hostos_pnp_remove(dev) == 0);
	CHECK(iofilt_obs.removes == 1 && iodrv_obs.removes == 1);
	CHECK(!hostos_driver_loaded(filt) && !hostos_driver_loaded(drv));
}

static void test_upper_filter(void **state)
{
	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	memset(&iofilt_obs, 0, sizeof(iofilt_obs));
	iofilt_bug = 0;
	run(sc_filter);
	hostos_assert_no_bugcheck(os);
	assert_int_equal(fail_line, 0);
	assert_int_equal(iofilt_obs.irps[0], 1);     /* IRP_MJ_CREATE */
	assert_int_equal(iofilt_obs.irps[0x12], 1);  /* IRP_MJ_CLEANUP */
	assert_int_equal(iofilt_obs.irps[2], 1);     /* IRP_MJ_CLOSE */
	assert_int_equal(iofilt_obs.irps[0xe], 2);   /* IRP_MJ_DEVICE_CONTROL */
	assert_int_equal(iofilt_obs.irps[0x1b], 3);  /* start, query remove, remove */
	assert_int_equal(iofilt_obs.unload_calls, 1);
	assert_int_equal(iodrv_obs.unload_calls, 1);
	shutdown();
}

/* A filter's AddDevice mistakes (the filter attaches after iodrv). */
static void filter_bug(int which, uint32_t code)
{
	boot(HOSTOS_VERIFY_STANDARD);
	memset(&iofilt_obs, 0, sizeof(iofilt_obs));
	iofilt_bug = which;
	run(sc_filter);
	iofilt_bug = 0;
	hostos_assert_bugcheck(os, 0xC9, code, HOSTOS_ANY, 0, HOSTOS_ANY);
	shutdown();
}

static void test_bug_filter_flags(void **state)
{
	(void)state;
	filter_bug(1, 0x244);
	filter_bug(2, 0x246);
	filter_bug(3, 0x245);
}

/* ---- two CPUs, perturbed schedules ---- */

/* The scenarios whose completions come from a DPC: the app on CPU 1, the
 * MSI, its ISR and DPC on CPU 0, under one seed. */
static int seeded(uint64_t seed, void *arg)
{
	static void (*const scenarios[])(void *) = { sc_inverted_sync, sc_overlapped, sc_startio,
						     sc_startio_keys, sc_surprise, sc_direct };
	int bad = 0;

	(void)arg;
	boot_cpus = 2;
	app_cpu = 1;
	boot_seed = seed;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]) && !bad; i++) {
		char path[256];

		boot(HOSTOS_VERIFY_STANDARD);
		if (scenarios[i] == sc_direct) {
			hostos_device_reg_path(dev, 1, path, sizeof(path));
			hostos_reg_set_dword(os, path, "DirectIo", 1);
		}
		run(scenarios[i]);
		if (hostos_bugchecked(os) || fail_line) {
			fprintf(stderr, "scenario %zu: %s (line %d)\n", i,
				hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report : "failed",
				fail_line);
			bad = 1;
		}
		shutdown();
	}
	boot_cpus = 1;
	app_cpu = 0;
	boot_seed = 0;
	return bad;
}

static void test_two_cpus_seeds(void **state)
{
	uint64_t failed = 0;

	(void)state;
	assert_int_equal(hostos_for_seeds(1, 12, seeded, NULL, &failed), 0);
}

/* ---- violations ---- */

static void sc_bug(void *arg)
{
	uint32_t which = (uint32_t)(uintptr_t)arg;
	DWORD n;
	HANDLE h;

	load();
	h = open_dev(false);
	DeviceIoControl(h, IOCTL_IODRV_BUG, &which, sizeof(which), NULL, 0, &n, NULL);
	bug_status = (int32_t)GetLastError();
	CloseHandle(h);
}

static void bug(uint32_t which)
{
	boot(HOSTOS_VERIFY_STANDARD);
	assert_int_equal(hostos_thread_start(os, "app", sc_bug, (void *)(uintptr_t)which, 0, NULL),
			 SIM_OK);
	sim_run_until(&kern, SIM_MS(100000));
}

static void test_bug_double_complete(void **state)
{
	(void)state;
	bug(IODRV_BUG_DOUBLE_COMPLETE);
	hostos_assert_bugcheck(os, 0x44, HOSTOS_ANY, 0, 0, 0);
	shutdown();
}

static void test_bug_pending_unmarked(void **state)
{
	(void)state;
	bug(IODRV_BUG_PENDING_UNMARKED);
	hostos_assert_bugcheck(os, 0xC9, 0x23D, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY);
	shutdown();
}

static void test_bug_marked_not_pending(void **state)
{
	(void)state;
	bug(IODRV_BUG_MARKED_NOT_PENDING);
	hostos_assert_bugcheck(os, 0xC9, 0x23E, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY);
	shutdown();
}

static void test_bug_complete_pending(void **state)
{
	(void)state;
	bug(IODRV_BUG_COMPLETE_PENDING);
	hostos_assert_bugcheck(os, 0xC9, 0x6, 0x103, HOSTOS_ANY, 0);
	shutdown();
}

static void test_bug_complete_cancel_set(void **state)
{
	(void)state;
	bug(IODRV_BUG_COMPLETE_CANCEL_SET);
	hostos_assert_bugcheck(os, 0xC9, 0x7, HOSTOS_ANY, HOSTOS_ANY, 0);
	shutdown();
}

static void test_bug_return_raised(void **state)
{
	(void)state;
	bug(IODRV_BUG_RETURN_RAISED);
	hostos_assert_bugcheck(os, 0xC9, 0x5, HOSTOS_ANY, 0, 2);
	shutdown();
}

static void test_bug_not_completed(void **state)
{
	(void)state;
	bug(IODRV_BUG_NOT_COMPLETED);
	hostos_assert_bugcheck(os, 0xC9, 0x226, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY);
	shutdown();
}

static void test_bug_complete_high_irql(void **state)
{
	(void)state;
	bug(IODRV_BUG_COMPLETE_HIGH_IRQL);
	hostos_assert_bugcheck(os, 0xC9, 0xE, 15, HOSTOS_ANY, 0);
	shutdown();
}

static void test_bug_free_in_use(void **state)
{
	(void)state;
	bug(IODRV_BUG_FREE_IN_USE);
	hostos_assert_bugcheck(os, 0xC9, 0x20B, HOSTOS_ANY, HOSTOS_ANY, 0);
	shutdown();
}

static void test_bug_completion_irql(void **state)
{
	(void)state;
	bug(IODRV_BUG_COMPLETION_IRQL);
	hostos_assert_bugcheck(os, HOSTOS_COMPLETION_IRQL, HOSTOS_ANY, HOSTOS_ANY, 0, 2);
	shutdown();
}

static void test_bug_status_after_complete(void **state)
{
	(void)state;
	bug(IODRV_BUG_STATUS_AFTER_COMPLETE);
	hostos_assert_bugcheck(os, 0xC9, 0x224, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY);
	shutdown();
}

static void test_bug_create_at_dispatch(void **state)
{
	(void)state;
	bug(IODRV_BUG_CREATE_AT_DISPATCH);
	hostos_assert_bugcheck(os, 0xC4, 0x2000A, 2, HOSTOS_ANY, 0);
	shutdown();
}

static void test_bug_keep_initializing(void **state)
{
	char path[256];

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	assert_int_equal(hostos_device_reg_path(dev, 1, path, sizeof(path)), 0);
	assert_int_equal(hostos_reg_set_dword(os, path, "BugKeepInit", 1), 0);
	run(sc_registry_default);
	hostos_assert_bugcheck(os, 0xC9, 0x243, HOSTOS_ANY, 0, HOSTOS_ANY);
	shutdown();
}

static void test_bug_remove_not_deleted(void **state)
{
	char path[256];

	(void)state;
	boot(HOSTOS_VERIFY_STANDARD);
	assert_int_equal(hostos_device_reg_path(dev, 1, path, sizeof(path)), 0);
	assert_int_equal(hostos_reg_set_dword(os, path, "BugNoDelete", 1), 0);
	run(sc_load_remove);
	hostos_assert_bugcheck(os, 0xC9, 0x21D, HOSTOS_ANY, 0, HOSTOS_ANY);
	shutdown();
}

/* Without I/O Verification the same mistakes go unreported (the double
 * completion excepted: 0x44 is the kernel's own). */
static void test_bug_unverified(void **state)
{
	(void)state;
	boot(0);
	assert_int_equal(hostos_thread_start(os, "app", sc_bug,
					     (void *)(uintptr_t)IODRV_BUG_COMPLETE_CANCEL_SET, 0, NULL),
			 SIM_OK);
	sim_run_until(&kern, SIM_MS(100000));
	hostos_assert_no_bugcheck(os);
	shutdown();
	boot(0);
	assert_int_equal(hostos_thread_start(os, "app", sc_bug,
					     (void *)(uintptr_t)IODRV_BUG_DOUBLE_COMPLETE, 0, NULL),
			 SIM_OK);
	sim_run_until(&kern, SIM_MS(100000));
	hostos_assert_bugcheck(os, 0x44, HOSTOS_ANY, 0, 0, 0);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_start_remove),
		cmocka_unit_test(test_registry_default),
		cmocka_unit_test(test_hardware_id_mismatch),
		cmocka_unit_test(test_legacy_driver),
		cmocka_unit_test(test_transfers),
		cmocka_unit_test(test_direct_io),
		cmocka_unit_test(test_inverted_call_sync),
		cmocka_unit_test(test_overlapped_and_cancel),
		cmocka_unit_test(test_startio_cancel),
		cmocka_unit_test(test_startio_sort_keys),
		cmocka_unit_test(test_timer_stop_restart_veto),
		cmocka_unit_test(test_surprise_removal_outstanding),
		cmocka_unit_test(test_upper_filter),
		cmocka_unit_test(test_two_cpus_seeds),
		cmocka_unit_test(test_bug_filter_flags),
		cmocka_unit_test(test_bug_double_complete),
		cmocka_unit_test(test_bug_pending_unmarked),
		cmocka_unit_test(test_bug_marked_not_pending),
		cmocka_unit_test(test_bug_complete_pending),
		cmocka_unit_test(test_bug_complete_cancel_set),
		cmocka_unit_test(test_bug_return_raised),
		cmocka_unit_test(test_bug_not_completed),
		cmocka_unit_test(test_bug_complete_high_irql),
		cmocka_unit_test(test_bug_free_in_use),
		cmocka_unit_test(test_bug_completion_irql),
		cmocka_unit_test(test_bug_status_after_complete),
		cmocka_unit_test(test_bug_create_at_dispatch),
		cmocka_unit_test(test_bug_keep_initializing),
		cmocka_unit_test(test_bug_remove_not_deleted),
		cmocka_unit_test(test_bug_unverified),
	};

	return cmocka_run_group_tests_name("hostos:io", tests, NULL, NULL);
}
