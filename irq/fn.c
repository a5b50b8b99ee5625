/*
 * irq/fn.c - a function's interrupt logic (irq/fn.h): INTx virtual wire,
 * MSI and MSI-X signalling with masking, pending and Bus Master Enable,
 * messages timed over the function's upstream link.
 */
#include "irq/fn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/caps.h"
#include "sim/ctrace.h"

enum { MSG_INTX, MSG_MSI, MSG_MSIX };

/* Bus, device and function of the Requester ID, for reports and tracks. */
#define RID_BUS(f) ((unsigned)((f)->cfg.requester_id >> 8))
#define RID_DEV(f) ((unsigned)(((f)->cfg.requester_id >> 3) & 0x1f))
#define RID_FN(f) ((unsigned)((f)->cfg.requester_id & 7))

static const char *const msg_name[] = { "INTx", "MSI", "MSI-X" };

static void fn_event(struct sim_kernel *k, void *opaque);
static void fn_write_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			  uint32_t old_val, uint32_t new_val);
static void fn_read_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len);
static void fn_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind);

static const struct pci_cfg_ops fn_cfg_ops = {
	.write_hook = fn_write_hook,
	.read_hook = fn_read_hook,
	.reset = fn_reset,
};

/* ---- state read from configuration space ---- */

static uint16_t command(const struct irq_fn *f)
{
	return pci_cfg_get_u16(f->cfg.cfg, PCI_CFG_COMMAND);
}

static bool bus_master(const struct irq_fn *f)
{
	return command(f) & PCI_CMD_MASTER;
}

static bool msi_state(const struct irq_fn *f, struct pci_cap_msi_state *s)
{
	return pci_cap_msi_get(f->cfg.cfg, s) == SIM_OK;
}

static bool msi_enabled(const struct irq_fn *f)
{
	struct pci_cap_msi_state s;

	return msi_state(f, &s) && s.enabled;
}

static uint16_t msix_flags(const struct irq_fn *f)
{
	uint32_t at = pci_cap_find(f->cfg.cfg, PCI_CAP_ID_MSIX);

	return at ? pci_cfg_get_u16(f->cfg.cfg, at + PCI_MSIX_FLAGS) : 0;
}

static bool msix_enabled(const struct irq_fn *f)
{
	return msix_flags(f) & PCI_MSIX_FLAGS_ENABLE;
}

/* ---- the message queue ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void report(struct irq_fn *f, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_report(f->k, SIM_SEV_WARNING, "irq: %s (%02x:%02x.%u): %s", f->name, RID_BUS(f),
		   RID_DEV(f), RID_FN(f), msg);
}

static void trace_signal(struct irq_fn *f, const char *what, const char *kind, unsigned n)
{
	if (f->ct) {
		const struct sim_ctrace_arg a[] = {
			SIM_CTRACE_ARG_STR("kind", kind),
			SIM_CTRACE_ARG_U64("vector", n),
		};

		sim_ctrace_instant_args(f->ct, f->track, what, sim_now(f->k), a, 2);
	}
}

int irq_fn_set_ctrace(struct irq_fn *f, struct sim_ctrace *t)
{
	char name[IRQ_FN_NAME_MAX + 16];
	int rc;

	if (!f || !f->k)
		return SIM_ERR_INVALID;
	f->ct = NULL;
	if (!t)
		return SIM_OK;
	snprintf(name, sizeof(name), "%s %02x:%02x.%u", f->name, RID_BUS(f), RID_DEV(f),
		 RID_FN(f));
	rc = sim_ctrace_track(t, "irq", name, &f->track);
	if (!rc)
		f->ct = t;
	return rc;
}

/* Put a message on the link now; it takes effect when its last byte has
 * left the direction. Return: 0, SIM_ERR_NOMEM, SIM_ERR_OVERFLOW. */
