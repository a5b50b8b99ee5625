/*
 * bus/hostmem.c - simulated host physical memory (bus/hostmem.h).
 *
 * Three layers of indirection, each cheap:
 * - a physical address finds its RAM range by binary search over the
 *   merged, sorted ranges, and its frame by a two-level table (a block of
 *   BUS_MEM_BLOCK_FRAMES entries per 2 MiB, allocated on first touch) whose
 *   entry is the frame's slot in the file plus one (0: not backed);
 * - a slot is a page-sized slice of one memfd, handed out in first-touch
 *   order (released slots are reused, last released first);
 * - the whole file is mapped once, MAP_SHARED, at a host range reserved up
 *   front to the size of the cap, so a slot's host address never changes
 *   while the file grows.
 * A contiguous mapping of a frame list maps the same file slices again,
 * MAP_SHARED|MAP_FIXED, over a PROT_NONE reservation: the kernel's page
 * cache is the one copy of the bytes.
 *
 * _GNU_SOURCE is for memfd_create() and fallocate(); it is defined here
 * only, never in the public header.
 */
#define _GNU_SOURCE

#include "bus/hostmem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FRAME_SHIFT 12u
#define FRAME_MASK ((uint64_t)BUS_MEM_FRAME_BYTES - 1)
/* A frame table entry during a two-pass backing: counted, slot not yet
 * assigned. Slots are below UINT32_MAX - 1, so entries never reach it. */
#define ENTRY_PENDING UINT32_MAX
/* The file grows by whole blocks, so that frames touched in order sit in
 * one DMI-sized run of the file. */
#define GROW_FRAMES ((uint64_t)BUS_MEM_BLOCK_FRAMES)

struct bus_mem_ram {
	uint64_t base;
	uint64_t size_bytes;
	uint64_t frames;
	uint64_t n_blocks;
	uint32_t **blocks;  /* n_blocks pointers, each NULL or BLOCK_FRAMES entries */
	uint64_t *alloc;    /* allocator bitmap, 1 bit per frame */
};

struct bus_mem_mapping {
	struct bus_mem_mapping *next;
	uint8_t *va;
	size_t n;
	uint32_t slots[]; /* the slot behind each page of the mapping */
};

/* Read-only zeros for reads of frames never backed; never written. */
static uint8_t zero_frame[BUS_MEM_FRAME_BYTES];

