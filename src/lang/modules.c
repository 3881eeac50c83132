/* modules.c - the importable modules that need no concurrency: time (on
 * the virtual clock), random (CPython's Mersenne Twister), sys, os, math and
 * concviz. Modules are created on first import, one set per interpreter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "natives.h"
#include "num.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ time */

static vm_status t_sleep(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "sleep", 1, 1);
    if (st != VM_OK) return st;
    double secs;
    if ((st = args_float(th, a->pos[0], "'secs'", &secs)) != VM_OK) {
        th->exc = v_undef();
        return vm_raise(th, th->vm->cls.TypeError, "'%s' object cannot be interpreted as an integer",
                        ops_type_name(th->vm, a->pos[0]));
    }
    if (secs < 0) return vm_raise(th, th->vm->cls.ValueError, "sleep length must be non-negative");
    th->wait.kind = WAIT_SLEEP;
    th->wait.until_ns = vm_now(th) + (int64_t)llround(secs * 1e9);
    *out = v_none();
    return VM_BLOCK;
}

static vm_status t_time(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "time", 0, 0);
    if (st != VM_OK) return st;
    *out = v_float((double)(th->vm->epoch_ns + vm_now(th)) / 1e9);
    return VM_OK;
}

static vm_status t_monotonic(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "monotonic", 0, 0);
    if (st != VM_OK) return st;
    /* a boot-relative clock, like CLOCK_MONOTONIC */
    *out = v_float((double)(86400LL * 1000000000LL + vm_now(th)) / 1e9);
    return VM_OK;
}

static vm_status t_ns(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "time_ns", 0, 0);
    if (st != VM_OK) return st;
    *out = v_int(th->vm->epoch_ns + vm_now(th));
    return VM_OK;
}

static vm_status t_ctime(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "ctime", 0, 1);
    if (st != VM_OK) return st;
    double secs = (double)(th->vm->epoch_ns + vm_now(th)) / 1e9;
    if (a->npos == 1 && a->pos[0].tag != VT_NONE && (st = args_float(th, a->pos[0], "seconds", &secs)) != VM_OK)
        return st;
    time_t t = (time_t)floor(secs);
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    snprintf(buf, sizeof buf, "%s %s %2d %02d:%02d:%02d %d", days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
    *out = str_value(th->vm, buf, strlen(buf));
    return VM_OK;
}

static const native_def time_functions[] = {
    {"sleep", t_sleep}, {"time", t_time}, {"perf_counter", t_monotonic}, {"monotonic", t_monotonic},
    {"process_time", t_monotonic}, {"time_ns", t_ns}, {"ctime", t_ctime}, {NULL, NULL}};

/* ---------------------------------------------------------------- random */

static vm_status r_seed(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "seed", 0, 2);
    if (st != VM_OK) return st;
    value x = a->npos ? a->pos[0] : v_none();
    if (x.tag == VT_INT || x.tag == VT_BOOL) rng_seed_i64(&th->vm->rng, x.u.i);
    else if (x.tag == VT_FLOAT) {
        int64_t h = num_hash_double(x.u.f);
        rng_seed_i64(&th->vm->rng, h);
    } else if (x.tag == VT_NONE) rng_seed_u64(&th->vm->rng, th->vm->seed);
    else return vm_raise(th, th->vm->cls.TypeError, "concviz: random.seed() takes an int, a float or None");
    *out = v_none();
    return VM_OK;
}

static vm_status r_random(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "random", 0, 0);
    if (st == VM_OK) *out = v_float(rng_random(&th->vm->rng));
    return st;
}

static vm_status r_uniform(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "uniform", 2, 2);
    double lo, hi;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "a", &lo)) != VM_OK || (st = args_float(th, a->pos[1], "b", &hi)) != VM_OK)
        return st;
    *out = v_float(rng_uniform(&th->vm->rng, lo, hi));
    return VM_OK;
}

