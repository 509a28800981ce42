/* Credit accounting (hv/credit.h): Xen's credit scheduler's arithmetic. */
#include <hv/credit.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_US 1000ULL

static void link_init(struct credit_link *l)
{
    l->prev = l->next = l;
}

static bool link_empty(const struct credit_link *l)
{
    return l->next == l;
}

static void link_add_head(struct credit_link *head, struct credit_link *l)
{
    l->next = head->next;
    l->prev = head;
    head->next->prev = l;
    head->next = l;
}

static void link_del(struct credit_link *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    link_init(l);
}

#define link_entry(l, type, member) ((type *)((char *)(l) - __builtin_offsetof(type, member)))

/* See credit.h. */
void credit_init(struct credit_sched *s, unsigned int nr_cpus,
                 void (*park)(struct credit_vcpu *, bool, void *), void *ctx)
{
    const struct credit_params defaults = {
        .tslice_ms = (uint32_t)(CREDIT_TSLICE_NS / NS_PER_MS), .ratelimit_us = CREDIT_RATELIMIT_US,
    };

    *s = (struct credit_sched){ .nr_cpus = nr_cpus, .park = park, .ctx = ctx };
    link_init(&s->active_doms);
    credit_set_params(s, &defaults);
}

/* See credit.h. */
bool credit_params_valid(const struct credit_params *p)
{
    return p->tslice_ms >= CREDIT_TSLICE_MS_MIN && p->tslice_ms <= CREDIT_TSLICE_MS_MAX &&
           (!p->ratelimit_us || (p->ratelimit_us >= CREDIT_RATELIMIT_US_MIN &&
                                 p->ratelimit_us <= CREDIT_RATELIMIT_US_MAX)) &&
           (uint64_t)p->ratelimit_us * NS_PER_US <= (uint64_t)p->tslice_ms * NS_PER_MS &&
           p->migr_delay_us <= CREDIT_MIGR_DELAY_US_MAX;
}

/* See credit.h. Xen's __csched_set_tslice: three ticks a slice, one under 3 ms. */
void credit_set_params(struct credit_sched *s, const struct credit_params *p)
{
    unsigned int ticks = p->tslice_ms < CREDIT_TICKS_PER_TSLICE ? 1 : CREDIT_TICKS_PER_TSLICE;

    s->params = *p;
    s->tslice_ns = p->tslice_ms * NS_PER_MS;
    s->tick_ns = (uint64_t)(p->tslice_ms * 1000u / ticks) * NS_PER_US;
    s->credits_per_tslice = (int32_t)(CREDIT_PER_MS * p->tslice_ms);
}

/* See credit.h. */
unsigned int credit_boot_params(int32_t tslice_ms, int32_t ratelimit_us, struct credit_params *p)
{
    unsigned int warn = 0;

    if (tslice_ms < (int32_t)CREDIT_TSLICE_MS_MIN || tslice_ms > (int32_t)CREDIT_TSLICE_MS_MAX) {
        warn |= CREDIT_BOOT_TSLICE_RANGE;
        tslice_ms = (int32_t)(CREDIT_TSLICE_NS / NS_PER_MS);
    }
    if ((int64_t)ratelimit_us * 1000 > (int64_t)tslice_ms * 1000000)
        warn |= CREDIT_BOOT_RATELIMIT_SLICE;
    if (ratelimit_us && (ratelimit_us < (int32_t)CREDIT_RATELIMIT_US_MIN ||
                         ratelimit_us > (int32_t)CREDIT_RATELIMIT_US_MAX)) {
        warn |= CREDIT_BOOT_RATELIMIT_RANGE;
        ratelimit_us = CREDIT_RATELIMIT_US;
    }
    if ((int64_t)ratelimit_us * 1000 > (int64_t)tslice_ms * 1000000)     /* signed ns, as Xen's */
        ratelimit_us = tslice_ms * 1000;
    *p = (struct credit_params){ .tslice_ms = (uint32_t)tslice_ms, .ratelimit_us = (uint32_t)ratelimit_us };
    return warn;
}

