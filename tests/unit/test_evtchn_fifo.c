/*
 * FIFO event channels (lib/evtchn_fifo.c): linking and READY one step at
 * a time, the guest's consumer, queue moves, a long random sequence against
 * the reference model of evtchn_fifo_rig.h, and a two-thread race between a
 * raising "hypervisor" and a draining "guest" that must lose no event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <cmocka.h>

#include "evtchn_fifo_rig.h"

#define P RIG_BIT
#define PEND P(EVTCHN_FIFO_PENDING)
#define MASK P(EVTCHN_FIFO_MASKED)
#define LINK P(EVTCHN_FIFO_LINKED)
#define BUSY P(EVTCHN_FIFO_BUSY)

static event_word_t page0[EVTCHN_FIFO_WORDS_PER_PAGE], page1[EVTCHN_FIFO_WORDS_PER_PAGE];
static struct evtchn_fifo_control_block cb;
static struct rig rig;

static int setup(void **state)
{
    rig_init(&rig, page0, page1, &cb);
    return 0;
}

static void test_link_and_ready(void **state)
{
    struct rig *r = &rig;

    /* A port starts out as last linked on queue 0 (Xen's zeroed lastq): moved to 7. */
    assert_int_equal(rig_raise(r, 5), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_NOTIFY |
                                      EVTCHN_FIFO_MOVED);
    assert_int_equal(r->last[5], 7);
    assert_int_equal(page0[5], PEND | LINK);
    assert_int_equal(cb.head[7], 5);
    assert_int_equal(cb.ready, P(7));

    /* Behind the tail: LINK of 5 names 9; READY already set, no notify. */
    assert_int_equal(rig_raise(r, 9), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_MOVED);
    assert_int_equal(page0[5], PEND | LINK | 9);
    assert_int_equal(page0[9], PEND | LINK);
    assert_int_equal(cb.head[7], 5);

    /* Already pending and linked: nothing changes. */
    assert_int_equal(rig_raise(r, 5), 0);
    assert_int_equal(page0[5], PEND | LINK | 9);

    /* Port 1500 lives on the second page; at priority 0 it does not move. */
    r->prio[1500] = 0;
    assert_int_equal(rig_raise(r, 1500), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_NOTIFY);
    assert_int_equal(page1[1500 - 1024], PEND | LINK);
    assert_int_equal(cb.ready, P(0) | P(7));
    assert_int_equal(rig_mismatch(r), -1);
}

static void test_no_word(void **state)
{
    struct rig *r = &rig;

    assert_null(evtchn_fifo_word(&r->array, RIG_PORTS));
    assert_null(evtchn_fifo_word(&r->array, EVTCHN_FIFO_NR_CHANNELS));
    assert_int_equal(rig_raise(r, RIG_PORTS), 0);
    assert_int_equal(rig_raise(r, ~0u), 0);
    assert_int_equal(cb.ready, 0);

    /* A head naming a port without a word is dropped by the guest, READY bit too. */
    cb.head[3] = RIG_PORTS + 7;
    cb.ready = P(3);
    assert_int_equal(evtchn_fifo_next(&r->array, &cb, r->heads, &r->ready), -1);
    assert_int_equal(r->ready, 0);
}

static void test_masked(void **state)
{
    struct rig *r = &rig;
    int want;

    rig_mask(r, 40);
    assert_int_equal(rig_raise(r, 40), EVTCHN_FIFO_NEWLY_PENDING);
    assert_int_equal(page0[40], PEND | MASK);
    assert_int_equal(cb.ready, 0);
    assert_int_equal(rig_next(r, &want), -1);

    rig_unmask(r, 40);
    assert_int_equal(page0[40], PEND | LINK);
    assert_int_equal(cb.ready, P(7));
    assert_int_equal(r->notifies, 1);
    assert_int_equal(rig_next(r, &want), 40);
    assert_int_equal(page0[40], 0);
    assert_int_equal(rig_next(r, &want), -1);
    assert_int_equal(rig_mismatch(r), -1);
}

