/* scenario.c - the scenario loader: a YAML tree (scenario_yaml.c) validated
 * against one key table -> 'scenario'; also bare .py files and diagnostics.
 *
 * Grammar accepted (one YAML document, a block or flow mapping; the key table
 * 'scenario_keys' below is the authority on types, ranges and defaults):
 *
 *   scenario  := { title?, title_zh?, summary?, summary_zh?, machine?, seed?,
 *                  program, captions?, expect? }
 *   machine   := { cores?, start_method?, gil?, switch_interval? }
 *   captions  := [ { when, say, say_zh? } ... ]
 *   when      := { line: INT } | { time: DURATION } | { event: STR }
 *   expect    := { stdout?, exit?, verify? }
 *   DURATION  := NUMBER ( "ns" | "us" | "µs" | "ms" | "s" )?   (bare = seconds)
 *
 * Not accepted (see scenario_yaml.c): aliases and anchors (billion laughs),
 * several documents, files over SCENARIO_MAX_FILE_BYTES, nesting over
 * SCENARIO_MAX_DEPTH, more than SCENARIO_MAX_NODES nodes, NUL bytes, invalid
 * UTF-8. Every problem is recorded with its 1-based line and column;
 * validation goes on after a problem so that one 'check' reports them all.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h> /* scalar styles */

#include "lang/xalloc.h"
#include "scenario/scenario_yaml.h"

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */

void scenario_diag_init(scenario_diag *d) { memset(d, 0, sizeof *d); }

void scenario_diag_fini(scenario_diag *d) {
    for (size_t i = 0; i < d->count; i++) free(d->items[i].msg);
    free(d->items);
    free(d->filename);
    memset(d, 0, sizeof *d);
}

void scenario_diag_add(scenario_diag *d, int line, int col, const char *fmt, ...) {
    if (d->count >= SCENARIO_MAX_PROBLEMS) {
        d->dropped++;
        return;
    }
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = xreallocarray(d->items, d->cap, sizeof *d->items);
    }
    strbuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    d->items[d->count].line = line;
    d->items[d->count].col = col;
    d->items[d->count].msg = sb_take(&sb);
    d->count++;
}

/* Insertion sort: stable, and lists are short. */
void scenario_diag_sort(scenario_diag *d) {
    for (size_t i = 1; i < d->count; i++) {
        scenario_problem p = d->items[i];
        size_t j = i;
        while (j > 0 && (d->items[j - 1].line > p.line ||
                         (d->items[j - 1].line == p.line && d->items[j - 1].col > p.col))) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = p;
    }
}

void scenario_diag_format(const scenario_diag *d, size_t i, strbuf *out) {
    const scenario_problem *p = &d->items[i];
    if (p->line <= 0)
        sb_printf(out, "concviz: %s", p->msg);
    else
        sb_printf(out, "%s:%d:%d: %s", d->filename ? d->filename : "<scenario>", p->line,
                  p->col, p->msg);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

/* Levenshtein distance, for "did you mean" (short words only). */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return SIZE_MAX;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Is 'word' close enough to 'known' to suggest it? */
static bool is_near(const char *word, const char *known) {
    size_t d = edit_distance(word, known);
    size_t lk = strlen(known);
    return d > 0 && d <= 2 && d < lk && (d == 1 || lk > 4);
}

bool scenario_parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (*p < '0' || *p > '9') return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    if (v < min || v > max) return false;
    *out = (int64_t)v;
    return true;
}

