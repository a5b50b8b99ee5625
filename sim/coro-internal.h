/*
 * sim/coro-internal.h - coroutines for thread processes. Private to sim/.
 *
 * On x86-64 (System V) a hand-written switch saves the callee-saved
 * registers, the SSE control/status word and the x87 control word on the
 * old stack and swaps stack pointers: about a function call's cost. Other
 * targets (or a build with PCISIM_CORO_UCONTEXT defined) use ucontext.
 * Stacks are mmap'ed with a PROT_NONE guard page below them, announced to
 * AddressSanitizer (fiber API) and valgrind (stack registration).
 */
#ifndef PCISIM_SIM_CORO_INTERNAL_H
#define PCISIM_SIM_CORO_INTERNAL_H

#include <stddef.h>

#if !defined(__x86_64__) || defined(_WIN32)
#ifndef PCISIM_CORO_UCONTEXT
#define PCISIM_CORO_UCONTEXT 1
#endif
#endif

#ifdef PCISIM_CORO_UCONTEXT
#include <ucontext.h>
#endif

typedef void (*sim_coro_entry_fn)(void *arg);

struct sim_coro {
#ifdef PCISIM_CORO_UCONTEXT
	ucontext_t uc;
#else
	void *sp;               /* saved stack pointer while switched out */
#endif
	void *map;              /* whole mapping, guard page included; NULL for the host stack */
	size_t map_bytes;
	void *stack_lo;         /* usable stack: [stack_lo, stack_lo + stack_bytes) */
	size_t stack_bytes;
	sim_coro_entry_fn entry;
	void *arg;
	struct sim_coro *peer;  /* the context that last switched to this one */
	unsigned valgrind_id;
};

/* The host thread's own stack, where the scheduler runs. */
void sim_coro_init_host(struct sim_coro *c);

/* Map a stack of at least @stack_bytes (rounded up to pages) plus a guard.
 * Returns 0 or -1 when the mapping fails. */
int sim_coro_create(struct sim_coro *c, size_t stack_bytes, sim_coro_entry_fn entry, void *arg);

/* Start over: the next switch to @c calls entry(arg) at the top of its stack.
 * Whatever the old frames held is abandoned. */
void sim_coro_reset(struct sim_coro *c);

/* Unmap the stack. */
void sim_coro_destroy(struct sim_coro *c);

/* Save the current context in @from and resume @to. Returns when some
 * context switches back to @from. With @from_dying set, @from will never be
 * resumed (AddressSanitizer may release its fake stack). */
void sim_coro_switch(struct sim_coro *from, struct sim_coro *to, int from_dying);

#endif /* PCISIM_SIM_CORO_INTERNAL_H */
