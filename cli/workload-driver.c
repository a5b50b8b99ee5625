/*
 * cli/workload-driver.c - a scenario's workload through the reference
 * driver (driver = refdrv): the mock OS loads examples/refdrv/ for the
 * device by its hardware ID, and an application thread runs each row as
 * DeviceIoControl requests with direct I/O (IOCTL_REFDRV_DMA_FROM_DEVICE
 * for writes to host memory, _TO_DEVICE for reads): one after another,
 * or with queue = N, N outstanding at once through overlapped I/O, each
 * completion answered by the next request. A transfer's latency is its
 * request's time from the call to the application seeing it complete, so
 * it includes the time queued behind others, the driver's path, the
 * interrupt (or the poll that found it) and the DPC. A row also counts
 * the interrupts, ISRs and DPCs it caused. The device sections'
 * moderation_us becomes the driver's registry InterruptModerationUs.
 * Then the device is removed and the verifier's unload sweep must find
 * nothing.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/workload-internal.h"
#include "examples/refdrv/refdrv-entry.h"
#include "hostos/devices.h"
#include "hostos/include/win32.h"
#include "hostos/io.h"
#include "hostos/latency.h"
#include "hostos/sweep.h"

#include "examples/refdrv/refdrv.h"

struct app {
	struct wl *w;
	uint64_t max_size;
	size_t buf_bytes;             /* one request's buffer */
	const char *failed;
};

void workload_irq_mark(struct hostos *os, struct wl_irq_mark *m)
{
	struct hostos_intr_stats ist;
	struct hostos_latency_stats lst;

	hostos_interrupt_stats(os, &ist);
	hostos_latency_stats(os, &lst);
	m->interrupts = ist.deliveries;
	m->isrs = ist.isr_calls;
	m->dpcs = lst.dpc.count;
}

void workload_irq_row(struct hostos *os, const struct wl_irq_mark *start, struct wl_row *r)
{
	struct wl_irq_mark now;

	workload_irq_mark(os, &now);
	r->interrupts = now.interrupts - start->interrupts;
	r->isrs = now.isrs - start->isrs;
	r->dpcs = now.dpcs - start->dpcs;
}

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
	struct wl_irq_mark start;
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
	workload_irq_mark(platform_system_os(w->s), &start);
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
	workload_irq_row(platform_system_os(w->s), &start, r);
	r->verified = r->errors == 0 && memcmp(sram, data, r->size) == 0;
}

/* One request of a queued row into slot @i (overlapped). FALSE: it
 * failed at once (not pending, not done). */
static bool submit(HANDLE h, struct wl_row *r, uint8_t *data, OVERLAPPED *ov)
{
	REFDRV_RANGE range = { .DeviceOffset = 0, .Length = 0 };
	DWORD got = 0;

	if (r->dir == SCEN_DIR_WRITE)
		memset(data, 0xEE, r->size);
	memset(ov, 0, offsetof(OVERLAPPED, hEvent));
	if (DeviceIoControl(h, r->dir == SCEN_DIR_READ ? IOCTL_REFDRV_DMA_TO_DEVICE
						       : IOCTL_REFDRV_DMA_FROM_DEVICE,
			    &range, sizeof(range), data, (DWORD)r->size, &got, ov))
		return true;
	return GetLastError() == ERROR_IO_PENDING;
}

/* A row with sc->queue requests outstanding: request k uses slot k % Q,
 * and the device queue completes them in order, so the application
 * waits for them in order. */
static void run_row_queued(struct app *a, HANDLE h, struct wl_row *r, uint8_t *bufs,
			   OVERLAPPED *ov, sim_time_t *t0, bool *live, const uint32_t *tracks,
			   unsigned salt)
{
	struct wl *w = a->w;
	unsigned q = w->sc->queue, count = w->sc->count, sent = 0;
	bool to_device = r->dir == SCEN_DIR_READ;
	uint8_t *sram = refdev_sram(w->dev);
	struct wl_irq_mark start;
	char name[48];

	for (unsigned i = 0; i < (to_device ? q : 1); i++) {
		uint8_t *data = to_device ? bufs + i * a->buf_bytes + w->sc->offset : sram;

		for (uint64_t j = 0; j < r->size; j++)
			data[j] = workload_pattern(j, salt);
	}
	snprintf(name, sizeof(name), "%s %llu B", to_device ? "DMA_READ" : "DMA_WRITE",
		 (unsigned long long)r->size);
	workload_irq_mark(platform_system_os(w->s), &start);
	w->row_start_ps = sim_now(w->k);
	sim_vcd_change(&w->vcd, w->v_size, w->row_start_ps, r->size);
	sim_vcd_change(&w->vcd, w->v_busy, w->row_start_ps, 1);
	for (; sent < q && sent < count; sent++) {
		t0[sent] = sim_now(w->k);
		live[sent] = submit(h, r, bufs + sent * a->buf_bytes + w->sc->offset, &ov[sent]);
	}
	for (unsigned done = 0; done < count; done++) {
		unsigned i = done % q;
		DWORD got = 0;

		if (!live[i] || !GetOverlappedResult(h, &ov[i], &got, TRUE))
			r->errors++;
		r->bytes += got;
		w->lat_us[r->transfers++] = (double)(sim_now(w->k) - t0[i]) / 1e6;
		if (w->ct_on)
			sim_ctrace_complete(&w->ct, tracks[i], name, t0[i], sim_now(w->k) - t0[i]);
		if (sent < count) {
			t0[i] = sim_now(w->k);
			live[i] = submit(h, r, bufs + i * a->buf_bytes + w->sc->offset, &ov[i]);
			sent++;
		}
	}
	sim_vcd_change(&w->vcd, w->v_busy, sim_now(w->k), 0);
	workload_row_stats(w, r, sim_now(w->k));
	workload_irq_row(platform_system_os(w->s), &start, r);
	r->verified = r->errors == 0;
	for (unsigned i = 0; i < q && i < count && r->verified; i++)
		r->verified = memcmp(sram, bufs + i * a->buf_bytes + w->sc->offset, r->size) == 0;
}

