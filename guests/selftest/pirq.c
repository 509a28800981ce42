/*
 * PIRQ: the initial domain's physical interrupts, as Linux's Dom0 asks for
 * them: PHYSDEVOP_setup_gsi, map_pirq (GSI), unmap_pirq, alloc_irq_vector,
 * eoi, and EVTCHNOP_bind_pirq / close. Xen 4.17 keeps GSI 0 and its own
 * serial IRQ (4) to itself. GSI 10 is one no device of the test machine uses.
 */
#include <xl/string.h>
#include <xen/physdev.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include "test.h"

#define FREE_GSI 10

static long phys(unsigned int cmd, void *arg)
{
    return HYPERVISOR_physdev_op(cmd, arg);
}

static long map_gsi(domid_t dom, int type, int gsi, int *pirq)
{
    struct physdev_map_pirq m = { .domid = dom, .type = type, .index = gsi, .pirq = gsi };
    long rc = phys(PHYSDEVOP_map_pirq, &m);

    if (pirq)
        *pirq = m.pirq;
    return rc;
}

static long unmap(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };
    return phys(PHYSDEVOP_unmap_pirq, &u);
}

static long bind(uint32_t pirq, evtchn_port_t *port)
{
    struct evtchn_bind_pirq b = { .pirq = pirq, .flags = BIND_PIRQ__WILL_SHARE };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    if (port)
        *port = b.port;
    return rc;
}

static long close_port(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

static void refused(void)
{
    struct physdev_setup_gsi s = { .gsi = -1, .triggering = 0, .polarity = 0 };
    struct physdev_eoi e = { .irq = 100000 };

    t_rc("PIRQ0001", "map_pirq of GSI 0 (the hypervisor's timer) gives -EPERM",
         map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, 0, NULL), -XEN_EPERM);
    t_rc("PIRQ0003", "map_pirq of GSI -1 gives -EINVAL",
         map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, -1, NULL), -XEN_EINVAL);
    t_rc("PIRQ0004", "map_pirq of GSI 24 (past the I/O APIC's pins) gives -EINVAL",
         map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, 24, NULL), -XEN_EINVAL);
    t_rc("PIRQ0005", "map_pirq of an unknown type gives -EINVAL",
         map_gsi(DOMID_SELF, 0x55, FREE_GSI, NULL), -XEN_EINVAL);
    t_rc("PIRQ0006", "map_pirq for a domain that does not exist gives -ESRCH",
         map_gsi(1000, MAP_PIRQ_TYPE_GSI, FREE_GSI, NULL), -XEN_ESRCH);
    t_rc("PIRQ0007", "map_pirq from an unmapped argument gives -EFAULT",
         phys(PHYSDEVOP_map_pirq, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("PIRQ0008", "setup_gsi of GSI -1 gives -EINVAL", phys(PHYSDEVOP_setup_gsi, &s),
         -XEN_EINVAL);
    s.gsi = 24;
    t_rc("PIRQ0009", "setup_gsi of GSI 24 gives -EINVAL", phys(PHYSDEVOP_setup_gsi, &s),
         -XEN_EINVAL);
    t_rc("PIRQ0010", "unmap_pirq of a PIRQ never mapped gives -EINVAL", unmap(FREE_GSI + 1),
         -XEN_EINVAL);
    t_rc("PIRQ0011", "unmap_pirq of PIRQ -1 gives -EINVAL", unmap(-1), -XEN_EINVAL);
    t_rc("PIRQ0012", "bind_pirq of a PIRQ never mapped gives -EPERM", bind(FREE_GSI + 1, NULL),
         -XEN_EPERM);
    t_rc("PIRQ0013", "bind_pirq of PIRQ 100000 gives -EINVAL", bind(100000, NULL), -XEN_EINVAL);
    t_rc("PIRQ0014", "eoi of PIRQ 100000 gives -EINVAL", phys(PHYSDEVOP_eoi, &e), -XEN_EINVAL);
}

/* The serial port's IRQ maps, but the hypervisor keeps its pin: no binding, no set-up. */
static void serial_gsi(void)
{
    struct physdev_setup_gsi s = { .gsi = 4, .triggering = 0, .polarity = 0 };
    int pirq = -1;
    long rc = map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, 4, &pirq);

    t_check("PIRQ0040", "map_pirq of GSI 4 (the hypervisor's serial port) is okay, PIRQ 4",
            rc == 0 && pirq == 4, "rc %ld pirq %d", rc, pirq);
    t_rc("PIRQ0041", "bind_pirq of PIRQ 4 gives -EBUSY", bind(4, NULL), -XEN_EBUSY);
    t_rc("PIRQ0042", "setup_gsi of GSI 4 gives -EEXIST", phys(PHYSDEVOP_setup_gsi, &s),
         -XEN_EEXIST);
    t_rc("PIRQ0043", "unmap_pirq of PIRQ 4 is okay", unmap(4), 0);
    s.gsi = 0;
    t_rc("PIRQ0044", "setup_gsi of GSI 0 (the hypervisor's timer) gives -EEXIST",
         phys(PHYSDEVOP_setup_gsi, &s), -XEN_EEXIST);
    s = (struct physdev_setup_gsi){ .gsi = 9, .triggering = 1, .polarity = 0 };
    t_rc("PIRQ0045", "setup_gsi of the ACPI SCI (GSI 9 here) is okay: no exception for it",
         phys(PHYSDEVOP_setup_gsi, &s), 0);
    t_rc("PIRQ0046", "setup_gsi of the SCI again gives -EEXIST", phys(PHYSDEVOP_setup_gsi, &s),
         -XEN_EEXIST);
}