/* See credit.h. */
uint64_t credit_ratelimit_hold(const struct credit_sched *s, uint64_t ran_ns)
{
    uint64_t limit = s->params.ratelimit_us * NS_PER_US;

    if (ran_ns >= limit)
        return 0;
    return limit - ran_ns > CREDIT_MIN_TIMER_NS ? limit - ran_ns : CREDIT_MIN_TIMER_NS;
}

/* See credit.h. */
bool credit_cache_hot(const struct credit_sched *s, const struct credit_vcpu *cv, uint64_t now)
{
    return s->params.migr_delay_us && now - cv->last_ran < s->params.migr_delay_us * NS_PER_US;
}

/* See credit.h. */
void credit_dom_init(struct credit_dom *d)
{
    *d = (struct credit_dom){ .weight = CREDIT_WEIGHT_DEFAULT };
    link_init(&d->active_vcpus);
    link_init(&d->active_link);
}

/* See credit.h. */
void credit_vcpu_init(struct credit_vcpu *cv, struct credit_dom *d)
{
    *cv = (struct credit_vcpu){ .dom = d, .pri = SCHED_PRI_UNDER };
    link_init(&cv->active_link);
}

/* cv starts earning credit: its domain's weight counts once more in the total. */
static void start_earning(struct credit_sched *s, struct credit_vcpu *cv)
{
    struct credit_dom *d = cv->dom;

    if (!link_empty(&cv->active_link))
        return;
    d->nr_active++;
    link_add_head(&d->active_vcpus, &cv->active_link);
    s->weight += d->weight;
    if (link_empty(&d->active_link))
        link_add_head(&s->active_doms, &d->active_link);
}

static void stop_earning(struct credit_sched *s, struct credit_vcpu *cv)
{
    struct credit_dom *d = cv->dom;

    d->nr_active--;
    link_del(&cv->active_link);
    s->weight -= d->weight;
    if (link_empty(&d->active_vcpus))
        link_del(&d->active_link);
}

/* See credit.h. */
void credit_vcpu_remove(struct credit_sched *s, struct credit_vcpu *cv)
{
    if (cv->parked) {
        cv->parked = false;
        s->park(cv, false, s->ctx);
    }
    if (!link_empty(&cv->active_link))
        stop_earning(s, cv);
}

/* See credit.h. */
void credit_run(struct credit_vcpu *cv, uint64_t now)
{
    cv->charged_to = now;
}

/*
 * CREDIT_PER_MS credits a millisecond, charged in whole credits; what is
 * left of a credit carries over to the next charge, so nothing is lost
 * however short the runs.
 */
void credit_burn(struct credit_vcpu *cv, uint64_t now)
{
    uint64_t units, credits;

    cv->last_ran = now;
    if (now <= cv->charged_to)
        return;
    units = (now - cv->charged_to) * CREDIT_PER_MS + cv->residual;
    credits = units / NS_PER_MS;
    cv->residual = (uint32_t)(units % NS_PER_MS);
    cv->credit -= (int32_t)credits;
    cv->charged_to = now;
}

/* See credit.h. */
void credit_tick(struct credit_sched *s, struct credit_vcpu *cv, uint64_t now)
{
    if (cv->pri == SCHED_PRI_BOOST)
        cv->pri = SCHED_PRI_UNDER;
    credit_burn(cv, now);
    start_earning(s, cv);
}

/* See credit.h. */
uint8_t credit_wake(struct credit_vcpu *cv)
{
    if (cv->pri == SCHED_PRI_UNDER && !cv->parked)
        cv->pri = SCHED_PRI_BOOST;
    return cv->pri;
}

/* See credit.h. */
void credit_dom_set(struct credit_sched *s, struct credit_dom *d, uint16_t weight, uint16_t cap)
{
    if (weight) {
        s->weight -= (uint32_t)d->weight * d->nr_active;
        s->weight += (uint32_t)weight * d->nr_active;
        d->weight = weight;
    }
    if (cap != CREDIT_CAP_KEEP)
        d->cap = cap;
}

