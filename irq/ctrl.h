/*
 * irq/ctrl.h - the interrupt controller: the I/O APIC and local APIC roles
 * of an x86 machine in one object, on a simulation kernel.
 *
 * Inputs (the I/O APIC's pins, numbered 0..n_inputs-1) are driven by
 * sources, each named by a 32-bit source id (a function's Requester ID,
 * bus << 8 | device << 3 | function, when irq/fn.h drives it). An input is
 * a wired-OR: it is asserted while at least one source asserts it, and it
 * keeps the set of sources that assert it now (irq_ctrl_input_sources()),
 * so one source deasserting never drops another's level (PCI 3.0 §2.2.6:
 * INTx# lines are wire-ORed, level-sensitive, active low). A source that
 * asserts twice counts once (PCIe 4.0 §2.2.8.1: INTx virtual wires are
 * level state, a repeated Assert_INTx changes nothing); the repeat is
 * counted as a duplicate.
 *
 * Each input is programmed with a trigger mode, a vector and a target CPU
 * (irq_ctrl_set_input(), like an I/O APIC redirection entry) and starts
 * masked. Delivery hands (vector, CPU, what caused it) to that CPU's sink,
 * an ops table the host OS installs as it installs its interrupt table:
 *
 * - level input: delivered when it is asserted, unmasked and not in
 *   service; it is then in service until irq_ctrl_eoi() for its vector on
 *   its CPU (the I/O APIC's Remote IRR), after which, if it is still
 *   asserted, it is delivered again in the next delta cycle (at the same
 *   simulated time). A sink thus learns whether the line is still up by
 *   the re-delivery, or asks irq_ctrl_input_level() directly.
 * - edge input: every rise of the wired-OR level (0 -> 1) while unmasked
 *   is delivered once; a rise while masked is lost (counted).
 * - message: a 4-byte memory write into the MSI window (default
 *   0xFEE00000..0xFEEFFFFF), which irq_ctrl_map() maps into a bus decoder
 *   as a region with its own ops. Decoded in the x86 format (Intel SDM
 *   vol. 3, "Message Signalled Interrupts"): address bits 19:12 are the
 *   destination (taken as the CPU index, physical mode; the Redirection
 *   Hint and Destination Mode bits 3:2 are ignored), data bits 7:0 the
 *   vector, bits 10:8 the delivery mode (000 Fixed and 001 Lowest
 *   Priority are delivered to the destination; others are refused), the
 *   trigger bits 15:14 are ignored (a message is an edge). Delivered at
 *   once, edge semantics: no EOI needed.
 *
 * Vectors 0..15 are reserved on x86 (the local APIC reports them as
 * illegal): inputs cannot be programmed with them and messages carrying
 * them are refused. A refused message, a message to a CPU that does not
 * exist, a read of the window, a delivery to a CPU without a sink: each is
 * counted (struct irq_ctrl_stats) and reported with sim_report() as a
 * warning; nothing crashes and no state changes.
 *
 * Deliveries made while a level line rises or a message arrives happen in
 * that call (an event callback of the sender, usually); re-deliveries
 * after EOI, unmask, reprogramming or a new sink go through one kernel
 * event in the next delta cycle, so a sink that calls irq_ctrl_eoi() from
 * its deliver callback is never re-entered.
 *
 * Tracing, both optional: a VCD variable per input holding its level
 * (irq_ctrl_set_vcd()); Chrome trace instants for every assertion and
 * deassertion by a source, every message and every delivery and EOI
 * (irq_ctrl_set_ctrace()).
 *
 * Not thread-safe; one kernel owns it. Include as "irq/ctrl.h"; depends on
 * bus/decode.h and sim/ headers.
 */
#ifndef PCISIM_IRQ_CTRL_H
#define PCISIM_IRQ_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/decode.h"
#include "sim/kernel.h"

struct sim_vcd;
struct sim_ctrace;
struct irq_ctrl;

