/*
 * Page types and reference counts, one rule at a time: every refusal with
 * Xen's exact error code, and after every step both the library's audit and
 * the test's own recount must agree that no reference leaked or went missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <xen/errno.h>

#include "test_pt_machine.h"

#define A  M_DOM_A
#define B  M_DOM_B
#define A0 M_A_FIRST                        /* first frame of domain A */
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

/* Counts are exact: the audit of both domains and the recount find nothing. */
static void clean(void)
{
    int n = machine_recount(m);
    if (n)
        fail_msg("recount: %d problem(s): %s", n, m->msg);
    for (uint16_t d = A; d <= B; d++) {
        n = machine_audit(m, d);
        if (n)
            fail_msg("d%u audit: %d report(s): %s", d, n, m->msg);
    }
}

static uint32_t tcount(uint64_t mfn) { return m->frames[mfn].type_info & PGT_count_mask; }
static uint32_t ttype(uint64_t mfn) { return m->frames[mfn].type_info & PGT_type_mask; }

/* Build A's tree L4 A0 -> L3 A0+1 -> L2 A0+2 -> L1 A0+3 -> data A0+4 (RW). */
static void write_tree(void)
{
    m->mem[A0][0] = m_pte(A0 + 1, P | RW);
    m->mem[A0 + 1][0] = m_pte(A0 + 2, P | RW);
    m->mem[A0 + 2][0] = m_pte(A0 + 3, P | RW);
    m->mem[A0 + 3][0] = m_pte(A0 + 4, P | RW);
}

static void test_get_page(void **state)
{
    assert_int_equal(pt_get_page(env, A0, A), 0);
    assert_int_equal(m->frames[A0].count_info, 1);
    assert_int_equal(pt_get_page(env, B0, A), -XEN_EINVAL);
    assert_int_equal(pt_get_page(env, M_FRAMES, A), -XEN_EINVAL);
    assert_int_equal(pt_get_page(env, M_HV_FIRST, A), -XEN_EINVAL);
    assert_int_equal(m->frames[B0].count_info, 0);         /* a refused get leaves nothing */
    pt_put_page(env, A0);
    assert_int_equal(m->frames[A0].count_info, 0);
}

static void test_pin_unpin_l1(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(m->frames[A0].type_info,
                     PGT_l1_page_table | PGT_pinned | PGT_validated | 1);
    assert_int_equal(m->frames[A0].count_info, 1);
    clean();
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(tcount(A0), 0);
    assert_false(m->frames[A0].type_info & (PGT_validated | PGT_pinned));
    assert_int_equal(m->frames[A0].count_info, 0);
    clean();
}

static void test_double_pin_and_bad_unpin(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 2), 0);
    assert_int_equal(pt_pin(env, A, A0, 2), -XEN_EINVAL);  /* already pinned */
    assert_int_equal(pt_pin(env, A, A0, 1), -XEN_EINVAL);  /* other level */
    assert_int_equal(tcount(A0), 1);
    assert_int_equal(m->frames[A0].count_info, 1);
    assert_int_equal(pt_unpin(env, A, A0 + 1), -XEN_EINVAL);   /* not pinned */
    assert_int_equal(pt_unpin(env, B, A0), -XEN_EINVAL);       /* not B's */
    assert_int_equal(pt_unpin(env, A, M_FRAMES + 5), -XEN_EINVAL);
    assert_int_equal(pt_pin(env, A, A0 + 1, 0), -XEN_EINVAL);  /* bad levels */
    assert_int_equal(pt_pin(env, A, A0 + 1, 5), -XEN_EINVAL);
    assert_int_equal(pt_pin(env, A, B0, 1), -XEN_EINVAL);      /* foreign */
    assert_int_equal(pt_pin(env, A, M_FRAMES, 1), -XEN_EINVAL);
    clean();
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(pt_unpin(env, A, A0), -XEN_EINVAL);       /* twice */
    clean();
}

static void test_l1_foreign_and_special_frames(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(B0, P), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_HV_FIRST, P), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FREE_FIRST, P), false), -XEN_EBUSY);
    /* Firmware and frames beyond the table are I/O: -EPERM without permission. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FW_FIRST + 1, P), false), -XEN_EPERM);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FRAMES + 7, P | RW), false),
                     -XEN_EPERM);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(0xffffffffffUL, P), false),
                     -XEN_EINVAL);
    assert_int_equal(m->mem[A0][0], 0);
    assert_non_null(m->last_why);
    clean();
    /* With I/O permission the mapping is taken and counts nothing. */
    m->iomem_ok = true;
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FW_FIRST + 1, P | RW), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(M_FRAMES + 7, P), false), 0);
    assert_int_equal(m->frames[M_FW_FIRST + 1].count_info, 0);
    clean();
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, 0, false), 0);
    m->iomem_ok = false;
    clean();
}

