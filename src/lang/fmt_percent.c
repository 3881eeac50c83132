/* fmt_percent.c - printf-style formatting, fmt % args, as CPython 3.11's
 * PyUnicode_Format (Objects/unicodeobject.c): a scanner the caller drives,
 * and one formatter per kind of value.
 *
 * Conversion grammar:
 *   '%' ['(' key ')'] flags* [width | '*'] ['.' [prec | '*']] [h|l|L] conv
 *   flags: - + space # 0     key: balanced parentheses allowed inside
 *   '%%' right after '%' is a literal '%'. */
#include "fmt.h"

#include <limits.h>
#include <string.h>

/* Widths beyond this would make CPython run out of memory too. */
#define FMT_PCT_MAX_WIDTH ((int64_t)1 << 30)

/* Reads the next code point at *p into *ch; false at the end of the text
 * (CPython's `--fmtcnt >= 0` failing). */
static bool fmt_pct_read(const char *f, size_t len, size_t *p, uint32_t *ch, bool *exhausted,
                         size_t *start) {
    if (*p >= len) {
        *exhausted = true;
        return false;
    }
    *start = *p;
    *ch = fmt_utf8_next(f, len, p);
    return true;
}

int fmt_percent_next(const char *f, size_t len, size_t *pos, fmt_pct *out, num_error *err) {
    memset(out, 0, sizeof *out);
    out->width = -1;
    out->prec = -1;
    size_t p = *pos;
    if (p >= len) return FMT_PCT_END;
    if (f[p] != '%') {
        const char *pct = memchr(f + p, '%', len - p);
        size_t end = pct ? (size_t)(pct - f) : len;
        out->text = f + p;
        out->text_len = end - p;
        *pos = end;
        return FMT_PCT_TEXT;
    }
    p++;
    if (p < len && f[p] == '%') {
        out->text = f + p;
        out->text_len = 1;
        *pos = p + 1;
        return FMT_PCT_TEXT;
    }
    bool exhausted = false;
    uint32_t ch = 0;
    size_t last = p;
    if (p < len && f[p] == '(') {
        int pcount = 1;
        out->has_key = true;
        p++;
        size_t keystart = p;
        while (pcount > 0 && fmt_pct_read(f, len, &p, &ch, &exhausted, &last)) {
            if (ch == ')')
                pcount--;
            else if (ch == '(')
                pcount++;
        }
        if (exhausted || pcount > 0) {
            *pos = p;
            return num_error_set(err, "ValueError", "incomplete format key");
        }
        out->key = f + keystart;
        out->key_len = p - keystart - 1;
    }
    while (fmt_pct_read(f, len, &p, &ch, &exhausted, &last)) {
        unsigned flag = ch == '-' ? FMT_PCT_LJUST : ch == '+' ? FMT_PCT_SIGN : ch == ' ' ? FMT_PCT_BLANK
                        : ch == '#' ? FMT_PCT_ALT : ch == '0' ? FMT_PCT_ZERO : 0;
        if (!flag) break;
        out->flags |= flag;
    }
    if (ch == '*') {
        out->width = FMT_PCT_STAR;
        (void)fmt_pct_read(f, len, &p, &ch, &exhausted, &last);
    } else if (ch >= '0' && ch <= '9') {
        int64_t w = (int64_t)(ch - '0');
        while (fmt_pct_read(f, len, &p, &ch, &exhausted, &last)) {
            if (ch < '0' || ch > '9') break;
            if (w > (INT64_MAX - (int64_t)(ch - '0')) / 10) {
                *pos = p;
                return num_error_set(err, "ValueError", "width too big");
            }
            w = w * 10 + (int64_t)(ch - '0');
        }
        out->width = w;
    }
    if (ch == '.') {
        out->prec = 0;
        (void)fmt_pct_read(f, len, &p, &ch, &exhausted, &last);
        if (ch == '*') {
            out->prec = FMT_PCT_STAR;
            (void)fmt_pct_read(f, len, &p, &ch, &exhausted, &last);
        } else if (ch >= '0' && ch <= '9') {
            int64_t pr = (int64_t)(ch - '0');
            while (fmt_pct_read(f, len, &p, &ch, &exhausted, &last)) {
                if (ch < '0' || ch > '9') break;
                if (pr > (INT_MAX - (int64_t)(ch - '0')) / 10) {
                    *pos = p;
                    return num_error_set(err, "ValueError", "precision too big");
                }
                pr = pr * 10 + (int64_t)(ch - '0');
            }
            out->prec = pr;
        }
    }
    if (!exhausted && (ch == 'h' || ch == 'l' || ch == 'L'))
        (void)fmt_pct_read(f, len, &p, &ch, &exhausted, &last);
    *pos = p;
    if (exhausted) return num_error_set(err, "ValueError", "incomplete format");
    out->conv = ch;
    out->conv_offset = last;
    return FMT_PCT_CONV;
}

