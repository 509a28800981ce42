/*
 * Writable-page-table store decoder (hv/arch/x86/lib/ptwr_decode.c).
 *
 * Three kinds of evidence:
 *  - a table of instructions written in assembler syntax and assembled by
 *    gas into this very binary, so the expected lengths come from the
 *    assembler, not from our hands; every prefix of each encoding must be
 *    refused as truncated;
 *  - hand-assembled byte strings for encodings gas will not produce
 *    (stray REX, repeated prefixes, the 15-byte limit) and for refusals;
 *  - ptwr_compose() checked against this CPU: the same read-modify-write
 *    instructions run on a memory word, and entry, register and flags
 *    must match.
 * Every decode reads from a heap copy of exactly `avail` bytes, so ASan
 * reports any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/ptwr_decode.h>

/*
 * Register byte k of gpr[i] holds (i << 4) | (k + 1): every byte of every
 * register differs, so AL vs AH vs SPL and r8 vs rax are told apart.
 *   rax 0x0807060504030201  rcx 0x1817161514131211  ...  r15 0xf8f7f6f5f4f3f2f1
 */
static struct ptwr_regs pattern_regs(void)
{
    struct ptwr_regs r;

    for (unsigned int i = 0; i < 16; i++) {
        r.gpr[i] = 0;
        for (unsigned int k = 0; k < 8; k++)
            r.gpr[i] |= (uint64_t)((i << 4) | (k + 1)) << (8 * k);
    }
    return r;
}

/* Decode from a heap buffer of exactly avail bytes (ASan guards the end). */
static int decode_exact(const uint8_t *bytes, size_t avail, struct ptwr_write *w)
{
    struct ptwr_regs regs = pattern_regs();
    uint8_t *copy = malloc(avail ? avail : 1);

    assert_non_null(copy);
    memcpy(copy, bytes, avail);
    int rc = ptwr_decode(copy, avail, &regs, w);
    free(copy);
    return rc;
}

/* ---- the assembled table ------------------------------------------------- */

#define IMM (-1)    /* no source register: immediate operand */
#define HI 1        /* source is AH/CH/DH/BH */
#define LK 1        /* locked */

/*
 * X(assembler text, kind, width, value, source register or IMM, high8, lock).
 * Values are typed from the register pattern above or from the immediate.
 */
