/* xalloc.c - checked allocation (see xalloc.h). */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

static xalloc_hook alloc_hook;
static void (*fatal_handler)(void);
/* Bytes asked for since the memory limit was last checked (frees are not
 * seen): asking the C library what is in use costs too much to do often. */
static size_t asked_since_check;
#define XALLOC_CHECK_EVERY ((size_t)32 << 20)

void xalloc_set_hook(xalloc_hook hook) { alloc_hook = hook; }
void xalloc_set_fatal_handler(void (*handler)(void)) { fatal_handler = handler; }

static void xalloc_die(size_t n) {
    if (fatal_handler) fatal_handler();
    fprintf(stderr, "concviz: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *xrealloc(void *p, size_t n) {
    if (n == 0) n = 1;
    asked_since_check += n;
    void *q = alloc_hook ? alloc_hook(p, n) : realloc(p, n);
    if (!q) xalloc_die(n);
    return q;
}

void *xmalloc(size_t n) { return xrealloc(NULL, n); }

void *xreallocarray(void *p, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) xalloc_die(SIZE_MAX);
    return xrealloc(p, count * size);
}

void *xcalloc(size_t count, size_t size) {
    void *p = xreallocarray(NULL, count, size);
    memset(p, 0, count * size);
    return p;
}

char *xstrndup(const char *s, size_t n) {
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

int xalloc_over_limit(void) {
#ifdef __GLIBC__
    if (asked_since_check < XALLOC_CHECK_EVERY) return 0;
    asked_since_check = 0;
    static size_t limit;
    if (!limit) {
        const char *env = getenv("CONCVIZ_MEMORY_LIMIT_MB");
        long mb = env ? strtol(env, NULL, 10) : 0;
        limit = (size_t)(mb > 0 ? mb : 4096) << 20;
    }
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd > limit;
#else
    return 0;
#endif
}
