/*
 * hostos/io-pnp.c - Plug and Play and power: the OS's PCI bus driver
 * (the dispatch routine of every PDO, which completes what reaches the
 * bottom of a stack), the PnP manager's steps (AddDevice and
 * IRP_MN_START_DEVICE at load, stop and restart, orderly and surprise
 * removal, unloading a PnP driver after its last device),
 * IoGetDeviceProperty, IoOpenDeviceRegistryKey and the Po routines.
 *
 * PnP IRPs start with IoStatus.Status = STATUS_NOT_SUPPORTED (what the
 * PnP manager sets, and what a driver must leave alone for a minor code
 * it does not handle); they are sent to the top of the stack and waited
 * for at PASSIVE_LEVEL on the calling thread, as a system thread of the
 * PnP manager would.
 */
#include "hostos/io-internal.h"

#include <wdmguid.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hostos_pnp_req {
	KEVENT done;
	NTSTATUS status;
	ULONG_PTR info;
	bool finished;
};

/* ---- BUS_INTERFACE_STANDARD ---- */

static VOID NTAPI bus_ref(PVOID Context)
{
	(void)Context;
}

static BOOLEAN NTAPI bus_translate(PVOID Context, PHYSICAL_ADDRESS BusAddress, ULONG Length,
				   PULONG AddressSpace, PPHYSICAL_ADDRESS TranslatedAddress)
{
	(void)Context;
	(void)Length;
	(void)AddressSpace; /* memory stays memory, ports stay ports */
	/* no translation on this platform: bus and CPU addresses agree */
	*TranslatedAddress = BusAddress;
	return TRUE;
}

static struct _DMA_ADAPTER *NTAPI bus_dma(PVOID Context, struct _DEVICE_DESCRIPTION *Desc,
					  PULONG NumberOfMapRegisters)
{
	struct hostos_device *d = Context;

	return IoGetDmaAdapter(&d->pdo, Desc, NumberOfMapRegisters);
}

/* Bytes moved, as the WDK's: 0 for another space or a range past the
 * 4 KiB configuration space. */
static ULONG bus_data(struct hostos_device *d, ULONG space, PUCHAR buf, ULONG off, ULONG len,
		      bool write)
{
	ULONG done = 0;

	hostos_sched_point(hostos_self(write ? "SetBusData" : "GetBusData"));
	if (space != PCI_WHICHSPACE_CONFIG || off >= 4096)
		return 0;
	if (len > 4096 - off)
		len = 4096 - off;
	for (; done < len; done++) {
		uint32_t v = 0xFF;

		if (write) {
			if (d->desc.cfg_write)
				d->desc.cfg_write(d->desc.cfg_opaque, off + done, 1, buf[done]);
		} else {
			if (d->desc.cfg_read)
				d->desc.cfg_read(d->desc.cfg_opaque, off + done, 1, &v);
			buf[done] = (UCHAR)v;
		}
	}
	return done;
}

static ULONG NTAPI bus_get(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length)
{
	return bus_data(Context, DataType, Buffer, Offset, Length, false);
}

static ULONG NTAPI bus_set(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length)
{
	return bus_data(Context, DataType, Buffer, Offset, Length, true);
}

static NTSTATUS query_interface(struct hostos_devobj *d, PIO_STACK_LOCATION sl, NTSTATUS status)
{
	PBUS_INTERFACE_STANDARD b = (PBUS_INTERFACE_STANDARD)sl->Parameters.QueryInterface.Interface;

	if (!d || !d->pdo_of || !sl->Parameters.QueryInterface.InterfaceType ||
	    memcmp(sl->Parameters.QueryInterface.InterfaceType, &GUID_BUS_INTERFACE_STANDARD,
		   sizeof(GUID)))
		return status;
	if (!b || sl->Parameters.QueryInterface.Size < sizeof(*b))
		return STATUS_INVALID_PARAMETER;
	b->Size = sizeof(*b);
	b->Version = 1;
	b->Context = d->pdo_of;
	b->InterfaceReference = bus_ref;
	b->InterfaceDereference = bus_ref;
	b->TranslateBusAddress = bus_translate;
	b->GetDmaAdapter = bus_dma;
	b->SetBusData = bus_set;
	b->GetBusData = bus_get;
	return STATUS_SUCCESS;
}

