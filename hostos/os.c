/*
 * hostos/os.c - the core of the mock kernel: instances, simulated CPUs,
 * driver threads and idle contexts, nested contexts, busy time, the
 * scheduling point and the bug check path (hostos/os.h).
 */
#include "hostos/os-internal.h"
#include "hostos/core-internal.h"
#include "hostos/mmio-internal.h"
#include "hostos/pool-internal.h"
#include "hostos/dma-internal.h"
#include "hostos/latency-internal.h"
#include "hostos/fault-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IDLE_STACK_BYTES (64u * 1024u)

const char *hostos_ctx_name(enum hostos_ctx_kind kind)
{
	switch (kind) {
	case HOSTOS_CTX_THREAD: return "thread";
	case HOSTOS_CTX_DPC: return "dpc";
	case HOSTOS_CTX_ISR: return "isr";
	case HOSTOS_CTX_TIMER_DPC: return "timer-dpc";
	case HOSTOS_CTX_WORK_ITEM: return "work-item";
	case HOSTOS_CTX_IDLE: return "idle";
	}
	return "unknown";
}

void hostos_config_default(struct hostos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cpus = 1;
	cfg->verifier = HOSTOS_VERIFY_STANDARD;
	cfg->dpc_mode = HOSTOS_DPC_WINDOWS;
	cfg->dpc_warn_ps = SIM_US(100);
	cfg->dpc_limit_ps = SIM_MS(1);
	cfg->dispatch_limit_ps = SIM_MS(10);
	cfg->runaway_ms = 5000;
	cfg->time_increment = 156250;
	cfg->isr_warn_ps = SIM_US(25);
	cfg->storm_passes = 1000;
	cfg->eoi_delay_ps = SIM_US(1);
	cfg->interrupt_messages_max = 2048;
	cfg->low_resources_per_10000 = 600;
}

/* ---- the current thread ---- */

struct hostos_thread *hostos_self_or_null(void)
{
	struct hostos_thread *t = sim_context_current();

	return t && t->magic == HOSTOS_THREAD_MAGIC ? t : NULL;
}

struct hostos_thread *hostos_self(const char *routine)
{
	struct hostos_thread *t = hostos_self_or_null();

