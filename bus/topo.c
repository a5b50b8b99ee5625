/*
 * bus/topo.c - PCI topology of one root complex: buses, devices,
 * functions and bridges; configuration cycle routing and ECAM; the INTx
 * swizzle; and the enumerator (bus numbers, BAR sizing and assignment,
 * bridge windows, MPS/MRRS, Command). See bus/topo.h.
 */
#include "bus/topo.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"

#define IO_GRAN (UINT64_C(1) << 12)  /* Bridge 1.2 §3.2.5.6: 4 KiB */
#define MEM_GRAN (UINT64_C(1) << 20) /* Bridge 1.2 §3.2.5.8-9: 1 MiB */
#define FOUR_GIB (UINT64_C(1) << 32)
#define NWIN 3                       /* enum pci_bridge_window values */

struct bus_topo_bus {
	struct bus_topo_fn *bridge; /* NULL for bus 0 */
	struct bus_topo_fn *slot[BUS_TOPO_DEVICES][BUS_TOPO_FUNCTIONS];
	/* enumeration scratch */
	unsigned number;
	bool win_ok[NWIN];   /* the window of that kind reaches this bus */
	unsigned mps_path;   /* smallest MPS Supported from the root to here */
	uint64_t need[NWIN]; /* size of this bus's window of each kind */
	uint64_t align[NWIN];
	uint64_t rel[NWIN];  /* offset of that window inside the parent's */
	uint64_t base[NWIN];
};

struct bus_topo_fn {
	struct pci_cfg *cfg;
	char name[BUS_TOPO_NAME_MAX];
	struct bus_topo_bus *bus;
	struct bus_topo_bus *secondary; /* type 1 only */
	unsigned device, function;
	bool removed;        /* bus_topo_remove_function(): answers no cycle */
	struct bus_topo_result result;
	/* enumeration scratch */
	uint64_t rel[BUS_TOPO_MAX_RES]; /* offset of result.res[k] inside its bus's window */
	unsigned mps_sup;    /* MPS Supported in bytes, 0 when not PCI Express */
	uint8_t saved_bus[3]; /* primary/secondary/subordinate before the run */
};

struct bus_topo {
	struct bus_topo_bus **buses; /* [0] is bus 0 */
	unsigned n_buses, cap_buses;
	struct bus_topo_fn **fns;    /* attach order */
	unsigned n_fns, cap_fns;
	struct bus_topo_fn **order;  /* scan order of the last enumeration */
	unsigned n_order, cap_order;
	char err[256];
};

/* ---- construction ---- */

/* Make room for element @n of an array of @elem-byte entries; returns the
 * array (perhaps moved) or NULL, leaving it unchanged, when out of memory. */
static void *grow(void *arr, unsigned n, unsigned *cap, size_t elem)
{
	void *na;
	unsigned nc;

	if (n < *cap)
		return arr;
	nc = *cap ? *cap * 2 : 8;
	na = realloc(arr, nc * elem);
	if (na)
		*cap = nc;
	return na;
}

static struct bus_topo_bus *new_bus(struct bus_topo *t, struct bus_topo_fn *bridge)
{
	struct bus_topo_bus *b, **nb;

	nb = grow(t->buses, t->n_buses, &t->cap_buses, sizeof(*nb));
	if (!nb)
		return NULL;
	t->buses = nb;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->bridge = bridge;
	t->buses[t->n_buses++] = b;
	return b;
}

int bus_topo_create(struct bus_topo **out)
{
	struct bus_topo *t;

	if (!out)
		return SIM_ERR_INVALID;
	t = calloc(1, sizeof(*t));
	if (!t)
		return SIM_ERR_NOMEM;
	if (!new_bus(t, NULL)) {
		free(t);
		return SIM_ERR_NOMEM;
	}
	*out = t;
	return SIM_OK;
}

void bus_topo_destroy(struct bus_topo *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->n_buses; i++)
		free(t->buses[i]);
	for (unsigned i = 0; i < t->n_fns; i++)
		free(t->fns[i]);
	free(t->buses);
	free(t->fns);
	free(t->order);
	free(t);
}

struct bus_topo_bus *bus_topo_root_bus(struct bus_topo *t)
{
	return t ? t->buses[0] : NULL;
}

/* The topology owns Header Type bit 7 of function 0 (PCI 3.0 §6.2.1): set
 * exactly when the device has another function, so software scanning
 * functions 1..7 only when it is set finds them all. */
static void update_multifunction(struct bus_topo_bus *b, unsigned device)
{
	bool multi = false;

	if (!b->slot[device][0])
		return;
	for (unsigned f = 1; f < BUS_TOPO_FUNCTIONS; f++)
		multi |= b->slot[device][f] != NULL;
	pci_cfg_set_multifunction(b->slot[device][0]->cfg, multi);
}

int bus_topo_attach(struct bus_topo *t, struct bus_topo_bus *bus, unsigned device,
		    unsigned function, struct pci_cfg *cfg, const char *name,
		    struct bus_topo_fn **out)
{
	struct bus_topo_fn *fn, **nf, **no;

