/* Command-line option lookup: Xen's value, boolean and size rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hv/cmdline.h>

static const char *line = "loglvl=all dom0_mem=64M console=com1 noreboot";

static void test_get_str(void **state)
{
    char out[16];

    assert_true(cmdline_get_str(line, "loglvl", out, sizeof(out)));
    assert_string_equal(out, "all");
    assert_true(cmdline_get_str(line, "console", out, sizeof(out)));
    assert_string_equal(out, "com1");
    /* Bare key: found, empty value. */
    assert_true(cmdline_get_str(line, "noreboot", out, sizeof(out)));
    assert_string_equal(out, "");
    /* Prefixes and suffixes of keys do not match. */
    assert_false(cmdline_get_str(line, "log", out, sizeof(out)));
    assert_false(cmdline_get_str(line, "loglvlx", out, sizeof(out)));
    assert_false(cmdline_get_str(line, "all", out, sizeof(out)));
    assert_false(cmdline_get_str(line, "dom0", out, sizeof(out)));
}

static void test_str_last_wins_and_truncates(void **state)
{
    char out[4];

    memset(out, 'Z', sizeof(out));
    assert_true(cmdline_get_str("a=first  a=second\tb=x", "a", out, sizeof(out)));
    assert_string_equal(out, "sec");            /* last occurrence, truncated */
    /* The value runs to the next blank; '=' inside it is kept. */
    char big[32];
    assert_true(cmdline_get_str("  opt=x=y,z  ", "opt", big, sizeof(big)));
    assert_string_equal(big, "x=y,z");
    /* n == 0 writes nothing. */
    out[0] = 'Q';
    assert_false(cmdline_get_str(line, "loglvl", out, 0));
    assert_int_equal(out[0], 'Q');
}

static void test_get_bool(void **state)
{
    assert_true(cmdline_get_bool(line, "noreboot", false));
    assert_false(cmdline_get_bool(line, "absent", false));
    assert_true(cmdline_get_bool(line, "absent", true));

    assert_false(cmdline_get_bool("no-x", "x", true));
    assert_true(cmdline_get_bool("x=", "x", false));
    assert_false(cmdline_get_bool("no-x=", "x", true));

    static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    char buf[32];
    for (size_t i = 0; i < 5; i++) {
        snprintf(buf, sizeof(buf), "x=%s", yes[i]);
        assert_true(cmdline_get_bool(buf, "x", false));
        snprintf(buf, sizeof(buf), "no-x=%s", yes[i]);
        assert_false(cmdline_get_bool(buf, "x", true));
        snprintf(buf, sizeof(buf), "x=%s", no[i]);
        assert_false(cmdline_get_bool(buf, "x", true));
        snprintf(buf, sizeof(buf), "no-x=%s", no[i]);
        assert_true(cmdline_get_bool(buf, "x", false));
    }
    /* Not booleans: ignored, the default (or an earlier value) stands. */
    assert_true(cmdline_get_bool("x=maybe", "x", true));
    assert_false(cmdline_get_bool("x=maybe", "x", false));
    assert_false(cmdline_get_bool("x=0 x=maybe", "x", true));
    assert_false(cmdline_get_bool("x=ON", "x", false));        /* case matters */
    assert_false(cmdline_get_bool("nox", "x", false));         /* only "no-" */
    /* Last valid occurrence wins. */
    assert_true(cmdline_get_bool("no-x x", "x", false));
    assert_false(cmdline_get_bool("x no-x", "x", true));
}

