/*
 * ELF PV-kernel parser and loader.  Each test builds an image in memory
 * from a small description, then changes one thing.  Images are heap
 * buffers of exactly their length, so AddressSanitizer catches any read
 * past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xl/elf_xen.h>
#include <xen/errno.h>
#include <xen/features.h>

/* ---- image builder ------------------------------------------------------ */

struct tseg {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct tnote {
    const char *owner;
    uint32_t type;
    uint32_t descsz;
    uint8_t desc[64];
};

struct spec {
    uint8_t cls, data;
    uint16_t machine, phentsize;
    uint64_t entry;
    unsigned int nseg;
    struct tseg seg[24];
    unsigned int nnote;
    struct tnote note[16];
    bool notes_in_section;      /* SHT_NOTE section instead of PT_NOTE */
    bool note_phdr_offset_zero; /* the binutils quirk Xen skips */
    size_t len;
};

#define SHDR_OFF    0x5c0   /* after room for 25 program headers */
#define NOTE_OFF    0x680
#define PT_LOAD     1
#define PT_NOTE     4
#define PF_X        1
#define PF_W        2
#define PF_R        4

static void put(uint8_t *p, size_t len, uint64_t off, uint64_t v, int size)
{
    for (int i = 0; i < size; i++)
        if (off + i < len)
            p[off + i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

static void add_seg(struct spec *s, uint32_t flags, uint64_t offset, uint64_t vaddr,
                    uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    s->seg[s->nseg++] = (struct tseg){ PT_LOAD, flags, offset, vaddr, paddr, filesz, memsz };
}

static struct tnote *add_note(struct spec *s, uint32_t type)
{
    struct tnote *n = &s->note[s->nnote++];
    memset(n, 0, sizeof(*n));
    n->owner = "Xen";
    n->type = type;
    return n;
}

static void add_str(struct spec *s, uint32_t type, const char *str)
{
    struct tnote *n = add_note(s, type);
    n->descsz = (uint32_t)strlen(str) + 1;
    memcpy(n->desc, str, n->descsz);
}

static void add_num(struct spec *s, uint32_t type, uint64_t v, uint32_t size)
{
    struct tnote *n = add_note(s, type);
    n->descsz = size;
    put(n->desc, sizeof(n->desc), 0, v, (int)size);
}

/* Bytes of all notes, laid out at NOTE_OFF. */
static size_t notes_size(const struct spec *s)
{
    size_t sz = 0;
    for (unsigned int i = 0; i < s->nnote; i++)
        sz += 12 + ((strlen(s->note[i].owner) + 1 + 3) & ~3u) + ((s->note[i].descsz + 3) & ~3u);
    return sz;
}

/* The file byte at offset i of segment data: recognisable, never zero. */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 7 + 1) | 1;
}

static uint8_t *build(const struct spec *s)
{
    uint8_t *p = calloc(1, s->len ? s->len : 1);
    size_t len = s->len;
    unsigned int nph = s->nseg + (s->notes_in_section ? 0 : 1);

    /* Segment contents first, so headers win where a test overlaps them. */
    for (unsigned int i = 0; i < s->nseg; i++)
        for (uint64_t b = 0; b < s->seg[i].filesz && b < 0x10000; b++)
            if (s->seg[i].offset + b < len && s->seg[i].offset + b >= 0x1000)
                p[s->seg[i].offset + b] = pattern(s->seg[i].offset + b);

    if (len >= 4)
        memcpy(p, "\177ELF", 4);
    put(p, len, 4, s->cls, 1);
    put(p, len, 5, s->data, 1);
    put(p, len, 6, 1, 1);                  /* EI_VERSION */
    put(p, len, 16, 2, 2);                 /* ET_EXEC */
    put(p, len, 18, s->machine, 2);
    put(p, len, 20, 1, 4);
    put(p, len, 24, s->entry, 8);
    put(p, len, 32, 64, 8);                /* e_phoff */
    put(p, len, 52, 64, 2);
    put(p, len, 54, s->phentsize, 2);
    put(p, len, 56, nph, 2);

    for (unsigned int i = 0; i < s->nseg; i++) {
        uint64_t ph = 64 + 56ull * i;
        const struct tseg *g = &s->seg[i];
        put(p, len, ph, g->type, 4);
        put(p, len, ph + 4, g->flags, 4);
        put(p, len, ph + 8, g->offset, 8);
        put(p, len, ph + 16, g->vaddr, 8);
        put(p, len, ph + 24, g->paddr, 8);
        put(p, len, ph + 32, g->filesz, 8);
        put(p, len, ph + 40, g->memsz, 8);
        put(p, len, ph + 48, 0x1000, 8);
    }

    uint64_t off = NOTE_OFF;
    for (unsigned int i = 0; i < s->nnote; i++) {
        const struct tnote *n = &s->note[i];
        size_t nsz = strlen(n->owner) + 1;
        put(p, len, off, nsz, 4);
        put(p, len, off + 4, n->descsz, 4);
        put(p, len, off + 8, n->type, 4);
        for (size_t b = 0; b < nsz; b++)
            put(p, len, off + 12 + b, (uint8_t)n->owner[b], 1);
        off += 12 + ((nsz + 3) & ~3u);
        for (size_t b = 0; b < n->descsz && b < sizeof(n->desc); b++)
            put(p, len, off + b, n->desc[b], 1);
        off += (n->descsz + 3) & ~3u;
    }

    if (s->notes_in_section) {
        put(p, len, 40, SHDR_OFF, 8);      /* e_shoff */
        put(p, len, 58, 64, 2);
        put(p, len, 60, 2, 2);             /* null section + the note section */
        put(p, len, SHDR_OFF + 64 + 4, 7, 4);          /* SHT_NOTE */
        put(p, len, SHDR_OFF + 64 + 24, NOTE_OFF, 8);
        put(p, len, SHDR_OFF + 64 + 32, notes_size(s), 8);
    } else {
        uint64_t ph = 64 + 56ull * s->nseg;
        put(p, len, ph, PT_NOTE, 4);
        put(p, len, ph + 4, PF_R, 4);
        put(p, len, ph + 8, s->note_phdr_offset_zero ? 0 : NOTE_OFF, 8);
        put(p, len, ph + 32, notes_size(s), 8);
        put(p, len, ph + 40, notes_size(s), 8);
    }
    return p;
}

static int parse(const struct spec *s, struct elf_xen_info *info)
{
    uint8_t *img = build(s);
    int rc = elf_xen_parse(img, s->len, info);
    free(img);
    return rc;
}

/* A small "generic" guest linked at 1 MiB with no VIRT_BASE, like XTF. */
static void generic(struct spec *s)
{
    memset(s, 0, sizeof(*s));
    s->cls = 2;
    s->data = 1;
    s->machine = 62;
    s->phentsize = 56;
    s->entry = 0x100040;
    s->len = 0x3800;
    add_seg(s, PF_R | PF_X, 0x1000, 0x100000, 0x100000, 0x2000, 0x2000);
    add_seg(s, PF_R | PF_W, 0x3000, 0x102000, 0x102000, 0x800, 0x3000);
    add_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    add_str(s, XEN_ELFNOTE_LOADER, "generic");
    add_str(s, XEN_ELFNOTE_GUEST_OS, "XTF");
    add_num(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0x101000, 8);
    add_str(s, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
}

/* Linux-like: VIRT_BASE 0xffffffff80000000, text at 16 MiB physical. */
static void linux_like(struct spec *s)
{
    memset(s, 0, sizeof(*s));
    s->cls = 2;
    s->data = 1;
    s->machine = 62;
    s->phentsize = 56;
    s->entry = 0xffffffff81000000;          /* e_entry; the ENTRY note differs */
    s->len = 0x5000;
    add_seg(s, PF_R | PF_X, 0x1000, 0xffffffff81000000, 0x1000000, 0x2000, 0x2000);
    add_seg(s, PF_R | PF_W, 0x3000, 0, 0x1002000, 0x1000, 0x1000);   /* percpu: vaddr 0 */
    add_seg(s, PF_R | PF_W, 0x4000, 0xffffffff81003000, 0x1003000, 0x1000, 0x5000);
    add_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    add_str(s, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    add_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    add_num(s, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000, 8);
    add_num(s, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    add_num(s, XEN_ELFNOTE_ENTRY, 0xffffffff81000100, 8);
    add_num(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000, 8);
    add_num(s, XEN_ELFNOTE_INIT_P2M, 0x8000000000, 8);
    add_num(s, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    add_num(s, XEN_ELFNOTE_SUPPORTED_FEATURES,
            (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_dom0), 4);
    add_str(s, XEN_ELFNOTE_FEATURES, "!writable_page_tables");
}

#define EXPECT_REFUSAL(s, err, text)                                    \
    do {                                                                \
        struct elf_xen_info info_;                                      \
        assert_int_equal(parse((s), &info_), (err));                    \
        if (!strstr(info_.reason, (text)))                              \
            fail_msg("reason '%s' lacks '%s'", info_.reason, (text));   \
    } while (0)

/* ---- accepted images ---------------------------------------------------- */

static void test_generic_image(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    generic(&s);
    assert_int_equal(parse(&s, &info), 0);
    assert_string_equal(info.reason, "");
    assert_int_equal(info.nr_segs, 2);
    assert_int_equal(info.seg[1].paddr, 0x102000);
    assert_int_equal(info.seg[1].filesz, 0x800);
    assert_int_equal(info.seg[1].memsz, 0x3000);
    assert_int_equal(info.pstart, 0x100000);
    assert_int_equal(info.pend, 0x105000);
    assert_int_equal(info.virt_base, 0);
    assert_int_equal(info.virt_kstart, 0x100000);
    assert_int_equal(info.virt_kend, 0x105000);
    assert_int_equal(info.virt_entry, 0x100040);            /* e_entry */
    assert_int_equal(info.virt_hypercall, 0x101000);
    assert_int_equal(info.p2m_base, ELF_XEN_UNSET);
    assert_string_equal(info.loader, "generic");
    assert_string_equal(info.guest_os, "XTF");
    assert_string_equal(info.xen_version, "xen-3.0");
    assert_int_equal(info.f_required, 1u << XENFEAT_writable_page_tables);
    assert_int_equal(info.f_supported, (1u << XENFEAT_writable_page_tables) |
                                       (1u << XENFEAT_pae_pgdir_above_4gb));
    assert_false(info.unmapped_initrd);
    assert_true(elf_xen_has_note(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
    assert_false(elf_xen_has_note(&info, XEN_ELFNOTE_VIRT_BASE));
}

static void test_linux_like_image(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    linux_like(&s);
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.nr_segs, 3);
    assert_int_equal(info.pstart, 0x1000000);
    assert_int_equal(info.pend, 0x1008000);
    assert_int_equal(info.virt_base, 0xffffffff80000000);
    assert_int_equal(info.virt_kstart, 0xffffffff81000000);
    assert_int_equal(info.virt_kend, 0xffffffff81008000);
    assert_int_equal(info.virt_entry, 0xffffffff81000100);  /* ENTRY beats e_entry */
    assert_int_equal(info.virt_hypercall, 0xffffffff81001000);
    assert_int_equal(info.p2m_base, 0x8000000000);
    assert_true(info.unmapped_initrd);
    assert_string_equal(info.loader, "");
    assert_string_equal(info.guest_version, "2.6");
    assert_int_equal(info.f_supported, (1u << XENFEAT_writable_page_tables) |
                                       (1u << XENFEAT_dom0));
}

static void test_paddr_offset(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    /* Old-style kernel: p_paddr == p_vaddr, PADDR_OFFSET = VIRT_BASE. */
    generic(&s);
    s.seg[0].paddr = 0xffffffff80100000;
    s.seg[1].paddr = 0xffffffff80102000;
    s.entry = 0xffffffff80100040;
    s.note[3].desc[0] = 0;                  /* hypercall page -> 0xffffffff80101000 */
    put(s.note[3].desc, 64, 0, 0xffffffff80101000, 8);
    add_num(&s, XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000, 8);
    add_num(&s, XEN_ELFNOTE_PADDR_OFFSET, 0xffffffff80000000, 8);
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.pstart, 0xffffffff80100000);
    assert_int_equal(info.virt_kstart, 0xffffffff80100000);  /* offset cancels */
    assert_int_equal(info.virt_kend, 0xffffffff80105000);
}

static void test_notes_from_section(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    generic(&s);
    s.notes_in_section = true;
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.virt_hypercall, 0x101000);
    assert_string_equal(info.loader, "generic");
}

static void test_numeric_note_sizes(void **state)
{
    static const struct { uint32_t size; uint64_t expect; } cases[] = {
        { 1, 0x88 }, { 2, 0x7788 }, { 4, 0x55667788 }, { 8, 0x1122334455667788 },
        { 3, 0 }, { 0, 0 }, { 16, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spec s;
        struct elf_xen_info info;
        generic(&s);
        add_num(&s, XEN_ELFNOTE_SUSPEND_CANCEL, 0x1122334455667788, cases[i].size);
        assert_int_equal(parse(&s, &info), 0);
        assert_int_equal(info.num[XEN_ELFNOTE_SUSPEND_CANCEL], cases[i].expect);
    }
}

static void test_foreign_and_unknown_notes_ignored(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    generic(&s);
    struct tnote *gnu = add_note(&s, XEN_ELFNOTE_ENTRY);     /* owner "GNU": ignored */
    gnu->owner = "GNU";
    gnu->descsz = 8;
    put(gnu->desc, 64, 0, 0xdead, 8);
    add_num(&s, 0x777, 1, 4);                                 /* unknown type */
    add_str(&s, XEN_ELFNOTE_FEATURES, "future_feature|dom0");  /* optional unknown */
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.virt_entry, 0x100040);
    assert_true(info.f_supported & (1u << XENFEAT_dom0));
}

static void test_guest_os_linux_without_loader(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    generic(&s);
    s.note[1].type = XEN_ELFNOTE_GUEST_VERSION;               /* no LOADER left */
    memcpy(s.note[2].desc, "linux-ish", 10);
    s.note[2].descsz = 10;
    assert_int_equal(parse(&s, &info), 0);
}

static void test_string_note_bounded(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    /* A string note without NUL: read only descsz bytes. */
    generic(&s);
    struct tnote *n = add_note(&s, XEN_ELFNOTE_GUEST_VERSION);
    memcpy(n->desc, "abcdefgh", 8);
    n->descsz = 5;
    assert_int_equal(parse(&s, &info), 0);
    assert_string_equal(info.guest_version, "abcde");
    /* A long string note is truncated to fit. */
    generic(&s);
    n = add_note(&s, XEN_ELFNOTE_GUEST_VERSION);
    memset(n->desc, 'q', 64);
    n->descsz = 64;
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(strlen(info.guest_version), ELF_XEN_STR_MAX - 1);
}

/* ---- refused images ----------------------------------------------------- */

static void test_not_elf(void **state)
{
    struct spec s;

    generic(&s);
    s.len = 63;
    EXPECT_REFUSAL(&s, -XEN_ENOEXEC, "too short");
    generic(&s);
    s.cls = 1;
    EXPECT_REFUSAL(&s, -XEN_ENOEXEC, "64-bit");
    generic(&s);
    s.data = 2;
    EXPECT_REFUSAL(&s, -XEN_ENOEXEC, "little-endian");
    generic(&s);
    s.machine = 3;
    EXPECT_REFUSAL(&s, -XEN_ENOEXEC, "not x86-64");

    uint8_t junk[64] = "MZ not an elf";
    struct elf_xen_info info;
    assert_int_equal(elf_xen_parse(junk, sizeof(junk), &info), -XEN_ENOEXEC);
    assert_int_equal(elf_xen_parse(NULL, 0, &info), -XEN_ENOEXEC);
}

static void test_no_notes(void **state)
{
    struct spec s;

    generic(&s);
    s.nnote = 0;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "no Xen ELF notes");
    /* A PT_NOTE with p_offset 0 is skipped, as Xen does. */
    generic(&s);
    s.note_phdr_offset_zero = true;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "no Xen ELF notes");
    /* Notes owned by someone else do not count. */
    generic(&s);
    for (unsigned int i = 0; i < s.nnote; i++)
        s.note[i].owner = "Xe";
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "no Xen ELF notes");
}

static void test_bad_version_and_loader(void **state)
{
    struct spec s;

    generic(&s);
    memcpy(s.note[0].desc, "xen-2.0", 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "XEN_VERSION 'xen-2.0'");
    generic(&s);
    s.note[0].type = XEN_ELFNOTE_GUEST_VERSION;          /* XEN_VERSION missing */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "XEN_VERSION");
    generic(&s);
    memcpy(s.note[1].desc, "special", 8);                /* LOADER not generic */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "not generic");
}

