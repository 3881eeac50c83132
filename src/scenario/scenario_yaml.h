/* scenario_yaml.h - internal to the scenario loader: the raw text with its
 * line starts, and the YAML tree that scenario.c validates. */
#ifndef CONCVIZ_SCENARIO_YAML_H
#define CONCVIZ_SCENARIO_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/strbuf.h"
#include "scenario/scenario.h"

/* The text of a scenario file and where each line starts. Lines end where
 * libyaml ends them (LF, CR, CRLF, NEL, LS, PS); a UTF-8 BOM is not part of
 * line 1's columns. Columns count characters, not bytes. */
typedef struct scenario_text {
    const char *s;         /* not owned */
    size_t len;
    size_t *line_start;    /* byte offset of each line (index 0 = line 1) */
    size_t nlines;
} scenario_text;

void scenario_text_init(scenario_text *t, const char *s, size_t len);
void scenario_text_fini(scenario_text *t);
/* Byte offset -> 1-based line and column. */
void scenario_text_pos(const scenario_text *t, size_t off, int *line, int *col);
/* 1-based line and column -> byte offset (t->len if past the end). */
size_t scenario_text_offset(const scenario_text *t, int line, int col);
/* Length of the line break at s[i], or 0. */
size_t scenario_text_break_len(const char *s, size_t len, size_t i);

typedef enum scenario_node_kind { YN_NULL, YN_SCALAR, YN_MAP, YN_SEQ } scenario_node_kind;

/* One YAML node. A node owns its string and its children. */
typedef struct scenario_node {
    scenario_node_kind kind;
    int line, col;                /* start, 1-based */
    int end_line;                 /* 1-based line of the end mark */
    int style;                    /* yaml_scalar_style_t, scalars only */
    char *str;                    /* scalar value (NUL-terminated) */
    size_t len;
    struct scenario_node **kids;  /* SEQ: items; MAP: key, value, key, value, ... */
    size_t nkids;
    size_t cap;
} scenario_node;

/* Parses t into a tree, recording every problem in diag. Returns 0 with
 * *root set (NULL for a stream without a document), or -1 when the text
 * could not be parsed (*root is NULL then). Free the tree with
 * scenario_node_free. */
int scenario_yaml_parse(const scenario_text *t, scenario_diag *diag, scenario_node **root);
void scenario_node_free(scenario_node *n);
/* A plain scalar that YAML reads as null (empty, '~', null), or an alias. */
bool scenario_node_is_null(const scenario_node *n);

/* Appends s (n bytes) for a message: at most ~40 bytes, control bytes
 * escaped, cut on a UTF-8 character boundary. */
void scenario_quote(strbuf *sb, const char *s, size_t n);

#endif
