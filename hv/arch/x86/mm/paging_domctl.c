/*
 * XEN_DOMCTL_shadow_op (Xen 4.17: paging_domctl, paging_log_dirty_op and
 * shadow_domctl): another domain's shadow paging, log-dirty bitmap and
 * shadow pool, with Xen's checks, their order and its answers, as libxc's
 * PV save path uses them (include/xen/domctl.h, docs/control-interface.md).
 * The mechanics are shadow.c's. Xen's log-dirty bitmap is a trie whose
 * leaves are one page (32768 pages of the domain each); its reads walk
 * them leaf by leaf, which shows in what CLEAN clears and where a copy can
 * stop, so the reads here go in the same steps over our flat bitmap.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/mm.h>
#include <hv/spinlock.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/hypercall.h>
#include <asm/shadow.h>

#define LEAF_PAGES      (PAGE_SIZE * 8)         /* pages one leaf of Xen's bitmap covers */
#define BITMAP_MAX      (512ULL * 512 * 512 * LEAF_PAGES)   /* what Xen's 4-level trie can cover */
#define FULL_POOL_MIN   1024                    /* Xen's pool for ENABLE: at least 4 MiB */

/* Xen's smallest shadow pool for d: 128 frames per vCPU, plus one per 256 pages of memory. */
static unsigned int min_allocation(const struct domain *d)
{
    return 128 * d->max_vcpus + d->tot_pages / 256;
}

/* The pool in MB, rounded up (GET_ALLOCATION). */
static uint32_t allocation_mb(const struct domain *d)
{
    unsigned int frames = d->arch.shadow.alloc;

    return frames / 256 + (frames % 256 != 0);
}

/*
 * Run fn(d, arg) with d off every CPU (Xen pauses the target around each
 * change) and its page lock held (it guards the shadow state).
 */
static long paused_call(struct domain *d, long (*fn)(struct domain *, unsigned int), unsigned int arg)
{
    bool paused = domain_pause(d) == 0;
    long rc;

    spin_lock(&d->page_lock);
    rc = fn(d, arg);
    spin_unlock(&d->page_lock);

    if (paused)
        domain_unpause(d);
    return rc;
}

static long enable_log_dirty(struct domain *d, unsigned int unused)
{
    if (d->arch.shadow.log_dirty)
        return -XEN_EINVAL;
    return shadow_log_dirty_enable(d, min_allocation(d));
}

/* ENABLE_TEST: shadow paging alone; already shadowed: -EINVAL. */
static long enable_test(struct domain *d, unsigned int unused)
{
    if (d->arch.shadow.enabled)
        return -XEN_EINVAL;
    return shadow_enable(d, min_allocation(d));
}

/*
 * ENABLE without log-dirty: mode's bits as Xen shifts them into its paging
 * mode (the top 10 fall off), only refcount/translate/external, all three
 * or none. Xen's pool for it is at least 4 MiB, and is set before the
 * translate check, which a PV domain with memory fails.
 */
static long enable_full(struct domain *d, unsigned int mode)
{
    const uint32_t all3 = XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT | XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE |
                          XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL;
    struct shadow_state *s = &d->arch.shadow;
    unsigned int min = min_allocation(d), want;

    mode &= (1u << 22) - 1;
    if ((mode & ~(all3 | XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY)) ||
        ((mode & all3) && (mode & all3) != all3))
        return -XEN_EINVAL;
    if (s->enabled)
        return -XEN_EINVAL;
    want = s->alloc < min ? (min > FULL_POOL_MIN ? min : FULL_POOL_MIN) : s->alloc;
    if (mode & all3) {
        /* Xen: the pool is set, then translation refused (a PV domain here never translates). */
        if (shadow_set_allocation(d, want))
            return -XEN_ENOMEM;
        return -XEN_EINVAL;
    }
    return shadow_enable(d, want);
}

/*
 * OFF: log-dirty and shadow paging off. A shadowed domain's pool goes, but
 * Xen's log-dirty bitmap borrowed its pages from the pool and gives them
 * back to it after the pool was emptied: they stay as its allocation.
 */
static long disable(struct domain *d, unsigned int unused)
{
    unsigned int bitmap_pages = shadow_log_dirty_pages(d);

    if (d->arch.shadow.enabled) {
        shadow_disable(d);
        shadow_set_allocation(d, bitmap_pages);
    }
    return 0;
}

