/*
 * Searches over the frame allocator's bitmap (one bit per machine frame,
 * set = in use), kept pure so the host tests drive them
 * (tests/unit/test_frame_bitmap.c).
 *
 * Every search answers with the HIGHEST run that fits. That is the order
 * in which Xen 4.17's heap hands memory out (it tries the zones from the
 * highest address down, a zone being the frames with the same highest set
 * bit), so low memory goes last and stays free for whoever needs it below
 * an address limit: Linux's swiotlb asks XENMEM_exchange for 256 KiB
 * extents below 2^18 bytes, then widens a bit at a time.
 */
#ifndef HV_FRAME_BITMAP_H
#define HV_FRAME_BITMAP_H
#include <stdint.h>

#define FB_NONE (~0UL)

/*
 * The first frame of the highest run of n free frames inside [lo, hi)
 * whose first frame is a multiple of align (a power of two; 1: any), or
 * FB_NONE (also for n or align 0, align not a power of two, an empty
 * range). The bitmap must cover [lo, hi).
 */
uint64_t fb_find_highest(const uint64_t *map, uint64_t lo, uint64_t hi, uint64_t n,
                         uint64_t align);

/* The highest free frame in [lo, hi), or FB_NONE. */
uint64_t fb_highest_free(const uint64_t *map, uint64_t lo, uint64_t hi);

/*
 * Take up to n of the highest free frames below hi: mark them in use and
 * write them to out[] highest first; the number taken (below n: none is
 * left free below hi). A bitmap word at a time, so a batch of single
 * frames costs one search per 64 frames, not one per frame.
 */
uint64_t fb_take_highest_free(uint64_t *map, uint64_t hi, uint64_t n, uint64_t *out);

/* The highest frame in use in [lo, hi), or FB_NONE. */
uint64_t fb_highest_used(const uint64_t *map, uint64_t lo, uint64_t hi);

/*
 * One past the highest frame an allocation limited to `bits` address bits
 * may use, as Xen's MEMF_bits zones count: frames below 2^(bits - 12), and
 * at least frames 0 and 1 (Xen's lowest zone); 0 bits or 64 and more: no
 * limit (FB_NONE).
 */
uint64_t fb_bits_limit(unsigned int bits);

#endif
