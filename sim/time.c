/*
 * sim/time.c - formatting of simulated time.
 */
#include "sim/time.h"

#include <inttypes.h>
#include <stdio.h>

int sim_time_format(sim_time_t t_ps, char *buf, size_t len)
{
	/* The largest unit that divides the value exactly keeps the text exact
	 * and short; seconds are the largest unit so days stay readable. */
	static const struct {
		sim_time_t scale;
		const char *unit;
	} units[] = {
		{ SIM_SEC(1), "s" }, { SIM_MS(1), "ms" }, { SIM_US(1), "us" }, { SIM_NS(1), "ns" },
	};

	if (t_ps == 0)
		return snprintf(buf, len, "0 s");
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (t_ps % units[i].scale == 0)
			return snprintf(buf, len, "%" PRIu64 " %s", t_ps / units[i].scale, units[i].unit);
	}
	return snprintf(buf, len, "%" PRIu64 " ps", t_ps);
}
