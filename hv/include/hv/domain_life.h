/*
 * The lifetime rules of a domain, kept apart from its contents so the host
 * unit tests can drive them (tests/unit/test_domain_life.c).
 *
 * A domain is ALIVE from creation until something starts destroying it
 * (XEN_DOMCTL_destroydomain); DYING while destruction gives its resources
 * back, which may take several hypercall continuations; DEAD once nothing
 * of it is left but frames that others still reference (a grant mapping
 * keeps the granter's frame) and the object itself. A lookup (domain_get)
 * succeeds only while it is alive and takes a reference; the control
 * interface's destroy also finds dying and dead domains (life_get_any), as
 * Xen's domctl does. The domain table holds one reference of its own,
 * dropped when the dead domain's last frame is gone, so the object is
 * freed by whoever drops the last one.
 *
 * Pausing is a count: every reason to keep the domain off the CPU (the
 * control interface, later the toolstack or destruction) adds one, and the
 * domain may run only while the count is zero.
 */
#ifndef HV_DOMAIN_LIFE_H
#define HV_DOMAIN_LIFE_H
#include <stdbool.h>
#include <stdint.h>

enum domain_state { DOMAIN_ALIVE, DOMAIN_DYING, DOMAIN_DEAD };

struct domain_life {
    uint32_t refcnt;                 /* lookups holding it, plus the domain table's one */
    uint32_t pause_count;            /* reasons it may not run; 0 = may run */
    uint8_t state;                   /* enum domain_state */
};

#define DOMAIN_REF_MAX   0x7fffffffu /* a reference count never passes this */
#define DOMAIN_PAUSE_MAX 0xffffu     /* nor a pause count this */

/* A new domain: alive, unpaused, one reference (the domain table's). */
void life_init(struct domain_life *l);
/* Take a reference for a lookup: false if the domain is dying (or the count is full). */
bool life_get(struct domain_life *l);
/* Drop a reference: true if it was the last one (the caller frees the domain). */
bool life_put(struct domain_life *l);
/* Take a reference whatever the state (destroy finds dying domains): false once freed. */
bool life_get_any(struct domain_life *l);
/* Start destruction: alive -> dying; false if it was dying already. */
bool life_kill(struct domain_life *l);
/* Destruction has given everything back: dying -> dead; false from any other state. */
bool life_dead(struct domain_life *l);
/* Add a reason to stay paused: false (and no change) if the count is full. */
bool life_pause(struct domain_life *l);
/* Remove one: false (and no change) if the domain was not paused. */
bool life_unpause(struct domain_life *l);

static inline bool life_alive(const struct domain_life *l)
{
    return l->state == DOMAIN_ALIVE;
}

static inline bool life_is_dead(const struct domain_life *l)
{
    return l->state == DOMAIN_DEAD;
}

static inline bool life_paused(const struct domain_life *l)
{
    return l->pause_count != 0;
}

#endif
