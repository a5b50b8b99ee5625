/*
 * sim/vcd.h - a Value Change Dump writer (IEEE 1364 section 18) for signals
 * and counters, readable by GTKWave.
 *
 * The timescale is 1 ps, the kernel's resolution, so times are written
 * exactly. Variables are declared first; the header is written when the
 * first value change arrives (or at sim_vcd_close()), after which no
 * variable can be added. Output depends only on the calls made (no dates,
 * no host pointers), so equal runs give equal files.
 */
#ifndef PCISIM_SIM_VCD_H
#define PCISIM_SIM_VCD_H

#include <stdint.h>
#include <stdio.h>

#include "sim/outfile.h"
#include "sim/time.h"

/** struct sim_vcd - one VCD file being written. Fields are private. */
struct sim_vcd {
	/* private */
	struct sim_outfile out; /* the file, its buffer and first error */
	struct sim_vcd_var *vars;
	uint32_t nvars, capvars;
	sim_time_t last_time_ps;
	int header_done;
	int time_written;
	int warned_time; /* the backwards-time warning was printed */
};

/**
 * sim_vcd_open() - create (truncate) @path and prepare to write.
 * Return: 0, SIM_ERR_INVALID (NULL argument) or SIM_ERR_IO (cannot open;
 * the struct is then left closed and may be opened again).
 */
int sim_vcd_open(struct sim_vcd *v, const char *path);

/**
 * sim_vcd_add_var() - declare a variable.
 * @scope: a module name for the $scope block, or NULL for the top scope
 *         "top"; dots are not split.
 * @name: the variable's name (must not contain spaces).
 * @width_bits: 1..64; 1 is written as a scalar wire, more as a vector.
 * @initial: the value written in the $dumpvars section.
 * @id_out: receives the handle to pass to sim_vcd_change().
 * Return: 0, SIM_ERR_INVALID, SIM_ERR_STATE (the header is already written),
 * or SIM_ERR_NOMEM.
 */
int sim_vcd_add_var(struct sim_vcd *v, const char *scope, const char *name, unsigned width_bits,
		    uint64_t initial, uint32_t *id_out);

/**
 * sim_vcd_change() - record that variable @id holds @value from @t_ps on.
 * Times must not decrease (a smaller time is reported once on stderr and
 * the change is written at the last time). A value equal to the last
 * written one is skipped. @value is masked to the variable's width. An
 * unknown @id is ignored. I/O errors and unknown ids are remembered and
 * returned by sim_vcd_close(); a NULL or unopened @v is ignored.
 */
void sim_vcd_change(struct sim_vcd *v, uint32_t id, sim_time_t t_ps, uint64_t value);

/**
 * sim_vcd_close() - write the final time stamp @end_ps (if later than the
 * last change), flush and close. Safe on a struct that failed to open.
 * Return: 0, SIM_ERR_IO if any write failed, or SIM_ERR_INVALID if
 * sim_vcd_change() was given an unknown id (the first error is kept).
 */
int sim_vcd_close(struct sim_vcd *v, sim_time_t end_ps);

#endif /* PCISIM_SIM_VCD_H */