/* ---- the bus driver ---- */

NTSTATUS NTAPI hostos_bus_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
	PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
	NTSTATUS status = irp->IoStatus.Status;
	struct hostos_devobj *d = (struct hostos_devobj *)dev->DeviceObjectExtension;

	switch (sl->MajorFunction) {
	case IRP_MJ_PNP:
		switch (sl->MinorFunction) {
		case IRP_MN_START_DEVICE:
		case IRP_MN_QUERY_STOP_DEVICE:
		case IRP_MN_STOP_DEVICE:
		case IRP_MN_CANCEL_STOP_DEVICE:
		case IRP_MN_QUERY_REMOVE_DEVICE:
		case IRP_MN_CANCEL_REMOVE_DEVICE:
		case IRP_MN_SURPRISE_REMOVAL:
		case IRP_MN_REMOVE_DEVICE:
			status = STATUS_SUCCESS;
			break;
		case IRP_MN_QUERY_CAPABILITIES: {
			PDEVICE_CAPABILITIES c = sl->Parameters.DeviceCapabilities.Capabilities;

			if (c && d && d->pdo_of) {
				c->Address = d->pdo_of->desc.device << 16 | d->pdo_of->desc.function;
				c->UINumber = 0xFFFFFFFFu;
				c->SurpriseRemovalOK = 1;
				c->DeviceState[PowerSystemWorking] = PowerDeviceD0;
				for (int s = PowerSystemSleeping1; s < PowerSystemMaximum; s++)
					c->DeviceState[s] = PowerDeviceD3;
				status = STATUS_SUCCESS;
			}
			break;
		}
		case IRP_MN_QUERY_INTERFACE:
			status = query_interface(d, sl, status);
			break;
		default:
			/* not handled by this bus driver: the status stays */
			break;
		}
		break;
	case IRP_MJ_POWER:
		if (sl->MinorFunction == IRP_MN_SET_POWER || sl->MinorFunction == IRP_MN_QUERY_POWER) {
			if (sl->MinorFunction == IRP_MN_SET_POWER && d &&
			    sl->Parameters.Power.Type == DevicePowerState)
				d->power = sl->Parameters.Power.State.DeviceState;
			status = STATUS_SUCCESS;
		}
		break;
	case IRP_MJ_SYSTEM_CONTROL:
		break;
	default:
		/* a raw PDO has no function driver to talk to */
		status = STATUS_INVALID_DEVICE_REQUEST;
		irp->IoStatus.Information = 0;
		break;
	}
	irp->IoStatus.Status = status;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return status;
}

/* ---- sending ---- */

void hostos_pnp_complete(struct hostos_io *io, PIRP irp)
{
	struct hostos_irp *h = hostos_irp_of(irp);
	struct hostos_pnp_req *r = h->req;

	r->status = irp->IoStatus.Status;
	r->info = irp->IoStatus.Information;
	r->finished = true;
	KeSetEvent(&r->done, IO_NO_INCREMENT, FALSE);
	hostos_irp_release(io, h);
}

NTSTATUS hostos_pnp_send(struct hostos_io *io, PDEVICE_OBJECT dev, UCHAR major, UCHAR minor,
			 const IO_STACK_LOCATION *params, ULONG_PTR *info)
{
	PDEVICE_OBJECT top = hostos_io_top(dev);
	struct hostos_pnp_req r;
	PIO_STACK_LOCATION sl;
	NTSTATUS st;
	PIRP irp;

	irp = hostos_irp_alloc(io, (unsigned)top->StackSize, HOSTOS_IRP_PNP);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	memset(&r, 0, sizeof(r));
	KeInitializeEvent(&r.done, NotificationEvent, FALSE);
	hostos_irp_of(irp)->req = &r;
	irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
	sl = IoGetNextIrpStackLocation(irp);
	if (params)
		sl->Parameters = params->Parameters;
	sl->MajorFunction = major;
	sl->MinorFunction = minor;
	st = IoCallDriver(top, irp);
	if (st == STATUS_PENDING || !r.finished)
		KeWaitForSingleObject(&r.done, Executive, KernelMode, FALSE, NULL);
	if (info)
		*info = r.info;
	return r.status;
}

