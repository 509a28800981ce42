/* A CPU's run queue: by priority, first come first served within one, any node removable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <hv/runq.h>

#define NODES 32

static struct runq q;
static struct runq_node node[NODES];

static void reset(void)
{
    runq_init(&q);
    for (unsigned int i = 0; i < NODES; i++)
        node[i] = (struct runq_node){ 0 };
}

static void queue(unsigned int i, uint8_t pri)
{
    node[i].pri = pri;
    runq_insert(&q, &node[i]);
    assert_true(runq_queued(&node[i]));
    assert_true(runq_check(&q));
}

static unsigned int take(void)
{
    struct runq_node *n = runq_first(&q);

    assert_non_null(n);
    runq_remove(&q, n);
    assert_false(runq_queued(n));
    assert_true(runq_check(&q));
    return (unsigned int)(n - node);
}

static void test_empty(void **state)
{
    reset();
    assert_null(runq_first(&q));
    assert_true(runq_check(&q));
}

static void test_round_robin_within_a_priority(void **state)
{
    reset();
    for (unsigned int i = 0; i < 4; i++)
        queue(i, SCHED_PRI_UNDER);
    /* The one that ran goes to the back: 0 1 2 3, then 0 again after 3. */
    assert_int_equal(take(), 0);
    queue(0, SCHED_PRI_UNDER);
    assert_int_equal(take(), 1);
    assert_int_equal(take(), 2);
    assert_int_equal(take(), 3);
    assert_int_equal(take(), 0);
    assert_null(runq_first(&q));
}

static void test_boost_goes_ahead_of_normal_behind_boost(void **state)
{
    reset();
    queue(0, SCHED_PRI_UNDER);
    queue(1, SCHED_PRI_UNDER);
    queue(2, SCHED_PRI_BOOST);                  /* ahead of 0 and 1 */
    queue(3, SCHED_PRI_BOOST);                  /* behind 2: first come first served */
    queue(4, SCHED_PRI_UNDER);                 /* behind 1 */
    assert_int_equal(take(), 2);
    assert_int_equal(take(), 3);
    assert_int_equal(take(), 0);
    assert_int_equal(take(), 1);
    assert_int_equal(take(), 4);
}

static void test_remove_from_anywhere(void **state)
{
    reset();
    for (unsigned int i = 0; i < 5; i++)
        queue(i, i == 3 ? SCHED_PRI_BOOST : SCHED_PRI_UNDER);
    runq_remove(&q, &node[2]);                  /* middle */
    assert_true(runq_check(&q));
    runq_remove(&q, &node[4]);                  /* last */
    assert_true(runq_check(&q));
    runq_remove(&q, &node[3]);                  /* first */
    assert_true(runq_check(&q));
    assert_int_equal(q.nr, 2);
    assert_int_equal(take(), 0);
    assert_int_equal(take(), 1);
}

static void test_check_catches_damage(void **state)
{
    reset();
    queue(0, SCHED_PRI_BOOST);
    queue(1, SCHED_PRI_UNDER);
    node[0].pri = 2;                            /* out of order */
    assert_false(runq_check(&q));
    node[0].pri = SCHED_PRI_BOOST;
    assert_true(runq_check(&q));
    q.nr = 3;                                   /* wrong count */
    assert_false(runq_check(&q));
    q.nr = 2;
    node[1].prev = &node[1];                    /* broken link */
    assert_false(runq_check(&q));
}

/* A yielding node goes behind the first of a lower priority (one OVER runs first), no further. */
static void test_yield_lets_one_lower_priority_node_first(void **state)
{
    reset();
    queue(0, SCHED_PRI_UNDER);
    queue(1, SCHED_PRI_OVER);
    queue(2, SCHED_PRI_OVER);
    node[3].pri = SCHED_PRI_UNDER;
    runq_insert_yield(&q, &node[3]);            /* 0 1 3 2 */
    assert_true(node[3].yielded);
    assert_true(runq_check(&q));
    queue(4, SCHED_PRI_UNDER);                  /* a newcomer is not held back: 0 4 1 3 2 */
    queue(5, SCHED_PRI_OVER);                   /* at the tail */
    assert_int_equal(take(), 0);
    assert_int_equal(take(), 4);
    assert_int_equal(take(), 1);
    assert_int_equal(take(), 3);
    assert_false(node[3].yielded);
    assert_int_equal(take(), 2);
    assert_int_equal(take(), 5);
    /* Nothing of a lower priority: a yield is a plain insert. */
    queue(0, SCHED_PRI_UNDER);
    node[1].pri = SCHED_PRI_UNDER;
    runq_insert_yield(&q, &node[1]);
    assert_false(node[1].yielded);
    assert_int_equal(take(), 0);
    assert_int_equal(take(), 1);
}

