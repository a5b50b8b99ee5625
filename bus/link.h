/*
 * bus/link.h - PCIe link timing: how many bytes a TLP puts on the wire, how
 * long it occupies one direction of a link, and the steady-state DMA
 * throughput that follows, as pure functions; plus one link direction as a
 * FIFO server for the simulator.
 *
 * Two accounting profiles (see README.md, "Link timing" for every constant and its
 * source): BUS_LINK_SPEC follows the PCIe Base Specification (framing per
 * generation, SKP ordered sets on every direction, Ack and UpdateFC DLLPs on
 * the direction that really carries them); BUS_LINK_PCIE_BENCH reproduces
 * the published pcie-bench model (Neugebauer et al., SIGCOMM 2018,
 * github.com/pcie-bench/pcie-model, model/pcie.py and model/mem_bw.py) as it
 * accounts, for comparison with the literature.
 *
 * Time is integer picoseconds (sim/time.h). A direction's speed is an exact
 * rational number of picoseconds per byte; a TLP of n wire bytes occupies
 * ceil(n * ps_num / ps_den) ps -- rounded UP, once, per TLP -- so a closed
 * form that sums per-TLP occupancies (bus_link_write_ps(), ...) and a
 * simulation that sends the same TLPs one by one agree to the picosecond.
 * The *_gbps() figures are the exact, unrounded rates (as the published
 * model computes them); they differ from the rounded ones by less than one
 * picosecond per TLP.
 *
 * Depends on libc and sim/ headers only; no kernel is needed.
 */
#ifndef PCISIM_BUS_LINK_H
#define PCISIM_BUS_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/time.h"

/** enum bus_link_profile - which accounting the functions below follow. */
enum bus_link_profile {
	BUS_LINK_SPEC = 0,       /**< the PCIe Base Specification (default) */
	BUS_LINK_PCIE_BENCH = 1, /**< the published pcie-bench model, as it accounts */
};

/** rcb_bytes value: completers return completions of up to MPS bytes. */
#define BUS_LINK_RCB_MPS 0u

/* Byte counts of the wire format (README.md, "Link timing" gives the sections). */
#define BUS_LINK_FRAMING_BYTES 8u  /**< per TLP: physical framing + sequence number + LCRC */
#define BUS_LINK_DLLP_BYTES 8u     /**< one DLLP with its framing (6 + 2) */
#define BUS_LINK_HDR3_BYTES 12u    /**< 3 DW header: 32-bit address, and every completion */
#define BUS_LINK_HDR4_BYTES 16u    /**< 4 DW header: 64-bit address */
#define BUS_LINK_ECRC_BYTES 4u     /**< optional TLP digest */
/** The largest wire_bytes the occupancy functions accept (a TLP is at most 4124). */
#define BUS_LINK_MAX_WIRE_BYTES 8192u

/*
 * What a direction carries besides its own TLPs, for bus_link_rate_get() and
 * friends: the Ack DLLPs, and the UpdateFC DLLPs, for a TLP stream flowing
 * the OTHER way. The spec profile charges them where they travel; the
 * pcie-bench profile ignores these flags and always charges both to every
 * direction that carries TLPs (as the published model does).
 */
#define BUS_LINK_CARRIES_ACKS 1u /**< Acks for TLPs received from the other end */
#define BUS_LINK_CARRIES_FC 2u   /**< UpdateFCs for TLPs received from the other end */

/**
 * struct bus_link_cfg - one link's configuration; fill it with
 * bus_link_cfg_default() and change what differs.
 */
