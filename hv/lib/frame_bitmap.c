/* Highest-first searches over the frame bitmap (hv/frame_bitmap.h). */
#include <hv/frame_bitmap.h>

/* Bits [from, to) of a word, from < to <= 64. */
static uint64_t bits_mask(unsigned int from, unsigned int to)
{
    uint64_t upto = to == 64 ? ~0UL : (1UL << to) - 1;

    return upto & ~((1UL << from) - 1);
}

/*
 * The highest bit in [lo, hi) that is set in the map, or clear when
 * `want_clear`; FB_NONE if none. A word at a time, from the top.
 */
static uint64_t highest(const uint64_t *map, uint64_t lo, uint64_t hi, int want_clear)
{
    while (hi > lo) {
        uint64_t w = (hi - 1) / 64;
        unsigned int from = lo > w * 64 ? (unsigned int)(lo - w * 64) : 0;
        unsigned int to = (unsigned int)(hi - w * 64);
        uint64_t bits = (want_clear ? ~map[w] : map[w]) & bits_mask(from, to);

        if (bits)
            return w * 64 + 63 - (uint64_t)__builtin_clzl(bits);
        hi = w * 64 + from;
    }
    return FB_NONE;
}

uint64_t fb_highest_free(const uint64_t *map, uint64_t lo, uint64_t hi)
{
    return highest(map, lo, hi, 1);
}

uint64_t fb_take_highest_free(uint64_t *map, uint64_t hi, uint64_t n, uint64_t *out)
{
    uint64_t got = 0;

    while (got < n) {
        uint64_t top = fb_highest_free(map, 0, hi), w, free, left;

        if (top == FB_NONE)
            break;
        w = top / 64;
        free = left = ~map[w] & bits_mask(0, (unsigned int)(top % 64) + 1);
        do {
            uint64_t bit = 63 ^ (uint64_t)__builtin_clzl(left);     /* the highest */

            left &= ~(1UL << bit);
            out[got++] = w * 64 + bit;
        } while (left && got < n);
        map[w] |= free & ~left;
        hi = out[got - 1];
    }
    return got;
}

uint64_t fb_highest_used(const uint64_t *map, uint64_t lo, uint64_t hi)
{
    return highest(map, lo, hi, 0);
}

uint64_t fb_find_highest(const uint64_t *map, uint64_t lo, uint64_t hi, uint64_t n,
                         uint64_t align)
{
    if (n == 0 || align == 0 || (align & (align - 1)) || hi <= lo || hi - lo < n)
        return FB_NONE;
    for (;;) {
        /* A run ends at most one past the highest free frame below hi. */
        uint64_t top = fb_highest_free(map, lo, hi), first, used;

        if (top == FB_NONE || top + 1 - lo < n)
            return FB_NONE;
        first = (top + 1 - n) & ~(align - 1);
        if (first < lo)
            return FB_NONE;
        used = fb_highest_used(map, first, first + n);
        if (used == FB_NONE)
            return first;
        /* Every run holding `used` is out: the next one ends at or below it. */
        hi = used;
        if (hi <= lo || hi - lo < n)
            return FB_NONE;
    }
}

uint64_t fb_bits_limit(unsigned int bits)
{
    if (bits == 0 || bits >= 64)
        return FB_NONE;
    return bits <= 13 ? 2 : 1UL << (bits - 12);
}
