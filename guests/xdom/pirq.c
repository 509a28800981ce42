/*
 * XPIRQ: a physical IRQ given to the DomU, as a driver domain gets one.
 * Dom0 (privileged) maps GSI 7, a pin no device of the test machine drives,
 * to a PIRQ of the DomU (PHYSDEVOP_map_pirq naming it), which gives the
 * DomU the IRQ; the DomU binds it to an event channel and acknowledges it;
 * Dom0 unmaps it again. The DomU, unprivileged, may map or unmap nothing;
 * the checks come in Xen 4.17's order and answer its codes, the same lines
 * on both hypervisors.
 */
#include <xen/physdev.h>
#include "xdom.h"

#define GSI        7            /* no device of QEMU's PC uses it */
#define DOMU_PIRQ  16           /* the first PIRQ Xen picks for a GSI (get_free_pirq) */
#define DOMU_PIRQS 56           /* a DomU's PIRQs: the 24 GSIs and Xen's 32 extra */

enum {                          /* the DomU's results in xdom_ctrl->pirq_res */
    P_MAP_SELF, P_MAP_DOM0, P_MAP_ABSENT, P_UNMAP_SELF, P_BIND_UNMAPPED, P_BIND_RANGE,
    P_EOI_UNMAPPED, P_STATUS_RANGE, P_BIND, P_BIND_AGAIN, P_EOI, P_CLOSE, P_BIND_GONE,
    P_BIND_BACK, P_COUNT
};
_Static_assert(P_COUNT <= XDOM_PIRQ_RES, "the DomU's results fit the control page");

static long map_gsi(domid_t dom, int gsi, int pirq, int *out)
{
    struct physdev_map_pirq m = { .domid = dom, .type = MAP_PIRQ_TYPE_GSI, .index = gsi,
                                  .pirq = pirq };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    if (out)
        *out = m.pirq;
    return rc;
}

static long unmap(domid_t dom, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = dom, .pirq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
}

/* bind_pirq: the port, or the error. */
static long bind(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &e);
}

/* ---- DomU ---- */

void xdom_pirq_domu(enum xdom_step s)
{
    volatile int64_t *r = xdom_ctrl->pirq_res;
    struct physdev_irq_status_query q = { .irq = 100 };
    struct evtchn_close c;

    switch (s) {
    case XS_PIRQ_UNPRIV:
        r[P_MAP_SELF] = map_gsi(DOMID_SELF, GSI, -1, NULL);
        r[P_MAP_DOM0] = map_gsi(0, GSI, -1, NULL);
        r[P_MAP_ABSENT] = map_gsi(XDOM_ABSENT, GSI, -1, NULL);
        r[P_UNMAP_SELF] = unmap(DOMID_SELF, DOMU_PIRQ);
        r[P_BIND_UNMAPPED] = bind(DOMU_PIRQ);
        r[P_BIND_RANGE] = bind(DOMU_PIRQS);
        r[P_EOI_UNMAPPED] = eoi(DOMU_PIRQ);
        r[P_STATUS_RANGE] = HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q);
        break;
    case XS_PIRQ_BIND:
        r[P_BIND] = bind(DOMU_PIRQ);
        r[P_BIND_AGAIN] = bind(DOMU_PIRQ);
        r[P_EOI] = eoi(DOMU_PIRQ);
        break;
    case XS_PIRQ_CLOSE:
        c = (struct evtchn_close){ .port = (evtchn_port_t)r[P_BIND] };
        r[P_CLOSE] = HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
        break;
    case XS_PIRQ_GONE:
        r[P_BIND_GONE] = bind(DOMU_PIRQ);
        break;
    case XS_PIRQ_BACK:
        r[P_BIND_BACK] = bind(DOMU_PIRQ);       /* left bound: the DomU's destruction releases it */
        break;
    default:
        break;
    }
}

/* ---- Dom0 ---- */