static void set_error(struct bus_mem *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------
 * Address lookup
 * ------------------------------------------------------------------------ */

/* The range holding @addr, or NULL. Ranges are sorted and disjoint. */
static struct bus_mem_ram *find_ram(const struct bus_mem *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n_ram;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->ram[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct bus_mem_ram *r = &m->ram[lo - 1];

	return addr - r->base < r->size_bytes ? r : NULL;
}

/* The range holding all @len (>= 1) bytes at @addr, or NULL. */
static struct bus_mem_ram *find_ram_span(const struct bus_mem *m, uint64_t addr, uint64_t len)
{
	struct bus_mem_ram *r = find_ram(m, addr);

	if (r == NULL || len - 1 > r->size_bytes - 1 - (addr - r->base))
		return NULL;
	return r;
}

static uint64_t frame_index(const struct bus_mem_ram *r, uint64_t addr)
{
	return (addr - r->base) >> FRAME_SHIFT;
}

static uint32_t *entry_ptr(const struct bus_mem_ram *r, uint64_t fi)
{
	uint32_t *b = r->blocks[fi / BUS_MEM_BLOCK_FRAMES];

	return b ? &b[fi % BUS_MEM_BLOCK_FRAMES] : NULL;
}

static uint32_t entry_of(const struct bus_mem_ram *r, uint64_t fi)
{
	const uint32_t *e = entry_ptr(r, fi);

	return e ? *e : 0;
}

static uint8_t *slot_ptr(const struct bus_mem *m, uint32_t slot)
{
	return m->linear + ((uint64_t)slot << FRAME_SHIFT);
}

/* Host bytes of frame @fi for reading: its slot, or zeros when unbacked. */
static uint8_t *frame_read_ptr(const struct bus_mem *m, const struct bus_mem_ram *r, uint64_t fi)
{
	uint32_t e = entry_of(r, fi);

	return e ? slot_ptr(m, e - 1) : zero_frame;
}

/* ------------------------------------------------------------------------
 * Backing frames: count, reserve, assign
 *
 * Every operation that backs frames does it in two passes so that it backs
 * all of them or none: mark_frame() counts the unbacked ones (and makes
 * their table blocks, the only allocation per frame), reserve() checks the
 * cap and grows the file, assign_frame() then cannot fail.
 * ------------------------------------------------------------------------ */

static int mark_frame(struct bus_mem *m, struct bus_mem_ram *r, uint64_t fi, uint64_t *need)
{
	uint64_t bi = fi / BUS_MEM_BLOCK_FRAMES;

	if (r->blocks[bi] == NULL) {
		/* An empty block left behind by a later failure is harmless. */
		r->blocks[bi] = calloc(BUS_MEM_BLOCK_FRAMES, sizeof(uint32_t));
		if (r->blocks[bi] == NULL) {
			set_error(m, "out of host memory for the frame table");
			return SIM_ERR_NOMEM;
		}
	}
	uint32_t *e = &r->blocks[bi][fi % BUS_MEM_BLOCK_FRAMES];

	if (*e == 0) {
		*e = ENTRY_PENDING;
		(*need)++;
	}
	return SIM_OK;
}

static void unmark_frame(struct bus_mem_ram *r, uint64_t fi)
{
	uint32_t *e = entry_ptr(r, fi);

	if (e != NULL && *e == ENTRY_PENDING)
		*e = 0;
}

/* Grow the per-slot arrays and the file (and its mapping) to @frames slots. */
static int grow_file(struct bus_mem *m, uint64_t frames)
{
	if (frames > m->slot_cap) {
		uint32_t *fs = realloc(m->free_slots, frames * sizeof(*fs));

		if (fs == NULL)
			return SIM_ERR_NOMEM;
		m->free_slots = fs;
		uint32_t *sm = realloc(m->slot_maps, frames * sizeof(*sm));

		if (sm == NULL)
			return SIM_ERR_NOMEM;
		memset(sm + m->slot_cap, 0, (frames - m->slot_cap) * sizeof(*sm));
		m->slot_maps = sm;
		m->slot_cap = frames;
	}
	uint64_t old_bytes = m->file_frames << FRAME_SHIFT;
	uint64_t new_bytes = frames << FRAME_SHIFT;

	if (ftruncate(m->fd, (off_t)new_bytes) != 0)
		return SIM_ERR_NOMEM;
	if (mmap(m->linear + old_bytes, new_bytes - old_bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, m->fd, (off_t)old_bytes) == MAP_FAILED)
		return SIM_ERR_NOMEM;
	m->file_frames = frames;
	return SIM_OK;
}

/* Make room for @need more backed frames: within the cap, slots in the file. */
static int reserve(struct bus_mem *m, uint64_t need)
{
	if (need > m->max_backed_frames - m->backed_frames) {
		set_error(m, "cap reached: %" PRIu64 " frames backed, %" PRIu64 " more needed, cap %" PRIu64,
			  m->backed_frames, need, m->max_backed_frames);
		return SIM_ERR_NOMEM;
	}
	uint64_t avail = m->n_free_slots + (m->file_frames - m->used_slots);

	if (need <= avail)
		return SIM_OK;
	uint64_t want = m->used_slots + (need - m->n_free_slots);
	uint64_t limit = m->linear_bytes >> FRAME_SHIFT;

	want = (want + GROW_FRAMES - 1) / GROW_FRAMES * GROW_FRAMES;
	if (want > limit)
		want = limit;
	if (grow_file(m, want) != SIM_OK) {
		set_error(m, "the backing file cannot grow to %" PRIu64 " frames", want);
		return SIM_ERR_NOMEM;
	}
	return SIM_OK;
}

/* Give a pending frame its slot; reserve() has made one available.
 * Return: true when the frame was pending (newly backed). */
static bool assign_frame(struct bus_mem *m, struct bus_mem_ram *r, uint64_t fi, uint32_t *slot_out)
{
	uint32_t *e = entry_ptr(r, fi);
	bool fresh = *e == ENTRY_PENDING;

	if (fresh) {
		uint32_t slot;

		if (m->n_free_slots > 0)
			slot = m->free_slots[--m->n_free_slots];
		else
			slot = (uint32_t)m->used_slots++;
		*e = slot + 1;
		m->backed_frames++;
	}
	if (slot_out != NULL)
		*slot_out = *e - 1;
	return fresh;
}

/* Release the backing of frame @fi: the slot goes back to the free stack
 * holding zeros (hole punched, so the host gets the memory back too). */
static void release_frame(struct bus_mem *m, struct bus_mem_ram *r, uint64_t fi)
{
	uint32_t *e = entry_ptr(r, fi);
	uint32_t slot = *e - 1;
	off_t off = (off_t)((uint64_t)slot << FRAME_SHIFT);

	if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, BUS_MEM_FRAME_BYTES) != 0)
		memset(slot_ptr(m, slot), 0, BUS_MEM_FRAME_BYTES);
	/* The top slot goes back to the unused tail, so an undone backing
	 * leaves the file's allocation as it found it. */
	if (slot + UINT64_C(1) == m->used_slots)
		m->used_slots--;
	else
		m->free_slots[m->n_free_slots++] = slot;
	*e = 0;
	m->backed_frames--;
}

