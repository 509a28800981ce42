/*
 * Credit accounting (hv/credit.h): the arithmetic alone, then a simulated
 * CPU driven by a millisecond clock the way common/sched.c drives the module
 * (10 ms ticks charge the running vCPU, a share-out every 30 ms, 30 ms
 * slices, the run queue of hv/runq.h in priority order), checking the shares
 * that come out: weights 256/512 give 1:2, a cap of 25 holds to 25%.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <hv/credit.h>

#define MS 1000000ULL
#define MAX_VCPUS 8

static struct credit_sched s;
static unsigned int parks, unparks;

static void count_park(struct credit_vcpu *cv, bool park, void *ctx)
{
    if (park)
        parks++;
    else
        unparks++;
}

static void reset(unsigned int nr_cpus)
{
    parks = unparks = 0;
    credit_init(&s, nr_cpus, count_park, NULL);
}

/* ---- the arithmetic ---- */

static void test_defaults(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v;

    reset(1);
    credit_dom_init(&d);
    credit_vcpu_init(&v, &d);
    assert_int_equal(d.weight, 256);
    assert_int_equal(d.cap, 0);
    assert_int_equal(v.pri, SCHED_PRI_UNDER);
    assert_int_equal(v.credit, 0);
    assert_int_equal(CREDIT_PER_TSLICE, 300);
    assert_int_equal(CREDIT_TICK_NS, 10 * MS);
    assert_true(credit_check(&s));
}

/* 10 credits a millisecond, the fractions carried over: 20 runs of 50 us cost 10 credits. */
static void test_burn_carries_fractions(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v;
    uint64_t t = 1000 * MS;

    reset(1);
    credit_dom_init(&d);
    credit_vcpu_init(&v, &d);
    for (int i = 0; i < 20; i++) {
        credit_run(&v, t);
        t += 50000;
        credit_burn(&v, t);
        t += 1 * MS;                            /* not running: nothing charged */
    }
    assert_int_equal(v.credit, -10);
    assert_int_equal(v.residual, 0);
    credit_burn(&v, t - 5 * MS);                /* a time before the last charge: nothing */
    assert_int_equal(v.credit, -10);
}

static void test_wake_boosts_only_under(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v;

    reset(1);
    credit_dom_init(&d);
    credit_vcpu_init(&v, &d);
    assert_int_equal(credit_wake(&v), SCHED_PRI_BOOST);
    credit_tick(&s, &v, 0);                     /* a tick ends the boost */
    assert_int_equal(v.pri, SCHED_PRI_UNDER);
    v.pri = SCHED_PRI_OVER;
    assert_int_equal(credit_wake(&v), SCHED_PRI_OVER);
    v.pri = SCHED_PRI_UNDER;
    v.parked = true;
    assert_int_equal(credit_wake(&v), SCHED_PRI_UNDER);
}

/* putinfo: weight 0 and cap 0xffff keep the value; the total follows active vCPUs. */
static void test_putinfo(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v[2];

    reset(1);
    credit_dom_init(&d);
    credit_vcpu_init(&v[0], &d);
    credit_vcpu_init(&v[1], &d);
    credit_tick(&s, &v[0], 0);
    credit_tick(&s, &v[1], 0);
    credit_tick(&s, &v[1], 0);                  /* already earning: counted once */
    assert_int_equal(s.weight, 512);
    credit_dom_set(&s, &d, 1000, 50);
    assert_int_equal(d.weight, 1000);
    assert_int_equal(d.cap, 50);
    assert_int_equal(s.weight, 2000);
    assert_true(credit_check(&s));
    credit_dom_set(&s, &d, 0, CREDIT_CAP_KEEP);
    assert_int_equal(d.weight, 1000);
    assert_int_equal(d.cap, 50);
    credit_dom_set(&s, &d, 65535, 0);
    assert_int_equal(d.weight, 65535);
    assert_int_equal(d.cap, 0);
    assert_int_equal(s.weight, 2 * 65535);
    credit_vcpu_remove(&s, &v[0]);
    assert_int_equal(s.weight, 65535);
    credit_vcpu_remove(&s, &v[1]);
    assert_int_equal(s.weight, 0);
    assert_true(credit_check(&s));
}

/* A share-out by weight: 300 credits, 1:2, rounded up. */
static void test_share_by_weight(void **state)
{
    struct credit_dom a, b;
    struct credit_vcpu va, vb;

    reset(1);
    credit_dom_init(&a);
    credit_dom_init(&b);
    credit_dom_set(&s, &b, 512, CREDIT_CAP_KEEP);
    credit_vcpu_init(&va, &a);
    credit_vcpu_init(&vb, &b);
    credit_tick(&s, &va, 0);
    credit_tick(&s, &vb, 0);
    credit_account(&s);
    assert_int_equal(va.credit, 100);
    assert_int_equal(vb.credit, 200);
    assert_int_equal(va.pri, SCHED_PRI_UNDER);
    assert_int_equal(s.balance, 300);
    assert_int_equal(s.epoch, 1);
}

