/*
 * FIFO: FIFO event channels (event_channel_op 11-13) and delivery through
 * the queues.  Runs after the 2-level suites.  Only EVTCHNOP_reset (which
 * closes every port) goes back to 2-level; the suite checks that and then
 * switches to FIFO again, so the suites after it (sched) run on FIFO events
 * (the os/ library consumes the queues).  The MMU audit at shutdown then
 * shows that the reset gave back every frame of the first setup.
 *
 * Layout used: vCPU 0's control block at offset 4024 of its page (the last
 * block that fits), event array page 0 for ports 0-1023.
 */
#include <os/events.h>
#include <os/mm.h>
#include <os/time.h>
#include <xen/event_channel.h>
#include "test.h"
#include "pt_util.h"

#define CB_OFFSET   (OS_PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
#define MFN_ALL_ONES ((1ull << 40) - 1)
#define MS 1000000ull
#define P(bit) (1u << (bit))

static struct evtchn_fifo_control_block *cb;

/* Ports in the order the upcall handed them to us. */
static unsigned int order[8];
static volatile unsigned int nr_order;
static volatile unsigned long hits[OS_NR_PORTS];

static void record(unsigned int port, struct os_regs *regs, void *data)
{
    hits[port]++;
    if (nr_order < OS_ARRAY_SIZE(order))
        order[nr_order++] = port;
}

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };

    return op(EVTCHNOP_init_control, &ic);
}

static long expand(uint64_t gfn)
{
    struct evtchn_expand_array ea = { .array_gfn = gfn };

    return op(EVTCHNOP_expand_array, &ea);
}

static long set_priority(evtchn_port_t port, uint32_t priority)
{
    struct evtchn_set_priority sp = { .port = port, .priority = priority };

    return op(EVTCHNOP_set_priority, &sp);
}

/* A fresh IPI port on vCPU 0 routed to record(), unmasked; 0 on failure. */
static evtchn_port_t new_port(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };

    if (op(EVTCHNOP_bind_ipi, &bi))
        return 0;
    hits[bi.port] = 0;
    os_evtchn_bind(bi.port, record, NULL);
    os_evtchn_unmask(bi.port);
    return bi.port;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return op(EVTCHNOP_send, &s);
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    os_evtchn_unbind(port);
    op(EVTCHNOP_close, &c);
}

static uint32_t word(evtchn_port_t port)
{
    volatile uint32_t *w = os_evtchn_fifo_word(port);

    return w ? *w : 0xdeadbeef;
}

/* Block until a timer event has come in (or 1 s passed). */
static int timer_fires(void)
{
    unsigned long before = os_timer_ticks;
    uint64_t limit = os_now_ns() + 1000 * MS;

    os_timer_set(os_now_ns() + MS);
    os_irq_disable();
    while (os_timer_ticks == before && os_now_ns() < limit) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
    return os_timer_ticks != before;
}

