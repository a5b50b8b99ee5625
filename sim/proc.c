/*
 * sim/proc.c - processes: methods and threads, static and dynamic
 * sensitivity, waits, kill and reset, and the halt path.
 *
 * A trigger makes a process runnable only while it is WAITING: a running
 * process is never re-queued by its own notifications, and a dynamic wait
 * (wait on events, next_trigger) masks the static sensitivity while it is
 * registered (IEEE 1666-2011 5.2.11 and 5.2.16).
 */
#include "sim/kernel-internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Pointer sets (static sensitivity, both directions)
 * ------------------------------------------------------------------------ */

static void *pset_at(const union sim_ptrs *s, uint32_t n, uint32_t i)
{
	return n == 1 ? s->one : s->many[i];
}

static int pset_has(const union sim_ptrs *s, uint32_t n, const void *x)
{
	for (uint32_t i = 0; i < n; i++) {
		if (pset_at(s, n, i) == x)
			return 1;
	}
	return 0;
}

/* Append @x to a set of @n; the caller counts it on success. */
static int pset_add(union sim_ptrs *s, uint32_t n, void *x)
{
	void **m;

	if (n == 0) {
		s->one = x;
		return SIM_OK;
	}
	if (n == 1) {
		m = malloc(2 * sizeof(*m));
		if (!m)
			return SIM_ERR_NOMEM;
		m[0] = s->one;
		s->many = m;
	} else if ((n & (n - 1)) == 0) {
		m = realloc(s->many, (size_t)n * 2 * sizeof(*m));
		if (!m)
			return SIM_ERR_NOMEM;
		s->many = m;
	}
	s->many[n] = x;
	return SIM_OK;
}

/* Remove @x from a set of @n; returns the new count. An array shrinking to
 * one element goes back inline, so an emptied set holds no memory (an event
 * whose processes are all gone, e.g. at sim_kernel_destroy(), needs no
 * destroy of its own). */
static uint32_t pset_remove(union sim_ptrs *s, uint32_t n, const void *x)
{
	if (n == 1)
		return s->one == x ? 0 : 1;
	for (uint32_t i = 0; i < n; i++) {
		if (s->many[i] == x) {
			memmove(&s->many[i], &s->many[i + 1], (size_t)(n - i - 1) * sizeof(void *));
			n--;
			break;
		}
	}
	if (n == 1) {
		void *last = s->many[0];

		free(s->many);
		s->one = last;
	}
	return n;
}

static void pset_free(union sim_ptrs *s, uint32_t n)
{
	if (n >= 2)
		free(s->many);
	s->one = NULL;
}

/* ------------------------------------------------------------------------
 * Dynamic waits
 * ------------------------------------------------------------------------ */

static void waiter_link(struct sim_waiter *w)
{
	struct sim_event *ev = w->ev;
	struct sim_waiter *head = ev->waiters;

	w->next = NULL;
	if (!head) {
		w->prev = w;
		ev->waiters = w;
	} else {
		w->prev = head->prev;
		head->prev->next = w;
		head->prev = w;
	}
}

static void waiter_unlink(struct sim_waiter *w)
{
	struct sim_event *ev = w->ev;
	struct sim_waiter *head = ev->waiters;

	if (w == head) {
		ev->waiters = w->next;
		if (w->next)
			w->next->prev = w->prev;
	} else {
		w->prev->next = w->next;
		if (w->next)
			w->next->prev = w->prev;
		else
			head->prev = w->prev;
	}
	w->next = w->prev = NULL;
}

static void dyn_clear(struct sim_proc *p)
{
	struct sim_dynwait *d = p->dyn;

	if (!d || !d->active)
		return;
	for (uint32_t i = 0; i < d->n; i++)
		waiter_unlink(&d->w[i]);
	if (d->has_timeout)
		sim_event_cancel(&d->timeout);
	d->n = 0;
	d->n_ev = 0;
	d->has_timeout = 0;
	d->active = 0;
}

static int dyn_alloc(struct sim_proc *p)
{
	if (p->dyn)
		return SIM_OK;
	p->dyn = calloc(1, sizeof(*p->dyn));
	if (!p->dyn)
		return SIM_ERR_NOMEM;
	sim_event_init(p->k, &p->dyn->timeout, p->name, NULL, NULL);
	return SIM_OK;
}

