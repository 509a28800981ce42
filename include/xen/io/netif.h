/*
 * Xenolith public ABI: netif, the virtual network interface protocol.
 *
 * Two one-page rings: TX (front end -> back end packets, 256 slots of
 * 12 bytes) and RX (back end -> front end, 256 slots of 8 bytes).
 * A TX packet is a first request whose size is the whole packet length,
 * optional extra-info slots (NETTXF_extra_info), then one request per
 * further fragment (NETTXF_more_data on all but the last); every slot,
 * extras included, gets a response (extras: NETIF_RSP_NULL).  For RX the
 * front end posts granted pages {id, gref}; the back end copies a packet
 * in and writes the response in the same slot, echoing id.
 */
#ifndef XEN_PUBLIC_IO_NETIF_H
#define XEN_PUBLIC_IO_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "../grant_table.h"

/* Slots a packet may use without negotiation. */
#define XEN_NETIF_NR_SLOTS_MIN  18
#define XEN_NETIF_MAX_TX_SIZE   0xffff

/* TX request flags. */
#define _NETTXF_csum_blank      0   /* checksum not yet computed (offload) */
#define NETTXF_csum_blank       (1u << _NETTXF_csum_blank)
#define _NETTXF_data_validated  1   /* checksum already verified */
#define NETTXF_data_validated   (1u << _NETTXF_data_validated)
#define _NETTXF_more_data       2   /* another fragment follows */
#define NETTXF_more_data        (1u << _NETTXF_more_data)
#define _NETTXF_extra_info      3   /* an extra-info slot follows */
#define NETTXF_extra_info       (1u << _NETTXF_extra_info)

struct netif_tx_request {
    grant_ref_t gref;       /* granted page holding this fragment */
    uint16_t offset;        /* fragment offset in that page */
    uint16_t flags;         /* NETTXF_* */
    uint16_t id;            /* echoed in the response */
    uint16_t size;          /* first slot: packet length; others: fragment length */
};
typedef struct netif_tx_request netif_tx_request_t;
_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request size");
_Static_assert(offsetof(struct netif_tx_request, size) == 10, "netif_tx_request.size");

/* Extra-info slot types and flags. */
#define XEN_NETIF_EXTRA_TYPE_NONE       0
#define XEN_NETIF_EXTRA_TYPE_GSO        1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD  2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL  3
#define XEN_NETIF_EXTRA_TYPE_HASH       4
#define XEN_NETIF_EXTRA_TYPE_MAX        5
#define _XEN_NETIF_EXTRA_FLAG_MORE      0   /* another extra slot follows */
#define XEN_NETIF_EXTRA_FLAG_MORE       (1u << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE         0
#define XEN_NETIF_GSO_TYPE_TCPV4        1
#define XEN_NETIF_GSO_TYPE_TCPV6        2

struct netif_extra_info {
    uint8_t type;           /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;          /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;      /* MSS */
            uint8_t  type;      /* XEN_NETIF_GSO_TYPE_* */
            uint8_t  pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];    /* multicast MAC */
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info size");
_Static_assert(offsetof(struct netif_extra_info, u) == 2, "netif_extra_info.u");

struct netif_tx_response {
    uint16_t id;
    int16_t  status;        /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response size");

struct netif_rx_request {
    uint16_t    id;         /* echoed in the response */
    uint16_t    pad;
    grant_ref_t gref;       /* page the back end copies into */
};
typedef struct netif_rx_request netif_rx_request_t;
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request size");

/* RX response flags. */
#define _NETRXF_data_validated  0
#define NETRXF_data_validated   (1u << _NETRXF_data_validated)
#define _NETRXF_csum_blank      1
#define NETRXF_csum_blank       (1u << _NETRXF_csum_blank)
#define _NETRXF_more_data       2
#define NETRXF_more_data        (1u << _NETRXF_more_data)
#define _NETRXF_extra_info      3
#define NETRXF_extra_info       (1u << _NETRXF_extra_info)
#define _NETRXF_gso_prefix      4
#define NETRXF_gso_prefix       (1u << _NETRXF_gso_prefix)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;        /* packet data offset in the page */
    uint16_t flags;         /* NETRXF_* */
    int16_t  status;        /* >= 0: bytes received; < 0: NETIF_RSP_* */
};
typedef struct netif_rx_response netif_rx_response_t;
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response size");

#define NETIF_RSP_DROPPED       (-2)
#define NETIF_RSP_ERROR         (-1)
#define NETIF_RSP_OKAY          0
#define NETIF_RSP_NULL          1   /* response to an extra-info slot */

XEN_RING_DECLARE(netif_tx, struct netif_tx_request, struct netif_tx_response);
XEN_RING_DECLARE(netif_rx, struct netif_rx_request, struct netif_rx_response);
_Static_assert(sizeof(union netif_tx_sring_entry) == 12, "netif tx slot size");
_Static_assert(sizeof(union netif_rx_sring_entry) == 8, "netif rx slot size");
_Static_assert(XEN_RING_ENTRIES(4096, sizeof(union netif_tx_sring_entry)) == 256, "netif tx slots");
_Static_assert(XEN_RING_ENTRIES(4096, sizeof(union netif_rx_sring_entry)) == 256, "netif rx slots");

#endif /* XEN_PUBLIC_IO_NETIF_H */
