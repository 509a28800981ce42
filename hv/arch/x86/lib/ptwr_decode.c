/*
 * Writable page tables: a decoder for the stores kernels aim at their own
 * page-table entries, and the arithmetic of what each does to the entry.
 *
 * Accepted (64-bit mode, memory destination only):
 *   prefixes   66, F0, segment overrides (ignored: the address is CR2), REX
 *   88/89      mov r, r/m          C6 /0, C7 /0   mov imm, r/m
 *   86/87      xchg r, r/m         0F B0, 0F B1   cmpxchg r, r/m
 *   08/09      or r, r/m           80/81/83 /1    or imm, r/m
 *   20/21      and r, r/m          80/81/83 /4    and imm, r/m
 *   0F BA /5,/6,/7 ib              bts/btr/btc imm8, r/m
 * The byte-wide AND/OR and BTR forms are what Linux's clear_bit(),
 * set_bit() and test_and_clear_bit() compile to with a constant bit number
 * (ptep_set_wrprotect, ptep_test_and_clear_young).  Everything else,
 * including F2/F3 (XACQUIRE/XRELEASE or REP) and 67, is refused.
 */
#include <asm/ptwr_decode.h>

/* Bytes still to read, bounded by both the buffer and the 15-byte limit. */
struct cursor {
    const uint8_t *insn;
    size_t avail;
    size_t pos;
};

/* Next byte into *b, or false if the buffer or the length limit ends. */
static bool next(struct cursor *c, uint8_t *b)
{
    if (c->pos >= c->avail || c->pos >= PTWR_MAX_INSN_LEN)
        return false;
    *b = c->insn[c->pos++];
    return true;
}

/* Skip n bytes (displacement) the same way next() would read them. */
static bool skip(struct cursor *c, unsigned int n)
{
    uint8_t b;

    while (n--)
        if (!next(c, &b))
            return false;
    return true;
}

/* A little-endian immediate of n bytes (1, 2 or 4), sign-extended. */
static bool imm(struct cursor *c, unsigned int n, uint64_t *v)
{
    uint64_t x = 0;
    uint8_t b;

    for (unsigned int i = 0; i < n; i++) {
        if (!next(c, &b))
            return false;
        x |= (uint64_t)b << (8 * i);
    }
    unsigned int sign = 8 * n - 1;
    if (x >> sign & 1)
        x |= ~0ull << sign;
    *v = x;
    return true;
}

