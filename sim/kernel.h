/*
 * sim/kernel.h - the discrete-event kernel: events, processes, delta cycles
 * and run control, with the semantics of IEEE 1666 (SystemC) in C.
 *
 * One struct sim_kernel owns simulated time, a timed queue ordered by (time,
 * scheduling sequence), the delta-notification list, the runnable queue and
 * the update requests. Objects that take part (events, processes, signals)
 * are embedded by their owners: the kernel never allocates per schedule.
 *
 * The scheduler loop follows IEEE 1666-2011 section 4.2.1:
 *   evaluate  - run every runnable process and every triggered event
 *               callback, in the order they became runnable (FIFO);
 *               immediate notifications make processes runnable in this
 *               same phase;
 *   update    - run the update requests (signals commit their new value);
 *   delta     - trigger the delta notifications; if anything became
 *               runnable, start the next delta cycle at the same time;
 *   timed     - otherwise advance time to the earliest timed notification
 *               and trigger every notification due at that time, in the
 *               order they were scheduled.
 *
 * Threading: a kernel and everything attached to it belong to one host
 * thread. Several kernels may live in one host process. Struct fields marked
 * private are for sim/ only.
 */
#ifndef PCISIM_SIM_KERNEL_H
#define PCISIM_SIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/time.h"

struct sim_kernel;
struct sim_proc;
struct sim_event;

/* ------------------------------------------------------------------------
 * Reports
 * ------------------------------------------------------------------------ */

/** Severity of a kernel report. */
enum sim_severity {
	SIM_SEV_INFO = 0,
	SIM_SEV_WARNING = 1,
	SIM_SEV_ERROR = 2,
};

/**
 * typedef sim_report_fn - receives the kernel's reports.
 * @opaque: the pointer given with the function in the config.
 * @sev: severity.
 * @now_ps: simulated time of the report.
 * @msg: the text, without a trailing newline; valid during the call only.
 */
typedef void (*sim_report_fn)(void *opaque, enum sim_severity sev, sim_time_t now_ps,
			      const char *msg);

/* ------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------ */

/**
 * typedef sim_event_fn - callback of an event, run in the evaluate phase of
 * the delta cycle in which the event triggers.
 * @k: the kernel.
 * @opaque: the pointer given to sim_event_init().
 */
typedef void (*sim_event_fn)(struct sim_kernel *k, void *opaque);

/* Pointers kept in insertion order (private): inline while there is one,
 * else an array whose capacity is the next power of two at or above the
 * count (the count lives in the owner, so the union costs 8 bytes). */
union sim_ptrs {
	void *one;
	void **many;
};

/* A dynamic wait of one process on one event (private). */
struct sim_waiter {
	struct sim_waiter *prev, *next;
	struct sim_proc *proc;
	struct sim_event *ev;
};

/**
 * struct sim_event - something that can be notified, embedded in its owner.
 *
 * An event may carry a callback (a timer, in the raw layer) and may have
 * processes sensitive to it (statically with sim_sensitive(), dynamically by
 * waiting on it). When it triggers, its callback runs and those processes
 * become runnable. Initialise with sim_event_init(). Before its memory goes
 * away, an event is released with sim_event_destroy(), or its kernel is
 * destroyed first (sim_kernel_destroy() drops every reference the kernel and
 * its processes hold, and with them what the event's sensitivity list used).
 */
struct sim_event {
	/* private; what a trigger reads comes first, to share a cache line */
	sim_time_t when_ps;         /* time of the pending notification */
	uint64_t seq;               /* sequence of the pending queue entry */
	uint8_t pending;            /* SIM_EV_NONE, SIM_EV_DELTA, SIM_EV_TIMED */
	uint8_t queued;             /* callback already in the runnable queue */
	uint32_t nsens;             /* entries in sens */
	union sim_ptrs sens;        /* statically sensitive processes */
	sim_event_fn fn;
	struct sim_waiter *waiters; /* processes waiting dynamically; head->prev is the tail */
	struct sim_kernel *k;
	uint32_t refs;              /* queue entries (live or stale) naming this event */
	uint32_t id;                /* stable id in creation order, for reports */
	void *opaque;
	const char *name;
};

/**
 * sim_event_init() - prepare an event.
 * @k: kernel it belongs to.
 * @ev: the event (storage owned by the caller).
 * @name: a stable name for reports and traces, or NULL; the string must
 *        outlive the event.
 * @fn: callback when it triggers, or NULL for a pure notification event.
 * @opaque: passed to @fn.
 */
