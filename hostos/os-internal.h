/*
 * hostos/os-internal.h - the state the core's files share: CPUs, threads,
 * nested contexts, the spin lock table and the lock-order graph. Not
 * installed; nothing outside hostos/ includes it. Kept free of Windows
 * types so the core does not depend on the driver headers; the files that
 * implement Windows routines convert at their edge.
 */
#ifndef PCISIM_HOSTOS_OS_INTERNAL_H
#define PCISIM_HOSTOS_OS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostos/os.h"
#include "sim/kernel.h"
#include "sim/ctrace.h"
#include "sim/random.h"

/* IRQLs the core itself needs (x64 values, spec §1.1). */
#define HOSTOS_PASSIVE 0u
#define HOSTOS_APC 1u
#define HOSTOS_DISPATCH 2u
#define HOSTOS_SYNCH 12u
#define HOSTOS_HIGH 15u

#define HOSTOS_MAX_HELD 32u     /* spin locks one CPU may hold at once */
#define HOSTOS_RAISE_DEPTH 64u  /* raises remembered for the strict lower check */
#define HOSTOS_THREAD_MAGIC 0x686f7374u

/** What kind of code runs (spec §0.2). */
enum hostos_ctx_kind {
	HOSTOS_CTX_THREAD = 0,
	HOSTOS_CTX_DPC = 1,
	HOSTOS_CTX_ISR = 2,
	HOSTOS_CTX_TIMER_DPC = 3,
	HOSTOS_CTX_WORK_ITEM = 4,
	HOSTOS_CTX_IDLE = 5,
};

const char *hostos_ctx_name(enum hostos_ctx_kind kind);

/* One nested context on a thread's stack: the thread's own (PASSIVE), a
 * DPC it runs at a scheduling point, an ISR... */
struct hostos_frame {
	struct hostos_frame *outer;
	enum hostos_ctx_kind kind;
	uint8_t irql_entry;       /* the IRQL the callback was entered at */
	unsigned held_entry;      /* locks the CPU held then */
	const void *routine;      /* the callback, for reports */
	sim_time_t start_ps;
};

/* How a lock was taken (spec §2.1); the release must match. */
enum hostos_lock_api {
	HOSTOS_LOCK_RAISE = 1,    /* KeAcquireSpinLock(RaiseToDpc) */
	HOSTOS_LOCK_DPC = 2,      /* ...AtDpcLevel, KeTryToAcquire... */
	HOSTOS_LOCK_QUEUED = 3,   /* KeAcquireInStackQueuedSpinLock */
	HOSTOS_LOCK_QUEUED_DPC = 4,
	HOSTOS_LOCK_INTERRUPT = 5, /* an interrupt object's lock (ISR, KeAcquireInterruptSpinLock) */
};

/* One KSPIN_LOCK the OS has seen, keyed by its address (spec §2.3 mock
 * rule: owners live here, not in the lock word). */
struct hostos_lock {
	uintptr_t addr;
	uint32_t id;              /* stable: order of first sight, from 1 */
	bool initialized;
	bool used_queued, used_plain;
	int owner_cpu;            /* -1: free */
	struct hostos_thread *owner;
	enum hostos_lock_api api;
	uint8_t old_irql;         /* what the raising acquire saved */
	struct sim_event released;
	uint32_t visit;           /* DFS generation mark */
	/* lock-order graph (Deadlock Detection): ids acquired while this
	 * one was held */
	uint32_t *after;
	uint32_t n_after, cap_after;
};

struct hostos_held {
	uint32_t lock;            /* index in the table */
	enum hostos_lock_api api;
	const void *handle;       /* the KLOCK_QUEUE_HANDLE of a queued acquire */
};

