/*
 * platform/machine.c - the machine builder: host memory, topology, ECAM,
 * enumeration and the memory decoder, kept in step with configuration
 * space by a write hook on every device function; surprise removal. See
 * platform/machine.h for the decode rule.
 */
#include "platform/machine.h"
#include "platform/machine-internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"
#include "sim/tlm.h"

#define ECAM_BUS_SHIFT 20 /* PCIe 4.0 §7.2.2: A[27:20] bus, A[19:15] device, A[14:12] function */
#define ECAM_DEV_SHIFT 15
#define ECAM_FN_SHIFT 12

static _Thread_local char build_error[192];

static void set_build_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(build_error, sizeof(build_error), fmt, ap);
	va_end(ap);
}

const char *platform_build_error(void)
{
	return build_error;
}

/* ---- host memory ranges as TLM targets ---- */

static void ram_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct platform_ram_window *w = opaque;
	uint64_t off = p->address;

	p->address = off + w->base;
	tlm_b_transport(bus_mem_target(w->mem), p, delay_ps);
	p->address = off;
}

static uint32_t ram_transport_dbg(void *opaque, struct tlm_payload *p)
{
	struct platform_ram_window *w = opaque;
	uint64_t off = p->address;
	uint32_t n;

	p->address = off + w->base;
	n = tlm_transport_dbg(bus_mem_target(w->mem), p);
	p->address = off;
	return n;
}

static const struct tlm_target_ops ram_target_ops = {
	.b_transport = ram_b_transport,
	.transport_dbg = ram_transport_dbg,
	.get_dmi = NULL,
};

/* ---- functions: lookup, removal ---- */

static struct platform_fn *fn_of(struct platform_machine *m, const struct bus_topo_fn *tfn)
{
	if (!tfn)
		return NULL;
	for (size_t i = 0; i < m->n_fns; i++)
		if (m->fns[i].tfn == tfn)
			return &m->fns[i];
	return NULL;
}

/* Removed itself or below a removed bridge: a pulled card takes its
 * secondary side with it. The topology keeps the flag, so every
 * configuration path (ECAM, bus_topo_cfg_read()) sees the removal. */
static bool fn_gone(const struct platform_fn *f)
{
	return !bus_topo_fn_present(f->tfn);
}

static struct platform_fn *fn_at(struct platform_machine *m, unsigned bus, unsigned device,
				 unsigned function)
{
	return fn_of(m, bus_topo_lookup(m->topo, bus, device, function));
}

/* ---- keeping the decoder in step with configuration space ---- */

static bool in_window(const struct bus_topo_window *w, uint64_t addr, uint64_t size)
{
	return w->size_bytes && addr >= w->base && size <= w->size_bytes &&
	       addr - w->base <= w->size_bytes - size;
}

/* [addr, addr + size) inside the open window @w of bridge space @c. */
static bool in_bridge_window(const struct pci_cfg *c, enum pci_bridge_window w, uint64_t addr,
			     uint64_t size)
{
	uint64_t base, limit;

	if (pci_cfg_bridge_window(c, w, &base, &limit) != 1)
		return false;
	return addr >= base && addr <= limit && size - 1 <= limit - addr;
}

/*
 * Every bridge between @f and the root bus forwards [addr, addr + size)
 * downstream (Bridge 1.2 §4.1, §3.2.5.6-9): the space's enable in its
 * Command register, D0, and the range inside one of its windows for that
 * space. The bridge compares addresses only, so either memory window
 * forwards any memory BAR; that software should put only prefetchable
 * BARs in the prefetchable one is its rule, not the bridge's.
 */
static bool path_forwards(const struct platform_fn *f, bool io, uint64_t addr, uint64_t size)
{
	for (const struct platform_fn *p = f->parent; p; p = p->parent) {
		uint16_t cmd = pci_cfg_get_u16(p->cfg, PCI_CFG_COMMAND);

		if (!(cmd & (io ? PCI_CMD_IO : PCI_CMD_MEMORY)) ||
		    pci_cap_pm_state(p->cfg) != PCI_D0)
			return false;
		if (io ? !in_bridge_window(p->cfg, PCI_WINDOW_IO, addr, size)
		       : !in_bridge_window(p->cfg, PCI_WINDOW_MEM, addr, size) &&
				 !in_bridge_window(p->cfg, PCI_WINDOW_PREF, addr, size))
			return false;
	}
	return true;
}

