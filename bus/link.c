/*
 * bus/link.c - PCIe link timing (bus/link.h): wire bytes, exact rational
 * link rates, per-TLP occupancy rounded up to whole picoseconds, closed-form
 * DMA throughput, and the FIFO server of one link direction.
 *
 * All timing goes through one reduced fraction per direction (picoseconds
 * per byte) so that nothing is rounded except, once, each packet's
 * occupancy. README.md, "Link timing" documents every constant; the comments here say
 * where each comes from in a word.
 */
#include "bus/link.h"

#include <stddef.h>

/* A non-negative rational number; den > 0. */
struct frac {
	uint64_t num;
	uint64_t den;
};

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static struct frac frac_make(uint64_t num, uint64_t den)
{
	uint64_t g = gcd_u64(num, den);
	struct frac f = { num, den };

	if (g > 1) {
		f.num /= g;
		f.den /= g;
	}
	return f;
}

/* Operands here stay far below 2^32 (denominators are products of at most
 * three table entries of <= 4239 and small constants), so the cross products
 * cannot overflow 64 bits; bus_link_rate_get() relies on it. */
static struct frac frac_add(struct frac a, struct frac b)
{
	uint64_t g = gcd_u64(a.den, b.den);
	uint64_t den = a.den / g * b.den;

	return frac_make(a.num * (b.den / g) + b.num * (a.den / g), den);
}

/*
 * Ack and UpdateFC intervals in symbol times, by generation (1..3), width
 * (x1, x2, x4, x8, x16) and MPS (128 .. 4096): PCIe Base Spec rev 5.0 Tables
 * 3-7..3-9 (Ack transmission latency limit) and 2-46..2-48 (UpdateFC
 * transmission latency guidelines), as transcribed in pcie-bench's
 * model/pcie.py (Ack_Limits, FC_Guide). For x1..x16 its two tables hold the
 * same numbers, so one table serves both. Gen4 and Gen5 use the Gen3 rows,
 * as pcie-bench does; that they equal the spec's 16 and 32 GT/s tables is
 * NOT verified here. The numbers fit the spec's formula
 * (MPS + 28) * factor / width + internal delay (19, 70, 115 symbol times).
 */
static const uint16_t dllp_interval[3][5][6] = {
	{ /* 2.5 GT/s */
		{ 237, 416, 559, 1071, 2095, 4143 },
		{ 128, 217, 289, 545, 1057, 2081 },
		{ 73, 118, 154, 282, 538, 1050 },
		{ 67, 107, 86, 150, 278, 534 },
		{ 48, 72, 86, 150, 278, 534 },
	},
	{ /* 5.0 GT/s */
		{ 288, 467, 610, 1122, 2146, 4194 },
		{ 179, 268, 340, 596, 1108, 2132 },
		{ 124, 169, 205, 333, 589, 1101 },
		{ 118, 158, 137, 201, 329, 585 },
		{ 99, 123, 137, 201, 329, 585 },
	},
	{ /* 8.0 GT/s, reused for 16 and 32 GT/s */
		{ 333, 512, 655, 1167, 2191, 4239 },
		{ 224, 313, 385, 641, 1153, 2177 },
		{ 169, 214, 250, 378, 634, 1146 },
		{ 163, 203, 182, 246, 374, 630 },
		{ 144, 168, 182, 246, 374, 630 },
	},
};

