/*
 * cli/workload.c - a scenario's workload on bare metal (cli/workload.h):
 * the harness programs the reference device through timed MMIO and takes
 * its MSI, transfer after transfer, and measures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"
#include "bus/hostmem.h"
#include "bus/link.h"
#include "cli/workload-internal.h"
#include "hostos/os.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "platform/access.h"
#include "platform/system.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/vcd.h"

#define PAGE 4096u
#define WL_VECTOR 0x41u
#define WL_MSI_ADDR UINT64_C(0xfee00000)
#define WL_FILL 0xee


uint8_t workload_pattern(uint64_t i, unsigned salt)
{
	return (uint8_t)(i * 167u + (i >> 9) * 13u + salt * 29u + 1u);
}

static void fail(struct wl *w, const char *why)
{
	if (!w->failed)
		snprintf(w->why, sizeof(w->why), "%s", why);
	w->failed = true;
	sim_stop(w->k);
}

/* Timed MMIO, issued at @now_ps; returns when the CPU may go on. */
static sim_time_t reg_write(struct wl *w, uint32_t off, uint32_t v, sim_time_t now_ps)
{
	sim_time_t arrive = now_ps;

	if (platform_mmio_write(w->m, w->bar0 + off, 4, v, now_ps, &arrive, NULL))
		fail(w, "an MMIO write failed");
	return now_ps; /* posted: the CPU is free at once */
}

static uint32_t reg_read(struct wl *w, uint32_t off, sim_time_t *now_ps)
{
	uint64_t v = UINT32_MAX;
	sim_time_t done = *now_ps;

	if (platform_mmio_read(w->m, w->bar0 + off, 4, *now_ps, &v, &done, NULL))
		fail(w, "an MMIO read failed");
	*now_ps = done;
	return (uint32_t)v;
}

/* Byte i of a transfer lives at page (offset + i) / 4 KiB. */
static uint64_t data_addr(const struct wl *w, uint64_t i)
{
	uint64_t at = w->sc->offset + i;

	return w->pages[at / PAGE] + at % PAGE;
}

static int host_io(struct wl *w, uint8_t *buf, uint64_t len, bool write)
{
	for (uint64_t i = 0; i < len;) {
		uint64_t a = data_addr(w, i);
		uint64_t n = PAGE - a % PAGE;
		int rc;

		if (n > len - i)
			n = len - i;
		rc = write ? bus_mem_write(platform_mem(w->m), a, buf + i, n)
			   : bus_mem_read(platform_mem(w->m), a, buf + i, n);
		if (rc)
			return rc;
		i += n;
	}
	return 0;
}

/* Before a row: the source holds the row's pattern, the target fill. */
static void prepare_row(struct wl *w)
{
	const struct wl_row *r = &w->out->rows[w->row];
	uint8_t *sram = refdev_sram(w->dev);

	for (uint64_t i = 0; i < r->size; i++)
		w->scratch[i] = workload_pattern(i, w->row);
	if (r->dir == SCEN_DIR_WRITE) {
		memcpy(sram, w->scratch, r->size);
		memset(w->scratch, WL_FILL, r->size);
		if (host_io(w, w->scratch, r->size, true))
			fail(w, "host memory refused the data pages");
	} else {
		memset(sram, WL_FILL, r->size);
		if (host_io(w, w->scratch, r->size, true))
			fail(w, "host memory refused the data pages");
	}
}

static bool verify_row(struct wl *w)
{
	const struct wl_row *r = &w->out->rows[w->row];
	const uint8_t *sram = refdev_sram(w->dev);

	if (r->dir == SCEN_DIR_WRITE) {
		if (host_io(w, w->scratch, r->size, false))
			return false;
		return !memcmp(w->scratch, sram, r->size);
	}
	for (uint64_t i = 0; i < r->size; i++)
		if (sram[i] != workload_pattern(i, w->row))
			return false;
	return true;
}

