/* tui_draw.c - paints one frame of the main screen: the frame and panel
 * titles, the header, the caption and status rows and the key line; the
 * panels themselves are drawn by tui_draw_*.c. Drawing reads the app state
 * and never changes what the user sees next (except scroll positions that
 * keep the selection visible). */
#include <stdio.h>
#include <string.h>

#include "tui/tui_app.h"
#include "tui/tui_describe.h"
#include "tui/tui_screen.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

static void tui_draw_too_small(const tui_layout *l) {
    char msg[160];
    snprintf(msg, sizeof msg, "Enlarge the terminal to at least %d%s%d (it is %d%s%d now).", TUI_MIN_COLS,
             tui_glyph_text(GLYPH_TIMES), TUI_MIN_LINES, l->cols, tui_glyph_text(GLYPH_TIMES), l->lines);
    int y = l->lines / 2 - 1;
    if (y < 0) y = 0;
    int w = tui_text_width(msg, strlen(msg), tui_screen_ascii());
    int x = (l->cols - w) / 2;
    tui_puts(y, x < 0 ? 0 : x, l->cols, msg, A(NORMAL));
    const char *q = "q quits";
    x = (l->cols - (int)strlen(q)) / 2;
    if (y + 2 < l->lines) tui_puts(y + 2, x < 0 ? 0 : x, l->cols, q, A(DIM));
}

/* The header: title on the left; time, play state, speed, event count and
 * the two most needed keys on the right. */
static void tui_draw_header(tui_app *a) {
    const tui_rect *r = &a->layout.header;
    const tui_player *p = &a->player;
    const trace_fold_state *s = a->st;
    tui_fill(r->y, r->x, r->w, A(HEADER));
    char right[256];
    strbuf t;
    sb_init(&t);
    tui_format_time((int64_t)p->vt, &t);
    const tui_speed *sp = tui_speed_get(p->speed);
    tui_glyph g;
    const char *word;
    tui_role role = ROLE_PAUSED;
    if (s->deadlock != TRACE_FOLD_NONE) {
        g = GLYPH_WARN;
        word = "deadlock";
        role = ROLE_DEADLOCK;
    } else if (p->playing) {
        g = GLYPH_PLAY;
        word = "playing";
        role = ROLE_PLAYING;
    } else if (p->pos >= p->count && !p->growing) {
        g = GLYPH_STOP;
        word = "finished";
    } else {
        g = GLYPH_PAUSE;
        word = "paused";
    }
    char state[48];
    snprintf(state, sizeof state, " %s %s ", tui_glyph_text(g), word);
    /* while the machine still runs, the count grows: "event 10/4096…" */
    snprintf(right, sizeof right, "t %s  %s  event %zu/%zu%s ", t.data, tui_screen_ascii() ? sp->ascii : sp->label,
             p->pos, p->count, p->growing ? (tui_screen_ascii() ? "..." : "…") : "");
    sb_free(&t);
    bool ascii = tui_screen_ascii();
    int rw = tui_text_width(right, strlen(right), ascii);
    int sw = tui_text_width(state, strlen(state), ascii);
    int x = r->w - rw;
    if (x < 0) x = 0;
    tui_puts(r->y, x, r->w - x, right, A(HEADER));
    int sx = x - sw - 1;
    if (sx > 0) tui_puts(r->y, sx, sw, state, tui_theme_attr(role));
    char left[512];
    snprintf(left, sizeof left, " concviz %s %s%s", tui_glyph_text(GLYPH_SEP), a->session->title,
             a->session->replay ? "  (replay)" : "");
    int lw = (sx > 0 ? sx : x) - 1;
    tui_put_ellipsized(r->y, 0, lw, left, strlen(left), A(HEADER));
}

/* The caption (wrapped over the caption band) and the status row: a
 * message, or the last event in words. */
