/*
 * tests/hostos/interrupt/drivers/intr-driver.c - the interrupt tests'
 * driver: plain WDM code (it also compiles against mingw-w64's DDK
 * headers). A start routine reads its raw and translated resources and
 * connects its interrupt one of four ways; its ISRs follow the usual
 * pattern (look at the device, clear it, queue the DpcForIsr) unless the
 * test asks for a misbehaviour.
 */
#include <wdm.h>

#include "intr-driver.h"

struct intr_obs intr_obs;

struct ctx {
	PDEVICE_OBJECT pdo;
	void *hw;
	enum intr_connect how;
	unsigned flags, stall_us;
	PKINTERRUPT obj;
	PIO_INTERRUPT_MESSAGE_INFO table;
	ULONG version;
	KSPIN_LOCK hold;
};

static struct ctx ctxs[INTR_CTX];
static PKINTERRUPT high_obj;

void intr_bind(int i, void *pdo, void *hw, enum intr_connect how, unsigned flags,
	       unsigned stall_us)
{
	ctxs[i].pdo = pdo;
	ctxs[i].hw = hw;
	ctxs[i].how = how;
	ctxs[i].flags = flags;
	ctxs[i].stall_us = stall_us;
	ctxs[i].obj = NULL;
	ctxs[i].table = NULL;
}

static int index_of(const struct ctx *c)
{
	return (int)(c - ctxs);
}

/* ---- the DpcForIsr and the ISRs ---- */

static VOID DpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
	struct ctx *c = Context;

	UNREFERENCED_PARAMETER(Dpc);
	UNREFERENCED_PARAMETER(DeviceObject);
	UNREFERENCED_PARAMETER(Irp);
	intr_obs.c[index_of(c)].dpcs++;
	intr_obs.c[index_of(c)].dpc_irql = KeGetCurrentIrql();
}

/* The body both kinds of ISR share. */
static BOOLEAN service(struct ctx *c)
{
	struct intr_ctx_obs *o = &intr_obs.c[index_of(c)];
	BOOLEAN mine;

	o->isr_calls++;
	o->isr_irql = KeGetCurrentIrql();
	if (intr_obs.n_order < 32)
		intr_obs.order[intr_obs.n_order++] = index_of(c);
	if (index_of(c) == 0) {
		intr_obs.isr_inside = 1;
		if (intr_obs.n_nested < 8)
			intr_obs.nested_order[intr_obs.n_nested++] = 1;
	}
	if (c->flags & INTR_STALL)
		KeStallExecutionProcessor(c->stall_us);
	if (index_of(c) == 0) {
		intr_obs.isr_inside = 0;
		if (intr_obs.n_nested < 8)
			intr_obs.nested_order[intr_obs.n_nested++] = 3;
	}
	if (c->flags & INTR_RAISE) {
		KIRQL old;

		KeRaiseIrql(HIGH_LEVEL, &old);
		return TRUE;
	}
	if (c->flags & INTR_HOLD) {
		KeInitializeSpinLock(&c->hold);
		KeAcquireSpinLockAtDpcLevel(&c->hold);
		return TRUE;
	}
	mine = intr_hw_pending(c->hw) ? TRUE : FALSE;
	if (!mine && !(c->flags & INTR_ALWAYS))
		return FALSE;
	if (!(c->flags & INTR_NO_ACK))
		intr_hw_ack(c->hw);
	if (c->flags & INTR_NEVER)
		return FALSE;
	IoRequestDpc(c->pdo, NULL, c);
	o->claims++;
	return TRUE;
}

static BOOLEAN Isr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
	UNREFERENCED_PARAMETER(Interrupt);
	return service(ServiceContext);
}

static BOOLEAN MessageIsr(PKINTERRUPT Interrupt, PVOID ServiceContext, ULONG MessageID)
{
	struct ctx *c = ServiceContext;
	struct intr_ctx_obs *o = &intr_obs.c[index_of(c)];

	UNREFERENCED_PARAMETER(Interrupt);
	if (o->isr_calls < 8)
		o->msg_ids[o->isr_calls] = MessageID;
	return service(c);
}

static BOOLEAN HighIsr(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
	UNREFERENCED_PARAMETER(Interrupt);
	UNREFERENCED_PARAMETER(ServiceContext);
	if (intr_obs.n_nested < 8)
		intr_obs.nested_order[intr_obs.n_nested++] = 2;
	return TRUE;
}

uintptr_t intr_isr_address(void)
{
	return (uintptr_t)Isr;
}

uintptr_t intr_ctx_address(int i)
{
	return (uintptr_t)&ctxs[i];
}

uintptr_t intr_object(int i)
{
	return (uintptr_t)ctxs[i].obj;
}