static void test_get_size(void **state)
{
    uint64_t v = 0;

    assert_true(cmdline_get_size(line, "dom0_mem", &v));
    assert_int_equal(v, 64ull << 20);
    assert_true(cmdline_get_size("m=65536", "m", &v));   /* no unit: KiB */
    assert_int_equal(v, 64ull << 20);
    assert_true(cmdline_get_size("m=4096b", "m", &v));
    assert_int_equal(v, 4096);
    assert_true(cmdline_get_size("m=2k", "m", &v));
    assert_int_equal(v, 2048);
    assert_true(cmdline_get_size("m=3g", "m", &v));
    assert_int_equal(v, 3ull << 30);
    assert_true(cmdline_get_size("m=1T", "m", &v));
    assert_int_equal(v, 1ull << 40);
    assert_true(cmdline_get_size("m=0x10M", "m", &v));
    assert_int_equal(v, 16ull << 20);
    assert_true(cmdline_get_size("m=010M", "m", &v));    /* octal, like strtoull */
    assert_int_equal(v, 8ull << 20);
    assert_true(cmdline_get_size("m=0", "m", &v));
    assert_int_equal(v, 0);

    v = 77;
    static const char *const bad[] = {
        "m", "m=", "m=M", "m=12Q", "m=12MB", "m=-1M", "m=0x", "m=16777216T",
        "m=99999999999999999999", "m=18014398509481984", /* 2^54 KiB overflows */
        "m=1.5M", "m=12\\M",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(cmdline_get_size(bad[i], "m", &v));
        assert_int_equal(v, 77);
    }
    /* The largest value that fits. */
    assert_true(cmdline_get_size("m=16777215T", "m", &v));
    assert_int_equal(v, 16777215ull << 40);
    /* Blanks end a value: "m=12 M" is 12 KiB followed by an option "M". */
    assert_true(cmdline_get_size("m=12 M", "m", &v));
    assert_int_equal(v, 12 * 1024);
    /* An invalid later occurrence does not undo a valid earlier one. */
    assert_true(cmdline_get_size("m=1M m=junk", "m", &v));
    assert_int_equal(v, 1ull << 20);
}

/* Xen's integer_param on an int: a sign, the int's range and Xen's 32-bit keeping. */
static void test_get_int32(void **state)
{
    int32_t v = 5;

    assert_true(cmdline_get_int32("n=42", "n", &v));
    assert_int_equal(v, 42);
    assert_true(cmdline_get_int32("n=-7", "n", &v));
    assert_int_equal(v, -7);
    assert_true(cmdline_get_int32("n=0x10 n=-0x10", "n", &v));
    assert_int_equal(v, -16);
    assert_true(cmdline_get_int32("n=-2147483648", "n", &v));
    assert_int_equal(v, INT32_MIN);
    assert_true(cmdline_get_int32("n=4294967295", "n", &v));
    assert_int_equal(v, -1);
    assert_true(cmdline_get_int32("n=3000000000", "n", &v));
    assert_int_equal(v, (int32_t)(uint32_t)3000000000u);
    v = 5;
    assert_false(cmdline_get_int32("n=4294967296", "n", &v));
    assert_false(cmdline_get_int32("n=-2147483649", "n", &v));
    assert_false(cmdline_get_int32("n=-", "n", &v));
    assert_false(cmdline_get_int32("n=--1", "n", &v));
    assert_false(cmdline_get_int32("n=12ms", "n", &v));
    assert_false(cmdline_get_int32("n", "n", &v));
    assert_false(cmdline_get_int32("m=3", "n", &v));
    assert_int_equal(v, 5);
    /* An invalid later occurrence leaves the earlier valid one. */
    assert_true(cmdline_get_int32("n=9 n=x", "n", &v));
    assert_int_equal(v, 9);
}

static void test_get_uint(void **state)
{
    uint64_t v = 5;

    assert_true(cmdline_get_uint("n=42", "n", &v));
    assert_int_equal(v, 42);
    assert_true(cmdline_get_uint("n=0x2A", "n", &v));
    assert_int_equal(v, 42);
    assert_true(cmdline_get_uint("n=052", "n", &v));
    assert_int_equal(v, 42);
    assert_true(cmdline_get_uint("n=18446744073709551615", "n", &v));
    assert_int_equal(v, UINT64_MAX);
    v = 5;
    assert_false(cmdline_get_uint("n=18446744073709551616", "n", &v));
    assert_false(cmdline_get_uint("n=42k", "n", &v));
    assert_false(cmdline_get_uint("n=", "n", &v));
    assert_false(cmdline_get_uint("n", "n", &v));
    assert_false(cmdline_get_uint("n=09", "n", &v));
    assert_int_equal(v, 5);
}