	if (!t || !bus || !cfg || device >= BUS_TOPO_DEVICES || function >= BUS_TOPO_FUNCTIONS)
		return SIM_ERR_INVALID;
	if (bus->slot[device][function])
		return SIM_ERR_BUSY;
	/* Make room in both lists first so a failure leaves nothing behind. */
	nf = grow(t->fns, t->n_fns, &t->cap_fns, sizeof(*nf));
	if (!nf)
		return SIM_ERR_NOMEM;
	t->fns = nf;
	no = grow(t->order, t->n_fns, &t->cap_order, sizeof(*no));
	if (!no)
		return SIM_ERR_NOMEM;
	t->order = no;
	fn = calloc(1, sizeof(*fn));
	if (!fn)
		return SIM_ERR_NOMEM;
	if (cfg->layout == PCI_HEADER_TYPE_BRIDGE) {
		fn->secondary = new_bus(t, fn);
		if (!fn->secondary) {
			free(fn);
			return SIM_ERR_NOMEM;
		}
	}
	fn->cfg = cfg;
	snprintf(fn->name, sizeof(fn->name), "%s", name ? name : "");
	fn->bus = bus;
	fn->device = device;
	fn->function = function;
	bus->slot[device][function] = fn;
	t->fns[t->n_fns++] = fn;
	update_multifunction(bus, device);
	if (out)
		*out = fn;
	return SIM_OK;
}

struct bus_topo_bus *bus_topo_secondary(const struct bus_topo_fn *fn)
{
	return fn ? fn->secondary : NULL;
}

struct pci_cfg *bus_topo_fn_cfg(const struct bus_topo_fn *fn)
{
	return fn ? fn->cfg : NULL;
}

const char *bus_topo_fn_name(const struct bus_topo_fn *fn)
{
	return fn ? fn->name : NULL;
}

/* ---- configuration cycle routing ---- */

/*
 * The bus a cycle for @number reaches. Bus 0 is below the host bridge. A
 * bridge claims a Type 1 cycle whose bus number lies in its Secondary..
 * Subordinate range, passes it on unchanged when the number is above
 * Secondary and turns it into a Type 0 cycle when it equals Secondary
 * (Bridge 1.2 §3.1.2.1.2). Several bridges claiming the same number is a
 * software error; the first in device/function order wins, deterministically.
 */
static struct bus_topo_bus *route(const struct bus_topo *t, unsigned number)
{
	struct bus_topo_bus *b = t->buses[0];

	if (number == 0)
		return b;
	for (;;) {
		struct bus_topo_bus *next = NULL;
		unsigned sec = 0;

		for (unsigned d = 0; d < BUS_TOPO_DEVICES && !next; d++) {
			for (unsigned f = 0; f < BUS_TOPO_FUNCTIONS && !next; f++) {
				struct bus_topo_fn *fn = b->slot[d][f];
				unsigned sub;

				if (!fn || !fn->secondary)
					continue;
				sec = pci_cfg_get_u8(fn->cfg, PCI_CFG_SECONDARY_BUS);
				sub = pci_cfg_get_u8(fn->cfg, PCI_CFG_SUBORDINATE_BUS);
				if (sec <= number && number <= sub)
					next = fn->secondary;
			}
		}
		if (!next)
			return NULL; /* master abort */
		if (sec == number)
			return next;
		b = next;
	}
}

struct bus_topo_fn *bus_topo_lookup(const struct bus_topo *t, unsigned bus, unsigned device,
				    unsigned function)
{
	struct bus_topo_bus *b;

	if (!t || bus > 255 || device >= BUS_TOPO_DEVICES || function >= BUS_TOPO_FUNCTIONS)
		return NULL;
	b = route(t, bus);
	return b ? b->slot[device][function] : NULL;
}

bool bus_topo_fn_present(const struct bus_topo_fn *fn)
{
	if (!fn)
		return false;
	/* A removed bridge takes its secondary side with it. */
	for (; fn; fn = fn->bus->bridge)
		if (fn->removed)
			return false;
	return true;
}

int bus_topo_remove_function(struct bus_topo *t, unsigned bus, unsigned device,
			     unsigned function)
{
	struct bus_topo_fn *fn = bus_topo_lookup(t, bus, device, function);

	if (!fn || !bus_topo_fn_present(fn))
		return SIM_ERR_INVALID;
	fn->removed = true;
	return SIM_OK;
}

int bus_topo_remove_slot(struct bus_topo *t, unsigned bus, unsigned device)
{
	bool any = false;

	/* Mark all first, then none is looked up through a removed one:
	 * lookups route by bus numbers only, so the order is moot anyway. */
	for (unsigned f = 0; f < BUS_TOPO_FUNCTIONS; f++) {
		struct bus_topo_fn *fn = bus_topo_lookup(t, bus, device, f);

		if (fn && bus_topo_fn_present(fn)) {
			fn->removed = true;
			any = true;
		}
	}
	return any ? SIM_OK : SIM_ERR_INVALID;
}

static bool access_ok(unsigned bus, unsigned device, unsigned function, uint32_t off,
		      uint32_t len)
{
	if (bus > 255 || device >= BUS_TOPO_DEVICES || function >= BUS_TOPO_FUNCTIONS)
		return false;
	if (len != 1 && len != 2 && len != 4)
		return false;
	return off % len == 0 && off < PCI_CFG_EXP_SPACE_SIZE &&
	       off + len <= PCI_CFG_EXP_SPACE_SIZE;
}

