/*
 * Scheduling: Xen's credit scheduler. Each CPU's run queue (hv/runq.h) holds
 * the vCPUs waiting for it in priority order (BOOST, UNDER, OVER); the
 * credit arithmetic is hv/lib/credit.c: a 10 ms tick per CPU charges the
 * running vCPU, a share-out every 30 ms hands out credit by weight and cap,
 * a capped vCPU deep in debt is parked. Slices of 30 ms; a vCPU woken by an
 * event or timer while it has credit is BOOST and preempts one that has run
 * for the rate limit (1 ms) at least. The slice and the rate limit are the
 * boot options' (sched_boot_params), then, with the migration delay,
 * XEN_SYSCTL_scheduler_op's (sched_set_params). Every
 * CPU runs this on its own queue; a vCPU is placed, and a CPU with nothing
 * better to run takes work from a busy one, by Xen's two steps: the CPUs of
 * its soft affinity first, then those of its hard affinity. Context switches, runstates (and
 * the guest's runstate area), softirqs and the exit path to guests.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/exit.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/machine.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/credit.h>
#include <hv/placement.h>
#include <hv/spinlock.h>
#include <hv/rcu.h>


void raise_softirq(unsigned int nr)
{
    __atomic_or_fetch(&this_cpu()->softirq_pending, 1UL << nr, __ATOMIC_SEQ_CST);
}

void do_softirqs(void)
{
    unsigned long pending;

    while ((pending = __atomic_exchange_n(&this_cpu()->softirq_pending, 0, __ATOMIC_SEQ_CST))) {
        if (pending & (1UL << SOFTIRQ_TIMER))
            timer_softirq();
        if (pending & (1UL << SOFTIRQ_KEYS))
            console_run_keys();
        if (pending & (1UL << SOFTIRQ_DOMAIN_FREE))
            domain_free_pending();
        if (pending & (1UL << SOFTIRQ_RCU))
            rcu_softirq();
        if (pending & (1UL << SOFTIRQ_DOM_EXC))
            domain_exc_softirq();
    }
}

/* Inline on the exit path, which asks on every return to a guest. */
static inline __attribute__((always_inline)) bool runnable(const struct vcpu *v)
{
    return v && !domain_is_dying(v->domain) && !v->domain->is_shutdown && !domain_is_paused(v->domain) &&
           !v->blocked && !v->down && !v->credit.parked &&
           !__atomic_load_n(&v->pause_count, __ATOMIC_RELAXED);
}

bool vcpu_runnable(const struct vcpu *v)
{
    return runnable(v);
}

/*
 * The credit state shared by every CPU (the share-out is global, as Xen's)
 * and each CPU's tick. credit_lock (LOCK_SCHED, irqsave) guards `credit`,
 * every vCPU's and domain's credit fields, every CPU's run queue, the vCPU
 * each CPU was given (curr_vcpu, as the scheduler decides it), each vCPU's
 * CPU (v->processor) and runstate. A handful of CPUs share it: the sections
 * are short, and one lock makes taking a vCPU from another CPU's queue no
 * different from taking it from one's own.
 */
static struct credit_sched credit = CREDIT_SCHED_EARLY;    /* credit_init in sched_start */
static struct timer account_timer;
static struct {
    struct timer tick;
    unsigned int epoch;                 /* the share-out its run queue was sorted after */
} credit_cpu[NR_CPUS];
static DEFINE_SPINLOCK(credit_lock, LOCK_SCHED);

#define runq_vcpu(n) ((struct vcpu *)((char *)(n) - __builtin_offsetof(struct vcpu, runq)))

/* The run queue of the CPU v runs on, is held by or waits for. */
static struct runq *runq_of(const struct vcpu *v)
{
    return &cpu_info_of(v->processor)->runq;
}

/*
 * Account the time since the last change to v's old runstate, and enter
 * `state`; charge v's credit for the time it ran; its timers follow it
 * (vcpu_timers_running). The guest's runstate area
 * is written by the caller once the CPU holds the right address space.
 */
