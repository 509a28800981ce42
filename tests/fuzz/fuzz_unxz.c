/*
 * libFuzzer harness for the xz decoder (hv/lib/unxz.c, lzma2.c) and the
 * bzImage wrapper (hv/arch/x86/lib/bzimage.c). Run with `make fuzz-unxz`.
 *
 * Input: an xz stream (as Linux's bzImage payload: the decompressed size
 * may follow it), copied to an exact-size heap buffer; the output buffer is
 * exact-size too (the trailing size, capped at 1 MiB), so ASan catches any
 * access out of bounds. Checks the contract of hv/include/hv/decompress.h:
 * an errno from the documented set with a reason, never more output than
 * room, in_used within the input on success. The same bytes then go
 * through bzimage_probe/bzimage_decompress wrapped in a minimal bzImage,
 * which must agree with the direct call.
 */
#include <stdlib.h>
#include <string.h>

#include <asm/bzimage.h>
#include <xen/errno.h>

#include "decomp_fuzz.h"


static struct decomp_work work;

static bool known_rc(int rc)
{
    return rc == 0 || rc == -XEN_EINVAL || rc == -XEN_ENOSPC || rc == -XEN_EOPNOTSUPP;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t out_max = decomp_fuzz_room(data, size);
    uint8_t *in = malloc(size ? size : 1), *out = malloc(out_max ? out_max : 1);
    memcpy(in, data, size);
    struct decomp_result r;
    int rc = unxz(in, size, out, out_max, &work.xz, &r);

    if (!known_rc(rc) || (rc && !r.reason) || r.out_len > out_max)
        abort();
    if (rc == 0 && (r.reason || r.in_used < 24 || r.in_used > size))
        abort();

    /* The same payload inside a bzImage. */
    size_t hdr = 5 * 512;
    uint8_t *img = calloc(1, hdr + size);
    img[0x1f1] = 4;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = 0x0f;
    img[0x207] = 0x02;
    uint32_t plen = (uint32_t)size;
    memcpy(img + 0x24c, &plen, 4);
    memcpy(img + hdr, data, size);
    struct bzimage_info bi;
    int prc = bzimage_probe(img, hdr + size, &bi);
    if (!known_rc(prc) || (prc && !bi.reason))
        abort();
    if (prc == 0 && bi.format == DECOMP_XZ && bi.out_len <= DECOMP_FUZZ_CAP) {
        uint8_t *o2 = malloc(bi.out_len);
        struct decomp_result r2;
        int drc = bzimage_decompress(&bi, o2, (size_t)bi.out_len, &work, &r2);
        if (!known_rc(drc) || (drc && !r2.reason))
            abort();
        if (drc == 0 && (rc != 0 || r2.out_len != bi.out_len || r.out_len != bi.out_len ||
                         memcmp(o2, out, r.out_len)))
            abort();
        free(o2);
    }
    free(img);
    free(in);
    free(out);
    return 0;
}
