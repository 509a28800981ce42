/*
 * xc_dom_build: a PV domain from an ELF image in Dom0's memory, through
 * Xen 4.17's control interface, in the order of Xen's own toolstack
 * (libxl / libxenguest):
 *   createdomain -> max_vcpus -> max_mem -> populate_physmap -> the image,
 *   ramdisk, P2M list, start_info and page tables written through foreign
 *   mappings of the new frames (update_va_mapping_otherdomain, one window
 *   page; whole pages of zeros, such as the bss, cleared by the hypervisor
 *   with batched MMUEXT_CLEAR_PAGE) -> hypercall_init -> setvcpucontext
 *   (validates and pins the L4) -> unpause.
 * The layout is the domU recipe of lib/boot_layout.c (Xen's
 * xc_dom_build_image), the one Xenolith uses for its boot DomU. The
 * xenstore and console pages get unbound ports toward Dom0, as there.
 */
#include <xl/boot_layout.h>
#include <xl/elf_xen.h>
#include <xl/format.h>
#include <xl/string.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/time.h>
#include "dom_pt.h"
#include "xc.h"

#define X86_DR6_DEFAULT 0xffff0ff0ul
#define X86_DR7_DEFAULT 0x00000400ul
#define XC_DOM_MAX_PAGES 65536          /* 256 MiB: the P2M below is static */

/* One build at a time: its state. */
static struct {
    struct xc_dom_image *dom;
    struct elf_xen_info elf;
    struct boot_layout lay;
    unsigned long nr;
    uint64_t window_pte;
    int created;
    uint64_t mark;              /* timed: when the current step began */
} b;
static xen_pfn_t p2m[XC_DOM_MAX_PAGES];
static struct vcpu_guest_context ctx;
static uint64_t table[512];
static start_info_t si;
/* The window through which Dom0 writes the new domain's frames, one at a time. */
static uint8_t window[OS_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));

/* timed: the time since the last step ended goes to step s. */
static void step_done(enum xc_dom_step s)
{
    uint64_t now;

    if (!b.dom->timed)
        return;
    now = os_now_ns();
    b.dom->step_ns[s] += now - b.mark;
    b.mark = now;
}

static long map_window(uint64_t mfn)
{
    uint64_t t0 = b.dom->timed ? os_now_ns() : 0;
    long rc = xc_map_foreign(window, b.dom->domid, mfn, 1, &b.window_pte);

    if (b.dom->timed) {
        b.dom->map_ns += os_now_ns() - t0;
        b.dom->map_calls++;
    }
    return rc;
}

/*
 * Whole pages to clear, cleared by the hypervisor in one mmuext_op
 * (MMUEXT_CLEAR_PAGE naming the new domain, as Xen 4.17 serves it for a
 * privileged caller) instead of mapping each into the window: a kernel's bss
 * is most of the pages a small guest starts with.
 */
#define CLEAR_BATCH 64
static struct mmuext_op clears[CLEAR_BATCH];
static unsigned int nr_clears;

static int flush_clears(void)
{
    unsigned int n = nr_clears;
    long rc;

    if (!n)
        return 0;
    nr_clears = 0;
    rc = HYPERVISOR_mmuext_op(clears, n, NULL, b.dom->domid);
    if (b.dom->timed)
        b.dom->clear_calls++;
    return rc ? -XEN_EINVAL : 0;
}

static int clear_page_later(uint64_t mfn)
{
    clears[nr_clears++] = (struct mmuext_op){ .cmd = MMUEXT_CLEAR_PAGE, .arg1.mfn = mfn };
    return nr_clears == CLEAR_BATCH ? flush_clears() : 0;
}

/*
 * Copy len bytes (src NULL: zeros) to pseudo-physical address pa of the new
 * domain: through the window, but whole pages of zeros by clear_page_later,
 * all of them cleared before this returns.
 */
static int dom_write(uint64_t pa, const void *src, uint64_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t off = pa & (OS_PAGE_SIZE - 1), n = OS_PAGE_SIZE - off;
        uint64_t pfn = pa >> OS_PAGE_SHIFT;

        if (n > len)
            n = len;
        if (pfn >= b.nr)
            return -XEN_EINVAL;
        if (!s && n == OS_PAGE_SIZE) {
            if (clear_page_later(p2m[pfn]))
                return -XEN_EINVAL;
        } else if (map_window(p2m[pfn])) {
            return -XEN_EINVAL;
        } else if (s) {
            memcpy(window + off, s, n);
        } else {
            memset(window + off, 0, n);
        }
        if (s)
            s += n;
        pa += n;
        len -= n;
    }
    return flush_clears();
}

static int sink_write(void *unused, uint64_t off, const void *src, size_t len)
{
    return dom_write(b.elf.virt_kstart - b.lay.v_start + off, src, len);
}

