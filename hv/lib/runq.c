/* A CPU's run queue (hv/runq.h): a circular doubly-linked list through a head node. */
#include <hv/runq.h>

/* See runq.h. */
void runq_init(struct runq *q)
{
    q->head.next = q->head.prev = &q->head;
    q->nr = 0;
}

/* See runq.h. */
void runq_insert(struct runq *q, struct runq_node *n)
{
    struct runq_node *after = q->head.prev;

    /* From the tail: the common case (NORMAL behind NORMAL) stops at once. */
    while (after != &q->head && after->pri > n->pri)
        after = after->prev;
    n->prev = after;
    n->next = after->next;
    after->next->prev = n;
    after->next = n;
    q->nr++;
}

/* See runq.h. */
void runq_remove(struct runq *q, struct runq_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = 0;
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
bool runq_check(const struct runq *q)
{
    const struct runq_node *n = &q->head;
    unsigned int count = 0;

    do {
        if (!n->next || n->next->prev != n)
            return false;
        if (n != &q->head && n->next != &q->head && n->pri > n->next->pri)
            return false;
        n = n->next;
        if (n != &q->head && ++count > q->nr)
            return false;
    } while (n != &q->head);
    return count == q->nr;
}
