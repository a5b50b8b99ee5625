/*
 * hostos/time.c - the clocks (spec §5.4), all read from simulated time:
 * interrupt time is 100 ns units since boot (simulated time 0), system
 * time adds HOSTOS_BOOT_SYSTEM_TIME (2024-01-01 UTC), the tick count is
 * whole clock ticks since boot. As documented, KeQueryInterruptTime and
 * KeQuerySystemTime advance once per clock tick (they read the value of
 * the last tick) while KeQuerySystemTimePrecise and
 * KeQueryPerformanceCounter (10 MHz) are exact. The tick is counted even
 * while no tick event runs (no timer armed): the clock is a function of
 * simulated time, the event only does the tick's work.
 */
#include "hostos/sync-internal.h"

sim_time_t hostos_due_ps(struct hostos *os, LONGLONG due)
{
	sim_time_t now = sim_now(os->k), cap = SIM_TIME_MAX / 2, at;

	if (due < 0) {
		uint64_t rel = (uint64_t)(-(due + 1)) + 1;

		if (now >= cap || rel > (cap - now) / HOSTOS_100NS)
			return cap > now ? cap : now;
		return now + rel * HOSTOS_100NS;
	}
	if ((uint64_t)due <= HOSTOS_BOOT_SYSTEM_TIME)
		return now;
	if ((uint64_t)due - HOSTOS_BOOT_SYSTEM_TIME > cap / HOSTOS_100NS)
		return cap > now ? cap : now;
	at = ((uint64_t)due - HOSTOS_BOOT_SYSTEM_TIME) * HOSTOS_100NS;
	return at < now ? now : at;
}

/* 100 ns units since boot, as of the last tick or exact. */
static ULONGLONG since_boot(struct hostos *os, bool precise)
{
	sim_time_t now = sim_now(os->k), inc = hostos_tick_ps(os);

	if (!precise)
		now = now / inc * inc;
	return now / HOSTOS_100NS;
}

ULONGLONG hostos_system_time(struct hostos *os, bool precise)
{
	return HOSTOS_BOOT_SYSTEM_TIME + since_boot(os, precise);
}

ULONGLONG KeQueryInterruptTime(VOID)
{
	return since_boot(hostos_self("KeQueryInterruptTime")->os, false);
}

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
	CurrentTime->QuadPart =
		(LONGLONG)hostos_system_time(hostos_self("KeQuerySystemTime")->os, false);
}

VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
	CurrentTime->QuadPart =
		(LONGLONG)hostos_system_time(hostos_self("KeQuerySystemTimePrecise")->os, true);
}

VOID KeQueryTickCount(PLARGE_INTEGER CurrentCount)
{
	struct hostos *os = hostos_self("KeQueryTickCount")->os;

	CurrentCount->QuadPart = (LONGLONG)(sim_now(os->k) / hostos_tick_ps(os));
}

ULONG KeQueryTimeIncrement(VOID)
{
	return hostos_self("KeQueryTimeIncrement")->os->cfg.time_increment;
}

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
	struct hostos *os = hostos_self("KeQueryPerformanceCounter")->os;
	LARGE_INTEGER r;

	if (PerformanceFrequency)
		PerformanceFrequency->QuadPart = 10000000;
	r.QuadPart = (LONGLONG)(sim_now(os->k) / HOSTOS_100NS);
	return r;
}
