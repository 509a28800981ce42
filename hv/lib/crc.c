/*
 * CRC-32 and CRC-64 for the decompressors' integrity checks, bit-reflected
 * table-driven forms. CRC-32: polynomial 0x04C11DB7 (reflected 0xEDB88320),
 * as gzip (RFC 1952) and xz. CRC-64: ECMA-182 (reflected 0xC96C5795D7870F42),
 * as xz's check type 4. Both start from 0 and invert before and after.
 */
#include <hv/decompress.h>

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool tables_ready;

static void make_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        uint64_t d = i;

        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (c & 1 ? 0xEDB88320u : 0);
            d = (d >> 1) ^ (d & 1 ? 0xC96C5795D7870F42ull : 0);
        }
        crc32_table[i] = c;
        crc64_table[i] = d;
    }
    tables_ready = true;
}

/* See decompress.h. */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        make_tables();
    crc = ~crc;
    while (n--)
        crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* See decompress.h. */
uint64_t crc64_update(uint64_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        make_tables();
    crc = ~crc;
    while (n--)
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* See decompress.h. */
enum decomp_format decomp_detect(const uint8_t *in, size_t len)
{
    static const struct { uint8_t magic[6]; uint8_t len; enum decomp_format f; } known[] = {
        { { 0x1f, 0x8b }, 2, DECOMP_GZIP },
        { { 0x1f, 0x9e }, 2, DECOMP_GZIP },
        { { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, DECOMP_XZ },
        { { 'B', 'Z', 'h' }, 3, DECOMP_BZIP2 },
        { { 0x5d, 0x00 }, 2, DECOMP_LZMA },
        { { 0x89, 'L', 'Z', 'O', 0 }, 5, DECOMP_LZO },
        { { 0x02, 0x21 }, 2, DECOMP_LZ4 },
        { { 0x28, 0xb5, 0x2f, 0xfd }, 4, DECOMP_ZSTD },
    };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        size_t k;

        if (len < known[i].len)
            continue;
        for (k = 0; k < known[i].len && in[k] == known[i].magic[k]; k++)
            ;
        if (k == known[i].len)
            return known[i].f;
    }
    return DECOMP_UNKNOWN;
}

/* See decompress.h. */
const char *decomp_name(enum decomp_format f)
{
    switch (f) {
    case DECOMP_GZIP:  return "gzip";
    case DECOMP_XZ:    return "xz";
    case DECOMP_BZIP2: return "bzip2";
    case DECOMP_LZMA:  return "lzma";
    case DECOMP_LZO:   return "lzo";
    case DECOMP_LZ4:   return "lz4";
    case DECOMP_ZSTD:  return "zstd";
    default:           return "unknown";
    }
}
