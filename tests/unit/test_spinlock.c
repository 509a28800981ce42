/*
 * The ticket lock (hv/spinlock.h, hv/lib/spinlock.c) on the host: threads
 * stand for CPUs. Mutual exclusion under contention, arrival order, the
 * recursion and lock-order checks, trylock, pairs, and the 16-bit wrap.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/spinlock.h>

/* "This CPU" is the calling thread. */
static _Thread_local char cpu_token;

const void *spin_self(void)
{
    return &cpu_token;
}

/* spin_fail jumps back into the test that expects it (a thread-local target). */
static _Thread_local jmp_buf *fail_jump;
static _Thread_local const char *fail_why;

void spin_fail(const spinlock_t *l, const char *why)
{
    fail_why = why;
    if (fail_jump)
        longjmp(*fail_jump, 1);
    fail_msg("unexpected spin_fail on %s: %s", l->name, why);
    abort();
}

/* Run fn(a, b) and report whether it ended in spin_fail. */
static bool fails(void (*fn)(spinlock_t *, spinlock_t *), spinlock_t *a, spinlock_t *b)
{
    jmp_buf jb;

    fail_why = NULL;
    fail_jump = &jb;
    if (setjmp(jb)) {
        fail_jump = NULL;
        return true;
    }
    fn(a, b);
    fail_jump = NULL;
    return false;
}

static void test_lock_unlock(void **state)
{
    DEFINE_SPINLOCK(l, LOCK_HEAP);

    assert_false(spin_is_locked(&l));
    spin_lock(&l);
    assert_true(spin_is_locked(&l));
    assert_true(spin_is_mine(&l));
    spin_unlock(&l);
    assert_false(spin_is_locked(&l));
    assert_false(spin_is_mine(&l));
    assert_int_equal(l.t.head, 1);
    assert_int_equal(l.t.tail, 1);
}

static void test_trylock(void **state)
{
    DEFINE_SPINLOCK(l, LOCK_HEAP);

    assert_true(spin_trylock(&l));
    assert_false(spin_trylock(&l));             /* held, even by us: refused, not waited for */
    spin_unlock(&l);
    assert_true(spin_trylock(&l));
    spin_unlock(&l);
    assert_int_equal(l.t.tail, 2);
}

/* Tickets are 16 bits: the counters wrap and the lock goes on working. */
static void test_ticket_wrap(void **state)
{
    DEFINE_SPINLOCK(l, LOCK_HEAP);

    l.t.head = l.t.tail = 0xfffe;
    for (int i = 0; i < 4; i++) {
        spin_lock(&l);
        assert_true(spin_is_locked(&l));
        spin_unlock(&l);
    }
    assert_int_equal(l.t.head, 2);
    assert_int_equal(l.t.tail, 2);
}

static void lock_twice(spinlock_t *a, spinlock_t *b)
{
    spin_lock(a);
    spin_lock(a);
}

static void test_recursion_caught(void **state)
{
    DEFINE_SPINLOCK(l, LOCK_EVENT);

    assert_true(fails(lock_twice, &l, NULL));
    assert_string_equal(fail_why, "taken again by the CPU holding it");
}

static void nest(spinlock_t *inner, spinlock_t *outer)
{
    spin_lock_nested(inner, outer);
    spin_unlock(inner);
}

static void test_order_checked(void **state)
{
    DEFINE_SPINLOCK(event, LOCK_EVENT);
    DEFINE_SPINLOCK(heap, LOCK_HEAP);
    DEFINE_SPINLOCK(other_event, LOCK_EVENT);

    assert_true(fails(nest, &heap, &event));    /* outer not held */
    assert_string_equal(fail_why, "outer lock not held by this CPU");

    spin_lock(&event);
    assert_false(fails(nest, &heap, &event));   /* heap ranks after event: fine */
    assert_true(fails(nest, &other_event, &event));     /* same level: only as a pair */
    spin_unlock(&event);

    spin_lock(&heap);
    assert_true(fails(nest, &event, &heap));    /* event inside heap: wrong order */
    assert_string_equal(fail_why, "taken inside a lock that does not rank before it");
    spin_unlock(&heap);
}

