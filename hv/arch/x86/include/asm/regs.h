/*
 * The register frame every hypervisor entry builds on its stack. The layout is
 * Xen's public struct cpu_user_regs up to `ss` (200 bytes with the segment
 * fields), so copying to and from guests' vcpu_guest_context is one memcpy.
 * Offsets are used by entry.S: keep REGS_* in sync.
 */
#ifndef HV_REGS_H
#define HV_REGS_H

#define REGS_R15     0
#define REGS_R11     48
#define REGS_RAX     80
#define REGS_RCX     88
#define REGS_ERRCODE 120
#define REGS_VECTOR  124
#define REGS_RIP     128
#define REGS_CS      136
#define REGS_RFLAGS  144
#define REGS_RSP     152
#define REGS_SS      160
#define REGS_SIZE    168              /* what the entry stubs push */

#define VEC_SYSCALL  0x100            /* entry_vector of a SYSCALL entry */

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(offsetof(struct cpu_regs, r11) == REGS_R11, "layout");
_Static_assert(offsetof(struct cpu_regs, rax) == REGS_RAX, "layout");
_Static_assert(offsetof(struct cpu_regs, error_code) == REGS_ERRCODE, "layout");
_Static_assert(offsetof(struct cpu_regs, rip) == REGS_RIP, "layout");
_Static_assert(offsetof(struct cpu_regs, ss) == REGS_SS, "layout");
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "layout");

#define X86_EFLAGS_TF   0x100
#define X86_EFLAGS_IF   0x200
#define X86_EFLAGS_DF   0x400
#define X86_EFLAGS_IOPL 0x3000
#define X86_EFLAGS_NT   0x4000
#define X86_EFLAGS_RF   0x10000
#define X86_EFLAGS_VM   0x20000
#define X86_EFLAGS_AC   0x40000

static inline int regs_from_guest(const struct cpu_regs *r) { return (r->cs & 3) != 0; }

/* General register n in x86 encoding order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15). */
static inline uint64_t *regs_gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const g[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi,
                              &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
                              &r->r14, &r->r15 };
    return g[n & 15];
}
#endif
#endif
