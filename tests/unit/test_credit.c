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

/* ---- the pool's parameters (XEN_SYSCTL_scheduler_op) ---- */

static void test_params_defaults_and_bounds(void **state)
{
    const struct credit_sched early = CREDIT_SCHED_EARLY;
    struct credit_params p;

    reset(2);
    /* The state before credit_init has the same slice (CPUs tick before the scheduler starts). */
    assert_memory_equal(&early.params, &s.params, sizeof(p));
    assert_int_equal(early.tslice_ns, s.tslice_ns);
    assert_int_equal(early.tick_ns, s.tick_ns);
    assert_int_equal(early.credits_per_tslice, s.credits_per_tslice);
    assert_int_equal(s.params.tslice_ms, 30);
    assert_int_equal(s.params.ratelimit_us, 1000);
    assert_int_equal(s.params.migr_delay_us, 0);
    assert_int_equal(s.tslice_ns, CREDIT_TSLICE_NS);
    assert_int_equal(s.tick_ns, CREDIT_TICK_NS);
    assert_int_equal(s.credits_per_tslice, CREDIT_PER_TSLICE);
    p = (struct credit_params){ 1, 0, 0 };
    assert_true(credit_params_valid(&p));                /* the least slice, no rate limit */
    p = (struct credit_params){ 1000, 500000, 100000 };
    assert_true(credit_params_valid(&p));                /* every maximum */
    p = (struct credit_params){ 1, 1000, 0 };
    assert_true(credit_params_valid(&p));                /* a rate limit as long as the slice */
    p = (struct credit_params){ 1, 1001, 0 };
    assert_false(credit_params_valid(&p));               /* longer */
    p = (struct credit_params){ 0, 0, 0 };
    assert_false(credit_params_valid(&p));
    p = (struct credit_params){ 1001, 1000, 0 };
    assert_false(credit_params_valid(&p));
    p = (struct credit_params){ 30, 99, 0 };
    assert_false(credit_params_valid(&p));
    p = (struct credit_params){ 30, 100, 0 };
    assert_true(credit_params_valid(&p));
    p = (struct credit_params){ 1000, 500001, 0 };
    assert_false(credit_params_valid(&p));
    p = (struct credit_params){ 30, 1000, 100001 };
    assert_false(credit_params_valid(&p));
    p = (struct credit_params){ 0xffffffffu, 0xffffffffu, 0 };
    assert_false(credit_params_valid(&p));               /* no wrap in the comparison */
}

/* Xen's __csched_set_tslice: three ticks a slice (one below 3 ms), 10 credits a millisecond. */
static void test_params_set_the_slice(void **state)
{
    struct credit_params p = { 10, 500, 0 };

    reset(2);
    credit_set_params(&s, &p);
    assert_int_equal(s.tslice_ns, 10 * MS);
    assert_int_equal(s.tick_ns, 3333000);
    assert_int_equal(s.credits_per_tslice, 100);
    p.tslice_ms = 2;
    credit_set_params(&s, &p);
    assert_int_equal(s.tick_ns, 2 * MS);
    assert_int_equal(s.credits_per_tslice, 20);
    p.tslice_ms = 3;
    credit_set_params(&s, &p);
    assert_int_equal(s.tick_ns, 1 * MS);
}

/* The share-out hands out one slice of credit per CPU: 2 x 100 with a 10 ms slice. */
static void test_share_out_follows_the_slice(void **state)
{
    struct credit_params p = { 10, 1000, 0 };
    struct credit_dom d[2];
    struct credit_vcpu v[2];

    reset(2);
    credit_set_params(&s, &p);
    for (int i = 0; i < 2; i++) {
        credit_dom_init(&d[i]);
        credit_vcpu_init(&v[i], &d[i]);
        credit_run(&v[i], 0);
        credit_tick(&s, &v[i], 5 * MS);         /* earning; ran 5 ms: -50 */
    }
    credit_account(&s);
    assert_int_equal(v[0].credit, -50 + 100);
    assert_int_equal(v[1].credit, -50 + 100);
    /* Debt is bounded by one (10 ms) slice: -100. */
    credit_run(&v[0], 5 * MS);
    credit_burn(&v[0], 100 * MS);
    credit_account(&s);
    assert_int_equal(v[0].credit, -100);
    assert_true(credit_check(&s));
}

/* The rate limit: a vCPU that ran less than it keeps the CPU the rest of it (100 us at least). */
static void test_ratelimit_hold(void **state)
{
    struct credit_params p = { 30, 0, 0 };

    reset(1);
    assert_int_equal(credit_ratelimit_hold(&s, 0), 1000000);
    assert_int_equal(credit_ratelimit_hold(&s, 400000), 600000);
    assert_int_equal(credit_ratelimit_hold(&s, 950000), 100000);        /* 50 us left: 100 */
    assert_int_equal(credit_ratelimit_hold(&s, 1000000), 0);
    assert_int_equal(credit_ratelimit_hold(&s, 30 * MS), 0);
    credit_set_params(&s, &p);                          /* none */
    assert_int_equal(credit_ratelimit_hold(&s, 0), 0);
    p.ratelimit_us = 5000;
    credit_set_params(&s, &p);
    assert_int_equal(credit_ratelimit_hold(&s, 1 * MS), 4 * MS);
}