static void test_garbage(void **state)
{
    char out[8];
    uint64_t v;

    assert_false(cmdline_get_str(NULL, "a", out, sizeof(out)));
    assert_false(cmdline_get_str("a=1", NULL, out, sizeof(out)));
    assert_false(cmdline_get_str("a=1", "", out, sizeof(out)));
    assert_false(cmdline_get_str("", "a", out, sizeof(out)));
    assert_false(cmdline_get_str("   \t\n ", "a", out, sizeof(out)));
    assert_true(cmdline_get_bool(NULL, "a", true));
    assert_false(cmdline_get_size(NULL, "a", &v));
    assert_false(cmdline_get_uint(NULL, "a", &v));
    /* "=value" has an empty key, which no lookup can ask for. */
    assert_false(cmdline_get_str("=x ==", "x", out, sizeof(out)));

    /* Every byte value in a line: no crash, no read past the NUL (ASan). */
    char junk[257];
    for (int i = 0; i < 256; i++)
        junk[i] = (char)(i + 1);
    junk[256] = '\0';
    cmdline_get_str(junk, "a", out, sizeof(out));
    cmdline_get_bool(junk, "no-", false);
    cmdline_get_size(junk, "=", &v);
    cmdline_get_uint(junk, "\x01", &v);
}

/* dom0_mem as Xen 4.17 reads it, then Xen's arithmetic (avail in pages). */
static void test_dom0_mem(void **state)
{
    struct dom0_mem m;
    uint64_t wanted, avail = 1536ull << 8;           /* 1.5 GiB */

    assert_true(cmdline_get_dom0_mem("loglvl=all", &m));
    assert_false(m.set);
    /* Absent: all but 1/16 (at most 128 MiB). */
    assert_int_equal(dom0_mem_pages(&m, avail, NULL), avail - (96ull << 8));
    assert_int_equal(dom0_mem_pages(&m, 16ull << 18, NULL), (16ull << 18) - (128ull << 8));

    assert_true(cmdline_get_dom0_mem("dom0_mem=1024M,max:1024M", &m));
    assert_true(m.set);
    assert_int_equal(m.amount.pages, 1024ull << 8);
    assert_int_equal(m.max.pages, 1024ull << 8);
    assert_int_equal(dom0_mem_pages(&m, avail, &wanted), 1024ull << 8);
    assert_int_equal(wanted, 1024ull << 8);

    /* max below the amount lowers it; min above raises it. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=max:512M,1G", &m));
    assert_int_equal(dom0_mem_pages(&m, avail, NULL), 512ull << 8);
    assert_true(cmdline_get_dom0_mem("dom0_mem=min:800M,256M", &m));
    assert_int_equal(dom0_mem_pages(&m, avail, NULL), 800ull << 8);
    /* Negative: available memory less the amount. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=-512M", &m));
    assert_true(m.amount.minus);
    assert_int_equal(dom0_mem_pages(&m, avail, NULL), 1024ull << 8);
    /* Percent, and size+percent. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=50%", &m));
    assert_int_equal(dom0_mem_pages(&m, avail, NULL), 768ull << 8);
    assert_true(cmdline_get_dom0_mem("dom0_mem=100M+10%", &m));
    assert_int_equal(dom0_mem_pages(&m, 1000ull << 8, NULL), (100ull << 8) + (100ull << 8));
    /* No unit: KiB, as Xen. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=65536", &m));
    assert_int_equal(m.amount.pages, 16384);
    /* Larger than the machine: clamped to avail, *wanted shows the request. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=4G", &m));
    assert_int_equal(dom0_mem_pages(&m, avail, &wanted), avail);
    assert_int_equal(wanted, 4ull << 18);
    /* The last occurrence counts. */
    assert_true(cmdline_get_dom0_mem("dom0_mem=1G dom0_mem=64M", &m));
    assert_int_equal(m.amount.pages, 64ull << 8);

    /* Malformed values are refused as a whole. */
    static const char *bad[] = {
        "dom0_mem=", "dom0_mem=abc", "dom0_mem=1G,", "dom0_mem=min:", "dom0_mem=10%+1G",
        "dom0_mem=100%", "dom0_mem=1G+", "dom0_mem=1X", "dom0_mem=max:1G,,1G",
        "dom0_mem=5%+5%", "dom0_mem=--1G", "dom0_mem=1G,foo:2G",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (cmdline_get_dom0_mem(bad[i], &m))
            fail_msg("accepted %s", bad[i]);
        assert_false(m.set);
    }
}