	if (t) {
		/* A plain load and store: only this host thread writes it. */
		atomic_store_explicit(&t->os->calls,
				      atomic_load_explicit(&t->os->calls, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		return t;
	}
	{
		/* Without a current thread there is no machine to blame or
		 * to stop: the harness called driver code outside the OS. */
		fprintf(stderr,
			"pcisim hostos: %s called outside a host OS thread (start driver code "
			"with hostos_thread_start())\n",
			routine);
		abort();
	}
}

/* What the runaway watchdog sees: driver code of @who runs now. */
static void running_is(struct hostos_thread *t, struct hostos_thread *who)
{
	atomic_store_explicit(&t->os->running, who, memory_order_relaxed);
	/* Resumed at DISPATCH_LEVEL or above while another CPU opened the
	 * guarded paged pool: close it for this one. */
	if (who && t->cpu->irql >= HOSTOS_DISPATCH)
		hostos_raised_to_dispatch(t->os);
}

/* ---- reports ---- */

void hostos_warn(struct hostos *os, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	os->warnings++;
	sim_report(os->k, SIM_SEV_WARNING, "hostos: %s", msg);
}

static void bugcheck_text(struct hostos_bugcheck *b)
{
	int n = snprintf(b->report, sizeof(b->report),
			 "*** STOP 0x%08X (%s)\n"
			 "    P1 0x%016llX  P2 0x%016llX\n"
			 "    P3 0x%016llX  P4 0x%016llX\n"
			 "    %s\n"
			 "    CPU %u, IRQL %u, %s context of thread \"%s\", at %llu ps; spin locks held: %u",
			 b->code, b->name, (unsigned long long)b->p[0], (unsigned long long)b->p[1],
			 (unsigned long long)b->p[2], (unsigned long long)b->p[3], b->what, b->cpu,
			 b->irql, b->context, b->thread, (unsigned long long)b->when_ps,
			 b->locks_held);

	for (unsigned i = 0; i < b->locks_held && i < 8 && n > 0 && (size_t)n < sizeof(b->report);
	     i++)
		n += snprintf(b->report + n, sizeof(b->report) - (size_t)n, "%s lock#%u",
			      i ? "," : "", b->lock_ids[i]);
}

_Noreturn void hostos_bugcheck(struct hostos_thread *t, uint32_t code, uint64_t p1, uint64_t p2,
			       uint64_t p3, uint64_t p4, const char *what, ...)
{
	struct hostos *os = t->os;
	struct hostos_bugcheck *b = &os->bc;
	struct hostos_cpu *cpu = t->cpu;
	va_list ap;

	if (!os->stopped) {
		os->stopped = true;
		memset(b, 0, sizeof(*b));
		b->code = code;
		b->name = hostos_bugcheck_name(code);
		b->p[0] = p1;
		b->p[1] = p2;
		b->p[2] = p3;
		b->p[3] = p4;
		va_start(ap, what);
		vsnprintf(b->what, sizeof(b->what), what, ap);
		va_end(ap);
		b->cpu = cpu->index;
		b->irql = cpu->irql;
		b->context = hostos_ctx_name(t->frame ? t->frame->kind : HOSTOS_CTX_THREAD);
		snprintf(b->thread, sizeof(b->thread), "%s", t->name);
		b->locks_held = cpu->n_held;
		for (unsigned i = 0; i < cpu->n_held && i < 8; i++)
			b->lock_ids[i] = os->locks[cpu->held[i].lock]->id;
		b->when_ps = sim_now(os->k);
		bugcheck_text(b);
		sim_report(os->k, SIM_SEV_ERROR, "hostos: bug check\n%s", b->report);
		if (os->trace) {
			const struct sim_ctrace_arg args[] = {
				SIM_CTRACE_ARG_HEX("code", code), SIM_CTRACE_ARG_HEX("p1", p1),
				SIM_CTRACE_ARG_HEX("p2", p2),     SIM_CTRACE_ARG_HEX("p3", p3),
				SIM_CTRACE_ARG_HEX("p4", p4),     SIM_CTRACE_ARG_STR("what", b->what),
			};

			sim_ctrace_instant_args(os->trace, os->cpu_track[cpu->index], "bugcheck",
						b->when_ps, args, 6);
		}
	}
	/* From a thread, the kernel kills it here: the call never returns
	 * and nothing ever runs on this stack again. */
	running_is(t, NULL);
	sim_halt(os->k, (int)code);
	abort();
}

void hostos_bugcheck_outside(struct hostos *os, uint32_t code, uint64_t p1, uint64_t p2,
			     uint64_t p3, uint64_t p4, const char *what, ...)
{
	struct hostos_bugcheck *b = &os->bc;
	va_list ap;

	if (os->stopped)
		return;
	os->stopped = true;
	memset(b, 0, sizeof(*b));
	b->code = code;
	b->name = hostos_bugcheck_name(code);
	b->p[0] = p1;
	b->p[1] = p2;
	b->p[2] = p3;
	b->p[3] = p4;
	va_start(ap, what);
	vsnprintf(b->what, sizeof(b->what), what, ap);
	va_end(ap);
	b->cpu = 0;
	b->irql = os->cpus[0].irql;
	b->context = "harness";
	snprintf(b->thread, sizeof(b->thread), "(none)");
	b->when_ps = sim_now(os->k);
	bugcheck_text(b);
	sim_report(os->k, SIM_SEV_ERROR, "hostos: bug check\n%s", b->report);
	sim_halt(os->k, (int)code);
}

bool hostos_bugchecked(const struct hostos *os)
{
	return os && os->stopped;
}

const struct hostos_bugcheck *hostos_last_bugcheck(const struct hostos *os)
{
	return os && os->stopped ? &os->bc : NULL;
}

unsigned hostos_warnings(const struct hostos *os)
{
	return os ? os->warnings : 0;
}

/* ---- waiting: driver code is not running meanwhile ---- */

static void wait_event(struct hostos_thread *t, struct sim_event *ev)
{
	running_is(t, NULL);
	sim_wait_event(t->os->k, ev);
	running_is(t, t);
}

static int wait_event_timeout(struct hostos_thread *t, struct sim_event *ev, sim_time_t ps)
{
	int rc;

	running_is(t, NULL);
	rc = sim_wait_event_timeout(t->os->k, ev, ps);
	running_is(t, t);
	return rc;
}

/* ---- CPUs ---- */

/* A few delta cycles of delay, when a seed asks for a perturbed schedule:
 * enough to change which of several ready threads takes a CPU first. */
static void perturb(struct hostos_thread *t)
{
	struct hostos *os = t->os;
	uint64_t n;

	if (!os->cfg.seed)
		return;
	n = sim_rng_below(&os->rng, 4);
	running_is(t, NULL);
	while (n--)
		sim_wait_time(os->k, 0);
	running_is(t, t);
}

static void cpu_take(struct hostos_thread *t)
{
	struct hostos_cpu *cpu = t->cpu;

	perturb(t);
	while (cpu->owner && cpu->owner != t)
		wait_event(t, &cpu->freed);
	cpu->owner = t;
}

static void cpu_release(struct hostos_thread *t)
{
	struct hostos_cpu *cpu = t->cpu;

	if (cpu->owner != t)
		return;
	cpu->owner = NULL;
	sim_notify(&cpu->freed, 0);
	/* Work queued for this CPU while it was busy goes to its idle
	 * context now. */
	if (hostos_dpc_ready(cpu) || cpu->intr_top)
		sim_notify(&cpu->kick, 0);
}

/* ---- nested contexts and time at DISPATCH_LEVEL ---- */

void hostos_irql_changed(struct hostos_thread *t, uint8_t from, uint8_t to)
{
	struct hostos_cpu *cpu = t->cpu;

	if (from < HOSTOS_DISPATCH && to >= HOSTOS_DISPATCH) {
		cpu->dispatch_since_ps = sim_now(t->os->k);
		hostos_raised_to_dispatch(t->os);
	}
	/* Lowering unmasks: a pending interrupt above the new IRQL runs now. */
	if (to < from && cpu->intr_top > to)
		hostos_intr_run(t);
}

void hostos_frame_enter(struct hostos_thread *t, struct hostos_frame *f, enum hostos_ctx_kind k,
			const void *routine)
{
	f->outer = t->frame;
	f->kind = k;
	f->irql_entry = t->cpu->irql;
	f->held_entry = t->cpu->n_held;
	f->routine = routine;
	f->start_ps = sim_now(t->os->k);
	t->frame = f;
}

void hostos_frame_leave(struct hostos_thread *t, struct hostos_frame *f)
{
	struct hostos_cpu *cpu = t->cpu;
	struct hostos *os = t->os;

	if (cpu->irql != f->irql_entry) {
		/* Windows names no code for a DPC returning at another IRQL;
		 * 0xC8 with the mock's UniqueValue 0xD0 (spec §1.6). */
		hostos_bugcheck(t, 0xC8, (uint64_t)cpu->irql << 16 | (uint64_t)f->irql_entry << 8 | 0xD0,
				(uint64_t)(uintptr_t)f->routine, 0, 0,
				"the %s routine returned at IRQL %u, entered at %u (UniqueValue 0xD0 is "
				"the mock's code for a DPC-like callback)",
				hostos_ctx_name(f->kind), cpu->irql, f->irql_entry);
	}
	if (cpu->n_held != f->held_entry) {
		uint32_t lock = cpu->held[cpu->n_held - 1].lock;

		hostos_bugcheck(t, 0xC4, 0x00040009, os->locks[lock]->addr, 0, 0,
				"the %s routine returned holding spin lock#%u (DDI rule SpinLock)",
				hostos_ctx_name(f->kind), os->locks[lock]->id);
	}
	t->frame = f->outer;
}

/* ---- busy time ---- */

/* The watchdog limits that would be crossed before @end, as a deadline. */
static sim_time_t watchdog_deadline(struct hostos_thread *t, sim_time_t end, int *which)
{
	struct hostos_cpu *cpu = t->cpu;
	const struct hostos_config *c = &t->os->cfg;
	sim_time_t d = end;

	*which = -1;
	if (cpu->irql < HOSTOS_DISPATCH)
		return d;
	if (c->dispatch_limit_ps && cpu->dispatch_since_ps + c->dispatch_limit_ps < d) {
		d = cpu->dispatch_since_ps + c->dispatch_limit_ps;
		*which = 1;
	}
	for (struct hostos_frame *f = t->frame; f; f = f->outer)
		if (f->kind == HOSTOS_CTX_DPC || f->kind == HOSTOS_CTX_TIMER_DPC ||
		    f->kind == HOSTOS_CTX_ISR) {
			if (c->dpc_limit_ps && f->start_ps + c->dpc_limit_ps < d) {
				d = f->start_ps + c->dpc_limit_ps;
				*which = 0;
			}
			break;
		}
	return d;
}

static _Noreturn void watchdog_fires(struct hostos_thread *t, int which)
{
	struct hostos *os = t->os;

	if (which == 1)
		hostos_bugcheck(t, 0x133, 1, os->cfg.dispatch_limit_ps / SIM_US(1), 0, 0,
				"CPU %u stayed at DISPATCH_LEVEL or above for %llu us (P2: the "
				"limit, in microseconds)",
				t->cpu->index,
				(unsigned long long)(os->cfg.dispatch_limit_ps / SIM_US(1)));
	hostos_bugcheck(t, 0x133, 0, os->cfg.dpc_limit_ps / SIM_US(1),
			os->cfg.dpc_limit_ps / SIM_US(1), 0,
			"a %s ran for %llu us (P2 time, P3 allotment: microseconds of simulated "
			"time, not clock ticks)",
			hostos_ctx_name(t->frame->kind),
			(unsigned long long)(os->cfg.dpc_limit_ps / SIM_US(1)));
}

void hostos_busy(struct hostos_thread *t, sim_time_t ps)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	sim_time_t now = sim_now(os->k), end, stop;
	int which;

	end = ps > SIM_TIME_MAX - 1 - now ? SIM_TIME_MAX - 1 : now + ps;
	for (;;) {
		now = sim_now(os->k);
		stop = watchdog_deadline(t, end, &which);
		if (now >= stop)
			break;
		if (wait_event_timeout(t, &cpu->kick, stop - now) != 1)
			continue;
		if (cpu->intr_top > cpu->irql)
			hostos_intr_run(t);
		if (cpu->irql < HOSTOS_DISPATCH)
			hostos_dpc_drain(t);
	}
	if (which >= 0)
		watchdog_fires(t, which);
}

/* Spinning, the CPU still takes interrupts above its IRQL: a kick that
 * brings one runs it and returns, so callers re-check what they wait for
 * (they loop on their condition anyway). */
void hostos_busy_until(struct hostos_thread *t, struct sim_event *ev)
{
	struct hostos *os = t->os;
	struct hostos_cpu *cpu = t->cpu;
	struct sim_event *const evs[2] = { ev, &cpu->kick };
	sim_time_t now = sim_now(os->k), stop;
	int which, rc;

	stop = watchdog_deadline(t, SIM_TIME_MAX - 1, &which);
	if (which >= 0 && now >= stop)
		watchdog_fires(t, which);
	running_is(t, NULL);
	if (which < 0)
		rc = sim_wait_any(os->k, evs, 2);
	else
		rc = sim_wait_any_timeout(os->k, evs, 2, stop - now);
	running_is(t, t);
	if (rc == 2)
		watchdog_fires(t, which);
	if (rc == 1 && cpu->intr_top > cpu->irql)
		hostos_intr_run(t);
}

void hostos_block(struct hostos_thread *t, struct sim_event *ev)
{
	cpu_release(t);
	wait_event(t, ev);
	cpu_take(t);
	hostos_sched_point(t);
}

int hostos_charge(sim_time_t ps)
{
	struct hostos_thread *t = hostos_self_or_null();

	if (!t)
		return SIM_ERR_STATE;
	hostos_busy(t, ps);
	hostos_sched_point(t);
	return SIM_OK;
}

/* ---- the scheduling point ---- */

void hostos_sched_point(struct hostos_thread *t)
{
	struct hostos_cpu *cpu = t->cpu;

	if (cpu->intr_top > cpu->irql)
		hostos_intr_run(t);
	if (cpu->irql < HOSTOS_DISPATCH && cpu->dpcq_len && !cpu->draining &&
	    hostos_dpc_ready(cpu))
		hostos_dpc_drain(t);
}

/* ---- threads ---- */

static void thread_body(void *opaque)
{
	struct hostos_thread *t = opaque;
	struct hostos_cpu *cpu = t->cpu;

	running_is(t, t);
	cpu_take(t);
	hostos_frame_enter(t, &t->base, HOSTOS_CTX_THREAD, (const void *)(uintptr_t)t->fn);
	hostos_sched_point(t);
	t->fn(t->arg);
	if (cpu->irql != HOSTOS_PASSIVE)
		hostos_bugcheck(t, 0x4A, (uint64_t)(uintptr_t)t->fn, cpu->irql, 0, 0,
				"thread \"%s\" returned at IRQL %u", t->name, cpu->irql);
	hostos_frame_leave(t, &t->base);
	t->done = true;
	cpu_release(t);
	running_is(t, NULL);
}

/* The idle context of a CPU: runs the DPCs queued for it while no thread
 * runs there. */
static void idle_body(void *opaque)
{
	struct hostos_thread *t = opaque;
	struct hostos_cpu *cpu = t->cpu;

	running_is(t, t);
	hostos_frame_enter(t, &t->base, HOSTOS_CTX_IDLE, NULL);
	for (;;) {
		while (!(hostos_dpc_ready(cpu) || cpu->intr_top) || cpu->owner)
			wait_event(t, cpu->owner ? &cpu->freed : &cpu->kick);
		cpu->owner = t;
		if (cpu->intr_top)
			hostos_intr_run(t);
		hostos_dpc_drain(t);
		cpu_release(t);
	}
}

static struct hostos_thread *thread_new(struct hostos *os, const char *name, hostos_thread_fn fn,
					void *arg, unsigned cpu, bool idle)
{
	struct hostos_thread *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return NULL;
	t->magic = HOSTOS_THREAD_MAGIC;
	t->os = os;
	t->cpu = &os->cpus[cpu];
	t->fn = fn;
	t->arg = arg;
	t->is_idle = idle;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
	rc = sim_thread_init(os->k, &t->proc, t->name, idle ? idle_body : thread_body, t,
			     idle ? IDLE_STACK_BYTES : 0, 0);
	if (rc) {
		free(t);
		return NULL;
	}
	t->proc_ok = true;
	sim_proc_set_context(&t->proc, t);
	*os->threads_tail = t;
	os->threads_tail = &t->next;
	return t;
}

int hostos_thread_start(struct hostos *os, const char *name, hostos_thread_fn fn, void *arg,
			unsigned cpu, struct hostos_thread **out)
{
	struct hostos_thread *t;

	if (out)
		*out = NULL;
	if (!os || !fn || cpu >= os->cfg.cpus)
		return SIM_ERR_INVALID;
	if (os->stopped)
		return SIM_ERR_STATE;
	t = thread_new(os, name, fn, arg, cpu, false);
	if (!t)
		return SIM_ERR_NOMEM;
	if (out)
		*out = t;
	return SIM_OK;
}

bool hostos_thread_done(const struct hostos_thread *t)
{
	return t && t->done;
}

/* ---- the runaway watchdog ---- */

#define WATCHDOG_PERIOD_MS 50u

/*
 * A host thread, because driver code stuck in a loop never returns to the
 * kernel: nothing on the simulation's own thread can notice. It only reads
 * the two atomics; the report uses the thread's name and CPU, which do not
 * change after creation.
 */
static void *watchdog_main(void *opaque)
{
	struct hostos *os = opaque;
	struct hostos_thread *last = NULL;
	uint64_t last_calls = 0;
	unsigned stuck_ms = 0;

	pthread_mutex_lock(&os->watchdog_lock);
	while (!os->watchdog_stop) {
		struct timespec ts;
		struct hostos_thread *r;
		uint64_t c;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)WATCHDOG_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&os->watchdog_wake, &os->watchdog_lock, &ts);
		if (os->watchdog_stop)
			break;
		r = atomic_load_explicit(&os->running, memory_order_relaxed);
		c = atomic_load_explicit(&os->calls, memory_order_relaxed);
		if (r && r == last && c == last_calls) {
			stuck_ms += WATCHDOG_PERIOD_MS;
			if (stuck_ms >= os->cfg.runaway_ms) {
				fprintf(stderr,
					"pcisim hostos: thread \"%s\" on CPU %u ran %u ms of wall "
					"time without calling the OS (an endless loop in driver "
					"code?); aborting\n",
					r->name, r->cpu->index, stuck_ms);
				abort();
			}
		} else {
			stuck_ms = 0;
		}
		last = r;
		last_calls = c;
	}
	pthread_mutex_unlock(&os->watchdog_lock);
	return NULL;
}