static uint64_t width_mask(unsigned int width)
{
    return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/* What the opcode bytes say before the ModRM byte is read. */
enum src_form {
    SRC_REG,        /* ModRM.reg is the source register */
    SRC_IMM8,       /* imm8, sign-extended to the operand width */
    SRC_IMMZ,       /* imm16 with 66 (no REX.W), else imm32 sign-extended */
    SRC_BITNO,      /* imm8 bit number */
};

struct opinfo {
    enum ptwr_kind kind;
    enum src_form src;
    bool byte_op;
    bool group;     /* ModRM.reg selects the operation (set by modrm_group) */
};

/* Classify the opcode; false for anything not in the accepted list. */
static bool classify(struct cursor *c, uint8_t op, struct opinfo *oi)
{
    uint8_t op2;

    *oi = (struct opinfo){ .src = SRC_REG };
    switch (op) {
    case 0x88: oi->byte_op = true; /* fall through */
    case 0x89: oi->kind = PTWR_MOV; return true;
    case 0x86: oi->byte_op = true; /* fall through */
    case 0x87: oi->kind = PTWR_XCHG; return true;
    case 0x08: oi->byte_op = true; /* fall through */
    case 0x09: oi->kind = PTWR_OR; return true;
    case 0x20: oi->byte_op = true; /* fall through */
    case 0x21: oi->kind = PTWR_AND; return true;
    case 0xc6: oi->byte_op = true; oi->src = SRC_IMM8; oi->group = true; return true;
    case 0xc7: oi->src = SRC_IMMZ; oi->group = true; return true;
    case 0x80: oi->byte_op = true; oi->src = SRC_IMM8; oi->group = true; return true;
    case 0x81: oi->src = SRC_IMMZ; oi->group = true; return true;
    case 0x83: oi->src = SRC_IMM8; oi->group = true; return true;
    case 0x0f:
        if (!next(c, &op2))
            return false;
        switch (op2) {
        case 0xb0: oi->byte_op = true; /* fall through */
        case 0xb1: oi->kind = PTWR_CMPXCHG; return true;
        case 0xba: oi->src = SRC_BITNO; oi->group = true; return true;
        }
        return false;
    }
    return false;
}

/* For group opcodes, the operation named by ModRM.reg; false if none we take. */
static bool modrm_group(uint8_t op, unsigned int ext, struct opinfo *oi)
{
    switch (op) {
    case 0xc6: case 0xc7:
        oi->kind = PTWR_MOV;
        return ext == 0;
    case 0x80: case 0x81: case 0x83:
        if (ext == 1)
            oi->kind = PTWR_OR;
        else if (ext == 4)
            oi->kind = PTWR_AND;
        else
            return false;
        return true;
    default: /* 0F BA */
        if (ext == 5)
            oi->kind = PTWR_BTS;
        else if (ext == 6)
            oi->kind = PTWR_BTR;
        else if (ext == 7)
            oi->kind = PTWR_BTC;
        else
            return false;   /* /4 is BT, a read */
        return true;
    }
}

/*
 * Read ModRM and whatever addressing bytes follow it (SIB, displacement).
 * Returns false for a register operand (mod 11) or truncated bytes.
 */
static bool modrm_memory(struct cursor *c, uint8_t *modrm)
{
    uint8_t sib;

    if (!next(c, modrm))
        return false;
    unsigned int mod = *modrm >> 6, rm = *modrm & 7;
    if (mod == 3)
        return false;
    bool disp32 = mod == 2;
    if (rm == 4) {
        if (!next(c, &sib))
            return false;
        /* Base 101 with mod 00: no base register, disp32 (REX.B does not matter). */
        if (mod == 0 && (sib & 7) == 5)
            disp32 = true;
    } else if (mod == 0 && rm == 5) {
        disp32 = true;      /* RIP-relative */
    }
    return skip(c, mod == 1 ? 1 : disp32 ? 4 : 0);
}

/* The value of register operand reg, truncated to width; sets src_reg/high8. */
static void read_src_reg(const struct ptwr_regs *regs, unsigned int reg, bool any_rex,
                         struct ptwr_write *out)
{
    out->has_src_reg = true;
    /* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
    if (out->width == 1 && !any_rex && reg >= 4 && reg < 8) {
        out->src_reg = reg - 4;
        out->src_high8 = true;
        out->value = regs->gpr[reg - 4] >> 8 & 0xff;
        return;
    }
    out->src_reg = reg;
    out->value = regs->gpr[reg] & width_mask(out->width);
}

int ptwr_decode(const uint8_t *insn, size_t avail, const struct ptwr_regs *regs,
                struct ptwr_write *out)
{
    struct cursor c = { .insn = insn, .avail = avail, .pos = 0 };
    bool opsize16 = false, lock = false, any_rex = false;
    uint8_t rex = 0, op, modrm;

    for (;;) {
        if (!next(&c, &op))
            return -1;
        if (op >= 0x40 && op <= 0x4f) {
            rex = op;           /* only the last REX before the opcode counts */
            any_rex = true;
            continue;
        }
        if (op == 0x66)
            opsize16 = true;
        else if (op == 0xf0)
            lock = true;
        else if (op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
                 op == 0x64 || op == 0x65)
            ;                   /* segment: CR2 already holds the linear address */
        else
            break;
        /* A REX followed by a legacy prefix is ignored by the CPU. */
        rex = 0;
        any_rex = false;
    }

    struct opinfo oi;
    if (!classify(&c, op, &oi) || !modrm_memory(&c, &modrm))
        return -1;
    unsigned int ext = modrm >> 3 & 7;
    if (oi.group && !modrm_group(op, ext, &oi))
        return -1;
    /* LOCK on a MOV raises #UD before any access; never seen here. */
    if (lock && oi.kind == PTWR_MOV)
        return -1;

    *out = (struct ptwr_write){ .kind = oi.kind, .lock = lock || oi.kind == PTWR_XCHG };
    if (oi.byte_op)
        out->width = 1;
    else if (rex & 0x08)
        out->width = 8;
    else
        out->width = opsize16 ? 2 : 4;

    uint64_t v;
    switch (oi.src) {
    case SRC_REG:
        read_src_reg(regs, ext | (rex & 0x04 ? 8 : 0), any_rex, out);
        break;
    case SRC_IMM8:
        if (!imm(&c, 1, &v))
            return -1;
        out->value = v & width_mask(out->width);
        break;
    case SRC_IMMZ:
        if (!imm(&c, out->width == 2 ? 2 : 4, &v))
            return -1;
        out->value = v & width_mask(out->width);
        break;
    case SRC_BITNO:
        if (!imm(&c, 1, &v))
            return -1;
        out->value = v & (8 * out->width - 1);
        break;
    }
    out->len = (unsigned int)c.pos;
    return 0;
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
static uint64_t parity_flag(uint64_t res)
{
    uint8_t b = (uint8_t)res;

    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return b & 1 ? 0 : PTWR_FLAG_PF;
}

