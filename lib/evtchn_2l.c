/*
 * 2-level event channels (see xl/evtchn_2l.h).  The order of the atomic
 * steps is the ABI: a guest racing with us must never see a pending,
 * unmasked port whose selector bit and upcall flag are both clear.
 */
#include <xl/evtchn_2l.h>
#include <xen/xen.h>

_Static_assert(EVTCHN_2L_NR_PORTS == NR_EVENT_CHANNELS, "2-level port count is the ABI's");

static uint64_t bit(unsigned int port)
{
    return 1ull << (port % EVTCHN_2L_WORD_BITS);
}

static unsigned int word(unsigned int port)
{
    return port / EVTCHN_2L_WORD_BITS;
}

/* Atomically set bit b in *w; true if it was already set. */
static bool test_and_set(uint64_t *w, uint64_t b)
{
    return __atomic_fetch_or(w, b, __ATOMIC_SEQ_CST) & b;
}

/* Atomically clear bit b in *w; true if it was set. */
static bool test_and_clear(uint64_t *w, uint64_t b)
{
    return __atomic_fetch_and(w, ~b, __ATOMIC_SEQ_CST) & b;
}

static bool test(const uint64_t *w, uint64_t b)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & b;
}

/* Xen's vcpu_mark_events_pending(): true when the flag was newly raised. */
static bool mark_upcall(const struct evtchn_2l *e, unsigned int port)
{
    if (test_and_set(e->pending_sel, bit(word(port))))
        return false;
    return __atomic_exchange_n(e->upcall_pending, 1, __ATOMIC_SEQ_CST) == 0;
}

/* See evtchn_2l.h. */
bool evtchn_2l_set_pending(const struct evtchn_2l *e, unsigned int port)
{
    if (port >= EVTCHN_2L_NR_PORTS)
        return false;
    if (test_and_set(&e->pending[word(port)], bit(port)))
        return false;
    if (test(&e->mask[word(port)], bit(port)))
        return false;
    return mark_upcall(e, port);
}

/* See evtchn_2l.h. */
void evtchn_2l_clear_pending(const struct evtchn_2l *e, unsigned int port)
{
    if (port < EVTCHN_2L_NR_PORTS)
        test_and_clear(&e->pending[word(port)], bit(port));
}

/* See evtchn_2l.h. */
bool evtchn_2l_is_pending(const struct evtchn_2l *e, unsigned int port)
{
    return port < EVTCHN_2L_NR_PORTS && test(&e->pending[word(port)], bit(port));
}

/* See evtchn_2l.h. */
bool evtchn_2l_is_masked(const struct evtchn_2l *e, unsigned int port)
{
    return port >= EVTCHN_2L_NR_PORTS || test(&e->mask[word(port)], bit(port));
}

/* See evtchn_2l.h. */
void evtchn_2l_mask(const struct evtchn_2l *e, unsigned int port)
{
    if (port < EVTCHN_2L_NR_PORTS)
        test_and_set(&e->mask[word(port)], bit(port));
}

/* See evtchn_2l.h. */
bool evtchn_2l_unmask(const struct evtchn_2l *e, unsigned int port)
{
    if (port >= EVTCHN_2L_NR_PORTS)
        return false;
    if (!test_and_clear(&e->mask[word(port)], bit(port)))
        return false;
    if (!test(&e->pending[word(port)], bit(port)))
        return false;
    return mark_upcall(e, port);
}

/* See evtchn_2l.h. */
int evtchn_2l_next_pending(const uint64_t *pending, const uint64_t *mask,
                           uint64_t *sel, unsigned int *cursor)
{
    unsigned int start = *cursor % EVTCHN_2L_NR_PORTS;

    /* Visit words starting with the cursor's; the cursor's own word is
     * visited twice: first from the cursor bit up, last from bit 0 up. */
    for (unsigned int i = 0; i <= EVTCHN_2L_NR_WORDS; i++) {
        unsigned int w = (word(start) + i) % EVTCHN_2L_NR_WORDS;
        if (!(*sel & (1ull << w)))
            continue;

        uint64_t live = __atomic_load_n(&pending[w], __ATOMIC_SEQ_CST) &
                        ~__atomic_load_n(&mask[w], __ATOMIC_SEQ_CST);
        uint64_t from_cursor = live;
        if (i == 0)
            from_cursor &= ~0ull << (start % EVTCHN_2L_WORD_BITS);
        if (from_cursor) {
            unsigned int port = w * EVTCHN_2L_WORD_BITS +
                                (unsigned int)__builtin_ctzll(from_cursor);
            *cursor = (port + 1) % EVTCHN_2L_NR_PORTS;
            return (int)port;
        }
        /* Nothing here from the cursor on; drop the selector bit only when
         * the whole word is empty, so bits below the cursor are not lost. */
        if (!live)
            *sel &= ~(1ull << w);
    }
    return -1;
}