static int watchdog_start(struct hostos *os)
{
	if (!os->cfg.runaway_ms)
		return SIM_OK;
	if (pthread_mutex_init(&os->watchdog_lock, NULL))
		return SIM_ERR_NOMEM;
	if (pthread_cond_init(&os->watchdog_wake, NULL)) {
		pthread_mutex_destroy(&os->watchdog_lock);
		return SIM_ERR_NOMEM;
	}
	if (pthread_create(&os->watchdog, NULL, watchdog_main, os)) {
		pthread_cond_destroy(&os->watchdog_wake);
		pthread_mutex_destroy(&os->watchdog_lock);
		return SIM_ERR_NOMEM;
	}
	os->watchdog_on = true;
	return SIM_OK;
}

static void watchdog_stop(struct hostos *os)
{
	if (!os->watchdog_on)
		return;
	pthread_mutex_lock(&os->watchdog_lock);
	os->watchdog_stop = true;
	pthread_cond_signal(&os->watchdog_wake);
	pthread_mutex_unlock(&os->watchdog_lock);
	pthread_join(os->watchdog, NULL);
	pthread_cond_destroy(&os->watchdog_wake);
	pthread_mutex_destroy(&os->watchdog_lock);
	os->watchdog_on = false;
}

/* ---- instances ---- */