static void runstate_set(struct vcpu *v, int state, uint64_t now)
{
    if (v->runstate.state == RUNSTATE_running && state != RUNSTATE_running) {
        credit_burn(&v->credit, now);
        vcpu_timers_not_running(v);
    } else if (v->runstate.state != RUNSTATE_running && state == RUNSTATE_running) {
        credit_run(&v->credit, now);
        vcpu_timers_running(v, v->processor);   /* its timers follow it to this CPU */
    }
    v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

/* The runstate of a vCPU that is not running: waiting for the CPU, blocked, or offline. */
static int waiting_state(const struct vcpu *v)
{
    if (vcpu_runnable(v))
        return RUNSTATE_runnable;
    return v->blocked ? RUNSTATE_blocked : RUNSTATE_offline;
}

/* Is v the vCPU its CPU was given (running, or the one an idle CPU holds)? Lock held. */
static bool on_cpu(const struct vcpu *v)
{
    return cpu_info_of(v->processor)->curr_vcpu == v;
}

/*
 * The event-check IPIs each CPU owes once it drops credit_lock: one sent
 * under the lock wakes a CPU that then only waits for the lock (on every
 * cross-CPU wake-up, the woken CPU's schedule against the waker's).
 */
static cpumask_t kicks_owed[NR_CPUS];

/*
 * Raise softirq nr on cpu: this one's exit path sees it; another sees it
 * after the event-check IPI sent once the lock is dropped. Lock held.
 */
static void softirq_on(unsigned int cpu, unsigned int nr)
{
    unsigned int me = this_cpu()->id;

    if (cpu == me) {
        raise_softirq(nr);
        return;
    }
    __atomic_or_fetch(&cpu_info_of(cpu)->softirq_pending, 1UL << nr, __ATOMIC_SEQ_CST);
    kicks_owed[me] |= cpu_bit(cpu);
}

/* Drop credit_lock, then send the IPIs owed (interrupts as they were before the unlock). */
static void sched_unlock(void)
{
    unsigned int me = this_cpu()->id, cpu;
    cpumask_t owed = kicks_owed[me];

    kicks_owed[me] = 0;
    spin_unlock(&credit_lock);
    for_each_online_cpu(cpu)
        if (owed & cpu_bit(cpu))
            smp_send_event_check(cpu);
}

static void sched_unlock_irqrestore(unsigned long flags)
{
    sched_unlock();
    if (flags & 0x200)                  /* X86_EFLAGS_IF, as spin_unlock_irqrestore */
        local_irq_enable();
}

/* The slice timer ends the running vCPU's slice: choose again on the way out. */
static void slice_expired(void *data)
{
    this_cpu()->need_resched = true;
    raise_softirq(SOFTIRQ_SCHEDULE);
}

/*
 * Arm cpu's slice timer (at slice_end) while a vCPU waits in its run queue,
 * stop it while the running one is alone (only its ticks come then).
 */
static void slice_update(unsigned int cpu)
{
    struct cpu_info *c = cpu_info_of(cpu);

    if (!c->runq.nr || !vcpu_runnable(c->curr_vcpu))
        stop_timer(&c->slice_timer);
    else if (!timer_is_active(&c->slice_timer) || c->slice_timer.expires != c->slice_end)
        set_timer(&c->slice_timer, c->slice_end);
}

/* A vCPU runs on cpu from now: its ticks run (at the next multiple of a tick, as Xen's). */
static void tick_start(unsigned int cpu, uint64_t now)
{
    struct timer *t = &credit_cpu[cpu].tick;

    if (!timer_is_active(t))
        set_timer(t, now + credit.tick_ns - now % credit.tick_ns);
}

/* Nothing to run on cpu: no runnable vCPU given to it, none waiting. Lock held. */
static bool cpu_is_idle(unsigned int cpu)
{
    const struct cpu_info *c = cpu_info_of(cpu);

    return !vcpu_runnable(c->curr_vcpu) && !c->runq.nr;
}

/* v's effective hard affinity: the online CPUs of its hard map. Lock held. */
static cpumask_t hard_cpus(const struct vcpu *v)
{
    return ~v->cpu_hard_excluded & cpu_online_mask;
}

/* May v run on cpu: is cpu in its effective hard affinity? Lock held. */
static bool may_run_on(const struct vcpu *v, unsigned int cpu)
{
    return (hard_cpus(v) & cpu_bit(cpu)) != 0;
}

/* The CPUs with nothing to run (cpu_is_idle). Lock held. */
static cpumask_t idle_cpus(void)
{
    cpumask_t idle = 0;
    unsigned int cpu;

    for_each_online_cpu(cpu)
        if (cpu_is_idle(cpu))
            idle |= cpu_bit(cpu);
    return idle;
}

/*
 * The CPU whose queue a vCPU becoming runnable joins: its own CPU while its
 * state is still there (being saved: that CPU's next schedule sends it on if
 * it may not run there); else where Xen's wake-up tickle would have it run:
 * its own CPU if idle, else an idle CPU of its soft affinity, then of its
 * hard one, else its own if allowed, else the next allowed one
 * (placement_wake). The affinity domctl keeps at least one online CPU
 * allowed. Lock held.
 */
static unsigned int pick_cpu(const struct vcpu *v)
{
    if (v->running)
        return v->processor;
    return placement_wake(v->processor, hard_cpus(v), ~v->cpu_soft_excluded, idle_cpus());
}

/*
 * v (not on its CPU) may have become runnable or stopped being so: queue it
 * at `pri` on the CPU pick_cpu chooses, or take it out, and account the
 * change of runstate; one already queued stays where it is. One more urgent
 * than the vCPU running there (a BOOST before an UNDER, an UNDER before an
 * OVER) preempts it (Xen's credit scheduler's tickle); an idle CPU is told to
 * look (an event-check IPI for another CPU). credit_lock held.
 */
static void sched_requeue_locked(struct vcpu *v, uint8_t pri)
{
    uint64_t now = now_ns();
    struct cpu_info *c;
    struct vcpu *curr;

    if (!vcpu_runnable(v)) {
        if (runq_queued(&v->runq))
            runq_remove(runq_of(v), &v->runq);
        if (v->runstate.state != RUNSTATE_running)
            runstate_set(v, waiting_state(v), now);
        return;
    }
    if (runq_queued(&v->runq))
        return;
    v->processor = pick_cpu(v);
    c = cpu_info_of(v->processor);
    curr = c->curr_vcpu;
    v->runq.pri = pri;
    runq_insert(&c->runq, &v->runq);
    runstate_set(v, RUNSTATE_runnable, now);
    if (!vcpu_runnable(curr)) {
        softirq_on(v->processor, SOFTIRQ_SCHEDULE);     /* the CPU idles: pick it on the way out */
    } else if (pri < curr->credit.pri) {
        c->need_resched = true;                         /* more urgent than the running one */
        softirq_on(v->processor, SOFTIRQ_SCHEDULE);
    } else {
        /* The running one's slice now has an end: a full one if it ran alone so far. */
        if (c->runq.nr == 1)
            c->slice_end = now + credit.tslice_ns;
        slice_update(v->processor);
    }
}

/*
 * The vCPU its CPU holds changed: if it may run again after the CPU idled
 * on it, it resumes at `pri` with a fresh slice (no switch); that CPU's exit
 * path looks again either way. Lock held.
 */
static bool resume_on_cpu_locked(struct vcpu *v, bool wake)
{
    uint64_t now = now_ns();
    bool resumed = false;

    if (vcpu_runnable(v) && v->runstate.state != RUNSTATE_running) {
        if (wake)
            credit_wake(&v->credit);
        runstate_set(v, RUNSTATE_running, now);
        cpu_info_of(v->processor)->slice_end = now + credit.tslice_ns;
        tick_start(v->processor, now);
        resumed = true;
    }
    softirq_on(v->processor, SOFTIRQ_SCHEDULE);
    return resumed;
}

/*
 * v's state changed: resume it where it is held, or (de)queue it; `wake`: it
 * was woken by an event (BOOST if it has credit). Any context.
 */
static void sched_update(struct vcpu *v, bool wake)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    bool resumed = false;

    if (on_cpu(v))
        resumed = resume_on_cpu_locked(v, wake);    /* or its exit path switches away */
    else
        sched_requeue_locked(v, wake ? credit_wake(&v->credit) : v->credit.pri);
    sched_unlock_irqrestore(flags);
    if (resumed) {
        if (v == current)
            runstate_area_update(v);            /* its address space is this CPU's */
        else
            v->runstate_area_stale = true;      /* written by its CPU on the way out */
    }
}

