/* test_num.c - unit tests of num: Python int/float arithmetic on int64 and
 * double, rounding, hashing, int/float comparison and int()/float()
 * parsing. Every expected value was produced by CPython 3.11; where CPython
 * would return an int beyond int64, concviz's OverflowError is expected. */
#include "lang/num.h"

#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lang/fmt.h"

/* ------------------------------------------------------------------ */
/* Helpers: every result is compared as the text Python would show.    */

static void test_int_or_err(strbuf *sb, int rc, int64_t v, const num_error *err) {
    sb_clear(sb);
    if (rc)
        sb_printf(sb, "!%s: %s", err->type, err->msg);
    else
        sb_printf(sb, "%" PRId64, v);
}

static void test_float_or_err(strbuf *sb, int rc, double v, const num_error *err) {
    sb_clear(sb);
    if (rc)
        sb_printf(sb, "!%s: %s", err->type, err->msg);
    else
        fmt_float_repr(sb, v);
}

#define TEST_CHECK(sb, want, what) \
    ck_assert_msg(strcmp((sb).data, (want)) == 0, "%s: got '%s' want '%s'", (what), (sb).data, (want))

/* ------------------------------------------------------------------ */
/* int arithmetic                                                      */

static const struct {
    int64_t a, b;
    const char *add, *sub, *mul, *floordiv, *mod, *divmod, *truediv;
} test_iarith_cases[] = {
    {7LL, 2LL, "9", "5", "14", "3", "1", "3 1", "3.5"},
    {-7LL, 2LL, "-5", "-9", "-14", "-4", "1", "-4 1", "-3.5"},
    {7LL, -2LL, "5", "9", "-14", "-4", "-1", "-4 -1", "-3.5"},
    {-7LL, -2LL, "-9", "-5", "14", "3", "-1", "3 -1", "3.5"},
    {0LL, 5LL, "5", "-5", "0", "0", "0", "0 0", "0.0"},
    {0LL, -5LL, "-5", "5", "0", "0", "0", "0 0", "-0.0"},
    {5LL, 0LL, "5", "5", "0", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: integer modulo by zero", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: division by zero"},
    {-5LL, 0LL, "-5", "-5", "0", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: integer modulo by zero", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: division by zero"},
    {0LL, 0LL, "0", "0", "0", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: integer modulo by zero", "!ZeroDivisionError: integer division or modulo by zero", "!ZeroDivisionError: division by zero"},
    {1LL, 3LL, "4", "-2", "3", "0", "1", "0 1", "0.3333333333333333"},
    {-1LL, 3LL, "2", "-4", "-3", "-1", "2", "-1 2", "-0.3333333333333333"},
    {2LL, 3LL, "5", "-1", "6", "0", "2", "0 2", "0.6666666666666666"},
    {9223372036854775807LL, 1LL, "!OverflowError: integer result too large for concviz (int64)", "9223372036854775806", "9223372036854775807", "9223372036854775807", "0", "9223372036854775807 0", "9.223372036854776e+18"},
    {INT64_MIN, -1LL, "!OverflowError: integer result too large for concviz (int64)", "-9223372036854775807", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "0", "!OverflowError: integer result too large for concviz (int64)", "9.223372036854776e+18"},
    {INT64_MIN, 1LL, "-9223372036854775807", "!OverflowError: integer result too large for concviz (int64)", "-9223372036854775808", "-9223372036854775808", "0", "-9223372036854775808 0", "-9.223372036854776e+18"},
    {INT64_MIN, 2LL, "-9223372036854775806", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "-4611686018427387904", "0", "-4611686018427387904 0", "-4.611686018427388e+18"},
    {9223372036854775807LL, -1LL, "9223372036854775806", "!OverflowError: integer result too large for concviz (int64)", "-9223372036854775807", "-9223372036854775807", "0", "-9223372036854775807 0", "-9.223372036854776e+18"},
    {9223372036854775807LL, 9223372036854775807LL, "!OverflowError: integer result too large for concviz (int64)", "0", "!OverflowError: integer result too large for concviz (int64)", "1", "0", "1 0", "1.0"},
    {INT64_MIN, INT64_MIN, "!OverflowError: integer result too large for concviz (int64)", "0", "!OverflowError: integer result too large for concviz (int64)", "1", "0", "1 0", "1.0"},
    {4611686018427387904LL, 2LL, "4611686018427387906", "4611686018427387902", "!OverflowError: integer result too large for concviz (int64)", "2305843009213693952", "0", "2305843009213693952 0", "2.305843009213694e+18"},
    {-4611686018427387904LL, 2LL, "-4611686018427387902", "-4611686018427387906", "-9223372036854775808", "-2305843009213693952", "0", "-2305843009213693952 0", "-2.305843009213694e+18"},
    {3037000500LL, 3037000500LL, "6074001000", "0", "!OverflowError: integer result too large for concviz (int64)", "1", "0", "1 0", "1.0"},
    {-3037000499LL, 3037000499LL, "0", "-6074000998", "-9223372030926249001", "-1", "0", "-1 0", "-1.0"},
    {1000000000000000000LL, 7LL, "1000000000000000007", "999999999999999993", "7000000000000000000", "142857142857142857", "1", "142857142857142857 1", "1.4285714285714286e+17"},
    {9007199254740993LL, 1LL, "9007199254740994", "9007199254740992", "9007199254740993", "9007199254740993", "0", "9007199254740993 0", "9007199254740992.0"},
    {9007199254740993LL, 3LL, "9007199254740996", "9007199254740990", "27021597764222979", "3002399751580331", "0", "3002399751580331 0", "3002399751580331.0"},
    {9223372036854775807LL, 3LL, "!OverflowError: integer result too large for concviz (int64)", "9223372036854775804", "!OverflowError: integer result too large for concviz (int64)", "3074457345618258602", "1", "3074457345618258602 1", "3.0744573456182584e+18"},
    {-9223372036854775807LL, 1000000007LL, "-9223372035854775800", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "-9223371973", "708828004", "-9223371973 708828004", "-9223371972.291172"},
    {123456789123456789LL, 987654321LL, "123456790111111110", "123456788135802468", "!OverflowError: integer result too large for concviz (int64)", "124999998", "973765431", "124999998 973765431", "124999998.9859375"},
    {1LL, 9223372036854775807LL, "!OverflowError: integer result too large for concviz (int64)", "-9223372036854775806", "9223372036854775807", "0", "1", "0 1", "1.0842021724855044e-19"},
    {9223372036854775807LL, 4611686018427387905LL, "!OverflowError: integer result too large for concviz (int64)", "4611686018427387902", "!OverflowError: integer result too large for concviz (int64)", "1", "4611686018427387902", "1 4611686018427387902", "2.0"},
    {8261657684473197624LL, 2784249659845191438LL, "!OverflowError: integer result too large for concviz (int64)", "5477408024628006186", "!OverflowError: integer result too large for concviz (int64)", "2", "2693158364782814748", "2 2693158364782814748", "2.967283359543468"},
    {1527169275425311224LL, 137165131739192724LL, "1664334407164503948", "1390004143686118500", "!OverflowError: integer result too large for concviz (int64)", "11", "18352826294191260", "11 18352826294191260", "11.133800959919519"},
    {-1509457273540090022LL, 181LL, "-1509457273540089841", "-1509457273540090203", "!OverflowError: integer result too large for concviz (int64)", "-8339542947735304", "2", "-8339542947735304 2", "-8339542947735304.0"},
    {8785356068037452444LL, -3881023613069443411LL, "4904332454968009033", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "-3", "-2857714771170877789", "-3 -2857714771170877789", "-2.26366983144667"},
    {3357357195551156271LL, -5757763313810287289LL, "-2400406118259131018", "9115120509361443560", "!OverflowError: integer result too large for concviz (int64)", "-1", "-2400406118259131018", "-1 -2400406118259131018", "-0.5831009391265467"},
    {-863595804749289593LL, 792LL, "-863595804749288801", "-863595804749290385", "!OverflowError: integer result too large for concviz (int64)", "-1090398743370316", "679", "-1090398743370316 679", "-1090398743370315.1"},
    {-943842519274427104LL, -759LL, "-943842519274427863", "-943842519274426345", "!OverflowError: integer result too large for concviz (int64)", "1243534280993975", "-79", "1243534280993975 -79", "1243534280993975.0"},
    {4743413005406631124LL, 7992424660898182485LL, "!OverflowError: integer result too large for concviz (int64)", "-3249011655491551361", "!OverflowError: integer result too large for concviz (int64)", "0", "4743413005406631124", "0 4743413005406631124", "0.5934886103603972"},
    {3103034916813070836LL, 187LL, "3103034916813071023", "3103034916813070649", "!OverflowError: integer result too large for concviz (int64)", "16593769608626047", "47", "16593769608626047 47", "1.6593769608626048e+16"},
    {6271298756702532305LL, -4243871333037465898LL, "2027427423665066407", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "-2", "-2216443909372399491", "-2 -2216443909372399491", "-1.4777306531143053"},
    {-2666216563233674862LL, -7063335846092129992LL, "!OverflowError: integer result too large for concviz (int64)", "4397119282858455130", "!OverflowError: integer result too large for concviz (int64)", "0", "-2666216563233674862", "0 -2666216563233674862", "0.3774727156303617"},
    {-3921188757219644735LL, -200LL, "-3921188757219644935", "-3921188757219644535", "!OverflowError: integer result too large for concviz (int64)", "19605943786098223", "-135", "19605943786098223 -135", "1.9605943786098224e+16"},
    {-6154455751321388569LL, 912005387561085046LL, "-5242450363760303523", "-7066461138882473615", "!OverflowError: integer result too large for concviz (int64)", "-7", "229581961606206753", "-7 229581961606206753", "-6.748266880067274"},
    {8973733738937638733LL, 7087106730400084004LL, "!OverflowError: integer result too large for concviz (int64)", "1886627008537554729", "!OverflowError: integer result too large for concviz (int64)", "1", "1886627008537554729", "1 1886627008537554729", "1.2662055307344087"},
    {-7692574593023557443LL, -9000847795971954198LL, "!OverflowError: integer result too large for concviz (int64)", "1308273202948396755", "!OverflowError: integer result too large for concviz (int64)", "0", "-7692574593023557443", "0 -7692574593023557443", "0.8546500026882053"},
    {-4022668034752422715LL, 8358181456611150069LL, "4335513421858727354", "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)", "-1", "4335513421858727354", "-1 4335513421858727354", "-0.48128508044899826"},
    {-1880283478743649885LL, 299LL, "-1880283478743649586", "-1880283478743650184", "!OverflowError: integer result too large for concviz (int64)", "-6288573507503846", "69", "-6288573507503846 69", "-6288573507503846.0"},
    {-5707246563786524376LL, -5372370996297519859LL, "!OverflowError: integer result too large for concviz (int64)", "-334875567489004517", "!OverflowError: integer result too large for concviz (int64)", "1", "-334875567489004517", "1 -334875567489004517", "1.0623329192492088"},
    {1858090028661326229LL, 943LL, "1858090028661327172", "1858090028661325286", "!OverflowError: integer result too large for concviz (int64)", "1970402999640854", "907", "1970402999640854 907", "1970402999640855.0"},
    {-8752963602230680928LL, 233LL, "-8752963602230680695", "-8752963602230681161", "!OverflowError: integer result too large for concviz (int64)", "-37566367391547987", "43", "-37566367391547987 43", "-3.756636739154798e+16"},
    {-6957332811113955950LL, -10LL, "-6957332811113955960", "-6957332811113955940", "!OverflowError: integer result too large for concviz (int64)", "695733281111395595", "0", "695733281111395595 0", "6.957332811113956e+17"},
    {-6564873480255534690LL, 521256991981020429LL, "-6043616488274514261", "-7086130472236555119", "!OverflowError: integer result too large for concviz (int64)", "-13", "211467415497730887", "-13 211467415497730887", "-12.594312558390717"},
    {518527646805895210LL, 339362169090503176LL, "857889815896398386", "179165477715392034", "!OverflowError: integer result too large for concviz (int64)", "1", "179165477715392034", "1 179165477715392034", "1.5279477031737474"},
    {5016369065628723055LL, 5872206380496618149LL, "!OverflowError: integer result too large for concviz (int64)", "-855837314867895094", "!OverflowError: integer result too large for concviz (int64)", "0", "5016369065628723055", "0 5016369065628723055", "0.8542562608646742"},
    {325377068117119793LL, -943LL, "325377068117118850", "325377068117120736", "!OverflowError: integer result too large for concviz (int64)", "-345044610940743", "-856", "-345044610940743 -856", "-345044610940742.06"},
    {-4442448834464532083LL, -7737705760559675643LL, "!OverflowError: integer result too large for concviz (int64)", "3295256926095143560", "!OverflowError: integer result too large for concviz (int64)", "0", "-4442448834464532083", "0 -4442448834464532083", "0.5741299775326693"},
    {-5594783702382597770LL, 862LL, "-5594783702382596908", "-5594783702382598632", "!OverflowError: integer result too large for concviz (int64)", "-6490468332230392", "134", "-6490468332230392 134", "-6490468332230392.0"},
    {2640339734290068441LL, 863LL, "2640339734290069304", "2640339734290067578", "!OverflowError: integer result too large for concviz (int64)", "3059489842746313", "322", "3059489842746313 322", "3059489842746313.5"},
    {-3089512252663493051LL, -1921440555493392006LL, "-5010952808156885057", "-1168071697170101045", "!OverflowError: integer result too large for concviz (int64)", "1", "-1168071697170101045", "1 -1168071697170101045", "1.6079145638050514"},
    {-6292995076942698558LL, -691LL, "-6292995076942699249", "-6292995076942697867", "!OverflowError: integer result too large for concviz (int64)", "9107084047673948", "-490", "9107084047673948 -490", "9107084047673948.0"},
};

START_TEST(test_int_arith) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    char what[96];
    for (size_t i = 0; i < sizeof test_iarith_cases / sizeof test_iarith_cases[0]; i++) {
        int64_t a = test_iarith_cases[i].a, b = test_iarith_cases[i].b, o = 0, o2 = 0;
        double d = 0;
        int rc;
        snprintf(what, sizeof what, "%" PRId64 " op %" PRId64, a, b);
        rc = num_int_add(a, b, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iarith_cases[i].add, what);
        rc = num_int_sub(a, b, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iarith_cases[i].sub, what);
        rc = num_int_mul(a, b, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iarith_cases[i].mul, what);
        rc = num_int_floordiv(a, b, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iarith_cases[i].floordiv, what);
        rc = num_int_mod(a, b, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iarith_cases[i].mod, what);
        rc = num_int_divmod(a, b, &o, &o2, &err);
        test_int_or_err(&sb, rc, o, &err);
        if (!rc) sb_printf(&sb, " %" PRId64, o2);
        TEST_CHECK(sb, test_iarith_cases[i].divmod, what);
        rc = num_int_truediv(a, b, &d, &err);
        test_float_or_err(&sb, rc, d, &err);
        TEST_CHECK(sb, test_iarith_cases[i].truediv, what);
    }
    sb_free(&sb);
}
END_TEST

