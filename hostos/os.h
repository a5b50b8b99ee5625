/*
 * hostos/os.h - the mock Windows kernel's core, as the harness sees it:
 * simulated CPUs on a sim/ kernel, the threads driver code runs on, the
 * verifier settings, and the bug check that stops a run.
 *
 * Execution model. A host OS instance has N simulated CPUs. Driver code
 * runs on sim threads (coroutines) started with hostos_thread_start(), each
 * bound to one CPU. A CPU runs one thread at a time: a thread owns its CPU
 * from its start until it returns, except while it blocks in the OS (a
 * wait; hostos/ issue 7) when the CPU is free for another thread or for
 * the CPU's idle context. DPCs and, later, ISRs run nested on the CPU's
 * current thread, on its stack, at a scheduling point: every call into the
 * OS. Queued DPCs run when the IRQL drops below DISPATCH_LEVEL; a DPC for
 * a CPU that runs no thread runs in that CPU's idle context (a sim thread
 * per CPU). Simulated time advances only through the OS: stalls
 * (KeStallExecutionProcessor), MMIO latency and waits, and
 * hostos_charge(), an explicit cost annotation.
 *
 * The Windows routines take no context argument: they find their CPU
 * through the one thread-local pointer the sim kernel publishes when it
 * resumes a thread (sim_context_current()). Calling one from outside a
 * host OS thread is a harness error: it is reported on stderr and the
 * process aborts, since the routine cannot know which machine is meant.
 *
 * A bug check (a verifier finding, or KeBugCheckEx) records its code, four
 * parameters and context (struct hostos_bugcheck), stops the kernel with
 * sim_halt() so the run returns SIM_STOP_ERROR, and never resumes the
 * thread that raised it. hostos_destroy() frees every thread's stack.
 *
 * Include as "hostos/os.h". Not thread-safe: one host thread drives a
 * kernel and its host OS.
 */
#ifndef PCISIM_HOSTOS_OS_H
#define PCISIM_HOSTOS_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/ctrace.h"
#include "sim/kernel.h"
#include "sim/time.h"

struct hostos;        /* opaque; hostos_create() */
struct hostos_thread; /* opaque; hostos_thread_start() */

/** Most simulated CPUs one instance has. */
#define HOSTOS_MAX_CPUS 64u

/* Driver Verifier option bits, with the values of verifier.exe /flags. */
#define HOSTOS_VERIFY_SPECIAL_POOL 0x1u
#define HOSTOS_VERIFY_FORCE_IRQL 0x2u
#define HOSTOS_VERIFY_LOW_RESOURCES 0x4u
#define HOSTOS_VERIFY_POOL_TRACKING 0x8u
#define HOSTOS_VERIFY_IO 0x10u
#define HOSTOS_VERIFY_DEADLOCK 0x20u
#define HOSTOS_VERIFY_ENHANCED_IO 0x40u
#define HOSTOS_VERIFY_DMA 0x80u
#define HOSTOS_VERIFY_SECURITY 0x100u
#define HOSTOS_VERIFY_FORCE_PENDING 0x200u
#define HOSTOS_VERIFY_IRP_LOGGING 0x400u
#define HOSTOS_VERIFY_MISC 0x800u
#define HOSTOS_VERIFY_DDI 0x20000u
/** The "standard" set: Special Pool, Force IRQL Checking, Pool Tracking,
 * I/O Verification, Deadlock Detection, DMA Verification, Security Checks,
 * Miscellaneous Checks, DDI compliance checking. */
#define HOSTOS_VERIFY_STANDARD                                                        \
	(HOSTOS_VERIFY_SPECIAL_POOL | HOSTOS_VERIFY_FORCE_IRQL | HOSTOS_VERIFY_POOL_TRACKING | \
	 HOSTOS_VERIFY_IO | HOSTOS_VERIFY_DEADLOCK | HOSTOS_VERIFY_DMA |                   \
	 HOSTOS_VERIFY_SECURITY | HOSTOS_VERIFY_MISC | HOSTOS_VERIFY_DDI)