void vcpu_wake(struct vcpu *v)
{
    /* Taken by one waker only; the vCPU set it before looking for events (sched_op.c). */
    if (!__atomic_exchange_n(&v->blocked, false, __ATOMIC_SEQ_CST))
        return;
    if (v->polling) {
        v->polling = false;
        stop_timer(&v->poll_timer);
    }
    sched_update(v, true);
}

void vcpu_kick(struct vcpu *v)
{
    unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_RELAXED);

    /* Running on another CPU: make it pass its exit path, where the upcall is delivered. */
    if (cpu != this_cpu()->id && __atomic_load_n(&cpu_info_of(cpu)->curr_vcpu, __ATOMIC_RELAXED) == v)
        smp_send_event_check(cpu);
}

void vcpu_sched_update(struct vcpu *v)
{
    sched_update(v, false);
}

/* See sched.h. */
void vcpu_sleep_sync(struct vcpu *v)
{
    while (__atomic_load_n(&v->running, __ATOMIC_ACQUIRE) && !vcpu_runnable(v) &&
           __atomic_load_n(&v->processor, __ATOMIC_RELAXED) != this_cpu()->id) {
        cpu_relax();
        spin_wait_work();
    }
}

void domain_sched_update(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v)
        vcpu_sched_update(v);
    /* Another domain stopped: its vCPUs leave their CPUs before the caller goes on. */
    if (nr_cpus_online > 1 && (!current || d != current->domain)) {
        for_each_vcpu(d, v)
            vcpu_sleep_sync(v);
    }
}

