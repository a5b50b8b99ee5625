/*
 * sim/signal.h - signals: a value written in one delta cycle is seen in the
 * next (IEEE 1666 sc_signal), with a value-changed event that observers
 * (methods or threads) are sensitive to, and optional VCD tracing.
 *
 * A signal holds up to 64 bits; a width of 1 models a wire. Writes within
 * one delta overwrite each other (the last write wins) and take effect in
 * the update phase; when the committed value differs from the old one, the
 * value-changed event is notified for the next delta cycle.
 */
#ifndef PCISIM_SIM_SIGNAL_H
#define PCISIM_SIM_SIGNAL_H

#include <stdint.h>

#include "sim/kernel.h"

struct sim_vcd;

/** struct sim_signal - a signal, embedded in its owner. */
struct sim_signal {
	/* read-only */
	uint64_t cur;              /**< committed value */
	uint64_t next;             /**< value written this delta */
	uint64_t mask;             /**< low @width bits set */
	unsigned width;            /**< 1..64 bits */
	const char *name;
	/* private */
	struct sim_kernel *k;
	struct sim_event changed;
	struct sim_update upd;
	struct sim_vcd *vcd;       /* non-NULL while traced */
	uint32_t vcd_id;
	uint64_t changes;
};

/**
 * sim_signal_init() - prepare a signal.
 * @name: stable name (must outlive the signal), used by traces.
 * @width_bits: 1..64.
 * @initial: initial value (truncated to @width_bits).
 * Return: 0, or SIM_ERR_INVALID for a bad width.
 */
int sim_signal_init(struct sim_kernel *k, struct sim_signal *s, const char *name,
		    unsigned width_bits, uint64_t initial);

/** sim_signal_destroy() - cancel pending notifications; stop tracing. */
void sim_signal_destroy(struct sim_signal *s);

/** sim_signal_read() - the committed value. */
static inline uint64_t sim_signal_read(const struct sim_signal *s)
{
	return s->cur;
}

/**
 * sim_signal_write() - write @value (truncated to the width); it becomes
 * visible after the coming update phase, i.e. in the next delta cycle.
 */
void sim_signal_write(struct sim_signal *s, uint64_t value);

/** sim_signal_changed() - the value-changed event, for sim_sensitive() or waits. */
static inline struct sim_event *sim_signal_changed(struct sim_signal *s)
{
	return &s->changed;
}

/** sim_signal_change_count() - number of committed value changes so far. */
static inline uint64_t sim_signal_change_count(const struct sim_signal *s)
{
	return s->changes;
}

/**
 * sim_signal_trace() - record the signal's value changes in @vcd, in scope
 * @scope (NULL for the top scope). The current value is recorded as the
 * initial value. Return: 0 or the error of sim_vcd_add_var().
 */
int sim_signal_trace(struct sim_signal *s, struct sim_vcd *vcd, const char *scope);

#endif /* PCISIM_SIM_SIGNAL_H */
