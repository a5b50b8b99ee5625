/*
 * hostos/io-file.c - the I/O manager's side of an application's handles:
 * opening a symbolic link (IRP_MJ_CREATE down the stack, a FILE_OBJECT
 * per handle), building read, write and device control IRPs by the
 * device's transfer type (buffered: a SystemBuffer copied in and out;
 * neither: the caller's pointers; direct: an MDL of locked pages in
 * MdlAddress), waiting for synchronous ones,
 * the final completion of each (copy out, status to the caller or its
 * OVERLAPPED, its event set), cancelling a thread's requests, and closing
 * (IRP_MJ_CLEANUP, then IRP_MJ_CLOSE once the handle's requests are done;
 * Windows sends the close when the last reference goes, here CloseHandle
 * waits for them).
 *
 * Direct I/O. The application's buffers are host memory, not the
 * machine's, and an MDL describes the machine's frames: the I/O manager
 * gives the driver a nonpaged pool copy of the buffer (allocated, copied
 * in, described by an MDL from IoAllocateMdl
 * and locked with MmProbeAndLockPages), so the driver sees exactly what
 * Windows gives it (MdlAddress, locked pages it may map or DMA to, the
 * frames scattered as pool's are), and the data is copied back to the
 * application's buffer at completion when the device wrote it. It needs
 * the machine's memory (hostos_attach_memory()); without it a direct
 * request fails with STATUS_INSUFFICIENT_RESOURCES.
 */
#include "hostos/dma-internal.h"
#include "hostos/io-internal.h"
#include "hostos/io-user-internal.h"
#include "hostos/pool-internal.h"

#include <stdlib.h>
#include <string.h>

#define FILE_MAGIC 0x46494c45u
#define UEVENT_MAGIC 0x55455654u
#define FO_SYNCHRONOUS_IO 0x00000002
/* pool tag of direct I/O copies: 'HsIo' as the debugger shows it */
#define HOSTOS_IO_TAG 0x6f497348u

struct hostos_file {
	uint32_t magic;
	FILE_OBJECT fo;
	WCHAR fname[128];
	PDEVICE_OBJECT dev, top;
	struct hostos_devobj *drec, *pdo;
	bool overlapped, closed;
	struct ureq *reqs;           /* outstanding */
	struct ureq *spare;          /* finished records, for reuse */
	struct ureq *all;            /* every record of the file (for destroy) */
	unsigned outstanding;
	KEVENT idle;             /* no request outstanding */
	KEVENT event;            /* set at each completion */
	struct hostos_file *next;
};

struct ureq {
	struct hostos_file *f;
	PIRP irp;
	struct hostos_thread *thread;
	bool async, finished, issuer_done, cancel_sent, waiting;
	NTSTATUS status;
	ULONG_PTR info;
	uint64_t *ov_status, *ov_info;
	PKEVENT ov_event;
	PVOID out;
	ULONG out_len;
	PMDL mdl;                /* direct I/O: the pool copy's MDL */
	PVOID shadow, user;
	ULONG direct_len;
	bool copy_back;
	KEVENT done;
	struct ureq *prev, *next;
	struct ureq *all_next;
};

struct hostos_uevent {
	uint32_t magic;
	KEVENT ev;
	bool closed;
	struct hostos_uevent *next;
};

static struct hostos_io *io_here(struct hostos_thread **tp, const char *routine)
{
	struct hostos_thread *t = hostos_self(routine);

	if (tp)
		*tp = t;
	return hostos_io_get(t->os);
}

static struct hostos_file *file_of(struct hostos_io *io, void *p)
{
	for (struct hostos_file *f = io->files; f; f = f->next)
		if ((void *)f == p && !f->closed)
			return f;
	return NULL;
}

bool hostos_file_valid(void *file)
{
	return file_of(io_here(NULL, "hostos_file_valid"), file) != NULL;
}

int hostos_file_kind(void *file)
{
	struct hostos_file *f = file_of(io_here(NULL, "hostos_file_kind"), file);

	return !f ? -1 : f->overlapped;
}

void *hostos_file_event(void *file)
{
	struct hostos_file *f = file_of(io_here(NULL, "hostos_file_event"), file);

	return f ? &f->event : NULL;
}

