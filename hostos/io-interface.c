/*
 * hostos/io-interface.c - device interfaces: IoRegisterDeviceInterface
 * names an interface of a PDO (\??\PCI#VEN_v&DEV_d#b_d_f#{guid}[\ref]),
 * IoSetDeviceInterfaceState turns it into a symbolic link to the PDO (an
 * application opens the top of its stack through it) or removes the link,
 * RtlFreeUnicodeString frees the name. The harness enumerates a device's
 * enabled interfaces with hostos_device_interface() (what SetupDi would
 * give an application). The PnP manager disables a device's interfaces
 * when it is removed or surprise-removed, as Windows does.
 */
#include "hostos/io-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t iface_name(struct hostos_devobj *pdo, const GUID *g, PUNICODE_STRING ref, WCHAR *w,
			 size_t n)
{
	const struct hostos_device_desc *d = &pdo->pdo_of->desc;
	char a[200];
	size_t k;

	snprintf(a, sizeof(a),
		 "\\??\\PCI#VEN_%04X&DEV_%04X#%u_%u_%u#{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
		 d->vendor_id, d->device_id, d->bus, d->device, d->function, (unsigned)g->Data1,
		 g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
		 g->Data4[5], g->Data4[6], g->Data4[7]);
	k = hostos_a_to_w(a, w, n);
	if (ref && ref->Length && k + 1 + ref->Length / 2 + 1 < n) {
		w[k++] = '\\';
		memcpy(w + k, ref->Buffer, ref->Length);
		k += ref->Length / 2;
		w[k] = 0;
	}
	return k;
}

static struct hostos_iface *iface_find(struct hostos_io *io, const WCHAR *w, USHORT bytes)
{
	for (struct hostos_iface *i = io->ifaces; i; i = i->next)
		if (i->name_len == bytes && !memcmp(i->name, w, bytes))
			return i;
	return NULL;
}

NTSTATUS IoRegisterDeviceInterface(PDEVICE_OBJECT PhysicalDeviceObject, CONST GUID *InterfaceClassGuid,
				   PUNICODE_STRING ReferenceString, PUNICODE_STRING SymbolicLinkName)
{
	struct hostos_thread *t = hostos_self("IoRegisterDeviceInterface");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_devobj *pdo = hostos_devobj_of(io, PhysicalDeviceObject);
	struct hostos_iface *i;
	WCHAR w[200];
	size_t k;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000C, "IoRegisterDeviceInterface", PhysicalDeviceObject);
	if (!SymbolicLinkName || !InterfaceClassGuid)
		return STATUS_INVALID_PARAMETER;
	SymbolicLinkName->Buffer = NULL;
	SymbolicLinkName->Length = SymbolicLinkName->MaximumLength = 0;
	if (!pdo || !pdo->pdo_of)
		return STATUS_INVALID_DEVICE_REQUEST;
	k = iface_name(pdo, InterfaceClassGuid, ReferenceString, w, sizeof(w) / sizeof(w[0]));
	i = iface_find(io, w, (USHORT)(k * 2));
	if (!i) {
		i = calloc(1, sizeof(*i));
		if (!i)
			return STATUS_INSUFFICIENT_RESOURCES;
		memcpy(i->name, w, (k + 1) * sizeof(WCHAR));
		i->name_len = (USHORT)(k * 2);
		i->pdo = pdo;
		i->next = io->ifaces;
		io->ifaces = i;
	}
	/* the caller's copy, freed with RtlFreeUnicodeString (or with the
	 * machine, when the driver never does) */
	{
		struct hostos_strbuf *b = malloc(sizeof(*b));

		SymbolicLinkName->Buffer = b ? malloc((k + 1) * sizeof(WCHAR)) : NULL;
		if (!SymbolicLinkName->Buffer) {
			free(b);
			return STATUS_INSUFFICIENT_RESOURCES;
		}
		b->p = SymbolicLinkName->Buffer;
		b->next = io->strbufs;
		io->strbufs = b;
	}
	memcpy(SymbolicLinkName->Buffer, w, (k + 1) * sizeof(WCHAR));
	SymbolicLinkName->Length = (USHORT)(k * 2);
	SymbolicLinkName->MaximumLength = (USHORT)((k + 1) * 2);
	return STATUS_SUCCESS;
}

