/*
 * logdirty: log-dirty tracking of a running DomU through Xen 4.17's
 * XEN_DOMCTL_shadow_op, as libxc's PV save path drives it.
 *
 * The same image runs in both domains (start_info's SIF_INITDOMAIN says
 * which half). Dom0 gets it as its initrd and builds domain 1 from it with
 * the toolstack's builder (toolstack/xc). The DomU's xenstore page is the
 * control page: Dom0 maps it by the frame the builder gave it and drives the
 * DomU step by step (it sets `step`, the DomU does it and sets `done`; both
 * wait by yielding). The DomU owns an arena of pages it touches only when
 * Dom0 names them; within the arena the dirty bitmap must be exactly the
 * named set, after every round. Only Dom0 prints CASE lines.
 *
 * Xen 4.17 tracks a PV domain only when built with shadow paging
 * (CONFIG_SHADOW_PAGING, upstream's default); Debian's build has none and
 * refuses ENABLE_LOGDIRTY with -EOPNOTSUPP. There the bad-input cases run
 * (identical lines) and the tracking cases are left out, with one line
 * saying so; Xenolith, like a Xen built with shadow paging, runs them all.
 *
 * With "large" on Dom0's command line the DomU has 160 MiB (two leaves of
 * Xen's bitmap), its arena pages picked across both, and Dom0 reads four
 * leaves at a time: run with "logdirty_budget=1" on Xenolith's command line,
 * every CLEAN and PEEK continues after each leaf (HYPERVISOR_arch_1), and
 * the bitmap must be as exact as in one go; a copy that faults in a
 * continuation must end the read (the leaves before it cleared) and unpause
 * the DomU.
 */
#include <xl/string.h>
#include <os/cases.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xc/xc.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/sched.h>

#define DOMU            1
#define ABSENT          7
#define DOMU_PAGES      1024
#define LEAF            32768               /* pages one leaf of Xen's bitmap covers */
#define LARGE_PAGES     (LEAF + LEAF / 4)   /* "large": 160 MiB, two leaves */
#define LARGE_READ      (4 * LEAF)          /* what Dom0 reads of it: two leaves past its memory too */
#define LEAF1_ARENA     0xfff800u           /* the arena pages in its second leaf (11-23) */
#define ARENA           24
#define MAGIC           0x4c444952u         /* "LDIR" */

enum step { S_NONE, S_WRITE, S_UNPRIV, S_EXIT };

/* The control page (the DomU's xenstore page). */
struct ld_ctrl {
    volatile uint32_t magic;                /* DomU: set once the arena is ready */
    volatile uint32_t step;                 /* Dom0: the step asked for */
    volatile uint32_t seq;                  /* Dom0: requests made so far */
    volatile uint32_t done;                 /* DomU: the last request finished (its seq) */
    volatile uint32_t write_mask;           /* Dom0: arena pages to write in S_WRITE (bit i: page i) */
    volatile uint32_t pad;
    volatile uint64_t ctrl_pfn;             /* DomU: the frame of this page */
    volatile uint64_t arena_pfn[ARENA];     /* DomU: the pseudo-physical frame of each arena page */
    volatile uint64_t stack_pfn;            /* DomU: the frame of its stack */
    volatile uint64_t boot_end_pfn;         /* DomU: the end of its boot-time mapped region */
    volatile int64_t res[8];                /* DomU: answers of its unprivileged calls */
};

enum { R_DOM0, R_SELF_ID, R_DOMID_SELF, R_ABSENT };

static void yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

static struct xen_domctl dc;

static long shadow_op(domid_t dom, uint32_t op, uint64_t bitmap, uint64_t pages)
{
    dc = (struct xen_domctl){ 0 };
    dc.u.shadow_op.op = op;
    dc.u.shadow_op.dirty_bitmap = bitmap;
    dc.u.shadow_op.pages = pages;
    return xc_domctl(XEN_DOMCTL_shadow_op, dom, &dc);
}

/* ---- DomU ---- */

/* Arena page i of the large DomU: across both leaves, their edges and its last page included. */
static uint64_t large_arena_pfn(unsigned int i)
{
    if (i < 10)
        return 9000 + i * 2300;
    if (i == 10)
        return LEAF - 1;
    if (i == 11)
        return LEAF;
    if (i < 23)
        return 33000 + (i - 12) * 700;
    return LARGE_PAGES - 1;
}

