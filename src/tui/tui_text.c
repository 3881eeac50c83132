/* tui_text.c - UTF-8 widths and cutting (see tui_text.h). */
#include "tui/tui_text.h"

#include <wchar.h>

uint32_t tui_text_decode(const char *s, size_t n, size_t *i) {
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = n - *i;
    unsigned c = p[0];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c >= 0xC2 && c < 0xE0) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c < 0xF0) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c < 0xF5) {
        len = 4;
        cp = c & 0x07;
    } else {
        *i += 1;
        return 0xFFFD;
    }
    if (left < len) {
        *i += 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += 1;
            return 0xFFFD;
        }
        cp = cp << 6 | (p[k] & 0x3F);
    }
    /* overlongs, surrogates and values past U+10FFFF are invalid */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i += 1;
        return 0xFFFD;
    }
    *i += len;
    return cp;
}

static bool tui_text_is_control(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

int tui_text_cp_width(uint32_t cp, bool ascii) {
    if (ascii || cp < 0x80 || tui_text_is_control(cp)) return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w > 2 ? 2 : w;
}

uint32_t tui_text_cp_shown(uint32_t cp, bool ascii) {
    if (tui_text_is_control(cp)) return '?';
    if (ascii && cp >= 0x80) return '?';
    if (!ascii && cp >= 0x80 && wcwidth((wchar_t)cp) < 0) return 0xFFFD;
    return cp;
}

int tui_text_width(const char *s, size_t n, bool ascii) {
    int w = 0;
    for (size_t i = 0; i < n;) w += tui_text_cp_width(tui_text_decode(s, n, &i), ascii);
    return w;
}

size_t tui_text_fit(const char *s, size_t n, int maxw, bool ascii, int *used) {
    int w = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        int cw = tui_text_cp_width(tui_text_decode(s, n, &j), ascii);
        if (w + cw > maxw) break;
        w += cw;
        i = j;
    }
    if (used) *used = w;
    return i;
}

size_t tui_text_wrap(const char *s, size_t n, int width, bool ascii, size_t *next) {
    int w = 0;
    size_t i = 0, last_space = 0;
    bool have_space = false;
    while (i < n) {
        if (s[i] == '\n') {
            *next = i + 1;
            return i;
        }
        size_t j = i;
        int cw = tui_text_cp_width(tui_text_decode(s, n, &j), ascii);
        if (w + cw > width && i > 0) {
            size_t end = have_space ? last_space : i;
            size_t k = end;
            while (k < n && s[k] == ' ') k++;
            *next = k;
            /* drop the spaces the line ends with */
            while (end > 0 && s[end - 1] == ' ') end--;
            return end;
        }
        if (s[i] == ' ') {
            last_space = i;
            have_space = true;
        }
        w += cw;
        i = j;
    }
    *next = n;
    return n;
}
