/* scenario_verify.c - 'concviz verify' (a scenario's program under python3
 * and under concviz, stdout compared with pids mapped) and the expectation
 * check of 'concviz check'. The rules are in scenario_verify.h. */
#include "scenario/scenario_verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lang/xalloc.h"
#include "scenario/builtin.h"
#include "scenario/scenario_machine.h"
#include "sim/sim.h"
#include "trace/trace.h"

/* ------------------------------------------------------------------ lines */

/* One line of an output: its bytes without the '\n', and whether it had one. */
typedef struct vline {
    const char *p;
    size_t len;
    bool nl;
} vline;

/* Splits text into lines (pointers into text). Returns the count; *out is
 * malloc'ed. */
static size_t split_lines(const char *text, vline **out) {
    size_t n = 0, cap = 16;
    vline *v = xmalloc(cap * sizeof *v);
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        if (n == cap) v = xreallocarray(v, cap *= 2, sizeof *v);
        v[n].p = p;
        v[n].len = e ? (size_t)(e - p) : strlen(p);
        v[n].nl = e != NULL;
        n++;
        p = e ? e + 1 : p + strlen(p);
    }
    *out = v;
    return n;
}

static bool vline_eq(const vline *a, const vline *b) {
    return a->len == b->len && a->nl == b->nl && memcmp(a->p, b->p, a->len) == 0;
}

static int vline_cmp(const vline *a, const vline *b) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    if (c) return c;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return (int)a->nl - (int)b->nl;
}

static void put_line(strbuf *out, char mark, const vline *l) {
    sb_putc(out, mark);
    sb_append(out, l->p, l->len);
    sb_putc(out, '\n');
    if (!l->nl) sb_puts(out, "\\ No newline at end of output\n");
}

/* ------------------------------------------------------------------- pids */