static NTSTATUS pnp(struct hostos_io *io, struct hostos_devobj *pdo, UCHAR minor)
{
	IO_STACK_LOCATION p;

	memset(&p, 0, sizeof(p));
	if (minor == IRP_MN_START_DEVICE) {
		p.Parameters.StartDevice.AllocatedResources = pdo->pdo_of->raw;
		p.Parameters.StartDevice.AllocatedResourcesTranslated = pdo->pdo_of->translated;
	}
	return hostos_pnp_send(io, pdo->dev, IRP_MJ_PNP, minor, &p, NULL);
}

/* IRP_MN_SET_POWER of a device power state down the stack, as the power
 * manager sends it (D0 after a start, D3 before a removal). */
static NTSTATUS set_power(struct hostos_io *io, struct hostos_devobj *pdo, DEVICE_POWER_STATE d)
{
	IO_STACK_LOCATION p;

	memset(&p, 0, sizeof(p));
	p.Parameters.Power.Type = DevicePowerState;
	p.Parameters.Power.State.DeviceState = d;
	p.Parameters.Power.ShutdownType = PowerActionNone;
	return hostos_pnp_send(io, pdo->dev, IRP_MJ_POWER, IRP_MN_SET_POWER, &p, NULL);
}

/* Every PnP driver that had devices and has none left is unloaded. */
static void unload_idle(struct hostos_io *io)
{
	for (struct hostos_driver *drv = io->drivers; drv; drv = drv->next) {
		if (!drv->loaded || drv->unloaded || !drv->ext.AddDevice || !drv->instances ||
		    drv->obj.DeviceObject)
			continue;
		if (drv->obj.DriverUnload)
			drv->obj.DriverUnload(&drv->obj);
		drv->unloaded = true;
	}
}

/* IRP_MN_REMOVE_DEVICE and its checks: every device object of the stack
 * above the PDO detached and deleted (0xC9 0x21D / 0x21E). */
static NTSTATUS remove_final(struct hostos_io *io, struct hostos_devobj *pdo)
{
	struct hostos_thread *t = hostos_self("IRP_MN_REMOVE_DEVICE");
	PDEVICE_OBJECT above[16];
	unsigned n = 0;
	NTSTATUS st;

	for (PDEVICE_OBJECT a = pdo->dev->AttachedDevice; a && n < 16; a = a->AttachedDevice)
		above[n++] = a;
	hostos_ifaces_disable(io, pdo);
	st = pnp(io, pdo, IRP_MN_REMOVE_DEVICE);
	pdo->pnp_removed = true;
	pdo->pnp_started = false;
	if (hostos_io_verify(t))
		for (unsigned i = 0; i < n; i++) {
			struct hostos_devobj *d = hostos_devobj_of(io, above[i]);
			PDRIVER_DISPATCH fn = above[i]->DriverObject->MajorFunction[IRP_MJ_PNP];

			if (d && d->lower)
				hostos_io_violation(t, 0x21D, (const void *)(uintptr_t)fn, NULL, above[i],
						    "a driver did not detach its device object on IRP_MN_REMOVE_DEVICE");
			if (d && !d->deleted)
				hostos_io_violation(t, 0x21E, (const void *)(uintptr_t)fn, NULL, above[i],
						    "a driver did not delete its device object on IRP_MN_REMOVE_DEVICE");
		}
	unload_idle(io);
	return st;
}

/* The checks of a device object AddDevice made (Enhanced I/O
 * Verification, part of I/O Verification since Vista): initialised,
 * one transfer type, and for a filter what it must copy from the device
 * it attached to. */