/* The link of an enabled interface: its name without \??\, to the PDO. */
static NTSTATUS iface_enable(struct hostos_io *io, struct hostos_iface *i, bool on)
{
	const USHORT pre = 8; /* "\??\" */
	struct hostos_symlink *l, **pl;
	char a[64];
	WCHAR target[64];
	size_t n;

	if (on == i->enabled)
		return on ? STATUS_OBJECT_NAME_EXISTS : STATUS_OBJECT_NAME_NOT_FOUND;
	if (!on) {
		for (pl = &io->links; *pl; pl = &(*pl)->next)
			if ((*pl)->name_len == i->name_len - pre &&
			    !memcmp((*pl)->name, i->name + pre / 2, i->name_len - pre)) {
				l = *pl;
				*pl = l->next;
				free(l->name);
				free(l->target);
				free(l);
				break;
			}
		i->enabled = false;
		return STATUS_SUCCESS;
	}
	snprintf(a, sizeof(a), "\\Device\\PCI%02x%02x%x", i->pdo->pdo_of->desc.bus,
		 i->pdo->pdo_of->desc.device, i->pdo->pdo_of->desc.function);
	n = hostos_a_to_w(a, target, 64);
	l = calloc(1, sizeof(*l));
	if (!l)
		return STATUS_INSUFFICIENT_RESOURCES;
	l->name_len = (USHORT)(i->name_len - pre);
	l->name = malloc(l->name_len + 2);
	l->target_len = (USHORT)(n * 2);
	l->target = malloc(l->target_len + 2);
	if (!l->name || !l->target) {
		free(l->name);
		free(l->target);
		free(l);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	memcpy(l->name, i->name + pre / 2, l->name_len + 2);
	memcpy(l->target, target, l->target_len + 2);
	l->next = io->links;
	io->links = l;
	i->enabled = true;
	return STATUS_SUCCESS;
}

NTSTATUS IoSetDeviceInterfaceState(PUNICODE_STRING SymbolicLinkName, BOOLEAN Enable)
{
	struct hostos_thread *t = hostos_self("IoSetDeviceInterfaceState");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_iface *i;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000A, "IoSetDeviceInterfaceState", SymbolicLinkName);
	if (!SymbolicLinkName || !SymbolicLinkName->Buffer)
		return STATUS_INVALID_PARAMETER;
	i = iface_find(io, SymbolicLinkName->Buffer, SymbolicLinkName->Length);
	if (!i)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	return iface_enable(io, i, Enable != FALSE);
}

VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
	struct hostos_thread *t = hostos_self("RtlFreeUnicodeString");
	struct hostos_io *io = hostos_io_get(t->os);

	if (!UnicodeString || !UnicodeString->Buffer)
		return;
	/* only strings the OS allocated; anything else is left alone */
	for (struct hostos_strbuf **pb = &io->strbufs; *pb; pb = &(*pb)->next)
		if ((*pb)->p == UnicodeString->Buffer) {
			struct hostos_strbuf *b = *pb;

			*pb = b->next;
			free(b->p);
			free(b);
			break;
		}
	UnicodeString->Buffer = NULL;
	UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

void hostos_ifaces_disable(struct hostos_io *io, struct hostos_devobj *pdo)
{
	for (struct hostos_iface *i = io->ifaces; i; i = i->next)
		if (i->pdo == pdo && i->enabled)
			iface_enable(io, i, false);
}

void hostos_ifaces_destroy(struct hostos_io *io)
{
	for (struct hostos_strbuf *b = io->strbufs, *n; b; b = n) {
		n = b->next;
		free(b->p);
		free(b);
	}
	for (struct hostos_iface *i = io->ifaces, *n; i; i = n) {
		n = i->next;
		free(i);
	}
}

int hostos_device_interface(struct hostos_device *dev, unsigned index, char *buf, size_t n)
{
	struct hostos_devobj *pdo;
	struct hostos_io *io;
	char a[256];

	if (!dev || !buf || !n)
		return SIM_ERR_INVALID;
	io = hostos_io_get(dev->os);
	pdo = hostos_devobj_of(io, &dev->pdo);
	for (struct hostos_iface *i = io->ifaces; pdo && i; i = i->next) {
		if (i->pdo != pdo || !i->enabled || index--)
			continue;
		/* \\?\ and the name without \??\ */
		memcpy(a, "\\\\?\\", 4);
		hostos_w_to_a(i->name + 4, i->name_len / 2 - 4, a + 4, sizeof(a) - 4);
		if (strlen(a) + 1 > n)
			return SIM_ERR_LIMIT;
		memcpy(buf, a, strlen(a) + 1);
		return SIM_OK;
	}
	return SIM_ERR_STATE;
}