static bool is_word(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t scenario_verify_map_pids(const char *text, size_t len, const int64_t *pids, size_t npids,
                                strbuf *out) {
    int64_t seen[256];
    size_t nseen = 0;
    size_t i = 0;
    while (i < len) {
        if (!is_digit(text[i]) || (i > 0 && is_word(text[i - 1])) ||
            (i > 1 && text[i - 1] == '.' && is_digit(text[i - 2]))) {
            sb_putc(out, text[i++]);
            continue;
        }
        size_t j = i;
        while (j < len && is_digit(text[j])) j++;
        bool token = !(j < len && is_word(text[j])) &&
                     !(j + 1 < len && text[j] == '.' && is_digit(text[j + 1])) && j - i <= 18;
        int64_t v = 0;
        for (size_t k = i; token && k < j; k++) v = v * 10 + (text[k] - '0');
        bool pid = false;
        for (size_t k = 0; token && k < npids && !pid; k++) pid = pids[k] == v;
        if (!pid) {
            sb_append(out, text + i, j - i);
        } else {
            size_t k = 0;
            while (k < nseen && seen[k] != v) k++;
            if (k == nseen && nseen < sizeof seen / sizeof seen[0]) seen[nseen++] = v;
            sb_printf(out, "<pid%zu>", k + 1);
        }
        i = j;
    }
    return nseen;
}


/* Parses "<pidK>" at p (n bytes left); returns its length and K, or 0. */
static size_t pid_placeholder(const char *p, size_t n, size_t *k) {
    if (n < 6 || memcmp(p, "<pid", 4) != 0 || !is_digit(p[4])) return 0;
    size_t i = 4, v = 0;
    while (i < n && is_digit(p[i]) && i < 12) v = v * 10 + (size_t)(p[i++] - '0');
    if (i >= n || p[i] != '>') return 0;
    *k = v;
    return i + 1;
}

void scenario_verify_shape(const char *line, size_t len, strbuf *out) {
    for (size_t i = 0; i < len;) {
        size_t k, pl = pid_placeholder(line + i, len - i, &k);
        if (pl) {
            sb_putc(out, '#');
            i += pl;
        } else if (is_digit(line[i])) {
            sb_putc(out, '#');
            while (i < len && is_digit(line[i])) i++;
        } else {
            sb_putc(out, line[i++]);
        }
    }
}

/* The pid token of c starting at j (see the header's rule): its end, or j. */
static size_t pid_token_end(const char *c, size_t len, size_t j) {
    if (j >= len || !is_digit(c[j]) || (j > 0 && is_word(c[j - 1])) ||
        (j > 1 && c[j - 1] == '.' && is_digit(c[j - 2])))
        return j;
    size_t e = j;
    while (e < len && is_digit(c[e])) e++;
    if ((e < len && is_word(c[e])) || (e + 1 < len && c[e] == '.' && is_digit(c[e + 1])) || e - j > 18)
        return j;
    return e;
}

static int64_t token_value(const char *p, size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (p[i] - '0');
    return v;
}

/* A bijection between placeholders K of CPython's side and pids of concviz. */
typedef struct pid_map {
    int64_t value[257]; /* value[K] for K = 1..256; 0 = unset */
} pid_map;

static bool map_has(const pid_map *m, int64_t v, size_t *k) {
    for (size_t i = 1; i <= 256; i++)
        if (m->value[i] != 0 && m->value[i] == v) {
            *k = i;
            return true;
        }
    return false;
}

/* Does the normalized line a match the raw concviz line c, each <pidK> of a
 * standing for a pid token of c (a value in cands) consistently with *m?
 * On a match, *m is extended with the new pairs. */
static bool line_match(const vline *a, const vline *c, const int64_t *cands, size_t nc, pid_map *m) {
    if (a->nl != c->nl) return false;
    pid_map t = *m;
    size_t i = 0, j = 0;
    while (i < a->len) {
        size_t k, pl = pid_placeholder(a->p + i, a->len - i, &k);
        if (pl && k >= 1 && k <= 256) {
            size_t e = pid_token_end(c->p, c->len, j);
            if (e == j) return false;
            int64_t v = token_value(c->p + j, e - j);
            bool cand = false;
            for (size_t q = 0; q < nc && !cand; q++) cand = cands[q] == v;
            size_t other;
            if (!cand || (t.value[k] && t.value[k] != v) || (map_has(&t, v, &other) && other != k))
                return false;
            t.value[k] = v;
            i += pl;
            j = e;
            continue;
        }
        if (j >= c->len || a->p[i] != c->p[j]) return false;
        i++;
        j++;
    }
    if (j != c->len) return false;
    *m = t;
    return true;
}

enum { ALIGN_MAX_CELLS = 4 * 1024 * 1024 };

void scenario_verify_align_pids(const char *a, const char *c, const int64_t *cands, size_t nc,
                                bool ordered, strbuf *out) {
    vline *la, *lc;
    size_t na = split_lines(a, &la), ncl = split_lines(c, &lc);
    size_t *pair = xmalloc((ncl + 1) * sizeof *pair); /* pair[j]: line of a, or SIZE_MAX */
    for (size_t j = 0; j < ncl; j++) pair[j] = SIZE_MAX;
    pid_map m;
    memset(&m, 0, sizeof m);
    if (ordered && (na + 1) * (ncl + 1) <= ALIGN_MAX_CELLS) {
        /* longest common subsequence under line_match (ignoring the map),
         * then pairs taken in order while they agree with the map */
        uint32_t *L = xcalloc((na + 1) * (ncl + 1), sizeof *L);
        pid_map any;
#define CELL(i, j) L[(i) * (ncl + 1) + (j)]
        for (size_t i = na; i-- > 0;)
            for (size_t j = ncl; j-- > 0;) {
                memset(&any, 0, sizeof any);
                CELL(i, j) = line_match(&la[i], &lc[j], cands, nc, &any) ? CELL(i + 1, j + 1) + 1
                             : CELL(i + 1, j) >= CELL(i, j + 1)        ? CELL(i + 1, j)
                                                                        : CELL(i, j + 1);
            }
        size_t i = 0, j = 0;
        while (i < na && j < ncl) {
            memset(&any, 0, sizeof any);
            if (CELL(i, j) == CELL(i + 1, j + 1) + 1 && line_match(&la[i], &lc[j], cands, nc, &any)) {
                if (line_match(&la[i], &lc[j], cands, nc, &m)) pair[j] = i;
                i++;
                j++;
            } else if (CELL(i + 1, j) >= CELL(i, j + 1)) {
                i++;
            } else {
                j++;
            }
        }
#undef CELL
        free(L);
    } else {
        /* order ignored (or too big to align): the first free matching line */
        bool *used = xcalloc(na + 1, sizeof *used);
        for (size_t j = 0; j < ncl; j++)
            for (size_t i = 0; i < na; i++)
                if (!used[i] && line_match(&la[i], &lc[j], cands, nc, &m)) {
                    used[i] = true;
                    pair[j] = i;
                    break;
                }
        free(used);
    }
    for (size_t j = 0; j < ncl; j++) {
        if (pair[j] != SIZE_MAX) {
            sb_append(out, la[pair[j]].p, la[pair[j]].len);
            if (la[pair[j]].nl) sb_putc(out, '\n');
        } else {
            sb_append(out, lc[j].p, lc[j].len);
            if (lc[j].nl) sb_putc(out, '\n');
        }
    }
    if (!out->data) sb_puts(out, "");
    free(pair);
    free(la);
    free(lc);
}

/* ------------------------------------------------------------ exact diff */

enum { DIFF_CONTEXT = 3, DIFF_MAX_CELLS = 16 * 1024 * 1024, DIFF_MAX_PRINTED = 400 };

typedef struct diff_op {
    char kind; /* ' ', '-', '+' */
    size_t a, b; /* index in a (for ' ' and '-') and in b (for ' ' and '+') */
} diff_op;

/* The edit script from a to b: a longest common subsequence by dynamic
 * programming between the common prefix and suffix (outputs are small);
 * when that would be too big, everything in between is replaced. */
static size_t edit_script(const vline *a, size_t na, const vline *b, size_t nb, diff_op **out) {
    diff_op *ops = xmalloc((na + nb + 1) * sizeof *ops);
    size_t n = 0, pre = 0, suf = 0;
    while (pre < na && pre < nb && vline_eq(&a[pre], &b[pre])) pre++;
    while (suf < na - pre && suf < nb - pre && vline_eq(&a[na - 1 - suf], &b[nb - 1 - suf])) suf++;
    for (size_t k = 0; k < pre; k++) ops[n++] = (diff_op){' ', k, k};
    size_t ma = na - pre - suf, mb = nb - pre - suf;
    const vline *ra = a + pre, *rb = b + pre;
    if ((ma + 1) * (mb + 1) <= DIFF_MAX_CELLS) {
        /* L[i][j]: LCS length of ra[i..] and rb[j..] */
        uint32_t *L = xcalloc((ma + 1) * (mb + 1), sizeof *L);
#define CELL(i, j) L[(i) * (mb + 1) + (j)]
        for (size_t i = ma; i-- > 0;)
            for (size_t j = mb; j-- > 0;)
                CELL(i, j) = vline_eq(&ra[i], &rb[j]) ? CELL(i + 1, j + 1) + 1
                             : CELL(i + 1, j) >= CELL(i, j + 1) ? CELL(i + 1, j)
                                                                 : CELL(i, j + 1);
        size_t i = 0, j = 0;
        while (i < ma || j < mb) {
            if (i < ma && j < mb && vline_eq(&ra[i], &rb[j])) {
                ops[n++] = (diff_op){' ', pre + i++, pre + j++};
            } else if (j == mb || (i < ma && CELL(i + 1, j) >= CELL(i, j + 1))) {
                ops[n++] = (diff_op){'-', pre + i++, pre + j};
            } else {
                ops[n++] = (diff_op){'+', pre + i, pre + j++};
            }
        }
#undef CELL
        free(L);
    } else {
        for (size_t k = 0; k < ma; k++) ops[n++] = (diff_op){'-', pre + k, pre};
        for (size_t k = 0; k < mb; k++) ops[n++] = (diff_op){'+', pre + ma, pre + k};
    }
    for (size_t k = 0; k < suf; k++) ops[n++] = (diff_op){' ', na - suf + k, nb - suf + k};
    *out = ops;
    return n;
}

/* Writes the hunks of ops[lo..hi) with a unified-diff header. */
static void put_hunk(strbuf *out, const diff_op *ops, size_t lo, size_t hi, const vline *a,
                     const vline *b, size_t *printed) {
    size_t ca = 0, cb = 0;
    for (size_t k = lo; k < hi; k++) {
        if (ops[k].kind != '+') ca++;
        if (ops[k].kind != '-') cb++;
    }
    size_t sa = ops[lo].a + (ca ? 1 : 0), sb_ = ops[lo].b + (cb ? 1 : 0);
    sb_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", sa, ca, sb_, cb);
    for (size_t k = lo; k < hi; k++) {
        if (*printed >= DIFF_MAX_PRINTED) {
            sb_printf(out, "... (%zu more lines of diff not shown)\n", hi - k);
            return;
        }
        (*printed)++;
        if (ops[k].kind == '+')
            put_line(out, '+', &b[ops[k].b]);
        else
            put_line(out, ops[k].kind, &a[ops[k].a]);
    }
}

bool scenario_verify_diff(const char *a, const char *b, const char *name_a, const char *name_b,
                          strbuf *diff) {
    if (strcmp(a, b) == 0) return true;
    vline *la, *lb;
    size_t na = split_lines(a, &la), nb = split_lines(b, &lb);
    diff_op *ops;
    size_t n = edit_script(la, na, lb, nb, &ops);
    sb_printf(diff, "--- %s\n+++ %s\n", name_a, name_b);
    size_t printed = 0;
    size_t k = 0;
    while (k < n) {
        while (k < n && ops[k].kind == ' ') k++;
        if (k == n) break;
        size_t lo = k > DIFF_CONTEXT ? k - DIFF_CONTEXT : 0;
        /* extend while the next change is within 2 * context lines */
        size_t hi = k;
        for (;;) {
            while (hi < n && ops[hi].kind != ' ') hi++;
            size_t eq = hi;
            while (eq < n && ops[eq].kind == ' ' && eq - hi < 2 * DIFF_CONTEXT + 1) eq++;
            if (eq < n && ops[eq].kind != ' ' && eq - hi <= 2 * DIFF_CONTEXT) {
                hi = eq;
                continue;
            }
            hi = hi + DIFF_CONTEXT < n ? hi + DIFF_CONTEXT : n;
            break;
        }
        put_hunk(diff, ops, lo, hi, la, lb, &printed);
        k = hi;
    }
    free(ops);
    free(la);
    free(lb);
    return false;
}

/* ---------------------------------------------------------- timing compare */

typedef struct tline {
    vline l;      /* the line (or, in the second pass, its shape) */
    size_t index; /* its position in its output */
    bool paired;
} tline;

static int tline_cmp(const void *x, const void *y) {
    const tline *a = x, *b = y;
    int c = vline_cmp(&a->l, &b->l);
    if (c) return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Pairs equal lines of a[] and b[] (multisets), marking them paired;
 * returns how many pairs. Unpaired ones are considered only. */
static size_t pair_equal(tline *a, size_t na, tline *b, size_t nb) {
    tline **pa = xmalloc((na + 1) * sizeof *pa), **pb = xmalloc((nb + 1) * sizeof *pb);
    size_t ka = 0, kb = 0, pairs = 0;
    for (size_t i = 0; i < na; i++)
        if (!a[i].paired) pa[ka++] = &a[i];
    for (size_t i = 0; i < nb; i++)
        if (!b[i].paired) pb[kb++] = &b[i];
    /* sort pointer arrays by line content */
    for (int side = 0; side < 2; side++) {
        tline **v = side ? pb : pa;
        size_t m = side ? kb : ka;
        tline *tmp = xmalloc((m + 1) * sizeof *tmp);
        for (size_t i = 0; i < m; i++) tmp[i] = *v[i];
        qsort(tmp, m, sizeof *tmp, tline_cmp);
        /* map back by index: the arrays are indexed by position */
        tline *base = side ? b : a;
        for (size_t i = 0; i < m; i++) v[i] = &base[tmp[i].index];
        free(tmp);
    }
    size_t i = 0, j = 0;
    while (i < ka && j < kb) {
        int c = vline_cmp(&pa[i]->l, &pb[j]->l);
        if (c == 0) {
            pa[i++]->paired = pb[j++]->paired = true;
            pairs++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    free(pa);
    free(pb);
    return pairs;
}

bool scenario_verify_timing(const char *a, const char *b, const char *name_a, const char *name_b,
                            scenario_verify_counts *counts, strbuf *diff) {
    vline *la, *lb;
    size_t na = split_lines(a, &la), nb = split_lines(b, &lb);
    tline *ta = xmalloc((na + 1) * sizeof *ta), *tb = xmalloc((nb + 1) * sizeof *tb);
    for (size_t i = 0; i < na; i++) ta[i] = (tline){la[i], i, false};
    for (size_t i = 0; i < nb; i++) tb[i] = (tline){lb[i], i, false};
    scenario_verify_counts c = {nb, 0, 0, 0, 0};
    c.stable = pair_equal(ta, na, tb, nb);
    /* second pass: shapes of the lines still unpaired */
    strbuf *shapes = xcalloc(na + nb + 1, sizeof *shapes);
    for (size_t i = 0; i < na + nb; i++) {
        tline *t = i < na ? &ta[i] : &tb[i - na];
        const vline *orig = i < na ? &la[i] : &lb[i - na];
        sb_init(&shapes[i]);
        scenario_verify_shape(orig->p, orig->len, &shapes[i]);
        t->l.p = shapes[i].data ? shapes[i].data : "";
        t->l.len = shapes[i].len;
    }
    c.numbers = pair_equal(ta, na, tb, nb);
    for (size_t i = 0; i < na; i++) c.only_a += !ta[i].paired;
    for (size_t i = 0; i < nb; i++) c.only_b += !tb[i].paired;
    bool ok = c.only_a == 0 && c.only_b == 0;
    if (!ok) {
        sb_printf(diff, "lines only in %s (-) or only in %s (+), order ignored:\n", name_a, name_b);
        for (size_t i = 0; i < na; i++)
            if (!ta[i].paired) put_line(diff, '-', &la[i]);
        for (size_t i = 0; i < nb; i++)
            if (!tb[i].paired) put_line(diff, '+', &lb[i]);
    }
    for (size_t i = 0; i < na + nb; i++) sb_free(&shapes[i]);
    free(shapes);
    free(ta);
    free(tb);
    free(la);
    free(lb);
    if (counts) *counts = c;
    return ok;
}

/* ---------------------------------------------------------------- assets */

static bool has_shim(const char *dir) {
    strbuf p;
    sb_init(&p);
    sb_printf(&p, "%s/concviz.py", dir);
    struct stat st;
    bool ok = stat(p.data, &st) == 0 && S_ISREG(st.st_mode);
    sb_free(&p);
    return ok;
}

static bool try_dir(strbuf *dir, const char *cand) {
    if (!cand || !*cand || !has_shim(cand)) return false;
    sb_puts(dir, cand);
    return true;
}

/* The source tree an out-of-tree build directory was configured from. */
static bool source_from_cache(const char *build_dir, strbuf *src) {
    strbuf p;
    sb_init(&p);
    sb_printf(&p, "%s/CMakeCache.txt", build_dir);
    FILE *f = fopen(p.data, "r");
    sb_free(&p);
    if (!f) return false;
    static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    char line[PATH_MAX + 64];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, sizeof key - 1) != 0) continue;
        char *v = line + sizeof key - 1;
        v[strcspn(v, "\r\n")] = '\0';
        sb_puts(src, v);
        found = true;
    }
    fclose(f);
    return found;
}

bool scenario_verify_find_assets(const char *argv0, strbuf *dir) {
    if (try_dir(dir, getenv("CONCVIZ_ASSETS"))) return true;
#ifdef CONCVIZ_ASSETS_DIR
    if (try_dir(dir, CONCVIZ_ASSETS_DIR)) return true;
#endif
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
    } else if (argv0 && strchr(argv0, '/') && realpath(argv0, exe)) {
        /* exe holds the resolved path */
    } else {
        return false;
    }
    char *slash = strrchr(exe, '/');
    if (!slash) return false;
    *slash = '\0';
    static const char *const rel[] = {"assets", "../assets", "../share/concviz"};
    strbuf cand;
    sb_init(&cand);
    bool ok = false;
    for (size_t i = 0; i < sizeof rel / sizeof rel[0] && !ok; i++) {
        sb_clear(&cand);
        sb_printf(&cand, "%s/%s", exe, rel[i]);
        ok = try_dir(dir, cand.data);
    }
    sb_clear(&cand);
    if (!ok && source_from_cache(exe, &cand)) {
        sb_puts(&cand, "/assets");
        ok = try_dir(dir, cand.data);
    }
    sb_free(&cand);
    return ok;
}

