/*
 * Domains and virtual CPUs. One struct domain per guest, one struct vcpu per
 * virtual CPU: the state common to every architecture (ids, events, grants,
 * timers, runstate, lifetime). The x86 PV state (trap table, callbacks,
 * kernel stack, page-table roots, segments, paging mode) is in d->arch and
 * v->arch (asm/domain.h).
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <hv/mm.h>
#include <asm/regs.h>
#include <hv/percpu.h>
#include <hv/spinlock.h>
#include <hv/grant_table.h>
#include <hv/domain_life.h>
#include <hv/grace_period.h>
#include <hv/evtchn_ports.h>
#include <hv/rangeset.h>
#include <asm/domain.h>
#include <hv/credit.h>
#include <hv/runq.h>
#include <hv/timer.h>

/*
 * vCPUs per domain: Xen 4.17's limit for a PV domain (its MAX_VIRT_CPUS, the
 * per-domain GDT/LDT area's slots), for createdomain and for Dom0 alike. A
 * domain's d->vcpu[] has exactly max_vcpus slots (fixed at its creation).
 * vCPUs 0..XEN_LEGACY_MAX_VCPUS-1 have their vcpu_info in shared_info; the
 * others start on dummy_vcpu_info and must register one before they run.
 */
#define MAX_VCPUS       8192
/*
 * Domain ids run from 0 to DOMID_FIRST_RESERVED - 1 (0x7fef), Xen's limit.
 * The table is two-level: DOMAIN_LEAVES pointers to leaf pages of
 * DOMAIN_LEAF_SLOTS domain pointers, a leaf allocated from the frame
 * allocator with its first domain and given back with its last.
 */
#define DOMAIN_LEAF_SHIFT 9
#define DOMAIN_LEAF_SLOTS (1u << DOMAIN_LEAF_SHIFT)      /* one page of pointers */
#define DOMAIN_LEAVES   ((DOMID_FIRST_RESERVED + DOMAIN_LEAF_SLOTS - 1) / DOMAIN_LEAF_SLOTS)
#define NR_VIRQS        24
#define SHUTDOWN_CODE_NONE (~0u)

struct domain;
struct evtchn_port_ops;
struct evtchn_fifo_domain;

struct vcpu {
    unsigned int id;
    struct domain *domain;
    struct cpu_regs regs;            /* the guest frame while not running */
    bool running;                    /* its frame is on the CPU stack now (of CPU `processor`) */
    unsigned int processor;          /* the CPU it runs on, is held by, or is queued on (sched.c) */
    uint64_t cpus_run;               /* the CPUs it has run on (a bit each: logged once) */
    struct runq_node runq;           /* queued on its CPU while waiting to run */
    struct credit_vcpu credit;       /* its credit and priority (hv/credit.h; common/sched.c) */
    bool yielding;                   /* SCHEDOP_yield: queued behind one lower priority vCPU */
    bool initialised;                /* its context was set (builder, setvcpucontext, VCPUOP_initialise) */
    unsigned int dirty_cpu;          /* the CPU whose TLB may hold its translations, or NO_DIRTY_CPU */
    /*
     * The CPUs outside its hard and soft affinity (XEN_DOMCTL_setvcpuaffinity),
     * kept inverted so that a new vCPU (zeroed) has Xen's default, every CPU.
     */
    cpumask_t cpu_hard_excluded, cpu_soft_excluded;

    struct arch_vcpu arch;           /* x86 PV state (asm/domain.h) */

    /* the hypercall in progress (common/hypercall.c): per vCPU, so any CPU may resume it */
    bool in_multicall;               /* running a multicall's entries: they never continue alone */
    bool hcall_continue;             /* hypercall_continue was called: re-issue with hcall_args */
    uint64_t hcall_args[5];
    int hcall_continue_nr;           /* the hypercall it goes on as (hypercall_continue_as), or -1: the same */

    /* events and time */
    struct vcpu_info *vcpu_info;     /* in shared_info or a registered guest page */
    mfn_t vcpu_info_mfn;             /* that registered page (writable-typed), or 0 */
    uint16_t virq_to_port[NR_VIRQS];
    bool blocked;                    /* SCHEDOP_block / poll */
    bool down;                       /* VCPUOP_down, until VCPUOP_up */
    unsigned int pause_count;        /* vcpu_pause: reasons to keep it off the CPU (atomic) */
    bool polling;                    /* SCHEDOP_poll: wake on any of poll_ports */
    unsigned int nr_poll_ports;
    uint16_t poll_port_list[128];    /* SCHEDOP_poll takes at most 128 ports */
    struct timer singleshot_timer;   /* VCPUOP_set_singleshot_timer, set_timer_op */
    struct timer periodic_timer;     /* VCPUOP_set_periodic_timer, every periodic_period ns */
    uint64_t periodic_period;        /* 0 = off; runs only while the vCPU runs */
    uint64_t periodic_last;          /* system time of its last tick */
    struct timer poll_timer;         /* SCHEDOP_poll timeout */
    XEN_GUEST_HANDLE(vcpu_runstate_info_t) runstate_guest; /* VCPUOP_register_runstate_memory_area */
    bool runstate_area_stale;        /* not written at its last change (in user mode): on entering the kernel */
    struct vcpu_runstate_info_local {
        int state;                   /* RUNSTATE_*, kept by common/sched.c */
        uint64_t state_entry_time;
        uint64_t time[4];
    } runstate;
};

