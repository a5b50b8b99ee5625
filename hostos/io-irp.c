/*
 * hostos/io-irp.c - IRPs: allocation (IoAllocateIrp, IoFreeIrp,
 * IoReuseIrp, IoBuildDeviceIoControlRequest,
 * IoBuildSynchronousFsdRequest), IoCallDriver, IoCompleteRequest with the
 * stack unwinding and completion routines, and the I/O Verification
 * checks on both (bug checks 0x44, 0x35 and 0xC9).
 *
 * Stack locations as in the WDK: location StackCount is the first a
 * caller fills (IoGetNextIrpStackLocation of a fresh IRP), IoCallDriver
 * steps CurrentLocation down by one, IoCompleteRequest walks it back up,
 * calling each completion routine with the device object of the location
 * above (NULL for the originator's). A completion routine returning
 * STATUS_MORE_PROCESSING_REQUIRED stops the walk; the IRP is back with
 * its owner, who may complete it again.
 *
 * Final completion, when the walk reaches the top, depends on who made
 * the IRP: a user request or the PnP manager's finish in io-file.c and
 * io-pnp.c; an IoBuild* IRP copies buffered output back, fills the
 * caller's IO_STATUS_BLOCK, signals its event and is freed; an
 * IoAllocateIrp IRP is left to its owner (Windows would crash trying to
 * complete it to a thread; the mock just stops).
 */
#include "hostos/io-internal.h"

#include <stdlib.h>
#include <string.h>

#include "hostos/dma-internal.h"

void hostos_io_violation(struct hostos_thread *t, uint32_t code, const void *where,
			 const void *irp, const void *dev, const char *what)
{
	hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, code, (uint64_t)(uintptr_t)where,
			(uint64_t)(uintptr_t)irp, (uint64_t)(uintptr_t)dev, "%s", what);
}

/* ---- allocation ---- */

static void irp_init(struct hostos_irp *h, unsigned stack)
{
	PIRP irp = &h->irp;

	_Static_assert(sizeof(IRP) % 8 == 0 && sizeof(IO_STACK_LOCATION) % 8 == 0,
		       "IRP and stack locations are whole words");
	hostos_zero(irp, sizeof(IRP) + stack * sizeof(IO_STACK_LOCATION));
	irp->Type = IO_TYPE_IRP;
	irp->Size = IoSizeOfIrp(stack);
	irp->StackCount = (CHAR)stack;
	irp->CurrentLocation = (CHAR)(stack + 1);
	irp->Tail.Overlay.CurrentStackLocation = hostos_irp_stack(irp, stack + 1);
	InitializeListHead(&irp->ThreadListEntry);
}

PIRP hostos_irp_alloc(struct hostos_io *io, unsigned stack, enum hostos_irp_kind kind)
{
	struct hostos_irp *h;

	if (stack < 1 || stack > 64)
		return NULL;
	h = io->free_irps[stack];
	if (h) {
		io->free_irps[stack] = h->next_free;
	} else {
		h = calloc(1, sizeof(*h) + stack * sizeof(IO_STACK_LOCATION));
		if (!h)
			return NULL;
		h->all_next = io->irps;
		io->irps = h;
		io->st.irps_allocated++;
	}
	h->magic = HOSTOS_IRP_MAGIC;
	h->kind = kind;
	h->state = HOSTOS_IRP_ACTIVE;
	h->in_call = 0;
	h->free_deferred = false;
	h->ever_called = false;
	h->stopped = true;
	h->frame = NULL;
	h->complete_loc = 0;
	h->complete_status = 0;
	h->stack_size = (uint8_t)stack;
	memset(h->pend_seen, 0, stack + 2 < sizeof(h->pend_seen) ? stack + 2 : sizeof(h->pend_seen));
	h->req = NULL;
	h->built_event = NULL;
	h->built_iosb = NULL;
	h->built_out = NULL;
	h->built_out_len = 0;
	h->next_free = NULL;
	irp_init(h, stack);
	io->st.irps_live++;
	return &h->irp;
}

