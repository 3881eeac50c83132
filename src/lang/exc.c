/* exc.c - the builtin exception hierarchy (as CPython 3.11's), the
 * BaseException constructor, and printing of uncaught exceptions. */
#include <stdio.h>
#include <string.h>

#include "code.h"
#include "natives.h"

/* BaseException.__new__(cls, *args): an instance whose args are the args. */
static vm_status exc_new(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    instance_obj *in = instance_new(m, V_CLASS(a->self));
    dict_set_str(in->dict, m->names.args, tuple_pack(m, (size_t)a->npos, a->pos));
    *out = v_obj(in);
    return VM_OK;
}

/* BaseException.__init__(self, *args) */
static vm_status exc_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (a->nkw)
        return vm_raise(th, m->cls.TypeError, "%s() takes no keyword arguments", ops_type_name(m, a->self));
    if (v_is_obj(a->self, OK_INSTANCE))
        dict_set_str(V_INST(a->self)->dict, m->names.args, tuple_pack(m, (size_t)a->npos, a->pos));
    *out = v_none();
    return VM_OK;
}

/* SystemExit.__init__: also sets .code (None, the one argument, or the tuple). */
static vm_status sysexit_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = exc_init(th, a, out);
    if (st != VM_OK) return st;
    value code = a->npos == 0 ? v_none() : a->npos == 1 ? a->pos[0] : tuple_pack(m, (size_t)a->npos, a->pos);
    dict_set_str(V_INST(a->self)->dict, m->names.code_attr, code);
    return VM_OK;
}

static class_obj *exc_class(vm *m, const char *name, class_obj *base) {
    class_obj *c = natives_class(m, name, base, NULL);
    c->flags |= CLS_EXCEPTION;
    dict_set_str(m->builtins, c->name, v_obj(c));
    return c;
}

void exc_install(vm *m) {
    vm_classes *c = &m->cls;
    c->BaseException = exc_class(m, "BaseException", c->object);
    dict_set_str(c->BaseException->dict, m->names.new_, v_obj(native_new(m, "__new__", exc_new, false)));
    dict_set_str(c->BaseException->dict, m->names.init, v_obj(native_new(m, "__init__", exc_init, true)));
    c->SystemExit = exc_class(m, "SystemExit", c->BaseException);
    dict_set_str(c->SystemExit->dict, m->names.init, v_obj(native_new(m, "__init__", sysexit_init, true)));
    c->KeyboardInterrupt = exc_class(m, "KeyboardInterrupt", c->BaseException);
    c->GeneratorExit = exc_class(m, "GeneratorExit", c->BaseException);
    c->Exception = exc_class(m, "Exception", c->BaseException);
    c->StopIteration = exc_class(m, "StopIteration", c->Exception);
    c->ArithmeticError = exc_class(m, "ArithmeticError", c->Exception);
    c->FloatingPointError = exc_class(m, "FloatingPointError", c->ArithmeticError);
    c->OverflowError = exc_class(m, "OverflowError", c->ArithmeticError);
    c->ZeroDivisionError = exc_class(m, "ZeroDivisionError", c->ArithmeticError);
    c->AssertionError = exc_class(m, "AssertionError", c->Exception);
    c->AttributeError = exc_class(m, "AttributeError", c->Exception);
    c->BufferError = exc_class(m, "BufferError", c->Exception);
    c->EOFError = exc_class(m, "EOFError", c->Exception);
    c->ImportError = exc_class(m, "ImportError", c->Exception);
    c->ModuleNotFoundError = exc_class(m, "ModuleNotFoundError", c->ImportError);
    c->LookupError = exc_class(m, "LookupError", c->Exception);
    c->IndexError = exc_class(m, "IndexError", c->LookupError);
    c->KeyError = exc_class(m, "KeyError", c->LookupError);
    c->MemoryError = exc_class(m, "MemoryError", c->Exception);
    c->NameError = exc_class(m, "NameError", c->Exception);
    c->UnboundLocalError = exc_class(m, "UnboundLocalError", c->NameError);
    c->OSError = exc_class(m, "OSError", c->Exception);
    c->ConnectionError = exc_class(m, "ConnectionError", c->OSError);
    c->BrokenPipeError = exc_class(m, "BrokenPipeError", c->ConnectionError);
    c->ChildProcessError = exc_class(m, "ChildProcessError", c->OSError);
    c->FileNotFoundError = exc_class(m, "FileNotFoundError", c->OSError);
    c->InterruptedError = exc_class(m, "InterruptedError", c->OSError);
    c->PermissionError = exc_class(m, "PermissionError", c->OSError);
    c->ProcessLookupError = exc_class(m, "ProcessLookupError", c->OSError);
    c->TimeoutError = exc_class(m, "TimeoutError", c->OSError);
    c->RuntimeError = exc_class(m, "RuntimeError", c->Exception);
    c->NotImplementedError = exc_class(m, "NotImplementedError", c->RuntimeError);
    c->RecursionError = exc_class(m, "RecursionError", c->RuntimeError);
    c->SyntaxError = exc_class(m, "SyntaxError", c->Exception);
    c->IndentationError = exc_class(m, "IndentationError", c->SyntaxError);
    c->TypeError = exc_class(m, "TypeError", c->Exception);
    c->ValueError = exc_class(m, "ValueError", c->Exception);
    c->UnicodeError = exc_class(m, "UnicodeError", c->ValueError);
    dict_set_cstr(m, m->builtins, "EnvironmentError", v_obj(c->OSError));
    dict_set_cstr(m, m->builtins, "IOError", v_obj(c->OSError));
}