/*
 * One decodable thing of a function: BAR @slot (0..5) or, at
 * PLATFORM_ROM_SLOT, the Expansion ROM. @decoding is the function's own
 * enable (Command for a BAR; Command.Memory Space and ROM Enable for the
 * ROM); @addr_bits the low bits a sizing write of all ones leaves set
 * besides the size bits (type and flag bits of the register).
 */
struct slot_info {
	bool present, io, decoding;
	uint64_t addr, size_bytes;
	uint32_t flag_bits;
	const struct bus_region_ops *ops;
	void *opaque;
};

static const struct bus_region_ops rom_ops;

static bool slot_get(struct platform_fn *f, unsigned slot, struct slot_info *si)
{
	memset(si, 0, sizeof(*si));
	if (slot == PLATFORM_ROM_SLOT) {
		uint32_t addr, size;

		if (pci_cfg_rom_info(f->cfg, &addr, &size, &si->decoding) != 0)
			return false;
		si->addr = addr;
		si->size_bytes = size;
		si->flag_bits = ~PCI_ROM_ADDRESS_MASK;
		si->ops = &rom_ops;
		si->opaque = f;
	} else {
		struct pci_cfg_bar_info bi;

		if (!f->bars.ops[slot] || pci_cfg_bar_info(f->cfg, slot, &bi) != 0 ||
		    bi.size_bytes == 0)
			return false;
		si->io = bi.kind == PCI_BAR_IO;
		si->decoding = bi.decoding;
		si->addr = bi.address;
		si->size_bytes = bi.size_bytes;
		si->flag_bits = si->io ? ~PCI_BAR_IO_MASK : ~PCI_BAR_MEM_MASK;
		si->ops = f->bars.ops[slot];
		si->opaque = f->bars.opaque[slot];
	}
	si->present = true;
	return true;
}

/* The rule of platform/machine.h, for one BAR or the ROM. */
static bool slot_decodes(const struct platform_fn *f, const struct slot_info *si)
{
	const struct platform_machine *m = f->m;

	if (fn_gone(f) || !si->decoding || pci_cap_pm_state(f->cfg) != PCI_D0)
		return false;
	if (si->addr == 0)
		return false;
	/* All writable low address bits set: what sizing leaves (write ~0,
	 * read back) before the restore; even with decoding left on, it
	 * must not pass for an assignment. */
	if (si->size_bytes < (UINT64_C(1) << 32) &&
	    ((uint32_t)si->addr | (uint32_t)(si->size_bytes - 1) | si->flag_bits) == 0xffffffffu)
		return false;
	if (si->io) {
		if (!in_window(&m->io_win, si->addr, si->size_bytes))
			return false;
	} else if (!in_window(&m->mem32, si->addr, si->size_bytes) &&
		   !in_window(&m->pref64, si->addr, si->size_bytes)) {
		return false;
	}
	return path_forwards(f, si->io, si->addr, si->size_bytes);
}

static void sync_failed(struct platform_fn *f, unsigned slot, const char *what, int rc)
{
	struct platform_machine *m = f->m;

	m->sync_failures++;
	if (slot == PLATFORM_ROM_SLOT)
		snprintf(m->error, sizeof(m->error), "%s ROM: %s failed: %s", f->name, what,
			 sim_strerror(rc));
	else
		snprintf(m->error, sizeof(m->error), "%s BAR%u: %s failed: %s", f->name, slot,
			 what, sim_strerror(rc));
}

static struct bus_decode *slot_decoder(struct platform_fn *f, unsigned slot)
{
	return f->io_space[slot] ? &f->m->io_decode : &f->m->decode;
}

