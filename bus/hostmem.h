/*
 * bus/hostmem.h - simulated host physical memory: a sparse 64-bit physical
 * address space made of RAM ranges with holes between them, backed on
 * demand by 4 KiB frames, a physical frame allocator, and a TLM target
 * (sim/tlm.h) through which the bus and DMA engines reach it.
 *
 * Frames are slices of one memfd, allocated in first-touch order and never
 * copied, so the same bytes can be seen three ways: by physical address
 * (bus_mem_read(), the TLM target), through one linear host mapping of the
 * whole file (bus_mem_host_ptr(), DMI), and through a contiguous host
 * mapping of any list of frames (bus_mem_map_frames()). The last is how a
 * driver's buffer is contiguous to the driver and scattered to the device.
 *
 * Not thread-safe: one simulation thread owns a struct bus_mem. Include
 * from bus/ and the layers above; depends on sim/ headers and libc. Linux
 * only (memfd_create, MAP_FIXED over a reserved region).
 */
#ifndef PCISIM_BUS_HOSTMEM_H
#define PCISIM_BUS_HOSTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/time.h"
#include "sim/tlm.h"

/** Size of a frame (page) of simulated physical memory, bytes. */
#define BUS_MEM_FRAME_BYTES 4096u

/** Frames per block: the unit of the frame table and the most one DMI grant covers. */
#define BUS_MEM_BLOCK_FRAMES 512u

/** The 4 GiB boundary of the allocator's zones. */
#define BUS_MEM_4G (UINT64_C(1) << 32)

/** Access size the latency in DMI grants is computed for, bytes. */
#define BUS_MEM_DMI_ACCESS_BYTES 4u

/**
 * enum bus_mem_alloc_flags - how bus_mem_alloc_frames() picks frames (bit
 * mask). At most one of CONTIGUOUS and SCATTERED, at most one of BELOW_4G
 * and ABOVE_4G. Without a placement flag, frames are the lowest free ones,
 * adjacent or not; without a zone flag, anywhere in RAM.
 */
enum bus_mem_alloc_flags {
	BUS_MEM_ALLOC_CONTIGUOUS = 1u << 0, /**< one physically contiguous run, ascending */
	BUS_MEM_ALLOC_SCATTERED = 1u << 1,  /**< no two frames physically adjacent */
	BUS_MEM_ALLOC_SHUFFLE = 1u << 2,    /**< with SCATTERED: order permuted from the seed */
	BUS_MEM_ALLOC_BELOW_4G = 1u << 3,   /**< every byte below 4 GiB (32-bit DMA) */
	BUS_MEM_ALLOC_ABOVE_4G = 1u << 4,   /**< every byte at or above 4 GiB */
};

/**
 * struct bus_mem_range - one range of RAM in the physical address space.
 * @base and @size_bytes are multiples of BUS_MEM_FRAME_BYTES, @size_bytes > 0
 * and @base + @size_bytes <= UINT64_MAX (the top frame of the 64-bit space
 * cannot be RAM).
 */
struct bus_mem_range {
	uint64_t base;        /**< physical address of the first byte */
	uint64_t size_bytes;  /**< bytes */
};

/**
 * struct bus_mem_config - what bus_mem_init() builds. Zero-initialise it and
 * set @ranges and @n_ranges: the rest has usable defaults.
 */
struct bus_mem_config {
	const struct bus_mem_range *ranges; /**< RAM, any order, not overlapping; copied */
	size_t n_ranges;                    /**< > 0 */
	/** Most bytes ever backed at once (a multiple of BUS_MEM_FRAME_BYTES);
	 * 0: the whole RAM. Host virtual address space of this size is reserved
	 * (not committed) at init. */
	uint64_t max_backed_bytes;
	sim_time_t latency_ps;              /**< b_transport: per read or write, ps */
	sim_time_t per_byte_ps;             /**< b_transport: per data byte, ps */
	uint64_t seed;                      /**< seeds BUS_MEM_ALLOC_SHUFFLE */
};

struct bus_mem_ram;     /* private: one merged RAM range and its tables */
struct bus_mem_mapping; /* private: one bus_mem_map_frames() mapping */

