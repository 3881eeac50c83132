/* disasm.c - prints compiled code in readable form (CONCVIZ_DIS=1), for
 * debugging the compiler and for curious users. */
#include <stdio.h>

#include "code.h"
#include "vm.h"

const char *const opcode_names[OP_COUNT] = {
#define OPCODE_NAME(name, effect, doc) #name,
    OPCODE_LIST(OPCODE_NAME)
#undef OPCODE_NAME
};

static void disasm_code(const code_obj *co, FILE *out) {
    fprintf(out, "== %s (%s) nargs=%u nlocals=%u ncells=%u nfree=%u stack=%u\n", co->qualname, co->name, co->nargs,
            co->nlocals, co->ncells, co->nfree, co->stacksize);
    for (uint32_t i = 0; i < co->ncode; i++) {
        uint32_t w = co->code[i];
        unsigned op = INSTR_OP(w), arg = INSTR_ARG(w);
        fprintf(out, "%4d %5u  %-22s %u", co->lines[i], i, op < OP_COUNT ? opcode_names[op] : "?", arg);
        if ((op == OP_LOAD_GLOBAL || op == OP_STORE_GLOBAL || op == OP_LOAD_ATTR || op == OP_STORE_ATTR ||
             op == OP_LOAD_METHOD || op == OP_LOAD_NAME || op == OP_STORE_NAME || op == OP_IMPORT_NAME ||
             op == OP_IMPORT_FROM) && arg < co->nnames)
            fprintf(out, " (%s)", co->names[arg]->data);
        if ((op == OP_LOAD_FAST || op == OP_STORE_FAST) && arg < co->nlocals) fprintf(out, " (%s)", co->varnames[arg]->data);
        if (op == OP_LOAD_CONST && arg < co->nconsts) {
            value v = co->consts[arg];
            if (v.tag == VT_INT) fprintf(out, " (%lld)", (long long)v.u.i);
            else if (v_is_obj(v, OK_STR)) fprintf(out, " ('%s')", V_STR(v)->data);
        }
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < co->nchildren; i++) disasm_code(co->children[i], out);
}

void lang_disassemble(const lang_program *p, FILE *out);
void lang_disassemble(const lang_program *p, FILE *out) { disasm_code(vm_program_module(p), out); }