struct hostos_cpu {
	struct hostos *os;
	unsigned index;
	uint8_t irql;
	struct hostos_thread *owner;     /* runs on this CPU now; NULL: idle */
	struct hostos_thread *idle;      /* its idle context */
	struct sim_event freed;          /* owner became NULL */
	struct sim_event kick;           /* work for this CPU (a DPC) */
	struct hostos_held held[HOSTOS_MAX_HELD];
	unsigned n_held;
	uint8_t raised[HOSTOS_RAISE_DEPTH]; /* strict: what each raise saved */
	unsigned n_raised;
	/* DPC queue: a ring of KDPC pointers, head first */
	void **dpcq;
	unsigned dpcq_cap, dpcq_head, dpcq_len;
	unsigned dpcq_urgent;            /* queued DPCs of Medium importance or above */
	bool draining;
	bool flush;                      /* KeFlushQueuedDpcs waits: run even Low ones */
	sim_time_t dispatch_since_ps;    /* when it went to DISPATCH or above */
	bool tick;                       /* a clock tick came: Low DPCs run too */
	uint8_t intr_top;                /* DIRQL of the highest pending interrupt; 0: none */
	sim_time_t irq_ps;               /* delivery of the interrupt being dispatched */
};

struct hostos_thread {
	uint32_t magic;                  /* HOSTOS_THREAD_MAGIC */
	struct hostos *os;
	struct hostos_cpu *cpu;
	struct sim_proc proc;
	bool proc_ok;
	char name[32];
	hostos_thread_fn fn;
	void *arg;
	struct hostos_frame base;
	struct hostos_frame *frame;      /* innermost context */
	bool done;
	bool is_idle;
	struct hostos_thread *next;      /* in os->threads, creation order */
	void *sync;                      /* wait state (hostos/wait.c), lazily */
	/* mutexes and fast mutexes this thread owns: lock-table indexes, in
	 * acquire order, for Deadlock Detection (hostos/mutex.c) */
	uint32_t mutex_lock[HOSTOS_MAX_HELD];
	unsigned n_mutex;
	uint32_t last_error;             /* win32.h GetLastError() of this thread */
};

struct hostos {
	struct sim_kernel *k;
	struct hostos_config cfg;
	struct hostos_cpu *cpus;
	struct hostos_thread *threads, **threads_tail;
	bool stopped;
	struct hostos_bugcheck bc;
	unsigned warnings;
	struct sim_rng rng;              /* schedule perturbation (seed != 0) */
	/* spin lock table: records by index, open-addressed index by address */
	struct hostos_lock **locks;       /* records do not move: they hold events */
	uint32_t n_locks, cap_locks;
	uint32_t dfs_gen;
	uint32_t last_lock;              /* index of the last lock looked up */
	struct sim_ctrace *trace;        /* NULL: not tracing */
	uint32_t *cpu_track;             /* per CPU, when tracing */
	uint64_t debug_lines;
	uint32_t *lock_index;            /* slot -> index + 1; 0 empty */
	uint32_t index_cap;              /* power of two */
	struct sim_event dpc_done;       /* a CPU finished a drain */
	/* the runaway watchdog (os.c): the thread executing driver code now
	 * (NULL while the kernel or another process runs) and the calls into
	 * the OS so far, read by the watchdog's host thread */
	_Atomic(struct hostos_thread *) running;
	_Atomic uint64_t calls;
	bool watchdog_on;
	pthread_t watchdog;
	pthread_mutex_t watchdog_lock;
	pthread_cond_t watchdog_wake;
	bool watchdog_stop;              /* under watchdog_lock */
	struct hostos_sync *sync;        /* timers, waits, work items: lazily */
	struct hostos_intr *intr;        /* interrupts and devices (hostos/interrupt.c), lazily */
	struct hostos_pool *pool;        /* pool.c; NULL until memory is attached */
	struct hostos_mmio *mmio;        /* mmio.c; NULL until a bus is attached */
	struct hostos_io *io;            /* the I/O manager (hostos/io-*.c), lazily */
	struct hostos_dma *dma;          /* MDLs and DMA (hostos/mdl.c, dma-*.c), lazily */
	struct hostos_latency *latency;  /* latency.c: ISR and DPC times, lazily */
	struct hostos_fault *fault;      /* fault.c; NULL until a hostos_fault_* call */
	struct hostos_lookaside *lookaside; /* lookaside.c; lazily */
	bool paged_open;                 /* pool.c: the guarded paged pool is accessible */
	struct {                         /* guard.c: what a page fault left to raise */
		uint32_t code;
		uint64_t p[4];
	} fault_pending;
};