/* Credit that is not used stops being earned past one slice's worth; half is kept. */
static void test_idle_vcpu_stops_earning(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v;

    reset(1);
    credit_dom_init(&d);
    credit_vcpu_init(&v, &d);
    credit_tick(&s, &v, 0);
    credit_account(&s);                         /* 300: not past the bound */
    assert_int_equal(v.credit, 300);
    assert_int_equal(d.nr_active, 1);
    credit_account(&s);                         /* 600: stops, keeps 300 */
    assert_int_equal(v.credit, 300);
    assert_int_equal(d.nr_active, 0);
    assert_int_equal(s.weight, 0);
    credit_account(&s);                         /* nobody active: nothing changes */
    assert_int_equal(v.credit, 300);
    assert_true(credit_check(&s));
}

/* Debt is bounded by one slice; a capped vCPU deep in debt is parked, unparked once paid. */
static void test_debt_bound_and_parking(void **state)
{
    struct credit_dom d;
    struct credit_vcpu v;

    reset(1);
    credit_dom_init(&d);
    credit_dom_set(&s, &d, 0, 25);              /* 75 credits a slice */
    credit_vcpu_init(&v, &d);
    credit_run(&v, 0);
    credit_tick(&s, &v, 100 * MS);              /* ran 100 ms: -1000 */
    assert_int_equal(v.credit, -1000);
    credit_account(&s);
    assert_int_equal(v.credit, -300);
    assert_int_equal(v.pri, SCHED_PRI_OVER);
    assert_true(v.parked);
    assert_int_equal(parks, 1);
    credit_account(&s);                         /* -225 */
    credit_account(&s);                         /* -150 */
    credit_account(&s);                         /* -75 */
    assert_true(v.parked);
    assert_int_equal(parks, 1);
    credit_account(&s);                         /* 0: unparked, UNDER */
    assert_false(v.parked);
    assert_int_equal(unparks, 1);
    assert_int_equal(v.pri, SCHED_PRI_UNDER);
    /* Removing a parked vCPU unparks it. */
    v.credit = -1000;
    credit_account(&s);
    assert_true(v.parked);
    credit_vcpu_remove(&s, &v);
    assert_false(v.parked);
    assert_int_equal(unparks, 2);
    assert_true(credit_check(&s));
}

/* ---- a simulated CPU ---- */

struct sim_vcpu {
    struct credit_vcpu cv;
    struct runq_node node;
    bool running, runnable;
    uint64_t ran_ms;
};

static struct runq rq;
static struct sim_vcpu sv[MAX_VCPUS];
static struct credit_dom sd[MAX_VCPUS];
static struct sim_vcpu *curr;
static uint64_t slice_end;
static bool resched;

#define sim_of(cvp) ((struct sim_vcpu *)(void *)(cvp))

static bool sim_runnable(const struct sim_vcpu *v)
{
    return v->runnable && !v->cv.parked;
}

/* The park callback as sched.c's: off the queue, or off the CPU at once. */
static void sim_park(struct credit_vcpu *cv, bool park, void *ctx)
{
    struct sim_vcpu *v = sim_of(cv);

    if (park) {
        parks++;
        if (runq_queued(&v->node))
            runq_remove(&rq, &v->node);
        if (v == curr)
            resched = true;
    } else {
        unparks++;
        if (v != curr && v->runnable && !runq_queued(&v->node)) {
            v->node.pri = v->cv.pri;
            runq_insert(&rq, &v->node);
            if (!curr || v->node.pri < curr->cv.pri)
                resched = true;
        }
    }
}

static void sim_schedule(uint64_t now)
{
    struct runq_node *n;
    struct sim_vcpu *next = NULL;

    if (curr) {
        credit_burn(&curr->cv, now);
        if (sim_runnable(curr)) {
            curr->node.pri = curr->cv.pri;
            runq_insert(&rq, &curr->node);
        }
    }
    while ((n = runq_first(&rq))) {
        runq_remove(&rq, n);
        next = (struct sim_vcpu *)(void *)((char *)n - offsetof(struct sim_vcpu, node));
        if (sim_runnable(next))
            break;
        next = NULL;
    }
    curr = next;
    if (curr)
        credit_run(&curr->cv, now);
    slice_end = now + CREDIT_TSLICE_NS;
    resched = false;
    assert_true(runq_check(&rq));
}

/*
 * n vCPUs, one domain each with weight[i] and cap[i], always runnable, on
 * one CPU for `ms` milliseconds: each one's CPU time in ran_ms.
 */
