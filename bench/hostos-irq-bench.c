/*
 * bench/hostos-irq-bench.c - the hostos_interrupt_to_dpc workload of
 * pcisim-bench (no peer): on a built machine, a device function's MSI
 * crosses its link into the interrupt controller, the host OS runs the
 * driver's ISR, the ISR queues its DpcForIsr, the DPC signals a KEVENT
 * and rings for the next interrupt; one event signalled per interrupt.
 * All of it with the standard verifier flags.
 */
#include "bench/bench.h"

#include <stdio.h>
#include <string.h>

#include "bench/drivers/irq-to-dpc.h"
#include "bus/caps.h"
#include "hostos/devices.h"
#include "hostos/os.h"
#include "irq/fn.h"
#include "platform/hostos.h"
#include "platform/irq.h"
#include "platform/machine.h"
#include "sim/kernel.h"

static struct irq_fn *bench_fn;

void bench_irq_next(void)
{
	irq_fn_msi_signal(bench_fn, 0);
}

static enum bus_decode_status reg_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	(void)opaque;
	(void)off;
	(void)size;
	*val = 0;
	return BUS_DECODE_OK;
}

static enum bus_decode_status reg_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)off;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops reg_ops = {
	.read = reg_read, .write = reg_write, .valid_sizes = BUS_DECODE_SIZE_4,
};

int bench_hostos_interrupt_to_dpc(uint64_t n, double *rate)
{
	static const struct bus_mem_range ram[] = { { 0, UINT64_C(1) << 30 } };
	static const struct platform_hostos_inf inf[] = { { .msi_supported = true } };
	struct platform_hostos_config pc = { .inf = inf, .n_inf = 1 };
	struct platform_bar_ops bars = { .ops = { &reg_ops } };
	struct platform_device_desc dd = { .name = "ep", .bars = &bars };
	struct platform_desc d = { 0 };
	struct pci_cfg cfg;
	struct sim_kernel k;
	struct sim_kernel_config kc;
	struct platform_machine *m = NULL;
	struct platform_irq *pi = NULL;
	struct platform_hostos *ph = NULL;
	struct hostos *os = NULL;
	uint32_t msi;
	double t0, t1;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	if (pci_cfg_init_type0(&cfg, 0x1b36, 0x11, 0xff0000, 1, 0x1b36, 1, 1) ||
	    pci_cfg_add_bar(&cfg, 0, PCI_BAR_MEM32, 4096, false) ||
	    pci_cap_add_msi(&cfg, 1, true, false, 0, &msi))
		return -1;
	dd.cfg = &cfg;
	d.ram = ram;
	d.n_ram = 1;
	d.max_backed_bytes = UINT64_C(1) << 20;
	d.mem32 = (struct bus_topo_window){ UINT64_C(0xc0000000), UINT64_C(1) << 28 };
	d.ecam_base = UINT64_C(0xe0000000);
	d.mps_cap_bytes = 256;
	d.mrrs_bytes = 512;
	d.devices = &dd;
	d.n_devices = 1;
	sim_kernel_config_default(&kc);
	if (sim_kernel_init(&k, &kc) != SIM_OK)
		return -1;
	if (platform_machine_build(&m, &d) || platform_irq_attach(&pi, m, &k, NULL) ||
	    hostos_create(&os, &k, NULL) || platform_hostos_attach(&ph, m, pi, os, &pc))
		goto out;
	bench_fn = platform_irq_fn(pi, 0, 0, 0);
	bench_irq_signalled = 0;
	bench_irq_target = n;
	if (hostos_device_start(platform_hostos_device(ph, 0, 0, 0), HOSTOS_START_ROUTINE(bench_irq_start),
				0, NULL))
		goto out;
	t0 = bench_now();
	hostos_run(os);
	t1 = bench_now();
	if (hostos_bugchecked(os) || bench_irq_signalled != n) {
		fprintf(stderr, "hostos_interrupt_to_dpc: %s\n",
			hostos_bugchecked(os) ? hostos_last_bugcheck(os)->report : "wrong count");
		goto out;
	}
	*rate = (double)n / (t1 - t0);
	rc = 0;
out:
	platform_hostos_detach(ph);
	hostos_destroy(os);
	platform_irq_detach(pi);
	platform_machine_destroy(m);
	sim_kernel_destroy(&k);
	return rc;
}