/**
 * struct bus_mem - simulated host physical memory. Initialise with
 * bus_mem_init(); the target is live from then until bus_mem_destroy().
 *
 * Timing of the target: a read or write of n data bytes annotates
 * latency_ps + per_byte_ps * n (whatever the byte enables and streaming
 * width); an ignore command and a refused transaction annotate nothing.
 * DMI grants carry the latency of one BUS_MEM_DMI_ACCESS_BYTES access.
 *
 * The target answers TLM_ADDRESS_ERROR when any byte of the span lies in a
 * hole or outside RAM, and TLM_GENERIC_ERROR when a write would need more
 * frames backed than the cap allows (the reason in bus_mem_last_error());
 * either way nothing moves. Debug transport copies contiguous bytes,
 * clipped at the end of the RAM range, and backs frames as a write does
 * (none backable: 0 bytes).
 *
 * DMI: get_dmi backs the frame at the address and grants read and write
 * over the largest run around it of backed frames that are physically
 * adjacent and also consecutive in the backing file, inside one aligned
 * block of BUS_MEM_BLOCK_FRAMES frames (2 MiB); at least that one frame.
 * Frames written in ascending order on a fresh memory are consecutive in
 * the file. In a hole, DMI is refused over the whole hole. Grants are
 * withdrawn when their frames are freed (bus_mem_free_frames()) and at
 * bus_mem_destroy().
 */
struct bus_mem {
	struct tlm_target target;     /**< bind routers and initiators to this */
	/* read-only */
	sim_time_t latency_ps;
	sim_time_t per_byte_ps;
	sim_time_t dmi_latency_ps;
	uint64_t ram_bytes;           /**< total RAM in the layout */
	uint64_t max_backed_frames;   /**< the cap */
	uint64_t backed_frames;       /**< frames backed now */
	uint64_t allocated_frames;    /**< frames the allocator has handed out */
	/* private */
	struct bus_mem_ram *ram;      /* merged ranges, ascending */
	size_t n_ram;
	int fd;                       /* the memfd; -1 when not initialised */
	uint8_t *linear;              /* the whole file, mapped; reserved to the cap */
	uint64_t linear_bytes;        /* reservation size */
	uint64_t file_frames;         /* file size in frames (slots) */
	uint64_t used_slots;          /* slots ever handed out (high-water mark) */
	uint32_t *free_slots;         /* stack of released slots */
	uint64_t n_free_slots;
	uint32_t *slot_maps;          /* per slot: contiguous mappings holding it */
	uint64_t slot_cap;            /* entries in free_slots and slot_maps */
	struct bus_mem_mapping *mappings;
	uint64_t rng;                 /* shuffle stream */
	char error[128];              /* last error text */
};

/**
 * bus_mem_init() - build a memory from @cfg: no frame backed, none allocated.
 * @m: storage owned by the caller.
 * @cfg: the layout and settings; read during the call only.
 *
 * Ranges that touch are merged (an access may cross from one to the
 * other). Costs, whatever is backed: 8 bytes of table per 2 MiB of RAM and
 * a bitmap of 1 bit per frame of RAM (32 KiB per GiB), both untouched until
 * used.
 *
 * Return: 0; SIM_ERR_INVALID for a NULL argument, no ranges, a range that
 * is empty, misaligned, wraps or overlaps another, a misaligned cap or one
 * of more than 2^32 - 1 frames, or latencies whose largest sum (4 GiB - 1
 * bytes) would pass SIM_TIME_MAX; SIM_ERR_NOMEM; SIM_ERR_IO when the memfd
 * or the reservation cannot be made. On error @m holds nothing (the reason
 * is in bus_mem_last_error()) and bus_mem_destroy() on it does nothing.
 */
int bus_mem_init(struct bus_mem *m, const struct bus_mem_config *cfg);

/**
 * bus_mem_destroy() - withdraw every DMI grant (listeners hear each RAM
 * range), detach the listeners, unmap every contiguous mapping still there,
 * and release the file and the tables. Does nothing on a memory not
 * initialised or destroyed already; @m may be initialised again afterwards.
 */