static vm_status r_randint(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "randint", 2, 2);
    int64_t lo, hi, r;
    if (st != VM_OK || (st = args_int(th, a->pos[0], "a", &lo)) != VM_OK || (st = args_int(th, a->pos[1], "b", &hi)) != VM_OK)
        return st;
    num_error e;
    if (rng_randint(&th->vm->rng, lo, hi, &r, &e) != 0) return ops_raise_num(th, &e);
    *out = v_int(r);
    return VM_OK;
}

static vm_status r_randrange(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "randrange", 1, 3);
    if (st != VM_OK) return st;
    int64_t v[3] = {0, 0, 1}, r;
    for (int i = 0; i < a->npos; i++)
        if ((st = args_int(th, a->pos[i], "", &v[i])) != VM_OK) return st;
    num_error e;
    int rc = a->npos == 1 ? rng_randrange_stop(&th->vm->rng, v[0], &r, &e)
                          : rng_randrange(&th->vm->rng, v[0], v[1], a->npos == 3 ? v[2] : 1, &r, &e);
    if (rc != 0) return ops_raise_num(th, &e);
    *out = v_int(r);
    return VM_OK;
}

static vm_status r_getrandbits(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "getrandbits", 1, 1);
    int64_t k;
    if (st != VM_OK || (st = args_int(th, a->pos[0], "k", &k)) != VM_OK) return st;
    if (k < 0) return vm_raise(th, th->vm->cls.ValueError, "number of bits must be non-negative");
    if (k > 63) return vm_raise(th, th->vm->cls.OverflowError, "getrandbits(k) for k > 63 is too large for concviz");
    *out = v_int((int64_t)rng_getrandbits(&th->vm->rng, (int)k));
    return VM_OK;
}

static vm_status r_choice(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "choice", 1, 1);
    if (st != VM_OK) return st;
    int64_t n;
    if ((st = ops_len(th, a->pos[0], &n)) != VM_OK) return st;
    if (n == 0) return vm_raise(th, th->vm->cls.IndexError, "Cannot choose from an empty sequence");
    return ops_getitem(th, a->pos[0], v_int((int64_t)rng_randbelow(&th->vm->rng, (uint64_t)n)), out);
}

static vm_status r_shuffle(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "shuffle", 1, 1);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_LIST))
        return vm_raise(th, th->vm->cls.TypeError, "concviz: random.shuffle() needs a list");
    list_obj *l = V_LIST(a->pos[0]);
    rng_shuffle(&th->vm->rng, l->items, l->len, sizeof(value));
    *out = v_none();
    return VM_OK;
}

static vm_status r_sample(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"k", NULL};
    vm_status st = args_count_kw(th, a, "sample", 1, 2, kw);
    if (st != VM_OK) return st;
    list_obj *pop;
    if ((st = ops_to_list(th, a->pos[0], &pop)) != VM_OK) return st;
    int64_t k;
    value kv = args_get(a, 1, "k");
    if (kv.tag == VT_UNDEF) return vm_raise(th, th->vm->cls.TypeError, "sample() missing 1 required positional argument: 'k'");
    if ((st = args_int(th, kv, "k", &k)) != VM_OK) return st;
    num_error e;
    int64_t *idx = xcalloc((size_t)(k > 0 ? k : 1), sizeof(int64_t));
    if (rng_sample_indices(&th->vm->rng, (int64_t)pop->len, k, idx, &e) != 0) {
        free(idx);
        return ops_raise_num(th, &e);
    }
    list_obj *r = list_new(th->vm, (size_t)k);
    for (int64_t i = 0; i < k; i++) list_append(r, pop->items[idx[i]]);
    free(idx);
    *out = v_obj(r);
    return VM_OK;
}

static vm_status r_gauss(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "gauss", 0, 2);
    double mu = 0, sigma = 1;
    if (st != VM_OK || (a->npos > 0 && (st = args_float(th, a->pos[0], "mu", &mu)) != VM_OK) ||
        (a->npos > 1 && (st = args_float(th, a->pos[1], "sigma", &sigma)) != VM_OK))
        return st;
    *out = v_float(rng_gauss(&th->vm->rng, mu, sigma));
    return VM_OK;
}

