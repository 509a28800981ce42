/*
 * Xenolith public ABI: blkif, the virtual block device protocol.
 *
 * One shared ring (XEN_RING_DECLARE(blkif, ...)) of 112-byte slots; a
 * one-page ring has 32 slots.  Sectors are always 512-byte units.  Data
 * pages are granted by the front end; each segment names a granted frame
 * and the inclusive sector range [first_sect, last_sect] (0..7) in it.
 * The back end answers every request with a response echoing id.
 * xenstore keys and the handshake are described in docs/.
 */
#ifndef XEN_PUBLIC_IO_BLKIF_H
#define XEN_PUBLIC_IO_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ               0
#define BLKIF_OP_WRITE              1
#define BLKIF_OP_WRITE_BARRIER      2   /* "feature-barrier" */
#define BLKIF_OP_FLUSH_DISKCACHE    3   /* "feature-flush-cache"; may have 0 segments */
#define BLKIF_OP_RESERVED_1         4
#define BLKIF_OP_DISCARD            5   /* "feature-discard"; struct blkif_request_discard */
#define BLKIF_OP_INDIRECT           6   /* "feature-max-indirect-segments"; blkif_request_indirect */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST          11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST    8

/* One data segment: sectors first..last (inclusive) of granted frame gref. */
struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t     first_sect, last_sect;
};
_Static_assert(sizeof(struct blkif_request_segment) == 8, "blkif_request_segment size");

/* Segments held by one indirect page. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME (4096 / sizeof(struct blkif_request_segment))

/* Read / write / barrier / flush request. */
struct blkif_request {
    uint8_t        operation;       /* BLKIF_OP_* */
    uint8_t        nr_segments;     /* <= BLKIF_MAX_SEGMENTS_PER_REQUEST */
    blkif_vdev_t   handle;          /* device id (front-end directory name) */
    uint64_t       id;              /* echoed in the response */
    blkif_sector_t sector_number;   /* first sector on the disk */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request size");
_Static_assert(offsetof(struct blkif_request, id) == 8, "blkif_request.id");
_Static_assert(offsetof(struct blkif_request, sector_number) == 16, "blkif_request.sector_number");
_Static_assert(offsetof(struct blkif_request, seg) == 24, "blkif_request.seg");

/* Discard request, sent in a blkif_request slot. */
#define BLKIF_DISCARD_SECURE    (1 << 0)
struct blkif_request_discard {
    uint8_t        operation;       /* BLKIF_OP_DISCARD */
    uint8_t        flag;            /* BLKIF_DISCARD_SECURE or 0 */
    blkif_vdev_t   handle;
    uint64_t       id;
    blkif_sector_t sector_number;
    uint64_t       nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;
_Static_assert(sizeof(struct blkif_request_discard) == 32, "blkif_request_discard size");

/*
 * Indirect request: the segment descriptors live in up to 8 granted
 * pages (indirect_grefs), 512 descriptors per page.
 */
struct blkif_request_indirect {
    uint8_t        operation;       /* BLKIF_OP_INDIRECT */
    uint8_t        indirect_op;     /* BLKIF_OP_READ / _WRITE */
    uint16_t       nr_segments;
    uint64_t       id;
    blkif_sector_t sector_number;
    blkif_vdev_t   handle;
    grant_ref_t    indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "blkif_request_indirect size");
_Static_assert(offsetof(struct blkif_request_indirect, handle) == 24, "indirect.handle");
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28, "indirect.grefs");

struct blkif_response {
    uint64_t id;                    /* from the request */
    uint8_t  operation;             /* from the request */
    int16_t  status;                /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response size");
_Static_assert(offsetof(struct blkif_response, status) == 10, "blkif_response.status");

#define BLKIF_RSP_EOPNOTSUPP    (-2)
#define BLKIF_RSP_ERROR         (-1)
#define BLKIF_RSP_OKAY          0

XEN_RING_DECLARE(blkif, struct blkif_request, struct blkif_response);
_Static_assert(sizeof(union blkif_sring_entry) == 112, "blkif slot size");
_Static_assert(offsetof(struct blkif_sring, ring) == XEN_RING_HEADER_SIZE, "blkif ring header");
_Static_assert(XEN_RING_ENTRIES(4096, sizeof(union blkif_sring_entry)) == 32, "blkif slots per page");

/* "info" key bits of a virtual disk. */
#define VDISK_CDROM             0x1
#define VDISK_REMOVABLE         0x2
#define VDISK_READONLY          0x4

#endif /* XEN_PUBLIC_IO_BLKIF_H */