/* ---- the start routine ---- */

static PCM_PARTIAL_RESOURCE_DESCRIPTOR find(PCM_RESOURCE_LIST l, UCHAR type)
{
	PCM_PARTIAL_RESOURCE_LIST p = &l->List[0].PartialResourceList;
	ULONG i;

	for (i = 0; i < p->Count; i++)
		if (p->PartialDescriptors[i].Type == type)
			return &p->PartialDescriptors[i];
	return NULL;
}

static struct ctx *ctx_of(PDEVICE_OBJECT Pdo)
{
	int i;

	for (i = 0; i < INTR_CTX; i++)
		if (ctxs[i].pdo == Pdo)
			return &ctxs[i];
	return NULL;
}

static NTSTATUS IntrStartDevice(PDEVICE_OBJECT Pdo, PCM_RESOURCE_LIST Raw,
				PCM_RESOURCE_LIST Translated)
{
	struct ctx *c = ctx_of(Pdo);
	struct intr_ctx_obs *o;
	PCM_PARTIAL_RESOURCE_DESCRIPTOR r, t, m;
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	NTSTATUS st;
	ULONG i;

	if (!c)
		return STATUS_INVALID_PARAMETER;
	o = &intr_obs.c[index_of(c)];
	o->n_res = Translated->List[0].PartialResourceList.Count;
	for (i = 0; i < o->n_res; i++)
		if (Translated->List[0].PartialResourceList.PartialDescriptors[i].Type ==
		    CmResourceTypeMemory)
			o->mem_count++;
	m = find(Translated, CmResourceTypeMemory);
	if (m)
		o->mem_start = (uint64_t)m->u.Memory.Start.QuadPart;
	r = find(Raw, CmResourceTypeInterrupt);
	t = find(Translated, CmResourceTypeInterrupt);
	if (t) {
		o->int_flags = t->Flags;
		o->int_share = t->ShareDisposition;
		o->tr_level = t->u.Interrupt.Level;
		o->tr_vector = t->u.Interrupt.Vector;
		o->tr_affinity = t->u.Interrupt.Affinity;
	}
	if (r) {
		if (r->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) {
			o->raw_count = r->u.MessageInterrupt.Raw.MessageCount;
			o->raw_vector = r->u.MessageInterrupt.Raw.Vector;
		} else {
			o->raw_level = r->u.Interrupt.Level;
			o->raw_vector = r->u.Interrupt.Vector;
		}
	}
	IoInitializeDpcRequest(Pdo, DpcForIsr);
	RtlZeroMemory(&p, sizeof(p));
	switch (c->how) {
	case INTR_LINE_BASED:
		p.Version = CONNECT_LINE_BASED;
		p.LineBased.PhysicalDeviceObject = Pdo;
		p.LineBased.InterruptObject = &c->obj;
		p.LineBased.ServiceRoutine = Isr;
		p.LineBased.ServiceContext = c;
		st = IoConnectInterruptEx(&p);
		break;
	case INTR_MESSAGE_BASED:
		p.Version = CONNECT_MESSAGE_BASED;
		p.MessageBased.PhysicalDeviceObject = Pdo;
		p.MessageBased.ConnectionContext.InterruptMessageTable = &c->table;
		p.MessageBased.MessageServiceRoutine = MessageIsr;
		p.MessageBased.ServiceContext = c;
		p.MessageBased.FallBackServiceRoutine = Isr;
		st = IoConnectInterruptEx(&p);
		if (NT_SUCCESS(st) && p.Version == CONNECT_LINE_BASED) {
			c->obj = (PKINTERRUPT)c->table;
			c->table = NULL;
		}
		break;
	case INTR_CLASSIC:
		if (!t)
			return STATUS_NOT_FOUND;
		st = IoConnectInterrupt(&c->obj, Isr, c, NULL, t->u.Interrupt.Vector,
					(KIRQL)t->u.Interrupt.Level, (KIRQL)t->u.Interrupt.Level,
					(t->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched
										   : LevelSensitive,
					t->ShareDisposition == CmResourceShareShared,
					t->u.Interrupt.Affinity, FALSE);
		break;
	default:
		if (!t)
			return STATUS_NOT_FOUND;
		p.Version = CONNECT_FULLY_SPECIFIED;
		p.FullySpecified.PhysicalDeviceObject = Pdo;
		p.FullySpecified.InterruptObject = &c->obj;
		p.FullySpecified.ServiceRoutine = Isr;
		p.FullySpecified.ServiceContext = c;
		p.FullySpecified.SynchronizeIrql = (KIRQL)t->u.Interrupt.Level;
		p.FullySpecified.ShareVector = t->ShareDisposition == CmResourceShareShared;
		p.FullySpecified.Vector = t->u.Interrupt.Vector;
		p.FullySpecified.Irql = (KIRQL)t->u.Interrupt.Level;
		p.FullySpecified.InterruptMode =
			(t->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched : LevelSensitive;
		p.FullySpecified.ProcessorEnableMask = t->u.Interrupt.Affinity;
		st = IoConnectInterruptEx(&p);
		break;
	}
	o->connect_status = st;
	o->version = p.Version;
	c->version = p.Version;
	if (NT_SUCCESS(st) && c->table) {
		o->message_count = c->table->MessageCount;
		o->unified_irql = c->table->UnifiedIrql;
		for (i = 0; i < c->table->MessageCount && i < 4; i++)
			o->msg_vector[i] = c->table->MessageInfo[i].Vector;
		c->obj = c->table->MessageInfo[0].InterruptObject;
	}
	return st;
}

void (*const intr_start)(void) = (void (*)(void))IntrStartDevice;

/* ---- scenarios ---- */

static BOOLEAN SyncRoutine(PVOID Context)
{
	UNREFERENCED_PARAMETER(Context);
	intr_obs.sync_ran++;
	intr_obs.sync_saw_inside = intr_obs.isr_inside;
	intr_obs.sync_saw_calls = intr_obs.c[0].isr_calls;
	intr_obs.sync_irql = KeGetCurrentIrql();
	return TRUE;
}

void intr_sync_scenario(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeStallExecutionProcessor(3);
	KeSynchronizeExecution(ctxs[0].obj, SyncRoutine, NULL);
}

void intr_lock_scenario(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	old = KeAcquireInterruptSpinLock(ctxs[0].obj);
	intr_obs.lock_old_irql = old;
	intr_obs.lock_irql = KeGetCurrentIrql();
	KeReleaseInterruptSpinLock(ctxs[0].obj, old);
	intr_obs.after_release_irql = KeGetCurrentIrql();
}

void intr_hold_scenario(void *arg)
{
	static KSPIN_LOCK lock;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &old);
	KeStallExecutionProcessor(5); /* the interrupt comes at 2 us */
	intr_obs.dpcs_before_release = intr_obs.c[0].dpcs;
	KeReleaseSpinLock(&lock, old);
	intr_obs.dpcs_after_release = intr_obs.c[0].dpcs;
}

void intr_connect_errors(void *arg)
{
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	PIO_INTERRUPT_MESSAGE_INFO tbl = NULL;
	PKINTERRUPT obj = NULL, obj2 = NULL;
	PCM_RESOURCE_LIST unused = NULL;
	IO_CONNECT_INTERRUPT_PARAMETERS ok;

	UNREFERENCED_PARAMETER(arg);
	UNREFERENCED_PARAMETER(unused);
	RtlZeroMemory(&p, sizeof(p));
	p.Version = 0x77;
	intr_obs.status[0] = IoConnectInterruptEx(&p);

	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_LINE_BASED;
	p.LineBased.InterruptObject = &obj;
	p.LineBased.ServiceRoutine = Isr;
	intr_obs.status[1] = IoConnectInterruptEx(&p);

	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_FULLY_SPECIFIED;
	p.FullySpecified.PhysicalDeviceObject = ctxs[0].pdo;
	p.FullySpecified.InterruptObject = &obj;
	p.FullySpecified.ServiceRoutine = Isr;
	p.FullySpecified.Vector = 0x50;
	p.FullySpecified.Irql = 5;
	p.FullySpecified.SynchronizeIrql = 5;
	p.FullySpecified.ProcessorEnableMask = 0;
	intr_obs.status[2] = IoConnectInterruptEx(&p);

	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_LINE_BASED;
	p.LineBased.PhysicalDeviceObject = ctxs[1].pdo; /* four messages */
	p.LineBased.InterruptObject = &obj;
	p.LineBased.ServiceRoutine = Isr;
	intr_obs.status[3] = IoConnectInterruptEx(&p);

	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_MESSAGE_BASED;
	p.MessageBased.PhysicalDeviceObject = ctxs[2].pdo; /* no interrupt at all */
	p.MessageBased.ConnectionContext.InterruptMessageTable = &tbl;
	p.MessageBased.MessageServiceRoutine = MessageIsr;
	p.MessageBased.FallBackServiceRoutine = Isr;
	intr_obs.status[4] = IoConnectInterruptEx(&p);

	intr_obs.status[5] = IoConnectInterrupt(&obj, Isr, &ctxs[0], NULL, 0x50, 5, 4,
						LevelSensitive, TRUE, 1, FALSE);

	RtlZeroMemory(&ok, sizeof(ok));
	ok.Version = CONNECT_LINE_BASED;
	ok.LineBased.PhysicalDeviceObject = ctxs[0].pdo;
	ok.LineBased.InterruptObject = &obj2;
	ok.LineBased.ServiceRoutine = Isr;
	ok.LineBased.ServiceContext = &ctxs[0];
	intr_obs.status[7] = IoConnectInterruptEx(&ok);

	/* onto the shared level vector, but edge-triggered */
	intr_obs.status[6] = IoConnectInterrupt(&obj, Isr, &ctxs[0], NULL, 0x50, 5, 5, Latched,
						TRUE, 1, FALSE);
	/* at another IRQL than the OS gave the vector */
	intr_obs.status[8] = IoConnectInterrupt(&obj, Isr, &ctxs[0], NULL, 0x50, 7, 7,
						LevelSensitive, TRUE, 1, FALSE);
	RtlZeroMemory(&p, sizeof(p));
	p.Version = 5; /* CONNECT_MESSAGE_BASED_PASSIVE (newer headers than mingw-w64's) */
	intr_obs.status[9] = IoConnectInterruptEx(&p);
	IoDisconnectInterrupt(obj2);
}

void intr_connect_at_dispatch(void *arg)
{
	PKINTERRUPT obj;
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	IoConnectInterrupt(&obj, Isr, &ctxs[0], NULL, 0x50, 5, 5, LevelSensitive, TRUE, 1, FALSE);
	KeLowerIrql(old);
}

void intr_passive_lock(void *arg)
{
	IO_CONNECT_INTERRUPT_PARAMETERS p;
	PKINTERRUPT obj = NULL;
	NTSTATUS st;

	UNREFERENCED_PARAMETER(arg);
	RtlZeroMemory(&p, sizeof(p));
	p.Version = CONNECT_FULLY_SPECIFIED;
	p.FullySpecified.PhysicalDeviceObject = ctxs[0].pdo;
	p.FullySpecified.InterruptObject = &obj;
	p.FullySpecified.ServiceRoutine = Isr;
	p.FullySpecified.ServiceContext = &ctxs[0];
	p.FullySpecified.Vector = 0x60;
	p.FullySpecified.Irql = PASSIVE_LEVEL;
	p.FullySpecified.SynchronizeIrql = PASSIVE_LEVEL;
	p.FullySpecified.ProcessorEnableMask = 1;
	st = IoConnectInterruptEx(&p);
	intr_obs.status[0] = st;
	ctxs[3].obj = obj;
	if (NT_SUCCESS(st))
		(void)KeAcquireInterruptSpinLock(obj);
}

void intr_lock_cycle(void *arg)
{
	static KSPIN_LOCK l;
	KIRQL old, old2;

	UNREFERENCED_PARAMETER(arg);
	KeInitializeSpinLock(&l);
	KeAcquireSpinLock(&l, &old);
	old2 = KeAcquireInterruptSpinLock(ctxs[0].obj); /* l -> I */
	KeReleaseInterruptSpinLock(ctxs[0].obj, old2);
	KeReleaseSpinLock(&l, old);
	old = KeAcquireInterruptSpinLock(ctxs[0].obj);
	KeAcquireSpinLockAtDpcLevel(&l); /* I -> l closes the cycle */
	KeReleaseSpinLockFromDpcLevel(&l);
	KeReleaseInterruptSpinLock(ctxs[0].obj, old);
}

void intr_disconnect_all(void *arg)
{
	int i;

	UNREFERENCED_PARAMETER(arg);
	for (i = 0; i < INTR_CTX; i++) {
		IO_DISCONNECT_INTERRUPT_PARAMETERS d;

		if (!ctxs[i].obj)
			continue;
		RtlZeroMemory(&d, sizeof(d));
		if (ctxs[i].table) {
			d.Version = CONNECT_MESSAGE_BASED;
			d.ConnectionContext.InterruptMessageTable = ctxs[i].table;
			IoDisconnectInterruptEx(&d);
		} else if (ctxs[i].how == INTR_CLASSIC) {
			IoDisconnectInterrupt(ctxs[i].obj);
		} else {
			d.Version = ctxs[i].version;
			d.ConnectionContext.InterruptObject = ctxs[i].obj;
			IoDisconnectInterruptEx(&d);
		}
	}
}

void intr_bad_object(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	KeSynchronizeExecution((PKINTERRUPT)&ctxs[0], SyncRoutine, NULL);
}

void intr_disconnect_twice(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	IoDisconnectInterrupt(ctxs[0].obj);
	IoDisconnectInterrupt(ctxs[0].obj);
}

void intr_nested_connect(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	intr_obs.status[0] = IoConnectInterrupt(&high_obj, HighIsr, NULL, NULL, 0x90, 9, 9,
						Latched, FALSE, 1, FALSE);
}