static void tui_draw_caption(tui_app *a) {
    const tui_layout *l = &a->layout;
    const trace_fold_state *s = a->st;
    bool ascii = tui_screen_ascii();
    int rows = l->caption.h + l->status.h;
    bool have_message = a->message.len > 0;
    /* without a status row, a message takes the caption row */
    int cap_rows = l->status.h ? rows : 1;
    const char *text = tui_session_caption(a->session, s);
    int y = l->caption.y;
    int used_rows = 0;
    if (!(have_message && !l->status.h)) {
        int x = l->caption.x + 1;
        const char *mark = tui_glyph_text(GLYPH_CAPTION);
        bool any = tui_session_has_captions(a->session);
        if (any) tui_puts(y, x, 2, mark, A(CAPTION));
        int w = l->caption.w - 3;
        if (text && *text) {
            size_t n = strlen(text), at = 0;
            /* leave the status row to the status when the caption fits on one */
            int first = tui_text_width(text, n, ascii) <= w ? 1 : cap_rows;
            for (int row = 0; row < first && at < n; row++) {
                size_t next, len = tui_text_wrap(text + at, n - at, w, ascii, &next);
                bool last = row + 1 == first && at + next < n;
                if (last) tui_put_ellipsized(y + row, x + 2, w, text + at, n - at, A(CAPTION));
                else tui_put(y + row, x + 2, w, text + at, len, A(CAPTION));
                at += next;
                used_rows = row + 1;
            }
        } else if (any) {
            tui_puts(y, x + 2, w, "(no caption yet)", A(DIM));
            used_rows = 1;
        } else {
            used_rows = 0;
        }
    }
    if (l->status.h && used_rows > 1) return; /* a long caption took the status row */
    int sy = l->status.h ? l->status.y : l->caption.y;
    if (!l->status.h && !have_message) return;
    tui_fill(sy, l->caption.x, l->caption.w, A(NORMAL));
    if (have_message) {
        tui_put_ellipsized(sy, l->caption.x + 1, l->caption.w - 2, a->message.data, a->message.len,
                           a->message_error ? A(STDERR) : A(STATUS));
        return;
    }
    strbuf b;
    sb_init(&b);
    if (a->player.pos == 0) {
        sb_puts(&b, "at the start: nothing has happened yet (space plays, → steps)");
    } else {
        sb_printf(&b, "event %zu: ", a->player.pos - 1);
        tui_describe_event(a->session->fold, s, a->player.pos - 1, &b);
    }
    tui_put_ellipsized(sy, l->caption.x + 1, l->caption.w - 2, b.data, b.len, A(DIM));
    sb_free(&b);
}

const char *tui_draw_key_label(const char *label, char *buf, size_t n) {
    if (!tui_screen_ascii()) return label;
    static const struct {
        const char *u, *a;
    } map[] = {{"→", "->"}, {"←", "<-"}, {"↑", "up"}, {"↓", "down"}};
    size_t o = 0;
    for (const char *p = label; *p && o + 5 < n;) {
        bool done = false;
        for (size_t k = 0; k < 4 && !done; k++) {
            size_t ul = strlen(map[k].u);
            if (strncmp(p, map[k].u, ul) == 0) {
                size_t al = strlen(map[k].a);
                memcpy(buf + o, map[k].a, al);
                o += al;
                p += ul;
                done = true;
            }
        }
        if (!done) buf[o++] = *p++;
    }
    buf[o] = '\0';
    return buf;
}

/* The key line: the table's hints, as many as fit, with help and quit
 * always there at the right end. */