static void slot_sync(struct platform_fn *f, unsigned i)
{
	struct slot_info si;
	struct bus_decode *d;
	int rc;

	if (!slot_get(f, i, &si))
		return;
	if (f->region[i] && f->io_space[i] != si.io) {
		/* A model changed the BAR's space: start over in the other
		 * decoder. */
		bus_decode_unmap(slot_decoder(f, i), f->region[i]);
		f->region[i] = 0;
		f->enabled[i] = false;
	}
	f->io_space[i] = si.io;
	d = slot_decoder(f, i);
	if (!slot_decodes(f, &si)) {
		/* Disable rather than unmap: the id stays, and a later
		 * enable moves it first, so no stale address decodes. */
		if (f->region[i] && f->enabled[i]) {
			rc = bus_decode_enable(d, f->region[i], false);
			if (rc)
				sync_failed(f, i, "disable", rc);
			else
				f->enabled[i] = false;
		}
		return;
	}
	if (!f->region[i]) {
		char name[BUS_TOPO_NAME_MAX + 8];
		int prio = PLATFORM_PRIO_BAR_TOP - (int)(f->index * PLATFORM_SLOTS + i);

		if (i == PLATFORM_ROM_SLOT)
			snprintf(name, sizeof(name), "%s.rom", f->name);
		else
			snprintf(name, sizeof(name), "%s.bar%u", f->name, i);
		rc = bus_decode_map(d, si.addr, si.size_bytes, prio, si.ops, si.opaque, name,
				    &f->region[i]);
		if (rc) {
			f->region[i] = 0;
			sync_failed(f, i, "map", rc);
			return;
		}
		f->enabled[i] = true;
		f->base[i] = si.addr;
		return;
	}
	if (f->base[i] != si.addr) {
		rc = bus_decode_move(d, f->region[i], si.addr);
		if (rc) {
			sync_failed(f, i, "move", rc);
			return;
		}
		f->base[i] = si.addr;
	}
	if (!f->enabled[i]) {
		rc = bus_decode_enable(d, f->region[i], true);
		if (rc)
			sync_failed(f, i, "enable", rc);
		else
			f->enabled[i] = true;
	}
}

static void fn_sync(struct platform_fn *f)
{
	for (unsigned i = 0; i < PLATFORM_SLOTS; i++)
		slot_sync(f, i);
}

/* ---- the Expansion ROM's contents ---- */

/*
 * The ROM answers reads from the image the description gave; bytes past
 * its end read as 0xff, like erased flash. Writes complete and change
 * nothing (a ROM; PCI 3.0 §6.2.5.2 leaves writes to the device).
 */
static enum bus_decode_status rom_read(void *opaque, uint64_t offset, unsigned size,
				       uint64_t *val)
{
	const struct platform_fn *f = opaque;
	uint64_t v = 0;

	for (unsigned k = size; k-- > 0;) {
		uint64_t at = offset + k;
		uint8_t byte = at < f->rom_bytes ? f->rom_image[at] : 0xff;

		v = v << 8 | byte;
	}
	*val = v;
	return BUS_DECODE_OK;
}

static enum bus_decode_status rom_write(void *opaque, uint64_t offset, unsigned size,
				        uint64_t val)
{
	(void)opaque;
	(void)offset;
	(void)size;
	(void)val;
	return BUS_DECODE_OK;
}

static const struct bus_region_ops rom_ops = {
	.read = rom_read,
	.write = rom_write,
	.valid_sizes = BUS_DECODE_SIZE_1 | BUS_DECODE_SIZE_2 | BUS_DECODE_SIZE_4 |
		       BUS_DECODE_SIZE_8,
	.unaligned = true,
	.impl_size = 0,
	.refuse_ur = false,
};

static bool fn_below(const struct platform_fn *f, const struct platform_fn *bridge)
{
	for (const struct platform_fn *p = f->parent; p; p = p->parent)
		if (p == bridge)
			return true;
	return false;
}

/*
 * Bridge 1.2 §3.2.5.18: setting Secondary Bus Reset resets everything on
 * the secondary side (a conventional reset, PCIe 4.0 §6.6.1), bridges
 * below included (their bus numbers too: software enumerates again). The
 * reset happens when the bit goes from 0 to 1; holding it set has no
 * further effect here.
 */
static void secondary_bus_reset(struct platform_fn *br)
{
	struct platform_machine *m = br->m;
	bool held = pci_cfg_get_u16(br->cfg, PCI_CFG_BRIDGE_CONTROL) & PCI_BCTL_BUS_RESET;
	bool rising = held && !br->sbr_held;

	br->sbr_held = held;
	if (!rising)
		return;
	for (size_t i = 0; i < m->n_fns; i++)
		if (m->fns[i].tfn && fn_below(&m->fns[i], br))
			(void)pci_cfg_reset(m->fns[i].cfg, PCI_RESET_HOT);
}