#define ASM_CASES(X) \
    /* mov r -> m: every addressing form */ \
    X("movq %rax,(%rdi)",            PTWR_MOV, 8, 0x0807060504030201, PTWR_RAX, 0, 0) \
    X("movq %r9,(%rdi)",             PTWR_MOV, 8, 0x9897969594939291, PTWR_R9, 0, 0) \
    X("movq %rcx,0x18(%rsp)",        PTWR_MOV, 8, 0x1817161514131211, PTWR_RCX, 0, 0) \
    X("movq %rdx,0x1000(%r12)",      PTWR_MOV, 8, 0x2827262524232221, PTWR_RDX, 0, 0) \
    X("movq %rbx,(%r13)",            PTWR_MOV, 8, 0x3837363534333231, PTWR_RBX, 0, 0) \
    X("movq %rbx,(%r12)",            PTWR_MOV, 8, 0x3837363534333231, PTWR_RBX, 0, 0) \
    X("movq %rsi,(%rax,%rbx,8)",     PTWR_MOV, 8, 0x6867666564636261, PTWR_RSI, 0, 0) \
    X("movq %rdi,0x10(,%rcx,8)",     PTWR_MOV, 8, 0x7877767574737271, PTWR_RDI, 0, 0) \
    X("movq %r8,(%r13,%r14,2)",      PTWR_MOV, 8, 0x8887868584838281, PTWR_R8, 0, 0) \
    X("movq %rax,-0x80(%rbp,%rsi)",  PTWR_MOV, 8, 0x0807060504030201, PTWR_RAX, 0, 0) \
    X("movq %rax,0x7ff8(%rdi)",      PTWR_MOV, 8, 0x0807060504030201, PTWR_RAX, 0, 0) \
    X("movq %r15,0x123(%rip)",       PTWR_MOV, 8, 0xf8f7f6f5f4f3f2f1, PTWR_R15, 0, 0) \
    X("movq %rax,%fs:(%rdi)",        PTWR_MOV, 8, 0x0807060504030201, PTWR_RAX, 0, 0) \
    X("movq %rdx,%gs:0x8(%r11)",     PTWR_MOV, 8, 0x2827262524232221, PTWR_RDX, 0, 0) \
    X("ds movq %rax,(%rdi)",         PTWR_MOV, 8, 0x0807060504030201, PTWR_RAX, 0, 0) \
    X("movl %ecx,(%rdi)",            PTWR_MOV, 4, 0x14131211, PTWR_RCX, 0, 0) \
    X("movl %r10d,-4(%rbp)",         PTWR_MOV, 4, 0xa4a3a2a1, PTWR_R10, 0, 0) \
    X("movw %dx,(%rdi)",             PTWR_MOV, 2, 0x2221, PTWR_RDX, 0, 0) \
    X("movw %r11w,(%rdi)",           PTWR_MOV, 2, 0xb2b1, PTWR_R11, 0, 0) \
    X("movb %al,(%rdi)",             PTWR_MOV, 1, 0x01, PTWR_RAX, 0, 0) \
    X("movb %ah,(%rdi)",             PTWR_MOV, 1, 0x02, PTWR_RAX, HI, 0) \
    X("movb %bh,7(%rdi)",            PTWR_MOV, 1, 0x32, PTWR_RBX, HI, 0) \
    X("movb %sil,(%rdi)",            PTWR_MOV, 1, 0x61, PTWR_RSI, 0, 0) \
    X("movb %r14b,(%rdi)",           PTWR_MOV, 1, 0xe1, PTWR_R14, 0, 0) \
    /* mov imm -> m */ \
    X("movq $0x12345678,(%rdi)",     PTWR_MOV, 8, 0x12345678, IMM, 0, 0) \
    X("movq $-2,(%rdi)",             PTWR_MOV, 8, 0xfffffffffffffffe, IMM, 0, 0) \
    X("movq $7,0x123(%rip)",         PTWR_MOV, 8, 7, IMM, 0, 0) \
    X("movq $0,-8(%rsp,%rax,8)",     PTWR_MOV, 8, 0, IMM, 0, 0) \
    X("movl $0x80000001,(%rdi)",     PTWR_MOV, 4, 0x80000001, IMM, 0, 0) \
    X("movw $0x8001,(%rdi)",         PTWR_MOV, 2, 0x8001, IMM, 0, 0) \
    X("movb $0xfe,(%rdi)",           PTWR_MOV, 1, 0xfe, IMM, 0, 0) \
    X("movb $0x5a,0x400(%r9)",       PTWR_MOV, 1, 0x5a, IMM, 0, 0) \
    /* xchg (always locked) */ \
    X("xchgq %rax,(%rdi)",           PTWR_XCHG, 8, 0x0807060504030201, PTWR_RAX, 0, LK) \
    X("xchgl %r8d,(%rdi)",           PTWR_XCHG, 4, 0x84838281, PTWR_R8, 0, LK) \
    X("xchgw %cx,(%rdi)",            PTWR_XCHG, 2, 0x1211, PTWR_RCX, 0, LK) \
    X("xchgb %dh,(%rdi)",            PTWR_XCHG, 1, 0x22, PTWR_RDX, HI, LK) \
    X("lock xchgq %rbx,8(%rdi)",     PTWR_XCHG, 8, 0x3837363534333231, PTWR_RBX, 0, LK) \
    /* cmpxchg */ \
    X("lock cmpxchgq %rsi,(%rdi)",   PTWR_CMPXCHG, 8, 0x6867666564636261, PTWR_RSI, 0, LK) \
    X("cmpxchgq %r12,(%rdi)",        PTWR_CMPXCHG, 8, 0xc8c7c6c5c4c3c2c1, PTWR_R12, 0, 0) \
    X("lock cmpxchgl %edx,(%rdi)",   PTWR_CMPXCHG, 4, 0x24232221, PTWR_RDX, 0, LK) \
    X("lock cmpxchgw %bx,(%rdi)",    PTWR_CMPXCHG, 2, 0x3231, PTWR_RBX, 0, LK) \
    X("lock cmpxchgb %ch,(%rdi)",    PTWR_CMPXCHG, 1, 0x12, PTWR_RCX, HI, LK) \
    X("lock cmpxchgb %dil,(%rdi)",   PTWR_CMPXCHG, 1, 0x71, PTWR_RDI, 0, LK) \
    X("lock cmpxchgq %r13,%gs:0x20(%rip)", PTWR_CMPXCHG, 8, 0xd8d7d6d5d4d3d2d1, PTWR_R13, 0, LK) \
    /* or */ \
    X("lock orq %rax,(%rdi)",        PTWR_OR, 8, 0x0807060504030201, PTWR_RAX, 0, LK) \
    X("orl %ecx,(%rdi)",             PTWR_OR, 4, 0x14131211, PTWR_RCX, 0, 0) \
    X("lock orb %al,1(%rdi)",        PTWR_OR, 1, 0x01, PTWR_RAX, 0, LK) \
    X("lock orb $0x2,(%rdi)",        PTWR_OR, 1, 0x02, IMM, 0, LK) \
    X("orq $0x40,(%rdi)",            PTWR_OR, 8, 0x40, IMM, 0, 0) \
    X("orq $-0x80,(%rdi)",           PTWR_OR, 8, 0xffffffffffffff80, IMM, 0, 0) \
    X("orq $0x1000,(%rdi)",          PTWR_OR, 8, 0x1000, IMM, 0, 0) \
    X("orw $0x1234,(%rdi)",          PTWR_OR, 2, 0x1234, IMM, 0, 0) \
    X("orw $-1,(%rdi)",              PTWR_OR, 2, 0xffff, IMM, 0, 0) \
    /* and */ \
    X("lock andb $0xfd,(%rdi)",      PTWR_AND, 1, 0xfd, IMM, 0, LK) \
    X("lock andq %rdx,(%rdi)",       PTWR_AND, 8, 0x2827262524232221, PTWR_RDX, 0, LK) \
    X("andb %bl,(%rdi)",             PTWR_AND, 1, 0x31, PTWR_RBX, 0, 0) \
    X("andq $-0x41,(%rdi)",          PTWR_AND, 8, 0xffffffffffffffbf, IMM, 0, 0) \
    X("andl $0x7fffffff,(%rdi)",     PTWR_AND, 4, 0x7fffffff, IMM, 0, 0) \
    X("andq $0x7fffffff,(%rdi)",     PTWR_AND, 8, 0x7fffffff, IMM, 0, 0) \
    X("andq $-0x80000000,(%rdi)",    PTWR_AND, 8, 0xffffffff80000000, IMM, 0, 0) \
    X("andw $0xff00,(%rdi)",         PTWR_AND, 2, 0xff00, IMM, 0, 0) \
    /* bts/btr/btc with an immediate bit number (reduced modulo the width) */ \
    X("lock btsq $63,(%rdi)",        PTWR_BTS, 8, 63, IMM, 0, LK) \
    X("lock btrq $5,(%rdi)",         PTWR_BTR, 8, 5, IMM, 0, LK) \
    X("btcl $31,(%rdi)",             PTWR_BTC, 4, 31, IMM, 0, 0) \
    X("lock btrl $40,(%rdi)",        PTWR_BTR, 4, 8, IMM, 0, LK) \
    X("btsw $17,(%rdi)",             PTWR_BTS, 2, 1, IMM, 0, 0)

