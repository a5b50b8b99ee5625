/*
 * hostos/device.c - physical device objects of enumerated functions: the
 * interrupt resources the OS assigns them (vectors, DIRQLs, targets, the
 * message count policy of spec §4.5), their raw and translated
 * CM_RESOURCE_LISTs, and the interim start of a driver's device
 * (hostos/devices.h has the policy).
 */
#include "hostos/interrupt-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IO_TYPE_DEVICE 3 /* DEVICE_OBJECT.Type, as the I/O manager sets it */

typedef NTSTATUS NTAPI START_DEVICE(PDEVICE_OBJECT Pdo, PCM_RESOURCE_LIST Raw,
				    PCM_RESOURCE_LIST Translated);

/* ---- vectors ---- */

/* @n contiguous vectors aligned to @align from the next free one; 0 when
 * none are left. */
static unsigned vectors_take(struct hostos_intr *in, unsigned n, unsigned align)
{
	unsigned v = (in->next_vector + align - 1) / align * align;

	if (v + n > HOSTOS_VECTOR_END)
		return 0;
	in->next_vector = v + n;
	return v;
}

static uint8_t dirql_of(unsigned vector)
{
	return (uint8_t)(vector >> 4);
}

static void vec_assign(struct hostos_intr *in, unsigned v, bool line, bool edge, unsigned cpu,
		       uint32_t input)
{
	struct hostos_vec *vc = &in->vec[v];

	vc->assigned = true;
	vc->line = line;
	vc->edge = edge;
	vc->irql = dirql_of(v);
	vc->cpu = cpu;
	vc->input = input;
}

/* The vector of controller input @line: the one another device on it
 * got, else a new one. */
static unsigned line_vector(struct hostos_intr *in, const struct hostos_device_desc *d)
{
	unsigned v;

	for (v = HOSTOS_VECTOR_FIRST; v < HOSTOS_VECTOR_END; v++)
		if (in->vec[v].assigned && in->vec[v].line && in->vec[v].input == d->line)
			return v;
	v = vectors_take(in, 1, 1);
	if (v)
		vec_assign(in, v, true, d->line_edge, 0, d->line);
	return v;
}

/* How many messages the device asks for (spec §4.5). */
static unsigned messages_wanted(const struct hostos_device_desc *d)
{
	unsigned n = d->msg_capable;

	if (d->msg == HOSTOS_MSG_NONE || !d->msi_supported || !n)
		return 0;
	if (d->message_number_limit && d->message_number_limit < n)
		n = d->message_number_limit;
	if (d->msg == HOSTOS_MSG_MSI)
		while (n & (n - 1))
			n &= n - 1; /* MSI counts are powers of two: round down */
	return n;
}

static bool grant_messages(struct hostos_device *dev, struct hostos_intr *in, unsigned n)
{
	const struct hostos_device_desc *d = &dev->desc;
	unsigned cpus = dev->os->cfg.cpus;
	unsigned base = 0;

	if (d->msg == HOSTOS_MSG_MSI)
		base = vectors_take(in, n, n);
	dev->msg = calloc(n, sizeof(*dev->msg));
	if (!dev->msg)
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct hostos_intr_resource *r = &dev->msg[i];
		unsigned v = d->msg == HOSTOS_MSG_MSI ? base + i : vectors_take(in, 1, 1);

		if (!v || (d->msg == HOSTOS_MSG_MSI && !base)) {
			free(dev->msg);
			dev->msg = NULL;
			return false;
		}
		r->vector = v;
		r->irql = dirql_of(v);
		r->cpu = d->msg == HOSTOS_MSG_MSIX ? i % cpus : 0;
		r->address = HOSTOS_MSI_ADDRESS | (uint64_t)r->cpu << 12;
		r->data = v;
		vec_assign(in, v, false, true, r->cpu, 0);
	}
	dev->n_msg = n;
	return true;
}

/* Messages by the policy: the request, or exactly one, or none. */
static void assign_messages(struct hostos_device *dev, struct hostos_intr *in)
{
	unsigned n = messages_wanted(&dev->desc);
	unsigned saved = in->next_vector;

	if (!n)
		return;
	if ((dev->desc.msg == HOSTOS_MSG_MSI && n > 16) || n > dev->os->cfg.interrupt_messages_max)
		n = 1;
	if (grant_messages(dev, in, n))
		return;
	in->next_vector = saved;
	if (n > 1 && grant_messages(dev, in, 1))
		return;
	in->next_vector = saved;
}

