/*
 * SYSCTL: Xen 4.17's host-wide control interface from Dom0, what a
 * toolstack's `xl info` and `xl list` read: physinfo (values that differ
 * by nature, memory and the TSC frequency, are checked for plausibility and
 * against other views of the same fact, never printed) and
 * getdomaininfolist over the domains the DOMCTL suite left (0, 1, 9, 10),
 * with refused buffers; the console ring (readconsole: partial, incremental
 * and clearing reads), sched_id and each CPU's idle time. Runs after
 * suite_domctl.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xl/string.h>
#include <os/events.h>
#include <os/mm.h>
#include <os/time.h>
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
    /* A loose upper bound: under TCG a host stall during the 10 ms PIT calibration inflates it. */
    t_check("SYSCTL0005", "cpu_khz is CPUID 0x40000003:2's host TSC kHz, 100 MHz to 200 GHz",
            pi->cpu_khz == khz && khz >= 100000 && khz <= 200000000, "(khz=%u cpuid=%u)",
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

/* readconsole into buf (count bytes; incremental from index); its count, or the error. */
static long readcon(char *buf, uint32_t count, int incremental, uint32_t index, int clear)
{
    long rc;

    sc = (struct xen_sysctl){ 0 };
    sc.u.readconsole.buffer.p = buf;
    sc.u.readconsole.count = count;
    sc.u.readconsole.incremental = (uint8_t)incremental;
    sc.u.readconsole.index = index;
    sc.u.readconsole.clear = (uint8_t)clear;
    rc = sysctl(XEN_SYSCTL_readconsole);
    return rc ? rc : (long)sc.u.readconsole.count;
}

static char con_all[16384 + 64], con_part[16384 + 64];

/*
 * The console ring: what it holds differs (each hypervisor's own log), so
 * the cases compare reads with each other. Nothing logs between them (the
 * DOMCTL suite's domains never ran).
 */
static void readconsole(void *ro_page)
{
    uint32_t start, end;
    long n, m, k;
    int has_newline = 0;

    n = readcon(con_all, sizeof(con_all), 0, 0, 0);
    end = sc.u.readconsole.index;
    start = end - (uint32_t)n;
    for (long i = 0; i < n; i++)
        has_newline |= con_all[i] == '\n';
    t_check("SYSCTL0040", "readconsole gives the log: 1 to 16384 bytes of lines, index after them",
            n > 0 && n <= 16384 && has_newline, "(n=%ld)", n);
    m = readcon(con_part, 10, 0, 0, 0);
    t_check("SYSCTL0041", "a read of 10 bytes gives the oldest 10, index 10 further",
            m == 10 && n > 10 && sc.u.readconsole.index == start + 10 &&
            memcmp(con_part, con_all, 10) == 0, "(m=%ld)", m);
    k = readcon(con_part + 10, sizeof(con_part) - 10, 1, start + 10, 0);
    t_check("SYSCTL0042", "an incremental read from there gives the rest, up to the same index",
            k == n - 10 && sc.u.readconsole.index == end && memcmp(con_part, con_all, n) == 0,
            "(k=%ld n=%ld)", k, n);
    k = readcon(con_part, sizeof(con_part), 1, end, 0);
    t_check("SYSCTL0043", "an incremental read from the end gives nothing, index the end",
            k == 0 && sc.u.readconsole.index == end, "(k=%ld)", k);
    k = readcon(con_part, sizeof(con_part), 1, end + 100, 0);
    t_check("SYSCTL0044", "an index past the end is ignored: the whole ring",
            k == n && sc.u.readconsole.index == end, "(k=%ld)", k);
    k = readcon(con_part, sizeof(con_part), 1, start, 0);
    t_check("SYSCTL0045", "an index at the oldest byte is ignored too: the whole ring",
            k == n && memcmp(con_part, con_all, n) == 0, "(k=%ld)", k);
    k = readcon(con_part, 0, 0, 0, 0);
    t_check("SYSCTL0046", "a count of 0 reads nothing, index the oldest byte",
            k == 0 && sc.u.readconsole.index == start, "(k=%ld)", k);
    k = readcon((char *)T_UNMAPPED_VA, 100, 0, 0, 0);
    t_check("SYSCTL0047", "an unmapped buffer gives -EFAULT and count is not written back",
            k == -XEN_EFAULT && sc.u.readconsole.count == 100, "(rc=%ld)", k);
    page_ro(ro_page, 0);
    t_rc("SYSCTL0048", "a read-only buffer gives -EFAULT", readcon(ro_page, 100, 0, 0, 1),
         -XEN_EFAULT);
    page_ro(ro_page, 1);
    t_rc("SYSCTL0049", "a clearing read that faulted cleared nothing",
         readcon(con_part, sizeof(con_part), 0, 0, 0), n);
    k = readcon(con_part, 10, 0, 0, 1);
    m = readcon(con_part, sizeof(con_part), 0, 0, 0);
    t_check("SYSCTL0050", "a clearing read of 10 bytes: the next read starts after them",
            k == 10 && m == n - 10 && sc.u.readconsole.index == end &&
            memcmp(con_part, con_all + 10, n - 10) == 0, "(k=%ld m=%ld)", k, m);
    k = readcon(con_part, sizeof(con_part), 0, 0, 1);
    m = readcon(con_part, sizeof(con_part), 0, 0, 0);
    t_check("SYSCTL0051", "after a clearing read of all, a read gives nothing, index the end",
            k == n - 10 && m == 0 && sc.u.readconsole.index == end, "(k=%ld m=%ld)", k, m);
    k = readcon(con_part, sizeof(con_part), 1, start + 20, 0);
    t_check("SYSCTL0052", "an incremental read from before the clear is ignored: nothing",
            k == 0 && sc.u.readconsole.index == end, "(k=%ld)", k);
}

static void sched_id_cpuinfo(void)
{
    static struct xen_sysctl_cpuinfo info[4];
    uint64_t idle;
    long rc;

    sc = (struct xen_sysctl){ 0 };
    rc = sysctl(XEN_SYSCTL_sched_id);
    t_check("SYSCTL0060", "sched_id is credit's (5; Xen 4.17 runs with sched=credit here)",
            rc == 0 && sc.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT,
            "(rc=%ld id=%u)", rc, sc.u.sched_id.sched_id);

    memset(info, 0xa5, sizeof(info));
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 4, .info.p = info } };
    rc = sysctl(XEN_SYSCTL_getcpuinfo);
    t_check("SYSCTL0061", "getcpuinfo for 4 CPUs gives one record per CPU there is (1 to 4)",
            rc == 0 && sc.u.getcpuinfo.nr_cpus >= 1 && sc.u.getcpuinfo.nr_cpus <= 4 &&
            (sc.u.getcpuinfo.nr_cpus == 4 || info[sc.u.getcpuinfo.nr_cpus].idletime ==
                                             0xa5a5a5a5a5a5a5a5ull),
            "(rc=%ld nr=%u)", rc, sc.u.getcpuinfo.nr_cpus);
    idle = info[0].idletime;
    /* Wait 20 ms in SCHEDOP_poll on the quiet timer port, events masked (as SCHED0002). */
    {
        evtchn_port_t port = os_timer_port;
        struct sched_poll p = { .nr_ports = 1 };
        uint64_t until = os_now_ns() + 20000000ull;

        xen_set_guest_handle(p.ports, &port);
        os_irq_disable();
        while (os_now_ns() < until) {
            p.timeout = until;
            HYPERVISOR_sched_op(SCHEDOP_poll, &p);
        }
        os_irq_enable();
    }
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 1, .info.p = info } };
    rc = sysctl(XEN_SYSCTL_getcpuinfo);
    t_check("SYSCTL0062", "CPU 0's idle time grew while we waited 20 ms in SCHEDOP_poll",
            rc == 0 && sc.u.getcpuinfo.nr_cpus == 1 && info[0].idletime > idle,
            "(rc=%ld before=%lu after=%lu)", rc, (unsigned long)idle,
            (unsigned long)info[0].idletime);
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 0, .info.addr = T_UNMAPPED_VA } };
    rc = sysctl(XEN_SYSCTL_getcpuinfo);
    t_check("SYSCTL0063", "getcpuinfo for 0 CPUs with an unmapped buffer: none, no fault",
            rc == 0 && sc.u.getcpuinfo.nr_cpus == 0, "(rc=%ld nr=%u)", rc,
            sc.u.getcpuinfo.nr_cpus);
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 0xffffffffu, .info.p = info } };
    rc = sysctl(XEN_SYSCTL_getcpuinfo);
    t_check("SYSCTL0064", "getcpuinfo for 2^32-1 CPUs gives the CPUs there are",
            rc == 0 && sc.u.getcpuinfo.nr_cpus >= 1 && sc.u.getcpuinfo.nr_cpus <= 4,
            "(rc=%ld nr=%u)", rc, sc.u.getcpuinfo.nr_cpus);
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 1, .info.addr = T_UNMAPPED_VA,
                                                .nr_cpus = 77 } };
    rc = sysctl(XEN_SYSCTL_getcpuinfo);
    t_check("SYSCTL0065", "an unmapped buffer gives -EFAULT and nr_cpus is not written back",
            rc == -XEN_EFAULT && sc.u.getcpuinfo.nr_cpus == 77, "(rc=%ld nr=%u)", rc,
            sc.u.getcpuinfo.nr_cpus);
}

/* Two pages: the first made read-only in turn, the second read-only across SYSCTL0032. */
static uint8_t pages[2 * 4096] __attribute__((aligned(4096)));

void suite_sysctl(void)
{
    physinfo(pages);
    page_ro(pages + 4096, 0);
    domaininfolist(pages);
    page_ro(pages + 4096, 1);
    readconsole(pages);
    sched_id_cpuinfo();
}
