/*
 * First instruction of a vCPU started by os_vcpu_start (os/core/smp.c):
 * its context gives %rsp = the top of its own stack and %rdi = its id.
 */
    .text
    .globl os_vcpu_entry
os_vcpu_entry:
    cld
    xor     %ebp, %ebp
    call    os_vcpu_main
1:  ud2
    jmp     1b
