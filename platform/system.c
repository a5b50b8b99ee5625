/*
 * platform/system.c - a whole system from one description
 * (platform/system.h): kernel, machine, device models, interrupts, OS.
 */
#include "platform/system.h"
#include "platform/dma.h"
#include "platform/machine-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (UINT64_C(1) << 30)
#define PAGE UINT64_C(4096)

struct sys_dev {
	enum platform_model model;
	char name[BUS_TOPO_NAME_MAX];
	struct refdev refdev;
	struct edu edu;
	bool inited, connected;
	struct platform_bar_ops bars;
	struct dma_port port;
	struct irq_fn *fn;
	unsigned bus;
	struct hostos_device *pdo;
};

struct platform_system {
	struct sim_kernel k;
	bool k_inited;
	struct platform_machine *m;
	struct platform_irq *pi;
	struct hostos *os;
	struct platform_hostos *ph;
	struct sys_dev *devs;
	size_t n_devs;
};

static _Thread_local char sys_error[160];

const char *platform_system_error(void)
{
	return sys_error;
}

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sys_error, sizeof(sys_error), fmt, ap);
	va_end(ap);
	return rc;
}

static int check_desc(const struct platform_system_desc *d)
{
	if (d->cpus > HOSTOS_MAX_CPUS)
		return fail(SIM_ERR_INVALID, "cpus %u: at most %u", d->cpus, HOSTOS_MAX_CPUS);
	if (d->ram_low_bytes % PAGE || d->ram_low_bytes > 3 * GIB)
		return fail(SIM_ERR_INVALID, "RAM below 4 GiB: a multiple of 4 KiB up to 3 GiB");
	if (d->ram_high_bytes % PAGE || d->ram_high_bytes > 64 * GIB)
		return fail(SIM_ERR_INVALID, "RAM above 4 GiB: a multiple of 4 KiB up to 64 GiB");
	if (!d->devices || d->n_devices == 0 || d->n_devices > PLATFORM_SYSTEM_MAX_DEVICES)
		return fail(SIM_ERR_INVALID, "devices: 1..%u", PLATFORM_SYSTEM_MAX_DEVICES);
	for (size_t i = 0; i < d->n_devices; i++) {
		const struct platform_system_device *e = &d->devices[i];

		if (e->model != PLATFORM_MODEL_REFDEV && e->model != PLATFORM_MODEL_EDU)
			return fail(SIM_ERR_INVALID, "device %zu: unknown model %d", i, (int)e->model);
		if (e->name && (!e->name[0] || strlen(e->name) >= BUS_TOPO_NAME_MAX))
			return fail(SIM_ERR_INVALID, "device %zu: a name of 1..%d characters", i,
				    BUS_TOPO_NAME_MAX - 1);
	}
	return SIM_OK;
}

static int init_models(struct platform_system *s, const struct platform_system_desc *d,
		       struct platform_device_desc *dd)
{
	for (size_t i = 0; i < d->n_devices; i++) {
		const struct platform_system_device *e = &d->devices[i];
		struct sys_dev *v = &s->devs[i];
		int rc;

		v->model = e->model;
		if (e->name)
			snprintf(v->name, sizeof(v->name), "%s", e->name);
		else
			snprintf(v->name, sizeof(v->name), "%s%zu",
				 e->model == PLATFORM_MODEL_REFDEV ? "refdev" : "edu", i);
		if (e->model == PLATFORM_MODEL_REFDEV) {
			struct refdev_config c;

			if (e->refdev)
				c = *e->refdev;
			else
				refdev_config_default(&c);
			c.name = v->name;
			rc = refdev_init(&v->refdev, &s->k, &c);
		} else {
			rc = edu_init(&v->edu, &s->k, e->edu);
		}
		if (rc)
			return fail(rc, "%s: the model refused its configuration", v->name);
		v->inited = true;
		for (unsigned b = 0; b < PLATFORM_BARS; b++) {
			void *op = NULL;

			v->bars.ops[b] = e->model == PLATFORM_MODEL_REFDEV
						 ? refdev_bar_ops(&v->refdev, b, &op)
						 : edu_bar_ops(&v->edu, b, &op);
			v->bars.opaque[b] = op;
		}
		dd[i] = (struct platform_device_desc){
			.name = v->name, .parent = e->parent, .device = e->device,
			.cfg = e->model == PLATFORM_MODEL_REFDEV ? refdev_cfg(&v->refdev)
								 : edu_cfg(&v->edu),
			.bars = &v->bars,
		};
		if (e->model == PLATFORM_MODEL_REFDEV) {
			dd[i].link_gen = v->refdev.conf.link_gen;
			dd[i].link_width = v->refdev.conf.link_width;
		}
	}
	return SIM_OK;
}

