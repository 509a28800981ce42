/* Domain life cycle: creation, shutdown, crash. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/iocap.h>
#include <xl/string.h>
#include <hv/hypercall.h>
#include <hv/machine.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <asm/io.h>
#include <asm/traps.h>

/*
 * The table of domains (two levels, domain.h); outside this file only
 * domain.h's lookups read it. Leaves and slots change under domlist_lock;
 * readers take none (a slot is written once with a finished domain, as
 * Xen's RCU-protected domain list). leaf_used counts each leaf's domains.
 */
struct domain **domain_table[DOMAIN_LEAVES];
static uint16_t leaf_used[DOMAIN_LEAVES];
static DEFINE_SPINLOCK(domlist_lock, LOCK_DOMLIST);

struct domain *domain_get(domid_t id)
{
    struct domain *d = domain_lookup_any(id);

    return d && life_get(&d->life) ? d : NULL;
}

struct domain *domain_get_next_any(domid_t id)
{
    for (unsigned int i = id; i < DOMID_FIRST_RESERVED; i++) {
        struct domain *d;

        if (!__atomic_load_n(&domain_table[i >> DOMAIN_LEAF_SHIFT], __ATOMIC_ACQUIRE)) {
            i |= DOMAIN_LEAF_SLOTS - 1;         /* nobody in this leaf */
            continue;
        }
        d = domain_get_any((domid_t)i);
        if (d)
            return d;
    }
    return NULL;
}

/*
 * Put d in its slot, with the leaf `spare` if the slot's leaf is missing
 * (*spare is set to NULL when it was used). -EEXIST if the slot is taken,
 * -ENOMEM if the leaf is missing and there is no spare.
 */
static int domain_list(struct domain *d, struct domain ***spare)
{
    unsigned int l = d->id >> DOMAIN_LEAF_SHIFT, slot = d->id & (DOMAIN_LEAF_SLOTS - 1);
    struct domain **leaf;
    int rc = 0;

    spin_lock(&domlist_lock);
    leaf = domain_table[l];
    if (!leaf && !*spare) {
        rc = -XEN_ENOMEM;
    } else if (leaf && leaf[slot]) {
        rc = -XEN_EEXIST;                       /* another CPU created it meanwhile */
    } else {
        if (!leaf) {
            leaf = *spare;
            *spare = NULL;
            __atomic_store_n(&domain_table[l], leaf, __ATOMIC_RELEASE);
        }
        leaf_used[l]++;
        __atomic_store_n(&leaf[slot], d, __ATOMIC_RELEASE);    /* readers see it whole */
    }
    spin_unlock(&domlist_lock);
    return rc;
}

/*
 * `lookup_delay=N` (Xenolith only, for tests): the control interface's
 * lookups (domain_get_any: getdomaininfo, destroy) hold the domain they
 * found N microseconds before taking a reference, then check that it was
 * not freed meanwhile (domain_free poisons what it frees). Another CPU
 * destroying that domain in the window is what the grace period is for
 * (tests/system/test_lifecycle.py, mode=race).
 */
static void lookup_hold(const struct domain *d, domid_t id)
{
    static bool read;
    static uint64_t delay_us;
    uint64_t end;

    if (!__atomic_load_n(&read, __ATOMIC_ACQUIRE)) {
        if (!cmdline_get_uint(hv_command_line, "lookup_delay", &delay_us))
            delay_us = 0;
        __atomic_store_n(&read, true, __ATOMIC_RELEASE);
    }
    if (!delay_us)
        return;
    for (end = now_ns() + delay_us * 1000; now_ns() < end;)
        cpu_relax();
    if (__atomic_load_n(&d->id, __ATOMIC_RELAXED) != id)
        panic("domain %u freed under a borrowed lookup", id);
}

struct domain *domain_get_any(domid_t id)
{
    struct domain *d = domain_lookup_any(id);

    if (d)
        lookup_hold(d, id);
    return d && life_get_any(&d->life) ? d : NULL;
}

/* Domains whose last reference went, freed by domain_free_pending (domain_destroy.c). */
struct domain *domains_to_free;

