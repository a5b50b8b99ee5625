/*
 * tests/refdrv/test-refdrv-bugs.c - the reference driver with a seeded bug
 * (examples/refdrv/refdrv-internal.h, REFDRV_SEEDED_BUG), built once per
 * bug; each build expects the mock's verifier (1-3) or the device (4) to
 * catch its bug:
 *   1  the line-based ISR never clears INT_STATUS: INTA# stays asserted,
 *      the ISR claims every redelivery: an interrupt storm, 0xF2
 *      (P1 = the ISR, P4 = 1: it was alone on its line);
 *   2  KeAcquireSpinLockAtDpcLevel at PASSIVE_LEVEL: 0xC4/0x40
 *      (P2 = the IRQL, 0);
 *   3  pool allocated in AddDevice and never freed: the unload sweep's
 *      0xC4/0x62 (P4 = the one allocation left);
 *   4  the DMA adapter asked for 64-bit addresses (Dma64 = 1) while
 *      CTRL.DMA64 stays 0: with every buffer above 4 GiB the device stops
 *      each transfer with DMA_ADDR32 (refdev.md, Errors: code 5) before
 *      moving everything; the driver fails the request with
 *      STATUS_DEVICE_CONFIGURATION_ERROR (its mapping of code 5), the
 *      bytes moved as Information, counts and logs the error, clears
 *      INT_STATUS.ERROR, and keeps working: requests without DMA succeed,
 *      the next DMA fails the same way, removal leaves nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"
#include "model/refdev.h"
#include "platform/system.h"

#include "examples/refdrv/refdrv-entry.h"
#include "examples/refdrv/refdrv.h"

#ifndef SEEDED_BUG
#error "built with -DSEEDED_BUG=n by tests/refdrv/meson.build"
#endif

static struct platform_system *sys;
static struct hostos *os;

#if SEEDED_BUG != 4
static void up(bool msi, unsigned storm_passes)
{
	struct hostos_config hc;
	const struct platform_system_device dev = {
		.model = PLATFORM_MODEL_REFDEV, .device = 0, .msi_supported = msi,
	};
	struct platform_system_desc d = { .devices = &dev, .n_devices = 1, .os = &hc };

	hostos_config_default(&hc);
	if (storm_passes)
		hc.storm_passes = storm_passes;
	assert_int_equal(platform_system_build(&sys, &d), SIM_OK);
	os = platform_system_os(sys);
}

/* Load, one ECHO and one TIMER, close, remove: the driver's whole life. */
static void app(void *arg)
{
	const struct hostos_hwid ids[] = { { 0x1234, 0x7011, 0, 0 } };
	const struct hostos_driver_desc drv = {
		.service = "refdrv", .entry = refdrv_entry, .ids = ids, .n_ids = 1,
	};
	ULONG v = 1, res = 0;
	DWORD got;
	HANDLE h;

	(void)arg;
	if (hostos_driver_load(os, &drv, NULL) != 0)
		return;
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return;
	DeviceIoControl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res), &got, NULL);
	v = 10;
	DeviceIoControl(h, IOCTL_REFDRV_TIMER, &v, sizeof(v), &res, sizeof(res), &got, NULL);
	CloseHandle(h);
	hostos_pnp_remove(platform_system_pdo_device(sys, 0));
}

static void run(void)
{
	assert_int_equal(hostos_thread_start(os, "app", app, NULL, 0, NULL), SIM_OK);
	hostos_run(os);
}
#endif

#if SEEDED_BUG == 4
/* Bug 4: every pool page (direct I/O's buffers) above 4 GiB. */
static void up_high(void)
{
	const struct platform_system_device dev = {
		.model = PLATFORM_MODEL_REFDEV, .device = 0, .msi_supported = true,
	};
	const struct platform_system_desc d = {
		.devices = &dev, .n_devices = 1, .ram_high_bytes = 1ull << 30,
		.pool_flags = BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_ABOVE_4G,
	};

	assert_int_equal(platform_system_build(&sys, &d), SIM_OK);
	os = platform_system_os(sys);
}

#define ADDR32_LEN 8192u

struct addr32 {
	uint32_t status[2];       /* the two DMA requests' NTSTATUS */
	uint64_t information[2];
	uint32_t dma_bytes[2];    /* DMA_BYTES after each */
	uint32_t int_status;      /* after the first */
	bool error_bit;
	uint8_t code;
	bool echo_ok, checksum_ok, host_untouched;
	uint64_t debug_lines;     /* driver messages during the first */
	REFDRV_INFO info;
};

static bool overlapped_dma(HANDLE h, DWORD code, uint8_t *buf, OVERLAPPED *ov)
{
	REFDRV_RANGE r = { .DeviceOffset = 0, .Length = 0 };
	DWORD got = 0;

	memset(ov, 0, offsetof(OVERLAPPED, hEvent));
	if (!DeviceIoControl(h, code, &r, sizeof(r), buf, ADDR32_LEN, &got, ov) &&
	    GetLastError() != ERROR_IO_PENDING)
		return false;
	return GetOverlappedResult(h, ov, &got, TRUE) != 0;
}