/* Register a wait on @n events and, if @with_timeout, on the timeout after
 * @timeout_ps. Replaces any earlier registration. */
static int dyn_register(struct sim_proc *p, struct sim_event *const *evs, unsigned n, int with_timeout,
			sim_time_t timeout_ps)
{
	struct sim_kernel *k = p->k;
	struct sim_dynwait *d;
	sim_time_t when;
	uint32_t need = n + (with_timeout ? 1u : 0u);
	int err;

	if (with_timeout && !sim_time_add(k->now_ps, timeout_ps, &when)) {
		sim_kernel_set_error(k, SIM_ERR_OVERFLOW, "process '%s' (id %" PRIu32 "): timeout passes the end of time",
				     sim_proc_name(p), p->id);
		return SIM_ERR_OVERFLOW;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!evs[i] || evs[i]->k != k) {
			sim_kernel_set_error(k, SIM_ERR_INVALID, "process '%s' (id %" PRIu32 "): wait on an event of no or another kernel",
					     sim_proc_name(p), p->id);
			return SIM_ERR_INVALID;
		}
	}
	err = dyn_alloc(p);
	if (err)
		return err;
	d = p->dyn;
	dyn_clear(p);
	if (need > d->cap) {
		struct sim_waiter *w = realloc(d->w, (size_t)need * sizeof(*w));

		if (!w)
			return SIM_ERR_NOMEM;
		d->w = w;
		d->cap = need;
	}
	for (unsigned i = 0; i < n; i++) {
		d->w[i].proc = p;
		d->w[i].ev = evs[i];
		waiter_link(&d->w[i]);
	}
	if (with_timeout) {
		err = sim_event_schedule(&d->timeout, timeout_ps);
		if (err) {
			d->n = n;
			d->active = 1;
			dyn_clear(p);
			return err;
		}
		d->w[n].proc = p;
		d->w[n].ev = &d->timeout;
		waiter_link(&d->w[n]);
		d->has_timeout = 1;
	}
	d->n = need;
	d->n_ev = n;
	d->fired = -1;
	d->active = 1;
	return SIM_OK;
}

void sim_proc_wake_waiters(struct sim_event *ev)
{
	struct sim_waiter *w = ev->waiters;

	/* Processes wake in the order they started waiting. Waking one by an
	 * event unlinks all its waiters, possibly the next one in this list,
	 * so the walk starts over from the head after each such wake. */
	while (w) {
		struct sim_proc *p = w->proc;
		struct sim_dynwait *d = p->dyn;
		int idx = (int)(w - d->w);

		if (p->state == SIM_PROC_WAITING) {
			d->fired = idx;
			sim_proc_make_runnable(p);
			if (d->has_timeout && idx == (int)d->n_ev && d->n_ev > 0) {
				/* kernel.h: an event of the same delta cycle wins over
				 * the timeout, so the event waiters stay linked until
				 * the thread runs (thread_block() clears them). */
				w = w->next;
				continue;
			}
			dyn_clear(p);
			w = ev->waiters;
		} else {
			if (p->state == SIM_PROC_RUNNABLE && d->has_timeout && d->fired == (int)d->n_ev &&
			    idx < (int)d->n_ev)
				d->fired = idx;
			w = w->next;
		}
	}
}

void sim_proc_drop_sensitivity(struct sim_event *ev)
{
	while (ev->waiters) {
		struct sim_waiter *w = ev->waiters;
		struct sim_dynwait *d = w->proc->dyn;
		uint32_t i = (uint32_t)(w - d->w);

		/* Keep the process's other waits: swap the last node into this
		 * slot (relinking it), so the array stays dense. */
		waiter_unlink(w);
		if (i != d->n - 1) {
			struct sim_waiter *last = &d->w[d->n - 1];
			struct sim_event *lev = last->ev;

			waiter_unlink(last);
			d->w[i] = *last;
			d->w[i].ev = lev;
			waiter_link(&d->w[i]);
		}
		d->n--;
		if (i < d->n_ev)
			d->n_ev--;
	}
	for (uint32_t i = 0; i < ev->nsens; i++) {
		struct sim_proc *p = pset_at(&ev->sens, ev->nsens, i);

		p->nsens = (uint16_t)pset_remove(&p->sens, p->nsens, ev);
	}
	pset_free(&ev->sens, ev->nsens);
	ev->nsens = 0;
}