/** Vectors of a CPU (x86: 8 bits). */
#define IRQ_VECTORS 256u
/** Lowest usable vector; 0..15 are reserved (exceptions, x86). */
#define IRQ_VECTOR_MIN 16u
/** Default MSI window: the x86 interrupt address range, 1 MiB at 0xFEE00000. */
#define IRQ_MSI_BASE_DEFAULT UINT64_C(0xfee00000)
#define IRQ_MSI_SIZE_DEFAULT UINT64_C(0x100000)
/** Default inputs: a 24-pin I/O APIC. */
#define IRQ_INPUTS_DEFAULT 24u
/** Largest number of inputs and CPUs accepted. */
#define IRQ_INPUTS_MAX 1024u
#define IRQ_CPUS_MAX 256u
/** "No input": the input field of a message delivery. */
#define IRQ_NO_INPUT UINT32_MAX
/** A requester the controller does not know (a write with no sender set). */
#define IRQ_REQUESTER_UNKNOWN UINT32_MAX

/** enum irq_trigger - how an input is sensed. */
enum irq_trigger {
	IRQ_TRIGGER_LEVEL = 0, /**< level, with in-service until EOI */
	IRQ_TRIGGER_EDGE = 1,  /**< each rise delivered once */
};

/** enum irq_cause - what a delivery comes from. */
enum irq_cause {
	IRQ_CAUSE_INPUT = 0, /**< an input (INTx) */
	IRQ_CAUSE_MSI = 1,   /**< a message (MSI or MSI-X write) */
};

/**
 * struct irq_delivery - what the sink is told besides vector and CPU.
 * @cause: input or message.
 * @input: the input for IRQ_CAUSE_INPUT, else IRQ_NO_INPUT.
 * @requester: for a message, the Requester ID of the write
 *	(IRQ_REQUESTER_UNKNOWN when the writer did not say); for an input,
 *	IRQ_REQUESTER_UNKNOWN (several may assert it: irq_ctrl_input_sources()).
 * @address, @data: the message as written (0 for an input).
 * @redelivery: a level input delivered again after EOI (or after unmask,
 *	reprogramming or a new sink) rather than on a rise.
 * @t_ps: simulated time of the delivery.
 */
struct irq_delivery {
	enum irq_cause cause;
	uint32_t input;
	uint32_t requester;
	uint64_t address;
	uint32_t data;
	bool redelivery;
	sim_time_t t_ps;
};

/**
 * struct irq_sink_ops - a CPU's interrupt sink (the host OS's interrupt
 * table, or struct irq_simple_sink of irq/sink.h).
 * @deliver: required. @c is the controller, @cpu the target, @vector the
 *	vector, @d the details (valid during the call). May call
 *	irq_ctrl_eoi(), irq_ctrl_input_*() and irq_ctrl_mask().
 */
struct irq_sink_ops {
	void (*deliver)(void *opaque, struct irq_ctrl *c, unsigned cpu, unsigned vector,
			const struct irq_delivery *d);
};

/**
 * struct irq_ctrl_config - the controller's shape; start from
 * irq_ctrl_config_default().
 * @n_inputs: 1..IRQ_INPUTS_MAX.
 * @n_cpus: 1..IRQ_CPUS_MAX; CPU i has destination ID i.
 * @msi_base, @msi_size: the MSI window; @msi_size > 0, 4-byte multiple,
 *	not wrapping.
 */
struct irq_ctrl_config {
	unsigned n_inputs;
	unsigned n_cpus;
	uint64_t msi_base;
	uint64_t msi_size;
};

/**
 * struct irq_input_stats - counters of one input.
 * @asserts, @deasserts: source assertions and deassertions that changed
 *	that source's state.
 * @duplicates: assertions by a source already asserting, deassertions by
 *	one not asserting (no effect).
 * @rises, @falls: changes of the wired-OR level.
 * @deliveries: deliveries to a sink (re-deliveries included).
 * @redeliveries: of those, deliveries of a level still asserted after EOI
 *	(or unmask, reprogramming, a new sink).
 * @masked_edges: rises of an edge input lost while masked.
 * @undelivered: deliveries wanted while the target CPU had no sink.
 */
struct irq_input_stats {
	uint64_t asserts, deasserts, duplicates;
	uint64_t rises, falls;
	uint64_t deliveries, redeliveries;
	uint64_t masked_edges;
	uint64_t undelivered;
};

/**
 * struct irq_ctrl_stats - counters of the controller.
 * @msi_writes: writes into the MSI window (all of them).
 * @msi_delivered: of those, delivered to a sink.
 * @msi_refused: refused: reserved vector, unsupported delivery mode, no
 *	such CPU.
 * @msi_reads: reads of the window (answered Unsupported Request).
 * @deliveries: every delivery to a sink (inputs and messages).
 * @undelivered: deliveries wanted while the CPU had no sink (inputs and
 *	messages; a message is lost, a level input waits for a sink).
 * @eois: irq_ctrl_eoi() calls; @eoi_unmatched: of those, the ones that
 *	released no level input (harmless after an edge or a message).
 */
