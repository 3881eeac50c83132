/* code.h - compiled code: the opcode list and code objects.
 *
 * An instruction is one 32-bit word: opcode in the low 8 bits, argument in the
 * high 24. Code objects are immutable after compilation and shared by every
 * simulated process; the lang_program that compiled them owns them.
 */
#ifndef CONCVIZ_CODE_H
#define CONCVIZ_CODE_H

#include <stdint.h>

#include "value.h"

/* X(name, stack effect or 99 = computed from arg, what it does) */
#define OPCODE_LIST(X) \
    X(NOP,             0,  "nothing") \
    X(POP_TOP,        -1,  "discard TOS") \
    X(DUP_TOP,         1,  "push TOS again") \
    X(DUP_TOP_TWO,     2,  "push TOS1, TOS again") \
    X(ROT_TWO,         0,  "swap TOS and TOS1") \
    X(ROT_THREE,       0,  "TOS moves under TOS2") \
    X(ROT_FOUR,        0,  "TOS moves under TOS3") \
    X(LOAD_CONST,      1,  "push consts[arg]") \
    X(LOAD_FAST,       1,  "push local slot arg (UnboundLocalError if unset)") \
    X(STORE_FAST,     -1,  "pop into local slot arg") \
    X(DELETE_FAST,     0,  "unbind local slot arg") \
    X(LOAD_DEREF,      1,  "push the value of cell slot arg") \
    X(STORE_DEREF,    -1,  "pop into cell slot arg") \
    X(LOAD_CLOSURE,    1,  "push the cell object in slot arg") \
    X(LOAD_GLOBAL,     1,  "push global or builtin names[arg]") \
    X(STORE_GLOBAL,   -1,  "pop into global names[arg]") \
    X(DELETE_GLOBAL,   0,  "delete global names[arg]") \
    X(LOAD_NAME,       1,  "push names[arg] from locals dict, globals, builtins") \
    X(LOAD_FAST_AUG,   1,  "LOAD_FAST for `name += x`: does not mark a string as escaped") \
    X(LOAD_GLOBAL_AUG, 1,  "LOAD_GLOBAL for `name += x`") \
    X(LOAD_NAME_AUG,   1,  "LOAD_NAME for `name += x`") \
    X(STORE_NAME,     -1,  "pop into locals dict names[arg]") \
    X(DELETE_NAME,     0,  "delete names[arg] from the locals dict") \
    X(LOAD_ATTR,       0,  "TOS = getattr(TOS, names[arg])") \
    X(STORE_ATTR,     -2,  "setattr(TOS, names[arg], TOS1)") \
    X(DELETE_ATTR,    -1,  "delattr(TOS, names[arg])") \
    X(LOAD_METHOD,     1,  "replace TOS with (method, self) or (attr, UNDEF)") \
    X(CALL_METHOD,    99,  "call a LOAD_METHOD pair with arg positional args") \
    X(BINARY_SUBSCR,  -1,  "TOS = TOS1[TOS]") \
    X(STORE_SUBSCR,   -3,  "TOS1[TOS] = TOS2") \
    X(DELETE_SUBSCR,  -2,  "del TOS1[TOS]") \
    X(BUILD_SLICE,    99,  "slice from arg (2 or 3) values") \
    X(BINARY_OP,      -1,  "TOS = TOS1 op TOS, op = ast_binop arg") \
    X(INPLACE_OP,     -1,  "TOS = TOS1 op= TOS (lists extend in place); arg | 0x100: target is a plain name") \
    X(UNARY_NEG,       0,  "TOS = -TOS") \
    X(UNARY_POS,       0,  "TOS = +TOS") \
    X(UNARY_NOT,       0,  "TOS = not TOS") \
    X(UNARY_INVERT,    0,  "TOS = ~TOS") \
    X(COMPARE_OP,     -1,  "TOS = TOS1 cmp TOS, cmp = ast_cmpop arg") \
    X(JUMP,            0,  "ip = arg") \
    X(POP_JUMP_IF_FALSE, -1, "pop; jump to arg if false") \
    X(POP_JUMP_IF_TRUE,  -1, "pop; jump to arg if true") \
    X(JUMP_IF_FALSE_OR_POP, 0, "jump keeping TOS if false, else pop (effect -1 on fallthrough)") \
    X(JUMP_IF_TRUE_OR_POP,  0, "jump keeping TOS if true, else pop (effect -1 on fallthrough)") \
    X(GET_ITER,        0,  "TOS = iter(TOS)") \
    X(FOR_ITER,        1,  "push next(TOS), or pop the iterator and jump to arg") \
    X(BUILD_LIST,     99,  "list of arg values") \
    X(BUILD_TUPLE,    99,  "tuple of arg values") \
    X(BUILD_DICT,     99,  "dict of arg key/value pairs") \
    X(LIST_APPEND,    -1,  "append TOS to the list arg deep (comprehensions)") \
    X(BUILD_SET,      99,  "set of arg values, added in order") \
    X(YIELD_VALUE,     0,  "suspend the generator, giving TOS to its resumer; TOS = the value sent in") \
    X(SET_ADD,        -1,  "add TOS to the set arg deep (displays, comprehensions)") \
    X(SET_UPDATE,     -1,  "update the set TOS1 with iterable TOS; arg 2: TOS is a tuple of constants, added through a frozenset as CPython's constant set displays are") \
    X(DICT_SET,       -2,  "store TOS1: TOS into the dict arg deep (comprehensions)") \
    X(LIST_EXTEND,    -1,  "extend the list TOS1 with iterable TOS") \
    X(DICT_UPDATE,    -1,  "update the dict TOS1 with mapping TOS") \
    X(LIST_TO_TUPLE,   0,  "TOS = tuple(TOS)") \
    X(UNPACK_SEQUENCE, 99, "replace TOS by its arg items, first item on top") \
    X(UNPACK_EX,      99,  "starred unpack: arg = before | after << 8") \
    X(CALL,           99,  "call TOS-arg with arg positional args") \
    X(CALL_KW,        99,  "call with arg args; TOS is a tuple of keyword names") \
    X(CALL_EX,        99,  "call TOS1/TOS2 with *args tuple (and **kwargs dict if arg)") \
    X(MAKE_FUNCTION,  99,  "function from children[arg >> 3]; arg flags: 1 defaults, 2 kwdefaults, 4 closure") \
    X(MAKE_CLASS,     -1,  "run class body function TOS1 with bases tuple TOS, name consts[arg]") \
    X(RETURN_VALUE,   -1,  "return TOS") \
    X(SETUP_EXCEPT,    0,  "push a handler block jumping to arg") \
    X(POP_BLOCK,       0,  "pop the innermost handler block") \
    X(POP_EXCEPT,      0,  "leave an except clause: pop the handled exception") \
    X(RAISE,          99,  "arg 0 re-raise, 1 raise TOS, 2 raise TOS1 from TOS") \
    X(RERAISE,        -1,  "raise TOS again, keeping its traceback") \
    X(JUMP_IF_NOT_EXC_MATCH, -2, "pop type and exc; jump to arg unless exc matches") \
    X(WITH_EXC_PREP,   3,  "[exit, exc] -> [exc, exit, type, exc, None]") \
    X(LOAD_ASSERTION,  1,  "push AssertionError") \
    X(FORMAT_VALUE,   99,  "format TOS (arg: 1 str, 2 repr, 3 ascii; 4 = spec on TOS)") \
    X(BUILD_STRING,   99,  "concatenate arg strings") \
    X(IMPORT_NAME,     1,  "push the module names[arg]") \
    X(IMPORT_FROM,     1,  "push attribute names[arg] of the module TOS") \
    X(IMPORT_STAR,    -1,  "copy every public name of module TOS into globals") \
    X(SUPER0,          1,  "push super(__class__, first argument)") \
    X(SETUP_ANNOTATIONS, 0, "unused")

