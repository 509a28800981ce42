/* The per-CPU timer heap: earliest first, any timer removable, slots tracked, a full heap refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <hv/timer.h>

#define CAP 64

static struct timer *slots[CAP];
static struct timer timers[CAP];

static struct timer_heap new_heap(unsigned int cap)
{
    struct timer_heap h = { .slot = slots, .cap = cap };

    for (unsigned int i = 0; i < CAP; i++) {
        slots[i] = NULL;
        timers[i] = (struct timer){ 0 };
    }
    return h;
}

static void insert_at(struct timer_heap *h, struct timer *t, uint64_t expires)
{
    t->expires = expires;
    assert_true(timer_heap_insert(h, t));
    assert_true(timer_is_active(t));
    assert_true(timer_heap_check(h));
}

static struct timer *pop(struct timer_heap *h)
{
    struct timer *t = timer_heap_first(h);

    if (t) {
        timer_heap_remove(h, t);
        assert_false(timer_is_active(t));
        assert_true(timer_heap_check(h));
    }
    return t;
}

static void test_empty(void **state)
{
    struct timer_heap h = new_heap(CAP);

    assert_null(timer_heap_first(&h));
    assert_true(timer_heap_check(&h));
}

static void test_pops_in_deadline_order(void **state)
{
    static const uint64_t when[] = { 50, 10, 40, 30, 20, 60, 5, 45 };
    static const uint64_t sorted[] = { 5, 10, 20, 30, 40, 45, 50, 60 };
    struct timer_heap h = new_heap(CAP);

    for (unsigned int i = 0; i < 8; i++)
        insert_at(&h, &timers[i], when[i]);
    for (unsigned int i = 0; i < 8; i++)
        assert_int_equal(pop(&h)->expires, sorted[i]);
    assert_null(timer_heap_first(&h));
}

static void test_equal_deadlines_all_come_out(void **state)
{
    struct timer_heap h = new_heap(CAP);
    unsigned int seen = 0;
    struct timer *t;

    for (unsigned int i = 0; i < 5; i++)
        insert_at(&h, &timers[i], 7);
    while ((t = pop(&h))) {
        assert_int_equal(t->expires, 7);
        seen |= 1u << (t - timers);
    }
    assert_int_equal(seen, 0x1f);
}

static void test_remove_any(void **state)
{
    struct timer_heap h = new_heap(CAP);

    for (unsigned int i = 0; i < 10; i++)
        insert_at(&h, &timers[i], 100 - 10 * i);     /* timers[9] (10) is first */
    timer_heap_remove(&h, &timers[4]);               /* 60: inside the heap */
    assert_true(timer_heap_check(&h));
    timer_heap_remove(&h, &timers[9]);               /* the first */
    assert_true(timer_heap_check(&h));
    timer_heap_remove(&h, h.slot[h.nr - 1]);         /* the last slot */
    assert_true(timer_heap_check(&h));
    assert_int_equal(h.nr, 7);
    assert_false(timer_is_active(&timers[4]));
    assert_false(timer_is_active(&timers[9]));
    uint64_t last = 0;
    for (struct timer *t; (t = pop(&h)); last = t->expires) {
        assert_true(t->expires >= last);
        assert_true(t != &timers[4] && t != &timers[9]);
    }
}

/* A removed timer's hole filled by a timer that must move up, not down. */
static void test_remove_moves_last_up(void **state)
{
    struct timer_heap h = new_heap(CAP);

    /* Two subtrees: left holds large deadlines, right holds small ones. */
    insert_at(&h, &timers[0], 1);
    insert_at(&h, &timers[1], 100);
    insert_at(&h, &timers[2], 2);
    insert_at(&h, &timers[3], 101);
    insert_at(&h, &timers[4], 102);
    insert_at(&h, &timers[5], 3);
    insert_at(&h, &timers[6], 4);
    /* Remove slot 3 (101, under 100): the last (4) fills it and must rise above 100. */
    timer_heap_remove(&h, &timers[3]);
    assert_true(timer_heap_check(&h));
    assert_int_equal(pop(&h)->expires, 1);
    assert_int_equal(pop(&h)->expires, 2);
    assert_int_equal(pop(&h)->expires, 3);
    assert_int_equal(pop(&h)->expires, 4);
    assert_int_equal(pop(&h)->expires, 100);
    assert_int_equal(pop(&h)->expires, 102);
}

static void test_full_heap_refuses(void **state)
{
    struct timer_heap h = new_heap(3);
    struct timer extra = { .expires = 1 };

    for (unsigned int i = 0; i < 3; i++)
        insert_at(&h, &timers[i], 10 + i);
    assert_false(timer_heap_insert(&h, &extra));
    assert_false(timer_is_active(&extra));
    assert_int_equal(h.nr, 3);
    assert_int_equal(timer_heap_first(&h)->expires, 10);
    assert_true(timer_heap_check(&h));
}

static void test_check_catches_damage(void **state)
{
    struct timer_heap h = new_heap(CAP);

    for (unsigned int i = 0; i < 4; i++)
        insert_at(&h, &timers[i], 10 * (i + 1));
    timer_heap_first(&h)->expires = 1000;           /* out of order now */
    assert_false(timer_heap_check(&h));
    timer_heap_first(&h)->expires = 10;
    assert_true(timer_heap_check(&h));
    h.slot[1]->heap_pos = 9;                         /* wrong slot */
    assert_false(timer_heap_check(&h));
}

/* Random inserts, removals and re-arms against a plain array model. */
static void test_random_against_model(void **state)
{
    struct timer_heap h = new_heap(CAP);
    unsigned int rounds;

    srand(1234);
    for (rounds = 0; rounds < 20000; rounds++) {
        struct timer *t = &timers[rand() % CAP];
        int what = rand() % 4;

        if (what == 0 && timer_is_active(t)) {
            timer_heap_remove(&h, t);
        } else if (what == 1) {
            struct timer *first = timer_heap_first(&h);
            uint64_t min = UINT64_MAX;
            for (unsigned int i = 0; i < CAP; i++)
                if (timer_is_active(&timers[i]) && timers[i].expires < min)
                    min = timers[i].expires;
            if (first)
                assert_int_equal(first->expires, min);
            else
                assert_int_equal(min, UINT64_MAX);
            if (first)
                timer_heap_remove(&h, first);
        } else {
            if (timer_is_active(t))
                timer_heap_remove(&h, t);       /* re-arm: out, then in at the new time */
            t->expires = (uint64_t)(rand() % 1000);
            assert_true(timer_heap_insert(&h, t));
        }
        assert_true(timer_heap_check(&h));
        unsigned int active = 0;
        for (unsigned int i = 0; i < CAP; i++)
            active += timer_is_active(&timers[i]);
        assert_int_equal(active, h.nr);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_pops_in_deadline_order),
        cmocka_unit_test(test_equal_deadlines_all_come_out),
        cmocka_unit_test(test_remove_any),
        cmocka_unit_test(test_remove_moves_last_up),
        cmocka_unit_test(test_full_heap_refuses),
        cmocka_unit_test(test_check_catches_damage),
        cmocka_unit_test(test_random_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