struct bus_link_cfg {
	unsigned gen;        /**< 1..5: 2.5, 5, 8, 16, 32 GT/s per lane */
	unsigned width;      /**< lanes: 1, 2, 4, 8 or 16 */
	uint32_t mps_bytes;  /**< Max_Payload_Size: 128..4096, a power of two */
	uint32_t mrrs_bytes; /**< Max_Read_Request_Size: 128..4096, a power of two */
	uint32_t rcb_bytes;  /**< completions split at 64 or 128 bytes, or BUS_LINK_RCB_MPS */
	bool addr64;         /**< memory requests carry 4 DW headers (else 3 DW) */
	bool ecrc;           /**< every TLP carries a 4-byte digest */
	enum bus_link_profile profile;
};

/**
 * struct bus_link_rate - the speed of one direction: one byte takes
 * ps_num / ps_den picoseconds (a reduced fraction, ps_den > 0).
 */
struct bus_link_rate {
	uint64_t ps_num;
	uint64_t ps_den;
};

/**
 * struct bus_link_dir - one direction of a link as a FIFO server: a TLP
 * starts when it is offered or when the previous one has left, whichever is
 * later, and occupies the direction for its occupancy. Embed it in the owner
 * and prepare it with bus_link_dir_init(); no allocation, no kernel.
 */
struct bus_link_dir {
	/* read-only */
	sim_time_t free_at_ps; /**< when the last accepted TLP has left */
	sim_time_t busy_ps;    /**< total occupancy so far */
	uint64_t tlps;         /**< packets accepted */
	uint64_t wire_bytes;   /**< their wire bytes */
	/* private */
	struct bus_link_rate rate;
	uint32_t memo_wire;    /* the last packet size, and its occupancy: */
	sim_time_t memo_ps;    /* traffic repeats sizes, a division is dear */
};

/**
 * bus_link_cfg_default() - Gen3 x8, MPS 256, MRRS 512, completions of up to
 * MPS, 32-bit addresses, no ECRC, spec profile.
 * @cfg: filled in; must not be NULL.
 */
void bus_link_cfg_default(struct bus_link_cfg *cfg);

/**
 * bus_link_cfg_check() - validate a configuration.
 * @cfg: the configuration.
 *
 * Return: SIM_OK, or SIM_ERR_INVALID for NULL or any field out of range
 * (see struct bus_link_cfg).
 */
int bus_link_cfg_check(const struct bus_link_cfg *cfg);

/**
 * bus_link_gts_x10() - the transfer rate per lane in tenths of GT/s.
 * @gen: 1..5.
 *
 * Return: 25, 50, 80, 160, 320; 0 for another @gen.
 */
unsigned bus_link_gts_x10(unsigned gen);

/**
 * bus_link_mwr_wire_bytes() - wire bytes of one memory write TLP.
 * @cfg: a valid configuration.
 * @payload_bytes: data carried, 1..MPS (not checked against MPS).
 *
 * Header (3 or 4 DW by @cfg->addr64) + payload + ECRC if enabled + framing.
 * The same in both profiles (README.md, "Link timing" says why).
 *
 * Return: the byte count; 0 for an invalid @cfg.
 */
uint32_t bus_link_mwr_wire_bytes(const struct bus_link_cfg *cfg, uint32_t payload_bytes);

/**
 * bus_link_mrd_wire_bytes() - wire bytes of one memory read request TLP.
 * @cfg: a valid configuration.
 *
 * Return: header + ECRC + framing; 0 for an invalid @cfg.
 */
uint32_t bus_link_mrd_wire_bytes(const struct bus_link_cfg *cfg);

/**
 * bus_link_cpld_wire_bytes() - wire bytes of one completion with data.
 * @cfg: a valid configuration.
 * @payload_bytes: data carried.
 *
 * A completion header is always 3 DW.
 *
 * Return: the byte count; 0 for an invalid @cfg.
 */
uint32_t bus_link_cpld_wire_bytes(const struct bus_link_cfg *cfg, uint32_t payload_bytes);