/* Map the frame of pseudo-physical page pfn at window (a page of ours given up for it). */
static volatile uint8_t *map_at(void *window, uint64_t pfn)
{
    uint64_t pte = *os_l1e_of((uint64_t)window);

    pte = (pte & ~OS_PTE_ADDR) | (os_pfn_to_mfn(pfn) << OS_PAGE_SHIFT);
    if (HYPERVISOR_update_va_mapping((unsigned long)window, pte, UVMF_INVLPG))
        return NULL;
    return window;
}

static void domu_unprivileged(volatile struct ld_ctrl *c)
{
    c->res[R_DOM0] = shadow_op(0, XEN_DOMCTL_SHADOW_OP_PEEK, 0, 0);
    c->res[R_SELF_ID] = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0);
    c->res[R_DOMID_SELF] = shadow_op(DOMID_SELF, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0);
    c->res[R_ABSENT] = shadow_op(ABSENT, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0);
}

static void domu_main(void)
{
    volatile struct ld_ctrl *c =
        (void *)(os_mfn_to_pfn(os_start_info->store_mfn) << OS_PAGE_SHIFT);
    volatile uint8_t *arena[ARENA];
    volatile uint8_t sink = 0;
    uint64_t here = (uint64_t)&sink;
    bool large = os_start_info->nr_pages >= LARGE_PAGES;
    void *window = large ? os_alloc_page() : NULL;

    for (unsigned int i = 0; i < ARENA; i++) {
        if (large) {
            c->arena_pfn[i] = large_arena_pfn(i);
            continue;                       /* mapped at the window when named */
        }
        arena[i] = os_alloc_page();
        arena[i][0] = 1;                    /* mapped and written before tracking starts */
        c->arena_pfn[i] = os_mfn_to_pfn(os_virt_to_mfn((void *)arena[i]));
    }
    /* The free pages are the rest of the boot-time region, handed out upwards. */
    c->boot_end_pfn = ((uint64_t)os_alloc_page() >> OS_PAGE_SHIFT) + os_free_pages() + 1;
    c->ctrl_pfn = os_mfn_to_pfn(os_start_info->store_mfn);
    c->stack_pfn = os_mfn_to_pfn(os_virt_to_mfn((void *)(here & ~(OS_PAGE_SIZE - 1))));
    os_mb();
    c->magic = MAGIC;
    for (;;) {
        uint32_t st, seq;

        while (c->seq == c->done)
            yield();
        seq = c->seq;
        st = c->step;
        if (st == S_EXIT)
            break;
        if (st == S_WRITE) {
            for (unsigned int i = 0; i < ARENA; i++) {
                volatile uint8_t *page = large ? map_at(window, c->arena_pfn[i]) : arena[i];

                if (!page)
                    continue;                               /* Dom0 sees the page clean */
                if ((c->write_mask >> i) & 1) {
                    page[100] = (uint8_t)seq;               /* a write, twice */
                    page[200] = (uint8_t)i;
                } else {
                    sink += page[100];                      /* only a read */
                }
            }
        } else if (st == S_UNPRIV) {
            domu_unprivileged(c);
        }
        os_mb();
        c->done = seq;
    }
    (void)sink;
}

/* ---- Dom0 ---- */

static volatile struct ld_ctrl *ctrl;
static uint64_t bitmap[LARGE_READ / 64 + 1] __attribute__((aligned(4096)));
static uint64_t domu_pages = DOMU_PAGES, read_pages = DOMU_PAGES;   /* the DomU's, what a read asks */
static uint8_t guard_page[4096] __attribute__((aligned(4096)));

/* Ask the DomU for step s and wait until it is done. */
static void run_step(uint32_t s)
{
    ctrl->step = s;
    os_mb();
    ctrl->seq++;
    while (ctrl->done != ctrl->seq)
        yield();
}

static void write_pages(uint32_t mask)
{
    ctrl->write_mask = mask;
    run_step(S_WRITE);
}

