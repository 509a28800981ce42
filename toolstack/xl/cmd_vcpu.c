/*
 * vcpu-list [dom]: xl's table of the vCPUs of every domain (or the one named):
 *   Name  ID  VCPU  CPU  State  Time(s)  Affinity (Hard / Soft)
 * from XEN_DOMCTL_getvcpuinfo of each vCPU up to the domain's max_vcpu_id
 * and its hard and soft affinity (getvcpuaffinity) over physinfo's nr_cpus.
 * State as xl: r running, b blocked, a vCPU that is not online "--p" with
 * CPU "-"; affinity "all", "none" or a CPU list.
 */
#include <xl/string.h>
#include "cpumap.h"
#include "xl.h"

#define MAX_CPUS 256

static void header(void)
{
    os_printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
              "Time(s)", "Affinity (Hard / Soft)");
}

static void vcpu_row(uint32_t domid, unsigned int vcpu, unsigned int nr_cpus)
{
    static uint8_t hard[MAX_CPUS / 8], soft[MAX_CPUS / 8];
    char hard_s[128], soft_s[128];
    struct xen_domctl_getvcpuinfo v;
    uint64_t tenths;
    long rc;

    if ((rc = xc_vcpu_getinfo(domid, vcpu, &v))) {
        /* A vCPU never brought up (-ESRCH) is not listed, as libxl skips it. */
        if (rc != -XEN_ESRCH)
            os_printf("xl: vcpu-list: domain %u vCPU %u: getvcpuinfo failed (%ld)\n", domid,
                      vcpu, rc);
        return;
    }
    memset(hard, 0, sizeof(hard));
    memset(soft, 0, sizeof(soft));
    if ((rc = xc_vcpu_getaffinity(domid, vcpu, hard, soft, nr_cpus))) {
        os_printf("xl: vcpu-list: domain %u vCPU %u: getvcpuaffinity failed (%ld)\n", domid,
                  vcpu, rc);
        return;
    }
    xl_cpumap_format(hard_s, sizeof(hard_s), hard, nr_cpus);
    xl_cpumap_format(soft_s, sizeof(soft_s), soft, nr_cpus);
    os_printf("%-32s %5u %5u", xl_domain_name(domid), domid, vcpu);
    if (v.online)
        os_printf(" %5u   %c%c- ", v.cpu, v.running ? 'r' : '-', v.blocked ? 'b' : '-');
    else
        os_printf("     -   --p ");
    /* xl's %9.1f of seconds, in integers: tenths, rounded. */
    tenths = (v.cpu_time + 50000000ull) / 100000000ull;
    os_printf("%7lu.%lu  %s / %s\n", (unsigned long)(tenths / 10), (unsigned long)(tenths % 10),
              hard_s, soft_s);
}

static void domain_rows(const struct xen_domctl_getdomaininfo *info, unsigned int nr_cpus)
{
    for (unsigned int vcpu = 0; vcpu <= info->max_vcpu_id; vcpu++)
        vcpu_row(info->domain, vcpu, nr_cpus);
}

int xl_cmd_vcpu_list(int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl s = { 0 };
    unsigned int nr_cpus;
    uint32_t id = 0;
    long rc;

    if (argc > 2) {
        os_printf("'xl vcpu-list' takes at most 1 argument: a domain name or id.\n");
        return 1;
    }
    if ((rc = xc_sysctl(XEN_SYSCTL_physinfo, &s))) {
        os_printf("xl: vcpu-list: XEN_SYSCTL_physinfo failed (%ld)\n", rc);
        return 1;
    }
    nr_cpus = s.u.physinfo.nr_cpus < MAX_CPUS ? s.u.physinfo.nr_cpus : MAX_CPUS;
    if (argc == 2) {
        if (xl_domain_arg(argv[1], &id))
            return 1;
        if (xc_domain_getinfo(id, &info) || info.domain != id) {
            os_printf("Error: Domain '%s' does not exist.\n", argv[1]);
            return 1;
        }
        header();
        domain_rows(&info, nr_cpus);
        return 0;
    }
    header();
    while (xc_domain_getinfo(id, &info) == 0) {
        domain_rows(&info, nr_cpus);
        id = (uint32_t)info.domain + 1;
    }
    return 0;
}