void hostos_file_wait(void *file, const volatile uint64_t *status)
{
	struct hostos_file *f = file_of(io_here(NULL, "GetOverlappedResult"), file);

	while (f) {
		/* cleared before the check: a completion after it sets it */
		KeClearEvent(&f->event);
		if ((int32_t)*status != STATUS_PENDING)
			return;
		KeWaitForSingleObject(&f->event, Executive, UserMode, FALSE, NULL);
	}
}

/* Request records are the file's (never on a thread's stack: a thread
 * killed with the machine leaves nothing dangling in the lists). */
static struct ureq *req_get(struct hostos_file *f)
{
	struct ureq *r = f->spare, *all;

	if (r) {
		f->spare = r->next;
		all = r->all_next;
	} else {
		r = malloc(sizeof(*r));
		if (!r)
			return NULL;
		all = f->all;
		f->all = r;
	}
	_Static_assert(sizeof(*r) % 8 == 0, "a request record is whole words");
	hostos_zero(r, sizeof(*r));
	r->all_next = all;
	return r;
}

static void req_put(struct hostos_file *f, struct ureq *r)
{
	r->next = f->spare;
	f->spare = r;
}

/* ---- direct I/O ---- */

static void irp_mdl_hook(void *irp, void *mdl, bool secondary)
{
	PIRP i = irp;
	PMDL m = mdl, *pp = &i->MdlAddress;

	if (secondary)
		while (*pp)
			pp = &(*pp)->Next;
	*pp = m;
}

/* The pool copy of @user (@len bytes) behind an MDL in @irp. */
static bool direct_setup(struct hostos_io *io, PIRP irp, struct ureq *r, PVOID user, ULONG len,
			 LOCK_OPERATION op, bool copy_out)
{
	PVOID shadow;
	PMDL mdl;

	if (!hostos_pool_mem(io->os))
		return false;
	hostos_dma_set_irp_hook(io->os, irp_mdl_hook);
	shadow = ExAllocatePool2(POOL_FLAG_NON_PAGED, len, HOSTOS_IO_TAG);
	if (!shadow)
		return false;
	/* The copy stands for the caller's own pages, so it starts as they
	 * are even when the device only writes: bytes a transfer does not
	 * reach (a short or dropped DMA) come back unchanged, as on Windows. */
	memcpy(shadow, user, len);
	mdl = IoAllocateMdl(shadow, len, FALSE, FALSE, irp);
	if (!mdl) {
		ExFreePoolWithTag(shadow, HOSTOS_IO_TAG);
		return false;
	}
	MmProbeAndLockPages(mdl, KernelMode, op);
	r->mdl = mdl;
	r->shadow = shadow;
	r->user = user;
	r->direct_len = len;
	r->copy_back = copy_out;
	return true;
}

static void direct_finish(PIRP irp, struct ureq *r, NTSTATUS status, ULONG_PTR info)
{
	if (!r->mdl)
		return;
	if (r->copy_back && !NT_ERROR(status))
		memcpy(r->user, r->shadow, info < r->direct_len ? info : r->direct_len);
	MmUnlockPages(r->mdl);
	IoFreeMdl(r->mdl);
	ExFreePoolWithTag(r->shadow, HOSTOS_IO_TAG);
	irp->MdlAddress = NULL;
	r->mdl = NULL;
}

/* ---- completion ---- */

static void unlink_req(struct ureq *r)
{
	struct hostos_file *f = r->f;

	if (r->prev)
		r->prev->next = r->next;
	else
		f->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	if (--f->outstanding == 0)
		KeSetEvent(&f->idle, IO_NO_INCREMENT, FALSE);
}