/*
 * The hooks the machine installs on every function: the model's own first
 * (it may change the space, e.g. reset it on D3hot -> D0), then a
 * re-evaluation of every BAR; on a bridge, of every BAR below it, since
 * its Command, windows and PowerState gate their forwarding. Every write
 * re-evaluates, not only those touching a BAR, Command, a window or
 * PMCSR: a few compares per function cost less than keeping a list of
 * the registers that matter, and a model may change a BAR from its own
 * hook on any write.
 */
static void fn_write_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			  uint32_t old_val, uint32_t new_val)
{
	struct platform_fn *f = opaque;
	struct platform_machine *m = f->m;

	if (f->dev_ops && f->dev_ops->write_hook)
		f->dev_ops->write_hook(f->dev_opaque, c, off, len, old_val, new_val);
	if (!f->is_bridge) {
		fn_sync(f);
		return;
	}
	secondary_bus_reset(f);
	for (size_t i = 0; i < m->n_fns; i++)
		if (!m->fns[i].is_bridge && m->fns[i].tfn && fn_below(&m->fns[i], f))
			fn_sync(&m->fns[i]);
}

static void fn_read_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len)
{
	struct platform_fn *f = opaque;

	if (f->dev_ops && f->dev_ops->read_hook)
		f->dev_ops->read_hook(f->dev_opaque, c, off, len);
}

/* The registers are back to their defaults already; the model resets its
 * own state. Decoding follows in the write hook of the write that caused
 * the reset, or, for a Secondary Bus Reset, in the bridge's. */
static void fn_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	struct platform_fn *f = opaque;

	if (f->dev_ops && f->dev_ops->reset)
		f->dev_ops->reset(f->dev_opaque, c, kind);
}

static const struct pci_cfg_ops fn_ops = {
	.write_hook = fn_write_hook,
	.read_hook = fn_read_hook,
	.reset = fn_reset,
};

/* ---- configuration access and the ECAM window ---- */

/* The topology answers for removed functions itself (all ones, writes
 * dropped), so the machine's path is the topology's. */
int platform_cfg_read(struct platform_machine *m, unsigned bus, unsigned device,
		      unsigned function, uint32_t off, uint32_t len, uint32_t *out)
{
	if (!m)
		return SIM_ERR_INVALID;
	return bus_topo_cfg_read(m->topo, bus, device, function, off, len, out);
}

int platform_cfg_write(struct platform_machine *m, unsigned bus, unsigned device,
		       unsigned function, uint32_t off, uint32_t len, uint32_t val)
{
	if (!m)
		return SIM_ERR_INVALID;
	return bus_topo_cfg_write(m->topo, bus, device, function, off, len, val);
}

static enum bus_decode_status ecam_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	struct platform_machine *m = opaque;
	uint32_t v;

	if (platform_cfg_read(m, (unsigned)(offset >> ECAM_BUS_SHIFT) & 0xff,
			      (unsigned)(offset >> ECAM_DEV_SHIFT) & 0x1f,
			      (unsigned)(offset >> ECAM_FN_SHIFT) & 0x7, (uint32_t)(offset & 0xfff),
			      size, &v) != 0)
		return BUS_DECODE_CA;
	*val = v;
	return BUS_DECODE_OK;
}

static enum bus_decode_status ecam_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	struct platform_machine *m = opaque;

	if (platform_cfg_write(m, (unsigned)(offset >> ECAM_BUS_SHIFT) & 0xff,
			       (unsigned)(offset >> ECAM_DEV_SHIFT) & 0x1f,
			       (unsigned)(offset >> ECAM_FN_SHIFT) & 0x7, (uint32_t)(offset & 0xfff),
			       size, (uint32_t)val) != 0)
		return BUS_DECODE_CA;
	return BUS_DECODE_OK;
}

/* PCIe 4.0 §7.2.2.1: ECAM accesses are 1, 2 or 4 bytes, naturally aligned;
 * the decoder refuses the rest before they reach the topology. */
static const struct bus_region_ops ecam_ops = {
	.read = ecam_read,
	.write = ecam_write,
	.valid_sizes = BUS_DECODE_SIZE_1 | BUS_DECODE_SIZE_2 | BUS_DECODE_SIZE_4,
	.unaligned = false,
	.impl_size = 0,
	.refuse_ur = false,
};

