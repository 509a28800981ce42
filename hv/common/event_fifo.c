/*
 * The FIFO port mechanism (Xen's event_fifo.c, ABI of public
 * event_channel.h): per-vCPU control blocks and the event array live in
 * guest frames that the guest hands over with EVTCHNOP_init_control and
 * EVTCHNOP_expand_array.  We hold a general and a writable-type reference on
 * each (as for a moved vcpu_info), so none can become a page table or leave
 * the domain while we write into it; they are given back when
 * EVTCHNOP_reset returns the domain to 2-level.  The queue logic itself is
 * the pure lib/evtchn_fifo.c.
 *
 * The first init_control switches the domain: ports already bound keep
 * their binding, get the default priority, and a port pending in the
 * 2-level bitmap is remembered and raised when its array page arrives.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <xl/evtchn_2l.h>
#include <xl/evtchn_fifo.h>
#include <xl/format.h>
#include <xl/string.h>
#include <asm/pv_mmu.h>

/* Per port, beside struct evtchn (which a rebind overwrites). */
struct fifo_port {
    uint8_t priority;               /* queue for the next link */
    uint16_t last_vcpu;             /* the queue it was last linked on */
    uint8_t last_priority;
    bool pending;                   /* raised while its array page was missing */
};

struct fifo_vcpu {
    struct evtchn_fifo_control_block *cb;       /* NULL until init_control */
    mfn_t cb_mfn;
    struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo_domain {
    struct evtchn_fifo_array array;
    mfn_t array_mfn[EVTCHN_FIFO_MAX_PAGES];
    struct fifo_port port[NR_EVTCHN];
    struct fifo_vcpu vcpu[];        /* the domain's max_vcpus */
};

static unsigned long fifo_bytes(const struct domain *d)
{
    return sizeof(struct evtchn_fifo_domain) + d->max_vcpus * sizeof(struct fifo_vcpu);
}

static event_word_t *word_of(struct domain *d, unsigned int port)
{
    return evtchn_fifo_word(&d->evtchn_fifo->array, port);
}

/* Xen's vcpu_mark_events_pending: true when the upcall flag was newly raised. */
static bool mark_upcall(struct vcpu *v)
{
    return __atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0;
}

static void init_fifo(struct domain *d, unsigned int port)
{
    d->evtchn_fifo->port[port].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    if (word_of(d, port) && evtchn_fifo_test(word_of(d, port), EVTCHN_FIFO_LINKED))
        log_warn("d%u: port %u bound while still on a queue", d->id, port);
}

static bool set_pending_fifo(struct vcpu *v, unsigned int port)
{
    struct domain *d = v->domain;
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    struct fifo_port *fp = &f->port[port];
    struct fifo_vcpu *fv = &f->vcpu[v->id];
    struct evtchn_fifo_queue *q, *old_q;
    unsigned int res;

    if (!word_of(d, port)) {
        fp->pending = true;
        return false;
    }
    if (!fv->cb) {
        /* The guest may not unmask before its control block exists: drop, as Xen. */
        log_warn("d%uv%u: event on port %u without a FIFO control block", d->id, v->id, port);
        return false;
    }
    q = &fv->queue[fp->priority];
    old_q = &f->vcpu[fp->last_vcpu].queue[fp->last_priority];
    res = evtchn_fifo_raise(&f->array, port, q, old_q, &fv->cb->ready);
    if (res & EVTCHN_FIFO_MOVED) {
        fp->last_vcpu = (uint16_t)v->id;
        fp->last_priority = q->priority;
    }
    return (res & EVTCHN_FIFO_NOTIFY) && mark_upcall(v);
}

static void clear_pending_fifo(struct domain *d, unsigned int port)
{
    /* Only PENDING: the guest unlinks and skips events no longer pending. */
    if (word_of(d, port))
        evtchn_fifo_test_and_clear(word_of(d, port), EVTCHN_FIFO_PENDING);
}

static bool unmask_fifo(struct domain *d, unsigned int port)
{
    event_word_t *w = word_of(d, port);

    if (!w)
        return false;
    evtchn_fifo_test_and_clear(w, EVTCHN_FIFO_MASKED);
    if (!evtchn_fifo_test(w, EVTCHN_FIFO_PENDING))
        return false;
    return set_pending_fifo(d->vcpu[d->evtchn[port].notify_vcpu], port);
}

static bool is_pending_fifo(struct domain *d, unsigned int port)
{
    return word_of(d, port) && evtchn_fifo_test(word_of(d, port), EVTCHN_FIFO_PENDING);
}

static bool is_masked_fifo(struct domain *d, unsigned int port)
{
    return !word_of(d, port) || evtchn_fifo_test(word_of(d, port), EVTCHN_FIFO_MASKED);
}

static bool is_busy_fifo(struct domain *d, unsigned int port)
{
    return word_of(d, port) && evtchn_fifo_test(word_of(d, port), EVTCHN_FIFO_LINKED);
}

static int set_priority_fifo(struct domain *d, unsigned int port, unsigned int priority)
{
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -XEN_EINVAL;
    /* Future links only: an event already queued stays where it is. */
    d->evtchn_fifo->port[port].priority = (uint8_t)priority;
    return 0;
}

static void print_state_fifo(struct domain *d, unsigned int port, char *buf, unsigned int size)
{
    const event_word_t *w = word_of(d, port);
    event_word_t v = w ? __atomic_load_n(w, __ATOMIC_SEQ_CST) : 0;

    if (!w) {
        xl_snprintf(buf, size, "? prio %u", d->evtchn_fifo->port[port].priority);
        return;
    }
    xl_snprintf(buf, size, "%c%c%c%c link %u prio %u",
                v & (1u << EVTCHN_FIFO_PENDING) ? 'P' : '-',
                v & (1u << EVTCHN_FIFO_MASKED) ? 'M' : '-',
                v & (1u << EVTCHN_FIFO_LINKED) ? 'L' : '-',
                v & (1u << EVTCHN_FIFO_BUSY) ? 'B' : '-',
                v & EVTCHN_FIFO_LINK_MASK, d->evtchn_fifo->port[port].priority);
}

static const struct evtchn_port_ops evtchn_port_ops_fifo = {
    .name = "FIFO",
    .init = init_fifo,
    .set_pending = set_pending_fifo,
    .clear_pending = clear_pending_fifo,
    .unmask = unmask_fifo,
    .is_pending = is_pending_fifo,
    .is_masked = is_masked_fifo,
    .is_busy = is_busy_fifo,
    .set_priority = set_priority_fifo,
    .print_state = print_state_fifo,
};

/* Map the control block of v at gfn/offset (both checked by the caller except the frame). */
static long map_control_block(struct domain *d, struct evtchn_fifo_domain *f, struct vcpu *v,
                              uint64_t gfn, uint32_t offset)
{
    struct fifo_vcpu *fv = &f->vcpu[v->id];
    struct evtchn_fifo_control_block *cb;

    if (fv->cb)
        return -XEN_EINVAL;                     /* one per vCPU, for good */
    /* PV: the gfn is a machine frame, which must be ours and may become writable. */
    spin_lock_nested(&d->page_lock, &d->event_lock);
    if (pv_get_writable_frame(d, gfn)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    spin_unlock(&d->page_lock);
    cb = (struct evtchn_fifo_control_block *)((uint8_t *)mfn_to_virt(gfn) + offset);
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++)
        fv->queue[i].head = &cb->head[i];
    fv->cb_mfn = gfn;
    fv->cb = cb;
    return 0;
}

/* Switch d to FIFO: the bound ports carry over (Xen's setup_ports). */
static void switch_to_fifo(struct domain *d, struct evtchn_fifo_domain *f)
{
    struct evtchn_2l bits = {
        .pending = (uint64_t *)d->shared_info->evtchn_pending,
        .mask = (uint64_t *)d->shared_info->evtchn_mask,
    };

    for (unsigned int p = 1; p < NR_EVTCHN; p++) {
        f->port[p].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        f->port[p].pending = evtchn_2l_is_pending(&bits, p);
    }
    d->evtchn_fifo = f;
    d->evtchn_ops = &evtchn_port_ops_fifo;
}

/* See evtchn.h. */
long evtchn_fifo_init_control(struct evtchn_init_control *ic)
{
    struct domain *d = current->domain;
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    struct vcpu *v;
    long rc;

    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    if (ic->vcpu >= d->max_vcpus || !(v = d->vcpu[ic->vcpu]))
        return -XEN_ENOENT;
    if (ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
        return -XEN_EINVAL;                     /* would cross the page end */
    if (ic->offset & 7)
        return -XEN_EINVAL;
    if (f)
        return map_control_block(d, f, v, ic->control_gfn, ic->offset);

    f = xzalloc_bytes(fifo_bytes(d));
    if (!f)
        return -XEN_ENOMEM;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
            f->vcpu[i].queue[q].priority = (uint8_t)q;
    rc = map_control_block(d, f, v, ic->control_gfn, ic->offset);
    if (rc) {
        xfree_bytes(f, fifo_bytes(d));          /* still 2-level */
        return rc;
    }
    switch_to_fifo(d, f);
    return 0;
}

/* See evtchn.h. */
long evtchn_fifo_expand_array(const struct evtchn_expand_array *ea)
{
    struct domain *d = current->domain;
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    unsigned int slot, first;

    if (!f)
        return -XEN_EOPNOTSUPP;
    slot = f->array.nr_ports / EVTCHN_FIFO_WORDS_PER_PAGE;
    if (slot >= EVTCHN_FIFO_MAX_PAGES)
        return -XEN_ENOSPC;
    spin_lock_nested(&d->page_lock, &d->event_lock);
    if (pv_get_writable_frame(d, ea->array_gfn)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    spin_unlock(&d->page_lock);
    f->array.page[slot] = mfn_to_virt(ea->array_gfn);
    f->array_mfn[slot] = ea->array_gfn;
    first = f->array.nr_ports;
    f->array.nr_ports += EVTCHN_FIFO_WORDS_PER_PAGE;

    /* Raise what arrived while these ports had no word. */
    for (unsigned int p = first; p < f->array.nr_ports && p < NR_EVTCHN; p++) {
        struct vcpu *v = d->vcpu[d->evtchn[p].notify_vcpu];

        if (!f->port[p].pending)
            continue;
        f->port[p].pending = false;
        evtchn_notify_vcpu(v, p, set_pending_fifo(v, p));
    }
    return 0;
}

static void hold_or_put(struct domain *d, mfn_t m, bool hold)
{
    if (hold)
        BUG_ON(pv_get_writable_frame(d, m));
    else
        pv_put_writable_frame(m);
}

/* Take (hold) or drop the references on every frame f uses: control blocks, array pages. */
static void fifo_frame_refs(struct domain *d, struct evtchn_fifo_domain *f, bool hold)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (f->vcpu[i].cb)
            hold_or_put(d, f->vcpu[i].cb_mfn, hold);
    for (unsigned int s = 0; s < f->array.nr_ports / EVTCHN_FIFO_WORDS_PER_PAGE; s++)
        hold_or_put(d, f->array_mfn[s], hold);
}

/* See evtchn.h. */
void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;

    if (!f)
        return;
    d->evtchn_ops = &evtchn_port_ops_2l;
    d->evtchn_fifo = NULL;
    spin_lock_nested(&d->page_lock, &d->event_lock);
    fifo_frame_refs(d, f, false);
    spin_unlock(&d->page_lock);
    xfree_bytes(f, fifo_bytes(d));
}

/* See evtchn.h. */
void evtchn_fifo_audit_refs(struct domain *d, void (*held)(void *ctx, mfn_t mfn, bool writable),
                            void *ctx)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;

    if (!f)
        return;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (f->vcpu[i].cb)
            held(ctx, f->vcpu[i].cb_mfn, true);
    for (unsigned int s = 0; s < f->array.nr_ports / EVTCHN_FIFO_WORDS_PER_PAGE; s++)
        held(ctx, f->array_mfn[s], true);
}