void sim_event_init(struct sim_kernel *k, struct sim_event *ev, const char *name, sim_event_fn fn,
		    void *opaque);

/**
 * sim_event_destroy() - cancel any pending notification and drop the
 * event's sensitivity lists. Processes still waiting on it dynamically stop
 * waiting on it (they keep waiting on their other events, if any).
 */
void sim_event_destroy(struct sim_event *ev);

/* --- the raw layer: a timer that moves unconditionally ------------------ */

/**
 * sim_event_schedule() - (re)schedule @ev to trigger @delay_ps from now.
 *
 * Any pending notification is removed first; the event gets a new sequence
 * number, so among events due at the same time it now runs after those
 * already scheduled. A @delay_ps of 0 means the next delta cycle.
 *
 * Return: 0, or SIM_ERR_OVERFLOW if now + @delay_ps reaches SIM_TIME_MAX
 * (nothing changes: a pending notification stays as it was).
 */
int sim_event_schedule(struct sim_event *ev, sim_time_t delay_ps);

/**
 * sim_event_schedule_at() - (re)schedule @ev at absolute time @when_ps.
 *
 * As sim_event_schedule(); @when_ps equal to now means the next delta cycle.
 * Return: 0, SIM_ERR_INVALID if @when_ps is in the past, SIM_ERR_OVERFLOW if
 * it is SIM_TIME_MAX (which stands for "never").
 */
int sim_event_schedule_at(struct sim_event *ev, sim_time_t when_ps);

/**
 * sim_event_cancel() - remove the pending notification of @ev, if any.
 * Return: true if a notification was pending.
 */
bool sim_event_cancel(struct sim_event *ev);

/** sim_event_pending() - true while a delta or timed notification is pending. */
static inline bool sim_event_pending(const struct sim_event *ev)
{
	return ev->pending != 0;
}

/**
 * sim_event_when() - the time of the pending notification.
 * Return: the time in ps; SIM_TIME_MAX when nothing is pending.
 */
sim_time_t sim_event_when(const struct sim_event *ev);

/* --- IEEE 1666 notification --------------------------------------------- */

/**
 * sim_notify() - IEEE 1666 sc_event::notify(t) for t >= 0.
 *
 * A @delay_ps of 0 is a delta notification, otherwise a timed one. An event
 * has at most one pending notification: when one is already pending, the
 * earlier of the two survives (a delta notification is earlier than any
 * timed one); an equal time keeps the existing one and its sequence number.
 *
 * Return: 0, or SIM_ERR_OVERFLOW (nothing changes).
 */
int sim_notify(struct sim_event *ev, sim_time_t delay_ps);

/**
 * sim_notify_immediate() - IEEE 1666 sc_event::notify(): trigger @ev now.
 *
 * Cancels any pending delta or timed notification. Sensitive processes
 * become runnable in the current evaluate phase; the callback, if any, runs
 * in it too. Called outside a run (during elaboration), the triggered work
 * runs in the first evaluate phase of the next run.
 */
void sim_notify_immediate(struct sim_event *ev);

/* ------------------------------------------------------------------------
 * Processes: methods and threads
 * ------------------------------------------------------------------------ */

/** typedef sim_proc_fn - the body of a method or a thread. */
typedef void (*sim_proc_fn)(void *opaque);

/** Flags for sim_method_init() and sim_thread_init(). */
enum sim_proc_flags {
	/** Do not run the process at initialisation (SystemC dont_initialize()). */
	SIM_PROC_DONT_INITIALIZE = 1u << 0,
	/**
	 * Threads only: keep a floating-point environment of its own (SSE
	 * MXCSR and x87 control word: rounding mode, exception masks) across
	 * switches, as an OS thread would, starting from the creator's. By
	 * default all processes of a kernel share the host thread's, and a
	 * process that changes it restores it before it waits: saving it
	 * costs about 10 ns per switch, several times the rest of a switch.
	 * (The ucontext backend of other targets always keeps one per
	 * thread.)
	 */
	SIM_PROC_OWN_FP_ENV = 1u << 1,
};

/** Process states, as sim_proc_state() reports them. */
enum sim_proc_state {
	SIM_PROC_READY = 0,      /**< created, not yet run */
	SIM_PROC_RUNNABLE = 1,   /**< in the runnable queue */
	SIM_PROC_RUNNING = 2,    /**< executing now */
	SIM_PROC_WAITING = 3,    /**< waiting for a trigger (static or dynamic) */
	SIM_PROC_TERMINATED = 4, /**< a thread that returned */
	SIM_PROC_KILLED = 5,     /**< killed; never runs again unless reset */
};