void hostos_irp_release(struct hostos_io *io, struct hostos_irp *h)
{
	if (h->in_call) {
		h->free_deferred = true;
		return;
	}
	if (h->state == HOSTOS_IRP_FREE)
		return;
	h->state = HOSTOS_IRP_FREE;
	h->free_deferred = false;
	/* poison the header, as freed pool is: a driver still using the
	 * IRP reads garbage, and IoCallDriver of it fails the Type check */
	{
		uint64_t *w = (uint64_t *)&h->irp;

		for (size_t i = 0; i < sizeof(IRP) / 8; i++)
			w[i] = UINT64_C(0xDDDDDDDDDDDDDDDD);
	}
	h->irp.Type = 0;
	h->next_free = io->free_irps[h->stack_size];
	io->free_irps[h->stack_size] = h;
	io->st.irps_live--;
}

/* The IRP record of @irp when it is one the OS made (any state). */
static struct hostos_irp *irp_rec(PIRP irp)
{
	struct hostos_irp *h;

	if (!irp)
		return NULL;
	h = hostos_irp_of(irp);
	return h->magic == HOSTOS_IRP_MAGIC ? h : NULL;
}

PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
	struct hostos_thread *t = hostos_self("IoAllocateIrp");

	(void)ChargeQuota;
	hostos_sched_point(t);
	if (StackSize < 1)
		return NULL;
	return hostos_irp_alloc(hostos_io_get(t->os), (unsigned)StackSize, HOSTOS_IRP_DRIVER);
}

VOID IoFreeIrp(PIRP Irp)
{
	struct hostos_thread *t = hostos_self("IoFreeIrp");
	struct hostos_irp *h = irp_rec(Irp);

	hostos_sched_point(t);
	if (!h || h->state == HOSTOS_IRP_FREE || Irp->Type != IO_TYPE_IRP) {
		if (hostos_io_verify(t))
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x01, (uint64_t)(uintptr_t)Irp, 0, 0,
					"IoFreeIrp of an object that is not an IRP (or one already freed)");
		return;
	}
	if (h->ever_called && !h->stopped && hostos_io_verify(t))
		hostos_io_violation(t, 0x20B, __builtin_return_address(0), Irp, NULL,
				    "IoFreeIrp of an IRP still in use (sent and not completed)");
	if ((Irp->Flags & IRP_DEALLOCATE_BUFFER) && Irp->AssociatedIrp.SystemBuffer) {
		free(Irp->AssociatedIrp.SystemBuffer);
		Irp->AssociatedIrp.SystemBuffer = NULL;
	}
	hostos_irp_release(hostos_io_get(t->os), h);
}

VOID IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
	struct hostos_thread *t = hostos_self("IoReuseIrp");
	struct hostos_irp *h = irp_rec(Irp);
	UCHAR flags;

	hostos_sched_point(t);
	if (!h || h->state == HOSTOS_IRP_FREE)
		return;
	flags = Irp->AllocationFlags;
	irp_init(h, h->stack_size);
	Irp->AllocationFlags = flags;
	Irp->IoStatus.Status = Iostatus;
	h->state = HOSTOS_IRP_ACTIVE;
	h->stopped = true;
	h->ever_called = false;
	memset(h->pend_seen, 0, sizeof(h->pend_seen));
}

/* Buffers of a built or user request by the transfer type: buffered
 * (SystemBuffer, input copied in), neither (the caller's pointers).
 * Returns false when the host is out of memory. */
static bool build_ioctl_buffers(PIRP irp, PIO_STACK_LOCATION sl, ULONG code, PVOID in,
				ULONG in_len, PVOID out, ULONG out_len)
{
	ULONG n;

	sl->Parameters.DeviceIoControl.IoControlCode = code;
	sl->Parameters.DeviceIoControl.InputBufferLength = in_len;
	sl->Parameters.DeviceIoControl.OutputBufferLength = out_len;
	switch (METHOD_FROM_CTL_CODE(code)) {
	case METHOD_BUFFERED:
		n = in_len > out_len ? in_len : out_len;
		if (n) {
			irp->AssociatedIrp.SystemBuffer = calloc(1, n);
			if (!irp->AssociatedIrp.SystemBuffer)
				return false;
			if (in && in_len)
				memcpy(irp->AssociatedIrp.SystemBuffer, in, in_len);
			irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
			if (out_len)
				irp->Flags |= IRP_INPUT_OPERATION;
		}
		irp->UserBuffer = out;
		break;
	case METHOD_IN_DIRECT:
	case METHOD_OUT_DIRECT:
		/* the input is buffered; the output buffer would be an MDL
		 * (MdlAddress) once MDLs exist: until then the driver gets
		 * the caller's pointer in UserBuffer */
		if (in_len) {
			irp->AssociatedIrp.SystemBuffer = calloc(1, in_len);
			if (!irp->AssociatedIrp.SystemBuffer)
				return false;
			if (in)
				memcpy(irp->AssociatedIrp.SystemBuffer, in, in_len);
			irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
		}
		irp->UserBuffer = out;
		break;
	default:
		sl->Parameters.DeviceIoControl.Type3InputBuffer = in;
		irp->UserBuffer = out;
		break;
	}
	return true;
}

