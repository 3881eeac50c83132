/* sim_test_util.h - runs a Python program on the simulated machine for the
 * unit tests, capturing its output and its trace. Header-only (each test
 * program includes it once). */
#ifndef CONCVIZ_SIM_TEST_UTIL_H
#define CONCVIZ_SIM_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "sim/sim.h"
#include "trace/trace.h"

typedef struct simtest_run {
    int status;
    strbuf out, err;
    trace_log *log;
    char *end;        /* the machine's end message (deadlock, limits), or NULL */
} simtest_run;

static void simtest_write(void *ctx, int fd, const char *text, size_t len) {
    simtest_run *r = ctx;
    sb_append(fd == 2 ? &r->err : &r->out, text, len);
}

/* Runs src with cfg (NULL: defaults); status 2 with err filled if it does
 * not compile. */
static void simtest_exec(const char *src, const sim_config *cfg, simtest_run *r) {
    memset(r, 0, sizeof *r);
    sb_init(&r->out);
    sb_init(&r->err);
    sb_puts(&r->out, "");
    sb_puts(&r->err, "");
    r->log = trace_log_new();
    lang_origin o = {"test.py", 1, 0};
    lang_error e;
    lang_program *p = lang_compile(src, strlen(src), &o, &e);
    if (!p) {
        r->status = 2;
        sb_printf(&r->err, "%d:%d: %s\n", e.line, e.col, e.msg);
        return;
    }
    sim_config c;
    if (cfg) c = *cfg;
    else sim_config_default(&c);
    c.write = simtest_write;
    c.write_ctx = r;
    sim *s = sim_new(p, &c, r->log);
    r->status = sim_run(s);
    if (sim_end_message(s)) {
        size_t n = strlen(sim_end_message(s));
        r->end = malloc(n + 1);
        memcpy(r->end, sim_end_message(s), n + 1);
    }
    sim_free(s);
    lang_program_free(p);
}

static void simtest_free(simtest_run *r) {
    sb_free(&r->out);
    sb_free(&r->err);
    trace_log_free(r->log);
    free(r->end);
}

/* Events of a kind (and field a, unless a < 0). */
static size_t simtest_count(const trace_log *log, trace_kind kind, int a) {
    size_t n = 0;
    for (size_t i = 0; i < trace_log_count(log); i++) {
        const trace_event *ev = trace_log_get(log, i);
        if (ev->kind == kind && (a < 0 || ev->a == a)) n++;
    }
    return n;
}

/* The trace as JSON Lines text (caller frees). */
static char *simtest_jsonl(const trace_log *log, size_t *len) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    trace_write_jsonl(log, f);
    fclose(f);
    *len = n;
    return buf;
}

#endif
