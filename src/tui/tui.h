/* tui.h - the interactive view, as the command line sees it. Nothing here
 * needs curses: main.c includes only this header. */
#ifndef CONCVIZ_TUI_H
#define CONCVIZ_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum tui_theme_choice {
    TUI_THEME_AUTO,          /* default, or monochrome under NO_COLOR / without colours */
    TUI_THEME_DEFAULT,
    TUI_THEME_MONOCHROME,
    TUI_THEME_HIGH_CONTRAST  /* for projectors */
} tui_theme_choice;

typedef struct tui_options {
    bool paused;             /* start paused instead of playing */
    double speed;            /* virtual seconds per second; 0 = the default */
    bool have_seed;
    uint64_t seed;           /* overrides the scenario's seed */
    int64_t max_time_ns;     /* 0 = the simulator's default */
    tui_theme_choice theme;
    bool zh;                 /* Chinese titles, summaries and captions when present */
} tui_options;

/* The default for 'zh': LC_ALL, LC_MESSAGES or LANG starts with "zh". */
bool tui_lang_zh_from_env(void);
/* "default", "monochrome", "high-contrast" -> choice; -1 if unknown. */
int tui_theme_parse(const char *name);
/* Parses a --speed value ("0.25", "x2", "max"); false if invalid. */
bool tui_speed_parse(const char *s, double *out);

/* Exit statuses: 0 after q, 2 for a usage problem (no terminal, unknown
 * TERM, an invalid scenario or trace: messages on stderr), 128+N after
 * signal N (SIGINT, SIGTERM, SIGHUP). */

/* concviz SCENARIO: runs it on the simulated machine and plays the run. */
int tui_play_scenario(const char *arg, const tui_options *opts);
/* concviz replay TRACE: plays a recorded trace, without the engine. */
int tui_replay(const char *path, const tui_options *opts);
/* concviz (no arguments): the browser of the built-in scenarios. */
int tui_browse(const tui_options *opts);
/* concviz list: name, title and summary of every built-in scenario. */
void tui_list(FILE *out, bool zh);
/* Whether stdin and stdout are terminals (the view needs both). */
bool tui_have_terminal(void);

#endif
