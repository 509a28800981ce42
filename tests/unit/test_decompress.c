/*
 * gzip, xz (LZMA2, x86 BCJ, CRC-32/64) and bzImage payloads, checked against
 * files the host's own gzip and xz make at test time: random bytes, text,
 * x86 code (this test program itself, which exercises BCJ), empty input;
 * then truncated and corrupted variants, which must be refused (or, for a
 * byte the format does not protect, still give the right output) without
 * any read or write out of bounds (inputs and outputs are exact-size heap
 * buffers under AddressSanitizer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <asm/bzimage.h>
#include <hv/decompress.h>
#include <xen/errno.h>

static char tmpdir[64];
static struct decomp_work dwork;
#define work (dwork.xz)

struct buf { uint8_t *p; size_t n; };

static struct buf read_file(const char *path)
{
    struct buf b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    b.n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.p = malloc(b.n ? b.n : 1);
    assert_int_equal(fread(b.p, 1, b.n, f), b.n);
    fclose(f);
    return b;
}

static void write_file(const char *path, const struct buf *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->p, 1, b->n, f), b->n);
    fclose(f);
}

/* Compress `data` with a host command line such as "xz --check=crc32 -c". */
static struct buf host_compress(const struct buf *data, const char *cmd)
{
    char in[128], out[128], sh[512];
    snprintf(in, sizeof(in), "%s/in", tmpdir);
    snprintf(out, sizeof(out), "%s/out", tmpdir);
    write_file(in, data);
    snprintf(sh, sizeof(sh), "%s < %s > %s", cmd, in, out);
    assert_int_equal(system(sh), 0);
    return read_file(out);
}

static struct buf random_data(size_t n, uint32_t seed)
{
    struct buf b = { malloc(n ? n : 1), n };
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        b.p[i] = (uint8_t)(seed >> 16);
    }
    return b;
}

static struct buf text_data(size_t n)
{
    static const char *words[] = { "hypervisor ", "page ", "table ", "grant ", "event ",
                                   "channel\n", "domain ", "xen ", "the ", "of " };
    struct buf b = { malloc(n ? n : 1), n };
    uint32_t seed = 7;
    size_t i = 0;
    while (i < n) {
        seed = seed * 1103515245u + 12345u;
        const char *w = words[(seed >> 16) % 10];
        for (size_t k = 0; w[k] && i < n; k++)
            b.p[i++] = (uint8_t)w[k];
    }
    return b;
}

static struct buf self_code(void)
{
    struct buf b = read_file("/proc/self/exe");
    if (b.n > 96 * 1024)
        b.n = 96 * 1024;                     /* enough x86 code for BCJ */
    return b;
}

typedef int (*decoder)(const uint8_t *, size_t, uint8_t *, size_t, struct decomp_result *);

static int do_gunzip(const uint8_t *in, size_t n, uint8_t *out, size_t m, struct decomp_result *r)
{
    return gunzip(in, n, out, m, r);
}

static int do_unxz(const uint8_t *in, size_t n, uint8_t *out, size_t m, struct decomp_result *r)
{
    return unxz(in, n, out, m, &work, r);
}

/* Decode z (copied to an exact-size buffer) into an exact-size buffer of cap. */
static int run(decoder d, const uint8_t *z, size_t zn, size_t cap, struct buf *out,
               struct decomp_result *r)
{
    uint8_t *in = malloc(zn ? zn : 1);
    memcpy(in, z, zn);
    out->p = malloc(cap ? cap : 1);
    out->n = cap;
    int rc = d(in, zn, out->p, cap, r);
    free(in);
    return rc;
}