static void map_and_bind(void)
{
    struct physdev_setup_gsi s = { .gsi = FREE_GSI, .triggering = 1, .polarity = 0 };
    struct physdev_irq v = { .irq = FREE_GSI };
    struct physdev_eoi e = { .irq = FREE_GSI };
    struct evtchn_status st = { .dom = DOMID_SELF };
    evtchn_port_t port = 0;
    int pirq = -1;
    long rc;

    t_rc("PIRQ0020", "setup_gsi of a free GSI, level high, is okay",
         phys(PHYSDEVOP_setup_gsi, &s), 0);
    t_rc("PIRQ0021", "setup_gsi of that GSI again gives -EEXIST",
         phys(PHYSDEVOP_setup_gsi, &s), -XEN_EEXIST);
    rc = map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, FREE_GSI, &pirq);
    t_check("PIRQ0022", "map_pirq of that GSI gives PIRQ = GSI", rc == 0 && pirq == FREE_GSI,
            "rc %ld pirq %d", rc, pirq);
    rc = map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, FREE_GSI, &pirq);
    t_check("PIRQ0023", "map_pirq of it again is okay, same PIRQ", rc == 0 && pirq == FREE_GSI,
            "rc %ld pirq %d", rc, pirq);
    rc = phys(PHYSDEVOP_alloc_irq_vector, &v);
    t_check("PIRQ0024", "alloc_irq_vector gives back the IRQ as its vector",
            rc == 0 && v.vector == FREE_GSI, "rc %ld vector %u", rc, v.vector);
    rc = bind(FREE_GSI, &port);
    t_check("PIRQ0025", "bind_pirq of the mapped PIRQ gives a port", rc == 0 && port > 0,
            "rc %ld port %u", rc, port);
    t_rc("PIRQ0026", "bind_pirq of it again gives -EEXIST", bind(FREE_GSI, NULL), -XEN_EEXIST);
    st.port = port;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
    t_check("PIRQ0027", "its port's status is pirq, PIRQ = GSI",
            rc == 0 && st.status == EVTCHNSTAT_pirq && st.u.pirq == FREE_GSI,
            "rc %ld status %u pirq %u", rc, st.status, st.u.pirq);
    t_rc("PIRQ0028", "eoi of the bound PIRQ is okay", phys(PHYSDEVOP_eoi, &e), 0);
    t_rc("PIRQ0029", "close of the PIRQ's port is okay", close_port(port), 0);
    t_rc("PIRQ0030", "unmap_pirq of the PIRQ is okay", unmap(FREE_GSI), 0);
    t_rc("PIRQ0031", "unmap_pirq of it again gives -EINVAL", unmap(FREE_GSI), -XEN_EINVAL);
    t_rc("PIRQ0032", "bind_pirq after unmap gives -EPERM", bind(FREE_GSI, NULL), -XEN_EPERM);
}