/* Back frames @fi0..@fi1 (inclusive) of @r, all or none. */
static int back_range(struct bus_mem *m, struct bus_mem_ram *r, uint64_t fi0, uint64_t fi1)
{
	uint64_t need = 0;
	int err = SIM_OK;
	uint64_t fi;

	/* Most accesses touch frames backed long ago: say so in one pass. */
	for (fi = fi0; fi <= fi1; fi++) {
		uint32_t *e = entry_ptr(r, fi);

		if (!e || *e == 0 || *e == ENTRY_PENDING)
			break;
	}
	if (fi > fi1)
		return SIM_OK;
	for (fi = fi0; fi <= fi1 && err == SIM_OK; fi++)
		err = mark_frame(m, r, fi, &need);
	if (err == SIM_OK && need > 0)
		err = reserve(m, need);
	for (uint64_t j = fi0; j < fi; j++) {
		if (err == SIM_OK)
			assign_frame(m, r, j, NULL);
		else
			unmark_frame(r, j);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * Init and destroy
 * ------------------------------------------------------------------------ */

static int cmp_range(const void *a, const void *b)
{
	const struct bus_mem_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Free what init may have built; leaves @m "not initialised". */
static void release_all(struct bus_mem *m)
{
	while (m->mappings != NULL) {
		struct bus_mem_mapping *mp = m->mappings;

		m->mappings = mp->next;
		munmap(mp->va, mp->n * BUS_MEM_FRAME_BYTES);
		free(mp);
	}
	for (size_t i = 0; i < m->n_ram; i++) {
		struct bus_mem_ram *r = &m->ram[i];

		if (r->blocks != NULL) {
			for (uint64_t b = 0; b < r->n_blocks; b++)
				free(r->blocks[b]);
		}
		free(r->blocks);
		free(r->alloc);
	}
	free(m->ram);
	m->ram = NULL;
	m->n_ram = 0;
	if (m->linear != NULL)
		munmap(m->linear, m->linear_bytes);
	m->linear = NULL;
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	free(m->free_slots);
	m->free_slots = NULL;
	free(m->slot_maps);
	m->slot_maps = NULL;
}

/* Sort, check and merge @cfg's ranges into m->ram. */
static int build_ranges(struct bus_mem *m, const struct bus_mem_config *cfg)
{
	struct bus_mem_range *rs = malloc(cfg->n_ranges * sizeof(*rs));

	if (rs == NULL) {
		set_error(m, "out of host memory for the layout");
		return SIM_ERR_NOMEM;
	}
	memcpy(rs, cfg->ranges, cfg->n_ranges * sizeof(*rs));
	for (size_t i = 0; i < cfg->n_ranges; i++) {
		if (rs[i].size_bytes == 0 || ((rs[i].base | rs[i].size_bytes) & FRAME_MASK) != 0 ||
		    rs[i].size_bytes > UINT64_MAX - rs[i].base) {
			set_error(m, "range %zu (0x%" PRIx64 " + 0x%" PRIx64 ") is empty, misaligned or wraps",
				  i, rs[i].base, rs[i].size_bytes);
			free(rs);
			return SIM_ERR_INVALID;
		}
	}
	qsort(rs, cfg->n_ranges, sizeof(*rs), cmp_range);
	m->ram = calloc(cfg->n_ranges, sizeof(*m->ram));
	if (m->ram == NULL) {
		free(rs);
		set_error(m, "out of host memory for the layout");
		return SIM_ERR_NOMEM;
	}
	for (size_t i = 0; i < cfg->n_ranges; i++) {
		struct bus_mem_ram *last = m->n_ram ? &m->ram[m->n_ram - 1] : NULL;

		if (last != NULL && rs[i].base < last->base + last->size_bytes) {
			set_error(m, "ranges at 0x%" PRIx64 " and 0x%" PRIx64 " overlap", last->base,
				  rs[i].base);
			free(rs);
			return SIM_ERR_INVALID;
		}
		if (last != NULL && rs[i].base == last->base + last->size_bytes) {
			last->size_bytes += rs[i].size_bytes;
		} else {
			m->ram[m->n_ram].base = rs[i].base;
			m->ram[m->n_ram].size_bytes = rs[i].size_bytes;
			m->n_ram++;
		}
		m->ram_bytes += rs[i].size_bytes;
	}
	free(rs);
	for (size_t i = 0; i < m->n_ram; i++) {
		struct bus_mem_ram *r = &m->ram[i];

		r->frames = r->size_bytes >> FRAME_SHIFT;
		r->n_blocks = (r->frames + BUS_MEM_BLOCK_FRAMES - 1) / BUS_MEM_BLOCK_FRAMES;
		if (r->n_blocks > SIZE_MAX / sizeof(*r->blocks)) {
			set_error(m, "range at 0x%" PRIx64 " is too large for this host", r->base);
			return SIM_ERR_NOMEM;
		}
		r->blocks = calloc((size_t)r->n_blocks, sizeof(*r->blocks));
		r->alloc = calloc((size_t)((r->frames + 63) / 64), sizeof(uint64_t));
		if (r->blocks == NULL || r->alloc == NULL) {
			set_error(m, "out of host memory for the tables of range 0x%" PRIx64, r->base);
			return SIM_ERR_NOMEM;
		}
	}
	return SIM_OK;
}

static void mem_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps);
static uint32_t mem_transport_dbg(void *opaque, struct tlm_payload *p);
static bool mem_get_dmi(void *opaque, struct tlm_payload *p, struct tlm_dmi *dmi);

static const struct tlm_target_ops mem_ops = {
	.b_transport = mem_b_transport,
	.transport_dbg = mem_transport_dbg,
	.get_dmi = mem_get_dmi,
};

int bus_mem_init(struct bus_mem *m, const struct bus_mem_config *cfg)
{
	int err;

	if (m == NULL)
		return SIM_ERR_INVALID;
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (cfg == NULL || cfg->ranges == NULL || cfg->n_ranges == 0 ||
	    cfg->n_ranges > SIZE_MAX / sizeof(struct bus_mem_range)) {
		set_error(m, "no layout given");
		return SIM_ERR_INVALID;
	}
	/* Bounding the largest possible sum here keeps the per-transaction
	 * latency arithmetic free of overflow checks. */
	if (cfg->per_byte_ps > (SIM_TIME_MAX - cfg->latency_ps) / UINT32_MAX) {
		set_error(m, "latencies would overflow simulated time");
		return SIM_ERR_INVALID;
	}
	if ((cfg->max_backed_bytes & FRAME_MASK) != 0) {
		set_error(m, "cap 0x%" PRIx64 " is not a multiple of the frame size", cfg->max_backed_bytes);
		return SIM_ERR_INVALID;
	}
	err = build_ranges(m, cfg);
	if (err != SIM_OK)
		goto fail;
	uint64_t cap = cfg->max_backed_bytes;

	if (cap == 0 || cap > m->ram_bytes)
		cap = m->ram_bytes;
	m->max_backed_frames = cap >> FRAME_SHIFT;
	/* Slots are uint32_t with one value kept for ENTRY_PENDING. */
	if (m->max_backed_frames >= UINT32_MAX - 1) {
		set_error(m, "cap of %" PRIu64 " frames is more than a memory can back", m->max_backed_frames);
		err = SIM_ERR_INVALID;
		goto fail;
	}
	m->linear_bytes = (m->max_backed_frames + GROW_FRAMES - 1) / GROW_FRAMES * GROW_FRAMES
			  << FRAME_SHIFT;
	if (m->linear_bytes > SIZE_MAX) {
		set_error(m, "cap is larger than the host's address space");
		err = SIM_ERR_INVALID;
		goto fail;
	}
	m->fd = memfd_create("pcisim-hostmem", MFD_CLOEXEC);
	if (m->fd < 0) {
		set_error(m, "memfd_create failed (errno %d)", errno);
		err = SIM_ERR_IO;
		goto fail;
	}
	/* Address space only: MAP_NORESERVE and PROT_NONE commit nothing. */
	void *va = mmap(NULL, (size_t)m->linear_bytes, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (va == MAP_FAILED) {
		set_error(m, "cannot reserve %" PRIu64 " bytes of host address space", m->linear_bytes);
		err = SIM_ERR_IO;
		goto fail;
	}
	m->linear = va;
	m->latency_ps = cfg->latency_ps;
	m->per_byte_ps = cfg->per_byte_ps;
	m->dmi_latency_ps = cfg->latency_ps + cfg->per_byte_ps * BUS_MEM_DMI_ACCESS_BYTES;
	m->rng = cfg->seed;
	tlm_target_init(&m->target, &mem_ops, m);
	return SIM_OK;

fail:
	release_all(m);
	return err;
}

void bus_mem_destroy(struct bus_mem *m)
{
	if (m == NULL || m->fd < 0)
		return;
	for (size_t i = 0; i < m->n_ram; i++)
		tlm_target_invalidate_dmi(&m->target, m->ram[i].base,
					  m->ram[i].base + m->ram[i].size_bytes - 1);
	tlm_target_destroy(&m->target);
	release_all(m);
	m->backed_frames = 0;
	m->allocated_frames = 0;
	m->ram_bytes = 0;
}

const char *bus_mem_last_error(const struct bus_mem *m)
{
	return m->error;
}

bool bus_mem_is_ram(const struct bus_mem *m, uint64_t addr, uint64_t len)
{
	return find_ram_span(m, addr, len ? len : 1) != NULL;
}

bool bus_mem_frame_is_backed(const struct bus_mem *m, uint64_t addr)
{
	const struct bus_mem_ram *r = find_ram(m, addr);

	return r != NULL && entry_of(r, frame_index(r, addr)) != 0;
}

/* ------------------------------------------------------------------------
 * Access by physical address
 * ------------------------------------------------------------------------ */

static struct bus_mem_ram *check_access(struct bus_mem *m, uint64_t addr, size_t len)
{
	struct bus_mem_ram *r = find_ram_span(m, addr, len);

	if (r == NULL)
		set_error(m, "access of %zu bytes at 0x%" PRIx64 " touches a hole or lies outside RAM", len,
			  addr);
	return r;
}

int bus_mem_read(struct bus_mem *m, uint64_t addr, void *buf, size_t len)
{
	if (m == NULL || (buf == NULL && len > 0))
		return SIM_ERR_INVALID;
	if (len == 0)
		return SIM_OK;
	struct bus_mem_ram *r = check_access(m, addr, len);

	if (r == NULL)
		return SIM_ERR_INVALID;
	uint8_t *d = buf;

	while (len > 0) {
		size_t off = addr & FRAME_MASK;
		size_t k = BUS_MEM_FRAME_BYTES - off < len ? BUS_MEM_FRAME_BYTES - off : len;

		memcpy(d, frame_read_ptr(m, r, frame_index(r, addr)) + off, k);
		d += k;
		addr += k;
		len -= k;
	}
	return SIM_OK;
}

int bus_mem_write(struct bus_mem *m, uint64_t addr, const void *buf, size_t len)
{
	if (m == NULL || (buf == NULL && len > 0))
		return SIM_ERR_INVALID;
	if (len == 0)
		return SIM_OK;
	struct bus_mem_ram *r = check_access(m, addr, len);

	if (r == NULL)
		return SIM_ERR_INVALID;
	int err = back_range(m, r, frame_index(r, addr), frame_index(r, addr + len - 1));

	if (err != SIM_OK)
		return err;
	const uint8_t *s = buf;

	while (len > 0) {
		size_t off = addr & FRAME_MASK;
		size_t k = BUS_MEM_FRAME_BYTES - off < len ? BUS_MEM_FRAME_BYTES - off : len;

		memcpy(slot_ptr(m, entry_of(r, frame_index(r, addr)) - 1) + off, s, k);
		s += k;
		addr += k;
		len -= k;
	}
	return SIM_OK;
}

void *bus_mem_host_ptr(struct bus_mem *m, uint64_t addr, size_t *avail)
{
	if (m == NULL)
		return NULL;
	struct bus_mem_ram *r = check_access(m, addr, 1);

	if (r == NULL)
		return NULL;
	uint64_t fi = frame_index(r, addr);

	if (back_range(m, r, fi, fi) != SIM_OK)
		return NULL;
	if (avail != NULL)
		*avail = BUS_MEM_FRAME_BYTES - (addr & FRAME_MASK);
	return slot_ptr(m, entry_of(r, fi) - 1) + (addr & FRAME_MASK);
}

/* ------------------------------------------------------------------------
 * Contiguous mappings
 * ------------------------------------------------------------------------ */

int bus_mem_map_frames(struct bus_mem *m, const uint64_t *frame_addrs, size_t n,
		       void **host_va_out)
{
	if (m == NULL || frame_addrs == NULL || host_va_out == NULL || n == 0 ||
	    n > (SIZE_MAX - sizeof(struct bus_mem_mapping)) / BUS_MEM_FRAME_BYTES) {
		if (m != NULL)
			set_error(m, "bad arguments to map frames");
		return SIM_ERR_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		if ((frame_addrs[i] & FRAME_MASK) != 0 || find_ram(m, frame_addrs[i]) == NULL) {
			set_error(m, "frame %zu (0x%" PRIx64 ") is misaligned or not RAM", i, frame_addrs[i]);
			return SIM_ERR_INVALID;
		}
	}
	const size_t bytes = n * BUS_MEM_FRAME_BYTES;
	struct bus_mem_mapping *mp = malloc(sizeof(*mp) + n * sizeof(mp->slots[0]));
	uint8_t *fresh = calloc(n, 1);
	void *va = MAP_FAILED;
	uint64_t need = 0;
	size_t marked = 0;
	int err = SIM_OK;

	if (mp == NULL || fresh == NULL) {
		set_error(m, "out of host memory for a mapping");
		err = SIM_ERR_NOMEM;
		goto out;
	}
	for (; marked < n && err == SIM_OK; marked++) {
		struct bus_mem_ram *r = find_ram(m, frame_addrs[marked]);

		err = mark_frame(m, r, frame_index(r, frame_addrs[marked]), &need);
	}
	if (err == SIM_OK && need > 0)
		err = reserve(m, need);
	if (err != SIM_OK) {
		for (size_t i = 0; i < marked; i++) {
			struct bus_mem_ram *r = find_ram(m, frame_addrs[i]);

			unmark_frame(r, frame_index(r, frame_addrs[i]));
		}
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct bus_mem_ram *r = find_ram(m, frame_addrs[i]);

		fresh[i] = assign_frame(m, r, frame_index(r, frame_addrs[i]), &mp->slots[i]);
	}
	va = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	/* One mmap per run of frames consecutive in the file. */
	for (size_t i = 0, j; va != MAP_FAILED && i < n; i = j) {
		for (j = i + 1; j < n && mp->slots[j] == mp->slots[j - 1] + 1; j++)
			;
		if (mmap((uint8_t *)va + i * BUS_MEM_FRAME_BYTES, (j - i) * BUS_MEM_FRAME_BYTES,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m->fd,
			 (off_t)((uint64_t)mp->slots[i] << FRAME_SHIFT)) == MAP_FAILED) {
			munmap(va, bytes);
			va = MAP_FAILED;
		}
	}
	if (va == MAP_FAILED) {
		set_error(m, "the host refused a mapping of %zu frames (errno %d)", n, errno);
		/* Undo in reverse so the free stack is as before. */
		for (size_t i = n; i-- > 0;) {
			struct bus_mem_ram *r = find_ram(m, frame_addrs[i]);

			if (fresh[i])
				release_frame(m, r, frame_index(r, frame_addrs[i]));
		}
		err = SIM_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		m->slot_maps[mp->slots[i]]++;
	mp->va = va;
	mp->n = n;
	mp->next = m->mappings;
	m->mappings = mp;
	mp = NULL;
	*host_va_out = va;
out:
	free(mp);
	free(fresh);
	return err;
}

int bus_mem_unmap(struct bus_mem *m, void *host_va)
{
	if (m == NULL)
		return SIM_ERR_INVALID;
	for (struct bus_mem_mapping **pp = &m->mappings; *pp != NULL; pp = &(*pp)->next) {
		struct bus_mem_mapping *mp = *pp;

		if (mp->va != host_va)
			continue;
		munmap(mp->va, mp->n * BUS_MEM_FRAME_BYTES);
		for (size_t i = 0; i < mp->n; i++)
			m->slot_maps[mp->slots[i]]--;
		*pp = mp->next;
		free(mp);
		return SIM_OK;
	}
	set_error(m, "no mapping starts at that host address");
	return SIM_ERR_INVALID;
}

/* ------------------------------------------------------------------------
 * The frame allocator
 * ------------------------------------------------------------------------ */

static bool alloc_bit(const struct bus_mem_ram *r, uint64_t fi)
{
	return (r->alloc[fi / 64] >> (fi % 64)) & 1u;
}

static void alloc_set(struct bus_mem_ram *r, uint64_t fi, bool on)
{
	if (on)
		r->alloc[fi / 64] |= UINT64_C(1) << (fi % 64);
	else
		r->alloc[fi / 64] &= ~(UINT64_C(1) << (fi % 64));
}

/* The frames of @r inside the zone of @flags: [*lo, *hi). */
static void zone_window(const struct bus_mem_ram *r, unsigned flags, uint64_t *lo, uint64_t *hi)
{
	uint64_t end = r->base + r->size_bytes;

	*lo = 0;
	*hi = r->frames;
	if (flags & BUS_MEM_ALLOC_BELOW_4G)
		*hi = r->base >= BUS_MEM_4G ? 0 : ((end < BUS_MEM_4G ? end : BUS_MEM_4G) - r->base) >> FRAME_SHIFT;
	if ((flags & BUS_MEM_ALLOC_ABOVE_4G) && r->base < BUS_MEM_4G)
		*lo = end <= BUS_MEM_4G ? r->frames : (BUS_MEM_4G - r->base) >> FRAME_SHIFT;
}

/* splitmix64: a small stream that is the same on every host. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t bus_mem_top(const struct bus_mem *m)
{
	const struct bus_mem_ram *r;

	if (m == NULL || m->n_ram == 0)
		return 0;
	r = &m->ram[m->n_ram - 1];
	return r->base + r->size_bytes;
}

uint64_t bus_mem_largest_free_run(const struct bus_mem *m, unsigned flags)
{
	uint64_t best = 0;

	if (m == NULL)
		return 0;
	for (size_t i = 0; i < m->n_ram; i++) {
		const struct bus_mem_ram *r = &m->ram[i];
		uint64_t lo, hi, run = 0;

		zone_window(r, flags, &lo, &hi);
		for (uint64_t fi = lo; fi < hi; fi++) {
			run = alloc_bit(r, fi) ? 0 : run + 1;
			if (run > best)
				best = run;
		}
	}
	return best;
}

static const char *zone_name(unsigned flags)
{
	if (flags & BUS_MEM_ALLOC_BELOW_4G)
		return "below 4 GiB";
	if (flags & BUS_MEM_ALLOC_ABOVE_4G)
		return "above 4 GiB";
	return "in RAM";
}

int bus_mem_alloc_frames(struct bus_mem *m, size_t n, unsigned flags, uint64_t *frames_out)
{
	const unsigned known = BUS_MEM_ALLOC_CONTIGUOUS | BUS_MEM_ALLOC_SCATTERED |
			       BUS_MEM_ALLOC_SHUFFLE | BUS_MEM_ALLOC_BELOW_4G | BUS_MEM_ALLOC_ABOVE_4G;

	if (m == NULL)
		return SIM_ERR_INVALID;
	if (frames_out == NULL || n == 0 || (flags & ~known) != 0 ||
	    (flags & BUS_MEM_ALLOC_CONTIGUOUS && flags & BUS_MEM_ALLOC_SCATTERED) ||
	    (flags & BUS_MEM_ALLOC_BELOW_4G && flags & BUS_MEM_ALLOC_ABOVE_4G) ||
	    (flags & BUS_MEM_ALLOC_SHUFFLE && !(flags & BUS_MEM_ALLOC_SCATTERED))) {
		set_error(m, "bad arguments to allocate frames (n %zu, flags 0x%x)", n, flags);
		return SIM_ERR_INVALID;
	}
	size_t got = 0;

	for (size_t i = 0; i < m->n_ram && got < n; i++) {
		struct bus_mem_ram *r = &m->ram[i];
		uint64_t lo, hi, run = 0;
		bool prev_taken = false;

		zone_window(r, flags, &lo, &hi);
		for (uint64_t fi = lo; fi < hi && got < n; fi++) {
			/* Skip whole words of allocated frames. */
			if (fi % 64 == 0 && r->alloc[fi / 64] == UINT64_MAX && fi + 64 <= hi) {
				fi += 63;
				run = 0;
				prev_taken = false;
				continue;
			}
			if (alloc_bit(r, fi)) {
				run = 0;
				prev_taken = false;
				continue;
			}
			if (flags & BUS_MEM_ALLOC_CONTIGUOUS) {
				if (++run == n) {
					for (size_t k = 0; k < n; k++)
						frames_out[k] = r->base + ((fi + 1 - n + k) << FRAME_SHIFT);
					got = n;
				}
			} else if (flags & BUS_MEM_ALLOC_SCATTERED) {
				/* Taking a frame skips the next one, free or not. */
				if (!prev_taken)
					frames_out[got++] = r->base + (fi << FRAME_SHIFT);
				prev_taken = !prev_taken;
			} else {
				frames_out[got++] = r->base + (fi << FRAME_SHIFT);
			}
		}
	}
	if (got < n) {
		set_error(m, "out of memory: no %s%zu free frames %s",
			  flags & BUS_MEM_ALLOC_CONTIGUOUS ? "run of " :
			  flags & BUS_MEM_ALLOC_SCATTERED ? "non-adjacent " : "", n, zone_name(flags));
		return SIM_ERR_NOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		struct bus_mem_ram *r = find_ram(m, frames_out[k]);

		alloc_set(r, frame_index(r, frames_out[k]), true);
	}
	m->allocated_frames += n;
	if (flags & BUS_MEM_ALLOC_SHUFFLE) {
		for (size_t k = n - 1; k > 0; k--) {
			size_t j = (size_t)(rng_next(&m->rng) % (k + 1));
			uint64_t t = frames_out[k];

			frames_out[k] = frames_out[j];
			frames_out[j] = t;
		}
	}
	return SIM_OK;
}

int bus_mem_free_frames(struct bus_mem *m, const uint64_t *frames, size_t n)
{
	if (m == NULL || (frames == NULL && n > 0))
		return SIM_ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		struct bus_mem_ram *r = find_ram(m, frames[i]);

		if ((frames[i] & FRAME_MASK) != 0 || r == NULL ||
		    !alloc_bit(r, frame_index(r, frames[i]))) {
			set_error(m, "frame %zu (0x%" PRIx64 ") is misaligned, not RAM or not allocated", i,
				  frames[i]);
			return SIM_ERR_INVALID;
		}
		uint32_t e = entry_of(r, frame_index(r, frames[i]));

		if (e != 0 && m->slot_maps[e - 1] > 0) {
			set_error(m, "frame 0x%" PRIx64 " is in a contiguous mapping", frames[i]);
			return SIM_ERR_BUSY;
		}
	}
	/* Clearing the bits finds a frame listed twice; undo on finding one. */
	for (size_t i = 0; i < n; i++) {
		struct bus_mem_ram *r = find_ram(m, frames[i]);
		uint64_t fi = frame_index(r, frames[i]);

		if (!alloc_bit(r, fi)) {
			for (size_t k = 0; k < i; k++) {
				struct bus_mem_ram *rk = find_ram(m, frames[k]);

				alloc_set(rk, frame_index(rk, frames[k]), true);
			}
			set_error(m, "frame 0x%" PRIx64 " is listed twice", frames[i]);
			return SIM_ERR_INVALID;
		}
		alloc_set(r, fi, false);
	}
	for (size_t i = 0; i < n; i++) {
		struct bus_mem_ram *r = find_ram(m, frames[i]);
		uint64_t fi = frame_index(r, frames[i]);

		if (entry_of(r, fi) != 0) {
			/* Withdraw grants before the slot can hold another frame. */
			tlm_target_invalidate_dmi(&m->target, frames[i], frames[i] + FRAME_MASK);
			release_frame(m, r, fi);
		}
	}
	m->allocated_frames -= n;
	return SIM_OK;
}