static void check_added(struct hostos_thread *t, struct hostos_io *io, struct hostos_driver *drv,
			PDEVICE_OBJECT d)
{
	const void *where = (const void *)(uintptr_t)drv->ext.AddDevice;
	struct hostos_devobj *rec = hostos_devobj_of(io, d);
	PDEVICE_OBJECT lower = rec ? rec->lower : NULL;
	const ULONG xfer = DO_BUFFERED_IO | DO_DIRECT_IO;

	if (d->Flags & DO_DEVICE_INITIALIZING)
		hostos_io_violation(t, 0x243, where, NULL, d,
				    "AddDevice returned without clearing DO_DEVICE_INITIALIZING");
	if ((d->Flags & xfer) == xfer)
		hostos_io_violation(t, 0x245, where, NULL, d,
				    "a device object with both DO_BUFFERED_IO and DO_DIRECT_IO");
	if (drv->desc.role == HOSTOS_DRIVER_FUNCTION || !lower)
		return;
	if ((d->Flags & xfer) != (lower->Flags & xfer))
		hostos_io_violation(t, 0x244, where, NULL, d,
				    "a filter did not copy DO_BUFFERED_IO / DO_DIRECT_IO from the device below");
	if (d->DeviceType != lower->DeviceType)
		hostos_io_violation(t, 0x246, where, NULL, d,
				    "a filter did not copy DeviceType from the device below");
	if ((d->Flags & DO_POWER_PAGABLE) != (lower->Flags & DO_POWER_PAGABLE))
		hostos_io_violation(t, 0x23F, where, NULL, d,
				    "a filter did not inherit DO_POWER_PAGABLE from the device below");
}

/* AddDevice of @drv for @dd's PDO, with the checks above. */
static NTSTATUS add_device(struct hostos_thread *t, struct hostos_driver *drv,
			   struct hostos_device *dd)
{
	PDEVICE_OBJECT before = drv->obj.DeviceObject;
	struct hostos_io *io = t->os->io;
	NTSTATUS st;

	drv->instances++;
	st = drv->ext.AddDevice(&drv->obj, &dd->pdo);
	if (hostos_io_verify(t))
		for (PDEVICE_OBJECT d = drv->obj.DeviceObject; d && d != before; d = d->NextDevice)
			check_added(t, io, drv, d);
	return st;
}

/* AddDevice of the loaded filters of @role that match @dd. */
static NTSTATUS add_filters(struct hostos_thread *t, struct hostos_io *io,
			    enum hostos_driver_role role, struct hostos_device *dd)
{
	for (struct hostos_driver *f = io->drivers; f; f = f->next) {
		NTSTATUS st;

		if (!f->loaded || f->unloaded || f->desc.role != role || !f->ext.AddDevice ||
		    !hostos_hwid_match(&f->desc, &dd->desc))
			continue;
		st = add_device(t, f, dd);
		if (!NT_SUCCESS(st))
			return st;
	}
	return STATUS_SUCCESS;
}

void hostos_pnp_add_start(struct hostos_io *io, struct hostos_driver *drv, struct hostos_device *dd)
{
	struct hostos_thread *t = hostos_self("AddDevice");
	struct hostos_devobj *pdo = hostos_devobj_of(io, &dd->pdo);
	NTSTATUS st;

	pdo->function_driver = drv;
	pdo->instance = drv->instances;
	st = add_filters(t, io, HOSTOS_DRIVER_LOWER_FILTER, dd);
	if (NT_SUCCESS(st))
		st = add_device(t, drv, dd);
	if (NT_SUCCESS(st))
		st = add_filters(t, io, HOSTOS_DRIVER_UPPER_FILTER, dd);
	pdo->pnp_added = true;
	if (!NT_SUCCESS(st)) {
		/* the stack built so far is removed, as after a failed start */
		remove_final(io, pdo);
		return;
	}
	st = pnp(io, pdo, IRP_MN_START_DEVICE);
	if (NT_SUCCESS(st)) {
		pdo->pnp_started = true;
		set_power(io, pdo, PowerDeviceD0);
	} else {
		remove_final(io, pdo);
	}
}