/* ------------------------------------------------------------ the sim run */

/* lang_write_fn collecting fd 1 and fd 2 of a scenario_verify_run. */
static void capture_output(void *ctx, int fd, const char *text, size_t len) {
    scenario_verify_run *r = ctx;
    sb_append(fd == 2 ? &r->err : &r->out, text, len);
}

void scenario_verify_run_sim(const scenario *sc, const lang_program *prog, scenario_verify_run *r) {
    memset(r, 0, sizeof *r);
    sb_init(&r->out);
    sb_init(&r->err);
    sim_config cfg;
    scenario_machine_config(sc, &cfg);
    cfg.write = capture_output;
    cfg.write_ctx = r;
    trace_log *log = trace_log_new();
    sim *s = sim_new(prog, &cfg, log);
    r->status = sim_run(s);
    sim_free(s);
    size_t n = trace_log_count(log), cap = 8;
    r->pids = xmalloc(cap * sizeof *r->pids);
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_log_get(log, i);
        if (ev->t > r->end_ns) r->end_ns = ev->t;
        if (ev->kind != TRACE_PROC_NEW) continue;
        if (r->npids == cap) r->pids = xreallocarray(r->pids, cap *= 2, sizeof *r->pids);
        r->pids[r->npids++] = ev->pid;
    }
    trace_log_free(log);
    if (!r->out.data) sb_puts(&r->out, "");
    if (!r->err.data) sb_puts(&r->err, "");
}

