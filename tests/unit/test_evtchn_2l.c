/*
 * 2-level event channels: the raise/unmask rules one step at a time, the
 * guest-side scanner, and a two-thread race between a raising
 * "hypervisor" and a draining "guest" that must never lose an event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <xl/evtchn_2l.h>

struct shared {
    uint64_t pending[64], mask[64];
    uint64_t sel;
    uint8_t upcall;
    struct evtchn_2l e;
};

static void init(struct shared *s)
{
    memset(s, 0, sizeof(*s));
    s->e = (struct evtchn_2l){ s->pending, s->mask, &s->sel, &s->upcall };
}

static void test_raise_unmasked(void **state)
{
    struct shared s;
    init(&s);

    assert_true(evtchn_2l_set_pending(&s.e, 3));        /* new: kick */
    assert_true(evtchn_2l_is_pending(&s.e, 3));
    assert_int_equal(s.pending[0], 1u << 3);
    assert_int_equal(s.sel, 1);
    assert_int_equal(s.upcall, 1);

    assert_false(evtchn_2l_set_pending(&s.e, 3));       /* already pending */
    assert_false(evtchn_2l_set_pending(&s.e, 5));       /* same word: sel set */
    assert_int_equal(s.pending[0], (1u << 3) | (1u << 5));

    /* Another word while the upcall is still pending: selector bit, no kick. */
    assert_false(evtchn_2l_set_pending(&s.e, 64 * 7 + 1));
    assert_int_equal(s.sel, 1 | (1u << 7));
    assert_int_equal(s.pending[7], 2);

    /* The guest acknowledged (upcall 0, selector taken): kick again. */
    s.upcall = 0;
    s.sel = 0;
    assert_true(evtchn_2l_set_pending(&s.e, 4095));
    assert_int_equal(s.sel, 1ull << 63);
    assert_int_equal(s.pending[63], 1ull << 63);

    /* Selector bit still set from before but upcall cleared: the guest is
     * mid-scan and will find it, so no kick (Xen: sel test-and-set first). */
    s.upcall = 0;
    s.sel = 1;
    evtchn_2l_clear_pending(&s.e, 3);
    assert_false(evtchn_2l_set_pending(&s.e, 3));
    assert_int_equal(s.upcall, 0);
}

static void test_raise_masked_then_unmask(void **state)
{
    struct shared s;
    init(&s);

    evtchn_2l_mask(&s.e, 70);
    assert_true(evtchn_2l_is_masked(&s.e, 70));
    assert_false(evtchn_2l_set_pending(&s.e, 70));
    assert_true(evtchn_2l_is_pending(&s.e, 70));        /* recorded ... */
    assert_int_equal(s.sel, 0);                          /* ... but not signalled */
    assert_int_equal(s.upcall, 0);

    assert_true(evtchn_2l_unmask(&s.e, 70));            /* now delivered */
    assert_false(evtchn_2l_is_masked(&s.e, 70));
    assert_int_equal(s.sel, 2);
    assert_int_equal(s.upcall, 1);

    assert_false(evtchn_2l_unmask(&s.e, 70));           /* was not masked */

    evtchn_2l_mask(&s.e, 9);
    assert_false(evtchn_2l_unmask(&s.e, 9));            /* masked, not pending */
    assert_false(evtchn_2l_is_masked(&s.e, 9));

    /* Unmask with the selector bit already set: nothing more to do. */
    s.upcall = 0;
    evtchn_2l_mask(&s.e, 71);
    evtchn_2l_set_pending(&s.e, 71);
    assert_false(evtchn_2l_unmask(&s.e, 71));
    assert_int_equal(s.upcall, 0);
}

static void test_clear_and_range(void **state)
{
    struct shared s;
    init(&s);

    evtchn_2l_set_pending(&s.e, 100);
    evtchn_2l_clear_pending(&s.e, 100);
    assert_false(evtchn_2l_is_pending(&s.e, 100));
    assert_int_equal(s.pending[1], 0);

    /* Ports beyond 4095: masked, never pending, never raised. */
    assert_false(evtchn_2l_set_pending(&s.e, EVTCHN_2L_NR_PORTS));
    assert_false(evtchn_2l_unmask(&s.e, 5000));
    assert_true(evtchn_2l_is_masked(&s.e, 4096));
    assert_false(evtchn_2l_is_pending(&s.e, 4096));
    evtchn_2l_mask(&s.e, 4096);
    evtchn_2l_clear_pending(&s.e, 99999);
    for (int i = 0; i < 64; i++)
        assert_int_equal(s.pending[i] | s.mask[i], 0);
}

/* Every port, from a clean state: raise kicks, scan finds it, unmask after a
 * masked raise kicks.  Catches any port- or word-specific slip. */
