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

static long register_vcpu_info(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_register_vcpu_info info;
    struct domain *d = v->domain;
    struct vcpu_info *new;

    if (copy_from_guest(&info, arg, 1))
        return -XEN_EFAULT;
    if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -XEN_ENXIO;
    if (info.rsvd)
        return -XEN_EINVAL;
    if (v->vcpu_info != &d->shared_info->vcpu_info[v->id])
        return -XEN_EINVAL;                     /* already moved once */
    /* The frame stays writable-typed while we write into it: it can never become a table. */
    spin_lock(&d->page_lock);
    if (pv_get_writable_frame(d, info.mfn)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    spin_unlock(&d->page_lock);
    new = (struct vcpu_info *)((uint8_t *)mfn_to_virt(info.mfn) + info.offset);
    memcpy(new, v->vcpu_info, sizeof(*new));
    /* Everything may be pending: the guest rescans all selector words. */
    new->evtchn_upcall_pending = 1;
    new->evtchn_pending_sel = ~0UL;
    v->vcpu_info = new;
    v->vcpu_info_mfn = info.mfn;
    time_update_vcpu(v);
    return 0;
}

/*
 * VCPUOP_down, as Xen's: taking down the last vCPU that is up is the
 * domain's poweroff (Linux's halt with interrupts off ends this way); any
 * other just stops being scheduled until VCPUOP_up.
 */
static long vcpu_down(struct domain *d, unsigned int vcpuid)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (i != vcpuid && d->vcpu[i] && !d->vcpu[i]->down) {
            d->vcpu[vcpuid]->down = true;
            vcpu_sched_update(d->vcpu[vcpuid]);
            return 0;
        }
    domain_shutdown(d, SHUTDOWN_poweroff);
    return 0;
}

long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    if (vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]))
        return -XEN_ENOENT;

    switch (cmd) {
    case VCPUOP_is_up:
        return !v->down;
    case VCPUOP_up:
        if (v->down) {
            v->down = false;
            vcpu_sched_update(v);
        }
        return 0;
    case VCPUOP_down:
        return vcpu_down(d, (unsigned int)vcpuid);
    case VCPUOP_initialise:
        return -XEN_EEXIST;
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info r;
        runstate_snapshot(v, &r, true);
        return copy_to_guest(arg, &r, 1) ? -XEN_EFAULT : 0;
    }
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;
        struct vcpu_runstate_info r;
        if (copy_from_guest(&area, arg, 1))
            return -XEN_EFAULT;
        v->runstate_guest = area.addr.h;
        if (v == current && !guest_handle_is_null(v->runstate_guest)) {
            /* As Xen: the record as it stands (the running time so far not yet added). */
            runstate_snapshot(v, &r, false);
            (void)copy_to_guest(v->runstate_guest, &r, 1);   /* like Xen: a fault is not an error here */
        }
        return 0;
    }
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
        return -XEN_ENOSYS;
    }
}

long do_set_timer_op(uint64_t timeout, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    vcpu_set_singleshot(current, timeout);
    return 0;
}
