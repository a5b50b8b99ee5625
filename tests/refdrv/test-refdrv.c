/*
 * tests/refdrv/test-refdrv.c - cmocka tests of the reference driver
 * (examples/refdrv/) on a whole system (platform/system.h): the reference
 * device behind the machine's link, the mock Windows kernel, the driver
 * loaded by its hardware ID (PCI\VEN_1234&DEV_7011) and used by an
 * application thread through win32.h, as a Windows test program would.
 *
 * What the device specification (../shared/spec/refdev.md) and the
 * driver's interface (examples/refdrv/refdrv.h) promise: ECHO returns the
 * complement; CHECKSUM is the CRC-32 of SRAM (check value 0xCBF43926 for
 * "123456789"); TIMER completes after the interrupt (the inverted call);
 * DMA moves the bytes both ways for any size and page offset, also for a
 * 32-bit device whose buffers lie above 4 GiB (map registers with bounce
 * buffers); every interrupt mode works (message per cause, one message,
 * the line, a line shared by two devices); removal and unload leave the
 * verifier nothing to report; every allocation the driver asks for (pool,
 * its common buffer, map registers) may fail once, and the driver handles
 * it and still leaves nothing behind.
 *
 * Scenarios run on a host OS thread (the application) and record what
 * they see; the test asserts after the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus/fault.h"
#include "bus/hostmem.h"
#include "hostos/fault.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "hostos/seeds.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"
#include "model/refdev.h"
#include "platform/machine.h"
#include "platform/system.h"

#include "examples/refdrv/refdrv.h"
#include "examples/refdrv/refdrv-entry.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

static struct platform_system *sys;
static struct hostos *os;
static struct hostos_driver *drv;
static int fail_line;
static char fail_what[160];

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c) && !fail_line) {                                          \
			fail_line = __LINE__;                                      \
			snprintf(fail_what, sizeof(fail_what), "%s", #c);          \
		}                                                                  \
	} while (0)

static const struct hostos_hwid refdev_ids[] = { { 0x1234, 0x7011, 0, 0 } };
static const struct hostos_driver_desc refdrv_desc = {
	.service = "refdrv", .entry = NULL, .ids = refdev_ids, .n_ids = 1,
};

/* ---- the system ---- */

struct setup {
	unsigned n_devices;
	bool msi;                 /* INF MSISupported */
	unsigned message_limit;
	bool msix;                /* the device has MSI-X */
	bool high_pool;           /* pool (and direct I/O copies) above 4 GiB */
	bool dma32;               /* registry Dma64 = 0 */
	unsigned cpus;
};

static void up(const struct setup *s)
{
	struct refdev_config rc;
	struct platform_system_device devs[2];
	struct platform_system_desc d = { 0 };

	refdev_config_default(&rc);
	rc.msix = s->msix;
	for (unsigned i = 0; i < s->n_devices; i++)
		devs[i] = (struct platform_system_device){
			.model = PLATFORM_MODEL_REFDEV, .device = 4 * i, .refdev = &rc,
			.msi_supported = s->msi, .message_number_limit = s->message_limit,
		};
	d.devices = devs;
	d.n_devices = s->n_devices;
	d.cpus = s->cpus ? s->cpus : 1;
	d.ram_high_bytes = s->high_pool ? GIB : 0;
	d.pool_flags = BUS_MEM_ALLOC_SCATTERED | (s->high_pool ? BUS_MEM_ALLOC_ABOVE_4G : 0);
	assert_int_equal(platform_system_build(&sys, &d), SIM_OK);
	os = platform_system_os(sys);
	for (unsigned i = 0; s->dma32 && i < s->n_devices; i++) {
		char path[256];

		assert_int_equal(hostos_device_reg_path(platform_system_pdo_device(sys, i), 1, path,
							sizeof(path)),
				 SIM_OK);
		assert_int_equal(hostos_reg_set_dword(os, path, "Dma64", 0), SIM_OK);
	}
	fail_line = 0;
	drv = NULL;
}

static void down(void)
{
	platform_system_destroy(sys);
	sys = NULL;
	os = NULL;
}