/** When queued DPCs of Low importance run (Medium and above run at the
 * next drop below DISPATCH_LEVEL in both modes). */
enum hostos_dpc_mode {
	/** Low importance DPCs wait until the CPU's queue holds 4 or more
	 * (the ReactOS KiMaximumDpcQueueDepth) or a drain runs anyway. */
	HOSTOS_DPC_WINDOWS = 0,
	/** Every DPC runs at the next drop below DISPATCH_LEVEL. */
	HOSTOS_DPC_EAGER = 1,
};

/** Where Special Pool puts an allocation in its page (verifier.exe's
 * "verify end" and "verify start"). */
enum hostos_special_pool {
	HOSTOS_SPECIAL_POOL_OFF = 0,
	/** The block ends at the page's end (rounded to 16 bytes): an overrun
	 * touches the next page. */
	HOSTOS_SPECIAL_POOL_END = 1,
	/** The block starts at the page: an underrun touches the page before. */
	HOSTOS_SPECIAL_POOL_START = 2,
};

/**
 * struct hostos_config - an instance's settings; start from
 * hostos_config_default().
 * @cpus: simulated CPUs, 1..HOSTOS_MAX_CPUS.
 * @verifier: HOSTOS_VERIFY_* bits; HOSTOS_VERIFY_STANDARD by default.
 *	IRQL misuse is always checked (it costs nothing here).
 * @strict: also make the mock-only checks Windows cannot make (e.g.
 *	KeLowerIrql to a value other than the matching raise saved).
 * @seed: 0 runs the deterministic default schedule; any other value
 *	perturbs it reproducibly (the order ready threads take their CPUs,
 *	which CPU an untargeted cross-CPU DPC goes to is never varied).
 * @dpc_mode: see enum hostos_dpc_mode.
 * @dpc_warn_ps: a DPC running longer (simulated time) is reported as a
 *	warning; 100 us by default. 0: never.
 * @dpc_limit_ps: a DPC running this long bug checks with
 *	DPC_WATCHDOG_VIOLATION (0x133, P1 = 0); 1 ms by default. 0: never.
 * @dispatch_limit_ps: a CPU staying at DISPATCH_LEVEL or above this long
 *	without a break bug checks with 0x133, P1 = 1; 10 ms by default.
 * @debug_stderr: driver debug output (DbgPrint) also goes to stderr.
 * @runaway_ms: a host OS thread that runs this many milliseconds of wall
 *	time without calling the OS (an endless loop in driver code, which no
 *	simulated event can interrupt) is reported on stderr, naming the
 *	thread and its CPU, and the process aborts rather than hang; 5000 by
 *	default, 0: never. A watchdog host thread samples it every 50 ms.
 * @time_increment: the clock tick, in 100 ns units (KeQueryTimeIncrement);
 *	156250 (15.625 ms) by default. Timers expire on ticks; the tick
 *	event exists only while a timer is armed (hostos/timer.c).
 */
