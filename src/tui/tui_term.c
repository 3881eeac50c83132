/* tui_term.c - the terminal's life cycle (see tui_term.h). */
#include "tui/tui_term.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/xalloc.h"
#include "tui/tui_screen.h"
#include "tui/tui_theme.h"
/* last: term.h defines macros such as 'lines' */
#include <term.h>

static SCREEN *tui_screen;
static volatile sig_atomic_t tui_pending_signal;
static bool tui_atexit_done;

static void tui_term_on_signal(int sig) { tui_pending_signal = sig; }

/* endwin is not async-signal-safe, but on a fatal path restoring the
 * terminal is worth the risk (as ECOSYSTEM.md recommends); then die the way
 * the signal wanted. */
static void tui_term_on_fatal(int sig) {
    if (tui_screen && !isendwin()) endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void tui_term_restore(void) {
    if (tui_screen && !isendwin()) endwin();
}

static void tui_term_atexit(void) { tui_term_restore(); }

int tui_term_signal(void) { return (int)tui_pending_signal; }

/* Whether dir holds a terminfo entry for name (as dir/n/name or, on some
 * systems, dir/6e/name). */
static bool tui_term_in_dir(const char *dir, const char *name) {
    if (!dir || !*dir) return false;
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%c/%s", dir, name[0], name);
    if (n < 0 || (size_t)n >= sizeof path) return false; /* too long to be a real entry */
    if (access(path, R_OK) == 0) return true;
    n = snprintf(path, sizeof path, "%s/%02x/%s", dir, (unsigned char)name[0], name);
    if (n < 0 || (size_t)n >= sizeof path) return false;
    return access(path, R_OK) == 0;
}

/* Looks for the terminfo entry where ncurses does ($TERMINFO, ~/.terminfo,
 * $TERMINFO_DIRS, the system directories). ncurses itself would do, but a
 * failed newterm leaks its "prescreen" (1.6 KB, libtinfo's new_prescr),
 * which the sanitizer build reports; so an unknown TERM is caught here. */
static bool tui_term_known(const char *name) {
    if (strchr(name, '/') || strlen(name) > 200) return false;
    if (tui_term_in_dir(getenv("TERMINFO"), name)) return true;
    const char *home = getenv("HOME");
    if (home) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/.terminfo", home);
        if (tui_term_in_dir(dir, name)) return true;
    }
    static const char *const system_dirs[] = {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo",
                                              "/usr/lib/terminfo", "/usr/local/share/terminfo"};
    const char *dirs = getenv("TERMINFO_DIRS");
    if (dirs) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", dirs);
        for (char *save = NULL, *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save))
            if (tui_term_in_dir(d, name)) return true;
    }
    for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
        if (tui_term_in_dir(system_dirs[i], name)) return true;
    return false;
}

int tui_term_start(tui_theme_choice theme) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("concviz: the interactive view needs a terminal on stdin and stdout "
              "(use 'concviz run SCENARIO' for plain output)\n",
              stderr);
        return 2;
    }
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    tui_screen_set_ascii(!cs || strcmp(cs, "UTF-8") != 0);
    const char *term = getenv("TERM");
    if (!term || !*term) {
        fputs("concviz: TERM is not set, so the terminal type is unknown; set it (e.g. TERM=xterm-256color)\n",
              stderr);
        return 2;
    }
    /* newterm, unlike initscr, returns NULL on an unknown TERM instead of
       exiting; the lookup first spares ncurses' leak on that path */
    fflush(stdout);
    tui_screen = tui_term_known(term) ? newterm(NULL, stdout, stdin) : NULL;
    if (!tui_screen) {
        fprintf(stderr,
                "concviz: unknown terminal type '%s' (from TERM); set TERM to a type this system knows, "
                "e.g. xterm-256color\n",
                term);
        return 2;
    }
    set_term(tui_screen);
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        endwin();
        delscreen(tui_screen);
        tui_screen = NULL;
        fprintf(stderr,
                "concviz: the terminal type '%s' cannot move the cursor, so it cannot show the interactive "
                "view; use 'concviz run SCENARIO', or a terminal such as xterm-256color\n",
                term);
        return 2;
    }
    if (!tui_atexit_done) {
        atexit(tui_term_atexit);
        xalloc_set_fatal_handler(tui_term_restore);
        tui_atexit_done = true;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    if (!getenv("ESCDELAY")) set_escdelay(25);
    mouseinterval(0);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    tui_theme_init(theme);
    /* our handlers replace ncurses' for these: they only set a flag, and the
       loop restores the terminal and exits with 128+N */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tui_term_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = tui_term_on_fatal;
    sa.sa_flags = (int)SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    tui_pending_signal = 0;
    return 0;
}

void tui_term_stop(void) {
    if (!tui_screen) return;
    if (!isendwin()) endwin();
    delscreen(tui_screen);
    tui_screen = NULL;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
}