/* Refusals while still 2-level; none of them may switch the domain. */
static void refused_while_2level(uint64_t page_mfn)
{
    struct evtchn_init_control ic;

    t_rc("FIFO0001", "expand_array before init_control gives -EOPNOTSUPP",
         expand(page_mfn), -XEN_EOPNOTSUPP);
    t_rc("FIFO0002", "set_priority on a 2-level domain gives -ENOSYS",
         set_priority(os_timer_port, 3), -XEN_ENOSYS);
    t_rc("FIFO0003", "set_priority of a port beyond the table gives -EINVAL",
         set_priority(100000, 3), -XEN_EINVAL);
    t_rc("FIFO0004", "init_control for a vCPU we lack gives -ENOENT",
         init_control(page_mfn, 0, t_vcpu_absent()), -XEN_ENOENT);
    t_rc("FIFO0005", "init_control with an offset past the last whole block gives -EINVAL",
         init_control(page_mfn, CB_OFFSET + 8, 0), -XEN_EINVAL);
    t_rc("FIFO0006", "init_control with an offset not 8-byte aligned gives -EINVAL",
         init_control(page_mfn, 12, 0), -XEN_EINVAL);
    t_rc("FIFO0007", "init_control checks the vCPU before the offset (-ENOENT)",
         init_control(page_mfn, 12, t_vcpu_absent()), -XEN_ENOENT);
    t_rc("FIFO0008", "init_control on a hypervisor frame gives -EINVAL",
         init_control(pt_xen_mfn(), 0, 0), -XEN_EINVAL);
    t_rc("FIFO0009", "init_control on an MFN no machine has gives -EINVAL",
         init_control(MFN_ALL_ONES, 0, 0), -XEN_EINVAL);
    t_rc("FIFO0010", "init_control on our own L4 page table gives -EINVAL",
         init_control(pt_boot_l4_mfn(), 0, 0), -XEN_EINVAL);
    t_rc("FIFO0011", "init_control from an unmapped argument gives -EFAULT",
         op(EVTCHNOP_init_control, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    ic = (struct evtchn_init_control){ .control_gfn = pt_xen_mfn() };
    op(EVTCHNOP_init_control, &ic);
    t_check("FIFO0012", "a refused init_control leaves the domain 2-level, link_bits untouched",
            expand(page_mfn) == -XEN_EOPNOTSUPP && ic.link_bits == 0 &&
            set_priority(os_timer_port, 3) == -XEN_ENOSYS, "(link_bits=%u)", ic.link_bits);
}

/*
 * The switch.  A port masked and pending in the 2-level bitmaps stays
 * pending across it and is raised (masked, so not linked) when the array
 * page that holds its word is added.
 */
static int switch_to_fifo(uint8_t *cb_page, void *array_page)
{
    evtchn_port_t carried = new_port();
    uint8_t link_bits = 0;
    uint32_t w;
    long rc;

    os_evtchn_mask(carried);
    send(carried);
    rc = os_evtchn_fifo_init(cb_page, CB_OFFSET, array_page, &link_bits);
    cb = (struct evtchn_fifo_control_block *)(cb_page + CB_OFFSET);
    t_check("FIFO0013", "init_control at offset 4024 and one array page switch to FIFO, link_bits 17",
            rc == 0 && link_bits == EVTCHN_FIFO_LINK_BITS, "(rc=%ld link_bits=%u)", rc,
            link_bits);
    if (rc)
        return -1;
    w = word(carried);
    t_check("FIFO0014", "a port pending in the 2-level bitmap is pending in its FIFO word, masked, unlinked",
            (w & (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_MASKED) | P(EVTCHN_FIFO_LINKED))) ==
            (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_MASKED)) && hits[carried] == 0,
            "(word=%#x hits=%lu)", w, hits[carried]);
    os_evtchn_unmask(carried);
    t_check("FIFO0015", "unmasking it delivers it once through the queue",
            hits[carried] == 1 && !os_evtchn_is_pending(carried), "(hits=%lu word=%#x)",
            hits[carried], word(carried));
    close_port(carried);
    t_check("FIFO0043", "the switch leaves the 2-level bitmap alone: its 2-level pending bit is still set",
            (os_shared_info->evtchn_pending[carried / 64] >> (carried % 64)) & 1, "(port %u)",
            carried);
    t_check("FIFO0016", "VIRQ_TIMER bound before the switch is delivered through FIFO",
            timer_fires(), "(ticks=%lu)", (unsigned long)os_timer_ticks);
    t_rc("FIFO0017", "init_control again for vCPU 0 gives -EINVAL",
         init_control(os_virt_to_mfn(cb_page), 0, 0), -XEN_EINVAL);
    return 0;
}