#define NO_DIRTY_CPU (~0u)

/* The vcpu_info of a vCPU beyond shared_info's until it registers its own (events masked). */
extern struct vcpu_info dummy_vcpu_info;

/*
 * How far the destruction of a domain has come (common/domain_destroy.c):
 * domain_kill resumes from here after each hypercall continuation.
 */
struct domain_destroy {
    uint8_t stage;                   /* common stage (domain_destroy.c) */
    uint8_t arch_stage;              /* stage of arch_domain_relinquish */
    uint64_t cursor;                 /* the stage's next frame, handle or port */
    unsigned int work;               /* work done since the last preemption check */
    unsigned int continuations;      /* times it stopped to let other work run */
    unsigned long frames_held;       /* awaited frames + 1 until the end (atomic, any CPU) */
    unsigned int allocating;         /* frame allocations begun while it was alive, not over
                                        (reservation.c; atomic): the memory stage waits for them */
    struct domain *next_free;        /* on the list of domains to free (softirq) */
    struct domain **empty_leaf;      /* the table leaf it was the last of, freed with it */
    struct gp_head rcu;              /* its free, waiting for a grace period (hv/rcu.h) */
};

struct domain {
    domid_t id;
    bool privileged;                 /* read it through domain_is_privileged() */
    bool is_shutdown;
    bool shutdown_done;              /* domain_shutdown's work (audit, VIRQ, ...) is over (sched.c's idle exit) */
    struct domain_life life;         /* references, dying state, pause count (hv/domain_life.h) */
    unsigned int controller_pause_count;    /* pauses the control interface holds (Xen's, at most 255) */
    bool vcpus_created;              /* XEN_DOMCTL_max_vcpus done, or built at boot: the
                                        control interface sees d->vcpu[] (Xen creates them there) */
    uint8_t handle[16];              /* the toolstack's UUID (createdomain, setdomainhandle) */
    uint32_t max_evtchn_port;        /* the highest port it may allocate (createdomain's) */
    unsigned int shutdown_reason;
    unsigned int shutdown_code;      /* SCHEDOP_shutdown_code, or SHUTDOWN_CODE_NONE */
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    unsigned long tot_pages, max_pages;
    uint64_t vm_assist;
    unsigned int max_vcpus;          /* fixed at domain_create: the slots of vcpu[] */
    struct evtchn *evtchn;           /* NR_EVTCHN entries */
    const struct evtchn_port_ops *evtchn_ops;   /* 2-level, or FIFO after init_control */
    struct evtchn_fifo_domain *evtchn_fifo;     /* FIFO state (event_fifo.c), or NULL */
    struct grant_table grants;       /* common/grant_table.c */
    spinlock_t domain_lock;          /* its vCPUs' creation, context, up/down and vcpu_info (Xen's domain_lock) */
    spinlock_t event_lock;           /* its event channels: evtchn[], evtchn_ops, FIFO state (docs/locking.md) */
    spinlock_t page_lock;            /* its page types, page tables and page list (docs/locking.md) */
    struct credit_dom credit;        /* weight, cap (XEN_DOMCTL_scheduler_op; common/sched.c) */
    cpumask_t dirty_cpumask;         /* CPUs that may hold its TLB entries (set when it runs there) */
    /* Its I/O capabilities (hv/iocap.h; the I/O ports are d->arch's), under caps_lock. */
    struct rangeset iomem_caps;      /* machine frames of I/O memory it may map */
    struct rangeset irq_caps;        /* IRQs it may map and bind as PIRQs */
    spinlock_t caps_lock;
    struct arch_domain arch;         /* x86 PV state (asm/domain.h) */
    struct domain_destroy destroy;   /* domain_kill's progress */
    struct vcpu *vcpu[];             /* max_vcpus slots, allocated with the domain */
};

/* The bytes of a domain object with max_vcpus vCPU slots. */
static inline unsigned long domain_bytes(unsigned int max_vcpus)
{
    return sizeof(struct domain) + max_vcpus * sizeof(struct vcpu *);
}