static int send(struct irq_fn *f, uint8_t kind, bool assert, uint64_t address, uint32_t data)
{
	sim_time_t at = sim_now(f->k);
	struct irq_fn_msg *m;
	int rc;

	if (f->q_len == f->q_cap) {
		uint32_t cap = f->q_cap ? 2 * f->q_cap : 8;
		struct irq_fn_msg *q = malloc(cap * sizeof(*q));

		if (!q)
			return SIM_ERR_NOMEM;
		for (uint32_t i = 0; i < f->q_len; i++)
			q[i] = f->q[(f->q_head + i) % f->q_cap];
		free(f->q);
		f->q = q;
		f->q_cap = cap;
		f->q_head = 0;
	}
	if (f->cfg.up) {
		struct bus_link_cfg lc = *f->cfg.link;
		uint32_t bytes;

		if (kind == MSG_INTX) {
			/* Msg without data: 4 DW header (PCIe 4.0 §2.2.8). */
			bytes = BUS_LINK_HDR4_BYTES + BUS_LINK_FRAMING_BYTES +
				(lc.ecrc ? BUS_LINK_ECRC_BYTES : 0);
		} else {
			lc.addr64 = address > UINT32_MAX;
			bytes = bus_link_mwr_wire_bytes(&lc, 4);
		}
		rc = bus_link_dir_send(f->cfg.up, at, bytes, &at);
		if (rc)
			return rc;
	}
	if (f->ct) {
		const struct sim_ctrace_arg a[] = {
			SIM_CTRACE_ARG_HEX("address", address),
			SIM_CTRACE_ARG_HEX("data", data),
		};
		const char *name = kind != MSG_INTX ? msg_name[kind]
				   : assert ? "Assert_INTx" : "Deassert_INTx";

		sim_ctrace_complete_args(f->ct, f->track, name, sim_now(f->k), at - sim_now(f->k),
					 a, kind == MSG_INTX ? 0 : 2);
	}
	m = &f->q[(f->q_head + f->q_len) % f->q_cap];
	*m = (struct irq_fn_msg){ .at_ps = at, .kind = kind, .assert = assert,
				  .address = address, .data = data };
	f->q_len++;
	if (!sim_event_pending(&f->ev))
		sim_event_schedule_at(&f->ev, f->q[f->q_head].at_ps);
	return SIM_OK;
}

static void arrive_intx(struct irq_fn *f, const struct irq_fn_msg *m)
{
	if (f->cfg.input == IRQ_FN_NO_INPUT ||
	    irq_ctrl_input_set(f->cfg.ctrl, f->cfg.input, f->cfg.requester_id, m->assert)) {
		f->stats.intx_unrouted++;
		return;
	}
	f->intx_applied = m->assert;
}

static void arrive_write(struct irq_fn *f, const struct irq_fn_msg *m)
{
	struct bus_decode *d = f->cfg.decode ? f->cfg.decode : f->cfg.ctrl->decode;
	struct bus_decode_result r;
	uint32_t region = irq_ctrl_msi_region(f->cfg.ctrl);

	if (!d) {
		f->stats.write_errors++;
		report(f, "%s write 0x%llx <- 0x%x: no bus to write into", msg_name[m->kind],
		       (unsigned long long)m->address, (unsigned)m->data);
		return;
	}
	irq_ctrl_set_requester(f->cfg.ctrl, f->cfg.requester_id);
	bus_decode_write(d, m->address, 4, m->data, &r);
	irq_ctrl_set_requester(f->cfg.ctrl, IRQ_REQUESTER_UNKNOWN);
	if (r.master_abort || r.region != region || !region) {
		f->stats.outside_window++;
		report(f, "%s address 0x%llx is outside the interrupt window (data 0x%x): "
		       "written as a plain memory write", msg_name[m->kind],
		       (unsigned long long)m->address, (unsigned)m->data);
	}
	if (r.status != BUS_DECODE_OK) {
		f->stats.write_errors++;
		report(f, "%s write 0x%llx <- 0x%x not completed by the bus (%s)",
		       msg_name[m->kind], (unsigned long long)m->address, (unsigned)m->data,
		       r.master_abort ? "master abort" : bus_decode_status_name(r.status));
	}
}

static void fn_event(struct sim_kernel *k, void *opaque)
{
	struct irq_fn *f = opaque;

	/* Pop before acting: a sink reached from here may send more. */
	while (f->q_len && f->q[f->q_head].at_ps <= sim_now(k)) {
		struct irq_fn_msg m = f->q[f->q_head];

		f->q_head = (f->q_head + 1) % f->q_cap;
		f->q_len--;
		if (m.kind == MSG_INTX)
			arrive_intx(f, &m);
		else
			arrive_write(f, &m);
	}
	if (f->q_len && !sim_event_pending(&f->ev))
		sim_event_schedule_at(&f->ev, f->q[f->q_head].at_ps);
}