void bus_mem_destroy(struct bus_mem *m);

/** bus_mem_target() - the TLM target: physical addresses, read and write. */
static inline struct tlm_target *bus_mem_target(struct bus_mem *m)
{
	return &m->target;
}

/**
 * bus_mem_last_error() - the text of the most recent failure of a call on
 * @m (what was refused and why, naming physical addresses), or "" if none
 * failed yet. Owned by @m, valid until its next call.
 */
const char *bus_mem_last_error(const struct bus_mem *m);

/**
 * bus_mem_is_ram() - true when all @len bytes at @addr are RAM (one range
 * or ranges that touch). A @len of 0 counts as 1 byte.
 */
bool bus_mem_is_ram(const struct bus_mem *m, uint64_t addr, uint64_t len);

/* ------------------------------------------------------------------------
 * Access by physical address
 * ------------------------------------------------------------------------ */

/**
 * bus_mem_read() - copy @len bytes at physical @addr into @buf.
 * @m: the memory.
 * @addr: physical address, any alignment.
 * @buf: destination, @len bytes, owned by the caller.
 * @len: bytes; any length, crossing frames. 0 does nothing.
 *
 * Frames never written read as zeros and stay unbacked.
 * Return: 0; SIM_ERR_INVALID when any byte lies in a hole or outside RAM
 * (or a NULL argument): then @buf is untouched.
 */
int bus_mem_read(struct bus_mem *m, uint64_t addr, void *buf, size_t len);

/**
 * bus_mem_write() - copy @len bytes from @buf to physical @addr, backing
 * the frames it touches (zero-filled) on first touch.
 * @m: the memory.
 * @addr: physical address, any alignment.
 * @buf: source, @len bytes.
 * @len: bytes; any length, crossing frames. 0 does nothing.
 *
 * Return: 0; SIM_ERR_INVALID when any byte lies in a hole or outside RAM
 * (or a NULL argument); SIM_ERR_NOMEM when the frames to back would pass
 * the cap or the file cannot grow. On error no byte of memory changes and
 * no frame is backed.
 */
int bus_mem_write(struct bus_mem *m, uint64_t addr, const void *buf, size_t len);

/**
 * bus_mem_host_ptr() - a host pointer to physical @addr for fast access,
 * backing its frame on first touch.
 * @m: the memory.
 * @addr: physical address.
 * @avail: if not NULL, receives the bytes usable from the pointer: to the
 *         end of @addr's frame.
 *
 * The pointer stays valid until the frame is freed with
 * bus_mem_free_frames() or @m is destroyed.
 * Return: the pointer; NULL when @addr is not RAM or the frame cannot be
 * backed (cap reached), with the reason in bus_mem_last_error().
 */
void *bus_mem_host_ptr(struct bus_mem *m, uint64_t addr, size_t *avail);

/**
 * bus_mem_frame_is_backed() - true when the frame holding @addr has been
 * backed (written, mapped, pointed to). False for holes.
 */
bool bus_mem_frame_is_backed(const struct bus_mem *m, uint64_t addr);

/* ------------------------------------------------------------------------
 * Contiguous host mappings of frame lists
 * ------------------------------------------------------------------------ */

/**
 * bus_mem_map_frames() - map @n frames, in the order given, at one
 * contiguous host virtual range: byte i of the range is byte
 * i % BUS_MEM_FRAME_BYTES of frame @frame_addrs[i / BUS_MEM_FRAME_BYTES].
 * The same memory, no copy: writes through either view are seen by the
 * other at once.
 * @m: the memory.
 * @frame_addrs: @n physical frame addresses (multiples of
 *     BUS_MEM_FRAME_BYTES, in RAM, any order; a frame may repeat).
 * @n: frames, > 0.
 * @host_va_out: receives the start of the range, n * BUS_MEM_FRAME_BYTES
 *     bytes, readable and writable, until bus_mem_unmap().
 *
 * Frames not yet backed are backed (zero-filled). A frame in a mapping
 * cannot be freed (bus_mem_free_frames() answers SIM_ERR_BUSY). Each run
 * of frames that are not consecutive in the file costs one host mapping;
 * Linux limits a process to vm.max_map_count of them (65530 by default).
 * Return: 0; SIM_ERR_INVALID for a NULL argument, @n = 0, a misaligned
 * frame or one outside RAM; SIM_ERR_NOMEM when the frames to back would
 * pass the cap, or the host refuses the mapping. On error nothing is
 * mapped or backed and *@host_va_out is untouched.
 */