static const struct {
    int64_t base, exp;
    const char *want; /* "i:<int>", "f:<float>" or "!error" */
} test_ipow_cases[] = {
    {2LL, 10LL, "i:1024"},
    {2LL, 62LL, "i:4611686018427387904"},
    {2LL, 63LL, "!OverflowError: integer result too large for concviz (int64)"},
    {-2LL, 63LL, "i:-9223372036854775808"},
    {-2LL, 64LL, "!OverflowError: integer result too large for concviz (int64)"},
    {3LL, 39LL, "i:4052555153018976267"},
    {3LL, 40LL, "!OverflowError: integer result too large for concviz (int64)"},
    {10LL, 18LL, "i:1000000000000000000"},
    {10LL, 19LL, "!OverflowError: integer result too large for concviz (int64)"},
    {0LL, 0LL, "i:1"},
    {0LL, 5LL, "i:0"},
    {1LL, 1000000000000000000LL, "i:1"},
    {-1LL, 1000000000000000001LL, "i:-1"},
    {-1LL, 1000000000000000000LL, "i:1"},
    {7LL, 0LL, "i:1"},
    {2LL, -1LL, "f:0.5"},
    {10LL, -2LL, "f:0.01"},
    {0LL, -1LL, "!ZeroDivisionError: 0.0 cannot be raised to a negative power"},
    {-2LL, -3LL, "f:-0.125"},
    {3LL, -40LL, "f:8.225263339969959e-20"},
    {4294967296LL, 2LL, "!OverflowError: integer result too large for concviz (int64)"},
    {2147483648LL, 2LL, "i:4611686018427387904"},
    {-2147483648LL, 2LL, "i:4611686018427387904"},
    {5LL, 27LL, "i:7450580596923828125"},
    {5LL, 28LL, "!OverflowError: integer result too large for concviz (int64)"},
    {-3LL, 39LL, "i:-4052555153018976267"},
    {123LL, 9LL, "i:6443858614676334363"},
    {9223372036854775807LL, 1LL, "i:9223372036854775807"},
    {INT64_MIN, 1LL, "i:-9223372036854775808"},
    {0LL, 1000000000000000000LL, "i:0"},
    {2LL, 1000LL, "!OverflowError: integer result too large for concviz (int64)"},
    {-5LL, -1LL, "f:-0.2"},
};

