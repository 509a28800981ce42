/*
 * More vCPUs (os/core/smp.c). vCPU 0 runs os_main; vCPU n (1 to
 * OS_MAX_VCPUS-1, within the stacks the guest has: OS_VCPU_STACKS) runs
 * jobs: os_vcpu_start gives it its first context
 * (its own stack in our image, our trap table, callbacks and page tables)
 * with VCPUOP_initialise, then VCPUOP_up. When a job returns the vCPU takes
 * itself down (VCPUOP_down); os_vcpu_run gives it the next job and brings it
 * up again, where it resumes after that down.
 *
 * Which vCPU runs is told by the stack: code on a started vCPU's stack is
 * that vCPU, anything else vCPU 0. Events: a port is delivered to the vCPU
 * the hypervisor notifies (bind_ipi / bind_virq name it, EVTCHNOP_bind_vcpu
 * moves it); tell the library with os_evtchn_set_vcpu so that only that
 * vCPU's 2-level scan handles it. FIFO: each vCPU consumes the queues of its
 * own control block (os_evtchn_fifo_init_vcpu), so no telling is needed.
 *
 * vCPUs from XEN_LEGACY_MAX_VCPUS (32) up have no vcpu_info in shared_info:
 * register one (VCPUOP_register_vcpu_info, then os_vcpu_set_info) before
 * os_vcpu_start, which the hypervisor refuses before that (-EINVAL).
 * os_vcpu_start and os_vcpu_run are vCPU 0's calls.
 */
#ifndef OS_SMP_H
#define OS_SMP_H

#include <stdint.h>
#include <xen/xen.h>

#define OS_MAX_VCPUS        128         /* the library's limit (the hypervisors': 8192) */
#define OS_VCPU_STACK_SIZE  (4 * 4096)

/*
 * The stacks of vCPUs 1..n: the library has three (vCPUs 1-3); a guest that
 * starts more says so once, at file scope: OS_VCPU_STACKS(127);
 */
#define OS_VCPU_STACKS(n)                                                       \
    uint8_t os_vcpu_stacks[(n)][OS_VCPU_STACK_SIZE] __attribute__((aligned(4096))); \
    const unsigned int os_vcpu_stacks_nr = (n)
extern uint8_t os_vcpu_stacks[][OS_VCPU_STACK_SIZE];
extern const unsigned int os_vcpu_stacks_nr;
/* How many vCPUs this image can run: 1 + its stacks, at most OS_MAX_VCPUS. */
unsigned int os_vcpu_limit(void);

typedef void (*os_vcpu_fn_t)(void *arg);

/* The vCPU this code runs on. */
unsigned int os_vcpu_id(void);
/* Its vcpu_info (vCPU 0: os_vcpu_info). */
struct vcpu_info *os_this_vcpu_info(void);
/* The vcpu_info of vCPU id as the library knows it: NULL for one from 32 up not registered yet. */
struct vcpu_info *os_vcpu_info_of(unsigned int id);
/* vCPU id's vcpu_info, after it moved with VCPUOP_register_vcpu_info. */
void os_vcpu_set_info(unsigned int id, struct vcpu_info *info);
/* VCPUOP_register_vcpu_info at offset in page (ours), then os_vcpu_set_info: 0 or Xen's error. */
long os_vcpu_register_info(unsigned int id, void *page, unsigned int offset);

/*
 * The context os_vcpu_start gives vCPU id: entry in the library, its stack,
 * events masked until the job runs. Tests change it to see refusals.
 */
void os_vcpu_context(unsigned int id, struct vcpu_guest_context *ctx);

/*
 * VCPUOP_initialise with os_vcpu_context, then VCPUOP_up running fn(arg): 0 or
 * Xen's error; -EINVAL without a stack for id (os_vcpu_limit).
 */
long os_vcpu_start(unsigned int id, os_vcpu_fn_t fn, void *arg);
/* The next job of a vCPU whose last job ended (it is down): 0 or VCPUOP_up's error. */
long os_vcpu_run(unsigned int id, os_vcpu_fn_t fn, void *arg);
/* Yield until vCPU id's job returned and the vCPU is down. */
void os_vcpu_wait(unsigned int id);
/* Has its job returned? */
int os_vcpu_job_done(unsigned int id);

/* Port is delivered to vCPU `vcpu` (the hypervisor's notify vCPU); at start every port is vCPU 0's. */
void os_evtchn_set_vcpu(unsigned int port, unsigned int vcpu);
/* EVTCHNOP_bind_vcpu, and os_evtchn_set_vcpu when it succeeded: 0 or Xen's error. */
long os_evtchn_move(unsigned int port, unsigned int vcpu);

#endif /* OS_SMP_H */
