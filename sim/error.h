/*
 * sim/error.h - error codes shared by every pcisim layer.
 *
 * Functions that can fail return 0 (SIM_OK) or one of these negative codes.
 * Where a kernel is at hand, the kernel also keeps a human-readable message
 * for the most recent error (sim_kernel_last_error()). Libc only.
 */
#ifndef PCISIM_SIM_ERROR_H
#define PCISIM_SIM_ERROR_H

/** Result codes: 0 is success, failures are negative. */
enum sim_err {
	SIM_OK = 0,
	SIM_ERR_INVALID = -1,  /**< a bad argument (NULL, out of range, wrong object) */
	SIM_ERR_OVERFLOW = -2, /**< simulated time would pass SIM_TIME_MAX */
	SIM_ERR_STATE = -3,    /**< not allowed now (e.g. waiting from a method) */
	SIM_ERR_NOMEM = -4,    /**< host memory exhausted */
	SIM_ERR_IO = -5,       /**< a host file could not be written or read */
	SIM_ERR_LIMIT = -6,    /**< a configured limit was hit (runaway deltas) */
	SIM_ERR_BUSY = -7,     /**< the object is still in use (pending, linked) */
};

/**
 * sim_strerror() - a short English description of an error code.
 * @err: a value of enum sim_err (any int is accepted).
 *
 * Return: a static string; "unknown error" for codes not listed.
 */
const char *sim_strerror(int err);

#endif /* PCISIM_SIM_ERROR_H */
