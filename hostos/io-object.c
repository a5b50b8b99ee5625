/*
 * hostos/io-object.c - driver and device objects: the I/O manager's
 * instance state, IoCreateDevice / IoDeleteDevice, the device namespace
 * (\Device\...) and symbolic links (\DosDevices\..., \??\...), device
 * stacks (IoAttachDeviceToDeviceStack, IoDetachDevice,
 * IoGetAttachedDevice(Reference)), and loading and unloading a driver
 * (hostos/io.h).
 *
 * Deleted device objects stay allocated until the instance is destroyed,
 * marked deleted, so a late IoCallDriver or a second IoDeleteDevice is
 * reported (0xC9) instead of touching freed memory.
 */
#include "hostos/io-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

size_t hostos_w_to_a(const WCHAR *w, size_t chars, char *buf, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < chars && i + 1 < n; i++)
		buf[i] = w[i] < 0x80 ? (char)w[i] : '?';
	buf[i] = 0;
	return i;
}

size_t hostos_a_to_w(const char *a, WCHAR *buf, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; a[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)a[i];
	buf[i] = 0;
	return i;
}

static WCHAR up(WCHAR c)
{
	return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
}

static bool name_eq(const WCHAR *a, USHORT alen, const WCHAR *b, USHORT blen)
{
	if (alen != blen)
		return false;
	for (USHORT i = 0; i < alen / 2; i++)
		if (up(a[i]) != up(b[i]))
			return false;
	return true;
}

static WCHAR *name_dup(const WCHAR *w, USHORT len)
{
	WCHAR *d = malloc(len + sizeof(WCHAR));

	if (d) {
		memcpy(d, w, len);
		d[len / 2] = 0;
	}
	return d;
}

/* ---- the instance ---- */

struct hostos_io *hostos_io_get(struct hostos *os)
{
	struct hostos_io *io = os->io;

	if (io)
		return io;
	io = calloc(1, sizeof(*io));
	if (!io) {
		fprintf(stderr, "hostos: out of memory for the I/O manager\n");
		abort();
	}
	io->os = os;
	io->bus.magic = HOSTOS_DRIVER_MAGIC;
	io->bus.os = os;
	io->bus.is_bus = true;
	io->bus.loaded = true;
	io->bus.obj.Type = IO_TYPE_DRIVER;
	io->bus.obj.Size = sizeof(DRIVER_OBJECT);
	io->bus.obj.DriverExtension = &io->bus.ext;
	io->bus.ext.DriverObject = &io->bus.obj;
	snprintf(io->bus.service, sizeof(io->bus.service), "pci");
	for (unsigned i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
		io->bus.obj.MajorFunction[i] = hostos_bus_dispatch;
	snprintf(io->root.name, sizeof(io->root.name), "%s", "");
	os->io = io;
	return io;
}

struct hostos_devobj *hostos_devobj_of(struct hostos_io *io, PDEVICE_OBJECT dev)
{
	struct hostos_devobj *d;
	struct hostos_device *pd;

	if (!dev)
		return NULL;
	d = (struct hostos_devobj *)dev->DeviceObjectExtension;
	if (d && d->magic == HOSTOS_DEVOBJ_MAGIC && d->dev == dev)
		return d;
	/* a PDO seen for the first time */
	pd = hostos_device_of(io->os, dev);
	if (!pd)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->magic = HOSTOS_DEVOBJ_MAGIC;
	d->dev = dev;
	d->pdo_of = pd;
	/* its name (DevicePropertyPhysicalDeviceObjectName), which device
	 * interface links point to */
	{
		char a[48];
		WCHAR w[48];
		size_t n;

		snprintf(a, sizeof(a), "\\Device\\PCI%02x%02x%x", pd->desc.bus, pd->desc.device,
			 pd->desc.function);
		n = hostos_a_to_w(a, w, 48);
		d->name = name_dup(w, (USHORT)(n * 2));
		d->name_len = d->name ? (USHORT)(n * 2) : 0;
	}
	d->power = PowerDeviceD0;
	d->all_next = io->devobjs;
	io->devobjs = d;
	dev->DriverObject = &io->bus.obj;
	dev->DeviceObjectExtension = (struct _DEVOBJ_EXTENSION *)d;
	/* the OS's bus driver never queues packets on a PDO (and this may
	 * run outside a host OS thread: no KeInitializeSpinLock) */
	InitializeListHead(&dev->DeviceQueue.DeviceListHead);
	/* the INF's interrupt settings, where Windows keeps them: under the
	 * hardware key, Interrupt Management\MessageSignaledInterruptProperties */
	{
		char path[320];
		size_t n;

		hostos_reg_device_path(d, PLUGPLAY_REGKEY_DEVICE, path, sizeof(path));
		n = strlen(path);
		snprintf(path + n, sizeof(path) - n,
			 "\\Interrupt Management\\MessageSignaledInterruptProperties");
		hostos_reg_set_dword(io->os, path, "MSISupported", pd->desc.msi_supported);
		if (pd->desc.message_number_limit)
			hostos_reg_set_dword(io->os, path, "MessageNumberLimit",
					     pd->desc.message_number_limit);
	}
	return d;
}

PDEVICE_OBJECT hostos_io_top(PDEVICE_OBJECT dev)
{
	while (dev && dev->AttachedDevice)
		dev = dev->AttachedDevice;
	return dev;
}

struct hostos_devobj *hostos_io_pdo_below(struct hostos_io *io, PDEVICE_OBJECT dev)
{
	struct hostos_devobj *d = hostos_devobj_of(io, dev);

