/* scenario.h - loads a scenario (a YAML file, or a bare .py file) into a
 * 'scenario' struct, validating every key against one table (scenario.c).
 *
 * Ownership: a 'scenario' owns all of its strings and arrays; release it with
 * scenario_free (also after a failed load). A 'scenario_diag' owns its
 * problem list; release it with scenario_diag_fini. */
#ifndef CONCVIZ_SCENARIO_H
#define CONCVIZ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/strbuf.h"

/* Limits on what a scenario file may contain (bigger is rejected). */
#define SCENARIO_MAX_FILE_BYTES (1024 * 1024)
#define SCENARIO_MAX_DEPTH 32
#define SCENARIO_MAX_NODES 100000
#define SCENARIO_MAX_PROBLEMS 50   /* a diag keeps this many; the rest are counted */

/* The orders below are the orders of the choices in the key table. */
typedef enum scenario_start_method {
    SCENARIO_START_FORK,
    SCENARIO_START_SPAWN,
    SCENARIO_START_FORKSERVER
} scenario_start_method;

typedef enum scenario_gil {
    SCENARIO_GIL_NEW,   /* switch-interval GIL (CPython >= 3.2) */
    SCENARIO_GIL_OLD,   /* release every 100 ticks */
    SCENARIO_GIL_NONE   /* free-threaded */
} scenario_gil;

typedef enum scenario_verify {
    SCENARIO_VERIFY_EXACT,  /* runs identically under CPython; stdout compared byte for byte */
    SCENARIO_VERIFY_TIMING  /* output depends on the simulated timings; no CPython cross-check */
} scenario_verify;

typedef enum scenario_when {
    SCENARIO_WHEN_NONE,   /* only while a caption is being parsed */
    SCENARIO_WHEN_LINE,   /* when execution reaches program line 'line' */
    SCENARIO_WHEN_TIME,   /* when the virtual clock reaches 'time_ns' */
    SCENARIO_WHEN_EVENT   /* when an event named 'event' happens */
} scenario_when;

/* One narration line of the TUI. */
typedef struct scenario_caption {
    scenario_when when;
    int line;             /* program line (1-based), for SCENARIO_WHEN_LINE */
    int64_t time_ns;      /* for SCENARIO_WHEN_TIME */
    char *event;          /* for SCENARIO_WHEN_EVENT, else NULL */
    char *say;            /* never NULL after a successful load */
    char *say_zh;         /* NULL if absent */
    int src_line;         /* where the caption's 'when' is in the file (1-based) */
    int src_col;
} scenario_caption;

typedef struct scenario {
    char *filename;       /* as given (path or built-in file name) */
    bool is_python;       /* loaded from a bare .py file */

    char *title;          /* defaults to the file's base name */
    char *title_zh;       /* NULL if absent */
    char *summary;        /* "" if absent */
    char *summary_zh;     /* NULL if absent */

    int cores;                          /* 1..64, default 4 */
    int start_method;                   /* scenario_start_method, default fork */
    int gil;                            /* scenario_gil, default new */
    int64_t switch_interval_ns;         /* 1us..10s, default 5ms */
    uint64_t seed;                      /* default 0 */

    char *program;        /* NUL-terminated Python source; NULL if missing */
    size_t program_len;
    int program_line;     /* file line (1-based) of program line 1 */
    int program_indent;   /* columns a block scalar strips from each line */

    scenario_caption *captions;
    size_t ncaptions;

    char *expect_stdout;  /* NULL if absent */
    int expect_exit;      /* -1 if absent */
    int verify;           /* scenario_verify, default exact */

    char *source;         /* the whole file, NUL-terminated (for display) */
    size_t source_len;
} scenario;

/* One problem: line/col are 1-based file positions; line 0 means the
 * problem has no position (e.g. the file cannot be opened). */
typedef struct scenario_problem {
    int line;
    int col;
    char *msg;
} scenario_problem;

typedef struct scenario_diag {
    char *filename;       /* used when formatting; set by the loaders */
    scenario_problem *items;
    size_t count;
    size_t cap;
    size_t dropped;       /* problems over SCENARIO_MAX_PROBLEMS, not kept */
} scenario_diag;

void scenario_diag_init(scenario_diag *d);
void scenario_diag_fini(scenario_diag *d);
/* Records a problem (printf-style message); past SCENARIO_MAX_PROBLEMS it
 * only counts it in 'dropped'. */
void scenario_diag_add(scenario_diag *d, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sorts the problems by position (stable; unpositioned ones first). */
void scenario_diag_sort(scenario_diag *d);
/* Appends problem i as "FILE:LINE:COL: msg" (or "concviz: msg" when it has
 * no position), without a newline. */
void scenario_diag_format(const scenario_diag *d, size_t i, strbuf *out);

/* Loads a scenario from a file. A name ending in ".py" is a bare Python
 * program; anything else is parsed as YAML. Returns 0 on success, -1 if any
 * problem was recorded in *diag. *sc is always initialised (and as complete
 * as the input allowed); call scenario_free on it either way. */
int scenario_load_file(const char *path, scenario *sc, scenario_diag *diag);

/* The same for text already in memory; 'name' is the file name used in
 * messages and decides YAML vs. Python like scenario_load_file. */
int scenario_load_mem(const char *name, const char *data, size_t len, scenario *sc,
                      scenario_diag *diag);

void scenario_free(scenario *sc);

/* Strict parsers shared with the command line. Both return false on any
 * malformed or out-of-range input. */
bool scenario_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* "5ms", "500us", "1s", "250ns", "0.005" (seconds) -> nanoseconds. */
bool scenario_parse_duration(const char *s, int64_t *out_ns);
/* Writes a duration the way the table shows it ("5ms", "1.5s", "250ns"). */
void scenario_format_duration(int64_t ns, strbuf *out);

/* Appends a reference of every scenario key (section, name, type and range,
 * default), generated from the key table. */
void scenario_describe_keys(strbuf *out);

#endif