/**
 * bus_link_rate_get() - the speed of one direction.
 * @cfg: a valid configuration.
 * @carries: BUS_LINK_CARRIES_* flags (ignored by the pcie-bench profile).
 * @out: receives the reduced fraction of picoseconds per byte.
 *
 * Spec: raw symbol rate less SKP ordered sets, less the Ack and UpdateFC
 * DLLPs named in @carries at the spec's maximum intervals. pcie-bench: its
 * TLP_bw (raw less Acks, UpdateFCs and SKPs as it charges them).
 *
 * Return: SIM_OK, or SIM_ERR_INVALID for a bad @cfg, @carries or NULL @out.
 */
int bus_link_rate_get(const struct bus_link_cfg *cfg, unsigned carries, struct bus_link_rate *out);

/**
 * bus_link_rate_ps() - occupancy of a packet at a given speed.
 * @rate: from bus_link_rate_get().
 * @wire_bytes: 1..BUS_LINK_MAX_WIRE_BYTES.
 * @out_ps: receives ceil(@wire_bytes * ps_num / ps_den), picoseconds.
 *
 * Return: SIM_OK, or SIM_ERR_INVALID for a bad argument.
 */
int bus_link_rate_ps(const struct bus_link_rate *rate, uint32_t wire_bytes, sim_time_t *out_ps);

/**
 * bus_link_tlp_ps() - occupancy of a packet on a direction of @cfg's link.
 * @cfg: a valid configuration.
 * @carries: BUS_LINK_CARRIES_* for that direction.
 * @wire_bytes: 1..BUS_LINK_MAX_WIRE_BYTES.
 * @out_ps: receives the occupancy in picoseconds, rounded up.
 *
 * Return: SIM_OK, or SIM_ERR_INVALID.
 */
int bus_link_tlp_ps(const struct bus_link_cfg *cfg, unsigned carries, uint32_t wire_bytes,
		    sim_time_t *out_ps);

/**
 * bus_link_raw_gbps() - raw bandwidth of one direction after line coding.
 * @cfg: a valid configuration.
 *
 * GT/s x lanes x 8/10 (Gen1-2) or 128/130 (Gen3+); Gb/s = 10^9 bit/s.
 *
 * Return: the bandwidth; 0.0 for an invalid @cfg.
 */
double bus_link_raw_gbps(const struct bus_link_cfg *cfg);

/**
 * bus_link_tlp_gbps() - bandwidth left for TLP bytes (framing included) on
 * one direction.
 * @cfg: a valid configuration.
 * @carries: BUS_LINK_CARRIES_* for that direction.
 *
 * Return: 8 / (ps per byte) * 1000 Gb/s, exact; 0.0 for invalid arguments.
 */
double bus_link_tlp_gbps(const struct bus_link_cfg *cfg, unsigned carries);

/**
 * bus_link_write_ps() - busy time of the data direction for one DMA write.
 * @cfg: a valid configuration.
 * @size_bytes: payload, >= 1, starting at a 4 KiB-aligned address.
 * @out_ps: receives the sum of the per-TLP occupancies of the MWr TLPs
 *          (each at most MPS bytes, so none crosses 4 KiB).
 *
 * The data direction carries no DLLPs in the spec profile (the Acks and
 * UpdateFCs for the writes go the other way).
 *
 * Return: SIM_OK, SIM_ERR_INVALID, or SIM_ERR_OVERFLOW when the sum does not
 * fit in sim_time_t.
 */
int bus_link_write_ps(const struct bus_link_cfg *cfg, uint64_t size_bytes, sim_time_t *out_ps);

/**
 * bus_link_read_ps() - busy time of both directions for one DMA read.
 * @cfg: a valid configuration.
 * @size_bytes: data read, >= 1, starting at a 4 KiB-aligned address.
 * @req_ps: receives the summed occupancy of the MRd requests (each at most
 *          MRRS bytes) on the request direction, which in the spec profile
 *          also carries the Acks for the completions; may be NULL.
 * @cpl_ps: receives the summed occupancy of the completions on the other
 *          direction, which in the spec profile also carries the Acks and
 *          UpdateFC-NPs for the requests; may be NULL.
 *
 * Completions: spec profile, each request is answered by completions of
 * min(RCB or MPS, MPS) bytes, the last one shorter; pcie-bench profile, the
 * whole transfer is cut into ceil(size / MPS) (or / RCB) completions,
 * regardless of MRRS, as the published model does.
 *
 * Return: SIM_OK, SIM_ERR_INVALID, or SIM_ERR_OVERFLOW.
 */