/*
 * Assemble each case into .rodata (never executed) and record its offset
 * and length, both computed by the assembler.
 */
#define ASM_ENTRY(text, ...) \
    "1: " text "\n2:\n" \
    ".pushsection .rodata.ptwr_index,\"a\"\n" \
    ".long 1b - ptwr_asm_code, 2b - 1b\n" \
    ".popsection\n"

__asm__(
    ".pushsection .rodata.ptwr_index,\"a\"\n"
    ".balign 4\n"
    ".globl ptwr_asm_index\n.hidden ptwr_asm_index\n"
    "ptwr_asm_index:\n"
    ".popsection\n"
    ".pushsection .rodata.ptwr_code,\"a\"\n"
    ".globl ptwr_asm_code\n.hidden ptwr_asm_code\n"
    "ptwr_asm_code:\n"
    ASM_CASES(ASM_ENTRY)
    ".popsection\n"
    ".pushsection .rodata.ptwr_index,\"a\"\n"
    ".globl ptwr_asm_index_end\n.hidden ptwr_asm_index_end\n"
    "ptwr_asm_index_end:\n"
    ".popsection\n");

extern const uint8_t ptwr_asm_code[];
extern const uint32_t ptwr_asm_index[], ptwr_asm_index_end[];

struct asm_case {
    const char *text;
    enum ptwr_kind kind;
    unsigned int width;
    uint64_t value;
    int src;
    bool high8;
    bool lock;
};

#define C_ENTRY(text, kind, width, value, src, high8, lock) \
    { text, kind, width, (uint64_t)(value), src, high8, lock },
static const struct asm_case asm_cases[] = { ASM_CASES(C_ENTRY) };
#define N_ASM_CASES (sizeof(asm_cases) / sizeof(asm_cases[0]))