	while (d && d->lower)
		d = hostos_devobj_of(io, d->lower);
	return d && d->pdo_of ? d : NULL;
}

PDEVICE_OBJECT hostos_io_find_device(struct hostos_io *io, const WCHAR *name, USHORT len)
{
	for (struct hostos_devobj *d = io->devobjs; d; d = d->all_next)
		if (!d->deleted && d->name && name_eq(d->name, d->name_len, name, len))
			return d->dev;
	return NULL;
}

/* The part of a symbolic link name after its namespace (\DosDevices\,
 * \??\, \GLOBAL??\, with an optional Global\), in *@off bytes. */
static bool link_strip(const WCHAR *w, USHORT len, USHORT *off)
{
	static const char *const prefixes[] = { "\\DosDevices\\Global\\", "\\DosDevices\\",
						"\\??\\Global\\", "\\??\\", "\\GLOBAL??\\" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		size_t k;

		if (len / 2 <= n)
			continue;
		for (k = 0; k < n; k++)
			if (up(w[k]) != up((WCHAR)prefixes[i][k]))
				break;
		if (k == n) {
			*off = (USHORT)(n * 2);
			return true;
		}
	}
	return false;
}

struct hostos_symlink *hostos_io_find_link(struct hostos_io *io, const WCHAR *name, USHORT len)
{
	for (struct hostos_symlink *l = io->links; l; l = l->next)
		if (name_eq(l->name, l->name_len, name, len))
			return l;
	return NULL;
}

/* ---- device objects ---- */

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
			PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
			ULONG DeviceCharacteristics, BOOLEAN Exclusive,
			PDEVICE_OBJECT *DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoCreateDevice");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_driver *drv;
	struct hostos_devobj *d;
	PDEVICE_OBJECT dev;
	size_t ext = (DeviceExtensionSize + 15u) & ~(size_t)15;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000A, "IoCreateDevice", DriverObject);
	if (DeviceObject)
		*DeviceObject = NULL;
	if (!DriverObject || !DeviceObject)
		return STATUS_INVALID_PARAMETER;
	drv = CONTAINING_RECORD(DriverObject, struct hostos_driver, obj);
	if (drv->magic != HOSTOS_DRIVER_MAGIC)
		return STATUS_INVALID_PARAMETER;
	if (DeviceName && DeviceName->Length &&
	    hostos_io_find_device(io, DeviceName->Buffer, DeviceName->Length))
		return STATUS_OBJECT_NAME_COLLISION;
	dev = calloc(1, sizeof(DEVICE_OBJECT) + ext);
	d = dev ? calloc(1, sizeof(*d)) : NULL;
	if (!d) {
		free(dev);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	if (DeviceName && DeviceName->Length) {
		d->name = name_dup(DeviceName->Buffer, DeviceName->Length);
		if (!d->name) {
			free(d);
			free(dev);
			return STATUS_INSUFFICIENT_RESOURCES;
		}
		d->name_len = DeviceName->Length;
	}
	d->magic = HOSTOS_DEVOBJ_MAGIC;
	d->dev = dev;
	d->alloc = dev;
	d->drv = drv;
	d->power = PowerDeviceD0;
	d->all_next = io->devobjs;
	io->devobjs = d;
	dev->Type = IO_TYPE_DEVICE;
	dev->Size = (USHORT)(sizeof(DEVICE_OBJECT) + DeviceExtensionSize);
	dev->ReferenceCount = 0;
	dev->DriverObject = DriverObject;
	dev->NextDevice = DriverObject->DeviceObject;
	DriverObject->DeviceObject = dev;
	dev->Flags = DO_DEVICE_INITIALIZING | (Exclusive ? DO_EXCLUSIVE : 0);
	dev->Characteristics = DeviceCharacteristics;
	dev->DeviceType = DeviceType;
	dev->StackSize = 1;
	dev->AlignmentRequirement = FILE_BYTE_ALIGNMENT;
	dev->DeviceExtension = ext ? (PVOID)(dev + 1) : NULL;
	dev->DeviceObjectExtension = (struct _DEVOBJ_EXTENSION *)d;
	dev->SectorSize = 0;
	KeInitializeDeviceQueue(&dev->DeviceQueue);
	KeInitializeEvent(&dev->DeviceLock, SynchronizationEvent, TRUE);
	*DeviceObject = dev;
	return STATUS_SUCCESS;
}

VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoDeleteDevice");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *d = hostos_devobj_of(io, DeviceObject);
	PDEVICE_OBJECT *pp;

	hostos_sched_point(t);
	if (!d || d->pdo_of) {
		if (hostos_io_verify(t))
			hostos_io_violation(t, 0x240, __builtin_return_address(0), NULL,
					    DeviceObject, "IoDeleteDevice of an object that is not a device object the driver created");
		return;
	}
	if (d->deleted) {
		if (hostos_io_verify(t))
			hostos_io_violation(t, 0x240, __builtin_return_address(0), NULL,
					    DeviceObject, "IoDeleteDevice of a device object already deleted");
		return;
	}
	if (d->lower && hostos_io_verify(t))
		hostos_io_violation(t, 0x201, __builtin_return_address(0), NULL, DeviceObject,
				    "device object deleted while still attached to a device below it (no IoDetachDevice)");
	hostos_io_timers_stop(io, d);
	d->deleted = true;
	for (pp = &DeviceObject->DriverObject->DeviceObject; *pp; pp = &(*pp)->NextDevice)
		if (*pp == DeviceObject) {
			*pp = DeviceObject->NextDevice;
			break;
		}
	DeviceObject->NextDevice = NULL;
}

NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
	struct hostos_thread *t = hostos_self("IoCreateSymbolicLink");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_symlink *l;
	USHORT off;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000C, "IoCreateSymbolicLink", SymbolicLinkName);
	if (!SymbolicLinkName || !DeviceName || !SymbolicLinkName->Buffer || !DeviceName->Buffer ||
	    !DeviceName->Length)
		return STATUS_INVALID_PARAMETER;
	if (!link_strip(SymbolicLinkName->Buffer, SymbolicLinkName->Length, &off))
		return STATUS_OBJECT_NAME_INVALID;
	if (hostos_io_find_link(io, SymbolicLinkName->Buffer + off / 2,
				(USHORT)(SymbolicLinkName->Length - off)))
		return STATUS_OBJECT_NAME_COLLISION;
	l = calloc(1, sizeof(*l));
	if (!l)
		return STATUS_INSUFFICIENT_RESOURCES;
	l->name_len = (USHORT)(SymbolicLinkName->Length - off);
	l->name = name_dup(SymbolicLinkName->Buffer + off / 2, l->name_len);
	l->target_len = DeviceName->Length;
	l->target = name_dup(DeviceName->Buffer, DeviceName->Length);
	if (!l->name || !l->target) {
		free(l->name);
		free(l->target);
		free(l);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	l->next = io->links;
	io->links = l;
	return STATUS_SUCCESS;
}

NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
	struct hostos_thread *t = hostos_self("IoDeleteSymbolicLink");
	struct hostos_io *io = hostos_io_get(t->os);
	USHORT off;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000D, "IoDeleteSymbolicLink", SymbolicLinkName);
	if (!SymbolicLinkName || !SymbolicLinkName->Buffer ||
	    !link_strip(SymbolicLinkName->Buffer, SymbolicLinkName->Length, &off))
		return STATUS_OBJECT_NAME_INVALID;
	for (struct hostos_symlink **pl = &io->links; *pl; pl = &(*pl)->next) {
		struct hostos_symlink *l = *pl;

		if (name_eq(l->name, l->name_len, SymbolicLinkName->Buffer + off / 2,
			    (USHORT)(SymbolicLinkName->Length - off))) {
			*pl = l->next;
			free(l->name);
			free(l->target);
			free(l);
			return STATUS_SUCCESS;
		}
	}
	return STATUS_OBJECT_NAME_NOT_FOUND;
}