static void tui_draw_keys(tui_app *a) {
    const tui_rect *r = &a->layout.keys;
    size_t n;
    const tui_key *keys = tui_keys_table(&n);
    bool ascii = tui_screen_ascii();
    tui_fill(r->y, r->x, r->w, A(KEY_DESC));
    /* the pinned hints first, right-aligned */
    int right = r->x + r->w - 1;
    for (size_t i = n; i-- > 0;) {
        tui_action act = keys[i].action;
        if (!keys[i].hint_keys || (act != ACT_HELP && act != ACT_QUIT)) continue;
        int w = (int)strlen(keys[i].hint_keys) + 1 + (int)strlen(keys[i].hint);
        right -= w;
        int x = right;
        x += tui_puts(r->y, x, w, keys[i].hint_keys, A(KEY));
        x += tui_puts(r->y, x, 1, " ", A(KEY_DESC));
        tui_puts(r->y, x, w, keys[i].hint, A(KEY_DESC));
        right -= 2;
    }
    int x = r->x + 1;
    for (size_t i = 0; i < n; i++) {
        tui_action act = keys[i].action;
        if (!keys[i].hint_keys || act == ACT_HELP || act == ACT_QUIT) continue;
        char lb[32];
        const char *label = tui_draw_key_label(keys[i].hint_keys, lb, sizeof lb);
        int kw = tui_text_width(label, strlen(label), ascii);
        int hw = (int)strlen(keys[i].hint);
        if (x + kw + 1 + hw > right) break;
        x += tui_puts(r->y, x, kw, label, A(KEY));
        x += tui_puts(r->y, x, 1, " ", A(KEY_DESC));
        x += tui_puts(r->y, x, hw, keys[i].hint, A(KEY_DESC));
        x += 2;
    }
}

static void tui_draw_titles(tui_app *a) {
    const tui_layout *l = &a->layout;
    char buf[256];
    tui_role lanes_role = a->focus == PANE_LANES ? ROLE_FOCUS : ROLE_TITLE;
    tui_role obj_role = a->focus == PANE_OBJECTS ? ROLE_FOCUS : ROLE_TITLE;
    tui_role src_role = a->focus == PANE_SOURCE ? ROLE_FOCUS : ROLE_TITLE;
    tui_role out_role = a->focus == PANE_OUTPUT ? ROLE_FOCUS : ROLE_TITLE;
    tui_frame_title(&l->lanes, "Processes and threads", tui_theme_attr(lanes_role));
    tui_frame_title(&l->cpu, a->session->gil_none ? "CPU cores (no GIL)" : "CPU cores and GIL", A(TITLE));
    tui_frame_title(&l->objects, "Objects", tui_theme_attr(obj_role));
    const char *base = strrchr(a->session->filename, '/');
    base = base ? base + 1 : a->session->filename;
    if (l->tabbed) {
        bool out = a->focus == PANE_OUTPUT;
        snprintf(buf, sizeof buf, "%s %s", out ? "Output" : "Source", out ? "" : base);
        tui_frame_title(&l->source, buf, tui_theme_attr(out ? out_role : src_role));
        int tx = l->source.x + l->source.w - 24;
        if (tx > l->source.x + 30)
            tui_puts(l->source.y - 1, tx, 22, out ? " Tab: lanes  (Source) " : " Tab: Output ", A(DIM));
    } else {
        snprintf(buf, sizeof buf, "Source  %s", base);
        tui_frame_title(&l->source, buf, tui_theme_attr(src_role));
        tui_frame_title(&l->output, "Output", tui_theme_attr(out_role));
    }
}

void tui_draw(tui_app *a) {
    erase();
    const tui_layout *l = &a->layout;
    if (l->mode == TUI_LAYOUT_TOO_SMALL) {
        tui_draw_too_small(l);
        return;
    }
    tui_app_rows(a);
    tui_frame_begin(l->lines, l->cols);
    tui_frame_box(&l->lanes);
    tui_frame_box(&l->timeline);
    tui_frame_box(&l->cpu);
    tui_frame_box(&l->objects);
    tui_frame_box(&l->source);
    if (!l->tabbed) tui_frame_box(&l->output);
    tui_rect cap = l->caption;
    cap.h += l->status.h;
    tui_frame_box(&cap);
    tui_frame_draw(A(BORDER));
    tui_frame_end();
    tui_draw_titles(a);
    tui_draw_header(a);
    tui_draw_lanes(a);
    if (l->timeline.w) tui_draw_timeline(a);
    tui_draw_cpu(a);
    tui_draw_objects(a);
    if (!l->tabbed || a->focus != PANE_OUTPUT) tui_draw_source(a);
    if (!l->tabbed || a->focus == PANE_OUTPUT) tui_draw_output(a);
    tui_draw_caption(a);
    tui_draw_keys(a);
    tui_draw_popup(a);
}
