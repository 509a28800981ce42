/*
 * SYSCTL (scheduler_op): the cpupool's credit parameters, as Xen 4.17's
 * credit scheduler gives and takes them (the launcher runs Xen with
 * sched=credit): the defaults, values taken and written back, every bound
 * and the errors of a bad command, pool or scheduler; the defaults are put
 * back at the end. Case ids follow suite_sysctl's.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xl/string.h>
#include "test.h"

static struct xen_sysctl sc;

/* scheduler_op with these fields; the credit parameters as written back are in sc. */
static long sched_op(uint32_t pool, uint32_t sched_id, uint32_t cmd, uint32_t tslice_ms,
                     uint32_t ratelimit_us, uint32_t migr_delay_us)
{
    sc = (struct xen_sysctl){ .cmd = XEN_SYSCTL_scheduler_op,
                              .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    sc.u.scheduler_op.cpupool_id = pool;
    sc.u.scheduler_op.sched_id = sched_id;
    sc.u.scheduler_op.cmd = cmd;
    sc.u.scheduler_op.u.sched_credit.tslice_ms = tslice_ms;
    sc.u.scheduler_op.u.sched_credit.ratelimit_us = ratelimit_us;
    sc.u.scheduler_op.u.sched_credit.vcpu_migr_delay_us = migr_delay_us;
    return os_hypercall1(__HYPERVISOR_sysctl, &sc);
}

static long put(uint32_t tslice_ms, uint32_t ratelimit_us, uint32_t migr_delay_us)
{
    return sched_op(0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, tslice_ms, ratelimit_us,
                    migr_delay_us);
}

/* Do the parameters in sc read t, r, m? */
static int holds(uint32_t t, uint32_t r, uint32_t m)
{
    const struct xen_sysctl_credit_schedule *c = &sc.u.scheduler_op.u.sched_credit;

    return c->tslice_ms == t && c->ratelimit_us == r && c->vcpu_migr_delay_us == m;
}

/* getinfo of pool 0: do the parameters in force read t, r, m? */
static int in_force(uint32_t t, uint32_t r, uint32_t m)
{
    return sched_op(0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 7, 7, 7) == 0 &&
           holds(t, r, m);
}

#define PARAMS_DETAIL "(rc=%ld tslice=%u ratelimit=%u delay=%u)"
#define PARAMS_OF(rc) (rc), sc.u.scheduler_op.u.sched_credit.tslice_ms, \
    sc.u.scheduler_op.u.sched_credit.ratelimit_us, sc.u.scheduler_op.u.sched_credit.vcpu_migr_delay_us

/* Refused puts: each -EINVAL, nothing written back, the maxima still in force. */
static void bad_puts(void)
{
    static const struct { const char *id, *desc; uint32_t t, r, m; } bad[] = {
        { "SYSCTL0075", "putinfo with a slice of 0 ms gives -EINVAL", 0, 0, 0 },
        { "SYSCTL0076", "putinfo with a slice of 1001 ms gives -EINVAL", 1001, 1000, 0 },
        { "SYSCTL0077", "putinfo with a rate limit of 99 us gives -EINVAL", 30, 99, 0 },
        { "SYSCTL0078", "putinfo with a rate limit of 500001 us gives -EINVAL", 1000, 500001, 0 },
        { "SYSCTL0079", "putinfo with a rate limit longer than the slice (2 ms, 2001 us) gives -EINVAL",
          2, 2001, 0 },
        { "SYSCTL0080", "putinfo with a migration delay of 100001 us gives -EINVAL", 30, 1000, 100001 },
        { "SYSCTL0081", "putinfo with every field 2^32-1 gives -EINVAL", 0xffffffffu, 0xffffffffu,
          0xffffffffu },
    };
    unsigned int unchanged = 0;

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long rc = put(bad[i].t, bad[i].r, bad[i].m);

        t_check(bad[i].id, bad[i].desc, rc == -XEN_EINVAL && holds(bad[i].t, bad[i].r, bad[i].m),
                PARAMS_DETAIL, PARAMS_OF(rc));
        unchanged += in_force(1000, 500000, 100000);
    }
    t_check("SYSCTL0082", "the refused putinfos changed nothing",
            unchanged == sizeof(bad) / sizeof(bad[0]), "(%u unchanged)", unchanged);
}

void suite_sysctl_sched(void)
{
    long rc;

    rc = sched_op(0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 7, 7, 7);
    t_check("SYSCTL0070", "scheduler_op getinfo of pool 0: slice 30 ms, rate limit 1000 us, no delay",
            rc == 0 && holds(30, 1000, 0), PARAMS_DETAIL, PARAMS_OF(rc));
    rc = put(10, 500, 200);
    t_check("SYSCTL0071", "putinfo 10 ms, 500 us, 200 us is taken and written back",
            rc == 0 && holds(10, 500, 200) && in_force(10, 500, 200), PARAMS_DETAIL, PARAMS_OF(rc));
    rc = put(10, 0, 0);
    t_check("SYSCTL0072", "putinfo with a rate limit of 0 (none) is taken",
            rc == 0 && holds(10, 0, 0) && in_force(10, 0, 0), PARAMS_DETAIL, PARAMS_OF(rc));
    rc = put(1, 1000, 0);
    t_check("SYSCTL0073", "putinfo of the least slice, 1 ms, with a rate limit as long is taken",
            rc == 0 && in_force(1, 1000, 0), PARAMS_DETAIL, PARAMS_OF(rc));
    rc = put(1000, 500000, 100000);
    t_check("SYSCTL0074", "putinfo of every maximum (1000 ms, 500000 us, 100000 us) is taken",
            rc == 0 && in_force(1000, 500000, 100000), PARAMS_DETAIL, PARAMS_OF(rc));
    bad_puts();
    t_rc("SYSCTL0083", "scheduler_op with cmd 2 gives -EINVAL",
         sched_op(0, XEN_SCHEDULER_CREDIT, 2, 30, 1000, 0), -XEN_EINVAL);
    t_rc("SYSCTL0084", "scheduler_op getinfo of pool 1 (none) gives -ESRCH",
         sched_op(1, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, 0), -XEN_ESRCH);
    t_rc("SYSCTL0085", "scheduler_op putinfo of pool 2^32-1 gives -ESRCH",
         sched_op(0xffffffffu, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_putinfo, 30, 1000, 0),
         -XEN_ESRCH);
    t_rc("SYSCTL0086", "cmd 2 on pool 1: -EINVAL (the command is checked first)",
         sched_op(1, XEN_SCHEDULER_CREDIT, 2, 30, 1000, 0), -XEN_EINVAL);
    t_rc("SYSCTL0087", "getinfo naming credit2 on pool 0 (which runs credit) gives -EINVAL",
         sched_op(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, 0), -XEN_EINVAL);
    t_rc("SYSCTL0088", "credit2 on pool 1: -ESRCH (the pool before its scheduler)",
         sched_op(1, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo, 0, 0, 0), -XEN_ESRCH);
    rc = put(30, 1000, 0);
    t_check("SYSCTL0089", "putinfo of the defaults again: 30 ms, 1000 us, 0 us",
            rc == 0 && in_force(30, 1000, 0), PARAMS_DETAIL, PARAMS_OF(rc));
}
