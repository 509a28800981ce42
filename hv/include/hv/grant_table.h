/*
 * Grant tables, version 1 (common/grant_table.c): a domain shares a frame by
 * writing a grant entry in its table (frames the hypervisor shares with it);
 * the grantee maps it (GNTTABOP_map_grant_ref) or copies through it
 * (GNTTABOP_copy). The hypervisor tracks each mapping in the grantee's
 * map-track table and pins the entry (GTF_reading/GTF_writing) while in use.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H
#include <stdbool.h>
#include <stdint.h>
#include <hv/mm.h>

#define GNTTAB_MAX_FRAMES       64          /* per domain (Xen's default) */
#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / 8)
#define GNTTAB_MAPTRACK         1024        /* mappings one domain may hold */

struct active_grant {
    uint32_t pin;                            /* uses in progress (hv/gnttab_rules.h) */
    uint16_t domid;                          /* the grantee, while pinned */
    uint64_t frame;                          /* the frame pinned at first use */
};

/*
 * One mapping of the grantee. `flags` are the map's GNTMAP_* (host_map,
 * device_map, readonly, contains_pte); 0 = free. Unmapping the host or the
 * device part clears its bit; the entry is free when neither is left.
 */
struct maptrack_entry {
    uint32_t flags;
    uint16_t granter;
    uint32_t ref;
    uint64_t host_addr;                      /* VA, or the PTE's machine address (contains_pte) */
    uint64_t frame;
};

struct grant_table {
    unsigned int nr_frames;
    uint64_t frames[GNTTAB_MAX_FRAMES];      /* shared with the owning domain */
    struct active_grant *active[GNTTAB_MAX_FRAMES];
    struct maptrack_entry *maptrack;         /* GNTTAB_MAPTRACK entries */
};

struct domain;

/* Give a new domain its table (one frame) and map-track. 0 or -ENOMEM. */
int grant_table_init(struct domain *d);
/* For the MMU audit: drop (hold=false) or take again (true) the references mappings of d's frames hold. */
void grant_table_audit_refs(struct domain *d, bool hold);

#endif