void domain_put(struct domain *d)
{
    if (!life_put(&d->life))
        return;
    /*
     * The last reference: only a dead domain gets here (the table holds one
     * until then), perhaps with page or grant locks held (a frame's last
     * reference). No reference can be taken from now on (a count of zero is
     * never revived); the slot goes between hypercalls (domain_unlist,
     * domain_free_pending), the memory after a grace period (hv/rcu.h),
     * since lookups on any CPU may still hold it.
     */
    BUG_ON(!life_is_dead(&d->life));
    /* Pushed with a compare-exchange: another CPU may push or take the list at the same time. */
    d->destroy.next_free = __atomic_load_n(&domains_to_free, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&domains_to_free, &d->destroy.next_free, d, false,
                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        ;
    raise_softirq(SOFTIRQ_DOMAIN_FREE);
}

struct domain **domain_unlist(struct domain *d)
{
    unsigned int l = d->id >> DOMAIN_LEAF_SHIFT;
    struct domain **leaf;

    spin_lock(&domlist_lock);
    leaf = domain_table[l];
    BUG_ON(!leaf || leaf[d->id & (DOMAIN_LEAF_SLOTS - 1)] != d);
    __atomic_store_n(&leaf[d->id & (DOMAIN_LEAF_SLOTS - 1)], NULL, __ATOMIC_RELEASE);
    if (--leaf_used[l] == 0)
        __atomic_store_n(&domain_table[l], NULL, __ATOMIC_RELEASE);
    else
        leaf = NULL;
    spin_unlock(&domlist_lock);
    return leaf;            /* a lookup on another CPU may still read it: freed after a grace period */
}

int domain_pause(struct domain *d)
{
    if (!life_pause(&d->life))
        return -XEN_EBUSY;
    domain_sched_update(d);                     /* off the run queue */
    return 0;
}

int domain_unpause(struct domain *d)
{
    if (!life_unpause(&d->life))
        return -XEN_EINVAL;
    if (!life_paused(&d->life))
        domain_sched_update(d);                 /* it may run again: queued */
    return 0;
}

struct vcpu_info dummy_vcpu_info = { .evtchn_upcall_mask = 1 };

void vcpu_info_reset(struct vcpu *v)
{
    struct domain *d = v->domain;

    v->vcpu_info = v->id < XEN_LEGACY_MAX_VCPUS ? &d->shared_info->vcpu_info[v->id]
                                                : &dummy_vcpu_info;
    v->vcpu_info_mfn = 0;
}

static void vcpu_free(struct vcpu *v)
{
    if (!v)
        return;
    vcpu_timers_kill(v);
    arch_vcpu_destroy(v);
    xfree_bytes(v, sizeof(*v));
}

/*
 * A new vCPU of d: down, not initialised, events masked, its timers and
 * arch state ready; NULL without memory. Not yet in d->vcpu[].
 */
static struct vcpu *vcpu_alloc(struct domain *d, unsigned int id)
{
    struct vcpu *v = xzalloc(struct vcpu);

    if (!v)
        return NULL;
    v->id = id;
    v->domain = d;
    v->down = true;                             /* until a builder or the guest sets its context */
    v->dirty_cpu = NO_DIRTY_CPU;
    if (vcpu_timers_init(v)) {
        xfree_bytes(v, sizeof(*v));
        return NULL;
    }
    sched_init_vcpu(v);
    vcpu_info_reset(v);
    v->vcpu_info->evtchn_upcall_mask = 1;       /* events masked until the guest opens them */
    if (arch_vcpu_create(v)) {
        vcpu_free(v);
        return NULL;
    }
    time_update_vcpu(v);
    return v;
}

int domain_vcpus_create(struct domain *d)
{
    int rc = 0;

    spin_lock(&d->domain_lock);
    for (unsigned int i = 0; i < d->max_vcpus && !rc; i++) {
        struct vcpu *v;

        if (d->vcpu[i])
            continue;
        v = vcpu_alloc(d, i);
        if (!v)
            rc = -XEN_ENOMEM;
        else
            __atomic_store_n(&d->vcpu[i], v, __ATOMIC_RELEASE);     /* seen whole */
    }
    spin_unlock(&d->domain_lock);
    return rc;
}

void vcpu_pause(struct vcpu *v)
{
    __atomic_add_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST);
    vcpu_sched_update(v);
    vcpu_sleep_sync(v);                         /* off its CPU before its state is read */
}

