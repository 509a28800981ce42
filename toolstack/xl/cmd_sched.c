/*
 * sched-credit [-d dom [-w weight] [-c cap]]: the credit scheduler's
 * parameters of each domain (XEN_DOMCTL_scheduler_op getinfo), or of one,
 * or set them (putinfo), in xl's table: Name ID Weight Cap.
 */
#include <xl/string.h>
#include "xl.h"

static long sched_op(uint32_t domid, uint32_t cmd, struct xen_domctl_sched_credit *c)
{
    struct xen_domctl d = { 0 };
    long rc;

    d.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    d.u.scheduler_op.cmd = cmd;
    d.u.scheduler_op.u.credit = *c;
    rc = xc_domctl(XEN_DOMCTL_scheduler_op, domid, &d);
    if (!rc)
        *c = d.u.scheduler_op.u.credit;
    return rc;
}

static int row(uint32_t domid)
{
    struct xen_domctl_sched_credit c = { 0 };
    long rc = sched_op(domid, XEN_DOMCTL_SCHEDOP_getinfo, &c);

    if (rc) {
        os_printf("xl: sched-credit: domain %u: scheduler_op getinfo failed (%ld)\n", domid, rc);
        return 1;
    }
    os_printf("%-33s %4u %6u %4u\n", xl_domain_name(domid), domid, c.weight, c.cap);
    return 0;
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

int xl_cmd_sched_credit(int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    const char *dom = NULL;
    unsigned long weight = 0, cap = 0xffff;     /* putinfo: 0 and 0xffff keep */
    int set = 0;
    uint32_t domid = 0;

    for (int a = 1; a < argc; a++) {
        if (a + 1 >= argc)
            goto usage;
        if (!strcmp(argv[a], "-d"))
            dom = argv[++a];
        else if (!strcmp(argv[a], "-w") && !number(argv[a + 1], 65535, &weight) && weight)
            set = ++a;
        else if (!strcmp(argv[a], "-c") && !number(argv[a + 1], 65534, &cap))
            set = ++a;
        else
            goto usage;
    }
    if (set && !dom)
        goto usage;
    if (dom && xl_domain_arg(dom, &domid))
        return 1;
    if (set) {
        struct xen_domctl_sched_credit c = { .weight = (uint16_t)weight, .cap = (uint16_t)cap };
        long rc = sched_op(domid, XEN_DOMCTL_SCHEDOP_putinfo, &c);

        if (rc)
            os_printf("xl: sched-credit: domain %u: scheduler_op putinfo failed (%ld)\n", domid, rc);
        return rc ? 1 : 0;
    }
    os_printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    if (dom)
        return row(domid);
    for (domid = 0; xc_domain_getinfo(domid, &info) == 0; domid = (uint32_t)info.domain + 1)
        if (row(info.domain))
            return 1;
    return 0;
usage:
    os_printf("Usage: sched-credit [-d <dom> [-w <weight 1-65535>] [-c <cap 0-65534>]]\n");
    return 1;
}