/* ---- INTx ---- */

static void intx_update(struct irq_fn *f)
{
	bool want = f->intx_level && !(command(f) & PCI_CMD_INTX_DISABLE) && !msi_enabled(f) &&
		    !msix_enabled(f);

	if (want == f->intx_wire)
		return;
	if (send(f, MSG_INTX, want, 0, 0) != SIM_OK) {
		report(f, "%s message not sent (out of memory or time)",
		       want ? "Assert_INTx" : "Deassert_INTx");
		return;
	}
	f->intx_wire = want;
	f->stats.intx_msgs++;
}

int irq_fn_set_intx(struct irq_fn *f, bool level)
{
	if (!f || !f->k)
		return SIM_ERR_INVALID;
	if (pci_cfg_get_u8(f->cfg.cfg, PCI_CFG_INTERRUPT_PIN) == 0) {
		report(f, "device bug: INTx %s without an Interrupt Pin",
		       level ? "asserted" : "deasserted");
		return SIM_ERR_STATE;
	}
	f->intx_level = level;
	pci_cfg_set_intx(f->cfg.cfg, level);
	intx_update(f);
	return SIM_OK;
}

bool irq_fn_intx_wire(const struct irq_fn *f)
{
	return f && f->intx_wire;
}

/* ---- MSI ---- */

/* Message Data with its low log2(vectors) bits replaced by @n (§6.8.1.6). */
static uint32_t msi_data(const struct pci_cap_msi_state *s, unsigned n)
{
	return ((uint32_t)s->data & ~(uint32_t)(s->vectors - 1)) | n;
}

static void msi_send(struct irq_fn *f, const struct pci_cap_msi_state *s, unsigned n)
{
	if (send(f, MSG_MSI, false, s->address, msi_data(s, n)) == SIM_OK)
		f->stats.msi_sent++;
	else
		report(f, "MSI message %u not sent (out of memory or time)", n);
}

int irq_fn_msi_signal(struct irq_fn *f, unsigned n)
{
	struct pci_cap_msi_state s;

	if (!f || !f->k)
		return SIM_ERR_INVALID;
	if (!msi_state(f, &s) || !s.enabled) {
		f->stats.not_enabled++;
		return SIM_ERR_STATE;
	}
	if (s.mme_over_mmc && !f->mme_reported) {
		/* Once per function: it is the same programming each time. */
		f->mme_reported = true;
		f->stats.bad_programming++;
		report(f, "software bug: Multiple Message Enable above Multiple Message Capable; "
			  "%u messages used", s.vectors);
	}
	if (n >= s.vectors) {
		f->stats.bad_vector++;
		report(f, "device bug: MSI message %u signalled, %u allocated", n, s.vectors);
		return SIM_ERR_INVALID;
	}
	if (s.mask >> n & 1) {
		pci_cap_msi_set_pending(f->cfg.cfg, n, true);
		f->stats.masked++;
		trace_signal(f, "pending", "MSI", n);
		return SIM_OK;
	}
	if (!bus_master(f)) {
		f->msi_held |= UINT32_C(1) << n;
		f->stats.held++;
		trace_signal(f, "held", "MSI", n);
		return SIM_OK;
	}
	msi_send(f, &s, n);
	return SIM_OK;
}

/* Send pending MSI vectors now unmasked, and held ones once Bus Master
 * Enable is back. */
static void msi_update(struct irq_fn *f)
{
	struct pci_cap_msi_state s;

	if (!msi_state(f, &s))
		return;
	if (!s.enabled) {
		if (f->msi_held) {
			for (uint32_t h = f->msi_held; h; h &= h - 1)
				f->stats.held_dropped++;
			f->msi_held = 0;
		}
		return;
	}
	if (!bus_master(f))
		return;
	for (unsigned n = 0; n < 32; n++) {
		bool pend = s.pending >> n & 1, held = f->msi_held >> n & 1;

		if (!pend && !held)
			continue;
		f->msi_held &= ~(UINT32_C(1) << n);
		if (n >= s.vectors) {
			/* MME lowered since: the vector no longer exists. */
			if (held)
				f->stats.held_dropped++;
			continue;
		}
		if (s.mask >> n & 1) {
			if (held)
				pci_cap_msi_set_pending(f->cfg.cfg, n, true);
			continue;
		}
		if (pend)
			pci_cap_msi_set_pending(f->cfg.cfg, n, false);
		msi_send(f, &s, n);
	}
}