START_TEST(test_int_pow) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_ipow_cases / sizeof test_ipow_cases[0]; i++) {
        int64_t o = 0;
        double d = 0;
        int is_float = 0;
        int rc = num_int_pow(test_ipow_cases[i].base, test_ipow_cases[i].exp, &o, &d, &is_float, &err);
        sb_clear(&sb);
        if (rc) {
            sb_printf(&sb, "!%s: %s", err.type, err.msg);
        } else if (is_float) {
            sb_puts(&sb, "f:");
            fmt_float_repr(&sb, d);
        } else {
            sb_printf(&sb, "i:%" PRId64, o);
        }
        TEST_CHECK(sb, test_ipow_cases[i].want, "pow");
    }
    sb_free(&sb);
}
END_TEST

static const struct {
    int64_t a, n;
    const char *lshift, *rshift;
} test_ishift_cases[] = {
    {1LL, 62LL, "4611686018427387904", "0"},
    {1LL, 63LL, "!OverflowError: integer result too large for concviz (int64)", "0"},
    {1LL, 64LL, "!OverflowError: integer result too large for concviz (int64)", "0"},
    {-1LL, 63LL, "-9223372036854775808", "-1"},
    {-1LL, 64LL, "!OverflowError: integer result too large for concviz (int64)", "-1"},
    {3LL, 61LL, "6917529027641081856", "0"},
    {3LL, 62LL, "!OverflowError: integer result too large for concviz (int64)", "0"},
    {5LL, -1LL, "!ValueError: negative shift count", "!ValueError: negative shift count"},
    {-8LL, 1LL, "-16", "-4"},
    {0LL, 1000LL, "0", "0"},
    {INT64_MIN, 0LL, "-9223372036854775808", "-9223372036854775808"},
    {4611686018427387904LL, 1LL, "!OverflowError: integer result too large for concviz (int64)", "2305843009213693952"},
    {5LL, 100LL, "!OverflowError: integer result too large for concviz (int64)", "0"},
    {-5LL, 100LL, "!OverflowError: integer result too large for concviz (int64)", "-1"},
    {INT64_MIN, 63LL, "!OverflowError: integer result too large for concviz (int64)", "-1"},
    {9223372036854775807LL, 62LL, "!OverflowError: integer result too large for concviz (int64)", "1"},
    {-1LL, 1LL, "-2", "-1"},
    {-7LL, 1LL, "-14", "-4"},
};

START_TEST(test_int_shift_and_bits) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_ishift_cases / sizeof test_ishift_cases[0]; i++) {
        int64_t o = 0;
        int rc = num_int_lshift(test_ishift_cases[i].a, test_ishift_cases[i].n, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_ishift_cases[i].lshift, "<<");
        rc = num_int_rshift(test_ishift_cases[i].a, test_ishift_cases[i].n, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_ishift_cases[i].rshift, ">>");
    }
    int64_t o;
    ck_assert_int_eq(num_int_neg(INT64_MIN, &o, &err), -1);
    ck_assert_str_eq(err.msg, NUM_INT_OVERFLOW_MSG);
    ck_assert_int_eq(num_int_abs(-5, &o, NULL), 0);
    ck_assert_int_eq(o, 5);
    ck_assert_int_eq(num_int_abs(INT64_MIN, &o, NULL), -1); /* a NULL err is allowed */
    ck_assert_int_eq(num_int_bit_length(0), 0);
    ck_assert_int_eq(num_int_bit_length(-1), 1);
    ck_assert_int_eq(num_int_bit_length(255), 8);
    ck_assert_int_eq(num_int_bit_length(INT64_MIN), 64);
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* float arithmetic                                                    */

