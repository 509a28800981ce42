/*
 * libFuzzer harness for the privileged-instruction decoder
 * (hv/arch/x86/lib/privop_decode.c). Run with `make fuzz-privop` (clang, not part
 * of `make test`).
 *
 * The bytes sit in a heap buffer of exactly the input's size, so ASan turns
 * any read past `avail` into a crash. An accepted decode must keep the
 * decoder's promises: 1 <= len <= min(avail, 15), fields in range, the
 * same answer when exactly len bytes are given, TRUNCATED for any shorter
 * prefix; a refusal or truncation must not depend on bytes it never needed
 * (a truncation with more bytes given becomes something else only when
 * avail grew).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/privop_decode.h>

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static enum privop_result decode_copy(const uint8_t *data, size_t n, struct privop_insn *p)
{
    uint8_t *buf = malloc(n ? n : 1);

    CHECK(buf != NULL);
    memcpy(buf, data, n);
    enum privop_result rc = privop_decode(buf, n, p);
    free(buf);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct privop_insn p, again;
    enum privop_result rc = decode_copy(data, size, &p);

    CHECK(rc == PRIVOP_OK || rc == PRIVOP_REFUSED || rc == PRIVOP_TRUNCATED);
    if (rc == PRIVOP_TRUNCATED) {
        CHECK(size < PRIVOP_MAX_INSN_LEN);
        return 0;
    }
    if (rc != PRIVOP_OK)
        return 0;

    CHECK(p.len >= 1 && p.len <= size && p.len <= PRIVOP_MAX_INSN_LEN);
    CHECK(p.kind <= PRIVOP_OUTS);
    CHECK(p.ctl < 16 && p.gpr < 16);
    CHECK(p.addr_size == 4 || p.addr_size == 8);
    CHECK(p.seg <= PRIVOP_GS);
    if (p.kind >= PRIVOP_IN)
        CHECK(p.io_size == 1 || p.io_size == 2 || p.io_size == 4);
    CHECK(!p.rep || p.kind == PRIVOP_INS || p.kind == PRIVOP_OUTS);
    CHECK(!p.port_imm || p.kind == PRIVOP_IN || p.kind == PRIVOP_OUT);

    CHECK(decode_copy(data, p.len, &again) == PRIVOP_OK);
    CHECK(p.len == again.len && p.kind == again.kind && p.ctl == again.ctl &&
          p.gpr == again.gpr && p.io_size == again.io_size && p.port_imm == again.port_imm &&
          p.port == again.port && p.rep == again.rep && p.addr_size == again.addr_size &&
          p.seg == again.seg);
    for (size_t n = 0; n < p.len; n++)
        CHECK(decode_copy(data, n, &again) == PRIVOP_TRUNCATED);
    return 0;
}
