/*
 * sim/kernel.c - the scheduler: events and notification, the runnable
 * queue, update requests, and the evaluate/update/delta/timed loop of
 * IEEE 1666-2011 section 4.2.1.
 */
#include "sim/kernel-internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The one piece of global state: what the running process published with
 * sim_proc_set_context(). Thread-local, so kernels on different host
 * threads do not see each other's. */
#if defined(__GNUC__)
/* initial-exec: one instruction per access even inside libpcisim.so, where
 * the default model would call __tls_get_addr on every process switch. */
static _Thread_local void *tls_context __attribute__((tls_model("initial-exec")));
#else
static _Thread_local void *tls_context;
#endif

void sim_tls_set(void *context)
{
	tls_context = context;
}

void *sim_context_current(void)
{
	return tls_context;
}

/* ------------------------------------------------------------------------
 * Reports and errors
 * ------------------------------------------------------------------------ */

static void default_report(void *opaque, enum sim_severity sev, sim_time_t now_ps, const char *msg)
{
	static const char *const names[] = { "info", "warning", "error" };
	char t[32];

	(void)opaque;
	if (sev == SIM_SEV_INFO)
		return;
	sim_time_format(now_ps, t, sizeof(t));
	fprintf(stderr, "pcisim: %s at %s: %s\n", names[sev], t, msg);
}