/* ZF, SF, PF of a width-byte result; the rest of the arithmetic flags clear. */
static uint64_t result_flags(uint64_t res, unsigned int width)
{
    uint64_t f = parity_flag(res);

    res &= width_mask(width);
    if (res == 0)
        f |= PTWR_FLAG_ZF;
    if (res >> (8 * width - 1) & 1)
        f |= PTWR_FLAG_SF;
    return f;
}

/* The flags of CMP a, b (a - b) at width bytes, as CMPXCHG sets them. */
static uint64_t sub_flags(uint64_t a, uint64_t b, unsigned int width)
{
    unsigned int top = 8 * width - 1;
    uint64_t r = (a - b) & width_mask(width);
    uint64_t f = result_flags(r, width);

    if (a < b)
        f |= PTWR_FLAG_CF;
    if ((a ^ b ^ r) & 0x10)
        f |= PTWR_FLAG_AF;
    if (((a ^ b) & (a ^ r)) >> top & 1)
        f |= PTWR_FLAG_OF;
    return f;
}

/*
 * A register after a width-byte write of val: 32-bit writes zero-extend,
 * 8- and 16-bit writes keep the rest (high8: bits 8..15).
 */
static uint64_t merge_reg(uint64_t old, uint64_t val, unsigned int width, bool high8)
{
    switch (width) {
    case 1:
        return high8 ? (old & ~0xff00ull) | val << 8 : (old & ~0xffull) | val;
    case 2:
        return (old & ~0xffffull) | val;
    case 4:
        return val & 0xffffffffull;
    default:
        return val;
    }
}

int ptwr_compose(const struct ptwr_write *w, uint64_t old_entry, unsigned int off,
                 const struct ptwr_regs *regs, uint64_t rflags,
                 struct ptwr_effect *eff)
{
    unsigned int width = w->width;

    if (width == 0 || width > 8 || (width & (width - 1)) || off > 7 || off % width)
        return -1;
    unsigned int shift = 8 * off;
    uint64_t mask = width_mask(width);
    uint64_t old = old_entry >> shift & mask;
    uint64_t val = w->value & mask;
    uint64_t res = old;
    uint64_t bit;

    *eff = (struct ptwr_effect){ .store = true, .rflags = rflags };
    switch (w->kind) {
    case PTWR_MOV:
        res = val;
        break;
    case PTWR_XCHG:
        res = val;
        eff->reg_written = true;
        eff->reg = w->src_high8 ? w->src_reg & 3 : w->src_reg & 15;
        eff->reg_value = merge_reg(regs->gpr[eff->reg], old, width, w->src_high8);
        break;
    case PTWR_CMPXCHG: {
        uint64_t acc = regs->gpr[PTWR_RAX] & mask;
        eff->rflags = (rflags & ~PTWR_FLAGS_ARITH) | sub_flags(acc, old, width);
        if (acc == old) {
            res = val;
        } else {
            /* Failure loads the accumulator (never AH) and stores nothing. */
            eff->store = false;
            eff->reg_written = true;
            eff->reg = PTWR_RAX;
            eff->reg_value = merge_reg(regs->gpr[PTWR_RAX], old, width, false);
        }
        break;
    }
    case PTWR_AND:
    case PTWR_OR:
        res = w->kind == PTWR_AND ? old & val : old | val;
        /* CF and OF clear; AF is undefined and left clear. */
        eff->rflags = (rflags & ~PTWR_FLAGS_ARITH) | result_flags(res, width);
        break;
    case PTWR_BTS:
    case PTWR_BTR:
    case PTWR_BTC:
        bit = 1ull << (val & (8 * width - 1));
        res = w->kind == PTWR_BTS ? old | bit : w->kind == PTWR_BTR ? old & ~bit : old ^ bit;
        /* CF is the old bit; ZF unaffected; OF/SF/AF/PF undefined, kept. */
        eff->rflags = (rflags & ~PTWR_FLAG_CF) | (old & bit ? PTWR_FLAG_CF : 0);
        break;
    default:
        return -1;
    }
    eff->new_entry = eff->store ? (old_entry & ~(mask << shift)) | res << shift : old_entry;
    return 0;
}