/* After accounting: the queue back in priority order, queue order kept within each. */
static void test_sort_after_priorities_change(void **state)
{
    reset();
    queue(0, SCHED_PRI_UNDER);
    queue(1, SCHED_PRI_OVER);
    queue(2, SCHED_PRI_UNDER);
    queue(3, SCHED_PRI_OVER);
    queue(4, SCHED_PRI_BOOST);                  /* queue: 4 0 2 1 3 */
    node[0].pri = SCHED_PRI_OVER;
    node[3].pri = SCHED_PRI_UNDER;
    node[4].pri = SCHED_PRI_UNDER;
    assert_false(runq_check(&q));
    runq_sort(&q);
    assert_true(runq_check(&q));
    assert_int_equal(q.nr, 5);
    assert_int_equal(take(), 4);
    assert_int_equal(take(), 2);
    assert_int_equal(take(), 3);
    assert_int_equal(take(), 0);
    assert_int_equal(take(), 1);
    runq_sort(&q);                              /* empty */
    assert_true(runq_check(&q));
}

/* Random queueing, removal and picking against a model: order by (priority, arrival). */
static void test_random_against_model(void **state)
{
    uint64_t arrival[NODES] = { 0 }, clock = 0;

    reset();
    srand(99);
    for (unsigned int round = 0; round < 20000; round++) {
        unsigned int i = (unsigned int)rand() % NODES;
        int what = rand() % 3;

        if (what == 0 && !runq_queued(&node[i])) {
            node[i].pri = (uint8_t)(rand() % 3);
            runq_insert(&q, &node[i]);
            arrival[i] = ++clock;
        } else if (what == 1 && runq_queued(&node[i])) {
            runq_remove(&q, &node[i]);
        } else if (what == 2 && q.nr) {
            int best = -1;
            for (unsigned int k = 0; k < NODES; k++)
                if (runq_queued(&node[k]) &&
                    (best < 0 || node[k].pri < node[best].pri ||
                     (node[k].pri == node[best].pri && arrival[k] < arrival[best])))
                    best = (int)k;
            assert_int_equal(take(), best);
        }
        assert_true(runq_check(&q));
    }
}

/* runq_find: the first acceptable node in run order; none, NULL; the queue is left alone. */
static bool odd_only(const struct runq_node *n, void *ctx)
{
    unsigned int *looked = ctx;

    (*looked)++;
    return (unsigned int)(n - node) % 2 == 1;
}

static void test_find_in_run_order(void **state)
{
    unsigned int looked = 0;

    reset();
    assert_null(runq_find(&q, SCHED_PRI_IDLE, odd_only, &looked));
    assert_int_equal(looked, 0);
    queue(4, SCHED_PRI_UNDER);
    queue(3, SCHED_PRI_UNDER);
    queue(6, SCHED_PRI_BOOST);
    queue(5, SCHED_PRI_BOOST);
    assert_ptr_equal(runq_find(&q, SCHED_PRI_IDLE, odd_only, &looked), &node[5]);     /* 6 then 5 */
    assert_int_equal(looked, 2);
    assert_int_equal(take(), 6);
    assert_int_equal(take(), 5);
    looked = 0;
    assert_ptr_equal(runq_find(&q, SCHED_PRI_IDLE, odd_only, &looked), &node[3]);
    assert_int_equal(looked, 2);
    assert_int_equal(take(), 4);
    assert_int_equal(take(), 3);
    assert_null(runq_find(&q, SCHED_PRI_IDLE, odd_only, &looked));
}

/* runq_find below a priority: only the leading nodes more urgent than it are looked at. */
static void test_find_stops_at_below(void **state)
{
    unsigned int looked = 0;

    reset();
    queue(2, SCHED_PRI_BOOST);
    queue(3, SCHED_PRI_UNDER);
    queue(5, SCHED_PRI_OVER);
    assert_ptr_equal(runq_find(&q, SCHED_PRI_OVER, odd_only, &looked), &node[3]);
    looked = 0;
    assert_null(runq_find(&q, SCHED_PRI_UNDER, odd_only, &looked));     /* 2 only: 3 is not more urgent */
    assert_int_equal(looked, 1);
    looked = 0;
    assert_null(runq_find(&q, SCHED_PRI_BOOST, odd_only, &looked));
    assert_int_equal(looked, 0);
    /* A yielded node behind a lower priority is not reached past that one. */
    reset();
    queue(2, SCHED_PRI_UNDER);
    queue(4, SCHED_PRI_OVER);
    node[1].pri = SCHED_PRI_UNDER;
    runq_insert_yield(&q, &node[1]);
    looked = 0;
    assert_null(runq_find(&q, SCHED_PRI_OVER, odd_only, &looked));
    assert_int_equal(looked, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_round_robin_within_a_priority),
        cmocka_unit_test(test_boost_goes_ahead_of_normal_behind_boost),
        cmocka_unit_test(test_remove_from_anywhere),
        cmocka_unit_test(test_check_catches_damage),
        cmocka_unit_test(test_yield_lets_one_lower_priority_node_first),
        cmocka_unit_test(test_sort_after_priorities_change),
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_find_in_run_order),
        cmocka_unit_test(test_find_stops_at_below),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
