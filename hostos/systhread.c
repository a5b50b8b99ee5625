/*
 * hostos/systhread.c - system threads and the object references a driver
 * needs to wait for one (PsCreateSystemThread, PsTerminateSystemThread,
 * ObReferenceObjectByHandle, ObReferenceObject, ObDereferenceObject,
 * ZwClose).
 *
 * A system thread is a host OS thread started on the CPU after the
 * creator's (round robin over the machine's CPUs), running its start
 * routine at PASSIVE_LEVEL. Its thread object (the ETHREAD a handle
 * names; a dispatcher object of type ThreadObject) is signalled when the
 * routine returns or calls PsTerminateSystemThread, which ends the thread
 * by a longjmp back to the thread's own body (the same coroutine stack,
 * never across stacks). The handle is the object's address; the object is
 * freed when its handle is closed, its references are dropped and the
 * thread has ended, or with the machine. ObReferenceObject and
 * ObDereferenceObject count only on thread objects; on any other object
 * they are no-ops (the mock has no object manager).
 *
 * A system thread that ends owning a mutex is 0xC4/0x100A (Deadlock
 * Detection; P2 the thread).
 */
#include "hostos/sync-internal.h"
#include "hostos/sweep-internal.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define ETHREAD_MAGIC 0x45544852u /* "RHTE" */

struct hostos_ethread {
	DISPATCHER_HEADER Header;        /* first: the object drivers wait on */
	uint32_t magic;
	LONG refs;                       /* handle + references + the running thread */
	bool handle_open, ended;
	NTSTATUS exit_status;
	PKSTART_ROUTINE start;
	PVOID context;
	struct hostos_sync *s;
	struct hostos_thread *t;
	jmp_buf exit;
	struct hostos_ethread *next;
};

/* The thread object type, a constant the OS never writes. */
struct _OBJECT_TYPE {
	char name[8];
};
static struct _OBJECT_TYPE thread_type = { "Thread" };
static POBJECT_TYPE thread_type_ptr = &thread_type;
POBJECT_TYPE *PsThreadType = &thread_type_ptr;

void hostos_systhreads_destroy(struct hostos_sync *s)
{
	while (s->threads) {
		struct hostos_ethread *e = s->threads;

		s->threads = e->next;
		free(e);
	}
}

static struct hostos_ethread *find(struct hostos_sync *s, const void *object)
{
	for (struct hostos_ethread *e = s ? s->threads : NULL; e; e = e->next)
		if ((const void *)e == object)
			return e;
	return NULL;
}

static void unref(struct hostos_ethread *e)
{
	struct hostos_sync *s = e->s;

	if (--e->refs > 0)
		return;
	for (struct hostos_ethread **p = &s->threads; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			break;
		}
	free(e);
}

static void system_thread(void *arg)
{
	struct hostos_ethread *e = arg;
	struct hostos_thread *t = e->t;

	if (!setjmp(e->exit))
		e->start(e->context);
	if (t->n_mutex && (t->os->cfg.verifier & HOSTOS_VERIFY_DEADLOCK))
		hostos_bugcheck(t, 0xC4, 0x100A, (uint64_t)(uintptr_t)t, 0, 0,
				"system thread \"%s\" ended owning %u mutex(es)", t->name, t->n_mutex);
	e->ended = true;
	e->Header.SignalState = 1;
	hostos_sync_wake(t->os);
	unref(e); /* the running thread's own reference */
}

NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
			      POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
			      PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
	struct hostos_thread *t = hostos_self("PsCreateSystemThread");
	struct hostos_sync *s = hostos_sync_of(t);
	struct hostos *os = t->os;
	struct hostos_ethread *e;

	(void)DesiredAccess;
	(void)ObjectAttributes;
	(void)ProcessHandle;
	hostos_sched_point(t);
	if (!ThreadHandle || !StartRoutine)
		return STATUS_INVALID_PARAMETER;
	e = calloc(1, sizeof(*e));
	if (!e)
		return STATUS_INSUFFICIENT_RESOURCES;
	e->Header.Type = HOSTOS_OBJ_THREAD;
	e->Header.WaitListHead.Flink = e->Header.WaitListHead.Blink = &e->Header.WaitListHead;
	e->magic = ETHREAD_MAGIC;
	e->refs = 2;
	e->handle_open = true;
	e->start = StartRoutine;
	e->context = StartContext;
	e->s = s;
	if (hostos_thread_start(os, "system", system_thread, e, (t->cpu->index + 1) % os->cfg.cpus,
				&e->t) != SIM_OK) {
		free(e);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	e->next = s->threads;
	s->threads = e;
	*ThreadHandle = e;
	if (ClientId) {
		ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)4; /* the System process */
		ClientId->UniqueThread = e;
	}
	return STATUS_SUCCESS;
}

NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
	struct hostos_thread *t = hostos_self("PsTerminateSystemThread");
	struct hostos_ethread *e;

	for (e = t->os->sync ? t->os->sync->threads : NULL; e && e->t != t; e = e->next)
		;
	/* Only a system thread, from its own context, may end itself. */
	if (!e || e->ended || t->frame != &t->base)
		return STATUS_INVALID_PARAMETER;
	e->exit_status = ExitStatus;
	longjmp(e->exit, 1);
}

NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
				   POBJECT_TYPE ObjectType, KPROCESSOR_MODE AccessMode,
				   PVOID *Object, POBJECT_HANDLE_INFORMATION HandleInformation)
{
	struct hostos_thread *t = hostos_self("ObReferenceObjectByHandle");
	struct hostos_ethread *e = find(t->os->sync, Handle);

	(void)AccessMode;
	hostos_sched_point(t);
	if (!e && hostos_reg_close(t->os, Handle))
		return STATUS_SUCCESS;
	if (!e || !e->handle_open)
		return STATUS_INVALID_HANDLE;
	if (ObjectType && ObjectType != *PsThreadType)
		return STATUS_OBJECT_TYPE_MISMATCH;
	e->refs++;
	*Object = e;
	if (HandleInformation) {
		HandleInformation->HandleAttributes = OBJ_KERNEL_HANDLE;
		HandleInformation->GrantedAccess = DesiredAccess;
	}
	return STATUS_SUCCESS;
}

LONG_PTR ObfReferenceObject(PVOID Object)
{
	struct hostos_ethread *e = find(hostos_self("ObReferenceObject")->os->sync, Object);

	return e ? ++e->refs : 1;
}

LONG_PTR ObfDereferenceObject(PVOID Object)
{
	struct hostos_ethread *e = find(hostos_self("ObDereferenceObject")->os->sync, Object);
	LONG left;

	if (!e)
		return 0;
	left = e->refs - 1;
	unref(e);
	return left;
}

NTSTATUS ZwClose(HANDLE Handle)
{
	struct hostos_thread *t = hostos_self("ZwClose");
	struct hostos_ethread *e = find(t->os->sync, Handle);

	hostos_sched_point(t);
	if (!e && hostos_reg_close(t->os, Handle))
		return STATUS_SUCCESS;
	if (!e || !e->handle_open)
		return STATUS_INVALID_HANDLE;
	e->handle_open = false;
	unref(e);
	return STATUS_SUCCESS;
}

/* ---- the unload sweep (hostos/sweep.h): system threads still running ---- */

void hostos_systhread_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	for (const struct hostos_ethread *e = os->sync ? os->sync->threads : NULL; e; e = e->next)
		if (!e->ended)
			hostos_sweep_add(sw, HOSTOS_LEFT_THREAD, (uint64_t)(uintptr_t)e, 0xCE,
					 (uint64_t)(uintptr_t)e, 0, (uint64_t)(uintptr_t)e->start, 0,
					 "system thread 0x%llx (start routine %p) still running",
					 (unsigned long long)(uintptr_t)e, (void *)(uintptr_t)e->start);
}
