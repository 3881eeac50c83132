/* lang.h - the public face of the Python-subset interpreter: compile a
 * program, then run it. Everything else under src/lang is internal. */
#ifndef CONCVIZ_LANG_H
#define CONCVIZ_LANG_H

#include <stddef.h>
#include <stdint.h>

/* A compile-time problem, located in the *file* (offsets already applied). */
typedef struct lang_error {
    int line;          /* 1-based line in the file */
    int col;           /* 1-based column in the file */
    char msg[320];     /* e.g. "SyntaxError: invalid syntax" or
                          "generators (yield) are not supported by concviz" */
} lang_error;

/* Where the program text sits inside its file: program line 1 is file line
 * first_line, and every program column is shifted right by indent (the
 * indentation a YAML block scalar strips). A bare .py file: {1, 0}. */
typedef struct lang_origin {
    const char *filename;   /* shown in messages and tracebacks; not owned */
    int first_line;
    int indent;
} lang_origin;

typedef struct lang_program lang_program;

/* Compiles src (len bytes, UTF-8). Returns a program the caller frees with
 * lang_program_free, or NULL with *err filled in. The program keeps a copy of
 * src and of origin.filename. */
lang_program *lang_compile(const char *src, size_t len, const lang_origin *origin, lang_error *err);
void lang_program_free(lang_program *p);
/* Marks a program as the machine's own helper code: its frames are left
 * out of tracebacks and of the lines the trace reports. */
void lang_program_mark_internal(lang_program *p);

/* Output sink: fd 1 is the program's stdout, fd 2 its stderr. */
typedef void (*lang_write_fn)(void *ctx, int fd, const char *text, size_t len);
/* A lang_write_fn that drops the output (it is in the trace, or unwanted). */
void lang_write_nowhere(void *ctx, int fd, const char *text, size_t len);

typedef struct lang_run_opts {
    uint64_t seed;          /* seeds the random module */
    int cores;              /* os.cpu_count() */
    lang_write_fn write;    /* NULL: write to the real stdout/stderr */
    void *write_ctx;
} lang_run_opts;

/* Runs the program as `python3 FILE` would and returns its exit status:
 * 0, the sys.exit() code, or 1 after an uncaught exception (traceback on fd 2). */
int lang_run(const lang_program *p, const lang_run_opts *opts);

#endif
