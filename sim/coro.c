/*
 * sim/coro.c - stacks and context switches for thread processes.
 *
 * Nothing here longjmps: a coroutine only ever leaves by switching to
 * another context, and a finished or killed one is simply never resumed.
 */
#include "sim/coro-internal.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef SIM_CORO_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifdef PCISIM_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#ifndef MAP_STACK
#define MAP_STACK 0
#endif
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

#ifdef SIM_CORO_ASAN
/* AddressSanitizer needs the host stack's bounds to switch back to it;
 * only a switch away from the host reveals them. */
void sim_coro_asan_note_host(struct sim_coro *caller, const void *lo, size_t bytes)
{
	/* Only the host stack's bounds are unknown ahead of time. */
	if (caller && !caller->map && lo) {
		caller->stack_lo = (void *)lo;
		caller->stack_bytes = bytes;
	}
}
#endif

static size_t page_bytes(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096u;
}

void sim_coro_init_host(struct sim_coro *c)
{
	memset(c, 0, sizeof(*c));
}

/* Called on the coroutine's own stack, first thing after the first switch
 * to it. The caller to record is the host (only the scheduler starts
 * coroutines). */
void sim_coro_start(struct sim_coro *c);
#if defined(__GNUC__)
/* Referenced only from the assembly trampoline; keep it through LTO. */
__attribute__((used))
#endif
void sim_coro_start(struct sim_coro *c)
{
#ifdef SIM_CORO_ASAN
	const void *lo = NULL;
	size_t bytes = 0;
	__sanitizer_finish_switch_fiber(NULL, &lo, &bytes);
	sim_coro_asan_note_host(c->peer, lo, bytes);
#endif
	c->entry(c->arg);
	/* The entry function must switch away for good; returning would run
	 * off the top of the stack. */
	for (;;)
		;
}

#ifndef PCISIM_CORO_UCONTEXT

/* A new coroutine's first switch lands here (see coro_prepare()) with
 * the coroutine's address on top of its stack. */
__asm__(".text\n"
	".p2align 4\n"
	".globl sim_coro_trampoline\n"
	".hidden sim_coro_trampoline\n"
	".type sim_coro_trampoline,@function\n"
	"sim_coro_trampoline:\n"
	"\tpopq %rdi\n"
	"\tandq $-16, %rsp\n"
	"\tcall sim_coro_start\n"
	"\tud2\n"
	".size sim_coro_trampoline, .-sim_coro_trampoline\n");

void sim_coro_trampoline(void);

void sim_coro_fpenv_swap(struct sim_coro *from, struct sim_coro *to)
{
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(from->mxcsr), "=m"(from->fpucw));
	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(to->mxcsr), "m"(to->fpucw));
}

void sim_coro_fpenv_capture(struct sim_coro *c)
{
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(c->mxcsr), "=m"(c->fpucw));
	c->own_fpenv = 1;
}

static void coro_prepare(struct sim_coro *c)
{
	uintptr_t top = ((uintptr_t)c->stack_lo + c->stack_bytes) & ~(uintptr_t)15;
	uint64_t *f = (uint64_t *)top;

	/* What sim_coro_jump() pops: the resume address, then rbp; the
	 * trampoline pops the coroutine. */
	*--f = 0;
	*--f = (uint64_t)(uintptr_t)c;
	*--f = 0; /* rbp: the end of the frame chain */
	*--f = (uint64_t)(uintptr_t)sim_coro_trampoline;
	c->sp = f;
}

#else /* PCISIM_CORO_UCONTEXT */

void sim_coro_fpenv_swap(struct sim_coro *from, struct sim_coro *to)
{
	(void)from;
	(void)to;
}

void sim_coro_fpenv_capture(struct sim_coro *c)
{
	c->own_fpenv = 1;
}

static void coro_uc_entry(unsigned lo, unsigned hi)
{
	uintptr_t p = ((uintptr_t)hi << 16 << 16) | (uintptr_t)lo;
	sim_coro_start((struct sim_coro *)p);
}

static void coro_prepare(struct sim_coro *c)
{
	uintptr_t p = (uintptr_t)c;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = c->stack_lo;
	c->uc.uc_stack.ss_size = c->stack_bytes;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))coro_uc_entry, 2, (unsigned)(p & 0xffffffffu),
		    (unsigned)(p >> 16 >> 16));
}

#endif /* PCISIM_CORO_UCONTEXT */

int sim_coro_create(struct sim_coro *c, size_t stack_bytes, sim_coro_entry_fn entry, void *arg)
{
	size_t page = page_bytes();
	size_t usable = (stack_bytes + page - 1) / page * page;
	void *map;

	memset(c, 0, sizeof(*c));
	if (usable < 4 * page)
		usable = 4 * page;
	map = mmap(NULL, usable + page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return -1;
	/* The guard sits below the stack, which grows down into it. */
	if (mprotect(map, page, PROT_NONE) != 0) {
		munmap(map, usable + page);
		return -1;
	}
	c->map = map;
	c->map_bytes = usable + page;
	c->stack_lo = (char *)map + page;
	c->stack_bytes = usable;
	c->entry = entry;
	c->arg = arg;
#ifdef PCISIM_HAVE_VALGRIND_H
	c->valgrind_id = VALGRIND_STACK_REGISTER(c->stack_lo, (char *)c->stack_lo + usable);
#endif
	coro_prepare(c);
	return 0;
}

void sim_coro_reset(struct sim_coro *c)
{
#ifdef SIM_CORO_ASAN
	/* The abandoned frames left redzones in the shadow memory. */
	__asan_unpoison_memory_region(c->stack_lo, c->stack_bytes);
#endif
	coro_prepare(c);
}

void sim_coro_destroy(struct sim_coro *c)
{
	if (!c->map)
		return;
#ifdef SIM_CORO_ASAN
	__asan_unpoison_memory_region(c->stack_lo, c->stack_bytes);
#endif
#ifdef PCISIM_HAVE_VALGRIND_H
	VALGRIND_STACK_DEREGISTER(c->valgrind_id);
#endif
	munmap(c->map, c->map_bytes);
	c->map = NULL;
}
