/*
 * hostos/mmio.c - device memory mappings and register access (spec §6.2,
 * hostos/mmio.h): MmMapIoSpace(Ex) hands out a pointer into a reserved,
 * inaccessible host range registered in a table, and the READ/WRITE
 * register and port routines turn each access into one bus access,
 * charging its time to the calling CPU.
 */
#include <wdm.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef PCISIM_HAVE_VALGRIND_H
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_DEFINED(a, n) ((void)(a), (void)(n))
#endif

#include "hostos/guard-internal.h"
#include "hostos/mmio-internal.h"
#include "hostos/mmio.h"
#include "hostos/os-internal.h"
#include "hostos/sweep-internal.h"

#define PAGE 4096u

struct mmio_map {
	uintptr_t va;        /* what the driver got */
	void *base;          /* the reservation, page-aligned */
	size_t bytes, reserved;
	uint64_t pa;
	bool live;
};

struct hostos_mmio {
	const struct hostos_bus_ops *ops;
	void *opaque;
	struct mmio_map *maps;
	size_t n, cap;
};

int hostos_attach_bus(struct hostos *os, const struct hostos_bus_ops *ops, void *opaque)
{
	struct hostos_mmio *m;

	if (!os || !ops || !ops->mem_read || !ops->mem_write)
		return SIM_ERR_INVALID;
	if (os->mmio)
		return SIM_ERR_STATE;
	m = calloc(1, sizeof(*m));
	if (!m)
		return SIM_ERR_NOMEM;
	m->ops = ops;
	m->opaque = opaque;
	os->mmio = m;
	return SIM_OK;
}

void hostos_mmio_destroy(struct hostos *os)
{
	struct hostos_mmio *m = os->mmio;

	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->maps[i].base)
			munmap(m->maps[i].base, m->maps[i].reserved);
	free(m->maps);
	free(m);
	os->mmio = NULL;
}

/* ---- mapping ---- */

static PVOID map(struct hostos_thread *t, uint64_t pa, size_t bytes, const char *routine)
{
	struct hostos_mmio *m = t->os->mmio;
	size_t off = pa % PAGE, reserved;
	void *base;

	if (t->cpu->irql > HOSTOS_DISPATCH && t->os->cfg.verifier)
		hostos_bugcheck(t, 0xC4, 0x73, t->cpu->irql, pa, bytes,
				"%s at IRQL %u, above DISPATCH_LEVEL", routine, t->cpu->irql);
	hostos_sched_point(t);
	if (!m) {
		hostos_warn(t->os, "%s with no bus attached (hostos_attach_bus())", routine);
		return NULL;
	}
	if (bytes == 0 || bytes > SIZE_MAX - off - PAGE)
		return NULL;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct mmio_map *v = realloc(m->maps, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->maps = v;
		m->cap = cap;
	}
	/* Inaccessible: only the register routines may touch it; a plain
	 * dereference is reported (hostos_mmio_fault()). */
	(void)hostos_guard_install();
	reserved = (off + bytes + PAGE - 1) / PAGE * PAGE;
	base = mmap(NULL, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	/* Under valgrind: let the access reach the processor, whose fault is
	 * the report (memcheck would call it an error first). */
	VALGRIND_MAKE_MEM_DEFINED(base, reserved);
	m->maps[m->n++] = (struct mmio_map){ (uintptr_t)base + off, base, bytes, reserved, pa,
					     true };
	return (uint8_t *)base + off;
}

PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		   MEMORY_CACHING_TYPE CacheType)
{
	struct hostos_thread *t = hostos_self("MmMapIoSpace");

	(void)CacheType;
	return map(t, (uint64_t)PhysicalAddress.QuadPart, NumberOfBytes, "MmMapIoSpace");
}

PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, ULONG Protect)
{
	struct hostos_thread *t = hostos_self("MmMapIoSpaceEx");

	/* A mapping is readable, maybe writable; anything else is refused. */
	if (!(Protect & (PAGE_READWRITE | PAGE_READONLY)))
		return NULL;
	return map(t, (uint64_t)PhysicalAddress.QuadPart, NumberOfBytes, "MmMapIoSpaceEx");
}

