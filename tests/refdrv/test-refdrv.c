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
#include "hostos/devices.h"
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
#include "sim/kernel.h"

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
	uint32_t moderation_us;   /* registry InterruptModerationUs; 0: absent */
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
	for (unsigned i = 0; s->moderation_us && i < s->n_devices; i++) {
		char path[256];

		assert_int_equal(hostos_device_reg_path(platform_system_pdo_device(sys, i), 1, path,
							sizeof(path)),
				 SIM_OK);
		assert_int_equal(hostos_reg_set_dword(os, path, "InterruptModerationUs",
						      s->moderation_us),
				 SIM_OK);
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

/* ---- interrupt moderation (registry InterruptModerationUs) ---- */

/* Rounds of MOD_DEPTH requests outstanding at once (overlapped I/O), to
 * the device and back, each of MOD_LEN bytes at page offset MOD_OFF into
 * its own SRAM range; every byte is checked in SRAM and back. */
#define MOD_DEPTH 8u
#define MOD_LEN 3000u
#define MOD_OFF 1000u
#define MOD_SLOT 8192u

struct modq {
	unsigned rounds;
	REFDRV_INFO info;
	uint64_t requests;        /* DMA requests completed */
	uint64_t deliveries;      /* interrupts delivered meanwhile */
};

/* Submit one overlapped DMA request of slot @i; wait for it later. */
static void mod_submit(HANDLE h, DWORD code, unsigned i, uint8_t *data, OVERLAPPED *ov)
{
	REFDRV_RANGE r = { .DeviceOffset = i * MOD_SLOT + 7, .Length = 0 };
	DWORD got = 0;

	memset(ov, 0, offsetof(OVERLAPPED, hEvent));
	if (!DeviceIoControl(h, code, &r, sizeof(r), data, MOD_LEN, &got, ov))
		CHECK(GetLastError() == ERROR_IO_PENDING);
}

static void mod_wait_all(HANDLE h, OVERLAPPED *ov, struct modq *m)
{
	for (unsigned i = 0; i < MOD_DEPTH; i++) {
		DWORD got = 0;

		CHECK(GetOverlappedResult(h, &ov[i], &got, TRUE));
		CHECK(got == MOD_LEN);
		m->requests++;
	}
}

static void modq_app(void *arg)
{
	struct modq *m = arg;
	struct refdev *rd = platform_system_refdev(sys, 0);
	uint8_t *out = aligned_alloc(4096, MOD_DEPTH * 2 * 4096);
	uint8_t *in = aligned_alloc(4096, MOD_DEPTH * 2 * 4096);
	OVERLAPPED ov[MOD_DEPTH];
	struct hostos_intr_stats before, after;
	HANDLE h;

	memset(ov, 0, sizeof(ov));
	CHECK(load() == 0);
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	CHECK(h != INVALID_HANDLE_VALUE && out && in);
	for (unsigned i = 0; i < MOD_DEPTH; i++) {
		ov[i].hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
		CHECK(ov[i].hEvent != NULL);
	}
	hostos_interrupt_stats(os, &before);
	for (unsigned r = 0; r < m->rounds && h != INVALID_HANDLE_VALUE && out && in; r++) {
		for (unsigned i = 0; i < MOD_DEPTH; i++) {
			uint8_t *o = out + i * 8192 + MOD_OFF;

			for (size_t j = 0; j < MOD_LEN; j++)
				o[j] = pattern(j, r * MOD_DEPTH + i);
			mod_submit(h, IOCTL_REFDRV_DMA_TO_DEVICE, i, o, &ov[i]);
		}
		mod_wait_all(h, ov, m);
		for (unsigned i = 0; i < MOD_DEPTH; i++)
			CHECK(memcmp(refdev_sram(rd) + i * MOD_SLOT + 7, out + i * 8192 + MOD_OFF,
				     MOD_LEN) == 0);
		memset(in, 0xEE, MOD_DEPTH * 2 * 4096);
		for (unsigned i = 0; i < MOD_DEPTH; i++)
			mod_submit(h, IOCTL_REFDRV_DMA_FROM_DEVICE, i, in + i * 8192 + MOD_OFF,
				   &ov[i]);
		mod_wait_all(h, ov, m);
		for (unsigned i = 0; i < MOD_DEPTH; i++)
			CHECK(memcmp(in + i * 8192 + MOD_OFF, out + i * 8192 + MOD_OFF, MOD_LEN) ==
			      0);
	}
	hostos_interrupt_stats(os, &after);
	m->deliveries = after.deliveries - before.deliveries;
	if (h != INVALID_HANDLE_VALUE) {
		CHECK(DeviceIoControl(h, IOCTL_REFDRV_INFO, NULL, 0, &m->info, sizeof(m->info),
				      NULL, &ov[0]) ||
		      GetLastError() == ERROR_IO_PENDING);
		CloseHandle(h);
	}
	for (unsigned i = 0; i < MOD_DEPTH; i++)
		if (ov[i].hEvent)
			CloseHandle(ov[i].hEvent);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	CHECK(!hostos_driver_loaded(drv));
	free(out);
	free(in);
}

static void check_moderation(const struct setup *s, struct modq *m)
{
	up(s);
	run_app(modq_app, m);
	assert_nothing_left();
	assert_int_equal(m->requests, 2 * MOD_DEPTH * m->rounds);
	down();
}

/* Moderation off (no registry value): an interrupt per completion, none
 * found by polling. */
static void test_moderation_off(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };
	struct modq m = { .rounds = 4 };

	(void)state;
	check_moderation(&s, &m);
	assert_int_equal(m.info.ModerationUs, 0);
	assert_int_equal(m.info.Polled, 0);
	assert_true(m.deliveries >= m.requests);
}

