/*
 * libFuzzer harness for the PV MMU frame-type machine (hv/arch/x86/lib/pt_*.c).
 * Run with `make fuzz-pt-types` (clang, not part of `make test`).
 *
 * The input is a program for the fake machine of the unit tests
 * (tests/unit/test_pt_machine.c: 112 frames, two domains, firmware,
 * hypervisor and free frames).  Byte 0 sets the machine's I/O and
 * cache-attribute permissions, which domains are privileged (may map the
 * other's frames) and whether a hypervisor frame is shared read-only, for
 * the whole run; then each operation is an
 * opcode byte followed by its arguments (missing bytes read as 0):
 *
 *   update   domain, frame owner, table frame, index, entry, preserve_ad   (pt_update_entry)
 *   pin      domain, frame, level                              (pt_pin)
 *   unpin    domain, frame                                     (pt_unpin)
 *   root     domain/slot, new frame                            (pt_switch_root)
 *   getput   domain, frame, type      (pt_get_page [+ pt_get_page_type] then the puts)
 *   give     frame, new owner, reset type     (the allocator moving a releasable frame)
 *   adopt    domain, frame                     (pt_adopt_l4, the domain builder's pin)
 *   walk     root frame, virtual address       (pt_walk)
 *   grant    domain, mode, table frame, index, frame   (pt_grant_map, pt_grant_unmap,
 *            pt_take_entry: the grant table's host mappings)
 *
 * (opcode byte % 11: 0-2 update, 3 pin, 4 unpin, 5 root, 6 getput, 7 give, 8 adopt,
 *  9 walk, 10 grant)
 *
 * Frames, indexes, entries, levels and domain ids are mostly drawn from the
 * useful range but may be anything (out-of-range frames, reserved domain
 * ids, raw 64-bit entries).  The hypervisor's own bookkeeping stays honest:
 * a root switch names the root really held, and the pair operations put
 * exactly what they got, because the library trusts its caller there.
 *
 * After every operation: the library's audit (both domains) and the test
 * machine's independent recount must find nothing, and the operation must
 * have kept its own promises (error codes from its contract, a refused
 * update leaves the entry alone, a stored entry is exactly the adjusted
 * value, pin/unpin change the pin bit as told, a get/put pair restores
 * every count).  At the end the domains are torn down (roots dropped, all
 * pins removed) and every count must fall to 0: nothing leaks.  Any
 * violation prints what was seen and abort()s, so libFuzzer saves the input.
 * PT_FUZZ_TRACE=1 in the environment prints every operation as it runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/errno.h>

#include "../unit/test_pt_machine.h"

#define AD (PT_ACCESSED | PT_DIRTY)
#define NR_OPS_MAX 256

static struct machine mach;

struct input {
    const uint8_t *p;
    size_t left;
};

static uint8_t u8(struct input *in)
{
    if (!in->left)
        return 0;
    in->left--;
    return *in->p++;
}

static uint64_t un(struct input *in, unsigned int bytes)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < bytes; i++)
        v |= (uint64_t)u8(in) << (8 * i);
    return v;
}

/* Mostly the two domains; sometimes one that owns nothing, or any id at all. */
static uint16_t pick_domain(struct input *in)
{
    uint8_t b = u8(in);

    if (b < 0xf0)
        return (b & 1) ? M_DOM_B : M_DOM_A;
    if (b < 0xf8)
        return 0;
    return (uint16_t)un(in, 2);
}

/* The frame owner an update names: mostly the table's owner, else the other domain,
   DOMID_XEN, DOMID_IO, or any id. */
static uint16_t pick_pg_owner(struct input *in, uint16_t pt_owner)
{
    uint8_t b = u8(in);

    if (b < 0xa0)
        return pt_owner;
    if (b < 0xe0)
        return pt_owner == M_DOM_A ? M_DOM_B : M_DOM_A;
    if (b < 0xf0)
        return (b & 1) ? PT_PG_OWNER_XEN : PT_PG_OWNER_IO;
    return (uint16_t)un(in, 2);
}

