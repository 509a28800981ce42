/*
 * list [dom...]: xl's table of domains. Columns and state letters are xl's:
 *   Name  ID  Mem (MiB)  VCPUs (online)  State  Time(s)
 * State: r running (on a CPU), b blocked, p paused, s shut down,
 * c crashed, d dying; '-' where not.
 */
#include <xen/sched.h>
#include "xl.h"

static void header(void)
{
    os_printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
}

static void row(const struct xen_domctl_getdomaininfo *i)
{
    unsigned int f = i->flags;
    unsigned int reason = (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    int shut = !!(f & XEN_DOMINF_shutdown);
    /* xl's %8.1f of seconds, in integers: tenths, rounded. */
    uint64_t tenths = (i->cpu_time + 50000000ull) / 100000000ull;

    os_printf("%-40s %5u %5lu %5u     %c%c%c%c%c%c  %6lu.%lu\n", xl_domain_name(i->domain),
              i->domain, (unsigned long)(i->tot_pages * 4 / 1024), i->nr_online_vcpus,
              f & XEN_DOMINF_running ? 'r' : '-', f & XEN_DOMINF_blocked ? 'b' : '-',
              f & XEN_DOMINF_paused ? 'p' : '-', shut ? 's' : '-',
              shut && reason == SHUTDOWN_crash ? 'c' : '-', f & XEN_DOMINF_dying ? 'd' : '-',
              (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

int xl_cmd_list(int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t id = 0;

    if (argc > 1) {
        /* The ones named, each found or an error, as xl list <dom>. */
        for (int a = 1; a < argc; a++) {
            if (xl_domain_arg(argv[a], &id))
                return 1;
            if (xc_domain_getinfo(id, &info) || info.domain != id) {
                os_printf("Error getting domain info\n");
                return 1;
            }
        }
        header();
        for (int a = 1; a < argc; a++)
            if (xl_domain_arg(argv[a], &id) == 0 && xc_domain_getinfo(id, &info) == 0)
                row(&info);
        return 0;
    }
    header();
    while (xc_domain_getinfo(id, &info) == 0) {
        row(&info);
        id = (uint32_t)info.domain + 1;
    }
    return 0;
}
