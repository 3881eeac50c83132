/* bench_tui.c - benchmarks of the view (built and run by bench_tui.sh; not
 * a test): the time to draw one frame at 200x60 with 100 threads, the time
 * to jump from the end of a million-event trace to its start and back, and
 * the memory held per event; and the time Enter takes to rebuild the call
 * stacks (a re-run of the program to the cursor) on that trace. */
#include <curses.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/trace_fold.h"
#include "tui/tui_app.h"
#include "tui/tui_screen.h"
#include "tui/tui_session.h"
#include "tui/tui_theme.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t heap_bytes(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static tui_options bench_options(void) {
    tui_options o;
    memset(&o, 0, sizeof o);
    o.paused = true;
    return o;
}

/* Frames at 200x60: draw into stdscr and send it to a terminal whose
 * output goes to /dev/null; each frame moves the cursor one event on from
 * 'from', so every frame has something new to draw. */
static void bench_frames(tui_session *s, size_t from, const char *what) {
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN *scr = newterm("xterm-256color", out, in);
    if (!scr) {
        fprintf(stderr, "bench: newterm failed\n");
        exit(1);
    }
    set_term(scr);
    resizeterm(60, 200);
    tui_theme_init(TUI_THEME_DEFAULT);
    tui_app a;
    tui_app_init(&a, s);
    tui_layout_compute(LINES, COLS, &a.layout);
    size_t count = trace_fold_count(s->fold);
    tui_app_goto(&a, from);
    tui_app_rows(&a);
    size_t threads = a.st->nthreads;
    int frames = 400;
    double draw = 0, total = 0, worst = 0;
    for (int i = 0; i < frames; i++) {
        tui_app_goto(&a, from + (size_t)i < count ? from + (size_t)i : count);
        double t0 = now_ms();
        tui_draw(&a);
        double t1 = now_ms();
        wnoutrefresh(stdscr);
        doupdate();
        double t2 = now_ms();
        draw += t1 - t0;
        total += t2 - t0;
        if (t2 - t0 > worst) worst = t2 - t0;
    }
    printf("frame 200x60, %s (%zu threads, %zu events): draw %.3f ms, draw+doupdate %.3f ms (worst %.3f ms), "
           "mean of %d frames\n",
           what, threads, count, draw / frames, total / frames, worst, frames);
    tui_app_fini(&a);
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
}

static int bench_frame(const char *scenario) {
    tui_session s;
    strbuf err;
    sb_init(&err);
    tui_options o = bench_options();
    if (tui_session_open_scenario(&s, scenario, &o, &err) != 0) {
        fprintf(stderr, "%s", err.data);
        return 1;
    }
    sb_free(&err);
    bench_frames(&s, trace_fold_count(s.fold) / 2, "100 threads");
    tui_session_free(&s);
    return 0;
}

/* Jumps on a big trace, and the memory it holds. */
static int bench_jump(const char *scenario) {
    size_t before = heap_bytes();
    tui_session s;
    strbuf err;
    sb_init(&err);
    tui_options o = bench_options();
    double t0 = now_ms();
    if (tui_session_open_scenario(&s, scenario, &o, &err) != 0) {
        fprintf(stderr, "%s", err.data);
        return 1;
    }
    double topen = now_ms();
    printf("opened (first frame possible) after %.0f ms, with %zu events simulated; the rest while it plays\n",
           topen - t0, trace_fold_count(s.fold));
    tui_session_finish(&s);
    double t1 = now_ms();
    sb_free(&err);
    size_t held = heap_bytes() - before;
    size_t count = trace_fold_count(s.fold);
    size_t fold = trace_fold_bytes(s.fold);
    printf("trace of %zu events: simulated and indexed in %.0f ms\n", count, t1 - t0);
    printf("memory held: %.1f bytes/event in all (log + strings + fold), of which the fold %.1f bytes/event "
           "(checkpoints every %d events)\n",
           (double)held / (double)count, (double)fold / (double)count, TRACE_FOLD_DEFAULT_EVERY);
    trace_fold_seek(s.fold, count);
    double worst = 0, sum = 0;
    int rounds = 20;
    for (int r = 0; r < rounds; r++) {
        double a0 = now_ms();
        trace_fold_seek(s.fold, 0);
        double a1 = now_ms();
        trace_fold_seek(s.fold, count);
        double a2 = now_ms();
        double m = a1 - a0 > a2 - a1 ? a1 - a0 : a2 - a1;
        if (m > worst) worst = m;
        sum += (a1 - a0) + (a2 - a1);
    }
    printf("jump end -> start -> end: mean %.3f ms per jump, worst %.3f ms (%d round trips)\n", sum / (2 * rounds),
           worst, rounds);
    /* and a random jump anywhere (the worst case applies a whole interval) */
    uint32_t rng = 7;
    double rsum = 0, rworst = 0;
    for (int k = 0; k < 200; k++) {
        rng = rng * 1103515245u + 12345u;
        size_t pos = (size_t)rng % (count + 1);
        double a0 = now_ms();
        trace_fold_seek(s.fold, pos);
        double d = now_ms() - a0;
        rsum += d;
        if (d > rworst) rworst = d;
    }
    printf("random jumps: mean %.3f ms, worst %.3f ms (200 jumps)\n", rsum / 200, rworst);
    bench_frames(&s, count - 400, "the million-event trace, near its end");
    /* Enter's call stack and locals: the program runs again to the cursor
       (the cost grows with the position; the end is the worst case) */
    for (int k = 0; k < 2; k++) {
        size_t pos = k == 0 ? count / 2 : count - 1;
        const char *why;
        double f0 = now_ms();
        const sim_snapshot *snap = tui_session_frames(&s, pos, &why);
        double f1 = now_ms();
        printf("call stacks at event %zu: rebuilt in %.0f ms (%s)\n", pos, f1 - f0, snap ? "ok" : why);
    }
    tui_session_free(&s);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_tui FRAME_SCENARIO BIG_SCENARIO\n");
        return 2;
    }
    tui_screen_set_ascii(false);
    int rc = bench_frame(argv[1]);
    if (rc == 0) rc = bench_jump(argv[2]);
    return rc;
}
