/*
 * xdom's MMU race (Dom0's command line "mmurace=N", Xenolith only: it uses
 * the MMU audit domctl): Dom0 and the DomU work on the same frames at once,
 * each on its own CPU, with no step in between. The DomU owns XDOM_RACE
 * frames; round after round it changes one's type (its own writable mapping
 * goes, the frame is pinned as an L1 and unpinned, mapped writable again)
 * or gives it back (decrease_reservation) and takes a new one
 * (populate_physmap), publishing the frame numbers in the control page.
 * Dom0's vCPU 0 meanwhile maps the published frames through mmu_update
 * naming the DomU (read-only or writable; refused with -EBUSY when the
 * frame is an L1 now or no longer the DomU's) and unmaps them again, while
 * its vCPU 1 audits the DomU over and over (with one vCPU: every few
 * rounds, in between). A foreign mapping changes the DomU's counts under
 * Dom0's page lock; the audit, the release of a given-back frame and its
 * last reference must all cope (docs/locking.md). Dom0 runs at least N
 * rounds, until the DomU has done N/8 and 8 audits ran during a mapping
 * round. It prints one line: the audits must find nothing, no call may
 * fail otherwise, and the free frames and the DomU's reservation must be
 * what they were before.
 */
#include <os/mm.h>
#include <os/smp.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xl/string.h>
#include "xdom.h"

#define RW (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)
#define RO (OS_PTE_PRESENT | OS_PTE_ACCESSED)
#define AUDIT_EVERY 8                   /* Dom0 rounds between audits */

/* ---- DomU ---- */

static uint8_t *race_page[XDOM_RACE];
static uint64_t race_pfn[XDOM_RACE];

/* Count a result that is not `want` as bad; the first one is left for Dom0 to print. */
static void expect(volatile struct xdom_ctrl *c, uint64_t *bad, unsigned int what, long rc,
                   long want)
{
    if (rc == want)
        return;
    if (!(*bad)++) {
        c->race_bad_what = what;
        c->race_bad_rc = rc;
    }
}

static long uvm(void *va, uint64_t val)
{
    return HYPERVISOR_update_va_mapping((uint64_t)va, val, UVMF_INVLPG);
}

static long pin(uint64_t mfn, unsigned int cmd)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long reservation(unsigned int cmd, xen_pfn_t *frame)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

    r.extent_start.p = frame;
    return HYPERVISOR_memory_op(cmd, &r);
}

/* Writable -> L1 -> writable; the pin is refused while Dom0 maps it writable. */
static unsigned long retype(volatile struct xdom_ctrl *c, unsigned int k, uint64_t *bad)
{
    uint64_t mfn = c->race_mfn[k];
    long rc;

    expect(c, bad, 1, uvm(race_page[k], (mfn << OS_PAGE_SHIFT) | RO), 0);
    rc = pin(mfn, MMUEXT_PIN_L1_TABLE);
    if (rc == 0)
        expect(c, bad, 2, pin(mfn, MMUEXT_UNPIN_TABLE), 0);
    else
        expect(c, bad, 3, rc, -XEN_EINVAL);
    expect(c, bad, 4, uvm(race_page[k], (mfn << OS_PAGE_SHIFT) | RW), 0);
    return rc == 0;
}

/*
 * Give the frame back and take a new one at the same pseudo-physical
 * page. While Dom0 still maps the old one it stays counted in our
 * reservation (freed with Dom0's unmap), so the new one may have to wait.
 */
static void balloon(volatile struct xdom_ctrl *c, unsigned int k, uint64_t *bad)
{
    xen_pfn_t frame = c->race_mfn[k];

    expect(c, bad, 5, uvm(race_page[k], 0), 0);
    expect(c, bad, 6, reservation(XENMEM_decrease_reservation, &frame), 1);
    for (;;) {
        frame = race_pfn[k];
        long rc = reservation(XENMEM_populate_physmap, &frame);
        if (rc == 1)
            break;
        expect(c, bad, 7, rc, 0);
        xdom_yield();
    }
    c->race_mfn[k] = frame;
    expect(c, bad, 8, uvm(race_page[k], (frame << OS_PAGE_SHIFT) | RW), 0);
}

void xdom_mmurace_domu(enum xdom_step s)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    uint64_t bad = 0, rounds = 0, pins = 0, balloons = 0;

    if (s == XS_MMURACE_SETUP) {
        for (unsigned int k = 0; k < XDOM_RACE; k++) {
            race_page[k] = os_alloc_page();     /* ours for good: its frame changes */
            memset(race_page[k], 0, OS_PAGE_SIZE);
            c->race_mfn[k] = os_virt_to_mfn(race_page[k]);
            race_pfn[k] = os_mfn_to_pfn(c->race_mfn[k]);
        }
        return;
    }
    while (!c->race_stop) {
        unsigned int k = (unsigned int)(rounds % XDOM_RACE);

        if ((rounds / XDOM_RACE) & 1) {
            balloon(c, k, &bad);
            balloons++;
        } else {
            pins += retype(c, k, &bad);
        }
        c->race_rounds = ++rounds;
    }
    c->race_pins = pins;
    c->race_balloons = balloons;
    c->race_bad = bad;
}