void scenario_verify_run_fini(scenario_verify_run *r) {
    sb_free(&r->out);
    sb_free(&r->err);
    free(r->pids);
    r->pids = NULL;
    r->npids = 0;
}

/* ------------------------------------------------------- expect (check) */

/* File line of the first line of the expect.stdout block, or 0. Looks for
 * a top-level 'expect:' and, below it, the indented 'stdout: |' line. */
static int expect_line(const scenario *sc, const char *key, bool block) {
    const char *p = sc->source;
    if (!p || sc->is_python) return 0;
    int line = 1;
    bool in_expect = false;
    size_t klen = strlen(key);
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > 0 && p[0] != ' ' && p[0] != '#') in_expect = len >= 7 && memcmp(p, "expect:", 7) == 0;
        size_t ind = 0;
        while (ind < len && p[ind] == ' ') ind++;
        if (in_expect && ind > 0 && len - ind > klen && memcmp(p + ind, key, klen) == 0 &&
            p[ind + klen] == ':')
            return block ? line + 1 : line;
        if (!e) break;
        p = e + 1;
        line++;
    }
    return 0;
}

/* Index of the first line where a and b differ. */
static size_t first_difference(const char *a, const char *b) {
    size_t line = 0;
    for (size_t i = 0; a[i] == b[i]; i++) {
        if (!a[i]) return line;
        if (a[i] == '\n') line++;
    }
    return line;
}