static void test_overlapping_segments(void **state)
{
    struct spec s;

    generic(&s);
    s.seg[1].paddr = 0x101fff;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "PT_LOAD segments 0 and 1 overlap");
    /* Touching is fine; so is an empty segment inside another. */
    struct elf_xen_info info;
    generic(&s);
    add_seg(&s, PF_R, 0x1000, 0x100800, 0x100800, 0, 0);
    assert_int_equal(parse(&s, &info), 0);
    /* Overlap between the 2nd and 3rd. */
    generic(&s);
    add_seg(&s, PF_R, 0x1000, 0x104000, 0x104000, 0x10, 0x2000);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "PT_LOAD segments 1 and 2 overlap");
}

static void test_segment_outside_file(void **state)
{
    struct spec s;

    generic(&s);
    s.seg[1].filesz = 0x801;                             /* one byte past the end */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "segment 1 file range outside image");
    generic(&s);
    s.seg[0].offset = 0x4000;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "segment 0 file range outside image");
    generic(&s);
    s.seg[0].offset = UINT64_MAX - 0x10;                 /* offset + size wraps */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "segment 0 file range outside image");
    generic(&s);
    s.seg[0].filesz = UINT64_MAX;
    s.seg[0].memsz = UINT64_MAX;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "segment 0 file range outside image");
}