/* I/O frames are never mapped cacheable by accident: Xen's flip of PWT/PCD/PAT. */
static void test_l1_io_cache_attributes(void **state)
{
    static const struct { uint64_t ask, stored; } cases[] = {
        { 0, PT_PWT | PT_PCD },                         /* WB -> UC */
        { PT_PWT, PT_PWT | PT_PCD },                    /* WT -> UC */
        { PT_PWT | PT_PSE, PT_PWT | PT_PCD },           /* WP -> UC */
        { PT_PCD, PT_PCD },                             /* UC- stays */
        { PT_PCD | PT_PWT, PT_PCD | PT_PWT },           /* UC stays */
        { PT_PSE, PT_PSE },                             /* WC stays */
        { PT_PSE | PT_PCD | PT_PWT, PT_PSE | PT_PCD | PT_PWT },
    };
    m->iomem_ok = m->cache_ok = true;
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(pt_update_entry(env, A, A, A0, 0,
                                         m_pte(M_FW_FIRST + 1, P | RW | cases[i].ask), false), 0);
        assert_int_equal(m->mem[A0][0] & PT_CACHE_ATTRS, cases[i].stored);
        assert_int_equal(m->frames[M_FW_FIRST + 1].count_info, 0);
    }
    /* A read-only I/O frame (Xen's mmio_ro_ranges) asked writable is stored without RW. */
    m->iomem_ro_mfn = M_FW_FIRST + 2;
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FW_FIRST + 2, P | RW | PT_PCD),
                                     false), 0);
    assert_int_equal(m->mem[A0][0] & (RW | PT_CACHE_ATTRS), PT_PCD);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FW_FIRST + 1, P | RW | PT_PCD),
                                     false), 0);
    assert_int_equal(m->mem[A0][0] & (RW | PT_CACHE_ATTRS), RW | PT_PCD);
    m->iomem_ro_mfn = 0;
    /* A RAM frame of the domain keeps the attributes it asks. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 4, P | RW), false), 0);
    assert_int_equal(m->mem[A0][1] & PT_CACHE_ATTRS, 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, 0, false), 0);
    assert_int_equal(pt_unpin(env, A, A0), 0);
    /* Validation of a whole table flips the same way. */
    m->mem[A0][5] = m_pte(M_FRAMES + 3, P);
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(m->mem[A0][5] & PT_CACHE_ATTRS, PT_PWT | PT_PCD);
    assert_int_equal(pt_unpin(env, A, A0), 0);
    m->mem[A0][5] = 0;
    m->iomem_ok = m->cache_ok = false;
    clean();
}

static void test_l1_maps_own_table(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_pin(env, A, A0 + 1, 2), 0);
    /* Writable views of page tables (itself or another) are refused ... */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P | RW), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0, P | RW), false), -XEN_EBUSY);
    clean();
    /* ... read-only ones are fine and hold a general reference only. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0, P), false), 0);
    assert_int_equal(m->frames[A0 + 1].count_info, 2);
    assert_int_equal(m->frames[A0].count_info, 2);
    clean();
    /* Upgrading the RO mapping to RW takes the slow path and is refused. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P | RW), false), -XEN_EBUSY);
    clean();
}

static void test_writable_frame_cannot_become_table(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 5, m_pte(A0 + 2, P | RW), false), 0);
    assert_int_equal(ttype(A0 + 2), PGT_writable_page);
    assert_int_equal(tcount(A0 + 2), 1);
    for (unsigned int level = 1; level <= 4; level++)
        assert_int_equal(pt_pin(env, A, A0 + 2, level), -XEN_EINVAL);
    assert_int_equal(pt_switch_root(env, A, PT_ROOT_NONE, A0 + 2), -XEN_EINVAL);
    clean();
    /* Unmapping it frees the type; then it can be pinned, and a flush happens. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 5, 0, false), 0);
    assert_int_equal(tcount(A0 + 2), 0);
    m->flushes = 0;
    assert_int_equal(pt_pin(env, A, A0 + 2, 1), 0);
    assert_int_equal(m->flushes, 1);
    clean();
}

static void test_l2_needs_l1able_frame(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 2), 0);
    /* Writable-mapped frame: cannot be an L1. */
    assert_int_equal(pt_pin(env, A, A0 + 1, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 0, m_pte(A0 + 2, P | RW), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 2, P | RW), false), -XEN_EINVAL);
    /* Foreign or absent frames. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(B0, P | RW), false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FRAMES + 3, P), false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_FW_FIRST, P), false), -XEN_EINVAL);
    /* shared_info never becomes a table. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_A_SHINFO, P), false), -XEN_EINVAL);
    /* A frame whose contents are not a valid L1: the validation's error, nothing kept. */
    m->mem[A0 + 3][7] = m_pte(A0 + 5, P | RW);
    m->mem[A0 + 3][9] = m_pte(B0 + 1, P);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 3, P | RW), false), -XEN_EBUSY);
    assert_int_equal(m->frames[A0 + 3].type_info, 0);
    assert_int_equal(tcount(A0 + 5), 0);
    clean();
    /* Fix it: now the L2 entry validates the L1, which maps A0+5 writable. */
    m->mem[A0 + 3][9] = 0;
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 3, P | RW), false), 0);
    assert_int_equal(m->frames[A0 + 3].type_info, PGT_l1_page_table | PGT_validated | 1);
    assert_int_equal(ttype(A0 + 5), PGT_writable_page);
    clean();
}

static void test_pin_table_mapping_itself_writable(void **state)
{
    m->mem[A0][3] = m_pte(A0, P | RW);
    assert_int_equal(pt_pin(env, A, A0, 1), -XEN_EBUSY);
    assert_int_equal(m->frames[A0].type_info, 0);
    assert_int_equal(m->frames[A0].count_info, 0);
    clean();
    m->mem[A0][3] = m_pte(A0, P);                           /* read-only: fine */
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(m->frames[A0].count_info, 2);
    clean();
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(m->frames[A0].count_info, 0);
    clean();
}

static void test_one_frame_two_levels(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_pin(env, A, A0 + 1, 2), 0);
    assert_int_equal(pt_pin(env, A, A0 + 2, 3), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 0, m_pte(A0, P | RW), false), 0);
    /* A0 is an L1; an L3 entry wants it as an L2. */
    assert_int_equal(pt_update_entry(env, A, A, A0 + 2, 0, m_pte(A0, P | RW), false), -XEN_EINVAL);
    assert_int_equal(pt_pin(env, A, A0, 2), -XEN_EINVAL);
    /* A0+1 is an L2; another L2 may not use it as an L1. */
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 1, m_pte(A0 + 1, P | RW), false),
                     -XEN_EINVAL);
    clean();
}

