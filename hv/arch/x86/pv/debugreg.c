/*
 * set_debugreg / get_debugreg: the guest's debug registers. Values are kept
 * per vCPU and loaded into the hardware while it runs. Breakpoint addresses
 * must be guest addresses (-EPERM otherwise, as Xen); DR7 reserved bits must
 * be clear (-EINVAL) and its always-one bit 10 is set; DR6 keeps the bits the
 * CPU reported for the last #DB the guest received.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

#define DR6_RESERVED_ONE   0xffff0ff0UL
#define DR7_RESERVED_ONE   0x400UL
#define DR7_RESERVED_ZERO  (~0xffff27ffUL)      /* bits 11, 12, 14, 15 and the upper half */

void debugreg_init(struct vcpu *v)
{
    v->debugreg[6] = DR6_RESERVED_ONE;
    v->debugreg[7] = DR7_RESERVED_ONE;
}

void debugreg_load(const struct vcpu *v)
{
    __asm__ volatile("mov %0, %%db0" :: "r"(v->debugreg[0]));
    __asm__ volatile("mov %0, %%db1" :: "r"(v->debugreg[1]));
    __asm__ volatile("mov %0, %%db2" :: "r"(v->debugreg[2]));
    __asm__ volatile("mov %0, %%db3" :: "r"(v->debugreg[3]));
    __asm__ volatile("mov %0, %%db6" :: "r"(v->debugreg[6]));
    __asm__ volatile("mov %0, %%db7" :: "r"(v->debugreg[7]));
}

/* A #DB hit in the guest: fold the hardware status into the guest's DR6. */
void debugreg_note_trap(struct vcpu *v)
{
    uint64_t dr6;
    __asm__ volatile("mov %%db6, %0" : "=r"(dr6));
    v->debugreg[6] = (v->debugreg[6] & ~0xfUL) | (dr6 & 0xe00f) | DR6_RESERVED_ONE;
    __asm__ volatile("mov %0, %%db6" :: "r"(DR6_RESERVED_ONE));
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;

    if (reg == 4 || reg == 5)
        reg += 2;                               /* DR4/DR5 alias DR6/DR7 (CR4.DE is off) */
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_range_ok(value, sizeof(uint64_t)))
            return -XEN_EPERM;
        break;
    case 6:
        value = (value & 0xe00f) | DR6_RESERVED_ONE;
        break;
    case 7:
        if (value & DR7_RESERVED_ZERO)
            return -XEN_EINVAL;
        value |= DR7_RESERVED_ONE;
        break;
    default:
        return -XEN_ENODEV;
    }
    v->debugreg[reg] = value;
    debugreg_load(v);
    return 0;
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    if (reg == 4 || reg == 5)
        reg += 2;
    if (reg > 7)
        return -XEN_ENODEV;
    return (long)current->debugreg[reg];
}
