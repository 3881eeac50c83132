/* test_fmt.c - unit tests of fmt: repr/ascii of str, float repr and
 * PyOS_double_to_string, the format-spec mini-language, printf-style '%'
 * formatting and the UTF-8 helpers. Every expected string was produced by
 * CPython 3.11 (format(), repr(), '%' on the same values). */
#include "lang/fmt.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Formats an error as "!Type: message", the way the tables spell them. */
static void test_err_text(strbuf *sb, const num_error *err) {
    sb_clear(sb);
    sb_printf(sb, "!%s: %s", err->type, err->msg);
}

static double test_from_bits(uint64_t b) {
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* One argument of a '%' test: 'i' int, 'f' float, 's' str. */
typedef struct test_arg {
    char kind;
    int64_t i;
    double f;
    const char *s;
} test_arg;

static bool test_is_float_conv(uint32_t c) {
    return c == 'e' || c == 'E' || c == 'f' || c == 'F' || c == 'g' || c == 'G';
}

/* Converts one argument as PyUnicode_Format would; returns -1 on error. */
static int test_pct_one(strbuf *sb, const fmt_pct *p, const test_arg *a, num_error *err) {
    uint32_t c = p->conv;
    strbuf t;
    int rc;
    sb_init(&t);
    if (c == 's' || c == 'r' || c == 'a') {
        if (a->kind == 'i')
            fmt_int(&t, a->i);
        else if (a->kind == 'f')
            fmt_float_repr(&t, a->f);
        else if (c == 's')
            sb_puts(&t, a->s);
        else if (c == 'r')
            fmt_str_repr(&t, a->s, strlen(a->s));
        else
            fmt_str_ascii(&t, a->s, strlen(a->s));
        rc = fmt_percent_text(sb, t.data ? t.data : "", t.len, p, err);
    } else if (a->kind == 's') {
        rc = c == 'c' ? fmt_percent_text(sb, a->s, strlen(a->s), p, err)
                      : fmt_percent_type_error(p, "str", err);
    } else if (test_is_float_conv(c)) {
        rc = fmt_percent_float(sb, a->kind == 'i' ? (double)a->i : a->f, p, err);
    } else if (a->kind == 'i') {
        rc = fmt_percent_int(sb, a->i, p, err);
    } else if (c == 'o' || c == 'x' || c == 'X' || c == 'c') {
        rc = fmt_percent_type_error(p, "float", err);
    } else {
        int64_t v;
        rc = num_float_to_int(a->f, &v, err);
        if (rc == 0) rc = fmt_percent_int(sb, v, p, err);
    }
    sb_free(&t);
    return rc;
}

/* fmt % args, driving the scanner as fmt.h describes; the result or
 * "!Type: message" goes to out. */
static void test_percent(strbuf *out, const char *f, const test_arg *args, int nargs) {
    size_t len = strlen(f), pos = 0;
    int ai = 0, k;
    fmt_pct p;
    num_error err;
    sb_clear(out);
    while ((k = fmt_percent_next(f, len, &pos, &p, &err)) != FMT_PCT_END) {
        if (k == FMT_PCT_TEXT) {
            sb_append(out, p.text, p.text_len);
            continue;
        }
        if (p.has_key) {
            num_error_set(&err, "TypeError", "format requires a mapping");
            goto fail;
        }
        if (p.width == FMT_PCT_STAR || p.prec == FMT_PCT_STAR) {
            for (int star = 0; star < 2; star++) {
                if ((star ? p.prec : p.width) != FMT_PCT_STAR) continue;
                if (ai >= nargs) goto short_args;
                if (args[ai].kind != 'i') {
                    num_error_set(&err, "TypeError", "* wants int");
                    goto fail;
                }
                if (star == 0)
                    fmt_percent_set_width(&p, args[ai++].i);
                else if (fmt_percent_set_prec(&p, args[ai++].i, &err))
                    goto fail;
            }
        }
        if (k < 0) goto fail;
        if (ai >= nargs) goto short_args;
        if (fmt_percent_check(f, len, &p, &err)) goto fail;
        if (test_pct_one(out, &p, &args[ai++], &err)) goto fail;
    }
    if (ai < nargs) {
        num_error_set(&err, "TypeError", "not all arguments converted during string formatting");
        goto fail;
    }
    return;
short_args:
    num_error_set(&err, "TypeError", "not enough arguments for format string");
fail:
    test_err_text(out, &err);
}

/* ------------------------------------------------------------------ */
/* repr and ascii                                                      */

static const struct {
    const char *s, *repr, *ascii;
} test_repr_cases[] = {
    {"", "''", "''"},
    {"a", "'a'", "'a'"},
    {"hello world", "'hello world'", "'hello world'"},
    {"it's", "\"it's\"", "\"it's\""},
    {"say \"hi\"", "'say \"hi\"'", "'say \"hi\"'"},
    {"both ' and \"", "'both \\' and \"'", "'both \\' and \"'"},
    {"back\\slash", "'back\\\\slash'", "'back\\\\slash'"},
    {"tab\tnl\ncr\015", "'tab\\tnl\\ncr\\r'", "'tab\\tnl\\ncr\\r'"},
    {"\001\037\177", "'\\x01\\x1f\\x7f'", "'\\x01\\x1f\\x7f'"},
    {"héllo", "'héllo'", "'h\\xe9llo'"},
    {"线程", "'线程'", "'\\u7ebf\\u7a0b'"},
    {"\302\200\302\205\302\240\302\255ÿ", "'\\x80\\x85\\xa0\\xadÿ'", "'\\x80\\x85\\xa0\\xad\\xff'"},
    {"\342\200\213\342\200\250\343\200\200", "'\\u200b\\u2028\\u3000'", "'\\u200b\\u2028\\u3000'"},
    {"😀 \363\240\200\201", "'😀 \\U000e0001'", "'\\U0001f600 \\U000e0001'"},
    {"\355\240\200", "'\\ud800'", "'\\ud800'"},
    {"\357\277\277\364\217\277\277", "'\\uffff\\U0010ffff'", "'\\uffff\\U0010ffff'"},
    {"é", "'é'", "'e\\u0301'"},
    {"Ω≈ç√", "'Ω≈ç√'", "'\\u03a9\\u2248\\xe7\\u221a'"},
    {"'", "\"'\"", "\"'\""},
    {"\"", "'\"'", "'\"'"},
    {"'\"", "'\\'\"'", "'\\'\"'"},
    {"\033[0m", "'\\x1b[0m'", "'\\x1b[0m'"},
};

START_TEST(test_str_repr) {
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof test_repr_cases / sizeof test_repr_cases[0]; i++) {
        const char *s = test_repr_cases[i].s;
        sb_clear(&sb);
        fmt_str_repr(&sb, s, strlen(s));
        ck_assert_str_eq(sb.data, test_repr_cases[i].repr);
        sb_clear(&sb);
        fmt_str_ascii(&sb, s, strlen(s));
        ck_assert_str_eq(sb.data, test_repr_cases[i].ascii);
    }
    sb_free(&sb);
}
END_TEST

