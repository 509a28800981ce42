/*
 * info: facts about the host and the hypervisor, in xl info's shape
 * ("name<padding>: value", the field names and order of xl's): the machine
 * from XEN_SYSCTL_physinfo (memory in MiB), the hypervisor from
 * xen_version's sub-ops and XEN_SYSCTL_sched_id.
 * Dom0's own uname fields (host, release, version, machine) are ours: this
 * Dom0 is not Linux.
 */
#include <stdarg.h>
#include <os/hypercall.h>
#include <xen/version.h>
#include <xl/format.h>
#include <xl/string.h>
#include "xl.h"

static void field(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void field(const char *name, const char *fmt, ...)
{
    char value[256];
    va_list ap;

    va_start(ap, fmt);
    xl_vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    os_printf("%-23s: %s\n", name, value);
}

/* A xen_version string sub-op into buf ("" if refused). */
static const char *version_string(int cmd, char *buf, size_t size)
{
    memset(buf, 0, size);
    if (HYPERVISOR_xen_version(cmd, buf) < 0)
        buf[0] = 0;
    buf[size - 1] = 0;
    return buf;
}

static void physical(void)
{
    struct xen_sysctl s = { 0 };
    const struct xen_sysctl_physinfo *p = &s.u.physinfo;
    char caps[160];
    long rc = xc_sysctl(XEN_SYSCTL_physinfo, &s);

    if (rc) {
        os_printf("xl: info: XEN_SYSCTL_physinfo failed (%ld)\n", rc);
        return;
    }
    field("nr_cpus", "%u", p->nr_cpus);
    field("max_cpu_id", "%u", p->max_cpu_id);
    field("nr_nodes", "%u", p->nr_nodes);
    field("cores_per_socket", "%u", p->cores_per_socket);
    field("threads_per_core", "%u", p->threads_per_core);
    field("cpu_mhz", "%u.%03u", p->cpu_khz / 1000, p->cpu_khz % 1000);
    field("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", p->hw_cap[0], p->hw_cap[1],
          p->hw_cap[2], p->hw_cap[3], p->hw_cap[4], p->hw_cap[5], p->hw_cap[6], p->hw_cap[7]);
    xl_snprintf(caps, sizeof(caps), "%s%s%s%s%s%s%s%s%s%s",
                p->capabilities & XEN_SYSCTL_PHYSCAP_hvm ? " hvm" : "",
                (p->capabilities & XEN_SYSCTL_PHYSCAP_hvm) &&
                (p->capabilities & XEN_SYSCTL_PHYSCAP_directio) ? " hvm_directio" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_pv ? " pv" : "",
                (p->capabilities & XEN_SYSCTL_PHYSCAP_pv) &&
                (p->capabilities & XEN_SYSCTL_PHYSCAP_directio) ? " pv_directio" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_hap ? " hap" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_shadow ? " shadow" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_vmtrace ? " vmtrace" : "",
                p->capabilities & XEN_SYSCTL_PHYSCAP_vpmu ? " vpmu" : "",
                "");
    os_printf("%-23s:%s%s%s\n", "virt_caps", caps,
              p->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1 ? " gnttab-v1" : "",
              p->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? " gnttab-v2" : "");
    field("total_memory", "%lu", (unsigned long)(p->total_pages / 256));
    field("free_memory", "%lu", (unsigned long)(p->free_pages / 256));
    field("sharing_freed_memory", "0");
    field("sharing_used_memory", "0");
    field("outstanding_claims", "%lu", (unsigned long)(p->outstanding_pages / 256));
    field("free_cpus", "0");
}

/* The scheduler's name as xl prints it, from XEN_SYSCTL_sched_id ("unknown" if not served). */
static const char *scheduler(void)
{
    struct xen_sysctl s = { 0 };

    if (xc_sysctl(XEN_SYSCTL_sched_id, &s))
        return "unknown";
    switch (s.u.sched_id.sched_id) {
    case XEN_SCHEDULER_CREDIT: return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case XEN_SCHEDULER_ARINC653: return "arinc653";
    case XEN_SCHEDULER_RTDS: return "rtds";
    case XEN_SCHEDULER_NULL: return "null";
    default: return "unknown";
    }
}

static void hypervisor(void)
{
    static char buf[1024];
    struct xen_platform_parameters pp = { 0 };
    struct xen_compile_info ci;
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    field("xen_major", "%ld", ver >> 16);
    field("xen_minor", "%ld", ver & 0xffff);
    field("xen_extra", "%s", version_string(XENVER_extraversion, buf, 16));
    field("xen_version", "%ld.%ld%s", ver >> 16, ver & 0xffff, buf);
    field("xen_caps", "%s", version_string(XENVER_capabilities, buf, sizeof(buf)));
    field("xen_scheduler", "%s", scheduler());
    field("xen_pagesize", "%ld", HYPERVISOR_xen_version(XENVER_pagesize, NULL));
    HYPERVISOR_xen_version(XENVER_platform_parameters, &pp);
    field("platform_params", "virt_start=%#lx", (unsigned long)pp.virt_start);
    field("xen_changeset", "%s", version_string(XENVER_changeset, buf, 64));
    field("xen_commandline", "%s", version_string(XENVER_commandline, buf, sizeof(buf)));
    memset(&ci, 0, sizeof(ci));
    HYPERVISOR_xen_version(XENVER_compile_info, &ci);
    ci.compiler[sizeof(ci.compiler) - 1] = ci.compile_by[sizeof(ci.compile_by) - 1] = 0;
    ci.compile_domain[sizeof(ci.compile_domain) - 1] = ci.compile_date[sizeof(ci.compile_date) - 1] = 0;
    field("cc_compiler", "%s", ci.compiler);
    field("cc_compile_by", "%s", ci.compile_by);
    field("cc_compile_domain", "%s", ci.compile_domain);
    field("cc_compile_date", "%s", ci.compile_date);
}

int xl_cmd_info(int argc, char **argv)
{
    field("host", "dom0");
    field("release", "xenolith-os");
    field("version", "toolstack");
    field("machine", "x86_64");
    physical();
    hypervisor();
    field("xend_config_format", "4");
    return 0;
}
