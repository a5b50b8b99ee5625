/*
 * hostos/interrupt-connect.c - the Windows routines of interrupt objects
 * (spec §4.1, §4.2, §2.2): IoConnectInterrupt(Ex) in its three forms,
 * IoDisconnectInterrupt(Ex), the interrupt spin lock and
 * KeSynchronizeExecution, as edges over hostos/interrupt.c.
 */
#include "hostos/interrupt-internal.h"
#include "hostos/sweep-internal.h"

#include <stdlib.h>
#include <string.h>

/* Connect and disconnect run at PASSIVE_LEVEL. No DDI rule names them;
 * as for KeFlushQueuedDpcs, 0xA with P1 = the routine (spec §1.3). */
static struct hostos_thread *passive_only(const char *name, const void *routine)
{
	struct hostos_thread *t = hostos_self(name);

	hostos_sched_point(t);
	if (t->cpu->irql != HOSTOS_PASSIVE)
		hostos_bugcheck(t, 0xA, (uint64_t)(uintptr_t)routine, t->cpu->irql, 0, 0,
				"%s at IRQL %u; it may only be called at PASSIVE_LEVEL", name,
				t->cpu->irql);
	return t;
}

static KAFFINITY all_cpus(const struct hostos *os)
{
	return os->cfg.cpus >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << os->cfg.cpus) - 1;
}

/* The device of a line vector connected without a PDO: the one device on
 * it, when there is exactly one (else the mock-only checks skip it). */
static struct hostos_device *only_device_on(struct hostos_intr *in, unsigned vector)
{
	struct hostos_device *found = NULL;

	for (struct hostos_device *d = in->devices; d; d = d->next)
		if (d->has_line && d->line.vector == vector) {
			if (found)
				return NULL;
			found = d;
		}
	return found;
}

struct connect_args {
	PKSERVICE_ROUTINE isr;
	PKMESSAGE_SERVICE_ROUTINE msg_isr;
	ULONG message_id;
	PVOID context;
	PKSPIN_LOCK lock;
	ULONG vector;
	KIRQL irql, sync_irql;
	KINTERRUPT_MODE mode;
	BOOLEAN share;
	KAFFINITY affinity;
	struct hostos_device *dev;
};

/* KeConnectInterrupt's rules (ROS ke/i386/irqobj.c): a sane IRQL pair,
 * processors, and a chain only between sharing objects of one mode. */