void fmt_percent_set_width(fmt_pct *p, int64_t width) {
    if (width < 0) {
        p->flags |= FMT_PCT_LJUST;
        width = width == INT64_MIN ? INT64_MAX : -width;
    }
    p->width = width;
}

int fmt_percent_set_prec(fmt_pct *p, int64_t prec, num_error *err) {
    if (prec > INT_MAX || prec < INT_MIN)
        return num_error_set(err, "OverflowError", "Python int too large to convert to C int");
    p->prec = prec < 0 ? 0 : prec;
    return 0;
}

int fmt_percent_check(const char *f, size_t len, const fmt_pct *p, num_error *err) {
    switch (p->conv) {
    case 's': case 'r': case 'a': case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'c':
        return 0;
    default:
        break;
    }
    size_t off = p->conv_offset < len ? p->conv_offset : len;
    return num_error_set(err, "ValueError", "unsupported format character '%c' (0x%x) at index %zu",
                         p->conv >= 31 && p->conv <= 126 ? (char)p->conv : '?', (unsigned)p->conv,
                         fmt_utf8_count(f, off));
}

int fmt_percent_type_error(const fmt_pct *p, const char *type_name, num_error *err) {
    switch (p->conv) {
    case 'o': case 'x': case 'X':
        return num_error_set(err, "TypeError", "%%%c format: an integer is required, not %.200s",
                             (char)p->conv, type_name);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        return num_error_set(err, "TypeError", "must be real number, not %.200s", type_name);
    case 'c':
        return num_error_set(err, "TypeError", "%%c requires int or char");
    default:
        return num_error_set(err, "TypeError", "%%%c format: a real number is required, not %.200s",
                             p->conv < 128 ? (char)p->conv : '?', type_name);
    }
}

/* unicode_format_arg_output: pads and signs the converted text s. numeric
 * is CPython's arg->sign (set for d i u o x X e E f F g G). */
