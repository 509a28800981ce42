/*
 * XDCTL: the control interface across domains. The DomU, unprivileged,
 * tries Xen's domctls and memory_op on behalf of others and gets Xen 4.17's
 * answers (the version, target and reserved-id checks come before the
 * privilege check; reservation changes for another domain do nothing);
 * Dom0 watches the DomU through getdomaininfo while it runs, pauses and
 * unpauses it, and sees its shutdown and code afterwards.
 */
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>
#include <xen/physdev.h>
#include <os/traps.h>
#include <xen/sched.h>
#include "xdom.h"

static struct xen_domctl dc;

static long domctl_v(uint32_t cmd, domid_t dom, uint32_t version)
{
    dc.cmd = cmd;
    dc.interface_version = version;
    dc.domain = dom;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

static long domctl(uint32_t cmd, domid_t dom)
{
    return domctl_v(cmd, dom, XEN_DOMCTL_INTERFACE_VERSION);
}

/* ---- DomU ---- */

enum {                      /* the DomU's results in xdom_ctrl->res */
    R_INFO0, R_INFO_SELF, R_INFO_ABSENT, R_CREATE, R_PAUSE0, R_UNPAUSE0, R_MAXMEM_SELF,
    R_SETCTX0, R_OLD_VERSION, R_ABSENT, R_POPULATE0, R_CURRENT0, R_CURRENT_SELF, R_INCREASE0,
    R_PHYSINFO, R_DOMAINLIST, R_SYSCTL_OLD, R_SCHED_SELF, R_SCHED0, R_SCHED_ABSENT,
    R_READCONSOLE, R_SCHED_ID, R_GETCPUINFO,
    R_VCPUINFO0, R_AFFINITY_SELF, R_IOPORT_EMPTY, R_IOPORT, R_IOMEM_WRAP, R_IOMEM, R_IRQ_RANGE,
    R_IRQ, R_PORT_NONE, R_PORT_GRANTED, R_PORT_GONE, R_SCHED_POOL, R_COUNT
};
_Static_assert(R_COUNT <= XDOM_RES, "the DomU's results fit the control page's res[]");

#define PORT 0x92           /* system control port A: reads the A20 state (not all ones) */

/* inb with the virtual IOPL raised (any PV domain may raise it); all ones without the port. */
static long read_port(uint16_t port)
{
    struct physdev_set_iopl s = { .iopl = 1 };
    uint64_t v = 0;

    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
    asm volatile ("1: inb %w1, %%al\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (v) : "Nd" (port) : "memory");
    s.iopl = 0;
    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
    return (long)v;
}

static struct xen_sysctl sc;

static long sysctl_v(uint32_t cmd, uint32_t version)
{
    sc.cmd = cmd;
    sc.interface_version = version;
    return os_hypercall1(__HYPERVISOR_sysctl, &sc);
}

/* XEN_DOMCTL_scheduler_op (credit) on dom: cmd with weight and cap; they come back in dc. */
static long sched_op(domid_t dom, uint32_t cmd, uint16_t weight, uint16_t cap)
{
    dc = (struct xen_domctl){ .u.scheduler_op = { .sched_id = XEN_SCHEDULER_CREDIT, .cmd = cmd,
                                                   .u.credit = { weight, cap } } };
    return domctl(XEN_DOMCTL_scheduler_op, dom);
}

void xdom_domctl_domu(void)
{
    volatile int64_t *res = xdom_ctrl->res;
    xen_pfn_t pfn = 0;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = 0 };
    domid_t dom0 = 0, self = DOMID_SELF;

    r.extent_start.p = &pfn;
    dc = (struct xen_domctl){ 0 };
    res[R_INFO0] = domctl(XEN_DOMCTL_getdomaininfo, 0);
    res[R_INFO_SELF] = domctl(XEN_DOMCTL_getdomaininfo, DOMID_SELF);
    res[R_INFO_ABSENT] = domctl(XEN_DOMCTL_getdomaininfo, XDOM_ABSENT);
    dc = (struct xen_domctl){ .u.createdomain.max_vcpus = 1, .u.createdomain.grant_opts = 1 };
    res[R_CREATE] = domctl(XEN_DOMCTL_createdomain, 0);
    dc = (struct xen_domctl){ 0 };
    res[R_PAUSE0] = domctl(XEN_DOMCTL_pausedomain, 0);
    res[R_UNPAUSE0] = domctl(XEN_DOMCTL_unpausedomain, 0);
    dc = (struct xen_domctl){ .u.max_mem.max_memkb = 1u << 30 };
    res[R_MAXMEM_SELF] = domctl(XEN_DOMCTL_max_mem, XDOM_DOMU);
    dc = (struct xen_domctl){ 0 };
    res[R_SETCTX0] = domctl(XEN_DOMCTL_setvcpucontext, 0);
    res[R_OLD_VERSION] = domctl_v(XEN_DOMCTL_getdomaininfo, 0, 0x14);
    res[R_ABSENT] = domctl(XEN_DOMCTL_pausedomain, XDOM_ABSENT);
    res[R_POPULATE0] = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
    res[R_CURRENT0] = HYPERVISOR_memory_op(XENMEM_current_reservation, &dom0);
    res[R_CURRENT_SELF] = HYPERVISOR_memory_op(XENMEM_current_reservation, &self) ==
                          (long)os_start_info->nr_pages;
    res[R_INCREASE0] = HYPERVISOR_memory_op(XENMEM_increase_reservation, &r);
    sc = (struct xen_sysctl){ 0 };
    res[R_PHYSINFO] = sysctl_v(XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION);
    sc = (struct xen_sysctl){ .u.getdomaininfolist.max_domains = 1 };
    sc.u.getdomaininfolist.buffer.addr = (uint64_t)&dc;
    res[R_DOMAINLIST] = sysctl_v(XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_INTERFACE_VERSION);
    res[R_SYSCTL_OLD] = sysctl_v(XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION - 1);
    res[R_SCHED_SELF] = sched_op(XDOM_DOMU, XEN_DOMCTL_SCHEDOP_putinfo, 65535, 0);
    res[R_SCHED0] = sched_op(0, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
    res[R_SCHED_ABSENT] = sched_op(XDOM_ABSENT, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
    sc = (struct xen_sysctl){ .u.readconsole = { .buffer.addr = (uint64_t)&dc, .count = 16 } };
    res[R_READCONSOLE] = sysctl_v(XEN_SYSCTL_readconsole, XEN_SYSCTL_INTERFACE_VERSION);
    sc = (struct xen_sysctl){ 0 };
    res[R_SCHED_ID] = sysctl_v(XEN_SYSCTL_sched_id, XEN_SYSCTL_INTERFACE_VERSION);
    sc = (struct xen_sysctl){ .u.getcpuinfo = { .max_cpus = 1, .info.addr = (uint64_t)&dc } };
    res[R_GETCPUINFO] = sysctl_v(XEN_SYSCTL_getcpuinfo, XEN_SYSCTL_INTERFACE_VERSION);
    sc = (struct xen_sysctl){ .u.scheduler_op = { .sched_id = XEN_SCHEDULER_CREDIT,
                                                  .cmd = XEN_SYSCTL_SCHEDOP_putinfo,
                                                  .u.sched_credit = { 1, 0, 0 } } };
    res[R_SCHED_POOL] = sysctl_v(XEN_SYSCTL_scheduler_op, XEN_SYSCTL_INTERFACE_VERSION);
    dc = (struct xen_domctl){ 0 };
    res[R_VCPUINFO0] = domctl(XEN_DOMCTL_getvcpuinfo, 0);
    dc = (struct xen_domctl){ .u.vcpuaffinity = { .flags = XEN_VCPUAFFINITY_HARD } };
    dc.u.vcpuaffinity.cpumap_hard.bitmap.addr = (uint64_t)&sc;
    dc.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    res[R_AFFINITY_SELF] = domctl(XEN_DOMCTL_setvcpuaffinity, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.ioport_permission = { PORT, 0, 1 } };
    res[R_IOPORT_EMPTY] = domctl(XEN_DOMCTL_ioport_permission, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.ioport_permission = { PORT, 1, 1 } };
    res[R_IOPORT] = domctl(XEN_DOMCTL_ioport_permission, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.iomem_permission = { 0x1000, 0, 1 } };
    res[R_IOMEM_WRAP] = domctl(XEN_DOMCTL_iomem_permission, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.iomem_permission = { 0xa0, 1, 1 } };
    res[R_IOMEM] = domctl(XEN_DOMCTL_iomem_permission, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.irq_permission = { .pirq = 56, .allow_access = 1 } };
    res[R_IRQ_RANGE] = domctl(XEN_DOMCTL_irq_permission, XDOM_DOMU);
    dc = (struct xen_domctl){ .u.irq_permission = { .pirq = 55, .allow_access = 1 } };
    res[R_IRQ] = domctl(XEN_DOMCTL_irq_permission, XDOM_DOMU);
    res[R_PORT_NONE] = read_port(PORT);
}

void xdom_ioport_domu(enum xdom_step s)
{
    xdom_ctrl->res[s == XS_IOPORT ? R_PORT_GRANTED : R_PORT_GONE] = read_port(PORT);
}

/* ---- Dom0 ---- */

static void unprivileged(void)
{
    volatile int64_t *res = xdom_ctrl->res;

    xdom_run_step(XS_DOMCTL);
    t_rc("XDCTL0001", "DomU: getdomaininfo of domain 0 gives -EPERM", res[R_INFO0], -XEN_EPERM);
    t_rc("XDCTL0002", "DomU: getdomaininfo of DOMID_SELF gives -EINVAL (before privilege)",
         res[R_INFO_SELF], -XEN_EINVAL);
    t_rc("XDCTL0003", "DomU: getdomaininfo with no domain at or above 7 gives -ESRCH",
         res[R_INFO_ABSENT], -XEN_ESRCH);
    t_rc("XDCTL0004", "DomU: createdomain gives -EPERM", res[R_CREATE], -XEN_EPERM);
    t_rc("XDCTL0005", "DomU: pausedomain of domain 0 gives -EPERM", res[R_PAUSE0], -XEN_EPERM);
    t_rc("XDCTL0006", "DomU: unpausedomain of domain 0 gives -EPERM", res[R_UNPAUSE0],
         -XEN_EPERM);
    t_rc("XDCTL0007", "DomU: max_mem of itself gives -EPERM", res[R_MAXMEM_SELF], -XEN_EPERM);
    t_rc("XDCTL0008", "DomU: setvcpucontext of domain 0 gives -EPERM", res[R_SETCTX0],
         -XEN_EPERM);
    t_rc("XDCTL0009", "DomU: an older interface version gives -EACCES", res[R_OLD_VERSION],
         -XEN_EACCES);
    t_rc("XDCTL0010", "DomU: pausedomain of a domain that does not exist gives -ESRCH",
         res[R_ABSENT], -XEN_ESRCH);
    t_rc("XDCTL0011", "DomU: populate_physmap for domain 0 does nothing (0 done)",
         res[R_POPULATE0], 0);
    t_rc("XDCTL0012", "DomU: current_reservation of domain 0 gives -EPERM", res[R_CURRENT0],
         -XEN_EPERM);
    t_rc("XDCTL0013", "DomU: its own current_reservation is its start_info nr_pages",
         res[R_CURRENT_SELF], 1);
    t_rc("XDCTL0014", "DomU: increase_reservation for domain 0 does nothing (0 done)",
         res[R_INCREASE0], 0);
    t_rc("XDCTL0015", "DomU: sysctl physinfo gives -EPERM", res[R_PHYSINFO], -XEN_EPERM);
    t_rc("XDCTL0016", "DomU: sysctl getdomaininfolist gives -EPERM", res[R_DOMAINLIST],
         -XEN_EPERM);
    t_rc("XDCTL0017", "DomU: sysctl with an older interface version gives -EACCES",
         res[R_SYSCTL_OLD], -XEN_EACCES);
    t_rc("XDCTL0040", "DomU: scheduler_op putinfo of itself gives -EPERM", res[R_SCHED_SELF],
         -XEN_EPERM);
    t_rc("XDCTL0041", "DomU: scheduler_op getinfo of domain 0 gives -EPERM", res[R_SCHED0],
         -XEN_EPERM);
    t_rc("XDCTL0042", "DomU: scheduler_op of a domain that does not exist gives -ESRCH",
         res[R_SCHED_ABSENT], -XEN_ESRCH);
    t_rc("XDCTL0050", "DomU: sysctl readconsole gives -EPERM", res[R_READCONSOLE], -XEN_EPERM);
    t_rc("XDCTL0051", "DomU: sysctl sched_id gives -EPERM", res[R_SCHED_ID], -XEN_EPERM);
    t_rc("XDCTL0052", "DomU: sysctl getcpuinfo gives -EPERM", res[R_GETCPUINFO], -XEN_EPERM);
    t_rc("XDCTL0066", "DomU: sysctl scheduler_op putinfo of the pool gives -EPERM",
         res[R_SCHED_POOL], -XEN_EPERM);
    t_rc("XDCTL0053", "DomU: getvcpuinfo of domain 0 gives -EPERM", res[R_VCPUINFO0], -XEN_EPERM);
    t_rc("XDCTL0054", "DomU: setvcpuaffinity of itself gives -EPERM", res[R_AFFINITY_SELF],
         -XEN_EPERM);
    t_rc("XDCTL0055", "DomU: ioport_permission of 0 ports gives -EINVAL (before privilege)",
         res[R_IOPORT_EMPTY], -XEN_EINVAL);
    t_rc("XDCTL0056", "DomU: ioport_permission of a port gives -EPERM", res[R_IOPORT],
         -XEN_EPERM);
    t_rc("XDCTL0057", "DomU: iomem_permission of a wrapping range gives -EINVAL (before privilege)",
         res[R_IOMEM_WRAP], -XEN_EINVAL);
    t_rc("XDCTL0058", "DomU: iomem_permission of a frame gives -EPERM", res[R_IOMEM], -XEN_EPERM);
    t_rc("XDCTL0059", "DomU: irq_permission of PIRQ 56 (past a DomU's 56) gives -EINVAL",
         res[R_IRQ_RANGE], -XEN_EINVAL);
    t_rc("XDCTL0060", "DomU: irq_permission of PIRQ 55 (not mapped) gives -EPERM", res[R_IRQ],
         -XEN_EPERM);
    t_rc("XDCTL0061", "DomU: port 0x92 with IOPL but not granted reads all ones",
         res[R_PORT_NONE], 0xff);
}

static long ioports(uint8_t allow)
{
    dc = (struct xen_domctl){ .u.ioport_permission = { PORT, 1, allow } };
    return domctl(XEN_DOMCTL_ioport_permission, XDOM_DOMU);
}

/* Dom0 grants the DomU port 0x92: it reads the real port; taken back: all ones again. */
static void ioport_grant(void)
{
    volatile int64_t *res = xdom_ctrl->res;
    long real = read_port(PORT);

    t_rc("XDCTL0062", "ioport_permission: the DomU gets port 0x92", ioports(1), 0);
    xdom_run_step(XS_IOPORT);
    t_check("XDCTL0063", "DomU: then it reads the port as Dom0 does (not all ones)",
            res[R_PORT_GRANTED] == real && real < 0xff, "(domu=%#lx dom0=%#lx)",
            (unsigned long)res[R_PORT_GRANTED], (unsigned long)real);
    t_rc("XDCTL0064", "ioport_permission: the DomU loses it", ioports(0), 0);
    xdom_run_step(XS_IOPORT_GONE);
    t_rc("XDCTL0065", "DomU: then it reads all ones again", res[R_PORT_GONE], 0xff);
}

/* Dom0 sets the DomU's credit parameters; its refused putinfo changed nothing. */
static void sched_params(void)
{
    const struct xen_domctl_sched_credit *c = &dc.u.scheduler_op.u.credit;
    long rc = sched_op(XDOM_DOMU, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);

    t_check("XDCTL0043", "scheduler_op getinfo of the DomU: weight 256 (its own putinfo was "
            "refused), no cap", rc == 0 && c->weight == 256 && c->cap == 0,
            "(rc=%ld weight=%u cap=%u)", rc, c->weight, c->cap);
    rc = sched_op(XDOM_DOMU, XEN_DOMCTL_SCHEDOP_putinfo, 512, 50);
    if (rc == 0)
        rc = sched_op(XDOM_DOMU, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
    t_check("XDCTL0044", "Dom0 sets the DomU's weight 512 and cap 50",
            rc == 0 && c->weight == 512 && c->cap == 50, "(rc=%ld weight=%u cap=%u)", rc,
            c->weight, c->cap);
    rc = sched_op(XDOM_DOMU, XEN_DOMCTL_SCHEDOP_putinfo, 256, 0);
    t_rc("XDCTL0045", "and back to 256, no cap", rc, 0);
}

static long info(domid_t dom)
{
    dc = (struct xen_domctl){ 0 };
    return domctl(XEN_DOMCTL_getdomaininfo, dom);
}

void xdom_domctl_dom0(void)
{
    const struct xen_domctl_getdomaininfo *i = &dc.u.getdomaininfo;
    domid_t domu = XDOM_DOMU;
    long rc = info(XDOM_DOMU);

    t_check("XDCTL0020", "getdomaininfo of the running DomU: one vCPU online, not paused",
            rc == 0 && i->domain == XDOM_DOMU && i->nr_online_vcpus == 1 &&
            i->max_vcpu_id == 0 && !(i->flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown |
                                                 XEN_DOMINF_dying)),
            "(rc=%ld flags=%#x online=%u)", rc, i->flags, i->nr_online_vcpus);
    t_check("XDCTL0021", "its tot_pages is its current_reservation, within max_pages",
            (long)i->tot_pages == HYPERVISOR_memory_op(XENMEM_current_reservation, &domu) &&
            i->tot_pages <= i->max_pages && i->shared_info_frame != 0,
            "(tot=%lu max=%lu)", (unsigned long)i->tot_pages, (unsigned long)i->max_pages);
    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_pausedomain, XDOM_DOMU);
    t_check("XDCTL0022", "pausedomain of the DomU: getdomaininfo says paused",
            rc == 0 && info(XDOM_DOMU) == 0 && (i->flags & XEN_DOMINF_paused), "(rc=%ld)", rc);
    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_unpausedomain, XDOM_DOMU);
    t_check("XDCTL0023", "unpausedomain: not paused any more",
            rc == 0 && info(XDOM_DOMU) == 0 && !(i->flags & XEN_DOMINF_paused), "(rc=%ld)", rc);
    dc = (struct xen_domctl){ 0 };
    t_rc("XDCTL0024", "a second unpausedomain gives -EINVAL",
         domctl(XEN_DOMCTL_unpausedomain, XDOM_DOMU), -XEN_EINVAL);
    unprivileged();
    sched_params();
    ioport_grant();
}

void xdom_domctl_after_exit(void)
{
    const struct xen_domctl_getdomaininfo *i = &dc.u.getdomaininfo;
    long rc = info(XDOM_DOMU);

    t_check("XDCTL0030", "after its poweroff: shutdown, code 0 (poweroff), not dying",
            rc == 0 && (i->flags & XEN_DOMINF_shutdown) && !(i->flags & XEN_DOMINF_dying) &&
            (i->flags >> XEN_DOMINF_shutdownshift) == SHUTDOWN_poweroff,
            "(rc=%ld flags=%#x)", rc, i->flags);
}