static int sink_zero(void *unused, uint64_t off, size_t len)
{
    return dom_write(b.elf.virt_kstart - b.lay.v_start + off, NULL, len);
}

static uint64_t pa_of(uint64_t va)
{
    return va - b.lay.v_start;
}

static uint64_t mfn_of(uint64_t va)
{
    return p2m[boot_layout_pfn(&b.lay, va)];
}

static long fail(const char *what, long rc)
{
    if (!rc)
        rc = -XEN_EINVAL;
    xl_snprintf(b.dom->reason, sizeof(b.dom->reason), "%s failed: %ld", what, rc);
    return rc;
}

static int write_page_tables(void)
{
    for (unsigned int level = 4; level >= 1; level--)
        for (uint64_t k = 0; k < xc_dom_pt_count(&b.lay, level); k++) {
            xc_dom_pt_table(&b.lay, p2m, level, k, table);
            if (dom_write(xc_dom_pt_pfn(&b.lay, level, k) << OS_PAGE_SHIFT, table,
                          sizeof(table)))
                return -XEN_EINVAL;
        }
    return 0;
}

static long fill_start_info(uint64_t shared_info_frame)
{
    struct xc_dom_image *dom = b.dom;
    const char magic[] = "xen-3.0-x86_64";
    long store, cons;

    if ((store = xc_evtchn_alloc_unbound(dom->domid, 0)) < 0)
        return fail("alloc_unbound for the xenstore ring", store);
    if ((cons = xc_evtchn_alloc_unbound(dom->domid, 0)) < 0)
        return fail("alloc_unbound for the console ring", cons);
    memset(&si, 0, sizeof(si));
    memcpy(si.magic, magic, sizeof(magic));
    si.nr_pages = b.nr;
    si.shared_info = shared_info_frame << OS_PAGE_SHIFT;
    si.store_mfn = dom->store_mfn = mfn_of(b.lay.xenstore.start);
    si.store_evtchn = dom->store_evtchn = (uint32_t)store;
    si.console.domU.mfn = dom->console_mfn = mfn_of(b.lay.console.start);
    si.console.domU.evtchn = dom->console_evtchn = (uint32_t)cons;
    si.pt_base = b.lay.pt.start;
    si.nr_pt_frames = b.lay.nr_pt_frames;
    si.mfn_list = b.lay.p2m.start;
    si.first_p2m_pfn = b.lay.pages_needed;
    if (dom->ramdisk_len) {
        si.mod_start = b.lay.initrd.start;
        si.mod_len = dom->ramdisk_len;
    }
    if (dom->cmdline)
        xl_snprintf((char *)si.cmd_line, sizeof(si.cmd_line), "%s", dom->cmdline);
    if (dom_write(pa_of(b.lay.start_info.start), &si, sizeof(si)))
        return fail("writing start_info", -XEN_EINVAL);
    return 0;
}

/* The layout from the image's notes and the sizes asked for. */
static long plan(void)
{
    struct xc_dom_image *dom = b.dom;
    struct boot_layout_in in = { 0 };
    long rc;

    if (dom->nr_pages > XC_DOM_MAX_PAGES || !dom->nr_pages)
        return fail("size check", -XEN_EINVAL);
    if ((rc = elf_xen_parse(dom->kernel, dom->kernel_len, &b.elf))) {
        xl_snprintf(dom->reason, sizeof(dom->reason), "kernel refused: %s", b.elf.reason);
        return rc;
    }
    in.virt_base = b.elf.virt_base;
    in.virt_kstart = b.elf.virt_kstart;
    in.virt_kend = b.elf.virt_kend;
    in.initrd_len = dom->ramdisk_len;
    in.nr_pages = dom->nr_pages;
    in.p2m_base = BOOT_LAYOUT_UNSET;
    if ((rc = boot_layout_compute(&in, &b.lay))) {
        xl_snprintf(dom->reason, sizeof(dom->reason), "layout refused: %s", b.lay.reason);
        return rc;
    }
    return 0;
}