int bus_topo_cfg_read(struct bus_topo *t, unsigned bus, unsigned device, unsigned function,
		      uint32_t off, uint32_t len, uint32_t *out)
{
	struct bus_topo_fn *fn;

	if (!t || !out || !access_ok(bus, device, function, off, len))
		return SIM_ERR_INVALID;
	fn = bus_topo_lookup(t, bus, device, function);
	if (!fn || !bus_topo_fn_present(fn)) {
		/* Master abort: the host bridge completes the read with all
		 * ones (PCI 3.0 §6.1), which software reads as Vendor ID
		 * 0xFFFF, "no function here". */
		*out = len == 4 ? UINT32_MAX : (UINT32_C(1) << (8 * len)) - 1;
		return SIM_OK;
	}
	return pci_cfg_read(fn->cfg, off, len, out);
}

int bus_topo_cfg_write(struct bus_topo *t, unsigned bus, unsigned device, unsigned function,
		       uint32_t off, uint32_t len, uint32_t val)
{
	struct bus_topo_fn *fn;

	if (!t || !access_ok(bus, device, function, off, len))
		return SIM_ERR_INVALID;
	fn = bus_topo_lookup(t, bus, device, function);
	if (!fn || !bus_topo_fn_present(fn))
		return SIM_OK; /* master abort: the write is dropped */
	return pci_cfg_write(fn->cfg, off, len, val);
}

/* ECAM (PCIe 4.0 §7.2.2, Table 7-1): A[27:20] bus, A[19:15] device,
 * A[14:12] function, A[11:0] register. */
static bool ecam_split(uint64_t o, unsigned *b, unsigned *d, unsigned *f, uint32_t *reg)
{
	if (o >= BUS_TOPO_ECAM_SIZE)
		return false;
	*b = (unsigned)(o >> 20) & 0xff;
	*d = (unsigned)(o >> 15) & 0x1f;
	*f = (unsigned)(o >> 12) & 0x7;
	*reg = (uint32_t)o & 0xfff;
	return true;
}

int bus_topo_ecam_read(struct bus_topo *t, uint64_t ecam_offset, uint32_t len, uint32_t *out)
{
	unsigned b, d, f;
	uint32_t reg;

	if (!ecam_split(ecam_offset, &b, &d, &f, &reg))
		return SIM_ERR_INVALID;
	return bus_topo_cfg_read(t, b, d, f, reg, len, out);
}

int bus_topo_ecam_write(struct bus_topo *t, uint64_t ecam_offset, uint32_t len, uint32_t val)
{
	unsigned b, d, f;
	uint32_t reg;

	if (!ecam_split(ecam_offset, &b, &d, &f, &reg))
		return SIM_ERR_INVALID;
	return bus_topo_cfg_write(t, b, d, f, reg, len, val);
}

/* ---- interrupt swizzle ---- */

unsigned bus_topo_root_pin(const struct bus_topo_fn *fn, unsigned *root_device)
{
	unsigned pin, dev;
	const struct bus_topo_bus *b;

	if (!fn)
		return 0;
	pin = pci_cfg_get_u8(fn->cfg, PCI_CFG_INTERRUPT_PIN);
	dev = fn->device;
	b = fn->bus;
	/* Bridge 1.2 §9.1 (Table 9-1): INTx of device D on the secondary
	 * bus appears on the primary side as ((D + pin - 1) mod 4) + 1,
	 * applied once per bridge up to the root bus. */
	while (b->bridge) {
		if (pin)
			pin = ((dev + pin - 1) % 4) + 1;
		dev = b->bridge->device;
		b = b->bridge->bus;
	}
	if (root_device)
		*root_device = dev;
	return pin <= 4 ? pin : 0;
}

/* ---- enumeration ---- */

struct enum_ctx {
	struct bus_topo *t;
	const struct bus_topo_platform *p;
	unsigned last_bus;
};

static const char *const win_names[NWIN] = {
	[PCI_WINDOW_IO] = "I/O",
	[PCI_WINDOW_MEM] = "32-bit memory",
	[PCI_WINDOW_PREF] = "64-bit prefetchable memory",
};

