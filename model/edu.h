/*
 * model/edu.h - a clean-room model of QEMU's educational "edu" PCI device,
 * from its public specification (QEMU docs/specs/edu.rst): the device
 * driver courses write their first driver for.
 *
 * Configuration space: 1234:11e8, class 0x00ff00, one 1 MiB memory BAR
 * (BAR0), Interrupt Pin A, an MSI capability (one message, 64-bit).
 * Registers in BAR0 (only 4-byte accesses below 0x80; 4 or 8 from 0x80):
 *
 *   0x00 RO  identification 0x010000ed (version 1.0)
 *   0x04 RW  liveness check: reads back the bitwise inverse of the value
 *   0x08 RW  factorial: a write starts computing n!, which replaces the
 *            value when done (32-bit, wrapping); STATUS.COMPUTING is set
 *            meanwhile (fact_ps of simulated time)
 *   0x20 RW  status: bit 0 COMPUTING (RO), bit 7 IRQ_FACT (raise
 *            EDU_IRQ_FACT when a factorial completes)
 *   0x24 RO  interrupt status
 *   0x60 WO  interrupt raise: ORed into the interrupt status
 *   0x64 WO  interrupt acknowledge: cleared from the interrupt status
 *   0x80 RW  DMA source address, 0x88 destination, 0x90 count
 *   0x98 RW  DMA command: bit 0 START (reads 1 until done), bit 1
 *            direction (0: RAM to device, 1: device to RAM), bit 2 raise
 *            EDU_IRQ_DMA when done
 *
 * The device buffer: 4 KiB at device address 0x40000; a DMA moves between
 * it and host memory through the dma/ engine (timed by the link, Bus
 * Master Enable gated). Its host side must lie below the DMA mask (28 bits
 * by default, as the specification's default) and its device side inside
 * the buffer: anything else is a guest error, counted and reported
 * (sim_report) instead of copied, and the command completes at once
 * without moving a byte (still raising EDU_IRQ_DMA if asked).
 *
 * Interrupts: the line (INTx) is asserted while the interrupt status is
 * not 0; with MSI enabled, each raise that sets new bits sends the
 * message (the driver still acknowledges). Both through irq/fn.h.
 *
 * An access the register rules refuse (size, a write to a read-only
 * register) is ignored, reads all ones and counts as a guest error.
 * Include as "model/edu.h".
 */
#ifndef PCISIM_MODEL_EDU_H
#define PCISIM_MODEL_EDU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/config.h"
#include "bus/decode.h"
#include "dma/engine.h"
#include "dma/port.h"
#include "irq/fn.h"
#include "sim/kernel.h"
#include "sim/time.h"

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8
#define EDU_BAR0_BYTES (UINT64_C(1) << 20)
#define EDU_ID_VALUE 0x010000edu

#define EDU_REG_ID 0x00
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_FACTORIAL 0x08
#define EDU_REG_STATUS 0x20
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98

#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQ_FACT 0x80u
#define EDU_DMA_START 0x01u
#define EDU_DMA_TO_RAM 0x02u
#define EDU_DMA_IRQ 0x04u
/** Interrupt status bits the device itself raises. */
#define EDU_IRQ_FACT 0x001u
#define EDU_IRQ_DMA 0x100u

/** The device buffer. */
#define EDU_BUF_ADDR 0x40000u
#define EDU_BUF_BYTES 4096u

/**
 * struct edu_config - model parameters (edu_config_default()).
 * @dma_mask: host addresses a DMA may use (the spec's dma_mask): 28 bits.
 * @fact_ps: how long a factorial takes: 1 us.
 * @cmd_ps: from the DMA command write to the first request: 100 ns.
 */
struct edu_config {
	uint64_t dma_mask;
	sim_time_t fact_ps;
	sim_time_t cmd_ps;
};

/** struct edu_stats - what the device counted. */
struct edu_stats {
	uint64_t guest_errors;    /**< refused accesses and DMA programming */
	uint64_t factorials;      /**< computations completed */
	uint64_t dmas;            /**< DMA commands that moved data */
	uint64_t dma_bytes;
	uint64_t dma_failed;      /**< transfers the bus ended with an error */
	uint64_t raises;          /**< interrupt raises (writes and internal) */
};

/** struct edu - one device; embed or allocate; all fields private. */
struct edu {
	struct pci_cfg cfg;
	uint32_t msi_off;
	struct edu_config conf;
	struct sim_kernel *k;
	struct irq_fn *irq;
	struct dma_engine dma;
	bool dma_ok;
	struct sim_event fact_ev, dma_ev;
	uint32_t liveness, factorial, status, irq_status;
	uint64_t dma_src, dma_dst, dma_count, dma_cmd;
	struct dma_sg sg;
	uint8_t buf[EDU_BUF_BYTES];
	struct edu_stats stats;
};

/** edu_config_default() - the defaults above. */
void edu_config_default(struct edu_config *c);

/**
 * edu_init() - a device with configuration space and registers at reset,
 * on kernel @k.
 * @conf: NULL for the defaults; copied.
 * Return: 0, SIM_ERR_INVALID (NULL @d or @k, a mask below 12 bits).
 */
int edu_init(struct edu *d, struct sim_kernel *k, const struct edu_config *conf);

/** edu_destroy() - disconnect and release the events. NULL is ignored. */
void edu_destroy(struct edu *d);

/** edu_cfg() - the configuration space to give the machine builder. */
struct pci_cfg *edu_cfg(struct edu *d);

/**
 * edu_bar_ops() - the region ops serving BAR @bar (0 only); *@opaque
 * receives the pointer to pass with them.
 * Return: the const table, or NULL for a BAR the device does not have.
 */
const struct bus_region_ops *edu_bar_ops(struct edu *d, unsigned bar, void **opaque);

/**
 * edu_connect_irq() - the function's interrupt logic (irq/fn.h), created by
 * the harness on the built machine; must outlive the connection. NULL: no
 * interrupts.
 * Return: 0, SIM_ERR_INVALID (NULL @d).
 */
int edu_connect_irq(struct edu *d, struct irq_fn *fn);

/**
 * edu_connect_dma() - the function's bus-master port (dma/port.h), which
 * must outlive the connection; the device runs a dma/ engine on it.
 * Without a port, DMA commands are guest errors.
 * Return: 0; SIM_ERR_INVALID (NULL); SIM_ERR_BUSY (connected already);
 * what dma_engine_init() returns.
 */
int edu_connect_dma(struct edu *d, struct dma_port *port);

/** edu_disconnect() - cancel what runs and drop the engine and the
 * interrupt function; before they or the machine go. */
void edu_disconnect(struct edu *d);

/** edu_stats() - the counters. */
const struct edu_stats *edu_stats(const struct edu *d);

#endif /* PCISIM_MODEL_EDU_H */
