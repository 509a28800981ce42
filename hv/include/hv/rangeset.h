/*
 * A set of integers kept as sorted, disjoint, non-adjacent inclusive ranges
 * (Xen's rangeset): a domain's I/O ports, I/O memory frames and IRQs
 * (its "I/O capabilities", XEN_DOMCTL_*_permission). Pure code
 * (hv/lib/rangeset.c), host-tested; the caller locks.
 *
 * Xen's rangesets grow from the heap; ours hold RANGESET_MAX ranges, which
 * a domain's capabilities never come near (Dom0 starts with 5 I/O port
 * ranges and 2 I/O memory ones). Adding or removing what would need more
 * answers -ENOMEM and changes nothing.
 */
#ifndef HV_RANGESET_H
#define HV_RANGESET_H
#include <stdbool.h>
#include <stdint.h>

#define RANGESET_MAX 32

struct rangeset {
    unsigned int nr;
    struct { uint64_t s, e; } r[RANGESET_MAX];     /* sorted; r[i].e + 1 < r[i + 1].s */
};

/* Add [s, e] (s <= e), merged with what it touches: 0 or -XEN_ENOMEM. */
int rangeset_add(struct rangeset *rs, uint64_t s, uint64_t e);
/* Remove [s, e] (s <= e), splitting a range around it: 0 or -XEN_ENOMEM. */
int rangeset_remove(struct rangeset *rs, uint64_t s, uint64_t e);
/* Is every number of [s, e] in the set? */
bool rangeset_contains(const struct rangeset *rs, uint64_t s, uint64_t e);
/* Is any number of [s, e] in the set? */
bool rangeset_overlaps(const struct rangeset *rs, uint64_t s, uint64_t e);
static inline bool rangeset_is_empty(const struct rangeset *rs) { return rs->nr == 0; }

#endif