/* log2 of a power of two, or -1 when @v is not one. */
static int log2_exact(uint32_t v)
{
	int n = 0;

	if (v == 0 || (v & (v - 1)) != 0)
		return -1;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

void bus_link_cfg_default(struct bus_link_cfg *cfg)
{
	cfg->gen = 3;
	cfg->width = 8;
	cfg->mps_bytes = 256;
	cfg->mrrs_bytes = 512;
	cfg->rcb_bytes = BUS_LINK_RCB_MPS;
	cfg->addr64 = false;
	cfg->ecrc = false;
	cfg->profile = BUS_LINK_SPEC;
}

int bus_link_cfg_check(const struct bus_link_cfg *cfg)
{
	int w;

	if (!cfg || cfg->gen < 1 || cfg->gen > 5)
		return SIM_ERR_INVALID;
	w = log2_exact(cfg->width);
	if (w < 0 || w > 4)
		return SIM_ERR_INVALID;
	/* Max_Payload_Size and Max_Read_Request_Size encodings 000b..101b. */
	if (log2_exact(cfg->mps_bytes) < 7 || cfg->mps_bytes > 4096)
		return SIM_ERR_INVALID;
	if (log2_exact(cfg->mrrs_bytes) < 7 || cfg->mrrs_bytes > 4096)
		return SIM_ERR_INVALID;
	if (cfg->rcb_bytes != BUS_LINK_RCB_MPS && cfg->rcb_bytes != 64 && cfg->rcb_bytes != 128)
		return SIM_ERR_INVALID;
	if (cfg->profile != BUS_LINK_SPEC && cfg->profile != BUS_LINK_PCIE_BENCH)
		return SIM_ERR_INVALID;
	return SIM_OK;
}

unsigned bus_link_gts_x10(unsigned gen)
{
	static const unsigned gts_x10[] = { 25, 50, 80, 160, 320 };

	return gen >= 1 && gen <= 5 ? gts_x10[gen - 1] : 0;
}

/* Every TLP: header, payload, digest, and 8 bytes of framing + sequence
 * number + LCRC, which happens to be 8 in both line codes (README.md, "Link timing"). */
static uint32_t tlp_bytes(const struct bus_link_cfg *cfg, uint32_t hdr, uint32_t payload)
{
	return BUS_LINK_FRAMING_BYTES + hdr + payload + (cfg->ecrc ? BUS_LINK_ECRC_BYTES : 0);
}

static uint32_t mem_hdr(const struct bus_link_cfg *cfg)
{
	return cfg->addr64 ? BUS_LINK_HDR4_BYTES : BUS_LINK_HDR3_BYTES;
}

uint32_t bus_link_mwr_wire_bytes(const struct bus_link_cfg *cfg, uint32_t payload_bytes)
{
	if (bus_link_cfg_check(cfg) != SIM_OK || payload_bytes > BUS_LINK_MAX_WIRE_BYTES)
		return 0;
	return tlp_bytes(cfg, mem_hdr(cfg), payload_bytes);
}

uint32_t bus_link_mrd_wire_bytes(const struct bus_link_cfg *cfg)
{
	if (bus_link_cfg_check(cfg) != SIM_OK)
		return 0;
	return tlp_bytes(cfg, mem_hdr(cfg), 0);
}

uint32_t bus_link_cpld_wire_bytes(const struct bus_link_cfg *cfg, uint32_t payload_bytes)
{
	if (bus_link_cfg_check(cfg) != SIM_OK || payload_bytes > BUS_LINK_MAX_WIRE_BYTES)
		return 0;
	return tlp_bytes(cfg, BUS_LINK_HDR3_BYTES, payload_bytes);
}

/* The fraction of a direction's time that is not available to TLPs. */
static struct frac overhead(const struct bus_link_cfg *cfg, unsigned carries)
{
	unsigned row = cfg->gen > 3 ? 2 : cfg->gen - 1;
	unsigned interval = dllp_interval[row][log2_exact(cfg->width)][log2_exact(cfg->mps_bytes) - 7];
	struct frac f;

	if (cfg->profile == BUS_LINK_PCIE_BENCH) {
		/* model/pcie.py TLP_bw: Ack_Size / Ack_Limit + FC_Size / FC_Guide
		 * + SKIP_Length / SKIP_Interval, the same for every generation,
		 * charged to the direction that carries the data. The intervals
		 * are symbol times and an 8-byte DLLP takes 8 / width of them, so
		 * this charges a DLLP as if the link were x1 (README.md, "Link timing"). */
		f = frac_make(4, 1538);
		f = frac_add(f, frac_make(BUS_LINK_DLLP_BYTES, interval));
		return frac_add(f, frac_make(BUS_LINK_DLLP_BYTES, interval));
	}
	/* SKP ordered sets (clock tolerance compensation) at the longest
	 * interval allowed, counting the SKP itself in the interval: 8b/10b, 4
	 * symbols (COM + 3 SKP) per 1538 symbol times; 128b/130b, one 16-symbol
	 * block per 375 blocks. They go on every lane at once, so the fraction
	 * is the same for any width. */
	f = cfg->gen <= 2 ? frac_make(4, 1538) : frac_make(1, 375);
	/* One 8-byte DLLP per interval of symbol times, striped over the lanes:
	 * 8 / width symbol times of every interval. */
	if (carries & BUS_LINK_CARRIES_ACKS)
		f = frac_add(f, frac_make(BUS_LINK_DLLP_BYTES, (uint64_t)cfg->width * interval));
	if (carries & BUS_LINK_CARRIES_FC)
		f = frac_add(f, frac_make(BUS_LINK_DLLP_BYTES, (uint64_t)cfg->width * interval));
	return f;
}

int bus_link_rate_get(const struct bus_link_cfg *cfg, unsigned carries, struct bus_link_rate *out)
{
	uint64_t enc_total, enc_data;
	struct frac base, ovh, r;

	if (bus_link_cfg_check(cfg) != SIM_OK || !out ||
	    (carries & ~(BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC)) != 0)
		return SIM_ERR_INVALID;
	/* 8b/10b for 2.5 and 5 GT/s, 128b/130b from 8 GT/s on. */
	enc_total = cfg->gen <= 2 ? 10 : 130;
	enc_data = cfg->gen <= 2 ? 8 : 128;
	/* ps per byte on the whole link = 8 bits * (total / data) / (GT/s *
	 * width) * 1000 = 8 * total * 10^4 / (data * gts_x10 * width). */
	base = frac_make(8 * enc_total * 10000, enc_data * bus_link_gts_x10(cfg->gen) * cfg->width);
	ovh = overhead(cfg, carries);
	/* Only 1 - ovh of the time carries TLPs: ps per TLP byte grows by
	 * 1 / (1 - ovh). base.num <= 8125 * 4 and ovh.den < 2^36, so the
	 * products stay below 2^52. */
	r = frac_make(base.num * ovh.den, base.den * (ovh.den - ovh.num));
	out->ps_num = r.num;
	out->ps_den = r.den;
	return SIM_OK;
}

int bus_link_rate_ps(const struct bus_link_rate *rate, uint32_t wire_bytes, sim_time_t *out_ps)
{
	uint64_t prod;

	if (!rate || !out_ps || rate->ps_den == 0 || wire_bytes == 0 ||
	    wire_bytes > BUS_LINK_MAX_WIRE_BYTES)
		return SIM_ERR_INVALID;
	if (rate->ps_num > (UINT64_MAX - rate->ps_den) / wire_bytes)
		return SIM_ERR_INVALID; /* not a rate bus_link_rate_get() makes */
	prod = (uint64_t)wire_bytes * rate->ps_num;
	/* The stated rounding: up to the next whole picosecond, per packet. */
	*out_ps = (prod + rate->ps_den - 1) / rate->ps_den;
	return SIM_OK;
}

int bus_link_tlp_ps(const struct bus_link_cfg *cfg, unsigned carries, uint32_t wire_bytes,
		    sim_time_t *out_ps)
{
	struct bus_link_rate r;
	int err = bus_link_rate_get(cfg, carries, &r);

	if (err)
		return err;
	return bus_link_rate_ps(&r, wire_bytes, out_ps);
}

double bus_link_raw_gbps(const struct bus_link_cfg *cfg)
{
	if (bus_link_cfg_check(cfg) != SIM_OK)
		return 0.0;
	return bus_link_gts_x10(cfg->gen) / 10.0 * cfg->width * (cfg->gen <= 2 ? 8.0 / 10.0 : 128.0 / 130.0);
}

double bus_link_tlp_gbps(const struct bus_link_cfg *cfg, unsigned carries)
{
	struct bus_link_rate r;

	if (bus_link_rate_get(cfg, carries, &r) != SIM_OK)
		return 0.0;
	/* 8 bits per byte / ps per byte = Tb/s; * 1000 for Gb/s. */
	return 8000.0 * (double)r.ps_den / (double)r.ps_num;
}

/* a * b + c into *out unless it overflows. */
static bool muladd(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
	if (b != 0 && a > (UINT64_MAX - c) / b)
		return false;
	*out = a * b + c;
	return true;
}

/*
 * A run of @len bytes cut into packets of @chunk bytes, the last one
 * shorter: its summed occupancy (@ps, rounded per packet) and wire bytes
 * (@bytes, exact), @hdr_kind saying which TLP carries the data. Adds to both.
 */
enum tlp_kind { TLP_MWR, TLP_CPLD };

static int run_cost(const struct bus_link_cfg *cfg, const struct bus_link_rate *r, enum tlp_kind kind,
		    uint64_t len, uint32_t chunk, uint64_t *ps, uint64_t *bytes)
{
	uint64_t full = len / chunk;
	uint32_t rem = (uint32_t)(len % chunk);
	uint32_t wire;
	sim_time_t occ;
	int err;

	if (full > 0) {
		wire = kind == TLP_MWR ? bus_link_mwr_wire_bytes(cfg, chunk) : bus_link_cpld_wire_bytes(cfg, chunk);
		err = bus_link_rate_ps(r, wire, &occ);
		if (err)
			return err;
		if (!muladd(full, occ, *ps, ps) || !muladd(full, wire, *bytes, bytes))
			return SIM_ERR_OVERFLOW;
	}
	if (rem > 0) {
		wire = kind == TLP_MWR ? bus_link_mwr_wire_bytes(cfg, rem) : bus_link_cpld_wire_bytes(cfg, rem);
		err = bus_link_rate_ps(r, wire, &occ);
		if (err)
			return err;
		if (!muladd(1, occ, *ps, ps) || !muladd(1, wire, *bytes, bytes))
			return SIM_ERR_OVERFLOW;
	}
	return SIM_OK;
}

/* Everything the two DMA directions cost: rounded time and exact bytes. */
struct dma_cost {
	struct bus_link_rate req_rate, cpl_rate;
	uint64_t req_ps, req_bytes;
	uint64_t cpl_ps, cpl_bytes;
};

static int write_cost(const struct bus_link_cfg *cfg, uint64_t size, struct dma_cost *c)
{
	int err;

	if (size == 0)
		return SIM_ERR_INVALID;
	*c = (struct dma_cost){ { 0, 0 }, { 0, 0 }, 0, 0, 0, 0 };
	/* Posted writes, each at most MPS bytes; from a 4 KiB-aligned start
	 * none crosses a 4 KiB boundary, since MPS divides 4096. */
	err = bus_link_rate_get(cfg, 0, &c->req_rate);
	if (err)
		return err;
	return run_cost(cfg, &c->req_rate, TLP_MWR, size, cfg->mps_bytes, &c->req_ps, &c->req_bytes);
}

static int read_cost(const struct bus_link_cfg *cfg, uint64_t size, struct dma_cost *c)
{
	uint64_t n_req, last;
	uint32_t mrd, chunk;
	sim_time_t occ;
	int err;

	if (size == 0)
		return SIM_ERR_INVALID;
	*c = (struct dma_cost){ { 0, 0 }, { 0, 0 }, 0, 0, 0, 0 };
	/* The request direction also carries the Acks for the completions
	 * (no UpdateFCs: completion credits are advertised infinite); the
	 * completion direction the Acks and UpdateFC-NPs for the requests. */
	err = bus_link_rate_get(cfg, BUS_LINK_CARRIES_ACKS, &c->req_rate);
	if (!err)
		err = bus_link_rate_get(cfg, BUS_LINK_CARRIES_ACKS | BUS_LINK_CARRIES_FC, &c->cpl_rate);
	if (err)
		return err;

	n_req = size / cfg->mrrs_bytes + (size % cfg->mrrs_bytes != 0);
	mrd = bus_link_mrd_wire_bytes(cfg);
	err = bus_link_rate_ps(&c->req_rate, mrd, &occ);
	if (err)
		return err;
	if (!muladd(n_req, occ, 0, &c->req_ps) || !muladd(n_req, mrd, 0, &c->req_bytes))
		return SIM_ERR_OVERFLOW;

	if (cfg->profile == BUS_LINK_PCIE_BENCH) {
		/* mem_bw.read(): ceil(size / MPS) completions (ceil(size / RCB)
		 * with rcb_chunks), whatever MRRS is. */
		chunk = cfg->rcb_bytes == BUS_LINK_RCB_MPS ? cfg->mps_bytes : cfg->rcb_bytes;
		return run_cost(cfg, &c->cpl_rate, TLP_CPLD, size, chunk, &c->cpl_ps, &c->cpl_bytes);
	}
	/* Each request is answered on its own: completions of the RCB (or of
	 * MPS), never more than MPS (spec 2.3.1.1); requests are MRRS-aligned,
	 * so every completion but a request's last is a whole chunk. */
	chunk = cfg->rcb_bytes == BUS_LINK_RCB_MPS || cfg->rcb_bytes > cfg->mps_bytes ? cfg->mps_bytes
										      : cfg->rcb_bytes;
	last = size - (n_req - 1) * cfg->mrrs_bytes;
	if (n_req > 1) {
		uint64_t one_ps = 0, one_bytes = 0;

		err = run_cost(cfg, &c->cpl_rate, TLP_CPLD, cfg->mrrs_bytes, chunk, &one_ps, &one_bytes);
		if (err)
			return err;
		if (!muladd(n_req - 1, one_ps, 0, &c->cpl_ps) || !muladd(n_req - 1, one_bytes, 0, &c->cpl_bytes))
			return SIM_ERR_OVERFLOW;
	}
	return run_cost(cfg, &c->cpl_rate, TLP_CPLD, last, chunk, &c->cpl_ps, &c->cpl_bytes);
}

int bus_link_write_ps(const struct bus_link_cfg *cfg, uint64_t size_bytes, sim_time_t *out_ps)
{
	struct dma_cost c;
	int err;

	if (!out_ps)
		return SIM_ERR_INVALID;
	err = write_cost(cfg, size_bytes, &c);
	if (err)
		return err;
	*out_ps = c.req_ps;
	return SIM_OK;
}

int bus_link_read_ps(const struct bus_link_cfg *cfg, uint64_t size_bytes, sim_time_t *req_ps,
		     sim_time_t *cpl_ps)
{
	struct dma_cost c;
	int err = read_cost(cfg, size_bytes, &c);

	if (err)
		return err;
	if (req_ps)
		*req_ps = c.req_ps;
	if (cpl_ps)
		*cpl_ps = c.cpl_ps;
	return SIM_OK;
}

/* Exact (unrounded) time of @bytes at @r, ps. */
static double exact_ps(const struct bus_link_rate *r, uint64_t bytes)
{
	return (double)bytes * (double)r->ps_num / (double)r->ps_den;
}

double bus_link_write_gbps(const struct bus_link_cfg *cfg, uint64_t size_bytes)
{
	struct dma_cost c;

	if (write_cost(cfg, size_bytes, &c) != SIM_OK)
		return 0.0;
	/* bits per ps is Tb/s; * 1000 for Gb/s. */
	return (double)size_bytes * 8000.0 / exact_ps(&c.req_rate, c.req_bytes);
}

double bus_link_read_gbps(const struct bus_link_cfg *cfg, uint64_t size_bytes)
{
	struct dma_cost c;
	double req, cpl;

	if (read_cost(cfg, size_bytes, &c) != SIM_OK)
		return 0.0;
	/* With unlimited tags the busier direction sets the pace. */
	req = exact_ps(&c.req_rate, c.req_bytes);
	cpl = exact_ps(&c.cpl_rate, c.cpl_bytes);
	return (double)size_bytes * 8000.0 / (req > cpl ? req : cpl);
}

int bus_link_dir_init(struct bus_link_dir *d, const struct bus_link_cfg *cfg, unsigned carries)
{
	struct bus_link_rate r;
	int err;

	if (!d)
		return SIM_ERR_INVALID;
	err = bus_link_rate_get(cfg, carries, &r);
	if (err)
		return err;
	*d = (struct bus_link_dir){ .rate = r };
	return SIM_OK;
}

int bus_link_dir_send(struct bus_link_dir *d, sim_time_t now_ps, uint32_t wire_bytes,
		      sim_time_t *done_ps)
{
	sim_time_t start, occ, end, busy;
	int err;

	if (!d)
		return SIM_ERR_INVALID;
	if (wire_bytes && wire_bytes == d->memo_wire) {
		occ = d->memo_ps;
	} else {
		err = bus_link_rate_ps(&d->rate, wire_bytes, &occ);
		if (err)
			return err;
	}
	/* FIFO: a packet waits for the one before it to leave. */
	start = now_ps > d->free_at_ps ? now_ps : d->free_at_ps;
	if (!sim_time_add(start, occ, &end) || !sim_time_add(d->busy_ps, occ, &busy))
		return SIM_ERR_OVERFLOW;
	/* Remembered only once accepted: a refused packet changes nothing. */
	d->memo_wire = wire_bytes;
	d->memo_ps = occ;
	d->free_at_ps = end;
	d->busy_ps = busy;
	d->tlps++;
	d->wire_bytes += wire_bytes;
	if (done_ps)
		*done_ps = end;
	return SIM_OK;
}

int bus_link_dir_send_burst(struct bus_link_dir *d, sim_time_t now_ps, uint32_t wire_bytes,
			    uint64_t count, sim_time_t until_ps, uint64_t *sent,
			    sim_time_t *done_ps)
{
	sim_time_t start, occ, span, end, busy;
	uint64_t k, wire;
	int err;

	if (!d || !sent || count == 0)
		return SIM_ERR_INVALID;
	if (wire_bytes && wire_bytes == d->memo_wire) {
		occ = d->memo_ps;
	} else {
		err = bus_link_rate_ps(&d->rate, wire_bytes, &occ);
		if (err)
			return err;
	}
	/* Packet 0 starts at start; packet j >= 1 is offered when j - 1
	 * leaves, at start + j * occ, which is also when the direction is
	 * free again: it goes while start + j * occ < until_ps. A division
	 * only when they do not all go (it costs more than the rest: a
	 * requester alone passes SIM_TIME_MAX or a far horizon). */
	start = now_ps > d->free_at_ps ? now_ps : d->free_at_ps;
	k = count;
	if (until_ps <= start) {
		k = 1;
	} else if (occ != 0 && (__builtin_mul_overflow(k - 1, occ, &span) ||
				span >= until_ps - start)) {
		k = (until_ps - start - 1) / occ + 1;
	}
	if (__builtin_mul_overflow(k, occ, &span) || !sim_time_add(start, span, &end) ||
	    !sim_time_add(d->busy_ps, span, &busy) ||
	    __builtin_mul_overflow(k, (uint64_t)wire_bytes, &wire) ||
	    wire > UINT64_MAX - d->wire_bytes)
		return SIM_ERR_OVERFLOW;
	d->memo_wire = wire_bytes;
	d->memo_ps = occ;
	d->free_at_ps = end;
	d->busy_ps = busy;
	d->tlps += k;
	d->wire_bytes += wire;
	*sent = k;
	if (done_ps)
		*done_ps = end;
	return SIM_OK;
}

/*
 * Flow control and tags: a pool of header and data units (or of tags, as
 * header units) with a limit, the units taken and not yet back, and a ring
 * of returns in time order. Units returned at or before the last take are
 * folded back in by the next take; later ones wait in the ring, so that
 * *_start() can say when enough will be back.
 */

static struct bus_link_pool_ret *pool_at(struct bus_link_pool *pl, uint32_t i)
{
	return &pl->ret[(pl->head + i) % BUS_LINK_POOL_RETURNS];
}

static const struct bus_link_pool_ret *pool_at_c(const struct bus_link_pool *pl, uint32_t i)
{
	return &pl->ret[(pl->head + i) % BUS_LINK_POOL_RETURNS];
}

/* Would @hdr and @data units fit with @back_h / @back_d of the taken ones
 * given back? A limit of 0 is infinite. */
static bool pool_fits(const struct bus_link_pool *pl, uint32_t hdr, uint32_t data, uint64_t back_h,
		      uint64_t back_d)
{
	if (pl->hdr_limit != 0 && (uint64_t)pl->hdr_out - back_h + hdr > pl->hdr_limit)
		return false;
	if (pl->data_limit != 0 && (uint64_t)pl->data_out - back_d + data > pl->data_limit)
		return false;
	return true;
}

static int pool_start(const struct bus_link_pool *pl, uint32_t hdr, uint32_t data, sim_time_t now,
		      sim_time_t *start)
{
	sim_time_t t = now > pl->last_start_ps ? now : pl->last_start_ps;
	uint64_t back_h = 0, back_d = 0;
	uint32_t i = 0;

	if ((pl->hdr_limit != 0 && hdr > pl->hdr_limit) || (pl->data_limit != 0 && data > pl->data_limit))
		return SIM_ERR_INVALID; /* could never start */
	/* Everything back by t counts at once; then wait for returns in order. */
	while (i < pl->count && pool_at_c(pl, i)->at_ps <= t) {
		back_h += pool_at_c(pl, i)->hdr;
		back_d += pool_at_c(pl, i)->data;
		i++;
	}
	while (!pool_fits(pl, hdr, data, back_h, back_d)) {
		if (i == pl->count)
			return SIM_ERR_BUSY; /* blocked until the receiver returns more */
		t = pool_at_c(pl, i)->at_ps;
		back_h += pool_at_c(pl, i)->hdr;
		back_d += pool_at_c(pl, i)->data;
		i++;
	}
	*start = t;
	return SIM_OK;
}

static int pool_take(struct bus_link_pool *pl, uint32_t hdr, uint32_t data, sim_time_t start)
{
	uint64_t back_h = 0, back_d = 0;
	uint32_t i = 0;

	if (start < pl->last_start_ps)
		return SIM_ERR_INVALID;
	while (i < pl->count && pool_at(pl, i)->at_ps <= start) {
		back_h += pool_at(pl, i)->hdr;
		back_d += pool_at(pl, i)->data;
		i++;
	}
	if (!pool_fits(pl, hdr, data, back_h, back_d))
		return SIM_ERR_BUSY;
	if (pl->hdr_limit == 0 && pl->data_limit == 0) {
		pl->last_start_ps = start; /* infinite: nothing to count */
		return SIM_OK;
	}
	/* Fold the returns that are due into the counts, then take. */
	pl->head = (pl->head + i) % BUS_LINK_POOL_RETURNS;
	pl->count -= i;
	pl->hdr_out = (uint32_t)(pl->hdr_out - back_h) + hdr;
	pl->data_out = (uint32_t)(pl->data_out - back_d) + data;
	pl->last_start_ps = start;
	return SIM_OK;
}

static int pool_return(struct bus_link_pool *pl, uint32_t hdr, uint32_t data, sim_time_t at)
{
	uint64_t pend_h = hdr, pend_d = data;

	if (pl->hdr_limit == 0 && pl->data_limit == 0)
		return SIM_OK; /* infinite: nothing was counted */
	for (uint32_t i = 0; i < pl->count; i++) {
		pend_h += pool_at(pl, i)->hdr;
		pend_d += pool_at(pl, i)->data;
	}
	if (pend_h > pl->hdr_out || pend_d > pl->data_out)
		return SIM_ERR_INVALID; /* more back than was taken */
	if (pl->count > 0 && at < pool_at(pl, pl->count - 1)->at_ps)
		return SIM_ERR_INVALID;
	if (pl->count == BUS_LINK_POOL_RETURNS)
		return SIM_ERR_LIMIT;
	*pool_at(pl, pl->count) = (struct bus_link_pool_ret){ at, hdr, data };
	pl->count++;
	return SIM_OK;
}

int bus_link_port_init(struct bus_link_port *p, const struct bus_link_fc_cfg *fc)
{
	if (!p || !fc || fc->tags > BUS_LINK_MAX_TAGS)
		return SIM_ERR_INVALID;
	for (int c = 0; c < BUS_LINK_FC_CLASSES; c++) {
		/* Finite data with infinite headers could leave more returns
		 * pending than the ring holds; not modelled. */
		if (fc->hdr_credits[c] > BUS_LINK_FC_MAX_HDR || fc->data_credits[c] > BUS_LINK_FC_MAX_DATA ||
		    (fc->data_credits[c] != 0 && fc->hdr_credits[c] == 0))
			return SIM_ERR_INVALID;
	}
	for (int c = 0; c < BUS_LINK_FC_CLASSES; c++) {
		p->fc[c] = (struct bus_link_pool){ 0 };
		p->fc[c].hdr_limit = fc->hdr_credits[c];
		p->fc[c].data_limit = fc->data_credits[c];
	}
	p->tags = (struct bus_link_pool){ 0 };
	p->tags.hdr_limit = fc->tags;
	p->update_delay_ps = fc->update_delay_ps;
	return SIM_OK;
}

/* Data credits of a payload: whole 16-byte units. */
static bool fc_args(const struct bus_link_port *p, enum bus_link_fc_class cls, uint32_t payload,
		    uint32_t *data)
{
	if (!p || (unsigned)cls >= BUS_LINK_FC_CLASSES || payload > BUS_LINK_MAX_WIRE_BYTES)
		return false;
	*data = (payload + BUS_LINK_FC_UNIT_BYTES - 1) / BUS_LINK_FC_UNIT_BYTES;
	return true;
}

int bus_link_port_credit_start(const struct bus_link_port *p, enum bus_link_fc_class cls,
			       uint32_t payload_bytes, sim_time_t now_ps, sim_time_t *start_ps)
{
	uint32_t data;

	if (!fc_args(p, cls, payload_bytes, &data) || !start_ps)
		return SIM_ERR_INVALID;
	return pool_start(&p->fc[cls], 1, data, now_ps, start_ps);
}

int bus_link_port_credit_take(struct bus_link_port *p, enum bus_link_fc_class cls,
			      uint32_t payload_bytes, sim_time_t start_ps)
{
	uint32_t data;

	if (!fc_args(p, cls, payload_bytes, &data))
		return SIM_ERR_INVALID;
	return pool_take(&p->fc[cls], 1, data, start_ps);
}

int bus_link_port_credit_return(struct bus_link_port *p, enum bus_link_fc_class cls,
				uint32_t payload_bytes, sim_time_t processed_ps)
{
	uint32_t data;
	sim_time_t at;

	if (!fc_args(p, cls, payload_bytes, &data))
		return SIM_ERR_INVALID;
	/* UpdateFC: usable by the sender a fixed delay after processing. */
	if (!sim_time_add(processed_ps, p->update_delay_ps, &at))
		return SIM_ERR_OVERFLOW;
	return pool_return(&p->fc[cls], 1, data, at);
}

int bus_link_port_tag_start(const struct bus_link_port *p, sim_time_t now_ps, sim_time_t *start_ps)
{
	if (!p || !start_ps)
		return SIM_ERR_INVALID;
	return pool_start(&p->tags, 1, 0, now_ps, start_ps);
}

int bus_link_port_tag_take(struct bus_link_port *p, sim_time_t start_ps)
{
	if (!p)
		return SIM_ERR_INVALID;
	return pool_take(&p->tags, 1, 0, start_ps);
}

int bus_link_port_tag_release(struct bus_link_port *p, sim_time_t done_ps)
{
	if (!p)
		return SIM_ERR_INVALID;
	return pool_return(&p->tags, 1, 0, done_ps);
}
