/*
 * list [dom]: xl's table of domains. Columns and state letters are xl's:
 *   Name  ID  Mem (MiB)  VCPUs (online)  State  Time(s)
 * State: r running (on a CPU), b blocked, p paused, s shut down, then the
 * shutdown reason (r reboot, s suspend, c crash, w watchdog, S soft reset;
 * '-' for poweroff or none), d dying; '-' where not.
 */
#include <xen/sched.h>
#include "xl.h"

static void header(void)
{
    os_printf("%-40s %5s %5s %5s\tState\tTime(s)\n", "Name", "ID", "Mem", "VCPUs");
}

/* xl's letter for a shutdown reason (SHUTDOWN_*: poweroff 0 ... soft_reset 5). */
static char reason_letter(unsigned int reason)
{
    static const char letters[] = "-rscwS";

    return reason < sizeof(letters) - 1 ? letters[reason] : '?';
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
              reason_letter(shut ? reason : 0), f & XEN_DOMINF_dying ? 'd' : '-',
              (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

int xl_cmd_list(int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t id = 0;

    if (argc > 2) {
        os_printf("'xl list' takes at most 1 argument: a domain name or id.\n");
        return 1;
    }
    if (argc == 2) {
        if (xl_domain_arg(argv[1], &id))
            return 1;
        if (xc_domain_getinfo(id, &info) || info.domain != id) {
            os_printf("Error: Domain '%s' does not exist.\n", argv[1]);
            return 1;
        }
        header();
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