bool hostos_device_started(const struct hostos_device *dev)
{
	const struct hostos_devobj *d;

	if (!dev || !dev->os->io)
		return false;
	d = (const struct hostos_devobj *)dev->pdo.DeviceObjectExtension;
	return d && d->magic == HOSTOS_DEVOBJ_MAGIC && d->pnp_started && !d->pnp_removed &&
	       !d->surprise_removed;
}

void *hostos_device_fdo(struct hostos_device *dev)
{
	return dev ? hostos_io_top(&dev->pdo) : NULL;
}

static struct hostos_devobj *pdo_for(struct hostos_thread *t, struct hostos_device *dev)
{
	if (!dev || dev->os != t->os)
		return NULL;
	return hostos_devobj_of(hostos_io_get(t->os), &dev->pdo);
}

int32_t hostos_pnp_stop(struct hostos_device *dev)
{
	struct hostos_thread *t = hostos_self("hostos_pnp_stop");
	struct hostos_devobj *pdo = pdo_for(t, dev);
	struct hostos_io *io = t->os->io;
	NTSTATUS st;

	if (!pdo || !pdo->pnp_started || pdo->pnp_removed || pdo->surprise_removed)
		return STATUS_INVALID_DEVICE_STATE;
	st = pnp(io, pdo, IRP_MN_QUERY_STOP_DEVICE);
	if (!NT_SUCCESS(st)) {
		pnp(io, pdo, IRP_MN_CANCEL_STOP_DEVICE);
		return st;
	}
	pnp(io, pdo, IRP_MN_STOP_DEVICE);
	pdo->pnp_started = false;
	st = pnp(io, pdo, IRP_MN_START_DEVICE);
	if (NT_SUCCESS(st))
		pdo->pnp_started = true;
	else
		remove_final(io, pdo);
	return st;
}

int32_t hostos_pnp_set_power(struct hostos_device *dev, unsigned d_state)
{
	struct hostos_thread *t = hostos_self("hostos_pnp_set_power");
	struct hostos_devobj *pdo = pdo_for(t, dev);

	if (!pdo || !pdo->pnp_started || d_state < PowerDeviceD0 || d_state > PowerDeviceD3)
		return STATUS_INVALID_DEVICE_STATE;
	return set_power(t->os->io, pdo, (DEVICE_POWER_STATE)d_state);
}

unsigned hostos_device_power(const struct hostos_device *dev)
{
	const struct hostos_devobj *d;

	if (!dev || !dev->os->io)
		return PowerDeviceD0;
	d = (const struct hostos_devobj *)dev->pdo.DeviceObjectExtension;
	return d && d->magic == HOSTOS_DEVOBJ_MAGIC ? (unsigned)d->power : PowerDeviceD0;
}

int32_t hostos_pnp_remove(struct hostos_device *dev)
{
	struct hostos_thread *t = hostos_self("hostos_pnp_remove");
	struct hostos_devobj *pdo = pdo_for(t, dev);
	struct hostos_io *io = t->os->io;
	NTSTATUS st;

	if (!pdo || !pdo->pnp_added || pdo->pnp_removed)
		return STATUS_INVALID_DEVICE_STATE;
	if (pdo->open_files)
		return STATUS_ACCESS_DENIED;
	if (!pdo->surprise_removed) {
		st = pnp(io, pdo, IRP_MN_QUERY_REMOVE_DEVICE);
		if (!NT_SUCCESS(st)) {
			pnp(io, pdo, IRP_MN_CANCEL_REMOVE_DEVICE);
			return st;
		}
		if (pdo->pnp_started)
			set_power(io, pdo, PowerDeviceD3);
	}
	return remove_final(io, pdo);
}

static void surprise_body(void *arg)
{
	(void)hostos_pnp_surprise_remove(arg);
}