/* Unmapped ranges kept reserved at most (oldest released first): each is
 * a kernel mapping, and a process has a limited number. */
#define DEAD_KEPT 64u

static void retire(struct hostos_mmio *m)
{
	size_t dead = 0, oldest = SIZE_MAX;

	for (size_t i = 0; i < m->n; i++)
		if (!m->maps[i].live && m->maps[i].base) {
			dead++;
			if (oldest == SIZE_MAX)
				oldest = i;
		}
	if (dead > DEAD_KEPT) {
		munmap(m->maps[oldest].base, m->maps[oldest].reserved);
		m->maps[oldest].base = NULL;
	}
}

VOID MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
	struct hostos_thread *t = hostos_self("MmUnmapIoSpace");
	struct hostos_mmio *m = t->os->mmio;

	/* The DDI page allows DISPATCH_LEVEL, the verifier flags above APC:
	 * the mock follows the verifier when it is on (spec §6.2). */
	if (t->cpu->irql > HOSTOS_APC && t->os->cfg.verifier)
		hostos_bugcheck(t, 0xC4, 0x7B, t->cpu->irql, (uintptr_t)BaseAddress, NumberOfBytes,
				"MmUnmapIoSpace at IRQL %u, above APC_LEVEL", t->cpu->irql);
	for (size_t i = 0; m && i < m->n; i++) {
		struct mmio_map *p = &m->maps[i];

		if (!p->live || p->va != (uintptr_t)BaseAddress)
			continue;
		if (p->bytes != NumberOfBytes)
			hostos_warn(t->os,
				    "MmUnmapIoSpace of %llu bytes; the mapping has %llu (pass the "
				    "same count)",
				    (unsigned long long)NumberOfBytes, (unsigned long long)p->bytes);
		/* The range stays reserved (inaccessible) for a while, so a
		 * plain access after the unmap is 0x50, not a stray fault. */
		p->live = false;
		retire(m);
		hostos_sched_point(t);
		return;
	}
	hostos_bugcheck(t, 0x50, (uintptr_t)BaseAddress, 0, (uintptr_t)__builtin_return_address(0),
			0, "MmUnmapIoSpace of an address MmMapIoSpace did not return");
}

/* ---- registers ---- */

/* The bus address of @size bytes at @va, or a PAGE_FAULT_IN_NONPAGED_AREA
 * (P2: 0 read, 2 write) for an address outside every live mapping. */
static uint64_t translate(struct hostos_thread *t, const volatile void *reg, unsigned size,
			  bool write, const void *caller)
{
	struct hostos_mmio *m = t->os->mmio;
	uintptr_t va = (uintptr_t)reg;

	for (size_t i = 0; m && i < m->n; i++) {
		const struct mmio_map *p = &m->maps[i];

		if (p->live && va >= p->va && va - p->va <= p->bytes - size && size <= p->bytes)
			return p->pa + (va - p->va);
	}
	hostos_bugcheck(t, 0x50, va, write ? 2 : 0, (uintptr_t)caller, 0,
			"%s of a register at 0x%llx, outside every live MmMapIoSpace mapping",
			write ? "write" : "read", (unsigned long long)va);
}

static uint64_t reg_read(volatile void *reg, unsigned size, const char *routine,
			 const void *caller)
{
	struct hostos_thread *t = hostos_self(routine);
	struct hostos_mmio *m = t->os->mmio;
	uint64_t pa = translate(t, reg, size, false, caller), v = UINT64_MAX;
	sim_time_t now = sim_now(t->os->k), done = now;

	/* The processor waits for the completion: the round trip is its. */
	if (m->ops->mem_read(m->opaque, pa, size, now, &v, &done) != SIM_OK)
		v = UINT64_MAX;
	if (done > now)
		hostos_busy(t, done - now);
	hostos_sched_point(t);
	return size == 8 ? v : v & ((UINT64_C(1) << (8 * size)) - 1);
}