/* ---- code-name.c ---- */

/* @addr as "module+0xoffset" into @buf: stable across runs, for traces. */
void hostos_code_name(const void *addr, char *buf, size_t len);

/* ---- os.c ---- */

/* The calling host OS thread, or a report and abort() outside one. */
struct hostos_thread *hostos_self(const char *routine);

/* Whatever thread context is current, or NULL (no abort). */
struct hostos_thread *hostos_self_or_null(void);

/* The CPU of the calling thread (hostos_self()). */
static inline struct hostos_cpu *hostos_cpu_of(struct hostos_thread *t)
{
	return t->cpu;
}

/*
 * Stop the machine with a bug check (verifier finding or KeBugCheckEx):
 * records it with the context of @t and never returns; the thread is
 * killed. @what: one sentence for this instance.
 */
_Noreturn void hostos_bugcheck(struct hostos_thread *t, uint32_t code, uint64_t p1, uint64_t p2,
			       uint64_t p3, uint64_t p4, const char *what, ...)
	__attribute__((format(printf, 7, 8)));

/*
 * Stop the machine with a bug check found outside any host OS thread (the
 * harness's unload sweep): recorded as on CPU 0 in the "harness" context;
 * the kernel halts (its next run returns at once). Does nothing when the
 * machine stopped already.
 */
void hostos_bugcheck_outside(struct hostos *os, uint32_t code, uint64_t p1, uint64_t p2,
			     uint64_t p3, uint64_t p4, const char *what, ...)
	__attribute__((format(printf, 7, 8)));