/* Credit cv's share and set its priority from the result; park or unpark it. */
static int32_t settle_vcpu(struct credit_sched *s, struct credit_vcpu *cv, uint32_t share,
                           uint32_t cap_share)
{
    const int32_t slice = s->credits_per_tslice;
    int32_t credit;

    cv->credit += (int32_t)share;
    credit = cv->credit;
    if (credit < 0) {
        cv->pri = SCHED_PRI_OVER;
        if (cv->dom->cap && credit < -(int32_t)cap_share && !cv->parked) {
            cv->parked = true;
            s->park(cv, true, s->ctx);
        }
        if (credit < -slice)                        /* debt is bounded by one slice */
            cv->credit = credit = -slice;
    } else {
        cv->pri = SCHED_PRI_UNDER;
        if (cv->parked) {
            cv->parked = false;
            s->park(cv, false, s->ctx);
        }
        if (credit > slice) {
            /* It does not use what it earns: it stops earning, a head start kept. */
            stop_earning(s, cv);
            cv->credit = credit = credit / 2;
        }
    }
    return credit;
}

/*
 * The share-out. Each active domain is owed total * its weight / the total
 * weight (rounded up), at most one slice per active vCPU ("peak"; more when
 * the vCPUs together ended the last period in debt) and at most its cap. What
 * a domain cannot take goes back into the pot for the domains after it; such
 * a domain, found after one that could take more, moves to the front of the
 * list, so that next time what it leaves reaches every domain after it.
 */
void credit_account(struct credit_sched *s)
{
    uint32_t weight_total = s->weight, weight_left = weight_total;
    uint32_t slice = (uint32_t)s->credits_per_tslice, total = slice * s->nr_cpus;
    int32_t balance = 0;
    bool some_want_more = false;
    struct credit_link *dl, *dnext;

    if (s->balance < 0)
        total += (uint32_t)-s->balance;             /* pay the debt back over time */
    if (!weight_total) {
        s->balance = 0;
        return;
    }
    for (dl = s->active_doms.next; dl != &s->active_doms; dl = dnext) {
        struct credit_dom *d = link_entry(dl, struct credit_dom, active_link);
        uint32_t dweight = (uint32_t)d->weight * d->nr_active;
        uint32_t peak = d->nr_active * slice, fair, cap_share = 0;
        struct credit_link *vl, *vnext;

        dnext = dl->next;
        weight_left -= dweight;
        if (s->balance < 0)
            peak += (uint32_t)(((uint64_t)-s->balance * dweight + weight_total - 1) / weight_total);
        if (d->cap) {
            cap_share = ((uint32_t)d->cap * slice + 99) / 100;
            if (cap_share < peak)
                peak = cap_share;
            cap_share = (cap_share + d->nr_active - 1) / d->nr_active;
        }
        fair = (uint32_t)(((uint64_t)total * dweight + weight_total - 1) / weight_total);
        if (fair < peak) {
            some_want_more = true;
        } else {
            if (weight_left)
                total += (uint32_t)(((uint64_t)(fair - peak) * weight_total + weight_left - 1) /
                                    weight_left);
            if (some_want_more) {
                link_del(&d->active_link);
                link_add_head(&s->active_doms, &d->active_link);
            }
            fair = peak;
        }
        fair = (fair + d->nr_active - 1) / d->nr_active;
        for (vl = d->active_vcpus.next; vl != &d->active_vcpus; vl = vnext) {
            vnext = vl->next;
            balance += settle_vcpu(s, link_entry(vl, struct credit_vcpu, active_link), fair,
                                   cap_share);
        }
    }
    s->balance = balance;
    s->epoch++;
}

/* See credit.h. */
bool credit_check(const struct credit_sched *s)
{
    uint32_t weight = 0;
    const struct credit_link *dl, *vl;

    for (dl = s->active_doms.next; dl != &s->active_doms; dl = dl->next) {
        const struct credit_dom *d = link_entry(dl, struct credit_dom, active_link);
        unsigned int n = 0;

        if (dl->next->prev != dl)
            return false;
        for (vl = d->active_vcpus.next; vl != &d->active_vcpus; vl = vl->next) {
            if (vl->next->prev != vl || link_entry(vl, struct credit_vcpu, active_link)->dom != d)
                return false;
            n++;
        }
        if (!n || n != d->nr_active)
            return false;
        weight += (uint32_t)d->weight * n;
    }
    return weight == s->weight;
}