static void reg_write(volatile void *reg, unsigned size, uint64_t val, const char *routine,
		      const void *caller)
{
	struct hostos_thread *t = hostos_self(routine);
	struct hostos_mmio *m = t->os->mmio;
	uint64_t pa = translate(t, reg, size, true, caller);
	sim_time_t arrive;

	/* Posted: the processor goes on; the link orders it before later
	 * accesses of the same processor. */
	(void)m->ops->mem_write(m->opaque, pa, size, val, sim_now(t->os->k), &arrive);
	hostos_sched_point(t);
}

UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register)
{
	return (UCHAR)reg_read(Register, 1, "READ_REGISTER_UCHAR", __builtin_return_address(0));
}

USHORT READ_REGISTER_USHORT(volatile USHORT *Register)
{
	return (USHORT)reg_read(Register, 2, "READ_REGISTER_USHORT", __builtin_return_address(0));
}

ULONG READ_REGISTER_ULONG(volatile ULONG *Register)
{
	return (ULONG)reg_read(Register, 4, "READ_REGISTER_ULONG", __builtin_return_address(0));
}

ULONG64 READ_REGISTER_ULONG64(volatile ULONG64 *Register)
{
	return reg_read(Register, 8, "READ_REGISTER_ULONG64", __builtin_return_address(0));
}

VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value)
{
	reg_write(Register, 1, Value, "WRITE_REGISTER_UCHAR", __builtin_return_address(0));
}

VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value)
{
	reg_write(Register, 2, Value, "WRITE_REGISTER_USHORT", __builtin_return_address(0));
}

VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value)
{
	reg_write(Register, 4, Value, "WRITE_REGISTER_ULONG", __builtin_return_address(0));
}

VOID WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value)
{
	reg_write(Register, 8, Value, "WRITE_REGISTER_ULONG64", __builtin_return_address(0));
}

/* The _BUFFER_ forms: @count accesses of one register (a FIFO). */
#define REG_BUFFER(name, type, size)                                                        \
	VOID READ_REGISTER_BUFFER_##name(volatile type *Register, type *Buffer, ULONG Count) \
	{                                                                                   \
		for (ULONG i = 0; i < Count; i++)                                           \
			Buffer[i] = (type)reg_read(Register, size,                          \
						   "READ_REGISTER_BUFFER_" #name,           \
						   __builtin_return_address(0));            \
	}                                                                                   \
	VOID WRITE_REGISTER_BUFFER_##name(volatile type *Register, type *Buffer, ULONG Count) \
	{                                                                                   \
		for (ULONG i = 0; i < Count; i++)                                           \
			reg_write(Register, size, Buffer[i], "WRITE_REGISTER_BUFFER_" #name, \
				  __builtin_return_address(0));                             \
	}

REG_BUFFER(UCHAR, UCHAR, 1)
REG_BUFFER(USHORT, USHORT, 2)
REG_BUFFER(ULONG, ULONG, 4)
REG_BUFFER(ULONG64, ULONG64, 8)

/* ---- ports ---- */

static uint32_t port_read(void *port, unsigned size, const char *routine)
{
	struct hostos_thread *t = hostos_self(routine);
	struct hostos_mmio *m = t->os->mmio;
	sim_time_t now = sim_now(t->os->k), done = now;
	uint32_t v = UINT32_MAX;

	if (!m || !m->ops->io_read ||
	    m->ops->io_read(m->opaque, (uint32_t)(uintptr_t)port, size, now, &v, &done) != SIM_OK)
		v = UINT32_MAX;
	if (done > now)
		hostos_busy(t, done - now);
	hostos_sched_point(t);
	return size == 4 ? v : v & ((UINT32_C(1) << (8 * size)) - 1);
}

static void port_write(void *port, unsigned size, uint32_t val, const char *routine)
{
	struct hostos_thread *t = hostos_self(routine);
	struct hostos_mmio *m = t->os->mmio;
	sim_time_t now = sim_now(t->os->k), done = now;

	if (m && m->ops->io_write)
		(void)m->ops->io_write(m->opaque, (uint32_t)(uintptr_t)port, size, val, now, &done);
	/* Non-posted (PCIe 2.2.7): the processor waits for the completion. */
	if (done > now)
		hostos_busy(t, done - now);
	hostos_sched_point(t);
}

