/* main.c - the command line: 'concviz run', 'concviz check', and the bare
 * 'concviz' (headless run of the default scenario until the TUI exists). */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "sim/sim.h"
#include "trace/trace.h"
#include "scenario/builtin.h"
#include "scenario/scenario.h"
#include "scenario/scenario_machine.h"
#include "tui/tui.h"
#include "scenario/scenario_verify.h"

#ifndef CONCVIZ_VERSION
#define CONCVIZ_VERSION "0.0.0"
#endif

/* Exit statuses of concviz itself (a program's own statuses pass through). */
enum {
    EXIT_OK = 0,
    EXIT_PROGRAM_ERROR = 1,   /* uncaught exception in the program */
    EXIT_USAGE = 2            /* usage error or invalid scenario */
};

/* Writes to stderr, flushing stdout first so the two interleave sanely. */
static void err_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err_printf(const char *fmt, ...) {
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* Reports a usage error the GNU way and returns EXIT_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
    fflush(stdout);
    fputs("concviz: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'concviz --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static void print_help(void) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb,
            "Usage: concviz [OPTION]... [SCENARIO]\n"
            "       concviz replay [OPTION]... TRACE\n"
            "       concviz list [--lang en|zh]\n"
            "       concviz run [--seed N] [--events] [--max-time SECONDS] SCENARIO\n"
            "       concviz record [--seed N] [--max-time SECONDS] SCENARIO -o FILE\n"
            "       concviz check SCENARIO...\n"
            "       concviz verify [--timing] [--timeout SECONDS] [--python PATH] SCENARIO\n"
            "\n"
            "Run small Python concurrency programs on a simulated machine.\n"
            "\n"
            "Commands:\n"
            "  (none)          browse the built-in scenarios in the interactive view\n"
            "                  (without a terminal: run '" SCENARIO_BUILTIN_DEFAULT "' headless)\n"
            "  SCENARIO        play a scenario in the interactive view; press ? there\n"
            "                  for the keys\n"
            "  replay TRACE    play a trace written by 'record' (or by 's' in the view)\n"
            "  list            print the built-in scenarios: name, title and summary\n"
            "  run SCENARIO    run a scenario; the program's output goes to stdout/stderr\n"
            "  record SCENARIO -o FILE\n"
            "                  run a scenario and write its event trace as JSON Lines\n"
            "  check SCENARIO...\n"
            "                  load and compile scenarios without running them; print\n"
            "                  every problem as FILE:LINE:COL: message; a scenario with\n"
            "                  'expect:' also runs headless and must still match it\n"
            "  verify SCENARIO run the program under python3 and under concviz and compare\n"
            "                  their stdout, pids mapped; print 'match' or a diff (exit 0/1).\n"
            "                  --timing compares lines in any order, numbers aside;\n"
            "                  --against FILE uses a saved CPython stdout, --save FILE\n"
            "                  saves it; concviz.py is found via $CONCVIZ_ASSETS\n"
            "\n"
            "Options:\n"
            "  -s, --seed N    seed for 'random', overriding the scenario's seed\n"
            "  -e, --events    (run) print the timeline of events instead of the output\n"
            "  -t, --max-time SECONDS\n"
            "                  stop a run after this much virtual time (default 600)\n"
            "  -o, --output FILE\n"
            "                  (record) where to write the trace\n"
            "      --paused    (view) start paused\n"
            "      --speed X   (view) virtual seconds per second, 0.01 to 100 (default\n"
            "                  0.25), or 'max'\n"
            "      --theme NAME\n"
            "                  (view) default, monochrome (the default under NO_COLOR\n"
            "                  or without colours) or high-contrast (for projectors)\n"
            "      --lang en|zh\n"
            "                  (view, list) language of titles, summaries and captions\n"
            "                  (default: from LC_ALL, LC_MESSAGES or LANG)\n"
            "  -h, --help      show this help and exit\n"
            "      --version   show the version and exit\n"
            "\n"
            "SCENARIO is a YAML scenario file, a Python file (a name ending in .py; it\n"
            "runs with the default machine), or the name of a built-in scenario:");
    for (size_t i = 0; i < scenario_builtin_count(); i++) {
        const char *name;
        scenario_builtin_get(i, &name, NULL, NULL);
        sb_printf(&sb, "%s %s", i ? "," : "", name);
    }
    sb_puts(&sb,
            ".\nAny file whose name does not end in .py is read as YAML.\n"
            "\n"
            "Exit status:\n"
            "  0    success\n"
            "  N    the program called sys.exit(N)\n"
            "  1    the program ended with an uncaught exception\n"
            "  2    usage error, or an invalid scenario (bad YAML, a syntax error or\n"
            "       a feature concviz does not support)\n"
            "  3    deadlock: every thread was blocked and nothing could wake one\n"
            "  4    the program was still running at the --max-time limit\n"
            "  5    the program started too many processes or threads\n"
            "  128+N  the interactive view was stopped by signal N (2 INT, 15 TERM, 1 HUP)\n");
    fwrite(sb.data, 1, sb.len, stdout);
    sb_free(&sb);
}

