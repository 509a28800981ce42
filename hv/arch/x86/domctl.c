/*
 * The x86-only domctls (Xen: arch/x86/domctl.c, arch_do_domctl): Xen's
 * hypercall_init, address sizes and shadow_op (mm/paging_domctl.c),
 * Xenolith's paging mode and MMU audit operations, and HYPERVISOR_arch_1.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <asm/pt_types.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>

static long paging_mode(struct domain *d, struct xenolith_domctl_paging_mode *p)
{
    switch (p->mode) {
    case XENOLITH_PAGING_DIRECT:
        shadow_disable(d);
        return 0;
    case XENOLITH_PAGING_SHADOW:
        return shadow_enable(d, SHADOW_POOL_DEFAULT);
    default:
        return -XEN_EINVAL;
    }
}

void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t r[4];

    /* Xen reports the machine's guest-physical width: CPUID 0x80000008 (36 without it), at most 52. */
    info->gpaddr_bits = 36;
    cpuid_count(0x80000000, 0, r);
    if (r[0] >= 0x80000008) {
        cpuid_count(0x80000008, 0, r);
        info->gpaddr_bits = (uint8_t)((r[0] >> 16) & 0xff ? (r[0] >> 16) & 0xff : r[0] & 0xff);
        if (info->gpaddr_bits > 52)
            info->gpaddr_bits = 52;
    }
}

/*
 * XEN_DOMCTL_hypercall_init: the hypercall page written into a frame of d
 * that can be writable (not d's: -EINVAL; a table or descriptor page: -EPERM).
 */
static long hypercall_init(struct domain *d, uint64_t mfn)
{
    long rc = 0;

    spin_lock(&d->page_lock);
    if (pt_get_page(&pv_mmu_env, mfn, d->id))
        rc = -XEN_EINVAL;
    else if (pt_get_page_type(&pv_mmu_env, mfn, PGT_writable_page, d->id)) {
        pt_put_page(&pv_mmu_env, mfn);
        rc = -XEN_EPERM;
    } else {
        hypercall_page_fill(mfn_to_virt(mfn));
        pt_put_page_type(&pv_mmu_env, mfn);
        pt_put_page(&pv_mmu_env, mfn);
    }
    spin_unlock(&d->page_lock);
    return rc;
}

long arch_do_domctl(struct domain *d, struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg,
                    bool *copyback)
{
    long rc;

    *copyback = false;
    switch (op->cmd) {
    case XEN_DOMCTL_hypercall_init:
        return hypercall_init(d, op->u.hypercall_init.gmfn);
    case XEN_DOMCTL_set_address_size:
        /* 64-bit PV only: Debian's Xen 4.17 is built without 32-bit PV guests either. */
        if (op->u.address_size.size == 64)
            return 0;
        return op->u.address_size.size == 32 ? -XEN_EOPNOTSUPP : -XEN_EINVAL;
    case XEN_DOMCTL_get_address_size:
        op->u.address_size.size = 64;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_shadow_op:
        rc = paging_domctl(d, &op->u.shadow_op, false);
        if (rc == -XEN_ERESTART)                /* as Xen: the rest as HYPERVISOR_arch_1, no copy back */
            return hypercall_continue_as(__HYPERVISOR_arch_1, arg.addr, 0, 0, 0, 0);
        *copyback = true;                       /* as Xen: whatever the answer */
        return rc;
    }
    /* Xenolith's own operations write their results back. */
    *copyback = op->cmd >= 0x8000;
    switch (op->cmd) {
    case XENOLITH_DOMCTL_paging_mode:
        return paging_mode(d, &op->u.paging_mode);
    case XENOLITH_DOMCTL_mmu_audit: {
        struct frame_scrub_counts scrub;
        int n = pv_mmu_audit(d);
        if (n < 0)
            return n;
        frames_scrub_counts(&scrub);
        op->u.mmu_audit.mismatches = (uint32_t)n;
        op->u.mmu_audit.free_frames = frames_free();
        op->u.mmu_audit.dirty_frames = scrub.dirty;
        op->u.mmu_audit.cleared_at_alloc = scrub.cleared_at_alloc;
        op->u.mmu_audit.scrubbed_idle = scrub.scrubbed_idle;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

/*
 * HYPERVISOR_arch_1: Xen's continuation of a preempted XEN_DOMCTL_shadow_op
 * (a CLEAN or PEEK stopped between leaves), its domctl read again from the
 * guest. Only that sub-operation with the current version may come here
 * (-EOPNOTSUPP); then the target (-ESRCH, dying ones found as Xen's lookup
 * does), the privilege (-EPERM) and paging_domctl's own checks (-EBUSY
 * unless the caller's own read of that sub-op waits). Preempted again, it
 * continues as itself; at the end the shadow_op field is written back, as
 * Xen does.
 */
long do_paging_domctl_cont(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg)
{
    struct xen_domctl op;
    struct domain *d;
    long rc;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION || op.cmd != XEN_DOMCTL_shadow_op)
        return -XEN_EOPNOTSUPP;
    d = domain_get_any(op.domain);
    if (!d)
        return -XEN_ESRCH;
    if (!domain_is_privileged(current->domain)) {
        domain_put(d);
        return -XEN_EPERM;
    }
    rc = paging_domctl(d, &op.u.shadow_op, true);
    domain_put(d);
    if (rc == -XEN_ERESTART)
        return hypercall_continue_as(__HYPERVISOR_arch_1, arg.addr, 0, 0, 0, 0);
    if (copy_field_to_guest(arg, &op, u.shadow_op))
        rc = -XEN_EFAULT;
    return rc;
}
