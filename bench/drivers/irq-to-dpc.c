/*
 * bench/drivers/irq-to-dpc.c - the driver of hostos_interrupt_to_dpc: an
 * ISR that claims the device's message and queues its DpcForIsr, a DPC
 * that signals a KEVENT and asks the device for the next interrupt. Plain
 * WDM code.
 */
#include <wdm.h>

#include "irq-to-dpc.h"

uint64_t bench_irq_signalled, bench_irq_target;

static KEVENT done;
static PIO_INTERRUPT_MESSAGE_INFO table;

static VOID DpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	UNREFERENCED_PARAMETER(Context);
	KeSetEvent(&done, IO_NO_INCREMENT, FALSE);
	KeClearEvent(&done);
	if (++bench_irq_signalled < bench_irq_target)
		bench_irq_next();
}

static BOOLEAN MessageIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageID)
{
	UNREFERENCED_PARAMETER(Interrupt);
	UNREFERENCED_PARAMETER(MessageID);
	IoRequestDpc((PDEVICE_OBJECT)ServiceContext, NULL, NULL);
	return TRUE;
}

static NTSTATUS BenchStartDevice(PDEVICE_OBJECT Pdo, PCM_RESOURCE_LIST Raw,
				 PCM_RESOURCE_LIST Translated)
{
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(Raw);
	UNREFERENCED_PARAMETER(Translated);
	KeInitializeEvent(&done, NotificationEvent, FALSE);
	IoInitializeDpcRequest(Pdo, DpcForIsr);
	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_MESSAGE_BASED;
	p.MessageBased.PhysicalDeviceObject = Pdo;
	p.MessageBased.ConnectionContext.InterruptMessageTable = &table;
	p.MessageBased.MessageServiceRoutine = MessageIsr;
	p.MessageBased.ServiceContext = Pdo;
	st = IoConnectInterruptEx(&p);
	if (NT_SUCCESS(st) && bench_irq_target)
		bench_irq_next(); /* the first request */
	return st;
}

void (*const bench_irq_start)(void) = (void (*)(void))BenchStartDevice;