static const native_def random_functions[] = {
    {"seed", r_seed}, {"random", r_random}, {"uniform", r_uniform}, {"randint", r_randint},
    {"randrange", r_randrange}, {"getrandbits", r_getrandbits}, {"choice", r_choice}, {"shuffle", r_shuffle},
    {"sample", r_sample}, {"gauss", r_gauss}, {NULL, NULL}};

/* ------------------------------------------------------------------- sys */

static vm_status sys_exit(vm_thread *th, const vm_args *a, value *out) {
    (void)out;
    vm_status st = args_count(th, a, "exit", 0, 1);
    if (st != VM_OK) return st;
    value inst;
    if ((st = vm_call(th, v_obj(th->vm->cls.SystemExit), a->pos, a->npos, &inst)) != VM_OK) return st;
    return vm_raise_value(th, inst);
}

static vm_status sys_getswitchinterval(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "getswitchinterval", 0, 0);
    if (st == VM_OK) *out = v_float((double)th->vm->switch_interval_ns / 1e9);
    return st;
}

static vm_status sys_setswitchinterval(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "setswitchinterval", 1, 1);
    double secs;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "interval", &secs)) != VM_OK) return st;
    if (secs <= 0) return vm_raise(th, th->vm->cls.ValueError, "switch interval must be strictly positive");
    th->vm->switch_interval_ns = (int64_t)llround(secs * 1e9);
    if (th->vm->switch_interval_ns < 1000) th->vm->switch_interval_ns = 1000; /* CPython's 1 us floor */
    *out = v_none();
    return VM_OK;
}

static vm_status stream_write(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "write", 1, 1);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "write() argument must be str, not %s", ops_type_name(th->vm, a->pos[0]));
    value fdv;
    int fd = 1;
    if (dict_get_cstr(V_INST(a->self)->dict, "_fd", &fdv)) fd = (int)fdv.u.i;
    vm_write(th->vm, fd, V_STR(a->pos[0])->data, V_STR(a->pos[0])->len);
    *out = v_int((int64_t)V_STR(a->pos[0])->nchars);
    return VM_OK;
}

static vm_status stream_flush(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    (void)a;
    *out = v_none();
    return VM_OK;
}

static const native_def stream_methods[] = {{"write", stream_write}, {"flush", stream_flush}, {NULL, NULL}};
static const native_def sys_functions[] = {
    {"exit", sys_exit}, {"getswitchinterval", sys_getswitchinterval}, {"setswitchinterval", sys_setswitchinterval},
    {NULL, NULL}};

/* -------------------------------------------------------------------- os */

static vm_status os_getpid(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "getpid", 0, 0);
    if (st == VM_OK) *out = v_int(th->vm->pid);
    return st;
}

static vm_status os_getppid(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "getppid", 0, 0);
    if (st == VM_OK) *out = v_int(th->vm->ppid);
    return st;
}

static vm_status os_cpu_count(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "cpu_count", 0, 0);
    if (st == VM_OK) *out = v_int(th->vm->cores);
    return st;
}

static const native_def os_functions[] = {
    {"getpid", os_getpid}, {"getppid", os_getppid}, {"cpu_count", os_cpu_count}, {NULL, NULL}};

/* ------------------------------------------------------------------ math */

typedef double (*math_fn)(double);

static vm_status math_unary(vm_thread *th, const vm_args *a, value *out, const char *name, math_fn f, bool domain_pos) {
    vm_status st = args_count(th, a, name, 1, 1);
    double x;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "x", &x)) != VM_OK) return st;
    if ((domain_pos && x < 0) || (f == log && x <= 0)) return vm_raise(th, th->vm->cls.ValueError, "math domain error");
    *out = v_float(f(x));
    return VM_OK;
}

static vm_status m_sqrt(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "sqrt", sqrt, true); }
static vm_status m_exp(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "exp", exp, false); }
static vm_status m_log(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "log", log, false); }
static vm_status m_sin(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "sin", sin, false); }
static vm_status m_cos(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "cos", cos, false); }
static vm_status m_fabs(vm_thread *th, const vm_args *a, value *out) { return math_unary(th, a, out, "fabs", fabs, false); }