static void print_version(void) {
    static const char text[] = "concviz " CONCVIZ_VERSION "\n";
    fwrite(text, 1, sizeof text - 1, stdout);
}

/* lang_write_fn for the real terminal: fd 1 -> stdout, fd 2 -> stderr. */
static void write_out(void *ctx, int fd, const char *text, size_t len) {
    (void)ctx;
    if (fd == 2) {
        fflush(stdout);
        fwrite(text, 1, len, stderr);
    } else {
        fwrite(text, 1, len, stdout);
    }
}

/* Prints every problem, sorted by position, to stderr. */
static void print_problems(scenario_diag *d) {
    scenario_diag_sort(d);
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < d->count; i++) {
        sb_clear(&sb);
        scenario_diag_format(d, i, &sb);
        sb_putc(&sb, '\n');
        fflush(stdout);
        fwrite(sb.data, 1, sb.len, stderr);
    }
    if (d->dropped)
        fprintf(stderr, "%s: %zu more problem%s not shown\n", d->filename ? d->filename : "concviz",
                d->dropped, d->dropped == 1 ? "" : "s");
    sb_free(&sb);
}

/* Loads and compiles one SCENARIO argument. Returns the program, or NULL
 * after recording every problem in *d. */
static lang_program *load_and_compile(const char *arg, scenario *sc, scenario_diag *d) {
    int rc = scenario_load_arg(arg, sc, d);
    lang_program *prog = scenario_machine_compile(sc, d);
    if (rc != 0) {
        lang_program_free(prog);
        return NULL;
    }
    return prog;
}

/* How one run should go: from the command line. */
typedef struct run_request {
    const uint64_t *seed;     /* overrides the scenario's seed when set */
    bool events;              /* print the timeline instead of the output */
    int64_t max_time_ns;      /* 0: default */
    const char *record_path;  /* write the trace here (JSON Lines) */
} run_request;

/* The machine a scenario asks for. */
static void config_from_scenario(const scenario *sc, const run_request *rq, sim_config *cfg) {
    scenario_machine_config(sc, cfg);
    if (rq->seed) cfg->seed = *rq->seed;
    if (rq->max_time_ns > 0) cfg->max_time_ns = rq->max_time_ns;
}

static double wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Runs to the end. A run that takes long in real time (a busy loop going
 * to the --max-time limit) says once, on a terminal, that it is still
 * going and how to stop it, so that it does not look hung. */
static int run_with_progress(sim *s, const sim_config *cfg) {
    double t0 = wall_ms();
    bool told = !isatty(2);
    while (!sim_run_some(s, 0, 64)) {
        if (!told && wall_ms() - t0 > 5000) {
            fflush(stdout);
            err_printf("concviz: still running at t=%.3fs of virtual time (it stops at --max-time %.0fs; "
                       "Ctrl-C stops it now)\n",
                       (double)sim_virtual_time(s) / 1e9, (double)cfg->max_time_ns / 1e9);
            told = true;
        }
    }
    return sim_exit_status(s);
}

/* Loads, compiles and runs one scenario on the simulated machine; returns
 * the exit status. */