void sched_init_domain(struct domain *d)
{
    credit_dom_init(&d->credit);
}

void sched_init_vcpu(struct vcpu *v)
{
    v->runq.next = v->runq.prev = NULL;
    credit_vcpu_init(&v->credit, &v->domain->credit);
    v->runq.pri = v->credit.pri;
    v->processor = 0;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = now_ns();
}

void sched_destroy_domain(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    struct vcpu *v;

    for_each_vcpu(d, v)
        credit_vcpu_remove(&credit, &v->credit);
    sched_unlock_irqrestore(flags);
}

void sched_get_credit(struct domain *d, uint16_t *weight, uint16_t *cap)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    *weight = d->credit.weight;
    *cap = d->credit.cap;
    sched_unlock_irqrestore(flags);
}

void sched_set_credit(struct domain *d, uint16_t weight, uint16_t cap)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    credit_dom_set(&credit, &d->credit, weight, cap);
    sched_unlock_irqrestore(flags);
}

/* See sched.h. */
void sched_get_params(struct credit_params *p)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    *p = credit.params;
    sched_unlock_irqrestore(flags);
}

/* See sched.h. */
void sched_set_params(const struct credit_params *p)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    bool was_limited = credit.params.ratelimit_us != 0;

    credit_set_params(&credit, p);
    sched_unlock_irqrestore(flags);
    if (was_limited != (p->ratelimit_us != 0))
        log_info("%s context switch rate limiting", p->ratelimit_us ? "Enabling" : "Disabling");
}

/* The share-out parked or unparked cv's vCPU: off the CPU and queue, or back. Lock held. */
static void credit_parked(struct credit_vcpu *cv, bool park, void *ctx)
{
    struct vcpu *v = (struct vcpu *)((char *)cv - __builtin_offsetof(struct vcpu, credit));

    if (!on_cpu(v))
        sched_requeue_locked(v, v->credit.pri);
    else if (!park && resume_on_cpu_locked(v, false))
        v->runstate_area_stale = true;          /* written once the share-out is over */
    else
        softirq_on(v->processor, SOFTIRQ_SCHEDULE);     /* parked: its exit path switches away */
}

/* Priorities changed in a share-out since this CPU's queue was last sorted: sort it. Lock held. */
static void runq_resort(struct cpu_info *c)
{
    struct runq_node *n;

    if (credit_cpu[c->id].epoch == credit.epoch)
        return;
    credit_cpu[c->id].epoch = credit.epoch;
    for (n = c->runq.head.next; n != &c->runq.head; n = n->next)
        n->pri = runq_vcpu(n)->credit.pri;
    runq_sort(&c->runq);
}