int hostos_create(struct hostos **out, struct sim_kernel *k, const struct hostos_config *cfg)
{
	struct hostos_config def;
	struct hostos *os;

	if (!out)
		return SIM_ERR_INVALID;
	*out = NULL;
	if (!cfg) {
		hostos_config_default(&def);
		cfg = &def;
	}
	if (!k || cfg->cpus < 1 || cfg->cpus > HOSTOS_MAX_CPUS ||
	    (cfg->dpc_mode != HOSTOS_DPC_WINDOWS && cfg->dpc_mode != HOSTOS_DPC_EAGER) ||
	    !cfg->time_increment)
		return SIM_ERR_INVALID;
	os = calloc(1, sizeof(*os));
	if (!os)
		return SIM_ERR_NOMEM;
	os->k = k;
	os->cfg = *cfg;
	os->threads_tail = &os->threads;
	sim_rng_seed(&os->rng, cfg->seed);
	sim_event_init(k, &os->dpc_done, "hostos.dpc_done", NULL, NULL);
	os->cpus = calloc(cfg->cpus, sizeof(*os->cpus));
	if (!os->cpus) {
		hostos_destroy(os);
		return SIM_ERR_NOMEM;
	}
	for (unsigned i = 0; i < cfg->cpus; i++) {
		struct hostos_cpu *c = &os->cpus[i];
		char name[24];

		c->os = os;
		c->index = i;
		sim_event_init(k, &c->freed, "hostos.cpu.freed", NULL, NULL);
		sim_event_init(k, &c->kick, "hostos.cpu.kick", NULL, NULL);
		snprintf(name, sizeof(name), "idle%u", i);
		c->idle = thread_new(os, name, NULL, NULL, i, true);
		if (!c->idle) {
			hostos_destroy(os);
			return SIM_ERR_NOMEM;
		}
	}
	if (watchdog_start(os) != SIM_OK) {
		hostos_destroy(os);
		return SIM_ERR_NOMEM;
	}
	*out = os;
	return SIM_OK;
}

