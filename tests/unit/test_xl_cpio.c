/*
 * The toolstack's newc cpio reader (toolstack/xl/cpio.c): archives laid out
 * as tools/mkcpio.py (and Linux's gen_init_cpio) write them, and broken ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xl/cpio.h"

static char ar[4096];
static size_t ar_len;

static void add(const char *name, uint32_t mode, const char *data)
{
    size_t size = data ? strlen(data) : 0;

    ar_len += (size_t)snprintf(ar + ar_len, sizeof(ar) - ar_len, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
                              "%08X%08X", 1u, mode, 0u, 0u, 1u, 0u, (unsigned int)size, 0u, 0u,
                              0u, 0u, (unsigned int)strlen(name) + 1, 0u);
    memcpy(ar + ar_len, name, strlen(name) + 1);
    ar_len += strlen(name) + 1;
    while (ar_len % 4)
        ar[ar_len++] = 0;
    memcpy(ar + ar_len, data ? data : "", size);
    ar_len += size;
    while (ar_len % 4)
        ar[ar_len++] = 0;
}

static void make(void)
{
    memset(ar, 0, sizeof(ar));
    ar_len = 0;
    add("etc", 0040755, NULL);
    add("etc/a.cfg", 0100644, "name = 'a'\n");
    add("./hello.elf", 0100644, "ELF!x");
    add("empty", 0100644, "");
    add("TRAILER!!!", 0, NULL);
    ar_len += 512 - ar_len % 512;           /* padded as mkcpio pads */
}

static void test_walk(void **state)
{
    struct cpio_file f;
    size_t pos = 0;

    make();
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "etc");
    assert_int_equal(f.mode & CPIO_S_IFMT, 0040000);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "etc/a.cfg");
    assert_int_equal(f.size, 11);
    assert_memory_equal(f.data, "name = 'a'\n", 11);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "hello.elf");
    assert_int_equal(f.size, 5);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "empty");
    assert_int_equal(f.size, 0);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 0);
}

static void test_find(void **state)
{
    struct cpio_file f;

    make();
    assert_int_equal(cpio_find(ar, ar_len, "/etc/a.cfg", &f), 1);
    assert_int_equal(f.size, 11);
    assert_int_equal(cpio_find(ar, ar_len, "./hello.elf", &f), 1);
    assert_memory_equal(f.data, "ELF!x", 5);
    assert_int_equal(cpio_find(ar, ar_len, "etc", &f), 0);          /* a directory */
    assert_int_equal(cpio_find(ar, ar_len, "nope", &f), 0);
    assert_int_equal(cpio_find(ar, 0, "nope", &f), 0);
}

static void test_malformed(void **state)
{
    struct cpio_file f;
    size_t pos;

    make();
    ar[0] = '1';                                            /* bad magic */
    assert_int_equal(cpio_find(ar, ar_len, "empty", &f), -1);
    make();
    ar[6 + 8 * 6] = 'z';                                    /* size not hex */
    pos = 0;
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), -1);
    make();
    pos = 0;
    assert_int_equal(cpio_next(ar, 50, &pos, &f), -1);      /* header cut short */
    pos = 0;
    assert_int_equal(cpio_next(ar, 113, &pos, &f), -1);     /* name cut short */
    make();
    memcpy(ar + 6 + 8 * 11, "00000002", 8);                 /* namesize misses the NUL */
    pos = 0;
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), -1);
    make();
    pos = 0;
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    memcpy(ar + pos + 6 + 8 * 6, "7FFFFFFF", 8);            /* data runs off the end */
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