/*
 * SET_ALLOCATION: mb as Xen reads it (mb << 8 frames in 32 bits), raised to
 * the minimum unless 0; 0 while shadowed: -EINVAL. More than the machine has
 * free: -ENOMEM (Xen fails allocating). OUT: mb, the allocation now.
 */
static long set_allocation(struct domain *d, struct xen_domctl_shadow_op *sc)
{
    unsigned int frames = sc->mb << (20 - PAGE_SHIFT), min = min_allocation(d);
    long rc = -XEN_ENOMEM;

    if (frames == 0 && d->arch.shadow.enabled)
        return -XEN_EINVAL;
    if (frames && frames < min)
        frames = min;
    if (frames <= d->arch.shadow.alloc || frames - d->arch.shadow.alloc <= frames_free()) {
        bool paused = domain_pause(d) == 0;
        spin_lock(&d->page_lock);
        rc = shadow_set_allocation(d, frames);
        spin_unlock(&d->page_lock);
        if (paused)
            domain_unpause(d);
    }
    sc->mb = allocation_mb(d);
    return rc;
}

/*
 * Leaves a CLEAN or PEEK reads before it continues even with no work
 * waiting: "logdirty_budget=N" on the command line, for tests; 0 (the
 * default): it continues only when work waits, as Xen's.
 */
static uint64_t leaves_per_leg(void)
{
    static bool read;
    static uint64_t budget;

    if (!read) {
        if (!cmdline_get_uint(hv_command_line, "logdirty_budget", &budget))
            budget = 0;
        read = true;
    }
    return budget;
}

/* Is r the caller's own preempted read of sub-op op, which a resume goes on with? */
static bool callers_preempted_read(const struct log_dirty_read *r, uint32_t op)
{
    return r->state == LD_READ_PREEMPTED && r->by == current->domain->id && r->op == op;
}

/*
 * Take the read for this caller: a fresh one when none is in progress, or
 * the caller's own preempted one when resuming. Page lock held.
 */
static bool claim_read(struct log_dirty_read *r, uint32_t op, bool resuming)
{
    if (resuming ? !callers_preempted_read(r, op) : r->state != LD_READ_IDLE)
        return false;
    if (!resuming)
        *r = (struct log_dirty_read){ .by = current->domain->id, .op = op };
    r->state = LD_READ_RUNNING;
    return true;
}

/* Stop here and go on in a continuation? Never inside a multicall. */
static bool leg_over(uint64_t leaves)
{
    uint64_t budget = leaves_per_leg();

    return (budget && leaves >= budget && !current->in_multicall) || hypercall_preempt_check();
}

/*
 * CLEAN / PEEK: the stats, then the bitmap leaf by leaf, (pages + 7) / 8
 * bytes in all (none for a null buffer); CLEAN clears each leaf it read,
 * whole. Between leaves the read may stop and answer -ERESTART: its
 * progress stays in d->arch.shadow.ld_read and d stays paused until the
 * continuation ends it. A copy that faults stops there: -EFAULT, the leaves
 * before it copied (and cleared), the stats kept. Success on CLEAN: the
 * stats restart and every write is seen afresh. The copy into the caller
 * runs without d's page lock (shadow_log_dirty_copy); d is paused, so only
 * a grant copy into it could set a bit meanwhile, which the next round
 * reports.
 */
