/*
 * SMPF: FIFO event channels on every vCPU (run with several vCPUs; with one
 * the suite prints nothing). Each vCPU gets its own control block through
 * EVTCHNOP_init_control (56 blocks of 72 bytes to a page); ports bound to a
 * vCPU (bind_ipi) or moved to it (EVTCHNOP_bind_vcpu) are queued on its
 * block and its own upcall takes them, which the handler checks by running
 * on that vCPU. Xen 4.17's rules checked: an event for a vCPU without a
 * control block is dropped, a queued event stays on the vCPU it was queued
 * on after a move, a masked pending one follows the move when unmasked.
 *
 * Switches to FIFO if the evtchn_fifo suite did not (then for good). The
 * vCPUs used: 1, the middle one and the last (64 and 127 with 128 vCPUs:
 * in the second word of a vCPU bitmap).
 */
#include <os/events.h>
#include <os/mm.h>
#include <xen/event_channel.h>
#include "smp_util.h"
#include "test.h"

#define CB_SIZE     sizeof(struct evtchn_fifo_control_block)
#define CB_PER_PAGE (OS_PAGE_SIZE / CB_SIZE)
#define P(bit)      (1u << (bit))

static unsigned int nr_vcpus;
static unsigned int targets[3], nr_targets;
static volatile int ran_on[OS_NR_PORTS];
static unsigned int order[4];
static volatile unsigned int nr_order;

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static void note(unsigned int port, struct os_regs *regs, void *data)
{
    ran_on[port] = (int)os_vcpu_id();
    if (nr_order < OS_ARRAY_SIZE(order))
        order[nr_order++] = port;
}

static uint32_t word(unsigned int port)
{
    volatile uint32_t *w = os_evtchn_fifo_word(port);

    return w ? *w : 0xdead;
}

/* Job: block until one more delivery on the port than when it was given. */
struct wait { unsigned int port; unsigned long base; };

static void job_wait(void *arg)
{
    const struct wait *w = arg;

    smp_block_until(&os_evtchn_count[w->port], w->base);
}

/* Run job_wait for port on vCPU id; `send` (if nonzero) is notified once it runs. */
static long wait_on(unsigned int id, unsigned int port, unsigned int send)
{
    static struct wait w;
    struct evtchn_send s = { .port = send };
    long rc;

    w = (struct wait){ .port = port, .base = os_evtchn_count[port] };
    ran_on[port] = -1;
    rc = smp_run(id, job_wait, &w);
    if (rc == 0 && send)
        rc = op(EVTCHNOP_send, &s);
    os_vcpu_wait(id);
    return rc;
}

static void close_port(unsigned int port)
{
    struct evtchn_close cl = { .port = port };

    op(EVTCHNOP_close, &cl);
    os_evtchn_unbind(port);
}

/* A loopback channel: *rx gets what a send on *tx raises. */
static long loopback(unsigned int *rx, unsigned int *tx)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    long rc = op(EVTCHNOP_alloc_unbound, &au);

    bi.remote_port = au.port;
    rc = rc ? rc : op(EVTCHNOP_bind_interdomain, &bi);
    *rx = au.port;
    *tx = bi.local_port;
    if (rc == 0) {
        os_evtchn_bind(au.port, note, NULL);
        os_evtchn_clear(au.port);           /* the bind's own notification */
    }
    return rc;
}

static long bind_vcpu(unsigned int port, unsigned int vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return op(EVTCHNOP_bind_vcpu, &b);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };

    return op(EVTCHNOP_init_control, &ic);
}

/* vCPU 0 on FIFO (if no suite before did it) and an IPI toward vCPU 1 before its block. */
static int fifo_on_vcpu0(unsigned int *early)
{
    struct evtchn_bind_ipi b = { .vcpu = 1 };
    struct evtchn_send s;
    long rc = 0;

    if (!os_evtchn_fifo_active()) {
        void *cb = os_alloc_page(), *array = os_alloc_page();

        rc = cb && array ? os_evtchn_fifo_init(cb, OS_PAGE_SIZE - CB_SIZE, array, NULL)
                         : -XEN_ENOMEM;
    }
    t_rc("SMPF0001", "vCPU 0 is on FIFO events", rc, 0);
    if (rc)
        return 0;
    t_rc("SMPF0002", "init_control for the first vCPU the domain lacks gives -ENOENT",
         init_control(0, 0, nr_vcpus), -XEN_ENOENT);
    rc = op(EVTCHNOP_bind_ipi, &b);
    if (rc == 0) {
        os_evtchn_bind(b.port, note, NULL);
        os_evtchn_unmask(b.port);
        s.port = b.port;
        rc = op(EVTCHNOP_send, &s);
    }
    t_check("SMPF0003", "an IPI toward vCPU 1 before its control block is dropped (not pending)",
            rc == 0 && !(word(b.port) & P(EVTCHN_FIFO_PENDING)),
            "(rc=%ld word=%#x)", rc, word(b.port));
    *early = b.port;
    return 1;
}

