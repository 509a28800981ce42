/*
 * xdom's affinity run (Dom0's command line "affinity=N", after the cases, on
 * a machine of two CPUs): Dom0 pins vCPUs by their hard affinity
 * (XEN_DOMCTL_setvcpuaffinity) while the DomU runs, yielding in its wait for
 * the next step, and reads where the DomU's vCPU is (XEN_DOMCTL_getvcpuinfo's
 * `cpu`) N times per phase. Phases: the DomU on CPU 0 with Dom0 there too
 * (CPU 1 idles and must not take it), the DomU moved to CPU 1 while it runs,
 * then Dom0 there too (CPU 0 idles). A vCPU moves at its next scheduling
 * point, so each phase first waits (yielding, a bounded number of times)
 * until it is there. One line per phase; no CASE lines, as stress.c.
 */
#include <xen/domctl.h>
#include <xl/string.h>
#include "xdom.h"

static struct xen_domctl dc;

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

/* See xdom.h. */
long xdom_pin(domid_t dom, uint8_t map)
{
    static uint8_t bits;

    bits = map;
    memset(&dc.u, 0, sizeof(dc.u));
    dc.u.vcpuaffinity.vcpu = 0;
    dc.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    dc.u.vcpuaffinity.cpumap_hard.bitmap.addr = (uint64_t)&bits;
    dc.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    return domctl(XEN_DOMCTL_setvcpuaffinity, dom);
}

/* See xdom.h. */
long xdom_where(domid_t dom)
{
    memset(&dc.u, 0, sizeof(dc.u));
    dc.u.getvcpuinfo.vcpu = 0;
    if (domctl(XEN_DOMCTL_getvcpuinfo, dom))
        return -1;
    return dc.u.getvcpuinfo.cpu;
}

/* See xdom.h. */
unsigned long xdom_wait_on(domid_t dom, long cpu)
{
    unsigned long i;

    for (i = 0; i < XDOM_MOVE_TRIES && xdom_where(dom) != cpu; i++)
        xdom_yield();
    return i;
}

/* One phase: both vCPUs where asked, then n samples of the DomU's CPU. */
static void phase(const char *name, uint8_t dom0_map, long dom0_cpu, long domu_cpu, unsigned long n)
{
    unsigned long off = 0;
    long rc0 = xdom_pin(XDOM_DOMU, (uint8_t)(1u << domu_cpu)), rc1 = xdom_pin(0, dom0_map);
    bool moved = xdom_wait_on(XDOM_DOMU, domu_cpu) < XDOM_MOVE_TRIES &&
                 (dom0_cpu < 0 || xdom_wait_on(0, dom0_cpu) < XDOM_MOVE_TRIES);

    for (unsigned long i = 0; i < n; i++) {
        off += xdom_where(XDOM_DOMU) != domu_cpu;
        xdom_yield();
    }
    os_printf("xdom affinity: %s: pins %ld %ld, %s, %lu of %lu samples off CPU%ld\n", name, rc0, rc1,
              moved ? "moved" : "never moved", off, n, domu_cpu);
}

void xdom_affinity_dom0(void)
{
    unsigned long n = xdom_option("affinity");

    if (!n)
        return;
    phase("DomU and Dom0 on CPU0", 1, 0, 0, n);
    phase("DomU to CPU1 while it runs", 1, 0, 1, n);
    phase("DomU and Dom0 on CPU1", 2, 1, 1, n);
    phase("back to every CPU for Dom0", 3, -1, 1, n);
}