static void test_flags(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_pin(env, A, A0 + 1, 2), 0);
    assert_int_equal(pt_pin(env, A, A0 + 2, 3), 0);
    assert_int_equal(pt_pin(env, A, A0 + 3, 4), 0);
    assert_int_equal(pt_pin(env, A, A0 + 4, 1), 0);
    /* Superpages. */
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 0, m_pte(A0 + 4, P | PT_PSE), false),
                     -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 2, 0, m_pte(A0 + 1, P | PT_PSE), false),
                     -XEN_EINVAL);
    /* GLOBAL and cache attributes are not the guest's above L1. */
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 0, m_pte(A0 + 4, P | PT_GLOBAL), false),
                     -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 3, 0, m_pte(A0 + 2, P | PT_PCD), false),
                     -XEN_EINVAL);
    /* L1: GLOBAL fine, grant bit never, cache attributes only with permission. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 5, P | PT_GLOBAL), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 5, P | PT_GNTTAB), false),
                     -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 5, P | PT_PWT), false),
                     -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 5, P | PT_PSE), false),
                     -XEN_EINVAL);
    m->cache_ok = true;
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 5, P | PT_PCD | PT_PWT), false), 0);
    /* ... except on shared_info (a hypervisor page). */
    assert_int_equal(pt_update_entry(env, A, A, A0, 2, m_pte(M_A_SHINFO, P | PT_PCD), false),
                     -XEN_EACCES);
    clean();
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, 0, false), 0);
    m->cache_ok = false;
    /* Guest-available bits and NX are the guest's. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 3,
                                     m_pte(A0 + 5, P | PT_AVAIL | PT_NX | (1UL << 61)), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 3,
                                     m_pte(A0 + 4, P | PT_AVAIL | PT_NX | (1UL << 58)), false), 0);
    clean();
}

static void test_l4_hypervisor_slots(void **state)
{
    m->mem[A0][HV_SLOT_FIRST] = m_pte(B0, P | RW);             /* ignored on validation */
    m->mem[A0][HV_SLOT_LAST] = 0x1234;
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    for (unsigned int i = HV_SLOT_FIRST; i <= HV_SLOT_LAST; i++)
        assert_int_equal(m->mem[A0][i], M_HV_SLOT(i));
    assert_int_equal(pt_update_entry(env, A, A, A0, HV_SLOT_FIRST, 0, false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, HV_SLOT_LAST, m_pte(A0 + 1, P), false),
                     -XEN_EINVAL);
    assert_int_equal(m->mem[A0][HV_SLOT_LAST], M_HV_SLOT(HV_SLOT_LAST));
    assert_int_equal(pt_update_entry(env, A, A, A0, HV_SLOT_FIRST - 1, m_pte(A0 + 1, P), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, HV_SLOT_LAST + 1, m_pte(A0 + 2, P), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, PT_ENTRIES, 0, false), -XEN_EINVAL);
    clean();
}

static void test_linear_entries(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    assert_int_equal(pt_pin(env, A, A0 + 1, 4), 0);
    /* Read-only self-reference (recursive mapping): accepted, holds no reference. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 300, m_pte(A0, P), false), 0);
    assert_int_equal(m->frames[A0].count_info, 1);
    assert_int_equal(tcount(A0), 1);
    assert_int_equal(pt_update_entry(env, A, A, A0, 301, m_pte(A0, P | RW), false), -XEN_EINVAL);
    /* Turning the self-reference writable is not a fast-path change. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 300, m_pte(A0, P | RW), false), -XEN_EINVAL);
    /* Another L4, even read-only: refused (we do not implement cross-table linear maps). */
    assert_int_equal(pt_update_entry(env, A, A, A0, 302, m_pte(A0 + 1, P), false), -XEN_EINVAL);
    clean();
    /* A self-referencing table validates and devalidates cleanly. */
    m->mem[A0 + 2][5] = m_pte(A0 + 2, P);
    assert_int_equal(pt_pin(env, A, A0 + 2, 2), 0);
    clean();
    assert_int_equal(pt_unpin(env, A, A0 + 2), 0);
    clean();
}

static void test_tree_and_teardown(void **state)
{
    write_tree();
    m->flushes = 0;
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    assert_int_equal(m->flushes, 0);                        /* fresh frames: no type change */
    assert_int_equal(ttype(A0 + 1), PGT_l3_page_table);
    assert_int_equal(ttype(A0 + 2), PGT_l2_page_table);
    assert_int_equal(ttype(A0 + 3), PGT_l1_page_table);
    assert_int_equal(ttype(A0 + 4), PGT_writable_page);
    for (unsigned int i = 0; i < 5; i++)
        assert_int_equal(m->frames[A0 + i].count_info, 1);
    /* Adjustments as stored: L1 kernel page gets USER|GUEST_KERNEL, L4 gets USER|ACCESSED. */
    assert_int_equal(m->mem[A0 + 3][0], m_pte(A0 + 4, P | RW | PT_USER | PT_GUEST_KERNEL));
    assert_int_equal(m->mem[A0 + 2][0], m_pte(A0 + 3, P | RW | PT_USER));
    assert_int_equal(m->mem[A0][0], m_pte(A0 + 1, P | RW | PT_USER | PT_ACCESSED));
    clean();
    /* The root reference is a second holder. */
    m->roots[A][0] = A0;
    assert_int_equal(pt_switch_root(env, A, PT_ROOT_NONE, A0), 0);
    assert_int_equal(tcount(A0), 2);
    clean();
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(tcount(A0 + 3), 1);                    /* still reachable from the root */
    clean();
    m->roots[A][0] = PT_ROOT_NONE;
    assert_int_equal(pt_switch_root(env, A, A0, PT_ROOT_NONE), 0);
    for (unsigned int i = 0; i < 5; i++) {
        assert_int_equal(m->frames[A0 + i].count_info, 0);
        assert_int_equal(tcount(A0 + i), 0);
        assert_true(pt_frame_is_free_to_release(env, A0 + i));
    }
    clean();
}