/* On, in each interrupt mode (the ISRs take causes differently in each):
 * every byte right, fewer interrupts than requests, completions found by
 * the DPC's polling, nothing left after removal. */
static void moderation_on(const struct setup *s)
{
	struct modq m = { .rounds = 4 };

	check_moderation(s, &m);
	assert_int_equal(m.info.ModerationUs, 20);
	assert_true(m.info.Polled > 0);
	assert_true(m.deliveries < m.requests);
	print_message("moderation 20 us: %llu requests, %llu interrupts, %u polled\n",
		      (unsigned long long)m.requests, (unsigned long long)m.deliveries,
		      (unsigned)m.info.Polled);
}

static void test_moderation_msix(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true, .moderation_us = 20 };

	(void)state;
	moderation_on(&s);
}

static void test_moderation_single_message(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = false, .message_limit = 1,
				 .moderation_us = 20 };

	(void)state;
	moderation_on(&s);
}

static void test_moderation_line(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = false, .msix = true, .moderation_us = 20 };

	(void)state;
	moderation_on(&s);
}

/* A DPC polls at most 100 us, whatever the registry says. */
static void test_moderation_capped(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true,
				 .moderation_us = 5000 };
	struct modq m = { .rounds = 1 };

	(void)state;
	check_moderation(&s, &m);
	assert_int_equal(m.info.ModerationUs, 100);
}

/* The device pulled from its slot while a DPC polls for a batch of
 * completions: the poll reads all ones (nothing taken) and the stop path,
 * on the other CPU, stops it (Stopping) before disconnecting the
 * interrupt; every request completes (done, or failed), nothing bug
 * checks, and once the handle closes nothing is left. */
#define PULL_LEN (64u * 1024u)

struct pull {
	struct sim_event ev;
	unsigned ok, failed;
	bool fired;
};

static void pull_device(struct sim_kernel *k, void *opaque)
{
	struct pull *p = opaque;

	(void)k;
	p->fired = true;
	platform_remove_function(platform_system_machine(sys), 0, 0, 0);
	hostos_pnp_surprise_remove(platform_system_pdo_device(sys, 0));
}

static void pull_app(void *arg)
{
	struct pull *p = arg;
	struct sim_kernel *k = platform_system_kernel(sys);
	uint8_t *buf = aligned_alloc(4096, MOD_DEPTH * PULL_LEN);
	OVERLAPPED ov[MOD_DEPTH];
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	HANDLE h;

	memset(ov, 0, sizeof(ov));
	CHECK(load() == 0);
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	CHECK(h != INVALID_HANDLE_VALUE && buf);
	if (h == INVALID_HANDLE_VALUE || !buf) {
		free(buf);
		return;
	}
	memset(buf, 0x44, MOD_DEPTH * PULL_LEN);
	sim_event_init(k, &p->ev, "test.pull", pull_device, p);
	/* 64 KiB take about 11 us each: after the first interrupt, while the
	 * DPC polls for the rest of the batch */
	CHECK(sim_event_schedule_at(&p->ev, sim_now(k) + SIM_US(30)) == SIM_OK);
	for (unsigned i = 0; i < MOD_DEPTH; i++) {
		ov[i].hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
		if (!DeviceIoControl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r),
				     buf + i * PULL_LEN, PULL_LEN, NULL, &ov[i]))
			CHECK(GetLastError() == ERROR_IO_PENDING);
	}
	for (unsigned i = 0; i < MOD_DEPTH; i++) {
		DWORD got = 0;

		if (GetOverlappedResult(h, &ov[i], &got, TRUE))
			p->ok++;
		else
			p->failed++;
		CloseHandle(ov[i].hEvent);
	}
	CloseHandle(h);     /* the last handle: IRP_MN_REMOVE_DEVICE */
	sim_event_destroy(&p->ev);
	free(buf);
}

