/* builtin.c - lookup of the embedded scenarios, and SCENARIO argument
 * resolution (file first, then built-in). */
#include "scenario/builtin.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lang/strbuf.h"
#include "scenario/builtin_table.h"

size_t scenario_builtin_count(void) { return scenario_builtin_table_len; }

int scenario_builtin_get(size_t i, const char **name, const unsigned char **data, size_t *len) {
    if (i >= scenario_builtin_table_len) return -1;
    if (name) *name = scenario_builtin_table[i].name;
    if (data) *data = scenario_builtin_table[i].data;
    if (len) *len = scenario_builtin_table[i].len;
    return 0;
}

int scenario_builtin_find(const char *name) {
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".yaml") == 0) n -= 5;
    for (size_t i = 0; i < scenario_builtin_table_len; i++) {
        const char *b = scenario_builtin_table[i].name;
        if (strlen(b) == n && memcmp(b, name, n) == 0) return (int)i;
    }
    return -1;
}

int scenario_load_arg(const char *arg, scenario *sc, scenario_diag *diag) {
    struct stat st;
    int idx = -1;
    if (!strchr(arg, '/') && stat(arg, &st) != 0) idx = scenario_builtin_find(arg);
    if (idx < 0) return scenario_load_file(arg, sc, diag);
    const scenario_builtin_entry *e = &scenario_builtin_table[idx];
    strbuf file;
    sb_init(&file);
    sb_printf(&file, "%s.yaml", e->name);
    int rc = scenario_load_mem(file.data, (const char *)e->data, e->len, sc, diag);
    sb_free(&file);
    return rc;
}