/*
 * Finding a domain. The table of domains is private to common/domain.c:
 *  - domain_get(id): the domain with that id if it is alive (not dying),
 *    with a reference taken; NULL for an id out of range, a free slot or a
 *    dying domain. Every domain_get is matched by one domain_put.
 *  - domain_lookup(id): the same checks without a count, Xen's
 *    rcu_lock_domain_by_id: the pointer stays valid until this CPU's
 *    next quiescent point (its way back to a guest, hv/rcu.h), because
 *    a dead domain leaves the table first and is freed only after every
 *    CPU has passed one (a grace period); never kept across a
 *    continuation.
 *  - for_each_domain(d): every domain in the table, in id order, dying
 *    ones included (they still hold frames and channels); empty leaves
 *    are skipped whole.
 */
struct domain *domain_get(domid_t id);
void domain_put(struct domain *d);
/* domain_get for the destroy domctl: dying and dead domains too (not yet freed). */
struct domain *domain_get_any(domid_t id);

/*
 * The first domain with an id at or above `id` (dying and dead ones too, as
 * Xen's getdomaininfo walks its list), with a reference; NULL if none.
 */
struct domain *domain_get_next_any(domid_t id);

/*
 * The table itself: read only by the helpers here and in common/domain.c.
 * A leaf and a slot are published whole (release stores) and read without a
 * lock; a leaf goes back to the allocator after a grace period, with
 * the last domain it held (hv/rcu.h).
 */
extern struct domain **domain_table[DOMAIN_LEAVES];

/*
 * The domain an existing link names (a frame's owner, a channel's peer, a
 * mapped grant's granter), dying ones included, borrowed like domain_lookup:
 * for undoing what the link holds, which destruction relies on.
 */