static void roundtrip(decoder d, const struct buf *data, const char *cmd)
{
    struct buf z = host_compress(data, cmd), out;
    struct decomp_result r;
    int rc = run(d, z.p, z.n, data->n, &out, &r);
    if (rc)
        fail_msg("%s: rc %d (%s) for %zu bytes", cmd, rc, r.reason, data->n);
    assert_int_equal(r.out_len, data->n);
    assert_int_equal(r.in_used, z.n);
    assert_memory_equal(out.p, data->p, data->n ? data->n : 0);
    free(out.p);

    /* One byte too little room: refused with ENOSPC. */
    if (data->n) {
        rc = run(d, z.p, z.n, data->n - 1, &out, &r);
        assert_int_equal(rc, -XEN_ENOSPC);
        free(out.p);
    }
    /* Every truncation (sampled on long inputs) is refused. */
    size_t step = z.n > 1024 ? z.n / 199 + 1 : 1;
    for (size_t cut = 0; cut < z.n; cut += step) {
        rc = run(d, z.p, cut, data->n, &out, &r);
        if (rc == 0)
            fail_msg("%s: truncated to %zu of %zu bytes was accepted", cmd, cut, z.n);
        assert_non_null(r.reason);
        free(out.p);
    }
    /* Flipped bits: refused, or (an unprotected header byte) the same data. */
    step = z.n > 512 ? z.n / 97 + 1 : 1;
    for (size_t at = 0; at < z.n; at += step) {
        for (int bit = 0; bit < 8; bit += 3) {
            z.p[at] ^= (uint8_t)(1u << bit);
            rc = run(d, z.p, z.n, data->n, &out, &r);
            /* Without an integrity check ("--no-check") wrong data may go unseen. */
            if (rc == 0 && !strstr(cmd, "no-check") &&
                (r.out_len != data->n || memcmp(out.p, data->p, data->n)))
                fail_msg("%s: bit %d of byte %zu flipped gave wrong data", cmd, bit, at);
            free(out.p);
            z.p[at] ^= (uint8_t)(1u << bit);
        }
    }
    free(z.p);
}

static void test_gzip_inputs(void **state)
{
    struct buf rnd = random_data(40000, 1), txt = text_data(60000), code = self_code();
    struct buf empty = { malloc(1), 0 }, one = random_data(1, 3);

    roundtrip(do_gunzip, &empty, "gzip -c");
    roundtrip(do_gunzip, &one, "gzip -c");
    roundtrip(do_gunzip, &rnd, "gzip -c");          /* stored blocks */
    roundtrip(do_gunzip, &txt, "gzip -9 -c");       /* dynamic Huffman */
    roundtrip(do_gunzip, &txt, "gzip -1 -n -c");
    roundtrip(do_gunzip, &code, "gzip -9 -n -c");
    free(rnd.p); free(txt.p); free(code.p); free(empty.p); free(one.p);
}

static void test_gzip_fixed_and_names(void **state)
{
    /* Short inputs get fixed-Huffman blocks; a file name sets FNAME. */
    struct buf t = text_data(40);
    struct buf z = host_compress(&t, "gzip -c"), out;
    struct decomp_result r;
    assert_int_equal(run(do_gunzip, z.p, z.n, t.n, &out, &r), 0);
    assert_memory_equal(out.p, t.p, t.n);
    free(out.p); free(z.p);

    char path[128], cmd[256];
    snprintf(path, sizeof(path), "%s/named", tmpdir);
    write_file(path, &t);
    snprintf(cmd, sizeof(cmd), "gzip -c -N %s", path);
    FILE *p = popen(cmd, "r");
    uint8_t zb[512];
    size_t zn = fread(zb, 1, sizeof(zb), p);
    pclose(p);
    assert_true(zb[3] & 0x08);                       /* FNAME present */
    assert_int_equal(run(do_gunzip, zb, zn, t.n, &out, &r), 0);
    assert_memory_equal(out.p, t.p, t.n);
    free(out.p); free(t.p);
}

static void test_gzip_bad_crc(void **state)
{
    struct buf t = text_data(5000);
    struct buf z = host_compress(&t, "gzip -c"), out;
    struct decomp_result r;
    z.p[z.n - 8] ^= 1;                               /* CRC-32 */
    assert_int_equal(run(do_gunzip, z.p, z.n, t.n, &out, &r), -XEN_EINVAL);
    assert_non_null(strstr(r.reason, "CRC"));
    free(out.p);
    z.p[z.n - 8] ^= 1;
    z.p[z.n - 4] ^= 1;                               /* ISIZE */
    assert_int_equal(run(do_gunzip, z.p, z.n, t.n, &out, &r), -XEN_EINVAL);
    free(out.p); free(z.p); free(t.p);
}