PDEVICE_OBJECT IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice,
					   PDEVICE_OBJECT TargetDevice)
{
	struct hostos_thread *t = hostos_self("IoAttachDeviceToDeviceStack");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *s = hostos_devobj_of(io, SourceDevice);
	struct hostos_devobj *pdo;
	PDEVICE_OBJECT top;

	hostos_sched_point(t);
	if (!s || s->deleted || !hostos_devobj_of(io, TargetDevice))
		return NULL;
	top = hostos_io_top(TargetDevice);
	pdo = hostos_io_pdo_below(io, top);
	if (hostos_devobj_of(io, top)->deleted || (pdo && (pdo->pnp_removed || pdo->surprise_removed)))
		return NULL;
	top->AttachedDevice = SourceDevice;
	s->lower = top;
	SourceDevice->StackSize = (CCHAR)(top->StackSize + 1);
	if (top->AlignmentRequirement > SourceDevice->AlignmentRequirement)
		SourceDevice->AlignmentRequirement = top->AlignmentRequirement;
	return top;
}

VOID IoDetachDevice(PDEVICE_OBJECT TargetDevice)
{
	struct hostos_thread *t = hostos_self("IoDetachDevice");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *up_rec;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000C, "IoDetachDevice", TargetDevice);
	if (!TargetDevice || !TargetDevice->AttachedDevice) {
		if (hostos_io_verify(t))
			hostos_io_violation(t, 0x202, __builtin_return_address(0), NULL, TargetDevice,
					    "IoDetachDevice of a device object nothing is attached to");
		return;
	}
	up_rec = hostos_devobj_of(io, TargetDevice->AttachedDevice);
	if (up_rec)
		up_rec->lower = NULL;
	TargetDevice->AttachedDevice = NULL;
}

PDEVICE_OBJECT IoGetAttachedDevice(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoGetAttachedDevice");

	hostos_sched_point(t);
	return hostos_io_top(DeviceObject);
}

PDEVICE_OBJECT IoGetAttachedDeviceReference(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoGetAttachedDeviceReference");
	PDEVICE_OBJECT top;

	hostos_sched_point(t);
	top = hostos_io_top(DeviceObject);
	/* the reference: ObDereferenceObject does nothing on device objects */
	if (top)
		top->ReferenceCount++;
	return top;
}

/* ---- drivers ---- */

bool hostos_hwid_match(const struct hostos_driver_desc *dd, const struct hostos_device_desc *d)
{
	for (size_t i = 0; i < dd->n_ids; i++) {
		const struct hostos_hwid *h = &dd->ids[i];

		if (h->vendor != HOSTOS_HWID_ANY && h->vendor != d->vendor_id)
			continue;
		if (h->device != HOSTOS_HWID_ANY && h->device != d->device_id)
			continue;
		if ((d->class_code & h->class_mask) != (h->class_code & h->class_mask))
			continue;
		return true;
	}
	return false;
}

int32_t hostos_driver_load(struct hostos *os, const struct hostos_driver_desc *desc,
			   struct hostos_driver **out)
{
	struct hostos_thread *t = hostos_self("hostos_driver_load");
	struct hostos_io *io = hostos_io_get(os);
	struct hostos_driver *drv;
	char path[200];
	size_t n;
	NTSTATUS st;

