/*
 * The stacks of vCPUs 1 and up (vCPU 0 runs on the boot stack): these three
 * unless the guest links its own with OS_VCPU_STACKS (os/smp.h), which
 * override them, so that only a guest with many vCPUs pays for their stacks.
 * Alone in this file so that no code sees the default's bound.
 */
#include <os/smp.h>

__attribute__((weak, aligned(4096))) uint8_t os_vcpu_stacks[3][OS_VCPU_STACK_SIZE];
__attribute__((weak)) const unsigned int os_vcpu_stacks_nr = 3;
