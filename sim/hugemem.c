/* Huge-page regions (hugemem.h): mmap() twice the size, keep the aligned
 * half, and madvise(MADV_HUGEPAGE) it, which is all a kernel with
 * transparent huge pages in "madvise" mode needs. Elsewhere the region is
 * an aligned allocation like any other. */
#include "hugemem.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#if defined(__linux__)
#include <sys/mman.h>

void *hugemem_alloc(void)
{
    size_t span = 2 * HUGEMEM_BYTES;
    char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (raw == MAP_FAILED)
        g_error("hugemem_alloc: mmap of %zu bytes failed", span);
    char *start = (char *)(((uintptr_t)raw + HUGEMEM_BYTES - 1) & ~(uintptr_t)(HUGEMEM_BYTES - 1));
    char *end = start + HUGEMEM_BYTES;

    if (start > raw)
        munmap(raw, (size_t)(start - raw));
    if (raw + span > end)
        munmap(end, (size_t)(raw + span - end));
#ifdef MADV_HUGEPAGE
    /* Advice only: without huge pages the region still works. */
    (void)madvise(start, HUGEMEM_BYTES, MADV_HUGEPAGE);
#endif
    return start;
}

void hugemem_free(void *region)
{
    if (region)
        munmap(region, HUGEMEM_BYTES);
}
#else
void *hugemem_alloc(void)
{
    void *p = g_aligned_alloc0(1, HUGEMEM_BYTES, HUGEMEM_BYTES);

    return p;
}

void hugemem_free(void *region)
{
    g_aligned_free(region);
}
#endif
