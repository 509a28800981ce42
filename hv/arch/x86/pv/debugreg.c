/*
 * The guest's debug registers, written by set_debugreg or an emulated
 * `mov %drN` and read by get_debugreg or `mov %drN, reg`, with Xen 4.17's
 * rules. Values are kept per vCPU and loaded into the hardware while it
 * runs.
 *  - DR0-3: a guest address (below 2^47, or at or above the end of the
 *    hypervisor's slots), else -EPERM;
 *  - DR6/DR7: the upper half must be clear (-EINVAL); reserved bits are
 *    forced to their fixed values; DR7.GD is -EPERM;
 *  - DR4/DR5 alias DR6/DR7 unless the guest set CR4.DE (then -ENODEV);
 *  - I/O breakpoints (R/W = 10) need CR4.DE (else -EPERM); their enable
 *    bits are kept aside (dr7_emul) and matched by the port I/O emulation,
 *    since the real CR4.DE is off.
 * For the emulated `mov`, -ENODEV is #UD and every other refusal #GP(0).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/guest_range.h>
#include <asm/ctrlreg.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

#define DR6_RESERVED_ONE   0xffff0ff0UL
#define DR6_RESERVED_ZERO  (1UL << 12)
#define DR7_RESERVED_ONE   0x400UL
#define DR7_RESERVED_ZERO  0xd800UL             /* bits 11, 12, 14, 15 */
#define DR7_GD             (1UL << 13)
#define DR7_ACTIVE_MASK    0xffUL               /* L0-3, G0-3 */

void debugreg_init(struct vcpu *v)
{
    v->arch.debugreg[6] = DR6_RESERVED_ONE;
    v->arch.debugreg[7] = DR7_RESERVED_ONE;
    v->arch.dr7_emul = 0;
}

void debugreg_load(const struct vcpu *v)
{
    __asm__ volatile("mov %0, %%db0" :: "r"(v->arch.debugreg[0]));
    __asm__ volatile("mov %0, %%db1" :: "r"(v->arch.debugreg[1]));
    __asm__ volatile("mov %0, %%db2" :: "r"(v->arch.debugreg[2]));
    __asm__ volatile("mov %0, %%db3" :: "r"(v->arch.debugreg[3]));
    __asm__ volatile("mov %0, %%db6" :: "r"(v->arch.debugreg[6]));
    __asm__ volatile("mov %0, %%db7" :: "r"(v->arch.debugreg[7]));
}

/* A #DB hit in the guest: fold the hardware status into the guest's DR6. */
void debugreg_note_trap(struct vcpu *v)
{
    uint64_t dr6;
    __asm__ volatile("mov %%db6, %0" : "=r"(dr6));
    v->arch.debugreg[6] = (v->arch.debugreg[6] & ~0xfUL) | (dr6 & 0xe00f) | DR6_RESERVED_ONE;
    __asm__ volatile("mov %0, %%db6" :: "r"(DR6_RESERVED_ONE));
}

long debugreg_set(struct vcpu *v, unsigned int reg, uint64_t value)
{
    uint32_t io_enable = 0;

    if ((reg == 4 || reg == 5) && (v->arch.cr4 & X86_CR4_DE))
        return -XEN_ENODEV;
    if (reg == 4 || reg == 5)
        reg += 2;
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_addr_ok(value))          /* Xen: breakpoint_addr_ok */
            return -XEN_EPERM;
        break;
    case 6:
        if (value >> 32)
            return -XEN_EINVAL;
        value = (value & ~DR6_RESERVED_ZERO) | DR6_RESERVED_ONE;
        break;
    case 7:
        if (value >> 32)
            return -XEN_EINVAL;
        value = (value & ~DR7_RESERVED_ZERO) | DR7_RESERVED_ONE;
        if (value & DR7_GD)
            return -XEN_EPERM;
        if (value & DR7_ACTIVE_MASK) {
            for (unsigned int i = 0; i < 4; i++) {
                if (((value >> (16 + 4 * i)) & 3) != 2)
                    continue;
                if (!(v->arch.cr4 & X86_CR4_DE))
                    return -XEN_EPERM;
                io_enable |= value & (3u << (2 * i));
            }
        }
        v->arch.dr7_emul = io_enable;
        value &= ~(uint64_t)io_enable;
        break;
    default:
        return -XEN_ENODEV;
    }
    v->arch.debugreg[reg] = value;
    if (v == current)
        debugreg_load(v);
    return 0;
}

long debugreg_get(struct vcpu *v, unsigned int reg, uint64_t *value)
{
    if ((reg == 4 || reg == 5) && (v->arch.cr4 & X86_CR4_DE))
        return -XEN_ENODEV;
    if (reg == 4 || reg == 5)
        reg += 2;
    if (reg > 7 || reg == 4 || reg == 5)
        return -XEN_ENODEV;
    *value = v->arch.debugreg[reg] | (reg == 7 ? v->arch.dr7_emul : 0);
    return 0;
}

unsigned int debugreg_io_match(const struct vcpu *v, unsigned int port, unsigned int len)
{
    unsigned int match = 0;

    if (!v->arch.dr7_emul || !(v->arch.cr4 & X86_CR4_DE))
        return 0;
    for (unsigned int i = 0; i < 4; i++) {
        if (!(v->arch.dr7_emul & (3u << (2 * i))))
            continue;
        unsigned int lenbits = (v->arch.debugreg[7] >> (18 + 4 * i)) & 3;
        unsigned int width = lenbits == 0 ? 1 : lenbits == 1 ? 2 : lenbits == 3 ? 4 : 8;
        uint64_t start = v->arch.debugreg[i] & ~(uint64_t)(width - 1);
        if (start < port + len && start + width > port)
            match |= 1u << i;
    }
    return match;
}

void debugreg_io_hit(struct vcpu *v, unsigned int match)
{
    v->arch.debugreg[6] |= match | DR6_RESERVED_ONE;
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return debugreg_set(current, reg > 7 ? 8 : (unsigned int)reg, value);
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    uint64_t value;
    long rc = debugreg_get(current, reg > 7 ? 8 : (unsigned int)reg, &value);

    return rc ? rc : (long)value;
}
