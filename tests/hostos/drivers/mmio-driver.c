/*
 * tests/hostos/drivers/mmio-driver.c - the register-access tests' driver:
 * plain WDM code (also checked against mingw-w64's DDK headers), a
 * function per scenario.
 */
#include <ntddk.h>

#include "mmio-driver.h"

struct mmio_obs mmio_obs;

static PULONG map_regs(void)
{
	PHYSICAL_ADDRESS pa;

	pa.QuadPart = MMIO_DEV_PA;
	return MmMapIoSpace(pa, 64, MmNonCached);
}

void mmio_basic(void *arg)
{
	PULONG regs;
	PUCHAR bytes;

	UNREFERENCED_PARAMETER(arg);
	regs = map_regs();
	if (!regs)
		return;
	mmio_obs.va = (uintptr_t)regs;
	WRITE_REGISTER_ULONG(&regs[1], 0x12345678);
	mmio_obs.val[0] = READ_REGISTER_ULONG(&regs[1]);
	bytes = (PUCHAR)regs;
	WRITE_REGISTER_UCHAR(&bytes[8], 0xAB);
	mmio_obs.val[1] = READ_REGISTER_UCHAR(&bytes[8]);
	WRITE_REGISTER_USHORT((PUSHORT)&bytes[12], 0xBEEF);
	mmio_obs.val[2] = READ_REGISTER_USHORT((PUSHORT)&bytes[12]);
	WRITE_REGISTER_ULONG64((PULONG64)&regs[4], 0x1122334455667788ULL);
	mmio_obs.val64 = READ_REGISTER_ULONG64((PULONG64)&regs[4]);
	{
		ULONG fifo[4];

		READ_REGISTER_BUFFER_ULONG(&regs[15], fifo, 4);
		for (int i = 0; i < 4; i++)
			mmio_obs.fifo[i] = fifo[i];
	}
	WRITE_PORT_UCHAR((PUCHAR)MMIO_DEV_PORT, 0x5A);
	mmio_obs.port8 = READ_PORT_UCHAR((PUCHAR)MMIO_DEV_PORT);
	mmio_obs.port32 = READ_PORT_ULONG((PULONG)(MMIO_DEV_PORT + 4));
	MmUnmapIoSpace(regs, 64);
}

void mmio_read_outside(void *arg)
{
	PULONG regs = map_regs();

	UNREFERENCED_PARAMETER(arg);
	mmio_obs.va = (uintptr_t)&regs[16];
	(void)READ_REGISTER_ULONG(&regs[16]); /* one past the mapping */
}

void mmio_write_outside(void *arg)
{
	PULONG regs = map_regs();

	UNREFERENCED_PARAMETER(arg);
	mmio_obs.va = (uintptr_t)&regs[15] + 2;
	WRITE_REGISTER_ULONG((PULONG)((PUCHAR)&regs[15] + 2), 0); /* straddles the end */
}

void mmio_after_unmap(void *arg)
{
	PULONG regs = map_regs();

	UNREFERENCED_PARAMETER(arg);
	MmUnmapIoSpace(regs, 64);
	mmio_obs.va = (uintptr_t)regs;
	(void)READ_REGISTER_ULONG(regs);
}

void mmio_map_above_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	old = KeRaiseIrqlToSynchLevel();
	(void)map_regs();
	KeLowerIrql(old);
}

void mmio_unmap_at_dispatch(void *arg)
{
	PULONG regs = map_regs();
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	mmio_obs.va = (uintptr_t)regs;
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	MmUnmapIoSpace(regs, 64);
	KeLowerIrql(old);
}

void mmio_unmap_unknown(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	mmio_obs.va = (uintptr_t)&mmio_obs;
	MmUnmapIoSpace(&mmio_obs, 64);
}

/* A function driver's start: its registers from the translated resources,
 * as IRP_MN_START_DEVICE hands them over. */
static NTSTATUS MmioStartDevice(PDEVICE_OBJECT Pdo, PCM_RESOURCE_LIST Raw,
				PCM_RESOURCE_LIST Translated)
{
	PCM_PARTIAL_RESOURCE_LIST list;
	PULONG regs;
	ULONG i;

	UNREFERENCED_PARAMETER(Pdo);
	UNREFERENCED_PARAMETER(Raw);
	if (!Translated || Translated->Count < 1)
		return STATUS_DEVICE_CONFIGURATION_ERROR;
	list = &Translated->List[0].PartialResourceList;
	for (i = 0; i < list->Count; i++) {
		PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &list->PartialDescriptors[i];

		if (d->Type != CmResourceTypeMemory)
			continue;
		regs = MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
		if (!regs)
			return STATUS_INSUFFICIENT_RESOURCES;
		mmio_obs.bar_pa = (uint64_t)d->u.Memory.Start.QuadPart;
		mmio_obs.bar_len = d->u.Memory.Length;
		mmio_obs.bar_reg1 = READ_REGISTER_ULONG(&regs[1]);
		WRITE_REGISTER_ULONG(&regs[2], mmio_obs.bar_reg1 + 1);
		MmUnmapIoSpace(regs, d->u.Memory.Length);
		mmio_obs.buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'oimM');
		return mmio_obs.buf ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	return STATUS_DEVICE_CONFIGURATION_ERROR;
}

void (*const mmio_start)(void) = (void (*)(void))MmioStartDevice;