static void test_xz_inputs(void **state)
{
    struct buf rnd = random_data(40000, 2), txt = text_data(80000), code = self_code();
    struct buf empty = { malloc(1), 0 }, one = random_data(1, 5);

    roundtrip(do_unxz, &empty, "xz --check=crc32 -c");
    roundtrip(do_unxz, &one, "xz --check=crc32 -c");
    roundtrip(do_unxz, &rnd, "xz --check=crc32 -c");       /* uncompressed chunks */
    roundtrip(do_unxz, &txt, "xz --check=crc32 -c");
    roundtrip(do_unxz, &txt, "xz -c");                     /* CRC-64 */
    roundtrip(do_unxz, &txt, "xz --check=none -0 -c");
    roundtrip(do_unxz, &txt, "xz --lzma2=preset=6,lc=1,lp=3,pb=0 -c");
    /* Linux's xz_wrap.sh: x86 BCJ before LZMA2, CRC-32. */
    roundtrip(do_unxz, &code, "xz --check=crc32 --x86 --lzma2=dict=32MiB -c");
    roundtrip(do_unxz, &rnd, "xz --check=crc32 --x86 --lzma2 -c");
    /* Several blocks (and several LZMA2 chunks with state resets). */
    roundtrip(do_unxz, &txt, "xz --check=crc32 --block-size=20000 -c");
    free(rnd.p); free(txt.p); free(code.p); free(empty.p); free(one.p);
}

static void test_xz_unsupported(void **state)
{
    struct buf t = text_data(1000), out;
    struct decomp_result r;
    struct buf z = host_compress(&t, "xz --check=sha256 -c");
    assert_int_equal(run(do_unxz, z.p, z.n, t.n, &out, &r), -XEN_EOPNOTSUPP);
    free(out.p); free(z.p);
    z = host_compress(&t, "xz --delta --lzma2 -c");
    assert_int_equal(run(do_unxz, z.p, z.n, t.n, &out, &r), -XEN_EOPNOTSUPP);
    free(out.p); free(z.p); free(t.p);
}

static int do_unlz4(const uint8_t *in, size_t n, uint8_t *out, size_t m, struct decomp_result *r)
{
    return unlz4(in, n, out, m, r);
}

/*
 * lz4's legacy frame has no end marker and no checksum: a truncated stream
 * ends early (the bzImage layer then sees fewer bytes than declared) and a
 * flipped literal goes unnoticed. So: exact round trips, and for damaged
 * input no crash, and never more than the room.
 */
static void test_lz4_inputs(void **state)
{
    struct buf rnd = random_data(40000, 4), txt = text_data(200000), code = self_code();
    struct buf big = text_data(9u << 20);           /* two legacy blocks (8 MiB each) */
    const struct buf *inputs[] = { &rnd, &txt, &code, &big };
    struct decomp_result r;

    for (size_t i = 0; i < 4; i++) {
        const struct buf *d = inputs[i];
        struct buf z = host_compress(d, "lz4 -l -9 -c"), out;
        assert_int_equal(run(do_unlz4, z.p, z.n, d->n, &out, &r), 0);
        assert_int_equal(r.out_len, d->n);
        assert_int_equal(r.in_used, z.n);
        assert_memory_equal(out.p, d->p, d->n);
        free(out.p);
        if (d->n > 1000000) {
            free(z.p);
            continue;
        }
        /* With Linux's appended size the stream still ends where it ends. */
        uint8_t *zs = malloc(z.n + 4);
        memcpy(zs, z.p, z.n);
        uint32_t n32 = (uint32_t)d->n;
        memcpy(zs + z.n, &n32, 4);
        assert_int_equal(run(do_unlz4, zs, z.n + 4, d->n, &out, &r), 0);
        assert_int_equal(r.in_used, z.n);
        free(out.p);
        free(zs);
        assert_int_equal(run(do_unlz4, z.p, z.n, d->n - 1, &out, &r), -XEN_ENOSPC);
        free(out.p);
        for (size_t cut = 0; cut < z.n; cut += z.n / 97 + 1) {
            int rc = run(do_unlz4, z.p, cut, d->n, &out, &r);
            assert_true(rc != 0 || r.out_len < d->n);
            free(out.p);
        }
        for (size_t at = 0; at < z.n; at += z.n / 97 + 1) {
            z.p[at] ^= 0x24;
            int rc = run(do_unlz4, z.p, z.n, d->n, &out, &r);
            assert_true(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_ENOSPC);
            assert_true(r.out_len <= d->n);
            free(out.p);
            z.p[at] ^= 0x24;
        }
        free(z.p);
    }
    free(rnd.p); free(txt.p); free(code.p); free(big.p);
}


