/* builtin_table.h - internal: the table the build generates from
 * scenarios/NAME.yaml (see src/embed/embed.cmake). Only builtin.c reads it. */
#ifndef CONCVIZ_BUILTIN_TABLE_H
#define CONCVIZ_BUILTIN_TABLE_H

#include <stddef.h>

typedef struct scenario_builtin_entry {
    const char *name;            /* file name without ".yaml" */
    const unsigned char *data;   /* the file's bytes, NUL-terminated */
    size_t len;                  /* without the NUL */
} scenario_builtin_entry;

extern const scenario_builtin_entry scenario_builtin_table[];
extern const size_t scenario_builtin_table_len;

#endif