static void test_huge_sizes(void **state)
{
    struct spec s;

    generic(&s);
    s.seg[1].memsz = UINT64_MAX - 0x1000;                /* paddr + memsz wraps */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "segment 1 address range wraps");
    generic(&s);
    s.seg[0].filesz = 0x3000;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "p_filesz 0x3000 > p_memsz 0x2000");
}

static void test_truncated_headers(void **state)
{
    struct spec s;

    generic(&s);
    s.len = 64 + 56 * 2;                                 /* third phdr cut off */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "program header table outside image");
    generic(&s);
    s.phentsize = 32;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "program header size 32");
    /* A note segment reaching past the end of the file. */
    generic(&s);
    {
        uint8_t *img = build(&s);
        put(img, s.len, 64 + 56 * 2 + 32, s.len - NOTE_OFF + 1, 8);
        struct elf_xen_info info;
        assert_int_equal(elf_xen_parse(img, s.len, &info), -XEN_EINVAL);
        assert_non_null(strstr(info.reason, "note segment 2 lies outside the image"));
        free(img);
    }
    /* A note whose descsz runs past its segment. */
    generic(&s);
    s.note[s.nnote - 1].descsz = 200;
    s.len = 0x4000;
    {
        uint8_t *img = build(&s);
        /* Keep the segment size of the honest layout (descsz 43 -> 44). */
        uint64_t ph = 64 + 56 * 2;
        size_t honest = notes_size(&s) - 200 + 44;
        put(img, s.len, ph + 32, honest, 8);
        struct elf_xen_info info;
        assert_int_equal(elf_xen_parse(img, s.len, &info), -XEN_EINVAL);
        assert_non_null(strstr(info.reason, "runs past the end of note segment 2"));
        free(img);
    }
    /* Section fallback with a section table past the end. */
    generic(&s);
    s.notes_in_section = true;
    {
        uint8_t *img = build(&s);
        put(img, s.len, 60, 1000, 2);                    /* e_shnum */
        struct elf_xen_info info;
        assert_int_equal(elf_xen_parse(img, s.len, &info), -XEN_EINVAL);
        assert_non_null(strstr(info.reason, "section header table outside image"));
        free(img);
    }
}

