/* lex.h - the tokenizer: program text -> tokens, following CPython 3.11's
 * tokenizer (indentation, implicit line joining, numbers, string bodies).
 *
 * Usage: lex_prepare() normalizes the raw source once (BOM, line ends, UTF-8
 * and NUL checks); lex_tokenize() turns a range of the prepared text into a
 * token array ending with LEX_ENDMARKER, or with LEX_ERROR when the
 * tokenizer failed (the error is then in the lex_error). String tokens keep
 * their body as a byte range: lex_unescape() decodes it.
 */
#ifndef CONCVIZ_LEX_H
#define CONCVIZ_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Token kinds: X(kind, spelling). The spelling of an operator or keyword is
 * its text; the others describe the token in messages. */
#define LEX_TOKEN_LIST(X) \
    X(LEX_ENDMARKER, "end of input") \
    X(LEX_NAME, "name") \
    X(LEX_INT, "integer") \
    X(LEX_FLOAT, "float") \
    X(LEX_STRING, "string") \
    X(LEX_NEWLINE, "newline") \
    X(LEX_INDENT, "indent") \
    X(LEX_DEDENT, "dedent") \
    X(LEX_ERRORTOKEN, "unknown character") /* one of $ ? ` ! : never valid */ \
    X(LEX_ERROR, "error") /* the tokenizer stopped here: see lex_error */ \
    /* operators and delimiters */ \
    X(LEX_LPAR, "(") X(LEX_RPAR, ")") X(LEX_LSQB, "[") X(LEX_RSQB, "]") \
    X(LEX_LBRACE, "{") X(LEX_RBRACE, "}") \
    X(LEX_COLON, ":") X(LEX_COMMA, ",") X(LEX_SEMI, ";") X(LEX_DOT, ".") \
    X(LEX_ELLIPSIS, "...") X(LEX_ARROW, "->") X(LEX_COLONEQUAL, ":=") \
    X(LEX_PLUS, "+") X(LEX_MINUS, "-") X(LEX_STAR, "*") X(LEX_SLASH, "/") \
    X(LEX_DOUBLESLASH, "//") X(LEX_PERCENT, "%") X(LEX_DOUBLESTAR, "**") \
    X(LEX_AT, "@") X(LEX_VBAR, "|") X(LEX_AMPER, "&") X(LEX_CIRCUMFLEX, "^") \
    X(LEX_TILDE, "~") X(LEX_LEFTSHIFT, "<<") X(LEX_RIGHTSHIFT, ">>") \
    X(LEX_LESS, "<") X(LEX_GREATER, ">") X(LEX_EQUAL, "=") \
    X(LEX_EQEQUAL, "==") X(LEX_NOTEQUAL, "!=") X(LEX_LESSEQUAL, "<=") \
    X(LEX_GREATEREQUAL, ">=") \
    X(LEX_PLUSEQUAL, "+=") X(LEX_MINEQUAL, "-=") X(LEX_STAREQUAL, "*=") \
    X(LEX_SLASHEQUAL, "/=") X(LEX_DOUBLESLASHEQUAL, "//=") \
    X(LEX_PERCENTEQUAL, "%=") X(LEX_DOUBLESTAREQUAL, "**=") \
    X(LEX_ATEQUAL, "@=") X(LEX_VBAREQUAL, "|=") X(LEX_AMPEREQUAL, "&=") \
    X(LEX_CIRCUMFLEXEQUAL, "^=") X(LEX_LEFTSHIFTEQUAL, "<<=") \
    X(LEX_RIGHTSHIFTEQUAL, ">>=") \
    /* keywords */ \
    X(LEX_KW_FALSE, "False") X(LEX_KW_NONE, "None") X(LEX_KW_TRUE, "True") \
    X(LEX_KW_AND, "and") X(LEX_KW_AS, "as") X(LEX_KW_ASSERT, "assert") \
    X(LEX_KW_ASYNC, "async") X(LEX_KW_AWAIT, "await") X(LEX_KW_BREAK, "break") \
    X(LEX_KW_CLASS, "class") X(LEX_KW_CONTINUE, "continue") X(LEX_KW_DEF, "def") \
    X(LEX_KW_DEL, "del") X(LEX_KW_ELIF, "elif") X(LEX_KW_ELSE, "else") \
    X(LEX_KW_EXCEPT, "except") X(LEX_KW_FINALLY, "finally") X(LEX_KW_FOR, "for") \
    X(LEX_KW_FROM, "from") X(LEX_KW_GLOBAL, "global") X(LEX_KW_IF, "if") \
    X(LEX_KW_IMPORT, "import") X(LEX_KW_IN, "in") X(LEX_KW_IS, "is") \
    X(LEX_KW_LAMBDA, "lambda") X(LEX_KW_NONLOCAL, "nonlocal") X(LEX_KW_NOT, "not") \
    X(LEX_KW_OR, "or") X(LEX_KW_PASS, "pass") X(LEX_KW_RAISE, "raise") \
    X(LEX_KW_RETURN, "return") X(LEX_KW_TRY, "try") X(LEX_KW_WHILE, "while") \
    X(LEX_KW_WITH, "with") X(LEX_KW_YIELD, "yield")