static void test_rollback_leaks_nothing(void **state)
{
    for (unsigned int i = 0; i < 10; i++)
        m->mem[A0 + 1][i] = m_pte(A0 + 10 + i, P | (i & 1 ? RW : 0));
    m->mem[A0 + 1][10] = m_pte(B0 + 3, P | RW);             /* the bad one */
    m->mem[A0 + 1][11] = m_pte(A0 + 30, P | RW);
    m->mem[A0][0] = m_pte(A0 + 2, P);                        /* a good L1 first */
    m->mem[A0][1] = m_pte(A0 + 1, P);                        /* then the bad one */
    m->mem[A0 + 2][0] = m_pte(A0 + 20, P | RW);
    assert_int_equal(pt_pin(env, A, A0, 2), -XEN_EBUSY);
    for (uint64_t f = A0; f < M_B_FIRST; f++) {
        assert_int_equal(m->frames[f].count_info, 0);
        assert_int_equal(tcount(f), 0);
    }
    assert_int_equal(m->frames[B0 + 3].count_info, 0);
    clean();
}

static void test_switch_root(void **state)
{
    assert_int_equal(pt_switch_root(env, A, PT_ROOT_NONE, A0), 0);
    m->roots[A][0] = A0;
    assert_int_equal(pt_switch_root(env, A, A0, A0), 0);    /* same root: nothing */
    assert_int_equal(tcount(A0), 1);
    clean();
    /* A bad new root leaves the old one held. */
    assert_int_equal(pt_switch_root(env, A, A0, B0), -XEN_EINVAL);
    assert_int_equal(pt_switch_root(env, A, A0, M_FRAMES), -XEN_EINVAL);
    m->mem[A0 + 1][0] = m_pte(B0, P);
    assert_int_equal(pt_switch_root(env, A, A0, A0 + 1), -XEN_EINVAL);   /* L3 -> L2 foreign */
    assert_int_equal(tcount(A0), 1);
    clean();
    m->mem[A0 + 1][0] = 0;
    assert_int_equal(pt_switch_root(env, A, A0, A0 + 1), 0);
    m->roots[A][0] = A0 + 1;
    assert_int_equal(tcount(A0), 0);
    assert_int_equal(tcount(A0 + 1), 1);
    clean();
}

static void test_adopt_builder_tree(void **state)
{
    write_tree();
    m->mem[A0 + 3][1] = m_pte(A0, P);                        /* tables mapped read-only */
    m->mem[A0 + 3][2] = m_pte(A0 + 3, P);
    assert_int_equal(pt_adopt_l4(env, A, A0), 0);
    m->roots[A][0] = A0;
    assert_int_equal(pt_switch_root(env, A, PT_ROOT_NONE, A0), 0);
    clean();
    assert_int_equal(pt_adopt_l4(env, A, A0), -XEN_EINVAL);  /* typed already */
    /* A builder that mapped a table writable is caught. */
    m->mem[A0 + 7][0] = m_pte(A0 + 8, P | RW);
    m->mem[A0 + 8][0] = m_pte(A0 + 9, P | RW);
    m->mem[A0 + 9][0] = m_pte(A0 + 10, P | RW);
    m->mem[A0 + 10][0] = m_pte(A0 + 9, P | RW);
    assert_int_equal(pt_adopt_l4(env, A, A0 + 7), -XEN_EBUSY);
    clean();
}

static void test_shared_info(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_A_SHINFO, P | RW), false), 0);
    assert_int_equal(ttype(M_A_SHINFO), PGT_writable_page);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    for (unsigned int level = 1; level <= 4; level++)
        assert_int_equal(pt_pin(env, A, M_A_SHINFO, level), -XEN_EINVAL);
    /* B's shared_info is B's. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(M_B_SHINFO, P), false), -XEN_EBUSY);
    clean();
}

static void test_free_to_release(void **state)
{
    assert_true(pt_frame_is_free_to_release(env, A0 + 1));
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_false(pt_frame_is_free_to_release(env, A0));
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P), false), 0);
    assert_false(pt_frame_is_free_to_release(env, A0 + 1));
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    assert_true(pt_frame_is_free_to_release(env, A0 + 1));
    assert_false(pt_frame_is_free_to_release(env, M_FRAMES));
    /* Given away to B, its old owner can no longer use it. */
    m->frames[A0 + 1].owner = B;
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P), false), -XEN_EBUSY);
    assert_int_equal(pt_pin(env, A, A0 + 1, 1), -XEN_EINVAL);
    assert_int_equal(pt_pin(env, B, A0 + 1, 1), 0);
    clean();
}

static void test_preserve_ad_and_fast_path(void **state)
{
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P | RW | PT_USER), false), 0);
    /* User pages are made global. */
    assert_int_equal(m->mem[A0][0], m_pte(A0 + 1, P | RW | PT_USER | PT_GLOBAL));
    m->mem[A0][0] |= PT_ACCESSED | PT_DIRTY;                 /* the "hardware" sets A/D */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P | RW | PT_USER | PT_NX),
                                     true), 0);
    assert_int_equal(m->mem[A0][0] & (PT_ACCESSED | PT_DIRTY), PT_ACCESSED | PT_DIRTY);
    assert_int_equal(tcount(A0 + 1), 1);                     /* fast path: no new reference */
    assert_int_equal(m->frames[A0 + 1].count_info, 1);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P | RW | PT_USER), false), 0);
    assert_int_equal(m->mem[A0][0] & (PT_ACCESSED | PT_DIRTY), 0);
    clean();
    /* RW -> RO drops the writable type but keeps the general reference. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 1, P), false), 0);
    assert_int_equal(tcount(A0 + 1), 0);
    assert_int_equal(m->frames[A0 + 1].count_info, 1);
    clean();
}

static void test_plain_write_path(void **state)
{
    /* A frame that is no table in use takes an ordinary store, unchecked. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 4, m_pte(B0, P | RW | PT_PSE), false), 0);
    assert_int_equal(m->mem[A0][4], m_pte(B0, P | RW | PT_PSE));
    assert_int_equal(tcount(A0), 0);
    assert_int_equal(m->frames[A0].count_info, 0);
    /* ... and that content is what a later validation refuses. */
    assert_int_equal(pt_pin(env, A, A0, 1), -XEN_EINVAL);
    /* Not the caller's frame, or a descriptor page in use: refused. */
    assert_int_equal(pt_update_entry(env, A, A, B0, 0, 0, false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, M_FRAMES, 0, 0, false), -XEN_EINVAL);
    assert_int_equal(pt_get_page(env, A0 + 1, A), 0);
    assert_int_equal(pt_get_page_type(env, A0 + 1, PGT_seg_desc_page, A), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 1, 0, 0, false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0 + 2, 0, m_pte(A0 + 1, P | RW), false), 0);
    assert_int_equal(pt_pin(env, A, A0 + 2, 1), -XEN_EBUSY);    /* maps a GDT page RW */
    pt_put_page_type(env, A0 + 1);
    pt_put_page(env, A0 + 1);
    clean();
}

