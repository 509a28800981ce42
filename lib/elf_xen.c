/*
 * ELF64 x86-64 PV kernel parser and loader.  See xl/elf_xen.h for the
 * rules and where they come from.
 *
 * Fields are read byte by byte at checked offsets (little-endian), so the
 * image needs no alignment and no ELF structure is ever dereferenced.
 */
#include <xl/elf_xen.h>
#include <xl/format.h>
#include <xl/string.h>
#include <xen/errno.h>
#include <xen/features.h>

/* ELF facts (System V gABI, x86-64 psABI). */
#define EHDR_SIZE       64
#define PHDR_SIZE       56
#define SHDR_SIZE       64
#define NOTE_HDR_SIZE   12
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define SHT_NOTE        7
#define PF_RWX          7
#define PAGE_SIZE_4K    4096u

/* Xen refuses images with more notes than this (libelf.h). */
#define MAX_TOTAL_NOTES 65536

struct image {
    const uint8_t *p;
    size_t len;
};

static uint64_t rd(const struct image *img, uint64_t off, unsigned int size)
{
    uint64_t v = 0;

    /* Callers have range-checked [off, off + size). */
    for (unsigned int i = size; i-- > 0;)
        v = (v << 8) | img->p[off + i];
    return v;
}

/* [off, off + size) lies inside the image, without overflowing. */
static bool in_image(const struct image *img, uint64_t off, uint64_t size)
{
    return off <= img->len && size <= img->len - off;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct elf_xen_info *info, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xl_vsnprintf(info->reason, sizeof(info->reason), fmt, ap);
    va_end(ap);
    return err;
}

static uint64_t round4(uint64_t v)
{
    return (v + 3) & ~(uint64_t)3;
}

/* Copy a string note (bounded by its descsz) into a fixed buffer. */
static void copy_str(char *dst, size_t cap, const uint8_t *src, uint64_t size)
{
    size_t n = 0;

    while (n < size && n + 1 < cap && src[n])
        n++;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Xen's numeric note: 1/2/4/8 bytes little-endian, other sizes read as 0. */
static uint64_t note_numeric(const struct image *img, uint64_t desc, uint64_t descsz)
{
    switch (descsz) {
    case 1: case 2: case 4: case 8:
        return rd(img, desc, (unsigned int)descsz);
    default:
        return 0;
    }
}

/* Feature names Xen 4.17's libelf recognises in the FEATURES note. */
static const struct { const char *name; unsigned int bit; } feature_names[] = {
    { "writable_page_tables",       XENFEAT_writable_page_tables },
    { "writable_descriptor_tables", XENFEAT_writable_descriptor_tables },
    { "auto_translated_physmap",    XENFEAT_auto_translated_physmap },
    { "supervisor_mode_kernel",     XENFEAT_supervisor_mode_kernel },
    { "pae_pgdir_above_4gb",        XENFEAT_pae_pgdir_above_4gb },
    { "hvm_callback_vector",        XENFEAT_hvm_callback_vector },
    { "dom0",                       XENFEAT_dom0 },
};

/*
 * "name|!name|..." -> supported/required bits.  An unknown name is
 * ignored unless it is marked required, which refuses the image.
 */
static int parse_features(struct elf_xen_info *info, const uint8_t *s, uint64_t size)
{
    uint64_t pos = 0;

    while (pos < size && s[pos]) {
        uint64_t end = pos;
        while (end < size && s[end] && s[end] != '|')
            end++;

        const uint8_t *tok = s + pos;
        uint64_t tlen = end - pos;
        bool required = tlen > 0 && tok[0] == '!';
        if (required) {
            tok++;
            tlen--;
        }
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(feature_names); i++) {
            const char *name = feature_names[i].name;
            if (strlen(name) == tlen && memcmp(name, tok, tlen) == 0) {
                info->f_supported |= 1u << feature_names[i].bit;
                if (required)
                    info->f_required |= 1u << feature_names[i].bit;
                known = true;
                break;
            }
        }
        if (required && !known)
            return refuse(info, -XEN_EINVAL,
                          "FEATURES note requires an unknown feature '%.*s'",
                          (int)(tlen > 48 ? 48 : tlen), (const char *)tok);
        pos = end < size && s[end] == '|' ? end + 1 : end;
    }
    return 0;
}

