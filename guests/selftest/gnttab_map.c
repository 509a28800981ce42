/*
 * GNTTAB, continued: device mappings (GNTMAP_device_map) beside host
 * mappings, and GNTTABOP_unmap_and_replace.  Same set-up as gnttab.c: we
 * grant our own frames to ourselves (domid 0); the window page `win` has
 * no mapping of its own.
 *
 * Xen keeps four pin counts per grant (host/device x read/write): each part
 * of a mapping is undone on its own (host part when the unmap names a
 * host_addr, device part when it names a dev_bus_addr), GTF_writing stays
 * while any writable part does, GTF_reading while any part does.
 */
#include "gnttab.h"

#define GTF_RW (GTF_permit_access | GTF_reading | GTF_writing)
#define NR_DEVR 129             /* one more read-only device map than a pin counter takes */

static long unmap_dev(uint64_t va, uint64_t bus, grant_handle_t handle,
                      struct gnttab_unmap_grant_ref *u)
{
    *u = (struct gnttab_unmap_grant_ref){ .host_addr = va, .dev_bus_addr = bus,
                                          .handle = handle, .status = 99 };
    return gop(GNTTABOP_unmap_grant_ref, u, 1);
}

/* A load through va faults with #PF. */
static int unmapped(const void *va)
{
    uint64_t v;

    return OS_EXINFO_VEC(pt_try_load((const uint64_t *)va, &v)) == 14;
}

static int reads(const void *va, uint64_t want)
{
    uint64_t v = 0;

    return pt_try_load((const uint64_t *)va, &v) == 0 && v == want;
}