/* The migration delay: a vCPU charged within it is cache-hot; none by default. */
static void test_cache_hot(void **state)
{
    struct credit_params p = { 30, 1000, 500 };
    struct credit_dom d;
    struct credit_vcpu v;

    reset(2);
    credit_dom_init(&d);
    credit_vcpu_init(&v, &d);
    credit_run(&v, 10 * MS);
    credit_burn(&v, 20 * MS);
    assert_false(credit_cache_hot(&s, &v, 20 * MS));
    credit_set_params(&s, &p);
    assert_true(credit_cache_hot(&s, &v, 20 * MS + 499999));
    assert_false(credit_cache_hot(&s, &v, 20 * MS + 500000));
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
static unsigned int switches;                   /* sim_schedule gave the CPU to another vCPU */
static struct credit_params sim_params = { 30, 1000, 0 };   /* simulate's pool */

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
    if (next != curr)
        switches++;
    curr = next;
    if (curr)
        credit_run(&curr->cv, now);
    slice_end = now + s.tslice_ns;
    resched = false;
    assert_true(runq_check(&rq));
}

/*
 * n vCPUs, one domain each with weight[i] and cap[i], always runnable, on
 * one CPU for `ms` milliseconds: each one's CPU time in ran_ms.
 */
static void simulate(unsigned int n, const uint16_t *weight, const uint16_t *cap, uint64_t ms)
{
    unsigned int epoch, tick_ms;

    reset(1);
    credit_set_params(&s, &sim_params);
    tick_ms = (unsigned int)(s.tick_ns / MS);
    switches = 0;
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

        if (t && t % s.params.tslice_ms == 7 % s.params.tslice_ms)  /* unaligned with the ticks */
            credit_account(&s);
        if (t && t % tick_ms == 0 && curr)
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

/* The slice set by XEN_SYSCTL_scheduler_op is the one used: two hogs take turns every 10 ms. */
static void test_slice_of_10_ms_is_used(void **state)
{
    const uint16_t weight[2] = { 256, 256 }, cap[2] = { 0, 0 };
    unsigned int at_30;

    simulate(2, weight, cap, 3000);
    at_30 = switches;
    sim_params.tslice_ms = 10;
    simulate(2, weight, cap, 3000);
    sim_params.tslice_ms = 30;
    print_message("3 s of two hogs: %u switches with 30 ms slices, %u with 10 ms\n", at_30,
                  switches);
    assert_true(at_30 <= 110);                   /* 30 ms slices (or longer runs) */
    assert_true(switches >= 290 && switches <= 310);
    assert_true(sv[0].ran_ms > 1400 && sv[1].ran_ms > 1400);
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

/* The boot options, Xen 4.17's checks and fallbacks in its order. */
static void test_boot_params(void **state)
{
    struct credit_params p;

    assert_int_equal(credit_boot_params(30, 1000, &p), 0);
    assert_int_equal(p.tslice_ms, 30);
    assert_int_equal(p.ratelimit_us, 1000);
    assert_int_equal(p.migr_delay_us, 0);
    assert_int_equal(credit_boot_params(5, 2000, &p), 0);
    assert_int_equal(p.tslice_ms, 5);
    assert_int_equal(p.ratelimit_us, 2000);
    assert_int_equal(credit_boot_params(1, 0, &p), 0);                 /* no rate limit */
    assert_int_equal(p.ratelimit_us, 0);
    assert_int_equal(credit_boot_params(1000, 500000, &p), 0);
    /* The slice out of range: the default. */
    assert_int_equal(credit_boot_params(0, 1000, &p), CREDIT_BOOT_TSLICE_RANGE);
    assert_int_equal(p.tslice_ms, 30);
    assert_int_equal(credit_boot_params(1001, 1000, &p), CREDIT_BOOT_TSLICE_RANGE);
    assert_int_equal(credit_boot_params(-3, 1000, &p), CREDIT_BOOT_TSLICE_RANGE);
    assert_int_equal(p.tslice_ms, 30);
    /* The rate limit out of range: the default. */
    assert_int_equal(credit_boot_params(30, 50, &p), CREDIT_BOOT_RATELIMIT_RANGE);
    assert_int_equal(p.ratelimit_us, 1000);
    assert_int_equal(credit_boot_params(30, -5, &p), CREDIT_BOOT_RATELIMIT_RANGE);
    assert_int_equal(p.ratelimit_us, 1000);
    /* Longer than the slice: reported, and the slice; past the range too: both reported, the default. */
    assert_int_equal(credit_boot_params(30, 50000, &p), CREDIT_BOOT_RATELIMIT_SLICE);
    assert_int_equal(p.ratelimit_us, 30000);
    assert_int_equal(credit_boot_params(30, 600000, &p),
                     CREDIT_BOOT_RATELIMIT_SLICE | CREDIT_BOOT_RATELIMIT_RANGE);
    assert_int_equal(p.ratelimit_us, 1000);
    /* The default rate limit past a 1 ms slice... is not; against the slice after its own fallback. */
    assert_int_equal(credit_boot_params(1, 1000, &p), 0);
    assert_int_equal(credit_boot_params(0, 40000, &p),
                     CREDIT_BOOT_TSLICE_RANGE | CREDIT_BOOT_RATELIMIT_SLICE);
    assert_int_equal(p.tslice_ms, 30);
    assert_int_equal(p.ratelimit_us, 30000);
    /* What the boot gives, the sysctl would accept. */
    assert_true(credit_params_valid(&p));
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
        cmocka_unit_test(test_params_defaults_and_bounds),
        cmocka_unit_test(test_params_set_the_slice),
        cmocka_unit_test(test_share_out_follows_the_slice),
        cmocka_unit_test(test_ratelimit_hold),
        cmocka_unit_test(test_cache_hot),
        cmocka_unit_test(test_weights_256_512_share_1_to_2),
        cmocka_unit_test(test_equal_weights_share_equally),
        cmocka_unit_test(test_cap_25_alone_holds_to_25_percent),
        cmocka_unit_test(test_cap_25_beside_a_hog),
        cmocka_unit_test(test_equal_weights_are_not_1_to_2),
        cmocka_unit_test(test_slice_of_10_ms_is_used),
        cmocka_unit_test(test_boot_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
