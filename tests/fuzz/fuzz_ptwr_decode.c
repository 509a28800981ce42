/*
 * libFuzzer harness for the writable-page-table store decoder
 * (hv/arch/x86/lib/ptwr_decode.c).  Run with `make fuzz-ptwr` (clang, not part of
 * `make test`).
 *
 * The instruction bytes sit in a heap buffer of exactly the input's size,
 * so ASan turns any read past `avail` into a crash.  An accepted decode
 * must keep the decoder's promises: 1 <= len <= min(avail, 15), a legal
 * width and kind, the same answer when only len bytes are given, a refusal
 * when one byte fewer is given, and a compose that touches only the
 * written bytes of the entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/ptwr_decode.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int decode_copy(const uint8_t *data, size_t n, const struct ptwr_regs *regs,
                       struct ptwr_write *w)
{
    uint8_t *buf = malloc(n ? n : 1);

    CHECK(buf != NULL);
    memcpy(buf, data, n);
    int rc = ptwr_decode(buf, n, regs, w);
    free(buf);
    return rc;
}

/* The entry bytes outside [off, off + width) must survive any store. */
static void check_compose(const struct ptwr_write *w, const struct ptwr_regs *regs,
                          uint64_t old)
{
    for (unsigned int off = 0; off < 8; off++) {
        struct ptwr_effect e;
        int rc = ptwr_compose(w, old, off, regs, 0x2, &e);

        if (off % w->width) {
            CHECK(rc == -1);
            continue;
        }
        CHECK(rc == 0);
        uint64_t keep = w->width == 8 ? 0 : ~(((1ull << (8 * w->width)) - 1) << (8 * off));
        CHECK((e.new_entry & keep) == (old & keep));
        if (!e.store)
            CHECK(w->kind == PTWR_CMPXCHG && e.new_entry == old);
        CHECK(e.reg < 16);
        CHECK((e.rflags & ~PTWR_FLAGS_ARITH) == 0x2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ptwr_regs regs;
    struct ptwr_write w, again;

    for (unsigned int i = 0; i < 16; i++)
        regs.gpr[i] = 0x0101010101010101ull * (i + 1) ^ (uint64_t)size << 40;

    if (decode_copy(data, size, &regs, &w) != 0)
        return 0;

    CHECK(w.len >= 1 && w.len <= size && w.len <= PTWR_MAX_INSN_LEN);
    CHECK(w.width == 1 || w.width == 2 || w.width == 4 || w.width == 8);
    CHECK(w.kind <= PTWR_BTC);
    CHECK(w.width == 8 || w.value >> (8 * w.width) == 0);
    CHECK(!w.has_src_reg || w.src_reg < (w.src_high8 ? 4u : 16u));
    CHECK(!w.src_high8 || w.width == 1);
    CHECK(w.kind != PTWR_MOV || !w.lock);
    CHECK(w.kind != PTWR_XCHG || w.lock);

    /* The bytes after the instruction do not matter; one byte fewer is refused. */
    CHECK(decode_copy(data, w.len, &regs, &again) == 0);
    CHECK(w.len == again.len && w.width == again.width && w.kind == again.kind &&
          w.value == again.value && w.lock == again.lock &&
          w.has_src_reg == again.has_src_reg && w.src_reg == again.src_reg &&
          w.src_high8 == again.src_high8);
    CHECK(decode_copy(data, w.len - 1, &regs, &again) == -1);

    uint64_t old = 0;
    memcpy(&old, data, size < 8 ? size : 8);
    check_compose(&w, &regs, old);
    check_compose(&w, &regs, ~old);
    return 0;
}
