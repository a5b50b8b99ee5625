/*
 * hostos/guard.c - the SIGSEGV handler behind Special Pool and Force IRQL
 * Checking (hostos/guard-internal.h).
 *
 * The signal disposition is process-wide, so the handler and the handler
 * it replaced are the one piece of process-global state of hostos/ besides
 * the kernel's thread-local current context: installed when a machine
 * with guarded pool gets its memory (again, if someone replaced it since),
 * never removed, and harmless for faults that are not the pool's (they go
 * to the previous handler, or end the process as they would have). The
 * handler finds its machine through the current host OS thread; a fault
 * outside any is never the pool's.
 *
 * A bug check is not raised inside the handler: the handler rewrites the
 * interrupted context so that, once it returns (sigreturn restores the
 * signal mask), the thread continues in hostos_guard_raise() on its
 * own stack, below the faulting frame, which it never returns to. That is
 * an ordinary call of hostos_bugcheck(), which ends the thread through the
 * kernel as every bug check does.
 */
#define _GNU_SOURCE 1
#include "hostos/guard-internal.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

#include "hostos/mmio.h"
#include "hostos/os-internal.h"

#if defined(__linux__) && defined(__x86_64__)
#define GUARD_SUPPORTED 1
#else
#define GUARD_SUPPORTED 0
#endif

bool hostos_guard_supported(void)
{
	return GUARD_SUPPORTED;
}

_Noreturn void hostos_guard_raise(void)
{
	struct hostos_thread *t = hostos_self("a page fault");
	const uint64_t *q = t->os->fault_pending.p;

	switch (t->os->fault_pending.code) {
	case 0xD1:
		hostos_bugcheck(t, 0xD1, q[0], q[1], q[2], q[3],
				"%s of paged pool at 0x%llx at IRQL %u (Force IRQL Checking)",
				q[2] ? "write" : "read", (unsigned long long)q[0], (unsigned)q[1]);
	case 0xD5:
		hostos_bugcheck(t, 0xD5, q[0], q[1], q[2], q[3],
				"%s of 0x%llx, in a freed Special Pool block",
				q[1] ? "write" : "read", (unsigned long long)q[0]);
	case 0xD6:
		hostos_bugcheck(t, 0xD6, q[0], q[1], q[2], q[3],
				"%s of 0x%llx, beyond a Special Pool block",
				q[1] ? "write" : "read", (unsigned long long)q[0]);
	case 0x50:
		hostos_bugcheck(t, 0x50, q[0], q[1], q[2], q[3],
				"plain %s of 0x%llx, device memory unmapped by MmUnmapIoSpace",
				q[1] ? "write" : "read", (unsigned long long)q[0]);
	default:
		hostos_bugcheck(t, HOSTOS_MMIO_PLAIN_ACCESS, q[0], q[1], q[2], q[3],
				"plain %s of device memory at 0x%llx (bus address 0x%llx): use the "
				"READ_/WRITE_REGISTER_* routines",
				q[1] ? "write" : "read", (unsigned long long)q[0],
				(unsigned long long)q[3]);
	}
}

#if GUARD_SUPPORTED

static struct sigaction previous;

static void chain(int sig, siginfo_t *si, void *uc)
{
	if (previous.sa_flags & SA_SIGINFO) {
		if (previous.sa_sigaction) {
			previous.sa_sigaction(sig, si, uc);
			return;
		}
	} else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
		return;
	}
	/* The default action: the access runs again and ends the process. */
	signal(sig, SIG_DFL);
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	struct hostos_thread *t = hostos_self_or_null();
	struct hostos_fault_info fi;
	enum hostos_fault_verdict verdict;
	uintptr_t sp;

	if (!t || si->si_code == SI_USER) {
		chain(sig, si, ucv);
		return;
	}
	fi.addr = (uintptr_t)si->si_addr;
	fi.write = (g[REG_ERR] & 2) != 0;       /* the page fault error code's W bit */
	fi.ip = (uintptr_t)g[REG_RIP];
	verdict = hostos_pool_fault(t, &fi);
	if (verdict == HOSTOS_FAULT_NOT_OURS)
		verdict = hostos_mmio_fault(t, &fi);
	switch (verdict) {
	case HOSTOS_FAULT_RETRY:
		return;
	case HOSTOS_FAULT_BUGCHECK:
		/* Continue in hostos_guard_raise() as if called, on the
		 * faulting frame's red zone (that frame is never returned
		 * to; staying within 128 bytes of the stack pointer keeps
		 * valgrind's view of the stack right). */
		sp = ((uintptr_t)g[REG_RSP] - 64) & ~(uintptr_t)15;
		g[REG_RSP] = (greg_t)(sp - 8);
		g[REG_RIP] = (greg_t)(uintptr_t)hostos_guard_raise;
		return;
	case HOSTOS_FAULT_NOT_OURS:
		break;
	}
	chain(sig, si, ucv);
}

int hostos_guard_install(void)
{
	struct sigaction sa, cur;

	/* Someone (a test framework) may have replaced the handler since:
	 * install again, keeping theirs as the one to chain to. */
	if (sigaction(SIGSEGV, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == on_segv)
		return SIM_OK;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &previous) != 0)
		return SIM_ERR_STATE;
	return SIM_OK;
}

#else

int hostos_guard_install(void)
{
	return SIM_ERR_STATE;
}

#endif
