/* tui_describe.c - names and sentences (see tui_describe.h). */
#include "tui/tui_describe.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui_text.h"

const char *tui_str(const trace_log *log, uint32_t i) {
    const char *s = trace_log_string(log, i, NULL);
    return s ? s : "";
}

const char *tui_thread_name(const trace_log *log, const trace_fold_state *s, int32_t slot) {
    if (slot < 0 || (uint32_t)slot >= s->nthreads) return "?";
    return tui_str(log, s->threads[slot].name);
}

void tui_thread_short(const trace_log *log, const trace_fold_state *s, int32_t slot, strbuf *out) {
    const char *name = tui_thread_name(log, s, slot);
    const char *paren = strstr(name, " (");
    sb_append(out, name, paren && paren != name ? (size_t)(paren - name) : strlen(name));
}

/* The number after the last '-' of a name like "Thread-12", or -1. */
static long tui_name_number(const char *name, size_t len) {
    const char *dash = NULL;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '-') dash = name + i;
    if (!dash || dash + 1 >= name + len) return -1;
    long v = 0;
    for (const char *p = dash + 1; p < name + len; p++) {
        if (*p < '0' || *p > '9' || v > 1000000) return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

const char *tui_thread_tag(const trace_log *log, const trace_fold_state *s, int32_t slot, char *buf, size_t n) {
    if (slot < 0 || (uint32_t)slot >= s->nthreads) return "?";
    const trace_fold_thread *th = &s->threads[slot];
    const char *name = tui_str(log, th->name);
    const char *paren = strstr(name, " (");
    size_t len = paren ? (size_t)(paren - name) : strlen(name);
    long num = tui_name_number(name, len);
    if (strcmp(name, "MainThread") == 0) {
        /* the first process's main thread is "Main"; others go by their pid */
        if (th->proc <= 0) snprintf(buf, n, "Main");
        else snprintf(buf, n, "P%d", th->pid);
    } else if (num >= 0 && strncmp(name, "Thread-", 7) == 0) {
        snprintf(buf, n, "T%ld", num);
    } else if (num >= 0 && strstr(name, "PoolWorker-")) {
        snprintf(buf, n, "W%ld", num);
    } else {
        /* a name of its own: as much of it as fits in 6 columns */
        size_t k = tui_text_fit(name, len, 6, false, NULL);
        while (k >= n || (k > 0 && k < len && ((unsigned char)name[k] & 0xC0) == 0x80)) k--;
        memcpy(buf, name, k);
        buf[k] = '\0';
    }
    return buf;
}

const char *tui_object_name(const trace_log *log, const trace_fold_state *s, int32_t slot) {
    if (slot < 0 || (uint32_t)slot >= s->nobjects) return "?";
    const char *l = tui_str(log, s->objects[slot].label);
    return *l ? l : "(unnamed)";
}

const char *tui_object_type_title(int32_t type) {
    static const char *const titles[] = {"Lock",  "RLock", "Semaphore", "BoundedSemaphore", "Condition",
                                         "Event", "Barrier", "Queue", "Pipe", "Pool", "Value", "Array",
                                         "Manager"};
    return type >= 0 && type < (int32_t)(sizeof titles / sizeof titles[0]) ? titles[type] : "object";
}

const char *tui_state_words(int state) {
    switch (state) {
    case TS_NEW: return "not started";
    case TS_READY: return "ready (no core)";
    case TS_GIL_WAIT: return "waiting for the GIL";
    case TS_RUNNING: return "running";
    case TS_BLOCKED: return "blocked";
    case TS_SLEEPING: return "sleeping";
    case TS_FINISHED: return "finished";
    default: return "unknown state";
    }
}

void tui_format_time(int64_t ns, strbuf *out) {
    if (ns < 0) ns = 0;
    sb_printf(out, "%lld.%06lld s", (long long)(ns / 1000000000), (long long)(ns % 1000000000 / 1000));
}

/* The slot of an event's thread / object in s, or -1. */
static int32_t tui_ev_thread(const trace_fold *f, const trace_fold_state *s, int32_t tid) {
    int32_t t = tid >= 0 ? trace_fold_thread_slot(f, tid) : -1;
    return t >= 0 && (uint32_t)t < s->nthreads ? t : -1;
}

static int32_t tui_ev_object(const trace_fold *f, const trace_fold_state *s, int32_t id) {
    int32_t o = id >= 0 ? trace_fold_object_slot(f, id) : -1;
    return o >= 0 && (uint32_t)o < s->nobjects ? o : -1;
}

/* Appends text, one line, at most max bytes, escaping newlines. */
static void tui_put_clipped(strbuf *out, const char *text, size_t max) {
    size_t n = strlen(text);
    bool cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
    }
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n') sb_puts(out, i + 1 == n ? "" : " / ");
        else sb_putc(out, text[i]);
    }
    if (cut) sb_puts(out, "...");
}