bool scenario_parse_duration(const char *s, int64_t *out_ns) {
    const char *p = s;
    int64_t ipart = 0, frac = 0, fscale = 1;
    int ndigits = 0, nfrac = 0;
    while (*p >= '0' && *p <= '9') {
        if (ipart > (INT64_MAX - 9) / 10) return false;
        ipart = ipart * 10 + (*p - '0');
        p++;
        ndigits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (nfrac < 9) {
                frac = frac * 10 + (*p - '0');
                fscale *= 10;
            } else if (*p != '0') {
                return false; /* finer than we can represent */
            }
            nfrac++;
            p++;
        }
    }
    if (ndigits == 0 && nfrac == 0) return false;
    if (*p == ' ') p++;
    int64_t unit;
    if (*p == '\0') unit = 1000000000;
    else if (strcmp(p, "s") == 0) unit = 1000000000;
    else if (strcmp(p, "ms") == 0) unit = 1000000;
    else if (strcmp(p, "us") == 0 || strcmp(p, "\xc2\xb5s") == 0) unit = 1000;
    else if (strcmp(p, "ns") == 0) unit = 1;
    else return false;
    if (p > s && p[-1] == ' ' && *p == '\0') return false; /* trailing space, no unit */
    if (ipart > INT64_MAX / unit) return false;
    int64_t ns = ipart * unit;
    int64_t fns = frac * unit; /* frac < 1e9, unit <= 1e9: fits */
    if (fns % fscale != 0) return false; /* not a whole number of nanoseconds */
    if (ns > INT64_MAX - fns / fscale) return false;
    *out_ns = ns + fns / fscale;
    return true;
}

void scenario_format_duration(int64_t ns, strbuf *out) {
    if (ns != 0 && ns % 1000000000 == 0) sb_printf(out, "%llds", (long long)(ns / 1000000000));
    else if (ns != 0 && ns % 1000000 == 0) sb_printf(out, "%lldms", (long long)(ns / 1000000));
    else if (ns != 0 && ns % 1000 == 0) sb_printf(out, "%lldus", (long long)(ns / 1000));
    else sb_printf(out, "%lldns", (long long)ns);
}

/* ------------------------------------------------------------------ */
/* The key table                                                       */

typedef enum key_type {
    KT_TEXT,      /* a string of at most 'max' bytes */
    KT_PROGRAM,   /* Python source: a literal block, or a one-line string */
    KT_INT,       /* a plain decimal integer from 'min' to 'max' */
    KT_ENUM,      /* one word of 'choices' ("a|b|c"), stored as its index */
    KT_DURATION,  /* a duration from 'min' to 'max' nanoseconds */
    KT_MAP,       /* a mapping of the keys of section 'sub' */
    KT_CAPTIONS   /* a list of mappings of section 'sub', one per caption */
} key_type;

typedef enum key_section { SEC_TOP, SEC_MACHINE, SEC_CAPTION, SEC_WHEN, SEC_EXPECT } key_section;

/* Where a section's values are stored, and how it is named in messages. */
static const struct {
    const char *name;
    bool one_of;          /* exactly one of its keys must be present */
} sections[] = {
    [SEC_TOP] = {"the scenario", false},
    [SEC_MACHINE] = {"'machine'", false},
    [SEC_CAPTION] = {"a caption", false},
    [SEC_WHEN] = {"'when'", true},
    [SEC_EXPECT] = {"'expect'", false},
};

typedef struct key_spec {
    key_section section;
    const char *name;
    key_type type;
    int64_t min, max;       /* KT_INT, KT_DURATION: range; KT_TEXT, KT_PROGRAM: max bytes */
    const char *choices;    /* KT_ENUM */
    const char *deflt;      /* default in the key's own syntax, or NULL */
    bool required;
    key_section sub;        /* KT_MAP, KT_CAPTIONS */
    size_t offset, size;    /* the field, in 'scenario' or 'scenario_caption' */
    int when;               /* SEC_WHEN: the scenario_when it selects */
    const char *about;
} key_spec;

#define SC(field) offsetof(scenario, field), sizeof(((scenario *)0)->field)
#define CAP(field) offsetof(scenario_caption, field), sizeof(((scenario_caption *)0)->field)
#define KIB 1024
#define MS 1000000LL
#define SEC 1000000000LL

/* THE table: every key a scenario may hold. Messages, defaults and the key
 * reference (scenario_describe_keys) are all derived from it. */