static void vreport(struct sim_kernel *k, enum sim_severity sev, const char *fmt, va_list ap)
{
	char msg[sizeof(k->last_error)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (sev == SIM_SEV_ERROR)
		memcpy(k->last_error, msg, sizeof(msg));
	k->cfg.report(k->cfg.report_opaque, sev, k->now_ps, msg);
}

void sim_report(struct sim_kernel *k, enum sim_severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(k, sev, fmt, ap);
	va_end(ap);
}

/* An API misuse: remembered as the last error, reported as a warning so a
 * caller that checks the return code is not also flooded with errors. */
void sim_kernel_set_error(struct sim_kernel *k, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(k->last_error, sizeof(k->last_error), "%s: ", sim_strerror(err));
	if (n < 0 || (size_t)n >= sizeof(k->last_error))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(k->last_error + n, sizeof(k->last_error) - (size_t)n, fmt, ap);
	va_end(ap);
	k->cfg.report(k->cfg.report_opaque, SIM_SEV_WARNING, k->now_ps, k->last_error);
}

const char *sim_kernel_last_error(const struct sim_kernel *k)
{
	return k->last_error;
}

const char *sim_stop_reason_name(enum sim_stop_reason r)
{
	switch (r) {
	case SIM_STOP_FINISHED:
		return "finished";
	case SIM_STOP_TIME:
		return "time";
	case SIM_STOP_REQUESTED:
		return "stopped";
	case SIM_STOP_CONDITION:
		return "condition";
	case SIM_STOP_STEP:
		return "step";
	case SIM_STOP_ERROR:
		return "error";
	}
	return "unknown";
}

/* ------------------------------------------------------------------------
 * Kernel life cycle
 * ------------------------------------------------------------------------ */

void sim_kernel_config_default(struct sim_kernel_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->seed = 1;
	cfg->max_deltas = 1000000;
	cfg->thread_stack_bytes = 256 * 1024;
	cfg->report = NULL;
}

int sim_kernel_init(struct sim_kernel *k, const struct sim_kernel_config *cfg)
{
	if (!k)
		return SIM_ERR_INVALID;
	memset(k, 0, sizeof(*k));
	if (cfg)
		k->cfg = *cfg;
	else
		sim_kernel_config_default(&k->cfg);
	if (!k->cfg.report)
		k->cfg.report = default_report;
	if (k->cfg.max_deltas == 0)
		return SIM_ERR_INVALID;
	if (k->cfg.thread_stack_bytes == 0)
		k->cfg.thread_stack_bytes = 256 * 1024;
	k->sched_coro = calloc(1, sizeof(*k->sched_coro));
	k->runq_cap = 64;
	k->runq = calloc(k->runq_cap, sizeof(*k->runq));
	if (!k->sched_coro || !k->runq || sim_tq_init(k) != SIM_OK) {
		free(k->sched_coro);
		free(k->runq);
		sim_tq_destroy(k);
		return SIM_ERR_NOMEM;
	}
	sim_coro_init_host(k->sched_coro);
	k->upd_tail = &k->upd_head;
	k->next_seq = 1;
	return SIM_OK;
}

void sim_kernel_destroy(struct sim_kernel *k)
{
	if (!k || k->in_run)
		return;
	sim_proc_destroy_all(k);
	sim_tq_destroy(k);
	free(k->delta);
	free(k->runq);
	free(k->procs);
	free(k->zombies);
	free(k->sched_coro);
	/* Poison, so a use after destroy fails loudly rather than quietly. */
	memset(k, 0xA5, sizeof(*k));
}

/* ------------------------------------------------------------------------
 * The runnable queue: a ring of tagged pointers (bit 0 = process)
 * ------------------------------------------------------------------------ */

void sim_runq_grow(struct sim_kernel *k)
{
	uint32_t n = k->runq_tail - k->runq_head;
	uint32_t cap = k->runq_cap * 2;
	uintptr_t *q = cap > k->runq_cap ? malloc((size_t)cap * sizeof(*q)) : NULL;

	if (!q) {
		fprintf(stderr, "pcisim: out of memory growing the runnable queue\n");
		abort();
	}
	for (uint32_t i = 0; i < n; i++)
		q[i] = k->runq[(k->runq_head + i) & (k->runq_cap - 1)];
	free(k->runq);
	k->runq = q;
	k->runq_cap = cap;
	k->runq_head = 0;
	k->runq_tail = n;
}

void sim_runq_forget(struct sim_kernel *k, uintptr_t item)
{
	uint32_t mask = k->runq_cap - 1, j = k->runq_head;

	/* Close the gap, keeping the order of the rest: an empty slot would
	 * make the queue look busy when nothing is left to run. */
	for (uint32_t i = k->runq_head; i != k->runq_tail; i++) {
		uintptr_t x = k->runq[i & mask];

		if (x != item)
			k->runq[j++ & mask] = x;
	}
	k->runq_tail = j;
}

/* ------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------ */

void sim_event_init(struct sim_kernel *k, struct sim_event *ev, const char *name, sim_event_fn fn,
		    void *opaque)
{
	if (!ev)
		return;
	memset(ev, 0, sizeof(*ev));
	if (!k)
		return; /* an event of no kernel: every call on it is refused */
	ev->k = k;
	ev->fn = fn;
	ev->opaque = opaque;
	ev->name = name;
	ev->id = k->next_event_id++;
}

/* Mark the pending notification gone; its queue entry goes stale. */
static void event_unpend(struct sim_event *ev)
{
	if (ev->pending == SIM_EV_TIMED)
		ev->k->tq_stale++;
	else if (ev->pending == SIM_EV_DELTA)
		ev->k->delta_live--;
	ev->pending = SIM_EV_NONE;
}

void sim_event_destroy(struct sim_event *ev)
{
	struct sim_kernel *k = ev ? ev->k : NULL;

	if (!k)
		return;
	event_unpend(ev);
	if (ev->refs) {
		uint32_t j = 0;

		sim_tq_purge_event(k, ev);
		for (uint32_t i = 0; i < k->delta_len; i++) {
			if (k->delta[i].ev != ev)
				k->delta[j++] = k->delta[i];
		}
		k->delta_len = j;
		ev->refs = 0;
	}
	if (ev->queued)
		sim_runq_forget(k, (uintptr_t)ev);
	sim_proc_drop_sensitivity(ev);
	ev->k = NULL;
}

/* Mark @ev pending at @when under @seq, its queue entry made. */
SIM_HOT_INLINE void event_pend(struct sim_event *ev, uint8_t kind, sim_time_t when, uint64_t seq)
{
	ev->pending = kind;
	ev->when_ps = when;
	ev->seq = seq;
}

/* The rare paths of event_enqueue(), out of line and reached by a tail
 * call, so that the fast paths save no registers. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int enqueue_delta_slow(struct sim_event *ev, uint64_t seq)
{
	struct sim_kernel *k = ev->k;
	uint32_t cap = k->delta_cap ? k->delta_cap * 2 : 64;
	struct sim_delta_entry *d = cap > k->delta_cap ? realloc(k->delta, (size_t)cap * sizeof(*d)) : NULL;

	if (!d)
		return SIM_ERR_NOMEM;
	k->delta = d;
	k->delta_cap = cap;
	d[k->delta_len].ev = ev;
	d[k->delta_len++].seq = seq;
	ev->refs++;
	k->delta_live++;
	event_pend(ev, SIM_EV_DELTA, k->now_ps, seq);
	return SIM_OK;
}

SIM_HOT_INLINE int enqueue_timed(struct sim_event *ev, sim_time_t when, uint64_t seq)
{
	int err = sim_tq_push(ev->k, when, seq, ev);

	if (err)
		return err;
	event_pend(ev, SIM_EV_TIMED, when, seq);
	return SIM_OK;
}

/* Enter a new pending notification at @when (now = delta). The caller
 * has removed any previous one. */
SIM_HOT_INLINE int event_enqueue(struct sim_event *ev, sim_time_t when)
{
	struct sim_kernel *k = ev->k;
	uint64_t seq = k->next_seq++;

	if (when != k->now_ps)
		return enqueue_timed(ev, when, seq);
	if (SIM_UNLIKELY(k->delta_len == k->delta_cap))
		return enqueue_delta_slow(ev, seq);
	k->delta[k->delta_len].ev = ev;
	k->delta[k->delta_len++].seq = seq;
	ev->refs++;
	k->delta_live++;
	event_pend(ev, SIM_EV_DELTA, when, seq);
	return SIM_OK;
}

static int event_time(struct sim_event *ev, sim_time_t delay_ps, sim_time_t *when)
{
	/* SIM_TIME_MAX itself is refused too: it means "nothing pending". */
	if (!sim_time_add(ev->k->now_ps, delay_ps, when) || *when == SIM_TIME_MAX) {
		char d[32];

		sim_time_format(delay_ps, d, sizeof(d));
		sim_kernel_set_error(ev->k, SIM_ERR_OVERFLOW, "event '%s' (id %" PRIu32 "): delay %s passes the end of time",
				     ev->name ? ev->name : "", ev->id, d);
		return SIM_ERR_OVERFLOW;
	}
	return SIM_OK;
}

int sim_event_schedule(struct sim_event *ev, sim_time_t delay_ps)
{
	sim_time_t when;
	int err;

	if (!ev || !ev->k)
		return SIM_ERR_INVALID;
	err = event_time(ev, delay_ps, &when);
	if (err)
		return err;
	event_unpend(ev);
	return event_enqueue(ev, when);
}

int sim_event_schedule_at(struct sim_event *ev, sim_time_t when_ps)
{
	if (!ev || !ev->k)
		return SIM_ERR_INVALID;
	if (when_ps < ev->k->now_ps) {
		sim_kernel_set_error(ev->k, SIM_ERR_INVALID, "event '%s' (id %" PRIu32 "): scheduled in the past",
				     ev->name ? ev->name : "", ev->id);
		return SIM_ERR_INVALID;
	}
	if (when_ps == SIM_TIME_MAX) {
		sim_kernel_set_error(ev->k, SIM_ERR_OVERFLOW, "event '%s' (id %" PRIu32 "): scheduled at the end of time",
				     ev->name ? ev->name : "", ev->id);
		return SIM_ERR_OVERFLOW;
	}
	event_unpend(ev);
	return event_enqueue(ev, when_ps);
}

bool sim_event_cancel(struct sim_event *ev)
{
	bool was;

	if (!ev || !ev->k)
		return false;
	was = ev->pending != SIM_EV_NONE;

	event_unpend(ev);
	return was;
}

sim_time_t sim_event_when(const struct sim_event *ev)
{
	return ev->pending ? ev->when_ps : SIM_TIME_MAX;
}

int sim_notify(struct sim_event *ev, sim_time_t delay_ps)
{
	sim_time_t when;
	int err;

	if (!ev || !ev->k)
		return SIM_ERR_INVALID;
	if (delay_ps == 0) {
		/* A delta notification: nothing to add, nothing earlier. */
		if (ev->pending == SIM_EV_DELTA)
			return SIM_OK;
		if (ev->pending == SIM_EV_TIMED)
			event_unpend(ev);
		return event_enqueue(ev, ev->k->now_ps);
	}
	err = event_time(ev, delay_ps, &when);
	if (err)
		return err;
	/* IEEE 1666-2011 5.10.8: only the earliest pending notification
	 * survives; a delta notification is earlier than any timed one. */
	if (ev->pending == SIM_EV_DELTA)
		return SIM_OK;
	if (ev->pending == SIM_EV_TIMED) {
		if (ev->when_ps <= when)
			return SIM_OK;
		event_unpend(ev);
	}
	return event_enqueue(ev, when);
}

/* The event happens: its callback is queued and its processes wake. */
SIM_HOT_INLINE void event_trigger(struct sim_kernel *k, struct sim_event *ev)
{
	k->stats.events_triggered++;
	if (ev->fn && !ev->queued) {
		ev->queued = 1;
		sim_runq_push(k, (uintptr_t)ev);
	}
	if (ev->nsens)
		sim_proc_trigger_static(ev);
	if (ev->waiters && !sim_proc_wake_single(ev))
		sim_proc_wake_waiters(ev);
}

void sim_notify_immediate(struct sim_event *ev)
{
	if (!ev || !ev->k)
		return;
	event_unpend(ev);
	event_trigger(ev->k, ev);
}

/* ------------------------------------------------------------------------
 * Update requests
 * ------------------------------------------------------------------------ */

void sim_update_init(struct sim_update *u, sim_update_fn fn, void *opaque)
{
	u->next = NULL;
	u->fn = fn;
	u->opaque = opaque;
	u->requested = 0;
}

void sim_request_update(struct sim_kernel *k, struct sim_update *u)
{
	if (!k || !u || u->requested)
		return;
	u->requested = 1;
	u->next = NULL;
	*k->upd_tail = u;
	k->upd_tail = &u->next;
}

static void run_updates(struct sim_kernel *k)
{
	struct sim_update *u = k->upd_head;

	/* Updates requested by an update function (not allowed by IEEE 1666,
	 * but harmless) land in the next cycle's list. */
	k->upd_head = NULL;
	k->upd_tail = &k->upd_head;
	while (u) {
		struct sim_update *next = u->next;

		u->requested = 0;
		u->fn(k, u->opaque);
		u = next;
	}
}

/* ------------------------------------------------------------------------
 * The scheduler loop
 * ------------------------------------------------------------------------ */

enum run_mode { RUN_ALL, RUN_UNTIL, RUN_WHILE, RUN_STEP_DELTA, RUN_STEP_TIME };

/*
 * Called by a thread about to block (proc.c, thread_block()). When all the
 * scheduler would do next is to resume exactly one other thread, with no
 * run condition or step to check in between, do its bookkeeping here and
 * return that thread: the caller switches to it directly, which saves the
 * trip through the scheduler's context and loop (a thread ping-pong runs
 * at nearly twice the speed). Two cases, both exactly what the loop does:
 *  - the evaluate phase goes on: the run queue holds one runnable thread;
 *  - the delta cycle ends (no updates) and its only delta notification
 *    wakes one waiting thread and nothing else: the next delta cycle
 *    evaluates that thread alone.
 * NULL: switch to the scheduler as usual.
 */
struct sim_proc *sim_handoff_target(struct sim_kernel *k, struct sim_proc *self)
{
	struct sim_proc *p;

	if (k->attn || k->run_mode > RUN_UNTIL || self->thr->coro.own_fpenv)
		return NULL;
	if (k->runq_head != k->runq_tail) {
		uintptr_t item = k->runq[k->runq_head & (k->runq_cap - 1)];

		if (k->runq_tail - k->runq_head != 1 || !(item & 1u))
			return NULL;
		p = (struct sim_proc *)(item & ~(uintptr_t)1);
		if (!sim_proc_is_thread(p) || p->state != SIM_PROC_RUNNABLE || p->thr->coro.own_fpenv)
			return NULL;
		k->runq_head++;
		p->flags &= (uint8_t)~SIM_PROC_F_QUEUED;
	} else {
		struct sim_event *ev;
		struct sim_waiter *w;
		struct sim_dynwait *d;

		if (k->upd_head || k->delta_len != 1 || k->deltas_this_time >= k->cfg.max_deltas)
			return NULL;
		ev = k->delta[0].ev;
		w = ev->waiters;
		if (ev->pending != SIM_EV_DELTA || ev->seq != k->delta[0].seq || ev->fn || ev->nsens || !w ||
		    w->next)
			return NULL;
		p = w->proc;
		d = p->dyn;
		if (p == self || !sim_proc_is_thread(p) || p->state != SIM_PROC_WAITING || d->n != 1 ||
		    p->thr->coro.own_fpenv)
			return NULL;
		/* The end of this delta cycle: the delta notification phase. */
		k->delta_len = 0;
		k->delta_live = 0;
		ev->refs--;
		ev->pending = SIM_EV_NONE;
		k->stats.events_triggered++;
		sim_proc_take_lone_waiter(ev);
		k->stats.deltas++;
		k->deltas_this_time++;
	}
	/* The next evaluate phase, or the rest of this one: p runs. */
	p->state = SIM_PROC_RUNNING;
	k->current = p;
	k->runaway_proc = p;
	tls_context = p->context;
	k->stats.threads_resumed++;
	return p;
}

static uint64_t wall_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static int runq_empty(const struct sim_kernel *k)
{
	return k->runq_head == k->runq_tail;
}

/* Trigger the delta notifications made in the evaluate phase just ended. */
SIM_HOT_INLINE void delta_notify(struct sim_kernel *k)
{
	uint32_t n = k->delta_len;

	k->delta_len = 0;
	k->delta_live = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct sim_event *ev = k->delta[i].ev;

		ev->refs--;
		if (ev->pending == SIM_EV_DELTA && ev->seq == k->delta[i].seq) {
			ev->pending = SIM_EV_NONE;
			event_trigger(k, ev);
		}
	}
}