/* ---- build ---- */

static bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	if (!as || !bs)
		return false;
	return a <= b + (bs - 1) && b <= a + (as - 1);
}

/* RAM, ECAM and the memory windows share the memory address space; the
 * decoder would let a BAR shadow RAM silently, so refuse it up front. */
static int check_layout(const struct platform_desc *d)
{
	struct {
		const char *what;
		uint64_t base, size;
	} r[3] = {
		{ "ECAM", d->ecam_base, BUS_TOPO_ECAM_SIZE },
		{ "mem32", d->mem32.base, d->mem32.size_bytes },
		{ "pref64", d->pref64.base, d->pref64.size_bytes },
	};

	if (d->ecam_base % BUS_TOPO_ECAM_SIZE ||
	    d->ecam_base > UINT64_MAX - BUS_TOPO_ECAM_SIZE + 1) {
		set_build_error("ECAM base 0x%" PRIx64 " not aligned to 256 MiB", d->ecam_base);
		return SIM_ERR_INVALID;
	}
	for (size_t i = 0; i < 3; i++) {
		if (r[i].size && r[i].base > UINT64_MAX - (r[i].size - 1)) {
			set_build_error("%s window wraps", r[i].what);
			return SIM_ERR_INVALID;
		}
		for (size_t j = i + 1; j < 3; j++)
			if (ranges_overlap(r[i].base, r[i].size, r[j].base, r[j].size)) {
				set_build_error("%s and %s overlap", r[i].what, r[j].what);
				return SIM_ERR_INVALID;
			}
		for (size_t k = 0; k < d->n_ram; k++)
			if (ranges_overlap(r[i].base, r[i].size, d->ram[k].base,
					   d->ram[k].size_bytes)) {
				set_build_error("%s overlaps RAM range %zu", r[i].what, k);
				return SIM_ERR_INVALID;
			}
	}
	return SIM_OK;
}

/* The bridge named @name among the first @n fns (bridges come first). */
static struct platform_fn *find_bridge(struct platform_machine *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (m->fns[i].is_bridge && strcmp(m->fns[i].name, name) == 0)
			return &m->fns[i];
	return NULL;
}

static int check_name(struct platform_machine *m, size_t n, const char *name)
{
	if (!name || !*name || strlen(name) >= BUS_TOPO_NAME_MAX) {
		set_build_error("function %zu: name empty or longer than %d characters", n,
				BUS_TOPO_NAME_MAX - 1);
		return SIM_ERR_INVALID;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(m->fns[i].name, name) == 0) {
			set_build_error("duplicate name \"%s\"", name);
			return SIM_ERR_INVALID;
		}
	return SIM_OK;
}

static int attach_fn(struct platform_machine *m, size_t n, const char *parent, unsigned device,
		     unsigned function, struct pci_cfg *cfg)
{
	struct platform_fn *f = &m->fns[n];
	struct bus_topo_bus *bus = bus_topo_root_bus(m->topo);
	int rc;

	if (parent) {
		f->parent = find_bridge(m, n, parent);
		if (!f->parent) {
			set_build_error("%s: unknown parent bridge \"%s\"", f->name, parent);
			return SIM_ERR_INVALID;
		}
		bus = bus_topo_secondary(f->parent->tfn);
	}
	f->cfg = cfg;
	rc = bus_topo_attach(m->topo, bus, device, function, cfg, f->name, &f->tfn);
	if (rc)
		set_build_error("%s: cannot attach at device %u function %u: %s", f->name, device,
				function, sim_strerror(rc));
	return rc;
}

