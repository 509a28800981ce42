/*
 * GNTTAB, version 2 (GNTTABOP_set_version 2, get_status_frames): 16-byte
 * entries (header, then full_page / sub_page / transitive), with the
 * GTF_reading/GTF_writing bits in separate status frames (one 16-bit word
 * per entry).  Switching clears every entry but the 8 reserved ones,
 * which are converted; it is refused while an entry is in use (-EBUSY),
 * back to v1 while a status frame is mapped (-EBUSY) or a reserved entry
 * cannot be written as v1 (-ERANGE).  Sub-page and transitive grants
 * serve copies only.  Runs after gnttab.c, with its table page at gtab.
 */
#include <xen/memory.h>
#include "gnttab.h"

#define REF_V2    20    /* full_page grant of src */
#define REF_SUB   21    /* sub_page grant of src: bytes [256, 512) */
#define REF_TSELF 22    /* transitive grant naming ourselves */
#define REF_TABS  23    /* transitive grant naming an absent domain */
#define REF_KEEP   7    /* a reserved entry, kept across the switches */

static volatile union grant_entry_v2 *gtab2;         /* the same page, seen as v2 */
static volatile uint16_t *status;               /* status frame 0, mapped at win (read-only) */

static long set_version(uint32_t v, uint32_t *now)
{
    struct gnttab_set_version sv = { .version = v };
    long rc = gop(GNTTABOP_set_version, &sv, 1);

    *now = sv.version;
    return rc;
}

static uint32_t version_now(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };

    return gop(GNTTABOP_get_version, &gv, 1) == 0 ? gv.version : 0;
}

static long status_frames(uint32_t nr, uint64_t *list, struct gnttab_get_status_frames *g)
{
    *g = (struct gnttab_get_status_frames){ .nr_frames = nr, .dom = DOMID_SELF, .status = 99 };
    g->frame_list.p = list;
    return gop(GNTTABOP_get_status_frames, g, 1);
}

/* Write a v2 entry: body first, flags last. */
static void grant2(grant_ref_t ref, uint16_t flags, const union grant_entry_v2 *e)
{
    gtab2[ref].hdr.flags = 0;
    os_barrier();
    gtab2[ref].hdr.domid = e->hdr.domid;
    gtab2[ref].full_page.pad0 = e->full_page.pad0;
    gtab2[ref].full_page.frame = e->full_page.frame;
    os_mb();
    gtab2[ref].hdr.flags = flags;
}

static long copy_from(grant_ref_t ref, uint16_t off, uint16_t len, struct gnttab_copy *c)
{
    *c = (struct gnttab_copy){ .len = len, .flags = GNTCOPY_source_gref, .status = 99 };
    c->source.u.ref = ref;
    c->source.domid = DOMID_SELF;
    c->source.offset = off;
    c->dest.u.gmfn = pt_mfn(dst);
    c->dest.domid = DOMID_SELF;
    c->dest.offset = off;
    return gop(GNTTABOP_copy, c, 1);
}

static void in_v1(uint32_t *nr_status)
{
    struct gnttab_get_status_frames g;
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t list[4];
    long rc;

    rc = status_frames(1, list, &g);
    t_status("GNTTAB0099", "get_status_frames with version 1: GNTST_general_error (none)",
             rc, g.status, GNTST_general_error);
    rc = status_frames(0, list, &g);
    t_status("GNTTAB0100", "get_status_frames of 0 frames with version 1 is okay",
             rc, g.status, GNTST_okay);
    t_rc("GNTTAB0101", "get_status_frames with count 2 gives -EINVAL",
         gop(GNTTABOP_get_status_frames, &g, 2), -XEN_EINVAL);
    t_rc("GNTTAB0102", "get_status_frames with frame_list in the hypervisor gives -EFAULT",
         status_frames(1, (void *)XEN_VA, &g), -XEN_EFAULT);
    gop(GNTTABOP_query_size, &q, 1);
    /* 256 v2 entries a table frame, 2048 status words a status frame. */
    *nr_status = (q.nr_frames * 256 + 2047) / 2048;
}

