/*
 * Frames becoming a domain's while another CPU may be destroying it (issue
 * 10): a Dom0 vCPU populating or exchanging on a DomU's behalf while
 * another Dom0 vCPU destroys that DomU. (The DomU's own vCPUs are off
 * their CPUs before its destruction goes on: domain_kill pauses it and
 * waits, vcpu_sleep_sync.)
 *
 * Xen checks is_dying under the domain's page_alloc_lock when it assigns
 * pages, and its memory stage takes pages off the domain's page list under
 * the same lock. Here the memory stage finds a domain's frames by their
 * owner in the frame table, and an allocation hands its frames over in
 * steps after the allocator's lock (the M2P, the guest's list, an
 * exchange's inputs given back on a failed chunk). So an allocation
 * begins under the domain's page lock, refused once the domain is dying,
 * and the memory stage starts only when no allocation that began before
 * is still going: then every frame given to the domain is there for it
 * to find, and nothing it freed is touched again by an allocator.
 */
#include <xen/xen.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/reservation.h>
#include <hv/time.h>
#include <asm/io.h>

/* Spin N microseconds, or until d is dead if `dead_ends` (nothing borrowed goes: d stays). */
static void hold_until_dead(const struct domain *d, uint64_t us, bool dead_ends)
{
    for (uint64_t end = now_ns() + us * 1000; now_ns() < end;) {
        if (dead_ends && life_is_dead(&d->life))
            return;
        cpu_relax();
        spin_wait_work();                       /* a TLB shoot-down waiting for this CPU */
    }
}

/*
 * `alloc_delay=N` (Xenolith only, for tests): widens the windows before an
 * allocation begins and between it and its hand-over to N microseconds, so
 * that a destruction on another CPU falls into them
 * (tests/system/test_lifecycle.py, mode=memrace): when d is dying after N,
 * until it is dead or N more have passed (before an allocation for another
 * domain, until it is dead). A frame the memory stage freed meanwhile is
 * no longer d's: panic. Only for a domain that may run: a build (paused)
 * would take minutes.
 */
void domain_alloc_hold(const struct domain *d, const mfn_t *mfn, unsigned long n)
{
    static bool read;
    static uint64_t delay_us;

    if (!__atomic_load_n(&read, __ATOMIC_ACQUIRE)) {
        if (!cmdline_get_uint(hv_command_line, "alloc_delay", &delay_us))
            delay_us = 0;
        __atomic_store_n(&read, true, __ATOMIC_RELEASE);
    }
    if (!delay_us || domain_is_paused(d))
        return;
    hold_until_dead(d, delay_us, false);
    /*
     * Its destruction began meanwhile: it goes on as far as it may, and this
     * check follows it. Before an allocation on another domain's behalf
     * nothing waits for this CPU: until it is dead (a minute at most).
     */
    if (domain_is_dying(d))
        hold_until_dead(d, !mfn && current->domain != d ? 60000000 : delay_us, true);
    for (unsigned long i = 0; i < n; i++)
        if (__atomic_load_n(&mfn_to_page(mfn[i])->owner, __ATOMIC_RELAXED) != d->id)
            panic("d%u: frame %#lx freed under its allocation", d->id, mfn[i]);
}

bool domain_alloc_begin(struct domain *d)
{
    bool alive;

    domain_alloc_hold(d, NULL, 0);
    spin_lock(&d->page_lock);
    alive = !domain_is_dying(d);
    if (alive)
        __atomic_fetch_add(&d->destroy.allocating, 1, __ATOMIC_RELAXED);
    spin_unlock(&d->page_lock);
    return alive;
}

void domain_alloc_end(struct domain *d)
{
    /* Release: the memory stage that reads 0 sees every frame this allocation handed over. */
    __atomic_fetch_sub(&d->destroy.allocating, 1, __ATOMIC_RELEASE);
}

bool domain_alloc_idle(struct domain *d)
{
    unsigned int going;

    /* Under the lock: an allocation that had not begun by now sees d dying (life_kill came first). */
    spin_lock(&d->page_lock);
    going = __atomic_load_n(&d->destroy.allocating, __ATOMIC_ACQUIRE);
    spin_unlock(&d->page_lock);
    return !going;
}
