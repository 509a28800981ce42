/*
 * VCPU: vcpu_op (24) state queries, runstate area and vcpu_info placement.
 */
#include <os/events.h>
#include <os/mm.h>
#include <os/time.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include "test.h"

static struct vcpu_runstate_info runstate_area;

static void runstate(void)
{
    struct vcpu_register_runstate_memory_area area;
    struct vcpu_runstate_info ri;
    uint64_t blocked, entry;
    long rc;

    rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &ri);
    t_check("VCPU0003", "get_runstate_info: running, with running time",
            rc == 0 && ri.state == RUNSTATE_running && ri.time[RUNSTATE_running] > 0,
            "(rc=%ld state=%d)", rc, ri.state);
    t_rc("VCPU0004", "get_runstate_info of a vCPU we lack gives -ENOENT",
         HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, t_vcpu_absent(), &ri), -XEN_ENOENT);
    area.addr.p = (uint64_t)&runstate_area;
    rc = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
    t_check("VCPU0005", "register_runstate_memory_area fills the area at once",
            rc == 0 && runstate_area.state == RUNSTATE_running &&
            runstate_area.state_entry_time != 0, "(rc=%ld state=%d)", rc,
            runstate_area.state);

    /*
     * A block and the wake-up are two switches: the area is rewritten at
     * each, unasked. (A 2 ms sleep may end before it blocks when the host
     * stalls guest time: sleep again until the hypervisor counted a block.)
     */
    blocked = runstate_area.time[RUNSTATE_blocked];
    entry = runstate_area.state_entry_time & ~XEN_RUNSTATE_UPDATE;
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &ri);
    for (unsigned int i = 0; i < 100; i++) {
        struct vcpu_runstate_info now;

        os_sleep_until(os_now_ns() + 2000000);
        HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &now);
        if (now.time[RUNSTATE_blocked] != ri.time[RUNSTATE_blocked])
            break;
    }
    t_check("VCPU0013", "the runstate area follows a block and a wake-up by itself",
            runstate_area.state == RUNSTATE_running &&
            runstate_area.time[RUNSTATE_blocked] > blocked &&
            (runstate_area.state_entry_time & ~XEN_RUNSTATE_UPDATE) > entry,
            "(state=%d blocked %lu -> %lu)", runstate_area.state, (unsigned long)blocked,
            (unsigned long)runstate_area.time[RUNSTATE_blocked]);
}

static long register_info(uint64_t mfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info info = { .mfn = mfn, .offset = offset };

    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
}

static void send_ipi_check(const char *id, const char *desc)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_send send;
    struct evtchn_close cl;
    unsigned long before;
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi);

    os_evtchn_unmask(bi.port);
    before = os_evtchn_count[bi.port];
    send.port = bi.port;
    rc = rc ? rc : HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    t_check(id, desc, rc == 0 && os_evtchn_count[bi.port] == before + 1,
            "(rc=%ld)", rc);
    cl.port = bi.port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

static void move_vcpu_info(void)
{
    uint8_t *page = os_alloc_page();
    struct vcpu_info *v;
    uint64_t mfn;
    long rc;

    if (!page) {
        t_case("VCPU0006", "register_vcpu_info moves vcpu_info", T_SKIP, "(no free page)");
        return;
    }
    mfn = os_virt_to_mfn(page);
    t_rc("VCPU0007", "register_vcpu_info crossing the page end gives -ENXIO",
         register_info(mfn, OS_PAGE_SIZE - 32), -XEN_ENXIO);

    v = (struct vcpu_info *)(page + 128);
    os_irq_disable();
    rc = register_info(mfn, 128);
    if (rc == 0)
        os_vcpu_info = v;
    os_irq_enable();
    t_check("VCPU0006", "register_vcpu_info moves vcpu_info, with time info",
            rc == 0 && v->time.tsc_to_system_mul != 0 && !(v->time.version & 1),
            "(rc=%ld)", rc);
    if (rc == 0)
        send_ipi_check("VCPU0008", "events are delivered through the new vcpu_info");
    t_rc("VCPU0009", "a second register_vcpu_info gives -EINVAL",
         register_info(mfn, 256), -XEN_EINVAL);
}

void suite_vcpu(void)
{
    t_rc("VCPU0001", "is_up of vCPU 0 is 1", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    t_rc("VCPU0002", "is_up of a vCPU we lack gives -ENOENT",
         HYPERVISOR_vcpu_op(VCPUOP_is_up, t_vcpu_absent(), NULL), -XEN_ENOENT);
    t_rc("VCPU0011", "up of a vCPU that is up is 0 (nothing to wake)",
         HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL), 0);
    t_rc("VCPU0012", "down of a vCPU we lack gives -ENOENT",
         HYPERVISOR_vcpu_op(VCPUOP_down, t_vcpu_absent(), NULL), -XEN_ENOENT);
    runstate();
    move_vcpu_info();
    t_rc("VCPU0010", "unknown vcpu_op gives -ENOSYS",
         HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
}
