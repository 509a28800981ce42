/*
 * The .xz container (The .xz File Format, version 1.0.4) around LZMA2, and
 * the x86 BCJ filter. One stream is decoded:
 *   stream header   fd '7zXZ' 00, two flag bytes (check type), CRC-32 of them
 *   blocks          header (size byte, flags, optional sizes, filter flags,
 *                   zero padding, CRC-32), data, zero padding to 4 bytes, check
 *   index           00, record count, (unpadded size, uncompressed size) per
 *                   block, zero padding, CRC-32
 *   stream footer   CRC-32, backward size, the flag bytes again, 'YZ'
 * Every field is checked against the others; bytes after the footer are the
 * caller's (Linux appends the decompressed size there).
 */
#include <hv/decompress.h>
#include <xl/string.h>
#include <xen/errno.h>

#define CHECK_NONE   0
#define CHECK_CRC32  1
#define CHECK_CRC64  4
#define CHECK_SHA256 10

#define FILTER_X86   0x04
#define FILTER_LZMA2 0x21

#define MAX_BLOCKS   4096       /* index records remembered for the cross-check */

struct xz {
    const uint8_t *in;
    size_t in_len, pos;
    const char *reason;
    int err;
};

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int fail(struct xz *x, int err, const char *why)
{
    if (!x->reason) {
        x->reason = why;
        x->err = err;
    }
    return x->err;
}

