/*
 * xc: the credit scheduler's parameters of a domain (XEN_DOMCTL_scheduler_op,
 * libxc's xc_sched_credit_domain_set/get) and of a cpupool
 * (XEN_SYSCTL_scheduler_op, xc_sched_credit_params_set/get).
 */
#include "xc.h"

static long credit_op(uint32_t domid, uint32_t cmd, struct xen_domctl_sched_credit *c)
{
    struct xen_domctl d = { .u.scheduler_op = { .sched_id = XEN_SCHEDULER_CREDIT, .cmd = cmd,
                                                .u.credit = *c } };
    long rc = xc_domctl(XEN_DOMCTL_scheduler_op, domid, &d);

    *c = d.u.scheduler_op.u.credit;
    return rc;
}

long xc_sched_credit_domain_set(uint32_t domid, uint16_t weight, uint16_t cap)
{
    struct xen_domctl_sched_credit c = { .weight = weight, .cap = cap };

    return credit_op(domid, XEN_DOMCTL_SCHEDOP_putinfo, &c);
}

long xc_sched_credit_domain_get(uint32_t domid, uint16_t *weight, uint16_t *cap)
{
    struct xen_domctl_sched_credit c = { 0 };
    long rc = credit_op(domid, XEN_DOMCTL_SCHEDOP_getinfo, &c);

    if (!rc) {
        *weight = c.weight;
        *cap = c.cap;
    }
    return rc;
}

/* scheduler_op (sysctl) on cpupool `pool`'s credit scheduler: the parameters in, then out. */
static long pool_op(uint32_t pool, uint32_t cmd, struct xen_sysctl_credit_schedule *p)
{
    struct xen_sysctl s = { .u.scheduler_op = { .cpupool_id = pool, .sched_id = XEN_SCHEDULER_CREDIT,
                                                .cmd = cmd, .u.sched_credit = *p } };
    long rc = xc_sysctl(XEN_SYSCTL_scheduler_op, &s);

    if (!rc)
        *p = s.u.scheduler_op.u.sched_credit;
    return rc;
}

long xc_sched_credit_params_get(uint32_t pool, struct xen_sysctl_credit_schedule *p)
{
    *p = (struct xen_sysctl_credit_schedule){ 0 };
    return pool_op(pool, XEN_SYSCTL_SCHEDOP_getinfo, p);
}

long xc_sched_credit_params_set(uint32_t pool, struct xen_sysctl_credit_schedule *p)
{
    return pool_op(pool, XEN_SYSCTL_SCHEDOP_putinfo, p);
}