static void test_moderation_surprise_removal(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true, .cpus = 2,
				 .moderation_us = 100 };
	struct pull p;

	(void)state;
	memset(&p, 0, sizeof(p));
	up(&s);
	run_app(pull_app, &p);
	assert_true(p.fired);
	assert_int_equal(p.ok + p.failed, MOD_DEPTH);
	assert_true(p.ok >= 1 && p.failed >= 1);
	assert_false(hostos_driver_loaded(drv));
	assert_nothing_left();
	print_message("pulled mid-batch: %u requests done, %u failed\n", p.ok, p.failed);
	down();
}

/* ---- the device's own errors, through the driver ---- */

/* The driver checks every range it gives the device (the SRAM range and
 * length at dispatch, page-aligned table entries built from the adapter's
 * list, an offset below 4 KiB, a page-aligned table in a common buffer),
 * so the device can never see a DMA_RANGE from its programming. The test
 * provokes one as a fault would: while a 1 MiB DMA_READ runs, an entry
 * the device has not fetched yet (entry 200 of 256; it fetches 64 entries
 * per 512-byte read, as it needs them) gets a non-zero low 12 bits in
 * host memory. Spec (refdev.md, DMA through the page table): the transfer
 * stops at that page with DMA_RANGE and DMA_BYTES says how far it got;
 * Errors: STATUS.ERROR, the code in STATUS bits 15:8, INT_STATUS.ERROR.
 * The driver fails the request with STATUS_INVALID_PARAMETER (intr.c
 * maps each code), the bytes moved as Information, counts the error and
 * clears INT_STATUS.ERROR; the next request works. */
#define BAD_ENTRY 200u

struct range_fault {
	struct sim_event ev;
	struct refdev *rd;
	unsigned index;           /* the entry to spoil */
	unsigned watch;           /* >0: wait for BUSY, checking every 100 ns */
	bool fired, busy;         /* it fired while the command ran */
	uint64_t entry;           /* what the table held */
};

static void corrupt_entry(struct sim_kernel *k, void *opaque)
{
	struct range_fault *f = opaque;
	uint64_t table = (uint64_t)f->rd->table_hi << 32 | f->rd->table_lo;
	struct bus_mem *mem = platform_mem(platform_system_machine(sys));
	uint64_t bad;

	if (f->watch && !f->rd->busy) {
		f->watch--;
		sim_event_schedule_at(&f->ev, sim_now(k) + SIM_NS(100));
		return;
	}
	f->fired = true;
	f->busy = f->rd->busy;
	if (bus_mem_read(mem, table + 8 * f->index, &f->entry, 8))
		return;
	bad = f->entry | 0x800;
	bus_mem_write(mem, table + 8 * f->index, &bad, 8);
}

struct range_run {
	struct range_fault f;
	REFDRV_INFO info;
	OVERLAPPED ov;
	uint32_t status;          /* the failed request's NTSTATUS */
	uint64_t information;     /* and its Information */
	uint32_t int_status, dma_bytes;
	bool error_bit;
	uint8_t code;
	/* the same, device to host, entry 100 */
	struct range_fault f2;
	uint32_t status2, dma_bytes2, int_status2;
	uint64_t information2;
	uint8_t code2;
};