static void check_case(const struct asm_case *c, const struct ptwr_write *w,
                       unsigned int len)
{
    /* On failure, name the instruction. */
    if (w->len != len || w->kind != c->kind || w->width != c->width ||
        w->value != c->value || w->lock != c->lock ||
        w->has_src_reg != (c->src != IMM) ||
        (c->src != IMM && (w->src_reg != (unsigned int)c->src || w->src_high8 != c->high8)))
        print_error("%s: len %u/%u kind %d/%d width %u/%u value %#llx/%#llx "
                    "src %u%s/%d%s lock %d/%d\n", c->text, w->len, len, w->kind, c->kind,
                    w->width, c->width, (unsigned long long)w->value,
                    (unsigned long long)c->value, w->src_reg, w->src_high8 ? "h" : "",
                    c->src, c->high8 ? "h" : "", w->lock, c->lock);
    assert_int_equal(w->len, len);
    assert_int_equal(w->kind, c->kind);
    assert_int_equal(w->width, c->width);
    assert_int_equal(w->value, c->value);
    assert_int_equal(w->lock, c->lock);
    assert_int_equal(w->has_src_reg, c->src != IMM);
    if (c->src != IMM) {
        assert_int_equal(w->src_reg, c->src);
        assert_int_equal(w->src_high8, c->high8);
    }
}

static void test_assembled_table(void **state)
{
    size_t entries = (size_t)(ptwr_asm_index_end - ptwr_asm_index) / 2;

    assert_int_equal(entries, N_ASM_CASES);
    for (size_t i = 0; i < N_ASM_CASES; i++) {
        const uint8_t *bytes = ptwr_asm_code + ptwr_asm_index[2 * i];
        unsigned int len = ptwr_asm_index[2 * i + 1];
        struct ptwr_write w;

        /* Exactly the instruction, and with the next instruction after it. */
        assert_int_equal(decode_exact(bytes, len, &w), 0);
        check_case(&asm_cases[i], &w, len);
        memset(&w, 0, sizeof(w));
        assert_int_equal(decode_exact(bytes, PTWR_MAX_INSN_LEN, &w), 0);
        check_case(&asm_cases[i], &w, len);
        /* Every strict prefix is truncated. */
        for (unsigned int n = 0; n < len; n++)
            assert_int_equal(decode_exact(bytes, n, &w), -1);
    }
}

/* ---- hand-assembled encodings --------------------------------------------- */

struct hand_case {
    const char *what;
    uint8_t bytes[16];
    unsigned int n;         /* bytes used; also the expected length */
    enum ptwr_kind kind;
    unsigned int width;
    uint64_t value;
};

static const struct hand_case hand_ok[] = {
    /* REX before a legacy prefix is dropped: movw %ax,(%rdi) */
    { "48 66 89 07", { 0x48, 0x66, 0x89, 0x07 }, 4, PTWR_MOV, 2, 0x0201 },
    /* REX.W beats 66: movq %rax,(%rdi) */
    { "66 48 89 07", { 0x66, 0x48, 0x89, 0x07 }, 4, PTWR_MOV, 8, 0x0807060504030201 },
    /* Two REX prefixes: only the last counts: movl %eax,(%rdi) */
    { "48 40 89 07", { 0x48, 0x40, 0x89, 0x07 }, 4, PTWR_MOV, 4, 0x04030201 },
    /* Empty REX turns reg 4 into SPL: movb %spl,(%rdi) */
    { "40 88 27", { 0x40, 0x88, 0x27 }, 3, PTWR_MOV, 1, 0x41 },
    /* Same without REX is AH: movb %ah,(%rdi) */
    { "88 27", { 0x88, 0x27 }, 2, PTWR_MOV, 1, 0x02 },
    /* REX.R selects r12 as the source: movq %r12,(%rdi) */
    { "4c 89 27", { 0x4c, 0x89, 0x27 }, 3, PTWR_MOV, 8, 0xc8c7c6c5c4c3c2c1 },
    /* 66 on a byte op is ignored: movb $0x7f,(%rdi) */
    { "66 c6 07 7f", { 0x66, 0xc6, 0x07, 0x7f }, 4, PTWR_MOV, 1, 0x7f },
    /* Every segment override, then lock or: lock orq %rax,%gs:(%rdi) */
    { "2e 36 3e 26 64 65 f0 48 09 07",
      { 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0xf0, 0x48, 0x09, 0x07 }, 10,
      PTWR_OR, 8, 0x0807060504030201 },
    /* lock after segment: lock cmpxchgq %rsi,%fs:(%rdi) */
    { "64 f0 48 0f b1 37", { 0x64, 0xf0, 0x48, 0x0f, 0xb1, 0x37 }, 6,
      PTWR_CMPXCHG, 8, 0x6867666564636261 },
    /* SIB base 101 with mod 01 is rbp + disp8: movq %rax,0x10(%rbp,%rcx,1) */
    { "48 89 44 0d 10", { 0x48, 0x89, 0x44, 0x0d, 0x10 }, 5, PTWR_MOV, 8,
      0x0807060504030201 },
    /* SIB base 101 with mod 00 and REX.B: still disp32, no base (not r13) */
    { "49 89 04 25 00 10 00 00", { 0x49, 0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00 }, 8,
      PTWR_MOV, 8, 0x0807060504030201 },
    /* 15 bytes exactly: 4 prefixes + movq $imm32,disp32(%rdi) */
    { "3e x4, 48 c7 87 disp32 imm32",
      { 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x87, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff }, 15,
      PTWR_MOV, 8, 0xffffffffffffffff },
};