void gnttab_v2(void)
{
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    struct gnttab_get_status_frames g;
    struct gnttab_copy c;
    union grant_entry_v2 e;
    uint64_t list[4] = { 0, 0, 0, 0 }, v = 0;
    uint32_t nr_status = 1, now = 0;
    long rc, h;

    in_v1(&nr_status);
    grant(REF_KEEP, GTF_permit_access | GTF_readonly, 0, pt_mfn(src));

    /* A mapping in use: no switch. */
    grant(REF_RW, GTF_permit_access, 0, pt_mfn(src));
    rc = map((uint64_t)win, GNTMAP_host_map, REF_RW, 0, &m);
    h = rc == 0 && m.status == GNTST_okay ? (long)m.handle : -1;
    rc = set_version(2, &now);
    t_check("GNTTAB0103", "set_version(2) while a grant is mapped: -EBUSY, version 1 stays",
            h >= 0 && rc == -XEN_EBUSY && now == 1 && version_now() == 1,
            "(h=%ld rc=%ld version=%u)", h, rc, now);
    if (h >= 0)
        unmap((uint64_t)win, (grant_handle_t)h, &u);

    rc = set_version(2, &now);
    t_check("GNTTAB0104", "set_version(2) is 0 and get_version then says 2",
            rc == 0 && now == 2 && version_now() == 2, "(rc=%ld version=%u)", rc, now);
    if (rc || now != 2)
        return;
    gtab2 = (volatile union grant_entry_v2 *)gtab;
    t_check("GNTTAB0105", "the switch cleared the entries; reserved entry 7 is now a v2 entry",
            gtab2[REF_RW / 2].hdr.flags == 0 && gtab2[REF_RW].hdr.flags == 0 &&
            gtab2[REF_KEEP].hdr.flags == (GTF_permit_access | GTF_readonly) &&
            gtab2[REF_KEEP].hdr.domid == 0 && gtab2[REF_KEEP].full_page.frame == pt_mfn(src),
            "(flags=%#x frame=%#lx)", gtab2[REF_KEEP].hdr.flags,
            (unsigned long)gtab2[REF_KEEP].full_page.frame);
    t_check("GNTTAB0106", "set_version(2) again is 0 (no change)",
            set_version(2, &now) == 0 && now == 2, "(version=%u)", now);

    rc = status_frames(nr_status, list, &g);
    t_check("GNTTAB0107", "get_status_frames gives as many status frames as 2048 entries need",
            rc == 0 && g.status == GNTST_okay && list[0] != 0, "(rc=%ld status=%d)", rc,
            g.status);
    rc = status_frames(nr_status + 1, list + 1, &g);
    t_status("GNTTAB0108", "get_status_frames of one frame more: GNTST_general_error",
             rc, g.status, GNTST_general_error);
    rc = HYPERVISOR_update_va_mapping((uint64_t)win, (list[0] << OS_PAGE_SHIFT) | PT_RO,
                                      UVMF_INVLPG);
    t_rc("GNTTAB0109", "status frame 0 can be mapped by its domain", rc, 0);
    status = (volatile uint16_t *)win;

    e = (union grant_entry_v2){ .full_page.frame = pt_mfn(src) };
    grant2(REF_V2, GTF_permit_access, &e);
    src[0] = 0x5eedf00d;
    HYPERVISOR_update_va_mapping((uint64_t)dst, 0, UVMF_INVLPG);
    rc = map((uint64_t)dst, GNTMAP_host_map, REF_V2, 0, &m);
    t_check("GNTTAB0110", "a v2 full_page grant maps; reading|writing go to its status word only",
            rc == 0 && m.status == GNTST_okay && status[REF_V2] == (GTF_reading | GTF_writing) &&
            gtab2[REF_V2].hdr.flags == GTF_permit_access && pt_try_load(dst, &v) == 0 &&
            v == 0x5eedf00d, "(rc=%ld status=%d st=%#x flags=%#x)", rc, m.status,
            status ? status[REF_V2] : 0, gtab2[REF_V2].hdr.flags);
    if (rc == 0 && m.status == GNTST_okay) {
        rc = unmap((uint64_t)dst, m.handle, &u);
        t_check("GNTTAB0111", "unmapping it clears the status word",
                rc == 0 && u.status == GNTST_okay && status[REF_V2] == 0,
                "(rc=%ld status=%d st=%#x)", rc, u.status, status[REF_V2]);
    }
    pt_set_rw(dst);

    for (unsigned int i = 0; i < 512; i++)
        src[i] = 0xa5a5000000000000ull | i;
    dst[40] = dst[70] = 0;
    rc = copy_from(REF_V2, 8 * 40, 8, &c);
    t_check("GNTTAB0112", "copy from a v2 full_page grant moves the bytes",
            rc == 0 && c.status == GNTST_okay && dst[40] == src[40] && status[REF_V2] == 0,
            "(rc=%ld status=%d)", rc, c.status);

    e = (union grant_entry_v2){ .sub_page = { .page_off = 256, .length = 256, .frame = pt_mfn(src) } };
    grant2(REF_SUB, GTF_permit_access | GTF_sub_page, &e);
    rc = copy_from(REF_SUB, 8 * 40, 16, &c);
    t_check("GNTTAB0113", "copy inside a sub_page grant's [256, 512) moves the bytes",
            rc == 0 && c.status == GNTST_okay && dst[40] == src[40] && dst[41] == src[41],
            "(rc=%ld status=%d)", rc, c.status);
    rc = copy_from(REF_SUB, 8 * 70, 8, &c);
    t_check("GNTTAB0114", "copy beyond a sub_page grant's range: general_error, nothing copied",
            rc == 0 && c.status == GNTST_general_error && dst[70] == 0, "(rc=%ld status=%d)",
            rc, c.status);
    rc = copy_from(REF_SUB, 248, 16, &c);
    t_status("GNTTAB0115", "copy starting before a sub_page grant's range: general_error",
             rc, c.status, GNTST_general_error);
    map_refused("GNTTAB0116", "a sub_page grant cannot be mapped: general_error",
                (uint64_t)T_UNMAPPED_VA, GNTMAP_device_map, REF_SUB, 0, GNTST_general_error);

    e = (union grant_entry_v2){ .transitive = { .trans_domid = 0, .gref = REF_V2 } };
    grant2(REF_TSELF, GTF_transitive, &e);
    rc = copy_from(REF_TSELF, 0, 8, &c);
    t_check("GNTTAB0117", "copy through a transitive grant naming ourselves: general_error",
            rc == 0 && c.status == GNTST_general_error && status[REF_TSELF] == 0 &&
            status[REF_V2] == 0, "(rc=%ld status=%d)", rc, c.status);
    e = (union grant_entry_v2){ .transitive = { .trans_domid = DOMID_ABSENT, .gref = REF_V2 } };
    grant2(REF_TABS, GTF_transitive, &e);
    rc = copy_from(REF_TABS, 0, 8, &c);
    t_status("GNTTAB0118", "copy through a transitive grant naming an absent domain: general_error",
             rc, c.status, GNTST_general_error);
    map_refused("GNTTAB0119", "a transitive grant cannot be mapped: general_error",
                (uint64_t)T_UNMAPPED_VA, GNTMAP_device_map, REF_TSELF, 0, GNTST_general_error);

    rc = set_version(1, &now);
    t_check("GNTTAB0120", "set_version(1) while a status frame is mapped: -EBUSY, version 2 stays",
            rc == -XEN_EBUSY && now == 2 && version_now() == 2, "(rc=%ld version=%u)", rc, now);
    HYPERVISOR_update_va_mapping((uint64_t)win, 0, UVMF_INVLPG);
    status = NULL;

    e = (union grant_entry_v2){ .full_page.frame = 1ull << 33 };
    grant2(REF_KEEP, GTF_permit_access, &e);
    rc = set_version(1, &now);
    t_check("GNTTAB0121", "set_version(1) with a reserved entry's frame above 32 bits: -ERANGE",
            rc == -XEN_ERANGE && now == 2, "(rc=%ld version=%u)", rc, now);
    e = (union grant_entry_v2){ .full_page.frame = pt_mfn(dst) };
    grant2(REF_KEEP, GTF_permit_access, &e);

    rc = set_version(1, &now);
    t_check("GNTTAB0122", "set_version(1) once the status frame is unmapped: 0, version 1",
            rc == 0 && now == 1 && version_now() == 1, "(rc=%ld version=%u)", rc, now);
    t_check("GNTTAB0123", "reserved entry 7 is a v1 entry again; the rest are cleared",
            gtab[REF_KEEP].flags == GTF_permit_access && gtab[REF_KEEP].frame == pt_mfn(dst) &&
            gtab[REF_V2].flags == 0 && gtab[REF_SUB].flags == 0,
            "(flags=%#x frame=%#x)", gtab[REF_KEEP].flags, gtab[REF_KEEP].frame);
    rc = status_frames(1, list, &g);
    t_status("GNTTAB0124", "back on version 1 there are no status frames: general_error",
             rc, g.status, GNTST_general_error);
    grant(REF_KEEP, 0, 0, 0);
    t_rc("GNTTAB0125", "memory_op add_to_physmap (a grant status frame) for PV gives -EACCES",
         HYPERVISOR_memory_op(XENMEM_add_to_physmap,
                              &(struct xen_add_to_physmap){
                                  .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                  .idx = XENMAPIDX_grant_table_status, .gpfn = 0x40000 }),
         -XEN_EACCES);
}
