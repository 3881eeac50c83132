/* tui_session.h - what the player plays (no curses): a scenario run on the
 * simulated machine, or a trace read back from a file, plus what the
 * screen shows beside the events (title, program text).
 *
 * The run is simulated to its end first (the engine is fast), then played.
 * The scenario's own captions ('when: {line: N}', '{time: T}',
 * '{event: KIND}') are not part of a run; the session adds them to the
 * played trace as caption events right after the event that triggers them,
 * and leaves them out again when saving, so a saved trace is exactly what
 * 'concviz record' writes and a replay adds the same captions back. */
#ifndef CONCVIZ_TUI_SESSION_H
#define CONCVIZ_TUI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/strbuf.h"
#include "trace/trace.h"
#include "trace/trace_fold.h"
#include "tui/tui.h"

typedef struct tui_session {
    char *arg;               /* the SCENARIO argument, or the trace path */
    bool replay;
    tui_options opts;
    trace_log *log;          /* the played trace (owned) */
    trace_fold *fold;        /* over log (owned) */
    uint32_t *injected;      /* seqs of the captions the session added, ascending */
    size_t ninjected;
    char *title;
    char *filename;
    char *program;           /* the program's text ("" if unknown) */
    size_t *line_starts;     /* byte offset of program line i+1 */
    size_t nlines;
    uint64_t seed;
    bool gil_none;           /* a free-threaded machine: no GIL rows */
    int cores;
} tui_session;

/* Each returns 0, or 2 with the problems (one "FILE:LINE:COL: message" a
 * line) in err; *s is then empty but safe to free. */
int tui_session_open_scenario(tui_session *s, const char *arg, const tui_options *opts, strbuf *err);
int tui_session_open_trace(tui_session *s, const char *path, const tui_options *opts, strbuf *err);
/* Runs the scenario again (same seed), replacing the trace; a replay just
 * stays as it is. On failure the old session is kept. */
int tui_session_rerun(tui_session *s, strbuf *err);
void tui_session_free(tui_session *s);

/* Writes the trace (without the added captions) as JSON Lines. */
bool tui_session_save(const tui_session *s, const char *path, strbuf *err);
/* A file name for saving that does not exist yet ("NAME-seedN.jsonl");
 * the caller frees it. */
char *tui_session_propose_name(const tui_session *s);
/* Program line 'line' (1-based) without its '\n'; NULL if out of range. */
const char *tui_session_line(const tui_session *s, int line, size_t *len);

#endif