static void start_transfer(struct wl *w, sim_time_t now_ps)
{
	const struct wl_row *r = &w->out->rows[w->row];

	if (w->done_in_row == 0) {
		prepare_row(w);
		w->row_start_ps = now_ps;
	}
	w->t_start_ps = now_ps;
	now_ps = reg_write(w, 0x30, (uint32_t)w->table, now_ps);      /* DMA_TABLE_LO */
	now_ps = reg_write(w, 0x34, (uint32_t)(w->table >> 32), now_ps); /* DMA_TABLE_HI */
	now_ps = reg_write(w, 0x38, w->sc->offset, now_ps);           /* DMA_OFFSET */
	now_ps = reg_write(w, 0x3c, (uint32_t)r->size, now_ps);       /* DMA_LENGTH */
	now_ps = reg_write(w, 0x40, 0, now_ps);                       /* DMA_DEV_OFFSET */
	reg_write(w, 0x20, r->dir == SCEN_DIR_WRITE ? REFDEV_CMD_DMA_WRITE : REFDEV_CMD_DMA_READ,
		  now_ps);
	sim_vcd_change(&w->vcd, w->v_busy, w->t_start_ps, 1);
	sim_vcd_change(&w->vcd, w->v_size, w->t_start_ps, r->size);
}

static void kick_fn(struct sim_kernel *k, void *opaque)
{
	struct wl *w = opaque;

	start_transfer(w, sim_now(k));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void workload_row_finish(struct wl_row *r, sim_time_t elapsed_ps, double *lat_us)
{
	unsigned n = r->transfers;
	double sum = 0;

	r->elapsed_ps = elapsed_ps;
	r->gbps = elapsed_ps ? (double)r->bytes * 8.0 / ((double)elapsed_ps / 1000.0) : 0;
	qsort(lat_us, n, sizeof(double), cmp_double);
	for (unsigned i = 0; i < n; i++)
		sum += lat_us[i];
	if (n) {
		r->lat_mean_us = sum / n;
		r->lat_p50_us = lat_us[(n - 1) / 2];
		r->lat_p99_us = lat_us[(unsigned)ceil(0.99 * n) - 1];
		r->lat_max_us = lat_us[n - 1];
	}
}

void workload_row_stats(struct wl *w, struct wl_row *r, sim_time_t end_ps)
{
	workload_row_finish(r, end_ps - w->row_start_ps, w->lat_us);
}

static void finish_row(struct wl *w, sim_time_t end_ps)
{
	struct wl_row *r = &w->out->rows[w->row];

	workload_row_stats(w, r, end_ps);
	r->verified = r->errors == 0 && verify_row(w);
}

/* The device's message: the harness's ISR and DPC in one. */
static void on_message(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
		       const struct irq_delivery *d)
{
	struct wl *w = opaque;
	sim_time_t now = sim_now(w->k);
	struct wl_row *r = &w->out->rows[w->row];
	uint32_t st;

	(void)c;
	(void)cpu;
	(void)d;
	if (vector != WL_VECTOR || !w->running)
		return;
	w->out->messages++;
	st = reg_read(w, 0x0c, &now);                                  /* INT_STATUS */
	reg_write(w, 0x0c, st, now);                                   /* write 1 to clear */
	sim_vcd_change(&w->vcd, w->v_status, sim_now(w->k), st);
	if (!(st & (REFDEV_INT_DMA_DONE | REFDEV_INT_ERROR)))
		return;
	if (st & REFDEV_INT_ERROR)
		r->errors++;
	r->bytes += reg_read(w, 0x44, &now);                           /* DMA_BYTES */
	w->lat_us[r->transfers] = (double)(sim_now(w->k) - w->t_start_ps) / 1e6;
	r->transfers++;
	sim_vcd_change(&w->vcd, w->v_busy, sim_now(w->k), 0);
	if (w->ct_on) {
		char name[48];

		snprintf(name, sizeof(name), "%s %llu B",
			 r->dir == SCEN_DIR_WRITE ? "DMA_WRITE" : "DMA_READ",
			 (unsigned long long)r->size);
		sim_ctrace_complete(&w->ct, w->track, name, w->t_start_ps,
				    sim_now(w->k) - w->t_start_ps);
	}
	if (++w->done_in_row == w->sc->count) {
		r->interrupts = r->isrs = w->out->messages - w->row_messages;
		w->row_messages = w->out->messages;
		finish_row(w, sim_now(w->k));
		w->done_in_row = 0;
		if (++w->row == w->out->n_rows) {
			w->running = false;
			w->out->end_ps = now;
			return;
		}
	}
	if (sim_event_schedule_at(&w->kick, now))
		fail(w, "time ran out");
}

static const struct irq_sink_ops wl_sink = { .deliver = on_message };

static int build(struct wl *w, char *err, unsigned len)
{
	const struct scenario *sc = w->sc;
	struct platform_system_device devs[SCEN_MAX_NODES];
	struct platform_bridge_desc brs[SCEN_MAX_NODES];
	struct refdev_config rc[SCEN_MAX_NODES];
	struct platform_system_desc d = { 0 };
	struct sim_kernel_config kc;
	struct hostos_config oc;
	size_t nd = 0, nb = 0, want = SIZE_MAX;
	unsigned refdevs = 0;

	for (unsigned i = 0; i < sc->n_nodes; i++) {
		const struct scen_node *n = &sc->nodes[i];

		if (n->model == SCEN_BRIDGE) {
			brs[nb++] = (struct platform_bridge_desc){
				.name = n->name, .parent = n->parent[0] ? n->parent : NULL,
				.device = n->slot, .vendor_id = 0x8086, .device_id = 0x244e,
				/* a PCI Express port with every window */
				.flags = PCI_CFG_BRIDGE_IO | PCI_CFG_BRIDGE_PREF |
					 PCI_CFG_BRIDGE_PREF64,
				.mps_supported_bytes = 4096,
				.link_gen = n->gen, .link_width = n->width,
			};
			continue;
		}
		refdev_config_default(&rc[nd]);
		if (n->gen)
			rc[nd].link_gen = n->gen;
		if (n->width)
			rc[nd].link_width = n->width;
		if (n->sram_bytes)
			rc[nd].sram_bytes = n->sram_bytes;
		if (n->msix >= 0)
			rc[nd].msix = n->msix;
		if (n->outstanding_reads)
			rc[nd].outstanding_reads = n->outstanding_reads;
		if (n->host_read_latency_ns != UINT64_MAX)
			rc[nd].host_read_latency_ps = SIM_NS(n->host_read_latency_ns);
		if (n->cmd_latency_ns != UINT64_MAX)
			rc[nd].cmd_latency_ps = SIM_NS(n->cmd_latency_ns);
		if (!strcmp(n->name, sc->device)) {
			want = nd;
			w->instance = refdevs;
		}
		refdevs += n->model == SCEN_REFDEV;
		devs[nd] = (struct platform_system_device){
			.model = n->model == SCEN_REFDEV ? PLATFORM_MODEL_REFDEV : PLATFORM_MODEL_EDU,
			.name = n->name, .parent = n->parent[0] ? n->parent : NULL, .device = n->slot,
			.refdev = n->model == SCEN_REFDEV ? &rc[nd] : NULL,
			.msi_supported = n->msi, .message_number_limit = n->message_limit,
		};
		nd++;
	}
	sim_kernel_config_default(&kc);
	kc.seed = sc->seed;
	d.cpus = sc->cpus;
	d.ram_low_bytes = sc->ram_low;
	d.ram_high_bytes = sc->ram_high;
	d.mps_cap_bytes = sc->mps;
	d.mrrs_bytes = sc->mrrs;
	d.bridges = brs;
	d.n_bridges = nb;
	d.devices = devs;
	d.n_devices = nd;
	d.kernel = &kc;
	/* driver = none: the harness is the driver, on bare metal */
	d.no_os = !w->driver;
	hostos_config_default(&oc);
	oc.verifier = sc->verifier_flags;
	oc.special_pool = (enum hostos_special_pool)sc->special_pool;
	oc.paged_guard = sc->paged_guard;
	d.os = &oc;
	d.pool_flags = BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE |
		       (sc->buffer_high ? BUS_MEM_ALLOC_ABOVE_4G : BUS_MEM_ALLOC_BELOW_4G);
	if (platform_system_build(&w->s, &d)) {
		snprintf(err, len, "building the system: %s", platform_system_error());
		return -1;
	}
	w->k = platform_system_kernel(w->s);
	w->m = platform_system_machine(w->s);
	w->dev = platform_system_refdev(w->s, want);
	w->c = platform_irq_ctrl(platform_system_irq(w->s));
	w->out->bus = (unsigned)platform_system_bus_of(w->s, want);
	w->out->slot = devs[want].device;
	return 0;
}

/* One MSI, Memory and Bus Master on, the device's interrupt on. */
static int program_device(struct wl *w, char *err, unsigned len)
{
	struct pci_cfg *cfg = refdev_cfg(w->dev);
	unsigned bus = w->out->bus, slot = w->out->slot;
	uint32_t msi = pci_cap_find(cfg, PCI_CAP_ID_MSI), v = 0;
	sim_time_t t = 0;

	if (pci_cfg_bar_address(cfg, 0, &w->bar0) || !msi) {
		snprintf(err, len, "the device has no registers or no MSI");
		return -1;
	}
	w->out->bar0 = w->bar0;
	platform_cfg_write(w->m, bus, slot, 0, msi + PCI_MSI_ADDRESS_LO, 4, (uint32_t)WL_MSI_ADDR);
	platform_cfg_write(w->m, bus, slot, 0, msi + PCI_MSI_ADDRESS_HI, 4, 0);
	platform_cfg_write(w->m, bus, slot, 0, msi + 0x0c, 2, WL_VECTOR); /* 64-bit: Data at 0xC */
	platform_cfg_read(w->m, bus, slot, 0, msi + PCI_MSI_FLAGS, 2, &v);
	platform_cfg_write(w->m, bus, slot, 0, msi + PCI_MSI_FLAGS, 2,
			   (v & ~(uint32_t)PCI_MSI_FLAGS_MME) | PCI_MSI_FLAGS_ENABLE);
	platform_cfg_read(w->m, bus, slot, 0, PCI_CFG_COMMAND, 2, &v);
	platform_cfg_write(w->m, bus, slot, 0, PCI_CFG_COMMAND, 2,
			   v | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	if (irq_ctrl_set_sink(w->c, 0, &wl_sink, w)) {
		snprintf(err, len, "the interrupt controller refused the sink");
		return -1;
	}
	reg_write(w, 0x10, REFDEV_INT_DMA_DONE | REFDEV_INT_ERROR, 0);          /* INT_MASK */
	reg_write(w, 0x04, REFDEV_CTRL_INT_EN | (w->sc->buffer_high ? REFDEV_CTRL_DMA64 : 0), 0);
	if (reg_read(w, 0x00, &t) != REFDEV_ID_VALUE) {
		snprintf(err, len, "the device's ID register does not answer");
		return -1;
	}
	return 0;
}

/* The link the device crosses and each row's bound on it. */
static int link_bounds(struct wl *w, char *err, unsigned len)
{
	const struct platform_link *l;
	const struct bus_topo_result *res;
	struct bus_link_cfg lc;
	unsigned bus = w->out->bus, slot = w->out->slot;

	if (pci_cfg_bar_address(refdev_cfg(w->dev), 0, &w->bar0)) {
		snprintf(err, len, "the device's registers have no address");
		return -1;
	}
	w->out->bar0 = w->bar0;
	l = platform_fn_link(w->m, bus, slot, 0);
	res = platform_fn_result(w->m, bus, slot, 0);
	if (!l || !res) {
		snprintf(err, len, "the device has no link");
		return -1;
	}
	/* The link it crosses (its own, or its root port's), with the MPS and
	 * MRRS its own Device Control holds: they split its requests. */
	lc = l->cfg;
	if (res->mps_bytes)
		lc.mps_bytes = res->mps_bytes;
	if (res->mrrs_bytes)
		lc.mrrs_bytes = res->mrrs_bytes;
	w->out->gen = lc.gen;
	w->out->width = lc.width;
	w->out->mps = lc.mps_bytes;
	w->out->mrrs = lc.mrrs_bytes;
	for (unsigned i = 0; i < w->out->n_rows; i++) {
		struct wl_row *r = &w->out->rows[i];

		r->bound_gbps = r->dir == SCEN_DIR_WRITE ? bus_link_write_gbps(&lc, r->size)
							 : bus_link_read_gbps(&lc, r->size);
	}
	return 0;
}

/* Scattered data pages, in the requested half of memory, and the table. */
static int place_memory(struct wl *w, uint64_t max_size, char *err, unsigned len)
{
	struct bus_mem *mem = platform_mem(w->m);
	unsigned flags = BUS_MEM_ALLOC_SCATTERED | BUS_MEM_ALLOC_SHUFFLE |
			 (w->sc->buffer_high ? BUS_MEM_ALLOC_ABOVE_4G : BUS_MEM_ALLOC_BELOW_4G);

	w->n_pages = (w->sc->offset + max_size + PAGE - 1) / PAGE;
	w->pages = calloc(w->n_pages, sizeof(*w->pages));
	w->scratch = malloc(max_size);
	w->lat_us = calloc(w->sc->count, sizeof(*w->lat_us));
	if (!w->pages || !w->scratch || !w->lat_us) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (bus_mem_alloc_frames(mem, w->n_pages, flags, w->pages) ||
	    bus_mem_alloc_frames(mem, 1, BUS_MEM_ALLOC_BELOW_4G, &w->table)) {
		snprintf(err, len, "host memory: %s", bus_mem_last_error(mem));
		return -1;
	}
	for (size_t i = 0; i < w->n_pages; i++)
		if (bus_mem_write(mem, w->table + 8 * i, &w->pages[i], 8)) {
			snprintf(err, len, "host memory refused the page table");
			return -1;
		}
	return 0;
}

static int open_outputs(struct wl *w, char *err, unsigned len)
{
	const struct scenario *sc = w->sc;

	if (sc->vcd) {
		snprintf(w->out->vcd_path, sizeof(w->out->vcd_path), "%s/%s.vcd", sc->out_dir,
			 sc->name);
		if (sim_vcd_open(&w->vcd, w->out->vcd_path) ||
		    sim_vcd_add_var(&w->vcd, sc->device, "busy", 1, 0, &w->v_busy) ||
		    sim_vcd_add_var(&w->vcd, sc->device, "int_status", 4, 0, &w->v_status) ||
		    sim_vcd_add_var(&w->vcd, sc->device, "size", 32, 0, &w->v_size)) {
			snprintf(err, len, "%s: cannot write", w->out->vcd_path);
			return -1;
		}
		w->vcd_on = true;
	}
	if (sc->trace) {
		snprintf(w->out->trace_path, sizeof(w->out->trace_path), "%s/%s.json", sc->out_dir,
			 sc->name);
		if (sim_ctrace_open(&w->ct, w->out->trace_path)) {
			snprintf(err, len, "%s: cannot write", w->out->trace_path);
			return -1;
		}
		w->ct_on = true;
		if (sim_ctrace_track(&w->ct, sc->device, "transfers", &w->track) ||
		    platform_irq_set_ctrace(platform_system_irq(w->s), &w->ct) ||
		    (w->driver && hostos_set_ctrace(platform_system_os(w->s), &w->ct))) {
			snprintf(err, len, "%s: cannot write", w->out->trace_path);
			return -1;
		}
	}
	return 0;
}

int workload_run(const struct scenario *sc, struct wl_result *out, char *err, unsigned err_len)
{
	struct wl w = { .sc = sc, .out = out };
	uint64_t max_size = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < sc->n_sizes; i++) {
		for (unsigned d = SCEN_DIR_WRITE; d <= SCEN_DIR_READ; d++)
			if (sc->dir & d)
				out->rows[out->n_rows++] = (struct wl_row){ .dir = (enum scen_dir)d,
									    .size = sc->sizes[i] };
		if (sc->sizes[i] > max_size)
			max_size = sc->sizes[i];
	}
	w.driver = !strcmp(sc->driver, "refdrv");
	if (build(&w, err, err_len) || link_bounds(&w, err, err_len))
		goto out;
	if (w.driver) {
		if (open_outputs(&w, err, err_len))
			goto out;
		rc = workload_run_driver(&w, max_size, err, err_len);
		goto out;
	}
	if (place_memory(&w, max_size, err, err_len) || program_device(&w, err, err_len) ||
	    open_outputs(&w, err, err_len))
		goto out;
	sim_event_init(w.k, &w.kick, "workload.kick", kick_fn, &w);
	w.running = true;
	if (sim_event_schedule_at(&w.kick, SIM_US(1))) {
		snprintf(err, err_len, "cannot start");
	} else {
		sim_run(w.k);
		if (w.failed)
			snprintf(err, err_len, "%s", w.why);
		else if (w.running)
			snprintf(err, err_len, "the simulation stopped after %u of %u sizes", w.row,
				 out->n_rows);
		else
			rc = 0;
	}
	sim_event_destroy(&w.kick);
out:
	if (w.ct_on) {
		platform_irq_set_ctrace(platform_system_irq(w.s), NULL);
		if (w.driver)
			hostos_set_ctrace(platform_system_os(w.s), NULL);
		if (sim_ctrace_close(&w.ct) && rc == 0) {
			snprintf(err, err_len, "%s: a write failed", out->trace_path);
			rc = -1;
		}
	}
	if (w.vcd_on && sim_vcd_close(&w.vcd, out->end_ps) && rc == 0) {
		snprintf(err, err_len, "%s: a write failed", out->vcd_path);
		rc = -1;
	}
	if (w.s && w.c && !w.driver)
		irq_ctrl_set_sink(w.c, 0, NULL, NULL);
	platform_system_destroy(w.s);
	free(w.pages);
	free(w.scratch);
	free(w.lat_us);
	return rc;
}