/* ------------------------------------------------------------------------
 * Creation and destruction
 * ------------------------------------------------------------------------ */

static int procs_add(struct sim_kernel *k, struct sim_proc *p)
{
	if (k->nprocs == k->capprocs) {
		uint32_t cap = k->capprocs ? k->capprocs * 2 : 16;
		struct sim_proc **a = realloc(k->procs, (size_t)cap * sizeof(*a));

		if (!a)
			return SIM_ERR_NOMEM;
		k->procs = a;
		k->capprocs = cap;
	}
	k->procs[k->nprocs++] = p;
	return SIM_OK;
}

static void procs_remove(struct sim_kernel *k, const struct sim_proc *p)
{
	for (uint32_t i = 0; i < k->nprocs; i++) {
		if (k->procs[i] == p) {
			memmove(&k->procs[i], &k->procs[i + 1], (size_t)(k->nprocs - i - 1) * sizeof(*k->procs));
			k->nprocs--;
			return;
		}
	}
}

static int proc_common_init(struct sim_kernel *k, struct sim_proc *p, const char *name, sim_proc_fn fn,
			    void *opaque, unsigned flags)
{
	if (!k || !p || !fn)
		return SIM_ERR_INVALID;
	memset(p, 0, sizeof(*p));
	p->k = k;
	p->fn = fn;
	p->opaque = opaque;
	p->name = name;
	p->flags = (uint8_t)(flags & (SIM_PROC_DONT_INITIALIZE | SIM_PROC_OWN_FP_ENV));
	p->id = k->next_proc_id++;
	return procs_add(k, p);
}

/* Put a new process where IEEE 1666 initialisation wants it: runnable,
 * or waiting for its static sensitivity under dont_initialize. */
static void proc_start(struct sim_proc *p)
{
	if (p->flags & SIM_PROC_DONT_INITIALIZE)
		p->state = SIM_PROC_WAITING;
	else
		sim_proc_make_runnable(p);
}

int sim_method_init(struct sim_kernel *k, struct sim_proc *p, const char *name, sim_proc_fn fn,
		    void *opaque, unsigned flags)
{
	int err = proc_common_init(k, p, name, fn, opaque, flags);

	if (err)
		return err;
	proc_start(p);
	return SIM_OK;
}

static void thread_entry(void *arg)
{
	struct sim_proc *p = arg;
	struct sim_kernel *k = p->k;

	p->fn(p->opaque);
	p->state = SIM_PROC_TERMINATED;
	dyn_clear(p);
	sim_coro_switch(&p->thr->coro, k->sched_coro, 1);
}

int sim_thread_init(struct sim_kernel *k, struct sim_proc *p, const char *name, sim_proc_fn fn,
		    void *opaque, size_t stack_bytes, unsigned flags)
{
	int err = proc_common_init(k, p, name, fn, opaque, flags);

	if (err)
		return err;
	p->flags |= SIM_PROC_F_THREAD;
	p->thr = calloc(1, sizeof(*p->thr));
	if (!p->thr) {
		procs_remove(k, p);
		return SIM_ERR_NOMEM;
	}
	if (sim_coro_create(&p->thr->coro, stack_bytes ? stack_bytes : k->cfg.thread_stack_bytes, thread_entry,
			    p) != 0) {
		free(p->thr);
		p->thr = NULL;
		procs_remove(k, p);
		sim_kernel_set_error(k, SIM_ERR_NOMEM, "thread '%s': cannot map a stack", name ? name : "");
		return SIM_ERR_NOMEM;
	}
	if (flags & SIM_PROC_OWN_FP_ENV)
		sim_coro_fpenv_capture(&p->thr->coro);
	proc_start(p);
	return SIM_OK;
}

static void zombie_add(struct sim_kernel *k, struct sim_proc *p)
{
	if (p->thr->zombie)
		return;
	if (k->nzombies == k->capzombies) {
		uint32_t cap = k->capzombies ? k->capzombies * 2 : 8;
		struct sim_proc **z = realloc(k->zombies, (size_t)cap * sizeof(*z));

		if (!z) {
			/* Without the list the cleanup would be lost; run it here. */
			if (p->thr->cleanup)
				p->thr->cleanup(p, p->thr->cleanup_opaque);
			return;
		}
		k->zombies = z;
		k->capzombies = cap;
	}
	p->thr->zombie = 1;
	k->zombies[k->nzombies++] = p;
	k->attn = 1;
}

