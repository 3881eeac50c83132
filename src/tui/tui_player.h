/* tui_player.h - the playback clock (no curses): which event the cursor is
 * at, playing or paused, at what speed, and when playback stops by itself
 * (the end, a deadlock, a breakpoint).
 *
 * Playing follows virtual time: at speed x, one wall second shows x
 * virtual seconds. Events that happen at the same virtual instant would all
 * flash by at once, so each speed also shows every event for a minimum
 * time ("dwell"); "max" shows as many events as a frame can take. */
#ifndef CONCVIZ_TUI_PLAYER_H
#define CONCVIZ_TUI_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

/* Why playback stopped (tui_player_tick's result, a bit set). */
enum {
    TUI_STOP_NONE = 0,
    TUI_STOP_END = 1,
    TUI_STOP_DEADLOCK = 2,
    TUI_STOP_BREAKPOINT = 4
};

typedef struct tui_speed {
    const char *label;     /* "×0.25" */
    const char *ascii;     /* "x0.25" */
    double ratio;          /* virtual seconds per wall second; 0 = as fast as possible */
    double dwell_ms;       /* the least time an event stays on screen */
} tui_speed;

typedef struct tui_player {
    size_t pos;            /* events applied: the state shown is after these */
    size_t count;          /* events in the trace */
    bool growing;          /* the machine still runs: more events will come */
    bool playing;
    int speed;             /* index into the speed table */
    double vt;             /* the virtual clock shown (ns) */
    double credit;         /* events the dwell allows right now */
    uint8_t *breaks;       /* per program line: a breakpoint */
    size_t nbreaks;        /* size of 'breaks' */
    size_t stop_seq;       /* the event that stopped playback (deadlock/breakpoint) */
} tui_player;

size_t tui_speed_count(void);
const tui_speed *tui_speed_get(int i);
/* The index of the speed nearest to ratio (0 = max). */
int tui_speed_nearest(double ratio);
int tui_speed_default(void);

void tui_player_init(tui_player *p, size_t count, int speed, bool playing);
void tui_player_fini(tui_player *p);
/* Puts the cursor at pos (clamped) and the clock at that event's time. */
void tui_player_goto(tui_player *p, const trace_log *log, size_t pos);
/* Advances by wall time dt_ms while playing; returns TUI_STOP_* flags (and
 * pauses) when playback stops by itself. */
int tui_player_tick(tui_player *p, const trace_log *log, double dt_ms);
void tui_player_toggle_break(tui_player *p, int line);
bool tui_player_has_break(const tui_player *p, int line);

#endif