static void test_every_port(void **state)
{
    struct shared s;

    for (unsigned int port = 0; port < EVTCHN_2L_NR_PORTS; port++) {
        init(&s);
        assert_true(evtchn_2l_set_pending(&s.e, port));
        assert_int_equal(s.upcall, 1);
        assert_int_equal(s.sel, 1ull << (port / 64));
        assert_int_equal(s.pending[port / 64], 1ull << (port % 64));
        uint64_t sel = s.sel;
        unsigned int cursor = port ^ 0x5a5;     /* anywhere */
        assert_int_equal(evtchn_2l_next_pending(s.pending, s.mask, &sel, &cursor), port);

        init(&s);
        evtchn_2l_mask(&s.e, port);
        assert_int_equal(s.mask[port / 64], 1ull << (port % 64));
        assert_false(evtchn_2l_set_pending(&s.e, port));
        assert_true(evtchn_2l_unmask(&s.e, port));
        assert_int_equal(s.upcall, 1);
        assert_int_equal(s.sel, 1ull << (port / 64));
    }
}

static void test_scanner(void **state)
{
    uint64_t pending[64] = { 0 }, mask[64] = { 0 };
    unsigned int cursor = 0;

    pending[0] = (1u << 1) | (1u << 9);
    pending[2] = 1ull << 63;
    pending[5] = 1;                 /* selector bit not set: not visited */
    pending[6] = 4;
    mask[6] = 4;                    /* masked: skipped */
    uint64_t sel = (1u << 0) | (1u << 2) | (1u << 6) | (1u << 9);   /* word 9 empty */

    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 1);
    assert_int_equal(cursor, 2);
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 9);
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 191);
    assert_int_equal(cursor, 192);
    /* Not cleared by the caller: found again after wrapping round. */
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 1);
    pending[0] = 0;
    pending[2] = 0;
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), -1);
    assert_int_equal(sel, 0);       /* empty words dropped from the selector */

    /* Fairness: a cursor in the middle of a word sees higher bits first,
     * then wraps to the lower ones. */
    pending[3] = (1ull << 2) | (1ull << 40);
    sel = 1u << 3;
    cursor = 3 * 64 + 10;
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 3 * 64 + 40);
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 3 * 64 + 2);
    assert_int_equal(sel, 1u << 3);
    cursor = 4095;
    pending[63] = 1ull << 63;
    sel |= 1ull << 63;
    assert_int_equal(evtchn_2l_next_pending(pending, mask, &sel, &cursor), 4095);
    assert_int_equal(cursor, 0);
}

/* ---- the race ----------------------------------------------------------- */

#define RACE_RAISES 200000

struct race {
    struct shared s;
    volatile int done;
    uint64_t kicks;
};

static void *hypervisor(void *arg)
{
    struct race *r = arg;
    uint64_t rng = 88172645463325252ull;

    for (int i = 0; i < RACE_RAISES; i++) {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
        unsigned int port = (unsigned int)(rng % 512);      /* 8 words: contention */
        if (port % 64 == 63) {
            /* Exercise mask/unmask racing with the guest too. */
            evtchn_2l_mask(&r->s.e, port);
            evtchn_2l_set_pending(&r->s.e, port);
            if (evtchn_2l_unmask(&r->s.e, port))
                r->kicks++;
        } else if (evtchn_2l_set_pending(&r->s.e, port)) {
            r->kicks++;
        }
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* The guest's upcall handler, as Linux's 2-level code does it. */
static uint64_t drain(struct race *r, unsigned int *cursor)
{
    uint64_t handled = 0;

    while (__atomic_load_n(&r->s.upcall, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&r->s.upcall, 0, __ATOMIC_SEQ_CST);
        uint64_t sel = __atomic_exchange_n(&r->s.sel, 0, __ATOMIC_SEQ_CST);
        int port;
        while ((port = evtchn_2l_next_pending(r->s.pending, r->s.mask, &sel, cursor)) >= 0) {
            evtchn_2l_clear_pending(&r->s.e, (unsigned int)port);
            handled++;
        }
    }
    return handled;
}

static void test_race_no_lost_event(void **state)
{
    static struct race r;
    pthread_t hv;
    unsigned int cursor = 0;
    uint64_t handled = 0;

    memset(&r, 0, sizeof(r));
    init(&r.s);
    assert_int_equal(pthread_create(&hv, NULL, hypervisor, &r), 0);
    while (!__atomic_load_n(&r.done, __ATOMIC_SEQ_CST))
        handled += drain(&r, &cursor);
    pthread_join(hv, NULL);
    handled += drain(&r, &cursor);

    /* Whatever is still pending and unmasked would have been lost: the
     * guest only scans when upcall_pending says so. */
    for (int w = 0; w < 64; w++)
        if (r.s.pending[w] & ~r.s.mask[w])
            fail_msg("word %d: %#llx pending with no upcall", w,
                     (unsigned long long)(r.s.pending[w] & ~r.s.mask[w]));
    assert_true(handled > 0);
    assert_true(r.kicks > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raise_unmasked),
        cmocka_unit_test(test_raise_masked_then_unmask),
        cmocka_unit_test(test_clear_and_range),
        cmocka_unit_test(test_every_port),
        cmocka_unit_test(test_scanner),
        cmocka_unit_test(test_race_no_lost_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