/* Record one note whose owner is "Xen". */
static int take_note(const struct image *img, struct elf_xen_info *info,
                     uint32_t type, uint64_t desc, uint64_t descsz)
{
    const uint8_t *d = img->p + desc;

    if (type <= XEN_ELFNOTE_MAX)
        info->notes_seen |= 1u << type;

    switch (type) {
    case XEN_ELFNOTE_ENTRY:
    case XEN_ELFNOTE_HYPERCALL_PAGE:
    case XEN_ELFNOTE_VIRT_BASE:
    case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HV_START_LOW:
    case XEN_ELFNOTE_SUSPEND_CANCEL:
    case XEN_ELFNOTE_INIT_P2M:
    case XEN_ELFNOTE_MOD_START_PFN:
    case XEN_ELFNOTE_PHYS32_ENTRY:
        info->num[type] = note_numeric(img, desc, descsz);
        if (type == XEN_ELFNOTE_MOD_START_PFN)
            info->unmapped_initrd = info->num[type] != 0;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* An array of 32-bit submaps; Xen has one (XENFEAT_NR_SUBMAPS). */
        if (descsz >= 4 && descsz % 4 == 0) {
            info->num[type] = rd(img, desc, 4);
            info->f_supported |= (uint32_t)info->num[type];
        }
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        copy_str(info->xen_version, sizeof(info->xen_version), d, descsz);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        copy_str(info->guest_os, sizeof(info->guest_os), d, descsz);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        copy_str(info->guest_version, sizeof(info->guest_version), d, descsz);
        break;
    case XEN_ELFNOTE_LOADER:
        copy_str(info->loader, sizeof(info->loader), d, descsz);
        break;
    case XEN_ELFNOTE_FEATURES:
        copy_str(info->features, sizeof(info->features), d, descsz);
        return parse_features(info, d, descsz);
    default:
        break;  /* INFO, PAE_MODE, BSD_SYMTAB, ...: nothing to do on 64-bit */
    }
    return 0;
}

/*
 * Walk the notes in image[off, off + size), taking those owned by "Xen".
 * *xen_notes counts them, *total counts all notes (bounded like Xen).
 */
static int parse_notes(const struct image *img, struct elf_xen_info *info,
                       uint64_t off, uint64_t size, const char *what,
                       unsigned int idx, unsigned int *xen_notes, unsigned int *total)
{
    if (!in_image(img, off, size))
        return refuse(info, -XEN_EINVAL, "%s %u lies outside the image", what, idx);

    uint64_t pos = off, end = off + size;

    /* Fewer bytes than a note header left over: alignment padding. */
    while (end - pos >= NOTE_HDR_SIZE) {
        uint64_t namesz = rd(img, pos, 4);
        uint64_t descsz = rd(img, pos + 4, 4);
        uint32_t type = (uint32_t)rd(img, pos + 8, 4);
        uint64_t name = pos + NOTE_HDR_SIZE;
        uint64_t desc = name + round4(namesz);   /* < 2^33 past pos: no overflow */

        if (desc > end || descsz > end - desc)
            return refuse(info, -XEN_EINVAL,
                          "ELF note at offset %#llx runs past the end of %s %u",
                          (unsigned long long)pos, what, idx);
        if (++*total > MAX_TOTAL_NOTES)
            return refuse(info, -XEN_EINVAL, "too many ELF notes");

        if (namesz >= 4 && memcmp(img->p + name, "Xen", 4) == 0) {
            int rc = take_note(img, info, type, desc, descsz);
            if (rc)
                return rc;
            ++*xen_notes;
        }
        uint64_t next = desc + round4(descsz);
        pos = next < end ? next : end;
    }
    return 0;
}

/* Program headers: collect PT_LOAD segments, parse PT_NOTE segments. */
static int parse_phdrs(const struct image *img, struct elf_xen_info *info,
                       unsigned int *xen_notes, unsigned int *total)
{
    uint64_t phoff = rd(img, 32, 8);
    uint64_t phentsize = rd(img, 54, 2);
    uint64_t phnum = rd(img, 56, 2);

    if (phnum == 0)
        return refuse(info, -XEN_EINVAL, "no program headers");
    if (phentsize != PHDR_SIZE)
        return refuse(info, -XEN_EINVAL, "program header size %llu, expected %u",
                      (unsigned long long)phentsize, PHDR_SIZE);
    if (!in_image(img, phoff, phnum * PHDR_SIZE))
        return refuse(info, -XEN_EINVAL, "program header table outside image");

    for (unsigned int i = 0; i < phnum; i++) {
        uint64_t ph = phoff + (uint64_t)i * PHDR_SIZE;
        uint32_t type = (uint32_t)rd(img, ph, 4);
        uint32_t flags = (uint32_t)rd(img, ph + 4, 4);
        uint64_t offset = rd(img, ph + 8, 8);
        uint64_t filesz = rd(img, ph + 32, 8);

        if (type == PT_NOTE) {
            if (offset == 0)
                continue;       /* Xen: some binutils leave p_offset 0 here */
            int rc = parse_notes(img, info, offset, filesz, "note segment", i,
                                 xen_notes, total);
            if (rc)
                return rc;
            continue;
        }
        if (type != PT_LOAD || !(flags & PF_RWX))
            continue;

        unsigned int n = info->nr_segs;
        if (n == ELF_XEN_MAX_SEGS)
            return refuse(info, -XEN_E2BIG, "more than %u PT_LOAD segments",
                          ELF_XEN_MAX_SEGS);
        struct elf_xen_seg *s = &info->seg[n];
        s->paddr = rd(img, ph + 24, 8);
        s->vaddr = rd(img, ph + 16, 8);
        s->offset = offset;
        s->filesz = filesz;
        s->memsz = rd(img, ph + 40, 8);
        s->flags = flags;
        if (s->filesz > s->memsz)
            return refuse(info, -XEN_EINVAL, "segment %u: p_filesz %#llx > p_memsz %#llx",
                          n, (unsigned long long)s->filesz, (unsigned long long)s->memsz);
        if (!in_image(img, s->offset, s->filesz))
            return refuse(info, -XEN_EINVAL, "segment %u file range outside image", n);
        if (s->paddr + s->memsz < s->paddr)
            return refuse(info, -XEN_EINVAL, "segment %u address range wraps", n);
        info->nr_segs = n + 1;
    }
    return 0;
}

