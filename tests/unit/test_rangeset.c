/*
 * Sets of integer ranges (hv/rangeset.h): compared, operation by operation,
 * with a plain bitmap over a small universe, plus the edges of 64 bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/errno.h>
#include <hv/rangeset.h>

#define UNIVERSE 200

static struct rangeset rs;
static uint8_t model[UNIVERSE];

/* The set's invariants, and that it holds exactly the model's numbers. */
static void check(void)
{
    for (unsigned int i = 0; i < rs.nr; i++) {
        assert_true(rs.r[i].s <= rs.r[i].e);
        if (i)
            assert_true(rs.r[i - 1].e + 1 < rs.r[i].s);
    }
    for (uint64_t x = 0; x < UNIVERSE; x++) {
        assert_int_equal(rangeset_contains(&rs, x, x), model[x]);
        assert_int_equal(rangeset_overlaps(&rs, x, x), model[x]);
    }
}

static void test_against_a_bitmap(void **state)
{
    srand(7);
    memset(&rs, 0, sizeof(rs));
    memset(model, 0, sizeof(model));
    for (unsigned int step = 0; step < 20000; step++) {
        uint64_t s = (uint64_t)rand() % UNIVERSE, len = (uint64_t)rand() % 12;
        uint64_t e = s + len < UNIVERSE ? s + len : UNIVERSE - 1;
        struct rangeset before = rs;
        int add = rand() % 2, rc;
        int all = 1, any = 0;

        for (uint64_t x = s; x <= e; x++) {
            all &= model[x];
            any |= model[x];
        }
        assert_int_equal(rangeset_contains(&rs, s, e), all);
        assert_int_equal(rangeset_overlaps(&rs, s, e), any);
        rc = add ? rangeset_add(&rs, s, e) : rangeset_remove(&rs, s, e);
        if (rc) {
            /* Full: refused, nothing changed. */
            assert_int_equal(rc, -XEN_ENOMEM);
            assert_int_equal(before.nr, RANGESET_MAX);
            assert_memory_equal(&before, &rs, sizeof(rs));
        } else {
            for (uint64_t x = s; x <= e; x++)
                model[x] = (uint8_t)add;
        }
        check();
    }
}

static void test_edges(void **state)
{
    memset(&rs, 0, sizeof(rs));
    assert_true(rangeset_is_empty(&rs));
    assert_int_equal(rangeset_add(&rs, 0, UINT64_MAX), 0);
    assert_true(rangeset_contains(&rs, 0, UINT64_MAX));
    assert_int_equal(rangeset_remove(&rs, 0xfee00, 0xfeeff), 0);
    assert_int_equal(rs.nr, 2);
    assert_false(rangeset_contains(&rs, 0, UINT64_MAX));
    assert_true(rangeset_contains(&rs, 0, 0xfedff));
    assert_true(rangeset_contains(&rs, 0xfef00, UINT64_MAX));
    assert_false(rangeset_overlaps(&rs, 0xfee00, 0xfeeff));
    assert_true(rangeset_overlaps(&rs, 0xfeeff, 0xfef00));
    assert_int_equal(rangeset_remove(&rs, UINT64_MAX, UINT64_MAX), 0);
    assert_false(rangeset_contains(&rs, UINT64_MAX, UINT64_MAX));
    assert_int_equal(rangeset_remove(&rs, 0, 0), 0);
    assert_int_equal(rangeset_add(&rs, 0xfee00, 0xfeeff), 0);     /* bridges the gap: one range */
    assert_int_equal(rs.nr, 1);
    assert_true(rangeset_contains(&rs, 1, UINT64_MAX - 1));
    assert_int_equal(rangeset_add(&rs, UINT64_MAX, UINT64_MAX), 0);
    assert_int_equal(rangeset_add(&rs, 0, 0), 0);
    assert_int_equal(rs.nr, 1);
    assert_int_equal(rangeset_remove(&rs, 0, UINT64_MAX), 0);
    assert_true(rangeset_is_empty(&rs));
}

static void test_full(void **state)
{
    memset(&rs, 0, sizeof(rs));
    for (uint64_t i = 0; i < RANGESET_MAX; i++)
        assert_int_equal(rangeset_add(&rs, 10 * i, 10 * i + 1), 0);
    assert_int_equal(rangeset_add(&rs, 1000, 1000), -XEN_ENOMEM);   /* a new range: no room */
    assert_int_equal(rangeset_add(&rs, 2, 3), 0);                   /* an extension: fine */
    assert_int_equal(rangeset_remove(&rs, 12, 12), 0);              /* shortening: fine */
    assert_int_equal(rangeset_remove(&rs, 21, 21), 0);
    assert_int_equal(rangeset_add(&rs, 0, 30), 0);                  /* merging frees room */
    assert_int_equal(rangeset_remove(&rs, 5, 5), 0);                /* a split uses it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_a_bitmap),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