static const struct {
    double a, b;
    const char *div, *floordiv, *mod, *divmod;
} test_farith_cases[] = {
    {7.5, 2.0, "3.75", "3.0", "1.5", "3.0 1.5"},
    {-7.5, 2.0, "-3.75", "-4.0", "0.5", "-4.0 0.5"},
    {7.5, -2.0, "-3.75", "-4.0", "-0.5", "-4.0 -0.5"},
    {-7.5, -2.0, "3.75", "3.0", "-1.5", "3.0 -1.5"},
    {1.0, 0.0, "!ZeroDivisionError: float division by zero", "!ZeroDivisionError: float floor division by zero", "!ZeroDivisionError: float modulo", "!ZeroDivisionError: float divmod()"},
    {1.0, -0.0, "!ZeroDivisionError: float division by zero", "!ZeroDivisionError: float floor division by zero", "!ZeroDivisionError: float modulo", "!ZeroDivisionError: float divmod()"},
    {0.0, 3.0, "0.0", "0.0", "0.0", "0.0 0.0"},
    {-0.0, 3.0, "-0.0", "-0.0", "0.0", "-0.0 0.0"},
    {0.0, -3.0, "-0.0", "-0.0", "-0.0", "-0.0 -0.0"},
    {-0.0, -3.0, "0.0", "0.0", "-0.0", "0.0 -0.0"},
    {3.0, INFINITY, "0.0", "0.0", "3.0", "0.0 3.0"},
    {-3.0, INFINITY, "-0.0", "-1.0", "inf", "-1.0 inf"},
    {INFINITY, 3.0, "inf", "nan", "nan", "nan nan"},
    {INFINITY, INFINITY, "nan", "nan", "nan", "nan nan"},
    {NAN, 2.0, "nan", "nan", "nan", "nan nan"},
    {2.0, NAN, "nan", "nan", "nan", "nan nan"},
    {1e+308, 1e-308, "inf", "inf", "3.498445546245627e-309", "inf 3.498445546245627e-309"},
    {5e-324, 0.1, "5e-323", "0.0", "5e-324", "0.0 5e-324"},
    {-1.0, 0.1, "-10.0", "-10.0", "5.551115123125783e-17", "-10.0 5.551115123125783e-17"},
    {1.0, -0.1, "-10.0", "-10.0", "-5.551115123125783e-17", "-10.0 -5.551115123125783e-17"},
    {0.3, 0.1, "2.9999999999999996", "2.0", "0.09999999999999998", "2.0 0.09999999999999998"},
    {-0.3, 0.1, "-2.9999999999999996", "-3.0", "2.7755575615628914e-17", "-3.0 2.7755575615628914e-17"},
    {1e+16, 3.0, "3333333333333333.5", "3333333333333333.0", "1.0", "3333333333333333.0 1.0"},
    {-1e-300, 1e+300, "-0.0", "-1.0", "1e+300", "-1.0 1e+300"},
    {6.0, -3.0, "-2.0", "-2.0", "-0.0", "-2.0 -0.0"},
    {-6.0, 3.0, "-2.0", "-2.0", "0.0", "-2.0 0.0"},
    {0.0, -0.5, "-0.0", "-0.0", "-0.0", "-0.0 -0.0"},
    {61.30039640643923, -7.076513825122516, "-8.662513480693713", "-9.0", "-2.388228019663414", "-9.0 -2.388228019663414"},
    {65.30209570507742, 9.606118868940609, "6.797968731806785", "6.0", "7.665382491433768", "6.0 7.665382491433768"},
    {31.453658547203986, -2.991849756849943, "-10.513114328414972", "-11.0", "-1.456688778145386", "-11.0 -1.456688778145386"},
    {9.732008797355832, -7.380322959810992, "-1.3186426732747025", "-2.0", "-5.028637122266153", "-2.0 -5.028637122266153"},
    {-97.15141236877889, 9.417803544755287, "-10.31571872433906", "-11.0", "6.444426623529267", "-11.0 6.444426623529267"},
    {29.93493393476612, 0.5316209419811102, "56.308793673951584", "56.0", "0.16416118382394984", "56.0 0.16416118382394984"},
    {86.72496101148533, -1.3238112648502884, "-65.51157503656171", "-66.0", "-0.646582468633703", "-66.0 -0.646582468633703"},
    {74.34858559788083, 6.523105036304422, "11.397729330448131", "11.0", "2.594430198532187", "11.0 2.594430198532187"},
    {-57.79153253437024, -4.9633037726909235, "11.643762941198695", "11.0", "-3.1951910347700823", "11.0 -3.1951910347700823"},
    {-41.40666946595621, -5.189212148833309, "7.979374956806436", "7.0", "-5.082184424123052", "7.0 -5.082184424123052"},
    {17.287433633192336, -4.812704094595796, "-3.5920416658494467", "-4.0", "-1.9633827451908488", "-4.0 -1.9633827451908488"},
    {-16.19748944909128, -7.378526469930334, "2.195220077491192", "2.0", "-1.4404365092306115", "2.0 -1.4404365092306115"},
    {82.0034112631113, -2.924319520934821, "-28.041878008220237", "-29.0", "-2.8018548439985107", "-29.0 -2.8018548439985107"},
    {-8.367802705653276, 1.6669754408369997, "-5.019751641602917", "-6.0", "1.6340499393687224", "-6.0 1.6340499393687224"},
    {80.85935490840797, -1.5874345858186967, "-50.937125618128015", "-51.0", "-0.09980896834556496", "-51.0 -0.09980896834556496"},
    {83.54421686853286, 0.03297882240462968, "2533.2686486951284", "2533.0", "0.008859717605872675", "2533.0 0.008859717605872675"},
    {6.364992487186754, 0.4701317117433277, "13.538743139841149", "13.0", "0.25328023452349413", "13.0 0.25328023452349413"},
    {-96.259026418916, -1.1975017523011324, "80.38320297564793", "80.0", "-0.4588862348253997", "80.0 -0.4588862348253997"},
    {-63.378422545560255, -9.92135036348716, "6.388084305419487", "6.0", "-3.850320364637291", "6.0 -3.850320364637291"},
    {59.834090098444335, -6.553065755731023, "-9.130701923159565", "-10.0", "-5.696567458865893", "-10.0 -5.696567458865893"},
};

START_TEST(test_float_arith) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_farith_cases / sizeof test_farith_cases[0]; i++) {
        double a = test_farith_cases[i].a, b = test_farith_cases[i].b, o = 0, o2 = 0;
        int rc = num_float_div(a, b, &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_farith_cases[i].div, "/");
        rc = num_float_floordiv(a, b, &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_farith_cases[i].floordiv, "//");
        rc = num_float_mod(a, b, &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_farith_cases[i].mod, "%");
        rc = num_float_divmod(a, b, &o, &o2, &err);
        test_float_or_err(&sb, rc, o, &err);
        if (!rc) {
            sb_putc(&sb, ' ');
            fmt_float_repr(&sb, o2);
        }
        TEST_CHECK(sb, test_farith_cases[i].divmod, "divmod");
    }
    sb_free(&sb);
}
END_TEST