static void test_type_state_machine(void **state)
{
    /* Someone else is validating: come back later. */
    assert_int_equal(pt_get_page(env, A0, A), 0);
    m->frames[A0].type_info = PGT_l2_page_table | 1;
    assert_int_equal(pt_get_page_type(env, A0, PGT_l2_page_table, A), -XEN_ERESTART);
    assert_int_equal(pt_get_page_type(env, A0, PGT_l1_page_table, A), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), -XEN_EINVAL);   /* as Xen */
    assert_int_equal(pt_pin(env, A, A0, 2), -XEN_ERESTART);
    assert_int_equal(m->frames[A0].count_info, 1);          /* nothing kept by the retries */
    m->frames[A0].type_info = 0;
    pt_put_page(env, A0);
    /* Writable type keeps its validated bit at count 0 and needs no revalidation. */
    assert_int_equal(pt_get_page(env, A0, A), 0);
    assert_int_equal(pt_get_page_type(env, A0, PGT_writable_page, A), 0);
    pt_put_page_type(env, A0);
    assert_int_equal(m->frames[A0].type_info, PGT_writable_page | PGT_validated);
    assert_int_equal(pt_get_page_type(env, A0, PGT_none, A), -XEN_EINVAL);
    assert_int_equal(pt_get_page_type(env, B0, PGT_writable_page, A), -XEN_EINVAL);
    pt_put_page(env, A0);
    clean();
}

/*
 * Two owners: a privileged table owner (A) maps frames of another domain (B)
 * into its own L1 by naming B; the counts land on B's frames and leave them
 * again on unmap, on unpin (devalidation) and, for frames B gave back while
 * A mapped them, through B's last_ref.
 */
static void test_foreign_frames_for_a_privileged_owner(void **state)
{
    m->privileged[A] = true;
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, B, A0, 0, m_pte(B0, P | RW), false), 0);
    assert_int_equal(m->mem[A0][0], m_pte(B0, P | RW | PT_USER | PT_GUEST_KERNEL));
    assert_int_equal(m->frames[B0].count_info, 1);
    assert_int_equal(ttype(B0), PGT_writable_page);
    assert_int_equal(tcount(B0), 1);
    assert_false(pt_frame_is_free_to_release(env, B0));
    clean();
    /* B's frame is writable in A's table: B cannot make it a table now. */
    assert_int_equal(pt_pin(env, B, B0, 1), -XEN_EINVAL);
    /* The owner named must be the frame's real owner, both ways. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(B0 + 1, P), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, B, A0, 1, m_pte(A0 + 5, P), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, B, A0, 1, m_pte(M_FREE_FIRST, P), false),
                     -XEN_EBUSY);
    assert_int_equal(m->mem[A0][1], 0);
    /* B's page tables may be mapped read-only only, as the owner's own would. */
    assert_int_equal(pt_pin(env, B, B0 + 3, 1), 0);
    assert_int_equal(pt_update_entry(env, A, B, A0, 2, m_pte(B0 + 3, P | RW), false),
                     -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, B, A0, 2, m_pte(B0 + 3, P), false), 0);
    assert_int_equal(m->frames[B0 + 3].count_info, 2);
    clean();
    /* A/D-only change of a foreign entry: Xen's fast path, no new reference. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(B0, P | RW | PT_ACCESSED), false),
                     0);
    assert_int_equal(m->frames[B0].count_info, 1);
    clean();
    /* B gives the frame back while A maps it: it goes with A's unmap (B's last_ref). */
    assert_int_equal(pt_release_frame(env, B0, false), PT_RELEASE_LATER);
    assert_int_equal(pt_release_frame(env, B0, false), PT_RELEASE_BUSY);
    assert_int_equal(m->last_refs[B0], 0);
    clean();
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    assert_int_equal(m->frames[B0].count_info, PGC_released);
    assert_int_equal(tcount(B0), 0);
    assert_int_equal(m->last_refs[B0], 1);
    assert_true(pt_frame_is_free_to_release(env, B0));
    /* Released and unreferenced: nobody maps it again, not even its owner. */
    assert_int_equal(pt_update_entry(env, A, B, A0, 0, m_pte(B0, P), false), -XEN_EBUSY);
    assert_int_equal(pt_get_page(env, B0, B), -XEN_EINVAL);
    assert_int_equal(m->frames[B0].count_info, PGC_released);
    pt_unrelease_frame(env, B0);
    clean();
    /* Unpin of A's L1 devalidates it: the foreign reference goes back to B's frame. */
    assert_int_equal(pt_update_entry(env, A, B, A0, 3, m_pte(B0 + 4, P | RW), false), 0);
    assert_int_equal(pt_unpin(env, B, B0 + 3), 0);
    assert_int_equal(m->frames[B0 + 3].count_info, 1);      /* A's read-only view holds it */
    assert_int_equal(pt_release_frame(env, B0 + 3, false), PT_RELEASE_LATER);
    assert_int_equal(pt_release_frame(env, B0 + 4, true), PT_RELEASE_LATER);
    assert_int_equal(m->frames[B0 + 4].count_info, PGC_released | PGC_awaited | 1);
    clean();
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(m->frames[B0 + 3].count_info, PGC_released);
    assert_int_equal(m->frames[B0 + 4].count_info, PGC_released | PGC_awaited);
    assert_int_equal(tcount(B0 + 4), 0);
    assert_int_equal(m->last_refs[B0 + 3], 1);
    assert_int_equal(m->last_refs[B0 + 4], 1);
    assert_int_equal(m->frames[A0].count_info, 0);
    pt_unrelease_frame(env, B0 + 3);
    pt_unrelease_frame(env, B0 + 4);
    clean();
}