static int fmt_pct_output(strbuf *sb, const char *s, size_t n, const fmt_pct *p, bool numeric,
                          num_error *err) {
    if (p->width > FMT_PCT_MAX_WIDTH) return num_error_set(err, "MemoryError", "%s", "");
    char fill = numeric && (p->flags & FMT_PCT_ZERO) ? '0' : ' ';
    int64_t len = (int64_t)fmt_utf8_count(s, n);
    int64_t width = p->width;
    size_t idx = 0, bytes = n;
    if ((p->conv == 's' || p->conv == 'r' || p->conv == 'a') && p->prec >= 0 && len > p->prec) {
        len = p->prec;
        bytes = fmt_utf8_prefix(s, n, (size_t)len);
    }
    char signchar = 0;
    bool sign = numeric;
    if (sign) {
        if (n > 0 && (s[0] == '-' || s[0] == '+')) {
            signchar = s[0];
            len--;
            idx++;
        } else if (p->flags & FMT_PCT_SIGN) {
            signchar = '+';
        } else if (p->flags & FMT_PCT_BLANK) {
            signchar = ' ';
        } else {
            sign = false;
        }
    }
    if (width < len) width = len;
    if (sign) {
        if (fill != ' ') sb_putc(sb, signchar);
        if (width > len) width--;
    }
    bool prefix = (p->flags & FMT_PCT_ALT) && (p->conv == 'x' || p->conv == 'X' || p->conv == 'o');
    if (prefix) {
        if (fill != ' ') {
            sb_putc(sb, '0');
            sb_putc(sb, (char)p->conv);
            idx += 2;
        }
        width -= 2;
        if (width < 0) width = 0;
        len -= 2;
    }
    if (width > len && !(p->flags & FMT_PCT_LJUST)) {
        sb_fill(sb, fill, (size_t)(width - len));
        width = len;
    }
    if (fill == ' ') {
        if (sign) sb_putc(sb, signchar);
        if (prefix) {
            sb_putc(sb, '0');
            sb_putc(sb, (char)p->conv);
            idx += 2;
        }
    }
    if (idx < bytes) sb_append(sb, s + idx, bytes - idx);
    if (width > len) sb_fill(sb, ' ', (size_t)(width - len));
    return 0;
}

int fmt_percent_int(strbuf *sb, int64_t v, const fmt_pct *p, num_error *err) {
    if (p->conv == 'c') {
        if (v < 0 || v > 0x10FFFF)
            return num_error_set(err, "OverflowError", "%%c arg not in range(0x110000)");
        strbuf c;
        sb_init(&c);
        fmt_utf8_put(&c, (uint32_t)v);
        int rc = fmt_pct_output(sb, c.data, c.len, p, false, err);
        sb_free(&c);
        return rc;
    }
    /* _PyUnicode_FormatLong */
    if (p->prec > INT_MAX - 3) return num_error_set(err, "OverflowError", "precision too large");
    if (p->prec > FMT_PCT_MAX_WIDTH) return num_error_set(err, "MemoryError", "%s", "");
    int base = p->conv == 'o' ? 8 : (p->conv == 'x' || p->conv == 'X') ? 16 : 10;
    const char *set = p->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[72];
    size_t i = sizeof digits;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--i] = set[m % (uint64_t)base];
        m /= (uint64_t)base;
    } while (m);
    int64_t numdigits = (int64_t)(sizeof digits - i);
    strbuf t;
    sb_init(&t);
    if (v < 0) sb_putc(&t, '-');
    if ((p->flags & FMT_PCT_ALT) && base != 10) {
        sb_putc(&t, '0');
        sb_putc(&t, p->conv == 'o' ? 'o' : (char)p->conv);
    }
    if (p->prec > numdigits) sb_fill(&t, '0', (size_t)(p->prec - numdigits));
    sb_append(&t, digits + i, (size_t)numdigits);
    int rc = fmt_pct_output(sb, t.data, t.len, p, true, err);
    sb_free(&t);
    return rc;
}

int fmt_percent_float(strbuf *sb, double v, const fmt_pct *p, num_error *err) {
    int64_t prec = p->prec < 0 ? 6 : p->prec;
    if (prec > FMT_PCT_MAX_WIDTH) return num_error_set(err, "MemoryError", "%s", "");
    char code = p->conv < 128 ? (char)p->conv : 'g';
    if (!strchr("eEfFgG", code) || code == 0) code = 'g';
    strbuf t;
    sb_init(&t);
    fmt_double(&t, v, code, (int)prec, (p->flags & FMT_PCT_ALT) ? FMT_DTSF_ALT : 0);
    int rc = fmt_pct_output(sb, t.data, t.len, p, true, err);
    sb_free(&t);
    return rc;
}

int fmt_percent_text(strbuf *sb, const char *s, size_t len, const fmt_pct *p, num_error *err) {
    if (p->conv == 'c' && fmt_utf8_count(s, len) != 1)
        return num_error_set(err, "TypeError", "%%c requires int or char");
    return fmt_pct_output(sb, s, len, p, false, err);
}