/* The bus the enumeration put each device on: from its name. */
static void find_buses(struct platform_system *s)
{
	for (size_t i = 0; i < s->n_devs; i++)
		for (size_t f = 0; f < s->m->n_fns; f++)
			if (!strcmp(s->m->fns[f].name, s->devs[i].name)) {
				const struct bus_topo_result *r = bus_topo_fn_result(s->m->fns[f].tfn);

				s->devs[i].bus = r ? r->bus : 0;
			}
}

static int connect_models(struct platform_system *s, const struct platform_system_desc *d)
{
	for (size_t i = 0; i < s->n_devs; i++) {
		struct sys_dev *v = &s->devs[i];
		int rc;

		v->fn = platform_irq_fn(s->pi, v->bus, d->devices[i].device, 0);
		if (!v->fn)
			return fail(SIM_ERR_INVALID, "%s: not found by the enumeration", v->name);
		rc = platform_dma_port(s->m, v->bus, d->devices[i].device, 0, &v->port);
		if (rc)
			return fail(rc, "%s: no bus-master port", v->name);
		if (v->model == PLATFORM_MODEL_REFDEV) {
			rc = refdev_connect_irq(&v->refdev, v->fn);
			v->connected = rc == SIM_OK;
			if (rc == SIM_OK)
				rc = refdev_connect_dma(&v->refdev, &v->port);
		} else {
			rc = edu_connect_irq(&v->edu, v->fn);
			v->connected = rc == SIM_OK;
			if (rc == SIM_OK)
				rc = edu_connect_dma(&v->edu, &v->port);
		}
		if (rc)
			return fail(rc, "%s: connecting its interrupt and DMA", v->name);
	}
	return SIM_OK;
}

static int attach_os(struct platform_system *s, const struct platform_system_desc *d,
		     unsigned cpus)
{
	struct platform_hostos_inf inf[PLATFORM_SYSTEM_MAX_DEVICES];
	struct platform_hostos_config pc = { .inf = inf, .n_inf = s->n_devs,
					     .pool_flags = d->pool_flags };
	struct hostos_config hc;
	int rc;

	if (d->os)
		hc = *d->os;
	else
		hostos_config_default(&hc);
	hc.cpus = cpus;
	rc = hostos_create(&s->os, &s->k, &hc);
	if (rc)
		return fail(rc, "the host OS refused its configuration");
	for (size_t i = 0; i < s->n_devs; i++)
		inf[i] = (struct platform_hostos_inf){
			.bus = s->devs[i].bus, .device = d->devices[i].device, .function = 0,
			.msi_supported = d->devices[i].msi_supported,
			.message_number_limit = d->devices[i].message_number_limit,
		};
	rc = platform_hostos_attach(&s->ph, s->m, s->pi, s->os, &pc);
	if (rc)
		return fail(rc, "attaching the host OS to the machine");
	for (size_t i = 0; i < s->n_devs; i++)
		s->devs[i].pdo = platform_hostos_device(s->ph, s->devs[i].bus,
						       d->devices[i].device, 0);
	return SIM_OK;
}

