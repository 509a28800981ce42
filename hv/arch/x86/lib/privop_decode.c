/*
 * Privileged-instruction decoder (see asm/privop_decode.h for the contract).
 *
 * Accepted, in 64-bit mode:
 *   prefixes   66, 67, F2/F3, segment overrides, REX (only directly before
 *              the opcode); F0 (LOCK) is refused: on these instructions the
 *              CPU raises #UD before the privilege check
 *   0F 20..23  mov cr/dr (the CPU ignores ModRM.mod: always a register)
 *   0F 06 clts, 0F 08 invd, 0F 09 wbinvd, 0F 30 wrmsr, 0F 31 rdtsc,
 *   0F 32 rdmsr, 0F A2 cpuid, 0F 01 F9 rdtscp, 0F 01 D1 xsetbv
 *   F4 hlt, FA cli, FB sti
 *   E4..E7 in/out imm8, EC..EF in/out %dx, 6C..6F ins/outs
 */
#include <asm/privop_decode.h>

struct cursor {
    const uint8_t *insn;
    size_t avail;
    size_t pos;
    enum privop_result why;     /* the failure to report when next() fails */
};

/* Next byte into *b; false at the 15-byte limit (refused) or the end of avail (truncated). */
static bool next(struct cursor *c, uint8_t *b)
{
    if (c->pos >= PRIVOP_MAX_INSN_LEN) {
        c->why = PRIVOP_REFUSED;
        return false;
    }
    if (c->pos >= c->avail) {
        c->why = PRIVOP_TRUNCATED;
        return false;
    }
    *b = c->insn[c->pos++];
    return true;
}

static bool is_segment_prefix(uint8_t b, enum privop_seg *seg)
{
    switch (b) {
    case 0x26: *seg = PRIVOP_ES; return true;
    case 0x2e: *seg = PRIVOP_CS; return true;
    case 0x36: *seg = PRIVOP_SS; return true;
    case 0x3e: *seg = PRIVOP_DS; return true;
    case 0x64: *seg = PRIVOP_FS; return true;
    case 0x65: *seg = PRIVOP_GS; return true;
    default: return false;
    }
}

/* The two-byte opcodes (after 0F); false when not one of ours (c->why says why). */
static bool decode_0f(struct cursor *c, uint8_t rex, bool lock, struct privop_insn *out)
{
    uint8_t op, modrm;

    if (!next(c, &op))
        return false;
    switch (op) {
    case 0x20: case 0x21: case 0x22: case 0x23:
        if (!next(c, &modrm))
            return false;
        out->kind = op == 0x20 ? PRIVOP_MOV_FROM_CR : op == 0x21 ? PRIVOP_MOV_FROM_DR :
                    op == 0x22 ? PRIVOP_MOV_TO_CR : PRIVOP_MOV_TO_DR;
        out->ctl = ((modrm >> 3) & 7) | (rex & 0x04 ? 8 : 0);
        out->gpr = (modrm & 7) | (rex & 0x01 ? 8 : 0);
        break;
    case 0x01:
        if (!next(c, &modrm))
            return false;
        if (modrm == 0xf9)
            out->kind = PRIVOP_RDTSCP;
        else if (modrm == 0xd1)
            out->kind = PRIVOP_XSETBV;
        else
            return false;
        break;
    case 0x06: out->kind = PRIVOP_CLTS; break;
    case 0x08: out->kind = PRIVOP_INVD; break;
    case 0x09: out->kind = PRIVOP_WBINVD; break;
    case 0x30: out->kind = PRIVOP_WRMSR; break;
    case 0x31: out->kind = PRIVOP_RDTSC; break;
    case 0x32: out->kind = PRIVOP_RDMSR; break;
    case 0xa2: out->kind = PRIVOP_CPUID; break;
    default:
        return false;
    }
    return !lock;
}

enum privop_result privop_decode(const uint8_t *insn, size_t avail, struct privop_insn *out)
{
    struct cursor c = { .insn = insn, .avail = avail, .pos = 0, .why = PRIVOP_REFUSED };
    bool opsize16 = false, addr32 = false, rep = false, lock = false;
    enum privop_seg seg = PRIVOP_DS, s;
    uint8_t rex = 0, op, imm;

    for (;;) {
        if (!next(&c, &op))
            return c.why;
        if (op >= 0x40 && op <= 0x4f) {
            rex = op;               /* counts only if the opcode follows */
            continue;
        }
        if (op == 0x66)
            opsize16 = true;
        else if (op == 0x67)
            addr32 = true;
        else if (op == 0xf2 || op == 0xf3)
            rep = true;
        else if (op == 0xf0)
            lock = true;
        else if (is_segment_prefix(op, &s))
            seg = s;
        else
            break;
        rex = 0;                    /* a REX followed by a legacy prefix is ignored */
    }

    *out = (struct privop_insn){ .addr_size = addr32 ? 4 : 8, .seg = seg };
    if (op == 0x0f) {
        if (!decode_0f(&c, rex, lock, out))
            return c.why;
        out->len = (unsigned int)c.pos;
        return PRIVOP_OK;
    }
    if (lock)
        return PRIVOP_REFUSED;
    switch (op) {
    case 0xf4: out->kind = PRIVOP_HLT; break;
    case 0xfa: out->kind = PRIVOP_CLI; break;
    case 0xfb: out->kind = PRIVOP_STI; break;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        if (!next(&c, &imm))
            return c.why;
        out->port_imm = true;
        out->port = imm;
        /* fall through */
    case 0xec: case 0xed: case 0xee: case 0xef:
        out->kind = (op & 2) ? PRIVOP_OUT : PRIVOP_IN;
        out->io_size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
        break;
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:
        out->kind = (op & 2) ? PRIVOP_OUTS : PRIVOP_INS;
        out->io_size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
        break;
    default:
        return PRIVOP_REFUSED;
    }
    out->rep = rep && (out->kind == PRIVOP_INS || out->kind == PRIVOP_OUTS);
    out->len = (unsigned int)c.pos;
    return PRIVOP_OK;
}
