/*
 * FIFO event channels (see xl/evtchn_fifo.h).  The order of the atomic
 * steps is the ABI shared with a guest running concurrently: PENDING before
 * LINKED, the link or head written before READY, READY before the upcall.
 */
#include <xl/evtchn_fifo.h>

_Static_assert(EVTCHN_FIFO_MAX_PAGES == 128, "2^17 ports in pages of 1024 words");

#define BIT(n) (1u << (n))

/* See evtchn_fifo.h. */
event_word_t *evtchn_fifo_word(const struct evtchn_fifo_array *a, unsigned int port)
{
    if (port >= a->nr_ports)
        return 0;
    return a->page[port / EVTCHN_FIFO_WORDS_PER_PAGE] + port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

/* See evtchn_fifo.h. */
bool evtchn_fifo_test(const event_word_t *word, unsigned int bit)
{
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & BIT(bit);
}

/* See evtchn_fifo.h. */
bool evtchn_fifo_test_and_set(event_word_t *word, unsigned int bit)
{
    return __atomic_fetch_or(word, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

/* See evtchn_fifo.h. */
bool evtchn_fifo_test_and_clear(event_word_t *word, unsigned int bit)
{
    return __atomic_fetch_and(word, ~BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

/* One attempt: 1 linked, 0 not LINKED any more, -1 the word changed (w reloaded). */
static int try_link(event_word_t *word, event_word_t *w, unsigned int link)
{
    event_word_t new;

    if (!(*w & BIT(EVTCHN_FIFO_LINKED)))
        return 0;
    new = (*w & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    return __atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST) ? 1 : -1;
}

/* See evtchn_fifo.h. */
int evtchn_fifo_set_link(event_word_t *word, unsigned int link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    int rc = try_link(word, &w, link);

    if (rc >= 0)
        return rc;
    /*
     * While LINKED the guest may only set or clear MASKED, clear PENDING and
     * clear LINKED; BUSY stops it unmasking, so at most four more changes
     * can race with us.  A successful link clears BUSY with the same store.
     */
    evtchn_fifo_test_and_set(word, EVTCHN_FIFO_BUSY);
    w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (unsigned int try = 0; try < 4; try++) {
        rc = try_link(word, &w, link);
        if (rc == 1)
            return 1;
        if (rc == 0) {
            evtchn_fifo_test_and_clear(word, EVTCHN_FIFO_BUSY);
            return 0;
        }
    }
    evtchn_fifo_test_and_clear(word, EVTCHN_FIFO_BUSY);
    return 1;
}

/* See evtchn_fifo.h. */
unsigned int evtchn_fifo_raise(const struct evtchn_fifo_array *a, unsigned int port,
                               struct evtchn_fifo_queue *q, struct evtchn_fifo_queue *old_q,
                               uint32_t *ready)
{
    event_word_t *word = evtchn_fifo_word(a, port);
    unsigned int res = 0;
    bool linked = true;

    if (!word)
        return 0;
    if (!evtchn_fifo_test_and_set(word, EVTCHN_FIFO_PENDING))
        res |= EVTCHN_FIFO_NEWLY_PENDING;
    if (!evtchn_fifo_test(word, EVTCHN_FIFO_MASKED) &&
        !evtchn_fifo_test_and_set(word, EVTCHN_FIFO_LINKED)) {
        /* It was the old queue's tail: that queue is empty now, forget it. */
        if (old_q->tail == port)
            old_q->tail = 0;
        if (old_q != q)
            res |= EVTCHN_FIFO_MOVED;
        /*
         * Append behind the tail if the tail is still LINKED; otherwise the
         * guest has emptied the queue and port becomes its head.  port may
         * be q's stale tail itself (just re-LINKED above): clear it first.
         */
        if (q->tail == port)
            q->tail = 0;
        linked = false;
        if (q->tail) {
            event_word_t *tail = evtchn_fifo_word(a, q->tail);
            linked = tail && evtchn_fifo_set_link(tail, port) == 1;
        }
        if (!linked)
            __atomic_store_n(q->head, port, __ATOMIC_SEQ_CST);
        q->tail = port;
    }
    if (!linked && !evtchn_fifo_test_and_set(ready, q->priority))
        res |= EVTCHN_FIFO_NOTIFY;
    return res;
}

/* Clear LINKED and LINK in one step; the old LINK. */
static unsigned int clear_linked(event_word_t *word)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);

    while (!__atomic_compare_exchange_n(word, &w,
                                        w & ~(BIT(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
                                        false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return w & EVTCHN_FIFO_LINK_MASK;
}

/* See evtchn_fifo.h. */
int evtchn_fifo_next(const struct evtchn_fifo_array *a, struct evtchn_fifo_control_block *cb,
                     uint32_t heads[EVTCHN_FIFO_MAX_QUEUES], uint32_t *ready)
{
    for (;;) {
        unsigned int prio, port, next;
        event_word_t *word;

        *ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
        *ready &= BIT(EVTCHN_FIFO_MAX_QUEUES) - 1;
        if (!*ready)
            return -1;
        prio = (unsigned int)__builtin_ctz(*ready);
        port = heads[prio];
        if (!port)
            port = __atomic_load_n(&cb->head[prio], __ATOMIC_SEQ_CST);
        word = port ? evtchn_fifo_word(a, port) : 0;
        if (!word) {
            heads[prio] = 0;
            *ready &= ~BIT(prio);
            continue;
        }
        next = clear_linked(word);
        heads[prio] = next;
        if (!next)
            *ready &= ~BIT(prio);
        if (evtchn_fifo_test(word, EVTCHN_FIFO_PENDING) &&
            !evtchn_fifo_test(word, EVTCHN_FIFO_MASKED))
            return (int)port;
    }
}