/* A device-only mapping: no PTE, dev_bus_addr, and its own unmap rules. */
static void device_only(void)
{
    uint64_t va = (uint64_t)win, bus = pt_mfn(src) << OS_PAGE_SHIFT;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    grant(REF_DEV, GTF_permit_access, 0, pt_mfn(src));
    rc = map(va, GNTMAP_device_map, REF_DEV, 0, &m);
    t_check("GNTTAB0069", "a device-only map is okay and gives the frame's machine address",
            rc == 0 && m.status == GNTST_okay && m.dev_bus_addr == bus,
            "(rc=%ld status=%d bus=%#lx)", rc, m.status, (unsigned long)m.dev_bus_addr);
    if (rc || m.status)
        return;
    t_check("GNTTAB0070", "a device-only map writes no PTE; the entry is reading|writing",
            unmapped(win) && gtab[REF_DEV].flags == GTF_RW, "(flags=%#x)",
            gtab[REF_DEV].flags);
    rc = unmap_dev(va, 0, m.handle, &u);
    t_check("GNTTAB0071", "unmap naming only a host_addr leaves a device-only map (okay)",
            rc == 0 && u.status == GNTST_okay && gtab[REF_DEV].flags == GTF_RW,
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    rc = unmap_dev(0, bus + OS_PAGE_SIZE, m.handle, &u);
    t_status("GNTTAB0072", "unmap with another dev_bus_addr gives GNTST_bad_dev_addr",
             rc, u.status, GNTST_bad_dev_addr);
    rc = unmap_dev(0, bus, m.handle, &u);
    t_check("GNTTAB0073", "unmap with the dev_bus_addr undoes it; the entry's flags clear",
            rc == 0 && u.status == GNTST_okay && gtab[REF_DEV].flags == GTF_permit_access,
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    rc = unmap_dev(0, bus, m.handle, &u);
    t_status("GNTTAB0074", "the handle is free after that: GNTST_bad_handle",
             rc, u.status, GNTST_bad_handle);
}

/* host_map|device_map: undo the host part first, then the device part. */
static void both_host_first(void)
{
    uint64_t va = (uint64_t)win, bus = pt_mfn(src) << OS_PAGE_SHIFT;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    src[0] = 0x5eedf00d;
    rc = map(va, GNTMAP_host_map | GNTMAP_device_map, REF_DEV, 0, &m);
    t_check("GNTTAB0075", "a host+device map is okay: host_addr reads the frame",
            rc == 0 && m.status == GNTST_okay && m.dev_bus_addr == bus && reads(win, 0x5eedf00d),
            "(rc=%ld status=%d)", rc, m.status);
    if (rc || m.status)
        return;
    rc = unmap_dev(0, 0, m.handle, &u);
    t_check("GNTTAB0076", "unmap naming neither address is okay and undoes nothing",
            rc == 0 && u.status == GNTST_okay && reads(win, 0x5eedf00d) &&
            gtab[REF_DEV].flags == GTF_RW, "(rc=%ld status=%d flags=%#x)", rc, u.status,
            gtab[REF_DEV].flags);
    rc = unmap_dev(va, 0, m.handle, &u);
    t_check("GNTTAB0077", "unmapping the host part leaves the device part pinned (reading|writing)",
            rc == 0 && u.status == GNTST_okay && unmapped(win) && gtab[REF_DEV].flags == GTF_RW,
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    rc = unmap_dev(va, 0, m.handle, &u);
    t_check("GNTTAB0078", "the host part cannot be undone twice: okay, nothing changes",
            rc == 0 && u.status == GNTST_okay && gtab[REF_DEV].flags == GTF_RW,
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    rc = unmap_dev(va, bus, m.handle, &u);
    t_check("GNTTAB0079", "then the device part: okay, the entry's flags clear",
            rc == 0 && u.status == GNTST_okay && gtab[REF_DEV].flags == GTF_permit_access,
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
}

/* host_map|device_map: undo the device part first; the host mapping still works. */
static void both_device_first(void)
{
    uint64_t va = (uint64_t)win, bus = pt_mfn(src) << OS_PAGE_SHIFT;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    rc = map(va, GNTMAP_host_map | GNTMAP_device_map, REF_DEV, 0, &m);
    if (rc || m.status) {
        t_check("GNTTAB0080", "unmapping the device part first leaves the host mapping", 0,
                "(map rc=%ld status=%d)", rc, m.status);
        return;
    }
    rc = unmap_dev(0, bus, m.handle, &u);
    t_check("GNTTAB0080", "unmapping the device part first leaves the host mapping",
            rc == 0 && u.status == GNTST_okay && reads(win, 0x5eedf00d) &&
            gtab[REF_DEV].flags == GTF_RW, "(rc=%ld status=%d flags=%#x)", rc, u.status,
            gtab[REF_DEV].flags);
    rc = unmap_dev(va, bus, m.handle, &u);
    t_check("GNTTAB0081", "unmap naming both then undoes the host part: okay, flags clear",
            rc == 0 && u.status == GNTST_okay && unmapped(win) &&
            gtab[REF_DEV].flags == GTF_permit_access, "(rc=%ld status=%d flags=%#x)", rc,
            u.status, gtab[REF_DEV].flags);
}

/* A read-only device map and a writable host map of one grant. */
static void mixed(void)
{
    uint64_t va = (uint64_t)win, bus = pt_mfn(src) << OS_PAGE_SHIFT;
    struct gnttab_map_grant_ref d, h;
    struct gnttab_unmap_grant_ref u;
    long rc, rc2;

    rc = map(0, GNTMAP_device_map | GNTMAP_readonly, REF_DEV, 0, &d);
    rc2 = map(va, GNTMAP_host_map, REF_DEV, 0, &h);
    t_check("GNTTAB0082", "a read-only device map and a writable host map: reading|writing",
            rc == 0 && rc2 == 0 && d.status == GNTST_okay && h.status == GNTST_okay &&
            gtab[REF_DEV].flags == GTF_RW, "(rc=%ld,%ld status=%d,%d flags=%#x)", rc, rc2,
            d.status, h.status, gtab[REF_DEV].flags);
    if (rc2 == 0 && h.status == GNTST_okay) {
        rc = unmap_dev(va, 0, h.handle, &u);
        t_check("GNTTAB0083", "unmapping the writable host map leaves GTF_reading only",
                rc == 0 && u.status == GNTST_okay &&
                gtab[REF_DEV].flags == (GTF_permit_access | GTF_reading),
                "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    }
    if (d.status == GNTST_okay) {
        rc = unmap_dev(0, bus, d.handle, &u);
        t_check("GNTTAB0084", "unmapping the read-only device map clears GTF_reading",
                rc == 0 && u.status == GNTST_okay && gtab[REF_DEV].flags == GTF_permit_access,
                "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_DEV].flags);
    }
}

/* Xen's pin counters are 8 bits: 128 uses of one kind, then refusal. */
static void counter_limit(void)
{
    uint64_t bus = pt_mfn(src) << OS_PAGE_SHIFT;
    static grant_handle_t handles[NR_DEVR];
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    unsigned int i, ok = 0, undone = 0;
    int last = 99;

    for (i = 0; i < NR_DEVR; i++) {
        long rc = map(0, GNTMAP_device_map | GNTMAP_readonly, REF_DEV, 0, &m);
        last = rc ? (int)rc : m.status;
        if (rc || m.status)
            break;
        handles[ok++] = m.handle;
    }
    t_check("GNTTAB0085", "128 read-only device maps of one grant; the 129th: general_error",
            ok == 128 && last == GNTST_general_error, "(ok=%u last=%d)", ok, last);
    for (i = 0; i < ok; i++)
        if (unmap_dev(0, bus, handles[i], &u) == 0 && u.status == GNTST_okay)
            undone++;
    t_check("GNTTAB0086", "unmapping all of them clears GTF_reading",
            undone == ok && gtab[REF_DEV].flags == GTF_permit_access,
            "(undone=%u of %u flags=%#x)", undone, ok, gtab[REF_DEV].flags);
}

void gnttab_device_maps(void)
{
    grant(REF_BAD, GTF_permit_access, 0, PT_MFN_HUGE);
    map_refused("GNTTAB0087", "map of an entry naming a frame no machine has: GNTST_bad_page",
                0, GNTMAP_device_map, REF_BAD, 0, GNTST_bad_page);
    t_check("GNTTAB0088", "the refused map left that entry's flags as they were",
            gtab[REF_BAD].flags == GTF_permit_access, "(flags=%#x)", gtab[REF_BAD].flags);
    device_only();
    both_host_first();
    both_device_first();
    mixed();
    counter_limit();
}

static long replace(uint64_t va, uint64_t new_va, grant_handle_t handle,
                    struct gnttab_unmap_and_replace *r)
{
    *r = (struct gnttab_unmap_and_replace){ .host_addr = va, .new_addr = new_va,
                                            .handle = handle, .status = 99 };
    return gop(GNTTABOP_unmap_and_replace, r, 1);
}

/* Map REF_REPL (src, writable) at the window; the handle or -1. */
static long map_win(void)
{
    struct gnttab_map_grant_ref m;
    long rc = map((uint64_t)win, GNTMAP_host_map, REF_REPL, 0, &m);

    return rc || m.status ? -1 : (long)m.handle;
}

/*
 * XENFEAT_gnttab_map_avail_bits: a host mapping's flags from bit 16
 * (_GNTMAP_guest_avail0) up land in the PTE's available bits 9-11; Linux
 * marks its grant mappings this way (and panics without the feature).
 */
static void avail_bits(void)
{
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    uint64_t va = (uint64_t)win, pte = 0;
    long rc;

    grant(REF_REPL, GTF_permit_access, 0, pt_mfn(src));
    rc = map(va, GNTMAP_host_map | (5u << _GNTMAP_guest_avail0), REF_REPL, 0, &m);
    if (rc == 0 && m.status == GNTST_okay)
        pte = *os_l1e_of(va);
    t_check("GNTTAB0150", "guest_avail flags 0b101 are the grant PTE's bits 9-11",
            rc == 0 && m.status == GNTST_okay && (pte & 0xe00) == (5u << 9) &&
            reads(win, src[0]), "(rc=%ld status=%d pte=%#lx)", rc, m.status,
            (unsigned long)pte);
    if (rc == 0 && m.status == GNTST_okay)
        unmap(va, m.handle, &u);
    rc = map(va, GNTMAP_host_map | GNTMAP_readonly | (0x1fu << _GNTMAP_guest_avail0),
             REF_REPL, 0, &m);
    pte = rc == 0 && m.status == GNTST_okay ? *os_l1e_of(va) : 0;
    t_check("GNTTAB0151", "flags beyond the three bits are dropped; a read-only map stays so",
            rc == 0 && m.status == GNTST_okay && (pte & 0xe00) == 0xe00 && !(pte & 2),
            "(rc=%ld status=%d pte=%#lx)", rc, m.status, (unsigned long)pte);
    if (rc == 0 && m.status == GNTST_okay)
        unmap(va, m.handle, &u);
}

/*
 * unmap_and_replace: the grant PTE at host_addr is replaced by the PTE at
 * new_addr, which is cleared. `dst` serves as new_addr (its own mapping
 * is restored after each case).
 */
void gnttab_replace(void)
{
    uint64_t va = (uint64_t)win;
    struct gnttab_unmap_and_replace r;
    struct gnttab_unmap_grant_ref u;
    long h, rc;

    src[0] = 0x5eedf00d;
    dst[0] = 0xd57d57;
    grant(REF_REPL, GTF_permit_access, 0, pt_mfn(src));
    h = map_win();
    rc = replace(va, (uint64_t)dst, (grant_handle_t)h, &r);
    t_status("GNTTAB0089", "unmap_and_replace of a host mapping is okay", rc, r.status,
             GNTST_okay);
    t_check("GNTTAB0090", "host_addr now maps new_addr's frame; new_addr is unmapped",
            reads(win, 0xd57d57) && unmapped(dst), "(pte=%#lx)",
            (unsigned long)*os_l1e_of(va));
    t_check("GNTTAB0091", "the grant is released (flags clear) and the handle is free",
            gtab[REF_REPL].flags == GTF_permit_access &&
            replace(va, 0, (grant_handle_t)h, &r) == 0 && r.status == GNTST_bad_handle,
            "(flags=%#x status=%d)", gtab[REF_REPL].flags, r.status);
    HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG);
    pt_set_rw(dst);

    h = map_win();
    rc = replace(va, T_UNMAPPED_VA, (grant_handle_t)h, &r);
    t_check("GNTTAB0092", "new_addr without an L1 table: general_error, the mapping stays",
            rc == 0 && r.status == GNTST_general_error && reads(win, 0x5eedf00d),
            "(rc=%ld status=%d)", rc, r.status);
    rc = replace(0, (uint64_t)dst, (grant_handle_t)h, &r);
    t_check("GNTTAB0093", "host_addr 0: okay, nothing is undone or moved",
            rc == 0 && r.status == GNTST_okay && reads(win, 0x5eedf00d) && reads(dst, 0xd57d57),
            "(rc=%ld status=%d)", rc, r.status);
    rc = replace((uint64_t)gtab, (uint64_t)dst, (grant_handle_t)h, &r);
    t_check("GNTTAB0094",
            "a host_addr that is not the mapping's: general_error, yet new_addr is cleared",
            rc == 0 && r.status == GNTST_general_error && unmapped(dst) &&
            reads(win, 0x5eedf00d),
            "(rc=%ld status=%d)", rc, r.status);
    pt_set_rw(dst);
    rc = replace(va, 0, (grant_handle_t)h, &r);
    t_check("GNTTAB0095", "new_addr 0 is a plain unmap: okay, host_addr unmapped, flags clear",
            rc == 0 && r.status == GNTST_okay && unmapped(win) &&
            gtab[REF_REPL].flags == GTF_permit_access, "(rc=%ld status=%d flags=%#x)", rc,
            r.status, gtab[REF_REPL].flags);

    h = map_win();
    rc = unmap(va, (grant_handle_t)h, &u);
    t_check("GNTTAB0096", "after these the grant maps and unmaps as before",
            h >= 0 && rc == 0 && u.status == GNTST_okay, "(h=%ld rc=%ld status=%d)", h, rc,
            u.status);
    rc = replace(va, (uint64_t)dst, 0xffffffffu, &r);
    t_status("GNTTAB0097", "unmap_and_replace of a handle never issued: GNTST_bad_handle",
             rc, r.status, GNTST_bad_handle);
    t_rc("GNTTAB0098", "unmap_and_replace from an unmapped array gives -EFAULT",
         gop(GNTTABOP_unmap_and_replace, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
    avail_bits();
}

static long swap(grant_ref_t a, grant_ref_t b, struct gnttab_swap_grant_ref *w)
{
    *w = (struct gnttab_swap_grant_ref){ .ref_a = a, .ref_b = b, .status = 99 };
    return gop(GNTTABOP_swap_grant_ref, w, 1);
}

/* swap_grant_ref: two entries of our own table change places, unless one is in use. */
void gnttab_swap(void)
{
    struct gnttab_swap_grant_ref w;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    grant(REF_REPL, GTF_permit_access, 0, pt_mfn(src));
    grant(REF_DEV, GTF_permit_access | GTF_readonly, 5, pt_mfn(dst));
    rc = swap(REF_REPL, REF_DEV, &w);
    t_check("GNTTAB0126", "swap_grant_ref exchanges two entries",
            rc == 0 && w.status == GNTST_okay && gtab[REF_REPL].domid == 5 &&
            gtab[REF_REPL].frame == pt_mfn(dst) &&
            gtab[REF_REPL].flags == (GTF_permit_access | GTF_readonly) &&
            gtab[REF_DEV].frame == pt_mfn(src) && gtab[REF_DEV].domid == 0,
            "(rc=%ld status=%d)", rc, w.status);
    rc = swap(REF_DEV, REF_DEV, &w);
    t_check("GNTTAB0127", "swapping an entry with itself is okay and changes nothing",
            rc == 0 && w.status == GNTST_okay && gtab[REF_DEV].frame == pt_mfn(src),
            "(rc=%ld status=%d)", rc, w.status);
    rc = swap(REF_DEV, 0x7fffffff, &w);
    t_status("GNTTAB0128", "swapping with a ref beyond the table: GNTST_bad_gntref",
             rc, w.status, GNTST_bad_gntref);
    rc = map(0, GNTMAP_device_map | GNTMAP_readonly, REF_DEV, 0, &m);
    if (rc == 0 && m.status == GNTST_okay) {
        rc = swap(REF_REPL, REF_DEV, &w);
        t_check("GNTTAB0129", "swapping an entry in use (mapped): GNTST_eagain, nothing moves",
                rc == 0 && w.status == GNTST_eagain && gtab[REF_DEV].frame == pt_mfn(src),
                "(rc=%ld status=%d)", rc, w.status);
        unmap_dev(0, m.dev_bus_addr, m.handle, &u);
    } else {
        t_check("GNTTAB0129", "swapping an entry in use (mapped): GNTST_eagain, nothing moves",
                0, "(map rc=%ld status=%d)", rc, m.status);
    }
    t_rc("GNTTAB0130", "swap_grant_ref from an unmapped array gives -EFAULT",
         gop(GNTTABOP_swap_grant_ref, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
    t_rc("GNTTAB0131", "swap_grant_ref of an array reaching the hypervisor gives -EFAULT",
         gop(GNTTABOP_swap_grant_ref, (void *)(XEN_VA - 12), 2), -XEN_EFAULT);
    grant(REF_REPL, 0, 0, 0);
    grant(REF_DEV, 0, 0, 0);
}
