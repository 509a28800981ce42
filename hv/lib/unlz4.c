/*
 * LZ4 in its legacy frame, the form Linux's build writes (lz4 -l): the
 * magic 0x184c2102 (little endian), then blocks, each a 32-bit little-endian
 * compressed size and that many bytes of the LZ4 block format; a repeated
 * magic starts a further frame. A block is a run of sequences: a token whose
 * high nibble is the literal count and low nibble the match length less 4
 * (15 in either: more bytes follow, added up while they are 255), the
 * literals, a 16-bit little-endian back-reference distance (never 0) and the
 * match; the block's last sequence stops after its literals.
 * The whole output buffer is the history, so a match may reach earlier
 * blocks (the legacy format's blocks are independent, which this allows).
 */
#include <hv/decompress.h>
#include <xl/string.h>
#include <xen/errno.h>

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)     /* largest decompressed block */

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A length nibble's extension bytes; false if the block ends first. */
static bool more_length(const uint8_t *in, size_t end, size_t *pos, size_t *len)
{
    uint8_t b;

    do {
        if (*pos >= end)
            return false;
        b = in[(*pos)++];
        *len += b;
    } while (b == 255);
    return true;
}

static int block(const uint8_t *in, size_t pos, size_t end, uint8_t *out, size_t out_max,
                 size_t *out_pos, const char **reason)
{
    size_t o = *out_pos, start = o;

    for (;;) {
        if (pos >= end) {
            *reason = "lz4: block ends before its last literals";
            return -XEN_EINVAL;
        }
        uint8_t token = in[pos++];
        size_t lit = token >> 4;
        if (lit == 15 && !more_length(in, end, &pos, &lit)) {
            *reason = "lz4: block ends inside a literal length";
            return -XEN_EINVAL;
        }
        if (lit > end - pos) {
            *reason = "lz4: literals run past the block";
            return -XEN_EINVAL;
        }
        if (lit > out_max - o) {
            *reason = "output larger than its declared size";
            return -XEN_ENOSPC;
        }
        memcpy(out + o, in + pos, lit);
        o += lit;
        pos += lit;
        if (pos == end)
            break;                              /* the last sequence */
        if (end - pos < 2) {
            *reason = "lz4: block ends inside a match offset";
            return -XEN_EINVAL;
        }
        size_t dist = in[pos] | (size_t)in[pos + 1] << 8;
        pos += 2;
        size_t len = (token & 15);
        if (len == 15 && !more_length(in, end, &pos, &len)) {
            *reason = "lz4: block ends inside a match length";
            return -XEN_EINVAL;
        }
        len += 4;
        if (dist == 0 || dist > o) {
            *reason = "lz4: match reaches before the start of the output";
            return -XEN_EINVAL;
        }
        if (len > out_max - o) {
            *reason = "output larger than its declared size";
            return -XEN_ENOSPC;
        }
        const uint8_t *from = out + o - dist;
        for (size_t i = 0; i < len; i++)        /* may overlap */
            out[o + i] = from[i];
        o += len;
    }
    if (o - start > LZ4_LEGACY_BLOCK) {
        *reason = "lz4: block larger than the legacy format's 8 MiB";
        return -XEN_EINVAL;
    }
    *out_pos = o;
    return 0;
}

/* See decompress.h. */
int unlz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
          struct decomp_result *r)
{
    size_t pos = 0, o = 0;
    int rc;

    r->out_len = r->in_used = 0;
    r->reason = NULL;
    if (in_len < 4 || le32(in) != LZ4_LEGACY_MAGIC) {
        r->reason = "lz4: not a legacy lz4 stream (magic)";
        return -XEN_EINVAL;
    }
    pos = 4;
    while (in_len - pos >= 4) {
        uint32_t size = le32(in + pos);
        if (size == LZ4_LEGACY_MAGIC) {         /* a concatenated frame */
            pos += 4;
            continue;
        }
        if (size > in_len - pos - 4)
            break;                              /* not a block: what follows the stream */
        if (size == 0) {
            r->reason = "lz4: empty block";
            r->out_len = o;
            return -XEN_EINVAL;
        }
        rc = block(in, pos + 4, pos + 4 + size, out, out_max, &o, &r->reason);
        if (rc) {
            r->out_len = o;
            return rc;
        }
        pos += 4 + (size_t)size;
    }
    r->out_len = o;
    r->in_used = pos;
    return 0;
}
