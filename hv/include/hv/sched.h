/*
 * Scheduling: a round robin over runnable vCPUs on this CPU, run from the one
 * exit path (prepare_exit_to_guest). Nothing here blocks inside the
 * hypervisor: a vCPU that blocks simply is not chosen; with nothing runnable
 * the CPU halts until an interrupt makes something runnable.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H
#include <stdbool.h>
#include <hv/domain.h>

bool vcpu_runnable(const struct vcpu *v);
/* Make `next` the running vCPU: swap the frame on the CPU stack, load its state. */
void context_switch(struct vcpu *next);
/* First entry into the guest world; never returns. */
void sched_start(void) __attribute__((noreturn));

/*
 * Called by entry.S before every return to a guest: softirqs, pending events,
 * the frame check. Non-zero when the frame may leave by SYSRET.
 */
struct cpu_regs;
int prepare_exit_to_guest(struct cpu_regs *regs);

/* A vCPU runs at most this long while another one is runnable (round robin). */
#define SCHED_SLICE_NS 10000000ULL

/* The end of the running vCPU's slice, when others wait (0 = no slice to enforce). */
uint64_t sched_slice_deadline(void);

/* Softirq-style deferred work, run on the exit path with interrupts enabled. */
#define SOFTIRQ_TIMER    0
#define SOFTIRQ_SCHEDULE 1
#define SOFTIRQ_KEYS     2
void raise_softirq(unsigned int nr);
void do_softirqs(void);

#endif