/* Mostly a frame of the machine; sometimes just past it, Xen's "no frame", or anything. */
static uint64_t pick_frame(struct input *in)
{
    uint8_t b = u8(in);

    if (b < M_FRAMES)
        return b;
    switch ((b - M_FRAMES) % 8) {
    case 0: return 0xffffffffffUL;                  /* all address bits: invalid I/O frame */
    case 1: return un(in, 8) >> (b & 24);           /* anything */
    case 2: return M_FRAMES + (b & 7);              /* just past the frame table */
    default: return b % M_FRAMES;
    }
}

/* Any 512-entry index; now and then one past the table. */
static unsigned int pick_index(struct input *in)
{
    uint16_t v = (uint16_t)un(in, 2);

    if ((v >> 9) == 0x7f)
        return PT_ENTRIES + (v & 511);
    return v % PT_ENTRIES;
}

/* An entry: a frame with any low flags and a few high bits, or a raw 64-bit value. */
static uint64_t pick_entry(struct input *in)
{
    uint8_t mode = u8(in);

    if (mode == 0xff)
        return un(in, 8);
    uint64_t e = (pick_frame(in) << 12) & PT_ADDR_MASK;
    e |= un(in, 2) & 0xfff;
    if (mode & 1) e |= PT_NX;
    if (mode & 2) e |= PT_GNTTAB;
    if (mode & 4) e |= PT_GUEST_KERNEL;
    if (mode & 8) e |= 1UL << 57;                  /* an ordinary high available bit */
    return e;
}

static unsigned int pick_level(struct input *in)
{
    uint8_t b = u8(in);

    return b < 0xf0 ? 1u + b % 4 : b;              /* 0, 5..15, 240+: refused levels */
}

/* ---- checking ------------------------------------------------------------------ */

static char what[256];