/* A control block for every other vCPU, CB_PER_PAGE to a page, and the refusals around. */
static int blocks_for_all(void)
{
    uint8_t *page = NULL;
    unsigned int done = 0;
    long rc = 0;

    page = os_alloc_page();
    if (!page)
        return 0;
    t_rc("SMPF0004", "init_control for vCPU 1 at an offset not 8-byte aligned gives -EINVAL",
         init_control(os_virt_to_mfn(page), 4, 1), -XEN_EINVAL);
    t_rc("SMPF0005", "init_control for vCPU 1 at offset 4032 (past the last block) gives -EINVAL",
         init_control(os_virt_to_mfn(page), OS_PAGE_SIZE - CB_SIZE + 8, 1), -XEN_EINVAL);
    t_rc("SMPF0006", "init_control for vCPU 1 on an MFN no machine has gives -EINVAL",
         init_control((1ull << 40) - 1, 0, 1), -XEN_EINVAL);
    for (unsigned int id = 1; id < nr_vcpus && rc == 0; id++) {
        unsigned int slot = (id - 1) % CB_PER_PAGE;

        if (slot == 0 && id > 1)
            page = os_alloc_page();
        rc = page ? os_evtchn_fifo_init_vcpu(id, page, slot * CB_SIZE) : -XEN_ENOMEM;
        if (rc == 0)
            done++;
    }
    t_check("SMPF0007", "init_control for every other vCPU, 56 control blocks to a page, gives 0",
            rc == 0 && done == nr_vcpus - 1, "(rc=%ld done=%u of %u)", rc, done, nr_vcpus - 1);
    t_rc("SMPF0008", "init_control for vCPU 1 again gives -EINVAL",
         init_control(os_virt_to_mfn(page), 0, 1), -XEN_EINVAL);
    return rc == 0;
}

/* Each target vCPU gets an IPI of its own, taken by its own upcall. */
static void ipis(unsigned int early)
{
    struct evtchn_bind_ipi b;
    long rc;
    unsigned int good = 0;

    rc = wait_on(1, early, early);
    t_check("SMPF0009", "the IPI toward vCPU 1 sent again once it has a block is taken on vCPU 1",
            rc == 0 && ran_on[early] == 1, "(rc=%ld ran_on=%d)", rc, ran_on[early]);
    close_port(early);
    for (unsigned int i = 0; i < nr_targets; i++) {
        b = (struct evtchn_bind_ipi){ .vcpu = targets[i] };
        rc = op(EVTCHNOP_bind_ipi, &b);
        if (rc)
            break;
        os_evtchn_bind(b.port, note, NULL);
        os_evtchn_unmask(b.port);
        rc = wait_on(targets[i], b.port, b.port);
        good += rc == 0 && ran_on[b.port] == (int)targets[i];
        close_port(b.port);
    }
    t_check("SMPF0010", "an IPI bound to vCPU 1, the middle and the last vCPU is taken there",
            good == nr_targets, "(rc=%ld good=%u of %u)", rc, good, nr_targets);
}

/* An interdomain port moved with bind_vcpu from vCPU to vCPU. */
static void moves(void)
{
    unsigned int rx, tx, good = 0, last = 0;
    long rc = loopback(&rx, &tx);

    if (rc == 0)
        os_evtchn_unmask(rx);
    for (unsigned int i = 0; i < nr_targets && rc == 0; i++) {
        rc = bind_vcpu(rx, targets[i]);
        rc = rc ? rc : wait_on(targets[i], rx, tx);
        good += rc == 0 && ran_on[rx] == (int)targets[i];
        last = targets[i];
    }
    t_check("SMPF0011", "bind_vcpu moves an interdomain port to vCPU 1, the middle and the last",
            good == nr_targets, "(rc=%ld good=%u of %u)", rc, good, nr_targets);

    /* Pending while masked (not queued): it follows the move once unmasked. */
    os_evtchn_mask(rx);
    {
        struct evtchn_send s = { .port = tx };
        unsigned long base = os_evtchn_count[rx];

        op(EVTCHNOP_send, &s);
        ran_on[rx] = -1;
        rc = bind_vcpu(rx, 0);
        os_evtchn_unmask(rx);
        if (rc == 0)
            smp_block_until(&os_evtchn_count[rx], base);
    }
    t_check("SMPF0012", "a masked pending port moved from the last vCPU to vCPU 0 is taken there once unmasked",
            rc == 0 && ran_on[rx] == 0, "(rc=%ld ran_on=%d last=%u)", rc, ran_on[rx], last);

    /* Queued on the last vCPU while it is down, then moved: the queued one stays there. */
    rc = bind_vcpu(rx, last);
    {
        struct evtchn_send s = { .port = tx };
        rc = rc ? rc : op(EVTCHNOP_send, &s);
    }
    t_check("SMPF0013", "an event for the last vCPU while it is down is queued (pending and linked)",
            rc == 0 && (word(rx) & (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_LINKED))) ==
                           (P(EVTCHN_FIFO_PENDING) | P(EVTCHN_FIFO_LINKED)),
            "(rc=%ld word=%#x)", rc, word(rx));
    rc = bind_vcpu(rx, 0);
    rc = rc ? rc : wait_on(last, rx, 0);
    t_check("SMPF0014", "moved to vCPU 0 meanwhile, the queued event is still taken on the last vCPU",
            rc == 0 && ran_on[rx] == (int)last, "(rc=%ld ran_on=%d)", rc, ran_on[rx]);
    {
        struct evtchn_send s = { .port = tx };
        unsigned long base = os_evtchn_count[rx];

        ran_on[rx] = -1;
        rc = op(EVTCHNOP_send, &s);
        if (rc == 0)
            smp_block_until(&os_evtchn_count[rx], base);
    }
    t_check("SMPF0015", "the next event on that port is taken on vCPU 0",
            rc == 0 && ran_on[rx] == 0, "(rc=%ld ran_on=%d)", rc, ran_on[rx]);
    close_port(tx);
    close_port(rx);
}

