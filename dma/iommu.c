/*
 * dma/iommu.c - the page-granular translation stage (dma/iommu.h): a sorted
 * array of disjoint mappings, a last-hit cache, a small fault log.
 */
#include "dma/iommu.h"

#include <stdlib.h>
#include <string.h>

struct dma_iommu_map {
	uint64_t dev, phys, size;
	unsigned perm;
};

#define PAGE_MASK ((uint64_t)DMA_IOMMU_PAGE_BYTES - 1)

int dma_iommu_init(struct dma_iommu *m)
{
	if (!m)
		return SIM_ERR_INVALID;
	memset(m, 0, sizeof(*m));
	return SIM_OK;
}

void dma_iommu_destroy(struct dma_iommu *m)
{
	if (!m)
		return;
	free(m->maps);
	memset(m, 0, sizeof(*m));
}

/* Index of the first mapping whose end is above @addr (n when none). */
static uint32_t lower(const struct dma_iommu *m, uint64_t addr)
{
	uint32_t lo = 0, hi = m->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct dma_iommu_map *x = &m->maps[mid];

		if (x->dev + (x->size - 1) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int dma_iommu_map(struct dma_iommu *m, uint64_t dev_addr, uint64_t phys_addr, uint64_t size,
		  unsigned perm)
{
	uint32_t i;

	if (!m || size == 0 || (dev_addr | phys_addr | size) & PAGE_MASK || perm == 0 ||
	    perm & ~(DMA_IOMMU_READ | DMA_IOMMU_WRITE) || dev_addr > UINT64_MAX - (size - 1) ||
	    phys_addr > UINT64_MAX - (size - 1))
		return SIM_ERR_INVALID;
	i = lower(m, dev_addr);
	if (i < m->n && m->maps[i].dev <= dev_addr + (size - 1))
		return SIM_ERR_INVALID;
	if (m->n == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 16;
		struct dma_iommu_map *p = realloc(m->maps, cap * sizeof(*p));

		if (!p)
			return SIM_ERR_NOMEM;
		m->maps = p;
		m->cap = cap;
	}
	memmove(&m->maps[i + 1], &m->maps[i], (m->n - i) * sizeof(m->maps[0]));
	m->maps[i] = (struct dma_iommu_map){ dev_addr, phys_addr, size, perm };
	m->n++;
	m->last = i;
	return SIM_OK;
}

int dma_iommu_unmap(struct dma_iommu *m, uint64_t dev_addr, uint64_t size)
{
	uint32_t i;

	if (!m)
		return SIM_ERR_INVALID;
	i = lower(m, dev_addr);
	if (i >= m->n || m->maps[i].dev != dev_addr || m->maps[i].size != size)
		return SIM_ERR_INVALID;
	memmove(&m->maps[i], &m->maps[i + 1], (m->n - i - 1) * sizeof(m->maps[0]));
	m->n--;
	m->last = 0;
	return SIM_OK;
}

static void record(struct dma_iommu *m, uint64_t addr, bool write, enum dma_iommu_fault_kind k)
{
	m->faults++;
	m->log[m->log_next % DMA_IOMMU_FAULT_LOG] =
		(struct dma_iommu_fault){ .dev_addr = addr, .write = write, .kind = k };
	m->log_next++;
}

int dma_iommu_translate(struct dma_iommu *m, uint64_t dev_addr, uint32_t len, bool write,
			uint64_t *phys, uint64_t *run_bytes)
{
	const struct dma_iommu_map *x = NULL;
	uint64_t off;

	if (!m || !phys || len == 0 || (dev_addr & PAGE_MASK) + len > DMA_IOMMU_PAGE_BYTES)
		return SIM_ERR_INVALID;
	if (m->last < m->n) {
		x = &m->maps[m->last];
		if (dev_addr < x->dev || dev_addr - x->dev >= x->size)
			x = NULL;
	}
	if (!x) {
		uint32_t i = lower(m, dev_addr);

		if (i >= m->n || m->maps[i].dev > dev_addr) {
			record(m, dev_addr, write, DMA_IOMMU_FAULT_UNMAPPED);
			return SIM_ERR_STATE;
		}
		m->last = i;
		x = &m->maps[i];
	}
	if (!(x->perm & (write ? DMA_IOMMU_WRITE : DMA_IOMMU_READ))) {
		record(m, dev_addr, write, DMA_IOMMU_FAULT_PERM);
		return SIM_ERR_STATE;
	}
	off = dev_addr - x->dev;
	*phys = x->phys + off;
	if (run_bytes)
		*run_bytes = x->size - off;
	m->translations++;
	return SIM_OK;
}

bool dma_iommu_last_fault(const struct dma_iommu *m, unsigned i, struct dma_iommu_fault *out)
{
	if (!m || !out || i >= DMA_IOMMU_FAULT_LOG || i >= m->log_next)
		return false;
	*out = m->log[(m->log_next - 1 - i) % DMA_IOMMU_FAULT_LOG];
	return true;
}
