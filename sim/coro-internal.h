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
#include <stdint.h>

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
	uint32_t mxcsr;         /* saved SSE control/status, when own_fpenv */
	uint16_t fpucw;         /* saved x87 control word, when own_fpenv */
	uint8_t own_fpenv;      /* keeps its own floating-point environment */
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

#if defined(__SANITIZE_ADDRESS__)
#define SIM_CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_CORO_ASAN 1
#endif
#endif

#ifdef SIM_CORO_ASAN
#include <sanitizer/common_interface_defs.h>
void sim_coro_asan_note_host(struct sim_coro *host, const void *lo, size_t bytes);
#endif

#ifndef PCISIM_CORO_UCONTEXT
/*
 * The switch is inline assembly at each call site, not a function: a
 * function's `ret` would run on the other stack, where the return-stack
 * predictor always guesses wrong (about 8 ns per switch on the machines we
 * measured); an indirect jump from a fixed site is predicted well. Every
 * register the ABI lets a callee keep is declared clobbered, so the
 * compiler keeps nothing live in one; rbp (maybe the frame pointer) is
 * saved by hand, and the red zone below rsp is stepped over.
 *
 * The SSE control/status word and the x87 control word are switched only
 * for coroutines that asked to keep their own (own_fpenv): reading them
 * costs several times the rest of the switch.
 */
static inline void sim_coro_jump(void **save_sp, void *new_sp)
{
	__asm__ volatile("leaq -128(%%rsp), %%rsp\n\t"
			 "pushq %%rbp\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "movq %%rsp, (%%rdi)\n\t"
			 "movq %%rsi, %%rsp\n\t"
			 "popq %%rax\n\t"
			 "popq %%rbp\n\t"
			 "jmpq *%%rax\n\t"
			 "1:\n\t"
			 "leaq 128(%%rsp), %%rsp\n\t"
			 : "+D"(save_sp), "+S"(new_sp)
			 :
			 : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
			   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
			   "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}
#endif

/* Save the floating-point control state in @from, load @to's. */
void sim_coro_fpenv_swap(struct sim_coro *from, struct sim_coro *to);

/* Start @c with the floating-point control state in force now. */
void sim_coro_fpenv_capture(struct sim_coro *c);

/* Save the current context in @from and resume @to. Returns when some
 * context switches back to @from. With @from_dying set, @from will never be
 * resumed (AddressSanitizer may release its fake stack). Coroutines only
 * switch to and from the host (the scheduler's stack). */
static inline void sim_coro_switch(struct sim_coro *from, struct sim_coro *to, int from_dying)
{
#ifdef SIM_CORO_ASAN
	void *fake = NULL;
	const void *lo = NULL;
	size_t bytes = 0;
#endif

	to->peer = from;
#ifdef SIM_CORO_ASAN
	__sanitizer_start_switch_fiber(from_dying ? NULL : &fake, to->stack_lo, to->stack_bytes);
#else
	(void)from_dying;
#endif
#ifdef PCISIM_CORO_UCONTEXT
	swapcontext(&from->uc, &to->uc); /* saves the FP environment itself */
#else
	if (from->own_fpenv | to->own_fpenv)
		sim_coro_fpenv_swap(from, to);
	sim_coro_jump(&from->sp, to->sp);
#endif
#ifdef SIM_CORO_ASAN
	/* Back in @from; for a coroutine, the host just switched here. */
	__sanitizer_finish_switch_fiber(fake, &lo, &bytes);
	if (from->map)
		sim_coro_asan_note_host(from->peer, lo, bytes);
#endif
}

#endif /* PCISIM_SIM_CORO_INTERNAL_H */