sim_time_t sim_next_activity_time(struct sim_kernel *k)
{
	struct sim_tq_entry *top;

	if (!runq_empty(k) || k->delta_live || k->upd_head)
		return k->now_ps;
	top = sim_tq_top(k);
	return top ? top->when : SIM_TIME_MAX;
}

bool sim_event_due_alone(const struct sim_event *ev)
{
	struct sim_kernel *k = ev ? ev->k : NULL;
	struct sim_tq_entry *top;

	if (!k || ev->pending != SIM_EV_DELTA || k->delta_live != 1 || !runq_empty(k) ||
	    k->upd_head)
		return false;
	top = sim_tq_top(k);
	return !top || top->when > k->now_ps;
}

/*
 * Advance to the time of @top, the earliest live entry, and trigger
 * everything due then, in sequence order (all of it is in the queue's
 * bucket 0: looking no further keeps the queue's base where it is).
 *
 * When the one notification due wakes just one waiting method (the event
 * has no callback and no dynamic waiters), the evaluate phase would hold
 * that method alone: it is returned for the caller to run at once instead
 * of going through the run queue. Same order, same counts, less work.
 */
static struct sim_proc *timed_notify(struct sim_kernel *k, struct sim_tq_entry *top)
{
	struct sim_event *ev = top->ev;