/* Two ports queued on the last vCPU while it is down: the more urgent first. */
static void priorities(void)
{
    unsigned int rx1, tx1, rx2, tx2, last = targets[nr_targets - 1];
    struct evtchn_set_priority sp;
    struct evtchn_send s;
    long rc = loopback(&rx1, &tx1);

    rc = rc ? rc : loopback(&rx2, &tx2);
    if (rc == 0) {
        sp = (struct evtchn_set_priority){ .port = rx1, .priority = 9 };
        rc = op(EVTCHNOP_set_priority, &sp);
        sp = (struct evtchn_set_priority){ .port = rx2, .priority = 2 };
        rc = rc ? rc : op(EVTCHNOP_set_priority, &sp);
        rc = rc ? rc : bind_vcpu(rx1, last);
        rc = rc ? rc : bind_vcpu(rx2, last);
        os_evtchn_unmask(rx1);
        os_evtchn_unmask(rx2);
        s.port = tx1;
        rc = rc ? rc : op(EVTCHNOP_send, &s);
        s.port = tx2;
        rc = rc ? rc : op(EVTCHNOP_send, &s);
        nr_order = 0;
        rc = rc ? rc : wait_on(last, rx1, 0);
    }
    t_check("SMPF0016", "on the last vCPU a port of priority 2 raised second is taken before one of priority 9",
            rc == 0 && nr_order == 2 && order[0] == rx2 && order[1] == rx1 &&
            ran_on[rx1] == (int)last && ran_on[rx2] == (int)last,
            "(rc=%ld n=%u first=%u)", rc, nr_order, order[0]);
    close_port(tx1);
    close_port(rx1);
    close_port(tx2);
    close_port(rx2);
}

/* What bind_vcpu refuses, and the ports it may move without a queue. */
static void refusals(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_DEBUGGER, .vcpu = 0 };
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    unsigned int last = targets[nr_targets - 1];
    long rc;

    t_rc("SMPF0017", "bind_vcpu of the VIRQ_TIMER port (a per-vCPU VIRQ) gives -EINVAL",
         bind_vcpu(os_timer_port, last), -XEN_EINVAL);
    t_rc("SMPF0018", "bind_vcpu to the first vCPU the domain lacks gives -ENOENT",
         bind_vcpu(os_timer_port, nr_vcpus), -XEN_ENOENT);
    t_rc("SMPF0019", "bind_vcpu of a free port gives -EINVAL", bind_vcpu(OS_NR_PORTS - 1, last),
         -XEN_EINVAL);
    t_rc("SMPF0020", "bind_vcpu of port 0 gives -EINVAL", bind_vcpu(0, last), -XEN_EINVAL);
    rc = op(EVTCHNOP_alloc_unbound, &au);
    t_rc("SMPF0021", "bind_vcpu of an unbound port to the last vCPU gives 0",
         rc ? rc : bind_vcpu(au.port, last), 0);
    if (rc == 0)
        close_port(au.port);
    rc = op(EVTCHNOP_bind_virq, &bv);
    t_rc("SMPF0022", "bind_vcpu of a global VIRQ (VIRQ_DEBUGGER) to the last vCPU gives 0",
         rc ? rc : bind_vcpu(bv.port, last), 0);
    if (rc == 0)
        close_port(bv.port);
}

void suite_smp_fifo(void)
{
    unsigned int early;

    nr_vcpus = t_vcpu_absent();
    if (nr_vcpus < 2)
        return;                                 /* one vCPU: nothing to print */
    nr_targets = 0;
    targets[nr_targets++] = 1;
    if (nr_vcpus / 2 > 1)
        targets[nr_targets++] = nr_vcpus / 2;
    if (nr_vcpus - 1 > nr_vcpus / 2)
        targets[nr_targets++] = nr_vcpus - 1;
    if (nr_vcpus > os_vcpu_limit()) {
        t_case("SMPF0001", "vCPU 0 is on FIFO events", T_SKIP, "(%u vCPUs, stacks for %u)",
               nr_vcpus, os_vcpu_limit());
        return;
    }
    if (!fifo_on_vcpu0(&early) || !blocks_for_all())
        return;
    ipis(early);
    moves();
    priorities();
    refusals();
}