static void test_foreign_frames_refused(void **state)
{
    /* An unprivileged table owner: -EBUSY (Xen's could_not_pin), nothing taken. */
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    m->last_why = NULL;
    assert_int_equal(pt_update_entry(env, A, B, A0, 0, m_pte(B0, P), false), -XEN_EBUSY);
    assert_non_null(m->last_why);
    assert_int_equal(m->mem[A0][0], 0);
    assert_int_equal(m->frames[B0].count_info, 0);
    clean();
    /* Privileged: only L1 entries may name another owner (Xen: -EINVAL above L1). */
    m->privileged[A] = true;
    assert_int_equal(pt_pin(env, A, A0 + 1, 2), 0);
    assert_int_equal(pt_pin(env, B, B0 + 2, 1), 0);
    assert_int_equal(pt_update_entry(env, A, B, A0 + 1, 0, m_pte(B0 + 2, P), false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, B, A0 + 1, 0, m_pte(A0, P), false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, B, A0 + 1, 0, 0, false), -XEN_EINVAL);
    assert_int_equal(tcount(A0), 1);
    clean();
    /* A whole table is validated with one owner: a foreign entry in it fails the pin. */
    m->mem[A0 + 3][7] = m_pte(B0 + 5, P);
    assert_int_equal(pt_pin(env, A, A0 + 3, 1), -XEN_EBUSY);
    assert_int_equal(m->frames[B0 + 5].count_info, 0);
    m->mem[A0 + 3][7] = 0;
    /* The table must still be the table owner's. */
    assert_int_equal(pt_update_entry(env, B, A, A0, 0, m_pte(A0 + 4, P), false), -XEN_EINVAL);
    assert_int_equal(pt_update_entry(env, A, B, B0 + 2, 0, m_pte(B0 + 4, P), false), -XEN_EINVAL);
    clean();
}

/* DOMID_IO and DOMID_XEN as the frame owner an update names. */
static void test_io_and_hypervisor_owners(void **state)
{
    m->iomem_ok = true;
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_IO, A0, 0,
                                     m_pte(M_FW_FIRST + 1, P), false), 0);
    assert_int_equal(m->frames[M_FW_FIRST + 1].count_info, 0);
    /* RAM is not DOMID_IO's, the caller's own included. */
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_IO, A0, 1, m_pte(A0 + 4, P), false),
                     -XEN_EBUSY);
    /* A foreign owner named for an I/O frame needs I/O permission too; the hypervisor has none. */
    m->privileged[A] = true;
    m->iomem_denied[B] = true;
    assert_int_equal(pt_update_entry(env, A, B, A0, 1, m_pte(M_FW_FIRST + 2, P), false),
                     -XEN_EPERM);
    m->iomem_denied[B] = false;
    assert_int_equal(pt_update_entry(env, A, B, A0, 1, m_pte(M_FW_FIRST + 2, P), false), 0);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(M_FW_FIRST + 2, P),
                                     false), -XEN_EPERM);
    clean();
    /* The shared hypervisor frame: read-only, naming DOMID_XEN, privileged, counted nowhere. */
    m->m2p_ok = true;
    assert_int_equal(pt_update_entry(env, A, A, A0, 2, m_pte(M_HV_FIRST, P), false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(M_HV_FIRST, P | RW),
                                     false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(M_HV_FIRST + 1, P),
                                     false), -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(A0 + 4, P), false),
                     -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(M_HV_FIRST, P), false),
                     0);
    assert_int_equal(m->frames[M_HV_FIRST].count_info, 0);
    clean();
    assert_int_equal(pt_update_entry(env, A, A, A0, 2, 0, false), 0);
    m->privileged[A] = false;
    assert_int_equal(pt_update_entry(env, A, PT_PG_OWNER_XEN, A0, 2, m_pte(M_HV_FIRST, P), false),
                     -XEN_EBUSY);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, 0, false), 0);
    clean();
}

/* The audit counts foreign references on the frame owner's side: it must notice one lost. */
static void test_audit_counts_foreign_references(void **state)
{
    m->privileged[A] = true;
    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, B, A0, 0, m_pte(B0, P), false), 0);
    clean();
    m->frames[B0].count_info--;
    assert_int_equal(machine_audit(m, A), 0);               /* not A's frame */
    assert_int_equal(machine_audit(m, B), 1);
    assert_non_null(strstr(m->msg, "general count"));
    assert_int_not_equal(machine_recount(m), 0);
    m->frames[B0].count_info++;
    clean();
    /* The same entry in an unprivileged owner's table is reported. */
    m->privileged[A] = false;
    assert_true(machine_audit(m, A) >= 1);
    assert_non_null(strstr(m->msg, "another owner"));
    assert_int_not_equal(machine_recount(m), 0);
    m->privileged[A] = true;
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), 0);
    clean();
}

/* machine_audit of `dom` with one reference named as held outside the tables. */
static int audit_with_held(uint16_t dom, uint64_t mfn, uint32_t type)
{
    struct pt_audit a;

    m->msg[0] = 0;
    pt_audit_begin(&a, env, dom, m->roots[dom], M_ROOTS, m->scratch, machine_audit_report, m);
    pt_audit_held(&a, mfn, type);
    return pt_audit_end(&a);
}

