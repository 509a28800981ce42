/*
 * Parsing and loading of an ELF64 x86-64 PV kernel image ("Xen ELF").
 *
 * The image is hostile input: every offset and size is checked against the
 * image length with overflow-safe arithmetic before it is used, and the
 * parser never writes anywhere but the caller's info structure.
 *
 * What is computed, and how, follows Xen 4.17's libelf
 * (xen/common/libelf/libelf-dominfo.c, libelf-loader.c, libelf-tools.c):
 *  - loadable segments are PT_LOAD with at least one of R/W/X set;
 *  - pstart/pend = lowest p_paddr / highest p_paddr + p_memsz over them;
 *  - Xen notes come from PT_NOTE segments (those with p_offset 0 are
 *    skipped, a binutils quirk), else from SHT_NOTE sections;
 *  - numeric notes are 1, 2, 4 or 8 byte little-endian values, any other
 *    size reads as 0; a later note of the same type overrides an earlier;
 *  - virt_base defaults to 0, paddr_offset to 0, entry to e_entry;
 *    virt_kstart = pstart + virt_base - paddr_offset, likewise virt_kend;
 *  - accepted only if LOADER starts "generic" or GUEST_OS starts "linux",
 *    XEN_VERSION starts "xen-3.0", virt_kstart <= entry <= virt_kend,
 *    virt_base <= virt_kstart and INIT_P2M (if given) is outside the kernel.
 * Deliberately stricter than Xen (a refusal names the rule):
 *  - PT_LOAD segments may not overlap in p_paddr, each file range
 *    [p_offset, p_offset + p_filesz) must lie in the image, p_filesz may
 *    not exceed p_memsz, and no address range may wrap around 2^64;
 *  - a note must lie entirely inside its note segment/section;
 *  - HYPERCALL_PAGE, if given, must be page aligned inside the kernel;
 *  - the legacy "__xen_guest" section and BSD_SYMTAB loading are not
 *    supported (no current guest uses them).
 */
#ifndef XL_ELF_XEN_H
#define XL_ELF_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/elfnote.h>

#define ELF_XEN_MAX_SEGS    16          /* PT_LOAD segments we accept */
#define ELF_XEN_STR_MAX     64          /* bytes kept of each string note */
#define ELF_XEN_UNSET       (~(uint64_t)0)  /* "note not given" (Xen: UNSET_ADDR) */
#define ELF_XEN_REASON_MAX  128

/* One loadable segment, copied from its program header. */
struct elf_xen_seg {
    uint64_t paddr;         /* p_paddr: where it goes (relative to pstart) */
    uint64_t vaddr;         /* p_vaddr: informational */
    uint64_t offset;        /* p_offset in the image */
    uint64_t filesz;        /* bytes copied from the image */
    uint64_t memsz;         /* bytes occupied; the rest is zeroed */
    uint32_t flags;         /* p_flags (PF_X 1, PF_W 2, PF_R 4) */
};

struct elf_xen_info {
    /* Program headers. */
    unsigned int nr_segs;
    struct elf_xen_seg seg[ELF_XEN_MAX_SEGS];
    uint64_t e_entry;

    /* Xen notes as found.  Bit n of notes_seen is set when note type n
     * (n <= XEN_ELFNOTE_MAX) occurred; num[n] holds numeric values. */
    uint32_t notes_seen;
    uint64_t num[XEN_ELFNOTE_MAX + 1];
    char xen_version[ELF_XEN_STR_MAX];
    char guest_os[ELF_XEN_STR_MAX];
    char guest_version[ELF_XEN_STR_MAX];
    char loader[ELF_XEN_STR_MAX];
    char features[ELF_XEN_STR_MAX * 2];
    uint32_t f_supported;   /* XENFEAT_* bits: FEATURES names | SUPPORTED_FEATURES */
    uint32_t f_required;    /* XENFEAT_* bits named with '!' in FEATURES */
    bool unmapped_initrd;   /* MOD_START_PFN != 0: initrd may stay unmapped */

    /* Derived parameters (Xen's struct elf_dom_parms names). */
    uint64_t pstart, pend;          /* [lowest p_paddr, highest p_paddr+p_memsz) */
    uint64_t virt_base;             /* VIRT_BASE or 0 */
    uint64_t paddr_offset;          /* PADDR_OFFSET or 0 */
    uint64_t virt_kstart, virt_kend;
    uint64_t virt_entry;            /* ENTRY or e_entry */
    uint64_t virt_hypercall;        /* HYPERCALL_PAGE or ELF_XEN_UNSET */
    uint64_t p2m_base;              /* INIT_P2M or ELF_XEN_UNSET */

    /* Why parsing failed, for the log ("" on success). */
    char reason[ELF_XEN_REASON_MAX];
};

/*
 * Parse image[0..len) into *info (fully overwritten).  Returns 0 on
 * success; on refusal a negative Xen errno and a sentence in info->reason:
 *   -XEN_ENOEXEC  not an ELF64 little-endian x86-64 image
 *   -XEN_E2BIG    more than ELF_XEN_MAX_SEGS loadable segments
 *   -XEN_EINVAL   anything else malformed or unacceptable
 */
int elf_xen_parse(const void *image, size_t len, struct elf_xen_info *info);

/* True when note type t was present in the image. */
static inline bool elf_xen_has_note(const struct elf_xen_info *info, unsigned int t)
{
    return t <= XEN_ELFNOTE_MAX && (info->notes_seen & (1u << t));
}

/*
 * Where the loader puts bytes.  Offsets are relative to info->pstart, i.e.
 * offset 0 is the first byte of the kernel at virt_kstart.  Each callback
 * returns 0 or a negative errno, which aborts the load and is passed back.
 */
struct elf_xen_sink {
    int (*write)(void *ctx, uint64_t paddr_off, const void *src, size_t len);
    int (*zero)(void *ctx, uint64_t paddr_off, size_t len);
    void *ctx;
};

/*
 * Copy every loadable segment of a parsed image: p_filesz bytes from the
 * image, then p_memsz - p_filesz zero bytes.  The image and info must be
 * the ones elf_xen_parse accepted.  Returns 0 or a negative errno.
 */
int elf_xen_load(const struct elf_xen_info *info, const void *image, size_t len,
                 const struct elf_xen_sink *sink);

#endif /* XL_ELF_XEN_H */
