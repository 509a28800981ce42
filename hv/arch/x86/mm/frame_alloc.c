/*
 * The frame allocator: a bitmap over every frame below max_mfn (set = in use).
 * Frames start "in use"; RAM ranges from the loader are released except the
 * first MiB, the hypervisor image and the boot modules (released in their
 * turn once the boot domains are built, as Xen discards its initial images).
 *
 * Every allocation takes the highest memory that fits (hv/frame_bitmap.h), as
 * Xen 4.17's heap does, so the low frames stay free for requests below an
 * address limit: XENMEM_exchange for Linux's swiotlb then succeeds at the
 * same address widths as on Xen.
 *
 * Every frame handed out is zero, yet freeing does not clear: a freed frame
 * (and every free frame at boot, whose contents nobody knows) is marked
 * dirty, and an allocation clears only the dirty frames it takes. Idle CPUs
 * scrub dirty frames from the top down, the order in which they will be
 * handed out (scrub_idle_frames; Xen's PGC_need_scrub and scrub_free_pages),
 * so a machine with idle time has clean frames ready.
 */
#include <asm/bootinfo.h>
#include <hv/console.h>
#include <hv/frame_bitmap.h>
#include <xl/string.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/spinlock.h>
#include <asm/io.h>

#define MAX_FRAMES (HV_DIRECTMAP_BYTES >> PAGE_SHIFT)

static uint64_t used_map[MAX_FRAMES / 64];
/* Set: a free frame whose contents are unknown (only ever set for free frames). */
static uint64_t dirty_map[MAX_FRAMES / 64];
static unsigned long nr_free;
static unsigned long nr_dirty;
static mfn_t dirty_top;         /* no dirty frame from here up */
/* Frames cleared when handed out, and by idle CPUs, since boot (XENOLITH_DOMCTL_mmu_audit). */
static unsigned long nr_cleared_at_alloc, nr_scrubbed_idle;

static unsigned long nr_ram;    /* frames in the loader's RAM ranges (Xen's total_pages) */
static mfn_t free_top;          /* every frame from here to max_mfn is in use */
/* The bitmap, nr_free, free_top and the owner field of frames changing hands. */
static DEFINE_SPINLOCK(heap_lock, LOCK_HEAP);
struct page_info *frame_table;
mfn_t max_mfn;

extern char __image_end[];

/*
 * A free frame: released with no reference, so that a stray reference
 * (pt_get_page of a frame named by a guest, racing its free) is refused
 * instead of counted on a frame about to change hands (asm/pt_types.h).
 */
#define FREE_FRAME ((struct page_info){ .owner = OWNER_FREE, .count_info = PGC_released })

/* Frames handed out before the frame table existed (its own frames excepted). */
static mfn_t early[8];
static unsigned int early_nr;

static bool frame_used(mfn_t m) { return used_map[m / 64] & (1UL << (m % 64)); }
static void mark_used(mfn_t m) { used_map[m / 64] |= 1UL << (m % 64); }
static void mark_free(mfn_t m) { used_map[m / 64] &= ~(1UL << (m % 64)); }
static bool frame_dirty(mfn_t m) { return dirty_map[m / 64] & (1UL << (m % 64)); }

static void mark_dirty(mfn_t m)
{
    if (frame_dirty(m))
        return;
    dirty_map[m / 64] |= 1UL << (m % 64);
    nr_dirty++;
    if (m >= dirty_top)
        dirty_top = m + 1;
}

/* Whether m was dirty; it is not any more (its caller clears it). */
static bool take_dirty(mfn_t m)
{
    if (!frame_dirty(m))
        return false;
    dirty_map[m / 64] &= ~(1UL << (m % 64));
    nr_dirty--;
    return true;
}