static int run_scenario(const char *arg, const run_request *rq) {
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    lang_program *prog = load_and_compile(arg, &sc, &d);
    int status;
    if (!prog) {
        print_problems(&d);
        status = EXIT_USAGE;
    } else {
        sim_config cfg;
        config_from_scenario(&sc, rq, &cfg);
        bool quiet = rq->events || rq->record_path;
        cfg.write = quiet ? lang_write_nowhere : write_out;
        trace_log *log = trace_log_new();
        trace_header h;
        scenario_machine_header(&sc, &cfg, &h);
        trace_log_set_header(log, &h);
        sim *s = sim_new(prog, &cfg, log);
        status = run_with_progress(s, &cfg);
        fflush(stdout);
        if (status >= SIM_EXIT_DEADLOCK && status <= SIM_EXIT_LIMIT && sim_end_message(s))
            err_printf("concviz: %s\n", sim_end_message(s));
        if (rq->events) trace_write_timeline(log, stdout);
        if (rq->record_path) {
            FILE *f = fopen(rq->record_path, "wb");
            if (!f || !trace_write_jsonl(log, f)) {
                err_printf("concviz: cannot write '%s'\n", rq->record_path);
                status = EXIT_USAGE;
            }
            if (f && fclose(f) != 0 && status != EXIT_USAGE) {
                err_printf("concviz: cannot write '%s'\n", rq->record_path);
                status = EXIT_USAGE;
            }
        }
        sim_free(s);
        trace_log_free(log);
        fflush(stdout);
        lang_program_free(prog);
    }
    scenario_free(&sc);
    scenario_diag_fini(&d);
    return status;
}

/* Handles a getopt_long failure ('?' or ':'), returning EXIT_USAGE. */
static int option_error(const char *cmd, char *const argv[], int c) {
    const char *word = argv[optind - 1];
    if (c == ':') return usage_error("%s: option '%s' needs an argument", cmd, word);
    if (optopt && !(word[0] == '-' && word[1] == '-'))
        return usage_error("%s: unknown option '-%c'", cmd, optopt);
    return usage_error("%s: unknown option '%s'", cmd, word);
}

static const struct option run_options[] = {
    {"seed", required_argument, NULL, 's'},
    {"events", no_argument, NULL, 'e'},
    {"max-time", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* 'run' and 'record' share their options; record needs -o. */
static int cmd_run(int argc, char **argv, bool record) {
    const char *cmd = record ? "record" : "run";
    uint64_t seed = 0;
    run_request rq;
    memset(&rq, 0, sizeof rq);
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:et:o:h", run_options, NULL)) != -1) {
        switch (c) {
        case 's': {
            int64_t v;
            if (!scenario_parse_int(optarg, 0, INT64_MAX, &v))
                return usage_error("%s: invalid seed '%s' (expected an integer from 0 to %lld)", cmd, optarg,
                                   (long long)INT64_MAX);
            seed = (uint64_t)v;
            rq.seed = &seed;
            break;
        }
        case 'e':
            if (record) return usage_error("record: --events is an option of 'run'");
            rq.events = true;
            break;
        case 't': {
            char *end;
            double secs = strtod(optarg, &end);
            if (end == optarg || *end || !(secs > 0) || secs > 1e6)
                return usage_error("%s: invalid --max-time '%s' (expected seconds, e.g. 10 or 0.5)", cmd, optarg);
            rq.max_time_ns = (int64_t)(secs * 1e9);
            break;
        }
        case 'o':
            if (!record) return usage_error("run: -o is an option of 'record'");
            rq.record_path = optarg;
            break;
        case 'h': print_help(); return EXIT_OK;
        default: return option_error(cmd, argv, c);
        }
    }
    if (optind >= argc) return usage_error("%s: missing SCENARIO operand", cmd);
    if (argc - optind > 1) return usage_error("%s: too many operands ('%s')", cmd, argv[optind + 1]);
    if (record && !rq.record_path) return usage_error("record: missing -o FILE");
    return run_scenario(argv[optind], &rq);
}

static const struct option check_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int cmd_check(int argc, char **argv) {
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", check_options, NULL)) != -1) {
        if (c == 'h') {
            print_help();
            return EXIT_OK;
        }
        return option_error("check", argv, c);
    }
    if (optind >= argc) return usage_error("check: missing SCENARIO operand");
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        lang_program *prog = load_and_compile(argv[i], &sc, &d);
        if (prog && scenario_verify_expect(&sc, prog, &d) != 0) {
            print_problems(&d);
            if (status == EXIT_OK) status = EXIT_PROGRAM_ERROR;
            lang_program_free(prog);
        } else if (prog) {
            printf("%s: ok\n", sc.filename);
            lang_program_free(prog);
        } else {
            print_problems(&d);
            status = EXIT_USAGE;
        }
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
    fflush(stdout);
    return status;
}