static const key_spec scenario_keys[] = {
    {SEC_TOP, "title", KT_TEXT, 0, 200, NULL, NULL, false, 0, SC(title), 0,
     "shown at the top of the screen (default: the file name)"},
    {SEC_TOP, "title_zh", KT_TEXT, 0, 200, NULL, NULL, false, 0, SC(title_zh), 0,
     "the title in Chinese"},
    {SEC_TOP, "summary", KT_TEXT, 0, 4 * KIB, NULL, "", false, 0, SC(summary), 0,
     "one paragraph saying what the scenario shows"},
    {SEC_TOP, "summary_zh", KT_TEXT, 0, 4 * KIB, NULL, NULL, false, 0, SC(summary_zh), 0,
     "the summary in Chinese"},
    {SEC_TOP, "machine", KT_MAP, 0, 0, NULL, NULL, false, SEC_MACHINE, 0, 0, 0,
     "the simulated machine"},
    {SEC_MACHINE, "cores", KT_INT, 1, 64, NULL, "4", false, 0, SC(cores), 0,
     "CPUs (os.cpu_count() in the program)"},
    {SEC_MACHINE, "start_method", KT_ENUM, 0, 0, "fork|spawn|forkserver", "fork", false, 0,
     SC(start_method), 0, "multiprocessing start method"},
    {SEC_MACHINE, "gil", KT_ENUM, 0, 0, "new|old|none", "new", false, 0, SC(gil), 0,
     "GIL model: switch interval, 100 ticks, or free-threaded"},
    {SEC_MACHINE, "switch_interval", KT_DURATION, 1000, 10 * SEC, NULL, "5ms", false, 0,
     SC(switch_interval_ns), 0, "sys.getswitchinterval()"},
    {SEC_TOP, "seed", KT_INT, 0, INT64_MAX, NULL, "0", false, 0, SC(seed), 0,
     "seeds 'random' (concviz run --seed overrides it)"},
    {SEC_TOP, "program", KT_PROGRAM, 0, 512 * KIB, NULL, NULL, true, 0, SC(program), 0,
     "the Python code to run, usually a literal block 'program: |'"},
    {SEC_TOP, "captions", KT_CAPTIONS, 0, 0, NULL, NULL, false, SEC_CAPTION, 0, 0, 0,
     "narration shown when its moment comes"},
    {SEC_CAPTION, "when", KT_MAP, 0, 0, NULL, NULL, true, SEC_WHEN, 0, 0, 0,
     "the moment: {line: N}, {time: DURATION} or {event: NAME}"},
    {SEC_WHEN, "line", KT_INT, 1, 1000000, NULL, NULL, false, 0, CAP(line), SCENARIO_WHEN_LINE,
     "when the program reaches this line (program line numbers)"},
    {SEC_WHEN, "time", KT_DURATION, 0, 3600 * SEC, NULL, NULL, false, 0, CAP(time_ns),
     SCENARIO_WHEN_TIME, "when the virtual clock reaches this time"},
    {SEC_WHEN, "event", KT_TEXT, 1, 100, NULL, NULL, false, 0, CAP(event), SCENARIO_WHEN_EVENT,
     "when an event of this name happens"},
    {SEC_CAPTION, "say", KT_TEXT, 0, 2 * KIB, NULL, NULL, true, 0, CAP(say), 0,
     "the caption text"},
    {SEC_CAPTION, "say_zh", KT_TEXT, 0, 2 * KIB, NULL, NULL, false, 0, CAP(say_zh), 0,
     "the caption in Chinese"},
    {SEC_TOP, "expect", KT_MAP, 0, 0, NULL, NULL, false, SEC_EXPECT, 0, 0, 0,
     "the golden result, checked by the tests"},
    {SEC_EXPECT, "stdout", KT_TEXT, 0, 256 * KIB, NULL, NULL, false, 0, SC(expect_stdout), 0,
     "the program's exact standard output"},
    {SEC_EXPECT, "exit", KT_INT, 0, 255, NULL, NULL, false, 0, SC(expect_exit), 0,
     "the program's exit status"},
    {SEC_EXPECT, "verify", KT_ENUM, 0, 0, "exact|timing", "exact", false, 0, SC(verify), 0,
     "exact: same output under CPython; timing: depends on simulated timing"},
};

#define NKEYS (sizeof scenario_keys / sizeof scenario_keys[0])

_Static_assert(sizeof(int) == 4, "int fields are stored as 4 bytes");

