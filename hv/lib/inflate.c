/*
 * gzip and DEFLATE decoding in one pass over whole buffers.
 *
 * DEFLATE (RFC 1951): blocks of three kinds (stored, fixed Huffman codes,
 * dynamic Huffman codes); bits are taken least significant first; Huffman
 * codes are canonical and read most significant bit first. The output
 * buffer is the sliding window: a back-reference may reach any byte already
 * written (the format allows 32 KiB; we check only that it stays in out).
 * gzip (RFC 1952): a 10-byte header with optional fields, one DEFLATE
 * stream, then CRC-32 and ISIZE (length mod 2^32) of the data.
 */
#include <hv/decompress.h>
#include <xl/string.h>
#include <xen/errno.h>

#define MAX_BITS    15          /* longest code */
#define MAX_LITLEN  288         /* literal/length alphabet, 286 used */
#define MAX_DIST    32          /* distance alphabet, 30 used */

struct inflate {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint64_t bitbuf;            /* unread bits, next bit lowest */
    unsigned int bitcnt;
    uint8_t *out;
    size_t out_max, out_pos;
    const char *reason;
};

/* A canonical code: how many codes of each length, symbols by code order. */
struct huffman {
    uint16_t count[MAX_BITS + 1];
    uint16_t symbol[MAX_LITLEN];
};

static int fail(struct inflate *s, const char *why)
{
    if (!s->reason)
        s->reason = why;
    return -XEN_EINVAL;
}

/* Make sure at least n (<= 32) bits are buffered; false at the end of input. */
static bool need(struct inflate *s, unsigned int n)
{
    while (s->bitcnt < n) {
        if (s->in_pos >= s->in_len)
            return false;
        s->bitbuf |= (uint64_t)s->in[s->in_pos++] << s->bitcnt;
        s->bitcnt += 8;
    }
    return true;
}

/* n bits (0..16) as a number, first bit lowest; -1 when the input ends. */
static int32_t bits(struct inflate *s, unsigned int n)
{
    if (!need(s, n))
        return -1;
    int32_t v = (int32_t)(s->bitbuf & ((1u << n) - 1));
    s->bitbuf >>= n;
    s->bitcnt -= n;
    return v;
}

/*
 * Build the code from per-symbol lengths (0 = unused). Over-subscribed
 * lengths are refused; an incomplete set is allowed (RFC 1951 permits one
 * distance code of one bit) and a code that reaches a hole fails to decode.
 */
static int build(struct huffman *h, const uint8_t *len, unsigned int n)
{
    uint16_t offs[MAX_BITS + 2];
    int left = 1;

    for (unsigned int b = 0; b <= MAX_BITS; b++)
        h->count[b] = 0;
    for (unsigned int i = 0; i < n; i++)
        h->count[len[i]]++;
    for (unsigned int b = 1; b <= MAX_BITS; b++) {
        left = left * 2 - h->count[b];
        if (left < 0)
            return -1;
    }
    offs[1] = 0;
    for (unsigned int b = 1; b <= MAX_BITS; b++)
        offs[b + 1] = (uint16_t)(offs[b] + h->count[b]);
    for (unsigned int i = 0; i < n; i++)
        if (len[i])
            h->symbol[offs[len[i]]++] = (uint16_t)i;
    return 0;
}

/*
 * Read one symbol. Walk the lengths: at each length the codes of that length
 * form a contiguous range starting at `first`; a code below first + count is
 * found, otherwise move on to the next length.
 */
