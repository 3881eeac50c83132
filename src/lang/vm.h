/* vm.h - the interpreter: one `vm` per simulated process (its heap, modules
 * and builtins), any number of `vm_thread`s running bytecode in it.
 *
 * A thread is data: its frames and value stack live in vm_thread, never on
 * the C stack, so the engine can stop a thread in the middle of any call
 * (VM_BLOCK) and resume it later with the call's result (vm_thread_resume).
 */
#ifndef CONCVIZ_VM_H
#define CONCVIZ_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "code.h"
#include "lang.h"
#include "rng.h"
#include "strbuf.h"
#include "value.h"

enum { VM_MAX_BLOCKS = 24, VM_MAX_DEPTH = 1000 };

typedef struct vm_block {
    uint32_t handler;  /* ip of the handler */
    uint32_t sp;       /* stack depth (absolute index) to restore */
    uint32_t hdepth;   /* handled-exception depth to restore */
} vm_block;

enum {
    FRAME_INIT = 1,        /* an __init__ call: the result is init_self, and None is required */
    FRAME_CLASS_BODY = 2,  /* a class body: on return build the class */
    FRAME_NESTED = 4,      /* entered from C (vm_call): return to the C caller */
    FRAME_DISCARD = 8,     /* drop the return value (e.g. thread bootstrap) */
    FRAME_GEN = 16,        /* a generator's frame (extra: the generator) */
    FRAME_GEN_FOR = 32     /* ... resumed by the caller's FOR_ITER, which gets what it yields */
};

typedef struct vm_frame {
    const code_obj *co;
    func_obj *fn;            /* NULL for the module frame */
    dict_obj *globals;
    dict_obj *locals_dict;   /* module and class bodies */
    uint32_t base;           /* stack index of local slot 0 */
    uint32_t sp;             /* saved stack top (absolute index) */
    uint32_t ip;
    uint32_t hdepth;         /* handled-exception depth at entry */
    uint16_t nblocks;
    uint16_t flags;
    value extra;             /* FRAME_INIT: the instance; FRAME_CLASS_BODY: tuple(name, bases);
                                FRAME_GEN: the generator */
    vm_block blocks[VM_MAX_BLOCKS];
} vm_frame;

/* A generator: its frame while suspended, with base 0 and stack depths
 * relative to it, and the stack slots it had (locals, then operands).
 * While it runs the frame lives on the thread's frame stack instead. */
enum { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_DONE };
typedef struct gen_obj {
    obj hdr;
    vm_frame frame;
    value *slots;            /* owned */
    uint32_t nslots;
    uint8_t state;           /* GEN_* */
} gen_obj;
#define V_GEN(v) ((gen_obj *)(v).u.o)

/* Arguments of a call into native code. */
typedef struct vm_args {
    value self;        /* VT_UNDEF unless a method call or bound data */
    value *pos;
    int npos;
    str_obj **kwnames;
    value *kwvals;
    int nkw;
} vm_args;

typedef struct vm vm;
typedef struct vm_thread vm_thread;

/* What a blocked thread waits for; set by the native that returned VM_BLOCK
 * and interpreted by the engine. */
typedef struct vm_wait {
    int kind;          /* engine-defined (natives.h WAIT_*); 0 = not waiting */
    int64_t until_ns;  /* a deadline or duration, or -1 */
    void *object;      /* what it waits on */
    value arg;
    /* The call did not happen: the VM rewound to the start of the calling
     * instruction, which runs again when the thread resumes (used to order
     * interactions in virtual time, and for re-trying an acquire). */
    bool rewind;
} vm_wait;

