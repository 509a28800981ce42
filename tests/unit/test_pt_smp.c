/*
 * The frame-type machine with threads standing for CPUs (asm/pt_types.h).
 *
 * A frame's release by its owner racing references taken on other CPUs
 * (pt_release_frame): mappers take and drop general references on the
 * owner's frames the way a foreign mapping or a grant map does (under their
 * own locks, none of the owner's); the owner gives frames back
 * (decrease_reservation's pt_release_frame) or takes them for an exchange
 * (pt_release_unreferenced), and each released frame is freed exactly once,
 * by the release or by the last reference, never while a mapper holds one,
 * then allocated to the owner again.
 *
 * Two writable claims at once: one CPU retypes a frame to writable (a TLB
 * flush for the type change, with the claim half done) while another asks
 * for the writable type too; the second waits (env->relax) and succeeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>

#include <xen/errno.h>
#include <asm/pt_types.h>

#define FRAMES   4
#define MAPPERS  2
#define ROUNDS   4000
#define OWNER    1

static struct page_info frames[FRAMES];
static struct pt_env env;
static int freed[FRAMES];               /* the frame is with the allocator */
static unsigned long frees, bad_holds, double_frees;
static int stop;

static void free_it(uint64_t mfn)
{
    /* The hypervisor flushes TLBs between the release and the free: a wide window. */
    for (unsigned int i = 0; i < 200; i++)
        __asm__ volatile ("pause");
    if (__atomic_exchange_n(&freed[mfn], 1, __ATOMIC_SEQ_CST))
        __atomic_fetch_add(&double_frees, 1, __ATOMIC_RELAXED);
    /* As the allocator's free: owner gone, released with no reference. */
    __atomic_store_n(&frames[mfn].owner, OWNER_FREE, __ATOMIC_RELEASE);
    __atomic_store_n(&frames[mfn].count_info, PGC_released, __ATOMIC_RELEASE);
    __atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
}

static void last_ref(void *ctx, uint64_t mfn)
{
    free_it(mfn);
}

/* As the allocator's take: the owner's again, unreferenced. */
static void reallocate(uint64_t mfn)
{
    __atomic_store_n(&freed[mfn], 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&frames[mfn].count_info, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&frames[mfn].owner, OWNER, __ATOMIC_RELEASE);
}

static void *mapper(void *arg)
{
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        for (uint64_t f = 0; f < FRAMES; f++) {
            if (pt_get_page(&env, f, OWNER))
                continue;
            /* Held: the frame must stay the owner's until we let go. */
            for (unsigned int i = 0; i < 20; i++)
                if (__atomic_load_n(&freed[f], __ATOMIC_SEQ_CST) ||
                    __atomic_load_n(&frames[f].owner, __ATOMIC_ACQUIRE) != OWNER) {
                    __atomic_fetch_add(&bad_holds, 1, __ATOMIC_RELAXED);
                    break;
                }
            pt_put_page(&env, f);
        }
    }
    return NULL;
}

#define PATIENCE 1000000                /* yields before a frame counts as lost */

/* Until the last reference frees it; false if it never comes (a lost count). */
static bool wait_freed(uint64_t f)
{
    for (unsigned long i = 0; i < PATIENCE; i++) {
        if (__atomic_load_n(&freed[f], __ATOMIC_SEQ_CST))
            return true;
        sched_yield();
    }
    return false;
}

/* Take it for an exchange once the mappers let go; false if they never do. */
static bool take_unreferenced(uint64_t f)
{
    for (unsigned long i = 0; i < PATIENCE; i++) {
        if (pt_release_unreferenced(&env, f))
            return true;
        sched_yield();
    }
    return false;
}

static void test_release_races_references(void **state)
{
    pthread_t t[MAPPERS];
    unsigned long busy = 0, lost = 0;

    env = (struct pt_env){ .frames = frames, .nr_frames = FRAMES, .last_ref = last_ref };
    frees = 0;
    for (uint64_t f = 0; f < FRAMES; f++) {
        frames[f] = (struct page_info){ .owner = OWNER };
        freed[f] = 0;
    }
    for (unsigned int i = 0; i < MAPPERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, mapper, NULL), 0);
    for (unsigned int r = 0; r < ROUNDS; r++) {
        uint64_t f = r % FRAMES;

        if (r & 1) {
            /* Given back: freed now if unreferenced, else by the last mapper to let go. */
            switch (pt_release_frame(&env, f, false)) {
            case PT_RELEASE_NOW:
                free_it(f);
                break;
            case PT_RELEASE_LATER:
                lost += !wait_freed(f);
                break;
            case PT_RELEASE_BUSY:
                busy++;
                break;
            }
        } else {
            /* Taken for an exchange: only while unreferenced. */
            if (!take_unreferenced(f)) {
                lost++;
                break;
            }
            free_it(f);
        }
        reallocate(f);
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < MAPPERS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(lost, 0);
    assert_int_equal(busy, 0);
    assert_int_equal(bad_holds, 0);
    assert_int_equal(double_frees, 0);
    assert_int_equal(frees, ROUNDS);
    for (uint64_t f = 0; f < FRAMES; f++)
        assert_int_equal(frames[f].count_info, 0);
}