	k->now_ps = top->when;
	k->deltas_this_time = 0;
	k->stats.time_steps++;
	sim_tq_pop(k);
	ev->pending = SIM_EV_NONE;
	top = sim_tq_front(k);
	if (!top && !ev->fn && !ev->waiters && ev->nsens == 1) {
		struct sim_proc *p = ev->sens.one;

		if (p->state == SIM_PROC_WAITING && !(p->flags & (SIM_PROC_F_THREAD | SIM_PROC_F_QUEUED)) &&
		    !(p->dyn && p->dyn->active)) {
			k->stats.events_triggered++;
			p->state = SIM_PROC_RUNNABLE;
			return p;
		}
	}
	event_trigger(k, ev);
	while (top) {
		ev = top->ev;
		sim_tq_pop(k);
		ev->pending = SIM_EV_NONE;
		event_trigger(k, ev);
		top = sim_tq_front(k);
	}
	return NULL;
}

SIM_HOT_INLINE void proc_execute(struct sim_kernel *k, struct sim_proc *p)
{
	p->flags &= (uint8_t)~SIM_PROC_F_QUEUED;
	if (p->state != SIM_PROC_RUNNABLE)
		return; /* killed after it was queued */
	p->state = SIM_PROC_RUNNING;
	k->current = p;
	k->runaway_proc = p;
	tls_context = p->context;
	if (!sim_proc_is_thread(p)) {
		k->stats.methods_run++;
		p->fn(p->opaque);
		if (p->state == SIM_PROC_RUNNING)
			p->state = SIM_PROC_WAITING;
	} else {
		sim_proc_resume_thread(k, p);
	}
	tls_context = NULL;
	k->current = NULL;
}