struct vm_thread {
    vm *vm;
    value *stack;
    uint32_t stack_cap;
    uint32_t sp;             /* current stack top while running natives */
    vm_frame *frames;
    uint32_t nframes, frames_cap;
    value *handling;         /* stack of exceptions being handled (bare raise) */
    uint32_t nhandling, handling_cap;
    value exc;               /* the exception being raised (VT_UNDEF if none) */
    int64_t clock_ns;        /* virtual time when ticks was clock_ticks (see vm_now) */
    int64_t clock_ticks;
    int64_t ticks;           /* bytecodes executed */
    int64_t op_cost_ps;      /* virtual time per bytecode, in picoseconds */
    int nested;              /* depth of vm_call nesting from C */
    value tail_callable;     /* VM_TAILCALL request */
    value tail_args;         /* a tuple */
    value tail_kwargs;       /* a dict, or VT_UNDEF */
    value result;            /* the module frame's result / thread result */
    vm_wait wait;            /* set by a native returning VM_BLOCK */
    /* ops_to_list blocked in its iterator's __next__ (list(pool.imap(...))):
       the items it had, kept for the retried instruction (see ops_to_list) */
    value resume_iter;
    struct list_obj *resume_items;
    void *owner;             /* the engine's thread record */
    struct vm_thread *next;  /* all threads of this vm (for the collector) */
    bool pending_raise;      /* resume by raising th->exc */
    int id;
};

/* Interned names used by the VM itself. */
typedef struct vm_names {
    str_obj *init, *str, *repr, *name, *main, *args, *enter, *exit, *class_, *dict,
            *module, *qualname, *code, *len, *eq, *lt, *hash, *call, *getitem, *setitem,
            *contains, *bool_, *iter, *next, *run, *doc, *traceback, *new_, *code_attr;
} vm_names;

/* The builtin classes every process has. */
typedef struct vm_classes {
    class_obj *object, *type, *int_, *float_, *bool_, *str, *list, *tuple, *dict, *none,
              *function, *builtin_function, *method, *range, *iterator, *module, *slice,
              *cell, *super, *dictview, *property, *staticmethod, *classmethod, *set, *frozenset,
              *generator;
    /* exceptions */
    class_obj *BaseException, *SystemExit, *KeyboardInterrupt, *Exception, *StopIteration,
              *ArithmeticError, *ZeroDivisionError, *OverflowError, *AssertionError,
              *AttributeError, *LookupError, *IndexError, *KeyError, *NameError,
              *UnboundLocalError, *RuntimeError, *RecursionError, *NotImplementedError,
              *TypeError, *ValueError, *UnicodeError, *OSError, *TimeoutError, *ImportError,
              *ModuleNotFoundError, *EOFError, *MemoryError, *SyntaxError, *BrokenPipeError,
              *ConnectionError, *ProcessLookupError, *ChildProcessError, *FileNotFoundError,
              *PermissionError, *InterruptedError, *BufferError, *FloatingPointError,
              *GeneratorExit, *IndentationError;
} vm_classes;

struct vm {
    const lang_program *prog;
    obj *heap;                /* every collectable object */
    size_t heap_bytes, gc_threshold;
    uint32_t alloc_seq;       /* numbers objects in allocation order (see obj.spare) */
    bool gc_requested;
    dict_obj *builtins;
    dict_obj *modules;        /* name -> module */
    dict_obj *main_globals;
    vm_names names;
    vm_classes cls;
    value none_str;           /* cached "None" etc. are not needed */
    vm_thread *threads;
    rng rng;
    lang_write_fn write;
    void *write_ctx;
    int cores;
    int pid, ppid;
    uint64_t seed;            /* what random.seed(None) reseeds with */
    int64_t switch_interval_ns; /* sys.setswitchinterval */
    /* the run's time limit: a call from C (which the engine cannot stop
       between slices) raises RuntimeError past it; 0 = none */
    int64_t time_limit_ns;
    /* concviz.note(text): the engine records a caption (may be NULL) */
    void (*note)(vm_thread *th, const char *text, size_t len);
    /* imports of modules the engine provides (threading, queue, ...):
       sets *out to VT_UNDEF when it does not know the name */
    vm_status (*module_hook)(vm_thread *th, str_obj *name, value *out);
    /* interactions (print, locks, queues...) ask this whether other threads
       must run first to keep virtual time order; NULL: never */
    bool (*must_sync)(vm_thread *th);
    /* marks values the engine keeps for this process (collector roots) */
    void (*mark_extra)(vm *m);
    int64_t epoch_ns;         /* what time.time() returns at virtual t = 0 */
    strbuf outbuf;            /* pending stdout text, flushed at newline / exit */
    int exit_code;
    bool exiting;
    void *owner;              /* the engine's process record */
};

