/*
 * Grace periods (hv/grace_period.h, hv/lib/grace_period.c) on the host:
 * first the rules one step at a time on one thread, then threads standing
 * for CPUs: readers holding a published object across a "hypercall" never
 * see it freed, frees complete while they run, and CPUs that stay idle
 * (one for the whole run) never hold a grace period up.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <hv/grace_period.h>

/* "This CPU" for the queue's spinlock is the calling thread. */
static _Thread_local char cpu_token;

const void *spin_self(void)
{
    return &cpu_token;
}

void spin_fail(const spinlock_t *l, const char *why)
{
    fail_msg("spin_fail on %s: %s", l->name, why);
    abort();
}

void spin_wait_work(void)
{
}

static struct grace_period gp;

#define ALIVE 0xa11fe
#define DEAD  0xdead

struct obj {
    struct gp_head head;                /* first: the free finds the object from it */
    unsigned int magic;
};

static unsigned long freed;

/* The deferred free: poisons rather than frees, so a late reader is caught by its check. */
static void obj_free(struct gp_head *h)
{
    struct obj *o = (struct obj *)h;

    assert_int_equal(o->magic, ALIVE);          /* never freed twice */
    __atomic_store_n(&o->magic, DEAD, __ATOMIC_RELAXED);
    __atomic_add_fetch(&freed, 1, __ATOMIC_RELAXED);
}

static void reset(void)
{
    gp_init(&gp, LOCK_HEAP);
    freed = 0;
}

static void test_waits_for_every_online_cpu(void **state)
{
    struct obj o = { .magic = ALIVE };
    uint64_t online = 0x7;                      /* CPUs 0-2 */

    reset();
    for (unsigned int c = 0; c < 3; c++)
        assert_false(gp_quiescent(&gp, c, online));     /* nothing deferred: nothing to do */
    assert_int_equal(gp_defer(&gp, &o.head, obj_free), 1);
    assert_int_equal(gp_run_ready(&gp, online), 0);
    assert_false(gp_quiescent(&gp, 0, online));
    assert_false(gp_quiescent(&gp, 0, online));         /* again: still waits for 1 and 2 */
    assert_false(gp_quiescent(&gp, 2, online));
    assert_true(gp_holds_up(&gp, 1, 1));
    assert_false(gp_holds_up(&gp, 2, 1));
    assert_int_equal(gp_run_ready(&gp, online), 0);
    assert_int_equal(o.magic, ALIVE);
    assert_true(gp_quiescent(&gp, 1, online));          /* the last one sees it over */
    assert_int_equal(gp_completed(&gp, online), 1);
    assert_int_equal(gp_run_ready(&gp, online), 1);
    assert_int_equal(o.magic, DEAD);
    assert_int_equal(gp_run_ready(&gp, online), 0);     /* run once */
}

static void test_offline_cpus_do_not_count(void **state)
{
    struct obj o = { .magic = ALIVE };

    reset();
    gp_defer(&gp, &o.head, obj_free);
    assert_true(gp_quiescent(&gp, 0, 0x1));             /* CPU 1 never came up */
    assert_int_equal(gp_run_ready(&gp, 0x1), 1);
}

static void test_quiescent_before_the_defer_does_not_count(void **state)
{
    struct obj a = { .magic = ALIVE }, b = { .magic = ALIVE };

    reset();
    gp_defer(&gp, &a.head, obj_free);
    assert_false(gp_quiescent(&gp, 0, 0x3));
    assert_true(gp_quiescent(&gp, 1, 0x3));     /* a's grace period is over ... */
    gp_defer(&gp, &b.head, obj_free);           /* ... b's starts only now */
    assert_int_equal(gp_completed(&gp, 0x3), 1);
    assert_int_equal(gp_run_ready(&gp, 0x3), 1);
    assert_int_equal(a.magic, DEAD);
    assert_int_equal(b.magic, ALIVE);
    assert_false(gp_quiescent(&gp, 1, 0x3));
    assert_true(gp_quiescent(&gp, 0, 0x3));
    assert_int_equal(gp_run_ready(&gp, 0x3), 1);
    assert_int_equal(b.magic, DEAD);
}

static void test_idle_cpu_does_not_hold_up(void **state)
{
    struct obj a = { .magic = ALIVE }, b = { .magic = ALIVE };

    reset();
    assert_false(gp_idle_enter(&gp, 1, 0x3));
    assert_true(gp_is_idle(&gp, 1));
    gp_defer(&gp, &a.head, obj_free);
    assert_false(gp_holds_up(&gp, 1, 1));
    assert_true(gp_quiescent(&gp, 0, 0x3));     /* CPU 1 sleeps through it */
    assert_int_equal(gp_run_ready(&gp, 0x3), 1);

    gp_idle_exit(&gp, 1);                       /* awake: it may borrow again, so it counts again */
    assert_false(gp_is_idle(&gp, 1));
    gp_defer(&gp, &b.head, obj_free);
    assert_false(gp_quiescent(&gp, 0, 0x3));
    assert_int_equal(gp_run_ready(&gp, 0x3), 0);
    assert_true(gp_idle_enter(&gp, 1, 0x3));    /* going idle is a quiescent point too */
    assert_int_equal(gp_run_ready(&gp, 0x3), 1);
    assert_int_equal(b.magic, DEAD);
}