/*
 * The hardware domain's PIRQ range, as Xen 4.17 sizes it (arch_hwdom_irqs):
 * the GSIs plus 208 dynamic vectors (0x20-0xef) for each of fls(CPUs online)
 * CPUs, but no more than Dom0's vCPUs, capped at nr_irqs, the larger of 208
 * per CPU and 8 per GSI. On one CPU: min(24 + 208, 208) = 208; on two, with
 * two Dom0 vCPUs: min(24 + 416, 416) = 416. GSI 5 serves no device here. An
 * unmapped GSI is no longer the domain's: Xen denies it the IRQ.
 */
#define RANGE_GSI 5
#define NR_GSIS_HERE 24
#define DYNAMIC_VECTORS 208

static unsigned int fls_u(unsigned int x)
{
    unsigned int n = 0;

    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

/* Our vCPUs: VCPUOP_is_up answers for each, -ENOENT past the last. */
static unsigned int own_vcpus(void)
{
    unsigned int n = 1;

    while (n < 128 && HYPERVISOR_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
        n++;
    return n;
}

static unsigned int dom0_pirqs(void)
{
    unsigned int cpus = selftest_online_cpus(), vcpus = own_vcpus();
    unsigned int n = fls_u(cpus) < vcpus ? fls_u(cpus) : vcpus;
    unsigned int nr_irqs = cpus * DYNAMIC_VECTORS > 8 * NR_GSIS_HERE ? cpus * DYNAMIC_VECTORS
                                                                      : 8 * NR_GSIS_HERE;
    unsigned int want = NR_GSIS_HERE + n * DYNAMIC_VECTORS;

    return want < nr_irqs ? want : nr_irqs;
}

static void range(void)
{
    unsigned int nr = dom0_pirqs();
    struct physdev_irq_status_query q = { .irq = nr - 1 };
    struct physdev_eoi e = { .irq = nr };
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = RANGE_GSI, .pirq = (int)nr };
    long rc;

    t_rc("PIRQ0047", "map_pirq of a free GSI to the PIRQ past Xen's range gives -EINVAL",
         phys(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);
    m.pirq = (int)nr - 1;
    rc = phys(PHYSDEVOP_map_pirq, &m);
    t_check("PIRQ0048", "map_pirq of a free GSI to the last PIRQ of the range is okay",
            rc == 0 && m.pirq == (int)nr - 1, "rc %ld pirq %d", rc, m.pirq);
    t_rc("PIRQ0049", "unmap_pirq of the last PIRQ is okay", unmap((int)nr - 1), 0);
    t_rc("PIRQ0050", "bind_pirq of the last PIRQ (in range, not mapped) gives -EPERM",
         bind(nr - 1, NULL), -XEN_EPERM);
    t_rc("PIRQ0051", "bind_pirq of the PIRQ past the range gives -EINVAL", bind(nr, NULL),
         -XEN_EINVAL);
    t_rc("PIRQ0052", "irq_status_query of the last PIRQ is okay",
         phys(PHYSDEVOP_irq_status_query, &q), 0);
    q.irq = nr;
    t_rc("PIRQ0053", "irq_status_query of the PIRQ past the range gives -EINVAL",
         phys(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
    t_rc("PIRQ0054", "eoi of the PIRQ past the range gives -EINVAL", phys(PHYSDEVOP_eoi, &e),
         -XEN_EINVAL);
    m.pirq = RANGE_GSI;
    t_rc("PIRQ0055", "map_pirq of a GSI after its unmap gives -EPERM (Xen takes the IRQ back)",
         phys(PHYSDEVOP_map_pirq, &m), -XEN_EPERM);
    t_rc("PIRQ0056", "map_pirq of the GSI unmapped earlier (10) gives -EPERM too",
         map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, FREE_GSI, NULL), -XEN_EPERM);
}

void suite_pirq(void)
{
    refused();
    map_and_bind();
    serial_gsi();
    range();
}