static void test_entry_outside(void **state)
{
    struct spec s;

    generic(&s);
    s.entry = 0xfffff;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "entry 0xfffff outside the kernel");
    generic(&s);
    s.entry = 0x105001;
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "entry 0x105001 outside");
    generic(&s);
    s.entry = 0x105000;                                  /* Xen allows entry == kend */
    struct elf_xen_info info;
    assert_int_equal(parse(&s, &info), 0);
}

static void test_address_rules(void **state)
{
    struct spec s;

    generic(&s);
    add_num(&s, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "PADDR_OFFSET note given without VIRT_BASE");
    generic(&s);
    add_num(&s, XEN_ELFNOTE_VIRT_BASE, 0x200000, 8);     /* kstart becomes 0x300000 */
    s.entry = 0x300040;
    put(s.note[3].desc, 64, 0, 0x301000, 8);
    struct elf_xen_info info;
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.virt_kstart, 0x300000);
    /* VIRT_BASE above the kernel: kstart wraps past 2^64 to a low address. */
    generic(&s);
    add_num(&s, XEN_ELFNOTE_VIRT_BASE, 0xffffffffffff0000, 8);
    add_num(&s, XEN_ELFNOTE_ENTRY, 0xf0040, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "VIRT_BASE");
    generic(&s);
    add_num(&s, XEN_ELFNOTE_INIT_P2M, 0x104000, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "INIT_P2M 0x104000 inside the kernel");
    generic(&s);
    add_num(&s, XEN_ELFNOTE_INIT_P2M, 0x105000, 8);      /* just past: fine */
    assert_int_equal(parse(&s, &info), 0);
}

