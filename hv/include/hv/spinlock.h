/*
 * Spinlocks: a ticket lock (Xen's spinlock_t, Linux's old x86 ticket lock).
 *
 * The lock word holds two 16-bit counters: `tail`, the next ticket handed
 * out, and `head`, the ticket being served. Taking the lock is one LOCK XADD
 * on the tail and one look at the head; when the ticket drawn equals the
 * head, the lock is ours (the only case on one CPU, and the only code inline). Releasing is one LOCK ADD
 * on the head. Waiters are served in arrival order, so no CPU starves.
 *
 * Checks that cost nothing on the fast path:
 *  - recursion: the holder's CPU is recorded in `owner`; a CPU that finds the
 *    lock taken and sees itself as the owner (a second spin_lock on the same
 *    lock, or an interrupt handler taking a lock its CPU holds without
 *    _irqsave) would wait forever, so it stops with spin_fail instead;
 *  - order: every lock has a level (enum lock_level, docs/locking.md);
 *    spin_lock_nested(inner, outer) takes a lock inside another and checks
 *    that the outer is held by this CPU and ranks before it; spin_lock_pair
 *    takes two locks of the same level in the one order everyone uses.
 *
 * Which code takes which lock, and in which order: docs/locking.md.
 * Pure logic: compiled unchanged into the host tests (tests/unit/test_spinlock.c),
 * where "this CPU" is the calling thread (spin_self, given by the test).
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H
#include <stdbool.h>
#include <stdint.h>

/* The lock order, outermost first (docs/locking.md). A lock may be taken while holding only lower levels. */
enum lock_level {
    LOCK_DOMLIST = 1,   /* the domain table (domain.c) */
    LOCK_DOMAIN,        /* a domain's vCPUs: creation, context, up/down, vcpu_info (Xen's domain_lock) */
    LOCK_GRANT,         /* a domain's grant table */
    LOCK_EVENT,         /* a domain's event channels (two: spin_lock_pair) */
    LOCK_PAGE,          /* a domain's page types and page list (two: spin_lock_pair) */
    LOCK_AUDIT,         /* the MMU audit's recount scratch (pv_mmu.c) */
    LOCK_PIRQ,          /* physical IRQ routing (pirq.c) */
    LOCK_SCHED,         /* credit state, run queues, each CPU's vCPU, vCPUs' CPUs and runstates (sched.c) */
    LOCK_CAPS,          /* a domain's I/O capabilities (hv/iocap.h): a leaf, taken only to read or change them */
    LOCK_TIMER,         /* a CPU's timer heap (timer.c) */
    LOCK_HEAP,          /* the frame allocator */
    LOCK_FLUSH,         /* one TLB shoot-down at a time (hv/arch/x86/smp.c) */
    LOCK_GRACE,         /* the queue of frees waiting for a grace period (hv/rcu.h) */
    LOCK_CONSOLE_IN,    /* the console input ring and the queued debug keys */
    LOCK_CONSOLE,       /* hypervisor log and guest output on the serial line: innermost */
};