/* Appends what a key accepts, e.g. "an integer from 1 to 64". */
static void key_describe(const key_spec *k, strbuf *sb) {
    switch (k->type) {
    case KT_TEXT: sb_puts(sb, "a string"); break;
    case KT_PROGRAM: sb_puts(sb, "Python source (a literal block 'program: |')"); break;
    case KT_INT:
        if (k->max == INT64_MAX) sb_printf(sb, "an integer >= %lld", (long long)k->min);
        else sb_printf(sb, "an integer from %lld to %lld", (long long)k->min, (long long)k->max);
        break;
    case KT_ENUM: {
        sb_puts(sb, "one of ");
        for (const char *c = k->choices; *c; c++) {
            if (*c == '|') sb_puts(sb, ", ");
            else sb_putc(sb, *c);
        }
        break;
    }
    case KT_DURATION:
        sb_puts(sb, "a duration from ");
        scenario_format_duration(k->min, sb);
        sb_puts(sb, " to ");
        scenario_format_duration(k->max, sb);
        sb_puts(sb, " (like 5ms, 500us, 1s or 0.005)");
        break;
    case KT_MAP:
        if (sections[k->sub].one_of) {
            sb_puts(sb, "a mapping with one of ");
            int n = 0;
            for (size_t i = 0; i < NKEYS; i++)
                if (scenario_keys[i].section == k->sub)
                    sb_printf(sb, "%s'%s'", n++ ? ", " : "", scenario_keys[i].name);
        } else {
            sb_puts(sb, "a mapping of keys");
        }
        break;
    case KT_CAPTIONS: sb_puts(sb, "a list of {when: ..., say: ...} mappings"); break;
    }
}

/* Appends how the node looks, for "got ...". */
static void node_describe(const scenario_node *n, strbuf *sb) {
    if (scenario_node_is_null(n)) sb_puts(sb, "nothing");
    else if (n->kind == YN_MAP) sb_puts(sb, "a mapping");
    else if (n->kind == YN_SEQ) sb_puts(sb, "a list");
    else {
        sb_putc(sb, '\'');
        scenario_quote(sb, n->str, n->len);
        sb_putc(sb, '\'');
    }
}

void scenario_describe_keys(strbuf *out) {
    for (size_t i = 0; i < NKEYS; i++) {
        const key_spec *k = &scenario_keys[i];
        const char *prefix = k->section == SEC_MACHINE   ? "machine."
                             : k->section == SEC_CAPTION ? "captions[]."
                             : k->section == SEC_WHEN    ? "captions[].when."
                             : k->section == SEC_EXPECT  ? "expect."
                                                         : "";
        size_t start = out->len;
        sb_printf(out, "%s%s", prefix, k->name);
        size_t w = out->len - start;
        sb_fill(out, ' ', w < 30 ? 30 - w : 1);
        key_describe(k, out);
        if (k->required) sb_puts(out, ", required");
        if (k->deflt && *k->deflt) sb_printf(out, ", default %s", k->deflt);
        sb_printf(out, "\n%32s%s\n", "", k->about);
    }
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

typedef struct loader {
    scenario *sc;
    scenario_diag *diag;
    const scenario_text *src;
} loader;

static const key_spec *key_find(key_section sec, const char *name) {
    for (size_t i = 0; i < NKEYS; i++)
        if (scenario_keys[i].section == sec && strcmp(scenario_keys[i].name, name) == 0)
            return &scenario_keys[i];
    return NULL;
}

static void store_text(void *base, const key_spec *k, const char *s, size_t n) {
    char **slot = (char **)((char *)base + k->offset);
    free(*slot);
    *slot = xstrndup(s, n);
}

static void store_int(void *base, const key_spec *k, int64_t v) {
    char *slot = (char *)base + k->offset;
    if (k->size == sizeof(int)) {
        int iv = (int)v;
        memcpy(slot, &iv, sizeof iv);
    } else {
        memcpy(slot, &v, sizeof v);
    }
}

/* Index of 'word' in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *word) {
    size_t wl = strlen(word);
    int i = 0;
    for (const char *p = choices;; i++) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == wl && memcmp(p, word, l) == 0) return i;
        if (!bar) return -1;
        p = bar + 1;
    }
}

/* A suggestion among the choices of an enum, or NULL. */
static const char *choice_near(const char *choices, const char *word, char *buf, size_t bufsz) {
    for (const char *p = choices;;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l < bufsz) {
            memcpy(buf, p, l);
            buf[l] = '\0';
            if (is_near(word, buf)) return buf;
        }
        if (!bar) return NULL;
        p = bar + 1;
    }
}

