/* Huge-page regions (hugemem.h): mmap() twice the size, keep the aligned
 * half, and madvise(MADV_HUGEPAGE) it, which is all a kernel with
 * transparent huge pages in "madvise" mode needs; and the heap's next
 * stretch, advised the same way where glibc's malloc() owns it. Elsewhere
 * a region is an aligned allocation like any other. */
#include "hugemem.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

bool hugemem_heap_ahead(size_t bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    char *before = sbrk(0), *after = before;
    void *probe[8];
    int n = 0;

    /* glibc grows the heap by what it needs plus M_TOP_PAD, and trims it
     * back to M_TOP_PAD: one growth now reserves @bytes, kept from then
     * on. Blocks of 64 KiB (below the mmap threshold) until it grows. */
    mallopt(M_TOP_PAD, (int)MIN(bytes, (size_t)INT_MAX));
    while (after == before && n < 8) {
        probe[n++] = malloc(64 << 10);
        after = sbrk(0);
    }
    while (n > 0)
        free(probe[--n]);
    after = sbrk(0); /* the frees may trim a little */
    if (before == (void *)-1 || after == (void *)-1 || after <= before)
        return false;
    /* Growth by brk() becomes a mapping of its own, which takes no advice
     * given to the heap before it: advise the new part only. */
    char *start =
        (char *)(((uintptr_t)before + HUGEMEM_BYTES - 1) & ~(uintptr_t)(HUGEMEM_BYTES - 1));
    return after > start && madvise(start, (size_t)(after - start), MADV_HUGEPAGE) == 0;
#else
    (void)bytes;
    return false;
#endif
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

bool hugemem_heap_ahead(size_t bytes)
{
    (void)bytes;
    return false;
}
#endif