bool bus_mem_frame_is_allocated(const struct bus_mem *m, uint64_t addr)
{
	const struct bus_mem_ram *r = find_ram(m, addr);

	return r != NULL && alloc_bit(r, frame_index(r, addr));
}

/* ------------------------------------------------------------------------
 * The TLM target
 * ------------------------------------------------------------------------ */

/* Move @k data bytes from index @i against the host bytes @t, honouring the
 * byte enables, whose pattern follows the data index. */
static void move_bytes(const struct tlm_payload *p, uint8_t *t, uint32_t i, uint32_t k)
{
	uint8_t *d = p->data + i;

	if (p->byte_enable == NULL) {
		if (p->command == TLM_CMD_READ)
			memmove(d, t, k);
		else
			memmove(t, d, k);
		return;
	}
	for (uint32_t j = 0; j < k; j++) {
		if (p->byte_enable[(i + j) % p->byte_enable_length] == TLM_BYTE_DISABLED)
			continue;
		if (p->command == TLM_CMD_READ)
			d[j] = t[j];
		else
			t[j] = d[j];
	}
}

/* A checked transaction whose span crosses frames: walk the data, wrapping
 * at the streaming width, and the target, frame by frame. */
static void transfer_frames(const struct bus_mem *m, const struct bus_mem_ram *r,
			    const struct tlm_payload *p, uint32_t width)
{
	uint32_t i = 0;

	while (i < p->length) {
		uint32_t off = i % width;
		uint32_t run = width - off < p->length - i ? width - off : p->length - i;

		while (run > 0) {
			uint64_t a = p->address + off;
			uint32_t in_frame = BUS_MEM_FRAME_BYTES - (uint32_t)(a & FRAME_MASK);
			uint32_t k = run < in_frame ? run : in_frame;
			uint8_t *t = frame_read_ptr(m, r, frame_index(r, a)) + (a & FRAME_MASK);

			move_bytes(p, t, i, k);
			i += k;
			off += k;
			run -= k;
		}
	}
}

