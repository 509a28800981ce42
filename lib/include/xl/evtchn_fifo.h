/*
 * The FIFO event-channel mechanism as pure functions over guest memory,
 * shared by the hypervisor (raising events), the os/ library (consuming
 * them) and the host tests.
 *
 * State (Xen's public event_channel.h):
 *   event array   one 32-bit word per port in guest pages of 1024 words:
 *                 PENDING (bit 31), MASKED (30), LINKED (29), BUSY (28),
 *                 LINK (bits 0-16: the next port of the same queue)
 *   control block per vCPU: READY (bit q set: queue q has events) and
 *                 HEAD[q] (first port of queue q), 16 queues, 0 the most
 *                 urgent.
 * Each queue's tail is the hypervisor's own (struct evtchn_fifo_queue).
 * The guest words change under our feet: every step on them is one atomic
 * access (GCC __atomic builtins, sequentially consistent), and a value read
 * from them is data, never an index the hypervisor trusts.
 */
#ifndef XL_EVTCHN_FIFO_H
#define XL_EVTCHN_FIFO_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/event_channel.h>

#define EVTCHN_FIFO_WORDS_PER_PAGE  1024u
#define EVTCHN_FIFO_MAX_PAGES       (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)  /* 128 */

/* The event array as mapped so far: pages 0..nr_ports/1024-1. */
struct evtchn_fifo_array {
    event_word_t *page[EVTCHN_FIFO_MAX_PAGES];
    unsigned int nr_ports;      /* 1024 x pages added */
};

/* One queue of one vCPU (Xen's struct evtchn_fifo_queue, without the lock). */
struct evtchn_fifo_queue {
    uint32_t *head;             /* &control_block->head[priority], guest memory */
    uint32_t tail;              /* last port linked on it; 0: none */
    uint8_t priority;
};

/* The word of port, or NULL when its array page has not been added. */
event_word_t *evtchn_fifo_word(const struct evtchn_fifo_array *a, unsigned int port);

/* Results of evtchn_fifo_raise, or-ed. */
#define EVTCHN_FIFO_NEWLY_PENDING   1u  /* PENDING went from 0 to 1 (wake pollers) */
#define EVTCHN_FIFO_MOVED           2u  /* linked on q, not old_q: q is now its last queue */
#define EVTCHN_FIFO_NOTIFY          4u  /* READY bit of q newly set: mark the vCPU's upcall */

/*
 * Raise port (Xen's evtchn_fifo_set_pending once the queues are locked):
 * set PENDING; if the port is unmasked and was not LINKED, link it at the
 * tail of q (or make it q's head when q was empty) and set q's READY bit.
 * old_q is the queue the port was last linked on (may be q); its tail is
 * forgotten when it is this port.  The port must have a word; q->head and
 * ready must point into a mapped control block.  Returns EVTCHN_FIFO_* bits.
 */
unsigned int evtchn_fifo_raise(const struct evtchn_fifo_array *a, unsigned int port,
                               struct evtchn_fifo_queue *q, struct evtchn_fifo_queue *old_q,
                               uint32_t *ready);

/*
 * Link the LINKED word at *word to port `link` (Xen's evtchn_fifo_set_link):
 * 1 when linked, 0 when the word is no longer LINKED (the guest consumed
 * it: the caller makes port a new head).  A guest that keeps changing the
 * word is fenced off with BUSY and given four more tries; after that the
 * event is treated as linked (it is lost, as on Xen).
 */
int evtchn_fifo_set_link(event_word_t *word, unsigned int link);

/* Bit operations on one word (guest or hypervisor side). */
bool evtchn_fifo_test(const event_word_t *word, unsigned int bit);
bool evtchn_fifo_test_and_set(event_word_t *word, unsigned int bit);
bool evtchn_fifo_test_and_clear(event_word_t *word, unsigned int bit);

/*
 * Guest side: the next deliverable event.  heads[16] are the guest's own
 * queue heads (0: read the control block's), *ready its private READY set;
 * both start at 0.  Takes the control block's READY bits, unlinks the head
 * of the most urgent ready queue (clearing LINKED and LINK) and returns it
 * when it is pending and unmasked; an unlinked event that is not is skipped.
 * Returns -1 when every queue is empty.  The caller clears PENDING before
 * handling the port.
 */
int evtchn_fifo_next(const struct evtchn_fifo_array *a, struct evtchn_fifo_control_block *cb,
                     uint32_t heads[EVTCHN_FIFO_MAX_QUEUES], uint32_t *ready);

#endif /* XL_EVTCHN_FIFO_H */