static int add_bridge(struct platform_machine *m, size_t n, const struct platform_bridge_desc *b)
{
	struct platform_fn *f = &m->fns[n];
	int rc;

	rc = check_name(m, n, b->name);
	if (rc)
		return rc;
	snprintf(f->name, sizeof(f->name), "%s", b->name);
	f->is_bridge = true;
	f->link_gen = b->link_gen;
	f->link_width = b->link_width;
	f->own_cfg = calloc(1, sizeof(*f->own_cfg));
	if (!f->own_cfg)
		return SIM_ERR_NOMEM;
	rc = pci_cfg_init_type1(f->own_cfg, b->vendor_id, b->device_id, 0x060400, 0, 0, b->flags);
	if (rc == 0 && b->mps_supported_bytes) {
		/* The port supports the link it was given (or any), so the
		 * link trains to what the device below supports. */
		struct pci_cap_exp_params p = {
			.type = b->parent ? PCI_EXP_TYPE_DOWNSTREAM : PCI_EXP_TYPE_ROOT_PORT,
			.mps_supported_bytes = b->mps_supported_bytes,
			.max_speed = b->link_gen && !b->parent ? (enum pci_link_speed)b->link_gen
							       : PCI_LINK_32GT,
			.max_width = b->link_width && !b->parent ? b->link_width : 16,
			.ext_tag = false,
		};

		rc = pci_cap_add_express(f->own_cfg, &p, 0, NULL);
	}
	if (rc == 0 && b->pm)
		rc = pci_cap_add_pm(f->own_cfg, 0, true, 0, NULL);
	if (rc) {
		set_build_error("bridge %s: bad configuration (flags 0x%x, MPS %u): %s", b->name,
				b->flags, b->mps_supported_bytes, sim_strerror(rc));
		return rc;
	}
	rc = attach_fn(m, n, b->parent, b->device, b->function, f->own_cfg);
	if (rc)
		return rc;
	/* Hooked like a device (with no model ops to chain): its Command,
	 * windows and PowerState gate the decoding of everything below. */
	pci_cfg_set_ops(f->own_cfg, &fn_ops, f);
	f->hooked = true;
	return SIM_OK;
}

static int add_device(struct platform_machine *m, size_t n, unsigned index,
		      const struct platform_device_desc *dv)
{
	struct platform_fn *f = &m->fns[n];
	int rc;

	rc = check_name(m, n, dv->name);
	if (rc)
		return rc;
	snprintf(f->name, sizeof(f->name), "%s", dv->name);
	if (!dv->cfg) {
		set_build_error("device %s: no configuration space", dv->name);
		return SIM_ERR_INVALID;
	}
	f->index = index;
	f->link_gen = dv->link_gen;
	f->link_width = dv->link_width;
	f->completer_ps = dv->completer_ps ? dv->completer_ps : PLATFORM_COMPLETER_PS_DEFAULT;
	if (dv->bars)
		f->bars = *dv->bars;
	if (dv->rom_image_bytes && !dv->rom_image) {
		set_build_error("device %s: ROM image size without an image", dv->name);
		return SIM_ERR_INVALID;
	}
	f->rom_image = dv->rom_image;
	f->rom_bytes = dv->rom_image_bytes;
	rc = attach_fn(m, n, dv->parent, dv->device, dv->function, dv->cfg);
	if (rc)
		return rc;
	/* Wrap the model's hooks: ours run after its own, so models need
	 * not know that the machine keeps decoding in sync. */
	f->dev_ops = pci_cfg_get_ops(dv->cfg, &f->dev_opaque);
	pci_cfg_set_ops(dv->cfg, &fn_ops, f);
	f->hooked = true;
	return SIM_OK;
}

static int build_memory(struct platform_machine *m, const struct platform_desc *d)
{
	struct bus_mem_config mc = { 0 };
	int rc;

	mc.ranges = d->ram;
	mc.n_ranges = d->n_ram;
	mc.max_backed_bytes = d->max_backed_bytes;
	rc = bus_mem_init(&m->mem, &mc);
	if (rc) {
		set_build_error("host memory: %s", bus_mem_last_error(&m->mem));
		return rc;
	}
	m->mem_ok = true;
	m->ram = calloc(d->n_ram, sizeof(*m->ram));
	if (!m->ram)
		return SIM_ERR_NOMEM;
	m->n_ram = d->n_ram;
	for (size_t i = 0; i < d->n_ram; i++) {
		char name[32];

		m->ram[i].mem = &m->mem;
		m->ram[i].base = d->ram[i].base;
		tlm_target_init(&m->ram[i].target, &ram_target_ops, &m->ram[i]);
		m->n_ram_targets++;
		snprintf(name, sizeof(name), "ram%zu", i);
		rc = bus_decode_map_target(&m->decode, d->ram[i].base, d->ram[i].size_bytes,
					   PLATFORM_PRIO_RAM, &m->ram[i].target, name,
					   &m->ram[i].region);
		if (rc) {
			set_build_error("RAM range %zu: cannot map: %s", i, sim_strerror(rc));
			return rc;
		}
	}
	rc = bus_decode_map(&m->decode, d->ecam_base, BUS_TOPO_ECAM_SIZE, PLATFORM_PRIO_ECAM,
			    &ecam_ops, m, "ecam", NULL);
	if (rc)
		set_build_error("ECAM: cannot map: %s", sim_strerror(rc));
	return rc;
}

