/*
 * Xenolith public ABI: the shared I/O ring used by every split driver.
 *
 * One shared area (a page, or 2^k pages) holds a 64-byte header and an
 * array of slots; each slot is a union of the request and the response
 * type.  The front end produces requests and consumes responses, the
 * back end the reverse.  Indices are free-running 32-bit counters; the
 * slot of index i is i & (nr_ents - 1), nr_ents being the largest power
 * of two that fits.  A response reuses the slot of some consumed
 * request, and responses may complete out of order (matched by an id).
 *
 * Notification rule: after publishing, the producer notifies the peer's
 * event channel only if the peer's event index lies in (old, new] --
 * see xen_ring_need_notify().  Before sleeping, a consumer sets its
 * event index to cons + 1 and checks once more (the "final check").
 *
 * Layout is Xen's (xen/include/public/io/ring.h); the helper names are
 * ours.  Usable freestanding and hosted; barriers use GCC builtins.
 */
#ifndef XEN_PUBLIC_IO_RING_H
#define XEN_PUBLIC_IO_RING_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t xen_ring_idx_t;

/* Bytes before the first slot of a shared ring. */
#define XEN_RING_HEADER_SIZE    64

/*
 * Largest power of two not above n, as a constant expression (for array
 * sizes and _Static_assert).  Covers every ring that fits in 2^16 slots.
 */
#define XEN_RING_POW2_FLOOR(n) \
    ((n) >= 65536 ? 65536 : (n) >= 32768 ? 32768 : (n) >= 16384 ? 16384 : \
     (n) >= 8192 ? 8192 : (n) >= 4096 ? 4096 : (n) >= 2048 ? 2048 :       \
     (n) >= 1024 ? 1024 : (n) >= 512 ? 512 : (n) >= 256 ? 256 :           \
     (n) >= 128 ? 128 : (n) >= 64 ? 64 : (n) >= 32 ? 32 : (n) >= 16 ? 16 : \
     (n) >= 8 ? 8 : (n) >= 4 ? 4 : (n) >= 2 ? 2 : (n) >= 1 ? 1 : 0)

/* Number of slots of slot_size bytes in a ring area of area_bytes. */
#define XEN_RING_ENTRIES(area_bytes, slot_size) \
    XEN_RING_POW2_FLOOR(((area_bytes) - XEN_RING_HEADER_SIZE) / (slot_size))

/*
 * Declare the ring types for one protocol:
 *   union NAME_sring_entry   one slot (request or response)
 *   struct NAME_sring        the shared area (header + slots)
 *   struct NAME_front_ring   the front end's private view
 *   struct NAME_back_ring    the back end's private view
 * The private views are never shared; only NAME_sring is ABI.
 */
#define XEN_RING_DECLARE(name, req_t, rsp_t)                                  \
    union name##_sring_entry {                                                \
        req_t req;                                                            \
        rsp_t rsp;                                                            \
    };                                                                        \
    struct name##_sring {                                                     \
        xen_ring_idx_t req_prod, req_event; /* written by the front end / back end */ \
        xen_ring_idx_t rsp_prod, rsp_event; /* written by the back end / front end */ \
        union {                                                               \
            struct { uint8_t smartpoll_active; } netif;                       \
            uint8_t pvt_pad[4];                                               \
        } pvt;                                                                \
        uint8_t pad[44];                                                      \
        union name##_sring_entry ring[];                                      \
    };                                                                        \
    struct name##_front_ring {                                                \
        xen_ring_idx_t req_prod_pvt;  /* requests written, maybe unpublished */ \
        xen_ring_idx_t rsp_cons;      /* responses consumed */                \
        uint32_t nr_ents;                                                     \
        struct name##_sring *sring;                                           \
    };                                                                        \
    struct name##_back_ring {                                                 \
        xen_ring_idx_t rsp_prod_pvt;  /* responses written, maybe unpublished */ \
        xen_ring_idx_t req_cons;      /* requests consumed */                 \
        uint32_t nr_ents;                                                     \
        struct name##_sring *sring;                                           \
    }

/* Order our slot writes before the index store that publishes them. */
static inline void xen_ring_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Order the index store before the load of the peer's event index. */
static inline void xen_ring_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Order the index load before reading the slots it covers. */
static inline void xen_ring_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/* Read a shared index once (the peer may change it at any time). */
static inline xen_ring_idx_t xen_ring_read_idx(const xen_ring_idx_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Slot number of a free-running index; nr_ents is a power of two. */
static inline uint32_t xen_ring_slot(xen_ring_idx_t idx, uint32_t nr_ents)
{
    return idx & (nr_ents - 1);
}

/*
 * True when moving a producer index from old_prod to new_prod crosses the
 * peer's event index, i.e. event lies in (old_prod, new_prod], counted
 * modulo 2^32.
 */
static inline int xen_ring_need_notify(xen_ring_idx_t old_prod, xen_ring_idx_t new_prod,
                                       xen_ring_idx_t event)
{
    return (xen_ring_idx_t)(new_prod - event) < (xen_ring_idx_t)(new_prod - old_prod);
}

/*
 * Requests a back end may consume: those published, but never more than
 * the ring holds beyond its unanswered ones (a hostile front end may
 * publish a req_prod far ahead).
 */
static inline uint32_t xen_ring_requests_available(xen_ring_idx_t req_prod,
                                                   xen_ring_idx_t req_cons,
                                                   xen_ring_idx_t rsp_prod_pvt,
                                                   uint32_t nr_ents)
{
    uint32_t published = req_prod - req_cons;
    uint32_t room = nr_ents - (req_cons - rsp_prod_pvt);

    return published < room ? published : room;
}

/*
 * Macros over any NAME_front_ring / NAME_back_ring (r is a pointer).
 */

/* Reset a freshly allocated shared area: nothing produced, events armed. */
#define XEN_RING_SRING_INIT(s) do {                                           \
        (s)->req_prod = (s)->rsp_prod = 0;                                    \
        (s)->req_event = (s)->rsp_event = 1;                                  \
        for (size_t xen_i_ = 0; xen_i_ < sizeof((s)->pvt.pvt_pad); xen_i_++)  \
            (s)->pvt.pvt_pad[xen_i_] = 0;                                     \
        for (size_t xen_i_ = 0; xen_i_ < sizeof((s)->pad); xen_i_++)          \
            (s)->pad[xen_i_] = 0;                                             \
    } while (0)

