/*
 * vcpu-pin [-f] [-i] <dom> <vcpu|all> <hard> [soft]: xl 4.17's command to
 * set vCPUs' hard and soft affinity (XEN_DOMCTL_setvcpuaffinity), its
 * options read as xl reads them (getopt.h). A map is xl's CPU list
 * (cpumap.h) or "-" to leave that one as it is; no soft map leaves the soft
 * affinity alone. Maps are libxl's size: physinfo's max_cpu_id + 1 CPUs, in
 * bytes. -f (--force) adds XEN_VCPUAFFINITY_FORCE (undo a pin override; one
 * vCPU only). Without -i (--ignore-global-affinity-masks) a hard map is
 * first put through xl.conf's global masks as xl does: there is no xl.conf,
 * so they hold every CPU, but the domain must exist ("Could not get domain
 * info") and the map must not be empty. Nothing is printed on success; xl's
 * lines on failure.
 */
#include <xen/domctl.h>
#include <xl/string.h>
#include "cpumap.h"
#include "getopt.h"
#include "xl.h"

#define MAX_MAP_BYTES 32
#define OPT_FORCE  1u       /* bits of xl_getopt's `seen`, in the order of "fi" */
#define OPT_IGNORE 2u

static const struct xl_longopt pin_options[] = {
    { "force", 'f' }, { "ignore-global-affinity-masks", 'i' }, { NULL, 0 },
};

/* xl help vcpu-pin. */
static void help(void)
{
    os_printf("Usage: xl [-vtTfN] vcpu-pin [option] <Domain> <VCPU|all> <Hard affinity|-|all> "
              "<Soft affinity|-|all>\n\nSet which CPUs a VCPU can use.\n\nOptions:\n\n"
              "-f, --force        undo an override pinning done by the kernel\n"
              "--ignore-global-affinity-masks Ignore global masks in xl.conf\n");
}

/* One map argument into map: 0, or -1 with xl's message printed. "-": *use = 0. */
static int map_arg(const char *s, uint8_t *map, size_t bytes, int *use)
{
    const char *item;
    size_t len;
    int rc;

    *use = strcmp(s, "-") != 0;
    if (!*use)
        return 0;
    rc = xl_cpumap_parse(s, map, bytes, &item, &len);
    if (rc == XL_CPUMAP_NOT_ALL)
        os_printf("Can't combine \"^\" and \"all\".\n");
    else if (rc)
        os_printf("Invalid pcpu range: %.*s.\n", (int)len, item);
    return rc ? -1 : 0;
}

/* strtol(s, &end, 10) as xl calls it on the vCPU: -1 if no number starts s or it is negative. */
static long vcpu_number(const char *s)
{
    const long max = (long)(~0ul >> 1);
    long v = 0;
    int minus;

    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    minus = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v > (max - (*s - '0')) / 10 ? max : v * 10 + (*s - '0');     /* strtol stops at LONG_MAX */
    return minus && v ? -1 : v;
}

/*
 * libxl_set_vcpuaffinity(_force) of one vCPU (the maps are written back as
 * the effective ones); with no map and no flag libxl refuses before asking.
 */
static long pin(uint32_t domid, uint32_t vcpu, const uint8_t *hard, const uint8_t *soft, size_t bytes,
                uint32_t flags)
{
    uint8_t h[MAX_MAP_BYTES], s[MAX_MAP_BYTES];
    long rc;

    if (!hard && !soft && !flags)
        return -1;
    if (hard)
        memcpy(h, hard, bytes);
    if (soft)
        memcpy(s, soft, bytes);
    rc = xc_vcpu_setaffinity(domid, vcpu, hard ? h : NULL, soft ? s : NULL, (unsigned int)bytes * 8,
                             flags);
    if (rc)
        os_printf("libxl: error: Domain %u:Setting vcpu affinity (rc=%ld)\n", domid, rc);
    return rc;
}

/* xl's apply_global_affinity_masks with no xl.conf: the domain's info, a hard map not empty. */
static int global_masks(uint32_t domid, const uint8_t *hard, size_t bytes)
{
    struct xen_domctl_getdomaininfo info;
    uint8_t any = 0;

    if (xc_domain_getinfo(domid, &info) || info.domain != domid) {
        os_printf("Could not get domain info\n");
        return -1;
    }
    for (size_t i = 0; i < bytes; i++)
        any |= hard[i];
    if (!any) {
        os_printf("vcpu hard affinity map is empty\n");
        return -1;
    }
    return 0;
}

int xl_cmd_vcpu_pin(int argc, char **argv)
{
    uint8_t hard[MAX_MAP_BYTES], soft[MAX_MAP_BYTES];
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl s = { 0 };
    char *args[XL_MAX_ARGS];
    int use_hard, use_soft = 0, nargs;
    unsigned int opts;
    uint32_t domid;
    size_t bytes;
    long rc, vcpu;
    char bad;

    rc = xl_getopt(argc, argv, "fi", pin_options, &opts, args, &nargs, &bad);
    if (rc == XL_GETOPT_HELP) {
        help();
        return 0;
    }
    if (rc == XL_GETOPT_BAD) {
        os_printf("option `%.*s' not supported.\n", bad ? 1 : 0, &bad);
        return 2;
    }
    if (nargs < 3) {
        os_printf("'xl vcpu-pin' requires at least 3 arguments.\n\n");
        help();
        return 2;
    }
    if (xl_domain_arg(args[0], &domid))
        return 1;
    vcpu = vcpu_number(args[1]);
    if (vcpu < 0) {
        if (strcmp(args[1], "all")) {
            os_printf("Error: Invalid argument %s as VCPU.\n", args[1]);
            return 1;
        }
        if (opts & OPT_FORCE) {
            os_printf("Error: --force and 'all' as VCPU not allowed.\n");
            return 1;
        }
    }
    if ((rc = xc_sysctl(XEN_SYSCTL_physinfo, &s))) {
        os_printf("xl: vcpu-pin: XEN_SYSCTL_physinfo failed (%ld)\n", rc);
        return 1;
    }
    bytes = (s.u.physinfo.max_cpu_id + 1 + 7) / 8;
    if (bytes > MAX_MAP_BYTES)
        bytes = MAX_MAP_BYTES;
    if (map_arg(args[2], hard, bytes, &use_hard) ||
        (nargs > 3 && map_arg(args[3], soft, bytes, &use_soft)))
        return 1;
    if (!(opts & OPT_IGNORE) && use_hard && global_masks(domid, hard, bytes))
        return 1;
    if (vcpu >= 0) {
        if (pin(domid, (uint32_t)vcpu, use_hard ? hard : NULL, use_soft ? soft : NULL, bytes,
                (opts & OPT_FORCE) ? XEN_VCPUAFFINITY_FORCE : 0)) {
            os_printf("Could not set affinity for vcpu `%ld'.\n", vcpu);
            return 1;
        }
        return 0;
    }
    if (xc_domain_getinfo(domid, &info) || info.domain != domid) {
        os_printf("libxl_list_vcpu failed.\n");
        return 1;
    }
    rc = 0;
    for (unsigned int v = 0; v <= info.max_vcpu_id; v++)
        if (pin(domid, v, use_hard ? hard : NULL, use_soft ? soft : NULL, bytes, 0)) {
            os_printf("libxl: warning: Domain %u:Failed to set affinity for %u\n", domid, v);
            rc = 1;
        }
    if (rc)
        os_printf("Could not set affinity.\n");
    return 0;
}