static void addr32_app(void *arg)
{
	const struct hostos_hwid ids[] = { { 0x1234, 0x7011, 0, 0 } };
	const struct hostos_driver_desc drv = {
		.service = "refdrv", .entry = refdrv_entry, .ids = ids, .n_ids = 1,
	};
	struct addr32 *a = arg;
	struct refdev *rd = platform_system_refdev(sys, 0);
	uint8_t *buf = aligned_alloc(4096, ADDR32_LEN);
	REFDRV_RANGE cr = { .DeviceOffset = 100, .Length = 9 };
	OVERLAPPED ov;
	ULONG v = 0x1234, res = 0;
	uint64_t lines;
	HANDLE h;

	memset(&ov, 0, sizeof(ov));
	if (!buf || hostos_driver_load(os, &drv, NULL) != 0) {
		free(buf);
		return;
	}
	h = CreateFileA("\\\\.\\Refdrv0", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (h == INVALID_HANDLE_VALUE || !ov.hEvent) {
		free(buf);
		return;
	}
	memset(buf, 0x33, ADDR32_LEN);
	lines = hostos_debug_lines(os);
	if (!overlapped_dma(h, IOCTL_REFDRV_DMA_TO_DEVICE, buf, &ov)) {
		a->status[0] = (uint32_t)ov.Internal;
		a->information[0] = ov.InternalHigh;
	}
	a->debug_lines = hostos_debug_lines(os) - lines;
	a->dma_bytes[0] = rd->dma_bytes;
	a->int_status = rd->int_status;
	a->error_bit = rd->error;
	a->code = rd->err_code;
	/* requests without DMA still work */
	memset(&ov, 0, offsetof(OVERLAPPED, hEvent));
	a->echo_ok = (DeviceIoControl(h, IOCTL_REFDRV_ECHO, &v, sizeof(v), &res, sizeof(res), NULL,
				      &ov) ||
		      GetLastError() == ERROR_IO_PENDING) &&
		     GetOverlappedResult(h, &ov, (DWORD[]){ 0 }, TRUE) && res == ~0x1234u;
	memcpy(refdev_sram(rd) + 100, "123456789", 9);
	memset(&ov, 0, offsetof(OVERLAPPED, hEvent));
	a->checksum_ok = (DeviceIoControl(h, IOCTL_REFDRV_CHECKSUM, &cr, sizeof(cr), &res,
					  sizeof(res), NULL, &ov) ||
			  GetLastError() == ERROR_IO_PENDING) &&
			 GetOverlappedResult(h, &ov, (DWORD[]){ 0 }, TRUE) && res == 0xCBF43926u;
	/* the next DMA meets the same bug, and is failed the same way */
	memset(buf, 0xEE, ADDR32_LEN);
	if (!overlapped_dma(h, IOCTL_REFDRV_DMA_FROM_DEVICE, buf, &ov)) {
		a->status[1] = (uint32_t)ov.Internal;
		a->information[1] = ov.InternalHigh;
	}
	a->dma_bytes[1] = rd->dma_bytes;
	a->host_untouched = buf[0] == 0xEE && buf[ADDR32_LEN - 1] == 0xEE;
	memset(&ov, 0, offsetof(OVERLAPPED, hEvent));
	if (DeviceIoControl(h, IOCTL_REFDRV_INFO, NULL, 0, &a->info, sizeof(a->info), NULL, &ov) ||
	    GetLastError() == ERROR_IO_PENDING)
		GetOverlappedResult(h, &ov, (DWORD[]){ 0 }, TRUE);
	CloseHandle(ov.hEvent);
	CloseHandle(h);
	hostos_pnp_remove(platform_system_pdo_device(sys, 0));
	free(buf);
}

static void test_addr32(void)
{
	struct addr32 a;
	struct hostos_unload_report rep;

	memset(&a, 0, sizeof(a));
	up_high();
	assert_int_equal(hostos_thread_start(os, "app", addr32_app, &a, 0, NULL), SIM_OK);
	hostos_run(os);
	hostos_assert_no_bugcheck(os);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(a.status[i], 0xC0000182u); /* STATUS_DEVICE_CONFIGURATION_ERROR */
		assert_true(a.dma_bytes[i] < ADDR32_LEN);
		assert_int_equal(a.information[i], a.dma_bytes[i]);
	}
	/* refdev.md, Errors: STATUS.ERROR with code 5 kept; INT_STATUS.ERROR
	 * cleared by the driver */
	print_message("DMA_ADDR32: DMA_BYTES %u and %u of %u\n", (unsigned)a.dma_bytes[0],
		      (unsigned)a.dma_bytes[1], ADDR32_LEN);
	assert_true(a.error_bit);
	assert_int_equal(a.code, REFDEV_ERR_DMA_ADDR32);
	assert_int_equal(a.int_status & REFDEV_INT_ERROR, 0);
	assert_true(a.debug_lines >= 1);   /* "device error 5" */
	assert_true(a.echo_ok);
	assert_true(a.checksum_ok);
	assert_true(a.host_untouched);
	assert_int_equal(a.info.Dma64, 1);
	assert_int_equal(a.info.Errors, 2);
	assert_int_equal(platform_system_refdev(sys, 0)->stats.errors[REFDEV_ERR_DMA_ADDR32], 2);
	assert_int_equal(hostos_unload_sweep(os, &rep), 0);
	assert_int_equal(rep.count, 0);
	hostos_assert_no_bugcheck(os);
	platform_system_destroy(sys);
}
#endif

static void test_seeded_bug(void **state)
{
	(void)state;
#if SEEDED_BUG == 1
	up(false, 50);
	run();
	hostos_assert_bugcheck(os, 0xF2, HOSTOS_ANY, HOSTOS_ANY, HOSTOS_ANY, 1);
#elif SEEDED_BUG == 2
	up(true, 0);
	run();
	hostos_assert_bugcheck(os, 0xC4, 0x40, 0, HOSTOS_ANY, HOSTOS_ANY);
#elif SEEDED_BUG == 3
	up(true, 0);
	run();
	hostos_assert_no_bugcheck(os);
	assert_true(hostos_unload_sweep(os, NULL) != 0);
	hostos_assert_bugcheck(os, 0xC4, 0x62, 0, 0, 1);
#elif SEEDED_BUG == 4
	test_addr32();
	return;
#endif
	platform_system_destroy(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeded_bug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
