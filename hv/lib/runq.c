/* A CPU's run queue (hv/runq.h): a circular doubly-linked list through a head node. */
#include <hv/runq.h>

/* See runq.h. */
void runq_init(struct runq *q)
{
    q->head.next = q->head.prev = &q->head;
    q->nr = 0;
}

/* Link n in before `before`. */
static void link_before(struct runq *q, struct runq_node *before, struct runq_node *n)
{
    n->next = before;
    n->prev = before->prev;
    before->prev->next = n;
    before->prev = n;
    q->nr++;
}

/* The first node of a lower priority than pri (a larger number), or the head. */
static struct runq_node *first_below(struct runq *q, uint8_t pri)
{
    struct runq_node *at = q->head.next;

    while (at != &q->head && at->pri <= pri)
        at = at->next;
    return at;
}

/* See runq.h. From the head, as Xen's: a yielded node never holds others back. */
void runq_insert(struct runq *q, struct runq_node *n)
{
    n->yielded = false;
    link_before(q, first_below(q, n->pri), n);
}

/* See runq.h. */
void runq_insert_yield(struct runq *q, struct runq_node *n)
{
    struct runq_node *at = first_below(q, n->pri);

    n->yielded = at != &q->head;
    if (n->yielded)
        at = at->next;
    link_before(q, at, n);
}

/* See runq.h. */
void runq_remove(struct runq *q, struct runq_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = 0;
    n->yielded = false;
    q->nr--;
}

/* See runq.h. Re-inserting from the head keeps arrival order within a priority. */
void runq_sort(struct runq *q)
{
    struct runq_node *n = q->head.next, *next;
    unsigned int nr = q->nr;

    runq_init(q);
    for (unsigned int i = 0; i < nr; i++, n = next) {
        next = n->next;
        runq_insert(q, n);
    }
}

/* See runq.h. */
struct runq_node *runq_find(const struct runq *q, uint8_t below,
                            bool (*can_take)(const struct runq_node *n, void *ctx), void *ctx)
{
    for (struct runq_node *n = q->head.next; n != &q->head && n->pri < below; n = n->next)
        if (can_take(n, ctx))
            return n;
    return 0;
}

/* See runq.h. */
bool runq_check(const struct runq *q)
{
    const struct runq_node *n = &q->head;
    unsigned int count = 0;

    do {
        if (!n->next || n->next->prev != n)
            return false;
        if (n != &q->head && n->next != &q->head && n->pri > n->next->pri && !n->next->yielded)
            return false;
        n = n->next;
        if (n != &q->head && ++count > q->nr)
            return false;
    } while (n != &q->head);
    return count == q->nr;
}