/* Run one item of the runnable queue. */
SIM_HOT_INLINE void evaluate_one(struct sim_kernel *k)
{
	uintptr_t item = k->runq[k->runq_head++ & (k->runq_cap - 1)];

	if (item & 1u) {
		proc_execute(k, (struct sim_proc *)(item & ~(uintptr_t)1));
	} else if (item) {
		struct sim_event *ev = (struct sim_event *)item;

		ev->queued = 0;
		k->stats.callbacks_run++;
		ev->fn(k, ev->opaque);
	}
}

static void runaway(struct sim_kernel *k)
{
	struct sim_proc *p = k->runaway_proc;

	k->halted = 1;
	k->attn = 1;
	k->halt_code = SIM_ERR_LIMIT;
	k->halt_time_ps = k->now_ps;
	sim_report(k, SIM_SEV_ERROR,
		   "runaway delta cycles: %" PRIu64 " deltas without time advancing; last process run: '%s' (id %" PRIu32 ")",
		   k->deltas_this_time, p ? sim_proc_name(p) : "(event callback)", p ? p->id : 0);
}

static enum sim_stop_reason run_loop(struct sim_kernel *k, enum run_mode mode, sim_time_t end_ps,
				     sim_cond_fn cond, void *opaque)
{
	enum sim_stop_reason why;
	struct sim_proc *p;
	uint64_t wall0;
	int did_delta = 0;

	if (!k)
		return SIM_STOP_ERROR;
	if (k->halted)
		return SIM_STOP_ERROR;
	if (k->in_run) {
		sim_kernel_set_error(k, SIM_ERR_STATE, "a run was started from inside a run");
		return SIM_STOP_ERROR;
	}
	if (mode == RUN_WHILE && !cond(k, opaque))
		return SIM_STOP_CONDITION;
	k->in_run = 1;
	k->run_mode = (uint8_t)mode;
	k->stop_req = 0;
	wall0 = wall_now_ns();
	if (!k->initialized) {
		/* IEEE 1666-2011 4.2.1.1: the update phase, then the delta
		 * notification phase, before the first evaluation; processes
		 * were made runnable when they were created. Writes and delta
		 * notifications made during elaboration are seen in delta 0. */
		k->initialized = 1;
		if (k->upd_head)
			run_updates(k);
		if (k->delta_len)
			delta_notify(k);
	}
	for (;;) {
		if (!runq_empty(k)) {
			/* One delta cycle: evaluate, update, delta notification. */
			do {
				evaluate_one(k);
direct:
				if (SIM_UNLIKELY(k->attn)) {
					k->attn = 0;
					if (k->nzombies)
						sim_proc_reap_zombies(k);
					if (k->halted) {
						k->attn = 1;
						why = SIM_STOP_ERROR;
						goto out;
					}
					if (k->stop_req) {
						k->stop_req = 0;
						why = SIM_STOP_REQUESTED;
						goto out;
					}
				}
			} while (!runq_empty(k));
			if (k->upd_head)
				run_updates(k);
			if (k->delta_len)
				delta_notify(k);
			k->stats.deltas++;
			did_delta = 1;
			if (SIM_UNLIKELY(++k->deltas_this_time > k->cfg.max_deltas)) {
				runaway(k);
				why = SIM_STOP_ERROR;
				goto out;
			}
			if (SIM_UNLIKELY(mode >= RUN_WHILE)) {
				if (mode == RUN_STEP_DELTA) {
					why = SIM_STOP_STEP;
					goto out;
				}
				if (mode == RUN_WHILE && !cond(k, opaque)) {
					why = SIM_STOP_CONDITION;
					goto out;
				}
			}
			continue;
		}
		if (SIM_UNLIKELY(k->upd_head || k->delta_live)) {
			/* Updates or delta notifications with nothing to evaluate:
			 * requested between runs, left by a stop, or requested by
			 * an update function. They complete a cycle rather than
			 * make an empty one of their own. */
			if (k->upd_head)
				run_updates(k);
			if (k->delta_len)
				delta_notify(k);
			/* An update function that re-requests itself forever is
			 * as much a runaway as a process. */
			if (SIM_UNLIKELY(++k->deltas_this_time > k->cfg.max_deltas)) {
				runaway(k);
				why = SIM_STOP_ERROR;
				goto out;
			}
			continue;
		}
		/* Nothing left at this time: the timed notification phase. */
		if (SIM_UNLIKELY(mode == RUN_STEP_TIME) && did_delta) {
			why = SIM_STOP_STEP;
			goto out;
		}
		{
			struct sim_tq_entry *top = sim_tq_top(k);

			if (mode == RUN_UNTIL && (!top || top->when > end_ps)) {
				k->now_ps = end_ps;
				why = SIM_STOP_TIME;
				goto out;
			}
			if (!top) {
				why = SIM_STOP_FINISHED;
				goto out;
			}
			p = timed_notify(k, top);
			if (p) {
				proc_execute(k, p);
				goto direct; /* the rest of this delta cycle */
			}
		}
	}
out:
	k->in_run = 0;
	k->stats.wall_ns += wall_now_ns() - wall0;
	return why;
}

