/*
 * examples/refdrv/moderate.c - interrupt moderation in the driver. The
 * reference device cannot coalesce interrupts (one completion, one
 * interrupt), so with InterruptModerationUs set the driver does what
 * drivers for such hardware do (Linux's NAPI is the best-known form): the
 * first completion interrupts; its DPC masks the completion causes at the
 * device and polls it for the completions of the requests it starts, for
 * at most InterruptModerationUs from the start of polling or until no
 * request is left; then it unmasks them. A completion that arrived while
 * they were masked interrupts at the unmask (refdev.md, Interrupts: a
 * cause that becomes enabled while set is signalled), so none is lost.
 * Fewer interrupts, ISRs and DPC runs per request; the cost is the time
 * the DPC spends polling, during which its CPU runs nothing else.
 */
#include <wdm.h>

#include "refdrv-internal.h"

/* The first poller masks the completion causes. FALSE: stopping. */
static BOOLEAN RefdrvPollBegin(PREFDRV_EXT Ext)
{
	BOOLEAN ok;

	KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
	ok = !Ext->Stopping;
	if (ok && Ext->Pollers++ == 0)
		RefdrvWrite(Ext, REG_INT_MASK, INT_ALL & ~INT_COMPLETION);
	KeReleaseSpinLockFromDpcLevel(&Ext->Lock);
	return ok;
}

/* The last poller unmasks them, unless the stop path owns INT_MASK now. */
static VOID RefdrvPollEnd(PREFDRV_EXT Ext)
{
	KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
	if (--Ext->Pollers == 0 && !Ext->Stopping)
		RefdrvWrite(Ext, REG_INT_MASK, INT_ALL);
	KeReleaseSpinLockFromDpcLevel(&Ext->Lock);
}

/* From the DPC, after it finished a command (DISPATCH_LEVEL). */
VOID RefdrvModerate(PREFDRV_EXT Ext)
{
	LARGE_INTEGER frequency, start, now;
	LONGLONG budget;
	ULONG causes;

	if (!RefdrvPollBegin(Ext))
		return;
	start = KeQueryPerformanceCounter(&frequency);
	budget = frequency.QuadPart * (LONGLONG)Ext->ModerationUs / 1000000;
	/* CurrentIrp is the request whose command runs (or waits for map
	 * registers); without one there is nothing to wait for. */
	while (Ext->Self->CurrentIrp) {
		if (!RefdrvPollCauses(Ext, &causes))
			break;
		if (causes) {
			if (causes & INT_COMPLETION)
				InterlockedIncrement(&Ext->Polled);
			RefdrvHandleCauses(Ext, causes);
		}
		now = KeQueryPerformanceCounter(NULL);
		if (now.QuadPart - start.QuadPart >= budget)
			break;
	}
	RefdrvPollEnd(Ext);
}
