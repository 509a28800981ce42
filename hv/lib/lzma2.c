/*
 * LZMA2 decoding (the .xz format's filter 0x21) into a whole output buffer.
 *
 * LZMA2 is a sequence of chunks, each introduced by a control byte:
 *   0x00            end of the LZMA2 data
 *   0x01 / 0x02     an uncompressed chunk (with / without a dictionary
 *                   reset): 16-bit big-endian size - 1, then the bytes
 *   0x80 - 0xff     an LZMA chunk: bits 0-4 are bits 16-20 of the
 *                   uncompressed size - 1; bits 5-6 say what is reset
 *                   (0 nothing, 1 state, 2 state + new properties,
 *                   3 everything including the dictionary); then 16 bits of
 *                   uncompressed size - 1, 16 bits of compressed size - 1,
 *                   and a properties byte when new properties come.
 * The first chunk must reset the dictionary and an LZMA chunk after a
 * dictionary reset must bring properties. Each LZMA chunk restarts the
 * range decoder; its symbols produce exactly the chunk's size (a match may
 * not run past it) and consume exactly its compressed size.
 *
 * LZMA itself: a range decoder with adaptive binary probabilities (11-bit,
 * shift 5), literals coded by 8-bit trees selected by lc high bits of the
 * previous byte and lp low bits of the position, matches with lengths from
 * a two-level length coder, distances from 6-bit slots plus reverse-coded
 * or direct bits, four most recent distances, and a 12-state machine.
 */
#include <hv/decompress.h>
#include <xl/string.h>
#include <xen/errno.h>

#define PROB_BITS    11
#define PROB_INIT    (1u << (PROB_BITS - 1))
#define MOVE_BITS    5
#define TOP          (1u << 24)

#define STATES       12
#define POS_STATES   16         /* 1 << pb, pb <= 4 */
#define LEN_LOW      8
#define LEN_MID      8
#define LEN_HIGH     256
#define DIST_STATES  4
#define SLOT_BITS    6
#define END_POS_SLOT 14         /* slots 4..13 use the reverse trees below */
#define FULL_DIST    128
#define ALIGN_BITS   4

/* Offsets of each probability group inside work->probs. */
enum {
    P_IS_MATCH    = 0,
    P_IS_REP      = P_IS_MATCH + STATES * POS_STATES,
    P_IS_REP0     = P_IS_REP + STATES,
    P_IS_REP1     = P_IS_REP0 + STATES,
    P_IS_REP2     = P_IS_REP1 + STATES,
    P_IS_REP0_LONG = P_IS_REP2 + STATES,
    P_DIST_SLOT   = P_IS_REP0_LONG + STATES * POS_STATES,
    P_DIST_SPECIAL = P_DIST_SLOT + DIST_STATES * (1 << SLOT_BITS),
    P_ALIGN       = P_DIST_SPECIAL + FULL_DIST - END_POS_SLOT,
    P_MATCH_LEN   = P_ALIGN + (1 << ALIGN_BITS),
    P_REP_LEN     = P_MATCH_LEN + 2 + POS_STATES * (LEN_LOW + LEN_MID) + LEN_HIGH,
    P_LITERAL     = P_REP_LEN + 2 + POS_STATES * (LEN_LOW + LEN_MID) + LEN_HIGH,
};
_Static_assert(P_LITERAL == 1846, "probability layout matches XZ_PROBS_MAX");

/* Offsets inside one length coder. */
#define LEN_CHOICE   0
#define LEN_CHOICE2  1
#define LEN_LOW_AT   2
#define LEN_MID_AT   (LEN_LOW_AT + POS_STATES * LEN_LOW)
#define LEN_HIGH_AT  (LEN_MID_AT + POS_STATES * LEN_MID)

struct rc {
    const uint8_t *in;
    size_t pos, end;            /* the chunk's compressed bytes */
    uint32_t range, code;
    bool overrun;               /* tried to read past the chunk */
};

struct lzma {
    uint16_t *p;                /* probabilities */
    unsigned int lc, lp, pb;
    unsigned int state;
    uint32_t rep[4];
};

struct lzma2 {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint8_t *out;
    size_t out_max, out_pos;
    size_t dict_start;          /* out offset of the last dictionary reset */
    struct lzma lz;
    const char *reason;
};