static vm_status m_floor_ceil(vm_thread *th, const vm_args *a, value *out, bool is_floor) {
    vm_status st = args_count(th, a, is_floor ? "floor" : "ceil", 1, 1);
    if (st != VM_OK) return st;
    if (a->pos[0].tag == VT_INT || a->pos[0].tag == VT_BOOL) {
        *out = v_int(a->pos[0].u.i);
        return VM_OK;
    }
    double x;
    if ((st = args_float(th, a->pos[0], "x", &x)) != VM_OK) return st;
    int64_t r;
    num_error e;
    int rc = is_floor ? num_float_floor_to_int(x, &r, &e) : num_float_ceil_to_int(x, &r, &e);
    if (rc != 0) return ops_raise_num(th, &e);
    *out = v_int(r);
    return VM_OK;
}

static vm_status m_floor(vm_thread *th, const vm_args *a, value *out) { return m_floor_ceil(th, a, out, true); }
static vm_status m_ceil(vm_thread *th, const vm_args *a, value *out) { return m_floor_ceil(th, a, out, false); }

static vm_status m_gcd(vm_thread *th, const vm_args *a, value *out) {
    int64_t g = 0;
    for (int i = 0; i < a->npos; i++) {
        int64_t x;
        vm_status st = args_int(th, a->pos[i], "", &x);
        if (st != VM_OK) return st;
        if (x < 0) x = -x;
        while (x) {
            int64_t t = g % x;
            g = x;
            x = t;
        }
    }
    *out = v_int(g);
    return VM_OK;
}

static vm_status m_isclose(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"rel_tol", "abs_tol", NULL};
    vm_status st = args_count_kw(th, a, "isclose", 2, 2, kw);
    double x, y, rel = 1e-9, abs_tol = 0;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "a", &x)) != VM_OK || (st = args_float(th, a->pos[1], "b", &y)) != VM_OK)
        return st;
    value v;
    if (args_kw(a, "rel_tol", &v) && (st = args_float(th, v, "rel_tol", &rel)) != VM_OK) return st;
    if (args_kw(a, "abs_tol", &v) && (st = args_float(th, v, "abs_tol", &abs_tol)) != VM_OK) return st;
    double diff = fabs(x - y);
    *out = v_bool(x == y || diff <= fmax(rel * fmax(fabs(x), fabs(y)), abs_tol));
    return VM_OK;
}

static const native_def math_functions[] = {
    {"sqrt", m_sqrt}, {"exp", m_exp}, {"log", m_log}, {"sin", m_sin}, {"cos", m_cos}, {"fabs", m_fabs},
    {"floor", m_floor}, {"ceil", m_ceil}, {"gcd", m_gcd}, {"isclose", m_isclose}, {NULL, NULL}};

/* --------------------------------------------------------------- concviz */

static vm_status cv_cpu(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "cpu", 1, 1);
    double secs;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "seconds", &secs)) != VM_OK) return st;
    if (secs < 0) return vm_raise(th, th->vm->cls.ValueError, "cpu() needs a non-negative duration");
    th->wait.kind = WAIT_CPU;
    th->wait.until_ns = (int64_t)llround(secs * 1e9);
    *out = v_none();
    return VM_BLOCK;
}

static vm_status cv_io(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "io", 1, 1);
    double secs;
    if (st != VM_OK || (st = args_float(th, a->pos[0], "seconds", &secs)) != VM_OK) return st;
    if (secs < 0) return vm_raise(th, th->vm->cls.ValueError, "io() needs a non-negative duration");
    th->wait.kind = WAIT_IO;
    th->wait.until_ns = vm_now(th) + (int64_t)llround(secs * 1e9);
    *out = v_none();
    return VM_BLOCK;
}

static vm_status cv_note(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "note", 1, 1);
    if (st != VM_OK) return st;
    value text;
    if ((st = ops_str_value(th, a->pos[0], &text)) != VM_OK) return st;
    if (th->vm->note) th->vm->note(th, V_STR(text)->data, V_STR(text)->len);
    *out = v_none();
    return VM_OK;
}

