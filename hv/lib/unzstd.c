/*
 * Zstandard frames (RFC 8878) decoded in one pass into a whole output
 * buffer, without dictionaries. A frame: magic 0xfd2fb528, a header (window,
 * optional dictionary id and content size), blocks (raw, RLE, compressed),
 * and optionally the low 32 bits of the XXH64 of the content, which is
 * checked. A compressed block holds a literals section (raw, RLE, or
 * Huffman-coded in one or four streams, with the Huffman weights themselves
 * FSE-coded or packed in 4 bits) and a sequences section (literal length,
 * offset and match length codes, each from a predefined, RLE, described or
 * repeated FSE table, read from one backward bitstream). Skippable frames
 * (magic 0x184d2a5?) are passed over; bytes after the last frame that do
 * not start a frame are the caller's (Linux appends the size there).
 */
#include <hv/decompress.h>
#include <xl/string.h>
#include <xen/errno.h>

#define ZSTD_MAGIC      0xfd2fb528u
#define SKIP_MAGIC_MASK 0xfffffff0u
#define SKIP_MAGIC      0x184d2a50u
#define BLOCK_MAX       (128u << 10)
#define HUF_MAX_BITS    11
#define LL_MAX_LOG      9
#define ML_MAX_LOG      9
#define OF_MAX_LOG      8

struct zerr { const char *reason; int err; };