/* ---- MSI-X ---- */

static bool bit(const uint64_t *map, unsigned n)
{
	return map[n / 64] >> (n % 64) & 1;
}

static void set_bit(uint64_t *map, unsigned n, bool v)
{
	if (v)
		map[n / 64] |= UINT64_C(1) << (n % 64);
	else
		map[n / 64] &= ~(UINT64_C(1) << (n % 64));
}

static void msix_send(struct irq_fn *f, unsigned n)
{
	uint64_t addr = 0;
	uint32_t data = 0;

	irq_msix_entry(f->msix, n, &addr, &data, NULL);
	if (send(f, MSG_MSIX, false, addr, data) == SIM_OK)
		f->stats.msix_sent++;
	else
		report(f, "MSI-X entry %u not sent (out of memory or time)", n);
}

/* Entry @n, pending or held, goes out if nothing stops it now. */
static void msix_try(struct irq_fn *f, unsigned n)
{
	bool masked = true;
	bool held = bit(f->msix_held, n), pend = irq_msix_pending(f->msix, n);

	if (!held && !pend)
		return;
	irq_msix_entry(f->msix, n, NULL, NULL, &masked);
	if (masked || (msix_flags(f) & PCI_MSIX_FLAGS_MASKALL)) {
		if (held) {
			set_bit(f->msix_held, n, false);
			irq_msix_set_pending(f->msix, n, true);
		}
		return;
	}
	if (!bus_master(f)) {
		if (pend) {
			irq_msix_set_pending(f->msix, n, false);
			set_bit(f->msix_held, n, true);
		}
		return;
	}
	set_bit(f->msix_held, n, false);
	irq_msix_set_pending(f->msix, n, false);
	msix_send(f, n);
}

int irq_fn_msix_signal(struct irq_fn *f, unsigned n)
{
	bool masked = true;

	if (!f || !f->k)
		return SIM_ERR_INVALID;
	if (!f->msix || !msix_enabled(f)) {
		f->stats.not_enabled++;
		return SIM_ERR_STATE;
	}
	if (n >= f->msix->n_entries) {
		f->stats.bad_vector++;
		report(f, "device bug: MSI-X entry %u signalled, the table has %u", n,
		       f->msix->n_entries);
		return SIM_ERR_INVALID;
	}
	irq_msix_entry(f->msix, n, NULL, NULL, &masked);
	if (masked || (msix_flags(f) & PCI_MSIX_FLAGS_MASKALL)) {
		irq_msix_set_pending(f->msix, n, true);
		f->stats.masked++;
		trace_signal(f, "pending", "MSI-X", n);
		return SIM_OK;
	}
	if (!bus_master(f)) {
		set_bit(f->msix_held, n, true);
		f->stats.held++;
		trace_signal(f, "held", "MSI-X", n);
		return SIM_OK;
	}
	msix_send(f, n);
	return SIM_OK;
}

static void msix_update(struct irq_fn *f)
{
	if (!f->msix)
		return;
	if (!msix_enabled(f)) {
		for (unsigned n = 0; n < f->msix->n_entries; n++)
			if (bit(f->msix_held, n)) {
				set_bit(f->msix_held, n, false);
				f->stats.held_dropped++;
			}
		return;
	}
	for (unsigned n = 0; n < f->msix->n_entries; n++)
		msix_try(f, n);
}

static void msix_unmasked(void *opaque, unsigned entry)
{
	struct irq_fn *f = opaque;

	if (msix_enabled(f))
		msix_try(f, entry);
}

