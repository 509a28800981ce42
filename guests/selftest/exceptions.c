/*
 * EXC: exceptions bounced through the trap table and returned by iret.
 */
#include <os/traps.h>
#include "test.h"

static volatile uint64_t bp_rip, bp_cs, bp_rflags;

/* #BP hook: remember the frame, let execution go on. */
static int bp_hook(struct os_regs *r)
{
    bp_rip = r->rip;
    bp_cs = r->cs;
    bp_rflags = r->rflags;
    return 1;
}

static void int3(void)
{
    unsigned long before = os_trap_count[3];
    uint64_t after_int3;
    os_trap_hook_t old = os_set_trap_hook(3, bp_hook);

    asm volatile ("int3\n lea (%%rip), %0" : "=r" (after_int3) :: "memory");
    os_set_trap_hook(3, old);
    t_check("EXC0001", "int3 is bounced with rip after it and returns by iret",
            os_trap_count[3] == before + 1 && bp_rip == after_int3 - 7,
            "(count=%lu rip=%#lx next=%#lx)", os_trap_count[3] - before,
            (unsigned long)bp_rip, (unsigned long)after_int3);
    /*
     * Both PV rings are 3 in hardware; Xen marks guest kernel mode by
     * RPL 0 in the frame's cs and keeps the saved upcall mask in bits
     * 32-39.  We ran with events enabled, so mask 0 and IF set.
     */
    t_check("EXC0009", "the kernel bounce frame has cs 0xe030 with saved mask 0",
            bp_cs == 0xe030, "(cs=%#lx)", (unsigned long)bp_cs);
    t_check("EXC0010", "the bounce frame rflags has IF set (events were enabled)",
            (bp_rflags & 0x200) != 0, "(rflags=%#lx)", (unsigned long)bp_rflags);
}

static void ud(void)
{
    uint64_t ex = 0;

    asm volatile ("1: ud2\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    t_check("EXC0002", "ud2 raises #UD", OS_EXINFO_VEC(ex) == 6,
            "(exinfo=%#lx)", (unsigned long)ex);
}

static void gp(void)
{
    uint64_t ex = 0, val = 0;

    asm volatile ("1: mov (%[p]), %[v]\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), [v] "+r" (val)
                  : [p] "r" (T_NONCANON_VA) : "memory");
    t_check("EXC0003", "a non-canonical load raises #GP(0), fixed up",
            OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0,
            "(exinfo=%#lx)", (unsigned long)ex);
}

static void pf(void)
{
    uint64_t ex = 0, val = 0, cr2;

    asm volatile ("1: mov (%[p]), %[v]\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), [v] "+r" (val)
                  : [p] "r" (T_UNMAPPED_VA + 8) : "memory");
    cr2 = os_vcpu_info->arch.cr2;
    /* Kernel-mode read of a not-present page: P=0, W=0, U=0. */
    t_check("EXC0004", "a load from an unmapped page raises #PF(0) with cr2 set",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 0 &&
            cr2 == T_UNMAPPED_VA + 8, "(exinfo=%#lx cr2=%#lx)",
            (unsigned long)ex, (unsigned long)cr2);

    ex = 0;
    asm volatile ("1: movq $1, (%[p])\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) : [p] "r" (os_start_info->pt_base) : "memory");
    t_check("EXC0005", "a store to the read-only L4 raises #PF(P|W)",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3,
            "(exinfo=%#lx)", (unsigned long)ex);
}

static void soft_int_unlisted(void)
{
    uint64_t ex = 0;

    asm volatile ("1: int $0x21\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    t_check("EXC0006", "int $0x21 with no trap entry raises #GP((0x21<<3)|2)",
            OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == ((0x21 << 3) | 2),
            "(exinfo=%#lx)", (unsigned long)ex);
}

static void forced_cpuid(void)
{
    uint32_t a, b, c = 0, d;
    uint64_t ex = 0x40000000;   /* leaf in, eax or exinfo out */

    asm volatile ("1: ud2; .ascii \"xen\"; cpuid\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), "=b" (b), "+c" (c), "=d" (d) :: "memory");
    a = (uint32_t)ex;
    t_check("EXC0007", "forced-emulation cpuid 0x40000000 reports XenVMMXenVMM",
            !(ex >> 63) && b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e &&
            a >= 0x40000002, "(eax=%#x ebx=%#x ecx=%#x edx=%#x)", a, b, c, d);
}

static void privileged(void)
{
    uint64_t ex = 0;

    /* A PV kernel runs in ring 3: lgdt is privileged and never emulated. */
    asm volatile ("1: lgdt (%%rsp)\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    t_check("EXC0008", "lgdt in the PV kernel raises #GP(0)",
            OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0,
            "(exinfo=%#lx)", (unsigned long)ex);
}

void suite_exceptions(void)
{
    int3();
    ud();
    gp();
    pf();
    soft_int_unlisted();
    forced_cpuid();
    privileged();
}