static void zombie_reap(struct sim_proc *p)
{
	struct sim_thread_ctx *t = p->thr;

	t->zombie = 0;
	if (t->cleanup)
		t->cleanup(p, t->cleanup_opaque);
	/* The old frames are abandoned; the thread can only start over. */
	sim_coro_reset(&t->coro);
	if (t->reset_after && p->state == SIM_PROC_KILLED) {
		t->reset_after = 0;
		sim_proc_make_runnable(p);
	}
}

void sim_proc_reap_zombies(struct sim_kernel *k)
{
	/* A cleanup may kill further threads; take them in order. */
	for (uint32_t i = 0; i < k->nzombies; i++)
		zombie_reap(k->zombies[i]);
	k->nzombies = 0;
}

/* Kill @p, optionally to respawn it. Does not return when @p is the
 * running thread. */
static void proc_stop(struct sim_proc *p, int reset_after)
{
	struct sim_kernel *k = p->k;

	dyn_clear(p);
	p->state = SIM_PROC_KILLED;
	if ((p->flags & SIM_PROC_F_QUEUED) && !reset_after) {
		sim_runq_forget(k, (uintptr_t)p | 1u);
		p->flags &= (uint8_t)~SIM_PROC_F_QUEUED;
	}
	if (!sim_proc_is_thread(p)) {
		if (reset_after)
			sim_proc_make_runnable(p);
		return;
	}
	p->thr->reset_after = (uint8_t)reset_after;
	zombie_add(k, p);
	if (p == k->current) {
		sim_coro_switch(&p->thr->coro, k->sched_coro, 1);
		/* Never resumed: a reset restarts at the top of the body. */
	}
	/* Cleanups run on the scheduler's stack: now if this is it, else
	 * when the calling thread yields. */
	if (!k->current || !sim_proc_is_thread(k->current))
		sim_proc_reap_zombies(k);
}

int sim_proc_kill(struct sim_proc *p)
{
	if (!p || !p->k)
		return SIM_ERR_INVALID;
	if (p->state == SIM_PROC_TERMINATED || p->state == SIM_PROC_KILLED)
		return SIM_ERR_STATE;
	proc_stop(p, 0);
	return SIM_OK;
}

int sim_proc_reset(struct sim_proc *p)
{
	if (!p || !p->k)
		return SIM_ERR_INVALID;
	if (p->state != SIM_PROC_TERMINATED && p->state != SIM_PROC_KILLED) {
		proc_stop(p, 1);
		return SIM_OK;
	}
	if (sim_proc_is_thread(p)) {
		if (p->thr->zombie) {
			p->thr->reset_after = 1;
			return SIM_OK;
		}
		sim_coro_reset(&p->thr->coro);
	}
	sim_proc_make_runnable(p);
	return SIM_OK;
}

int sim_thread_set_cleanup(struct sim_proc *p, sim_cleanup_fn fn, void *opaque)
{
	if (!p || !sim_proc_is_thread(p))
		return SIM_ERR_INVALID;
	p->thr->cleanup = fn;
	p->thr->cleanup_opaque = opaque;
	return SIM_OK;
}

static void proc_release(struct sim_proc *p)
{
	struct sim_kernel *k = p->k;

	if (p->flags & SIM_PROC_F_QUEUED)
		sim_runq_forget(k, (uintptr_t)p | 1u);
	for (uint32_t i = 0; i < p->nsens; i++) {
		struct sim_event *ev = pset_at(&p->sens, p->nsens, i);

		ev->nsens = pset_remove(&ev->sens, ev->nsens, p);
	}
	pset_free(&p->sens, p->nsens);
	p->nsens = 0;
	if (p->dyn) {
		dyn_clear(p);
		sim_event_destroy(&p->dyn->timeout);
		free(p->dyn->w);
		free(p->dyn);
		p->dyn = NULL;
	}
	if (p->thr) {
		sim_coro_destroy(&p->thr->coro);
		free(p->thr);
		p->thr = NULL;
	}
	p->k = NULL;
}