static void rc_normalize(struct rc *rc)
{
    if (rc->range < TOP) {
        rc->range <<= 8;
        if (rc->pos < rc->end)
            rc->code = (rc->code << 8) | rc->in[rc->pos++];
        else {
            rc->code <<= 8;
            rc->overrun = true;
        }
    }
}

static unsigned int rc_bit(struct rc *rc, uint16_t *prob)
{
    rc_normalize(rc);
    uint32_t bound = (rc->range >> PROB_BITS) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob = (uint16_t)(*prob + (((1u << PROB_BITS) - *prob) >> MOVE_BITS));
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob = (uint16_t)(*prob - (*prob >> MOVE_BITS));
    return 1;
}

/* n bits with fixed probability one half, most significant first. */
static uint32_t rc_direct(struct rc *rc, unsigned int n)
{
    uint32_t v = 0;

    while (n--) {
        rc_normalize(rc);
        rc->range >>= 1;
        uint32_t bit = rc->code >= rc->range;
        if (bit)
            rc->code -= rc->range;
        v = (v << 1) | bit;
    }
    return v;
}

/* An n-bit number from a tree of probabilities, most significant bit first. */
static uint32_t rc_tree(struct rc *rc, uint16_t *probs, unsigned int n)
{
    uint32_t m = 1;

    for (unsigned int i = 0; i < n; i++)
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1u << n);
}

/* The same, least significant bit first. */
static uint32_t rc_tree_reverse(struct rc *rc, uint16_t *probs, unsigned int n)
{
    uint32_t m = 1, v = 0;

    for (unsigned int i = 0; i < n; i++) {
        uint32_t bit = rc_bit(rc, &probs[m]);
        m = (m << 1) | bit;
        v |= bit << i;
    }
    return v;
}

static void lzma_reset_state(struct lzma *lz)
{
    unsigned int n = P_LITERAL + (0x300u << (lz->lc + lz->lp));

    for (unsigned int i = 0; i < n; i++)
        lz->p[i] = PROB_INIT;
    lz->state = 0;
    lz->rep[0] = lz->rep[1] = lz->rep[2] = lz->rep[3] = 0;
}

static unsigned int decode_len(struct rc *rc, uint16_t *lc, unsigned int pos_state)
{
    if (!rc_bit(rc, &lc[LEN_CHOICE]))
        return rc_tree(rc, &lc[LEN_LOW_AT + pos_state * LEN_LOW], 3);
    if (!rc_bit(rc, &lc[LEN_CHOICE2]))
        return LEN_LOW + rc_tree(rc, &lc[LEN_MID_AT + pos_state * LEN_MID], 3);
    return LEN_LOW + LEN_MID + rc_tree(rc, &lc[LEN_HIGH_AT], 8);
}

/* The distance (minus one) of a new match of length len + 2. */
static uint32_t decode_dist(struct rc *rc, struct lzma *lz, unsigned int len)
{
    unsigned int ls = len < DIST_STATES - 1 ? len : DIST_STATES - 1;
    uint32_t slot = rc_tree(rc, &lz->p[P_DIST_SLOT + (ls << SLOT_BITS)], SLOT_BITS);

    if (slot < 4)
        return slot;
    unsigned int nbits = (slot >> 1) - 1;
    uint32_t dist = (2 | (slot & 1)) << nbits;
    if (slot < END_POS_SLOT)
        return dist + rc_tree_reverse(rc, &lz->p[P_DIST_SPECIAL + dist - slot - 1], nbits);
    dist += rc_direct(rc, nbits - ALIGN_BITS) << ALIGN_BITS;
    return dist + rc_tree_reverse(rc, &lz->p[P_ALIGN - 1], ALIGN_BITS);
}

static int fail(struct lzma2 *s, const char *why)
{
    s->reason = why;
    return -XEN_EINVAL;
}

