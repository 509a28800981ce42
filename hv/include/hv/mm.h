/*
 * Machine memory: frame numbers, the direct map, the frame allocator and the
 * frame table (one struct page_info per machine frame).
 */
#ifndef HV_MM_H
#define HV_MM_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/layout.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define INVALID_MFN (~0UL)

typedef uint64_t mfn_t;

static inline void *mfn_to_virt(mfn_t mfn) { return (void *)(HV_DIRECTMAP_VIRT + (mfn << PAGE_SHIFT)); }
static inline void *maddr_to_virt(uint64_t ma) { return (void *)(HV_DIRECTMAP_VIRT + ma); }
static inline uint64_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;
    return v >= HV_IMAGE_VIRT && v < HV_DIRECTMAP_VIRT ? v - HV_IMAGE_VIRT : v - HV_DIRECTMAP_VIRT;
}
static inline mfn_t virt_to_mfn(const void *va) { return virt_to_maddr(va) >> PAGE_SHIFT; }

/* Owner values in page_info.owner besides domain ids. */
#define OWNER_FREE 0xffffu
#define OWNER_HV   0xfff0u        /* the hypervisor itself (DOMID_XEN) */
#define OWNER_NONE 0xfff1u        /* firmware, holes, boot modules */

/* Per-frame state. Types follow Xen's page-type model (filled in by the PV MMU). */
struct page_info {
    uint16_t owner;               /* domid, or OWNER_* */
    uint16_t flags;
    uint32_t type_info;           /* type in the top bits, type count below */
    uint64_t count_info;          /* general reference count, PGC_* flags above it */
};

/*
 * count_info's flags, changed only with the count in one compare-exchange
 * (asm/pt_types.h, pt_release_frame): a frame whose owner let it go is freed
 * by whoever drops its last reference, and a released frame with no
 * reference can never be referenced again (free frames are such frames).
 */
#define PGC_released    (1UL << 63)  /* given back (or free): freed at count 0 */
#define PGC_awaited     (1UL << 62)  /* its domain's destruction waits for it (frames_held) */
#define PGC_count_mask  ((1UL << 62) - 1)

#define PGF_SHARED_INFO 0x1       /* a hypervisor page shared with its owner */
#define PGF_SHARED_RO_PRIV 0x2    /* a hypervisor page privileged domains may map read-only (M2P) */

extern struct page_info *frame_table;
extern mfn_t max_mfn;             /* one past the highest frame we manage */

struct boot_info;
/* Build the allocator from the boot memory map; reserves image and modules. */
void mm_init(const struct boot_info *bi);
/*
 * The boot modules' frames go back to the allocator: call once every domain
 * built from them is (their contents are dead then; Xen: discard_initial_images).
 */
void mm_release_boot_modules(const struct boot_info *bi);

/* One zeroed frame for the hypervisor, or INVALID_MFN when memory is exhausted. */
mfn_t alloc_frame(uint16_t owner);
/* `n` contiguous zeroed frames; returns the first or INVALID_MFN. */
mfn_t alloc_frames(unsigned long n, uint16_t owner);
/* 2^order contiguous zeroed frames, the first a multiple of 2^order, all below `limit`. */
mfn_t alloc_frames_aligned(unsigned int order, mfn_t limit, uint16_t owner);
void free_frame(mfn_t mfn);
/* Free n frames under one hold of the heap lock. */
void free_frame_list(const mfn_t *list, unsigned long n);
unsigned long frames_free(void);

/* Up to n (at most FRAME_BATCH_MAX) zeroed single frames, the highest free; the number taken. */
#define FRAME_BATCH_MAX 64
unsigned long alloc_frame_batch(uint16_t owner, unsigned long n, mfn_t *out);

/*
 * An idle CPU clears free frames that may hold old contents, until *stop
 * (its pending softirqs) is set or none is left; the number cleared (0 at
 * once while another CPU scrubs: one at a time). Freed frames are not
 * cleared at once: whatever is still dirty when handed out is cleared then.
 */
unsigned long scrub_idle_frames(const volatile unsigned long *stop);
/* Dirty frames wait and no CPU scrubs them yet: an idle CPU should, else halt. */
bool frames_need_scrub(void);
struct frame_scrub_counts {
    unsigned long dirty;            /* free frames still to be cleared */
    unsigned long cleared_at_alloc; /* since boot: frames cleared as they were handed out */
    unsigned long scrubbed_idle;    /* since boot: frames cleared by idle CPUs */
};
void frames_scrub_counts(struct frame_scrub_counts *c);
/* The frames of RAM the loader reported (below the direct map's end): Xen's total_pages. */
unsigned long frames_total(void);

static inline struct page_info *mfn_to_page(mfn_t mfn) { return &frame_table[mfn]; }
static inline bool mfn_valid(mfn_t mfn) { return mfn < max_mfn; }

/* Page-granular heap for hypervisor objects, from the frame allocator. */
void *xzalloc_bytes(unsigned long size);
void xfree_bytes(void *p, unsigned long size);
#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))


/* Page types in page_info.type_info (Xen's model; the PV MMU validates them). */
#define PGT_none            (0UL << 28)
#define PGT_l1_page_table   (1UL << 28)
#define PGT_l2_page_table   (2UL << 28)
#define PGT_l3_page_table   (3UL << 28)
#define PGT_l4_page_table   (4UL << 28)
#define PGT_seg_desc_page   (5UL << 28)
#define PGT_writable_page   (7UL << 28)
#define PGT_type_mask       (7UL << 28)
#define PGT_pinned          (1UL << 27)
#define PGT_count_mask      ((1UL << 26) - 1)
static inline uint32_t pgt_for_level(int level) { return (uint32_t)level << 28; }

#endif