static void fail(struct bus_topo *t, const struct bus_topo_fn *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Errors name the function as software would: bus:device.function as the
 * scan found it, then the model's name. */
static void fail(struct bus_topo *t, const struct bus_topo_fn *fn, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (fn)
		n = snprintf(t->err, sizeof(t->err), "%02x:%02x.%x (%s): ", fn->result.bus,
			     fn->result.device, fn->result.function, fn->name);
	if (n < 0 || (size_t)n >= sizeof(t->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Configuration accesses of the enumerator go through the routed bus, at
 * the address the scan found the function at. */
static uint32_t rd(struct enum_ctx *x, const struct bus_topo_fn *fn, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	(void)bus_topo_cfg_read(x->t, fn->result.bus, fn->result.device, fn->result.function,
				off, len, &v);
	return v;
}

static void wr(struct enum_ctx *x, const struct bus_topo_fn *fn, uint32_t off, uint32_t len,
	       uint32_t v)
{
	(void)bus_topo_cfg_write(x->t, fn->result.bus, fn->result.device, fn->result.function,
				 off, len, v);
}

static unsigned log2u(uint64_t v)
{
	unsigned n = 0;

	while (v >>= 1)
		n++;
	return n;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Which windows a bridge implements, found as firmware finds them: write
 * the RW bits of a Base register and see whether they stick (Bridge 1.2
 * §3.2.5.6 and §3.2.5.9: the I/O and prefetchable windows are optional);
 * bits 3:0 say 16/32-bit I/O and 32/64-bit prefetchable addressing. */
static void probe_bridge_windows(struct enum_ctx *x, struct bus_topo_fn *br)
{
	struct bus_topo_bus *parent = br->bus, *child = br->secondary;
	const struct bus_topo_platform *p = x->p;
	uint32_t old, v;
	bool io, io32, pref, pref64;

	old = rd(x, br, PCI_CFG_IO_BASE, 1);
	wr(x, br, PCI_CFG_IO_BASE, 1, 0xf0);
	v = rd(x, br, PCI_CFG_IO_BASE, 1);
	wr(x, br, PCI_CFG_IO_BASE, 1, old);
	io = (v & 0xf0) != 0;
	io32 = (v & 0x0f) == 0x1;

	old = rd(x, br, PCI_CFG_PREF_BASE, 2);
	wr(x, br, PCI_CFG_PREF_BASE, 2, 0xfff0);
	v = rd(x, br, PCI_CFG_PREF_BASE, 2);
	wr(x, br, PCI_CFG_PREF_BASE, 2, old);
	pref = (v & 0xfff0) != 0;
	pref64 = (v & 0x0f) == 0x1;

	child->win_ok[PCI_WINDOW_MEM] = true; /* mandatory, 32-bit */
	child->win_ok[PCI_WINDOW_IO] = parent->win_ok[PCI_WINDOW_IO] && io &&
		(io32 || p->io.base + p->io.size_bytes <= 0x10000);
	child->win_ok[PCI_WINDOW_PREF] = parent->win_ok[PCI_WINDOW_PREF] && pref &&
		(pref64 || p->pref64.base + p->pref64.size_bytes <= FOUR_GIB);
}

static int scan_bus(struct enum_ctx *x, struct bus_topo_bus *b, unsigned number);

/* A function answered at @number:@dev.@f: record it and its MPS. */
static struct bus_topo_fn *found_fn(struct enum_ctx *x, unsigned number, unsigned dev,
				    unsigned f)
{
	struct bus_topo_fn *fn = bus_topo_lookup(x->t, number, dev, f);
	struct bus_topo_result *r;
	uint32_t cap;

	if (!fn)
		return NULL; /* cannot happen: it just answered */
	r = &fn->result;
	memset(r, 0, sizeof(*r));
	memset(fn->rel, 0, sizeof(fn->rel));
	r->found = true;
	r->bus = number;
	r->device = dev;
	r->function = f;
	r->name = fn->name;
	r->is_bridge = (rd(x, fn, PCI_CFG_HEADER_TYPE, 1) & 0x7f) == PCI_HEADER_TYPE_BRIDGE &&
		       fn->secondary;
	r->root_pin = bus_topo_root_pin(fn, &r->root_device);
	fn->mps_sup = 0;
	cap = pci_cap_find(fn->cfg, PCI_CAP_ID_EXP);
	if (cap)
		fn->mps_sup = 128u << (rd(x, fn, cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_PAYLOAD);
	x->t->order[x->t->n_order++] = fn;
	return fn;
}

/*
 * Depth-first scan of bus @number (object @b), numbering the buses below
 * as Linux's pci_scan_bridge does for an unconfigured hierarchy.
 */
static int scan_bus(struct enum_ctx *x, struct bus_topo_bus *b, unsigned number)
{
	struct bus_topo_fn *bridges[BUS_TOPO_DEVICES * BUS_TOPO_FUNCTIONS];
	unsigned nb = 0;

	b->number = number;
	for (unsigned d = 0; d < BUS_TOPO_DEVICES; d++) {
		bool multi = false;

		for (unsigned f = 0; f < BUS_TOPO_FUNCTIONS; f++) {
			struct bus_topo_fn *fn;
			uint32_t v;

			/* Functions 1..7 exist only when function 0 says
			 * multi-function (PCI 3.0 §6.2.1). */
			if (f && !multi)
				break;
			(void)bus_topo_cfg_read(x->t, number, d, f, PCI_CFG_VENDOR_ID, 2, &v);
			if (v == 0xffff) {
				if (f == 0)
					break;
				continue;
			}
			if (f == 0) {
				(void)bus_topo_cfg_read(x->t, number, d, 0, PCI_CFG_HEADER_TYPE, 1, &v);
				multi = v & PCI_HEADER_TYPE_MULTIFUNCTION;
			}
			fn = found_fn(x, number, d, f);
			if (!fn || !fn->result.is_bridge)
				continue;
			/* Stale numbers must not claim cycles meant for the
			 * buses numbered before this bridge's turn comes. */
			wr(x, fn, PCI_CFG_PRIMARY_BUS, 1, 0);
			wr(x, fn, PCI_CFG_SECONDARY_BUS, 1, 0);
			wr(x, fn, PCI_CFG_SUBORDINATE_BUS, 1, 0);
			bridges[nb++] = fn;
		}
	}
	for (unsigned i = 0; i < nb; i++) {
		struct bus_topo_fn *br = bridges[i];
		struct bus_topo_bus *child = br->secondary;
		unsigned sec;
		int err;

		if (x->last_bus >= 255) {
			fail(x->t, br, "no bus number left for its secondary bus (255 in use)");
			return SIM_ERR_LIMIT;
		}
		sec = ++x->last_bus;
		/* Bridge 1.2 §3.2.5.3-5: Subordinate 0xff while the secondary
		 * side is scanned, so every number handed out below is
		 * forwarded; then the highest one actually used. */
		wr(x, br, PCI_CFG_PRIMARY_BUS, 1, number);
		wr(x, br, PCI_CFG_SECONDARY_BUS, 1, sec);
		wr(x, br, PCI_CFG_SUBORDINATE_BUS, 1, 0xff);
		probe_bridge_windows(x, br);
		child->mps_path = b->mps_path;
		if (br->mps_sup && br->mps_sup < child->mps_path)
			child->mps_path = br->mps_sup;
		err = scan_bus(x, child, sec);
		if (err)
			return err;
		wr(x, br, PCI_CFG_SUBORDINATE_BUS, 1, x->last_bus);
		br->result.primary = number;
		br->result.secondary = sec;
		br->result.subordinate = x->last_bus;
	}
	return SIM_OK;
}

static uint32_t rom_reg(const struct bus_topo_fn *fn)
{
	return fn->result.is_bridge ? PCI_CFG_ROM_ADDRESS1 : PCI_CFG_ROM_ADDRESS;
}

/* The Expansion ROM BAR (PCI 3.0 §6.2.5.2): write the address bits with
 * Enable clear, read back, restore. Its address bits 31:11 are the only
 * writable ones, so the lowest set bit read back is the size. */
static void size_rom(struct enum_ctx *x, struct bus_topo_fn *fn)
{
	struct bus_topo_result *r = &fn->result;
	uint32_t reg = rom_reg(fn), orig, sz;
	struct bus_topo_resource *res;

	orig = rd(x, fn, reg, 4);
	wr(x, fn, reg, 4, PCI_ROM_ADDRESS_MASK);
	sz = rd(x, fn, reg, 4) & PCI_ROM_ADDRESS_MASK;
	wr(x, fn, reg, 4, orig);
	if (!sz)
		return;
	res = &r->res[r->n_res++];
	res->bar = BUS_TOPO_ROM_BAR;
	res->kind = PCI_BAR_MEM32;
	res->prefetchable = false;
	res->window = PCI_WINDOW_MEM;
	res->size_bytes = sz & (~sz + 1);
}

/* Size the BARs of @fn with the sequence of Linux's __pci_read_base():
 * decode off, save, write all ones, read, restore; both halves of a
 * 64-bit BAR (PCI 3.0 §6.2.5.1). */
static int size_bars(struct enum_ctx *x, struct bus_topo_fn *fn)
{
	struct bus_topo_result *r = &fn->result;
	unsigned nbar = r->is_bridge ? 2 : 6;
	uint32_t cmd = rd(x, fn, PCI_CFG_COMMAND, 2);

	wr(x, fn, PCI_CFG_COMMAND, 2, cmd & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (unsigned i = 0; i < nbar; i++) {
		uint32_t reg = PCI_CFG_BAR0 + 4 * i, orig, sz;
		struct bus_topo_resource *res;
		uint64_t mask;

		orig = rd(x, fn, reg, 4);
		wr(x, fn, reg, 4, UINT32_MAX);
		sz = rd(x, fn, reg, 4);
		wr(x, fn, reg, 4, orig);
		if (sz == 0 || sz == UINT32_MAX)
			continue; /* not implemented */
		res = &r->res[r->n_res];
		res->bar = i;
		if (sz & PCI_BAR_SPACE_IO) {
			mask = sz & PCI_BAR_IO_MASK;
			/* 16-bit I/O decoders leave the upper half 0. */
			if (!(mask >> 16))
				mask |= 0xffff0000u;
			res->kind = PCI_BAR_IO;
			res->window = PCI_WINDOW_IO;
		} else if ((sz & 0x6) == PCI_BAR_MEM_TYPE_64 && i + 1 < nbar) {
			uint32_t orig_hi, hi;

			orig_hi = rd(x, fn, reg + 4, 4);
			wr(x, fn, reg + 4, 4, UINT32_MAX);
			hi = rd(x, fn, reg + 4, 4);
			wr(x, fn, reg + 4, 4, orig_hi);
			mask = (uint64_t)hi << 32 | (sz & PCI_BAR_MEM_MASK);
			res->kind = PCI_BAR_MEM64;
			res->prefetchable = sz & PCI_BAR_MEM_PREFETCH;
			i++;
		} else {
			mask = sz & PCI_BAR_MEM_MASK;
			res->kind = PCI_BAR_MEM32;
			res->prefetchable = sz & PCI_BAR_MEM_PREFETCH;
		}
		if (!mask)
			continue;
		/* The lowest writable address bit is the size. */
		res->size_bytes = mask & (~mask + 1);
		if (res->kind != PCI_BAR_IO)
			res->window = res->kind == PCI_BAR_MEM64 && res->prefetchable &&
					      fn->bus->win_ok[PCI_WINDOW_PREF] ?
				PCI_WINDOW_PREF : PCI_WINDOW_MEM;
		if (res->kind == PCI_BAR_IO && !fn->bus->win_ok[PCI_WINDOW_IO]) {
			wr(x, fn, PCI_CFG_COMMAND, 2, cmd);
			fail(x->t, fn, "BAR %u (I/O, %" PRIu64 " bytes): no I/O window reaches bus %02x",
			     i, res->size_bytes, r->bus);
			return SIM_ERR_LIMIT;
		}
		r->n_res++;
	}
	size_rom(x, fn);
	wr(x, fn, PCI_CFG_COMMAND, 2, cmd);
	return SIM_OK;
}

struct item {
	uint64_t size, align;
	uint64_t *rel;
	unsigned seq;
};

static struct bus_topo_fn *bus_fn(const struct bus_topo_bus *b, unsigned i)
{
	struct bus_topo_fn *fn = b->slot[i / BUS_TOPO_FUNCTIONS][i % BUS_TOPO_FUNCTIONS];

	return fn && fn->result.found ? fn : NULL;
}

/*
 * Bottom-up layout of bus @b: for each window kind, the BARs on the bus
 * and the windows of its child bridges, largest alignment first (ties in
 * scan order, so the result is deterministic), each at its natural
 * alignment. Sorting by alignment packs without holes beyond what
 * alignment forces. A bus behind a bridge rounds its window to the
 * bridge's granularity.
 */
static int layout_bus(struct enum_ctx *x, struct bus_topo_bus *b)
{
	const unsigned nslot = BUS_TOPO_DEVICES * BUS_TOPO_FUNCTIONS;
	struct item *items;
	unsigned cap = 0;
	int err = SIM_OK;

	for (unsigned i = 0; i < nslot; i++) {
		struct bus_topo_fn *fn = bus_fn(b, i);

		if (!fn)
			continue;
		cap += fn->result.n_res + 1;
		if (fn->result.is_bridge && (err = layout_bus(x, fn->secondary)))
			return err;
	}
	items = malloc((cap ? cap : 1) * sizeof(*items));
	if (!items) {
		fail(x->t, NULL, "out of host memory");
		return SIM_ERR_NOMEM;
	}
	for (unsigned w = 0; w < NWIN && !err; w++) {
		unsigned n = 0;
		uint64_t off = 0, maxal = 1;

		for (unsigned i = 0; i < nslot; i++) {
			struct bus_topo_fn *fn = bus_fn(b, i);

			if (!fn)
				continue;
			for (unsigned k = 0; k < fn->result.n_res; k++) {
				const struct bus_topo_resource *res = &fn->result.res[k];

				if (res->window == w)
					items[n++] = (struct item){ res->size_bytes, res->size_bytes,
								    &fn->rel[k], n };
			}
			if (fn->result.is_bridge && fn->secondary->need[w])
				items[n++] = (struct item){ fn->secondary->need[w],
							    fn->secondary->align[w],
							    &fn->secondary->rel[w], n };
		}
		for (unsigned i = 1; i < n; i++) { /* stable insertion sort */
			struct item it = items[i];
			unsigned j = i;

			while (j > 0 && items[j - 1].align < it.align) {
				items[j] = items[j - 1];
				j--;
			}
			items[j] = it;
		}
		for (unsigned i = 0; i < n; i++) {
			off = align_up(off, items[i].align);
			*items[i].rel = off;
			if (off + items[i].size < off) {
				fail(x->t, NULL, "bus %02x: resources exceed the address space",
				     b->number);
				err = SIM_ERR_LIMIT;
				break;
			}
			off += items[i].size;
			if (items[i].align > maxal)
				maxal = items[i].align;
		}
		if (b->bridge && off) {
			uint64_t gran = w == PCI_WINDOW_IO ? IO_GRAN : MEM_GRAN;

			off = align_up(off, gran);
			if (gran > maxal)
				maxal = gran;
		}
		b->need[w] = off;
		b->align[w] = maxal;
	}
	free(items);
	return err;
}

/* Top-down: absolute addresses from the offsets layout_bus() chose. */
static void place_bus(struct bus_topo_bus *b, const uint64_t base[NWIN])
{
	for (unsigned w = 0; w < NWIN; w++)
		b->base[w] = base[w];
	for (unsigned i = 0; i < BUS_TOPO_DEVICES * BUS_TOPO_FUNCTIONS; i++) {
		struct bus_topo_fn *fn = bus_fn(b, i);

		if (!fn)
			continue;
		for (unsigned k = 0; k < fn->result.n_res; k++)
			fn->result.res[k].base = base[fn->result.res[k].window] + fn->rel[k];
		if (fn->result.is_bridge) {
			struct bus_topo_bus *c = fn->secondary;
			uint64_t cb[NWIN];

			for (unsigned w = 0; w < NWIN; w++) {
				cb[w] = base[w] + c->rel[w];
				fn->result.windows[w].open = c->need[w] != 0;
				if (c->need[w]) {
					fn->result.windows[w].base = cb[w];
					fn->result.windows[w].limit = cb[w] + c->need[w] - 1;
				}
			}
			place_bus(c, cb);
		}
	}
}

static const struct bus_topo_window *plat_window(const struct bus_topo_platform *p, unsigned w)
{
	return w == PCI_WINDOW_IO ? &p->io : w == PCI_WINDOW_MEM ? &p->mem32 : &p->pref64;
}

/* Every BAR inside its platform window. When some are not, the one to
 * blame is the lowest-addressed of them (ties in scan order): it is the
 * one that crossed the window's end, the others were only pushed out
 * behind it. */
static int check_fit(struct enum_ctx *x)
{
	const struct bus_topo_fn *bad_fn = NULL;
	const struct bus_topo_resource *bad = NULL;

	for (unsigned i = 0; i < x->t->n_order; i++) {
		struct bus_topo_fn *fn = x->t->order[i];

		for (unsigned k = 0; k < fn->result.n_res; k++) {
			const struct bus_topo_resource *res = &fn->result.res[k];
			const struct bus_topo_window *win = plat_window(x->p, res->window);
			uint64_t end = res->base + res->size_bytes;

			if (res->base >= win->base && end > res->base &&
			    end <= win->base + win->size_bytes)
				continue;
			if (!bad || res->base < bad->base) {
				bad = res;
				bad_fn = fn;
			}
		}
	}
	if (bad) {
		const struct bus_topo_window *win = plat_window(x->p, bad->window);

		char what[24];

		if (bad->bar == BUS_TOPO_ROM_BAR)
			snprintf(what, sizeof(what), "Expansion ROM");
		else
			snprintf(what, sizeof(what), "BAR %u", bad->bar);
		fail(x->t, bad_fn,
		     "%s (%" PRIu64 " bytes) does not fit the %s window "
		     "[0x%" PRIx64 ", 0x%" PRIx64 ")",
		     what, bad->size_bytes, win_names[bad->window], win->base,
		     win->base + win->size_bytes);
		return SIM_ERR_LIMIT;
	}
	return SIM_OK;
}

/* Bridge 1.2 §3.2.5.6-9: program one window of bridge @br, or close it
 * (base above limit) when nothing below needs it. */
static void program_window(struct enum_ctx *x, struct bus_topo_fn *br, unsigned w)
{
	const struct bus_topo_bridge_range *r = &br->result.windows[w];
	uint64_t b = r->open ? r->base : UINT64_MAX, l = r->open ? r->limit : 0;

	switch (w) {
	case PCI_WINDOW_IO:
		wr(x, br, PCI_CFG_IO_BASE, 1, (uint32_t)(b >> 8) & 0xf0);
		wr(x, br, PCI_CFG_IO_LIMIT, 1, (uint32_t)(l >> 8) & 0xf0);
		wr(x, br, PCI_CFG_IO_BASE_UPPER, 2, r->open ? (uint32_t)(b >> 16) & 0xffff : 0);
		wr(x, br, PCI_CFG_IO_LIMIT_UPPER, 2, (uint32_t)(l >> 16) & 0xffff);
		break;
	case PCI_WINDOW_MEM:
		wr(x, br, PCI_CFG_MEMORY_BASE, 2, (uint32_t)(b >> 16) & 0xfff0);
		wr(x, br, PCI_CFG_MEMORY_LIMIT, 2, (uint32_t)(l >> 16) & 0xfff0);
		break;
	default:
		wr(x, br, PCI_CFG_PREF_BASE, 2, (uint32_t)(b >> 16) & 0xfff0);
		wr(x, br, PCI_CFG_PREF_LIMIT, 2, (uint32_t)(l >> 16) & 0xfff0);
		wr(x, br, PCI_CFG_PREF_BASE_UPPER, 4, r->open ? (uint32_t)(b >> 32) : 0);
		wr(x, br, PCI_CFG_PREF_LIMIT_UPPER, 4, (uint32_t)(l >> 32));
		break;
	}
}

static void program_fn(struct enum_ctx *x, struct bus_topo_fn *fn)
{
	struct bus_topo_result *r = &fn->result;
	const struct bus_topo_platform *p = x->p;
	bool has_mem = false, has_io = false;
	uint32_t cmd, cap;

	for (unsigned k = 0; k < r->n_res; k++) {
		const struct bus_topo_resource *res = &r->res[k];
		uint32_t reg = PCI_CFG_BAR0 + 4 * res->bar;

		if (res->bar == BUS_TOPO_ROM_BAR) {
			/* Enable stays clear, and a ROM alone does not turn
			 * Memory Space on. */
			wr(x, fn, rom_reg(fn), 4, (uint32_t)res->base);
			continue;
		}
		wr(x, fn, reg, 4, (uint32_t)res->base);
		if (res->kind == PCI_BAR_MEM64)
			wr(x, fn, reg + 4, 4, (uint32_t)(res->base >> 32));
		if (res->kind == PCI_BAR_IO)
			has_io = true;
		else
			has_mem = true;
	}
	if (r->is_bridge)
		for (unsigned w = 0; w < NWIN; w++)
			program_window(x, fn, w);

	/* PCIe 4.0 §7.5.3.4: MPS must not exceed what any function on the
	 * path supports; MRRS is the platform's choice. */
	cap = pci_cap_find(fn->cfg, PCI_CAP_ID_EXP);
	if (cap) {
		unsigned mps = fn->bus->mps_path;
		uint32_t ctl;

		if (fn->mps_sup < mps)
			mps = fn->mps_sup;
		ctl = rd(x, fn, cap + PCI_EXP_DEVCTL, 2);
		ctl &= ~(uint32_t)(PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ);
		ctl |= log2u(mps / 128) << 5 | log2u(p->mrrs_bytes / 128) << 12;
		wr(x, fn, cap + PCI_EXP_DEVCTL, 2, ctl);
		r->mps_bytes = mps;
		r->mrrs_bytes = p->mrrs_bytes;
	}

	cmd = rd(x, fn, PCI_CFG_COMMAND, 2);
	if (p->enable_memory && (has_mem || r->is_bridge))
		cmd |= PCI_CMD_MEMORY;
	if (p->enable_io && (has_io || r->is_bridge))
		cmd |= PCI_CMD_IO;
	if (p->enable_master)
		cmd |= PCI_CMD_MASTER;
	wr(x, fn, PCI_CFG_COMMAND, 2, cmd);
}

static bool pow2_in(unsigned v, unsigned lo, unsigned hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

static bool platform_ok(const struct bus_topo_platform *p)
{
	if (!pow2_in(p->mps_cap_bytes, 128, 4096) || !pow2_in(p->mrrs_bytes, 128, 4096))
		return false;
	if (p->mem32.size_bytes > FOUR_GIB || p->mem32.base > FOUR_GIB - p->mem32.size_bytes)
		return false;
	if (p->io.size_bytes > FOUR_GIB || p->io.base > FOUR_GIB - p->io.size_bytes)
		return false;
	return p->pref64.base <= UINT64_MAX - p->pref64.size_bytes;
}

static void rollback(struct bus_topo *t)
{
	/* Put back the bus numbers the scan changed, directly on each
	 * bridge (a routed write could no longer reach the deeper ones once
	 * a parent is restored). Nothing else was written yet. */
	for (unsigned i = 0; i < t->n_fns; i++) {
		struct bus_topo_fn *fn = t->fns[i];

		memset(&fn->result, 0, sizeof(fn->result));
		if (!fn->secondary)
			continue;
		for (unsigned k = 0; k < 3; k++)
			(void)pci_cfg_write(fn->cfg, PCI_CFG_PRIMARY_BUS + k, 1, fn->saved_bus[k]);
	}
	t->n_order = 0;
}

int bus_topo_enumerate(struct bus_topo *t, const struct bus_topo_platform *plat)
{
	struct enum_ctx x = { t, plat, 0 };
	struct bus_topo_bus *root;
	uint64_t base[NWIN];
	int err;

	if (!t || !plat)
		return SIM_ERR_INVALID;
	t->err[0] = '\0';
	if (!platform_ok(plat)) {
		snprintf(t->err, sizeof(t->err), "invalid platform description");
		return SIM_ERR_INVALID;
	}
	root = t->buses[0];
	for (unsigned i = 0; i < t->n_fns; i++) {
		struct bus_topo_fn *fn = t->fns[i];

		memset(&fn->result, 0, sizeof(fn->result));
		if (fn->secondary)
			for (unsigned k = 0; k < 3; k++)
				fn->saved_bus[k] = pci_cfg_get_u8(fn->cfg, PCI_CFG_PRIMARY_BUS + k);
	}
	t->n_order = 0;
	root->win_ok[PCI_WINDOW_IO] = plat->io.size_bytes != 0;
	root->win_ok[PCI_WINDOW_MEM] = true;
	root->win_ok[PCI_WINDOW_PREF] = plat->pref64.size_bytes != 0;
	root->mps_path = plat->mps_cap_bytes;

	err = scan_bus(&x, root, 0);
	for (unsigned i = 0; !err && i < t->n_order; i++)
		err = size_bars(&x, t->order[i]);
	if (!err)
		err = layout_bus(&x, root);
	if (!err) {
		for (unsigned w = 0; w < NWIN; w++)
			base[w] = align_up(plat_window(plat, w)->base, root->align[w]);
		place_bus(root, base);
		err = check_fit(&x);
	}
	if (err) {
		rollback(t);
		return err;
	}
	for (unsigned i = 0; i < t->n_order; i++)
		program_fn(&x, t->order[i]);
	return SIM_OK;
}

const char *bus_topo_last_error(const struct bus_topo *t)
{
	return t ? t->err : "";
}

const struct bus_topo_result *bus_topo_fn_result(const struct bus_topo_fn *fn)
{
	return fn ? &fn->result : NULL;
}

unsigned bus_topo_fn_count(const struct bus_topo *t)
{
	return t ? t->n_order : 0;
}

struct bus_topo_fn *bus_topo_fn_at(const struct bus_topo *t, unsigned index)
{
	return t && index < t->n_order ? t->order[index] : NULL;
}