static void range_app(void *arg)
{
	struct range_run *rr = arg;
	struct refdev *rd = platform_system_refdev(sys, 0);
	struct sim_kernel *k = platform_system_kernel(sys);
	uint8_t *buf = aligned_alloc(4096, MIB);
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	DWORD got = 0;
	HANDLE h;

	CHECK(load() == 0);
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	CHECK(h != INVALID_HANDLE_VALUE && buf);
	if (h == INVALID_HANDLE_VALUE || !buf) {
		free(buf);
		return;
	}
	for (size_t i = 0; i < MIB; i++)
		buf[i] = pattern(i, 11);
	memset(refdev_sram(rd), 0x5A, MIB);
	rr->ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	rr->f.rd = rd;
	rr->f.index = BAD_ENTRY;
	sim_event_init(k, &rr->f.ev, "test.corrupt-entry", corrupt_entry, &rr->f);
	CHECK(sim_event_schedule_at(&rr->f.ev, sim_now(k) + SIM_US(20)) == SIM_OK);
	if (!DeviceIoControl(h, IOCTL_REFDRV_DMA_TO_DEVICE, &r, sizeof(r), buf, MIB, &got, &rr->ov))
		CHECK(GetLastError() == ERROR_IO_PENDING);
	CHECK(!GetOverlappedResult(h, &rr->ov, &got, TRUE));
	CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
	rr->status = (uint32_t)rr->ov.Internal;
	rr->information = rr->ov.InternalHigh;
	/* what the device shows once the driver is done with the error */
	rr->int_status = rd->int_status;
	rr->dma_bytes = rd->dma_bytes;
	rr->error_bit = rd->error;
	rr->code = rd->err_code;
	memset(&rr->ov, 0, offsetof(OVERLAPPED, hEvent));
	CHECK(DeviceIoControl(h, IOCTL_REFDRV_INFO, NULL, 0, &rr->info, sizeof(rr->info), NULL,
			      &rr->ov) ||
	      GetLastError() == ERROR_IO_PENDING);
	CloseHandle(h);
	h = open_dev(0);
	CHECK(h != INVALID_HANDLE_VALUE);
	/* nothing moved past the bad page */
	CHECK(memcmp(refdev_sram(rd), buf, BAD_ENTRY * 4096) == 0);
	CHECK(refdev_sram(rd)[BAD_ENTRY * 4096] == 0x5A && refdev_sram(rd)[MIB - 1] == 0x5A);
	/* the driver writes the table afresh: the same request works */
	if (h != INVALID_HANDLE_VALUE)
		dma_round_trip(h, rd, MIB, 0, 0, 12);
	CloseHandle(h);
	/* Device to host: its table reads wait behind no data reads, so
	 * they may all come early (20 us in was too late); the entry is
	 * spoilt as soon as the command is accepted (BUSY), within its
	 * 500 ns command latency. */
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	CHECK(h != INVALID_HANDLE_VALUE);
	rr->f2.rd = rd;
	rr->f2.index = 100;
	rr->f2.watch = 1000;
	sim_event_init(k, &rr->f2.ev, "test.corrupt-entry-2", corrupt_entry, &rr->f2);
	CHECK(sim_event_schedule_at(&rr->f2.ev, sim_now(k)) == SIM_OK);
	memset(&rr->ov, 0, offsetof(OVERLAPPED, hEvent));
	if (!DeviceIoControl(h, IOCTL_REFDRV_DMA_FROM_DEVICE, &r, sizeof(r), buf, MIB, &got,
			     &rr->ov))
		CHECK(GetLastError() == ERROR_IO_PENDING);
	CHECK(!GetOverlappedResult(h, &rr->ov, &got, TRUE));
	rr->status2 = (uint32_t)rr->ov.Internal;
	rr->information2 = rr->ov.InternalHigh;
	rr->dma_bytes2 = rd->dma_bytes;
	rr->int_status2 = rd->int_status;
	rr->code2 = rd->err_code;
	CloseHandle(h);
	h = open_dev(0);
	if (h != INVALID_HANDLE_VALUE)
		dma_round_trip(h, rd, 8192, 100, 0, 13);
	CloseHandle(h);
	CloseHandle(rr->ov.hEvent);
	sim_event_destroy(&rr->f.ev);
	sim_event_destroy(&rr->f2.ev);
	CHECK(hostos_pnp_remove(platform_system_pdo_device(sys, 0)) == 0);
	free(buf);
}