static const struct {
    double a, b;
    const char *want;
} test_fpow_cases[] = {
    {2.0, 0.5, "1.4142135623730951"},
    {10.0, -2.0, "0.01"},
    {2.0, 10.0, "1024.0"},
    {-2.0, 3.0, "-8.0"},
    {-2.0, 0.5, "!ValueError: complex results are not supported by concviz"},
    {-8.0, 0.3333333333333333, "!ValueError: complex results are not supported by concviz"},
    {0.0, -1.0, "!ZeroDivisionError: 0.0 cannot be raised to a negative power"},
    {-0.0, -1.0, "!ZeroDivisionError: 0.0 cannot be raised to a negative power"},
    {0.0, -1.5, "!ZeroDivisionError: 0.0 cannot be raised to a negative power"},
    {0.0, 0.0, "1.0"},
    {-0.0, 3.0, "-0.0"},
    {-0.0, 2.0, "0.0"},
    {NAN, 0.0, "1.0"},
    {1.0, NAN, "1.0"},
    {NAN, 1.0, "nan"},
    {-1.0, INFINITY, "1.0"},
    {0.5, INFINITY, "0.0"},
    {2.0, -INFINITY, "0.0"},
    {INFINITY, -3.0, "0.0"},
    {-INFINITY, 3.0, "-inf"},
    {-INFINITY, 2.0, "inf"},
    {-INFINITY, -3.0, "-0.0"},
    {10.0, 400.0, "!OverflowError: (34, 'Numerical result out of range')"},
    {2.0, 10000.0, "!OverflowError: (34, 'Numerical result out of range')"},
    {-10.0, 401.0, "!OverflowError: (34, 'Numerical result out of range')"},
    {10.0, -400.0, "0.0"},
    {-1.0, 1e+300, "1.0"},
    {-1.0, 3.0, "-1.0"},
    {1.5, 2.5, "2.7556759606310752"},
    {9.0, 0.5, "3.0"},
    {2.0, -1074.0, "5e-324"},
    {2.0, -1075.0, "0.0"},
    {2.718281828459045, 2.0, "7.3890560989306495"},
    {-2.0, -INFINITY, "0.0"},
};

START_TEST(test_float_pow) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_fpow_cases / sizeof test_fpow_cases[0]; i++) {
        double o = 0;
        int rc = num_float_pow(test_fpow_cases[i].a, test_fpow_cases[i].b, &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_fpow_cases[i].want, "**");
    }
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* rounding and conversions                                            */

static const struct {
    double x;
    int64_t ndigits;
    const char *want;
} test_fround_cases[] = {
    {2.675, 2LL, "2.67"},
    {0.125, 2LL, "0.12"},
    {0.375, 2LL, "0.38"},
    {1234.5678, -1LL, "1230.0"},
    {-2.345, 1LL, "-2.3"},
    {1.005, 2LL, "1.0"},
    {2.5, 0LL, "2.0"},
    {-0.4, 0LL, "-0.0"},
    {0.5, 0LL, "0.0"},
    {1250.0, -2LL, "1200.0"},
    {1350.0, -2LL, "1400.0"},
    {1249.9999, -2LL, "1200.0"},
    {-1250.0, -2LL, "-1200.0"},
    {1234.5, -400LL, "0.0"},
    {-1234.5, -400LL, "-0.0"},
    {5e-324, 323LL, "0.0"},
    {5e-324, 400LL, "5e-324"},
    {1.7976931348623157e+308, -308LL, "!OverflowError: rounded value too large to represent"},
    {1.7976931348623157e+308, -307LL, "!OverflowError: rounded value too large to represent"},
    {INFINITY, 2LL, "inf"},
    {NAN, 2LL, "nan"},
    {-INFINITY, -2LL, "-inf"},
    {0.0, 5LL, "0.0"},
    {-0.0, 5LL, "-0.0"},
    {123.456, 10LL, "123.456"},
    {9.995, 2LL, "9.99"},
    {99.5, -1LL, "100.0"},
    {95.0, -1LL, "100.0"},
    {85.0, -1LL, "80.0"},
    {0.05, 1LL, "0.1"},
    {0.15, 1LL, "0.1"},
    {0.25, 1LL, "0.2"},
    {1e+22, -22LL, "1e+22"},
    {5e+21, -22LL, "0.0"},
    {1.5e+22, -22LL, "2e+22"},
    {2.5e+22, -22LL, "2e+22"},
    {123456789.98765433, 3LL, "123456789.988"},
    {-0.0001, 2LL, "-0.0"},
    {1e-320, 321LL, "1e-320"},
    {3.14159, 4611686018427387904LL, "3.14159"},
    {-5301413507.608731, -5LL, "-5301400000.0"},
    {11295.124980442646, 8LL, "11295.12498044"},
    {614527.0996454172, -5LL, "600000.0"},
    {0.7664556288763306, -1LL, "0.0"},
    {-0.617387737677737, -5LL, "-0.0"},
    {1542798.358464113, -8LL, "0.0"},
    {5.199862851800332, 6LL, "5.199863"},
    {-34877272.52762336, 8LL, "-34877272.52762336"},
    {-6011.935816298277, 6LL, "-6011.935816"},
    {16312309105.477062, 7LL, "16312309105.477062"},
    {15.503718577342108, 8LL, "15.50371858"},
    {7530.709635611868, 9LL, "7530.709635612"},
    {785.5098835120652, 6LL, "785.509884"},
    {-7.257311282062971, 4LL, "-7.2573"},
    {-1.1576382344991272, -1LL, "-0.0"},
    {-143.3226455283052, 1LL, "-143.3"},
    {567872034346.3104, -4LL, "567872030000.0"},
    {8790093171.018343, 3LL, "8790093171.018"},
    {-71.40420041515257, 6LL, "-71.4042"},
    {-5.608243383961606, 4LL, "-5.6082"},
    {76.98657585272309, -1LL, "80.0"},
    {-677067.8802382417, 8LL, "-677067.88023824"},
    {-192380.49776679068, -2LL, "-192400.0"},
    {-2.867704135399227, 3LL, "-2.868"},
    {-96103414.38952138, 6LL, "-96103414.389521"},
    {-0.11908379639459588, 4LL, "-0.1191"},
    {-337004221.71601874, 1LL, "-337004221.7"},
    {0.24524568926911106, -5LL, "0.0"},
    {970166488268.1987, -1LL, "970166488270.0"},
    {9.433919172941485, -6LL, "0.0"},
};

