/*
 * hostos/io-internal.h - what the files of the I/O manager share
 * (hostos/io-*.c): the OS's records behind driver objects, device objects
 * and IRPs, the namespace of device names and symbolic links, the
 * registry, and the per-instance state (struct hostos_io, os->io). Not
 * installed. Uses Windows types: every file that includes it implements
 * Windows routines.
 *
 * Every IRP the OS hands out (IoAllocateIrp, IoBuild*, the user side, the
 * PnP manager) sits inside a struct hostos_irp that keeps the verifier's
 * state; its memory is never released while an IoCallDriver of it is on
 * some stack, so the checks after a dispatch routine returns never read
 * freed memory. Every device object has a struct hostos_devobj, reached
 * through DEVICE_OBJECT.DeviceObjectExtension (a PDO's is made when the
 * I/O manager first sees it).
 */
#ifndef PCISIM_HOSTOS_IO_INTERNAL_H
#define PCISIM_HOSTOS_IO_INTERNAL_H

#include <wdm.h>

#include "hostos/interrupt-internal.h"
#include "hostos/io.h"
#include "hostos/os-internal.h"

#define HOSTOS_IRP_MAGIC 0x49525021u
#define HOSTOS_DEVOBJ_MAGIC 0x44455621u
#define HOSTOS_DRIVER_MAGIC 0x44525621u
#define HOSTOS_KEYH_MAGIC 0x4b455921u

/* Bug check codes of the I/O manager. */
#define HOSTOS_BC_MULTIPLE_IRP_COMPLETE 0x44u
#define HOSTOS_BC_NO_MORE_IRP_STACK_LOCATIONS 0x35u
#define HOSTOS_BC_IOMANAGER 0xC9u

enum hostos_irp_kind {
	HOSTOS_IRP_DRIVER = 0, /* IoAllocateIrp: its owner frees it */
	HOSTOS_IRP_BUILT = 1,  /* IoBuild*: the I/O manager completes and frees it */
	HOSTOS_IRP_USER = 2,   /* a user request (io-file.c) */
	HOSTOS_IRP_PNP = 3,    /* the PnP manager's own (io-pnp.c) */
};

enum hostos_irp_state {
	HOSTOS_IRP_FREE = 0,   /* on the free list or released */
	HOSTOS_IRP_ACTIVE = 1, /* allocated, being processed */
	HOSTOS_IRP_DONE = 2,   /* IoCompleteRequest ran to the top */
};

/* One IoCallDriver of an IRP on some stack: whether an IoCallDriver of the
 * same IRP made inside its dispatch routine returned STATUS_PENDING. */
struct hostos_call_frame {
	struct hostos_call_frame *outer;
	bool inner_pending;
};

struct hostos_irp {
	uint32_t magic;
	enum hostos_irp_kind kind;
	enum hostos_irp_state state;
	unsigned in_call;          /* IoCallDriver frames of it on some stack */
	bool free_deferred;        /* freed while in_call: release at the end */
	bool ever_called;
	bool stopped;              /* back with its owner: completed to the top, or a
				    * completion routine returned MORE_PROCESSING_REQUIRED */
	struct hostos_call_frame *frame; /* innermost IoCallDriver of it */
	int complete_loc;          /* CurrentLocation of the last IoCompleteRequest, 0: none */
	NTSTATUS complete_status;  /* IoStatus.Status it completed with */
	uint8_t stack_size;
	uint8_t pend_seen[64];     /* SL_PENDING_RETURNED of each location, kept at completion */
	void *req;                 /* the request of a HOSTOS_IRP_USER or _PNP */
	PKEVENT built_event;       /* HOSTOS_IRP_BUILT */
	PIO_STATUS_BLOCK built_iosb;
	PVOID built_out;           /* buffered output to copy back */
	ULONG built_out_len;
	struct hostos_irp *next_free;
	struct hostos_irp *all_next;
	IRP irp;                   /* then stack_size IO_STACK_LOCATIONs */
};

/* Zero @bytes (a multiple of 8) at 8-aligned @p with plain stores: for
 * these few hundred bytes GCC's memset is a rep stos whose start-up cost
 * dominated a DeviceIoControl round trip. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static inline void
hostos_zero(void *p, size_t bytes)
{
	uint64_t *w = p;

	for (size_t i = 0; i < bytes / 8; i++)
		w[i] = 0;
}

static inline struct hostos_irp *hostos_irp_of(PIRP irp)
{
	return CONTAINING_RECORD(irp, struct hostos_irp, irp);
}

static inline PIO_STACK_LOCATION hostos_irp_stack(PIRP irp, unsigned loc)
{
	/* location 1 is the lowest (the first array entry) */
	return (PIO_STACK_LOCATION)(irp + 1) + (loc - 1);
}