/* ---- Dom0 ---- */

/* Audit the DomU: its mismatches (and the free frames), or -1 if the audit failed. */
static long audit_domu(uint64_t *free_frames)
{
    static struct xen_domctl dc;

    dc = (struct xen_domctl){ .cmd = XENOLITH_DOMCTL_mmu_audit,
                              .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
                              .domain = XDOM_DOMU };
    if (os_hypercall1(__HYPERVISOR_domctl, &dc))
        return -1;
    *free_frames = dc.u.mmu_audit.free_frames;
    return dc.u.mmu_audit.mismatches;
}

/* Audits and what they found, by whichever Dom0 vCPU audits; Dom0's mapping rounds. */
static volatile unsigned long audits, mismatches, audit_failures, overlapped, map_rounds;

static void audit_once(void)
{
    unsigned long before = map_rounds;
    uint64_t unused;
    long m = audit_domu(&unused);

    overlapped += map_rounds != before;         /* Dom0 mapped while it ran */
    if (m < 0)
        audit_failures++;
    else
        mismatches += (unsigned long)m;
    audits++;
}

/* Dom0's vCPU 1: audit the DomU over and over while vCPU 0 maps its frames. */
static void auditor(void *arg)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;

    while (!c->race_stop)
        audit_once();
}

static long domu_reservation(void)
{
    domid_t dom = XDOM_DOMU;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &dom);
}

void xdom_mmurace_dom0(void)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    unsigned long n = xdom_option("mmurace"), done = 0, mapped = 0, refused = 0;
    bool second = false;
    uint8_t *win = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)win), bad = 0, free_before, free_after;
    long res_before, res_after;

    if (!n)
        return;
    xdom_run_step(XS_MMURACE_SETUP);
    bad += audit_domu(&free_before) != 0;
    res_before = domu_reservation();
    HYPERVISOR_update_va_mapping((uint64_t)win, 0, UVMF_INVLPG);
    c->race_stop = 0;
    c->race_rounds = 0;
    c->step = XS_MMURACE;                       /* the DomU loops until race_stop */
    /* With a second vCPU, the audits run beside the mappings; else between them. */
    second = os_vcpu_start(1, auditor, NULL) == 0;
    /* n rounds, and on until the DomU has done its share and audits ran beside them. */
    for (unsigned long i = 1; i <= n || c->race_rounds < n / 8 || (second && overlapped < 8);
         i++) {
        uint64_t mfn = c->race_mfn[i % XDOM_RACE];
        bool writable = (i / XDOM_RACE) & 1;
        long rc = xdom_map_at(win, (mfn << OS_PAGE_SHIFT) | (writable ? RW : RO), XDOM_DOMU);

        if (rc == 0) {
            mapped++;
            if (writable)
                *(volatile uint64_t *)win = 0;  /* the DomU may pin it as an L1 later */
            else
                (void)*(volatile uint64_t *)win;
            bad += xdom_map_at(win, 0, XDOM_DOMU) != 0;
        } else if (rc == -XEN_EBUSY) {
            refused++;                          /* an L1 now, or given back */
        } else {
            bad++;
        }
        done = map_rounds = i;
        if (!second && i % AUDIT_EVERY == 0)
            audit_once();
    }
    c->race_stop = 1;
    if (second)
        os_vcpu_wait(1);
    while (c->done != XS_MMURACE)
        xdom_yield();
    HYPERVISOR_update_va_mapping((uint64_t)win, pte, UVMF_INVLPG);
    mismatches += (unsigned long)audit_domu(&free_after);
    bad += audit_failures;
    res_after = domu_reservation();
    os_printf("xdom mmurace: %lu rounds, %lu mapped, %lu refused, %lu bad in Dom0; "
              "%lu audits (%s, %lu during a mapping round), %lu mismatches; the DomU: %lu pins, %lu balloons in %lu rounds, "
              "%lu bad; free frames %s, reservation %s\n",
              done, mapped, refused, (unsigned long)bad, audits,
              second ? "by Dom0's vCPU 1" : "between rounds", overlapped, mismatches,
              (unsigned long)c->race_pins, (unsigned long)c->race_balloons,
              (unsigned long)c->race_rounds, (unsigned long)c->race_bad,
              free_after == free_before ? "unchanged" : "changed",
              res_after == res_before ? "unchanged" : "changed");
    if (c->race_bad)
        os_printf("xdom mmurace: the DomU's first bad result: step %u gave %ld\n",
                  (unsigned int)c->race_bad_what, (long)c->race_bad_rc);
    if (free_after != free_before || res_after != res_before)
        os_printf("xdom mmurace: free frames %lu -> %lu, reservation %ld -> %ld\n",
                  (unsigned long)free_before, (unsigned long)free_after, res_before, res_after);
}