static void mem_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	struct bus_mem *m = opaque;
	const enum tlm_command cmd = p->command;
	const uint64_t a = p->address;
	/* A zero-length or ignore probe still names an address: one byte, as
	 * tlm_buffer_transport() counts it. */
	const uint32_t width = tlm_payload_span(p);
	struct bus_mem_ram *r;

	if (cmd != TLM_CMD_READ && cmd != TLM_CMD_WRITE && cmd != TLM_CMD_IGNORE) {
		p->response = TLM_COMMAND_ERROR;
		return;
	}
	r = find_ram_span(m, a, width ? width : 1);
	if (r == NULL) {
		p->response = TLM_ADDRESS_ERROR;
		return;
	}
	if (cmd == TLM_CMD_IGNORE) {
		p->response = TLM_OK;
		p->dmi_allowed = true;
		return;
	}
	if (p->length == 0) {
		p->response = TLM_BURST_ERROR;
		return;
	}
	if (p->byte_enable != NULL && p->byte_enable_length == 0) {
		p->response = TLM_BYTE_ENABLE_ERROR;
		return;
	}
	if (p->data == NULL) {
		p->response = TLM_GENERIC_ERROR;
		return;
	}
	uint64_t fi0 = frame_index(r, a), fi1 = frame_index(r, a + width - 1);

	if (cmd == TLM_CMD_WRITE && back_range(m, r, fi0, fi1) != SIM_OK) {
		p->response = TLM_GENERIC_ERROR;
		return;
	}
	if (fi0 == fi1) {
		/* Within one frame, the shared helper does it all; the address
		 * is made frame-local for the call and restored. */
		p->address = a & FRAME_MASK;
		tlm_buffer_transport(p, frame_read_ptr(m, r, fi0), BUS_MEM_FRAME_BYTES);
		p->address = a;
	} else {
		transfer_frames(m, r, p, width);
		p->response = TLM_OK;
	}
	p->dmi_allowed = true;
	tlm_delay_add(delay_ps, m->latency_ps + m->per_byte_ps * p->length);
}