static void run_app(hostos_thread_fn fn, void *arg)
{
	assert_int_equal(hostos_thread_start(os, "app", fn, arg, 0, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	if (fail_line)
		fail_msg("scenario check at line %d failed: %s", fail_line, fail_what);
}

/* ---- application helpers (on the app thread) ---- */

static int32_t load(void)
{
	struct hostos_driver_desc d = refdrv_desc;

	d.entry = refdrv_entry;
	return hostos_driver_load(os, &d, &drv);
}

static HANDLE open_dev(unsigned n)
{
	char name[32];

	snprintf(name, sizeof(name), "\\\\.\\Refdrv%u", n);
	return CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			   FILE_ATTRIBUTE_NORMAL, NULL);
}

static bool ioctl(HANDLE h, DWORD code, void *in, DWORD n_in, void *out, DWORD n_out, DWORD *got)
{
	DWORD dummy;

	return DeviceIoControl(h, code, in, n_in, out, n_out, got ? got : &dummy, NULL) != 0;
}

static uint8_t pattern(size_t i, unsigned salt)
{
	return (uint8_t)(i * 151u + (i >> 10) * 7u + salt * 31u + 3u);
}

/* DMA @len bytes at page offset @off of a buffer to SRAM @dev_off and back
 * into another buffer; both must match, and SRAM too. */
static void dma_round_trip(HANDLE h, struct refdev *rd, size_t len, size_t off, ULONG dev_off,
			   unsigned salt)
{
	uint8_t *out = aligned_alloc(4096, (off + len + 4095) / 4096 * 4096);
	uint8_t *in = aligned_alloc(4096, (off + len + 4095) / 4096 * 4096);
	REFDRV_RANGE r = { .DeviceOffset = dev_off, .Length = 0 };
	DWORD got = 0;

	CHECK(out && in);
	if (!out || !in) {
		free(out);
		free(in);
		return;
	}
	for (size_t i = 0; i < len; i++)
		out[off + i] = pattern(i, salt);
	memset(in, 0xEE, off + len);
	CHECK(ioctl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r), out + off, (DWORD)len, &got));
	CHECK(got == len);
	CHECK(memcmp(refdev_sram(rd) + dev_off, out + off, len) == 0);
	got = 0;
	CHECK(ioctl(h, IOCTL_REFDRV_DMA_FROM_DEVICE, &r, sizeof(r), in + off, (DWORD)len, &got));
	CHECK(got == len);
	CHECK(memcmp(in + off, out + off, len) == 0);
	free(out);
	free(in);
}

/* ---- scenarios ---- */

struct basic {
	ULONG want_mode, want_messages;
	REFDRV_INFO info;
};

static void basic_app(void *arg)
{
	struct basic *b = arg;
	struct refdev *rd = platform_system_refdev(sys, 0);
	static const char check[] = "123456789";
	ULONG v = 0x12345678, res = 0;
	REFDRV_RANGE cr = { .DeviceOffset = 100, .Length = 9 };
	HANDLE h;

	CHECK(load() == 0);
	h = open_dev(0);
	CHECK(h != INVALID_HANDLE_VALUE);
	if (h == INVALID_HANDLE_VALUE)
		return;
	CHECK(ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &b->info, sizeof(b->info), NULL));
	CHECK(b->info.Mode == b->want_mode);
	CHECK(b->info.MessageCount == b->want_messages);
	CHECK(b->info.SramBytes == 1024 * 1024);
	CHECK(ioctl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res), NULL));
	CHECK(res == ~0x12345678u);
	memcpy(refdev_sram(rd) + 100, check, 9);
	res = 0;
	CHECK(ioctl(h, IOCTL_REFDRV_CHECKSUM, &cr, sizeof(cr), &res, sizeof(res), NULL));
	CHECK(res == 0xCBF43926u);
	v = 20; /* us */
	res = 0;
	CHECK(ioctl(h, IOCTL_REFDRV_TIMER, &v, sizeof(v), &res, sizeof(res), NULL));
	CHECK(res != 0); /* the device's interrupt count when it fired */
	dma_round_trip(h, rd, 1, 0, 0, 1);
	dma_round_trip(h, rd, 4096, 0, 4096, 2);
	dma_round_trip(h, rd, 64 * 1024 + 123, 4000, 777, 3);
	CHECK(ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &b->info, sizeof(b->info), NULL));
	CHECK(CloseHandle(h));
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	CHECK(!hostos_driver_loaded(drv));
}

/* After removal and unload: nothing left (the verifier's unload sweep). */
static void assert_nothing_left(void)
{
	struct hostos_unload_report rep;

	assert_int_equal(hostos_unload_sweep(os, &rep), 0);
	if (rep.count)
		fail_msg("left behind: %s", rep.item[0].what);
	hostos_assert_no_bugcheck(os);
}

