/* tui_app.c - the one input loop: advance if playing -> redraw if dirty
 * (one doupdate) -> wtimeout + wget_wch -> KEY_RESIZE in one place ->
 * dispatch to the popup or the key table. Also the entry points of
 * 'concviz SCENARIO' and 'concviz replay'. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/tui_app.h"
#include "tui/tui_term.h"

/* Frame period while playing, the idle wake-up (to notice signals), and
 * the time given to the machine per turn of the loop while it runs. */
#define TUI_FRAME_MS 16
#define TUI_IDLE_MS 250
#define TUI_ENGINE_MS 12
#define TUI_ENGINE_AHEAD 2000000

static double tui_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Keys while a help or text window is open: scroll or close. */
static void tui_app_popup_key(tui_app *a, tui_action act) {
    switch (act) {
    case ACT_UP: a->popup_top--; break;
    case ACT_DOWN: a->popup_top++; break;
    case ACT_PAGE_UP: a->popup_top -= 10; break;
    case ACT_PAGE_DOWN: a->popup_top += 10; break;
    case ACT_CANCEL:
    case ACT_QUIT:
    case ACT_DETAILS:
    case ACT_HELP:
    case ACT_PLAY: a->popup = POPUP_NONE; break;
    default: return;
    }
    if (a->popup_top < 0) a->popup_top = 0;
    a->dirty = true;
}

static void tui_app_on_mouse(tui_app *a) {
    MEVENT ev;
    if (getmouse(&ev) != OK) return;
    if (a->popup != POPUP_NONE) {
        if (ev.bstate & BUTTON4_PRESSED) tui_app_popup_key(a, ACT_UP);
        else if (ev.bstate & BUTTON5_PRESSED) tui_app_popup_key(a, ACT_DOWN);
        return;
    }
    if (ev.bstate & BUTTON4_PRESSED) tui_app_mouse(a, ev.y, ev.x, false, -1);
    else if (ev.bstate & BUTTON5_PRESSED) tui_app_mouse(a, ev.y, ev.x, false, 1);
    else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) tui_app_mouse(a, ev.y, ev.x, true, 0);
}

/* Plays a loaded session until q or a signal; returns the exit status. */
static int tui_app_run(tui_session *s) {
    tui_app a;
    tui_app_init(&a, s);
    tui_layout_compute(LINES, COLS, &a.layout);
    int status = 0;
    double last = tui_now_ms();
    for (;;) {
        int sig = tui_term_signal();
        if (sig) {
            status = 128 + sig;
            break;
        }
        /* the machine goes on between frames, up to a distance ahead of
           the cursor (an endless run does not fill the memory) */
        bool engine = tui_session_running(s) && trace_fold_count(s->fold) - a.player.pos < TUI_ENGINE_AHEAD;
        if (engine) {
            if (tui_session_advance(s, TUI_ENGINE_MS)) {
                a.player.count = trace_fold_count(s->fold);
                a.st = trace_fold_seek(s->fold, a.player.pos);
                a.dirty = true;
            }
            a.player.growing = tui_session_running(s);
        }
        double now = tui_now_ms();
        double dt = now - last;
        last = now;
        if (a.player.playing) {
            size_t before = a.player.pos;
            int stop = tui_player_tick(&a.player, s->log, dt);
            if (a.player.pos != before) a.st = trace_fold_seek(s->fold, a.player.pos);
            a.dirty = true; /* the clock moves even between events */
            if (stop) tui_app_stopped(&a, stop);
        }
        if (a.dirty) {
            tui_draw(&a);
            wnoutrefresh(stdscr);
            doupdate();
            a.dirty = false;
        }
        wtimeout(stdscr, engine ? 0 : a.player.playing ? TUI_FRAME_MS : TUI_IDLE_MS);
        wint_t ch;
        int rc = wget_wch(stdscr, &ch);
        if (rc == ERR) continue;
        bool fn = rc == KEY_CODE_YES;
        if (fn && ch == KEY_RESIZE) {
            tui_layout_compute(LINES, COLS, &a.layout);
            a.dirty = true;
            continue;
        }
        if (fn && ch == KEY_MOUSE) {
            tui_app_on_mouse(&a);
            continue;
        }
        if (a.popup == POPUP_PROMPT) {
            tui_app_prompt_key(&a, fn ? 1 : 0, (unsigned)ch);
            continue;
        }
        tui_action act = tui_keys_lookup((int)ch, fn ? 1 : 0);
        if (a.popup != POPUP_NONE) {
            tui_app_popup_key(&a, act);
            continue;
        }
        if (act == ACT_REDRAW) {
            clearok(curscr, TRUE);
            a.dirty = true;
            continue;
        }
        if (act == ACT_CANCEL) {
            sb_clear(&a.message);
            a.dirty = true;
            continue;
        }
        if (a.layout.mode == TUI_LAYOUT_TOO_SMALL && act != ACT_QUIT) continue;
        if (!tui_app_act(&a, act)) break;
    }
    tui_app_fini(&a);
    return status;
}

/* Plays a session that open_rc says was loaded (or prints why not). It is
 * loaded before the terminal is taken, so that problems print normally. */
static int tui_app_play_loaded(tui_session *s, int open_rc, strbuf *err, const tui_options *opts, const char *fallback) {
    int rc = open_rc;
    if (rc != 0) {
        fflush(stdout);
        fputs(err->data ? err->data : fallback, stderr);
    } else if ((rc = tui_term_start(opts->theme)) == 0) {
        rc = tui_app_run(s);
        tui_term_stop();
    }
    sb_free(err);
    if (open_rc == 0) tui_session_free(s);
    return rc;
}

int tui_play_scenario(const char *arg, const tui_options *opts) {
    tui_session s;
    strbuf err;
    sb_init(&err);
    int rc = tui_session_open_scenario(&s, arg, opts, &err);
    return tui_app_play_loaded(&s, rc, &err, opts, "concviz: cannot load the scenario\n");
}

int tui_replay(const char *path, const tui_options *opts) {
    tui_session s;
    strbuf err;
    sb_init(&err);
    int rc = tui_session_open_trace(&s, path, opts, &err);
    return tui_app_play_loaded(&s, rc, &err, opts, "concviz: cannot read the trace\n");
}

int tui_app_play_session(tui_session *s) { return tui_app_run(s); }
