/*
 * libFuzzer harness for the Zstandard decoder (hv/lib/unzstd.c).
 * Run with `make fuzz-unzstd` (clang, not part of `make test`).
 *
 * Input: a zstd stream (optionally with Linux's appended size),
 * copied to an exact-size heap buffer; the output buffer is exact-size too
 * (the trailing size, capped at 1 MiB), so ASan catches any access out of
 * bounds. Checks the contract of hv/include/hv/decompress.h: an errno from
 * the documented set with a reason, never more output than room, in_used
 * within the input; and decoding is a function of the input: a second run
 * into a fresh buffer gives the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <hv/decompress.h>
#include <xen/errno.h>

#include "decomp_fuzz.h"


static struct zstd_work work;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t out_max = decomp_fuzz_room(data, size);
    uint8_t *in = malloc(size ? size : 1);
    uint8_t *out = malloc(out_max ? out_max : 1), *again = malloc(out_max ? out_max : 1);
    memcpy(in, data, size);
    struct decomp_result r, r2;
    int rc = unzstd(in, size, out, out_max, &work, &r);

    if (rc != 0 && rc != -XEN_EINVAL && rc != -XEN_ENOSPC && rc != -XEN_EOPNOTSUPP)
        abort();
    if ((rc && !r.reason) || r.out_len > out_max || (rc == 0 && r.in_used > size))
        abort();
    int rc2 = unzstd(in, size, again, out_max, &work, &r2);
    if (rc2 != rc || r2.out_len != r.out_len || memcmp(out, again, r.out_len))
        abort();
    free(in);
    free(out);
    free(again);
    return 0;
}