int bus_mem_map_frames(struct bus_mem *m, const uint64_t *frame_addrs, size_t n,
		       void **host_va_out);

/**
 * bus_mem_unmap() - remove a mapping made by bus_mem_map_frames(); the
 * frames keep their contents.
 * @m: the memory.
 * @host_va: the address bus_mem_map_frames() returned.
 * Return: 0, or SIM_ERR_INVALID when @host_va is not such an address.
 */
int bus_mem_unmap(struct bus_mem *m, void *host_va);

/* ------------------------------------------------------------------------
 * The physical frame allocator
 * ------------------------------------------------------------------------ */

/**
 * bus_mem_alloc_frames() - hand out @n free frames of RAM.
 * @m: the memory.
 * @n: frames, > 0.
 * @flags: enum bus_mem_alloc_flags.
 * @frames_out: receives @n physical frame addresses; owned by the caller.
 *
 * Placement, always lowest addresses first, so the same calls on the same
 * layout give the same frames:
 * - CONTIGUOUS: the lowest run of @n free frames inside one RAM range, in
 *   ascending order;
 * - SCATTERED: free frames taken from the lowest up, skipping the frame
 *   after each one taken, so no two are physically adjacent; ascending
 *   unless SHUFFLE, which permutes the order with a stream seeded from the
 *   configured seed (advanced by each shuffled allocation);
 * - neither: the lowest @n free frames, ascending.
 * Allocation backs nothing: the cap applies when frames are first touched.
 * Return: 0; SIM_ERR_INVALID for a NULL argument, @n = 0 or bad flags;
 * SIM_ERR_NOMEM when the zone cannot satisfy the request (the reason in
 * bus_mem_last_error()). On error nothing is allocated and the contents of
 * @frames_out are unspecified.
 */
int bus_mem_alloc_frames(struct bus_mem *m, size_t n, unsigned flags, uint64_t *frames_out);

/**
 * bus_mem_free_frames() - return @n allocated frames to the allocator and
 * discard their contents: the backing is released (host memory is given
 * back and the cap counts them no more), DMI grants over them are withdrawn,
 * and a later touch sees zeros again.
 * @m: the memory.
 * @frames: @n physical frame addresses from bus_mem_alloc_frames().
 * @n: frames; 0 does nothing.
 * Return: 0; SIM_ERR_INVALID for a NULL argument, a frame that is
 * misaligned, not RAM, not allocated or listed twice; SIM_ERR_BUSY when a
 * frame is in a contiguous mapping (bus_mem_unmap() it first). On error
 * nothing is freed.
 */
int bus_mem_free_frames(struct bus_mem *m, const uint64_t *frames, size_t n);

/**
 * bus_mem_top() - one past the last byte of the highest RAM range: a
 * device that can address everything below it reaches all of RAM. 0 for
 * a NULL or uninitialised @m.
 */
uint64_t bus_mem_top(const struct bus_mem *m);

/**
 * bus_mem_largest_free_run() - the longest run of free, physically
 * adjacent frames inside one RAM range of the zone that @flags name
 * (BUS_MEM_ALLOC_BELOW_4G or _ABOVE_4G; other bits are ignored), in
 * frames: the most a CONTIGUOUS allocation there could get now. 0 for a
 * NULL @m or a full zone.
 */
uint64_t bus_mem_largest_free_run(const struct bus_mem *m, unsigned flags);

/**
 * bus_mem_frame_is_allocated() - true when the allocator has handed out
 * the frame holding @addr. False for holes.
 */
bool bus_mem_frame_is_allocated(const struct bus_mem *m, uint64_t addr);

#endif /* PCISIM_BUS_HOSTMEM_H */