/* The source line (1-based program line), without leading/trailing blanks. */
static void source_line(const vm *m, int line, strbuf *out) {
    size_t len;
    const char *src = lang_program_source(m->prog, &len);
    int cur = 1;
    size_t i = 0;
    while (i < len && cur < line) {
        if (src[i] == '\n') cur++;
        i++;
    }
    if (cur != line) return;
    size_t j = i;
    while (j < len && src[j] != '\n' && src[j] != '\r') j++;
    while (i < j && (src[i] == ' ' || src[i] == '\t')) i++;
    while (j > i && (src[j - 1] == ' ' || src[j - 1] == '\t')) j--;
    sb_append(out, src + i, j - i);
}

/* One exception: its traceback (if it went through frames) and its
 * "Type: message" line. */
static void exc_format_one(vm_thread *th, value exc, strbuf *sb) {
    vm *m = th->vm;
    value tb;
    if (v_is_obj(exc, OK_INSTANCE) && dict_get_str(V_INST(exc)->dict, m->names.traceback, &tb) &&
        v_is_obj(tb, OK_LIST) && V_LIST(tb)->len) {
        const lang_origin *o = lang_program_origin(m->prog);
        sb_puts(sb, "Traceback (most recent call last):\n");
        list_obj *l = V_LIST(tb);
        for (size_t i = l->len; i-- > 0;) {
            tuple_obj *e = V_TUPLE(l->items[i]);
            int line = (int)e->items[0].u.i;
            sb_printf(sb, "  File \"%s\", line %d, in %s\n", o->filename, line + o->first_line - 1,
                      V_STR(e->items[1])->data);
            strbuf text;
            sb_init(&text);
            source_line(m, line, &text);
            if (text.len) sb_printf(sb, "    %s\n", text.data);
            sb_free(&text);
        }
    }
    class_obj *cls = ops_type(m, exc);
    /* like traceback.format_exception_only: module-qualified unless builtins/__main__ */
    const char *module = class_module(cls);
    if (module && strcmp(module, "__main__") != 0 && strcmp(module, "builtins") != 0) {
        sb_puts(sb, module);
        sb_putc(sb, '.');
    }
    sb_append(sb, cls->name->data, cls->name->len);
    strbuf msg;
    sb_init(&msg);
    value saved = th->exc;
    if (ops_str(th, exc, &msg) != VM_OK) {
        sb_clear(&msg);
        sb_puts(&msg, "<exception str() failed>");
    }
    th->exc = saved;
    if (msg.len) {
        sb_puts(sb, ": ");
        sb_append(sb, msg.data, msg.len);
    }
    sb_putc(sb, '\n');
    sb_free(&msg);
}

static value exc_attr(value exc, const char *name) {
    value v = v_none();
    if (v_is_obj(exc, OK_INSTANCE)) dict_get_cstr(V_INST(exc)->dict, name, &v);
    return v;
}

static bool exc_is_instance(value v) {
    return v_is_obj(v, OK_INSTANCE) && (V_INST(v)->cls->flags & CLS_EXCEPTION);
}

/* The chain first, as CPython prints it: the cause ("raise ... from"),
 * else the context unless a cause or "from None" hid it. */
static void exc_format_chain(vm_thread *th, value exc, strbuf *sb, int depth) {
    value cause = exc_attr(exc, "__cause__"), ctx = exc_attr(exc, "__context__");
    bool suppress = exc_attr(exc, "__suppress_context__").tag == VT_BOOL &&
                    exc_attr(exc, "__suppress_context__").u.i;
    if (depth < 16) {
        if (exc_is_instance(cause)) {
            exc_format_chain(th, cause, sb, depth + 1);
            sb_puts(sb, "\nThe above exception was the direct cause of the following exception:\n\n");
        } else if (!suppress && exc_is_instance(ctx) && ctx.u.o != exc.u.o) {
            exc_format_chain(th, ctx, sb, depth + 1);
            sb_puts(sb, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
    }
    exc_format_one(th, exc, sb);
}

void exc_format_traceback(vm_thread *th, value exc, strbuf *out) { exc_format_chain(th, exc, out, 0); }

void exc_print_traceback(vm_thread *th, value exc) {
    strbuf sb;
    sb_init(&sb);
    exc_format_chain(th, exc, &sb, 0);
    vm_write(th->vm, 2, sb.data, sb.len);
    sb_free(&sb);
}

int exc_system_exit_status(vm_thread *th, value exc) {
    vm *m = th->vm;
    value code = v_none();
    if (v_is_obj(exc, OK_INSTANCE)) dict_get_str(V_INST(exc)->dict, m->names.code_attr, &code);
    if (code.tag == VT_NONE) return 0;
    if (code.tag == VT_INT || code.tag == VT_BOOL) return (int)(code.u.i & 0xff);
    strbuf sb;
    sb_init(&sb);
    if (ops_str(th, code, &sb) != VM_OK) th->exc = v_undef();
    sb_putc(&sb, '\n');
    vm_write(m, 2, sb.data, sb.len);
    sb_free(&sb);
    return 1;
}