/* The share-out, every slice whatever runs (one timer for all CPUs). */
static void account_expired(void *data)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    uint64_t period;

    credit_account(&credit);
    period = credit.tslice_ns;
    sched_unlock_irqrestore(flags);
    if (current && current->runstate_area_stale)
        runstate_area_update(current);          /* unparked where the CPU idled on it */
    set_timer(&account_timer, now_ns() + period);
}

/*
 * This CPU's tick: charge the running vCPU (its boost ends, it earns credit
 * from now on) and sort the run queue after a share-out. Ticks run while a
 * vCPU runs here and stop while the CPU idles, as Xen's.
 */
static void tick_expired(void *data)
{
    struct cpu_info *c = this_cpu();
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    struct vcpu *v = c->curr_vcpu;
    uint64_t now = now_ns();
    bool running = v && v->runstate.state == RUNSTATE_running;
    uint64_t period = credit.tick_ns;

    if (running)
        credit_tick(&credit, &v->credit, now);
    runq_resort(c);
    sched_unlock_irqrestore(flags);
    if (running)
        set_timer(&credit_cpu[c->id].tick, now + period);
}

/* What note_placement saw under the lock, logged once the lock is dropped. */
struct placement_note {
    const struct vcpu *first_here;      /* ran on this CPU for the first time */
    const struct vcpu *other;           /* another domain's, running on `other_cpu` at once */
    unsigned int other_cpu;
};

/*
 * Where vCPUs run, for people and tests: the first time a vCPU runs on each
 * CPU, and the first time two domains run on two CPUs at once (seen under
 * the lock: both CPUs were given a runnable vCPU). Lock held; the lines are
 * printed by placement_log after it is dropped (the serial line is slow,
 * and every CPU's wake-ups wait for this lock).
 */
static void note_placement(unsigned int me, struct vcpu *next, struct placement_note *note)
{
    static bool parallel_seen;
    unsigned int cpu;

    if (nr_cpus_online == 1)
        return;
    if (!(next->cpus_run & cpu_bit(me))) {
        next->cpus_run |= cpu_bit(me);
        note->first_here = next;
    }
    if (parallel_seen)
        return;
    for_each_online_cpu(cpu) {
        const struct vcpu *other = cpu_info_of(cpu)->curr_vcpu;

        if (cpu != me && vcpu_runnable(other) && other->domain != next->domain) {
            parallel_seen = true;
            note->other = other;
            note->other_cpu = cpu;
            return;
        }
    }
}

/* The lines of note_placement; next runs on this CPU now. */
static void placement_log(const struct placement_note *note, const struct vcpu *next)
{
    unsigned int me = this_cpu()->id;

    if (note->first_here)
        log_info("d%uv%u runs on CPU%u", next->domain->id, next->id, me);
    if (note->other)
        log_info("CPU%u runs d%uv%u while CPU%u runs d%uv%u", me, next->domain->id, next->id,
                 note->other_cpu, note->other->domain->id, note->other->id);
}

/* Who steals: this CPU, in which balance step, when. */
struct steal_ctx {
    unsigned int me;
    enum placement_step step;
    uint64_t now;
};

/* The CPU after which the next look for work starts (Xen's balance_bias). Lock held. */
static unsigned int steal_bias;

/*
 * Another CPU's queued vCPU this CPU may take: its state is saved (not on
 * its CPU), it did not run there within the migration delay (Xen's
 * cache-hot), and this CPU is in its soft affinity (soft step) or its hard
 * one (hard step).
 */
static bool can_steal(const struct runq_node *n, void *ctx)
{
    const struct steal_ctx *sc = ctx;
    const struct vcpu *v = runq_vcpu(n);

    return vcpu_runnable(v) && !__atomic_load_n(&v->running, __ATOMIC_ACQUIRE) &&
           !credit_cache_hot(&credit, &v->credit, sc->now) &&
           placement_may_take(sc->step, sc->me, hard_cpus(v), ~v->cpu_soft_excluded);
}