/* One LZMA chunk: exactly `size` bytes of output from in[rc->pos, rc->end). */
static int lzma_chunk(struct lzma2 *s, struct rc *rc, size_t size)
{
    struct lzma *lz = &s->lz;
    uint16_t *p = lz->p;
    uint8_t *out = s->out;
    size_t pos = s->out_pos, end = pos + size;
    uint32_t pb_mask = (1u << lz->pb) - 1, lp_mask = (1u << lz->lp) - 1;

    while (pos < end) {
        size_t dpos = pos - s->dict_start;       /* position in this dictionary */
        unsigned int ps = (unsigned int)dpos & pb_mask;
        unsigned int st = lz->state;

        if (rc->overrun)
            return fail(s, "xz: LZMA chunk runs past its compressed size");
        if (!rc_bit(rc, &p[P_IS_MATCH + st * POS_STATES + ps])) {
            /* A literal. */
            unsigned int prev = dpos ? out[pos - 1] : 0;
            uint16_t *lit = &p[P_LITERAL + 0x300 *
                               ((((unsigned int)dpos & lp_mask) << lz->lc) + (prev >> (8 - lz->lc)))];
            unsigned int sym = 1;
            if (st >= 7) {
                /* After a match: follow the byte at rep0 while bits agree. */
                if (lz->rep[0] >= dpos)
                    return fail(s, "xz: distance reaches before the dictionary");
                unsigned int mbyte = out[pos - lz->rep[0] - 1];
                while (sym < 0x100) {
                    unsigned int mbit = (mbyte >> 7) & 1;
                    mbyte <<= 1;
                    unsigned int bit = rc_bit(rc, &lit[0x100 + (mbit << 8) + sym]);
                    sym = (sym << 1) | bit;
                    if (bit != mbit)
                        break;
                }
            }
            while (sym < 0x100)
                sym = (sym << 1) | rc_bit(rc, &lit[sym]);
            out[pos++] = (uint8_t)sym;
            lz->state = st < 4 ? 0 : st < 10 ? st - 3 : st - 6;
            continue;
        }

        unsigned int len;
        if (!rc_bit(rc, &p[P_IS_REP + st])) {
            /* A new match. */
            len = decode_len(rc, &p[P_MATCH_LEN], ps);
            lz->rep[3] = lz->rep[2];
            lz->rep[2] = lz->rep[1];
            lz->rep[1] = lz->rep[0];
            lz->rep[0] = decode_dist(rc, lz, len);
            if (lz->rep[0] == 0xffffffffu)
                return fail(s, "xz: end marker inside LZMA2 data");
            lz->state = st < 7 ? 7 : 10;
        } else if (!rc_bit(rc, &p[P_IS_REP0 + st])) {
            if (!rc_bit(rc, &p[P_IS_REP0_LONG + st * POS_STATES + ps])) {
                /* A single byte at rep0. */
                if (lz->rep[0] >= dpos)
                    return fail(s, "xz: distance reaches before the dictionary");
                out[pos] = out[pos - lz->rep[0] - 1];
                pos++;
                lz->state = st < 7 ? 9 : 11;
                continue;
            }
            len = decode_len(rc, &p[P_REP_LEN], ps);
            lz->state = st < 7 ? 8 : 11;
        } else {
            uint32_t d;
            if (!rc_bit(rc, &p[P_IS_REP1 + st])) {
                d = lz->rep[1];
            } else {
                if (!rc_bit(rc, &p[P_IS_REP2 + st])) {
                    d = lz->rep[2];
                } else {
                    d = lz->rep[3];
                    lz->rep[3] = lz->rep[2];
                }
                lz->rep[2] = lz->rep[1];
            }
            lz->rep[1] = lz->rep[0];
            lz->rep[0] = d;
            len = decode_len(rc, &p[P_REP_LEN], ps);
            lz->state = st < 7 ? 8 : 11;
        }

        len += 2;
        if (lz->rep[0] >= dpos)
            return fail(s, "xz: distance reaches before the dictionary");
        if (len > end - pos)
            return fail(s, "xz: match runs past the end of its chunk");
        const uint8_t *from = out + pos - lz->rep[0] - 1;
        for (unsigned int i = 0; i < len; i++)          /* may overlap */
            out[pos + i] = from[i];
        pos += len;
    }
    s->out_pos = pos;
    rc_normalize(rc);
    if (rc->overrun || rc->pos != rc->end || rc->code != 0)
        return fail(s, "xz: LZMA chunk does not end where its header says");
    return 0;
}