static int decode(struct inflate *s, const struct huffman *h)
{
    int code = 0, first = 0, index = 0;

    for (unsigned int len = 1; len <= MAX_BITS; len++) {
        int b = bits(s, 1);
        if (b < 0)
            return fail(s, "deflate: input ends inside a Huffman code");
        code |= b;
        int count = h->count[len];
        if (code - first < count)
            return h->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return fail(s, "deflate: invalid Huffman code");
}

static int put(struct inflate *s, uint8_t byte)
{
    if (s->out_pos >= s->out_max) {
        s->reason = "output larger than its declared size";
        return -XEN_ENOSPC;
    }
    s->out[s->out_pos++] = byte;
    return 0;
}

/* Stored block: byte aligned LEN, one's-complement NLEN, LEN raw bytes. */
static int stored(struct inflate *s)
{
    s->bitbuf >>= s->bitcnt & 7;                /* drop to a byte boundary */
    s->bitcnt -= s->bitcnt & 7;
    int32_t len = bits(s, 16), nlen = bits(s, 16);
    if (len < 0 || nlen < 0)
        return fail(s, "deflate: input ends inside a stored block header");
    if ((len ^ 0xffff) != nlen)
        return fail(s, "deflate: stored block length check failed");
    /* Whole bytes still in the bit buffer come first, then the input. */
    while (len && s->bitcnt >= 8) {
        int rc = put(s, (uint8_t)bits(s, 8));
        if (rc)
            return rc;
        len--;
    }
    if ((size_t)len > s->in_len - s->in_pos)
        return fail(s, "deflate: input ends inside a stored block");
    if ((size_t)len > s->out_max - s->out_pos) {
        s->reason = "output larger than its declared size";
        return -XEN_ENOSPC;
    }
    memcpy(s->out + s->out_pos, s->in + s->in_pos, (size_t)len);
    s->out_pos += (size_t)len;
    s->in_pos += (size_t)len;
    return 0;
}

static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The body of a Huffman-coded block, up to and including symbol 256. */
static int codes(struct inflate *s, const struct huffman *lit, const struct huffman *dist)
{
    for (;;) {
        int sym = decode(s, lit);
        if (sym < 0)
            return sym;
        if (sym < 256) {
            int rc = put(s, (uint8_t)sym);
            if (rc)
                return rc;
            continue;
        }
        if (sym == 256)
            return 0;
        sym -= 257;
        if (sym >= 29)
            return fail(s, "deflate: invalid length symbol");
        int32_t extra = bits(s, len_extra[sym]);
        if (extra < 0)
            return fail(s, "deflate: input ends inside a length");
        size_t len = len_base[sym] + (size_t)extra;

        int dsym = decode(s, dist);
        if (dsym < 0)
            return dsym;
        if (dsym >= 30)
            return fail(s, "deflate: invalid distance symbol");
        extra = bits(s, dist_extra[dsym]);
        if (extra < 0)
            return fail(s, "deflate: input ends inside a distance");
        size_t d = dist_base[dsym] + (size_t)extra;
        if (d > s->out_pos)
            return fail(s, "deflate: distance reaches before the start of the output");
        if (len > s->out_max - s->out_pos) {
            s->reason = "output larger than its declared size";
            return -XEN_ENOSPC;
        }
        uint8_t *o = s->out + s->out_pos;
        const uint8_t *from = o - d;
        for (size_t i = 0; i < len; i++)            /* may overlap: byte by byte */
            o[i] = from[i];
        s->out_pos += len;
    }
}

static int fixed(struct inflate *s)
{
    static struct huffman lit, dist;
    static bool ready;

    if (!ready) {
        uint8_t len[MAX_LITLEN];
        unsigned int i = 0;
        for (; i < 144; i++) len[i] = 8;
        for (; i < 256; i++) len[i] = 9;
        for (; i < 280; i++) len[i] = 7;
        for (; i < 288; i++) len[i] = 8;
        build(&lit, len, MAX_LITLEN);
        for (i = 0; i < 30; i++)
            len[i] = 5;
        build(&dist, len, 30);
        ready = true;
    }
    return codes(s, &lit, &dist);
}

static int dynamic(struct inflate *s)
{
    static const uint8_t order[19] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
    struct huffman lit, dist, cl;
    uint8_t len[MAX_LITLEN + MAX_DIST];
    int32_t hlit = bits(s, 5), hdist = bits(s, 5), hclen = bits(s, 4);

    if (hlit < 0 || hdist < 0 || hclen < 0)
        return fail(s, "deflate: input ends inside a block header");
    unsigned int nlit = (unsigned int)hlit + 257, ndist = (unsigned int)hdist + 1;
    if (nlit > 286 || ndist > 30)
        return fail(s, "deflate: too many length or distance codes");

    for (unsigned int i = 0; i < 19; i++) {
        int32_t v = i < (unsigned int)hclen + 4 ? bits(s, 3) : 0;
        if (v < 0)
            return fail(s, "deflate: input ends inside the code-length code");
        len[order[i]] = (uint8_t)v;
    }
    if (build(&cl, len, 19))
        return fail(s, "deflate: over-subscribed code-length code");

    for (unsigned int i = 0; i < nlit + ndist;) {
        int sym = decode(s, &cl);
        if (sym < 0)
            return sym;
        if (sym < 16) {
            len[i++] = (uint8_t)sym;
            continue;
        }
        uint8_t value = 0;
        int32_t rep;
        if (sym == 16) {
            if (i == 0)
                return fail(s, "deflate: repeat with no previous length");
            value = len[i - 1];
            rep = bits(s, 2);
            rep = rep < 0 ? rep : rep + 3;
        } else if (sym == 17) {
            rep = bits(s, 3);
            rep = rep < 0 ? rep : rep + 3;
        } else {
            rep = bits(s, 7);
            rep = rep < 0 ? rep : rep + 11;
        }
        if (rep < 0)
            return fail(s, "deflate: input ends inside the code lengths");
        if (i + (unsigned int)rep > nlit + ndist)
            return fail(s, "deflate: code lengths run past their count");
        while (rep--)
            len[i++] = value;
    }
    if (len[256] == 0)
        return fail(s, "deflate: no end-of-block code");
    if (build(&lit, len, nlit))
        return fail(s, "deflate: over-subscribed literal/length code");
    if (build(&dist, len + nlit, ndist))
        return fail(s, "deflate: over-subscribed distance code");
    return codes(s, &lit, &dist);
}

/* A raw DEFLATE stream from s->in_pos; leaves in_pos after its last byte. */
static int inflate_stream(struct inflate *s)
{
    int32_t last;

    do {
        last = bits(s, 1);
        int32_t type = bits(s, 2);
        int rc;
        if (last < 0 || type < 0)
            return fail(s, "deflate: input ends before the last block");
        switch (type) {
        case 0: rc = stored(s); break;
        case 1: rc = fixed(s); break;
        case 2: rc = dynamic(s); break;
        default: rc = fail(s, "deflate: invalid block type 3"); break;
        }
        if (rc)
            return rc;
    } while (!last);
    /* Whole unread bytes still buffered belong to what follows. */
    s->in_pos -= s->bitcnt / 8;
    s->bitbuf = 0;
    s->bitcnt = 0;
    return 0;
}

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define FHCRC    0x02
#define FEXTRA   0x04
#define FNAME    0x08
#define FCOMMENT 0x10

/* Skip a zero-terminated header string; false if the input ends first. */
static bool skip_string(struct inflate *s)
{
    while (s->in_pos < s->in_len)
        if (s->in[s->in_pos++] == 0)
            return true;
    return false;
}

/* See decompress.h. */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
           struct decomp_result *r)
{
    struct inflate s = { .in = in, .in_len = in_len, .out = out, .out_max = out_max };
    int rc;

