/*
 * GNTTAB: grant_table_op (20), version 1, within one domain.
 *
 * Dom0 is alone, so every grant here is made by us to ourselves (domid 0
 * in the entry) and used by us: mapped over an emptied pool page (the
 * "window"), or copied.  For a PV guest an entry's frame is an MFN.
 * Our table frame 0 is mapped writable at a second pool page while the
 * suite runs.  Refs below GNTTAB_NR_RESERVED_ENTRIES are left alone.
 */
#include "gnttab.h"

volatile struct grant_entry_v1 *gtab;           /* our table frame 0 */
static unsigned int nr_refs;                    /* entries in our table */
uint64_t *src, *dst, *win;                      /* pool pages */

long gop(unsigned int cmd, void *arg, unsigned int count)
{
    return os_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

void t_status(const char *id, const char *desc, long rc, int status, int want)
{
    t_check(id, desc, rc == 0 && status == want, "(rc=%ld status=%d)", rc, status);
}

void grant(grant_ref_t ref, uint16_t flags, domid_t dom, uint64_t mfn)
{
    gtab[ref].flags = 0;
    os_barrier();
    gtab[ref].domid = dom;
    gtab[ref].frame = (uint32_t)mfn;
    os_mb();
    gtab[ref].flags = flags;
}

static long query(domid_t dom, struct gnttab_query_size *q)
{
    *q = (struct gnttab_query_size){ .dom = dom, .status = 99 };
    return gop(GNTTABOP_query_size, q, 1);
}

static void query_size(void)
{
    struct gnttab_query_size q;
    long rc;

    rc = query(DOMID_SELF, &q);
    t_check("GNTTAB0001", "query_size of DOMID_SELF: okay, 1 <= nr_frames <= max",
            rc == 0 && q.status == GNTST_okay && q.nr_frames >= 1 &&
            q.max_nr_frames >= q.nr_frames, "(rc=%ld status=%d nr=%u max=%u)",
            rc, q.status, q.nr_frames, q.max_nr_frames);
    rc = query(0, &q);
    t_status("GNTTAB0002", "query_size naming domain 0 (ourselves) is okay",
             rc, q.status, GNTST_okay);
    rc = query(DOMID_ABSENT, &q);
    t_status("GNTTAB0003", "query_size of an absent domain gives GNTST_bad_domain",
             rc, q.status, GNTST_bad_domain);
    t_rc("GNTTAB0004", "query_size with count 2 gives -EINVAL",
         gop(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
    t_rc("GNTTAB0005", "query_size from an unmapped argument gives -EFAULT",
         gop(GNTTABOP_query_size, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
}

static long setup(domid_t dom, uint32_t nr, void *list, struct gnttab_setup_table *s)
{
    *s = (struct gnttab_setup_table){ .dom = dom, .nr_frames = nr, .status = 99 };
    s->frame_list.p = list;
    return gop(GNTTABOP_setup_table, s, 1);
}

/* setup_table; maps frame 0 of our table at page.  0 when mapped. */
static int setup_table(void *page)
{
    struct gnttab_setup_table s;
    struct gnttab_query_size q;
    xen_pfn_t frames[2] = { 0, 0 };
    long rc, map_rc;
    uint64_t ex;

    rc = setup(DOMID_SELF, 1, frames, &s);
    t_check("GNTTAB0006", "setup_table of 1 frame: okay and a frame number",
            rc == 0 && s.status == GNTST_okay && frames[0] != 0 && frames[1] == 0,
            "(rc=%ld status=%d frame=%#lx)", rc, s.status, (unsigned long)frames[0]);
    if (rc || s.status)
        return -1;
    map_rc = HYPERVISOR_update_va_mapping((uint64_t)page,
                                          (frames[0] << OS_PAGE_SHIFT) | PT_RW,
                                          UVMF_INVLPG);
    t_rc("GNTTAB0007", "the table frame can be mapped writable by its domain",
         map_rc, 0);
    if (map_rc)
        return -1;
    gtab = page;
    ex = pt_try_store((volatile uint64_t *)&gtab[REF_RW], 0x1234ull << 16);
    t_check("GNTTAB0008", "a store to the mapped table frame works and reads back",
            ex == 0 && gtab[REF_RW].domid == 0x1234, "(exinfo=%#lx)", (unsigned long)ex);
    gtab[REF_RW].domid = 0;

    rc = setup(DOMID_SELF, 2, frames, &s);
    rc = query(DOMID_SELF, &q) ?: rc;
    t_check("GNTTAB0009", "setup_table of 2 frames grows the table to 2",
            rc == 0 && s.status == GNTST_okay && q.status == GNTST_okay &&
            q.nr_frames >= 2 && frames[1] != 0 && frames[1] != frames[0],
            "(rc=%ld status=%d nr=%u)", rc, s.status, q.nr_frames);
    nr_refs = (rc == 0 ? q.nr_frames : 1) * (OS_PAGE_SIZE / sizeof(grant_entry_v1_t));

    rc = setup(DOMID_SELF, q.max_nr_frames + 1, frames, &s);
    t_status("GNTTAB0010", "setup_table beyond max_nr_frames gives GNTST_general_error",
             rc, s.status, GNTST_general_error);
    rc = setup(DOMID_ABSENT, 1, frames, &s);
    t_status("GNTTAB0011", "setup_table of an absent domain gives GNTST_bad_domain",
             rc, s.status, GNTST_bad_domain);
    rc = setup(DOMID_SELF, 1, (void *)T_UNMAPPED_VA, &s);
    t_status("GNTTAB0012", "setup_table into an unmapped frame_list: GNTST_bad_virt_addr",
             rc, s.status, GNTST_bad_virt_addr);
    t_rc("GNTTAB0013", "setup_table with frame_list in the hypervisor gives -EFAULT",
         setup(DOMID_SELF, 1, (void *)XEN_VA, &s), -XEN_EFAULT);
    t_rc("GNTTAB0014", "setup_table with count 2 gives -EINVAL",
         gop(GNTTABOP_setup_table, &s, 2), -XEN_EINVAL);
    return 0;
}

static void version(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { .version = 1 };
    long rc;

    rc = gop(GNTTABOP_get_version, &gv, 1);
    t_check("GNTTAB0015", "get_version of DOMID_SELF is 1", rc == 0 && gv.version == 1,
            "(rc=%ld version=%u)", rc, gv.version);
    rc = gop(GNTTABOP_set_version, &sv, 1);
    t_check("GNTTAB0016", "set_version(1) on a v1 table returns 0, version 1",
            rc == 0 && sv.version == 1, "(rc=%ld version=%u)", rc, sv.version);
    sv.version = 3;
    rc = gop(GNTTABOP_set_version, &sv, 1);
    t_check("GNTTAB0017", "set_version(3) gives -EINVAL and reports version 1",
            rc == -XEN_EINVAL && sv.version == 1, "(rc=%ld version=%u)", rc, sv.version);
    sv.version = 0;
    t_rc("GNTTAB0018", "set_version(0) gives -EINVAL",
         gop(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    gv.dom = DOMID_ABSENT;
    t_rc("GNTTAB0019", "get_version of an absent domain gives -ESRCH",
         gop(GNTTABOP_get_version, &gv, 1), -XEN_ESRCH);
    t_rc("GNTTAB0020", "get_version from an unmapped argument gives -EFAULT",
         gop(GNTTABOP_get_version, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
}

long map(uint64_t va, uint32_t flags, grant_ref_t ref, domid_t dom,
         struct gnttab_map_grant_ref *m)
{
    *m = (struct gnttab_map_grant_ref){ .host_addr = va, .flags = flags, .ref = ref,
                                        .dom = dom, .status = 99 };
    return gop(GNTTABOP_map_grant_ref, m, 1);
}

long unmap(uint64_t va, grant_handle_t handle, struct gnttab_unmap_grant_ref *u)
{
    *u = (struct gnttab_unmap_grant_ref){ .host_addr = va, .handle = handle,
                                          .status = 99 };
    return gop(GNTTABOP_unmap_grant_ref, u, 1);
}

void map_refused(const char *id, const char *desc, uint64_t va, uint32_t flags,
                        grant_ref_t ref, domid_t dom, int want)
{
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc = map(va, flags, ref, dom, &m);

    t_status(id, desc, rc, m.status, want);
    if (rc == 0 && m.status == GNTST_okay)
        unmap(va, m.handle, &u);
}

static void map_rw(void)
{
    uint64_t va = (uint64_t)win, v = 0, ex, pte;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    src[0] = 0x5eedf00d;
    grant(REF_RW, GTF_permit_access, 0, pt_mfn(src));
    rc = map(va, GNTMAP_host_map, REF_RW, 0, &m);
    t_status("GNTTAB0021", "map_grant_ref of our own writable grant is okay",
             rc, m.status, GNTST_okay);
    if (rc || m.status)
        return;
    t_check("GNTTAB0022", "the map reports the frame's machine address in dev_bus_addr",
            m.dev_bus_addr == pt_mfn(src) << OS_PAGE_SHIFT, "(dev_bus_addr=%#lx)",
            (unsigned long)m.dev_bus_addr);
    ex = pt_try_load((uint64_t *)va, &v);
    t_check("GNTTAB0023", "the granted data reads through host_addr",
            ex == 0 && v == 0x5eedf00d, "(exinfo=%#lx v=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    ex = pt_try_store((uint64_t *)va + 1, 0xabcd);
    t_check("GNTTAB0024", "a store through the writable mapping reaches the frame",
            ex == 0 && src[1] == 0xabcd, "(exinfo=%#lx)", (unsigned long)ex);
    t_check("GNTTAB0025", "while mapped writable the entry has GTF_reading|GTF_writing",
            gtab[REF_RW].flags == (GTF_permit_access | GTF_reading | GTF_writing),
            "(flags=%#x)", gtab[REF_RW].flags);
    pte = *os_l1e_of(va);
    t_check("GNTTAB0061", "the host mapping's PTE: the granted frame, P|RW, NX",
            (pte & OS_PTE_ADDR) == pt_mfn(src) << OS_PAGE_SHIFT &&
            (pte & (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_NX)) ==
            (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_NX), "(pte=%#lx)", (unsigned long)pte);
    map_refused("GNTTAB0026",
                "a map at a VA without an L1 table gives GNTST_general_error",
                T_UNMAPPED_VA, GNTMAP_host_map, REF_RW, 0, GNTST_general_error);
    /* dst's VA maps another frame (src's own VA would match: same MFN). */
    rc = unmap((uint64_t)dst, m.handle, &u);
    t_status("GNTTAB0027", "unmap at a VA mapping another frame: general_error",
             rc, u.status, GNTST_general_error);
    rc = unmap(va, m.handle, &u);
    t_status("GNTTAB0028", "unmap_grant_ref of the mapping is okay", rc, u.status,
             GNTST_okay);
    t_check("GNTTAB0029", "after unmap the entry's GTF_reading/GTF_writing are clear",
            gtab[REF_RW].flags == GTF_permit_access, "(flags=%#x)", gtab[REF_RW].flags);
    ex = pt_try_load((uint64_t *)va, &v);
    t_check("GNTTAB0030", "after unmap host_addr is not mapped (#PF)",
            OS_EXINFO_VEC(ex) == 14, "(exinfo=%#lx)", (unsigned long)ex);
    rc = unmap(va, m.handle, &u);
    t_status("GNTTAB0031", "unmap of the same handle again gives GNTST_bad_handle",
             rc, u.status, GNTST_bad_handle);
}

static void map_ro(void)
{
    uint64_t va = (uint64_t)win, v = 0, ex;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    long rc;

    src[2] = 0xfeedface;
    grant(REF_RO, GTF_permit_access | GTF_readonly, 0, pt_mfn(src));
    map_refused("GNTTAB0032", "a writable map of a GTF_readonly grant is refused",
                va, GNTMAP_host_map, REF_RO, 0, GNTST_general_error);
    rc = map(va, GNTMAP_host_map | GNTMAP_readonly, REF_RO, 0, &m);
    t_status("GNTTAB0033", "a read-only map of a GTF_readonly grant is okay",
             rc, m.status, GNTST_okay);
    if (rc || m.status)
        return;
    ex = pt_try_load((uint64_t *)va + 2, &v);
    t_check("GNTTAB0034", "the read-only mapping reads the data, GTF_reading only",
            ex == 0 && v == 0xfeedface &&
            gtab[REF_RO].flags == (GTF_permit_access | GTF_readonly | GTF_reading),
            "(exinfo=%#lx v=%#lx flags=%#x)", (unsigned long)ex, (unsigned long)v,
            gtab[REF_RO].flags);
    ex = pt_try_store((uint64_t *)va, 1);
    t_check("GNTTAB0035", "a store through the read-only mapping raises #PF(P|W)",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3 && src[0] == 0x5eedf00d,
            "(exinfo=%#lx)", (unsigned long)ex);
    t_check("GNTTAB0062", "the read-only host mapping's PTE is present, not RW",
            (*os_l1e_of(va) & (OS_PTE_PRESENT | OS_PTE_RW)) == OS_PTE_PRESENT,
            "(pte=%#lx)", (unsigned long)*os_l1e_of(va));
    rc = unmap(va, m.handle, &u);
    t_check("GNTTAB0036", "unmap of the read-only mapping is okay, GTF_reading clear",
            rc == 0 && u.status == GNTST_okay &&
            gtab[REF_RO].flags == (GTF_permit_access | GTF_readonly),
            "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_RO].flags);
}

static void map_refusals(void)
{
    uint64_t va = (uint64_t)win;
    struct gnttab_map_grant_ref m = { .flags = GNTMAP_host_map };
    struct gnttab_unmap_grant_ref u;
    long rc;

    grant(REF_NONE, GTF_invalid, 0, pt_mfn(src));
    grant(REF_OTHER, GTF_permit_access, 5, pt_mfn(src));
    map_refused("GNTTAB0037", "map of an entry without GTF_permit_access is refused",
                va, GNTMAP_host_map, REF_NONE, 0, GNTST_general_error);
    map_refused("GNTTAB0038", "map of an entry granted to another domain is refused",
                va, GNTMAP_host_map, REF_OTHER, 0, GNTST_general_error);
    map_refused("GNTTAB0039", "map of a ref beyond the table gives GNTST_bad_gntref",
                va, GNTMAP_host_map, nr_refs, 0, GNTST_bad_gntref);
    map_refused("GNTTAB0040", "map naming DOMID_SELF gives GNTST_bad_domain",
                va, GNTMAP_host_map, REF_RW, DOMID_SELF, GNTST_bad_domain);
    map_refused("GNTTAB0041", "map naming an absent domain gives GNTST_bad_domain",
                va, GNTMAP_host_map, REF_RW, DOMID_ABSENT, GNTST_bad_domain);
    map_refused("GNTTAB0042", "map without host_map or device_map gives GNTST_bad_gntref",
                va, 0, REF_RW, 0, GNTST_bad_gntref);
    map_refused("GNTTAB0043", "map at a hypervisor VA gives GNTST_general_error",
                XEN_VA, GNTMAP_host_map, REF_RW, 0, GNTST_general_error);
    t_check("GNTTAB0044", "refused maps leave the entry's flags untouched",
            gtab[REF_RW].flags == GTF_permit_access && gtab[REF_NONE].flags == 0,
            "(flags=%#x)", gtab[REF_RW].flags);
    rc = unmap(va, 0xffffffffu, &u);
    t_status("GNTTAB0045", "unmap of a handle never issued gives GNTST_bad_handle",
             rc, u.status, GNTST_bad_handle);
    t_rc("GNTTAB0046", "map_grant_ref from an unmapped array gives -EFAULT",
         gop(GNTTABOP_map_grant_ref, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
    t_rc("GNTTAB0063", "map_grant_ref with a negative count gives -EINVAL",
         gop(GNTTABOP_map_grant_ref, &m, 0xffffffffu), -XEN_EINVAL);
}

/*
 * Two mappings of one grant, writable at the window and read-only at
 * dst's VA (emptied first, restored after): the entry keeps GTF_reading
 * until the last one goes.
 */
static void map_twice(void)
{
    struct gnttab_map_grant_ref w, r;
    struct gnttab_unmap_grant_ref u;
    long rc, rc2;

    grant(REF_RW, GTF_permit_access, 0, pt_mfn(src));
    HYPERVISOR_update_va_mapping((uint64_t)dst, 0, UVMF_INVLPG);
    rc = map((uint64_t)win, GNTMAP_host_map, REF_RW, 0, &w);
    rc2 = map((uint64_t)dst, GNTMAP_host_map | GNTMAP_readonly, REF_RW, 0, &r);
    t_check("GNTTAB0064", "a second, read-only mapping of a grant gets its own handle",
            rc == 0 && rc2 == 0 && w.status == GNTST_okay && r.status == GNTST_okay &&
            w.handle != r.handle, "(rc=%ld,%ld status=%d,%d)", rc, rc2, w.status,
            r.status);
    if (rc == 0 && w.status == GNTST_okay) {
        rc = unmap((uint64_t)win, w.handle, &u);
        t_check("GNTTAB0065", "unmapping the writable one clears only GTF_writing",
                rc == 0 && u.status == GNTST_okay &&
                gtab[REF_RW].flags == (GTF_permit_access | GTF_reading),
                "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_RW].flags);
    }
    if (rc2 == 0 && r.status == GNTST_okay) {
        rc = unmap((uint64_t)dst, r.handle, &u);
        t_check("GNTTAB0066", "unmapping the last mapping clears GTF_reading",
                rc == 0 && u.status == GNTST_okay &&
                gtab[REF_RW].flags == GTF_permit_access,
                "(rc=%ld status=%d flags=%#x)", rc, u.status, gtab[REF_RW].flags);
    }
    pt_set_rw(dst);
}

static long copy1(struct gnttab_copy *c)
{
    c->status = 99;
    return gop(GNTTABOP_copy, c, 1);
}

/* A copy op: source gref/gmfn s at soff to dest gref/gmfn d at doff. */
static struct gnttab_copy cop(uint16_t flags, uint64_t s, uint16_t soff,
                              uint64_t d, uint16_t doff, uint16_t len)
{
    struct gnttab_copy c = { .len = len, .flags = flags };

    c.source.domid = c.dest.domid = DOMID_SELF;
    c.source.offset = soff;
    c.dest.offset = doff;
    if (flags & GNTCOPY_source_gref)
        c.source.u.ref = (grant_ref_t)s;
    else
        c.source.u.gmfn = s;
    if (flags & GNTCOPY_dest_gref)
        c.dest.u.ref = (grant_ref_t)d;
    else
        c.dest.u.gmfn = d;
    return c;
}

static int bytes_equal(const void *a, const void *b, unsigned int n)
{
    const uint8_t *x = a, *y = b;

    while (n--)
        if (*x++ != *y++)
            return 0;
    return 1;
}

static void copy(void)
{
    uint64_t smfn = pt_mfn(src), dmfn = pt_mfn(dst);
    uint64_t l4 = pt_boot_l4_mfn();
    uint8_t *s8 = (uint8_t *)src, *d8 = (uint8_t *)dst;
    struct gnttab_copy c;
    unsigned int i;
    long rc;

    for (i = 0; i < OS_PAGE_SIZE; i++)
        s8[i] = (uint8_t)(i * 7 + 3);
    grant(REF_RO, GTF_permit_access | GTF_readonly, 0, smfn);
    grant(REF_DST, GTF_permit_access, 0, dmfn);

    c = cop(GNTCOPY_source_gref, REF_RO, 100, dmfn, 200, 64);
    rc = copy1(&c);
    t_check("GNTTAB0047", "copy from a granted ref to a local frame moves the bytes",
            rc == 0 && c.status == GNTST_okay && bytes_equal(d8 + 200, s8 + 100, 64) &&
            d8[199] == 0 && d8[264] == 0, "(rc=%ld status=%d)", rc, c.status);
    t_check("GNTTAB0048", "after the copy the source entry has no GTF_reading",
            gtab[REF_RO].flags == (GTF_permit_access | GTF_readonly),
            "(flags=%#x)", gtab[REF_RO].flags);
    c = cop(0, smfn, 0, dmfn, 1000, 4096 - 1000);
    rc = copy1(&c);
    t_check("GNTTAB0049", "copy between two local frames moves the bytes",
            rc == 0 && c.status == GNTST_okay && bytes_equal(d8 + 1000, s8, 3096),
            "(rc=%ld status=%d)", rc, c.status);
    c = cop(GNTCOPY_dest_gref, smfn, 8, REF_DST, 16, 8);
    rc = copy1(&c);
    t_check("GNTTAB0050", "copy from a local frame to a granted ref moves the bytes",
            rc == 0 && c.status == GNTST_okay && bytes_equal(d8 + 16, s8 + 8, 8) &&
            gtab[REF_DST].flags == GTF_permit_access,
            "(rc=%ld status=%d flags=%#x)", rc, c.status, gtab[REF_DST].flags);

    c = cop(GNTCOPY_source_gref, REF_RO, 4000, dmfn, 0, 200);
    rc = copy1(&c);
    t_status("GNTTAB0051", "copy crossing the end of the page gives GNTST_bad_copy_arg",
             rc, c.status, GNTST_bad_copy_arg);
    c = cop(GNTCOPY_source_gref, nr_refs + 5, 0, dmfn, 0, 8);
    rc = copy1(&c);
    t_status("GNTTAB0052", "copy from a ref beyond the table gives GNTST_bad_gntref",
             rc, c.status, GNTST_bad_gntref);
    c = cop(GNTCOPY_source_gref, REF_NONE, 0, dmfn, 0, 8);
    rc = copy1(&c);
    t_status("GNTTAB0053", "copy from an entry without permit_access: general_error",
             rc, c.status, GNTST_general_error);
    c = cop(GNTCOPY_dest_gref, smfn, 0, REF_RO, 0, 8);
    rc = copy1(&c);
    t_status("GNTTAB0054", "copy into a GTF_readonly grant gives GNTST_general_error",
             rc, c.status, GNTST_general_error);
    c = cop(0, smfn, 0, dmfn, 0, 8);
    c.source.domid = 0;
    rc = copy1(&c);
    t_status("GNTTAB0055",
             "a frame side naming domain 0, not DOMID_SELF: permission_denied",
             rc, c.status, GNTST_permission_denied);
    c = cop(0, smfn, 0, l4, 0, 8);
    rc = copy1(&c);
    t_status("GNTTAB0056", "copy into our L4 page table gives GNTST_general_error",
             rc, c.status, GNTST_general_error);
    c = cop(0, PT_MFN_HUGE, 0, dmfn, 0, 8);
    rc = copy1(&c);
    t_status("GNTTAB0057", "copy from a frame no machine has gives GNTST_bad_page",
             rc, c.status, GNTST_bad_page);
    t_rc("GNTTAB0058", "copy from an unmapped array gives -EFAULT",
         gop(GNTTABOP_copy, (void *)T_UNMAPPED_VA, 1), -XEN_EFAULT);
}

static void misc(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };

    t_rc("GNTTAB0059", "unknown grant_table_op gives -ENOSYS", gop(13, &q, 1),
         -XEN_ENOSYS);
    t_rc("GNTTAB0060", "a command with bits above 12 set gives -EINVAL",
         gop(GNTTABOP_query_size | (1u << 12), &q, 1), -XEN_EINVAL);
    t_rc("GNTTAB0067", "GNTTABOP_dump_table is gone from Xen 4.17: -ENOSYS",
         gop(GNTTABOP_dump_table, &q, 1), -XEN_ENOSYS);
}

void suite_gnttab(void)
{
    void *table = os_alloc_page();
    unsigned int i;
    long rc, rc2;

    src = os_alloc_page();
    dst = os_alloc_page();
    win = os_alloc_page();
    if (!table || !src || !dst || !win) {
        t_case("GNTTAB0001", "query_size of DOMID_SELF: okay, 1 <= nr_frames <= max",
               T_SKIP, "(no free pages)");
        return;
    }
    query_size();
    if (setup_table(table) == 0) {
        version();
        /* The window VA starts empty: grant mappings go into a clear PTE. */
        HYPERVISOR_update_va_mapping((uint64_t)win, 0, UVMF_INVLPG);
        map_rw();
        map_ro();
        map_refusals();
        map_twice();
        gnttab_device_maps();
        gnttab_replace();
        gnttab_swap();
        copy();
        gnttab_v2();
        for (i = GNTTAB_NR_RESERVED_ENTRIES; i < 16; i++)
            grant(i, 0, 0, 0);
    }
    misc();
    /* pt_put_page leaks a page it cannot map back, rather than reuse it. */
    rc = pt_put_page(win);
    rc2 = pt_put_page(table);
    t_check("GNTTAB0068", "the window and table pages map back to their own frames",
            rc == 0 && rc2 == 0, "(rc=%ld,%ld)", rc, rc2);
    os_free_page(dst);
    os_free_page(src);
}
