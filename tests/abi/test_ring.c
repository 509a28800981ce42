/*
 * Behaviour of include/xen/io/ring.h: a front end and a back end share a
 * blkif ring in host memory and exchange requests, checking slot sizes,
 * the notification rule, the final check, index wrap-around at 2^32 and
 * the back end's defence against a front end that over-publishes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/io/blkif.h>

struct pair {
    struct blkif_sring *s;
    struct blkif_front_ring f;
    struct blkif_back_ring b;
};

static int setup(void **state)
{
    struct pair *p = calloc(1, sizeof(*p));

    if (!p || posix_memalign((void **)&p->s, 4096, 4096))
        return -1;
    memset(p->s, 0xa5, 4096);   /* garbage, which SRING_INIT must clear */
    XEN_RING_SRING_INIT(p->s);
    XEN_RING_FRONT_INIT(&p->f, p->s, 4096);
    XEN_RING_BACK_INIT(&p->b, p->s, 4096);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;

    free(p->s);
    free(p);
    return 0;
}

/* Restart all four indices at base (both private views and the page). */
static void rebase(struct pair *p, xen_ring_idx_t base)
{
    p->s->req_prod = p->s->rsp_prod = base;
    p->s->req_event = p->s->rsp_event = base + 1;
    p->f.req_prod_pvt = p->f.rsp_cons = base;
    p->b.rsp_prod_pvt = p->b.req_cons = base;
}

static void test_init(void **state)
{
    struct pair *p = *state;

    assert_int_equal(p->f.nr_ents, 32);
    assert_int_equal(p->b.nr_ents, 32);
    assert_int_equal(p->s->req_prod, 0);
    assert_int_equal(p->s->rsp_prod, 0);
    assert_int_equal(p->s->req_event, 1);
    assert_int_equal(p->s->rsp_event, 1);
    assert_int_equal(p->s->pvt.pvt_pad[0], 0);
    assert_int_equal(p->s->pad[43], 0);
    assert_int_equal(XEN_RING_FREE_REQUESTS(&p->f), 32);
    assert_int_equal(XEN_RING_UNCONSUMED_REQUESTS(&p->b), 0);
    /* Multi-page rings: 2 pages hold 72 slots of 112 bytes, rounded to 64. */
    assert_int_equal(XEN_RING_NR_ENTS(p->s, 8192), 64);
    assert_int_equal(XEN_RING_NR_ENTS(p->s, 4096 * 16), 512);
}

static void test_need_notify(void **state)
{
    (void)state;
    assert_true(xen_ring_need_notify(0, 3, 1));
    assert_true(xen_ring_need_notify(0, 3, 3));
    assert_false(xen_ring_need_notify(0, 3, 4));
    assert_false(xen_ring_need_notify(3, 3, 3));        /* nothing new */
    assert_false(xen_ring_need_notify(2, 5, 2));        /* event == old: already seen */
    /* Across the 2^32 wrap. */
    assert_true(xen_ring_need_notify(0xfffffffeu, 2, 0xffffffffu));
    assert_true(xen_ring_need_notify(0xfffffffeu, 2, 0));
    assert_true(xen_ring_need_notify(0xfffffffeu, 2, 2));
    assert_false(xen_ring_need_notify(0xfffffffeu, 2, 3));
    assert_false(xen_ring_need_notify(0xfffffffeu, 2, 0xfffffffeu));
}

/* Front publishes n requests with ids id0.., returns whether it must notify. */
static int front_send(struct pair *p, unsigned n, uint64_t id0)
{
    int notify;

    for (unsigned i = 0; i < n; i++) {
        struct blkif_request *rq = XEN_RING_REQ(&p->f, p->f.req_prod_pvt);

        memset(rq, 0, sizeof(*rq));
        rq->operation = BLKIF_OP_READ;
        rq->id = id0 + i;
        p->f.req_prod_pvt++;
    }
    XEN_RING_PUSH_REQUESTS(&p->f, notify);
    return notify;
}