/*
 * The CPUs this one may take work from: those running a vCPU with another
 * waiting behind it. Not an idle CPU's queue: that CPU was told to run what
 * waits there (Xen's csched_runq_steal). Lock held.
 */
static cpumask_t steal_peers(unsigned int me)
{
    cpumask_t peers = 0;
    unsigned int cpu;

    for_each_online_cpu(cpu)
        if (cpu != me && cpu_info_of(cpu)->runq.nr && vcpu_runnable(cpu_info_of(cpu)->curr_vcpu))
            peers |= cpu_bit(cpu);
    return peers;
}

/*
 * Load balancing, Xen's credit way (csched_load_balance): a CPU with nothing
 * to run, or only a vCPU in debt (`below`: SCHED_PRI_IDLE or SCHED_PRI_OVER),
 * looks at the other busy CPUs in turn, from the one after where it last
 * took work, for the first queued vCPU more urgent than `below` that prefers
 * it (soft affinity); failing that, the first that may run on it (hard
 * affinity). Lock held.
 */
static struct vcpu *steal(unsigned int me, uint64_t now, uint8_t below)
{
    struct steal_ctx sc = { .me = me, .now = now };
    unsigned int first, peer;
    struct runq_node *n;
    cpumask_t peers;

    for (sc.step = PLACEMENT_SOFT; sc.step <= PLACEMENT_HARD; sc.step++) {
        peers = steal_peers(me);
        if (!peers)
            return NULL;
        first = peer = placement_cycle(steal_bias, peers);
        do {
            n = runq_find(&cpu_info_of(peer)->runq, below, can_steal, &sc);
            if (n) {
                steal_bias = peer;
                runq_remove(&cpu_info_of(peer)->runq, n);
                runq_vcpu(n)->processor = me;
                return runq_vcpu(n);
            }
            peer = placement_cycle(peer, peers);
        } while (peer != first);
    }
    return NULL;
}

/*
 * v's affinity changed. Off every CPU and queue (blocked or down, its state
 * saved) its CPU is chosen again at once, as Xen's vcpu_migrate_finish does
 * with _csched_cpu_pick (placement_pick: a preferred idle CPU, else its own
 * if nothing waits there; getvcpuinfo shows it). Otherwise, where its CPU is no longer
 * allowed it moves at its next scheduling point: queued there, it goes to
 * the queue of an allowed CPU (or, its state still there, waits for that
 * CPU's schedule to send it on); running there, that CPU chooses again.
 * Lock held.
 */
static void affinity_changed(struct vcpu *v)
{
    if (!on_cpu(v) && !runq_queued(&v->runq) && !__atomic_load_n(&v->running, __ATOMIC_ACQUIRE)) {
        v->processor = placement_pick(v->processor, hard_cpus(v), ~v->cpu_soft_excluded, idle_cpus(),
                                      !runq_of(v)->nr);
        return;
    }
    if (!may_run_on(v, v->processor)) {
        if (runq_queued(&v->runq) && !v->running) {
            runq_remove(runq_of(v), &v->runq);
            sched_requeue_locked(v, v->runq.pri);
        } else if (on_cpu(v) || runq_queued(&v->runq)) {
            cpu_info_of(v->processor)->need_resched = true;
            softirq_on(v->processor, SOFTIRQ_SCHEDULE);
        }
    }
}

/* See sched.h. */
void sched_set_hard_affinity(struct vcpu *v, cpumask_t excluded)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    v->cpu_hard_excluded = excluded;
    affinity_changed(v);
    sched_unlock_irqrestore(flags);
}

/* See sched.h. */
void sched_set_soft_affinity(struct vcpu *v, cpumask_t excluded)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    v->cpu_soft_excluded = excluded;
    affinity_changed(v);
    sched_unlock_irqrestore(flags);
}

/*
 * prev left a CPU outside its hard affinity and its state is saved now: to
 * the queue of a CPU it may run on, unless a wake queued it meanwhile.
 */
static void requeue_saved(struct vcpu *v)
{
    spin_lock(&credit_lock);
    if (!on_cpu(v) && !runq_queued(&v->runq))
        sched_requeue_locked(v, v->credit.pri);
    sched_unlock();
}

