/*
 * sim/error.c - descriptions of the shared error codes.
 */
#include "sim/error.h"

const char *sim_strerror(int err)
{
	switch (err) {
	case SIM_OK:
		return "success";
	case SIM_ERR_INVALID:
		return "invalid argument";
	case SIM_ERR_OVERFLOW:
		return "simulated time overflow";
	case SIM_ERR_STATE:
		return "not allowed in the current state";
	case SIM_ERR_NOMEM:
		return "out of memory";
	case SIM_ERR_IO:
		return "input/output error";
	case SIM_ERR_LIMIT:
		return "limit exceeded";
	case SIM_ERR_BUSY:
		return "object in use";
	default:
		return "unknown error";
	}
}