void hostos_destroy(struct hostos *os)
{
	struct hostos_thread *t, *next;

	if (!os)
		return;
	watchdog_stop(os);
	/* Threads first: killing one runs nothing of the driver, and no
	 * event of a CPU may be destroyed while a thread waits on it. */
	for (t = os->threads; t; t = t->next)
		if (t->proc_ok)
			sim_proc_destroy(&t->proc);
	for (t = os->threads; t; t = next) {
		next = t->next;
		free(t);
	}
	for (unsigned i = 0; os->cpus && i < os->cfg.cpus; i++) {
		sim_event_destroy(&os->cpus[i].freed);
		sim_event_destroy(&os->cpus[i].kick);
		free(os->cpus[i].dpcq);
	}
	free(os->cpus);
	sim_event_destroy(&os->dpc_done);
	hostos_sync_destroy(os);
	hostos_io_destroy(os);
	hostos_intr_destroy(os);
	hostos_locks_destroy(os);
	hostos_dma_destroy(os);
	hostos_latency_destroy(os);
	hostos_pool_destroy(os);
	hostos_mmio_destroy(os);
	hostos_lookaside_destroy(os);
	hostos_fault_destroy(os);
	free(os->cpu_track);
	free(os);
}

struct sim_kernel *hostos_kernel(const struct hostos *os)
{
	return os ? os->k : NULL;
}

