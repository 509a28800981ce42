/*
 * Xenolith public ABI: memory_op (hypercall 12).
 *
 * memory_op(cmd, arg).  The reservation ops return the number of extents
 * done (which may be fewer than asked); the others 0 or -XEN_E*.  Common
 * errors: -XEN_EFAULT bad pointer, -XEN_ESRCH bad domain, -XEN_EPERM a
 * foreign domid from an unprivileged caller, -XEN_EINVAL bad argument,
 * -XEN_ENOSYS unknown cmd.  For a PV guest "GMFN" means MFN.
 */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include <stdint.h>

#include "xen.h"

/*
 * increase_reservation: allocate nr_extents extents of 2^extent_order
 *   frames; their MFNs are written to extent_start (if not NULL).
 * decrease_reservation: free the extents whose GMFNs extent_start lists.
 * populate_physmap: back the GPFNs in extent_start with new frames and
 *   write the frames back (PV: also sets M2P[mfn] = gpfn).
 * arg: struct xen_memory_reservation.  Returns extents done.
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

/* mem_flags: low byte = max machine address bits (0 = any); NUMA node. */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1u << 16)
#define XENMEMF_exact_node_request  (1u << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1u << 18)

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* IN/OUT, see above */
    xen_ulong_t nr_extents;                     /* IN */
    uint32_t    extent_order;                   /* IN */
    uint32_t    mem_flags;                      /* IN: XENMEMF_* */
    domid_t     domid;                          /* IN: DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
XEN_DEFINE_GUEST_HANDLE(xen_memory_reservation_t);
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation size");
_Static_assert(offsetof(struct xen_memory_reservation, nr_extents) == 8, "reservation.nr_extents");
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16, "reservation.extent_order");
_Static_assert(offsetof(struct xen_memory_reservation, mem_flags) == 20, "reservation.mem_flags");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24, "reservation.domid");

/*
 * exchange: give back the extents of in, receive those of out (same
 * total size, same domain).  nr_exchanged (caller sets 0) reports how
 * many input extents were swapped.
 */