int bus_link_read_ps(const struct bus_link_cfg *cfg, uint64_t size_bytes, sim_time_t *req_ps,
		     sim_time_t *cpl_ps);

/**
 * bus_link_write_gbps() - steady-state DMA write throughput.
 * @cfg: a valid configuration.
 * @size_bytes: size of each transfer, >= 1.
 *
 * Back-to-back writes of @size_bytes with unlimited credits: payload bits
 * over the exact (unrounded) time the data direction is busy.
 *
 * Return: payload Gb/s (10^9 bit/s); 0.0 for invalid arguments.
 */
double bus_link_write_gbps(const struct bus_link_cfg *cfg, uint64_t size_bytes);

/**
 * bus_link_read_gbps() - steady-state DMA read throughput.
 * @cfg: a valid configuration.
 * @size_bytes: size of each transfer, >= 1.
 *
 * Back-to-back reads with unlimited tags and credits: payload bits over the
 * exact busy time of the busier direction (requests one way, completions
 * the other).
 *
 * Return: payload Gb/s; 0.0 for invalid arguments.
 */
double bus_link_read_gbps(const struct bus_link_cfg *cfg, uint64_t size_bytes);

/**
 * bus_link_dir_init() - prepare a link direction, idle at time 0.
 * @d: the direction (embedded in its owner).
 * @cfg: a valid configuration (copied from; need not outlive @d).
 * @carries: BUS_LINK_CARRIES_* for this direction.
 *
 * Return: SIM_OK, or SIM_ERR_INVALID (then @d is untouched).
 */
int bus_link_dir_init(struct bus_link_dir *d, const struct bus_link_cfg *cfg, unsigned carries);

/**
 * bus_link_dir_send() - offer a packet to the direction.
 * @d: an initialised direction.
 * @now_ps: when the packet is ready to go, ps.
 * @wire_bytes: its size on the wire, 1..BUS_LINK_MAX_WIRE_BYTES (use the
 *              *_wire_bytes() functions, or BUS_LINK_DLLP_BYTES).
 * @done_ps: receives when its last byte has left, ps: max(@now_ps,
 *           free_at_ps) + occupancy. May be NULL.
 *
 * Packets are served in the order they are offered (FIFO), each exactly
 * once; the direction remembers only when it becomes free.
 *
 * Return: SIM_OK; SIM_ERR_INVALID for a bad argument; SIM_ERR_OVERFLOW when
 * the end would pass SIM_TIME_MAX. On error @d is unchanged.
 */
int bus_link_dir_send(struct bus_link_dir *d, sim_time_t now_ps, uint32_t wire_bytes,
		      sim_time_t *done_ps);

/**
 * bus_link_dir_send_burst() - offer a stream of equal packets back to back:
 * the first at @now_ps, each next one when the one before has left, as
 * @count calls of bus_link_dir_send() would, stopping before the first
 * packet whose offer time would be at or after @until_ps (the first packet
 * is always sent). The result is the same to the picosecond as those calls
 * (each packet's occupancy is the same integer), in constant time.
 * @sent: receives the number of packets sent, 1..@count.
 * @done_ps: receives when the last one has left. May be NULL.
 *
 * A requester uses it for a run of full-size TLPs with nothing else able
 * to offer a packet before @until_ps (SIM_TIME_MAX: no limit).
 * Return: as bus_link_dir_send(); also SIM_ERR_INVALID for @count 0 or a
 * NULL @sent. On error @d is unchanged.
 */