unsigned hostos_cpu_count(const struct hostos *os)
{
	return os ? os->cfg.cpus : 0;
}

int hostos_set_ctrace(struct hostos *os, struct sim_ctrace *trace)
{
	uint32_t *tracks;

	if (!os)
		return SIM_ERR_INVALID;
	free(os->cpu_track);
	os->cpu_track = NULL;
	os->trace = NULL;
	if (!trace)
		return SIM_OK;
	tracks = calloc(os->cfg.cpus, sizeof(*tracks));
	if (!tracks)
		return SIM_ERR_NOMEM;
	for (unsigned i = 0; i < os->cfg.cpus; i++) {
		char name[16];
		int rc;

		snprintf(name, sizeof(name), "cpu%u", i);
		rc = sim_ctrace_track(trace, "hostos", name, &tracks[i]);
		if (rc) {
			free(tracks);
			return rc;
		}
	}
	os->cpu_track = tracks;
	os->trace = trace;
	return SIM_OK;
}

uint64_t hostos_debug_lines(const struct hostos *os)
{
	return os ? os->debug_lines : 0;
}

/* Driver debug output (hostos/core-internal.h): to the trace of the
 * calling thread's machine, and to stderr when that machine asks for it
 * or when no machine is current (a helper called outside the OS). */
void hostos_debug_output(uint32_t component, uint32_t level, const char *text, size_t len)
{
	struct hostos_thread *t = hostos_self_or_null();
	struct hostos *os = t ? t->os : NULL;

	if (os) {
		os->debug_lines++;
		if (os->trace) {
			char msg[512];
			const struct sim_ctrace_arg args[] = {
				SIM_CTRACE_ARG_STR("text", msg),
				SIM_CTRACE_ARG_U64("component", component),
				SIM_CTRACE_ARG_U64("level", level),
			};

			snprintf(msg, sizeof(msg), "%.*s", (int)len, text);
			sim_ctrace_instant_args(os->trace, os->cpu_track[t->cpu->index], "DbgPrint",
						sim_now(os->k), args, 3);
		}
	}
	if (!os || os->cfg.debug_stderr)
		fprintf(stderr, "%.*s", (int)len, text);
}

enum sim_stop_reason hostos_run(struct hostos *os)
{
	return sim_run(os->k);
}
