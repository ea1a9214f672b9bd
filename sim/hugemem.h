/* Memory for large, randomly accessed record pools, in regions the kernel
 * may back with transparent huge pages (2 MiB): with 4 KiB pages, a pool of
 * tens of MiB touched at random misses the TLB on nearly every record. */
#ifndef IOVSIM_HUGEMEM_H
#define IOVSIM_HUGEMEM_H

#include <stdbool.h>
#include <stddef.h>

/* One region: HUGEMEM_BYTES, aligned to them. */
#define HUGEMEM_BYTES ((size_t)2 << 20)

/* A zeroed region of HUGEMEM_BYTES, aligned to its size and advised for
 * huge pages (where the system has them; on its own pages otherwise).
 * Caller owns it; free with hugemem_free(). Aborts when out of memory,
 * as g_malloc() does. */
void *hugemem_alloc(void);
/* Give back a region of hugemem_alloc(); NULL does nothing. */
void hugemem_free(void *region);
/* The heap's next @bytes or so (where malloc() puts small objects) on huge
 * pages: with glibc, the heap grows by @bytes at once, keeps them
 * (M_TOP_PAD, from now on), and the new part is advised. Returns whether
 * it was; false where the C library or its allocator (a sanitizer's) is
 * another, and nothing changes then. */
bool hugemem_heap_ahead(size_t bytes);

#endif
