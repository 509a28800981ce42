/* HYPERVISOR_vcpu_op and set_timer_op: per-vCPU state a PV kernel manages. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <asm/pv_mmu.h>
#include <hv/evtchn.h>

#define MILLISECS(ms) ((uint64_t)(ms) * 1000000ULL)
#define STIME_DELTA_MAX (1ULL << 62)

/* See sched.h. */
void runstate_snapshot(const struct vcpu *v, struct vcpu_runstate_info *r, bool until_now)
{
    memset(r, 0, sizeof(*r));
    r->state = v->runstate.state;
    r->state_entry_time = v->runstate.state_entry_time;
    for (int i = 0; i < 4; i++)
        r->time[i] = v->runstate.time[i];
    if (until_now)
        r->time[r->state] += now_ns() - v->runstate.state_entry_time;
}

/*
 * VCPUOP_register_vcpu_info, Xen's map_vcpu_info: the offset keeps the
 * structure inside the page and 8-byte aligned (-ENXIO); a vCPU moves its
 * vcpu_info once (-EINVAL), itself or while it is down (-EINVAL); the frame
 * must be the domain's and take the writable type (-EINVAL), which it keeps
 * while mapped. The old contents come along (a vCPU still on the dummy one
 * starts zeroed, events masked), and every event is marked pending so that
 * none is lost in the move. d->domain_lock held.
 */