START_TEST(test_round_float) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    char what[64];
    for (size_t i = 0; i < sizeof test_fround_cases / sizeof test_fround_cases[0]; i++) {
        double o = 0;
        int rc = num_round_float(test_fround_cases[i].x, test_fround_cases[i].ndigits, &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        snprintf(what, sizeof what, "round(%.17g, %" PRId64 ")", test_fround_cases[i].x,
                 test_fround_cases[i].ndigits);
        TEST_CHECK(sb, test_fround_cases[i].want, what);
    }
    sb_free(&sb);
}
END_TEST

static const struct {
    double x;
    const char *round, *trunc;
} test_fround_int_cases[] = {
    {2.5, "2", "2"},
    {3.5, "4", "3"},
    {-2.5, "-2", "-2"},
    {-0.5, "0", "0"},
    {0.5, "0", "0"},
    {1.5, "2", "1"},
    {-1.5, "-2", "-1"},
    {0.49999999999999994, "0", "0"},
    {4503599627370497.0, "4503599627370497", "4503599627370497"},
    {9.223372036854776e+18, "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)"},
    {-9.223372036854776e+18, "-9223372036854775808", "-9223372036854775808"},
    {9.223372036854775e+18, "9223372036854774784", "9223372036854774784"},
    {INFINITY, "!OverflowError: cannot convert float infinity to integer", "!OverflowError: cannot convert float infinity to integer"},
    {-INFINITY, "!OverflowError: cannot convert float infinity to integer", "!OverflowError: cannot convert float infinity to integer"},
    {NAN, "!ValueError: cannot convert float NaN to integer", "!ValueError: cannot convert float NaN to integer"},
    {-0.0, "0", "0"},
    {1e+300, "!OverflowError: integer result too large for concviz (int64)", "!OverflowError: integer result too large for concviz (int64)"},
    {123.7, "124", "123"},
    {-123.7, "-124", "-123"},
};

START_TEST(test_float_to_int) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_fround_int_cases / sizeof test_fround_int_cases[0]; i++) {
        int64_t o = 0;
        int rc = num_round_float_to_int(test_fround_int_cases[i].x, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_fround_int_cases[i].round, "round");
        rc = num_float_to_int(test_fround_int_cases[i].x, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_fround_int_cases[i].trunc, "int");
    }
    int64_t o;
    ck_assert_int_eq(num_float_floor_to_int(-1.5, &o, &err), 0);
    ck_assert_int_eq(o, -2);
    ck_assert_int_eq(num_float_ceil_to_int(-1.5, &o, &err), 0);
    ck_assert_int_eq(o, -1);
    ck_assert_int_eq(num_float_floor_to_int(-INFINITY, &o, &err), -1);
    ck_assert_str_eq(err.msg, "cannot convert float infinity to integer");
    ck_assert_int_eq(num_float_ceil_to_int(NAN, &o, &err), -1);
    ck_assert_str_eq(err.type, "ValueError");
    sb_free(&sb);
}
END_TEST

static const struct {
    int64_t x, ndigits;
    const char *want;
} test_iround_cases[] = {
    {1250LL, -2LL, "1200"},
    {1350LL, -2LL, "1400"},
    {1234LL, -2LL, "1200"},
    {1249LL, -2LL, "1200"},
    {15LL, -1LL, "20"},
    {25LL, -1LL, "20"},
    {-15LL, -1LL, "-20"},
    {-25LL, -1LL, "-20"},
    {5LL, -1LL, "0"},
    {-5LL, -1LL, "0"},
    {1234LL, 2LL, "1234"},
    {0LL, -3LL, "0"},
    {9223372036854775807LL, -1LL, "!OverflowError: integer result too large for concviz (int64)"},
    {9223372036854775807LL, -18LL, "9000000000000000000"},
    {9223372036854775807LL, -19LL, "!OverflowError: integer result too large for concviz (int64)"},
    {INT64_MIN, -19LL, "!OverflowError: integer result too large for concviz (int64)"},
    {INT64_MIN, -20LL, "0"},
    {4999999999999999999LL, -19LL, "0"},
    {5000000000000000000LL, -19LL, "0"},
    {-5000000000000000000LL, -19LL, "0"},
    {5000000000000000001LL, -19LL, "!OverflowError: integer result too large for concviz (int64)"},
    {123LL, -100LL, "0"},
    {INT64_MIN, -1LL, "!OverflowError: integer result too large for concviz (int64)"},
    {999LL, -3LL, "1000"},
    {500LL, -3LL, "0"},
    {1500LL, -3LL, "2000"},
    {2500LL, -3LL, "2000"},
};

START_TEST(test_round_int) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_iround_cases / sizeof test_iround_cases[0]; i++) {
        int64_t o = 0;
        int rc = num_round_int(test_iround_cases[i].x, test_iround_cases[i].ndigits, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_iround_cases[i].want, "round(int)");
    }
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* hashing and comparison                                              */

static const struct {
    int64_t v, hash;
} test_hint_cases[] = {
    {0LL, 0LL},
    {1LL, 1LL},
    {-1LL, -2LL},
    {-2LL, -2LL},
    {2305843009213693950LL, 2305843009213693950LL},
    {2305843009213693951LL, 0LL},
    {2305843009213693952LL, 1LL},
    {-2305843009213693951LL, 0LL},
    {-2305843009213693952LL, -2LL},
    {9223372036854775807LL, 3LL},
    {INT64_MIN, -4LL},
    {12345LL, 12345LL},
    {-12345LL, -12345LL},
    {1000000000000000000LL, 1000000000000000000LL},
};

static const struct {
    double v;
    int64_t hash;
} test_hfloat_cases[] = {
    {0.0, 0LL},
    {-0.0, 0LL},
    {1.0, 1LL},
    {-1.0, -2LL},
    {1.5, 1152921504606846977LL},
    {-1.5, -1152921504606846977LL},
    {0.1, 230584300921369408LL},
    {1e+300, 1224995262755759164LL},
    {-1e-300, -482449582752280463LL},
    {5e-324, 16777216LL},
    {INFINITY, 314159LL},
    {-INFINITY, -314159LL},
    {2.305843009213694e+18, 1LL},
    {4.611686018427388e+18, 2LL},
    {9.223372036854776e+18, 4LL},
    {1e+16, 10000000000000000LL},
    {123456.789, 1819310134279660096LL},
    {9.313225746154785e-10, 2147483648LL},
    {2.211234252027217e+27, 2234147980093995143LL},
    {-3.561043431919146e+192, -620618514502511636LL},
    {8.4136843870646e-85, 2139633117852654904LL},
    {-27862564.327137534, -754327794873869860LL},
    {-2.247523642321576e+86, -925497673757772451LL},
    {-1.2637663434395616e+123, -869203135998658102LL},
    {-1.0971923517582826e-91, -350637876931938311LL},
    {-9.721380304684311e+241, -294578152489355082LL},
    {4.0202136380009565e+192, 940360619136439428LL},
    {-1.5156478300578119e-263, -682299541564999583LL},
    {-1.9876213950433033e-290, -737134262175674774LL},
    {8.276059906583578e+301, 1194600004815767396LL},
    {2.12355869801652e+95, 1692004260018916537LL},
    {1.3813222106081147e+36, 599053016657518976LL},
    {-2.8555248282750853e+61, -265294194231446074LL},
    {1.3027302569679252e-82, 2052262650991581954LL},
    {-2.822258583499748e+179, -144268342371749022LL},
    {4.5647017935303267e+23, 885563071383405898LL},
    {6.379233250206185e-288, 2021531230230424297LL},
    {1.8457188163660088e-199, 904400356055713552LL},
};

