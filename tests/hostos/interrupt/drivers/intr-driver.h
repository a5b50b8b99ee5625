/*
 * tests/hostos/interrupt/drivers/intr-driver.h - the test driver of the
 * interrupt tests: up to four device contexts, each bound by the harness
 * to a PDO and to its simulated hardware, started through the interim
 * start routine with one of four ways to connect, and scenarios run as
 * host OS threads. Plain C types only: the harness is not a Windows
 * translation unit.
 */
#ifndef PCISIM_TESTS_HOSTOS_INTR_DRIVER_H
#define PCISIM_TESTS_HOSTOS_INTR_DRIVER_H

#include <stdint.h>

#define INTR_CTX 4

/* How a context connects in its start routine. */
enum intr_connect {
	INTR_LINE_BASED = 0,    /* IoConnectInterruptEx CONNECT_LINE_BASED */
	INTR_MESSAGE_BASED = 1, /* CONNECT_MESSAGE_BASED with a FallBackServiceRoutine */
	INTR_CLASSIC = 2,       /* IoConnectInterrupt with the translated descriptor */
	INTR_FULLY = 3,         /* CONNECT_FULLY_SPECIFIED from the translated descriptor */
};

/* What its ISR does (bits). */
#define INTR_NO_ACK 0x1      /* never clears the device: a storm */
#define INTR_ALWAYS 0x2      /* claims without looking: false claims */
#define INTR_NEVER 0x4       /* clears, then returns FALSE */
#define INTR_RAISE 0x8       /* returns at HIGH_LEVEL: 0xC4/0x111 */
#define INTR_STALL 0x10      /* stalls stall_us inside */
#define INTR_HOLD 0x20       /* returns holding a spin lock */

/* The device's registers as the driver sees them (harness functions). */
int intr_hw_pending(void *hw);
void intr_hw_ack(void *hw);

struct intr_ctx_obs {
	int isr_calls, claims, dpcs;
	int isr_irql, dpc_irql;
	int32_t connect_status;
	uint32_t version;          /* Parameters.Version after connect */
	uint32_t message_count;    /* the message table's, or 0 */
	uint32_t unified_irql;
	uint32_t msg_vector[4];    /* MessageInfo[i].Vector */
	uint32_t msg_ids[8];       /* MessageID of the first 8 message ISR calls */
	/* the resources the start routine got: its interrupt descriptor */
	uint32_t n_res;
	uint32_t int_flags, int_share;
	uint32_t raw_level, raw_vector, raw_count;
	uint32_t tr_level, tr_vector;
	uint64_t tr_affinity;
	uint32_t mem_count;
	uint64_t mem_start;
};

struct intr_obs {
	struct intr_ctx_obs c[INTR_CTX];
	int order[32];            /* contexts in ISR call order */
	int n_order;
	int isr_inside;           /* an ISR of context 0 is running */
	int sync_ran, sync_saw_inside, sync_saw_calls, sync_irql;
	int lock_old_irql, lock_irql, after_release_irql;
	int dpcs_before_release, dpcs_after_release;
	int32_t status[16];       /* the connect-errors scenario */
	int nested_order[8];      /* the nesting scenario: 1 low in, 2 high, 3 low out */
	int n_nested;
};

extern struct intr_obs intr_obs;

/* Bind context @i: PDO, hardware, connect method, ISR behaviour. */
void intr_bind(int i, void *pdo, void *hw, enum intr_connect how, unsigned flags,
	       unsigned stall_us);

/* The start routine (NTSTATUS (PDEVICE_OBJECT, PCM_RESOURCE_LIST,
 * PCM_RESOURCE_LIST)), converted as hostos_start_routine. */
extern void (*const intr_start)(void);

/* For bug check parameters. */
uintptr_t intr_isr_address(void);
uintptr_t intr_ctx_address(int i);
uintptr_t intr_object(int i);

/* Scenarios (host OS thread bodies). */
void intr_sync_scenario(void *arg);       /* KeSynchronizeExecution on context 0 */
void intr_lock_scenario(void *arg);       /* Acquire/ReleaseInterruptSpinLock on 0 */
void intr_hold_scenario(void *arg);       /* a spin lock held while an interrupt comes */
void intr_connect_errors(void *arg);      /* every connect status on context 0's PDO */
void intr_connect_at_dispatch(void *arg); /* 0xA */
void intr_passive_lock(void *arg);        /* 0x13B */
void intr_lock_cycle(void *arg);          /* 0xC4/0x1001 with an interrupt lock */
void intr_disconnect_all(void *arg);      /* IoDisconnectInterrupt(Ex) of every context */
void intr_nested_connect(void *arg);      /* a second object on vector 0x90, IRQL 9 */
void intr_bad_object(void *arg);          /* KeSynchronizeExecution on a non-object: 0x50 */
void intr_disconnect_twice(void *arg);    /* a warning */

#endif /* PCISIM_TESTS_HOSTOS_INTR_DRIVER_H */