static const struct option verify_options[] = {
    {"timing", no_argument, NULL, 'T'},
    {"timeout", required_argument, NULL, 't'},
    {"python", required_argument, NULL, 'p'},
    {"against", required_argument, NULL, 'a'},
    {"save", required_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* 'verify': the program under python3 and under concviz (scenario_verify.c). */
static int cmd_verify(int argc, char **argv, const char *argv0) {
    scenario_verify_opts o;
    scenario_verify_opts_init(&o);
    o.argv0 = argv0;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:p:h", verify_options, NULL)) != -1) {
        switch (c) {
        case 'T': o.mode = SCENARIO_VERIFY_TIMING; break;
        case 't': {
            char *end;
            o.timeout_s = strtod(optarg, &end);
            if (end == optarg || *end || !(o.timeout_s > 0) || o.timeout_s > 1e5)
                return usage_error("verify: invalid --timeout '%s' (expected seconds)", optarg);
            break;
        }
        case 'p': o.python = optarg; break;
        case 'a': o.against = optarg; break;
        case 'S': o.save = optarg; break;
        case 'h': print_help(); return EXIT_OK;
        default: return option_error("verify", argv, c);
        }
    }
    if (optind >= argc) return usage_error("verify: missing SCENARIO operand");
    if (argc - optind > 1) return usage_error("verify: too many operands ('%s')", argv[optind + 1]);
    if (o.against && o.save) return usage_error("verify: --against and --save exclude each other");
    return scenario_verify_main(argv[optind], &o, stdout, stderr);
}

static const struct option main_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    /* the interactive view's options (view_option) */
    {"paused", no_argument, NULL, 'P'},
    {"speed", required_argument, NULL, 'S'},
    {"seed", required_argument, NULL, 's'},
    {"theme", required_argument, NULL, 'T'},
    {"lang", required_argument, NULL, 'L'},
    {"max-time", required_argument, NULL, 't'},
    {NULL, 0, NULL, 0},
};

