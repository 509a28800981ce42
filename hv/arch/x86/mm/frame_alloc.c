/*
 * The frame allocator: a bitmap over every frame below max_mfn (set = in use).
 * Frames start "in use"; RAM ranges from the loader are released except the
 * first MiB, the hypervisor image and the boot modules.
 */
#include <hv/bootinfo.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/mm.h>

#define MAX_FRAMES (HV_DIRECTMAP_BYTES >> PAGE_SHIFT)

static uint64_t used_map[MAX_FRAMES / 64];
static unsigned long nr_free;
static mfn_t search_hint;
struct page_info *frame_table;
mfn_t max_mfn;

extern char __image_end[];

/* Frames handed out before the frame table existed (its own frames excepted). */
static mfn_t early[8];
static unsigned int early_nr;

static bool frame_used(mfn_t m) { return used_map[m / 64] & (1UL << (m % 64)); }
static void mark_used(mfn_t m) { used_map[m / 64] |= 1UL << (m % 64); }
static void mark_free(mfn_t m) { used_map[m / 64] &= ~(1UL << (m % 64)); }

static void reserve(uint64_t start, uint64_t end)
{
    for (mfn_t m = start >> PAGE_SHIFT; m < ((end + PAGE_SIZE - 1) >> PAGE_SHIFT) && m < max_mfn; m++)
        if (!frame_used(m)) {
            mark_used(m);
            nr_free--;
        }
}

void mm_init(const struct boot_info *bi)
{
    memset(used_map, 0xff, sizeof(used_map));
    for (unsigned int i = 0; i < bi->nr_ram; i++) {
        mfn_t s = (bi->ram[i].start + PAGE_SIZE - 1) >> PAGE_SHIFT;
        mfn_t e = bi->ram[i].end >> PAGE_SHIFT;
        if (e > MAX_FRAMES)
            e = MAX_FRAMES;
        for (mfn_t m = s; m < e; m++) {
            if (frame_used(m)) {
                mark_free(m);
                nr_free++;
            }
            if (m + 1 > max_mfn)
                max_mfn = m + 1;
        }
    }
    reserve(0, 0x100000);
    uint64_t image_end = (uint64_t)__image_end - HV_IMAGE_VIRT;
    reserve(HV_LOAD_PHYS, image_end);
    for (unsigned int i = 0; i < bi->nr_modules; i++)
        reserve(bi->modules[i].start, bi->modules[i].end);

    unsigned long ft_pages = (max_mfn * sizeof(struct page_info) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    mfn_t ft = alloc_frames(ft_pages, OWNER_HV);
    if (ft == INVALID_MFN)
        panic("no memory for the frame table (%lu pages)", ft_pages);
    frame_table = mfn_to_virt(ft);
    for (mfn_t m = 0; m < max_mfn; m++)
        frame_table[m].owner = frame_used(m) ? OWNER_NONE : OWNER_FREE;
    for (mfn_t m = ft; m < ft + ft_pages; m++)
        frame_table[m].owner = OWNER_HV;
    /* The image and everything it allocated before the frame table existed is ours. */
    for (mfn_t m = HV_LOAD_PHYS >> PAGE_SHIFT; m < image_end >> PAGE_SHIFT && m < max_mfn; m++)
        frame_table[m].owner = OWNER_HV;
    for (mfn_t m = 0; m < early_nr && m < max_mfn; m++)
        frame_table[early[m]].owner = OWNER_HV;
    log_info("memory: %lu MiB RAM below 4 GiB, %lu frames free, max_mfn %#lx",
             (max_mfn << PAGE_SHIFT) >> 20, nr_free, max_mfn);
}

static void take(mfn_t m, uint16_t owner)
{
    mark_used(m);
    nr_free--;
    if (frame_table)
        frame_table[m] = (struct page_info){ .owner = owner };
    else if (early_nr < 8)
        early[early_nr++] = m;
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
}

mfn_t alloc_frames(unsigned long n, uint16_t owner)
{
    if (n == 0 || n > nr_free)
        return INVALID_MFN;
    for (int pass = 0; pass < 2; pass++) {
        mfn_t start = pass ? 0 : search_hint, run = 0;
        for (mfn_t m = start; m < max_mfn; m++) {
            if (frame_used(m)) {
                run = 0;
                continue;
            }
            if (++run == n) {
                mfn_t first = m + 1 - n;
                for (mfn_t f = first; f <= m; f++)
                    take(f, owner);
                search_hint = m + 1;
                return first;
            }
        }
    }
    return INVALID_MFN;
}

mfn_t alloc_frames_aligned(unsigned int order, mfn_t limit, uint16_t owner)
{
    unsigned long n = 1UL << order;

    if (order >= 32 || n > nr_free)
        return INVALID_MFN;
    if (limit > max_mfn)
        limit = max_mfn;
    for (mfn_t first = 0; first + n <= limit; first += n) {
        mfn_t m = first;
        while (m < first + n && !frame_used(m))
            m++;
        if (m < first + n)
            continue;
        for (m = first; m < first + n; m++)
            take(m, owner);
        return first;
    }
    return INVALID_MFN;
}

mfn_t alloc_frame(uint16_t owner)
{
    return alloc_frames(1, owner);
}

void free_frame(mfn_t mfn)
{
    BUG_ON(!mfn_valid(mfn) || !frame_used(mfn));
    mark_free(mfn);
    nr_free++;
    frame_table[mfn] = (struct page_info){ .owner = OWNER_FREE };
    if (mfn < search_hint)
        search_hint = mfn;
}

unsigned long frames_free(void)
{
    return nr_free;
}

void *xzalloc_bytes(unsigned long size)
{
    mfn_t m = alloc_frames((size + PAGE_SIZE - 1) >> PAGE_SHIFT, OWNER_HV);
    return m == INVALID_MFN ? NULL : mfn_to_virt(m);
}

void xfree_bytes(void *p, unsigned long size)
{
    if (!p)
        return;
    mfn_t m = virt_to_mfn(p);
    for (unsigned long i = 0; i < (size + PAGE_SIZE - 1) >> PAGE_SHIFT; i++)
        free_frame(m + i);
}