static void test_dom0_max_vcpus(void **state)
{
    uint32_t lo, hi;

    assert_false(cmdline_get_dom0_max_vcpus("loglvl=all", &lo, &hi));
    assert_int_equal(lo, 1);
    assert_int_equal(hi, UINT32_MAX);
    assert_true(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=4", &lo, &hi));
    assert_int_equal(lo, 4);
    assert_int_equal(hi, 4);
    assert_true(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=2-", &lo, &hi));
    assert_int_equal(lo, 2);
    assert_int_equal(hi, UINT32_MAX);
    assert_true(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=2-8", &lo, &hi));
    assert_int_equal(hi, 8);
    assert_true(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=-3", &lo, &hi));
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 3);
    assert_true(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=0", &lo, &hi));
    assert_int_equal(lo, 1);                          /* 0 counts as 1, as in Xen */
    assert_false(cmdline_get_dom0_max_vcpus("dom0_max_vcpus=x dom0_max_vcpus=2-x", &lo, &hi));
}

/* Xen's dom0_max_vcpus() arithmetic over the parsed bounds. */
static void test_dom0_vcpus_count(void **state)
{
    uint32_t wanted;

    assert_int_equal(dom0_vcpus_count(2, 1, UINT32_MAX, 128, &wanted), 2);  /* one per CPU */
    assert_int_equal(dom0_vcpus_count(4, 1, 1, 128, &wanted), 1);           /* "1" */
    assert_int_equal(dom0_vcpus_count(2, 3, UINT32_MAX, 128, &wanted), 3);  /* "3-": beyond the CPUs */
    assert_int_equal(dom0_vcpus_count(8, 3, UINT32_MAX, 128, &wanted), 8);
    assert_int_equal(dom0_vcpus_count(4, 1, 2, 128, &wanted), 2);           /* "-2" */
    assert_int_equal(dom0_vcpus_count(4, 2, 8, 128, &wanted), 4);           /* "2-8" */
    assert_int_equal(dom0_vcpus_count(1, 4, 2, 128, &wanted), 2);           /* "4-2": max last */
    assert_int_equal(dom0_vcpus_count(4, 1, 0, 128, &wanted), 0);           /* "-0": Xen panics */
    assert_int_equal(dom0_vcpus_count(2, 200, 200, 128, &wanted), 128);     /* our limit cuts */
    assert_int_equal(wanted, 200);
}

static void test_next_key(void **state)
{
    const char *p = "  loglvl=all noreboot dom0_mem=1G,max:1G\tfoo=";
    char key[8];
    const char *want[] = { "loglvl", "noreboo", "dom0_me", "foo" };    /* truncated to 7 */

    for (size_t i = 0; i < 4; i++) {
        assert_true(cmdline_next_key(&p, key, sizeof(key)));
        assert_string_equal(key, want[i]);
    }
    assert_false(cmdline_next_key(&p, key, sizeof(key)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_str),
        cmocka_unit_test(test_str_last_wins_and_truncates),
        cmocka_unit_test(test_get_bool),
        cmocka_unit_test(test_get_size),
        cmocka_unit_test(test_get_uint),
        cmocka_unit_test(test_get_int32),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_dom0_mem),
        cmocka_unit_test(test_dom0_max_vcpus),
        cmocka_unit_test(test_dom0_vcpus_count),
        cmocka_unit_test(test_next_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