static long log_dirty_op(struct domain *d, struct xen_domctl_shadow_op *sc, bool resuming)
{
    struct shadow_state *s = &d->arch.shadow;
    struct log_dirty_read *r = &s->ld_read;
    bool clean = sc->op == XEN_DOMCTL_SHADOW_OP_CLEAN, paused = !resuming && domain_pause(d) == 0;
    uint64_t want = sc->pages < BITMAP_MAX ? sc->pages : BITMAP_MAX, done, bits, leaves = 0;
    XEN_GUEST_HANDLE(uint8_t) bitmap = guest_handle_from_va(uint8_t, sc->dirty_bitmap);
    unsigned int continuations;
    long rc = 0;

    spin_lock(&d->page_lock);
    if (!claim_read(r, sc->op, resuming)) {
        spin_unlock(&d->page_lock);
        if (paused)
            domain_unpause(d);
        return -XEN_EBUSY;
    }
    if (!resuming)
        r->paused = paused;
    done = r->done;
    bits = shadow_log_dirty_bits(d);
    sc->stats.fault_count = s->ld_faults > UINT32_MAX ? UINT32_MAX : (uint32_t)s->ld_faults;
    sc->stats.dirty_count = s->ld_dirty > UINT32_MAX ? UINT32_MAX : (uint32_t)s->ld_dirty;
    spin_unlock(&d->page_lock);

    while (done < want) {
        uint64_t bytes = (want - done + 7) / 8;

        if (guest_handle_is_null(bitmap) && done >= bits) {
            done += bytes * 8;                  /* nothing to copy nor clear past the bitmap */
            break;
        }
        if (bytes > PAGE_SIZE)
            bytes = PAGE_SIZE;                  /* one leaf at a time */
        if (!guest_handle_is_null(bitmap) && shadow_log_dirty_copy(d, bitmap, done / 8, bytes)) {
            rc = -XEN_EFAULT;
            break;
        }
        if (clean) {
            spin_lock(&d->page_lock);
            shadow_log_dirty_clear(d, done, LEAF_PAGES);    /* the whole leaf, read or not */
            spin_unlock(&d->page_lock);
        }
        done += bytes * 8;
        if (done < want && leg_over(++leaves)) {
            rc = -XEN_ERESTART;
            break;
        }
    }

    spin_lock(&d->page_lock);
    if (rc == -XEN_ERESTART) {
        r->done = done;
        r->continuations++;
        r->state = LD_READ_PREEMPTED;
        spin_unlock(&d->page_lock);
        return rc;                              /* d stays paused */
    }
    /* Leaves cleared: their pages' writable translations go, so the next write is seen. */
    if (clean && (done || !rc))
        shadow_flush_all(d);
    if (!rc && clean)
        s->ld_faults = s->ld_dirty = 0;
    paused = r->paused;
    continuations = r->continuations;
    r->state = LD_READ_IDLE;
    spin_unlock(&d->page_lock);
    if (continuations)
        log_debug("d%u: shadow_op %s of d%u: %lu pages, continued %u times, rc %ld", current->domain->id,
                  clean ? "CLEAN" : "PEEK", d->id, (unsigned long)done, continuations, rc);
    if (!rc && done < sc->pages)
        sc->pages = done;
    if (paused)
        domain_unpause(d);
    return rc;
}

/*
 * The checks of Xen's paging_domctl, in its order: never the caller's own
 * domain (-EINVAL); a dying one is left alone (0); one without vCPUs
 * -EINVAL; then -EBUSY for anything but GET_ALLOCATION while a CLEAN or
 * PEEK is in progress, and for a resume that is not the continuation of
 * the caller's own preempted one of the same sub-op. 1: go on.
 */
static long paging_precheck(const struct domain *d, uint32_t op, bool resuming)
{
    const struct log_dirty_read *r = &d->arch.shadow.ld_read;

    if (d == current->domain)
        return -XEN_EINVAL;
    if (domain_is_dying(d))
        return 0;
    if (!d->vcpus_created)
        return -XEN_EINVAL;
    if (resuming ? !callers_preempted_read(r, op)
                 : r->state != LD_READ_IDLE && op != XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION)
        return -XEN_EBUSY;
    return 1;
}

long paging_domctl(struct domain *d, struct xen_domctl_shadow_op *sc, bool resuming)
{
    long rc = paging_precheck(d, sc->op, resuming);

    if (rc <= 0)
        return rc;
    switch (sc->op) {
    case XEN_DOMCTL_SHADOW_OP_ENABLE:
        /* With log-dirty in mode it is ENABLE_LOGDIRTY, whatever else mode says. */
        if (!(sc->mode & XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY))
            return paused_call(d, enable_full, sc->mode);
        return paused_call(d, enable_log_dirty, 0);
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
        return paused_call(d, enable_log_dirty, 0);
    case XEN_DOMCTL_SHADOW_OP_ENABLE_TEST:
        return paused_call(d, enable_test, 0);
    case XEN_DOMCTL_SHADOW_OP_OFF:
        return paused_call(d, disable, 0);
    case XEN_DOMCTL_SHADOW_OP_CLEAN:
    case XEN_DOMCTL_SHADOW_OP_PEEK:
        if (sc->mode & ~XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL)
            return -XEN_EINVAL;
        return log_dirty_op(d, sc, resuming);
    case XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION:
        sc->mb = allocation_mb(d);
        return 0;
    case XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION:
        return set_allocation(d, sc);
    default:
        return -XEN_EINVAL;
    }
}
