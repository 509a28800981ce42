/*
 * A minimal PV domain builder for Dom0, the same on Xen 4.17 and Xenolith:
 * domain 1 from an ELF image, through Xen 4.17's control interface,
 * in the order of Xen's own toolstack (libxl/libxenguest):
 *   createdomain (PV, one vCPU) -> max_vcpus -> max_mem -> populate_physmap
 *   -> load the image, P2M list, start_info and page tables through foreign
 *   mappings of the new frames (update_va_mapping_otherdomain) ->
 *   hypercall_init -> setvcpucontext (validates and pins the L4) -> unpause.
 * The layout is the domU recipe of lib/boot_layout.c (Xen's
 * xc_dom_build_image), the same Xenolith uses for its boot DomU. The
 * xenstore and console pages get unbound ports toward Dom0, as there.
 */
#include <xl/boot_layout.h>
#include <xl/elf_xen.h>
#include <os/mm.h>
#include <xen/memory.h>
#include "xdom.h"

/* Xen 4.17's domctl with the sub-operations used here (xen/include/public/domctl.h). */
#define DOMCTL_VERSION          0x15
#define DOMCTL_createdomain     1
#define DOMCTL_unpausedomain    4
#define DOMCTL_getdomaininfo    5
#define DOMCTL_max_mem          11
#define DOMCTL_setvcpucontext   12
#define DOMCTL_max_vcpus        15
#define DOMCTL_hypercall_init   22

struct domctl {
    uint32_t cmd, interface_version;
    domid_t domain;
    uint16_t pad[3];
    union {
        struct {
            uint32_t ssidref;
            uint8_t handle[16];
            uint32_t flags, iommu_opts, max_vcpus, max_evtchn_port;
            int32_t max_grant_frames, max_maptrack_frames;
            uint32_t grant_opts, vmtrace_size, cpupool_id;
            uint32_t emulation_flags, misc_flags;
        } createdomain;
        struct {
            domid_t domain;
            uint16_t pad1;
            uint32_t flags;
            uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
            uint64_t shared_info_frame;
        } getdomaininfo;
        struct { uint64_t max_memkb; } max_mem;
        struct { uint32_t max; } max_vcpus;
        struct { uint32_t vcpu, pad; uint64_t ctxt; } vcpucontext;
        struct { uint64_t gmfn; } hypercall_init;
        uint8_t raw[128];
    } u;
};
_Static_assert(sizeof(struct domctl) == 144, "xen_domctl size");
_Static_assert(offsetof(struct domctl, u.createdomain.max_vcpus) == 16 + 28, "createdomain");
_Static_assert(offsetof(struct domctl, u.createdomain.misc_flags) == 16 + 60, "createdomain");
_Static_assert(offsetof(struct domctl, u.getdomaininfo.shared_info_frame) == 16 + 48,
               "getdomaininfo");
_Static_assert(offsetof(struct domctl, u.vcpucontext.ctxt) == 16 + 8, "vcpucontext");

#define X86_DR6_DEFAULT 0xffff0ff0ul
#define X86_DR7_DEFAULT 0x00000400ul
/* Protections of the initial tables (as Xenolith's and Xen's builders). */
#define L1_PROT (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_USER)
#define LN_PROT (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY | OS_PTE_USER)

#define MAX_PAGES 4096

static uint64_t mfns[MAX_PAGES];               /* the new domain's P2M */
static unsigned long nr;
static struct elf_xen_info elf;
static struct boot_layout lay;
static struct vcpu_guest_context ctx;
static uint64_t table[512];
/* The window through which Dom0 writes the new domain's frames, one at a time. */
static uint8_t window[OS_PAGE_SIZE] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint64_t window_pte;

static long domctl(struct domctl *d, uint32_t cmd)
{
    d->cmd = cmd;
    d->interface_version = DOMCTL_VERSION;
    d->domain = XDOM_DOMU;
    return os_hypercall1(__HYPERVISOR_domctl, d);
}

/* Map pfn of the new domain at the window. */
static long map_pfn(uint64_t pfn)
{
    return os_hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, (unsigned long)window,
                         (mfns[pfn] << OS_PAGE_SHIFT) | OS_PTE_PRESENT | OS_PTE_RW |
                         OS_PTE_ACCESSED | OS_PTE_DIRTY, UVMF_INVLPG, XDOM_DOMU);
}

/* Copy len bytes (src NULL: zeros) to pseudo-physical address pa of the new domain. */
static int dom_write(uint64_t pa, const void *src, uint64_t len)
{
    const uint8_t *s = src;

    while (len) {
        uint64_t off = pa & (OS_PAGE_SIZE - 1), n = OS_PAGE_SIZE - off;
        if (n > len)
            n = len;
        if ((pa >> OS_PAGE_SHIFT) >= nr || map_pfn(pa >> OS_PAGE_SHIFT))
            return -XEN_EINVAL;
        for (uint64_t i = 0; i < n; i++)
            window[off + i] = s ? s[i] : 0;
        if (s)
            s += n;
        pa += n;
        len -= n;
    }
    return 0;
}

