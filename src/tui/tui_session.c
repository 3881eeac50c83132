/* tui_session.c - loading what the player plays (see tui_session.h). */
#include "tui/tui_session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lang/lang.h"
#include "lang/xalloc.h"
#include "scenario/builtin.h"
#include "scenario/scenario.h"
#include "scenario/scenario_machine.h"
#include "sim/sim.h"

static void tui_session_problems(scenario_diag *d, strbuf *err) {
    scenario_diag_sort(d);
    for (size_t i = 0; i < d->count; i++) {
        scenario_diag_format(d, i, err);
        sb_putc(err, '\n');
    }
    if (d->dropped)
        sb_printf(err, "%s: %zu more problem%s not shown\n", d->filename ? d->filename : "concviz", d->dropped,
                  d->dropped == 1 ? "" : "s");
}

static void tui_session_program(tui_session *s, const char *text, size_t len) {
    free(s->program);
    free(s->line_starts);
    s->program = xstrndup(text ? text : "", text ? len : 0);
    len = strlen(s->program);
    size_t cap = 16;
    s->line_starts = xreallocarray(NULL, cap, sizeof *s->line_starts);
    s->nlines = 0;
    for (size_t i = 0; i < len;) {
        if (s->nlines == cap) {
            cap *= 2;
            s->line_starts = xreallocarray(s->line_starts, cap, sizeof *s->line_starts);
        }
        s->line_starts[s->nlines++] = i;
        const char *nl = memchr(s->program + i, '\n', len - i);
        i = nl ? (size_t)(nl - s->program) + 1 : len;
    }
}

const char *tui_session_line(const tui_session *s, int line, size_t *len) {
    if (line < 1 || (size_t)line > s->nlines) return NULL;
    const char *start = s->program + s->line_starts[line - 1];
    const char *nl = strchr(start, '\n');
    *len = nl ? (size_t)(nl - start) : strlen(start);
    if (*len && start[*len - 1] == '\r') (*len)--;
    return start;
}

/* The kind whose json name is 'name', or -1. */
static int tui_session_kind(const char *name) {
    static const char *const names[] = {
#define TUI_KIND_NAME(n, json, a, b, text, doc) json,
        TRACE_KINDS(TUI_KIND_NAME)
#undef TUI_KIND_NAME
    };
    for (int i = 0; i < TRACE_KIND_COUNT; i++)
        if (name && strcmp(names[i], name) == 0) return i;
    return -1;
}

static void tui_session_add_caption(tui_session *s, size_t pos, const char *text) {
    if (s->ncaptions == s->captions_cap) {
        s->captions_cap = s->captions_cap ? s->captions_cap * 2 : 8;
        s->captions = xreallocarray(s->captions, s->captions_cap, sizeof *s->captions);
    }
    /* time captions may fire before an earlier-listed line caption: keep
       the positions ascending */
    size_t j = s->ncaptions++;
    while (j > 0 && s->captions[j - 1].pos > pos) {
        s->captions[j] = s->captions[j - 1];
        j--;
    }
    s->captions[j] = (tui_caption){pos, xstrdup(text)};
}

static void tui_session_drop_captions(tui_session *s) {
    for (size_t i = 0; i < s->ncaptions; i++) free(s->captions[i].text);
    free(s->captions);
    s->captions = NULL;
    s->ncaptions = s->captions_cap = 0;
    free(s->cap_done);
    free(s->cap_kinds);
    s->cap_done = NULL;
    s->cap_kinds = NULL;
    s->overlay_pos = 0;
}

/* Lays the scenario's captions over the trace: each shows from the
 * position after the event that triggers it (once): a line caption after
 * the first event of a thread at that line, a time caption after the last
 * event at or before its time, an event caption after the first event of
 * that kind. The events are scanned as they arrive (the machine may still
 * be running); 'over' says no more will come. */
