/*
 * xorshift64*: tiny, fast and fully determined by its seed, which is what
 * a reproducible fuzzer needs (statistical quality hardly matters here).
 */
#include "crash.h"

/* Start the sequence; a zero state would stay zero forever, so avoid it. */
void crash_prng_seed(struct crash_prng *p, uint64_t seed)
{
    p->state = seed ? seed : 0x9e3779b97f4a7c15ul;
}

/* Next 64 random bits. */
uint64_t crash_prng_next(struct crash_prng *p)
{
    uint64_t x = p->state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    p->state = x;
    return x * 0x2545f4914f6cdd1dul;
}

/* A value in [0, bound); the modulo bias is irrelevant for fuzzing. */
uint64_t crash_prng_below(struct crash_prng *p, uint64_t bound)
{
    return crash_prng_next(p) % bound;
}