static void test_hypercall_page_rules(void **state)
{
    struct spec s;

    generic(&s);
    put(s.note[3].desc, 64, 0, 0x101800, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "HYPERCALL_PAGE 0x101800");
    generic(&s);
    put(s.note[3].desc, 64, 0, 0x105000, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "HYPERCALL_PAGE");
    generic(&s);
    put(s.note[3].desc, 64, 0, 0xff000, 8);
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "HYPERCALL_PAGE");
    generic(&s);
    put(s.note[3].desc, 64, 0, 0x104000, 8);             /* last page: fine */
    struct elf_xen_info info;
    assert_int_equal(parse(&s, &info), 0);
}

static void test_required_unknown_feature(void **state)
{
    struct spec s;

    generic(&s);
    add_str(&s, XEN_ELFNOTE_FEATURES, "dom0|!time_travel");
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "unknown feature 'time_travel'");
}

static void test_too_many_segments(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    generic(&s);
    s.len = 0x4000;
    for (unsigned int i = 2; i < ELF_XEN_MAX_SEGS; i++)
        add_seg(&s, PF_R, 0x3000, 0x200000 + i * 0x1000, 0x200000 + i * 0x1000, 0, 0x1000);
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.nr_segs, ELF_XEN_MAX_SEGS);
    add_seg(&s, PF_R, 0x3000, 0x300000, 0x300000, 0, 0x1000);
    EXPECT_REFUSAL(&s, -XEN_E2BIG, "more than 16 PT_LOAD segments");
    /* Segments without R/W/X are not loadable and do not count. */
    s.seg[s.nseg - 1].flags = 0;
    assert_int_equal(parse(&s, &info), 0);
    assert_int_equal(info.nr_segs, ELF_XEN_MAX_SEGS);
}