static int build(struct platform_machine *m, const struct platform_desc *d)
{
	struct bus_topo_platform plat = { 0 };
	int rc;

	rc = check_layout(d);
	if (rc)
		return rc;
	rc = bus_decode_init(&m->decode);
	if (rc)
		return rc;
	m->decode_ok = true;
	rc = bus_decode_init(&m->io_decode);
	if (rc)
		return rc;
	m->io_decode_ok = true;
	rc = build_memory(m, d);
	if (rc)
		return rc;
	rc = bus_topo_create(&m->topo);
	if (rc)
		return rc;
	m->n_fns = d->n_bridges + d->n_devices;
	if (m->n_fns) {
		m->fns = calloc(m->n_fns, sizeof(*m->fns));
		if (!m->fns)
			return SIM_ERR_NOMEM;
	}
	for (size_t i = 0; i < m->n_fns; i++)
		m->fns[i].m = m;
	for (size_t i = 0; i < d->n_bridges; i++) {
		rc = add_bridge(m, i, &d->bridges[i]);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < d->n_devices; i++) {
		rc = add_device(m, d->n_bridges + i, (unsigned)i, &d->devices[i]);
		if (rc)
			return rc;
	}
	plat.mem32 = d->mem32;
	plat.pref64 = d->pref64;
	plat.io = d->io;
	plat.mps_cap_bytes = d->mps_cap_bytes;
	plat.mrrs_bytes = d->mrrs_bytes;
	plat.enable_memory = true;
	plat.enable_io = true;
	plat.enable_master = false;
	/* The hooks are on already: the enumerator's sizing and its final
	 * Command write go through them, so the BARs map themselves. */
	rc = bus_topo_enumerate(m->topo, &plat);
	if (rc) {
		set_build_error("enumeration: %s", bus_topo_last_error(m->topo));
		return rc;
	}
	for (size_t i = 0; i < m->n_fns; i++)
		if (!m->fns[i].is_bridge)
			fn_sync(&m->fns[i]);
	if (m->sync_failures) {
		set_build_error("%s", m->error);
		return SIM_ERR_NOMEM;
	}
	return platform_links_init(m);
}

int platform_machine_build(struct platform_machine **out, const struct platform_desc *desc)
{
	struct platform_machine *m;
	int rc;

	build_error[0] = '\0';
	if (!out || !desc || !desc->ram || !desc->n_ram ||
	    (desc->n_bridges && !desc->bridges) || (desc->n_devices && !desc->devices)) {
		if (out)
			*out = NULL;
		set_build_error("NULL argument or no RAM");
		return SIM_ERR_INVALID;
	}
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		set_build_error("out of memory");
		return SIM_ERR_NOMEM;
	}
	m->ecam_base = desc->ecam_base;
	m->mem32 = desc->mem32;
	m->pref64 = desc->pref64;
	m->io_win = desc->io;
	rc = build(m, desc);
	if (rc) {
		if (!build_error[0])
			set_build_error("%s", sim_strerror(rc));
		platform_machine_destroy(m);
		return rc;
	}
	*out = m;
	return SIM_OK;
}

void platform_machine_destroy(struct platform_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_fns; i++)
		if (m->fns[i].hooked)
			pci_cfg_set_ops(m->fns[i].cfg, m->fns[i].dev_ops, m->fns[i].dev_opaque);
	/* The decoder points at the RAM adapters and the models' opaques:
	 * it goes first. */
	if (m->decode_ok)
		bus_decode_destroy(&m->decode);
	if (m->io_decode_ok)
		bus_decode_destroy(&m->io_decode);
	for (size_t i = 0; i < m->n_ram_targets; i++)
		tlm_target_destroy(&m->ram[i].target);
	free(m->ram);
	if (m->mem_ok)
		bus_mem_destroy(&m->mem);
	bus_topo_destroy(m->topo);
	for (size_t i = 0; i < m->n_fns; i++)
		free(m->fns[i].own_cfg);
	free(m->fns);
	free(m);
}