int32_t hostos_pnp_surprise_remove(struct hostos_device *dev)
{
	struct hostos_thread *t = hostos_self_or_null();
	struct hostos_devobj *pdo;
	struct hostos_io *io;
	NTSTATUS st;

	if (!dev)
		return STATUS_INVALID_PARAMETER;
	if (!t || t->is_idle || t->frame != &t->base || t->cpu->irql != HOSTOS_PASSIVE) {
		if (hostos_thread_start(dev->os, "pnp", surprise_body, dev, 0, NULL))
			return STATUS_INSUFFICIENT_RESOURCES;
		return STATUS_PENDING;
	}
	pdo = pdo_for(t, dev);
	io = t->os->io;
	if (pdo && !pdo->pnp_added && !pdo->pnp_removed) {
		/* no driver yet: the device is just gone, none will get it */
		pdo->pnp_removed = true;
		return STATUS_SUCCESS;
	}
	if (!pdo || !pdo->pnp_added || pdo->pnp_removed || pdo->surprise_removed)
		return STATUS_INVALID_DEVICE_STATE;
	pdo->surprise_removed = true;
	pdo->pnp_started = false;
	hostos_ifaces_disable(io, pdo);
	st = pnp(io, pdo, IRP_MN_SURPRISE_REMOVAL);
	if (!pdo->open_files)
		remove_final(io, pdo);
	return st;
}

void hostos_pnp_last_close(struct hostos_io *io, struct hostos_devobj *pdo)
{
	if (pdo && pdo->surprise_removed && !pdo->pnp_removed && !pdo->open_files)
		remove_final(io, pdo);
}

/* ---- properties and keys ---- */

static NTSTATUS put(const void *src, ULONG n, ULONG len, PVOID buf, PULONG res)
{
	*res = n;
	if (len < n)
		return STATUS_BUFFER_TOO_SMALL;
	memcpy(buf, src, n);
	return STATUS_SUCCESS;
}

NTSTATUS IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject, DEVICE_REGISTRY_PROPERTY DeviceProperty,
			     ULONG BufferLength, PVOID PropertyBuffer, PULONG ResultLength)
{
	struct hostos_thread *t = hostos_self("IoGetDeviceProperty");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *d = hostos_devobj_of(io, DeviceObject);
	const struct hostos_device_desc *dd;
	WCHAR w[128];
	char a[128];
	ULONG v, dummy;
	size_t n;

	hostos_sched_point(t);
	if (!ResultLength)
		ResultLength = &dummy;
	*ResultLength = 0;
	if (!d || !d->pdo_of)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (BufferLength && !PropertyBuffer)
		return STATUS_INVALID_PARAMETER;
	dd = &d->pdo_of->desc;
	switch (DeviceProperty) {
	case DevicePropertyBusNumber:
		v = dd->bus;
		return put(&v, sizeof(v), BufferLength, PropertyBuffer, ResultLength);
	case DevicePropertyAddress:
		v = dd->device << 16 | dd->function;
		return put(&v, sizeof(v), BufferLength, PropertyBuffer, ResultLength);
	case DevicePropertyLegacyBusType:
		v = PCIBus;
		return put(&v, sizeof(v), BufferLength, PropertyBuffer, ResultLength);
	case DevicePropertyHardwareID:
		/* REG_MULTI_SZ: the most specific ID first */
		snprintf(a, sizeof(a), "PCI\\VEN_%04X&DEV_%04X&CC_%06X", dd->vendor_id,
			 dd->device_id, dd->class_code & 0xFFFFFFu);
		n = hostos_a_to_w(a, w, 60) + 1;
		snprintf(a, sizeof(a), "PCI\\VEN_%04X&DEV_%04X", dd->vendor_id, dd->device_id);
		n += hostos_a_to_w(a, w + n, 60) + 1;
		w[n++] = 0;
		return put(w, (ULONG)(n * sizeof(WCHAR)), BufferLength, PropertyBuffer, ResultLength);
	case DevicePropertyPhysicalDeviceObjectName:
		snprintf(a, sizeof(a), "\\Device\\PCI%02x%02x%x", dd->bus, dd->device, dd->function);
		n = hostos_a_to_w(a, w, sizeof(w) / sizeof(w[0])) + 1;
		return put(w, (ULONG)(n * sizeof(WCHAR)), BufferLength, PropertyBuffer, ResultLength);
	case DevicePropertyAllocatedResources:
		n = sizeof(CM_RESOURCE_LIST) +
		    (d->pdo_of->translated->List[0].PartialResourceList.Count
			     ? d->pdo_of->translated->List[0].PartialResourceList.Count - 1
			     : 0) * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
		return put(d->pdo_of->translated, (ULONG)n, BufferLength, PropertyBuffer,
			   ResultLength);
	default:
		return STATUS_INVALID_PARAMETER_2;
	}
}