void xdom_pirq_dom0(void)
{
    volatile int64_t *r = xdom_ctrl->pirq_res;
    int pirq = -2, again = -2, back = -2;
    long rc;

    xdom_run_step(XS_PIRQ_UNPRIV);
    t_rc("XPIRQ0001", "DomU: map_pirq of GSI 7 for itself gives -EPERM", r[P_MAP_SELF], -XEN_EPERM);
    t_rc("XPIRQ0002", "DomU: map_pirq of GSI 7 for domain 0 gives -EPERM", r[P_MAP_DOM0],
         -XEN_EPERM);
    t_rc("XPIRQ0003", "DomU: map_pirq for a missing domain gives -ESRCH", r[P_MAP_ABSENT],
         -XEN_ESRCH);
    t_rc("XPIRQ0004", "DomU: unmap_pirq of its PIRQ 16 gives -EPERM", r[P_UNMAP_SELF], -XEN_EPERM);
    t_rc("XPIRQ0005", "DomU: bind_pirq of PIRQ 16 (not mapped) gives -EPERM", r[P_BIND_UNMAPPED],
         -XEN_EPERM);
    t_rc("XPIRQ0006", "DomU: bind_pirq of PIRQ 56 (past its 56) gives -EINVAL", r[P_BIND_RANGE],
         -XEN_EINVAL);
    t_rc("XPIRQ0007", "DomU: eoi of PIRQ 16 (not mapped) gives -EINVAL", r[P_EOI_UNMAPPED],
         -XEN_EINVAL);
    t_rc("XPIRQ0008", "DomU: irq_status_query of PIRQ 100 (past its 56) gives -EINVAL",
         r[P_STATUS_RANGE], -XEN_EINVAL);

    t_rc("XPIRQ0010", "Dom0: map_pirq of GSI 7 for a missing domain gives -ESRCH",
         map_gsi(XDOM_ABSENT, GSI, -1, NULL), -XEN_ESRCH);
    t_rc("XPIRQ0011", "Dom0: map_pirq of GSI 24 (past the GSIs) for the DomU gives -EINVAL",
         map_gsi(XDOM_DOMU, 24, -1, NULL), -XEN_EINVAL);
    t_rc("XPIRQ0012", "Dom0: map_pirq of GSI 7 to the DomU's PIRQ 56 gives -EINVAL",
         map_gsi(XDOM_DOMU, GSI, DOMU_PIRQS, NULL), -XEN_EINVAL);
    rc = map_gsi(XDOM_DOMU, GSI, -1, &pirq);
    t_check("XPIRQ0013", "Dom0: map_pirq of GSI 7 for the DomU gives 0 and its PIRQ 16",
            rc == 0 && pirq == DOMU_PIRQ, "(rc=%ld pirq=%d)", rc, pirq);
    rc = map_gsi(XDOM_DOMU, GSI, -1, &again);
    t_check("XPIRQ0014", "again: 0 and the same PIRQ", rc == 0 && again == DOMU_PIRQ,
            "(rc=%ld pirq=%d)", rc, again);
    t_rc("XPIRQ0015", "asking PIRQ 20 for it instead gives -EEXIST",
         map_gsi(XDOM_DOMU, GSI, 20, NULL), -XEN_EEXIST);

    xdom_run_step(XS_PIRQ_BIND);
    t_check("XPIRQ0016", "DomU: bind_pirq of its PIRQ 16 gives a port", r[P_BIND] > 0,
            "(rc=%ld)", (long)r[P_BIND]);
    t_rc("XPIRQ0017", "DomU: binding it again gives -EEXIST", r[P_BIND_AGAIN], -XEN_EEXIST);
    t_rc("XPIRQ0018", "DomU: eoi of it gives 0", r[P_EOI], 0);
    t_rc("XPIRQ0019", "Dom0: map_pirq of GSI 7 to its own PIRQ 7 gives 0",
         map_gsi(DOMID_SELF, GSI, GSI, NULL), 0);
    t_rc("XPIRQ0020", "Dom0: binding it gives -EBUSY (the DomU holds the IRQ, unshared)",
         bind(GSI), -XEN_EBUSY);

    xdom_run_step(XS_PIRQ_CLOSE);
    t_rc("XPIRQ0021", "DomU: closing its port gives 0", r[P_CLOSE], 0);
    t_rc("XPIRQ0022", "Dom0: unmap_pirq of the DomU's PIRQ 16 gives 0", unmap(XDOM_DOMU, DOMU_PIRQ),
         0);
    xdom_run_step(XS_PIRQ_GONE);
    t_rc("XPIRQ0023", "DomU: then bind_pirq of it gives -EPERM", r[P_BIND_GONE], -XEN_EPERM);
    t_rc("XPIRQ0024", "Dom0: unmapping it again gives -EINVAL", unmap(XDOM_DOMU, DOMU_PIRQ),
         -XEN_EINVAL);
    t_rc("XPIRQ0025", "Dom0: unmap_pirq for a missing domain gives -ESRCH",
         unmap(XDOM_ABSENT, DOMU_PIRQ), -XEN_ESRCH);
    rc = map_gsi(XDOM_DOMU, GSI, -1, &back);
    t_check("XPIRQ0026", "Dom0: mapping GSI 7 for the DomU again gives 0 and PIRQ 16 (the IRQ "
            "is given back with it)", rc == 0 && back == DOMU_PIRQ, "(rc=%ld pirq=%d)", rc, back);
    xdom_run_step(XS_PIRQ_BACK);
    t_check("XPIRQ0027", "DomU: bind_pirq of it gives a port again", r[P_BIND_BACK] > 0,
            "(rc=%ld)", (long)r[P_BIND_BACK]);
}

/* After the DomU's destruction: the pin it left bound is free again. */
void xdom_pirq_after_destroy(void)
{
    long port = bind(GSI);

    t_check("XPIRQ0030", "Dom0: once the DomU is destroyed, binding its own PIRQ 7 gives a port "
            "(the DomU's binding went with it)", port > 0, "(rc=%ld)", port);
}
