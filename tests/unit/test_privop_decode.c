/*
 * Privileged-instruction decoder (hv/arch/x86/lib/privop_decode.c).
 *
 *  - a table of instructions in assembler syntax, assembled by gas into
 *    this binary: expected lengths come from the assembler; every proper
 *    prefix of each encoding must be reported as truncated;
 *  - hand-assembled byte strings for what gas will not write (stray REX,
 *    LOCK, the 15-byte limit) and for refusals.
 * Every decode reads from a heap copy of exactly `avail` bytes (ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/privop_decode.h>

static enum privop_result decode_exact(const uint8_t *bytes, size_t avail, struct privop_insn *p)
{
    uint8_t *copy = malloc(avail ? avail : 1);

    assert_non_null(copy);
    memcpy(copy, bytes, avail);
    enum privop_result rc = privop_decode(copy, avail, p);
    free(copy);
    return rc;
}

#define K(x) PRIVOP_##x
#define NA 0

/* X(text, kind, ctl, gpr, io_size, port_imm, port, rep, addr_size, seg) */
#define ASM_CASES(X) \
    X("mov %cr0,%rax",        K(MOV_FROM_CR), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %cr3,%r11",        K(MOV_FROM_CR), 3, 11, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %cr2,%rsp",        K(MOV_FROM_CR), 2, 4, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %cr8,%rdx",        K(MOV_FROM_CR), 8, 2, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %rdi,%cr4",        K(MOV_TO_CR), 4, 7, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %r15,%cr3",        K(MOV_TO_CR), 3, 15, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %db7,%rcx",        K(MOV_FROM_DR), 7, 1, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %db6,%r9",         K(MOV_FROM_DR), 6, 9, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %rbx,%db0",        K(MOV_TO_DR), 0, 3, NA, 0, 0, 0, 8, K(DS)) \
    X("mov %r12,%db3",        K(MOV_TO_DR), 3, 12, NA, 0, 0, 0, 8, K(DS)) \
    X("clts",                 K(CLTS), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("invd",                 K(INVD), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("wbinvd",               K(WBINVD), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("wrmsr",                K(WRMSR), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("rdtsc",                K(RDTSC), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("rdmsr",                K(RDMSR), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("cpuid",                K(CPUID), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("rdtscp",               K(RDTSCP), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("xsetbv",               K(XSETBV), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("hlt",                  K(HLT), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("cli",                  K(CLI), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("sti",                  K(STI), 0, 0, NA, 0, 0, 0, 8, K(DS)) \
    X("inb $0x80,%al",        K(IN), 0, 0, 1, 1, 0x80, 0, 8, K(DS)) \
    X("inw $0x71,%ax",        K(IN), 0, 0, 2, 1, 0x71, 0, 8, K(DS)) \
    X("inl $0xff,%eax",       K(IN), 0, 0, 4, 1, 0xff, 0, 8, K(DS)) \
    X("inb %dx,%al",          K(IN), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("inw %dx,%ax",          K(IN), 0, 0, 2, 0, 0, 0, 8, K(DS)) \
    X("inl %dx,%eax",         K(IN), 0, 0, 4, 0, 0, 0, 8, K(DS)) \
    X("outb %al,$0x80",       K(OUT), 0, 0, 1, 1, 0x80, 0, 8, K(DS)) \
    X("outw %ax,$0x2",        K(OUT), 0, 0, 2, 1, 2, 0, 8, K(DS)) \
    X("outl %eax,$0xcf",      K(OUT), 0, 0, 4, 1, 0xcf, 0, 8, K(DS)) \
    X("outb %al,%dx",         K(OUT), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("outw %ax,%dx",         K(OUT), 0, 0, 2, 0, 0, 0, 8, K(DS)) \
    X("outl %eax,%dx",        K(OUT), 0, 0, 4, 0, 0, 0, 8, K(DS)) \
    X("insb",                 K(INS), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("insw",                 K(INS), 0, 0, 2, 0, 0, 0, 8, K(DS)) \
    X("insl",                 K(INS), 0, 0, 4, 0, 0, 0, 8, K(DS)) \
    X("rep insb",             K(INS), 0, 0, 1, 0, 0, 1, 8, K(DS)) \
    X("rep insl",             K(INS), 0, 0, 4, 0, 0, 1, 8, K(DS)) \
    X("outsb",                K(OUTS), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("rep outsw",            K(OUTS), 0, 0, 2, 0, 0, 1, 8, K(DS)) \
    X("rep outsl",            K(OUTS), 0, 0, 4, 0, 0, 1, 8, K(DS)) \
    X("addr32 rep outsb",     K(OUTS), 0, 0, 1, 0, 0, 1, 4, K(DS)) \
    X("fs rep outsb",         K(OUTS), 0, 0, 1, 0, 0, 1, 8, K(FS)) \
    X("gs outsl",             K(OUTS), 0, 0, 4, 0, 0, 0, 8, K(GS)) \
    X(".byte 0x26; outsb",    K(OUTS), 0, 0, 1, 0, 0, 0, 8, K(ES)) \
    X("addr32 insw",          K(INS), 0, 0, 2, 0, 0, 0, 4, K(DS)) \
    X("repne insb",           K(INS), 0, 0, 1, 0, 0, 1, 8, K(DS)) \
    X("rex.W inb %dx,%al",    K(IN), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("rex.W outl %eax,%dx",  K(OUT), 0, 0, 4, 0, 0, 0, 8, K(DS)) \
    X(".byte 0xf3; inb %dx,%al", K(IN), 0, 0, 1, 0, 0, 0, 8, K(DS)) \
    X("data16 mov %cr0,%rax", K(MOV_FROM_CR), 0, 0, NA, 0, 0, 0, 8, K(DS))

#define ASM_ENTRY(text, ...) \
    "1: " text "\n2:\n" \
    ".pushsection .rodata.privop_index,\"a\"\n" \
    ".long 1b - privop_asm_code, 2b - 1b\n" \
    ".popsection\n"

__asm__(
    ".pushsection .rodata.privop_index,\"a\"\n"
    ".balign 4\n"
    ".globl privop_asm_index\n.hidden privop_asm_index\n"
    "privop_asm_index:\n"
    ".popsection\n"
    ".pushsection .rodata.privop_code,\"a\"\n"
    ".globl privop_asm_code\n.hidden privop_asm_code\n"
    "privop_asm_code:\n"
    ASM_CASES(ASM_ENTRY)
    ".popsection\n"
    ".pushsection .rodata.privop_index,\"a\"\n"
    ".globl privop_asm_index_end\n.hidden privop_asm_index_end\n"
    "privop_asm_index_end:\n"
    ".popsection\n");

extern const uint8_t privop_asm_code[];
extern const uint32_t privop_asm_index[], privop_asm_index_end[];

struct asm_case {
    const char *text;
    enum privop_kind kind;
    unsigned int ctl, gpr, io_size;
    bool port_imm;
    uint8_t port;
    bool rep;
    unsigned int addr_size;
    enum privop_seg seg;
};

#define C_ENTRY(text, kind, ctl, gpr, io_size, port_imm, port, rep, addr_size, seg) \
    { text, kind, ctl, gpr, io_size, port_imm, port, rep, addr_size, seg },
static const struct asm_case asm_cases[] = { ASM_CASES(C_ENTRY) };
#define N_ASM_CASES (sizeof(asm_cases) / sizeof(asm_cases[0]))

static void check_case(const struct asm_case *c, const struct privop_insn *p, unsigned int len)
{
    bool io = c->io_size != 0;
    bool ctlreg = c->kind <= PRIVOP_MOV_TO_DR;

    if (p->len != len || p->kind != c->kind || (ctlreg && (p->ctl != c->ctl || p->gpr != c->gpr)) ||
        (io && (p->io_size != c->io_size || p->port_imm != c->port_imm ||
                (c->port_imm && p->port != c->port))) ||
        p->rep != c->rep ||
        ((c->kind == PRIVOP_INS || c->kind == PRIVOP_OUTS) &&
         (p->addr_size != c->addr_size || p->seg != c->seg)))
        print_error("%s: len %u/%u kind %d/%d ctl %u/%u gpr %u/%u size %u/%u imm %d/%d "
                    "port %#x/%#x rep %d/%d addr %u/%u seg %d/%d\n", c->text, p->len, len,
                    p->kind, c->kind, p->ctl, c->ctl, p->gpr, c->gpr, p->io_size, c->io_size,
                    p->port_imm, c->port_imm, p->port, c->port, p->rep, c->rep, p->addr_size,
                    c->addr_size, p->seg, c->seg);
    assert_int_equal(p->len, len);
    assert_int_equal(p->kind, c->kind);
    if (ctlreg) {
        assert_int_equal(p->ctl, c->ctl);
        assert_int_equal(p->gpr, c->gpr);
    }
    if (io) {
        assert_int_equal(p->io_size, c->io_size);
        assert_int_equal(p->port_imm, c->port_imm);
        if (c->port_imm)
            assert_int_equal(p->port, c->port);
    }
    assert_int_equal(p->rep, c->rep);
    if (c->kind == PRIVOP_INS || c->kind == PRIVOP_OUTS) {
        assert_int_equal(p->addr_size, c->addr_size);
        assert_int_equal(p->seg, c->seg);
    }
}

static void test_assembled_table(void **state)
{
    assert_int_equal((size_t)(privop_asm_index_end - privop_asm_index), 2 * N_ASM_CASES);
    for (size_t i = 0; i < N_ASM_CASES; i++) {
        const uint8_t *code = privop_asm_code + privop_asm_index[2 * i];
        unsigned int len = privop_asm_index[2 * i + 1];
        struct privop_insn p;
        uint8_t padded[32];

        if (decode_exact(code, len, &p) != PRIVOP_OK)
            print_error("%s: refused\n", asm_cases[i].text);
        assert_int_equal(decode_exact(code, len, &p), PRIVOP_OK);
        check_case(&asm_cases[i], &p, len);
        /* Bytes after the instruction change nothing. */
        memcpy(padded, code, len);
        memset(padded + len, 0x0f, sizeof(padded) - len);
        assert_int_equal(decode_exact(padded, sizeof(padded), &p), PRIVOP_OK);
        check_case(&asm_cases[i], &p, len);
        /* Every shorter prefix is truncated, never refused or accepted. */
        for (unsigned int n = 0; n < len; n++)
            assert_int_equal(decode_exact(code, n, &p), PRIVOP_TRUNCATED);
    }
}

struct raw_case {
    const char *what;
    uint8_t bytes[20];
    unsigned int n;
    enum privop_result rc;
    enum privop_kind kind;
    unsigned int len;
};

static const struct raw_case raw_cases[] = {
    /* REX counts only directly before the opcode. */
    { "REX.R mov to cr", { 0x44, 0x0f, 0x22, 0xc0 }, 4, PRIVOP_OK, PRIVOP_MOV_TO_CR, 4 },
    { "REX then 66 then in", { 0x48, 0x66, 0xed }, 3, PRIVOP_OK, PRIVOP_IN, 3 },
    /* ModRM.mod is ignored for mov cr/dr: 0F 20 00 is mov %cr0,%rax. */
    { "mov cr with mod 00", { 0x0f, 0x20, 0x00 }, 3, PRIVOP_OK, PRIVOP_MOV_FROM_CR, 3 },
    /* LOCK is #UD on all of these. */
    { "lock mov cr0", { 0xf0, 0x0f, 0x20, 0xc0 }, 4, PRIVOP_REFUSED, 0, 0 },
    { "lock in", { 0xf0, 0xec }, 2, PRIVOP_REFUSED, 0, 0 },
    { "lock hlt", { 0xf0, 0xf4 }, 2, PRIVOP_REFUSED, 0, 0 },
    { "lock rdtscp", { 0xf0, 0x0f, 0x01, 0xf9 }, 4, PRIVOP_REFUSED, 0, 0 },
    /* Not ours. */
    { "lgdt", { 0x0f, 0x01, 0x10 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "xgetbv", { 0x0f, 0x01, 0xd0 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "xsetbv", { 0x0f, 0x01, 0xd1 }, 3, PRIVOP_OK, PRIVOP_XSETBV, 3 },
    { "lock xsetbv", { 0xf0, 0x0f, 0x01, 0xd1 }, 4, PRIVOP_REFUSED, 0, 0 },
    { "swapgs", { 0x0f, 0x01, 0xf8 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "invlpg", { 0x0f, 0x01, 0x38 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "lidt", { 0x0f, 0x01, 0x18 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "ltr", { 0x0f, 0x00, 0xd8 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "ud2", { 0x0f, 0x0b }, 2, PRIVOP_REFUSED, 0, 0 },
    { "int3", { 0xcc }, 1, PRIVOP_REFUSED, 0, 0 },
    { "iret", { 0x48, 0xcf }, 2, PRIVOP_REFUSED, 0, 0 },
    { "popf", { 0x9d }, 1, PRIVOP_REFUSED, 0, 0 },
    { "VEX", { 0xc5, 0xf8, 0x77 }, 3, PRIVOP_REFUSED, 0, 0 },
    { "empty", { 0 }, 0, PRIVOP_TRUNCATED, 0, 0 },
    { "lone 0f", { 0x0f }, 1, PRIVOP_TRUNCATED, 0, 0 },
    { "prefixes only", { 0x66, 0xf3 }, 2, PRIVOP_TRUNCATED, 0, 0 },
    /* 14 prefixes and a one-byte opcode: 15 bytes, fine. */
    { "15 bytes", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                    0x66, 0x66, 0xec }, 15, PRIVOP_OK, PRIVOP_IN, 15 },
    /* 15 prefixes: the opcode would be byte 16. */
    { "16 bytes", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                    0x66, 0x66, 0x66, 0xec }, 16, PRIVOP_REFUSED, 0, 0 },
    { "16 bytes, 15 given", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                              0x66, 0x66, 0x66, 0x66, 0x66 }, 15, PRIVOP_REFUSED, 0, 0 },
    { "mov cr at byte 15", { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                             0x66, 0x66, 0x66, 0x0f, 0x20, 0xc0 }, 16, PRIVOP_REFUSED, 0, 0 },
};

static void test_raw(void **state)
{
    for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
        const struct raw_case *c = &raw_cases[i];
        struct privop_insn p;
        enum privop_result rc = decode_exact(c->bytes, c->n, &p);

        if (rc != c->rc)
            print_error("%s: rc %d, want %d\n", c->what, rc, c->rc);
        assert_int_equal(rc, c->rc);
        if (rc == PRIVOP_OK) {
            assert_int_equal(p.kind, c->kind);
            assert_int_equal(p.len, c->len);
        }
    }
}

static void test_rex_fields(void **state)
{
    /* 45 0F 22 C7: REX.R and REX.B: mov %r15,%cr8. */
    static const uint8_t b[] = { 0x45, 0x0f, 0x22, 0xc7 };
    /* 41 0F 23 C0 with a 40 before a 66: the first REX is dropped. */
    static const uint8_t c[] = { 0x44, 0x66, 0x41, 0x0f, 0x21, 0xc8 };
    struct privop_insn p;

    assert_int_equal(decode_exact(b, sizeof(b), &p), PRIVOP_OK);
    assert_int_equal(p.kind, PRIVOP_MOV_TO_CR);
    assert_int_equal(p.ctl, 8);
    assert_int_equal(p.gpr, 15);
    assert_int_equal(decode_exact(c, sizeof(c), &p), PRIVOP_OK);
    assert_int_equal(p.kind, PRIVOP_MOV_FROM_DR);
    assert_int_equal(p.ctl, 1);
    assert_int_equal(p.gpr, 8);
}

/* Every byte string up to 3 bytes: no crash, and the promises hold. */
static void test_exhaustive_short(void **state)
{
    uint8_t b[3];
    struct privop_insn p;

    for (unsigned int n = 1; n <= 3; n++)
        for (uint32_t v = 0; v < (1u << (8 * n)); v++) {
            for (unsigned int k = 0; k < n; k++)
                b[k] = (uint8_t)(v >> (8 * k));
            enum privop_result rc = privop_decode(b, n, &p);     /* b is exactly 3 bytes */
            if (rc == PRIVOP_OK)
                assert_true(p.len >= 1 && p.len <= n);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assembled_table),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_rex_fields),
        cmocka_unit_test(test_exhaustive_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
