/*
 * Xenolith public ABI: grant tables (versions 1 and 2) and grant_table_op
 * (hypercall 20).
 *
 * A domain shares a frame by writing a grant_entry_v1 into its grant
 * table (frames obtained with GNTTABOP_setup_table) and passing the
 * entry index (grant reference) to the peer, which maps or copies it.
 *
 * grant_table_op(cmd, arg, count): arg is an array of count structs of
 * the cmd's type.  The hypercall returns 0 or -XEN_E* for failures of
 * the whole call (-XEN_EFAULT bad array, -XEN_EINVAL bad count,
 * -XEN_ENOSYS unknown cmd); per-entry outcomes go to each entry's
 * status field as GNTST_* values.
 */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include <stdint.h>

#include "xen.h"

typedef uint32_t grant_ref_t;       /* index into the granting domain's table */
typedef uint32_t grant_handle_t;    /* names one mapping made by the grantee */

/*
 * A version-1 grant table entry, written by the granting guest.
 * Order matters: the granter writes frame and domid, then flags last
 * (with a write barrier); the hypervisor sets GTF_reading/GTF_writing
 * while a mapping or copy is in progress.
 */
struct grant_entry_v1 {
    uint16_t flags;     /* GTF_* */
    domid_t  domid;     /* domain allowed to use the grant */
    uint32_t frame;     /* GFN (= MFN for PV) being granted */
};
typedef struct grant_entry_v1 grant_entry_v1_t;
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 size");
_Static_assert(offsetof(struct grant_entry_v1, frame) == 4, "grant_entry_v1.frame");

/*
 * A version-2 grant table entry (16 bytes; GNTTABOP_set_version 2).  The
 * header is v1's flags and domid; GTF_reading/GTF_writing are not in the
 * flags but in a separate status word per entry (grant_status_t, in the
 * frames GNTTABOP_get_status_frames names).  What follows the header
 * depends on the type:
 *   full_page   GTF_permit_access (no GTF_sub_page): the whole frame;
 *   sub_page    GTF_permit_access | GTF_sub_page: bytes [page_off,
 *               page_off + length) of frame, for copies only;
 *   transitive  GTF_transitive: grant gref of domain trans_domid, used as
 *               if this domain had granted it (copies only).
 */