/*
 * References held outside the tables (a grant mapping, a registered area)
 * are counted where the caller names them, not dropped: a frame its owner
 * gave back that only such a reference holds audits clean and stays held.
 */
static void test_audit_counts_held_references(void **state)
{
    write_tree();
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    assert_int_equal(pt_get_page(env, A0 + 5, A), 0);       /* held writable, outside */
    assert_int_equal(pt_get_page_type(env, A0 + 5, PGT_writable_page, A), 0);
    assert_true(machine_audit(m, A) >= 1);                  /* unknown to the plain audit */
    assert_int_equal(audit_with_held(A, A0 + 5, PGT_writable_page), 0);
    assert_int_equal(pt_release_frame(env, A0 + 5, false), PT_RELEASE_LATER);
    assert_int_equal(audit_with_held(A, A0 + 5, PGT_writable_page), 0);
    assert_int_equal(m->frames[A0 + 5].count_info & PGC_count_mask, 1);
    assert_int_equal(m->last_refs[A0 + 5], 0);              /* the audit freed nothing */
    assert_int_equal(audit_with_held(A, A0 + 5, 0), 1);     /* named without its type */
    assert_non_null(strstr(m->msg, "type count"));
    assert_true(audit_with_held(A, B0, 0) >= 1);            /* not A's frame */
    assert_non_null(strstr(m->msg, "another owner"));
    pt_put_page_type(env, A0 + 5);
    pt_put_page(env, A0 + 5);
    assert_int_equal(m->last_refs[A0 + 5], 1);              /* freed by its last reference */
    assert_int_equal(pt_unpin(env, A, A0), 0);
    clean();
}

/* The one walker: it reads the four entries of a VA and stops where the tree does. */
static void check_walks(void)
{
    struct pt_walk w;
    uint64_t va0 = 0x1000 * 7;                              /* L4/L3/L2 slot 0, L1 slot 7 */
    uint64_t va1 = (1UL << 39) | (3UL << 12);               /* L4 slot 1: nothing there */
    uint64_t va2 = (5UL << 21);                             /* L2 slot 5: a PSE entry */
    uint64_t va3 = (6UL << 21);                             /* L2 slot 6: beyond the frames */

    assert_true(pt_walk(env, A0, va0, &w));
    assert_int_equal(w.level, 1);
    assert_int_equal(w.table[4], A0);
    assert_int_equal(w.table[3], A0 + 1);
    assert_int_equal(w.table[2], A0 + 2);
    assert_int_equal(w.table[1], A0 + 3);
    assert_int_equal(w.index[1], 7);
    assert_int_equal(w.entry[1], 0);                        /* read, not present */
    assert_true(pt_walk(env, A0, 0, &w));
    assert_int_equal(w.entry[1], m->mem[A0 + 3][0]);
    assert_int_equal(w.entry[4], m->mem[A0][0]);
    assert_false(pt_walk(env, A0, va1, &w));
    assert_int_equal(w.level, 4);
    assert_int_equal(w.index[4], 1);
    assert_false(pt_walk(env, A0, va2, &w));
    assert_int_equal(w.level, 2);
    assert_int_equal(w.index[2], 5);
    assert_false(pt_walk(env, A0, va3, &w));
    assert_int_equal(w.level, 2);
    assert_false(pt_walk(env, M_FRAMES + 1, va0, &w));
    assert_int_equal(w.level, 5);
    /* A user address high in the tree: every index taken from its own bits. */
    assert_false(pt_walk(env, A0, 0x00007fffffffe000UL, &w));
    assert_int_equal(w.index[4], 255);
}

static void test_walk(void **state)
{
    write_tree();
    m->mem[A0 + 2][5] = m_pte(A0 + 6, P | PT_PSE);          /* never validated: raw contents */
    m->mem[A0 + 2][6] = m_pte(M_FRAMES + 9, P);
    check_walks();
    m->mem[A0 + 2][5] = m->mem[A0 + 2][6] = 0;
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    m->mem[A0 + 2][5] = m_pte(A0 + 6, P | PT_PSE);          /* behind the validator's back */
    m->mem[A0 + 2][6] = m_pte(M_FRAMES + 9, P);
    check_walks();
    m->mem[A0 + 2][5] = m->mem[A0 + 2][6] = 0;
    assert_int_equal(pt_unpin(env, A, A0), 0);
    clean();
}

