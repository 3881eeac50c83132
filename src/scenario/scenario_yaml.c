/* scenario_yaml.c - the scenario file's raw text (line starts and positions,
 * counted the way libyaml counts them) and YAML -> a small tree of
 * scenario_node, through the libyaml event API. This is where the limits are
 * enforced: UTF-8 only, no NUL bytes, no anchors or aliases (billion laughs;
 * the first of each is reported), one document, SCENARIO_MAX_DEPTH levels,
 * SCENARIO_MAX_NODES nodes. Validation against the key table is scenario.c.
 */
#include "scenario/scenario_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lang/xalloc.h"

/* Appends s (n bytes) for a message: at most ~40 bytes, control bytes
 * escaped, cut on a UTF-8 character boundary. */
void scenario_quote(strbuf *sb, const char *s, size_t n) {
    const size_t limit = 40;
    size_t i = 0;
    for (; i < n && i < limit; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') sb_puts(sb, "\\n");
        else if (c == '\t') sb_puts(sb, "\\t");
        else if (c < 0x20 || c == 0x7f) sb_printf(sb, "\\x%02x", c);
        else sb_putc(sb, (char)c);
    }
    if (i < n) {
        /* drop a partial UTF-8 sequence left at the cut */
        while (sb->len > 0 && ((unsigned char)sb->data[sb->len - 1] & 0xc0) == 0x80) sb->len--;
        if (sb->len > 0 && (unsigned char)sb->data[sb->len - 1] >= 0xc0) sb->len--;
        sb->data[sb->len] = '\0';
        sb_puts(sb, "...");
    }
}

/* ------------------------------------------------------------------ */
/* The raw text: line starts and positions, the way libyaml counts them  */

/* Length of the line break at s[i] (libyaml's set: LF, CR, CRLF, NEL, LS,
 * PS), or 0. */
size_t scenario_text_break_len(const char *s, size_t len, size_t i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') return 1;
    if (c == '\r') return (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
    if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85) return 2;
    if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
        return 3;
    return 0;
}

void scenario_text_init(scenario_text *t, const char *s, size_t len) {
    t->s = s;
    t->len = len;
    size_t cap = 64;
    t->line_start = xreallocarray(NULL, cap, sizeof(size_t));
    t->nlines = 0;
    size_t start = (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;
    t->line_start[t->nlines++] = start;
    for (size_t i = start; i < len;) {
        size_t b = scenario_text_break_len(s, len, i);
        if (!b) {
            i++;
            continue;
        }
        i += b;
        if (t->nlines == cap) {
            cap *= 2;
            t->line_start = xreallocarray(t->line_start, cap, sizeof(size_t));
        }
        t->line_start[t->nlines++] = i;
    }
}

void scenario_text_fini(scenario_text *t) { free(t->line_start); }

/* Byte offset -> 1-based line and column (columns count characters). */
void scenario_text_pos(const scenario_text *t, size_t off, int *line, int *col) {
    size_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->line_start[mid] <= off) lo = mid;
        else hi = mid;
    }
    size_t chars = 0;
    for (size_t i = t->line_start[lo]; i < off && i < t->len; i++)
        if (((unsigned char)t->s[i] & 0xc0) != 0x80) chars++;
    *line = (int)lo + 1;
    *col = (int)chars + 1;
}

/* 1-based line and column (in characters) -> byte offset. */
size_t scenario_text_offset(const scenario_text *t, int line, int col) {
    if (line < 1 || (size_t)line > t->nlines) return t->len;
    size_t i = t->line_start[line - 1];
    for (int c = 1; c < col && i < t->len; c++) {
        i++;
        while (i < t->len && ((unsigned char)t->s[i] & 0xc0) == 0x80) i++;
    }
    return i;
}

/* ------------------------------------------------------------------ */
/* YAML -> tree                                                        */

typedef struct yreader {
    yaml_parser_t parser;
    scenario_diag *diag;
    const scenario_text *src;
    size_t nodes;
    bool broken;            /* parsing stopped (syntax error or a limit) */
    bool depth_reported;
    bool anchor_reported;   /* anchors and aliases are reported once each */
    bool alias_reported;
} yreader;

