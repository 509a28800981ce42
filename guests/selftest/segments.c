/*
 * SEG: set_segment_base (25) and fpu_taskswitch (5).
 */
#include <os/traps.h>
#include "test.h"

static volatile uint64_t fs_target = 0x1122334455667788ull;
static volatile uint64_t gs_target = 0x8877665544332211ull;

static uint64_t read_fs0(void)
{
    uint64_t v;
    asm volatile ("mov %%fs:0, %0" : "=r" (v) :: "memory");
    return v;
}

static uint64_t read_gs0(void)
{
    uint64_t v;
    asm volatile ("mov %%gs:0, %0" : "=r" (v) :: "memory");
    return v;
}

static void bases(void)
{
    long rc;

    rc = HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&fs_target);
    t_check("SEG0001", "SEGBASE_FS sets the %fs base", rc == 0 &&
            read_fs0() == fs_target, "(rc=%ld)", rc);
    rc = HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&gs_target);
    t_check("SEG0002", "SEGBASE_GS_KERNEL sets the kernel %gs base", rc == 0 &&
            read_gs0() == gs_target, "(rc=%ld)", rc);
    rc = HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0x1000);
    t_check("SEG0003", "SEGBASE_GS_USER returns 0 and leaves the kernel %gs base",
            rc == 0 && read_gs0() == gs_target, "(rc=%ld)", rc);
    t_rc("SEG0004", "SEGBASE_FS with a non-canonical base gives -EINVAL",
         HYPERVISOR_set_segment_base(SEGBASE_FS, T_NONCANON_VA), -XEN_EINVAL);
    t_rc("SEG0005", "SEGBASE_GS_USER_SEL with a null selector returns 0",
         HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    t_rc("SEG0006", "SEGBASE_GS_USER_SEL with a bad selector returns 0 (nulled)",
         HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xfff8), 0);
    t_rc("SEG0007", "unknown set_segment_base selector gives -EINVAL",
         HYPERVISOR_set_segment_base(9, 0), -XEN_EINVAL);
    HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
    HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
    HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0);
}

/* #NM hook: clear the virtual TS (what a lazy FPU switch would do). */
static int nm_hook(struct os_regs *r)
{
    HYPERVISOR_fpu_taskswitch(0);
    return 1;
}

static void fpu(void)
{
    unsigned long before;
    os_trap_hook_t old;
    long rc;

    old = os_set_trap_hook(7, nm_hook);
    before = os_trap_count[7];
    rc = HYPERVISOR_fpu_taskswitch(1);
    asm volatile ("fnop" ::: "memory");
    t_check("SEG0008", "fpu_taskswitch(1) makes the next FPU use raise #NM once",
            rc == 0 && os_trap_count[7] == before + 1, "(rc=%ld nm=%lu)", rc,
            os_trap_count[7] - before);

    before = os_trap_count[7];
    rc = HYPERVISOR_fpu_taskswitch(1);
    asm volatile ("clts; fnop" ::: "memory");
    t_check("SEG0009", "clts (emulated) clears the virtual TS: no #NM",
            rc == 0 && os_trap_count[7] == before, "(rc=%ld nm=%lu)", rc,
            os_trap_count[7] - before);

    before = os_trap_count[7];
    rc = HYPERVISOR_fpu_taskswitch(0);
    asm volatile ("fnop" ::: "memory");
    t_check("SEG0010", "fpu_taskswitch(0) leaves the FPU usable",
            rc == 0 && os_trap_count[7] == before, "(rc=%ld)", rc);
    os_set_trap_hook(7, old);
}

void suite_segments(void)
{
    bases();
    fpu();
}
