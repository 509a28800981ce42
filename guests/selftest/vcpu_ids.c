/*
 * VCPUID: vCPU ids that do not fit a byte. With Dom0 given more than 256
 * vCPUs (dom0_max_vcpus=300 on both hypervisors; with fewer the suite
 * prints nothing), ports bound to the last vCPU name it whole in their
 * status, the last vCPU is there (down) and the count is not, a MULTI flush
 * names it through a bitmap of as many words as the domain has vCPUs, and
 * another domain is made with 300 vCPUs. None of the vCPUs past 0 runs.
 */
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include "test.h"

#define BYTE_IDS 256
#define OTHER_DOM 0x7e20
#define OTHER_VCPUS 300
#define MASK_WORDS_MAX ((8192 + 63) / 64)

static struct xen_domctl dc;

static long evtchn(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

/* The vCPU the status of port names, or ~0 if status fails. */
static uint32_t status_vcpu(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    return evtchn(EVTCHNOP_status, &st) ? ~0u : st.vcpu;
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    evtchn(EVTCHNOP_close, &c);
}

static void ports_of_the_last(unsigned int last)
{
    struct evtchn_bind_ipi bi = { .vcpu = last };
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = last };
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bd = { .remote_dom = DOMID_SELF };
    struct evtchn_bind_vcpu bc = { .vcpu = last };
    long rc;

    rc = evtchn(EVTCHNOP_bind_ipi, &bi);
    t_check("VCPUID0002", "bind_ipi to the last vCPU: its status names that vCPU",
            rc == 0 && status_vcpu(bi.port) == last, "(rc=%ld vcpu=%u)", rc, status_vcpu(bi.port));
    if (rc == 0)
        close_port(bi.port);
    rc = evtchn(EVTCHNOP_bind_virq, &bv);
    t_check("VCPUID0003", "bind_virq VIRQ_TIMER on the last vCPU: its status names that vCPU",
            rc == 0 && status_vcpu(bv.port) == last, "(rc=%ld vcpu=%u)", rc, status_vcpu(bv.port));
    if (rc == 0)
        close_port(bv.port);
    rc = evtchn(EVTCHNOP_alloc_unbound, &au);
    bd.remote_port = au.port;
    if (rc == 0)
        rc = evtchn(EVTCHNOP_bind_interdomain, &bd);
    bc.port = bd.local_port;
    if (rc == 0)
        rc = evtchn(EVTCHNOP_bind_vcpu, &bc);
    t_check("VCPUID0004", "bind_vcpu of an interdomain port to the last vCPU: its status names it",
            rc == 0 && status_vcpu(bd.local_port) == last, "(rc=%ld vcpu=%u)", rc,
            status_vcpu(bd.local_port));
    if (rc == 0)
        close_port(bd.local_port);
    close_port(au.port);
}

static void the_last_and_the_count(unsigned int nr)
{
    static uint64_t mask[MASK_WORDS_MAX];
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };
    long rc;

    t_check("VCPUID0005", "is_up of the last vCPU gives 0 (down), of the count -ENOENT",
            HYPERVISOR_vcpu_op(VCPUOP_is_up, nr - 1, NULL) == 0 &&
            HYPERVISOR_vcpu_op(VCPUOP_is_up, nr, NULL) == -XEN_ENOENT, NULL);
    dc = (struct xen_domctl){ .u.getvcpuinfo.vcpu = nr - 1 };
    rc = t_domctl(&dc, XEN_DOMCTL_getvcpuinfo, 0);
    t_check("VCPUID0006", "getvcpuinfo of the last vCPU: offline",
            rc == 0 && !dc.u.getvcpuinfo.online, "(rc=%ld online=%u)", rc, dc.u.getvcpuinfo.online);
    mask[(nr - 1) / 64] = 1ull << ((nr - 1) % 64);
    op.arg2.vcpumask.p = mask;
    t_rc("VCPUID0007", "TLB_FLUSH_MULTI naming the last vCPU in the bitmap's last word gives 0",
         HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
}

static void other_domain(void)
{
    long rc;

    rc = t_create_domain(&dc, OTHER_DOM, OTHER_VCPUS);
    t_rc("VCPUID0008", "createdomain with max_vcpus 300 gives 0", rc, 0);
    if (rc)
        return;
    dc = (struct xen_domctl){ .u.max_vcpus.max = OTHER_VCPUS };
    t_rc("VCPUID0009", "max_vcpus 300 for it gives 0", t_domctl(&dc, XEN_DOMCTL_max_vcpus, OTHER_DOM), 0);
    dc = (struct xen_domctl){ 0 };
    rc = t_domctl(&dc, XEN_DOMCTL_getdomaininfo, OTHER_DOM);
    t_check("VCPUID0010", "getdomaininfo of it: max_vcpu_id 299",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == OTHER_VCPUS - 1, "(rc=%ld max=%u)", rc,
            dc.u.getdomaininfo.max_vcpu_id);
    dc = (struct xen_domctl){ .u.getvcpuinfo.vcpu = OTHER_VCPUS - 1 };
    t_rc("VCPUID0011", "getvcpuinfo of its vCPU 299 gives 0",
         t_domctl(&dc, XEN_DOMCTL_getvcpuinfo, OTHER_DOM), 0);
    dc = (struct xen_domctl){ 0 };
    t_rc("VCPUID0012", "destroydomain of it gives 0", t_domctl(&dc, XEN_DOMCTL_destroydomain, OTHER_DOM), 0);
}

void suite_vcpu_ids(void)
{
    unsigned int nr = t_vcpu_absent();
    long rc;

    if (nr <= BYTE_IDS)
        return;
    dc = (struct xen_domctl){ 0 };
    rc = t_domctl(&dc, XEN_DOMCTL_getdomaininfo, 0);
    t_check("VCPUID0001", "getdomaininfo of ourselves: max_vcpu_id one below our vCPU count (past 256)",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == nr - 1, "(rc=%ld max=%u nr=%u)", rc,
            dc.u.getdomaininfo.max_vcpu_id, nr);
    ports_of_the_last(nr - 1);
    the_last_and_the_count(nr);
    other_domain();
}
