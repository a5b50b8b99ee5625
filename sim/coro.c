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

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif

#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
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

#ifdef CORO_ASAN
/* AddressSanitizer needs the host stack's bounds to switch back to it;
 * only a switch away from the host reveals them. */
static void coro_note_caller(struct sim_coro *caller, const void *lo, size_t bytes)
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
#ifdef CORO_ASAN
	const void *lo = NULL;
	size_t bytes = 0;
	__sanitizer_finish_switch_fiber(NULL, &lo, &bytes);
	coro_note_caller(c->peer, lo, bytes);
#endif
	c->entry(c->arg);
	/* The entry function must switch away for good; returning would run
	 * off the top of the stack. */
	for (;;)
		;
}

#ifndef PCISIM_CORO_UCONTEXT

/* void sim_coro_swap(void **save_sp, void *new_sp): System V x86-64. The
 * frame layout, from the saved stack pointer up: SSE control/status word
 * and x87 control word (8 bytes), r15, r14, r13, r12, rbx, rbp, return
 * address. sim_coro_trampoline receives the coroutine in rbx. */
__asm__(".text\n"
	".p2align 4\n"
	".globl sim_coro_swap\n"
	".hidden sim_coro_swap\n"
	".type sim_coro_swap,@function\n"
	"sim_coro_swap:\n"
	"\tpushq %rbp\n"
	"\tpushq %rbx\n"
	"\tpushq %r12\n"
	"\tpushq %r13\n"
	"\tpushq %r14\n"
	"\tpushq %r15\n"
	"\tpushq $0\n"
	"\tstmxcsr (%rsp)\n"
	"\tfnstcw 4(%rsp)\n"
	"\tmovq %rsp, %rax\n"
	"\tmovq %rsp, (%rdi)\n"
	"\tmovq %rsi, %rsp\n"
	/* Loading the control words stalls the pipeline; contexts almost
	 * always share them, so load only when they differ. */
	"\tmovq (%rax), %rcx\n"
	"\tcmpq %rcx, (%rsp)\n"
	"\tjne 1f\n"
	"2:\n"
	"\taddq $8, %rsp\n"
	"\tpopq %r15\n"
	"\tpopq %r14\n"
	"\tpopq %r13\n"
	"\tpopq %r12\n"
	"\tpopq %rbx\n"
	"\tpopq %rbp\n"
	"\tret\n"
	"1:\n"
	"\tldmxcsr (%rsp)\n"
	"\tfldcw 4(%rsp)\n"
	"\tjmp 2b\n"
	".size sim_coro_swap, .-sim_coro_swap\n"
	".p2align 4\n"
	".globl sim_coro_trampoline\n"
	".hidden sim_coro_trampoline\n"
	".type sim_coro_trampoline,@function\n"
	"sim_coro_trampoline:\n"
	"\tmovq %rbx, %rdi\n"
	"\tandq $-16, %rsp\n"
	"\tcall sim_coro_start\n"
	"\tud2\n"
	".size sim_coro_trampoline, .-sim_coro_trampoline\n");

void sim_coro_swap(void **save_sp, void *new_sp);
void sim_coro_trampoline(void);

static void coro_prepare(struct sim_coro *c)
{
	uintptr_t top = ((uintptr_t)c->stack_lo + c->stack_bytes) & ~(uintptr_t)15;
	uint64_t *f = (uint64_t *)top;

	*--f = 0;                                /* end of the call chain */
	*--f = (uint64_t)(uintptr_t)sim_coro_trampoline;
	*--f = 0;                                /* rbp */
	*--f = (uint64_t)(uintptr_t)c;           /* rbx: the coroutine */
	*--f = 0;                                /* r12 */
	*--f = 0;                                /* r13 */
	*--f = 0;                                /* r14 */
	*--f = 0;                                /* r15 */
	/* Power-on defaults: all SSE exceptions masked, round to nearest;
	 * x87 extended precision with exceptions masked. */
	*--f = (uint64_t)0x1F80u | ((uint64_t)0x037Fu << 32);
	c->sp = f;
}

#else /* PCISIM_CORO_UCONTEXT */

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
#ifdef CORO_ASAN
	/* The abandoned frames left redzones in the shadow memory. */
	__asan_unpoison_memory_region(c->stack_lo, c->stack_bytes);
#endif
	coro_prepare(c);
}

void sim_coro_destroy(struct sim_coro *c)
{
	if (!c->map)
		return;
#ifdef CORO_ASAN
	__asan_unpoison_memory_region(c->stack_lo, c->stack_bytes);
#endif
#ifdef PCISIM_HAVE_VALGRIND_H
	VALGRIND_STACK_DEREGISTER(c->valgrind_id);
#endif
	munmap(c->map, c->map_bytes);
	c->map = NULL;
}

void sim_coro_switch(struct sim_coro *from, struct sim_coro *to, int from_dying)
{
	to->peer = from;
#ifdef CORO_ASAN
	void *fake = NULL;
	const void *lo = NULL;
	size_t bytes = 0;

	__sanitizer_start_switch_fiber(from_dying ? NULL : &fake, to->stack_lo, to->stack_bytes);
#else
	(void)from_dying;
#endif
#ifdef PCISIM_CORO_UCONTEXT
	swapcontext(&from->uc, &to->uc);
#else
	sim_coro_swap(&from->sp, to->sp);
#endif
#ifdef CORO_ASAN
	/* Back in @from. Coroutines are only resumed by the host, so for a
	 * coroutine the peer that just switched here is the host. */
	__sanitizer_finish_switch_fiber(fake, &lo, &bytes);
	if (from->map)
		coro_note_caller(from->peer, lo, bytes);
#endif
}
