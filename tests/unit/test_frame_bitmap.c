/*
 * The frame allocator's searches (hv/lib/frame_bitmap.c): the highest run
 * that fits, aligned, inside [lo, hi), against a one-bit-at-a-time model on
 * random bitmaps; Xen's MEMF_bits limits; Linux's swiotlb widening against
 * a heap shaped like Xen 4.17's at that point of a Dom0 boot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/frame_bitmap.h>

#define FRAMES 4096
static uint64_t map[FRAMES / 64];

static void set_used(uint64_t s, uint64_t e)
{
    for (uint64_t m = s; m < e; m++)
        map[m / 64] |= 1UL << (m % 64);
}

static void set_free(uint64_t s, uint64_t e)
{
    for (uint64_t m = s; m < e; m++)
        map[m / 64] &= ~(1UL << (m % 64));
}

static int used(uint64_t m)
{
    return (map[m / 64] >> (m % 64)) & 1;
}

/* The answer by brute force: every aligned start from the top down. */
static uint64_t model(uint64_t lo, uint64_t hi, uint64_t n, uint64_t align)
{
    if (n == 0 || align == 0 || (align & (align - 1)) || hi <= lo || hi - lo < n)
        return FB_NONE;
    for (uint64_t f = (hi - n) & ~(align - 1); f >= lo && f + n <= hi; f -= align) {
        uint64_t k = 0;
        while (k < n && !used(f + k))
            k++;
        if (k == n)
            return f;
        if (f < align)
            break;
    }
    return FB_NONE;
}

static void test_empty_and_full(void **state)
{
    memset(map, 0, sizeof(map));
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 1, 1), FRAMES - 1);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 64, 64), FRAMES - 64);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, FRAMES, 1), 0);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, FRAMES + 1, 1), FB_NONE);
    assert_int_equal(fb_highest_used(map, 0, FRAMES), FB_NONE);
    memset(map, 0xff, sizeof(map));
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 1, 1), FB_NONE);
    assert_int_equal(fb_highest_free(map, 0, FRAMES), FB_NONE);
    assert_int_equal(fb_highest_used(map, 5, 6), 5);
}

static void test_bad_arguments(void **state)
{
    memset(map, 0, sizeof(map));
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 0, 1), FB_NONE);      /* no frames */
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 1, 0), FB_NONE);      /* no alignment */
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 4, 3), FB_NONE);      /* not a power of 2 */
    assert_int_equal(fb_find_highest(map, 10, 10, 1, 1), FB_NONE);         /* empty range */
    assert_int_equal(fb_find_highest(map, 11, 10, 1, 1), FB_NONE);         /* reversed */
    assert_int_equal(fb_find_highest(map, 10, 13, 4, 1), FB_NONE);         /* range too short */
}

/* The run found is the highest: a free run higher up but too short or misaligned is skipped. */
static void test_highest_aligned(void **state)
{
    memset(map, 0xff, sizeof(map));
    set_free(100, 300);                 /* 200 frames, 64-aligned room: 128..192, 192..256 */
    set_free(1000, 1060);               /* 60 frames: too short for 64 */
    set_free(2050, 2150);               /* 100 frames, but no 64-aligned 64 inside */
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 64, 64), 192);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 64, 1), 2150 - 64);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 60, 1), 2150 - 60);
    assert_int_equal(fb_find_highest(map, 0, 2100, 60, 1), 1000);
    assert_int_equal(fb_find_highest(map, 0, 1059, 60, 1), 300 - 60);  /* hi cuts the run */
    assert_int_equal(fb_find_highest(map, 0, 256, 64, 64), 192);
    assert_int_equal(fb_find_highest(map, 0, 255, 64, 64), 128);
    assert_int_equal(fb_find_highest(map, 129, 300, 64, 64), 192);     /* lo cuts 128 */
    assert_int_equal(fb_find_highest(map, 193, 300, 64, 64), FB_NONE);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 256, 1), FB_NONE);
}

/* Word edges: runs that start or end on a 64-bit word boundary, and single bits. */
static void test_word_edges(void **state)
{
    memset(map, 0xff, sizeof(map));
    set_free(63, 65);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 2, 1), 63);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 1, 1), 64);
    assert_int_equal(fb_find_highest(map, 0, 64, 1, 1), 63);
    assert_int_equal(fb_find_highest(map, 64, 65, 1, 1), 64);
    assert_int_equal(fb_find_highest(map, 0, FRAMES, 2, 2), FB_NONE);
    assert_int_equal(fb_highest_free(map, 0, 63), FB_NONE);
    assert_int_equal(fb_highest_used(map, 63, 65), FB_NONE);
    assert_int_equal(fb_highest_used(map, 0, 64), 62);
}