void tui_describe_event(const trace_fold *f, const trace_fold_state *s, size_t seq, strbuf *out) {
    const trace_log *log = trace_fold_log(f);
    if (seq >= trace_log_count(log)) return;
    const trace_event *ev = trace_log_get(log, seq);
    int32_t t = tui_ev_thread(f, s, ev->tid);
    int32_t o = tui_ev_object(f, s, ev->obj);
    const char *who = t >= 0 ? tui_thread_name(log, s, t) : NULL;
    const char *what = tui_str(log, ev->text);
    const char *oname = o >= 0 ? tui_object_name(log, s, o) : "?";
    if (who) sb_printf(out, "%s ", who);
    else if (ev->pid >= 0) sb_printf(out, "P%d ", ev->pid);
    switch (ev->kind) {
    case TRACE_PROC_NEW: sb_printf(out, "process %s created", what); break;
    case TRACE_PROC_START: sb_puts(out, "starts running"); break;
    case TRACE_PROC_EXIT: sb_printf(out, "exits with code %d", ev->a); break;
    case TRACE_THREAD_NEW: sb_puts(out, "is created"); break;
    case TRACE_THREAD_STATE:
        sb_printf(out, "is %s", tui_state_words(ev->a));
        if (ev->a == TS_RUNNING) sb_printf(out, " on core %d", ev->b);
        if (o >= 0) sb_printf(out, " on %s", oname);
        if (*what) {
            sb_puts(out, ": ");
            tui_put_clipped(out, what, 80);
        }
        break;
    case TRACE_GIL_REQUEST: sb_puts(out, "asks for the GIL"); break;
    case TRACE_GIL_DROP_REQUEST: sb_puts(out, "asks the GIL holder to drop it (switch interval)"); break;
    case TRACE_GIL_TAKE: sb_puts(out, "takes the GIL"); break;
    case TRACE_GIL_DROP:
        sb_printf(out, "drops the GIL (%s)",
                  ev->a >= 0 && ev->a < TG_COUNT ? trace_gil_reason_name((trace_gil_reason)ev->a) : "?");
        break;
    case TRACE_OBJ_NEW: sb_printf(out, "creates %s %s", tui_object_type_title(ev->a), what); break;
    case TRACE_SYNC_OP: {
        static const char *const results[] = {"failed", "ok", "blocked"};
        sb_printf(out, "%s %s: %s", ev->a >= 0 && ev->a < TOP_COUNT ? trace_op_name((trace_op)ev->a) : "op", oname,
                  ev->b >= 0 && ev->b <= 2 ? results[ev->b] : "?");
        if (*what) sb_printf(out, " (%s)", what);
        break;
    }
    case TRACE_QUEUE_PUT:
    case TRACE_QUEUE_GET:
        sb_puts(out, ev->kind == TRACE_QUEUE_PUT ? "puts " : "gets ");
        tui_put_clipped(out, what, 60);
        sb_printf(out, ev->kind == TRACE_QUEUE_PUT ? " on %s (%d queued)" : " from %s (%d left)", oname, ev->a);
        break;
    case TRACE_PRINT:
        sb_puts(out, ev->a == 2 ? "writes to stderr: " : "prints: ");
        tui_put_clipped(out, what, 80);
        break;
    case TRACE_CAPTION:
        sb_puts(out, "caption: ");
        tui_put_clipped(out, what, 100);
        break;
    case TRACE_DEADLOCK: sb_puts(out, "DEADLOCK: every live thread is blocked and nothing can wake one"); break;
    case TRACE_RUN_END:
        sb_printf(out, "the run ends (status %d): ", ev->a);
        tui_put_clipped(out, what, 80);
        break;
    default: sb_printf(out, "an event of kind %d (newer than this concviz)", ev->kind); break;
    }
}
