/* xl's option reading for vcpu-pin's -f/--force and -i/--ignore-global-affinity-masks (toolstack/xl/getopt.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "xl/getopt.h"

static const struct xl_longopt longs[] = {
    { "force", 'f' }, { "ignore-global-affinity-masks", 'i' }, { NULL, 0 },
};
#define F 1u
#define I 2u

static char *args[16];
static int nargs;
static unsigned int seen;
static char bad;

static int run(int argc, const char **argv)
{
    return xl_getopt(argc, (char **)argv, "fi", longs, &seen, args, &nargs, &bad);
}

/* Options anywhere, clustered or long; the rest in order; "-" is an argument. */
static void test_options_anywhere(void **state)
{
    const char *a1[] = { "vcpu-pin", "-f", "beta", "0", "-", "all" };
    const char *a2[] = { "vcpu-pin", "beta", "--force", "0", "-i", "1" };
    const char *a3[] = { "vcpu-pin", "-if", "beta", "all", "0" };

    assert_int_equal(run(6, a1), 0);
    assert_int_equal(seen, F);
    assert_int_equal(nargs, 4);
    assert_string_equal(args[0], "beta");
    assert_string_equal(args[2], "-");
    assert_string_equal(args[3], "all");
    assert_int_equal(run(6, a2), 0);
    assert_int_equal(seen, F | I);
    assert_int_equal(nargs, 3);
    assert_string_equal(args[1], "0");
    assert_int_equal(run(5, a3), 0);
    assert_int_equal(seen, F | I);
    assert_int_equal(nargs, 3);
}

/* A long option by a prefix of its name, unless the prefix names several. */
static void test_long_prefixes(void **state)
{
    const char *a1[] = { "vcpu-pin", "--ign", "--fo", "d", "0", "0" };
    const char *a2[] = { "vcpu-pin", "--ignore-global-affinity-masks", "d", "0", "0" };

    assert_int_equal(run(6, a1), 0);
    assert_int_equal(seen, F | I);
    assert_int_equal(run(5, a2), 0);
    assert_int_equal(seen, I);
}

/* "--" ends the options: "-1" after it is an argument. */
static void test_double_dash(void **state)
{
    const char *a[] = { "vcpu-pin", "-f", "--", "d", "-1", "-i" };

    assert_int_equal(run(6, a), 0);
    assert_int_equal(seen, F);
    assert_int_equal(nargs, 3);
    assert_string_equal(args[1], "-1");
    assert_string_equal(args[2], "-i");
}

/* Unknown letters and long names; a value given to one; -h, --help and --he. */
static void test_bad_and_help(void **state)
{
    const char *a1[] = { "vcpu-pin", "-fx", "d", "0", "0" };
    const char *a2[] = { "vcpu-pin", "--frobnicate", "d", "0", "0" };
    const char *a3[] = { "vcpu-pin", "--force=1", "d", "0", "0" };
    const char *a4[] = { "vcpu-pin", "d", "-1", "0" };
    const char *a5[] = { "vcpu-pin", "d", "-h", "-x" };
    const char *a6[] = { "vcpu-pin", "--he" };
    const char *a7[] = { "vcpu-pin", "--help" };
    const char *a8[] = { "vcpu-pin", "-x", "-h" };

    assert_int_equal(run(5, a1), XL_GETOPT_BAD);
    assert_int_equal(bad, 'x');
    assert_int_equal(run(5, a2), XL_GETOPT_BAD);
    assert_int_equal(bad, 0);
    assert_int_equal(run(5, a3), XL_GETOPT_BAD);
    assert_int_equal(bad, 'f');
    assert_int_equal(run(4, a4), XL_GETOPT_BAD);
    assert_int_equal(bad, '1');
    assert_int_equal(run(4, a5), XL_GETOPT_HELP);
    assert_int_equal(run(2, a6), XL_GETOPT_HELP);
    assert_int_equal(run(2, a7), XL_GETOPT_HELP);
    assert_int_equal(run(3, a8), XL_GETOPT_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_anywhere),
        cmocka_unit_test(test_long_prefixes),
        cmocka_unit_test(test_double_dash),
        cmocka_unit_test(test_bad_and_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