/* A warning through the kernel's report function, counted. */
void hostos_warn(struct hostos *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Busy for @ps on @t's CPU (a stall, MMIO latency, a cost): the CPU stays
 * the thread's; queued DPCs run meanwhile when the IRQL allows. */
void hostos_busy(struct hostos_thread *t, sim_time_t ps);

/* Blocked until @ev triggers: the CPU is free meanwhile (another thread
 * or its idle context may run there); taken back before returning. */
void hostos_block(struct hostos_thread *t, struct sim_event *ev);

/* Busy (spinning) on @t's CPU until @ev triggers, within the watchdog. */
void hostos_busy_until(struct hostos_thread *t, struct sim_event *ev);

/* The scheduling point every OS call passes: drains the CPU's DPC queue
 * when its IRQL is below DISPATCH_LEVEL. */
void hostos_sched_point(struct hostos_thread *t);

/* Enter and leave a nested context on @t (DPC, ISR, ...): checks on the
 * way out that the IRQL and the held locks are as on entry (spec §1.6). */
void hostos_frame_enter(struct hostos_thread *t, struct hostos_frame *f, enum hostos_ctx_kind k,
			const void *routine);
void hostos_frame_leave(struct hostos_thread *t, struct hostos_frame *f);

/* Time accounting at DISPATCH_LEVEL and above, around IRQL changes. */
void hostos_irql_changed(struct hostos_thread *t, uint8_t from, uint8_t to);

/* Force IRQL Checking (hostos/pool.c): a CPU went to DISPATCH_LEVEL or
 * above, so guarded paged pool becomes inaccessible again. */
void hostos_pool_paged_close(struct hostos *os);
static inline void hostos_raised_to_dispatch(struct hostos *os)
{
	if (os->paged_open)
		hostos_pool_paged_close(os);
}

/* ---- irql.c ---- */

/* Raise and lower with the §1.2 checks; lowering below DISPATCH_LEVEL is
 * a scheduling point. */
uint8_t hostos_raise(struct hostos_thread *t, uint8_t new_irql, const char *routine);
void hostos_lower(struct hostos_thread *t, uint8_t new_irql, const char *routine);

/* ---- spinlock.c ---- */

void hostos_locks_destroy(struct hostos *os);
const char *hostos_lock_api_name(enum hostos_lock_api api);

/* KeInitializeSpinLock: (re)register the lock at @addr. */
void hostos_spin_init(struct hostos_thread *t, uintptr_t addr);

/* Acquire with @api; returns the IRQL before (the raising APIs raise to
 * DISPATCH_LEVEL). @handle: the KLOCK_QUEUE_HANDLE of a queued acquire. */
uint8_t hostos_spin_acquire(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			    const void *handle, const char *routine);

/* Release with @api: the raising releases lower to @new_irql. */
void hostos_spin_release(struct hostos_thread *t, uintptr_t addr, enum hostos_lock_api api,
			 const void *handle, uint8_t new_irql, const char *routine);

/* KeTryToAcquireSpinLockAtDpcLevel and KeTestSpinLock. */
bool hostos_spin_try(struct hostos_thread *t, uintptr_t addr, const char *routine);
bool hostos_spin_test(struct hostos_thread *t, uintptr_t addr);

/* The lock a queued acquire recorded for @handle on @t's CPU; 0 if none. */
uintptr_t hostos_spin_queued_lock(struct hostos_thread *t, const void *handle);

/* Deadlock Detection for mutexes and fast mutexes: the lock-table index
 * of the lock at @addr (registered, initialised, if new), and the lock
 * order check of acquiring it (edges from every spin lock the CPU holds
 * and every mutex the thread owns; 0xC4/0x1001 on a cycle). */
uint32_t hostos_lock_record(struct hostos_thread *t, uintptr_t addr);
void hostos_lock_order_check(struct hostos_thread *t, uint32_t li);

/* ---- dpc.c ---- */

/* Run the DPCs queued on @t's CPU (at DISPATCH_LEVEL), if any may run. */
void hostos_dpc_drain(struct hostos_thread *t);

/* Whether @cpu has a DPC that should run at its next drop below
 * DISPATCH_LEVEL. */
bool hostos_dpc_ready(const struct hostos_cpu *cpu);

/* Queue the KDPC @dpc on @cpu from outside any thread (the clock tick);
 * false if it was queued already or the host is out of memory. */
bool hostos_dpc_insert(struct hostos_cpu *cpu, void *dpc, void *arg1, void *arg2);

/* ---- sync (hostos/wait.c): timers, waits, work items ---- */

/* Free the instance's timers, waits, work items and thread objects;
 * hostos_destroy(), after the threads are gone. */
void hostos_sync_destroy(struct hostos *os);

/* Make the clock tick at least once more (hostos/timer.c): a Low
 * importance DPC waits for a tick. Armed timers keep it ticking. */
void hostos_clock_needed(struct hostos_thread *t);

/* ---- interrupts (hostos/interrupt.c) ---- */

/* Run the interrupts pending on @t's CPU above its IRQL, highest first,
 * nested on @t (its frame stack), each chain at its DIRQL. */
void hostos_intr_run(struct hostos_thread *t);

/* Free the instance's devices, interrupt objects and EOI queue;
 * hostos_destroy(), after the threads are gone. */
void hostos_intr_destroy(struct hostos *os);

/* ---- the I/O manager (hostos/io-*.c) ---- */

/* Free drivers, device objects, IRPs, the registry and open handles;
 * hostos_destroy(), after the threads are gone. */
void hostos_io_destroy(struct hostos *os);

/* ZwClose of a registry key handle: true when @handle was one. */
bool hostos_reg_close(struct hostos *os, void *handle);

#endif /* PCISIM_HOSTOS_OS_INTERNAL_H */
