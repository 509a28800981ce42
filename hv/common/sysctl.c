/*
 * HYPERVISOR_sysctl (35): host-wide control for the toolstack, Xen 4.17's
 * (include/xen/sysctl.h, docs/control-interface.md). The envelope is
 * checked in Xen's order (unreadable -EFAULT, other version -EACCES, not
 * privileged -EPERM); an unknown cmd is -ENOSYS, which toolstacks read as
 * "not available". As Xen, the structure is written back after every
 * served cmd that succeeds, and not after a failure.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sysctl.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <xl/string.h>

/* Xen's NUMA node limit on x86 (MAX_NUMNODES, 1 << NODES_SHIFT): max_node_id is one less. */
#define XEN_X86_MAX_NUMNODES 64

/* XEN_SYSCTL_physinfo: the machine, as Xen describes it (one NUMA node, no claims, no scrubbing). */
static void physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->nr_nodes = 1;
    pi->max_node_id = XEN_X86_MAX_NUMNODES - 1;
    pi->cpu_khz = (uint32_t)tsc_khz;
    pi->total_pages = frames_total();
    pi->free_pages = frames_free();
    pi->max_mfn = max_mfn - 1;
    pi->capabilities = XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
    arch_do_physinfo(pi);       /* CPUs, feature words, PV and shadow */
}

/*
 * XEN_SYSCTL_getdomaininfolist: getdomaininfo's record of each domain from
 * first_domain up, dying ones too (as Xen's domain list holds them until
 * they are freed), at most max_domains. A buffer that cannot be written
 * stops it with -EFAULT.
 */
static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    struct domain *d;
    uint32_t n = 0;

    for (unsigned int id = l->first_domain; n < l->max_domains; id = info.domain + 1u) {
        int bad;

        d = id < DOMID_FIRST_RESERVED ? domain_get_next_any((domid_t)id) : NULL;
        if (!d)
            break;
        getdomaininfo(d, &info);
        domain_put(d);
        bad = copy_to_guest_offset(l->buffer, n, &info, 1);
        if (bad)
            return -XEN_EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

/*
 * XEN_SYSCTL_getcpuinfo: each CPU's idle time, for CPUs 0 up to the smaller
 * of max_cpus and the CPUs there are (Xen: nr_cpu_ids, the possible ones).
 */
static long getcpuinfo(struct xen_sysctl_getcpuinfo *ci)
{
    uint32_t nr = ci->max_cpus < arch_nr_cpu_ids() ? ci->max_cpus : arch_nr_cpu_ids();

    for (uint32_t i = 0; i < nr; i++) {
        struct xen_sysctl_cpuinfo info = { .idletime = cpu_info_of(i)->idle_ns };

        if (copy_to_guest_offset(ci->info, i, &info, 1))
            return -XEN_EFAULT;
    }
    ci->nr_cpus = nr;
    return 0;
}

/*
 * XEN_SYSCTL_debug_keys: each key run at once, in order, as typed ones are
 * (Xen's handle_keypress); -EFAULT at the first that cannot be read.
 */
static long debug_keys(const struct xen_sysctl_debug_keys *k)
{
    for (uint32_t i = 0; i < k->nr_keys; i++) {
        char c;

        if (copy_from_guest_offset(&c, k->keys, i, 1))
            return -XEN_EFAULT;
        console_debug_key(c);
    }
    return 0;
}

/*
 * XEN_SYSCTL_scheduler_op (Xen's sched_adjust_global, then credit's
 * csched_sys_cntl): the pool's slice, rate limit and migration delay. One
 * pool, id 0; any other id is a pool that does not exist (-ESRCH). putinfo
 * takes valid values and answers, as getinfo, with those in force.
 */
static long scheduler_op(struct xen_sysctl_scheduler_op *op)
{
    struct xen_sysctl_credit_schedule *c = &op->u.sched_credit;
    struct credit_params p;

    if (op->cmd != XEN_SYSCTL_SCHEDOP_putinfo && op->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return -XEN_EINVAL;
    if (op->cpupool_id != 0)
        return -XEN_ESRCH;
    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    if (op->cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
        p = (struct credit_params){ .tslice_ms = c->tslice_ms, .ratelimit_us = c->ratelimit_us,
                                    .migr_delay_us = c->vcpu_migr_delay_us };
        if (!credit_params_valid(&p))
            return -XEN_EINVAL;
        sched_set_params(&p);
    }
    sched_get_params(&p);
    c->tslice_ms = p.tslice_ms;
    c->ratelimit_us = p.ratelimit_us;
    c->vcpu_migr_delay_us = p.migr_delay_us;
    return 0;
}

long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) arg)
{
    struct xen_sysctl op;
    long rc = hypercall_envelope(arg, &op, XEN_SYSCTL_INTERFACE_VERSION);

    if (rc)
        return rc;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_readconsole:
        rc = console_ring_read(&op.u.readconsole);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;     /* credit-style (common/sched.c) */
        break;
    case XEN_SYSCTL_getcpuinfo:
        rc = getcpuinfo(&op.u.getcpuinfo);
        break;
    case XEN_SYSCTL_debug_keys:
        return debug_keys(&op.u.debug_keys);       /* as Xen: nothing copied back */
    case XEN_SYSCTL_scheduler_op:
        rc = scheduler_op(&op.u.scheduler_op);
        break;
    default:
        return -XEN_ENOSYS;
    }
    if (rc == 0 && copy_to_guest(arg, &op, 1))
        rc = -XEN_EFAULT;
    return rc;
}
