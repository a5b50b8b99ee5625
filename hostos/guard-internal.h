/*
 * hostos/guard-internal.h - turning a driver's page fault in guarded pool
 * into a bug check (hostos/guard.c): the SIGSEGV handler asks the pool
 * whether the address is its (hostos_pool_fault()); the pool either makes
 * the page accessible and the access is retried, or leaves a bug check
 * pending, and the handler resumes the faulting thread in
 * hostos_pool_fault_raise(), on the same stack, which raises it through
 * hostos_bugcheck() as any other finding. Nothing longjmps; the signal
 * handler returns normally. Not installed.
 */
#ifndef PCISIM_HOSTOS_GUARD_INTERNAL_H
#define PCISIM_HOSTOS_GUARD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct hostos_thread;

/* What the fault was. */
struct hostos_fault_info {
	uintptr_t addr;
	bool write;
	uintptr_t ip;       /* the faulting instruction */
};

enum hostos_fault_verdict {
	HOSTOS_FAULT_NOT_OURS = 0,   /* chain to whoever handled SIGSEGV before */
	HOSTOS_FAULT_RETRY = 1,      /* made accessible: run the access again */
	HOSTOS_FAULT_BUGCHECK = 2,   /* pending: resume in hostos_pool_fault_raise() */
};

/* Whether guard pages work on this host (x86-64 Linux). */
bool hostos_guard_supported(void);

/* Install the SIGSEGV handler, once per process (the previous handler is
 * kept and called for faults that are not the pool's). 0, or
 * SIM_ERR_STATE when not supported or sigaction fails. */
int hostos_guard_install(void);

/* ---- the owners of guarded ranges, asked in turn from the handler
 * (async-signal context: no allocation, no locks). A BUGCHECK verdict
 * leaves the code and parameters in t->os->fault_pending. ---- */
enum hostos_fault_verdict hostos_pool_fault(struct hostos_thread *t,
					    const struct hostos_fault_info *fi);   /* pool.c */
enum hostos_fault_verdict hostos_mmio_fault(struct hostos_thread *t,
					    const struct hostos_fault_info *fi);   /* mmio.c */

/* Raise the pending bug check of the current thread; never returns. */
_Noreturn void hostos_guard_raise(void);

#endif /* PCISIM_HOSTOS_GUARD_INTERNAL_H */
