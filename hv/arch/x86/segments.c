/*
 * A vCPU's data segment state: the selectors DS, ES, FS, GS and the FS/GS
 * bases. A 64-bit guest loads the selectors itself in ring 3; they are saved
 * when its state leaves the CPU and loaded again when it comes back, before
 * the bases (loading a selector resets the base). A selector the CPU refuses
 * then (its descriptor changed meanwhile) becomes the null selector through
 * the exception-fixup table, and, as on Xen, the guest is told through its
 * failsafe callback, whose frame holds the four selectors as they were.
 */
#include <stdint.h>
#include <stdbool.h>
#include <asm/cpu.h>
#include <hv/guest_access.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <asm/traps.h>

static void selectors_save(struct vcpu *v)
{
    uint16_t s;
    __asm__ volatile("mov %%ds, %0" : "=r"(s));
    v->arch.sel_ds = s;
    __asm__ volatile("mov %%es, %0" : "=r"(s));
    v->arch.sel_es = s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    v->arch.sel_fs = s;
    __asm__ volatile("mov %%gs, %0" : "=r"(s));
    v->arch.sel_gs = s;
}

/* Load one selector; on a fault load null instead and clear ok. */
#define LOAD_SEL(seg, value, ok)                                \
    __asm__ volatile("1: movl %k1, %%" seg "\n"                \
                     "2:\n"                                     \
                     ".section .fixup_seg, \"ax\"\n"            \
                     "3: xorl %k0, %k0\n"                       \
                     "   movl %k0, %%" seg "\n"                 \
                     "   jmp 2b\n"                              \
                     ".previous\n"                              \
                     EX_TABLE("1b", "3b")                       \
                     : "+r"(ok) : "r"((uint32_t)(value)) : "memory")

static bool selectors_load(const struct vcpu *v)
{
    uint32_t ok = 1;

    LOAD_SEL("fs", v->arch.sel_fs, ok);              /* Xen's order: fs, gs, ds, es */
    LOAD_SEL("gs", v->arch.sel_gs, ok);
    LOAD_SEL("ds", v->arch.sel_ds, ok);
    LOAD_SEL("es", v->arch.sel_es, ok);
    return ok != 0;
}

void segments_save(struct vcpu *v)
{
    if (v->arch.kernel_mode)
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    selectors_save(v);
}

bool segments_load(const struct vcpu *v)
{
    bool ok = selectors_load(v);

    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    return ok;
}

void segments_reload(struct vcpu *v, struct cpu_regs *regs)
{
    segments_save(v);
    if (!segments_load(v))
        pv_failsafe(v, regs);
}
