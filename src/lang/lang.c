/* lang.c - the public entry points (lang.h): compile a program, and run it
 * headless on one simulated thread (the engine of the simulated machine
 * takes over once threads and processes exist). */
#include "lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "natives.h"
#include "parse.h"
#include "xalloc.h"

struct lang_program {
    comp_output out;
    char *src;
    size_t len;
    char *filename;
    lang_origin origin;
};

lang_program *lang_compile(const char *src, size_t len, const lang_origin *origin, lang_error *err) {
    memset(err, 0, sizeof *err);
    ast_arena *arena = ast_arena_new();
    parse_error perr;
    memset(&perr, 0, sizeof perr);
    ast_node *mod = parse_module(arena, src, len, &perr);
    if (!mod) {
        err->line = perr.line + origin->first_line - 1;
        err->col = perr.col + origin->indent;
        snprintf(err->msg, sizeof err->msg, "%s: %s", perr.kind ? perr.kind : "SyntaxError", perr.msg);
        ast_arena_free(arena);
        return NULL;
    }
    lang_program *p = xcalloc(1, sizeof *p);
    if (!comp_module(mod, &p->out, err)) {
        err->line += origin->first_line - 1;
        err->col += origin->indent;
        ast_arena_free(arena);
        free(p);
        return NULL;
    }
    ast_arena_free(arena);
    p->src = xstrndup(src, len);
    p->len = len;
    p->filename = xstrdup(origin->filename ? origin->filename : "<program>");
    p->origin = *origin;
    p->origin.filename = p->filename;
    return p;
}

void lang_program_mark_internal(lang_program *p) {
    for (size_t i = 0; i < p->out.nall; i++) p->out.all[i]->firstline = 0;
}

void lang_write_nowhere(void *ctx, int fd, const char *text, size_t len) {
    (void)ctx;
    (void)fd;
    (void)text;
    (void)len;
}

void lang_program_free(lang_program *p) {
    if (!p) return;
    comp_output_free(&p->out);
    free(p->src);
    free(p->filename);
    free(p);
}

const code_obj *vm_program_module(const lang_program *p) { return p->out.module; }

const code_obj *lang_program_function(const lang_program *p, const char *name) {
    const code_obj *mod = p->out.module;
    for (uint32_t i = 0; i < mod->nchildren; i++)
        if (strcmp(mod->children[i]->name, name) == 0) return mod->children[i];
    return NULL;
}

const char *lang_program_source(const lang_program *p, size_t *len) {
    *len = p->len;
    return p->src;
}

const lang_origin *lang_program_origin(const lang_program *p) { return &p->origin; }

/* The exit status of a thread that ended with exception exc. */
static int exit_status_for(vm_thread *th, value exc) {
    vm *m = th->vm;
    if (exc.tag == VT_UNDEF) return 0;
    if (vm_exc_matches(m, exc, m->cls.SystemExit)) return exc_system_exit_status(th, exc);
    exc_print_traceback(th, exc);
    return 1;
}

int lang_run(const lang_program *p, const lang_run_opts *opts) {
    vm *m = vm_new(p, opts);
    vm_thread *th = vm_thread_new(m);
    vm_thread_start_module(th, "__main__");
    for (;;) {
        vm_status st = vm_run(th, 1 << 20);
        if (st == VM_YIELD) continue;
        if (st != VM_BLOCK) break;
        /* one thread: every wait ends by itself */
        if (th->wait.kind == WAIT_CPU) vm_set_now(th, vm_now(th) + th->wait.until_ns);
        else if (th->wait.until_ns > vm_now(th)) vm_set_now(th, th->wait.until_ns);
        th->wait.kind = WAIT_NONE;
        vm_thread_resume(th, v_none(), false);
    }
    value exc = th->exc;
    th->exc = v_undef();
    int status = exit_status_for(th, exc);
    vm_flush(m);
    vm_free(m);
    return status;
}