struct hostos_config {
	unsigned cpus;
	uint32_t verifier;
	bool strict;
	uint64_t seed;
	enum hostos_dpc_mode dpc_mode;
	sim_time_t dpc_warn_ps;
	sim_time_t dpc_limit_ps;
	sim_time_t dispatch_limit_ps;
	bool debug_stderr;
	unsigned runaway_ms;
	uint32_t time_increment;
	/* Interrupts (hostos/devices.h, hostos/interrupt.c): */
	/** An ISR running longer (simulated time) is a warning; 25 us by
	 * default (the documented guidance). 0: never. */
	sim_time_t isr_warn_ps;
	/** A level input still asserted after this many ISR chain passes in
	 * a row that claimed nothing, or that the same ISR claimed, is an
	 * interrupt storm (0xF2); the same count of passes of an edge chain
	 * that keep claiming, too. 1000 by default; 0: never. */
	unsigned storm_passes;
	/** End of interrupt of a level input goes to the controller this
	 * long after its ISR chain returned, so a correct driver's clearing
	 * write has reached the device and the line has dropped; 1 us by
	 * default. Edge inputs and messages need none (none is sent). */
	sim_time_t eoi_delay_ps;
	/** Most interrupt messages the OS gives one device; a device whose
	 * request (capability and MessageNumberLimit) is larger gets exactly
	 * one, as the PnP manager does. 2048 by default. */
	unsigned interrupt_messages_max;
	/* Pool verification (hostos/pool.h): */
	/** Special Pool's guard pages, used only with
	 * HOSTOS_VERIFY_SPECIAL_POOL in @verifier: each allocation gets data
	 * pages of its own (one up to a page, consecutive ones above) between
	 * inaccessible pages, so an overrun (or, in START mode, an underrun)
	 * or a use after free stops the driver at the access. HOSTOS_SPECIAL_POOL_OFF by default: it
	 * costs two frames and an mprotect per allocation, and a read of
	 * freed pool (which then faults) is a bug Windows only finds with it. */
	enum hostos_special_pool special_pool;
	/** Force IRQL Checking's inaccessible paged pool, used only with
	 * HOSTOS_VERIFY_FORCE_IRQL in @verifier: paged pool is opened on a
	 * fault below DISPATCH_LEVEL and closed when a CPU raises to it, so a
	 * touch at DISPATCH_LEVEL or above is 0xD1; pages an MDL locked
	 * (MmProbeAndLockPages until MmUnlockPages) stay accessible. False by
	 * default: each touch after a raise costs a fault and mprotects, and
	 * the harness must not touch paged pool outside a host OS thread. */
	bool paged_guard;
	/** Low Resources Simulation (HOSTOS_VERIFY_LOW_RESOURCES in
	 * @verifier): each allocation fault injection covers (hostos/fault.h)
	 * fails with this probability in 10 000; 600 (6 %) by default, as
	 * verifier.exe's. */
	unsigned low_resources_per_10000;
	/** ...but none before this simulated time since boot (verifier.exe
	 * waits 8 minutes of uptime; 0 by default here, where a run starts
	 * with the driver). */
	sim_time_t low_resources_delay_ps;
};

/** hostos_config_default() - one CPU, the standard verifier set, not
 * strict, seed 0, Windows DPC mode, limits as documented above. */
void hostos_config_default(struct hostos_config *cfg);

/**
 * hostos_create() - a host OS on kernel @k.
 * @out: receives the instance; free it with hostos_destroy() before @k.
 * @cfg: NULL for the defaults; copied.
 * Return: 0; SIM_ERR_INVALID (NULL @out or @k, bad CPU count or limits);
 * SIM_ERR_NOMEM.
 */
int hostos_create(struct hostos **out, struct sim_kernel *k, const struct hostos_config *cfg);

/** hostos_destroy() - kill and free every thread (their stacks too) and
 * the instance. NULL is ignored. */
void hostos_destroy(struct hostos *os);

/** hostos_kernel() - the sim kernel @os runs on. */
struct sim_kernel *hostos_kernel(const struct hostos *os);

/** hostos_cpu_count() - the configured number of CPUs. */
unsigned hostos_cpu_count(const struct hostos *os);

/** typedef hostos_thread_fn - the body of a driver thread: plain driver
 * code at PASSIVE_LEVEL, e.g. a test calling DriverEntry. */
typedef void (*hostos_thread_fn)(void *arg);

/**
 * hostos_thread_start() - start a thread running @fn(@arg) at
 * PASSIVE_LEVEL on CPU @cpu, from the next delta cycle.
 * @name: for reports; copied (at most 31 characters kept).
 * @out: optional; receives the thread, owned by @os.
 * It must return at PASSIVE_LEVEL holding no spin lock (else a bug check:
 * IRQL_GT_ZERO_AT_SYSTEM_SERVICE 0x4A, or 0xC4/0x00040009 for a lock).
 * Return: 0; SIM_ERR_INVALID (NULL @os or @fn, @cpu out of range);
 * SIM_ERR_NOMEM; SIM_ERR_STATE after a bug check.
 */