START_TEST(test_str_repr_nul) {
    strbuf sb;
    sb_init(&sb);
    fmt_str_repr(&sb, "a\0b", 3);
    ck_assert_str_eq(sb.data, "'a\\x00b'");
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* floats                                                              */

static const struct {
    double x;
    const char *want;
} test_float_repr_cases[] = {
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {1.0, "1.0"},
    {-1.0, "-1.0"},
    {0.1, "0.1"},
    {0.2, "0.2"},
    {0.3, "0.3"},
    {0.3333333333333333, "0.3333333333333333"},
    {0.6666666666666666, "0.6666666666666666"},
    {100.0, "100.0"},
    {1e+16, "1e+16"},
    {1000000000000000.0, "1000000000000000.0"},
    {1.2345678901234568e+17, "1.2345678901234568e+17"},
    {9999999999999998.0, "9999999999999998.0"},
    {0.0001, "0.0001"},
    {1e-05, "1e-05"},
    {1.5e-07, "1.5e-07"},
    {0.0001234, "0.0001234"},
    {1.7976931348623157e+308, "1.7976931348623157e+308"},
    {5e-324, "5e-324"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {2.225073858507201e-308, "2.225073858507201e-308"},
    {1e+22, "1e+22"},
    {1e+23, "1e+23"},
    {9007199254740992.0, "9007199254740992.0"},
    {1.5e-323, "1.5e-323"},
    {9007199254740992.0, "9007199254740992.0"},
    {0.30000000000000004, "0.30000000000000004"},
    {3.3000000000000003, "3.3000000000000003"},
    {2.675, "2.675"},
    {1.005, "1.005"},
    {3.141592653589793, "3.141592653589793"},
    {2.718281828459045, "2.718281828459045"},
    {1e+100, "1e+100"},
    {1.23e-100, "1.23e-100"},
    {12345.678, "12345.678"},
    {0.5, "0.5"},
    {4.35, "4.35"},
    {8.41e+21, "8.41e+21"},
    {5e-310, "5e-310"},
    {6.02214076e+23, "6.02214076e+23"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {9.332636185032189e-302, "9.332636185032189e-302"},
    {3.054936363499605e-151, "3.054936363499605e-151"},
    {7.888609052210118e-31, "7.888609052210118e-31"},
    {8.673617379884035e-19, "8.673617379884035e-19"},
    {1.0, "1.0"},
    {1.152921504606847e+18, "1.152921504606847e+18"},
    {1.2676506002282294e+30, "1.2676506002282294e+30"},
    {3.273390607896142e+150, "3.273390607896142e+150"},
    {1.0715086071862673e+301, "1.0715086071862673e+301"},
    {8.98846567431158e+307, "8.98846567431158e+307"},
};

static const struct {
    uint64_t bits;
    const char *want;
} test_float_bits_cases[] = {
    {0x2e84496e7857dd86ULL, "1.3053460867029954e-84"},
    {0x940eee3cba6f875cULL, "-4.593900756363754e-212"},
    {0x33406bc44dc2a627ULL, "7.983430509249571e-62"},
    {0xb938451ee325faa6ULL, "-4.674232466673235e-33"},
    {0xc1d8fac168fb90d7ULL, "-1676346787.9307153"},
    {0xc2354e2bb7740a63ULL, "-91505801076.04057"},
    {0x887e840043e58844ULL, "-9.242004904000638e-268"},
    {0xa2da95a83ec33dd6ULL, "-8.72031439815143e-141"},
    {0xbc38d756d0055979ULL, "-1.3466424375819714e-18"},
    {0x5aab0a377f90ade7ULL, "5.857245089853537e+128"},
    {0x86ff0de26a769806ULL, "-5.6058932322064184e-275"},
    {0x9d9b532aba4e6c36ULL, "-4.633834494019838e-166"},
    {0x37d72e4af6978770ULL, "1.064411574118151e-39"},
    {0x8b3890644f3d4e7bULL, "-1.3087699255072154e-254"},
    {0x548a84a5b43d4318ULL, "1.8125578230860703e+99"},
    {0x131db61884f42b4bULL, "1.346681689596359e-216"},
    {0xc63d5f77bb3a6a06ULL, "-2.327162535179311e+30"},
    {0xddfa7fa4ffe9ec11ULL, "-5.1701251164991826e+144"},
    {0xb070e38434d57084ULL, "-2.333663540648899e-75"},
    {0xba49c19fc0a9c8beULL, "-6.501815279748911e-28"},
    {0xecb736d877f1caf0ULL, "-5.001628063009517e+215"},
    {0xd4dd79d3b5834f4cULL, "-6.447115449024754e+100"},
    {0xa70b967adf354788ULL, "-1.3354542394704874e-120"},
    {0x88177abd25fbab1bULL, "-1.1110965234027424e-269"},
    {0xde11ee00366dadc0ULL, "-1.3992996522070256e+145"},
    {0xfaaced226972f683ULL, "-8.401153636443164e+282"},
    {0xc54be01c0ef8e010ULL, "-6.7398649618900644e+25"},
    {0xa0f09780597538cbULL, "-5.06868998984818e-150"},
    {0x7744001a6aa45fe0ULL, "3.224518911819663e+266"},
    {0xb9ae5c8f1fca7da2ULL, "-7.484702137230195e-31"},
    {0x2393446abe564059ULL, "2.588700476085742e-137"},
    {0x53bdf64dc34797c4ULL, "2.499949553685165e+95"},
    {0x54b1070f63eb18aaULL, "9.310895901665851e+99"},
    {0xcb2d34ea58655852ULL, "-1.3987230868249824e+54"},
    {0x5352d63f337e6853ULL, "2.4557725950682515e+93"},
    {0x6a1510446d433715ULL, "1.031878447048137e+203"},
    {0x915405c051032369ULL, "-3.3808103698413506e-225"},
    {0xe7b0dfa436cc71a5ULL, "-3.007218575433834e+191"},
    {0x682f860ede282d59ULL, "7.191242335674431e+193"},
    {0x345986d33aa67f52ULL, "1.6266526608241936e-56"},
    {0xbffa07750a5d5bfeULL, "-1.6268206028814798"},
    {0xc30d0ea339a7ff57ULL, "-1022358566797290.9"},
    {0xf897181304f8c31cULL, "-7.808291293778871e+272"},
    {0x4245dc03dd8ba9d4ULL, "187771108119.32678"},
    {0x8171a4c3d80dad42ULL, "-1.0291339019190288e-301"},
    {0xc5bc543b51b8a7afULL, "-8.767410170959846e+27"},
    {0x91f68f88f5d93c67ULL, "-3.90081598379482e-222"},
    {0xb4852afbcdebefa7ULL, "-1.0791173696284748e-55"},
    {0x9d1a8c836bc9e141ULL, "-1.7586873779833286e-168"},
    {0x54c4c0c31cae4e65ULL, "2.2695982181941527e+100"},
    {0xa7193cf4d9f181eaULL, "-2.4434226281837867e-120"},
    {0xc7c64d559b509fbeULL, "-5.92891181510175e+37"},
    {0x3c6fc1733b08c157ULL, "1.3771824188622271e-17"},
    {0x76da03a0febdf93aULL, "3.2766214762112476e+264"},
    {0x22d7bd7f5d9f3480ULL, "7.78729923227361e-141"},
    {0x5e684f9633fddcd9ULL, "6.071397767104146e+146"},
    {0x9871d7697e4ba594ULL, "-6.256810315685157e-191"},
    {0xa0cb0b17d625c18aULL, "-1.0326957467701334e-150"},
    {0x430e07f524329a26ULL, "1056624844624708.8"},
    {0x9fa71a5963243c73ULL, "-3.3654198689206114e-156"},
    {0x55e3679f5656a72aULL, "5.56310308827219e+105"},
    {0xb56211ccf0a737c3ULL, "-1.509237848895361e-51"},
    {0xb6770b11ffc9492cULL, "-2.522692311181771e-46"},
    {0xdc79e8e87707af4dULL, "-3.013159023278787e+137"},
    {0xaf1f7fa62b790602ULL, "-1.0377024531960915e-81"},
    {0xc48ff480b2122b13ULL, "-1.8862955002187882e+22"},
    {0x21cb664adc769927ULL, "6.857029439341655e-146"},
    {0xecad86a154f1b974ULL, "-3.1807537675321595e+215"},
    {0x94bdca5e34f81895ULL, "-9.061514923858489e-209"},
    {0x10c1525aafc3434bULL, "5.712467077089321e-228"},
    {0xf0edeb0c1915ec28ULL, "-9.512647549987205e+235"},
    {0x2c7a15bed7f35cebULL, "1.9539401955470455e-94"},
    {0xe65ddc49011ae8e6ULL, "-1.2688032135518973e+185"},
    {0x7029d03d2691949cULL, "2.0037910944431919e+232"},
    {0x3c55de74b42eddd2ULL, "4.7420765793454236e-18"},
    {0x3a81ea0b59ac4f53ULL, "7.235502174222167e-27"},
    {0x3215e84814d92cf9ULL, "2.0314719225839168e-67"},
    {0x48c3fd37cd9201ffULL, "3.4825980929129125e+42"},
    {0xb1ee4a0a3d41c6dfULL, "-3.51090488895453e-68"},
    {0x9a094dea760ee1c3ULL, "-2.977611184107951e-183"},
    {0x7b675e54437cfbc7ULL, "2.779945189140641e+286"},
    {0xe129131286111badULL, "-1.1016408226190745e+160"},
    {0xa9f334346f9ed048ULL, "-1.308312670230879e-106"},
    {0x6a373282f8d5f553ULL, "4.5456367833740966e+203"},
    {0xd7bd11c533708700ULL, "-4.4741925065505884e+114"},
    {0x4d26df2f12231373ULL, "4.704458858818139e+63"},
    {0x4746df204d70bb5eULL, "2.375121349944225e+35"},
    {0x9085ab8a22c1a23aULL, "-4.466565977839332e-229"},
    {0xbb373251a95ee629ULL, "-1.9187743516462272e-23"},
    {0x86fe0f194001c9e9ULL, "-5.4262299897932524e-275"},
    {0x7ec6b10619c1ad85ULL, "4.86282737011383e+302"},
    {0xe4196f3537fbd485ULL, "-1.5726754496035033e+174"},
    {0xc8c90052320862d1ULL, "-4.3558328095491836e+42"},
    {0x2d16130c637b38b5ULL, "1.6932082969961052e-91"},
    {0xd9a4e1e983e89a8aULL, "-6.902240523351961e+123"},
    {0x51e8217b39260d7aULL, "3.750250260317813e+86"},
    {0xc0085a145ac7cd4dULL, "-3.0439841358399122"},
    {0xe4337c1db3da03ffULL, "-4.819190387492798e+174"},
    {0x0bad1375ccbe3f3eULL, "1.9829353233877937e-252"},
    {0xe6a2b38494301443ULL, "-2.542832640632858e+186"},
    {0xad92c7d6ee99c03dULL, "-3.687833414971349e-89"},
    {0x608041f78b4e09dbULL, "6.975356717015037e+156"},
    {0xbdcc489cefa65685ULL, "-5.144764992170608e-11"},
    {0xf35b15bfb8703835ULL, "-4.7343961899911476e+247"},
    {0x12c83c23a22845d1ULL, "3.4326910670132934e-218"},
    {0x3ac3aeaf1e595520ULL, "1.2719426771840465e-25"},
    {0x848a58c50e46b510ULL, "-8.651298641066806e-287"},
    {0xf1f8665c201f0631ULL, "-1.0168656673254689e+241"},
    {0x35d25ae0d45d1139ULL, "1.9623431153108372e-49"},
    {0xa28e6d2ae81b9fccULL, "-3.1189121571775664e-142"},
    {0xec7ea1c99d6d1f17ULL, "-4.1248868268171187e+214"},
    {0xf24a8cdc167edfdaULL, "-3.540746773405349e+242"},
    {0x2c7b76da810f5598ULL, "2.0572612958201146e-94"},
    {0x7cf0d5123c7b04ccULL, "6.71892036577166e+293"},
    {0xcc868b40957cd5f8ULL, "-4.528342213552716e+60"},
    {0x2a4204a6bb59e523ULL, "3.928096795080271e-105"},
    {0x1637c1d8297b2a4aULL, "1.2123785725423196e-201"},
    {0x9e274b3f2014a4c3ULL, "-2.0225309018374553e-163"},
    {0xcfb707cc1ab33b34ULL, "-1.041697212295719e+76"},
    {0x981b88f0f18f97a9ULL, "-1.5087827335864302e-192"},
    {0xcffecfa18fca024eULL, "-2.2297980572184568e+77"},
    {0x9ab53d94fe9fa6fbULL, "-5.118803478368667e-180"},
    {0x07b9b37ea1aab1ecULL, "1.9003626793673493e-271"},
    {0x1ba33a53986b28deULL, "1.518388802822282e-175"},
    {0x2e0968af8f5e5555ULL, "6.386422092637068e-87"},
    {0xb2c4d80a8b5646c9ULL, "-3.958495359425812e-64"},
    {0x001e6f135092c597ULL, "4.2323531028931227e-308"},
    {0x47ed00441f740b00ULL, "3.0839194858881765e+38"},
    {0x2ea7c9ed07674866ULL, "6.1227039562652305e-84"},
    {0x1a9289f70fbd4948ULL, "1.1169331576962352e-180"},
    {0xdb7b359ea2a639e0ULL, "-4.828340639481946e+132"},
    {0xac66f3869ff93e6dULL, "-8.596034555241308e-95"},
    {0xbbf5d7cb9eaf66e9ULL, "-7.400679577677908e-20"},
    {0x9443fa7f35cdec71ULL, "-4.747620581276608e-211"},
    {0xa5014df9353603afULL, "-1.9503522066647176e-130"},
    {0x76027c9a30aa1af2ULL, "2.842407315942793e+260"},
    {0x791515502fa80d66ULL, "1.8248774788769723e+275"},
    {0x45d01eb1504c2d68ULL, "1.9955461087304447e+28"},
    {0x7431fb7dbb8b8a85ULL, "5.149958614562747e+251"},
    {0x706a2958a2618386ULL, "3.249297246550688e+233"},
    {0xb74880cad5a9bfeeULL, "-2.197513562220996e-42"},
    {0xd2f26922ce4a3738ULL, "-3.75032324701279e+91"},
    {0x6673bc7f379fb813ULL, "3.3544663559426325e+185"},
    {0xdddfd3259619bcf3ULL, "-1.5523281115447418e+144"},
    {0xdd1cae7272e02849ULL, "-3.4155359092456324e+140"},
    {0x98297c0a6b1db777ULL, "-2.7928619908031073e-192"},
    {0x223f2f18b3f9e5c7ULL, "9.989264088933811e-144"},
    {0x35a00c05e1e406ffULL, "2.144488055474754e-50"},
    {0x4fc83d1b290e627cULL, "2.1926946981947875e+76"},
    {0x326a609865dcc592ULL, "7.82711501118762e-66"},
    {0x407f94169f4db418ULL, "505.25552301743437"},
    {0xc071ea3d2e82afb6ULL, "-286.6399369339882"},
    {0x407754292b7b90d4ULL, "373.26005123393884"},
    {0xc087cbffc7314e41ULL, "-761.4998916484839"},
    {0x4075d683536bb17cULL, "349.40706197803206"},
    {0x40810d3c098de150ULL, "545.654315098227"},
    {0x407f838b69ab8b70ULL, "504.22153632173195"},
    {0xc06431e4792b63f8ULL, "-161.55913980936725"},
    {0x408dc59bedbb2eeaULL, "952.7011370299999"},
    {0xc081dd17124ef8d6ULL, "-571.6362653894128"},
    {0xc051b1087b572f90ULL, "-70.76614268793332"},
    {0xc01cb5d08cc96000ULL, "-7.177553367415385"},
    {0x40831d3541a3e756ULL, "611.6510041050885"},
    {0xc0611bca471fa97cULL, "-136.8684421175384"},
    {0xc08e95965fc46132ULL, "-978.6984248487627"},
    {0xc074006550fbd384ULL, "-320.02473543519613"},
    {0x408d92e03148088cULL, "946.3594689967736"},
    {0x408b622c07dcd078ULL, "876.2714993716354"},
    {0xc07e8a48ea97984fULL, "-488.64280184952526"},
    {0x407d226233769d44ULL, "466.1489748605129"},
    {0xc0812e6e74a70f08ULL, "-549.8039334346258"},
    {0x408d54cc6236faeeULL, "938.5997967048004"},
    {0x40846845ef26de80ULL, "653.0341475521709"},
    {0x4085a5c0564dfd66ULL, "692.718914613052"},
    {0xc08b07ceeb05cb63ULL, "-864.976034207601"},
    {0x4087ecfee7ca73c2ULL, "765.6244655434205"},
    {0xc08450bcf21d6d33ULL, "-650.0922586726141"},
    {0x40869514d3f4445cULL, "722.6351698954927"},
    {0xc07811ba399302b2ULL, "-385.10796506334293"},
    {0x408a06be25c8d83cULL, "832.8428455058088"},
    {0xc023f4afe74d8540ULL, "-9.977904537404015"},
    {0xc071234379bdd3dcULL, "-274.2039735236301"},
    {0xc050dd7b2a1e2038ULL, "-67.46064236585596"},
    {0xc060893f8dfd3e54ULL, "-132.28900813542953"},
    {0xc0301fb9a4ad03c0ULL, "-16.123926441421418"},
    {0xc075b50e8ebff130ULL, "-347.3160541055431"},
    {0xc08ceb6d88ab7883ULL, "-925.4284833332207"},
    {0xc087a6a8ac118264ULL, "-756.8323594444196"},
    {0xc071128677592b88ULL, "-273.15782866317795"},
    {0x407115720c4d0eb8ULL, "273.34034376240334"},
    {0xc083f5782f5d74caULL, "-638.6836840916887"},
    {0x4079a35c76fd16b8ULL, "410.2100744138984"},
    {0xc08bd9ed4578ba1bULL, "-891.2408551627917"},
    {0xc06017ec3554f1bcULL, "-128.74758402434043"},
    {0xc08d9c793b8b7cabULL, "-947.5591956040784"},
    {0x4089b966c253adeaULL, "823.1751753365945"},
    {0x408b7c5b1382d83cULL, "879.5444708082427"},
    {0xc080d16e5d74bb46ULL, "-538.1788891906406"},
    {0xc076ccea84225e8aULL, "-364.80725491929536"},
    {0x40871805099e504eULL, "739.0024597519166"},
};

START_TEST(test_float_repr) {
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof test_float_repr_cases / sizeof test_float_repr_cases[0]; i++) {
        sb_clear(&sb);
        fmt_float_repr(&sb, test_float_repr_cases[i].x);
        ck_assert_str_eq(sb.data, test_float_repr_cases[i].want);
    }
    for (size_t i = 0; i < sizeof test_float_bits_cases / sizeof test_float_bits_cases[0]; i++) {
        sb_clear(&sb);
        fmt_float_repr(&sb, test_from_bits(test_float_bits_cases[i].bits));
        ck_assert_str_eq(sb.data, test_float_bits_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

/* repr must read back as the same double, for many doubles. */
START_TEST(test_float_repr_round_trip) {
    strbuf sb;
    sb_init(&sb);
    uint64_t state = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        double x = test_from_bits(state);
        if (!isfinite(x)) continue;
        sb_clear(&sb);
        fmt_float_repr(&sb, x);
        ck_assert_msg(strtod(sb.data, NULL) == x, "%s", sb.data);
    }
    sb_free(&sb);
}
END_TEST

static const struct {
    double x;
    char code;
    int prec;
    unsigned flags;
    const char *want;
} test_dtoa_cases[] = {
    {0.0, 'e', 0, FMT_DTSF_ALT, "0.e+00"},
    {0.0, 'e', 0, FMT_DTSF_NO_NEG_0, "0e+00"},
    {0.0, 'e', 2, FMT_DTSF_SIGN, "+0.00e+00"},
    {0.0, 'E', 17, FMT_DTSF_SIGN, "+0.00000000000000000E+00"},
    {0.0, 'f', 17, FMT_DTSF_ALT, "0.00000000000000000"},
    {0.0, 'F', 0, FMT_DTSF_NO_NEG_0, "0"},
    {0.0, 'F', 17, FMT_DTSF_NO_NEG_0, "0.00000000000000000"},
    {0.0, 'g', 1, FMT_DTSF_ALT, "0."},
    {0.0, 'g', 6, FMT_DTSF_ALT, "0.00000"},
    {0.0, 'G', 6, FMT_DTSF_NO_NEG_0, "0"},
    {0.0, 'G', 17, FMT_DTSF_SIGN, "+0"},
    {-0.0, 'e', 2, 0, "-0.00e+00"},
    {-0.0, 'e', 17, 0, "-0.00000000000000000e+00"},
    {-0.0, 'E', 1, 0, "-0.0E+00"},
    {-0.0, 'E', 1, FMT_DTSF_SIGN, "-0.0E+00"},
    {-0.0, 'E', 2, FMT_DTSF_SIGN, "-0.00E+00"},
    {-0.0, 'f', 2, 0, "-0.00"},
    {-0.0, 'f', 6, FMT_DTSF_SIGN, "-0.000000"},
    {-0.0, 'f', 6, FMT_DTSF_ALT, "-0.000000"},
    {-0.0, 'F', 0, 0, "-0"},
    {-0.0, 'F', 2, 0, "-0.00"},
    {-0.0, 'g', 0, FMT_DTSF_ALT, "-0."},
    {-0.0, 'G', 0, FMT_DTSF_SIGN, "-0"},
    {-0.0, 'G', 6, FMT_DTSF_ALT, "-0.00000"},
    {1.5, 'e', 0, FMT_DTSF_SIGN, "+2e+00"},
    {1.5, 'e', 0, FMT_DTSF_ALT, "2.e+00"},
    {1.5, 'e', 0, FMT_DTSF_NO_NEG_0, "2e+00"},
    {1.5, 'e', 2, FMT_DTSF_NO_NEG_0, "1.50e+00"},
    {1.5, 'e', 17, FMT_DTSF_SIGN, "+1.50000000000000000e+00"},
    {1.5, 'e', 17, FMT_DTSF_NO_NEG_0, "1.50000000000000000e+00"},
    {1.5, 'E', 2, FMT_DTSF_ALT, "1.50E+00"},
    {1.5, 'E', 17, FMT_DTSF_ALT, "1.50000000000000000E+00"},
    {1.5, 'f', 2, FMT_DTSF_ALT, "1.50"},
    {1.5, 'F', 0, FMT_DTSF_ALT, "2."},
    {1.5, 'F', 6, FMT_DTSF_ALT, "1.500000"},
    {1.5, 'F', 17, FMT_DTSF_ALT, "1.50000000000000000"},
    {1.5, 'g', 0, 0, "2"},
    {1.5, 'G', 17, FMT_DTSF_ALT, "1.5000000000000000"},
    {-2.5, 'e', 0, FMT_DTSF_ALT, "-2.e+00"},
    {-2.5, 'e', 2, FMT_DTSF_SIGN, "-2.50e+00"},
    {-2.5, 'e', 6, FMT_DTSF_NO_NEG_0, "-2.500000e+00"},
    {-2.5, 'e', 17, FMT_DTSF_NO_NEG_0, "-2.50000000000000000e+00"},
    {-2.5, 'E', 1, FMT_DTSF_SIGN, "-2.5E+00"},
    {-2.5, 'f', 0, 0, "-2"},
    {-2.5, 'f', 1, FMT_DTSF_SIGN, "-2.5"},
    {-2.5, 'f', 2, 0, "-2.50"},
    {-2.5, 'f', 2, FMT_DTSF_NO_NEG_0, "-2.50"},
    {-2.5, 'f', 6, 0, "-2.500000"},
    {-2.5, 'f', 6, FMT_DTSF_SIGN, "-2.500000"},
    {-2.5, 'F', 1, FMT_DTSF_ALT, "-2.5"},
    {-2.5, 'F', 6, FMT_DTSF_NO_NEG_0, "-2.500000"},
    {-2.5, 'g', 6, 0, "-2.5"},
    {-2.5, 'G', 0, 0, "-2"},
    {-2.5, 'G', 2, FMT_DTSF_SIGN, "-2.5"},
    {-2.5, 'G', 17, 0, "-2.5"},
    {0.125, 'e', 0, FMT_DTSF_SIGN, "+1e-01"},
    {0.125, 'E', 1, FMT_DTSF_NO_NEG_0, "1.2E-01"},
    {0.125, 'E', 17, 0, "1.25000000000000000E-01"},
    {0.125, 'f', 2, FMT_DTSF_SIGN, "+0.12"},
    {0.125, 'f', 2, FMT_DTSF_ALT, "0.12"},
    {0.125, 'f', 6, 0, "0.125000"},
    {0.125, 'f', 17, FMT_DTSF_ALT, "0.12500000000000000"},
    {0.125, 'F', 1, FMT_DTSF_SIGN, "+0.1"},
    {0.125, 'F', 1, FMT_DTSF_NO_NEG_0, "0.1"},
    {0.125, 'F', 2, 0, "0.12"},
    {0.125, 'g', 6, FMT_DTSF_NO_NEG_0, "0.125"},
    {0.125, 'G', 0, FMT_DTSF_SIGN, "+0.1"},
    {0.125, 'G', 2, 0, "0.12"},
    {0.125, 'G', 17, FMT_DTSF_NO_NEG_0, "0.125"},
    {2.675, 'e', 0, FMT_DTSF_SIGN, "+3e+00"},
    {2.675, 'e', 0, FMT_DTSF_NO_NEG_0, "3e+00"},
    {2.675, 'e', 1, 0, "2.7e+00"},
    {2.675, 'E', 1, FMT_DTSF_SIGN, "+2.7E+00"},
    {2.675, 'f', 0, FMT_DTSF_SIGN, "+3"},
    {2.675, 'f', 1, FMT_DTSF_SIGN, "+2.7"},
    {2.675, 'f', 2, FMT_DTSF_ALT, "2.67"},
    {2.675, 'f', 2, FMT_DTSF_NO_NEG_0, "2.67"},
    {2.675, 'f', 6, 0, "2.675000"},
    {2.675, 'f', 17, FMT_DTSF_ALT, "2.67499999999999982"},
    {2.675, 'F', 0, FMT_DTSF_ALT, "3."},
    {2.675, 'F', 2, 0, "2.67"},
    {2.675, 'F', 2, FMT_DTSF_NO_NEG_0, "2.67"},
    {2.675, 'F', 17, FMT_DTSF_NO_NEG_0, "2.67499999999999982"},
    {2.675, 'g', 0, 0, "3"},
    {2.675, 'g', 0, FMT_DTSF_NO_NEG_0, "3"},
    {2.675, 'g', 1, 0, "3"},
    {2.675, 'g', 2, FMT_DTSF_SIGN, "+2.7"},
    {2.675, 'g', 2, FMT_DTSF_ALT, "2.7"},
    {2.675, 'g', 6, FMT_DTSF_NO_NEG_0, "2.675"},
    {1234.5678, 'e', 0, 0, "1e+03"},
    {1234.5678, 'e', 1, FMT_DTSF_SIGN, "+1.2e+03"},
    {1234.5678, 'e', 2, 0, "1.23e+03"},
    {1234.5678, 'e', 6, FMT_DTSF_NO_NEG_0, "1.234568e+03"},
    {1234.5678, 'e', 17, FMT_DTSF_SIGN, "+1.23456780000000003e+03"},
    {1234.5678, 'E', 2, FMT_DTSF_NO_NEG_0, "1.23E+03"},
    {1234.5678, 'f', 6, FMT_DTSF_ALT, "1234.567800"},
    {1234.5678, 'f', 17, FMT_DTSF_ALT, "1234.56780000000003383"},
    {1234.5678, 'F', 0, FMT_DTSF_ALT, "1235."},
    {1234.5678, 'F', 1, FMT_DTSF_SIGN, "+1234.6"},
    {1234.5678, 'F', 17, FMT_DTSF_SIGN, "+1234.56780000000003383"},
    {1234.5678, 'F', 17, FMT_DTSF_NO_NEG_0, "1234.56780000000003383"},
    {1234.5678, 'g', 2, FMT_DTSF_SIGN, "+1.2e+03"},
    {1234.5678, 'g', 6, 0, "1234.57"},
    {1234.5678, 'g', 17, FMT_DTSF_NO_NEG_0, "1234.5678"},
    {1234.5678, 'G', 1, FMT_DTSF_ALT, "1.E+03"},
    {1234.5678, 'G', 6, FMT_DTSF_NO_NEG_0, "1234.57"},
    {1234.5678, 'G', 17, 0, "1234.5678"},
    {1234.5678, 'G', 17, FMT_DTSF_NO_NEG_0, "1234.5678"},
    {1e-10, 'e', 0, 0, "1e-10"},
    {1e-10, 'e', 2, 0, "1.00e-10"},
    {1e-10, 'e', 6, FMT_DTSF_NO_NEG_0, "1.000000e-10"},
    {1e-10, 'e', 17, 0, "1.00000000000000004e-10"},
    {1e-10, 'e', 17, FMT_DTSF_NO_NEG_0, "1.00000000000000004e-10"},
    {1e-10, 'E', 2, FMT_DTSF_SIGN, "+1.00E-10"},
    {1e-10, 'E', 17, FMT_DTSF_ALT, "1.00000000000000004E-10"},
    {1e-10, 'f', 0, FMT_DTSF_NO_NEG_0, "0"},
    {1e-10, 'f', 6, FMT_DTSF_ALT, "0.000000"},
    {1e-10, 'f', 17, FMT_DTSF_ALT, "0.00000000010000000"},
    {1e-10, 'F', 1, 0, "0.0"},
    {1e-10, 'g', 0, 0, "1e-10"},
    {1e-10, 'g', 2, FMT_DTSF_ALT, "1.0e-10"},
    {1e-10, 'G', 0, FMT_DTSF_ALT, "1.E-10"},
    {1e-10, 'G', 2, FMT_DTSF_ALT, "1.0E-10"},
    {1e-10, 'G', 2, FMT_DTSF_NO_NEG_0, "1E-10"},
    {1e-10, 'G', 6, FMT_DTSF_ALT, "1.00000E-10"},
    {123456789.0, 'e', 6, FMT_DTSF_NO_NEG_0, "1.234568e+08"},
    {123456789.0, 'e', 17, FMT_DTSF_ALT, "1.23456789000000000e+08"},
    {123456789.0, 'E', 0, FMT_DTSF_SIGN, "+1E+08"},
    {123456789.0, 'E', 2, 0, "1.23E+08"},
    {123456789.0, 'f', 0, FMT_DTSF_SIGN, "+123456789"},
    {123456789.0, 'f', 17, 0, "123456789.00000000000000000"},
    {123456789.0, 'F', 2, FMT_DTSF_SIGN, "+123456789.00"},
    {123456789.0, 'F', 17, FMT_DTSF_ALT, "123456789.00000000000000000"},
    {123456789.0, 'g', 0, FMT_DTSF_NO_NEG_0, "1e+08"},
    {123456789.0, 'g', 2, FMT_DTSF_ALT, "1.2e+08"},
    {123456789.0, 'G', 0, 0, "1E+08"},
    {123456789.0, 'G', 0, FMT_DTSF_ALT, "1.E+08"},
    {123456789.0, 'G', 17, 0, "123456789"},
    {123456789.0, 'G', 17, FMT_DTSF_SIGN, "+123456789"},
    {1e+300, 'E', 1, FMT_DTSF_ALT, "1.0E+300"},
    {1e+300, 'f', 0, FMT_DTSF_SIGN, "+1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"},
    {1e+300, 'f', 1, FMT_DTSF_NO_NEG_0, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.0"},
    {1e+300, 'f', 6, FMT_DTSF_ALT, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000"},
    {1e+300, 'f', 17, FMT_DTSF_NO_NEG_0, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.00000000000000000"},
    {1e+300, 'F', 0, FMT_DTSF_ALT, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160."},
    {1e+300, 'F', 2, FMT_DTSF_ALT, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.00"},
    {1e+300, 'F', 17, FMT_DTSF_NO_NEG_0, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.00000000000000000"},
    {1e+300, 'g', 2, FMT_DTSF_NO_NEG_0, "1e+300"},
    {1e+300, 'g', 17, FMT_DTSF_NO_NEG_0, "1.0000000000000001e+300"},
    {1e+300, 'G', 17, FMT_DTSF_NO_NEG_0, "1.0000000000000001E+300"},
    {INFINITY, 'e', 1, FMT_DTSF_NO_NEG_0, "inf"},
    {INFINITY, 'e', 2, FMT_DTSF_SIGN, "+inf"},
    {INFINITY, 'E', 0, FMT_DTSF_NO_NEG_0, "INF"},
    {INFINITY, 'f', 6, 0, "inf"},
    {INFINITY, 'F', 0, FMT_DTSF_ALT, "INF"},
    {INFINITY, 'F', 0, FMT_DTSF_NO_NEG_0, "INF"},
    {INFINITY, 'F', 17, 0, "INF"},
    {INFINITY, 'F', 17, FMT_DTSF_ALT, "INF"},
    {INFINITY, 'F', 17, FMT_DTSF_NO_NEG_0, "INF"},
    {INFINITY, 'g', 0, FMT_DTSF_ALT, "inf"},
    {INFINITY, 'g', 1, 0, "inf"},
    {INFINITY, 'g', 17, FMT_DTSF_NO_NEG_0, "inf"},
    {INFINITY, 'G', 1, FMT_DTSF_SIGN, "+INF"},
    {INFINITY, 'G', 1, FMT_DTSF_NO_NEG_0, "INF"},
    {INFINITY, 'G', 6, FMT_DTSF_ALT, "INF"},
    {INFINITY, 'G', 17, 0, "INF"},
    {-INFINITY, 'E', 2, FMT_DTSF_ALT, "-INF"},
    {-INFINITY, 'f', 6, 0, "-inf"},
    {-INFINITY, 'f', 17, FMT_DTSF_SIGN, "-inf"},
    {-INFINITY, 'f', 17, FMT_DTSF_NO_NEG_0, "-inf"},
    {-INFINITY, 'F', 1, FMT_DTSF_NO_NEG_0, "-INF"},
    {-INFINITY, 'g', 1, 0, "-inf"},
    {-INFINITY, 'g', 1, FMT_DTSF_SIGN, "-inf"},
    {-INFINITY, 'G', 1, 0, "-INF"},
    {-INFINITY, 'G', 6, FMT_DTSF_ALT, "-INF"},
    {-INFINITY, 'G', 17, FMT_DTSF_ALT, "-INF"},
    {NAN, 'e', 1, FMT_DTSF_ALT, "nan"},
    {NAN, 'E', 0, 0, "NAN"},
    {NAN, 'f', 1, 0, "nan"},
    {NAN, 'f', 1, FMT_DTSF_ALT, "nan"},
    {NAN, 'f', 6, FMT_DTSF_ALT, "nan"},
    {NAN, 'F', 2, 0, "NAN"},
    {NAN, 'F', 17, FMT_DTSF_NO_NEG_0, "NAN"},
    {NAN, 'g', 6, FMT_DTSF_SIGN, "+nan"},
    {NAN, 'G', 17, FMT_DTSF_ALT, "NAN"},
    {5e-324, 'e', 0, FMT_DTSF_SIGN, "+5e-324"},
    {5e-324, 'e', 0, FMT_DTSF_ALT, "5.e-324"},
    {5e-324, 'e', 1, FMT_DTSF_NO_NEG_0, "4.9e-324"},
    {5e-324, 'e', 6, FMT_DTSF_ALT, "4.940656e-324"},
    {5e-324, 'e', 17, 0, "4.94065645841246544e-324"},
    {5e-324, 'E', 2, FMT_DTSF_SIGN, "+4.94E-324"},
    {5e-324, 'E', 2, FMT_DTSF_ALT, "4.94E-324"},
    {5e-324, 'E', 6, FMT_DTSF_SIGN, "+4.940656E-324"},
    {5e-324, 'E', 6, FMT_DTSF_ALT, "4.940656E-324"},
    {5e-324, 'E', 17, FMT_DTSF_SIGN, "+4.94065645841246544E-324"},
    {5e-324, 'f', 17, FMT_DTSF_SIGN, "+0.00000000000000000"},
    {5e-324, 'F', 0, 0, "0"},
    {5e-324, 'F', 6, FMT_DTSF_ALT, "0.000000"},
    {5e-324, 'g', 1, FMT_DTSF_SIGN, "+5e-324"},
    {5e-324, 'g', 6, FMT_DTSF_NO_NEG_0, "4.94066e-324"},
    {5e-324, 'g', 17, FMT_DTSF_ALT, "4.9406564584124654e-324"},
    {5e-324, 'G', 1, FMT_DTSF_NO_NEG_0, "5E-324"},
    {5e-324, 'G', 6, FMT_DTSF_SIGN, "+4.94066E-324"},
    {0.5, 'e', 0, FMT_DTSF_NO_NEG_0, "5e-01"},
    {0.5, 'e', 2, FMT_DTSF_SIGN, "+5.00e-01"},
    {0.5, 'E', 0, FMT_DTSF_SIGN, "+5E-01"},
    {0.5, 'E', 0, FMT_DTSF_NO_NEG_0, "5E-01"},
    {0.5, 'E', 2, FMT_DTSF_NO_NEG_0, "5.00E-01"},
    {0.5, 'E', 6, FMT_DTSF_ALT, "5.000000E-01"},
    {0.5, 'E', 17, FMT_DTSF_NO_NEG_0, "5.00000000000000000E-01"},
    {0.5, 'f', 0, FMT_DTSF_ALT, "0."},
    {0.5, 'f', 6, 0, "0.500000"},
    {0.5, 'f', 6, FMT_DTSF_SIGN, "+0.500000"},
    {0.5, 'f', 17, FMT_DTSF_SIGN, "+0.50000000000000000"},
    {0.5, 'f', 17, FMT_DTSF_ALT, "0.50000000000000000"},
    {0.5, 'F', 6, FMT_DTSF_SIGN, "+0.500000"},
    {0.5, 'G', 0, FMT_DTSF_NO_NEG_0, "0.5"},
    {2.5, 'e', 2, FMT_DTSF_ALT, "2.50e+00"},
    {2.5, 'e', 2, FMT_DTSF_NO_NEG_0, "2.50e+00"},
    {2.5, 'e', 6, FMT_DTSF_NO_NEG_0, "2.500000e+00"},
    {2.5, 'E', 6, 0, "2.500000E+00"},
    {2.5, 'E', 6, FMT_DTSF_ALT, "2.500000E+00"},
    {2.5, 'f', 0, 0, "2"},
    {2.5, 'f', 1, 0, "2.5"},
    {2.5, 'f', 2, FMT_DTSF_NO_NEG_0, "2.50"},
    {2.5, 'f', 17, 0, "2.50000000000000000"},
    {2.5, 'F', 0, FMT_DTSF_SIGN, "+2"},
    {2.5, 'F', 2, FMT_DTSF_SIGN, "+2.50"},
    {2.5, 'F', 17, FMT_DTSF_SIGN, "+2.50000000000000000"},
    {2.5, 'g', 0, FMT_DTSF_SIGN, "+2"},
    {2.5, 'g', 2, 0, "2.5"},
    {2.5, 'g', 2, FMT_DTSF_SIGN, "+2.5"},
    {2.5, 'g', 6, FMT_DTSF_NO_NEG_0, "2.5"},
    {2.5, 'g', 17, FMT_DTSF_SIGN, "+2.5"},
    {2.5, 'G', 0, FMT_DTSF_ALT, "2."},
    {2.5, 'G', 0, FMT_DTSF_NO_NEG_0, "2"},
    {2.5, 'G', 17, FMT_DTSF_SIGN, "+2.5"},
    {9.995, 'e', 0, FMT_DTSF_ALT, "1.e+01"},
    {9.995, 'e', 2, 0, "9.99e+00"},
    {9.995, 'e', 17, FMT_DTSF_NO_NEG_0, "9.99499999999999922e+00"},
    {9.995, 'E', 1, FMT_DTSF_SIGN, "+1.0E+01"},
    {9.995, 'E', 1, FMT_DTSF_NO_NEG_0, "1.0E+01"},
    {9.995, 'E', 2, FMT_DTSF_NO_NEG_0, "9.99E+00"},
    {9.995, 'E', 17, FMT_DTSF_SIGN, "+9.99499999999999922E+00"},
    {9.995, 'E', 17, FMT_DTSF_ALT, "9.99499999999999922E+00"},
    {9.995, 'E', 17, FMT_DTSF_NO_NEG_0, "9.99499999999999922E+00"},
    {9.995, 'f', 1, 0, "10.0"},
    {9.995, 'f', 2, FMT_DTSF_SIGN, "+9.99"},
    {9.995, 'F', 2, FMT_DTSF_NO_NEG_0, "9.99"},
    {9.995, 'g', 2, FMT_DTSF_ALT, "10."},
    {9.995, 'g', 6, FMT_DTSF_SIGN, "+9.995"},
    {9.995, 'G', 6, FMT_DTSF_NO_NEG_0, "9.995"},
    {9.995, 'G', 17, FMT_DTSF_SIGN, "+9.9949999999999992"},
    {9.995, 'G', 17, FMT_DTSF_ALT, "9.9949999999999992"},
    {1e+16, 'e', 0, FMT_DTSF_SIGN, "+1e+16"},
    {1e+16, 'e', 1, 0, "1.0e+16"},
    {1e+16, 'e', 6, FMT_DTSF_SIGN, "+1.000000e+16"},
    {1e+16, 'E', 6, 0, "1.000000E+16"},
    {1e+16, 'E', 17, FMT_DTSF_NO_NEG_0, "1.00000000000000000E+16"},
    {1e+16, 'F', 1, FMT_DTSF_ALT, "10000000000000000.0"},
    {1e+16, 'F', 6, FMT_DTSF_ALT, "10000000000000000.000000"},
    {1e+16, 'g', 1, FMT_DTSF_SIGN, "+1e+16"},
    {1e+16, 'g', 2, FMT_DTSF_SIGN, "+1e+16"},
    {1e+16, 'g', 17, 0, "10000000000000000"},
    {1e+16, 'g', 17, FMT_DTSF_ALT, "10000000000000000."},
    {1e+16, 'G', 1, FMT_DTSF_ALT, "1.E+16"},
    {1e+16, 'G', 6, 0, "1E+16"},
    {1e+16, 'G', 17, FMT_DTSF_NO_NEG_0, "10000000000000000"},
    {0.3333333333333333, 'e', 1, 0, "3.3e-01"},
    {0.3333333333333333, 'E', 0, FMT_DTSF_NO_NEG_0, "3E-01"},
    {0.3333333333333333, 'E', 6, FMT_DTSF_SIGN, "+3.333333E-01"},
    {0.3333333333333333, 'f', 0, FMT_DTSF_ALT, "0."},
    {0.3333333333333333, 'f', 6, FMT_DTSF_ALT, "0.333333"},
    {0.3333333333333333, 'F', 1, 0, "0.3"},
    {0.3333333333333333, 'g', 0, 0, "0.3"},
    {0.3333333333333333, 'g', 1, FMT_DTSF_NO_NEG_0, "0.3"},
    {0.3333333333333333, 'G', 2, FMT_DTSF_SIGN, "+0.33"},
    {0.3333333333333333, 'G', 2, FMT_DTSF_ALT, "0.33"},
    {0.3333333333333333, 'G', 17, FMT_DTSF_ALT, "0.33333333333333331"},
};

START_TEST(test_double_to_string) {
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof test_dtoa_cases / sizeof test_dtoa_cases[0]; i++) {
        sb_clear(&sb);
        fmt_double(&sb, test_dtoa_cases[i].x, test_dtoa_cases[i].code, test_dtoa_cases[i].prec,
                   test_dtoa_cases[i].flags);
        ck_assert_msg(strcmp(sb.data, test_dtoa_cases[i].want) == 0, "case %zu: got %s want %s", i,
                      sb.data, test_dtoa_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

/* A front end's setlocale() must not change '.' (when a comma locale exists). */
START_TEST(test_float_locale_proof) {
    strbuf sb;
    sb_init(&sb);
    locale_t loc = newlocale(LC_NUMERIC_MASK, "de_DE.UTF-8", (locale_t)0);
    locale_t old = loc ? uselocale(loc) : (locale_t)0;
    fmt_float_repr(&sb, 3.25);
    ck_assert_str_eq(sb.data, "3.25");
    if (old) uselocale(old);
    if (loc) freelocale(loc);
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* format specs                                                        */

static const struct {
    int64_t v;
    const char *spec, *type_name, *want;
} test_int_spec_cases[] = {
    {42LL, "", "int", "42"},
    {1234567LL, ",", "int", "1,234,567"},
    {1234567LL, "_", "int", "1_234_567"},
    {-1234567LL, ",", "int", "-1,234,567"},
    {1234LL, "08,", "int", "0,001,234"},
    {1234LL, "010_", "int", "00_001_234"},
    {74565LL, "_x", "int", "1_2345"},
    {74565LL, "#_x", "int", "0x1_2345"},
    {255LL, "_b", "int", "1111_1111"},
    {4095LL, "#_o", "int", "0o7777"},
    {255LL, "#x", "int", "0xff"},
    {255LL, "#X", "int", "0XFF"},
    {8LL, "#o", "int", "0o10"},
    {5LL, "#b", "int", "0b101"},
    {-5LL, "b", "int", "-101"},
    {-255LL, "#010x", "int", "-0x00000ff"},
    {INT64_MIN, "x", "int", "-8000000000000000"},
    {9223372036854775807LL, "d", "int", "9223372036854775807"},
    {INT64_MIN, ",", "int", "-9,223,372,036,854,775,808"},
    {42LL, "05d", "int", "00042"},
    {5LL, "+d", "int", "+5"},
    {5LL, " d", "int", " 5"},
    {-5LL, "-d", "int", "-5"},
    {0LL, "+", "int", "+0"},
    {42LL, "<5", "int", "42   "},
    {42LL, ">5", "int", "   42"},
    {42LL, "^5", "int", " 42  "},
    {42LL, "^6", "int", "  42  "},
    {42LL, "=+6", "int", "+   42"},
    {42LL, "*^9", "int", "***42****"},
    {7LL, "线<4", "int", "7线线线"},
    {7LL, "é>4", "int", "ééé7"},
    {-42LL, "0=8", "int", "-0000042"},
    {1LL, "x<05", "int", "1xxxx"},
    {1LL, "<05", "int", "10000"},
    {1234LL, "^+12,", "int", "   +1,234   "},
    {65LL, "c", "int", "A"},
    {32447LL, "c", "int", "线"},
    {65LL, "05c", "int", "0000A"},
    {65LL, "<5c", "int", "A    "},
    {128512LL, "^3c", "int", " 😀 "},
    {1234567LL, "n", "int", "1234567"},
    {-5LL, "010n", "int", "-000000005"},
    {12345LL, "e", "int", "1.234500e+04"},
    {12345LL, ".2e", "int", "1.23e+04"},
    {7LL, "f", "int", "7.000000"},
    {1LL, ".1%", "int", "100.0%"},
    {2LL, "%", "int", "200.000000%"},
    {4611686018427387904LL, "g", "int", "4.61169e+18"},
    {1234567LL, ",.2f", "int", "1,234,567.00"},
    {100000000000000000LL, "G", "int", "1E+17"},
    {1LL, "d", "bool", "1"},
    {1LL, ">5", "bool", "    1"},
    {1LL, ".2d", "int", "!ValueError: Precision not allowed in integer format specifier"},
    {65LL, ".1c", "int", "!ValueError: Precision not allowed in integer format specifier"},
    {1LL, "z", "int", "!ValueError: Negative zero coercion (z) not allowed in integer format specifier"},
    {1LL, "zd", "int", "!ValueError: Negative zero coercion (z) not allowed in integer format specifier"},
    {65LL, "+c", "int", "!ValueError: Sign not allowed with integer format specifier 'c'"},
    {65LL, "#c", "int", "!ValueError: Alternate form (#) not allowed with integer format specifier 'c'"},
    {-1LL, "c", "int", "!OverflowError: %c arg not in range(0x110000)"},
    {1114112LL, "c", "int", "!OverflowError: %c arg not in range(0x110000)"},
    {65LL, ",c", "int", "!ValueError: Cannot specify ',' with 'c'."},
    {65LL, "_c", "int", "!ValueError: Cannot specify '_' with 'c'."},
    {1LL, ",x", "int", "!ValueError: Cannot specify ',' with 'x'."},
    {1LL, ",b", "int", "!ValueError: Cannot specify ',' with 'b'."},
    {1LL, "_n", "int", "!ValueError: Cannot specify '_' with 'n'."},
    {1LL, ",n", "int", "!ValueError: Cannot specify ',' with 'n'."},
    {1LL, ",_", "int", "!ValueError: Cannot specify both ',' and '_'."},
    {1LL, "_,", "int", "!ValueError: Cannot specify both ',' and '_'."},
    {1LL, "=0,,_", "int", "!ValueError: Invalid format specifier '=0,,_' for object of type 'int'"},
    {1LL, "abc", "int", "!ValueError: Invalid format specifier 'abc' for object of type 'int'"},
    {1LL, ".", "int", "!ValueError: Format specifier missing precision"},
    {1LL, "s", "int", "!ValueError: Unknown format code 's' for object of type 'int'"},
    {1LL, "s", "bool", "!ValueError: Unknown format code 's' for object of type 'bool'"},
    {1LL, "<<<", "int", "!ValueError: Unknown format code '<' for object of type 'int'"},
    {1LL, "%%", "int", "!ValueError: Invalid format specifier '%%' for object of type 'int'"},
    {1LL, "é", "int", "!ValueError: Unknown format code '\\xe9' for object of type 'int'"},
    {1LL, "\001", "int", "!ValueError: Unknown format code '\\x1' for object of type 'int'"},
    {1LL, "1000000000000000000000d", "int", "!ValueError: Too many decimal digits in format string"},
    {7LL, "١٠", "int", "         7"},
    {7LL, ".٢f", "int", "7.00"},
    {1LL, "=^5", "int", "==1=="},
    {5LL, "00", "int", "5"},
    {-5LL, "0", "int", "-5"},
};

static const struct {
    double x;
    const char *spec, *want;
} test_float_spec_cases[] = {
    {1e+16, "", "1e+16"},
    {1e-05, "", "1e-05"},
    {0.1, "", "0.1"},
    {3.14159, ".3", "3.14"},
    {0.3333333333333333, ".4", "0.3333"},
    {100.0, ".3", "1e+02"},
    {123.456, ".2", "1.2e+02"},
    {0.0001, ".3", "0.0001"},
    {1e+16, ".0", "1e+16"},
    {1.0, ".3", "1.0"},
    {1.0, "#.3", "1.00"},
    {1.0, "#", "1.0"},
    {1.0, "=", "1.0"},
    {3.14159, "f", "3.141590"},
    {2.675, ".2f", "2.67"},
    {0.125, ".2f", "0.12"},
    {0.375, ".2f", "0.38"},
    {0.5, ".0f", "0"},
    {1.5, ".0f", "2"},
    {2.5, ".0f", "2"},
    {1.5, "#.0f", "2."},
    {12345.678, "e", "1.234568e+04"},
    {0.000123, ".2e", "1.23e-04"},
    {1e-300, "E", "1.000000E-300"},
    {0.0001, "g", "0.0001"},
    {1234567.0, "g", "1.23457e+06"},
    {123456.0, "g", "123456"},
    {1e-05, "G", "1E-05"},
    {1.0, "#g", "1.00000"},
    {12345678.0, "n", "1.23457e+07"},
    {0.5, "%", "50.000000%"},
    {0.125, ".2%", "12.50%"},
    {0.005, ".0%", "0%"},
    {1234567.891, ",", "1,234,567.891"},
    {1234567.891, ",.2f", "1,234,567.89"},
    {-1234567.891, "_.3f", "-1_234_567.891"},
    {-1234.5678, "010,.2f", "-01,234.57"},
    {INFINITY, "010.2f", "0000000inf"},
    {NAN, "+E", "+NAN"},
    {-INFINITY, "F", "-INF"},
    {NAN, "f", "nan"},
    {INFINITY, "<10", "inf       "},
    {-1.5, "^12.3e", " -1.500e+00 "},
    {3.5, "=+12.3f", "+      3.500"},
    {2.5, "*>10", "*******2.5"},
    {-0.0, "z", "0.0"},
    {-0.0, "z.3", "0.0"},
    {-0.0001, "z.2f", "0.00"},
    {-0.4, "z.0f", "0"},
    {-1e-10, "z.2e", "-1.00e-10"},
    {-1e-10, "z.2%", "0.00%"},
    {-0.0, "+", "-0.0"},
    {1.5, " ", " 1.5"},
    {-0.05, " .1f", "-0.1"},
    {1e+200, ",.0f", "99,999,999,999,999,996,973,312,221,251,036,165,947,450,327,545,502,362,648,241,750,950,346,848,435,554,075,534,196,338,404,706,251,868,027,512,415,973,882,408,182,135,734,368,278,484,639,385,041,047,239,877,871,023,591,066,789,981,811,181,813,306,167,128,854,888,448"},
    {0.1, ".30g", "0.100000000000000005551115123126"},
    {0.1, ".17g", "0.10000000000000001"},
    {1.0, ".500e", "1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000e+00"},
    {1e+100, "g", "1e+100"},
    {0.05, ".1f", "0.1"},
    {0.25, ".1f", "0.2"},
    {0.35, ".1f", "0.3"},
    {1.5, "d", "!ValueError: Unknown format code 'd' for object of type 'float'"},
    {1.5, "s", "!ValueError: Unknown format code 's' for object of type 'float'"},
    {1.5, "c", "!ValueError: Unknown format code 'c' for object of type 'float'"},
    {1.5, "x", "!ValueError: Unknown format code 'x' for object of type 'float'"},
    {1.5, "é", "!ValueError: Unknown format code '\\xe9' for object of type 'float'"},
    {1.0, ",n", "!ValueError: Cannot specify ',' with 'n'."},
    {1.0, "_s", "!ValueError: Cannot specify '_' with 's'."},
    {1.0, ".", "!ValueError: Format specifier missing precision"},
    {-1.5, "0", "-1.5"},
    {-1.5, "08", "-00001.5"},
    {-1.5, "08.3", "-00001.5"},
    {12345.0, "+08,.1f", "+12,345.0"},
    {1.0, "٠", "1.0"},
};

static const struct {
    const char *s, *spec, *want;
} test_str_spec_cases[] = {
    {"abc", "", "abc"},
    {"abc", "s", "abc"},
    {"ab", "5", "ab   "},
    {"ab", "<5", "ab   "},
    {"ab", ">5", "   ab"},
    {"ab", "^5", " ab  "},
    {"ab", "^6", "  ab  "},
    {"线程", "*^7", "**线程***"},
    {"线程", ".1", "线"},
    {"héllo", ".2", "hé"},
    {"héllo", "10.3", "hél       "},
    {"a", "05", "a0000"},
    {"a", "<05", "a0000"},
    {"a", ">05", "0000a"},
    {"a", "x<05", "axxxx"},
    {"é", "线>4", "线线线é"},
    {"abcdef", "2", "abcdef"},
    {"abc", ".0", ""},
    {"abc", ".10", "abc"},
    {"", "", ""},
    {"", "3", "   "},
    {"a", "+", "!ValueError: Sign not allowed in string format specifier"},
    {"a", " ", "!ValueError: Space not allowed in string format specifier"},
    {"a", "-", "!ValueError: Sign not allowed in string format specifier"},
    {"a", "=5", "!ValueError: '=' alignment not allowed in string format specifier"},
    {"a", "z", "!ValueError: Negative zero coercion (z) not allowed in string format specifier"},
    {"a", "#", "!ValueError: Alternate form (#) not allowed in string format specifier"},
    {"a", "z#", "!ValueError: Negative zero coercion (z) not allowed in string format specifier"},
    {"a", "#=", "!ValueError: '=' alignment not allowed in string format specifier"},
    {"a", ",", "!ValueError: Cannot specify ',' with 's'."},
    {"a", "_", "!ValueError: Cannot specify '_' with 's'."},
    {"a", "d", "!ValueError: Unknown format code 'd' for object of type 'str'"},
    {"a", "x", "!ValueError: Unknown format code 'x' for object of type 'str'"},
    {"a", ".", "!ValueError: Format specifier missing precision"},
    {"a", "ss", "!ValueError: Invalid format specifier 'ss' for object of type 'str'"},
    {"a", "5,s", "!ValueError: Cannot specify ',' with 's'."},
    {"x", "😀^5", "😀😀x😀😀"},
};

START_TEST(test_format_int) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_int_spec_cases / sizeof test_int_spec_cases[0]; i++) {
        const char *spec = test_int_spec_cases[i].spec;
        sb_clear(&sb);
        if (fmt_apply_int(&sb, test_int_spec_cases[i].v, spec, strlen(spec), test_int_spec_cases[i].type_name,
                          &err)) {
            ck_assert_uint_eq(sb.len, 0); /* nothing written on error */
            test_err_text(&sb, &err);
        }
        ck_assert_msg(strcmp(sb.data ? sb.data : "", test_int_spec_cases[i].want) == 0,
                      "format(%lld, '%s'): got '%s' want '%s'", (long long)test_int_spec_cases[i].v, spec,
                      sb.data, test_int_spec_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

START_TEST(test_format_float) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_float_spec_cases / sizeof test_float_spec_cases[0]; i++) {
        const char *spec = test_float_spec_cases[i].spec;
        sb_clear(&sb);
        if (fmt_apply_float(&sb, test_float_spec_cases[i].x, spec, strlen(spec), "float", &err)) {
            ck_assert_uint_eq(sb.len, 0);
            test_err_text(&sb, &err);
        }
        ck_assert_msg(strcmp(sb.data ? sb.data : "", test_float_spec_cases[i].want) == 0,
                      "format(%.17g, '%s'): got '%s' want '%s'", test_float_spec_cases[i].x, spec, sb.data,
                      test_float_spec_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

START_TEST(test_format_str) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_str_spec_cases / sizeof test_str_spec_cases[0]; i++) {
        const char *s = test_str_spec_cases[i].s, *spec = test_str_spec_cases[i].spec;
        sb_clear(&sb);
        if (fmt_apply_str(&sb, s, strlen(s), spec, strlen(spec), "str", &err)) {
            ck_assert_uint_eq(sb.len, 0);
            test_err_text(&sb, &err);
        }
        ck_assert_msg(strcmp(sb.data ? sb.data : "", test_str_spec_cases[i].want) == 0,
                      "format('%s', '%s'): got '%s' want '%s'", s, spec, sb.data, test_str_spec_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

START_TEST(test_spec_parse_fields) {
    fmt_spec sp;
    num_error err;
    const char *s = "线^+z#012_.3f";
    ck_assert_int_eq(fmt_spec_parse(s, strlen(s), "float", &sp, &err), 0);
    ck_assert_uint_eq(sp.fill, 0x7EBF);
    ck_assert(sp.fill_set);
    ck_assert_int_eq(sp.align, '^');
    ck_assert_int_eq(sp.sign, '+');
    ck_assert(sp.no_neg_0 && sp.alternate);
    ck_assert(!sp.zero); /* with an explicit fill, '0' starts the width */
    ck_assert_int_eq(sp.width, 12);
    ck_assert_int_eq(sp.grouping, '_');
    ck_assert_int_eq(sp.precision, 3);
    ck_assert_uint_eq(sp.type, 'f');
    ck_assert_int_eq(fmt_spec_parse("", 0, "int", &sp, &err), 0);
    ck_assert_int_eq(sp.width, -1);
    ck_assert_int_eq(sp.precision, -1);
    ck_assert_uint_eq(sp.type, 0);
    ck_assert_int_eq(fmt_spec_parse("99999999999999999999", 20, "int", &sp, &err), -1);
    ck_assert_str_eq(err.type, "ValueError");
    ck_assert_str_eq(err.msg, "Too many decimal digits in format string");
}
END_TEST

/* ------------------------------------------------------------------ */
/* printf-style                                                        */

static const struct {
    const char *fmt;
    int nargs;
    test_arg args[4];
    const char *want;
} test_pct_cases[] = {
    {"%d", 1, {{'f', 0, 3.99, NULL}}, "3"},
    {"%5.1f%%", 1, {{'f', 0, 99.44, NULL}}, " 99.4%"},
    {"%e", 1, {{'f', 0, 12345.678, NULL}}, "1.234568e+04"},
    {"%.2e", 1, {{'f', 0, 0.000123, NULL}}, "1.23e-04"},
    {"%g %g", 2, {{'f', 0, 0.0001, NULL}, {'f', 0, 1234567.0, NULL}}, "0.0001 1.23457e+06"},
    {"%x %X %o", 3, {{'i', 255LL, 0, NULL}, {'i', 255LL, 0, NULL}, {'i', 8LL, 0, NULL}}, "ff FF 10"},
    {"%05d", 1, {{'i', 42LL, 0, NULL}}, "00042"},
    {"%+d", 1, {{'i', 5LL, 0, NULL}}, "+5"},
    {"%.0f", 1, {{'f', 0, 0.5, NULL}}, "0"},
    {"%.0f", 1, {{'f', 0, 2.5, NULL}}, "2"},
    {"%.0f", 1, {{'f', 0, 1.5, NULL}}, "2"},
    {"% d", 1, {{'i', 3LL, 0, NULL}}, " 3"},
    {"%+ d", 1, {{'i', 3LL, 0, NULL}}, "+3"},
    {"%-5d|", 1, {{'i', 3LL, 0, NULL}}, "3    |"},
    {"%-05d|", 1, {{'i', 3LL, 0, NULL}}, "3    |"},
    {"%#o", 1, {{'i', 8LL, 0, NULL}}, "0o10"},
    {"%#x", 1, {{'i', 255LL, 0, NULL}}, "0xff"},
    {"%#X", 1, {{'i', 255LL, 0, NULL}}, "0XFF"},
    {"%#5x", 1, {{'i', 255LL, 0, NULL}}, " 0xff"},
    {"%#05x", 1, {{'i', 255LL, 0, NULL}}, "0x0ff"},
    {"%#x", 1, {{'i', -255LL, 0, NULL}}, "-0xff"},
    {"%.5d", 1, {{'i', -42LL, 0, NULL}}, "-00042"},
    {"%.3x", 1, {{'i', -5LL, 0, NULL}}, "-005"},
    {"%#.5X", 1, {{'i', -255LL, 0, NULL}}, "-0X000FF"},
    {"%08.3f", 1, {{'f', 0, -3.14159, NULL}}, "-003.142"},
    {"%+.2e", 1, {{'f', 0, 12345.678, NULL}}, "+1.23e+04"},
    {"%c", 1, {{'i', 65LL, 0, NULL}}, "A"},
    {"%5c|", 1, {{'i', 65LL, 0, NULL}}, "    A|"},
    {"%-5c|", 1, {{'s', 0, 0, "x"}}, "x    |"},
    {"%05c|", 1, {{'s', 0, 0, "x"}}, "    x|"},
    {"%05s|", 1, {{'s', 0, 0, "x"}}, "    x|"},
    {"%c", 1, {{'s', 0, 0, "线"}}, "线"},
    {"%#.0f", 1, {{'f', 0, 1.0, NULL}}, "1."},
    {"%#g", 1, {{'f', 0, 1.0, NULL}}, "1.00000"},
    {"%g", 1, {{'f', 0, 1e-05, NULL}}, "1e-05"},
    {"%G", 1, {{'f', 0, 1e-05, NULL}}, "1E-05"},
    {"%F", 1, {{'f', 0, INFINITY, NULL}}, "INF"},
    {"%010.2f", 1, {{'f', 0, -INFINITY, NULL}}, "-000000inf"},
    {"%.0e", 1, {{'f', 0, 12345.0, NULL}}, "1e+04"},
    {"%*d|", 2, {{'i', 5LL, 0, NULL}, {'i', 3LL, 0, NULL}}, "    3|"},
    {"%-*d|", 2, {{'i', 5LL, 0, NULL}, {'i', 3LL, 0, NULL}}, "3    |"},
    {"%*d|", 2, {{'i', -5LL, 0, NULL}, {'i', 3LL, 0, NULL}}, "3    |"},
    {"%.*f", 2, {{'i', 2LL, 0, NULL}, {'f', 0, 3.14159, NULL}}, "3.14"},
    {"%.*f", 2, {{'i', -2LL, 0, NULL}, {'f', 0, 3.14159, NULL}}, "3"},
    {"%*.*f|", 3, {{'i', 10LL, 0, NULL}, {'i', 3LL, 0, NULL}, {'f', 0, 3.141592653589793, NULL}}, "     3.142|"},
    {"%ld %hi %Lf", 3, {{'i', 1LL, 0, NULL}, {'i', 2LL, 0, NULL}, {'f', 0, 3.0, NULL}}, "1 2 3.000000"},
    {"%i %u", 2, {{'i', 4LL, 0, NULL}, {'i', 5LL, 0, NULL}}, "4 5"},
    {"%s", 1, {{'s', 0, 0, "héllo"}}, "héllo"},
    {"%.3s", 1, {{'s', 0, 0, "abcdef"}}, "abc"},
    {"%5.1s|", 1, {{'s', 0, 0, "abc"}}, "    a|"},
    {"%.1s", 1, {{'s', 0, 0, "线程"}}, "线"},
    {"%5s|", 1, {{'s', 0, 0, "线"}}, "    线|"},
    {"%-5s|", 1, {{'s', 0, 0, "é"}}, "é    |"},
    {"%s %s", 2, {{'i', 1LL, 0, NULL}, {'f', 0, 2.5, NULL}}, "1 2.5"},
    {"%r", 1, {{'f', 0, 2.5, NULL}}, "2.5"},
    {"%%", 0, {{0, 0, 0, NULL}}, "%"},
    {"a%%b%%", 0, {{0, 0, 0, NULL}}, "a%b%"},
    {"100%% %s", 1, {{'s', 0, 0, "sure"}}, "100% sure"},
    {"%.0d", 1, {{'i', 0LL, 0, NULL}}, "0"},
    {"%x", 1, {{'i', 0LL, 0, NULL}}, "0"},
    {"%#o", 1, {{'i', 0LL, 0, NULL}}, "0o0"},
    {"% 05d", 1, {{'i', -3LL, 0, NULL}}, "-0003"},
    {"%+#8o", 1, {{'i', 8LL, 0, NULL}}, "   +0o10"},
    {"%-#8x|", 1, {{'i', 255LL, 0, NULL}}, "0xff    |"},
    {"%0#8x", 1, {{'i', 255LL, 0, NULL}}, "0x0000ff"},
    {"%010.3e", 1, {{'f', 0, -1e-300, NULL}}, "-1.000e-300"},
    {"%#.0e", 1, {{'f', 0, 5.0, NULL}}, "5.e+00"},
    {"%#g", 1, {{'f', 0, 0.0, NULL}}, "0.00000"},
    {"%G", 1, {{'f', 0, NAN, NULL}}, "NAN"},
    {"%+F", 1, {{'f', 0, INFINITY, NULL}}, "+INF"},
    {"%-08.2f|", 1, {{'f', 0, -1.5, NULL}}, "-1.50   |"},
    {"%c%c", 2, {{'i', 128512LL, 0, NULL}, {'i', 66LL, 0, NULL}}, "😀B"},
    {"%d", 1, {{'i', INT64_MIN, 0, NULL}}, "-9223372036854775808"},
    {"%x", 1, {{'i', 9223372036854775807LL, 0, NULL}}, "7fffffffffffffff"},
    {"%", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: incomplete format"},
    {"%y", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: unsupported format character 'y' (0x79) at index 1"},
    {"abc%", 0, {{0, 0, 0, NULL}}, "!ValueError: incomplete format"},
    {"%5%", 0, {{0, 0, 0, NULL}}, "!TypeError: not enough arguments for format string"},
    {"%(a", 0, {{0, 0, 0, NULL}}, "!TypeError: format requires a mapping"},
    {"%(a)s", 0, {{0, 0, 0, NULL}}, "!TypeError: format requires a mapping"},
    {"%*", 1, {{'i', 5LL, 0, NULL}}, "!ValueError: incomplete format"},
    {"%.*", 1, {{'i', 5LL, 0, NULL}}, "!ValueError: incomplete format"},
    {"%l", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: incomplete format"},
    {"%lld", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: unsupported format character 'l' (0x6c) at index 2"},
    {"%é", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: unsupported format character '?' (0xe9) at index 1"},
    {"é%y", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: unsupported format character 'y' (0x79) at index 2"},
    {"ab%é", 1, {{'i', 1LL, 0, NULL}}, "!ValueError: unsupported format character '?' (0xe9) at index 3"},
    {"%c", 1, {{'s', 0, 0, "ab"}}, "!TypeError: %c requires int or char"},
    {"%c", 1, {{'s', 0, 0, ""}}, "!TypeError: %c requires int or char"},
    {"%c", 1, {{'i', -1LL, 0, NULL}}, "!OverflowError: %c arg not in range(0x110000)"},
    {"%c", 1, {{'i', 1114112LL, 0, NULL}}, "!OverflowError: %c arg not in range(0x110000)"},
    {"%x", 1, {{'f', 0, 1.5, NULL}}, "!TypeError: %x format: an integer is required, not float"},
    {"%X", 1, {{'s', 0, 0, "a"}}, "!TypeError: %X format: an integer is required, not str"},
    {"%o", 1, {{'f', 0, 2.0, NULL}}, "!TypeError: %o format: an integer is required, not float"},
    {"%d", 1, {{'s', 0, 0, "a"}}, "!TypeError: %d format: a real number is required, not str"},
    {"%f", 1, {{'s', 0, 0, "a"}}, "!TypeError: must be real number, not str"},
    {"%d", 1, {{'f', 0, INFINITY, NULL}}, "!OverflowError: cannot convert float infinity to integer"},
    {"%d", 1, {{'f', 0, NAN, NULL}}, "!ValueError: cannot convert float NaN to integer"},
    {"%s %s", 1, {{'i', 1LL, 0, NULL}}, "!TypeError: not enough arguments for format string"},
    {"%s", 2, {{'i', 1LL, 0, NULL}, {'i', 2LL, 0, NULL}}, "!TypeError: not all arguments converted during string formatting"},
    {"%y", 0, {{0, 0, 0, NULL}}, "!TypeError: not enough arguments for format string"},
    {"%d %d", 1, {{'i', 1LL, 0, NULL}}, "!TypeError: not enough arguments for format string"},
    {"%*d", 2, {{'s', 0, 0, "a"}, {'i', 1LL, 0, NULL}}, "!TypeError: * wants int"},
    {"%.*f", 1, {{'i', 1LL, 0, NULL}}, "!TypeError: not enough arguments for format string"},
    {"%a", 1, {{'s', 0, 0, "é"}}, "'\\xe9'"},
    {"%-5r|", 1, {{'s', 0, 0, "é"}}, "'é'  |"},
    {"%5.2a|", 1, {{'s', 0, 0, "é"}}, "   '\\|"},
};

START_TEST(test_percent_table) {
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof test_pct_cases / sizeof test_pct_cases[0]; i++) {
        test_percent(&sb, test_pct_cases[i].fmt, test_pct_cases[i].args, test_pct_cases[i].nargs);
        ck_assert_msg(strcmp(sb.data ? sb.data : "", test_pct_cases[i].want) == 0,
                      "'%s' %% ...: got '%s' want '%s'", test_pct_cases[i].fmt, sb.data, test_pct_cases[i].want);
    }
    sb_free(&sb);
}
END_TEST

START_TEST(test_percent_scanner) {
    const char *f = "a%(k(x))-+ #012.3lfz%%%*.*d";
    size_t len = strlen(f), pos = 0;
    fmt_pct p;
    num_error err;
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_TEXT);
    ck_assert_uint_eq(p.text_len, 1);
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_CONV);
    ck_assert(p.has_key);
    ck_assert_uint_eq(p.key_len, 4);
    ck_assert(strncmp(p.key, "k(x)", 4) == 0);
    ck_assert_uint_eq(p.flags, FMT_PCT_LJUST | FMT_PCT_SIGN | FMT_PCT_BLANK | FMT_PCT_ALT | FMT_PCT_ZERO);
    ck_assert_int_eq(p.width, 12);
    ck_assert_int_eq(p.prec, 3);
    ck_assert_uint_eq(p.conv, 'f');
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_TEXT);
    ck_assert(p.text_len == 1 && p.text[0] == 'z');
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_TEXT);
    ck_assert(p.text_len == 1 && p.text[0] == '%');
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_CONV);
    ck_assert_int_eq(p.width, FMT_PCT_STAR);
    ck_assert_int_eq(p.prec, FMT_PCT_STAR);
    ck_assert_uint_eq(p.conv, 'd');
    ck_assert_int_eq(fmt_percent_next(f, len, &pos, &p, &err), FMT_PCT_END);
    /* '*' seen before the error: the caller can still fetch it first */
    pos = 0;
    ck_assert_int_eq(fmt_percent_next("%*", 2, &pos, &p, &err), -1);
    ck_assert_int_eq(p.width, FMT_PCT_STAR);
    ck_assert_str_eq(err.msg, "incomplete format");
    pos = 0;
    ck_assert_int_eq(fmt_percent_next("%(ab", 4, &pos, &p, &err), -1);
    ck_assert(p.has_key);
    ck_assert_str_eq(err.msg, "incomplete format key");
}
END_TEST

/* ------------------------------------------------------------------ */
/* ints and UTF-8                                                      */

static const struct {
    int64_t v;
    int base;
    bool prefix;
    const char *want;
} test_radix_cases[] = {
    {0LL, 2, false, "0"},
    {0LL, 2, true, "0b0"},
    {0LL, 8, false, "0"},
    {0LL, 8, true, "0o0"},
    {0LL, 16, false, "0"},
    {0LL, 16, true, "0x0"},
    {0LL, 10, false, "0"},
    {0LL, 10, true, "0"},
    {0LL, 36, false, "0"},
    {0LL, 36, true, "0"},
    {1LL, 2, false, "1"},
    {1LL, 2, true, "0b1"},
    {1LL, 8, false, "1"},
    {1LL, 8, true, "0o1"},
    {1LL, 16, false, "1"},
    {1LL, 16, true, "0x1"},
    {1LL, 10, false, "1"},
    {1LL, 10, true, "1"},
    {1LL, 36, false, "1"},
    {1LL, 36, true, "1"},
    {-1LL, 2, false, "-1"},
    {-1LL, 2, true, "-0b1"},
    {-1LL, 8, false, "-1"},
    {-1LL, 8, true, "-0o1"},
    {-1LL, 16, false, "-1"},
    {-1LL, 16, true, "-0x1"},
    {-1LL, 10, false, "-1"},
    {-1LL, 10, true, "-1"},
    {-1LL, 36, false, "-1"},
    {-1LL, 36, true, "-1"},
    {5LL, 2, false, "101"},
    {5LL, 2, true, "0b101"},
    {5LL, 8, false, "5"},
    {5LL, 8, true, "0o5"},
    {5LL, 16, false, "5"},
    {5LL, 16, true, "0x5"},
    {5LL, 10, false, "5"},
    {5LL, 10, true, "5"},
    {5LL, 36, false, "5"},
    {5LL, 36, true, "5"},
    {-5LL, 2, false, "-101"},
    {-5LL, 2, true, "-0b101"},
    {-5LL, 8, false, "-5"},
    {-5LL, 8, true, "-0o5"},
    {-5LL, 16, false, "-5"},
    {-5LL, 16, true, "-0x5"},
    {-5LL, 10, false, "-5"},
    {-5LL, 10, true, "-5"},
    {-5LL, 36, false, "-5"},
    {-5LL, 36, true, "-5"},
    {255LL, 2, false, "11111111"},
    {255LL, 2, true, "0b11111111"},
    {255LL, 8, false, "377"},
    {255LL, 8, true, "0o377"},
    {255LL, 16, false, "ff"},
    {255LL, 16, true, "0xff"},
    {255LL, 10, false, "255"},
    {255LL, 10, true, "255"},
    {255LL, 36, false, "73"},
    {255LL, 36, true, "73"},
    {9223372036854775807LL, 2, false, "111111111111111111111111111111111111111111111111111111111111111"},
    {9223372036854775807LL, 2, true, "0b111111111111111111111111111111111111111111111111111111111111111"},
    {9223372036854775807LL, 8, false, "777777777777777777777"},
    {9223372036854775807LL, 8, true, "0o777777777777777777777"},
    {9223372036854775807LL, 16, false, "7fffffffffffffff"},
    {9223372036854775807LL, 16, true, "0x7fffffffffffffff"},
    {9223372036854775807LL, 10, false, "9223372036854775807"},
    {9223372036854775807LL, 10, true, "9223372036854775807"},
    {9223372036854775807LL, 36, false, "1y2p0ij32e8e7"},
    {9223372036854775807LL, 36, true, "1y2p0ij32e8e7"},
    {INT64_MIN, 2, false, "-1000000000000000000000000000000000000000000000000000000000000000"},
    {INT64_MIN, 2, true, "-0b1000000000000000000000000000000000000000000000000000000000000000"},
    {INT64_MIN, 8, false, "-1000000000000000000000"},
    {INT64_MIN, 8, true, "-0o1000000000000000000000"},
    {INT64_MIN, 16, false, "-8000000000000000"},
    {INT64_MIN, 16, true, "-0x8000000000000000"},
    {INT64_MIN, 10, false, "-9223372036854775808"},
    {INT64_MIN, 10, true, "-9223372036854775808"},
    {INT64_MIN, 36, false, "-1y2p0ij32e8e8"},
    {INT64_MIN, 36, true, "-1y2p0ij32e8e8"},
    {123456789LL, 2, false, "111010110111100110100010101"},
    {123456789LL, 2, true, "0b111010110111100110100010101"},
    {123456789LL, 8, false, "726746425"},
    {123456789LL, 8, true, "0o726746425"},
    {123456789LL, 16, false, "75bcd15"},
    {123456789LL, 16, true, "0x75bcd15"},
    {123456789LL, 10, false, "123456789"},
    {123456789LL, 10, true, "123456789"},
    {123456789LL, 36, false, "21i3v9"},
    {123456789LL, 36, true, "21i3v9"},
};

START_TEST(test_int_text) {
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < sizeof test_radix_cases / sizeof test_radix_cases[0]; i++) {
        sb_clear(&sb);
        fmt_int_radix(&sb, test_radix_cases[i].v, test_radix_cases[i].base, test_radix_cases[i].prefix);
        ck_assert_str_eq(sb.data, test_radix_cases[i].want);
    }
    sb_clear(&sb);
    fmt_int(&sb, INT64_MIN);
    ck_assert_str_eq(sb.data, "-9223372036854775808");
    sb_clear(&sb);
    fmt_group_digits(&sb, "1234567", 7, ',', 3);
    ck_assert_str_eq(sb.data, "1,234,567");
    sb_clear(&sb);
    fmt_group_digits(&sb, "123456", 6, '_', 3);
    ck_assert_str_eq(sb.data, "123_456");
    sb_clear(&sb);
    fmt_group_digits(&sb, "12345", 5, '_', 4);
    ck_assert_str_eq(sb.data, "1_2345");
    sb_free(&sb);
}
END_TEST

START_TEST(test_utf8) {
    const char *s = "aé线🙂";
    size_t len = strlen(s), pos = 0;
    ck_assert_uint_eq(fmt_utf8_count(s, len), 4);
    ck_assert_uint_eq(fmt_utf8_prefix(s, len, 2), 3);
    ck_assert_uint_eq(fmt_utf8_prefix(s, len, 9), len);
    ck_assert_uint_eq(fmt_utf8_next(s, len, &pos), 'a');
    ck_assert_uint_eq(fmt_utf8_next(s, len, &pos), 0xE9);
    ck_assert_uint_eq(fmt_utf8_next(s, len, &pos), 0x7EBF);
    ck_assert_uint_eq(fmt_utf8_next(s, len, &pos), 0x1F642);
    ck_assert_uint_eq(pos, len);
    pos = 0; /* a stray byte stands for itself */
    ck_assert_uint_eq(fmt_utf8_next("\xff", 1, &pos), 0xFF);
    ck_assert_uint_eq(pos, 1);
    strbuf sb;
    sb_init(&sb);
    fmt_utf8_put(&sb, 0x1F642);
    fmt_utf8_put(&sb, 0xE9);
    ck_assert_str_eq(sb.data, "🙂é");
    sb_free(&sb);
    ck_assert(fmt_unicode_isprintable('a') && fmt_unicode_isprintable(' ') && fmt_unicode_isprintable(0x7EBF));
    ck_assert(!fmt_unicode_isprintable(0x7F) && !fmt_unicode_isprintable(0xA0) && !fmt_unicode_isprintable(0x200B));
    ck_assert(!fmt_unicode_isprintable(0xD800) && !fmt_unicode_isprintable(0x10FFFF));
    ck_assert(fmt_unicode_isspace(0x3000) && fmt_unicode_isspace(0x1C) && !fmt_unicode_isspace(0x200B));
    ck_assert_int_eq(fmt_unicode_decimal('7'), 7);
    ck_assert_int_eq(fmt_unicode_decimal(0x0663), 3);
    ck_assert_int_eq(fmt_unicode_decimal(0x1D7D8), 0);
    ck_assert_int_eq(fmt_unicode_decimal('a'), -1);
    ck_assert_int_eq(fmt_unicode_decimal(0x2460), -1); /* circled one: a digit, not decimal */
}
END_TEST

static Suite *test_fmt_suite(void) {
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("repr");
    tcase_add_test(tc, test_str_repr);
    tcase_add_test(tc, test_str_repr_nul);
    suite_add_tcase(s, tc);
    tc = tcase_create("float");
    tcase_add_test(tc, test_float_repr);
    tcase_add_test(tc, test_float_repr_round_trip);
    tcase_add_test(tc, test_double_to_string);
    tcase_add_test(tc, test_float_locale_proof);
    suite_add_tcase(s, tc);
    tc = tcase_create("spec");
    tcase_add_test(tc, test_format_int);
    tcase_add_test(tc, test_format_float);
    tcase_add_test(tc, test_format_str);
    tcase_add_test(tc, test_spec_parse_fields);
    suite_add_tcase(s, tc);
    tc = tcase_create("percent");
    tcase_add_test(tc, test_percent_table);
    tcase_add_test(tc, test_percent_scanner);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_test(tc, test_int_text);
    tcase_add_test(tc, test_utf8);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(test_fmt_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