START_TEST(test_hash) {
    for (size_t i = 0; i < sizeof test_hint_cases / sizeof test_hint_cases[0]; i++)
        ck_assert_int_eq(num_hash_int(test_hint_cases[i].v), test_hint_cases[i].hash);
    for (size_t i = 0; i < sizeof test_hfloat_cases / sizeof test_hfloat_cases[0]; i++)
        ck_assert_int_eq(num_hash_double(test_hfloat_cases[i].v), test_hfloat_cases[i].hash);
    /* equal values hash alike */
    for (int64_t v = -1000; v <= 1000; v += 7) ck_assert_int_eq(num_hash_int(v), num_hash_double((double)v));
    ck_assert_int_eq(num_hash_int(INT64_MIN), num_hash_double(-9223372036854775808.0));
    ck_assert_int_eq(num_hash_double(NAN), 0);
}
END_TEST

static const struct {
    int64_t a;
    double b;
    int want;
} test_cmp_cases[] = {
    {1LL, 1.0, 0},
    {1LL, 1.5, -1},
    {2LL, 1.5, 1},
    {-1LL, -1.5, 1},
    {-2LL, -1.5, -1},
    {9007199254740993LL, 9007199254740992.0, 1},
    {9007199254740993LL, 9007199254740994.0, -1},
    {9223372036854775807LL, 9.223372036854776e+18, -1},
    {INT64_MIN, -9.223372036854776e+18, 0},
    {INT64_MIN, -9.22337203685478e+18, 1},
    {0LL, -0.0, 0},
    {0LL, 5e-324, -1},
    {0LL, -5e-324, 1},
    {5LL, INFINITY, -1},
    {5LL, -INFINITY, 1},
    {5LL, NAN, 2},
    {4611686018427387905LL, 4.611686018427388e+18, 1},
    {-4611686018427387905LL, -4.611686018427388e+18, -1},
    {9007199254740993LL, 9007199254740992.0, 1},
    {10LL, 9.999999999999998, 1},
};

START_TEST(test_cmp_int_float) {
    for (size_t i = 0; i < sizeof test_cmp_cases / sizeof test_cmp_cases[0]; i++)
        ck_assert_msg(num_cmp_int_float(test_cmp_cases[i].a, test_cmp_cases[i].b) == test_cmp_cases[i].want,
                      "case %zu", i);
    ck_assert_int_eq(NUM_CMP_UNORDERED, 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* parsing                                                             */

static const struct {
    const char *s;
    int base;
    const char *want;
} test_pint_cases[] = {
    {"0", 10, "0"},
    {"-0", 10, "0"},
    {"+5", 10, "5"},
    {" 12 ", 10, "12"},
    {"1_000", 10, "1000"},
    {"1__0", 10, "!ValueError: invalid literal for int() with base 10: '1__0'"},
    {"_1", 10, "!ValueError: invalid literal for int() with base 10: '_1'"},
    {"1_", 10, "!ValueError: invalid literal for int() with base 10: '1_'"},
    {"0x1f", 16, "31"},
    {"0X1F", 0, "31"},
    {"0o17", 0, "15"},
    {"0b101", 0, "5"},
    {"0b", 0, "!ValueError: invalid literal for int() with base 0: '0b'"},
    {"0x", 16, "!ValueError: invalid literal for int() with base 16: '0x'"},
    {"0x_1f", 0, "31"},
    {"0x_1f", 16, "31"},
    {"0_0", 0, "0"},
    {"00", 0, "0"},
    {"010", 0, "!ValueError: invalid literal for int() with base 0: '010'"},
    {"08", 0, "!ValueError: invalid literal for int() with base 0: '08'"},
    {"1e3", 10, "!ValueError: invalid literal for int() with base 10: '1e3'"},
    {"abc", 10, "!ValueError: invalid literal for int() with base 10: 'abc'"},
    {"abc", 16, "2748"},
    {"", 10, "!ValueError: invalid literal for int() with base 10: ''"},
    {" ", 10, "!ValueError: invalid literal for int() with base 10: ' '"},
    {"١٢", 10, "12"},
    {" 12\343\200\200", 10, "12"},
    {"\03412", 10, "!ValueError: invalid literal for int() with base 10: '\\x1c12'"},
    {"-  5", 10, "!ValueError: invalid literal for int() with base 10: '-  5'"},
    {"- 5", 10, "!ValueError: invalid literal for int() with base 10: '- 5'"},
    {"+-5", 10, "!ValueError: invalid literal for int() with base 10: '+-5'"},
    {"9223372036854775807", 10, "9223372036854775807"},
    {"9223372036854775808", 10, "!OverflowError: integer result too large for concviz (int64)"},
    {"-9223372036854775808", 10, "-9223372036854775808"},
    {"-9223372036854775809", 10, "!OverflowError: integer result too large for concviz (int64)"},
    {"99999999999999999999999", 10, "!OverflowError: integer result too large for concviz (int64)"},
    {"zz", 36, "1295"},
    {"ZZ", 36, "1295"},
    {"zz", 35, "!ValueError: invalid literal for int() with base 35: 'zz'"},
    {"1.5", 10, "!ValueError: invalid literal for int() with base 10: '1.5'"},
    {"0b2", 0, "!ValueError: invalid literal for int() with base 0: '0b2'"},
    {"0_b1", 0, "!ValueError: invalid literal for int() with base 0: '0_b1'"},
    {"0o_7", 8, "7"},
    {"0b__1", 2, "!ValueError: invalid literal for int() with base 2: '0b__1'"},
    {"0o17", 16, "!ValueError: invalid literal for int() with base 16: '0o17'"},
    {"0B101", 2, "5"},
    {"x", 1, "!ValueError: int() base must be >= 2 and <= 36, or 0"},
    {"x", 37, "!ValueError: int() base must be >= 2 and <= 36, or 0"},
    {"x", -1, "!ValueError: int() base must be >= 2 and <= 36, or 0"},
    {"it's", 10, "!ValueError: invalid literal for int() with base 10: \"it's\""},
    {"é", 10, "!ValueError: invalid literal for int() with base 10: 'é'"},
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 10, "!ValueError: invalid literal for int() with base 10: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"-0x10", 0, "-16"},
    {"0x-10", 0, "!ValueError: invalid literal for int() with base 0: '0x-10'"},
    {"7fffffffffffffff", 16, "9223372036854775807"},
    {"-8000000000000000", 16, "-9223372036854775808"},
    {"8000000000000000", 16, "!OverflowError: integer result too large for concviz (int64)"},
    {"\t\n42\015\013\014", 10, "42"},
    {"000000000000000000000000000000000000000000000000001", 10, "1"},
    {"1 2", 10, "!ValueError: invalid literal for int() with base 10: '1 2'"},
};

START_TEST(test_parse_int) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_pint_cases / sizeof test_pint_cases[0]; i++) {
        int64_t o = 0;
        const char *s = test_pint_cases[i].s;
        int rc = num_parse_int(s, strlen(s), test_pint_cases[i].base, &o, &err);
        test_int_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_pint_cases[i].want, s);
    }
    /* an embedded NUL is just an invalid character */
    int64_t o;
    ck_assert_int_eq(num_parse_int("12\0", 3, 10, &o, &err), -1);
    ck_assert_str_eq(err.msg, "invalid literal for int() with base 10: '12\\x00'");
    /* CPython's limit on decimal digits comes before the other checks */
    static char big[5002];
    memset(big, '1', 5000);
    big[5000] = 'x';
    ck_assert_int_eq(num_parse_int(big, 5001, 10, &o, &err), -1);
    ck_assert_str_eq(err.msg, "Exceeds the limit (4300 digits) for integer string conversion: value has 5000 "
                              "digits; use sys.set_int_max_str_digits() to increase the limit");
    ck_assert_int_eq(num_parse_int(big, 4300, 10, &o, &err), -1);
    ck_assert_str_eq(err.type, "OverflowError");
    ck_assert_int_eq(num_parse_int(big, 5000, 16, &o, &err), -1); /* no limit for base 16 */
    ck_assert_str_eq(err.type, "OverflowError");
    /* a long invalid literal shows 200 characters of its repr */
    ck_assert_int_eq(num_parse_int(big + 4700, 301, 10, &o, &err), -1);
    ck_assert_uint_eq(strlen(err.msg), strlen("invalid literal for int() with base 10: ") + 200);
    sb_free(&sb);
}
END_TEST