/* Records "'KEY' must be WHAT, got HOW" at the value. */
static void bad_value(loader *ld, const key_spec *k, const scenario_node *v, const char *extra) {
    strbuf what, got;
    sb_init(&what);
    sb_init(&got);
    key_describe(k, &what);
    node_describe(v, &got);
    if (v->kind == YN_SCALAR && v->style != YAML_PLAIN_SCALAR_STYLE && k->type == KT_INT &&
        !scenario_node_is_null(v)) {
        sb_clear(&got);
        sb_puts(&got, "the quoted string \"");
        scenario_quote(&got, v->str, v->len);
        sb_puts(&got, "\"");
    }
    scenario_diag_add(ld->diag, v->line, v->col, "'%s' must be %s, got %s%s", k->name, what.data,
                      got.data, extra ? extra : "");
    sb_free(&what);
    sb_free(&got);
}

/* Works out where a program's text sits in the file (see lang_origin). */
static void program_origin(loader *ld, const scenario_node *key, const scenario_node *v) {
    scenario *sc = ld->sc;
    if (v->style != YAML_LITERAL_SCALAR_STYLE) {
        bool quoted = v->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                      v->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        sc->program_line = v->line;
        sc->program_indent = v->col - 1 + (quoted ? 1 : 0);
        return;
    }
    /* v->line is the line of the '|' indicator; the text starts on the next */
    sc->program_line = v->line + 1;
    sc->program_indent = 0;
    const scenario_text *t = ld->src;
    size_t i = scenario_text_offset(t, v->line, v->col);
    if (i < t->len && t->s[i] == '|') i++;
    for (; i < t->len && (t->s[i] == '+' || t->s[i] == '-' || (t->s[i] >= '0' && t->s[i] <= '9'));
         i++) {
        if (t->s[i] >= '1' && t->s[i] <= '9') {
            /* explicit indentation indicator: relative to the key's column */
            sc->program_indent = key->col - 1 + (t->s[i] - '0');
            return;
        }
    }
    for (int line = v->line + 1; line <= v->end_line && (size_t)line <= t->nlines; line++) {
        size_t p = t->line_start[line - 1];
        int spaces = 0;
        while (p < t->len && t->s[p] == ' ') {
            p++;
            spaces++;
        }
        if (p < t->len && !scenario_text_break_len(t->s, t->len, p)) {
            sc->program_indent = spaces;
            return;
        }
    }
}

static void check_mapping(loader *ld, const scenario_node *map, key_section sec, void *base);

static void check_captions(loader *ld, const key_spec *k, const scenario_node *v) {
    scenario *sc = ld->sc;
    if (scenario_node_is_null(v)) return;
    if (v->kind != YN_SEQ) {
        bad_value(ld, k, v, NULL);
        return;
    }
    sc->captions = xcalloc(v->nkids ? v->nkids : 1, sizeof *sc->captions);
    for (size_t i = 0; i < v->nkids; i++) {
        const scenario_node *item = v->kids[i];
        if (item->kind != YN_MAP) {
            strbuf got;
            sb_init(&got);
            node_describe(item, &got);
            scenario_diag_add(ld->diag, item->line, item->col,
                              "each caption must be a mapping like {when: {line: 3}, say: "
                              "\"...\"}, got %s",
                              got.data);
            sb_free(&got);
            continue;
        }
        scenario_caption *c = &sc->captions[sc->ncaptions++];
        c->src_line = item->line;
        c->src_col = item->col;
        check_mapping(ld, item, SEC_CAPTION, c);
    }
}

