/*
 * irq/fn.h - the requester side of interrupts: one struct irq_fn per PCI
 * function, turning what its device model signals (an INTx level, MSI
 * message n, MSI-X entry n) into the messages the function really sends,
 * with the semantics of PCI 3.0 §6.8 and PCIe 4.0 §2.2.8.1, §6.1:
 *
 * INTx. irq_fn_set_intx() sets the function's internal interrupt
 * condition, kept in Status.Interrupt Status (bit 3, PCI 3.0 §6.2.3)
 * whatever else is set. The virtual wire is asserted while that condition
 * holds, Command.Interrupt Disable (bit 10) is 0, and neither MSI Enable
 * nor MSI-X Enable is set (PCI 3.0 §6.8.1.3, §6.8.2.3: a function with MSI
 * or MSI-X enabled is prohibited from using INTx). Each change of the wire
 * sends one Assert_INTx or Deassert_INTx message (a Msg TLP: 4 DW header,
 * no data); Bus Master Enable does not gate them (they are not memory
 * requests).
 *
 * MSI. irq_fn_msi_signal(n) sends message n of the allocation: a 4-byte
 * posted memory write of Message Data, its low log2(vectors) bits replaced
 * by n (§6.8.1.6; vectors = 1 << Multiple Message Enable), to Message
 * Address (64-bit when the capability has the upper register and it is
 * not 0). n >= vectors is a device bug: reported, counted, nothing sent.
 * With per-vector masking, a masked vector sets its Pending bit instead
 * (§6.8.1.8) and the message is sent, and the bit cleared, when software
 * clears the Mask bit.
 *
 * MSI-X. irq_fn_msix_signal(n) sends entry n's Message Data to its
 * Message Address (the table is struct irq_msix of irq/msix.h, attached
 * with irq_fn_set_msix()). While Function Mask (Message Control bit 14) or
 * the entry's Mask Bit is set, the PBA bit is set instead, and the
 * message is sent when both are clear again (§6.8.2.9-10).
 *
 * Bus Master Enable 0 (Command bit 2; PCIe 4.0 §7.5.1.1.3: MSI and MSI-X
 * are memory writes and are disabled with it): a message signalled then is
 * held, one per vector or entry (signals of a held vector merge, as an
 * edge-triggered interrupt merges), and sent when Bus Master Enable
 * returns to 1, unless MSI (MSI-X) was disabled meanwhile, which drops
 * it; a held message whose vector was masked meanwhile becomes Pending.
 *
 * Every message goes up the function's link direction (bus_link_dir_send()
 * on its struct bus_link_dir), so it queues FIFO behind the function's
 * earlier posted writes on that direction (platform_dma_write() uses the
 * same direction) and never overtakes the data it announces. It takes
 * effect when its last byte has left the direction, in a kernel event at
 * that time: INTx messages change the controller input the function's pin
 * routes to (irq_ctrl_input_set(), source = the Requester ID); MSI and
 * MSI-X are written into the decoder with bus_decode_write(), carrying the
 * Requester ID (irq_ctrl_set_requester()). A write whose address is not in
 * the controller's MSI window is still made (it lands wherever it
 * decodes, as on hardware) and reported; so is one the bus refuses.
 *
 * Configuration writes take effect at once: the function interposes on
 * its pci_cfg's single ops slot (pci_cfg_get_ops() / pci_cfg_set_ops()),
 * calls the ops that were there first, then re-evaluates: setting
 * Interrupt Disable or enabling MSI deasserts the wire, clearing a Mask bit
 * sends what is pending, setting Bus Master Enable sends what is held.
 * Layers interpose last-in first-out: build the machine (platform/) first,
 * create the irq_fn after, destroy it before the machine. A device model
 * that changes these registers behind the bus (pci_cfg_set_*()) calls
 * irq_fn_sync(). A function reset (pci_cfg_reset(): FLR, D3hot -> D0,
 * Secondary Bus Reset) clears the INTx condition with the rest and
 * re-evaluates, so the wire drops; the model, whose reset hook runs
 * first, signals again whatever cause survives it and resets its MSI-X
 * table.
 *
 * Not thread-safe. Include as "irq/fn.h"; depends on bus/ and sim/
 * headers and irq/ctrl.h, irq/msix.h.
 */