enum sim_stop_reason sim_run(struct sim_kernel *k)
{
	return run_loop(k, RUN_ALL, 0, NULL, NULL);
}

enum sim_stop_reason sim_run_until(struct sim_kernel *k, sim_time_t end_ps)
{
	if (!k)
		return SIM_STOP_ERROR;
	if (end_ps < k->now_ps) {
		sim_kernel_set_error(k, SIM_ERR_INVALID, "run until a time in the past");
		return SIM_STOP_ERROR;
	}
	return run_loop(k, RUN_UNTIL, end_ps, NULL, NULL);
}

enum sim_stop_reason sim_run_while(struct sim_kernel *k, sim_cond_fn cond, void *opaque)
{
	if (!k)
		return SIM_STOP_ERROR;
	if (!cond) {
		sim_kernel_set_error(k, SIM_ERR_INVALID, "run while: no condition");
		return SIM_STOP_ERROR;
	}
	return run_loop(k, RUN_WHILE, 0, cond, opaque);
}

enum sim_stop_reason sim_step_delta(struct sim_kernel *k)
{
	return run_loop(k, RUN_STEP_DELTA, 0, NULL, NULL);
}

enum sim_stop_reason sim_step_time(struct sim_kernel *k)
{
	return run_loop(k, RUN_STEP_TIME, 0, NULL, NULL);
}

void sim_stop(struct sim_kernel *k)
{
	if (!k)
		return;
	k->stop_req = 1;
	k->attn = 1;
}