/* Validates one value against its key and stores it. */
static void check_value(loader *ld, const key_spec *k, const scenario_node *key,
                        const scenario_node *v, void *base) {
    switch (k->type) {
    case KT_MAP:
        if (scenario_node_is_null(v) && !sections[k->sub].one_of) return; /* "machine:" alone */
        if (v->kind != YN_MAP) {
            bad_value(ld, k, v, NULL);
            return;
        }
        if (k->sub == SEC_WHEN) {
            scenario_caption *c = base;
            c->src_line = v->line;
            c->src_col = v->col;
        }
        check_mapping(ld, v, k->sub, base);
        return;
    case KT_CAPTIONS:
        check_captions(ld, k, v);
        return;
    default:
        break;
    }
    if (v->kind != YN_SCALAR || scenario_node_is_null(v)) {
        bad_value(ld, k, v, NULL);
        return;
    }
    if (memchr(v->str, '\0', v->len)) {
        scenario_diag_add(ld->diag, v->line, v->col, "'%s' contains a NUL character", k->name);
        return;
    }
    switch (k->type) {
    case KT_TEXT:
    case KT_PROGRAM:
        if ((int64_t)v->len > k->max) {
            scenario_diag_add(ld->diag, v->line, v->col,
                              "'%s' is too long (%zu bytes; at most %lld)", k->name, v->len,
                              (long long)k->max);
            return;
        }
        if ((int64_t)v->len < k->min) {
            scenario_diag_add(ld->diag, v->line, v->col, "'%s' is empty", k->name);
            return;
        }
        if (k->type == KT_PROGRAM) {
            if (v->style == YAML_FOLDED_SCALAR_STYLE) {
                scenario_diag_add(ld->diag, v->line, v->col,
                                  "'program' must be a literal block ('program: |'); a folded "
                                  "block ('>') would join its lines");
                return;
            }
            if (v->style != YAML_LITERAL_SCALAR_STYLE && v->end_line > v->line) {
                scenario_diag_add(ld->diag, v->line, v->col,
                                  "a 'program' of more than one line must be a literal block "
                                  "('program: |' followed by the indented code)");
                return;
            }
            program_origin(ld, key, v);
            ld->sc->program_len = v->len;
        }
        store_text(base, k, v->str, v->len);
        break;
    case KT_INT: {
        int64_t n;
        if (v->style != YAML_PLAIN_SCALAR_STYLE ||
            !scenario_parse_int(v->str, k->min, k->max, &n)) {
            bad_value(ld, k, v, NULL);
            return;
        }
        store_int(base, k, n);
        break;
    }
    case KT_DURATION: {
        int64_t ns;
        if (!scenario_parse_duration(v->str, &ns) || ns < k->min || ns > k->max) {
            bad_value(ld, k, v, NULL);
            return;
        }
        store_int(base, k, ns);
        break;
    }
    case KT_ENUM: {
        int idx = choice_index(k->choices, v->str);
        if (idx < 0) {
            char buf[32], extra[64];
            const char *near = choice_near(k->choices, v->str, buf, sizeof buf);
            if (near) snprintf(extra, sizeof extra, " (did you mean '%s'?)", near);
            bad_value(ld, k, v, near ? extra : NULL);
            return;
        }
        store_int(base, k, idx);
        break;
    }
    default:
        break;
    }
    if (k->when) ((scenario_caption *)base)->when = (scenario_when)k->when;
}

/* The 'machine:' / 'expect:' / ... a key of section sec lives under. */
static const char *section_key(key_section sec) {
    for (size_t i = 0; i < NKEYS; i++)
        if ((scenario_keys[i].type == KT_MAP || scenario_keys[i].type == KT_CAPTIONS) &&
            scenario_keys[i].sub == sec)
            return scenario_keys[i].name;
    return NULL;
}

/* "unknown key 'x'", with the nearest known key (in this section, or else in
 * another one, saying where it belongs), or else the list of known keys. */
static void unknown_key(loader *ld, key_section sec, const scenario_node *key) {
    strbuf name, hint;
    sb_init(&name);
    sb_init(&hint);
    scenario_quote(&name, key->str, key->len);
    const key_spec *near = NULL;
    for (size_t i = 0; i < NKEYS && !near; i++)
        if (scenario_keys[i].section == sec && is_near(key->str, scenario_keys[i].name))
            near = &scenario_keys[i];
    for (size_t i = 0; i < NKEYS && !near; i++)
        if (scenario_keys[i].section != sec && strcmp(key->str, scenario_keys[i].name) == 0)
            near = &scenario_keys[i];
    for (size_t i = 0; i < NKEYS && !near; i++)
        if (scenario_keys[i].section != sec && is_near(key->str, scenario_keys[i].name))
            near = &scenario_keys[i];
    if (near && near->section == sec) {
        sb_printf(&hint, " (did you mean '%s'?)", near->name);
    } else if (near && near->section == SEC_TOP) {
        sb_printf(&hint, " here ('%s' belongs at the top level)", near->name);
    } else if (near) {
        const char *parent = section_key(near->section);
        if (strcmp(near->name, key->str) == 0)
            sb_printf(&hint, " here ('%s' belongs under '%s:')", near->name, parent);
        else
            sb_printf(&hint, " (did you mean '%s' under '%s:'?)", near->name, parent);
    } else {
        sb_printf(&hint, " in %s (known keys:", sections[sec].name);
        for (size_t i = 0; i < NKEYS; i++)
            if (scenario_keys[i].section == sec) sb_printf(&hint, " %s", scenario_keys[i].name);
        sb_puts(&hint, ")");
    }
    scenario_diag_add(ld->diag, key->line, key->col, "unknown key '%s'%s", name.data, hint.data);
    sb_free(&name);
    sb_free(&hint);
}