__attribute__((noreturn, format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "pt fuzz: after %s\n  ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static bool in_machine(uint64_t mfn) { return mfn < M_FRAMES; }

static bool live(uint64_t mfn)
{
    uint32_t t = mach.frames[mfn].type_info;

    return pt_type_level(t) && (t & PGT_count_mask) && (t & PGT_validated);
}

/* The counts a frame's holders own: general, type count, pin bit. */
struct counts {
    uint64_t general[M_FRAMES];
    uint32_t tcount[M_FRAMES];
};

static void snapshot(struct counts *c)
{
    for (uint64_t f = 0; f < M_FRAMES; f++) {
        c->general[f] = mach.frames[f].count_info;
        c->tcount[f] = mach.frames[f].type_info & (PGT_count_mask | PGT_pinned);
    }
}

static void same_counts(const struct counts *c, const char *why)
{
    struct counts now;

    snapshot(&now);
    for (uint64_t f = 0; f < M_FRAMES; f++)
        CHECK(now.general[f] == c->general[f] && now.tcount[f] == c->tcount[f],
              "%s: mfn %lu general %lu -> %lu, type count/pin %#x -> %#x", why,
              (unsigned long)f, (unsigned long)c->general[f], (unsigned long)now.general[f],
              c->tcount[f], now.tcount[f]);
}

static void invariants(void)
{
    int n = machine_recount(&mach);

    CHECK(n == 0, "recount: %d problem(s), first: %s", n, mach.msg);
    for (uint16_t d = M_DOM_A; d <= M_DOM_B; d++) {
        n = machine_audit(&mach, d);
        CHECK(n == 0, "pt_audit(d%u): %d report(s), first: %s", d, n, mach.msg);
    }
}

/* A refusal must carry one of the codes its contract lists, and say why. */
static void check_refusal(int rc, const int *allowed)
{
    if (rc == 0)
        return;
    for (; *allowed; allowed++)
        if (rc == -*allowed) {
            CHECK(mach.last_why != NULL, "refused (%d) without env->explain", rc);
            return;
        }
    fail("error %d is not in the operation's contract", rc);
}

static const int update_errs[] = { XEN_EINVAL, XEN_EBUSY, XEN_EPERM, XEN_EACCES, 0 };
static const int pin_errs[] = { XEN_EINVAL, XEN_EBUSY, XEN_EPERM, XEN_EACCES, 0 };
static const int unpin_errs[] = { XEN_EINVAL, 0 };

/* ---- operations ---------------------------------------------------------------- */

static void op_update(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint16_t pg = pick_pg_owner(in, d);
    uint64_t t = pick_frame(in);
    unsigned int idx = pick_index(in);
    uint64_t e = pick_entry(in);
    bool ad = u8(in) & 1;
    bool was_live = in_machine(t) && live(t);
    unsigned int level = was_live ? pt_type_level(mach.frames[t].type_info) : 0;
    uint64_t before = in_machine(t) && idx < PT_ENTRIES ? mach.mem[t][idx] : 0;

    int rc = pt_update_entry(&mach.env, d, pg, t, idx, e, ad);
    snprintf(what, sizeof(what), "d%u update(mfn %#lx L%u [%u] = %#lx%s, owner %#x) = %d", d,
             (unsigned long)t, level, idx, (unsigned long)e, ad ? " preserve_ad" : "", pg, rc);
    check_refusal(rc, update_errs);
    if (!in_machine(t) || idx >= PT_ENTRIES) {
        CHECK(rc == -XEN_EINVAL, "update outside the machine accepted");
        return;
    }
    uint64_t after = mach.mem[t][idx];
    if (rc) {
        CHECK(after == before, "refused update changed the entry %#lx -> %#lx",
              (unsigned long)before, (unsigned long)after);
        return;
    }
    CHECK(mach.frames[t].owner == d, "update of a frame d%u does not own", d);
    CHECK(pg == d || !was_live || level == 1, "L%u table updated naming owner %#x", level, pg);
    uint64_t want = was_live ? pt_adjust_entry(level, e) | (ad ? before & AD : 0) : e;
    /* An I/O frame newly mapped by an L1 is stored uncacheable (pt_io_cache_flip). */
    bool io = was_live && level == 1 && (e & PT_PRESENT) && pt_frame_is_io(&mach.env,
                                                                          pt_entry_mfn(e));
    CHECK(after == want || (io && after == (want ^ pt_io_cache_flip(e))),
          "stored %#lx, expected %#lx", (unsigned long)after, (unsigned long)want);
}

static void op_pin(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint64_t f = pick_frame(in);
    unsigned int level = pick_level(in);
    bool was_pinned = in_machine(f) && (mach.frames[f].type_info & PGT_pinned);

    int rc = pt_pin(&mach.env, d, f, level);
    snprintf(what, sizeof(what), "d%u pin(mfn %#lx, L%u) = %d", d, (unsigned long)f, level, rc);
    check_refusal(rc, pin_errs);
    if (rc == 0) {
        uint32_t t = mach.frames[f].type_info;
        CHECK(!was_pinned, "pinned twice");
        CHECK((t & PGT_pinned) && pt_type_level(t) == level && live(f),
              "pin succeeded but type_info is %#x", t);
    } else if (in_machine(f)) {
        CHECK(was_pinned == !!(mach.frames[f].type_info & PGT_pinned),
              "refused pin changed the pin bit");
    }
}

static void op_unpin(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint64_t f = pick_frame(in);
    bool was_pinned = in_machine(f) && (mach.frames[f].type_info & PGT_pinned);
    bool mine = in_machine(f) && mach.frames[f].owner == d;

    int rc = pt_unpin(&mach.env, d, f);
    snprintf(what, sizeof(what), "d%u unpin(mfn %#lx) = %d", d, (unsigned long)f, rc);
    check_refusal(rc, unpin_errs);
    CHECK((rc == 0) == (was_pinned && mine), "unpin result does not match pinned %d, own %d",
          was_pinned, mine);
    if (rc == 0)
        CHECK(!(mach.frames[f].type_info & PGT_pinned), "unpinned frame still pinned");
}

static void op_root(struct input *in)
{
    uint8_t b = u8(in);
    uint16_t d = (b & 1) ? M_DOM_B : M_DOM_A;
    unsigned int which = (b >> 1) % M_ROOTS;
    uint64_t old = mach.roots[d][which];
    uint64_t new = pick_frame(in);              /* frame 0 is PT_ROOT_NONE */

    int rc = pt_switch_root(&mach.env, d, old, new);
    snprintf(what, sizeof(what), "d%u switch_root[%u](%#lx -> %#lx) = %d", d, which,
             (unsigned long)old, (unsigned long)new, rc);
    check_refusal(rc, pin_errs);
    if (rc)
        return;
    mach.roots[d][which] = new;
    if (new != PT_ROOT_NONE)
        CHECK(in_machine(new) && mach.frames[new].owner == d && live(new) &&
              pt_type_level(mach.frames[new].type_info) == 4, "new root is not a live L4");
}

/* Take a general (and maybe a type) reference, check it took, give it back. */
static void op_getput(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint64_t f = pick_frame(in);
    uint8_t b = u8(in);
    uint32_t type = (uint32_t)(b & 7) << 28;
    bool with_type = b & 8;
    struct counts before;

    snapshot(&before);
    int rc = pt_get_page(&mach.env, f, d);
    snprintf(what, sizeof(what), "d%u get_page(mfn %#lx) = %d", d, (unsigned long)f, rc);
    CHECK(rc == 0 || rc == -XEN_EINVAL, "get_page error outside its contract");
    if (rc) {
        same_counts(&before, "refused get_page");
        return;
    }
    CHECK(in_machine(f) && mach.frames[f].owner == d, "get_page on a frame not d%u's", d);
    CHECK(mach.frames[f].count_info == before.general[f] + 1, "get_page did not count");
    if (with_type) {
        uint32_t tc = before.tcount[f] & PGT_count_mask;
        int trc = pt_get_page_type(&mach.env, f, type, d);

        snprintf(what, sizeof(what), "d%u get_page + get_page_type(mfn %#lx, %#x) = %d", d,
                 (unsigned long)f, type, trc);
        CHECK(trc == 0 || trc == -XEN_EINVAL || trc == -XEN_EBUSY || trc == -XEN_EPERM ||
              trc == -XEN_EACCES, "get_page_type error outside its contract");
        if (trc == 0) {
            uint32_t t = mach.frames[f].type_info;
            CHECK((t & PGT_type_mask) == type && (t & PGT_count_mask) == tc + 1 &&
                  (t & PGT_validated), "get_page_type left type_info %#x", t);
            pt_put_page_type(&mach.env, f);
        } else {
            CHECK((mach.frames[f].type_info & PGT_count_mask) == tc,
                  "refused get_page_type changed the type count");
        }
    }
    pt_put_page(&mach.env, f);
    same_counts(&before, "get/put pair");
}

/* The allocator moves a frame nobody references to another owner (or frees it). */
static void op_give(struct input *in)
{
    uint64_t f = u8(in) % M_FRAMES;
    uint8_t b = u8(in);
    static const uint16_t owners[] = { M_DOM_A, M_DOM_B, OWNER_FREE };
    uint16_t to = owners[(b & 0x7f) % 3];

    snprintf(what, sizeof(what), "give mfn %lu (owner %#x) to %#x", (unsigned long)f,
             mach.frames[f].owner, to);
    uint16_t from = mach.frames[f].owner;
    if ((from != M_DOM_A && from != M_DOM_B && from != OWNER_FREE) ||
        (mach.frames[f].flags & PGF_SHARED_INFO) ||
        !pt_frame_is_free_to_release(&mach.env, f))
        return;
    CHECK(mach.frames[f].count_info == 0 && !(mach.frames[f].type_info & PGT_count_mask),
          "free_to_release on a referenced frame");
    mach.frames[f].owner = to;
    if (b & 0x80)
        mach.frames[f].type_info = 0;       /* an allocator that forgets the old type */
}

/* The domain builder's adoption of a tree it wrote (a pin of the L4 that must be untyped). */
static void op_adopt(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint64_t f = pick_frame(in);
    bool typed = in_machine(f) && (mach.frames[f].type_info & PGT_count_mask);

    int rc = pt_adopt_l4(&mach.env, d, f);
    snprintf(what, sizeof(what), "d%u adopt_l4(mfn %#lx) = %d", d, (unsigned long)f, rc);
    check_refusal(rc, pin_errs);
    if (typed)
        CHECK(rc == -XEN_EINVAL, "adopted an L4 that already had a type");
    if (rc == 0)
        CHECK((mach.frames[f].type_info & PGT_pinned) && live(f) &&
              pt_type_level(mach.frames[f].type_info) == 4, "adopted L4 is not a pinned live L4");
}

/* The walk reads what the tables say, level by level, and stops where they do. */
static void op_walk(struct input *in)
{
    uint64_t root = pick_frame(in), va = un(in, 8);
    struct pt_walk w;

    bool reached = pt_walk(&mach.env, root, va, &w);
    snprintf(what, sizeof(what), "walk(root %#lx, va %#lx) = %d, level %u", (unsigned long)root,
             (unsigned long)va, reached, w.level);
    CHECK(w.level >= 1 && w.level <= 5, "walk level %u", w.level);
    CHECK(reached == (w.level == 1), "walk reached the L1 entry but says level %u", w.level);
    CHECK(w.level < 5 || !in_machine(root), "a root in the machine was not read");
    for (unsigned int n = 4; n >= w.level && n >= 1; n--) {
        uint64_t t = n == 4 ? root : pt_entry_mfn(w.entry[n + 1]);

        CHECK(w.table[n] == t && in_machine(t), "level %u table %#lx", n,
              (unsigned long)w.table[n]);
        CHECK(w.index[n] == ((va >> (3 + 9 * n)) & 511), "level %u index %u", n, w.index[n]);
        CHECK(w.entry[n] == mach.mem[t][w.index[n]], "level %u entry differs", n);
        if (n > w.level)
            CHECK((w.entry[n] & PT_PRESENT) && !(w.entry[n] & PT_PSE),
                  "walked through a level-%u entry %#lx", n, (unsigned long)w.entry[n]);
    }
}

/* The grant table's host mappings: a grant entry in, out, or another entry taken. */
static void op_grant(struct input *in)
{
    uint16_t d = pick_domain(in);
    uint8_t mode = u8(in);
    uint64_t t = pick_frame(in), f = pick_frame(in), old = 0;
    unsigned int idx = pick_index(in);
    uint64_t g = ((f << 12) & PT_ADDR_MASK) | PT_PRESENT | PT_USER | PT_ACCESSED | PT_DIRTY |
                 PT_NX | PT_GNTTAB | ((mode & 8) ? 0 : PT_RW);
    bool l1_in_use = in_machine(t) && live(t) && pt_type_level(mach.frames[t].type_info) == 1 &&
                     mach.frames[t].owner == d;
    uint64_t before = l1_in_use && idx < PT_ENTRIES ? mach.mem[t][idx] : 0;
    struct counts c;
    int rc;

    snapshot(&c);
    switch (mode % 3) {
    case 0:
        rc = pt_grant_map(&mach.env, d, t, idx, g);
        snprintf(what, sizeof(what), "d%u grant_map(mfn %#lx [%u] = %#lx) = %d", d,
                 (unsigned long)t, idx, (unsigned long)g, rc);
        CHECK(rc == 0 || rc == -XEN_EINVAL, "grant_map error %d", rc);
        CHECK(!rc || !l1_in_use || idx >= PT_ENTRIES || mach.mem[t][idx] == before,
              "refused grant_map changed the entry");
        if (rc == 0) {
            CHECK(l1_in_use && !(before & PT_PRESENT && before & PT_GNTTAB) &&
                  mach.mem[t][idx] == g, "grant_map stored %#lx", (unsigned long)mach.mem[t][idx]);
            CHECK(!in_machine(f) || f == pt_entry_mfn(before) ||
                  mach.frames[f].count_info == c.general[f], "grant_map counted the frame");
        }
        break;
    case 1:
        rc = pt_grant_unmap(&mach.env, d, t, idx, f, 0);
        snprintf(what, sizeof(what), "d%u grant_unmap(mfn %#lx [%u], frame %#lx) = %d", d,
                 (unsigned long)t, idx, (unsigned long)f, rc);
        CHECK(rc == 0 || rc == -XEN_EINVAL, "grant_unmap error %d", rc);
        if (rc == 0) {
            CHECK(l1_in_use && (before & PT_GNTTAB) && pt_entry_mfn(before) == f &&
                  mach.mem[t][idx] == 0, "grant_unmap of a slot without that grant");
            same_counts(&c, "grant_unmap");
        }
        break;
    default:
        rc = pt_take_entry(&mach.env, d, t, idx, &old);
        snprintf(what, sizeof(what), "d%u take_entry(mfn %#lx [%u]) = %d", d, (unsigned long)t,
                 idx, rc);
        CHECK(rc == 0 || rc == -XEN_EINVAL, "take_entry error %d", rc);
        if (rc == 0) {
            CHECK(l1_in_use && old == before && !(old & PT_PRESENT && old & PT_GNTTAB) &&
                  mach.mem[t][idx] == 0, "take_entry took %#lx", (unsigned long)old);
            same_counts(&c, "take_entry");
            pt_entry_put_refs(&mach.env, 1, t, old);    /* the taker drops what it holds */
        }
        break;
    }
    if (rc)
        same_counts(&c, "refused grant operation");
}

/* Drop every root and pin; with no holder left, every count must be 0. */
static void teardown(void)
{
    snprintf(what, sizeof(what), "teardown");
    for (uint16_t d = M_DOM_A; d <= M_DOM_B; d++)
        for (unsigned int r = 0; r < M_ROOTS; r++) {
            CHECK(pt_switch_root(&mach.env, d, mach.roots[d][r], PT_ROOT_NONE) == 0,
                  "dropping a root failed");
            mach.roots[d][r] = PT_ROOT_NONE;
        }
    for (uint64_t f = 0; f < M_FRAMES; f++)
        if (mach.frames[f].type_info & PGT_pinned)
            CHECK(pt_unpin(&mach.env, mach.frames[f].owner, f) == 0, "unpin of mfn %lu failed",
                  (unsigned long)f);
    invariants();
    for (uint64_t f = 0; f < M_FRAMES; f++)
        CHECK(pt_frame_is_free_to_release(&mach.env, f),
              "mfn %lu still held after teardown: general %lu, type_info %#x", (unsigned long)f,
              (unsigned long)mach.frames[f].count_info, mach.frames[f].type_info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    static void (*const ops[])(struct input *) = {
        op_update, op_update, op_update, op_pin, op_unpin, op_root, op_getput, op_give,
        op_adopt, op_walk, op_grant,
    };

    static int trace = -1;

    if (trace < 0)
        trace = getenv("PT_FUZZ_TRACE") != NULL;    /* print each operation (reproducing) */
    machine_init(&mach);
    uint8_t perms = u8(&in);
    mach.iomem_ok = perms & 1;
    mach.cache_ok = perms & 2;
    mach.privileged[M_DOM_A] = perms & 4;
    mach.privileged[M_DOM_B] = perms & 8;
    mach.m2p_ok = perms & 16;

    for (unsigned int n = 0; in.left && n < NR_OPS_MAX; n++) {
        uint8_t op = u8(&in);

        mach.last_why = NULL;
        ops[op % (sizeof(ops) / sizeof(ops[0]))](&in);
        if (trace)
            fprintf(stderr, "%s\n", what);
        invariants();
    }
    teardown();
    return 0;
}
