/*
 * The per-CPU timer heap (hv/timer.h): a binary min-heap over an array of
 * timer pointers, slot 0 the earliest deadline. Every timer records its slot
 * (1-based, 0 = not in a heap) so removing any timer is O(log n) without a
 * search. Children of slot i are 2i+1 and 2i+2.
 */
#include <hv/timer.h>

static void place(struct timer_heap *h, unsigned int i, struct timer *t)
{
    h->slot[i] = t;
    t->heap_pos = i + 1;
}

/* Move t, meant for slot i, towards the top while it is earlier than its parent. */
static void sift_up(struct timer_heap *h, unsigned int i, struct timer *t)
{
    while (i > 0) {
        unsigned int parent = (i - 1) / 2;

        if (h->slot[parent]->expires <= t->expires)
            break;
        place(h, i, h->slot[parent]);
        i = parent;
    }
    place(h, i, t);
}

/* Move t, meant for slot i, towards the bottom while a child is earlier. */
static void sift_down(struct timer_heap *h, unsigned int i, struct timer *t)
{
    for (;;) {
        unsigned int child = 2 * i + 1;

        if (child >= h->nr)
            break;
        if (child + 1 < h->nr && h->slot[child + 1]->expires < h->slot[child]->expires)
            child++;
        if (t->expires <= h->slot[child]->expires)
            break;
        place(h, i, h->slot[child]);
        i = child;
    }
    place(h, i, t);
}

/* See timer.h. */
bool timer_heap_insert(struct timer_heap *h, struct timer *t)
{
    if (h->nr >= h->cap)
        return false;
    h->nr++;
    sift_up(h, h->nr - 1, t);
    return true;
}

/* See timer.h. */
void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    unsigned int i = t->heap_pos - 1;
    struct timer *last;

    t->heap_pos = 0;
    last = h->slot[--h->nr];
    h->slot[h->nr] = 0;
    if (last == t)
        return;                         /* it was the last slot: nothing moves */
    /* The last timer fills the hole; it may belong above or below it. */
    if (i > 0 && last->expires < h->slot[(i - 1) / 2]->expires)
        sift_up(h, i, last);
    else
        sift_down(h, i, last);
}

/* See timer.h. */
bool timer_heap_check(const struct timer_heap *h)
{
    if (h->nr > h->cap)
        return false;
    for (unsigned int i = 0; i < h->nr; i++) {
        if (!h->slot[i] || h->slot[i]->heap_pos != i + 1)
            return false;
        if (i > 0 && h->slot[(i - 1) / 2]->expires > h->slot[i]->expires)
            return false;
    }
    return true;
}