static void test_hand_encodings(void **state)
{
    for (size_t i = 0; i < sizeof(hand_ok) / sizeof(hand_ok[0]); i++) {
        const struct hand_case *h = &hand_ok[i];
        struct ptwr_write w;

        if (decode_exact(h->bytes, h->n, &w) != 0)
            print_error("refused: %s\n", h->what);
        assert_int_equal(decode_exact(h->bytes, h->n, &w), 0);
        assert_int_equal(w.len, h->n);
        assert_int_equal(w.kind, h->kind);
        assert_int_equal(w.width, h->width);
        assert_int_equal(w.value, h->value);
        for (unsigned int n = 0; n < h->n; n++)
            assert_int_equal(decode_exact(h->bytes, n, &w), -1);
    }
}

struct bad_case {
    const char *what;
    uint8_t bytes[16];
    unsigned int n;         /* bytes given; every prefix of them is refused too */
};

static const struct bad_case hand_bad[] = {
    { "mov %rax,%rdi (mod 11)", { 0x48, 0x89, 0xc7 }, 3 },
    { "xchg %eax,%ecx (mod 11)", { 0x87, 0xc8 }, 2 },
    { "lock cmpxchg %rcx,%rdx (mod 11)", { 0xf0, 0x48, 0x0f, 0xb1, 0xca }, 5 },
    { "or $1,%al-style 80 /1 mod 11", { 0x80, 0xc8, 0x01 }, 3 },
    { "mov (%rdi),%eax (a load)", { 0x8b, 0x07 }, 2 },
    { "add %eax,(%rdi)", { 0x01, 0x07 }, 2 },
    { "sub %eax,(%rdi)", { 0x29, 0x07 }, 2 },
    { "inc (%rdi)", { 0xff, 0x07 }, 2 },
    { "addq $1,(%rdi) (81 /0)", { 0x48, 0x81, 0x07, 1, 0, 0, 0 }, 7 },
    { "subq $1,(%rdi) (83 /5)", { 0x48, 0x83, 0x2f, 1 }, 4 },
    { "cmpb $1,(%rdi) (80 /7)", { 0x80, 0x3f, 1 }, 3 },
    { "xorq $1,(%rdi) (83 /6)", { 0x48, 0x83, 0x37, 1 }, 4 },
    { "C7 /1 (undefined)", { 0xc7, 0x0f, 0, 0, 0, 0 }, 6 },
    { "C6 /2 (undefined)", { 0xc6, 0x17, 0 }, 3 },
    { "btq $1,(%rdi) (0F BA /4, a read)", { 0x48, 0x0f, 0xba, 0x27, 1 }, 5 },
    { "btsq %rax,(%rdi) (register bit offset)", { 0x48, 0x0f, 0xab, 0x07 }, 4 },
    { "cmpxchg8b (%rdi)", { 0x0f, 0xc7, 0x0f }, 3 },
    { "xadd %rax,(%rdi)", { 0x48, 0x0f, 0xc1, 0x07 }, 4 },
    { "rep movq %rax,(%rdi)", { 0xf3, 0x48, 0x89, 0x07 }, 4 },
    { "xacquire lock cmpxchg", { 0xf2, 0xf0, 0x48, 0x0f, 0xb1, 0x37 }, 6 },
    { "xrelease movq %rax,(%rdi)", { 0xf3, 0x48, 0x89, 0x07 }, 4 },
    { "addr32 movl %eax,(%edi)", { 0x67, 0x89, 0x07 }, 3 },
    { "lock movq %rax,(%rdi) (#UD)", { 0xf0, 0x48, 0x89, 0x07 }, 4 },
    { "lock movb $1,(%rdi) (#UD)", { 0xf0, 0xc6, 0x07, 1 }, 4 },
    { "lone 0F", { 0x0f }, 1 },
    { "0F 0F", { 0x0f, 0x0f, 0x07 }, 3 },
    { "prefixes only", { 0x66, 0xf0, 0x48 }, 3 },
    /* 16 bytes: one prefix too many (#GP on hardware, never a #PF) */
    { "5 prefixes + 11-byte movq",
      { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x87, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
      16 },
    { "15 prefixes", { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
                       0x3e, 0x3e, 0x3e, 0x89, 0x07 }, 16 },
};

static void test_refusals(void **state)
{
    for (size_t i = 0; i < sizeof(hand_bad) / sizeof(hand_bad[0]); i++) {
        const struct bad_case *h = &hand_bad[i];
        struct ptwr_write w;

        for (unsigned int n = 0; n <= h->n; n++) {
            if (decode_exact(h->bytes, n, &w) != -1)
                print_error("accepted: %s (avail %u)\n", h->what, n);
            assert_int_equal(decode_exact(h->bytes, n, &w), -1);
        }
    }
}

/* ---- ptwr_compose(): directed cases -------------------------------------- */

static struct ptwr_write mkw(enum ptwr_kind kind, unsigned int width, uint64_t value,
                             unsigned int src, bool high8)
{
    return (struct ptwr_write){ .len = 3, .width = width, .kind = kind, .value = value,
                                .src_reg = src, .src_high8 = high8, .has_src_reg = true };
}

static void test_compose_partial_and_alignment(void **state)
{
    struct ptwr_regs regs = pattern_regs();
    struct ptwr_effect e;
    struct ptwr_write w = mkw(PTWR_MOV, 4, 0xaabbccdd, PTWR_RCX, false);

    assert_int_equal(ptwr_compose(&w, 0x1111111122222222, 4, &regs, 0x2, &e), 0);
    assert_int_equal(e.new_entry, 0xaabbccdd22222222);
    assert_true(e.store);
    assert_false(e.reg_written);
    assert_int_equal(e.rflags, 0x2);

    w = mkw(PTWR_MOV, 1, 0x80, PTWR_RAX, false);
    assert_int_equal(ptwr_compose(&w, 0, 7, &regs, 0x2, &e), 0);
    assert_int_equal(e.new_entry, 0x8000000000000000);

    w = mkw(PTWR_MOV, 2, 0xbeef, PTWR_RAX, false);
    assert_int_equal(ptwr_compose(&w, 0xffffffffffffffff, 2, &regs, 0x2, &e), 0);
    assert_int_equal(e.new_entry, 0xffffffffbeefffff);

    /* Not naturally aligned inside the entry, or outside it. */
    static const struct { unsigned int width, off; } bad[] = {
        { 8, 4 }, { 8, 1 }, { 4, 2 }, { 4, 6 }, { 2, 7 }, { 2, 1 }, { 1, 8 }, { 8, 8 },
        { 4, 8 }, { 3, 0 }, { 0, 0 }, { 16, 0 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        w = mkw(PTWR_MOV, bad[i].width, 0, PTWR_RAX, false);
        assert_int_equal(ptwr_compose(&w, 0, bad[i].off, &regs, 0x2, &e), -1);
    }
}

static void test_compose_register_writeback(void **state)
{
    struct ptwr_regs regs = pattern_regs();
    struct ptwr_effect e;

    /* xchgb %dh: only bits 8..15 of rdx change. */
    struct ptwr_write w = mkw(PTWR_XCHG, 1, 0x22, PTWR_RDX, true);
    assert_int_equal(ptwr_compose(&w, 0x00000000aa000000, 3, &regs, 0x2, &e), 0);
    assert_int_equal(e.new_entry, 0x0000000022000000);
    assert_true(e.reg_written);
    assert_int_equal(e.reg, PTWR_RDX);
    assert_int_equal(e.reg_value, 0x282726252423aa21);

    /* xchgl: the old half is zero-extended into the register. */
    w = mkw(PTWR_XCHG, 4, 0x84838281, PTWR_R8, false);
    assert_int_equal(ptwr_compose(&w, 0xdeadbeef00000000, 4, &regs, 0x2, &e), 0);
    assert_int_equal(e.new_entry, 0x8483828100000000);
    assert_int_equal(e.reg, PTWR_R8);
    assert_int_equal(e.reg_value, 0xdeadbeef);

    /* cmpxchgl failure: eax loaded and zero-extended, entry untouched, ZF clear. */
    w = mkw(PTWR_CMPXCHG, 4, 0x11111111, PTWR_RCX, false);
    assert_int_equal(ptwr_compose(&w, 0x99999999, 0, &regs, PTWR_FLAG_ZF | 0x2, &e), 0);
    assert_false(e.store);
    assert_int_equal(e.new_entry, 0x99999999);
    assert_int_equal(e.reg, PTWR_RAX);
    assert_int_equal(e.reg_value, 0x99999999);
    assert_int_equal(e.rflags & PTWR_FLAG_ZF, 0);

    /* cmpxchgb success at byte 5: AL matches, ZF set, rax untouched. */
    w = mkw(PTWR_CMPXCHG, 1, 0x71, PTWR_RDI, false);
    assert_int_equal(ptwr_compose(&w, 0x0000010000000000, 5, &regs, 0x2, &e), 0);
    assert_true(e.store);
    assert_false(e.reg_written);
    assert_int_equal(e.new_entry, 0x0000710000000000);
    assert_int_equal(e.rflags & PTWR_FLAGS_ARITH, PTWR_FLAG_ZF | PTWR_FLAG_PF);
}

/* ---- ptwr_compose() against the CPU --------------------------------------- */

/*
 * Read RFLAGS straight after the instruction.  The stack pointer steps
 * over the red zone first (lea leaves the flags alone).
 */
#define GRAB_FLAGS "\n\tlea -128(%%rsp),%%rsp\n\tpushfq\n\tpopq %[fl]\n\tlea 128(%%rsp),%%rsp"

union entry {
    uint64_t q[1];
    uint32_t d[2];
    uint16_t w[4];
    uint8_t b[8];
};

/* Run `op src,(entry+off)` on the CPU; *reg is xchg's or cmpxchg's register. */
#define HW_WIDTH(sfx, T, field, shift) \
    static uint64_t hw_##sfx(enum ptwr_kind k, union entry *e, unsigned int off, \
                             uint64_t *acc, uint64_t *src) \
    { \
        T *m = &e->field[off >> (shift)]; \
        T s = (T)*src, a = (T)*acc; \
        uint64_t fl = 0; \
        switch (k) { \
        case PTWR_MOV: \
            *m = s; \
            break; \
        case PTWR_XCHG: \
            __asm__ volatile("xchg %[s],%[m]" GRAB_FLAGS \
                             : [m] "+m"(*m), [s] "+q"(s), [fl] "=r"(fl) :: "cc"); \
            break; \
        case PTWR_CMPXCHG: \
            __asm__ volatile("lock cmpxchg %[s],%[m]" GRAB_FLAGS \
                             : [m] "+m"(*m), "+a"(a), [fl] "=r"(fl) : [s] "q"(s) : "cc"); \
            break; \
        case PTWR_AND: \
            __asm__ volatile("lock and %[s],%[m]" GRAB_FLAGS \
                             : [m] "+m"(*m), [fl] "=r"(fl) : [s] "q"(s) : "cc"); \
            break; \
        case PTWR_OR: \
            __asm__ volatile("lock or %[s],%[m]" GRAB_FLAGS \
                             : [m] "+m"(*m), [fl] "=r"(fl) : [s] "q"(s) : "cc"); \
            break; \
        default: \
            fail(); \
        } \
        *src = s; \
        *acc = a; \
        return fl; \
    }
HW_WIDTH(b, uint8_t, b, 0)
HW_WIDTH(w, uint16_t, w, 1)
HW_WIDTH(d, uint32_t, d, 2)
HW_WIDTH(q, uint64_t, q, 3)

/* Bit operations with the immediate 13 (width >= 2) or 45 (width 8 only: 45 % 16 = 13). */
static uint64_t hw_bit(enum ptwr_kind k, union entry *e, unsigned int off, unsigned int width)
{
    uint64_t fl = 0;

#define BITOP(insn, T, field, shift, bit) \
    __asm__ volatile("lock " insn " $" #bit ",%[m]" GRAB_FLAGS \
                     : [m] "+m"(e->field[off >> (shift)]), [fl] "=r"(fl) :: "cc")
#define BITOPS(insn) \
    switch (width) { \
    case 2: BITOP(insn "w", uint16_t, w, 1, 13); break; \
    case 4: BITOP(insn "l", uint32_t, d, 2, 13); break; \
    default: BITOP(insn "q", uint64_t, q, 3, 45); break; \
    }
    if (k == PTWR_BTS)
        BITOPS("bts")
    else if (k == PTWR_BTR)
        BITOPS("btr")
    else
        BITOPS("btc")
    return fl;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Flags each kind defines (the rest are undefined on hardware). */
static uint64_t defined_flags(enum ptwr_kind k)
{
    switch (k) {
    case PTWR_CMPXCHG: return PTWR_FLAGS_ARITH;
    case PTWR_AND: case PTWR_OR: return PTWR_FLAGS_ARITH & ~PTWR_FLAG_AF;
    case PTWR_BTS: case PTWR_BTR: case PTWR_BTC: return PTWR_FLAG_CF;
    default: return PTWR_FLAGS_ARITH;   /* mov, xchg: none change */
    }
}

static void test_compose_matches_cpu(void **state)
{
    static const enum ptwr_kind kinds[] = {
        PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG, PTWR_AND, PTWR_OR, PTWR_BTS, PTWR_BTR, PTWR_BTC,
    };

    for (unsigned int iter = 0; iter < 20000; iter++) {
        enum ptwr_kind k = kinds[rnd() % 8];
        bool bitop = k >= PTWR_BTS;
        unsigned int width = 1u << (rnd() % 4);
        if (bitop && width == 1)
            width = 2;
        unsigned int off = (unsigned int)(rnd() % (8 / width)) * width;
        uint64_t mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
        union entry ent = { .q = { rnd() } };
        uint64_t before = ent.q[0];
        uint64_t src = rnd() >> (rnd() % 64);
        uint64_t acc = rnd();
        /* Half the compare-exchanges should succeed. */
        if (k == PTWR_CMPXCHG && (rnd() & 1))
            acc = (acc & ~mask) | (before >> (8 * off) & mask);

        struct ptwr_regs regs = pattern_regs();
        regs.gpr[PTWR_RAX] = acc;
        regs.gpr[PTWR_RBX] = src;
        struct ptwr_write w = mkw(k, width, src & mask, PTWR_RBX, false);
        if (bitop) {
            w.value = width == 8 ? 45 : 13;
            w.has_src_reg = false;
        }
        /* Any incoming flags: the defined ones must be overwritten. */
        uint64_t in_flags = 0x2 | (rnd() & PTWR_FLAGS_ARITH);
        struct ptwr_effect e;
        assert_int_equal(ptwr_compose(&w, before, off, &regs, in_flags, &e), 0);

        uint64_t hw_acc = acc, hw_src = src, fl;
        if (bitop)
            fl = hw_bit(k, &ent, off, width);
        else if (width == 1)
            fl = hw_b(k, &ent, off, &hw_acc, &hw_src);
        else if (width == 2)
            fl = hw_w(k, &ent, off, &hw_acc, &hw_src);
        else if (width == 4)
            fl = hw_d(k, &ent, off, &hw_acc, &hw_src);
        else
            fl = hw_q(k, &ent, off, &hw_acc, &hw_src);

        assert_int_equal(e.new_entry, ent.q[0]);
        /* A compare-exchange stores exactly when the CPU set ZF. */
        assert_int_equal(e.store, k != PTWR_CMPXCHG || (fl & PTWR_FLAG_ZF));
        /* Register: the CPU's result, merged as a w-byte register write would be. */
        if (k == PTWR_XCHG) {
            assert_true(e.reg_written);
            assert_int_equal(e.reg, PTWR_RBX);
            uint64_t want = width == 4 ? (hw_src & mask) : (src & ~mask) | (hw_src & mask);
            assert_int_equal(e.reg_value, want);
        } else if (k == PTWR_CMPXCHG && !e.store) {
            assert_true(e.reg_written);
            assert_int_equal(e.reg, PTWR_RAX);
            uint64_t want = width == 4 ? (hw_acc & mask) : (acc & ~mask) | (hw_acc & mask);
            assert_int_equal(e.reg_value, want);
        } else {
            assert_false(e.reg_written);
        }
        uint64_t def = defined_flags(k);
        if (k == PTWR_MOV || k == PTWR_XCHG) {
            assert_int_equal(e.rflags, in_flags);
        } else {
            assert_int_equal(e.rflags & def, fl & def);
            /* Flags the instruction leaves alone stay as they were. */
            assert_int_equal(e.rflags & ~PTWR_FLAGS_ARITH, in_flags & ~PTWR_FLAGS_ARITH);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assembled_table),
        cmocka_unit_test(test_hand_encodings),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_compose_partial_and_alignment),
        cmocka_unit_test(test_compose_register_writeback),
        cmocka_unit_test(test_compose_matches_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