static void tui_session_overlay_scan(tui_session *s, bool over) {
    const scenario *sc = s->have_sc ? &s->sc : NULL;
    if (!sc || sc->ncaptions == 0) return;
    if (!s->cap_done) {
        s->cap_done = xcalloc(sc->ncaptions, sizeof *s->cap_done);
        s->cap_kinds = xcalloc(sc->ncaptions, sizeof *s->cap_kinds);
        for (size_t k = 0; k < sc->ncaptions; k++)
            s->cap_kinds[k] = sc->captions[k].when == SCENARIO_WHEN_EVENT ? tui_session_kind(sc->captions[k].event) : -1;
    }
    size_t n = trace_log_count(s->log);
    for (size_t i = s->overlay_pos; i < n || (over && i == n); i++) {
        const trace_event *ev = i < n ? trace_log_get(s->log, i) : NULL;
        for (size_t k = 0; k < sc->ncaptions; k++) {
            const scenario_caption *c = &sc->captions[k];
            if (s->cap_done[k]) continue;
            const char *say = s->opts.zh && c->say_zh ? c->say_zh : c->say;
            if (c->when == SCENARIO_WHEN_TIME) {
                /* shows once every event up to its time has happened */
                bool fire = ev ? ev->t > c->time_ns : !(i > 0 && trace_log_get(s->log, i - 1)->t < c->time_ns);
                if (fire) {
                    s->cap_done[k] = true;
                    tui_session_add_caption(s, i, say);
                }
                continue;
            }
            if (ev && ((c->when == SCENARIO_WHEN_LINE && ev->tid >= 0 && ev->line == c->line) ||
                       (c->when == SCENARIO_WHEN_EVENT && (int)ev->kind == s->cap_kinds[k]))) {
                s->cap_done[k] = true;
                tui_session_add_caption(s, i + 1, say);
            }
        }
    }
    s->overlay_pos = n;
}

const char *tui_session_caption(const tui_session *ss, const trace_fold_state *s) {
    /* the scenario caption with the largest pos <= s->pos */
    size_t lo = 0, hi = ss->ncaptions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ss->captions[mid].pos <= s->pos) lo = mid + 1;
        else hi = mid;
    }
    const tui_caption *over = lo ? &ss->captions[lo - 1] : NULL;
    if (s->caption != TRACE_FOLD_NONE && (!over || (size_t)s->caption + 1 > over->pos)) {
        const char *t = trace_log_string(ss->log, trace_log_get(ss->log, s->caption)->text, NULL);
        return t ? t : "";
    }
    return over ? over->text : NULL;
}

bool tui_session_has_captions(const tui_session *ss) {
    return ss->ncaptions > 0 || trace_fold_captions(ss->fold)->n > 0;
}

size_t tui_session_caption_after(const tui_session *ss, size_t pos) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < ss->ncaptions; i++)
        if (ss->captions[i].pos > pos) {
            best = ss->captions[i].pos;
            break;
        }
    const trace_fold_seqs *c = trace_fold_captions(ss->fold);
    size_t k = trace_fold_seqs_before(c, pos); /* caption events at seq >= pos show at seq+1 > pos */
    if (k < c->n && (size_t)c->v[k] + 1 < best) best = (size_t)c->v[k] + 1;
    return best;
}

size_t tui_session_caption_before(const tui_session *ss, size_t pos) {
    size_t best = SIZE_MAX;
    for (size_t i = ss->ncaptions; i-- > 0;)
        if (ss->captions[i].pos < pos) {
            best = ss->captions[i].pos;
            break;
        }
    const trace_fold_seqs *c = trace_fold_captions(ss->fold);
    size_t k = pos > 0 ? trace_fold_seqs_before(c, pos - 1) : 0; /* seq + 1 < pos */
    if (k > 0) {
        size_t p = (size_t)c->v[k - 1] + 1;
        if (best == SIZE_MAX || p > best) best = p;
    }
    return best;
}