static int bit(uint64_t pfn)
{
    return (bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

/* 0 when the bitmap, within the arena, is exactly `want`; else 1 + the first arena page that differs. */
static long arena_mismatch(uint32_t want)
{
    for (unsigned int i = 0; i < ARENA; i++)
        if (bit(ctrl->arena_pfn[i]) != (int)((want >> i) & 1))
            return (long)i + 1;
    return 0;
}

static unsigned long popcount(void)
{
    unsigned long n = 0;

    for (unsigned int w = 0; w < read_pages / 64; w++)
        for (uint64_t b = bitmap[w]; b; b &= b - 1)
            n++;
    return n;
}

/* CLEAN or PEEK of read_pages of the DomU into bitmap. */
static long read_bitmap(uint32_t op)
{
    for (unsigned int w = 0; w < read_pages / 64 + 1; w++)
        bitmap[w] = ~0ull;
    return shadow_op(DOMU, op, (uint64_t)bitmap, read_pages);
}

/* A CLEAN that reports exactly `set` in the arena, then a PEEK that finds it clean, stats restarted. */
static void clean_then_peek(const char *id_clean, const char *id_peek, uint32_t set, const char *peek_desc)
{
    long rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);

    t_check(id_clean, "CLEAN reports the same arena pages", rc == 0 && !arena_mismatch(set),
           "(rc=%ld page=%ld)", rc, arena_mismatch(set) - 1);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check(id_peek, peek_desc,
           rc == 0 && !arena_mismatch(0) && dc.u.shadow_op.stats.dirty_count == popcount(),
           "(rc=%ld page=%ld dirty_count=%u)", rc, arena_mismatch(0) - 1,
           dc.u.shadow_op.stats.dirty_count);
}

static void bad_input(void)
{
    long rc;

    run_step(S_UNPRIV);
    t_rc("LOGDIRTY0001", "DomU: shadow_op on domain 0 gives -EPERM", ctrl->res[R_DOM0], -XEN_EPERM);
    t_rc("LOGDIRTY0002", "DomU: shadow_op on itself by id gives -EPERM (privilege first)",
         ctrl->res[R_SELF_ID], -XEN_EPERM);
    t_rc("LOGDIRTY0003", "DomU: shadow_op on DOMID_SELF gives -ESRCH", ctrl->res[R_DOMID_SELF],
         -XEN_ESRCH);
    t_rc("LOGDIRTY0004", "DomU: shadow_op on a missing domain gives -ESRCH", ctrl->res[R_ABSENT],
         -XEN_ESRCH);
    t_rc("LOGDIRTY0005", "Dom0: ENABLE_LOGDIRTY on itself gives -EINVAL",
         shadow_op(0, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0), -XEN_EINVAL);
    t_rc("LOGDIRTY0006", "Dom0: shadow_op on a missing domain gives -ESRCH",
         shadow_op(ABSENT, XEN_DOMCTL_SHADOW_OP_PEEK, (uint64_t)bitmap, DOMU_PAGES), -XEN_ESRCH);
    t_rc("LOGDIRTY0007", "PEEK of the DomU into an unmapped bitmap gives -EFAULT",
         shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_PEEK, 0x00007f0000000000ull, DOMU_PAGES), -XEN_EFAULT);
    for (unsigned int i = 0; i < 8; i++)
        guard_page[i] = 0xff;
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_PEEK, (uint64_t)guard_page, 12);
    t_check("LOGDIRTY0008", "PEEK of 12 pages (fewer than the DomU has): two bytes copied, pages 12",
           rc == 0 && guard_page[2] == 0xff && guard_page[3] == 0xff && dc.u.shadow_op.pages == 12,
           "(rc=%ld pages=%lu)", rc, (unsigned long)dc.u.shadow_op.pages);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0009", "PEEK of the DomU before log-dirty: 0 and every page clean",
           rc == 0 && popcount() == 0 && dc.u.shadow_op.pages == DOMU_PAGES,
           "(rc=%ld dirty=%lu)", rc, popcount());
}

