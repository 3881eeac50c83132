/* xalloc.h - every model allocation goes through these wrappers. They abort
 * with a message on out-of-memory and check size overflow, so callers never
 * test for NULL. A test can install a failing allocator via xalloc_set_hook. */
#ifndef CONCVIZ_XALLOC_H
#define CONCVIZ_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of count*size bytes, aborting on multiplication overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* The allocation hook: (old pointer or NULL, new size) -> memory or NULL. */
typedef void *(*xalloc_hook)(void *ptr, size_t size);
void xalloc_set_hook(xalloc_hook hook);
/* Called before aborting on out-of-memory (the TUI restores the terminal). */
void xalloc_set_fatal_handler(void (*handler)(void));

/* Whether the process holds more heap than the limit a program may use
 * (CONCVIZ_MEMORY_LIMIT_MB, default 4096): the VM then raises MemoryError,
 * as CPython would when memory runs out, before malloc fails and concviz
 * has to abort. It asks the C library only once every 32 MB allocated (the
 * VM calls this often); always false where the library cannot tell (not
 * glibc, or a sanitizer's allocator). */
int xalloc_over_limit(void);

#endif
