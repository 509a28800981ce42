/*
 * Grace periods (hv/grace_period.h): tickets, each CPU's last quiescent
 * point, and the queue of deferred frees.
 *
 * Why the orderings are enough:
 *  - a CPU whose `seen` reaches T loaded `latest` >= T first (acquire), so
 *    the writer's unpublishing, done before it drew T, is visible to every
 *    read that CPU makes afterwards; what it read before, it stopped using
 *    before storing `seen` (release), which the free's check loads (acquire);
 *  - `idle` is the same promise for as long as it stays set; leaving idle
 *    is a store followed by a full fence, so a CPU that a check saw idle
 *    reads nothing published before that check once it wakes;
 *  - every CPU that makes its state count (a new `seen`, going idle) then
 *    fences and checks (a store-then-load on both sides), so of two CPUs
 *    doing that at once at least one sees the other: the last one to count
 *    always finds the grace period over, and nobody waits for an idle CPU.
 */
#include <stddef.h>
#include <hv/grace_period.h>

void gp_init(struct grace_period *g, unsigned int level)
{
    g->latest = 0;
    g->oldest = 0;
    spin_lock_init(&g->lock, (enum lock_level)level, "grace_lock");
    g->head = NULL;
    g->tail = &g->head;
    for (unsigned int i = 0; i < GP_MAX_CPUS; i++) {
        g->cpu[i].seen = 0;
        g->cpu[i].idle = 0;
    }
}

uint64_t gp_defer(struct grace_period *g, struct gp_head *h, void (*fn)(struct gp_head *))
{
    uint64_t ticket;

    h->fn = fn;
    h->next = NULL;
    spin_lock(&g->lock);
    /* Drawn under the lock, so the queue stays in ticket order; a full barrier after the unpublish. */
    ticket = __atomic_add_fetch(&g->latest, 1, __ATOMIC_SEQ_CST);
    h->ticket = ticket;
    *g->tail = h;
    g->tail = &h->next;
    if (!g->oldest)
        __atomic_store_n(&g->oldest, ticket, __ATOMIC_RELEASE);
    spin_unlock(&g->lock);
    return ticket;
}

uint64_t gp_completed(const struct grace_period *g, uint64_t online)
{
    /* `latest` first: a CPU seen idle after this load holds nothing unpublished before it. */
    uint64_t done = __atomic_load_n(&g->latest, __ATOMIC_SEQ_CST);

    for (unsigned int i = 0; i < GP_MAX_CPUS; i++) {
        uint64_t seen;

        if (!(online & (1ULL << i)) || __atomic_load_n(&g->cpu[i].idle, __ATOMIC_SEQ_CST))
            continue;
        seen = __atomic_load_n(&g->cpu[i].seen, __ATOMIC_ACQUIRE);
        if (seen < done)
            done = seen;
    }
    return done;
}

/* Is the oldest queued free's grace period over? */
static bool ready(const struct grace_period *g, uint64_t online)
{
    uint64_t oldest = __atomic_load_n(&g->oldest, __ATOMIC_ACQUIRE);

    return oldest && gp_completed(g, online) >= oldest;
}

/* Record that `cpu` has seen every ticket drawn so far; false if nothing new was drawn. */
static bool note_seen(struct grace_period *g, unsigned int cpu)
{
    uint64_t latest = __atomic_load_n(&g->latest, __ATOMIC_ACQUIRE);

    if (g->cpu[cpu].seen == latest)      /* only this CPU writes its `seen` */
        return false;
    __atomic_store_n(&g->cpu[cpu].seen, latest, __ATOMIC_RELEASE);
    return true;
}

bool gp_quiescent(struct grace_period *g, unsigned int cpu, uint64_t online)
{
    if (!note_seen(g, cpu))
        return false;                    /* it counted already, and checked then */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return ready(g, online);
}

bool gp_idle_enter(struct grace_period *g, unsigned int cpu, uint64_t online)
{
    note_seen(g, cpu);
    __atomic_store_n(&g->cpu[cpu].idle, 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return ready(g, online);
}

void gp_idle_exit(struct grace_period *g, unsigned int cpu)
{
    __atomic_store_n(&g->cpu[cpu].idle, 0, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);        /* before any read of a published pointer */
}

bool gp_holds_up(const struct grace_period *g, unsigned int cpu, uint64_t ticket)
{
    return !__atomic_load_n(&g->cpu[cpu].idle, __ATOMIC_SEQ_CST) &&
           __atomic_load_n(&g->cpu[cpu].seen, __ATOMIC_ACQUIRE) < ticket;
}

unsigned int gp_run_ready(struct grace_period *g, uint64_t online)
{
    uint64_t done = gp_completed(g, online);
    struct gp_head *list, **end = &list, *h;
    unsigned int n = 0;

    spin_lock(&g->lock);
    list = g->head;
    while (*end && (*end)->ticket <= done)
        end = &(*end)->next;
    g->head = *end;                      /* what is left waits for a later grace period */
    if (!g->head)
        g->tail = &g->head;
    *end = NULL;
    __atomic_store_n(&g->oldest, g->head ? g->head->ticket : 0, __ATOMIC_RELEASE);
    spin_unlock(&g->lock);
    for (h = list; h; n++) {
        struct gp_head *next = h->next;  /* fn frees h */

        h->fn(h);
        h = next;
    }
    return n;
}