struct irq_ctrl_stats {
	uint64_t msi_writes, msi_delivered, msi_refused, msi_reads;
	uint64_t deliveries, undelivered;
	uint64_t eois, eoi_unmatched;
};

/* One input (private). */
struct irq_input {
	uint8_t trigger;      /* enum irq_trigger */
	bool masked;
	bool in_service;      /* level: delivered, waiting for EOI */
	bool recheck;         /* look at it in the next recheck event */
	uint8_t vector;
	uint32_t cpu;
	uint32_t *src;        /* sources asserting now, in order of assertion */
	uint32_t nsrc, capsrc;
	uint32_t vcd_id;
	struct irq_input_stats st;
};

/* One CPU's sink (private). */
struct irq_cpu {
	const struct irq_sink_ops *ops;
	void *opaque;
	uint32_t track;       /* Chrome trace track */
};

/**
 * struct irq_ctrl - the controller. Initialise with irq_ctrl_init(),
 * release with irq_ctrl_destroy().
 */
struct irq_ctrl {
	/* read-only */
	struct irq_ctrl_stats stats;
	/* private */
	struct sim_kernel *k;
	struct irq_ctrl_config cfg;
	struct irq_input *in;
	struct irq_cpu *cpus;
	uint64_t vec_count[IRQ_VECTORS];
	struct sim_event recheck;
	bool recheck_any;
	struct bus_decode *decode;
	uint32_t region;
	uint32_t requester;   /* of the write in progress, or IRQ_REQUESTER_UNKNOWN */
	struct sim_vcd *vcd;
	struct sim_ctrace *ct;
	uint32_t tr_inputs, tr_msi;
};

/** irq_ctrl_config_default() - 24 inputs, 1 CPU, the default MSI window. */
void irq_ctrl_config_default(struct irq_ctrl_config *cfg);

/**
 * irq_ctrl_init() - a controller on @k, every input masked, level,
 * vector 0 (unprogrammed), no sinks, not mapped.
 * @c: storage owned by the caller.
 * @k: the kernel; must outlive @c.
 * @cfg: copied; NULL for the defaults.
 * Return: 0, SIM_ERR_INVALID (NULL, a field out of range), SIM_ERR_NOMEM.
 */
int irq_ctrl_init(struct irq_ctrl *c, struct sim_kernel *k, const struct irq_ctrl_config *cfg);

/**
 * irq_ctrl_destroy() - unmap the window, cancel the pending recheck, free
 * everything. Senders (irq/fn.h) must be destroyed first. NULL is ignored.
 */
void irq_ctrl_destroy(struct irq_ctrl *c);

/**
 * irq_ctrl_set_input() - program input @input (an I/O APIC redirection
 * entry) and unmask it.
 * @vector: IRQ_VECTOR_MIN..255. @cpu: below n_cpus.
 * A level input asserted now is delivered in the next delta cycle (its
 * in-service state is cleared: reprogramming starts afresh).
 * Return: 0, or SIM_ERR_INVALID (bad input, trigger, vector or CPU;
 * nothing changes).
 */
int irq_ctrl_set_input(struct irq_ctrl *c, unsigned input, enum irq_trigger trigger,
		       unsigned vector, unsigned cpu);

/**
 * irq_ctrl_mask() - mask or unmask input @input. Unmasking a programmed
 * level input that is asserted and not in service delivers it in the next
 * delta cycle. Unmasking an unprogrammed input (vector 0) is refused.
 * Return: 0, or SIM_ERR_INVALID (bad input, or unprogrammed).
 */
int irq_ctrl_mask(struct irq_ctrl *c, unsigned input, bool masked);

/**
 * irq_ctrl_set_sink() - install CPU @cpu's sink; @ops NULL removes it.
 * Level inputs waiting for this CPU are delivered in the next delta cycle.
 * @ops: static table; must outlive its installation.
 * Return: 0, or SIM_ERR_INVALID (bad CPU, NULL @ops->deliver).
 */
int irq_ctrl_set_sink(struct irq_ctrl *c, unsigned cpu, const struct irq_sink_ops *ops,
		      void *opaque);