PIRP IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
				   PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
				   ULONG OutputBufferLength, BOOLEAN InternalDeviceIoControl,
				   PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
	struct hostos_thread *t = hostos_self("IoBuildDeviceIoControlRequest");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_irp *h;
	PIO_STACK_LOCATION sl;
	PIRP irp;

	hostos_sched_point(t);
	hostos_io_passive(t, 0x2000A, "IoBuildDeviceIoControlRequest", DeviceObject);
	if (!DeviceObject || DeviceObject->StackSize < 1)
		return NULL;
	irp = hostos_irp_alloc(io, (unsigned)DeviceObject->StackSize, HOSTOS_IRP_BUILT);
	if (!irp)
		return NULL;
	h = hostos_irp_of(irp);
	sl = IoGetNextIrpStackLocation(irp);
	sl->MajorFunction = InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL
						    : IRP_MJ_DEVICE_CONTROL;
	if (!build_ioctl_buffers(irp, sl, IoControlCode, InputBuffer, InputBufferLength,
				 OutputBuffer, OutputBufferLength)) {
		hostos_irp_release(io, h);
		return NULL;
	}
	irp->RequestorMode = KernelMode;
	irp->UserIosb = IoStatusBlock;
	irp->UserEvent = Event;
	h->built_event = Event;
	h->built_iosb = IoStatusBlock;
	h->built_out = OutputBuffer;
	h->built_out_len = OutputBufferLength;
	return irp;
}

PIRP IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
				  PVOID Buffer, ULONG Length, PLARGE_INTEGER StartingOffset,
				  PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
	struct hostos_thread *t = hostos_self("IoBuildSynchronousFsdRequest");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_irp *h;
	PIO_STACK_LOCATION sl;
	PIRP irp;

	hostos_sched_point(t);
	if (!DeviceObject || DeviceObject->StackSize < 1 ||
	    (MajorFunction != IRP_MJ_READ && MajorFunction != IRP_MJ_WRITE &&
	     MajorFunction != IRP_MJ_FLUSH_BUFFERS && MajorFunction != IRP_MJ_SHUTDOWN &&
	     MajorFunction != IRP_MJ_PNP))
		return NULL;
	irp = hostos_irp_alloc(io, (unsigned)DeviceObject->StackSize, HOSTOS_IRP_BUILT);
	if (!irp)
		return NULL;
	h = hostos_irp_of(irp);
	sl = IoGetNextIrpStackLocation(irp);
	sl->MajorFunction = (UCHAR)MajorFunction;
	if (MajorFunction == IRP_MJ_READ || MajorFunction == IRP_MJ_WRITE) {
		sl->Parameters.Read.Length = Length;
		if (StartingOffset)
			sl->Parameters.Read.ByteOffset = *StartingOffset;
		if ((DeviceObject->Flags & DO_BUFFERED_IO) && Length) {
			irp->AssociatedIrp.SystemBuffer = calloc(1, Length);
			if (!irp->AssociatedIrp.SystemBuffer) {
				hostos_irp_release(io, h);
				return NULL;
			}
			irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
			if (MajorFunction == IRP_MJ_WRITE)
				memcpy(irp->AssociatedIrp.SystemBuffer, Buffer, Length);
			else {
				irp->Flags |= IRP_INPUT_OPERATION;
				h->built_out = Buffer;
				h->built_out_len = Length;
			}
		}
		irp->UserBuffer = Buffer;
	}
	irp->RequestorMode = KernelMode;
	irp->UserIosb = IoStatusBlock;
	irp->UserEvent = Event;
	h->built_event = Event;
	h->built_iosb = IoStatusBlock;
	return irp;
}

