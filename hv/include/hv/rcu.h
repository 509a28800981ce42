/*
 * The hypervisor's grace periods (the mechanism: hv/grace_period.h; Xen's
 * RCU): a domain found by a borrowed lookup (domain_lookup,
 * domain_lookup_any) stays valid until its CPU next passes a quiescent
 * point, so a dead domain, and an emptied leaf of the domain table, are
 * taken out of the table first and freed through call_rcu.
 *
 * Quiescent points, where a CPU holds nothing borrowed: each pass of the
 * way back to a guest (prepare_exit_to_guest, before its softirqs; each
 * softirq is a read section of its own), each pass of a CPU's first idle
 * loop, and the halt (an idle CPU never holds a grace period up; an
 * interrupt wakes it out of that state before its handler runs). A
 * borrowed pointer is never kept across any of these, nor across a
 * hypercall continuation (which passes the way back to the guest).
 *
 * Deferred frees run from SOFTIRQ_RCU on whichever CPU sees their grace
 * period end; call_rcu kicks the CPUs that hold it up so it ends soon.
 */
#ifndef HV_RCU_H
#define HV_RCU_H
#include <hv/grace_period.h>

extern struct grace_period rcu_grace;

/* Run fn(h) once every CPU has passed a quiescent point: h's object is already unpublished. */
void call_rcu(struct gp_head *h, void (*fn)(struct gp_head *));

void rcu_note_quiescent(unsigned int cpu);

/* CPU `cpu` holds nothing borrowed now; one compare when no grace period has begun. */
static inline void rcu_quiescent(unsigned int cpu)
{
    if (__builtin_expect(__atomic_load_n(&rcu_grace.latest, __ATOMIC_RELAXED) !=
                         __atomic_load_n(&rcu_grace.cpu[cpu].seen, __ATOMIC_RELAXED), 0))
        rcu_note_quiescent(cpu);
}

/* Around the halt of an idle CPU (interrupts off): raises SOFTIRQ_RCU when a free is ready. */
void rcu_idle_enter(unsigned int cpu);
void rcu_idle_exit(unsigned int cpu);
/* On every interrupt: an idle CPU's handler may borrow, so the CPU is idle no longer. */
void rcu_irq_enter(void);
/* SOFTIRQ_RCU: the deferred frees whose grace period is over. */
void rcu_softirq(void);

#endif