typedef enum lex_kind {
#define LEX_ENUM_ITEM(kind, text) kind,
    LEX_TOKEN_LIST(LEX_ENUM_ITEM)
#undef LEX_ENUM_ITEM
    LEX_KIND_COUNT
} lex_kind;

#define LEX_FIRST_KEYWORD LEX_KW_FALSE
#define LEX_FIRST_OPERATOR LEX_LPAR

/* String prefix flags of a LEX_STRING token. */
enum {
    LEX_STR_RAW = 1,    /* r/R */
    LEX_STR_F = 2,      /* f/F */
    LEX_STR_BYTES = 4,  /* b/B (rejected by the parser) */
    LEX_STR_TRIPLE = 8  /* ''' or """ */
};

typedef struct lex_token {
    lex_kind kind;
    int line, col;          /* 1-based start; col counted in code points */
    int end_line, end_col;  /* just past the token */
    size_t start, end;      /* byte range in the prepared text */
    int level;              /* bracket depth before the token */
    union {
        int64_t i;          /* LEX_INT */
        double f;           /* LEX_FLOAT */
        struct {
            unsigned flags;          /* LEX_STR_* */
            size_t body, body_end;   /* byte range between the quotes */
            int body_line, body_col; /* position of the first body byte */
        } str;              /* LEX_STRING */
    } v;
} lex_token;

/* A tokenizer failure. 'eager' errors are reported even when the parser
 * failed on an earlier token (CPython raises them while it scans the rest of
 * the file); the others only when the parser reaches them. An unclosed
 * bracket at the end of input has 'unclosed' set and the bracket's position
 * as line/col. */
typedef struct lex_error {
    int line, col;
    const char *kind;   /* "SyntaxError", "IndentationError" or "TabError" */
    char msg[256];
    int eager;
    int unclosed;
} lex_error;

/* Limits, as in CPython. */
#define LEX_MAX_LEVEL 200   /* nested brackets */
#define LEX_MAX_INDENT 100  /* indentation levels */

/* Normalizes raw source: skips a UTF-8 BOM, turns CRLF and CR into LF,
 * appends a final LF if missing, and rejects NUL bytes and invalid UTF-8
 * (returns 0 with *err set). On success returns 1 and *out is a new
 * NUL-terminated buffer of *outlen bytes the caller frees with free(). */
int lex_prepare(const char *src, size_t len, char **out, size_t *outlen, lex_error *err);

/* Tokenizes text[start, end). (line, col) is the position of text[start].
 * With in_field set the range is an f-string replacement field: it is
 * tokenized as if inside brackets (no NEWLINE/INDENT tokens) and ends with
 * LEX_ENDMARKER. Returns a token array the caller frees with free(); *ntok
 * counts it including the final LEX_ENDMARKER or LEX_ERROR token. */
lex_token *lex_tokenize(const char *text, size_t start, size_t end, int line, int col,
                        int in_field, int *ntok, lex_error *err);

/* Decodes the escapes of a string body text[start, end) into out (raw
 * bodies are copied, backslashes included). (line, col) is the position of
 * text[start]. Returns 1, or 0 with *err set (at the offending backslash). */
int lex_unescape(const char *text, size_t start, size_t end, int line, int col, int raw,
                 strbuf *out, lex_error *err);

/* Moves (line, col) from text[from] to text[to] (from <= to), counting code
 * points and line feeds. */
void lex_advance_pos(const char *text, size_t from, size_t to, int *line, int *col);

/* The spelling of a token kind (operator text, keyword, or a description). */
const char *lex_kind_text(lex_kind kind);

/* Decodes one UTF-8 code point at s[0..n); returns its length (1 for an
 * invalid sequence, *cp then the byte value). */
int lex_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends the UTF-8 encoding of cp. */
void lex_utf8_encode(strbuf *out, uint32_t cp);

#endif