static int do_unzstd(const uint8_t *in, size_t n, uint8_t *out, size_t m, struct decomp_result *r)
{
    return unzstd(in, n, out, m, &dwork.zstd, r);
}

static void test_zstd_inputs(void **state)
{
    struct buf rnd = random_data(40000, 6), txt = text_data(300000), code = self_code();
    struct buf empty = { malloc(1), 0 }, one = random_data(1, 7);

    roundtrip(do_unzstd, &empty, "zstd -q -c");
    roundtrip(do_unzstd, &one, "zstd -q -c");
    roundtrip(do_unzstd, &rnd, "zstd -q -c");                  /* raw blocks */
    roundtrip(do_unzstd, &txt, "zstd -q -c");
    roundtrip(do_unzstd, &txt, "zstd -q -1 --no-check -c");
    roundtrip(do_unzstd, &code, "zstd -q -19 -c");
    roundtrip(do_unzstd, &code, "zstd -q --ultra -22 -c");     /* Linux's setting */
    roundtrip(do_unzstd, &txt, "zstd -q --ultra -22 -c");
    struct buf rle = { calloc(1, 300000), 300000 };             /* RLE blocks */
    roundtrip(do_unzstd, &rle, "zstd -q -c");
    free(rnd.p); free(txt.p); free(code.p); free(empty.p); free(one.p); free(rle.p);
    assert_true(xxh64((const uint8_t *)"", 0) == 0xEF46DB3751D8E999ull);
}

/* BCJ on a hand-made call: E8 with an absolute target becomes relative. */
static void test_bcj_x86(void **state)
{
    uint8_t b[16] = { 0x90, 0xe8, 0x06, 0x01, 0x00, 0x00, 0x90, 0x90,
                      0xe8, 0x00, 0x00, 0x00, 0x7f, 0x90, 0x90, 0x90 };
    bcj_x86_decode(b, sizeof(b), 0);
    /* target 0x106 at position 1: relative = 0x106 - (1 + 5) = 0x100. */
    assert_int_equal(b[1], 0xe8);
    assert_int_equal(b[2], 0x00);
    assert_int_equal(b[3], 0x01);
    assert_int_equal(b[4] | b[5], 0);
    assert_int_equal(b[12], 0x7f);                   /* high byte 7f: left alone */
    uint8_t tiny[4] = { 0xe8, 1, 2, 3 };
    bcj_x86_decode(tiny, 4, 0);                      /* too short: untouched */
    assert_int_equal(tiny[1], 1);
}

/* ---- bzImage --------------------------------------------------------------- */

/* A bzImage around payload z: boot sector, setup_sects sectors, payload. */
static struct buf make_bzimage(const struct buf *z, uint16_t version, uint8_t setup_sects,
                               uint32_t poff, bool append_size, uint32_t size)
{
    size_t start = ((size_t)setup_sects + 1) * 512;
    size_t plen = z->n + (append_size ? 4 : 0);
    struct buf b = { calloc(1, start + poff + plen), start + poff + plen };
    b.p[0x1f1] = setup_sects;
    memcpy(b.p + 0x202, "HdrS", 4);
    b.p[0x206] = (uint8_t)version;
    b.p[0x207] = (uint8_t)(version >> 8);
    memcpy(b.p + 0x248, &poff, 4);
    uint32_t pl = (uint32_t)plen;
    memcpy(b.p + 0x24c, &pl, 4);
    memcpy(b.p + start + poff, z->p, z->n);
    if (append_size)
        memcpy(b.p + start + poff + z->n, &size, 4);
    return b;
}