static void reserve(uint64_t start, uint64_t end)
{
    for (mfn_t m = start >> PAGE_SHIFT; m < ((end + PAGE_SIZE - 1) >> PAGE_SHIFT) && m < max_mfn; m++)
        if (!frame_used(m)) {
            mark_used(m);
            take_dirty(m);
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
                mark_dirty(m);          /* whatever the firmware or a previous boot left */
                nr_free++;
                nr_ram++;
            }
            if (m + 1 > max_mfn)
                max_mfn = m + 1;
        }
    }
    free_top = max_mfn;
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
        frame_table[m] = frame_used(m) ? (struct page_info){ .owner = OWNER_NONE } : FREE_FRAME;
    for (mfn_t m = ft; m < ft + ft_pages; m++)
        frame_table[m].owner = OWNER_HV;
    /* The image and everything it allocated before the frame table existed is ours. */
    for (mfn_t m = HV_LOAD_PHYS >> PAGE_SHIFT; m < image_end >> PAGE_SHIFT && m < max_mfn; m++)
        frame_table[m].owner = OWNER_HV;
    for (mfn_t m = 0; m < early_nr && m < max_mfn; m++)
        frame_table[early[m]].owner = OWNER_HV;
    log_info("memory: RAM up to %lu MiB (16 GiB at most), %lu frames free, max_mfn %#lx",
             (max_mfn << PAGE_SHIFT) >> 20, nr_free, max_mfn);
}

/* Is frame m inside one of the loader's RAM ranges? */
static bool in_ram(const struct boot_info *bi, mfn_t m)
{
    for (unsigned int i = 0; i < bi->nr_ram; i++)
        if ((m << PAGE_SHIFT) >= bi->ram[i].start && ((m + 1) << PAGE_SHIFT) <= bi->ram[i].end)
            return true;
    return false;
}

void mm_release_boot_modules(const struct boot_info *bi)
{
    unsigned long freed = 0;

    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        mfn_t s = bi->modules[i].start >> PAGE_SHIFT;
        mfn_t e = (bi->modules[i].end + PAGE_SIZE - 1) >> PAGE_SHIFT;
        for (mfn_t m = s < 0x100 ? 0x100 : s; m < e && m < max_mfn; m++)
            if (frame_used(m) && frame_table[m].owner == OWNER_NONE && in_ram(bi, m)) {
                free_frame(m);
                freed++;
            }
    }
    log_info("memory: %lu KiB of boot modules released, %lu frames free", freed << 2, nr_free);
}

/* Take free frame m for owner: whether it was dirty (to be cleared once the lock is dropped). */
static bool take(mfn_t m, uint16_t owner)
{
    mark_used(m);
    nr_free--;
    if (frame_table)
        frame_table[m] = (struct page_info){ .owner = owner };
    else if (early_nr < 8)
        early[early_nr++] = m;
    return take_dirty(m);
}

/* The dirty frames among those just taken lie in [lo, hi) (lo == hi: none). */
struct dirty_span {
    mfn_t lo, hi;
};

static void dirty_span_add(struct dirty_span *s, mfn_t m)
{
    if (s->lo == s->hi)
        s->lo = m;
    s->hi = m + 1;
}

/*
 * The highest 2^order-aligned run of n free frames below limit, taken for
 * owner; INVALID_MFN if there is none. Its dirty frames lie in *dirty.
 */
static mfn_t take_highest(unsigned long n, unsigned long align, mfn_t limit, uint16_t owner,
                          struct dirty_span *dirty)
{
    mfn_t first, top;

    if (n == 0 || n > nr_free)
        return INVALID_MFN;
    /* Nothing is free at or above the highest free frame + 1: keep the hint tight. */
    top = fb_highest_free(used_map, 0, free_top);
    free_top = top == FB_NONE ? 0 : top + 1;
    first = fb_find_highest(used_map, 0, limit < free_top ? limit : free_top, n, align);
    if (first == FB_NONE)
        return INVALID_MFN;
    *dirty = (struct dirty_span){ first, first };
    for (mfn_t f = first; f < first + n; f++)
        if (take(f, owner))
            dirty_span_add(dirty, f);
    if (first + n == free_top)
        free_top = first;
    return first;
}

/*
 * Zero n whole frames with one string store: the plain word loop of memset
 * costs three instructions per 8 bytes (populating a 256 MiB DomU, 100 M
 * instructions).
 */
static void clear_frames(mfn_t first, unsigned long n)
{
    void *p = mfn_to_virt(first);
    unsigned long words = n << (PAGE_SHIFT - 3);

    asm volatile ("rep stosq" : "+D" (p), "+c" (words) : "a" (0UL) : "memory");
}

/* The dirty frames just taken, cleared outside the heap lock (nobody else can reach them). */
static void clear_taken(const struct dirty_span *dirty)
{
    if (dirty->hi == dirty->lo)
        return;
    clear_frames(dirty->lo, dirty->hi - dirty->lo);
    __atomic_fetch_add(&nr_cleared_at_alloc, dirty->hi - dirty->lo, __ATOMIC_RELAXED);
}

