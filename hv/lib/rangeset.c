/* Sets of integer ranges (hv/rangeset.h): a sorted array, merged on add, split on remove. */
#include <xen/errno.h>
#include <hv/rangeset.h>

/* The first range that ends at or after x (rs->nr if none). */
static unsigned int first_ending_from(const struct rangeset *rs, uint64_t x)
{
    unsigned int i = 0;

    while (i < rs->nr && rs->r[i].e < x)
        i++;
    return i;
}

/* Replace ranges [from, to) by `count` (0 or 1) new ones, [s, e]. */
static void splice(struct rangeset *rs, unsigned int from, unsigned int to, unsigned int count,
                   uint64_t s, uint64_t e)
{
    unsigned int tail = rs->nr - to, dst = from + count;

    if (dst < to) {
        for (unsigned int k = 0; k < tail; k++)
            rs->r[dst + k] = rs->r[to + k];
    } else if (dst > to) {
        for (unsigned int k = tail; k-- > 0;)
            rs->r[dst + k] = rs->r[to + k];
    }
    if (count) {
        rs->r[from].s = s;
        rs->r[from].e = e;
    }
    rs->nr = dst + tail;
}

int rangeset_add(struct rangeset *rs, uint64_t s, uint64_t e)
{
    /* Ranges that overlap [s, e] or touch it: from the first ending at s - 1 or later. */
    unsigned int from = first_ending_from(rs, s ? s - 1 : 0), to = from;

    while (to < rs->nr && (e == UINT64_MAX || rs->r[to].s <= e + 1))
        to++;
    if (to > from) {
        if (rs->r[from].s < s)
            s = rs->r[from].s;
        if (rs->r[to - 1].e > e)
            e = rs->r[to - 1].e;
    } else if (rs->nr == RANGESET_MAX) {
        return -XEN_ENOMEM;
    }
    splice(rs, from, to, 1, s, e);
    return 0;
}

int rangeset_remove(struct rangeset *rs, uint64_t s, uint64_t e)
{
    unsigned int i = first_ending_from(rs, s);

    if (i < rs->nr && rs->r[i].s < s && rs->r[i].e > e) {
        /* Strictly inside one range: it becomes two. */
        uint64_t old_e = rs->r[i].e;

        if (rs->nr == RANGESET_MAX)
            return -XEN_ENOMEM;
        splice(rs, i + 1, i + 1, 1, e + 1, old_e);
        rs->r[i].e = s - 1;
        return 0;
    }
    if (i < rs->nr && rs->r[i].s < s) {
        rs->r[i].e = s - 1;             /* keeps its part below s */
        i++;
    }
    unsigned int to = i;
    while (to < rs->nr && rs->r[to].e <= e)
        to++;                           /* wholly inside [s, e]: gone */
    splice(rs, i, to, 0, 0, 0);
    if (i < rs->nr && rs->r[i].s <= e)
        rs->r[i].s = e + 1;             /* keeps its part above e */
    return 0;
}

bool rangeset_contains(const struct rangeset *rs, uint64_t s, uint64_t e)
{
    unsigned int i = first_ending_from(rs, e);

    return i < rs->nr && rs->r[i].s <= s;
}

bool rangeset_overlaps(const struct rangeset *rs, uint64_t s, uint64_t e)
{
    unsigned int i = first_ending_from(rs, s);

    return i < rs->nr && rs->r[i].s <= e;
}
