/*
 * The DomU's part (lifecycle.h): a line in its console ring and the
 * mailbox marked as its sign of life, then Dom0's commands one by one.
 */
#include <xl/string.h>
#include <os/events.h>
#include <os/mm.h>
#include <os/sched.h>
#include <os/time.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include "lifecycle.h"

#define RTT_SAMPLES 1001

static volatile struct lc_mbox *mbox;
static unsigned int cons_port;
static uint64_t rtt[RTT_SAMPLES];
static volatile struct grant_entry_v1 *gtab;

static void *map_own(uint64_t mfn)
{
    void *va = os_alloc_page();

    if (HYPERVISOR_update_va_mapping((unsigned long)va, (mfn << OS_PAGE_SHIFT) | OS_PTE_PRESENT |
                                     OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY, UVMF_INVLPG))
        os_crash();
    return va;
}

static long send(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

static void console_line(const char *line)
{
    volatile struct xencons_interface *ring = map_own(os_start_info->console.domU.mfn);
    xencons_ring_idx_t prod = ring->out_prod;

    for (const char *c = line; *c; c++, prod++)
        ring->out[prod & (sizeof(ring->out) - 1)] = *c;
    os_mb();
    ring->out_prod = prod;
}

/*
 * PONG: every event on the port is answered on it. Counted first: the
 * answer may wake the pinger at once (it preempts us), and Dom0 reads our
 * count as soon as the pinger is done.
 */
static void pong(unsigned int port, struct os_regs *regs, void *data)
{
    mbox->count++;
    send(port);
}

/* Block until os_evtchn_count[port] reaches target. */
static void wait_count(unsigned int port, unsigned long target)
{
    os_irq_disable();
    while (os_evtchn_count[port] < target) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}

static uint64_t median(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)                 /* insertion sort: n is small */
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

static void ping(void)
{
    struct evtchn_bind_interdomain b = { .remote_dom = (domid_t)mbox->peer,
                                         .remote_port = mbox->port };
    struct evtchn_alloc_unbound a = { .dom = (domid_t)mbox->peer, .remote_dom = DOMID_SELF };
    unsigned int lp, n = mbox->n;
    uint64_t start = 0;

    /* Allocating a port in another domain is the control domain's privilege. */
    mbox->res[1] = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    mbox->res[0] = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (mbox->res[0])
        return;
    lp = b.local_port;
    mbox->local_port = lp;
    os_evtchn_clear(lp);                    /* the new channel's first notification */
    os_evtchn_bind(lp, NULL, NULL);
    os_evtchn_unmask(lp);
    for (unsigned int i = 0; i < n; i++) {
        unsigned long target = os_evtchn_count[lp] + 1;
        uint64_t t0 = os_now_ns();

        if (i == 0)
            start = t0;
        send(lp);
        wait_count(lp, target);
        if (i < RTT_SAMPLES)
            rtt[i] = os_now_ns() - t0;
        mbox->count = i + 1;
    }
    mbox->ns = n ? median(rtt, n < RTT_SAMPLES ? n : RTT_SAMPLES) : 0;
    mbox->res[2] = (int64_t)(os_now_ns() - start);
}

static void status(unsigned int port, volatile int64_t *rc, volatile int64_t *st,
                   volatile int64_t *dom)
{
    struct evtchn_status s = { .dom = DOMID_SELF, .port = port };

    *rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &s);
    *st = s.status;
    if (dom)
        *dom = s.status == EVTCHNSTAT_interdomain ? s.u.interdomain.dom : s.u.unbound.dom;
}

/* Grant our mailbox page to Dom0, read-only (grant table frame 0, set up here). */
static void grant_mbox(void)
{
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame = 0;

    s.frame_list.p = &frame;
    mbox->res[0] = os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &s, 1);
    if (mbox->res[0] || s.status != GNTST_okay)
        return;
    gtab = map_own(frame);
    gtab[LC_REF].domid = 0;
    gtab[LC_REF].frame = (uint32_t)os_start_info->store_mfn;
    gtab[LC_REF + 1].domid = 0;
    gtab[LC_REF + 1].frame = (uint32_t)os_start_info->console.domU.mfn;
    os_mb();
    gtab[LC_REF].flags = GTF_permit_access | GTF_readonly;
    gtab[LC_REF + 1].flags = GTF_permit_access | GTF_readonly;
}

/*
 * Our frames that the bootstrap region does not map at their own place
 * (va == pfn << 12): everything past the region, and the region's pages
 * mapped elsewhere since. Nothing of ours is in them: the builder wrote
 * none, we only map them here. For each, fn(window, pfn) through one
 * window page; the number of frames and of mapping failures.
 */