/* CPUs clearing a frame in scrub_idle_frames (it is marked in use meanwhile). */
static cpumask_t scrubbing;

/*
 * Whether a failed search may succeed once other CPUs have put back the
 * frames they are scrubbing: then wait until they have. Heap lock not held.
 */
static bool wait_for_scrubbers(bool busy)
{
    cpumask_t others = ~cpu_bit(this_cpu()->id);

    if (!busy)
        return false;
    while (__atomic_load_n(&scrubbing, __ATOMIC_ACQUIRE) & others)
        cpu_relax();
    return true;
}

/* take_highest under the heap lock; the dirty frames are cleared after it is dropped. */
static mfn_t take_cleared(unsigned long n, unsigned long align, mfn_t limit, uint16_t owner)
{
    struct dirty_span dirty = { 0, 0 };
    mfn_t first;
    bool busy;

    do {
        spin_lock(&heap_lock);
        first = take_highest(n, align, limit, owner, &dirty);
        busy = first == INVALID_MFN && (scrubbing & ~cpu_bit(this_cpu()->id));
        spin_unlock(&heap_lock);
    } while (wait_for_scrubbers(busy));
    if (first != INVALID_MFN)
        clear_taken(&dirty);
    return first;
}

mfn_t alloc_frames(unsigned long n, uint16_t owner)
{
    return take_cleared(n, 1, max_mfn, owner);
}

mfn_t alloc_frames_aligned(unsigned int order, mfn_t limit, uint16_t owner)
{
    if (order >= 32)
        return INVALID_MFN;
    return take_cleared(1UL << order, 1UL << order, limit, owner);
}

mfn_t alloc_frame(uint16_t owner)
{
    return alloc_frames(1, owner);
}

static void free_locked(mfn_t mfn)
{
    BUG_ON(!mfn_valid(mfn) || !frame_used(mfn));
    mark_free(mfn);
    mark_dirty(mfn);                    /* cleared when idle, or when handed out again */
    nr_free++;
    frame_table[mfn] = FREE_FRAME;
    if (mfn >= free_top)
        free_top = mfn + 1;
}

void free_frame(mfn_t mfn)
{
    spin_lock(&heap_lock);
    free_locked(mfn);
    spin_unlock(&heap_lock);
}

void free_frame_list(const mfn_t *list, unsigned long n)
{
    spin_lock(&heap_lock);
    for (unsigned long i = 0; i < n; i++)
        free_locked(list[i]);
    spin_unlock(&heap_lock);
}

/*
 * Up to n single frames for owner (order 0, not contiguous), the highest
 * free ones, under one hold of the heap lock; cleared. The number taken.
 */
unsigned long alloc_frame_batch(uint16_t owner, unsigned long n, mfn_t *out)
{
    unsigned long got = 0, cleared = 0;
    uint64_t dirty = 0;                 /* bit i: out[i] is to be cleared */
    bool busy;

    _Static_assert(FRAME_BATCH_MAX <= 64, "one bit per frame of a batch");
    _Static_assert(sizeof(mfn_t) == sizeof(uint64_t), "out[] is the bitmap's frame list");
    if (n > FRAME_BATCH_MAX)
        n = FRAME_BATCH_MAX;
    if (!n)
        return 0;
    do {
        unsigned long from = got;

        spin_lock(&heap_lock);
        got += fb_take_highest_free(used_map, free_top, n - got, (uint64_t *)out + got);
        /* Everything from the lowest frame taken up is in use; nothing free at all if short. */
        free_top = got < n ? 0 : out[got - 1];
        nr_free -= got - from;
        for (unsigned long i = from; i < got; i++) {
            mfn_t m = out[i];
            uint64_t bit = 1UL << (m % 64);

            frame_table[m] = (struct page_info){ .owner = owner };
            /* take_dirty, inline (once per frame; after idle time no word has a dirty bit). */
            if (dirty_map[m / 64] && (dirty_map[m / 64] & bit)) {
                dirty_map[m / 64] &= ~bit;
                nr_dirty--;
                dirty |= 1UL << i;
            }
        }
        busy = got < n && (scrubbing & ~cpu_bit(this_cpu()->id));
        spin_unlock(&heap_lock);
    } while (wait_for_scrubbers(busy));
    for (unsigned long i = 0; i < got && dirty >> i; i++)      /* none dirty: no pass */
        if (dirty & (1UL << i)) {
            clear_frames(out[i], 1);
            cleared++;
        }
    __atomic_fetch_add(&nr_cleared_at_alloc, cleared, __ATOMIC_RELAXED);
    return got;
}