/* The rows with a queue: an overlapped handle, a buffer and an event per
 * outstanding request. */
static void run_rows_queued(struct app *a, const char *name)
{
	struct wl *w = a->w;
	unsigned q = w->sc->queue;
	uint8_t *bufs = aligned_alloc(4096, q * a->buf_bytes);
	OVERLAPPED *ov = calloc(q, sizeof(*ov));
	sim_time_t *t0 = calloc(q, sizeof(*t0));
	bool *live = calloc(q, sizeof(*live));
	uint32_t *tracks = calloc(q, sizeof(*tracks));
	unsigned events = 0;
	HANDLE h = INVALID_HANDLE_VALUE;

	if (!bufs || !ov || !t0 || !live || !tracks) {
		app_fail(a, "out of memory");
		goto out;
	}
	/* Requests of one slot never overlap; those of different slots do,
	 * and a trace track shows only nested spans: a track per slot. */
	for (unsigned i = 0; i < q && w->ct_on; i++) {
		char slot[32];

		snprintf(slot, sizeof(slot), "request slot %u", i);
		if (sim_ctrace_track(&w->ct, w->sc->device, slot, &tracks[i])) {
			app_fail(a, "the trace file cannot be written");
			goto out;
		}
	}
	for (; events < q; events++) {
		ov[events].hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
		if (!ov[events].hEvent) {
			app_fail(a, "cannot create an event");
			goto out;
		}
	}
	h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		app_fail(a, "the device did not start");
		goto out;
	}
	for (w->row = 0; w->row < w->out->n_rows; w->row++)
		run_row_queued(a, h, &w->out->rows[w->row], bufs, ov, t0, live, tracks, w->row);
	CloseHandle(h);
out:
	while (events)
		CloseHandle(ov[--events].hEvent);
	free(bufs);
	free(ov);
	free(t0);
	free(live);
	free(tracks);
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
	uint8_t *buf = w->sc->queue > 1 ? NULL : aligned_alloc(4096, bytes);
	char name[32];
	HANDLE h;

	a->buf_bytes = bytes;
	if (!buf && w->sc->queue == 1) {
		app_fail(a, "out of memory");
		return;
	}
	if (hostos_driver_load(platform_system_os(w->s), &drv, NULL) != 0) {
		app_fail(a, "the reference driver did not load");
		free(buf);
		return;
	}
	snprintf(name, sizeof(name), "\\\\.\\Refdrv%u", w->instance);
	if (w->sc->queue > 1) {
		run_rows_queued(a, name);
		goto remove;
	}
	h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		app_fail(a, "the device did not start");
	} else {
		for (w->row = 0; w->row < w->out->n_rows; w->row++)
			run_row(a, h, &w->out->rows[w->row], buf, w->row);
		CloseHandle(h);
	}
remove:
	/* Every device the driver took, removed: the driver unloads. */
	for (size_t i = 0; i < SCEN_MAX_NODES; i++) {
		struct hostos_device *pdo = platform_system_pdo_device(w->s, i);

		if (pdo && hostos_device_started(pdo) &&
		    hostos_pnp_remove(pdo) != 0)
			app_fail(a, "the device could not be removed");
	}
	free(buf);
}

/* The device sections' driver parameters into their hardware keys, as an
 * INF's AddReg would put them; absent when 0, as an INF without it. */
static int set_parameters(struct wl *w, char *err, unsigned len)
{
	size_t dev = 0;

	for (unsigned i = 0; i < w->sc->n_nodes; i++) {
		const struct scen_node *n = &w->sc->nodes[i];
		char path[256];

		if (n->model == SCEN_BRIDGE)
			continue;
		if (n->moderation_us &&
		    (hostos_device_reg_path(platform_system_pdo_device(w->s, dev), 1, path,
					    sizeof(path)) ||
		     hostos_reg_set_dword(platform_system_os(w->s), path, "InterruptModerationUs",
					  n->moderation_us))) {
			snprintf(err, len, "[%s] moderation_us: cannot set the registry value",
				 n->name);
			return -1;
		}
		dev++;
	}
	return 0;
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
	if (set_parameters(w, err, len))
		return -1;
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