#ifndef PCISIM_IRQ_FN_H
#define PCISIM_IRQ_FN_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "bus/link.h"
#include "irq/ctrl.h"
#include "irq/msix.h"
#include "sim/kernel.h"

struct sim_ctrace;

/** "Routes nowhere": an input value for a function whose pin is unrouted. */
#define IRQ_FN_NO_INPUT UINT32_MAX
/** Longest name kept, NUL included. */
#define IRQ_FN_NAME_MAX 32

/**
 * struct irq_fn_config - what a function's interrupt logic is wired to.
 * @name: for reports; copied (cut to IRQ_FN_NAME_MAX - 1). NULL is "".
 * @cfg: its configuration space; must outlive the irq_fn.
 * @requester_id: bus << 8 | device << 3 | function.
 * @ctrl: the interrupt controller; must outlive the irq_fn.
 * @input: the controller input its INTx pin routes to (irq/route.h), or
 *	IRQ_FN_NO_INPUT (no pin, or unrouted: INTx messages are then sent and
 *	dropped at the root, counted in intx_unrouted).
 * @decode: the address space messages are written into; NULL: the
 *	decoder the controller's window is mapped into.
 * @up: the link direction toward the root complex its messages take, or
 *	NULL for none (they then take effect in the next delta cycle).
 * @link: @up's link configuration (framing, ECRC); required with @up.
 */
struct irq_fn_config {
	const char *name;
	struct pci_cfg *cfg;
	uint16_t requester_id;
	struct irq_ctrl *ctrl;
	uint32_t input;
	struct bus_decode *decode;
	struct bus_link_dir *up;
	const struct bus_link_cfg *link;
};

/**
 * struct irq_fn_stats - counters of one function.
 * @intx_msgs: Assert_INTx and Deassert_INTx messages sent.
 * @intx_unrouted: of those, arriving at an unrouted pin (dropped).
 * @msi_sent, @msix_sent: message writes sent.
 * @masked: signals that set a Pending (PBA) bit instead of sending.
 * @held: signals held while Bus Master Enable was 0.
 * @held_dropped: held messages dropped because MSI / MSI-X was disabled.
 * @not_enabled: signals refused because MSI (MSI-X) is not enabled or the
 *	function has no such capability or table.
 * @bad_vector: signals beyond the allocation (MSI) or the table (MSI-X):
 *	device bugs, reported.
 * @outside_window: messages whose address is not in the MSI window
 *	(written anyway, reported).
 * @write_errors: messages the bus did not complete (master abort, UR, CA).
 * @bad_programming: software errors seen in the function's capability
 *	(Multiple Message Enable above Multiple Message Capable), reported
 *	once each.
 */
struct irq_fn_stats {
	uint64_t intx_msgs, intx_unrouted;
	uint64_t msi_sent, msix_sent;
	uint64_t masked, held, held_dropped;
	uint64_t not_enabled, bad_vector;
	uint64_t outside_window, write_errors;
	uint64_t bad_programming;
};

/* A message on its way (private). */
struct irq_fn_msg {
	sim_time_t at_ps;     /* when it takes effect */
	uint8_t kind;         /* fn.c: INTx, MSI, MSI-X */
	bool assert;          /* INTx: Assert_INTx */
	uint64_t address;
	uint32_t data;
};

/**
 * struct irq_fn - one function's interrupt logic. Initialise with
 * irq_fn_init(), release with irq_fn_destroy().
 */
struct irq_fn {
	/* read-only */
	struct irq_fn_stats stats;
	/* private */
	struct sim_kernel *k;
	struct irq_fn_config cfg;
	char name[IRQ_FN_NAME_MAX];
	const struct pci_cfg_ops *prev_ops;
	void *prev_opaque;
	bool hooked;
	bool intx_level;      /* the model's condition */
	bool intx_wire;       /* the virtual wire as last sent */
	bool intx_applied;    /* as the controller has it */
	bool mme_reported;    /* the MME > MMC programming error was reported */
	uint32_t msi_held;    /* one bit per MSI vector */
	struct irq_msix *msix;
	uint64_t *msix_held;  /* one bit per MSI-X entry */
	struct irq_fn_msg *q; /* ring of messages on their way */
	uint32_t q_head, q_len, q_cap;
	struct sim_event ev;
	struct sim_ctrace *ct; /* NULL: tracing off */
	uint32_t track;
};