static void test_no_load_segments(void **state)
{
    struct spec s;

    generic(&s);
    s.seg[0].flags = 0;
    s.seg[1].type = 0x6474e551;                          /* PT_GNU_STACK */
    EXPECT_REFUSAL(&s, -XEN_EINVAL, "no loadable PT_LOAD segments");
}

/* ---- loading ------------------------------------------------------------ */

struct memsink {
    uint8_t *mem;
    size_t size;
    int writes, zeros;
    int fail_at;            /* call number that fails, 0 = never */
};

static int sink_write(void *ctx, uint64_t off, const void *src, size_t len)
{
    struct memsink *m = ctx;
    if (++m->writes + m->zeros == m->fail_at)
        return -XEN_EFAULT;
    assert_true(off <= m->size && len <= m->size - off);
    memcpy(m->mem + off, src, len);
    return 0;
}

static int sink_zero(void *ctx, uint64_t off, size_t len)
{
    struct memsink *m = ctx;
    if (m->writes + ++m->zeros == m->fail_at)
        return -XEN_EFAULT;
    assert_true(off <= m->size && len <= m->size - off);
    memset(m->mem + off, 0, len);
    return 0;
}

static void test_load(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    linux_like(&s);
    uint8_t *img = build(&s);
    assert_int_equal(elf_xen_parse(img, s.len, &info), 0);

    struct memsink m = { .size = info.pend - info.pstart };
    m.mem = malloc(m.size);
    memset(m.mem, 0xaa, m.size);
    struct elf_xen_sink sink = { sink_write, sink_zero, &m };
    assert_int_equal(elf_xen_load(&info, img, s.len, &sink), 0);
    assert_int_equal(m.writes, 3);
    assert_int_equal(m.zeros, 1);                        /* only the last has BSS */

    /* Every byte: file bytes where a segment has them, zero in BSS. */
    for (unsigned int i = 0; i < s.nseg; i++) {
        const struct tseg *g = &s.seg[i];
        uint64_t base = g->paddr - info.pstart;
        for (uint64_t b = 0; b < g->memsz; b++) {
            uint8_t want = b < g->filesz ? pattern(g->offset + b) : 0;
            if (m.mem[base + b] != want)
                fail_msg("seg %u byte %#llx: %#x != %#x", i,
                         (unsigned long long)b, m.mem[base + b], want);
        }
    }

    /* A failing callback stops the load and its error comes back. */
    m.writes = m.zeros = 0;
    m.fail_at = 2;
    assert_int_equal(elf_xen_load(&info, img, s.len, &sink), -XEN_EFAULT);
    assert_int_equal(m.writes + m.zeros, 2);
    struct elf_xen_sink broken = { NULL, sink_zero, &m };
    assert_int_equal(elf_xen_load(&info, img, s.len, &broken), -XEN_EINVAL);
    /* A shorter image than the one parsed is caught, not read past. */
    assert_int_equal(elf_xen_load(&info, img, 0x4800, &sink), -XEN_EINVAL);

    free(m.mem);
    free(img);
}