/* The frames belong to one trace: a re-run or a new trace drops them. */
static void tui_session_drop_frames(tui_session *s) {
    sim_snapshot_free(s->snap);
    s->snap = NULL;
    free(s->snap_error);
    s->snap_error = NULL;
}

const sim_snapshot *tui_session_frames(tui_session *s, size_t pos, const char **why) {
    *why = NULL;
    if (s->snap && s->snap->at == pos) return s->snap;
    if (s->snap_error && s->snap_error_at == pos) {
        *why = s->snap_error;
        return NULL;
    }
    tui_session_drop_frames(s);
    strbuf err;
    sb_init(&err);
    s->snap = scenario_machine_snapshot(s->log, pos, &err);
    if (!s->snap) {
        s->snap_error = sb_take(&err);
        s->snap_error_at = pos;
        *why = s->snap_error;
    }
    sb_free(&err);
    return s->snap;
}

/* Stops the machine (if it still runs) and lets go of its program. */
static void tui_session_stop_engine(tui_session *s) {
    sim_free(s->engine);
    s->engine = NULL;
    lang_program_free(s->prog);
    s->prog = NULL;
}

static void tui_session_clear(tui_session *s) {
    tui_session_stop_engine(s);
    if (s->have_sc) scenario_free(&s->sc);
    tui_session_drop_frames(s);
    trace_fold_free(s->fold);
    trace_log_free(s->log);
    tui_session_drop_captions(s);
    free(s->title);
    free(s->filename);
    free(s->program);
    free(s->line_starts);
    free(s->arg);
    memset(s, 0, sizeof *s);
}

void tui_session_free(tui_session *s) { tui_session_clear(s); }

/* Fills the display fields from a loaded scenario (or none). */
static void tui_session_describe(tui_session *s, const scenario *sc, const trace_header *h) {
    const char *title = sc && s->opts.zh && sc->title_zh ? sc->title_zh : sc ? sc->title : h->title;
    free(s->title);
    free(s->filename);
    s->title = xstrdup(title && *title ? title : h->filename);
    s->filename = xstrdup(sc && sc->filename ? sc->filename : h->filename);
    tui_session_program(s, sc ? sc->program : NULL, sc && sc->program ? sc->program_len : 0);
    s->seed = h->seed;
    s->gil_none = h->gil && strcmp(h->gil, "none") == 0;
    s->cores = h->cores;
}

static double tui_session_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool tui_session_running(const tui_session *s) { return s->engine != NULL; }

bool tui_session_advance(tui_session *s, double budget_ms) {
    if (!s->engine) return false;
    double t0 = tui_session_now_ms();
    size_t before = trace_log_count(s->log);
    bool over;
    do {
        /* small parts, so that the budget is kept even by a busy loop
           that makes no events */
        over = sim_run_some(s->engine, trace_log_count(s->log) + 4096, 8);
    } while (!over && tui_session_now_ms() - t0 < budget_ms);
    trace_fold_sync(s->fold);
    tui_session_overlay_scan(s, over);
    if (over) tui_session_stop_engine(s);
    return over || trace_log_count(s->log) != before;
}

void tui_session_finish(tui_session *s) {
    while (s->engine) tui_session_advance(s, 1000);
}

/* Loads and compiles the scenario, and starts a new run of it: the first
 * part is simulated now (most runs are over within it), the rest as the
 * player goes (tui_session_advance). */
