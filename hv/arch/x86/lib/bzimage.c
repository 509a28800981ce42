/*
 * bzImage payload location and decompression (see asm/bzimage.h).
 * Facts from the x86 boot protocol (Linux Documentation/x86/boot.rst) and
 * Xen 4.17's bzimage.c: Xen needs protocol 2.08, skips setup_sects + 1
 * sectors (the boot sector is not counted in setup_sects), and trusts the
 * payload's last four bytes for the size of the decompressed image.
 */
#include <asm/bzimage.h>
#include <xl/string.h>
#include <xen/errno.h>

#define HDR_SETUP_SECTS     0x1f1
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_PAYLOAD_OFFSET  0x248
#define HDR_PAYLOAD_LENGTH  0x24c
#define HDR_END             0x250

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int refuse(struct bzimage_info *bi, int err, const char *why)
{
    bi->reason = why;
    return err;
}

static bool is_elf(const uint8_t *p, size_t len)
{
    return len >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

/* See bzimage.h. */
int bzimage_probe(const uint8_t *image, size_t len, struct bzimage_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->payload = image;
    bi->payload_len = len;

    if (len >= HDR_END && memcmp(image + HDR_MAGIC, "HdrS", 4) == 0) {
        bi->has_setup_header = true;
        bi->version = (uint16_t)(image[HDR_VERSION] | image[HDR_VERSION + 1] << 8);
        if (bi->version < 0x208)
            return refuse(bi, -XEN_EINVAL,
                          "bzImage boot protocol older than 2.08 (no payload fields)");
        uint64_t start = ((uint64_t)image[HDR_SETUP_SECTS] + 1) * 512 +
                         le32(image + HDR_PAYLOAD_OFFSET);
        uint64_t plen = le32(image + HDR_PAYLOAD_LENGTH);
        if (start > len || plen > len - start)
            return refuse(bi, -XEN_EINVAL, "bzImage payload lies outside the image (truncated?)");
        bi->payload = image + start;
        bi->payload_len = (size_t)plen;
    }

    if (is_elf(bi->payload, bi->payload_len))
        return 0;

    bi->format = decomp_detect(bi->payload, bi->payload_len);
    switch (bi->format) {
    case DECOMP_GZIP:
    case DECOMP_XZ:
    case DECOMP_LZ4:
    case DECOMP_ZSTD:
        break;
    case DECOMP_UNKNOWN:
        return refuse(bi, -XEN_EINVAL, bi->has_setup_header
                      ? "bzImage payload is neither ELF nor in a known compression format"
                      : "not an ELF image, a bzImage or a compressed ELF");
    default:
        return refuse(bi, -XEN_EOPNOTSUPP,
                      "bzImage payload compression is not supported (only gzip, xz, lz4 and zstd)");
    }
    if (bi->payload_len < 8)
        return refuse(bi, -XEN_EINVAL, "compressed payload too short");
    bi->out_len = le32(bi->payload + bi->payload_len - 4);
    if (bi->out_len == 0)
        return refuse(bi, -XEN_EINVAL, "compressed payload declares an empty image");
    return 0;
}

/* See bzimage.h. */
int bzimage_decompress(const struct bzimage_info *bi, uint8_t *out, size_t out_max,
                       struct decomp_work *work, struct decomp_result *r)
{
    int rc;

    if (out_max > bi->out_len)
        out_max = (size_t)bi->out_len;
    switch (bi->format) {
    case DECOMP_GZIP:
        rc = gunzip(bi->payload, bi->payload_len, out, out_max, r);
        break;
    case DECOMP_XZ:
        rc = unxz(bi->payload, bi->payload_len, out, out_max, &work->xz, r);
        break;
    case DECOMP_LZ4:
        rc = unlz4(bi->payload, bi->payload_len, out, out_max, r);
        break;
    case DECOMP_ZSTD:
        rc = unzstd(bi->payload, bi->payload_len, out, out_max, &work->zstd, r);
        break;
    default:
        r->out_len = r->in_used = 0;
        r->reason = "nothing to decompress";
        return -XEN_EINVAL;
    }
    if (rc)
        return rc;
    if (r->out_len != bi->out_len) {
        r->reason = "decompressed image is shorter than the size the payload declares";
        return -XEN_EINVAL;
    }
    return 0;
}