	if (out)
		*out = NULL;
	if (!desc || !desc->entry || !desc->service || !desc->service[0] ||
	    strlen(desc->service) > 47 || (desc->n_ids && !desc->ids) || t->os != os ||
	    desc->role > HOSTOS_DRIVER_LOWER_FILTER)
		return STATUS_INVALID_PARAMETER;
	drv = calloc(1, sizeof(*drv));
	if (!drv)
		return STATUS_INSUFFICIENT_RESOURCES;
	drv->magic = HOSTOS_DRIVER_MAGIC;
	drv->os = os;
	drv->desc = *desc;
	snprintf(drv->service, sizeof(drv->service), "%s", desc->service);
	drv->desc.service = drv->service;
	drv->obj.Type = IO_TYPE_DRIVER;
	drv->obj.Size = sizeof(DRIVER_OBJECT);
	drv->obj.DriverExtension = &drv->ext;
	drv->obj.DriverInit = (PDRIVER_INITIALIZE)desc->entry;
	drv->ext.DriverObject = &drv->obj;
	snprintf(path, sizeof(path), "\\Driver\\%s", drv->service);
	n = hostos_a_to_w(path, drv->name_buf, sizeof(drv->name_buf) / sizeof(WCHAR));
	drv->obj.DriverName.Buffer = drv->name_buf;
	drv->obj.DriverName.Length = (USHORT)(n * 2);
	drv->obj.DriverName.MaximumLength = (USHORT)(n * 2 + 2);
	n = hostos_a_to_w(drv->service, drv->svc_buf, sizeof(drv->svc_buf) / sizeof(WCHAR));
	drv->ext.ServiceKeyName.Buffer = drv->svc_buf;
	drv->ext.ServiceKeyName.Length = (USHORT)(n * 2);
	drv->ext.ServiceKeyName.MaximumLength = (USHORT)(n * 2 + 2);
	snprintf(path, sizeof(path), "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%s",
		 drv->service);
	hostos_reg_key(io, path, true);
	n = hostos_a_to_w(path, drv->regpath_buf, sizeof(drv->regpath_buf) / sizeof(WCHAR));
	drv->regpath.Buffer = drv->regpath_buf;
	drv->regpath.Length = (USHORT)(n * 2);
	drv->regpath.MaximumLength = (USHORT)(n * 2 + 2);
	for (unsigned i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
		drv->obj.MajorFunction[i] = hostos_invalid_request;
	/* load order: filters attach in it */
	{
		struct hostos_driver **pp = &io->drivers;

		while (*pp)
			pp = &(*pp)->next;
		*pp = drv;
	}
	st = drv->obj.DriverInit(&drv->obj, &drv->regpath);
	drv->entry_status = st;
	/* the I/O manager clears DO_DEVICE_INITIALIZING of the devices
	 * DriverEntry created */
	for (PDEVICE_OBJECT d = drv->obj.DeviceObject; d; d = d->NextDevice)
		d->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
	if (!NT_SUCCESS(st))
		return st;
	drv->loaded = true;
	if (out)
		*out = drv;
	if (drv->ext.AddDevice && os->intr && desc->role == HOSTOS_DRIVER_FUNCTION)
		for (struct hostos_device *d = os->intr->devices; d; d = d->next) {
			struct hostos_devobj *pdo = hostos_devobj_of(io, &d->pdo);

			if (pdo && !pdo->function_driver && !pdo->pnp_removed &&
			    hostos_hwid_match(desc, &d->desc))
				hostos_pnp_add_start(io, drv, d);
		}
	return st;
}

void *hostos_driver_object(struct hostos_driver *drv)
{
	return drv ? &drv->obj : NULL;
}

bool hostos_driver_loaded(const struct hostos_driver *drv)
{
	return drv && drv->loaded && !drv->unloaded;
}

int32_t hostos_driver_unload(struct hostos_driver *drv)
{
	struct hostos_thread *t = hostos_self("hostos_driver_unload");
	struct hostos_io *io;

	if (!drv || !drv->loaded || drv->unloaded)
		return STATUS_INVALID_DEVICE_STATE;
	io = hostos_io_get(t->os);
	for (struct hostos_devobj *d = io->devobjs; d; d = d->all_next)
		if (d->pdo_of && d->function_driver == drv && !d->pnp_removed)
			return STATUS_INVALID_DEVICE_STATE;
	/* a PnP driver (a filter too) with a device object in a stack */
	if (drv->ext.AddDevice && drv->obj.DeviceObject)
		return STATUS_INVALID_DEVICE_STATE;
	if (drv->obj.DriverUnload)
		drv->obj.DriverUnload(&drv->obj);
	drv->unloaded = true;
	return STATUS_SUCCESS;
}

void hostos_io_stats(const struct hostos *os, struct hostos_io_stats *out)
{
	if (!out)
		return;
	if (os && os->io)
		*out = os->io->st;
	else
		memset(out, 0, sizeof(*out));
}

void hostos_io_destroy(struct hostos *os)
{
	struct hostos_io *io = os->io;

	if (!io)
		return;
	hostos_files_destroy(io);
	hostos_ifaces_destroy(io);
	for (struct hostos_devobj *d = io->devobjs, *n; d; d = n) {
		n = d->all_next;
		if (d->pdo_of)
			d->dev->DeviceObjectExtension = NULL;
		free(d->name);
		free(d->alloc);
		free(d);
	}
	for (struct hostos_symlink *l = io->links, *n; l; l = n) {
		n = l->next;
		free(l->name);
		free(l->target);
		free(l);
	}
	for (struct hostos_driver *d = io->drivers, *n; d; d = n) {
		n = d->next;
		free(d);
	}
	for (struct hostos_irp *h = io->irps, *n; h; h = n) {
		n = h->all_next;
		free(h);
	}
	hostos_reg_destroy(io);
	free(io);
	os->io = NULL;
}