static int sink_write(void *ctx_, uint64_t off, const void *src, size_t len)
{
    return dom_write(elf.virt_kstart - lay.v_start + off, src, len);
}

static int sink_zero(void *ctx_, uint64_t off, size_t len)
{
    return dom_write(elf.virt_kstart - lay.v_start + off, NULL, len);
}

static uint64_t pa_of(uint64_t va)
{
    return va - lay.v_start;
}

/*
 * The bootstrap tables in Xen's order (L4, L3s, L2s, L1s): walking the
 * region upwards, table k of a level covers the k-th span of that level the
 * region touches, so each table's entries follow from arithmetic.
 */
static int write_page_tables(void)
{
    uint64_t pt_pfn = boot_layout_pfn(&lay, lay.pt.start);
    uint64_t nr_at[5] = { 0, lay.nr_l1, lay.nr_l2, lay.nr_l3, 1 };
    uint64_t first[5];

    first[4] = pt_pfn;
    first[3] = first[4] + 1;
    first[2] = first[3] + lay.nr_l3;
    first[1] = first[2] + lay.nr_l2;
    for (unsigned int level = 4; level >= 1; level--) {
        unsigned int shift = 12 + 9 * level;        /* bytes one table of this level covers */
        uint64_t base = level == 4 ? 0 : lay.v_start & ~((1ull << shift) - 1);
        uint64_t cbase = lay.v_start & ~((1ull << (shift - 9)) - 1);

        for (uint64_t k = 0; k < nr_at[level]; k++) {
            uint64_t lo = base + (k << shift), hi = lo + (1ull << shift);

            for (unsigned int i = 0; i < 512; i++)
                table[i] = 0;
            if (level == 1) {
                for (uint64_t va = lo > lay.v_start ? lo : lay.v_start;
                     va < hi && va < lay.v_end; va += OS_PAGE_SIZE) {
                    uint64_t flags = L1_PROT;
                    if (va >= lay.pt.start && va < lay.pt.end)
                        flags &= ~OS_PTE_RW;    /* page tables are never guest-writable */
                    table[(va >> 12) & 511] = (mfns[pa_of(va) >> 12] << 12) | flags;
                }
            } else {
                for (uint64_t j = 0; j < nr_at[level - 1]; j++) {
                    uint64_t child = cbase + (j << (shift - 9));
                    if (child >= lo && child < hi)
                        table[(child >> (shift - 9)) & 511] =
                            (mfns[first[level - 1] + j] << 12) | LN_PROT;
                }
            }
            if (dom_write((first[level] + k) << 12, table, sizeof(table)))
                return -XEN_EINVAL;
        }
    }
    return 0;
}

static long fail(const char *what, long rc)
{
    os_printf("xdom build: %s failed: %ld\n", what, rc);
    return rc ? rc : -XEN_EINVAL;
}