UCHAR READ_PORT_UCHAR(PUCHAR Port)
{
	return (UCHAR)port_read(Port, 1, "READ_PORT_UCHAR");
}

USHORT READ_PORT_USHORT(PUSHORT Port)
{
	return (USHORT)port_read(Port, 2, "READ_PORT_USHORT");
}

ULONG READ_PORT_ULONG(PULONG Port)
{
	return port_read(Port, 4, "READ_PORT_ULONG");
}

VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value)
{
	port_write(Port, 1, Value, "WRITE_PORT_UCHAR");
}

VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value)
{
	port_write(Port, 2, Value, "WRITE_PORT_USHORT");
}

VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value)
{
	port_write(Port, 4, Value, "WRITE_PORT_ULONG");
}

#define PORT_BUFFER(name, type, size)                                                       \
	VOID READ_PORT_BUFFER_##name(type *Port, type *Buffer, ULONG Count)                 \
	{                                                                                   \
		for (ULONG i = 0; i < Count; i++)                                           \
			Buffer[i] = (type)port_read(Port, size, "READ_PORT_BUFFER_" #name); \
	}                                                                                   \
	VOID WRITE_PORT_BUFFER_##name(type *Port, type *Buffer, ULONG Count)                \
	{                                                                                   \
		for (ULONG i = 0; i < Count; i++)                                           \
			port_write(Port, size, Buffer[i], "WRITE_PORT_BUFFER_" #name);      \
	}

PORT_BUFFER(UCHAR, UCHAR, 1)
PORT_BUFFER(USHORT, USHORT, 2)
PORT_BUFFER(ULONG, ULONG, 4)

/* ---- the unload sweep (hostos/sweep.h): mappings still mapped ---- */

void hostos_mmio_sweep(struct hostos *os, struct hostos_sweep *sw)
{
	const struct hostos_mmio *m = os->mmio;

	for (size_t i = 0; m && i < m->n; i++)
		if (m->maps[i].live)
			hostos_sweep_add(sw, HOSTOS_LEFT_MAPPING, m->maps[i].va,
					 HOSTOS_UNLOAD_LEFTOVER, 2, m->maps[i].va, m->maps[i].pa,
					 m->maps[i].bytes,
					 "MmMapIoSpace mapping 0x%llx of 0x%llx (%zu bytes) still mapped",
					 (unsigned long long)m->maps[i].va,
					 (unsigned long long)m->maps[i].pa, m->maps[i].bytes);
}

/* ---- a plain dereference of a mapping (hostos/guard.c asks) ---- */

enum hostos_fault_verdict hostos_mmio_fault(struct hostos_thread *t,
					    const struct hostos_fault_info *fi)
{
	const struct hostos_mmio *m = t->os->mmio;

	for (size_t i = 0; m && i < m->n; i++) {
		const struct mmio_map *mp = &m->maps[i];
		uintptr_t base = (uintptr_t)mp->base;

		if (mp->base && !mp->live && fi->addr >= base && fi->addr - base < mp->reserved) {
			/* After MmUnmapIoSpace: an invalid address, as the
			 * register routines report it. */
			t->os->fault_pending.code = 0x50;
			t->os->fault_pending.p[0] = fi->addr;
			t->os->fault_pending.p[1] = fi->write ? 2 : 0;
			t->os->fault_pending.p[2] = fi->ip;
			t->os->fault_pending.p[3] = 0;
			return HOSTOS_FAULT_BUGCHECK;
		}
		if (mp->live && fi->addr >= base && fi->addr - base < mp->reserved) {
			t->os->fault_pending.code = HOSTOS_MMIO_PLAIN_ACCESS;
			t->os->fault_pending.p[0] = fi->addr;
			t->os->fault_pending.p[1] = fi->write;
			t->os->fault_pending.p[2] = fi->ip;
			t->os->fault_pending.p[3] = mp->pa - (mp->va - base) + (fi->addr - base);
			return HOSTOS_FAULT_BUGCHECK;
		}
	}
	return HOSTOS_FAULT_NOT_OURS;
}
