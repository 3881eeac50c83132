/* tui_player.c - the playback clock (see tui_player.h). */
#include "tui/tui_player.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"

/* From "very slow" to "as fast as possible". */
static const tui_speed tui_speeds[] = {
    {"×0.01", "x0.01", 0.01, 500}, {"×0.02", "x0.02", 0.02, 350}, {"×0.05", "x0.05", 0.05, 220},
    {"×0.1", "x0.1", 0.1, 140},    {"×0.25", "x0.25", 0.25, 80},  {"×0.5", "x0.5", 0.5, 40},
    {"×1", "x1", 1, 20},           {"×2", "x2", 2, 10},           {"×5", "x5", 5, 4},
    {"×10", "x10", 10, 1.5},       {"×100", "x100", 100, 0.2},   {"max", "max", 0, 0},
};

#define TUI_SPEEDS (sizeof tui_speeds / sizeof tui_speeds[0])
/* At "max", events per tick (a frame): a million-event trace in ~8 s. */
#define TUI_PLAYER_MAX_PER_TICK 2000

size_t tui_speed_count(void) { return TUI_SPEEDS; }

const tui_speed *tui_speed_get(int i) {
    if (i < 0) i = 0;
    if ((size_t)i >= TUI_SPEEDS) i = (int)TUI_SPEEDS - 1;
    return &tui_speeds[i];
}

int tui_speed_default(void) { return 4; }

int tui_speed_nearest(double ratio) {
    if (!(ratio > 0) || isinf(ratio)) return (int)TUI_SPEEDS - 1;
    int best = 0;
    double bd = INFINITY;
    for (size_t i = 0; i + 1 < TUI_SPEEDS; i++) {
        double d = fabs(log(tui_speeds[i].ratio) - log(ratio));
        if (d < bd) {
            bd = d;
            best = (int)i;
        }
    }
    return best;
}

void tui_player_init(tui_player *p, size_t count, int speed, bool playing) {
    memset(p, 0, sizeof *p);
    p->count = count;
    p->speed = speed;
    p->playing = playing && count > 0;
}

void tui_player_fini(tui_player *p) {
    free(p->breaks);
    p->breaks = NULL;
    p->nbreaks = 0;
}

void tui_player_goto(tui_player *p, const trace_log *log, size_t pos) {
    if (pos > p->count) pos = p->count;
    p->pos = pos;
    p->vt = pos ? (double)trace_log_get(log, pos - 1)->t : 0;
    p->credit = 0;
}

bool tui_player_has_break(const tui_player *p, int line) {
    return line > 0 && (size_t)line < p->nbreaks && p->breaks[line];
}

void tui_player_toggle_break(tui_player *p, int line) {
    if (line <= 0 || line > 65535) return;
    if ((size_t)line >= p->nbreaks) {
        size_t n = (size_t)line + 64;
        p->breaks = xrealloc(p->breaks, n);
        memset(p->breaks + p->nbreaks, 0, n - p->nbreaks);
        p->nbreaks = n;
    }
    p->breaks[line] ^= 1;
}

/* Applies the event at pos; returns the stop flags it raises. */
static int tui_player_step(tui_player *p, const trace_log *log) {
    const trace_event *ev = trace_log_get(log, p->pos);
    p->pos++;
    if ((double)ev->t > p->vt) p->vt = (double)ev->t;
    int stop = TUI_STOP_NONE;
    if (ev->kind == TRACE_DEADLOCK) stop |= TUI_STOP_DEADLOCK;
    if (ev->tid >= 0 && tui_player_has_break(p, ev->line)) stop |= TUI_STOP_BREAKPOINT;
    if (stop) p->stop_seq = p->pos - 1;
    return stop;
}

int tui_player_tick(tui_player *p, const trace_log *log, double dt_ms) {
    if (!p->playing) return TUI_STOP_NONE;
    if (dt_ms < 0) dt_ms = 0;
    if (dt_ms > 250) dt_ms = 250; /* after a suspend, do not jump */
    const tui_speed *sp = tui_speed_get(p->speed);
    int stop = TUI_STOP_NONE;
    if (sp->ratio == 0) {
        for (int k = 0; k < TUI_PLAYER_MAX_PER_TICK && p->pos < p->count && !stop; k++)
            stop = tui_player_step(p, log);
    } else {
        /* the clock runs; events due by the clock show, each for its dwell */
        p->credit += sp->dwell_ms > 0 ? dt_ms / sp->dwell_ms : 1e9;
        if (p->credit > 4) p->credit = 4; /* no bursts after a stall */
        double target = p->vt + dt_ms * 1e6 * sp->ratio;
        while (p->pos < p->count && !stop) {
            const trace_event *ev = trace_log_get(log, p->pos);
            if ((double)ev->t > target) {
                p->vt = target;
                break;
            }
            if (p->credit < 1) {
                /* held back by the dwell: the clock waits at this event */
                if ((double)ev->t > p->vt) p->vt = (double)ev->t;
                break;
            }
            p->credit -= 1;
            stop = tui_player_step(p, log);
        }
    }
    if (p->pos >= p->count && !p->growing) stop |= TUI_STOP_END;
    if (stop) {
        p->playing = false;
        p->credit = 0;
    }
    return stop;
}