static uint32_t mem_transport_dbg(void *opaque, struct tlm_payload *p)
{
	struct bus_mem *m = opaque;
	struct bus_mem_ram *r;

	if ((p->command != TLM_CMD_READ && p->command != TLM_CMD_WRITE) || p->data == NULL ||
	    p->length == 0)
		return 0;
	r = find_ram(m, p->address);
	if (r == NULL)
		return 0;
	uint64_t left = r->size_bytes - (p->address - r->base);
	uint32_t n = (uint64_t)p->length <= left ? p->length : (uint32_t)left;
	uint64_t a = p->address;

	if (p->command == TLM_CMD_WRITE) {
		if (back_range(m, r, frame_index(r, a), frame_index(r, a + n - 1)) != SIM_OK)
			return 0;
		bus_mem_write(m, a, p->data, n);
	} else {
		bus_mem_read(m, a, p->data, n);
	}
	return n;
}

static bool mem_get_dmi(void *opaque, struct tlm_payload *p, struct tlm_dmi *dmi)
{
	struct bus_mem *m = opaque;
	const uint64_t a = p->address;
	struct bus_mem_ram *r = find_ram(m, a);

	if (r == NULL) {
		/* Refuse over the whole hole: the ranges around it bound it. */
		dmi->start = 0;
		dmi->end = UINT64_MAX;
		for (size_t i = 0; i < m->n_ram; i++) {
			uint64_t end = m->ram[i].base + m->ram[i].size_bytes;

			if (end <= a)
				dmi->start = end;
			else if (m->ram[i].base > a) {
				dmi->end = m->ram[i].base - 1;
				break;
			}
		}
		return false;
	}
	uint64_t fi = frame_index(r, a);

	if (back_range(m, r, fi, fi) != SIM_OK) {
		dmi->start = a & ~FRAME_MASK;
		dmi->end = dmi->start + FRAME_MASK;
		return false;
	}
	uint32_t e = entry_of(r, fi);
	uint64_t blk = fi / BUS_MEM_BLOCK_FRAMES * BUS_MEM_BLOCK_FRAMES;
	uint64_t blk_end = blk + BUS_MEM_BLOCK_FRAMES < r->frames ? blk + BUS_MEM_BLOCK_FRAMES : r->frames;
	uint64_t lo = fi, hi = fi;

	while (lo > blk && entry_of(r, lo - 1) == e - (fi - lo) - 1 && e - (fi - lo) - 1 != 0)
		lo--;
	while (hi + 1 < blk_end && entry_of(r, hi + 1) == e + (hi - fi) + 1)
		hi++;
	dmi->ptr = slot_ptr(m, e - 1 - (uint32_t)(fi - lo));
	dmi->start = r->base + (lo << FRAME_SHIFT);
	dmi->end = r->base + (hi << FRAME_SHIFT) + FRAME_MASK;
	dmi->access = TLM_DMI_READ_WRITE;
	dmi->read_latency_ps = m->dmi_latency_ps;
	dmi->write_latency_ps = m->dmi_latency_ps;
	return true;
}
