/*
 * libFuzzer harness for the start-of-day layout calculator
 * (lib/boot_layout.c).  Run with `make fuzz-boot-layout` (clang, not part
 * of `make test`).
 *
 * Input: a flag byte and six 64-bit words that become a struct
 * boot_layout_in.  Flag bit 7 set: the words are used raw (any value at
 * all).  Clear: they are shaped like a plausible kernel (canonical base in
 * either half, kernel a few GiB at most above it, bounded initrd and memory)
 * so that most inputs reach the layout code; low bits still pick unaligned
 * and out-of-place values.
 *
 * A refusal must be -XEN_EINVAL or -XEN_ENOMEM with a reason.  An accepted
 * layout must keep every promise of lib/include/xl/boot_layout.h and the
 * rules docs and code cite: the region is [virt_base, v_end), page aligned
 * (VA = v_start + PFN * 4096), v_end 4 MiB aligned, canonical and clear of the hypervisor's slots; the ranges lie in
 * it in the builder's order without overlapping, page aligned except the
 * kernel; a separate P2M lies outside it, also canonical and clear of the
 * hypervisor; the table counts are exactly what covering the region takes;
 * PFNs of the initrd and the P2M frames fit in pages_needed, which fits in
 * nr_pages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xl/boot_layout.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define PAGE        4096ull
#define HOLE_START  0xffff800000000000ull
#define HOLE_END    0xffff880000000000ull

static const struct boot_layout_in *cur_in;
static const struct boot_layout *cur_out;

__attribute__((noreturn))
static void fail(const char *why)
{
    const struct boot_layout_in *in = cur_in;
    const struct boot_layout *l = cur_out;

    fprintf(stderr, "boot_layout fuzz: %s\n"
            "  in: base %#llx kstart %#llx kend %#llx initrd %#llx pages %#llx dom0 %d "
            "unmapped %d p2m %#llx\n"
            "  out: region %#llx-%#llx p2m %#llx-%#llx pt %#llx-%#llx stack %#llx-%#llx "
            "needed %#llx\n",
            why, (unsigned long long)in->virt_base, (unsigned long long)in->virt_kstart,
            (unsigned long long)in->virt_kend, (unsigned long long)in->initrd_len,
            (unsigned long long)in->nr_pages, in->dom0, in->unmapped_initrd,
            (unsigned long long)in->p2m_base, (unsigned long long)l->v_start,
            (unsigned long long)l->v_end, (unsigned long long)l->p2m.start,
            (unsigned long long)l->p2m.end, (unsigned long long)l->pt.start,
            (unsigned long long)l->pt.end, (unsigned long long)l->stack.start,
            (unsigned long long)l->stack.end, (unsigned long long)l->pages_needed);
    abort();
}

#define CHECK(cond, why) do { if (!(cond)) fail(why); } while (0)

static uint64_t word(const uint8_t *data, size_t size, unsigned int i)
{
    uint64_t v = 0;

    for (unsigned int b = 0; b < 8; b++) {
        size_t at = 1 + 8 * (size_t)i + b;
        v |= (uint64_t)(at < size ? data[at] : 0) << (8 * b);
    }
    return v;
}

static bool absent(struct boot_range r) { return r.start == 0 && r.end == 0; }

static uint64_t pages_of(uint64_t bytes) { return bytes / PAGE + (bytes % PAGE != 0); }

/* [start, end) canonical, on one side, clear of the hypervisor's L4 slots. */
static bool usable_va(uint64_t start, uint64_t end)
{
    if (end <= start)
        return start == end;
    uint64_t a = start >> 47, b = (end - 1) >> 47;
    return a == b && (a == 0 || a == 0x1ffff) && (end <= HOLE_START || start >= HOLE_END);
}

/* Tables of 2^bits bytes each that [start, end) touches (end > start). */
static uint64_t touched(uint64_t start, uint64_t end, unsigned int bits)
{
    return ((end - 1) >> bits) - (start >> bits) + 1;
}

