/*
 * HYPERVISOR_domctl: the privileged control interface (include/xen/domctl.h,
 * docs/control-interface.md). Xen 4.17's sub-operations that a PV domain
 * builder needs are served here with Xen's numbers, layouts, checks and
 * error codes; the x86-only ones and Xenolith's own (0x8000 up) are in
 * arch_do_domctl.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/vcpu.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/iocap.h>
#include <xl/string.h>
#include <hv/sched.h>
#include <hv/time.h>

/*
 * The target of a domctl, looked up as Xen 4.17 does: by its real id
 * (DOMID_SELF names no domain there, -ESRCH). Xenolith's own sub-operations
 * (0x8000 and up, which Xen does not have) still accept DOMID_SELF. A
 * reference is held for the whole operation (domain_put in do_domctl).
 */
static struct domain *domctl_target(const struct xen_domctl *op)
{
    if (op->domain == DOMID_SELF && op->cmd >= 0x8000)
        return domain_get(current->domain->id);
    /*
     * As Xen's lookup, destroy, getdomaininfo and shadow_op find a domain until it is
     * freed: dying and dead ones too (a toolstack lists a dead domain some frame still holds).
     */
    if (op->cmd == XEN_DOMCTL_destroydomain || op->cmd == XEN_DOMCTL_getdomaininfo ||
        op->cmd == XEN_DOMCTL_shadow_op)        /* shadow_op: 0 for a dying domain */
        return domain_get_any(op->domain);
    return domain_get(op->domain);
}

/* Xen's getdomaininfo() over our domain: what a toolstack lists (domctl and sysctl's list). */
void getdomaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    uint32_t code = d->is_shutdown ? d->shutdown_reason : d->shutdown_code;

    memset(info, 0, sizeof(*info));
    info->domain = d->id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    /* Blocked only if every online vCPU is; running if any is on a CPU now. */
    for (unsigned int i = 0; d->vcpus_created && i < d->max_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        info->cpu_time += v->runstate.time[RUNSTATE_running] +
                          (v->running ? now_ns() - v->runstate.state_entry_time : 0);
        info->max_vcpu_id = i;
        if (v->down)
            continue;
        if (!v->blocked)
            flags &= ~XEN_DOMINF_blocked;
        if (v->running)
            flags |= XEN_DOMINF_running;
        info->nr_online_vcpus++;
    }
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  (life_is_dead(&d->life) ? XEN_DOMINF_dying : 0) |   /* Xen: dead only */
                  (d->is_shutdown ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pause_count ? XEN_DOMINF_paused : 0) |
                  code << XEN_DOMINF_shutdownshift;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    arch_get_domain_info(d, info);
}

/*
 * XEN_DOMCTL_getdomaininfo, Xen's order: the domain named or else the next
 * one up (a reserved id: -EINVAL; none: -ESRCH), then the privilege check,
 * which a missing domain never reaches. d is the named one, or NULL.
 */
static long domctl_getdomaininfo(struct domain *d, struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    long rc = 0;

    if (!d) {
        if (op->domain >= DOMID_FIRST_RESERVED)
            return -XEN_EINVAL;
        d = domain_get_next_any(op->domain);
        if (!d)
            return -XEN_ESRCH;
    }
    if (!domain_is_privileged(current->domain)) {
        rc = -XEN_EPERM;
    } else {
        getdomaininfo(d, &op->u.getdomaininfo);
        op->domain = op->u.getdomaininfo.domain;
        if (copy_to_guest(arg, op, 1))
            rc = -XEN_EFAULT;
    }
    domain_put(d);
    return rc;
}

/*
 * XEN_DOMCTL_createdomain's configuration, checked as Xen's
 * sanitise_domain_config, arch_sanitise_domain_config, arch_domain_create
 * and grant_table_init do (in that order) for a PV domain on a machine
 * without HVM, IOMMU, vmtrace or vPMU for guests.
 */