int platform_system_build(struct platform_system **out, const struct platform_system_desc *desc)
{
	struct platform_device_desc dd[PLATFORM_SYSTEM_MAX_DEVICES];
	struct bus_mem_range ram[2];
	struct platform_desc pd = { 0 };
	struct platform_irq_config ic = { 0 };
	struct irq_ctrl_config cc;
	struct sim_kernel_config kc;
	struct platform_system *s;
	unsigned cpus;
	int rc;

	sys_error[0] = 0;
	if (!out)
		return fail(SIM_ERR_INVALID, "no place for the system");
	*out = NULL;
	if (!desc)
		return fail(SIM_ERR_INVALID, "no description");
	rc = check_desc(desc);
	if (rc)
		return rc;
	cpus = desc->cpus ? desc->cpus : 1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(SIM_ERR_NOMEM, "out of memory");
	s->devs = calloc(desc->n_devices, sizeof(*s->devs));
	if (!s->devs) {
		free(s);
		return fail(SIM_ERR_NOMEM, "out of memory");
	}
	s->n_devs = desc->n_devices;
	if (desc->kernel)
		kc = *desc->kernel;
	else
		sim_kernel_config_default(&kc);
	rc = sim_kernel_init(&s->k, &kc);
	if (rc) {
		fail(rc, "the kernel refused its configuration");
		goto out;
	}
	s->k_inited = true;
	rc = init_models(s, desc, dd);
	if (rc)
		goto out;

	ram[0] = (struct bus_mem_range){ 0, desc->ram_low_bytes ? desc->ram_low_bytes : 2 * GIB };
	pd.n_ram = 1;
	if (desc->ram_high_bytes) {
		ram[1] = (struct bus_mem_range){ 4 * GIB, desc->ram_high_bytes };
		pd.n_ram = 2;
	}
	pd.ram = ram;
	pd.max_backed_bytes = desc->max_backed_bytes ? desc->max_backed_bytes : GIB;
	pd.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), 512u << 20 };
	pd.pref64 = (struct bus_topo_window){ PLATFORM_SYSTEM_PREF64_BASE,
					      PLATFORM_SYSTEM_PREF64_BYTES };
	pd.io = (struct bus_topo_window){ 0x1000, 0xf000 };
	pd.ecam_base = UINT64_C(0xe0000000);
	pd.mps_cap_bytes = desc->mps_cap_bytes ? desc->mps_cap_bytes : 256;
	pd.mrrs_bytes = desc->mrrs_bytes ? desc->mrrs_bytes : 512;
	pd.bridges = desc->bridges;
	pd.n_bridges = desc->n_bridges;
	pd.devices = dd;
	pd.n_devices = desc->n_devices;
	rc = platform_machine_build(&s->m, &pd);
	if (rc) {
		fail(rc, "machine: %s", platform_build_error());
		goto out;
	}
	find_buses(s);

	irq_ctrl_config_default(&cc);
	cc.n_cpus = cpus;
	ic.ctrl = &cc;
	rc = platform_irq_attach(&s->pi, s->m, &s->k, &ic);
	if (rc) {
		fail(rc, "attaching the interrupt controller");
		goto out;
	}
	rc = connect_models(s, desc);
	if (rc == SIM_OK && !desc->no_os)
		rc = attach_os(s, desc, cpus);
out:
	if (rc) {
		platform_system_destroy(s);
		return rc;
	}
	*out = s;
	return SIM_OK;
}

void platform_system_destroy(struct platform_system *s)
{
	if (!s)
		return;
	platform_hostos_detach(s->ph);
	if (s->os)
		hostos_destroy(s->os);
	for (size_t i = s->n_devs; i-- > 0;) {
		struct sys_dev *v = &s->devs[i];

		if (!v->connected)
			continue;
		if (v->model == PLATFORM_MODEL_REFDEV)
			refdev_disconnect(&v->refdev);
		else
			edu_disconnect(&v->edu);
	}
	platform_irq_detach(s->pi);
	platform_machine_destroy(s->m);
	for (size_t i = s->n_devs; i-- > 0;) {
		struct sys_dev *v = &s->devs[i];

		if (!v->inited)
			continue;
		if (v->model == PLATFORM_MODEL_REFDEV)
			refdev_destroy(&v->refdev);
		else
			edu_destroy(&v->edu);
	}
	if (s->k_inited)
		sim_kernel_destroy(&s->k);
	free(s->devs);
	free(s);
}

struct sim_kernel *platform_system_kernel(struct platform_system *s)
{
	return s ? &s->k : NULL;
}

struct platform_machine *platform_system_machine(struct platform_system *s)
{
	return s ? s->m : NULL;
}

struct platform_irq *platform_system_irq(struct platform_system *s)
{
	return s ? s->pi : NULL;
}

struct hostos *platform_system_os(struct platform_system *s)
{
	return s ? s->os : NULL;
}

struct platform_hostos *platform_system_hostos(struct platform_system *s)
{
	return s ? s->ph : NULL;
}

struct refdev *platform_system_refdev(struct platform_system *s, size_t i)
{
	return s && i < s->n_devs && s->devs[i].model == PLATFORM_MODEL_REFDEV ? &s->devs[i].refdev
										 : NULL;
}

struct edu *platform_system_edu(struct platform_system *s, size_t i)
{
	return s && i < s->n_devs && s->devs[i].model == PLATFORM_MODEL_EDU ? &s->devs[i].edu
									      : NULL;
}

struct irq_fn *platform_system_fn(struct platform_system *s, size_t i)
{
	return s && i < s->n_devs ? s->devs[i].fn : NULL;
}

struct hostos_device *platform_system_pdo_device(struct platform_system *s, size_t i)
{
	return s && i < s->n_devs ? s->devs[i].pdo : NULL;
}

int platform_system_bus_of(struct platform_system *s, size_t i)
{
	return s && i < s->n_devs ? (int)s->devs[i].bus : -1;
}