#define XENMEM_exchange             11
struct xen_memory_exchange {
    struct xen_memory_reservation in;   /* IN */
    struct xen_memory_reservation out;  /* IN/OUT */
    xen_ulong_t nr_exchanged;           /* OUT */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
XEN_DEFINE_GUEST_HANDLE(xen_memory_exchange_t);
_Static_assert(sizeof(struct xen_memory_exchange) == 72, "xen_memory_exchange size");

/* arg NULL; returns the highest machine frame number. */
#define XENMEM_maximum_ram_page     2

/* arg: pointer to a domid_t; returns that domain's current / maximum pages. */
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
/* arg: pointer to a domid_t; returns the highest GPFN in use. */
#define XENMEM_maximum_gpfn         14

struct xen_memory_domain {
    domid_t domid;
};

/*
 * machphys_mfn_list: the MFNs (one per 2 MiB extent) backing the M2P
 * table.  max_extents IN, nr_extents OUT.
 */
#define XENMEM_machphys_mfn_list    5
#define XENMEM_machphys_compat_mfn_list 25
struct xen_machphys_mfn_list {
    uint32_t max_extents;                       /* IN */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* OUT buffer */
    uint32_t nr_extents;                        /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
_Static_assert(sizeof(struct xen_machphys_mfn_list) == 24, "xen_machphys_mfn_list size");
_Static_assert(offsetof(struct xen_machphys_mfn_list, nr_extents) == 16, "machphys_mfn_list.nr_extents");

/* machphys_mapping: where the read-only M2P is mapped.  All OUT. */
#define XENMEM_machphys_mapping     12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;     /* VA range of the M2P */
    xen_ulong_t max_mfn;            /* highest MFN it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
_Static_assert(sizeof(struct xen_machphys_mapping) == 24, "xen_machphys_mapping size");

/*
 * add_to_physmap: map a hypervisor-provided frame (shared_info, a grant
 * table frame, ...) at gpfn.  Translated (HVM/PVH) guests only; a PV
 * guest gets -XEN_EINVAL or -XEN_ENOSYS.
 */
#define XENMEM_add_to_physmap       7
#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
#define XENMAPSPACE_gmfn            2
#define XENMAPSPACE_gmfn_range      3
#define XENMAPSPACE_gmfn_foreign    4
#define XENMAPSPACE_dev_mmio        5
#define XENMAPIDX_grant_table_status 0x80000000u
struct xen_add_to_physmap {
    domid_t  domid;         /* IN */
    uint16_t size;          /* IN: frames, for XENMAPSPACE_gmfn_range */
    uint32_t space;         /* IN: XENMAPSPACE_* */
    xen_ulong_t idx;        /* IN: index within the space */
    xen_pfn_t gpfn;         /* IN: where to map it */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap size");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "add_to_physmap.idx");

/* Batched form (translated guests). */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t  domid;
    uint16_t space;
    uint16_t size;
    union {
        domid_t  foreign_domid; /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t)   gpfns;
    XEN_GUEST_HANDLE(int)         errs;     /* OUT: per-entry error */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "xen_add_to_physmap_batch size");

/* remove_from_physmap: unmap gpfn (translated guests). */
#define XENMEM_remove_from_physmap  15
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap size");

/*
 * memory_map: the caller's pseudo-physical E820 map.  IN nr_entries =
 * room in buffer, OUT = entries written; buffer holds struct
 * xen_e820_entry.  -XEN_ENOSYS if the tool-stack set no map (guests then
 * assume one RAM range of start_info.nr_pages).
 * machine_memory_map: the host's map (privileged).
 * set_memory_map: arg xen_foreign_memory_map, set a domain's map (privileged).
 */
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10
#define XENMEM_set_memory_map       13
struct xen_memory_map {
    uint32_t nr_entries;                /* IN/OUT */
    XEN_GUEST_HANDLE(void) buffer;      /* struct xen_e820_entry[] */
};
typedef struct xen_memory_map xen_memory_map_t;
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map size");

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
_Static_assert(sizeof(struct xen_foreign_memory_map) == 24, "xen_foreign_memory_map size");

/* One entry of the map, in the BIOS INT 15h/E820 layout (20 bytes, packed). */
struct xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;          /* XEN_E820_* */
} __attribute__((packed));
typedef struct xen_e820_entry xen_e820_entry_t;
XEN_DEFINE_GUEST_HANDLE(xen_e820_entry_t);
_Static_assert(sizeof(struct xen_e820_entry) == 20, "xen_e820_entry size");

#define XEN_E820_RAM        1
#define XEN_E820_RESERVED   2
#define XEN_E820_ACPI       3
#define XEN_E820_NVS        4
#define XEN_E820_UNUSABLE   5

/* PoD targets (tool-stack). */
#define XENMEM_set_pod_target       16
#define XENMEM_get_pod_target       17
struct xen_pod_target {
    uint64_t target_pages;
    uint64_t tot_pages;
    uint64_t pod_cache_pages;
    uint64_t pod_entries;
    domid_t  domid;
};
typedef struct xen_pod_target xen_pod_target_t;
_Static_assert(sizeof(struct xen_pod_target) == 40, "xen_pod_target size");

/* Tool-stack / device-model ops: numbers only. */
#define XENMEM_get_sharing_freed_pages      18
#define XENMEM_get_sharing_shared_pages     19
#define XENMEM_paging_op                    20
#define XENMEM_access_op                    21
#define XENMEM_sharing_op                   22
#define XENMEM_claim_pages                  24  /* arg: reservation, extent_start NULL */
#define XENMEM_get_vnumainfo                26
#define XENMEM_reserved_device_memory_map   27
#define XENMEM_acquire_resource             28

#endif /* XEN_PUBLIC_MEMORY_H */