int bus_link_dir_send_burst(struct bus_link_dir *d, sim_time_t now_ps, uint32_t wire_bytes,
			    uint64_t count, sim_time_t until_ps, uint64_t *sent,
			    sim_time_t *done_ps);

/*
 * Flow control and tags (README.md, "Link timing", "Flow control and tags").
 *
 * struct bus_link_port is the sender's view of the receiver at the other
 * end of one link direction: the credits the receiver advertised, per
 * class, and the tags the sender may have outstanding. A sender asks when a
 * TLP can start (bus_link_port_credit_start()), takes the credits at that
 * start (bus_link_port_credit_take()), and the receiver gives them back when
 * it has processed the TLP (bus_link_port_credit_return()); they are usable
 * again update_delay_ps later (the UpdateFC DLLP, modelled as arriving
 * exactly then: no DLLP occupancy, no coalescing of updates). Tags work the
 * same way with one unit per non-posted request and no delay. Pure: no
 * kernel, no allocation; the caller drives time.
 */

/** enum bus_link_fc_class - the three flow-control classes (spec 2.6.1). */
enum bus_link_fc_class {
	BUS_LINK_FC_P = 0,   /**< posted: memory writes, messages */
	BUS_LINK_FC_NP = 1,  /**< non-posted: memory reads, config and I/O */
	BUS_LINK_FC_CPL = 2, /**< completions */
	BUS_LINK_FC_CLASSES = 3,
};

/** One data credit is 4 DW (spec 2.6.1). */
#define BUS_LINK_FC_UNIT_BYTES 16u
/** Largest finite advertisement without scaled flow control (spec 2.6.1). */
#define BUS_LINK_FC_MAX_HDR 127u
#define BUS_LINK_FC_MAX_DATA 2047u
/** Largest tag limit: 8-bit tags. */
#define BUS_LINK_MAX_TAGS 256u
/** Credit returns and tag releases a pool can hold before they are due. */
#define BUS_LINK_POOL_RETURNS 256u

/**
 * struct bus_link_fc_cfg - what the receiver advertises, and the sender's
 * tag limit. All zero: infinite credits, unlimited tags, no delay.
 */
struct bus_link_fc_cfg {
	uint32_t hdr_credits[BUS_LINK_FC_CLASSES];  /**< 0 = infinite, else 1..127 */
	uint32_t data_credits[BUS_LINK_FC_CLASSES]; /**< 16-byte units; 0 = infinite, else
						      *   1..2047, and then hdr finite too */
	sim_time_t update_delay_ps; /**< from processing to the credits being usable */
	uint32_t tags;              /**< outstanding non-posted requests; 0 = unlimited, else 1..256 */
};

/** struct bus_link_pool_ret - private: units coming back at a time. */
struct bus_link_pool_ret {
	sim_time_t at_ps;
	uint32_t hdr;
	uint32_t data;
};

/** struct bus_link_pool - private: one class of credits, or the tags. */
struct bus_link_pool {
	uint32_t hdr_limit, data_limit; /* 0 = infinite */
	uint32_t hdr_out, data_out;     /* taken and not yet usable again */
	sim_time_t last_start_ps;       /* takes are in nondecreasing time */
	uint32_t head, count;           /* ring of returns, nondecreasing at_ps */
	struct bus_link_pool_ret ret[BUS_LINK_POOL_RETURNS];
};

/**
 * struct bus_link_port - credits and tags of one sender towards one
 * receiver. Embed it and prepare it with bus_link_port_init().
 */
struct bus_link_port {
	/* private */
	sim_time_t update_delay_ps;
	struct bus_link_pool fc[BUS_LINK_FC_CLASSES];
	struct bus_link_pool tags;
};