static int fail(struct zerr *e, const char *why)
{
    if (!e->reason) {
        e->reason = why;
        e->err = -XEN_EINVAL;
    }
    return e->err;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned int highbit(uint32_t v)
{
    unsigned int n = 0;

    while (v >>= 1)
        n++;
    return n;
}

/* ---- XXH64, for the content checksum ------------------------------------ */

#define P1 11400714785074694791ull
#define P2 14029467366897019727ull
#define P3 1609587929392839161ull
#define P4 9650029242287828579ull
#define P5 2870177450012600261ull

static uint64_t rotl(uint64_t v, unsigned int n) { return (v << n) | (v >> (64 - n)); }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint64_t xround(uint64_t acc, uint64_t lane) { return rotl(acc + lane * P2, 31) * P1; }

/* See decompress.h. */
uint64_t xxh64(const uint8_t *p, size_t n)
{
    size_t i = 0;
    uint64_t h;

    if (n >= 32) {
        uint64_t v[4] = { P1 + P2, P2, 0, (uint64_t)0 - P1 };
        for (; i + 32 <= n; i += 32)
            for (int k = 0; k < 4; k++)
                v[k] = xround(v[k], le64(p + i + 8 * k));
        h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
        for (int k = 0; k < 4; k++)
            h = (h ^ xround(0, v[k])) * P1 + P4;
    } else {
        h = P5;
    }
    h += n;
    for (; i + 8 <= n; i += 8)
        h = rotl(h ^ xround(0, le64(p + i)), 27) * P1 + P4;
    if (i + 4 <= n) {
        h = rotl(h ^ (le32(p + i) * P1), 23) * P2 + P3;
        i += 4;
    }
    for (; i < n; i++)
        h = rotl(h ^ (p[i] * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

/* ---- bit readers ----------------------------------------------------------- */

/* Forward, least significant bit first (FSE table descriptions). */
struct fbits { const uint8_t *p; size_t len, bit; };

static uint32_t fread_bits(struct fbits *b, unsigned int n)
{
    uint32_t v = 0;

    for (unsigned int i = 0; i < n; i++, b->bit++) {
        size_t byte = b->bit >> 3;
        uint32_t bit = byte < b->len ? (b->p[byte] >> (b->bit & 7)) & 1 : 0;
        v |= bit << i;
    }
    return v;
}

/*
 * Backward: the stream's last byte holds a 1 above the final padding; bits
 * are read from there toward the first byte, most significant first. Reads
 * past the start give zeros and count as overflow.
 */
struct bbits { const uint8_t *p; int64_t pos; };   /* pos: bits still unread */

static bool bbits_init(struct bbits *b, const uint8_t *p, size_t len)
{
    if (len == 0 || p[len - 1] == 0)
        return false;
    b->p = p;
    b->pos = (int64_t)len * 8 - 8 + highbit(p[len - 1]);
    return true;
}

static uint32_t bread(struct bbits *b, unsigned int n)
{
    uint32_t v = 0;

    for (unsigned int i = 0; i < n; i++) {
        b->pos--;
        uint32_t bit = b->pos >= 0 ? (b->p[b->pos >> 3] >> (b->pos & 7)) & 1 : 0;
        v = (v << 1) | bit;
    }
    return v;
}

/* ---- FSE --------------------------------------------------------------------- */

struct fse_cell { uint8_t sym, nbits; uint16_t base; };

/* Build a decoding table from normalized counts (-1: "less than one"). */
static int fse_build(struct fse_cell *t, const int16_t *count, unsigned int nsym,
                     unsigned int log, struct zerr *e)
{
    unsigned int size = 1u << log, high = size - 1, pos = 0;
    unsigned int step = (size >> 1) + (size >> 3) + 3;
    uint16_t next[256];

    for (unsigned int s = 0; s < nsym; s++) {
        if (count[s] == -1) {
            t[high--].sym = (uint8_t)s;
            next[s] = 1;
        } else {
            next[s] = (uint16_t)count[s];
        }
    }
    for (unsigned int s = 0; s < nsym; s++) {
        for (int i = 0; i < count[s]; i++) {
            t[pos].sym = (uint8_t)s;
            do
                pos = (pos + step) & (size - 1);
            while (pos > high);
        }
    }
    if (pos != 0)
        return fail(e, "zstd: FSE counts do not fill the table");
    for (unsigned int i = 0; i < size; i++) {
        unsigned int x = next[t[i].sym]++;
        unsigned int nb = log - highbit(x);
        t[i].nbits = (uint8_t)nb;
        t[i].base = (uint16_t)((x << nb) - size);
    }
    return 0;
}

/* An FSE table description at p[0..len); returns its size in bytes or < 0. */
static int fse_read(struct fse_cell *t, unsigned int *log_out, unsigned int max_log,
                    unsigned int max_sym, const uint8_t *p, size_t len, struct zerr *e)
{
    struct fbits b = { p, len, 0 };
    int16_t count[256];
    unsigned int log = fread_bits(&b, 4) + 5, sym = 0;

    if (len == 0 || log > max_log)
        return fail(e, "zstd: FSE accuracy too high or description missing");
    int remaining = (1 << log) + 1, threshold = 1 << log;
    unsigned int nbits = log + 1;
    while (remaining > 1 && sym <= max_sym) {
        int max = (2 * threshold - 1) - remaining;
        int v = (int)fread_bits(&b, nbits - 1);
        if (v >= max) {
            v |= (int)fread_bits(&b, 1) << (nbits - 1);
            if (v >= threshold)
                v -= max;
        }
        int c = v - 1;
        remaining -= c < 0 ? -c : c;
        count[sym++] = (int16_t)c;
        if (c == 0) {
            unsigned int rep;
            do {
                rep = fread_bits(&b, 2);
                for (unsigned int k = 0; k < rep && sym <= max_sym; k++)
                    count[sym++] = 0;
            } while (rep == 3 && sym <= max_sym);
        }
        while (remaining < threshold && threshold > 1) {
            nbits--;
            threshold >>= 1;
        }
        if (b.bit > len * 8)
            return fail(e, "zstd: FSE description runs past its data");
    }
    if (remaining != 1)
        return fail(e, "zstd: FSE counts do not add up");
    int rc = fse_build(t, count, sym, log, e);
    if (rc)
        return rc;
    *log_out = log;
    return (int)((b.bit + 7) / 8);
}

/* ---- Huffman literals ------------------------------------------------------ */

struct huf_cell { uint8_t sym, nbits; };

struct zstd_state {
    struct huf_cell huf[1 << HUF_MAX_BITS];
    unsigned int huf_bits;                      /* 0: no table yet */
    struct fse_cell ll[1 << LL_MAX_LOG], of[1 << OF_MAX_LOG], ml[1 << ML_MAX_LOG];
    unsigned int ll_log, of_log, ml_log;
    bool ll_ok, of_ok, ml_ok;                   /* a table to repeat exists */
    uint8_t lit[BLOCK_MAX];
    uint32_t rep[3];
};

/* The Huffman tree description at p; returns bytes used or < 0. */
static int huf_read(struct zstd_state *z, const uint8_t *p, size_t len, struct zerr *e)
{
    uint8_t w[258];                 /* up to 255 coded weights, one more may slip in, + last */
    unsigned int n = 0;
    size_t used;

    if (len == 0)
        return fail(e, "zstd: Huffman description missing");
    if (p[0] >= 128) {
        n = p[0] - 127u;
        used = 1 + (n + 1) / 2;
        if (used > len)
            return fail(e, "zstd: Huffman weights run past the block");
        for (unsigned int i = 0; i < n; i++)
            w[i] = (uint8_t)(i % 2 ? p[1 + i / 2] & 15 : p[1 + i / 2] >> 4);
    } else {
        struct fse_cell t[1 << 6];
        unsigned int log;
        size_t csize = p[0];
        used = 1 + csize;
        if (used > len)
            return fail(e, "zstd: Huffman weights run past the block");
        int d = fse_read(t, &log, 6, 255, p + 1, csize, e);
        if (d < 0)
            return d;
        struct bbits b;
        if (!bbits_init(&b, p + 1 + d, csize - (size_t)d))
            return fail(e, "zstd: bad Huffman weight stream");
        unsigned int s1 = bread(&b, log), s2 = bread(&b, log);
        for (;;) {
            if (n >= 255)
                return fail(e, "zstd: too many Huffman weights");
            w[n++] = t[s1].sym;
            s1 = t[s1].base + bread(&b, t[s1].nbits);
            if (b.pos < 0) {
                w[n++] = t[s2].sym;
                break;
            }
            if (n >= 255)
                return fail(e, "zstd: too many Huffman weights");
            w[n++] = t[s2].sym;
            s2 = t[s2].base + bread(&b, t[s2].nbits);
            if (b.pos < 0) {
                if (n >= 255)
                    return fail(e, "zstd: too many Huffman weights");
                w[n++] = t[s1].sym;
                break;
            }
        }
    }
    if (n > 255)
        return fail(e, "zstd: too many Huffman weights");
    /* The last symbol's weight is what makes the total a power of two. */
    uint32_t total = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (w[i] > HUF_MAX_BITS)
            return fail(e, "zstd: Huffman weight too large");
        total += w[i] ? 1u << (w[i] - 1) : 0;
    }
    if (total == 0)
        return fail(e, "zstd: Huffman weights all zero");
    unsigned int max_bits = highbit(total) + 1;
    uint32_t rest = (1u << max_bits) - total;
    if (max_bits > HUF_MAX_BITS || (rest & (rest - 1)) != 0)
        return fail(e, "zstd: Huffman weights do not form a code");
    w[n++] = (uint8_t)(highbit(rest) + 1);

    /* Codes in order of weight, then symbol: each fills 2^(max - bits) cells. */
    unsigned int cell = 0;
    for (unsigned int wt = 1; wt <= max_bits; wt++) {
        for (unsigned int s = 0; s < n; s++) {
            if (w[s] != wt)
                continue;
            unsigned int nb = max_bits + 1 - wt, span = 1u << (max_bits - nb);
            for (unsigned int k = 0; k < span; k++)
                z->huf[cell + k] = (struct huf_cell){ (uint8_t)s, (uint8_t)nb };
            cell += span;
        }
    }
    z->huf_bits = max_bits;
    return (int)used;
}

/* One Huffman stream of exactly `count` symbols, fully consumed. */
static int huf_stream(const struct zstd_state *z, const uint8_t *p, size_t len, uint8_t *out,
                      size_t count, struct zerr *e)
{
    struct bbits b;

    if (!bbits_init(&b, p, len))
        return fail(e, "zstd: bad Huffman stream");
    for (size_t i = 0; i < count; i++) {
        int64_t at = b.pos;
        unsigned int idx = bread(&b, z->huf_bits);
        const struct huf_cell *c = &z->huf[idx];
        b.pos = at - c->nbits;
        out[i] = c->sym;
        if (b.pos < 0)
            return fail(e, "zstd: Huffman stream too short");
    }
    if (b.pos != 0)
        return fail(e, "zstd: Huffman stream not fully used");
    return 0;
}

/* The literals section of a compressed block; sets *nlit, returns bytes used. */
static int literals(struct zstd_state *z, const uint8_t *p, size_t len, size_t *nlit,
                    struct zerr *e)
{
    if (len == 0)
        return fail(e, "zstd: block without a literals section");
    unsigned int type = p[0] & 3, fmt = (p[0] >> 2) & 3;
    size_t hdr, regen, csize = 0;

    if (type <= 1) {
        if ((fmt & 1) == 0) {
            hdr = 1;
            regen = p[0] >> 3;
        } else if (fmt == 1) {
            hdr = 2;
            regen = len < 2 ? 0 : (p[0] >> 4) | (size_t)p[1] << 4;
        } else {
            hdr = 3;
            regen = len < 3 ? 0 : (p[0] >> 4) | (size_t)p[1] << 4 | (size_t)p[2] << 12;
        }
        if (hdr > len)
            return fail(e, "zstd: literals header runs past the block");
        if (regen > BLOCK_MAX)
            return fail(e, "zstd: too many literals");
        if (type == 0) {
            if (regen > len - hdr)
                return fail(e, "zstd: raw literals run past the block");
            memcpy(z->lit, p + hdr, regen);
            *nlit = regen;
            return (int)(hdr + regen);
        }
        if (hdr + 1 > len)
            return fail(e, "zstd: RLE literals run past the block");
        memset(z->lit, p[hdr], regen);
        *nlit = regen;
        return (int)(hdr + 1);
    }

    unsigned int fieldbits = fmt <= 1 ? 10 : fmt == 2 ? 14 : 18;
    hdr = fmt <= 1 ? 3 : fmt == 2 ? 4 : 5;
    if (hdr > len)
        return fail(e, "zstd: literals header runs past the block");
    uint64_t h = 0;
    for (size_t i = 0; i < hdr; i++)
        h |= (uint64_t)p[i] << (8 * i);
    regen = (size_t)((h >> 4) & ((1u << fieldbits) - 1));
    csize = (size_t)((h >> (4 + fieldbits)) & ((1u << fieldbits) - 1));
    bool four = fmt != 0;
    if (regen > BLOCK_MAX || csize > len - hdr)
        return fail(e, "zstd: compressed literals run past the block");
    const uint8_t *d = p + hdr;
    size_t dlen = csize;
    if (type == 2) {
        int used = huf_read(z, d, dlen, e);
        if (used < 0)
            return used;
        d += used;
        dlen -= (size_t)used;
    } else if (!z->huf_bits) {
        return fail(e, "zstd: treeless literals without an earlier Huffman table");
    }
    if (!four) {
        int rc = huf_stream(z, d, dlen, z->lit, regen, e);
        if (rc)
            return rc;
    } else {
        if (dlen < 6)
            return fail(e, "zstd: literals jump table missing");
        size_t s1 = d[0] | (size_t)d[1] << 8, s2 = d[2] | (size_t)d[3] << 8;
        size_t s3 = d[4] | (size_t)d[5] << 8;
        if (s1 + s2 + s3 > dlen - 6)
            return fail(e, "zstd: literal streams run past the block");
        size_t sizes[4] = { s1, s2, s3, dlen - 6 - s1 - s2 - s3 };
        size_t per = (regen + 3) / 4, at = 6, o = 0;
        if (per * 3 > regen)
            return fail(e, "zstd: too few literals for four streams");
        for (int k = 0; k < 4; k++) {
            size_t cnt = k < 3 ? per : regen - 3 * per;
            int rc = huf_stream(z, d + at, sizes[k], z->lit + o, cnt, e);
            if (rc)
                return rc;
            at += sizes[k];
            o += cnt;
        }
    }
    *nlit = regen;
    return (int)(hdr + csize);
}

/* ---- sequences --------------------------------------------------------------- */

static const uint32_t ll_base[36] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096,
    8192, 16384, 32768, 65536 };
static const uint8_t ll_bits[36] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint32_t ml_base[53] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
    19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
    35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
    4099, 8195, 16387, 32771, 65539 };
static const uint8_t ml_bits[53] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const int16_t ll_default[36] = {
    4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1 };
static const int16_t ml_default[53] = {
    1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1 };
static const int16_t of_default[29] = {
    1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1 };

/* One of the three tables for this block, by its 2-bit mode; bytes used or < 0. */
static int seq_table(struct fse_cell *t, unsigned int *log, bool *ok, unsigned int mode,
                     const int16_t *dflt, unsigned int ndflt, unsigned int dflt_log,
                     unsigned int max_log, unsigned int max_sym,
                     const uint8_t *p, size_t len, struct zerr *e)
{
    switch (mode) {
    case 0:
        *ok = false;
        if (fse_build(t, dflt, ndflt, dflt_log, e))
            return e->err;
        *log = dflt_log;
        *ok = true;
        return 0;
    case 1:
        if (len < 1 || p[0] > max_sym)
            return fail(e, "zstd: bad RLE sequence code");
        t[0] = (struct fse_cell){ p[0], 0, 0 };
        *log = 0;
        *ok = true;
        return 1;
    case 2: {
        *ok = false;
        int used = fse_read(t, log, max_log, max_sym, p, len, e);
        if (used < 0)
            return used;
        if ((size_t)used > len)
            return fail(e, "zstd: FSE description runs past the block");
        *ok = true;
        return used;
    }
    default:
        if (!*ok)
            return fail(e, "zstd: repeated FSE table without an earlier one");
        return 0;
    }
}

struct out { uint8_t *p; size_t max, pos; };

static int put_literals(struct out *o, const uint8_t *lit, size_t n, struct zerr *e)
{
    if (n > o->max - o->pos) {
        e->reason = "output larger than its declared size";
        e->err = -XEN_ENOSPC;
        return e->err;
    }
    memcpy(o->p + o->pos, lit, n);
    o->pos += n;
    return 0;
}

static int block_compressed(struct zstd_state *z, const uint8_t *p, size_t len, struct out *o,
                            size_t frame_start, struct zerr *e)
{
    size_t nlit = 0;
    int used = literals(z, p, len, &nlit, e);

    if (used < 0)
        return used;
    p += used;
    len -= (size_t)used;
    if (len == 0)
        return fail(e, "zstd: block without a sequences section");

    size_t nseq = p[0], hdr = 1;
    if (nseq >= 128 && nseq < 255) {
        if (len < 2)
            return fail(e, "zstd: sequences header runs past the block");
        nseq = ((nseq - 128) << 8) + p[1];
        hdr = 2;
    } else if (nseq == 255) {
        if (len < 3)
            return fail(e, "zstd: sequences header runs past the block");
        nseq = p[1] + ((size_t)p[2] << 8) + 0x7f00;
        hdr = 3;
    }
    if (nseq == 0) {
        if (hdr != len)
            return fail(e, "zstd: data after an empty sequences section");
        return put_literals(o, z->lit, nlit, e);
    }
    if (hdr + 1 > len)
        return fail(e, "zstd: sequences header runs past the block");
    unsigned int modes = p[hdr++];
    if (modes & 3)
        return fail(e, "zstd: reserved bits in the sequence modes");
    int u;
    u = seq_table(z->ll, &z->ll_log, &z->ll_ok, modes >> 6, ll_default, 36, 6, LL_MAX_LOG, 35,
                  p + hdr, len - hdr, e);
    if (u < 0)
        return u;
    hdr += (size_t)u;
    u = seq_table(z->of, &z->of_log, &z->of_ok, (modes >> 4) & 3, of_default, 29, 5,
                  OF_MAX_LOG, 31, p + hdr, len - hdr, e);
    if (u < 0)
        return u;
    hdr += (size_t)u;
    u = seq_table(z->ml, &z->ml_log, &z->ml_ok, (modes >> 2) & 3, ml_default, 53, 6,
                  ML_MAX_LOG, 52, p + hdr, len - hdr, e);
    if (u < 0)
        return u;
    hdr += (size_t)u;

    struct bbits b;
    if (hdr >= len || !bbits_init(&b, p + hdr, len - hdr))
        return fail(e, "zstd: bad sequences bitstream");
    unsigned int sll = bread(&b, z->ll_log), sof = bread(&b, z->of_log);
    unsigned int sml = bread(&b, z->ml_log);
    size_t lit_at = 0;
    for (size_t i = 0; i < nseq; i++) {
        unsigned int llc = z->ll[sll].sym, ofc = z->of[sof].sym, mlc = z->ml[sml].sym;
        if (llc > 35 || mlc > 52 || ofc > 31)
            return fail(e, "zstd: invalid sequence code");
        uint32_t ofv = (1u << ofc) + bread(&b, ofc);
        uint32_t ml = ml_base[mlc] + bread(&b, ml_bits[mlc]);
        uint32_t ll = ll_base[llc] + bread(&b, ll_bits[llc]);
        uint32_t off;
        if (ofv > 3) {
            off = ofv - 3;
            z->rep[2] = z->rep[1];
            z->rep[1] = z->rep[0];
            z->rep[0] = off;
        } else {
            unsigned int idx = ofv + (ll == 0);
            if (idx == 1) {
                off = z->rep[0];
            } else {
                off = idx == 2 ? z->rep[1] : idx == 3 ? z->rep[2] : z->rep[0] - 1;
                if (idx != 2)
                    z->rep[2] = z->rep[1];
                z->rep[1] = z->rep[0];
                z->rep[0] = off;
            }
        }
        if (i + 1 < nseq) {
            sll = z->ll[sll].base + bread(&b, z->ll[sll].nbits);
            sml = z->ml[sml].base + bread(&b, z->ml[sml].nbits);
            sof = z->of[sof].base + bread(&b, z->of[sof].nbits);
        }
        if (b.pos < 0)
            return fail(e, "zstd: sequences bitstream too short");
        if (ll > nlit - lit_at)
            return fail(e, "zstd: sequence uses more literals than there are");
        int rc = put_literals(o, z->lit + lit_at, ll, e);
        if (rc)
            return rc;
        lit_at += ll;
        if (off == 0 || off > o->pos - frame_start)
            return fail(e, "zstd: match reaches before the start of the frame");
        if (ml > o->max - o->pos) {
            e->reason = "output larger than its declared size";
            e->err = -XEN_ENOSPC;
            return e->err;
        }
        const uint8_t *from = o->p + o->pos - off;
        for (uint32_t k = 0; k < ml; k++)           /* may overlap */
            o->p[o->pos + k] = from[k];
        o->pos += ml;
    }
    if (b.pos != 0)
        return fail(e, "zstd: sequences bitstream not fully used");
    return put_literals(o, z->lit + lit_at, nlit - lit_at, e);
}

/* One frame at in[*pos]; appends to o. */
static int frame(struct zstd_state *z, const uint8_t *in, size_t in_len, size_t *pos,
                 struct out *o, struct zerr *e)
{
    size_t p = *pos + 4, start = o->pos;

    if (p >= in_len)
        return fail(e, "zstd: frame header missing");
    uint8_t fhd = in[p++];
    unsigned int fcs_flag = fhd >> 6, dict_flag = fhd & 3;
    bool single = fhd & 0x20, checksum = fhd & 0x04;
    if (fhd & 0x08)
        return fail(e, "zstd: reserved frame header bit set");
    size_t fcs_size = fcs_flag == 0 ? (single ? 1 : 0) : 1u << fcs_flag;
    size_t dict_size = dict_flag == 3 ? 4 : dict_flag;
    size_t need = (single ? 0 : 1) + dict_size + fcs_size;
    if (need > in_len - p)
        return fail(e, "zstd: frame header runs past the input");
    if (!single)
        p++;                                    /* window descriptor: the whole output is ours */
    uint32_t dict = 0;
    for (size_t i = 0; i < dict_size; i++)
        dict |= (uint32_t)in[p + i] << (8 * i);
    p += dict_size;
    if (dict) {
        e->reason = "zstd: frames that need a dictionary are not supported";
        e->err = -XEN_EOPNOTSUPP;
        return e->err;
    }
    uint64_t fcs = 0;
    for (size_t i = 0; i < fcs_size; i++)
        fcs |= (uint64_t)in[p + i] << (8 * i);
    if (fcs_size == 2)
        fcs += 256;
    p += fcs_size;

    z->huf_bits = 0;
    z->ll_ok = z->of_ok = z->ml_ok = false;
    z->rep[0] = 1;
    z->rep[1] = 4;
    z->rep[2] = 8;
    for (bool last = false; !last;) {
        if (in_len - p < 3)
            return fail(e, "zstd: input ends before a block header");
        uint32_t bh = in[p] | (uint32_t)in[p + 1] << 8 | (uint32_t)in[p + 2] << 16;
        p += 3;
        last = bh & 1;
        unsigned int type = (bh >> 1) & 3;
        size_t size = bh >> 3;
        if (size > BLOCK_MAX)
            return fail(e, "zstd: block larger than 128 KiB");
        int rc;
        if (type == 0) {
            if (size > in_len - p)
                return fail(e, "zstd: raw block runs past the input");
            rc = put_literals(o, in + p, size, e);
            p += size;
        } else if (type == 1) {
            if (p >= in_len)
                return fail(e, "zstd: RLE block runs past the input");
            if (size > o->max - o->pos) {
                e->reason = "output larger than its declared size";
                e->err = -XEN_ENOSPC;
                return e->err;
            }
            memset(o->p + o->pos, in[p], size);
            o->pos += size;
            p += 1;
            rc = 0;
        } else if (type == 2) {
            if (size > in_len - p)
                return fail(e, "zstd: compressed block runs past the input");
            size_t before = o->pos;
            rc = block_compressed(z, in + p, size, o, start, e);
            if (!rc && o->pos - before > BLOCK_MAX)
                rc = fail(e, "zstd: block decompresses to more than 128 KiB");
            p += size;
        } else {
            return fail(e, "zstd: reserved block type");
        }
        if (rc)
            return rc;
    }
    if (fcs_flag || single) {
        if (fcs != o->pos - start)
            return fail(e, "zstd: frame content size does not match the data");
    }
    if (checksum) {
        if (in_len - p < 4)
            return fail(e, "zstd: input ends before the content checksum");
        if ((uint32_t)xxh64(o->p + start, o->pos - start) != le32(in + p))
            return fail(e, "zstd: content checksum (XXH64) does not match");
        p += 4;
    }
    *pos = p;
    return 0;
}

/* See decompress.h. */
int unzstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
           struct zstd_work *work, struct decomp_result *r)
{
    struct zstd_state *z = (struct zstd_state *)work;
    struct out o = { out, out_max, 0 };
    struct zerr e = { NULL, 0 };
    size_t pos = 0;
    bool any = false;

    _Static_assert(sizeof(struct zstd_state) <= sizeof(struct zstd_work), "zstd_work size");
    r->out_len = r->in_used = 0;
    r->reason = NULL;
    while (in_len - pos >= 4) {
        uint32_t magic = le32(in + pos);
        if ((magic & SKIP_MAGIC_MASK) == SKIP_MAGIC) {
            if (in_len - pos < 8 || le32(in + pos + 4) > in_len - pos - 8) {
                fail(&e, "zstd: skippable frame runs past the input");
                break;
            }
            pos += 8 + le32(in + pos + 4);
            continue;
        }
        if (magic != ZSTD_MAGIC)
            break;
        if (frame(z, in, in_len, &pos, &o, &e))
            break;
        any = true;
    }
    if (!e.reason && !any)
        fail(&e, "zstd: no frame (magic)");
    r->out_len = o.pos;
    if (e.reason) {
        r->reason = e.reason;
        return e.err;
    }
    r->in_used = pos;
    return 0;
}
