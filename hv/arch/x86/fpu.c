/*
 * Extended CPU state (x87, SSE, AVX) per vCPU. The hypervisor itself never
 * touches it (it is built with general registers only), so a vCPU's state
 * stays in the CPU while it runs and is saved with XSAVE (FXSAVE without
 * XSAVE) only when another vCPU takes the CPU. A new vCPU starts from the
 * architectural initial state (an all-zero XSAVE header).
 */
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/domain.h>
#include <hv/fpu.h>
#include <hv/io.h>
#include <hv/lib.h>

static uint64_t xcr0;
static unsigned int area_size = 512 + 64;     /* legacy area + XSAVE header */

void fpu_init(void)
{
    uint32_t r[4];

    if (!cpu_features.has_xsave)
        return;
    cpuid_count(0xd, 0, r);
    xcr0 = r[0] & 0x7;                          /* x87, SSE and AVX where present */
    __asm__ volatile("xsetbv" :: "c"(0), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32)));
    cpuid_count(0xd, 0, r);
    area_size = r[1];                           /* size for the features now enabled */
    log_info("fpu: XSAVE, xcr0 %#lx, %u bytes of state per vCPU", xcr0, area_size);
}

int fpu_vcpu_init(struct vcpu *v)
{
    v->fpu_area = xzalloc_bytes(area_size);     /* page-aligned, so 64-byte aligned */
    return v->fpu_area ? 0 : -1;
}

void fpu_save(struct vcpu *v)
{
    uint64_t cr0 = read_cr0();

    __asm__ volatile("clts");                   /* guest TS must not stop our save */
    if (xcr0)
        __asm__ volatile("xsave64 (%0)" :: "r"(v->fpu_area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" :: "r"(v->fpu_area) : "memory");
    write_cr0(cr0);
}

void fpu_restore(struct vcpu *v)
{
    __asm__ volatile("clts");
    if (xcr0)
        __asm__ volatile("xrstor64 (%0)" :: "r"(v->fpu_area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" :: "r"(v->fpu_area) : "memory");
    if (v->guest_ts)
        write_cr0(read_cr0() | 8);              /* the vCPU's virtual CR0.TS */
}
