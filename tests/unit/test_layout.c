/* test_layout.c - unit tests of the TUI's pure geometry (tui_layout.c) and
 * of the column arithmetic behind CJK-correct drawing (tui_text.c). Both
 * compile into this test without curses. */
#include "tui/tui_layout.h"
#include "tui/tui_text.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static const tui_rect *test_rects(const tui_layout *l, int *n) {
    static tui_rect r[9];
    int k = 0;
    r[k++] = l->lanes;
    if (l->timeline.w) r[k++] = l->timeline;
    r[k++] = l->cpu;
    r[k++] = l->objects;
    r[k++] = l->source;
    if (!l->tabbed) r[k++] = l->output;
    r[k++] = l->caption;
    if (l->status.h) r[k++] = l->status;
    *n = k;
    return r;
}

static bool test_overlap(const tui_rect *a, const tui_rect *b) {
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Every framed interior lies inside the frame (rows 1 .. lines-2, columns
 * 0 .. cols-1, leaving a cell around it), none overlap, and every row of the
 * frame's interior is covered. */
static void test_sane(const tui_layout *l) {
    int n;
    const tui_rect *r = test_rects(l, &n);
    for (int i = 0; i < n; i++) {
        ck_assert_int_gt(r[i].h, 0);
        ck_assert_int_gt(r[i].w, 0);
        ck_assert_int_ge(r[i].y, 2);
        ck_assert_int_ge(r[i].x, 1);
        ck_assert_int_le(r[i].y + r[i].h, l->lines - 2);
        ck_assert_int_le(r[i].x + r[i].w, l->cols - 1);
        for (int j = i + 1; j < n; j++) ck_assert_msg(!test_overlap(&r[i], &r[j]), "rects %d and %d overlap", i, j);
    }
    ck_assert_int_eq(l->header.y, 0);
    ck_assert_int_eq(l->header.w, l->cols);
    ck_assert_int_eq(l->keys.y, l->lines - 1);
    /* stacked bands are one border apart: lanes / cpu / source / caption */
    ck_assert_int_eq(l->cpu.y, l->lanes.y + l->lanes.h + 1);
    ck_assert_int_eq(l->source.y, l->cpu.y + l->cpu.h + 1);
    ck_assert_int_eq(l->caption.y, l->source.y + l->source.h + 1);
    int last = l->status.h ? l->status.y : l->caption.y;
    ck_assert_int_eq(last + 1, l->lines - 2); /* then the bottom border */
    /* side by side: one column apart, filling the width */
    ck_assert_int_eq(l->objects.x, l->cpu.x + l->cpu.w + 1);
    ck_assert_int_eq(l->objects.x + l->objects.w, l->cols - 1);
    ck_assert_int_eq(l->caption.w, l->cols - 2);
    ck_assert_int_eq(l->objects.y, l->cpu.y);
    ck_assert_int_eq(l->objects.h, l->cpu.h);
}

START_TEST(layout_200x60) {
    tui_layout l;
    tui_layout_compute(60, 200, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_FULL);
    test_sane(&l);
    ck_assert(!l.tabbed);
    ck_assert_int_eq(l.lanes.w, 64);
    ck_assert_int_eq(l.timeline.x, l.lanes.x + l.lanes.w + 1);
    ck_assert_int_eq(l.timeline.x + l.timeline.w, 199);
    ck_assert_int_eq(l.timeline.h, l.lanes.h);
    ck_assert_int_eq(l.output.x, l.source.x + l.source.w + 1);
    ck_assert_int_eq(l.output.x + l.output.w, 199);
    ck_assert_int_ge(l.lanes.h, 15);
    ck_assert_int_ge(l.source.h, 15);
}
END_TEST

START_TEST(layout_120x40) {
    tui_layout l;
    tui_layout_compute(40, 120, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_FULL);
    test_sane(&l);
    ck_assert_int_eq(l.lanes.y, 2);
    ck_assert_int_eq(l.lanes.h, 11);
    ck_assert_int_eq(l.lanes.w, 59);
    ck_assert_int_eq(l.timeline.w, 58);
    ck_assert_int_eq(l.cpu.h, 8);
    ck_assert_int_eq(l.cpu.w, 49);
    ck_assert_int_eq(l.objects.w, 68);
    ck_assert_int_eq(l.source.w, 64);
    ck_assert_int_eq(l.source.h, 12);
    ck_assert_int_eq(l.caption.y, 36);
    ck_assert_int_eq(l.status.y, 37);
}
END_TEST

START_TEST(layout_80x24) {
    tui_layout l;
    tui_layout_compute(24, 80, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_REDUCED);
    test_sane(&l);
    ck_assert(l.tabbed);
    ck_assert_int_eq(l.timeline.w, 0);
    ck_assert_int_eq(l.status.h, 0);
    ck_assert_int_eq(l.lanes.w, 78);
    ck_assert_int_ge(l.lanes.h, 5);
    ck_assert_int_ge(l.objects.h, 3);
    ck_assert_int_ge(l.source.h, 4);
    ck_assert_mem_eq(&l.source, &l.output, sizeof l.source);
}
END_TEST

START_TEST(layout_too_small) {
    tui_layout l;
    tui_layout_compute(24, 79, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_TOO_SMALL);
    tui_layout_compute(23, 80, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_TOO_SMALL);
    tui_layout_compute(0, 0, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_TOO_SMALL);
    tui_layout_compute(-5, 1000, &l);
    ck_assert_int_eq(l.mode, TUI_LAYOUT_TOO_SMALL);
}
END_TEST

/* Every size between the minimum and 250x80 gives a sane layout. */
START_TEST(layout_every_size) {
    tui_layout l;
    for (int lines = TUI_MIN_LINES; lines <= 80; lines++)
        for (int cols = TUI_MIN_COLS; cols <= 250; cols += 7) {
            tui_layout_compute(lines, cols, &l);
            ck_assert_int_ne(l.mode, TUI_LAYOUT_TOO_SMALL);
            test_sane(&l);
        }
}
END_TEST

START_TEST(rect_has) {
    tui_rect r = {2, 3, 4, 5};
    ck_assert(tui_rect_has(&r, 2, 3));
    ck_assert(tui_rect_has(&r, 5, 7));
    ck_assert(!tui_rect_has(&r, 6, 7));
    ck_assert(!tui_rect_has(&r, 5, 8));
    tui_rect empty = {0, 0, 0, 10};
    ck_assert(!tui_rect_has(&empty, 0, 0));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Text widths                                                         */

START_TEST(text_widths) {
    ck_assert_int_eq(tui_text_width("abc", 3, false), 3);
    ck_assert_int_eq(tui_text_width("生产者", strlen("生产者"), false), 6);
    ck_assert_int_eq(tui_text_width("生产者", strlen("生产者"), true), 3);
    ck_assert_int_eq(tui_text_width("e\xCC\x81", 3, false), 1); /* e + combining acute */
    ck_assert_int_eq(tui_text_width("a\tb", 3, false), 3);
    ck_assert_int_eq(tui_text_width("\xff\xfe", 2, false), 2);  /* invalid bytes: U+FFFD each */
    ck_assert_int_eq(tui_text_width("▶◼◌▒", strlen("▶◼◌▒"), false), 4);
}
END_TEST

START_TEST(text_fit_never_splits_wide) {
    const char *s = "ab生产者";
    int used;
    size_t n = tui_text_fit(s, strlen(s), 5, false, &used);
    ck_assert_uint_eq(n, 5); /* "ab生": 4 columns; 产 would make 6 */
    ck_assert_int_eq(used, 4);
    n = tui_text_fit(s, strlen(s), 6, false, &used);
    ck_assert_uint_eq(n, 8);
    ck_assert_int_eq(used, 6);
    n = tui_text_fit(s, strlen(s), 100, false, &used);
    ck_assert_uint_eq(n, strlen(s));
    n = tui_text_fit(s, strlen(s), 0, false, &used);
    ck_assert_uint_eq(n, 0);
    n = tui_text_fit("a\xe7\x94", 3, 10, false, &used); /* a truncated sequence */
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(used, 3);
}
END_TEST

START_TEST(text_wrap) {
    const char *s = "the quick brown fox";
    size_t next, n = tui_text_wrap(s, strlen(s), 10, false, &next);
    ck_assert_uint_eq(n, 9); /* "the quick" */
    ck_assert_str_eq(s + next, "brown fox");
    const char *c = "生产者把数据放进队列";
    n = tui_text_wrap(c, strlen(c), 7, false, &next);
    ck_assert_uint_eq(n, 9); /* three characters, six columns */
    ck_assert_uint_eq(next, 9);
    n = tui_text_wrap("ab\ncd", 5, 10, false, &next);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(next, 3);
    n = tui_text_wrap("abcdefgh", 8, 3, false, &next);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(next, 3);
    /* every wrap makes progress, even at width 1 with wide characters */
    size_t at = 0, len = strlen(c);
    int lines = 0;
    while (at < len) {
        tui_text_wrap(c + at, len - at, 1, false, &next);
        ck_assert_uint_gt(next, 0);
        at += next;
        lines++;
    }
    ck_assert_int_eq(lines, 10);
}
END_TEST

START_TEST(text_decode) {
    size_t i = 0;
    ck_assert_uint_eq(tui_text_decode("\xe4\xb8\xad", 3, &i), 0x4E2D);
    ck_assert_uint_eq(i, 3);
    i = 0;
    ck_assert_uint_eq(tui_text_decode("\xed\xa0\x80", 3, &i), 0xFFFD); /* a surrogate */
    ck_assert_uint_eq(i, 1);
    i = 0;
    ck_assert_uint_eq(tui_text_decode("\xc0\xaf", 2, &i), 0xFFFD); /* overlong */
    ck_assert_uint_eq(tui_text_cp_shown(0x07, false), '?');
    ck_assert_uint_eq(tui_text_cp_shown(0x4E2D, true), '?');
    ck_assert_uint_eq(tui_text_cp_shown(0x4E2D, false), 0x4E2D);
}
END_TEST

static Suite *layout_suite(void) {
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, layout_200x60);
    tcase_add_test(tc, layout_120x40);
    tcase_add_test(tc, layout_80x24);
    tcase_add_test(tc, layout_too_small);
    tcase_add_test(tc, layout_every_size);
    tcase_add_test(tc, rect_has);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("text");
    tcase_add_test(tt, text_widths);
    tcase_add_test(tt, text_fit_never_splits_wide);
    tcase_add_test(tt, text_wrap);
    tcase_add_test(tt, text_decode);
    suite_add_tcase(s, tt);
    return s;
}

int main(void) {
    /* widths come from wcwidth, which follows LC_CTYPE */
    if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "en_US.UTF-8");
    SRunner *sr = srunner_create(layout_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
