/*
 * Domain lifetime rules: references, the dying state, the pause count
 * (hv/domain_life.h). Every change is one compare-exchange, so CPUs taking
 * and dropping references, pausing or killing the same domain at once never
 * lose an update (Xen's atomic_t refcnt and pause_count).
 */
#include <stddef.h>
#include <hv/domain_life.h>

void life_init(struct domain_life *l)
{
    l->refcnt = 1;
    l->pause_count = 0;
    l->state = DOMAIN_ALIVE;
}

/* Add `delta` to *v unless it is outside [lo, hi) first: true if added (the new value in *now). */
static bool add_in_range(uint32_t *v, int delta, uint32_t lo, uint32_t hi, uint32_t *now)
{
    uint32_t old = __atomic_load_n(v, __ATOMIC_RELAXED);

    do {
        if (old < lo || old >= hi)
            return false;
    } while (!__atomic_compare_exchange_n(v, &old, old + (uint32_t)delta, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    if (now)
        *now = old + (uint32_t)delta;
    return true;
}

bool life_get(struct domain_life *l)
{
    if (__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) != DOMAIN_ALIVE)
        return false;
    return add_in_range(&l->refcnt, 1, 1, DOMAIN_REF_MAX, NULL);
}

bool life_get_any(struct domain_life *l)
{
    return add_in_range(&l->refcnt, 1, 1, DOMAIN_REF_MAX, NULL);
}

bool life_put(struct domain_life *l)
{
    uint32_t now;

    /* An unbalanced put (count 0) does nothing: never free twice. Only the put that reached 0 frees. */
    return add_in_range(&l->refcnt, -1, 1, UINT32_MAX, &now) && now == 0;
}

static bool change_state(struct domain_life *l, uint8_t from, uint8_t to)
{
    uint8_t old = from;

    return __atomic_compare_exchange_n(&l->state, &old, to, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_RELAXED);
}

bool life_kill(struct domain_life *l)
{
    return change_state(l, DOMAIN_ALIVE, DOMAIN_DYING);
}

bool life_dead(struct domain_life *l)
{
    return change_state(l, DOMAIN_DYING, DOMAIN_DEAD);
}

bool life_pause(struct domain_life *l)
{
    return add_in_range(&l->pause_count, 1, 0, DOMAIN_PAUSE_MAX, NULL);
}

bool life_unpause(struct domain_life *l)
{
    return add_in_range(&l->pause_count, -1, 1, UINT32_MAX, NULL);
}
