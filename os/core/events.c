/*
 * Event channel delivery: the upcall scan, masks and blocking, with the
 * 2-level bitmaps of shared_info or, after os_evtchn_fifo_init, the FIFO
 * queues (the same pure helpers the hypervisor uses, hv/lib).
 */
#include <xl/evtchn_2l.h>
#include <xl/evtchn_fifo.h>
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/smp.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/version.h>

struct binding {
    os_evtchn_handler_t fn;
    void *data;
};

static struct binding bindings[OS_NR_PORTS];
/*
 * Ports the hypervisor delivers to another vCPU than vCPU 0
 * (os_evtchn_set_vcpu): `routed` has their bits, owner their vCPU. A 2-level
 * scan treats the ports of other vCPUs as masked; until a port is routed,
 * the scan reads the shared mask alone.
 */
static uint64_t routed[EVTCHN_2L_NR_WORDS];
static uint8_t owner[EVTCHN_2L_NR_PORTS];
static int routed_any;
volatile unsigned long os_evtchn_count[OS_NR_PORTS];
unsigned int os_timer_port;

/*
 * FIFO state: on once vCPU 0's init_control succeeded; the shared event
 * array, and per vCPU its control block (NULL: none yet) and the guest's
 * own queue heads and READY copy, which only that vCPU's upcall touches.
 */
struct fifo_queues {
    struct evtchn_fifo_control_block *cb;
    uint32_t heads[EVTCHN_FIFO_MAX_QUEUES];
    uint32_t ready;
};

static struct fifo_state {
    int on;
    struct evtchn_fifo_array array;
    struct fifo_queues vcpu[OS_MAX_VCPUS];
} fifo;

/* The FIFO word of port, or NULL (2-level, or no array page for it). */
volatile uint32_t *os_evtchn_fifo_word(unsigned int port)
{
    return fifo.on ? evtchn_fifo_word(&fifo.array, port) : 0;
}

int os_evtchn_fifo_active(void)
{
    return fifo.on;
}

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

    if (fifo.on) {
        if (evtchn_fifo_word(&fifo.array, port))
            evtchn_fifo_test_and_set(evtchn_fifo_word(&fifo.array, port), EVTCHN_FIFO_MASKED);
        return;
    }
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

    if (fifo.on) {
        if (evtchn_fifo_word(&fifo.array, port))
            evtchn_fifo_test_and_clear(evtchn_fifo_word(&fifo.array, port), EVTCHN_FIFO_PENDING);
        return;
    }
    evtchn_2l_clear_pending(&e, port);
}

/* Nonzero if port's pending bit is set. */
int os_evtchn_is_pending(unsigned int port)
{
    struct evtchn_2l e = bitmaps();

    if (fifo.on)
        return evtchn_fifo_word(&fifo.array, port) &&
               evtchn_fifo_test(evtchn_fifo_word(&fifo.array, port), EVTCHN_FIFO_PENDING);
    return evtchn_2l_is_pending(&e, port);
}

void os_evtchn_set_vcpu(unsigned int port, unsigned int vcpu)
{
    uint64_t bit = 1ull << (port % 64);

    if (port >= EVTCHN_2L_NR_PORTS || vcpu >= OS_MAX_VCPUS)
        return;
    __atomic_store_n(&owner[port], (uint8_t)vcpu, __ATOMIC_SEQ_CST);
    if (vcpu)
        __atomic_or_fetch(&routed[port / 64], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&routed[port / 64], ~bit, __ATOMIC_SEQ_CST);
    __atomic_store_n(&routed_any, 1, __ATOMIC_SEQ_CST);
}

/* The ports of word w that vCPU me must leave alone (another vCPU's). */
static uint64_t others_ports(unsigned int me, unsigned int w)
{
    uint64_t r = __atomic_load_n(&routed[w], __ATOMIC_SEQ_CST), mine = 0;

    if (me == 0)
        return r;
    for (uint64_t left = r; left; left &= left - 1) {
        unsigned int b = (unsigned int)__builtin_ctzll(left);

        if (__atomic_load_n(&owner[w * 64 + b], __ATOMIC_SEQ_CST) == me)
            mine |= 1ull << b;
    }
    return ~mine;
}

