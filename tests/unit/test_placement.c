/*
 * vCPU placement (hv/placement.h): Xen's two balance steps, soft affinity
 * then hard, for the CPU a vCPU is queued on and for what an idle CPU may
 * take from another's queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/placement.h>

#define ALL 0xfULL                      /* a machine of four CPUs */
#define CPU(n) (1ULL << (n))

/* A soft map that holds every allowed CPU, or none of them, is no preference. */
static void test_useful_soft_affinity(void **state)
{
    assert_int_equal(placement_soft(ALL, ~0ULL), 0);
    assert_int_equal(placement_soft(CPU(1) | CPU(2), CPU(1) | CPU(2) | CPU(3)), 0);
    assert_int_equal(placement_soft(CPU(0) | CPU(1), CPU(2)), 0);
    assert_int_equal(placement_soft(ALL, CPU(2)), CPU(2));
    assert_int_equal(placement_soft(CPU(1) | CPU(2), CPU(2) | CPU(3)), CPU(2));
}

/* Without a soft preference: own CPU if idle, else the first idle one, else own. */
static void test_hard_only(void **state)
{
    assert_int_equal(placement_pick(1, ALL, ~0ULL, CPU(1) | CPU(3)), 1);
    assert_int_equal(placement_pick(0, ALL, ~0ULL, CPU(2) | CPU(3)), 2);
    assert_int_equal(placement_pick(2, ALL, ~0ULL, 0), 2);
    /* Own CPU not allowed: an allowed idle one, else the first allowed. */
    assert_int_equal(placement_pick(0, CPU(2) | CPU(3), ~0ULL, CPU(0) | CPU(3)), 3);
    assert_int_equal(placement_pick(0, CPU(2) | CPU(3), ~0ULL, CPU(0)), 2);
}

/* An idle CPU it prefers comes first, even before its own idle CPU. */
static void test_soft_first(void **state)
{
    assert_int_equal(placement_pick(0, ALL, CPU(3), CPU(0) | CPU(3)), 3);
    assert_int_equal(placement_pick(0, ALL, CPU(2) | CPU(3), CPU(0) | CPU(1) | CPU(3)), 3);
    /* Its own CPU is preferred and idle: it stays. */
    assert_int_equal(placement_pick(2, ALL, CPU(2) | CPU(3), CPU(2) | CPU(3)), 2);
    /* Soft CPUs outside its hard affinity are never chosen. */
    assert_int_equal(placement_pick(0, CPU(0) | CPU(1), CPU(1) | CPU(3), CPU(0) | CPU(3)), 0);
}

/* No preferred CPU is idle: the hard step decides (an idle one, else its own). */
static void test_soft_busy_falls_back_to_hard(void **state)
{
    assert_int_equal(placement_pick(0, ALL, CPU(3), CPU(1)), 1);
    assert_int_equal(placement_pick(0, ALL, CPU(3), 0), 0);
    assert_int_equal(placement_pick(3, ALL, CPU(1), 0), 3);
}

/* Stealing: the soft step takes only a vCPU that prefers this CPU, the hard one any allowed. */
static void test_may_take(void **state)
{
    assert_true(placement_may_take(PLACEMENT_SOFT, 1, ALL, CPU(1)));
    assert_false(placement_may_take(PLACEMENT_SOFT, 2, ALL, CPU(1)));
    assert_false(placement_may_take(PLACEMENT_SOFT, 1, ALL, ~0ULL));    /* no preference */
    assert_true(placement_may_take(PLACEMENT_HARD, 2, ALL, CPU(1)));
    assert_false(placement_may_take(PLACEMENT_HARD, 2, CPU(0) | CPU(1), CPU(2)));
    assert_false(placement_may_take(PLACEMENT_SOFT, 2, CPU(0) | CPU(1), CPU(2)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_useful_soft_affinity),
        cmocka_unit_test(test_hard_only),
        cmocka_unit_test(test_soft_first),
        cmocka_unit_test(test_soft_busy_falls_back_to_hard),
        cmocka_unit_test(test_may_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