static void check_mode(const struct setup *s, ULONG mode, ULONG messages)
{
	struct basic b = { .want_mode = mode, .want_messages = messages };

	up(s);
	run_app(basic_app, &b);
	assert_true(b.info.Interrupts > 0);
	assert_true(b.info.Dpcs > 0);
	assert_nothing_left();
	down();
}

static void test_msix_message_per_cause(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };

	(void)state;
	check_mode(&s, REFDRV_MODE_MSI_MULTI, 8);
}

static void test_msi_message_per_cause(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = false };

	(void)state;
	check_mode(&s, REFDRV_MODE_MSI_MULTI, 8);
}

static void test_single_message(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = false, .message_limit = 1 };

	(void)state;
	check_mode(&s, REFDRV_MODE_MSI_SINGLE, 1);
}

static void test_line(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = false, .msix = true };

	(void)state;
	check_mode(&s, REFDRV_MODE_LINE, 0);
}

/* Sizes 1 B .. 1 MiB at odd page offsets, one request each. */
static void sizes_app(void *arg)
{
	static const size_t sizes[] = { 1, 2, 3, 511, 4095, 4096, 4097, 65536, 300000, 1048576 };
	struct refdev *rd = platform_system_refdev(sys, 0);
	HANDLE h;

	(void)arg;
	CHECK(load() == 0);
	h = open_dev(0);
	CHECK(h != INVALID_HANDLE_VALUE);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && h != INVALID_HANDLE_VALUE; i++)
		dma_round_trip(h, rd, sizes[i], sizes[i] == 1048576 ? 0 : (i * 1237) % 4096, 0, i);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
}

static void test_dma_sizes(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };

	(void)state;
	up(&s);
	run_app(sizes_app, NULL);
	down();
}

/* A device limited to 32 bits (Dma64 = 0 in its hardware key) and every
 * buffer above 4 GiB: the adapter bounces through map registers. */
static void test_dma32_bounce(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true, .high_pool = true,
				 .dma32 = true };

	(void)state;
	up(&s);
	run_app(sizes_app, NULL);
	assert_int_equal(platform_system_refdev(sys, 0)->stats.errors[REFDEV_ERR_DMA_ADDR32], 0);
	down();
}

/* Two devices on one INTx input (devices 0 and 4 swizzle to the same
 * pin): both drivers' ISRs share it and each claims only its own. */
static void shared_app(void *arg)
{
	HANDLE h0, h1;
	ULONG v, res;

	(void)arg;
	CHECK(load() == 0);
	h0 = open_dev(0);
	h1 = open_dev(1);
	CHECK(h0 != INVALID_HANDLE_VALUE && h1 != INVALID_HANDLE_VALUE);
	for (ULONG i = 0; i < 20 && h0 != INVALID_HANDLE_VALUE && h1 != INVALID_HANDLE_VALUE; i++) {
		v = i;
		CHECK(ioctl(i & 1 ? h1 : h0, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res),
			    NULL));
		CHECK(res == ~i);
	}
	CloseHandle(h0);
	CloseHandle(h1);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 1)) == 0);
}

static void test_shared_intx(void **state)
{
	const struct setup s = { .n_devices = 2, .msi = false, .msix = true };

	(void)state;
	up(&s);
	run_app(shared_app, NULL);
	down();
}

/* ---- every allocation site failing once ---- */

/* A short life: load (start), ECHO, DMA both ways, close, remove. Any
 * step may fail when an allocation is refused; none may crash or bug
 * check, and nothing may be left. */
static void short_app(void *arg)
{
	struct refdev *rd = platform_system_refdev(sys, 0);
	uint8_t *buf = aligned_alloc(4096, 3 * 4096);
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	ULONG v = 7, res = 0;
	DWORD got = 0;
	HANDLE h;

	(void)arg;
	(void)rd;
	if (!buf)
		return;
	memset(buf, 0x5A, 3 * 4096);
	(void)load();
	h = open_dev(0);
	if (h != INVALID_HANDLE_VALUE) {
		if (ioctl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res), NULL))
			CHECK(res == ~7u);
		(void)ioctl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r), buf + 100, 8000, &got);
		(void)ioctl(h, IOCTL_REFDRV_DMA_FROM_DEVICE, &r, sizeof(r), buf + 100, 8000, &got);
		CloseHandle(h);
	}
	if (hostos_device_fdo(platform_system_pdo_device(sys, 0)) !=
	    hostos_device_pdo(platform_system_pdo_device(sys, 0)))
		CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	free(buf);
}

