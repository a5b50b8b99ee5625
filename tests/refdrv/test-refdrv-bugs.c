/*
 * tests/refdrv/test-refdrv-bugs.c - the reference driver with a seeded bug
 * (examples/refdrv/refdrv-internal.h, REFDRV_SEEDED_BUG), built once per
 * bug; each build expects the mock's verifier to catch its bug with the
 * documented bug check:
 *   1  the line-based ISR never clears INT_STATUS: INTA# stays asserted,
 *      the ISR claims every redelivery: an interrupt storm, 0xF2
 *      (P1 = the ISR, P4 = 1: it was alone on its line);
 *   2  KeAcquireSpinLockAtDpcLevel at PASSIVE_LEVEL: 0xC4/0x40
 *      (P2 = the IRQL, 0);
 *   3  pool allocated in AddDevice and never freed: the unload sweep's
 *      0xC4/0x62 (P4 = the one allocation left).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/os.h"
#include "hostos/sweep.h"
#include "hostos/test-cmocka.h"
#include "platform/system.h"

#include "examples/refdrv/refdrv-entry.h"
#include "examples/refdrv/refdrv.h"

#ifndef SEEDED_BUG
#error "built with -DSEEDED_BUG=n by tests/refdrv/meson.build"
#endif

static struct platform_system *sys;
static struct hostos *os;

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