/*
 * Context-switch rate limiting (Xen's sched_ratelimit_us): prev, running
 * here, still runnable and allowed here and not yielding, has run for less
 * than the rate limit since it was put on the CPU: it keeps the CPU until it
 * has, and the slice timer calls schedule again then. Lock held.
 */
static bool ratelimit_holds(struct cpu_info *c, struct vcpu *prev, uint64_t now)
{
    uint64_t hold;

    if (!vcpu_runnable(prev) || prev->yielding || !may_run_on(prev, c->id))
        return false;
    hold = credit_ratelimit_hold(&credit, now - prev->runstate.state_entry_time);
    if (!hold)
        return false;
    credit_burn(&prev->credit, now);
    c->slice_end = now + hold;
    slice_update(c->id);
    return true;
}

/*
 * Choose who runs on this CPU: the running vCPU, if it may still run, goes
 * back into the run queue at its priority (behind the others of it; a
 * yielding one behind one of a lower priority too), and the first of the
 * queue runs with a fresh slice; with nothing queued here, or only a vCPU in
 * debt, a more urgent one from another CPU's queue first (steal). With nothing runnable the CPU idles, its tick stopped: alone, it keeps
 * the last vCPU's state (a wake resumes it with no switch); with other CPUs
 * up it switches to no vCPU at all, so the state is saved for whichever CPU
 * runs the vCPU next and the CPU holds no domain's page tables. Interrupts off.
 */
static void schedule(void)
{
    struct cpu_info *c = this_cpu();
    struct vcpu *prev = c->curr_vcpu, *next = NULL, *leaving = NULL;
    struct placement_note note = { 0 };
    struct runq_node *n;
    uint64_t now;
    bool was_running;

    spin_lock(&credit_lock);
    now = now_ns();
    was_running = prev && prev->runstate.state == RUNSTATE_running;
    c->need_resched = false;
    runq_resort(c);
    if (was_running && ratelimit_holds(c, prev, now)) {
        sched_unlock();
        return;
    }
    if (prev && vcpu_runnable(prev) && !may_run_on(prev, c->id)) {
        leaving = prev;                 /* queued elsewhere once its state is saved, below */
    } else if (prev && vcpu_runnable(prev)) {
        if (was_running)
            credit_burn(&prev->credit, now);
        prev->runq.pri = prev->credit.pri;
        if (prev->yielding)
            runq_insert_yield(&c->runq, &prev->runq);
        else
            runq_insert(&c->runq, &prev->runq);
    }
    if (prev)
        prev->yielding = false;
    while ((n = runq_first(&c->runq)) && !(vcpu_runnable(runq_vcpu(n)) && may_run_on(runq_vcpu(n), c->id))) {
        runq_remove(&c->runq, n);
        if (vcpu_runnable(runq_vcpu(n)))
            sched_requeue_locked(runq_vcpu(n), n->pri);     /* saved: to a CPU it may run on */
        else    /* stopped being runnable without being taken out (a safety net): drop it */
            runstate_set(runq_vcpu(n), waiting_state(runq_vcpu(n)), now);
    }
    /* Nothing here, or only a vCPU in debt: a more urgent one from another CPU first, as Xen's. */
    if (nr_cpus_online > 1 && (!n || n->pri == SCHED_PRI_OVER))
        next = steal(c->id, now, n ? n->pri : SCHED_PRI_IDLE);
    if (!next && n) {
        runq_remove(&c->runq, n);
        next = runq_vcpu(n);
    }
    if (!next) {
        bool go_idle = prev && nr_cpus_online > 1;

        if (was_running)
            runstate_set(prev, waiting_state(prev), now);
        stop_timer(&c->slice_timer);
        stop_timer(&credit_cpu[c->id].tick);
        if (go_idle)
            c->curr_vcpu = NULL;        /* idle: prev's state leaves the CPU below */
        sched_unlock();
        if (was_running)
            runstate_area_update(prev);         /* still the CPU's address space */
        if (go_idle)
            context_switch(prev, NULL);
        if (leaving)
            requeue_saved(leaving);
        return;
    }
    if (prev && prev != next && was_running)
        runstate_set(prev, waiting_state(prev), now);
    if (next->runstate.state != RUNSTATE_running)
        runstate_set(next, RUNSTATE_running, now);
    c->slice_end = now + credit.tslice_ns;
    c->curr_vcpu = next;
    tick_start(c->id, now);
    slice_update(c->id);
    if (next != prev)
        note_placement(c->id, next, &note);
    sched_unlock();
    placement_log(&note, next);
    if (next != prev) {
        if (prev)
            runstate_area_update(prev);         /* before the switch: prev's address space */
        context_switch(prev, next);
        runstate_area_update(next);
    } else if (!was_running) {
        runstate_area_update(next);
    }
    if (leaving)
        requeue_saved(leaving);
}