static int fault_body(struct hostos_fault_plan *plan, void *arg)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };
	struct hostos_unload_report rep;
	int bad;

	(void)arg;
	up(&s);
	if (hostos_fault_use_plan(os, plan)) {
		down();
		return 1;
	}
	assert_int_equal(hostos_thread_start(os, "app", short_app, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
	bad = hostos_last_bugcheck(os) != NULL || fail_line != 0;
	if (!bad) {
		hostos_unload_sweep(os, &rep);
		bad = rep.count != 0;
		if (bad)
			fprintf(stderr, "left behind: %s\n", rep.item[0].what);
	}
	down();
	return bad;
}

static void test_every_fault_site(void **state)
{
	struct hostos_fault_sweep_result r;

	(void)state;
	assert_int_equal(hostos_for_fault_sites(HOSTOS_FAULT_ALL, 0, fault_body, NULL, &r), 0);
	assert_int_equal(r.failed_run, -1);
	/* the page table's common buffer and the lists' map registers at least */
	assert_true(r.sites >= 2);
	assert_true(r.injected >= 2);
	print_message("refdrv: %u allocation sites, %u runs, %u injected\n", r.sites, r.runs,
		      r.injected);
}

/* Fewer map registers than a 1 MiB transfer needs: the large request
 * fails cleanly (the driver does not split), smaller ones still work. */
static void few_regs_app(void *arg)
{
	struct refdev *rd = platform_system_refdev(sys, 0);
	uint8_t *buf = aligned_alloc(4096, 1024 * 1024);
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	REFDRV_INFO info;
	DWORD got = 0;
	HANDLE h;

	(void)arg;
	CHECK(load() == 0);
	h = open_dev(0);
	CHECK(h != INVALID_HANDLE_VALUE && buf);
	if (h == INVALID_HANDLE_VALUE || !buf) {
		free(buf);
		return;
	}
	CHECK(ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &info, sizeof(info), NULL));
	CHECK(info.MapRegisters == 16);
	CHECK(!ioctl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r), buf, 1024 * 1024, &got));
	CHECK(GetLastError() != ERROR_SUCCESS);
	dma_round_trip(h, rd, 8192, 0, 0, 9);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	free(buf);
}

static void test_few_map_registers(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };

	(void)state;
	up(&s);
	assert_int_equal(hostos_fault_set_map_registers(os, 16), SIM_OK);
	run_app(few_regs_app, NULL);
	assert_nothing_left();
	down();
}

/* ---- errors from the bus, seen through the driver ---- */

/* Every buffer above 4 GiB and that range made to answer Unsupported
 * Request: the device's reads complete with UR, it ends DMA_READ with
 * DMA_ABORT (spec "Errors"), the driver completes the request with an
 * error; its writes there are dropped by the root complex while the
 * device sees success (spec "DMA through the page table"), so the request
 * succeeds and the bytes never arrive. Without the fault, the same
 * requests work again. */
static void bus_error_app(void *arg)
{
	struct refdev *rd = platform_system_refdev(sys, 0);
	uint32_t *fault = arg;
	uint8_t *buf = aligned_alloc(4096, 8192);
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	REFDRV_INFO info;
	DWORD got = 0;
	HANDLE h;

	CHECK(load() == 0);
	h = open_dev(0);
	CHECK(h != INVALID_HANDLE_VALUE && buf);
	if (h == INVALID_HANDLE_VALUE || !buf) {
		free(buf);
		return;
	}
	memset(buf, 0x11, 8192);
	CHECK(!ioctl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r), buf, 8192, &got));
	CHECK(ioctl(h, IOCTL_REFDRV_INFO, NULL, 0, &info, sizeof(info), NULL));
	CHECK(info.Errors == 1);
	CHECK(rd->stats.errors[REFDEV_ERR_DMA_ABORT] == 1);
	memset(refdev_sram(rd), 0x22, 8192);
	memset(buf, 0xEE, 8192);
	CHECK(ioctl(h, IOCTL_REFDRV_DMA_FROM_DEVICE, &r, sizeof(r), buf, 8192, &got));
	CHECK(got == 8192);
	CHECK(buf[0] == 0xEE && buf[8191] == 0xEE); /* dropped on the way */
	CHECK(bus_fault_remove(platform_decode(platform_system_machine(sys)), *fault) == SIM_OK);
	dma_round_trip(h, rd, 8192, 0, 0, 5);
	CloseHandle(h);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	free(buf);
}