/* The domain with its vCPUs, limits and memory; p2m[] filled. */
static long create(void)
{
    struct xc_dom_image *dom = b.dom;
    struct xen_domctl_createdomain cfg = {
        .max_vcpus = dom->max_vcpus ? dom->max_vcpus : 1,
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
    long rc;

    if ((rc = xc_domain_create(&dom->domid, &cfg)))
        return fail("createdomain", rc);
    b.created = 1;
    step_done(XC_DOM_STEP_CREATE);
    if ((rc = xc_domain_max_vcpus(dom->domid, cfg.max_vcpus)))
        return fail("max_vcpus", rc);
    if ((rc = xc_domain_setmaxmem(dom->domid, dom->nr_pages * 4 + 1024)))
        return fail("max_mem", rc);
    step_done(XC_DOM_STEP_LIMITS);
    /* PV: the pages are asked for by pseudo-physical frame; Xen answers each with its MFN. */
    for (unsigned long pfn = 0; pfn < dom->nr_pages; pfn++)
        p2m[pfn] = pfn;
    rc = xc_domain_populate_physmap(dom->domid, dom->nr_pages, p2m);
    if (rc != (long)dom->nr_pages)
        return fail("populate_physmap", rc);
    b.nr = dom->nr_pages;
    step_done(XC_DOM_STEP_POPULATE);
    return 0;
}

/* Everything the domain finds in its memory at boot. */
static long load(void)
{
    struct xc_dom_image *dom = b.dom;
    struct elf_xen_sink sink = { sink_write, sink_zero, NULL };
    struct xen_domctl_getdomaininfo info;
    long rc;

    if ((rc = xc_domain_getinfo(dom->domid, &info)))
        return fail("getdomaininfo", rc);
    step_done(XC_DOM_STEP_START_INFO);
    if ((rc = elf_xen_load(&b.elf, dom->kernel, dom->kernel_len, &sink)))
        return fail("loading the kernel", rc);
    if (dom->ramdisk_len &&
        (rc = dom_write(pa_of(b.lay.initrd.start), dom->ramdisk, dom->ramdisk_len)))
        return fail("loading the ramdisk", rc);
    step_done(XC_DOM_STEP_KERNEL);
    if ((rc = dom_write(pa_of(b.lay.p2m.start), p2m, b.nr * 8)))
        return fail("writing the P2M list", rc);
    step_done(XC_DOM_STEP_P2M);
    if ((rc = fill_start_info(info.shared_info_frame)))
        return rc;
    step_done(XC_DOM_STEP_START_INFO);
    if ((rc = write_page_tables()))
        return fail("writing the page tables", rc);
    step_done(XC_DOM_STEP_PAGE_TABLES);
    return 0;
}

/* vCPU 0 enters the kernel with start_info in %rsi, as Xen's PV boot protocol says. */
static long start(void)
{
    struct xc_dom_image *dom = b.dom;
    long rc;

    if (b.elf.virt_hypercall != ELF_XEN_UNSET &&
        (rc = xc_domain_hypercall_init(dom->domid, mfn_of(b.elf.virt_hypercall))))
        return fail("hypercall_init", rc);
    step_done(XC_DOM_STEP_HYPERCALL_INIT);
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.user_regs.rip = b.elf.virt_entry;
    ctx.user_regs.rsp = b.lay.stack.end;
    ctx.user_regs.rsi = b.lay.start_info.start;
    ctx.user_regs.rflags = 1u << 9;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = ctx.user_regs.ds = ctx.user_regs.es = FLAT_KERNEL_SS;
    ctx.user_regs.fs = ctx.user_regs.gs = FLAT_KERNEL_SS;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = b.lay.stack.end;
    ctx.ctrlreg[3] = mfn_of(b.lay.pt.start) << OS_PAGE_SHIFT;
    ctx.debugreg[6] = X86_DR6_DEFAULT;
    ctx.debugreg[7] = X86_DR7_DEFAULT;
    if ((rc = xc_vcpu_setcontext(dom->domid, 0, &ctx)))
        return fail("setvcpucontext", rc);
    step_done(XC_DOM_STEP_VCPU_CONTEXT);
    if ((rc = xc_domain_unpause(dom->domid)))
        return fail("unpausedomain", rc);
    step_done(XC_DOM_STEP_UNPAUSE);
    dom->entry = b.elf.virt_entry;
    dom->v_start = b.lay.v_start;
    dom->v_end = b.lay.v_end;
    return 0;
}

long xc_dom_build(struct xc_dom_image *dom)
{
    long rc;

    memset(&b, 0, sizeof(b));
    b.dom = dom;
    dom->reason[0] = 0;
    memset(dom->step_ns, 0, sizeof(dom->step_ns));
    dom->map_ns = 0;
    dom->map_calls = 0;
    dom->clear_calls = 0;
    nr_clears = 0;
    if (dom->timed)
        b.mark = os_now_ns();
    if ((rc = plan()))
        return rc;
    step_done(XC_DOM_STEP_PLAN);
    rc = create();
    if (!rc)
        rc = load();
    /* The window must not keep a writable reference on one of the new page tables. */
    if (b.window_pte && xc_unmap_foreign(window, b.window_pte) && !rc)
        rc = fail("unmapping the window", -XEN_EINVAL);
    step_done(XC_DOM_STEP_UNMAP);
    if (!rc)
        rc = start();
    if (rc && b.created)
        xc_domain_destroy(dom->domid);   /* do not leave a half-built domain behind */
    return rc;
}