static int tui_session_run(tui_session *s, const char *arg, strbuf *err) {
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    int rc = scenario_load_arg(arg, &sc, &d);
    lang_program *prog = scenario_machine_compile(&sc, &d);
    if (rc != 0 || !prog) {
        tui_session_problems(&d, err);
        lang_program_free(prog);
        scenario_free(&sc);
        scenario_diag_fini(&d);
        return 2;
    }
    sim_config cfg;
    scenario_machine_config(&sc, &cfg);
    if (s->opts.have_seed) cfg.seed = s->opts.seed;
    if (s->opts.max_time_ns > 0) cfg.max_time_ns = s->opts.max_time_ns;
    trace_header h;
    scenario_machine_header(&sc, &cfg, &h);
    trace_log *raw = trace_log_new();
    trace_log_set_header(raw, &h);
    cfg.write = lang_write_nowhere;
    /* the new run replaces the old one */
    tui_session_stop_engine(s);
    if (s->have_sc) scenario_free(&s->sc);
    tui_session_drop_frames(s);
    tui_session_drop_captions(s);
    trace_fold_free(s->fold);
    trace_log_free(s->log);
    s->sc = sc;
    s->have_sc = true;
    s->log = raw;
    s->prog = prog;
    s->engine = sim_new(prog, &cfg, raw);
    s->fold = trace_fold_new(s->log, 0);
    tui_session_describe(s, &s->sc, trace_log_header(s->log));
    tui_session_advance(s, TUI_SESSION_FIRST_MS);
    scenario_diag_fini(&d);
    return 0;
}

int tui_session_open_scenario(tui_session *s, const char *arg, const tui_options *opts, strbuf *err) {
    memset(s, 0, sizeof *s);
    s->opts = *opts;
    s->arg = xstrdup(arg);
    int rc = tui_session_run(s, arg, err);
    if (rc != 0) tui_session_clear(s);
    return rc;
}

int tui_session_rerun(tui_session *s, strbuf *err) {
    if (s->replay) return 0;
    return tui_session_run(s, s->arg, err);
}

int tui_session_open_trace(tui_session *s, const char *path, const tui_options *opts, strbuf *err) {
    memset(s, 0, sizeof *s);
    s->opts = *opts;
    s->arg = xstrdup(path);
    s->replay = true;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sb_printf(err, "concviz: cannot open '%s': %s\n", path, strerror(errno));
        tui_session_clear(s);
        return 2;
    }
    char msg[512];
    trace_log *raw = trace_read_jsonl(f, path, msg, sizeof msg);
    fclose(f);
    if (!raw) {
        sb_printf(err, "%s\n", msg);
        tui_session_clear(s);
        return 2;
    }
    /* the trace carries the scenario's text: read its program and captions
       back from it (a trace without one still plays, without source) */
    const trace_header *h = trace_log_header(raw);
    scenario_diag d;
    scenario_diag_init(&d);
    s->have_sc = h->source[0] && scenario_load_mem(h->filename[0] ? h->filename : "trace.yaml", h->source,
                                                   strlen(h->source), &s->sc, &d) == 0;
    if (!s->have_sc && h->source[0]) scenario_free(&s->sc);
    scenario_diag_fini(&d);
    s->log = raw;
    s->fold = trace_fold_new(s->log, 0);
    tui_session_overlay_scan(s, true);
    tui_session_describe(s, s->have_sc ? &s->sc : NULL, trace_log_header(s->log));
    return 0;
}

bool tui_session_save(tui_session *s, const char *path, strbuf *err) {
    bool ok = false;
    tui_session_finish(s); /* the whole run, as 'concviz record' writes it */
    FILE *f = fopen(path, "wb");
    if (!f) {
        sb_printf(err, "cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    ok = trace_write_jsonl(s->log, f);
    if (fclose(f) != 0) ok = false;
    if (!ok) sb_printf(err, "cannot write '%s'", path);
    return ok;
}

char *tui_session_propose_name(const tui_session *s) {
    const char *base = strrchr(s->filename, '/');
    base = base ? base + 1 : s->filename;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) n = (size_t)(dot - base);
    if (n == 0) {
        base = "trace";
        n = 5;
    }
    strbuf sb;
    sb_init(&sb);
    for (int k = 1; k < 1000; k++) {
        sb_clear(&sb);
        sb_printf(&sb, "%.*s-seed%llu", (int)n, base, (unsigned long long)s->seed);
        if (k > 1) sb_printf(&sb, "-%d", k);
        sb_puts(&sb, ".jsonl");
        if (access(sb.data, F_OK) != 0) break;
    }
    return sb_take(&sb);
}
