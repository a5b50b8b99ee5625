/*
 * tests/platform/test-system.c - Check tests of platform/system.h: a whole
 * system from one description. The device models answer at the addresses
 * the enumeration assigned (refdev's ID register 0x70110100, edu's
 * 0x010000ed, per their specifications), behind bridges too; the OS gets a
 * PDO per device with the interrupt the INF settings and the capabilities
 * allow (Windows uses MSI-X when a device offers MSI and MSI-X; the line
 * otherwise); two devices whose pins swizzle to one input share it; RAM
 * above 4 GiB exists; bad descriptions are refused with a reason and
 * leave nothing allocated (ASan's leak check).
 */
#include <check.h>
#include <string.h>

#include "bus/caps.h"
#include "bus/config.h"
#include "bus/hostmem.h"
#include "irq/fn.h"
#include "platform/access.h"
#include "platform/system.h"

#define GIB (UINT64_C(1) << 30)

static uint32_t bar_read32(struct platform_system *s, struct pci_cfg *cfg, unsigned bar,
			   uint64_t off)
{
	uint64_t base = 0, v = 0;
	sim_time_t done = 0;

	ck_assert_int_eq(pci_cfg_bar_address(cfg, bar, &base), SIM_OK);
	ck_assert_int_eq(platform_mmio_read(platform_system_machine(s), base + off, 4, 0, &v, &done,
					    NULL),
			 SIM_OK);
	return (uint32_t)v;
}

START_TEST(test_default_refdev)
{
	const struct platform_system_device dev = { .model = PLATFORM_MODEL_REFDEV };
	const struct platform_system_desc d = { .devices = &dev, .n_devices = 1 };
	struct platform_system *s = NULL;
	struct hostos_intr_resource line;

	ck_assert_int_eq(platform_system_build(&s, &d), SIM_OK);
	ck_assert_str_eq(platform_system_error(), "");
	ck_assert_ptr_nonnull(platform_system_refdev(s, 0));
	ck_assert_ptr_null(platform_system_edu(s, 0));
	ck_assert_ptr_null(platform_system_refdev(s, 1));
	ck_assert_ptr_nonnull(platform_system_os(s));
	ck_assert_uint_eq(hostos_cpu_count(platform_system_os(s)), 1);
	ck_assert_uint_eq(bar_read32(s, refdev_cfg(platform_system_refdev(s, 0)), 0, 0),
			  0x70110100u);
	/* no MSISupported: the line, and no messages */
	ck_assert_ptr_nonnull(platform_system_pdo_device(s, 0));
	ck_assert_int_eq(hostos_device_messages(platform_system_pdo_device(s, 0)), 0);
	ck_assert_int_eq(hostos_device_line(platform_system_pdo_device(s, 0), &line), SIM_OK);
	ck_assert_uint_eq(line.address, 0);
	ck_assert_uint_eq(irq_fn_input(platform_system_fn(s, 0)), 16);
	platform_system_destroy(s);
}
END_TEST

/* Devices 0 and 4 on the root bus: INTA# of both reaches input 16
 * ((D + pin - 1) mod 4 = 0), so both PDOs carry the same shared vector. */
START_TEST(test_shared_intx)
{
	const struct platform_system_device devs[] = {
		{ .model = PLATFORM_MODEL_REFDEV, .device = 0 },
		{ .model = PLATFORM_MODEL_REFDEV, .device = 4 },
	};
	const struct platform_system_desc d = { .devices = devs, .n_devices = 2 };
	struct platform_system *s = NULL;
	struct hostos_intr_resource l0, l1;

	ck_assert_int_eq(platform_system_build(&s, &d), SIM_OK);
	ck_assert_int_eq(hostos_device_line(platform_system_pdo_device(s, 0), &l0), SIM_OK);
	ck_assert_int_eq(hostos_device_line(platform_system_pdo_device(s, 1), &l1), SIM_OK);
	ck_assert_uint_eq(l0.vector, l1.vector);
	ck_assert_uint_eq(irq_fn_input(platform_system_fn(s, 0)), 16);
	ck_assert_uint_eq(irq_fn_input(platform_system_fn(s, 1)), 16);
	platform_system_destroy(s);
}
END_TEST

/* MSISupported: refdev offers MSI (8) and MSI-X (8 entries) and gets
 * MSI-X; without MSI-X it gets MSI; MessageNumberLimit 1 gives one. */