static void each_spare_frame(void (*fn)(volatile uint64_t *page, uint64_t pfn),
                             volatile int64_t *frames, volatile int64_t *failures)
{
    static void *window;
    uint64_t window_pfn;

    if (!window)
        window = os_alloc_page();
    window_pfn = (uint64_t)window >> OS_PAGE_SHIFT;
    *frames = *failures = 0;
    for (uint64_t pfn = 0; pfn < os_start_info->nr_pages; pfn++) {
        uint64_t mfn = os_pfn_to_mfn(pfn);
        const uint64_t *l1e = os_l1e_of(pfn << OS_PAGE_SHIFT);

        if (pfn == window_pfn || (l1e && (*l1e & OS_PTE_PRESENT) &&
                                  (*l1e & OS_PTE_ADDR) >> OS_PAGE_SHIFT == mfn))
            continue;
        if (HYPERVISOR_update_va_mapping((unsigned long)window, (mfn << OS_PAGE_SHIFT) |
                                         OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED |
                                         OS_PTE_DIRTY, UVMF_INVLPG)) {
            (*failures)++;
            continue;
        }
        fn(window, pfn);
        (*frames)++;
    }
}

static void fill_page(volatile uint64_t *page, uint64_t pfn)
{
    for (unsigned int i = 0; i < OS_PAGE_SIZE / 8; i++)
        page[i] = LC_PATTERN ^ pfn;
}

static void check_page(volatile uint64_t *page, uint64_t pfn)
{
    uint64_t any = 0;

    for (unsigned int i = 0; i < OS_PAGE_SIZE / 8; i++)
        any |= page[i];
    if (any && !mbox->res[1]++)
        mbox->res[2] = (int64_t)pfn;
}

/* LC_GRANT_NEW: a frame nothing of ours maps, granted to Dom0; LC_GIVE_BACK: it goes. */
static void grant_new_frame(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    static xen_pfn_t frame;

    frame = os_start_info->nr_pages + 1;
    r.extent_start.p = &frame;
    mbox->res[0] = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
    mbox->res[1] = (int64_t)frame;
    if (mbox->res[0] != 1 || !gtab)
        return;
    gtab[LC_REF + 2].domid = 0;
    gtab[LC_REF + 2].frame = (uint32_t)frame;
    os_mb();
    gtab[LC_REF + 2].flags = GTF_permit_access;
}

static void give_back_frame(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    xen_pfn_t frame = (xen_pfn_t)mbox->res[1];

    r.extent_start.p = &frame;
    mbox->res[0] = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* Churn our memory past the end of what we were built with, round after round, until destroyed. */
static void __attribute__((noreturn)) churn(void)
{
    static struct lc_churn c;

    mbox->count = 0;
    for (;;) {
        lc_churn_round(DOMID_SELF, os_start_info->nr_pages, &c);
        mbox->count = c.rounds;
    }
}

static void do_command(enum lc_cmd cmd)
{
    struct evtchn_close c;

    switch (cmd) {
    case LC_PONG:
        mbox->count = 0;
        os_evtchn_bind(mbox->port, pong, NULL);
        os_evtchn_unmask(mbox->port);
        break;
    case LC_PING:
        ping();
        break;
    case LC_STATUS:
        status(mbox->local_port, &mbox->res[0], &mbox->res[1], &mbox->res[2]);
        break;
    case LC_SEND_CLOSE:
        mbox->res[0] = send(mbox->local_port);
        c = (struct evtchn_close){ .port = mbox->local_port };
        mbox->res[1] = HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
        status(mbox->local_port, &mbox->res[2], &mbox->res[3], NULL);
        break;
    case LC_GRANT:
        grant_mbox();
        break;
    case LC_FILL:
        each_spare_frame(fill_page, &mbox->res[0], &mbox->res[1]);
        break;
    case LC_CHECK_ZERO:
        mbox->res[1] = 0;
        mbox->res[2] = -1;
        each_spare_frame(check_page, &mbox->res[0], &mbox->res[3]);
        break;
    case LC_CHURN:
        churn();
        break;
    case LC_GRANT_NEW:
        grant_new_frame();
        break;
    case LC_GIVE_BACK:
        give_back_frame();
        break;
    case LC_SPIN:
        for (mbox->count = 0;;)
            mbox->count++;
    default:
        break;
    }
}

void lc_domu_main(void)
{
    uint64_t start = os_now_ns();

    cons_port = os_start_info->console.domU.evtchn;
    mbox = map_own(os_start_info->store_mfn);
    mbox->main_ns = start;
    console_line("lifecycle domU: up\n");
    os_evtchn_bind(cons_port, NULL, NULL);
    os_evtchn_unmask(cons_port);
    mbox->magic = LC_MAGIC;
    os_mb();
    send(cons_port);
    for (;;) {
        uint32_t seq;
        enum lc_cmd cmd;

        os_irq_disable();
        while (mbox->seq == mbox->done) {
            os_block();
            os_irq_disable();
        }
        os_irq_enable();
        seq = mbox->seq;
        cmd = (enum lc_cmd)mbox->cmd;
        if (cmd == LC_EXIT) {
            mbox->done = seq;
            send(cons_port);
            os_poweroff();
        }
        do_command(cmd);
        os_mb();
        mbox->done = seq;
        send(cons_port);
    }
}
