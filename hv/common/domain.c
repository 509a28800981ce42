/* Domain life cycle: creation, shutdown, crash. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <xl/string.h>
#include <hv/hypercall.h>
#include <hv/machine.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <asm/traps.h>

/*
 * The table of domains; outside this file only domain.h's lookups read it.
 * Slots change under domlist_lock; readers take none (a slot is written
 * once with a finished domain, as Xen's RCU-protected domain list).
 */
struct domain *domain_table[MAX_DOMAINS];
static DEFINE_SPINLOCK(domlist_lock, LOCK_DOMLIST);

struct domain *domain_get(domid_t id)
{
    struct domain *d = id < MAX_DOMAINS ? domain_table[id] : NULL;

    return d && life_get(&d->life) ? d : NULL;
}

struct domain *domain_get_any(domid_t id)
{
    struct domain *d = domain_lookup_any(id);

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
     * never revived); the slot and the memory go between hypercalls
     * (domain_unlist, domain_free_pending), since callers may still hold it.
     */
    BUG_ON(!life_is_dead(&d->life));
    d->destroy.next_free = domains_to_free;
    domains_to_free = d;
    raise_softirq(SOFTIRQ_DOMAIN_FREE);
}

void domain_unlist(struct domain *d)
{
    spin_lock(&domlist_lock);
    BUG_ON(domain_table[d->id] != d);
    domain_table[d->id] = NULL;
    spin_unlock(&domlist_lock);
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

int domain_create(domid_t id, bool privileged, struct domain **out)
{
    struct domain *d;
    struct vcpu *v;
    mfn_t si;
    int rc;

    if (id >= MAX_DOMAINS)
        return -XEN_EINVAL;
    if (domain_table[id])
        return -XEN_EEXIST;
    d = xzalloc(struct domain);
    v = xzalloc(struct vcpu);
    si = alloc_frame(id);
    if (d)
        d->evtchn = xzalloc_bytes(NR_EVTCHN * sizeof(struct evtchn));
    if (!d || !v || si == INVALID_MFN || !d->evtchn || vcpu_timers_init(v)) {
        rc = -XEN_ENOMEM;
        goto fail;
    }
    d->id = id;
    d->privileged = privileged;
    life_init(&d->life);
    spin_lock_init(&d->event_lock, LOCK_EVENT, "event_lock");
    spin_lock_init(&d->page_lock, LOCK_PAGE, "page_lock");
    d->shutdown_code = SHUTDOWN_CODE_NONE;
    d->shared_info_mfn = si;
    d->shared_info = mfn_to_virt(si);
    mfn_to_page(si)->flags |= PGF_SHARED_INFO;
    d->max_vcpus = 1;
    d->max_evtchn_port = 0x7fffffff;            /* Xen's limit for a domain built without one */
    d->evtchn[0].state = ECS_RESERVED;          /* port 0 is never used */
    d->evtchn_ops = &evtchn_port_ops_2l;
    rc = arch_domain_create(d);
    if (rc)
        goto fail;
    v->id = 0;
    v->domain = d;
    sched_init_vcpu(v);
    v->vcpu_info = &d->shared_info->vcpu_info[0];
    v->vcpu_info->evtchn_upcall_mask = 1;       /* events masked until the guest opens them */
    rc = arch_vcpu_create(v);
    if (rc)
        goto fail;
    rc = grant_table_init(d);
    if (rc)
        goto fail;
    d->vcpu[0] = v;
    v->down = true;                             /* until a builder sets its context */
    d->controller_pause_count = 1;              /* until the builder's unpause */
    BUG_ON(domain_pause(d));
    time_update_vcpu(v);
    time_update_wallclock(d);
    spin_lock(&domlist_lock);
    if (domain_table[id]) {                     /* another CPU created it meanwhile */
        spin_unlock(&domlist_lock);
        rc = -XEN_EEXIST;
        goto fail;
    }
    __atomic_store_n(&domain_table[id], d, __ATOMIC_RELEASE);   /* readers see it whole */
    spin_unlock(&domlist_lock);
    *out = d;
    return 0;

fail:
    if (si != INVALID_MFN) {
        mfn_to_page(si)->flags &= ~PGF_SHARED_INFO;
        free_frame(si);
    }
    if (v) {
        vcpu_timers_kill(v);
        arch_vcpu_destroy(v);
    }
    xfree_bytes(v, sizeof(*v));
    if (d) {
        arch_domain_destroy(d);
        xfree_bytes(d->evtchn, NR_EVTCHN * sizeof(struct evtchn));
    }
    xfree_bytes(d, sizeof(*d));
    return rc;
}

static const char *const shutdown_names[] = {
    "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

void domain_shutdown(struct domain *d, unsigned int reason)
{
    struct domain *dom0;

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
    if (d->id != 0 && (dom0 = domain_lookup(0)))
        send_global_virq(dom0, VIRQ_DOM_EXC);     /* Dom0 learns of it, as on Xen */
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