static inline struct domain *domain_lookup_any(domid_t id)
{
    struct domain **leaf;

    if (id >= DOMID_FIRST_RESERVED)
        return NULL;
    leaf = __atomic_load_n(&domain_table[id >> DOMAIN_LEAF_SHIFT], __ATOMIC_ACQUIRE);
    return leaf ? __atomic_load_n(&leaf[id & (DOMAIN_LEAF_SLOTS - 1)], __ATOMIC_ACQUIRE) : NULL;
}
#define for_each_domain(d)                                                  \
    for (unsigned int d##_id_ = 0; d##_id_ < DOMID_FIRST_RESERVED; d##_id_++) \
        if (!domain_table[d##_id_ >> DOMAIN_LEAF_SHIFT]) {                  \
            d##_id_ |= DOMAIN_LEAF_SLOTS - 1;   /* the whole leaf is empty */ \
        } else if (!((d) = domain_lookup_any((domid_t)d##_id_))) {} else
/* Every vCPU of domain d, in id order (Xen's for_each_vcpu). */
#define for_each_vcpu(d, v)                                                 \
    for (unsigned int v##_id_ = 0; v##_id_ < (d)->max_vcpus; v##_id_++)     \
        if (!((v) = (d)->vcpu[v##_id_])) {} else

/* Is it the control domain (Dom0: domctl, foreign mappings, physical resources)? */
static inline bool domain_is_privileged(const struct domain *d)
{
    return d->privileged;
}

/* Is it being destroyed? Dying domains are not found by lookups and never run. */
static inline bool domain_is_dying(const struct domain *d)
{
    return !life_alive(&d->life);
}

/* Inline: hypercalls look their targets up on every call. */
static inline struct domain *domain_lookup(domid_t id)
{
    struct domain *d = domain_lookup_any(id);

    return d && !domain_is_dying(d) ? d : NULL;
}

/*
 * Pausing counts (Xen's pause_count): domain_pause adds one reason to keep
 * the domain off the CPU, domain_unpause removes one and lets the scheduler
 * pick it when none is left. Both: 0, or -EBUSY / -EINVAL when the count is
 * full / already zero (nothing changes then).
 */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
/*
 * One vCPU's pause (Xen's vcpu_pause, for reading another vCPU of the
 * caller's own domain): it is not scheduled again until vcpu_unpause.
 * Waiting for it to leave another CPU is the scheduler's part, as for
 * domain_pause.
 */
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);

static inline bool domain_is_paused(const struct domain *d)
{
    return life_paused(&d->life);
}

/*
 * Create a domain with room for max_vcpus vCPUs (1 to MAX_VCPUS) and vCPU 0
 * made, a shared_info page, empty event channels and
 * a grant table: 0 and *out, or -EINVAL (id DOMID_FIRST_RESERVED or above),
 * -EEXIST (taken), -ENOMEM; on failure nothing is left allocated (the
 * object, its vCPU, event channels, grant table and a new table leaf all
 * come from the frame allocator and go back to it when the domain is freed). As in Xen, it starts with
 * no memory, paused by the control interface (one controller pause), its
 * vCPU down and not initialised and, for the control interface, not yet
 * created: a builder (pv_build, or a toolstack through domctl) does the rest.
 */
int domain_create(domid_t id, bool privileged, unsigned int max_vcpus, struct domain **out);
/*
 * XEN_DOMCTL_destroydomain (common/domain_destroy.c): take everything the
 * domain holds back (grant mappings, event channels, registered pages, page
 * tables, RAM), preemptibly. 0 when done (also for a domain already dead),
 * -EINVAL for the caller's own domain, -ERESTART when it stopped to let
 * other work run (the caller continues the hypercall). Frames that other
 * domains still reference are freed with their last reference; the domain
 * object goes with the last of those and the last domain_put.
 */
long domain_kill(struct domain *d);
/*
 * For long destruction loops (the arch part too): account `cost` units of
 * work; true when the loop must stop now and continue later.
 */
bool domain_destroy_should_stop(struct domain *d, unsigned int cost);
/*
 * A frame a dying domain's destruction awaits (PGC_awaited) was just freed,
 * or the destruction itself is over: the last of them lets the domain go.
 */
void domain_frame_gone(struct domain *d);
/* The domains whose last reference went are freed here (softirq, between hypercalls). */
void domain_free_pending(void);
/*
 * Take a freed domain's slot out of the table (domain.c, under the table's
 * lock). Returns the slot's leaf when that was its last domain (unpublished
 * too, to be freed after a grace period), else NULL.
 */
struct domain **domain_unlist(struct domain *d);
/*
 * The x86 part of destruction (arch/x86/pv/domain_relinquish.c): shadow
 * paging, GDT/LDT and PIRQ EOI page references, the page-table passes and
 * the vCPUs' roots. 0 when done, -ERESTART to be continued.
 */
int arch_domain_relinquish(struct domain *d);

/*
 * vCPU v->id's vcpu_info back where a new vCPU has it: its slot in
 * shared_info, or dummy_vcpu_info beyond XEN_LEGACY_MAX_VCPUS.
 */
void vcpu_info_reset(struct vcpu *v);
/*
 * Bring every vCPU below d->max_vcpus into being that is not yet (Xen's
 * vcpu_create in XEN_DOMCTL_max_vcpus and at Dom0's build): each down, not
 * initialised, events masked. 0 or -ENOMEM (those made so far stay).
 */
int domain_vcpus_create(struct domain *d);

/* The guest asked to stop (SCHEDOP_shutdown): record, stop its vCPUs, tell the machine. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* A fatal guest error: print why and the registers, then shut it down as crashed. */
void domain_crash(struct domain *d, const char *why, const struct cpu_regs *regs);
/* SOFTIRQ_DOM_EXC: the VIRQ_DOM_EXC Dom0 is owed for shutdowns (none is sent under a lock). */
void domain_exc_softirq(void);

/*
 * Wake a blocked vCPU (an event arrived or a timer fired): it is queued with
 * BOOST priority and preempts a running vCPU that has none (common/sched.c).
 * Any context, interrupts on or off; nothing for a vCPU that is not blocked.
 */
void vcpu_wake(struct vcpu *v);
/* Is an event upcall due for this vCPU? */
static inline bool vcpu_upcall_due(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask;
}

/*
 * What common code asks of the architecture (hv/arch/x86/domain.c), as in Xen:
 *  - arch_domain_create(d): its arch state, after the common fields are set:
 *    0 or -errno; arch_domain_destroy(d) gives back what it holds (also after
 *    a failed or missing arch_domain_create: the arch state starts zeroed);
 *  - arch_vcpu_create(v): the same for a vCPU whose id, domain and vcpu_info
 *    are set (-ENOMEM without memory); arch_vcpu_destroy(v) likewise;
 *  - arch_domain_shutdown(d): the domain stopped for good (SCHEDOP_shutdown
 *    or a crash): settle and check its arch state.
 */
int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
void arch_domain_shutdown(struct domain *d);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/*
 * A vCPU's whole state as the control interface sets and reads it
 * (hv/arch/x86/pv/vcpu_context.c), Xen's arch_set_info_guest and
 * arch_get_info_guest. Set: checked first (canonical addresses, LDT, GDT
 * frames, vm_assist, the kernel root an L4 of the domain that validates:
 * -EINVAL; a vCPU already initialised keeps its roots, GDT and LDT:
 * -EOPNOTSUPP), selectors forced to the guest kernel's RPL. The vCPU is
 * not running (another domain's, paused or never started).
 */
struct vcpu_guest_context;
long arch_set_info_guest(struct vcpu *v, struct vcpu_guest_context *c);
void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c);

#endif