/* Copies line k of text (without '\n') into out, shortened to 60 bytes. */
static void quote_line(const char *text, size_t k, strbuf *out) {
    const char *p = text;
    while (k-- > 0 && p) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p || !*p) {
        sb_puts(out, "(end of output)");
        return;
    }
    size_t len = strcspn(p, "\n");
    sb_putc(out, '\'');
    sb_append(out, p, len > 60 ? 60 : len);
    sb_puts(out, len > 60 ? "...'" : "'");
}

int scenario_verify_expect(const scenario *sc, const lang_program *prog, scenario_diag *d) {
    if (!sc->expect_stdout && sc->expect_exit < 0) return 0;
    scenario_verify_run r;
    scenario_verify_run_sim(sc, prog, &r);
    int rc = 0;
    int want = sc->expect_exit < 0 ? 0 : sc->expect_exit;
    if (sc->expect_stdout && strcmp(sc->expect_stdout, r.out.data) != 0) {
        size_t k = first_difference(sc->expect_stdout, r.out.data);
        int line = expect_line(sc, "stdout", true);
        strbuf want_s, got_s;
        sb_init(&want_s);
        sb_init(&got_s);
        quote_line(sc->expect_stdout, k, &want_s);
        quote_line(r.out.data, k, &got_s);
        scenario_diag_add(d, line > 0 ? line + (int)k : 1, 1,
                          "expect.stdout no longer matches the run: output line %zu is %s, "
                          "expected %s",
                          k + 1, got_s.data, want_s.data);
        sb_free(&want_s);
        sb_free(&got_s);
        rc = -1;
    }
    if (r.status != want) {
        int line = expect_line(sc, "exit", false);
        scenario_diag_add(d, line > 0 ? line : 1, 1,
                          "the run ended with exit status %d, expected %d", r.status, want);
        rc = -1;
    }
    scenario_verify_run_fini(&r);
    return rc;
}

/* ------------------------------------------------------------ python3 run */

typedef struct py_run {
    strbuf out, err;
    int status;      /* exit status, 128+N after signal N, -1 when it could not start */
    bool timed_out;
    double secs;
    int64_t *pids;
    size_t npids;
} py_run;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Records the pid of every process of the CPython run (see the header),
 * and makes stdout line-buffered as on a terminal, so that lines of
 * different processes do not tear (unbuffered, print writes the text and
 * the '\n' separately). */
static const char sitecustomize_py[] =
    "# written by 'concviz verify': records the pid of every process of the run\n"
    "import os, sys\n"
    "sys.stdout.reconfigure(line_buffering=True)\n"
    "def _concviz_record_pid():\n"
    "    path = os.environ.get('CONCVIZ_PIDFILE')\n"
    "    if path:\n"
    "        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)\n"
    "        os.write(fd, b'%d\\n' % os.getpid())\n"
    "        os.close(fd)\n"
    "_concviz_record_pid()\n"
    "os.register_at_fork(after_in_child=_concviz_record_pid)\n";

