/*
 * Grant tables (common/grant_table.c: map, unmap, copy; common/
 * grant_table_setup.c: table size, version, status frames): a domain shares
 * a frame by writing a grant entry in its table (frames the hypervisor
 * shares with it); the grantee maps it (GNTTABOP_map_grant_ref) or copies
 * through it (GNTTABOP_copy). The hypervisor tracks each mapping in the
 * grantee's map-track table and pins the entry (GTF_reading/GTF_writing)
 * while in use: in the entry's flags with version 1, in a separate status
 * frame with version 2.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H
#include <hv/spinlock.h>
#include <stdbool.h>
#include <stdint.h>
#include <xen/grant_table.h>
#include <hv/guest_access.h>
#include <hv/mm.h>

#define GNTTAB_MAX_FRAMES       64          /* per domain (Xen's default) */
#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / 8)   /* v1; active entries are laid out so */
#define GNTTAB_V2_PER_FRAME     (PAGE_SIZE / 16)
#define GNTTAB_STATUS_PER_FRAME (PAGE_SIZE / 2)
#define GNTTAB_MAX_STATUS_FRAMES \
    ((GNTTAB_MAX_FRAMES * GNTTAB_V2_PER_FRAME + GNTTAB_STATUS_PER_FRAME - 1) / GNTTAB_STATUS_PER_FRAME)
#define GNTTAB_MAPTRACK         1024        /* mappings one domain may hold */
#define GNTTAB_MAX_MAPTRACK_FRAMES 1024     /* Xen's default limit a toolstack may ask up to */

struct active_grant {
    uint32_t pin;                            /* uses in progress (hv/gnttab_rules.h) */
    uint16_t domid;                          /* the grantee, while pinned */
    bool sub_page;                           /* copies only: [start, start + length) */
    uint16_t start, length;
    uint16_t trans_domid;                    /* transitive: where the frame is pinned too */
    uint32_t trans_ref;
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
    unsigned int version;                    /* 1 or 2 */
    unsigned int nr_frames, nr_status_frames;
    unsigned int max_frames;                 /* createdomain's limit, at most GNTTAB_MAX_FRAMES */
    unsigned int max_version;                /* createdomain's highest version (1 or 2) */
    uint64_t frames[GNTTAB_MAX_FRAMES];      /* shared with the owning domain */
    uint64_t status[GNTTAB_MAX_STATUS_FRAMES];   /* v2 only: one grant_status_t per entry */
    struct active_grant *active[GNTTAB_MAX_FRAMES];
    struct maptrack_entry *maptrack;         /* GNTTAB_MAPTRACK entries */
    spinlock_t lock;                         /* all of the above (LOCK_GRANT, docs/locking.md) */
};

struct domain;

/* Entries the table has in its version. */
static inline unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * (gt->version == 2 ? GNTTAB_V2_PER_FRAME : GNTTAB_ENTRIES_PER_FRAME);
}

/* The flags/domid word of entry ref (valid ref): 8-byte entries in v1, 16-byte in v2. */
static inline uint32_t *gnttab_entry_hdr(const struct grant_table *gt, uint32_t ref)
{
    unsigned int per = gt->version == 2 ? GNTTAB_V2_PER_FRAME : GNTTAB_ENTRIES_PER_FRAME;
    uint8_t *f = mfn_to_virt(gt->frames[ref / per]);

    return (uint32_t *)(f + (ref % per) * (PAGE_SIZE / per));
}

/* Where GTF_reading/GTF_writing of entry ref live: its flags (v1) or its status word (v2). */
static inline uint16_t *gnttab_entry_status(const struct grant_table *gt, uint32_t ref)
{
    if (gt->version != 2)
        return (uint16_t *)gnttab_entry_hdr(gt, ref);
    return (uint16_t *)mfn_to_virt(gt->status[ref / GNTTAB_STATUS_PER_FRAME]) +
           ref % GNTTAB_STATUS_PER_FRAME;
}

static inline struct active_grant *gnttab_active(const struct grant_table *gt, uint32_t ref)
{
    return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* Give a new domain its table (one frame, version 1) and map-track. 0 or -ENOMEM. */
int grant_table_init(struct domain *d);
/*
 * For the MMU audit: held(ctx, frame, writable) for each reference a mapping
 * of d's frames holds (one per mapped part, host and device). Caller holds
 * d's page lock.
 */
void grant_table_audit_refs(struct domain *d, void (*held)(void *ctx, mfn_t mfn, bool writable),
                            void *ctx);

struct vcpu;

/*
 * Arch hooks (x86 PV: hv/arch/x86/pv/grant_table.c), as Xen's: the host
 * part of a mapping (GNTMAP_host_map) in the vCPU's address space. `addr`
 * is a virtual address, or with GNTMAP_contains_pte in `flags` the machine
 * address of a PTE of the vCPU's domain; GNTMAP_readonly and the
 * guest-available bits of `flags` shape the entry. The caller holds the
 * frame's references. GNTST_okay, or GNTST_general_error with nothing done.
 */
int create_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t frame, uint32_t flags);
/*
 * Undo it: `addr` must be `mapped_at` (where the map-track says the mapping
 * lives) and still hold the grant PTE of `frame`. With `new_addr`
 * (unmap_and_replace, virtual addresses only) the entry at new_addr moves
 * into the slot and new_addr is cleared; like Xen, that happens before the
 * slot is checked, so a failed replace has cleared it all the same.
 * GNTST_okay or GNTST_general_error.
 */
int replace_grant_host_mapping(struct vcpu *v, uint64_t addr, uint64_t mapped_at, mfn_t frame,
                               uint64_t new_addr, uint32_t flags);
/*
 * Destruction of d (Xen's gnttab_release_mappings): undo every mapping d
 * holds of other domains' grants (their PTEs in d's tables, the references
 * on the frames, the granters' pins), from d->destroy.cursor on. 0 when
 * done, -ERESTART when it stopped for other work (the cursor says where).
 */
int grant_table_release_mappings(struct domain *d);
/*
 * The last of a dead domain: its table frames, status frames, active
 * entries and map-track go back to the allocator. Nothing may map them any
 * more (a frame still referenced is reported and left, never freed in use).
 */
void grant_table_destroy(struct domain *d);

/* grant_table_setup.c: the table-wide operations (count 1 each). */
long gnttab_setup_table(XEN_GUEST_HANDLE_PARAM(gnttab_setup_table_t) arg);
long gnttab_query_size(XEN_GUEST_HANDLE_PARAM(gnttab_query_size_t) arg);
long gnttab_set_version(XEN_GUEST_HANDLE_PARAM(gnttab_set_version_t) arg);
long gnttab_get_version(XEN_GUEST_HANDLE_PARAM(gnttab_get_version_t) arg);
long gnttab_get_status_frames(XEN_GUEST_HANDLE_PARAM(gnttab_get_status_frames_t) arg);
/* The domain a table operation names, DOMID_SELF included; NULL if none. */
struct domain *gnttab_domain(uint16_t id);

#endif
