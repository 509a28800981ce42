/*
 * More vCPUs (os/core/smp.c). vCPU 0 runs os_main; vCPU n (1 to
 * OS_MAX_VCPUS-1) runs jobs: os_vcpu_start gives it its first context
 * (its own stack in our image, our trap table, callbacks and page tables)
 * with VCPUOP_initialise, then VCPUOP_up. When a job returns the vCPU takes
 * itself down (VCPUOP_down); os_vcpu_run gives it the next job and brings it
 * up again, where it resumes after that down.
 *
 * Which vCPU runs is told by the stack: code on a started vCPU's stack is
 * that vCPU, anything else vCPU 0. Events: a port is delivered to the vCPU
 * the hypervisor notifies (bind_ipi / bind_virq name it, EVTCHNOP_bind_vcpu
 * moves it); tell the library with os_evtchn_set_vcpu so that only that
 * vCPU's upcall handles it. 2-level events only (FIFO: vCPU 0 alone).
 */
#ifndef OS_SMP_H
#define OS_SMP_H

#include <stdint.h>
#include <xen/xen.h>

#define OS_MAX_VCPUS        4
#define OS_VCPU_STACK_SIZE  (4 * 4096)

typedef void (*os_vcpu_fn_t)(void *arg);

/* The vCPU this code runs on. */
unsigned int os_vcpu_id(void);
/* Its vcpu_info (vCPU 0: os_vcpu_info). */
struct vcpu_info *os_this_vcpu_info(void);
/* vCPU id's vcpu_info, after it moved with VCPUOP_register_vcpu_info. */
void os_vcpu_set_info(unsigned int id, struct vcpu_info *info);

/*
 * The context os_vcpu_start gives vCPU id: entry in the library, its stack,
 * events masked until the job runs. Tests change it to see refusals.
 */
void os_vcpu_context(unsigned int id, struct vcpu_guest_context *ctx);

/* VCPUOP_initialise with os_vcpu_context, then VCPUOP_up running fn(arg): 0 or Xen's error. */
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