static const struct {
    const char *s, *want;
} test_pfloat_cases[] = {
    {"1.5", "1.5"},
    {" 1.5 ", "1.5"},
    {"1_0.5", "10.5"},
    {"1_.5", "!ValueError: could not convert string to float: '1_.5'"},
    {"1e_1", "!ValueError: could not convert string to float: '1e_1'"},
    {"1e1_0", "10000000000.0"},
    {".5", "0.5"},
    {"5.", "5.0"},
    {".", "!ValueError: could not convert string to float: '.'"},
    {"-iNfinity", "-inf"},
    {"+nan", "nan"},
    {"-nan", "nan"},
    {"infinit", "!ValueError: could not convert string to float: 'infinit'"},
    {"inf", "inf"},
    {"-inf", "-inf"},
    {"INF", "inf"},
    {"Infinity", "inf"},
    {"nan", "nan"},
    {"0x1p3", "!ValueError: could not convert string to float: '0x1p3'"},
    {"1e", "!ValueError: could not convert string to float: '1e'"},
    {"1e+", "!ValueError: could not convert string to float: '1e+'"},
    {"1e-5", "1e-05"},
    {"1E5", "100000.0"},
    {" \302\2401.5\342\200\203", "1.5"},
    {"١.٥", "1.5"},
    {"1_000_000.000_1e0_1", "10000000.001"},
    {"nan_", "!ValueError: could not convert string to float: 'nan_'"},
    {"1.5e+_3", "!ValueError: could not convert string to float: '1.5e+_3'"},
    {"_1.5", "!ValueError: could not convert string to float: '_1.5'"},
    {"1._5", "!ValueError: could not convert string to float: '1._5'"},
    {"1_e5", "!ValueError: could not convert string to float: '1_e5'"},
    {"", "!ValueError: could not convert string to float: ''"},
    {" ", "!ValueError: could not convert string to float: ' '"},
    {"1e400", "inf"},
    {"-1e400", "-inf"},
    {"1e-400", "0.0"},
    {"2.2250738585072011e-308", "2.225073858507201e-308"},
    {"0.1", "0.1"},
    {"123456789012345678901234567890", "1.2345678901234568e+29"},
    {"1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001", "1.0"},
    {"x1", "!ValueError: could not convert string to float: 'x1'"},
    {"a'b", "!ValueError: could not convert string to float: \"a'b\""},
    {"+", "!ValueError: could not convert string to float: '+'"},
    {"-", "!ValueError: could not convert string to float: '-'"},
    {"+.5", "0.5"},
    {"-.5e-3", "-0.0005"},
    {"1 2", "!ValueError: could not convert string to float: '1 2'"},
    {"in f", "!ValueError: could not convert string to float: 'in f'"},
    {"3.14", "3.14"},
    {"1e5_", "!ValueError: could not convert string to float: '1e5_'"},
    {"1__0", "!ValueError: could not convert string to float: '1__0'"},
    {"0_0.0_0", "0.0"},
    {"-0", "-0.0"},
    {"-0.0e5", "-0.0"},
    {"9007199254740993", "9007199254740992.0"},
    {"4.9406564584124654e-324", "5e-324"},
    {"2.4703282292062327e-324", "0.0"},
    {"2.4703282292062328e-324", "5e-324"},
    {"1.7976931348623159e308", "inf"},
};

START_TEST(test_parse_float) {
    strbuf sb;
    sb_init(&sb);
    num_error err;
    for (size_t i = 0; i < sizeof test_pfloat_cases / sizeof test_pfloat_cases[0]; i++) {
        double o = 0;
        const char *s = test_pfloat_cases[i].s;
        int rc = num_parse_float(s, strlen(s), &o, &err);
        test_float_or_err(&sb, rc, o, &err);
        TEST_CHECK(sb, test_pfloat_cases[i].want, s);
    }
    double o;
    ck_assert_int_eq(num_parse_float("-nan", 4, &o, &err), 0);
    ck_assert(isnan(o) && signbit(o));
    ck_assert_int_eq(num_parse_float("1.5\0", 4, &o, &err), -1);
    sb_free(&sb);
}
END_TEST

static Suite *test_num_suite(void) {
    Suite *s = suite_create("num");
    TCase *tc = tcase_create("int");
    tcase_add_test(tc, test_int_arith);
    tcase_add_test(tc, test_int_pow);
    tcase_add_test(tc, test_int_shift_and_bits);
    suite_add_tcase(s, tc);
    tc = tcase_create("float");
    tcase_add_test(tc, test_float_arith);
    tcase_add_test(tc, test_float_pow);
    suite_add_tcase(s, tc);
    tc = tcase_create("round");
    tcase_add_test(tc, test_round_float);
    tcase_add_test(tc, test_float_to_int);
    tcase_add_test(tc, test_round_int);
    suite_add_tcase(s, tc);
    tc = tcase_create("hash");
    tcase_add_test(tc, test_hash);
    tcase_add_test(tc, test_cmp_int_float);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_int);
    tcase_add_test(tc, test_parse_float);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(test_num_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