int hostos_thread_start(struct hostos *os, const char *name, hostos_thread_fn fn, void *arg,
			unsigned cpu, struct hostos_thread **out);

/** hostos_thread_done() - @t returned. */
bool hostos_thread_done(const struct hostos_thread *t);

/**
 * hostos_run() - run the kernel until nothing is left to do, a time limit
 * or a bug check: sim_run() of the instance's kernel.
 */
enum sim_stop_reason hostos_run(struct hostos *os);

/**
 * hostos_charge() - the calling driver code costs @ps of simulated time on
 * its CPU (a cost annotation: the CPU is busy, not blocked; pending
 * interrupts and DPCs of the CPU may run meanwhile, if its IRQL allows).
 * From a host OS thread only. Return: 0, SIM_ERR_STATE outside one.
 */
int hostos_charge(sim_time_t ps);

/**
 * hostos_set_ctrace() - record the host OS in a Chrome trace (sim/ctrace.h):
 * one track per CPU (process "hostos", threads "cpu0", ...) with a span per
 * DPC, an instant per driver debug message (DbgPrint, args: the text) and
 * one for the bug check. @trace must be open and outlive @os (or the next
 * call); NULL stops tracing.
 * Return: 0, SIM_ERR_INVALID (NULL @os), or what sim_ctrace_track() returns.
 */
int hostos_set_ctrace(struct hostos *os, struct sim_ctrace *trace);

/** hostos_debug_lines() - driver debug messages (DbgPrint, KdPrint, ...)
 * received so far. */
uint64_t hostos_debug_lines(const struct hostos *os);

/* ---- bug checks ---- */

/** Why the machine stopped: one bug check, the first (a stopped machine
 * runs nothing more). */
struct hostos_bugcheck {
	uint32_t code;              /**< e.g. 0xC4 */
	const char *name;           /**< e.g. "DRIVER_VERIFIER_DETECTED_VIOLATION" */
	uint64_t p[4];              /**< P1..P4 as KeBugCheckEx got them */
	char what[160];             /**< one sentence on this instance */
	unsigned cpu;               /**< CPU it happened on */
	uint8_t irql;               /**< the IRQL then */
	const char *context;        /**< "thread", "dpc", "idle", ... */
	char thread[32];            /**< the host OS thread's name */
	unsigned locks_held;        /**< spin locks that CPU held */
	uint32_t lock_ids[8];       /**< their stable ids (first 8), acquire order */
	sim_time_t when_ps;         /**< simulated time */
	char report[1024];          /**< all of the above as text, lines */
};

/** The mock's stop code for a failed ASSERT/NT_ASSERT (RtlAssert): a
 * checked build would break into the debugger. P1: the expression, P2:
 * the file (host pointers to strings), P3: the line, P4: the message. */
#define HOSTOS_ASSERTION_FAILED 0xA55E0001u

/** The mock's stop code for a wait nothing left could satisfy (a
 * deadlock; Windows would hang): a KeWait* with no timeout while no
 * timed activity is pending in the kernel and no process is runnable.
 * P1: the first object waited for, P2: the object count, P3: the threads
 * then waiting without a timeout, P4: 0 (hostos/wait.c). */
#define HOSTOS_WAIT_DEADLOCK 0xA55E0002u

/** hostos_bugchecked() - a bug check stopped @os. */
bool hostos_bugchecked(const struct hostos *os);

/** hostos_last_bugcheck() - the bug check that stopped @os, or NULL. */
const struct hostos_bugcheck *hostos_last_bugcheck(const struct hostos *os);

/** hostos_bugcheck_name() - the documented name of @code, or "UNKNOWN". */
const char *hostos_bugcheck_name(uint32_t code);

/** hostos_warnings() - warnings (not bug checks) reported so far, e.g. a
 * DPC over @dpc_warn_ps. */
unsigned hostos_warnings(const struct hostos *os);

#endif /* PCISIM_HOSTOS_OS_H */