/* Mask upcalls on this vCPU (the virtual cli). */
void os_irq_disable(void)
{
    os_this_vcpu_info()->evtchn_upcall_mask = 1;
    os_barrier();
}

/*
 * Unmask upcalls (the virtual sti).  An event that arrived while masked
 * left upcall_pending set; any hypercall's exit path then delivers it.
 */
void os_irq_enable(void)
{
    struct vcpu_info *v = os_this_vcpu_info();

    os_barrier();
    v->evtchn_upcall_mask = 0;
    os_barrier();
    if (v->evtchn_upcall_pending)
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
static void deliver(unsigned int port, struct os_regs *regs)
{
    os_evtchn_clear(port);
    if (port >= OS_NR_PORTS)
        return;
    os_evtchn_count[port]++;
    if (bindings[port].fn)
        bindings[port].fn(port, regs, bindings[port].data);
}

/*
 * FIFO upcall of this vCPU: clear upcall_pending, then take events from the
 * most urgent ready queue of its control block first until every queue is
 * empty (evtchn_fifo_next). Without a control block nothing is queued here.
 */
static void fifo_upcall(struct os_regs *regs)
{
    struct vcpu_info *v = os_this_vcpu_info();
    struct fifo_queues *q = &fifo.vcpu[os_vcpu_id()];
    int port;

    do {
        v->evtchn_upcall_pending = 0;
        if (!q->cb)
            return;
        while ((port = evtchn_fifo_next(&fifo.array, q->cb, q->heads, &q->ready)) >= 0)
            deliver((unsigned int)port, regs);
    } while (v->evtchn_upcall_pending);
}

/*
 * The 2-level scan of this vCPU: its selector and upcall flag, the shared
 * bitmaps, and ports routed to another vCPU left to that one.
 */
void os_evtchn_upcall(struct os_regs *regs)
{
    static unsigned int cursors[OS_MAX_VCPUS];
    unsigned int me = os_vcpu_id();
    struct vcpu_info *v = os_this_vcpu_info();
    shared_info_t *s = os_shared_info;
    uint64_t masked[EVTCHN_2L_NR_WORDS];
    const uint64_t *mask = s->evtchn_mask;

    if (fifo.on) {
        fifo_upcall(regs);
        return;
    }
    do {
        uint64_t sel;
        int port;

        v->evtchn_upcall_pending = 0;
        sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&routed_any, __ATOMIC_SEQ_CST)) {
            for (unsigned int w = 0; w < EVTCHN_2L_NR_WORDS; w++)
                masked[w] = s->evtchn_mask[w] | others_ports(me, w);
            mask = masked;
        }
        while ((port = evtchn_2l_next_pending(s->evtchn_pending, mask,
                                              &sel, &cursors[me])) >= 0) {
            deliver((unsigned int)port, regs);
        }
    } while (v->evtchn_upcall_pending);
}

/* EVTCHNOP_expand_array with page; on success its words become ours to read. */
long os_evtchn_fifo_expand(void *page)
{
    struct evtchn_expand_array ea = { .array_gfn = os_virt_to_mfn(page) };
    long rc;

    if (!fifo.on)
        return -XEN_EOPNOTSUPP;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea);
    if (rc == 0) {
        fifo.array.page[fifo.array.nr_ports / EVTCHN_FIFO_WORDS_PER_PAGE] = page;
        fifo.array.nr_ports += EVTCHN_FIFO_WORDS_PER_PAGE;
    }
    return rc;
}