static void tracking(void)
{
    const uint32_t set1 = 0x924925;             /* pages 0, 3, 6, ... 21, 23 */
    const uint32_t set2 = (1u << 1) | (1u << 22);
    const uint32_t set3 = 0x0f0;
    struct xen_domctl_shadow_op_stats stats;
    long rc;

    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);
    t_rc("LOGDIRTY0021", "a first CLEAN gives 0", rc, 0);
    write_pages(set1);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0022", "PEEK: in the arena exactly the pages Dom0 named are dirty",
           rc == 0 && !arena_mismatch(set1), "(rc=%ld page=%ld)", rc, arena_mismatch(set1) - 1);
    t_check("LOGDIRTY0023", "the control page and the DomU's stack are dirty too (it wrote them)",
           bit(ctrl->ctrl_pfn) && bit(ctrl->stack_pfn), "(dirty=%lu)", popcount());
    stats = dc.u.shadow_op.stats;
    t_check("LOGDIRTY0024", "its dirty_count is the number of dirty bits, its fault_count at least that",
           stats.dirty_count == popcount() && stats.fault_count >= stats.dirty_count,
           "(dirty_count=%u bits=%lu faults=%u)", stats.dirty_count, popcount(), stats.fault_count);
    clean_then_peek("LOGDIRTY0025", "LOGDIRTY0026", set1,
                    "after CLEAN the arena is clean and the stats restarted");

    write_pages(set2);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0027", "pages written again after CLEAN are seen again, exactly",
           rc == 0 && !arena_mismatch(set2), "(rc=%ld page=%ld)", rc, arena_mismatch(set2) - 1);
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_CLEAN, 0x00007f0000000000ull, DOMU_PAGES);
    t_rc("LOGDIRTY0028", "CLEAN into an unmapped bitmap gives -EFAULT", rc, -XEN_EFAULT);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0029", "and cleaned nothing: the same pages are still dirty",
           rc == 0 && !arena_mismatch(set2), "(rc=%ld page=%ld)", rc, arena_mismatch(set2) - 1);
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_CLEAN, (uint64_t)guard_page, 8);
    rc = rc ? rc : read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0030", "a CLEAN of 8 pages clears the whole first leaf (32768 pages): arena clean",
           rc == 0 && !arena_mismatch(0), "(rc=%ld page=%ld)", rc, arena_mismatch(0) - 1);

    write_pages(set3);
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_CLEAN, 0, DOMU_PAGES);
    rc = rc ? rc : read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0031", "a CLEAN with no bitmap still cleans", rc == 0 && !arena_mismatch(0),
           "(rc=%ld page=%ld)", rc, arena_mismatch(0) - 1);

    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION, 0, 0);
    t_check("LOGDIRTY0032", "the DomU's shadow pool: 128 + 1024/256 pages, 1 MB",
           rc == 0 && dc.u.shadow_op.mb == 1, "(rc=%ld mb=%u)", rc, dc.u.shadow_op.mb);
    t_rc("LOGDIRTY0033", "OFF gives 0", shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0), 0);
    write_pages(set1);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0034", "after OFF nothing is tracked: every page reads clean",
           rc == 0 && popcount() == 0, "(rc=%ld dirty=%lu)", rc, popcount());
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION, 0, 0);
    t_check("LOGDIRTY0035", "its pool keeps only the pages the bitmap gave back to it (1 MB)",
           rc == 0 && dc.u.shadow_op.mb == 1,
           "(rc=%ld mb=%u)", rc, dc.u.shadow_op.mb);
    t_rc("LOGDIRTY0036", "log-dirty again on the running DomU gives 0",
         shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0), 0);
    write_pages(set3);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);
    t_check("LOGDIRTY0037", "and sees the next writes exactly", rc == 0 && !arena_mismatch(set3),
           "(rc=%ld page=%ld)", rc, arena_mismatch(set3) - 1);
    /* Left on: the DomU shuts down and is destroyed with log-dirty on. */
}

/* The bits of pages [from, to) that are set. */
static unsigned long bits_set(uint64_t from, uint64_t to)
{
    unsigned long n = 0;

    for (uint64_t p = from; p < to; p++)
        n += bit(p);
    return n;
}

/* A CLEAN whose copy faults on the bitmap's second page (its second leaf), unmapped for it. */
static long clean_into_holed_bitmap(void)
{
    uint64_t hole = (uint64_t)bitmap + 4096, pte = *os_l1e_of(hole);
    long rc;

    rc = HYPERVISOR_update_va_mapping(hole, 0, UVMF_INVLPG);
    if (rc)
        return rc;
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_CLEAN, (uint64_t)bitmap, read_pages);
    if (HYPERVISOR_update_va_mapping(hole, pte, UVMF_INVLPG))
        return -9999;
    return rc;
}

/*
 * The large DomU: its arena spans both leaves, each read is four leaves
 * (continued after each with logdirty_budget=1), the two past its memory
 * read as zeros.
 */
