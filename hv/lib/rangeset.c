/*
 * Sets of integer ranges (hv/rangeset.h): a sorted array from the heap,
 * merged on add, split on remove, grown by doubling.
 */
#include <stddef.h>
#include <xen/errno.h>
#include <hv/mm.h>
#include <hv/rangeset.h>

#define FIRST_ROOM ((unsigned int)(PAGE_SIZE / sizeof(struct range)))  /* the heap gives pages */

/* Room for one more range: 0, or -ENOMEM with the set as it was. */
static int make_room(struct rangeset *rs)
{
    unsigned int room = rs->room ? rs->room * 2 : FIRST_ROOM;
    struct range *r;

    if (rs->nr < rs->room)
        return 0;
    if (room < rs->room)
        return -XEN_ENOMEM;
    r = xzalloc_bytes((unsigned long)room * sizeof(*r));
    if (!r)
        return -XEN_ENOMEM;
    for (unsigned int i = 0; i < rs->nr; i++)
        r[i] = rs->r[i];
    xfree_bytes(rs->r, (unsigned long)rs->room * sizeof(*r));
    rs->r = r;
    rs->room = room;
    return 0;
}

void rangeset_destroy(struct rangeset *rs)
{
    xfree_bytes(rs->r, (unsigned long)rs->room * sizeof(*rs->r));
    rs->r = NULL;
    rs->nr = rs->room = 0;
}

/* The first range that ends at or after x (rs->nr if none): a binary search, ends ascend. */
static unsigned int first_ending_from(const struct rangeset *rs, uint64_t x)
{
    unsigned int lo = 0, hi = rs->nr;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;

        if (rs->r[mid].e < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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
    } else if (make_room(rs)) {
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

        if (make_room(rs))
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