static void test_dma_range_through_driver(void **state)
{
	const struct setup s = { .n_devices = 1, .msi = true, .msix = true };
	struct range_run rr;

	(void)state;
	memset(&rr, 0, sizeof(rr));
	up(&s);
	run_app(range_app, &rr);
	assert_true(rr.f.fired);
	assert_true(rr.f.busy);               /* corrupted during the transfer */
	assert_int_equal(rr.f.entry & 0xFFF, 0);
	/* the request: STATUS_INVALID_PARAMETER, DMA_BYTES as Information */
	assert_int_equal(rr.status, 0xC000000Du); /* STATUS_INVALID_PARAMETER */
	assert_int_equal(rr.dma_bytes, BAD_ENTRY * 4096);
	assert_int_equal(rr.information, rr.dma_bytes);
	/* Errors table: STATUS.ERROR and its code kept, INT_STATUS.ERROR
	 * cleared by the driver's ISR */
	assert_true(rr.error_bit);
	assert_int_equal(rr.code, REFDEV_ERR_DMA_RANGE);
	assert_int_equal(rr.int_status & REFDEV_INT_ERROR, 0);
	assert_int_equal(rr.info.Errors, 1);
	/* device to host */
	assert_true(rr.f2.fired && rr.f2.busy);
	assert_int_equal(rr.status2, 0xC000000Du);
	assert_int_equal(rr.dma_bytes2, 100 * 4096);
	assert_int_equal(rr.information2, rr.dma_bytes2);
	assert_int_equal(rr.code2, REFDEV_ERR_DMA_RANGE);
	assert_int_equal(rr.int_status2 & REFDEV_INT_ERROR, 0);
	assert_int_equal(platform_system_refdev(sys, 0)->stats.errors[REFDEV_ERR_DMA_RANGE], 2);
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

static uint64_t race_polled; /* completions the moderated runs polled */

/* The same with four ECHOs outstanding at once (overlapped), so that with
 * moderation the DPC polls for the next while the other CPU's TIMER
 * interrupts and inverted calls come and go. */
static void race_echo_queued(void *arg)
{
	struct race *r = arg;
	HANDLE h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL,
			       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	OVERLAPPED ov[4];
	ULONG v[4], res[4];

	memset(ov, 0, sizeof(ov));
	if (h == INVALID_HANDLE_VALUE) {
		r->bad++;
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		ov[i].hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	for (ULONG round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 4; i++) {
			v[i] = 0x2000 + round * 4 + i;
			res[i] = 0;
			memset(&ov[i], 0, offsetof(OVERLAPPED, hEvent));
			if (!DeviceIoControl(h, IOCTL_REFDRV_ECHO, &v[i], sizeof(v[i]), &res[i],
					     sizeof(res[i]), NULL, &ov[i]) &&
			    GetLastError() != ERROR_IO_PENDING)
				r->bad++;
		}
		for (unsigned i = 0; i < 4; i++) {
			DWORD got = 0;

			if (!GetOverlappedResult(h, &ov[i], &got, TRUE) || res[i] != ~v[i])
				r->bad++;
		}
	}
	{
		REFDRV_INFO info;
		DWORD got = 0;

		memset(&ov[0], 0, offsetof(OVERLAPPED, hEvent));
		if ((DeviceIoControl(h, IOCTL_REFDRV_INFO, NULL, 0, &info, sizeof(info), NULL,
				     &ov[0]) ||
		     GetLastError() == ERROR_IO_PENDING) &&
		    GetOverlappedResult(h, &ov[0], &got, TRUE))
			race_polled += info.Polled;
		else
			r->bad++;
	}
	for (unsigned i = 0; i < 4; i++)
		if (ov[i].hEvent)
			CloseHandle(ov[i].hEvent);
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
	const uint32_t *moderation_us = arg;
	int bad;

	refdev_config_default(&rc);
	hostos_config_default(&hc);
	hc.seed = seed;
	if (platform_system_build(&sys, &d))
		return 1;
	os = platform_system_os(sys);
	if (*moderation_us) {
		char path[256];

		if (hostos_device_reg_path(platform_system_pdo_device(sys, 0), 1, path,
					   sizeof(path)) ||
		    hostos_reg_set_dword(os, path, "InterruptModerationUs", *moderation_us)) {
			platform_system_destroy(sys);
			return 1;
		}
	}
	hostos_thread_start(os, "load", race_load, &r, 0, NULL);
	hostos_run(os);
	hostos_thread_start(os, "echo", *moderation_us ? race_echo_queued : race_echo, &r, 0,
			    NULL);
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
	uint32_t moderation_us = 0;
	uint64_t failed = 0;

	(void)state;
	assert_int_equal(hostos_for_seeds(1, 24, race_seed, &moderation_us, &failed), 0);
	assert_int_equal(failed, 0);
}

/* With moderation: a DPC polling on one CPU while the other takes TIMER
 * interrupts and starts requests. */
static void test_races_moderated(void **state)
{
	uint32_t moderation_us = 10;
	uint64_t failed = 0;

	(void)state;
	race_polled = 0;
	assert_int_equal(hostos_for_seeds(1, 24, race_seed, &moderation_us, &failed), 0);
	assert_int_equal(failed, 0);
	assert_true(race_polled > 0);
	print_message("moderated races: %llu completions polled over 24 seeds\n",
		      (unsigned long long)race_polled);
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
		cmocka_unit_test(test_moderation_off),
		cmocka_unit_test(test_moderation_msix),
		cmocka_unit_test(test_moderation_single_message),
		cmocka_unit_test(test_moderation_line),
		cmocka_unit_test(test_moderation_capped),
		cmocka_unit_test(test_races_moderated),
		cmocka_unit_test(test_moderation_surprise_removal),
		cmocka_unit_test(test_dma_range_through_driver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