static void large_tracking(void)
{
    const uint32_t set1 = 0x924925 | (1u << 10) | (1u << 11);
    const uint32_t set2 = (1u << 1) | (1u << 11) | (1u << 23);
    const uint32_t set3 = 0x0ff0f0;
    struct xen_domctl dc_arch;
    unsigned int low = 0;
    long rc;

    for (unsigned int i = 0; i < ARENA; i++)
        low += ctrl->arena_pfn[i] < ctrl->boot_end_pfn;
    t_check("LOGDIRTY0050", "the large DomU's arena lies in both leaves, past its boot-time pages",
           domu_pages == LARGE_PAGES && low == 0 && ctrl->arena_pfn[10] == LEAF - 1 &&
           ctrl->arena_pfn[11] == LEAF, "(boot end %lu, %u below)", (unsigned long)ctrl->boot_end_pfn, low);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);
    t_rc("LOGDIRTY0051", "a first CLEAN of four leaves gives 0", rc, 0);
    write_pages(set1);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0052", "PEEK of four leaves: the arena pages named, in both leaves, and no page "
           "past the DomU's; pages as asked", rc == 0 && !arena_mismatch(set1) &&
           bits_set(LARGE_PAGES, LARGE_READ) == 0 && dc.u.shadow_op.pages == LARGE_READ,
           "(rc=%ld page=%ld past=%lu pages=%lu)", rc, arena_mismatch(set1) - 1,
           bits_set(LARGE_PAGES, LARGE_READ), (unsigned long)dc.u.shadow_op.pages);
    t_check("LOGDIRTY0053", "its dirty_count is the number of dirty bits",
           dc.u.shadow_op.stats.dirty_count == popcount(), "(dirty_count=%u bits=%lu)",
           dc.u.shadow_op.stats.dirty_count, popcount());
    clean_then_peek("LOGDIRTY0054", "LOGDIRTY0055", set1,
                    "after CLEAN both leaves' arena pages are clean, the stats restarted");

    write_pages(set2);
    read_pages = LARGE_PAGES;
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);
    t_check("LOGDIRTY0056", "CLEAN of exactly its pages (1.25 leaves): the pages named, pages as asked",
           rc == 0 && !arena_mismatch(set2) && dc.u.shadow_op.pages == LARGE_PAGES,
           "(rc=%ld page=%ld pages=%lu)", rc, arena_mismatch(set2) - 1,
           (unsigned long)dc.u.shadow_op.pages);
    read_pages = LARGE_READ;
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0057", "and cleaned the second leaf whole", rc == 0 && !arena_mismatch(0),
           "(rc=%ld page=%ld)", rc, arena_mismatch(0) - 1);

    write_pages(set3);
    rc = clean_into_holed_bitmap();
    t_rc("LOGDIRTY0058", "CLEAN into a bitmap whose second page is unmapped gives -EFAULT", rc,
         -XEN_EFAULT);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0059", "the read is over (PEEK answers): the first leaf was cleared, the second "
           "not", rc == 0 && !arena_mismatch(set3 & LEAF1_ARENA), "(rc=%ld page=%ld)", rc,
           arena_mismatch(set3 & LEAF1_ARENA) - 1);
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_CLEAN, 0, LARGE_READ);
    rc = rc ? rc : read_bitmap(XEN_DOMCTL_SHADOW_OP_PEEK);
    t_check("LOGDIRTY0060", "a CLEAN of four leaves with no bitmap cleans both", rc == 0 &&
           !arena_mismatch(0), "(rc=%ld page=%ld)", rc, arena_mismatch(0) - 1);
    dc_arch = (struct xen_domctl){ .cmd = XEN_DOMCTL_shadow_op, .domain = DOMU,
                                   .interface_version = XEN_DOMCTL_INTERFACE_VERSION };
    dc_arch.u.shadow_op.op = XEN_DOMCTL_SHADOW_OP_PEEK;
    t_rc("LOGDIRTY0061", "no read is left waiting: paging_domctl_cont gives -EBUSY",
         os_hypercall1(__HYPERVISOR_arch_1, &dc_arch), -XEN_EBUSY);
    write_pages(set1);
    rc = read_bitmap(XEN_DOMCTL_SHADOW_OP_CLEAN);
    t_check("LOGDIRTY0062", "the DomU runs again (not left paused) and its writes are seen exactly",
           rc == 0 && !arena_mismatch(set1), "(rc=%ld page=%ld)", rc, arena_mismatch(set1) - 1);
}