/* ---- resource lists ---- */

static KAFFINITY all_cpus(const struct hostos *os)
{
	return os->cfg.cpus >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << os->cfg.cpus) - 1;
}

static PCM_RESOURCE_LIST build_list(struct hostos_device *dev, bool translated)
{
	const struct hostos_device_desc *d = &dev->desc;
	unsigned n = d->n_ranges + (dev->n_msg ? (d->msg == HOSTOS_MSG_MSI ? 1 : dev->n_msg)
					       : dev->has_line ? 1 : 0);
	size_t bytes = sizeof(CM_RESOURCE_LIST) +
		       (n ? n - 1 : 0) * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
	PCM_RESOURCE_LIST l = calloc(1, bytes);
	PCM_PARTIAL_RESOURCE_DESCRIPTOR p;

	if (!l)
		return NULL;
	l->Count = 1;
	l->List[0].InterfaceType = PCIBus;
	l->List[0].BusNumber = d->bus;
	l->List[0].PartialResourceList.Version = 1;
	l->List[0].PartialResourceList.Revision = 1;
	l->List[0].PartialResourceList.Count = n;
	p = l->List[0].PartialResourceList.PartialDescriptors;
	for (unsigned i = 0; i < d->n_ranges; i++, p++) {
		const struct hostos_range *r = &d->ranges[i];

		p->Type = r->io ? CmResourceTypePort : CmResourceTypeMemory;
		p->ShareDisposition = CmResourceShareDeviceExclusive;
		p->Flags = r->io ? CM_RESOURCE_PORT_IO
				 : (r->prefetchable ? CM_RESOURCE_MEMORY_PREFETCHABLE
						    : CM_RESOURCE_MEMORY_READ_WRITE);
		/* No translation on this platform: bus and CPU addresses agree. */
		p->u.Generic.Start.QuadPart = (LONGLONG)r->start;
		p->u.Generic.Length = (ULONG)r->length;
	}
	if (dev->n_msg) {
		unsigned k = d->msg == HOSTOS_MSG_MSI ? 1 : dev->n_msg;

		for (unsigned i = 0; i < k; i++, p++) {
			const struct hostos_intr_resource *m = &dev->msg[i];

			p->Type = CmResourceTypeInterrupt;
			p->ShareDisposition = CmResourceShareDeviceExclusive;
			p->Flags = CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE;
			if (translated) {
				p->u.MessageInterrupt.Translated.Level = m->irql;
				p->u.MessageInterrupt.Translated.Vector = m->vector;
				p->u.MessageInterrupt.Translated.Affinity = (KAFFINITY)1 << m->cpu;
			} else {
				p->u.MessageInterrupt.Raw.MessageCount =
					(USHORT)(d->msg == HOSTOS_MSG_MSI ? dev->n_msg : 1);
				p->u.MessageInterrupt.Raw.Vector = m->data;
				p->u.MessageInterrupt.Raw.Affinity = all_cpus(dev->os);
			}
		}
	} else if (dev->has_line) {
		p->Type = CmResourceTypeInterrupt;
		/* An input may carry several functions, edge or level. */
		p->ShareDisposition = CmResourceShareShared;
		p->Flags = d->line_edge ? CM_RESOURCE_INTERRUPT_LATCHED
					: CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
		if (translated) {
			p->u.Interrupt.Level = dev->line.irql;
			p->u.Interrupt.Vector = dev->line.vector;
			p->u.Interrupt.Affinity = (KAFFINITY)1 << dev->line.cpu;
		} else {
			/* Raw: the controller input (the GSI). */
			p->u.Interrupt.Level = d->line;
			p->u.Interrupt.Vector = d->line;
			p->u.Interrupt.Affinity = all_cpus(dev->os);
		}
	}
	return l;
}

/* ---- devices ---- */

struct hostos_device *hostos_device_of(struct hostos *os, const void *pdo)
{
	if (!os->intr || !pdo)
		return NULL;
	for (struct hostos_device *d = os->intr->devices; d; d = d->next)
		if (&d->pdo == pdo)
			return d;
	return NULL;
}

int hostos_device_create(struct hostos *os, const struct hostos_device_desc *desc,
			 struct hostos_device **out)
{
	struct hostos_intr *in;
	struct hostos_device *dev;

