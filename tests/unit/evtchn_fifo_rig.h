/*
 * A test rig for lib/evtchn_fifo.c, shared by tests/unit/test_evtchn_fifo.c
 * and tests/fuzz/fuzz_evtchn_fifo.c: one vCPU's control block, a two-page
 * event array (ports 0-2047) and the hypervisor's per-port state, driven by
 * the same operations as a plain reference model:
 *
 *   each port is pending, masked and linked or not; a linked port sits in
 *   exactly one of 16 FIFO lists (the priority it had when linked).  raise
 *   sets pending and, if unmasked and unlinked, appends it to the list of its
 *   priority; the guest takes the front of the most urgent non-empty list,
 *   unlinks it and delivers it if it is pending and unmasked.
 *
 * After every operation the PENDING/MASKED/LINKED bits of every word must
 * equal the model's, and the guest must take the model's port.  Guest
 * scribbling (any value in any word or control-block field) leaves the
 * model behind: rig->wild is then set and only safety is checked.
 */
#ifndef TEST_EVTCHN_FIFO_RIG_H
#define TEST_EVTCHN_FIFO_RIG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <xl/evtchn_fifo.h>

#define RIG_PAGES 2
#define RIG_PORTS (RIG_PAGES * EVTCHN_FIFO_WORDS_PER_PAGE)
#define RIG_QUEUES EVTCHN_FIFO_MAX_QUEUES
#define RIG_BIT(n) (1u << (n))

struct rig {
    /* the library's world */
    struct evtchn_fifo_array array;
    event_word_t *pages[RIG_PAGES];             /* separate allocations (ASan) */
    struct evtchn_fifo_control_block *cb;
    struct evtchn_fifo_queue q[RIG_QUEUES];
    uint8_t prio[RIG_PORTS], last[RIG_PORTS];   /* the hypervisor's per-port state */
    uint32_t heads[RIG_QUEUES], ready;          /* the guest's */
    unsigned int notifies;
    bool wild;
    /* the model */
    bool pending[RIG_PORTS], masked[RIG_PORTS], linked[RIG_PORTS];
    uint16_t list[RIG_QUEUES][RIG_PORTS];
    unsigned int len[RIG_QUEUES];
};

/* Set up r with its pages and control block (allocated by the caller). */
static inline void rig_init(struct rig *r, event_word_t *page0, event_word_t *page1,
                            struct evtchn_fifo_control_block *cb)
{
    memset(r, 0, sizeof(*r));
    memset(page0, 0, EVTCHN_FIFO_WORDS_PER_PAGE * sizeof(event_word_t));
    memset(page1, 0, EVTCHN_FIFO_WORDS_PER_PAGE * sizeof(event_word_t));
    memset(cb, 0, sizeof(*cb));
    r->pages[0] = page0;
    r->pages[1] = page1;
    r->array.page[0] = page0;
    r->array.page[1] = page1;
    r->array.nr_ports = RIG_PORTS;
    r->cb = cb;
    for (unsigned int i = 0; i < RIG_QUEUES; i++) {
        r->q[i].head = &cb->head[i];
        r->q[i].priority = (uint8_t)i;
    }
    for (unsigned int p = 0; p < RIG_PORTS; p++)
        r->prio[p] = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

static inline event_word_t *rig_word(struct rig *r, unsigned int port)
{
    return evtchn_fifo_word(&r->array, port);
}

static inline void model_raise(struct rig *r, unsigned int port)
{
    r->pending[port] = true;
    if (!r->masked[port] && !r->linked[port]) {
        unsigned int q = r->prio[port];
        r->linked[port] = true;
        r->list[q][r->len[q]++] = (uint16_t)port;
    }
}

/*
 * The hypervisor raises port (any number): returns the library's
 * EVTCHN_FIFO_* bits; the model follows for ports that have a word.
 */
static inline unsigned int rig_raise(struct rig *r, unsigned int port)
{
    unsigned int res;

    if (port >= RIG_PORTS)
        return evtchn_fifo_raise(&r->array, port, &r->q[0], &r->q[0], &r->cb->ready);
    res = evtchn_fifo_raise(&r->array, port, &r->q[r->prio[port]], &r->q[r->last[port]],
                            &r->cb->ready);
    if (res & EVTCHN_FIFO_MOVED)
        r->last[port] = r->prio[port];
    if (res & EVTCHN_FIFO_NOTIFY)
        r->notifies++;
    model_raise(r, port);
    return res;
}

/* The guest sets MASKED. */
static inline void rig_mask(struct rig *r, unsigned int port)
{
    evtchn_fifo_test_and_set(rig_word(r, port), EVTCHN_FIFO_MASKED);
    r->masked[port] = true;
}

/* EVTCHNOP_unmask as the hypervisor does it: clear MASKED, relink if pending. */
static inline void rig_unmask(struct rig *r, unsigned int port)
{
    evtchn_fifo_test_and_clear(rig_word(r, port), EVTCHN_FIFO_MASKED);
    r->masked[port] = false;
    if (evtchn_fifo_test(rig_word(r, port), EVTCHN_FIFO_PENDING))
        rig_raise(r, port);
}

/* PENDING cleared (the guest, or the hypervisor closing the port). */
static inline void rig_clear(struct rig *r, unsigned int port)
{
    evtchn_fifo_test_and_clear(rig_word(r, port), EVTCHN_FIFO_PENDING);
    r->pending[port] = false;
}

/* The model's next delivery, unlinking as it goes; -1 when every list is empty. */
static inline int model_next(struct rig *r)
{
    for (unsigned int q = 0; q < RIG_QUEUES; q++) {
        while (r->len[q]) {
            unsigned int port = r->list[q][0];
            memmove(&r->list[q][0], &r->list[q][1], --r->len[q] * sizeof(r->list[q][0]));
            r->linked[port] = false;
            if (r->pending[port] && !r->masked[port])
                return (int)port;
        }
    }
    return -1;
}

/* One guest step: the library's next port (and the model's, through *want). */
static inline int rig_next(struct rig *r, int *want)
{
    int got = evtchn_fifo_next(&r->array, r->cb, r->heads, &r->ready);

    *want = r->wild ? got : model_next(r);
    if (got >= 0 && (unsigned int)got < RIG_PORTS) {
        evtchn_fifo_test_and_clear(rig_word(r, (unsigned int)got), EVTCHN_FIFO_PENDING);
        r->pending[got] = false;
    }
    return got;
}

/* The first port whose word disagrees with the model, or -1. */
static inline int rig_mismatch(struct rig *r)
{
    if (r->wild)
        return -1;
    for (unsigned int p = 0; p < RIG_PORTS; p++) {
        event_word_t w = *rig_word(r, p);
        if (!!(w & RIG_BIT(EVTCHN_FIFO_PENDING)) != r->pending[p] ||
            !!(w & RIG_BIT(EVTCHN_FIFO_MASKED)) != r->masked[p] ||
            !!(w & RIG_BIT(EVTCHN_FIFO_LINKED)) != r->linked[p] ||
            (w & RIG_BIT(EVTCHN_FIFO_BUSY)))
            return (int)p;
    }
    return -1;
}

#endif /* TEST_EVTCHN_FIFO_RIG_H */