/* The 1024-page DomU: the bad inputs, then the tracking where the hypervisor has it. */
static void small_domu(void)
{
    long rc;

    bad_input();
    rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0);
    if (rc == -XEN_EOPNOTSUPP) {
        os_printf("logdirty: ENABLE_LOGDIRTY gives -EOPNOTSUPP: this Xen has no PV shadow paging "
                  "(built without CONFIG_SHADOW_PAGING); tracking not checked\n");
    } else {
        t_rc("LOGDIRTY0020", "ENABLE_LOGDIRTY on the running DomU gives 0", rc, 0);
        if (rc == 0)
            tracking();
    }
}

static void dom0_main(void)
{
    static struct xc_dom_image dom;
    const start_info_t *si = os_start_info;
    void *window = os_alloc_page();
    uint64_t old_pte = 0;
    struct xen_domctl_getdomaininfo info;
    long rc;

    if (!si->mod_len) {
        t_check("LOGDIRTY0000", "Dom0 has the image as its initrd, to build the DomU", 0, NULL);
        return;
    }
    /* Xenolith's audit gives the free frames, to compare with those once the DomU is freed. */
    dc = (struct xen_domctl){ 0 };
    if (xc_domctl(XENOLITH_DOMCTL_mmu_audit, DOMID_SELF, &dc) == 0)
        os_printf("logdirty: %lu frames free before the DomU\n",
                  (unsigned long)dc.u.mmu_audit.free_frames);
    if (strcmp((const char *)si->cmd_line, "large") == 0)
        domu_pages = read_pages = LARGE_PAGES;
    dom = (struct xc_dom_image){ .kernel = (const void *)si->mod_start, .kernel_len = si->mod_len,
                                 .nr_pages = domu_pages, .max_vcpus = 1, .domid = DOMU };
    rc = xc_dom_build(&dom);
    if (rc)
        os_printf("logdirty: %s\n", dom.reason);
    t_rc("LOGDIRTY0000", "Dom0 builds domain 1 and starts it", rc, 0);
    if (rc)
        return;
    rc = xc_map_foreign(window, DOMU, dom.store_mfn, 1, &old_pte);
    ctrl = window;
    while (rc == 0 && ctrl->magic != MAGIC)
        yield();
    if (rc || ctrl->magic != MAGIC) {
        t_check("LOGDIRTY0000", "the DomU is up (its control page)", 0, "(rc=%ld)", rc);
        return;
    }
    if (domu_pages == LARGE_PAGES) {
        read_pages = LARGE_READ;
        rc = shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0);
        t_rc("LOGDIRTY0049", "ENABLE_LOGDIRTY on the running 160 MiB DomU gives 0", rc, 0);
        if (rc == 0)
            large_tracking();
    } else {
        small_domu();
    }
    ctrl->step = S_EXIT;                    /* not waited for: the DomU shuts down */
    os_mb();
    ctrl->seq++;
    do {
        yield();
        rc = xc_domain_getinfo(DOMU, &info);
    } while (rc == 0 && info.domain == DOMU && !(info.flags & XEN_DOMINF_shutdown));
    if (rc == 0)
        rc = xc_domain_destroy(DOMU);
    t_rc("LOGDIRTY0040", "the DomU shuts down; Dom0 destroys it", rc, 0);
    /* Our mapping of its control page keeps the dead domain until we drop it. */
    t_rc("LOGDIRTY0041", "shadow_op on the destroyed DomU while we map a frame of it: 0 (dying)",
         shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0), 0);
    xc_unmap_foreign(window, old_pte);
    t_rc("LOGDIRTY0042", "once we unmap it the DomU is gone: -ESRCH",
         shadow_op(DOMU, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0), -XEN_ESRCH);
}

void os_main(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    if (!(os_start_info->flags & SIF_INITDOMAIN)) {
        domu_main();
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
        return;
    }
    os_printf("logdirty: log-dirty tracking of a DomU (XEN_DOMCTL_shadow_op)\n");
    dom0_main();
    os_printf("Test result: %s\n", t_failures ? "FAILURE" : "SUCCESS");
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}
