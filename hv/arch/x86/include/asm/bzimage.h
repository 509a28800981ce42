/*
 * Linux bzImage kernels as PV images (as Xen 4.17's xen/arch/x86/bzimage.c
 * accepts them). A bzImage starts with the x86 boot protocol's setup header:
 * "HdrS" at 0x202, the protocol version at 0x206 (2.08 or later, which has
 * payload_offset at 0x248 and payload_length at 0x24c); the payload starts
 * (setup_sects + 1) * 512 + payload_offset bytes in and is either an ELF
 * image or a compressed one whose last 4 bytes (little endian) give the
 * decompressed size. An image without "HdrS" is taken as a bare payload:
 * an ELF, or a compressed ELF with the same trailing size.
 */
#ifndef HV_BZIMAGE_H
#define HV_BZIMAGE_H

#include <hv/decompress.h>

struct bzimage_info {
    bool has_setup_header;          /* a bzImage rather than a bare payload */
    uint16_t version;               /* boot protocol version, e.g. 0x20f */
    const uint8_t *payload;         /* the ELF or compressed ELF */
    size_t payload_len;
    enum decomp_format format;      /* DECOMP_UNKNOWN for an ELF payload */
    uint64_t out_len;               /* decompressed size (0 for an ELF payload) */
    const char *reason;             /* why it was refused */
};

/*
 * Find the payload of image[0..len). Returns 0 with bi filled (an ELF
 * payload has format DECOMP_UNKNOWN and out_len 0), or a negative Xen errno
 * with bi->reason: -XEN_EINVAL for a broken header, a payload outside the
 * image, a payload that is neither ELF nor compressed, or a zero size;
 * -XEN_EOPNOTSUPP for a compression we cannot decode.
 */
int bzimage_probe(const uint8_t *image, size_t len, struct bzimage_info *bi);

/*
 * Decompress a probed payload into out[0..out_max), which must hold
 * bi->out_len bytes. Returns 0 when exactly out_len bytes came out, or a
 * negative Xen errno with r->reason.
 */
int bzimage_decompress(const struct bzimage_info *bi, uint8_t *out, size_t out_max,
                       struct decomp_work *work, struct decomp_result *r);

#endif /* HV_BZIMAGE_H */
