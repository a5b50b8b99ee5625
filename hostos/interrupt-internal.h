/*
 * hostos/interrupt-internal.h - what hostos/interrupt.c (delivery and
 * dispatch), hostos/interrupt-connect.c (the Io and Ke routines of
 * interrupt objects) and hostos/device.c (PDOs and resources) share. Not
 * installed. It includes <wdm.h>: these files are Windows edges as much
 * as core, and the interrupt object is a Windows structure.
 */
#ifndef PCISIM_HOSTOS_INTERRUPT_INTERNAL_H
#define PCISIM_HOSTOS_INTERRUPT_INTERNAL_H

#include <wdm.h>

#include "hostos/devices.h"
#include "hostos/os-internal.h"

#define HOSTOS_KINTERRUPT_MAGIC 0x4b494e54u

/* The interrupt object. One serves every CPU of its affinity (Windows
 * builds one per CPU; a driver sees only the first). Objects live until
 * the instance is destroyed, so a disconnect twice or a late ISR call is
 * caught, never a use after free. */
struct _KINTERRUPT {
	uint32_t magic;
	struct hostos *os;
	PKSERVICE_ROUTINE isr;            /* line or fully specified */
	PKMESSAGE_SERVICE_ROUTINE msg_isr; /* message based */
	ULONG message_id;
	PVOID context;
	PKSPIN_LOCK lock;                 /* the driver's, or own_lock, or the table's */
	KSPIN_LOCK own_lock;
	unsigned vector;
	uint8_t irql, sync_irql;
	KINTERRUPT_MODE mode;
	bool share;
	bool passive;                     /* Irql = SynchronizeIrql = PASSIVE_LEVEL */
	KAFFINITY affinity;
	struct hostos_device *dev;        /* its device, when known (mock checks) */
	bool connected;
	struct _KINTERRUPT *next;         /* the vector's chain, connection order */
	struct _KINTERRUPT *all_next;     /* every object of the instance */
};

/* A message-based connection: its table and objects. */
struct hostos_msg_conn {
	PIO_INTERRUPT_MESSAGE_INFO table;
	KSPIN_LOCK lock;                  /* shared by its objects unless the driver gave one */
	struct hostos_msg_conn *next;
};

/* One vector of the instance (all CPUs: the OS assigns each vector to
 * one target). */
struct hostos_vec {
	bool assigned;
	bool line;                        /* a controller input's (else a message's) */
	bool edge;
	uint8_t irql;
	unsigned cpu;
	uint32_t input;                   /* the line's input */
	struct _KINTERRUPT *chain;
	/* storm detection */
	bool redelivered;                 /* the pending delivery is a redelivery */
	sim_time_t delivered_ps;          /* when the pending delivery came */
	unsigned streak;
	const struct _KINTERRUPT *claim, *prev_claim; /* last passes' claimer, NULL: none */
};

struct hostos_device {
	DEVICE_OBJECT pdo;                /* first: the PDO is the device */
	struct hostos *os;
	struct hostos_device_desc desc;
	char name[32];
	uint32_t source;
	bool has_line;
	struct hostos_intr_resource line;
	unsigned n_msg;
	struct hostos_intr_resource *msg;
	PCM_RESOURCE_LIST raw, translated;
	hostos_start_routine start;
	int32_t status;
	struct hostos_device *next;
};

struct hostos_eoi {
	sim_time_t at_ps;
	unsigned cpu, vector;
};

struct hostos_intr {
	struct hostos *os;
	const struct hostos_irq_ops *ops;
	void *opaque;
	struct hostos_vec vec[256];
	uint64_t (*pending)[4];           /* per CPU: a bit per vector */
	unsigned next_vector;
	struct hostos_device *devices, **devices_tail;
	struct _KINTERRUPT *objects;
	struct hostos_msg_conn *conns;
	struct hostos_eoi *eoiq;          /* ring, in time order */
	unsigned eoi_head, eoi_len, eoi_cap;
	struct sim_event eoi_ev;
	struct hostos_intr_stats st;
};

/* The instance's interrupt state, created on first use; NULL when the host
 * is out of memory. */
struct hostos_intr *hostos_intr_get(struct hostos *os);

/* The device whose PDO is @pdo, or NULL. */
struct hostos_device *hostos_device_of(struct hostos *os, const void *pdo);

/* Link @obj at the end of its vector's chain (connect), or unlink it. */
void hostos_intr_link(struct hostos_intr *in, struct _KINTERRUPT *obj);
void hostos_intr_unlink(struct hostos_intr *in, struct _KINTERRUPT *obj);

#endif /* PCISIM_HOSTOS_INTERRUPT_INTERNAL_H */
