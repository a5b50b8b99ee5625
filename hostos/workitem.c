/*
 * hostos/workitem.c - I/O work items (spec §5.5).
 *
 * One system worker thread serves every queue type (Critical, Delayed,
 * HyperCritical, ...): a host OS thread named "worker", started by the OS
 * at the first IoQueueWorkItem, on the last CPU (CPU 0 with one CPU), so
 * that on a multi-CPU machine it does not compete with a scenario on CPU
 * 0. Items run in FIFO order at PASSIVE_LEVEL in a work-item context
 * (HOSTOS_CTX_WORK_ITEM), each dequeued before its routine is called (so
 * the routine may queue or free its item). The worker blocks while the
 * queue is empty, its CPU free for others.
 *
 * Checks (bug check codes as the spec gives them):
 *   0xE4 WORKER_INVALID P1=1  queued while queued (P2 item, P3 queue type)
 *   0xE4 P1=2                 IoFreeWorkItem of a queued item (P2 item,
 *                             P3 its routine)
 *   0xE4 P1=0                 IoUninitializeWorkItem of a queued item (P2
 *                             item, P3/P4 the item's memory range)
 *   0xE4 P1=3                 allocated/initialised with a NULL object (P2
 *                             the object, P3 the item)
 *   0xE4 P1=7                 queued with a NULL routine (P2 item, P3 0)
 *   0x96 INVALID_WORK_QUEUE_ITEM  IoInitializeWorkItem over a queued item,
 *                             which wipes its queue entry (P1 item, P2 the
 *                             queue type, P4 its routine)
 *   0xE1 WORKER_THREAD_RETURNED_AT_BAD_IRQL  a routine returned at
 *                             DISPATCH_LEVEL or above (P1 routine, P2 IRQL,
 *                             P3 context, P4 item)
 *   0x1 APC_INDEX_MISMATCH    a routine returned owning a mutex (P1
 *                             routine, P3 KernelApcDisable, P4 = 1)
 */
#include "hostos/sync-internal.h"
#include "hostos/sweep-internal.h"

#include <stdlib.h>
#include <string.h>

#define WORKITEM_MAGIC 0x49574b49u /* "IKWI" */

/* Opaque to drivers; IoSizeofWorkItem() bytes for IoInitializeWorkItem. */
struct _IO_WORKITEM {
	uint32_t magic;
	bool allocated;           /* IoAllocateWorkItem's (freed by the OS) */
	bool queued;
	PVOID object;             /* the device (or driver) object */
	PIO_WORKITEM_ROUTINE routine;
	PVOID context;
	WORK_QUEUE_TYPE type;
	struct _IO_WORKITEM *next;        /* in the queue */
	struct _IO_WORKITEM *all_prev, *all_next; /* allocated ones */
};

void hostos_workitems_destroy(struct hostos_sync *s)
{
	/* What the driver never freed goes with the machine. */
	while (s->allocated) {
		struct _IO_WORKITEM *w = s->allocated;

		s->allocated = w->all_next;
		free(w);
	}
}

static bool in_queue(const struct hostos_sync *s, const struct _IO_WORKITEM *item)
{
	for (const struct _IO_WORKITEM *w = s ? s->wq_head : NULL; w; w = w->next)
		if (w == item)
			return true;
	return false;
}

/* ---- the worker ---- */

static void worker_main(void *arg)
{
	struct hostos_sync *s = arg;
	struct hostos_thread *t = hostos_self("worker");

	for (;;) {
		struct _IO_WORKITEM *item;
		PIO_WORKITEM_ROUTINE routine;
		PVOID object, context;
		struct hostos_frame f;

		while (!s->wq_head)
			hostos_block(t, &s->work);
		item = s->wq_head;
		s->wq_head = item->next;
		if (!s->wq_head)
			s->wq_tail = NULL;
		item->next = NULL;
		item->queued = false;
		/* Read before the call: the routine may free its item. */
		routine = item->routine;
		object = item->object;
		context = item->context;
		hostos_frame_enter(t, &f, HOSTOS_CTX_WORK_ITEM, (const void *)(uintptr_t)routine);
		routine(object, context);
		if (t->cpu->irql >= HOSTOS_DISPATCH)
			hostos_bugcheck(t, 0xE1, (uint64_t)(uintptr_t)routine, t->cpu->irql,
					(uint64_t)(uintptr_t)context, (uint64_t)(uintptr_t)item,
					"a work item routine returned at IRQL %u", t->cpu->irql);
		/* A mutex still owned leaves kernel APCs disabled: the
		 * worker's APC_INDEX_MISMATCH, P4 = 1 (a worker routine), P3
		 * the KernelApcDisable count (one per owned mutex here). */
		if (t->n_mutex)
			hostos_bugcheck(t, 0x1, (uint64_t)(uintptr_t)routine, 0,
					(uint16_t)-(int)t->n_mutex, 1,
					"a work item routine returned owning %u mutex(es)",
					t->n_mutex);
		hostos_frame_leave(t, &f);
		if (t->os->trace) {
			char name[96];
			const struct sim_ctrace_arg args[] = {
				SIM_CTRACE_ARG_STR("routine", name),
			};

			hostos_code_name((const void *)(uintptr_t)routine, name, sizeof(name));
			sim_ctrace_complete_args(t->os->trace, t->os->cpu_track[t->cpu->index],
						 "work item", f.start_ps,
						 sim_now(t->os->k) - f.start_ps, args, 1);
		}
		hostos_sched_point(t);
	}
}

/* ---- the routines ---- */

ULONG IoSizeofWorkItem(VOID)
{
	(void)hostos_self("IoSizeofWorkItem");
	return (ULONG)sizeof(struct _IO_WORKITEM);
}