/* ---- for platform/access.c ---- */

void platform_set_build_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(build_error, sizeof(build_error), fmt, ap);
	va_end(ap);
}

bool platform_fn_gone(const struct platform_fn *f)
{
	return fn_gone(f);
}

struct platform_fn *platform_fn_at(struct platform_machine *m, unsigned bus, unsigned device,
				   unsigned function)
{
	return fn_at(m, bus, device, function);
}

/* ---- accessors ---- */

struct bus_decode *platform_decode(struct platform_machine *m)
{
	return &m->decode;
}

struct bus_decode *platform_io_decode(struct platform_machine *m)
{
	return &m->io_decode;
}

struct bus_mem *platform_mem(struct platform_machine *m)
{
	return &m->mem;
}

struct bus_topo *platform_topo(struct platform_machine *m)
{
	return m->topo;
}

const struct bus_topo_result *platform_fn_result(struct platform_machine *m, unsigned bus,
						 unsigned device, unsigned function)
{
	struct bus_topo_fn *t = bus_topo_lookup(m->topo, bus, device, function);

	return t ? bus_topo_fn_result(t) : NULL;
}

bool platform_fn_present(struct platform_machine *m, unsigned bus, unsigned device,
			 unsigned function)
{
	struct platform_fn *f = fn_at(m, bus, device, function);

	return f && !fn_gone(f);
}

unsigned platform_removed_count(const struct platform_machine *m)
{
	return m->removed;
}

unsigned platform_sync_failures(const struct platform_machine *m)
{
	return m->sync_failures;
}

const char *platform_last_error(const struct platform_machine *m)
{
	return m->error;
}

/* ---- surprise removal ---- */

/* Unmap the regions of every function now gone (itself or below a removed
 * bridge). Unmap, not disable: a removed function never decodes again, and
 * the decoder must not keep pointing at a model that may be torn down. */
static void reap(struct platform_machine *m)
{
	for (size_t i = 0; i < m->n_fns; i++) {
		struct platform_fn *f = &m->fns[i];

		if (!fn_gone(f))
			continue;
		for (unsigned b = 0; b < PLATFORM_SLOTS; b++)
			if (f->region[b]) {
				bus_decode_unmap(slot_decoder(f, b), f->region[b]);
				f->region[b] = 0;
				f->enabled[b] = false;
			}
	}
}

static void count_gone(struct platform_machine *m)
{
	unsigned n = 0;

	for (size_t i = 0; i < m->n_fns; i++)
		if (fn_gone(&m->fns[i]))
			n++;
	m->removed = n;
}

/* Tell the listener of each function gone since it last heard. */
static void tell_removed(struct platform_machine *m)
{
	for (size_t i = 0; i < m->n_fns; i++) {
		struct platform_fn *f = &m->fns[i];
		const struct bus_topo_result *r;

		if (f->is_bridge || f->removal_told || !fn_gone(f))
			continue;
		f->removal_told = true;
		r = bus_topo_fn_result(f->tfn);
		if (m->on_removed && r && r->found)
			m->on_removed(m->on_removed_opaque, r->bus, r->device, r->function);
	}
}

int platform_set_remove_listener(struct platform_machine *m, platform_removed_fn fn,
				 void *opaque)
{
	if (!m)
		return SIM_ERR_INVALID;
	m->on_removed = fn;
	m->on_removed_opaque = fn ? opaque : NULL;
	return SIM_OK;
}

int platform_remove_function(struct platform_machine *m, unsigned bus, unsigned device,
			     unsigned function)
{
	if (!m)
		return SIM_ERR_INVALID;
	if (bus_topo_remove_function(m->topo, bus, device, function) != 0)
		return SIM_ERR_INVALID;
	reap(m);
	count_gone(m);
	tell_removed(m);
	return SIM_OK;
}

int platform_remove_slot(struct platform_machine *m, unsigned bus, unsigned device)
{
	if (!m || bus_topo_remove_slot(m->topo, bus, device) != 0)
		return SIM_ERR_INVALID;
	reap(m);
	count_gone(m);
	tell_removed(m);
	return SIM_OK;
}