struct sim_thread_ctx; /* private: stack and saved context of a thread */
struct sim_dynwait;    /* private: dynamic sensitivity bookkeeping */

/**
 * struct sim_proc - a method (run to completion, like SC_METHOD) or a thread
 * (a coroutine with its own stack, like SC_THREAD). Embedded by its owner.
 */
struct sim_proc {
	/* private; what a trigger and a run read comes first */
	uint8_t state;               /* enum sim_proc_state */
	uint8_t flags;               /* enum sim_proc_flags, and private bits 0x40, 0x80 */
	uint16_t nsens;              /* entries in sens (a process may watch 65535 events) */
	uint32_t id;
	struct sim_dynwait *dyn;     /* allocated on first dynamic wait */
	struct sim_kernel *k;
	sim_proc_fn fn;
	void *opaque;
	void *context;               /* see sim_proc_set_context() */
	struct sim_thread_ctx *thr;  /* threads only */
	union sim_ptrs sens;         /* events this process is statically sensitive to */
	const char *name;
};

/**
 * sim_method_init() - create a method process.
 * @k: kernel.
 * @p: storage for the process, owned by the caller until sim_proc_destroy().
 * @name: stable name for reports (must outlive the process), or NULL.
 * @fn: body, called each time the method is triggered; it must return (it
 *      cannot wait) and may set its next trigger with sim_next_trigger*().
 * @opaque: passed to @fn.
 * @flags: enum sim_proc_flags.
 *
 * Unless SIM_PROC_DONT_INITIALIZE is given, the method runs once in the
 * first evaluate phase after creation.
 * Return: 0 or SIM_ERR_INVALID.
 */
int sim_method_init(struct sim_kernel *k, struct sim_proc *p, const char *name, sim_proc_fn fn,
		    void *opaque, unsigned flags);

/**
 * sim_thread_init() - create a thread process on a stack of its own.
 * @stack_bytes: usable stack size in bytes, 0 for the kernel's default; a
 *               guard page below it turns an overflow into a fault.
 *
 * Other arguments as sim_method_init(). @fn may wait (sim_wait_*()); when it
 * returns the thread is terminated.
 * Return: 0, SIM_ERR_INVALID, or SIM_ERR_NOMEM when no stack can be mapped.
 */
int sim_thread_init(struct sim_kernel *k, struct sim_proc *p, const char *name, sim_proc_fn fn,
		    void *opaque, size_t stack_bytes, unsigned flags);

/**
 * sim_proc_destroy() - remove a process from the kernel and free its stack.
 * A thread that has not finished is killed first (its cleanup runs). A
 * process cannot destroy itself: that returns SIM_ERR_STATE.
 */
int sim_proc_destroy(struct sim_proc *p);

/**
 * sim_sensitive() - make @p statically sensitive to @ev (SystemC
 * `sensitive << ev`). Allowed at any time; duplicates are ignored.
 * Return: 0, SIM_ERR_INVALID (different kernels), SIM_ERR_NOMEM.
 */
int sim_sensitive(struct sim_proc *p, struct sim_event *ev);

/** typedef sim_cleanup_fn - run on the scheduler's stack when a thread is killed. */
typedef void (*sim_cleanup_fn)(struct sim_proc *p, void *opaque);

/**
 * sim_thread_set_cleanup() - set the function to run when @p is killed
 * (not when it returns normally). It runs on the scheduler's stack, never on
 * the thread's. Return: 0, or SIM_ERR_INVALID for a method.
 */
int sim_thread_set_cleanup(struct sim_proc *p, sim_cleanup_fn fn, void *opaque);

/**
 * sim_proc_kill() - kill a process (SystemC kill()).
 *
 * A killed process is never resumed. Its dynamic waits and pending
 * runnable entry are removed; a thread's cleanup function runs. When a
 * thread kills itself, the call does not return.
 * Return: 0, or SIM_ERR_STATE if it was already terminated or killed.
 */
int sim_proc_kill(struct sim_proc *p);

/**
 * sim_proc_reset() - kill, then start again from the top of its body as at
 * creation (runnable in the next evaluate phase). A thread gets a fresh
 * context on the same stack. A thread resetting itself does not return.
 * Return: 0 or SIM_ERR_INVALID.
 */
int sim_proc_reset(struct sim_proc *p);