static void check_mapping(loader *ld, const scenario_node *map, key_section sec, void *base) {
    bool seen[NKEYS] = {false};
    int present = 0;
    const char *first_present = NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const scenario_node *key = map->kids[i], *val = map->kids[i + 1];
        if (key->kind != YN_SCALAR) {
            strbuf got;
            sb_init(&got);
            node_describe(key, &got);
            scenario_diag_add(ld->diag, key->line, key->col, "a key must be a word, got %s",
                              got.data);
            sb_free(&got);
            continue;
        }
        const scenario_node *dup = NULL;
        for (size_t j = 0; j < i && !dup; j += 2)
            if (map->kids[j]->kind == YN_SCALAR && map->kids[j]->len == key->len &&
                memcmp(map->kids[j]->str, key->str, key->len) == 0)
                dup = map->kids[j];
        if (dup) {
            strbuf name;
            sb_init(&name);
            scenario_quote(&name, key->str, key->len);
            scenario_diag_add(ld->diag, key->line, key->col,
                              "duplicate key '%s' (first given at line %d)", name.data, dup->line);
            sb_free(&name);
            continue;
        }
        const key_spec *k = key_find(sec, key->str);
        if (!k) {
            unknown_key(ld, sec, key);
            continue;
        }
        seen[k - scenario_keys] = true;
        if (sections[sec].one_of) {
            if (present++ == 1)
                scenario_diag_add(ld->diag, key->line, key->col,
                                  "%s takes only one of its keys ('%s' was given already)",
                                  sections[sec].name, first_present);
            else
                first_present = k->name;
            if (present > 1) continue;
        }
        check_value(ld, k, key, val, base);
    }
    if (sections[sec].one_of && present == 0) {
        strbuf what;
        sb_init(&what);
        for (size_t i = 0; i < NKEYS; i++)
            if (scenario_keys[i].section == sec)
                sb_printf(&what, "%s'%s'", what.len ? " or " : "", scenario_keys[i].name);
        scenario_diag_add(ld->diag, map->line, map->col, "%s needs %s", sections[sec].name,
                          what.data);
        sb_free(&what);
    }
    for (size_t i = 0; i < NKEYS; i++) {
        const key_spec *k = &scenario_keys[i];
        if (k->section == sec && k->required && !seen[i])
            scenario_diag_add(ld->diag, map->line, map->col,
                              "missing required key '%s' in %s (%s)", k->name, sections[sec].name,
                              k->about);
    }
}

