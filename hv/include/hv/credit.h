/*
 * Credit accounting (the arithmetic of Xen's credit scheduler, "credit1"):
 * who is owed how much CPU, and at which priority each vCPU runs. Pure code
 * (hv/lib/credit.c), host-tested by tests/unit/test_credit.c with a
 * simulated clock; common/sched.c drives it and keeps the run queues.
 *
 * The model, in Xen's numbers (the defaults; XEN_SYSCTL_scheduler_op
 * changes the slice, the rate limit and the migration delay: credit_set_params):
 *  - a vCPU runs for a time slice of CREDIT_TSLICE_NS (30 ms) at most while
 *    others of its priority wait;
 *  - a vCPU that has run for less than the rate limit (1 ms) keeps its CPU
 *    when a more urgent one wakes, until it has (credit_ratelimit_hold);
 *  - every CREDIT_TICK_NS (10 ms, a third of the slice) a CPU charges the
 *    vCPU it runs (credit_tick): a boost ends there, and a vCPU that was not
 *    earning credit starts to ("active");
 *  - every slice (credit_account, one place for all CPUs) the credit of one
 *    slice per CPU (CREDIT_PER_TSLICE each) is shared among the active
 *    domains by weight, a domain's share split evenly among its active
 *    vCPUs; a cap (percent of one CPU, 0 = none) bounds a domain's share;
 *  - running costs CREDIT_PER_MS credits a millisecond (credit_burn);
 *  - a vCPU with credit left runs UNDER, one in debt OVER (after all UNDER
 *    ones); one woken from blocking while UNDER runs BOOST (before them
 *    all) until a tick finds it running;
 *  - a capped vCPU deeper in debt than its cap's share is parked (kept from
 *    running, however runnable) until its credit is positive again;
 *  - a vCPU whose credit grew past one slice's worth stops earning (it is
 *    not using its share) and keeps half.
 *
 * Priorities are those of hv/runq.h (a lower number runs first).
 * Locking: the caller serialises every call on one credit_sched.
 */
#ifndef HV_CREDIT_H
#define HV_CREDIT_H
#include <stdbool.h>
#include <stdint.h>
#include <hv/runq.h>

#define CREDIT_WEIGHT_DEFAULT 256
#define CREDIT_TSLICE_NS      30000000ULL     /* Xen's sched_credit_tslice_ms default */
#define CREDIT_TICKS_PER_TSLICE 3
#define CREDIT_TICK_NS        (CREDIT_TSLICE_NS / CREDIT_TICKS_PER_TSLICE)
#define CREDIT_PER_MS         10
#define CREDIT_PER_TSLICE     ((int32_t)(CREDIT_PER_MS * (CREDIT_TSLICE_NS / 1000000ULL)))
#define CREDIT_CAP_KEEP       0xffffu         /* putinfo: leave the cap as it is */
#define CREDIT_RATELIMIT_US   1000u           /* Xen's sched_ratelimit_us default */
#define CREDIT_MIN_TIMER_NS   100000ULL       /* Xen's CSCHED_MIN_TIMER: no shorter rate-limit hold */

/* XEN_SYSCTL_scheduler_op's bounds for credit (Xen 4.17's sysctl.h). */
#define CREDIT_TSLICE_MS_MIN     1u
#define CREDIT_TSLICE_MS_MAX     1000u
#define CREDIT_RATELIMIT_US_MIN  100u
#define CREDIT_RATELIMIT_US_MAX  500000u
#define CREDIT_MIGR_DELAY_US_MAX 100000u

/* A doubly-linked list link; a list is a head link pointing at itself when empty. */
struct credit_link {
    struct credit_link *prev, *next;
};

struct credit_dom {
    uint16_t weight;                  /* 1..65535, CREDIT_WEIGHT_DEFAULT at creation */
    uint16_t cap;                     /* percent of one CPU, 0: none */
    unsigned int nr_active;           /* its vCPUs earning credit */
    struct credit_link active_vcpus;  /* those vCPUs (credit_vcpu.active_link) */
    struct credit_link active_link;   /* on credit_sched.active_doms while nr_active */
};

struct credit_vcpu {
    struct credit_dom *dom;
    struct credit_link active_link;   /* on dom->active_vcpus while earning credit */
    int32_t credit;
    uint32_t residual;                /* the part of a credit burnt but not yet charged */
    uint64_t charged_to;              /* while running: time up to which it was charged */
    uint64_t last_ran;                /* the last time it was charged (cache-hot until migr_delay after) */
    uint8_t pri;                      /* SCHED_PRI_BOOST, _UNDER or _OVER */
    bool parked;                      /* over its cap: kept from running */
};

/* The pool's parameters, as XEN_SYSCTL_scheduler_op gives and takes them. */
struct credit_params {
    uint32_t tslice_ms;
    uint32_t ratelimit_us;            /* 0: no rate limit */
    uint32_t migr_delay_us;           /* a vCPU that ran this recently is not stolen */
};

struct credit_sched {
    struct credit_params params;
    uint64_t tslice_ns;               /* the slice, and the period of the share-out */
    uint64_t tick_ns;                 /* a third of the slice (the whole one under 3 ms) */
    int32_t credits_per_tslice;       /* CREDIT_PER_MS a millisecond of the slice */
    unsigned int nr_cpus;             /* whose time is shared out (online CPUs) */
    uint32_t weight;                  /* the sum of the weights of every active vCPU */
    int32_t balance;                  /* the credit of all active vCPUs after the last share-out */
    struct credit_link active_doms;
    unsigned int epoch;               /* counts share-outs: priorities changed (run queues resort) */
    /* A vCPU was parked (park) or unparked (!park): the caller stops or restarts it. */
    void (*park)(struct credit_vcpu *cv, bool park, void *ctx);
    void *ctx;
};