static void test_bus_errors_through_driver(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true, .high_pool = true };
	uint32_t fault = 0;

	(void)state;
	up(&s);
	assert_int_equal(bus_fault_add(platform_decode(platform_system_machine(sys)), 4 * GIB, GIB,
				       BUS_FAULT_UNSUPPORTED_REQUEST, &fault),
			 SIM_OK);
	run_app(bus_error_app, &fault);
	assert_nothing_left();
	down();
}

/* ---- ISR/DPC races under many schedules ---- */

/* Two applications on two CPUs at once: ECHOs through StartIo on one,
 * TIMER inverted calls beside the queue on the other, with MSI-X messages
 * spread over both CPUs, so an ISR on one CPU races the DPC and the
 * dispatch routines on the other over the interrupt-lock and spin-lock
 * state. Every result must be right under every schedule. */
struct race {
	int bad;
};

static void race_echo(void *arg)
{
	struct race *r = arg;
	HANDLE h = open_dev(0);
	ULONG v, res;

	if (h == INVALID_HANDLE_VALUE) {
		r->bad++;
		return;
	}
	for (ULONG i = 0; i < 12; i++) {
		v = 0x1000 + i;
		res = 0;
		if (!ioctl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res), NULL) ||
		    res != ~v)
			r->bad++;
	}
	CloseHandle(h);
}

static void race_timer(void *arg)
{
	struct race *r = arg;
	HANDLE h = open_dev(0);
	ULONG v, res;

	if (h == INVALID_HANDLE_VALUE) {
		r->bad++;
		return;
	}
	for (int i = 0; i < 6; i++) {
		v = 1 + (ULONG)i;
		if (!ioctl(h, IOCTL_REFDRV_TIMER, &v, sizeof(v), &res, sizeof(res), NULL))
			r->bad++;
	}
	CloseHandle(h);
}

static void race_load(void *arg)
{
	struct race *r = arg;

	if (load() != 0)
		r->bad++;
}

static void race_remove(void *arg)
{
	struct race *r = arg;

	if (hostos_pnp_remove(platform_system_pdo_device(sys, 0)) != 0)
		r->bad++;
}

static int race_seed(uint64_t seed, void *arg)
{
	struct refdev_config rc;
	struct hostos_config hc;
	const struct platform_system_device dev = {
		.model = PLATFORM_MODEL_REFDEV, .device = 0, .refdev = &rc, .msi_supported = true,
	};
	struct platform_system_desc d = { .devices = &dev, .n_devices = 1, .cpus = 2, .os = &hc };
	struct hostos_unload_report rep;
	struct race r = { 0 };
	int bad;

	(void)arg;
	refdev_config_default(&rc);
	hostos_config_default(&hc);
	hc.seed = seed;
	if (platform_system_build(&sys, &d))
		return 1;
	os = platform_system_os(sys);
	hostos_thread_start(os, "load", race_load, &r, 0, NULL);
	hostos_run(os);
	hostos_thread_start(os, "echo", race_echo, &r, 0, NULL);
	hostos_thread_start(os, "timer", race_timer, &r, 1, NULL);
	hostos_run(os);
	hostos_thread_start(os, "remove", race_remove, &r, 0, NULL);
	hostos_run(os);
	bad = r.bad || hostos_last_bugcheck(os) != NULL;
	if (!bad) {
		hostos_unload_sweep(os, &rep);
		bad = rep.count != 0 || hostos_last_bugcheck(os) != NULL;
	}
	platform_system_destroy(sys);
	sys = NULL;
	return bad;
}

static void test_races_under_seeds(void **state)
{
	uint64_t failed = 0;

	(void)state;
	assert_int_equal(hostos_for_seeds(1, 24, race_seed, NULL, &failed), 0);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msix_message_per_cause),
		cmocka_unit_test(test_msi_message_per_cause),
		cmocka_unit_test(test_single_message),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_dma_sizes),
		cmocka_unit_test(test_dma32_bounce),
		cmocka_unit_test(test_shared_intx),
		cmocka_unit_test(test_every_fault_site),
		cmocka_unit_test(test_few_map_registers),
		cmocka_unit_test(test_races_under_seeds),
		cmocka_unit_test(test_bus_errors_through_driver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
