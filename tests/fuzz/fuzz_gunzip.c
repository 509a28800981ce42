/*
 * libFuzzer harness for the gzip/DEFLATE decoder (hv/lib/inflate.c).
 * Run with `make fuzz-gunzip` (clang, not part of `make test`).
 *
 * Input: a gzip member, its bytes copied to an exact-size heap buffer; the
 * output buffer is exact-size too (the input's ISIZE, capped at 1 MiB), so
 * ASan catches any access out of bounds. Checks the contract of
 * hv/include/hv/decompress.h: an errno from the documented set with a
 * reason, never more output than room, and on success an output whose
 * CRC-32 and length are the trailer's (re-computed here independently of the
 * decoder's own check) and an in_used within the input.
 */
#include <stdlib.h>
#include <string.h>

#include <hv/decompress.h>
#include <xen/errno.h>

#include "decomp_fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t out_max = decomp_fuzz_room(data, size);
    uint8_t *in = malloc(size ? size : 1), *out = malloc(out_max ? out_max : 1);
    memcpy(in, data, size);
    struct decomp_result r;
    int rc = gunzip(in, size, out, out_max, &r);

    if (rc != 0 && rc != -XEN_EINVAL && rc != -XEN_ENOSPC && rc != -XEN_EOPNOTSUPP)
        abort();
    if (rc && !r.reason)
        abort();
    if (r.out_len > out_max)
        abort();
    if (rc == 0) {
        if (r.reason || r.in_used < 18 || r.in_used > size)
            abort();
        const uint8_t *t = in + r.in_used - 8;
        uint32_t crc = t[0] | t[1] << 8 | t[2] << 16 | (uint32_t)t[3] << 24;
        uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
        if (crc != crc32_update(0, out, r.out_len) || len != (uint32_t)r.out_len)
            abort();
    }
    free(in);
    free(out);
    return 0;
}
