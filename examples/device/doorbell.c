/*
 * examples/device/doorbell.c - a device model in a few dozen lines, on a
 * machine, with its interrupt arriving at a CPU: the example of the
 * README's "Writing a device model".
 *
 * The device: vendor 0x1234, device 0xd00b, one 4 KiB register BAR, MSI.
 * Register 0x0 reads 0xd00b0001; a write of N to register 0x4 (the
 * doorbell) sends the MSI N microseconds later. The program rings it with
 * 5 and checks that the message reaches CPU 0 5 us (plus the link's time)
 * after the doorbell write arrived. Exit status 0 when it did.
 */
#include <stdio.h>

#include "bus/caps.h"
#include "irq/ctrl.h"
#include "irq/fn.h"
#include "platform/access.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

/* ---- the device model ---- */

struct doorbell {
	struct pci_cfg cfg;      /* its configuration space */
	struct sim_event ring;   /* the delayed interrupt */
	struct irq_fn *irq;      /* its interrupt logic, given by the platform */
	struct sim_kernel *k;
};

static enum bus_decode_status db_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)size;
	*val = off == 0 ? 0xd00b0001u : 0;
	return BUS_DECODE_OK;
}

static enum bus_decode_status db_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct doorbell *d = opaque;

	(void)size;
	if (off == 4)
		sim_event_schedule(&d->ring, SIM_US(val));
	return BUS_DECODE_OK;
}

/* Aligned 32-bit accesses only; the decoder refuses the rest. */
static const struct bus_region_ops db_ops = {
	.read = db_read, .write = db_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

static void db_ring(struct sim_kernel *k, void *opaque)
{
	struct doorbell *d = opaque;

	(void)k;
	irq_fn_msi_signal(d->irq, 0); /* a posted write through its link */
}

static int db_init(struct doorbell *d, struct sim_kernel *k)
{
	uint32_t msi;
	int rc = pci_cfg_init_type0(&d->cfg, 0x1234, 0xd00b, 0xff0000, 1, 0x1234, 1, 1);

	if (!rc)
		rc = pci_cfg_add_bar(&d->cfg, 0, PCI_BAR_MEM32, 4096, false);
	if (!rc)
		rc = pci_cap_add_msi(&d->cfg, 1, true, false, 0, &msi);
	d->k = k;
	sim_event_init(k, &d->ring, "doorbell.ring", db_ring, d);
	return rc;
}

/* ---- a machine around it, and a CPU that takes its interrupt ---- */

struct cpu0 {
	sim_time_t when_ps;
	unsigned vector;
};

static void deliver(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
		    const struct irq_delivery *dl)
{
	struct cpu0 *t = opaque;

	(void)c;
	(void)cpu;
	t->when_ps = dl->t_ps;
	t->vector = vector;
}

static const struct irq_sink_ops sink = { .deliver = deliver };

int main(void)
{
	static const struct bus_mem_range ram[] = { { 0, 1u << 30 } };
	struct sim_kernel k;
	struct sim_kernel_config kc;
	struct doorbell db;
	struct platform_bar_ops bars = { .ops = { &db_ops }, .opaque = { &db } };
	struct platform_device_desc dev = { .name = "doorbell", .cfg = &db.cfg, .bars = &bars };
	struct platform_desc desc = {
		.ram = ram, .n_ram = 1, .max_backed_bytes = 1u << 26,
		.mem32 = { 0xc0000000u, 1u << 28 }, .ecam_base = 0xe0000000u,
		.mps_cap_bytes = 256, .mrrs_bytes = 512, .devices = &dev, .n_devices = 1,
	};
	struct platform_machine *m = NULL;
	struct platform_irq *pi = NULL;
	struct cpu0 cpu = { 0 };
	uint64_t bar0 = 0, id = 0;
	uint32_t msi, cmd = 0;
	sim_time_t done = 0, arrive = 0;
	int ok;

	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) || db_init(&db, &k) || platform_machine_build(&m, &desc) ||
	    platform_irq_attach(&pi, m, &k, NULL))
		return 1;
	db.irq = platform_irq_fn(pi, 0, 0, 0);
	irq_ctrl_set_sink(platform_irq_ctrl(pi), 0, &sink, &cpu);
	/* What an OS does at boot: the MSI address and data (vector 0x42 to
	 * CPU 0), MSI Enable, Memory Space and Bus Master Enable. */
	msi = pci_cap_find(&db.cfg, PCI_CAP_ID_MSI);
	platform_cfg_write(m, 0, 0, 0, msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000u);
	platform_cfg_write(m, 0, 0, 0, msi + PCI_MSI_ADDRESS_HI, 4, 0);
	platform_cfg_write(m, 0, 0, 0, msi + 0x0c, 2, 0x42);
	platform_cfg_write(m, 0, 0, 0, msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	platform_cfg_read(m, 0, 0, 0, PCI_CFG_COMMAND, 2, &cmd);
	platform_cfg_write(m, 0, 0, 0, PCI_CFG_COMMAND, 2, cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	/* A CPU reads the ID and rings the doorbell, as a driver would. */
	pci_cfg_bar_address(&db.cfg, 0, &bar0);
	platform_mmio_read(m, bar0, 4, 0, &id, &done, NULL);
	platform_mmio_write(m, bar0 + 4, 4, 5, 0, &arrive, NULL);
	sim_run(&k);
	ok = id == 0xd00b0001u && cpu.vector == 0x42 && cpu.when_ps > SIM_US(5) &&
	     cpu.when_ps < SIM_US(6);
	printf("doorbell: ID 0x%08llx; MSI vector 0x%x at %.3f us (rung at 0, 5 us asked)\n",
	       (unsigned long long)id, cpu.vector, (double)cpu.when_ps / 1e6);
	platform_irq_detach(pi);
	platform_machine_destroy(m);
	sim_event_destroy(&db.ring);
	sim_kernel_destroy(&k);
	return ok ? 0 : 1;
}