/* See decompress.h. */
int lzma2_decode(const uint8_t *in, size_t in_len, size_t *in_pos,
                 uint8_t *out, size_t out_max, size_t *out_pos,
                 struct xz_work *work, const char **reason)
{
    struct lzma2 s = {
        .in = in, .in_len = in_len, .in_pos = *in_pos,
        .out = out, .out_max = out_max, .out_pos = *out_pos, .dict_start = *out_pos,
        .lz = { .p = work->probs },
    };
    bool need_dict_reset = true, need_props = true;
    int rc = 0;

    for (;;) {
        if (s.in_pos >= s.in_len) {
            rc = fail(&s, "xz: input ends inside LZMA2 data");
            break;
        }
        unsigned int ctl = s.in[s.in_pos++];
        if (ctl == 0x00)
            break;
        if (ctl >= 0xe0 || ctl == 0x01) {
            need_props = true;
            need_dict_reset = false;
            s.dict_start = s.out_pos;
        } else if (need_dict_reset) {
            rc = fail(&s, "xz: LZMA2 data does not start with a dictionary reset");
            break;
        }
        if (ctl >= 0x03 && ctl < 0x80) {
            rc = fail(&s, "xz: invalid LZMA2 control byte");
            break;
        }

        size_t hdr = ctl >= 0x80 ? 4 : 2;
        if (s.in_len - s.in_pos < hdr) {
            rc = fail(&s, "xz: input ends inside an LZMA2 chunk header");
            break;
        }
        const uint8_t *h = s.in + s.in_pos;
        s.in_pos += hdr;
        if (ctl < 0x80) {
            /* Uncompressed chunk. */
            size_t n = ((size_t)h[0] << 8 | h[1]) + 1;
            if (n > s.in_len - s.in_pos) {
                rc = fail(&s, "xz: input ends inside an uncompressed chunk");
                break;
            }
            if (n > s.out_max - s.out_pos) {
                s.reason = "output larger than its declared size";
                rc = -XEN_ENOSPC;
                break;
            }
            memcpy(s.out + s.out_pos, s.in + s.in_pos, n);
            s.out_pos += n;
            s.in_pos += n;
            continue;
        }

        size_t usize = (((size_t)ctl & 0x1f) << 16 | (size_t)h[0] << 8 | h[1]) + 1;
        size_t csize = ((size_t)h[2] << 8 | h[3]) + 1;
        if (ctl >= 0xc0) {
            if (s.in_pos >= s.in_len) {
                rc = fail(&s, "xz: input ends before the LZMA properties");
                break;
            }
            unsigned int props = s.in[s.in_pos++];
            if (props >= 9 * 5 * 5) {
                rc = fail(&s, "xz: invalid LZMA properties byte");
                break;
            }
            s.lz.lc = props % 9;
            s.lz.lp = (props / 9) % 5;
            s.lz.pb = props / 45;
            if (s.lz.lc + s.lz.lp > 4) {
                rc = fail(&s, "xz: LZMA2 needs lc + lp <= 4");
                break;
            }
            need_props = false;
            lzma_reset_state(&s.lz);
        } else if (need_props) {
            rc = fail(&s, "xz: LZMA chunk without properties after a dictionary reset");
            break;
        } else if (ctl >= 0xa0) {
            lzma_reset_state(&s.lz);
        }
        if (csize < 5 || csize > s.in_len - s.in_pos) {
            rc = fail(&s, "xz: input ends inside an LZMA chunk");
            break;
        }
        if (usize > s.out_max - s.out_pos) {
            s.reason = "output larger than its declared size";
            rc = -XEN_ENOSPC;
            break;
        }
        /* Range decoder start: a zero byte, then the 32-bit code. */
        struct rc r = { .in = s.in, .pos = s.in_pos + 5, .end = s.in_pos + csize,
                        .range = 0xffffffffu };
        if (s.in[s.in_pos] != 0) {
            rc = fail(&s, "xz: LZMA chunk's range coder does not start with a zero byte");
            break;
        }
        for (int i = 1; i < 5; i++)
            r.code = (r.code << 8) | s.in[s.in_pos + i];
        rc = lzma_chunk(&s, &r, usize);
        if (rc)
            break;
        s.in_pos += csize;
    }
    *in_pos = s.in_pos;
    *out_pos = s.out_pos;
    *reason = s.reason;
    return rc;
}