/* Random bitmaps and arguments against the brute-force model. */
static void test_random_against_model(void **state)
{
    srand(8);
    for (int round = 0; round < 3000; round++) {
        int density = rand() % 4;
        for (unsigned int w = 0; w < FRAMES / 64; w++) {
            uint64_t v = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
            map[w] = density == 0 ? v : density == 1 ? v & ((uint64_t)rand() << 20)
                   : density == 2 ? 0 : ~0UL;
        }
        if (density >= 2) {             /* mostly free or mostly used, with a few holes */
            for (int k = 0; k < 20; k++) {
                uint64_t s = (uint64_t)rand() % FRAMES, e = s + (uint64_t)rand() % 300;
                if (e > FRAMES)
                    e = FRAMES;
                if (density == 2)
                    set_used(s, e);
                else
                    set_free(s, e);
            }
        }
        uint64_t lo = (uint64_t)rand() % FRAMES, hi = (uint64_t)rand() % (FRAMES + 1);
        if (rand() % 2)
            lo = 0;
        uint64_t n = 1 + (uint64_t)rand() % (rand() % 3 ? 8 : 300);
        uint64_t align = 1UL << (rand() % 8);
        uint64_t got = fb_find_highest(map, lo, hi, n, align);
        uint64_t want = model(lo, hi, n, align);
        if (got != want)
            fail_msg("round %d: lo %lu hi %lu n %lu align %lu: got %#lx, model %#lx", round,
                     lo, hi, n, align, got, want);
    }
}

/*
 * Taking the top n free frames a word at a time gives what taking the
 * highest free frame n times one by one gives, and marks exactly those.
 */
static void test_take_highest_free(void **state)
{
    static uint64_t before[FRAMES / 64];
    uint64_t out[300];

    srand(9);
    for (int round = 0; round < 2000; round++) {
        for (unsigned int w = 0; w < FRAMES / 64; w++) {
            uint64_t v = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
            map[w] = round % 3 == 0 ? v : round % 3 == 1 ? v | ((uint64_t)rand() << 20) : 0;
        }
        if (round % 7 == 0)
            set_used(0, FRAMES - (uint64_t)rand() % 200);     /* a few free at the top only */
        memcpy(before, map, sizeof(map));
        uint64_t hi = (uint64_t)rand() % (FRAMES + 1), n = (uint64_t)rand() % 300;
        uint64_t got = fb_take_highest_free(map, hi, n, out), want = 0, top = hi;

        for (; want < n; want++) {
            uint64_t m = fb_highest_free(before, 0, top);

            if (m == FB_NONE)
                break;
            if (want >= got || out[want] != m)
                fail_msg("round %d: hi %lu n %lu: frame %lu is %#lx, one by one %#lx", round,
                         hi, n, want, want < got ? out[want] : FB_NONE, m);
            before[m / 64] |= 1UL << (m % 64);
            top = m;
        }
        assert_int_equal(got, want);
        assert_memory_equal(map, before, sizeof(map));
    }
}

/* Xen's zones: bits b allow frames below 2^(b-12), at least frames 0 and 1; 0 and 64+: all. */
static void test_bits_limit(void **state)
{
    assert_int_equal(fb_bits_limit(0), FB_NONE);
    assert_int_equal(fb_bits_limit(64), FB_NONE);
    assert_int_equal(fb_bits_limit(255), FB_NONE);
    assert_int_equal(fb_bits_limit(1), 2);
    assert_int_equal(fb_bits_limit(12), 2);
    assert_int_equal(fb_bits_limit(13), 2);
    assert_int_equal(fb_bits_limit(14), 4);
    assert_int_equal(fb_bits_limit(20), 0x100);         /* 1 MiB */
    assert_int_equal(fb_bits_limit(21), 0x200);
    assert_int_equal(fb_bits_limit(32), 0x100000);      /* 4 GiB */
    assert_int_equal(fb_bits_limit(63), 1UL << 51);
}

/*
 * Linux's xen_swiotlb_fixup: 256 extents of 64 frames, address bits from
 * 18, widened by one on each -ENOMEM and kept for the next extents. On a
 * heap like Xen 4.17's when Dom0's swiotlb is set up (frames from 1 MiB to
 * 16 MiB free, nothing below 1 MiB), 16 MiB of frames: the widths refused
 * are 18, 19, 20 (below 1 MiB), then each width once its room is full
 * (what Xen 4.17 answered Linux, measured: docs/linux-dom0.md row 9).
 */
static void test_swiotlb_widening(void **state)
{
    unsigned int bits = 18, refused[32], nr_refused = 0, done = 0;

    memset(map, 0xff, sizeof(map));
    set_free(0x100, FRAMES);
    while (done < 58) {
        uint64_t f = fb_find_highest(map, 0, fb_bits_limit(bits) < FRAMES ?
                                     fb_bits_limit(bits) : FRAMES, 64, 64);
        if (f == FB_NONE) {
            assert_true(nr_refused < 32);
            refused[nr_refused++] = bits++;
            continue;
        }
        set_used(f, f + 64);
        done++;
    }
    /* 1-2 MiB: 4 extents, 2-4 MiB: 8, 4-8 MiB: 16, 8-16 MiB: 30 of its 32. */
    assert_int_equal(nr_refused, 6);
    for (unsigned int i = 0; i < nr_refused; i++)
        assert_int_equal(refused[i], 18 + i);
    assert_int_equal(bits, 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_full),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_highest_aligned),
        cmocka_unit_test(test_word_edges),
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_take_highest_free),
        cmocka_unit_test(test_bits_limit),
        cmocka_unit_test(test_swiotlb_widening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
