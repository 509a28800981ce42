/*
 * The toolstack's xl.cfg parser (toolstack/xl/cfg.c): good configurations
 * in xl's syntax, and bad ones, each giving exactly one line that names
 * the file, the line, the key and the problem; unknown keys are warnings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xl/cfg.h"

static char warnings[8][XL_CFG_MSG_MAX];
static unsigned int nr_warnings;

static void on_warn(const char *line, void *ctx)
{
    if (nr_warnings < 8)
        snprintf(warnings[nr_warnings], XL_CFG_MSG_MAX, "%s", line);
    nr_warnings++;
}

static struct xl_cfg cfg;
static char err[XL_CFG_MSG_MAX];

static int parse(const char *text)
{
    nr_warnings = 0;
    return xl_cfg_parse(text, strlen(text), "guest.cfg", &cfg, err, on_warn, NULL);
}

static void expect_error(const char *text, const char *line)
{
    if (parse(text) != -1)
        fail_msg("accepted: %s", text);
    if (strcmp(err, line))
        fail_msg("error\n  got:  %s\n  want: %s", err, line);
    assert_null(strchr(err, '\n'));
}

static void test_minimal(void **state)
{
    assert_int_equal(parse("name = \"a\"\nkernel = \"hello.elf\"\n"), 0);
    assert_string_equal(cfg.name, "a");
    assert_string_equal(cfg.kernel, "hello.elf");
    assert_string_equal(cfg.ramdisk, "");
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.memory_mib, 32);          /* libxl's default */
    assert_int_equal(cfg.maxmem_mib, 32);
    assert_int_equal(cfg.vcpus, 1);
    assert_int_equal(cfg.maxvcpus, 1);
    assert_int_equal(cfg.on_poweroff, XL_ACTION_DESTROY);
    assert_int_equal(cfg.on_reboot, XL_ACTION_RESTART);
    assert_int_equal(cfg.on_crash, XL_ACTION_DESTROY);
    assert_int_equal(nr_warnings, 0);
}

static void test_full(void **state)
{
    const char *text =
        "# a guest\n"
        "type = 'pv'\n"
        "name = \"web-1\"   # trailing comment\n"
        "kernel = '/boot/k.elf'; ramdisk = \"/boot/r.cpio\"\n"
        "memory = 16\n"
        "maxmem = 0x20\n"
        "vcpus = \"2\"\n"
        "extra = \"console=hvc0 x=\\\"y\\\"\"\n"
        "root = \"/dev/xvda1\"\n"
        "on_poweroff = \"preserve\"\n"
        "on_crash = 'coredump-restart'\n"
        "\n"
        "   \t\n";

    assert_int_equal(parse(text), 0);
    assert_string_equal(cfg.name, "web-1");
    assert_string_equal(cfg.kernel, "/boot/k.elf");
    assert_string_equal(cfg.ramdisk, "/boot/r.cpio");
    assert_int_equal(cfg.memory_mib, 16);
    assert_int_equal(cfg.maxmem_mib, 32);
    assert_int_equal(cfg.vcpus, 2);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda1 console=hvc0 x=\"y\"");
    assert_int_equal(cfg.on_poweroff, XL_ACTION_PRESERVE);
    assert_int_equal(cfg.on_crash, XL_ACTION_COREDUMP_RESTART);
    assert_int_equal(nr_warnings, 0);
}

static void test_cmdline_wins(void **state)
{
    assert_int_equal(parse("name='a'\nkernel='k'\nextra='e'\ncmdline='c'\n"), 0);
    assert_string_equal(cfg.cmdline, "c");
    assert_int_equal(nr_warnings, 1);
    assert_string_equal(warnings[0],
                        "xl: guest.cfg:4: warning: cmdline: set, so root and extra are ignored");
    assert_int_equal(parse("name='a'\nkernel='k'\nextra='only extra'"), 0);
    assert_string_equal(cfg.cmdline, "only extra");
}

static void test_later_setting_wins_and_no_final_newline(void **state)
{
    assert_int_equal(parse("name='a'\nkernel='k'\nmemory=8\nmemory=12"), 0);
    assert_int_equal(cfg.memory_mib, 12);
}

static void test_lists_and_unknown_keys(void **state)
{
    const char *text =
        "name = 'a'\n"
        "kernel = 'k'\n"
        "disk = [ 'phy:/dev/x,xvda,w',\n"
        "         'file:/y,xvdb,r', # second\n"
        "]\n"
        "colour = 'blue'\n"
        "vif = []\n";

    assert_int_equal(parse(text), 0);
    assert_int_equal(nr_warnings, 3);
    assert_string_equal(warnings[0],
                        "xl: guest.cfg:3: warning: disk: not supported by this toolstack, ignored");
    assert_string_equal(warnings[1], "xl: guest.cfg:6: warning: colour: unknown key, ignored");
    assert_string_equal(warnings[2],
                        "xl: guest.cfg:7: warning: vif: not supported by this toolstack, ignored");
}