static void check_layout(const struct boot_layout_in *in, const struct boot_layout *l)
{
    uint64_t region_pages = (l->v_end - l->v_start) / PAGE;

    CHECK(l->reason[0] == '\0', "success with a reason");
    CHECK(l->v_start == in->virt_base, "region does not start at virt_base");
    /* VA = v_start + PFN * 4096 can only be built from 4 KiB mappings if v_start is aligned. */
    CHECK(l->v_start % PAGE == 0, "region start (virt_base) not page aligned");
    CHECK(l->v_end > l->v_start && l->v_end % (4ull << 20) == 0, "v_end not 4 MiB aligned");
    CHECK(usable_va(l->v_start, l->v_end), "region not canonical or in the hypervisor's slots");
    CHECK(l->kernel.start == in->virt_kstart && l->kernel.end == in->virt_kend,
          "kernel range is not the image's");

    /* Builder order; each range within the region, page aligned but the kernel. */
    const struct boot_range *order[] = {
        &l->kernel, &l->initrd, &l->p2m, &l->start_info, &l->xenstore, &l->console,
        &l->pt, &l->stack,
    };
    bool p2m_inside = in->dom0 ? in->p2m_base == BOOT_LAYOUT_UNSET
                               : !(in->p2m_base != BOOT_LAYOUT_UNSET &&
                                   in->p2m_base < in->virt_base && in->p2m_base % PAGE == 0);
    uint64_t prev_end = l->v_start;
    for (unsigned int i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct boot_range *r = order[i];

        if (r == &l->p2m && !p2m_inside)
            continue;
        if (r != &l->kernel && absent(*r))
            continue;
        CHECK(r->start <= r->end, "range ends before it starts");
        CHECK(r->start >= prev_end, "ranges overlap or are out of order");
        CHECK(r->end <= l->v_end, "range leaves the region");
        CHECK(r == &l->kernel || r->start % PAGE == 0, "range start not page aligned");
        prev_end = r->end;
    }
    CHECK(l->start_info.end - l->start_info.start ==
          sizeof(struct start_info) + (in->dom0 ? sizeof(struct dom0_vga_console_info) : 0),
          "start_info size");
    CHECK(in->dom0 ? absent(l->xenstore) && absent(l->console)
                   : l->xenstore.end - l->xenstore.start == PAGE &&
                     l->console.end - l->console.start == PAGE,
          "xenstore/console pages");
    CHECK(l->stack.start == l->pt.end && l->stack.end - l->stack.start == PAGE,
          "stack is not the page after the tables");
    CHECK(l->v_end - l->stack.end >= (512ull << 10), "less than 512 KiB after the stack");

    /* Page tables: exactly what covering the region takes. */
    CHECK(l->nr_l4 == 1 && l->nr_l3 == touched(l->v_start, l->v_end, 39) &&
          l->nr_l2 == touched(l->v_start, l->v_end, 30) &&
          l->nr_l1 == touched(l->v_start, l->v_end, 21), "table counts do not cover the region");
    CHECK(l->nr_pt_frames >= l->nr_l4 + l->nr_l3 + l->nr_l2 + l->nr_l1,
          "fewer table frames than tables");
    CHECK(l->pt.end - l->pt.start == l->nr_pt_frames * PAGE, "table range size");

    /* Memory. */
    CHECK(l->pages_needed <= in->nr_pages, "pages_needed above nr_pages on success");
    CHECK(l->pages_needed >= region_pages - (in->dom0 && l->initrd_mapped ?
                                             pages_of(in->initrd_len) : 0),
          "pages_needed does not cover the region");

    /* P2M: one word per page, in the region or outside it. */
    CHECK(l->p2m.end - l->p2m.start == in->nr_pages * 8, "P2M size");
    if (!p2m_inside) {
        CHECK(l->p2m.start == in->p2m_base, "P2M not at INIT_P2M");
        CHECK(l->p2m.end <= l->v_start || l->p2m.start >= l->v_end,
              "separate P2M overlaps the region");
        CHECK(usable_va(l->p2m.start, l->p2m.end),
              "separate P2M not canonical or in the hypervisor's slots");
    }
    if (!in->dom0 && !p2m_inside) {
        CHECK(l->p2m_pfn >= region_pages && l->nr_p2m_frames >= pages_of(in->nr_pages * 8) &&
              l->p2m_pfn + l->nr_p2m_frames <= l->pages_needed, "P2M frames");
    } else if (in->dom0 && !p2m_inside) {
        /* Dom0 INIT_P2M: after Xen's first allocation, list pages plus tables, 3 spare. */
        uint64_t spanned = pages_of(in->p2m_base % PAGE + in->nr_pages * 8);
        CHECK(l->p2m_pfn == l->pages_needed &&
              l->nr_p2m_frames == spanned + l->nr_p2m_pt_frames &&
              l->p2m_pfn + l->nr_p2m_frames + 3 <= in->nr_pages, "dom0 P2M frames");
    } else {
        CHECK(l->p2m_pfn == BOOT_LAYOUT_UNSET && l->nr_p2m_frames == 0, "P2M PFNs when mapped");
    }

    /* Initrd. */
    if (!in->initrd_len) {
        CHECK(absent(l->initrd) && l->initrd_pfn == BOOT_LAYOUT_UNSET && !l->initrd_mapped,
              "initrd without an initrd");
    } else if (!in->unmapped_initrd) {
        CHECK(l->initrd_mapped && l->initrd.end - l->initrd.start == in->initrd_len &&
              l->initrd_pfn == boot_layout_pfn(l, l->initrd.start), "mapped initrd");
    } else {
        CHECK(!l->initrd_mapped && absent(l->initrd) && l->initrd_pfn >= region_pages &&
              l->initrd_pfn + pages_of(in->initrd_len) <= l->pages_needed, "unmapped initrd");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t flags = size ? data[0] : 0;
    uint64_t w[6];
    struct boot_layout_in in;
    struct boot_layout out;

    for (unsigned int i = 0; i < 6; i++)
        w[i] = word(data, size, i);
    in.dom0 = flags & 1;
    in.unmapped_initrd = flags & 2;
    if (flags & 0x80) {
        in.virt_base = w[0];
        in.virt_kstart = w[1];
        in.virt_kend = w[2];
        in.initrd_len = w[3];
        in.nr_pages = w[4];
        in.p2m_base = (flags & 4) ? w[5] : BOOT_LAYOUT_UNSET;
    } else {
        /* A plausible kernel; the low bits of each word still break the rules now and then. */
        uint64_t base = w[0] & 0x00007ffffffff000ull;
        if (flags & 8)
            base |= 0xffff800000000000ull;
        if (flags & 0x10)
            base |= w[0] & 0xfff;
        in.virt_base = base;
        in.virt_kstart = base + (w[1] & 0xffffffull & ((flags & 0x20) ? ~0ull : ~0xfffull));
        in.virt_kend = in.virt_kstart + (w[2] & 0xfffffffull);
        in.initrd_len = w[3] & 0xfffffffull;
        in.nr_pages = w[4] & 0x3fffffull;
        in.p2m_base = !(flags & 4) ? BOOT_LAYOUT_UNSET :
                      (flags & 0x40) ? w[5] : base - (w[5] & 0xffffffffffull);
    }

    cur_in = &in;
    cur_out = &out;
    memset(&out, 0xa5, sizeof(out));
    int rc = boot_layout_compute(&in, &out);
    CHECK(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_ENOMEM, "error outside the contract");
    CHECK(memchr(out.reason, 0, sizeof(out.reason)) != NULL, "reason not terminated");
    if (rc) {
        CHECK(out.reason[0] != '\0', "refusal without a reason");
        return 0;
    }
    check_layout(&in, &out);
    return 0;
}