void hostos_user_complete(struct hostos_io *io, PIRP irp)
{
	struct hostos_irp *h = hostos_irp_of(irp);
	struct ureq *r = h->req;
	NTSTATUS status = irp->IoStatus.Status;
	ULONG_PTR info = irp->IoStatus.Information;

	if ((irp->Flags & IRP_BUFFERED_IO) && irp->AssociatedIrp.SystemBuffer) {
		if ((irp->Flags & IRP_INPUT_OPERATION) && !NT_ERROR(status) && r->out) {
			ULONG_PTR n = info < r->out_len ? info : r->out_len;

			memcpy(r->out, irp->AssociatedIrp.SystemBuffer, n);
		}
		if (irp->Flags & IRP_DEALLOCATE_BUFFER)
			free(irp->AssociatedIrp.SystemBuffer);
		irp->AssociatedIrp.SystemBuffer = NULL;
	}
	direct_finish(irp, r, status, info);
	r->status = status;
	r->info = info;
	r->finished = true;
	r->irp = NULL;
	unlink_req(r);
	hostos_irp_release(io, h);
	if (r->async) {
		KeSetEvent(&r->f->event, IO_NO_INCREMENT, FALSE);
		*r->ov_info = info;
		*r->ov_status = (uint32_t)status; /* Status into the low half, as an IO_STATUS_BLOCK */
		if (r->ov_event)
			KeSetEvent(r->ov_event, IO_NO_INCREMENT, FALSE);
		if (r->issuer_done)
			req_put(r->f, r);
	} else if (r->waiting) {
		KeSetEvent(&r->done, IO_NO_INCREMENT, FALSE);
	}
}

/* ---- requests ---- */

/* A synchronous request of the OS itself on @f (create, cleanup, close). */
static NTSTATUS simple(struct hostos_io *io, struct hostos_file *f, UCHAR major)
{
	struct hostos_uio u = { .major = major };
	uint64_t info;

	return hostos_file_io(f, &u, &info);
}

