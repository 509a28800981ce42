/*
 * Sets of integer ranges (hv/rangeset.h): compared, operation by operation,
 * with a plain bitmap, plus the edges of 64 bits, growth past any fixed
 * size and a heap that runs out. The heap here is calloc, counted: every
 * test ends with nothing left allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/errno.h>
#include <hv/mm.h>
#include <hv/rangeset.h>

#define UNIVERSE 3000

static struct rangeset rs;
static uint8_t model[UNIVERSE];
static long live_bytes;              /* allocated and not yet freed */
static unsigned int fail_every;      /* 0: never; n: every n-th allocation fails */
static unsigned long allocations;

void *xzalloc_bytes(unsigned long size)
{
    void *p;

    if (fail_every && ++allocations % fail_every == 0)
        return NULL;
    p = calloc(1, size);
    if (p)
        live_bytes += (long)size;
    return p;
}

void xfree_bytes(void *p, unsigned long size)
{
    if (!p)
        return;
    live_bytes -= (long)size;
    free(p);
}

static int setup(void **state)
{
    memset(&rs, 0, sizeof(rs));
    memset(model, 0, sizeof(model));
    fail_every = 0;
    allocations = 0;
    return 0;
}

/* Destruction gives every byte back. */
static int teardown(void **state)
{
    rangeset_destroy(&rs);
    assert_int_equal(live_bytes, 0);
    assert_int_equal(rs.nr, 0);
    assert_null(rs.r);
    return 0;
}

/* The set's invariants, and that it holds exactly the model's numbers. */
static void check(void)
{
    assert_true(rs.nr <= rs.room);
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

/* Random adds and removes of short ranges; every other allocation fails: refused, nothing changed. */
static void test_against_a_bitmap(void **state)
{
    struct range *copy = calloc(UNIVERSE, sizeof(*copy));
    unsigned int refused = 0, most = 0;

    srand(7);
    fail_every = 2;
    for (unsigned int step = 0; step < 20000; step++) {
        uint64_t s = (uint64_t)rand() % UNIVERSE, len = (uint64_t)rand() % 4;
        uint64_t e = s + len < UNIVERSE ? s + len : UNIVERSE - 1;
        struct rangeset before = rs;
        int add = step < 3000 || rand() % 2, rc;
        int all = 1, any = 0;

        if (rs.nr)
            memcpy(copy, rs.r, rs.nr * sizeof(*copy));
        for (uint64_t x = s; x <= e; x++) {
            all &= model[x];
            any |= model[x];
        }
        assert_int_equal(rangeset_contains(&rs, s, e), all);
        assert_int_equal(rangeset_overlaps(&rs, s, e), any);
        rc = add ? rangeset_add(&rs, s, e) : rangeset_remove(&rs, s, e);
        if (rc) {
            assert_int_equal(rc, -XEN_ENOMEM);
            assert_int_equal(before.nr, before.room);       /* only a full array grows */
            assert_int_equal(rs.nr, before.nr);
            assert_int_equal(rs.room, before.room);
            assert_ptr_equal(rs.r, before.r);
            if (rs.nr)
                assert_memory_equal(copy, rs.r, rs.nr * sizeof(*copy));
            refused++;
        } else {
            for (uint64_t x = s; x <= e; x++)
                model[x] = (uint8_t)add;
        }
        most = rs.nr > most ? rs.nr : most;
        check();
    }
    assert_true(refused > 0);
    assert_true(most > PAGE_SIZE / sizeof(struct range));  /* past the first page: it grew */
    free(copy);
}

static void test_edges(void **state)
{
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

/* 20000 separate ranges (Xen's domain rangesets have no limit either), then half removed. */
static void test_grows_without_limit(void **state)
{
    const uint64_t n = 20000;

    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(rangeset_add(&rs, 3 * i, 3 * i + 1), 0);
    assert_int_equal(rs.nr, n);
    assert_true(rangeset_contains(&rs, 3 * (n - 1), 3 * (n - 1) + 1));
    assert_false(rangeset_overlaps(&rs, 3 * 500 + 2, 3 * 500 + 2));
    for (uint64_t i = 0; i < n; i += 2)
        assert_int_equal(rangeset_remove(&rs, 3 * i, 3 * i + 1), 0);
    assert_int_equal(rs.nr, n / 2);
    assert_false(rangeset_overlaps(&rs, 0, 1));
    assert_true(rangeset_contains(&rs, 3, 4));
}

/* A full array and an empty heap: what needs a new range is refused, the rest works. */
static void test_heap_exhausted(void **state)
{
    const unsigned int first_room = PAGE_SIZE / sizeof(struct range);

    for (uint64_t i = 0; i < first_room; i++)
        assert_int_equal(rangeset_add(&rs, 10 * i, 10 * i + 2), 0);
    assert_int_equal(rs.room, first_room);
    fail_every = 1;
    assert_int_equal(rangeset_add(&rs, 100000, 100000), -XEN_ENOMEM);   /* a new range */
    assert_int_equal(rangeset_remove(&rs, 10, 10), 0);                  /* shortening */
    assert_int_equal(rangeset_add(&rs, 3, 3), 0);                       /* an extension */
    assert_int_equal(rangeset_remove(&rs, 21, 21), -XEN_ENOMEM);        /* a split: no */
    assert_true(rangeset_contains(&rs, 20, 22));
    assert_int_equal(rangeset_add(&rs, 0, 30), 0);                      /* merging frees room */
    assert_int_equal(rangeset_remove(&rs, 5, 5), 0);                    /* a split uses it */
    assert_int_equal(rs.nr, first_room - 2);
    fail_every = 0;
    for (uint64_t i = 0; i < 3; i++)                                    /* now it grows */
        assert_int_equal(rangeset_add(&rs, 100000 + 10 * i, 100000 + 10 * i), 0);
    assert_int_equal(rs.nr, first_room + 1);
    assert_int_equal(rs.room, 2 * first_room);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_against_a_bitmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grows_without_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heap_exhausted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
