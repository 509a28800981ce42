/*
 * Decompressors for boot images: a bzImage's payload (Linux's piggy) is a
 * compressed ELF. Each decoder is written from its format's specification
 * and works in one call on whole buffers: the input is all there, the output
 * buffer is large enough for the whole result (its size known beforehand),
 * and earlier output doubles as the dictionary. Pure and freestanding
 * (hv/lib), host-tested in tests/unit and fuzzed in tests/fuzz.
 *
 * Every decoder treats its input as hostile: it never reads past in_len,
 * never writes past out_max, and ends with 0 or a negative Xen errno and a
 * constant sentence in r->reason:
 *   -XEN_EINVAL      corrupt or truncated input, or a failed check (CRC)
 *   -XEN_ENOSPC      the output would be larger than out_max
 *   -XEN_EOPNOTSUPP  a valid but unsupported feature (e.g. an xz filter)
 */
#ifndef HV_DECOMPRESS_H
#define HV_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct decomp_result {
    size_t out_len;         /* bytes written to out */
    size_t in_used;         /* bytes of input consumed (the stream's end) */
    const char *reason;     /* why it failed; NULL on success */
};

/* Compression formats recognised by their magic bytes (as Xen and Linux). */
enum decomp_format {
    DECOMP_UNKNOWN = 0,
    DECOMP_GZIP,            /* 1f 8b (and 1f 9e, old gzip) */
    DECOMP_XZ,              /* fd '7zXZ' 00 */
    DECOMP_BZIP2,           /* 'BZh' */
    DECOMP_LZMA,            /* 5d 00 (lzma-alone) */
    DECOMP_LZO,             /* 89 'LZO' */
    DECOMP_LZ4,             /* 02 21 (lz4 legacy frame, as Linux writes) */
    DECOMP_ZSTD,            /* 28 b5 2f fd */
};

enum decomp_format decomp_detect(const uint8_t *in, size_t len);
const char *decomp_name(enum decomp_format f);

/* CRC-32 (IEEE 802.3, reflected, as gzip and xz use it), continuing from crc. */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);
/* CRC-64 (ECMA-182, reflected, as xz's CRC64 check), continuing from crc. */
uint64_t crc64_update(uint64_t crc, const uint8_t *p, size_t n);

/* gzip (RFC 1952) around DEFLATE (RFC 1951): one member; CRC32 and ISIZE are
 * checked; bytes after the member are left alone (r->in_used says where). */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
           struct decomp_result *r);

/* LZ4 legacy frames (lz4 -l, as Linux compresses its kernel), LZ4 block
 * format inside; no checksum exists in this format. Stops at the end of the
 * input or at a word that cannot be a block size (what follows the stream,
 * e.g. Linux's appended size; r->in_used says where). */
int unlz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
          struct decomp_result *r);

/* Scratch memory for unzstd: the literals of one block and the tables. */
struct zstd_work {
    uint8_t bytes[(128u << 10) + 16384] __attribute__((aligned(8)));
};

/* Zstandard (RFC 8878): frames without a dictionary, blocks of every type,
 * the XXH64 content checksum verified when present; skippable frames are
 * passed over; bytes after the last frame are left alone. */
int unzstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
           struct zstd_work *work, struct decomp_result *r);

/* XXH64 with seed 0 (zstd's content checksum is its low 32 bits). */
uint64_t xxh64(const uint8_t *p, size_t n);

/* Scratch memory for unxz: LZMA's probability model, too large for a stack. */
#define XZ_PROBS_MAX (1846 + 0x300 * 16)
struct xz_work {
    uint16_t probs[XZ_PROBS_MAX];
};

/* xz (.xz file format 1.0.4): one stream of LZMA2 blocks, optionally behind
 * the x86 BCJ filter; checks None, CRC32 and CRC64 verified (SHA-256 is
 * refused); bytes after the stream footer are left alone. */
int unxz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
         struct xz_work *work, struct decomp_result *r);

/* Scratch memory for any of the decoders (bzimage_decompress). */
struct decomp_work {
    struct xz_work xz;
    struct zstd_work zstd;
};

/*
 * Raw LZMA2 data (an xz block's payload) from in[*in_pos, in_len) into
 * out[*out_pos, out_max); both positions advance. Returns 0 after the end
 * marker, or a negative Xen errno with *reason (used by unxz).
 */
int lzma2_decode(const uint8_t *in, size_t in_len, size_t *in_pos,
                 uint8_t *out, size_t out_max, size_t *out_pos,
                 struct xz_work *work, const char **reason);

/* The x86 BCJ filter's decoder over one whole block (exposed for tests). */
void bcj_x86_decode(uint8_t *buf, size_t size, uint32_t start);

#endif /* HV_DECOMPRESS_H */