/* ---- the compiled program (lang.c) ---- */
const code_obj *vm_program_module(const lang_program *p);
const char *lang_program_source(const lang_program *p, size_t *len);
const lang_origin *lang_program_origin(const lang_program *p);

/* A function object for compiled code (the machine's own Python helpers). */
value vm_function_from_code(vm *m, const code_obj *co, dict_obj *globals);
/* The top-level function named name in a program's module code, or NULL. */
const code_obj *lang_program_function(const lang_program *p, const char *name);

/* ---- life cycle ---- */
vm *vm_new(const lang_program *prog, const lang_run_opts *opts);
void vm_free(vm *m);
vm_thread *vm_thread_new(vm *m);
void vm_thread_free(vm_thread *th);
/* Prepares th to run the program's module code as __main__ (name "__main__"). */
void vm_thread_start_module(vm_thread *th, const char *module_name);
/* Prepares th to run callable(*args) as its whole job. */
void vm_thread_start_call(vm_thread *th, value callable, value args_tuple);
/* Runs at most budget bytecodes. Returns VM_YIELD, VM_BLOCK, or VM_DONE
 * (th->exc set if the thread ended with an uncaught exception). */
vm_status vm_run(vm_thread *th, int64_t budget);
/* Completes the call th blocked in: push result (or raise th->exc if err).
 * A rewound call (wait.rewind) gets no result: it simply runs again. */
void vm_thread_resume(vm_thread *th, value result, bool err);
/* For natives: true if the caller must yield first (sets up the rewind). */
bool vm_sync_point(vm_thread *th);
/* The variable the value being made now will be stored in, when the next
 * instruction of the thread's top frame is a store (lock_a = Lock() gives
 * "lock_a", self.lock = Lock() gives "lock"), else NULL. For labels. */
const char *vm_pending_store_name(const vm_thread *th);

/* ---- calling Python from C (runs to completion; blocking is an error) ---- */
/* Runs generator g until it yields (*out, *done false) or returns (*out
 * its value, *done true; also when it was already finished). A 'for'
 * loop does not come here: FOR_ITER runs the generator's frame in the
 * loop's own thread, where it may block. */
vm_status vm_gen_resume(vm_thread *th, gen_obj *g, value sent, value *out, bool *done);
vm_status vm_call(vm_thread *th, value callable, value *args, int nargs, value *out);
/* Calls a method-like callable with self bound (natives see it as a->self). */
vm_status vm_call_self(vm_thread *th, value callable, value self, value *args, int nargs, value *out);
vm_status vm_call_kw(vm_thread *th, value callable, value *args, int nargs,
                     str_obj **kwnames, value *kwvals, int nkw, value *out);

/* ---- errors: each sets th->exc and returns VM_ERR ---- */
vm_status vm_raise(vm_thread *th, class_obj *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
vm_status vm_raise_value(vm_thread *th, value exc);
/* A new exception instance of cls with args (msg) or () when msg is NULL. */
value vm_exc_new(vm_thread *th, class_obj *cls, const char *msg);
bool vm_exc_matches(vm *m, value exc, class_obj *cls);

/* ---- the collector ---- */
void *gc_alloc(vm *m, obj_kind kind, size_t size);
void gc_collect(vm *m);
void gc_mark_value(value v);
void gc_free_all(vm *m);

/* ---- time ---- */
/* The thread's virtual clock: time advances by op_cost_ps per bytecode. */
static inline int64_t vm_now(const vm_thread *th) {
    return th->clock_ns + (th->ticks - th->clock_ticks) * th->op_cost_ps / 1000;
}
static inline void vm_set_now(vm_thread *th, int64_t t) {
    th->clock_ns = t;
    th->clock_ticks = th->ticks;
}
/* The default cost of one bytecode: a counting loop (9 bytecodes an
 * iteration) then runs 20.5 ns an iteration, as CPython 3.11 measured in
 * FACTS.md section 11 (4 M iterations in 0.082 s). */
#define VM_DEFAULT_OP_COST_PS 2280

/* ---- output ---- */
void vm_write(vm *m, int fd, const char *s, size_t n);
void vm_flush(vm *m);

#endif