/* Fallback used by Xen when no PT_NOTE held a Xen note: SHT_NOTE sections. */
static int parse_shdr_notes(const struct image *img, struct elf_xen_info *info,
                            unsigned int *xen_notes, unsigned int *total)
{
    uint64_t shoff = rd(img, 40, 8);
    uint64_t shentsize = rd(img, 58, 2);
    uint64_t shnum = rd(img, 60, 2);

    if (shnum == 0 || shoff == 0)
        return 0;
    if (shentsize != SHDR_SIZE)
        return refuse(info, -XEN_EINVAL, "section header size %llu, expected %u",
                      (unsigned long long)shentsize, SHDR_SIZE);
    if (!in_image(img, shoff, shnum * SHDR_SIZE))
        return refuse(info, -XEN_EINVAL, "section header table outside image");

    for (unsigned int i = 1; i < shnum; i++) {
        uint64_t sh = shoff + (uint64_t)i * SHDR_SIZE;
        if (rd(img, sh + 4, 4) != SHT_NOTE)
            continue;
        int rc = parse_notes(img, info, rd(img, sh + 24, 8), rd(img, sh + 32, 8),
                             "note section", i, xen_notes, total);
        if (rc)
            return rc;
    }
    return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Xen's elf_xen_addr_calc_check, plus our own overlap/hypercall checks. */
static int derive_addresses(struct elf_xen_info *info)
{
    if (info->nr_segs == 0)
        return refuse(info, -XEN_EINVAL, "no loadable PT_LOAD segments");

    info->pstart = ELF_XEN_UNSET;
    info->pend = 0;
    for (unsigned int i = 0; i < info->nr_segs; i++) {
        const struct elf_xen_seg *a = &info->seg[i];
        if (a->paddr < info->pstart)
            info->pstart = a->paddr;
        if (a->paddr + a->memsz > info->pend)
            info->pend = a->paddr + a->memsz;
        for (unsigned int j = i + 1; j < info->nr_segs; j++) {
            const struct elf_xen_seg *b = &info->seg[j];
            if (a->memsz && b->memsz &&
                a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
                return refuse(info, -XEN_EINVAL, "PT_LOAD segments %u and %u overlap", i, j);
        }
    }

    bool have_base = elf_xen_has_note(info, XEN_ELFNOTE_VIRT_BASE);
    bool have_off = elf_xen_has_note(info, XEN_ELFNOTE_PADDR_OFFSET);
    if (have_off && !have_base)
        return refuse(info, -XEN_EINVAL, "PADDR_OFFSET note given without VIRT_BASE");

    info->virt_base = have_base ? info->num[XEN_ELFNOTE_VIRT_BASE] : 0;
    info->paddr_offset = have_off ? info->num[XEN_ELFNOTE_PADDR_OFFSET] : 0;
    uint64_t virt_offset = info->virt_base - info->paddr_offset;   /* wraps, as in Xen */
    info->virt_kstart = info->pstart + virt_offset;
    info->virt_kend = info->pend + virt_offset;
    info->virt_entry = elf_xen_has_note(info, XEN_ELFNOTE_ENTRY)
                       ? info->num[XEN_ELFNOTE_ENTRY] : info->e_entry;
    info->virt_hypercall = elf_xen_has_note(info, XEN_ELFNOTE_HYPERCALL_PAGE)
                           ? info->num[XEN_ELFNOTE_HYPERCALL_PAGE] : ELF_XEN_UNSET;
    info->p2m_base = elf_xen_has_note(info, XEN_ELFNOTE_INIT_P2M)
                     ? info->num[XEN_ELFNOTE_INIT_P2M] : ELF_XEN_UNSET;

    if (info->virt_kstart > info->virt_kend)
        return refuse(info, -XEN_EINVAL, "kernel start %#llx above its end %#llx",
                      (unsigned long long)info->virt_kstart,
                      (unsigned long long)info->virt_kend);
    if (info->virt_entry < info->virt_kstart || info->virt_entry > info->virt_kend)
        return refuse(info, -XEN_EINVAL, "entry %#llx outside the kernel [%#llx, %#llx]",
                      (unsigned long long)info->virt_entry,
                      (unsigned long long)info->virt_kstart,
                      (unsigned long long)info->virt_kend);
    if (info->virt_base > info->virt_kstart)
        return refuse(info, -XEN_EINVAL, "VIRT_BASE %#llx above the kernel start %#llx",
                      (unsigned long long)info->virt_base,
                      (unsigned long long)info->virt_kstart);
    if (info->p2m_base != ELF_XEN_UNSET &&
        info->p2m_base >= info->virt_kstart && info->p2m_base < info->virt_kend)
        return refuse(info, -XEN_EINVAL, "INIT_P2M %#llx inside the kernel",
                      (unsigned long long)info->p2m_base);
    if (info->virt_hypercall != ELF_XEN_UNSET &&
        ((info->virt_hypercall & (PAGE_SIZE_4K - 1)) ||
         info->virt_hypercall < info->virt_kstart ||
         info->virt_hypercall >= info->virt_kend ||
         info->virt_kend - info->virt_hypercall < PAGE_SIZE_4K))
        return refuse(info, -XEN_EINVAL,
                      "HYPERCALL_PAGE %#llx is not a page inside the kernel",
                      (unsigned long long)info->virt_hypercall);
    return 0;
}

/* See elf_xen.h. */
int elf_xen_parse(const void *image, size_t len, struct elf_xen_info *info)
{
    struct image img = { .p = image, .len = len };
    unsigned int xen_notes = 0, total = 0;
    int rc;

    memset(info, 0, sizeof(*info));
    info->virt_hypercall = ELF_XEN_UNSET;
    info->p2m_base = ELF_XEN_UNSET;

    if (!image || len < EHDR_SIZE)
        return refuse(info, -XEN_ENOEXEC, "image too short for an ELF header");
    if (memcmp(image, "\177ELF", 4) != 0)
        return refuse(info, -XEN_ENOEXEC, "not an ELF image");
    if (img.p[4] != ELFCLASS64 || img.p[5] != ELFDATA2LSB)
        return refuse(info, -XEN_ENOEXEC, "not a 64-bit little-endian ELF image");
    if (rd(&img, 18, 2) != EM_X86_64)
        return refuse(info, -XEN_ENOEXEC, "ELF machine %llu is not x86-64",
                      (unsigned long long)rd(&img, 18, 2));
    info->e_entry = rd(&img, 24, 8);

    if ((rc = parse_phdrs(&img, info, &xen_notes, &total)))
        return rc;
    if (xen_notes == 0 && (rc = parse_shdr_notes(&img, info, &xen_notes, &total)))
        return rc;
    if (xen_notes == 0)
        return refuse(info, -XEN_EINVAL, "no Xen ELF notes");

    /* Xen's elf_xen_note_check. */
    if (!starts_with(info->loader, "generic") && !starts_with(info->guest_os, "linux"))
        return refuse(info, -XEN_EINVAL,
                      "LOADER '%s' is not generic and GUEST_OS '%s' is not linux",
                      info->loader, info->guest_os);
    if (!starts_with(info->xen_version, "xen-3.0"))
        return refuse(info, -XEN_EINVAL, "XEN_VERSION '%s' is not xen-3.0",
                      info->xen_version);

    return derive_addresses(info);
}

/* See elf_xen.h. */
int elf_xen_load(const struct elf_xen_info *info, const void *image, size_t len,
                 const struct elf_xen_sink *sink)
{
    struct image img = { .p = image, .len = len };

    if (!sink || !sink->write || !sink->zero)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < info->nr_segs && i < ELF_XEN_MAX_SEGS; i++) {
        const struct elf_xen_seg *s = &info->seg[i];
        int rc;

        /* Re-check: cheap, and keeps a caller's mix-up from reading wild. */
        if (!in_image(&img, s->offset, s->filesz) || s->filesz > s->memsz ||
            s->paddr < info->pstart)
            return -XEN_EINVAL;
        uint64_t off = s->paddr - info->pstart;
        if (s->filesz && (rc = sink->write(sink->ctx, off, img.p + s->offset, s->filesz)))
            return rc;
        if (s->memsz > s->filesz &&
            (rc = sink->zero(sink->ctx, off + s->filesz, s->memsz - s->filesz)))
            return rc;
    }
    return 0;
}
