/*
 * Destroying a domain (XEN_DOMCTL_destroydomain; Xen's domain_kill,
 * domain_relinquish_resources and complete_domain_destroy).
 *
 * A co-routine over hypercall continuations: each stage records where it
 * is in d->destroy, and a long loop stops when other work is pending
 * (domain_destroy_should_stop), so the control domain's hypercall returns
 * -ERESTART and comes back to carry on. The stages, in order:
 *
 *   start     alive -> dying: no lookup finds it, it never runs again
 *   grants    mappings it holds of other domains' grants (their pins go)
 *   evtchn    every port closed (interdomain peers see theirs unbound)
 *   vcpus     registered vcpu_info pages
 *   arch      x86: shadow state, GDT/LDT, PIRQ EOI page, page tables, roots
 *   memory    every frame it owns: freed now, or at its last reference
 *             (once no allocation to it begun before it was dying is
 *             still going: hv/common/domain_alloc.c)
 *   done      dying -> dead; VIRQ_DOM_EXC to Dom0
 *
 * A frame another domain still references (a grant mapping) stays until
 * that reference goes: the domain then holds "frames_held", and the
 * domain table keeps its reference until the last of them is freed, so
 * the granter's grant table is still there when the mapping is undone. The
 * object leaves the table with the last reference (domain_put), between
 * hypercalls (domain_free_pending), and is freed a grace period later,
 * once no CPU can still hold it from a lookup (hv/rcu.h).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/hypercall.h>
#include <hv/iocap.h>
#include <hv/rcu.h>
#include <hv/reservation.h>
#include <xl/string.h>
#include <asm/flushtlb.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/pt_types.h>
#include <asm/pv_mmu.h>
#include <hv/sched.h>
#include <hv/time.h>

enum destroy_stage {
    DS_START, DS_GRANTS, DS_EVTCHN, DS_VCPUS, DS_ARCH, DS_MEMORY, DS_DONE,
};

/* Units of work (a frame looked at, a mapping undone) between two preemption checks. */
#define DESTROY_CHECK_EVERY 64

/* What a freed domain's memory is filled with (id 0xdbdb: past DOMID_FIRST_RESERVED). */
#define DOMAIN_POISON 0xdb
extern struct domain *domains_to_free;           /* domain.c */

/*
 * `destroy_budget=N` (Xenolith only, for tests): also stop after every N
 * units of work, pending work or not, so the continuation path always runs.
 */
static uint64_t destroy_budget(void)
{
    static bool read;
    static uint64_t budget;

    if (!read) {
        read = true;
        if (!cmdline_get_uint(hv_command_line, "destroy_budget", &budget))
            budget = 0;
    }
    return budget;
}

bool domain_destroy_should_stop(struct domain *d, unsigned int cost)
{
    uint64_t budget = destroy_budget();

    d->destroy.work += cost;
    if (budget ? d->destroy.work < budget : d->destroy.work < DESTROY_CHECK_EVERY)
        return false;
    d->destroy.work = 0;
    /* Inside a multicall nothing continues: the whole destruction runs there. */
    return (budget && !current->in_multicall) || hypercall_preempt_check();
}

/* No timer of a dying domain fires again (Xen's vcpu_destroy kills them at the end). */
static void stop_vcpus(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        vcpu_timers_kill(v);
        v->periodic_period = 0;
        v->polling = false;
    }
}

/* A vcpu_info moved into a guest page goes back to shared_info (Xen's unmap_vcpu_info). */
static void release_vcpu_info(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v || !v->vcpu_info_mfn)
            continue;
        mfn_t mfn = v->vcpu_info_mfn;

        vcpu_info_reset(v);
        spin_lock(&d->page_lock);
        pv_put_writable_frame(mfn);
        spin_unlock(&d->page_lock);
    }
}

/*
 * Every frame the domain owns but shares with the hypervisor (shared_info,
 * grant table frames) stays with the object; every other one is released
 * (pt_release_frame) and freed now if nothing references it, else at its
 * last reference, wherever that is dropped (the frame-type machine's
 * last_ref hook, domain_release_frame). Those are awaited: frames_held
 * counts them, with one more for the destruction itself until it is done
 * (finish), so that exactly one of the last frame and the end of the
 * destruction lets the domain go, from any CPU.
 */
static int release_memory(struct domain *d)
{
    struct domain_destroy *k = &d->destroy;

    if (k->cursor == 0) {
        /* An allocation begun before it was dying (on its behalf, another CPU) hands over first. */
        while (!domain_alloc_idle(d)) {
            if (!current->in_multicall)
                return -XEN_ERESTART;
            cpu_relax();                        /* a multicall does not continue: wait here */
            spin_wait_work();
        }
        __atomic_store_n(&k->frames_held, 1, __ATOMIC_RELEASE);    /* the destruction's own */
    }
    for (mfn_t m = k->cursor; m < max_mfn; m++) {
        struct page_info *pg = mfn_to_page(m);

        if (domain_destroy_should_stop(d, 1)) {
            k->cursor = m;
            return -XEN_ERESTART;
        }
        if (pg->owner != d->id || (pg->flags & PGF_SHARED_INFO))
            continue;
        spin_lock(&d->page_lock);
        /* Counted before it can go (a last reference dropped on another CPU at once). */
        __atomic_fetch_add(&k->frames_held, 1, __ATOMIC_ACQ_REL);
        switch (pt_release_frame(&pv_mmu_env, m, true)) {
        case PT_RELEASE_LATER:
            break;
        case PT_RELEASE_NOW:
            /* Not running and not loaded anywhere: one flush at the end covers every frame. */
            __atomic_fetch_sub(&d->tot_pages, 1, __ATOMIC_RELAXED);
            m2p_set(m, ~0UL);
            free_frame(m);
            /* fall through */
        case PT_RELEASE_BUSY:                   /* another CPU frees it (a last put) */
            __atomic_fetch_sub(&k->frames_held, 1, __ATOMIC_ACQ_REL);
            break;
        }
        spin_unlock(&d->page_lock);
    }
    k->cursor = max_mfn;
    flush_tlb_mask(cpu_online_mask);
    return 0;
}