/**
 * bus_link_port_init() - prepare a port with nothing outstanding.
 * @p: the port.
 * @fc: the advertisement and tag limit (see struct bus_link_fc_cfg).
 *
 * Return: SIM_OK, or SIM_ERR_INVALID (then @p is untouched).
 */
int bus_link_port_init(struct bus_link_port *p, const struct bus_link_fc_cfg *fc);

/**
 * bus_link_port_credit_start() - when a TLP of a class can start.
 * @p: an initialised port.
 * @cls: its class.
 * @payload_bytes: its data (0 for a request without data); it needs one
 *                 header credit and ceil(@payload_bytes / 16) data credits.
 * @now_ps: when it is ready.
 * @start_ps: receives the earliest time >= @now_ps (and >= the last take)
 *            at which the credits are there, counting returns already made.
 *
 * Return: SIM_OK; SIM_ERR_BUSY when even every return made so far is not
 * enough (blocked until the receiver returns credits: ask again after
 * bus_link_port_credit_return()); SIM_ERR_INVALID for a bad argument or a
 * TLP larger than the whole advertisement.
 */
int bus_link_port_credit_start(const struct bus_link_port *p, enum bus_link_fc_class cls,
			       uint32_t payload_bytes, sim_time_t now_ps, sim_time_t *start_ps);

/**
 * bus_link_port_credit_take() - consume a TLP's credits when it starts.
 * @p: an initialised port.
 * @cls: its class.
 * @payload_bytes: its data.
 * @start_ps: its start, from bus_link_port_credit_start() (not before the
 *            previous take of this class).
 *
 * Return: SIM_OK; SIM_ERR_BUSY when the credits are not there at
 * @start_ps; SIM_ERR_INVALID. On error @p is unchanged.
 */
int bus_link_port_credit_take(struct bus_link_port *p, enum bus_link_fc_class cls,
			      uint32_t payload_bytes, sim_time_t start_ps);

/**
 * bus_link_port_credit_return() - the receiver has processed a TLP.
 * @p: an initialised port.
 * @cls: its class.
 * @payload_bytes: its data.
 * @processed_ps: when the receiver freed its buffer; the sender may use the
 *                credits from @processed_ps + update_delay_ps. Returns of a
 *                class come in nondecreasing @processed_ps.
 *
 * Return: SIM_OK; SIM_ERR_INVALID for a bad argument, more than was taken,
 * or an out-of-order time; SIM_ERR_LIMIT when BUS_LINK_POOL_RETURNS returns
 * are pending; SIM_ERR_OVERFLOW past SIM_TIME_MAX. On error @p is unchanged.
 */
int bus_link_port_credit_return(struct bus_link_port *p, enum bus_link_fc_class cls,
				uint32_t payload_bytes, sim_time_t processed_ps);

/**
 * bus_link_port_tag_start() - when a non-posted request can get a tag.
 * @p: an initialised port.
 * @now_ps: when the request is ready.
 * @start_ps: receives the earliest such time, as for credits.
 *
 * Return: SIM_OK; SIM_ERR_BUSY when every tag is held and none has been
 * released; SIM_ERR_INVALID.
 */
int bus_link_port_tag_start(const struct bus_link_port *p, sim_time_t now_ps, sim_time_t *start_ps);

/**
 * bus_link_port_tag_take() - allocate a tag at @start_ps.
 * @p: an initialised port.
 * @start_ps: from bus_link_port_tag_start().
 *
 * Return: as bus_link_port_credit_take().
 */
int bus_link_port_tag_take(struct bus_link_port *p, sim_time_t start_ps);

/**
 * bus_link_port_tag_release() - the request's last completion has arrived.
 * @p: an initialised port.
 * @done_ps: when; the tag is free from then (no delay). Nondecreasing.
 *
 * Return: as bus_link_port_credit_return().
 */
int bus_link_port_tag_release(struct bus_link_port *p, sim_time_t done_ps);

#endif /* PCISIM_BUS_LINK_H */
