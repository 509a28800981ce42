/*
 * vCPU placement (hv/placement.h): Xen's two balance steps, soft affinity
 * then hard, for the CPU a vCPU is given when its affinity changes
 * (_csched_cpu_pick), the one a waking vCPU is queued on (__runq_tickle),
 * and what a CPU may take from another's queue.
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

/* Xen's cpumask_cycle: the next CPU of the map after cpu, wrapping round, cpu itself last. */
static void test_cycle(void **state)
{
    assert_int_equal(placement_cycle(0, ALL), 1);
    assert_int_equal(placement_cycle(3, ALL), 0);
    assert_int_equal(placement_cycle(1, CPU(1)), 1);
    assert_int_equal(placement_cycle(2, CPU(0) | CPU(1)), 0);
    assert_int_equal(placement_cycle(63, CPU(5)), 5);
}

/* Without a soft preference (Xen's _csched_cpu_pick): own CPU if idle, else the next idle one, else own. */
static void test_hard_only(void **state)
{
    assert_int_equal(placement_pick(1, ALL, ~0ULL, CPU(1) | CPU(3), false), 1);
    assert_int_equal(placement_pick(0, ALL, ~0ULL, CPU(2) | CPU(3), false), 2);
    assert_int_equal(placement_pick(3, ALL, ~0ULL, CPU(0) | CPU(2), false), 0);     /* wraps round */
    assert_int_equal(placement_pick(2, ALL, ~0ULL, 0, false), 2);
    /* Own CPU not allowed: the next allowed idle one, else the next allowed after own. */
    assert_int_equal(placement_pick(0, CPU(2) | CPU(3), ~0ULL, CPU(0) | CPU(3), false), 3);
    assert_int_equal(placement_pick(0, CPU(2) | CPU(3), ~0ULL, CPU(0), false), 2);
    assert_int_equal(placement_pick(3, CPU(1) | CPU(2), ~0ULL, 0, false), 1);
}

/* Own CPU with an empty queue counts as idle (Xen's is_runq_idle), busy or not: it stays. */
static void test_own_empty_queue_is_idle(void **state)
{
    assert_int_equal(placement_pick(0, ALL, ~0ULL, CPU(1), true), 0);
    assert_int_equal(placement_pick(0, ALL, ~0ULL, CPU(1), false), 1);
    /* Not where it is not allowed. */
    assert_int_equal(placement_pick(0, CPU(1) | CPU(2), ~0ULL, CPU(2), true), 2);
    /* A preferred idle CPU still comes first. */
    assert_int_equal(placement_pick(0, CPU(0) | CPU(1), CPU(1), CPU(1), true), 1);
    /* The preferred CPU is busy: the hard step keeps it on its own. */
    assert_int_equal(placement_pick(1, CPU(0) | CPU(1), CPU(0), 0, true), 1);
}

/* An idle CPU it prefers comes first, even before its own idle CPU. */
static void test_soft_first(void **state)
{
    assert_int_equal(placement_pick(0, ALL, CPU(3), CPU(0) | CPU(3), false), 3);
    assert_int_equal(placement_pick(0, ALL, CPU(3), CPU(0) | CPU(3), true), 3);
    assert_int_equal(placement_pick(0, ALL, CPU(2) | CPU(3), CPU(0) | CPU(1) | CPU(3), false), 3);
    /* Its own CPU is preferred and idle: it stays. */
    assert_int_equal(placement_pick(2, ALL, CPU(2) | CPU(3), CPU(2) | CPU(3), false), 2);
    /* Soft CPUs outside its hard affinity are never chosen. */
    assert_int_equal(placement_pick(0, CPU(0) | CPU(1), CPU(1) | CPU(3), CPU(0) | CPU(3), false), 0);
}

/* No preferred CPU is idle: the hard step decides (an idle one, else its own). */
static void test_soft_busy_falls_back_to_hard(void **state)
{
    assert_int_equal(placement_pick(0, ALL, CPU(3), CPU(1), false), 1);
    assert_int_equal(placement_pick(0, ALL, CPU(3), 0, false), 0);
    assert_int_equal(placement_pick(3, ALL, CPU(1), 0, false), 3);
}

/*
 * A waking vCPU (where Xen's __runq_tickle sends it): its own idle CPU
 * before any other, preferred or not; then a preferred idle one, then any
 * allowed idle one; else its own, or the next allowed.
 */
static void test_wake(void **state)
{
    assert_int_equal(placement_wake(0, ALL, CPU(3), CPU(0) | CPU(3)), 0);
    assert_int_equal(placement_wake(0, ALL, CPU(3), CPU(1) | CPU(3)), 3);
    assert_int_equal(placement_wake(0, ALL, CPU(1) | CPU(3), CPU(1) | CPU(2) | CPU(3)), 1);
    assert_int_equal(placement_wake(2, ALL, CPU(1) | CPU(3), CPU(1) | CPU(3)), 3);   /* after own */
    assert_int_equal(placement_wake(0, ALL, CPU(3), CPU(1) | CPU(2)), 1);
    assert_int_equal(placement_wake(2, ALL, CPU(3), 0), 2);
    assert_int_equal(placement_wake(0, ALL, ~0ULL, CPU(2)), 2);          /* no preference */
    /* Own CPU idle but not allowed; nothing idle and own not allowed. */
    assert_int_equal(placement_wake(0, CPU(2) | CPU(3), ~0ULL, CPU(0) | CPU(3)), 3);
    assert_int_equal(placement_wake(3, CPU(1) | CPU(2), CPU(2), 0), 1);
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
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_hard_only),
        cmocka_unit_test(test_own_empty_queue_is_idle),
        cmocka_unit_test(test_soft_first),
        cmocka_unit_test(test_soft_busy_falls_back_to_hard),
        cmocka_unit_test(test_wake),
        cmocka_unit_test(test_may_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
