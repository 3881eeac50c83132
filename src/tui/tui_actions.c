/* tui_actions.c - what the keys and the mouse do to the player's state
 * (no drawing here: every handler only changes state and marks it dirty). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"
#include "tui/tui_app.h"
#include "tui/tui_describe.h"

void tui_app_init(tui_app *a, tui_session *s) {
    memset(a, 0, sizeof *a);
    a->session = s;
    const tui_options *o = &s->opts;
    int speed = o->speed > 0 || isinf(o->speed) ? tui_speed_nearest(o->speed) : tui_speed_default();
    tui_player_init(&a->player, trace_fold_count(s->fold), speed, !o->paused);
    a->player.growing = tui_session_running(s);
    a->st = trace_fold_seek(s->fold, 0);
    a->sel_thread = 0;
    a->sel_object = 0;
    a->source_top = 1;
    sb_init(&a->popup_title);
    sb_init(&a->popup_text);
    sb_init(&a->prompt_buf);
    sb_init(&a->message);
    a->dirty = true;
}

void tui_app_fini(tui_app *a) {
    tui_player_fini(&a->player);
    free(a->rows);
    free(a->object_rows);
    sb_free(&a->popup_title);
    sb_free(&a->popup_text);
    sb_free(&a->prompt_buf);
    sb_free(&a->message);
}

void tui_app_message(tui_app *a, bool error, const char *fmt, ...) {
    sb_clear(&a->message);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->dirty = true;
}

void tui_app_goto(tui_app *a, size_t pos) {
    tui_player_goto(&a->player, a->session->log, pos);
    a->st = trace_fold_seek(a->session->fold, a->player.pos);
    a->dirty = true;
}

/* ------------------------------------------------------------------ */
/* Rows of the lanes                                                   */

static void tui_app_push_row(tui_app *a, tui_row_kind kind, int32_t proc, int32_t thread, bool last) {
    if (a->nrows == a->rows_cap) {
        a->rows_cap = a->rows_cap ? a->rows_cap * 2 : 32;
        a->rows = xreallocarray(a->rows, a->rows_cap, sizeof *a->rows);
    }
    a->rows[a->nrows++] = (tui_lane_row){kind, proc, thread, last};
}

void tui_app_rows(tui_app *a) {
    const trace_fold_state *s = a->st;
    a->nrows = 0;
    /* threads per process, in slot order: count, then place */
    uint32_t np = s->nprocs;
    uint32_t *count = xcalloc((size_t)np + 1, sizeof *count);
    for (uint32_t t = 0; t < s->nthreads; t++) {
        int32_t p = s->threads[t].proc;
        count[p >= 0 && (uint32_t)p < np ? (uint32_t)p : np]++;
    }
    for (uint32_t p = 0; p <= np; p++) {
        if (p == np && count[np] == 0) break;
        int32_t proc = p == np ? -1 : (int32_t)p;
        if (count[p] == 1 && proc >= 0) {
            for (uint32_t t = 0; t < s->nthreads; t++)
                if (s->threads[t].proc == proc) tui_app_push_row(a, ROW_PROC_THREAD, proc, (int32_t)t, true);
            continue;
        }
        tui_app_push_row(a, ROW_PROC, proc, -1, false);
        uint32_t seen = 0;
        for (uint32_t t = 0; t < s->nthreads && seen < count[p]; t++) {
            int32_t tp = s->threads[t].proc;
            bool mine = proc >= 0 ? tp == proc : !(tp >= 0 && (uint32_t)tp < np);
            if (!mine) continue;
            seen++;
            tui_app_push_row(a, ROW_THREAD, proc, (int32_t)t, seen == count[p]);
        }
    }
    free(count);
}

