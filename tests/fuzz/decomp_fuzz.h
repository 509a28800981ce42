/*
 * Shared by the decompressor harnesses: the output room a fuzz input asks
 * for, read the way a bzImage payload declares it (its last four bytes,
 * little endian), capped so that one input cannot take the machine's memory.
 */
#ifndef DECOMP_FUZZ_H
#define DECOMP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define DECOMP_FUZZ_CAP (1u << 20)

static inline size_t decomp_fuzz_room(const uint8_t *data, size_t size)
{
    size_t n = 0;

    if (size >= 4)
        n = (size_t)(data[size - 4] | data[size - 3] << 8 | data[size - 2] << 16 |
                     (uint32_t)data[size - 1] << 24);
    return n > DECOMP_FUZZ_CAP ? DECOMP_FUZZ_CAP : n;
}

#endif
