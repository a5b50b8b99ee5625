/*
 * tests/hostos/drivers/pool-driver.h - the pool tests' driver side
 * (pool-driver.c, Windows code) and what it observed; plain C types.
 */
#ifndef PCISIM_TESTS_HOSTOS_POOL_DRIVER_H
#define PCISIM_TESTS_HOSTOS_POOL_DRIVER_H

#include <stdint.h>

struct pool_obs {
	void *p[4];
	uint64_t pa[4][2];     /* bus address of the first byte and of +4096 */
	int ok[8];
	unsigned char first[4]; /* first byte after allocation / free */
	void *freed;           /* a block freed by the scenario */
};

extern struct pool_obs pool_obs;

void pool_basic(void *arg);
void pool2_refusals(void *arg);
void pool_tracking(void *arg);
void pool_zero_bytes(void *arg);
void pool_paged_at_dispatch(void *arg);
void pool_nonpaged_above_dispatch(void *arg);
void pool_double_free(void *arg);
void pool_wrong_tag(void *arg);
void pool_inside_block(void *arg);
void pool_tag_zero(void *arg);
void pool_tag_big(void *arg);
void pool_tag_blank(void *arg);
void pool_must_succeed(void *arg);
void pool_free_paged_at_dispatch(void *arg);

#endif /* PCISIM_TESTS_HOSTOS_POOL_DRIVER_H */