static void test_bad_values(void **state)
{
    expect_error("name='a'\nkernel='k'\nmemory = \"lots\"\n",
                 "xl: guest.cfg:3: memory: expected a number, got \"lots\"");
    expect_error("name='a'\nmemory = [1, 2]\nkernel='k'\n",
                 "xl: guest.cfg:2: memory: expected a number, got a list");
    expect_error("name='a'\nkernel='k'\nmemory = 0\n",
                 "xl: guest.cfg:3: memory: must be between 1 and 1048576, got 0");
    expect_error("name='a'\nkernel='k'\nvcpus = 129\n",
                 "xl: guest.cfg:3: vcpus: must be between 1 and 128, got 129");
    expect_error("name='a'\nkernel='k'\nmemory = 12abc\n",
                 "xl: guest.cfg:3: memory: not a valid number: 12abc");
    expect_error("name='a'\nkernel='k'\nmemory = 99999999999999999999999\n",
                 "xl: guest.cfg:3: memory: not a valid number: 99999999999999999999999");
    expect_error("name = 16\nkernel='k'\n", "xl: guest.cfg:1: name: expected a string, got 16");
    expect_error("name='a'\nkernel=['k']\n",
                 "xl: guest.cfg:2: kernel: expected a string, got a list");
    expect_error("name='a'\nkernel='k'\non_poweroff = 'explode'\n",
                 "xl: guest.cfg:3: on_poweroff: expected destroy, restart, rename-restart, "
                 "preserve, coredump-destroy, coredump-restart or soft-reset, got \"explode\"");
    expect_error("name='a'\nkernel='k'\ntype = 'hvm'\n",
                 "xl: guest.cfg:3: type: only \"pv\" guests are supported, got \"hvm\"");
    expect_error("name='a'\nkernel='k'\nmemory = 16\nmaxmem = 8\n",
                 "xl: guest.cfg:4: maxmem: below memory (8 < 16)");
    expect_error("name='a'\nkernel='k'\nvcpus = 4\nmaxvcpus = 2\n",
                 "xl: guest.cfg:4: maxvcpus: below vcpus (2 < 4)");
}

static void test_bad_syntax(void **state)
{
    expect_error("name='a'\nkernel='k'\nmemory = lots\n",
                 "xl: guest.cfg:3: memory: expected \"string\", number or [list], got lots");
    expect_error("name='a'\nkernel = \"k\n", "xl: guest.cfg:2: kernel: string not closed (missing \")");
    expect_error("name='a'\nkernel\n", "xl: guest.cfg:2: kernel: expected = after the key, "
                 "got the end of the line");
    expect_error("name='a'\nkernel =\n", "xl: guest.cfg:2: kernel: no value after =");
    expect_error("name='a' 'b'\n", "xl: guest.cfg:1: name: unexpected 'b' after the value");
    expect_error("= 3\n", "xl: guest.cfg:1: expected a key, got =");
    expect_error("name='a'\ndisk = [ 'x'\n 'y' ]\n",
                 "xl: guest.cfg:3: disk: expected , or ] in the list, got 'y'");
    expect_error("name='a'\ndisk = [ 'x',\n", "xl: guest.cfg:2: disk: list not closed (missing ])");
    expect_error("name='a'\ndisk = [ ['x'] ]\n",
                 "xl: guest.cfg:2: disk: expected \"string\", number or [list], got ['x']");
}

static void test_missing_and_bad_names(void **state)
{
    expect_error("kernel='k'\n", "xl: guest.cfg: name: missing (every domain needs a name)");
    expect_error("name='a'\n", "xl: guest.cfg: kernel: missing (a PV guest boots a kernel image)");
    expect_error("name='12'\nkernel='k'\n",
                 "xl: guest.cfg:1: name: a number cannot be a domain name, got \"12\"");
    expect_error("name=''\nkernel='k'\n", "xl: guest.cfg:1: name: missing (every domain needs a name)");
}

static void test_too_long(void **state)
{
    char text[2048];

    snprintf(text, sizeof(text), "name='%070d'\nkernel='k'\n", 1);
    expect_error(text, "xl: guest.cfg:1: name: too long (at most 63 characters)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_cmdline_wins),
        cmocka_unit_test(test_later_setting_wins_and_no_final_newline),
        cmocka_unit_test(test_lists_and_unknown_keys),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_bad_syntax),
        cmocka_unit_test(test_missing_and_bad_names),
        cmocka_unit_test(test_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
