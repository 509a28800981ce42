/*
 * A set of integers kept as sorted, disjoint, non-adjacent inclusive ranges
 * (Xen's rangeset): a domain's I/O ports, I/O memory frames and IRQs
 * (its "I/O capabilities", XEN_DOMCTL_*_permission). Pure code
 * (hv/lib/rangeset.c), host-tested; the caller locks.
 *
 * As Xen's domain rangesets, a set has no limit of its own: its ranges live
 * in one array from the hypervisor heap (xzalloc_bytes), grown by doubling
 * when an add or a split needs one more. An empty set holds no memory; the
 * array goes with rangeset_destroy (the domain's destruction). A change
 * that needs memory the heap does not have answers -ENOMEM and changes
 * nothing.
 */
#ifndef HV_RANGESET_H
#define HV_RANGESET_H
#include <stdbool.h>
#include <stdint.h>

struct range {
    uint64_t s, e;
};

struct rangeset {
    unsigned int nr;                 /* ranges held */
    unsigned int room;               /* ranges r[] can hold */
    struct range *r;                 /* sorted; r[i].e + 1 < r[i + 1].s; NULL while room is 0 */
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
/* Empty the set and give its memory back. */
void rangeset_destroy(struct rangeset *rs);

#endif