/*
 * A credit_sched before credit_init: the default slice and ticks already, for
 * the CPUs that come up and tick before the scheduler starts.
 */
#define CREDIT_SCHED_EARLY {                                                  \
    .params = { .tslice_ms = (uint32_t)(CREDIT_TSLICE_NS / 1000000ULL),       \
                .ratelimit_us = CREDIT_RATELIMIT_US },                        \
    .tslice_ns = CREDIT_TSLICE_NS, .tick_ns = CREDIT_TICK_NS,                 \
    .credits_per_tslice = CREDIT_PER_TSLICE }

/* Xen's defaults: a 30 ms slice, a 1 ms rate limit, no migration delay. */
void credit_init(struct credit_sched *s, unsigned int nr_cpus,
                 void (*park)(struct credit_vcpu *, bool, void *), void *ctx);
/*
 * XEN_SYSCTL_SCHEDOP_putinfo's checks, Xen's: a slice of 1 to 1000 ms, a rate
 * limit of 0 (none) or 100 to 500000 us and no longer than the slice, a
 * migration delay up to 100 ms. False: the caller answers -EINVAL.
 */
bool credit_params_valid(const struct credit_params *p);
/*
 * Take valid parameters (credit_params_valid): the slice, its ticks and its
 * credit change from the next share-out and the next slice on.
 */
void credit_set_params(struct credit_sched *s, const struct credit_params *p);
/* What credit_boot_params found wrong, each a warning Xen 4.17 prints at boot. */
#define CREDIT_BOOT_TSLICE_RANGE      1u  /* slice outside 1-1000 ms: the default 30 */
#define CREDIT_BOOT_RATELIMIT_SLICE   2u  /* rate limit longer than the slice: the slice */
#define CREDIT_BOOT_RATELIMIT_RANGE   4u  /* rate limit neither 0 nor 100-500000 us: the default 1000 */

/*
 * The parameters the boot options sched_credit_tslice_ms and
 * sched_ratelimit_us give (Xen 4.17's csched_global_init, scheduler_init and
 * csched_init, in that order): a slice out of range is the default; a rate
 * limit longer than the slice (as given, before its own range check) is
 * reported, then a rate limit out of range is the default; a rate limit
 * still longer than the slice is the slice. No migration delay. Returns the
 * CREDIT_BOOT_* warnings, to be printed in their bits' order.
 */
unsigned int credit_boot_params(int32_t tslice_ms, int32_t ratelimit_us, struct credit_params *p);
/*
 * Context-switch rate limiting: a vCPU that has run `ran_ns` since it was
 * put on its CPU and is asked to leave it for another (not yielding, still
 * runnable) keeps it this long first; 0: it leaves now. At least
 * CREDIT_MIN_TIMER_NS when it holds at all.
 */
uint64_t credit_ratelimit_hold(const struct credit_sched *s, uint64_t ran_ns);
/* cv ran too recently (migr_delay) to be taken by another CPU's balancing (Xen's cache-hot). */
bool credit_cache_hot(const struct credit_sched *s, const struct credit_vcpu *cv, uint64_t now);
/* A new domain: default weight, no cap, nothing active. */
void credit_dom_init(struct credit_dom *d);
/* A new vCPU of d: no credit, UNDER, not earning. */
void credit_vcpu_init(struct credit_vcpu *cv, struct credit_dom *d);
/*
 * cv goes away (its domain is destroyed): it stops earning and, if parked,
 * is unparked (through the park callback), as Xen's unit removal does.
 */
void credit_vcpu_remove(struct credit_sched *s, struct credit_vcpu *cv);

/* cv starts running at now (its charging starts there). */
void credit_run(struct credit_vcpu *cv, uint64_t now);
/* Charge the running cv for the time up to now. */
void credit_burn(struct credit_vcpu *cv, uint64_t now);
/*
 * The CPU's tick found cv running at now: its boost ends, it is charged,
 * and it starts earning credit if it was not.
 */
void credit_tick(struct credit_sched *s, struct credit_vcpu *cv, uint64_t now);
/*
 * The share-out, once every slice (s->tslice_ns): credit to every active vCPU by
 * its domain's weight (bounded by the cap), then each one's priority; parks
 * and unparks through the callback; bumps s->epoch.
 */
void credit_account(struct credit_sched *s);
/*
 * cv wakes from blocking: BOOST if it is UNDER and not parked (Xen boosts
 * no one else). Returns the priority it is to be queued at.
 */
uint8_t credit_wake(struct credit_vcpu *cv);

/*
 * XEN_DOMCTL_SCHEDOP_putinfo as Xen's credit scheduler reads it: a weight
 * of 0 and a cap of CREDIT_CAP_KEEP leave the value as it is; any other
 * value is taken (the field widths are the only bounds). Cannot fail.
 */
void credit_dom_set(struct credit_sched *s, struct credit_dom *d, uint16_t weight, uint16_t cap);

/* The sums agree with the lists? (tests, audits) */
bool credit_check(const struct credit_sched *s);

#endif