void scenario_node_free(scenario_node *n) {
    if (!n) return;
    for (size_t i = 0; i < n->nkids; i++) scenario_node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

static scenario_node *node_new(yreader *r, scenario_node_kind kind, yaml_mark_t start,
                               yaml_mark_t end) {
    scenario_node *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = (int)start.line + 1;
    n->col = (int)start.column + 1;
    n->end_line = (int)end.line + 1;
    if (++r->nodes == SCENARIO_MAX_NODES + 1) {
        scenario_diag_add(r->diag, n->line, n->col,
                          "too many YAML nodes (a scenario may have at most %d)",
                          SCENARIO_MAX_NODES);
        r->broken = true;
    }
    return n;
}

static void node_push(scenario_node *parent, scenario_node *kid) {
    if (parent->nkids == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        parent->kids = xreallocarray(parent->kids, parent->cap, sizeof *parent->kids);
    }
    parent->kids[parent->nkids++] = kid;
}

/* Records libyaml's error (problem + context) at its position. */
static void yreader_report(yreader *r) {
    yaml_parser_t *p = &r->parser;
    r->broken = true;
    int line = 1, col = 1;
    if (p->error == YAML_READER_ERROR) {
        scenario_text_pos(r->src, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            scenario_diag_add(r->diag, line, col,
                              "%s (byte 0x%02x)",
                              p->problem ? p->problem : "cannot read the file",
                              (unsigned)p->problem_value);
        else
            scenario_diag_add(r->diag, line, col, "%s",
                              p->problem ? p->problem : "cannot read the file");
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        scenario_diag_add(r->diag, 1, 1, "out of memory while reading YAML");
        return;
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context)
        scenario_diag_add(r->diag, line, col, "YAML syntax error: %s (%s at line %d, column %d)",
                          p->problem ? p->problem : "invalid YAML", p->context,
                          (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    else
        scenario_diag_add(r->diag, line, col, "YAML syntax error: %s",
                          p->problem ? p->problem : "invalid YAML");
}

static bool yreader_next(yreader *r, yaml_event_t *ev) {
    if (r->broken) return false;
    if (!yaml_parser_parse(&r->parser, ev)) {
        yreader_report(r);
        return false;
    }
    return true;
}

static void yreader_no_anchor(yreader *r, const yaml_char_t *anchor, yaml_mark_t at) {
    if (!anchor || r->anchor_reported) return;
    r->anchor_reported = true;
    strbuf sb;
    sb_init(&sb);
    scenario_quote(&sb, (const char *)anchor, strlen((const char *)anchor));
    scenario_diag_add(r->diag, (int)at.line + 1, (int)at.column + 1,
                      "YAML anchors ('&%s') are not allowed in a scenario", sb.data);
    sb_free(&sb);
}

/* Skips the rest of a collection whose start event was just read. */
static void yreader_skip_collection(yreader *r) {
    int level = 1;
    yaml_event_t ev;
    while (level > 0 && yreader_next(r, &ev)) {
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) level++;
        else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) level--;
        else if (ev.type == YAML_ALIAS_EVENT && !r->alias_reported) {
            r->alias_reported = true;
            scenario_diag_add(r->diag, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                              "YAML aliases are not allowed in a scenario");
        }
        yaml_event_delete(&ev);
    }
}

/* Builds the node that starts with *ev (consumed here). NULL if parsing
 * stopped. */
static scenario_node *yreader_node(yreader *r, yaml_event_t *ev, int depth) {
    scenario_node *n = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        yreader_no_anchor(r, ev->data.scalar.anchor, ev->start_mark);
        n = node_new(r, YN_SCALAR, ev->start_mark, ev->end_mark);
        n->style = (int)ev->data.scalar.style;
        n->len = ev->data.scalar.length;
        n->str = xstrndup((const char *)ev->data.scalar.value, n->len);
        yaml_event_delete(ev);
        return n;
    case YAML_ALIAS_EVENT:
        if (!r->alias_reported) {
            strbuf sb;
            sb_init(&sb);
            scenario_quote(&sb, (const char *)ev->data.alias.anchor,
                        strlen((const char *)ev->data.alias.anchor));
            scenario_diag_add(r->diag, (int)ev->start_mark.line + 1,
                              (int)ev->start_mark.column + 1,
                              "YAML aliases ('*%s') are not allowed in a scenario", sb.data);
            sb_free(&sb);
        }
        r->alias_reported = true;
        n = node_new(r, YN_NULL, ev->start_mark, ev->end_mark);
        yaml_event_delete(ev);
        return n;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        yreader_no_anchor(r,
                          is_map ? ev->data.mapping_start.anchor
                                 : ev->data.sequence_start.anchor,
                          ev->start_mark);
        n = node_new(r, is_map ? YN_MAP : YN_SEQ, ev->start_mark, ev->end_mark);
        yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        yaml_event_delete(ev);
        if (depth >= SCENARIO_MAX_DEPTH) {
            if (!r->depth_reported)
                scenario_diag_add(r->diag, n->line, n->col,
                                  "YAML nested too deeply (more than %d levels)",
                                  SCENARIO_MAX_DEPTH);
            r->depth_reported = true;
            n->kind = YN_NULL;
            yreader_skip_collection(r);
            return r->broken ? (scenario_node_free(n), NULL) : n;
        }
        for (;;) {
            yaml_event_t kid;
            if (!yreader_next(r, &kid)) {
                scenario_node_free(n);
                return NULL;
            }
            if (kid.type == end) {
                n->end_line = (int)kid.end_mark.line + 1;
                yaml_event_delete(&kid);
                return n;
            }
            scenario_node *k = yreader_node(r, &kid, depth + 1);
            if (!k || r->broken) {
                scenario_node_free(k);
                scenario_node_free(n);
                return NULL;
            }
            node_push(n, k);
        }
    }
    default:
        /* cannot happen inside a document; treat as a syntax error */
        scenario_diag_add(r->diag, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                          "unexpected YAML event");
        yaml_event_delete(ev);
        r->broken = true;
        return NULL;
    }
}

