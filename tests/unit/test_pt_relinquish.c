/*
 * Taking a dying domain's page tables apart (asm/pt_relinquish.h): after the
 * four bottom-up passes and the roots, every frame of the domain is free to
 * release, the other domain's counts are untouched, no count ever went below
 * zero (the recount would see it), and no single step devalidated more than
 * the one table it was given. Trees with every kind of reference: pins at
 * every level, roots, an L1 shared by two L2s, a table mapped read-only as
 * data, linear self-references, writable data, shared_info.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <xen/errno.h>

#include <asm/pt_relinquish.h>
#include "test_pt_machine.h"

#define A  M_DOM_A
#define B  M_DOM_B
#define A0 M_A_FIRST
#define B0 M_B_FIRST
#define P  PT_PRESENT
#define RW PT_RW

static struct machine mach;
static struct machine *m = &mach;
static const struct pt_env *env = &mach.env;

static int setup(void **state)
{
    machine_init(m);
    return 0;
}

static void clean(const char *when)
{
    int n = machine_recount(m);
    if (n)
        fail_msg("%s: recount: %d problem(s): %s", when, n, m->msg);
    for (uint16_t d = A; d <= B; d++) {
        n = machine_audit(m, d);
        if (n)
            fail_msg("%s: d%u audit: %d report(s): %s", when, d, n, m->msg);
    }
}

/* Counts the entries one relinquish step released (through the env's table view). */
static unsigned int entries_touched;
static uint64_t *counting_table(void *ctx, uint64_t mfn)
{
    entries_touched++;
    return ((struct machine *)ctx)->mem[mfn];
}

/*
 * Destroy domain d as the hypervisor does: passes 1-4 over every frame, in
 * frame order, then the roots. Returns the most tables one step looked at:
 * 1 when each step releases only its own table's entries, never a cascade
 * through the levels below. `skip_level`: a pass left out (0: none).
 */
static unsigned int relinquish(uint16_t d, unsigned int skip_level)
{
    struct pt_env e = *env;
    unsigned int most = 0;

    e.table = counting_table;
    for (unsigned int level = 1; level <= PT_RELINQUISH_PASSES; level++) {
        if (level == skip_level)
            continue;
        for (uint64_t f = 0; f < M_FRAMES; f++) {
            entries_touched = 0;
            bool did = pt_relinquish_frame(&e, d, f, level);
            if (!did && entries_touched)
                fail_msg("pass %u changed mfn %lu, not one of its tables", level, (unsigned long)f);
            if (entries_touched > most)
                most = entries_touched;
        }
    }
    for (unsigned int r = 0; r < M_ROOTS; r++) {
        entries_touched = 0;
        assert_int_equal(pt_switch_root(&e, d, m->roots[d][r], PT_ROOT_NONE), 0);
        m->roots[d][r] = PT_ROOT_NONE;
        if (entries_touched)
            fail_msg("dropping root %u of d%u released %u tables", r, d, entries_touched);
    }
    return most;
}

/* Nothing of domain d is referenced, typed or pinned any more. */
static void all_free(uint16_t d)
{
    for (uint64_t f = 0; f < M_FRAMES; f++)
        if (m->frames[f].owner == d && !pt_frame_is_free_to_release(env, f))
            fail_msg("mfn %lu of d%u still held: count %lu type_info %#x", (unsigned long)f, d,
                     (unsigned long)m->frames[f].count_info, m->frames[f].type_info);
}

/*
 * Domain d's frames from `first`: L4 first -> L3 +1 -> two L2s +2, +3 -> one
 * L1 +4 shared by both L2s -> data +5 (writable), +6 (read-only), the L2 +2
 * read-only as data, shared_info read-only; the L4 and the L2 +3 name
 * themselves (linear). Pins on the L4, the L3 and the L1; both roots the L4.
 */