struct grant_entry_header {
    uint16_t flags;
    domid_t  domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t  trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;
_Static_assert(sizeof(union grant_entry_v2) == 16, "grant_entry_v2 size");
_Static_assert(offsetof(union grant_entry_v2, full_page.frame) == 8, "grant_entry_v2.full_page.frame");
_Static_assert(offsetof(union grant_entry_v2, sub_page.page_off) == 4, "grant_entry_v2.sub_page.page_off");
_Static_assert(offsetof(union grant_entry_v2, sub_page.frame) == 8, "grant_entry_v2.sub_page.frame");
_Static_assert(offsetof(union grant_entry_v2, transitive.gref) == 8, "grant_entry_v2.transitive.gref");

typedef uint16_t grant_status_t;

/* The first 8 references are reserved for the tool-stack. */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/* grant_entry_v1.flags: type in bits 0-1, then modifiers. */
#define GTF_invalid                 (0u << 0)
#define GTF_permit_access           (1u << 0)
#define GTF_accept_transfer         (2u << 0)
#define GTF_transitive              (3u << 0)
#define GTF_type_mask               (3u << 0)
#define _GTF_readonly               2   /* grantee may only map read-only */
#define GTF_readonly                (1u << _GTF_readonly)
#define _GTF_reading                3   /* set by the hypervisor: in use for reading */
#define GTF_reading                 (1u << _GTF_reading)
#define _GTF_writing                4   /* set by the hypervisor: in use for writing */
#define GTF_writing                 (1u << _GTF_writing)
#define _GTF_PWT                    5
#define GTF_PWT                     (1u << _GTF_PWT)
#define _GTF_PCD                    6
#define GTF_PCD                     (1u << _GTF_PCD)
#define _GTF_PAT                    7
#define GTF_PAT                     (1u << _GTF_PAT)
#define _GTF_sub_page               8
#define GTF_sub_page                (1u << _GTF_sub_page)
/* For GTF_accept_transfer entries. */
#define _GTF_transfer_committed     2
#define GTF_transfer_committed      (1u << _GTF_transfer_committed)
#define _GTF_transfer_completed     3
#define GTF_transfer_completed      (1u << _GTF_transfer_completed)

/* grant_table_op commands. */
#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

/* Mapping flags (gnttab_map_grant_ref.flags). */
#define _GNTMAP_device_map          0   /* make dev_bus_addr valid for DMA */
#define GNTMAP_device_map           (1u << _GNTMAP_device_map)
#define _GNTMAP_host_map            1   /* map into the caller's address space */
#define GNTMAP_host_map             (1u << _GNTMAP_host_map)
#define _GNTMAP_readonly            2
#define GNTMAP_readonly             (1u << _GNTMAP_readonly)
#define _GNTMAP_application_map     3   /* user-accessible mapping */
#define GNTMAP_application_map      (1u << _GNTMAP_application_map)
#define _GNTMAP_contains_pte        4   /* host_addr is the machine address of a PTE */
#define GNTMAP_contains_pte         (1u << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0        16  /* bits 16+ go to the PTE's available bits */
#define GNTMAP_guest_avail_mask     ((uint32_t)~0u << _GNTMAP_guest_avail0)

/*
 * map_grant_ref: map grant ref of domain dom at host_addr (a VA, or a
 * PTE machine address with GNTMAP_contains_pte) with GNTMAP_host_map,
 * and/or for device DMA with GNTMAP_device_map (no PTE; the two parts
 * are pinned and unmapped separately).  OUT handle names the mapping for
 * unmap; OUT dev_bus_addr: for a PV grantee the frame's machine address.
 * status: GNTST_bad_domain, _bad_gntref (also: neither map flag),
 * _no_space (no free handle), _bad_page (the entry's frame is not the
 * granter's), _general_error (entry not usable, a pin counter full, no
 * L1 table at host_addr).
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* IN */
    uint32_t flags;             /* IN: GNTMAP_* */
    grant_ref_t ref;            /* IN */
    domid_t  dom;               /* IN: granting domain */
    int16_t  status;            /* OUT: GNTST_* */
    grant_handle_t handle;      /* OUT */
    uint64_t dev_bus_addr;      /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_map_grant_ref_t);
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref size");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16, "map_grant_ref.dom");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "map_grant_ref.status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "map_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map_grant_ref.dev_bus_addr");

/*
 * unmap_grant_ref: undo the host part of mapping handle when host_addr is
 * non-zero, its device part when dev_bus_addr is non-zero (it must be the
 * one map returned); a part not named stays, and the handle is freed with
 * the last part.  status: GNTST_bad_handle, _bad_dev_addr, _general_error
 * (host_addr does not hold the mapping).
 */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;         /* IN */
    uint64_t dev_bus_addr;      /* IN */
    grant_handle_t handle;      /* IN */
    int16_t  status;            /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_unmap_grant_ref_t);
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref size");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap_grant_ref.status");

/*
 * setup_table: grow dom's table to nr_frames frames and write their MFNs
 * to frame_list.  dom is DOMID_SELF unless privileged.
 * status: GNTST_bad_domain, _general_error (too many frames).
 */
struct gnttab_setup_table {
    domid_t  dom;                               /* IN */
    uint32_t nr_frames;                         /* IN */
    int16_t  status;                            /* OUT */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;     /* OUT */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_setup_table_t);
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table size");
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "setup_table.status");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "setup_table.frame_list");