int32_t hostos_file_io(void *file, struct hostos_uio *u, uint64_t *info)
{
	struct hostos_thread *t;
	struct hostos_io *io = io_here(&t, "hostos_file_io");
	struct hostos_file *f = file_of(io, file);
	struct ureq *r;
	PIO_STACK_LOCATION sl;
	ULONG flags;
	NTSTATUS st;
	PIRP irp;

	*info = 0;
	if (!f)
		return STATUS_INVALID_HANDLE;
	if (u->major != IRP_MJ_CREATE && u->major != IRP_MJ_CLEANUP && u->major != IRP_MJ_CLOSE &&
	    f->drec->deleted)
		return STATUS_NO_SUCH_DEVICE;
	irp = hostos_irp_alloc(io, (unsigned)f->top->StackSize, HOSTOS_IRP_USER);
	if (!irp)
		return STATUS_INSUFFICIENT_RESOURCES;
	r = req_get(f);
	if (!r) {
		hostos_irp_release(io, hostos_irp_of(irp));
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	r->f = f;
	r->irp = irp;
	r->thread = t;
	r->async = u->async;
	r->ov_status = u->ov_status;
	r->ov_info = u->ov_info;
	r->ov_event = u->ov_event ? &((struct hostos_uevent *)u->ov_event)->ev : NULL;
	hostos_irp_of(irp)->req = r;
	irp->RequestorMode = UserMode;
	irp->Tail.Overlay.OriginalFileObject = &f->fo;
	irp->Tail.Overlay.Thread = (PETHREAD)t;
	irp->IoStatus.Status = STATUS_SUCCESS;
	sl = IoGetNextIrpStackLocation(irp);
	sl->MajorFunction = u->major;
	sl->FileObject = &f->fo;
	flags = f->top->Flags;
	switch (u->major) {
	case IRP_MJ_READ:
	case IRP_MJ_WRITE:
		sl->Parameters.Read.Length = u->major == IRP_MJ_READ ? u->out_len : u->in_len;
		sl->Parameters.Read.ByteOffset.QuadPart = (LONGLONG)u->offset;
		irp->UserBuffer = u->major == IRP_MJ_READ ? u->out : u->in;
		if ((flags & DO_DIRECT_IO) && sl->Parameters.Read.Length) {
			if (!direct_setup(io, irp, r, irp->UserBuffer, sl->Parameters.Read.Length,
					  u->major == IRP_MJ_READ ? IoWriteAccess : IoReadAccess,
					  u->major == IRP_MJ_READ))
				goto nomem;
		} else if ((flags & DO_BUFFERED_IO) && sl->Parameters.Read.Length) {
			irp->AssociatedIrp.SystemBuffer = calloc(1, sl->Parameters.Read.Length);
			if (!irp->AssociatedIrp.SystemBuffer)
				goto nomem;
			irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
			if (u->major == IRP_MJ_WRITE)
				memcpy(irp->AssociatedIrp.SystemBuffer, u->in, u->in_len);
			else
				irp->Flags |= IRP_INPUT_OPERATION;
		}
		irp->Flags |= u->major == IRP_MJ_READ ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
		r->out = u->major == IRP_MJ_READ ? u->out : NULL;
		r->out_len = u->out_len;
		break;
	case IRP_MJ_DEVICE_CONTROL:
	case IRP_MJ_INTERNAL_DEVICE_CONTROL:
		sl->Parameters.DeviceIoControl.IoControlCode = u->code;
		sl->Parameters.DeviceIoControl.InputBufferLength = u->in_len;
		sl->Parameters.DeviceIoControl.OutputBufferLength = u->out_len;
		switch (METHOD_FROM_CTL_CODE(u->code)) {
		case METHOD_BUFFERED: {
			ULONG n = u->in_len > u->out_len ? u->in_len : u->out_len;

			if (n) {
				irp->AssociatedIrp.SystemBuffer = malloc(n);
				if (!irp->AssociatedIrp.SystemBuffer)
					goto nomem;
				if (u->in_len)
					memcpy(irp->AssociatedIrp.SystemBuffer, u->in, u->in_len);
				irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
				if (u->out_len)
					irp->Flags |= IRP_INPUT_OPERATION;
			}
			r->out = u->out;
			r->out_len = u->out_len;
			irp->UserBuffer = u->out;
			break;
		}
		case METHOD_IN_DIRECT:
		case METHOD_OUT_DIRECT:
			if (u->in_len) {
				irp->AssociatedIrp.SystemBuffer = malloc(u->in_len);
				if (!irp->AssociatedIrp.SystemBuffer)
					goto nomem;
				memcpy(irp->AssociatedIrp.SystemBuffer, u->in, u->in_len);
				irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
			}
			/* the output buffer, read by the device (IN) or written
			 * (OUT) */
			if (u->out_len &&
			    !direct_setup(io, irp, r, u->out, u->out_len,
					  METHOD_FROM_CTL_CODE(u->code) == METHOD_IN_DIRECT ? IoReadAccess
											    : IoWriteAccess,
					  METHOD_FROM_CTL_CODE(u->code) == METHOD_OUT_DIRECT))
				goto nomem;
			irp->UserBuffer = u->out;
			break;
		default:
			sl->Parameters.DeviceIoControl.Type3InputBuffer = u->in;
			irp->UserBuffer = u->out;
			break;
		}
		break;
	case IRP_MJ_CREATE:
		irp->Flags |= IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
		sl->Parameters.Create.Options = 1u << 24; /* FILE_OPEN */
		sl->Parameters.Create.ShareAccess = 0;
		break;
	case IRP_MJ_CLOSE:
		irp->Flags |= IRP_CLOSE_OPERATION | IRP_SYNCHRONOUS_API;
		break;
	default:
		irp->Flags |= IRP_SYNCHRONOUS_API;
		break;
	}
	if (!f->outstanding++)
		KeClearEvent(&f->idle);
	r->next = f->reqs;
	if (f->reqs)
		f->reqs->prev = r;
	f->reqs = r;
	if (u->async && u->ov_status) {
		*u->ov_status = (uint64_t)STATUS_PENDING;
		*u->ov_info = 0;
	}
	st = IoCallDriver(f->top, irp);
	if (u->async) {
		if (r->finished) {
			*info = r->info;
			if (st != STATUS_PENDING)
				st = r->status;
			req_put(f, r);
		} else {
			r->issuer_done = true;
			st = STATUS_PENDING;
		}
		return st;
	}
	if (!r->finished) {
		/* A DPC may complete it at any OS call, this one included:
		 * the completion sets the event only once waiting is set,
		 * and finished is checked again after. */
		KeInitializeEvent(&r->done, NotificationEvent, FALSE);
		r->waiting = true;
		if (!r->finished)
			KeWaitForSingleObject(&r->done, Executive, UserMode, FALSE, NULL);
	}
	*info = r->info;
	st = r->status;
	req_put(f, r);
	return st;
nomem:
	if (irp->AssociatedIrp.SystemBuffer && (irp->Flags & IRP_DEALLOCATE_BUFFER))
		free(irp->AssociatedIrp.SystemBuffer);
	direct_finish(irp, r, STATUS_INSUFFICIENT_RESOURCES, 0);
	hostos_irp_release(io, hostos_irp_of(irp));
	req_put(f, r);
	return STATUS_INSUFFICIENT_RESOURCES;
}

int hostos_file_cancel(void *file, const uint64_t *ov_status)
{
	struct hostos_thread *t;
	struct hostos_io *io = io_here(&t, "hostos_file_cancel");
	struct hostos_file *f = file_of(io, file);
	int n = 0;

	if (!f)
		return 0;
	for (;;) {
		struct ureq *r;

		for (r = f->reqs; r; r = r->next)
			if (!r->cancel_sent && r->irp &&
			    (ov_status ? r->ov_status == ov_status : r->thread == t))
				break;
		if (!r)
			return n;
		r->cancel_sent = true;
		n++;
		IoCancelIrp(r->irp);
	}
}

/* ---- open and close ---- */

/* Forget a file whose requests are all done: out of the list, freed with
 * its request records (a stale handle is then simply invalid). */
static void file_free(struct hostos_io *io, struct hostos_file *f)
{
	for (struct hostos_file **pp = &io->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	for (struct ureq *r = f->all, *rn; r; r = rn) {
		rn = r->all_next;
		free(r);
	}
	free(f);
}

void *hostos_file_open(const char *path, bool overlapped, bool read, bool write,
		       int32_t *status)
{
	struct hostos_thread *t;
	struct hostos_io *io = io_here(&t, "CreateFile");
	struct hostos_symlink *l;
	struct hostos_file *f;
	WCHAR name[256];
	size_t n, k;
	NTSTATUS st;
	PDEVICE_OBJECT dev;

	*status = STATUS_OBJECT_NAME_INVALID;
	if (!path || (strncmp(path, "\\\\.\\", 4) && strncmp(path, "\\\\?\\", 4)) ||
	    strlen(path) >= 250)
		return NULL;
	n = hostos_a_to_w(path + 4, name, 256);
	for (k = 0; k < n && name[k] != '\\'; k++)
		;
	*status = STATUS_OBJECT_NAME_NOT_FOUND;
	l = hostos_io_find_link(io, name, (USHORT)(k * 2));
	dev = l ? hostos_io_find_device(io, l->target, l->target_len) : NULL;
	if (!dev)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		*status = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	f->magic = FILE_MAGIC;
	f->dev = dev;
	f->drec = hostos_devobj_of(io, dev);
	f->pdo = hostos_io_pdo_below(io, dev);
	if ((f->pdo && (f->pdo->surprise_removed || f->pdo->pnp_removed)) ||
	    (dev->Flags & DO_DEVICE_INITIALIZING)) {
		*status = f->pdo ? STATUS_DELETE_PENDING : STATUS_NO_SUCH_DEVICE;
		free(f);
		return NULL;
	}
	if ((dev->Flags & DO_EXCLUSIVE) && f->drec->open_files) {
		free(f);
		*status = STATUS_ACCESS_DENIED;
		return NULL;
	}
	f->top = hostos_io_top(dev);
	f->overlapped = overlapped;
	f->fo.Type = IO_TYPE_FILE;
	f->fo.Size = sizeof(FILE_OBJECT);
	f->fo.DeviceObject = dev;
	f->fo.ReadAccess = read;
	f->fo.WriteAccess = write;
	f->fo.Flags = overlapped ? 0 : FO_SYNCHRONOUS_IO;
	memcpy(f->fname, name + k, (n - k) * sizeof(WCHAR));
	f->fo.FileName.Buffer = f->fname;
	f->fo.FileName.Length = (USHORT)((n - k) * 2);
	f->fo.FileName.MaximumLength = sizeof(f->fname);
	KeInitializeEvent(&f->idle, NotificationEvent, TRUE);
	KeInitializeEvent(&f->event, NotificationEvent, FALSE);
	f->next = io->files;
	io->files = f;
	st = simple(io, f, IRP_MJ_CREATE);
	*status = st;
	if (!NT_SUCCESS(st)) {
		file_free(io, f);
		return NULL;
	}
	f->drec->open_files++;
	if (f->pdo && f->pdo != f->drec)
		f->pdo->open_files++;
	return f;
}

int32_t hostos_file_close(void *file)
{
	struct hostos_io *io = io_here(NULL, "CloseHandle");
	struct hostos_file *f = file_of(io, file);
	struct hostos_devobj *pdo;
	NTSTATUS st;

	if (!f)
		return STATUS_INVALID_HANDLE;
	simple(io, f, IRP_MJ_CLEANUP);
	if (f->outstanding)
		KeWaitForSingleObject(&f->idle, Executive, UserMode, FALSE, NULL);
	st = simple(io, f, IRP_MJ_CLOSE);
	f->closed = true;
	f->drec->open_files--;
	if (f->pdo && f->pdo != f->drec)
		f->pdo->open_files--;
	pdo = f->pdo;
	file_free(io, f);
	if (pdo)
		hostos_pnp_last_close(io, pdo);
	return st;
}

/* ---- events ---- */

void *hostos_uevent_create(bool manual, bool initial)
{
	struct hostos_io *io = io_here(NULL, "CreateEvent");
	struct hostos_uevent *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->magic = UEVENT_MAGIC;
	KeInitializeEvent(&e->ev, manual ? NotificationEvent : SynchronizationEvent, initial);
	e->next = io->uevents;
	io->uevents = e;
	return e;
}

static struct hostos_uevent *uevent_of(void *p)
{
	struct hostos_io *io = io_here(NULL, "event");

	for (struct hostos_uevent *e = io->uevents; e; e = e->next)
		if ((void *)e == p && !e->closed)
			return e;
	return NULL;
}

bool hostos_uevent_valid(void *e)
{
	return uevent_of(e) != NULL;
}

void hostos_uevent_set(void *p, bool signalled)
{
	struct hostos_uevent *e = uevent_of(p);

	if (!e)
		return;
	if (signalled)
		KeSetEvent(&e->ev, IO_NO_INCREMENT, FALSE);
	else
		KeClearEvent(&e->ev);
}

int hostos_uevent_wait(void *p, uint32_t ms)
{
	PKEVENT ev;
	LARGE_INTEGER to;
	struct hostos_uevent *e = uevent_of(p);

	if (e)
		ev = &e->ev;
	else if (hostos_file_valid(p))
		ev = hostos_file_event(p);
	else
		return -1;
	to.QuadPart = -(LONGLONG)ms * 10000;
	return KeWaitForSingleObject(ev, Executive, UserMode, FALSE,
				     ms == UINT32_MAX ? NULL : &to) == STATUS_TIMEOUT;
}

void hostos_uevent_close(void *p)
{
	struct hostos_uevent *e = uevent_of(p);

	if (e)
		e->closed = true;
}

uint32_t *hostos_last_error(void)
{
	return &hostos_self("GetLastError")->last_error;
}

void hostos_files_destroy(struct hostos_io *io)
{
	for (struct hostos_file *f = io->files, *n; f; f = n) {
		n = f->next;
		for (struct ureq *r = f->all, *rn; r; r = rn) {
			rn = r->all_next;
			free(r);
		}
		free(f);
	}
	for (struct hostos_uevent *e = io->uevents, *n; e; e = n) {
		n = e->next;
		free(e);
	}
	/* SystemBuffers of IRPs never completed */
	for (struct hostos_irp *h = io->irps; h; h = h->all_next)
		if (h->state != HOSTOS_IRP_FREE && (h->irp.Flags & IRP_DEALLOCATE_BUFFER) &&
		    h->irp.AssociatedIrp.SystemBuffer) {
			free(h->irp.AssociatedIrp.SystemBuffer);
			h->irp.AssociatedIrp.SystemBuffer = NULL;
		}
}