static long alloc_unbound_for_domu(void)
{
    struct evtchn_alloc_unbound a = { .dom = XDOM_DOMU, .remote_dom = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    return rc ? rc : a.port;
}

static long fill_start_info(uint64_t shared_info_frame)
{
    static start_info_t si;
    const char magic[] = "xen-3.0-x86_64";
    long store, cons;

    if ((store = alloc_unbound_for_domu()) < 0 || (cons = alloc_unbound_for_domu()) < 0)
        return fail("alloc_unbound for the xenstore/console rings", store < 0 ? store : cons);
    for (unsigned int i = 0; i < sizeof(magic); i++)
        si.magic[i] = magic[i];
    si.nr_pages = nr;
    si.shared_info = shared_info_frame << OS_PAGE_SHIFT;
    si.flags = 0;
    si.store_mfn = mfns[boot_layout_pfn(&lay, lay.xenstore.start)];
    si.store_evtchn = (uint32_t)store;
    si.console.domU.mfn = mfns[boot_layout_pfn(&lay, lay.console.start)];
    si.console.domU.evtchn = (uint32_t)cons;
    si.pt_base = lay.pt.start;
    si.nr_pt_frames = lay.nr_pt_frames;
    si.mfn_list = lay.p2m.start;
    si.first_p2m_pfn = lay.pages_needed;
    return dom_write(pa_of(lay.start_info.start), &si, sizeof(si));
}

long xdom_build_domu(const void *image, unsigned long len, unsigned long nr_pages)
{
    struct boot_layout_in in = { 0 };
    struct domctl d = { 0 };
    struct xen_memory_reservation r = { 0 };
    struct elf_xen_sink sink = { sink_write, sink_zero, NULL };
    uint64_t shared_info_frame;
    long rc;

    if (nr_pages > MAX_PAGES)
        return fail("size check", -XEN_EINVAL);
    if ((rc = elf_xen_parse(image, len, &elf))) {
        os_printf("xdom build: image refused: %s\n", elf.reason);
        return rc;
    }
    in.virt_base = elf.virt_base;
    in.virt_kstart = elf.virt_kstart;
    in.virt_kend = elf.virt_kend;
    in.nr_pages = nr_pages;
    in.p2m_base = BOOT_LAYOUT_UNSET;
    if ((rc = boot_layout_compute(&in, &lay))) {
        os_printf("xdom build: layout refused: %s\n", lay.reason);
        return rc;
    }

    d.u.createdomain.max_vcpus = 1;
    d.u.createdomain.max_evtchn_port = 1023;
    d.u.createdomain.max_grant_frames = -1;
    d.u.createdomain.max_maptrack_frames = -1;
    d.u.createdomain.grant_opts = 1;            /* XEN_DOMCTL_GRANT_version(1) */
    if ((rc = domctl(&d, DOMCTL_createdomain)))
        return fail("createdomain", rc);
    d = (struct domctl){ .u.max_vcpus.max = 1 };
    if ((rc = domctl(&d, DOMCTL_max_vcpus)))
        return fail("max_vcpus", rc);
    d = (struct domctl){ .u.max_mem.max_memkb = nr_pages * 4 + 1024 };
    if ((rc = domctl(&d, DOMCTL_max_mem)))
        return fail("max_mem", rc);

    /* PV: the pages are given by pseudo-physical frame; Xen answers each with its MFN. */
    for (unsigned long pfn = 0; pfn < nr_pages; pfn++)
        mfns[pfn] = pfn;
    r.extent_start.p = mfns;
    r.nr_extents = nr_pages;
    r.domid = XDOM_DOMU;
    if ((rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r)) != (long)nr_pages)
        return fail("populate_physmap", rc);
    nr = nr_pages;
    d = (struct domctl){ 0 };
    if ((rc = domctl(&d, DOMCTL_getdomaininfo)))
        return fail("getdomaininfo", rc);
    shared_info_frame = d.u.getdomaininfo.shared_info_frame;

    window_pte = *os_l1e_of((uint64_t)window);
    if ((rc = elf_xen_load(&elf, image, len, &sink)))
        return fail("loading the image", rc);
    if ((rc = dom_write(pa_of(lay.p2m.start), mfns, nr_pages * 8)))
        return fail("writing the P2M list", rc);
    if ((rc = fill_start_info(shared_info_frame)))
        return rc;
    if ((rc = write_page_tables()))
        return fail("writing the page tables", rc);
    /* Our window must not keep a writable reference on one of its page tables. */
    if ((rc = HYPERVISOR_update_va_mapping((unsigned long)window, window_pte, UVMF_INVLPG)))
        return fail("unmapping the window", rc);

    if (elf.virt_hypercall != ELF_XEN_UNSET) {
        d = (struct domctl){ .u.hypercall_init.gmfn =
                             mfns[boot_layout_pfn(&lay, elf.virt_hypercall)] };
        if ((rc = domctl(&d, DOMCTL_hypercall_init)))
            return fail("hypercall_init", rc);
    }

    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.user_regs.rip = elf.virt_entry;
    ctx.user_regs.rsp = lay.stack.end;
    ctx.user_regs.rsi = lay.start_info.start;
    ctx.user_regs.rflags = 1u << 9;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = ctx.user_regs.ds = ctx.user_regs.es = FLAT_KERNEL_SS;
    ctx.user_regs.fs = ctx.user_regs.gs = FLAT_KERNEL_SS;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = lay.stack.end;
    ctx.ctrlreg[3] = mfns[boot_layout_pfn(&lay, lay.pt.start)] << OS_PAGE_SHIFT;
    ctx.debugreg[6] = X86_DR6_DEFAULT;
    ctx.debugreg[7] = X86_DR7_DEFAULT;
    d = (struct domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    if ((rc = domctl(&d, DOMCTL_setvcpucontext)))
        return fail("setvcpucontext", rc);
    d = (struct domctl){ 0 };
    if ((rc = domctl(&d, DOMCTL_unpausedomain)))
        return fail("unpausedomain", rc);
    os_printf("xdom build: domain %u: %lu pages, entry %#lx, region %#lx-%#lx\n", XDOM_DOMU,
              nr_pages, (unsigned long)elf.virt_entry, (unsigned long)lay.v_start,
              (unsigned long)lay.v_end);
    return 0;
}