static void priorities(void)
{
    evtchn_port_t p9 = new_port(), p2 = new_port(), p7 = new_port(), closed = new_port();

    t_rc("FIFO0018", "set_priority 16 (below the lowest) gives -EINVAL", set_priority(p9, 16),
         -XEN_EINVAL);
    t_check("FIFO0019", "set_priority 0 and 15 are accepted",
            set_priority(p9, 0) == 0 && set_priority(p9, 15) == 0, NULL);
    t_rc("FIFO0020", "set_priority of port 0 (reserved) gives -EACCES", set_priority(0, 3),
         -XEN_EACCES);
    close_port(closed);
    t_rc("FIFO0021", "set_priority of a closed port gives -EACCES", set_priority(closed, 3),
         -XEN_EACCES);

    /*
     * A fresh port queues at the default priority 7.  The last upcall left
     * READY empty (the guest never writes it: a cleared bit of a queue
     * with events would strand them).
     */
    os_irq_disable();
    send(p7);
    t_check("FIFO0022", "a new port is queued at priority 7 (READY bit 7, head of queue 7)",
            cb->ready == P(EVTCHN_FIFO_PRIORITY_DEFAULT) &&
            cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] == p7, "(ready=%#x head=%u)", cb->ready,
            cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT]);
    nr_order = 0;
    os_irq_enable();

    set_priority(p9, 9);
    set_priority(p2, 2);
    os_irq_disable();
    nr_order = 0;
    send(p9);
    send(p2);
    send(p7);
    t_check("FIFO0023", "events at priorities 9, 2, 7 sent with upcalls masked set READY bits 2, 7, 9",
            (cb->ready & (P(2) | P(7) | P(9))) == (P(2) | P(7) | P(9)) && nr_order == 0,
            "(ready=%#x)", cb->ready);
    os_irq_enable();
    t_check("FIFO0024", "they are delivered most urgent first: 2, 7, 9",
            nr_order == 3 && order[0] == p2 && order[1] == p7 && order[2] == p9,
            "(n=%u: %u %u %u; ports 2:%u 7:%u 9:%u)", nr_order, order[0], order[1], order[2],
            p2, p7, p9);
    close_port(p9);
    close_port(p2);
    close_port(p7);
}

static void fifo_order_and_masks(void)
{
    evtchn_port_t x = new_port(), y = new_port(), z = new_port();
    uint32_t wy;

    set_priority(x, 5);
    set_priority(y, 5);
    os_irq_disable();
    nr_order = 0;
    send(y);
    send(x);
    wy = word(y);
    t_check("FIFO0025", "two events of one priority: the first is the head and links to the second",
            cb->head[5] == y && (wy & P(EVTCHN_FIFO_LINKED)) &&
            (wy & EVTCHN_FIFO_LINK_MASK) == x, "(head=%u word(y)=%#x x=%u)", cb->head[5],
            wy, x);
    os_irq_enable();
    t_check("FIFO0026", "and they are delivered in the order sent",
            nr_order == 2 && order[0] == y && order[1] == x, "(n=%u: %u %u)", nr_order,
            order[0], order[1]);
    t_check("FIFO0027", "delivered events are unlinked and no longer pending",
            (word(x) & (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK)) == 0 &&
            (word(y) & (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK)) == 0,
            "(x=%#x y=%#x)", word(x), word(y));

    set_priority(z, 3);
    os_evtchn_mask(z);
    send(z);
    t_check("FIFO0028", "an event on a masked port is pending, not linked, no READY bit, not delivered",
            (word(z) & (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_LINKED))) == P(EVTCHN_FIFO_PENDING) &&
            !(cb->ready & P(3)) && hits[z] == 0, "(word=%#x ready=%#x hits=%lu)", word(z),
            cb->ready, hits[z]);
    os_evtchn_unmask(z);
    t_check("FIFO0029", "EVTCHNOP_unmask links it and it is delivered",
            hits[z] == 1 && !os_evtchn_is_pending(z), "(hits=%lu word=%#x)", hits[z], word(z));

    os_evtchn_mask(z);
    send(z);
    close_port(z);
    t_check("FIFO0030", "closing a pending port clears PENDING",
            !(word(z) & P(EVTCHN_FIFO_PENDING)), "(word=%#x)", word(z));
    close_port(x);
    close_port(y);
}