typedef struct spinlock {
    union {
        uint32_t word;
        struct {
            uint16_t head;          /* ticket now served (low half: little endian) */
            uint16_t tail;          /* next ticket to hand out */
        } t;
    };
    uint8_t level;                  /* enum lock_level */
    const void *owner;              /* spin_self() of the holder (spin_same_cpu); NULL when free */
    const char *name;               /* for the failure message */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED(lvl, nm) { .word = 0, .level = (lvl), .owner = 0, .name = (nm) }
#define DEFINE_SPINLOCK(var, lvl) spinlock_t var = SPIN_LOCK_UNLOCKED(lvl, #var)

/*
 * Who is "this CPU": a token that tells CPUs apart (spin_same_cpu). In the
 * hypervisor it is the stack pointer itself, one instruction to store: every
 * CPU runs on its own aligned stack block (hv/percpu.h), so two tokens are of
 * the same CPU when they fall in the same block. In the host tests each
 * thread is a CPU with a token of its own.
 */
#if __STDC_HOSTED__
const void *spin_self(void);
static inline bool spin_same_cpu(const void *a, const void *b)
{
    return a == b;
}
#else
#include <asm/layout.h>
static inline const void *spin_self(void)
{
    const void *sp;

    __asm__("movq %%rsp, %0" : "=r"(sp));
    return sp;
}

static inline bool spin_same_cpu(const void *a, const void *b)
{
    return ((uintptr_t)a ^ (uintptr_t)b) < HV_STACK_SIZE;     /* NULL (free) never matches */
}
#endif

/* l->owner = spin_self(), in one store where the token is the stack pointer. */
static inline void spin_set_owner(struct spinlock *l);

/* A broken locking rule (our bug, never a guest's): panic, naming the lock. */
void spin_fail(const spinlock_t *l, const char *why) __attribute__((noreturn));
/* The contended path of spin_lock: the recursion check, then wait for `ticket`. */
void spin_lock_wait(spinlock_t *l, uint16_t ticket);
#if !__STDC_HOSTED__
/*
 * Work a waiting CPU does between two looks at the lock (hv/arch/x86/smp.c):
 * a TLB flush another CPU asked of it, which the holder may be waiting for
 * with this CPU's interrupts off.
 */
void spin_wait_work(void);
#endif
/* Check the order for taking `inner` while holding `outer` (spin_lock_nested). */
void spin_check_nested(const spinlock_t *inner, const spinlock_t *outer);

void spin_lock_init(spinlock_t *l, enum lock_level level, const char *name);

static inline void spin_set_owner(spinlock_t *l)
{
#if __STDC_HOSTED__
    l->owner = spin_self();
#else
    __asm__ volatile("movq %%rsp, %0" : "=m"(l->owner));
#endif
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t ticket;
    bool wait;

    /* Draw a ticket; our turn already? The head moves only when the holder releases. */
#if __STDC_HOSTED__
    ticket = __atomic_fetch_add(&l->t.tail, 1, __ATOMIC_ACQUIRE);
    wait = ticket != __atomic_load_n(&l->t.head, __ATOMIC_ACQUIRE);
#else
    ticket = 1;                     /* x86 loads are acquire loads: the head is compared in memory */
    __asm__ volatile("lock xaddw %w[t], %[tail]\n\tcmpw %w[t], %[head]"
                     : [t] "+r"(ticket), [tail] "+m"(l->t.tail), "=@ccne"(wait)
                     : [head] "m"(l->t.head) : "memory");
#endif
    if (__builtin_expect(wait, 0))
        spin_lock_wait(l, ticket);
    spin_set_owner(l);
}

/* Take the lock only if it is free: true if taken. */
static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t old = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

    if ((uint16_t)(old >> 16) != (uint16_t)old ||
        !__atomic_compare_exchange_n(&l->word, &old, old + (1u << 16), false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    spin_set_owner(l);
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    l->owner = 0;                   /* before the release: a stale owner could only be missed, never misread */
    __atomic_fetch_add(&l->t.head, 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

    return (uint16_t)(w >> 16) != (uint16_t)w;
}

/* Does this CPU hold it? For contract checks at the top of a _locked function. */
static inline bool spin_is_mine(const spinlock_t *l)
{
    return spin_same_cpu(l->owner, spin_self());
}

/* Take `inner` while holding `outer`: the order is checked (spin_fail if broken). */
static inline void spin_lock_nested(spinlock_t *inner, const spinlock_t *outer)
{
    spin_check_nested(inner, outer);
    spin_lock(inner);
}

/*
 * Take two locks of the same level (the event channels of two domains, say)
 * in the one order every CPU uses: lower address first. a == b takes one.
 */
static inline void spin_lock_pair(spinlock_t *a, spinlock_t *b)
{
    if (a == b) {
        spin_lock(a);
        return;
    }
    if ((uintptr_t)a > (uintptr_t)b) {
        spinlock_t *t = a;
        a = b;
        b = t;
    }
    spin_lock(a);
    spin_lock(b);
}

static inline void spin_unlock_pair(spinlock_t *a, spinlock_t *b)
{
    if (a != b)
        spin_unlock(b);
    spin_unlock(a);
}

#if !__STDC_HOSTED__
/*
 * The _irqsave forms, for a lock that an interrupt handler takes too: the
 * interrupts of this CPU stay off while it is held, so the handler can never
 * find the lock held by the code it interrupted.
 */
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    if (flags & 0x200)              /* X86_EFLAGS_IF */
        __asm__ volatile("sti" ::: "memory");
}

static inline void spin_lock_pair_irqsave(spinlock_t *a, spinlock_t *b, unsigned long *flags)
{
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(*flags) :: "memory");
    spin_lock_pair(a, b);
}

static inline void spin_unlock_pair_irqrestore(spinlock_t *a, spinlock_t *b, unsigned long flags)
{
    spin_unlock_pair(a, b);
    if (flags & 0x200)
        __asm__ volatile("sti" ::: "memory");
}
#endif

#endif
