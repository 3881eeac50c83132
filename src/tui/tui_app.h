/* tui_app.h - the player's state shared by the input loop (tui_app.c), the
 * actions (tui_actions.c) and the drawing modules (tui_draw*.c). Handlers
 * change this state and mark it dirty; only tui_draw paints, once a
 * frame. */
#ifndef CONCVIZ_TUI_APP_H
#define CONCVIZ_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lang/strbuf.h"
#include "trace/trace_fold.h"
#include "tui/tui_keys.h"
#include "tui/tui_layout.h"
#include "tui/tui_player.h"
#include "tui/tui_session.h"

typedef enum tui_pane { PANE_LANES, PANE_OBJECTS, PANE_SOURCE, PANE_OUTPUT, PANE_COUNT } tui_pane;

typedef enum tui_popup_kind {
    POPUP_NONE,
    POPUP_HELP,
    POPUP_TEXT,    /* details, the deadlock report, messages */
    POPUP_PROMPT   /* one line of input */
} tui_popup_kind;

typedef enum tui_prompt_kind { PROMPT_GOTO, PROMPT_SAVE } tui_prompt_kind;

/* One row of the lanes: a process header, a thread, or a process with a
 * single thread drawn on one row. */
typedef enum tui_row_kind { ROW_PROC, ROW_THREAD, ROW_PROC_THREAD } tui_row_kind;

typedef struct tui_lane_row {
    tui_row_kind kind;
    int32_t proc;     /* process slot (-1: threads of an unknown process) */
    int32_t thread;   /* thread slot, -1 for ROW_PROC */
    bool last;        /* the last thread of its process (tree drawing) */
} tui_lane_row;

typedef struct tui_app {
    tui_session *session;
    tui_player player;
    tui_layout layout;
    const trace_fold_state *st;   /* the state at player.pos */
    tui_pane focus;
    int32_t sel_thread;           /* thread slot, -1 none */
    int32_t sel_object;           /* object slot, -1 none */
    int lanes_top, objects_top;   /* first row shown */
    int source_top;               /* first program line shown (1-based) */
    int source_cursor;            /* program line selected in the source pane; 0 = follow the thread */
    int output_back;              /* output lines scrolled back from the newest */
    bool by_events;               /* timeline strips by event index instead of time */
    tui_lane_row *rows;           /* the lanes' rows at this state */
    size_t nrows, rows_cap;
    int32_t *object_rows;         /* object slot drawn on each objects row (for clicks) */
    int nobject_rows;
    /* popups */
    tui_popup_kind popup;
    strbuf popup_title;
    strbuf popup_text;
    int popup_top;
    tui_prompt_kind prompt;
    strbuf prompt_buf;
    /* a one-line message in the status row until the next action */
    strbuf message;
    bool message_error;
    bool dirty, quit;
    struct timespec last_tick;
} tui_app;

/* tui_actions.c */
void tui_app_init(tui_app *a, tui_session *s);
void tui_app_fini(tui_app *a);
/* Moves the cursor (the state follows). */
void tui_app_goto(tui_app *a, size_t pos);
/* Runs an action; returns false when the player should quit. */
bool tui_app_act(tui_app *a, tui_action act);
/* A key typed while a prompt is open (wget_wch's result). */
void tui_app_prompt_key(tui_app *a, int rc, unsigned code);
/* Playback stopped by itself. */
void tui_app_stopped(tui_app *a, int stop);
/* A mouse event at (y, x): a click selects, the wheel scrolls. */
void tui_app_mouse(tui_app *a, int y, int x, bool click, int wheel);
void tui_app_message(tui_app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Rebuilds a->rows for the current state. */
void tui_app_rows(tui_app *a);
/* The program line the source pane highlights / puts breakpoints on. */
int tui_app_source_line(const tui_app *a);

/* tui_draw.c and friends: paint the whole screen into stdscr (no refresh). */
void tui_draw(tui_app *a);
void tui_draw_lanes(tui_app *a);
void tui_draw_timeline(tui_app *a);
void tui_draw_cpu(tui_app *a);
void tui_draw_objects(tui_app *a);
void tui_draw_source(tui_app *a);
void tui_draw_output(tui_app *a);
void tui_draw_popup(tui_app *a);
/* A key's label for this terminal: arrows spelled out without UTF-8. */
const char *tui_draw_key_label(const char *label, char *buf, size_t n);
/* Plays a loaded session on the terminal already taken (the browser);
 * returns 0 after q or 128+N after signal N. */
int tui_app_play_session(tui_session *s);
/* Text for the details popup of the selection. */
void tui_details_thread(const tui_app *a, int32_t thread, strbuf *title, strbuf *out);
void tui_details_object(const tui_app *a, int32_t object, strbuf *title, strbuf *out);

#endif