/**
 * irq_fn_init() - set up @f and hook @cfg->cfg's configuration ops.
 * @k: the kernel; must outlive @f.
 * Return: 0; SIM_ERR_INVALID (NULL, @up without @link, a bad @link).
 */
int irq_fn_init(struct irq_fn *f, struct sim_kernel *k, const struct irq_fn_config *cfg);

/**
 * irq_fn_destroy() - drop messages still on their way, deassert the
 * function's INTx at the controller if it holds it, detach from the MSI-X
 * table, and give the configuration space its previous ops back.
 * Return: 0, or SIM_ERR_STATE when another layer hooked the configuration
 * space after @f and has not unhooked (the order was broken; @f's ops are
 * removed anyway, the other layer's with them). NULL is ignored (0).
 */
int irq_fn_destroy(struct irq_fn *f);

/**
 * irq_fn_set_msix() - attach the MSI-X Table and PBA of the device model.
 * @x: must outlive @f (or a call with NULL); its n_entries must equal the
 *	capability's Table Size + 1. Its unmask listener is taken.
 * Return: 0; SIM_ERR_INVALID (no MSI-X capability, size mismatch);
 * SIM_ERR_NOMEM.
 */
int irq_fn_set_msix(struct irq_fn *f, struct irq_msix *x);

/**
 * irq_fn_set_intx() - the model's interrupt condition for INTx.
 * Return: 0; SIM_ERR_STATE when the function has no Interrupt Pin
 * (reported: a device bug). Status.Interrupt Status follows @level.
 */
int irq_fn_set_intx(struct irq_fn *f, bool level);

/** irq_fn_intx_wire() - the INTx virtual wire as last sent (true =
 * Assert_INTx). */
bool irq_fn_intx_wire(const struct irq_fn *f);

/**
 * irq_fn_msi_signal() - signal MSI message @n (see above).
 * Return: 0 when sent, made pending or held; SIM_ERR_STATE (MSI not
 * enabled, or no MSI capability); SIM_ERR_INVALID (@n beyond the
 * allocation; reported).
 */
int irq_fn_msi_signal(struct irq_fn *f, unsigned n);

/**
 * irq_fn_msix_signal() - signal MSI-X entry @n (see above).
 * Return: as irq_fn_msi_signal(); SIM_ERR_STATE also when no table is
 * attached.
 */
int irq_fn_msix_signal(struct irq_fn *f, unsigned n);

/**
 * irq_fn_sync() - re-evaluate after the model changed Command, the MSI or
 * the MSI-X capability without a bus write (configuration writes from the
 * bus do this by themselves).
 */
void irq_fn_sync(struct irq_fn *f);

/**
 * irq_fn_set_ctrace() - record, on track "<name> bb:dd.f" of process
 * "irq" in @t, every message as a span from the time it is sent to the
 * time it takes effect (named Assert_INTx, Deassert_INTx, MSI or MSI-X,
 * with address and data), and instants for signals made pending
 * ("pending") or held for Bus Master Enable ("held"). NULL stops.
 * @t must outlive @f (or a call with NULL).
 * Return: 0, or what sim_ctrace_track() returns (tracing stays off).
 */
int irq_fn_set_ctrace(struct irq_fn *f, struct sim_ctrace *t);

/** irq_fn_in_flight() - messages sent that have not taken effect yet. */
unsigned irq_fn_in_flight(const struct irq_fn *f);

/** irq_fn_requester_id() - the function's Requester ID. */
uint16_t irq_fn_requester_id(const struct irq_fn *f);

/** irq_fn_input() - the controller input its pin routes to, or
 * IRQ_FN_NO_INPUT. */
uint32_t irq_fn_input(const struct irq_fn *f);

#endif /* PCISIM_IRQ_FN_H */