int sim_proc_destroy(struct sim_proc *p)
{
	struct sim_kernel *k;

	if (!p || !p->k)
		return SIM_ERR_INVALID;
	k = p->k;
	if (p == k->current)
		return SIM_ERR_STATE;
	if (sim_proc_is_thread(p) && p->state != SIM_PROC_TERMINATED && p->state != SIM_PROC_KILLED)
		proc_stop(p, 0);
	if (sim_proc_is_thread(p) && p->thr->zombie) {
		/* Its stack is about to go: run the cleanup now. */
		for (uint32_t i = 0; i < k->nzombies; i++) {
			if (k->zombies[i] == p) {
				memmove(&k->zombies[i], &k->zombies[i + 1],
					(size_t)(k->nzombies - i - 1) * sizeof(*k->zombies));
				k->nzombies--;
				break;
			}
		}
		p->thr->reset_after = 0;
		zombie_reap(p);
	}
	procs_remove(k, p);
	proc_release(p);
	return SIM_OK;
}

void sim_proc_destroy_all(struct sim_kernel *k)
{
	/* Kill every live thread first, so cleanups see the others intact. */
	for (uint32_t i = 0; i < k->nprocs; i++) {
		struct sim_proc *p = k->procs[i];

		if (sim_proc_is_thread(p) && p->state != SIM_PROC_TERMINATED && p->state != SIM_PROC_KILLED)
			proc_stop(p, 0);
	}
	sim_proc_reap_zombies(k);
	for (uint32_t i = 0; i < k->nprocs; i++)
		proc_release(k->procs[i]);
	k->nprocs = 0;
}

int sim_sensitive(struct sim_proc *p, struct sim_event *ev)
{
	int err;

	if (!p || !ev || !p->k || p->k != ev->k)
		return SIM_ERR_INVALID;
	if (pset_has(&p->sens, p->nsens, ev))
		return SIM_OK;
	if (p->nsens == UINT16_MAX) {
		sim_kernel_set_error(p->k, SIM_ERR_LIMIT, "process '%s' is already sensitive to %u events",
				     sim_proc_name(p), (unsigned)UINT16_MAX);
		return SIM_ERR_LIMIT;
	}
	if (ev->nsens == UINT32_MAX)
		return SIM_ERR_LIMIT;
	err = pset_add(&p->sens, p->nsens, ev);
	if (err)
		return err;
	p->nsens++;
	err = pset_add(&ev->sens, ev->nsens, p);
	if (err) {
		p->nsens = (uint16_t)pset_remove(&p->sens, p->nsens, ev);
		return err;
	}
	ev->nsens++;
	return SIM_OK;
}

/* ------------------------------------------------------------------------
 * Running and waiting
 * ------------------------------------------------------------------------ */

struct sim_proc *sim_current_proc(const struct sim_kernel *k)
{
	return k->current;
}

void sim_proc_set_context(struct sim_proc *p, void *context)
{
	p->context = context;
	if (p->k && p->k->current == p)
		sim_tls_set(context);
}

void sim_proc_resume_thread(struct sim_kernel *k, struct sim_proc *p)
{
	k->stats.threads_resumed++;
	sim_coro_switch(k->sched_coro, &p->thr->coro, 0);
}

static struct sim_proc *running_thread(struct sim_kernel *k, const char *what)
{
	struct sim_proc *p = k ? k->current : NULL;

	if (!p || !sim_proc_is_thread(p) || p->state != SIM_PROC_RUNNING) {
		if (k)
			sim_kernel_set_error(k, SIM_ERR_STATE, "%s called outside a running thread", what);
		return NULL;
	}
	return p;
}

static struct sim_proc *running_method(struct sim_kernel *k, const char *what)
{
	struct sim_proc *p = k ? k->current : NULL;

	if (!p || sim_proc_is_thread(p) || p->state != SIM_PROC_RUNNING) {
		if (k)
			sim_kernel_set_error(k, SIM_ERR_STATE, "%s called outside a running method", what);
		return NULL;
	}
	return p;
}

/* Suspend the running thread until a trigger; returns the waking index. */
static int thread_block(struct sim_proc *p)
{
	struct sim_dynwait *d;
	struct sim_proc *next;

	p->state = SIM_PROC_WAITING;
	next = sim_handoff_target(p->k, p);
	sim_coro_switch(&p->thr->coro, next ? &next->thr->coro : p->k->sched_coro, 0);
	d = p->dyn;
	if (!d)
		return 0;
	if (d->active)
		dyn_clear(p); /* woken by its timeout; see sim_proc_wake_waiters() */
	return d->fired >= 0 ? d->fired : 0;
}

