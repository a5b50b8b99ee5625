/*
 * hostos/sync-internal.h - what the files of timers, events, waits,
 * mutexes, time, work items and system threads share (hostos/wait.c owns
 * the state). Not installed. Unlike hostos/os-internal.h it uses Windows
 * types: every file that includes it implements Windows routines.
 *
 * Dispatcher objects keep their signal state where Windows keeps it
 * (DISPATCHER_HEADER.SignalState; Header.Type tells the kind). Who waits
 * is the OS's own side state: one record per host OS thread (struct
 * hostos_waiter), queued in FIFO order while it blocks. Whoever makes an
 * object signalled calls hostos_sync_wake(), which satisfies waits in that
 * order on the waiters' behalf, side effects included (an auto-reset, a
 * mutex ownership), as Windows does.
 */
#ifndef PCISIM_HOSTOS_SYNC_INTERNAL_H
#define PCISIM_HOSTOS_SYNC_INTERNAL_H

#include <wdm.h>

#include "hostos/os-internal.h"

/* DISPATCHER_HEADER.Type values (the KOBJECTS numbering of ReactOS). */
#define HOSTOS_OBJ_EVENT_NOTIFY 0
#define HOSTOS_OBJ_EVENT_SYNC 1
#define HOSTOS_OBJ_MUTANT 2
#define HOSTOS_OBJ_SEMAPHORE 5
#define HOSTOS_OBJ_THREAD 6
#define HOSTOS_OBJ_TIMER_NOTIFY 8
#define HOSTOS_OBJ_TIMER_SYNC 9

/* 100 ns, the unit of Windows times, in simulated picoseconds. */
#define HOSTOS_100NS SIM_NS(100)
/* System time at boot (simulated time 0): 2024-01-01 00:00:00 UTC in
 * 100 ns units since 1601-01-01. */
#define HOSTOS_BOOT_SYSTEM_TIME 133485408000000000ULL

/* One host OS thread's wait state. */
struct hostos_waiter {
	struct hostos_thread *t;
	struct hostos_sync *s;
	struct sim_event wake;           /* the wait ended (satisfied, timeout, deadlock) */
	struct sim_event timeout;        /* its timeout, when it has one */
	bool waiting;                    /* queued in s->waiters */
	bool timed_out, deadlock, forever;
	PVOID objects[MAXIMUM_WAIT_OBJECTS];
	unsigned count;
	WAIT_TYPE type;
	int result;                      /* index that satisfied a WaitAny */
	bool wait_next;                  /* KeSetEvent(Wait = TRUE) raised... */
	KIRQL wait_irql;                 /* ...from this IRQL */
	/* the CPU's strict raise record, the thread's own while it blocks */
	uint8_t raised[HOSTOS_RAISE_DEPTH];
	unsigned n_raised;
	struct hostos_waiter *prev, *next; /* in s->waiters while waiting */
	struct hostos_waiter *all_next;  /* every record, for destruction */
};

struct hostos_armed {                    /* an armed timer */
	PKTIMER timer;
	sim_time_t due_ps, period_ps;
	PKDPC dpc;
};

struct hostos_ethread;                   /* hostos/systhread.c */

struct hostos_sync {
	struct hostos *os;
	/* waits (wait.c) */
	struct hostos_waiter *head, *tail;
	struct hostos_waiter *all;
	unsigned n_forever;              /* blocked waits without a timeout */
	struct sim_event probe;          /* the deadlock probe */
	/* timers (timer.c) */
	struct hostos_armed *armed;
	unsigned n_armed, cap_armed;
	struct sim_event tick;
	bool ticking;
	KDPC expire_dpc;                 /* the clock's DPC: expires timers */
	struct hostos_armed *expiring;   /* what one expiration collected */
	unsigned cap_expiring;
	/* work items (workitem.c) */
	struct _IO_WORKITEM *wq_head, *wq_tail;
	struct _IO_WORKITEM *allocated;  /* IoAllocateWorkItem's, not freed yet */
	struct sim_event work;           /* queued: the worker looks */
	struct hostos_thread *worker;
	/* thread objects (systhread.c) */
	struct hostos_ethread *threads;
};

/* ---- wait.c ---- */

/* The instance's state, created on first use (a bug check if the host is
 * out of memory). */
struct hostos_sync *hostos_sync_of(struct hostos_thread *t);
struct hostos_waiter *hostos_waiter_of(struct hostos_thread *t);

/* Something became signalled: satisfy the waits that now can be. */
void hostos_sync_wake(struct hostos *os);

/* KeWait* for @count objects (0: a delay) with the §1.5 IRQL rules. */
NTSTATUS hostos_wait(struct hostos_thread *t, ULONG count, PVOID *objects, WAIT_TYPE type,
		     PLARGE_INTEGER timeout, const char *routine);

/* ---- mutex.c ---- */

/* The thread @t became the owner of the mutex or fast mutex at @addr
 * (its lock-table index @li); and gave it up. */
void hostos_mutex_owned(struct hostos_thread *t, uint32_t li);
void hostos_mutex_dropped(struct hostos_thread *t, uint32_t li);

/* ---- time.c ---- */

/* A Windows due time (100 ns units: negative relative, positive absolute
 * system time) as an absolute simulated time; capped at half the range
 * of sim_time_t (about 106 days). */
sim_time_t hostos_due_ps(struct hostos *os, LONGLONG due);

/* System time now, exact; and as of the last clock tick. */
ULONGLONG hostos_system_time(struct hostos *os, bool precise);

/* The clock tick, in simulated time. */
static inline sim_time_t hostos_tick_ps(const struct hostos *os)
{
	return (sim_time_t)os->cfg.time_increment * HOSTOS_100NS;
}

/* ---- timer.c, workitem.c, systhread.c: their part of destruction ---- */

void hostos_timers_destroy(struct hostos_sync *s);
void hostos_workitems_destroy(struct hostos_sync *s);
void hostos_systhreads_destroy(struct hostos_sync *s);
void hostos_timers_init(struct hostos_sync *s);

#endif /* PCISIM_HOSTOS_SYNC_INTERNAL_H */