/*
 * Are any domains left that could still run? One whose shutdown another CPU
 * is still carrying out (its audit, Dom0's own machine exit with its code)
 * counts as alive until that is over.
 */
static bool any_domain_alive(void)
{
    struct domain *d;

    for_each_domain(d)
        if (!domain_is_dying(d) && !__atomic_load_n(&d->shutdown_done, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

/*
 * Called with interrupts off just before restoring a guest frame: run deferred
 * work, choose who runs, let the architecture deliver a pending event upcall.
 * Loops (halting the CPU) while nothing is runnable. Returns whether the
 * architecture's fast exit (x86: SYSRET) fits the frame.
 */
int prepare_exit_to_guest(struct cpu_regs *regs)
{
    struct cpu_info *ci = cpu_info_above(regs);     /* regs: the guest frame, below the record */

    for (;;) {
        rcu_quiescent(ci->id);                  /* nothing borrowed is held here (hv/rcu.h) */
        if (ci->softirq_pending) {
            local_irq_enable();
            do_softirqs();
            local_irq_disable();
            if (ci->need_resched)
                schedule();                     /* a slice ended, a yield, a more urgent wake */
        }
        if (!runnable(ci->curr_vcpu)) {
            schedule();
            if (!vcpu_runnable(ci->curr_vcpu)) {
                if (!any_domain_alive())
                    machine_exit(EXIT_DOM0_POWEROFF);
                cpu_idle_wait();
                continue;
            }
        }
        if (__builtin_expect(ci->curr_vcpu->runstate_area_stale, 0))
            runstate_area_update(ci->curr_vcpu);    /* changed by another CPU */
        if (!arch_vcpu_deliver_events(ci->curr_vcpu, regs))
            continue;
        if (!ci->softirq_pending)
            return arch_exit_fast_ok(regs);
    }
}

/* This CPU's part of the scheduler: its slice timer and credit tick. Before it is marked online. */
void sched_init_cpu(void)
{
    struct cpu_info *c = this_cpu();

    if (init_timer(&c->slice_timer, slice_expired, NULL, c->id) ||
        init_timer(&credit_cpu[c->id].tick, tick_expired, NULL, c->id))
        panic("no memory for CPU%u's scheduler timers", c->id);
}

/*
 * A CPU with no vCPU yet (a secondary CPU once it is up, the boot CPU at
 * the end of boot): softirqs, the scheduler (its own queue, else another
 * CPU's), and a halt while there is nothing to run. The first vCPU it is
 * given leaves through the exit path, where the CPU idles from then on.
 * Never returns.
 */
void sched_idle_loop(void)
{
    struct cpu_info *c = this_cpu();

    local_irq_disable();
    for (;;) {
        rcu_quiescent(c->id);
        if (c->softirq_pending) {
            local_irq_enable();
            do_softirqs();
            local_irq_disable();
        }
        schedule();
        if (c->curr_vcpu)
            arch_enter_first_vcpu();
        cpu_idle_wait();
    }
}

void sched_start(void)
{
    struct credit_params boot;
    struct domain *d;
    struct vcpu *v;

    credit_init(&credit, nr_cpus_online, credit_parked, NULL);
    sched_boot_params(&boot);
    credit_set_params(&credit, &boot);
    if (init_timer(&account_timer, account_expired, NULL, this_cpu()->id))
        panic("no memory for the scheduler's timers");
    set_timer(&account_timer, now_ns() + credit.tslice_ns);
    /* Through the on-CPU check: another CPU may already run one (taken from our queue). */
    for_each_domain(d)
        for_each_vcpu(d, v)
            vcpu_sched_update(v);
    sched_idle_loop();
}
