/*
 * Writable page tables: decode the guest store that faulted on a
 * read-only page-table page, and work out what it does to the entry.
 *
 * A 64-bit PV kernel with VMASST_TYPE_writable_pagetables writes its own
 * (read-only mapped) L1 tables with ordinary instructions.  The write
 * faults (#PF, present + write); the hypervisor reads the instruction
 * bytes at the guest's RIP, calls ptwr_decode(), validates the entry that
 * ptwr_compose() produces, performs the store itself and resumes at
 * RIP + len.  This is a small decoder for the handful of read-modify-write
 * forms kernels use on PTEs, not an emulator: anything else is refused and
 * the caller reflects the #PF to the guest.
 *
 * The memory address is never computed here: the caller has it in CR2
 * (already linear, so segment overrides do not matter) and passes the
 * byte offset within the 8-byte entry to ptwr_compose().
 *
 * Pure: no hypervisor state, compiles freestanding and on the host.
 */
#ifndef HV_PTWR_DECODE_H
#define HV_PTWR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The architectural maximum; a longer instruction raises #GP, not #PF. */
#define PTWR_MAX_INSN_LEN 15u

/* General registers in x86 encoding order: index = ModRM.reg | REX.R << 3. */
enum ptwr_gpr {
    PTWR_RAX, PTWR_RCX, PTWR_RDX, PTWR_RBX, PTWR_RSP, PTWR_RBP, PTWR_RSI, PTWR_RDI,
    PTWR_R8, PTWR_R9, PTWR_R10, PTWR_R11, PTWR_R12, PTWR_R13, PTWR_R14, PTWR_R15,
};

struct ptwr_regs {
    uint64_t gpr[16];
};

/* RFLAGS bits that the emulated instructions may change. */
#define PTWR_FLAG_CF (1ull << 0)
#define PTWR_FLAG_PF (1ull << 2)
#define PTWR_FLAG_AF (1ull << 4)
#define PTWR_FLAG_ZF (1ull << 6)
#define PTWR_FLAG_SF (1ull << 7)
#define PTWR_FLAG_OF (1ull << 11)
#define PTWR_FLAGS_ARITH (PTWR_FLAG_CF | PTWR_FLAG_PF | PTWR_FLAG_AF | \
                          PTWR_FLAG_ZF | PTWR_FLAG_SF | PTWR_FLAG_OF)

enum ptwr_kind {
    PTWR_MOV,       /* 88, 89, C6 /0, C7 /0 */
    PTWR_XCHG,      /* 86, 87 (always locked) */
    PTWR_CMPXCHG,   /* 0F B0, 0F B1: compares with the accumulator (rax) */
    PTWR_AND,       /* 20, 21, 80 /4, 81 /4, 83 /4 */
    PTWR_OR,        /* 08, 09, 80 /1, 81 /1, 83 /1 */
    PTWR_BTS,       /* 0F BA /5 ib: set bit (value = bit number) */
    PTWR_BTR,       /* 0F BA /6 ib: clear bit */
    PTWR_BTC,       /* 0F BA /7 ib: complement bit */
};

/* One decoded store. */
struct ptwr_write {
    unsigned int len;       /* instruction length in bytes, <= PTWR_MAX_INSN_LEN */
    unsigned int width;     /* bytes written: 1, 2, 4 or 8 */
    enum ptwr_kind kind;
    /*
     * The source operand truncated to width: a register's value, or an
     * immediate sign-extended to width.  For BTS/BTR/BTC the bit number,
     * already reduced modulo width * 8 as the CPU does for immediates.
     */
    uint64_t value;
    /*
     * The register operand (ModRM.reg with REX.R), for MOV/XCHG/CMPXCHG/
     * AND/OR register forms; XCHG writes the old memory value back here.
     * With src_high8 it names rax..rbx and the operand is bits 8..15 of
     * it (AH, CH, DH, BH: byte operand, reg 4..7, no REX prefix).
     * Meaningless for the immediate forms (has_src_reg false).
     */
    unsigned int src_reg;
    bool src_high8;
    bool has_src_reg;
    bool lock;              /* F0 prefix present, or XCHG (implicitly locked) */
};

/*
 * Decode the instruction at insn[0..avail).  Returns 0 and fills *out, or
 * -1 if it is not a store this decoder emulates (unknown opcode, register
 * destination, REP/REPNE or address-size prefix, LOCK on MOV, truncated
 * bytes, longer than 15 bytes).  Never reads insn[avail] or beyond; on
 * failure *out is unspecified.
 */
int ptwr_decode(const uint8_t *insn, size_t avail, const struct ptwr_regs *regs,
                struct ptwr_write *out);

/* What the decoded instruction does, given the entry's old contents. */
struct ptwr_effect {
    uint64_t new_entry;     /* the full 8-byte entry after the store */
    bool store;             /* false: CMPXCHG failed, entry left as it was */
    bool reg_written;       /* reg/reg_value are meaningful */
    unsigned int reg;       /* the gpr to update: XCHG's source, CMPXCHG's rax */
    uint64_t reg_value;     /* its full new 64-bit value (x86 merge rules) */
    uint64_t rflags;        /* new RFLAGS (only arithmetic flags ever change) */
};

/*
 * Apply the decoded store *w at byte offset off of an entry that holds
 * old_entry, with the guest's registers and RFLAGS as they were at the
 * fault.  Returns 0 and fills *eff, or -1 if the access is not naturally
 * aligned inside the entry (off % width != 0 or off > 7), which the caller
 * treats like an unemulated instruction.  Pure: the caller validates
 * eff->new_entry and commits entry, register and flags together.
 */
int ptwr_compose(const struct ptwr_write *w, uint64_t old_entry, unsigned int off,
                 const struct ptwr_regs *regs, uint64_t rflags,
                 struct ptwr_effect *eff);

#endif /* HV_PTWR_DECODE_H */