static void build(uint16_t d, uint64_t first, uint64_t shinfo)
{
    m->mem[first][0] = m_pte(first + 1, P | RW);
    m->mem[first][1] = m_pte(first, P);                     /* linear */
    m->mem[first + 1][0] = m_pte(first + 2, P | RW);
    m->mem[first + 1][1] = m_pte(first + 3, P | RW);
    m->mem[first + 2][0] = m_pte(first + 4, P | RW);
    m->mem[first + 3][7] = m_pte(first + 4, P | RW);
    m->mem[first + 3][8] = m_pte(first + 3, P);             /* linear */
    m->mem[first + 4][0] = m_pte(first + 5, P | RW);
    m->mem[first + 4][1] = m_pte(first + 6, P);
    m->mem[first + 4][2] = m_pte(first + 2, P);             /* a table, read-only as data */
    m->mem[first + 4][3] = m_pte(shinfo, P);
    m->mem[first + 4][4] = m_pte(first + 5, P | RW);        /* the same page twice */
    assert_int_equal(pt_pin(env, d, first + 4, 1), 0);
    assert_int_equal(pt_pin(env, d, first, 4), 0);
    assert_int_equal(pt_pin(env, d, first + 1, 3), 0);
    for (unsigned int r = 0; r < M_ROOTS; r++) {
        assert_int_equal(pt_switch_root(env, d, PT_ROOT_NONE, first), 0);
        m->roots[d][r] = first;
    }
    clean("built");
}

static void test_tree_comes_apart(void **state)
{
    build(A, A0, M_A_SHINFO);
    build(B, B0, M_B_SHINFO);
    uint64_t b_counts[M_FRAMES];
    for (uint64_t f = 0; f < M_FRAMES; f++)
        b_counts[f] = m->frames[f].owner == B ? m->frames[f].count_info : 0;
    assert_int_equal(relinquish(A, 0), 1);
    all_free(A);
    clean("after destroying A");                /* B's references are exact too */
    for (uint64_t f = 0; f < M_FRAMES; f++)
        if (m->frames[f].owner == B)
            assert_int_equal(m->frames[f].count_info, b_counts[f]);
    assert_int_equal(relinquish(B, 0), 1);
    all_free(B);
    clean("after destroying B");
}

/* Without the L2 pass, the L3 pass cascades through L2s and L1s: one step, many tables. */
static void test_a_pass_left_out_cascades(void **state)
{
    build(A, A0, M_A_SHINFO);
    assert_true(relinquish(A, 2) > 1);
}

/* Without the L1 pass, the L1 keeps its data frames' references: they stay held. */
static void test_l1_pass_left_out_leaves_frames_held(void **state)
{
    build(A, A0, M_A_SHINFO);
    relinquish(A, 1);
    assert_false(pt_frame_is_free_to_release(env, A0 + 5));
}

/* Stopping between any two frames and carrying on later changes nothing: pass state is the frames'. */
static void test_passes_are_idempotent(void **state)
{
    build(A, A0, M_A_SHINFO);
    for (unsigned int level = 1; level <= PT_RELINQUISH_PASSES; level++)
        for (uint64_t f = 0; f < M_FRAMES; f++) {
            bool first = pt_relinquish_frame(env, A, f, level);
            uint32_t t = m->frames[f].type_info;
            uint64_t c = m->frames[f].count_info;
            /* A resumed pass may see the same frame again: nothing more is released. */
            if (first && pt_type_level(t) == level && (t & PGT_count_mask))
                pt_relinquish_frame(env, A, f, level);
            assert_int_equal(m->frames[f].type_info, t);
            assert_int_equal(m->frames[f].count_info, c);
        }
    for (unsigned int r = 0; r < M_ROOTS; r++)
        assert_int_equal(pt_switch_root(env, A, m->roots[A][r], PT_ROOT_NONE), 0);
    all_free(A);
}

static void test_other_frames_untouched(void **state)
{
    build(B, B0, M_B_SHINFO);
    for (unsigned int level = 1; level <= PT_RELINQUISH_PASSES; level++)
        for (uint64_t f = 0; f < M_FRAMES + 3; f++)
            assert_false(pt_relinquish_frame(env, A, f, level));    /* A has no tables */
    assert_false(pt_relinquish_frame(env, B, B0, 0));
    assert_false(pt_relinquish_frame(env, B, B0, 5));
    clean("A destroyed with nothing to give");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tree_comes_apart, setup),
        cmocka_unit_test_setup(test_a_pass_left_out_cascades, setup),
        cmocka_unit_test_setup(test_l1_pass_left_out_leaves_frames_held, setup),
        cmocka_unit_test_setup(test_passes_are_idempotent, setup),
        cmocka_unit_test_setup(test_other_frames_untouched, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