static const native_def concviz_functions[] = {{"cpu", cv_cpu}, {"io", cv_io}, {"note", cv_note}, {NULL, NULL}};

/* ----------------------------------------------------------------- table */

static module_obj *module_new(vm *m, const char *name) {
    module_obj *mod = gc_alloc(m, OK_MODULE, sizeof(module_obj));
    mod->name = str_from_cstr(m, name);
    mod->dict = dict_new(m);
    dict_set_cstr(m, mod->dict, "__name__", v_obj(mod->name));
    return mod;
}

static value stream(vm *m, class_obj *cls, int fd) {
    instance_obj *in = instance_new(m, cls);
    dict_set_cstr(m, in->dict, "_fd", v_int(fd));
    return v_obj(in);
}

static void fill_module(vm *m, module_obj *mod, const char *name) {
    dict_obj *d = mod->dict;
    if (strcmp(name, "time") == 0) {
        native_register(m, d, time_functions, false);
    } else if (strcmp(name, "random") == 0) {
        native_register(m, d, random_functions, false);
    } else if (strcmp(name, "sys") == 0) {
        native_register(m, d, sys_functions, false);
        class_obj *io = natives_class(m, "TextIOWrapper", m->cls.object, stream_methods);
        dict_set_cstr(m, d, "stdout", stream(m, io, 1));
        dict_set_cstr(m, d, "stderr", stream(m, io, 2));
        list_obj *argv = list_new(m, 1);
        list_append(argv, v_obj(str_from_cstr(m, lang_program_origin(m->prog)->filename)));
        dict_set_cstr(m, d, "argv", v_obj(argv));
        dict_set_cstr(m, d, "platform", v_obj(str_from_cstr(m, "linux")));
        dict_set_cstr(m, d, "maxsize", v_int(INT64_MAX));
        value vi[3] = {v_int(3), v_int(11), v_int(7)};
        dict_set_cstr(m, d, "version_info", tuple_pack(m, 3, vi));
        dict_set_cstr(m, d, "version", v_obj(str_from_cstr(m, "3.11.7 (concviz simulated CPython)")));
    } else if (strcmp(name, "os") == 0) {
        native_register(m, d, os_functions, false);
        dict_set_cstr(m, d, "sep", v_obj(str_from_cstr(m, "/")));
        dict_set_cstr(m, d, "linesep", v_obj(str_from_cstr(m, "\n")));
        dict_set_cstr(m, d, "name", v_obj(str_from_cstr(m, "posix")));
    } else if (strcmp(name, "math") == 0) {
        native_register(m, d, math_functions, false);
        dict_set_cstr(m, d, "pi", v_float(M_PI));
        dict_set_cstr(m, d, "e", v_float(M_E));
        dict_set_cstr(m, d, "inf", v_float(INFINITY));
        dict_set_cstr(m, d, "nan", v_float(NAN));
        dict_set_cstr(m, d, "tau", v_float(2 * M_PI));
    } else if (strcmp(name, "concviz") == 0) {
        native_register(m, d, concviz_functions, false);
    }
}

vm_status vm_module_load(vm_thread *th, str_obj *name, value *out) {
    vm *m = th->vm;
    static const char *const builtin[] = {"time", "random", "sys", "os", "math", "concviz", NULL};
    for (int i = 0; builtin[i]; i++) {
        if (!str_eq_cstr(name, builtin[i])) continue;
        module_obj *mod = module_new(m, builtin[i]);
        fill_module(m, mod, builtin[i]);
        dict_set_str(m->modules, mod->name, v_obj(mod));
        *out = v_obj(mod);
        return VM_OK;
    }
    if (m->module_hook) {
        vm_status st = m->module_hook(th, name, out);
        if (st != VM_OK || out->tag != VT_UNDEF) {
            if (st == VM_OK) dict_set_str(m->modules, name, *out);
            return st;
        }
    }
    return vm_raise(th, m->cls.ModuleNotFoundError, "No module named '%s' (concviz has not implemented it yet)",
                    name->data);
}
