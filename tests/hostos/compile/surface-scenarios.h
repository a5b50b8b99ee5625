/*
 * tests/hostos/compile/surface-scenarios.h - driver code of the compile
 * model that needs the host OS core (bug checks from the list checks,
 * ASSERT, PAGED_CODE), run by test-surface-os.c as host OS threads. Plain
 * C types only: the harness is not a Windows translation unit.
 */
#ifndef PCISIM_TESTS_HOSTOS_SURFACE_SCENARIOS_H
#define PCISIM_TESTS_HOSTOS_SURFACE_SCENARIOS_H

/* Set by a scenario that ran to its end. */
extern int surface_reached_end;

void surface_list_ok(void *arg);
void surface_list_corrupt_insert_tail(void *arg);
void surface_list_corrupt_insert_head(void *arg);
void surface_list_corrupt_remove_entry(void *arg);
void surface_list_corrupt_remove_head(void *arg);
void surface_list_corrupt_remove_tail(void *arg);
void surface_assert_true(void *arg);
void surface_assert_false(void *arg);
void surface_assertmsg_false(void *arg);
void surface_paged_code_passive(void *arg);
void surface_paged_code_dispatch(void *arg);
void surface_try_except(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_SURFACE_SCENARIOS_H */