/* A released, unreferenced frame is never referenced again, and a frame is released once. */
static void test_released_frame_is_dead(void **state)
{
    env = (struct pt_env){ .frames = frames, .nr_frames = FRAMES, .last_ref = last_ref };
    frames[0] = (struct page_info){ .owner = OWNER };
    assert_int_equal(pt_release_frame(&env, 0, false), PT_RELEASE_NOW);
    assert_int_equal(pt_get_page(&env, 0, OWNER), -XEN_EINVAL);
    assert_int_equal(pt_release_frame(&env, 0, false), PT_RELEASE_BUSY);
    assert_int_equal(pt_release_frame(&env, 0, true), PT_RELEASE_BUSY);
    assert_false(pt_release_unreferenced(&env, 0));
    assert_int_equal(frames[0].count_info, PGC_released);
    pt_unrelease_frame(&env, 0);
    /* Referenced: the destruction may still ask to await one given back before. */
    assert_int_equal(pt_get_page(&env, 0, OWNER), 0);
    assert_false(pt_release_unreferenced(&env, 0));
    assert_int_equal(pt_release_frame(&env, 0, false), PT_RELEASE_LATER);
    assert_int_equal(pt_release_frame(&env, 0, true), PT_RELEASE_LATER);
    assert_int_equal(pt_release_frame(&env, 0, true), PT_RELEASE_BUSY);
    assert_int_equal(frames[0].count_info, PGC_released | PGC_awaited | 1);
    freed[0] = 0;
    frees = 0;
    pt_put_page(&env, 0);
    assert_int_equal(frees, 1);                 /* the last reference freed it */
    assert_int_equal(pt_get_page(&env, 0, OWNER), -XEN_EINVAL);
}

/* ---- two writable claims ---- */

static int claim_flushing, second_waited;

/* The first claimer's type-change flush: it lasts until the second claimer has waited once. */
static void slow_flush(void *ctx)
{
    __atomic_store_n(&claim_flushing, 1, __ATOMIC_SEQ_CST);
    for (unsigned long i = 0; i < PATIENCE && !__atomic_load_n(&second_waited, __ATOMIC_SEQ_CST); i++)
        sched_yield();
}

static void note_wait(void *ctx)
{
    __atomic_store_n(&second_waited, 1, __ATOMIC_SEQ_CST);
    sched_yield();
}

static void *first_claim(void *arg)
{
    *(int *)arg = pt_get_page_type(&env, 0, (uint32_t)PGT_writable_page, OWNER);
    return NULL;
}

static void test_writable_claims_wait_for_each_other(void **state)
{
    pthread_t t;
    int first = -1, second;

    env = (struct pt_env){ .frames = frames, .nr_frames = FRAMES, .flush = slow_flush,
                           .relax = note_wait };
    /* An unused frame that was a segment-descriptor page: writable is a type change. */
    frames[0] = (struct page_info){ .owner = OWNER, .count_info = 2,
                                    .type_info = (uint32_t)PGT_seg_desc_page };
    claim_flushing = second_waited = 0;
    assert_int_equal(pthread_create(&t, NULL, first_claim, &first), 0);
    while (!__atomic_load_n(&claim_flushing, __ATOMIC_SEQ_CST))
        sched_yield();
    second = pt_get_page_type(&env, 0, (uint32_t)PGT_writable_page, OWNER);
    pthread_join(t, NULL);
    assert_int_equal(first, 0);
    assert_int_equal(second, 0);
    assert_int_equal(second_waited, 1);
    assert_int_equal(frames[0].type_info, PGT_writable_page | PGT_validated | 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_released_frame_is_dead),
        cmocka_unit_test(test_release_races_references),
        cmocka_unit_test(test_writable_claims_wait_for_each_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