static void test_frees_run_in_ticket_order(void **state)
{
    struct obj o[4];
    unsigned int n;

    reset();
    for (unsigned int i = 0; i < 4; i++) {
        o[i].magic = ALIVE;
        gp_defer(&gp, &o[i].head, obj_free);
        if (i == 1)
            assert_true(gp_quiescent(&gp, 0, 0x1));     /* 0 and 1 done, 2 and 3 not yet */
    }
    assert_int_equal(gp_run_ready(&gp, 0x1), 2);
    assert_int_equal(o[1].magic, DEAD);
    assert_int_equal(o[2].magic, ALIVE);
    assert_true(gp_quiescent(&gp, 0, 0x1));
    n = gp_run_ready(&gp, 0x1);
    assert_int_equal(n, 2);
    assert_int_equal(o[3].magic, DEAD);
}

/* --- threads standing for CPUs ------------------------------------------ */

enum { WRITER, BUSY1, BUSY2, SLEEPY, ASLEEP, NCPUS };
#define ONLINE ((1ULL << NCPUS) - 1)
#define OBJECTS 200000                  /* at most this many objects published */
#define HYPERCALLS 20000                /* the readers' work the run lasts for */
#define READS_PER_HYPERCALL 64

static struct obj *published;
static struct obj *pool;
static unsigned long late_reads, reads, freed_while_running;
static int stop;

/* One "hypercall": borrow the published object and use it for a while. */
static void hypercall(void)
{
    struct obj *o = __atomic_load_n(&published, __ATOMIC_ACQUIRE);

    if (!o)
        return;
    for (unsigned int i = 0; i < READS_PER_HYPERCALL; i++) {
        if (__atomic_load_n(&o->magic, __ATOMIC_RELAXED) != ALIVE)
            __atomic_add_fetch(&late_reads, 1, __ATOMIC_RELAXED);
        if (i % 16 == 0)
            sched_yield();                      /* let the writer run in the middle */
    }
    __atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED);
}

/* A CPU running guests: hypercalls, each followed by the way back to the guest. */
static void *busy_cpu(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        hypercall();
        if (gp_quiescent(&gp, cpu, ONLINE))
            gp_run_ready(&gp, ONLINE);
    }
    gp_idle_enter(&gp, cpu, ONLINE);            /* halted from now on */
    return NULL;
}

/* A CPU that halts most of the time: woken by an "interrupt" that borrows, then halts again. */
static void *sleepy_cpu(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        if (gp_idle_enter(&gp, cpu, ONLINE))
            gp_run_ready(&gp, ONLINE);
        usleep(20);
        gp_idle_exit(&gp, cpu);
        hypercall();
    }
    gp_idle_enter(&gp, cpu, ONLINE);
    return NULL;
}

/* A CPU that went idle at the start and never wakes before the end. */
static void *asleep_cpu(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;

    gp_idle_enter(&gp, cpu, ONLINE);
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
        usleep(1000);
    return NULL;
}

static void test_readers_never_see_a_free(void **state)
{
    void *(*cpu_fn[NCPUS])(void *) = { NULL, busy_cpu, busy_cpu, sleepy_cpu, asleep_cpu };
    pthread_t t[NCPUS];
    unsigned int used;

    reset();
    pool = calloc(OBJECTS, sizeof(*pool));
    assert_non_null(pool);
    late_reads = reads = freed_while_running = 0;
    published = NULL;
    stop = 0;
    for (unsigned int c = 1; c < NCPUS; c++)
        assert_int_equal(pthread_create(&t[c], NULL, cpu_fn[c], (void *)(uintptr_t)c), 0);

    /* The writer (CPU 0): publish a new object, unpublish the old, defer its free. */
    for (used = 0; used < OBJECTS && __atomic_load_n(&reads, __ATOMIC_RELAXED) < HYPERCALLS; used++) {
        unsigned int i = used;
        struct obj *old;

        pool[i].magic = ALIVE;
        old = __atomic_exchange_n(&published, &pool[i], __ATOMIC_ACQ_REL);
        if (old)
            gp_defer(&gp, &old->head, obj_free);
        if (gp_quiescent(&gp, WRITER, ONLINE))
            gp_run_ready(&gp, ONLINE);
        if (i % 4 == 0)
            sched_yield();
    }
    freed_while_running = __atomic_load_n(&freed, __ATOMIC_RELAXED);
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (unsigned int c = 1; c < NCPUS; c++)
        pthread_join(t[c], NULL);

    /* Every other CPU halts now: the last object goes after one more quiescent point. */
    gp_defer(&gp, &__atomic_exchange_n(&published, NULL, __ATOMIC_ACQ_REL)->head, obj_free);
    assert_true(gp_quiescent(&gp, WRITER, ONLINE));
    gp_run_ready(&gp, ONLINE);

    print_message("%lu hypercalls, %lu objects, %lu frees (%lu while the readers ran)\n", reads, (unsigned long)used,
                  freed, freed_while_running);
    assert_int_equal(late_reads, 0);
    assert_int_equal(freed, used);
    assert_true(freed_while_running > 0);
    for (unsigned int i = 0; i < used; i++)
        assert_int_equal(pool[i].magic, DEAD);
    free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_for_every_online_cpu),
        cmocka_unit_test(test_offline_cpus_do_not_count),
        cmocka_unit_test(test_quiescent_before_the_defer_does_not_count),
        cmocka_unit_test(test_idle_cpu_does_not_hold_up),
        cmocka_unit_test(test_frees_run_in_ticket_order),
        cmocka_unit_test(test_readers_never_see_a_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