/* Back consumes everything available and answers each; returns count. */
static unsigned back_serve(struct pair *p, int *notify)
{
    unsigned done = 0;
    uint32_t avail;

    while ((avail = XEN_RING_UNCONSUMED_REQUESTS(&p->b)) != 0) {
        while (avail--) {
            struct blkif_request rq = *XEN_RING_REQ(&p->b, p->b.req_cons);
            struct blkif_response *rs;

            p->b.req_cons++;
            rs = XEN_RING_RSP(&p->b, p->b.rsp_prod_pvt);
            rs->id = rq.id;
            rs->operation = rq.operation;
            rs->status = BLKIF_RSP_OKAY;
            p->b.rsp_prod_pvt++;
            done++;
        }
    }
    XEN_RING_PUSH_RESPONSES(&p->b, *notify);
    return done;
}

static void test_round_trip_and_notify(void **state)
{
    struct pair *p = *state;
    int notify, more;

    assert_true(front_send(p, 3, 100));        /* req_event 1 is in (0, 3] */
    assert_int_equal(XEN_RING_FREE_REQUESTS(&p->f), 29);
    assert_int_equal(back_serve(p, &notify), 3);
    assert_true(notify);                        /* rsp_event 1 is in (0, 3] */

    /* Back end goes idle: re-arms req_event at req_cons + 1. */
    XEN_RING_FINAL_CHECK_REQUESTS(&p->b, more);
    assert_false(more);
    assert_int_equal(p->s->req_event, 4);
    assert_true(front_send(p, 1, 200));         /* crosses 4: kick */
    assert_false(front_send(p, 1, 201));        /* back end not re-armed: no kick */

    /* Front end consumes the three responses in order. */
    assert_int_equal(XEN_RING_UNCONSUMED_RESPONSES(&p->f), 3);
    for (uint64_t id = 100; id < 103; id++) {
        assert_int_equal(XEN_RING_RSP(&p->f, p->f.rsp_cons)->id, id);
        p->f.rsp_cons++;
    }
    XEN_RING_FINAL_CHECK_RESPONSES(&p->f, more);
    assert_false(more);
    assert_int_equal(p->s->rsp_event, 4);

    /* A request published before the final check is found by it. */
    XEN_RING_FINAL_CHECK_REQUESTS(&p->b, more);
    assert_int_equal(more, 2);
}

static void test_wraps_at_2_pow_32(void **state)
{
    struct pair *p = *state;
    uint64_t next_id = 0, expect = 0;
    int notify;

    rebase(p, 0xfffffff0u);
    for (int round = 0; round < 20; round++) {
        front_send(p, 5, next_id);
        next_id += 5;
        assert_int_equal(back_serve(p, &notify), 5);
        assert_int_equal(XEN_RING_UNCONSUMED_RESPONSES(&p->f), 5);
        while (XEN_RING_UNCONSUMED_RESPONSES(&p->f)) {
            assert_int_equal(XEN_RING_RSP(&p->f, p->f.rsp_cons)->id, expect++);
            p->f.rsp_cons++;
        }
    }
    assert_true(p->f.rsp_cons < 0xfffffff0u);  /* really wrapped */
    assert_int_equal(expect, 100);
}

static void test_hostile_req_prod_is_bounded(void **state)
{
    struct pair *p = *state;

    p->s->req_prod = 1000;                      /* claims far more than 32 */
    assert_int_equal(XEN_RING_UNCONSUMED_REQUESTS(&p->b), 32);
    p->b.req_cons = 32;                         /* consumed all, answered none */
    assert_int_equal(XEN_RING_UNCONSUMED_REQUESTS(&p->b), 0);
    assert_true(XEN_RING_REQUEST_OVERFLOW(&p->b, p->b.req_cons));
    p->b.rsp_prod_pvt = 1;
    assert_int_equal(XEN_RING_UNCONSUMED_REQUESTS(&p->b), 1);
    assert_false(XEN_RING_REQUEST_OVERFLOW(&p->b, p->b.req_cons));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init, setup, teardown),
        cmocka_unit_test(test_need_notify),
        cmocka_unit_test_setup_teardown(test_round_trip_and_notify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wraps_at_2_pow_32, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_req_prod_is_bounded, setup, teardown),
    };

    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