static void test_priority_order(void **state)
{
    static const unsigned int ports[] = { 11, 12, 13, 14, 15, 16 };
    static const uint8_t prios[] = { 9, 2, 7, 2, 15, 0 };
    static const int expect[] = { 16, 12, 14, 13, 11, 15 };
    struct rig *r = &rig;
    int want;

    for (unsigned int i = 0; i < 6; i++) {
        r->prio[ports[i]] = prios[i];
        rig_raise(r, ports[i]);
    }
    assert_int_equal(cb.ready, P(0) | P(2) | P(7) | P(9) | P(15));
    for (unsigned int i = 0; i < 6; i++) {
        assert_int_equal(rig_next(r, &want), expect[i]);
        assert_int_equal(want, expect[i]);
    }
    assert_int_equal(rig_next(r, &want), -1);
    assert_int_equal(r->ready, 0);
    assert_int_equal(cb.ready, 0);
    assert_int_equal(rig_mismatch(r), -1);
}

/* Linked events that are no longer pending, or masked meanwhile, are unlinked and skipped. */
static void test_consumer_skips(void **state)
{
    struct rig *r = &rig;
    int want;

    rig_raise(r, 20);
    rig_raise(r, 21);
    rig_raise(r, 22);
    rig_clear(r, 20);               /* closed by the hypervisor: PENDING only */
    rig_mask(r, 21);                /* masked while linked (allowed) */
    assert_int_equal(rig_next(r, &want), 22);
    assert_int_equal(page0[20], 0);
    assert_int_equal(page0[21], PEND | MASK);
    rig_unmask(r, 21);              /* relinked and delivered */
    assert_int_equal(rig_next(r, &want), 21);
    assert_int_equal(rig_mismatch(r), -1);
}

/* After the guest emptied a queue, the stale tail is not LINKED: the next event is a new head. */
static void test_new_head_after_drain(void **state)
{
    struct rig *r = &rig;
    int want;

    rig_raise(r, 30);
    assert_int_equal(rig_next(r, &want), 30);
    assert_int_equal(r->q[7].tail, 30);                 /* ours, stale */
    assert_int_equal(rig_raise(r, 31), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_NOTIFY |
                                       EVTCHN_FIFO_MOVED);
    assert_int_equal(cb.head[7], 31);
    assert_int_equal(page0[30], 0);                     /* no link written into 30 */
    assert_int_equal(rig_next(r, &want), 31);

    /* Raising the stale tail itself makes it the head, never a self-link. */
    rig_raise(r, 32);
    assert_int_equal(rig_next(r, &want), 32);
    assert_int_equal(rig_raise(r, 32), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_NOTIFY);
    assert_int_equal(page0[32], PEND | LINK);
    assert_int_equal(rig_next(r, &want), 32);
    assert_int_equal(rig_mismatch(r), -1);
}

/* A port whose priority changed moves queues; its old queue forgets it as tail. */
static void test_move_queue(void **state)
{
    struct rig *r = &rig;
    int want;

    rig_raise(r, 50);
    assert_int_equal(rig_next(r, &want), 50);
    r->prio[50] = 2;
    assert_int_equal(rig_raise(r, 50), EVTCHN_FIFO_NEWLY_PENDING | EVTCHN_FIFO_NOTIFY |
                                       EVTCHN_FIFO_MOVED);
    assert_int_equal(r->q[7].tail, 0);
    assert_int_equal(r->q[2].tail, 50);
    assert_int_equal(r->last[50], 2);
    assert_int_equal(cb.head[2], 50);

    /* A priority change while linked only applies to the next link. */
    rig_raise(r, 51);
    r->prio[51] = 2;
    assert_int_equal(rig_raise(r, 51), 0);
    assert_int_equal(cb.head[7], 51);
    assert_int_equal(rig_next(r, &want), 50);
    assert_int_equal(rig_next(r, &want), 51);
    assert_int_equal(rig_mismatch(r), -1);
}