/* Checks that every {line: N} caption points inside the program. */
static void check_caption_lines(loader *ld) {
    scenario *sc = ld->sc;
    if (!sc->program) return;
    int lines = 0;
    for (size_t i = 0; i < sc->program_len; i++)
        if (sc->program[i] == '\n') lines++;
    if (sc->program_len && sc->program[sc->program_len - 1] != '\n') lines++;
    for (size_t i = 0; i < sc->ncaptions; i++) {
        const scenario_caption *c = &sc->captions[i];
        if (c->when == SCENARIO_WHEN_LINE && c->line > lines)
            scenario_diag_add(ld->diag, c->src_line, c->src_col,
                              "caption line %d is past the end of the program (%d lines)",
                              c->line, lines);
    }
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Sets every field to its table default. */
static void scenario_init(scenario *sc, const char *name) {
    memset(sc, 0, sizeof *sc);
    sc->filename = xstrdup(name);
    sc->expect_exit = -1;
    for (size_t i = 0; i < NKEYS; i++) {
        const key_spec *k = &scenario_keys[i];
        if (!k->deflt || k->section == SEC_CAPTION || k->section == SEC_WHEN) continue;
        int64_t v = 0;
        switch (k->type) {
        case KT_TEXT: store_text(sc, k, k->deflt, strlen(k->deflt)); break;
        case KT_INT:
            if (scenario_parse_int(k->deflt, k->min, k->max, &v)) store_int(sc, k, v);
            break;
        case KT_DURATION:
            if (scenario_parse_duration(k->deflt, &v)) store_int(sc, k, v);
            break;
        case KT_ENUM: store_int(sc, k, choice_index(k->choices, k->deflt)); break;
        default: break;
        }
    }
}

void scenario_free(scenario *sc) {
    free(sc->filename);
    free(sc->title);
    free(sc->title_zh);
    free(sc->summary);
    free(sc->summary_zh);
    free(sc->program);
    for (size_t i = 0; i < sc->ncaptions; i++) {
        free(sc->captions[i].event);
        free(sc->captions[i].say);
        free(sc->captions[i].say_zh);
    }
    free(sc->captions);
    free(sc->expect_stdout);
    free(sc->source);
    memset(sc, 0, sizeof *sc);
}

static int load_yaml(scenario *sc, scenario_diag *diag) {
    scenario_text t;
    scenario_text_init(&t, sc->source, sc->source_len);
    size_t before = diag->count;
    scenario_node *root = NULL;
    if (scenario_yaml_parse(&t, diag, &root) == 0) {
        loader ld = {sc, diag, &t};
        if (!root || scenario_node_is_null(root)) {
            scenario_diag_add(diag, root ? root->line : 1, root ? root->col : 1,
                              "the scenario is empty (it needs at least a 'program' key)");
        } else if (root->kind != YN_MAP) {
            strbuf got;
            sb_init(&got);
            node_describe(root, &got);
            scenario_diag_add(diag, root->line, root->col,
                              "a scenario must be a mapping of keys like 'title:' and "
                              "'program:', got %s",
                              got.data);
            sb_free(&got);
        } else {
            check_mapping(&ld, root, SEC_TOP, sc);
            check_caption_lines(&ld);
        }
    }
    scenario_node_free(root);
    scenario_text_fini(&t);
    return diag->count > before ? -1 : 0;
}

int scenario_load_mem(const char *name, const char *data, size_t len, scenario *sc,
                      scenario_diag *diag) {
    scenario_init(sc, name);
    free(diag->filename);
    diag->filename = xstrdup(name);
    sc->source = xstrndup(data, len);
    sc->source_len = len;
    if (len > SCENARIO_MAX_FILE_BYTES) {
        scenario_diag_add(diag, 0, 0, "'%s' is too large (%zu bytes; the limit is %d)", name, len,
                          SCENARIO_MAX_FILE_BYTES);
        return -1;
    }
    int rc;
    if (ends_with(name, ".py")) {
        sc->is_python = true;
        sc->program = xstrndup(data, len);
        sc->program_len = len;
        sc->program_line = 1;
        sc->program_indent = 0;
        rc = 0;
    } else {
        rc = load_yaml(sc, diag);
    }
    if (!sc->title) sc->title = xstrdup(base_name(name));
    return rc;
}

int scenario_load_file(const char *path, scenario *sc, scenario_diag *diag) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        scenario_init(sc, path);
        free(diag->filename);
        diag->filename = xstrdup(path);
        scenario_diag_add(diag, 0, 0, "cannot open '%s': %s", path, strerror(e));
        return -1;
    }
    strbuf sb;
    sb_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sb_append(&sb, buf, n);
        if (sb.len > SCENARIO_MAX_FILE_BYTES) break;
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err || sb.len > SCENARIO_MAX_FILE_BYTES) {
        scenario_init(sc, path);
        free(diag->filename);
        diag->filename = xstrdup(path);
        if (err)
            scenario_diag_add(diag, 0, 0, "cannot read '%s': %s", path, strerror(err));
        else
            scenario_diag_add(diag, 0, 0, "'%s' is too large (more than %d bytes)", path,
                              SCENARIO_MAX_FILE_BYTES);
        sb_free(&sb);
        return -1;
    }
    int rc = scenario_load_mem(path, sb.data ? sb.data : "", sb.len, sc, diag);
    sb_free(&sb);
    return rc;
}