    r->out_len = r->in_used = 0;
    r->reason = NULL;
    if (in_len < 18) {
        r->reason = "gzip: shorter than a header and trailer";
        return -XEN_EINVAL;
    }
    if (in[0] != 0x1f || in[1] != 0x8b) {
        r->reason = "gzip: bad magic";
        return -XEN_EINVAL;
    }
    if (in[2] != 8) {
        r->reason = "gzip: compression method is not DEFLATE";
        return -XEN_EOPNOTSUPP;
    }
    uint8_t flg = in[3];
    if (flg & 0xe0) {
        r->reason = "gzip: reserved header flags set";
        return -XEN_EINVAL;
    }
    s.in_pos = 10;
    if (flg & FEXTRA) {
        size_t xlen = in[10] | (size_t)in[11] << 8;
        if (xlen > in_len - 12) {
            r->reason = "gzip: extra field runs past the input";
            return -XEN_EINVAL;
        }
        s.in_pos = 12 + xlen;
    }
    if (((flg & FNAME) && !skip_string(&s)) || ((flg & FCOMMENT) && !skip_string(&s))) {
        r->reason = "gzip: file name or comment runs past the input";
        return -XEN_EINVAL;
    }
    if (flg & FHCRC) {
        if (in_len - s.in_pos < 2 ||
            (crc32_update(0, in, s.in_pos) & 0xffff) != (in[s.in_pos] | (uint32_t)in[s.in_pos + 1] << 8)) {
            r->reason = "gzip: header CRC mismatch";
            return -XEN_EINVAL;
        }
        s.in_pos += 2;
    }

    rc = inflate_stream(&s);
    r->out_len = s.out_pos;
    if (rc) {
        r->reason = s.reason;
        return rc;
    }
    if (s.in_len - s.in_pos < 8) {
        r->reason = "gzip: input ends before the CRC and size trailer";
        return -XEN_EINVAL;
    }
    if (get_le32(in + s.in_pos) != crc32_update(0, out, s.out_pos)) {
        r->reason = "gzip: CRC-32 of the data does not match";
        return -XEN_EINVAL;
    }
    if (get_le32(in + s.in_pos + 4) != (uint32_t)s.out_pos) {
        r->reason = "gzip: data length does not match ISIZE";
        return -XEN_EINVAL;
    }
    r->in_used = s.in_pos + 8;
    return 0;
}
