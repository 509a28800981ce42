/*
 * SYSCTL: Xen 4.17's host-wide control interface from Dom0, what a
 * toolstack's `xl info` and `xl list` read: physinfo (values that differ
 * by nature, memory and the TSC frequency, are checked for plausibility and
 * against other views of the same fact, never printed) and
 * getdomaininfolist over the domains the DOMCTL suite left (0, 1, 9, 10),
 * with refused buffers. Runs after suite_domctl.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>
#include <xl/string.h>
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

#define NR_RECORDS 16

static struct xen_sysctl sc;
static struct xen_domctl dc;
static struct xen_domctl_getdomaininfo records[NR_RECORDS];

static long sysctl(uint32_t cmd)
{
    sc.cmd = cmd;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return os_hypercall1(__HYPERVISOR_sysctl, &sc);
}

static long domctl_info(domid_t dom)
{
    dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_getdomaininfo,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = dom };
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

/* Xen's hypervisor leaf 0x40000003 subleaf 2: the host's TSC in kHz (enlightened CPUID). */
static uint32_t cpuid_host_khz(void)
{
    uint64_t ex = 0x40000003;
    uint32_t b, c = 2, d;

    asm volatile ("1: ud2; .ascii \"xen\"; cpuid\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), "=b" (b), "+c" (c), "=d" (d) :: "memory");
    return ex >> 63 ? 0 : (uint32_t)ex;
}

/* A page of ours mapped read-only at its address (writable again by page_rw). */
static void page_ro(void *page, int rw)
{
    uint64_t pte = *os_l1e_of((uint64_t)page);

    HYPERVISOR_update_va_mapping((unsigned long)page, rw ? pte | 2 : pte & ~2ull, UVMF_INVLPG);
}

static void physinfo(void *ro_page)
{
    const struct xen_sysctl_physinfo *pi = &sc.u.physinfo;
    domid_t self = DOMID_SELF;
    long ours = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    uint32_t known = XEN_SYSCTL_PHYSCAP_MAX * 2 - 1;
    uint32_t khz = cpuid_host_khz();
    long rc;

    memset(&sc, 0xa5, sizeof(sc));
    rc = sysctl(XEN_SYSCTL_physinfo);
    t_check("SYSCTL0001", "physinfo gives 0 and writes the whole structure (pad, arch caps 0)",
            rc == 0 && pi->pad == 0 && pi->arch_capabilities == 0 && pi->scrub_pages == 0 &&
            pi->outstanding_pages == 0, "(rc=%ld pad=%#x arch=%#x)", rc, pi->pad,
            pi->arch_capabilities);
    t_check("SYSCTL0002", "one NUMA node, max_node_id 63 (Xen's MAX_NUMNODES - 1)",
            pi->nr_nodes == 1 && pi->max_node_id == 63, "(nodes=%u max=%u)", pi->nr_nodes,
            pi->max_node_id);
    t_check("SYSCTL0003", "CPUs: at least one online, max_cpu_id covers them, CPU 0's package within",
            pi->nr_cpus >= 1 && pi->max_cpu_id + 1 >= pi->nr_cpus && pi->threads_per_core >= 1 &&
            pi->cores_per_socket >= 1 &&
            pi->threads_per_core * pi->cores_per_socket <= pi->nr_cpus,
            "(cpus=%u max=%u threads=%u cores=%u)", pi->nr_cpus, pi->max_cpu_id,
            pi->threads_per_core, pi->cores_per_socket);
    t_check("SYSCTL0004", "capabilities: PV, grant tables v1 and v2, no IOMMU, nothing unknown",
            (pi->capabilities & XEN_SYSCTL_PHYSCAP_pv) &&
            (pi->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1) &&
            (pi->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2) &&
            !(pi->capabilities & (XEN_SYSCTL_PHYSCAP_directio |
                                  XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)) &&
            !(pi->capabilities & ~known), "(caps=%#x)", pi->capabilities);
    t_check("SYSCTL0005", "cpu_khz is CPUID 0x40000003:2's host TSC kHz, 100 MHz to 20 GHz",
            pi->cpu_khz == khz && khz >= 100000 && khz <= 20000000, "(khz=%u cpuid=%u)",
            pi->cpu_khz, khz);
    t_check("SYSCTL0006", "memory: free below total, total above our pages, max_mfn past total",
            pi->free_pages > 0 && pi->free_pages < pi->total_pages && ours > 0 &&
            pi->total_pages > (uint64_t)ours + pi->free_pages && pi->max_mfn + 1 >= pi->total_pages,
            "(total=%lu free=%lu max_mfn=%#lx ours=%ld)", (unsigned long)pi->total_pages,
            (unsigned long)pi->free_pages, (unsigned long)pi->max_mfn, ours);
    t_check("SYSCTL0007", "hw_cap: the host has FPU and long mode; OSXSAVE reads 0 (set after detection)",
            (pi->hw_cap[0] & 1) && (pi->hw_cap[2] >> 29 & 1) && !(pi->hw_cap[1] >> 27 & 1),
            "(w0=%#x w1=%#x w2=%#x)", pi->hw_cap[0], pi->hw_cap[1], pi->hw_cap[2]);

    /* The envelope read from a read-only page: the write-back fails. */
    memcpy(ro_page, &sc, sizeof(sc));
    ((struct xen_sysctl *)ro_page)->cmd = XEN_SYSCTL_physinfo;
    ((struct xen_sysctl *)ro_page)->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    page_ro(ro_page, 0);
    t_rc("SYSCTL0008", "physinfo from a read-only structure gives -EFAULT",
         os_hypercall1(__HYPERVISOR_sysctl, ro_page), -XEN_EFAULT);
    page_ro(ro_page, 1);
    sc = (struct xen_sysctl){ 0 };
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    sc.cmd = XEN_SYSCTL_physinfo;
    t_rc("SYSCTL0009", "physinfo with an older interface version gives -EACCES",
         os_hypercall1(__HYPERVISOR_sysctl, &sc), -XEN_EACCES);
}

/* getdomaininfolist from `first`, at most `max`, into buf; its num_domains, or the error. */
static long list(domid_t first, uint32_t max, uint64_t buf)
{
    long rc;

    sc = (struct xen_sysctl){ 0 };
    sc.u.getdomaininfolist.first_domain = first;
    sc.u.getdomaininfolist.max_domains = max;
    sc.u.getdomaininfolist.buffer.addr = buf;
    sc.u.getdomaininfolist.num_domains = 0xdead;
    rc = sysctl(XEN_SYSCTL_getdomaininfolist);
    return rc ? rc : (long)sc.u.getdomaininfolist.num_domains;
}

/* Is records[k] what getdomaininfo says of that domain (all but the CPU time, which moves)? */
static int same_as_domctl(unsigned int k)
{
    struct xen_domctl_getdomaininfo a = records[k];

    if (domctl_info(a.domain) != 0)
        return 0;
    a.cpu_time = dc.u.getdomaininfo.cpu_time = 0;
    return memcmp(&a, &dc.u.getdomaininfo, sizeof(a)) == 0;
}

static void domaininfolist(void *ro_page)
{
    long n;

    memset(records, 0xa5, sizeof(records));
    n = list(0, NR_RECORDS, (uint64_t)records);
    t_check("SYSCTL0020", "getdomaininfolist from 0 lists domains 0, 1, 9 and 10 in order",
            n == 4 && records[0].domain == 0 && records[1].domain == 1 &&
            records[2].domain == 9 && records[3].domain == 10,
            "(n=%ld ids=%u,%u,%u,%u)", n, records[0].domain, records[1].domain, records[2].domain,
            records[3].domain);
    t_check("SYSCTL0021", "each record is getdomaininfo's of that domain (but the CPU time)",
            n == 4 && same_as_domctl(0) && same_as_domctl(1) && same_as_domctl(2) &&
            same_as_domctl(3), NULL);
    t_check("SYSCTL0022", "the slot after the last record is not written",
            records[4].domain == 0xa5a5 && records[4].flags == 0xa5a5a5a5u, NULL);
    n = list(2, NR_RECORDS, (uint64_t)records);
    t_check("SYSCTL0023", "from 2: domains 9 and 10", n == 2 && records[0].domain == 9 &&
            records[1].domain == 10, "(n=%ld)", n);
    n = list(0, 2, (uint64_t)records);
    t_check("SYSCTL0024", "from 0 at most 2: domains 0 and 1", n == 2 && records[0].domain == 0 &&
            records[1].domain == 1, "(n=%ld)", n);
    t_rc("SYSCTL0025", "from 11: none", list(11, NR_RECORDS, (uint64_t)records), 0);
    t_rc("SYSCTL0026", "from DOMID_SELF: none", list(DOMID_SELF, NR_RECORDS, (uint64_t)records), 0);
    t_rc("SYSCTL0027", "at most 0 records with an unmapped buffer: none, no fault",
         list(0, 0, T_UNMAPPED_VA), 0);
    n = list(10, 0xffffffffu, (uint64_t)records);
    t_check("SYSCTL0028", "at most 2^32-1 records from 10: domain 10 alone",
            n == 1 && records[0].domain == 10, "(n=%ld)", n);
    n = list(0, NR_RECORDS, T_UNMAPPED_VA);
    t_check("SYSCTL0029", "an unmapped buffer gives -EFAULT and num_domains is not written",
            n == -XEN_EFAULT && sc.u.getdomaininfolist.num_domains == 0xdead, "(rc=%ld)", n);
    t_rc("SYSCTL0030", "a non-canonical buffer gives -EFAULT",
         list(0, NR_RECORDS, T_NONCANON_VA), -XEN_EFAULT);
    page_ro(ro_page, 0);
    t_rc("SYSCTL0031", "a read-only buffer gives -EFAULT", list(0, 1, (uint64_t)ro_page),
         -XEN_EFAULT);
    page_ro(ro_page, 1);
    /* The first record fits at the end of the page, the second runs into a read-only page. */
    n = list(0, 2, (uint64_t)ro_page + 4096 - sizeof(records[0]));
    t_check("SYSCTL0032", "a buffer whose second record is unwritable: -EFAULT after the first",
            n == -XEN_EFAULT && ((struct xen_domctl_getdomaininfo *)((char *)ro_page + 4096 -
                                  sizeof(records[0])))->domain == 0, "(rc=%ld)", n);
}

/* Two pages: the first made read-only in turn, the second read-only across SYSCTL0032. */
static uint8_t pages[2 * 4096] __attribute__((aligned(4096)));

void suite_sysctl(void)
{
    physinfo(pages);
    page_ro(pages + 4096, 0);
    domaininfolist(pages);
    page_ro(pages + 4096, 1);
}