/** sim_proc_state() - the current state, enum sim_proc_state. */
static inline enum sim_proc_state sim_proc_state(const struct sim_proc *p)
{
	return (enum sim_proc_state)p->state;
}

/** sim_proc_name() - the name given at creation, or "" */
static inline const char *sim_proc_name(const struct sim_proc *p)
{
	return p->name ? p->name : "";
}

/**
 * sim_current_proc() - the process running now, or NULL outside any process
 * (elaboration, event callbacks).
 */
struct sim_proc *sim_current_proc(const struct sim_kernel *k);

/**
 * sim_proc_set_context() - attach a pointer that the kernel publishes in the
 * thread-local sim_context_current() whenever @p runs (a method is called or
 * a thread resumed); NULL when control is back in the scheduler. Upper layers
 * use it as the "current machine and CPU" of driver code.
 */
void sim_proc_set_context(struct sim_proc *p, void *context);

/** sim_context_current() - the context of the process running on this host thread. */
void *sim_context_current(void);

/* --- waiting (threads) ---------------------------------------------------
 * Each returns SIM_ERR_STATE when not called from a running thread of this
 * kernel (e.g. from a method or a callback), and SIM_ERR_OVERFLOW when the
 * timeout would pass SIM_TIME_MAX. */

/** sim_wait() - wait for any event of the static sensitivity list. Return: 0. */
int sim_wait(struct sim_kernel *k);

/**
 * sim_wait_time() - wait for @delay_ps. A delay of 0 waits one delta cycle.
 * Return: 0.
 */
int sim_wait_time(struct sim_kernel *k, sim_time_t delay_ps);

/** sim_wait_event() - wait until @ev triggers. Return: 0. */
int sim_wait_event(struct sim_kernel *k, struct sim_event *ev);

/**
 * sim_wait_event_timeout() - wait until @ev triggers or @timeout_ps passes.
 * Return: 1 if @ev triggered, 0 on timeout (when both happen in the same
 * delta, the event wins), or a negative error.
 */
int sim_wait_event_timeout(struct sim_kernel *k, struct sim_event *ev, sim_time_t timeout_ps);

/**
 * sim_wait_any() - wait until any of @n events triggers (SystemC e1 | e2).
 * @evs: the events; the array may go away once the call returns.
 * Return: the index in @evs of the event that woke the thread (the first
 * one triggered), or a negative error (@n == 0 is SIM_ERR_INVALID).
 */
int sim_wait_any(struct sim_kernel *k, struct sim_event *const *evs, unsigned n);

/**
 * sim_wait_any_timeout() - as sim_wait_any(), or until @timeout_ps passes.
 * Return: index of the event, @n on timeout, or a negative error.
 */
int sim_wait_any_timeout(struct sim_kernel *k, struct sim_event *const *evs, unsigned n,
			 sim_time_t timeout_ps);

/* --- dynamic sensitivity of methods (SystemC next_trigger) --------------
 * Valid only from the running method; the next trigger replaces the static
 * sensitivity for one activation. Same errors as the wait functions. */

/** sim_next_trigger_event() - run the method again when @ev triggers. */
int sim_next_trigger_event(struct sim_kernel *k, struct sim_event *ev);
/** sim_next_trigger_time() - run the method again after @delay_ps. */
int sim_next_trigger_time(struct sim_kernel *k, sim_time_t delay_ps);
/** sim_next_trigger_any() - run the method again when any of @evs triggers. */
int sim_next_trigger_any(struct sim_kernel *k, struct sim_event *const *evs, unsigned n);

/* ------------------------------------------------------------------------
 * Update requests (primitive channels)
 * ------------------------------------------------------------------------ */

/** typedef sim_update_fn - called once in the update phase after a request. */
typedef void (*sim_update_fn)(struct sim_kernel *k, void *opaque);

/** struct sim_update - an update request slot, embedded in a channel. */
struct sim_update {
	/* private */
	struct sim_update *next;
	sim_update_fn fn;
	void *opaque;
	uint8_t requested;
};

/** sim_update_init() - prepare an update slot calling @fn(@opaque). */
void sim_update_init(struct sim_update *u, sim_update_fn fn, void *opaque);

/**
 * sim_request_update() - ask for @u's function to run in the coming update
 * phase (once, however many times it is requested in a delta cycle).
 * Update functions run in the order they were first requested.
 */
void sim_request_update(struct sim_kernel *k, struct sim_update *u);

/* ------------------------------------------------------------------------
 * The kernel and run control
 * ------------------------------------------------------------------------ */