void vcpu_unpause(struct vcpu *v)
{
    if (__atomic_sub_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
        vcpu_sched_update(v);
}

int domain_create(domid_t id, bool privileged, unsigned int max_vcpus, struct domain **out)
{
    struct domain *d, **spare = NULL;
    struct vcpu *v = NULL;
    mfn_t si;
    int rc;

    if (id >= DOMID_FIRST_RESERVED || max_vcpus < 1 || max_vcpus > MAX_VCPUS)
        return -XEN_EINVAL;
    if (domain_lookup_any(id))
        return -XEN_EEXIST;
    _Static_assert(DOMAIN_LEAF_SLOTS * sizeof(struct domain *) == PAGE_SIZE, "leaf page");
    if (!__atomic_load_n(&domain_table[id >> DOMAIN_LEAF_SHIFT], __ATOMIC_ACQUIRE) &&
        !(spare = xzalloc_bytes(PAGE_SIZE)))
        return -XEN_ENOMEM;
    d = xzalloc_bytes(domain_bytes(max_vcpus));
    si = alloc_frame(id);
    if (d)
        d->evtchn = xzalloc_bytes(NR_EVTCHN * sizeof(struct evtchn));
    if (!d || si == INVALID_MFN || !d->evtchn) {
        rc = -XEN_ENOMEM;
        goto fail;
    }
    d->id = id;
    d->privileged = privileged;
    life_init(&d->life);
    spin_lock_init(&d->domain_lock, LOCK_DOMAIN, "domain_lock");
    spin_lock_init(&d->event_lock, LOCK_EVENT, "event_lock");
    spin_lock_init(&d->page_lock, LOCK_PAGE, "page_lock");
    spin_lock_init(&d->caps_lock, LOCK_CAPS, "caps_lock");
    d->shutdown_code = SHUTDOWN_CODE_NONE;
    d->shared_info_mfn = si;
    d->shared_info = mfn_to_virt(si);
    mfn_to_page(si)->flags |= PGF_SHARED_INFO;
    d->max_vcpus = max_vcpus;
    d->max_evtchn_port = 0x7fffffff;            /* Xen's limit for a domain built without one */
    d->evtchn[0].state = ECS_RESERVED;          /* port 0 is never used */
    d->evtchn_ops = &evtchn_port_ops_2l;
    rc = arch_domain_create(d);
    if (rc)
        goto fail;
    sched_init_domain(d);
    v = vcpu_alloc(d, 0);
    if (!v) {
        rc = -XEN_ENOMEM;
        goto fail;
    }
    rc = grant_table_init(d);
    if (rc)
        goto fail;
    d->vcpu[0] = v;
    d->controller_pause_count = 1;              /* until the builder's unpause */
    BUG_ON(domain_pause(d));
    time_update_wallclock(d);
    rc = domain_list(d, &spare);
    if (rc)
        goto fail;
    xfree_bytes(spare, PAGE_SIZE);              /* another CPU gave the leaf meanwhile */
    *out = d;
    return 0;

fail:
    xfree_bytes(spare, PAGE_SIZE);
    if (si != INVALID_MFN) {
        mfn_to_page(si)->flags &= ~PGF_SHARED_INFO;
        free_frame(si);
    }
    vcpu_free(v);
    if (d) {
        arch_domain_destroy(d);
        iocaps_destroy(d);
        xfree_bytes(d->evtchn, NR_EVTCHN * sizeof(struct evtchn));
    }
    xfree_bytes(d, domain_bytes(max_vcpus));
    return rc;
}

static const char *const shutdown_names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

/* Dom0 is owed a VIRQ_DOM_EXC for a shutdown (set on any CPU, sent by domain_exc_softirq). */
static bool dom_exc_owed;

void domain_exc_softirq(void)
{
    struct domain *dom0;

    /* One VIRQ for every shutdown since the last: Dom0 looks at every domain when it comes. */
    if (__atomic_exchange_n(&dom_exc_owed, false, __ATOMIC_ACQ_REL) && (dom0 = domain_lookup(0)))
        send_global_virq(dom0, VIRQ_DOM_EXC);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->is_shutdown)
        return;
    /* Like Xen: a code set with SCHEDOP_shutdown_code overrides any later reason. */
    if (d->shutdown_code != SHUTDOWN_CODE_NONE)
        reason = d->shutdown_code;
    d->is_shutdown = true;
    d->shutdown_reason = reason;
    log_info("domain %u shutdown: %s", d->id, reason < 6 ? shutdown_names[reason] : "unknown");
    arch_domain_shutdown(d);
    if (this_cpu()->hypercall_continuations)
        log_info("hypercalls continued after preemption so far: %lu", this_cpu()->hypercall_continuations);
    domain_sched_update(d);                     /* its vCPUs never run again */
    if (d->id != 0) {
        /*
         * Dom0 learns of it, as on Xen, from a softirq: a crash may come from
         * inside a page-locked section, and Dom0's event lock ranks before it.
         */
        __atomic_store_n(&dom_exc_owed, true, __ATOMIC_RELEASE);
        raise_softirq(SOFTIRQ_DOM_EXC);
    }
    __atomic_store_n(&d->shutdown_done, true, __ATOMIC_RELEASE);
    if (d->id == 0) {
        /* Like Xen: the machine's fate follows Dom0's. */
        switch (reason) {
        case SHUTDOWN_poweroff:
            machine_exit(EXIT_DOM0_POWEROFF);
        case SHUTDOWN_reboot:
        case SHUTDOWN_soft_reset:
            machine_exit(EXIT_DOM0_REBOOT);
        case SHUTDOWN_suspend:
            break;
        default:
            machine_exit(EXIT_DOM0_CRASH);
        }
    }
}

void domain_crash(struct domain *d, const char *why, const struct cpu_regs *regs)
{
    log_err("domain %u crashed: %s", d->id, why);
    if (regs)
        dump_regs("guest state at the crash", regs);
    domain_shutdown(d, SHUTDOWN_crash);
}
