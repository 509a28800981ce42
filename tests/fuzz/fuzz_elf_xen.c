/*
 * libFuzzer harness for the PV kernel ELF parser and loader
 * (lib/elf_xen.c).  Run with `make fuzz` (clang, not part of `make test`).
 *
 * Every input is parsed; an accepted one must satisfy the parser's
 * promises and load into a buffer of exactly pend - pstart bytes without
 * any write leaving it.  ASan/UBSan turn any stray access into a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xl/elf_xen.h>

struct buf {
    uint8_t *mem;
    uint64_t size;
};

static int put(void *ctx, uint64_t off, const void *src, size_t len)
{
    struct buf *b = ctx;
    if (off > b->size || len > b->size - off)
        abort();
    memcpy(b->mem + off, src, len);
    return 0;
}

static int zero(void *ctx, uint64_t off, size_t len)
{
    struct buf *b = ctx;
    if (off > b->size || len > b->size - off)
        abort();
    memset(b->mem + off, 0, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_xen_info info;

    if (elf_xen_parse(data, size, &info) != 0) {
        if (info.reason[0] == '\0')
            abort();            /* every refusal must explain itself */
        return 0;
    }
    if (info.virt_entry < info.virt_kstart || info.virt_entry > info.virt_kend ||
        info.virt_base > info.virt_kstart || info.nr_segs == 0)
        abort();

    /* Load only what a fuzzer run can afford to allocate. */
    if (info.pend - info.pstart > (64u << 20))
        return 0;
    struct buf b = { .size = info.pend - info.pstart };
    b.mem = malloc(b.size ? b.size : 1);
    struct elf_xen_sink sink = { put, zero, &b };
    if (elf_xen_load(&info, data, size, &sink) != 0)
        abort();
    free(b.mem);
    return 0;
}