int irq_fn_set_msix(struct irq_fn *f, struct irq_msix *x)
{
	uint64_t *held;

	if (!f || !f->k)
		return SIM_ERR_INVALID;
	if (f->msix)
		irq_msix_set_listener(f->msix, NULL, NULL);
	free(f->msix_held);
	f->msix_held = NULL;
	f->msix = NULL;
	if (!x)
		return SIM_OK;
	if (!pci_cap_find(f->cfg.cfg, PCI_CAP_ID_MSIX) ||
	    x->n_entries != (unsigned)(msix_flags(f) & PCI_MSIX_FLAGS_QSIZE) + 1)
		return SIM_ERR_INVALID;
	held = calloc((x->n_entries + 63) / 64, sizeof(*held));
	if (!held)
		return SIM_ERR_NOMEM;
	f->msix_held = held;
	f->msix = x;
	irq_msix_set_listener(x, msix_unmasked, f);
	return SIM_OK;
}

/* ---- configuration hooks ---- */

void irq_fn_sync(struct irq_fn *f)
{
	if (!f || !f->k)
		return;
	intx_update(f);
	msi_update(f);
	msix_update(f);
}

static void fn_write_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len,
			  uint32_t old_val, uint32_t new_val)
{
	struct irq_fn *f = opaque;

	if (f->prev_ops && f->prev_ops->write_hook)
		f->prev_ops->write_hook(f->prev_opaque, c, off, len, old_val, new_val);
	irq_fn_sync(f);
}

static void fn_read_hook(void *opaque, struct pci_cfg *c, uint32_t off, uint32_t len)
{
	struct irq_fn *f = opaque;

	if (f->prev_ops && f->prev_ops->read_hook)
		f->prev_ops->read_hook(f->prev_opaque, c, off, len);
}

/* A reset (FLR, D3hot -> D0, Secondary Bus Reset) left Command, MSI and
 * MSI-X at their defaults and Interrupt Status clear: the wire drops and
 * nothing held or pending survives that the registers no longer allow. */
static void fn_reset(void *opaque, struct pci_cfg *c, enum pci_reset_kind kind)
{
	struct irq_fn *f = opaque;

	if (f->prev_ops && f->prev_ops->reset)
		f->prev_ops->reset(f->prev_opaque, c, kind);
	/* The device's interrupt condition is part of the state reset; a
	 * model that still has a cause after its reset signals it again.
	 * The MSI-X table lives in the model's BAR: the model resets it. */
	f->intx_level = false;
	irq_fn_sync(f);
}

/* ---- life cycle ---- */

int irq_fn_init(struct irq_fn *f, struct sim_kernel *k, const struct irq_fn_config *cfg)
{
	if (!f || !k || !cfg || !cfg->cfg || !cfg->ctrl || (cfg->up && !cfg->link) ||
	    (cfg->link && bus_link_cfg_check(cfg->link) != SIM_OK))
		return SIM_ERR_INVALID;
	memset(f, 0, sizeof(*f));
	f->k = k;
	f->cfg = *cfg;
	snprintf(f->name, sizeof(f->name), "%s", cfg->name ? cfg->name : "");
	f->cfg.name = f->name;
	sim_event_init(k, &f->ev, "irq.fn", fn_event, f);
	f->prev_ops = pci_cfg_get_ops(cfg->cfg, &f->prev_opaque);
	pci_cfg_set_ops(cfg->cfg, &fn_cfg_ops, f);
	f->hooked = true;
	return SIM_OK;
}

int irq_fn_destroy(struct irq_fn *f)
{
	void *opaque = NULL;
	int rc = SIM_OK;

	if (!f || !f->k)
		return SIM_OK;
	sim_event_destroy(&f->ev);
	if (f->intx_applied && f->cfg.input != IRQ_FN_NO_INPUT)
		irq_ctrl_input_set(f->cfg.ctrl, f->cfg.input, f->cfg.requester_id, false);
	if (f->msix)
		irq_msix_set_listener(f->msix, NULL, NULL);
	if (f->hooked) {
		if (pci_cfg_get_ops(f->cfg.cfg, &opaque) != &fn_cfg_ops || opaque != f)
			rc = SIM_ERR_STATE;
		pci_cfg_set_ops(f->cfg.cfg, f->prev_ops, f->prev_opaque);
	}
	free(f->q);
	free(f->msix_held);
	memset(f, 0, sizeof(*f));
	return rc;
}

unsigned irq_fn_in_flight(const struct irq_fn *f)
{
	return f ? f->q_len : 0;
}

uint16_t irq_fn_requester_id(const struct irq_fn *f)
{
	return f->cfg.requester_id;
}

uint32_t irq_fn_input(const struct irq_fn *f)
{
	return f->cfg.input;
}