/* ---- IoCallDriver ---- */

NTSTATUS NTAPI hostos_invalid_request(PDEVICE_OBJECT dev, PIRP irp)
{
	(void)dev;
	irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
	irp->IoStatus.Information = 0;
	IoCompleteRequest(irp, IO_NO_INCREMENT);
	return STATUS_INVALID_DEVICE_REQUEST;
}

NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	struct hostos_thread *t = hostos_self("IoCallDriver");
	struct hostos_io *io = hostos_io_get(t->os);
	struct hostos_cpu *cpu = t->cpu;
	bool verify = hostos_io_verify(t);
	const void *caller = __builtin_return_address(0);
	struct hostos_call_frame frame = { 0 };
	struct hostos_devobj *d;
	struct hostos_irp *h;
	PIO_STACK_LOCATION sl;
	PDRIVER_DISPATCH fn;
	NTSTATUS status;
	uint8_t irql;
	unsigned loc;
	bool marked;

	hostos_sched_point(t);
	irql = cpu->irql;
	if (verify && irql > HOSTOS_DISPATCH)
		hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x10, irql, 0, 0,
				"IoCallDriver called above DISPATCH_LEVEL");
	h = irp_rec(Irp);
	if (!h || h->state == HOSTOS_IRP_FREE || Irp->Type != IO_TYPE_IRP) {
		if (verify)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x03, (uint64_t)(uintptr_t)Irp, 0, 0,
					"IoCallDriver with an object that is not a live IRP");
		hostos_bugcheck(t, 0x50, (uint64_t)(uintptr_t)Irp, 0, (uint64_t)(uintptr_t)caller, 0,
				"IoCallDriver with an object that is not a live IRP");
	}
	if (!DeviceObject) {
		if (verify)
			hostos_io_violation(t, 0x204, caller, Irp, NULL,
					    "IoCallDriver with a NULL device object");
		hostos_bugcheck(t, 0x50, 0, 0, (uint64_t)(uintptr_t)caller, 0,
				"IoCallDriver with a NULL device object");
	}
	d = hostos_devobj_of(io, DeviceObject);
	if (!d || d->deleted || DeviceObject->Type != IO_TYPE_DEVICE) {
		if (verify)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x04, (uint64_t)(uintptr_t)DeviceObject,
					0, 0, "IoCallDriver with an invalid or deleted device object");
		hostos_bugcheck(t, 0x50, (uint64_t)(uintptr_t)DeviceObject, 0,
				(uint64_t)(uintptr_t)caller, 0,
				"IoCallDriver with an invalid device object");
	}
	if (verify && Irp->CancelRoutine)
		hostos_io_violation(t, 0x203, caller, Irp, DeviceObject,
				    "IoCallDriver of an IRP whose cancel routine is still set");
	Irp->CurrentLocation--;
	if (Irp->CurrentLocation <= 0)
		hostos_bugcheck(t, HOSTOS_BC_NO_MORE_IRP_STACK_LOCATIONS, (uint64_t)(uintptr_t)Irp, 0,
				0, 0, "IoCallDriver with no stack location left in the IRP");
	sl = --Irp->Tail.Overlay.CurrentStackLocation;
	sl->DeviceObject = DeviceObject;
	loc = (unsigned)Irp->CurrentLocation;
	h->pend_seen[loc < 64 ? loc : 63] = 0;
	fn = DeviceObject->DriverObject->MajorFunction[sl->MajorFunction];
	frame.outer = h->frame;
	h->frame = &frame;
	h->in_call++;
	h->ever_called = true;
	h->stopped = false;
	io->st.calls++;
	status = fn(DeviceObject, Irp);
	h->frame = frame.outer;
	if (status == STATUS_PENDING)
		io->st.pending++;
	if (verify) {
		if (cpu->irql != irql)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x05, (uint64_t)(uintptr_t)DeviceObject,
					irql, cpu->irql,
					"the IRQL changed during a call to a dispatch routine");
		marked = (h->state != HOSTOS_IRP_FREE && (sl->Control & SL_PENDING_RETURNED)) ||
			 h->pend_seen[loc < 64 ? loc : 63];
		if (status == STATUS_PENDING && !marked && !frame.inner_pending)
			hostos_io_violation(t, 0x23D, (const void *)(uintptr_t)fn, Irp, DeviceObject,
					    "dispatch routine returned STATUS_PENDING without IoMarkIrpPending");
		if (status != STATUS_PENDING && marked)
			hostos_io_violation(t, 0x23E, (const void *)(uintptr_t)fn, Irp, DeviceObject,
					    "dispatch routine marked the IRP pending but did not return STATUS_PENDING");
		if (status != STATUS_PENDING && h->state == HOSTOS_IRP_ACTIVE && !h->stopped &&
		    (unsigned)Irp->CurrentLocation <= loc)
			hostos_io_violation(t, 0x226, (const void *)(uintptr_t)fn, Irp, DeviceObject,
					    "dispatch routine returned without completing, passing down or pending the IRP");
		/* completed at this location (by this driver, or by one it
		 * skipped to): the return must be what it completed with */
		if (status != STATUS_PENDING && h->complete_loc == (int)loc &&
		    status != h->complete_status)
			hostos_io_violation(t, 0x224, (const void *)(uintptr_t)fn, Irp, DeviceObject,
					    "dispatch routine returned a status other than the IRP's IoStatus.Status");
	}
	if (frame.outer)
		frame.outer->inner_pending = status == STATUS_PENDING;
	if (--h->in_call == 0 && h->free_deferred)
		hostos_irp_release(io, h);
	return status;
}

