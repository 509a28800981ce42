/*
 * sched-credit [-d dom [-w weight] [-c cap]] [-s [-t ms] [-r us] [-m us]] [-p pool]:
 * xl's command for the credit scheduler. Without -d: the pool's line
 * (XEN_SYSCTL_scheduler_op getinfo: slice, rate limit, migration delay), then
 * xl's table Name ID Weight Cap of every domain (XEN_DOMCTL_scheduler_op
 * getinfo); -d: that domain's row, or with -w/-c its putinfo. -s: the pool's
 * line alone, or with -t/-r/-m its putinfo, checked first with libxl's bounds
 * and messages. One pool: Pool-0 (id 0).
 */
#include <xl/string.h>
#include "xl.h"

#define POOL_NAME "Pool-0"

static int row(uint32_t domid)
{
    uint16_t weight, cap;
    long rc = xc_sched_credit_domain_get(domid, &weight, &cap);

    if (rc) {
        os_printf("xl: sched-credit: domain %u: scheduler_op getinfo failed (%ld)\n", domid, rc);
        return 1;
    }
    os_printf("%-33s %4u %6u %4u\n", xl_domain_name(domid), domid, weight, cap);
    return 0;
}

/* xl's sched_credit_pool_output. */
static void pool_line(void)
{
    struct xen_sysctl_credit_schedule p;

    if (xc_sched_credit_params_get(0, &p))
        os_printf("Cpupool %s: [sched params unavailable]\n", POOL_NAME);
    else
        os_printf("Cpupool %s: tslice=%ums ratelimit=%uus migration-delay=%uus\n", POOL_NAME,
                  p.tslice_ms, p.ratelimit_us, p.vcpu_migr_delay_us);
}

/* libxl_sched_credit_params_set's checks, with its messages: 0 if p may be put. */
static int params_ok(const struct xen_sysctl_credit_schedule *p)
{
    if (p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN || p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX)
        os_printf("libxl: error: Time slice out of range, valid range is from %d to %d\n",
                  XEN_SYSCTL_CSCHED_TSLICE_MIN, XEN_SYSCTL_CSCHED_TSLICE_MAX);
    else if (p->ratelimit_us && (p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
                                 p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX))
        os_printf("libxl: error: Ratelimit out of range, valid range is from %d to %d\n",
                  XEN_SYSCTL_SCHED_RATELIMIT_MIN, XEN_SYSCTL_SCHED_RATELIMIT_MAX);
    else if (p->ratelimit_us > p->tslice_ms * 1000)
        os_printf("libxl: error: Ratelimit cannot be greater than timeslice\n");
    else if (p->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US)
        os_printf("libxl: error: vcpu migration delay should be >= 0 and <= %dus\n",
                  XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US);
    else
        return 0;
    return -1;
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > max)
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* The pool's parameters as asked (-t, -r, -m over those in force), put. */
static int set_params(const unsigned long *asked)
{
    struct xen_sysctl_credit_schedule p;

    if (xc_sched_credit_params_get(0, &p)) {
        os_printf("libxl_sched_credit_params_get failed.\n");
        return 1;
    }
    p.tslice_ms = asked[0] != ~0ul ? (uint32_t)asked[0] : p.tslice_ms;
    p.ratelimit_us = asked[1] != ~0ul ? (uint32_t)asked[1] : p.ratelimit_us;
    p.vcpu_migr_delay_us = asked[2] != ~0ul ? (uint32_t)asked[2] : p.vcpu_migr_delay_us;
    if (params_ok(&p) || xc_sched_credit_params_set(0, &p)) {
        os_printf("libxl_sched_credit_params_set failed.\n");
        return 1;
    }
    return 0;
}

int xl_cmd_sched_credit(int argc, char **argv)
{
    static const char params[] = "trm";
    struct xen_domctl_getdomaininfo info;
    const char *dom = NULL, *pool = NULL;
    unsigned long weight = 0, cap = 0xffff;     /* putinfo: 0 and 0xffff keep */
    unsigned long asked[3] = { ~0ul, ~0ul, ~0ul };  /* -t, -r, -m; ~0: not given */
    int set = 0, schedparam = 0, set_pool = 0;
    uint32_t domid = 0;

    for (int a = 1; a < argc; a++) {
        const char *p = argv[a][0] == '-' && argv[a][1] && !argv[a][2] ?
                        strchr(params, argv[a][1]) : NULL;

        if (!strcmp(argv[a], "-s")) {
            schedparam = 1;
            continue;
        }
        if (a + 1 >= argc)
            goto usage;
        if (!strcmp(argv[a], "-d"))
            dom = argv[++a];
        else if (!strcmp(argv[a], "-p"))
            pool = argv[++a];
        else if (!strcmp(argv[a], "-w") && !number(argv[a + 1], 65535, &weight) && weight)
            set = ++a;
        else if (!strcmp(argv[a], "-c") && !number(argv[a + 1], 65534, &cap))
            set = ++a;
        else if (p && !number(argv[a + 1], 0xffffffffu, &asked[p - params]))
            set_pool = ++a;
        else
            goto usage;
    }
    if ((pool || schedparam) && (dom || set)) {
        os_printf("Specifying a cpupool or schedparam is not allowed with domain options.\n");
        return 1;
    }
    if (!dom && set) {
        os_printf("Must specify a domain.\n");
        return 1;
    }
    if (!schedparam && set_pool) {
        os_printf("Must specify schedparam to set schedule parameter values.\n");
        return 1;
    }
    if (pool && strcmp(pool, "0") && strcmp(pool, POOL_NAME)) {
        os_printf("unknown cpupool '%s'\n", pool);
        return 1;
    }
    if (schedparam) {
        if (set_pool)
            return set_params(asked);
        pool_line();
        return 0;
    }
    if (dom && xl_domain_arg(dom, &domid))
        return 1;
    if (set) {
        long rc = xc_sched_credit_domain_set(domid, (uint16_t)weight, (uint16_t)cap);

        if (rc)
            os_printf("xl: sched-credit: domain %u: scheduler_op putinfo failed (%ld)\n", domid, rc);
        return rc ? 1 : 0;
    }
    if (!dom)
        pool_line();
    os_printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    if (dom)
        return row(domid);
    for (domid = 0; xc_domain_getinfo(domid, &info) == 0; domid = (uint32_t)info.domain + 1)
        if (row(info.domain))
            return 1;
    return 0;
usage:
    os_printf("Usage: sched-credit [-d <dom> [-w <weight 1-65535>] [-c <cap 0-65534>]] "
              "[-s [-t <tslice ms>] [-r <ratelimit us>] [-m <migration delay us>]] [-p Pool-0]\n");
    return 1;
}