/* A device object's record. */
struct hostos_devobj {
	uint32_t magic;
	PDEVICE_OBJECT dev;
	struct hostos_driver *drv;    /* NULL: a PDO of the OS's bus driver */
	struct hostos_device *pdo_of; /* a PDO: its enumerated function */
	PDEVICE_OBJECT lower;         /* what it is attached to (AttachedTo) */
	bool deleted;
	bool in_add_device;           /* created during AddDevice */
	WCHAR *name;                  /* \Device\... or NULL */
	USHORT name_len;              /* bytes */
	unsigned open_files;
	/* PnP state of a PDO's stack */
	bool pnp_added, pnp_started, pnp_removed, surprise_removed;
	struct hostos_driver *function_driver;
	unsigned instance;            /* registry instance number */
	/* IoTimer */
	PIO_TIMER_ROUTINE timer_routine;
	PVOID timer_context;
	bool timer_init, timer_on;
	DEVICE_POWER_STATE power;
	struct hostos_devobj *all_next;
	PDEVICE_OBJECT alloc;         /* the IoCreateDevice allocation (not a PDO) */
};

struct hostos_driver {
	uint32_t magic;
	DRIVER_OBJECT obj;
	DRIVER_EXTENSION ext;
	struct hostos *os;
	struct hostos_driver_desc desc;
	char service[64];
	WCHAR name_buf[96];          /* \Driver\<service> */
	WCHAR svc_buf[64];
	WCHAR regpath_buf[160];
	UNICODE_STRING regpath;
	int32_t entry_status;
	bool loaded, unloaded, is_bus;
	unsigned instances;
	struct hostos_driver *next;
};

struct hostos_symlink {
	WCHAR *name;       /* the link without its namespace prefix */
	USHORT name_len;
	WCHAR *target;
	USHORT target_len;
	struct hostos_symlink *next;
};

/* A string buffer the OS gave a driver (RtlFreeUnicodeString). */
struct hostos_strbuf {
	void *p;
	struct hostos_strbuf *next;
};

/* A registered device interface (io-interface.c). */
struct hostos_iface {
	WCHAR name[200];   /* \??\PCI#...#{guid}[\ref] */
	USHORT name_len;   /* bytes */
	struct hostos_devobj *pdo;
	bool enabled;
	struct hostos_iface *next;
};

struct hostos_regval {
	char name[64];
	uint32_t type;
	uint8_t *data;
	uint32_t len;
	struct hostos_regval *next;
};

struct hostos_regkey {
	char name[64];
	struct hostos_regkey *parent, *child, *sibling;
	struct hostos_regval *values;
};

struct hostos_keyh {
	uint32_t magic;
	struct hostos_regkey *key;
	struct hostos_keyh *next;
	bool open;
};

struct hostos_io {
	struct hostos *os;
	struct hostos_driver *drivers;
	struct hostos_driver bus;           /* the OS's PCI bus driver (PDOs) */
	struct hostos_devobj *devobjs;
	struct hostos_symlink *links;
	struct hostos_regkey root;
	struct hostos_keyh *keyhs;
	KSPIN_LOCK cancel_lock;
	bool cancel_lock_init;
	struct hostos_irp *free_irps[65];   /* by stack size 1..64 */
	struct hostos_irp *irps;            /* every IRP record (for destroy) */
	KTIMER io_timer;
	KDPC io_timer_dpc;
	bool io_timer_armed;
	struct hostos_io_stats st;
	struct hostos_file *files;          /* open user handles (io-file.c) */
	struct hostos_uevent *uevents;      /* user events (io-user.c) */
	struct hostos_iface *ifaces;        /* device interfaces (io-interface.c) */
	struct hostos_strbuf *strbufs;      /* strings handed to drivers, to free */
};

/* The instance's I/O manager, created on first use; NULL when the host
 * is out of memory (a report and abort: the caller cannot go on). */
struct hostos_io *hostos_io_get(struct hostos *os);

/* The record of a device object, or NULL (not a device object the OS
 * knows: never created, or a PDO not of this instance). PDOs get theirs
 * on first sight. */
struct hostos_devobj *hostos_devobj_of(struct hostos_io *io, PDEVICE_OBJECT dev);

/* Top of the stack @dev is in (IoGetAttachedDevice). */
PDEVICE_OBJECT hostos_io_top(PDEVICE_OBJECT dev);

/* Find the device object named @name (bytes @len), or NULL. */
PDEVICE_OBJECT hostos_io_find_device(struct hostos_io *io, const WCHAR *name, USHORT len);