void hostos_reg_device_path(struct hostos_devobj *pdo, unsigned which, char *buf, size_t n)
{
	const struct hostos_device_desc *dd = &pdo->pdo_of->desc;

	if (which == PLUGPLAY_REGKEY_DRIVER)
		snprintf(buf, n, "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\%s\\%04u",
			 pdo->function_driver ? pdo->function_driver->service : "none",
			 pdo->instance);
	else
		snprintf(buf, n,
			 "\\Registry\\Machine\\System\\CurrentControlSet\\Enum\\PCI\\VEN_%04X&DEV_%04X\\%u_%u_%u\\Device Parameters",
			 dd->vendor_id, dd->device_id, dd->bus, dd->device, dd->function);
}

int hostos_device_reg_path(struct hostos_device *dev, unsigned which, char *buf, size_t n)
{
	struct hostos_devobj *d;
	char tmp[256];

	if (!dev || !buf || (which != PLUGPLAY_REGKEY_DEVICE && which != PLUGPLAY_REGKEY_DRIVER))
		return SIM_ERR_INVALID;
	d = hostos_devobj_of(hostos_io_get(dev->os), &dev->pdo);
	if (!d)
		return SIM_ERR_NOMEM;
	hostos_reg_device_path(d, which, tmp, sizeof(tmp));
	if (strlen(tmp) + 1 > n)
		return SIM_ERR_LIMIT;
	memcpy(buf, tmp, strlen(tmp) + 1);
	return SIM_OK;
}

NTSTATUS IoOpenDeviceRegistryKey(PDEVICE_OBJECT DeviceObject, ULONG DevInstKeyType,
				 ACCESS_MASK DesiredAccess, PHANDLE DevInstRegKey)
{
	struct hostos_thread *t = hostos_self("IoOpenDeviceRegistryKey");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *d = hostos_devobj_of(io, DeviceObject);
	char path[256];

	(void)DesiredAccess;
	hostos_sched_point(t);
	if (!DevInstRegKey)
		return STATUS_INVALID_PARAMETER;
	*DevInstRegKey = NULL;
	if (!d || !d->pdo_of)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (DevInstKeyType != PLUGPLAY_REGKEY_DEVICE && DevInstKeyType != PLUGPLAY_REGKEY_DRIVER)
		return STATUS_INVALID_PARAMETER;
	hostos_reg_device_path(d, DevInstKeyType, path, sizeof(path));
	*DevInstRegKey = hostos_reg_handle(io, hostos_reg_key(io, path, true));
	return *DevInstRegKey ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* ---- power ---- */

VOID PoStartNextPowerIrp(PIRP Irp)
{
	struct hostos_thread *t = hostos_self("PoStartNextPowerIrp");

	(void)Irp;
	hostos_sched_point(t);
}

NTSTATUS PoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	return IoCallDriver(DeviceObject, Irp);
}

POWER_STATE PoSetPowerState(PDEVICE_OBJECT DeviceObject, POWER_STATE_TYPE Type,
			    POWER_STATE State)
{
	struct hostos_thread *t = hostos_self("PoSetPowerState");
	struct hostos_devobj *d = hostos_devobj_of(hostos_io_get(t->os), DeviceObject);
	POWER_STATE old;

	hostos_sched_point(t);
	old.DeviceState = d ? d->power : PowerDeviceD0;
	if (d && Type == DevicePowerState)
		d->power = State.DeviceState;
	return old;
}