static void simulate(unsigned int n, const uint16_t *weight, const uint16_t *cap, uint64_t ms)
{
    unsigned int epoch;

    reset(1);
    s.park = sim_park;
    runq_init(&rq);
    curr = NULL;
    for (unsigned int i = 0; i < n; i++) {
        credit_dom_init(&sd[i]);
        credit_dom_set(&s, &sd[i], weight[i], cap[i]);
        sv[i] = (struct sim_vcpu){ .runnable = true };
        credit_vcpu_init(&sv[i].cv, &sd[i]);
        sv[i].node.pri = sv[i].cv.pri;
        runq_insert(&rq, &sv[i].node);
    }
    sim_schedule(0);
    epoch = s.epoch;
    for (uint64_t t = 0; t < ms; t++) {
        uint64_t now = t * MS;

        if (t && t % 30 == 7)                   /* the share-out, unaligned with the ticks */
            credit_account(&s);
        if (t && t % 10 == 0 && curr)
            credit_tick(&s, &curr->cv, now);
        if (s.epoch != epoch) {                 /* priorities changed: resort */
            epoch = s.epoch;
            for (unsigned int i = 0; i < n; i++)
                if (runq_queued(&sv[i].node))
                    sv[i].node.pri = sv[i].cv.pri;
            runq_sort(&rq);
        }
        if (curr && (runq_first(&rq) && runq_first(&rq)->pri < curr->cv.pri))
            resched = true;
        if (resched || now >= slice_end || !curr)
            sim_schedule(now);
        if (curr)
            curr->ran_ms++;
        assert_true(credit_check(&s));
    }
}

static void test_weights_256_512_share_1_to_2(void **state)
{
    const uint16_t weight[2] = { 256, 512 }, cap[2] = { 0, 0 };
    double ratio;

    simulate(2, weight, cap, 30000);
    ratio = (double)sv[1].ran_ms / (double)sv[0].ran_ms;
    print_message("weights 256/512: %lu ms and %lu ms, ratio %.3f\n",
                  (unsigned long)sv[0].ran_ms, (unsigned long)sv[1].ran_ms, ratio);
    assert_true(ratio > 1.9 && ratio < 2.1);
    assert_int_equal(sv[0].ran_ms + sv[1].ran_ms, 30000);
}

static void test_equal_weights_share_equally(void **state)
{
    const uint16_t weight[3] = { 256, 256, 256 }, cap[3] = { 0, 0, 0 };

    simulate(3, weight, cap, 30000);
    for (unsigned int i = 0; i < 3; i++)
        assert_true(sv[i].ran_ms > 9500 && sv[i].ran_ms < 10500);
}

static void test_cap_25_alone_holds_to_25_percent(void **state)
{
    const uint16_t weight[1] = { 256 }, cap[1] = { 25 };
    double share;

    simulate(1, weight, cap, 30000);
    share = (double)sv[0].ran_ms / 30000.0;
    print_message("cap 25 alone: %lu ms of 30000 (%.3f)\n", (unsigned long)sv[0].ran_ms, share);
    assert_true(share > 0.24 && share < 0.26);
    assert_true(parks > 10 && unparks > 10);
}

static void test_cap_25_beside_a_hog(void **state)
{
    const uint16_t weight[2] = { 256, 256 }, cap[2] = { 25, 0 };
    double share;

    simulate(2, weight, cap, 30000);
    share = (double)sv[0].ran_ms / 30000.0;
    print_message("cap 25 beside a hog: %lu ms of 30000 (%.3f)\n", (unsigned long)sv[0].ran_ms,
                  share);
    assert_true(share > 0.22 && share < 0.26);
    assert_int_equal(sv[0].ran_ms + sv[1].ran_ms, 30000);
}

/* A weight that is not fair must show: 256/256 is not 1:2 (the check can fail). */
static void test_equal_weights_are_not_1_to_2(void **state)
{
    const uint16_t weight[2] = { 256, 256 }, cap[2] = { 0, 0 };
    double ratio;

    simulate(2, weight, cap, 30000);
    ratio = (double)sv[1].ran_ms / (double)sv[0].ran_ms;
    assert_true(ratio > 0.95 && ratio < 1.05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_burn_carries_fractions),
        cmocka_unit_test(test_wake_boosts_only_under),
        cmocka_unit_test(test_putinfo),
        cmocka_unit_test(test_share_by_weight),
        cmocka_unit_test(test_idle_vcpu_stops_earning),
        cmocka_unit_test(test_debt_bound_and_parking),
        cmocka_unit_test(test_weights_256_512_share_1_to_2),
        cmocka_unit_test(test_equal_weights_share_equally),
        cmocka_unit_test(test_cap_25_alone_holds_to_25_percent),
        cmocka_unit_test(test_cap_25_beside_a_hog),
        cmocka_unit_test(test_equal_weights_are_not_1_to_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