static void init_item(struct hostos_thread *t, struct _IO_WORKITEM *item, PVOID object,
		      const char *routine)
{
	if (!object)
		hostos_bugcheck(t, 0xE4, 3, 0, (uint64_t)(uintptr_t)item, 0,
				"%s with a NULL device object", routine);
	memset(item, 0, sizeof(*item));
	item->magic = WORKITEM_MAGIC;
	item->object = object;
}

PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
	struct hostos_thread *t = hostos_self("IoAllocateWorkItem");
	struct hostos_sync *s = hostos_sync_of(t);
	struct _IO_WORKITEM *item;

	hostos_sched_point(t);
	if (!DeviceObject)
		hostos_bugcheck(t, 0xE4, 3, 0, 0, 0, "IoAllocateWorkItem with a NULL device object");
	item = malloc(sizeof(*item));
	if (!item)
		return NULL;
	init_item(t, item, DeviceObject, "IoAllocateWorkItem");
	item->allocated = true;
	item->all_next = s->allocated;
	if (s->allocated)
		s->allocated->all_prev = item;
	s->allocated = item;
	return item;
}

VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
	struct hostos_thread *t = hostos_self("IoInitializeWorkItem");

	if (in_queue(t->os->sync, IoWorkItem))
		hostos_bugcheck(t, 0x96, (uint64_t)(uintptr_t)IoWorkItem, IoWorkItem->type, 0,
				(uint64_t)(uintptr_t)IoWorkItem->routine,
				"IoInitializeWorkItem over a queued work item wipes its queue entry");
	init_item(t, IoWorkItem, IoObject, "IoInitializeWorkItem");
}

VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
	struct hostos_thread *t = hostos_self("IoUninitializeWorkItem");

	if (IoWorkItem->queued)
		hostos_bugcheck(t, 0xE4, 0, (uint64_t)(uintptr_t)IoWorkItem,
				(uint64_t)(uintptr_t)IoWorkItem,
				(uint64_t)(uintptr_t)IoWorkItem + sizeof(*IoWorkItem),
				"IoUninitializeWorkItem of a queued work item");
	IoWorkItem->magic = 0;
}

VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
		     WORK_QUEUE_TYPE QueueType, PVOID Context)
{
	struct hostos_thread *t = hostos_self("IoQueueWorkItem");
	struct hostos_sync *s = hostos_sync_of(t);
	struct hostos *os = t->os;

	if (IoWorkItem->magic != WORKITEM_MAGIC)
		hostos_bugcheck(t, 0xE4, 3, 0, (uint64_t)(uintptr_t)IoWorkItem, 0,
				"IoQueueWorkItem of a work item never allocated or initialised");
	if (IoWorkItem->queued)
		hostos_bugcheck(t, 0xE4, 1, (uint64_t)(uintptr_t)IoWorkItem, (uint64_t)QueueType, 0,
				"IoQueueWorkItem of a work item that is queued already");
	if (!WorkerRoutine)
		hostos_bugcheck(t, 0xE4, 7, (uint64_t)(uintptr_t)IoWorkItem, 0, 0,
				"IoQueueWorkItem with a NULL routine");
	IoWorkItem->routine = WorkerRoutine;
	IoWorkItem->context = Context;
	IoWorkItem->type = QueueType;
	IoWorkItem->queued = true;
	IoWorkItem->next = NULL;
	if (s->wq_tail)
		s->wq_tail->next = IoWorkItem;
	else
		s->wq_head = IoWorkItem;
	s->wq_tail = IoWorkItem;
	if (!s->worker &&
	    hostos_thread_start(os, "worker", worker_main, s, os->cfg.cpus - 1, &s->worker) != SIM_OK)
		hostos_bugcheck(t, 0xE4, 4, (uint64_t)(uintptr_t)IoWorkItem, 0, 0,
				"the host could not start the system worker thread");
	sim_notify(&s->work, 0);
	hostos_sched_point(t);
}

VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
	struct hostos_thread *t = hostos_self("IoFreeWorkItem");
	struct hostos_sync *s = t->os->sync;

	if (IoWorkItem->queued)
		hostos_bugcheck(t, 0xE4, 2, (uint64_t)(uintptr_t)IoWorkItem,
				(uint64_t)(uintptr_t)IoWorkItem->routine, 0,
				"IoFreeWorkItem of a queued work item");
	if (!IoWorkItem->allocated || !s) {
		/* Not IoAllocateWorkItem's: P1=3, an invalid object. */
		hostos_bugcheck(t, 0xE4, 3, 0, (uint64_t)(uintptr_t)IoWorkItem, 0,
				"IoFreeWorkItem of a work item IoAllocateWorkItem did not return");
	}
	if (IoWorkItem->all_prev)
		IoWorkItem->all_prev->all_next = IoWorkItem->all_next;
	else
		s->allocated = IoWorkItem->all_next;
	if (IoWorkItem->all_next)
		IoWorkItem->all_next->all_prev = IoWorkItem->all_prev;
	free(IoWorkItem);
	hostos_sched_point(t);
}

/* ---- the unload sweep (hostos/sweep.h): queued work items ---- */

void hostos_workitem_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	for (const struct _IO_WORKITEM *w = os->sync ? os->sync->wq_head : NULL; w; w = w->next)
		hostos_sweep_add(sw, HOSTOS_LEFT_WORK_ITEM, (uint64_t)(uintptr_t)w, 0xCE,
				 (uint64_t)(uintptr_t)w, 0, (uint64_t)(uintptr_t)w->routine, 0,
				 "work item 0x%llx (routine %p) still queued",
				 (unsigned long long)(uintptr_t)w, (void *)(uintptr_t)w->routine);
}