static bool has_suffix(const char *s, const char *suffix) {
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The interactive view's defaults: playing, default speed and theme, the
 * language from the environment. */
static void view_defaults(tui_options *o) {
    memset(o, 0, sizeof *o);
    o->theme = TUI_THEME_AUTO;
    o->zh = tui_lang_zh_from_env();
}

/* One of the view's options (main_options); returns 0 or a usage error. */
static int view_option(int c, const char *arg, tui_options *o) {
    switch (c) {
    case 'P': o->paused = true; return 0;
    case 'S':
        if (!tui_speed_parse(arg, &o->speed))
            return usage_error("invalid --speed '%s' (expected a number such as 0.25 or 2, or 'max')", arg);
        return 0;
    case 's': {
        int64_t v;
        if (!scenario_parse_int(arg, 0, INT64_MAX, &v))
            return usage_error("invalid seed '%s' (expected an integer from 0 to %lld)", arg, (long long)INT64_MAX);
        o->seed = (uint64_t)v;
        o->have_seed = true;
        return 0;
    }
    case 'T': {
        int t = tui_theme_parse(arg);
        if (t < 0) return usage_error("invalid --theme '%s' (expected default, monochrome or high-contrast)", arg);
        o->theme = (tui_theme_choice)t;
        return 0;
    }
    case 'L':
        if (strcmp(arg, "en") != 0 && strncmp(arg, "zh", 2) != 0)
            return usage_error("invalid --lang '%s' (expected en or zh)", arg);
        o->zh = arg[0] == 'z';
        return 0;
    case 't': {
        char *end;
        double secs = strtod(arg, &end);
        if (end == arg || *end || !(secs > 0) || secs > 1e6)
            return usage_error("invalid --max-time '%s' (expected seconds, e.g. 10 or 0.5)", arg);
        o->max_time_ns = (int64_t)(secs * 1e9);
        return 0;
    }
    default: return usage_error("unknown option");
    }
}

/* Parses the view's options after a command word (getopt permutes, so
 * they may follow the operand); returns 0, or an exit status to return. */
static int view_options_parse(const char *cmd, int argc, char **argv, tui_options *o, bool *helped) {
    int c;
    optind = 0;
    opterr = 0;
    *helped = false;
    while ((c = getopt_long(argc, argv, ":hs:t:", main_options, NULL)) != -1) {
        if (c == 'h' || c == 'V') {
            if (c == 'h') print_help();
            else print_version();
            *helped = true;
            return EXIT_OK;
        }
        if ((c == '?' || c == ':') && cmd) return option_error(cmd, argv, c);
        if (c == ':') return usage_error("option '%s' needs an argument", argv[optind - 1]);
        if (c == '?') {
            const char *word = argv[optind - 1];
            if (optopt && !(word[0] == '-' && word[1] == '-')) return usage_error("unknown option '-%c'", optopt);
            return usage_error("unknown option '%s'", word);
        }
        int rc = view_option(c, optarg, o);
        if (rc) return rc;
    }
    return EXIT_OK;
}

/* 'concviz SCENARIO': the interactive view of a scenario (file or built-in). */
static int cmd_view(int argc, char **argv, tui_options *o) {
    /* argv[0] is the scenario, not a command word, and getopt skips
       argv[0]: parse from the word before it (main's argv, optind >= 1) */
    argc++;
    argv--;
    bool helped;
    int rc = view_options_parse(NULL, argc, argv, o, &helped);
    if (rc || helped) return rc;
    if (optind >= argc) return usage_error("missing SCENARIO operand");
    const char *arg = argv[optind];
    if (argc - optind > 1) return usage_error("too many operands ('%s')", argv[optind + 1]);
    bool file = access(arg, F_OK) == 0;
    bool builtin = !strchr(arg, '/') && scenario_builtin_find(arg) >= 0;
    bool scenario_like = has_suffix(arg, ".yaml") || has_suffix(arg, ".yml") || has_suffix(arg, ".py");
    if (!file && !builtin && !scenario_like)
        return usage_error("unknown command '%s' (neither a command, a scenario file nor a built-in scenario)", arg);
    if (!tui_have_terminal())
        return usage_error("the interactive view needs a terminal (did you mean 'concviz run %s'?)", arg);
    return tui_play_scenario(arg, o);
}

/* 'concviz replay TRACE': plays a recorded trace, without the engine. */
static int cmd_replay(int argc, char **argv, tui_options *o) {
    bool helped;
    int rc = view_options_parse("replay", argc, argv, o, &helped);
    if (rc || helped) return rc;
    if (optind >= argc) return usage_error("replay: missing TRACE operand");
    if (argc - optind > 1) return usage_error("replay: too many operands ('%s')", argv[optind + 1]);
    return tui_replay(argv[optind], o);
}

/* 'concviz list': the built-in scenarios as text. */
static int cmd_list(int argc, char **argv, tui_options *o) {
    bool helped;
    int rc = view_options_parse("list", argc, argv, o, &helped);
    if (rc || helped) return rc;
    if (optind < argc) return usage_error("list: unexpected operand '%s'", argv[optind]);
    tui_list(stdout, o->zh);
    fflush(stdout);
    return EXIT_OK;
}

int main(int argc, char **argv) {
    int c;
    tui_options vopts;
    view_defaults(&vopts);
    opterr = 0;
    /* '+': stop at the command, whose own options are parsed by the command */
    while ((c = getopt_long(argc, argv, "+:hs:t:", main_options, NULL)) != -1) {
        switch (c) {
        case 'h': print_help(); return EXIT_OK;
        case 'V': print_version(); return EXIT_OK;
        case 'P':
        case 'S':
        case 's':
        case 'T':
        case 'L':
        case 't': {
            int rc = view_option(c, optarg, &vopts);
            if (rc) return rc;
            break;
        }
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default: {
            const char *word = argv[optind - 1];
            if (optopt && !(word[0] == '-' && word[1] == '-'))
                return usage_error("unknown option '-%c'", optopt);
            return usage_error("unknown option '%s'", word);
        }
        }
    }
    if (optind >= argc && tui_have_terminal()) return tui_browse(&vopts);
    if (optind >= argc) {
        err_printf("concviz: not a terminal, so no interactive view; running the default "
                   "scenario '%s' headless\n",
                   SCENARIO_BUILTIN_DEFAULT);
        run_request rq;
        memset(&rq, 0, sizeof rq);
        return run_scenario(SCENARIO_BUILTIN_DEFAULT, &rq);
    }
    const char *cmd = argv[optind];
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    if (strcmp(cmd, "run") == 0) return cmd_run(sub_argc, sub_argv, false);
    if (strcmp(cmd, "record") == 0) return cmd_run(sub_argc, sub_argv, true);
    if (strcmp(cmd, "check") == 0) return cmd_check(sub_argc, sub_argv);
    if (strcmp(cmd, "list") == 0) return cmd_list(sub_argc, sub_argv, &vopts);
    if (strcmp(cmd, "replay") == 0) return cmd_replay(sub_argc, sub_argv, &vopts);
    if (strcmp(cmd, "verify") == 0) return cmd_verify(sub_argc, sub_argv, argv[0]);
    return cmd_view(sub_argc, sub_argv, &vopts);
}