static long createdomain_config_ok(const struct xen_domctl_createdomain *c)
{
    const uint32_t known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity |
                           XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain |
                           XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu;
    unsigned int version = XEN_DOMCTL_GRANT_version(c->grant_opts);
    int32_t frames = c->max_grant_frames < 0 ? GNTTAB_MAX_FRAMES : c->max_grant_frames;
    int32_t maptrack = c->max_maptrack_frames < 0 ? GNTTAB_MAX_MAPTRACK_FRAMES
                                                  : c->max_maptrack_frames;

    if (c->flags & ~known)
        return -XEN_EINVAL;
    if (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
        return -XEN_EINVAL;
    if (c->max_vcpus < 1)
        return -XEN_EINVAL;
    if ((c->flags & XEN_DOMCTL_CDF_hap) && !(c->flags & XEN_DOMCTL_CDF_hvm))
        return -XEN_EINVAL;
    /* No IOMMU: asking for one is refused, and so are options without it. */
    if ((c->flags & XEN_DOMCTL_CDF_iommu) || c->iommu_opts)
        return -XEN_EINVAL;
    if (c->vmtrace_size || (c->flags & XEN_DOMCTL_CDF_vpmu))
        return -XEN_EINVAL;
    /* The architecture's part: PV only, Xen's vCPU limit, no tboot, misc flags. */
    if (c->flags & (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_s3_integrity))
        return -XEN_EINVAL;
    if (c->max_vcpus > MAX_VCPUS)
        return -XEN_EINVAL;
    if (c->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -XEN_EINVAL;
    if (c->arch.emulation_flags & ~XEN_X86_EMU_ALL)
        return -XEN_EINVAL;
    if (c->arch.emulation_flags != 0 && c->arch.emulation_flags != XEN_X86_EMU_PIT)
        return -XEN_EOPNOTSUPP;
    if (version == 0 || version > 2)
        return -XEN_EINVAL;
    if (frames < 1 || frames > GNTTAB_MAX_FRAMES || maptrack > GNTTAB_MAX_MAPTRACK_FRAMES)
        return -XEN_EINVAL;
    return 0;
}

/*
 * XEN_DOMCTL_createdomain: the id asked for (taken: -EEXIST), or for 0 or a
 * reserved id the next free one after the last chosen, wrapping to 1 (Xen's
 * rover, which moves even when the creation then fails); none free: -ENOMEM.
 * Ids run up to DOMID_FIRST_RESERVED - 1, as on Xen.
 */
static long createdomain(struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    static domid_t rover;
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    domid_t id = op->domain;
    struct domain *d;
    long rc;

    if (id > 0 && id < DOMID_FIRST_RESERVED) {
        if (domain_lookup_any(id))
            return -XEN_EEXIST;
    } else {
        bool found = false;

        id = rover;
        for (unsigned int n = 1; n < DOMID_FIRST_RESERVED && !found; n++) {
            id = id + 1u >= DOMID_FIRST_RESERVED ? 1 : (domid_t)(id + 1u);
            found = !domain_lookup_any(id);
        }
        if (!found)
            return -XEN_ENOMEM;
        rover = id;
    }
    rc = createdomain_config_ok(c);
    if (rc)
        return rc;
    rc = domain_create(id, false, c->max_vcpus, &d);
    if (rc)
        return rc;
    d->max_evtchn_port = c->max_evtchn_port > 0x7fffffffu ? 0x7fffffffu : c->max_evtchn_port;
    d->grants.max_frames = (unsigned int)(c->max_grant_frames < 0 ? GNTTAB_MAX_FRAMES
                                                                   : c->max_grant_frames);
    d->grants.max_version = XEN_DOMCTL_GRANT_version(c->grant_opts);
    memcpy(d->handle, c->handle, sizeof(d->handle));
    log_info("domctl: domain %u created by domain %u", id, current->domain->id);
    op->domain = id;
    return copy_to_guest(arg, op, 1) ? -XEN_EFAULT : 0;
}

/*
 * XEN_DOMCTL_max_vcpus: only the count createdomain set (-EINVAL), never
 * the caller's own domain; brings its vCPUs into being, down and not
 * initialised (-ENOMEM: those made so far stay, as on Xen).
 */
static long max_vcpus(struct domain *d, uint32_t max)
{
    bool paused;
    long rc;

    if (d == current->domain || max != d->max_vcpus)
        return -XEN_EINVAL;
    paused = domain_pause(d) == 0;
    rc = domain_vcpus_create(d);
    if (!rc)
        d->vcpus_created = true;
    if (paused)
        domain_unpause(d);
    return rc;
}

/* XEN_DOMCTL_destroydomain: nothing is copied back; a long one continues as Xen's does. */
static long destroy(struct domain *d, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    long rc = domain_kill(d);

    if (rc == -XEN_ERESTART) {
        d->destroy.continuations++;
        return hypercall_continue(arg.addr, 0, 0, 0, 0);
    }
    return rc;
}

/*
 * The control interface's pause (Xen's controller_pause_count, at most 255:
 * -EOVERFLOW); unpausing more often than paused: -EINVAL. A domain does
 * not pause itself (-EINVAL) but may be unpaused by anyone privileged.
 */
static long pausedomain(struct domain *d)
{
    long rc;

    if (d == current->domain)
        return -XEN_EINVAL;
    if (d->controller_pause_count >= 255)
        return -XEN_EOVERFLOW;
    rc = domain_pause(d);
    if (rc == 0)
        d->controller_pause_count++;
    return rc;
}

static long unpausedomain(struct domain *d)
{
    long rc;

    if (d->controller_pause_count == 0)
        return -XEN_EINVAL;
    rc = domain_unpause(d);
    if (rc == 0)
        d->controller_pause_count--;
    return rc;
}

/* The vCPU a context operation names, or NULL (Xen: -EINVAL). */
static struct vcpu *context_vcpu(struct domain *d, uint32_t id)
{
    if (!d->vcpus_created || id >= d->max_vcpus)
        return NULL;
    return d->vcpu[id];
}

/* XEN_DOMCTL_setvcpucontext: never the caller's own domain (Xen pauses the target first). */
static long setvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
    XEN_GUEST_HANDLE(vcpu_guest_context_t) h = guest_handle_from_va(vcpu_guest_context_t, vc->ctxt);
    struct vcpu_guest_context *ctx;
    struct vcpu *v = context_vcpu(d, vc->vcpu);
    long rc;

    if (d == current->domain || !v)
        return -XEN_EINVAL;
    if (guest_handle_is_null(h))
        return -XEN_EOPNOTSUPP;                 /* a vCPU reset (Xen's vcpu_reset): not served */
    ctx = xzalloc_bytes(sizeof(*ctx));
    if (!ctx)
        return -XEN_ENOMEM;
    if (copy_from_guest(ctx, h, 1)) {
        rc = -XEN_EFAULT;
    } else {
        /* As Xen: the domain is kept off every CPU while its vCPU changes. */
        bool paused = domain_pause(d) == 0;
        spin_lock(&d->domain_lock);             /* as VCPUOP_initialise */
        rc = arch_set_info_guest(v, ctx);
        spin_unlock(&d->domain_lock);
        if (paused)
            domain_unpause(d);
    }
    xfree_bytes(ctx, sizeof(*ctx));
    return rc;
}

/* XEN_DOMCTL_getvcpucontext: not the calling vCPU (-EINVAL), not one never set (-ENODATA). */
static long getvcpucontext(struct domain *d, struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    struct vcpu_guest_context *ctx;
    struct vcpu *v = context_vcpu(d, op->u.vcpucontext.vcpu);
    bool paused;
    long rc = 0;

    if (!v || v == current)
        return -XEN_EINVAL;
    if (!v->initialised)
        return -XEN_ENODATA;
    ctx = xzalloc_bytes(sizeof(*ctx));
    if (!ctx)
        return -XEN_ENOMEM;
    /* A consistent snapshot: another domain off every CPU, or our own other vCPU paused. */
    paused = d != current->domain && domain_pause(d) == 0;
    if (!paused)
        vcpu_pause(v);
    arch_get_info_guest(v, ctx);
    if (paused)
        domain_unpause(d);
    else
        vcpu_unpause(v);
    if (copy_to_guest(guest_handle_from_va(vcpu_guest_context_t, op->u.vcpucontext.ctxt), ctx, 1))
        rc = -XEN_EFAULT;
    xfree_bytes(ctx, sizeof(*ctx));
    /* Xen writes the envelope back whatever the copy gave. */
    if (copy_to_guest(arg, op, 1))
        rc = -XEN_EFAULT;
    return rc;
}

/*
 * XEN_DOMCTL_scheduler_op, as Xen's sched_adjust over its credit scheduler:
 * the scheduler's id (-EINVAL otherwise), then the command (the per-vCPU
 * forms are not credit's: -EINVAL too); putinfo cannot fail.
 */
static long scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    switch (op->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        sched_get_credit(d, &op->u.credit.weight, &op->u.credit.cap);
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        sched_set_credit(d, op->u.credit.weight, op->u.credit.cap);
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

/*
 * XEN_DOMCTL_getvcpuinfo: a vCPU past max_vcpus -EINVAL, one not created
 * yet -ESRCH; cpu is the CPU it runs on, is held by or is queued on.
 */
static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    const struct vcpu *v;

    if (vi->vcpu >= d->max_vcpus)
        return -XEN_EINVAL;
    v = d->vcpus_created ? d->vcpu[vi->vcpu] : NULL;
    if (!v)
        return -XEN_ESRCH;
    vi->online = !v->down;
    vi->blocked = v->blocked;
    vi->running = v->running;
    vi->cpu_time = v->runstate.time[RUNSTATE_running] +
                   (v->runstate.state == RUNSTATE_running ? now_ns() - v->runstate.state_entry_time
                                                          : 0);
    vi->cpu = v->processor;
    return 0;
}

/* One operation on the target d (referenced by the caller); the caller is privileged. */
static long domctl_on(struct domain *d, struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    bool copyback = false;
    long rc;

    switch (op->cmd) {
    case XEN_DOMCTL_pausedomain:
        return pausedomain(d);
    case XEN_DOMCTL_unpausedomain:
        return unpausedomain(d);
    case XEN_DOMCTL_max_vcpus:
        return max_vcpus(d, op->u.max_vcpus.max);
    case XEN_DOMCTL_max_mem: {
        /* May go below tot_pages: then no page is added until it is back under. */
        uint64_t max = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
        d->max_pages = max > UINT32_MAX ? UINT32_MAX : max;
        return 0;
    }
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_setvcpucontext:
        return setvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpucontext:
        return getvcpucontext(d, op, arg);
    case XEN_DOMCTL_scheduler_op:
        rc = scheduler_op(d, &op->u.scheduler_op);
        copyback = true;                        /* as Xen: whatever the answer */
        break;
    case XEN_DOMCTL_getvcpuinfo:
        rc = getvcpuinfo(d, &op->u.getvcpuinfo);
        copyback = rc == 0;
        break;
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        return vcpu_affinity_domctl(d, op->cmd, &op->u.vcpuaffinity);
    default:
        rc = arch_do_domctl(d, op, arg, &copyback);   /* the x86-only operations, or -ENOSYS */
        break;
    }
    if (copyback && copy_to_guest(arg, op, 1))
        return -XEN_EFAULT;
    return rc;
}

long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    long rc;

    /* Xen's order: envelope, version, target, then privilege (its XSM hook). */
    rc = hypercall_envelope(arg, &op, XEN_DOMCTL_INTERFACE_VERSION);
    if (rc)
        return rc;
    if (op.cmd != XEN_DOMCTL_createdomain) {
        d = domctl_target(&op);
        if (op.cmd == XEN_DOMCTL_getdomaininfo)
            return domctl_getdomaininfo(d, &op, arg);
        if (!d)
            return -XEN_ESRCH;
    }
    /* As Xen, the permission cmds check their range before the caller's privilege. */
    if (d && iocap_domctl(d, &op, &rc)) {
        domain_put(d);
        return rc;
    }
    if (!domain_is_privileged(current->domain))
        rc = -XEN_EPERM;
    else if (!d)
        rc = createdomain(&op, arg);
    else if (op.cmd == XEN_DOMCTL_destroydomain)
        rc = destroy(d, arg);
    else
        rc = domctl_on(d, &op, arg);
    if (d)
        domain_put(d);
    return rc;
}