static NTSTATUS connect_one(struct hostos_thread *t, const struct connect_args *a,
			    PKINTERRUPT *out)
{
	struct hostos_intr *in = hostos_intr_get(t->os);
	struct _KINTERRUPT *o;
	struct hostos_vec *vc;
	bool passive = a->irql == PASSIVE_LEVEL && a->sync_irql == PASSIVE_LEVEL;

	if (!in)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (a->vector < 16 || a->vector > 255 || a->irql > HIGH_LEVEL ||
	    a->sync_irql > HIGH_LEVEL || a->sync_irql < a->irql ||
	    !(a->affinity & all_cpus(t->os)) || (!passive && a->irql <= DISPATCH_LEVEL))
		return STATUS_INVALID_PARAMETER;
	vc = &in->vec[a->vector];
	/* The IRQL must be the one the OS gave the vector (the translated
	 * resource's Level). */
	if (!passive && vc->assigned && vc->irql != a->irql)
		return STATUS_INVALID_PARAMETER;
	if (!passive && vc->chain) {
		for (struct _KINTERRUPT *c = vc->chain; c; c = c->next)
			if (!c->share || !a->share || c->mode != a->mode)
				return STATUS_INVALID_PARAMETER;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return STATUS_INSUFFICIENT_RESOURCES;
	o->magic = HOSTOS_KINTERRUPT_MAGIC;
	o->os = t->os;
	o->isr = a->isr;
	o->msg_isr = a->msg_isr;
	o->message_id = a->message_id;
	o->context = a->context;
	o->vector = a->vector;
	o->irql = a->irql;
	o->sync_irql = a->sync_irql;
	o->mode = a->mode;
	o->share = a->share != FALSE;
	o->passive = passive;
	o->affinity = a->affinity;
	o->dev = a->dev ? a->dev : only_device_on(in, a->vector);
	o->lock = a->lock ? a->lock : &o->own_lock;
	if (!a->lock) {
		o->own_lock = 0;
		hostos_spin_init(t, (uintptr_t)&o->own_lock);
	}
	if (!vc->irql)
		vc->irql = a->irql;
	if (!vc->assigned)
		vc->edge = a->mode == Latched;
	o->all_next = in->objects;
	in->objects = o;
	o->connected = true;
	/* A passive object is never dispatched: no vector of this machine
	 * is delivered at PASSIVE_LEVEL (spec §4.2: those are for GPIO and
	 * similar secondary controllers). */
	if (!passive)
		hostos_intr_link(in, o);
	*out = o;
	return STATUS_SUCCESS;
}

NTSTATUS IoConnectInterrupt(PKINTERRUPT *InterruptObject, PKSERVICE_ROUTINE ServiceRoutine,
			    PVOID ServiceContext, PKSPIN_LOCK SpinLock, ULONG Vector, KIRQL Irql,
			    KIRQL SynchronizeIrql, KINTERRUPT_MODE InterruptMode,
			    BOOLEAN ShareVector, KAFFINITY ProcessorEnableMask,
			    BOOLEAN FloatingSave)
{
	struct hostos_thread *t =
		passive_only("IoConnectInterrupt", (const void *)(uintptr_t)IoConnectInterrupt);
	struct connect_args a = {
		.isr = ServiceRoutine, .context = ServiceContext, .lock = SpinLock,
		.vector = Vector, .irql = Irql, .sync_irql = SynchronizeIrql,
		.mode = InterruptMode, .share = ShareVector, .affinity = ProcessorEnableMask,
	};

	/* x64 saves the floating point state for every ISR anyway. */
	(void)FloatingSave;
	if (!InterruptObject || !ServiceRoutine)
		return STATUS_INVALID_PARAMETER;
	*InterruptObject = NULL;
	return connect_one(t, &a, InterruptObject);
}

/* Not an interrupt object: Windows would fault reading it, 0x50 with P1 =
 * the address and P2 = 0 (a read); the mock checks before touching it
 * through its own list of objects, never the driver's pointer. */
static struct _KINTERRUPT *checked_object(struct hostos_thread *t, PKINTERRUPT o,
					  const char *routine)
{
	struct hostos_intr *in = t->os->intr;
	struct _KINTERRUPT *found = NULL;

	for (struct _KINTERRUPT *c = in ? in->objects : NULL; c && o; c = c->all_next)
		if (c == o) {
			found = c;
			break;
		}
	if (!found)
		hostos_bugcheck(t, 0x50, (uint64_t)(uintptr_t)o, 0, 0, 0,
				"%s with %p, not an interrupt object IoConnectInterrupt(Ex) returned",
				routine, (void *)o);
	return o;
}

static void disconnect_one(struct hostos_thread *t, struct _KINTERRUPT *o, const char *routine)
{
	if (!o->connected) {
		hostos_warn(t->os, "%s of interrupt object %p, already disconnected", routine,
			    (void *)o);
		return;
	}
	o->connected = false;
	if (!o->passive)
		hostos_intr_unlink(t->os->intr, o);
}

VOID IoDisconnectInterrupt(PKINTERRUPT InterruptObject)
{
	struct hostos_thread *t = passive_only("IoDisconnectInterrupt",
					       (const void *)(uintptr_t)IoDisconnectInterrupt);

	disconnect_one(t, checked_object(t, InterruptObject, "IoDisconnectInterrupt"),
		       "IoDisconnectInterrupt");
}

/* ---- IoConnectInterruptEx ---- */

static NTSTATUS connect_line(struct hostos_thread *t, struct hostos_device *dev,
			     PKINTERRUPT *out, PKSERVICE_ROUTINE isr, PVOID ctx,
			     PKSPIN_LOCK lock, KIRQL sync)
{
	struct connect_args a = { .isr = isr, .context = ctx, .lock = lock, .dev = dev };

	if (dev->n_msg > 1)
		return STATUS_INVALID_DEVICE_REQUEST;
	if (dev->n_msg == 1) {
		/* One message connects as a line would: an unshared edge. */
		a.vector = dev->msg[0].vector;
		a.irql = dev->msg[0].irql;
		a.mode = Latched;
		a.affinity = (KAFFINITY)1 << dev->msg[0].cpu;
	} else if (dev->has_line) {
		a.vector = dev->line.vector;
		a.irql = dev->line.irql;
		a.mode = dev->desc.line_edge ? Latched : LevelSensitive;
		a.share = TRUE; /* the resource is shared (device.c) */
		a.affinity = all_cpus(t->os);
	} else {
		return STATUS_NOT_FOUND;
	}
	/* SynchronizeIrql is a minimum (spec §4.2). */
	a.sync_irql = sync > a.irql ? sync : a.irql;
	return connect_one(t, &a, out);
}

static NTSTATUS connect_messages(struct hostos_thread *t, struct hostos_device *dev,
				 PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS p)
{
	struct hostos_intr *in = t->os->intr;
	struct hostos_msg_conn *c;
	PIO_INTERRUPT_MESSAGE_INFO tbl;
	KIRQL unified = 0;

	c = calloc(1, sizeof(*c));
	tbl = calloc(1, sizeof(*tbl) + (dev->n_msg - 1) * sizeof(tbl->MessageInfo[0]));
	if (!c || !tbl) {
		free(c);
		free(tbl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	for (unsigned i = 0; i < dev->n_msg; i++)
		if (dev->msg[i].irql > unified)
			unified = dev->msg[i].irql;
	if (!p->SpinLock)
		hostos_spin_init(t, (uintptr_t)&c->lock);
	tbl->UnifiedIrql = p->SynchronizeIrql > unified ? p->SynchronizeIrql : unified;
	tbl->MessageCount = dev->n_msg;
	for (unsigned i = 0; i < dev->n_msg; i++) {
		IO_INTERRUPT_MESSAGE_INFO_ENTRY *e = &tbl->MessageInfo[i];
		struct connect_args a = {
			.msg_isr = p->MessageServiceRoutine, .message_id = i,
			.context = p->ServiceContext, .lock = p->SpinLock ? p->SpinLock : &c->lock,
			.vector = dev->msg[i].vector, .irql = dev->msg[i].irql,
			.sync_irql = tbl->UnifiedIrql, .mode = Latched,
			.affinity = (KAFFINITY)1 << dev->msg[i].cpu, .dev = dev,
		};
		NTSTATUS st = connect_one(t, &a, &e->InterruptObject);

		if (!NT_SUCCESS(st)) {
			for (unsigned j = 0; j < i; j++)
				disconnect_one(t, tbl->MessageInfo[j].InterruptObject,
					       "IoConnectInterruptEx");
			free(c);
			free(tbl);
			return st;
		}
		e->MessageAddress.QuadPart = (LONGLONG)dev->msg[i].address;
		e->TargetProcessorSet = (KAFFINITY)1 << dev->msg[i].cpu;
		e->MessageData = dev->msg[i].data;
		e->Vector = dev->msg[i].vector;
		e->Irql = dev->msg[i].irql;
		e->Mode = Latched;
		e->Polarity = InterruptRisingEdge;
	}
	c->table = tbl;
	c->next = in->conns;
	in->conns = c;
	*p->ConnectionContext.InterruptMessageTable = tbl;
	return STATUS_SUCCESS;
}

NTSTATUS IoConnectInterruptEx(PIO_CONNECT_INTERRUPT_PARAMETERS Parameters)
{
	struct hostos_thread *t = passive_only("IoConnectInterruptEx",
					       (const void *)(uintptr_t)IoConnectInterruptEx);
	struct hostos_device *dev;

	if (!Parameters)
		return STATUS_INVALID_PARAMETER;
	switch (Parameters->Version) {
	case CONNECT_FULLY_SPECIFIED:
	case CONNECT_FULLY_SPECIFIED_GROUP: {
		PIO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS p = &Parameters->FullySpecified;
		struct connect_args a = {
			.isr = p->ServiceRoutine, .context = p->ServiceContext, .lock = p->SpinLock,
			.vector = p->Vector, .irql = p->Irql, .sync_irql = p->SynchronizeIrql,
			.mode = p->InterruptMode, .share = p->ShareVector,
			.affinity = p->ProcessorEnableMask,
		};

		if (!p->PhysicalDeviceObject || !p->InterruptObject || !p->ServiceRoutine)
			return STATUS_INVALID_PARAMETER;
		if (Parameters->Version == CONNECT_FULLY_SPECIFIED_GROUP && p->Group)
			return STATUS_INVALID_PARAMETER; /* one processor group */
		if (!(p->ProcessorEnableMask & all_cpus(t->os)))
			return STATUS_INVALID_PARAMETER_10;
		a.dev = hostos_device_of(t->os, p->PhysicalDeviceObject);
		*p->InterruptObject = NULL;
		return connect_one(t, &a, p->InterruptObject);
	}
	case CONNECT_LINE_BASED: {
		PIO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS p = &Parameters->LineBased;

		dev = hostos_device_of(t->os, p->PhysicalDeviceObject);
		if (!dev || !p->InterruptObject || !p->ServiceRoutine)
			return STATUS_INVALID_PARAMETER;
		*p->InterruptObject = NULL;
		return connect_line(t, dev, p->InterruptObject, p->ServiceRoutine,
				    p->ServiceContext, p->SpinLock, p->SynchronizeIrql);
	}
	case CONNECT_MESSAGE_BASED: {
		PIO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS p = &Parameters->MessageBased;
		NTSTATUS st;

		dev = hostos_device_of(t->os, p->PhysicalDeviceObject);
		if (!dev || !p->ConnectionContext.Generic || !p->MessageServiceRoutine)
			return STATUS_INVALID_PARAMETER;
		*p->ConnectionContext.Generic = NULL;
		if (dev->n_msg)
			return connect_messages(t, dev, p);
		/* No messages: the line, with the fallback routine, and the
		 * caller learns it from Version (spec §4.2). */
		if (!p->FallBackServiceRoutine || !dev->has_line)
			return STATUS_NOT_FOUND;
		st = connect_line(t, dev, p->ConnectionContext.InterruptObject,
				  p->FallBackServiceRoutine, p->ServiceContext, p->SpinLock,
				  p->SynchronizeIrql);
		if (NT_SUCCESS(st))
			Parameters->Version = CONNECT_LINE_BASED;
		return st;
	}
	default:
		/* CONNECT_MESSAGE_BASED_PASSIVE included: not supported. */
		return STATUS_INVALID_PARAMETER_1;
	}
}

VOID IoDisconnectInterruptEx(PIO_DISCONNECT_INTERRUPT_PARAMETERS Parameters)
{
	struct hostos_thread *t = passive_only("IoDisconnectInterruptEx",
					       (const void *)(uintptr_t)IoDisconnectInterruptEx);
	struct hostos_intr *in = t->os->intr;

	if (Parameters->Version == CONNECT_MESSAGE_BASED) {
		PIO_INTERRUPT_MESSAGE_INFO tbl = Parameters->ConnectionContext.InterruptMessageTable;

		for (struct hostos_msg_conn *c = in ? in->conns : NULL; c; c = c->next)
			if (c->table == tbl) {
				for (ULONG i = 0; i < tbl->MessageCount; i++)
					disconnect_one(t, tbl->MessageInfo[i].InterruptObject,
						       "IoDisconnectInterruptEx");
				/* The table stays readable until the instance
				 * goes: its objects are marked, not freed. */
				return;
			}
		hostos_bugcheck(t, 0x50, (uint64_t)(uintptr_t)tbl, 0, 0, 0,
				"IoDisconnectInterruptEx with a message table IoConnectInterruptEx "
				"did not return");
	}
	disconnect_one(t,
		       checked_object(t, Parameters->ConnectionContext.InterruptObject,
				      "IoDisconnectInterruptEx"),
		       "IoDisconnectInterruptEx");
}

/* ---- the interrupt spin lock (spec §2.2) ---- */

static struct _KINTERRUPT *lockable(struct hostos_thread *t, PKINTERRUPT o, const char *routine)
{
	checked_object(t, o, routine);
	if (o->passive)
		hostos_bugcheck(t, 0x13B, 1, (uint64_t)(uintptr_t)o, 0, 0,
				"%s on a passive-level interrupt object", routine);
	return o;
}

KIRQL KeAcquireInterruptSpinLock(PKINTERRUPT Interrupt)
{
	struct hostos_thread *t = hostos_self("KeAcquireInterruptSpinLock");
	struct _KINTERRUPT *o = lockable(t, Interrupt, "KeAcquireInterruptSpinLock");
	KIRQL old = hostos_raise(t, o->sync_irql, "KeAcquireInterruptSpinLock");

	hostos_spin_acquire(t, (uintptr_t)o->lock, HOSTOS_LOCK_INTERRUPT, o,
			    "KeAcquireInterruptSpinLock");
	return old;
}

VOID KeReleaseInterruptSpinLock(PKINTERRUPT Interrupt, KIRQL OldIrql)
{
	struct hostos_thread *t = hostos_self("KeReleaseInterruptSpinLock");
	struct _KINTERRUPT *o = lockable(t, Interrupt, "KeReleaseInterruptSpinLock");

	hostos_spin_release(t, (uintptr_t)o->lock, HOSTOS_LOCK_INTERRUPT, o, t->cpu->irql,
			    "KeReleaseInterruptSpinLock");
	hostos_lower(t, OldIrql, "KeReleaseInterruptSpinLock");
}

BOOLEAN KeSynchronizeExecution(PKINTERRUPT Interrupt, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
			       PVOID SynchronizeContext)
{
	struct hostos_thread *t = hostos_self("KeSynchronizeExecution");
	struct _KINTERRUPT *o = lockable(t, Interrupt, "KeSynchronizeExecution");
	KIRQL old = hostos_raise(t, o->sync_irql, "KeSynchronizeExecution");
	BOOLEAN r;

	hostos_spin_acquire(t, (uintptr_t)o->lock, HOSTOS_LOCK_INTERRUPT, o,
			    "KeSynchronizeExecution");
	r = SynchronizeRoutine(SynchronizeContext);
	hostos_spin_release(t, (uintptr_t)o->lock, HOSTOS_LOCK_INTERRUPT, o, t->cpu->irql,
			    "KeSynchronizeExecution");
	hostos_lower(t, old, "KeSynchronizeExecution");
	return r;
}

/* ---- the unload sweep (hostos/sweep.h): interrupts still connected ---- */

void hostos_intr_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	/* Objects are linked newest first: report them in connection order. */
	const struct _KINTERRUPT *v[256];
	unsigned n = 0;

	for (const struct _KINTERRUPT *o = os->intr ? os->intr->objects : NULL; o; o = o->all_next)
		if (o->connected && n < 256)
			v[n++] = o;
	while (n--) {
		const struct _KINTERRUPT *o = v[n];
		const void *isr = o->isr ? (const void *)(uintptr_t)o->isr
					 : (const void *)(uintptr_t)o->msg_isr;

		hostos_sweep_add(sw, HOSTOS_LEFT_INTERRUPT, (uint64_t)(uintptr_t)o,
				 HOSTOS_UNLOAD_LEFTOVER, 1, (uint64_t)(uintptr_t)o,
				 (uint64_t)(uintptr_t)isr, o->vector,
				 "interrupt object 0x%llx (ISR %p, vector 0x%X) still connected",
				 (unsigned long long)(uintptr_t)o, isr, o->vector);
	}
}