/* A closed port still on a queue is not handed out again until the guest unlinks it. */
static void busy_ports(void)
{
    evtchn_port_t w, other, again;

    os_irq_disable();
    w = new_port();                 /* the lowest free port */
    send(w);
    close_port(w);
    other = new_port();
    t_check("FIFO0031", "a port closed while linked is not reused by the next bind",
            w && other && other != w && (word(w) & P(EVTCHN_FIFO_LINKED)),
            "(closed=%u new=%u word=%#x)", w, other, word(w));
    os_irq_enable();                /* the upcall unlinks it (no longer pending: skipped) */
    again = new_port();
    t_check("FIFO0032", "once unlinked by the guest it is free again",
            again == w && hits[w] == 0, "(closed=%u new=%u hits=%lu)", w, again, hits[w]);
    close_port(again);
    close_port(other);
}

static void array_limits(void *scratch)
{
    unsigned int added = 0;
    long rc = 0;

    t_rc("FIFO0033", "expand_array with a hypervisor frame gives -EINVAL", expand(pt_xen_mfn()),
         -XEN_EINVAL);
    t_rc("FIFO0034", "expand_array with our own L4 page table gives -EINVAL",
         expand(pt_boot_l4_mfn()), -XEN_EINVAL);
    t_rc("FIFO0035", "expand_array with an MFN no machine has gives -EINVAL",
         expand(MFN_ALL_ONES), -XEN_EINVAL);
    t_rc("FIFO0036", "expand_array from an unmapped argument gives -EFAULT",
         op(EVTCHNOP_expand_array, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    /* Pages 1-127 (ports up to 2^17 - 1), all backed by one frame: Xen counts each use. */
    while (added < 127 && (rc = os_evtchn_fifo_expand(scratch)) == 0)
        added++;
    t_check("FIFO0037", "expand_array accepts pages up to 128 (2^17 ports)", added == 127,
            "(added=%u rc=%ld)", added, rc);
    t_rc("FIFO0038", "expand_array past 128 pages gives -ENOSPC", expand(os_virt_to_mfn(scratch)),
         -XEN_ENOSPC);
}

/* Back to 2-level through EVTCHNOP_reset, then FIFO again on the same frames. */
static void reset_and_again(uint8_t *cb_page, void *array_page)
{
    evtchn_port_t ipi;
    long rc = os_evtchn_reset();

    t_check("FIFO0039", "EVTCHNOP_reset closes every port and returns the domain to 2-level",
            rc == 0 && !os_evtchn_fifo_active() && expand(os_virt_to_mfn(array_page)) ==
            -XEN_EOPNOTSUPP && set_priority(os_timer_port, 3) == -XEN_ENOSYS, "(rc=%ld)", rc);
    ipi = new_port();
    rc = ipi ? send(ipi) : -1;
    t_check("FIFO0040", "2-level delivery works again after the reset",
            rc == 0 && hits[ipi] == 1, "(rc=%ld hits=%lu)", rc, hits[ipi]);
    close_port(ipi);
    rc = os_evtchn_fifo_init(cb_page, CB_OFFSET, array_page, NULL);
    t_check("FIFO0041", "FIFO can be set up again afterwards, on the same frames",
            rc == 0 && os_evtchn_fifo_active(), "(rc=%ld)", rc);
    t_check("FIFO0042", "and VIRQ_TIMER is delivered through FIFO again", rc == 0 && timer_fires(),
            "(ticks=%lu)", (unsigned long)os_timer_ticks);
}

void suite_evtchn_fifo(void)
{
    uint8_t *cb_page = os_alloc_page();
    void *array_page = os_alloc_page();
    void *scratch = os_alloc_page();

    if (!cb_page || !array_page || !scratch) {
        t_case("FIFO0013", "init_control at offset 4024 and one array page switch to FIFO, link_bits 17",
               T_FAIL, "(no free pages)");
        return;
    }
    refused_while_2level(os_virt_to_mfn(cb_page));
    if (switch_to_fifo(cb_page, array_page))
        return;
    priorities();
    fifo_order_and_masks();
    busy_ports();
    array_limits(scratch);
    reset_and_again(cb_page, array_page);
}