static bool write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Reads a whole file into sb; false if it cannot be read. */
static bool read_file(const char *path, strbuf *sb) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_append(sb, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    if (!sb->data) sb_puts(sb, "");
    return ok;
}

/* Parses whitespace-separated integers (a pids file). */
static void parse_pids(const char *text, int64_t **pids, size_t *n) {
    size_t cap = 8;
    *pids = xmalloc(cap * sizeof **pids);
    *n = 0;
    const char *p = text;
    while (*p) {
        if (!is_digit(*p)) {
            p++;
            continue;
        }
        int64_t v = 0;
        while (is_digit(*p)) v = v * 10 + (*p++ - '0');
        if (*n == cap) *pids = xreallocarray(*pids, cap *= 2, sizeof **pids);
        (*pids)[(*n)++] = v;
    }
}

/* Removes dir and everything in it (verify's own temporary directory). */
static void remove_tree(const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        strbuf p;
        sb_init(&p);
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            sb_clear(&p);
            sb_printf(&p, "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(p.data, &st) == 0 && S_ISDIR(st.st_mode) && depth < 8)
                remove_tree(p.data, depth + 1);
            else
                unlink(p.data);
        }
        sb_free(&p);
        closedir(d);
    }
    rmdir(dir);
}

/* Runs 'python script' in dir with the pid recorder and the shim on the
 * path; collects stdout and stderr until it exits or 'timeout' seconds
 * pass (then its whole process group is killed). */
static void run_python(const char *python, const char *dir, const char *script, const char *assets,
                       double timeout, py_run *r) {
    memset(r, 0, sizeof *r);
    sb_init(&r->out);
    sb_init(&r->err);
    r->status = -1;
    int po[2], pe[2];
    if (pipe(po) != 0) return;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return;
    }
    strbuf pidfile, path;
    sb_init(&pidfile);
    sb_init(&path);
    sb_printf(&pidfile, "%s/pids", dir);
    sb_printf(&path, "%s:%s", dir, assets);
    fflush(NULL);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        if (chdir(dir) != 0) _exit(127);
        setenv("PYTHONPATH", path.data, 1);
        unsetenv("PYTHONUNBUFFERED");
        setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
        setenv("PYTHONHASHSEED", "0", 1);
        setenv("PYTHONIOENCODING", "utf-8", 1);
        setenv("CONCVIZ_PIDFILE", pidfile.data, 1);
        unsetenv("PYTHONSTARTUP");
        unsetenv("PYTHONHOME");
        execlp(python, python, script, (char *)NULL);
        const char *why = strerror(errno);
        if (write(2, why, strlen(why)) < 0) _exit(127);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        sb_free(&pidfile);
        sb_free(&path);
        return;
    }
    setpgid(pid, pid); /* also from here, so the kill below cannot miss */
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    bool open_[2] = {true, true};
    bool exited = false;
    int wstatus = 0;
    double exited_at = 0;
    for (;;) {
        double now = now_s();
        if (!exited && now - t0 > timeout) {
            r->timed_out = true;
            kill(-pid, SIGKILL);
        }
        /* the program is over: leave a moment for the last bytes, then stop */
        if (exited && (!open_[0] && !open_[1])) break;
        if (exited && now - exited_at > 1.0) break;
        fds[0].fd = open_[0] ? po[0] : -1;
        fds[1].fd = open_[1] ? pe[0] : -1;
        int k = poll(fds, 2, 50);
        for (int i = 0; k > 0 && i < 2; i++) {
            if (!open_[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0)
                sb_append(i ? &r->err : &r->out, buf, (size_t)n);
            else if (n == 0 || errno != EINTR)
                open_[i] = false;
        }
        if (!exited && waitpid(pid, &wstatus, WNOHANG) == pid) {
            exited = true;
            exited_at = now_s();
            r->secs = exited_at - t0;
        }
    }
    kill(-pid, SIGKILL); /* leftovers of the run (daemon children), if any */
    close(po[0]);
    close(pe[0]);
    if (r->timed_out)
        r->status = -2;
    else if (WIFEXITED(wstatus))
        r->status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        r->status = 128 + WTERMSIG(wstatus);
    if (!r->secs) r->secs = now_s() - t0;
    strbuf pids;
    sb_init(&pids);
    if (read_file(pidfile.data, &pids))
        parse_pids(pids.data, &r->pids, &r->npids);
    else
        parse_pids("", &r->pids, &r->npids);
    sb_free(&pids);
    sb_free(&pidfile);
    sb_free(&path);
    if (!r->out.data) sb_puts(&r->out, "");
    if (!r->err.data) sb_puts(&r->err, "");
}

static void py_run_fini(py_run *r) {
    sb_free(&r->out);
    sb_free(&r->err);
    free(r->pids);
}

/* ----------------------------------------------------------------- verify */

/* NAME.ext -> NAME + new_ext, for the files saved next to --save/--against. */
static void sibling(const char *path, const char *ext, strbuf *out) {
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    sb_append(out, path, n);
    sb_puts(out, ext);
}

/* A file name for the program under CPython: the scenario's stem. */
static void program_name(const scenario *sc, strbuf *out) {
    const char *base = strrchr(sc->filename, '/');
    base = base ? base + 1 : sc->filename;
    size_t n = strcspn(base, ".");
    if (n == 0) sb_puts(out, "program");
    for (size_t i = 0; i < n && i < 64; i++) sb_putc(out, is_word(base[i]) ? base[i] : '_');
    sb_puts(out, ".py");
}

