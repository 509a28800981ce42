/*
 * Xenolith public ABI: the xenstore wire protocol and ring page.
 *
 * A client sends messages (struct xsd_sockmsg header + len payload bytes,
 * len <= XENSTORE_PAYLOAD_MAX) on the req byte ring of its ring page
 * (start_info.store_mfn, port start_info.store_evtchn); xenstored answers
 * on rsp with the same type, req_id and tx_id, or with XS_ERROR whose
 * payload is the errno name ("ENOENT\0").  Success without data is "OK\0".
 * Watch events arrive unsolicited as XS_WATCH_EVENT (req_id = tx_id = 0)
 * with payload "path\0token\0".
 */
#ifndef XEN_PUBLIC_IO_XS_WIRE_H
#define XEN_PUBLIC_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Message types (struct xsd_sockmsg.type). */
#define XS_CONTROL              0   /* debug/control commands */
#define XS_DEBUG                XS_CONTROL
#define XS_DIRECTORY            1   /* path\0 -> child names\0... */
#define XS_READ                 2   /* path\0 -> value (no NUL) */
#define XS_GET_PERMS            3   /* path\0 -> perm strings\0... */
#define XS_WATCH                4   /* path\0token\0 -> OK */
#define XS_UNWATCH              5   /* path\0token\0 -> OK */
#define XS_TRANSACTION_START    6   /* \0 -> decimal tx id\0 */
#define XS_TRANSACTION_END      7   /* "T\0" commit / "F\0" abort -> OK or EAGAIN */
#define XS_INTRODUCE            8   /* domid\0mfn\0port\0 (privileged) */
#define XS_RELEASE              9   /* domid\0 (privileged) */
#define XS_GET_DOMAIN_PATH      10  /* domid\0 -> "/local/domain/<domid>"\0 */
#define XS_WRITE                11  /* path\0value -> OK */
#define XS_MKDIR                12  /* path\0 -> OK */
#define XS_RM                   13  /* path\0 -> OK */
#define XS_SET_PERMS            14  /* path\0perm\0perm\0... -> OK */
#define XS_WATCH_EVENT          15  /* server -> client: path\0token\0 */
#define XS_ERROR                16  /* server -> client: errno name\0 */
#define XS_IS_DOMAIN_INTRODUCED 17  /* domid\0 -> "T"/"F" (privileged) */
#define XS_RESUME               18  /* domid\0 (privileged) */
#define XS_SET_TARGET           19  /* domid\0target\0 (privileged) */
/* 20 was XS_RESTRICT, removed. */
#define XS_RESET_WATCHES        21  /* drop all of the caller's watches */
#define XS_DIRECTORY_PART       22  /* path\0offset\0 -> generation\0children... */
#define XS_GET_FEATURE          23
#define XS_SET_FEATURE          24
#define XS_GET_QUOTA            25
#define XS_SET_QUOTA            26
#define XS_TYPE_COUNT           27
#define XS_INVALID              0xffff

/* Fields of an XS_WATCH_EVENT payload. */
#define XS_WATCH_PATH           0
#define XS_WATCH_TOKEN          1

/* Message header; payload follows immediately, usually NUL-terminated strings. */
struct xsd_sockmsg {
    uint32_t type;      /* XS_* */
    uint32_t req_id;    /* chosen by the client, echoed in the reply */
    uint32_t tx_id;     /* transaction id, 0 = none */
    uint32_t len;       /* payload bytes that follow */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");

/*
 * Error names xenstored may send in XS_ERROR, in Xen's order.  The wire
 * carries the name, not a number.
 */
#define XS_ERROR_NAMES \
    "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", \
    "EIO", "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN",   \
    "E2BIG", "EPERM"

/* Limits. */
#define XENSTORE_PAYLOAD_MAX    4096
#define XENSTORE_ABS_PATH_MAX   3072
#define XENSTORE_REL_PATH_MAX   2048

/* The ring page: two 1024-byte byte rings and their indices. */
#define XENSTORE_RING_SIZE      1024
typedef uint32_t xenstore_ring_idx_t;
#define XENSTORE_MASK_IDX(idx)  ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* client -> xenstored */
    char rsp[XENSTORE_RING_SIZE];   /* xenstored -> client (replies, watch events) */
    xenstore_ring_idx_t req_cons, req_prod;
    xenstore_ring_idx_t rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                 /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;           /* newer Xen: filled for dom0less only */
};
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "xs.req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "xs.rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) == 2064, "xs.features");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == 2072, "xs.error");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2080, "xenstore_domain_interface size");

#define XENSTORE_SERVER_FEATURE_RECONNECTION    1
#define XENSTORE_SERVER_FEATURE_ERROR           2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH      4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY       8

#define XENSTORE_CONNECTED      0
#define XENSTORE_RECONNECT      1

#define XENSTORE_ERROR_NONE     0
#define XENSTORE_ERROR_COMM     1   /* communication problem */
#define XENSTORE_ERROR_RINGIDX  2   /* invalid ring index */
#define XENSTORE_ERROR_PROTO    3   /* protocol violation (payload too long) */

#endif /* XEN_PUBLIC_IO_XS_WIRE_H */