START_TEST(test_messages)
{
	struct refdev_config nox;
	struct platform_system_device devs[] = {
		{ .model = PLATFORM_MODEL_REFDEV, .device = 0, .msi_supported = true },
		{ .model = PLATFORM_MODEL_REFDEV, .device = 1, .msi_supported = true,
		  .refdev = &nox },
		{ .model = PLATFORM_MODEL_REFDEV, .device = 2, .msi_supported = true,
		  .message_number_limit = 1 },
	};
	const struct platform_system_desc d = { .devices = devs, .n_devices = 3, .cpus = 2 };
	struct platform_system *s = NULL;
	struct hostos_intr_resource r;
	uint32_t ctl = 0;
	struct pci_cfg *c0;

	refdev_config_default(&nox);
	nox.msix = false;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_OK);
	ck_assert_uint_eq(hostos_cpu_count(platform_system_os(s)), 2);
	ck_assert_int_eq(hostos_device_messages(platform_system_pdo_device(s, 0)), 8);
	c0 = refdev_cfg(platform_system_refdev(s, 0));
	ck_assert_int_eq(pci_cfg_read(c0, pci_cap_find(c0, PCI_CAP_ID_MSIX) + PCI_MSIX_FLAGS, 2,
				      &ctl),
			 SIM_OK);
	ck_assert(ctl & PCI_MSIX_FLAGS_ENABLE);
	/* MSI-X message n targets CPU n % 2 */
	ck_assert_int_eq(hostos_device_message(platform_system_pdo_device(s, 0), 1, &r), SIM_OK);
	ck_assert_uint_eq(r.cpu, 1);
	ck_assert_int_eq(hostos_device_messages(platform_system_pdo_device(s, 1)), 8);
	ck_assert_int_eq(hostos_device_messages(platform_system_pdo_device(s, 2)), 1);
	platform_system_destroy(s);
}
END_TEST

/* A device behind a bridge gets the bridge's secondary bus and answers at
 * its BAR; an edu device beside it; no OS. RAM above 4 GiB is there. */
START_TEST(test_bridge_edu_no_os_high_ram)
{
	static const struct platform_bridge_desc br[] = {
		{ .name = "br0", .device = 1, .vendor_id = 0x8086, .device_id = 0x244e },
	};
	const struct platform_system_device devs[] = {
		{ .model = PLATFORM_MODEL_REFDEV, .name = "behind", .parent = "br0", .device = 0 },
		{ .model = PLATFORM_MODEL_EDU, .device = 2 },
	};
	const struct platform_system_desc d = {
		.devices = devs, .n_devices = 2, .bridges = br, .n_bridges = 1, .no_os = true,
		.ram_high_bytes = GIB,
	};
	struct platform_system *s = NULL;
	size_t avail = 0;

	ck_assert_int_eq(platform_system_build(&s, &d), SIM_OK);
	ck_assert_ptr_null(platform_system_os(s));
	ck_assert_ptr_null(platform_system_pdo_device(s, 0));
	ck_assert_int_eq(platform_system_bus_of(s, 0), 1);
	ck_assert_int_eq(platform_system_bus_of(s, 1), 0);
	ck_assert_int_eq(platform_system_bus_of(s, 2), -1);
	ck_assert_uint_eq(bar_read32(s, refdev_cfg(platform_system_refdev(s, 0)), 0, 0),
			  0x70110100u);
	ck_assert_uint_eq(bar_read32(s, edu_cfg(platform_system_edu(s, 1)), 0, 0), EDU_ID_VALUE);
	ck_assert_ptr_nonnull(bus_mem_host_ptr(platform_mem(platform_system_machine(s)),
					       4 * GIB + GIB - 4096, &avail));
	ck_assert_ptr_null(bus_mem_host_ptr(platform_mem(platform_system_machine(s)), 5 * GIB,
					    &avail));
	platform_system_destroy(s);
}
END_TEST

START_TEST(test_refused)
{
	struct platform_system_device dev = { .model = PLATFORM_MODEL_REFDEV };
	const struct platform_system_device two[] = {
		{ .model = PLATFORM_MODEL_REFDEV, .device = 3 },
		{ .model = PLATFORM_MODEL_EDU, .device = 3 },
	};
	struct platform_system_desc d = { .devices = &dev, .n_devices = 1 };
	struct platform_system *s = (struct platform_system *)&d;

	ck_assert_int_eq(platform_system_build(NULL, &d), SIM_ERR_INVALID);
	ck_assert_int_eq(platform_system_build(&s, NULL), SIM_ERR_INVALID);
	ck_assert_ptr_null(s);
	d.n_devices = 0;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	ck_assert(strstr(platform_system_error(), "devices"));
	d.n_devices = 1;
	d.ram_low_bytes = 4 * GIB;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	d.ram_low_bytes = 4096 + 1;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	d.ram_low_bytes = 0;
	d.cpus = HOSTOS_MAX_CPUS + 1;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	d.cpus = 0;
	dev.model = (enum platform_model)7;
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	ck_assert(strstr(platform_system_error(), "model"));
	dev.model = PLATFORM_MODEL_REFDEV;
	dev.parent = "nowhere";
	ck_assert_int_eq(platform_system_build(&s, &d), SIM_ERR_INVALID);
	ck_assert(strstr(platform_system_error(), "machine"));
	/* two devices in one slot: the machine's build refuses, and the
	 * models already made are destroyed */
	d.devices = two;
	d.n_devices = 2;
	ck_assert_int_ne(platform_system_build(&s, &d), SIM_OK);
	ck_assert_ptr_null(s);
	platform_system_destroy(NULL);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("platform-system");
	TCase *tc = tcase_create("system");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_default_refdev);
	tcase_add_test(tc, test_shared_intx);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_bridge_edu_no_os_high_ram);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