static const char *status_text(int status, bool timed_out, strbuf *tmp) {
    sb_clear(tmp);
    if (timed_out)
        sb_puts(tmp, "still running at the timeout");
    else if (status == -1)
        sb_puts(tmp, "did not start");
    else if (status == SIM_EXIT_DEADLOCK)
        sb_puts(tmp, "exit 3 (deadlock)");
    else if (status == SIM_EXIT_TIME_LIMIT)
        sb_puts(tmp, "exit 4 (time limit)");
    else
        sb_printf(tmp, "exit %d", status);
    return tmp->data;
}

void scenario_verify_opts_init(scenario_verify_opts *o) {
    memset(o, 0, sizeof *o);
    o->mode = -1;
}

/* Loads and compiles; prints problems to err. */
static lang_program *load(const char *arg, scenario *sc, FILE *err) {
    scenario_diag d;
    scenario_diag_init(&d);
    int rc = scenario_load_arg(arg, sc, &d);
    lang_program *prog = scenario_machine_compile(sc, &d);
    if (rc != 0 && prog) {
        lang_program_free(prog);
        prog = NULL;
    }
    if (!prog) {
        scenario_diag_sort(&d);
        strbuf sb;
        sb_init(&sb);
        for (size_t i = 0; i < d.count; i++) {
            sb_clear(&sb);
            scenario_diag_format(&d, i, &sb);
            fprintf(err, "%s\n", sb.data);
        }
        sb_free(&sb);
    }
    scenario_diag_fini(&d);
    return prog;
}

/* Gets CPython's side: from a saved file (--against) or by running python3.
 * Returns false after printing why it could not. */
static bool cpython_side(const scenario *sc, const scenario_verify_opts *o, const scenario_verify_run *cv,
                         py_run *py, FILE *err) {
    memset(py, 0, sizeof *py);
    sb_init(&py->out);
    sb_init(&py->err);
    strbuf tmp;
    sb_init(&tmp);
    bool ok = true;
    if (o->against) {
        if (!read_file(o->against, &py->out)) {
            fprintf(err, "concviz: verify: cannot read '%s': %s\n", o->against, strerror(errno));
            ok = false;
        }
        sibling(o->against, ".pids", &tmp);
        strbuf pids;
        sb_init(&pids);
        parse_pids(read_file(tmp.data, &pids) ? pids.data : "", &py->pids, &py->npids);
        sb_free(&pids);
        sb_clear(&tmp);
        sibling(o->against, ".rc", &tmp);
        strbuf rc;
        sb_init(&rc);
        py->status = cv->status; /* no saved status: not compared */
        if (read_file(tmp.data, &rc)) {
            bool timeout = strncmp(rc.data, "timeout", 7) == 0;
            py->timed_out = timeout;
            py->status = timeout ? -2 : atoi(rc.data);
        }
        sb_free(&rc);
        sb_free(&tmp);
        return ok;
    }
    strbuf assets;
    sb_init(&assets);
    if (o->assets_dir)
        sb_puts(&assets, o->assets_dir);
    else if (!scenario_verify_find_assets(o->argv0, &assets)) {
        fprintf(err, "concviz: verify: cannot find the CPython shim concviz.py; set CONCVIZ_ASSETS "
                     "to the directory that holds it (assets/ in the source tree)\n");
        sb_free(&assets);
        sb_free(&tmp);
        return false;
    }
    const char *tmpdir = getenv("TMPDIR");
    sb_printf(&tmp, "%s/concviz-verify-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(tmp.data)) {
        fprintf(err, "concviz: verify: cannot create a temporary directory: %s\n", strerror(errno));
        sb_free(&assets);
        sb_free(&tmp);
        return false;
    }
    strbuf prog_name, path;
    sb_init(&prog_name);
    sb_init(&path);
    program_name(sc, &prog_name);
    sb_printf(&path, "%s/sitecustomize.py", tmp.data);
    ok = write_file(path.data, sitecustomize_py, sizeof sitecustomize_py - 1);
    sb_clear(&path);
    sb_printf(&path, "%s/%s", tmp.data, prog_name.data);
    ok = ok && write_file(path.data, sc->program, sc->program_len);
    if (!ok) fprintf(err, "concviz: verify: cannot write in '%s'\n", tmp.data);
    /* How long to let python3 run: concviz's virtual run time says how long
     * it should take; a run concviz saw hang is expected to hang. */
    double cap = o->timeout_s > 0 ? o->timeout_s : SCENARIO_VERIFY_DEFAULT_TIMEOUT;
    double virt = (double)cv->end_ns / 1e9;
    bool hang = cv->status == SIM_EXIT_DEADLOCK || cv->status == SIM_EXIT_TIME_LIMIT;
    double timeout = hang ? 5.0 + 2.0 * (virt < 30 ? virt : 30) : 30.0 + 3.0 * virt;
    if (timeout > cap) timeout = cap;
    if (ok) {
        sb_free(&py->out);
        sb_free(&py->err);
        run_python(o->python ? o->python : "python3", tmp.data, prog_name.data, assets.data, timeout, py);
        if (py->status == -1 || py->status == 127) {
            fprintf(err, "concviz: verify: cannot run '%s'%s%s\n", o->python ? o->python : "python3",
                     py->err.len ? ": " : "", py->err.len ? py->err.data : "");
            ok = false;
        }
    }
    remove_tree(tmp.data, 0);
    sb_free(&prog_name);
    sb_free(&path);
    sb_free(&assets);
    sb_free(&tmp);
    return ok;
}

