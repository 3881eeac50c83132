/* tui_session.h - what the player plays (no curses): a scenario run on the
 * simulated machine, or a trace read back from a file, plus what the
 * screen shows beside the events (title, program text).
 *
 * A scenario's run is simulated while it plays: the first part when the
 * session opens (most runs are over within it), the rest as the player
 * goes (tui_session_advance), so a long or endless run opens at once.
 * The scenario's own captions ('when: {line: N}', '{time: T}',
 * '{event: KIND}') are not part of a run: the session lays them over the
 * trace as (position, text) pairs, so a saved trace is exactly what
 * 'concviz record' writes and a replay lays the same captions over it.
 * Captions the program makes itself (concviz.note) are caption events of
 * the trace.  */
#ifndef CONCVIZ_TUI_SESSION_H
#define CONCVIZ_TUI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/strbuf.h"
#include "trace/trace.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "sim/sim_snapshot.h"
#include "trace/trace_fold.h"
#include "tui/tui.h"

/* A scenario caption, shown from position 'pos' on (after the event that
 * triggered it). */
typedef struct tui_caption {
    size_t pos;
    char *text;
} tui_caption;

typedef struct tui_session {
    char *arg;               /* the SCENARIO argument, or the trace path */
    bool replay;
    tui_options opts;
    trace_log *log;          /* the played trace (owned) */
    trace_fold *fold;        /* over log (owned) */
    tui_caption *captions; /* the scenario's captions, by position */
    size_t ncaptions, captions_cap;
    bool *cap_done;          /* per scenario caption: placed already */
    int *cap_kinds;          /* per scenario caption: its event kind, or -1 */
    size_t overlay_pos;      /* events scanned for captions so far */
    scenario sc;             /* the scenario (have_sc): its captions */
    bool have_sc;
    sim *engine;             /* the machine while the run goes on, else NULL */
    lang_program *prog;      /* its program (owned while it runs) */
    char *title;
    char *filename;
    char *program;           /* the program's text ("" if unknown) */
    size_t *line_starts;     /* byte offset of program line i+1 */
    size_t nlines;
    uint64_t seed;
    bool gil_none;           /* a free-threaded machine: no GIL rows */
    int cores;
    sim_snapshot *snap;      /* frames at snap->at (owned; see tui_session_frames) */
    char *snap_error;        /* why the frames at snap_error_at cannot be rebuilt */
    size_t snap_error_at;
} tui_session;

/* Each returns 0, or 2 with the problems (one "FILE:LINE:COL: message" a
 * line) in err; *s is then empty but safe to free. */
int tui_session_open_scenario(tui_session *s, const char *arg, const tui_options *opts, strbuf *err);
int tui_session_open_trace(tui_session *s, const char *path, const tui_options *opts, strbuf *err);
/* Runs the scenario again (same seed), replacing the trace; a replay just
 * stays as it is. On failure the old session is kept. */
int tui_session_rerun(tui_session *s, strbuf *err);
void tui_session_free(tui_session *s);

/* The caption to show at a state: the latest of the scenario's captions
 * and the trace's caption events up to s->pos; NULL if none yet. */
const char *tui_session_caption(const tui_session *ss, const trace_fold_state *s);
/* Whether the run has any caption at all. */
bool tui_session_has_captions(const tui_session *ss);
/* The next / previous position, after / before pos, where a caption of
 * either kind appears; SIZE_MAX if none. */
size_t tui_session_caption_after(const tui_session *ss, size_t pos);
size_t tui_session_caption_before(const tui_session *ss, size_t pos);

/* Every thread's call stack and locals after the first pos events, rebuilt
 * by running the trace's program again (see scenario_machine_snapshot);
 * kept until another position is asked for. NULL with *why set (owned by
 * the session) if they cannot be rebuilt. */
const sim_snapshot *tui_session_frames(tui_session *s, size_t pos, const char **why);

/* How long the run is simulated when the session opens (wall ms). */
#define TUI_SESSION_FIRST_MS 150
/* Whether the machine still runs; advancing simulates for about budget_ms
 * more (and indexes the new events), returning whether anything changed. */
bool tui_session_running(const tui_session *s);
bool tui_session_advance(tui_session *s, double budget_ms);
/* Simulates the rest of the run. */
void tui_session_finish(tui_session *s);

/* Writes the trace as JSON Lines (the whole run: it finishes it first). */
bool tui_session_save(tui_session *s, const char *path, strbuf *err);
/* A file name for saving that does not exist yet ("NAME-seedN.jsonl");
 * the caller frees it. */
char *tui_session_propose_name(const tui_session *s);
/* Program line 'line' (1-based) without its '\n'; NULL if out of range. */
const char *tui_session_line(const tui_session *s, int line, size_t *len);

#endif