/*
 * Compress elf with `cmd`, append the size as Linux does, wrap it in a
 * bzImage and check it comes back whole; returns the payload (caller frees).
 */
static struct buf bzimage_roundtrip(const struct buf *elf, const char *cmd,
                                    enum decomp_format f)
{
    struct buf z = host_compress(elf, cmd);
    struct bzimage_info bi;
    struct decomp_result r;
    uint32_t n32 = (uint32_t)elf->n;

    z.p = realloc(z.p, z.n + 4);
    memcpy(z.p + z.n, &n32, 4);
    z.n += 4;
    struct buf img = make_bzimage(&z, 0x20f, 39, 0x2cc, false, 0);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    assert_int_equal(bi.format, f);
    assert_int_equal(bi.out_len, elf->n);
    uint8_t *out = calloc(1, elf->n);
    assert_int_equal(bzimage_decompress(&bi, out, elf->n, &dwork, &r), 0);
    assert_memory_equal(out, elf->p, elf->n);
    free(out);
    free(img.p);
    return z;
}

static void test_bzimage_formats(void **state)
{
    struct buf elf = self_code();
    struct buf gz = host_compress(&elf, "gzip -9 -n -c");
    struct buf xz = host_compress(&elf, "xz --check=crc32 --x86 --lzma2 -c");
    struct bzimage_info bi;
    struct decomp_result r;

    struct buf img = make_bzimage(&gz, 0x20f, 27, 0x2cc, false, 0);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    assert_true(bi.has_setup_header);
    assert_int_equal(bi.format, DECOMP_GZIP);
    assert_int_equal(bi.out_len, elf.n);
    uint8_t *out = malloc(elf.n);
    assert_int_equal(bzimage_decompress(&bi, out, elf.n, &dwork, &r), 0);
    assert_memory_equal(out, elf.p, elf.n);
    free(img.p);

    img = make_bzimage(&xz, 0x20f, 39, 0x2cc, true, (uint32_t)elf.n);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    assert_int_equal(bi.format, DECOMP_XZ);
    assert_int_equal(bi.out_len, elf.n);
    memset(out, 0, elf.n);
    assert_int_equal(bzimage_decompress(&bi, out, elf.n, &dwork, &r), 0);
    assert_memory_equal(out, elf.p, elf.n);

    /* A trailing size larger than the data: refused, not padded. */
    free(img.p);
    img = make_bzimage(&xz, 0x20f, 39, 0x2cc, true, (uint32_t)elf.n + 1);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    uint8_t *big = malloc(elf.n + 1);
    assert_int_equal(bzimage_decompress(&bi, big, elf.n + 1, &dwork, &r), -XEN_EINVAL);
    free(big);
    /* A trailing size smaller than the data: ENOSPC. */
    free(img.p);
    img = make_bzimage(&xz, 0x20f, 39, 0x2cc, true, (uint32_t)elf.n - 1);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    assert_int_equal(bzimage_decompress(&bi, out, elf.n - 1, &dwork, &r), -XEN_ENOSPC);
    free(img.p);

    /* lz4 and zstd as Linux writes them (size appended). */
    struct buf l4 = bzimage_roundtrip(&elf, "lz4 -l -9 -c", DECOMP_LZ4);
    struct buf zs = bzimage_roundtrip(&elf, "zstd -q --ultra -22 -c", DECOMP_ZSTD);
    free(zs.p);
    /* Truncated lz4: caught by the declared size. */
    uint32_t n32 = (uint32_t)elf.n;
    memcpy(l4.p + l4.n / 2, &n32, 4);
    img = make_bzimage(&l4, 0x20f, 39, 0x2cc, false, 0);
    memcpy(img.p + 0x24c, &(uint32_t){ (uint32_t)(l4.n / 2 + 4) }, 4);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), 0);
    assert_int_equal(bzimage_decompress(&bi, out, elf.n, &dwork, &r), -XEN_EINVAL);
    free(img.p);
    free(l4.p);

    /* A bare compressed ELF (no setup header) is accepted too, as by Xen. */
    assert_int_equal(bzimage_probe(gz.p, gz.n, &bi), 0);
    assert_false(bi.has_setup_header);
    assert_int_equal(bi.format, DECOMP_GZIP);
    /* A plain ELF passes through. */
    assert_int_equal(bzimage_probe(elf.p, elf.n, &bi), 0);
    assert_int_equal(bi.format, DECOMP_UNKNOWN);
    assert_ptr_equal(bi.payload, elf.p);
    free(out); free(gz.p); free(xz.p); free(elf.p);
}