int sim_wait(struct sim_kernel *k)
{
	struct sim_proc *p = running_thread(k, "sim_wait");

	if (!p)
		return SIM_ERR_STATE;
	if (p->nsens == 0) {
		sim_kernel_set_error(k, SIM_ERR_STATE, "thread '%s' waits on an empty static sensitivity",
				     sim_proc_name(p));
		return SIM_ERR_STATE;
	}
	thread_block(p);
	return SIM_OK;
}

int sim_wait_time(struct sim_kernel *k, sim_time_t delay_ps)
{
	struct sim_proc *p = running_thread(k, "sim_wait_time");
	int err;

	if (!p)
		return SIM_ERR_STATE;
	err = dyn_register(p, NULL, 0, 1, delay_ps);
	if (err)
		return err;
	thread_block(p);
	return SIM_OK;
}

int sim_wait_event(struct sim_kernel *k, struct sim_event *ev)
{
	struct sim_proc *p = k ? k->current : NULL;
	struct sim_dynwait *d;

	/* The common case, a thread waiting on one event, skips the general
	 * registration: a running thread has no waits registered. */
	if (p && sim_proc_is_thread(p) && p->state == SIM_PROC_RUNNING && ev && ev->k == k && (d = p->dyn) &&
	    d->cap >= 1) {
		d->w[0].proc = p;
		d->w[0].ev = ev;
		waiter_link(&d->w[0]);
		d->n = 1;
		d->n_ev = 1;
		d->fired = -1;
		d->active = 1;
		thread_block(p);
		return SIM_OK;
	}
	int r = sim_wait_any(k, &ev, 1);

	return r < 0 ? r : SIM_OK;
}

int sim_wait_event_timeout(struct sim_kernel *k, struct sim_event *ev, sim_time_t timeout_ps)
{
	int r = sim_wait_any_timeout(k, &ev, 1, timeout_ps);

	return r < 0 ? r : r == 0;
}

int sim_wait_any(struct sim_kernel *k, struct sim_event *const *evs, unsigned n)
{
	struct sim_proc *p = running_thread(k, "sim_wait_any");
	int err;

	if (!p)
		return SIM_ERR_STATE;
	if (n == 0 || !evs)
		return SIM_ERR_INVALID;
	err = dyn_register(p, evs, n, 0, 0);
	if (err)
		return err;
	return thread_block(p);
}

int sim_wait_any_timeout(struct sim_kernel *k, struct sim_event *const *evs, unsigned n,
			 sim_time_t timeout_ps)
{
	struct sim_proc *p = running_thread(k, "sim_wait_any_timeout");
	int err;

	if (!p)
		return SIM_ERR_STATE;
	if (n == 0 || !evs)
		return SIM_ERR_INVALID;
	err = dyn_register(p, evs, n, 1, timeout_ps);
	if (err)
		return err;
	return thread_block(p);
}

int sim_next_trigger_event(struct sim_kernel *k, struct sim_event *ev)
{
	return sim_next_trigger_any(k, &ev, 1);
}

int sim_next_trigger_time(struct sim_kernel *k, sim_time_t delay_ps)
{
	struct sim_proc *p = running_method(k, "sim_next_trigger_time");

	if (!p)
		return SIM_ERR_STATE;
	return dyn_register(p, NULL, 0, 1, delay_ps);
}

int sim_next_trigger_any(struct sim_kernel *k, struct sim_event *const *evs, unsigned n)
{
	struct sim_proc *p = running_method(k, "sim_next_trigger");

	if (!p)
		return SIM_ERR_STATE;
	if (n == 0 || !evs)
		return SIM_ERR_INVALID;
	return dyn_register(p, evs, n, 0, 0);
}

void sim_halt(struct sim_kernel *k, int code)
{
	struct sim_proc *p;

	if (!k)
		return;
	p = k->current;

	k->halted = 1;
	k->attn = 1;
	k->halt_code = code;
	k->halt_time_ps = k->now_ps;
	if (p && sim_proc_is_thread(p) && p->state == SIM_PROC_RUNNING)
		proc_stop(p, 0); /* does not return */
}