/* Resolve a symbolic link name without namespace prefix. */
struct hostos_symlink *hostos_io_find_link(struct hostos_io *io, const WCHAR *name, USHORT len);

/* IRPs (io-irp.c): a fresh IRP of @kind with @stack locations, or NULL. */
PIRP hostos_irp_alloc(struct hostos_io *io, unsigned stack, enum hostos_irp_kind kind);
void hostos_irp_release(struct hostos_io *io, struct hostos_irp *h);

/* The final completion of a user or PnP request (io-file.c, io-pnp.c):
 * called by IoCompleteRequest when it ran to the top of the stack. */
void hostos_user_complete(struct hostos_io *io, PIRP irp);
void hostos_pnp_complete(struct hostos_io *io, PIRP irp);

/* An OS-side IRP sent to the top of @dev's stack and waited for at
 * PASSIVE_LEVEL (io-pnp.c): returns the final status, *@info the
 * Information. */
NTSTATUS hostos_pnp_send(struct hostos_io *io, PDEVICE_OBJECT dev, UCHAR major, UCHAR minor,
			 const IO_STACK_LOCATION *params, ULONG_PTR *info);

/* The 0xC9 report of a WDM DRIVER ERROR (P1 the code, P2 the driver code
 * address, P3 the IRP, P4 the device object), when I/O Verification is
 * on; false when it is off. */
static inline bool hostos_io_verify(struct hostos_thread *t)
{
	return (t->os->cfg.verifier & HOSTOS_VERIFY_IO) != 0;
}
/* A routine that the DDI compliance rules IrqlIoPassive1..5 allow at
 * PASSIVE_LEVEL only: 0xC4 with P1 = @rule (0x2000A, 0x2000C, 0x2000D,
 * 0x2000E), P2 the IRQL, P3 @obj, with DDI compliance checking. */
static inline void hostos_io_passive(struct hostos_thread *t, uint32_t rule, const char *routine,
				     const void *obj)
{
	if (t->cpu->irql != HOSTOS_PASSIVE && (t->os->cfg.verifier & HOSTOS_VERIFY_DDI))
		hostos_bugcheck(t, 0xC4, rule, t->cpu->irql, (uint64_t)(uintptr_t)obj, 0,
				"%s at IRQL %u (DDI rule IrqlIoPassive%u)", routine, t->cpu->irql,
				rule == 0x2000A ? 1u : rule - 0x20009u);
}

_Noreturn void hostos_io_violation(struct hostos_thread *t, uint32_t code, const void *where,
				   const void *irp, const void *dev, const char *what);

/* Registry (io-registry.c). */
struct hostos_regkey *hostos_reg_key(struct hostos_io *io, const char *path, bool create);
struct hostos_regkey *hostos_reg_key_w(struct hostos_io *io, const WCHAR *path, USHORT bytes,
				       bool create);
HANDLE hostos_reg_handle(struct hostos_io *io, struct hostos_regkey *k);
void hostos_reg_destroy(struct hostos_io *io);
/* The device's hardware ("Device Parameters") or driver key path. */
void hostos_reg_device_path(struct hostos_devobj *pdo, unsigned which, char *buf, size_t n);

/* UTF-16 helpers for the ASCII names the mock uses. */
size_t hostos_w_to_a(const WCHAR *w, size_t chars, char *buf, size_t n);
size_t hostos_a_to_w(const char *a, WCHAR *buf, size_t n);

/* io-pnp.c: the OS's bus driver (PDOs) and the PnP steps. */
NTSTATUS NTAPI hostos_bus_dispatch(PDEVICE_OBJECT dev, PIRP irp);
NTSTATUS NTAPI hostos_invalid_request(PDEVICE_OBJECT dev, PIRP irp);
void hostos_pnp_add_start(struct hostos_io *io, struct hostos_driver *drv, struct hostos_device *d);
bool hostos_hwid_match(const struct hostos_driver_desc *dd, const struct hostos_device_desc *d);
void hostos_pnp_last_close(struct hostos_io *io, struct hostos_devobj *pdo);
/* The PDO record at the bottom of @dev's stack, or NULL (a legacy device). */
struct hostos_devobj *hostos_io_pdo_below(struct hostos_io *io, PDEVICE_OBJECT dev);

/* io-queue.c */
void hostos_io_timers_stop(struct hostos_io *io, struct hostos_devobj *d);

/* io-file.c */
void hostos_files_destroy(struct hostos_io *io);

/* io-interface.c: disable @pdo's interfaces (removal); free them all. */
void hostos_ifaces_disable(struct hostos_io *io, struct hostos_devobj *pdo);
void hostos_ifaces_destroy(struct hostos_io *io);

#endif /* PCISIM_HOSTOS_IO_INTERNAL_H */