/* dump_table: print dom's table on the hypervisor console (debug). */
struct gnttab_dump_table {
    domid_t dom;                /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
_Static_assert(sizeof(struct gnttab_dump_table) == 4, "gnttab_dump_table size");

/* transfer: give page mfn to domid through its accept_transfer grant ref. */
struct gnttab_transfer {
    xen_pfn_t   mfn;            /* IN */
    domid_t     domid;          /* IN */
    grant_ref_t ref;            /* IN */
    int16_t     status;         /* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_transfer_t);
_Static_assert(sizeof(struct gnttab_transfer) == 24, "gnttab_transfer size");

/*
 * copy: copy len bytes from source to dest; each side is a grant ref
 * (flag GNTCOPY_*_gref) or a local GMFN, plus an offset.  Neither side
 * may cross a page (GNTST_bad_copy_arg).
 */
#define _GNTCOPY_source_gref        0
#define GNTCOPY_source_gref         (1u << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref          1
#define GNTCOPY_dest_gref           (1u << _GNTCOPY_dest_gref)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t   gmfn;
    } u;
    domid_t  domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;    /* IN */
    uint16_t len;                           /* IN */
    uint16_t flags;                         /* IN: GNTCOPY_* */
    int16_t  status;                        /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_copy_t);
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr size");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy size");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "gnttab_copy.dest");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "gnttab_copy.status");

/* query_size: current and maximum table frames of dom. */
struct gnttab_query_size {
    domid_t  dom;               /* IN */
    uint32_t nr_frames;         /* OUT */
    uint32_t max_nr_frames;     /* OUT */
    int16_t  status;            /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_query_size_t);
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size size");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "query_size.status");

/*
 * unmap_and_replace: undo the host part of handle at host_addr (a VA), and
 * move the PTE at VA new_addr there, clearing new_addr (new_addr 0: a
 * plain unmap).  new_addr is taken before host_addr is checked, so it is
 * cleared even when the call then fails.  status: GNTST_bad_handle,
 * _general_error (contains_pte mapping with a new_addr, no L1 table at
 * new_addr, host_addr does not hold the mapping).
 */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;         /* IN */
    uint64_t new_addr;          /* IN */
    grant_handle_t handle;      /* IN */
    int16_t  status;            /* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_unmap_and_replace_t);
_Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24, "gnttab_unmap_and_replace size");

/*
 * set_version: choose the table format; version is IN (1 or 2) and OUT
 * (the version in force, also on failure).  Only the caller's own table.
 * Errors: -EINVAL (not 1 or 2), -EBUSY (an entry beyond the 8 reserved
 * ones is in use; or, back to 1, a status frame is still mapped),
 * -ERANGE (back to 1 with a reserved entry v1 cannot hold: transitive, or
 * a frame above 32 bits), -ENOMEM.  Every entry but the reserved ones is
 * cleared; those are converted.
 */
struct gnttab_set_version {
    uint32_t version;           /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_set_version_t);

/*
 * get_status_frames: the first nr_frames status frames of dom's v2 table
 * (MFNs for a PV domain) into frame_list; only status is written back.
 * count must be 1 (-EINVAL); a frame_list outside guest space: -EFAULT.
 * status: GNTST_bad_domain, _permission_denied, _general_error (more
 * frames than the table has: always with v1), _bad_virt_addr.
 */
struct gnttab_get_status_frames {
    uint32_t nr_frames;                     /* IN */
    domid_t  dom;                           /* IN */
    int16_t  status;                        /* OUT */
    XEN_GUEST_HANDLE(uint64_t) frame_list;  /* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_get_status_frames_t);
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "gnttab_get_status_frames size");

/* get_version: the table version of dom. */
struct gnttab_get_version {
    domid_t  dom;               /* IN */
    uint16_t pad;
    uint32_t version;           /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_get_version_t);
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version size");

/* swap_grant_ref: exchange two entries of the caller's table. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;          /* IN */
    grant_ref_t ref_b;          /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
XEN_DEFINE_GUEST_HANDLE(gnttab_swap_grant_ref_t);
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "gnttab_swap_grant_ref size");

/* cache_flush: clean/invalidate a granted range (ARM). */
#define GNTTAB_CACHE_CLEAN          (1u << 0)
#define GNTTAB_CACHE_INVAL          (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF    (1u << 31)
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op;                /* GNTTAB_CACHE_* */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "gnttab_cache_flush size");

/* Per-entry status codes. */
#define GNTST_okay                  (0)
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

#endif /* XEN_PUBLIC_GRANT_TABLE_H */