static int tui_app_row_of_thread(const tui_app *a, int32_t thread) {
    for (size_t i = 0; i < a->nrows; i++)
        if (a->rows[i].thread == thread) return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Selection and scrolling                                             */

int tui_app_source_line(const tui_app *a) {
    if (a->focus == PANE_SOURCE && a->source_cursor > 0) return a->source_cursor;
    const trace_fold_state *s = a->st;
    if (a->sel_thread >= 0 && (uint32_t)a->sel_thread < s->nthreads) return s->threads[a->sel_thread].line;
    return 0;
}

static void tui_app_select_thread_step(tui_app *a, int dir, int times) {
    tui_app_rows(a);
    int row = tui_app_row_of_thread(a, a->sel_thread);
    for (int k = 0; k < times; k++) {
        int r = row;
        do {
            r += dir;
        } while (r >= 0 && (size_t)r < a->nrows && a->rows[r].thread < 0);
        if (r < 0 || (size_t)r >= a->nrows) break;
        row = r;
    }
    if (row < 0) {
        /* nothing selected yet: the first thread row */
        for (size_t i = 0; i < a->nrows; i++)
            if (a->rows[i].thread >= 0) {
                row = (int)i;
                break;
            }
    }
    if (row >= 0) a->sel_thread = a->rows[row].thread;
}

static void tui_app_move(tui_app *a, int dir, int times) {
    const trace_fold_state *s = a->st;
    switch (a->focus) {
    case PANE_LANES: tui_app_select_thread_step(a, dir, times); break;
    case PANE_OBJECTS: {
        int n = (int)s->nobjects;
        if (n == 0) break;
        int o = a->sel_object + dir * times;
        a->sel_object = o < 0 ? 0 : o >= n ? n - 1 : o;
        break;
    }
    case PANE_SOURCE: {
        int n = (int)a->session->nlines;
        if (n == 0) break;
        int line = a->source_cursor > 0 ? a->source_cursor : tui_app_source_line(a);
        if (line <= 0) line = a->source_top;
        line += dir * times;
        a->source_cursor = line < 1 ? 1 : line > n ? n : line;
        break;
    }
    case PANE_OUTPUT: {
        /* up scrolls back in time */
        int back = a->output_back - dir * times;
        int max = (int)trace_fold_lines_before(a->session->fold, a->player.pos);
        a->output_back = back < 0 ? 0 : back > max ? max : back;
        break;
    }
    default: break;
    }
    a->dirty = true;
}

static int tui_app_pane_height(const tui_app *a) {
    const tui_layout *l = &a->layout;
    switch (a->focus) {
    case PANE_LANES: return l->lanes.h;
    case PANE_OBJECTS: return l->objects.h;
    case PANE_SOURCE: return l->source.h;
    default: return l->output.h;
    }
}

static void tui_app_focus(tui_app *a, int dir) {
    int f = ((int)a->focus + dir + PANE_COUNT) % PANE_COUNT;
    a->focus = (tui_pane)f;
    /* the source cursor starts where the selected thread is */
    a->source_cursor = 0;
    if (a->focus == PANE_SOURCE) a->source_cursor = tui_app_source_line(a);
    a->dirty = true;
}

/* ------------------------------------------------------------------ */
/* Moments                                                             */

/* The first entry of s that is >= from, or SIZE_MAX. */
static size_t tui_app_next_in(const trace_fold_seqs *s, size_t from) {
    if (!s) return SIZE_MAX;
    size_t i = trace_fold_seqs_before(s, from);
    return i < s->n ? s->v[i] : SIZE_MAX;
}

/* The last entry of s that is < before, or SIZE_MAX. */
static size_t tui_app_prev_in(const trace_fold_seqs *s, size_t before) {
    if (!s) return SIZE_MAX;
    size_t i = trace_fold_seqs_before(s, before);
    return i > 0 ? s->v[i - 1] : SIZE_MAX;
}

/* Moments are positions: a caption appears, a line is printed, the
 * selected thread changes state (each right after its event). */
static void tui_app_moment(tui_app *a, int dir) {
    trace_fold *f = a->session->fold;
    const trace_fold_seqs *lists[2] = {trace_fold_prints(f), trace_fold_thread_changes(f, a->sel_thread)};
    size_t pos = a->player.pos;
    if (dir > 0) {
        size_t best = tui_session_caption_after(a->session, pos);
        for (int k = 0; k < 2; k++) {
            size_t s = tui_app_next_in(lists[k], pos); /* shows at s + 1 > pos */
            if (s != SIZE_MAX && s + 1 < best) best = s + 1;
        }
        tui_app_goto(a, best == SIZE_MAX ? a->player.count : best);
    } else {
        size_t best = tui_session_caption_before(a->session, pos);
        for (int k = 0; k < 2; k++) {
            size_t s = pos > 0 ? tui_app_prev_in(lists[k], pos - 1) : SIZE_MAX; /* s + 1 < pos */
            if (s != SIZE_MAX && (best == SIZE_MAX || s + 1 > best)) best = s + 1;
        }
        tui_app_goto(a, best == SIZE_MAX ? 0 : best);
    }
}

/* ------------------------------------------------------------------ */
/* Popups and prompts                                                  */

static void tui_app_popup_text(tui_app *a, const char *title) {
    sb_clear(&a->popup_title);
    sb_puts(&a->popup_title, title);
    a->popup = POPUP_TEXT;
    a->popup_top = 0;
    a->dirty = true;
}

static void tui_app_open_prompt(tui_app *a, tui_prompt_kind kind, const char *initial) {
    a->popup = POPUP_PROMPT;
    a->prompt = kind;
    sb_clear(&a->prompt_buf);
    if (initial) sb_puts(&a->prompt_buf, initial);
    sb_clear(&a->popup_title);
    sb_puts(&a->popup_title, kind == PROMPT_GOTO ? "Go to a time" : "Save the trace");
    a->player.playing = false;
    a->dirty = true;
}

static void tui_app_prompt_done(tui_app *a) {
    const char *text = a->prompt_buf.data ? a->prompt_buf.data : "";
    a->popup = POPUP_NONE;
    a->dirty = true;
    if (a->prompt == PROMPT_GOTO) {
        char *end;
        const char *p = text;
        while (*p == ' ') p++;
        if (*p == '#') {
            long long n = strtoll(p + 1, &end, 10);
            if (end == p + 1 || n < 0) {
                tui_app_message(a, true, "not an event number: '%s'", text);
                return;
            }
            tui_app_goto(a, (size_t)n);
            return;
        }
        double secs = strtod(p, &end);
        while (*end == ' ' || *end == 's') end++;
        if (end == p || *end || !(secs >= 0) || secs > 1e9) {
            tui_app_message(a, true, "not a time in seconds: '%s' (e.g. 0.25, or #120 for event 120)", text);
            return;
        }
        int64_t t = (int64_t)(secs * 1e9 + 0.5);
        tui_app_goto(a, trace_fold_pos_at_time(a->session->fold, t));
        /* the clock shows the time asked for: the state is the one then */
        if ((double)t > a->player.vt) a->player.vt = (double)t;
        return;
    }
    if (!*text) {
        tui_app_message(a, true, "not saved: no file name");
        return;
    }
    strbuf err;
    sb_init(&err);
    if (tui_session_save(a->session, text, &err))
        tui_app_message(a, false, "saved the trace to %s (concviz replay %s)", text, text);
    else
        tui_app_message(a, true, "%s", err.data ? err.data : "cannot save");
    sb_free(&err);
}

void tui_app_prompt_key(tui_app *a, int rc, unsigned code) {
    bool fn = rc == 1; /* KEY_CODE_YES */
    if ((!fn && code == 27)) {
        a->popup = POPUP_NONE;
        a->dirty = true;
        return;
    }
    if ((!fn && (code == '\n' || code == '\r')) || (fn && tui_keys_lookup((int)code, 1) == ACT_DETAILS)) {
        tui_app_prompt_done(a);
        return;
    }
    bool backspace = (!fn && (code == 127 || code == 8)) || (fn && tui_keys_lookup((int)code, 1) == ACT_NONE &&
                                                             code == 0407 /* KEY_BACKSPACE */);
    if (backspace) {
        strbuf *b = &a->prompt_buf;
        while (b->len > 0) {
            unsigned char c = (unsigned char)b->data[--b->len];
            if ((c & 0xC0) != 0x80) break;
        }
        if (b->data) b->data[b->len] = '\0';
    } else if (!fn && code >= 0x20 && code != 0x7f && a->prompt_buf.len < 400) {
        char u[4];
        size_t n;
        if (code < 0x80) {
            u[0] = (char)code;
            n = 1;
        } else if (code < 0x800) {
            u[0] = (char)(0xC0 | code >> 6);
            u[1] = (char)(0x80 | (code & 0x3F));
            n = 2;
        } else if (code < 0x10000) {
            u[0] = (char)(0xE0 | code >> 12);
            u[1] = (char)(0x80 | ((code >> 6) & 0x3F));
            u[2] = (char)(0x80 | (code & 0x3F));
            n = 3;
        } else {
            u[0] = (char)(0xF0 | code >> 18);
            u[1] = (char)(0x80 | ((code >> 12) & 0x3F));
            u[2] = (char)(0x80 | ((code >> 6) & 0x3F));
            u[3] = (char)(0x80 | (code & 0x3F));
            n = 4;
        }
        sb_append(&a->prompt_buf, u, n);
    }
    a->dirty = true;
}

/* ------------------------------------------------------------------ */
/* Playback stops                                                      */

void tui_app_stopped(tui_app *a, int stop) {
    const trace_log *log = a->session->log;
    a->dirty = true;
    if (stop & TUI_STOP_DEADLOCK) {
        const trace_event *ev = trace_log_get(log, a->player.stop_seq);
        sb_clear(&a->popup_text);
        sb_puts(&a->popup_text, "Every live thread is blocked and nothing can wake one.\n\n");
        sb_puts(&a->popup_text, tui_str(log, ev->text));
        sb_puts(&a->popup_text, "\n\nPlayback paused. Esc closes this window; ← steps back.");
        tui_app_popup_text(a, "Deadlock");
        tui_app_message(a, true, "deadlock: playback paused");
    } else if (stop & TUI_STOP_BREAKPOINT) {
        const trace_event *ev = trace_log_get(log, a->player.stop_seq);
        int32_t t = trace_fold_thread_slot(a->session->fold, ev->tid);
        tui_app_message(a, false, "breakpoint: %s reached line %u", tui_thread_name(log, a->st, t), ev->line);
        if (t >= 0) a->sel_thread = t;
    } else if (stop & TUI_STOP_END) {
        tui_app_message(a, false, "the end of the run");
    }
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static void tui_app_restart(tui_app *a) {
    strbuf err;
    sb_init(&err);
    if (tui_session_rerun(a->session, &err) != 0) {
        /* the scenario no longer loads: keep playing the old run */
        char *nl = err.data ? strchr(err.data, '\n') : NULL;
        if (nl) *nl = '\0';
        tui_app_message(a, true, "cannot restart: %s", err.data ? err.data : "?");
        sb_free(&err);
        return;
    }
    sb_free(&err);
    int speed = a->player.speed;
    uint8_t *breaks = a->player.breaks;
    size_t nbreaks = a->player.nbreaks;
    tui_player_init(&a->player, trace_fold_count(a->session->fold), speed, true);
    a->player.growing = tui_session_running(a->session);
    a->player.breaks = breaks;
    a->player.nbreaks = nbreaks;
    a->st = trace_fold_seek(a->session->fold, 0);
    a->output_back = 0;
    tui_app_goto(a, 0);
    a->player.playing = a->player.count > 0;
    tui_app_message(a, false, a->session->replay ? "from the start" : "restarted (same seed %llu)",
                    (unsigned long long)a->session->seed);
}

bool tui_app_act(tui_app *a, tui_action act) {
    tui_player *p = &a->player;
    if (act != ACT_NONE && act != ACT_UP && act != ACT_DOWN) sb_clear(&a->message);
    a->dirty = true;
    switch (act) {
    case ACT_PLAY:
        if (p->pos >= p->count && !p->growing) tui_app_goto(a, 0); /* play again from the start */
        p->playing = !p->playing && p->count > 0;
        p->credit = 1;
        break;
    case ACT_STEP:
        p->playing = false;
        tui_app_goto(a, p->pos + 1);
        break;
    case ACT_BACK:
        p->playing = false;
        if (p->pos > 0) tui_app_goto(a, p->pos - 1);
        break;
    case ACT_NEXT_MOMENT:
        p->playing = false;
        tui_app_moment(a, 1);
        break;
    case ACT_PREV_MOMENT:
        p->playing = false;
        tui_app_moment(a, -1);
        break;
    case ACT_HOME:
        p->playing = false;
        tui_app_goto(a, 0);
        break;
    case ACT_END:
        p->playing = false;
        tui_app_goto(a, p->count);
        break;
    case ACT_FASTER:
        if ((size_t)p->speed + 1 < tui_speed_count()) p->speed++;
        break;
    case ACT_SLOWER:
        if (p->speed > 0) p->speed--;
        break;
    case ACT_GOTO: tui_app_open_prompt(a, PROMPT_GOTO, NULL); break;
    case ACT_FOCUS: tui_app_focus(a, 1); break;
    case ACT_FOCUS_BACK: tui_app_focus(a, -1); break;
    case ACT_UP: tui_app_move(a, -1, 1); break;
    case ACT_DOWN: tui_app_move(a, 1, 1); break;
    case ACT_PAGE_UP: tui_app_move(a, -1, tui_app_pane_height(a) > 1 ? tui_app_pane_height(a) - 1 : 1); break;
    case ACT_PAGE_DOWN: tui_app_move(a, 1, tui_app_pane_height(a) > 1 ? tui_app_pane_height(a) - 1 : 1); break;
    case ACT_DETAILS: {
        const trace_fold_state *s = a->st;
        sb_clear(&a->popup_text);
        sb_clear(&a->popup_title);
        if (a->focus == PANE_OBJECTS && a->sel_object >= 0 && (uint32_t)a->sel_object < s->nobjects) {
            tui_details_object(a, a->sel_object, &a->popup_title, &a->popup_text);
        } else if (a->sel_thread >= 0 && (uint32_t)a->sel_thread < s->nthreads) {
            tui_details_thread(a, a->sel_thread, &a->popup_title, &a->popup_text);
        } else {
            tui_app_message(a, true, "nothing selected yet (step forward until threads exist)");
            break;
        }
        char *title = xstrdup(a->popup_title.data);
        tui_app_popup_text(a, title);
        free(title);
        break;
    }
    case ACT_BREAK: {
        int line = tui_app_source_line(a);
        if (line <= 0) {
            tui_app_message(a, true, "no source line selected (Tab to the source pane, then ↑/↓)");
            break;
        }
        tui_player_toggle_break(p, line);
        tui_app_message(a, false, tui_player_has_break(p, line) ? "breakpoint on line %d: playback pauses there"
                                                                : "breakpoint on line %d removed",
                        line);
        break;
    }
    case ACT_RESTART: tui_app_restart(a); break;
    case ACT_SAVE: {
        char *name = tui_session_propose_name(a->session);
        tui_app_open_prompt(a, PROMPT_SAVE, name);
        free(name);
        break;
    }
    case ACT_TIMESCALE:
        a->by_events = !a->by_events;
        tui_app_message(a, false, a->by_events ? "timeline: one column per slice of events"
                                               : "timeline: one column per slice of time");
        break;
    case ACT_HELP:
        a->popup = POPUP_HELP;
        a->popup_top = 0;
        break;
    case ACT_QUIT: return false;
    default: break;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Mouse                                                               */

void tui_app_mouse(tui_app *a, int y, int x, bool click, int wheel) {
    const tui_layout *l = &a->layout;
    a->dirty = true;
    tui_pane pane;
    if (tui_rect_has(&l->lanes, y, x) || tui_rect_has(&l->timeline, y, x)) pane = PANE_LANES;
    else if (tui_rect_has(&l->objects, y, x) || tui_rect_has(&l->cpu, y, x)) pane = PANE_OBJECTS;
    else if (tui_rect_has(&l->source, y, x) && !(l->tabbed && a->focus == PANE_OUTPUT)) pane = PANE_SOURCE;
    else if (tui_rect_has(&l->output, y, x)) pane = PANE_OUTPUT;
    else return;
    if (wheel) {
        tui_pane keep = a->focus;
        a->focus = pane;
        if (pane == PANE_LANES) {
            int max = (int)a->nrows - l->lanes.h;
            a->lanes_top += wheel * 3;
            if (a->lanes_top > max) a->lanes_top = max;
            if (a->lanes_top < 0) a->lanes_top = 0;
        } else if (pane == PANE_OBJECTS) {
            a->objects_top += wheel * 3;
            if (a->objects_top < 0) a->objects_top = 0;
        } else if (pane == PANE_SOURCE) {
            int max = (int)a->session->nlines - l->source.h + 1;
            a->source_top += wheel * 3;
            if (a->source_top > max) a->source_top = max;
            if (a->source_top < 1) a->source_top = 1;
            if (keep == PANE_SOURCE && a->source_cursor == 0) a->source_cursor = tui_app_source_line(a);
        } else {
            tui_app_move(a, wheel, 3);
        }
        a->focus = keep;
        return;
    }
    if (!click) return;
    if (tui_rect_has(&l->timeline, y, x)) {
        /* a click on the strips moves the cursor to that moment */
        size_t count = a->player.count;
        double frac = (double)(x - l->timeline.x) / (double)(l->timeline.w > 1 ? l->timeline.w - 1 : 1);
        int64_t t_end = count ? trace_log_get(a->session->log, count - 1)->t : 0;
        size_t pos = a->by_events || t_end == 0
                         ? (size_t)(frac * (double)count + 0.5)
                         : trace_fold_pos_at_time(a->session->fold, (int64_t)(frac * (double)t_end));
        a->player.playing = false;
        tui_app_goto(a, pos);
    }
    if (pane != a->focus) {
        a->focus = pane;
        a->source_cursor = 0;
    }
    if (pane == PANE_LANES) {
        int row = a->lanes_top + (y - l->lanes.y);
        if (row >= 0 && (size_t)row < a->nrows && a->rows[row].thread >= 0) a->sel_thread = a->rows[row].thread;
    } else if (pane == PANE_OBJECTS && tui_rect_has(&l->objects, y, x)) {
        int row = y - l->objects.y;
        if (row >= 0 && row < a->nobject_rows && a->object_rows[row] >= 0) a->sel_object = a->object_rows[row];
    } else if (pane == PANE_SOURCE) {
        int line = a->source_top + (y - l->source.y);
        if (line >= 1 && (size_t)line <= a->session->nlines) a->source_cursor = line;
    }
}