/* Parses the whole stream. Returns the root node (NULL: empty stream or
 * stopped; *ok tells which). */
static scenario_node *yreader_document(yreader *r, bool *ok) {
    yaml_event_t ev;
    scenario_node *root = NULL;
    *ok = false;
    if (!yreader_next(r, &ev)) return NULL; /* STREAM-START */
    yaml_event_delete(&ev);
    if (!yreader_next(r, &ev)) return NULL;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        *ok = true;
        return NULL;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    if (!yreader_next(r, &ev)) return NULL;
    root = yreader_node(r, &ev, 1);
    if (!root) return NULL;
    if (!yreader_next(r, &ev)) goto fail; /* DOCUMENT-END */
    yaml_event_delete(&ev);
    if (!yreader_next(r, &ev)) goto fail;
    if (ev.type == YAML_DOCUMENT_START_EVENT) {
        scenario_diag_add(r->diag, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                          "a scenario is one YAML document; found a second one here");
        yaml_event_delete(&ev);
        goto fail;
    }
    yaml_event_delete(&ev);
    *ok = true;
    return root;
fail:
    scenario_node_free(root);
    return NULL;
}

/* A plain scalar that YAML reads as null: empty, '~' or null. */
bool scenario_node_is_null(const scenario_node *n) {
    if (n->kind == YN_NULL) return true;
    if (n->kind != YN_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE) return false;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

/* Length of the valid UTF-8 sequence at s[i], or 0 (overlong forms,
 * surrogates and code points over U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t len, size_t i) {
    unsigned char c = s[i];
    if (c < 0x80) return 1;
    size_t n;
    unsigned cp, min;
    if ((c & 0xe0) == 0xc0) n = 2, cp = c & 0x1fu, min = 0x80;
    else if ((c & 0xf0) == 0xe0) n = 3, cp = c & 0x0fu, min = 0x800;
    else if ((c & 0xf8) == 0xf0) n = 4, cp = c & 0x07u, min = 0x10000;
    else return 0;
    if (i + n > len) return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

/* Problems the text has before libyaml sees it. */
static bool precheck(const scenario_text *t, scenario_diag *diag) {
    if (t->len == 0) {
        scenario_diag_add(diag, 1, 1,
                          "the file is empty (a scenario needs at least a 'program' key)");
        return false;
    }
    if (t->len >= 2 && (((unsigned char)t->s[0] == 0xfe && (unsigned char)t->s[1] == 0xff) ||
                        ((unsigned char)t->s[0] == 0xff && (unsigned char)t->s[1] == 0xfe))) {
        scenario_diag_add(diag, 1, 1, "UTF-16 text is not supported: save the file as UTF-8");
        return false;
    }
    const char *nul = memchr(t->s, '\0', t->len);
    if (nul) {
        int line, col;
        scenario_text_pos(t, (size_t)(nul - t->s), &line, &col);
        scenario_diag_add(diag, line, col,
                          "NUL byte in the file: this looks like a binary file, "
                          "not a YAML scenario");
        return false;
    }
    const unsigned char *u = (const unsigned char *)t->s;
    for (size_t i = 0; i < t->len;) {
        size_t n = utf8_len(u, t->len, i);
        if (n == 0) {
            int line, col;
            scenario_text_pos(t, i, &line, &col);
            scenario_diag_add(diag, line, col,
                              "invalid UTF-8 (byte 0x%02x): a scenario file must be UTF-8 text",
                              u[i]);
            return false;
        }
        i += n;
    }
    return true;
}

int scenario_yaml_parse(const scenario_text *t, scenario_diag *diag, scenario_node **root) {
    *root = NULL;
    if (!precheck(t, diag)) return -1;
    yreader r;
    memset(&r, 0, sizeof r);
    r.diag = diag;
    r.src = t;
    if (!yaml_parser_initialize(&r.parser)) {
        scenario_diag_add(diag, 1, 1, "out of memory while reading YAML");
        return -1;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)t->s, t->len);
    bool ok;
    *root = yreader_document(&r, &ok);
    yaml_parser_delete(&r.parser);
    return ok ? 0 : -1;
}
