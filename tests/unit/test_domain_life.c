/* Domain lifetime rules: lookups take references only while alive, the last put frees, pauses count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>

#include <hv/domain_life.h>

static void test_new_domain(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_true(life_alive(&l));
    assert_false(life_paused(&l));
    assert_int_equal(l.refcnt, 1);
}

static void test_get_put_balance(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_true(life_get(&l));
    assert_true(life_get(&l));
    assert_int_equal(l.refcnt, 3);
    assert_false(life_put(&l));
    assert_false(life_put(&l));
    assert_int_equal(l.refcnt, 1);              /* only the table's reference is left */
}

static void test_dying_refuses_lookups(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_true(life_get(&l));                  /* a holder from before destruction */
    assert_true(life_kill(&l));
    assert_false(life_kill(&l));                /* destruction starts once */
    assert_false(life_alive(&l));
    assert_false(life_get(&l));                 /* no new lookup finds it */
    assert_int_equal(l.refcnt, 2);
    assert_false(life_put(&l));                 /* the table lets go: the holder remains */
    assert_true(life_put(&l));                  /* the holder's put is the last: free now */
    assert_int_equal(l.refcnt, 0);
    assert_false(life_put(&l));                 /* an extra put never frees twice */
    assert_int_equal(l.refcnt, 0);
}

static void test_get_after_free_fails(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_true(life_put(&l));                  /* freed while (wrongly) still alive */
    assert_false(life_get(&l));                 /* a count of zero is never revived */
}

static void test_refcount_saturates(void **state)
{
    struct domain_life l;

    life_init(&l);
    l.refcnt = DOMAIN_REF_MAX - 1;
    assert_true(life_get(&l));
    assert_false(life_get(&l));
    assert_int_equal(l.refcnt, DOMAIN_REF_MAX);
}

static void test_pause_counts(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_false(life_unpause(&l));             /* not paused: refused, no wrap */
    assert_int_equal(l.pause_count, 0);
    assert_true(life_pause(&l));
    assert_true(life_pause(&l));
    assert_true(life_paused(&l));
    assert_true(life_unpause(&l));
    assert_true(life_paused(&l));               /* one reason is left */
    assert_true(life_unpause(&l));
    assert_false(life_paused(&l));
    l.pause_count = DOMAIN_PAUSE_MAX;
    assert_false(life_pause(&l));
    assert_int_equal(l.pause_count, DOMAIN_PAUSE_MAX);
}

/* alive -> dying -> dead, once each and in that order; destroy still finds it until freed. */
static void test_destroy_states(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_false(life_dead(&l));                /* never dead without dying first */
    assert_true(life_alive(&l));
    assert_true(life_kill(&l));
    assert_false(life_get(&l));                 /* lookups miss it from now on */
    assert_true(life_get_any(&l));              /* the destroy domctl's reference */
    assert_false(life_is_dead(&l));
    assert_true(life_dead(&l));
    assert_true(life_is_dead(&l));
    assert_false(life_alive(&l));
    assert_false(life_dead(&l));                /* dead once */
    assert_false(life_kill(&l));                /* and never alive again */
    assert_true(life_get_any(&l));              /* a second destroy finds it while it exists */
    assert_false(life_get(&l));
    assert_false(life_put(&l));
    assert_false(life_put(&l));                 /* the domctls let go */
    assert_true(life_put(&l));                  /* the table's reference: free now */
    assert_false(life_get_any(&l));             /* freed: not even destroy finds it */
}

static void test_get_any_saturates(void **state)
{
    struct domain_life l;

    life_init(&l);
    assert_true(life_kill(&l));
    l.refcnt = DOMAIN_REF_MAX - 1;
    assert_true(life_get_any(&l));
    assert_false(life_get_any(&l));
    assert_int_equal(l.refcnt, DOMAIN_REF_MAX);
}

/*
 * Threads standing for CPUs: gets, puts, pauses and unpauses racing on one
 * domain lose no update, and of many holders dropping their references at
 * once exactly one sees the last (and would free the domain).
 */
#define CPUS 4
#define ROUNDS 1000000

static struct domain_life shared;
static unsigned int last_puts, started;

/* Every thread starts its loop together, so they overlap however slow thread creation is. */
static void start_together(void)
{
    __atomic_fetch_add(&started, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) % CPUS)
        sched_yield();
}

static void *get_put_pause(void *arg)
{
    start_together();
    for (unsigned int i = 0; i < ROUNDS; i++) {
        if (!life_get(&shared) || !life_pause(&shared))
            abort();
        if (life_put(&shared) || !life_unpause(&shared))
            abort();
    }
    for (unsigned int i = 0; i < ROUNDS / 10; i++)
        if (!life_get(&shared))
            abort();
    return NULL;
}

static void *drop_all(void *arg)
{
    start_together();
    for (unsigned int i = 0; i < ROUNDS / 10; i++)
        if (life_put(&shared))
            __atomic_fetch_add(&last_puts, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void test_concurrent_cpus(void **state)
{
    pthread_t t[CPUS];

    life_init(&shared);
    started = 0;
    for (unsigned int i = 0; i < CPUS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, get_put_pause, NULL), 0);
    for (unsigned int i = 0; i < CPUS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(shared.refcnt, 1 + CPUS * (ROUNDS / 10));
    assert_int_equal(shared.pause_count, 0);
    assert_true(life_kill(&shared));
    assert_true(life_dead(&shared));
    assert_false(life_put(&shared));           /* the table's own reference stays */
    last_puts = 0;
    for (unsigned int i = 0; i < CPUS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, drop_all, NULL), 0);
    for (unsigned int i = 0; i < CPUS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(shared.refcnt, 0);
    assert_int_equal(last_puts, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_domain),
        cmocka_unit_test(test_get_put_balance),
        cmocka_unit_test(test_dying_refuses_lookups),
        cmocka_unit_test(test_get_after_free_fails),
        cmocka_unit_test(test_refcount_saturates),
        cmocka_unit_test(test_pause_counts),
        cmocka_unit_test(test_destroy_states),
        cmocka_unit_test(test_get_any_saturates),
        cmocka_unit_test(test_concurrent_cpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