/** Configuration of a kernel; start from sim_kernel_config_default(). */
struct sim_kernel_config {
	uint64_t seed;              /**< root of every random stream (sim/random.h) */
	uint64_t max_deltas;        /**< runaway guard: delta cycles allowed at one time */
	size_t thread_stack_bytes;  /**< default thread stack, bytes */
	sim_report_fn report;       /**< NULL: print warnings and errors to stderr */
	void *report_opaque;
};

/**
 * sim_kernel_config_default() - seed 1, 1,000,000 deltas per time step,
 * 256 KiB thread stacks, reports to stderr.
 */
void sim_kernel_config_default(struct sim_kernel_config *cfg);

/** Why a run returned. */
enum sim_stop_reason {
	SIM_STOP_FINISHED = 0,  /**< nothing left to do (starvation) */
	SIM_STOP_TIME = 1,      /**< the requested end time was reached */
	SIM_STOP_REQUESTED = 2, /**< sim_stop() was called */
	SIM_STOP_CONDITION = 3, /**< sim_run_while()'s condition became false */
	SIM_STOP_STEP = 4,      /**< a single step completed */
	SIM_STOP_ERROR = 5,     /**< sim_halt(), or a kernel error such as runaway deltas */
};

/** sim_stop_reason_name() - "finished", "time", ... for reports. */
const char *sim_stop_reason_name(enum sim_stop_reason r);

/** Counters since sim_kernel_init(). */
struct sim_stats {
	uint64_t events_triggered;  /**< notifications that triggered (any kind) */
	uint64_t callbacks_run;     /**< event callbacks run */
	uint64_t methods_run;       /**< method activations */
	uint64_t threads_resumed;   /**< thread resumptions (context switches in) */
	uint64_t deltas;            /**< delta cycles completed */
	uint64_t time_steps;        /**< times simulated time advanced */
	uint64_t wall_ns;           /**< host time spent inside runs, ns */
};

struct sim_tq;          /* private */
struct sim_delta_entry; /* private */
struct sim_coro;       /* private */

/**
 * struct sim_kernel - the simulation context. Initialise with
 * sim_kernel_init(), release with sim_kernel_destroy().
 */
struct sim_kernel {
	/* read-only */
	sim_time_t now_ps;
	struct sim_stats stats;
	struct sim_kernel_config cfg;
	/* private */
	struct sim_tq *tq;           /* timed queue: radix heap on time, then seq */
	uint64_t tq_nonempty;        /* bit b-1 set while bucket b has entries */
	sim_time_t tq_last;          /* the radix base: no queued time is earlier */
	uint32_t tq_b0_pos;          /* next entry of bucket 0 (due at tq_last) */
	uint32_t tq_len;             /* entries queued, stale ones included */
	uint32_t tq_stale;           /* entries whose event moved or was cancelled */
	uint64_t next_seq;
	struct sim_delta_entry *delta; /* delta notifications, in order */
	uint32_t delta_len, delta_cap;
	uint32_t delta_live;         /* entries of delta[] still pending */
	uintptr_t *runq;             /* ring of tagged pointers: bit 0 set = process */
	uint32_t runq_head, runq_tail, runq_cap;
	struct sim_update *upd_head, **upd_tail;
	struct sim_proc *current;
	struct sim_coro *sched_coro; /* the scheduler's own context */
	uint64_t deltas_this_time;
	uint32_t next_event_id, next_proc_id;
	uint8_t in_run, stop_req, halted;
	uint8_t initialized;         /* the initialization phase has run */
	uint8_t run_mode;            /* how the current run stops (kernel.c) */
	uint8_t attn;                /* stop_req, halted or zombies: look after the process */
	int halt_code;
	sim_time_t halt_time_ps;
	struct sim_proc *runaway_proc;
	struct sim_proc **procs;      /* every live process, in creation order */
	uint32_t nprocs, capprocs;
	struct sim_proc **zombies;    /* killed threads whose stacks await release */
	uint32_t nzombies, capzombies;
	char last_error[256];
};

/**
 * sim_kernel_init() - set up a kernel at time 0.
 * @cfg: configuration, copied; NULL for sim_kernel_config_default().
 * Return: 0, SIM_ERR_NOMEM or SIM_ERR_INVALID (a zero max_deltas).
 */
int sim_kernel_init(struct sim_kernel *k, const struct sim_kernel_config *cfg);

