/* strbuf.h - a growable byte buffer used wherever text is built up.
 * The buffer owns data; sb_free releases it. data is always NUL-terminated. */
#ifndef CONCVIZ_STRBUF_H
#define CONCVIZ_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;
    size_t len;
    size_t cap;
} strbuf;

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_clear(strbuf *sb);
void sb_reserve(strbuf *sb, size_t extra);
void sb_append(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
/* Appends c repeated n times. */
void sb_fill(strbuf *sb, char c, size_t n);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Hands the buffer to the caller (who frees it) and resets sb. */
char *sb_take(strbuf *sb);

#endif