/* Dirty frames an idle CPU takes under one hold of the heap lock. */
#define SCRUB_CHUNK 32

/* The CPU scrubbing now, if any (one at a time, as Xen's one per node): NO_SCRUBBER else. */
#define NO_SCRUBBER (~0U)
static unsigned int scrubber = NO_SCRUBBER;

/*
 * Up to SCRUB_CHUNK dirty frames, the highest first, marked in use (no
 * allocation takes them) yet counted free, for this CPU to clear. Heap lock held.
 */
static unsigned int take_scrub_chunk(mfn_t *chunk)
{
    unsigned int n = 0;

    while (n < SCRUB_CHUNK && nr_dirty) {
        mfn_t m = fb_highest_used(dirty_map, 0, dirty_top);

        if (m == FB_NONE)
            break;
        take_dirty(m);
        mark_used(m);
        dirty_top = m;                  /* no dirty frame is left from m up */
        chunk[n++] = m;
    }
    return n;
}

/* The chunk back to the heap: its first `cleared` frames clean, the rest still dirty. */
static void put_scrub_chunk(const mfn_t *chunk, unsigned int n, unsigned int cleared)
{
    for (unsigned int i = 0; i < n; i++) {
        mark_free(chunk[i]);
        if (i >= cleared)
            mark_dirty(chunk[i]);
        if (chunk[i] >= free_top)
            free_top = chunk[i] + 1;
    }
    nr_scrubbed_idle += cleared;
}

/*
 * An idle CPU's work, with interrupts on: clear dirty free frames, the
 * highest first, a chunk per hold of the heap lock, until *stop is set (work
 * for this CPU) or none is left. One CPU scrubs at a time: every idle CPU
 * clearing at once would only fight over the heap lock (and, under
 * emulation, over the host's cores) while the others may halt. The number
 * cleared; 0 at once while another CPU scrubs.
 */
unsigned long scrub_idle_frames(const volatile unsigned long *stop)
{
    unsigned int self = this_cpu()->id, none = NO_SCRUBBER;
    cpumask_t me = cpu_bit(self);
    unsigned long done = 0;
    mfn_t chunk[SCRUB_CHUNK];

    if (!__atomic_compare_exchange_n(&scrubber, &none, self, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return 0;
    while (!*stop && __atomic_load_n(&nr_dirty, __ATOMIC_RELAXED)) {
        unsigned int n, cleared = 0;

        spin_lock(&heap_lock);
        n = take_scrub_chunk(chunk);
        if (n)
            __atomic_or_fetch(&scrubbing, me, __ATOMIC_RELEASE);
        spin_unlock(&heap_lock);
        if (!n)
            break;
        while (cleared < n && (cleared == 0 || !*stop))
            clear_frames(chunk[cleared++], 1);
        spin_lock(&heap_lock);
        put_scrub_chunk(chunk, n, cleared);
        __atomic_and_fetch(&scrubbing, ~me, __ATOMIC_RELEASE);
        spin_unlock(&heap_lock);
        done += cleared;
    }
    __atomic_store_n(&scrubber, NO_SCRUBBER, __ATOMIC_RELEASE);
    return done;
}

bool frames_need_scrub(void)
{
    return __atomic_load_n(&nr_dirty, __ATOMIC_RELAXED) != 0 &&
           __atomic_load_n(&scrubber, __ATOMIC_RELAXED) == NO_SCRUBBER;
}

unsigned long frames_free(void)
{
    return nr_free;
}

void frames_scrub_counts(struct frame_scrub_counts *c)
{
    spin_lock(&heap_lock);
    c->dirty = nr_dirty;
    c->cleared_at_alloc = __atomic_load_n(&nr_cleared_at_alloc, __ATOMIC_RELAXED);
    c->scrubbed_idle = nr_scrubbed_idle;
    spin_unlock(&heap_lock);
}

unsigned long frames_total(void)
{
    return nr_ram;
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