/**
 * irq_ctrl_input_set() - source @source asserts (@asserted true) or
 * deasserts input @input, now. This is how an INTx message takes effect
 * when it arrives (irq/fn.h), and how a model wired straight to an input
 * drives it.
 * Return: 0, or SIM_ERR_INVALID (bad input).
 */
int irq_ctrl_input_set(struct irq_ctrl *c, unsigned input, uint32_t source, bool asserted);

/** irq_ctrl_input_level() - whether input @input is asserted now (false
 * for a bad input). */
bool irq_ctrl_input_level(const struct irq_ctrl *c, unsigned input);

/**
 * irq_ctrl_input_sources() - which sources assert input @input now.
 * @out: receives up to @max source ids, in the order they asserted; may
 *	be NULL when @max is 0.
 * Return: how many sources assert it (may exceed @max), or SIM_ERR_INVALID
 * for a bad input.
 */
int irq_ctrl_input_sources(const struct irq_ctrl *c, unsigned input, uint32_t *out,
			   unsigned max);

/** irq_ctrl_input_stats() - the counters of @input into @out.
 * Return: 0, or SIM_ERR_INVALID. */
int irq_ctrl_input_stats(const struct irq_ctrl *c, unsigned input, struct irq_input_stats *out);

/** irq_ctrl_input_in_service() - a level input delivered and not yet
 * acknowledged by irq_ctrl_eoi(). */
bool irq_ctrl_input_in_service(const struct irq_ctrl *c, unsigned input);

/**
 * irq_ctrl_eoi() - end of interrupt for @vector on @cpu: every level
 * input programmed with that vector and CPU and in service leaves service;
 * those still asserted are delivered again in the next delta cycle.
 * Return: the number of inputs released (0 after an edge or a message),
 * or SIM_ERR_INVALID (bad CPU or vector).
 */
int irq_ctrl_eoi(struct irq_ctrl *c, unsigned cpu, unsigned vector);

/** irq_ctrl_vector_count() - deliveries of @vector so far, all CPUs. */
uint64_t irq_ctrl_vector_count(const struct irq_ctrl *c, unsigned vector);

/**
 * irq_ctrl_map() - map the MSI window into @d at @priority (a region
 * accepting aligned 4-byte writes; other sizes and alignments are refused
 * by the decoder with Unsupported Request).
 * Return: 0; SIM_ERR_STATE (already mapped); what bus_decode_map() returns.
 */
int irq_ctrl_map(struct irq_ctrl *c, struct bus_decode *d, int priority);

/** irq_ctrl_unmap() - remove the window from its decoder (if mapped). */
void irq_ctrl_unmap(struct irq_ctrl *c);

/** irq_ctrl_msi_region() - the decoder region id of the window, 0 when
 * not mapped. */
uint32_t irq_ctrl_msi_region(const struct irq_ctrl *c);

/** irq_ctrl_in_window() - whether [@addr, @addr + 4) lies in the window. */
bool irq_ctrl_in_window(const struct irq_ctrl *c, uint64_t addr);

/**
 * irq_ctrl_set_requester() - the Requester ID of the next write into the
 * window (a TLP carries it; a decoder region does not see it), or
 * IRQ_REQUESTER_UNKNOWN. For senders: set it right before the
 * bus_decode_write() and reset it after.
 */
void irq_ctrl_set_requester(struct irq_ctrl *c, uint32_t requester);

/**
 * irq_ctrl_set_vcd() - declare one 1-bit variable per input, "in<N>" in
 * scope "irq", and record every level change in @v from now on.
 * @v: an open writer whose header is not written yet; must outlive @c
 *	(or a call with NULL).
 * Return: 0, or what sim_vcd_add_var() returns (nothing recorded then).
 */
int irq_ctrl_set_vcd(struct irq_ctrl *c, struct sim_vcd *v);

/**
 * irq_ctrl_set_ctrace() - record assertions, deassertions, messages,
 * deliveries and EOIs in @t on tracks of process "irq": "inputs", "msi"
 * and "cpu<N>". NULL stops. @t must outlive @c (or a call with NULL).
 * Return: 0, or what sim_ctrace_track() returns (tracing stays off).
 */
int irq_ctrl_set_ctrace(struct irq_ctrl *c, struct sim_ctrace *t);

#endif /* PCISIM_IRQ_CTRL_H */