static void test_set_link(void **state)
{
    event_word_t w = LINK | PEND | 77;

    assert_int_equal(evtchn_fifo_set_link(&w, 1234), 1);
    assert_int_equal(w, LINK | PEND | 1234);
    w = LINK | BUSY | 5;
    assert_int_equal(evtchn_fifo_set_link(&w, 6), 1);
    assert_int_equal(w, LINK | 6);                      /* the same store clears BUSY */
    w = PEND | MASK;
    assert_int_equal(evtchn_fifo_set_link(&w, 6), 0);   /* consumed meanwhile */
    assert_int_equal(w, PEND | MASK);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* 50,000 random steps; the library must agree with the model after each. */
static void test_random_against_model(void **state)
{
    struct rig *r = &rig;
    uint64_t s = 0x9e3779b97f4a7c15ull;
    unsigned int delivered = 0;

    for (unsigned int i = 0; i < 50000; i++) {
        unsigned int port = 1 + (unsigned int)(xorshift(&s) % 64) * 29 % (RIG_PORTS - 1);
        int got, want;

        switch (xorshift(&s) % 8) {
        case 0: case 1: case 2:
            rig_raise(r, port);
            break;
        case 3:
            rig_mask(r, port);
            break;
        case 4:
            rig_unmask(r, port);
            break;
        case 5:
            rig_clear(r, port);
            break;
        case 6:
            r->prio[port] = (uint8_t)(xorshift(&s) % RIG_QUEUES);
            break;
        default:
            got = rig_next(r, &want);
            if (got != want)
                fail_msg("step %u: guest took %d, model %d", i, got, want);
            delivered += got >= 0;
            break;
        }
        if (rig_mismatch(r) >= 0)
            fail_msg("step %u: word of port %d is %#x", i, rig_mismatch(r),
                     *rig_word(r, (unsigned int)rig_mismatch(r)));
    }
    assert_true(delivered > 500);
}

/* --- the race: one hypervisor thread raising, the guest draining --- */

#define RACE_PORTS 64
#define RACE_RAISES 200000

struct race {
    struct rig *r;
    uint8_t upcall;                 /* vcpu_info.evtchn_upcall_pending */
    int done;
};

static void *hypervisor(void *arg)
{
    struct race *x = arg;
    uint64_t s = 12345;

    for (unsigned int i = 0; i < RACE_RAISES; i++) {
        unsigned int port = 1 + (unsigned int)(xorshift(&s) % RACE_PORTS);
        unsigned int res = evtchn_fifo_raise(&x->r->array, port, &x->r->q[port % 4],
                                             &x->r->q[port % 4], &x->r->cb->ready);
        if (res & EVTCHN_FIFO_NOTIFY)
            __atomic_store_n(&x->upcall, 1, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&x->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static unsigned int drain(struct race *x)
{
    unsigned int n = 0;
    int port;

    while (__atomic_exchange_n(&x->upcall, 0, __ATOMIC_SEQ_CST))
        while ((port = evtchn_fifo_next(&x->r->array, x->r->cb, x->r->heads, &x->r->ready)) >= 0) {
            evtchn_fifo_test_and_clear(rig_word(x->r, (unsigned int)port), EVTCHN_FIFO_PENDING);
            n++;
        }
    return n;
}

static void test_race_no_lost_event(void **state)
{
    struct race x = { .r = &rig };
    unsigned int handled = 0;
    pthread_t hv;

    for (unsigned int q = 0; q < 4; q++)
        x.r->q[q].priority = (uint8_t)q;
    assert_int_equal(pthread_create(&hv, NULL, hypervisor, &x), 0);
    while (!__atomic_load_n(&x.done, __ATOMIC_SEQ_CST))
        handled += drain(&x);
    pthread_join(hv, NULL);
    handled += drain(&x);

    /* Anything still pending was raised after the guest's last look and never announced. */
    for (unsigned int p = 1; p <= RACE_PORTS; p++)
        if (*rig_word(x.r, p) & (PEND | LINK))
            fail_msg("port %u left %#x with no upcall", p, *rig_word(x.r, p));
    assert_true(handled > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_link_and_ready, setup),
        cmocka_unit_test_setup(test_no_word, setup),
        cmocka_unit_test_setup(test_masked, setup),
        cmocka_unit_test_setup(test_priority_order, setup),
        cmocka_unit_test_setup(test_consumer_skips, setup),
        cmocka_unit_test_setup(test_new_head_after_drain, setup),
        cmocka_unit_test_setup(test_move_queue, setup),
        cmocka_unit_test(test_set_link),
        cmocka_unit_test_setup(test_random_against_model, setup),
        cmocka_unit_test_setup(test_race_no_lost_event, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