/* Clear a control block and hand it over for vCPU `vcpu` (EVTCHNOP_init_control). */
static long init_control(unsigned int vcpu, void *cb_page, unsigned int offset, uint8_t *link_bits)
{
    struct evtchn_init_control ic = {
        .control_gfn = os_virt_to_mfn(cb_page), .offset = offset, .vcpu = vcpu,
    };
    struct evtchn_fifo_control_block *cb =
        (struct evtchn_fifo_control_block *)((uint8_t *)cb_page + offset);
    long rc;

    if (offset > OS_PAGE_SIZE - sizeof(*cb))
        return -XEN_EINVAL;                     /* Xen's answer too: it would leave the page */
    *cb = (struct evtchn_fifo_control_block){ 0 };
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
    if (link_bits)
        *link_bits = ic.link_bits;
    if (rc == 0 && vcpu < OS_MAX_VCPUS)
        fifo.vcpu[vcpu].cb = cb;
    return rc;
}

/*
 * Switch to FIFO: vCPU 0's control block at offset in cb_page, then
 * array_page as the first event-array page (ports 0-1023), its words
 * masked where the 2-level mask is set, so every port keeps its mask.
 * Upcalls are held off meanwhile.  Returns 0, or Xen's error (from
 * init_control: still 2-level).  *link_bits gets init_control's answer.
 */
long os_evtchn_fifo_init(void *cb_page, unsigned int offset, void *array_page,
                         uint8_t *link_bits)
{
    struct evtchn_2l e = bitmaps();
    uint32_t *words = array_page;
    uint8_t was_masked = os_vcpu_info->evtchn_upcall_mask;
    long rc;

    for (unsigned int p = 0; p < EVTCHN_FIFO_WORDS_PER_PAGE; p++)
        words[p] = evtchn_2l_is_masked(&e, p) ? 1u << EVTCHN_FIFO_MASKED : 0;
    os_irq_disable();
    rc = init_control(0, cb_page, offset, link_bits);
    if (rc == 0) {
        fifo.on = 1;
        rc = os_evtchn_fifo_expand(array_page);
    }
    if (!was_masked)
        os_irq_enable();
    return rc;
}

/*
 * The control block of vCPU `vcpu` (not 0: os_evtchn_fifo_init) at offset
 * in cb_page, a page of ours that may hold other vCPUs' blocks too; events
 * bound to that vCPU are queued there from then on, and its upcall consumes
 * them.  0 or Xen's error (-EOPNOTSUPP before os_evtchn_fifo_init).
 */
long os_evtchn_fifo_init_vcpu(unsigned int vcpu, void *cb_page, unsigned int offset)
{
    if (!fifo.on)
        return -XEN_EOPNOTSUPP;
    return init_control(vcpu, cb_page, offset, NULL);
}

/*
 * EVTCHNOP_reset of ourselves: the hypervisor closes every port and, from
 * FIFO, returns us to 2-level.  The library forgets its bindings and its
 * FIFO state and binds VIRQ_TIMER again (os_events_init).  0 or Xen's error.
 */
long os_evtchn_reset(void)
{
    struct evtchn_reset r = { .dom = DOMID_SELF };
    uint8_t was_masked = os_vcpu_info->evtchn_upcall_mask;
    long rc;

    os_irq_disable();
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r);
    if (rc == 0) {
        /* Bits left from before a FIFO switch (closing under FIFO clears the word only). */
        for (unsigned int i = 0; i < OS_ARRAY_SIZE(os_shared_info->evtchn_pending); i++)
            os_shared_info->evtchn_pending[i] = 0;
        os_vcpu_info->evtchn_pending_sel = 0;
        fifo = (struct fifo_state){ 0 };
        for (unsigned int w = 0; w < EVTCHN_2L_NR_WORDS; w++)
            routed[w] = 0;
        for (unsigned int p = 0; p < OS_NR_PORTS; p++)
            bindings[p] = (struct binding){ 0 };
        rc = os_events_init();
    }
    if (!was_masked)
        os_irq_enable();
    return rc;
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
