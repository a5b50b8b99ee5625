/*
 * cli/workload-driver.c - a scenario's workload through the reference
 * driver (driver = refdrv): the mock OS loads examples/refdrv/ for the
 * device by its hardware ID, and an application thread runs each row as
 * DeviceIoControl requests with direct I/O (IOCTL_REFDRV_DMA_FROM_DEVICE
 * for writes to host memory, _TO_DEVICE for reads), one after another;
 * a transfer's latency is its request's time from the call to its return,
 * so it includes the driver's path, the interrupt and the DPC. Then the
 * device is removed and the verifier's unload sweep must find nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/workload-internal.h"
#include "examples/refdrv/refdrv-entry.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/sweep.h"

#include "examples/refdrv/refdrv.h"

struct app {
	struct wl *w;
	uint64_t max_size;
	const char *failed;
};

static void app_fail(struct app *a, const char *why)
{
	if (!a->failed)
		a->failed = why;
}

static void run_row(struct app *a, HANDLE h, struct wl_row *r, uint8_t *buf, unsigned salt)
{
	struct wl *w = a->w;
	bool to_device = r->dir == SCEN_DIR_READ;
	REFDRV_RANGE range = { .DeviceOffset = 0, .Length = 0 };
	uint8_t *data = buf + w->sc->offset, *sram = refdev_sram(w->dev);
	char name[48];

	if (to_device) {
		for (uint64_t i = 0; i < r->size; i++)
			data[i] = workload_pattern(i, salt);
	} else {
		for (uint64_t i = 0; i < r->size; i++)
			sram[i] = workload_pattern(i, salt);
	}
	snprintf(name, sizeof(name), "%s %llu B", to_device ? "DMA_READ" : "DMA_WRITE",
		 (unsigned long long)r->size);
	w->row_start_ps = sim_now(w->k);
	sim_vcd_change(&w->vcd, w->v_size, w->row_start_ps, r->size);
	for (unsigned n = 0; n < w->sc->count; n++) {
		sim_time_t t0 = sim_now(w->k);
		DWORD got = 0;

		if (!to_device)
			memset(data, 0xEE, r->size);
		sim_vcd_change(&w->vcd, w->v_busy, t0, 1);
		if (!DeviceIoControl(h, to_device ? IOCTL_REFDRV_DMA_TO_DEVICE
						  : IOCTL_REFDRV_DMA_FROM_DEVICE,
				     &range, sizeof(range), data, (DWORD)r->size, &got, NULL))
			r->errors++;
		r->bytes += got;
		w->lat_us[r->transfers++] = (double)(sim_now(w->k) - t0) / 1e6;
		sim_vcd_change(&w->vcd, w->v_busy, sim_now(w->k), 0);
		if (w->ct_on)
			sim_ctrace_complete(&w->ct, w->track, name, t0, sim_now(w->k) - t0);
	}
	workload_row_stats(w, r, sim_now(w->k));
	r->verified = r->errors == 0 && memcmp(sram, data, r->size) == 0;
}

static void app_main(void *arg)
{
	struct app *a = arg;
	struct wl *w = a->w;
	const struct hostos_hwid ids[] = { { 0x1234, 0x7011, 0, 0 } };
	const struct hostos_driver_desc drv = {
		.service = "refdrv", .entry = refdrv_entry, .ids = ids, .n_ids = 1,
	};
	size_t bytes = (w->sc->offset + a->max_size + 4095) / 4096 * 4096;
	uint8_t *buf = aligned_alloc(4096, bytes);
	char name[32];
	HANDLE h;

	if (!buf) {
		app_fail(a, "out of memory");
		return;
	}
	if (hostos_driver_load(platform_system_os(w->s), &drv, NULL) != 0) {
		app_fail(a, "the reference driver did not load");
		free(buf);
		return;
	}
	snprintf(name, sizeof(name), "\\\\.\\Refdrv%u", w->instance);
	h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		app_fail(a, "the device did not start");
	} else {
		for (w->row = 0; w->row < w->out->n_rows; w->row++)
			run_row(a, h, &w->out->rows[w->row], buf, w->row);
		CloseHandle(h);
	}
	/* Every device the driver took, removed: the driver unloads. */
	for (size_t i = 0; i < SCEN_MAX_NODES; i++) {
		struct hostos_device *pdo = platform_system_pdo_device(w->s, i);

		if (pdo && hostos_device_started(pdo) &&
		    hostos_pnp_remove(pdo) != 0)
			app_fail(a, "the device could not be removed");
	}
	free(buf);
}

int workload_run_driver(struct wl *w, uint64_t max_size, char *err, unsigned len)
{
	struct hostos *os = platform_system_os(w->s);
	struct app a = { .w = w, .max_size = max_size };
	struct hostos_unload_report left;
	const struct hostos_bugcheck *bc;
	struct hostos_intr_stats ist;

	w->lat_us = calloc(w->sc->count, sizeof(*w->lat_us));
	if (!w->lat_us) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (hostos_thread_start(os, "application", app_main, &a, 0, NULL)) {
		snprintf(err, len, "cannot start the application thread");
		return -1;
	}
	hostos_run(os);
	w->out->end_ps = sim_now(w->k);
	hostos_interrupt_stats(os, &ist);
	w->out->messages = ist.deliveries;
	bc = hostos_last_bugcheck(os);
	if (!bc && !a.failed && hostos_unload_sweep(os, &left) && left.count) {
		snprintf(err, len, "the driver left %zu thing(s) behind, first: %s", left.count,
			 left.item[0].what);
		return -1;
	}
	bc = hostos_last_bugcheck(os);
	if (bc) {
		snprintf(err, len, "bug check 0x%X (%s): %s", (unsigned)bc->code, bc->name, bc->what);
		return -1;
	}
	if (a.failed) {
		snprintf(err, len, "%s", a.failed);
		return -1;
	}
	return 0;
}