/* --save: python3's stdout to FILE, its pids to FILE.pids, status to FILE.rc. */
static bool save_cpython(const char *file, const py_run *py, FILE *err) {
    strbuf p, t;
    sb_init(&p);
    sb_init(&t);
    bool ok = write_file(file, py->out.data, py->out.len);
    sibling(file, ".pids", &p);
    for (size_t i = 0; i < py->npids; i++) sb_printf(&t, "%lld\n", (long long)py->pids[i]);
    ok = ok && write_file(p.data, t.data ? t.data : "", t.len);
    sb_clear(&p);
    sb_clear(&t);
    sibling(file, ".rc", &p);
    if (py->timed_out)
        sb_puts(&t, "timeout\n");
    else
        sb_printf(&t, "%d\n", py->status);
    ok = ok && write_file(p.data, t.data, t.len);
    if (!ok) fprintf(err, "concviz: verify: cannot write '%s'\n", file);
    sb_free(&p);
    sb_free(&t);
    return ok;
}

int scenario_verify_main(const char *arg, const scenario_verify_opts *o, FILE *out, FILE *err) {
    scenario sc;
    lang_program *prog = load(arg, &sc, err);
    if (!prog) {
        scenario_free(&sc);
        return SCENARIO_VERIFY_ERROR;
    }
    int mode = o->mode >= 0 ? o->mode : sc.verify;
    scenario_verify_run cv;
    scenario_verify_run_sim(&sc, prog, &cv);
    py_run py;
    int result = SCENARIO_VERIFY_ERROR;
    if (!cpython_side(&sc, o, &cv, &py, err)) goto done;
    if (o->save && !save_cpython(o->save, &py, err)) goto done;

    strbuf a, b, diff, s1, s2;
    sb_init(&a);
    sb_init(&b);
    sb_init(&diff);
    sb_init(&s1);
    sb_init(&s2);
    size_t pa = scenario_verify_map_pids(py.out.data, py.out.len, py.pids, py.npids, &a);
    scenario_verify_align_pids(a.data ? a.data : "", cv.out.data, cv.pids, cv.npids,
                               mode != SCENARIO_VERIFY_TIMING, &b);
    size_t pb = 0;
    for (const char *p = b.data; (p = strstr(p, "<pid")) != NULL; p++) {
        size_t k;
        if (pid_placeholder(p, strlen(p), &k) && k > pb) pb = k;
    }
    if (!a.data) sb_puts(&a, "");
    if (!b.data) sb_puts(&b, "");
    const char *name_a = o->against ? o->against : "python3";
    bool same_out;
    scenario_verify_counts counts;
    memset(&counts, 0, sizeof counts);
    if (mode == SCENARIO_VERIFY_TIMING)
        same_out = scenario_verify_timing(a.data, b.data, name_a, "concviz", &counts, &diff);
    else
        same_out = scenario_verify_diff(a.data, b.data, name_a, "concviz", &diff);
    bool both_hang = py.timed_out && (cv.status == SIM_EXIT_DEADLOCK || cv.status == SIM_EXIT_TIME_LIMIT);
    bool same_status = both_hang || (!py.timed_out && py.status == cv.status);
    size_t nlines = 0;
    for (const char *p = b.data; *p; p++) nlines += *p == '\n';
    const char *kind = mode == SCENARIO_VERIFY_TIMING ? "timing" : "exact";
    if (same_out && same_status) {
        fprintf(out, "%s: match (%s; %zu line%s", sc.filename, kind, nlines, nlines == 1 ? "" : "s");
        if (mode == SCENARIO_VERIFY_TIMING)
            fprintf(out, ": %zu identical, %zu differ only in numbers; order ignored", counts.stable,
                    counts.numbers);
        if (pa || pb) fprintf(out, "; pids mapped: %zu", pb > pa ? pb : pa);
        if (both_hang) fprintf(out, "; both hang: python3 stopped after %.1f s", py.secs);
        fputs(")\n", out);
        result = SCENARIO_VERIFY_MATCH;
    } else {
        fprintf(out, "%s: mismatch (%s)\n", sc.filename, kind);
        if (!same_out) fwrite(diff.data, 1, diff.len, out);
        if (!same_status) {
            fprintf(out, "exit status: %s %s, ", name_a, status_text(py.status, py.timed_out, &s1));
            fprintf(out, "concviz %s\n", status_text(cv.status, false, &s2));
        }
        const strbuf *errs[2] = {o->against ? NULL : &py.err, &cv.err};
        for (int i = 0; i < 2; i++) {
            if (!errs[i] || !errs[i]->len) continue;
            fprintf(out, "%s's stderr:\n", i ? "concviz" : "python3");
            fwrite(errs[i]->data, 1, errs[i]->len > 4000 ? 4000 : errs[i]->len, out);
            if (errs[i]->data[errs[i]->len - 1] != '\n') fputc('\n', out);
        }
        result = SCENARIO_VERIFY_MISMATCH;
    }
    sb_free(&a);
    sb_free(&b);
    sb_free(&diff);
    sb_free(&s1);
    sb_free(&s2);
done:
    py_run_fini(&py);
    scenario_verify_run_fini(&cv);
    lang_program_free(prog);
    scenario_free(&sc);
    fflush(out);
    return result;
}