/* ---- IoCompleteRequest ---- */

static void built_complete(struct hostos_io *io, struct hostos_irp *h)
{
	PIRP irp = &h->irp;

	if ((irp->Flags & IRP_BUFFERED_IO) && irp->AssociatedIrp.SystemBuffer) {
		if ((irp->Flags & IRP_INPUT_OPERATION) && !NT_ERROR(irp->IoStatus.Status) &&
		    h->built_out) {
			ULONG_PTR n = irp->IoStatus.Information;

			if (n > h->built_out_len)
				n = h->built_out_len;
			memcpy(h->built_out, irp->AssociatedIrp.SystemBuffer, n);
		}
		if (irp->Flags & IRP_DEALLOCATE_BUFFER)
			free(irp->AssociatedIrp.SystemBuffer);
		irp->AssociatedIrp.SystemBuffer = NULL;
	}
	if (h->built_iosb)
		*h->built_iosb = irp->IoStatus;
	if (h->built_event)
		KeSetEvent(h->built_event, IO_NO_INCREMENT, FALSE);
	hostos_irp_release(io, h);
}

VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
	struct hostos_thread *t = hostos_self("IoCompleteRequest");
	struct hostos_io *io = hostos_io_get(t->os);
	bool verify = hostos_io_verify(t);
	struct hostos_irp *h = irp_rec(Irp);
	NTSTATUS status;

	(void)PriorityBoost;
	hostos_sched_point(t);
	if (!h || h->state != HOSTOS_IRP_ACTIVE || Irp->Type != IO_TYPE_IRP)
		hostos_bugcheck(t, HOSTOS_BC_MULTIPLE_IRP_COMPLETE, (uint64_t)(uintptr_t)Irp, 0, 0, 0,
				"IoCompleteRequest of an IRP already completed (or freed)");
	if (verify) {
		if (t->cpu->irql > HOSTOS_DISPATCH)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x0E, t->cpu->irql,
					(uint64_t)(uintptr_t)Irp, 0,
					"IoCompleteRequest called above DISPATCH_LEVEL");
		if (Irp->IoStatus.Status == STATUS_PENDING || Irp->IoStatus.Status == -1)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x06, (uint32_t)Irp->IoStatus.Status,
					(uint64_t)(uintptr_t)Irp, 0,
					"IoCompleteRequest with the status STATUS_PENDING");
		if (Irp->CancelRoutine)
			hostos_bugcheck(t, HOSTOS_BC_IOMANAGER, 0x07,
					(uint64_t)(uintptr_t)Irp->CancelRoutine,
					(uint64_t)(uintptr_t)Irp, 0,
					"IoCompleteRequest while the IRP's cancel routine is still set");
	}
	hostos_dma_check_complete(t, Irp->MdlAddress);
	io->st.completions++;
	status = Irp->IoStatus.Status;
	h->complete_loc = Irp->CurrentLocation;
	h->complete_status = status;
	while (Irp->CurrentLocation <= Irp->StackCount) {
		PIO_STACK_LOCATION sl = Irp->Tail.Overlay.CurrentStackLocation;
		PIO_COMPLETION_ROUTINE routine = sl->CompletionRoutine;
		PVOID ctx = sl->Context;
		UCHAR ctl = sl->Control;
		unsigned loc = (unsigned)Irp->CurrentLocation;

		Irp->PendingReturned = (ctl & SL_PENDING_RETURNED) != 0;
		h->pend_seen[loc < 64 ? loc : 63] |= ctl & SL_PENDING_RETURNED;
		sl->MinorFunction = 0;
		sl->Flags = 0;
		sl->Control = 0;
		sl->CompletionRoutine = NULL;
		sl->Context = NULL;
		Irp->CurrentLocation++;
		Irp->Tail.Overlay.CurrentStackLocation++;
		if (routine && ((NT_SUCCESS(status) && (ctl & SL_INVOKE_ON_SUCCESS)) ||
				(!NT_SUCCESS(status) && (ctl & SL_INVOKE_ON_ERROR)) ||
				(Irp->Cancel && (ctl & SL_INVOKE_ON_CANCEL)))) {
			PDEVICE_OBJECT dev = Irp->CurrentLocation <= Irp->StackCount
						     ? Irp->Tail.Overlay.CurrentStackLocation->DeviceObject
						     : NULL;
			NTSTATUS r;

			/* the originator's own routine: the IRP is back with
			 * it, which may free it there */
			uint8_t irql = t->cpu->irql;

			if (!dev)
				h->stopped = true;
			r = routine(dev, Irp, ctx);
			if (verify && t->cpu->irql != irql)
				hostos_bugcheck(t, HOSTOS_COMPLETION_IRQL,
						(uint64_t)(uintptr_t)routine, (uint64_t)(uintptr_t)Irp,
						irql, t->cpu->irql,
						"a completion routine returned at another IRQL");

			if (r == STATUS_MORE_PROCESSING_REQUIRED) {
				/* back with its owner, who may free it here */
				if (h->state == HOSTOS_IRP_ACTIVE)
					h->stopped = true;
				return;
			}
			status = Irp->IoStatus.Status;
		} else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
			IoMarkIrpPending(Irp);
		}
	}
	h->state = HOSTOS_IRP_DONE;
	h->stopped = true;
	switch (h->kind) {
	case HOSTOS_IRP_USER:
		hostos_user_complete(io, Irp);
		break;
	case HOSTOS_IRP_PNP:
		hostos_pnp_complete(io, Irp);
		break;
	case HOSTOS_IRP_BUILT:
		built_complete(io, h);
		break;
	case HOSTOS_IRP_DRIVER:
		/* left to its owner: IoFreeIrp or IoReuseIrp */
		return;
	}
	/* Still here (an IoCallDriver of it is on a stack, so its release
	 * waits): it is the I/O manager's again, and a driver reading its
	 * status now reads garbage; returning that is caught as 0x224. (A
	 * released IRP may be another's already: left alone.) */
	if (h->state == HOSTOS_IRP_DONE) {
		Irp->IoStatus.Status = (NTSTATUS)0xDDDDDDDD;
		Irp->IoStatus.Information = (ULONG_PTR)0xDDDDDDDDDDDDDDDDull;
	}
}

NTSTATUS IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
				  PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
				  BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
				  BOOLEAN InvokeOnCancel)
{
	struct hostos_thread *t = hostos_self("IoSetCompletionRoutineEx");

	(void)DeviceObject;
	hostos_sched_point(t);
	/* Drivers are never unloaded under a running routine here, so the
	 * Ex form needs no context of its own. */
	IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess, InvokeOnError,
			       InvokeOnCancel);
	return STATUS_SUCCESS;
}
