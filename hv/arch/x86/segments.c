/*
 * A vCPU's data segment selectors (DS, ES, FS, GS). A 64-bit guest loads them
 * itself in ring 3; they are saved when another vCPU takes the CPU and loaded
 * again before its FS/GS bases are (loading a selector resets the base). A
 * selector the CPU refuses now (its descriptor changed meanwhile) becomes the
 * null selector, through the exception-fixup table.
 */
#include <stdint.h>
#include <hv/domain.h>

void segments_save(struct vcpu *v)
{
    uint16_t s;
    __asm__ volatile("mov %%ds, %0" : "=r"(s));
    v->sel_ds = s;
    __asm__ volatile("mov %%es, %0" : "=r"(s));
    v->sel_es = s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    v->sel_fs = s;
    __asm__ volatile("mov %%gs, %0" : "=r"(s));
    v->sel_gs = s;
}

#define LOAD_SEL(seg, value)                                    \
    __asm__ volatile("1: movl %k0, %%" seg "\n"                \
                     "2:\n"                                     \
                     ".section .fixup_seg, \"ax\"\n"            \
                     "3: xorl %k0, %k0\n"                       \
                     "   movl %k0, %%" seg "\n"                 \
                     "   jmp 2b\n"                              \
                     ".previous\n"                              \
                     ".section .ex_table, \"a\"\n"              \
                     ".balign 8\n"                              \
                     ".quad 1b, 3b\n"                           \
                     ".previous\n"                              \
                     : : "r"((uint32_t)(value)) : "memory")

void segments_load(const struct vcpu *v)
{
    LOAD_SEL("ds", v->sel_ds);
    LOAD_SEL("es", v->sel_es);
    LOAD_SEL("fs", v->sel_fs);
    LOAD_SEL("gs", v->sel_gs);
}
