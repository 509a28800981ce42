/*
 * Privileged-instruction decoder for PV guest kernels.
 *
 * A 64-bit PV kernel runs in ring 3, so every privileged instruction it
 * executes (mov to/from a control or debug register, IN/OUT, CLI/STI,
 * RDMSR/WRMSR, RDTSC with CR4.TSD, HLT...) raises #GP(0). The hypervisor
 * reads the bytes at the guest's RIP, classifies them with privop_decode()
 * and then carries out (or refuses) what they ask, with the guest's own
 * state. This is not an emulator: it knows the handful of instructions Xen
 * 4.17 emulates for PV guests (emul-priv-op.c's validate list) and the
 * prefixes that may precede them; everything else is refused and the guest
 * gets its #GP.
 *
 * Pure: no hypervisor state, compiles freestanding and on the host.
 */
#ifndef HV_PRIVOP_DECODE_H
#define HV_PRIVOP_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The architectural maximum; a longer instruction raises #GP. */
#define PRIVOP_MAX_INSN_LEN 15u

enum privop_kind {
    PRIVOP_MOV_FROM_CR,     /* 0F 20: gpr = CR[reg] */
    PRIVOP_MOV_TO_CR,       /* 0F 22: CR[reg] = gpr */
    PRIVOP_MOV_FROM_DR,     /* 0F 21: gpr = DR[reg] */
    PRIVOP_MOV_TO_DR,       /* 0F 23: DR[reg] = gpr */
    PRIVOP_CLTS,            /* 0F 06 */
    PRIVOP_INVD,            /* 0F 08 */
    PRIVOP_WBINVD,          /* 0F 09 (F3 0F 09 is WBNOINVD: the same to us) */
    PRIVOP_WRMSR,           /* 0F 30 */
    PRIVOP_RDTSC,           /* 0F 31 */
    PRIVOP_RDMSR,           /* 0F 32 */
    PRIVOP_CPUID,           /* 0F A2 */
    PRIVOP_RDTSCP,          /* 0F 01 F9 */
    PRIVOP_XSETBV,          /* 0F 01 D1 */
    PRIVOP_HLT,             /* F4 */
    PRIVOP_CLI,             /* FA */
    PRIVOP_STI,             /* FB */
    PRIVOP_IN,              /* E4/E5 imm8, EC/ED %dx */
    PRIVOP_OUT,             /* E6/E7 imm8, EE/EF %dx */
    PRIVOP_INS,             /* 6C/6D: port %dx -> %es:(%rdi) */
    PRIVOP_OUTS,            /* 6E/6F: seg:(%rsi) -> port %dx */
};

/* Segment registers in encoding order (segment override prefixes name them). */
enum privop_seg { PRIVOP_ES, PRIVOP_CS, PRIVOP_SS, PRIVOP_DS, PRIVOP_FS, PRIVOP_GS };

/* General registers in encoding order: index = ModRM.rm | REX.B << 3. */
enum privop_gpr {
    PRIVOP_RAX, PRIVOP_RCX, PRIVOP_RDX, PRIVOP_RBX, PRIVOP_RSP, PRIVOP_RBP,
    PRIVOP_RSI, PRIVOP_RDI,
};

struct privop_insn {
    unsigned int len;       /* bytes, 1..PRIVOP_MAX_INSN_LEN */
    enum privop_kind kind;
    /* mov cr/dr: the control or debug register (ModRM.reg | REX.R << 3, 0..15)
     * and the general register (ModRM.rm | REX.B << 3); always 64 bits wide. */
    unsigned int ctl;
    unsigned int gpr;
    /* Port I/O: access width (1, 2 or 4; 0x66 makes 2, REX.W does not make 8),
     * port from the immediate (port_imm) or else from %dx. */
    unsigned int io_size;
    bool port_imm;
    uint8_t port;
    /* INS/OUTS: REP (F3 or F2, the last one counts), address size (8 bytes,
     * or 4 with 0x67: %ecx/%esi/%edi), the source segment of OUTS (DS or
     * the override; INS always writes through ES). */
    bool rep;
    unsigned int addr_size;
    enum privop_seg seg;
};

enum privop_result {
    PRIVOP_OK = 0,          /* *out describes the instruction */
    PRIVOP_REFUSED = -1,    /* not one we emulate, malformed, or over 15 bytes */
    PRIVOP_TRUNCATED = -2,  /* would need bytes beyond avail (avail < 15) */
};

/*
 * Decode the instruction at insn[0..avail). Never reads insn[avail] or
 * beyond. On PRIVOP_TRUNCATED the caller, which could read only avail bytes,
 * reports a page fault at RIP + avail; on failure *out is unspecified.
 */
enum privop_result privop_decode(const uint8_t *insn, size_t avail, struct privop_insn *out);

#endif /* HV_PRIVOP_DECODE_H */