typedef enum opcode {
#define OPCODE_ENUM(name, effect, doc) OP_##name,
    OPCODE_LIST(OPCODE_ENUM)
#undef OPCODE_ENUM
    OP_COUNT
} opcode;

#define INSTR(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define INSTR_OP(w) ((w) & 0xffu)
#define INSTR_ARG(w) ((w) >> 8)
/* INPLACE_OP's flag: the target is a plain variable (`name += x`). */
#define INPLACE_NAME_TARGET 0x100

enum { CO_VARARGS = 1, CO_VARKEYWORDS = 2, CO_MODULE = 4, CO_CLASS_BODY = 8, CO_LAMBDA = 16,
       CO_COMPREHENSION = 32, CO_GENERATOR = 64 };

/* One compiled function, lambda, class body or module. */
typedef struct code_obj {
    const char *name;          /* "f", "<lambda>", "<module>", "<listcomp>" */
    const char *qualname;      /* "Point.__init__" */
    uint32_t *code;
    uint32_t ncode;
    int *lines;                /* program line of each instruction */
    value *consts;             /* str consts are OBJ_PERMANENT str objects */
    uint32_t nconsts;
    str_obj **names;           /* permanent str objects */
    uint32_t nnames;
    str_obj **varnames;        /* local slots: parameters first */
    uint32_t nlocals;          /* plain local slots */
    uint32_t nargs;            /* positional parameters */
    uint32_t nkwonly;          /* keyword-only parameters (after nargs) */
    uint32_t ncells;           /* cells for this frame's own captured locals */
    uint32_t nfree;            /* free variables (cells from the closure) */
    int32_t *cell2arg;         /* for each own cell, the parameter slot it starts from, or -1 */
    str_obj **cellnames;       /* ncells + nfree names (for error messages) */
    struct code_obj **children;  /* nested code, indexed by MAKE_FUNCTION arg >> 3 */
    uint32_t nchildren;
    uint32_t stacksize;
    uint32_t flags;            /* CO_* */
    int firstline;
} code_obj;

extern const char *const opcode_names[OP_COUNT];

#endif