/* A variable-length integer: 7 bits a byte, low first, at most 9 bytes. */
static bool vli(const uint8_t *p, size_t end, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (unsigned int i = 0; i < 9; i++) {
        if (*pos >= end)
            return false;
        uint8_t b = p[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return b != 0 || i == 0;            /* no superfluous zero bytes */
    }
    return false;
}

static size_t check_size(unsigned int type)
{
    if (type == 0)
        return 0;
    return (size_t)4 << ((type - 1) / 3);       /* 4, 8, 16, 32, 64 bytes by group */
}

/* See decompress.h. */
void bcj_x86_decode(uint8_t *buf, size_t size, uint32_t start)
{
    /*
     * E8 (call) and E9 (jmp) take a 32-bit relative operand that the encoder
     * made absolute when its top byte was 00 or ff. `recent` remembers, for
     * the three bytes before the current one, which were E8/E9 bytes that
     * were left alone; such a near neighbour can make the current opcode
     * part of another instruction, and the encoder then skipped it.
     */
    static const bool allowed[8] = { true, true, true, false, true, false, false, false };
    static const uint8_t probe[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    uint32_t recent = 0;
    size_t last = 0;            /* position of the previous E8/E9 plus one */

    if (size < 5)
        return;
    for (size_t i = 0; i + 4 < size;) {
        if ((buf[i] & 0xfe) != 0xe8) {
            i++;
            continue;
        }
        size_t gap = i + 1 - last;              /* 1 = the previous byte */
        if (last == 0 || gap > 3) {
            recent = 0;
        } else {
            recent = (recent << (gap - 1)) & 7;
            if (recent && (!allowed[recent] ||
                           buf[i + 4 - probe[recent]] == 0x00 ||
                           buf[i + 4 - probe[recent]] == 0xff)) {
                last = i + 1;
                recent = ((recent << 1) & 7) | 1;
                i++;
                continue;
            }
        }
        last = i + 1;
        if (buf[i + 4] != 0x00 && buf[i + 4] != 0xff) {
            recent = ((recent << 1) & 7) | 1;
            i++;
            continue;
        }
        uint32_t v = le32(buf + i + 1), abs;
        for (;;) {
            abs = v - (start + (uint32_t)i + 5);
            if (!recent)
                break;
            unsigned int sh = probe[recent] * 8u;
            uint8_t b = (uint8_t)(abs >> (24 - sh));
            if (b != 0x00 && b != 0xff)
                break;
            v = abs ^ ((1u << (32 - sh)) - 1);
        }
        abs &= 0x01ffffff;
        if (abs & 0x01000000)
            abs |= 0xff000000;
        buf[i + 1] = (uint8_t)abs;
        buf[i + 2] = (uint8_t)(abs >> 8);
        buf[i + 3] = (uint8_t)(abs >> 16);
        buf[i + 4] = (uint8_t)(abs >> 24);
        i += 5;
    }
}

struct block_sizes { uint64_t unpadded, uncompressed; };

/* One block at x->pos; appends to out and records its sizes. */
static int block(struct xz *x, unsigned int check, uint8_t *out, size_t out_max,
                 size_t *out_pos, struct xz_work *work, struct block_sizes *bs)
{
    const uint8_t *in = x->in;
    size_t start = x->pos;
    size_t hsize = ((size_t)in[start] + 1) * 4;

    if (hsize > x->in_len - start)
        return fail(x, -XEN_EINVAL, "xz: input ends inside a block header");
    if (crc32_update(0, in + start, hsize - 4) != le32(in + start + hsize - 4))
        return fail(x, -XEN_EINVAL, "xz: block header CRC-32 mismatch");
    size_t hend = start + hsize - 4, p = start + 2;
    uint8_t flags = in[start + 1];
    if (flags & 0x3c)
        return fail(x, -XEN_EOPNOTSUPP, "xz: reserved block flags set");
    uint64_t csize = UINT64_MAX, usize = UINT64_MAX, id, psize;
    if (((flags & 0x40) && !vli(in, hend, &p, &csize)) ||
        ((flags & 0x80) && !vli(in, hend, &p, &usize)))
        return fail(x, -XEN_EINVAL, "xz: bad size in a block header");
    if (csize == 0)
        return fail(x, -XEN_EINVAL, "xz: block header declares no compressed data");

    unsigned int nfilters = (flags & 3) + 1;
    bool x86 = false;
    uint32_t x86_start = 0;
    unsigned int dict_props = 0;
    for (unsigned int f = 0; f < nfilters; f++) {
        if (!vli(in, hend, &p, &id) || !vli(in, hend, &p, &psize) || psize > hend - p)
            return fail(x, -XEN_EINVAL, "xz: bad filter flags in a block header");
        bool last = f == nfilters - 1;
        if (id == FILTER_LZMA2 && last && psize == 1) {
            dict_props = in[p];
        } else if (id == FILTER_X86 && !last && !x86 && (psize == 0 || psize == 4)) {
            x86 = true;
            x86_start = psize ? le32(in + p) : 0;
        } else {
            return fail(x, -XEN_EOPNOTSUPP,
                        "xz: unsupported filter chain (only x86 BCJ + LZMA2)");
        }
        p += (size_t)psize;
    }
    if (dict_props > 40)
        return fail(x, -XEN_EINVAL, "xz: invalid LZMA2 dictionary size");
    while (p < hend)
        if (in[p++] != 0)
            return fail(x, -XEN_EINVAL, "xz: nonzero padding in a block header");

    size_t data = start + hsize, dpos = data, out_start = *out_pos;
    const char *why = NULL;
    int rc = lzma2_decode(in, x->in_len, &dpos, out, out_max, out_pos, work, &why);
    if (rc)
        return fail(x, rc, why);
    if (csize != UINT64_MAX && csize != dpos - data)
        return fail(x, -XEN_EINVAL, "xz: compressed size differs from the block header");
    if (usize != UINT64_MAX && usize != *out_pos - out_start)
        return fail(x, -XEN_EINVAL, "xz: uncompressed size differs from the block header");
    if (x86)
        bcj_x86_decode(out + out_start, *out_pos - out_start, x86_start);

    /* Block padding, then the check of the uncompressed data. */
    size_t unpadded = dpos - start;
    while ((dpos - start) % 4) {
        if (dpos >= x->in_len || in[dpos] != 0)
            return fail(x, -XEN_EINVAL, "xz: bad block padding");
        dpos++;
    }
    size_t cs = check_size(check);
    if (cs > x->in_len - dpos)
        return fail(x, -XEN_EINVAL, "xz: input ends inside a block check");
    const uint8_t *data_out = out + out_start;
    size_t n = *out_pos - out_start;
    if (check == CHECK_CRC32 && crc32_update(0, data_out, n) != le32(in + dpos))
        return fail(x, -XEN_EINVAL, "xz: CRC-32 of the data does not match");
    if (check == CHECK_CRC64 && crc64_update(0, data_out, n) != le64(in + dpos))
        return fail(x, -XEN_EINVAL, "xz: CRC-64 of the data does not match");
    x->pos = dpos + cs;
    bs->unpadded = unpadded + cs;
    bs->uncompressed = n;
    return 0;
}

/* The index at x->pos, checked against the blocks seen; returns its size. */
static int index_check(struct xz *x, const struct block_sizes *bs, size_t nblocks,
                       uint64_t blocks_seen, size_t *size)
{
    const uint8_t *in = x->in;
    size_t start = x->pos, p = start + 1;
    uint64_t count, unp, unc;

    if (!vli(in, x->in_len, &p, &count) || count != blocks_seen)
        return fail(x, -XEN_EINVAL, "xz: index record count does not match the blocks");
    for (uint64_t i = 0; i < count; i++) {
        if (!vli(in, x->in_len, &p, &unp) || !vli(in, x->in_len, &p, &unc))
            return fail(x, -XEN_EINVAL, "xz: input ends inside the index");
        if (i < nblocks && (unp != bs[i].unpadded || unc != bs[i].uncompressed))
            return fail(x, -XEN_EINVAL, "xz: index does not match the blocks");
    }
    while ((p - start) % 4) {
        if (p >= x->in_len || in[p] != 0)
            return fail(x, -XEN_EINVAL, "xz: bad index padding");
        p++;
    }
    if (x->in_len - p < 4 || crc32_update(0, in + start, p - start) != le32(in + p))
        return fail(x, -XEN_EINVAL, "xz: index CRC-32 mismatch");
    x->pos = p + 4;
    *size = x->pos - start;
    return 0;
}

/* See decompress.h. */
int unxz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
         struct xz_work *work, struct decomp_result *r)
{
    static const uint8_t magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    static struct block_sizes bs[MAX_BLOCKS];
    struct xz x = { .in = in, .in_len = in_len };
    size_t out_pos = 0, nblocks = 0, index_size = 0;
    uint64_t blocks_seen = 0;
    int rc = 0;

    r->out_len = r->in_used = 0;
    r->reason = NULL;
    if (in_len < 12 + 12 || memcmp(in, magic, 6) != 0) {
        r->reason = "xz: not an xz stream (magic or length)";
        return -XEN_EINVAL;
    }
    if (crc32_update(0, in + 6, 2) != le32(in + 8)) {
        r->reason = "xz: stream header CRC-32 mismatch";
        return -XEN_EINVAL;
    }
    if (in[6] != 0 || (in[7] & 0xf0)) {
        r->reason = "xz: unsupported stream flags";
        return -XEN_EOPNOTSUPP;
    }
    unsigned int check = in[7] & 0x0f;
    if (check != CHECK_NONE && check != CHECK_CRC32 && check != CHECK_CRC64) {
        r->reason = "xz: unsupported integrity check (only none, CRC-32, CRC-64)";
        return -XEN_EOPNOTSUPP;
    }
    x.pos = 12;

    for (;;) {
        if (x.pos >= in_len) {
            rc = fail(&x, -XEN_EINVAL, "xz: input ends before the index");
            break;
        }
        if (in[x.pos] == 0) {
            rc = index_check(&x, bs, nblocks, blocks_seen, &index_size);
            break;
        }
        struct block_sizes one;
        rc = block(&x, check, out, out_max, &out_pos, work, &one);
        if (rc)
            break;
        if (nblocks < MAX_BLOCKS)
            bs[nblocks++] = one;
        blocks_seen++;
    }
    r->out_len = out_pos;
    if (rc) {
        r->reason = x.reason;
        return rc;
    }

    /* Stream footer. */
    if (in_len - x.pos < 12) {
        r->reason = "xz: input ends before the stream footer";
        return -XEN_EINVAL;
    }
    const uint8_t *f = in + x.pos;
    if (f[10] != 'Y' || f[11] != 'Z' || crc32_update(0, f + 4, 6) != le32(f) ||
        f[8] != in[6] || f[9] != in[7] || ((uint64_t)le32(f + 4) + 1) * 4 != index_size) {
        r->reason = "xz: stream footer does not match the header and index";
        return -XEN_EINVAL;
    }
    r->in_used = x.pos + 12;
    return 0;
}