/**
 * sim_kernel_destroy() - release the kernel. Threads still alive are killed
 * (their cleanups run) and their stacks freed; events and signals are
 * forgotten and need no destroy afterwards (calling one then is an error).
 * Must not be called from inside a run.
 */
void sim_kernel_destroy(struct sim_kernel *k);

/** sim_now() - the current simulated time in ps. */
static inline sim_time_t sim_now(const struct sim_kernel *k)
{
	return k->now_ps;
}

/** sim_kernel_stats() - counters since init (wall_ns covers finished runs). */
static inline const struct sim_stats *sim_kernel_stats(const struct sim_kernel *k)
{
	return &k->stats;
}

/** sim_kernel_last_error() - text of the most recent error, "" if none. */
const char *sim_kernel_last_error(const struct sim_kernel *k);

/**
 * sim_report() - emit a report through the configured function. Errors are
 * also kept as the kernel's last error. printf-style.
 */
void sim_report(struct sim_kernel *k, enum sim_severity sev, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/**
 * sim_run() - run until nothing is left to do, sim_stop() or an error.
 * Not re-entrant: from inside a run it returns SIM_STOP_ERROR at once.
 */
enum sim_stop_reason sim_run(struct sim_kernel *k);

/**
 * sim_run_until() - run every delta cycle at times up to and including
 * @end_ps, then set the time to @end_ps (SystemC sc_start(t) with
 * SC_RUN_TO_TIME). Notifications due later stay pending.
 * Return: SIM_STOP_TIME, or an earlier reason.
 */
enum sim_stop_reason sim_run_until(struct sim_kernel *k, sim_time_t end_ps);

/** typedef sim_cond_fn - a run condition; true to go on. */
typedef bool (*sim_cond_fn)(struct sim_kernel *k, void *opaque);

/**
 * sim_run_while() - run while @cond returns true; it is checked before the
 * first delta cycle and after each one.
 * Return: SIM_STOP_CONDITION when it returned false, or another reason.
 */
enum sim_stop_reason sim_run_while(struct sim_kernel *k, sim_cond_fn cond, void *opaque);

/**
 * sim_step_delta() - run one delta cycle (advancing time first when no
 * delta is due). Return: SIM_STOP_STEP, or SIM_STOP_FINISHED if there was
 * nothing to do, or an earlier reason.
 */
enum sim_stop_reason sim_step_delta(struct sim_kernel *k);

/**
 * sim_step_time() - run every delta cycle of the next time step: the
 * current time if work is due now, else the earliest pending time.
 * Return: as sim_step_delta().
 */
enum sim_stop_reason sim_step_time(struct sim_kernel *k);

/**
 * sim_stop() - ask the run to return with SIM_STOP_REQUESTED once the
 * current process or callback yields. The rest of the current evaluate phase
 * stays queued and runs in the next run: nothing is lost.
 */
void sim_stop(struct sim_kernel *k);

/**
 * sim_halt() - stop with an error (the host OS's bug check path).
 * @code: a caller-defined code, reported by sim_kernel_halt_code().
 *
 * The run returns SIM_STOP_ERROR and every later run returns it at once.
 * Called from a thread, that thread is killed on the spot (its cleanup
 * runs on the scheduler's stack) and the call does not return; called from
 * a method or callback, the run returns when it returns.
 */
void sim_halt(struct sim_kernel *k, int code);

/** sim_kernel_halted() - true after sim_halt() or a kernel error stopped it. */
static inline bool sim_kernel_halted(const struct sim_kernel *k)
{
	return k->halted != 0;
}

/** sim_kernel_halt_code() - the code given to sim_halt(), or a SIM_ERR_* of the kernel. */
static inline int sim_kernel_halt_code(const struct sim_kernel *k)
{
	return k->halt_code;
}

/**
 * sim_next_activity_time() - the time at which something is due: now when
 * runnable or delta work is pending, else the earliest timed notification;
 * SIM_TIME_MAX when nothing is pending.
 */
sim_time_t sim_next_activity_time(struct sim_kernel *k);

/**
 * sim_event_due_alone() - true when @ev's notification for the next delta
 * cycle is the only thing due at the current time: no runnable process or
 * callback, no pending update, no other delta notification, no timed
 * notification at this time. Its owner may then cancel it and do at once
 * what its callback would do, for the callback would run alone and see the
 * same kernel (dma/ does, for a transfer restarted from its completion
 * callback). False for NULL, a timed or no notification.
 */
bool sim_event_due_alone(const struct sim_event *ev);

#endif /* PCISIM_SIM_KERNEL_H */
