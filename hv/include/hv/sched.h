/*
 * Scheduling: each CPU runs the first vCPU of its run queue, chosen on the
 * one exit path (prepare_exit_to_guest). Round robin in slices (30 ms unless
 * XEN_SYSCTL_scheduler_op set another) within a priority; a vCPU woken by an event or timer (BOOST, Xen's credit idea) goes
 * ahead of the others and preempts a running vCPU that was not woken so.
 * Nothing here blocks inside the hypervisor: a vCPU that blocks is simply not
 * queued; with nothing runnable the CPU halts until an interrupt wakes one.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H
#include <stdbool.h>
#include <hv/domain.h>
#include <hv/credit.h>

bool vcpu_runnable(const struct vcpu *v);
/* A new domain: Xen's credit defaults (weight 256, no cap). Before its vCPUs. */
void sched_init_domain(struct domain *d);
/* A new vCPU: on no run queue, offline in its runstate until it first becomes runnable. */
void sched_init_vcpu(struct vcpu *v);
/* d is dying: its vCPUs stop earning credit (a parked one is unparked). */
void sched_destroy_domain(struct domain *d);
/* XEN_DOMCTL_scheduler_op's credit parameters (putinfo: weight 0, cap 0xffff keep). */
void sched_get_credit(struct domain *d, uint16_t *weight, uint16_t *cap);
void sched_set_credit(struct domain *d, uint16_t weight, uint16_t cap);
/*
 * XEN_SYSCTL_scheduler_op's pool parameters: the slice, the rate limit, the
 * migration delay. set: valid ones only (credit_params_valid); they apply
 * from each CPU's next slice, tick and share-out. Any context.
 */
void sched_get_params(struct credit_params *p);
void sched_set_params(const struct credit_params *p);
/*
 * The parameters the boot options sched_credit_tslice_ms and
 * sched_ratelimit_us ask for, after Xen's fallbacks (each logged with Xen's
 * warning lines); the defaults without them. Boot CPU, from sched_start.
 */
void sched_boot_params(struct credit_params *p);

/*
 * v's runstate as VCPUOP_get_runstate_info gives it (until_now: the time in
 * its present state counted up to now) or as the registered area holds it
 * (not counted: the guest adds it from state_entry_time).
 */
struct vcpu_runstate_info;
void runstate_snapshot(const struct vcpu *v, struct vcpu_runstate_info *r, bool until_now);
/*
 * Write v's registered runstate area (if any) now, or at its next entry into
 * its kernel if it is in user mode (arch). v's address space must be the
 * CPU's. Called at every change of runstate, as Xen's update_runstate_area.
 */
void runstate_area_update(struct vcpu *v);
/*
 * v's pause count, VCPUOP_down/up, shutdown or dying state changed: put it in
 * its CPU's run queue (NORMAL priority) or take it out, whichever it now needs.
 * (A wake from blocking is vcpu_wake, which boosts.) domain_sched_update: the
 * same for every vCPU of d. Any context, interrupts on or off.
 */
void vcpu_sched_update(struct vcpu *v);
/*
 * Set v's hard affinity to every CPU but `excluded` (XEN_DOMCTL_setvcpuaffinity:
 * at least one online CPU left), or its soft one (a preference, any map). A v
 * that is off every CPU and queue gets its CPU chosen again at once; one on
 * a CPU now excluded moves at its next scheduling point. Any context.
 */
void sched_set_hard_affinity(struct vcpu *v, cpumask_t excluded);
void sched_set_soft_affinity(struct vcpu *v, cpumask_t excluded);
/* The same for every vCPU of d; for another domain, returns once none of them is on a CPU. */
void domain_sched_update(struct domain *d);
/*
 * Wait until v's state is off every other CPU (Xen's vcpu_sleep_sync): for a
 * v that may no longer run (paused, down, dying), whose CPU was told to switch
 * away by vcpu_sched_update. Returns at once for this CPU's own vCPU.
 */
void vcpu_sleep_sync(struct vcpu *v);
/* v has a new event upcall pending: if it runs on another CPU, have that CPU deliver it now. */
void vcpu_kick(struct vcpu *v);
/* This CPU's scheduler state (its slice timer); each CPU before it runs vCPUs. */
void sched_init_cpu(void);
/* First entry into the guest world (the boot CPU's idle loop once its vCPUs are queued); never returns. */
void sched_start(void) __attribute__((noreturn));
/* A CPU that has just come up: its idle loop on its own run queue; never returns. */
void sched_idle_loop(void) __attribute__((noreturn));

/*
 * Called by entry.S before every return to a guest: softirqs, pending events,
 * the frame check. Non-zero when the frame may leave by SYSRET.
 */
struct cpu_regs;
int prepare_exit_to_guest(struct cpu_regs *regs);

/*
 * What the scheduler asks of the architecture (hv/arch/x86/domain.c):
 *  - context_switch(prev, next): make `next` the running vCPU (`current`):
 *    save prev's state if it was running (prev may be NULL), load next's
 *    frame, FPU, page tables and segments;
 *  - arch_vcpu_deliver_events(v, regs) and arch_exit_fast_ok(regs): the
 *    exit path's part, inline in <asm/exit.h>;
 *  - arch_enter_first_vcpu(): leave the boot stack for the running vCPU.
 */
void context_switch(struct vcpu *prev, struct vcpu *next);
void arch_enter_first_vcpu(void) __attribute__((noreturn));

/* Softirq-style deferred work, run on the exit path with interrupts enabled. */
#define SOFTIRQ_TIMER    0
#define SOFTIRQ_SCHEDULE 1
#define SOFTIRQ_KEYS     2
#define SOFTIRQ_DOMAIN_FREE 3     /* domains whose last reference went (domain_free_pending) */
#define SOFTIRQ_RCU      4        /* frees whose grace period is over (hv/rcu.h) */
#define SOFTIRQ_DOM_EXC  5        /* Dom0's VIRQ_DOM_EXC for a shutdown (domain_exc_softirq) */
void raise_softirq(unsigned int nr);
void do_softirqs(void);

#endif