	if (out)
		*out = NULL;
	if (!os || !desc || !out || desc->n_ranges > 6 || desc->bus > 255 || desc->device > 31 ||
	    desc->function > 7 || desc->msg > HOSTOS_MSG_MSIX ||
	    (desc->msg == HOSTOS_MSG_MSI && desc->msg_capable > 32) ||
	    (desc->msg == HOSTOS_MSG_MSIX && desc->msg_capable > 2048))
		return SIM_ERR_INVALID;
	if (os->stopped)
		return SIM_ERR_STATE;
	in = hostos_intr_get(os);
	dev = in ? calloc(1, sizeof(*dev)) : NULL;
	if (!dev)
		return SIM_ERR_NOMEM;
	dev->os = os;
	dev->desc = *desc;
	snprintf(dev->name, sizeof(dev->name), "%s", desc->name ? desc->name : "device");
	dev->desc.name = dev->name;
	dev->source = desc->bus << 8 | desc->device << 3 | desc->function;
	dev->status = STATUS_PENDING;
	assign_messages(dev, in);
	if (!dev->n_msg && desc->line != HOSTOS_NO_LINE) {
		unsigned v = line_vector(in, desc);

		if (!v) {
			free(dev);
			return SIM_ERR_LIMIT;
		}
		dev->has_line = true;
		dev->line.vector = v;
		dev->line.irql = dirql_of(v);
		dev->line.cpu = in->vec[v].cpu;
	}
	dev->raw = build_list(dev, false);
	dev->translated = build_list(dev, true);
	if (!dev->raw || !dev->translated) {
		free(dev->raw);
		free(dev->translated);
		free(dev->msg);
		free(dev);
		return SIM_ERR_NOMEM;
	}
	dev->pdo.Type = IO_TYPE_DEVICE;
	dev->pdo.Size = (USHORT)sizeof(DEVICE_OBJECT);
	dev->pdo.ReferenceCount = 1;
	dev->pdo.Flags = DO_BUS_ENUMERATED_DEVICE;
	dev->pdo.Characteristics = FILE_DEVICE_SECURE_OPEN;
	dev->pdo.DeviceType = FILE_DEVICE_BUS_EXTENDER;
	dev->pdo.StackSize = 1;
	dev->pdo.AlignmentRequirement = FILE_BYTE_ALIGNMENT;
	*in->devices_tail = dev;
	in->devices_tail = &dev->next;
	*out = dev;
	return SIM_OK;
}

void *hostos_device_pdo(struct hostos_device *d)
{
	return d ? &d->pdo : NULL;
}

void *hostos_device_resources(struct hostos_device *d, bool translated)
{
	return !d ? NULL : translated ? d->translated : d->raw;
}

int hostos_device_line(const struct hostos_device *d, struct hostos_intr_resource *out)
{
	if (!d || !out || !d->has_line)
		return SIM_ERR_STATE;
	*out = d->line;
	return SIM_OK;
}

unsigned hostos_device_messages(const struct hostos_device *d)
{
	return d ? d->n_msg : 0;
}

int hostos_device_message(const struct hostos_device *d, unsigned n,
			  struct hostos_intr_resource *out)
{
	if (!d || !out || n >= d->n_msg)
		return SIM_ERR_INVALID;
	*out = d->msg[n];
	return SIM_OK;
}

uint32_t hostos_device_source(const struct hostos_device *d)
{
	return d ? d->source : 0;
}

int32_t hostos_device_status(const struct hostos_device *d)
{
	return d ? d->status : STATUS_INVALID_PARAMETER;
}

/* ---- the interim start ---- */

static void start_body(void *arg)
{
	struct hostos_device *d = arg;
	START_DEVICE *start = (START_DEVICE *)d->start;

	d->status = start(&d->pdo, d->raw, d->translated);
}

int hostos_device_start(struct hostos_device *d, hostos_start_routine start, unsigned cpu,
			struct hostos_thread **out)
{
	char name[40];

	if (out)
		*out = NULL;
	if (!d || !start)
		return SIM_ERR_INVALID;
	d->start = start;
	d->status = STATUS_PENDING;
	snprintf(name, sizeof(name), "start %s", d->name);
	return hostos_thread_start(d->os, name, start_body, d, cpu, out);
}
