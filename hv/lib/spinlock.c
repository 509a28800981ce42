/*
 * The out-of-line half of the ticket lock (hv/spinlock.h): what runs only
 * when the lock is taken, or when a locking rule is checked. Pure: the host
 * tests run it with threads (tests/unit/test_spinlock.c).
 */
#include <hv/spinlock.h>
#if __STDC_HOSTED__
#include <sched.h>
#endif

/* Between two looks at the head: a CPU waits politely; a host thread gives its core away. */
static inline void spin_relax(void)
{
#if __STDC_HOSTED__
    sched_yield();
#else
    __asm__ volatile("pause" ::: "memory");
    spin_wait_work();
#endif
}

void spin_lock_init(spinlock_t *l, enum lock_level level, const char *name)
{
    *l = (spinlock_t)SPIN_LOCK_UNLOCKED(level, name);
}

/*
 * We drew `ticket` and it is not served yet. If this CPU is the holder it
 * would wait for itself forever: that is a bug of ours, reported at once.
 * The owner is read once: it is either our own token (we hold it), another
 * CPU's, or NULL; it is never our token left over, because we clear it
 * before releasing.
 */
void spin_lock_wait(spinlock_t *l, uint16_t ticket)
{
    if (spin_same_cpu(__atomic_load_n(&l->owner, __ATOMIC_RELAXED), spin_self()))
        spin_fail(l, "taken again by the CPU holding it");
    while (__atomic_load_n(&l->t.head, __ATOMIC_ACQUIRE) != ticket)
        spin_relax();
}

void spin_check_nested(const spinlock_t *inner, const spinlock_t *outer)
{
    if (!spin_same_cpu(outer->owner, spin_self()))
        spin_fail(outer, "outer lock not held by this CPU");
    if (inner->level <= outer->level)
        spin_fail(inner, "taken inside a lock that does not rank before it");
}