/* Grant host mappings through the compare-exchange path: no references of their own. */
static void test_grant_entries(void **state)
{
    uint64_t g = m_pte(B0, P | RW | PT_USER | PT_GNTTAB), old = 0;

    assert_int_equal(pt_pin(env, A, A0, 1), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, m_pte(A0 + 4, P | RW), false), 0);
    assert_int_equal(pt_update_entry(env, A, A, A0, 1, m_pte(A0 + 5, P | RW), false), 0);
    /* The grant entry replaces what was there; that entry's references go, none are taken. */
    assert_int_equal(pt_grant_map(env, A, A0, 0, g), 0);
    assert_int_equal(m->mem[A0][0], g);
    assert_int_equal(m->frames[A0 + 4].count_info, 0);
    assert_int_equal(tcount(A0 + 4), 0);
    assert_int_equal(m->frames[B0].count_info, 0);
    clean();
    /* Only onto a slot without a grant mapping, of an L1 in use of the caller's. */
    assert_int_equal(pt_grant_map(env, A, A0, 0, g), -XEN_EINVAL);
    assert_int_equal(pt_grant_map(env, A, A0, 2, m_pte(B0, P | RW)), -XEN_EINVAL);
    assert_int_equal(pt_grant_map(env, A, A0 + 1, 0, g), -XEN_EINVAL);
    assert_int_equal(pt_grant_map(env, B, A0, 2, g), -XEN_EINVAL);
    assert_int_equal(pt_grant_map(env, A, A0, PT_ENTRIES, g), -XEN_EINVAL);
    assert_int_equal(pt_pin(env, A, A0 + 2, 2), 0);
    assert_int_equal(pt_grant_map(env, A, A0 + 2, 0, g), -XEN_EINVAL);
    assert_int_equal(m->mem[A0 + 2][0], 0);
    /* mmu_update and pt_take_entry leave a grant mapping alone. */
    assert_int_equal(pt_update_entry(env, A, A, A0, 0, 0, false), -XEN_EINVAL);
    assert_int_equal(pt_take_entry(env, A, A0, 0, &old), -XEN_EINVAL);
    assert_int_equal(m->mem[A0][0], g);
    clean();
    /* unmap_and_replace: slot 1's entry moves into the grant's slot with its references. */
    assert_int_equal(pt_take_entry(env, A, A0, 1, &old), 0);
    assert_int_equal(old & ~(PT_USER | PT_GUEST_KERNEL), m_pte(A0 + 5, P | RW));
    assert_int_equal(m->mem[A0][1], 0);
    assert_int_equal(pt_grant_unmap(env, A, A0, 0, B0 + 1, old), -XEN_EINVAL);  /* other frame */
    assert_int_equal(pt_grant_unmap(env, A, A0, 1, A0 + 5, old), -XEN_EINVAL);  /* no grant */
    assert_int_equal(pt_grant_unmap(env, A, A0, 0, B0, g), -XEN_EINVAL);       /* grant for grant */
    assert_int_equal(pt_grant_unmap(env, B, A0, 0, B0, old), -XEN_EINVAL);     /* not B's table */
    assert_int_equal(m->mem[A0][0], g);
    assert_int_equal(pt_grant_unmap(env, A, A0, 0, B0, old), 0);
    assert_int_equal(m->mem[A0][0], old);
    assert_int_equal(m->frames[A0 + 5].count_info, 1);
    assert_int_equal(tcount(A0 + 5), 1);
    clean();
    /* A plain unmap, and an unpin with a grant entry still in the table: nothing counted. */
    assert_int_equal(pt_grant_map(env, A, A0, 3, g), 0);
    assert_int_equal(pt_grant_unmap(env, A, A0, 3, B0, 0), 0);
    assert_int_equal(m->mem[A0][3], 0);
    assert_int_equal(pt_grant_map(env, A, A0, 3, g), 0);
    assert_int_equal(pt_unpin(env, A, A0), 0);
    assert_int_equal(m->frames[B0].count_info, 0);
    assert_int_equal(m->frames[A0 + 5].count_info, 0);
    assert_int_equal(pt_unpin(env, A, A0 + 2), 0);
    clean();
}

/* The audit must be able to fail: break a count behind its back. */
static void test_audit_catches_corruption(void **state)
{
    write_tree();
    assert_int_equal(pt_pin(env, A, A0, 4), 0);
    clean();
    m->frames[A0 + 3].count_info++;
    assert_int_equal(machine_audit(m, A), 1);
    assert_non_null(strstr(m->msg, "general count"));
    assert_int_not_equal(machine_recount(m), 0);
    m->frames[A0 + 3].count_info--;
    m->frames[A0 + 4].type_info--;                          /* writable count lost */
    assert_int_equal(machine_audit(m, A), 1);
    assert_int_not_equal(machine_recount(m), 0);
    m->frames[A0 + 4].type_info++;
    m->mem[A0 + 3][9] = m_pte(B0, P);                        /* a foreign entry slipped in */
    assert_true(machine_audit(m, A) >= 1);
    assert_int_not_equal(machine_recount(m), 0);
    m->mem[A0 + 3][9] = m_pte(A0 + 2, P | RW);              /* a table mapped writable */
    assert_true(machine_audit(m, A) >= 1);
    assert_int_not_equal(machine_recount(m), 0);
    m->mem[A0 + 3][9] = 0;
    clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_get_page, setup),
        cmocka_unit_test_setup(test_pin_unpin_l1, setup),
        cmocka_unit_test_setup(test_double_pin_and_bad_unpin, setup),
        cmocka_unit_test_setup(test_l1_foreign_and_special_frames, setup),
        cmocka_unit_test_setup(test_l1_io_cache_attributes, setup),
        cmocka_unit_test_setup(test_l1_maps_own_table, setup),
        cmocka_unit_test_setup(test_writable_frame_cannot_become_table, setup),
        cmocka_unit_test_setup(test_l2_needs_l1able_frame, setup),
        cmocka_unit_test_setup(test_pin_table_mapping_itself_writable, setup),
        cmocka_unit_test_setup(test_one_frame_two_levels, setup),
        cmocka_unit_test_setup(test_flags, setup),
        cmocka_unit_test_setup(test_l4_hypervisor_slots, setup),
        cmocka_unit_test_setup(test_linear_entries, setup),
        cmocka_unit_test_setup(test_tree_and_teardown, setup),
        cmocka_unit_test_setup(test_rollback_leaks_nothing, setup),
        cmocka_unit_test_setup(test_switch_root, setup),
        cmocka_unit_test_setup(test_adopt_builder_tree, setup),
        cmocka_unit_test_setup(test_shared_info, setup),
        cmocka_unit_test_setup(test_free_to_release, setup),
        cmocka_unit_test_setup(test_preserve_ad_and_fast_path, setup),
        cmocka_unit_test_setup(test_plain_write_path, setup),
        cmocka_unit_test_setup(test_type_state_machine, setup),
        cmocka_unit_test_setup(test_audit_catches_corruption, setup),
        cmocka_unit_test_setup(test_foreign_frames_for_a_privileged_owner, setup),
        cmocka_unit_test_setup(test_foreign_frames_refused, setup),
        cmocka_unit_test_setup(test_io_and_hypervisor_owners, setup),
        cmocka_unit_test_setup(test_audit_counts_foreign_references, setup),
        cmocka_unit_test_setup(test_audit_counts_held_references, setup),
        cmocka_unit_test_setup(test_walk, setup),
        cmocka_unit_test_setup(test_grant_entries, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
