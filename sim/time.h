/*
 * sim/time.h - simulated time.
 *
 * Simulated time is an unsigned 64-bit count of picoseconds (SystemC's
 * default resolution). 2^64 ps is about 213 days of simulated time. Time
 * never wraps: every place that adds to a time checks for overflow and
 * reports SIM_ERR_OVERFLOW instead. Include freely; no dependencies but libc.
 */
#ifndef PCISIM_SIM_TIME_H
#define PCISIM_SIM_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A point in, or a span of, simulated time, in picoseconds. */
typedef uint64_t sim_time_t;

/** The largest representable time; never a valid event time to reach by addition. */
#define SIM_TIME_MAX UINT64_MAX

/* Unit helpers: the argument is converted to sim_time_t before scaling, so
 * SIM_NS(3) is 3000 ps. They do not check for overflow (use constants). */
#define SIM_PS(x) ((sim_time_t)(x))
#define SIM_NS(x) ((sim_time_t)(x) * UINT64_C(1000))
#define SIM_US(x) ((sim_time_t)(x) * UINT64_C(1000000))
#define SIM_MS(x) ((sim_time_t)(x) * UINT64_C(1000000000))
#define SIM_SEC(x) ((sim_time_t)(x) * UINT64_C(1000000000000))

/**
 * sim_time_add() - add two times, refusing to wrap.
 * @a: first operand, ps.
 * @b: second operand, ps.
 * @out: receives a + b when it fits.
 *
 * Return: true when the sum fits in sim_time_t; false on overflow (@out is
 * left untouched).
 */
static inline bool sim_time_add(sim_time_t a, sim_time_t b, sim_time_t *out)
{
	if (b > SIM_TIME_MAX - a)
		return false;
	*out = a + b;
	return true;
}

/**
 * sim_time_format() - print a time with the largest unit that keeps it exact.
 * @t_ps: the time, ps.
 * @buf: destination; always NUL-terminated when @len > 0.
 * @len: size of @buf in bytes (32 is always enough).
 *
 * Examples: "0 s", "1500 ps", "3 ns", "12 us", "2500 ms". The output depends
 * only on @t_ps (deterministic, locale independent).
 *
 * Return: the number of characters the full text needs, as snprintf.
 */
int sim_time_format(sim_time_t t_ps, char *buf, size_t len);

#endif /* PCISIM_SIM_TIME_H */