/* Everything is given back: dead. The domain table lets go once no frame is held either. */
static void finish(struct domain *d)
{
    struct domain *dom0 = domain_lookup(0);

    BUG_ON(!life_dead(&d->life));
    log_info("domain %u destroyed (%u continuations): %lu frames still referenced, %lu frames free",
             d->id, d->destroy.continuations,
             __atomic_load_n(&d->destroy.frames_held, __ATOMIC_ACQUIRE) - 1, frames_free());
    if (dom0)
        send_global_virq(dom0, VIRQ_DOM_EXC);   /* as Xen, at the end of domain_kill */
    domain_frame_gone(d);                       /* the destruction's own share */
}

long domain_kill(struct domain *d)
{
    struct domain_destroy *k = &d->destroy;
    long rc;

    if (d == current->domain)
        return -XEN_EINVAL;
    switch (k->stage) {
    case DS_START:
        BUG_ON(!life_kill(&d->life));
        (void)domain_pause(d);                  /* a reason of its own, as Xen's */
        domain_sched_update(d);                 /* dying: off the run queue whatever the count */
        sched_destroy_domain(d);                /* and out of the credit share-out */
        stop_vcpus(d);
        log_info("domain %u: destruction started (%lu frames free)", d->id, frames_free());
        k->stage = DS_GRANTS;
        k->cursor = 0;
        /* fall through */
    case DS_GRANTS:
        rc = grant_table_release_mappings(d);
        if (rc)
            return rc;
        k->stage = DS_EVTCHN;
        /* fall through */
    case DS_EVTCHN:
        evtchn_close_all(d);
        k->stage = DS_VCPUS;
        /* fall through */
    case DS_VCPUS:
        release_vcpu_info(d);
        k->stage = DS_ARCH;
        k->cursor = 0;
        /* fall through */
    case DS_ARCH:
        rc = arch_domain_relinquish(d);
        if (rc)
            return rc;
        k->stage = DS_MEMORY;
        k->cursor = 0;
        /* fall through */
    case DS_MEMORY:
        rc = release_memory(d);
        if (rc)
            return rc;
        k->stage = DS_DONE;
        finish(d);
        break;
    default:                                    /* DS_DONE: Xen answers 0 for a dead domain */
        break;
    }
    return 0;
}

void domain_frame_gone(struct domain *d)
{
    unsigned long before = __atomic_fetch_sub(&d->destroy.frames_held, 1, __ATOMIC_ACQ_REL);

    BUG_ON(!before);
    if (before == 1)
        domain_put(d);                          /* the table's reference */
}

/*
 * The last of a dead domain, a grace period after it left the table (no
 * CPU can still hold it from a lookup): what it held as the hypervisor's,
 * the object, and the table leaf it emptied.
 */
static void domain_free(struct gp_head *h)
{
    struct domain *d = (struct domain *)((char *)h - __builtin_offsetof(struct domain, destroy.rcu));
    domid_t id = d->id;
    mfn_t si = d->shared_info_mfn;
    unsigned long bytes = domain_bytes(d->max_vcpus);

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        arch_vcpu_destroy(v);
        xfree_bytes(v, sizeof(*v));
    }
    arch_domain_destroy(d);
    iocaps_destroy(d);
    xfree_bytes(d->evtchn, NR_EVTCHN * sizeof(struct evtchn));
    grant_table_destroy(d);
    if (pt_frame_is_free_to_release(&pv_mmu_env, si))
        free_frame(si);
    else
        log_err("d%u: shared_info %#lx still referenced at destruction: kept", id, si);
    xfree_bytes(d->destroy.empty_leaf, PAGE_SIZE);
    memset(d, DOMAIN_POISON, bytes);           /* a late reader sees a domain id no domain has */
    xfree_bytes(d, bytes);
    log_info("domain %u freed: %lu frames free", id, frames_free());
}

void domain_free_pending(void)
{
    /* The whole list at once (domain_put pushes onto it from any CPU). */
    struct domain *d = __atomic_exchange_n(&domains_to_free, NULL, __ATOMIC_ACQUIRE);

    while (d) {
        struct domain *next = d->destroy.next_free;

        /* Out of the table first: lookups from now on miss it, the earlier ones end within a grace period. */
        d->destroy.empty_leaf = domain_unlist(d);
        call_rcu(&d->destroy.rcu, domain_free);
        d = next;
    }
}
