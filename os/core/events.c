/*
 * 2-level event channel delivery: the upcall scan, masks and blocking.
 */
#include <hv/evtchn_2l.h>
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/version.h>

struct binding {
    os_evtchn_handler_t fn;
    void *data;
};

static struct binding bindings[OS_NR_PORTS];
volatile unsigned long os_evtchn_count[OS_NR_PORTS];
unsigned int os_timer_port;

/* Attach fn/data to port; deliveries on an unbound port are only counted. */
void os_evtchn_bind(unsigned int port, os_evtchn_handler_t fn, void *data)
{
    if (port >= OS_NR_PORTS)
        return;
    bindings[port].data = data;
    bindings[port].fn = fn;
}

/* Detach the handler of port. */
void os_evtchn_unbind(unsigned int port)
{
    if (port < OS_NR_PORTS)
        bindings[port].fn = NULL;
}

/* The shared bitmaps, as the 2-level helpers of hv/lib see them. */
static struct evtchn_2l bitmaps(void)
{
    return (struct evtchn_2l){
        .pending = os_shared_info->evtchn_pending,
        .mask = os_shared_info->evtchn_mask,
        .pending_sel = &os_vcpu_info->evtchn_pending_sel,
        .upcall_pending = &os_vcpu_info->evtchn_upcall_pending,
    };
}

/* Set port's mask bit: Xen then records pending but sends no upcall. */
void os_evtchn_mask(unsigned int port)
{
    struct evtchn_2l e = bitmaps();

    evtchn_2l_mask(&e, port);
}

/*
 * Unmask through EVTCHNOP_unmask so that Xen re-raises the upcall if the
 * port became pending while masked; a failure leaves the port masked.
 */
void os_evtchn_unmask(unsigned int port)
{
    struct evtchn_unmask arg = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &arg);
}

/* Clear port's pending bit (the guest's half of the handshake). */
void os_evtchn_clear(unsigned int port)
{
    struct evtchn_2l e = bitmaps();

    evtchn_2l_clear_pending(&e, port);
}

/* Nonzero if port's pending bit is set. */
int os_evtchn_is_pending(unsigned int port)
{
    struct evtchn_2l e = bitmaps();

    return evtchn_2l_is_pending(&e, port);
}

/* Mask upcalls on this vCPU (the virtual cli). */
void os_irq_disable(void)
{
    os_vcpu_info->evtchn_upcall_mask = 1;
    os_barrier();
}

/*
 * Unmask upcalls (the virtual sti).  An event that arrived while masked
 * left upcall_pending set; any hypercall's exit path then delivers it.
 */
void os_irq_enable(void)
{
    os_barrier();
    os_vcpu_info->evtchn_upcall_mask = 0;
    os_barrier();
    if (os_vcpu_info->evtchn_upcall_pending)
        HYPERVISOR_xen_version(XENVER_version, NULL);
}

/* Sleep until an event; SCHEDOP_block unmasks atomically with blocking. */
void os_block(void)
{
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

/*
 * The upcall: clear upcall_pending before scanning (so a new event during
 * the scan re-sets it), take the selector atomically, handle every
 * pending unmasked port (the scan resumes after the last port handled, for
 * fairness), and go round again if more arrived.
 */
void os_evtchn_upcall(struct os_regs *regs)
{
    static unsigned int cursor;
    struct vcpu_info *v = os_vcpu_info;
    shared_info_t *s = os_shared_info;

    do {
        uint64_t sel;
        int port;

        v->evtchn_upcall_pending = 0;
        sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while ((port = evtchn_2l_next_pending(s->evtchn_pending, s->evtchn_mask,
                                              &sel, &cursor)) >= 0) {
            os_evtchn_clear((unsigned int)port);
            os_evtchn_count[port]++;
            if (bindings[port].fn)
                bindings[port].fn((unsigned int)port, regs, bindings[port].data);
        }
    } while (v->evtchn_upcall_pending);
}

static void timer_tick(unsigned int port, struct os_regs *regs, void *data);

/*
 * Mask every port, then bind VIRQ_TIMER on vCPU 0 and unmask it.
 * Returns 0 or the Xen error of the bind.
 */
long os_events_init(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    unsigned int i;
    long rc;

    for (i = 0; i < OS_ARRAY_SIZE(os_shared_info->evtchn_mask); i++)
        os_shared_info->evtchn_mask[i] = ~0ul;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind);
    if (rc)
        return rc;
    os_timer_port = bind.port;
    os_evtchn_bind(os_timer_port, timer_tick, NULL);
    os_evtchn_unmask(os_timer_port);
    return 0;
}

volatile unsigned long os_timer_ticks;

static void timer_tick(unsigned int port, struct os_regs *regs, void *data)
{
    os_timer_ticks++;
}
