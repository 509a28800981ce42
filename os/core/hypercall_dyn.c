/*
 * Hypercall by run-time number, for tests that probe the table.
 */
#include <os/hypercall.h>
#include <xen/errno.h>

/* Call slot nr of the hypercall page; nr >= 128 gives -ENOSYS locally. */
long os_hypercall_dyn(unsigned int nr, long a1, long a2, long a3, long a4,
                      long a5)
{
    register long r1 asm("rdi") = a1;
    register long r2 asm("rsi") = a2;
    register long r3 asm("rdx") = a3;
    register long r4 asm("r10") = a4;
    register long r5 asm("r8") = a5;
    long res;

    if (nr >= 128)
        return -XEN_ENOSYS;
    asm volatile ("call *%[fn]"
                  : "=a" (res), "+r" (r1), "+r" (r2), "+r" (r3), "+r" (r4),
                    "+r" (r5)
                  : [fn] "r" (hypercall_page + nr * 32)
                  : "memory", "rcx", "r11");
    return res;
}
