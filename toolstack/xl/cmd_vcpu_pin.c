/*
 * vcpu-pin <dom> <vcpu|all> <hard> [soft]: xl's command to set vCPUs' hard
 * and soft affinity (XEN_DOMCTL_setvcpuaffinity). A map is xl's CPU list
 * (cpumap.h) or "-" to leave that one as it is; no soft map leaves the soft
 * affinity alone. Maps are libxl's size: physinfo's max_cpu_id + 1 CPUs,
 * in bytes. Nothing is printed on success; xl's lines on failure.
 */
#include <xl/string.h>
#include "cpumap.h"
#include "xl.h"

#define MAX_MAP_BYTES 32

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

/* libxl_set_vcpuaffinity of one vCPU (the maps are written back as the effective ones). */
static long pin(uint32_t domid, unsigned int vcpu, const uint8_t *hard, const uint8_t *soft,
                size_t bytes)
{
    uint8_t h[MAX_MAP_BYTES], s[MAX_MAP_BYTES];
    long rc;

    if (hard)
        memcpy(h, hard, bytes);
    if (soft)
        memcpy(s, soft, bytes);
    rc = xc_vcpu_setaffinity(domid, vcpu, hard ? h : NULL, soft ? s : NULL,
                             (unsigned int)bytes * 8);
    if (rc)
        os_printf("libxl: error: Domain %u:Setting vcpu affinity (rc=%ld)\n", domid, rc);
    return rc;
}

int xl_cmd_vcpu_pin(int argc, char **argv)
{
    uint8_t hard[MAX_MAP_BYTES], soft[MAX_MAP_BYTES];
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl s = { 0 };
    int use_hard, use_soft = 0, all = 0;
    unsigned long vcpu = 0;
    uint32_t domid;
    size_t bytes;
    long rc;

    if (argc < 4 || argc > 5) {
        os_printf("Usage: vcpu-pin <dom> <vcpu|all> <hard cpus|-> [soft cpus|-]\n");
        return 1;
    }
    if (xl_domain_arg(argv[1], &domid))
        return 1;
    if (!strcmp(argv[2], "all")) {
        all = 1;
    } else {
        const char *p = argv[2];

        for (; *p >= '0' && *p <= '9' && vcpu <= 0xffffffffu; p++)
            vcpu = vcpu * 10 + (unsigned long)(*p - '0');
        if (p == argv[2] || *p || vcpu > 0xffffffffu) {
            os_printf("Error: Invalid argument %s as VCPU.\n", argv[2]);
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
    if (map_arg(argv[3], hard, bytes, &use_hard) ||
        (argc == 5 && map_arg(argv[4], soft, bytes, &use_soft)))
        return 1;
    if (!all) {
        if (pin(domid, (unsigned int)vcpu, use_hard ? hard : NULL, use_soft ? soft : NULL, bytes)) {
            os_printf("Could not set affinity for vcpu `%lu'.\n", vcpu);
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
        if (pin(domid, v, use_hard ? hard : NULL, use_soft ? soft : NULL, bytes)) {
            os_printf("libxl: warning: Domain %u:Failed to set affinity for %u\n", domid, v);
            rc = 1;
        }
    if (rc)
        os_printf("Could not set affinity.\n");
    return 0;
}