/* --- several threads --------------------------------------------------------- */

#define THREADS 3
#define ROUNDS  3000

static DEFINE_SPINLOCK(shared_lock, LOCK_HEAP);
static unsigned long counter;                   /* deliberately not atomic */
static int inside;

static void *hammer(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        spin_lock(&shared_lock);
        assert_int_equal(__atomic_fetch_add(&inside, 1, __ATOMIC_RELAXED), 0);
        counter = counter + 1;
        if (i % 64 == 0)
            sched_yield();                      /* let the others find it taken */
        __atomic_fetch_sub(&inside, 1, __ATOMIC_RELAXED);
        spin_unlock(&shared_lock);
    }
    return NULL;
}

static void test_mutual_exclusion(void **state)
{
    pthread_t t[THREADS];

    counter = 0;
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(counter, (unsigned long)THREADS * ROUNDS);
    assert_false(spin_is_locked(&shared_lock));
}

/* Waiters are served in the order they drew tickets (no timing: each waiter's ticket is seen drawn first). */
static DEFINE_SPINLOCK(fifo_lock, LOCK_HEAP);
static int served[3], nr_served;
static int main_holds;

static void *waiter(void *arg)
{
    spin_lock(&fifo_lock);                      /* another thread holds it: the slow path, no false recursion */
    assert_int_equal(__atomic_load_n(&main_holds, __ATOMIC_RELAXED), 0);
    served[nr_served++] = (int)(intptr_t)arg;
    spin_unlock(&fifo_lock);
    return NULL;
}

static void test_waiters_in_order(void **state)
{
    pthread_t t[3];

    nr_served = 0;
    spin_lock(&fifo_lock);
    main_holds = 1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, waiter, (void *)(intptr_t)i), 0);
        while (__atomic_load_n(&fifo_lock.t.tail, __ATOMIC_ACQUIRE) != i + 2)
            sched_yield();                      /* until thread i has its ticket */
    }
    assert_int_equal(nr_served, 0);
    __atomic_store_n(&main_holds, 0, __ATOMIC_RELAXED);
    spin_unlock(&fifo_lock);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(nr_served, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(served[i], i);
}

/* Two threads taking the same two locks in opposite argument order: the pair helper orders them. */
static DEFINE_SPINLOCK(pair_a, LOCK_EVENT);
static DEFINE_SPINLOCK(pair_b, LOCK_EVENT);
static unsigned long pair_count;

static void *pair_user(void *arg)
{
    bool swap = arg != NULL;

    for (int i = 0; i < ROUNDS; i++) {
        spinlock_t *x = swap ? &pair_b : &pair_a, *y = swap ? &pair_a : &pair_b;
        spin_lock_pair(x, y);
        assert_true(spin_is_mine(&pair_a) && spin_is_mine(&pair_b));
        pair_count++;
        spin_unlock_pair(x, y);
    }
    return NULL;
}

static void test_pair_no_deadlock(void **state)
{
    pthread_t t1, t2;

    pair_count = 0;
    assert_int_equal(pthread_create(&t1, NULL, pair_user, NULL), 0);
    assert_int_equal(pthread_create(&t2, NULL, pair_user, (void *)1), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(pair_count, 2UL * ROUNDS);

    spin_lock_pair(&pair_a, &pair_a);           /* the same lock twice: taken once */
    assert_int_equal(pair_a.t.tail - pair_a.t.head, 1);
    spin_unlock_pair(&pair_a, &pair_a);
    assert_false(spin_is_locked(&pair_a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_unlock),
        cmocka_unit_test(test_trylock),
        cmocka_unit_test(test_ticket_wrap),
        cmocka_unit_test(test_recursion_caught),
        cmocka_unit_test(test_order_checked),
        cmocka_unit_test(test_mutual_exclusion),
        cmocka_unit_test(test_waiters_in_order),
        cmocka_unit_test(test_pair_no_deadlock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
