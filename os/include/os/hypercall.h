/*
 * Hypercall wrappers of the os/ library.
 *
 * A 64-bit PV kernel calls hypercall nr by calling slot nr of the
 * hypercall page (32 bytes each); the slot does `syscall` with the number
 * in eax and the arguments in rdi, rsi, rdx, r10, r8; the result comes back
 * in rax (a negative errno on failure).  rcx and r11 are saved by the slot;
 * the argument registers may come back changed (debug builds of Xen poison
 * them), so they are all outputs here.
 */
#ifndef OS_HYPERCALL_H
#define OS_HYPERCALL_H

#include <stdint.h>

extern char hypercall_page[4096];

#define OS_HC_STR_(x) #x
#define OS_HC_STR(x) OS_HC_STR_(x)

/* Raw call of hypercall number nr (an integer constant expression). */
#define os_hypercall5(nr, a1, a2, a3, a4, a5) ({                         \
    long res_;                                                           \
    register long a1_ asm("rdi") = (long)(a1);                           \
    register long a2_ asm("rsi") = (long)(a2);                           \
    register long a3_ asm("rdx") = (long)(a3);                           \
    register long a4_ asm("r10") = (long)(a4);                           \
    register long a5_ asm("r8")  = (long)(a5);                           \
    asm volatile ("call hypercall_page + %c[off]"                        \
                  : "=a" (res_), "+r" (a1_), "+r" (a2_), "+r" (a3_),     \
                    "+r" (a4_), "+r" (a5_)                               \
                  : [off] "i" ((nr) * 32)                                \
                  : "memory", "rcx", "r11");                             \
    res_;                                                                \
})

#define os_hypercall0(nr)                 os_hypercall5(nr, 0, 0, 0, 0, 0)
#define os_hypercall1(nr, a)              os_hypercall5(nr, a, 0, 0, 0, 0)
#define os_hypercall2(nr, a, b)           os_hypercall5(nr, a, b, 0, 0, 0)
#define os_hypercall3(nr, a, b, c)        os_hypercall5(nr, a, b, c, 0, 0)
#define os_hypercall4(nr, a, b, c, d)     os_hypercall5(nr, a, b, c, d, 0)

/*
 * Call a hypercall whose number is only known at run time (used by tests
 * probing unknown numbers).  nr must be below 128 (one page of slots).
 */
long os_hypercall_dyn(unsigned int nr, long a1, long a2, long a3, long a4,
                      long a5);

/* Typed wrappers; each returns Xen's result unchanged. */
#include <xen/xen.h>

static inline long HYPERVISOR_console_io(int cmd, int count, const char *buf)
{ return os_hypercall3(__HYPERVISOR_console_io, cmd, count, buf); }

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{ return os_hypercall2(__HYPERVISOR_xen_version, cmd, arg); }

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{ return os_hypercall2(__HYPERVISOR_sched_op, cmd, arg); }

static inline long HYPERVISOR_set_trap_table(const void *table)
{ return os_hypercall1(__HYPERVISOR_set_trap_table, table); }

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{ return os_hypercall2(__HYPERVISOR_callback_op, cmd, arg); }

static inline long HYPERVISOR_set_callbacks(unsigned long event,
                                            unsigned long failsafe,
                                            unsigned long syscall)
{ return os_hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall); }

static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t pte,
                                                unsigned long flags)
{ return os_hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags); }

static inline long HYPERVISOR_mmu_update(void *reqs, unsigned int count,
                                         unsigned int *done, unsigned int dom)
{ return os_hypercall4(__HYPERVISOR_mmu_update, reqs, count, done, dom); }

static inline long HYPERVISOR_mmuext_op(void *ops, unsigned int count,
                                        unsigned int *done, unsigned int dom)
{ return os_hypercall4(__HYPERVISOR_mmuext_op, ops, count, done, dom); }

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{ return os_hypercall2(__HYPERVISOR_event_channel_op, cmd, arg); }

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{ return os_hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg); }

static inline long HYPERVISOR_set_timer_op(uint64_t deadline_ns)
{ return os_hypercall1(__HYPERVISOR_set_timer_op, deadline_ns); }

static inline long HYPERVISOR_memory_op(int cmd, void *arg)
{ return os_hypercall2(__HYPERVISOR_memory_op, cmd, arg); }

static inline long HYPERVISOR_multicall(void *calls, unsigned int nr)
{ return os_hypercall2(__HYPERVISOR_multicall, calls, nr); }

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{ return os_hypercall2(__HYPERVISOR_vm_assist, cmd, type); }

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{ return os_hypercall2(__HYPERVISOR_stack_switch, ss, sp); }

static inline long HYPERVISOR_set_segment_base(unsigned int which,
                                               unsigned long base)
{ return os_hypercall2(__HYPERVISOR_set_segment_base, which, base); }

static inline long HYPERVISOR_fpu_taskswitch(int set)
{ return os_hypercall1(__HYPERVISOR_fpu_taskswitch, set); }

static inline long HYPERVISOR_set_debugreg(unsigned int reg, unsigned long value)
{ return os_hypercall2(__HYPERVISOR_set_debugreg, reg, value); }

static inline long HYPERVISOR_get_debugreg(unsigned int reg)
{ return os_hypercall1(__HYPERVISOR_get_debugreg, reg); }

static inline long HYPERVISOR_set_gdt(const unsigned long *frames,
                                      unsigned int entries)
{ return os_hypercall2(__HYPERVISOR_set_gdt, frames, entries); }

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{ return os_hypercall2(__HYPERVISOR_update_descriptor, maddr, desc); }

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{ return os_hypercall2(__HYPERVISOR_physdev_op, cmd, arg); }

#endif /* OS_HYPERCALL_H */