/* Slots in an area of area_bytes for the ring type of s. */
#define XEN_RING_NR_ENTS(s, area_bytes) \
    ((uint32_t)XEN_RING_ENTRIES((area_bytes), sizeof((s)->ring[0])))

#define XEN_RING_FRONT_INIT(r, s, area_bytes) do {                            \
        (r)->req_prod_pvt = 0;                                                \
        (r)->rsp_cons = 0;                                                    \
        (r)->nr_ents = XEN_RING_NR_ENTS(s, area_bytes);                       \
        (r)->sring = (s);                                                     \
    } while (0)

#define XEN_RING_BACK_INIT(r, s, area_bytes) do {                             \
        (r)->rsp_prod_pvt = 0;                                                \
        (r)->req_cons = 0;                                                    \
        (r)->nr_ents = XEN_RING_NR_ENTS(s, area_bytes);                       \
        (r)->sring = (s);                                                     \
    } while (0)

/* Slot of index idx, as a request or a response. */
#define XEN_RING_REQ(r, idx) (&(r)->sring->ring[xen_ring_slot((idx), (r)->nr_ents)].req)
#define XEN_RING_RSP(r, idx) (&(r)->sring->ring[xen_ring_slot((idx), (r)->nr_ents)].rsp)

/* Front end: slots free for new requests. */
#define XEN_RING_FREE_REQUESTS(r) \
    ((r)->nr_ents - ((r)->req_prod_pvt - (r)->rsp_cons))

/* Front end: responses published but not yet consumed. */
#define XEN_RING_UNCONSUMED_RESPONSES(r) \
    ((uint32_t)(xen_ring_read_idx(&(r)->sring->rsp_prod) - (r)->rsp_cons))

/* Back end: requests it may consume now (bounded, see above). */
#define XEN_RING_UNCONSUMED_REQUESTS(r)                                       \
    xen_ring_requests_available(xen_ring_read_idx(&(r)->sring->req_prod),     \
                                (r)->req_cons, (r)->rsp_prod_pvt, (r)->nr_ents)

/* Back end: true if consuming index cons would overrun unanswered slots. */
#define XEN_RING_REQUEST_OVERFLOW(r, cons) \
    ((uint32_t)((cons) - (r)->rsp_prod_pvt) >= (r)->nr_ents)

/* Front end: publish req_prod_pvt; notify = whether to kick the back end. */
#define XEN_RING_PUSH_REQUESTS(r, notify) do {                                \
        xen_ring_idx_t xen_old_ = (r)->sring->req_prod;                       \
        xen_ring_idx_t xen_new_ = (r)->req_prod_pvt;                          \
        xen_ring_wmb();                                                       \
        __atomic_store_n(&(r)->sring->req_prod, xen_new_, __ATOMIC_RELAXED);  \
        xen_ring_mb();                                                        \
        (notify) = xen_ring_need_notify(xen_old_, xen_new_,                   \
                       xen_ring_read_idx(&(r)->sring->req_event));            \
    } while (0)

/* Back end: publish rsp_prod_pvt; notify = whether to kick the front end. */
#define XEN_RING_PUSH_RESPONSES(r, notify) do {                               \
        xen_ring_idx_t xen_old_ = (r)->sring->rsp_prod;                       \
        xen_ring_idx_t xen_new_ = (r)->rsp_prod_pvt;                          \
        xen_ring_wmb();                                                       \
        __atomic_store_n(&(r)->sring->rsp_prod, xen_new_, __ATOMIC_RELAXED);  \
        xen_ring_mb();                                                        \
        (notify) = xen_ring_need_notify(xen_old_, xen_new_,                   \
                       xen_ring_read_idx(&(r)->sring->rsp_event));            \
    } while (0)

/*
 * Back end, before sleeping: more = requests left.  If none, re-arm
 * req_event and look again, so a request published meanwhile is seen.
 */
#define XEN_RING_FINAL_CHECK_REQUESTS(r, more) do {                           \
        (more) = XEN_RING_UNCONSUMED_REQUESTS(r);                             \
        if (!(more)) {                                                        \
            __atomic_store_n(&(r)->sring->req_event, (r)->req_cons + 1,       \
                             __ATOMIC_RELAXED);                               \
            xen_ring_mb();                                                    \
            (more) = XEN_RING_UNCONSUMED_REQUESTS(r);                         \
        }                                                                     \
    } while (0)

/* Front end, before sleeping: the same for responses. */
#define XEN_RING_FINAL_CHECK_RESPONSES(r, more) do {                          \
        (more) = XEN_RING_UNCONSUMED_RESPONSES(r);                            \
        if (!(more)) {                                                        \
            __atomic_store_n(&(r)->sring->rsp_event, (r)->rsp_cons + 1,       \
                             __ATOMIC_RELAXED);                               \
            xen_ring_mb();                                                    \
            (more) = XEN_RING_UNCONSUMED_RESPONSES(r);                        \
        }                                                                     \
    } while (0)

#endif /* XEN_PUBLIC_IO_RING_H */