static void test_bzimage_bad(void **state)
{
    struct buf z = random_data(64, 9);
    struct bzimage_info bi;
    memcpy(z.p, "\x1f\x8b", 2);

    struct buf img = make_bzimage(&z, 0x207, 4, 0, false, 0);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), -XEN_EINVAL);   /* too old */
    assert_non_null(strstr(bi.reason, "2.08"));
    free(img.p);
    img = make_bzimage(&z, 0x20f, 4, 0, false, 0);
    assert_int_equal(bzimage_probe(img.p, img.n - 1, &bi), -XEN_EINVAL);  /* truncated */
    assert_non_null(strstr(bi.reason, "outside"));
    uint32_t huge = 0xfffffff0u;
    memcpy(img.p + 0x248, &huge, 4);                                     /* offset wraps */
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), -XEN_EINVAL);
    free(img.p);

    static const struct { const char *magic; size_t n; int rc; } kinds[] = {
        { "BZh", 3, -XEN_EOPNOTSUPP },
{ "\x89LZO", 5, -XEN_EOPNOTSUPP },
        { "\x5d\x00", 2, -XEN_EOPNOTSUPP }, { "ABCD", 4, -XEN_EINVAL },
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        memcpy(z.p, kinds[i].magic, kinds[i].n);
        img = make_bzimage(&z, 0x20f, 4, 16, false, 0);
        assert_int_equal(bzimage_probe(img.p, img.n, &bi), kinds[i].rc);
        assert_non_null(bi.reason);
        free(img.p);
    }
    memcpy(z.p, "\x1f\x8b", 2);
    /* Declared size zero. */
    memset(z.p + z.n - 4, 0, 4);
    img = make_bzimage(&z, 0x20f, 4, 0, false, 0);
    assert_int_equal(bzimage_probe(img.p, img.n, &bi), -XEN_EINVAL);
    free(img.p);
    free(z.p);
}

static void test_detect_and_crc(void **state)
{
    assert_int_equal(decomp_detect((const uint8_t *)"\xfd" "7zXZ\0", 6), DECOMP_XZ);
    assert_int_equal(decomp_detect((const uint8_t *)"\xfd" "7zX", 4), DECOMP_UNKNOWN);
    assert_string_equal(decomp_name(DECOMP_ZSTD), "zstd");
    /* Check values of the standard test string. */
    assert_int_equal(crc32_update(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    assert_true(crc64_update(0, (const uint8_t *)"123456789", 9) == 0x995DC9BBDF1939FAull);
    /* Continuing equals one go. */
    uint32_t c = crc32_update(0, (const uint8_t *)"1234", 4);
    assert_int_equal(crc32_update(c, (const uint8_t *)"56789", 5), 0xCBF43926u);
}

static int setup(void **state)
{
    strcpy(tmpdir, "/tmp/xl-decomp-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_and_crc),
        cmocka_unit_test(test_gzip_inputs),
        cmocka_unit_test(test_gzip_fixed_and_names),
        cmocka_unit_test(test_gzip_bad_crc),
        cmocka_unit_test(test_xz_inputs),
        cmocka_unit_test(test_xz_unsupported),
        cmocka_unit_test(test_lz4_inputs),
        cmocka_unit_test(test_zstd_inputs),
        cmocka_unit_test(test_bcj_x86),
        cmocka_unit_test(test_bzimage_formats),
        cmocka_unit_test(test_bzimage_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