static long map_vcpu_info(struct vcpu *v, uint64_t mfn, uint32_t offset)
{
    struct domain *d = v->domain;
    struct vcpu_info *new;

    if (offset > PAGE_SIZE - sizeof(*new) || (offset & (_Alignof(struct vcpu_info) - 1)))
        return -XEN_ENXIO;
    if (v->vcpu_info_mfn)
        return -XEN_EINVAL;                     /* already moved once */
    if (v != current && !v->down)
        return -XEN_EINVAL;
    spin_lock(&d->page_lock);                   /* writable-typed while mapped: never a table */
    if (pv_get_writable_frame(d, mfn)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    spin_unlock(&d->page_lock);
    new = (struct vcpu_info *)((uint8_t *)mfn_to_virt(mfn) + offset);
    if (v->vcpu_info == &dummy_vcpu_info) {
        memset(new, 0, sizeof(*new));
        new->evtchn_upcall_mask = 1;
    } else {
        memcpy(new, v->vcpu_info, sizeof(*new));
    }
    __atomic_store_n(&v->vcpu_info, new, __ATOMIC_RELEASE);     /* before the pending marks */
    v->vcpu_info_mfn = mfn;
    __atomic_store_n(&new->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
    __atomic_store_n(&new->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    evtchn_notify_vcpu(v, 0, true);             /* a blocked vCPU looks at its events again */
    return 0;
}

static long register_vcpu_info(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_register_vcpu_info info;
    struct domain *d = v->domain;
    long rc;

    if (copy_from_guest(&info, arg, 1))
        return -XEN_EFAULT;
    spin_lock(&d->domain_lock);
    rc = map_vcpu_info(v, info.mfn, info.offset);
    spin_unlock(&d->domain_lock);
    time_update_vcpu(v);                        /* as Xen, whatever the answer */
    return rc;
}

/*
 * VCPUOP_initialise: the first context of a vCPU (Xen's
 * default_initialise_vcpu), checked and applied by arch_set_info_guest as
 * XEN_DOMCTL_setvcpucontext's is; a vCPU already initialised: -EEXIST.
 * It stays down unless the context has VGCF_online (VCPUOP_up starts it).
 */
static long vcpu_initialise(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = v->domain;
    struct vcpu_guest_context *ctx;
    long rc;

    if (v->vcpu_info == &dummy_vcpu_info)
        return -XEN_EINVAL;                     /* beyond shared_info: register_vcpu_info first */
    ctx = xzalloc_bytes(sizeof(*ctx));
    if (!ctx)
        return -XEN_ENOMEM;
    if (copy_from_guest(ctx, arg, 1)) {
        xfree_bytes(ctx, sizeof(*ctx));
        return -XEN_EFAULT;
    }
    spin_lock(&d->domain_lock);
    rc = v->initialised ? -XEN_EEXIST : arch_set_info_guest(v, ctx);
    spin_unlock(&d->domain_lock);
    xfree_bytes(ctx, sizeof(*ctx));
    return rc;
}

/* VCPUOP_up: a vCPU never initialised cannot run (-EINVAL); one already up: nothing. */
static long vcpu_up(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool wake = false;
    long rc = 0;

    spin_lock(&d->domain_lock);
    if (!v->initialised)
        rc = -XEN_EINVAL;
    else if (v->down)
        wake = true;
    if (wake)
        v->down = false;
    spin_unlock(&d->domain_lock);
    if (wake)
        vcpu_sched_update(v);
    return rc;
}

/*
 * VCPUOP_down, as Xen's: taking down the last vCPU that is up is the
 * domain's poweroff (Linux's halt with interrupts off ends this way); any
 * other just stops being scheduled until VCPUOP_up (the caller itself once
 * this hypercall returns).
 */
static long vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu *o;
    bool others = false;

    spin_lock(&d->domain_lock);
    for_each_vcpu(d, o)
        others |= o != v && !o->down;
    if (others)
        v->down = true;
    spin_unlock(&d->domain_lock);
    if (!others)
        domain_shutdown(d, SHUTDOWN_poweroff);
    else
        vcpu_sched_update(v);
    return 0;
}

/* VCPUOP_register_runstate_memory_area: the area is written at once, for any of our vCPUs. */
static long register_runstate_area(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_register_runstate_memory_area area;
    struct vcpu_runstate_info r;

    if (copy_from_guest(&area, arg, 1))
        return -XEN_EFAULT;
    if (!guest_handle_okay(area.addr.h, 1))
        return -XEN_EFAULT;
    v->runstate_guest = area.addr.h;
    if (!guest_handle_is_null(v->runstate_guest)) {
        /* As Xen: our own record as it stands, another vCPU's up to now. */
        runstate_snapshot(v, &r, v != current);
        (void)copy_to_guest(v->runstate_guest, &r, 1);  /* like Xen: a fault is not an error here */
    }
    return 0;
}

/*
 * Xen's do_vcpu_op takes the command as an int and the vCPU as an unsigned
 * int: the upper halves of both registers are ignored.
 */
long do_vcpu_op(uint64_t cmd64, uint64_t vcpuid64, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    uint32_t cmd = (uint32_t)cmd64, vcpuid = (uint32_t)vcpuid64;
    struct vcpu *v;

    if (vcpuid >= d->max_vcpus || !(v = __atomic_load_n(&d->vcpu[vcpuid], __ATOMIC_ACQUIRE)))
        return -XEN_ENOENT;

    switch (cmd) {
    case VCPUOP_is_up:
        return !v->down;
    case VCPUOP_up:
        return vcpu_up(v);
    case VCPUOP_down:
        return vcpu_down(v);
    case VCPUOP_initialise:
        return vcpu_initialise(v, arg);
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info r;
        runstate_snapshot(v, &r, true);
        return copy_to_guest(arg, &r, 1) ? -XEN_EFAULT : 0;
    }
    case VCPUOP_register_runstate_memory_area:
        return register_runstate_area(v, arg);
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer t;
        if (copy_from_guest(&t, arg, 1))
            return -XEN_EFAULT;
        if (t.period_ns < MILLISECS(1) || t.period_ns > STIME_DELTA_MAX)
            return -XEN_EINVAL;
        vcpu_set_periodic(v, t.period_ns);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        vcpu_set_periodic(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;
        if (v != current)
            return -XEN_EINVAL;
        if (copy_from_guest(&t, arg, 1))
            return -XEN_EFAULT;
        /* Xen 4.17 ignores VCPU_SSHOTTMR_future: a past deadline fires at once. */
        vcpu_set_singleshot(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -XEN_EINVAL;
        vcpu_set_singleshot(v, 0);
        return 0;
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    default:
        return arch_do_vcpu_op(cmd, v, arg);    /* send_nmi, time area, get_physid; else -ENOSYS */
    }
}

long do_set_timer_op(uint64_t timeout, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    vcpu_set_singleshot(current, timeout);
    return 0;
}
