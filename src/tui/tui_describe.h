/* tui_describe.h - names and sentences for what the screen shows (no
 * curses): a thread's name and short tag, an object's name, one event in
 * words for the status line and the details' history. */
#ifndef CONCVIZ_TUI_DESCRIBE_H
#define CONCVIZ_TUI_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/strbuf.h"
#include "trace/trace_fold.h"

/* The log's string i ("" when out of range). */
const char *tui_str(const trace_log *log, uint32_t i);
/* A thread slot's name, or "?" when the slot does not exist in s. */
const char *tui_thread_name(const trace_log *log, const trace_fold_state *s, int32_t slot);
/* A short tag for source markers: "Main", "T1", "W3", "P101"... (buf holds
 * at least 12 bytes). */
const char *tui_thread_tag(const trace_log *log, const trace_fold_state *s, int32_t slot, char *buf, size_t n);
/* The name without its "(target)" part: "Thread-1 (worker)" -> "Thread-1". */
void tui_thread_short(const trace_log *log, const trace_fold_state *s, int32_t slot, strbuf *out);
const char *tui_object_name(const trace_log *log, const trace_fold_state *s, int32_t slot);
/* "Lock", "Queue", ... for an object type. */
const char *tui_object_type_title(int32_t type);
/* A state in words for people: "running", "waiting for the GIL"... */
const char *tui_state_words(int state);
/* Appends event seq in words ("Thread-1 acquires lock#1: blocked"). */
void tui_describe_event(const trace_fold *f, const trace_fold_state *s, size_t seq, strbuf *out);
/* Appends a time in seconds with microseconds ("0.412000 s"). */
void tui_format_time(int64_t ns, strbuf *out);

#endif