/* ---- robustness --------------------------------------------------------- */

static void check_accepted_invariants(const struct elf_xen_info *info, size_t len)
{
    assert_true(info->nr_segs >= 1 && info->nr_segs <= ELF_XEN_MAX_SEGS);
    assert_true(info->virt_kstart <= info->virt_entry);
    assert_true(info->virt_entry <= info->virt_kend);
    assert_true(info->virt_base <= info->virt_kstart);
    for (unsigned int i = 0; i < info->nr_segs; i++) {
        assert_true(info->seg[i].filesz <= info->seg[i].memsz);
        assert_true(info->seg[i].offset <= len && info->seg[i].filesz <= len - info->seg[i].offset);
        assert_true(info->seg[i].paddr >= info->pstart);
        assert_true(info->seg[i].paddr + info->seg[i].memsz <= info->pend);
    }
}

static void test_every_truncation(void **state)
{
    struct spec s;
    struct elf_xen_info info;

    linux_like(&s);
    uint8_t *full = build(&s);
    for (size_t len = 0; len <= s.len; len++) {
        uint8_t *img = malloc(len ? len : 1);
        memcpy(img, full, len);
        int rc = elf_xen_parse(img, len, &info);
        if (rc == 0)
            check_accepted_invariants(&info, len);
        else
            assert_true(info.reason[0] != '\0');
        /* The last segment ends at the end of the file. */
        if (len < s.len)
            assert_int_not_equal(rc, 0);
        free(img);
    }
    free(full);
}

static void test_random_mutations(void **state)
{
    struct spec s;
    struct elf_xen_info info;
    unsigned int accepted = 0;
    uint64_t rng = 0x9e3779b97f4a7c15ull;

    linux_like(&s);
    uint8_t *orig = build(&s);
    uint8_t *img = malloc(s.len);
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(img, orig, s.len);
        /* Flip a few bytes in the headers and notes, where parsing happens. */
        int flips = 1 + iter % 4;
        for (int f = 0; f < flips; f++) {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            size_t at = (rng >> 8) % 0x800;
            img[at] = (uint8_t)(rng >> 40);
        }
        int rc = elf_xen_parse(img, s.len, &info);
        if (rc == 0) {
            accepted++;
            check_accepted_invariants(&info, s.len);
        } else {
            assert_true(rc == -XEN_EINVAL || rc == -XEN_ENOEXEC || rc == -XEN_E2BIG);
            assert_true(info.reason[0] != '\0');
        }
    }
    /* Some mutations hit bytes that do not matter; the test must see both. */
    assert_true(accepted > 0 && accepted < 20000);
    free(img);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generic_image),
        cmocka_unit_test(test_linux_like_image),
        cmocka_unit_test(test_paddr_offset),
        cmocka_unit_test(test_notes_from_section),
        cmocka_unit_test(test_numeric_note_sizes),
        cmocka_unit_test(test_foreign_and_unknown_notes_ignored),
        cmocka_unit_test(test_guest_os_linux_without_loader),
        cmocka_unit_test(test_string_note_bounded),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_no_notes),
        cmocka_unit_test(test_bad_version_and_loader),
        cmocka_unit_test(test_overlapping_segments),
        cmocka_unit_test(test_segment_outside_file),
        cmocka_unit_test(test_huge_sizes),
        cmocka_unit_test(test_truncated_headers),
        cmocka_unit_test(test_entry_outside),
        cmocka_unit_test(test_address_rules),
        cmocka_unit_test(test_hypercall_page_rules),
        cmocka_unit_test(test_required_unknown_feature),
        cmocka_unit_test(test_too_many_segments),
        cmocka_unit_test(test_no_load_segments),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_random_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
