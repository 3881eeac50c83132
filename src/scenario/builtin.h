/* builtin.h - the scenarios compiled into the binary (every scenarios/NAME.yaml,
 * embedded at build time by src/embed/embed.cmake), and the one function that
 * turns a command-line SCENARIO argument into a loaded scenario. */
#ifndef CONCVIZ_BUILTIN_H
#define CONCVIZ_BUILTIN_H

#include <stddef.h>

#include "scenario/scenario.h"

/* The scenario a bare 'concviz' runs. */
#define SCENARIO_BUILTIN_DEFAULT "00_welcome"

size_t scenario_builtin_count(void);
/* Entry i (0-based, sorted by name): its name without extension (e.g.
 * "00_welcome"), its bytes and their length. The data is static and
 * NUL-terminated. Returns 0, or -1 if i is out of range. */
int scenario_builtin_get(size_t i, const char **name, const unsigned char **data, size_t *len);
/* Index of the built-in called 'name' ("00_welcome" or "00_welcome.yaml"),
 * or -1. */
int scenario_builtin_find(const char *name);

/* Loads SCENARIO as given on the command line: a path to a file, or, when
 * the argument has no '/' and no such file exists, the name of a built-in.
 * Same contract as scenario_load_file. */
int scenario_load_arg(const char *arg, scenario *sc, scenario_diag *diag);

#endif
