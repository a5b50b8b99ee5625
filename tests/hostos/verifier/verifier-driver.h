/*
 * tests/hostos/verifier/verifier-driver.h - the verifier tests' driver
 * (verifier-driver.c, Windows code): lookaside list scenarios, a small
 * driver whose start allocates at several sites and handles each failure
 * (for fault injection), scenarios that leave things behind for the
 * unload sweep, and Special Pool and Force IRQL Checking scenarios. Plain
 * C types only: the harness is not a Windows translation unit.
 */
#ifndef PCISIM_TESTS_HOSTOS_VERIFIER_DRIVER_H
#define PCISIM_TESTS_HOSTOS_VERIFIER_DRIVER_H

#include <stdint.h>

/* What a scenario saw; zeroed by the harness before each run. */
struct ver_obs {
	void *p[8];
	uintptr_t addr[8];       /* objects, for bug check parameters */
	unsigned long value[16]; /* counters, statuses */
	unsigned char byte[4];
	int calls_alloc, calls_free; /* the driver's own lookaside routines */
	long status;             /* what the start routine returned */
	int done;                /* the scenario reached its end */
};

extern struct ver_obs ver_obs;

/* Lookaside lists. */
void la_npaged_keep(void *arg);      /* ends with 4 entries cached, list live */
void la_npaged_cycle(void *arg);     /* init, use, delete: nothing left */
void la_paged(void *arg);
void la_ex(void *arg);
void la_ex_bad_flags(void *arg);
void la_custom(void *arg);
void la_bad_reinit(void *arg);
void la_bad_delete_uninit(void *arg);
void la_bad_alloc_uninit(void *arg);
void la_bad_small(void *arg);
void la_bad_free_holding(void *arg);
void la_bad_paged_dispatch(void *arg);
void la_bad_free_paged_dispatch(void *arg);
void la_bad_double_free(void *arg);
void la_bad_foreign(void *arg);
void la_bad_init_irql(void *arg);

/* Fault injection: a driver's start and stop. @arg: 0 correct; 1 leaks
 * its first block when the third allocation fails. */
void fi_start_stop(void *arg);

/* The unload sweep: each leaves the named thing behind (arg unused). */
void sw_clean(void *arg);
void sw_timer(void *arg);
void sw_dpc(void *arg);
void sw_work_item(void *arg);
void sw_lookaside(void *arg);
void sw_mapping(void *arg);
void sw_pool(void *arg);
void sw_all(void *arg);
void sw_thread(void *arg);
/* Started as a device's start routine: connects the line, keeps it. */
long sw_connect(void *pdo, void *raw, void *translated);

/* Special Pool and Force IRQL Checking. */
void sp_overrun_read(void *arg);
void sp_overrun_write(void *arg);
void sp_use_after_free(void *arg);
void sp_slack_corrupt(void *arg);
void sp_fine(void *arg);
void sp_underrun(void *arg);
/* Special Pool above a page (see verifier-driver.c). */
void sp_large_fine(void *arg);
void sp_large_overrun(void *arg);
void sp_large_use_after_free(void *arg);
void sp_large_underrun(void *arg);
void sp_large_tail_corrupt(void *arg);
void sp_large_cycles(void *arg);
void fi_paged_passive(void *arg);
void fi_paged_dispatch(void *arg);
void fi_paged_raise_again(void *arg);
void fi_paged_locked_dpc(void *arg);

/* Maps 0xF0000000, reads a register through READ_REGISTER_ULONG, then
 * dereferences the mapping plainly: a read at +4, or with @arg a write
 * at +8. */
void mm_plain_access(void *arg);
/* Maps, unmaps, then reads the old pointer plainly (at +12). */
void mm_after_unmap(void *arg);

/* Frees pool holding an armed timer (at its start) / a queued Low
 * importance DPC (at +32). */
void pf_timer(void *arg);
void pf_dpc(void *arg);
/* Writes one byte past a 100-byte block (inside its last unit), frees. */
void pt_overrun(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_VERIFIER_DRIVER_H */
